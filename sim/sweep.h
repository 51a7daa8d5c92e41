/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sweep.h - `mmsim sweep`: one scenario over a grid of policies, seeds and
 * values of the scenario's variables, with statistics per cell.
 *
 *   mmsim sweep FILE --policy FAMILY=A,B,... [--policy ...]... --seeds LIST
 *               [--set NAME=V1,V2,...]... [-j N] [--quiet] [--progress] [--format text|json]
 *               [--test welch|mann-whitney] [--dir DIR] [--check|--no-check]
 *   mmsim sweep FILE ... --emit parallel|slurm [--dir DIR] [--mmsim PATH]
 *   mmsim sweep FILE ... --job N [--out DIR]
 *   mmsim sweep collect DIR [--format text|json] [--test welch|mann-whitney]
 *
 * Every run of the grid is a job: `--job N` runs job N in this process
 * (compare's run core, cmp_table_build, on a grid of one combination) and
 * writes a self-describing result (the grid, the job's picks, seed and
 * values, its status and every figure by name) to stdout or, with --out,
 * to DIR/job-N.result.  A local sweep starts such jobs as processes of
 * this binary, -j at a time; --emit writes them as a GNU parallel job
 * list or a Slurm job-array script instead.  Either way the results end
 * up as files in a directory, and collect (sweep_collect) reads every
 * result file under it, whatever the engine named them, and prints the
 * same table as a local sweep.  The output depends only on the results,
 * never on the order they finished in.
 *
 * Figures are handled by name: whatever rows cmp_table_build gives a run.
 */
#ifndef MMSIM_SWEEP_H
#define MMSIM_SWEEP_H

#include "sbuf.h"

/* Parse "1..20", "1,5,9", "1..4,10" into at most @max seeds; false with @err */
bool sweep_parse_seeds(const char *s, uint64_t **seeds, unsigned int *nr, unsigned int max,
		       char *err, size_t errlen);

/* argv as mmsim got it (argv[1] == "sweep"); returns the exit status */
int cmd_sweep(int argc, char **argv);

#endif /* MMSIM_SWEEP_H */
