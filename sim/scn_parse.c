// SPDX-License-Identifier: GPL-2.0-only
/*
 * scn_parse.c - scenario text to struct scn_script.
 *
 * One pass over the lines.  Machine description lines (machine, node,
 * hole, reserve, distance, cmdline, seed, policy) fill the script's
 * machine_opts and policy picks directly; every other line becomes a run
 * statement with its arguments already converted (numbers, gfp masks,
 * names resolved to slots, trace files loaded), so the runner never sees
 * text it could fail to understand.  The first statement that needs a
 * machine gets an implicit `boot` in front of it; description lines after
 * that are an error, because the machine they describe already exists.
 *
 * Ids (alloc), groups (fill, replay) and snapshots are resolved here: a
 * scenario has no control flow, so the text order is the run order and a
 * free of an unknown id or a double free is a parse error.
 *
 * Variables (`var NAME=VALUE`, `$NAME`) are expanded in each line before
 * it is parsed (scn_expand), so a value is checked exactly as the same
 * text written in the file would be; columns in messages are mapped back
 * to the file's, and a message about a column inside an expansion says
 * which variable it was and where its value came from.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scn.h"
#include "import_dump.h"
#include "hash.h"
#include "hugetlb.h"
#include "host.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "suggest.h"

enum name_kind { NAME_ID, NAME_GROUP, NAME_SNAP };

struct scn_names {
	char *name;
	enum name_kind kind;
	int slot;
	int def_line;		/* first alloc/fill/replay */
	bool live;		/* ids: allocated and not freed */
	int alloc_line;		/* ids: the alloc that made it live */
	int freed_line;		/* ids: the free that ended it */
	UT_hash_handle hh;
};

struct parser {
	struct scn_script *s;
	struct scn_diag *d;
	int line;
	const char *linetext;
	struct scn_toks tk;
	int boot_line;		/* 0: not booted yet */
	int machine_line;
	char dir[512];		/* the scenario's directory, for replay paths */
	int *proc_exit_line;	/* [s->nprocs]: where each process exited, 0: alive */
	int *proc_def_line;	/* [s->nprocs]: where each process was made */
	/* `subsection add` ranges not removed yet, [start, end) bytes, and their lines */
	struct dev_range {
		uint64_t start, end;
		int line;
	} *dev;
	int ndev;
	const struct scn_vars *set;	/* --set values, or NULL */
	struct sbuf var_line;		/* a `var` line as the expanded text spells it */
	bool var_line_set;
	struct sbuf eline;		/* the line being parsed, expanded */
	struct sbuf etext;		/* the file as parsed, once a line changed */
	bool changed;
};

