// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_compare.c - compare's core: the grid of policy picks, the table
 * filled from the machine at the end of each run, and its text and JSON.
 *
 * The registry holds one family (hvo), so the grid is tested with two
 * families that exist only in this file, "f" (picks a b) and "g" (x y z),
 * each with its own figures, and a run function that boots a small
 * machine, applies the picks through the families' apply hooks and hands
 * the machine to compare.  Picks leave marks the fake figures read back,
 * so a value in the wrong column or row shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "testlib.h"
#include "compaction.h"
#include "compare.h"
#include "policy.h"

/* -------------------------------------------------------------------------
 * The fake families
 */
static const struct policy f_policies[] = {
	{ .name = "a", .summary = "f's first" },
	{ .name = "b", .summary = "f's second" },
};
static const struct policy g_policies[] = {
	{ .name = "x", .summary = "g's first" },
	{ .name = "y", .summary = "g's second" },
	{ .name = "z", .summary = "g's third" },
};

/*
 * The fake families have no mechanism: the run function marks each pick
 * (1, 2, ...) in a counter nothing else here reads, f's in
 * hvo_stats.restored and g's in hvo_stats.pmd_splits.
 */

static long f_fig_pick(struct machine *m, int nid)
{
	return (long)m->hvo_stats.restored;
}

static long g_fig_pick(struct machine *m, int nid)
{
	return (long)m->hvo_stats.pmd_splits;
}

/* Per node: the pick and the node, so a value on the wrong node shows */
static long g_fig_node(struct machine *m, int nid)
{
	assert_true(nid >= 0 && nid < m->nr_nodes);
	return (long)m->hvo_stats.pmd_splits * 100 + nid;
}

static const struct policy_figure f_figures[] = {
	{ "f pick", f_fig_pick, false },
	{ NULL, NULL, false },
};
static const struct policy_figure g_figures[] = {
	{ "g pick", g_fig_pick, false },
	{ "g mark", g_fig_node, true },
	{ NULL, NULL, false },
};

static const struct policy_family fam_f = {
	.name = "f", .summary = "fake family f",
	.policies = f_policies, .nr_policies = 2, .figures = f_figures,
};
static const struct policy_family fam_g = {
	.name = "g", .summary = "fake family g",
	.policies = g_policies, .nr_policies = 3, .figures = g_figures,
};

/* -------------------------------------------------------------------------
 * The run function: what the test saw of each call
 */
struct fake_runs {
	int nodes;
	unsigned int nr;
	char seen[CMP_MAX_RUNS][16];	/* "f=a g=x": the picks of each call, in order */
	long free_pages[CMP_MAX_RUNS];	/* node 0's free pages when compare read them */
	unsigned long nr_free[CMP_MAX_RUNS][MAX_ORDER];	/* machine-wide free blocks */
};

/*
 * g=z fails after the run (its figures are read); f=b g=y never gets a
 * machine (bad input, no figures); the rest are fine.  f=b allocates an
 * order-3 block so that the free lists differ between the picks.
 */
static enum scn_status fake_run(void *priv, const struct policy_set *set,
				void (*at_end)(void *arg, struct machine *m), void *arg)
{
	struct fake_runs *fr = priv;
	const struct policy *pf = NULL, *pg = NULL;
	enum scn_status st = SCN_OK;
	unsigned int i = fr->nr++;
	struct machine *m;
	size_t used = 0;

	assert_true(i < CMP_MAX_RUNS);
	for (unsigned int k = 0; k < set->n; k++) {
		const struct policy_family *fam = set->sel[k].family;

		used += (size_t)snprintf(fr->seen[i] + used, sizeof(fr->seen[i]) - used, "%s%s=%s",
					 k ? " " : "", fam->name, set->sel[k].policy->name);
		if (fam == &fam_f)
			pf = set->sel[k].policy;
		if (fam == &fam_g)
			pg = set->sel[k].policy;
	}
	if (pf == &f_policies[1] && pg == &g_policies[1])
		return SCN_BAD_INPUT;
	m = t_machine(fr->nodes, 64, 1);
	if (pf)
		m->hvo_stats.restored = (unsigned long)(pf - f_policies) + 1;
	if (pg)
		m->hvo_stats.pmd_splits = (unsigned long)(pg - g_policies) + 1;
	if (pf == &f_policies[1])
		assert_true(alloc_pages_node(m, 0, GFP_KERNEL, 3) != PFN_NONE);
	if (pg == &g_policies[2])
		st = SCN_FAILED;
	fr->free_pages[i] = 0;
	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		fr->free_pages[i] += m->node[0].node_zones[zid].vm_stat[NR_FREE_PAGES];
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int nid = 0; nid < m->nr_nodes; nid++)
			for (int zid = 0; zid < MAX_NR_ZONES; zid++)
				fr->nr_free[i][o] += t_nr_free(m, nid, zid, o);
	at_end(arg, m);
	machine_destroy(m);
	return st;
}

