// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_uprobes.c - uprobes (model/uprobes.c) and the thp-uprobe policies:
 * what installing and removing a breakpoint does to the page tables,
 * the pages, their references and the counters.
 *
 * Every test maps program text at the 2 MiB-aligned address A (MAP_FIXED)
 * from a tmpfs file /mnt/prog opened read-only, PROT_READ|PROT_EXEC,
 * MAP_PRIVATE, as a loader maps text.  In the pictures
 *
 *	PMD[A]     the PMD entry covering [A, A+2M)
 *	PTE[i]     the entry for A + i*4K
 *	F<i>       the page cache's page of file page i; H, H+i a THP's
 *	C, C'      anonymous copies with a breakpoint (int3 @off: where)
 *	-          no entry
 *
 * The seed's review points each test speaks to are named at the test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "filemap.h"
#include "gup.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "policies/thp_uprobe.h"
#include "rmap.h"
#include "task.h"
#include "uprobes.h"

#define A	0x7fff00000000UL
#define RX	(PROT_READ | PROT_EXEC)

static long node_stat(struct machine *m, int item)
{
	return m->node[0].vm_stat[item];
}

static struct machine *machine_with(const char *policy)
{
	struct machine_opts o;

	t_opts(&o, 1, 256, 1);
	if (policy)
		assert_true(policy_set_pick(&o.policies, "thp-uprobe", policy));
	return t_boot(&o);
}

static struct task *proc(struct machine *m, const char *name)
{
	int err;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

static void touch(struct machine *m, struct task *t, uint64_t a, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		assert_int_equal(user_access(m, t->mm, a + off, false), UA_OK);
}

static pteval_t pmd_of(struct machine *m, struct task *t, uint64_t a)
{
	unsigned long table;
	unsigned int idx;

	if (!pmd_slot(m, t->mm, a, false, &table, &idx, NULL))
		return 0;
	return pt_read(m, table, idx);
}

static pteval_t pte_of(struct machine *m, struct task *t, uint64_t a)
{
	pteval_t pmd = pmd_of(m, t, a);

	if (!pte_present(pmd) || pmd_leaf(pmd))
		return 0;
	return pt_read(m, pte_pfn(pmd), (unsigned int)(a >> PAGE_SHIFT) & 511);
}

/* /mnt/prog of len bytes on a tmpfs mounted with opts, each page with content of its own */
static struct inode *make_prog(struct machine *m, const char *opts, uint64_t len)
{
	char err[128];
	struct inode *inode;
	unsigned long pfn;

	assert_int_equal(shmem_mount(m, "/mnt", opts, err, sizeof(err)), 0);
	assert_int_equal(do_truncate_path(m, "/mnt/prog", len), 0);
	inode = inode_lookup(m, "/mnt/prog");
	assert_non_null(inode);
	/* the program's bytes: read every page in, give each a tag of its own */
	for (unsigned long i = 0; i < len >> PAGE_SHIFT; i++) {
		assert_int_equal(shmem_read_mapping_page(m, inode, i, &pfn), 0);
		set_page_content(m, pfn, 0x1000 + i);
		put_page(m, pfn);
	}
	return inode;
}

/* Map /mnt/prog's first len bytes at A, read-only text */
static void map_text(struct machine *m, struct task *t, uint64_t len)
{
	long fd = do_sys_open(m, t, "/mnt/prog", O_RDONLY);

	assert_true(fd >= 3);
	assert_int_equal(ksys_mmap_pgoff(m, t, A, len, RX, MAP_PRIVATE | MAP_FIXED, (int)fd, 0),
			 (long)A);
	assert_int_equal(ksys_close(m, t, (int)fd), 0);
}

static unsigned long free_pages(struct machine *m)
{
	struct zone *z;
	unsigned long n = 0;

	drain_all_pages(m, NULL);
	for_each_zone_of(m, z)
		n += (unsigned long)z->vm_stat[NR_FREE_PAGES];
	return n;
}

/* Everything a breakpoint may change, to compare before and after */
struct state {
	long rss[NR_MM_COUNTERS];
	long anon_mapped, file_mapped, pagetables, shmem_pmdmapped, shmem_thps;
	unsigned long free;
};

static struct state state_of(struct machine *m, struct task *t)
{
	struct state s = { 0 };

