// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_compare.c - compare's core: the grid of policy picks, the table
 * filled from the machine at the end of each run, its text (80 columns)
 * and JSON, the fragmentation indices it prints, checked against values
 * worked out by hand, and the mixed pageblocks it counts.
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
#include "migrate.h"
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
/* h: like f, with one figure whose label is too long for a column next to it */
static long h_fig(struct machine *m, int nid)
{
	return m->hvo_stats.restored == 2 ? 12345678 : 7;
}

static const struct policy_figure h_figures[] = {
	{ "a figure whose label is longer than any the model has, to test the wrapping", h_fig,
	  false },
	{ NULL, NULL, false },
};
static const struct policy_family fam_h = {
	.name = "h", .summary = "fake family h",
	.policies = f_policies, .nr_policies = 2, .figures = h_figures,
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
	long free_pages[CMP_MAX_RUNS];	/* node 0's free pages (pcp too) when compare read them */
	unsigned long nr_free[CMP_MAX_RUNS][MAX_ORDER];	/* machine-wide free blocks */
	unsigned long dma32[CMP_MAX_RUNS][MAX_ORDER];	/* node 0 DMA32's */
	void (*prepare)(struct machine *m);		/* optional: before the read */
};

/*
 * g=z fails after the run (its figures are dropped); f=b g=y never gets a
 * machine (bad input, no figures); the rest are fine.  f=b allocates an
 * order-3 block so that the free lists differ between the picks.
 */
static enum scn_status fake_run(void *priv, const struct policy_set *set,
				void (*read)(void *arg, struct machine *m), void *arg)
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
		if (fam == &fam_f || fam == &fam_h)
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
	if (fr->prepare)
		fr->prepare(m);
	fr->free_pages[i] = 0;
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		const struct zone *z = &m->node[0].node_zones[zid];

		fr->free_pages[i] += z->vm_stat[NR_FREE_PAGES];
		for (int cpu = 0; z->pcp && cpu < m->nr_cpus; cpu++)
			fr->free_pages[i] += z->pcp[cpu].count;
	}
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		for (int nid = 0; nid < m->nr_nodes; nid++)
			for (int zid = 0; zid < MAX_NR_ZONES; zid++)
				fr->nr_free[i][o] += t_nr_free(m, nid, zid, o);
		fr->dma32[i][o] = t_nr_free(m, 0, ZONE_DMA32, o);
	}
	read(arg, m);
	machine_destroy(m);
	return st;
}

static const struct cmp_row *find_row(const struct cmp_table *t, const char *key)
{
	for (unsigned int k = 0; k < t->nr_rows; k++)
		if (!strcmp(t->rows[k].key, key))
			return &t->rows[k];
	return NULL;
}

