// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gup.c - get_user_pages_remote (model/gup.c): what each flag does
 * to the page tables and which page, with which reference, comes back.
 *
 * Every test maps at the 2 MiB-aligned address A (MAP_FIXED), so the
 * pictures are exact.  In them
 *
 *	PMD[A]     the PMD entry covering [A, A+2M)
 *	PTE[i]     the entry for A + i*4K in the PTE table under it
 *	H          the head of a THP, H+i its subpages
 *	F, C, Z    a file page, an anonymous copy, the 4 KiB zero page
 *	(refs N)   the folio's refcount
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "filemap.h"
#include "gup.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "rmap.h"
#include "task.h"

#define A	0x7fff00000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define RX	(PROT_READ | PROT_EXEC)

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

static void touch(struct machine *m, struct task *t, uint64_t a, uint64_t len, bool write)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
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

/* The PTE for a (0 when there is no PTE table) */
static pteval_t pte_of(struct machine *m, struct task *t, uint64_t a)
{
	pteval_t pmd = pmd_of(m, t, a);

	if (!pte_present(pmd) || pmd_leaf(pmd))
		return 0;
	return pt_read(m, pte_pfn(pmd), (unsigned int)(a >> PAGE_SHIFT) & 511);
}

/* get_user_pages_remote under the mmap lock, as its callers hold it */
static long gup(struct machine *m, struct task *t, uint64_t a, unsigned long n,
		unsigned int flags, unsigned long *pages)
{
	struct vm_area_struct *vmas[8];
	long r;

	down_read(m, &t->mm->mmap_lock);
	r = get_user_pages_remote(m, t->mm, a, n, flags, pages, n <= 8 ? vmas : NULL);
	up_read(m, &t->mm->mmap_lock);
	return r;
}

static void map_anon(struct machine *m, struct task *t, uint64_t len, long prot)
{
	assert_int_equal(ksys_mmap_pgoff(m, t, A, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
					 -1, 0), (long)A);
}

/* A tmpfs file of len bytes under /mnt (mounted with opts), open as oflags */
static int make_file(struct machine *m, struct task *t, const char *opts, uint64_t len,
		     long oflags)
{
	char err[128];
	long fd;

	assert_int_equal(shmem_mount(m, "/mnt", opts, err, sizeof(err)), 0);
	fd = do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT);
	assert_true(fd >= 3);
	assert_int_equal(do_ftruncate(m, t, (int)fd, len), 0);
	if (oflags != O_RDWR) {
		ksys_close(m, t, (int)fd);
		fd = do_sys_open(m, t, "/mnt/f", oflags);
		assert_true(fd >= 3);
	}
	return (int)fd;
}

/*
 * A present small page: no fault, the PTE's page with one more reference.
 *
 *	PTE[1] -> P (refs 1)   GUP(A+4K)   PTE[1] -> P (refs 2), returns P
 */
static void test_present_page_referenced(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long page, p;
	long faults;

	(void)state;
	map_anon(m, t, 16 * PAGE_SIZE, RW);
	touch(m, t, A, 16 * PAGE_SIZE, true);
	p = pte_pfn(pte_of(m, t, A + PAGE_SIZE));
	assert_int_equal(page_ref_count(m, p), 1);
	faults = (long)m->vm_events[PGFAULT];
	assert_int_equal(gup(m, t, A + PAGE_SIZE, 1, 0, &page), 1);
	assert_int_equal(page, p);
	assert_int_equal(page_ref_count(m, p), 2);
	assert_int_equal((long)m->vm_events[PGFAULT], faults);
	/* FOLL_TOUCH (get_user_pages_remote adds it): the page was accessed */
	assert_true(PageReferenced(m, p));
	t_check(m);
	put_page(m, page);
	assert_int_equal(page_ref_count(m, p), 1);
	machine_destroy(m);
}

/*
 * Nothing mapped: faultin_page, then the walk again.  A read faults in the
 * zero page (returned referenced, as 6.1's try_grab_page does), a write a
 * new anonymous page.
 *
 *	PTE[0] none   GUP(A)        PTE[0] -> Z, returns Z
 *	PTE[1] none   GUP(A+4K, W)  PTE[1] -> P (anon, writable), returns P
 */