static const struct cmp_row *row(const struct cmp_table *t, const char *label)
{
	for (unsigned int k = 0; k < t->nr_rows; k++)
		if (!strcmp(t->rows[k].label, label))
			return &t->rows[k];
	fail_msg("no row '%s'", label);
	return NULL;
}

static void grid_fg(struct cmp_grid *g)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(cmp_grid_add_family(g, &fam_f), 0);
	assert_int_equal(cmp_grid_add_family(g, &fam_g), 1);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(cmp_axis_add(&g->axis[0], &f_policies[i]), 0);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(cmp_axis_add(&g->axis[1], &g_policies[i]), 0);
}

/* -------------------------------------------------------------------------
 * Tests
 */

/* A family is an axis once; at most CMP_MAX_AXES axes and CMP_MAX_RUNS picks */
static void test_grid_rules(void **state)
{
	static struct policy_family many[CMP_MAX_AXES + 1];
	struct cmp_grid g;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_nr_runs(&g), 0);
	assert_int_equal(cmp_grid_add_family(&g, &fam_f), 0);
	assert_int_equal(cmp_grid_nr_runs(&g), 0);	/* an axis without picks */
	assert_int_equal(cmp_grid_add_family(&g, &fam_f), -EEXIST);
	assert_int_equal(g.nr_axes, 1);
	for (unsigned int i = 0; i < CMP_MAX_RUNS; i++)
		assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[i % 2]), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[0]), -E2BIG);
	assert_int_equal(cmp_grid_nr_runs(&g), CMP_MAX_RUNS);
	assert_int_equal(cmp_grid_add_family(&g, &fam_g), 1);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(cmp_axis_add(&g.axis[1], &g_policies[i]), 0);
	assert_int_equal(cmp_grid_nr_runs(&g), 3 * CMP_MAX_RUNS);

	memset(&g, 0, sizeof(g));
	for (unsigned int i = 0; i < CMP_MAX_AXES; i++)
		assert_int_equal(cmp_grid_add_family(&g, &many[i]), (int)i);
	assert_int_equal(cmp_grid_add_family(&g, &many[CMP_MAX_AXES]), -E2BIG);
}

/*
 * f=a,b by g=x,y,z: six runs, f outer, g inner; columns, picks, status and
 * every family's figures land where they belong, with compare's own
 * figures first and the per-node rows after the machine-wide ones.
 */
