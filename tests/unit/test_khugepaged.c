// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_khugepaged.c - khugepaged and MADV_COLLAPSE (model/khugepaged.c):
 * collapse_pte_mapped_thp, one test per way it ends (seed 001's review:
 * pte_none skipped, a non-present PTE aborts, each present PTE must map
 * the right subpage of the same THP), the max_ptes_* limits, the scan
 * order over mms, the anonymous and tmpfs collapses and their counters,
 * retract_page_tables' anon_vma rule, the 6.6 variant, MADV_COLLAPSE's
 * errnos and the sysfs files.
 *
 * Every mapping is at a fixed, 2 MiB-aligned address A (or B), so the
 * pictures are exact.  In them, T is the THP in the page cache (T+i its
 * subpage i), "-" an empty PTE, "x" a PTE onto anything else.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "filemap.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "rcu.h"
#include "rmap.h"
#include "sbuf.h"
#include "task.h"

#define A	0x7fff00000000UL
#define B	0x7ffe00000000UL
#define PG	PAGE_SIZE
#define RW	(PROT_READ | PROT_WRITE)

static long node_stat(struct machine *m, int item)
{
	return m->node[0].vm_stat[item];
}

static long ctr(struct machine *m, const char *name)
{
	long v = -1;

	if (!counter_read(m, name, &v))
		fail_msg("no counter %s", name);
	return v;
}

/* One node of 256 MiB, two CPUs, THP enabled as asked */
static struct machine *machine(int thp_enabled)
{
	struct machine_opts o;

	t_opts(&o, 1, 256, 2);
	o.thp_enabled = thp_enabled;
	return t_boot(&o);
}

static struct task *proc(struct machine *m, const char *name)
{
	int err;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

static void touch(struct machine *m, struct task *t, uint64_t a, uint64_t len, bool write)
{
	for (uint64_t off = 0; off < len; off += PG)
		assert_int_equal(user_access(m, t->mm, a + off, write), UA_OK);
}

static pteval_t pmd_of(struct machine *m, struct task *t, uint64_t a)
{
	unsigned long table;
	unsigned int idx;

	if (!pmd_slot(m, t->mm, a, false, &table, &idx, NULL))
		return 0;
	return pt_read(m, table, idx);
}

/* The PTE table under a's PMD, or PFN_NONE */
static unsigned long pte_table_of(struct machine *m, struct task *t, uint64_t a)
{
	pteval_t pmd = pmd_of(m, t, a);

	return pte_present(pmd) && !pmd_leaf(pmd) ? pte_pfn(pmd) : PFN_NONE;
}

static pteval_t pte_at(struct machine *m, struct task *t, uint64_t a)
{
	unsigned long table = pte_table_of(m, t, a);

	assert_int_not_equal(table, PFN_NONE);
	return pt_read(m, table, (unsigned int)((a >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1)));
}

/* Test-only: write a PTE behind the model's back (the caller puts it back) */
static void set_pte(struct machine *m, struct task *t, uint64_t a, pteval_t e)
{
	unsigned long table = pte_table_of(m, t, a);

	assert_int_not_equal(table, PFN_NONE);
	pt_write(m, table, (unsigned int)((a >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1)), e);
}

/* collapse_pte_mapped_thp as 6.1's callers call it: under the mmap write lock */
static int cpmt(struct machine *m, struct task *t, uint64_t a, bool install)
{
	int r;

	down_write(m, &t->mm->mmap_lock);
	r = collapse_pte_mapped_thp(m, t->mm, a, install);
	up_write(m, &t->mm->mmap_lock);
	return r;
}

static long open_file(struct machine *m, struct task *t, const char *path, uint64_t size)
{
	long fd = do_sys_open(m, t, path, O_RDWR | O_CREAT);

	assert_true(fd >= 3);
	assert_int_equal(do_ftruncate(m, t, (int)fd, size), 0);
	return fd;
}

static void mount_tmpfs(struct machine *m, const char *opts)
{
	char err[128];

	assert_int_equal(shmem_mount(m, "/mnt", opts, err, sizeof(err)), 0);
}

/*
 * A tmpfs THP mapped by PTEs at a, as a uprobe leaves it (made the way
 * mprotect does): the file is mapped by PMD, an mprotect of one page
 * splits that PMD (a file PMD just goes) and the page faults in by PTE in
 * a VMA of its own, mprotect back merges the VMAs again, and reads of
 * [a, a + len) map the rest by PTE (fault-around).  Returns T.
 */
static unsigned long pte_mapped_thp(struct machine *m, struct task *t, long fd, uint64_t a,
				    int flags, uint64_t len)
{
	unsigned long head;

	assert_int_equal(ksys_mmap_pgoff(m, t, a, PMD_SIZE, RW, flags | MAP_FIXED, (int)fd, 0),
			 (long)a);
	touch(m, t, a, PG, false);
	assert_true(pmd_leaf(pmd_of(m, t, a)));
	head = pte_pfn(pmd_of(m, t, a));
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, PROT_READ), 0);
	touch(m, t, a + PG, PG, false);
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, RW), 0);
	/* merged again */
	assert_true(find_vma(t->mm, a)->vm_start <= a &&
		    find_vma(t->mm, a)->vm_end >= a + PMD_SIZE);
	touch(m, t, a, len, false);
	assert_int_not_equal(pte_table_of(m, t, a), PFN_NONE);
	return head;
}

/* -------------------------------------------------------------------------
 * collapse_pte_mapped_thp (6.1)
 */

/*
 *	PTEs at A:  | T+0 | T+1 | T+2 | ... | T+511 |
 *
 * Every PTE maps its subpage: the rmap, references and rss of the 512
 * PTEs go, the table is freed (NR_PAGETABLE and VmPTE down by one), and
 * the next fault maps T by PMD.
 */
