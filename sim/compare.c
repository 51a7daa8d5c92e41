// SPDX-License-Identifier: GPL-2.0-only
/*
 * compare.c - `mmsim compare`: run one scenario once per policy, or once
 * per combination of policies of several families, and print what each
 * run left behind, side by side, with the difference of each against the
 * first.
 *
 *   mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]...
 *                 [--format text|json] [--seed N] [--set NAME=VALUE]... [--check|--no-check]
 *
 * The scenario is parsed once and run on a fresh machine per combination,
 * all output captured.  Every figure is a number read from the machine at
 * the end of the run (scn_run_opts.at_end): compare's own below, then the
 * ones each varied family declares (policy_family.figures).  A figure of
 * POLICY_FIG_NEVER prints as "never" (JSON: the string), and its
 * difference against a number as "-" (JSON: null).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "compare.h"
#include "host.h"
#include "hugetlb.h"
#include "policy.h"
#include "scn.h"

/* -------------------------------------------------------------------------
 * compare's own figures: what every run has, whatever the families
 */

/* Hugepages of every size: on node @nid, or on the machine for -1 */
static long fig_hugepages(struct machine *m, int nid)
{
	static const unsigned int orders[] = { HPAGE_PMD_ORDER, HPAGE_PUD_ORDER };
	unsigned long n = 0;

	_Static_assert(ARRAY_SIZE(orders) == HUGE_MAX_HSTATE, "one order per hstate");
	if (!m->hugetlb)	/* hugetlb never set up: no pool */
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		const struct hstate *h = hugetlb_size_to_hstate(m, PAGE_SIZE << orders[i]);

		if (h)
			n += nid < 0 ? h->nr_huge_pages : h->nr_huge_pages_node[nid];
	}
	return (long)n;
}

/* Free blocks of one order over every zone of the machine, as buddyinfo counts them */
static unsigned long free_blocks(struct machine *m, unsigned int order)
{
	unsigned long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			const struct zone *z = &m->node[nid].node_zones[zid];

			if (populated_zone(z))
				n += z->free_area[order].nr_free;
		}
	return n;
}

#define FIG_FREE_BLOCKS(o)							\
	static long fig_free_blocks_##o(struct machine *m, int nid)		\
	{									\
		return (long)free_blocks(m, o);					\
	}
FIG_FREE_BLOCKS(0) FIG_FREE_BLOCKS(1) FIG_FREE_BLOCKS(2) FIG_FREE_BLOCKS(3)
FIG_FREE_BLOCKS(4) FIG_FREE_BLOCKS(5) FIG_FREE_BLOCKS(6) FIG_FREE_BLOCKS(7)
FIG_FREE_BLOCKS(8) FIG_FREE_BLOCKS(9) FIG_FREE_BLOCKS(10)
#undef FIG_FREE_BLOCKS
_Static_assert(MAX_ORDER == 11, "one free-blocks figure per order");

/* The debugfs unusable index at a 2 MiB page's order, over the whole machine */
static long fig_unusable_pmd(struct machine *m, int nid)
{
	unsigned long nr_free[MAX_ORDER];

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		nr_free[o] = free_blocks(m, o);
	return unusable_free_index_blocks(nr_free, HPAGE_PMD_ORDER);
}

static long fig_node_free(struct machine *m, int nid)
{
	long n = 0;

	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		n += m->node[nid].node_zones[zid].vm_stat[NR_FREE_PAGES];
	return n;
}

static long fig_node_memmap(struct machine *m, int nid)
{
	return m->node[nid].nr_memmap_pages;
}

static long fig_node_memmap_boot(struct machine *m, int nid)
{
	return m->node[nid].nr_memmap_boot_pages;
}

