/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore_int.h - the explorer's private state, shared by explore.c (the
 * engine: runs, hooks, strategies) and explore_sched.c (schedule strings,
 * traces, reports, the shrinker).  Not for tests or model code.
 */
#ifndef MMSIM_EXPLORE_INT_H
#define MMSIM_EXPLORE_INT_H

#include <time.h>

#include "coro.h"
#include "explore.h"

/* Sets of threads (CPUs, then events), one bit per thread index */
typedef unsigned __int128 xmask;
#define XBIT(t)		((xmask)1 << (t))

static inline int xm_lowest(xmask m)
{
	uint64_t lo = (uint64_t)m;

	return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(m >> 64));
}

static inline int xm_count(xmask m)
{
	return __builtin_popcountll((uint64_t)m) + __builtin_popcountll((uint64_t)(m >> 64));
}

#define xm_for_each(t, m)						\
	for (xmask __m = (m); __m && ((t) = xm_lowest(__m), 1); __m &= __m - 1)

/* What a transition touches, for independence and traces */
struct xp_fp {
	uint64_t addr;
	uint32_t len;		/* >= 1 */
	uint8_t op;		/* enum sched_op */
	int8_t cpu;		/* the CPU running it, -1 for an event */
	int8_t target;		/* events: the CPU it is delivered to, else -1 */
	int8_t poster;		/* events: the CPU that posted it, else -1 */
	bool wait;		/* a blocking point (xp_wait, hooks.wait) */
	const char *where;
};

enum xc_state { XC_IDLE, XC_POINT, XC_DONE, XC_FAILED };

struct xp_cpu {
	struct coro co;
	struct xp_ctx *x;
	int id;
	enum xc_state st;
	struct xp_fp next;		/* the transition it waits to run */
	bool (*ready)(void *arg);	/* blocking point: enabled when ready(arg) */
	void *ready_arg;
	const char *where;		/* its hooks.where while switched out */
	unsigned int nposted;		/* events posted in this run */
};

struct xp_event {
	int tid, poster, seq, target;
	struct xp_fp fp;
	smp_call_func_t mfn;
	void (*xfn)(struct xp_ctx *x, void *arg);
	void *arg;
	int post_step;			/* step that posted it, -1: before the first */
	bool delivered;
};

/*
 * One executed step of the current run.  For DFS it is also the search
 * node at the state before the step: what was enabled there, what must
 * still be tried (backtrack), what was tried (done), what need not be
 * (sleep).  Nodes persist across runs; a run replays a prefix of them.
 */
struct xp_step {
	struct xp_fp fp;
	xmask enabled, backtrack, done, sleep;
	int16_t tid;
	int16_t ev;			/* run-local event number, -1 */
	bool preempted;			/* switched away from a runnable thread */
	uint32_t preempt;		/* preemptions before this step */
	uint32_t lidx;			/* 1-based index among its thread's steps */
};

/* A parsed schedule choice */
struct xp_choice {
	int cpu;			/* CPU, or the event's target */
	int ev;				/* run-local event number, -1 for a CPU */
};

enum xp_phase { PH_SETUP, PH_RUN, PH_EVENT, PH_INVARIANT, PH_FINAL, PH_TEARDOWN };
enum xp_mode { RM_DFS, RM_RANDOM, RM_PCT, RM_REPLAY, RM_LENIENT, RM_PROBE };

#define XP_MAX_NAMES	32
#define XP_PCT_MAX_D	16

struct xp_ctx {
	const struct xp_test *t;
	struct xp_opts o;
	int ncpus;
	struct coro main;
	struct xp_cpu cpu[XP_MAX_CPUS];
	int cur;			/* CPU running, -1 on the main stack */
	enum xp_phase phase;
	void *state;
	struct sched_hooks hooks;
	struct machine *m;
	int *cur_cpu;
	int cur_cpu_dummy;

	/* thread index table, stable for the whole exploration */
	uint32_t tkey[XP_MAX_THREADS];
	int nthr;

	/* per run */
	struct xp_event ev[XP_MAX_THREADS];
	int nev;
	int ev_of_tid[XP_MAX_THREADS];
	int last_step[XP_MAX_THREADS];
	uint32_t lcount[XP_MAX_THREADS];
	xmask ev_pending;
	int cur_step;			/* step being executed, -1 before */
	int prev_tid;
	unsigned int preempt;
	enum xp_fail_kind fkind;
	char fmsg[XP_MSG];
	bool sleep_blocked;
	bool finished;			/* all CPUs returned */
	bool draining;			/* after a failure: letting the CPUs unwind */
	struct { uint64_t base, len; const char *name; } names[XP_MAX_NAMES];
	int nnames;

	/* steps / DFS nodes */
	struct xp_step *steps;
	size_t cap, n;
	uint32_t *clk;			/* vector clocks, clk_stride per step */
	unsigned int clk_stride;
	size_t clk_cap;

	/* how the current run chooses */
	enum xp_mode mode;
	bool por, bounded;
	unsigned int bound;
	size_t prefix;			/* DFS: steps replayed from earlier runs */
	int forced;			/* DFS: thread tried at step `prefix` */
	xmask next_sleep;
	const struct xp_choice *choices;	/* REPLAY, LENIENT */
	size_t nchoices, pos;
	uint64_t prio[XP_MAX_THREADS];	/* PCT */
	size_t change_at[XP_PCT_MAX_D];
	unsigned int pct_d;
	size_t pct_k;
	double probe_product;		/* PROBE */
	uint64_t rng;
	bool bound_limited;		/* DFS: the bound cut some branch */

	/* sometimes points */
	struct { const char *name; unsigned long hits; bool declared, seen; }
		st[XP_MAX_SOMETIMES];
	int nst;

	/* xp_opts.describe: per step of the run (explore_describe.c) */
	struct xp_desc_state *desc_state;
	char **desc, **fdesc;
	long *dframe;
	size_t desc_cap;

	/* what produced this run, for its schedule string */
	char strat[16];
	char params[64];
	struct timespec t0;
	struct xp_stats stats;
};

/* explore.c */
void xp_ctx_reset_search(struct xp_ctx *x);
void xp_run_one(struct xp_ctx *x);
struct xp_ctx *xp_ctx_new(const struct xp_test *t, const struct xp_opts *o, char *err,
			  size_t errlen);
void xp_ctx_free(struct xp_ctx *x);

/* explore_describe.c */
void xp_describe_fp(struct xp_ctx *x, const struct xp_fp *fp, char **desc, char **frame_desc,
		    long *frame);
void xp_describe_free(struct xp_ctx *x);

/* explore_sched.c */
char *xp_format_schedule(struct xp_ctx *x);
uint32_t xp_run_checksum(struct xp_ctx *x);
struct xp_parsed {
	char strat[16];
	char params[64];
	struct xp_choice *choices;	/* host_calloc'd */
	size_t n;
	uint32_t sum;
};
int xp_parse_schedule(const char *s, struct xp_parsed *p, char *err, size_t errlen);
void xp_capture(struct xp_ctx *x, struct xp_result *r);
const char *xp_addr_str(struct xp_ctx *x, uint64_t addr, char *buf, size_t len);
void xp_thread_str(struct xp_ctx *x, int tid, char *buf, size_t len);
int xp_do_replay(struct xp_ctx *x, const char *schedule, struct xp_result *r);
int xp_do_shrink(struct xp_ctx *x, const char *schedule, struct xp_result *r);

#endif /* MMSIM_EXPLORE_INT_H */
