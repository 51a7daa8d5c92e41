// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hvo.c - the vmemmap optimisation mechanism under every policy.
 *
 * A 2 MiB hugepage's struct pages fill 8 vmemmap frames; 64 hugepages in a
 * row fill one vmemmap PMD (one 2 MiB block of boot memmap):
 *
 *   vmemmap PMD  | hp0: f0 f1 f2..f3 f4..f7 | hp1: f8 .. f15 | ... | hp63 |
 *   reuse-head   |     kept  o0  o1    o2   |   kept o0 o1 o2 | ...        |
 *   new-head     |  all eight freed; later new heads reuse some of them  |
 *
 * The tests allocate hugepages straight from the buddy (as the pool
 * would, refcount frozen) and call the HVO entry points directly.
 */
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "cpu.h"
#include "pgtable.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "policies/hvo.h"

static const struct hstate h2m = { .order = 9 };
static const struct hstate h1g = { .order = 18 };

static struct machine *hvo_machine(const char *policy, unsigned long mb, unsigned int sps)
{
	struct machine_opts o;

	t_opts(&o, 1, mb, 2);
	o.hugetlb_free_vmemmap = true;
	o.struct_page_size = sps;
	assert_true(policy_set_pick(&o.policies, "hvo", policy));
	return t_boot(&o);
}

static unsigned long vframe(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	assert_true(vmemmap_translate(m, va, &f, &rw));
	return f;
}

/* n hugepages, the first one starting a vmemmap PMD; their vmemmap frames in f[n][8] */
static int alloc_hugepages(struct machine *m, unsigned long *heads, int n,
			   unsigned long (*frames)[8])
{
	int got = 0;

	for (int i = 0; i < n; i++) {
		unsigned long p = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP |
						   __GFP_THISNODE | __GFP_RETRY_MAYFAIL, 9);

		if (p == PFN_NONE)
			break;
		assert_true(page_ref_freeze(m, p, 1));
		for (int k = 0; frames && k < 8; k++)
			frames[got][k] = vframe(m, page_va(m, p) + ((uint64_t)k << PAGE_SHIFT));
		heads[got++] = p;
	}
	return got;
}

/* The frame of the PTE table that maps vmemmap address va, or PFN_NONE */
static unsigned long vmemmap_pte_table(struct machine *m, uint64_t va)
{
	unsigned long table = PFN_NONE;
	enum pt_level lvl;
	unsigned int idx;

	pt_walk(m, m->init_mm, va, &lvl, &table, &idx);
	return lvl == PT_PTE ? table : PFN_NONE;
}

/* The order of the free block containing pfn, or -1 if pfn is not free */
static int free_order(struct machine *m, unsigned long pfn)
{
	for (int o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		if (PageBuddy(m, head) && (int)buddy_order(m, head) >= o)
			return (int)buddy_order(m, head);
	}
	return -1;
}

static void optimize_all(struct machine *m, const unsigned long *heads, int n)
{
	for (int i = 0; i < n; i++)
		hugetlb_vmemmap_optimize(m, &h2m, heads[i]);
}

/* Every policy: the frame accounting, and the page walk the selftest does */
static void check_policy(const char *name, bool new_head)
{
	struct machine *m = hvo_machine(name, 1024, 64);
	unsigned long heads[64], frames[64][8];
	unsigned long managed = zone_of(m, 0, ZONE_DMA32)->managed_pages;
	int n = alloc_hugepages(m, heads, 64, frames);

	assert_int_equal(n, 64);
	optimize_all(m, heads, n);
	assert_int_equal(m->hvo_stats.optimized, 64);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, (new_head ? 8 : 7) * 64);
	assert_int_equal(m->hvo_stats.bootmem_pages_freed, (new_head ? 8 : 7) * 64);
	assert_int_equal(m->hvo_stats.heads_allocated[0], new_head ? 64 : 0);
	/* free_bootmem_page hands the boot memmap to the zone */
	assert_int_equal(zone_of(m, 0, ZONE_DMA32)->managed_pages, managed + (new_head ? 8 : 7) * 64);

	/* hugepage-vmemmap selftest: head is head, all 511 others tails of it */
	for (int i = 0; i < n; i++) {
		assert_true(HPageVmemmapOptimized(m, heads[i]));
		assert_true(PageHead(m, heads[i]));
		assert_false(PageTail(m, heads[i]));
		for (unsigned long j = 1; j < 512; j++) {
			assert_false(PageHead(m, heads[i] + j));
			assert_true(PageTail(m, heads[i] + j));
			assert_int_equal(compound_head(m, heads[i] + j), heads[i]);
		}
		/* the tail vmemmap pages all map one frame, read-only */
		unsigned long reuse = vframe(m, page_va(m, heads[i]));

		assert_int_equal(reuse == frames[i][0], !new_head);
		for (int k = 1; k < 8; k++)
			assert_int_equal(vframe(m, page_va(m, heads[i]) + ((uint64_t)k << PAGE_SHIFT)), reuse);
	}
	drain_all_pages(m, NULL);
	/*
	 * The freed vmemmap frames sit in pageblocks boot left Unmovable
	 * (reserved memory past first_deferred_pfn), so the GFP_KERNEL
	 * allocations that follow them take them first, as in the kernel:
	 * the PTE tables of later PMD splits and, under new-head, the later
	 * hugepages' new head pages.  Every other frame is free again and
	 * merged with its neighbours.
	 */
	{
		int reused = 0, max_order = 0;

		for (int i = 0; i < n; i++)
			for (int k = new_head ? 0 : 1; k < 8; k++) {
				int o = free_order(m, frames[i][k]);

				if (o < 0) {
					bool taken = false;

					for (int j = 0; j < n; j++)
						taken |= vframe(m, page_va(m, heads[j])) == frames[i][k] ||
							 vmemmap_pte_table(m, page_va(m, heads[j])) ==
							 frames[i][k];
					if (!taken)
						fail_msg("hugepage %d's vmemmap frame %d (%#lx) is neither free "
							 "nor a head or PTE table", i, k, frames[i][k]);
					reused++;
				}
				max_order = o > max_order ? o : max_order;
			}
		assert_in_range(reused, 0, new_head ? n + 2 : 2);
		assert_true(max_order >= (new_head ? 3 : 2));
	}
	if (!new_head) {
		/* reuse-head frees [1], [2, 4), [4, 8): order 0, 1, 2 */
		int whole = 0;

		for (int i = 0; i < n; i++) {
			assert_false(PageBuddy(m, frames[i][0]));
			whole += free_order(m, frames[i][1]) == 0 && free_order(m, frames[i][2]) == 1 &&
				 free_order(m, frames[i][4]) == 2;
		}
		assert_in_range(whole, n - 2, n);
	}
	t_check(m);
	machine_destroy(m);
}

