// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - allocation traces in ftrace text, for `replay`.
 *
 * A trace is what trace_pipe, `trace-cmd report` or `perf script` print
 * for the kmem page events, so a trace taken on a real machine replays
 * without conversion:
 *
 *   bash-1234 [002] d..1. 517.321: mm_page_alloc: page=0xffffea0004a5c000
 *       pfn=0x12970 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP
 *   bash-1234 [002] ..... 517.330: mm_page_free: page=... pfn=0x12970 order=0
 *   perf script: bash 1234 [002] 517.330: kmem:mm_page_free_batched: page=... pfn=0x...
 *
 * (each event on one line; comment lines, trace_pipe's lost-events notes
 * and trace-cmd's "version = 6" / "cpus=4" header are skipped).  Only
 * mm_page_alloc, mm_page_free and mm_page_free_batched matter:
 * mm_page_alloc_zone_locked and mm_page_pcpu_drain describe the
 * allocator's internal steps, which the simulated allocator takes by
 * itself, and any other event is skipped.
 * The pfn is decimal in kernels before 5.x ("pfn=74096") and hex with 0x
 * since; both are read.  A failed allocation prints a NULL page and pfn 0;
 * the NULL page reads "(null)", zeros, or "(nil)" (libtraceevent).
 *
 * The whole file is parsed up front, so a malformed line stops the run
 * before the machine boots, with trace-file:line:col.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "scn.h"

struct tline {
	const char *path;
	const char *text;
	uint32_t line;
	struct scn_diag *d;
};

static bool terr(struct tline *l, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool terr(struct tline *l, const char *at, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scn_diag_set(l->d, l->path, (int)l->line, (int)(at - l->text) + 1, "%s", msg);
	return false;
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *word_end(const char *p)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	return p;
}

/* "[002]" with blanks (or the line's start) around it */
static const char *find_cpu(const char *text, int *cpu)
{
	for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		long v = 0;

		if (p > text && p[-1] != ' ' && p[-1] != '\t')
			continue;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q) && v < 100000)
			v = v * 10 + (*q++ - '0');
		if (*q != ']' || (q[1] && q[1] != ' ' && q[1] != '\t'))
			continue;
		*cpu = (int)v;
		return q + 1;
	}
	return NULL;
}

struct field {
	const char *key;
	const char *val;	/* NULL: absent */
	size_t len;
};

static bool parse_num(struct tline *l, const struct field *f, unsigned long *out)
{
	char buf[32];
	const char *why;
	uint64_t v;

	if (f->len >= sizeof(buf))
		return terr(l, f->val, "malformed %s value '%.*s'", f->key, (int)f->len, f->val);
	memcpy(buf, f->val, f->len);
	buf[f->len] = '\0';
	if (!scn_parse_u64(buf, &v, &why))
		return terr(l, f->val, "malformed %s value '%s'", f->key, buf);
	*out = (unsigned long)v;
	return true;
}

static bool parse_gfp(struct tline *l, const struct field *f, gfp_t *gfp)
{
	char buf[512];
	const char *bad;

	if (f->len >= sizeof(buf))
		return terr(l, f->val, "gfp_flags too long");
	memcpy(buf, f->val, f->len);
	buf[f->len] = '\0';
	if (!strcmp(buf, "none")) {		/* an empty mask prints as "none" */
		*gfp = 0;
		return true;
	}
	if (!gfp_parse(buf, gfp, &bad)) {
		char name[128];
		const char *e = strchr(bad, '|');
		int n = e ? (int)(e - bad) : (int)strlen(bad);

		snprintf(name, sizeof(name), "%.*s", n, bad);
		return terr(l, f->val + (bad - buf), "unknown gfp flag '%s'", name);
	}
	return true;
}

static void push(struct trace *t, const struct trace_event *ev)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		t->ev = host_reallocarray(t->ev, cap, sizeof(*t->ev), "loading a trace");
		t->cap = cap;
	}
	t->ev[t->n++] = *ev;
}

