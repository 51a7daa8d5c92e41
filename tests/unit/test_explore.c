// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_explore.c - the interleaving explorer on small programs whose
 * schedules are known: closed-form counts, reduction, bounding, replay,
 * checks, events, the model's locks and IPIs, and a cross-check of the
 * reduced searches against plain enumeration on random programs.
 *
 * The toy programs share a struct toy: a few long variables the bodies
 * touch through xp_read/xp_write/xp_add (one scheduling point each), toy
 * mutexes, and a per-test configuration.  Setup clears the shared part, so
 * every schedule starts from the same state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "cpu.h"
#include "explore.h"
#include "explore_cmocka.h"

#define NVARS	8

struct toy {
	/* shared, cleared by setup */
	long v[NVARS];
	int lock[2];
	long seen[XP_MAX_CPUS];
	long flushed[XP_MAX_CPUS];
	long tlb[XP_MAX_CPUS];
	long pending;
	spinlock_t sl[2];
	struct rw_semaphore sem;
	/* configuration and results, kept across schedules */
	int steps[XP_MAX_CPUS];
	bool shared;
	int pad;
	unsigned long finals;
	unsigned long outcomes;	/* bitmask of observed outcome numbers */
	struct machine *m;
};

static void *toy_setup(struct xp_ctx *x, void *arg)
{
	struct toy *t = arg;

	memset(t->v, 0, sizeof(t->v));
	memset(t->lock, 0, sizeof(t->lock));
	memset(t->seen, 0, sizeof(t->seen));
	memset(t->flushed, 0, sizeof(t->flushed));
	memset(t->tlb, 0, sizeof(t->tlb));
	t->pending = 0;
	spin_lock_init(&t->sl[0]);
	spin_lock_init(&t->sl[1]);
	init_rwsem(&t->sem);
	xp_name_range(x, t->v, sizeof(t->v), "v");
	xp_name_range(x, t->lock, sizeof(t->lock), "lock");
	xp_name_range(x, t->tlb, sizeof(t->tlb), "tlb");
	return t;
}

static struct xp_test toy_test(const char *name, int ncpus, struct toy *t)
{
	return (struct xp_test){ .name = name, .ncpus = ncpus, .setup = toy_setup, .arg = t };
}

static unsigned long binom(unsigned int n, unsigned int k)
{
	unsigned long r = 1;

	for (unsigned int i = 1; i <= k; i++)
		r = r * (n - k + i) / i;
	return r;
}

static void run_ok(const struct xp_test *t, const struct xp_opts *o, struct xp_result *r)
{
	xp_explore(t, o, r);
	if (r->kind != XP_OK) {
		xp_print_failure(stdout, r);
		fail_msg("%s: unexpected %s: %s", t->name, xp_fail_kind_name(r->kind), r->msg);
	}
}

/* -------------------------------------------------------------------------
 * Counting schedules
 *
 *   v[0..7]: CPU c writes steps[c] times, to v[c] (private) or to v[0]
 *   (shared); no other state.
 */
static void body_steps(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	int c = xp_cpu(x);

	for (int i = 0; i < t->steps[c]; i++)
		xp_write(x, &t->v[t->shared ? 0 : c], i);
}

static void count_case(int ncpus, const int *steps, bool shared, bool no_por,
		       unsigned long expect)
{
	struct toy t = { .shared = shared };
	struct xp_test xt = toy_test("count", ncpus, &t);
	struct xp_opts o = { .strategy = XP_DFS, .no_por = no_por };
	struct xp_result r;

	for (int c = 0; c < ncpus; c++) {
		xt.cpu[c] = body_steps;
		t.steps[c] = steps[c];
	}
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, expect);
	assert_true(r.stats.complete && r.stats.exhaustive);
	xp_result_free(&r);
}

/* Without reduction, 2 CPUs of a and b steps interleave in C(a+b, a) ways,
 * 3 CPUs of a, b, c steps in (a+b+c)! / (a! b! c!) ways. */
static void test_count_unreduced(void **state)
{
	static const struct { int n, s[3]; } cases[] = {
		{ 2, { 1, 1 } }, { 2, { 2, 3 } }, { 2, { 3, 3 } }, { 2, { 4, 2 } },
		{ 2, { 5, 5 } }, { 2, { 0, 4 } }, { 3, { 2, 2, 2 } }, { 3, { 1, 2, 3 } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const int *s = cases[i].s;
		unsigned long expect = binom((unsigned)(s[0] + s[1]), (unsigned)s[0]);

		if (cases[i].n == 3)
			expect *= binom((unsigned)(s[0] + s[1] + s[2]), (unsigned)s[2]);
		count_case(cases[i].n, s, false, true, expect);
		count_case(cases[i].n, s, true, true, expect);
	}
}

/* With reduction, CPUs on private variables need one schedule, however
 * many steps they take; on one shared variable every order of the writes
 * is a different outcome, and DPOR with sleep sets completes exactly one
 * schedule per order. */
static void test_count_reduced(void **state)
{
	static const int two[] = { 5, 5 }, three[] = { 2, 3, 4 }, eight[8] = {
		3, 3, 3, 3, 3, 3, 3, 3 };

	count_case(2, two, false, false, 1);
	count_case(3, three, false, false, 1);
	count_case(8, eight, false, false, 1);
	count_case(2, (const int[]){ 3, 3 }, true, false, binom(6, 3));
	count_case(3, (const int[]){ 1, 2, 2 }, true, false, binom(5, 1) * binom(4, 2));
}

/*
 *   v[0] = x: CPU0 writes x; CPU1 and CPU2 each read x once.
 * Four equivalence classes (each reader before or after the write): DPOR
 * completes four schedules, the unreduced search all 3! = 6.
 */
static void body_writer(struct xp_ctx *x, void *s)
{
	xp_write(x, &((struct toy *)s)->v[0], 1);
}

static void body_reader(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	t->seen[xp_cpu(x)] = xp_read(x, &t->v[0]);
}

static void test_count_readers_writer(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("rw", 3, &t);
	struct xp_opts o = { .strategy = XP_DFS };
	struct xp_result r;

	xt.cpu[0] = body_writer;
	xt.cpu[1] = body_reader;
	xt.cpu[2] = body_reader;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 4);
	xp_result_free(&r);
	o.no_por = true;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 6);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * The lost update
 *
 *   v[0] = x = 0; each CPU: r = x; x = r + 1.  Final check: x == 2.
 * Only a switch between one CPU's read and write loses an update, which
 * needs one preemption: bound 0 must pass, bound 1 must fail.
 */
static void body_incr(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	for (int i = 0; i < t->pad; i++)
		xp_write(x, &t->v[1 + xp_cpu(x)], i);
	long r = xp_read(x, &t->v[0]);

	xp_write(x, &t->v[0], r + 1);
	for (int i = 0; i < t->pad; i++)
		xp_write(x, &t->v[1 + xp_cpu(x)], i);
}

static void final_two(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_assert(x, t->v[0] == 2, "x = %ld", t->v[0]);
}

static struct xp_test lost_update_test(struct toy *t)
{
	struct xp_test xt = toy_test("lost_update", 2, t);

	xt.cpu[0] = xt.cpu[1] = body_incr;
	xt.final = final_two;
	return xt;
}

static void test_lost_update_bounds(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_result r;

	for (int no_por = 0; no_por < 2; no_por++) {
		struct xp_opts o = { .strategy = XP_DFS, .no_por = no_por, .bounding = XP_BOUND };

		o.bound = 0;
		run_ok(&xt, &o, &r);
		assert_true(r.stats.complete);
		assert_int_equal(r.stats.schedules, 2);	/* 0 then 1, or 1 then 0 */
		assert_true(r.stats.bound_cut > 0);
		xp_result_free(&r);

		o.bound = 1;
		assert_int_not_equal(xp_explore(&xt, &o, &r), 0);
		assert_int_equal(r.kind, XP_FAIL_FINAL);
		assert_int_equal(r.preemptions, 1);
		assert_non_null(strstr(r.msg, "x = 1"));
		assert_non_null(strstr(r.schedule, "xp1:dfs:b1:"));
		/* the trace: four steps, two of them writes, one preemption */
		assert_int_equal(r.ntrace, 4);
		assert_int_equal(r.trace[0].op, SCHED_READ);
		assert_string_equal(r.trace[0].name, "v");
		assert_string_equal(r.trace[0].where, "body_incr");
		xp_result_free(&r);
	}
}

/*
 *   v[1] = y, lock[0] = L.  CPU0: y = 10; lock L; y += 1; unlock L.
 *   CPU1: lock L; y += 1; unlock L; r = y; asserts r != 10.
 * r == 10 needs CPU0's store between CPU1's increment and CPU0's own:
 * with one preemption only, inside CPU1's critical section, so that CPU0
 * then blocks on L and the switch back is free.  Bounded POR's
 * conservative points miss this run; the bounded search must find it.
 */
static void body_store_then_locked_inc(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_write(x, &t->v[1], 10);
	xp_lock(x, &t->lock[0]);
	xp_write(x, &t->v[1], xp_read(x, &t->v[1]) + 1);
	xp_unlock(x, &t->lock[0]);
}

static void body_locked_inc_then_read(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_lock(x, &t->lock[0]);
	xp_write(x, &t->v[1], xp_read(x, &t->v[1]) + 1);
	xp_unlock(x, &t->lock[0]);
	xp_assert(x, xp_read(x, &t->v[1]) != 10, "saw the store between the increments");
}

static void test_bound_lock_region(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("lock_region", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r;

	xt.cpu[0] = body_store_then_locked_inc;
	xt.cpu[1] = body_locked_inc_then_read;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_int_equal(r.stats.bound, 1);
	assert_int_equal(r.preemptions, 1);
	xp_result_free(&r);
}

/* Iterative bounding reports the failure at bound 1, with 1 preemption,
 * and an unbounded DPOR search finds it too. */
static void test_lost_update_iterative(void **state)
{
	struct toy t = { .pad = 3 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r;

	assert_int_not_equal(xp_explore(&xt, &o, &r), 0);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_int_equal(r.stats.bound, 1);
	assert_int_equal(r.preemptions, 1);
	xp_result_free(&r);

	o.bounding = XP_NO_BOUND;
	assert_int_not_equal(xp_explore(&xt, &o, &r), 0);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	xp_result_free(&r);
}

/* Random walk and PCT find the lost update with a fixed seed, and the same
 * seed gives the same run (same string) every time. */
static void test_lost_update_random_pct(void **state)
{
	struct toy t = { .pad = 4 };
	struct xp_test xt = lost_update_test(&t);

	for (int s = 0; s < 2; s++) {
		struct xp_opts o = { .strategy = s ? XP_PCT : XP_RANDOM, .seed = 42,
				     .max_schedules = 2000, .pct_depth = 2 };
		struct xp_result a, b;

		assert_int_not_equal(xp_explore(&xt, &o, &a), 0);
		assert_int_equal(a.kind, XP_FAIL_FINAL);
		assert_non_null(strstr(a.schedule, s ? "xp1:pct:s42,d2:" : "xp1:rnd:s42:"));
		assert_int_not_equal(xp_explore(&xt, &o, &b), 0);
		assert_string_equal(a.schedule, b.schedule);
		assert_int_equal(a.stats.schedules, b.stats.schedules);
		xp_result_free(&a);
		xp_result_free(&b);
	}
}

/* The whole DFS is deterministic too: same statistics, same failure. */
static void test_determinism_dfs(void **state)
{
	struct toy t = { .pad = 2 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_DFS, .no_por = false };
	struct xp_result a, b;

	xp_explore(&xt, &o, &a);
	xp_explore(&xt, &o, &b);
	assert_int_equal(a.kind, XP_FAIL_FINAL);
	assert_string_equal(a.schedule, b.schedule);
	assert_int_equal(a.stats.schedules, b.stats.schedules);
	assert_int_equal(a.stats.steps, b.stats.steps);
	xp_result_free(&a);
	xp_result_free(&b);
}

/* -------------------------------------------------------------------------
 * Replay
 */

/* A failure's string replays to the same failure; altered strings are
 * reported as divergence (a choice that cannot run, a schedule that ends
 * early or late, runnable sets that differ) or as bad input. */
static void test_replay(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r, p;
	char s[256], *colon;

	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	/* exact replay */
	assert_int_not_equal(xp_replay(&xt, r.schedule, &p), 0);
	assert_int_equal(p.kind, r.kind);
	assert_string_equal(p.msg, r.msg);
	assert_string_equal(p.schedule, r.schedule);
	xp_result_free(&p);

	/* a choice that is not enabled: CPU 0 has two steps, not five */
	colon = strrchr(r.schedule, ':');
	snprintf(s, sizeof(s), "xp1:dfs:b1:0*5%s", colon);
	xp_replay(&xt, s, &p);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(p.msg, "step 2: cpu0 is not enabled"));
	xp_result_free(&p);

	/* the schedule stops while CPUs can still run */
	snprintf(s, sizeof(s), "xp1:dfs:b1:0.1%s", colon);
	xp_replay(&xt, s, &p);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(p.msg, "ends after 2 steps"));
	xp_result_free(&p);

	/* all choices possible, but the checksum is another run's */
	snprintf(s, sizeof(s), "%.*s:%08x", (int)(colon - r.schedule), r.schedule,
		 (unsigned int)strtoul(colon + 1, NULL, 16) ^ 1);
	xp_replay(&xt, s, &p);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(p.msg, "runnable CPUs along the run differ"));
	xp_result_free(&p);

	/* the same choices against a test with a different number of CPUs */
	xt.ncpus = 3;
	xt.cpu[2] = body_writer;
	xp_replay(&xt, r.schedule, &p);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	xp_result_free(&p);
	xt.ncpus = 2;

	/* a passing schedule replays as a pass */
	assert_int_equal(xp_replay(&xt, "xp1:dpor:-:0*2.1*2:00000000", &p), -1);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);	/* wrong checksum... */
	xp_result_free(&p);

	/* bad strings */
	static const char *const bad[] = {
		"xp2:dpor:-:0:00000000", "xp1:dpor:-:0", "xp1:dpor:-:0.:00000000",
		"xp1:dpor:-:0*0:00000000", "xp1:dpor:-:e1:00000000", "xp1:dpor:-:0:0000",
		"xp1:dpor:-:x:00000000",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		xp_replay(&xt, bad[i], &p);
		assert_int_equal(p.kind, XP_FAIL_USAGE);
		assert_non_null(strstr(p.msg, "column"));
		xp_result_free(&p);
	}
	xp_result_free(&r);
}