static void test_reuse_head(void **s) { (void)s; check_policy("reuse-head", false); }
static void test_new_head(void **s) { (void)s; check_policy("new-head", true); }
static void test_new_head_v1(void **s) { (void)s; check_policy("new-head-v1", true); }
static void test_new_head_aligned(void **s) { (void)s; check_policy("new-head-aligned", true); }
/* after boot the boot-only variant keeps the head, like 6.1 */
static void test_new_head_boot_runtime(void **s) { (void)s; check_policy("new-head-boot", false); }

/* While the machine still boots, new-head-boot replaces the head and frees without pcp */
static void test_new_head_boot_early(void **state)
{
	struct machine *m = hvo_machine("new-head-boot", 512, 64);
	unsigned long heads[4];
	int n = alloc_hugepages(m, heads, 4, NULL);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);

	(void)state;
	drain_all_pages(m, NULL);
	m->booted = false;		/* as if hugetlb_init ran before core_initcall */
	optimize_all(m, heads, n);
	m->booted = true;
	assert_int_equal(m->hvo_stats.heads_allocated[0], 4);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 32);
	/* nothing went through the per-cpu lists, except the PTE table refill */
	for (int c = 0; c < m->nr_cpus; c++)
		for (int l = 0; l < NR_PCP_LISTS; l++)
			if (l != MIGRATE_UNMOVABLE)
				assert_int_equal(z->pcp[c].lists_count[l], 0);
	t_check(m);
	machine_destroy(m);
}

/* 1 GiB: reuse-head frees 4095 frames; new-head allocates one and frees 4096 */
static void check_gigantic(const char *policy, unsigned long freed, unsigned long heads)
{
	struct machine *m = hvo_machine(policy, 4096, 64);
	unsigned long p = alloc_contig_pages(m, 1UL << 18, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);

	assert_int_not_equal(p, PFN_NONE);
	prep_compound_page(m, p, 18);
	set_page_count(m, p, 0);
	hugetlb_vmemmap_optimize(m, &h1g, p);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, freed);
	assert_int_equal(m->hvo_stats.heads_allocated[0], heads);
	assert_int_equal(m->hvo_stats.pmd_splits, 8);	/* 16 MiB of vmemmap */
	assert_int_equal(compound_head(m, p + 200000), p);
	assert_int_equal(hugetlb_vmemmap_restore(m, &h1g, p), 0);
	assert_int_equal(m->hvo_stats.restore_pages, 4095);
	assert_int_equal(compound_head(m, p + 200000), p);
	t_check(m);
	machine_destroy(m);
}

static void test_gigantic_reuse(void **s) { (void)s; check_gigantic("reuse-head", 4095, 0); }
static void test_gigantic_new(void **s) { (void)s; check_gigantic("new-head", 4096, 1); }

/* Restore gives every tail vmemmap page its own writable frame again */
static void test_restore(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 512, 64);
	unsigned long heads[8];
	int n = alloc_hugepages(m, heads, 8, NULL);

	(void)state;
	optimize_all(m, heads, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[i]), 0);
	assert_int_equal(m->hvo_stats.restore_pages, 7UL * n);
	assert_int_equal(m->hvo_stats.optimized, 0);
	for (int i = 0; i < n; i++) {
		assert_false(HPageVmemmapOptimized(m, heads[i]));
		for (unsigned long j = 1; j < 512; j++)
			assert_int_equal(compound_head(m, heads[i] + j), heads[i]);
		/* tails are writable again: no fault */
		set_page_private(m, heads[i] + 100, 5);
		assert_false(m->fail.failed);
		set_page_private(m, heads[i] + 100, 0);
	}
	t_check(m);
	machine_destroy(m);
}

/* Restore fails with -ENOMEM when memory is exhausted, and the page stays optimised */
static void test_restore_enomem(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 256, 64);
	unsigned long heads[1];
	int n = alloc_hugepages(m, heads, 1, NULL);

	(void)state;
	assert_int_equal(n, 1);
	optimize_all(m, heads, n);
	while (alloc_pages_node(m, 0, GFP_ATOMIC | __GFP_NOWARN, 0) != PFN_NONE)
		;
	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), -12);
	assert_int_equal(m->hvo_stats.restore_failed, 1);
	assert_true(HPageVmemmapOptimized(m, heads[0]));
	t_check(m);
	machine_destroy(m);
}

/* A tail write after optimisation faults (the tails are read-only) */
static void test_tail_write_faults(void **state)
{
	struct machine *m = hvo_machine("new-head", 512, 64);
	unsigned long heads[1];

	(void)state;
	alloc_hugepages(m, heads, 1, NULL);
	optimize_all(m, heads, 1);
	set_page_private(m, heads[0] + 64, 1);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "read-only vmemmap"));
	machine_destroy(m);
}

/* Struct page sizes: 72 is not a power of two (nothing optimised); 128 frees 15 of 16 */
static void test_struct_page_sizes(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 512, 72);
	unsigned long heads[1];

	(void)state;
	assert_int_equal(hugetlb_vmemmap_optimizable_size(m, &h2m), 0);
	alloc_hugepages(m, heads, 1, NULL);
	optimize_all(m, heads, 1);
	assert_int_equal(m->hvo_stats.optimized, 0);
	machine_destroy(m);

	m = hvo_machine("reuse-head", 512, 128);
	alloc_hugepages(m, heads, 1, NULL);
	optimize_all(m, heads, 1);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 15);
	t_check(m);
	machine_destroy(m);
}

/* HVO off: nothing happens */
static void test_disabled(void **state)
{
	struct machine *m = hvo_machine("new-head", 512, 64);
	unsigned long heads[1];

	(void)state;
	hugetlb_vmemmap_set_enabled(m, false);
	alloc_hugepages(m, heads, 1, NULL);
	optimize_all(m, heads, 1);
	assert_int_equal(m->hvo_stats.optimized, 0);
	assert_int_equal(m->hvo_stats.pmd_splits, 0);
	machine_destroy(m);
}

/*
 * 6.7 batching: 64 pages, one vmemmap PMD.  Per page the 6.2 flow flushes
 * after the split and after the remap; the batch flushes twice in all.
 */
