// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_khugepaged_race.c - khugepaged's retraction of page tables racing
 * faults and lockless walkers, under the interleaving explorer
 * (model/khugepaged.c collapse_file_finish, retract_page_tables; rcu.c).
 *
 * A 2 MiB tmpfs file with 4 small pages, mapped at 2 MiB-aligned
 * addresses by two processes, both registered with khugepaged:
 *
 *   p (the collapse's target)   A: MAP_SHARED,  PTEs | p0 | p1 | p2 | p3 | - ... |
 *   q (the racer)               B: MAP_PRIVATE, PTEs | p0 | p1 | p2 | p3 | - ... |
 *
 * Setup runs collapse_file up to its retraction: the new THP T is in the
 * page cache, locked, the small pages are unmapped (both PTE tables are
 * empty now) and freed.  CPU0 then runs the rest, retract_page_tables and
 * the unlock of T (collapse_file_finish); CPU1 touches B + 4 KiB.
 *
 * 1. Seed 001's argument (Kirill, Oleg): retract_page_tables checks
 *    q's anon_vma without q's mmap lock, and frees q's table without
 *    looking into it.  A fault that could put a PTE into the table after
 *    the unmap and before the retraction would have it freed with the
 *    table.  It cannot: the fault needs T, and T stays locked until the
 *    retraction is done, while the fault waits for it holding q's mmap
 *    lock, so the retraction's mmap_write_trylock fails.  Explored with a
 *    COW (write) fault and a read fault; every schedule must leave q's
 *    page tables, rss, mapcounts and refcounts consistent, and the window
 *    must open: in some schedule the trylock fails (q is deferred to its
 *    pte-mapped THP array), in some q's table goes before the fault, in
 *    some q is skipped for the anon_vma the COW set up.
 * 2. The mutant (m->inject.khugepaged_unlock_early): T unlocked before the
 *    retraction.  A read fault then maps T's subpage into q's table and
 *    returns, the trylock succeeds, and the table is freed with the PTE
 *    in it; the explorer must find it and its replay string reproduce it.
 *    With a COW fault the mutant is still safe: 6.1.192 re-checks the
 *    anon_vma under the mmap lock, and the COW set one up (the search
 *    must see that re-check fire).
 * 3. 6.6 (collapse-6.6): the retraction takes no mmap lock at all and the
 *    table goes after an RCU grace period.  A lockless walker (GUP-fast
 *    style: rcu_read_lock, read the PMD, read the PTEs) on CPU1 against
 *    the retraction and rcu_barrier_tables on CPU0: the table must still
 *    be a page table for as long as the walker reads it, and the window
 *    (the PMD cleared while the walker is inside) must open.  With the
 *    table freed at once (m->inject.khugepaged_free_table_early) the
 *    walker reads a freed page: found, with a replay string.
 *
 * As in test_fault_race.c, each CPU's per-cpu page lists are stocked in
 * setup so that no CPU refills from the buddy lists during the race (the
 * allocator has no zone lock under the explorer), and the final check
 * makes sure of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "check.h"
#include "cpu.h"
#include "filemap.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "pgtable.h"
#include "rcu.h"
#include "rmap.h"
#include "task.h"

#define VA_A		0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define VA_B		0x80000000UL
#define PG		PAGE_SIZE
#define NR_SMALL	4

enum body { B_WRITE, B_READ, B_WALK };

struct kr {
	/* what the test sets up */
	enum body body;
	bool variant_66;
	bool unlock_early;		/* the page-lock mutant */
	bool free_early;		/* the RCU mutant */
	/* per schedule */
	struct machine *m;
	struct task *p, *q;
	struct inode *inode;
	struct collapse_control cc;
	unsigned long hpage, table_b;
	unsigned long buddy0;
	long res0, res1;
	bool walker_saw_table, walker_saw_cleared;
};

static long mmap_file(struct machine *m, struct task *t, uint64_t a, int flags, long fd)
{
	return ksys_mmap_pgoff(m, t, a, PMD_SIZE, PROT_READ | PROT_WRITE, flags | MAP_FIXED,
			       (int)fd, 0);
}

/* A process on cpu writes a few pages in a few PMDs and exits: cpu's pcp lists fill */
static bool warm_up_cpu(struct machine *m, int cpu)
{
	uint64_t base = 3UL << 30, len = 4 * PMD_SIZE;
	struct task *t;
	bool ok;
	int err;

	m->cur_cpu = cpu;
	t = task_create(m, "warm-up", &err);
	if (!t)
		return false;
	ok = ksys_mmap_pgoff(m, t, base, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == (long)base;
	for (uint64_t a = base; ok && a < base + len; a += PMD_SIZE / 4)
		ok = user_access(m, t->mm, a, true) == UA_OK;
	do_exit(m, t, 0);
	return ok;
}

static unsigned long pmd_table_of(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	unsigned long table;
	unsigned int idx;
	pteval_t e;

	if (!pmd_slot(m, mm, va, false, &table, &idx, NULL))
		return PFN_NONE;
	e = pt_read(m, table, idx);
	return pte_present(e) && !pmd_leaf(e) ? pte_pfn(e) : PFN_NONE;
}

static void *kr_setup(struct xp_ctx *x, void *arg)
{
	struct kr *s = arg;
	struct machine_opts o;
	char err[256];
	long fd, fp, fq;
	int e;

	t_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;		/* q's faults map 4 KiB pages */
	s->m = machine_create(&o, err, sizeof(err));
	s->p = s->q = NULL;
	s->res0 = s->res1 = -1;
	s->walker_saw_table = s->walker_saw_cleared = false;
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	if (s->variant_66)
		khugepaged_settings(s->m)->variant = KHUGEPAGED_6_6;
	if (!warm_up_cpu(s->m, 1) || !warm_up_cpu(s->m, 0)) {
		xp_fail(x, "warm-up failed");
		return s;
	}
	/* the file: four small pages with data */
	if (shmem_mount(s->m, "/mnt", "huge=advise", err, sizeof(err))) {
		xp_fail(x, "mount: %s", err);
		return s;
	}
	s->p = task_create(s->m, "p", &e);
	s->q = task_create(s->m, "q", &e);
	fd = do_sys_open(s->m, s->p, "/mnt/f", O_RDWR | O_CREAT);
	fq = do_sys_open(s->m, s->q, "/mnt/f", O_RDWR);
	fp = fd;
	if (fd < 0 || fq < 0 || do_ftruncate(s->m, s->p, (int)fd, PMD_SIZE) ||
	    mmap_file(s->m, s->p, VA_A, MAP_SHARED, fp) != (long)VA_A ||
	    mmap_file(s->m, s->q, VA_B, s->body == B_WALK ? MAP_SHARED : MAP_PRIVATE, fq) !=
	    (long)VA_B) {
		xp_fail(x, "process setup failed");
		return s;
	}
	for (unsigned int i = 0; i < NR_SMALL; i++)
		if (user_access(s->m, s->p->mm, VA_A + i * PG, true) != UA_OK) {
			xp_fail(x, "writing the file failed");
			return s;
		}
	if (user_access(s->m, s->q->mm, VA_B, false) != UA_OK) {	/* fault-around: all 4 */
		xp_fail(x, "q's read failed");
		return s;
	}
	s->inode = s->p->fd[fd]->inode;
	s->table_b = pmd_table_of(s->m, s->q->mm, VA_B);
	__khugepaged_enter(s->m, s->p->mm);
	__khugepaged_enter(s->m, s->q->mm);
	/* collapse_file up to its retraction */
	memset(&s->cc, 0, sizeof(s->cc));
	s->cc.is_khugepaged = true;
	s->cc.keep_locked = true;
	if (collapse_file(s->m, s->p->mm, VA_A, s->inode, 0, &s->cc) != SCAN_SUCCEED) {
		xp_fail(x, "collapse_file failed");
		return s;
	}
	s->hpage = s->cc.locked_hpage;
	if (!PageLocked(s->m, s->hpage) || s->table_b == PFN_NONE ||
	    pt_read(s->m, s->table_b, 0)) {
		xp_fail(x, "setup: T not locked, or q's table not there and empty");
		return s;
	}
	s->m->inject.khugepaged_unlock_early = s->unlock_early;
	s->m->inject.khugepaged_free_table_early = s->free_early;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->q->mm->mmap_lock, sizeof(s->q->mm->mmap_lock), "q.mmap_lock");
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->table_b << PAGE_SHIFT), PAGE_SIZE,
		      "T_B");
	xp_attach_machine(x, s->m);
	return s;
}

