// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cpu.c - the simulated CPUs' locks and cross-CPU calls (model/cpu.c).
 *
 * Sequentially (no explorer) only one CPU runs, so a lock that is already
 * held can never be released: every such acquire, and every release by a
 * CPU that does not hold the lock, is a simulated kernel failure whose
 * message says what the kernel's lock debugging would (6.1
 * kernel/locking/spinlock_debug.c: "recursion", "already unlocked",
 * "wrong CPU"; lockdep_assert_held; an rwsem waiter that nobody wakes).
 * Under the explorer the same calls block or post IPIs, and the tests
 * check what the kernel guarantees about them (kernel/locking/rwsem.c
 * trylock and downgrade_write, kernel/smp.c on_each_cpu and
 * smp_call_function_single).
 *
 * The machines are hand-built: cpu.c reads only nr_cpus, cur_cpu, sched
 * and the failure record, so nothing is booted.
 *
 *   CPU#0 CPU#1 CPU#2          one lock word / one rwsem shared by all
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "cpu.h"
#include "explore.h"

static struct machine *bare_machine(int ncpus, int cur)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->nr_cpus = ncpus;
	m->cur_cpu = cur;
	return m;
}

/* The failure recorded on m is exactly msg; the record is cleared for the next check */
static void expect_fail(struct machine *m, const char *msg)
{
	assert_true(m->fail.failed);
	assert_string_equal(m->fail.msg, msg);
	m->fail.failed = false;
	m->fail.msg[0] = '\0';
}

/* -------------------------------------------------------------------------
 * Spinlocks, sequentially
 */

/*
 *   lock: owner CPU#0          CPU#1 calls spin_lock
 * The owner is another CPU that can never run to release it: "lockup
 * suspected", naming both CPUs (not "recursion", which is the owner
 * taking it again).  The lock is CPU#1's afterwards, so the run goes on
 * and CPU#1 taking it once more is the recursion.
 */
static void test_spin_lock_held_by_other_cpu(void **state)
{
	struct machine *m = bare_machine(2, 0);
	spinlock_t l = __SPIN_LOCK_UNLOCKED;

	(void)state;
	spin_lock(m, &l);
	assert_true(assert_spin_locked(m, &l));
	assert_false(m->fail.failed);
	m->cur_cpu = 1;
	assert_false(spin_trylock(m, &l));
	assert_int_equal(l.owner, 1);
	spin_lock(m, &l);
	expect_fail(m, "BUG: spinlock lockup suspected on CPU#1, held by CPU#0");
	assert_int_equal(l.owner, 2);
	spin_lock(m, &l);
	expect_fail(m, "BUG: spinlock recursion on CPU#1");
	free(m);
}

/*
 *   lock: free                 CPU#0 calls spin_unlock
 *   lock: owner CPU#0          CPU#1 calls spin_unlock
 * debug_spin_unlock's "already unlocked" and "wrong CPU" checks; the
 * second names the owner.
 */
static void test_spin_unlock_misuse(void **state)
{
	struct machine *m = bare_machine(2, 0);
	spinlock_t l = __SPIN_LOCK_UNLOCKED;

	(void)state;
	spin_unlock(m, &l);
	expect_fail(m, "BUG: spinlock already unlocked on CPU#0");
	spin_lock(m, &l);
	m->cur_cpu = 1;
	spin_unlock(m, &l);
	expect_fail(m, "BUG: spinlock wrong CPU on CPU#1, owner CPU#0");
	/* a correct pair records nothing */
	spin_lock(m, &l);
	spin_unlock(m, &l);
	assert_false(m->fail.failed);
	assert_false(spin_is_locked(&l));
	free(m);
}

/*
 *   lock: free, then owner CPU#1      lockdep_assert_held on CPU#0
 * assert_spin_locked is true only for the owner; otherwise it returns
 * false and records a WARNING naming the owner (-1: none).
 */
static void test_assert_spin_locked_not_owner(void **state)
{
	struct machine *m = bare_machine(2, 0);
	spinlock_t l = __SPIN_LOCK_UNLOCKED;

	(void)state;
	assert_false(assert_spin_locked(m, &l));
	expect_fail(m, "WARNING: lock not held by CPU#0 (owner -1)");
	m->cur_cpu = 1;
	spin_lock(m, &l);
	assert_true(assert_spin_locked(m, &l));
	m->cur_cpu = 0;
	assert_false(assert_spin_locked(m, &l));
	expect_fail(m, "WARNING: lock not held by CPU#0 (owner 1)");
	free(m);
}