static void test_missing_page_faulted_in(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long page, zref;

	(void)state;
	map_anon(m, t, 16 * PAGE_SIZE, RW);
	zref = (unsigned long)page_ref_count(m, proc_ctx(m)->zero_pfn);
	assert_int_equal(gup(m, t, A, 1, 0, &page), 1);
	assert_true(is_zero_pfn(m, page));
	assert_int_equal(page_ref_count(m, page), zref + 1);
	put_page(m, page);
	assert_int_equal(gup(m, t, A + PAGE_SIZE, 1, FOLL_WRITE, &page), 1);
	assert_false(is_zero_pfn(m, page));
	assert_true(PageAnon(m, page));
	assert_int_equal(pte_pfn(pte_of(m, t, A + PAGE_SIZE)), page);
	assert_true(pte_write(pte_of(m, t, A + PAGE_SIZE)));
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(page_ref_count(m, page), 2);
	put_page(m, page);
	/* FOLL_NOFAULT: a hole stays a hole */
	assert_int_equal(gup(m, t, A + 2 * PAGE_SIZE, 1, FOLL_NOFAULT | FOLL_WRITE, &page),
			 -EFAULT);
	assert_int_equal(pte_of(m, t, A + 2 * PAGE_SIZE), 0);
	/* FOLL_DUMP: the zero page is a hole in a core dump */
	assert_int_equal(gup(m, t, A, 1, FOLL_DUMP, &page), -EFAULT);
	t_check(m);
	machine_destroy(m);
}

/*
 * FOLL_WRITE|FOLL_FORCE on a read-only private file mapping (what ptrace
 * and uprobes do to program text): the write fault COWs the file page
 * into an anonymous page, mapped read-only because the VMA is not
 * VM_WRITE; the second walk accepts it because it is anonymous and
 * exclusive (can_follow_write_pte).  Without FOLL_FORCE it is -EFAULT.
 *
 *	PTE[2] -> F (shmem, r-x)   GUP(A+8K, W|FORCE)   PTE[2] -> C (anon, r-x)
 *	                                                F unmapped, C = copy of F
 */
static void test_force_write_cows_private_readonly(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	int fd = make_file(m, t, "huge=never", 16 * PAGE_SIZE, O_RDONLY);
	unsigned long page, again, f;
	pteval_t pte;

	(void)state;
	assert_int_equal(ksys_mmap_pgoff(m, t, A, 16 * PAGE_SIZE, RX, MAP_PRIVATE | MAP_FIXED, fd,
					 0), (long)A);
	touch(m, t, A, 16 * PAGE_SIZE, false);
	f = pte_pfn(pte_of(m, t, A + 2 * PAGE_SIZE));
	set_page_content(m, f, 0x1234);		/* the file holds something */
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 16);

	assert_int_equal(gup(m, t, A + 2 * PAGE_SIZE, 1, FOLL_WRITE, &page), -EFAULT);
	assert_int_equal(gup(m, t, A + 2 * PAGE_SIZE, 1, FOLL_WRITE | FOLL_FORCE, &page), 1);
	assert_int_not_equal(page, f);
	assert_true(PageAnon(m, page));
	assert_true(PageAnonExclusive(m, page));
	assert_int_equal(page_content(m, page), 0x1234);
	pte = pte_of(m, t, A + 2 * PAGE_SIZE);
	assert_int_equal(pte_pfn(pte), page);
	assert_false(pte_write(pte));
	assert_int_equal(page_mapcount(m, f), 0);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 15);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	/* no second COW: the exclusive copy is what a forced write may write */
	assert_int_equal(gup(m, t, A + 2 * PAGE_SIZE, 1, FOLL_WRITE | FOLL_FORCE, &again), 1);
	assert_int_equal(again, page);
	assert_int_equal(page_ref_count(m, page), 3);
	put_page(m, page);
	put_page(m, again);
	t_check(m);
	machine_destroy(m);
}

/*
 * FOLL_FORCE never writes into a shared mapping: a forced write works
 * only by COW, and a shared mapping has none (is_cow_mapping), even
 * when the file is open for writing.  Reading through it is fine.
 */
static void test_force_write_shared_refused(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	int fd = make_file(m, t, "huge=never", 16 * PAGE_SIZE, O_RDWR);
	unsigned long page;

	(void)state;
	assert_int_equal(ksys_mmap_pgoff(m, t, A, 16 * PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
					 fd, 0), (long)A);
	touch(m, t, A, PAGE_SIZE, false);
	assert_int_equal(gup(m, t, A, 1, FOLL_WRITE | FOLL_FORCE, &page), -EFAULT);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 0);
	/* reading it is fine */
	assert_int_equal(gup(m, t, A, 1, FOLL_FORCE, &page), 1);
	assert_false(PageAnon(m, page));
	put_page(m, page);
	t_check(m);
	machine_destroy(m);
}

