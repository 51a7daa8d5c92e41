/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rcu.h - RCU as far as freeing page tables needs it (kernel/rcu/tree.c,
 * mm/pgtable-generic.c's pte_free_defer, 6.6): read-side critical
 * sections per CPU, grace periods, and page-table pages whose freeing
 * waits for one.
 *
 * A lockless page-table walker (GUP-fast, 6.6's pte_offset_map) reads a
 * table between rcu_read_lock and rcu_read_unlock; a table taken out of
 * the tree goes on the deferred list (pte_free_defer) and is freed only by
 * rcu_barrier_tables, which first waits for a grace period
 * (synchronize_rcu: every CPU that was inside a read-side section when it
 * started has left it).  The kernel's grace periods elapse on their own;
 * the model ends one between scenario steps (the runner calls
 * rcu_barrier_tables after each), after each khugepaged wake-up, and where
 * a race test calls it, so the explorer can interleave it with a walker.
 *
 * Under the explorer, rcu_read_lock and rcu_read_unlock are scheduling
 * points on the CPU's nesting counter and synchronize_rcu waits on each
 * CPU's; outside it no CPU is ever inside a read-side section between
 * steps, so a grace period is immediate.
 */
#ifndef MMSIM_RCU_H
#define MMSIM_RCU_H

#include <stdbool.h>
#include <stddef.h>

#include "mm.h"

struct machine;

/* One CPU's read side: what synchronize_rcu waits on (one footprint) */
struct rcu_cpu {
	unsigned long nesting;			/* read-side depth */
	unsigned long exits;			/* outermost sections left so far */
};

struct rcu_state {
	struct rcu_cpu cpu[MAX_CPUS];
	unsigned long *deferred;		/* table pages waiting for a grace period */
	size_t nr_deferred, cap_deferred;
	unsigned long grace_periods;
	unsigned long tables_freed;		/* deferred tables freed so far */
};

void rcu_read_lock(struct machine *m);
void rcu_read_unlock(struct machine *m);
/* Wait until every CPU inside a read-side section now has left it */
void synchronize_rcu(struct machine *m);

/* pte_free_defer: the PTE table page (already out of its mm) after a grace period */
void pte_free_defer(struct machine *m, unsigned long table);
/* A grace period, then free every table deferred before it */
void rcu_barrier_tables(struct machine *m);
/* Tables waiting (still PageTable, still in NR_PAGETABLE) */
size_t rcu_deferred_tables(struct machine *m);
bool rcu_table_deferred(struct machine *m, unsigned long table);

/* The page destructor and free of a user PTE table (pte_free_now) */
void pte_free_now(struct machine *m, unsigned long table);

/* proc_ctx's RCU state, or NULL when none was made */
struct rcu_state *rcu_state_of(struct machine *m, bool create);
void rcu_state_destroy(struct machine *m);

#endif /* MMSIM_RCU_H */