/* A schedule found by a random walk with several preemptions shrinks to a
 * single one, and the shrunk string still fails the same way. */
static void test_shrink(void **state)
{
	struct toy t = { .pad = 6 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_RANDOM, .seed = 7, .max_schedules = 5000 };
	struct xp_result r, s, p;

	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_true(r.preemptions > 1);
	assert_int_equal(xp_shrink(&xt, r.schedule, &s), 0);
	assert_int_equal(s.kind, XP_FAIL_FINAL);
	assert_int_equal(s.preemptions, 1);
	assert_non_null(strstr(s.schedule, "xp1:rnd:s7,shrunk:"));
	xp_replay(&xt, s.schedule, &p);
	assert_int_equal(p.kind, XP_FAIL_FINAL);
	assert_string_equal(p.msg, s.msg);
	xp_result_free(&p);
	xp_result_free(&s);

	/* the search can shrink on its own */
	o.shrink = true;
	xp_explore(&xt, &o, &s);
	assert_int_equal(s.kind, XP_FAIL_FINAL);
	assert_int_equal(s.preemptions, 1);
	xp_result_free(&s);

	/* a passing schedule cannot be shrunk */
	xt.final = NULL;
	assert_int_not_equal(xp_shrink(&xt, r.schedule, &s), 0);
	assert_int_equal(s.kind, XP_OK);
	xp_result_free(&s);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Checks
 */

/*
 *   v[0] = x; CPU0 writes 1 then 2; CPU1 reads x once.
 * "saw_one" is reachable (CPU1 reads between the writes); "saw_three" is
 * reached but its condition never holds (with pad set); "never" is
 * declared and never executed: each of the last two fails the search.
 */
static void body_w12(struct xp_ctx *x, void *s)
{
	xp_write(x, &((struct toy *)s)->v[0], 1);
	xp_write(x, &((struct toy *)s)->v[0], 2);
}

static void body_sometimes(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	long v = xp_read(x, &t->v[0]);

	xp_sometimes_if(x, "saw_one", v == 1);
	if (t->pad)
		xp_sometimes_if(x, "saw_three", v == 3);
	if (v == 3)
		xp_sometimes(x, "never");
}

static void test_sometimes(void **state)
{
	static const char *const ok[] = { "saw_one", NULL };
	static const char *const unreached[] = { "saw_one", "never", NULL };
	struct toy t = { 0 };
	struct xp_test xt = toy_test("sometimes", 2, &t);
	struct xp_result r;

	xt.cpu[0] = body_w12;
	xt.cpu[1] = body_sometimes;
	xt.sometimes = ok;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);

	t.pad = 1;	/* also undeclared ones must come true */
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_SOMETIMES);
	assert_non_null(strstr(r.msg, "'saw_three' was reached but never true"));
	xp_result_free(&r);

	t.pad = 0;
	xt.sometimes = unreached;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_SOMETIMES);
	assert_non_null(strstr(r.msg, "'never' was never reached"));
	xp_result_free(&r);

	/* bound 0: CPU1 never runs between the writes, the window stays shut */
	xt.sometimes = ok;
	xt.opts = (struct xp_opts){ .bounding = XP_BOUND, .bound = 0 };
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_SOMETIMES);
	xp_result_free(&r);
}

/*
 *   v[0] = x; each CPU adds 2 then subtracts 1 (atomically).
 * The invariant x <= 3 breaks only when both adds precede both
 * subtractions (x = 4 for one step); it runs after every step and catches
 * that state, two steps into the run.
 */
static void body_add2_sub1(struct xp_ctx *x, void *s)
{
	xp_add(x, &((struct toy *)s)->v[0], 2);
	xp_add(x, &((struct toy *)s)->v[0], -1);
}

static void inv_le3(struct xp_ctx *x, void *s)
{
	xp_assert(x, ((struct toy *)s)->v[0] <= 3);
}

static void test_invariant(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("invariant", 2, &t);
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_add2_sub1;
	xt.invariant = inv_le3;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_INVARIANT);
	assert_non_null(strstr(r.msg, "inv_le3 (test_explore.c:"));
	assert_non_null(strstr(r.msg, "assertion '((struct toy *)s)->v[0] <= 3' failed"));
	assert_int_equal(r.ntrace, 2);
	assert_int_equal(r.preemptions, 1);
	xp_result_free(&r);
}

/*
 * An assertion deep inside a body (frames with arrays on the coroutine
 * stack) ends the schedule with the CPU, file and line; the stack is
 * abandoned and reused by later runs.
 */
static long deep(struct xp_ctx *x, struct toy *t, int depth)
{
	volatile char pad[128];

	pad[0] = (char)depth;
	if (depth == 0) {
		long v = xp_read(x, &t->v[0]);

		xp_assert(x, v != 1, "read %ld at depth %d", v, pad[0]);
		return v;
	}
	return deep(x, t, depth - 1) + pad[0];
}

static void body_deep(struct xp_ctx *x, void *s)
{
	deep(x, s, 20);
}

static void test_assert_in_body(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("assert", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .no_por = true };
	struct xp_result r;

	xt.cpu[0] = body_w12;
	xt.cpu[1] = body_deep;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_non_null(strstr(r.msg, "cpu1 in deep (test_explore.c:"));
	assert_non_null(strstr(r.msg, "assertion 'v != 1' failed: read 1 at depth 0"));
	xp_result_free(&r);
	/* the same bodies, checked differently, run all schedules on the
	 * stacks the failing runs abandoned */
	xt.cpu[1] = body_reader;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 3);
	xp_result_free(&r);
}

/*
 *   lock[0] = A, lock[1] = B (toy mutexes).
 * CPU0 takes A then B, CPU1 B then A: a deadlock with one preemption.
 */
static void take_two(struct xp_ctx *x, struct toy *t, int first, int second)
{
	xp_lock(x, &t->lock[first]);
	xp_lock(x, &t->lock[second]);
	xp_add(x, &t->v[0], 1);
	xp_unlock(x, &t->lock[second]);
	xp_unlock(x, &t->lock[first]);
}

static void body_ab(struct xp_ctx *x, void *s)
{
	take_two(x, s, 0, 1);
}

static void body_ba(struct xp_ctx *x, void *s)
{
	take_two(x, s, 1, 0);
}

static void test_deadlock(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("deadlock", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r;

	xt.cpu[0] = body_ab;
	xt.cpu[1] = body_ba;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_DEADLOCK);
	assert_int_equal(r.preemptions, 1);
	assert_non_null(strstr(r.msg, "cpu0 waits in take_two (LOCK lock+4)"));
	assert_non_null(strstr(r.msg, "cpu1 waits in take_two (LOCK lock+0)"));
	xp_result_free(&r);

	/* same order on both CPUs: mutual exclusion, no deadlock, and the
	 * counter is exact in every schedule */
	xt.cpu[1] = body_ab;
	xt.final = final_two;
	o.bounding = XP_NO_BOUND;
	run_ok(&xt, &o, &r);
	assert_true(r.stats.schedules >= 2);
	xp_result_free(&r);
}

/* A body that spins on a flag nobody sets exceeds the step limit. */
static void body_spin(struct xp_ctx *x, void *s)
{
	while (!xp_read(x, &((struct toy *)s)->v[1]))
		;
}

static void test_step_limit(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("spin", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .max_steps = 50 };
	struct xp_result r;

	xt.cpu[0] = body_spin;
	xt.cpu[1] = body_w12;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_STEPS);
	assert_int_equal(r.ntrace, 50);
	xp_result_free(&r);
}

/* A body whose behaviour depends on something outside the schedule is
 * caught when a replayed prefix does not match. */
static void body_nondet(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	/* the number of steps changes from run to run */
	t->finals++;
	for (unsigned long i = 0; i < 1 + t->finals % 2; i++)
		xp_write(x, &t->v[0], 1);
}

static void test_nondeterminism(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("nondet", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .no_por = true };
	struct xp_result r;

	xt.cpu[0] = body_nondet;
	xt.cpu[1] = body_w12;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_NONDET);
	xp_result_free(&r);
}

/* Knuth's estimator: 2 CPUs of 5 steps have C(10, 5) = 252 unreduced
 * schedules; 2000 probes land close, and the estimate is reproducible. */
static void test_estimate(void **state)
{
	struct toy t = { .steps = { 5, 5 } };
	struct xp_test xt = toy_test("estimate", 2, &t);
	struct xp_opts o = { .seed = 3 };
	double e1, e2;

	xt.cpu[0] = xt.cpu[1] = body_steps;
	e1 = xp_estimate(&xt, &o, 2000);
	e2 = xp_estimate(&xt, &o, 2000);
	assert_true(e1 == e2);
	assert_true(e1 > 200 && e1 < 310);
	/* bound 0: exactly two schedules, every probe sees it */
	o.bounding = XP_BOUND;
	assert_true(xp_estimate(&xt, &o, 10) == 2.0);
}

/* -------------------------------------------------------------------------
 * Events
 *
 *   tlb[1]: 0 while CPU1 holds a stale TLB entry, 1 once flushed.  CPU0
 *   writes v[0], then posts a "flush" to CPU1 (handler: tlb[1] = 1) and
 *   waits for it (sync) or not (async).  CPU1 reads tlb[1] three times.
 */
static void flush_handler(struct xp_ctx *x, void *arg)
{
	struct toy *t = arg;
	int c = xp_cpu(x);

	t->tlb[c] = 1;		/* the stale entry is gone */
	t->flushed[c]++;
	t->pending--;
}

static bool flushes_done(void *arg)
{
	return ((struct toy *)arg)->pending == 0;
}

static void body_flusher(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_write(x, &t->v[0], 1);
	xp_point(x, SCHED_TLB_FLUSH, 0, 0);
	t->pending++;
	xp_post(x, 1, SCHED_TLB_FLUSH, 0, 0, flush_handler, t);
	if (t->shared) {	/* synchronous */
		xp_wait(x, SCHED_YIELD, (uint64_t)(uintptr_t)&t->pending, sizeof(t->pending),
			flushes_done, t);
		xp_assert(x, t->flushed[1] == 1, "returned before the flush reached cpu1");
	}
}

static void body_tlb_reader(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	for (int i = 0; i < 3; i++)
		t->seen[1] += xp_read(x, &t->tlb[1]);
}

static void final_outcome(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_assert(x, t->flushed[1] == 1);
	t->outcomes |= 1UL << t->seen[1];
}

/* The delivery point is a choice like any other: CPU1's three reads see
 * the flushed value 0, 1, 2 or 3 times across the explored schedules,
 * with and without reduction, and a synchronous flush always lands before
 * the poster continues. */
static void test_events(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("events", 2, &t);
	struct xp_result r;

	xt.cpu[0] = body_flusher;
	xt.cpu[1] = body_tlb_reader;
	xt.final = final_outcome;
	for (int sync = 0; sync < 2; sync++)
		for (int no_por = 0; no_por < 2; no_por++) {
			struct xp_opts o = { .strategy = XP_DFS, .no_por = no_por };

			t.shared = sync;
			t.outcomes = 0;
			run_ok(&xt, &o, &r);
			assert_int_equal(t.outcomes, 0xf);
			xp_result_free(&r);
		}
}