static const struct cmp_row *row(const struct cmp_table *t, const char *key)
{
	const struct cmp_row *r = find_row(t, key);

	if (!r)
		fail_msg("no row '%s'", key);
	return r;
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

/* The text's lines, each no wider than @width */
static void assert_fits(const char *text, size_t width)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > width)
			fail_msg("line of %zu columns: %.*s", n, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
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

/* Keys are built from labels: lower case, other characters as one '_' */
static void test_key_words(void **state)
{
	char k[64];

	cmp_key_word(k, sizeof(k), "vmemmap PMDs with bytes marked 0xFD");
	assert_string_equal(k, "vmemmap_pmds_with_bytes_marked_0xfd");
	cmp_key_word(k, sizeof(k), "HugePages_Total");
	assert_string_equal(k, "hugepages_total");
	cmp_key_word(k, sizeof(k), "  wake-ups until PMD-mapped ");
	assert_string_equal(k, "wake_ups_until_pmd_mapped");
	cmp_key_word(k, sizeof(k), "hugetlb-mremap");
	assert_string_equal(k, "hugetlb_mremap");
	cmp_key_word(k, 6, "abcdefgh");
	assert_string_equal(k, "abcde");
}

/*
 * f=a,b by g=x,y,z: six runs, f outer, g inner; columns, picks, status and
 * every family's figures land where they belong, machine-wide rows first,
 * then per node, then per zone; runs that did not end well keep nothing.
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
	static const char *const first_keys[] = {
		"machine.hugepages", "machine.used_pages_outside_hugetlb",
		"machine.net_saved_pages", "machine.free_pages",
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
	assert_false(t.identical);
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
		/* only the runs that ended well keep figures; those had a machine's seed */
		assert_int_equal(r->read, status[i] == SCN_OK);
		assert_int_equal(r->nr_figs == 0, status[i] != SCN_OK);
		assert_int_equal(r->seed_known, i != 4);
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(first_keys); i++)
		assert_string_equal(t.rows[k++].key, first_keys[i]);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		char want[64];

		snprintf(want, sizeof(want), "machine.free_blocks.order%u", o);
		assert_string_equal(t.rows[k].key, want);
		snprintf(want, sizeof(want), "machine: free blocks order %u", o);
		assert_string_equal(t.rows[k++].label, want);
	}
	assert_string_equal(t.rows[k].key, "f.f_pick");
	assert_string_equal(t.rows[k++].label, "machine: f pick");
	assert_string_equal(t.rows[k++].key, "g.g_pick");
	assert_string_equal(t.rows[k].key, "node0.hugepages");
	assert_string_equal(t.rows[k++].label, "node 0: hugepages, all sizes");
	assert_string_equal(row(&t, "node1.g.g_mark")->label, "node 1: g mark");
	assert_string_equal(row(&t, "node0.dma32.unusable_index.order9")->label,
			    "node 0 DMA32: unusable index order 9");
	assert_int_equal(row(&t, "node0.dma32.extfrag_index.order9")->kind, CMP_INDEX);
	assert_string_equal(row(&t, "node1.dma32.mixed_pageblocks.highatomic")->label,
			    "node 1 DMA32: mixed pageblocks HighAtomic");
	assert_null(find_row(&t, "node0.normal.free_blocks.order0"));	/* not populated */
	/* the per-zone rows come after every per-node one */
	assert_true(row(&t, "node1.g.g_mark") < row(&t, "node0.dma32.free_blocks.order0"));

	for (unsigned int i = 0; i < 6; i++) {
		long f = (long)(i / 3 + 1), gp = (long)(i % 3 + 1);
		bool have = status[i] == SCN_OK;

		assert_int_equal(row(&t, "f.f_pick")->have[i], have);
		assert_int_equal(row(&t, "node1.g.g_mark")->have[i], have);
		if (!have)
			continue;
		assert_int_equal(row(&t, "f.f_pick")->v[i], f);
		assert_int_equal(row(&t, "g.g_pick")->v[i], gp);
		assert_int_equal(row(&t, "node0.g.g_mark")->v[i], gp * 100);
		assert_int_equal(row(&t, "node1.g.g_mark")->v[i], gp * 100 + 1);
		/* compare's own figures are the model's numbers */
		assert_int_equal(row(&t, "node0.free_pages")->v[i], fr.free_pages[i]);
		assert_int_equal(row(&t, "machine.free_blocks.order3")->v[i],
				 (long)fr.nr_free[i][3]);
		assert_int_equal(row(&t, "node0.dma32.free_blocks.order3")->v[i],
				 (long)fr.dma32[i][3]);
		assert_int_equal(row(&t, "node0.dma32.unusable_index.order9")->v[i],
				 unusable_free_index_blocks(fr.dma32[i], 9));
		assert_int_equal(row(&t, "node0.dma32.extfrag_index.order2")->v[i],
				 fragmentation_index_blocks(fr.dma32[i], 2));
	}
	/*
	 * f=b took an order-3 block: 8 pages more in use than under f=a, so it
	 * costs 8 pages against run 0, on node 0 and on the machine
	 */
	assert_true(memcmp(fr.nr_free[0], fr.nr_free[3], sizeof(fr.nr_free[0])) != 0);
	assert_int_equal(row(&t, "node0.free_pages")->v[3], row(&t, "node0.free_pages")->v[0] - 8);
	assert_int_equal(row(&t, "node0.net_saved_pages")->v[0], 0);
	assert_int_equal(row(&t, "node0.net_saved_pages")->v[3], -8);
	assert_int_equal(row(&t, "machine.net_saved_pages")->v[3], -8);
	assert_int_equal(row(&t, "node1.net_saved_pages")->v[3], 0);
	assert_string_equal(row(&t, "node0.net_saved_pages")->label,
			    "node 0: pages saved against run 0");
	cmp_table_free(&t);
}