static void kr_teardown(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void kr_cpu0(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	(void)x;
	s->res0 = collapse_file_finish(s->m, s->inode, 0, s->p->mm, VA_A, s->hpage, &s->cc);
	if (s->variant_66)
		rcu_barrier_tables(s->m);
}

/*
 * GUP-fast's walk of q's B: inside an RCU read-side section, read the PMD
 * and then the table's first entries; the table page must still be a page
 * table while it is read.
 */
static void walk_lockless(struct xp_ctx *x, struct kr *s)
{
	struct machine *m = s->m;
	unsigned long table;

	rcu_read_lock(m);
	table = pmd_table_of(m, s->q->mm, VA_B);
	if (table != PFN_NONE) {
		s->walker_saw_table = true;
		for (unsigned int i = 0; i < 2; i++) {
			xp_assert(x, PageTable(m, table) && page_ref_count(m, table) > 0,
				  "the PTE table %#lx the walker read from the PMD was freed while "
				  "the walker was still in its read-side section", table);
			(void)pt_read(m, table, i);
		}
		if (pmd_table_of(m, s->q->mm, VA_B) == PFN_NONE)
			s->walker_saw_cleared = true;
	}
	rcu_read_unlock(m);
}

static void kr_cpu1(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	switch (s->body) {
	case B_WRITE:
		s->res1 = user_access(s->m, s->q->mm, VA_B + PG, true);
		break;
	case B_READ:
		s->res1 = user_access(s->m, s->q->mm, VA_B + PG, false);
		break;
	case B_WALK:
		walk_lockless(x, s);
		s->res1 = 0;
		break;
	}
}

static void kr_final(struct xp_ctx *x, void *state)
{
	struct kr *s = state;
	struct machine *m = s->m;
	const struct khugepaged_stats *st = khugepaged_stats(m);
	enum pt_level level;
	char err[512];
	pteval_t e;

	if (global_zone_page_state(m, NR_FREE_PAGES) != s->buddy0) {
		xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
			"zone lock under the explorer: stock the pcp lists better in setup");
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "invariants: %s", err);
		return;
	}
	if (PageLocked(m, s->hpage)) {
		xp_fail(x, "T is still locked");
		return;
	}
	if (s->body == B_WALK) {
		xp_sometimes_if(x, "the walker read q's table", s->walker_saw_table);
		xp_sometimes_if(x, "the retraction cleared the PMD inside the walker's section",
				s->walker_saw_cleared);
		if (pmd_table_of(m, s->q->mm, VA_B) != PFN_NONE || rcu_deferred_tables(m))
			xp_fail(x, "q's table is still there or still waits for a grace period");
		return;
	}
	/* the fault's outcome */
	if (s->res1 != UA_OK) {
		xp_fail(x, "the access ended in %ld", s->res1);
		return;
	}
	e = pt_walk(m, s->q->mm, VA_B + PG, &level, NULL, NULL);
	if (!pte_present(e)) {
		xp_fail(x, "B + 4K is not mapped after the fault");
		return;
	}
	if (s->body == B_WRITE && (level != PT_PTE || !PageAnon(m, pte_pfn(e)))) {
		xp_fail(x, "the write did not leave a private copy (%#llx)",
			(unsigned long long)e);
		return;
	}
	/* T by PTE in the old table (deferred), or by PMD (retracted first) */
	if (s->body == B_READ &&
	    (level == PT_PTE ? pte_pfn(e) != s->hpage + 1 : pte_pfn(e) != s->hpage)) {
		xp_fail(x, "the read maps %#llx at level %d, not T+1", (unsigned long long)e,
			(int)level);
		return;
	}
	if (s->body == B_READ)
		xp_sometimes_if(x, "the fault mapped T by PMD", level == PT_PMD);
	xp_sometimes_if(x, "q's mmap lock was held by the fault: q deferred to its array",
			khugepaged_nr_pte_mapped_thp(m, s->q->mm, NULL) == 1);
	xp_sometimes_if(x, "q's table was retracted before the fault",
			st->tables_retracted == 2);
	if (s->unlock_early && s->body == B_WRITE)
		xp_sometimes_if(x, "the anon_vma re-check under the mmap lock caught the COW",
				st->retract_anon_recheck == 1);
}