static void test_batch_one_flush_per_phase(void **state)
{
	struct machine *m = hvo_machine("new-head-6.7", 1024, 64);
	unsigned long heads[64], flushes;
	int n = alloc_hugepages(m, heads, 64, NULL);

	(void)state;
	assert_true(hugetlb_vmemmap_batched(m));
	flushes = m->tlb_flushes;
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, (unsigned long)n);
	assert_int_equal(m->tlb_flushes - flushes, 2);
	assert_int_equal(m->hvo_stats.optimized, 64);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 8 * 64);
	t_check(m);
	machine_destroy(m);

	m = hvo_machine("new-head", 1024, 64);
	n = alloc_hugepages(m, heads, 64, NULL);
	assert_false(hugetlb_vmemmap_batched(m));
	flushes = m->tlb_flushes;
	optimize_all(m, heads, n);
	assert_true(m->tlb_flushes - flushes >= 65);
	machine_destroy(m);
}

/*
 * Two vmemmap PMDs of hugepages (A: pages 0-63, B: 64-127); page-table
 * allocations 2 and 3 fail.  The split phase stops at B; page 64's remap
 * fails with ENOMEM, the batch frees what it collected and retries once,
 * and the retry succeeds.
 */
static void test_batch_enomem_retry(void **state)
{
	struct machine *m = hvo_machine("new-head-6.7", 2048, 64);
	static unsigned long all[1024];
	unsigned long *heads = NULL;
	int n = alloc_hugepages(m, all, 1024, NULL);

	(void)state;
	/* find 128 consecutive hugepages starting a vmemmap PMD */
	for (int i = 0; i + 128 <= n && !heads; i++)
		if (!(page_va(m, all[i]) & (PMD_SIZE - 1)) && all[i + 127] == all[i] + 127 * 512)
			heads = &all[i];
	assert_non_null(heads);
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = 2;
	m->inject.pgtable_fail_count = 2;
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, 128);
	assert_int_equal(m->hvo_stats.batch_retries, 1);
	assert_int_equal(m->hvo_stats.optimized, 128);
	t_check(m);
	machine_destroy(m);
}

/*
 * Node 0 is full; its hugepages' new heads come from node 1 under 6.7
 * (no __GFP_THISNODE), while 6.2 falls back to reusing the old head.
 */
static void check_head_node_fallback(const char *policy, bool from_node1)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long heads[4];
	int n;

	t_opts(&o, 2, 512, 2);
	o.hugetlb_free_vmemmap = true;
	assert_true(policy_set_pick(&o.policies, "hvo", policy));
	m = t_boot(&o);
	n = alloc_hugepages(m, heads, 4, NULL);
	assert_int_equal(n, 4);
	while (alloc_pages_node(m, 0, GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN, 0) !=
	       PFN_NONE)
		;
	optimize_all(m, heads, n);
	assert_int_equal(m->hvo_stats.optimized, 4);
	assert_int_equal(m->hvo_stats.heads_allocated[0], 0);
	assert_int_equal(m->hvo_stats.heads_allocated[1], from_node1 ? 4 : 0);
	assert_int_equal(m->hvo_stats.head_alloc_failed, from_node1 ? 0 : 4);
	t_check(m);
	machine_destroy(m);
}

static void test_head_node_fallback_67(void **s) { (void)s; check_head_node_fallback("new-head-6.7", true); }
static void test_head_thisnode_62(void **s) { (void)s; check_head_node_fallback("new-head", false); }

/* 6.12: no head page, no optimisation (no fallback to reuse) */
static void test_612_no_head_no_hvo(void **state)
{
	struct machine *m = hvo_machine("new-head-6.12", 256, 64);
	unsigned long heads[1];

	(void)state;
	alloc_hugepages(m, heads, 1, NULL);
	while (alloc_pages_node(m, 0, GFP_ATOMIC | __GFP_NOWARN, 0) != PFN_NONE)
		;
	while (alloc_pages_node(m, 0, GFP_KERNEL | __GFP_NOWARN, 0) != PFN_NONE)
		;
	optimize_all(m, heads, 1);
	assert_int_equal(m->hvo_stats.optimized, 0);
	assert_int_equal(m->hvo_stats.head_alloc_failed, 1);
	assert_false(HPageVmemmapOptimized(m, heads[0]));
	t_check(m);
	machine_destroy(m);
}

/*
 * 6.12 head/tail scheme: PTE 0 maps the copy read-write, PTEs 1-7 the
 * same copy read-only; restore gives PTEs 1-7 new frames and leaves
 * PTE 0 on the copy.
 */
static void test_612_mapping_and_restore(void **state)
{
	struct machine *m = hvo_machine("new-head-6.12", 512, 64);
	unsigned long heads[1], frames[1][8], copy;
	uint64_t va;
	bool rw;

	(void)state;
	alloc_hugepages(m, heads, 1, frames);
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, 1);
	va = page_va(m, heads[0]);
	assert_true(vmemmap_translate(m, va, &copy, &rw));
	assert_true(rw);
	assert_int_not_equal(copy, frames[0][0]);
	for (int k = 1; k < 8; k++) {
		unsigned long f;

		assert_true(vmemmap_translate(m, va + ((uint64_t)k << PAGE_SHIFT), &f, &rw));
		assert_int_equal(f, copy);
		assert_false(rw);
	}
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 8);
	assert_int_equal(m->node[0].nr_memmap_pages, 1);
	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), 0);
	assert_true(vmemmap_translate(m, va, &copy, &rw));
	for (int k = 1; k < 8; k++) {
		unsigned long f;

		assert_true(vmemmap_translate(m, va + ((uint64_t)k << PAGE_SHIFT), &f, &rw));
		assert_int_not_equal(f, copy);
		assert_true(rw);
	}
	assert_int_equal(m->node[0].nr_memmap_pages, 8);
	/*
	 * Without reset_struct_pages the first struct page of each restored
	 * vmemmap page is a byte copy of the head (the frozen head: refcount
	 * 0); free_pages_prepare clears it (test_pool_shrink_2m), so only the
	 * others are checked here.
	 */
	for (unsigned long j = 64; j < 512; j += 64)
		assert_int_equal(page_ref_count(m, heads[0] + j), 0);
	for (unsigned long j = 1; j < 512; j++)
		if (j % 64)
			assert_int_equal(compound_head(m, heads[0] + j), heads[0]);
	t_check(m);
	machine_destroy(m);
}