static void perr_set(struct parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record a diagnostic; the value is false, for `return perr(...)`.  A macro,
 * so the compiler sees that false where it inlines a helper returning it:
 * a call it cannot see into would leave the helper's out parameters
 * "maybe uninitialized" on that path at -O3.
 *
 * @col is a column of the line as parsed, after expansion: the message
 * gets the file's column, and, inside a variable's value, the variable.
 */
#define perr(p, col, ...)	({ perr_set((p), (col), __VA_ARGS__); false; })

static void perr_set(struct parser *p, int col, const char *fmt, ...)
{
	const struct scn_script *s = p->s;
	va_list ap;
	size_t len;

	p->d->line = p->line;
	p->d->col = scn_expansion_col(s->exp, s->nexp, p->line, col);
	snprintf(p->d->file, sizeof(p->d->file), "%s", s->file);
	va_start(ap, fmt);
	vsnprintf(p->d->msg, sizeof(p->d->msg), fmt, ap);
	va_end(ap);
	for (int i = s->nexp - 1; i >= 0 && s->exp[i].line == p->line; i--) {
		const struct scn_expansion *e = &s->exp[i];
		const struct scn_svar *v = &s->svars[e->var];

		if (col < e->ecol || col >= e->ecol + e->elen)
			continue;
		len = strlen(p->d->msg);
		if (v->set)
			snprintf(p->d->msg + len, sizeof(p->d->msg) - len,
				 " ($%s is '%s', from --set)", v->name, v->value);
		else
			snprintf(p->d->msg + len, sizeof(p->d->msg) - len,
				 " ($%s is '%s', its default at line %d)", v->name, v->value,
				 v->line);
		break;
	}
}

static void *xcalloc(size_t n, size_t sz)
{
	return host_calloc(n, sz, "reading the scenario");
}

static char *xstrdup(const char *s)
{
	return host_strdup(s, "reading the scenario");
}

static void *xreallocarray(void *q, size_t n, size_t sz)
{
	return host_reallocarray(q, n, sz, "reading the scenario");
}

static struct scn_stmt *new_stmt(struct parser *p, enum scn_verb verb, int col)
{
	struct scn_script *s = p->s;
	struct scn_stmt *st;

	if (s->nstmts == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->stmts = xreallocarray(s->stmts, (size_t)s->cap, sizeof(*s->stmts));
	}
	st = &s->stmts[s->nstmts++];
	memset(st, 0, sizeof(*st));
	st->verb = verb;
	st->line = p->line;
	st->col = col;
	st->node = -1;
	st->slot = -1;
	st->slot2 = -1;
	return st;
}

static void stmt_add_arg(struct scn_stmt *st, const char *s, int col)
{
	st->args = xreallocarray(st->args, (size_t)st->nargs + 1, sizeof(*st->args));
	st->argcol = xreallocarray(st->argcol, (size_t)st->nargs + 1, sizeof(*st->argcol));
	st->args[st->nargs] = xstrdup(s);
	st->argcol[st->nargs] = col;
	st->nargs++;
}

/*
 * The arrays hold a power of two of names (at least 8) and double when
 * full: growing them one name at a time copied the whole array for each
 * new name wherever realloc moves the block (as ASan's always does), which
 * made 100,000 snapshot lines take minutes.
 */
static int add_name(char ***arr, int *n, const char *name)
{
	if (!*n || (*n >= 8 && !(*n & (*n - 1))))
		*arr = xreallocarray(*arr, *n ? 2 * (size_t)*n : 8, sizeof(**arr));
	(*arr)[*n] = xstrdup(name);
	return (*n)++;
}

/* -------------------------------------------------------------------------
 * Boot ordering
 */
static bool need_boot(struct parser *p, int col)
{
	struct scn_stmt *st;

	if (p->boot_line)
		return true;
	if (!p->s->have_machine)
		return perr(p, col, "no machine described: a 'machine' line must come before "
			    "the first step");
	st = new_stmt(p, SCN_BOOT, col);
	st->implicit = true;
	p->boot_line = p->line;
	return true;
}

static bool before_boot(struct parser *p, const char *verb)
{
	if (!p->boot_line)
		return true;
	return perr(p, p->tk.t[0].col,
		    "'%s' describes the machine, but it already booted at line %d",
		    verb, p->boot_line);
}

/* -------------------------------------------------------------------------
 * key=value options
 */
struct kv {
	const char *key;
	const char *val;	/* NULL: not given */
	int col;		/* of the value */
	int kcol;		/* of the key */
};

#define KV(k)	{ .key = (k) }
#define KV_END	{ .key = NULL }

static struct kv *kv_get(struct kv *kv, const char *key)
{
	for (; kv->key; kv++)
		if (!strcmp(kv->key, key))
			return kv;
	return NULL;
}

static void kv_list(struct kv *kv, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; kv->key && off < len; kv++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=", off ? ", " : "", kv->key);
}

/* Parse tokens [from, n) as key=value options of @verb */
static bool parse_kv(struct parser *p, int from, const char *verb, struct kv *kv)
{
	char known[256];

	for (int i = from; i < p->tk.n; i++) {
		struct scn_tok *t = &p->tk.t[i];
		char *eq = t->kind == SCN_TOK_WORD ? strchr(t->s, '=') : NULL;
		struct kv *e;

		kv_list(kv, known, sizeof(known));
		if (!eq || eq == t->s)
			return perr(p, t->col, "unexpected '%s' (%s takes %s)", t->s, verb, known);
		*eq = '\0';
		e = kv_get(kv, t->s);
		if (!e) {
			perr(p, t->col, "unknown option '%s' for %s (known: %s)", t->s, verb,
			     known);
			*eq = '=';
			return false;
		}
		*eq = '=';
		if (e->val)
			return perr(p, t->col, "%s= given twice", e->key);
		e->val = eq + 1;
		e->col = t->col + (int)(eq + 1 - t->s);
		e->kcol = t->col;
		if (!*e->val)
			return perr(p, e->col, "missing value after '%s='", e->key);
	}
	return true;
}

static bool kv_require(struct parser *p, struct kv *e, const char *verb, int col)
{
	if (e->val)
		return true;
	return perr(p, col, "%s: missing %s=", verb, e->key);
}

static bool num_at(struct parser *p, const char *s, int col, uint64_t *v)
{
	const char *why;

	if (!scn_parse_u64(s, v, &why))
		return perr(p, col, "%s: '%s'", why, s);
	return true;
}

static bool int_at(struct parser *p, const char *s, int col, uint64_t max, const char *what,
		   uint64_t *v)
{
	if (!num_at(p, s, col, v))
		return false;
	if (*v > max)
		return perr(p, col, "%s %llu out of range (at most %llu)", what,
			    (unsigned long long)*v, (unsigned long long)max);
	return true;
}

static bool size_at(struct parser *p, const char *s, int col, uint64_t *v)
{
	const char *why;

	if (!scn_parse_size(s, v, &why))
		return perr(p, col, "%s: '%s'", why, s);
	if (*v % PAGE_SIZE)
		return perr(p, col, "%s is not a multiple of the page size (%lu)", s, PAGE_SIZE);
	return true;
}

static bool node_at(struct parser *p, const char *s, int col, int *nid)
{
	uint64_t v;

	if (!num_at(p, s, col, &v))
		return false;
	if (v >= (uint64_t)p->s->opts.nr_nodes)
		return perr(p, col, "node %llu does not exist (the machine has %d node%s)",
			    (unsigned long long)v, p->s->opts.nr_nodes,
			    p->s->opts.nr_nodes == 1 ? "" : "s");
	*nid = (int)v;
	return true;
}

static bool gfp_at(struct parser *p, const char *s, int col, gfp_t *g)
{
	const char *bad = s;

	if (!gfp_parse(s, g, &bad)) {
		const char *e = strchr(bad, '|');
		int n = e ? (int)(e - bad) : (int)strlen(bad);

		if (!n)
			return perr(p, col + (int)(bad - s), "missing gfp flag in '%s'", s);
		return perr(p, col + (int)(bad - s), "unknown gfp flag '%.*s'", n, bad);
	}
	return true;
}

static bool order_at(struct parser *p, struct kv *e, unsigned int *order)
{
	uint64_t v = 0;

	if (!e->val) {
		*order = 0;
		return true;
	}
	if (!num_at(p, e->val, e->col, &v))
		return false;
	if (v >= MAX_ORDER)
		return perr(p, e->col, "order %llu out of range (orders are 0..%d)",
			    (unsigned long long)v, MAX_ORDER - 1);
	*order = (unsigned int)v;
	return true;
}

static bool want_args(struct parser *p, const char *verb, int min, int max, const char *usage)
{
	int nargs = p->tk.n - 1;

	for (int i = 1; i < p->tk.n; i++)
		if (p->tk.t[i].kind != SCN_TOK_WORD)
			return perr(p, p->tk.t[i].col, "%s: unexpected redirection", verb);
	if (nargs < min)
		return perr(p, p->tk.t[p->tk.n - 1].col + (int)strlen(p->tk.t[p->tk.n - 1].s),
			    "%s: missing arguments (usage: %s)", verb, usage);
	if (max >= 0 && nargs > max)
		return perr(p, p->tk.t[max + 1].col, "%s: unexpected '%s' (usage: %s)", verb,
			    p->tk.t[max + 1].s, usage);
	return true;
}

/* -------------------------------------------------------------------------
 * Machine description
 */
static bool parse_kbool(const char *s, bool *b);

static bool parse_machine(struct parser *p)
{
	struct machine_opts *o = &p->s->opts;
	struct kv kv[] = { KV("nodes"), KV("mem"), KV("cpus"), KV("struct_page_size"),
			   KV("kernel"), KV("holes"), KV("deferred_struct_page_init"),
			   KV("kernel_alloc"), KV("version"), KV_END };
	bool deferred, kalloc;
	uint64_t v;
	int col = p->tk.t[0].col;

	if (!before_boot(p, "machine"))
		return false;
	if (p->s->have_machine)
		return perr(p, col, "machine already described at line %d%s", p->machine_line,
			    p->s->import ? " (by import)" : "");
	if (!want_args(p, "machine", 0, -1, "") || !parse_kv(p, 1, "machine", kv))
		return false;
	if (!kv_require(p, &kv[0], "machine", col) || !kv_require(p, &kv[1], "machine", col))
		return false;
	if (!num_at(p, kv[0].val, kv[0].col, &v))
		return false;
	if (v < 1 || v > MAX_NUMNODES)
		return perr(p, kv[0].col, "nodes=%llu: a machine has 1 to %d nodes (MAX_NUMNODES)",
			    (unsigned long long)v, MAX_NUMNODES);
	o->nr_nodes = (int)v;
	if (!size_at(p, kv[1].val, kv[1].col, &v))
		return false;
	memset(o->node, 0, sizeof(o->node));
	for (int n = 0; n < o->nr_nodes; n++)
		o->node[n].mem_bytes = v;
	if (kv[2].val) {
		if (!num_at(p, kv[2].val, kv[2].col, &v))
			return false;
		if (v < 1 || v > MAX_CPUS)
			return perr(p, kv[2].col, "cpus=%llu: a machine has 1 to %d CPUs",
				    (unsigned long long)v, MAX_CPUS);
		o->nr_cpus = (int)v;
	}
	if (kv[3].val) {
		if (!int_at(p, kv[3].val, kv[3].col, 4096, "struct_page_size", &v))
			return false;
		o->struct_page_size = (unsigned int)v;
	}
	if (kv[4].val) {
		if (!size_at(p, kv[4].val, kv[4].col, &v))
			return false;
		o->kernel_image_bytes = v;
	}
	if (kv[5].val) {
		/* the defaults are a q35 guest's e820 holes (machine_opts_default) */
		if (!strcmp(kv[5].val, "none")) {
			o->nr_holes = 0;
			o->bios_top_reserved = false;
		}
		else if (strcmp(kv[5].val, "q35"))
			return perr(p, kv[5].col, "holes= takes q35 or none, not '%s'", kv[5].val);
	}
	if (kv[6].val) {
		/* CONFIG_DEFERRED_STRUCT_PAGE_INIT: y in Debian's config */
		if (!parse_kbool(kv[6].val, &deferred))
			return perr(p, kv[6].col, "deferred_struct_page_init= takes y or n, not '%s'",
				    kv[6].val);
		o->no_deferred_struct_page_init = !deferred;
	}
	if (kv[7].val) {
		/* the kernel's own allocations at boot (model/boot_alloc.c) */
		if (!parse_kbool(kv[7].val, &kalloc))
			return perr(p, kv[7].col, "kernel_alloc= takes y or n, not '%s'", kv[7].val);
		o->no_kernel_alloc = !kalloc;
	}
	if (kv[8].val && !mm_kver_parse(kv[8].val, &o->kver))
		return perr(p, kv[8].col, "version= takes 6.1 or 6.12, not '%s'", kv[8].val);
	p->s->have_machine = true;
	p->machine_line = p->line;
	return true;
}

static bool need_machine(struct parser *p, const char *verb)
{
	if (!before_boot(p, verb))
		return false;
	if (p->s->import && (!strcmp(verb, "node") || !strcmp(verb, "hole") ||
			     !strcmp(verb, "reserve")))
		return perr(p, p->tk.t[0].col, "'%s' after 'import' (line %d): the dump describes "
			    "the machine", verb, p->machine_line);
	if (!p->s->have_machine)
		return perr(p, p->tk.t[0].col, "'%s' before the 'machine' line", verb);
	return true;
}

static bool parse_node(struct parser *p)
{
	struct machine_opts *o = &p->s->opts;
	struct kv kv[] = { KV("mem"), KV("movable"), KV_END };
	uint64_t v;
	int nid;

	if (!need_machine(p, "node"))
		return false;
	if (p->tk.n < 2 || strchr(p->tk.t[1].s, '='))
		return perr(p, p->tk.n < 2 ? p->tk.t[0].col : p->tk.t[1].col,
			    "node: expected a node number (usage: node N mem=SIZE [movable=SIZE])");
	if (!node_at(p, p->tk.t[1].s, p->tk.t[1].col, &nid) || !parse_kv(p, 2, "node", kv))
		return false;
	if (!kv[0].val && !kv[1].val)
		return perr(p, p->tk.t[0].col, "node: nothing to set (mem= or movable=)");
	if (kv[0].val) {
		if (!size_at(p, kv[0].val, kv[0].col, &v))
			return false;
		o->node[nid].mem_bytes = v;
	}
	if (kv[1].val) {
		if (!size_at(p, kv[1].val, kv[1].col, &v))
			return false;
		o->node[nid].movable_bytes = v;
	}
	return true;
}

static bool parse_hole(struct parser *p)
{
	struct machine_opts *o = &p->s->opts;
	uint64_t a, b;

	if (!need_machine(p, "hole") || !want_args(p, "hole", 2, 2, "hole START END"))
		return false;
	if (!size_at(p, p->tk.t[1].s, p->tk.t[1].col, &a) ||
	    !size_at(p, p->tk.t[2].s, p->tk.t[2].col, &b))
		return false;
	if (b <= a)
		return perr(p, p->tk.t[2].col, "hole end %s is not above its start %s",
			    p->tk.t[2].s, p->tk.t[1].s);
	if (o->nr_holes >= MAX_HOLES)
		return perr(p, p->tk.t[0].col, "too many holes (at most %d)", MAX_HOLES);
	o->hole[o->nr_holes].start = a;
	o->hole[o->nr_holes].end = b;
	o->nr_holes++;
	return true;
}

static bool parse_reserve(struct parser *p)
{
	struct machine_opts *o = &p->s->opts;
	struct reserve_desc r = { .nid = -1 };
	uint64_t v;
	int scol;		/* of the size */

	if (!need_machine(p, "reserve"))
		return false;
	if (o->nr_reserves >= MAX_RESERVES)
		return perr(p, p->tk.t[0].col, "too many reservations (at most %d)", MAX_RESERVES);
	if (p->tk.n >= 2 && strchr(p->tk.t[1].s, '=')) {
		struct kv kv[] = { KV("node"), KV("size"), KV_END };

		if (!parse_kv(p, 1, "reserve", kv) ||
		    !kv_require(p, &kv[0], "reserve", p->tk.t[0].col) ||
		    !kv_require(p, &kv[1], "reserve", p->tk.t[0].col))
			return false;
		if (!node_at(p, kv[0].val, kv[0].col, &r.nid) ||
		    !size_at(p, kv[1].val, kv[1].col, &v))
			return false;
		r.size = v;
		scol = kv[1].col;
	} else {
		if (!want_args(p, "reserve", 2, 2, "reserve START SIZE | reserve node=N size=SIZE"))
			return false;
		if (!size_at(p, p->tk.t[1].s, p->tk.t[1].col, &v))
			return false;
		r.start = v;
		if (!size_at(p, p->tk.t[2].s, p->tk.t[2].col, &v))
			return false;
		r.size = v;
		scol = p->tk.t[2].col;
	}
	if (!r.size)
		return perr(p, scol, "reserve: size 0 reserves nothing");
	o->reserve[o->nr_reserves++] = r;
	return true;
}

static bool parse_distance(struct parser *p)
{
	uint64_t d;
	int a, b;

	if (!need_machine(p, "distance") ||
	    !want_args(p, "distance", 3, 3, "distance NODE NODE DISTANCE"))
		return false;
	if (!node_at(p, p->tk.t[1].s, p->tk.t[1].col, &a) ||
	    !node_at(p, p->tk.t[2].s, p->tk.t[2].col, &b) ||
	    !num_at(p, p->tk.t[3].s, p->tk.t[3].col, &d))
		return false;
	if (a == b)
		return perr(p, p->tk.t[2].col, "a node's distance to itself is always 10");
	if (d <= 10 || d > 254)
		return perr(p, p->tk.t[3].col, "distance %llu out of range (11..254, local is 10)",
			    (unsigned long long)d);
	p->s->opts.distance[a][b] = (int)d;
	p->s->opts.distance[b][a] = (int)d;
	return true;
}

/* Boot parameters, in the kernel's syntax.  Later modules add rows. */
enum bootparam_kind { BP_BOOL, BP_UINT, BP_THP, BP_HUGETLB, BP_NOT_MODELLED };

/*
 * A sysctl.* boot parameter is written through the sysctl's own handler,
 * so it takes exactly what writing the file takes: [min, max], and with
 * min_nonzero set, 0 or at least min_nonzero (the range checks of 6.1's
 * vm_table entries and percpu_pagelist_high_fraction_sysctl_handler).
 */
struct bootparam {
	const char *name;
	enum bootparam_kind kind;
	size_t off;		/* in struct machine_opts */
	uint64_t min, max;
	uint64_t min_nonzero;
};

#define BP_OPT(f)	offsetof(struct machine_opts, f)
static const struct bootparam bootparams[] = {
	{ .name = "page_alloc.shuffle", .kind = BP_BOOL, .off = BP_OPT(page_alloc_shuffle) },
	{ .name = "transparent_hugepage", .kind = BP_THP, .off = BP_OPT(thp) },
	{ .name = "sysctl.vm.min_free_kbytes", .kind = BP_UINT, .off = BP_OPT(min_free_kbytes),
	  .min = 0, .max = INT32_MAX },
	{ .name = "sysctl.vm.watermark_scale_factor", .kind = BP_UINT,
	  .off = BP_OPT(watermark_scale_factor), .min = 1, .max = 3000 },
	{ .name = "sysctl.vm.percpu_pagelist_high_fraction", .kind = BP_UINT,
	  .off = BP_OPT(percpu_pagelist_high_fraction), .min = 0, .max = INT32_MAX,
	  .min_nonzero = 8 },
	{ .name = "hugetlb_free_vmemmap", .kind = BP_HUGETLB },
	{ .name = "hugepages", .kind = BP_HUGETLB },
	{ .name = "hugepagesz", .kind = BP_HUGETLB },
	{ .name = "default_hugepagesz", .kind = BP_HUGETLB },
	{ .name = "hugetlb_cma", .kind = BP_NOT_MODELLED },
	{ .name = "kernelcore", .kind = BP_NOT_MODELLED },
	{ .name = "movablecore", .kind = BP_NOT_MODELLED },
	{ .name = "memory_hotplug.memmap_on_memory", .kind = BP_BOOL,
	  .off = BP_OPT(memmap_on_memory) },
};

/*
 * kstrtobool, which parses a bool parameter: the first character decides
 * (y, t, 1 true; n, f, 0 false; either case), except that "on" and "off"
 * need the second.  So "yes", "true" and "OFF" work as on a real
 * command line.  @s is not empty.
 */
static bool parse_kbool(const char *s, bool *b)
{
	if (strchr("yYtT1", s[0])) {
		*b = true;
		return true;
	}
	if (strchr("nNfF0", s[0])) {
		*b = false;
		return true;
	}
	if ((s[0] == 'o' || s[0] == 'O') && s[1] && strchr("nNfF", s[1])) {
		*b = s[1] == 'n' || s[1] == 'N';
		return true;
	}
	return false;
}

static bool parse_cmdline(struct parser *p)
{
	struct machine_opts *o = &p->s->opts;

	if (!need_machine(p, "cmdline") || !want_args(p, "cmdline", 1, -1, "cmdline PARAM=VALUE..."))
		return false;
	for (int i = 1; i < p->tk.n; i++) {
		struct scn_tok *t = &p->tk.t[i];
		char *eq = strchr(t->s, '=');
		size_t n = eq ? (size_t)(eq - t->s) : strlen(t->s);
		const struct bootparam *bp = NULL;
		int vcol = t->col + (int)n + 1;
		const char *val = eq ? eq + 1 : "";
		uint64_t v;
		bool b;

		for (size_t j = 0; j < ARRAY_SIZE(bootparams); j++)
			if (strlen(bootparams[j].name) == n && !strncmp(bootparams[j].name, t->s, n))
				bp = &bootparams[j];
		if (!bp) {
			if (n == strlen("min_free_kbytes") && !strncmp(t->s, "min_free_kbytes", n))
				return perr(p, t->col, "unknown boot parameter 'min_free_kbytes' "
					    "(the kernel spells it sysctl.vm.min_free_kbytes)");
			if (n == strlen("memmap_on_memory") && !strncmp(t->s, "memmap_on_memory", n))
				return perr(p, t->col, "unknown boot parameter 'memmap_on_memory' "
					    "(the kernel spells it memory_hotplug.memmap_on_memory)");
			return perr(p, t->col, "unknown boot parameter '%.*s'", (int)n, t->s);
		}
		if (bp->kind == BP_NOT_MODELLED)
			return perr(p, t->col, "boot parameter '%s' is not modelled yet", bp->name);
		if (!eq || !*val)
			return perr(p, eq ? vcol : t->col + (int)n, "%s needs a value", bp->name);
		switch (bp->kind) {
		case BP_HUGETLB: {
			char key[32], msg[256];

			snprintf(key, sizeof(key), "%s", bp->name);
			if (hugetlb_parse_param(o, key, val, msg, sizeof(msg)) < 0)
				return perr(p, vcol, "%s", msg);
			break;
		}
		case BP_BOOL:
			if (!parse_kbool(val, &b))
				return perr(p, vcol, "%s: expected y/n, 1/0, true/false or on/off, "
					    "got '%s'", bp->name, val);
			*(bool *)((char *)o + bp->off) = b;
			break;
		case BP_THP:
			if (!strcmp(val, "always") || !strcmp(val, "madvise"))
				o->thp = true;
			else if (!strcmp(val, "never"))
				o->thp = false;
			if (!strcmp(val, "always") || !strcmp(val, "madvise") || !strcmp(val, "never"))
				o->thp_enabled = val[0] == 'a' ? 0 : val[0] == 'm' ? 1 : 2;
			else
				return perr(p, vcol, "%s: expected always, madvise or never, got '%s'",
					    bp->name, val);
			break;
		case BP_UINT:
			if (!num_at(p, val, vcol, &v))
				return false;
			if (v < bp->min || v > bp->max)
				return perr(p, vcol,
					    "%s=%llu: out of range (the sysctl takes %llu..%llu)",
					    bp->name, (unsigned long long)v,
					    (unsigned long long)bp->min,
					    (unsigned long long)bp->max);
			if (v && v < bp->min_nonzero)
				return perr(p, vcol, "%s=%llu: the sysctl takes 0 or at least %llu",
					    bp->name, (unsigned long long)v,
					    (unsigned long long)bp->min_nonzero);
			if (bp->off == BP_OPT(min_free_kbytes))
				o->min_free_kbytes = v;
			else
				*(unsigned int *)((char *)o + bp->off) = (unsigned int)v;
			break;
		case BP_NOT_MODELLED:
			break;
		}
	}
	return true;
}

static bool parse_seed(struct parser *p)
{
	uint64_t v;

	if (!before_boot(p, "seed") || !want_args(p, "seed", 1, 1, "seed N"))
		return false;
	if (!num_at(p, p->tk.t[1].s, p->tk.t[1].col, &v))
		return false;
	p->s->opts.seed = v;
	p->s->seed_set = true;
	return true;
}

/*
 * var NAME=VALUE...: variables and their defaults; --set NAME=VALUE wins
 * over the default, and a `var NAME` without one must be given with --set.
 * The expansion of later lines reads them (svar_lookup).
 */
static bool parse_var(struct parser *p)
{
	struct scn_script *s = p->s;

	if (!want_args(p, "var", 1, -1, "var NAME=VALUE..."))
		return false;
	sb_reset(&p->var_line);
	sb_puts(&p->var_line, "var");
	for (int i = 1; i < p->tk.n; i++) {
		const struct scn_tok *t = &p->tk.t[i];
		const char *eq = strchr(t->s, '='), *setv, *val;
		size_t n = eq ? (size_t)(eq - t->s) : strlen(t->s);
		char name[SCN_VAR_NAME_MAX];
		struct scn_svar *v;
		int bad;

		snprintf(name, sizeof(name), "%.*s", (int)n, t->s);
		if (!n || n >= sizeof(name) || !scn_is_ident(name))
			return perr(p, t->col, "'%.*s' is not a variable name (letters, digits and "
				    "'_', not starting with a digit, at most %d)", (int)n, t->s,
				    SCN_VAR_NAME_MAX - 1);
		for (int j = 0; j < s->nsvars; j++)
			if (!strcmp(s->svars[j].name, name))
				return perr(p, t->col, "variable '%s' already declared at line %d",
					    name, s->svars[j].line);
		setv = scn_vars_get(p->set, name);
		if (eq) {
			bad = scn_var_value_bad(eq + 1);
			if (bad >= 0 && !eq[1])
				return perr(p, t->col, "var %s: empty default", name);
			if (bad >= 0)
				return perr(p, t->col + (int)n + 1 + bad,
					    "var %s: a value is one word, without '%c'", name,
					    eq[1 + bad]);
		} else if (!setv) {
			return perr(p, t->col, "variable '%s' has no default: give it a value "
				    "with --set %s=VALUE", name, name);
		}
		val = setv ? setv : eq + 1;
		s->svars = xreallocarray(s->svars, (size_t)s->nsvars + 1, sizeof(*s->svars));
		v = &s->svars[s->nsvars++];
		v->name = xstrdup(name);
		v->value = xstrdup(val);
		v->line = p->line;
		v->col = t->col;
		v->set = setv != NULL;
		sb_printf(&p->var_line, " %s=%s", name, val);
	}
	p->var_line_set = true;
	return true;
}

static const char *svar_lookup(void *priv, const char *name, size_t len, int *idx)
{
	const struct scn_script *s = priv;

	for (int i = 0; i < s->nsvars; i++)
		if (strlen(s->svars[i].name) == len && !strncmp(s->svars[i].name, name, len)) {
			*idx = i;
			return s->svars[i].value;
		}
	return NULL;
}

/* An error of the expansion itself: @col is already the file's */
static bool expand_error(struct parser *p, const char *line, int col, bool unknown,
			 const char *msg)
{
	const struct scn_script *s = p->s;
	const char *name = line + col;		/* after the '$' */
	size_t n, len;

	scn_diag_set(p->d, s->file, p->line, col, "%s", msg);
	if (!unknown)
		return false;
	name += *name == '{';
	for (n = 0; isalnum((unsigned char)name[n]) || name[n] == '_'; n++)
		;
	len = strlen(p->d->msg);
	for (int i = 0; i < s->nsvars; i++)
		if (strlen(s->svars[i].name) == n && !strncasecmp(s->svars[i].name, name, n)) {
			snprintf(p->d->msg + len, sizeof(p->d->msg) - len,
				 " (did you mean '$%s'?)", s->svars[i].name);
			return false;
		}
	if (!s->nsvars) {
		snprintf(p->d->msg + len, sizeof(p->d->msg) - len,
			 " (declare it before its first use: var %.*s=VALUE)", (int)n, name);
		return false;
	}
	len += (size_t)snprintf(p->d->msg + len, sizeof(p->d->msg) - len, " (declared so far:");
	for (int i = 0; i < s->nsvars && len < sizeof(p->d->msg); i++)
		len += (size_t)snprintf(p->d->msg + len, sizeof(p->d->msg) - len, "%s %s",
					i ? "," : "", s->svars[i].name);
	if (len < sizeof(p->d->msg))
		snprintf(p->d->msg + len, sizeof(p->d->msg) - len, ")");
	return false;
}

static bool parse_policy(struct parser *p)
{
	if (!before_boot(p, "policy") || !want_args(p, "policy", 1, -1, "policy FAMILY=NAME..."))
		return false;
	for (int i = 1; i < p->tk.n; i++) {
		const struct policy_family *f;
		const struct policy *pol;
		char err[512];
		size_t pos;

		if (!policy_parse_one(p->tk.t[i].s, &f, &pol, err, sizeof(err), &pos))
			return perr(p, p->tk.t[i].col + (int)pos, "%s", err);
		policy_set_put(&p->s->policies, f, pol);
	}
	return true;
}

/* -------------------------------------------------------------------------
 * Names
 */
static struct scn_names *name_find(struct parser *p, const char *name)
{
	struct scn_names *n;

	HASH_FIND_STR(p->s->names, name, n);
	return n;
}

static struct scn_names *name_add(struct parser *p, const char *name, enum name_kind kind)
{
	struct scn_names *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup(name);
	n->kind = kind;
	n->def_line = p->line;
	if (kind == NAME_ID)
		n->slot = add_name(&p->s->id_names, &p->s->nids, name);
	else
		n->slot = add_name(&p->s->group_names, &p->s->ngroups, name);
	HASH_ADD_KEYPTR(hh, p->s->names, n->name, strlen(n->name), n);
	return n;
}

static bool ident_at(struct parser *p, const char *s, int col, const char *what)
{
	if (scn_is_ident(s))
		return true;
	return perr(p, col, "bad %s name '%s' (letters, digits and _, not starting with a digit)",
		    what, s);
}

static bool group_at(struct parser *p, const char *s, int col, int *slot)
{
	struct scn_names *n;

	if (!ident_at(p, s, col, "group"))
		return false;
	n = name_find(p, s);
	if (n && n->kind != NAME_GROUP)
		return perr(p, col, "'%s' is an id (alloc at line %d), not a group", s, n->def_line);
	if (!n)
		n = name_add(p, s, NAME_GROUP);
	*slot = n->slot;
	return true;
}

/* Snapshot names are a namespace of their own, hashed apart from ids and groups */
static int snap_find(struct parser *p, const char *s, size_t len)
{
	struct scn_names *n;

	HASH_FIND(hh, p->s->snap_index, s, len, n);
	return n ? n->slot : -1;
}

static int snap_add(struct parser *p, const char *name)
{
	struct scn_names *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup(name);
	n->kind = NAME_SNAP;
	n->def_line = p->line;
	n->slot = add_name(&p->s->snap_names, &p->s->nsnaps, name);
	HASH_ADD_KEYPTR(hh, p->s->snap_index, n->name, strlen(n->name), n);
	return n->slot;
}

/* -------------------------------------------------------------------------
 * Workload steps
 */
static bool parse_alloc(struct parser *p)
{
	struct kv kv[] = { KV("order"), KV("gfp"), KV("node"), KV("expect"), KV_END };
	struct scn_stmt *st;
	struct scn_names *n;
	struct scn_tok *id;

	if (p->tk.n < 2 || strchr(p->tk.t[1].s, '='))
		return perr(p, p->tk.n < 2 ? p->tk.t[0].col : p->tk.t[1].col,
			    "alloc: expected an id (usage: alloc ID order=N gfp=FLAGS [node=N] "
			    "[expect=ok|fail])");
	id = &p->tk.t[1];
	if (!need_boot(p, p->tk.t[0].col) || !ident_at(p, id->s, id->col, "id") ||
	    !parse_kv(p, 2, "alloc", kv) ||
	    !kv_require(p, &kv[1], "alloc", p->tk.t[0].col))
		return false;
	n = name_find(p, id->s);
	if (n && n->kind == NAME_GROUP)
		return perr(p, id->col, "'%s' is a group (line %d), not an id", id->s, n->def_line);
	if (n && n->live)
		return perr(p, id->col, "'%s' is already allocated (line %d)", id->s, n->alloc_line);
	st = new_stmt(p, SCN_ALLOC, p->tk.t[0].col);
	st->name_col = id->col;
	if (!order_at(p, &kv[0], &st->order) || !gfp_at(p, kv[1].val, kv[1].col, &st->gfp))
		return false;
	if (kv[2].val && !node_at(p, kv[2].val, kv[2].col, &st->node))
		return false;
	st->node_col = kv[2].col;
	if (kv[3].val) {
		if (!strcmp(kv[3].val, "ok"))
			st->expect_alloc = SCN_EXPECT_OK;
		else if (!strcmp(kv[3].val, "fail"))
			st->expect_alloc = SCN_EXPECT_FAIL;
		else
			return perr(p, kv[3].col, "expect= takes ok or fail, not '%s'", kv[3].val);
	}
	if (!n)
		n = name_add(p, id->s, NAME_ID);
	n->live = true;
	n->alloc_line = p->line;
	st->slot = n->slot;
	return true;
}

static bool parse_fill(struct parser *p)
{
	struct kv kv[] = { KV("order"), KV("gfp"), KV("node"), KV("count"), KV("tries"),
			   KV("until"), KV_END };
	struct scn_stmt *st;
	struct scn_tok *g;
	int given = 0, slot, col = p->tk.t[0].col;

	if (p->tk.n < 2 || strchr(p->tk.t[1].s, '='))
		return perr(p, p->tk.n < 2 ? p->tk.t[0].col : p->tk.t[1].col,
			    "fill: expected a group name (usage: fill GROUP order=N gfp=FLAGS "
			    "[node=N] count=N|tries=N|until=low|min|fail)");
	g = &p->tk.t[1];
	if (!parse_kv(p, 2, "fill", kv) || !kv_require(p, &kv[1], "fill", p->tk.t[0].col))
		return false;
	/* none: point at the verb; two or three: at the last one */
	for (int i = 3; i <= 5; i++) {
		if (!kv[i].val)
			continue;
		given++;
		if (kv[i].kcol > col)
			col = kv[i].kcol;
	}
	if (given != 1)
		return perr(p, col, "fill: give exactly one of count=, tries= or until=");
	if (!need_boot(p, p->tk.t[0].col) || !group_at(p, g->s, g->col, &slot))
		return false;
	st = new_stmt(p, SCN_FILL, p->tk.t[0].col);
	st->slot = slot;
	st->name_col = g->col;
	if (!order_at(p, &kv[0], &st->order) || !gfp_at(p, kv[1].val, kv[1].col, &st->gfp))
		return false;
	if (kv[2].val && !node_at(p, kv[2].val, kv[2].col, &st->node))
		return false;
	if (kv[3].val || kv[4].val) {
		struct kv *e = kv[3].val ? &kv[3] : &kv[4];
		uint64_t v;

		if (!int_at(p, e->val, e->col, UINT32_MAX, e->key, &v))
			return false;
		st->count = v;
		st->mode = kv[3].val ? SCN_FILL_COUNT : SCN_FILL_TRIES;
	} else if (!strcmp(kv[5].val, "low")) {
		st->mode = SCN_FILL_UNTIL_LOW;
	} else if (!strcmp(kv[5].val, "min")) {
		st->mode = SCN_FILL_UNTIL_MIN;
	} else if (!strcmp(kv[5].val, "fail")) {
		st->mode = SCN_FILL_UNTIL_FAIL;
	} else {
		return perr(p, kv[5].col, "until= takes low, min or fail, not '%s'", kv[5].val);
	}
	return true;
}

/*
 * An id or a group exists only once an alloc, fill or replay made it, and
 * each of those booted the machine first: a free needs no need_boot().
 */
static bool parse_free(struct parser *p)
{
	struct scn_stmt *st;
	struct scn_names *n;
	struct scn_tok *t;
	char *br;

	if (p->tk.n < 2)
		return perr(p, p->tk.t[0].col, "free: expected an id or a group (usage: free ID | "
			    "free GROUP[i] | free GROUP all|every=K [offset=J]|random=P%%)");
	for (int i = 1; i < p->tk.n; i++)
		if (p->tk.t[i].kind != SCN_TOK_WORD)
			return perr(p, p->tk.t[i].col, "free: unexpected redirection");
	t = &p->tk.t[1];
	br = strchr(t->s, '[');
	if (br) {
		/* free GROUP[i] */
		char *end = strchr(br, ']');
		uint64_t idx;
		int slot;

		if (!end || end[1])
			return perr(p, t->col, "free: malformed member '%s' (expected GROUP[i])", t->s);
		*br = *end = '\0';
		n = name_find(p, t->s);
		if (!n)
			return perr(p, t->col, "free of unknown group '%s'", t->s);
		if (n->kind != NAME_GROUP)
			return perr(p, t->col, "'%s' is an id (alloc at line %d), not a group",
				    t->s, n->def_line);
		slot = n->slot;
		if (!num_at(p, br + 1, t->col + (int)(br + 1 - t->s), &idx))
			return false;
		if (!want_args(p, "free", 1, 1, "free GROUP[i]"))
			return false;
		st = new_stmt(p, SCN_FREE, p->tk.t[0].col);
		st->mode = SCN_FREE_MEMBER;
		st->slot = slot;
		st->offset = idx;
		st->name_col = t->col;
		*br = '[';
		*end = ']';
		return true;
	}
	n = name_find(p, t->s);
	if (!n) {
		if (!scn_is_ident(t->s))
			return ident_at(p, t->s, t->col, "id");
		return perr(p, t->col, "free of unknown id '%s'", t->s);
	}
	if (n->kind == NAME_ID) {
		if (!n->live)
			return perr(p, t->col, "double free of '%s' (freed at line %d)", t->s,
				    n->freed_line);
		if (!want_args(p, "free", 1, 1, "free ID"))
			return false;
		st = new_stmt(p, SCN_FREE, p->tk.t[0].col);
		st->mode = SCN_FREE_ID;
		st->slot = n->slot;
		st->name_col = t->col;
		n->live = false;
		n->freed_line = p->line;
		return true;
	}
	/* a group: all | every=K [offset=J] | random=P% */
	if (p->tk.n < 3)
		return perr(p, t->col + (int)strlen(t->s),
			    "free: '%s' is a group: say which members (all, every=K [offset=J], "
			    "random=P%%, or %s[i])", t->s, t->s);
	st = new_stmt(p, SCN_FREE, p->tk.t[0].col);
	st->slot = n->slot;
	st->name_col = t->col;
	if (!strcmp(p->tk.t[2].s, "all")) {
		st->mode = SCN_FREE_ALL;
		return want_args(p, "free", 2, 2, "free GROUP all");
	}
	struct kv kv[] = { KV("every"), KV("offset"), KV("random"), KV_END };
	uint64_t v;

	if (!strchr(p->tk.t[2].s, '='))
		return perr(p, p->tk.t[2].col, "free: expected all, every=K or random=P%% after "
			    "group '%s', not '%s'", t->s, p->tk.t[2].s);
	if (!parse_kv(p, 2, "free", kv))
		return false;
	if (kv[0].val && kv[2].val)
		return perr(p, kv[2].kcol, "free: every= and random= exclude each other");
	if (kv[0].val) {
		if (!num_at(p, kv[0].val, kv[0].col, &v))
			return false;
		if (!v)
			return perr(p, kv[0].col, "every=0: must be at least 1");
		st->mode = SCN_FREE_EVERY;
		st->count = v;
		if (kv[1].val) {
			if (!num_at(p, kv[1].val, kv[1].col, &v))
				return false;
			if (v >= st->count)
				return perr(p, kv[1].col, "offset=%llu must be below every=%lu",
					    (unsigned long long)v, st->count);
			st->offset = v;
		}
		return true;
	}
	if (kv[2].val && !kv[1].val) {
		const char *why;
		char buf[32];
		size_t len = strlen(kv[2].val);

		if (len >= sizeof(buf))
			return perr(p, kv[2].col, "malformed percentage '%s'", kv[2].val);
		memcpy(buf, kv[2].val, len + 1);
		if (buf[len - 1] == '%')	/* len > 0: parse_kv refuses "random=" */
			buf[len - 1] = '\0';
		if (!scn_parse_u64(buf, &v, &why))
			return perr(p, kv[2].col, "malformed percentage '%s'", kv[2].val);
		if (v > 100)
			return perr(p, kv[2].col, "random=%s: more than 100%%", kv[2].val);
		st->mode = SCN_FREE_RANDOM;
		st->pct = (unsigned int)v;
		return true;
	}
	/* parse_kv took at least one option, and it was neither of those */
	return perr(p, kv[1].kcol, "free: offset= goes with every=");
}

static bool parse_cpu(struct parser *p)
{
	struct scn_stmt *st;
	uint64_t v;

	if (!want_args(p, "cpu", 1, 1, "cpu N") || !need_boot(p, p->tk.t[0].col))
		return false;
	if (!num_at(p, p->tk.t[1].s, p->tk.t[1].col, &v))
		return false;
	if (v >= (uint64_t)p->s->opts.nr_cpus)
		return perr(p, p->tk.t[1].col, "cpu %llu does not exist (the machine has %d CPU%s)",
			    (unsigned long long)v, p->s->opts.nr_cpus,
			    p->s->opts.nr_cpus == 1 ? "" : "s");
	st = new_stmt(p, SCN_CPU, p->tk.t[0].col);
	st->cpu = (int)v;
	return true;
}

static bool parse_compact(struct parser *p)
{
	struct kv kv[] = { KV("node"), KV_END };
	struct scn_stmt *st;
	int nid = -1;

	if (!need_boot(p, p->tk.t[0].col) || !parse_kv(p, 1, "compact", kv))
		return false;
	if (kv[0].val && !node_at(p, kv[0].val, kv[0].col, &nid))
		return false;
	st = new_stmt(p, SCN_COMPACT, p->tk.t[0].col);
	st->node = nid;
	return true;
}

static bool parse_boot(struct parser *p)
{
	if (p->boot_line)
		return perr(p, p->tk.t[0].col, "the machine already booted at line %d",
			    p->boot_line);
	if (!want_args(p, "boot", 0, 0, "boot"))
		return false;
	if (!p->s->have_machine)
		return perr(p, p->tk.t[0].col, "no machine described: a 'machine' line must come "
			    "before 'boot'");
	new_stmt(p, SCN_BOOT, p->tk.t[0].col);
	p->boot_line = p->line;
	return true;
}

static bool parse_cat(struct parser *p)
{
	struct scn_stmt *st;

	if (!want_args(p, "cat", 1, -1, "cat FILE..."))
		return false;
	for (int i = 1; i < p->tk.n; i++)
		if (p->tk.t[i].s[0] == '-')
			return perr(p, p->tk.t[i].col, "cat: options are not supported");
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_CAT, p->tk.t[0].col);
	for (int i = 1; i < p->tk.n; i++)
		stmt_add_arg(st, p->tk.t[i].s, p->tk.t[i].col);
	return true;
}