/*
 * PROT_NONE: a plain read is -EFAULT (check_vma_flags); FOLL_FORCE reads
 * (VM_MAYREAD) and follows the PROT_NONE entry (gup_can_follow_protnone).
 *
 *	PTE[0] none   GUP(A, FORCE)   PTE[0] -> Z (PROT_NONE), returns Z
 */
static void test_force_read_prot_none(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long page;

	(void)state;
	map_anon(m, t, 16 * PAGE_SIZE, PROT_NONE);
	assert_int_equal(gup(m, t, A, 1, 0, &page), -EFAULT);
	assert_int_equal(gup(m, t, A, 1, FOLL_FORCE, &page), 1);
	assert_true(is_zero_pfn(m, page));
	assert_false(pte_present(pte_of(m, t, A)));	/* PROTNONE: not present to the CPU */
	put_page(m, page);
	t_check(m);
	machine_destroy(m);
}

/*
 * A huge PMD without split flags: the subpage at the address, the
 * reference on the head; the PMD stays.  Several pages in one call:
 * one per subpage; without a pages array one walk covers the whole THP
 * (page_mask).
 *
 *	PMD[A] = huge -> H   GUP(A+5*4K, 3 pages)   returns H+5, H+6, H+7 (refs 1+3)
 */
static void test_huge_pmd_subpages(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long pages[3], head;

	(void)state;
	map_anon(m, t, 2 * PMD_SIZE, RW);
	touch(m, t, A, 2 * PMD_SIZE, true);
	head = pte_pfn(pmd_of(m, t, A));
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	assert_int_equal(gup(m, t, A + 5 * PAGE_SIZE, 3, 0, pages), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pages[i], head + 5 + i);
	assert_int_equal(page_ref_count(m, head), 4);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	for (int i = 0; i < 3; i++)
		put_page(m, pages[i]);
	/* no pages wanted: 1024 pages in two walks */
	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(get_user_pages_remote(m, t->mm, A, 2 * HPAGE_PMD_NR, 0, NULL, NULL),
			 2 * HPAGE_PMD_NR);
	up_read(m, &t->mm->mmap_lock);
	assert_int_equal(page_ref_count(m, head), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 * FOLL_SPLIT_PMD on an anonymous THP: the PMD becomes its deposited
 * table of 512 PTEs onto the same THP, which stays whole.
 *
 *	PMD[A] = huge -> H             PMD[A] -> table, PTE[i] -> H+i
 *	                 GUP(A+5*4K, SPLIT_PMD) returns H+5, H still compound
 */
static void test_split_pmd_anon(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long page, head;
	long tables;

	(void)state;
	map_anon(m, t, PMD_SIZE, RW);
	touch(m, t, A, PMD_SIZE, true);
	head = pte_pfn(pmd_of(m, t, A));
	tables = node_stat(m, NR_PAGETABLE);
	assert_int_equal(gup(m, t, A + 5 * PAGE_SIZE, 1, FOLL_SPLIT_PMD, &page), 1);
	assert_int_equal(page, head + 5);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i += 97)
		assert_int_equal(pte_pfn(pte_of(m, t, A + i * PAGE_SIZE)), head + i);
	assert_true(PageHead(m, head));
	assert_int_equal(compound_mapcount(m, head), 0);
	assert_int_equal(page_mapcount(m, head + 5), 1);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 1);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 0);
	/* the deposited table became the PTE table: no new table page */
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables);
	/* 512 PTE references plus GUP's */
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR + 1);
	put_page(m, page);
	t_check(m);
	machine_destroy(m);
}

/*
 * FOLL_SPLIT_PMD on a PMD-mapped tmpfs THP in a read-only private
 * mapping, as uprobes do to program text: splitting a file PMD unmaps it,
 * pte_alloc puts an empty PTE table in, the walk finds nothing, the read
 * fault maps the 64 KiB around the address from the page cache, and the
 * walk returns the subpage.  The THP stays in the page cache, PTE-mapped.
 *
 *	PMD[A] = huge -> H          PMD[A] -> new table
 *	                            PTE[0..15] -> H+0..H+15 (fault-around), rest none
 *	       GUP(A+5*4K, FORCE|SPLIT_PMD) returns H+5
 */
