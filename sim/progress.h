/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * progress.h - progress lines on stderr while a long command runs.
 *
 * One line per step, with the step's time and the time since the start:
 *
 *	[ 3/12] hvo=new-head: ok, 12.3 s (40 s)
 *
 * `run` steps through its scenario (the boot, each snapshot, each line
 * that can move a machine's worth of memory, the end), `compare` through
 * its runs, `sweep` through its jobs.  Shown when the stream is a
 * terminal (PROGRESS_AUTO), always with --progress, never with --quiet,
 * so what a pipe or a file receives does not change.  The clock and the
 * terminal test come through struct progress_ops, which tests replace so
 * that no test depends on timing.
 */
#ifndef MMSIM_PROGRESS_H
#define MMSIM_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

enum progress_mode {
	PROGRESS_AUTO,		/* when the stream is a terminal */
	PROGRESS_ON,		/* --progress */
	PROGRESS_OFF,		/* --quiet */
};

/* --quiet and --progress as given: --progress wins, so `--quiet --progress` shows only it */
static inline enum progress_mode progress_mode_of(bool quiet, bool progress)
{
	return progress ? PROGRESS_ON : quiet ? PROGRESS_OFF : PROGRESS_AUTO;
}

struct progress_ops {
	double (*now)(void *priv);		/* seconds on a monotonic clock */
	bool (*is_terminal)(void *priv, FILE *f);
	void *priv;
};

/* The host's: CLOCK_MONOTONIC and isatty() */
extern const struct progress_ops progress_host_ops;

struct progress {
	FILE *out;			/* NULL: off */
	const struct progress_ops *ops;
	unsigned long done, total;
	double start, last;		/* progress_init's time, the last line's */
};

/* @ops NULL: the host's.  @total: the steps to come (progress_set_total may say later) */
void progress_init(struct progress *p, enum progress_mode mode, FILE *out, unsigned long total,
		   const struct progress_ops *ops);
void progress_set_total(struct progress *p, unsigned long total);
static inline bool progress_on(const struct progress *p)
{
	return p && p->out;
}
double progress_now(const struct progress *p);

/* A step done that began at @since (a progress_now): "[done/total] TEXT, S s (T s)" */
void progress_step_since(struct progress *p, double since, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A step done that began when the previous line was printed (or at the start) */
void progress_step(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* As progress_step, numbered as the last step whatever came before (a run that stopped early) */
void progress_end(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* MMSIM_PROGRESS_H */