/* -------------------------------------------------------------------------
 * The explorations
 */
static const char *const s_cow[] = {
	"q's mmap lock was held by the fault: q deferred to its array",
	"q's table was retracted before the fault", NULL,
};
static const char *const s_read[] = {
	"q's mmap lock was held by the fault: q deferred to its array",
	"q's table was retracted before the fault", "the fault mapped T by PMD", NULL,
};
static const char *const s_cow_early[] = {
	"q's table was retracted before the fault",
	"the anon_vma re-check under the mmap lock caught the COW", NULL,
};
static const char *const s_walk[] = {
	"the walker read q's table",
	"the retraction cleared the PMD inside the walker's section", NULL,
};

#define KR_TEST(var, tname, cfg, sometimes_)					\
	static struct kr var##_st = cfg;					\
	static const struct xp_test var = {					\
		.name = tname, .ncpus = 2, .setup = kr_setup,			\
		.teardown = kr_teardown, .final = kr_final, .arg = &var##_st,	\
		.cpu = { kr_cpu0, kr_cpu1 }, .sometimes = sometimes_,		\
	}

KR_TEST(t_cow, "retract_vs_cow_fault", ((struct kr){ .body = B_WRITE }), s_cow);
KR_TEST(t_read, "retract_vs_read_fault", ((struct kr){ .body = B_READ }), s_read);
KR_TEST(t_cow_early, "retract_vs_cow_fault_unlock_early",
	((struct kr){ .body = B_WRITE, .unlock_early = true }), s_cow_early);
