/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h - what the option scanners of mmsim's commands share (main.c's
 * run, compare.c, sweep.c): valued options and the flags of a run.
 */
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include <stdbool.h>

#include "progress.h"
#include "scn.h"

/*
 * argv[*i] as the valued option @name: "--name VALUE" (*i moves on to the
 * value), "--name=VALUE", and for a one-letter "-x" also "-xVALUE".
 * Returns the value; NULL when argv[*i] is not @name, or is but is the
 * last word (then *missing is set: "--name needs a value").
 */
const char *cli_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* The first of @names (NULL-terminated) that argv[*i] is, as cli_value; the value in *val */
const char *cli_valued(int argc, char **argv, int *i, const char *const *names,
		       const char **val, bool *missing);

/* The flags every command that runs scenarios takes */
struct cli_flags {
	enum scn_check_mode check;	/* --check, --no-check */
	bool quiet;			/* --quiet, -q */
	bool progress;			/* --progress */
};

/* True when @a is one of those flags, recorded in @f */
bool cli_flag(const char *a, struct cli_flags *f);

static inline enum progress_mode cli_progress_mode(const struct cli_flags *f)
{
	return progress_mode_of(f->quiet, f->progress);
}

#endif /* MMSIM_CLI_H */
