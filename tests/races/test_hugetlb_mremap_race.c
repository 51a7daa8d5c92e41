// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_mremap_race.c - mremap of a shared hugetlb range on CPU0
 * while another process faults on the same stretch of the file on CPU1,
 * under the interleaving explorer (hugetlb_memory.c move_hugetlb_page_tables,
 * huge_pmd_share, huge_pmd_unshare, hugetlb_fault).
 *
 * A hugetlbfs file F of 1 GiB (512 pages reserved at the first mmap).
 * Process a maps it shared and wrote page 1 (P1) before the race; process
 * b maps it shared at 4 GiB and has touched nothing of it:
 *
 *   1. a at 1 GiB (PUD-aligned: its PMD table T may be shared), moved to
 *      2 GiB + 2 MiB (a destination that cannot share):
 *        CPU0  a: mremap(1G, 1G, 1G, MREMAP_MAYMOVE|MREMAP_FIXED, 2G+2M)
 *        CPU1  b: read 4G + 2M (page 1)
 *      b's fault looks for a table to share through F's i_mmap under
 *      i_mmap_rwsem for read; mremap moves a's entries under the VMA lock
 *      and i_mmap_rwsem for write, unsharing T first if b took it, and
 *      then unmaps a's old range (which unshares T again if b took it
 *      meanwhile).  In every schedule: b reads P1, P1 is mapped by every
 *      entry that maps it and by nothing else (the invariant checker), and
 *      once both processes unmapped and F is truncated, every page and
 *      every reservation is back in the pool.  Three windows must open:
 *      b shares T before the move and keeps it (a leaves P1 to b), b
 *      shares T after the move emptied it (and refaults P1 into it), b
 *      comes after a's old range went (a table of its own).
 *   1b. The same with m->inject.hugetlb_move_skip_vma_lock (mremap without
 *      the hugetlb VMA lock): still no bad schedule.  The VMA lock guards
 *      a's VMA against truncation; against another mm's fault it is
 *      i_mmap_rwsem that keeps huge_pmd_share out while entries move.
 *   2. a at 1 GiB + 2 MiB (cannot share), moved to 3 GiB (may share), with
 *      m->inject.hugetlb_move_skip_locks (mremap without the VMA lock and
 *      i_mmap_rwsem): the explorer must find the schedule where b's fault
 *      and a's move meet in one table (b shares a's new table, or a's
 *      destination shares b's) and move_huge_pte writes over b's entry:
 *      P1 is left with a mapping no entry holds, a page lost.  Its replay
 *      string must reproduce it.
 *   3. 2 with the locks, as 6.1.192 has them: it never gets that far.
 *      Allocating the destination entry, huge_pte_alloc calls
 *      huge_pmd_share (the new VMA covers its PUD and has a VMA lock),
 *      which takes i_mmap_rwsem for read while move_hugetlb_page_tables
 *      holds it for write: every schedule deadlocks, b's fault waiting
 *      behind.  A real 6.1.192 guest hangs there the same way
 *      (docs/model-notes.md).
 *
 * The allocator has no zone lock under the explorer, so each CPU's pcp
 * list of unmovable pages is stocked before the race: the page tables
 * the race allocates come from there.
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
#include "gfp.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "pgtable.h"
#include "task.h"

#define M2	(2UL << 20)
#define G1	(1UL << 30)
#define B_VA	(4 * G1)
#define POOL	520

struct sr {
	uint64_t a_va, dst;		/* a's mapping before and after */
	bool skip_vma_lock, skip_locks;	/* the wrong variants */
	struct machine *m;
	struct task *a, *b;
	int fd;
	unsigned long old_table;	/* a's PMD table for page 1 before the race */
	unsigned long buddy0;		/* NR_FREE_PAGES when the race starts */
	uint64_t tag1;			/* what a wrote to page 1 */
	long res[2];
};

/*
 * Stock cpu's per-cpu list of unmovable pages (page tables come from it):
 * allocate a few pages there and free them again.  (An exiting process
 * would not do: freeing its order-1 pgd drains the whole list, 6.1's
 * free_high.)
 */
static bool stock_pcp(struct machine *m, int cpu)
{
	unsigned long pfn[16];
	unsigned int n;

	m->cur_cpu = cpu;
	for (n = 0; n < ARRAY_SIZE(pfn); n++) {
		pfn[n] = __alloc_pages(m, GFP_KERNEL, 0, 0);
		if (pfn[n] == PFN_NONE)
			break;
	}
	for (unsigned int i = 0; i < n; i++)
		__free_pages(m, pfn[i], 0);
	return n == ARRAY_SIZE(pfn);
}