static void test_cpmt_collapses(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd, tables;
	unsigned long head;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	head = pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], HPAGE_PMD_NR);
	assert_int_equal(page_ref_count(m, head), 2 * HPAGE_PMD_NR);
	assert_int_equal(page_mapcount(m, head + 5), 1);
	tables = node_stat(m, NR_PAGETABLE);
	t_check(m);
	assert_int_equal(cpmt(m, t, A, false), SCAN_SUCCEED);
	assert_int_equal(pmd_of(m, t, A), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables - 1);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 0);
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR);	/* the page cache's */
	assert_int_equal(page_mapcount(m, head + 5), 0);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 0);
	assert_false(PageLocked(m, head));
	assert_false(rwsem_is_locked(&find_vma(t->mm, A)->vm_file->i_mmap_rwsem));
	t_check(m);
	touch(m, t, A + 7 * PG, PG, false);
	assert_true(pmd_leaf(pmd_of(m, t, A)) && pte_pfn(pmd_of(m, t, A)) == head);
	/* the fast exit: mapped by PMD already */
	assert_int_equal(cpmt(m, t, A + 9 * PG, true), SCAN_PMD_MAPPED);
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.succeeded"), 1);
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.page_pmd_mapped"), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | T+0 | - | - | ... | T+16 | ... | - |
 *
 * Empty PTEs are skipped (pages not faulted in here): only the present
 * ones are counted off.  With install_pmd the THP is mapped by PMD at once.
 */
static void test_cpmt_skips_pte_none(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;
	unsigned long head;
	int present = 0;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	/* reads of the first 64 KiB only: fault-around maps 16 pages */
	head = pte_mapped_thp(m, t, fd, A, MAP_SHARED, 16 * PG);
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++)
		present += pte_at(m, t, A + i * PG) != 0;
	assert_true(present > 0 && present < (int)HPAGE_PMD_NR);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], present);
	assert_int_equal(cpmt(m, t, A, true), SCAN_SUCCEED);
	assert_true(pmd_leaf(pmd_of(m, t, A)) && pte_pfn(pmd_of(m, t, A)) == head);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], HPAGE_PMD_NR);
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR + 1);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), HPAGE_PMD_NR);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | T+0 | T+1 | swp | T+3 | ... | T+511 |
 *
 * A PTE that is not present (a swap or migration entry; written by the
 * test, swap is not modelled) aborts: the table cannot go while it holds
 * such an entry.
 */
static void test_cpmt_aborts_on_non_present(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	pteval_t saved;
	long fd, rss;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	rss = t->mm->rss_stat[MM_SHMEMPAGES];
	saved = pte_at(m, t, A + 2 * PG);
	set_pte(m, t, A + 2 * PG, 0x1234000ULL);	/* not present, not none */
	assert_int_equal(cpmt(m, t, A, false), SCAN_PTE_NON_PRESENT);
	assert_int_not_equal(pte_table_of(m, t, A), PFN_NONE);	/* the table stays */
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], rss);
	set_pte(m, t, A + 2 * PG, saved);
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.pte_non_present"), 1);
	t_check(m);
	/* with the entry back, it collapses */
	assert_int_equal(cpmt(m, t, A, false), SCAN_SUCCEED);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | T+0 | anon | T+2 | ... | T+511 |
 *
 * A private mapping whose page 1 was written: a COW copy replaced T+1.
 * The PTE maps a page that is not T's subpage 1: abort (SCAN_FAIL), as
 * for a uprobe's or a debugger's page.
 */
static void test_cpmt_aborts_on_cow_page(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;
	unsigned long head;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	head = pte_mapped_thp(m, t, fd, A, MAP_PRIVATE, PMD_SIZE);
	touch(m, t, A + PG, PG, true);			/* COW of T+1 */
	assert_true(PageAnon(m, pte_pfn(pte_at(m, t, A + PG))));
	assert_int_equal(cpmt(m, t, A, false), SCAN_FAIL);
	assert_int_not_equal(pte_table_of(m, t, A), PFN_NONE);
	assert_int_equal(page_mapcount(m, head + 2), 1);
	assert_false(PageLocked(m, head));
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | T+0 | T+2 | T+1 | T+3 | ... | T+511 |
 *
 * Every PTE maps a subpage of T, but two of them the wrong one (written
 * by the test): each present PTE must map T+i at offset i, so abort.
 */
static void test_cpmt_aborts_on_wrong_subpage(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	pteval_t e1, e2;
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	e1 = pte_at(m, t, A + PG);
	e2 = pte_at(m, t, A + 2 * PG);
	set_pte(m, t, A + PG, e2);
	set_pte(m, t, A + 2 * PG, e1);
	assert_int_equal(cpmt(m, t, A, false), SCAN_FAIL);
	assert_int_not_equal(pte_table_of(m, t, A), PFN_NONE);
	set_pte(m, t, A + PG, e1);
	set_pte(m, t, A + 2 * PG, e2);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | p0 | p1 | p2 | ... |      small pages of the cache
 *
 * The page at A's index is an order-0 page, not the head of a THP (the
 * file was never collapsed): SCAN_FAIL, nothing touched.
 */
static void test_cpmt_small_page(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=never");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	assert_int_equal(ksys_mmap_pgoff(m, t, A, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED, (int)fd,
					 0), (long)A);
	touch(m, t, A, PMD_SIZE, false);
	assert_int_equal(cpmt(m, t, A, false), SCAN_FAIL);
	assert_int_not_equal(pte_table_of(m, t, A), PFN_NONE);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | - | - | ... | - |      page cache: (nothing at index 0)
 *
 * No page in the page cache at A's index (the file was truncated and
 * extended again): SCAN_PAGE_NULL.
 */