static void test_split_pmd_file_thp(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	int fd = make_file(m, t, "huge=always", PMD_SIZE, O_RDONLY);
	unsigned long page, head;
	struct thp_census c;
	long tables;

	(void)state;
	assert_int_equal(ksys_mmap_pgoff(m, t, A, PMD_SIZE, RX, MAP_PRIVATE | MAP_FIXED, fd, 0),
			 (long)A);
	touch(m, t, A, PMD_SIZE, false);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	head = pte_pfn(pmd_of(m, t, A));
	tables = node_stat(m, NR_PAGETABLE);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), HPAGE_PMD_NR);
	thp_census(m, &c);
	assert_int_equal(c.pmd_maps, 1);
	assert_int_equal(c.pmd_mapped, 1);
	assert_int_equal(c.pte_mapped, 0);

	assert_int_equal(gup(m, t, A + 5 * PAGE_SIZE, 1, FOLL_FORCE | FOLL_SPLIT_PMD, &page), 1);
	thp_census(m, &c);
	assert_int_equal(c.pmd_mapped, 0);
	assert_int_equal(c.pte_maps, 16);
	assert_int_equal(c.pte_mapped, 1);
	assert_int_equal(page, head + 5);
	assert_true(PageHead(m, head));
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables + 1);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), 0);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), HPAGE_PMD_NR);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(pte_pfn(pte_of(m, t, A + i * PAGE_SIZE)), head + i);
	assert_int_equal(pte_of(m, t, A + 16 * PAGE_SIZE), 0);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 16);
	/* the cache's 512, 16 PTEs, GUP's one */
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR + 16 + 1);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 0);
	put_page(m, page);
	t_check(m);
	machine_destroy(m);
}

/*
 * FOLL_SPLIT_PMD on the huge zero page: split into 512 PTEs of the 4 KiB
 * zero page (the PMD is a stable table after it, so no -EBUSY), and the
 * zero page comes back.
 *
 *	PMD[A] = huge -> huge zero    PMD[A] -> table, PTE[i] -> Z
 *	                GUP(A+3*4K, SPLIT_PMD) returns Z
 */
static void test_split_pmd_huge_zero_page(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long page;

	(void)state;
	map_anon(m, t, PMD_SIZE, RW);
	touch(m, t, A, PAGE_SIZE, false);
	assert_true(is_huge_zero_pmd(m, pmd_of(m, t, A)));
	assert_int_equal(gup(m, t, A + 3 * PAGE_SIZE, 1, FOLL_SPLIT_PMD, &page), 1);
	assert_true(is_zero_pfn(m, page));
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_true(is_zero_pfn(m, pte_pfn(pte_of(m, t, A + 511 * PAGE_SIZE))));
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 0);
	put_page(m, page);
	/* without SPLIT_PMD the huge zero PMD gives its subpage, referenced on its head */
	map_anon(m, t, PMD_SIZE, RW);
	touch(m, t, A, PAGE_SIZE, false);
	assert_int_equal(gup(m, t, A + 3 * PAGE_SIZE, 1, 0, &page), 1);
	assert_int_equal(page, thp_settings(m)->huge_zero_pfn + 3);
	put_page(m, page);
	/* a core dump skips it */
	assert_int_equal(gup(m, t, A, 1, FOLL_DUMP, &page), -EFAULT);
	t_check(m);
	machine_destroy(m);
}

/*
 * 5.3's FOLL_SPLIT (thp-uprobe=foll-split): the THP itself is split into
 * 512 small pages.  Every PMD mapping of it goes (a second process's
 * too); the walk faults the small pages back by PTE.
 *
 *	p: PMD[A] = huge -> H     p: PMD[A] -> table, PTE[0..15] -> H+0..H+15 (small pages)
 *	q: PMD[A] = huge -> H     q: PMD[A] none
 *	     GUP(p, A+5*4K, FORCE|SPLIT) returns H+5, not compound
 */
