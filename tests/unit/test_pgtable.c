// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pgtable.c - page tables, the mapped vmemmap and per-CPU TLBs.
 *
 * The vmemmap of every test machine is mapped at boot by 2 MiB PMDs onto
 * node-local memblock frames; these tests split and collapse PMDs, remap
 * single vmemmap pages and check what each CPU then reads and writes.
 */
#include "testlib.h"
#include "pgtable.h"

static unsigned long frame_of(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	assert_true(vmemmap_translate(m, va, &f, &rw));
	return f;
}

/*
 *   node 0 [0, 256M)            node 1 [256M, 512M)
 *   | memmap (top) |            | memmap (top) |
 * The struct page of a node-1 pfn is backed by a node-1 frame through a
 * 2 MiB PMD leaf, and that frame is reserved boot memory.
 */
static void test_vmemmap_pmd_node_local(void **state)
{
	struct machine *m = t_machine(2, 256, 2);
	unsigned long pfn = (256UL << 20 >> PAGE_SHIFT) + 1000;
	enum pt_level level;
	pteval_t e = pt_walk(m, m->init_mm, page_va(m, pfn), &level, NULL, NULL);
	unsigned long f = frame_of(m, page_va(m, pfn));

	(void)state;
	assert_int_equal(level, PT_PMD);
	assert_true(pmd_leaf(e));
	assert_true(pte_write(e));
	assert_int_equal(pfn_to_nid(m, f), 1);
	assert_true(PageReserved(m, f));
	machine_destroy(m);
}

/*
 * PMD leaf -> split -> 512 PTEs mapping base+i -> collapse -> leaf again.
 * The split costs one buddy page, the collapse frees it.  A kernel table
 * is not in NR_PAGETABLE (6.1's pte_alloc_one_kernel has no constructor).
 */
static void test_split_collapse(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	uint64_t va = page_va(m, 4096) & ~(PMD_SIZE - 1);
	unsigned long base = frame_of(m, va);
	long tables = m->init_mm->nr_pgtables;
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	(void)state;
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	assert_int_equal(m->init_mm->nr_pgtables, tables + 1);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], 0);
	for (unsigned int i = 0; i < 512; i++) {
		pt_walk(m, m->init_mm, va + ((uint64_t)i << PAGE_SHIFT), &level, &table, &idx);
		assert_int_equal(level, PT_PTE);
		assert_int_equal(frame_of(m, va + ((uint64_t)i << PAGE_SHIFT)), base + i);
	}
	/* a second split of the same PMD is refused: it is no leaf any more */
	assert_int_not_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	assert_int_equal(pt_collapse_pmd(m, m->init_mm, va), 0);
	pt_walk(m, m->init_mm, va, &level, NULL, NULL);
	assert_int_equal(level, PT_PMD);
	assert_int_equal(m->init_mm->nr_pgtables, tables);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], 0);
	t_check(m);
	machine_destroy(m);
}

/* A PTE table whose entries are not one aligned run does not collapse */
static void test_collapse_refuses_mixed(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	uint64_t va = page_va(m, 4096) & ~(PMD_SIZE - 1);
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	(void)state;
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	pt_walk(m, m->init_mm, va + PAGE_SIZE, &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(frame_of(m, va), PAGE_KERNEL_RO));
	assert_int_not_equal(pt_collapse_pmd(m, m->init_mm, va), 0);
	machine_destroy(m);
}

/*
 * Remap the vmemmap page holding pfn P's struct page onto a copy N.
 *
 *   CPU0 TLB: va(P) -> old frame O      (filled before the remap)
 *   CPU1 TLB: empty
 *
 * Until a flush reaches CPU0 it keeps reading and writing O; CPU1 walks
 * the tables and sees N.  After flush_tlb_kernel_range both see N, and
 * CPU0's write to O is lost.
 */