/* -------------------------------------------------------------------------
 * rw semaphores, sequentially
 */

/*
 *   rwsem: free -> read by CPU#0 twice (nested) -> once released
 * A nested read hold is counted per CPU: after one up_read CPU#0 still
 * holds it (count 1, its reader bit set), after the second it is free.
 * CPU#1 may read alongside; a reader that never took it cannot release.
 */
static void test_rwsem_nested_readers(void **state)
{
	struct machine *m = bare_machine(2, 0);
	struct rw_semaphore s;

	(void)state;
	init_rwsem(&s);
	down_read(m, &s);
	down_read(m, &s);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.depth[0], 2);
	up_read(m, &s);
	assert_int_equal(s.count, 1);
	assert_true(rwsem_held(m, &s));
	assert_false(rwsem_write_held(m, &s));
	m->cur_cpu = 1;
	assert_false(rwsem_held(m, &s));
	assert_true(down_read_trylock(m, &s));
	assert_int_equal(s.count, 2);
	assert_int_equal(s.readers, 3);
	up_read(m, &s);
	up_read(m, &s);		/* CPU#1 no longer holds it */
	expect_fail(m, "BUG: up_read on CPU#1 of an rwsem it does not hold for read");
	assert_int_equal(s.count, 1);
	m->cur_cpu = 0;
	up_read(m, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.readers, 0);
	assert_false(rwsem_is_locked(&s));
	up_read(m, &s);		/* nobody holds it */
	expect_fail(m, "BUG: up_read on CPU#0 of an rwsem it does not hold for read");
	assert_int_equal(s.count, 0);
	free(m);
}

/*
 *   rwsem: write-held by CPU#0       CPU#1: down_read, down_read_trylock
 *   rwsem: read-held by CPU#0        CPU#0 / CPU#1: down_write
 * A sleeping acquire nobody can satisfy is a failure that says who holds
 * the semaphore, and whether the caller itself is one of the readers (the
 * read-to-write upgrade deadlock); the trylocks simply fail (rwsem.c:
 * down_read_trylock and down_write_trylock return 0) and change nothing.
 */
static void test_rwsem_would_sleep_forever(void **state)
{
	struct machine *m = bare_machine(2, 0);
	struct rw_semaphore s;

	(void)state;
	init_rwsem(&s);
	down_write(m, &s);
	assert_true(rwsem_write_held(m, &s));
	assert_true(rwsem_held(m, &s));
	m->cur_cpu = 1;
	assert_false(rwsem_held(m, &s));
	assert_false(down_read_trylock(m, &s));
	assert_false(down_write_trylock(m, &s));
	down_read(m, &s);
	expect_fail(m, "BUG: down_read would sleep forever on CPU#1: rwsem write-held by CPU#0");
	down_write(m, &s);
	expect_fail(m, "BUG: down_write would sleep forever on CPU#1: rwsem write-held by CPU#0");
	assert_int_equal(s.count, -1);
	assert_int_equal(s.writer, 1);
	assert_int_equal(s.readers, 0);

	m->cur_cpu = 0;
	up_write(m, &s);
	down_read(m, &s);
	down_write(m, &s);
	expect_fail(m, "BUG: down_write would sleep forever on CPU#0: rwsem read-held by "
		    "1 CPU(s), this one included");
	m->cur_cpu = 1;
	assert_false(down_write_trylock(m, &s));
	down_write(m, &s);
	expect_fail(m, "BUG: down_write would sleep forever on CPU#1: rwsem read-held by "
		    "1 CPU(s)");
	assert_int_equal(s.count, 1);
	assert_int_equal(s.writer, 0);
	free(m);
}

/*
 *   rwsem: free -> write (CPU#0) -> downgrade -> read (CPU#0) + read (CPU#1)
 * downgrade_write turns the writer into a reader without a window in
 * which the semaphore is free: other readers get in, writers do not.
 * Releasing or downgrading a write hold one does not have is a failure.
 */