static void test_cpmt_page_null(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 0), 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, PMD_SIZE), 0);
	assert_int_not_equal(pte_table_of(m, t, A), PFN_NONE);
	assert_int_equal(cpmt(m, t, A, false), SCAN_PAGE_NULL);
	t_check(m);
	machine_destroy(m);
}

/*
 *	A: anonymous memory / a file VMA of 1 MiB / MADV_NOHUGEPAGE
 *
 * The VMA must be a file mapping that covers the whole 2 MiB and may
 * have THPs (hugepage_vma_check without sysfs): else SCAN_VMA_CHECK,
 * before any lock is taken.
 */
static void test_cpmt_vma_check(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	/* nothing mapped */
	assert_int_equal(cpmt(m, t, A, false), SCAN_VMA_CHECK);
	/* anonymous (mapped by PTEs: no THP at fault time) */
	assert_int_equal(ksys_mmap_pgoff(m, t, B, PMD_SIZE, RW,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)B);
	thp_settings(m)->enabled = THP_NEVER;
	touch(m, t, B, PG, true);
	thp_settings(m)->enabled = THP_ALWAYS;
	assert_int_equal(cpmt(m, t, B, false), SCAN_VMA_CHECK);
	/* a file VMA short of 2 MiB */
	assert_int_equal(ksys_mmap_pgoff(m, t, A, PMD_SIZE / 2, RW, MAP_SHARED | MAP_FIXED,
					 (int)fd, 0), (long)A);
	touch(m, t, A, PG, false);
	assert_int_equal(cpmt(m, t, A, false), SCAN_VMA_CHECK);
	assert_int_equal(vm_munmap(m, t, A, PMD_SIZE / 2), 0);
	/* MADV_NOHUGEPAGE */
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	assert_int_equal(cpmt(m, t, A, false), SCAN_VMA_CHECK);
	/* shmem_enabled=deny */
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	thp_settings(m)->shmem_enabled = SHMEM_HUGE_DENY;
	assert_int_equal(cpmt(m, t, A, false), SCAN_VMA_CHECK);
	/* sysfs enabled=never is not enforced */
	thp_settings(m)->shmem_enabled = SHMEM_HUGE_NEVER;
	thp_settings(m)->enabled = THP_NEVER;
	assert_int_equal(cpmt(m, t, A, false), SCAN_SUCCEED);
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.vma_check_failed"), 5);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PMD at A: none (no PUD or PMD table either)
 *
 * The page cache has T, but this mm never touched the range: without a
 * PMD table there is nothing to do (SCAN_PMD_NULL); with an empty PMD,
 * install_pmd maps T by PMD straight away (the MADV_COLLAPSE path).
 */
static void test_cpmt_no_table(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p"), *q = proc(m, "q");
	long fd, fq;
	unsigned long head;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	fq = do_sys_open(m, q, "/mnt/f", O_RDWR);
	head = pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	assert_int_equal(ksys_mmap_pgoff(m, q, A, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED, (int)fq,
					 0), (long)A);
	assert_int_equal(cpmt(m, q, A, true), SCAN_PMD_NULL);
	/* a neighbour gives q a PMD table; A's PMD stays empty */
	assert_int_equal(ksys_mmap_pgoff(m, q, A + PMD_SIZE, PG, RW,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 (long)(A + PMD_SIZE));
	touch(m, q, A + PMD_SIZE, PG, true);
	assert_int_equal(pmd_of(m, q, A), 0);
	assert_int_equal(cpmt(m, q, A, true), SCAN_SUCCEED);
	assert_true(pmd_leaf(pmd_of(m, q, A)) && pte_pfn(pmd_of(m, q, A)) == head);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | T+0 | ... | T+511 |   in a private VMA that has an anon_vma
 *
 * A private mapping that COWed a page elsewhere has an anon_vma: the PTEs
 * at A still all map T, so the table goes, under the anon_vma lock.
 */
static void test_cpmt_with_anon_vma(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", 2 * PMD_SIZE);
	assert_int_equal(ksys_mmap_pgoff(m, t, A + PMD_SIZE, PMD_SIZE, RW,
					 MAP_PRIVATE | MAP_FIXED, (int)fd, PMD_SIZE),
			 (long)(A + PMD_SIZE));
	pte_mapped_thp(m, t, fd, A, MAP_PRIVATE, PMD_SIZE);
	touch(m, t, A + PMD_SIZE, PG, true);		/* a COW in the second 2 MiB */
	assert_non_null(find_vma(t->mm, A)->anon_vma);
	assert_int_equal(cpmt(m, t, A, false), SCAN_SUCCEED);
	assert_int_equal(pmd_of(m, t, A), 0);
	assert_false(rwsem_is_locked(&find_vma(t->mm, A)->anon_vma->root->rwsem));
	t_check(m);
	machine_destroy(m);
}

/* 6.1 wants the mmap write lock: a caller with the read lock is a BUG */
static void test_cpmt_needs_write_lock(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(collapse_pte_mapped_thp(m, t->mm, A, false), SCAN_FAIL);
	up_read(m, &t->mm->mmap_lock);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "mmap write lock"));
	machine_destroy(m);
}

/*
 * 6.6: the read lock is enough; the table is freed after a grace period,
 * so until then it is still a PageTable page counted in NR_PAGETABLE.
 */
static void test_cpmt_66_defers_the_table(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	unsigned long table;
	long fd, tables;

	(void)state;
	khugepaged_settings(m)->variant = KHUGEPAGED_6_6;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	table = pte_table_of(m, t, A);
	tables = node_stat(m, NR_PAGETABLE);
	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(collapse_pte_mapped_thp(m, t->mm, A, false), SCAN_SUCCEED);
	up_read(m, &t->mm->mmap_lock);
	assert_int_equal(pmd_of(m, t, A), 0);
	assert_true(rcu_table_deferred(m, table) && PageTable(m, table));
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables);
	assert_int_equal(ctr(m, "khugepaged.rcu_deferred_tables"), 1);
	/* the 6.6 pass clears the PTEs as it goes: the freed table is empty */
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		assert_int_equal(pt_read(m, table, i), 0);
	t_check(m);
	rcu_barrier_tables(m);
	assert_false(PageTable(m, table));
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables - 1);
	assert_int_equal(rcu_deferred_tables(m), 0);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * The per-mm array of pte-mapped THPs (6.1)
 */