/*
 * A pool of nr hugepages of size kb on every node, then back to 0, through
 * hugetlb_set_max_huge_pages as a write of nr_hugepages does.  After the
 * shrink every pool page is free memory again, and the first struct page
 * of each of its vmemmap pages (the one that read as a fake head while
 * optimised, and that 6.12's restore refills with a byte copy of the head)
 * is a plain free struct page: refcount 0, no PG_head.  All memory but the
 * PTE tables of the split vmemmap PMDs is free again.
 *
 *   hugepage h:  struct pages  0 .. 63 | 64 .. 127 | ... | 448 .. 511
 *   vmemmap:                    f0     |    f1     | ... |    f7
 *   checked:                           h+64        ...  h+448
 */
static void check_pool_shrink(const char *policy, int nodes, unsigned long mb,
			      unsigned long kb, unsigned long nr)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long heads[64], step, per_vpage, free_before;
	int n = 0;

	t_opts(&o, nodes, mb, 2);
	o.hugetlb_free_vmemmap = true;
	assert_true(policy_set_pick(&o.policies, "hvo", policy));
	m = t_boot(&o);
	h = hugetlb_size_to_hstate(m, kb << 10);
	assert_non_null(h);
	step = pages_per_huge_page(h);
	per_vpage = PAGE_SIZE / m->sps;
	drain_all_pages(m, NULL);
	free_before = global_zone_page_state(m, NR_FREE_PAGES);

	assert_int_equal(hugetlb_set_max_huge_pages(m, h, nr, NUMA_NO_NODE), 0);
	for (unsigned long pfn = 0; pfn < m->max_pfn && n < 64; pfn += step)
		if (pfn_valid(m, pfn) && PageHeadHuge(m, pfn))
			heads[n++] = pfn;
	assert_int_equal(n, nr);
	assert_int_equal(m->hvo_stats.optimized, nr);

	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 0, NUMA_NO_NODE), 0);
	assert_false(m->fail.failed);
	assert_int_equal(h->nr_huge_pages, 0);
	assert_int_equal(m->hvo_stats.restored, nr);
	for (int i = 0; i < n; i++) {
		for (unsigned long j = per_vpage; j < step; j += per_vpage) {
			if (page_ref_count(m, heads[i] + j) || PageHeadRaw(m, heads[i] + j))
				fail_msg("%s: hugepage %#lx struct page %lu: refcount %d, PG_head %d",
					 policy, heads[i], j, page_ref_count(m, heads[i] + j),
					 PageHeadRaw(m, heads[i] + j));
		}
	}
	/* all memory is back but the PTE tables of the split vmemmap PMDs */
	drain_all_pages(m, NULL);
	assert_true(m->hvo_stats.pmd_splits > 0);
	assert_int_equal(global_zone_page_state(m, NR_FREE_PAGES),
			 free_before - m->hvo_stats.pmd_splits);
	t_check(m);
	machine_destroy(m);
}

/* Every policy: 8 2 MiB pages on one node, 8 over two nodes, shrunk to 0 */
static void test_pool_shrink_2m(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < policy_family_hvo.nr_policies; i++) {
		check_pool_shrink(policy_family_hvo.policies[i].name, 1, 512, 2048, 8);
		check_pool_shrink(policy_family_hvo.policies[i].name, 2, 256, 2048, 8);
	}
}

/* reuse-head and new-head-6.12: one 1 GiB page, shrunk to 0 */
static void test_pool_shrink_1g(void **state)
{
	(void)state;
	check_pool_shrink("reuse-head", 1, 3072, 1048576, 1);
	check_pool_shrink("new-head-6.12", 1, 3072, 1048576, 1);
}

/* Freed vmemmap pages go through the per-cpu lists: buddy counts move only on drain */
static void test_freed_vmemmap_via_pcp(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 512, 64);
	unsigned long heads[8];
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	unsigned long before, pcp_before;
	int n = alloc_hugepages(m, heads, 8, NULL);

	(void)state;
	drain_all_pages(m, NULL);
	before = zone_page_state(z, NR_FREE_PAGES);
	pcp_before = pcp_total(m, z);
	optimize_all(m, heads, n);
	/* 56 frames freed: on the pcp list (less the table page it refilled for) */
	assert_true(pcp_total(m, z) >= pcp_before + 56 - 1);
	assert_true(zone_page_state(z, NR_FREE_PAGES) <= before);
	drain_all_pages(m, NULL);
	assert_int_equal(pcp_total(m, z), 0);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), before + 56 - 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   hugepage p, 2 CPUs; vmemmap of p: | v0: p..p+63 | v1: p+64..p+127 | ... | v7 |
 *   cpu 1 reads struct page p+64 (its TLB now maps v1 -> its own frame)
 *   cpu 0 optimises p: v1..v7 -> v0's frame, read-only; old frames freed
 *   cpu 1 reads p+64 again: it must see v0's frame, i.e. the head's bytes
 *   (a fake head), including what cpu 0 wrote into the head afterwards.
 * Then the reverse: cpu 1 caches v1 -> v0's frame, cpu 0 restores (v1 gets
 * a new frame) and writes p+64 there; cpu 1 must read that write.  A
 * flush that reaches only the flushing CPU leaves cpu 1 on the old frame.
 */
static void test_remap_reaches_other_cpu(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 256, 64);
	unsigned long heads[1], p;

	(void)state;
	assert_int_equal(m->nr_cpus, 2);
	assert_int_equal(alloc_hugepages(m, heads, 1, NULL), 1);
	p = heads[0];

	m->cur_cpu = 1;
	assert_false(PageHeadRaw(m, p + 64));
	assert_int_equal(page_compound_head_raw(m, p + 64), page_va(m, p) | 1);
	m->cur_cpu = 0;
	hugetlb_vmemmap_optimize(m, &h2m, p);
	assert_true(HPageVmemmapOptimized(m, p));
	set_page_index(m, p, 0x1234);
	m->cur_cpu = 1;
	assert_true(PageHeadRaw(m, p + 64));
	assert_int_equal(page_compound_head_raw(m, p + 64), page_compound_head_raw(m, p));
	assert_int_equal(page_index(m, p + 64), 0x1234);
	/* v7 was never read by cpu 1, but its walk went through a PMD cpu 1 cached */
	assert_true(PageHeadRaw(m, p + 448));

	/* cpu 1 now caches v1 -> v0's frame; cpu 0 restores and writes the new v1 */
	m->cur_cpu = 0;
	set_page_index(m, p, 0);
	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, p), 0);
	set_page_index(m, p + 64, 0x5678);
	m->cur_cpu = 1;
	assert_false(PageHeadRaw(m, p + 64));
	assert_int_equal(page_compound_head_raw(m, p + 64), page_va(m, p) | 1);
	assert_int_equal(page_index(m, p + 64), 0x5678);
	m->cur_cpu = 0;
	set_page_index(m, p + 64, 0);
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