/* The page the huge PMD entry of mm for va maps, or PFN_NONE */
static unsigned long huge_page(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, mm, va, &level, NULL, NULL);

	return level == PT_PMD && pte_present(e) ? pte_pfn(e) : PFN_NONE;
}

static unsigned long pmd_table(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	unsigned long table;
	unsigned int idx;

	return pmd_slot(m, mm, va, false, &table, &idx, NULL) ? table : PFN_NONE;
}

static bool map_f(struct sr *s, struct task *t, uint64_t va, int *fd)
{
	*fd = (int)do_sys_open(s->m, t, "/huge/f", O_RDWR | O_CREAT);
	return *fd >= 0 && ksys_mmap_pgoff(s->m, t, va, G1, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED, *fd, 0) == (long)va;
}

static void *sr_setup(struct xp_ctx *x, void *arg)
{
	struct sr *s = arg;
	struct machine_opts o;
	char err[256];
	int e, fd_b;

	t_opts(&o, 1, 1280, 2);
	s->m = machine_create(&o, err, sizeof(err));
	s->a = s->b = NULL;
	s->res[0] = s->res[1] = -1;
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	hugetlb_set_max_huge_pages(s->m, hugetlb_default_hstate(s->m), POOL, NUMA_NO_NODE);
	if (hugetlbfs_mount(s->m, "/huge", "", err, sizeof(err))) {
		xp_fail(x, "hugetlbfs: %s", err);
		return s;
	}
	s->a = task_create(s->m, "a", &e);
	s->b = s->a ? task_create(s->m, "b", &e) : NULL;
	if (!s->b || !map_f(s, s->a, s->a_va, &s->fd) ||
	    do_ftruncate(s->m, s->a, s->fd, G1) || !map_f(s, s->b, B_VA, &fd_b) ||
	    user_access(s->m, s->a->mm, s->a_va + M2, true) != UA_OK) {
		xp_fail(x, "process setup failed");
		return s;
	}
	/* b's PUD table exists: b's fault allocates at most a PMD table */
	if (ksys_mmap_pgoff(s->m, s->b, 8 * G1, M2, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (long)(8 * G1) ||
	    user_access(s->m, s->b->mm, 8 * G1, true) != UA_OK) {
		xp_fail(x, "b's setup failed");
		return s;
	}
	if (!stock_pcp(s->m, 1) || !stock_pcp(s->m, 0)) {
		xp_fail(x, "stocking the pcp lists failed");
		return s;
	}
	s->tag1 = page_content(s->m, huge_page(s->m, s->a->mm, s->a_va + M2));
	s->old_table = pmd_table(s->m, s->a->mm, s->a_va + M2);
	if (!mm_check_invariants(s->m, err, sizeof(err))) {
		xp_fail(x, "setup: %s", err);
		return s;
	}
	s->m->inject.hugetlb_move_skip_vma_lock = s->skip_vma_lock;
	s->m->inject.hugetlb_move_skip_locks = s->skip_locks;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->a->mm->mmap_lock, sizeof(s->a->mm->mmap_lock), "a.mmap_lock");
	xp_name_range(x, &s->b->mm->mmap_lock, sizeof(s->b->mm->mmap_lock), "b.mmap_lock");
	/* host objects: named, so that messages do not depend on where malloc put them */
	xp_name_range(x, &s->a->fd[s->fd]->inode->i_mmap_rwsem,
		      sizeof(s->a->fd[s->fd]->inode->i_mmap_rwsem), "f.i_mmap_rwsem");
	xp_attach_machine(x, s->m);
	return s;
}