static void test_tlb_stale_until_flush(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	unsigned long P = 20000;
	uint64_t va = page_va(m, P);
	unsigned long old, copy;
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	(void)state;
	m->cur_cpu = 0;
	set_page_private(m, P, 111);			/* fills CPU0's TLB */
	old = frame_of(m, va);
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	/* the split changed no translation, so no flush is needed yet */
	copy = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	fstore_frame_copy(m, copy, old);
	pt_walk(m, m->init_mm, va, &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(copy, PAGE_KERNEL));

	m->cur_cpu = 0;
	set_page_private(m, P, 222);			/* lands in the old frame */
	assert_int_equal(page_private(m, P), 222);
	m->cur_cpu = 1;
	assert_int_equal(page_private(m, P), 111);	/* CPU1 walks: the copy */

	flush_tlb_kernel_range(m, va & ~(PAGE_SIZE - 1), (va & ~(PAGE_SIZE - 1)) + PAGE_SIZE);
	m->cur_cpu = 0;
	assert_int_equal(page_private(m, P), 111);	/* the write to O is lost */
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/* A write through a read-only vmemmap PTE is a simulated fault, not a write */
static void test_readonly_fault(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	unsigned long P = 30000;
	uint64_t va = page_va(m, P);
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	(void)state;
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	pt_walk(m, m->init_mm, va, &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(frame_of(m, va), PAGE_KERNEL_RO));
	flush_tlb_all(m);
	assert_int_equal(page_ref_count(m, P), 0);	/* reads are fine */
	assert_false(m->fail.failed);
	set_page_count(m, P, 7);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "permissions violation"));
	assert_int_equal(page_ref_count(m, P), 0);
	machine_destroy(m);
}

/* Reading a struct page whose vmemmap is not mapped faults */
static void test_unmapped_vmemmap_faults(void **state)
{
	struct machine *m = t_machine(1, 256, 1);

	(void)state;
	/* far beyond the machine: no PGD/PUD entry there */
	(void)page_flags(m, 1UL << 34);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "not-present"));
	machine_destroy(m);
}

/*
 * Regression: free-list links used to hold raw pfns in lru.next, the word
 * compound_head shares, so a free block whose successor had an odd pfn
 * read as a tail page.  Every free block head must read !PageTail.
 */