/*
 * Every policy, one 2 MiB hugepage p:
 *   optimise -> restore -> optimise -> restore
 * The first optimisation frees boot memmap frames (PageReserved: the
 * 6.12 nr_memmap_boot_pages count drops, free_bootmem_page hands them to
 * the zone); restore backs the tails with buddy pages; the second
 * optimisation frees those (plain __free_page, nr_memmap_pages drops)
 * and no boot frame.  So after each optimisation the machine is in the
 * same state: the same memmap counts, the same free memory, and p's
 * vmemmap as before.  new-head-boot replaces the head and frees without
 * the per-cpu lists when it runs before the machine has booted: that
 * path is taken too (both optimisations "early").
 */
static void check_reoptimize(const char *policy, bool early)
{
	struct machine *m = hvo_machine(policy, 512, 64);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	unsigned long heads[1], freed1, boot1, free1;
	long memmap1, memmap_boot1;

	assert_int_equal(alloc_hugepages(m, heads, 1, NULL), 1);
	if (early)
		m->booted = false;
	optimize_all(m, heads, 1);
	m->booted = true;
	assert_true(HPageVmemmapOptimized(m, heads[0]));
	freed1 = m->hvo_stats.vmemmap_pages_freed;
	boot1 = m->hvo_stats.bootmem_pages_freed;
	assert_int_equal(boot1, freed1);		/* all of it was boot memmap */
	memmap1 = m->node[0].nr_memmap_pages;
	memmap_boot1 = m->node[0].nr_memmap_boot_pages;
	drain_all_pages(m, NULL);
	free1 = zone_page_state(z, NR_FREE_PAGES);

	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), 0);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap1 + 7);
	if (early)
		m->booted = false;
	optimize_all(m, heads, 1);
	m->booted = true;
	assert_true(HPageVmemmapOptimized(m, heads[0]));
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 2 * freed1);
	assert_int_equal(m->hvo_stats.bootmem_pages_freed, boot1);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap1);
	assert_int_equal(m->node[0].nr_memmap_boot_pages, memmap_boot1);
	drain_all_pages(m, NULL);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free1);
	for (unsigned long j = 1; j < 512; j++)
		assert_int_equal(compound_head(m, heads[0] + j), heads[0]);
	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), 0);
	assert_false(HPageVmemmapOptimized(m, heads[0]));
	t_check(m);
	machine_destroy(m);
}

static void test_reoptimize_frees_buddy_frames(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < policy_family_hvo.nr_policies; i++)
		check_reoptimize(policy_family_hvo.policies[i].name, false);
	check_reoptimize("new-head-boot", true);
}

/*
 * 1 GiB page p, its vmemmap 16 MiB = 8 PMDs, page-table allocation k of
 * the remap fails (the split of PMD k):
 *   | PMD 1 | PMD 2 | ... | PMD k: split fails | ... | PMD 8 |
 *     walked: tails remapped to the reuse page, frames queued
 * vmemmap_remap_free puts every walked PTE back on its own frame (6.1's
 * vmemmap_restore_pte), frees the new head if it had one, and p stays
 * unoptimised: every vmemmap page maps its own writable frame again and
 * every tail still names p as its head.  Nothing leaks: only the PTE
 * tables of the k - 1 PMDs that were split stay allocated.  With k = 1
 * nothing was walked at all.
 */
static void check_remap_split_fails(const char *policy, long k)
{
	struct machine *m = hvo_machine(policy, 4096, 64);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	unsigned long p, free0, frames[8];
	uint64_t va;

	p = alloc_contig_pages(m, 1UL << 18, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	assert_int_not_equal(p, PFN_NONE);
	prep_compound_page(m, p, 18);
	set_page_count(m, p, 0);
	va = page_va(m, p);
	for (int i = 0; i < 8; i++)
		frames[i] = vframe(m, va + (uint64_t)i * PMD_SIZE + PAGE_SIZE);
	drain_all_pages(m, NULL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = k;
	m->inject.pgtable_fail_count = 1;
	hugetlb_vmemmap_optimize(m, &h1g, p);
	m->inject.pgtable_fail_count = 0;

	assert_false(HPageVmemmapOptimized(m, p));
	assert_int_equal(m->hvo_stats.optimized, 0);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 0);
	assert_int_equal(m->hvo_stats.pmd_splits, k - 1);
	for (int i = 0; i < 8; i++) {
		unsigned long f;
		bool rw;

		assert_true(vmemmap_translate(m, va + (uint64_t)i * PMD_SIZE + PAGE_SIZE, &f, &rw));
		assert_true(rw);
		assert_int_equal(f, frames[i]);
	}
	for (unsigned long j = 1; j < (1UL << 18); j += 4093)
		assert_int_equal(compound_head(m, p + j), p);
	set_page_private(m, p + 64, 7);		/* tails are writable: no fault */
	assert_false(m->fail.failed);
	set_page_private(m, p + 64, 0);
	drain_all_pages(m, NULL);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free0 - (k - 1));
	t_check(m);
	machine_destroy(m);
}

static void test_remap_split_fails_reuse(void **state)
{
	(void)state;
	check_remap_split_fails("reuse-head", 3);
	check_remap_split_fails("reuse-head", 1);
}

static void test_remap_split_fails_new_head(void **state)
{
	(void)state;
	check_remap_split_fails("new-head", 3);
	check_remap_split_fails("new-head", 1);
	check_remap_split_fails("new-head-v1", 2);
}

/*
 * The same failure as check_remap_split_fails on each version, with the
 * version's default HVO (6.1 reuse-head, 6.12 new-head-6.12): a 1 GiB
 * page p, the split of its third vmemmap PMD fails, 2 x 512 PTEs were
 * walked:
 *   PTE     | 0 .. 1023: walked, then rolled back   | 1024 .. 4095 |
 *   6.1     | each its own frame again, tails clean | untouched    |
 *   6.12    | frame 1023 - j, a copy of the new head | untouched   |
 * On 6.12 the rollback restores every PTE that maps the shared page,
 * which in 6.12 is the head page too, from the list of pages the walk
 * took out, newest first, so PTE 0 gets the frame PTE 1023 had; every
 * restored page is a byte copy of the head page, so the struct page at
 * the start of each reads as a head (PG_head) with p no longer
 * optimised; the new head is mapped nowhere and never freed (one page
 * fewer free, one more memmap page).  p is unoptimised either way.
 */
