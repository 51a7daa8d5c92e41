/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu.h - simulated CPUs: scheduling points, spinlocks, rw semaphores (the
 * mmap lock) and cross-CPU function calls (IPIs, TLB shootdowns).
 *
 * Outside the interleaving explorer (m->sched == NULL) the CPUs run one at a
 * time: a lock is a word that records its owner, an acquire costs one
 * predictable branch and a store, and an IPI runs the function on each
 * target right away.  Taking a lock that is already held can never succeed
 * in a sequential run, so it is recorded as a simulated kernel failure.
 *
 * Under the explorer every acquire and release is a scheduling point; a
 * blocked acquire waits (the explorer does not schedule the CPU until the
 * lock is free) and an IPI becomes an event the explorer delivers to the
 * target CPU at a moment of its choosing.  A CPU posting a synchronous call
 * (on_each_cpu(.., wait = true), as flush_tlb_kernel_range does) blocks
 * until every target has run it.
 *
 * The hooks themselves (struct sched_hooks: point, wait, post, report, priv
 * and the label of the running model function) are declared in machine.h,
 * with struct machine, so every model file sees them without this header.
 *
 * Announcements follow the explorer's independence rules (sim/explore.h):
 * SCHED_LOCK is a blocking exclusive acquire and SCHED_UNLOCK any release
 * (the two are never enabled together on one lock), a shared or failed-able
 * acquire (down_read, trylock) is a SCHED_RMW of the lock word.
 */
#ifndef MMSIM_CPU_H
#define MMSIM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* A scheduling point: the CPU is about to do op on [addr, addr + len) */
static inline void sched_point(struct machine *m, enum sched_op op, uint64_t addr,
			       unsigned int len)
{
	if (unlikely(m->sched))
		m->sched->point(m->sched->priv, op, addr, len);
}

/* Report a failure only the explorer sees (see struct sched_hooks.report) */
static inline void sched_fail(struct machine *m, const char *msg)
{
	if (m->sched && m->sched->report)
		m->sched->report(m->sched->priv, msg);
}

/* A pure scheduling point (the kernel's cond_resched(), a cpu_relax() loop) */
static inline void cond_resched(struct machine *m)
{
	sched_point(m, SCHED_YIELD, 0, 0);
}

/*
 * SCHED_WHERE(m) at the top of a model function labels every scheduling
 * point below it with the function's name, for the explorer's traces; the
 * caller's label comes back when the function returns.  Costs one branch
 * when no explorer is attached.
 */
struct sched_where_scope {
	struct sched_hooks *h;
	const char *prev;
};

static inline struct sched_where_scope sched_where_enter(struct machine *m, const char *fn)
{
	struct sched_where_scope s = { NULL, NULL };

	if (unlikely(m->sched)) {
		s.h = m->sched;
		s.prev = s.h->where;
		s.h->where = fn;
	}
	return s;
}

static inline void sched_where_leave(struct sched_where_scope *s)
{
	if (unlikely(s->h))
		s->h->where = s->prev;
}

#define SCHED_WHERE(m)	SCHED_WHERE_AS((m), __func__)
/* The same with a given label (an out-of-line explorer path of fn) */
#define SCHED_WHERE_AS(m, fn)						\
	struct sched_where_scope __sched_where				\
		__attribute__((cleanup(sched_where_leave), unused)) =	\
		sched_where_enter((m), (fn))

/* -------------------------------------------------------------------------
 * Spinlocks
 */
typedef struct {
	int owner;		/* cpu + 1, 0 when free */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->owner = 0;
}

static inline uint64_t lock_addr(const void *l)
{
	return (uint64_t)(uintptr_t)l;
}

void __spin_lock_sched(struct machine *m, spinlock_t *l);
void __spin_lock_held(struct machine *m, spinlock_t *l);
void __spin_unlock_bad(struct machine *m, spinlock_t *l);

static inline void spin_lock(struct machine *m, spinlock_t *l)
{
	if (unlikely(m->sched)) {
		__spin_lock_sched(m, l);
		return;
	}
	if (unlikely(l->owner))
		__spin_lock_held(m, l);
	l->owner = m->cur_cpu + 1;
}