static void test_free_links_are_not_tails(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	unsigned long a = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	unsigned long b = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	unsigned long pfn;

	(void)state;
	/* free the odd one last so it heads a list with an odd neighbour */
	__free_pages(m, (a & 1) ? b : a, 0);
	__free_pages(m, (a & 1) ? a : b, 0);
	drain_all_pages(m, NULL);
	for (int o = 0; o < MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			pfnlist_for_each(m, pfn, &z->free_area[o].free_list[t]) {
				assert_false(PageTail(m, pfn));
				assert_int_equal(compound_head(m, pfn), pfn);
			}
	machine_destroy(m);
}

/*
 *   [0 .. 2M) [2M .. 4M) ... [44M .. 46M) [46M .. 48M)
 *    r         r                r          percpu
 * One 4 KiB reservation at the start of every 2 MiB but the last, which
 * the percpu area (allocated first, PMD-aligned) takes.  No 2 MiB block
 * is left for the memmap, so vmemmap_populate falls back to base pages:
 * the section's memmap is mapped by 4 KiB PTEs onto 512 single frames.
 */
static void test_vmemmap_base_page_fallback(void **state)
{
	struct machine_opts o;
	struct machine *m;
	enum pt_level level;

	(void)state;
	t_opts(&o, 1, 48, 1);
	o.nr_reserves = 23;
	for (int i = 0; i < 23; i++)
		o.reserve[i] = (struct reserve_desc){ .start = (unsigned long)i << 21,
						      .size = PAGE_SIZE, .nid = -1 };
	m = t_boot(&o);
	pt_walk(m, m->init_mm, page_va(m, 100), &level, NULL, NULL);
	assert_int_equal(level, PT_PTE);
	assert_int_equal(m->node[0].memmap_pages, 512);
	assert_true(PageReserved(m, frame_of(m, page_va(m, 100))));
	/* the struct pages still read the boot state */
	assert_false(PageReserved(m, 5000));
	assert_int_equal(page_zonenum(m, 5000), ZONE_DMA32);
	assert_int_equal(page_zonenum(m, 2000), ZONE_DMA);
	t_check(m);
	machine_destroy(m);
}

/*
 * A page-table tree of its own (not init_mm), built after boot, so its
 * tables come from the buddy allocator:
 *   va 4M:  PGD -> PUD -> PMD -> PTE -> frame X      (pt_map at PT_PTE)
 *   va 1G:  PGD -> PUD -> PMD leaf -> 2 MiB block B  (pt_map at PT_PMD)
 * A table allocation that fails makes pt_map / mm_init_pgd return
 * -ENOMEM and leaves what was built; mapping a PTE where a PMD leaf is
 * is -EEXIST; splitting anything but a leaf PMD (a PMD or PUD entry that
 * is not there) or collapsing anything but a PTE table is -EINVAL; and a
 * PTE table collapses only if its 512 entries map one 2 MiB-aligned run
 * of frames, every one present, with one protection (the split leaf's
 * table does, until one of these is broken).
 */
static void test_own_tree_errors(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct mm_struct mm = { 0 };
	unsigned long x = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	unsigned long b = alloc_pages_node(m, 0, GFP_KERNEL, 9);
	long tables0 = m->node[0].vm_stat[NR_PAGETABLE];
	enum pt_level level;
	unsigned long table;
	unsigned int idx;
	pteval_t e;

	(void)state;
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = 1;
	m->inject.pgtable_fail_count = 1;
	assert_int_equal(mm_init_pgd(m, &mm, 0), -12);
	assert_int_equal(mm.pgd, PFN_NONE);
	assert_int_equal(mm_init_pgd(m, &mm, 0), 0);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], tables0);	/* kernel tables */

	/* the PMD table (the 2nd table pt_map allocates) fails */
	m->inject.pgtable_fail_from = m->inject.pgtable_allocs + 2;
	assert_int_equal(pt_map(m, &mm, 4UL << 20, x, PAGE_KERNEL, PT_PTE, 0), -12);
	assert_int_equal(mm.nr_pgtables, 1);
	e = pt_walk(m, &mm, 4UL << 20, &level, NULL, NULL);
	assert_int_equal(e, 0);
	assert_int_equal(level, PT_PUD);
	m->inject.pgtable_fail_count = 0;
	assert_int_equal(pt_map(m, &mm, 4UL << 20, x, PAGE_KERNEL, PT_PTE, 0), 0);
	assert_int_equal(mm.nr_pgtables, 3);
	e = pt_walk(m, &mm, 4UL << 20, &level, NULL, NULL);
	assert_int_equal(level, PT_PTE);
	assert_int_equal(pte_pfn(e), x);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], tables0);

	assert_int_equal(pt_map(m, &mm, SZ_1G, b, PAGE_KERNEL, PT_PMD, 0), 0);
	assert_int_equal(pt_map(m, &mm, SZ_1G + PAGE_SIZE, x, PAGE_KERNEL, PT_PTE, 0), -17);
	assert_int_equal(pt_collapse_pmd(m, &mm, SZ_1G), -22);		/* a leaf already */
	assert_int_equal(pt_split_pmd(m, &mm, SZ_1G + PMD_SIZE, 0), -22);	/* no PMD there */
	assert_int_equal(pt_split_pmd(m, &mm, 2 * SZ_1G, 0), -22);	/* no PUD there */

	/* collapse refusals on the split leaf: first frame, a hole, a protection */
	assert_int_equal(pt_split_pmd(m, &mm, SZ_1G, 0), 0);
	pt_walk(m, &mm, SZ_1G, &level, &table, &idx);
	assert_int_equal(level, PT_PTE);
	/* one run, but of frames [b + 1, b + 513): not 2 MiB aligned */
	for (unsigned int i = 0; i < 512; i++)
		pt_write(m, table, i, pfn_pte(b + 1 + i, PAGE_KERNEL));
	assert_int_equal(pt_collapse_pmd(m, &mm, SZ_1G), -22);
	for (unsigned int i = 0; i < 512; i++)
		pt_write(m, table, i, pfn_pte(b + i, PAGE_KERNEL));
	pt_write(m, table, 5, 0);
	assert_int_equal(pt_collapse_pmd(m, &mm, SZ_1G), -22);
	pt_write(m, table, 5, pfn_pte(b + 5, PAGE_KERNEL_RO));
	assert_int_equal(pt_collapse_pmd(m, &mm, SZ_1G), -22);
	pt_write(m, table, 5, pfn_pte(b + 5, PAGE_KERNEL));
	assert_int_equal(pt_collapse_pmd(m, &mm, SZ_1G), 0);
	e = pt_walk(m, &mm, SZ_1G + 5 * PAGE_SIZE, &level, NULL, NULL);
	assert_int_equal(level, PT_PMD);
	assert_int_equal(pte_pfn(e), b);
	assert_int_equal(mm.nr_pgtables, 4);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 *   1 x 256 MiB, every page GFP_KERNEL may take is taken
 * A vmemmap PMD split needs a PTE table from the buddy: with none to be
 * had it is -ENOMEM, the PMD stays a leaf and nothing is counted.
 */
