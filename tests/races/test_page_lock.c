// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_page_lock.c - page locks (PG_locked) under the explorer.
 *
 *   struct page P:  flags ... PG_locked ...      spinlock L (model data)
 *   CPU0, CPU1:     lock_page(P); read c; write c + 1; unlock_page(P)
 *
 * lock_page takes the bit with one atomic RMW through the vmemmap and a
 * contended caller blocks until the bit reads clear; the lock must make
 * a non-atomic increment safe in every schedule, and taking P and L in
 * opposite orders on two CPUs must be found as a deadlock.
 */
#include <stdio.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "cpu.h"

struct lk {
	struct machine *m;
	unsigned long page;
	long counter;
	spinlock_t l;
};

static struct lk st;

static void *lk_setup(struct xp_ctx *x, void *arg)
{
	struct lk *s = arg;
	char err[256];
	struct machine_opts o;

	t_opts(&o, 1, 64, 2);
	s->m = machine_create(&o, err, sizeof(err));
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	s->page = alloc_pages_node(s->m, 0, GFP_KERNEL, 0);
	s->counter = 0;
	spin_lock_init(&s->l);
	xp_attach_machine(x, s->m);
	return s;
}

static void lk_teardown(struct xp_ctx *x, void *state)
{
	struct lk *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void inc_locked(struct xp_ctx *x, void *state)
{
	struct lk *s = state;
	long v;

	if (!trylock_page(s->m, s->page)) {
		xp_sometimes(x, "contended");
		lock_page(s->m, s->page);
	}
	v = xp_read(x, &s->counter);
	xp_write(x, &s->counter, v + 1);
	unlock_page(s->m, s->page);
}

static void inc_final(struct xp_ctx *x, void *state)
{
	struct lk *s = state;

	xp_assert(x, s->counter == 2, "counter %ld: the page lock let two increments overlap",
		  s->counter);
	xp_assert(x, !PageLocked(s->m, s->page), "page still locked");
}

static const char *const s_contended[] = { "contended", NULL };
static struct xp_test t_mutual_exclusion = {
	.name = "page_lock_mutual_exclusion", .ncpus = 2, .setup = lk_setup,
	.teardown = lk_teardown, .final = inc_final, .arg = &st,
	.cpu = { inc_locked, inc_locked }, .sometimes = s_contended,
};

/* CPU0: page then spinlock; CPU1: spinlock then page (ABBA) */
static void cpu0_page_then_spin(struct xp_ctx *x, void *state)
{
	struct lk *s = state;

	(void)x;
	lock_page(s->m, s->page);
	spin_lock(s->m, &s->l);
	spin_unlock(s->m, &s->l);
	unlock_page(s->m, s->page);
}

static void cpu1_spin_then_page(struct xp_ctx *x, void *state)
{
	struct lk *s = state;

	(void)x;
	spin_lock(s->m, &s->l);
	lock_page(s->m, s->page);
	unlock_page(s->m, s->page);
	spin_unlock(s->m, &s->l);
}

static struct xp_test t_abba = {
	.name = "page_lock_abba_deadlock", .ncpus = 2, .setup = lk_setup,
	.teardown = lk_teardown, .arg = &st,
	.cpu = { cpu0_page_then_spin, cpu1_spin_then_page },
	.expect_failure = true, .expect_msg = "deadlock",
};

/* Sequentially a second lock_page can never succeed: a reported failure */
static void test_sequential_relock_reported(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	unsigned long p = alloc_pages_node(m, 0, GFP_KERNEL, 0);

	(void)state;
	assert_true(trylock_page(m, p));
	assert_false(trylock_page(m, p));
	assert_true(PageLocked(m, p));
	lock_page(m, p);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "lock_page"));
	m->fail.failed = false;
	unlock_page(m, p);
	assert_false(PageLocked(m, p));
	unlock_page(m, p);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "not locked"));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST(t_mutual_exclusion),
		XP_UNIT_TEST(t_abba),
		cmocka_unit_test(test_sequential_relock_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