/*
 * The classic use-after-unmap shape: CPU0 clears the mapping (v[0] = 1 means
 * "freed") after posting an asynchronous flush; CPU1 may still use its
 * stale TLB entry after the page is freed.  The failure's string names the
 * event delivery, and replaying it reproduces the failure.
 */
static void final_seen2(struct xp_ctx *x, void *s)
{
	xp_assert(x, ((struct toy *)s)->seen[1] != 2, "two reads after the flush");
}

static void body_async_unmap(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_point(x, SCHED_TLB_FLUSH, 0, 0);
	t->pending++;
	xp_post(x, 1, SCHED_TLB_FLUSH, 0, 0, flush_handler, t);
	xp_write(x, &t->v[1], 1);		/* page freed */
}

static void body_use_tlb(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	long stale = xp_read(x, &t->tlb[1]) == 0;	/* still the old mapping */
	long freed = xp_read(x, &t->v[1]);

	xp_assert(x, !(stale && freed), "used a freed page through a stale TLB entry");
}

static void test_event_race(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("event_race", 2, &t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r, p;

	xt.cpu[0] = body_async_unmap;
	xt.cpu[1] = body_use_tlb;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_non_null(strstr(r.msg, "stale TLB"));
	xp_replay(&xt, r.schedule, &p);
	assert_int_equal(p.kind, XP_FAIL_ASSERT);
	assert_string_equal(p.msg, r.msg);
	xp_result_free(&p);
	xp_result_free(&r);

	/* a failure that needs the delivery between CPU1's reads: its
	 * string carries the delivery and replays; a wrong checksum or a
	 * wrong target diverges */
	xt.cpu[1] = body_tlb_reader;
	xt.final = final_seen2;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.schedule, "e0>1"));
	xp_replay(&xt, r.schedule, &p);
	assert_int_equal(p.kind, XP_FAIL_FINAL);
	assert_string_equal(p.msg, r.msg);
	xp_result_free(&p);
	xp_result_free(&r);
	assert_int_equal(xp_replay(&xt, "xp1:dpor:-:0.e0>1.0.1*3:00000000", &p), -1);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(p.msg, "checksum"));
	xp_result_free(&p);
	xp_replay(&xt, "xp1:dpor:-:0.e0>0.0.1*3:00000000", &p);
	assert_int_equal(p.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(p.msg, "event e0 goes to cpu1, not cpu0"));
	xp_result_free(&p);
}

/* -------------------------------------------------------------------------
 * Eight CPUs
 *
 *   v[0] = counter; 8 CPUs each add 1 under lock[0] (or not).
 */
static void body_locked_add(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_lock(x, &t->lock[0]);
	long v = xp_read(x, &t->v[0]);

	xp_write(x, &t->v[0], v + 1);
	xp_unlock(x, &t->lock[0]);
}

static void final_eight(struct xp_ctx *x, void *s)
{
	xp_assert(x, ((struct toy *)s)->v[0] == 8);
}

static void body_plain_add(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	long v = xp_read(x, &t->v[0]);

	xp_write(x, &t->v[0], v + 1);
}

static void test_eight_cpus(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("eight", 8, &t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_BOUND, .bound = 1 };
	struct xp_result r;

	for (int c = 0; c < 8; c++)
		xt.cpu[c] = body_locked_add;
	xt.final = final_eight;
	run_ok(&xt, &o, &r);
	assert_true(r.stats.schedules > 8);
	xp_result_free(&r);
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 1, .max_schedules = 300 };
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 300);
	xp_result_free(&r);
	for (int c = 0; c < 8; c++)
		xt.cpu[c] = body_plain_add;
	o = (struct xp_opts){ .strategy = XP_PCT, .seed = 5, .max_schedules = 1000,
			      .pct_depth = 2 };
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * The model's locks and IPIs (model/cpu.c) on a hand-built machine: only
 * the fields cpu.c uses (nr_cpus, cur_cpu, sched, fail) are set.
 */
static void *mach_setup(struct xp_ctx *x, void *arg)
{
	struct toy *t = toy_setup(x, arg);

	memset(t->m, 0, sizeof(*t->m));
	t->m->nr_cpus = 3;
	xp_attach_machine(x, t->m);
	return t;
}

static void body_spin_add(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	struct machine *m = t->m;
	SCHED_WHERE(m);

	xp_assert(x, m->cur_cpu == xp_cpu(x));
	spin_lock(m, &t->sl[0]);
	xp_assert(x, assert_spin_locked(m, &t->sl[0]));
	long v = xp_read(x, &t->v[0]);

	xp_write(x, &t->v[0], v + 1);
	spin_unlock(m, &t->sl[0]);
	xp_assert(x, m->cur_cpu == xp_cpu(x));
}

static void final_two_plus(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_assert(x, t->v[0] == 2);
	xp_assert(x, !t->m->fail.failed, "%s", t->m->fail.msg);
}

static void body_reader_sem(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	struct machine *m = t->m;

	down_read(m, &t->sem);
	xp_assert(x, rwsem_held(m, &t->sem) && !rwsem_write_held(m, &t->sem));
	xp_add(x, &t->v[1], 1);
	xp_sometimes_if(x, "two_readers", xp_read(x, &t->v[1]) == 2);
	xp_add(x, &t->v[1], -1);
	up_read(m, &t->sem);
}

static void body_writer_sem(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	struct machine *m = t->m;

	down_write(m, &t->sem);
	xp_assert(x, xp_read(x, &t->v[1]) == 0, "a reader is inside");
	xp_assert(x, rwsem_write_held(m, &t->sem));
	up_write(m, &t->sem);
}

/* The writer sets v[2]; a reader sees it set or not, depending on who went first */
static void body_writer_sets(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	down_write(t->m, &t->sem);
	xp_write(x, &t->v[2], 1);
	up_write(t->m, &t->sem);
}

static void body_reader_looks(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	long v;

	down_read(t->m, &t->sem);
	v = xp_read(x, &t->v[2]);
	xp_sometimes_if(x, "reader_first", v == 0);
	xp_sometimes_if(x, "writer_first", v == 1);
	up_read(t->m, &t->sem);
}

static void ipi_count(struct machine *m, void *info)
{
	struct toy *t = info;

	t->flushed[m->cur_cpu]++;
}

static void body_on_each_cpu(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	on_each_cpu_op(t->m, SCHED_TLB_FLUSH, 0, 0, ipi_count, t, true);
	for (int c = 0; c < 3; c++)
		xp_assert(x, t->flushed[c] == 1, "cpu%d did not run it", c);
}

static void body_idle(struct xp_ctx *x, void *s)
{
	xp_yield(x);
}

static void test_model_locks(void **state)
{
	static const char *const two_readers[] = { "two_readers", NULL };
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m };
	struct xp_test xt = { .name = "model_locks", .ncpus = 2, .setup = mach_setup,
			      .arg = &t };
	struct xp_result r;

	assert_non_null(m);
	xt.cpu[0] = xt.cpu[1] = body_spin_add;
	xt.final = final_two_plus;
	run_ok(&xt, NULL, &r);
	assert_true(r.stats.schedules >= 2);
	xp_result_free(&r);
	assert_null(m->sched);		/* detached after each run */

	/* without the lock the same bodies lose an update */
	xt.cpu[0] = xt.cpu[1] = body_plain_add;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	xp_result_free(&r);

	/* rwsem: readers share, a writer excludes them */
	xt.ncpus = 3;
	xt.cpu[0] = xt.cpu[1] = body_reader_sem;
	xt.cpu[2] = body_writer_sem;
	xt.final = NULL;
	xt.sometimes = two_readers;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);

	/*
	 * Both orders of a writer (CPU0, scheduled first) and a reader: the
	 * reader's down_read after up_write is no race to reverse (it waits
	 * while the writer holds the lock); the acquires are.
	 */
	{
		static const char *const both_orders[] = { "reader_first", "writer_first", NULL };

		xt.ncpus = 2;
		xt.cpu[0] = body_writer_sets;
		xt.cpu[1] = body_reader_looks;
		xt.sometimes = both_orders;
		run_ok(&xt, NULL, &r);
		assert_int_equal(r.stats.schedules, 2);
		xp_result_free(&r);
		xt.ncpus = 3;
	}

	/* a synchronous IPI has run everywhere when on_each_cpu returns */
	xt.cpu[0] = body_on_each_cpu;
	xt.cpu[1] = xt.cpu[2] = body_idle;
	xt.sometimes = NULL;
	run_ok(&xt, NULL, &r);
	assert_true(r.stats.schedules > 1);
	xp_result_free(&r);

	/* without an explorer: an IPI runs on every CPU at once, a second
	 * spin_lock by the owner is a recorded simulated failure */
	memset(m, 0, sizeof(*m));
	m->nr_cpus = 3;
	m->cur_cpu = 1;
	memset(t.flushed, 0, sizeof(t.flushed));
	on_each_cpu(m, ipi_count, &t, true);
	assert_int_equal(t.flushed[0] + t.flushed[1] + t.flushed[2], 3);
	assert_int_equal(m->cur_cpu, 1);
	spin_lock(m, &t.sl[0]);
	assert_false(m->fail.failed);
	spin_lock(m, &t.sl[0]);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "spinlock recursion on CPU#1"));
	free(m);
}

/* A lock-order deadlock between model spinlocks, labelled by SCHED_WHERE. */
static void body_spin_ab(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	struct machine *m = t->m;
	spinlock_t *a = &t->sl[0], *b = &t->sl[1];
	SCHED_WHERE(m);

	if (xp_cpu(x)) {
		spinlock_t *tmp = a;

		a = b;
		b = tmp;
	}
	spin_lock(m, a);
	spin_lock(m, b);
	spin_unlock(m, b);
	spin_unlock(m, a);
}

static void test_model_deadlock(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m };
	struct xp_test xt = { .name = "model_deadlock", .ncpus = 2, .setup = mach_setup,
			      .arg = &t };
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_spin_ab;
	xt.opts.bounding = XP_ITERATIVE;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_DEADLOCK);
	assert_non_null(strstr(r.msg, "cpu0 waits in body_spin_ab (LOCK"));
	assert_int_equal(r.preemptions, 1);
	xp_result_free(&r);
	free(m);
}

/* -------------------------------------------------------------------------
 * A real machine: the struct page refcount RMWs of the model are
 * scheduling points, m->cur_cpu follows the running CPU.
 *
 *   one node of 64 MiB, 2 CPUs; pfn P = a page allocated in setup
 *   (refcount 1), its struct page already in both CPUs' TLBs.  Each CPU:
 *   get_page_unless_zero(P), then drops it.
 * Four atomic RMWs on one word: every order is its own class.
 */
struct real {
	struct machine *m;
	unsigned long pfn;
};

static void *real_setup(struct xp_ctx *x, void *arg)
{
	struct real *rl = arg;

	rl->m = t_machine(1, 64, 2);
	rl->pfn = alloc_pages_node(rl->m, 0, GFP_KERNEL, 0);
	xp_assert(x, rl->pfn != PFN_NONE && page_ref_count(rl->m, rl->pfn) == 1);
	/* warm both CPUs' TLBs, so the run has no page walks of its own */
	for (int c = 1; c >= 0; c--) {
		rl->m->cur_cpu = c;
		page_ref_count(rl->m, rl->pfn);
	}
	xp_attach_machine(x, rl->m);
	return rl;
}

static void real_teardown(struct xp_ctx *x, void *s)
{
	struct real *rl = s;

	__free_pages(rl->m, rl->pfn, 0);
	t_check(rl->m);
	machine_destroy(rl->m);
}

static void body_get_put(struct xp_ctx *x, void *s)
{
	struct real *rl = s;

	xp_assert(x, get_page_unless_zero(rl->m, rl->pfn));
	xp_assert(x, rl->m->cur_cpu == xp_cpu(x));
	page_ref_add_return(rl->m, rl->pfn, -1);
}

static void real_final(struct xp_ctx *x, void *s)
{
	struct real *rl = s;

	xp_assert(x, page_ref_count(rl->m, rl->pfn) == 1);
}