static inline void spin_unlock(struct machine *m, spinlock_t *l)
{
	sched_point(m, SCHED_UNLOCK, lock_addr(l), sizeof(*l));
	if (unlikely(l->owner != m->cur_cpu + 1))
		__spin_unlock_bad(m, l);
	l->owner = 0;
}

static inline bool spin_trylock(struct machine *m, spinlock_t *l)
{
	sched_point(m, SCHED_RMW, lock_addr(l), sizeof(*l));
	if (l->owner)
		return false;
	l->owner = m->cur_cpu + 1;
	return true;
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return l->owner != 0;
}

/* lockdep_assert_held(): records a failure unless this CPU holds l */
bool assert_spin_locked(struct machine *m, const spinlock_t *l);

/* -------------------------------------------------------------------------
 * Read-write semaphores (mmap_lock, init_mm's included).  Readers do not
 * queue behind a waiting writer here: the kernel's handoff rules affect
 * fairness, not which interleavings of holders are possible.
 */
struct rw_semaphore {
	int count;		/* readers holding it, -1: a writer */
	int writer;		/* cpu + 1 of the writer, 0 when none */
	uint64_t readers;	/* bitmask of CPUs holding it for read */
	uint8_t depth[MAX_CPUS];	/* read nesting per CPU */
};

void init_rwsem(struct rw_semaphore *s);
void __down_read_slow(struct machine *m, struct rw_semaphore *s);
void __up_read_slow(struct machine *m, struct rw_semaphore *s);

/* Outside the explorer, with no writer: the reader count and this CPU's nesting */
static inline void down_read(struct machine *m, struct rw_semaphore *s)
{
	int c = m->cur_cpu;

	if (unlikely(m->sched || s->count < 0)) {
		__down_read_slow(m, s);
		return;
	}
	s->count++;
	s->depth[c]++;
	s->readers |= 1ULL << c;
}

/* Outside the explorer, held for read by this CPU: the same taken back */
static inline void up_read(struct machine *m, struct rw_semaphore *s)
{
	int c = m->cur_cpu;

	if (unlikely(m->sched || s->count <= 0 || !s->depth[c])) {
		__up_read_slow(m, s);
		return;
	}
	s->count--;
	if (!--s->depth[c])
		s->readers &= ~(1ULL << c);
}
bool down_read_trylock(struct machine *m, struct rw_semaphore *s);
void down_write(struct machine *m, struct rw_semaphore *s);
bool down_write_trylock(struct machine *m, struct rw_semaphore *s);
void up_write(struct machine *m, struct rw_semaphore *s);
void downgrade_write(struct machine *m, struct rw_semaphore *s);

static inline bool rwsem_is_locked(const struct rw_semaphore *s)
{
	return s->count != 0;
}

/* Held by the current CPU, for read or write / for write */
bool rwsem_held(const struct machine *m, const struct rw_semaphore *s);
bool rwsem_write_held(const struct machine *m, const struct rw_semaphore *s);

/* -------------------------------------------------------------------------
 * Cross-CPU calls.  op on [addr, addr + len) describes what func touches
 * besides the target CPU's own state (TLB flushes: SCHED_TLB_FLUSH on the
 * flushed range).  With wait, the caller returns only after every target
 * ran func.
 */
void on_each_cpu_op(struct machine *m, enum sched_op op, uint64_t addr, unsigned int len,
		    smp_call_func_t func, void *info, bool wait);
void smp_call_function_single_op(struct machine *m, int cpu, enum sched_op op, uint64_t addr,
				 unsigned int len, smp_call_func_t func, void *info, bool wait);

static inline void on_each_cpu(struct machine *m, smp_call_func_t func, void *info, bool wait)
{
	on_each_cpu_op(m, SCHED_YIELD, 0, 0, func, info, wait);
}

static inline void smp_call_function_single(struct machine *m, int cpu, smp_call_func_t func,
					    void *info, bool wait)
{
	smp_call_function_single_op(m, cpu, SCHED_YIELD, 0, 0, func, info, wait);
}

#endif /* MMSIM_CPU_H */
