// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_trace_parse.c - libFuzzer target: the ftrace trace parser.
 *
 * The input is the text of a trace file (what `replay FILE` reads).
 * trace_parse either returns the events, which must be what the runner
 * can replay (an order below MAX_ORDER, a cpu of -1 or below MAX_CPUS,
 * a line inside the file, lines in order), or NULL with a message and a
 * line.  A crash, a sanitizer report, a leak or a broken property is a
 * finding.
 */
#include <stdio.h>

#include "fuzz.h"

static void bad(const char *what, const struct trace_event *ev)
{
	fprintf(stderr, "fuzz_trace_parse: %s (event of line %u: kind %u order %u cpu %d "
		"pfn %#lx)\n", what, ev->line, ev->kind, ev->order, ev->cpu, ev->pfn);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct scn_diag d = { .line = 0 };
	struct trace *t;
	uint32_t lines = 1, prev = 0;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	t = trace_parse("fuzz.trace", text, &d);
	if (!t) {
		if (!d.msg[0] || d.line < 1 || (uint32_t)d.line > lines) {
			fprintf(stderr, "fuzz_trace_parse: refused without a message or a line: "
				"%s:%d:%d: '%s'\n", d.file, d.line, d.col, d.msg);
			abort();
		}
		free(text);
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];

		if (ev->kind != TRACE_ALLOC && ev->kind != TRACE_FREE)
			bad("unknown kind", ev);
		if (ev->order >= MAX_ORDER)
			bad("order out of range", ev);
		if (ev->cpu < -1 || ev->cpu >= MAX_CPUS)
			bad("cpu out of range", ev);
		if (ev->line < 1 || ev->line > lines || ev->line <= prev)
			bad("line out of order or outside the file", ev);
		if (ev->failed && (ev->kind != TRACE_ALLOC || ev->pfn))
			bad("a failed allocation that is not an allocation of pfn 0", ev);
		prev = ev->line;
	}
	trace_free(t);
	free(text);
	return 0;
}