/* The text: header with every axis, run legend, columns with percentages */
static void test_grid_text_and_json(void **state)
{
	struct fake_runs fr = { .nodes = 2 };
	struct cmp_grid g;
	struct cmp_table t;
	struct sbuf sb;

	grid_fg(&g);
	cmp_table_build(&t, &g, fake_run, &fr);
	sb_init(&sb);
	cmp_table_text(&t, "t.scn", NULL, &sb);
	assert_true(!strncmp(sb.buf, "mmsim compare t.scn, f=a,b g=x,y,z\n"
				     "figures at the end of each run\n", 66));
	assert_non_null(strstr(sb.buf, "\nrun 0  a/x                  ok        baseline\n"
				       "run 1  a/y                  ok\n"
				       "run 2  a/z                  failed    no figures\n"
				       "run 3  b/x                  ok\n"
				       "run 4  b/y                  bad-input no figures\n"));
	/*
	 * two groups of columns; f pick 1 -> 2 is +100%, g mark 101 -> 201
	 * +99.01%, a run without figures prints -
	 */
	assert_non_null(strstr(sb.buf, "\n                                          a/x"
				       "               a/y  a/z\n"));
	assert_non_null(strstr(sb.buf, "\nmachine: f pick                             1"
				       "      1 (   0.00%)    -\n"));
	assert_non_null(strstr(sb.buf, "\nnode 1: g mark                            101"
				       "    201 (  99.01%)    -\n"));
	assert_non_null(strstr(sb.buf, "\n                                                     b/x"
				       "  b/y  b/z\n"));
	assert_non_null(strstr(sb.buf, "\nmachine: f pick                             2 ( 100.00%)"
				       "    -    -\n"));
	assert_non_null(strstr(sb.buf, "\nnode 0 DMA32: unusable index order 9    0.121 (  55.13%)"
				       "    -    -\n"));
	assert_non_null(strstr(sb.buf, "figures the same in every run not shown (--all shows them)\n"));
	/* b/x took 8 pages: spelled out */
	assert_non_null(strstr(sb.buf, "\nrun 3 b/x\n  machine  costs 8 pages, 0.03 MiB\n"
				       "  node 0   costs 8 pages, 0.03 MiB\n  node 1   the same\n"));
	assert_non_null(strstr(sb.buf, "\nrun 1 a/y: the same everywhere\n"));
	assert_non_null(strstr(sb.buf, "\nrun 2 a/z: no figures, the run failed\n"));
	assert_non_null(strstr(sb.buf, "\nrun 4 b/y: no figures, the run had bad input\n"));
	assert_fits(sb.buf, 80);
	sb_free(&sb);

	sb_init(&sb);
	cmp_table_json(&t, "t.scn", &sb);
	{
		static const char start[] =
			"{\n  \"schema\": \"mmsim-compare/2\",\n  \"scenario\": \"t.scn\",\n"
			"  \"families\": [\"f\", \"g\"],\n  \"at\": {\"point\": \"end\"},\n"
			"  \"identical\": false,\n  \"runs\": [\n"
			"    {\"policies\": {\"f\": \"a\", \"g\": \"x\"}, \"label\": \"a/x\", "
			"\"status\": \"ok\",\n";

		assert_true(!strncmp(sb.buf, start, sizeof(start) - 1));
	}
	assert_non_null(strstr(sb.buf, "{\"policies\": {\"f\": \"b\", \"g\": \"y\"}, \"label\": \"b/y\", "
				       "\"status\": \"bad-input\",\n     \"seed\": null, "));
	assert_non_null(strstr(sb.buf, "\"status\": \"failed\",\n     \"seed\": 1, "
				       "\"mmsim_version\": \"" MMSIM_VERSION "\", \"git_revision\": \""));
	/* a run without figures has an empty mapping and no differences */
	assert_non_null(strstr(sb.buf, "\n     \"figures\": {},\n     \"difference\": {}}"));
	assert_non_null(strstr(sb.buf, "\"f.f_pick\": 2, \"g.g_pick\": 1, "));
	assert_non_null(strstr(sb.buf, "\n    \"node0.dma32.unusable_index.order9\": {\"label\": "
				       "\"node 0 DMA32: unusable index order 9\", \"unit\": "
				       "\"index_x1000\"},\n"));
	assert_null(strstr(sb.buf, "\"family\""));
	sb_free(&sb);
	cmp_table_free(&t);
}

/*
 * Seven runs fit 80 columns in groups, each column with its difference
 * against run 0; a narrower width makes more groups, and a label too long
 * for the width goes on a line of its own.
 */
static void test_text_fits_in_groups(void **state)
{
	struct fake_runs fr = { .nodes = 1 };
	struct cmp_text_opts o = { .width = 80 };
	struct cmp_grid g;
	struct cmp_table t;
	struct sbuf sb;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_h), 0);
	for (unsigned int i = 0; i < 7; i++)
		assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[i % 2]), 0);
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_int_equal(t.nr_runs, 7);
	sb_init(&sb);
	cmp_table_text(&t, "t.scn", &o, &sb);
	assert_fits(sb.buf, 80);
	/* the long label on its own line, the values under it */
	assert_non_null(strstr(sb.buf, "\nmachine: a figure whose label is longer than any the model "
				       "has, to test the\nwrapping\n"));
	assert_non_null(strstr(sb.buf, "12345678 (176366728.57%)"));
	sb_free(&sb);

	o.width = 60;
	o.all = true;
	sb_init(&sb);
	cmp_table_text(&t, "t.scn", &o, &sb);
	assert_fits(sb.buf, 60);
	assert_null(strstr(sb.buf, "not shown"));
	assert_non_null(strstr(sb.buf, "node 0 DMA32: pageblocks Isolate"));
	sb_free(&sb);
	cmp_table_free(&t);
}

