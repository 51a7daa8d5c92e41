/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compare.h - `mmsim compare`: one scenario, several policies, one table.
 */
#ifndef MMSIM_COMPARE_H
#define MMSIM_COMPARE_H

/* argv as mmsim got it (argv[1] == "compare"); returns the exit status */
int cmd_compare(int argc, char **argv);

#endif /* MMSIM_COMPARE_H */
