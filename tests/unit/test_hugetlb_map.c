// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_map.c - hugetlb mappings through the model's API: MAP_HUGETLB
 * and hugetlbfs files, reservations taken at mmap and given back at
 * munmap (hugetlb_reserve_pages, hugetlb_vm_op_close), splits, faults
 * consuming reservations, fork and COW with 6.1's rule that the owner's
 * reservation wins, subpools, surplus pages, truncation, fallocate and
 * hole punching, 1 GiB pages.
 *
 * Each expectation is the 6.1 rule stated beside it (mm/hugetlb.c,
 * fs/hugetlbfs/inode.c), not what the model happens to do; every test
 * runs the invariant checker, which recomputes resv_huge_pages from the
 * reservations it can see.
 *
 * Machine: one node of 512 MiB, two CPUs; pools are set per test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "filemap.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "task.h"

#define M2	(2UL << 20)
#define G1	(1UL << 30)
#define RW	(PROT_READ | PROT_WRITE)
#define HUGE_PRIV	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB)
#define HUGE_SHARED	(MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB)

struct counts {
	unsigned long total, free, resv, surp;
};

static struct counts counts(struct machine *m)
{
	struct hstate *h = hugetlb_default_hstate(m);

	return (struct counts){ h->nr_huge_pages, h->free_huge_pages, h->resv_huge_pages,
				h->surplus_huge_pages };
}

#define assert_counts(m, t, f, r, s)						\
	do {									\
		struct counts c_ = counts(m);					\
										\
		if (c_.total != (t) || c_.free != (f) || c_.resv != (r) || c_.surp != (s)) \
			fail_msg("HugePages Total/Free/Rsvd/Surp %lu/%lu/%lu/%lu, want "	\
				 "%lu/%lu/%lu/%lu", c_.total, c_.free, c_.resv, c_.surp,	\
				 (unsigned long)(t), (unsigned long)(f), (unsigned long)(r),	\
				 (unsigned long)(s));					\
		t_check(m);							\
	} while (0)

static struct machine *htlb_machine(void **state, unsigned long pool, unsigned long overcommit)
{
	struct machine *m = t_machine(1, 512, 2);

	*state = m;
	hugetlb_set_max_huge_pages(m, hugetlb_default_hstate(m), pool, NUMA_NO_NODE);
	hugetlb_default_hstate(m)->nr_overcommit_huge_pages = overcommit;
	return m;
}

static int destroy_machine(void **state)
{
	machine_destroy(*state);
	*state = NULL;
	return 0;
}

static struct task *proc(struct machine *m, const char *name)
{
	int err;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

static struct task *fork_of(struct machine *m, struct task *parent, const char *name)
{
	int err;
	struct task *t = do_fork(m, parent, name, &err);

	assert_non_null(t);
	return t;
}

static long map(struct machine *m, struct task *t, uint64_t len, long flags)
{
	return ksys_mmap_pgoff(m, t, 0, len, RW, flags, -1, 0);
}

static enum user_access touch(struct machine *m, struct task *t, uint64_t addr, bool write)
{
	return user_access(m, t->mm, addr, write);
}

/* The huge entry mapping addr (0 if none) */
static pteval_t huge_entry(struct machine *m, struct task *t, uint64_t addr, enum pt_level *lvl)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, t->mm, addr, &level, NULL, NULL);

	if (lvl)
		*lvl = level;
	return level != PT_PTE ? e : 0;
}

/* ---- mmap, touch, munmap ----------------------------------------------------- */

/*
 * A private MAP_HUGETLB mapping reserves its whole length at mmap
 * (hugetlb_reserve_pages: chg = to - from); a write fault consumes one
 * reservation (dequeue_huge_page_vma: resv--, free--); munmap gives back
 * what was not consumed (hugetlb_vm_op_close: reserve = len - region_count)
 * and frees the page (free_huge_page: back on the free list, no surplus).
 */