/*
 * One axis: "family"/"policy" in JSON; a single run prints every figure
 * (nothing to compare it with) and no memory section.
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
	assert_false(t.identical);		/* one run: nothing to be identical to */
	assert_null(find_row(&t, "f.f_pick"));
	assert_int_equal(row(&t, "g.g_pick")->v[0], 2);
	assert_int_equal(row(&t, "node0.g.g_mark")->v[0], 200);

	sb_init(&sb);
	cmp_table_text(&t, "t.scn", NULL, &sb);
	assert_true(!strncmp(sb.buf, "mmsim compare t.scn, g=y\n", 25));
	assert_null(strstr(sb.buf, "not shown"));
	assert_null(strstr(sb.buf, "Memory saved"));
	assert_non_null(strstr(sb.buf, "\nnode 0 DMA32: pageblocks Unmovable "));
	sb_free(&sb);
	sb_init(&sb);
	cmp_table_json(&t, "t.scn", &sb);
	assert_non_null(strstr(sb.buf, "\n  \"family\": \"g\",\n"));
	assert_non_null(strstr(sb.buf, "\n    {\"policy\": \"y\", \"label\": \"y\", \"status\": \"ok\",\n"));
	sb_free(&sb);
	cmp_table_free(&t);
}

/* Runs that only differ in nothing: identical; --figures keeps the rows asked for */
static void test_identical_and_select(void **state)
{
	static const char *const pick[] = { "node0.dma32.free_blocks.order1", "machine: f p" };
	static const char *const none[] = { "machine.hugepages", "nope" };
	struct fake_runs fr = { .nodes = 1 };
	struct cmp_grid g;
	struct cmp_table t;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_f), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[0]), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[0]), 0);
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_true(t.identical);
	assert_int_equal(cmp_table_select(&t, none, 2), 1);	/* "nope" matches nothing */
	assert_int_equal(cmp_table_select(&t, pick, 2), -1);
	assert_int_equal(t.nr_rows, 3);
	assert_string_equal(t.rows[0].key, "f.f_pick");		/* by label */
	assert_string_equal(t.rows[1].key, "node0.dma32.free_blocks.order1");
	assert_string_equal(t.rows[2].key, "node0.dma32.free_blocks.order10");
	cmp_table_free(&t);

	/* a failed run is not "identical" to anything: one run with figures left */
	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_g), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &g_policies[0]), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &g_policies[2]), 0);
	fr.nr = 0;
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_false(t.identical);
	cmp_table_free(&t);
}

/*
 * The debugfs indices from free block counts, worked out by hand.  With F
 * free pages in B blocks, S of them (in units of the requested order o)
 * big enough:
 *   unusable index = (F - S * 2^o) / F       (1.000 when F == 0)
 *   extfrag index  = 1 - (1 + F / 2^o) / B   (0 when B == 0, -1 when S > 0)
 * both x1000 with integer division, as mm/vmstat.c.
 */
