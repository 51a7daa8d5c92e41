// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore.c - the interleaving explorer's engine (see explore.h).
 *
 * One run (xp_run_one) builds the state with the test's setup, starts every
 * CPU body as a coroutine and lets each run up to its first scheduling
 * point.  Then, step by step: compute the enabled threads (CPUs stopped at
 * a point whose wait condition holds, events posted and not delivered),
 * let the run's mode choose one, run it to its next point (a CPU) or call
 * its handler (an event), check.  The modes differ only in how they choose.
 *
 * DFS keeps its search nodes in the step array across runs (stateless
 * search: each run replays the prefix up to the node being backtracked,
 * then tries the next thread there).  Unbounded, it reduces: each step gets
 * a vector clock (happens-before: program order, event creation, dependent
 * steps), the same walk finds the step's races (dependent steps not yet
 * ordered before it), and each race adds one thread of its source set to
 * the node before the racing step (source-DPOR, Abdulla et al., POPL'14);
 * sleep sets cut the runs that would only repeat an explored order.
 *
 * Under a preemption bound there is no reduction: the bound makes some
 * orders of independent steps cheaper than others, so the explored
 * representative of an order may lie beyond the bound.  We tried bounded
 * POR's conservative backtrack points (Coons, Musuvathi, McKinley,
 * OOPSLA'13; one more point at the last context switch before each race):
 * a cross-check against plain enumeration on random programs found bound-1
 * outcomes they miss, reachable only by preempting a CPU inside a lock
 * region so that the other CPU blocks and the switch back costs nothing
 * (test_bound_lock_region in tests/unit/test_explore.c keeps that shape;
 * with those points it is found only at bound 2).  Bounded DFS therefore
 * enumerates every schedule within the bound: sound by construction, and
 * polynomial in the run length for a fixed bound.
 *
 * A preemption is a step by a thread other than the previous step's while
 * that one could have run.  An event is a thread of one step, so delivering
 * an IPI to a CPU while another CPU could go on costs one preemption, and
 * the step after it is free.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"
#include "host.h"

#define XP_DEFAULT_STEPS	100000UL
#define XP_DEFAULT_RUNS		1000UL
#define XP_DEFAULT_PCT_D	3

/* -------------------------------------------------------------------------
 * Small helpers
 */
static uint64_t xp_rand(struct xp_ctx *x)
{
	/* splitmix64: one 64-bit state, good enough for choosing threads */
	uint64_t z = (x->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int xm_nth(xmask m, int n)
{
	int t;

	xm_for_each(t, m)
		if (n-- == 0)
			return t;
	return -1;
}

static double now_seconds(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void record_failure(struct xp_ctx *x, enum xp_fail_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record_failure(struct xp_ctx *x, enum xp_fail_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (x->fkind != XP_OK)
		return;
	x->fkind = kind;
	va_start(ap, fmt);
	vsnprintf(x->fmsg, sizeof(x->fmsg), fmt, ap);
	va_end(ap);
}

/* -------------------------------------------------------------------------
 * Independence
 */
enum { CLS_LOCAL, CLS_READ, CLS_WRITE };

static const uint8_t op_cls[] = {
	[SCHED_READ] = CLS_READ,	[SCHED_WRITE] = CLS_WRITE,
	[SCHED_RMW] = CLS_WRITE,	[SCHED_LOCK] = CLS_WRITE,
	[SCHED_UNLOCK] = CLS_WRITE,	[SCHED_TLB_FILL] = CLS_READ,
	[SCHED_TLB_FLUSH] = CLS_LOCAL,	[SCHED_COPY] = CLS_WRITE,
	[SCHED_YIELD] = CLS_LOCAL,
};

static inline bool fp_overlap(const struct xp_fp *a, const struct xp_fp *b)
{
	return a->addr < b->addr + b->len && b->addr < a->addr + a->len;
}

/* Transitions of different threads that may not commute */
static bool fp_dependent(const struct xp_fp *a, const struct xp_fp *b)
{
	if (a->target >= 0 &&
	    (b->cpu == a->target || b->cpu == a->poster || b->target == a->target))
		return true;
	if (b->target >= 0 && (a->cpu == b->target || a->cpu == b->poster))
		return true;
	if (op_cls[a->op] == CLS_LOCAL || op_cls[b->op] == CLS_LOCAL)
		return false;
	if (op_cls[a->op] == CLS_READ && op_cls[b->op] == CLS_READ)
		return false;
	return fp_overlap(a, b);
}

/* A release and a blocking exclusive acquire of one lock are never enabled
 * in the same state, so they are no race to reverse */
static bool fp_coenabled(const struct xp_fp *a, const struct xp_fp *b)
{
	if ((a->op == SCHED_LOCK && b->op == SCHED_UNLOCK) ||
	    (a->op == SCHED_UNLOCK && b->op == SCHED_LOCK))
		return !fp_overlap(a, b);
	return true;
}

/* -------------------------------------------------------------------------
 * Threads: CPUs are 0 .. ncpus-1, events get the next free index the first
 * time their (poster, sequence number) is seen in the exploration.
 */
static int tid_for_event(struct xp_ctx *x, int poster, unsigned int seq)
{
	uint32_t key = 0x80000000u | (uint32_t)poster << 16 | seq;

	for (int t = x->ncpus; t < x->nthr; t++)
		if (x->tkey[t] == key)
			return t;
	if (x->nthr >= XP_MAX_THREADS || seq > 0xffff)
		return -1;
	x->tkey[x->nthr] = key;
	return x->nthr++;
}

static const struct xp_fp *pending_fp(struct xp_ctx *x, int tid)
{
	if (tid < x->ncpus)
		return &x->cpu[tid].next;
	return &x->ev[x->ev_of_tid[tid]].fp;
}

static xmask compute_enabled(struct xp_ctx *x)
{
	xmask en = x->ev_pending;

	for (int c = 0; c < x->ncpus; c++) {
		struct xp_cpu *cp = &x->cpu[c];

		if (cp->st == XC_POINT && (!cp->ready || cp->ready(cp->ready_arg)))
			en |= XBIT(c);
	}
	return en;
}

/* Threads with a transition to run (blocked CPUs included) */
static xmask pending_threads(struct xp_ctx *x)
{
	xmask p = x->ev_pending;

	for (int c = 0; c < x->ncpus; c++)
		if (x->cpu[c].st == XC_POINT)
			p |= XBIT(c);
	return p;
}

/* -------------------------------------------------------------------------
 * Storage for steps and vector clocks
 */
static void ensure_steps(struct xp_ctx *x, size_t n)
{
	if (n <= x->cap)
		return;
	size_t cap = x->cap ? x->cap * 2 : 256;

	while (cap < n)
		cap *= 2;
	x->steps = host_reallocarray(x->steps, cap, sizeof(*x->steps), "exploring schedules");
	x->cap = cap;
}

static uint32_t *clock_of(struct xp_ctx *x, size_t step)
{
	return x->clk + step * x->clk_stride;
}

static void ensure_clocks(struct xp_ctx *x, size_t n)
{
	unsigned int stride = x->clk_stride;

	while (stride < (unsigned int)x->nthr)
		stride *= 2;
	if (stride != x->clk_stride) {
		/* more threads than columns: re-lay the rows out, zero-filled */
		uint32_t *c = host_calloc(x->clk_cap ? x->clk_cap : 1, stride * sizeof(*c),
					  "exploring schedules");

		for (size_t i = 0; i < x->clk_cap; i++)
			memcpy(c + i * stride, x->clk + i * x->clk_stride,
			       x->clk_stride * sizeof(*c));
		host_free(x->clk);
		x->clk = c;
		x->clk_stride = stride;
	}
	if (n > x->clk_cap) {
		size_t cap = x->clk_cap ? x->clk_cap * 2 : 256;
		uint32_t *c;

		while (cap < n)
			cap *= 2;
		c = host_reallocarray(x->clk, cap, stride * sizeof(*c), "exploring schedules");
		memset(c + x->clk_cap * stride, 0, (cap - x->clk_cap) * stride * sizeof(*c));
		x->clk = c;
		x->clk_cap = cap;
	}
}

/* -------------------------------------------------------------------------
 * Hooks the model (and the toy helpers) call from a CPU body
 */
static void cpu_stop(struct xp_ctx *x, enum sched_op op, uint64_t addr, unsigned int len,
		     const char *where, bool (*ready)(void *), void *arg)
{
	struct xp_cpu *c = &x->cpu[x->cur];

	c->next = (struct xp_fp){
		.addr = addr, .len = len ? len : 1, .op = (uint8_t)op,
		.cpu = (int8_t)c->id, .target = -1, .poster = -1, .wait = ready != NULL,
		.where = where,
	};
	c->ready = ready;
	c->ready_arg = arg;
	c->st = XC_POINT;
	coro_switch(&c->co, &x->main);
}

static void hook_point(void *priv, enum sched_op op, uint64_t addr, unsigned int len)
{
	struct xp_ctx *x = priv;

	if (x->cur >= 0)
		cpu_stop(x, op, addr, len, x->hooks.where, NULL, NULL);
}

static void wait_outside(struct xp_ctx *x, bool (*ready)(void *), void *arg, const char *where)
{
	static const char *const phase_names[] = {
		[PH_SETUP] = "setup", [PH_RUN] = "a CPU", [PH_EVENT] = "an event handler",
		[PH_INVARIANT] = "the invariant", [PH_FINAL] = "the final check",
		[PH_TEARDOWN] = "teardown",
	};

	if (!ready(arg))
		record_failure(x, XP_FAIL_USAGE, "%s blocks in %s: only CPU bodies may wait",
			       phase_names[x->phase], where ? where : "?");
}

static void hook_wait(void *priv, enum sched_op op, uint64_t addr, unsigned int len,
		      bool (*ready)(void *arg), void *arg)
{
	struct xp_ctx *x = priv;

	if (x->cur >= 0)
		cpu_stop(x, op, addr, len, x->hooks.where, ready, arg);
	else
		wait_outside(x, ready, arg, x->hooks.where);
}

/* Run an event's handler: xp_cpu() is its target, a failure is the handler's */
static void run_on_cpu_now(struct xp_ctx *x, int cpu, smp_call_func_t mfn,
			   void (*xfn)(struct xp_ctx *, void *), void *arg)
{
	enum xp_phase phase = x->phase;
	int saved = *x->cur_cpu;

	x->phase = PH_EVENT;
	*x->cur_cpu = cpu;
	if (mfn)
		mfn(x->m, arg);
	else
		xfn(x, arg);
	*x->cur_cpu = saved;
	x->phase = phase;
}

static void post_event(struct xp_ctx *x, int target, enum sched_op op, uint64_t addr,
		       unsigned int len, smp_call_func_t mfn,
		       void (*xfn)(struct xp_ctx *, void *), void *arg, const char *where)
{
	struct xp_cpu *c;
	struct xp_event *e;
	int tid;

	if (target < 0 || target >= XP_MAX_CPUS || (x->m && target >= x->m->nr_cpus)) {
		record_failure(x, XP_FAIL_USAGE, "event posted to CPU %d, which does not exist",
			       target);
		return;
	}
	if (x->cur < 0) {
		/* setup, checks and handlers are not CPUs: deliver right away */
		run_on_cpu_now(x, target, mfn, xfn, arg);
		return;
	}
	c = &x->cpu[x->cur];
	tid = tid_for_event(x, c->id, c->nposted++);
	if (tid < 0) {
		record_failure(x, XP_FAIL_USAGE, "more than %d CPUs and distinct events",
			       XP_MAX_THREADS);
		return;
	}
	e = &x->ev[x->nev];
	*e = (struct xp_event){
		.tid = tid, .poster = c->id, .seq = (int)c->nposted - 1, .target = target,
		.fp = { .addr = addr, .len = len ? len : 1, .op = (uint8_t)op, .cpu = -1,
			.target = (int8_t)target, .poster = (int8_t)c->id, .where = where },
		.mfn = mfn, .xfn = xfn, .arg = arg, .post_step = x->cur_step,
	};
	x->ev_of_tid[tid] = x->nev++;
	x->ev_pending |= XBIT(tid);
	if (x->mode == RM_PCT)
		x->prio[tid] = x->pct_d + (xp_rand(x) >> 1);
}

static void hook_post(void *priv, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		      smp_call_func_t fn, void *info)
{
	struct xp_ctx *x = priv;

	post_event(x, cpu, op, addr, len, fn, NULL, info, x->hooks.where);
}

/* The model saw something only the explorer can judge (a lost update) */
static void hook_report(void *priv, const char *msg)
{
	struct xp_ctx *x = priv;

	if (!x->draining)
		record_failure(x, XP_FAIL_CHECK, "%s", msg);
}

/* -------------------------------------------------------------------------
 * The API bodies and checks call
 */
int xp_cpu(const struct xp_ctx *x)
{
	return x->phase == PH_EVENT ? *x->cur_cpu : x->cur;
}

void xp_attach_machine(struct xp_ctx *x, struct machine *m)
{
	if (m->nr_cpus < x->ncpus) {
		record_failure(x, XP_FAIL_USAGE, "machine has %d CPUs, the test runs %d",
			       m->nr_cpus, x->ncpus);
		return;
	}
	x->m = m;
	x->cur_cpu = &m->cur_cpu;
	m->sched = &x->hooks;
	m->cur_cpu = x->cur >= 0 ? x->cur : 0;
}

void xp_name_range(struct xp_ctx *x, const void *base, size_t len, const char *name)
{
	if (x->nnames >= XP_MAX_NAMES)
		return;
	x->names[x->nnames].base = (uint64_t)(uintptr_t)base;
	x->names[x->nnames].len = len;
	x->names[x->nnames].name = name;
	x->nnames++;
}

void xp_point_at(struct xp_ctx *x, enum sched_op op, uint64_t addr, unsigned int len,
		 const char *where)
{
	if (x->cur >= 0)
		cpu_stop(x, op, addr, len, where, NULL, NULL);
}

void xp_wait_at(struct xp_ctx *x, enum sched_op op, uint64_t addr, unsigned int len,
		bool (*ready)(void *arg), void *arg, const char *where)
{
	if (x->cur >= 0)
		cpu_stop(x, op, addr, len, where, ready, arg);
	else
		wait_outside(x, ready, arg, where);
}

void xp_post_at(struct xp_ctx *x, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		void (*fn)(struct xp_ctx *x, void *arg), void *arg, const char *where)
{
	post_event(x, cpu, op, addr, len, NULL, fn, arg, where);
}

static inline uint64_t var_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

long xp_read_at(struct xp_ctx *x, const long *p, const char *where)
{
	xp_point_at(x, SCHED_READ, var_addr(p), sizeof(*p), where);
	return *p;
}

void xp_write_at(struct xp_ctx *x, long *p, long v, const char *where)
{
	xp_point_at(x, SCHED_WRITE, var_addr(p), sizeof(*p), where);
	*p = v;
}

long xp_add_at(struct xp_ctx *x, long *p, long delta, const char *where)
{
	long old;

	xp_point_at(x, SCHED_RMW, var_addr(p), sizeof(*p), where);
	old = *p;
	*p = old + delta;
	return old;
}

bool xp_cas_at(struct xp_ctx *x, long *p, long old, long new, const char *where)
{
	xp_point_at(x, SCHED_RMW, var_addr(p), sizeof(*p), where);
	if (*p != old)
		return false;
	*p = new;
	return true;
}

static bool toy_lock_free(void *arg)
{
	return *(int *)arg == 0;
}

void xp_lock_at(struct xp_ctx *x, int *lock, const char *where)
{
	xp_wait_at(x, SCHED_LOCK, var_addr(lock), sizeof(*lock), toy_lock_free, lock, where);
	*lock = x->cur + 1;
}

void xp_unlock_at(struct xp_ctx *x, int *lock, const char *where)
{
	xp_point_at(x, SCHED_UNLOCK, var_addr(lock), sizeof(*lock), where);
	*lock = 0;
}

static enum xp_fail_kind phase_kind(const struct xp_ctx *x)
{
	switch (x->phase) {
	case PH_SETUP:
		return XP_FAIL_USAGE;
	case PH_INVARIANT:
		return XP_FAIL_INVARIANT;
	case PH_FINAL:
	case PH_TEARDOWN:
		return XP_FAIL_FINAL;
	default:
		return XP_FAIL_ASSERT;
	}
}

static void fail_common(struct xp_ctx *x, const char *file, int line, const char *fn,
			const char *text)
{
	if (x->cur >= 0)
		record_failure(x, XP_FAIL_ASSERT, "cpu%d in %s (%s:%d): %s", x->cur, fn,
			       base_name(file), line, text);
	else if (x->phase == PH_EVENT)
		record_failure(x, XP_FAIL_ASSERT, "event on cpu%d in %s (%s:%d): %s",
			       *x->cur_cpu, fn, base_name(file), line, text);
	else
		record_failure(x, phase_kind(x), "%s (%s:%d): %s", fn, base_name(file), line,
			       text);
	if (x->cur >= 0) {
		struct xp_cpu *c = &x->cpu[x->cur];

		/* never resumed: the rest of the body is abandoned */
		c->st = XC_FAILED;
		coro_exit(&c->co, &x->main);
	}
}

void xp_fail_at(struct xp_ctx *x, const char *file, int line, const char *fn,
		const char *fmt, ...)
{
	char text[XP_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fail_common(x, file, line, fn, text);
}

void xp_assert_fail(struct xp_ctx *x, const char *file, int line, const char *fn,
		    const char *cond, const char *fmt, ...)
{
	char detail[XP_MSG / 2], text[XP_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* the macro puts a space before the user's format */
	if (detail[0] == ' ' && detail[1])
		snprintf(text, sizeof(text), "assertion '%s' failed: %s", cond, detail + 1);
	else
		snprintf(text, sizeof(text), "assertion '%s' failed", cond);
	fail_common(x, file, line, fn, text);
}

void xp_sometimes_at(struct xp_ctx *x, const char *name, bool cond)
{
	int i;

	if (x->draining)
		return;		/* not part of any explored schedule */
	for (i = 0; i < x->nst; i++)
		if (x->st[i].name == name || !strcmp(x->st[i].name, name))
			break;
	if (i == x->nst) {
		/* a point not tracked could never fail the search: refuse */
		if (x->nst >= XP_MAX_SOMETIMES) {
			record_failure(x, XP_FAIL_USAGE, "more than %d sometimes points "
				       "(XP_MAX_SOMETIMES)", XP_MAX_SOMETIMES);
			return;
		}
		x->st[x->nst++] = (typeof(x->st[0])){ .name = name };
	}
	x->st[i].seen = true;
	if (cond)
		x->st[i].hits++;
}

/* -------------------------------------------------------------------------
 * DPOR bookkeeping
 */
static void join_clock(uint32_t *c, const uint32_t *o, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		if (o[k] > c[k])
			c[k] = o[k];
}

/*
 * Unbounded search (source sets, Abdulla et al., POPL'14): step j races
 * with step k; the threads that can start the reversed order from the node
 * before j are the initials of notdep(j).k: the steps after j that do not
 * depend on it, then k, each thread counted at its first step there, if no
 * earlier step of that sequence happens before it.  One of them suffices,
 * unless one is already explored, planned or asleep at that node.
 */
static void source_race(struct xp_ctx *x, size_t j, size_t k)
{
	struct xp_step *sj = &x->steps[j];
	uint32_t first[XP_MAX_THREADS];
	xmask seen = 0, init = 0, cand;

	for (size_t u = j + 1; u <= k; u++) {
		const struct xp_step *su = &x->steps[u];
		const uint32_t *cu = clock_of(x, u);
		bool pred = false;
		int t;

		if (u < k && cu[sj->tid] >= sj->lidx)
			continue;		/* depends on j */
		if (seen & XBIT(su->tid))
			continue;
		xm_for_each(t, seen)
			if (cu[t] >= first[t]) {
				pred = true;
				break;
			}
		seen |= XBIT(su->tid);
		first[su->tid] = su->lidx;
		if (!pred)
			init |= XBIT(su->tid);
	}
	if (init & (sj->backtrack | sj->sleep))
		return;
	cand = init & sj->enabled;
	if (cand)
		sj->backtrack |= XBIT(xm_lowest(cand));
	else
		sj->backtrack |= sj->enabled;	/* cannot happen; stay safe */
}

/*
 * May release step j (earlier) and acquire step i be enabled together?
 * Besides fp_coenabled's rule: a blocking shared acquire (a waiting RMW,
 * down_read) waits only for an exclusive holder, so it is never enabled
 * together with the release of a thread that took the lock exclusively,
 * with a blocking LOCK (down_write, spin_lock), as its last acquire of that
 * lock before j.  The release of a shared holder (up_read) stays a race.
 *
 * COENABLED_MAYBE: the releaser's last acquire was an RMW, which is a
 * shared acquire (down_read: a race) or a successful trylock, which may
 * have been exclusive (down_write_trylock: then the waiter was blocked
 * until j, and the race to reverse is with that trylock).  Both are
 * reported: j as a race, and the walk goes on past it to the trylock.
 */
enum { COENABLED_NO, COENABLED_YES, COENABLED_MAYBE };

static int steps_coenabled(struct xp_ctx *x, size_t j, size_t i)
{
	const struct xp_step *o = &x->steps[j], *s = &x->steps[i];

	if (!fp_coenabled(&o->fp, &s->fp))
		return COENABLED_NO;
	if (o->fp.op != SCHED_UNLOCK || s->fp.op != SCHED_RMW || !s->fp.wait ||
	    !fp_overlap(&o->fp, &s->fp))
		return COENABLED_YES;
	for (size_t u = j; u-- > 0;) {
		const struct xp_step *a = &x->steps[u];

		if (a->tid != o->tid || !fp_overlap(&a->fp, &o->fp))
			continue;
		if (a->fp.op == SCHED_LOCK)
			return COENABLED_NO;
		if (a->fp.op == SCHED_RMW)
			return COENABLED_MAYBE;
		if (a->fp.op == SCHED_UNLOCK)
			return COENABLED_YES;
	}
	return COENABLED_YES;
}

/*
 * Vector clock of step i: its thread's previous step (or, for an event, the
 * step that posted it) joined with every earlier step it depends on.  The
 * same walk finds the races of step i: dependent steps not already ordered
 * before it (by the clock d, which is c without the edges below).  A
 * release followed by a blocking acquire of the same lock that it could
 * not have been enabled with (steps_coenabled) is no race; d skips that
 * edge, so the walk goes on to the acquire the release ended, which is the
 * race to reverse.  After a release that may or may not have been
 * exclusive (COENABLED_MAYBE) the walk reports the race and goes on.
 */
static void compute_clock(struct xp_ctx *x, size_t i)
{
	struct xp_step *s = &x->steps[i];
	uint32_t *c = clock_of(x, i), d[XP_MAX_THREADS];
	unsigned int n = (unsigned int)x->nthr;
	int t = s->tid, base = x->last_step[t];
	size_t races[64];
	unsigned int nraces = 0;
	int co;

	if (base < 0 && t >= x->ncpus)
		base = x->ev[s->ev].post_step;
	if (base >= 0)
		memcpy(c, clock_of(x, (size_t)base), n * sizeof(*c));
	else
		memset(c, 0, n * sizeof(*c));
	c[t] = s->lidx;
	memcpy(d, c, n * sizeof(*d));
	for (size_t j = i; j-- > 0;) {
		const struct xp_step *o = &x->steps[j];

		if (d[o->tid] >= o->lidx)
			continue;	/* ordered before i already (so in c too) */
		if (!fp_dependent(&o->fp, &s->fp))
			continue;
		if (c[o->tid] < o->lidx)
			join_clock(c, clock_of(x, j), n);
		co = steps_coenabled(x, j, i);
		if (co != COENABLED_NO) {
			if (co == COENABLED_YES)
				join_clock(d, clock_of(x, j), n);
			if (nraces < ARRAY_SIZE(races))
				races[nraces++] = j;
			else	/* too many to analyse: every thread is a superset */
				x->steps[j].backtrack |= x->steps[j].enabled;
		}
	}
	for (unsigned int r = 0; r < nraces; r++)
		source_race(x, races[r], i);
}

/* Sleep set of the node after step i */
static void compute_sleep(struct xp_ctx *x, size_t i)
{
	const struct xp_step *s = &x->steps[i];
	xmask cand = (s->sleep | s->done) & ~XBIT(s->tid), res = 0;
	int q;

	xm_for_each(q, cand)
		if (!fp_dependent(pending_fp(x, q), &s->fp))
			res |= XBIT(q);
	x->next_sleep = res;
}

/* -------------------------------------------------------------------------
 * Choosing the next thread
 */
static unsigned int switch_cost(struct xp_ctx *x, size_t i, xmask enabled, int tid)
{
	int prev = i ? x->steps[i - 1].tid : -1;

	return prev >= 0 && tid != prev && (enabled & XBIT(prev));
}

static int default_choice(struct xp_ctx *x, xmask allowed)
{
	if (x->prev_tid >= 0 && (allowed & XBIT(x->prev_tid)))
		return x->prev_tid;
	return xm_lowest(allowed);
}

static void enabled_str(struct xp_ctx *x, xmask en, char *buf, size_t len)
{
	size_t o = 0;
	int t;

	buf[0] = 0;
	xm_for_each(t, en) {
		char tb[24];

		if (o >= len)
			break;
		xp_thread_str(x, t, tb, sizeof(tb));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "", tb);
	}
	if (!o)
		snprintf(buf, len, "none");
}

static int choose_dfs(struct xp_ctx *x, xmask enabled)
{
	size_t i = x->n;
	struct xp_step *s = &x->steps[i];

	if (i < x->prefix || (i == x->prefix && x->forced >= 0)) {
		if (s->enabled != enabled) {
			char a[128], b[128];

			enabled_str(x, enabled, a, sizeof(a));
			enabled_str(x, s->enabled, b, sizeof(b));
			record_failure(x, XP_FAIL_NONDET,
				       "same schedule prefix, different behaviour: step %zu has "
				       "%s enabled, an earlier run had %s (bodies must be "
				       "deterministic)", i, a, b);
			return -1;
		}
		if (i < x->prefix)
			return s->tid;
		s->done |= XBIT(x->forced);
		return x->forced;
	}
	s->enabled = enabled;
	s->sleep = i ? x->next_sleep : 0;
	xmask allowed = enabled & ~s->sleep;

	if (!allowed) {
		x->sleep_blocked = true;
		return -1;
	}
	int t = default_choice(x, allowed);

	s->backtrack = x->por ? XBIT(t) : enabled;
	s->done = XBIT(t);
	return t;
}

static int highest_prio(struct xp_ctx *x, xmask enabled)
{
	int best = -1, t;

	xm_for_each(t, enabled)
		if (best < 0 || x->prio[t] > x->prio[best])
			best = t;
	return best;
}

static int choose_pct(struct xp_ctx *x, xmask enabled)
{
	int best = highest_prio(x, enabled);

	/* at the j-th change point the thread about to run drops below all
	 * others (priorities below pct_d are only given here) */
	for (unsigned int j = 0; j + 1 < x->pct_d; j++)
		if (x->change_at[j] == x->n) {
			x->prio[best] = x->pct_d - 1 - j;
			best = highest_prio(x, enabled);
		}
	return best;
}

static int resolve_choice(struct xp_ctx *x, const struct xp_choice *c, xmask enabled,
			  char *why, size_t len)
{
	int tid;

	if (c->ev >= 0) {
		if (c->ev >= x->nev) {
			snprintf(why, len, "event e%d was not posted", c->ev);
			return -1;
		}
		tid = x->ev[c->ev].tid;
		if (x->ev[c->ev].target != c->cpu) {
			snprintf(why, len, "event e%d goes to cpu%d, not cpu%d", c->ev,
				 x->ev[c->ev].target, c->cpu);
			return -1;
		}
	} else {
		tid = c->cpu;
		if (tid >= x->ncpus) {
			snprintf(why, len, "cpu%d does not exist", tid);
			return -1;
		}
	}
	if (!(enabled & XBIT(tid))) {
		char en[128], tb[24];

		enabled_str(x, enabled, en, sizeof(en));
		xp_thread_str(x, tid, tb, sizeof(tb));
		snprintf(why, len, "%s is not enabled (enabled: %s)", tb, en);
		return -1;
	}
	return tid;
}

static int choose(struct xp_ctx *x, xmask enabled)
{
	char why[256];
	int t;

	switch (x->mode) {
	case RM_DFS:
		return choose_dfs(x, enabled);
	case RM_RANDOM:
		return xm_nth(enabled, (int)(xp_rand(x) % (uint64_t)xm_count(enabled)));
	case RM_PCT:
		return choose_pct(x, enabled);
	case RM_PROBE: {
		xmask allowed = 0;

		xm_for_each(t, enabled)
			if (!x->bounded ||
			    x->preempt + switch_cost(x, x->n, enabled, t) <= x->bound)
				allowed |= XBIT(t);
		x->probe_product *= xm_count(allowed);
		return xm_nth(allowed, (int)(xp_rand(x) % (uint64_t)xm_count(allowed)));
	}
	case RM_REPLAY:
		if (x->pos >= x->nchoices) {
			char en[128];

			enabled_str(x, enabled, en, sizeof(en));
			record_failure(x, XP_FAIL_DIVERGED,
				       "the schedule ends after %zu steps but %s can still run",
				       x->n, en);
			return -1;
		}
		t = resolve_choice(x, &x->choices[x->pos], enabled, why, sizeof(why));
		if (t < 0) {
			record_failure(x, XP_FAIL_DIVERGED, "at step %zu: %s", x->n, why);
			return -1;
		}
		x->pos++;
		return t;
	case RM_LENIENT:
		while (x->pos < x->nchoices) {
			t = resolve_choice(x, &x->choices[x->pos++], enabled, why, sizeof(why));
			if (t >= 0)
				return t;
		}
		return default_choice(x, enabled);
	}
	return -1;
}

/* -------------------------------------------------------------------------
 * One run
 */
static void cpu_main(void *arg)
{
	struct xp_cpu *c = arg;
	struct xp_ctx *x = c->x;

	x->t->cpu[c->id](x, x->state);
	c->st = XC_DONE;
}

/* Resume CPU c until its next point (or its end) */
static void resume_cpu(struct xp_ctx *x, int c)
{
	struct xp_cpu *cp = &x->cpu[c];

	x->cur = c;
	*x->cur_cpu = c;
	x->hooks.where = cp->where;
	coro_switch(&x->main, &cp->co);
	cp->where = x->hooks.where;
	x->cur = -1;
}

static void deliver_event(struct xp_ctx *x, struct xp_event *e)
{
	const char *saved = x->hooks.where;

	x->hooks.where = e->fp.where;
	x->ev_pending &= ~XBIT(e->tid);
	e->delivered = true;
	run_on_cpu_now(x, e->target, e->mfn, e->xfn, e->arg);
	x->hooks.where = saved;
}

/* xp_opts.describe: step i's address as the machine is before it runs */
static void describe_step(struct xp_ctx *x, size_t i)
{
	if (i >= x->desc_cap) {
		size_t cap = x->desc_cap ? x->desc_cap : 256, old = x->desc_cap;

		while (cap <= i)
			cap *= 2;
		x->desc = host_reallocarray(x->desc, cap, sizeof(*x->desc), "describing a trace");
		x->fdesc = host_reallocarray(x->fdesc, cap, sizeof(*x->fdesc),
					     "describing a trace");
		x->dframe = host_reallocarray(x->dframe, cap, sizeof(*x->dframe),
					      "describing a trace");
		for (size_t k = old; k < cap; k++) {
			x->desc[k] = x->fdesc[k] = NULL;
			x->dframe[k] = -1;
		}
		x->desc_cap = cap;
	}
	host_free(x->desc[i]);
	host_free(x->fdesc[i]);
	xp_describe_fp(x, &x->steps[i].fp, &x->desc[i], &x->fdesc[i], &x->dframe[i]);
}

static void describe_reset(struct xp_ctx *x)
{
	for (size_t k = 0; k < x->desc_cap; k++) {
		host_free(x->desc[k]);
		host_free(x->fdesc[k]);
		x->desc[k] = x->fdesc[k] = NULL;
		x->dframe[k] = -1;
	}
	xp_describe_free(x);
}

static void exec_step(struct xp_ctx *x, int tid, xmask enabled)
{
	size_t i = x->n++;
	struct xp_step *s = &x->steps[i];
	bool analyse = x->mode == RM_DFS && x->por && i >= x->prefix;

	s->tid = (int16_t)tid;
	s->ev = (int16_t)(tid < x->ncpus ? -1 : x->ev_of_tid[tid]);
	s->fp = *pending_fp(x, tid);
	s->preempt = x->preempt;
	s->preempted = x->prev_tid >= 0 && tid != x->prev_tid && (enabled & XBIT(x->prev_tid));
	x->preempt += s->preempted;
	if (x->mode != RM_DFS)
		s->enabled = enabled;	/* DFS nodes hold it already */
	s->lidx = ++x->lcount[tid];
	if (analyse) {
		ensure_clocks(x, i + 1);
		compute_clock(x, i);
	}
	x->cur_step = (int)i;
	if (x->o.describe && x->m)
		describe_step(x, i);
	if (tid < x->ncpus)
		resume_cpu(x, tid);
	else
		deliver_event(x, &x->ev[s->ev]);
	x->last_step[tid] = (int)i;
	x->prev_tid = tid;
	x->stats.steps++;
	if (analyse)
		compute_sleep(x, i);
}

static void check_state(struct xp_ctx *x)
{
	if (x->m && x->m->fail.failed)
		record_failure(x, XP_FAIL_MODEL, "%s", x->m->fail.msg);
	if (x->fkind == XP_OK && x->t->invariant) {
		x->phase = PH_INVARIANT;
		x->t->invariant(x, x->state);
		x->phase = PH_RUN;
	}
}

static void report_deadlock(struct xp_ctx *x)
{
	char buf[XP_MSG] = "";
	size_t o = 0;

	for (int c = 0; c < x->ncpus && o < sizeof(buf); c++) {
		const struct xp_cpu *cp = &x->cpu[c];
		char a[64];

		if (cp->st != XC_POINT)
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				      "%scpu%d waits in %s (%s %s)", o ? ", " : "", c,
				      cp->next.where ? cp->next.where : "?",
				      xp_op_name(cp->next.op),
				      xp_addr_str(x, cp->next.addr, a, sizeof(a)));
	}
	record_failure(x, XP_FAIL_DEADLOCK, "deadlock after %zu steps: %s", x->n, buf);
}

static void begin_run(struct xp_ctx *x)
{
	x->fkind = XP_OK;
	x->fmsg[0] = 0;
	x->n = 0;
	x->nev = 0;
	x->ev_pending = 0;
	x->cur = -1;
	x->cur_step = -1;
	x->prev_tid = -1;
	x->preempt = 0;
	x->sleep_blocked = false;
	x->finished = false;
	x->nnames = 0;
	x->next_sleep = 0;
	x->pos = 0;
	x->m = NULL;
	x->cur_cpu = &x->cur_cpu_dummy;
	x->hooks.where = NULL;
	describe_reset(x);
	for (int t = 0; t < XP_MAX_THREADS; t++) {
		x->ev_of_tid[t] = -1;
		x->last_step[t] = -1;
		x->lcount[t] = 0;
	}
	if (x->mode == RM_PCT) {
		size_t k = x->pct_k ? x->pct_k : 1;

		for (int c = 0; c < x->ncpus; c++)
			x->prio[c] = x->pct_d + (xp_rand(x) >> 1);
		for (unsigned int j = 0; j + 1 < x->pct_d; j++)
			x->change_at[j] = (size_t)(xp_rand(x) % k);
	}
}

/*
 * After a failure the CPUs still stopped at a point run to their end, so
 * the model unwinds (memory it allocated on the way is freed; the machine
 * is in a state teardown can destroy) instead of being abandoned halfway.
 * Each runs in turn, events are delivered when no CPU can go on; nothing
 * is recorded or checked.  A CPU that ended itself with xp_assert, or that
 * blocks for good, stays where it is.
 */
static void drain(struct xp_ctx *x, unsigned long max_steps)
{
	x->draining = true;
	for (unsigned long n = 0; n < max_steps; n++) {
		xmask en = compute_enabled(x);
		int tid;

		if (!en)
			break;
		tid = default_choice(x, en);
		if (tid < x->ncpus)
			resume_cpu(x, tid);
		else
			deliver_event(x, &x->ev[x->ev_of_tid[tid]]);
		x->prev_tid = tid;
	}
	x->draining = false;
}

void xp_run_one(struct xp_ctx *x)
{
	const struct xp_test *t = x->t;
	unsigned long max_steps = x->o.max_steps ? x->o.max_steps : XP_DEFAULT_STEPS;

	begin_run(x);
	x->phase = PH_SETUP;
	x->state = t->setup ? t->setup(x, t->arg) : t->arg;
	x->phase = PH_RUN;
	if (x->fkind != XP_OK)
		goto out;
	for (int c = 0; c < x->ncpus; c++) {
		struct xp_cpu *cp = &x->cpu[c];

		cp->st = XC_IDLE;
		cp->where = NULL;
		cp->nposted = 0;
		cp->ready = NULL;
		coro_start(&cp->co, &x->main, cpu_main, cp);
	}
	/* each CPU runs its local prefix, up to its first scheduling point */
	for (int c = 0; c < x->ncpus && x->fkind == XP_OK; c++)
		resume_cpu(x, c);
	if (x->fkind == XP_OK)
		check_state(x);
	while (x->fkind == XP_OK) {
		xmask en = compute_enabled(x);
		int tid;

		if (!en) {
			if (pending_threads(x))
				report_deadlock(x);
			else
				x->finished = true;
			break;
		}
		if (x->n >= max_steps) {
			record_failure(x, XP_FAIL_STEPS,
				       "schedule exceeded %lu steps (livelock? raise max_steps)",
				       max_steps);
			break;
		}
		ensure_steps(x, x->n + 1);
		tid = choose(x, en);
		if (tid < 0)
			break;
		exec_step(x, tid, en);
		if (x->fkind == XP_OK)
			check_state(x);
	}
	if (x->fkind != XP_OK)
		drain(x, max_steps);
	if (x->finished && x->fkind == XP_OK && t->final) {
		x->phase = PH_FINAL;
		*x->cur_cpu = 0;
		t->final(x, x->state);
	}
out:
	if (x->m) {
		x->m->sched = NULL;
		x->m = NULL;
	}
	x->cur_cpu = &x->cur_cpu_dummy;
	x->phase = PH_TEARDOWN;
	if (t->teardown)
		t->teardown(x, x->state);
	x->phase = PH_RUN;
	if (x->n > x->stats.max_depth)
		x->stats.max_depth = (unsigned int)x->n;
}

/* -------------------------------------------------------------------------
 * Context
 */
struct xp_ctx *xp_ctx_new(const struct xp_test *t, const struct xp_opts *o, char *err,
			  size_t errlen)
{
	struct xp_ctx *x;
	size_t stack = o->stack_size ? o->stack_size : CORO_STACK_DEFAULT;

	if (t->ncpus < 1 || t->ncpus > XP_MAX_CPUS) {
		snprintf(err, errlen, "test has %d CPUs (1..%d)", t->ncpus, XP_MAX_CPUS);
		return NULL;
	}
	for (int c = 0; c < t->ncpus; c++)
		if (!t->cpu[c]) {
			snprintf(err, errlen, "CPU %d has no body", c);
			return NULL;
		}
	for (int n = 0; t->sometimes && t->sometimes[n]; n++)
		if (n >= XP_MAX_SOMETIMES) {
			snprintf(err, errlen, "more than %d sometimes points (XP_MAX_SOMETIMES)",
				 XP_MAX_SOMETIMES);
			return NULL;
		}
	x = host_calloc(1, sizeof(*x), "exploring schedules");
	x->t = t;
	x->o = *o;
	x->ncpus = t->ncpus;
	x->nthr = t->ncpus;
	x->clk_stride = 16;
	coro_init_main(&x->main);
	x->hooks.point = hook_point;
	x->hooks.priv = x;
	x->hooks.wait = hook_wait;
	x->hooks.post = hook_post;
	x->hooks.report = hook_report;
	x->cur = -1;
	x->cur_cpu = &x->cur_cpu_dummy;
	x->pct_d = o->pct_depth ? o->pct_depth : XP_DEFAULT_PCT_D;
	if (x->pct_d > XP_PCT_MAX_D)
		x->pct_d = XP_PCT_MAX_D;
	for (int c = 0; c < t->ncpus; c++) {
		x->cpu[c].x = x;
		x->cpu[c].id = c;
		if (coro_create(&x->cpu[c].co, stack)) {
			snprintf(err, errlen, "cannot allocate CPU stacks");
			xp_ctx_free(x);
			return NULL;
		}
	}
	for (const char *const *s = t->sometimes; s && *s; s++)
		x->st[x->nst++] = (typeof(x->st[0])){ .name = *s, .declared = true };
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	return x;
}

void xp_ctx_free(struct xp_ctx *x)
{
	if (!x)
		return;
	for (int c = 0; c < x->ncpus; c++)
		coro_destroy(&x->cpu[c].co);
	describe_reset(x);
	host_free(x->desc);
	host_free(x->fdesc);
	host_free(x->dframe);
	host_free(x->steps);
	host_free(x->clk);
	host_free(x);
}

/* -------------------------------------------------------------------------
 * Strategies
 */
static bool out_of_budget(struct xp_ctx *x, unsigned long runs, unsigned long max_runs)
{
	if (max_runs && runs >= max_runs)
		return true;
	if (x->o.max_seconds > 0 && now_seconds(&x->t0) >= x->o.max_seconds) {
		x->stats.time_out = true;
		return true;
	}
	return false;
}

/*
 * A run failed: keep the first failure in r.  Returns true when the search
 * stops here (always, unless keep_going; a broken test stops it anyway).
 */
static bool record_run_failure(struct xp_ctx *x, struct xp_result *r)
{
	bool broken = x->fkind == XP_FAIL_NONDET || x->fkind == XP_FAIL_USAGE;

	if (!x->stats.failed++ || broken)
		xp_capture(x, r);
	return !x->o.keep_going || broken;
}

static void count_run(struct xp_ctx *x)
{
	if (x->sleep_blocked)
		x->stats.sleep_blocked++;
	else
		x->stats.schedules++;
}

/*
 * One DFS over the schedules with at most `bound` preemptions (bounded) or
 * all of them.  Returns true when a run failed (captured into r).
 */
static bool dfs(struct xp_ctx *x, bool bounded, unsigned int bound, struct xp_result *r,
		bool *complete)
{
	unsigned long runs = 0;

	x->mode = RM_DFS;
	x->bounded = bounded;
	x->bound = bound;
	/* a bound breaks the reduction's argument: enumerate (see header) */
	x->por = !x->o.no_por && !bounded;
	x->prefix = 0;
	x->forced = -1;
	x->bound_limited = false;
	*complete = false;
	snprintf(x->strat, sizeof(x->strat), "%s", x->por ? "dpor" : "dfs");
	if (bounded)
		snprintf(x->params, sizeof(x->params), "b%u", bound);
	else
		snprintf(x->params, sizeof(x->params), "-");
	for (;;) {
		xp_run_one(x);
		count_run(x);
		runs++;
		if (x->fkind != XP_OK && record_run_failure(x, r))
			return true;
		/* deepest node with something left to try within the bound */
		size_t d = x->n;
		int next = -1;

		while (d-- > 0) {
			struct xp_step *s = &x->steps[d];
			xmask cand = s->backtrack & s->enabled & ~s->done;

			if (x->por)
				cand &= ~s->sleep;
			while (cand) {
				int t = xm_lowest(cand);

				if (!bounded ||
				    s->preempt + switch_cost(x, d, s->enabled, t) <= bound) {
					next = t;
					break;
				}
				s->done |= XBIT(t);
				cand &= ~XBIT(t);
				x->stats.bound_cut++;
				x->bound_limited = true;
			}
			if (next >= 0)
				break;
		}
		if (next < 0) {
			*complete = true;
			return x->stats.failed != 0;
		}
		if (out_of_budget(x, runs, x->o.max_schedules))
			return x->stats.failed != 0;
		x->prefix = d;
		x->forced = next;
	}
}

static bool search_dfs(struct xp_ctx *x, struct xp_result *r)
{
	bool complete = false, failed = false;

	switch (x->o.bounding) {
	case XP_NO_BOUND:
		failed = dfs(x, false, 0, r, &complete);
		break;
	case XP_BOUND:
		x->stats.bound = x->o.bound;
		failed = dfs(x, true, x->o.bound, r, &complete);
		break;
	case XP_ITERATIVE:
		for (unsigned int b = 0;; b++) {
			x->stats.bound = b;
			failed = dfs(x, true, b, r, &complete);
			if (failed || !complete || !x->bound_limited ||
			    (x->o.bound && b >= x->o.bound))
				break;
		}
		break;
	}
	x->stats.complete = complete;
	x->stats.exhaustive = complete && (x->o.bounding == XP_NO_BOUND || !x->bound_limited);
	return failed;
}

static bool search_random(struct xp_ctx *x, struct xp_result *r)
{
	unsigned long max = x->o.max_schedules ? x->o.max_schedules : XP_DEFAULT_RUNS;

	x->mode = x->o.strategy == XP_PCT ? RM_PCT : RM_RANDOM;
	x->rng = x->o.seed;
	x->pct_k = 0;
	snprintf(x->strat, sizeof(x->strat), "%s", x->mode == RM_PCT ? "pct" : "rnd");
	if (x->mode == RM_PCT)
		snprintf(x->params, sizeof(x->params), "s%llu,d%u",
			 (unsigned long long)x->o.seed, x->pct_d);
	else
		snprintf(x->params, sizeof(x->params), "s%llu", (unsigned long long)x->o.seed);
	for (unsigned long runs = 0; !out_of_budget(x, runs, max); runs++) {
		xp_run_one(x);
		count_run(x);
		if (x->n > x->pct_k)
			x->pct_k = x->n;
		if (x->fkind != XP_OK && record_run_failure(x, r))
			return true;
	}
	return x->stats.failed != 0;
}

static double estimate(struct xp_ctx *x, unsigned int probes)
{
	double sum = 0;

	x->mode = RM_PROBE;
	x->rng = x->o.seed ^ 0x5bd1e995u;
	x->bounded = x->o.bounding != XP_NO_BOUND;
	x->bound = x->o.bounding == XP_BOUND ? x->o.bound :
		   (x->o.bound ? x->o.bound : ~0u);
	for (unsigned int i = 0; i < probes; i++) {
		x->probe_product = 1;
		xp_run_one(x);
		sum += x->probe_product;
	}
	return probes ? sum / probes : 0;
}

static void sometimes_verdict(struct xp_ctx *x, struct xp_result *r)
{
	for (int i = 0; i < x->nst; i++) {
		if (x->st[i].hits)
			continue;
		r->kind = XP_FAIL_SOMETIMES;
		snprintf(r->msg, sizeof(r->msg),
			 "sometimes '%s' was %s in %lu schedules: the race window never opened",
			 x->st[i].name, x->st[i].seen ? "reached but never true" : "never reached",
			 x->stats.schedules);
		return;
	}
}

static void finish_stats(struct xp_ctx *x, struct xp_result *r)
{
	x->stats.seconds = now_seconds(&x->t0);
	r->stats = x->stats;
	r->nwindows = 0;
	for (int i = 0; i < x->nst; i++) {
		r->windows[r->nwindows].name = x->st[i].name;
		r->windows[r->nwindows++].hits = x->st[i].hits;
	}
}

static void result_init(struct xp_result *r)
{
	memset(r, 0, sizeof(*r));
}

int xp_explore(const struct xp_test *t, const struct xp_opts *o, struct xp_result *r)
{
	struct xp_ctx *x;
	bool failed;

	result_init(r);
	if (!o)
		o = &t->opts;
	x = xp_ctx_new(t, o, r->msg, sizeof(r->msg));
	if (!x) {
		r->kind = XP_FAIL_USAGE;
		return -1;
	}
	if (o->replay) {
		xp_do_replay(x, o->replay, r);
		finish_stats(x, r);
		xp_ctx_free(x);
		return r->kind == XP_OK ? 0 : -1;
	}
	if (o->strategy == XP_DFS) {
		if (o->estimate_probes) {
			/* probes are not part of the search: keep them out of its
			 * statistics and sometimes points */
			struct xp_stats saved = x->stats;
			typeof(x->st) st;

			memcpy(st, x->st, sizeof(st));
			saved.estimate = estimate(x, o->estimate_probes);
			x->stats = saved;
			memcpy(x->st, st, sizeof(st));
		}
		failed = search_dfs(x, r);
	} else {
		failed = search_random(x, r);
		if (failed && o->shrink) {
			struct xp_result s;
			char *orig = host_strdup(r->schedule, "shrinking a schedule");

			result_init(&s);
			if (!xp_do_shrink(x, orig, &s) && s.kind == r->kind) {
				xp_result_free(r);
				*r = s;
			} else {
				xp_result_free(&s);
			}
			host_free(orig);
		}
	}
	if (!failed)
		sometimes_verdict(x, r);
	finish_stats(x, r);
	xp_ctx_free(x);
	return r->kind == XP_OK ? 0 : -1;
}

int xp_replay(const struct xp_test *t, const char *schedule, struct xp_result *r)
{
	struct xp_opts o = t->opts;

	o.replay = schedule;
	return xp_explore(t, &o, r);
}

int xp_shrink(const struct xp_test *t, const char *schedule, struct xp_result *r)
{
	struct xp_ctx *x;
	int ret;

	result_init(r);
	x = xp_ctx_new(t, &t->opts, r->msg, sizeof(r->msg));
	if (!x) {
		r->kind = XP_FAIL_USAGE;
		return -1;
	}
	ret = xp_do_shrink(x, schedule, r);
	finish_stats(x, r);
	xp_ctx_free(x);
	return ret;
}

double xp_estimate(const struct xp_test *t, const struct xp_opts *o, unsigned int probes)
{
	char err[XP_MSG];
	struct xp_ctx *x;
	double e;

	if (!o)
		o = &t->opts;
	x = xp_ctx_new(t, o, err, sizeof(err));
	if (!x)
		return -1;
	e = estimate(x, probes);
	xp_ctx_free(x);
	return e;
}

void xp_result_free(struct xp_result *r)
{
	for (size_t i = 0; r->trace && i < r->ntrace; i++) {
		host_free(r->trace[i].desc);
		host_free(r->trace[i].frame_desc);
	}
	host_free(r->schedule);
	host_free(r->trace);
	r->schedule = NULL;
	r->trace = NULL;
	r->ntrace = 0;
}