static const struct policy_figure cmp_own_figures[] = {
	{ "hugepages", fig_hugepages, false },
	{ "free blocks order 0", fig_free_blocks_0, false },
	{ "free blocks order 1", fig_free_blocks_1, false },
	{ "free blocks order 2", fig_free_blocks_2, false },
	{ "free blocks order 3", fig_free_blocks_3, false },
	{ "free blocks order 4", fig_free_blocks_4, false },
	{ "free blocks order 5", fig_free_blocks_5, false },
	{ "free blocks order 6", fig_free_blocks_6, false },
	{ "free blocks order 7", fig_free_blocks_7, false },
	{ "free blocks order 8", fig_free_blocks_8, false },
	{ "free blocks order 9", fig_free_blocks_9, false },
	{ "free blocks order 10", fig_free_blocks_10, false },
	{ "unusable index o9 (x1000)", fig_unusable_pmd, false },
	{ "hugepages", fig_hugepages, true },
	{ "free pages", fig_node_free, true },
	{ "memmap pages", fig_node_memmap, true },
	{ "boot memmap pages", fig_node_memmap_boot, true },
	{ NULL, NULL, false },
};

/* -------------------------------------------------------------------------
 * The grid
 */
int cmp_grid_add_family(struct cmp_grid *g, const struct policy_family *f)
{
	for (unsigned int i = 0; i < g->nr_axes; i++)
		if (g->axis[i].family == f)
			return -EEXIST;
	if (g->nr_axes == CMP_MAX_AXES)
		return -E2BIG;
	g->axis[g->nr_axes].family = f;
	g->axis[g->nr_axes].nr = 0;
	return (int)g->nr_axes++;
}

int cmp_axis_add(struct cmp_axis *a, const struct policy *p)
{
	if (a->nr == CMP_MAX_RUNS)
		return -E2BIG;
	a->pick[a->nr++] = p;
	return 0;
}

uint64_t cmp_grid_nr_runs(const struct cmp_grid *g)
{
	uint64_t n = g->nr_axes ? 1 : 0;

	/* at most 16 picks on each of at most 8 axes: 2^32 at most */
	for (unsigned int i = 0; i < g->nr_axes; i++)
		n *= g->axis[i].nr;
	return n;
}

/* -------------------------------------------------------------------------
 * The table
 */
struct cmp_reader {
	const struct cmp_table *t;
	struct cmp_run *r;
};

/* at_end: every figure of the run, read from its machine */
static void cmp_read(void *arg, struct machine *m)
{
	const struct cmp_reader *rd = arg;
	struct cmp_run *r = rd->r;
	int nodes = m->nr_nodes < MAX_NUMNODES ? m->nr_nodes : MAX_NUMNODES;

	r->nr_nodes = nodes;
	for (unsigned int k = 0; k < rd->t->nr_figs; k++) {
		const struct policy_figure *f = rd->t->fig[k];
		long *v = &r->val[(size_t)k * MAX_NUMNODES];

		if (!f->per_node)
			v[0] = f->value(m, -1);
		else
			for (int nid = 0; nid < nodes; nid++)
				v[nid] = f->value(m, nid);
	}
}

static unsigned int nr_figures(const struct policy_figure *f)
{
	unsigned int n = 0;

	while (f && f[n].label)
		n++;
	return n;
}

static void add_figures(struct cmp_table *t, const struct policy_figure *f)
{
	for (unsigned int i = 0; i < nr_figures(f); i++)
		t->fig[t->nr_figs++] = &f[i];
}

/* Combination @i: one pick per axis, the last axis varying fastest */
static void cmp_combination(const struct cmp_table *t, unsigned int i, struct cmp_run *r)
{
	const struct cmp_grid *g = t->grid;
	unsigned int pick[CMP_MAX_AXES];
	size_t used = 0;

	for (unsigned int a = g->nr_axes; a-- > 0;) {
		pick[a] = i % g->axis[a].nr;
		i /= g->axis[a].nr;
	}
	for (unsigned int a = 0; a < g->nr_axes; a++) {
		const struct policy *p = g->axis[a].pick[pick[a]];

		policy_set_put(&r->set, g->axis[a].family, p);
		if (used < sizeof(r->label))
			used += (size_t)snprintf(r->label + used, sizeof(r->label) - used, "%s%s",
						 a ? "/" : "", p->name);
	}
}