static char *join_words(struct parser *p, int from, int to)
{
	struct sbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "");
	for (int i = from; i < to; i++)
		sb_printf(&sb, "%s%s", i > from ? " " : "", p->tk.t[i].s);
	return sb_steal(&sb);
}

/*
 * A value the kernel refuses whatever the state (the file's check, e.g.
 * uprobe_events syntax) is bad input: an error at the column it is about,
 * found in the words the value was joined from (one blank between each).
 */
static bool check_store_value(struct parser *p, int first, int redir, const struct scn_stmt *st)
{
	char msg[256] = "";
	size_t pos, at = 0;
	int i;

	if (!mm_check_store(st->path, st->text, &pos, msg, sizeof(msg)))
		return true;
	for (i = first; i < redir - 1; i++) {
		size_t len = strlen(p->tk.t[i].s);

		if (pos <= at + len)
			break;
		at += len + 1;
	}
	if (i >= redir)
		i = redir - 1;
	/* a word that starts with a quote has its text one column on */
	pos = pos >= at ? pos - at : 0;
	if (i >= first && (p->linetext[p->tk.t[i].col - 1] == '\'' ||
			   p->linetext[p->tk.t[i].col - 1] == '"'))
		pos++;
	return perr(p, i >= first ? p->tk.t[i].col + (int)pos : p->tk.t[redir].col,
		    "%s: %s", st->path, msg);
}

