// SPDX-License-Identifier: GPL-2.0-only
/*
 * rcu.c - RCU read-side sections, grace periods and the page tables that
 * wait for one (kernel/rcu/tree.c, mm/pgtable-generic.c, 6.6).  See rcu.h.
 *
 * The state hangs off proc_ctx (task.h), made on first use.  A grace
 * period is synchronize_rcu's: wait for each CPU that is inside a
 * read-side section when it starts to leave it (its count of sections left
 * moves on, or its nesting drops to zero); sections that start later are
 * not waited for.  Callbacks are not a general facility here: the only
 * deferred work is freeing a page-table page (pte_free_defer), kept as a
 * list of pfns that rcu_barrier_tables frees after a grace period.
 */
#include <string.h>

#include "rcu.h"
#include "cpu.h"
#include "host.h"
#include "machine.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "task.h"

struct rcu_state *rcu_state_of(struct machine *m, bool create)
{
	struct proc_ctx *pc = create ? proc_ctx(m) : m->procs;

	if (!pc)
		return NULL;
	if (!pc->rcu && create)
		pc->rcu = host_calloc(1, sizeof(*pc->rcu), "the RCU state");
	return pc->rcu;
}

void rcu_state_destroy(struct machine *m)
{
	struct rcu_state *rs = rcu_state_of(m, false);

	if (!rs)
		return;
	host_free(rs->deferred);
	host_free(rs);
	m->procs->rcu = NULL;
}

void rcu_read_lock(struct machine *m)
{
	struct rcu_cpu *c = &rcu_state_of(m, true)->cpu[m->cur_cpu];

	sched_point(m, SCHED_RMW, lock_addr(c), sizeof(*c));
	c->nesting++;
}

void rcu_read_unlock(struct machine *m)
{
	struct rcu_cpu *c = &rcu_state_of(m, true)->cpu[m->cur_cpu];

	/* a release: synchronize_rcu may be waiting for it */
	sched_point(m, SCHED_UNLOCK, lock_addr(c), sizeof(*c));
	if (!c->nesting) {
		mm_fail(m, "BUG: rcu_read_unlock on cpu %d outside a read-side section",
			m->cur_cpu);
		return;
	}
	if (--c->nesting == 0)
		c->exits++;
}

struct rcu_wait {
	const struct rcu_cpu *c;
	unsigned long exits;
};

/* Has that CPU left the section it was in when the grace period began? */
static bool rcu_cpu_quiescent(void *arg)
{
	const struct rcu_wait *w = arg;

	return !w->c->nesting || w->c->exits != w->exits;
}

void synchronize_rcu(struct machine *m)
{
	struct rcu_state *rs = rcu_state_of(m, true);
	SCHED_WHERE(m);

	if (rs->cpu[m->cur_cpu].nesting) {
		mm_fail(m, "BUG: synchronize_rcu inside a read-side section on cpu %d", m->cur_cpu);
		return;
	}
	for (int c = 0; c < m->nr_cpus; c++) {
		struct rcu_cpu *rc = &rs->cpu[c];
		struct rcu_wait w = { rc, 0 };

		if (c == m->cur_cpu)
			continue;
		sched_point(m, SCHED_READ, lock_addr(rc), sizeof(*rc));
		if (!rc->nesting)
			continue;
		if (!m->sched) {
			mm_fail(m, "BUG: synchronize_rcu: cpu %d stays in a read-side section "
				"and no other CPU runs (deadlock)", c);
			return;
		}
		w.exits = rc->exits;
		m->sched->wait(m->sched->priv, SCHED_LOCK, lock_addr(rc), sizeof(*rc),
			       rcu_cpu_quiescent, &w);
	}
	rs->grace_periods++;
}

void pte_free_now(struct machine *m, unsigned long table)
{
	__ClearPageTable(m, table);
	m->node[page_to_nid(m, table)].vm_stat[NR_PAGETABLE]--;
	__free_pages(m, table, 0);
}

void pte_free_defer(struct machine *m, unsigned long table)
{
	struct rcu_state *rs = rcu_state_of(m, true);

	if (rs->nr_deferred == rs->cap_deferred) {
		rs->cap_deferred = rs->cap_deferred ? rs->cap_deferred * 2 : 8;
		rs->deferred = host_reallocarray(rs->deferred, rs->cap_deferred,
						 sizeof(*rs->deferred), "RCU-deferred page tables");
	}
	rs->deferred[rs->nr_deferred++] = table;
}

void rcu_barrier_tables(struct machine *m)
{
	struct rcu_state *rs = rcu_state_of(m, false);
	size_t n;
	SCHED_WHERE(m);

	if (!rs || !rs->nr_deferred)
		return;
	n = rs->nr_deferred;		/* what was queued before the grace period */
	synchronize_rcu(m);
	if (m->fail.failed && !m->sched)
		return;
	for (size_t i = 0; i < n; i++)
		pte_free_now(m, rs->deferred[i]);
	memmove(rs->deferred, rs->deferred + n, (rs->nr_deferred - n) * sizeof(*rs->deferred));
	rs->nr_deferred -= n;
	rs->tables_freed += n;
}

size_t rcu_deferred_tables(struct machine *m)
{
	struct rcu_state *rs = rcu_state_of(m, false);

	return rs ? rs->nr_deferred : 0;
}

bool rcu_table_deferred(struct machine *m, unsigned long table)
{
	struct rcu_state *rs = rcu_state_of(m, false);

	for (size_t i = 0; rs && i < rs->nr_deferred; i++)
		if (rs->deferred[i] == table)
			return true;
	return false;
}