static void set_row_label(struct cmp_row *row, int nid, const char *label)
{
	if (nid < 0)
		snprintf(row->label, sizeof(row->label), "%s", label);
	else
		snprintf(row->label, sizeof(row->label), "node %d %s", nid, label);
}

static void build_rows(struct cmp_table *t)
{
	unsigned int machine = 0, node = 0;

	for (unsigned int k = 0; k < t->nr_figs; k++) {
		if (t->fig[k]->per_node)
			node++;
		else
			machine++;
	}
	t->rows = host_calloc(machine + node * (size_t)t->run[0].nr_nodes, sizeof(*t->rows),
			      "building the compare table");
	for (int nid = -1; nid < t->run[0].nr_nodes; nid++) {
		for (unsigned int k = 0; k < t->nr_figs; k++) {
			struct cmp_row *row = &t->rows[t->nr_rows];

			if (t->fig[k]->per_node != (nid >= 0))
				continue;
			set_row_label(row, nid, t->fig[k]->label);
			for (unsigned int i = 0; i < t->nr_runs; i++) {
				const struct cmp_run *r = &t->run[i];

				/* a run with fewer nodes has nothing on the others */
				if (nid < r->nr_nodes)
					row->v[i] = r->val[(size_t)k * MAX_NUMNODES + (nid < 0 ? 0 : nid)];
			}
			t->nr_rows++;
		}
	}
	assert(t->nr_rows == machine + node * (size_t)t->run[0].nr_nodes);
}

void cmp_table_build(struct cmp_table *t, const struct cmp_grid *g, cmp_run_fn run, void *priv)
{
	uint64_t nr = cmp_grid_nr_runs(g);
	unsigned int nfig = nr_figures(cmp_own_figures);

	assert(nr >= 1 && nr <= CMP_MAX_RUNS);
	memset(t, 0, sizeof(*t));
	t->grid = g;
	t->nr_runs = (unsigned int)nr;
	t->worst = SCN_OK;
	for (unsigned int a = 0; a < g->nr_axes; a++)
		nfig += nr_figures(g->axis[a].family->figures);
	t->fig = host_calloc(nfig, sizeof(*t->fig), "building the compare table");
	add_figures(t, cmp_own_figures);
	for (unsigned int a = 0; a < g->nr_axes; a++)
		add_figures(t, g->axis[a].family->figures);

	for (unsigned int i = 0; i < t->nr_runs; i++) {
		struct cmp_run *r = &t->run[i];
		struct cmp_reader rd = { .t = t, .r = r };

		cmp_combination(t, i, r);
		r->val = host_calloc((size_t)t->nr_figs * MAX_NUMNODES, sizeof(*r->val),
				     "building the compare table");
		r->status = run(priv, &r->set, cmp_read, &rd);
		if (r->status > t->worst)
			t->worst = r->status;
	}
	build_rows(t);
}

