// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-explore.c - speed of the interleaving explorer, in schedules per
 * second, on the toy the design budget names: 2 CPUs, each doing 10
 * operations on shared variables (reads and writes of two longs), run by
 * every search strategy.  Also the raw cost of a coroutine switch.
 *
 *	mmsim-bench-explore [random-walk-runs]
 *
 * The unreduced exhaustive run explores all C(20, 10) = 184756 schedules;
 * every one is run from scratch (setup, 2 coroutine starts, 20 steps).
 * Single-threaded, so the figures are for one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coro.h"
#include "explore.h"

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
	printf("  %-24s %.1f ns\n", "coroutine switch", switch_ns(10000000));
	return bad;
}