static void test_real_machine(void **state)
{
	struct real rl = { 0 };
	struct xp_test xt = { .name = "real", .ncpus = 2, .setup = real_setup,
			      .teardown = real_teardown, .final = real_final, .arg = &rl };
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_get_put;
	run_ok(&xt, NULL, &r);
	/* four atomic RMWs on one word, two per CPU: C(4, 2) orders */
	assert_int_equal(r.stats.schedules, 6);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Cross-check on random programs: the set of final outcomes (variable
 * values and every value each CPU read) is the same for the unreduced
 * search and DPOR; bounded searches reach growing subsets of it.
 * Programs use reads, writes, RMWs, yields, properly nested toy mutexes
 * and asynchronous events that write a variable.
 */
enum { R_READ, R_WRITE, R_ADD, R_YIELD, R_LOCK, R_POST, R_NOPS };

struct rprog {
	int ncpus;
	int len[3];
	struct { int op, var; } ops[3][6];
	/* outcome set, kept across schedules */
	uint64_t *set;
	size_t nset, cap;
	struct toy st;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static void *rprog_setup(struct xp_ctx *x, void *arg)
{
	struct rprog *p = arg;

	toy_setup(x, &p->st);
	return p;
}

static void ev_write(struct xp_ctx *x, void *arg)
{
	long *v = arg;

	*v = *v * 3 + 7;
}

static void body_rprog(struct xp_ctx *x, void *s)
{
	struct rprog *p = s;
	struct toy *t = &p->st;
	int c = xp_cpu(x);
	long acc = c + 1;

	for (int i = 0; i < p->len[c]; i++) {
		int var = p->ops[c][i].var;

		switch (p->ops[c][i].op) {
		case R_READ:
			acc = acc * 31 + xp_read(x, &t->v[var]);
			break;
		case R_WRITE:
			xp_write(x, &t->v[var], acc * 10 + i);
			break;
		case R_ADD:
			acc = acc * 17 + xp_add(x, &t->v[var], c + 1);
			break;
		case R_YIELD:
			xp_yield(x);
			break;
		case R_LOCK:	/* lock var&1 around the next op */
			xp_lock(x, &t->lock[var & 1]);
			if (i + 1 < p->len[c]) {
				i++;
				acc = acc * 13 + xp_add(x, &t->v[p->ops[c][i].var], 1);
			}
			xp_unlock(x, &t->lock[var & 1]);
			break;
		case R_POST:
			xp_post(x, (c + 1 + var) % p->ncpus, SCHED_WRITE,
				(uint64_t)(uintptr_t)&t->v[var], sizeof(long), ev_write,
				&t->v[var]);
			break;
		}
	}
	t->seen[c] = acc;
}

static void rprog_final(struct xp_ctx *x, void *s)
{
	struct rprog *p = s;
	uint64_t h = 0;

	for (int i = 0; i < 3; i++)
		h = mix(h, (uint64_t)p->st.v[i]);
	for (int c = 0; c < p->ncpus; c++)
		h = mix(h, (uint64_t)p->st.seen[c]);
	for (size_t i = 0; i < p->nset; i++)
		if (p->set[i] == h)
			return;
	if (p->nset == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->set = realloc(p->set, p->cap * sizeof(*p->set));
		assert_non_null(p->set);
	}
	p->set[p->nset++] = h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Explore and return the sorted outcome set (caller frees) */
static uint64_t *outcomes(struct rprog *p, const struct xp_opts *o, size_t *n,
			  unsigned long *schedules)
{
	struct xp_test xt = { .name = "rprog", .ncpus = p->ncpus, .setup = rprog_setup,
			      .final = rprog_final, .arg = p };
	struct xp_result r;
	uint64_t *s;

	for (int c = 0; c < p->ncpus; c++)
		xt.cpu[c] = body_rprog;
	p->set = NULL;
	p->nset = p->cap = 0;
	run_ok(&xt, o, &r);
	*schedules = r.stats.schedules;
	xp_result_free(&r);
	qsort(p->set, p->nset, sizeof(*p->set), cmp_u64);
	s = p->set;
	*n = p->nset;
	p->set = NULL;
	return s;
}

/* 2 CPUs of 2..5 operations or 3 CPUs of 1..3, at most one event */
static void gen_prog(struct rprog *p, uint64_t *seed)
{
	bool posted = false;

	memset(p, 0, sizeof(*p));
	p->ncpus = 2 + (int)(*seed >> 61) % 2;
	for (int c = 0; c < p->ncpus; c++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		p->len[c] = p->ncpus == 2 ? 2 + (int)((*seed >> 40) % 4)
					  : 1 + (int)((*seed >> 40) % 3);
		for (int i = 0; i < p->len[c]; i++) {
			*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
			p->ops[c][i].op = (int)((*seed >> 33) % R_NOPS);
			p->ops[c][i].var = (int)((*seed >> 45) % 3);
			if (p->ops[c][i].op == R_POST && posted)
				p->ops[c][i].op = R_READ;
			posted |= p->ops[c][i].op == R_POST;
		}
	}
}

static void test_crosscheck(void **state)
{
	uint64_t seed = 12345;
	unsigned long reduced = 0, full = 0;
	int checked = 0;

	for (int prog = 0; prog < 80; prog++) {
		struct rprog p;
		size_t nf, n;
		unsigned long sf, s;
		uint64_t *ref, *got;
		struct xp_opts o = { .strategy = XP_DFS, .no_por = true };
		struct xp_test xt = { .name = "rprog", .setup = rprog_setup, .arg = &p };

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		gen_prog(&p, &seed);
		xt.ncpus = p.ncpus;
		for (int c = 0; c < p.ncpus; c++)
			xt.cpu[c] = body_rprog;
		if (xp_estimate(&xt, &o, 64) > 20000)
			continue;	/* keep the unreduced search small */
		checked++;
		ref = outcomes(&p, &o, &nf, &sf);
		o.no_por = false;
		got = outcomes(&p, &o, &n, &s);
		if (n != nf || memcmp(ref, got, n * sizeof(*got)))
			fail_msg("program %d: DPOR reached %zu outcomes, plain DFS %zu", prog, n,
				 nf);
		assert_true(s <= sf);
		reduced += s;
		full += sf;
		free(got);
		/* bounded searches: outcome sets grow with the bound, stay
		 * within the full set, and reach it with a bound as large as
		 * the longest run */
		size_t nprev = 0;

		for (unsigned int b = 0; b <= 2; b++) {
			o = (struct xp_opts){ .strategy = XP_DFS, .bounding = XP_BOUND,
					      .bound = b };
			got = outcomes(&p, &o, &n, &s);
			assert_true(n >= nprev && n <= nf);
			for (size_t i = 0; i < n; i++)
				assert_non_null(bsearch(&got[i], ref, nf, sizeof(*ref), cmp_u64));
			nprev = n;
			free(got);
		}
		o = (struct xp_opts){ .strategy = XP_DFS, .bounding = XP_BOUND, .bound = 40 };
		got = outcomes(&p, &o, &n, &s);
		assert_int_equal(s, sf);
		assert_true(n == nf && !memcmp(ref, got, n * sizeof(*got)));
		free(got);
		free(ref);
	}
	/* enough programs were checked, and the reduction did reduce */
	print_message("crosscheck: %d programs, %lu reduced vs %lu unreduced schedules\n",
		      checked, reduced, full);
	assert_true(checked >= 50);
	assert_true(reduced * 2 < full);
}

/* -------------------------------------------------------------------------
 * Bad tests and bad options: XP_FAIL_USAGE with a message, nothing run
 */
static unsigned long teardowns;

static void count_teardown(struct xp_ctx *x, void *s)
{
	teardowns++;
}

static void *setup_small_machine(struct xp_ctx *x, void *arg)
{
	struct toy *t = toy_setup(x, arg);

	memset(t->m, 0, sizeof(*t->m));
	t->m->nr_cpus = 1;
	xp_attach_machine(x, t->m);	/* the test runs 2 CPUs */
	return t;
}

static void *setup_fails(struct xp_ctx *x, void *arg)
{
	xp_fail(x, "no state for %s", "this run");
	return toy_setup(x, arg);
}

static bool never_ready(void *arg)
{
	return false;
}

static bool always_ready(void *arg)
{
	return true;
}

static void *setup_waits(struct xp_ctx *x, void *arg)
{
	struct toy *t = toy_setup(x, arg);

	/* a wait that holds is fine outside a CPU; one that would block is not */
	xp_wait(x, SCHED_LOCK, 0, 0, always_ready, NULL);
	xp_point(x, SCHED_READ, 0, 8);		/* not a CPU: no point */
	if (t->pad)
		xp_wait(x, SCHED_LOCK, 0, 0, never_ready, NULL);
	return t;
}

static void test_usage_errors(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m };
	struct xp_test xt = toy_test("usage", 2, &t);
	struct xp_opts o = { 0 };
	struct xp_result r;

	/* CPU counts outside 1..16, a missing body */
	xt.ncpus = 0;
	assert_int_equal(xp_explore(&xt, NULL, &r), -1);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "test has 0 CPUs (1..16)");
	xp_result_free(&r);
	xt.ncpus = XP_MAX_CPUS + 1;
	assert_int_equal(xp_shrink(&xt, "xp1:dfs:-:0:00000000", &r), -1);
	assert_string_equal(r.msg, "test has 17 CPUs (1..16)");
	xp_result_free(&r);
	assert_true(xp_estimate(&xt, NULL, 10) == -1);
	xt.ncpus = 2;
	xt.cpu[0] = body_w12;
	assert_int_equal(xp_explore(&xt, NULL, &r), -1);
	assert_string_equal(r.msg, "CPU 1 has no body");
	xp_result_free(&r);

	/* CPU stacks the host cannot map; a small stack that works */
	xt.cpu[1] = body_reader;
	o.stack_size = (size_t)1 << 62;
	assert_int_equal(xp_explore(&xt, &o, &r), -1);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "cannot allocate CPU stacks");
	xp_result_free(&r);
	o.stack_size = 128 << 10;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 3);
	xp_result_free(&r);

	/* a machine with fewer CPUs than the test: setup fails, teardown
	 * still runs, the failure has no steps ("-") */
	xt.setup = setup_small_machine;
	xt.teardown = count_teardown;
	teardowns = 0;
	assert_int_equal(xp_explore(&xt, NULL, &r), -1);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "machine has 1 CPUs, the test runs 2");
	assert_int_equal(teardowns, 1);
	assert_int_equal(r.ntrace, 0);
	assert_non_null(strstr(r.schedule, "xp1:dpor:-:-:"));
	xp_result_free(&r);

	/* xp_fail in setup is a usage failure at setup's line */
	xt.setup = setup_fails;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_non_null(strstr(r.msg, "setup_fails (test_explore.c:"));
	assert_non_null(strstr(r.msg, "): no state for this run"));
	xp_result_free(&r);

	/* only CPU bodies may block */
	xt.setup = setup_waits;
	t.pad = 0;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);
	t.pad = 1;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "setup blocks in setup_waits: only CPU bodies may wait");
	xp_result_free(&r);
	free(m);
}

/*
 * Events a test may not post: to a CPU that does not exist (in the test, or
 * on the attached machine), or more distinct events than the explorer has
 * thread slots for (128, CPUs included).
 */
static void body_post_to(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	for (int i = 0; i < t->steps[0]; i++)
		xp_post(x, t->pad, SCHED_WRITE, 0, 8, flush_handler, t);
	xp_yield(x);
}

static void test_bad_events(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m, .steps = { 1 } };
	struct xp_test xt = toy_test("bad_events", 2, &t);
	struct xp_result r;

	assert_non_null(m);
	xt.cpu[0] = body_post_to;
	xt.cpu[1] = body_idle;
	t.pad = -1;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "event posted to CPU -1, which does not exist");
	xp_result_free(&r);
	t.pad = XP_MAX_CPUS;
	xp_explore(&xt, NULL, &r);
	assert_string_equal(r.msg, "event posted to CPU 16, which does not exist");
	xp_result_free(&r);
	/* the attached machine has 3 CPUs: CPU 3 does not exist */
	xt.setup = mach_setup;
	t.pad = 3;
	xp_explore(&xt, NULL, &r);
	assert_string_equal(r.msg, "event posted to CPU 3, which does not exist");
	xp_result_free(&r);
	/* 2 CPUs + 126 events fill the table; the 127th has no slot */
	xt.setup = toy_setup;
	t.pad = 1;
	t.steps[0] = XP_MAX_THREADS - 2 + 1;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "more than 128 CPUs and distinct events");
	xp_result_free(&r);
	free(m);
}

/* -------------------------------------------------------------------------
 * Where a failure is recorded, and what it says
 */
static void handler_asserts(struct xp_ctx *x, void *arg)
{
	xp_assert(x, xp_cpu(x) != 1, "delivered to cpu%d", xp_cpu(x));
}

static void body_post_failing(struct xp_ctx *x, void *s)
{
	xp_post(x, 1, SCHED_TLB_FLUSH, 0, 0, handler_asserts, s);
	xp_yield(x);
}

static void teardown_fails(struct xp_ctx *x, void *s)
{
	xp_fail(x, "teardown found %d leaks", 2);
}

static void final_two_failures(struct xp_ctx *x, void *s)
{
	xp_assert(x, 0, "first");
	xp_assert(x, 0, "second");
}