static void sr_teardown(struct xp_ctx *x, void *state)
{
	struct sr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void sr_cpu(struct xp_ctx *x, void *state)
{
	struct sr *s = state;

	if (xp_cpu(x) == 0)
		s->res[0] = sys_mremap(s->m, s->a, s->a_va, G1, G1,
				       MREMAP_MAYMOVE | MREMAP_FIXED, s->dst);
	else
		s->res[1] = user_access(s->m, s->b->mm, B_VA + M2, false);
}

static void sr_final(struct xp_ctx *x, void *state)
{
	struct sr *s = state;
	struct machine *m = s->m;
	struct hstate *h = hugetlb_default_hstate(m);
	unsigned long p1 = huge_page(m, s->b->mm, B_VA + M2), b_table;
	char err[512];

	if (global_zone_page_state(m, NR_FREE_PAGES) != s->buddy0) {
		xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
			"zone lock under the explorer: stock the pcp lists better in setup");
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "after the race: %s", err);
		return;
	}
	if (s->res[0] != (long)s->dst || s->res[1] != UA_OK) {
		xp_fail(x, "mremap returned %#lx, b's read %ld", s->res[0], s->res[1]);
		return;
	}
	if (p1 == PFN_NONE || page_content(m, p1) != s->tag1) {
		xp_fail(x, "b does not see what a wrote to page 1");
		return;
	}
	b_table = pmd_table(m, s->b->mm, B_VA);
	xp_sometimes_if(x, "b shared a's table before the move and kept P1",
			b_table == s->old_table &&
			huge_page(m, s->a->mm, s->dst + M2) == PFN_NONE);
	xp_sometimes_if(x, "b shared a's table after the move emptied it",
			b_table == s->old_table &&
			huge_page(m, s->a->mm, s->dst + M2) == p1);
	xp_sometimes_if(x, "b came after a's old range went", b_table != s->old_table);

	/* everything back: unmap both, truncate F */
	if (vm_munmap(m, s->a, s->dst, G1) || vm_munmap(m, s->b, B_VA, G1) ||
	    do_ftruncate(m, s->a, s->fd, 0)) {
		xp_fail(x, "the unmaps or the truncation failed");
		return;
	}
	if (h->free_huge_pages != h->nr_huge_pages || h->resv_huge_pages) {
		xp_fail(x, "after unmapping and truncating: HugePages_Free %lu of %lu, Rsvd %lu: "
			"a page or a reservation was lost", h->free_huge_pages, h->nr_huge_pages,
			h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after the unmaps: %s", err);
}

static const char *const windows[] = {
	"b shared a's table before the move and kept P1",
	"b shared a's table after the move emptied it",
	"b came after a's old range went", NULL,
};

static struct sr locked_st = { .a_va = G1, .dst = 2 * G1 + M2 };
static const struct xp_test t_locked = {
	.name = "hugetlb_mremap_race", .ncpus = 2, .setup = sr_setup, .teardown = sr_teardown,
	.final = sr_final, .arg = &locked_st, .cpu = { sr_cpu, sr_cpu }, .sometimes = windows,
};

static struct sr no_vma_lock_st = { .a_va = G1, .dst = 2 * G1 + M2, .skip_vma_lock = true };
static const struct xp_test t_no_vma_lock = {
	.name = "hugetlb_mremap_race_no_vma_lock", .ncpus = 2, .setup = sr_setup,
	.teardown = sr_teardown, .final = sr_final, .arg = &no_vma_lock_st,
	.cpu = { sr_cpu, sr_cpu }, .sometimes = windows,
};

static struct sr no_locks_st = { .a_va = G1 + M2, .dst = 3 * G1, .skip_locks = true };
static const struct xp_test t_no_locks = {
	.name = "hugetlb_mremap_race_no_locks", .ncpus = 2, .setup = sr_setup,
	.teardown = sr_teardown, .final = sr_final, .arg = &no_locks_st,
	.cpu = { sr_cpu, sr_cpu },
	.expect_failure = true,
	.expect_msg = "compound_mapcount",
};

/* 2 with the locks: 6.1.192 itself, which waits for itself in every schedule */
static struct sr deadlock_st = { .a_va = G1 + M2, .dst = 3 * G1 };
static const struct xp_test t_deadlock = {
	.name = "hugetlb_mremap_race_6_1_deadlock", .ncpus = 2, .setup = sr_setup,
	.teardown = sr_teardown, .final = sr_final, .arg = &deadlock_st,
	.cpu = { sr_cpu, sr_cpu },
	.expect_failure = true,
	.expect_msg = "deadlock",
};

/* A passing exploration must be exhaustive and see more than one schedule */
int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST_EXHAUSTIVE(t_locked),
		XP_UNIT_TEST_EXHAUSTIVE(t_no_vma_lock),
		XP_UNIT_TEST(t_no_locks),
		XP_UNIT_TEST(t_deadlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