static void test_indices_by_hand(void **state)
{
	/*
	 *   order 0: [.][.][.][.][.][.][.][.][.][.]   10 blocks
	 *   order 3: [........] x 5                   5 blocks
	 * F = 10 + 40 = 50 pages, B = 15 blocks
	 */
	static const unsigned long a[MAX_ORDER] = { [0] = 10, [3] = 5 };
	/*
	 *   order 0: [.][.][.]     3 blocks
	 *   order 2: [....]        1 block
	 * F = 7, B = 4
	 */
	static const unsigned long c[MAX_ORDER] = { [0] = 3, [2] = 1 };
	/*   order 10: [1024 pages]   one block: F = 1024, B = 1 */
	static const unsigned long d[MAX_ORDER] = { [10] = 1 };
	static const unsigned long empty[MAX_ORDER] = { 0 };

	/* a: every page is usable for order 0 */
	assert_int_equal(unusable_free_index_blocks(a, 0), 0);
	/* a, order 1..3: the five order-3 blocks (40 pages) serve; 10 of 50 do not: 0.200 */
	assert_int_equal(unusable_free_index_blocks(a, 1), 200);
	assert_int_equal(unusable_free_index_blocks(a, 3), 200);
	/* a, order 4: nothing that big: 1.000 */
	assert_int_equal(unusable_free_index_blocks(a, 4), 1000);
	/* a, order 3: a block is big enough, the request would not fail: -1.000 */
	assert_int_equal(fragmentation_index_blocks(a, 3), -1000);
	/* a, order 4: 1000 - (1000 + 50000/16) / 15 = 1000 - 4125/15 = 1000 - 275 */
	assert_int_equal(fragmentation_index_blocks(a, 4), 725);
	/* a, order 10: 50000/1024 = 48; 1000 - 1048/15 = 1000 - 69 */
	assert_int_equal(fragmentation_index_blocks(a, 10), 931);

	/* c, order 1 and 2: the order-2 block's 4 pages of 7 serve: 3/7 = 0.428 */
	assert_int_equal(unusable_free_index_blocks(c, 1), 428);
	assert_int_equal(unusable_free_index_blocks(c, 2), 428);
	/* c, order 3: 1000 - (1000 + 7000/8) / 4 = 1000 - 1875/4 = 1000 - 468 */
	assert_int_equal(fragmentation_index_blocks(c, 3), 532);
	assert_int_equal(fragmentation_index_blocks(c, 2), -1000);

	/* d: one order-10 block serves everything */
	assert_int_equal(unusable_free_index_blocks(d, 10), 0);
	assert_int_equal(fragmentation_index_blocks(d, 10), -1000);
	assert_int_equal(fragmentation_index_blocks(d, 0), -1000);

	/* nothing free: all of it (nothing) is unusable; no blocks, no fragmentation */
	assert_int_equal(unusable_free_index_blocks(empty, 0), 1000);
	assert_int_equal(fragmentation_index_blocks(empty, 5), 0);
}

/* The count-based indices agree with the ones read off a zone */
static void test_indices_match_the_zone_ones(void **state)
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
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			assert_int_equal(fragmentation_index_blocks(counts[c], o),
					 fragmentation_index(&z, o));
	}
}

/*
 * Mixed pageblocks: a kernel page in a block marked Movable, and a user
 * page (the runner's movable data) in a block marked Unmovable, each make
 * their block mixed; on a fresh machine no block is.
 */
static void mix_blocks(struct machine *m)
{
	unsigned long k = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	unsigned long u = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE, 0);

	assert_true(k != PFN_NONE && u != PFN_NONE);
	assert_true(mm_mark_movable_data(m, u, 0));
	assert_true(k / pageblock_nr_pages != u / pageblock_nr_pages);
	assert_int_equal(page_zonenum(m, k), ZONE_DMA32);
	assert_int_equal(page_zonenum(m, u), ZONE_DMA32);
	set_pageblock_migratetype(m, k, MIGRATE_MOVABLE);
	set_pageblock_migratetype(m, u, MIGRATE_UNMOVABLE);
}

static void test_mixed_pageblocks(void **state)
{
	struct fake_runs fr = { .nodes = 1 };
	struct cmp_grid g;
	struct cmp_table t;

	memset(&g, 0, sizeof(g));
	assert_int_equal(cmp_grid_add_family(&g, &fam_f), 0);
	assert_int_equal(cmp_axis_add(&g.axis[0], &f_policies[0]), 0);
	cmp_table_build(&t, &g, fake_run, &fr);
	for (unsigned int k = 0; k < t.nr_rows; k++)
		if (strstr(t.rows[k].key, ".mixed_pageblocks."))
			assert_int_equal(t.rows[k].v[0], 0);
	cmp_table_free(&t);

	fr.nr = 0;
	fr.prepare = mix_blocks;
	cmp_table_build(&t, &g, fake_run, &fr);
	assert_int_equal(row(&t, "node0.dma32.mixed_pageblocks.movable")->v[0], 1);
	assert_int_equal(row(&t, "node0.dma32.mixed_pageblocks.unmovable")->v[0], 1);
	assert_int_equal(row(&t, "node0.dma32.mixed_pageblocks.reclaimable")->v[0], 0);
	cmp_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_rules),
		cmocka_unit_test(test_key_words),
		cmocka_unit_test(test_grid_table),
		cmocka_unit_test(test_grid_text_and_json),
		cmocka_unit_test(test_text_fits_in_groups),
		cmocka_unit_test(test_one_family),
		cmocka_unit_test(test_identical_and_select),
		cmocka_unit_test(test_indices_by_hand),
		cmocka_unit_test(test_indices_match_the_zone_ones),
		cmocka_unit_test(test_mixed_pageblocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