static void test_rwsem_downgrade_and_bad_release(void **state)
{
	struct machine *m = bare_machine(2, 0);
	struct rw_semaphore s;

	(void)state;
	init_rwsem(&s);
	up_write(m, &s);
	expect_fail(m, "BUG: up_write on CPU#0 of an rwsem it does not hold for write");
	downgrade_write(m, &s);
	expect_fail(m, "BUG: downgrade_write on CPU#0 of an rwsem it does not hold for write");
	assert_false(rwsem_is_locked(&s));

	assert_true(down_write_trylock(m, &s));
	m->cur_cpu = 1;
	up_write(m, &s);
	expect_fail(m, "BUG: up_write on CPU#1 of an rwsem it does not hold for write");
	downgrade_write(m, &s);
	expect_fail(m, "BUG: downgrade_write on CPU#1 of an rwsem it does not hold for write");
	assert_int_equal(s.count, -1);

	m->cur_cpu = 0;
	downgrade_write(m, &s);
	assert_false(m->fail.failed);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.writer, 0);
	assert_true(rwsem_held(m, &s));
	assert_false(rwsem_write_held(m, &s));
	m->cur_cpu = 1;
	assert_true(down_read_trylock(m, &s));
	assert_false(down_write_trylock(m, &s));
	up_read(m, &s);
	m->cur_cpu = 0;
	up_read(m, &s);
	assert_false(m->fail.failed);
	assert_false(rwsem_is_locked(&s));
	free(m);
}

/* -------------------------------------------------------------------------
 * Under the explorer
 */
struct cpu_toy {
	struct machine *m;
	struct rw_semaphore sem;
	long ran[XP_MAX_CPUS];		/* per CPU: calls of count_call */
	int ran_on[XP_MAX_CPUS];	/* the CPU each call saw as current */
	long in_read;			/* readers inside, as the bodies count them */
	int mode;
};

static struct cpu_toy toy;

static void *toy_setup(struct xp_ctx *x, void *arg)
{
	struct cpu_toy *t = arg;

	memset(t->m, 0, sizeof(*t->m));
	t->m->nr_cpus = 3;
	init_rwsem(&t->sem);
	memset(t->ran, 0, sizeof(t->ran));
	memset(t->ran_on, -1, sizeof(t->ran_on));
	t->in_read = 0;
	xp_attach_machine(x, t->m);
	xp_name_range(x, &t->in_read, sizeof(t->in_read), "in_read");
	return t;
}

static void count_call(struct machine *m, void *info)
{
	struct cpu_toy *t = info;

	t->ran[m->cur_cpu]++;
	t->ran_on[m->cur_cpu] = m->cur_cpu;
}

static void body_idle(struct xp_ctx *x, void *s)
{
	(void)s;
	xp_yield(x);
}

static void run_ok(const struct xp_test *t, struct xp_result *r)
{
	xp_explore(t, NULL, r);
	if (r->kind != XP_OK) {
		xp_print_failure(stdout, r);
		fail_msg("%s: unexpected %s: %s", t->name, xp_fail_kind_name(r->kind), r->msg);
	}
}

/*
 * mode 0: CPU#0 smp_call_function_single(2, wait)    the target alone runs it,
 *         with cur_cpu 2, before the call returns; CPU#0 does not run it
 * mode 1: CPU#0 smp_call_function_single(0, wait)    a call to oneself runs
 *         in place, nothing is posted or waited for
 * mode 2: CPU#0 on_each_cpu(.., wait = false)         the caller runs it at
 *         once; the others run it some time later (checked at the end)
 * mode 3: CPU#1 smp_call_function_single(0, wait)    a target below the
 *         caller: CPU#0 alone runs it
 */
static void body_calls(struct xp_ctx *x, void *s)
{
	struct cpu_toy *t = s;
	struct machine *m = t->m;

	switch (t->mode) {
	case 0:
		smp_call_function_single(m, 2, count_call, t, true);
		xp_assert(x, t->ran[2] == 1 && t->ran_on[2] == 2, "cpu2 ran it %ld times",
			  t->ran[2]);
		xp_assert(x, t->ran[0] == 0 && t->ran[1] == 0);
		break;
	case 1:
		smp_call_function_single(m, 0, count_call, t, true);
		xp_assert(x, t->ran[0] == 1 && t->ran[1] == 0 && t->ran[2] == 0);
		break;
	case 2:
		on_each_cpu(m, count_call, t, false);
		xp_assert(x, t->ran[0] == 1);
		break;
	case 3:
		smp_call_function_single(m, 0, count_call, t, true);
		xp_assert(x, t->ran[0] == 1 && t->ran_on[0] == 0 && t->ran[1] == 0);
		break;
	}
	xp_assert(x, m->cur_cpu == xp_cpu(x));
}