KR_TEST(t_walk, "retract_66_vs_lockless_walker",
	((struct kr){ .body = B_WALK, .variant_66 = true }), s_walk);

/* A passing, exhaustive exploration of more than one schedule */
#define RACE_TEST(t)	XP_UNIT_TEST_EXHAUSTIVE(t)

/* The mutants: each must be found, and its replay string reproduce it */
static struct kr read_early_st = { .body = B_READ, .unlock_early = true };
static struct xp_test t_read_early = {
	.name = "retract_vs_read_fault_unlock_early", .ncpus = 2, .setup = kr_setup,
	.teardown = kr_teardown, .final = kr_final, .arg = &read_early_st,
	.cpu = { kr_cpu0, kr_cpu1 },
	.expect_failure = true,
	.expect_msg = "invariants: ",
};

static struct kr walk_early_st = { .body = B_WALK, .variant_66 = true, .free_early = true };
static struct xp_test t_walk_early = {
	.name = "retract_66_vs_lockless_walker_no_grace_period", .ncpus = 2,
	.setup = kr_setup, .teardown = kr_teardown, .final = kr_final, .arg = &walk_early_st,
	.cpu = { kr_cpu0, kr_cpu1 },
	.expect_failure = true,
	.expect_msg = "was freed while the walker was still in its read-side section",
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_TEST(t_cow),
		RACE_TEST(t_read),
		RACE_TEST(t_cow_early),
		RACE_TEST(t_walk),
		XP_UNIT_TEST(t_read_early),
		XP_UNIT_TEST(t_walk_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
