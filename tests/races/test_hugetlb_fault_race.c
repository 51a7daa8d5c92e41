// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_fault_race.c - two CPUs fault the same hugetlb page at once
 * (model/hugetlb_memory.c hugetlb_fault), under the interleaving explorer.
 *
 * One process (two threads, as far as the address space goes), one 2 MiB
 * hugetlb mapping of two pages, its PUD and PMD tables already there (the
 * other page was faulted during setup, so the race allocates no table and
 * never touches the buddy allocator).  Both CPUs access page A:
 *
 *   shared, write/write and write/read: the file's page cache gets one
 *     page, both CPUs see it, one reservation is consumed;
 *   private, write/write: one anonymous page, writable, exclusively mapped,
 *     one reservation consumed.
 *
 * Every schedule must end with exactly one page mapped at A, the pool's
 * counters and the reservation count as the kernel keeps them (the
 * invariant checker recomputes resv_huge_pages), and every page back in
 * the pool when the process exits.  What serialises the two faults is the
 * hugetlb fault mutex of (file, index); the VMA lock, i_mmap_rwsem, the
 * page lock and the PMD table's lock are scheduling points too.  DPOR,
 * exhaustive, more than one schedule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "check.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "task.h"

#define VA	0x40000000UL		/* 1 GiB: page A at VA, the other at VA + 2 MiB */
#define M2	(2UL << 20)

struct hr {
	bool shared;
	bool write[2];
	struct machine *m;
	struct task *t;
	long res[2];
};

static void *hr_setup(struct xp_ctx *x, void *arg)
{
	struct hr *s = arg;
	long flags = (s->shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_HUGETLB |
		     MAP_FIXED;
	char err[256];
	int e;

	s->m = t_machine(1, 64, 2);
	s->res[0] = s->res[1] = -1;
	hugetlb_set_max_huge_pages(s->m, hugetlb_default_hstate(s->m), 3, NUMA_NO_NODE);
	s->t = task_create(s->m, "racer", &e);
	if (!s->t || ksys_mmap_pgoff(s->m, s->t, VA, 2 * M2, PROT_READ | PROT_WRITE, flags, -1,
				     0) != (long)VA) {
		xp_fail(x, "process setup failed");
		return s;
	}
	/* the other page: PUD and PMD tables exist before the race */
	if (user_access(s->m, s->t->mm, VA + M2, true) != UA_OK) {
		xp_fail(x, "pre-faulting failed");
		return s;
	}
	if (!mm_check_invariants(s->m, err, sizeof(err))) {
		xp_fail(x, "setup: %s", err);
		return s;
	}
	xp_name_range(x, &s->t->mm->mmap_lock, sizeof(s->t->mm->mmap_lock), "mmap_lock");
	xp_attach_machine(x, s->m);
	return s;
}

static void hr_teardown(struct xp_ctx *x, void *state)
{
	struct hr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void hr_cpu(struct xp_ctx *x, void *state)
{
	struct hr *s = state;
	int c = xp_cpu(x);

	s->res[c] = user_access(s->m, s->t->mm, VA, s->write[c]);
}

static void hr_final(struct xp_ctx *x, void *state)
{
	struct hr *s = state;
	struct machine *m = s->m;
	struct hstate *h = hugetlb_default_hstate(m);
	enum pt_level level;
	pteval_t e;
	unsigned long page;
	char err[512];

	if (s->res[0] != UA_OK || s->res[1] != UA_OK) {
		xp_fail(x, "the accesses ended in %ld and %ld", s->res[0], s->res[1]);
		return;
	}
	e = pt_walk(m, s->t->mm, VA, &level, NULL, NULL);
	page = pte_pfn(e);
	if (!pte_present(e) || level != PT_PMD || !pte_write(e)) {
		xp_fail(x, "A is mapped by %#llx at level %d, not one writable huge entry",
			(unsigned long long)e, (int)level);
		return;
	}
	if ((int)pg_read32(m, page + 1, PGOFF_COMPOUND_MAPCOUNT) != 0) {
		xp_fail(x, "the page at A is mapped %d times",
			(int)pg_read32(m, page + 1, PGOFF_COMPOUND_MAPCOUNT) + 1);
		return;
	}
	/* two pages in use (A and the other), the third free; nothing reserved */
	if (h->free_huge_pages != 1 || h->resv_huge_pages != 0 || h->nr_huge_pages != 3) {
		xp_fail(x, "pool: nr %lu free %lu resv %lu", h->nr_huge_pages,
			h->free_huge_pages, h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "before exit: %s", err);
		return;
	}
	do_exit(m, s->t, 0);
	if (h->free_huge_pages != 3 || h->resv_huge_pages != 0) {
		xp_fail(x, "after exit: free %lu resv %lu", h->free_huge_pages,
			h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after exit: %s", err);
}

#define HR_TEST(var, tname, cfg)						\
	static struct hr var##_st = cfg;					\
	static const struct xp_test var = {					\
		.name = tname, .ncpus = 2, .setup = hr_setup,			\
		.teardown = hr_teardown, .final = hr_final, .arg = &var##_st,	\
		.cpu = { hr_cpu, hr_cpu },					\
	}

HR_TEST(t_shared_ww, "hugetlb_fault_race_shared_write_write",
	((struct hr){ .shared = true, .write = { true, true } }));
HR_TEST(t_shared_wr, "hugetlb_fault_race_shared_write_read",
	((struct hr){ .shared = true, .write = { true, false } }));
HR_TEST(t_private_ww, "hugetlb_fault_race_private_write_write",
	((struct hr){ .shared = false, .write = { true, true } }));

/* A passing, exhaustive exploration of more than one schedule */
#define RACE_TEST(t)	XP_UNIT_TEST_EXHAUSTIVE(t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_TEST(t_shared_ww),
		RACE_TEST(t_shared_wr),
		RACE_TEST(t_private_ww),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