/* Eight addresses fit, the ninth is dropped; the scan collapses them all */
static void test_pte_mapped_thp_array(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *t = proc(m, "p");
	uint64_t got[MAX_PTE_MAPPED_THP];
	long fd;

	(void)state;
	mount_tmpfs(m, "huge=always");
	fd = open_file(m, t, "/mnt/f", PMD_SIZE);
	pte_mapped_thp(m, t, fd, A, MAP_SHARED, PMD_SIZE);
	/* the huge=always mapping registered t; a process without one has no slot */
	assert_int_equal(khugepaged_mm_slot_pos(m, t->mm), 0);
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, proc(m, "q")->mm, NULL), -1);
	assert_false(khugepaged_add_pte_mapped_thp(m, find_task_by_name(m, "q", 1)->mm, A));
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, t->mm, NULL), 0);
	assert_true(khugepaged_add_pte_mapped_thp(m, t->mm, A));
	for (int i = 1; i < MAX_PTE_MAPPED_THP; i++)
		assert_true(khugepaged_add_pte_mapped_thp(m, t->mm, A + i * PMD_SIZE));
	assert_false(khugepaged_add_pte_mapped_thp(m, t->mm, A + 9 * PMD_SIZE));
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, t->mm, got), MAX_PTE_MAPPED_THP);
	assert_int_equal(got[0], A);
	assert_int_equal(ctr(m, "khugepaged.pte_mapped_thp"), MAX_PTE_MAPPED_THP);
	assert_int_equal(ctr(m, "khugepaged.pte_mapped_thp_dropped"), 2);
	khugepaged_do_scan(m);
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, t->mm, NULL), 0);
	assert_int_equal(pmd_of(m, t, A), 0);
	/* the other seven name nothing mapped */
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.succeeded"), 1);
	assert_int_equal(ctr(m, "khugepaged.collapse_pte_mapped_thp.vma_check_failed"), 7);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Anonymous collapse and the max_ptes_* limits
 */

/* A process with an anonymous 2 MiB at A written page by page (no THP) */
static struct task *anon_process(struct machine *m, const char *name, uint64_t a,
				 unsigned int pages)
{
	struct task *t = proc(m, name);

	assert_int_equal(ksys_mmap_pgoff(m, t, a, PMD_SIZE, RW,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)a);
	touch(m, t, a, pages * PG, true);
	assert_false(pmd_leaf(pmd_of(m, t, a)));
	return t;
}

/* hpage_collapse_scan_pmd as khugepaged runs it */
static int scan_pmd(struct machine *m, struct task *t, uint64_t a)
{
	struct collapse_control cc = { .is_khugepaged = true };
	bool locked = true;
	int r;

	down_read(m, &t->mm->mmap_lock);
	r = hpage_collapse_scan_pmd(m, t->mm, find_vma(t->mm, a), a, &locked, &cc);
	if (locked)
		up_read(m, &t->mm->mmap_lock);
	return r;
}

/*
 *	PTEs at A:  | p0 | p1 | ... | p99 | - | ... | - |      412 empty
 *
 * With max_ptes_none 411 the 412 empty PTEs are one too many; with 412
 * the range collapses.  The new THP holds each page's content (the tags),
 * zeroes where PTEs were empty; rss counts the whole THP; the old PTE
 * table becomes the huge PMD's deposited table (NR_PAGETABLE unchanged).
 */