static void test_private_map_touch_unmap(void **state)
{
	struct machine *m = htlb_machine(state, 3, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, 2 * M2, HUGE_PRIV);
	enum pt_level level;

	assert_true(a > 0);
	assert_int_equal(a & (M2 - 1), 0);		/* hugetlb_get_unmapped_area aligns */
	assert_counts(m, 3, 3, 2, 0);
	assert_int_equal(touch(m, p, (uint64_t)a + 4096, true), UA_OK);
	assert_counts(m, 3, 2, 1, 0);
	assert_true(pte_write(huge_entry(m, p, (uint64_t)a, &level)));
	assert_int_equal(level, PT_PMD);
	assert_int_equal(p->mm->hugetlb_usage, 512);	/* HugetlbPages 2048 kB */
	assert_int_equal(p->mm->rss_stat[MM_ANONPAGES], 0);	/* not in rss */
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, 2 * M2), 0);
	assert_counts(m, 3, 3, 0, 0);
	assert_int_equal(p->mm->hugetlb_usage, 0);
}

/*
 * A read fault of a private mapping also takes a page (no zero page for
 * hugetlb) and maps it read-only; the write after reuses it (hugetlb_wp:
 * an anonymous page mapped once is ours).
 */
static void test_private_read_then_write(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, M2, HUGE_PRIV);
	pteval_t e;

	assert_int_equal(touch(m, p, (uint64_t)a, false), UA_OK);
	assert_counts(m, 1, 0, 0, 0);
	e = huge_entry(m, p, (uint64_t)a, NULL);
	assert_false(pte_write(e));
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_int_equal(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)), pte_pfn(e));
	assert_counts(m, 1, 0, 0, 0);
}

/*
 * Shared anonymous hugetlb memory: its file's map records the reservation
 * ("reserved or present"); the page goes into the file's page cache; munmap
 * leaves it there until the file goes with the mapping (fput, evict:
 * remove_inode_hugepages frees it, hugetlb_unreserve_pages gives back
 * the region less the pages freed: 0).
 */
static void test_shared_anon(void **state)
{
	struct machine *m = htlb_machine(state, 2, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, 2 * M2, HUGE_SHARED);

	assert_counts(m, 2, 2, 2, 0);
	assert_int_equal(touch(m, p, (uint64_t)a + M2, true), UA_OK);
	assert_counts(m, 2, 1, 1, 0);
	assert_true(pte_write(huge_entry(m, p, (uint64_t)a + M2, NULL)));
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, 2 * M2), 0);
	assert_counts(m, 2, 2, 0, 0);
}

/* ---- errors ----------------------------------------------------------------------- */

/*
 * Pool too small: hugetlb_acct_memory cannot gather the pages (no
 * overcommit) so hugetlbfs_file_mmap fails with -ENOMEM; MAP_NORESERVE
 * maps without reserving and the fault finds no page: SIGBUS
 * (alloc_huge_page -ENOSPC, vmf_error).  Sizes that are no hstate and
 * unaligned MAP_FIXED addresses are -EINVAL.
 */
static void test_errors(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p");
	long a;

	assert_int_equal(map(m, p, 2 * M2, HUGE_PRIV), -ENOMEM);
	assert_int_equal(map(m, p, 2 * M2, HUGE_SHARED), -ENOMEM);
	assert_counts(m, 1, 1, 0, 0);
	a = map(m, p, 2 * M2, HUGE_PRIV | MAP_NORESERVE);
	assert_true(a > 0);
	assert_counts(m, 1, 1, 0, 0);
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);	/* the free page */
	assert_int_equal(touch(m, p, (uint64_t)a + M2, true), UA_SIGBUS);
	assert_counts(m, 1, 0, 0, 0);
	/* MAP_HUGE_ bits naming a size the machine has not: hstate_sizelog NULL */
	assert_int_equal(map(m, p, M2, HUGE_PRIV | (16 << MAP_HUGE_SHIFT)), -EINVAL);
	/* MAP_FIXED at an address that is not 2 MiB aligned: prepare_hugepage_range */
	assert_int_equal(ksys_mmap_pgoff(m, p, 0x40001000, M2, RW, HUGE_PRIV | MAP_FIXED, -1, 0),
			 -EINVAL);
	/* length is rounded up to the huge page size: 4 KiB maps 2 MiB */
	a = map(m, p, 4096, HUGE_PRIV | MAP_NORESERVE);
	assert_true(a > 0);
	assert_non_null(find_vma(p->mm, (uint64_t)a));
	assert_int_equal(find_vma(p->mm, (uint64_t)a)->vm_end - (uint64_t)a, M2);
	t_check(m);
}