	memcpy(s.rss, t->mm->rss_stat, sizeof(s.rss));
	s.anon_mapped = node_stat(m, NR_ANON_MAPPED);
	s.file_mapped = node_stat(m, NR_FILE_MAPPED);
	s.pagetables = node_stat(m, NR_PAGETABLE);
	s.shmem_pmdmapped = node_stat(m, NR_SHMEM_PMDMAPPED);
	s.shmem_thps = node_stat(m, NR_SHMEM_THPS);
	s.free = free_pages(m);
	return s;
}

static void assert_same_state(const struct state *a, const struct state *b)
{
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		assert_int_equal(a->rss[i], b->rss[i]);
	assert_int_equal(a->anon_mapped, b->anon_mapped);
	assert_int_equal(a->file_mapped, b->file_mapped);
	assert_int_equal(a->pagetables, b->pagetables);
	assert_int_equal(a->shmem_pmdmapped, b->shmem_pmdmapped);
	assert_int_equal(a->shmem_thps, b->shmem_thps);
	assert_int_equal(a->free, b->free);
}

static int reg(struct machine *m, struct inode *inode, uint64_t off, struct uprobe_consumer *uc)
{
	return uprobe_register(m, inode, off, uc);
}

/*
 * A small-page text: the breakpoint goes into an anonymous copy of the
 * page; removing it maps nothing in its place (the page cache's page is
 * identical again, the seed's patch 2) and the file page refaults.
 * Everything is back where it started.
 *
 *	start      PTE[1] -> F1 (shmem)
 *	register   PTE[1] -> C (anon, r-x, F1's content + int3 @0x234)
 *	unregister PTE[1] -                       touch: PTE[1] -> F1
 */
static void test_small_page_install_restore(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long f1 = page_cache_lookup(m, inode, 1), c;
	struct state start;
	pteval_t pte;

	(void)state;
	map_text(m, t, 16 * PAGE_SIZE);
	touch(m, t, A, 16 * PAGE_SIZE);
	start = state_of(m, t);
	assert_int_equal(page_mapcount(m, f1), 1);
	assert_int_equal(page_ref_count(m, f1), 2);	/* the cache, the PTE */

	assert_int_equal(reg(m, inode, 0x1234, &uc), 0);
	pte = pte_of(m, t, A + PAGE_SIZE);
	c = pte_pfn(pte);
	assert_int_not_equal(c, f1);
	assert_true(PageAnon(m, c));
	assert_false(pte_write(pte));
	assert_true(page_has_swbp(m, c, 0x234));
	assert_false(page_has_swbp(m, f1, 0x234));
	assert_int_equal(page_content(m, c), swbp_content(m, 0x1001, 0x234, true));
	assert_int_equal(page_mapcount(m, c), 1);
	assert_int_equal(page_ref_count(m, c), 1);
	assert_int_equal(page_mapcount(m, f1), 0);
	assert_int_equal(page_ref_count(m, f1), 1);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 15);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	assert_true(t->mm->flags & (1UL << MMF_HAS_UPROBES));
	assert_non_null(find_uprobe(m, inode, 0x1234));
	t_check(m);

	uprobe_unregister(m, inode, 0x1234, &uc);
	assert_int_equal(pte_of(m, t, A + PAGE_SIZE), 0);
	assert_null(find_uprobe(m, inode, 0x1234));
	assert_int_equal(uprobe_stats(m)->orig_restored, 1);
	assert_int_equal(uprobe_stats(m)->after_restore, 0);	/* not a THP */
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 0);
	touch(m, t, A + PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(pte_pfn(pte_of(m, t, A + PAGE_SIZE)), f1);
	assert_int_equal(page_ref_count(m, f1), 2);
	assert_int_equal(page_mapcount(m, f1), 1);
	{
		struct state end = state_of(m, t);

		assert_same_state(&start, &end);
	}
	t_check(m);
	machine_destroy(m);
}