static void test_split_without_memory(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	uint64_t va = page_va(m, 4096) & ~(PMD_SIZE - 1);
	long tables = m->init_mm->nr_pgtables;
	enum pt_level level;

	(void)state;
	while (alloc_pages_node(m, 0, GFP_KERNEL | __GFP_NOWARN, 0) != PFN_NONE)
		;
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), -12);
	pt_walk(m, m->init_mm, va, &level, NULL, NULL);
	assert_int_equal(level, PT_PMD);
	assert_int_equal(m->init_mm->nr_pgtables, tables);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], 0);
	machine_destroy(m);
}

/*
 *   | node memory [0, 130M) | nothing: (130M ...                        |
 *   section [128M, 256M) has a memmap; its sub-section [128M, 130M) has
 *   memory, [130M, 132M) does not
 * Addresses below the vmemmap, and vmemmap addresses of struct pages
 * that have no memmap (a sub-section without memory shares the section's
 * memmap PMD, a section beyond the machine has none), do not translate:
 * vmemmap_translate and vmemmap_peek both say so.  pfn_valid follows
 * the sub-section map (pfn_section_valid).
 */
static void test_translate_outside_vmemmap(void **state)
{
	struct machine *m = t_machine(1, 130, 1);
	unsigned long f, in = (129UL << 20) >> PAGE_SHIFT, hole = (131UL << 20) >> PAGE_SHIFT;
	uint64_t pa;
	bool rw;

	(void)state;
	assert_false(vmemmap_translate(m, PAGE_OFFSET, &f, &rw));
	assert_false(vmemmap_peek(m, PAGE_OFFSET, &f, &rw, &pa));
	assert_int_equal(pa, 0);
	assert_true(vmemmap_peek(m, page_va(m, in), &f, &rw, &pa));
	assert_int_equal(f, frame_of(m, page_va(m, in)));
	assert_false(vmemmap_translate(m, page_va(m, 1UL << 34), &f, &rw));
	assert_false(vmemmap_peek(m, page_va(m, 1UL << 34), &f, &rw, NULL));
	assert_true(pfn_valid(m, in));
	assert_false(pfn_valid(m, hole));
	assert_false(pfn_valid(m, 1UL << 34));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmemmap_pmd_node_local),
		cmocka_unit_test(test_split_collapse),
		cmocka_unit_test(test_collapse_refuses_mixed),
		cmocka_unit_test(test_tlb_stale_until_flush),
		cmocka_unit_test(test_readonly_fault),
		cmocka_unit_test(test_unmapped_vmemmap_faults),
		cmocka_unit_test(test_free_links_are_not_tails),
		cmocka_unit_test(test_vmemmap_base_page_fallback),
		cmocka_unit_test(test_own_tree_errors),
		cmocka_unit_test(test_split_without_memory),
		cmocka_unit_test(test_translate_outside_vmemmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
