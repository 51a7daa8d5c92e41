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
 * The split costs one buddy page (NR_PAGETABLE), the collapse frees it.
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
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], 1);
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
	pstore_frame_copy(m, copy, old);
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
			plist_for_each(m, pfn, &z->free_area[o].free_list[t]) {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