/*
 * Splits: munmap or mprotect inside a hugetlb VMA must split at a huge
 * page boundary (hugetlb_vm_op_split: -EINVAL).  An aligned munmap of half
 * a private mapping gives back that half's reservations (the new VMA was
 * opened: it shares the map and is an owner too; close counts its range).
 */
static void test_split(void **state)
{
	struct machine *m = htlb_machine(state, 4, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, 4 * M2, HUGE_PRIV);

	assert_counts(m, 4, 4, 4, 0);
	assert_int_equal(vm_munmap(m, p, (uint64_t)a + 4096, 4096), -EINVAL);
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, M2 + 4096), -EINVAL);
	assert_int_equal(do_mprotect_pkey(m, p, (uint64_t)a, 4096, PROT_READ), -EINVAL);
	assert_int_equal(p->mm->nr_vmas, 1);
	assert_int_equal(touch(m, p, (uint64_t)a + 3 * M2, true), UA_OK);
	assert_counts(m, 4, 3, 3, 0);
	/* unmap the upper half: one consumed page (freed), one reservation back */
	assert_int_equal(vm_munmap(m, p, (uint64_t)a + 2 * M2, 2 * M2), 0);
	assert_counts(m, 4, 4, 2, 0);
	/* mprotect of an aligned part splits; both halves keep their reservations */
	assert_int_equal(do_mprotect_pkey(m, p, (uint64_t)a, M2, PROT_READ), 0);
	assert_int_equal(p->mm->nr_vmas, 2);
	assert_counts(m, 4, 4, 2, 0);
	do_exit(m, p, 0);
	assert_counts(m, 4, 4, 0, 0);
}

/*
 * MADV_DONTNEED: the start must be huge page aligned, the end is rounded
 * down (madvise_dontneed_free_valid_vma).  The page goes; a private
 * mapping's map still says consumed, so the refault needs a page beyond
 * the reservations (6.1 does not restore it on zap).
 */
static void test_madv_dontneed(void **state)
{
	struct machine *m = htlb_machine(state, 2, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, M2, HUGE_PRIV);

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_counts(m, 2, 1, 0, 0);
	assert_int_equal(do_madvise(m, p, (uint64_t)a + 4096, M2 - 4096, MADV_DONTNEED), -EINVAL);
	assert_int_equal(do_madvise(m, p, (uint64_t)a, M2 - 4096, MADV_DONTNEED), 0);
	assert_counts(m, 2, 1, 0, 0);				/* rounded down to nothing */
	assert_int_equal(do_madvise(m, p, (uint64_t)a, M2, MADV_DONTNEED), 0);
	assert_counts(m, 2, 2, 0, 0);
	assert_int_equal(huge_entry(m, p, (uint64_t)a, NULL), 0);
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_counts(m, 2, 1, 0, 0);
}

/* ---- fork and COW ------------------------------------------------------------------ */

/*
 * After fork both map the page read-only.  The child has no reservation
 * (hugetlb_dup_vma_private): its write needs a free page beyond the
 * reserved ones, and with none it gets SIGBUS; the parent's page is
 * untouched.
 */
static void test_fork_child_cow_sigbus(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p"), *c;
	long a = map(m, p, M2, HUGE_PRIV);

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	c = fork_of(m, p, "c");
	assert_false(pte_write(huge_entry(m, p, (uint64_t)a, NULL)));
	assert_int_equal(c->mm->hugetlb_usage, 512);
	assert_counts(m, 1, 0, 0, 0);
	assert_int_equal(touch(m, c, (uint64_t)a, true), UA_SIGBUS);
	do_exit(m, c, 0);
	assert_counts(m, 1, 0, 0, 0);
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);	/* mapped once: reuse */
	assert_counts(m, 1, 0, 0, 0);
}

/*
 * The owner writes first with the pool empty: its copy outside the
 * reservation fails, so unmap_ref_private takes the page from the child
 * (HPAGE_RESV_UNMAPPED) and the owner reuses it; the child's next fault
 * there is SIGBUS.
 */
static void test_fork_owner_cow_unmaps_child(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p"), *c;
	long a = map(m, p, M2, HUGE_PRIV);
	unsigned long page;

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	page = pte_pfn(huge_entry(m, p, (uint64_t)a, NULL));
	c = fork_of(m, p, "c");
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_int_equal(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)), page);
	assert_int_equal(huge_entry(m, c, (uint64_t)a, NULL), 0);
	assert_int_equal(c->mm->hugetlb_usage, 0);
	assert_counts(m, 1, 0, 0, 0);
	assert_int_equal(touch(m, c, (uint64_t)a, false), UA_SIGBUS);
}