static void test_grid_table(void **state)
{
	static const char *const labels[] = { "a/x", "a/y", "a/z", "b/x", "b/y", "b/z" };
	static const char *const seen[] = {
		"f=a g=x", "f=a g=y", "f=a g=z", "f=b g=x", "f=b g=y", "f=b g=z",
	};
	static const enum scn_status status[] = {
		SCN_OK, SCN_OK, SCN_FAILED, SCN_OK, SCN_BAD_INPUT, SCN_FAILED,
	};
	struct fake_runs fr = { .nodes = 2 };
	struct cmp_grid g;
	struct cmp_table t;
	unsigned int k = 0;

	grid_fg(&g);
	assert_int_equal(cmp_grid_nr_runs(&g), 6);
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_int_equal(t.nr_runs, 6);
	assert_int_equal(fr.nr, 6);
	assert_int_equal(t.worst, SCN_BAD_INPUT);
	for (unsigned int i = 0; i < 6; i++) {
		const struct cmp_run *r = &t.run[i];

		assert_string_equal(r->label, labels[i]);
		assert_int_equal(r->status, status[i]);
		assert_int_equal(r->set.n, 2);
		assert_ptr_equal(r->set.sel[0].family, &fam_f);
		assert_ptr_equal(r->set.sel[0].policy, &f_policies[i / 3]);
		assert_ptr_equal(r->set.sel[1].family, &fam_g);
		assert_ptr_equal(r->set.sel[1].policy, &g_policies[i % 3]);
		/* the run function saw the same picks, in this order */
		assert_string_equal(fr.seen[i], seen[i]);
		/* run 4 never got a machine: no nodes */
		assert_int_equal(r->nr_nodes, i == 4 ? 0 : 2);
	}

	/* rows: compare's machine-wide, f's, g's, then per node own and g's */
	assert_int_equal(t.nr_rows, 13 + 1 + 1 + 2 * (4 + 1));
	assert_string_equal(t.rows[k++].label, "hugepages");
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		char want[32];

		snprintf(want, sizeof(want), "free blocks order %u", o);
		assert_string_equal(t.rows[k++].label, want);
	}
	assert_string_equal(t.rows[k++].label, "unusable index o9 (x1000)");
	assert_string_equal(t.rows[k++].label, "f pick");
	assert_string_equal(t.rows[k++].label, "g pick");
	for (int nid = 0; nid < 2; nid++) {
		static const char *const node_rows[] = {
			"hugepages", "free pages", "memmap pages", "boot memmap pages", "g mark",
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(node_rows); i++) {
			char want[64];

			snprintf(want, sizeof(want), "node %d %s", nid, node_rows[i]);
			assert_string_equal(t.rows[k++].label, want);
		}
	}

	for (unsigned int i = 0; i < 6; i++) {
		long f = i == 4 ? 0 : (long)(i / 3 + 1), gp = i == 4 ? 0 : (long)(i % 3 + 1);

		assert_int_equal(row(&t, "f pick")->v[i], f);
		assert_int_equal(row(&t, "g pick")->v[i], gp);
		assert_int_equal(row(&t, "node 0 g mark")->v[i], i == 4 ? 0 : gp * 100);
		assert_int_equal(row(&t, "node 1 g mark")->v[i], i == 4 ? 0 : gp * 100 + 1);
		if (i == 4)
			continue;
		/* compare's own figures are the model's numbers */
		assert_int_equal(row(&t, "node 0 free pages")->v[i], fr.free_pages[i]);
		assert_int_equal(row(&t, "free blocks order 3")->v[i], (long)fr.nr_free[i][3]);
		assert_int_equal(row(&t, "unusable index o9 (x1000)")->v[i],
				 unusable_free_index_blocks(fr.nr_free[i], 9));
	}
	/* f=b took an order-3 block: the free lists differ from f=a's */
	assert_true(memcmp(fr.nr_free[0], fr.nr_free[3], sizeof(fr.nr_free[0])) != 0);
	assert_true(row(&t, "node 0 free pages")->v[3] < row(&t, "node 0 free pages")->v[0]);
	cmp_table_free(&t);
}

/* The text: header with every axis, combination columns, difference against a/x */
static void test_grid_text_and_json(void **state)
{
	struct fake_runs fr = { .nodes = 2 };
	struct cmp_grid g;
	struct cmp_table t;
	struct sbuf sb;

	grid_fg(&g);
	cmp_table_build(&t, &g, fake_run, &fr);
	sb_init(&sb);
	cmp_table_text(&t, "t.scn", &sb);
	assert_true(!strncmp(sb.buf, "mmsim compare t.scn, f=a,b g=x,y,z\n\n", 36));
	assert_non_null(strstr(sb.buf, "\n                                     a/x         a/y         a/z"
				       "         b/x         b/y         b/z\n"
				       "run                                   ok          ok      failed"
				       "          ok   bad-input      failed\n"));
	assert_non_null(strstr(sb.buf, "\nf pick                                 1           1           1"
				       "           2           0           2\n"));
	assert_non_null(strstr(sb.buf, "\ndifference against a/x\n"));
	assert_non_null(strstr(sb.buf, "\nnode 1 g mark                       +100        +200"
				       "          +0        -101        +200\n"));
	sb_free(&sb);

	sb_init(&sb);
	cmp_table_json(&t, "t.scn", &sb);
	assert_true(!strncmp(sb.buf, "{\n  \"scenario\": \"t.scn\",\n  \"families\": [\"f\", \"g\"],\n"
				     "  \"runs\": [\n    {\"policies\": {\"f\": \"a\", \"g\": \"x\"}, "
				     "\"status\": \"ok\",\n", 117));
	assert_non_null(strstr(sb.buf, "{\"policies\": {\"f\": \"b\", \"g\": \"y\"}, "
				       "\"status\": \"bad-input\",\n"));
	assert_non_null(strstr(sb.buf, "\"f pick\": 2, \"g pick\": 3, "));
	assert_null(strstr(sb.buf, "\"family\""));
	sb_free(&sb);
	cmp_table_free(&t);
}

