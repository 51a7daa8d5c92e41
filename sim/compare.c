// SPDX-License-Identifier: GPL-2.0-only
/*
 * compare.c - `mmsim compare`: run one scenario once per policy of a
 * family and print what each left behind, side by side, with the
 * difference of each against the first.
 *
 *   mmsim compare FILE --policy FAMILY=A,B,... [--format text|json]
 *                 [--seed N] [--check]
 *
 * Every run parses nothing again: the scenario is parsed once and run on
 * a fresh machine per policy, all output captured.  The figures come
 * from the counters at the end of each run (counter_dump plus the
 * runner's), so what the table shows is what `expect` can assert.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"
#include "policy.h"
#include "compare.h"

#define CMP_MAX		16
#define CMP_NODES	MAX_NUMNODES

struct cmp_run {
	const struct policy *pol;
	enum scn_status status;
	char *counters;			/* "name value" lines */
	char *errtext;
	/* figures */
	long hugepages;
	long free_blocks[MAX_ORDER];
	long unusable9;
	long vmemmap_freed, pgtable_pages, heads, head_fail, flushes;
	int nr_nodes;
	long node_free[CMP_NODES], node_memmap[CMP_NODES], node_memmap_boot[CMP_NODES];
	long node_heads[CMP_NODES], node_hugepages[CMP_NODES];
};

/* Rows build_rows makes: machine-wide ones, then CMP_NODE_ROWS per node */
#define CMP_MACHINE_ROWS	(MAX_ORDER + 7)
#define CMP_NODE_ROWS		5