/*
 * The page cache's page is mapped back only when it is uptodate (v8 of
 * the seed, Oleg: "check PageUptodate() for orig_page"): a page that is
 * not keeps the copy, with the original content.
 *
 *	register   PTE[1] -> C (int3 @0x0)        F1 loses PG_uptodate
 *	unregister PTE[1] -> C' (F1's content)
 */
static void test_orig_page_not_uptodate(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long f1 = page_cache_lookup(m, inode, 1), c;

	(void)state;
	map_text(m, t, 16 * PAGE_SIZE);
	assert_int_equal(reg(m, inode, 0x1000, &uc), 0);
	ClearPageUptodate(m, f1);
	uprobe_unregister(m, inode, 0x1000, &uc);
	c = pte_pfn(pte_of(m, t, A + PAGE_SIZE));
	assert_true(PageAnon(m, c));
	assert_int_equal(page_content(m, c), page_content(m, f1));
	assert_int_equal(uprobe_stats(m)->orig_restored, 0);
	SetPageUptodate(m, f1);
	t_check(m);
	machine_destroy(m);
}

/*
 * Two breakpoints in one page: the second copies the first copy; taking
 * the first out leaves a copy with the second (not identical to F1, so
 * it stays); taking the second out gives F1's content back.  A probe on
 * a page not faulted in yet faults it in first (GUP).
 *
 *	register @0x1000  PTE[1] -> C  (int3 @0x0)
 *	register @0x1004  PTE[1] -> C' (int3 @0x0, @0x4)     C freed
 *	unregister @0x1000 PTE[1] -> C'' (int3 @0x4)         C' freed
 *	unregister @0x1004 PTE[1] -
 */
static void test_two_breakpoints_one_page(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer a, b;
	unsigned long c1, c2, c3;

	(void)state;
	map_text(m, t, 16 * PAGE_SIZE);
	assert_int_equal(pte_of(m, t, A + PAGE_SIZE), 0);	/* never touched */
	assert_int_equal(reg(m, inode, 0x1000, &a), 0);
	c1 = pte_pfn(pte_of(m, t, A + PAGE_SIZE));
	assert_true(page_has_swbp(m, c1, 0));
	assert_int_equal(reg(m, inode, 0x1004, &b), 0);
	c2 = pte_pfn(pte_of(m, t, A + PAGE_SIZE));
	assert_int_not_equal(c2, c1);
	assert_true(page_has_swbp(m, c2, 0) && page_has_swbp(m, c2, 4));
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	uprobe_unregister(m, inode, 0x1000, &a);
	c3 = pte_pfn(pte_of(m, t, A + PAGE_SIZE));
	assert_true(PageAnon(m, c3));
	assert_false(page_has_swbp(m, c3, 0));
	assert_true(page_has_swbp(m, c3, 4));
	assert_int_equal(uprobe_stats(m)->orig_restored, 0);
	uprobe_unregister(m, inode, 0x1004, &b);
	assert_int_equal(pte_of(m, t, A + PAGE_SIZE), 0);
	assert_int_equal(uprobe_stats(m)->orig_restored, 1);
	assert_int_equal(uprobe_stats(m)->installs, 2);
	assert_int_equal(uprobe_stats(m)->removals, 2);
	/* the same breakpoint twice is one uprobe with two consumers: written once */
	assert_int_equal(reg(m, inode, 0x1000, &a), 0);
	assert_int_equal(reg(m, inode, 0x1000, &b), 0);
	assert_int_equal(uprobe_stats(m)->installs, 3);
	uprobe_unregister(m, inode, 0x1000, &a);
	assert_true(page_has_swbp(m, pte_pfn(pte_of(m, t, A + PAGE_SIZE)), 0));
	uprobe_unregister(m, inode, 0x1000, &b);
	assert_int_equal(pte_of(m, t, A + PAGE_SIZE), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * A PMD-mapped tmpfs THP text under 6.1 (split-pmd-collapse): the
 * register read splits only this mm's PMD (FOLL_SPLIT_PMD) and faults
 * the 64 KiB around the probe back by PTEs; the THP stays whole in the
 * page cache.  The copy replaces one subpage.  Removing it restores H+5
 * (identical, and compound: the seed's patch 6) and calls
 * collapse_pte_mapped_thp (after_restore).
 *
 *	start      PMD[A] = huge -> H
 *	register   PMD[A] -> table: PTE[0..15] -> H+0..H+15 but PTE[5] -> C
 *	unregister PTE[5] -, then collapse_pte_mapped_thp(mm, A+0x5123, false)
 */
static void test_pmd_mapped_shmem_thp(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=always", PMD_SIZE);
	struct uprobe_consumer uc;
	unsigned long head, c;
	struct thp_census cs;
	long tables;

	(void)state;
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	head = pte_pfn(pmd_of(m, t, A));
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	tables = node_stat(m, NR_PAGETABLE);

	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_true(PageHead(m, head));
	c = pte_pfn(pte_of(m, t, A + 5 * PAGE_SIZE));
	assert_true(PageAnon(m, c));
	assert_false(PageCompound(m, c));	/* the copy is a small page */
	assert_true(page_has_swbp(m, c, 0x123));
	for (unsigned int i = 0; i < 16; i++)
		if (i != 5)
			assert_int_equal(pte_pfn(pte_of(m, t, A + i * PAGE_SIZE)), head + i);
	assert_int_equal(page_mapcount(m, head + 5), 0);
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR + 15);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables + 1);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), 0);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), HPAGE_PMD_NR);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 1);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 0);
	thp_census(m, &cs);
	assert_int_equal(cs.pte_mapped, 1);
	assert_int_equal(cs.pte_maps, 15);
	assert_int_equal(t->mm->rss_stat[MM_SHMEMPAGES], 15);
	t_check(m);

	uprobe_unregister(m, inode, 0x5123, &uc);
	assert_int_equal(pte_of(m, t, A + 5 * PAGE_SIZE), 0);
	assert_int_equal(uprobe_stats(m)->orig_restored, 1);
	assert_int_equal(uprobe_stats(m)->after_restore, 1);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 0);
	/* the table was retracted: only the page cache holds H until a refault */
	assert_int_equal(pmd_of(m, t, A), 0);
	assert_int_equal(page_ref_count(m, head), HPAGE_PMD_NR);
	t_check(m);
	machine_destroy(m);
}