/*
 * With a free page beyond the reservation, the child's write copies
 * (the copy is the child's own anonymous page); the parent keeps the
 * original and its reservation for the rest of its range.
 */
static void test_fork_child_cow_copies(void **state)
{
	struct machine *m = htlb_machine(state, 3, 0);
	struct task *p = proc(m, "p"), *c;
	long a = map(m, p, 2 * M2, HUGE_PRIV);

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_counts(m, 3, 2, 1, 0);
	c = fork_of(m, p, "c");
	assert_int_equal(touch(m, c, (uint64_t)a, true), UA_OK);
	assert_counts(m, 3, 1, 1, 0);	/* available = free - resv = 1: the child took it */
	assert_true(pte_pfn(huge_entry(m, c, (uint64_t)a, NULL)) !=
		    pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)));
	do_exit(m, c, 0);
	assert_counts(m, 3, 2, 1, 0);
	do_exit(m, p, 0);
	assert_counts(m, 3, 3, 0, 0);
}

/*
 * Shared mappings stay shared across fork: both map the file's page,
 * writable.  6.1's fork copies no entry of a VMA without an anon_vma
 * (vma_needs_copy): the child maps the page at its first touch.
 */
static void test_fork_shared(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p"), *c;
	long a = map(m, p, M2, HUGE_SHARED);

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	c = fork_of(m, p, "c");
	assert_int_equal(huge_entry(m, c, (uint64_t)a, NULL), 0);
	assert_int_equal(touch(m, c, (uint64_t)a, true), UA_OK);
	assert_true(pte_write(huge_entry(m, c, (uint64_t)a, NULL)));
	assert_int_equal(pte_pfn(huge_entry(m, c, (uint64_t)a, NULL)),
			 pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)));
	assert_counts(m, 1, 0, 0, 0);
	do_exit(m, p, 0);
	assert_counts(m, 1, 0, 0, 0);	/* the child still maps it */
	do_exit(m, c, 0);
	assert_counts(m, 1, 1, 0, 0);
}

/* ---- surplus pages ------------------------------------------------------------------- */

/*
 * With nr_overcommit_hugepages, a reservation beyond the pool allocates
 * surplus pages at mmap (gather_surplus_pages); unmapping without touching
 * frees them again (return_unused_surplus_pages).  A NORESERVE fault may
 * also take a surplus page, which goes back to the buddy when freed
 * (free_huge_page: surplus on its node).
 */
static void test_surplus(void **state)
{
	struct machine *m = htlb_machine(state, 1, 2);
	struct task *p = proc(m, "p");
	long a = map(m, p, 3 * M2, HUGE_SHARED), b;

	assert_true(a > 0);
	assert_counts(m, 3, 3, 3, 2);
	assert_int_equal(map(m, p, M2, HUGE_PRIV), -ENOMEM);	/* overcommit exhausted */
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, 3 * M2), 0);
	assert_counts(m, 1, 1, 0, 0);
	b = map(m, p, 2 * M2, HUGE_PRIV | MAP_NORESERVE);
	assert_int_equal(touch(m, p, (uint64_t)b, true), UA_OK);
	assert_int_equal(touch(m, p, (uint64_t)b + M2, true), UA_OK);
	assert_counts(m, 2, 0, 0, 1);
	assert_int_equal(vm_munmap(m, p, (uint64_t)b, 2 * M2), 0);
	assert_counts(m, 1, 1, 0, 0);
}

/* ---- hugetlbfs ----------------------------------------------------------------------- */

static int hfile(struct machine *m, struct task *t, const char *path)
{
	long fd = do_sys_open(m, t, path, O_RDWR | O_CREAT);

	assert_true(fd >= 0);
	return (int)fd;
}

/*
 * A mount with min_size reserves it at mount time (hugepage_new_subpool:
 * hugetlb_acct_memory(min)); mappings use that reservation first
 * (hugepage_subpool_get_pages returns what the global pool still must
 * reserve); size= caps what the mount's files may reserve and allocate.
 */