/* Value of an exact counter name in a dump, or 0 */
static long cnt(const char *dump, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = dump; p && *p;) {
		const char *nl = strchr(p, '\n');

		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * Sum of the counters whose names match a pattern: the parts before and
 * after one "*" (which stands for a run of characters without '.'), and
 * a fixed tail.
 */
static long cnt_sum(const char *dump, const char *pre, const char *post)
{
	size_t np = strlen(pre), nq = strlen(post);
	long sum = 0;

	for (const char *p = dump; p && *p;) {
		const char *nl = strchr(p, '\n'), *sp = strchr(p, ' ');

		if (sp && (!nl || sp < nl) && !strncmp(p, pre, np)) {
			const char *mid = p + np;
			const char *end = sp - nq;

			if (end >= mid && !strncmp(end, post, nq) && !memchr(mid, '.', (size_t)(end - mid)))
				sum += strtol(sp + 1, NULL, 10);
		}
		p = nl ? nl + 1 : NULL;
	}
	return sum;
}

static void cmp_figures(struct cmp_run *r)
{
	const char *d = r->counters;
	long free_pages = 0, suitable = 0;
	char name[96];

	r->hugepages = cnt_sum(d, "hugepages.", ".nr_hugepages");
	for (int o = 0; o < MAX_ORDER; o++) {
		char post[8];

		snprintf(post, sizeof(post), ".%d", o);
		/* buddyinfo.<nid>.<zone>.<order>: two wildcards, so sum per node */
		r->free_blocks[o] = 0;
		for (int n = 0; n < CMP_NODES; n++) {
			char pre[32];

			snprintf(pre, sizeof(pre), "buddyinfo.%d.", n);
			r->free_blocks[o] += cnt_sum(d, pre, post);
		}
		free_pages += r->free_blocks[o] << o;
		if (o >= 9)
			suitable += r->free_blocks[o] << (o - 9);
	}
	/* unusable_free_index at order 9 over the whole machine */
	r->unusable9 = free_pages ? (free_pages - (suitable << 9)) * 1000 / free_pages : 1000;
	r->vmemmap_freed = cnt(d, "hvo.vmemmap_pages_freed");
	r->pgtable_pages = cnt(d, "hvo.pgtable_pages");
	r->head_fail = cnt(d, "hvo.head_alloc_failed");
	r->flushes = cnt(d, "hvo.tlb_flushes");
	r->heads = 0;
	r->nr_nodes = 0;
	for (int n = 0; n < CMP_NODES; n++) {
		snprintf(name, sizeof(name), "node.%d.free_pages", n);
		if (!strstr(d, name))
			break;
		r->nr_nodes = n + 1;
		r->node_free[n] = cnt(d, name);
		snprintf(name, sizeof(name), "node.%d.nr_memmap_pages", n);
		r->node_memmap[n] = cnt(d, name);
		snprintf(name, sizeof(name), "node.%d.nr_memmap_boot_pages", n);
		r->node_memmap_boot[n] = cnt(d, name);
		snprintf(name, sizeof(name), "hvo.heads_allocated.%d", n);
		r->node_heads[n] = cnt(d, name);
		r->heads += r->node_heads[n];
		snprintf(name, sizeof(name), "hugepages.%d.", n);
		r->node_hugepages[n] = cnt_sum(d, name, ".nr_hugepages");
	}
}

static const char *status_name(enum scn_status s)
{
	switch (s) {
	case SCN_OK:
		return "ok";
	case SCN_FAILED:
		return "failed";
	default:
		return "bad-input";
	}
}

/* One row: a label and one value per run (and its delta against run 0) */
struct cmp_row {
	char label[48];
	long v[CMP_MAX];
};

/* @rows has room for CMP_MACHINE_ROWS + CMP_NODE_ROWS * r[0].nr_nodes */
static int build_rows(const struct cmp_run *r, int nr, struct cmp_row *rows)
{
	int n = 0;

#define ROW(fmtlabel, expr, ...)						\
	do {									\
		snprintf(rows[n].label, sizeof(rows[n].label), fmtlabel, ##__VA_ARGS__); \
		for (int i = 0; i < nr; i++)					\
			rows[n].v[i] = (expr);					\
		n++;								\
	} while (0)
	ROW("hugepages", r[i].hugepages);
	for (int o = 0; o < MAX_ORDER; o++)
		ROW("free blocks order %d", r[i].free_blocks[o], o);
	ROW("unusable index o9 (x1000)", r[i].unusable9);
	ROW("vmemmap pages freed", r[i].vmemmap_freed);
	ROW("head pages allocated", r[i].heads);
	ROW("head allocations failed", r[i].head_fail);
	ROW("vmemmap page-table pages", r[i].pgtable_pages);
	ROW("TLB flushes", r[i].flushes);
	for (int nd = 0; nd < r[0].nr_nodes; nd++) {
		ROW("node %d hugepages", r[i].node_hugepages[nd], nd);
		ROW("node %d free pages", r[i].node_free[nd], nd);
		ROW("node %d memmap pages", r[i].node_memmap[nd], nd);
		ROW("node %d boot memmap pages", r[i].node_memmap_boot[nd], nd);
		ROW("node %d head pages", r[i].node_heads[nd], nd);
	}
#undef ROW
	return n;
}

static void print_text(const char *file, const struct policy_family *f, const struct cmp_run *r,
		       int nr, const struct cmp_row *rows, int nrows)
{
	int w = 12;

	for (int i = 0; i < nr; i++)
		if ((int)strlen(r[i].pol->name) + 1 > w)
			w = (int)strlen(r[i].pol->name) + 1;
	printf("mmsim compare %s, %s=", file, f->name);
	for (int i = 0; i < nr; i++)
		printf("%s%s", i ? "," : "", r[i].pol->name);
	printf("\n\n%-28s", "");
	for (int i = 0; i < nr; i++)
		printf("%*s", w, r[i].pol->name);
	printf("\n%-28s", "run");
	for (int i = 0; i < nr; i++)
		printf("%*s", w, status_name(r[i].status));
	putchar('\n');
	for (int k = 0; k < nrows; k++) {
		printf("%-28s", rows[k].label);
		for (int i = 0; i < nr; i++)
			printf("%*ld", w, rows[k].v[i]);
		putchar('\n');
	}
	if (nr < 2)
		return;
	printf("\ndifference against %s\n%-28s", r[0].pol->name, "");
	for (int i = 1; i < nr; i++)
		printf("%*s", w, r[i].pol->name);
	putchar('\n');
	for (int k = 0; k < nrows; k++) {
		printf("%-28s", rows[k].label);
		for (int i = 1; i < nr; i++)
			printf("%+*ld", w, rows[k].v[i] - rows[k].v[0]);
		putchar('\n');
	}
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const char *file, const struct policy_family *f, const struct cmp_run *r,
		       int nr, const struct cmp_row *rows, int nrows)
{
	printf("{\n  \"scenario\": ");
	json_str(file);
	printf(",\n  \"family\": ");
	json_str(f->name);
	printf(",\n  \"runs\": [\n");
	for (int i = 0; i < nr; i++) {
		printf("    {\"policy\": ");
		json_str(r[i].pol->name);
		printf(", \"status\": ");
		json_str(status_name(r[i].status));
		printf(",\n     \"figures\": {");
		for (int k = 0; k < nrows; k++) {
			printf("%s", k ? ", " : "");
			json_str(rows[k].label);
			printf(": %ld", rows[k].v[i]);
		}
		printf("},\n     \"difference\": {");
		for (int k = 0; k < nrows; k++) {
			printf("%s", k ? ", " : "");
			json_str(rows[k].label);
			printf(": %ld", rows[k].v[i] - rows[k].v[0]);
		}
		printf("}}%s\n", i + 1 < nr ? "," : "");
	}
	printf("  ]\n}\n");
}

static int cmp_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: compare: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nusage: mmsim compare FILE --policy FAMILY=A,B,... [--format text|json] "
	      "[--seed N] [--check|--no-check]\n", stderr);
	return SCN_BAD_INPUT;
}

