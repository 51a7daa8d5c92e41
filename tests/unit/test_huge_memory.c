// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_huge_memory.c - transparent huge pages in user mappings
 * (model/huge_memory.c, the THP half of rmap.c and filemap.c): the 6.1
 * rules for anonymous THP faults, the huge zero page, COW after fork,
 * split_huge_pmd, split_huge_page and tmpfs THPs mapped by PMD.
 *
 * Every test maps at a fixed, 2 MiB-aligned address A (MAP_FIXED), so
 * the pictures are exact:
 *
 *	A               A+2M            A+4M
 *	|   one THP     |   one THP     |
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "module.h"
#include "filemap.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "rmap.h"
#include "task.h"

#define A	0x7fff00000000UL
#define RW	(PROT_READ | PROT_WRITE)

static long node_stat(struct machine *m, int item)
{
	return m->node[0].vm_stat[item];
}

static struct task *proc(struct machine *m, const char *name)
{
	int err;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

static void map_anon(struct machine *m, struct task *t, uint64_t len)
{
	assert_int_equal(ksys_mmap_pgoff(m, t, A, len, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
					 -1, 0), (long)A);
}

static void touch(struct machine *m, struct task *t, uint64_t a, uint64_t len, bool write)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		assert_int_equal(user_access(m, t->mm, a + off, write), UA_OK);
}

static pteval_t pmd_of(struct machine *m, struct task *t, uint64_t a)
{
	unsigned long table;
	unsigned int idx;

	assert_true(pmd_slot(m, t->mm, a, false, &table, &idx, NULL));
	return pt_read(m, table, idx);
}

/* A write to an empty, covered 2 MiB maps one THP by PMD, with a deposited table */
static void test_anon_thp_fault(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	long tables = node_stat(m, NR_PAGETABLE);
	unsigned long head;

	(void)state;
	map_anon(m, t, 2 * PMD_SIZE);
	touch(m, t, A, PAGE_SIZE, true);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	head = pte_pfn(pmd_of(m, t, A));
	assert_int_equal(compound_order(m, head), HPAGE_PMD_ORDER);
	assert_int_equal(compound_mapcount(m, head), 1);
	assert_int_equal(page_mapcount(m, head + 7), 1);
	assert_int_equal(page_ref_count(m, head), 1);
	assert_int_equal(node_stat(m, NR_ANON_THPS), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), HPAGE_PMD_NR);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], HPAGE_PMD_NR);
	/* PMD table + the deposit: PUD is not in NR_PAGETABLE */
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables + 2);
	assert_int_equal(t->mm->pgtables_bytes, 3 * PAGE_SIZE);
	assert_int_equal(m->vm_events[THP_FAULT_ALLOC], 1);
	t_check(m);
	touch(m, t, A, PMD_SIZE, true);		/* every subpage gets data */
	assert_int_not_equal(page_content(m, head + 7), 0);
	do_exit(m, t, 0);
	/* the freed THP's subpages hold nothing any more */
	assert_int_equal(page_content(m, head + 7), 0);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables);
	t_check(m);
	machine_destroy(m);
}

/* A read maps the huge zero page; a write there splits and copies 4 KiB (no THP) */
static void test_huge_zero_page(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	pteval_t pmd;

	(void)state;
	map_anon(m, t, PMD_SIZE);
	touch(m, t, A, PAGE_SIZE, false);
	pmd = pmd_of(m, t, A);
	assert_true(pmd_leaf(pmd) && is_huge_zero_pmd(m, pmd));
	assert_int_equal(m->vm_events[THP_ZERO_PAGE_ALLOC], 1);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 0);
	/* a child copies the zero PMD and holds the zero page itself (MMF_INIT_MASK) */
	{
		int err;
		struct task *c = do_fork(m, t, "c", &err);

		assert_non_null(c);
		assert_int_equal(thp_settings(m)->huge_zero_users, 2);
		do_exit(m, c, 0);
	}
	touch(m, t, A + PAGE_SIZE, PAGE_SIZE, true);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 1);
	assert_int_equal(m->vm_events[THP_FAULT_ALLOC], 0);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * fork shares the THP (compound_mapcount 2); the child's write splits the
 * child's PMD only and copies one 4 KiB page; the parent keeps its PMD.
 * 6.1's PageDoubleMap then gives each untouched subpage mapcount 2.
 */