static void test_subpool(void **state)
{
	struct machine *m = htlb_machine(state, 4, 0);
	struct task *p = proc(m, "p");
	char err[128];
	long a;
	int fd;

	assert_int_equal(hugetlbfs_mount(m, "/huge", "size=6M,min_size=4M", err, sizeof(err)), 0);
	assert_counts(m, 4, 4, 2, 0);
	fd = hfile(m, p, "/huge/f");
	a = ksys_mmap_pgoff(m, p, 0, 2 * M2, RW, MAP_SHARED, fd, 0);
	assert_true(a > 0);
	assert_counts(m, 4, 4, 2, 0);	/* both from the minimum */
	assert_int_equal(ksys_mmap_pgoff(m, p, 0, 2 * M2, RW, MAP_SHARED, fd, 2 * M2), -ENOMEM);
	a = ksys_mmap_pgoff(m, p, 0, M2, RW, MAP_SHARED, fd, 2 * M2);
	assert_true(a > 0);		/* the third: within size, one more global */
	assert_counts(m, 4, 4, 3, 0);
	assert_int_equal(ksys_close(m, p, fd), 0);
	assert_int_equal(do_unlink(m, "/huge/f"), 0);
	do_exit(m, p, 0);
	/* the file goes: its 3 reservations back, 2 stay for the minimum */
	assert_counts(m, 4, 4, 2, 0);
	assert_int_equal(hugetlbfs_mount(m, "/huge2", "min_size=10M", err, sizeof(err)), -ENOMEM);
	assert_int_equal(hugetlbfs_mount(m, "/huge3", "size=2M,min_size=4M", err, sizeof(err)),
			 -EINVAL);
	assert_counts(m, 4, 4, 2, 0);
}

/*
 * fallocate allocates into the page cache using the file's reservations;
 * a hole punch frees pages and their reservations; truncation frees
 * everything past the new size and must be huge page aligned.
 */
static void test_fallocate_punch_truncate(void **state)
{
	struct machine *m = htlb_machine(state, 4, 0);
	struct task *p = proc(m, "p");
	char err[128];
	int fd;

	assert_int_equal(hugetlbfs_mount(m, "/huge", "", err, sizeof(err)), 0);
	fd = hfile(m, p, "/huge/f");
	assert_int_equal(ksys_fallocate(m, p, fd, 0, 0, 3 * M2), 0);
	assert_int_equal(p->fd[fd]->inode->i_size, 3 * M2);
	assert_counts(m, 4, 1, 0, 0);
	assert_int_equal(ksys_fallocate(m, p, fd, FALLOC_FL_PUNCH_HOLE, M2, M2), -EOPNOTSUPP);
	assert_int_equal(ksys_fallocate(m, p, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					M2, M2), 0);
	assert_counts(m, 4, 2, 0, 0);
	assert_int_equal(p->fd[fd]->inode->i_size, 3 * M2);	/* KEEP_SIZE */
	assert_int_equal(do_ftruncate(m, p, fd, M2 + 4096), -EINVAL);
	assert_int_equal(do_ftruncate(m, p, fd, M2), 0);
	assert_counts(m, 4, 3, 0, 0);
	/* beyond the pool: -ENOSPC, what was allocated stays, the size does not move */
	assert_int_equal(ksys_fallocate(m, p, fd, 0, 0, 5 * M2), -ENOSPC);
	assert_int_equal(p->fd[fd]->inode->i_size, M2);
	assert_counts(m, 4, 0, 0, 0);
	assert_int_equal(ksys_fallocate(m, p, fd, 0, -1, M2), -EINVAL);
	assert_int_equal(ksys_fallocate(m, p, 42, 0, 0, M2), -EBADF);
	assert_int_equal(ksys_close(m, p, fd), 0);
	assert_int_equal(do_unlink(m, "/huge/f"), 0);
	assert_counts(m, 4, 4, 0, 0);
}

/*
 * A shared mapping of a file reserves the pages the file lacks; a second
 * mapping of the same range reserves nothing more (region_chg 0); the
 * file keeps the reservation after the mappings go (only truncation or
 * the file's end gives it back).
 */
