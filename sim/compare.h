/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compare.h - `mmsim compare`: one scenario, several policies, one table.
 *
 * cmd_compare is the command line over a core the tests call directly:
 *
 *   struct cmp_grid    the families varied (axes) and the picks of each;
 *                      the runs are every combination, first axis outermost
 *   cmp_table_build    runs each combination through a run function the
 *                      caller gives (the command line's runs the scenario
 *                      with scn_run) and reads every figure from the
 *                      machine at the end of the run or at a snapshot
 *   cmp_table_select   --figures: the rows whose key or label starts so
 *   cmp_table_text/json  the table, with the difference against run 0;
 *                      the text fits 80 columns, runs in groups of columns
 *
 * The figures are compare's own, per machine, per node and per zone (free
 * blocks, the unusable and extfrag indices, pageblocks per migratetype and
 * mixed ones, hugepages, the memory used outside hugetlb pages and what a
 * policy saves against run 0) and those each varied family declares
 * (policy_family.figures); docs/compare.md lists them.  Nothing here is
 * global: tests build grids of families that are not in the registry.
 */
#ifndef MMSIM_COMPARE_H
#define MMSIM_COMPARE_H

#include <stdint.h>

#include "policy.h"
#include "sbuf.h"
#include "scn.h"

#define CMP_MAX_RUNS	16	/* combinations in one table */
#define CMP_MAX_AXES	8	/* families varied at once */

/* One family varied, with its picks in the order given */
struct cmp_axis {
	const struct policy_family *family;
	const struct policy *pick[CMP_MAX_RUNS];
	unsigned int nr;
};

struct cmp_grid {
	struct cmp_axis axis[CMP_MAX_AXES];
	unsigned int nr_axes;
};

/* Add @f as the next axis: its index, or -EEXIST (an axis already), -E2BIG */
int cmp_grid_add_family(struct cmp_grid *g, const struct policy_family *f);
/* Add a pick to an axis: 0, or -E2BIG past CMP_MAX_RUNS picks */
int cmp_axis_add(struct cmp_axis *a, const struct policy *p);
/* The number of combinations (0 when an axis has no pick) */
uint64_t cmp_grid_nr_runs(const struct cmp_grid *g);

/*
 * Run one combination: the picks in @set, one per axis in axis order.
 * Call @at_end(@arg, m) with the machine at the end of the run, before it
 * is destroyed (scn_run_opts.at_end); a run that never had a machine does
 * not call it and its figures read 0.  Returns the run's status.
 */
typedef enum scn_status (*cmp_run_fn)(void *priv, const struct policy_set *set,
				      void (*at_end)(void *arg, struct machine *m), void *arg);

/*
 * A figure: a number one run read, with its key (JSON, --figures) and its
 * label (text).  Keys are dot-separated snake_case words,
 * "node0.normal.free_blocks.order9"; labels say what they sum,
 * "node 0 Normal: free blocks order 9" (docs/compare.md lists them all).
 */
enum cmp_kind {
	CMP_COUNT,		/* a count, printed as is */
	CMP_INDEX,		/* an index x1000, printed as debugfs does ("0.013") */
};

#define CMP_KEY_LEN	96
#define CMP_LABEL_LEN	96

struct cmp_fig {
	char key[CMP_KEY_LEN];
	char label[CMP_LABEL_LEN];
	enum cmp_kind kind;
	long v;			/* POLICY_FIG_NEVER: "never" */
};

struct cmp_run {
	struct policy_set set;		/* one pick per axis, in axis order */
	char label[128];		/* its column: the picks joined by '/' */
	enum scn_status status;
	uint64_t seed;			/* the seed its machine ran with */
	bool seed_known;		/* it had a machine (or the caller set seed) */
	/*
	 * Its figures, read when the caller's run function called the reader
	 * (at the end, or at the snapshot --at names; the last call wins).
	 * A run that did not end well keeps none: nr_figs 0, read false.
	 */
	bool read;
	struct cmp_fig *figs;
	unsigned int nr_figs, cap_figs;
};

/* A row of the table: one figure over the runs; have[i] false: run i has none */
struct cmp_row {
	char key[CMP_KEY_LEN];
	char label[CMP_LABEL_LEN];
	enum cmp_kind kind;
	bool have[CMP_MAX_RUNS];
	long v[CMP_MAX_RUNS];
};

struct cmp_table {
	const struct cmp_grid *grid;
	unsigned int nr_runs;
	struct cmp_run run[CMP_MAX_RUNS];
	/*
	 * Every key any run read, in the order the first run to read it did
	 * (machine, then per node, then per zone), plus the derived
	 * net_saved_pages rows after each used_pages_outside_hugetlb one
	 */
	struct cmp_row *rows;
	unsigned int nr_rows;
	enum scn_status worst;		/* the worst status of a run */
	/* Where the figures are from: a snapshot (name, line) or, NULL, the end */
	const char *at;
	int at_line;
	/* Two runs or more, all with figures, and every row the same in all of them */
	bool identical;
};

/*
 * Run one combination: the picks in @set, one per axis in axis order.
 * Call @read(@arg, m) with the machine where the figures are to be read
 * (at the end of the run, scn_run_opts.at_end, or at a snapshot,
 * at_snapshot); a later call replaces what an earlier one read.  A run
 * that never had a machine does not call it.  Returns the run's status;
 * figures of a run that is not SCN_OK are dropped.
 */
typedef enum scn_status (*cmp_run_fn)(void *priv, const struct policy_set *set,
				      void (*read)(void *arg, struct machine *m), void *arg);

/* Run every combination of @g (at most CMP_MAX_RUNS) and fill @t */
void cmp_table_build(struct cmp_table *t, const struct cmp_grid *g, cmp_run_fn run,
		     void *priv);
/*
 * Keep only the rows whose key or label starts with one of @prefix[0..n);
 * returns the index of the first prefix that matches no row, or -1.
 */
int cmp_table_select(struct cmp_table *t, const char *const *prefix, unsigned int n);
void cmp_table_free(struct cmp_table *t);

/* Text options: @all prints rows that are the same in every run too */
struct cmp_text_opts {
	bool all;
	unsigned int width;		/* columns to fit in; 0: 80 */
	const char *snapshots;		/* the scenario's snapshot names, for a hint; or NULL */
};
/* The table as `mmsim compare` prints it, for @file */
void cmp_table_text(const struct cmp_table *t, const char *file,
		    const struct cmp_text_opts *o, struct sbuf *sb);
void cmp_table_json(const struct cmp_table *t, const char *file, struct sbuf *sb);

struct zone;
/*
 * The mixed pageblocks of @z per migratetype (compare's mixed_pageblocks
 * figures), added to @count; @mark(@arg, pfn), when not NULL, is called
 * once per mixed block with the pfn of its first mismatching page.
 */
void cmp_zone_mixed(struct machine *m, struct zone *z, long count[], void (*mark)(void *arg,
		    unsigned long pfn), void *arg);

/* A figure's key from a label: lower case, runs of other characters as '_' */
void cmp_key_word(char *dst, size_t len, const char *label);

/* argv as mmsim got it (argv[1] == "compare"); returns the exit status */
int cmd_compare(int argc, char **argv);

#endif /* MMSIM_COMPARE_H */
