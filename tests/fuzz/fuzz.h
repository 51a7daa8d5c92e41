/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share.
 *
 * The targets are built by the MMSIM_FUZZ=ON build (CMakeLists.txt) and run
 * by tools/fuzz.sh; README.md, "Fuzzing", says how to run them by hand.
 *
 * Host files.  The scenario language reads one kind of host file: the trace
 * of a `replay FILE` line, at parse time, relative to the scenario's
 * directory.  A fuzzed scenario must not read whatever the host has (an
 * absolute path, ../../..): the outcome would depend on the machine the
 * fuzzer runs on.  So every target names its input MMSIM_FUZZ_SCENARIO_DIR
 * "/fuzz.scn", which puts relative traces under the checkout's scenarios/
 * (scenarios/traces/stress-ng-vm.trace is "traces/stress-ng-vm.trace", as in
 * scenarios/trace-replay.scn), and fuzz_replay_ok() refuses an input whose
 * replay path is absolute or has a ".." in it.  scenarios/ is part of the
 * checkout, so a run reads the same bytes every time.
 */
#ifndef MMSIM_FUZZ_H
#define MMSIM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"

#ifndef MMSIM_FUZZ_SCENARIO_DIR
#error "MMSIM_FUZZ_SCENARIO_DIR must name the checkout's scenarios/ (CMakeLists.txt sets it)"
#endif

#define FUZZ_SCN_FILE	MMSIM_FUZZ_SCENARIO_DIR "/fuzz.scn"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as a C string.  The parsers take NUL-terminated text, so an
 * input with a NUL byte in it is cut there (scn_read_text refuses such a
 * file; a string cannot carry one).
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Could @line, once unquoted, have "replay" as a word?  Quotes and
 * backslashes only delimit or escape, so a word's letters are contiguous
 * in the line once they are dropped.  (Tokenizing every line costs as
 * much as the parse itself.)
 */
static inline bool fuzz_may_replay(const char *line, size_t len)
{
	static const char want[] = "replay";
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (c == '\'' || c == '"' || c == '\\')
			continue;
		k = c == want[k] ? k + 1 : c == want[0];
		if (k == sizeof(want) - 1)
			return true;
	}
	return false;
}

/*
 * May the scenario @text be parsed without reading a host file outside
 * scenarios/?  Lines are split and tokenized as scn_parse_string does, so
 * quoting cannot hide a path: a line the tokenizer refuses stops the
 * parser before any later replay line.
 */
static inline bool fuzz_replay_ok(const char *text)
{
	struct scn_toks tk = { 0 };
	const char *line = text;
	char *buf = NULL;
	size_t cap = 0;
	bool ok = true;

	while (ok && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char msg[256];
		int col;

		if (!fuzz_may_replay(line, len)) {
			line = nl ? nl + 1 : line + len;
			continue;
		}
		if (len + 1 > cap) {
			cap = len + 1;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : line + len;
		scn_toks_free(&tk);
		if (!scn_tokenize(buf, &tk, &col, msg, sizeof(msg)) || tk.n < 2)
			continue;
		if (tk.t[0].kind != SCN_TOK_WORD || strcmp(tk.t[0].s, "replay"))
			continue;
		if (tk.t[1].s[0] == '/' || strstr(tk.t[1].s, ".."))
			ok = false;
	}
	scn_toks_free(&tk);
	free(buf);
	return ok;
}

#endif /* MMSIM_FUZZ_H */