static void test_file_shared_reservations(void **state)
{
	struct machine *m = htlb_machine(state, 3, 0);
	struct task *p = proc(m, "p");
	char err[128];
	long a, b;
	int fd;

	assert_int_equal(hugetlbfs_mount(m, "/huge", "", err, sizeof(err)), 0);
	fd = hfile(m, p, "/huge/f");
	a = ksys_mmap_pgoff(m, p, 0, 2 * M2, RW, MAP_SHARED, fd, 0);
	assert_counts(m, 3, 3, 2, 0);
	assert_int_equal(p->fd[fd]->inode->i_size, 2 * M2);	/* writable: the file grows */
	b = ksys_mmap_pgoff(m, p, 0, 2 * M2, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(b > 0);
	assert_counts(m, 3, 3, 2, 0);
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_int_equal(touch(m, p, (uint64_t)b, false), UA_OK);	/* the same page */
	assert_int_equal(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)),
			 pte_pfn(huge_entry(m, p, (uint64_t)b, NULL)));
	assert_counts(m, 3, 2, 1, 0);
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, 2 * M2), 0);
	assert_int_equal(vm_munmap(m, p, (uint64_t)b, 2 * M2), 0);
	assert_counts(m, 3, 2, 1, 0);
	assert_int_equal(do_ftruncate(m, p, fd, 0), 0);
	assert_counts(m, 3, 3, 0, 0);
}

/* ---- 1 GiB pages ----------------------------------------------------------------------- */

static void test_gigantic(void **state)
{
	struct machine *m = t_machine(1, 3072, 1);
	struct hstate *h1g = hugetlb_size_to_hstate(m, G1);
	struct task *p;
	enum pt_level level;
	long a;

	*state = m;
	hugetlb_set_max_huge_pages(m, h1g, 1, NUMA_NO_NODE);
	assert_int_equal(h1g->nr_huge_pages, 1);
	p = proc(m, "p");
	a = ksys_mmap_pgoff(m, p, 0, G1, RW, HUGE_PRIV | MAP_HUGE_1GB, -1, 0);
	assert_true(a > 0);
	assert_int_equal(a & (G1 - 1), 0);
	assert_int_equal(h1g->resv_huge_pages, 1);
	assert_int_equal(touch(m, p, (uint64_t)a + 12345 * 4096UL, true), UA_OK);
	assert_true(pte_present(huge_entry(m, p, (uint64_t)a, &level)));
	assert_int_equal(level, PT_PUD);
	assert_int_equal(p->mm->hugetlb_usage, 1L << 18);
	assert_int_equal(h1g->free_huge_pages, 0);
	t_check(m);
	/* a 2 MiB split of a 1 GiB VMA is refused */
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, M2), -EINVAL);
	assert_int_equal(vm_munmap(m, p, (uint64_t)a, G1), 0);
	assert_int_equal(h1g->free_huge_pages, 1);
	assert_int_equal(h1g->resv_huge_pages, 0);
	t_check(m);
}

/* ---- subpool arithmetic ---------------------------------------------------------------- */

/*
 * hugepage_subpool_get_pages / put_pages with size=4 pages, min_size=2:
 * the minimum is reserved at creation (rsv_hpages 2, resv_huge_pages 2);
 * a get takes from rsv_hpages first and returns what the global pool must
 * still reserve; past max_hpages it is -ENOMEM; a put that leaves the
 * subpool below its minimum keeps the pages as rsv_hpages (up to min) and
 * returns only what goes beyond.
 */
static void test_subpool_arithmetic(void **state)
{
	struct machine *m = htlb_machine(state, 4, 0);
	struct hstate *h = hugetlb_default_hstate(m);
	struct hugepage_subpool *sp = hugepage_new_subpool(m, h, 4, 2);

	assert_non_null(sp);
	assert_int_equal(sp->rsv_hpages, 2);
	assert_int_equal(h->resv_huge_pages, 2);
	assert_int_equal(hugepage_subpool_get_pages(m, sp, 1), 0);	/* from the minimum */
	assert_int_equal(sp->rsv_hpages, 1);
	assert_int_equal(hugepage_subpool_get_pages(m, sp, 2), 1);	/* 1 covered, 1 global */
	assert_int_equal(sp->rsv_hpages, 0);
	assert_int_equal(sp->used_hpages, 3);
	assert_int_equal(hugepage_subpool_get_pages(m, sp, 2), -ENOMEM);	/* 5 > max 4 */
	assert_int_equal(sp->used_hpages, 3);
	assert_int_equal(hugepage_subpool_put_pages(m, sp, 1), 1);	/* used 2: not below min */
	assert_int_equal(hugepage_subpool_put_pages(m, sp, 2), 0);	/* used 0 < 2: kept */
	assert_int_equal(sp->rsv_hpages, 2);
	assert_int_equal(sp->used_hpages, 0);
	/* NULL (no size= or min_size=): everything is the global pool's */
	assert_int_equal(hugepage_subpool_get_pages(m, NULL, 3), 3);
	assert_int_equal(hugepage_subpool_put_pages(m, NULL, 3), 3);
	/* a subpool whose minimum the pool cannot hold is not made */
	assert_null(hugepage_new_subpool(m, h, -1, 3));
	assert_int_equal(h->resv_huge_pages, 2);
	hugepage_put_subpool(m, sp);	/* unused and unheld: released with its minimum */
	assert_int_equal(h->resv_huge_pages, 0);
	assert_false(m->fail.failed);
}