/*
 * The same under split-pmd (the seed without its collapse patches): the
 * original page comes back, nothing collapses, the THP stays PTE-mapped.
 */
static void test_pmd_mapped_thp_split_pmd(void **state)
{
	struct machine *m = machine_with("split-pmd");
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=always", PMD_SIZE);
	struct uprobe_consumer uc;
	unsigned long head;
	struct thp_census cs;

	(void)state;
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	head = pte_pfn(pmd_of(m, t, A));
	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	uprobe_unregister(m, inode, 0x5123, &uc);
	assert_int_equal(uprobe_stats(m)->orig_restored, 1);
	assert_int_equal(uprobe_stats(m)->after_restore, 0);
	touch(m, t, A, PMD_SIZE);
	assert_false(pmd_leaf(pmd_of(m, t, A)));
	assert_true(PageHead(m, head));
	thp_census(m, &cs);
	assert_int_equal(cs.pmd_mapped, 0);
	assert_int_equal(cs.pte_mapped, 1);
	assert_int_equal(cs.pte_maps, HPAGE_PMD_NR);
	t_check(m);
	machine_destroy(m);
}

/*
 * foll-split (5.3): the register read splits the THP into 512 pages for
 * good, and removal keeps an anonymous copy (no page cache page is
 * mapped back before the seed's patch 2).
 *
 *	start      PMD[A] = huge -> H
 *	register   PMD[A] -> table: PTE[5] -> C, PTE[0..15] others -> small pages
 *	unregister PTE[5] -> C' (anon, F5's content)      H is 512 small pages
 */
