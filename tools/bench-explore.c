// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-explore.c - speed of the interleaving explorer, in schedules per
 * second (a budget of docs/design.md), on a small toy: 2 CPUs, each doing 10
 * operations on shared variables (reads and writes of two longs), run by
 * every search strategy; then on the seed-000 race of
 * tests/races/test_seed000.c (its first test: a new-head HVO on CPU0 while
 * CPU1 takes and drops a reference on the head), where every schedule
 * boots a small machine, allocates a hugepage and optimises its vmemmap.
 * Also the raw cost of a coroutine switch.
 *
 *	mmsim-bench-explore [random-walk-runs]
 *
 * The toy's unreduced exhaustive run explores all C(20, 10) = 184756
 * schedules; every one is run from scratch (setup, 2 coroutine starts, 20
 * steps).  The seed-000 searches keep going after a failing schedule (the
 * race is found in some of them), so they cover the whole space.
 * Single-threaded, so the figures are for one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coro.h"
#include "explore.h"
#include "hugetlb_vmemmap.h"
#include "machine.h"
#include "page.h"
#include "page_alloc.h"

#define STEPS	10

struct bench {
	long v[2];
	long sum[2];
};

static void *bench_setup(struct xp_ctx *x, void *arg)
{
	struct bench *b = arg;

	memset(b, 0, sizeof(*b));
	return b;
}