static void check_rollback_by_version(bool v612)
{
	enum { K = 3, WALKED = (K - 1) * 512, NV = 4096 };
	struct machine_opts o;
	struct machine *m;
	struct zone *z;
	static unsigned long frames[NV];
	unsigned long p, free0;
	const char *pol;
	long memmap0;
	uint64_t va;

	t_opts(&o, 1, 4096, 2);
	o.hugetlb_free_vmemmap = true;
	o.kver = v612 ? MM_KVER(6, 12) : MM_KVER(6, 1);
	m = t_boot(&o);
	pol = v612 ? "new-head-6.12" : "reuse-head";
	assert_ptr_equal(hvo_ops(m), policy_find(&policy_family_hvo, pol, strlen(pol))->ops);
	z = zone_of(m, 0, ZONE_DMA32);
	p = alloc_contig_pages(m, 1UL << 18, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	assert_int_not_equal(p, PFN_NONE);
	prep_compound_page(m, p, 18);
	set_page_count(m, p, 0);
	va = page_va(m, p);
	for (int j = 0; j < NV; j++)
		frames[j] = vframe(m, va + ((uint64_t)j << PAGE_SHIFT));
	drain_all_pages(m, NULL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	memmap0 = m->node[0].nr_memmap_pages;
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = K;
	m->inject.pgtable_fail_count = 1;
	hugetlb_vmemmap_optimize(m, &h1g, p);
	m->inject.pgtable_fail_count = 0;

	assert_false(m->fail.failed);
	assert_false(HPageVmemmapOptimized(m, p));
	assert_int_equal(m->hvo_stats.optimized, 0);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 0);
	assert_int_equal(m->hvo_stats.pmd_splits, K - 1);
	assert_int_equal(m->hvo_stats.heads_allocated[0], v612 ? 1 : 0);
	assert_int_equal(m->hvo_stats.rollback_heads_lost, v612 ? 1 : 0);
	for (int j = 0; j < NV; j++) {
		unsigned long f, want = v612 && j < WALKED ? frames[WALKED - 1 - j] : frames[j];
		bool rw;

		assert_true(vmemmap_translate(m, va + ((uint64_t)j << PAGE_SHIFT), &f, &rw));
		assert_true(rw);
		if (f != want)
			fail_msg("6.%d: vmemmap page %d maps %#lx, not %#lx", v612 ? 12 : 1, j, f,
				 want);
	}
	assert_true(PageHeadRaw(m, p));
	for (unsigned long j = 1; j < NV; j++) {
		unsigned long first = p + j * 64;	/* the first struct page of vmemmap page j */
		bool fake = v612 && j < WALKED;

		if (PageHeadRaw(m, first) != fake)
			fail_msg("6.%d: struct page %lu: PG_head %d", v612 ? 12 : 1, j * 64,
				 PageHeadRaw(m, first));
		assert_int_equal(compound_head(m, first), fake ? first : p);
		assert_int_equal(compound_head(m, first + 5), p);
	}
	drain_all_pages(m, NULL);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free0 - (K - 1) - (v612 ? 1 : 0));
	assert_int_equal(m->node[0].nr_memmap_pages, memmap0 + (v612 ? 1 : 0));
	machine_destroy(m);
}

static void test_rollback_61(void **s) { (void)s; check_rollback_by_version(false); }
static void test_rollback_612(void **s) { (void)s; check_rollback_by_version(true); }

/*
 * 6.12: a 1 GiB page whose first split fails walks nothing; the new head
 * is still on the list and is freed with it, as a vmemmap page (6.1: no
 * new head at all).  No page is lost.
 */