static void test_pmd_mapped_thp_foll_split(void **state)
{
	struct machine *m = machine_with("foll-split");
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=always", PMD_SIZE);
	struct uprobe_consumer uc;
	unsigned long head, c;

	(void)state;
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	head = pte_pfn(pmd_of(m, t, A));
	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	assert_false(PageCompound(m, head));
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], 1);
	assert_int_equal(node_stat(m, NR_SHMEM_THPS), 0);
	uprobe_unregister(m, inode, 0x5123, &uc);
	c = pte_pfn(pte_of(m, t, A + 5 * PAGE_SIZE));
	assert_true(PageAnon(m, c));
	assert_false(page_has_swbp(m, c, 0x123));
	assert_int_equal(page_content(m, c), page_content(m, head + 5));
	assert_int_equal(uprobe_stats(m)->orig_restored, 0);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	t_check(m);
	machine_destroy(m);
}

/*
 * A page a debugger already COWed (Oleg: "Not only uprobe can cow the
 * page. Debugger can do."): a FOLL_WRITE|FOLL_FORCE write made an
 * anonymous copy and changed it.  The breakpoint copies that copy; on
 * removal the result is not the page cache's page, so a copy stays and
 * the debugger's change survives.
 *
 *	poke       PTE[2] -> D (anon, the debugger's content)
 *	register   PTE[2] -> C (D's content + int3)          D freed
 *	unregister PTE[2] -> C' (D's content)
 */
static void test_probe_in_cowed_page(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long d, c;
	uint64_t poked;

	(void)state;
	map_text(m, t, 16 * PAGE_SIZE);
	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(get_user_pages_remote(m, t->mm, A + 2 * PAGE_SIZE, 1,
					       FOLL_WRITE | FOLL_FORCE, &d, NULL), 1);
	up_read(m, &t->mm->mmap_lock);
	page_content_write(m, d);		/* access_process_vm's write */
	poked = page_content(m, d);
	put_page(m, d);

	assert_int_equal(reg(m, inode, 0x2010, &uc), 0);
	c = pte_pfn(pte_of(m, t, A + 2 * PAGE_SIZE));
	assert_int_not_equal(c, d);
	assert_int_equal(page_content(m, c), swbp_content(m, poked, 0x10, true));
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	uprobe_unregister(m, inode, 0x2010, &uc);
	c = pte_pfn(pte_of(m, t, A + 2 * PAGE_SIZE));
	assert_true(PageAnon(m, c));
	assert_int_equal(page_content(m, c), poked);
	assert_int_equal(uprobe_stats(m)->orig_restored, 0);
	assert_int_equal(t->mm->rss_stat[MM_ANONPAGES], 1);
	t_check(m);
	machine_destroy(m);
}

/*
 * Two processes map the text: each gets its own copy, each gets F3
 * back.  A child forked with the breakpoint installed shares its
 * parent's copy (fork copies the PTEs of a VMA with an anon_vma, and
 * MMF_HAS_UPROBES), and removal gives the child F3 back too.
 *
 *	register   p: PTE[3] -> Cp     q: PTE[3] -> Cq     (fork) c: PTE[3] -> Cp
 *	unregister p, q, c: PTE[3] -
 */
