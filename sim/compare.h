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
 *                      machine at the end of the run, as numbers
 *   cmp_table_text/json  the table, with the difference against run 0
 *
 * The figures are compare's own (hugepages, free blocks, the unusable
 * index, per node hugepages and memory) and those each varied family
 * declares (policy_family.figures).  Nothing here is global: tests build
 * grids of families that are not in the registry.
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

struct cmp_run {
	struct policy_set set;		/* one pick per axis, in axis order */
	char label[128];		/* its column: the picks joined by '/' */
	enum scn_status status;
	int nr_nodes;			/* of its machine; 0 without one */
	long *val;			/* [figure * MAX_NUMNODES + node]; node 0
					 * for a machine-wide figure */
};

/* A row of the table: one value per run */
struct cmp_row {
	char label[64];
	long v[CMP_MAX_RUNS];
};

struct cmp_table {
	const struct cmp_grid *grid;
	unsigned int nr_runs;
	struct cmp_run run[CMP_MAX_RUNS];
	/* compare's own figures, then each axis's family's, in axis order */
	const struct policy_figure **fig;
	unsigned int nr_figs;
	/*
	 * The machine-wide figures, then per node of run 0's machine its
	 * per-node figures ("node <nid> <label>")
	 */
	struct cmp_row *rows;
	unsigned int nr_rows;
	enum scn_status worst;		/* the worst status of a run */
};

/* Run every combination of @g (at most CMP_MAX_RUNS) and fill @t */
void cmp_table_build(struct cmp_table *t, const struct cmp_grid *g, cmp_run_fn run,
		     void *priv);
void cmp_table_free(struct cmp_table *t);
/* The table as `mmsim compare` prints it, for @file */
void cmp_table_text(const struct cmp_table *t, const char *file, struct sbuf *sb);
void cmp_table_json(const struct cmp_table *t, const char *file, struct sbuf *sb);

/* argv as mmsim got it (argv[1] == "compare"); returns the exit status */
int cmd_compare(int argc, char **argv);

#endif /* MMSIM_COMPARE_H */