static void final_plain_file(struct xp_ctx *x, void *s)
{
	xp_fail_at(x, "plain.c", 7, "checker", "no directory in %s", "the path");
}

static void body_assert_at_once(struct xp_ctx *x, void *s)
{
	xp_assert(x, 0, "before any point");
}

static void body_bad_unlock(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_yield(x);
	spin_unlock(t->m, &t->sl[0]);	/* never taken */
	xp_yield(x);
}

static void test_failure_kinds(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m };
	struct xp_test xt = toy_test("kinds", 2, &t);
	struct xp_result r;

	assert_non_null(m);
	/* an assertion in an event handler names the event's CPU */
	xt.cpu[0] = body_post_failing;
	xt.cpu[1] = body_idle;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_non_null(strstr(r.msg, "event on cpu1 in handler_asserts (test_explore.c:"));
	assert_non_null(strstr(r.msg, "assertion 'xp_cpu(x) != 1' failed: delivered to cpu1"));
	xp_result_free(&r);

	/* teardown checks count as final checks */
	xt.cpu[0] = xt.cpu[1] = body_idle;
	xt.teardown = teardown_fails;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.msg, "teardown_fails (test_explore.c:"));
	assert_non_null(strstr(r.msg, "teardown found 2 leaks"));
	xp_result_free(&r);
	xt.teardown = NULL;

	/* a check that fails twice reports its first failure */
	xt.final = final_two_failures;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.msg, "failed: first"));
	xp_result_free(&r);
	/* a file name without a directory is printed as it is */
	xt.final = final_plain_file;
	xp_explore(&xt, NULL, &r);
	assert_string_equal(r.msg, "checker (plain.c:7): no directory in the path");
	xp_result_free(&r);
	xt.final = NULL;

	/* failing before the first scheduling point: no step, string "-" */
	xt.cpu[1] = body_assert_at_once;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_int_equal(r.ntrace, 0);
	assert_non_null(strstr(r.schedule, "xp1:dpor:-:-:"));
	xp_result_free(&r);

	/* a simulated kernel failure on the attached machine ends the run */
	xt.setup = mach_setup;
	xt.cpu[1] = body_bad_unlock;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_MODEL);
	assert_string_equal(r.msg, "BUG: spinlock already unlocked on CPU#1");
	xp_result_free(&r);

	/* without a setup the bodies get the test's arg as their state */
	xt.setup = NULL;
	xt.cpu[0] = body_w12;
	xt.cpu[1] = body_reader;
	memset(&t.v, 0, sizeof(t.v));
	run_ok(&xt, NULL, &r);
	assert_int_equal(r.stats.schedules, 3);
	assert_int_equal(t.v[0], 2);
	xp_result_free(&r);
	free(m);
}

/*
 *   lock[0] = A, lock[1] = B; CPU0 A then B, CPU1 B then A, CPU2 neither.
 * The deadlock report names the two waiting CPUs, not the finished one.
 */
static void test_deadlock_names_the_waiters(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("deadlock3", 3, &t);
	struct xp_opts o = { .strategy = XP_DFS, .bounding = XP_ITERATIVE };
	struct xp_result r;

	xt.cpu[0] = body_ab;
	xt.cpu[1] = body_ba;
	xt.cpu[2] = body_writer;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_DEADLOCK);
	assert_non_null(strstr(r.msg, ": cpu0 waits in take_two (LOCK lock+4), cpu1 waits in "
			       "take_two (LOCK lock+0)"));
	assert_null(strstr(r.msg, "cpu2"));
	xp_result_free(&r);
}

/*
 *   v[0] = x; each CPU: do { old = x; } while (!cas(x, old, old + 1)).
 * Lock-free increments never lose an update, and some schedule makes a
 * CAS fail and retry.
 */
static void body_cas_incr(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	long old;

	for (;;) {
		old = xp_read(x, &t->v[0]);
		if (xp_cas(x, &t->v[0], old, old + 1))
			break;
		xp_sometimes(x, "cas_retry");
	}
}

static void test_cas(void **state)
{
	static const char *const retry[] = { "cas_retry", NULL };
	struct toy t = { 0 };
	struct xp_test xt = toy_test("cas", 2, &t);
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_cas_incr;
	xt.final = final_two;
	xt.sometimes = retry;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);
}

/* A sometimes point is the same point whatever string carries its name. */
static void body_sometimes_built(struct xp_ctx *x, void *s)
{
	char name[16];

	snprintf(name, sizeof(name), "built_%d", 1);
	xp_write(x, &((struct toy *)s)->v[xp_cpu(x)], 1);
	xp_sometimes(x, name);
}

static void test_sometimes_by_name(void **state)
{
	static const char *const declared[] = { "built_1", NULL };
	struct toy t = { 0 };
	struct xp_test xt = toy_test("sometimes_name", 2, &t);
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_sometimes_built;
	xt.sometimes = declared;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);
}

/*
 * More sometimes points than the explorer tracks (32) must not be dropped
 * silently: a dropped point that never comes true would let the test pass.
 * 33 declared points, the last never reached; 33 undeclared points, the
 * last never true: both are usage errors, not passes.
 */
static const char *const many_points[] = {
	"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10",
	"p11", "p12", "p13", "p14", "p15", "p16", "p17", "p18", "p19", "p20", "p21",
	"p22", "p23", "p24", "p25", "p26", "p27", "p28", "p29", "p30", "p31", "p32",
	NULL,
};

static void body_many_points(struct xp_ctx *x, void *s)
{
	xp_write(x, &((struct toy *)s)->v[xp_cpu(x)], 1);
	for (int i = 0; i < XP_MAX_SOMETIMES; i++)
		xp_sometimes(x, many_points[i]);
	xp_sometimes_if(x, many_points[XP_MAX_SOMETIMES], false);
}

static void test_too_many_sometimes(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("many_points", 2, &t);
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_many_points;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "more than 32 sometimes points (XP_MAX_SOMETIMES)");
	xp_result_free(&r);
	xt.sometimes = many_points;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "more than 32 sometimes points (XP_MAX_SOMETIMES)");
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * More on events
 */

/* An event posted by setup runs at once, on its target CPU. */
static void handler_mark(struct xp_ctx *x, void *arg)
{
	struct toy *t = arg;

	t->flushed[xp_cpu(x)]++;
}

static void *setup_posts(struct xp_ctx *x, void *arg)
{
	struct toy *t = toy_setup(x, arg);

	memset(t->flushed, 0, sizeof(t->flushed));
	xp_post(x, 1, SCHED_TLB_FLUSH, 0, 0, handler_mark, t);
	return t;
}

static void body_check_flushed(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_assert(x, t->flushed[1] == 1 && t->flushed[0] == 0, "%ld %ld", t->flushed[0],
		  t->flushed[1]);
	xp_yield(x);
}

/*
 * Two CPUs post one event each to CPU 2; the handlers do not commute
 * (x = 2x and x = x + 1 on v[0]), so the two delivery orders are two
 * outcomes, and the reduced search finds both, as the full one does.
 */
static void handler_double(struct xp_ctx *x, void *arg)
{
	((struct toy *)arg)->v[0] *= 2;
}

static void handler_inc(struct xp_ctx *x, void *arg)
{
	((struct toy *)arg)->v[0] += 1;
}

static void body_post_to_2(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_yield(x);
	xp_post(x, 2, SCHED_WRITE, (uint64_t)(uintptr_t)&t->v[0], sizeof(long),
		xp_cpu(x) ? handler_inc : handler_double, t);
}

static void *setup_one(struct xp_ctx *x, void *arg)
{
	struct toy *t = toy_setup(x, arg);

	t->v[0] = 1;
	return t;
}

static void final_record_v0(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	t->outcomes |= 1UL << t->v[0];
}

static void test_events_to_one_cpu(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("to_one_cpu", 3, &t);
	struct xp_result r;

	/* setup's event ran before any CPU did */
	xt.setup = setup_posts;
	xt.cpu[0] = xt.cpu[1] = xt.cpu[2] = body_check_flushed;
	run_ok(&xt, NULL, &r);
	xp_result_free(&r);

	xt.setup = setup_one;
	xt.cpu[0] = xt.cpu[1] = body_post_to_2;
	xt.cpu[2] = body_idle;
	xt.final = final_record_v0;
	for (int no_por = 0; no_por < 2; no_por++) {
		struct xp_opts o = { .no_por = no_por };

		t.outcomes = 0;
		run_ok(&xt, &o, &r);
		/* (1 * 2) + 1 = 3 or (1 + 1) * 2 = 4 */
		assert_int_equal(t.outcomes, (1UL << 3) | (1UL << 4));
		xp_result_free(&r);
	}
}

/*
 * Sixteen CPUs and one event are 17 threads, more than the 16 columns the
 * vector clocks start with: when CPU 0 posts its event to CPU 1 after its
 * own write, the clocks are laid out again.  The event and CPU 1's write
 * are the only dependent pair: two schedules, both outcomes.
 */
static void handler_seen1(struct xp_ctx *x, void *arg)
{
	struct toy *t = arg;

	t->outcomes |= 1UL << (t->seen[1] + 1);
}

static void body_sixteen(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	int c = xp_cpu(x);

	xp_write(x, &t->seen[c], c);
	if (c == 0)
		xp_post(x, 1, SCHED_WRITE, (uint64_t)(uintptr_t)&t->seen[1], sizeof(long),
			handler_seen1, t);
}

static void test_sixteen_cpus_and_an_event(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("sixteen", XP_MAX_CPUS, &t);
	struct xp_result r;

	for (int c = 0; c < XP_MAX_CPUS; c++)
		xt.cpu[c] = body_sixteen;
	t.outcomes = 0;
	run_ok(&xt, NULL, &r);
	assert_int_equal(r.stats.schedules, 2);
	/* the handler saw seen[1] still 0, or CPU 1's 1 */
	assert_int_equal(t.outcomes, (1UL << 1) | (1UL << 2));
	xp_result_free(&r);
}

/* PCT gives events priorities too: it finds the stale-TLB use of
 * test_event_race, whose window is an event delivered late. */
static void test_pct_with_events(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("pct_events", 2, &t);
	struct xp_opts o = { .strategy = XP_PCT, .seed = 11, .max_schedules = 500 };
	struct xp_result r;

	xt.cpu[0] = body_async_unmap;
	xt.cpu[1] = body_use_tlb;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_non_null(strstr(r.msg, "stale TLB"));
	assert_non_null(strstr(r.schedule, "xp1:pct:s11,d3:"));
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Search budgets, statistics and their report
 */
static char *stats_line(const struct xp_test *xt, const struct xp_opts *o,
			const struct xp_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	xp_print_stats(f, xt ? xt->name : NULL, o, r);
	fclose(f);
	return buf;
}

/* The statistics line up to its timing, and its verdict after it */
static void check_stats(const struct xp_test *xt, const struct xp_opts *o,
			const struct xp_result *r, const char *head, const char *tail)
{
	char *s = stats_line(xt, o, r);

	if (strncmp(s, head, strlen(head)) || !strstr(s, tail))
		fail_msg("stats line '%s': want '%s...%s'", s, head, tail);
	free(s);
}

static void test_search_budgets(void **state)
{
	struct toy t = { .steps = { 3, 3 } };
	struct xp_test xt = toy_test("budget", 2, &t);
	struct xp_opts o = { .no_por = true, .max_schedules = 3 };
	struct xp_result r;

	xt.cpu[0] = xt.cpu[1] = body_steps;
	/* 20 schedules exist; three are run */
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 3);
	assert_false(r.stats.complete);
	check_stats(&xt, &o, &r, "xp: budget: DFS: 3 schedules, ", ", INCOMPLETE (schedule limit)\n");
	xp_result_free(&r);

	/* a time budget every run exceeds (a picosecond): one run, then the
	 * search stops, whatever the machine's speed */
	o = (struct xp_opts){ .no_por = true, .max_seconds = 1e-12 };
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 1);
	assert_true(r.stats.time_out);
	check_stats(&xt, &o, &r, "xp: budget: DFS: 1 schedules, ", ", INCOMPLETE (time budget)\n");
	xp_result_free(&r);

	/* random walks default to 1000 */
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 2 };
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 1000);
	check_stats(&xt, &o, &r, "xp: budget: random walk, seed 2: 1000 schedules, 6000 steps",
		    "\n");
	xp_result_free(&r);

	/*
	 * A schedule of B blocks (runs of one CPU) has B - 2 preemptions: every
	 * switch but the one after the first CPU to finish.  Of the 20, 2 have
	 * B = 2, 4 B = 3, 8 B = 4, 4 B = 5, 2 B = 6.  Iterative bounding up to
	 * 1 is complete within that bound, not exhaustive; bound 2 runs the
	 * 14 with B <= 4; bound 5 cuts nothing.
	 */
	o = (struct xp_opts){ .bounding = XP_ITERATIVE, .bound = 1 };
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.bound, 1);
	assert_true(r.stats.complete);
	assert_false(r.stats.exhaustive);
	check_stats(&xt, &o, &r, "xp: budget: DFS, iterative preemption bound 1: ",
		    ", complete within the bound\n");
	xp_result_free(&r);
	o.bounding = XP_BOUND;
	o.bound = 2;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 14);
	assert_true(r.stats.bound_cut > 0);
	check_stats(&xt, &o, &r, "xp: budget: DFS, preemption bound 2: 14 schedules, ",
		    ", complete within the bound\n");
	xp_result_free(&r);
	o.bound = 5;
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 20);
	check_stats(&xt, &o, &r, "xp: budget: DFS, preemption bound 5: 20 schedules, ",
		    ", exhaustive\n");
	xp_result_free(&r);
}