static void test_anon_collapse_max_ptes_none(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *t = anon_process(m, "p", A, 100);
	unsigned long table = pte_table_of(m, t, A), head;
	uint64_t tags[100];
	long tables = node_stat(m, NR_PAGETABLE), vmpte = t->mm->pgtables_bytes;

	(void)state;
	for (unsigned int i = 0; i < 100; i++)
		tags[i] = page_content(m, pte_pfn(pte_at(m, t, A + i * PG)));
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	khugepaged_settings(m)->max_ptes_none = 411;
	assert_int_equal(scan_pmd(m, t, A), SCAN_EXCEED_NONE_PTE);
	assert_int_equal(m->vm_events[THP_SCAN_EXCEED_NONE_PTE], 1);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	khugepaged_settings(m)->max_ptes_none = 412;
	assert_int_equal(scan_pmd(m, t, A), SCAN_SUCCEED);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	head = pte_pfn(pmd_of(m, t, A));
	for (unsigned int i = 0; i < 100; i++)
		assert_int_equal(page_content(m, head + i), tags[i]);
	assert_int_equal(page_content(m, head + 100), 0);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_ANON_THPS), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables);
	assert_int_equal(t->mm->pgtables_bytes, vmpte);
	assert_int_equal(m->vm_events[THP_COLLAPSE_ALLOC], 1);
	assert_int_equal(ctr(m, "proc.p.AnonHugePages"), 2048);
	assert_true(PageAnonExclusive(m, head));
	/* the old table is the deposit: a split gets it back */
	split_huge_pmd_address(m, find_vma(t->mm, A), A);
	assert_int_equal(pte_table_of(m, t, A), table);
	t_check(m);
	do_exit(m, t, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *	parent PTEs at A:  | p0 (own) | p1 (shared) | ... | p511 (shared) |
 *
 * After fork 511 pages are mapped by both processes: more than
 * max_ptes_shared (256) shared PTEs stop khugepaged; 511 let it copy them.
 */
static void test_anon_collapse_max_ptes_shared(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *t = anon_process(m, "p", A, HPAGE_PMD_NR), *c;
	unsigned long shared;
	int err;

	(void)state;
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	c = do_fork(m, t, "c", &err);
	assert_non_null(c);
	touch(m, t, A, PG, true);		/* one writable PTE of the parent's own */
	shared = pte_pfn(pte_at(m, t, A + PG));
	assert_int_equal(page_mapcount(m, shared), 2);
	assert_int_equal(scan_pmd(m, t, A), SCAN_EXCEED_SHARED_PTE);
	assert_int_equal(m->vm_events[THP_SCAN_EXCEED_SHARED_PTE], 1);
	khugepaged_settings(m)->max_ptes_shared = 511;
	assert_int_equal(scan_pmd(m, t, A), SCAN_SUCCEED);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	/* the child keeps the old pages, mapped once now */
	assert_int_equal(page_mapcount(m, shared), 1);
	assert_int_equal(pte_pfn(pte_at(m, c, A + PG)), shared);
	t_check(m);
	machine_destroy(m);
}

/*
 *	PTEs at A:  | p0 | swp | p2 | ... | p511 |
 *
 * A swap entry (written by the test) counts against max_ptes_swap: with
 * 0 the scan stops there; with 1 it gets past the entry, and the swap-in
 * (not modelled) gives up.
 */
static void test_anon_collapse_max_ptes_swap(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *t = anon_process(m, "p", A, HPAGE_PMD_NR);
	pteval_t saved = pte_at(m, t, A + PG);

	(void)state;
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	set_pte(m, t, A + PG, 0x5678000ULL);
	khugepaged_settings(m)->max_ptes_swap = 0;
	assert_int_equal(scan_pmd(m, t, A), SCAN_EXCEED_SWAP_PTE);
	assert_int_equal(m->vm_events[THP_SCAN_EXCEED_SWAP_PTE], 1);
	khugepaged_settings(m)->max_ptes_swap = 1;
	assert_int_equal(scan_pmd(m, t, A), SCAN_FAIL);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_int_equal(m->vm_events[THP_COLLAPSE_ALLOC], 1);	/* allocated, then put back */
	set_pte(m, t, A + PG, saved);
	t_check(m);
	assert_int_equal(scan_pmd(m, t, A), SCAN_SUCCEED);
	t_check(m);
	machine_destroy(m);
}

/* Read-only or never-touched PTEs: nothing to gain (SCAN_PAGE_RO) */
static void test_anon_collapse_read_only(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *t = anon_process(m, "p", A, 4);

	(void)state;
	assert_int_equal(do_mprotect_pkey(m, t, A, PMD_SIZE, PROT_READ), 0);
	assert_int_equal(scan_pmd(m, t, A), SCAN_PAGE_RO);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * The scan
 */

/*
 *	mm_slots:  p -> q -> r (r registered last)
 *	p: A [2 MiB 4 KiB pages]   q: A [2 MiB]   r: A [2 MiB]
 *
 * With pages_to_scan 512 each wake-up gets one 2 MiB range: p first, then
 * q, then r; an exited mm leaves the list; after the last one a full scan
 * is counted and the next wake-up starts over with the first mm.
 */
static void test_scan_order(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *p = anon_process(m, "p", A, HPAGE_PMD_NR);
	struct task *q = anon_process(m, "q", A, HPAGE_PMD_NR);
	struct task *r = anon_process(m, "r", A, HPAGE_PMD_NR);
	struct task *x = anon_process(m, "x", A, 1);

	(void)state;
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	assert_int_equal(do_madvise(m, x, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	assert_int_equal(do_madvise(m, q, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	assert_int_equal(do_madvise(m, r, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	assert_int_equal(khugepaged_mm_slot_pos(m, p->mm), 0);
	assert_int_equal(khugepaged_mm_slot_pos(m, x->mm), 1);
	assert_int_equal(khugepaged_mm_slot_pos(m, q->mm), 2);
	assert_int_equal(khugepaged_mm_slot_pos(m, r->mm), 3);
	do_exit(m, x, 0);
	assert_int_equal(khugepaged_mm_slot_pos(m, q->mm), 1);
	assert_int_equal(ctr(m, "khugepaged.mm_slots"), 3);
	khugepaged_settings(m)->pages_to_scan = HPAGE_PMD_NR;
	khugepaged_do_scan(m);
	assert_true(pmd_leaf(pmd_of(m, p, A)));
	assert_false(pmd_leaf(pmd_of(m, q, A)) || pmd_leaf(pmd_of(m, r, A)));
	khugepaged_do_scan(m);
	assert_true(pmd_leaf(pmd_of(m, q, A)));
	assert_false(pmd_leaf(pmd_of(m, r, A)));
	assert_int_equal(ctr(m, "khugepaged.full_scans"), 0);
	khugepaged_do_scan(m);
	assert_true(pmd_leaf(pmd_of(m, r, A)));
	assert_int_equal(ctr(m, "khugepaged.pages_collapsed"), 3);
	/* r's rest and the end of the list, then p again from its start */
	khugepaged_do_scan(m);
	assert_int_equal(ctr(m, "khugepaged.full_scans"), 1);
	assert_int_equal(ctr(m, "khugepaged.wakeups"), 4);
	assert_int_equal(ctr(m, "khugepaged.scan.page_pmd_mapped"), 1);
	assert_true(ctr(m, "khugepaged.pages_scanned") >= 4 * (long)HPAGE_PMD_NR);
	/* p is the cursor now: its slot stays until the scan moves on */
	do_exit(m, p, 0);
	assert_int_equal(ctr(m, "khugepaged.mm_slots"), 3);
	assert_int_equal(khugepaged_mm_slot_pos(m, q->mm), 1);
	khugepaged_do_scan(m);
	assert_int_equal(khugepaged_mm_slot_pos(m, q->mm), 0);
	assert_int_equal(ctr(m, "khugepaged.mm_slots"), 2);
	t_check(m);
	machine_destroy(m);
}

/* An mm that exits while it is the scan's cursor: its slot goes on the next scan */
static void test_scan_cursor_exit(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *p = anon_process(m, "p", A, HPAGE_PMD_NR);

	(void)state;
	assert_int_equal(ksys_mmap_pgoff(m, p, B, PMD_SIZE, RW,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)B);
	touch(m, p, B, PMD_SIZE, true);
	assert_int_equal(do_madvise(m, p, B, PMD_SIZE, MADV_HUGEPAGE), 0);
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	khugepaged_settings(m)->pages_to_scan = HPAGE_PMD_NR;
	khugepaged_do_scan(m);		/* collapses B; p stays the cursor */
	assert_int_equal(ctr(m, "khugepaged.pages_collapsed"), 1);
	do_exit(m, p, 0);
	assert_int_equal(ctr(m, "khugepaged.mm_slots"), 1);	/* the cursor's, mm gone */
	khugepaged_do_scan(m);
	assert_int_equal(ctr(m, "khugepaged.mm_slots"), 0);
	assert_int_equal(ctr(m, "khugepaged.full_scans"), 1);
	t_check(m);
	machine_destroy(m);
}

/* fork registers the child of a registered parent, at the end of the list */
static void test_fork_registers(void **state)
{
	struct machine *m = machine(THP_MADVISE);
	struct task *p = anon_process(m, "p", A, 8), *c;
	int err;

	(void)state;
	c = do_fork(m, p, "c", &err);
	assert_int_equal(khugepaged_mm_slot_pos(m, c->mm), -1);
	do_exit(m, c, 0);
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	c = do_fork(m, p, "c2", &err);
	assert_int_equal(khugepaged_mm_slot_pos(m, c->mm), 1);
	assert_true(c->mm->flags & (1UL << MMF_VM_HUGEPAGE));
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * tmpfs collapse and retract_page_tables
 */

/* Small pages of /mnt/f in the page cache: written through a shared mapping */
static long small_file(struct machine *m, struct task *w, uint64_t size, uint64_t written)
{
	long fd;

	mount_tmpfs(m, "huge=advise");
	fd = open_file(m, w, "/mnt/f", size);
	assert_int_equal(ksys_mmap_pgoff(m, w, B, size, RW, MAP_SHARED | MAP_FIXED, (int)fd, 0),
			 (long)B);
	touch(m, w, B, written, true);
	assert_int_equal(vm_munmap(m, w, B, size), 0);
	return fd;
}

/*
 *	page cache: | p0 | p1 | ... | p299 | - | ... | - |
 *	p's PTEs:   | p0 | ... | p299 | - ... |        (shared, read)
 *	q's PTEs:   | p0 | ... | p15 | - ... |         (shared, read)
 *
 * khugepaged (on p) replaces the pages by one THP holding their contents
 * and zeroes for the holes, unmaps them, and retracts both PTE tables:
 * NR_PAGETABLE down by two, the next faults map the THP by PMD.
 */
static void test_shmem_collapse(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *w = proc(m, "w"), *p, *q;
	struct inode *inode;
	uint64_t tags[300];
	unsigned long head;
	long fd, tables, files, shmem;

	(void)state;
	fd = small_file(m, w, PMD_SIZE, 300 * PG);
	inode = w->fd[fd]->inode;
	for (unsigned int i = 0; i < 300; i++)
		tags[i] = page_content(m, page_cache_lookup(m, inode, i));
	files = node_stat(m, NR_FILE_PAGES);
	shmem = node_stat(m, NR_SHMEM);
	p = proc(m, "p");
	q = proc(m, "q");
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, p, "/mnt/f", O_RDONLY), 0), (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, q, A, PMD_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, q, "/mnt/f", O_RDONLY), 0), (long)A);
	touch(m, p, A, 300 * PG, false);
	touch(m, q, A, 16 * PG, false);
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	/* 6.1: MADV_HUGEPAGE on a huge=advise mapping does not register the mm */
	assert_int_equal(khugepaged_mm_slot_pos(m, p->mm), -1);
	__khugepaged_enter(m, p->mm);
	tables = node_stat(m, NR_PAGETABLE);
	khugepaged_do_scan(m);
	assert_int_equal(ctr(m, "khugepaged.pages_collapsed"), 1);
	head = page_cache_lookup(m, inode, 0);
	assert_true(PageHead(m, head));
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++)
		assert_int_equal(page_cache_lookup(m, inode, i), head + i);
	for (unsigned int i = 0; i < 300; i++)
		assert_int_equal(page_content(m, head + i), tags[i]);
	assert_int_equal(page_content(m, head + 300), 0);
	assert_int_equal(inode->nrpages, HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_FILE_PAGES), files + 212);
	assert_int_equal(node_stat(m, NR_SHMEM), shmem + 212);
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR);
	assert_false(PageLocked(m, head));
	assert_int_equal(pmd_of(m, p, A), 0);
	assert_int_equal(pmd_of(m, q, A), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables - 2);
	assert_int_equal(ctr(m, "khugepaged.tables_retracted"), 2);
	assert_int_equal(p->mm->rss_stat[MM_SHMEMPAGES], 0);
	assert_int_equal(m->vm_events[THP_COLLAPSE_ALLOC], 1);
	t_check(m);
	touch(m, q, A + 5 * PG, PG, false);
	assert_true(pmd_leaf(pmd_of(m, q, A)) && pte_pfn(pmd_of(m, q, A)) == head);
	assert_int_equal(ctr(m, "proc.q.ShmemPmdMapped"), 2048);
	t_check(m);
	machine_destroy(m);
}

/*
 *	p: shared mapping, PTEs | p0 | p1 | ... |
 *	q: private mapping with an anon_vma, PTEs | anon | p1 | ... |
 *
 * retract_page_tables skips a VMA with an anon_vma (its COW copies live
 * in the table): q keeps its table and its anon page; p's goes.
 */
static void test_retract_skips_anon_vma(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *w = proc(m, "w"), *p, *q;
	unsigned long anon;
	long fd;

	(void)state;
	fd = small_file(m, w, PMD_SIZE, 64 * PG);
	(void)fd;
	p = proc(m, "p");
	q = proc(m, "q");
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, p, "/mnt/f", O_RDWR), 0), (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, q, A, PMD_SIZE, RW, MAP_PRIVATE | MAP_FIXED,
					 (int)do_sys_open(m, q, "/mnt/f", O_RDWR), 0), (long)A);
	touch(m, p, A, 64 * PG, false);
	touch(m, q, A, 64 * PG, false);
	touch(m, q, A, PG, true);			/* a COW: q's VMA gets an anon_vma */
	anon = pte_pfn(pte_at(m, q, A));
	assert_true(PageAnon(m, anon));
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_HUGEPAGE), 0);
	__khugepaged_enter(m, p->mm);
	khugepaged_do_scan(m);
	assert_int_equal(ctr(m, "khugepaged.pages_collapsed"), 1);
	assert_int_equal(pmd_of(m, p, A), 0);
	assert_int_not_equal(pte_table_of(m, q, A), PFN_NONE);
	assert_int_equal(pte_pfn(pte_at(m, q, A)), anon);
	assert_int_equal(pte_at(m, q, A + PG), 0);	/* the file pages were unmapped */
	assert_int_equal(ctr(m, "khugepaged.retract.page_not_anon"), 1);
	assert_int_equal(ctr(m, "khugepaged.retract.succeeded"), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 * MADV_COLLAPSE of p's range under 6.1: p's table goes and its PMD maps
 * the THP at once; q's mapping is not MADV_COLLAPSE's business, so its
 * address goes into q's pte-mapped THP array for khugepaged.
 */
static void test_madvise_collapse_file_defers_others(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *w = proc(m, "w"), *p, *q;
	unsigned long head;
	uint64_t got[MAX_PTE_MAPPED_THP];

	(void)state;
	small_file(m, w, PMD_SIZE, 32 * PG);
	p = proc(m, "p");
	q = proc(m, "q");
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, p, "/mnt/f", O_RDWR), 0), (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, q, B, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, q, "/mnt/f", O_RDWR), 0), (long)B);
	touch(m, p, A, 32 * PG, false);
	touch(m, q, B, 32 * PG, false);
	__khugepaged_enter(m, q->mm);
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_COLLAPSE), 0);
	head = page_cache_lookup(m, find_vma(p->mm, A)->vm_file, 0);
	assert_true(pmd_leaf(pmd_of(m, p, A)) && pte_pfn(pmd_of(m, p, A)) == head);
	assert_int_not_equal(pte_table_of(m, q, B), PFN_NONE);
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, q->mm, got), 1);
	assert_int_equal(got[0], B);
	t_check(m);
	khugepaged_do_scan(m);		/* collapse_pte_mapped_thps of q */
	assert_int_equal(pmd_of(m, q, B), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * The same under 6.6: the retraction takes every mm's table (no mmap
 * lock needed), and MADV_COLLAPSE maps its own range by PMD.
 */