/* ---- populate, mprotect, truncation of privately mapped files ------------------------ */

/* MAP_POPULATE faults every huge page in at mmap (one fault each) */
static void test_populate(void **state)
{
	struct machine *m = htlb_machine(state, 3, 0);
	struct task *p = proc(m, "p");
	unsigned long faults = m->vm_events[PGFAULT];
	long a = map(m, p, 3 * M2, HUGE_PRIV | MAP_POPULATE);

	assert_true(a > 0);
	assert_int_equal(m->vm_events[PGFAULT] - faults, 3);
	assert_counts(m, 3, 0, 0, 0);
	assert_true(pte_write(huge_entry(m, p, (uint64_t)a + 2 * M2, NULL)));
}

/*
 * mprotect: PROT_NONE takes access away (SIGSEGV from the VMA); back to
 * read-write a private entry stays read-only (huge_pte_modify takes RW
 * from vm_page_prot, which a private mapping never has) until the write
 * fault, which reuses the page (hugetlb_wp).
 */
static void test_mprotect(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct task *p = proc(m, "p");
	long a = map(m, p, M2, HUGE_PRIV);
	unsigned long page;

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	page = pte_pfn(huge_entry(m, p, (uint64_t)a, NULL));
	assert_int_equal(do_mprotect_pkey(m, p, (uint64_t)a, M2, PROT_NONE), 0);
	t_check(m);
	assert_int_equal(touch(m, p, (uint64_t)a, false), UA_SIGSEGV_ACCERR);
	assert_int_equal(do_mprotect_pkey(m, p, (uint64_t)a, M2, RW), 0);
	assert_false(pte_write(huge_entry(m, p, (uint64_t)a, NULL)));
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_int_equal(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)), page);
	assert_counts(m, 1, 0, 0, 0);
}

/*
 * A private mapping of a hugetlbfs file: a read maps the file's page
 * read-only; a write copies it into an anonymous page, using the owner's
 * reservation (the page is the file's: hugetlb_wp's outside_reserve is 0).
 * Truncating the file unmaps its range from every mapping, the private
 * copy included (hugetlb_vmdelete_list), as 6.1 does.
 */
static void test_private_file_cow_and_truncate(void **state)
{
	struct machine *m = htlb_machine(state, 3, 0);
	struct task *p = proc(m, "p");
	char err[128];
	long a;
	int fd;

	assert_int_equal(hugetlbfs_mount(m, "/huge", "", err, sizeof(err)), 0);
	fd = hfile(m, p, "/huge/f");
	assert_int_equal(ksys_fallocate(m, p, fd, 0, 0, M2), 0);
	assert_counts(m, 3, 2, 0, 0);
	a = ksys_mmap_pgoff(m, p, 0, M2, RW, MAP_PRIVATE, fd, 0);
	assert_counts(m, 3, 2, 1, 0);	/* a private mapping reserves its whole range */
	assert_int_equal(touch(m, p, (uint64_t)a, false), UA_OK);
	assert_int_equal(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)),
			 page_cache_lookup(m, p->fd[fd]->inode, 0));
	assert_counts(m, 3, 2, 1, 0);	/* the file's page: nothing allocated */
	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	assert_true(pte_pfn(huge_entry(m, p, (uint64_t)a, NULL)) !=
		    page_cache_lookup(m, p->fd[fd]->inode, 0));
	assert_counts(m, 3, 1, 0, 0);	/* the copy used the reservation */
	assert_int_equal(do_ftruncate(m, p, fd, 0), 0);
	assert_int_equal(huge_entry(m, p, (uint64_t)a, NULL), 0);
	assert_counts(m, 3, 3, 0, 0);
	/* the refault finds no page in the file and the file ends at 0: SIGBUS */
	assert_int_equal(touch(m, p, (uint64_t)a, false), UA_SIGBUS);
}

