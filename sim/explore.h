/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore.h - the interleaving explorer: race tests as ordinary unit tests.
 *
 * A race test (struct xp_test) declares a setup that builds the shared state
 * (usually a small machine), two or more CPU bodies (plain C functions) and
 * the checks.  The explorer runs the bodies as coroutines and decides, at
 * every scheduling point, which CPU performs its next operation on shared
 * state: struct page field accesses, refcount RMWs, lock acquire/release,
 * TLB fills and flushes, frame copies, explicit yields.  A CPU is stopped
 * *before* each such operation, so the operation it is about to do is known
 * when the explorer chooses.  Asynchronous events (IPIs such as TLB flush
 * deliveries) are extra threads of one step each, delivered to their target
 * CPU whenever the explorer picks them.
 *
 * Each schedule is run from scratch (stateless model checking): setup
 * rebuilds the state, the bodies start over, the schedule's choices are
 * replayed.  Strategies, one engine:
 *
 *   XP_DFS     depth-first enumeration of schedules.  Unbounded it reduces
 *              (the default): source-set DPOR (Abdulla et al., POPL'14)
 *              with sleep sets explores one schedule per equivalence class
 *              of dependent-operation orders.  Two transitions are
 *              dependent when they touch overlapping addresses and one
 *              writes (reads commute, different addresses commute; RMW,
 *              COPY, LOCK and UNLOCK write), when one is an event delivered
 *              to or posted by the other's CPU, or when both are events to
 *              one CPU.  TLB_FLUSH and YIELD points touch only the CPU
 *              itself.  no_por enumerates every interleaving.
 *              A preemption bound limits the switches away from a CPU that
 *              could have continued.  Bounded searches do not reduce (see
 *              explore.c: bounded POR's conservative points proved
 *              insufficient here), so they are complete within the bound.
 *              Iterative bounding runs bounds 0, 1, 2, ... so the first
 *              failure found has the fewest preemptions.
 *   XP_RANDOM  seeded uniform random walk, max_schedules runs.
 *   XP_PCT     probabilistic concurrency testing (Burckhardt et al.,
 *              ASPLOS'10): random priorities and depth - 1 priority change
 *              points; finds a bug of depth d with probability >= 1/(n k^(d-1)).
 *
 * A failing run is reported with a replay string (see xp_schedule_format)
 * and the trace of the operations that led to it.  Passing the string back
 * (xp_opts.replay, or MMSIM_REPLAY through the CMocka glue) replays exactly
 * that run, and says so if the run no longer follows it.
 *
 * Checks: xp_assert() in a body ends the schedule (the CPU switches to the
 * explorer and is never resumed: nothing unwinds across the host's frames);
 * an invariant function after every step; a final function at the end of
 * every complete schedule; xp_sometimes() points that some explored schedule
 * must reach; deadlock (live CPUs all blocked); a simulated kernel failure
 * recorded on an attached machine (mm_fail); the model's own checks that
 * only make sense under the explorer (sched_fail: a write lost in a frame
 * that was copied or remapped away, see model/page.c).  After a failure
 * the CPUs that were not ended by xp_assert run on to their end, unchecked
 * and unrecorded, so the model code they were in unwinds and frees what it
 * allocated.
 *
 * Reduction and per-step invariants: partial-order reduction preserves
 * every final state, deadlock and assertion along the way, but not every
 * intermediate global state, so an invariant relating two addresses that
 * different CPUs update independently may be checked on fewer states than
 * exist.  Final checks and assertions are unaffected; set no_por to check
 * an invariant on every reachable state.
 *
 * Bodies must be deterministic given the schedule (no host randomness, no
 * timing) and touch shared state only through scheduling points; replaying
 * a prefix that behaves differently is reported as XP_FAIL_NONDET.
 *
 * Limits: XP_MAX_CPUS CPU bodies; XP_MAX_THREADS CPUs plus distinct events
 * per exploration (an event is named by its poster and the poster's count
 * of posts so far in the run).
 */
#ifndef MMSIM_EXPLORE_H
#define MMSIM_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "cpu.h"

#define XP_MAX_CPUS		16
#define XP_MAX_THREADS		128
#define XP_MAX_SOMETIMES	32
#define XP_MSG			512

struct xp_ctx;

/* Build the shared state for one schedule; arg is xp_test.arg */
typedef void *(*xp_setup_fn)(struct xp_ctx *x, void *arg);
/* A CPU body, an invariant, a final check, a teardown: state is setup's */
typedef void (*xp_body_fn)(struct xp_ctx *x, void *state);

enum xp_strategy { XP_DFS, XP_RANDOM, XP_PCT };

enum xp_bounding {
	XP_NO_BOUND,		/* DFS: every schedule (reduced unless no_por) */
	XP_BOUND,		/* DFS: at most `bound` preemptions */
	XP_ITERATIVE,		/* DFS: bounds 0, 1, ... `bound` (0: until complete) */
};

struct xp_opts {
	enum xp_strategy strategy;
	bool no_por;			/* DFS: no reduction (bounded DFS never reduces) */
	enum xp_bounding bounding;
	unsigned int bound;
	uint64_t seed;			/* RANDOM, PCT, estimate probes */
	unsigned int pct_depth;		/* 0: 3 */
	unsigned long max_schedules;	/* 0: DFS unlimited, RANDOM/PCT 1000 */
	unsigned long max_steps;	/* per schedule; 0: 100000 */
	double max_seconds;		/* search budget, 0: none (never a verdict) */
	unsigned int estimate_probes;	/* DFS: Knuth estimate first (stats.estimate) */
	bool shrink;			/* shrink a failure found by RANDOM/PCT */
	size_t stack_size;		/* per CPU; 0: CORO_STACK_DEFAULT */
	const char *replay;		/* replay this schedule instead of searching */
	bool keep_going;		/* go on after a failing schedule; stats.failed
					 * counts them, the result is the first */
	bool describe;			/* describe each step's address in the model's
					 * terms as it runs (trace desc; meant for a
					 * replay: it walks every page table per step) */
};

struct xp_test {
	const char *name;
	int ncpus;
	xp_setup_fn setup;
	xp_body_fn teardown;		/* optional */
	xp_body_fn cpu[XP_MAX_CPUS];
	xp_body_fn invariant;		/* optional, after every step */
	xp_body_fn final;		/* optional, end of every complete schedule */
	const char *const *sometimes;	/* optional, NULL-terminated */
	void *arg;
	struct xp_opts opts;
	bool expect_failure;		/* CMocka glue: the search must fail */
	const char *expect_msg;		/* ... with a message containing this */
};

enum xp_fail_kind {
	XP_OK,
	XP_FAIL_ASSERT,		/* xp_assert in a body */
	XP_FAIL_INVARIANT,	/* the invariant function */
	XP_FAIL_FINAL,		/* the final function */
	XP_FAIL_MODEL,		/* mm_fail() on the attached machine */
	XP_FAIL_CHECK,		/* the model's explorer-only checks (lost updates) */
	XP_FAIL_DEADLOCK,	/* live CPUs all blocked */
	XP_FAIL_STEPS,		/* a schedule exceeded max_steps (livelock?) */
	XP_FAIL_SOMETIMES,	/* a sometimes point no schedule reached */
	XP_FAIL_DIVERGED,	/* a replay no longer follows its string */
	XP_FAIL_NONDET,		/* a body behaved differently on the same prefix */
	XP_FAIL_USAGE,		/* bad test or options */
};

/* One step of a failing schedule's trace */
struct xp_trace_ent {
	unsigned int step;
	int cpu;		/* CPU that ran, or the event's target */
	int event;		/* run-local event number, -1 for a CPU step */
	enum sched_op op;
	uint64_t addr;
	unsigned int len;
	const char *where;	/* model function (SCHED_WHERE) or body */
	const char *name;	/* xp_name_range() covering addr, or NULL */
	uint64_t off;		/* addr - start of that range */
	bool preempt;		/* this step preempted a runnable CPU */
	/* with xp_opts.describe (host strings, freed with the result): */
	char *desc;		/* the address in the model's terms, or NULL */
	char *frame_desc;	/* the whole frame, for a physical address */
	long frame;		/* the frame of a physical address, else -1 */
};

struct xp_stats {
	unsigned long schedules;	/* complete runs, failing ones included */
	unsigned long sleep_blocked;	/* runs cut as redundant by sleep sets */
	unsigned long bound_cut;	/* branches cut by the preemption bound */
	unsigned long failed;		/* failing schedules (more than 1: keep_going) */
	unsigned long steps;
	unsigned int bound;		/* last bound searched */
	unsigned int max_depth;
	bool complete;			/* the whole space within the bound was covered */
	bool exhaustive;		/* ... and the bound cut nothing */
	bool time_out;			/* stopped by max_seconds */
	double seconds;
	double estimate;		/* Knuth estimate, unreduced schedules */
};

struct xp_result {
	enum xp_fail_kind kind;
	char msg[XP_MSG];
	char *schedule;			/* replay string of the failing run */
	unsigned int preemptions;
	struct xp_trace_ent *trace;
	size_t ntrace;
	struct xp_stats stats;
	/* the sometimes points (windows) of the search and how often each held */
	struct { const char *name; unsigned long hits; } windows[XP_MAX_SOMETIMES];
	unsigned int nwindows;
};

/*
 * Run the search t->opts describes (or *o if not NULL).  Returns 0 when no
 * schedule failed; r must be released with xp_result_free().
 */
int xp_explore(const struct xp_test *t, const struct xp_opts *o, struct xp_result *r);
/* Replay one schedule string */
int xp_replay(const struct xp_test *t, const char *schedule, struct xp_result *r);
/*
 * Reduce a failing schedule to fewer preemptions (then fewer steps), keeping
 * the same kind of failure; r gets the shrunk failure.  Returns 0 when the
 * input schedule does fail.
 */
int xp_shrink(const struct xp_test *t, const char *schedule, struct xp_result *r);
/* Knuth's estimate of the number of unreduced schedules (within o's bound) */
double xp_estimate(const struct xp_test *t, const struct xp_opts *o, unsigned int probes);
void xp_result_free(struct xp_result *r);

const char *xp_fail_kind_name(enum xp_fail_kind k);
const char *xp_op_name(enum sched_op op);
/* The failure, its replay string and trace */
void xp_print_failure(FILE *f, const struct xp_result *r);
/*
 * The failure and its trace condensed to the steps that matter: the
 * accesses that conflict with another CPU's (same bytes, one writes),
 * TLB flushes and their deliveries, the last step; runs of one CPU's
 * identical steps as one line; then the frames more than one CPU touched.
 * Addresses are described if the trace was (xp_opts.describe).
 */
void xp_print_condensed(FILE *f, const struct xp_result *r);
/* Print the trace only, all of it (prefix before every line) */
void xp_print_trace(FILE *f, const struct xp_result *r, const char *prefix);
void xp_print_stats(FILE *f, const char *name, const struct xp_opts *o,
		    const struct xp_result *r);

/* -------------------------------------------------------------------------
 * Inside a schedule (setup, bodies, checks)
 */
/* The CPU running the caller (an event handler's target), -1 elsewhere */
int xp_cpu(const struct xp_ctx *x);
/* Let the explorer drive machine m: hooks, m->cur_cpu, m->fail */
void xp_attach_machine(struct xp_ctx *x, struct machine *m);
/* Print addresses in [base, base + len) as name+offset in traces; name
 * must outlive the exploration (a string literal) */
void xp_name_range(struct xp_ctx *x, const void *base, size_t len, const char *name);

/* A scheduling point for op on [addr, addr + len) */
void xp_point_at(struct xp_ctx *x, enum sched_op op, uint64_t addr, unsigned int len,
		 const char *where);
/* Blocking point: proceeds only when ready(arg) (see struct sched_hooks) */
void xp_wait_at(struct xp_ctx *x, enum sched_op op, uint64_t addr, unsigned int len,
		bool (*ready)(void *arg), void *arg, const char *where);
/* Post fn(x, arg) to run on cpu as an event; op/addr/len as for points */
void xp_post_at(struct xp_ctx *x, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		void (*fn)(struct xp_ctx *x, void *arg), void *arg, const char *where);

/* Shared toy variables: each call is one scheduling point */
long xp_read_at(struct xp_ctx *x, const long *p, const char *where);
void xp_write_at(struct xp_ctx *x, long *p, long v, const char *where);
long xp_add_at(struct xp_ctx *x, long *p, long delta, const char *where);	/* returns old */
bool xp_cas_at(struct xp_ctx *x, long *p, long old, long new, const char *where);
/* A toy mutex: 0 free, cpu + 1 held */
void xp_lock_at(struct xp_ctx *x, int *lock, const char *where);
void xp_unlock_at(struct xp_ctx *x, int *lock, const char *where);

#define xp_point(x, op, addr, len)	xp_point_at((x), (op), (addr), (len), __func__)
#define xp_wait(x, op, addr, len, ready, arg) \
	xp_wait_at((x), (op), (addr), (len), (ready), (arg), __func__)
#define xp_post(x, cpu, op, addr, len, fn, arg) \
	xp_post_at((x), (cpu), (op), (addr), (len), (fn), (arg), __func__)
#define xp_yield(x)			xp_point_at((x), SCHED_YIELD, 0, 0, __func__)
#define xp_read(x, p)			xp_read_at((x), (p), __func__)
#define xp_write(x, p, v)		xp_write_at((x), (p), (v), __func__)
#define xp_add(x, p, d)			xp_add_at((x), (p), (d), __func__)
#define xp_cas(x, p, o, n)		xp_cas_at((x), (p), (o), (n), __func__)
#define xp_lock(x, l)			xp_lock_at((x), (l), __func__)
#define xp_unlock(x, l)			xp_unlock_at((x), (l), __func__)

/*
 * Record a failure: XP_FAIL_ASSERT in a body, where it also ends the
 * schedule (the call does not return); XP_FAIL_INVARIANT, XP_FAIL_FINAL or
 * XP_FAIL_USAGE in the invariant, final and setup functions, where it
 * records the first failure and returns.
 */
void xp_fail_at(struct xp_ctx *x, const char *file, int line, const char *fn,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define xp_fail(x, ...)	xp_fail_at((x), __FILE__, __LINE__, __func__, __VA_ARGS__)

void xp_assert_fail(struct xp_ctx *x, const char *file, int line, const char *fn,
		    const char *cond, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* xp_assert(x, cond) or xp_assert(x, cond, "format", args...) */
#define xp_assert(x, cond, ...)						\
	do {								\
		if (unlikely(!(cond)))					\
			xp_assert_fail((x), __FILE__, __LINE__, __func__, #cond, \
				       " " __VA_ARGS__);		\
	} while (0)

/* Some explored schedule must reach this point (with cond true) */
void xp_sometimes_at(struct xp_ctx *x, const char *name, bool cond);
#define xp_sometimes(x, name)		xp_sometimes_at((x), (name), true)
#define xp_sometimes_if(x, name, cond)	xp_sometimes_at((x), (name), (cond))

#endif /* MMSIM_EXPLORE_H */