void cmp_table_free(struct cmp_table *t)
{
	for (unsigned int i = 0; i < t->nr_runs; i++)
		host_free(t->run[i].val);
	host_free(t->fig);
	host_free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* -------------------------------------------------------------------------
 * Text and JSON
 */
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

void cmp_table_text(const struct cmp_table *t, const char *file, struct sbuf *sb)
{
	const struct cmp_grid *g = t->grid;
	const struct cmp_run *r = t->run;
	int w = 12, lw = 28;

	for (unsigned int i = 0; i < t->nr_runs; i++)
		if ((int)strlen(r[i].label) + 1 > w)
			w = (int)strlen(r[i].label) + 1;
	for (unsigned int k = 0; k < t->nr_rows; k++)
		if ((int)strlen(t->rows[k].label) + 1 > lw)
			lw = (int)strlen(t->rows[k].label) + 1;
	sb_printf(sb, "mmsim compare %s, ", file);
	for (unsigned int a = 0; a < g->nr_axes; a++) {
		sb_printf(sb, "%s%s=", a ? " " : "", g->axis[a].family->name);
		for (unsigned int j = 0; j < g->axis[a].nr; j++)
			sb_printf(sb, "%s%s", j ? "," : "", g->axis[a].pick[j]->name);
	}
	sb_printf(sb, "\n\n%-*s", lw, "");
	for (unsigned int i = 0; i < t->nr_runs; i++)
		sb_printf(sb, "%*s", w, r[i].label);
	sb_printf(sb, "\n%-*s", lw, "run");
	for (unsigned int i = 0; i < t->nr_runs; i++)
		sb_printf(sb, "%*s", w, status_name(r[i].status));
	sb_puts(sb, "\n");
	for (unsigned int k = 0; k < t->nr_rows; k++) {
		sb_printf(sb, "%-*s", lw, t->rows[k].label);
		for (unsigned int i = 0; i < t->nr_runs; i++) {
			if (t->rows[k].v[i] == POLICY_FIG_NEVER)
				sb_printf(sb, "%*s", w, "never");
			else
				sb_printf(sb, "%*ld", w, t->rows[k].v[i]);
		}
		sb_puts(sb, "\n");
	}
	if (t->nr_runs < 2)
		return;
	sb_printf(sb, "\ndifference against %s\n%-*s", r[0].label, lw, "");
	for (unsigned int i = 1; i < t->nr_runs; i++)
		sb_printf(sb, "%*s", w, r[i].label);
	sb_puts(sb, "\n");
	for (unsigned int k = 0; k < t->nr_rows; k++) {
		sb_printf(sb, "%-*s", lw, t->rows[k].label);
		for (unsigned int i = 1; i < t->nr_runs; i++) {
			long a = t->rows[k].v[0], b = t->rows[k].v[i];

			/* never against a number has no difference; never against never is none */
			if (a == POLICY_FIG_NEVER || b == POLICY_FIG_NEVER)
				sb_printf(sb, "%*s", w, a == b ? "+0" : "-");
			else
				sb_printf(sb, "%+*ld", w, b - a);
		}
		sb_puts(sb, "\n");
	}
}

static void json_str(struct sbuf *sb, const char *s)
{
	sb_puts(sb, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(sb, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sb_printf(sb, "\\u%04x", *s);
		else
			sb_printf(sb, "%c", *s);
	}
	sb_puts(sb, "\"");
}

/*
 * One family: "family" and each run's "policy", as before grids.  A grid:
 * "families" in axis order and each run's "policies" by family.
 */
void cmp_table_json(const struct cmp_table *t, const char *file, struct sbuf *sb)
{
	const struct cmp_grid *g = t->grid;
	bool one = g->nr_axes == 1;

	sb_puts(sb, "{\n  \"scenario\": ");
	json_str(sb, file);
	if (one) {
		sb_puts(sb, ",\n  \"family\": ");
		json_str(sb, g->axis[0].family->name);
	} else {
		sb_puts(sb, ",\n  \"families\": [");
		for (unsigned int a = 0; a < g->nr_axes; a++) {
			sb_puts(sb, a ? ", " : "");
			json_str(sb, g->axis[a].family->name);
		}
		sb_puts(sb, "]");
	}
	sb_puts(sb, ",\n  \"runs\": [\n");
	for (unsigned int i = 0; i < t->nr_runs; i++) {
		const struct cmp_run *r = &t->run[i];

		if (one) {
			sb_puts(sb, "    {\"policy\": ");
			json_str(sb, r->set.sel[0].policy->name);
		} else {
			sb_puts(sb, "    {\"policies\": {");
			for (unsigned int a = 0; a < r->set.n; a++) {
				sb_puts(sb, a ? ", " : "");
				json_str(sb, r->set.sel[a].family->name);
				sb_puts(sb, ": ");
				json_str(sb, r->set.sel[a].policy->name);
			}
			sb_puts(sb, "}");
		}
		sb_puts(sb, ", \"status\": ");
		json_str(sb, status_name(r->status));
		sb_puts(sb, ",\n     \"figures\": {");
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			sb_puts(sb, k ? ", " : "");
			json_str(sb, t->rows[k].label);
			if (t->rows[k].v[i] == POLICY_FIG_NEVER)
				sb_puts(sb, ": \"never\"");
			else
				sb_printf(sb, ": %ld", t->rows[k].v[i]);
		}
		sb_puts(sb, "},\n     \"difference\": {");
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			long a = t->rows[k].v[0], b = t->rows[k].v[i];

			sb_puts(sb, k ? ", " : "");
			json_str(sb, t->rows[k].label);
			if (a == POLICY_FIG_NEVER || b == POLICY_FIG_NEVER)
				sb_puts(sb, a == b ? ": 0" : ": null");
			else
				sb_printf(sb, ": %ld", b - a);
		}
		sb_printf(sb, "}}%s\n", i + 1 < t->nr_runs ? "," : "");
	}
	sb_puts(sb, "  ]\n}\n");
}