static bool parse_line(struct tline *l, struct trace *t)
{
	const char *p = skip_blank(l->text), *q, *ev, *eve;
	struct field fields[] = { { .key = "page" }, { .key = "pfn" }, { .key = "order" },
				  { .key = "gfp_flags" } };
	struct trace_event e = { .line = l->line, .cpu = -1 };
	unsigned long v;
	size_t evlen;
	int cpu;

	if (!*p || *p == '#')
		return true;
	if (!strncmp(p, "CPU:", 4) && strstr(p, "LOST"))
		return true;		/* trace_pipe's "CPU:3 [LOST 12 EVENTS]" */
	if (!strncmp(p, "cpus=", 5) || !strncmp(p, "version = ", 10))
		return true;		/* trace-cmd report's header */
	q = find_cpu(l->text, &cpu);
	if (!q)
		return terr(l, p, "malformed trace line: no [CPU] field");
	e.cpu = (int16_t)(cpu < MAX_CPUS ? cpu : -1);
	/* the timestamp: the first word ending in ':' (after trace_pipe's flags) */
	for (;;) {
		q = skip_blank(q);
		if (!*q)
			return terr(l, q, "malformed trace line: no timestamp");
		eve = word_end(q);
		if (eve[-1] == ':')
			break;
		q = eve;
	}
	for (const char *c = q; c < eve - 1; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return terr(l, q, "malformed timestamp '%.*s'", (int)(eve - q), q);
	/* the event: the next word ending in ':' */
	for (q = eve;;) {
		q = skip_blank(q);
		if (!*q)
			return terr(l, q, "malformed trace line: no event name");
		eve = word_end(q);
		if (eve[-1] == ':')
			break;
		q = eve;
	}
	ev = q;
	evlen = (size_t)(eve - q - 1);
	q = memchr(ev, ':', evlen);	/* perf's "kmem:" system prefix */
	if (q) {
		evlen -= (size_t)(q + 1 - ev);
		ev = q + 1;
	}
#define EV_IS(s)	(evlen == strlen(s) && !strncmp(ev, s, evlen))
	if (EV_IS("mm_page_alloc"))
		e.kind = TRACE_ALLOC;
	else if (EV_IS("mm_page_free") || EV_IS("mm_page_free_batched"))
		e.kind = TRACE_FREE;
	else {
		t->ignored++;
		return true;
	}
#undef EV_IS
	/* key=value fields */
	for (q = eve; *(q = skip_blank(q));) {
		const char *we = word_end(q), *eq = memchr(q, '=', (size_t)(we - q));

		if (!eq)
			return terr(l, q, "malformed field (expected key=value)");
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			if ((size_t)(eq - q) == strlen(fields[i].key) &&
			    !strncmp(q, fields[i].key, (size_t)(eq - q))) {
				fields[i].val = eq + 1;
				fields[i].len = (size_t)(we - eq - 1);
			}
		}
		q = we;
	}
	for (size_t i = 1; i < (e.kind == TRACE_ALLOC ? 4u : 2u); i++) {
		if (!fields[i].val)
			return terr(l, q, "missing %s= field", fields[i].key);
		if (!fields[i].len)
			return terr(l, fields[i].val - strlen(fields[i].key) - 1,
				    "%s= has no value", fields[i].key);
	}
	if (!parse_num(l, &fields[1], &e.pfn))
		return false;
	if (fields[2].val) {
		if (!parse_num(l, &fields[2], &v))
			return false;
		if (v >= MAX_ORDER)
			return terr(l, fields[2].val, "order %lu out of range (0..%d)", v,
				    MAX_ORDER - 1);
		e.order = (uint8_t)v;
	}
	if (e.kind == TRACE_ALLOC) {
		if (!parse_gfp(l, &fields[3], &e.gfp))
			return false;
		/*
		 * A failed allocation: a NULL page and pfn 0.  The kernel's %p
		 * prints NULL as zeros ("(null)" before hashed pointers, 4.15),
		 * libtraceevent (trace-cmd report, perf script) as glibc's "(nil)".
		 */
		if (fields[0].val && e.pfn == 0) {
			const char *pv = fields[0].val;
			size_t k = 0;

			if ((fields[0].len == 6 && !strncmp(pv, "(null)", 6)) ||
			    (fields[0].len == 5 && !strncmp(pv, "(nil)", 5))) {
				e.failed = true;
			} else {
				if (fields[0].len > 2 && pv[0] == '0' && pv[1] == 'x')
					k = 2;
				while (k < fields[0].len && pv[k] == '0')
					k++;
				e.failed = k == fields[0].len;
			}
		}
	}
	push(t, &e);
	return true;
}

struct trace *trace_parse(const char *path, const char *text, struct scn_diag *d)
{
	struct trace *t = host_calloc(1, sizeof(*t), "loading a trace");
	struct tline l = { .path = path, .d = d };
	char *buf = NULL;
	size_t cap = 0;

	t->path = host_strdup(path, "loading a trace");
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len + 1 > cap) {
			cap = len + 1;
			buf = host_reallocarray(buf, cap, 1, "loading a trace");
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		l.line++;
		l.text = buf;
		if (!parse_line(&l, t)) {
			host_free(buf);
			trace_free(t);
			return NULL;
		}
		p = nl ? nl + 1 : p + len;
	}
	host_free(buf);
	return t;
}

struct trace *trace_load(const char *path, struct scn_diag *d)
{
	struct trace *t = NULL;
	struct sbuf sb;
	int e = 0;

	sb_init(&sb);
	switch (scn_read_text(path, &sb, &e)) {
	case SCN_READ_OK:
		t = trace_parse(path, sb.buf, d);
		break;
	case SCN_READ_OPEN:
		scn_diag_set(d, path, 0, 0, "cannot open trace '%s': %s", path, strerror(e));
		break;
	case SCN_READ_BINARY:
		scn_diag_set(d, path, 0, 0, "trace '%s' is a binary file (perf.data? "
			     "convert it with perf script)", path);
		break;
	case SCN_READ_IO:
		scn_diag_set(d, path, 0, 0, "read error in trace '%s': %s", path, strerror(e));
		break;
	}
	sb_free(&sb);
	return t;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	host_free(t->path);
	host_free(t->ev);
	host_free(t);
}
