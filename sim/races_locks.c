// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_locks.c - the lock races: page locks (PG_locked) and
 * mem_hotplug_lock, as named races that vary no policy family.
 *
 *   page-lock-increment:  CPU0, CPU1: lock_page(P); read c; write c + 1;
 *                         unlock_page(P)
 *   page-lock-abba:       CPU0 takes P then a spinlock L, CPU1 L then P
 *
 * lock_page takes the bit with one atomic RMW through the vmemmap and a
 * contended caller blocks until the bit reads clear; the lock must make
 * a non-atomic increment safe in every schedule, and taking P and L in
 * opposite orders on two CPUs must be found as a deadlock.
 *
 *   hotplug-lock-reader:  CPU0 (a reader, get_online_mems): read E twice
 *                         CPU1 (hotplug, mem_hotplug_begin): write E
 *
 * E stands for what onlining and offlining change (zone spans, present
 * pages).  mem_hotplug_lock is a cpu.h rw semaphore, so its acquires are
 * scheduling points: with the lock, no schedule lets the writer in
 * between the reader's two reads; without the reader's side of it
 * (hotplug-lock-unlocked-reader), the explorer finds the schedule that
 * does.
 */
#include <stdio.h>

#include "races_int.h"
#include "cpu.h"
#include "memory_hotplug.h"
#include "page.h"
#include "page_alloc.h"

struct lk {
	struct race_base b;
	struct machine *m;
	unsigned long page;
	long counter;
	spinlock_t l;
};

static void *lk_setup(struct xp_ctx *x, void *arg)
{
	struct lk *s = arg;
	struct machine_opts o;

	race_opts(&o, 1, 64, 2);
	s->m = race_machine(x, &s->b, &o);
	if (!s->m)
		return s;
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
		race_window(x, &s->b, "contended", true);
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
static const struct lk lk_cfg;
static const struct race_expect inc_expect[] = {
	{ .windows = s_contended, .test = "page_lock_mutual_exclusion" },
};
const struct race_def race_page_lock_increment = {
	.name = "page-lock-increment", .summary = "PG_locked makes a non-atomic increment safe",
	.cpu_text = { "lock_page(P); c = c + 1; unlock_page(P)",
		      "lock_page(P); c = c + 1; unlock_page(P)" },
	.cfg = &lk_cfg, .cfg_size = sizeof(struct lk), .ncpus = 2,
	.setup = lk_setup, .teardown = lk_teardown, .final = inc_final,
	.cpu = { inc_locked, inc_locked }, .windows = s_contended,
	.expect = inc_expect, .nr_expect = 1,
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

static const struct race_expect abba_expect[] = {
	{ .fails = true, .msg = "deadlock", .test = "page_lock_abba_deadlock" },
};
const struct race_def race_page_lock_abba = {
	.name = "page-lock-abba", .summary = "a page lock and a spinlock taken in opposite orders",
	.cpu_text = { "lock_page(P), spin_lock(L), unlock both",
		      "spin_lock(L), lock_page(P), unlock both" },
	.cfg = &lk_cfg, .cfg_size = sizeof(struct lk), .ncpus = 2,
	.setup = lk_setup, .teardown = lk_teardown,
	.cpu = { cpu0_page_then_spin, cpu1_spin_then_page },
	.expect = abba_expect, .nr_expect = 1,
};

/* -------------------------------------------------------------------------
 * mem_hotplug_lock
 */
struct hl {
	struct race_base b;
	struct machine *m;
	long epoch;
	bool reader_locks;
};

static void *hl_setup(struct xp_ctx *x, void *arg)
{
	struct hl *s = arg;
	struct machine_opts o;

	race_opts(&o, 1, 256, 2);
	s->m = race_machine(x, &s->b, &o);
	if (!s->m)
		return s;
	s->epoch = 0;
	xp_attach_machine(x, s->m);
	return s;
}

static void hl_teardown(struct xp_ctx *x, void *state)
{
	struct hl *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void reader(struct xp_ctx *x, void *state)
{
	struct hl *s = state;
	long a, b;

	if (s->reader_locks)
		get_online_mems(s->m);
	a = xp_read(x, &s->epoch);
	b = xp_read(x, &s->epoch);
	if (s->reader_locks)
		put_online_mems(s->m);
	xp_assert(x, a == b, "a hotplug operation ran inside get_online_mems (read %ld, then %ld)",
		  a, b);
}

static void writer(struct xp_ctx *x, void *state)
{
	struct hl *s = state;

	mem_hotplug_begin(s->m);
	xp_write(x, &s->epoch, 1);
	mem_hotplug_done(s->m);
	race_window(x, &s->b, "written", true);
}

static const char *const s_written[] = { "written", NULL };

static const struct hl hl_locked_cfg = { .reader_locks = true };
static const struct race_expect hl_locked_expect[] = {
	{ .windows = s_written, .test = "mem_hotplug_lock_reader_excludes_hotplug" },
};
const struct race_def race_hotplug_lock_reader = {
	.name = "hotplug-lock-reader", .summary = "mem_hotplug_lock keeps hotplug out of a reader",
	.cpu_text = { "get_online_mems; read E twice; put_online_mems",
		      "mem_hotplug_begin; write E; mem_hotplug_done" },
	.cfg = &hl_locked_cfg, .cfg_size = sizeof(struct hl), .ncpus = 2,
	.setup = hl_setup, .teardown = hl_teardown, .cpu = { reader, writer },
	.windows = s_written, .expect = hl_locked_expect, .nr_expect = 1,
};

static const struct hl hl_unlocked_cfg = { .reader_locks = false };
static const struct race_expect hl_unlocked_expect[] = {
	{ .fails = true, .msg = "inside get_online_mems",
	  .test = "mem_hotplug_lock_unlocked_reader" },
};
const struct race_def race_hotplug_lock_unlocked_reader = {
	.name = "hotplug-lock-unlocked-reader",
	.summary = "a reader without get_online_mems sees hotplug's write",
	.cpu_text = { "read E twice, no get_online_mems",
		      "mem_hotplug_begin; write E; mem_hotplug_done" },
	.cfg = &hl_unlocked_cfg, .cfg_size = sizeof(struct hl), .ncpus = 2,
	.setup = hl_setup, .teardown = hl_teardown, .cpu = { reader, writer },
	.windows = s_written, .expect = hl_unlocked_expect, .nr_expect = 1,
};
