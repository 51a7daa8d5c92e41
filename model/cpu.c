// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu.c - simulated CPUs: locks and cross-CPU calls (see cpu.h).
 *
 * The slow paths live here: blocking under the explorer, and the failures
 * a sequential run records when a lock is misused.  Messages name CPUs,
 * never host addresses, so a run's output does not depend on where the
 * host allocator put things.
 */
#include <string.h>

#include "cpu.h"
#include "machine.h"

static bool spin_free(void *arg)
{
	return ((spinlock_t *)arg)->owner == 0;
}

void __spin_lock_sched(struct machine *m, spinlock_t *l)
{
	struct sched_hooks *h = m->sched;

	h->wait(h->priv, SCHED_LOCK, lock_addr(l), sizeof(*l), spin_free, l);
	l->owner = m->cur_cpu + 1;
}

void __spin_lock_held(struct machine *m, spinlock_t *l)
{
	/* sequentially nobody else runs, so the owner can never let go */
	if (l->owner == m->cur_cpu + 1)
		mm_fail(m, "BUG: spinlock recursion on CPU#%d", m->cur_cpu);
	else
		mm_fail(m, "BUG: spinlock lockup suspected on CPU#%d, held by CPU#%d",
			m->cur_cpu, l->owner - 1);
}

void __spin_unlock_bad(struct machine *m, spinlock_t *l)
{
	if (!l->owner)
		mm_fail(m, "BUG: spinlock already unlocked on CPU#%d", m->cur_cpu);
	else
		mm_fail(m, "BUG: spinlock wrong CPU on CPU#%d, owner CPU#%d",
			m->cur_cpu, l->owner - 1);
}

bool assert_spin_locked(struct machine *m, const spinlock_t *l)
{
	if (l->owner == m->cur_cpu + 1)
		return true;
	return mm_fail(m, "WARNING: lock not held by CPU#%d (owner %d)", m->cur_cpu,
		       l->owner - 1);
}

/* -------------------------------------------------------------------------
 * rw semaphores
 */
void init_rwsem(struct rw_semaphore *s)
{
	memset(s, 0, sizeof(*s));
}

static bool rwsem_no_writer(void *arg)
{
	return ((struct rw_semaphore *)arg)->count >= 0;
}

static bool rwsem_unlocked(void *arg)
{
	return ((struct rw_semaphore *)arg)->count == 0;
}

static void rwsem_take_read(struct machine *m, struct rw_semaphore *s)
{
	int c = m->cur_cpu;

	s->count++;
	s->depth[c]++;
	s->readers |= 1ULL << c;
}

static void rwsem_take_write(struct machine *m, struct rw_semaphore *s)
{
	s->count = -1;
	s->writer = m->cur_cpu + 1;
}

static void rwsem_deadlock(struct machine *m, const struct rw_semaphore *s, const char *what)
{
	if (s->count < 0)
		mm_fail(m, "BUG: %s on CPU#%d: rwsem write-held by CPU#%d", what, m->cur_cpu,
			s->writer - 1);
	else
		mm_fail(m, "BUG: %s on CPU#%d: rwsem read-held by %d CPU(s)%s", what,
			m->cur_cpu, s->count,
			(s->readers >> m->cur_cpu) & 1 ? ", this one included" : "");
}

/* down_read when it is not the inline case of cpu.h: the explorer, or a writer */
void __down_read_slow(struct machine *m, struct rw_semaphore *s)
{
	if (unlikely(m->sched)) {
		struct sched_hooks *h = m->sched;

		h->wait(h->priv, SCHED_RMW, lock_addr(s), sizeof(*s), rwsem_no_writer, s);
	} else if (unlikely(s->count < 0)) {
		rwsem_deadlock(m, s, "down_read would sleep forever");
		return;
	}
	rwsem_take_read(m, s);
}

bool down_read_trylock(struct machine *m, struct rw_semaphore *s)
{
	sched_point(m, SCHED_RMW, lock_addr(s), sizeof(*s));
	if (s->count < 0)
		return false;
	rwsem_take_read(m, s);
	return true;
}

/* up_read when it is not the inline case of cpu.h: the explorer, or a bad release */
void __up_read_slow(struct machine *m, struct rw_semaphore *s)
{
	int c = m->cur_cpu;

	sched_point(m, SCHED_UNLOCK, lock_addr(s), sizeof(*s));
	if (unlikely(s->count <= 0 || !s->depth[c])) {
		mm_fail(m, "BUG: up_read on CPU#%d of an rwsem it does not hold for read", c);
		return;
	}
	s->count--;
	if (!--s->depth[c])
		s->readers &= ~(1ULL << c);
}