/* Knuth's estimate inside a search leaves the search's own statistics and
 * sometimes points alone; the report shows it. */
static void test_estimate_in_search(void **state)
{
	static const char *const st[] = { "saw_one", NULL };
	struct toy t = { 0 };
	struct xp_test xt = toy_test("estimate_in", 2, &t);
	struct xp_opts o = { .no_por = true, .estimate_probes = 100, .seed = 1 };
	struct xp_result r;

	xt.cpu[0] = body_w12;
	xt.cpu[1] = body_sometimes;
	xt.sometimes = st;
	/*
	 * Three schedules: CPU1 first (branching 2, then 1: product 2), or
	 * CPU0 first and then either (2 x 2 = 4); the mean is 3.
	 */
	double e = xp_estimate(&xt, &o, 100);

	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 3);
	assert_true(r.stats.estimate == e);
	assert_true(e > 2.5 && e < 3.5);
	check_stats(&xt, &o, &r, "xp: estimate_in: DFS: 3 schedules, ", ", estimate ");
	xp_result_free(&r);
	/* no probes: no estimate */
	assert_true(xp_estimate(&xt, &o, 0) == 0);
	/* iterative bounding without a limit, or with one no run exceeds
	 * (every schedule here has at most 1 preemption), estimates the same */
	o.bounding = XP_ITERATIVE;
	o.bound = 0;
	assert_true(xp_estimate(&xt, &o, 100) == e);
	o.bound = 1;
	assert_true(xp_estimate(&xt, &o, 100) == e);
}

/*
 * keep_going counts every failing schedule: of the C(4, 2) = 6 orders of
 * two read-then-write increments, 4 interleave and lose an update.  The
 * result is the first failure.
 */
static void test_keep_going(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .no_por = true, .keep_going = true };
	struct xp_result r;

	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_int_equal(r.stats.schedules, 6);
	assert_int_equal(r.stats.failed, 4);
	assert_true(r.stats.complete);
	check_stats(&xt, &o, &r, "xp: lost_update: DFS: 6 schedules, 4 failing, ", "\n");
	xp_result_free(&r);

	/* random walks too */
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 3, .max_schedules = 50,
			      .keep_going = true };
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.stats.schedules, 50);
	assert_true(r.stats.failed > 0 && r.stats.failed < 50);
	xp_result_free(&r);
}

/*
 * A broken test stops even a keep_going search, and is what is reported:
 * CPU0 reads v[0] and, when it sees CPU1's write, posts to CPU 16, which
 * no test has.  The first schedule (CPU0 first) fails the final check only;
 * the second is broken.
 */
static void body_read_then_post(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	if (xp_read(x, &t->v[0]))
		xp_post(x, XP_MAX_CPUS, SCHED_WRITE, 0, 8, handler_inc, t);
}

static void final_fails(struct xp_ctx *x, void *s)
{
	xp_assert(x, 0, "always");
}

static void test_keep_going_stops_when_broken(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("broken", 2, &t);
	struct xp_opts o = { .no_por = true, .keep_going = true };
	struct xp_result r;

	xt.cpu[0] = body_read_then_post;
	xt.cpu[1] = body_writer;
	xt.final = final_fails;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "event posted to CPU 16, which does not exist");
	assert_int_equal(r.stats.failed, 2);
	assert_int_equal(r.stats.schedules, 2);
	xp_result_free(&r);
}

/* PCT's depth is capped at 16 change points; the string says what ran. */
static void test_pct_depth_cap(void **state)
{
	struct toy t = { .pad = 2 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_PCT, .seed = 9, .pct_depth = 40,
			     .max_schedules = 2000 };
	struct xp_result r;

	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.schedule, "xp1:pct:s9,d16:"));
	check_stats(&xt, &o, &r, "xp: lost_update: PCT, seed 9, depth 40: ", "\n");
	xp_result_free(&r);
	/* a default depth reads 3 */
	o.pct_depth = 0;
	xp_explore(&xt, &o, &r);
	check_stats(&xt, &o, &r, "xp: lost_update: PCT, seed 9, depth 3: ", "\n");
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Schedule strings: parsing, replay verdicts, reports
 */
static void test_schedule_string_errors(void **state)
{
	static const struct { const char *s, *msg; } bad[] = {
		{ "xp1:dpor", "column 5: expected 5 fields separated by ':'" },
		{ "xp1:dpor:-:0:00000000:1", "column 22: unexpected ':'" },
		{ "xp1:dpor:-:0:0000000g", "column 14: expected an 8-digit hex checksum" },
		{ "xp1:dpor:-:0:123456789", "column 14: expected an 8-digit hex checksum" },
		{ "xp1:dpor:-:e1>:00000000", "column 12: bad choice 'e1>'" },
		{ "xp1:dpor:-:e>1:00000000", "column 12: bad choice 'e>1'" },
		{ "xp1:dpor:-:1.e1:00000000", "column 14: bad choice 'e1'" },
		{ "xp1:dpor:-:0*:00000000", "column 12: bad choice '0*'" },
		{ "xp1:dpor:-:16:00000000", "column 12: bad choice '16'" },
		{ "xp1:dpor:-:e128>0:00000000", "column 12: bad choice 'e128>0'" },
		{ "xp1:dpor:-:0*10000001:00000000", "column 12: bad choice '0*10000001'" },
		{ "xp1:dpor:-:0x.1:00000000", "column 12: bad choice '0x'" },
	};
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_result r;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(xp_replay(&xt, bad[i].s, &r), -1);
		assert_int_equal(r.kind, XP_FAIL_USAGE);
		if (!strstr(r.msg, bad[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad[i].s, r.msg, bad[i].msg);
		assert_null(r.schedule);
		xp_result_free(&r);
		/* the shrinker refuses them the same way */
		assert_int_equal(xp_shrink(&xt, bad[i].s, &r), -1);
		assert_int_equal(r.kind, XP_FAIL_USAGE);
		xp_result_free(&r);
	}
}

/* The recorded checksum of a run, read from the divergence a wrong one gives */
static unsigned int real_checksum(const struct xp_test *xt, const char *choices)
{
	char s[256];
	struct xp_result r;
	const char *p;
	unsigned int sum;

	snprintf(s, sizeof(s), "xp1:dfs:-:%s:00000000", choices);
	xp_replay(xt, s, &r);
	assert_int_equal(r.kind, XP_FAIL_DIVERGED);
	p = strstr(r.msg, "(checksum ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "(checksum %x", &sum), 1);
	xp_result_free(&r);
	return sum;
}

static void test_replay_verdicts(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_result r;
	char s[256];
	unsigned int sum = real_checksum(&xt, "0*2.1*2");

	/* a passing schedule with its own checksum replays as a pass */
	snprintf(s, sizeof(s), "xp1:dfs:-:0*2.1*2:%08x", sum);
	assert_int_equal(xp_replay(&xt, s, &r), 0);
	assert_int_equal(r.kind, XP_OK);
	assert_int_equal(r.stats.schedules, 1);
	xp_result_free(&r);

	/* more choices than the run has steps */
	snprintf(s, sizeof(s), "xp1:dfs:-:0*2.1*4:%08x", sum);
	xp_replay(&xt, s, &r);
	assert_int_equal(r.kind, XP_FAIL_DIVERGED);
	assert_string_equal(r.msg, "the run ended after 4 steps (all CPUs finished) with 2 "
			    "choices of the schedule left");
	xp_result_free(&r);
	/* a CPU or an event the test does not have */
	snprintf(s, sizeof(s), "xp1:dfs:-:0.7:%08x", sum);
	xp_replay(&xt, s, &r);
	assert_string_equal(r.msg, "at step 1: cpu7 does not exist");
	xp_result_free(&r);
	snprintf(s, sizeof(s), "xp1:dfs:-:0.e5>1:%08x", sum);
	xp_replay(&xt, s, &r);
	assert_string_equal(r.msg, "at step 1: event e5 was not posted");
	xp_result_free(&r);

	/* a failing run replayed with choices left over: the failure ends it */
	xp_replay(&xt, "xp1:dfs:-:0.1*2.0.1.0:00000000", &r);
	assert_int_equal(r.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(r.msg, "the run ended after 4 steps (final check: final_two ("));
	assert_non_null(strstr(r.msg, ") with 2 choices of the schedule left"));
	assert_null(r.schedule);
	xp_result_free(&r);

	/* empty parameters print as "-" */
	sum = real_checksum(&xt, "0.1*2.0");
	snprintf(s, sizeof(s), "xp1:dfs::0.1*2.0:%08x", sum);
	xp_replay(&xt, s, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.schedule, "xp1:dfs:-:0.1*2.0:"));
	xp_result_free(&r);
}

/* A run of no steps (the bodies never reach a point) replays from "-" */
static void body_nothing(struct xp_ctx *x, void *s)
{
}

static void test_replay_no_steps(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("nothing", 2, &t);
	struct xp_result r, p;

	xt.cpu[0] = xt.cpu[1] = body_nothing;
	xt.final = final_fails;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_int_equal(r.ntrace, 0);
	assert_non_null(strstr(r.schedule, "xp1:dpor:-:-:"));
	xp_replay(&xt, r.schedule, &p);
	assert_int_equal(p.kind, XP_FAIL_FINAL);
	assert_string_equal(p.schedule, r.schedule);
	xp_result_free(&p);
	xp_result_free(&r);
}

/* Names of operations and failure kinds, and what is out of range */
static void test_names(void **state)
{
	assert_string_equal(xp_op_name(SCHED_TLB_FLUSH), "TLB_FLUSH");
	assert_string_equal(xp_op_name((enum sched_op)99), "?");
	assert_string_equal(xp_fail_kind_name(XP_FAIL_DIVERGED), "replay diverged");
	assert_string_equal(xp_fail_kind_name((enum xp_fail_kind)99), "?");
}

/*
 * The failure report: kind and message, the replay string, then one line
 * per step, events as eK>N, named ranges as name+offset, unnamed addresses
 * in hex, a yield without an address as "-", preemptions starred.
 *
 *   CPU0: write v[0], post a flush of [0x1000, 0x2000) to CPU1, yield twice
 *   CPU1: copy [0x5000, 0x6000), then assert the flush has not arrived
 */
static void body_report_cpu0(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_write(x, &t->v[0], 1);
	xp_post(x, 1, SCHED_TLB_FLUSH, 0x1000, 4096, handler_mark, t);
	xp_yield(x);
	xp_yield(x);
}

static void body_report_cpu1(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_point(x, SCHED_COPY, 0x5000, 4096);
	xp_assert(x, !t->flushed[1], "flushed");
}

static char *failure_text(const struct xp_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	xp_print_failure(f, r);
	fclose(f);
	return buf;
}

static void test_failure_report(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("report", 2, &t);
	struct xp_result r;
	char *text, want[1024], s[128];

	xt.cpu[0] = body_report_cpu0;
	xt.cpu[1] = body_report_cpu1;
	/* the flush delivered while CPU0 could go on: a preemption */
	snprintf(s, sizeof(s), "xp1:dpor:-:0*2.e0>1.1:%08x", real_checksum(&xt, "0*2.e0>1.1"));
	xp_replay(&xt, s, &r);
	assert_int_equal(r.kind, XP_FAIL_ASSERT);
	assert_string_equal(r.schedule, s);
	text = failure_text(&r);
	snprintf(want, sizeof(want),
		 "xp: FAILED (assertion): %s\n"
		 "xp:   replay: MMSIM_REPLAY='%s'\n"
		 "xp:   4 steps, 1 preemptions (*):\n"
		 "xp:    step  thread  op        address                  where\n"
		 "xp:       0  cpu0    WRITE     v+0/8                    body_report_cpu0\n"
		 "xp:       1  cpu0    YIELD     -                        body_report_cpu0\n"
		 "xp:       2* e0>1    TLB_FLUSH 0x1000/4096              body_report_cpu0\n"
		 "xp:       3  cpu1    COPY      0x5000/4096              body_report_cpu1\n",
		 r.msg, r.schedule);
	assert_string_equal(text, want);
	free(text);
	xp_result_free(&r);

	/* a diverged replay has no string to print; a failure of no step no
	 * trace */
	xp_replay(&xt, "xp1:dfs:-:e0>1:00000000", &r);
	text = failure_text(&r);
	assert_string_equal(text, "xp: FAILED (replay diverged): at step 0: event e0 was not "
			    "posted\n");
	free(text);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Locks outside CPUs, locks never released, more statistics
 */

/* A model spinlock taken twice by setup (or held when the final check
 * takes it) would block outside a CPU: a usage error, "?" for a caller
 * without SCHED_WHERE. */
static void *setup_locks_twice(struct xp_ctx *x, void *arg)
{
	struct toy *t = mach_setup(x, arg);

	spin_lock(t->m, &t->sl[0]);
	spin_lock(t->m, &t->sl[0]);
	return t;
}

static void body_spin_lock_keep(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	spin_lock(t->m, &t->sl[0]);
}

static void final_takes_lock(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	spin_lock(t->m, &t->sl[0]);
}

static void test_lock_outside_cpus(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct toy t = { .m = m };
	struct xp_test xt = { .name = "lock_outside", .ncpus = 2, .setup = setup_locks_twice,
			      .arg = &t };
	struct xp_result r;

	assert_non_null(m);
	xt.cpu[0] = xt.cpu[1] = body_idle;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "setup blocks in ?: only CPU bodies may wait");
	xp_result_free(&r);
	/* CPU 0 keeps the lock; the final check cannot take it */
	xt.setup = mach_setup;
	xt.cpu[0] = body_spin_lock_keep;
	xt.final = final_takes_lock;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_USAGE);
	assert_string_equal(r.msg, "the final check blocks in ?: only CPU bodies may wait");
	xp_result_free(&r);
	free(m);
}

/*
 * A toy lock its owner never releases: CPU 0 takes it and ends, the 15
 * others wait for it forever.  That is a deadlock, reported with as many
 * waiters as the message holds (512 bytes).
 */
static void body_lock_and_leave(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	xp_lock(x, &t->lock[0]);
	if (xp_cpu(x))
		xp_unlock(x, &t->lock[0]);
}

static void test_lock_never_released(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("leaked_lock", XP_MAX_CPUS, &t);
	struct xp_opts o = { .max_schedules = 1 };
	struct xp_result r;

	for (int c = 0; c < XP_MAX_CPUS; c++)
		xt.cpu[c] = body_lock_and_leave;
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_DEADLOCK);
	assert_int_equal(r.ntrace, 1);
	assert_non_null(strstr(r.msg, "deadlock after 1 steps: cpu1 waits in body_lock_and_leave "
			       "(LOCK lock+0), cpu2 waits in "));
	assert_null(strstr(r.msg, "cpu0 "));
	assert_int_equal(strlen(r.msg), XP_MSG - 1);	/* cut at the message size */
	xp_result_free(&r);
}