static void test_two_processes_and_fork(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *p = proc(m, "p"), *q = proc(m, "q"), *c;
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long cp, cq;
	struct state ps, qs;
	int err;

	(void)state;
	map_text(m, p, 16 * PAGE_SIZE);
	map_text(m, q, 16 * PAGE_SIZE);
	touch(m, p, A, 16 * PAGE_SIZE);
	touch(m, q, A, 16 * PAGE_SIZE);
	ps = state_of(m, p);
	qs = state_of(m, q);
	assert_int_equal(reg(m, inode, 0x3000, &uc), 0);
	cp = pte_pfn(pte_of(m, p, A + 3 * PAGE_SIZE));
	cq = pte_pfn(pte_of(m, q, A + 3 * PAGE_SIZE));
	assert_int_not_equal(cp, cq);
	assert_true(page_has_swbp(m, cp, 0) && page_has_swbp(m, cq, 0));
	assert_int_equal(page_mapcount(m, page_cache_lookup(m, inode, 3)), 0);
	c = do_fork(m, p, "c", &err);
	assert_non_null(c);
	assert_int_equal(pte_pfn(pte_of(m, c, A + 3 * PAGE_SIZE)), cp);
	assert_int_equal(page_mapcount(m, cp), 2);
	assert_true(c->mm->flags & (1UL << MMF_HAS_UPROBES));
	t_check(m);
	uprobe_unregister(m, inode, 0x3000, &uc);
	assert_int_equal(pte_of(m, p, A + 3 * PAGE_SIZE), 0);
	assert_int_equal(pte_of(m, q, A + 3 * PAGE_SIZE), 0);
	assert_int_equal(pte_of(m, c, A + 3 * PAGE_SIZE), 0);
	assert_int_equal(uprobe_stats(m)->orig_restored, 3);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	do_exit(m, c, 0);
	touch(m, p, A + 3 * PAGE_SIZE, PAGE_SIZE);
	touch(m, q, A + 3 * PAGE_SIZE, PAGE_SIZE);
	{
		struct state pe = state_of(m, p), qe = state_of(m, q);

		assert_same_state(&ps, &pe);
		assert_same_state(&qs, &qe);
	}
	t_check(m);
	machine_destroy(m);
}

/*
 * munmap and exit with a breakpoint installed: the copies go with the
 * mapping (uprobe_munmap only notes MMF_RECALC_UPROBES), the uprobe stays
 * registered, and unregistering later has nothing left to do there.
 */