/* -------------------------------------------------------------------------
 * The command line
 */
static const char cmp_usage_text[] =
	"usage: mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]... "
	"[--format text|json] [--seed N] [--check|--no-check]\n";

static int cmp_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: compare: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(cmp_usage_text, stderr);
	return SCN_BAD_INPUT;
}

/* What the command line's run function needs: the parsed scenario, the options */
struct cmp_cli {
	const struct scn_script *s;
	struct scn_run_opts o;
};

/* Run the scenario with @set's picks; a run that does not end well says why on stderr */
static enum scn_status cli_run(void *priv, const struct policy_set *set,
			       void (*at_end)(void *arg, struct machine *m), void *arg)
{
	const struct cmp_cli *c = priv;
	struct scn_run_opts o = c->o;
	struct scn_result r;
	enum scn_status st;

	o.policies = set;
	o.at_end = at_end;
	o.at_end_arg = arg;
	scn_result_init(&r);
	st = scn_run(c->s, &o, &r);
	if (st != SCN_OK) {
		fputs("mmsim: compare: ", stderr);
		for (unsigned int i = 0; i < set->n; i++)
			fprintf(stderr, "%s%s=%s", i ? " " : "", set->sel[i].family->name,
				set->sel[i].policy->name);
		fputs(": ", stderr);
		fputs(r.err.len ? r.err.buf : "run failed\n", stderr);
	}
	scn_result_free(&r);
	return st;
}

/* "FAMILY=A,B,..." as the next axis of @g */
static int parse_axis(struct cmp_grid *g, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const struct policy_family *fam;
	struct cmp_axis *ax;
	int idx;

	if (!eq)
		return cmp_usage("--policy '%s': expected FAMILY=A,B,...", spec);
	fam = policy_family_find(spec, (size_t)(eq - spec));
	if (!fam) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
		return cmp_usage("--policy: unknown policy family '%s'", name);
	}
	idx = cmp_grid_add_family(g, fam);
	if (idx == -EEXIST)	/* the option scan catches it first: same message */
		return cmp_usage("%s", "--policy given twice: name every policy in one "
				 "--policy FAMILY=A,B,...");
	assert(idx >= 0);	/* no more axes than --policy options, checked by the scan */
	ax = &g->axis[idx];
	for (const char *p = eq + 1; *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		const struct policy *pol = policy_find(fam, p, n);

		if (!pol) {
			fprintf(stderr, "mmsim: compare: unknown %s policy '%.*s'\n", fam->name,
				(int)n, p);
			return SCN_BAD_INPUT;
		}
		if (cmp_axis_add(ax, pol))
			return cmp_usage("at most 16 policies, got more in '%s'", spec);
		p += n + (c ? 1 : 0);
	}
	if (!ax->nr)
		return cmp_usage("--policy '%s' names no policy", spec);
	return SCN_OK;
}