static bool parse_echo(struct parser *p)
{
	int first = 1, redir = -1;
	bool newline = true;
	struct scn_stmt *st;

	if (p->tk.n > 1 && p->tk.t[1].kind == SCN_TOK_WORD && !strcmp(p->tk.t[1].s, "-n")) {
		newline = false;
		first = 2;
	}
	for (int i = first; i < p->tk.n; i++) {
		if (p->tk.t[i].kind == SCN_TOK_WORD)
			continue;
		if (redir >= 0)
			return perr(p, p->tk.t[i].col, "echo: more than one redirection");
		redir = i;
	}
	if (redir < 0) {
		st = new_stmt(p, SCN_PRINT_TEXT, p->tk.t[0].col);
		st->text = join_words(p, first, p->tk.n);
		st->mode = newline;
		return true;
	}
	if (redir + 1 >= p->tk.n)
		return perr(p, p->tk.t[redir].col + (int)strlen(p->tk.t[redir].s),
			    "echo: missing file name after '%s'", p->tk.t[redir].s);
	if (redir + 2 < p->tk.n)
		return perr(p, p->tk.t[redir + 2].col,
			    "echo: unexpected '%s' after the file name (put the value before '>')",
			    p->tk.t[redir + 2].s);
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_STORE, p->tk.t[0].col);
	st->text = join_words(p, first, redir);
	st->path = xstrdup(p->tk.t[redir + 1].s);
	st->path_col = p->tk.t[redir + 1].col;
	st->mode = p->tk.t[redir].kind == SCN_TOK_APPEND;
	return check_store_value(p, first, redir, st);
}

static bool parse_snapshot(struct parser *p)
{
	struct scn_stmt *st;
	struct scn_tok *t;
	int slot;

	if (!want_args(p, "snapshot", 1, -1, "snapshot NAME [FILE...]"))
		return false;
	t = &p->tk.t[1];
	if (!ident_at(p, t->s, t->col, "snapshot"))
		return false;
	if (!strcmp(t->s, "now"))
		return perr(p, t->col, "'now' names the current state; pick another snapshot name");
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	slot = snap_find(p, t->s, strlen(t->s));
	if (slot < 0)
		slot = snap_add(p, t->s);
	st = new_stmt(p, SCN_SNAPSHOT, p->tk.t[0].col);
	st->slot = slot;
	st->name_col = t->col;
	for (int i = 2; i < p->tk.n; i++)
		stmt_add_arg(st, p->tk.t[i].s, p->tk.t[i].col);
	return true;
}

static bool snap_at(struct parser *p, struct scn_tok *t, int *slot)
{
	*slot = snap_find(p, t->s, strlen(t->s));
	if (*slot < 0)
		return perr(p, t->col, "unknown snapshot '%s'", t->s);
	return true;
}

static bool parse_print(struct parser *p)
{
	struct scn_stmt *st;
	const char *w = p->tk.n > 1 ? p->tk.t[1].s : "";

	for (int i = 1; i < p->tk.n; i++)
		if (p->tk.t[i].kind != SCN_TOK_WORD)
			return perr(p, p->tk.t[i].col, "print: unexpected redirection");
	if (p->tk.n > 1 && !p->tk.t[1].quoted && !strcmp(w, "snapshot")) {
		int slot;

		if (!want_args(p, "print snapshot", 2, -1, "print snapshot NAME [PREFIX...]") ||
		    !snap_at(p, &p->tk.t[2], &slot))
			return false;
		st = new_stmt(p, SCN_PRINT_SNAPSHOT, p->tk.t[0].col);
		st->slot = slot;
		for (int i = 3; i < p->tk.n; i++)
			stmt_add_arg(st, p->tk.t[i].s, p->tk.t[i].col);
		return true;
	}
	if (p->tk.n > 1 && !p->tk.t[1].quoted && !strcmp(w, "diff")) {
		int a, b = -1, first = 3;

		if (!want_args(p, "print diff", 2, -1,
			       "print diff SNAPSHOT [SNAPSHOT|now] [PREFIX...]") ||
		    !snap_at(p, &p->tk.t[2], &a))
			return false;
		/*
		 * The second word is a snapshot if it names one, else a prefix.
		 * (Snapshot a exists, so the machine booted: no need_boot.)
		 */
		if (p->tk.n > 3) {
			const char *x = p->tk.t[3].s;

			if (!strcmp(x, "now"))
				first = 4;
			else if ((b = snap_find(p, x, strlen(x))) >= 0)
				first = 4;
		}
		st = new_stmt(p, SCN_PRINT_DIFF, p->tk.t[0].col);
		st->slot = a;
		st->slot2 = b;
		for (int i = first; i < p->tk.n; i++)
			stmt_add_arg(st, p->tk.t[i].s, p->tk.t[i].col);
		return true;
	}
	if (p->tk.n > 1 && !p->tk.t[1].quoted && !strcmp(w, "counters")) {
		if (!need_boot(p, p->tk.t[0].col))
			return false;
		st = new_stmt(p, SCN_PRINT_COUNTERS, p->tk.t[0].col);
		for (int i = 2; i < p->tk.n; i++)
			stmt_add_arg(st, p->tk.t[i].s, p->tk.t[i].col);
		return true;
	}
	st = new_stmt(p, SCN_PRINT_TEXT, p->tk.t[0].col);
	st->text = join_words(p, 1, p->tk.n);
	st->mode = 1;
	return true;
}