static void test_rollback_612_nothing_walked(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *z;
	unsigned long p, free0;

	(void)state;
	t_opts(&o, 1, 4096, 2);
	o.hugetlb_free_vmemmap = true;
	o.kver = MM_KVER(6, 12);
	m = t_boot(&o);
	z = zone_of(m, 0, ZONE_DMA32);
	p = alloc_contig_pages(m, 1UL << 18, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	assert_int_not_equal(p, PFN_NONE);
	prep_compound_page(m, p, 18);
	set_page_count(m, p, 0);
	drain_all_pages(m, NULL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = 1;
	m->inject.pgtable_fail_count = 1;
	hugetlb_vmemmap_optimize(m, &h1g, p);
	m->inject.pgtable_fail_count = 0;
	assert_false(HPageVmemmapOptimized(m, p));
	assert_int_equal(m->hvo_stats.heads_allocated[0], 1);
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 1);
	assert_int_equal(m->hvo_stats.rollback_heads_lost, 0);
	assert_int_equal(m->hvo_stats.pmd_splits, 0);
	drain_all_pages(m, NULL);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 6.12's batch with test_batch_enomem_nothing_collected's failures: h0's
 * remap fails before its first PTE, but its new head is on the batch's
 * list, so the list is not empty: the batch frees it and retries h0,
 * whose split then succeeds.  All four pages are optimised (6.7: three).
 */
static void test_batch_612_retries_with_the_head(void **state)
{
	struct machine_opts o;
	struct machine *m;
	static unsigned long all[256];
	unsigned long *heads = NULL;
	int n;

	(void)state;
	t_opts(&o, 1, 1024, 2);
	o.hugetlb_free_vmemmap = true;
	o.kver = MM_KVER(6, 12);
	m = t_boot(&o);
	n = alloc_hugepages(m, all, 256, NULL);
	for (int i = 0; i + 4 <= n && !heads; i++)
		if (!(page_va(m, all[i]) & (PMD_SIZE - 1)) && all[i + 3] == all[i] + 3 * 512)
			heads = &all[i];
	assert_non_null(heads);
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = 1;
	m->inject.pgtable_fail_count = 2;
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, 4);
	assert_int_equal(m->hvo_stats.batch_retries, 1);
	for (int i = 0; i < 4; i++)
		assert_true(HPageVmemmapOptimized(m, heads[i]));
	assert_int_equal(m->hvo_stats.optimized, 4);
	assert_int_equal(m->hvo_stats.pmd_splits, 1);
	assert_int_equal(m->hvo_stats.heads_allocated[0], 5);
	/* 8 per page, and the head of h0's failed attempt */
	assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 4 * 8 + 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   256 MiB, no watermarks or reserves, p optimised, then every free page
 *   taken but 3:
 *   | 3 free order-0 pages | everything else held |
 * Restoring p needs 7 pages: it takes the 3, fails on the 4th, gives the
 * 3 back and reports -ENOMEM; p stays optimised (its tails still map the
 * reuse page read-only) and no page is lost.
 */
static void test_restore_partial_alloc_gives_back(void **state)
{
	struct machine *m = hvo_machine("reuse-head", 256, 64);
	struct zone *z;
	static unsigned long held[70000];
	unsigned long heads[1], n = 0, free0, f;
	bool rw;

	(void)state;
	assert_int_equal(alloc_hugepages(m, heads, 1, NULL), 1);
	optimize_all(m, heads, 1);
	for_each_zone_of(m, z) {
		for (int w = 0; w < NR_WMARK; w++)
			z->_watermark[w] = 0;
		z->watermark_boost = 0;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			z->lowmem_reserve[zi] = 0;
	}
	/* a failed allocation leaves the other pcp lists alone: drain, go on */
	do {
		while (n < ARRAY_SIZE(held) &&
		       (held[n] = alloc_pages_node(m, 0, GFP_KERNEL | __GFP_NOWARN, 0)) != PFN_NONE)
			n++;
		drain_all_pages(m, NULL);
	} while (global_zone_page_state(m, NR_FREE_PAGES));
	assert_true(n > 3 && n < ARRAY_SIZE(held));
	for (int i = 0; i < 3; i++)
		__free_pages(m, held[--n], 0);
	drain_all_pages(m, NULL);
	free0 = global_zone_page_state(m, NR_FREE_PAGES);
	assert_int_equal(free0, 3);

	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), -12);
	assert_int_equal(m->hvo_stats.restore_failed, 1);
	assert_int_equal(m->hvo_stats.restore_pages, 0);
	assert_true(HPageVmemmapOptimized(m, heads[0]));
	assert_true(vmemmap_translate(m, page_va(m, heads[0]) + PAGE_SIZE, &f, &rw));
	assert_false(rw);
	drain_all_pages(m, NULL);
	assert_int_equal(global_zone_page_state(m, NR_FREE_PAGES), 3);
	while (n)
		__free_pages(m, held[--n], 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 6.7 batch of four hugepages in one vmemmap PMD; page-table allocations
 * 1 and 2 fail: the split phase stops at the first PMD, the remap of the
 * first page fails too (nothing collected yet, so no retry: 6.7 retries
 * only after freeing what it collected), the second page's split
 * succeeds and it and the rest are optimised.
 *   heads: | h0: ENOMEM, stays | h1 | h2 | h3 |   one PMD, split on h1
 */
static void test_batch_enomem_nothing_collected(void **state)
{
	struct machine *m = hvo_machine("new-head-6.7", 1024, 64);
	static unsigned long all[256];
	unsigned long *heads = NULL;
	int n = alloc_hugepages(m, all, 256, NULL);

	(void)state;
	for (int i = 0; i + 4 <= n && !heads; i++)
		if (!(page_va(m, all[i]) & (PMD_SIZE - 1)) && all[i + 3] == all[i] + 3 * 512)
			heads = &all[i];
	assert_non_null(heads);
	m->inject.pgtable_allocs = 0;
	m->inject.pgtable_fail_from = 1;
	m->inject.pgtable_fail_count = 2;
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, 4);
	assert_int_equal(m->hvo_stats.batch_retries, 0);
	assert_false(HPageVmemmapOptimized(m, heads[0]));
	for (int i = 1; i < 4; i++)
		assert_true(HPageVmemmapOptimized(m, heads[i]));
	assert_int_equal(m->hvo_stats.optimized, 3);
	assert_int_equal(m->hvo_stats.pmd_splits, 1);
	t_check(m);
	machine_destroy(m);

	/* HVO off: the batch touches nothing */
	m = hvo_machine("new-head-6.7", 512, 64);
	hugetlb_vmemmap_set_enabled(m, false);
	n = alloc_hugepages(m, all, 4, NULL);
	hugetlb_vmemmap_optimize_folios(m, &h2m, all, (unsigned long)n);
	assert_int_equal(m->hvo_stats.optimized, 0);
	assert_int_equal(m->hvo_stats.pmd_splits, 0);
	machine_destroy(m);
}

/*
 * The hvo table: every entry is named, says what it models and has every
 * op (the mechanism calls them unchecked); the registry finds each by its
 * name; the default is 6.1's.  The selection is resolved once: a machine
 * given no pick runs every family's default, one given a pick runs it.
 */
static void test_policy_table(void **state)
{
	const struct policy_family *f = &policy_family_hvo;
	struct policy_set none = { 0 }, all;
	struct machine_opts o;
	struct machine *m;
	char err[128];

	(void)state;
	assert_ptr_equal(policy_family_find("hvo", 3), f);
	assert_string_equal(f->policies[f->default_idx].name, "reuse-head");
	for (unsigned int i = 0; i < f->nr_policies; i++) {
		const struct policy *p = &f->policies[i];
		const struct hvo_ops *ops = p->ops;

		assert_non_null(p->name);
		assert_non_null(p->summary);
		assert_non_null(p->models);
		assert_ptr_equal(policy_find(f, p->name, strlen(p->name)), p);
		assert_non_null(ops);
		assert_non_null(ops->alloc_head);
		assert_non_null(ops->remap_pte);
		assert_non_null(ops->free_vmemmap_page_list);
		assert_non_null(ops->optimize_folio);
		assert_non_null(ops->restore_pte);
		assert_true(ops->restore_gfp & GFP_KERNEL);
		assert_non_null(ops->walk);
	}
	assert_null(policy_find(f, "no-such-policy", 14));
	assert_false(policy_set_pick(&none, "hvo", "no-such-policy"));
	assert_false(policy_set_pick(&none, "no-such-family", "new-head"));
	assert_int_equal(none.n, 0);

	assert_true(policy_set_resolve(&all, &none, err, sizeof(err)));
	assert_int_equal(all.n, policy_nr_families());
	assert_ptr_equal(policy_set_get(&all, f), &f->policies[f->default_idx]);

	t_opts(&o, 1, 64, 1);
	m = t_boot(&o);
	assert_ptr_equal(hvo_ops(m), f->policies[f->default_idx].ops);
	machine_destroy(m);
	m = hvo_machine("new-head-6.12", 64, 64);
	assert_ptr_equal(hvo_ops(m), policy_find(f, "new-head-6.12", 13)->ops);
	assert_true(hugetlb_vmemmap_batched(m));
	assert_true(hugetlb_vmemmap_restore_frozen(m));
	machine_destroy(m);
}


/* -------------------------------------------------------------------------
 * Seed 002: the walk HVO's remap goes through, and the lock it holds.
 *
 *   hvo entry       walker                       pagewalk-lock: none  6.1    6.8  6.17
 *   reuse-head      its own (6.1)                              ok    ok     ok   ok
 *   new-head-6.7    its own (6.7 < 6.8)                        ok    ok     ok   ok
 *   new-head-6.12   walk_page_range_novma                      ok*   WARN   ok   ok
 *
 * Every HVO holds mmap_read_lock(&init_mm) around its walks.  6.1's
 * walk_page_range_novma wants the write lock even for init_mm, so a 6.12
 * HVO on 6.1's walker warns (the reason seed 002's first patch exists);
 * nothing picked, new-head-6.12 brings 6.17's walker (*).  The remap
 * completes all the same: the assertion is a WARNING.
 */
#define W_61_READ "WARNING: walk_page_range_novma on CPU#0: mmap_assert_write_locked(init_mm) " \
		  "failed: the mmap lock is held for read"

static struct machine *walk_machine(const char *hvo, const char *lock)
{
	struct machine_opts o;

	t_opts(&o, 1, 256, 2);
	o.hugetlb_free_vmemmap = true;
	assert_true(policy_set_pick(&o.policies, "hvo", hvo));
	if (lock)
		assert_true(policy_set_pick(&o.policies, "pagewalk-lock", lock));
	return t_boot(&o);
}

static void test_walk_lock_by_policy(void **state)
{
	static const char *const hvos[] = { "reuse-head", "new-head-6.7", "new-head-6.12" };
	static const char *const locks[] = { NULL, "6.1", "6.8", "6.17" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hvos); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(locks); j++) {
			struct machine *m = walk_machine(hvos[i], locks[j]);
			bool warns = i == 2 && j == 1;
			unsigned long head;

			assert_int_equal(alloc_hugepages(m, &head, 1, NULL), 1);
			hugetlb_vmemmap_optimize(m, &h2m, head);
			if (warns != m->fail.failed)
				fail_msg("hvo=%s pagewalk-lock=%s: %s", hvos[i], locks[j] ? locks[j] : "-",
					 m->fail.failed ? m->fail.msg : "no warning");
			if (warns)
				assert_string_equal(m->fail.msg, W_61_READ);
			assert_true(HPageVmemmapOptimized(m, head));
			assert_int_equal(m->hvo_stats.optimized, 1);
			/* mmap_read_unlock(&init_mm): nobody holds it afterwards */
			assert_false(rwsem_is_locked(&m->init_mm->mmap_lock));
			machine_destroy(m);
		}
	}
}