static void final_calls(struct xp_ctx *x, void *s)
{
	struct cpu_toy *t = s;
	static const long want[4][3] = { { 0, 0, 1 }, { 1, 0, 0 }, { 1, 1, 1 }, { 1, 0, 0 } };

	for (int c = 0; c < 3; c++)
		if (t->ran[c] != want[t->mode][c])
			xp_fail_at(x, __FILE__, __LINE__, __func__, "mode %d: cpu%d ran it %ld times",
				   t->mode, c, t->ran[c]);
}

/* The four call shapes above, checked under every interleaving of three CPUs */
static void test_cross_cpu_calls(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct xp_test xt = { .name = "cross_cpu_calls", .ncpus = 3, .setup = toy_setup,
			      .arg = &toy, .final = final_calls };
	struct xp_result r;

	(void)state;
	assert_non_null(m);
	toy.m = m;
	for (toy.mode = 0; toy.mode < 4; toy.mode++) {
		xt.cpu[0] = toy.mode == 3 ? body_idle : body_calls;
		xt.cpu[1] = toy.mode == 3 ? body_calls : body_idle;
		xt.cpu[2] = body_idle;
		run_ok(&xt, &r);
		assert_true(r.stats.complete);
		if (toy.mode == 1)
			assert_int_equal(r.stats.schedules, 1);	/* nothing to interleave but yields */
		else
			assert_true(r.stats.schedules > 1);
		xp_result_free(&r);
	}
	free(m);
}

/*
 * CPU#0: down_write, write work, downgrade_write, read work, up_read
 * CPU#1: down_read_trylock (may fail), else down_read; read work; up_read
 * A reader is never inside while CPU#0 writes; after the downgrade both
 * may be inside together (some schedule shows it); a trylock fails only
 * while the writer holds it, never after the downgrade.
 */
static void body_writer_downgrade(struct xp_ctx *x, void *s)
{
	struct cpu_toy *t = s;
	struct machine *m = t->m;

	down_write(m, &t->sem);
	xp_assert(x, xp_read(x, &t->in_read) == 0, "a reader is inside the write section");
	downgrade_write(m, &t->sem);
	xp_add(x, &t->in_read, 1);
	xp_sometimes_if(x, "reader_with_downgraded", xp_read(x, &t->in_read) == 2);
	xp_add(x, &t->in_read, -1);
	up_read(m, &t->sem);
}

static void body_reader_try(struct xp_ctx *x, void *s)
{
	struct cpu_toy *t = s;
	struct machine *m = t->m;

	if (!down_read_trylock(m, &t->sem)) {
		xp_assert(x, t->sem.count == -1, "trylock failed without a writer");
		xp_sometimes(x, "trylock_failed");
		down_read(m, &t->sem);
	}
	xp_add(x, &t->in_read, 1);
	xp_add(x, &t->in_read, -1);
	up_read(m, &t->sem);
}

static void final_rwsem(struct xp_ctx *x, void *s)
{
	struct cpu_toy *t = s;

	if (rwsem_is_locked(&t->sem) || t->m->fail.failed)
		xp_fail_at(x, __FILE__, __LINE__, __func__, "rwsem left locked (%d) or failure: %s",
			   t->sem.count, t->m->fail.msg);
}

static void test_rwsem_downgrade_interleavings(void **state)
{
	static const char *const sometimes[] = { "reader_with_downgraded", "trylock_failed",
						  NULL };
	struct machine *m = calloc(1, sizeof(*m));
	struct xp_test xt = { .name = "rwsem_downgrade", .ncpus = 2, .setup = toy_setup,
			      .arg = &toy, .final = final_rwsem, .sometimes = sometimes };
	struct xp_result r;

	(void)state;
	assert_non_null(m);
	toy.m = m;
	xt.cpu[0] = body_writer_downgrade;
	xt.cpu[1] = body_reader_try;
	run_ok(&xt, &r);
	assert_true(r.stats.complete);
	xp_result_free(&r);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spin_lock_held_by_other_cpu),
		cmocka_unit_test(test_spin_unlock_misuse),
		cmocka_unit_test(test_assert_spin_locked_not_owner),
		cmocka_unit_test(test_rwsem_nested_readers),
		cmocka_unit_test(test_rwsem_would_sleep_forever),
		cmocka_unit_test(test_rwsem_downgrade_and_bad_release),
		cmocka_unit_test(test_cross_cpu_calls),
		cmocka_unit_test(test_rwsem_downgrade_interleavings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