static void test_more_statistics(void **state)
{
	struct toy t = { .pad = 1 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .max_seconds = 1e6 };
	struct xp_result r;

	/* a time budget that is not reached changes nothing */
	t.steps[0] = t.steps[1] = 2;
	xt.cpu[0] = xt.cpu[1] = body_steps;
	xt.final = NULL;
	t.shared = true;
	run_ok(&xt, &o, &r);
	assert_true(r.stats.complete && !r.stats.time_out);
	assert_int_equal(r.stats.schedules, 6);
	check_stats(&(struct xp_test){ .name = "budget" }, &o, &r,
		    "xp: budget: DPOR: 6 schedules, 0 pruned by sleep sets, ", ", exhaustive\n");
	/* no name; keep_going without a failure says nothing of failures */
	o.keep_going = true;
	check_stats(NULL, &o, &r, "xp: ?: DPOR: 6 schedules, ", ", exhaustive\n");
	xp_result_free(&r);

	/* iterative bounding cut short by the schedule limit */
	o = (struct xp_opts){ .bounding = XP_ITERATIVE, .max_schedules = 1 };
	run_ok(&xt, &o, &r);
	assert_int_equal(r.stats.bound, 0);
	assert_false(r.stats.complete);
	xp_result_free(&r);

	/* a replay's statistics say so, and no verdict */
	xt = lost_update_test(&t);
	t.pad = 0;
	xp_explore(&xt, &(struct xp_opts){ .bounding = XP_ITERATIVE }, &r);
	o = (struct xp_opts){ .replay = r.schedule };
	struct xp_result p;

	xp_explore(&xt, &o, &p);
	assert_int_equal(p.kind, XP_FAIL_FINAL);
	check_stats(&xt, &o, &p, "xp: lost_update: replay: 1 schedules, 4 steps, depth 4, ",
		    "schedules/s)\n");
	xp_result_free(&p);
	xp_result_free(&r);

	/* runs pruned by sleep sets are reported whenever there are some;
	 * no time spent, no rate */
	struct xp_result fake = { .stats = { .schedules = 7, .sleep_blocked = 5, .steps = 70,
					     .max_depth = 10, .complete = true } };
	char *line = stats_line(&(struct xp_test){ .name = "fake" },
				&(struct xp_opts){ .no_por = true }, &fake);

	assert_string_equal(line, "xp: fake: DFS: 7 schedules, 5 pruned by sleep sets, 70 steps, "
			    "depth 10, 0.000 s, complete within the bound\n");
	free(line);
}

/* A divergence lists what could run, events included. */
static void test_divergence_lists_events(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("report", 2, &t);
	struct xp_result r;

	xt.cpu[0] = body_report_cpu0;
	xt.cpu[1] = body_report_cpu1;
	xp_replay(&xt, "xp1:dfs:-:0.1.1:00000000", &r);
	assert_int_equal(r.kind, XP_FAIL_DIVERGED);
	assert_string_equal(r.msg, "at step 2: cpu1 is not enabled (enabled: cpu0,e0>1)");
	xp_result_free(&r);
}

/*
 * The shrinker on its own: a shrunk string shrinks to itself and says
 * "shrunk" once; a string without parameters becomes "shrunk"; a string
 * whose run is not the recorded one is a divergence; a failure of no
 * step stays what it is; event deliveries survive shrinking.
 */
static char *with_params(const char *schedule, const char *params)
{
	const char *a = strchr(schedule + 4, ':'), *b = strchr(a + 1, ':');
	char *s = malloc(strlen(schedule) + strlen(params) + 1);

	assert_non_null(s);
	sprintf(s, "%.*s%s%s", (int)(a + 1 - schedule), schedule, params, b);
	return s;
}