static void test_cow_after_fork_splits_the_writer(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *p = proc(m, "p"), *c;
	unsigned long head;
	int err;

	(void)state;
	map_anon(m, p, PMD_SIZE);
	touch(m, p, A, PAGE_SIZE, true);
	head = pte_pfn(pmd_of(m, p, A));
	c = do_fork(m, p, "c", &err);
	assert_non_null(c);
	assert_int_equal(compound_mapcount(m, head), 2);
	assert_int_equal(page_ref_count(m, head), 2);
	assert_false(pte_write(pmd_of(m, p, A)));
	touch(m, c, A + 5 * PAGE_SIZE, PAGE_SIZE, true);
	assert_true(pmd_leaf(pmd_of(m, p, A)));
	assert_false(pmd_leaf(pmd_of(m, c, A)));
	assert_true(PageDoubleMap(m, head));
	assert_int_equal(compound_mapcount(m, head), 1);
	assert_int_equal(page_mapcount(m, head + 4), 2);
	assert_int_equal(page_mapcount(m, head + 5), 1);	/* the child has a copy */
	assert_int_equal(node_stat(m, NR_ANON_THPS), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), HPAGE_PMD_NR + 1);
	t_check(m);
	/* the parent goes: the child's PTEs keep 511 subpages, one is unmapped */
	do_exit(m, p, 0);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), HPAGE_PMD_NR);
	assert_int_equal(m->vm_events[THP_DEFERRED_SPLIT_PAGE], 1);
	t_check(m);
	do_exit(m, c, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	t_check(m);
	machine_destroy(m);
}

/* split_huge_page: 512 pages, each mapped by its PTE, refcounts per mapping */
static void test_split_huge_page_anon(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long head;

	(void)state;
	map_anon(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE, true);
	head = pte_pfn(pmd_of(m, t, A));
	get_page(m, head);
	assert_int_equal(split_huge_page(m, head), 0);
	put_page(m, head);
	assert_false(PageCompound(m, head + 3));
	assert_int_equal(page_ref_count(m, head + 3), 1);
	assert_int_equal(page_mapcount(m, head + 3), 1);
	assert_true(PageAnon(m, head + 3));
	assert_int_equal(page_index(m, head + 3), (A >> PAGE_SHIFT) + 3);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), HPAGE_PMD_NR);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 1);
	t_check(m);
	do_exit(m, t, 0);
	t_check(m);
	machine_destroy(m);
}

/* can_split_folio: a reference beyond the mappings and the caller's (a pin) refuses */
static void test_split_refused_with_a_pin(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long head;

	(void)state;
	map_anon(m, t, PMD_SIZE);
	touch(m, t, A, PAGE_SIZE, true);
	head = pte_pfn(pmd_of(m, t, A));
	get_page(m, head);		/* the caller's */
	get_page(m, head);		/* a GUP pin */
	assert_int_equal(split_huge_page(m, head), -EAGAIN);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE_FAILED], 1);
	assert_true(PageHead(m, head));
	put_page(m, head);
	put_page(m, head);
	t_check(m);
	machine_destroy(m);
}

/* A huge=always tmpfs file maps by PMD when aligned; splitting the PMD unmaps it */
static void test_shmem_thp_pmd(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	char err[128];
	long fd;
	unsigned long head;

	(void)state;
	assert_int_equal(shmem_mount(m, "/mnt", "huge=always", err, sizeof(err)), 0);
	fd = do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT);
	assert_true(fd >= 3);
	assert_int_equal(do_ftruncate(m, t, (int)fd, PMD_SIZE), 0);
	assert_int_equal(ksys_mmap_pgoff(m, t, A, PMD_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
					 (int)fd, 0), (long)A);
	touch(m, t, A + PAGE_SIZE, PAGE_SIZE, false);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	head = pte_pfn(pmd_of(m, t, A));
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), HPAGE_PMD_NR);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), HPAGE_PMD_NR);
	/* file THP: every subpage's _mapcount counts the PMD */
	assert_int_equal(page_mapcount(m, head + 100), 1);
	/* the page cache holds 512 references, the PMD one */
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR + 1);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], HPAGE_PMD_NR);
	split_huge_pmd_address(m, find_vma(t->mm, A), A);
	assert_int_equal(pmd_of(m, t, A), 0);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), 0);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 0);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 0);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), HPAGE_PMD_NR);	/* still cached */
	t_check(m);
	ksys_close(m, t, (int)fd);
	do_exit(m, t, 0);
	assert_int_equal(do_unlink(m, "/mnt/f"), 0);
	assert_int_equal(node_stat(m, NR_SHMEM), 0);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * The file fault paths hold the folio lock while they map (the kernel's
 * __do_fault returns it locked) and leave every folio unlocked: read
 * (with fault-around), shared write, private COW, and truncation.
 */