static void test_munmap_and_exit_with_probe(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *p = proc(m, "p"), *q = proc(m, "q");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long before;

	(void)state;
	before = free_pages(m);
	map_text(m, p, 16 * PAGE_SIZE);
	map_text(m, q, 16 * PAGE_SIZE);
	assert_int_equal(reg(m, inode, 0x4000, &uc), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 2);
	assert_int_equal(vm_munmap(m, p, A, 16 * PAGE_SIZE), 0);
	assert_true(p->mm->flags & (1UL << MMF_RECALC_UPROBES));
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 1);
	do_exit(m, q, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	assert_non_null(find_uprobe(m, inode, 0x4000));
	t_check(m);
	uprobe_unregister(m, inode, 0x4000, &uc);
	assert_int_equal(uprobe_stats(m)->removals, 0);
	assert_null(find_uprobe(m, inode, 0x4000));
	do_exit(m, p, 0);
	/* only the page cache is left: both pgds (order 1) are back too */
	assert_int_equal(free_pages(m), before + 4);
	assert_int_equal(node_stat(m, NR_PAGETABLE), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * A mapping made after the uprobe was registered gets the breakpoint
 * from uprobe_mmap, in mmap itself; removal restores it as any other.
 */
static void test_mapping_made_after_register(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long c;

	(void)state;
	assert_int_equal(reg(m, inode, 0x7008, &uc), 0);
	assert_int_equal(uprobe_stats(m)->installs, 0);
	map_text(m, t, 16 * PAGE_SIZE);
	assert_int_equal(uprobe_stats(m)->installs, 1);
	c = pte_pfn(pte_of(m, t, A + 7 * PAGE_SIZE));
	assert_true(PageAnon(m, c));
	assert_true(page_has_swbp(m, c, 8));
	/* a writable private mapping cannot take breakpoints (valid_vma) */
	assert_int_equal(ksys_mmap_pgoff(m, t, A + PMD_SIZE, 16 * PAGE_SIZE,
					 PROT_READ | PROT_WRITE | PROT_EXEC,
					 MAP_PRIVATE | MAP_FIXED, (int)do_sys_open(m, t, "/mnt/prog",
										    O_RDONLY), 0),
			 (long)(A + PMD_SIZE));
	assert_int_equal(uprobe_stats(m)->installs, 1);
	uprobe_unregister(m, inode, 0x7008, &uc);
	assert_int_equal(pte_of(m, t, A + 7 * PAGE_SIZE), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * What registration refuses: an offset beyond EOF (-EINVAL), one at EOF
 * that some mapping covers (copy_insn, run at the first install, reads
 * nothing: -EIO), an instruction that is a breakpoint itself
 * (-ENOTSUPP); a failed registration leaves no uprobe behind.  With no
 * mapping to install into, nothing is read and registration succeeds.
 */
static void test_register_refused(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=never", 16 * PAGE_SIZE);
	struct uprobe_consumer uc;
	unsigned long f;

	(void)state;
	map_text(m, t, 16 * PAGE_SIZE);
	assert_int_equal(reg(m, inode, 16 * PAGE_SIZE + 1, &uc), -EINVAL);
	assert_int_equal(reg(m, inode, 16 * PAGE_SIZE, &uc), 0);
	uprobe_unregister(m, inode, 16 * PAGE_SIZE, &uc);
	map_text(m, t, 32 * PAGE_SIZE);		/* now page 16 is mapped (beyond EOF) */
	assert_int_equal(reg(m, inode, 16 * PAGE_SIZE, &uc), -EIO);
	assert_null(find_uprobe(m, inode, 16 * PAGE_SIZE));
	f = page_cache_lookup(m, inode, 9);
	set_page_content(m, f, swbp_content(m, page_content(m, f), 0x40, true));
	assert_int_equal(reg(m, inode, 0x9040, &uc), -ENOTSUPP);
	assert_null(find_uprobe(m, inode, 0x9040));
	assert_int_equal(uprobe_stats(m)->installs, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 6.1's checks in uprobe_write_opcode itself.  A breakpoint in the page
 * cache's own THP page (the file holds int3 there) found on removal is
 * the WARN "uprobe unregister should never work on compound page" and
 * -EINVAL; the zero page (a private /dev/zero mapping, file-backed but
 * anonymous) is -EINVAL.  Neither changes a page table.
 */
static void test_write_opcode_refusals(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=always", PMD_SIZE);
	struct uprobe up = { .inode = inode, .offset = 0x3010 };
	struct vm_area_struct *vma;
	unsigned long head;
	pteval_t pmd;

	(void)state;
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	pmd = pmd_of(m, t, A);
	head = pte_pfn(pmd);
	set_page_content(m, head + 3, swbp_content(m, page_content(m, head + 3), 0x10, true));
	down_write(m, &t->mm->mmap_lock);
	assert_int_equal(uprobe_write_opcode(m, &up, t->mm, A + 0x3010, false), -EINVAL);
	up_write(m, &t->mm->mmap_lock);
	assert_int_equal(uprobe_stats(m)->unregister_compound, 1);
	assert_int_equal(pmd_of(m, t, A), pmd);

	assert_int_equal(ksys_mmap_pgoff(m, t, A + PMD_SIZE, 16 * PAGE_SIZE, RX,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 (long)(A + PMD_SIZE));
	touch(m, t, A + PMD_SIZE, PAGE_SIZE);
	vma = find_vma(t->mm, A + PMD_SIZE);
	vma->vm_file = inode;		/* what mmap of /dev/zero, MAP_PRIVATE, leaves */
	down_write(m, &t->mm->mmap_lock);
	assert_int_equal(uprobe_write_opcode(m, &up, t->mm, A + PMD_SIZE, true), -EINVAL);
	up_write(m, &t->mm->mmap_lock);
	vma->vm_file = NULL;
	assert_true(is_zero_pfn(m, pte_pfn(pte_of(m, t, A + PMD_SIZE))));
	t_check(m);
	machine_destroy(m);
}

/*
 * After the last breakpoint of a PMD-mapped THP goes, 6.1 collapses the
 * page table (collapse_pte_mapped_thp with install_pmd false), so the
 * next access maps the THP by PMD again: the whole picture back.
 * Needs the khugepaged branch's collapse_pte_mapped_thp.
 */
static void test_restore_then_pmd_mapped_again(void **state)
{
	struct machine *m;
	struct task *t;
	struct inode *inode;
	struct uprobe_consumer uc;
	struct state start, end;

	(void)state;
	m = machine_with(NULL);
	t = proc(m, "p");
	inode = make_prog(m, "huge=always", PMD_SIZE);
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	start = state_of(m, t);
	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	uprobe_unregister(m, inode, 0x5123, &uc);
	touch(m, t, A, PMD_SIZE);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	end = state_of(m, t);
	assert_same_state(&start, &end);
	t_check(m);
	machine_destroy(m);
}

/*
 * The wake-ups until the probed text is PMD-mapped again
 * (uprobe_remap_wakeups), under 6.1.  The restore's collapse cannot
 * happen while the table holds a non-present PTE (written by the test:
 * swap is not modelled), so the range waits for khugepaged: each
 * wake-up's scan finds T mapped by PTEs and puts the range in the mm's
 * array, and the mm's next turn (in the same wake-up: the file scan
 * dropped the mmap lock) tries it.  Once the entry is gone, the second
 * wake-up collapses it.  A second round of probes starts the count
 * again, and without the entry the restore collapses at once: 0.
 *
 *	register   PMD[A] -> table: PTE[5] -> C, PTE[20] = swp
 *	unregister PTE[5] -, collapse: pte_non_present       never
 *	khugepaged 1: into the array, tried: pte_non_present never
 *	PTE[20] -, khugepaged 1: the table goes              2
 */
static void test_remap_wakeups(void **state)
{
	struct machine *m = machine_with(NULL);
	struct task *t = proc(m, "p");
	struct inode *inode = make_prog(m, "huge=always", PMD_SIZE);
	struct uprobe_consumer uc;
	unsigned long table;

	(void)state;
	assert_int_equal(uprobe_remap_wakeups(m), 0);		/* nothing probed yet */
	map_text(m, t, PMD_SIZE);
	touch(m, t, A, PMD_SIZE);
	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	assert_int_equal(uprobe_remap_wakeups(m), UPROBE_REMAP_NEVER);
	table = pte_pfn(pmd_of(m, t, A));
	pt_write(m, table, 20, 0x1234000ULL);			/* not present, not none */
	uprobe_unregister(m, inode, 0x5123, &uc);
	assert_int_equal(khugepaged_stats(m)->cpmt[SCAN_PTE_NON_PRESENT], 1);
	assert_int_equal(uprobe_remap_wakeups(m), UPROBE_REMAP_NEVER);
	khugepaged_run(m, 1);
	assert_int_equal(khugepaged_stats(m)->pte_mapped_thp_added, 1);
	assert_int_equal(khugepaged_stats(m)->cpmt[SCAN_PTE_NON_PRESENT], 2);
	assert_int_equal(khugepaged_nr_pte_mapped_thp(m, t->mm, NULL), 0);
	assert_int_equal(uprobe_remap_wakeups(m), UPROBE_REMAP_NEVER);
	pt_write(m, table, 20, 0);
	khugepaged_run(m, 1);
	assert_int_equal(pmd_of(m, t, A), 0);			/* the table went */
	assert_int_equal(uprobe_remap_wakeups(m), 2);
	touch(m, t, A, PMD_SIZE);
	assert_true(pmd_leaf(pmd_of(m, t, A)));
	t_check(m);

	assert_int_equal(reg(m, inode, 0x5123, &uc), 0);
	assert_int_equal(uprobe_remap_wakeups(m), UPROBE_REMAP_NEVER);
	uprobe_unregister(m, inode, 0x5123, &uc);
	assert_int_equal(uprobe_remap_wakeups(m), 0);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_page_install_restore),
		cmocka_unit_test(test_orig_page_not_uptodate),
		cmocka_unit_test(test_two_breakpoints_one_page),
		cmocka_unit_test(test_pmd_mapped_shmem_thp),
		cmocka_unit_test(test_pmd_mapped_thp_split_pmd),
		cmocka_unit_test(test_pmd_mapped_thp_foll_split),
		cmocka_unit_test(test_probe_in_cowed_page),
		cmocka_unit_test(test_two_processes_and_fork),
		cmocka_unit_test(test_munmap_and_exit_with_probe),
		cmocka_unit_test(test_mapping_made_after_register),
		cmocka_unit_test(test_register_refused),
		cmocka_unit_test(test_write_opcode_refusals),
		cmocka_unit_test(test_restore_then_pmd_mapped_again),
		cmocka_unit_test(test_remap_wakeups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