static void test_madvise_collapse_file_66(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct task *w = proc(m, "w"), *p, *q;

	(void)state;
	khugepaged_settings(m)->variant = KHUGEPAGED_6_6;
	small_file(m, w, PMD_SIZE, 32 * PG);
	p = proc(m, "p");
	q = proc(m, "q");
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, p, "/mnt/f", O_RDWR), 0), (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, q, B, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)do_sys_open(m, q, "/mnt/f", O_RDWR), 0), (long)B);
	touch(m, p, A, 32 * PG, false);
	touch(m, q, B, 32 * PG, false);
	assert_int_equal(do_madvise(m, p, A, PMD_SIZE, MADV_COLLAPSE), 0);
	assert_true(pmd_leaf(pmd_of(m, p, A)));
	assert_int_equal(pmd_of(m, q, B), 0);
	assert_int_equal(rcu_deferred_tables(m), 2);
	assert_int_equal(ctr(m, "khugepaged.madvise_collapse.pte_mapped_hugepage"), 1);
	t_check(m);
	rcu_barrier_tables(m);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * MADV_COLLAPSE
 */

/* Synchronous, sysfs enabled=never ignored, errnos as 6.1's madvise_collapse_errno */
static void test_madvise_collapse_anon(void **state)
{
	struct machine *m = machine(THP_NEVER);
	struct task *t = anon_process(m, "p", A, 10);
	unsigned long pfn;

	(void)state;
	/* a range with no aligned 2 MiB in it */
	assert_int_equal(do_madvise(m, t, A + PG, 2 * PG, MADV_COLLAPSE), -EINVAL);
	/* a page locked by someone else: try again */
	pfn = pte_pfn(pte_at(m, t, A + 3 * PG));
	assert_true(trylock_page(m, pfn));
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_COLLAPSE), -EAGAIN);
	unlock_page(m, pfn);
	assert_int_equal(ctr(m, "khugepaged.madvise_collapse.page_locked"), 1);
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_COLLAPSE), 0);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_COLLAPSE), 0);	/* PMD-mapped */
	/* a hole in the range: ENOMEM after the rest */
	assert_int_equal(do_madvise(m, t, A - PMD_SIZE, 2 * PMD_SIZE, MADV_COLLAPSE), -ENOMEM);
	/* MADV_NOHUGEPAGE */
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_COLLAPSE), -EINVAL);
	t_check(m);
	machine_destroy(m);
}