static void test_file_faults_leave_folios_unlocked(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	char err[128];
	long fd;

	(void)state;
	thp_settings(m)->enabled = THP_NEVER;
	assert_int_equal(shmem_mount(m, "/mnt", "", err, sizeof(err)), 0);
	fd = do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 64 * PAGE_SIZE), 0);
	assert_int_equal(ksys_mmap_pgoff(m, t, A, 64 * PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED,
					 (int)fd, 0), (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, t, A + PMD_SIZE, 64 * PAGE_SIZE, RW,
					 MAP_PRIVATE | MAP_FIXED, (int)fd, 0), (long)(A + PMD_SIZE));
	touch(m, t, A, 32 * PAGE_SIZE, true);			/* shared writes */
	touch(m, t, A + PMD_SIZE, 64 * PAGE_SIZE, false);	/* reads, fault-around */
	touch(m, t, A + PMD_SIZE, 4 * PAGE_SIZE, true);		/* private COW */
	for (unsigned long i = 0; i < 64; i++) {
		unsigned long pfn = page_cache_lookup(m, find_vma(t->mm, A)->vm_file, i);

		assert_int_not_equal(pfn, PFN_NONE);
		assert_false(PageLocked(m, pfn));
	}
	assert_int_equal(do_ftruncate(m, t, (int)fd, 0), 0);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 0);
	t_check(m);
	machine_destroy(m);
}

/* THP never: a covered 2 MiB still faults 4 KiB pages */
static void test_thp_never(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");

	(void)state;
	thp_settings(m)->enabled = THP_NEVER;
	map_anon(m, t, PMD_SIZE);
	touch(m, t, A, PAGE_SIZE, true);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	/* madvise mode takes MADV_HUGEPAGE regions only */
	thp_settings(m)->enabled = THP_MADVISE;
	assert_int_equal(ksys_mmap_pgoff(m, t, A + 2 * PMD_SIZE, PMD_SIZE, RW,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 (long)(A + 2 * PMD_SIZE));
	assert_int_equal(do_madvise(m, t, A + 2 * PMD_SIZE, PMD_SIZE, MADV_HUGEPAGE), 0);
	touch(m, t, A + 2 * PMD_SIZE, PAGE_SIZE, true);
	assert_true(pmd_leaf(pmd_of(m, t, A + 2 * PMD_SIZE)));
	t_check(m);
	machine_destroy(m);
}

/*
 * start_stop_khugepaged's watermark: a 1 GiB q35 machine boots with THP
 * on, so khugepaged raised min_free_kbytes to its recommended value;
 * `echo never > enabled` recomputes the default (4 * sqrt(lowmem kB)),
 * `always` raises it again, and a value the user wrote is a floor for
 * the recomputation (calculate_min_free_kbytes), not for the raise.
 */
static void test_enabled_moves_min_free_kbytes(void **state)
{
	struct machine_opts o;
	struct machine *m;
	char err[256];
	unsigned long raised, dflt;

	(void)state;
	machine_opts_default(&o);
	o.node[0].mem_bytes = 1UL << 30;
	m = t_boot(&o);
	raised = m->min_free_kbytes;
	assert_int_equal(mm_store_file(m, "/sys/kernel/mm/transparent_hugepage/enabled", "never",
				       err, sizeof(err)), 0);
	dflt = m->min_free_kbytes;
	assert_true(dflt < raised / 4);
	assert_true(dflt > 3000 && dflt < 4200);	/* 4 * sqrt(~900 MiB in kB) */
	assert_int_equal(mm_store_file(m, "/sys/kernel/mm/transparent_hugepage/enabled", "madvise",
				       err, sizeof(err)), 0);
	assert_int_equal(m->min_free_kbytes, raised);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/min_free_kbytes", "50000", err,
				       sizeof(err)), 0);
	assert_int_equal(mm_store_file(m, "/sys/kernel/mm/transparent_hugepage/enabled", "never",
				       err, sizeof(err)), 0);
	assert_int_equal(m->min_free_kbytes, 50000);	/* the user's floor */
	assert_int_equal(mm_store_file(m, "/sys/kernel/mm/transparent_hugepage/enabled", "always",
				       err, sizeof(err)), 0);
	assert_int_equal(m->min_free_kbytes, raised > 50000 ? raised : 50000);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_thp_fault),
		cmocka_unit_test(test_enabled_moves_min_free_kbytes),
		cmocka_unit_test(test_huge_zero_page),
		cmocka_unit_test(test_cow_after_fork_splits_the_writer),
		cmocka_unit_test(test_split_huge_page_anon),
		cmocka_unit_test(test_split_refused_with_a_pin),
		cmocka_unit_test(test_shmem_thp_pmd),
		cmocka_unit_test(test_file_faults_leave_folios_unlocked),
		cmocka_unit_test(test_thp_never),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