int cmd_compare(int argc, char **argv)
{
	const char *file = NULL, *spec = NULL, *format = "text";
	const struct policy_family *fam = NULL;
	struct cmp_run runs[CMP_MAX];
	struct cmp_row *rows;
	struct scn_run_opts o = { 0 };
	struct scn_script *s;
	struct scn_diag d;
	int nr = 0, worst = SCN_OK, nrows;

	memset(runs, 0, sizeof(runs));
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		/* --policy, --format and --seed take "--opt VALUE" or "--opt=VALUE" */
		if (!strcmp(a, "--policy") || !strcmp(a, "--format") || !strcmp(a, "--seed")) {
			if (i + 1 >= argc)
				return cmp_usage("%s needs a value", a);
			v = argv[++i];
		} else if (!strncmp(a, "--policy=", 9) || !strncmp(a, "--format=", 9) ||
			   !strncmp(a, "--seed=", 7)) {
			v = strchr(a, '=') + 1;
		}
		if (v && !strncmp(a, "--policy", 8)) {
			/* a second --policy would silently replace the first */
			if (spec)
				return cmp_usage("%s", "--policy given twice: name every policy in "
						 "one --policy FAMILY=A,B,...");
			spec = v;
		} else if (v && !strncmp(a, "--format", 8)) {
			format = v;
		} else if (v) {
			const char *why;
			uint64_t seed;

			if (!scn_parse_u64(v, &seed, &why))
				return cmp_usage("--seed: bad number '%s'", v);
			o.seed = seed;
			o.seed_set = true;
		} else if (!strcmp(a, "--check")) {
			o.check = SCN_CHECK_STEPS;
		} else if (!strcmp(a, "--no-check")) {
			o.check = SCN_CHECK_OFF;
		} else if (a[0] == '-' && a[1]) {
			return cmp_usage("unknown option '%s'", a);
		} else if (file) {
			return cmp_usage("unexpected argument '%s'", a);
		} else {
			file = a;
		}
	}
	if (!file)
		return cmp_usage("%s", "missing scenario FILE");
	if (!spec)
		return cmp_usage("%s", "missing --policy FAMILY=A,B,...");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cmp_usage("--format takes text or json, not '%s'", format);
	{
		const char *eq = strchr(spec, '=');
		const char *p;

		if (!eq)
			return cmp_usage("--policy '%s': expected FAMILY=A,B,...", spec);
		fam = policy_family_find(spec, (size_t)(eq - spec));
		if (!fam) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
			return cmp_usage("--policy: unknown policy family '%s'", name);
		}
		for (p = eq + 1; *p;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			const struct policy *pol = policy_find(fam, p, n);

			if (!pol) {
				fprintf(stderr, "mmsim: compare: unknown %s policy '%.*s'\n", fam->name,
					(int)n, p);
				return SCN_BAD_INPUT;
			}
			if (nr == CMP_MAX)
				return cmp_usage("at most 16 policies, got more in '%s'", spec);
			runs[nr++].pol = pol;
			p += n + (c ? 1 : 0);
		}
		if (!nr)
			return cmp_usage("--policy '%s' names no policy", spec);
	}

	memset(&d, 0, sizeof(d));
	s = scn_parse_file(file, &d);
	if (!s) {
		struct sbuf sb;

		sb_init(&sb);
		scn_diag_format(&d, &sb);
		fputs(sb.buf ? sb.buf : "mmsim: cannot parse the scenario\n", stderr);
		sb_free(&sb);
		return SCN_BAD_INPUT;
	}
	o.quiet = true;
	o.want_counters = true;
	for (int i = 0; i < nr; i++) {
		struct policy_set set = { 0 };
		struct scn_result r;

		policy_set_put(&set, fam, runs[i].pol);
		o.policies = &set;
		scn_result_init(&r);
		runs[i].status = scn_run(s, &o, &r);
		runs[i].counters = sb_steal(&r.counters);
		runs[i].errtext = sb_steal(&r.err);
		scn_result_free(&r);
		if (runs[i].status != SCN_OK) {
			fprintf(stderr, "mmsim: compare: %s=%s: ", fam->name, runs[i].pol->name);
			fputs(runs[i].errtext[0] ? runs[i].errtext : "run failed\n", stderr);
			if ((int)runs[i].status > worst)
				worst = (int)runs[i].status;
		}
		cmp_figures(&runs[i]);
	}
	scn_script_free(s);

	rows = host_calloc(CMP_MACHINE_ROWS + CMP_NODE_ROWS * (size_t)runs[0].nr_nodes,
			   sizeof(*rows), "building the compare table");
	nrows = build_rows(runs, nr, rows);
	assert(nrows == CMP_MACHINE_ROWS + CMP_NODE_ROWS * runs[0].nr_nodes);
	if (!strcmp(format, "json"))
		print_json(file, fam, runs, nr, rows, nrows);
	else
		print_text(file, fam, runs, nr, rows, nrows);
	for (int i = 0; i < nr; i++) {
		host_free(runs[i].counters);
		host_free(runs[i].errtext);
	}
	host_free(rows);
	return worst;
}