/* even steps read one variable, odd steps write the other */
static void bench_body(struct xp_ctx *x, void *s)
{
	struct bench *b = s;
	int c = xp_cpu(x);

	for (int i = 0; i < STEPS; i++) {
		if (i & 1)
			xp_write(x, &b->v[(i >> 1) & 1], b->sum[c] + i);
		else
			b->sum[c] += xp_read(x, &b->v[(i >> 1) & 1]);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run(const char *what, const struct xp_test *t, const struct xp_opts *o)
{
	struct xp_result r;
	double t0 = now(), dt;
	unsigned long runs;

	xp_explore(t, o, &r);
	dt = now() - t0;
	runs = r.stats.schedules + r.stats.sleep_blocked;
	printf("  %-24s %8lu schedules %9lu steps %7.3f s %9.0f schedules/s %6.1f Msteps/s%s\n",
	       what, runs, r.stats.steps, dt, runs / dt, r.stats.steps / dt * 1e-6,
	       r.kind == XP_OK ? "" : "  (FAILED)");
	if (r.kind != XP_OK)
		xp_print_failure(stdout, &r);
	xp_result_free(&r);
	return r.kind == XP_OK ? 0 : 1;
}

/*
 * The seed-000 race (tests/races/test_seed000.c, seed000_new_head_get_put):
 * 1 node of 64 MiB, 2 CPUs, hugetlb_free_vmemmap=on, policy new-head; one
 * 2 MiB hugepage with refcount 1, both TLBs holding its head struct page.
 * CPU0 optimises the vmemmap, CPU1 takes and drops a reference.
 */
struct seed000 {
	struct machine *m;
	unsigned long head;
};

static const struct hstate h2m = { .order = 9 };

static void *seed000_setup(struct xp_ctx *x, void *arg)
{
	struct seed000 *s = arg;
	struct machine_opts o;
	char err[256];

	machine_opts_default(&o);
	o.nr_nodes = 1;
	o.node[0].mem_bytes = 64UL << 20;
	o.nr_holes = 0;
	o.kernel_image_bytes = 0;
	o.nr_cpus = 2;
	o.thp = false;
	o.hugetlb_free_vmemmap = true;
	policy_set_pick(&o.policies, "hvo", "new-head");
	s->m = machine_create(&o, err, sizeof(err));
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	s->head = alloc_pages_node(s->m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE |
				   __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 9);
	if (s->head == PFN_NONE) {
		xp_fail(x, "no hugepage");
		return s;
	}
	for (int c = 1; c >= 0; c--) {
		s->m->cur_cpu = c;
		page_ref_count(s->m, s->head);
	}
	xp_attach_machine(x, s->m);
	return s;
}

static void seed000_teardown(struct xp_ctx *x, void *state)
{
	struct seed000 *s = state;

	if (s->m)
		machine_destroy(s->m);
	s->m = NULL;
}

static void seed000_cpu0(struct xp_ctx *x, void *state)
{
	struct seed000 *s = state;

	hugetlb_vmemmap_optimize(s->m, &h2m, s->head);
}

static void seed000_cpu1(struct xp_ctx *x, void *state)
{
	struct seed000 *s = state;

	page_ref_add_return(s->m, s->head, 1);
	page_ref_add_return(s->m, s->head, -1);
}

static int run_seed000(const char *what, const struct xp_test *t, struct xp_opts o,
		       bool must_find)
{
	struct xp_result r;
	double t0 = now(), dt;
	unsigned long runs;

	o.keep_going = true;
	xp_explore(t, &o, &r);
	dt = now() - t0;
	runs = r.stats.schedules + r.stats.sleep_blocked;
	printf("  %-24s %8lu schedules %9lu steps %7.3f s %9.0f schedules/s %6.1f Msteps/s"
	       "  %lu lose the update\n", what, runs, r.stats.steps, dt, runs / dt,
	       r.stats.steps / dt * 1e-6, r.stats.failed);
	/* the race is in some schedules, never in all; the searches that
	 * cover the space must find it */
	if ((r.kind != XP_OK && r.kind != XP_FAIL_CHECK) || r.stats.failed >= r.stats.schedules ||
	    (must_find && !r.stats.failed)) {
		printf("  (unexpected: %s: %s)\n", xp_fail_kind_name(r.kind), r.msg);
		xp_result_free(&r);
		return 1;
	}
	xp_result_free(&r);
	return 0;
}

/* Ping-pong between the main context and one coroutine */
struct pingpong {
	struct coro main, co;
	unsigned long n;
};

static void pong(void *arg)
{
	struct pingpong *p = arg;

	for (;;)
		coro_switch(&p->co, &p->main);
}

static double switch_ns(unsigned long n)
{
	struct pingpong p = { .n = n };
	double t0;

	coro_init_main(&p.main);
	if (coro_create(&p.co, CORO_STACK_DEFAULT))
		return -1;
	coro_start(&p.co, &p.main, pong, &p);
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		coro_switch(&p.main, &p.co);
	t0 = now() - t0;
	coro_destroy(&p.co);
	return t0 / (2.0 * n) * 1e9;
}

int main(int argc, char **argv)
{
	struct bench b;
	struct xp_test t = {
		.name = "bench", .ncpus = 2, .setup = bench_setup, .arg = &b,
		.cpu = { bench_body, bench_body },
	};
	unsigned long walks = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
	struct xp_opts o;
	int bad = 0;

	printf("mmsim-bench-explore: 2 CPUs x %d operations on 2 shared variables\n", STEPS);
	o = (struct xp_opts){ .strategy = XP_DFS, .no_por = true };
	bad |= run("DFS, unreduced", &t, &o);
	o = (struct xp_opts){ .strategy = XP_DFS };
	bad |= run("DPOR (source sets)", &t, &o);
	o = (struct xp_opts){ .strategy = XP_DFS, .bounding = XP_BOUND, .bound = 2 };
	bad |= run("DFS, preemption bound 2", &t, &o);
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 1, .max_schedules = walks };
	bad |= run("random walk", &t, &o);
	o = (struct xp_opts){ .strategy = XP_PCT, .seed = 1, .max_schedules = walks };
	bad |= run("PCT, depth 3", &t, &o);

	struct seed000 sd;
	struct xp_test ts = {
		.name = "seed000", .ncpus = 2, .setup = seed000_setup,
		.teardown = seed000_teardown, .arg = &sd,
		.cpu = { seed000_cpu0, seed000_cpu1 },
	};

	printf("seed-000 race: new-head HVO on CPU0, get/put of the head on CPU1 "
	       "(64 MiB machine per schedule)\n");
	o = (struct xp_opts){ .strategy = XP_DFS };
	bad |= run_seed000("DPOR (source sets)", &ts, o, true);
	o = (struct xp_opts){ .strategy = XP_DFS, .bounding = XP_BOUND, .bound = 2 };
	bad |= run_seed000("DFS, preemption bound 2", &ts, o, true);
	o = (struct xp_opts){ .strategy = XP_RANDOM, .seed = 1,
			      .max_schedules = walks / 40 ? walks / 40 : 1 };
	bad |= run_seed000("random walk", &ts, o, false);
	o = (struct xp_opts){ .strategy = XP_PCT, .seed = 1,
			      .max_schedules = walks / 40 ? walks / 40 : 1 };
	bad |= run_seed000("PCT, depth 3", &ts, o, false);
	printf("  %-24s %.1f ns\n", "coroutine switch", switch_ns(10000000));
	return bad;
}