/* new-head-6.12 with nothing picked walks with 6.17's walker: the implied entry */
static void test_612_implies_617_walker(void **state)
{
	const struct policy_family *f = policy_family_find("pagewalk-lock", 13);
	struct machine *m = walk_machine("new-head-6.12", NULL);

	(void)state;
	assert_non_null(f);
	assert_ptr_equal(machine_policy(m, f), policy_find(f, "6.17", 4)->ops);
	machine_destroy(m);
	m = walk_machine("new-head-6.12", "6.8");
	assert_ptr_equal(machine_policy(m, f), policy_find(f, "6.8", 3)->ops);
	machine_destroy(m);
	m = walk_machine("reuse-head", NULL);
	assert_ptr_equal(machine_policy(m, f), f->policies[f->default_idx].ops);
	assert_string_equal(f->policies[f->default_idx].name, "6.1");
	machine_destroy(m);
}

/*
 * The other walks of a 6.12 HVO on 6.1's walker warn the same way: the
 * batch's split-only walk (hugetlb_vmemmap_optimize_folios) and the
 * restore (vmemmap_remap_alloc).
 */
static void test_612_on_61_walker_split_and_restore(void **state)
{
	struct machine *m = walk_machine("new-head-6.12", "6.1");
	unsigned long heads[2];

	(void)state;
	assert_int_equal(alloc_hugepages(m, heads, 2, NULL), 2);
	hugetlb_vmemmap_optimize_folios(m, &h2m, heads, 2);
	assert_string_equal(m->fail.msg, W_61_READ);
	assert_int_equal(m->hvo_stats.optimized, 2);
	m->fail.failed = false;
	m->fail.msg[0] = '\0';
	assert_int_equal(hugetlb_vmemmap_restore(m, &h2m, heads[0]), 0);
	assert_string_equal(m->fail.msg, W_61_READ);
	assert_int_equal(m->hvo_stats.restored, 1);
	assert_false(rwsem_is_locked(&m->init_mm->mmap_lock));
	m->fail.failed = false;
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_reuse_head),
		cmocka_unit_test(test_new_head),
		cmocka_unit_test(test_new_head_v1),
		cmocka_unit_test(test_new_head_aligned),
		cmocka_unit_test(test_new_head_boot_runtime),
		cmocka_unit_test(test_new_head_boot_early),
		cmocka_unit_test(test_rollback_61),
		cmocka_unit_test(test_rollback_612),
		cmocka_unit_test(test_rollback_612_nothing_walked),
		cmocka_unit_test(test_batch_612_retries_with_the_head),
		cmocka_unit_test(test_gigantic_reuse),
		cmocka_unit_test(test_gigantic_new),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_restore_enomem),
		cmocka_unit_test(test_tail_write_faults),
		cmocka_unit_test(test_struct_page_sizes),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_batch_one_flush_per_phase),
		cmocka_unit_test(test_batch_enomem_retry),
		cmocka_unit_test(test_head_node_fallback_67),
		cmocka_unit_test(test_head_thisnode_62),
		cmocka_unit_test(test_612_no_head_no_hvo),
		cmocka_unit_test(test_612_mapping_and_restore),
		cmocka_unit_test(test_freed_vmemmap_via_pcp),
		cmocka_unit_test(test_pool_shrink_2m),
		cmocka_unit_test(test_pool_shrink_1g),
		cmocka_unit_test(test_remap_reaches_other_cpu),
		cmocka_unit_test(test_reoptimize_frees_buddy_frames),
		cmocka_unit_test(test_remap_split_fails_reuse),
		cmocka_unit_test(test_remap_split_fails_new_head),
		cmocka_unit_test(test_restore_partial_alloc_gives_back),
		cmocka_unit_test(test_batch_enomem_nothing_collected),
		cmocka_unit_test(test_walk_lock_by_policy),
		cmocka_unit_test(test_612_implies_617_walker),
		cmocka_unit_test(test_612_on_61_walker_split_and_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