/* ---- counters that would wrap ------------------------------------------------------------ */

/*
 * Giving back a reservation nobody holds (what a double uncharge does)
 * would take resv_huge_pages below zero: the model reports the step and
 * keeps the counter at 0 instead of wrapping it.
 */
static void test_underflow_is_reported(void **state)
{
	struct machine *m = htlb_machine(state, 1, 0);
	struct hstate *h = hugetlb_default_hstate(m);

	assert_int_equal(hugetlb_acct_memory(m, h, -1), 0);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "resv_huge_pages of hugepages-2048kB would go below "
				       "zero (0 - 1)"));
	assert_int_equal(h->resv_huge_pages, 0);
}

/*
 * The checker recomputes resv_huge_pages from the reservations held: a
 * count one off (a lost or double uncharge) is a broken invariant, as is
 * a mapping count that disagrees with the page tables.
 */
static void test_checker_sees_wrong_counts(void **state)
{
	struct machine *m = htlb_machine(state, 2, 0);
	struct hstate *h = hugetlb_default_hstate(m);
	struct task *p = proc(m, "p");
	long a = map(m, p, 2 * M2, HUGE_PRIV);
	char err[512];

	assert_int_equal(touch(m, p, (uint64_t)a, true), UA_OK);
	t_check(m);
	h->resv_huge_pages++;
	assert_false(mm_check_invariants(m, err, sizeof(err)));
	assert_non_null(strstr(err, "resv_huge_pages is 2 but the reservations held add up to 1"));
	assert_non_null(strstr(err, "private mappings 1"));
	h->resv_huge_pages--;
	t_check(m);
	p->mm->hugetlb_usage += 512;
	assert_false(mm_check_invariants(m, err, sizeof(err)));
	assert_non_null(strstr(err, "hugetlb_usage is 1024"));
	p->mm->hugetlb_usage -= 512;
	h->free_huge_pages_node[0]++;
	assert_false(mm_check_invariants(m, err, sizeof(err)));
	assert_non_null(strstr(err, "free pages listed"));
	h->free_huge_pages_node[0]--;
	t_check(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_private_map_touch_unmap, destroy_machine),
		cmocka_unit_test_teardown(test_private_read_then_write, destroy_machine),
		cmocka_unit_test_teardown(test_shared_anon, destroy_machine),
		cmocka_unit_test_teardown(test_errors, destroy_machine),
		cmocka_unit_test_teardown(test_split, destroy_machine),
		cmocka_unit_test_teardown(test_madv_dontneed, destroy_machine),
		cmocka_unit_test_teardown(test_fork_child_cow_sigbus, destroy_machine),
		cmocka_unit_test_teardown(test_fork_owner_cow_unmaps_child, destroy_machine),
		cmocka_unit_test_teardown(test_fork_child_cow_copies, destroy_machine),
		cmocka_unit_test_teardown(test_fork_shared, destroy_machine),
		cmocka_unit_test_teardown(test_surplus, destroy_machine),
		cmocka_unit_test_teardown(test_subpool, destroy_machine),
		cmocka_unit_test_teardown(test_fallocate_punch_truncate, destroy_machine),
		cmocka_unit_test_teardown(test_file_shared_reservations, destroy_machine),
		cmocka_unit_test_teardown(test_gigantic, destroy_machine),
		cmocka_unit_test_teardown(test_subpool_arithmetic, destroy_machine),
		cmocka_unit_test_teardown(test_populate, destroy_machine),
		cmocka_unit_test_teardown(test_mprotect, destroy_machine),
		cmocka_unit_test_teardown(test_private_file_cow_and_truncate, destroy_machine),
		cmocka_unit_test_teardown(test_underflow_is_reported, destroy_machine),
		cmocka_unit_test_teardown(test_checker_sees_wrong_counts, destroy_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