static bool parse_replay(struct parser *p)
{
	struct kv kv[] = { KV("group"), KV_END };
	const char *file, *gname = "replay";
	struct scn_stmt *st;
	struct scn_diag td;
	char path[1024];
	int slot, gcol;

	if (p->tk.n < 2 || strchr(p->tk.t[1].s, '='))
		return perr(p, p->tk.n < 2 ? p->tk.t[0].col : p->tk.t[1].col,
			    "replay: expected a trace file (usage: replay FILE [group=NAME])");
	if (p->tk.t[1].kind != SCN_TOK_WORD)
		return perr(p, p->tk.t[1].col, "replay: unexpected redirection");
	file = p->tk.t[1].s;
	if (!parse_kv(p, 2, "replay", kv))
		return false;
	gcol = p->tk.t[0].col;
	if (kv[0].val) {
		gname = kv[0].val;
		gcol = kv[0].col;
	}
	if (!group_at(p, gname, gcol, &slot) || !need_boot(p, p->tk.t[0].col))
		return false;
	if (file[0] == '/' || !p->dir[0])
		snprintf(path, sizeof(path), "%s", file);
	else	/* (dir is "/" for a scenario in the root directory) */
		snprintf(path, sizeof(path), "%s%s%s", p->dir, strcmp(p->dir, "/") ? "/" : "",
			 file);
	st = new_stmt(p, SCN_REPLAY, p->tk.t[0].col);
	st->slot = slot;
	st->trace = trace_load(path, &td);
	if (!st->trace) {
		if (td.line > 0) {
			*p->d = td;
			return false;
		}
		return perr(p, p->tk.t[1].col, "%s", td.msg);
	}
	return true;
}

/* -------------------------------------------------------------------------
 * expect EXPR OP EXPR
 *
 * Terms are numbers (sizes allowed), counter names (vmstat.compact_stall,
 * meminfo.Active(anon), scn.allocated.G) or SNAPSHOT:COUNTER, joined by
 * +, - and * (which binds tighter); arithmetic is on signed 64-bit values.
 */
/* The tokenizer's blanks, so that expect lines split where other lines do */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void skip_blanks(const char **pp)
{
	while (is_blank(**pp))
		(*pp)++;
}

/* (lines reach the parser without their '\n') */
static bool at_end(const char *s)
{
	return !*s || *s == '#';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || strchr("_.:()[]", c);
}

static bool expr_term(struct parser *p, const char **pp, int sign, struct scn_expr *e)
{
	const char *s = *pp, *q = s;
	int col = (int)(s - p->linetext) + 1;
	struct scn_term t = { .sign = sign, .col = col, .snap = -1 };
	char buf[256];

	while (*q && is_name_char(*q))
		q++;
	if (q == s && at_end(s))
		return perr(p, col, "expected a counter or a number");
	if (q == s)
		return perr(p, col, "expected a counter or a number, got '%c'", *s);
	if ((size_t)(q - s) >= sizeof(buf))
		return perr(p, col, "counter name too long (at most %zu characters)",
			    sizeof(buf) - 1);
	memcpy(buf, s, (size_t)(q - s));
	buf[q - s] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		uint64_t v;
		const char *why;

		if (!scn_parse_size(buf, &v, &why))
			return perr(p, col, "%s: '%s'", why, buf);
		if (v > (uint64_t)INT64_MAX)
			return perr(p, col, "number out of range: '%s'", buf);
		t.kind = SCN_TERM_NUM;
		t.num = (long)v;
	} else {
		char *colon = strchr(buf, ':');

		if (!isalpha((unsigned char)buf[0]) && buf[0] != '_')
			return perr(p, col, "expected a counter or a number, got '%s'", buf);
		if (colon) {
			t.kind = SCN_TERM_SNAP;
			t.snap = snap_find(p, buf, (size_t)(colon - buf));
			if (t.snap < 0)
				return perr(p, col, "unknown snapshot '%.*s'", (int)(colon - buf), buf);
			if (!colon[1])
				return perr(p, col + (int)(colon - buf) + 1,
					    "missing counter name after '%.*s:'", (int)(colon - buf),
					    buf);
			t.name = xstrdup(colon + 1);
		} else {
			t.kind = SCN_TERM_COUNTER;
			t.name = xstrdup(buf);
		}
	}
	e->t = xreallocarray(e->t, (size_t)e->n + 1, sizeof(*e->t));
	e->t[e->n++] = t;
	*pp = q;
	return true;
}

/* An expression up to a comparison operator or the end of the line */
static bool expr_parse(struct parser *p, const char **pp, struct scn_expr *e)
{
	int sign = 1;

	skip_blanks(pp);
	if (**pp == '-' || **pp == '+') {
		sign = **pp == '-' ? -1 : 1;
		(*pp)++;
		skip_blanks(pp);
	}
	for (;;) {
		if (!expr_term(p, pp, sign, e))
			return false;
		skip_blanks(pp);
		if (**pp != '+' && **pp != '-' && **pp != '*')
			return true;
		sign = **pp == '-' ? -1 : **pp == '+' ? 1 : 0;
		(*pp)++;
		skip_blanks(pp);
	}
}

/*
 * `expect FAMILY=A[,B...]: EXPR OP EXPR`: the expect holds only for runs
 * that pick one of those entries (a counter name never has '=' before a
 * ':', so the guard cannot be read as an expression).  Advances *qp past
 * it; false after an error.
 */
static bool parse_expect_guard(struct parser *p, const char **qp, struct scn_stmt *st)
{
	const char *q = *qp, *word_end = q, *eq, *name;
	const struct policy_family *f;

	while (*word_end && !is_blank(*word_end) && *word_end != ':')
		word_end++;
	eq = memchr(q, '=', (size_t)(word_end - q));
	if (*word_end != ':' || !eq || eq == q)
		return true;
	for (const char *c = q; c < eq; c++)	/* a family name, not 'a>=snap:b' */
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_' &&
		    *c != '-')
			return true;
	f = policy_family_find(q, (size_t)(eq - q));
	if (!f)
		return perr(p, (int)(q - p->linetext) + 1, "expect: unknown policy family '%.*s'",
			    (int)(eq - q), q);
	st->guard = f;
	for (name = eq + 1; name <= word_end;) {
		const char *end = name;
		const struct policy *pol;

		while (end < word_end && *end != ',')
			end++;
		pol = policy_find(f, name, (size_t)(end - name));
		if (!pol)
			return perr(p, (int)(name - p->linetext) + 1,
				    "expect: unknown policy '%.*s' in family '%s'", (int)(end - name),
				    name, f->name);
		st->guard_mask |= 1ULL << (pol - f->policies);
		name = end + 1;
	}
	q = word_end + 1;
	skip_blanks(&q);
	if (at_end(q))
		return perr(p, (int)(q - p->linetext) + 1,
			    "expect: missing condition after '%.*s'", (int)(word_end + 1 - *qp), *qp);
	*qp = q;
	return true;
}

static bool parse_expect(struct parser *p, const char *rest)
{
	static const struct { const char *s; enum scn_cmp op; } ops[] = {
		{ "==", SCN_EQ }, { "!=", SCN_NE }, { "<=", SCN_LE }, { ">=", SCN_GE },
		{ "<", SCN_LT }, { ">", SCN_GT },
	};
	int vcol = (int)(rest - p->linetext) + 1 - 6;
	struct scn_stmt *st;
	const char *q = rest, *start, *last;
	int opcol;
	size_t i;

	skip_blanks(&q);
	if (at_end(q))
		return perr(p, (int)(q - p->linetext) + 1,
			    "expect: missing condition (usage: expect COUNTER OP VALUE)");
	if (!need_boot(p, vcol))
		return false;
	st = new_stmt(p, SCN_EXPECT, vcol);
	if (!parse_expect_guard(p, &q, st))
		return false;
	start = q;
	if (!expr_parse(p, &q, &st->lhs))
		return false;
	opcol = (int)(q - p->linetext) + 1;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strncmp(q, ops[i].s, strlen(ops[i].s)))
			break;
	if (i == ARRAY_SIZE(ops)) {
		if (*q == '=' && (q[1] == '<' || q[1] == '>'))
			return perr(p, opcol, "expect: '=%c' is not a comparison; use '%c='",
				    q[1], q[1]);
		if (*q == '=')
			return perr(p, opcol, "expect: '=' is not a comparison; use '=='");
		if (at_end(q))
			return perr(p, opcol, "expect: missing comparison (==, !=, <, <=, >, >=)");
		return perr(p, opcol, "expect: expected a comparison (==, !=, <, <=, >, >=), "
			    "got '%.*s'", (int)strcspn(q, " \t\r\v\f#"), q);
	}
	st->cmp = ops[i].op;
	q += strlen(ops[i].s);
	skip_blanks(&q);
	if (at_end(q))
		return perr(p, (int)(q - p->linetext) + 1, "expect: missing value after '%s'",
			    ops[i].s);
	if (!expr_parse(p, &q, &st->rhs))
		return false;
	last = q;
	if (!at_end(q))
		return perr(p, (int)(q - p->linetext) + 1, "expect: unexpected '%s'", q);
	while (last > start && is_blank(last[-1]))
		last--;
	st->text = host_strndup(start, (size_t)(last - start), "reading the scenario");
	return true;
}

/* -------------------------------------------------------------------------
 * Lines
 */
/*
 * Every verb of the language, in the order `mmsim verbs` lists them.  Most
 * parse the line's words (fn); expect has its own operators, '>' among
 * them, so it gets the raw text after the verb and lexes it itself.
 */
struct verb {
	const char *name;
	bool (*fn)(struct parser *p);
	bool (*raw)(struct parser *p, const char *rest);
};


/* -------------------------------------------------------------------------
 * Processes: `process P`, `P: [VAR =] CALL(ARGS) [= RESULT]`, files
 */
static int proc_find(struct parser *p, const char *name, size_t len)
{
	for (int i = 0; i < p->s->nprocs; i++)
		if (strlen(p->s->proc_names[i]) == len && !memcmp(p->s->proc_names[i], name, len))
			return i;
	return -1;
}

static bool proc_new(struct parser *p, const char *name, size_t len, int col, int *slot)
{
	char buf[64];
	int i = proc_find(p, name, len);

	if (len >= sizeof(buf))
		return perr(p, col, "process name too long (at most %zu characters)", sizeof(buf) - 1);
	memcpy(buf, name, len);
	buf[len] = 0;
	if (!scn_is_ident(buf))
		return perr(p, col, "bad process name '%s' (letters, digits and _, not starting "
			    "with a digit)", buf);
	if (i >= 0)
		return perr(p, col, "process '%s' already exists (made at line %d)", buf,
			    p->proc_def_line[i]);
	*slot = add_name(&p->s->proc_names, &p->s->nprocs, buf);
	p->proc_exit_line = xreallocarray(p->proc_exit_line, (size_t)p->s->nprocs, sizeof(int));
	p->proc_def_line = xreallocarray(p->proc_def_line, (size_t)p->s->nprocs, sizeof(int));
	p->proc_def_line[*slot] = p->line;
	p->proc_exit_line[*slot] = 0;
	return true;
}

static bool parse_process(struct parser *p)
{
	struct scn_stmt *st;
	int slot;

	if (!want_args(p, "process", 1, 1, "process NAME") || !need_boot(p, p->tk.t[0].col))
		return false;
	if (!proc_new(p, p->tk.t[1].s, strlen(p->tk.t[1].s), p->tk.t[1].col, &slot))
		return false;
	st = new_stmt(p, SCN_PROCESS, p->tk.t[0].col);
	st->slot = slot;
	return true;
}

static bool parse_strace(struct parser *p)
{
	struct scn_stmt *st;

	if (!want_args(p, "strace", 1, 1, "strace on|off"))
		return false;
	if (strcmp(p->tk.t[1].s, "on") && strcmp(p->tk.t[1].s, "off"))
		return perr(p, p->tk.t[1].col, "strace: expected 'on' or 'off', got '%s'",
			    p->tk.t[1].s);
	st = new_stmt(p, SCN_STRACE, p->tk.t[0].col);
	st->mode = !strcmp(p->tk.t[1].s, "on");
	return true;
}

/*
 * khugepaged [N]: N wake-ups of khugepaged (default 1).  A wake-up reads
 * up to pages_to_scan PTEs (4096 by default, about 0.3 ms): the bound keeps
 * one line of a scenario (or of a fuzzer's) within seconds.
 */
#define KHUGEPAGED_MAX_WAKEUPS	10000