static void test_foll_split_splits_the_thp(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *p = proc(m, "p"), *q = proc(m, "q");
	int fd = make_file(m, p, "huge=always", PMD_SIZE, O_RDONLY);
	int qfd = (int)do_sys_open(m, q, "/mnt/f", O_RDONLY);
	unsigned long page, head;

	(void)state;
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RX, MAP_PRIVATE | MAP_FIXED, fd, 0),
			 (long)A);
	assert_int_equal(ksys_mmap_pgoff(m, q, A, PMD_SIZE, RX, MAP_PRIVATE | MAP_FIXED, qfd, 0),
			 (long)A);
	touch(m, p, A, PMD_SIZE, false);
	touch(m, q, A, PMD_SIZE, false);
	head = pte_pfn(pmd_of(m, p, A));
	assert_int_equal(pte_pfn(pmd_of(m, q, A)), head);

	assert_int_equal(gup(m, p, A + 5 * PAGE_SIZE, 1, FOLL_FORCE | FOLL_SPLIT, &page), 1);
	assert_int_equal(page, head + 5);
	assert_false(PageCompound(m, page));
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 1);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), 0);
	assert_int_equal(node_stat(m, NR_SHMEM), HPAGE_PMD_NR);	/* still cached, as 512 pages */
	assert_int_equal(pmd_of(m, q, A), 0);
	assert_int_equal(pte_pfn(pte_of(m, p, A + 15 * PAGE_SIZE)), head + 15);
	assert_int_equal(page_ref_count(m, page), 1 + 1 + 1);	/* cache, PTE, GUP */
	put_page(m, page);
	t_check(m);

	/* a THP already mapped by PTEs is split too (follow_page_pte's FOLL_SPLIT) */
	machine_destroy(m);
	m = t_machine(1, 256, 1);
	p = proc(m, "p");
	fd = make_file(m, p, "huge=always", PMD_SIZE, O_RDONLY);
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RX, MAP_PRIVATE | MAP_FIXED, fd, 0),
			 (long)A);
	touch(m, p, A, PMD_SIZE, false);
	head = pte_pfn(pmd_of(m, p, A));
	assert_int_equal(gup(m, p, A, 1, FOLL_SPLIT_PMD, &page), 1);	/* PTE-mapped now */
	put_page(m, page);
	assert_true(PageHead(m, head));
	assert_int_equal(gup(m, p, A + PAGE_SIZE, 1, FOLL_SPLIT, &page), 1);
	assert_int_equal(page, head + 1);
	assert_false(PageCompound(m, head));
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 1);
	put_page(m, page);
	t_check(m);
	machine_destroy(m);

	/*
	 * Both flags at once (Song Liu in the seed's review: FOLL_SPLIT does
	 * what FOLL_SPLIT_PMD does and more, so it wins): the THP is split.
	 */
	m = t_machine(1, 256, 1);
	p = proc(m, "p");
	fd = make_file(m, p, "huge=always", PMD_SIZE, O_RDONLY);
	assert_int_equal(ksys_mmap_pgoff(m, p, A, PMD_SIZE, RX, MAP_PRIVATE | MAP_FIXED, fd, 0),
			 (long)A);
	touch(m, p, A, PMD_SIZE, false);
	head = pte_pfn(pmd_of(m, p, A));
	assert_int_equal(gup(m, p, A, 1, FOLL_SPLIT | FOLL_SPLIT_PMD, &page), 1);
	assert_false(PageCompound(m, head));
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 1);
	put_page(m, page);
	t_check(m);
	machine_destroy(m);
}

/*
 * Where GUP stops: a hole without a VMA is -EFAULT when nothing was done
 * and ends the count otherwise; FOLL_PIN and FOLL_LONGTERM are not
 * get_user_pages_remote's (-EINVAL).
 */
static void test_bounds_and_refused_flags(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *t = proc(m, "p");
	unsigned long pages[4];

	(void)state;
	map_anon(m, t, 2 * PAGE_SIZE, RW);
	assert_int_equal(gup(m, t, A - PAGE_SIZE, 1, 0, pages), -EFAULT);
	assert_int_equal(gup(m, t, A, 4, FOLL_WRITE, pages), 2);
	put_page(m, pages[0]);
	put_page(m, pages[1]);
	assert_int_equal(gup(m, t, A, 1, FOLL_PIN, pages), -EINVAL);
	assert_int_equal(gup(m, t, A, 1, FOLL_LONGTERM, pages), -EINVAL);
	assert_int_equal(gup(m, t, A, 1, FOLL_ANON, pages), 1);
	put_page(m, pages[0]);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_present_page_referenced),
		cmocka_unit_test(test_missing_page_faulted_in),
		cmocka_unit_test(test_force_write_cows_private_readonly),
		cmocka_unit_test(test_force_write_shared_refused),
		cmocka_unit_test(test_force_read_prot_none),
		cmocka_unit_test(test_huge_pmd_subpages),
		cmocka_unit_test(test_split_pmd_anon),
		cmocka_unit_test(test_split_pmd_file_thp),
		cmocka_unit_test(test_split_pmd_huge_zero_page),
		cmocka_unit_test(test_foll_split_splits_the_thp),
		cmocka_unit_test(test_bounds_and_refused_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
