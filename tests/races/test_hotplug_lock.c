// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hotplug_lock.c - mem_hotplug_lock under the explorer.
 *
 *   CPU0 (a reader, get_online_mems):   read E; read E again
 *   CPU1 (hotplug, mem_hotplug_begin):  write E
 *
 * E stands for what onlining and offlining change (zone spans, present
 * pages).  mem_hotplug_lock is a cpu.h rw semaphore, so its acquires are
 * scheduling points: with the lock, no schedule lets the writer in
 * between the reader's two reads; without the reader's side of it, the
 * explorer finds the schedule that does.
 */
#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "memory_hotplug.h"

struct hl {
	struct machine *m;
	long epoch;
	bool reader_locks;
};

static struct hl st_locked = { .reader_locks = true }, st_unlocked = { .reader_locks = false };

static void *hl_setup(struct xp_ctx *x, void *arg)
{
	struct hl *s = arg;
	char err[256];
	struct machine_opts o;

	t_opts(&o, 1, 256, 2);
	s->m = machine_create(&o, err, sizeof(err));
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
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
	xp_sometimes(x, "written");
}

static const char *const s_written[] = { "written", NULL };

static struct xp_test t_reader_excludes_hotplug = {
	.name = "mem_hotplug_lock_reader_excludes_hotplug", .ncpus = 2, .setup = hl_setup,
	.teardown = hl_teardown, .arg = &st_locked, .cpu = { reader, writer },
	.sometimes = s_written,
};

static struct xp_test t_unlocked_reader = {
	.name = "mem_hotplug_lock_unlocked_reader", .ncpus = 2, .setup = hl_setup,
	.teardown = hl_teardown, .arg = &st_unlocked, .cpu = { reader, writer },
	.expect_failure = true, .expect_msg = "inside get_online_mems",
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST(t_reader_excludes_hotplug),
		XP_UNIT_TEST(t_unlocked_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