/*
 * No order-9 block to be had (every one is taken by unmovable
 * allocations): ENOMEM, counted in thp_collapse_alloc_failed.
 */
static void test_madvise_collapse_enomem(void **state)
{
	struct machine *m = machine(THP_NEVER);
	struct task *t = anon_process(m, "p", A, 10);

	(void)state;
	while (alloc_pages_node(m, 0, GFP_KERNEL, HPAGE_PMD_ORDER) != PFN_NONE)
		;
	assert_int_equal(do_madvise(m, t, A, PMD_SIZE, MADV_COLLAPSE), -ENOMEM);
	assert_int_equal(m->vm_events[THP_COLLAPSE_ALLOC_FAILED], 1);
	assert_int_equal(ctr(m, "khugepaged.madvise_collapse.alloc_huge_page_failed"), 1);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * sysfs
 */

static void test_sysfs(void **state)
{
	struct machine *m = machine(THP_ALWAYS);
	struct sbuf sb;
	char err[256];
	const char *dir = "/sys/kernel/mm/transparent_hugepage/khugepaged/";
	static const struct { const char *file, *val; } defaults[] = {
		{ "defrag", "1\n" }, { "max_ptes_none", "511\n" }, { "max_ptes_swap", "64\n" },
		{ "max_ptes_shared", "256\n" }, { "pages_to_scan", "4096\n" },
		{ "pages_collapsed", "0\n" }, { "full_scans", "0\n" },
		{ "scan_sleep_millisecs", "10000\n" }, { "alloc_sleep_millisecs", "60000\n" },
	};
	static const struct { const char *file, *val; int err; } writes[] = {
		{ "max_ptes_none", "512", -EINVAL }, { "max_ptes_none", "0", 0 },
		{ "max_ptes_swap", "511", 0 }, { "max_ptes_shared", "-1", -EINVAL },
		{ "pages_to_scan", "0", -EINVAL }, { "pages_to_scan", "4294967296", -EINVAL },
		{ "pages_to_scan", "+8\n", 0 }, { "pages_to_scan", "0x10", -EINVAL },
		{ "defrag", "2", -EINVAL }, { "defrag", "0", 0 },
		{ "defrag", "99999999999999999999", -ERANGE },
		{ "scan_sleep_millisecs", "0", 0 }, { "alloc_sleep_millisecs", "x", -EINVAL },
		{ "pages_collapsed", "1", -EACCES }, { "full_scans", "1", -EACCES },
	};
	char path[256];

	(void)state;
	sb_init(&sb);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, defaults[i].file);
		sb_reset(&sb);
		assert_true(mm_show_file(m, path, &sb));
		assert_string_equal(sb.buf, defaults[i].val);
	}
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, writes[i].file);
		assert_int_equal(mm_store_file(m, path, writes[i].val, err, sizeof(err)),
				 writes[i].err);
	}
	assert_int_equal(khugepaged_settings(m)->max_ptes_none, 0);
	assert_int_equal(khugepaged_settings(m)->max_ptes_swap, 511);
	assert_int_equal(khugepaged_settings(m)->pages_to_scan, 8);
	assert_false(khugepaged_settings(m)->defrag);
	assert_int_equal(khugepaged_settings(m)->scan_sleep_millisecs, 0);
	sb_free(&sb);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpmt_collapses),
		cmocka_unit_test(test_cpmt_skips_pte_none),
		cmocka_unit_test(test_cpmt_aborts_on_non_present),
		cmocka_unit_test(test_cpmt_aborts_on_cow_page),
		cmocka_unit_test(test_cpmt_aborts_on_wrong_subpage),
		cmocka_unit_test(test_cpmt_small_page),
		cmocka_unit_test(test_cpmt_page_null),
		cmocka_unit_test(test_cpmt_vma_check),
		cmocka_unit_test(test_cpmt_no_table),
		cmocka_unit_test(test_cpmt_with_anon_vma),
		cmocka_unit_test(test_cpmt_needs_write_lock),
		cmocka_unit_test(test_cpmt_66_defers_the_table),
		cmocka_unit_test(test_pte_mapped_thp_array),
		cmocka_unit_test(test_anon_collapse_max_ptes_none),
		cmocka_unit_test(test_anon_collapse_max_ptes_shared),
		cmocka_unit_test(test_anon_collapse_max_ptes_swap),
		cmocka_unit_test(test_anon_collapse_read_only),
		cmocka_unit_test(test_scan_order),
		cmocka_unit_test(test_scan_cursor_exit),
		cmocka_unit_test(test_fork_registers),
		cmocka_unit_test(test_shmem_collapse),
		cmocka_unit_test(test_retract_skips_anon_vma),
		cmocka_unit_test(test_madvise_collapse_file_defers_others),
		cmocka_unit_test(test_madvise_collapse_file_66),
		cmocka_unit_test(test_madvise_collapse_anon),
		cmocka_unit_test(test_madvise_collapse_enomem),
		cmocka_unit_test(test_sysfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