static bool parse_khugepaged(struct parser *p)
{
	struct scn_stmt *st;
	uint64_t n = 1;

	if (!want_args(p, "khugepaged", 0, 1, "khugepaged [N]"))
		return false;
	if (p->tk.n == 2) {
		if (!int_at(p, p->tk.t[1].s, p->tk.t[1].col, KHUGEPAGED_MAX_WAKEUPS,
			    "khugepaged: wake-ups", &n))
			return false;
		if (!n)
			return perr(p, p->tk.t[1].col, "khugepaged: at least one wake-up");
	}
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_KHUGEPAGED, p->tk.t[0].col);
	st->count = (unsigned long)n;
	return true;
}

/*
 * subsection add ADDR SIZE [node=N] | subsection remove ADDR SIZE: a
 * driver maps (memremap_pages) or unmaps device memory in 2 MiB
 * sub-sections, as pmem does.  What can be told before the machine
 * boots is checked here: alignment, size, the 46-bit limit, the node, an
 * add overlapping an earlier one not removed yet, a remove of something
 * no add mapped (a driver unmaps its range whole).  An add over System
 * RAM is the runner's to find.
 */
static bool parse_subsection(struct parser *p)
{
	static const char usage[] = "subsection add ADDR SIZE [node=N] | subsection remove ADDR SIZE";
	struct kv kv[] = { KV("node"), KV_END };
	uint64_t addr, size;
	const char *why;
	bool remove;
	int nid = 0, i;
	struct scn_stmt *st;

	if (!want_args(p, "subsection", 3, -1, usage))
		return false;
	if (strcmp(p->tk.t[1].s, "add") && strcmp(p->tk.t[1].s, "remove"))
		return perr(p, p->tk.t[1].col, "subsection: expected 'add' or 'remove', got '%s'",
			    p->tk.t[1].s);
	remove = p->tk.t[1].s[0] == 'r';
	if (!num_at(p, p->tk.t[2].s, p->tk.t[2].col, &addr))
		return false;
	if (!scn_parse_size(p->tk.t[3].s, &size, &why))
		return perr(p, p->tk.t[3].col, "%s: '%s'", why, p->tk.t[3].s);
	if (addr % (2UL << 20))
		return perr(p, p->tk.t[2].col, "subsection: %#llx is not 2 MiB aligned (a sub-section "
			    "starts on a 2 MiB boundary)", (unsigned long long)addr);
	if (!size || size % (2UL << 20))
		return perr(p, p->tk.t[3].col, "subsection: size %s is not a non-zero multiple of "
			    "2 MiB", p->tk.t[3].s);
	if (addr >= MAX_PHYS_PFN << PAGE_SHIFT || size > (MAX_PHYS_PFN << PAGE_SHIFT) - addr)
		return perr(p, p->tk.t[2].col, "subsection: [%#llx, +%#llx) ends beyond "
			    "MAX_PHYSMEM_BITS (%d bits: %#lx)", (unsigned long long)addr,
			    (unsigned long long)size, MAX_PHYSMEM_BITS, MAX_PHYS_PFN << PAGE_SHIFT);
	if (remove) {
		if (p->tk.n > 4)
			return perr(p, p->tk.t[4].col, "subsection remove: unexpected '%s' (usage: %s)",
				    p->tk.t[4].s, usage);
	} else {
		if (!parse_kv(p, 4, "subsection add", kv))
			return false;
		if (kv[0].val && !node_at(p, kv[0].val, kv[0].col, &nid))
			return false;
	}
	for (i = 0; i < p->ndev; i++) {
		const struct dev_range *r = &p->dev[i];

		if (remove && r->start == addr && r->end == addr + size)
			break;
		if (!remove && r->start < addr + size && addr < r->end)
			return perr(p, p->tk.t[2].col, "subsection add: [%#llx, %#llx) overlaps "
				    "[%#llx, %#llx), added at line %d", (unsigned long long)addr,
				    (unsigned long long)(addr + size), (unsigned long long)r->start,
				    (unsigned long long)r->end, r->line);
	}
	if (remove && i == p->ndev)
		return perr(p, p->tk.t[2].col, "subsection remove: no 'subsection add' mapped "
			    "[%#llx, %#llx) (a driver unmaps the range it mapped, whole)",
			    (unsigned long long)addr, (unsigned long long)(addr + size));
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	if (remove) {
		p->dev[i] = p->dev[--p->ndev];
	} else {
		p->dev = xreallocarray(p->dev, (size_t)p->ndev + 1, sizeof(*p->dev));
		p->dev[p->ndev++] = (struct dev_range){ addr, addr + size, p->line };
	}
	st = new_stmt(p, SCN_SUBSECTION, p->tk.t[0].col);
	st->mode = remove;
	st->offset = addr;
	st->count = size;
	st->node = nid;
	st->name_col = p->tk.t[2].col;
	return true;
}

/*
 * memory add ADDR SIZE [node=N] | memory remove ADDR SIZE: a driver (ACPI,
 * dax/kmem) adds System RAM with add_memory or removes it with
 * remove_memory.  Checked here: whole 128 MiB sections (the smallest
 * memory block), a size, the 46-bit limit, the node.  The machine's block
 * size, overlaps and what is online are the runner's.
 */
static bool parse_memory(struct parser *p)
{
	static const char usage[] = "memory add ADDR SIZE [node=N] | memory remove ADDR SIZE";
	const uint64_t sec = 1UL << SECTION_SIZE_BITS, max = MAX_PHYS_PFN << PAGE_SHIFT;
	struct kv kv[] = { KV("node"), KV_END };
	uint64_t addr, size;
	const char *why;
	bool remove;
	int nid = -1;
	struct scn_stmt *st;

	if (!want_args(p, "memory", 3, -1, usage))
		return false;
	if (strcmp(p->tk.t[1].s, "add") && strcmp(p->tk.t[1].s, "remove"))
		return perr(p, p->tk.t[1].col, "memory: expected 'add' or 'remove', got '%s'",
			    p->tk.t[1].s);
	remove = p->tk.t[1].s[0] == 'r';
	if (!num_at(p, p->tk.t[2].s, p->tk.t[2].col, &addr))
		return false;
	if (!scn_parse_size(p->tk.t[3].s, &size, &why))
		return perr(p, p->tk.t[3].col, "%s: '%s'", why, p->tk.t[3].s);
	if (addr % sec)
		return perr(p, p->tk.t[2].col, "memory: %#llx is not 128 MiB aligned (memory comes "
			    "and goes in memory blocks of whole sections)", (unsigned long long)addr);
	if (!size || size % sec)
		return perr(p, p->tk.t[3].col, "memory: size %s is not a non-zero multiple of "
			    "128 MiB", p->tk.t[3].s);
	if (addr >= max || size > max - addr)
		return perr(p, p->tk.t[2].col, "memory: [%#llx, +%#llx) ends beyond "
			    "MAX_PHYSMEM_BITS (%d bits: %#llx)", (unsigned long long)addr,
			    (unsigned long long)size, MAX_PHYSMEM_BITS, (unsigned long long)max);
	if (remove) {
		if (p->tk.n > 4)
			return perr(p, p->tk.t[4].col, "memory remove: unexpected '%s' (usage: %s)",
				    p->tk.t[4].s, usage);
	} else {
		if (!parse_kv(p, 4, "memory add", kv))
			return false;
		if (kv[0].val && !node_at(p, kv[0].val, kv[0].col, &nid))
			return false;
	}
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_MEMORY, p->tk.t[0].col);
	st->mode = remove;
	st->offset = addr;
	st->count = size;
	st->node = nid;
	st->name_col = p->tk.t[2].col;
	return true;
}

/* mount -t tmpfs|hugetlbfs [-o OPTIONS] SOURCE DIR */
static bool parse_mount(struct parser *p)
{
	struct scn_stmt *st;
	const char *type = NULL, *opts = NULL;
	int i = 1, pos[2], npos = 0, opts_col = 0;
	bool hugetlbfs;

	while (i < p->tk.n) {
		struct scn_tok *t = &p->tk.t[i];

		if (t->kind != SCN_TOK_WORD)
			return perr(p, t->col, "mount: unexpected redirection");
		if (!strcmp(t->s, "-t") || !strcmp(t->s, "-o")) {
			if (i + 1 >= p->tk.n)
				return perr(p, t->col, "mount: %s needs a value", t->s);
			if (t->s[1] == 't') {
				type = p->tk.t[i + 1].s;
			} else {
				opts = p->tk.t[i + 1].s;
				opts_col = p->tk.t[i + 1].col;
			}
			i += 2;
			continue;
		}
		if (t->s[0] == '-')
			return perr(p, t->col, "mount: unknown option '%s' (-t, -o)", t->s);
		if (npos == 2)
			return perr(p, t->col, "mount: too many arguments "
				    "(mount -t tmpfs [-o OPTIONS] SOURCE DIR)");
		pos[npos++] = i++;
	}
	if (!type || (strcmp(type, "tmpfs") && strcmp(type, "hugetlbfs")))
		return perr(p, p->tk.t[0].col, "mount: only '-t tmpfs' and '-t hugetlbfs' are "
			    "modelled");
	hugetlbfs = !strcmp(type, "hugetlbfs");
	if (npos != 2)
		return perr(p, p->tk.t[0].col, "mount: expected SOURCE and DIR "
			    "(mount -t %s [-o OPTIONS] none DIR)", type);
	if (p->tk.t[pos[1]].s[0] != '/')
		return perr(p, p->tk.t[pos[1]].col, "mount: '%s' is not an absolute path",
			    p->tk.t[pos[1]].s);
	if (hugetlbfs && opts) {
		/* the options' spelling is checked now; what they ask of the pool, at run time */
		struct hugetlbfs_mount_opts o;
		char err[256];
		size_t bad = 0;

		if (hugetlbfs_parse_options(opts, &o, err, sizeof(err), &bad))
			return perr(p, opts_col + (int)bad, "mount: %s", err);
	}
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_MOUNT, p->tk.t[0].col);
	st->path = xstrdup(p->tk.t[pos[1]].s);
	st->path_col = p->tk.t[pos[1]].col;
	st->text = xstrdup(opts ? opts : "");
	st->mode = hugetlbfs;
	return true;
}

/* truncate -s SIZE PATH, rm PATH */
static bool parse_truncate(struct parser *p)
{
	struct scn_stmt *st;
	uint64_t v;

	if (!want_args(p, "truncate", 3, 3, "truncate -s SIZE FILE"))
		return false;
	if (strcmp(p->tk.t[1].s, "-s"))
		return perr(p, p->tk.t[1].col, "truncate: expected -s SIZE");
	{
		const char *why;

		if (!scn_parse_size(p->tk.t[2].s, &v, &why))
			return perr(p, p->tk.t[2].col, "%s: '%s'", why, p->tk.t[2].s);
	}
	if (!need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_TRUNCATE, p->tk.t[0].col);
	st->count = v;
	st->path = xstrdup(p->tk.t[3].s);
	st->path_col = p->tk.t[3].col;
	return true;
}

static bool parse_rm(struct parser *p)
{
	struct scn_stmt *st;

	if (!want_args(p, "rm", 1, 1, "rm FILE") || !need_boot(p, p->tk.t[0].col))
		return false;
	st = new_stmt(p, SCN_RM, p->tk.t[0].col);
	st->path = xstrdup(p->tk.t[1].s);
	st->path_col = p->tk.t[1].col;
	return true;
}

static const struct {
	const char *name;
	enum scn_call_kind kind;
	int min, max;
	const char *usage;
} calls[] = {
	{ "mmap", SC_MMAP, 6, 6, "mmap(ADDR, LEN, PROT, FLAGS, FD, OFFSET)" },
	{ "munmap", SC_MUNMAP, 2, 2, "munmap(ADDR, LEN)" },
	{ "mremap", SC_MREMAP, 4, 5, "mremap(ADDR, OLD_LEN, NEW_LEN, FLAGS[, NEW_ADDR])" },
	{ "mprotect", SC_MPROTECT, 3, 3, "mprotect(ADDR, LEN, PROT)" },
	{ "madvise", SC_MADVISE, 3, 3, "madvise(ADDR, LEN, ADVICE)" },
	{ "fork", SC_FORK, 0, 0, "CHILD = fork()" },
	{ "exit", SC_EXIT, 1, 1, "exit(CODE)" },
	{ "open", SC_OPEN, 2, 3, "FD = open(\"PATH\", FLAGS[, MODE])" },
	{ "close", SC_CLOSE, 1, 1, "close(FD)" },
	{ "ftruncate", SC_FTRUNCATE, 2, 2, "ftruncate(FD, LENGTH)" },
	{ "fallocate", SC_FALLOCATE, 4, 4, "fallocate(FD, MODE, OFFSET, LEN)" },
	{ "touch", SC_TOUCH, 3, 3, "touch(ADDR, LEN, READ|WRITE)" },
};

static int var_find(struct parser *p, const char *name, size_t len)
{
	for (int i = 0; i < p->s->nvars; i++)
		if (strlen(p->s->var_names[i]) == len && !memcmp(p->s->var_names[i], name, len))
			return i;
	return -1;
}

static int lcol(struct parser *p, const char *q)
{
	return (int)(q - p->linetext) + 1;
}