void down_write(struct machine *m, struct rw_semaphore *s)
{
	if (unlikely(m->sched)) {
		struct sched_hooks *h = m->sched;

		h->wait(h->priv, SCHED_LOCK, lock_addr(s), sizeof(*s), rwsem_unlocked, s);
	} else if (unlikely(s->count != 0)) {
		rwsem_deadlock(m, s, "down_write would sleep forever");
		return;
	}
	rwsem_take_write(m, s);
}

bool down_write_trylock(struct machine *m, struct rw_semaphore *s)
{
	sched_point(m, SCHED_RMW, lock_addr(s), sizeof(*s));
	if (s->count != 0)
		return false;
	rwsem_take_write(m, s);
	return true;
}

void up_write(struct machine *m, struct rw_semaphore *s)
{
	sched_point(m, SCHED_UNLOCK, lock_addr(s), sizeof(*s));
	if (unlikely(s->count != -1 || s->writer != m->cur_cpu + 1)) {
		mm_fail(m, "BUG: up_write on CPU#%d of an rwsem it does not hold for write",
			m->cur_cpu);
		return;
	}
	s->count = 0;
	s->writer = 0;
}

void downgrade_write(struct machine *m, struct rw_semaphore *s)
{
	/* lets readers in: a release as far as the scheduler is concerned */
	sched_point(m, SCHED_UNLOCK, lock_addr(s), sizeof(*s));
	if (unlikely(s->count != -1 || s->writer != m->cur_cpu + 1)) {
		mm_fail(m, "BUG: downgrade_write on CPU#%d of an rwsem it does not hold for write",
			m->cur_cpu);
		return;
	}
	s->count = 0;
	s->writer = 0;
	rwsem_take_read(m, s);
}

bool rwsem_held(const struct machine *m, const struct rw_semaphore *s)
{
	return s->writer == m->cur_cpu + 1 || ((s->readers >> m->cur_cpu) & 1);
}

bool rwsem_write_held(const struct machine *m, const struct rw_semaphore *s)
{
	return s->writer == m->cur_cpu + 1;
}

/* -------------------------------------------------------------------------
 * Cross-CPU calls
 */
struct smp_call {
	smp_call_func_t func;
	void *info;
	int *pending;
};

static void smp_call_run(struct machine *m, void *arg)
{
	struct smp_call *c = arg;

	c->func(m, c->info);
	(*c->pending)--;
}

static bool smp_calls_done(void *arg)
{
	return *(int *)arg == 0;
}

static void run_on(struct machine *m, int cpu, smp_call_func_t func, void *info)
{
	int self = m->cur_cpu;

	m->cur_cpu = cpu;
	func(m, info);
	m->cur_cpu = self;
}

/* Post func to every cpu in [first, last] but the caller; run it locally if
 * the caller is in the range; wait for the others if asked */
static void smp_call_range(struct machine *m, int first, int last, enum sched_op op,
			   uint64_t addr, unsigned int len, smp_call_func_t func, void *info,
			   bool wait)
{
	struct sched_hooks *h = m->sched;
	struct smp_call calls[MAX_CPUS];
	int self = m->cur_cpu, pending = 0;

	if (!h) {
		for (int c = first; c <= last; c++)
			run_on(m, c, func, info);
		return;
	}
	sched_point(m, op, addr, len);
	for (int c = first; c <= last; c++) {
		if (c == self)
			continue;
		if (wait) {
			calls[c] = (struct smp_call){ func, info, &pending };
			pending++;
			h->post(h->priv, c, op, addr, len, smp_call_run, &calls[c]);
		} else {
			h->post(h->priv, c, op, addr, len, func, info);
		}
	}
	if (self >= first && self <= last)
		func(m, info);
	if (wait && pending)
		h->wait(h->priv, SCHED_YIELD, 0, 0,
			smp_calls_done, &pending);
}

void on_each_cpu_op(struct machine *m, enum sched_op op, uint64_t addr, unsigned int len,
		    smp_call_func_t func, void *info, bool wait)
{
	smp_call_range(m, 0, m->nr_cpus - 1, op, addr, len, func, info, wait);
}

void smp_call_function_single_op(struct machine *m, int cpu, enum sched_op op, uint64_t addr,
				 unsigned int len, smp_call_func_t func, void *info, bool wait)
{
	smp_call_range(m, cpu, cpu, op, addr, len, func, info, wait);
}