/* Length of the family name of "FAMILY=...", the whole spec without '=' */
static size_t spec_family_len(const char *spec)
{
	return strcspn(spec, "=");
}

int cmd_compare(int argc, char **argv)
{
	const char *file = NULL, *format = "text";
	const char *spec[CMP_MAX_AXES];
	unsigned int nr_specs = 0;
	struct cmp_cli cli = { 0 };
	struct cmp_grid grid = { 0 };
	struct scn_vars vars = { 0 };
	struct cmp_table t;
	struct scn_script *s;
	struct scn_diag d;
	struct sbuf out;
	int worst;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		/* --policy, --format, --seed and --set take "--opt VALUE" or "--opt=VALUE" */
		if (!strcmp(a, "--policy") || !strcmp(a, "--format") || !strcmp(a, "--seed") ||
		    !strcmp(a, "--set")) {
			if (i + 1 >= argc)
				return cmp_usage("%s needs a value", a);
			v = argv[++i];
		} else if (!strncmp(a, "--policy=", 9) || !strncmp(a, "--format=", 9) ||
			   !strncmp(a, "--seed=", 7) || !strncmp(a, "--set=", 6)) {
			v = strchr(a, '=') + 1;
		}
		if (v && !strncmp(a, "--set", 5)) {
			char err[512];

			if (!scn_vars_parse(&vars, v, err, sizeof(err)))
				return cmp_usage("--set: %s", err);
		} else if (v && !strncmp(a, "--policy", 8)) {
			size_t fl = spec_family_len(v);

			/* a family's picks go in one --policy: a second would be ambiguous */
			for (unsigned int j = 0; j < nr_specs; j++)
				if (spec_family_len(spec[j]) == fl && !memcmp(spec[j], v, fl))
					return cmp_usage("%s", "--policy given twice: name every policy "
							 "in one --policy FAMILY=A,B,...");
			if (nr_specs == CMP_MAX_AXES)
				return cmp_usage("%s", "at most 8 --policy options, one per family");
			spec[nr_specs++] = v;
		} else if (v && !strncmp(a, "--format", 8)) {
			format = v;
		} else if (v) {
			const char *why;
			uint64_t seed;

			if (!scn_parse_u64(v, &seed, &why))
				return cmp_usage("--seed: bad number '%s'", v);
			cli.o.seed = seed;
			cli.o.seed_set = true;
		} else if (!strcmp(a, "--check")) {
			cli.o.check = SCN_CHECK_STEPS;
		} else if (!strcmp(a, "--no-check")) {
			cli.o.check = SCN_CHECK_OFF;
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
	if (!nr_specs)
		return cmp_usage("%s", "missing --policy FAMILY=A,B,...");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cmp_usage("--format takes text or json, not '%s'", format);
	for (unsigned int i = 0; i < nr_specs; i++) {
		int rc = parse_axis(&grid, spec[i]);

		if (rc != SCN_OK)
			return rc;
	}
	if (cmp_grid_nr_runs(&grid) > CMP_MAX_RUNS) {
		char nr[24];

		snprintf(nr, sizeof(nr), "%" PRIu64, cmp_grid_nr_runs(&grid));
		return cmp_usage("at most 16 runs, the --policy options make %s", nr);
	}

	memset(&d, 0, sizeof(d));
	s = scn_parse_file_set(file, &vars, &d);
	if (!s) {
		struct sbuf sb;

		sb_init(&sb);
		scn_diag_format(&d, &sb);
		fputs(sb.buf ? sb.buf : "mmsim: cannot parse the scenario\n", stderr);
		sb_free(&sb);
		return SCN_BAD_INPUT;
	}
	cli.s = s;
	cli.o.quiet = true;
	cmp_table_build(&t, &grid, cli_run, &cli);
	scn_script_free(s);

	sb_init(&out);
	if (!strcmp(format, "json"))
		cmp_table_json(&t, file, &out);
	else
		cmp_table_text(&t, file, &out);
	fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	worst = (int)t.worst;
	cmp_table_free(&t);
	return worst;
}