/* Which flag table argument i of a call takes, or NULL */
static const struct mman_name *arg_names(enum scn_call_kind k, int i)
{
	switch (k) {
	case SC_MMAP: return i == 2 ? mman_prot_names : i == 3 ? mman_map_names : NULL;
	case SC_MREMAP: return i == 3 ? mman_mremap_names : NULL;
	case SC_MPROTECT: return i == 2 ? mman_prot_names : NULL;
	case SC_MADVISE: return i == 2 ? mman_madv_names : NULL;
	case SC_OPEN: return i == 1 ? mman_open_names : NULL;
	case SC_FALLOCATE: return i == 1 ? mman_falloc_names : NULL;
	default: return NULL;
	}
}

/*
 * Flags and advice the model does not carry out are refused before the
 * run, however they are spelled (a name or a number): a call that
 * silently did nothing would print a wrong answer.  Values the kernel
 * itself rejects go through, to fail with its errno.
 */
static bool arg_modelled(struct parser *p, enum scn_call_kind k, int i, const struct scn_arg *a)
{
	long v = (long)a->num;

	if (k == SC_MMAP && i == 3 && (v & MAP_32BIT))
		return perr(p, a->col, "MAP_32BIT is not modelled yet");
	if (k == SC_MMAP && i == 3 && (v & MAP_LOCKED))
		return perr(p, a->col, "MAP_LOCKED is not modelled yet (mlock is not)");
	if (k == SC_MMAP && i == 3 && (v & MAP_GROWSDOWN))
		return perr(p, a->col, "MAP_GROWSDOWN is not modelled yet (stacks do not grow)");
	if (k == SC_MADVISE && i == 2 && v >= 0 && v <= MADV_COLLAPSE && !madvise_modelled(v)) {
		const char *name = NULL;

		for (const struct mman_name *n = mman_madv_names; n->name; n++)
			if (n->value == v)
				name = n->name;
		if (name)
			return perr(p, a->col, "%s is not modelled yet", name);
	}
	return true;
}

/* One argument: NULL, a number or size, a variable [+|- size], FLAG|FLAG, "string" */
static bool parse_call_arg(struct parser *p, const char **pp, enum scn_call_kind k, int i,
			   struct scn_arg *a)
{
	const char *q = *pp, *e;
	const struct mman_name *names = arg_names(k, i);
	char buf[128];

	skip_blanks(&q);
	a->col = lcol(p, q);
	if (*q == '"') {
		if (k != SC_OPEN || i != 0)
			return perr(p, a->col, "a string where a number goes");
		e = strchr(q + 1, '"');
		if (!e)
			return perr(p, a->col, "unterminated string");
		a->kind = SCN_ARG_STR;
		a->str = xcalloc(1, (size_t)(e - q));
		memcpy(a->str, q + 1, (size_t)(e - q - 1));
		*pp = e + 1;
		return true;
	}
	e = q;
	while (*e && *e != ',' && *e != ')' && !is_blank(*e))
		e++;
	if (e == q)
		return perr(p, a->col, "expected an argument");
	if ((size_t)(e - q) >= sizeof(buf))
		return perr(p, a->col, "argument too long");
	memcpy(buf, q, (size_t)(e - q));
	buf[e - q] = 0;
	*pp = e;
	if (k == SC_OPEN && i == 0)
		return perr(p, a->col, "open: the path is a \"string\"");
	if (!strcmp(buf, "NULL")) {
		a->kind = SCN_ARG_NULL;
		return true;
	}
	if (k == SC_TOUCH && i == 2) {
		if (strcmp(buf, "READ") && strcmp(buf, "WRITE"))
			return perr(p, a->col, "touch: expected READ or WRITE, got '%s'", buf);
		a->kind = SCN_ARG_NUM;
		a->num = !strcmp(buf, "WRITE");
		return true;
	}
	if (names && (isupper((unsigned char)buf[0]) || buf[0] == '0')) {
		const char *bad;
		size_t badlen;
		long v;

		if (names == mman_madv_names && strchr(buf, '|'))
			return perr(p, a->col, "madvise takes one advice, not flags");
		if (!mman_parse_flags(names, buf, strlen(buf), &v, &bad, &badlen))
			return perr(p, a->col + (int)(bad - buf), "unknown flag '%.*s'", (int)badlen,
				    bad);
		a->kind = SCN_ARG_NUM;
		a->num = (uint64_t)v;
		return arg_modelled(p, k, i, a);
	}
	if (k == SC_OPEN && i == 2) {		/* a mode: C reads 0644 as octal */
		char *end;

		a->kind = SCN_ARG_NUM;
		a->num = strtoull(buf, &end, buf[0] == '0' && buf[1] != 'x' ? 8 : 0);
		if (*end || buf[0] == '-')
			return perr(p, a->col, "bad mode '%s' (octal, as 0644)", buf);
		return true;
	}
	if (buf[0] == '-' || isdigit((unsigned char)buf[0])) {
		const char *why;
		uint64_t v;

		if (!scn_parse_size(buf + (buf[0] == '-'), &v, &why))
			return perr(p, a->col, "%s: '%s'", why, buf);
		a->kind = SCN_ARG_NUM;
		a->num = buf[0] == '-' ? (uint64_t)-(int64_t)v : v;
		return arg_modelled(p, k, i, a);
	}
	if (isalpha((unsigned char)buf[0]) || buf[0] == '_') {
		char *op = buf + strcspn(buf, "+-");
		int v = var_find(p, buf, (size_t)(op - buf));

		if (v < 0)
			return perr(p, a->col, "unknown name '%.*s' (not a mapping, file "
				    "descriptor or flag defined above)", (int)(op - buf), buf);
		a->kind = SCN_ARG_VAR;
		a->var = v;
		a->num = 0;
		if (*op) {
			const char *why;
			uint64_t off;

			if (!scn_parse_size(op + 1, &off, &why))
				return perr(p, a->col + (int)(op + 1 - buf), "%s: '%s'", why, op + 1);
			a->num = *op == '-' ? (uint64_t)-(int64_t)off : off;
		}
		return true;
	}
	return perr(p, a->col, "bad argument '%s'", buf);
}

/* Skip blanks, take a C identifier's characters (possibly none), skip blanks */
static void scan_word(const char **pp, const char **word, size_t *len)
{
	skip_blanks(pp);
	*word = *pp;
	while (isalnum((unsigned char)**pp) || **pp == '_')
		(*pp)++;
	*len = (size_t)(*pp - *word);
	skip_blanks(pp);
}

/* PROC: [VAR =] CALL(ARGS) [= RESULT] */
static bool parse_call(struct parser *p, const char *line, const char *colon)
{
	const char *q = line, *name, *var = NULL;
	size_t namelen, varlen = 0;
	struct scn_call c = { .ret_var = -1, .child = -1 };
	struct scn_stmt *st;
	int proc, k = -1, varcol = 0;

	skip_blanks(&q);
	proc = proc_find(p, q, (size_t)(colon - q));
	if (proc < 0)
		return perr(p, lcol(p, q), "unknown process '%.*s' (create it with 'process "
			    "NAME' or NAME = fork())", (int)(colon - q), q);
	if (p->proc_exit_line[proc])
		return perr(p, lcol(p, q), "process '%.*s' exited at line %d", (int)(colon - q), q,
			    p->proc_exit_line[proc]);
	c.proc = proc;
	q = colon + 1;
	scan_word(&q, &name, &namelen);
	if (*q == '=' && q[1] != '=') {
		var = name;
		varlen = namelen;
		varcol = lcol(p, name);
		q++;
		scan_word(&q, &name, &namelen);
	}
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		if (strlen(calls[i].name) == namelen && !memcmp(calls[i].name, name, namelen))
			k = (int)i;
	if (k < 0)
		return perr(p, lcol(p, name), "unknown system call '%.*s' (mmap, munmap, mremap, "
			    "mprotect, madvise, fork, exit, open, close, ftruncate, fallocate, touch)",
			    (int)namelen, name);
	c.kind = calls[k].kind;
	if (*q != '(')
		return perr(p, lcol(p, q), "expected '(' after %s", calls[k].name);
	q++;
	skip_blanks(&q);
	while (*q != ')') {
		if (c.nargs == SCN_CALL_MAX_ARGS || c.nargs == calls[k].max)
			return perr(p, lcol(p, q), "too many arguments: %s", calls[k].usage);
		if (!parse_call_arg(p, &q, c.kind, c.nargs, &c.a[c.nargs]))
			goto fail;
		c.nargs++;
		skip_blanks(&q);
		if (*q == ',') {
			q++;
			continue;
		}
		if (*q != ')') {
			perr(p, lcol(p, q), "expected ',' or ')'");
			goto fail;
		}
	}
	if (c.nargs < calls[k].min) {
		perr(p, lcol(p, q), "too few arguments: %s", calls[k].usage);
		goto fail;
	}
	q++;
	skip_blanks(&q);
	if (*q == '=') {
		char buf[64];
		const char *e;

		q++;
		skip_blanks(&q);
		c.expect_col = lcol(p, q);
		e = q;
		while (*e && !is_blank(*e) && *e != '#')
			e++;
		if ((size_t)(e - q) >= sizeof(buf)) {
			perr(p, c.expect_col, "result too long");
			goto fail;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)(e - q), q);
		if (!strcmp(buf, "-1")) {
			const char *en = e;
			int er;

			skip_blanks(&en);
			e = en;
			while (*e && !is_blank(*e) && *e != '#')
				e++;
			if (!errno_parse(en, (size_t)(e - en), &er)) {
				perr(p, lcol(p, en), "expected an errno name after '= -1' (EINVAL, "
				     "ENOMEM, ...)");
				goto fail;
			}
			c.expect = SCN_RET_ERRNO;
			c.expect_val = (uint64_t)er;
		} else if (!strcmp(buf, "SIGSEGV") || !strcmp(buf, "SIGBUS")) {
			c.expect = SCN_RET_SIGNAL;
			c.expect_val = buf[4] == 'E' ? 11 : 7;
		} else {
			const char *why;

			if (!scn_parse_size(buf, &c.expect_val, &why)) {
				perr(p, c.expect_col, "expected a result (a number, -1 ERRNO, SIGSEGV, "
				     "SIGBUS): %s", why);
				goto fail;
			}
			c.expect = SCN_RET_VALUE;
		}
		q = e;
		skip_blanks(&q);
	}
	if (!at_end(q)) {
		perr(p, lcol(p, q), "unexpected text after the call");
		goto fail;
	}
	if (var) {
		char vb[64];

		if (varlen >= sizeof(vb)) {
			perr(p, varcol, "name too long (at most %zu characters)", sizeof(vb) - 1);
			goto fail;
		}
		snprintf(vb, sizeof(vb), "%.*s", (int)varlen, var);
		if (c.kind == SC_FORK) {
			if (!proc_new(p, var, varlen, varcol, &c.child))
				goto fail;
		} else {
			if (!scn_is_ident(vb)) {
				perr(p, varcol, "bad name '%s'", vb);
				goto fail;
			}
			c.ret_var = var_find(p, var, varlen);
			if (c.ret_var < 0)
				c.ret_var = add_name(&p->s->var_names, &p->s->nvars, vb);
		}
	} else if (c.kind == SC_FORK) {
		perr(p, lcol(p, name), "fork needs a name for the child: CHILD = fork()");
		goto fail;
	}
	if (!need_boot(p, lcol(p, line)))
		goto fail;
	if (c.kind == SC_EXIT)
		p->proc_exit_line[proc] = p->line;
	st = new_stmt(p, SCN_CALL, lcol(p, line));
	st->call = xcalloc(1, sizeof(*st->call));
	*st->call = c;
	return true;
fail:
	for (int i = 0; i < c.nargs + 1 && i < SCN_CALL_MAX_ARGS; i++)
		host_free(c.a[i].str);
	return false;
}

/* drain [node=N] [zone=NAME]: mode is the zone index + 1, 0 for every zone */
static bool parse_drain(struct parser *p)
{
	struct kv kv[] = { KV("node"), KV("zone"), KV_END };
	struct scn_stmt *st;
	int nid = -1, zone = -1;

	if (!need_boot(p, p->tk.t[0].col) || !parse_kv(p, 1, "drain", kv))
		return false;
	if (kv[0].val && !node_at(p, kv[0].val, kv[0].col, &nid))
		return false;
	if (kv[1].val) {
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (!strcmp(kv[1].val, zone_names[z]))
				zone = z;
		if (zone < 0)
			return perr(p, kv[1].col, "zone=%s: the zones are DMA, DMA32, Normal and "
				    "Movable", kv[1].val);
	}
	st = new_stmt(p, SCN_DRAIN, p->tk.t[0].col);
	st->node = nid;
	st->mode = zone + 1;
	return true;
}

/*
 * import DIR [seed=N]: the machine and its free lists from a real machine's
 * DIR/zoneinfo, DIR/pagetypeinfo and DIR/buddyinfo (sim/import.c reads
 * them); the pages in use become the groups import_user and import_kernel
 */