static void test_shrink_more(void **state)
{
	struct toy t = { .pad = 6 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_opts o = { .strategy = XP_RANDOM, .seed = 7, .max_schedules = 5000,
			     .shrink = true };
	struct xp_result r, s;
	char *str;

	xp_explore(&xt, &o, &r);
	assert_int_equal(r.preemptions, 1);
	assert_non_null(strstr(r.schedule, "xp1:rnd:s7,shrunk:"));
	assert_int_equal(xp_shrink(&xt, r.schedule, &s), 0);
	assert_string_equal(s.schedule, r.schedule);
	xp_result_free(&s);
	/* no parameters, or "-" */
	for (int i = 0; i < 2; i++) {
		str = with_params(r.schedule, i ? "-" : "");
		assert_int_equal(xp_shrink(&xt, str, &s), 0);
		assert_non_null(strstr(s.schedule, "xp1:rnd:shrunk:"));
		xp_result_free(&s);
		free(str);
	}
	/* another run's checksum */
	str = strdup(r.schedule);
	assert_non_null(str);
	str[strlen(str) - 1] = str[strlen(str) - 1] == '0' ? '1' : '0';
	assert_int_equal(xp_shrink(&xt, str, &s), -1);
	assert_int_equal(s.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(s.msg, "checksum"));
	xp_result_free(&s);
	free(str);
	xp_result_free(&r);

	/* no step */
	xt = toy_test("nothing", 2, &t);
	xt.cpu[0] = xt.cpu[1] = body_nothing;
	xt.final = final_fails;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(xp_shrink(&xt, r.schedule, &s), 0);
	assert_int_equal(s.kind, XP_FAIL_FINAL);
	assert_int_equal(s.ntrace, 0);
	assert_non_null(strstr(s.schedule, "xp1:dpor:shrunk:-:"));
	xp_result_free(&s);
	xp_result_free(&r);

	/* two of CPU1's three reads after the flush: the delivery stays */
	xt = toy_test("event_race", 2, &t);
	xt.cpu[0] = body_async_unmap;
	xt.cpu[1] = body_tlb_reader;
	xt.final = final_seen2;
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 1, .max_schedules = 1000,
			      .shrink = true };
	xp_explore(&xt, &o, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_non_null(strstr(r.schedule, ",shrunk:"));
	assert_non_null(strstr(r.schedule, "e0>1"));
	xp_replay(&xt, r.schedule, &s);
	assert_int_equal(s.kind, XP_FAIL_FINAL);
	assert_string_equal(s.msg, r.msg);
	xp_result_free(&s);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Limits of names and messages
 */

/* The 16 CPUs of test_sixteen_cpus_and_an_event with the event posted
 * before CPU 0's first point: the 17 threads are known before any clock
 * exists.  The event now also races with its poster's write (an event is
 * dependent with its poster's steps): 2 x 2 schedules, the same two
 * outcomes. */
static void body_sixteen_early(struct xp_ctx *x, void *s)
{
	struct toy *t = s;
	int c = xp_cpu(x);

	if (c == 0)
		xp_post(x, 1, SCHED_WRITE, (uint64_t)(uintptr_t)&t->seen[1], sizeof(long),
			handler_seen1, t);
	xp_write(x, &t->seen[c], c);
}

static void test_sixteen_cpus_event_first(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("sixteen_early", XP_MAX_CPUS, &t);
	struct xp_result r;

	for (int c = 0; c < XP_MAX_CPUS; c++)
		xt.cpu[c] = body_sixteen_early;
	run_ok(&xt, NULL, &r);
	assert_int_equal(r.stats.schedules, 4);
	assert_int_equal(t.outcomes, (1UL << 1) | (1UL << 2));
	xp_result_free(&r);
}

/* Names past the 32nd are not used: traces print those addresses raw. */
static void *setup_many_names(struct xp_ctx *x, void *arg)
{
	static char dummy[32];
	struct toy *t = arg;

	memset(t->v, 0, sizeof(t->v));
	for (int i = 0; i < 32; i++)
		xp_name_range(x, &dummy[i], 1, "dummy");
	xp_name_range(x, t->v, sizeof(t->v), "v");
	return t;
}

static void test_too_many_names(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = lost_update_test(&t);
	struct xp_result r;

	xt.setup = setup_many_names;
	xp_explore(&xt, NULL, &r);
	assert_int_equal(r.kind, XP_FAIL_FINAL);
	assert_null(r.trace[0].name);
	assert_true(r.trace[0].addr == (uint64_t)(uintptr_t)&t.v[0]);
	xp_result_free(&r);
}

/*
 * A deadlock on a lock outside every named range prints its address;
 * a divergence with more runnable threads than its message holds lists
 * as many as fit (126 characters).
 */
static int unnamed_lock;

static void body_unnamed_lock(struct xp_ctx *x, void *s)
{
	xp_lock(x, &unnamed_lock);
}

static void body_many_posts(struct xp_ctx *x, void *s)
{
	struct toy *t = s;

	if (xp_cpu(x) == 0)
		for (int i = 0; i < 12; i++)
			xp_post(x, 1, SCHED_WRITE, 0, 8, handler_inc, t);
	if (xp_cpu(x) == XP_MAX_CPUS - 1)
		xp_wait(x, SCHED_LOCK, 0, 8, never_ready, NULL);
	xp_yield(x);
}

static void test_long_messages(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("unnamed", 2, &t);
	struct xp_result r;
	char want[64];

	unnamed_lock = 0;
	xt.cpu[0] = xt.cpu[1] = body_unnamed_lock;
	xp_explore(&xt, &(struct xp_opts){ .max_schedules = 1 }, &r);
	assert_int_equal(r.kind, XP_FAIL_DEADLOCK);
	snprintf(want, sizeof(want), "cpu1 waits in body_unnamed_lock (LOCK %#llx)",
		 (unsigned long long)(uintptr_t)&unnamed_lock);
	assert_non_null(strstr(r.msg, want));
	xp_result_free(&r);

	xt = toy_test("crowded", XP_MAX_CPUS, &t);
	for (int c = 0; c < XP_MAX_CPUS; c++)
		xt.cpu[c] = body_many_posts;
	xp_replay(&xt, "xp1:dfs:-:15:00000000", &r);
	assert_int_equal(r.kind, XP_FAIL_DIVERGED);
	assert_non_null(strstr(r.msg, "at step 0: cpu15 is not enabled (enabled: cpu0,cpu1,cpu2,"
			       "cpu3,cpu4,cpu5,cpu6,cpu7,cpu8,cpu9,cpu10,cpu11,cpu12,cpu13,cpu14,"
			       "e0>1,e1>1,e2>1,"));
	assert_null(strstr(r.msg, "e11>1"));
	xp_result_free(&r);
}

/* A body that posts an event in its first run only: the next run's replay
 * of the prefix finds the event gone, and names it by its thread. */
static unsigned long nondet_posts;

static void body_posts_once(struct xp_ctx *x, void *s)
{
	if (++nondet_posts == 1)
		xp_post(x, 1, SCHED_WRITE, 0, 8, handler_inc, s);
	xp_yield(x);
	xp_yield(x);
}

static void test_nondeterministic_event(void **state)
{
	struct toy t = { 0 };
	struct xp_test xt = toy_test("nondet_event", 2, &t);
	struct xp_result r;

	nondet_posts = 0;
	xt.cpu[0] = body_posts_once;
	xt.cpu[1] = body_idle;
	xp_explore(&xt, &(struct xp_opts){ .no_por = true }, &r);
	assert_int_equal(r.kind, XP_FAIL_NONDET);
	assert_non_null(strstr(r.msg, "has cpu0,cpu1 enabled, an earlier run had "
			       "cpu0,cpu1,event#2 (bodies must be deterministic)"));
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * The CMocka glue itself (explore_cmocka.h): what a race test's verdict
 * and message are.  A failing verdict ends a CMocka test, so each case
 * runs as a one-test group in a child process whose output and exit
 * status (the number of failed tests) are checked here.
 */
static int glue_in_child(const struct xp_test *t, char *out, size_t outlen)
{
	size_t n = 0;
	int fd[2], status;
	ssize_t k;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const struct CMUnitTest one[] = {
			{ .name = t->name, .test_func = xp_cmocka_test, .initial_state = (void *)t },
		};

		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		/* exit, not _exit: coverage data is written at exit */
		exit(cmocka_run_group_tests_name("glue", one, NULL, NULL));
	}
	close(fd[1]);
	while ((k = read(fd[0], out + n, outlen - 1 - n)) > 0)
		if ((n += (size_t)k) == outlen - 1)
			break;
	out[n] = '\0';
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static char glue_out[1 << 16];	/* the last glue_expect's output */

static void glue_expect(const struct xp_test *t, int failed, const char *const *want)
{
	char *out = glue_out;
	int st = glue_in_child(t, out, sizeof(glue_out));

	if (st != failed)
		fail_msg("%s: %d failed tests, want %d; output:\n%s", t->name, st, failed, out);
	for (; *want; want++)
		if (!strstr(out, *want))
			fail_msg("%s: no '%s' in the output:\n%s", t->name, *want, out);
}

static struct toy glue_case_toy;
static unsigned long flaky_calls;

/* fails the first time only: the search sees it, its replay does not */
static void final_flaky(struct xp_ctx *x, void *s)
{
	xp_assert(x, ++flaky_calls > 1, "first call");
}

/* always fails, with a message that changes from call to call */
static void final_counts(struct xp_ctx *x, void *s)
{
	xp_assert(x, 0, "call %lu", ++flaky_calls);
}

static void test_glue_verdicts(void **state)
{
	struct xp_test lost = {
		.name = "glue_case", .ncpus = 2, .setup = toy_setup, .arg = &glue_case_toy,
		.cpu = { body_incr, body_incr }, .final = final_two,
		.opts = { .strategy = XP_DFS, .bounding = XP_ITERATIVE },
	};
	struct xp_test t;

	/* a failure of a test that expects none: the message carries the
	 * replay command */
	glue_expect(&lost, 1, (const char *const[]){
		"glue_case: final check: final_two (test_explore.c:",
		"\n  replay: MMSIM_REPLAY='xp1:dfs:b1:0.1*2.0:",
		"' MMSIM_REPLAY_TEST=glue_case", NULL });

	/* a test that is not even valid: no replay command */
	t = lost;
	t.ncpus = 0;
	t.expect_failure = true;
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: usage: test has 0 CPUs (1..16)\n", NULL });

	/* expected a failure, found none (bounds 0, 1 and 2 run 2 + 4 + 6 of
	 * the 6 orders); and the same cut short */
	t = lost;
	t.final = NULL;
	t.expect_failure = true;
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: expected a failure, none in 12 schedules\n", NULL });
	t.opts.max_schedules = 1;
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: expected a failure, none in 1 schedules (the search was cut short)",
		NULL });

	/* found a failure, but not the one expected */
	t = lost;
	t.expect_failure = true;
	t.expect_msg = "deadlock";
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: expected a failure with 'deadlock', found final check: final_two (", NULL });
	t.expect_msg = "x = 1";
	glue_expect(&t, 0, (const char *const[]){
		"xp: glue_case: expected failure found and reproduced by its replay string", NULL });

	/* a test that does not behave the same on the same schedule */
	t = lost;
	t.expect_failure = true;
	t.cpu[0] = body_nondet;
	t.opts = (struct xp_opts){ .no_por = true };
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: nondeterminism: same schedule prefix, different behaviour", NULL });

	/* a search that fails only its sometimes check found no failing run */
	static const char *const never[] = { "never", NULL };

	t = lost;
	t.expect_failure = true;
	t.final = NULL;
	t.sometimes = never;
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: expected a failure, none in 12 schedules\n", NULL });

	/* a failure its own string reproduces as the same kind, but not
	 * with the same message */
	t = lost;
	t.expect_failure = true;
	t.final = final_counts;
	flaky_calls = 0;
	glue_expect(&t, 1, (const char *const[]){
		"' gave final check: final_counts (", "failed: call 2; the search had final check: "
		"final_counts (", "failed: call 1", NULL });

	/* a failure its own string does not reproduce */
	t = lost;
	t.expect_failure = true;
	t.final = final_flaky;
	flaky_calls = 0;
	glue_expect(&t, 1, (const char *const[]){
		"glue_case: replaying 'xp1:dfs:b0:0*2.1*2:", "' gave ok: ; the search had final check: "
		"final_flaky (test_explore.c:", NULL });
}

static void test_glue_replay_environment(void **state)
{
	struct xp_test t = {
		.name = "glue_env", .ncpus = 2, .setup = toy_setup, .arg = &glue_case_toy,
		.cpu = { body_incr, body_incr }, .final = final_two,
		.opts = { .strategy = XP_DFS, .bounding = XP_ITERATIVE }, .expect_failure = true,
	};
	char good[128];
	struct xp_result r;

	xp_explore(&t, NULL, &r);
	snprintf(good, sizeof(good), "%s", r.schedule);
	xp_result_free(&r);

	/*
	 * MMSIM_REPLAY for this test, for every test: a reproduced failure
	 * fails the test (the binary exits non-zero), even one that expects
	 * a failure; MMSIM_REPLAY_TEST naming another test skips this one
	 */
	setenv("MMSIM_REPLAY", good, 1);
	setenv("MMSIM_REPLAY_TEST", "glue_env", 1);
	glue_expect(&t, 1, (const char *const[]){ "xp: glue_env: replay: 1 schedules",
		"glue_env: the replay reproduced the failure: final check: final_two (", NULL });
	setenv("MMSIM_REPLAY_TEST", "", 1);
	glue_expect(&t, 1, (const char *const[]){ "the replay reproduced the failure", NULL });
	unsetenv("MMSIM_REPLAY_TEST");
	glue_expect(&t, 1, (const char *const[]){ "the replay reproduced the failure", NULL });
	setenv("MMSIM_REPLAY_TEST", "another_test", 1);
	glue_expect(&t, 0, (const char *const[]){ "[  SKIPPED ] glue_env", NULL });
	if (strstr(glue_out, "xp: glue_env"))
		fail_msg("a skipped test explored:\n%s", glue_out);
	/* MMSIM_REPLAY_TEST alone picks the test to search */
	unsetenv("MMSIM_REPLAY");
	setenv("MMSIM_REPLAY_TEST", "glue_env", 1);
	glue_expect(&t, 0, (const char *const[]){ "expected failure found and reproduced", NULL });
	setenv("MMSIM_REPLAY", good, 1);
	/* a clean replay fails a test that expects a failure, passes one that does not */
	{
		struct xp_test clean = t;

		clean.final = NULL;
		glue_expect(&clean, 1, (const char *const[]){
			"glue_env: the replayed schedule ran without a failure", NULL });
		clean.expect_failure = false;
		glue_expect(&clean, 0, (const char *const[]){ "xp: glue_env: replay: 1 schedules",
			NULL });
	}
	/* an empty MMSIM_REPLAY is no replay */
	setenv("MMSIM_REPLAY", "", 1);
	unsetenv("MMSIM_REPLAY_TEST");
	glue_expect(&t, 0, (const char *const[]){ "expected failure found and reproduced", NULL });
	/* a string that no longer replays fails even a test expecting failure */
	snprintf(good + strlen(good) - 8, 9, "%08x", 0u);
	setenv("MMSIM_REPLAY", good, 1);
	glue_expect(&t, 1, (const char *const[]){
		"glue_env: replay diverged: the choices were all possible but the runnable CPUs",
		NULL });
	/* a test that expects no failure fails on a diverged replay too */
	t.expect_failure = false;
	t.final = NULL;
	setenv("MMSIM_REPLAY", "xp1:dfs:-:0*2.1*2:00000000", 1);
	glue_expect(&t, 1, (const char *const[]){ "glue_env: replay diverged", NULL });
	unsetenv("MMSIM_REPLAY");
}

/* -------------------------------------------------------------------------
 * CMocka glue: one exploration per test
 */
static struct toy glue_toy = { .pad = 1 };
static struct toy glue_toy2 = { 0 };

static struct xp_test glue_lost_update = {
	.name = "glue_lost_update", .ncpus = 2, .setup = toy_setup, .arg = &glue_toy,
	.cpu = { body_incr, body_incr }, .final = final_two,
	.opts = { .strategy = XP_DFS, .bounding = XP_ITERATIVE },
	.expect_failure = true,
};

static struct xp_test glue_locked = {
	.name = "glue_locked", .ncpus = 2, .setup = toy_setup, .arg = &glue_toy2,
	.cpu = { body_ab, body_ab }, .final = final_two,
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_unreduced),
		cmocka_unit_test(test_count_reduced),
		cmocka_unit_test(test_count_readers_writer),
		cmocka_unit_test(test_lost_update_bounds),
		cmocka_unit_test(test_lost_update_iterative),
		cmocka_unit_test(test_bound_lock_region),
		cmocka_unit_test(test_lost_update_random_pct),
		cmocka_unit_test(test_determinism_dfs),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_sometimes),
		cmocka_unit_test(test_invariant),
		cmocka_unit_test(test_assert_in_body),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_nondeterminism),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_event_race),
		cmocka_unit_test(test_eight_cpus),
		cmocka_unit_test(test_model_locks),
		cmocka_unit_test(test_model_deadlock),
		cmocka_unit_test(test_real_machine),
		cmocka_unit_test(test_crosscheck),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_failure_kinds),
		cmocka_unit_test(test_deadlock_names_the_waiters),
		cmocka_unit_test(test_cas),
		cmocka_unit_test(test_sometimes_by_name),
		cmocka_unit_test(test_too_many_sometimes),
		cmocka_unit_test(test_events_to_one_cpu),
		cmocka_unit_test(test_sixteen_cpus_and_an_event),
		cmocka_unit_test(test_pct_with_events),
		cmocka_unit_test(test_search_budgets),
		cmocka_unit_test(test_estimate_in_search),
		cmocka_unit_test(test_keep_going),
		cmocka_unit_test(test_keep_going_stops_when_broken),
		cmocka_unit_test(test_pct_depth_cap),
		cmocka_unit_test(test_schedule_string_errors),
		cmocka_unit_test(test_replay_verdicts),
		cmocka_unit_test(test_replay_no_steps),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_failure_report),
		cmocka_unit_test(test_lock_outside_cpus),
		cmocka_unit_test(test_lock_never_released),
		cmocka_unit_test(test_more_statistics),
		cmocka_unit_test(test_divergence_lists_events),
		cmocka_unit_test(test_shrink_more),
		cmocka_unit_test(test_sixteen_cpus_event_first),
		cmocka_unit_test(test_too_many_names),
		cmocka_unit_test(test_long_messages),
		cmocka_unit_test(test_nondeterministic_event),
		cmocka_unit_test(test_glue_verdicts),
		cmocka_unit_test(test_glue_replay_environment),
		XP_UNIT_TEST(glue_lost_update),
		XP_UNIT_TEST(glue_locked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