/*
 * One axis: the family's figures only, "family"/"policy" in JSON, and a
 * single run prints no difference section.
 */
static void test_one_family(void **state)
{
	struct fake_runs fr = { .nodes = 1 };
	struct cmp_grid g;
	struct cmp_table t;
	struct sbuf sb;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_g), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &g_policies[1]), 0);
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_int_equal(t.nr_runs, 1);
	assert_int_equal(t.worst, SCN_OK);
	assert_int_equal(t.nr_rows, 13 + 1 + 1 * (4 + 1));
	for (unsigned int k = 0; k < t.nr_rows; k++)
		assert_null(strstr(t.rows[k].label, "f pick"));
	assert_int_equal(row(&t, "g pick")->v[0], 2);
	assert_int_equal(row(&t, "node 0 g mark")->v[0], 200);

	sb_init(&sb);
	cmp_table_text(&t, "t.scn", &sb);
	assert_true(!strncmp(sb.buf, "mmsim compare t.scn, g=y\n\n", 26));
	assert_null(strstr(sb.buf, "difference"));
	sb_free(&sb);
	sb_init(&sb);
	cmp_table_json(&t, "t.scn", &sb);
	assert_true(!strncmp(sb.buf, "{\n  \"scenario\": \"t.scn\",\n  \"family\": \"g\",\n"
				     "  \"runs\": [\n    {\"policy\": \"y\", \"status\": \"ok\",\n", 90));
	sb_free(&sb);
	cmp_table_free(&t);
}

/* A label longer than the usual label column widens the column for every row */
static long h_fig(struct machine *m, int nid)
{
	return 7;
}

static void test_long_label_widens_the_label_column(void **state)
{
	static const struct policy_figure h_figures[] = {
		{ "a figure whose label is forty characters", h_fig, false },
		{ NULL, NULL, false },
	};
	const struct policy_family fam_h = {
		.name = "h", .policies = f_policies, .nr_policies = 2,
		.figures = h_figures,
	};
	struct fake_runs fr = { .nodes = 1 };
	struct cmp_grid g;
	struct cmp_table t;
	struct sbuf sb;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_h), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[0]), 0);
	cmp_table_build(&t, &g, fake_run, &fr);
	sb_init(&sb);
	cmp_table_text(&t, "t.scn", &sb);
	assert_non_null(strstr(sb.buf, "\na figure whose label is forty characters            7\n"));
	assert_non_null(strstr(sb.buf, "\nhugepages                                           0\n"));
	sb_free(&sb);
	cmp_table_free(&t);
}

/* The machine-wide unusable index is the debugfs computation on summed counts */
static void test_unusable_index_from_counts(void **state)
{
	static const unsigned long counts[][MAX_ORDER] = {
		{ 0 },
		{ 10, 0, 0, 5 },
		{ 100 },
		{ 3, 0, 1 },
		{ 7, 1, 0, 2, 0, 0, 0, 0, 0, 3, 12 },
	};
	struct zone z;

	for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
		memset(&z, 0, sizeof(z));
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			z.free_area[o].nr_free = counts[c][o];
		for (unsigned int o = 0; o <= MAX_ORDER; o++)
			assert_int_equal(unusable_free_index_blocks(counts[c], o),
					 unusable_free_index(&z, o));
	}
	/* 10 x order 0 and 5 x order 3: 40 of 50 pages in blocks of order >= 1 */
	assert_int_equal(unusable_free_index_blocks(counts[1], 1), 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_rules),
		cmocka_unit_test(test_grid_table),
		cmocka_unit_test(test_grid_text_and_json),
		cmocka_unit_test(test_one_family),
		cmocka_unit_test(test_long_label_widens_the_label_column),
		cmocka_unit_test(test_unusable_index_from_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