static bool parse_import(struct parser *p)
{
	struct kv kv[] = { KV("seed"), KV_END };
	int col = p->tk.t[0].col;
	const char *dir;
	char path[1024];
	struct scn_diag d;

	if (!before_boot(p, "import"))
		return false;
	if (p->s->have_machine)
		return perr(p, col, "import describes the machine, already described at line %d",
			    p->machine_line);
	if (p->tk.n < 2 || p->tk.t[1].kind != SCN_TOK_WORD || strchr(p->tk.t[1].s, '='))
		return perr(p, p->tk.n < 2 ? col : p->tk.t[1].col, "usage: import DIR [seed=N]");
	if (!parse_kv(p, 2, "import", kv))
		return false;
	if (kv[0].val) {
		if (!num_at(p, kv[0].val, kv[0].col, &p->s->import_seed))
			return false;
		p->s->import_seed_set = true;
	}
	dir = p->tk.t[1].s;
	if (dir[0] == '/' || !p->dir[0])
		snprintf(path, sizeof(path), "%s", dir);
	else
		snprintf(path, sizeof(path), "%s%s%s", p->dir, strcmp(p->dir, "/") ? "/" : "", dir);
	p->s->import = import_load(path, &d);
	if (!p->s->import || !import_machine_opts(p->s->import, &p->s->opts, &d)) {
		*p->d = d;
		return false;
	}
	for (int i = 0; i < 2; i++) {
		const char *g = i ? "import_kernel" : "import_user";

		if (name_find(p, g))
			return perr(p, col, "import: the name %s is taken", g);
		*(i ? &p->s->import_kernel_group : &p->s->import_user_group) =
			name_add(p, g, NAME_GROUP)->slot;
	}
	p->s->have_machine = true;
	p->machine_line = p->line;
	return true;
}

#define VERB(n, f)		{ .name = (n), .fn = (f), .raw = NULL }
#define RAW_VERB(n, f)		{ .name = (n), .fn = NULL, .raw = (f) }

static const struct verb verbs[] = {
	VERB("machine", parse_machine),
	VERB("node", parse_node),
	VERB("hole", parse_hole),
	VERB("reserve", parse_reserve),
	VERB("distance", parse_distance),
	VERB("cmdline", parse_cmdline),
	VERB("seed", parse_seed),
	VERB("policy", parse_policy),
	VERB("var", parse_var),
	VERB("boot", parse_boot),
	VERB("cpu", parse_cpu),
	VERB("alloc", parse_alloc),
	VERB("free", parse_free),
	VERB("fill", parse_fill),
	VERB("drain", parse_drain),
	VERB("compact", parse_compact),
	VERB("snapshot", parse_snapshot),
	VERB("print", parse_print),
	VERB("cat", parse_cat),
	VERB("echo", parse_echo),
	VERB("replay", parse_replay),
	RAW_VERB("expect", parse_expect),
	VERB("process", parse_process),
	VERB("mount", parse_mount),
	VERB("truncate", parse_truncate),
	VERB("rm", parse_rm),
	VERB("strace", parse_strace),
	VERB("khugepaged", parse_khugepaged),
	VERB("subsection", parse_subsection),
	VERB("memory", parse_memory),
	VERB("import", parse_import),
};

const char *scn_verb_name(size_t i)
{
	return i < ARRAY_SIZE(verbs) ? verbs[i].name : NULL;
}

/* "unknown verb": the closest verb if there is one, and the list */
static bool unknown_verb(struct parser *p)
{
	struct suggest sg;
	struct sbuf list;
	const char *v;
	bool ret;

	suggest_init(&sg, p->tk.t[0].s);
	sb_init(&list);
	for (size_t i = 0; (v = scn_verb_name(i)); i++) {
		suggest_offer(&sg, v);
		sb_printf(&list, "%s%s", i ? " " : "", v);
	}
	if (suggest_result(&sg))
		ret = perr(p, p->tk.t[0].col, "unknown verb '%s': did you mean '%s'? (verbs: %s)",
			   p->tk.t[0].s, suggest_result(&sg), list.buf);
	else
		ret = perr(p, p->tk.t[0].col, "unknown verb '%s' (verbs: %s)", p->tk.t[0].s,
			   list.buf);
	sb_free(&list);
	return ret;
}

static bool parse_line(struct parser *p, const char *line)
{
	const char *q = line;
	char msg[256];
	int col;

	p->linetext = line;
	skip_blanks(&q);
	if (at_end(q))
		return true;
	/* NAME: ... is a process's system call */
	{
		const char *e = q;

		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		if (e > q && *e == ':' && (is_blank(e[1]) || at_end(e + 1)))
			return parse_call(p, line, e);
	}
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		size_t n = strlen(verbs[i].name);

		if (verbs[i].raw && !strncmp(q, verbs[i].name, n) &&
		    (is_blank(q[n]) || at_end(q + n)))
			return verbs[i].raw(p, q + n);
	}

	scn_toks_free(&p->tk);
	/* not at the end after skip_blanks: there is at least one token */
	if (!scn_tokenize(line, &p->tk, &col, msg, sizeof(msg)))
		return perr(p, col, "%s", msg);
	if (p->tk.t[0].kind != SCN_TOK_WORD)
		return perr(p, p->tk.t[0].col, "line starts with a redirection");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (verbs[i].fn && !strcmp(p->tk.t[0].s, verbs[i].name))
			return verbs[i].fn(p);
	if (!strcmp(p->tk.t[0].s, "sysctl"))
		return perr(p, p->tk.t[0].col, "unknown verb 'sysctl' (write the file: "
			    "echo VALUE > /proc/sys/vm/NAME)");
	return unknown_verb(p);
}

static void set_dir(struct parser *p, const char *file)
{
	const char *slash = strrchr(file, '/');

	p->dir[0] = '\0';
	if (slash == file)
		snprintf(p->dir, sizeof(p->dir), "/");
	else if (slash)
		snprintf(p->dir, sizeof(p->dir), "%.*s", (int)(slash - file), file);
}

/* Every name @set gives is declared by the scenario */
static bool check_set(struct parser *p, const struct scn_vars *set)
{
	const struct scn_script *s = p->s;

	for (unsigned int i = 0; set && i < set->n; i++) {
		const char *name = set->v[i].name;
		struct sbuf sb;
		int idx;

		if (svar_lookup((void *)s, name, strlen(name), &idx))
			continue;
		sb_init(&sb);
		for (int j = 0; j < s->nsvars; j++)
			sb_printf(&sb, "%s%s", j ? ", " : "", s->svars[j].name);
		if (s->nsvars)
			scn_diag_set(p->d, s->file, 0, 0, "--set %s: the scenario declares no "
				     "variable '%s' (it declares: %s)", name, name, sb.buf);
		else
			scn_diag_set(p->d, s->file, 0, 0, "--set %s: the scenario declares no "
				     "variables (a line 'var %s=VALUE' declares one)", name, name);
		sb_free(&sb);
		return false;
	}
	return true;
}

/*
 * Expand the variables of line @buf (which starts at @line in the file's
 * @text) and parse it.  From the first line that expansion or a `var`
 * changes, the file as parsed is kept in p->etext (the lines before it
 * copied from @text as they are).
 */
static bool parse_expanded(struct parser *p, const char *buf, const char *text,
			   const char *line)
{
	struct scn_script *s = p->s;
	const char *parsed = buf;
	int before = s->nexp, col;
	bool unknown, ok;
	char msg[256];

	if (strchr(buf, '$')) {
		if (!scn_expand(buf, p->line, svar_lookup, s, &p->eline, &s->exp, &s->nexp,
				&s->expcap, &col, &unknown, msg, sizeof(msg)))
			return expand_error(p, buf, col, unknown, msg);
		if (s->nexp > before)
			parsed = p->eline.buf;
	}
	p->var_line_set = false;
	ok = parse_line(p, parsed);
	if (!p->changed && (s->nexp > before || p->var_line_set)) {
		p->changed = true;
		sb_printf(&p->etext, "%.*s", (int)(line - text), text);
	}
	if (p->changed) {
		sb_puts(&p->etext, p->var_line_set ? p->var_line.buf : parsed);
		sb_puts(&p->etext, "\n");
	}
	return ok;
}

struct scn_script *scn_parse_string(const char *file, const char *text, struct scn_diag *d)
{
	return scn_parse_string_set(file, text, NULL, d);
}

struct scn_script *scn_parse_string_set(const char *file, const char *text,
					const struct scn_vars *set, struct scn_diag *d)
{
	struct scn_script *s = xcalloc(1, sizeof(*s));
	struct parser p = { .s = s, .d = d, .set = set };
	const char *line = text;
	char *buf = NULL;
	size_t cap = 0;
	bool ok = true;

	memset(d, 0, sizeof(*d));
	sb_init(&p.eline);
	sb_init(&p.etext);
	sb_init(&p.var_line);
	s->file = xstrdup(file);
	s->text = xstrdup(text);
	machine_opts_default(&s->opts);
	set_dir(&p, file);
	while (ok && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t end = len;

		/* a CRLF file reads as the same file with LF, columns included */
		if (end && line[end - 1] == '\r')
			end--;
		p.line++;
		if (len + 1 > cap) {
			cap = len + 1;
			buf = xreallocarray(buf, cap, 1);
		}
		memcpy(buf, line, end);
		buf[end] = '\0';
		ok = parse_expanded(&p, buf, text, line);
		line = nl ? nl + 1 : line + len;
	}
	if (ok)
		ok = check_set(&p, set);
	/* the file as parsed, for the guest plan and the saved scenario.scn */
	if (ok && p.changed) {
		host_free(s->text);
		s->text = sb_steal(&p.etext);
	}
	sb_free(&p.etext);
	sb_free(&p.eline);
	sb_free(&p.var_line);
	host_free(buf);
	host_free(p.proc_exit_line);
	host_free(p.dev);
	host_free(p.proc_def_line);
	scn_toks_free(&p.tk);
	/*
	 * A machine line with no step after it still describes a machine,
	 * and one that cannot boot is an error even when nothing runs on
	 * it: boot it at the end.  A file with neither a machine nor a step
	 * would print nothing and check nothing, which is never what was
	 * meant.  (Steps that need no machine, echo alone, run without one.)
	 */
	if (ok && !p.boot_line) {
		if (s->have_machine) {
			p.line = p.machine_line;
			ok = need_boot(&p, 1);
		} else if (!s->nstmts) {
			p.line = p.line ? p.line : 1;
			ok = perr(&p, 1, "empty scenario: no 'machine' line and no step");
		}
	}
	if (!ok) {
		scn_script_free(s);
		return NULL;
	}
	return s;
}

struct scn_script *scn_parse_file(const char *path, struct scn_diag *d)
{
	return scn_parse_file_set(path, NULL, d);
}

int scn_col_orig(const struct scn_script *s, int line, int col)
{
	return scn_expansion_col(s->exp, s->nexp, line, col);
}

struct scn_script *scn_parse_file_set(const char *path, const struct scn_vars *set,
				      struct scn_diag *d)
{
	struct scn_script *s = NULL;
	struct sbuf sb;
	int e = 0;

	sb_init(&sb);
	switch (scn_read_text(path, &sb, &e)) {
	case SCN_READ_OK:
		s = scn_parse_string_set(path, sb.buf, set, d);
		break;
	case SCN_READ_OPEN:
		scn_diag_set(d, path, 0, 0, "cannot open: %s", strerror(e));
		break;
	case SCN_READ_BINARY:
		scn_diag_set(d, path, 0, 0, "binary file (NUL bytes), not a scenario");
		break;
	case SCN_READ_IO:
		scn_diag_set(d, path, 0, 0, "read error: %s", strerror(e));
		break;
	}
	sb_free(&sb);
	return s;
}

static void expr_free(struct scn_expr *e)
{
	for (int i = 0; i < e->n; i++)
		host_free(e->t[i].name);
	host_free(e->t);
}

void scn_script_free(struct scn_script *s)
{
	struct scn_names *n, *tmp;

	if (!s)
		return;
	host_free(s->import);
	for (int i = 0; i < s->nstmts; i++) {
		struct scn_stmt *st = &s->stmts[i];

		for (int j = 0; j < st->nargs; j++)
			host_free(st->args[j]);
		host_free(st->args);
		host_free(st->argcol);
		host_free(st->text);
		host_free(st->path);
		expr_free(&st->lhs);
		expr_free(&st->rhs);
		trace_free(st->trace);
		if (st->call)
			for (int j = 0; j < st->call->nargs; j++)
				host_free(st->call->a[j].str);
		host_free(st->call);
	}
	host_free(s->stmts);
	for (int i = 0; i < s->nprocs; i++)
		host_free(s->proc_names[i]);
	for (int i = 0; i < s->nvars; i++)
		host_free(s->var_names[i]);
	host_free(s->proc_names);
	host_free(s->var_names);
	for (int i = 0; i < s->nids; i++)
		host_free(s->id_names[i]);
	for (int i = 0; i < s->ngroups; i++)
		host_free(s->group_names[i]);
	for (int i = 0; i < s->nsnaps; i++)
		host_free(s->snap_names[i]);
	host_free(s->id_names);
	host_free(s->group_names);
	host_free(s->snap_names);
	HASH_ITER(hh, s->names, n, tmp) {
		HASH_DEL(s->names, n);
		host_free(n->name);
		host_free(n);
	}
	HASH_ITER(hh, s->snap_index, n, tmp) {
		HASH_DEL(s->snap_index, n);
		host_free(n->name);
		host_free(n);
	}
	for (int i = 0; i < s->nsvars; i++) {
		host_free(s->svars[i].name);
		host_free(s->svars[i].value);
	}
	host_free(s->svars);
	host_free(s->exp);
	host_free(s->file);
	host_free(s->text);
	host_free(s);
}
