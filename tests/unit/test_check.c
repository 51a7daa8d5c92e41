// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_check.c - the invariant checker (model/check.c), one invariant per
 * test.
 *
 * Every test starts from the same small machine, checked clean, then
 * corrupts its state in exactly one way and asserts that
 * mm_check_invariants() fails with the exact message: the zone, order,
 * migratetype, list and pfn it names are the ones corrupted.  A checker
 * that misses a corruption, or blames the wrong block, fails here.
 *
 * The machine (ck_machine): one node of 66 MiB, two CPUs, no holes.
 *
 *   DMA   [0x0, 0x1000)       0x100 o8 | 0x200 o9 ISO | 0x400 0x800 0xc00 o10
 *   DMA32 [0x1000, 0x4200)    H = [0x1000, 0x1200) held, pageblock HA
 *                             0x1200 o9 CMA | 0x1400 ... o10 Movable |
 *                             ... 0x4000 o8 ... | reserved top to 0x4200
 *   pcp   cpu 0: order-0 Movable pages (list 1), order-9 pages (list 13)
 *         cpu 1: order-0 Movable pages (list 1)
 *
 * The ISOLATE block is out of NR_FREE_PAGES (as set_migratetype_isolate
 * leaves it), the CMA block is in NR_FREE_CMA_PAGES, the HighAtomic
 * block is in nr_reserved_highatomic: the clean check walks every branch
 * that a correct state takes.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "filemap.h"
#include "host.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "rmap.h"
#include "task.h"
#include "testlib.h"

#define U	MIGRATE_UNMOVABLE
#define M	MIGRATE_MOVABLE
#define CMA	MIGRATE_CMA
#define ISO	MIGRATE_ISOLATE
#define HA	MIGRATE_HIGHATOMIC

#define PCP_O0_MOVABLE	(MIGRATE_PCPTYPES * 0 + M)	/* pcp list of order-0 movable */
#define PCP_THP_MOVABLE	(NR_LOWORDER_PCP_LISTS + 1)	/* pcp list of order-9 movable */

/* The layout ck_machine builds (see the picture above) */
#define H_START		0x1000UL	/* held, HighAtomic pageblock */
#define CMA_BLOCK	0x1200UL
#define ISO_BLOCK	0x200UL
#define DMA_O8		0x100UL
#define TOP_O8		0x4000UL

static struct zone *dma(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA);
}

static struct zone *dma32(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA32);
}

/* Retype a pageblock and move its free blocks to the new type's list */
static int retype(struct machine *m, struct zone *z, unsigned long pfn, int mt)
{
	set_pageblock_migratetype(m, pfn, mt);
	return move_freepages_block(m, z, pfn, mt, NULL);
}

static bool free_block_is(struct machine *m, unsigned long pfn, unsigned int order)
{
	return PageBuddy(m, pfn) && buddy_order(m, pfn) == order;
}

/* Build the machine of the picture into *state (the teardown destroys it) */
static struct machine *ck_machine(void **state)
{
	struct machine *m = t_machine(1, 66, 2);
	struct zone *z = dma32(m);
	int moved;

	*state = m;
	assert_int_equal(dma(m)->zone_start_pfn, 0);
	assert_int_equal(z->zone_start_pfn, H_START);
	assert_int_equal(zone_end_pfn(z), 0x4200);
	assert_int_equal(m->max_pfn, 0x4200);
	assert_true(free_block_is(m, DMA_O8, 8));
	assert_true(free_block_is(m, ISO_BLOCK, 9));
	assert_true(free_block_is(m, H_START, 10));
	assert_true(free_block_is(m, TOP_O8, 8));

	/* H: held page by page; the o9 half left over stays free */
	assert_int_equal(alloc_contig_range(m, H_START, H_START + 512, M, GFP_KERNEL), 0);
	assert_true(free_block_is(m, CMA_BLOCK, 9));
	/* reserve_highatomic_pageblock's accounting, on a block with nothing free */
	set_pageblock_migratetype(m, H_START, HA);
	z->nr_reserved_highatomic += pageblock_nr_pages;
	/* a CMA block: its free pages count in NR_FREE_CMA_PAGES too */
	moved = retype(m, z, CMA_BLOCK, CMA);
	assert_int_equal(moved, 512);
	z->vm_stat[NR_FREE_CMA_PAGES] += moved;
	/* set_migratetype_isolate: isolated free pages leave NR_FREE_PAGES */
	moved = retype(m, dma(m), ISO_BLOCK, ISO);
	assert_int_equal(moved, 512);
	dma(m)->vm_stat[NR_FREE_PAGES] -= moved;

	/* pcp pages: order 0 on both CPUs, order 9 on cpu 0 */
	for (int c = 0; c < m->nr_cpus; c++) {
		z->pcp[c].high = 4096;
		z->pcp[c].batch = 8;
		m->cur_cpu = c;
		assert_int_not_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0), PFN_NONE);
		assert_true(z->pcp[c].lists_count[PCP_O0_MOVABLE] > 0);
	}
	m->cur_cpu = 0;
	{
		unsigned long p = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 9, 0);

		assert_int_not_equal(p, PFN_NONE);
		__free_pages(m, p, 9);
		assert_true(z->pcp[0].lists_count[PCP_THP_MOVABLE] >= 1);
	}
	assert_true(free_block_is(m, TOP_O8, 8));
	t_check(m);
	return m;
}

/* The checker must fail with exactly this message */
static void check_fails_with(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void check_fails_with(struct machine *m, const char *fmt, ...)
{
	char err[512], want[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (mm_check_invariants(m, err, sizeof(err)))
		fail_msg("corruption not caught; expected \"%s\"", want);
	assert_string_equal(err, want);
}

static int destroy_machine(void **state)
{
	machine_destroy(*state);
	*state = NULL;
	return 0;
}

/* The second member of a list with at least two */
static unsigned long second(struct machine *m, const struct pfnlist_head *h)
{
	unsigned long p = page_lru_next(m, h->first);

	assert_int_not_equal(p, PFN_NONE);
	return p;
}

/*
 * Make [pfn, pfn + 2^order) of held pages look like a free block on z's
 * list, with every counter the allocator keeps adjusted: only what the
 * block itself breaks (its alignment, its zone, an overlap) is wrong.
 */
static void forge_free(struct machine *m, struct zone *z, unsigned long pfn, unsigned int order,
		       int mt)
{
	struct free_area *area = &z->free_area[order];

	set_page_count(m, pfn, 0);
	set_page_private(m, pfn, order);
	__SetPageBuddy(m, pfn);
	set_page_index(m, pfn, (unsigned long)mt);
	pfnlist_add(m, &area->free_list[mt], pfn);
	area->nr_free++;
	area->nr_free_mt[mt]++;
	if (mt != ISO)
		z->vm_stat[NR_FREE_PAGES] += 1L << order;
	if (mt == CMA)
		z->vm_stat[NR_FREE_CMA_PAGES] += 1L << order;
}

/* The reverse of forge_free for a real free block (it is no longer free) */
static void unlist_free(struct machine *m, struct zone *z, unsigned long pfn)
{
	unsigned int order = buddy_order(m, pfn);
	int mt = (int)page_index(m, pfn);
	struct free_area *area = &z->free_area[order];

	pfnlist_del(m, &area->free_list[mt], pfn);
	__ClearPageBuddy(m, pfn);
	set_page_private(m, pfn, 0);
	set_page_count(m, pfn, 1);
	area->nr_free--;
	area->nr_free_mt[mt]--;
	if (mt != ISO)
		z->vm_stat[NR_FREE_PAGES] -= 1L << order;
	if (mt == CMA)
		z->vm_stat[NR_FREE_CMA_PAGES] -= 1L << order;
}

/* Put pfn on a pcp list of cpu with the pcp counters adjusted */
static void forge_pcp(struct machine *m, struct zone *z, int cpu, int list, unsigned long pfn)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];

	pfnlist_add(m, &pcp->lists[list], pfn);
	pcp->lists_count[list]++;
	pcp->count += 1 << (list < NR_LOWORDER_PCP_LISTS ? list / MIGRATE_PCPTYPES : pageblock_order);
}

/* Is pfn inside a free block or a pcp page of z (found without the checker) */
static bool free_or_pcp(struct machine *m, struct zone *z, unsigned long pfn)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long hd = pfn & ~((1UL << o) - 1);

		if (PageBuddy(m, hd) && buddy_order(m, hd) >= o)
			return true;
	}
	for (int c = 0; c < m->nr_cpus; c++)
		for (int l = 0; l < NR_PCP_LISTS; l++) {
			unsigned long nr = 1UL << (l < NR_LOWORDER_PCP_LISTS ?
						   l / MIGRATE_PCPTYPES : pageblock_order);
			unsigned long p;

			pfnlist_for_each(m, p, &z->pcp[c].lists[l])
				if (pfn >= p && pfn < p + nr)
					return true;
		}
	return false;
}

/* -------------------------------------------------------------------------
 * The clean machine
 */

/*
 * The state ck_machine builds is consistent: free, isolated, CMA and
 * HighAtomic blocks, pcp pages of order 0 and 9 on two CPUs, no failure.
 * Draining the pcp lists keeps it so.
 */
static void test_clean_machine_passes(void **state)
{
	struct machine *m = ck_machine(state);
	char err[512] = "";

	assert_true(mm_check_invariants(m, err, sizeof(err)));
	assert_string_equal(err, "");
	drain_all_pages(m, NULL);
	t_check(m);
}

/* -------------------------------------------------------------------------
 * Free lists: links, membership, alignment, zone, refcount, tail
 */

/*
 *   DMA32 order 10 Movable: first <-> second <-> ...
 * second's prev link points nowhere: the walk reports the broken link
 * at second.
 */
static void test_broken_prev_link(void **state)
{
	struct machine *m = ck_machine(state);
	struct pfnlist_head *h = &dma32(m)->free_area[10].free_list[M];
	unsigned long b = second(m, h);

	set_page_lru_prev(m, b, PFN_NONE);
	check_fails_with(m, "node 0 DMA32 order 10 Movable: list links broken at %#lx", b);
}

/* The head of DMA's order-8 list loses PageBuddy: not a free block */
static void test_listed_block_not_pagebuddy(void **state)
{
	struct machine *m = ck_machine(state);

	__ClearPageBuddy(m, DMA_O8);
	check_fails_with(m, "node 0 DMA order 8 Movable: block %#lx is not a free block of this list "
			 "(PageBuddy 0, order 8, list type 1)", DMA_O8);
}

/* A block on the order-8 list whose page says order 7 */
static void test_listed_block_wrong_order(void **state)
{
	struct machine *m = ck_machine(state);

	set_page_private(m, DMA_O8, 7);
	check_fails_with(m, "node 0 DMA order 8 Movable: block %#lx is not a free block of this list "
			 "(PageBuddy 1, order 7, list type 1)", DMA_O8);
}

/* A block on the Movable list whose page records the Unmovable list */
static void test_listed_block_wrong_type(void **state)
{
	struct machine *m = ck_machine(state);

	set_page_index(m, DMA_O8, U);
	check_fails_with(m, "node 0 DMA order 8 Movable: block %#lx is not a free block of this list "
			 "(PageBuddy 1, order 8, list type 0)", DMA_O8);
}

/*
 *   H: | held | 0x1001 o1 (forged) | held ...
 * An order-1 block at an odd pfn: misaligned.
 */
static void test_misaligned_block(void **state)
{
	struct machine *m = ck_machine(state);

	forge_free(m, dma32(m), H_START + 1, 1, M);
	check_fails_with(m, "node 0 DMA32 order 1: block %#lx misaligned or outside the zone",
			 H_START + 1);
}

/*
 *   DMA [0, 0x1000): o8 at 0x100 moves to DMA32's order-8 list
 * (both zones' counters follow it): a block that starts outside the zone
 * whose list it is on.
 */
static void test_block_from_another_zone(void **state)
{
	struct machine *m = ck_machine(state);

	unlist_free(m, dma(m), DMA_O8);
	forge_free(m, dma32(m), DMA_O8, 8, M);
	check_fails_with(m, "node 0 DMA32 order 8: block %#lx misaligned or outside the zone", DMA_O8);
}

/*
 *   DMA32 ... | 0x4000 o8 -> recorded as o10: [0x4000, 0x4400) | end 0x4200
 * An aligned block starting in the zone but ending past its end.
 */
static void test_block_past_zone_end(void **state)
{
	struct machine *m = ck_machine(state);

	unlist_free(m, dma32(m), TOP_O8);
	forge_free(m, dma32(m), TOP_O8, 10, M);
	check_fails_with(m, "node 0 DMA32 order 10: block %#lx misaligned or outside the zone",
			 TOP_O8);
}

/* A free block head with a reference */
static void test_free_block_with_refcount(void **state)
{
	struct machine *m = ck_machine(state);

	set_page_count(m, DMA_O8, 1);
	check_fails_with(m, "free block %#lx has refcount 1", DMA_O8);
}

/* The list head's tail pointer names the first member, not the last */
static void test_list_tail_wrong(void **state)
{
	struct machine *m = ck_machine(state);
	struct pfnlist_head *h = &dma32(m)->free_area[10].free_list[M];
	unsigned long last = h->last;

	h->last = h->first;
	check_fails_with(m, "node 0 DMA32 order 10 Movable: list tail is %#lx, walk ended at %#lx",
			 h->first, last);
}

/* -------------------------------------------------------------------------
 * Free counters
 */

/* nr_free_mt[Movable] of order 10 one too high */
static void test_nr_free_mt_drift(void **state)
{
	struct machine *m = ck_machine(state);
	struct free_area *a = &dma32(m)->free_area[10];
	unsigned long n = a->nr_free_mt[M];

	a->nr_free_mt[M]++;
	check_fails_with(m, "node 0 DMA32 order 10 Movable: %lu blocks on the list, counter says %lu",
			 n, n + 1);
}

/* nr_free of DMA order 8 one too high (the per-type counters are right) */
static void test_nr_free_drift(void **state)
{
	struct machine *m = ck_machine(state);
	struct free_area *a = &dma(m)->free_area[8];

	assert_int_equal(a->nr_free, 1);
	a->nr_free = 2;
	check_fails_with(m, "node 0 DMA order 8: nr_free 2 but 1 blocks on the lists");
}

/*
 * DMA32's NR_FREE_PAGES one page short.  The isolated block of DMA is
 * not counted, the CMA block of DMA32 is: a checker that counted the
 * isolated block would fail the clean machine already.
 */
static void test_zone_free_pages_drift(void **state)
{
	struct machine *m = ck_machine(state);
	long v = dma32(m)->vm_stat[NR_FREE_PAGES];

	dma32(m)->vm_stat[NR_FREE_PAGES]--;
	check_fails_with(m, "node 0 DMA32: NR_FREE_PAGES %ld but the free lists hold %ld pages",
			 v - 1, v);
}

/* NR_FREE_CMA_PAGES of DMA32 (512: the CMA block) one short */
static void test_zone_free_cma_drift(void **state)
{
	struct machine *m = ck_machine(state);

	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 512);
	dma32(m)->vm_stat[NR_FREE_CMA_PAGES] = 511;
	check_fails_with(m, "node 0 DMA32: NR_FREE_CMA_PAGES 511 but the CMA lists hold 512");
}

/* Two drifts in one zone: the first one found is the one reported */
static void test_first_failure_wins(void **state)
{
	struct machine *m = ck_machine(state);
	long v = dma32(m)->vm_stat[NR_FREE_PAGES];

	dma32(m)->vm_stat[NR_FREE_PAGES]++;
	dma32(m)->vm_stat[NR_FREE_CMA_PAGES]++;
	check_fails_with(m, "node 0 DMA32: NR_FREE_PAGES %ld but the free lists hold %ld pages",
			 v + 1, v);
}

/* -------------------------------------------------------------------------
 * Overlaps
 */

/*
 *   DMA32 o10 block B (free, Movable) = [B, B + 1024)
 *   B + 0x1a5 also listed as a free o0 block
 * The order-0 list is walked first; B's block then overlaps it, and the
 * message names the page where (in B's seventh 64-page word).
 */
static void test_free_blocks_overlap(void **state)
{
	struct machine *m = ck_machine(state);
	struct zone *z = dma32(m);
	unsigned long b = z->free_area[10].free_list[M].first;

	forge_free(m, z, b + 0x1a5, 0, M);
	check_fails_with(m, "free block %#lx (+1024 pages) overlaps another free or pcp page at %#lx",
			 b, b + 0x1a5);
}

/*
 *   DMA32 o10 block B (free) = [B, B + 1024); B + 5 also on cpu 1's
 *   order-0 Movable pcp list (not PageBuddy: a tail of B)
 * A page on a free list and a pcp list at once.
 */
static void test_pcp_page_inside_free_block(void **state)
{
	struct machine *m = ck_machine(state);
	struct zone *z = dma32(m);
	unsigned long b = z->free_area[10].free_list[M].first;

	forge_pcp(m, z, 1, PCP_O0_MOVABLE, b + 5);
	check_fails_with(m, "pcp page %#lx (+1 pages) overlaps another free or pcp page at %#lx",
			 b + 5, b + 5);
}

/*
 *   H + 7 (held): the only page of cpu 1's order-0 Unmovable pcp list
 *   and, as a PageBuddy o0 block, the only member of DMA32's order-0
 *   Unmovable free list (both lists empty before; counters adjusted)
 * One page on a free list and a pcp list at once: the free list looks
 * right on its own, the pcp walk finds a PageBuddy page.
 */
static void test_page_on_free_and_pcp_list(void **state)
{
	struct machine *m = ck_machine(state);
	struct zone *z = dma32(m);
	unsigned long p = H_START + 7;

	assert_true(pfnlist_empty(&z->free_area[0].free_list[U]));
	assert_true(pfnlist_empty(&z->pcp[1].lists[U]));
	forge_free(m, z, p, 0, U);
	/* the same lru links serve both heads: first = last = p, no neighbours */
	forge_pcp(m, z, 1, U, p);
	assert_int_equal(page_lru_next(m, p), PFN_NONE);
	assert_int_equal(page_lru_prev(m, p), PFN_NONE);
	check_fails_with(m, "cpu 1 node 0 DMA32 pcp list 0: page %#lx is PageBuddy "
			 "or from another zone", p);
}

/* -------------------------------------------------------------------------
 * Per-cpu lists
 */

/* A DMA page (the reserved first MiB) on DMA32's pcp list of cpu 1 */
static void test_pcp_page_from_other_zone(void **state)
{
	struct machine *m = ck_machine(state);

	assert_ptr_equal(page_zone(m, 0x80), dma(m));
	forge_pcp(m, dma32(m), 1, PCP_O0_MOVABLE, 0x80);
	check_fails_with(m, "cpu 1 node 0 DMA32 pcp list %d: page 0x80 is PageBuddy "
			 "or from another zone", PCP_O0_MOVABLE);
}

/* lists_count of cpu 1's order-0 Movable list one too high */
static void test_pcp_list_count_drift(void **state)
{
	struct machine *m = ck_machine(state);
	struct per_cpu_pages *pcp = &dma32(m)->pcp[1];
	unsigned int n = pcp->lists_count[PCP_O0_MOVABLE];

	pcp->lists_count[PCP_O0_MOVABLE]++;
	check_fails_with(m, "cpu 1 node 0 DMA32 pcp list %d: %u pages, counter %u", PCP_O0_MOVABLE,
			 n, n + 1);
}

/*
 * cpu 0's pcp count one too low: its lists hold order-0 and order-9
 * pages, which the recount must weigh by their order.
 */
static void test_pcp_count_drift(void **state)
{
	struct machine *m = ck_machine(state);
	struct per_cpu_pages *pcp = &dma32(m)->pcp[0];
	int n = pcp->count;

	assert_int_equal(n, (int)(pcp->lists_count[PCP_O0_MOVABLE] +
				 512 * pcp->lists_count[PCP_THP_MOVABLE]));
	pcp->count--;
	check_fails_with(m, "cpu 0 node 0 DMA32: pcp count %d but the lists hold %d pages", n - 1, n);
}

/*
 *   ... | reserved 0x41ff | max_pfn 0x4200
 * The machine's last page on cpu 1's order-9 pcp list: its 512 pages
 * would run past the machine.
 */
static void test_pcp_page_past_machine_end(void **state)
{
	struct machine *m = ck_machine(state);
	unsigned long p = m->max_pfn - 1;

	assert_ptr_equal(page_zone(m, p), dma32(m));
	assert_false(PageBuddy(m, p));
	forge_pcp(m, dma32(m), 1, PCP_THP_MOVABLE, p);
	check_fails_with(m, "pcp page %#lx lies outside the machine", p);
}

/*
 * An order-3 pcp page at H_START + 1, inside the held block: it overlaps
 * nothing free, but no order-3 block starts at an odd pfn.
 */
static void test_pcp_page_misaligned(void **state)
{
	struct machine *m = ck_machine(state);
	unsigned long p = H_START + 1;

	forge_pcp(m, dma32(m), 1, MIGRATE_PCPTYPES * 3 + M, p);
	check_fails_with(m, "cpu 1 node 0 DMA32 pcp list %d: order-3 page %#lx is not aligned "
			 "to its order", MIGRATE_PCPTYPES * 3 + M, p);
}

/* -------------------------------------------------------------------------
 * HighAtomic reserve
 */

/* nr_reserved_highatomic one pageblock more than DMA32's one HA block */
static void test_highatomic_count_too_high(void **state)
{
	struct machine *m = ck_machine(state);

	dma32(m)->nr_reserved_highatomic += pageblock_nr_pages;
	check_fails_with(m, "node 0 DMA32: nr_reserved_highatomic 1024 but 1 HighAtomic pageblocks");
}

/* A second HighAtomic pageblock (the CMA block's) nobody accounted */
static void test_highatomic_block_unaccounted(void **state)
{
	struct machine *m = ck_machine(state);

	set_pageblock_migratetype(m, CMA_BLOCK, HA);
	check_fails_with(m, "node 0 DMA32: nr_reserved_highatomic 512 but 2 HighAtomic pageblocks");
}

/* -------------------------------------------------------------------------
 * Blocks the scenario holds (mm_set_inuse_iter)
 */
struct held {
	int n;
	struct { unsigned long pfn; unsigned int order; } b[8];
	int calls;
};

static void held_iter(void *priv, mm_inuse_cb cb, void *cbpriv)
{
	struct held *h = priv;

	h->calls++;
	for (int i = 0; i < h->n; i++)
		cb(cbpriv, h->b[i].pfn, h->b[i].order);
}

/* The held range H, reported as held, is fine; the iterator is asked once */
static void test_held_blocks_clean(void **state)
{
	struct machine *m = ck_machine(state);
	struct held h = { .n = 1, .b = { { H_START, 9 } } };

	mm_set_inuse_iter(m, held_iter, &h);
	t_check(m);
	assert_int_equal(h.calls, 1);
	mm_set_inuse_iter(m, NULL, NULL);
}

/*
 *   held: [0x1000, 0x1400) as one o10 block
 *         | H: held           | 0x1200 o9 CMA: free |
 * The scenario's bookkeeping says the whole block is held, but its upper
 * half is free: the first free page, 0x1200, is reported with the block.
 */
static void test_held_block_also_free(void **state)
{
	struct machine *m = ck_machine(state);
	struct held h = { .n = 1, .b = { { H_START, 10 } } };

	mm_set_inuse_iter(m, held_iter, &h);
	check_fails_with(m, "page %#lx is in use (block %#lx order 10) and also free or on a pcp list",
			 CMA_BLOCK, H_START);
	mm_set_inuse_iter(m, NULL, NULL);
}

/*
 *   held: H = [0x1000, 0x1200) o9, reported by the iterator
 *   then H itself put on DMA32's order-9 Movable free list by hand
 * Every counter the free list keeps is adjusted (forge_free), so the free
 * lists alone are consistent: without the iterator the check passes, and
 * only the held-block invariant sees that a block the scenario holds was
 * handed out as free.
 */
static void test_held_block_put_on_free_list(void **state)
{
	struct machine *m = ck_machine(state);
	struct held h = { .n = 1, .b = { { H_START, 9 } } };
	char err[512] = "";

	mm_set_inuse_iter(m, held_iter, &h);
	t_check(m);
	forge_free(m, dma32(m), H_START, 9, M);
	check_fails_with(m, "page %#lx is in use (block %#lx order 9) and also free or on a pcp list",
			 H_START, H_START);
	assert_int_equal(h.calls, 2);
	mm_set_inuse_iter(m, NULL, NULL);
	assert_true(mm_check_invariants(m, err, sizeof(err)));
	assert_string_equal(err, "");
}

/* A held page that sits on cpu 1's pcp list */
static void test_held_page_on_pcp(void **state)
{
	struct machine *m = ck_machine(state);
	unsigned long p = dma32(m)->pcp[1].lists[PCP_O0_MOVABLE].first;
	struct held h = { .n = 1, .b = { { p, 0 } } };

	mm_set_inuse_iter(m, held_iter, &h);
	check_fails_with(m, "page %#lx is in use (block %#lx order 0) and also free or on a pcp list",
			 p, p);
	mm_set_inuse_iter(m, NULL, NULL);
}

/*
 *   held: [0x41c0, 0x4240): its top runs past max_pfn 0x4200
 * The pages past the machine are skipped (no bitmap read beyond it);
 * the free pages inside it are still found: the first one is reported.
 */
static void test_held_block_past_machine_end(void **state)
{
	struct machine *m = ck_machine(state);
	struct zone *z = dma32(m);
	struct held h = { .n = 1, .b = { { 0x41c0, 7 } } };
	unsigned long first_free = PFN_NONE;
	char err[512];

	/* the lowest page of [0x41c0, 0x4200) on a free or pcp list */
	for (unsigned long p = 0x41c0; p < 0x4200 && first_free == PFN_NONE; p++)
		if (free_or_pcp(m, z, p))
			first_free = p;
	assert_int_not_equal(first_free, PFN_NONE);
	mm_set_inuse_iter(m, held_iter, &h);
	check_fails_with(m, "page %#lx is in use (block 0x41c0 order 7) and also free or on a pcp "
			 "list", first_free);

	/* entirely past the machine: nothing to compare */
	h.b[0].pfn = 0x4400;
	h.b[0].order = 9;
	assert_true(mm_check_invariants(m, err, sizeof(err)));
	mm_set_inuse_iter(m, NULL, NULL);
}

/* -------------------------------------------------------------------------
 * Simulated kernel failures
 */

/* A recorded failure fails the check with its message */
static void test_simulated_failure_reported(void **state)
{
	struct machine *m = ck_machine(state);

	mm_fail(m, "BUG: test failure %d", 7);
	check_fails_with(m, "simulated kernel failure: BUG: test failure 7");
}

static jmp_buf oom_jmp;
static char oom_what[64];

static void oom_catch(const char *what, size_t size, const char *why)
{
	snprintf(oom_what, sizeof(oom_what), "%s", what);
	longjmp(oom_jmp, 1);
}

/*
 * No host memory left for the checker's bitmap of the machine: the check
 * ends in host.h's out-of-memory path (exit 3 in mmsim), never in a pass
 * or a crash.
 */
static void test_no_host_memory_for_bitmap(void **state)
{
	struct machine *m = ck_machine(state);
	char err[512] = "";

	host_mem.oom = oom_catch;
	host_mem.limit = host_mem.bytes + 1;
	if (setjmp(oom_jmp) == 0) {
		mm_check_invariants(m, err, sizeof(err));
		host_mem.oom = host_oom_exit;
		host_mem.limit = 0;
		fail_msg("the checker ran without its bitmap");
	}
	host_mem.oom = host_oom_exit;
	host_mem.limit = 0;
	assert_string_equal(oom_what, "checking invariants");
}

/* ---- user address spaces ---------------------------------------------------
 *
 * uc_machine: one node of 64 MiB, one CPU, a tmpfs at /mnt, and two
 * processes.  The parent (pid 100) maps, top-down from mmap_base:
 *
 *   A  [0x7ffff7ffb000, +4 pages)  private anon RW: page 0 written, page 1 read
 *                                  (the zero page), pages 2-3 untouched
 *   S  [0x7ffff7ffa000, +1 page)   MAP_SHARED|MAP_ANONYMOUS, written
 *   F  [0x7ffff7ff8000, +2 pages)  MAP_SHARED of /mnt/f (8 KiB), page 0 written
 *
 * then forks the child (pid 101).  fork copies the page tables of A only
 * (the only VMA with an anon_vma): A's page 0 is mapped twice, S and F
 * once.  Every table sits in one PTE table under one PMD and one PUD
 * table per process.
 */
#define UC_A	0x7ffff7ffb000UL
#define UC_S	0x7ffff7ffa000UL
#define UC_F	0x7ffff7ff8000UL
#define UC_2M	0x7ffff7e00000UL	/* the 2 MiB the PTE tables cover */

struct uc {
	struct machine *m;
	struct task *p, *c;
};

static struct uc uc;

static struct machine *uc_machine(void **state)
{
	char err[128];
	int e, fd;

	uc.m = t_machine(1, 64, 1);
	*state = uc.m;
	assert_int_equal(shmem_mount(uc.m, "/mnt", "", err, sizeof(err)), 0);
	uc.p = task_create(uc.m, "parent", &e);
	assert_non_null(uc.p);
	assert_int_equal(uc.p->pid, 100);
	fd = (int)do_sys_open(uc.m, uc.p, "/mnt/f", O_RDWR | O_CREAT);
	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(uc.m, uc.p, fd, 8192), 0);
	assert_int_equal(ksys_mmap_pgoff(uc.m, uc.p, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), UC_A);
	assert_int_equal(ksys_mmap_pgoff(uc.m, uc.p, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0), UC_S);
	assert_int_equal(ksys_mmap_pgoff(uc.m, uc.p, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					 MAP_SHARED, fd, 0), UC_F);
	assert_int_equal(user_access(uc.m, uc.p->mm, UC_A, true), UA_OK);
	assert_int_equal(user_access(uc.m, uc.p->mm, UC_A + PAGE_SIZE, false), UA_OK);
	assert_int_equal(user_access(uc.m, uc.p->mm, UC_S, true), UA_OK);
	assert_int_equal(user_access(uc.m, uc.p->mm, UC_F, true), UA_OK);
	uc.c = do_fork(uc.m, uc.p, "child", &e);
	assert_non_null(uc.c);
	assert_int_equal(uc.c->pid, 101);
	t_check(uc.m);
	return uc.m;
}

/* The PTE for addr in t's page tables: its table and index */
static pteval_t uc_pte(struct task *t, uint64_t addr, unsigned long *table, unsigned int *idx)
{
	enum pt_level level;
	pteval_t e = pt_walk(uc.m, t->mm, addr, &level, table, idx);

	assert_int_equal(level, PT_PTE);
	return e;
}

static unsigned long uc_pfn(struct task *t, uint64_t addr)
{
	return pte_pfn(uc_pte(t, addr, NULL, NULL));
}

/* Rewrite the PTE for addr behind the kernel's back */
static void uc_set_pte(struct task *t, uint64_t addr, pteval_t v)
{
	unsigned long table;
	unsigned int idx;

	uc_pte(t, addr, &table, &idx);
	pt_write(uc.m, table, idx, v);
}

/* The PMD entry above addr: its table and index */
static pteval_t uc_pmd(struct task *t, uint64_t addr, unsigned long *table, unsigned int *idx)
{
	assert_true(pmd_slot(uc.m, t->mm, addr, false, table, idx, NULL));
	return pt_read(uc.m, *table, *idx);
}

/* A page that is free (on the pcp list) right now */
static unsigned long uc_free_page(void)
{
	unsigned long pfn = __alloc_pages(uc.m, GFP_KERNEL, 0, 0);

	assert_int_not_equal(pfn, PFN_NONE);
	__free_pages(uc.m, pfn, 0);
	return pfn;
}

static void test_user_clean(void **state)
{
	struct machine *m = uc_machine(state);

	/* the picture: A's page 0 twice, S and F once */
	assert_int_equal(uc_pfn(uc.p, UC_A), uc_pfn(uc.c, UC_A));
	assert_int_equal(page_mapcount(m, uc_pfn(uc.p, UC_A)), 2);
	assert_int_equal(uc.p->mm->nr_pgtables, 3);
	assert_int_equal(uc.c->mm->nr_pgtables, 3);
	assert_int_equal(pt_walk(m, uc.c->mm, UC_S, &(enum pt_level){ 0 }, NULL, NULL), 0);
	/* exited processes are skipped, their pages and tables gone */
	do_exit(m, uc.c, 0);
	t_check(m);
	do_exit(m, uc.p, 0);
	t_check(m);
}

static void test_user_no_procs_no_ctx(void **state)
{
	struct machine *m = t_machine(1, 64, 1);

	*state = m;
	t_check(m);
	assert_null(m->procs);	/* the checker does not create the process table */
}

static void test_user_map_count(void **state)
{
	uc_machine(state);
	uc.p->mm->map_count++;
	check_fails_with(uc.m, "pid 100: map_count 4 but 3 VMAs");
}

static void test_user_vma_other_mm(void **state)
{
	uc_machine(state);
	uc.c->mm->vmas[2]->vm_mm = uc.p->mm;
	check_fails_with(uc.m, "pid 101: VMA [%#lx, %#lx) has another vm_mm", UC_A,
			 UC_A + 4 * PAGE_SIZE);
}

static void test_user_vma_unaligned(void **state)
{
	uc_machine(state);
	uc.p->mm->vmas[1]->vm_end -= 8;
	check_fails_with(uc.m, "pid 100: VMA [%#lx, %#lx) is not page aligned", UC_S,
			 UC_S + PAGE_SIZE - 8);
}

static void test_user_vma_empty(void **state)
{
	uc_machine(state);
	uc.p->mm->vmas[1]->vm_end = UC_S;
	check_fails_with(uc.m, "pid 100: VMA [%#lx, %#lx) is empty", UC_S, UC_S);
}

static void test_user_vma_overlap(void **state)
{
	uc_machine(state);
	uc.p->mm->vmas[1]->vm_end = UC_A + PAGE_SIZE;
	check_fails_with(uc.m, "pid 100: VMAs [%#lx, %#lx) and [%#lx, %#lx) overlap or are out of "
			 "order", UC_S, UC_A + PAGE_SIZE, UC_A, UC_A + 4 * PAGE_SIZE);
}

static void test_user_vma_above_task_size(void **state)
{
	uc_machine(state);
	uc.p->mm->vmas[2]->vm_end = TASK_SIZE + PAGE_SIZE;
	check_fails_with(uc.m, "pid 100: VMA [%#lx, %#lx) ends above TASK_SIZE", UC_A,
			 TASK_SIZE + PAGE_SIZE);
}

/* "No PTE points at a free frame" */
static void test_user_pte_maps_free_page(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_free_page();
	uc_set_pte(uc.p, UC_A + PAGE_SIZE, pfn_pte(pfn, _PAGE_PRESENT | _PAGE_USER));
	check_fails_with(uc.m, "pid 100: the PTE for %#lx maps page %#lx, which is free",
			 UC_A + PAGE_SIZE, pfn);
}

static void test_user_pte_outside_vmas(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.c, UC_A);
	uc.c->mm->vmas[2]->vm_start += PAGE_SIZE;	/* as if munmap forgot to zap */
	check_fails_with(uc.m, "pid 101: the PTE for %#lx maps page %#lx outside every VMA", UC_A,
			 pfn);
}

static void test_user_special_pte_not_zero_page(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_A);
	uc_set_pte(uc.p, UC_A, uc_pte(uc.p, UC_A, NULL, NULL) | _PAGE_SPECIAL);
	check_fails_with(uc.m, "pid 100: the special PTE for %#lx maps %#lx, not the zero page",
			 UC_A, pfn);
}

static void test_user_pte_not_present(void **state)
{
	uc_machine(state);
	uc_set_pte(uc.p, UC_A + 2 * PAGE_SIZE, 0x1000);	/* a swap entry would look like this */
	check_fails_with(uc.m, "pid 100: the PTE for %#lx is 0x1000: neither present nor empty",
			 UC_A + 2 * PAGE_SIZE);
}

/* "Every page-table page is reached from exactly one entry of exactly one mm" */
static void test_user_table_shared_by_two_mms(void **state)
{
	unsigned long pt, ct;
	unsigned int pi, ci;
	pteval_t e;

	uc_machine(state);
	e = uc_pmd(uc.p, UC_A, &pt, &pi);
	uc_pmd(uc.c, UC_A, &ct, &ci);
	pt_write(uc.m, ct, ci, e);	/* the child's PMD entry onto the parent's PTE table */
	check_fails_with(uc.m, "page-table page %#lx is reached twice: from pid 100 for %#lx and "
			 "from pid 101 for %#lx", pte_pfn(e), UC_2M, UC_2M);
}

static void test_user_table_free(void **state)
{
	unsigned long t, pfn;
	unsigned int i;

	uc_machine(state);
	uc_pmd(uc.p, UC_A, &t, &i);
	pfn = uc_free_page();
	pt_write(uc.m, t, i, pfn_pte(pfn, _PAGE_TABLE));
	check_fails_with(uc.m, "pid 100: the PTE table for %#lx is page %#lx, which is free", UC_2M,
			 pfn);
}

static void test_user_table_not_pagetable(void **state)
{
	unsigned long t;
	unsigned int i;
	pteval_t e;

	uc_machine(state);
	e = uc_pmd(uc.c, UC_A, &t, &i);
	__ClearPageTable(uc.m, pte_pfn(e));
	check_fails_with(uc.m, "pid 101: the PTE table for %#lx (page %#lx) is not PageTable", UC_2M,
			 pte_pfn(e));
	__SetPageTable(uc.m, pte_pfn(e));
}

/* User mappings have PTEs and, for THPs, PMDs: nothing maps 1 GiB */
static void test_user_huge_pud(void **state)
{
	unsigned long t;
	unsigned int i;

	uc_machine(state);
	t = pte_pfn(pt_read(uc.m, uc.p->mm->pgd, (unsigned int)(UC_A >> PGDIR_SHIFT) & 511));
	i = (unsigned int)(UC_A >> PUD_SHIFT) & 511;
	pt_write(uc.m, t, i, pt_read(uc.m, t, i) | _PAGE_PSE);
	check_fails_with(uc.m, "pid 100: a huge PUD table entry maps %#lx: user mappings have no "
			 "such pages", UC_A & ~((1UL << PUD_SHIFT) - 1));
}

static void test_user_nr_pgtables(void **state)
{
	uc_machine(state);
	uc.c->mm->nr_pgtables++;
	check_fails_with(uc.m, "pid 101: nr_pgtables 4 but its page tables have 3 pages below the "
			 "pgd");
}

static void test_user_pgtables_bytes(void **state)
{
	uc_machine(state);
	uc.p->mm->pgtables_bytes -= PAGE_SIZE;
	check_fails_with(uc.m, "pid 100: pgtables_bytes 8192 but its page tables have 12288 bytes "
			 "below the pgd");
}

static void test_user_nr_pagetable(void **state)
{
	uc_machine(state);
	uc.m->node[0].vm_stat[NR_PAGETABLE]++;
	/* PUD tables are in pgtables_bytes only: 2 PMD + 2 PTE tables */
	check_fails_with(uc.m, "NR_PAGETABLE is 5 but user PMD and PTE tables (deposited ones too) "
			 "are 4 pages");
}

/*
 * A vmemmap PMD split after boot takes its PTE table from the buddy
 * allocator, but 6.1's pte_alloc_one_kernel has no constructor: the
 * table is not PageTable and NR_PAGETABLE (PageTables) stays the user
 * tables' count.
 */
static void test_user_nr_pagetable_no_kernel_tables(void **state)
{
	enum pt_level level;
	unsigned long table;

	uc_machine(state);
	assert_int_equal(pt_split_pmd(uc.m, uc.m->init_mm, page_va(uc.m, 0x2000), -1), 0);
	pt_walk(uc.m, uc.m->init_mm, page_va(uc.m, 0x2000), &level, &table, NULL);
	assert_int_equal(level, PT_PTE);
	assert_false(PageTable(uc.m, table));
	assert_int_equal(uc.m->node[0].vm_stat[NR_PAGETABLE], 4);
	t_check(uc.m);
	uc.m->node[0].vm_stat[NR_PAGETABLE]++;	/* as if it were counted */
	check_fails_with(uc.m, "NR_PAGETABLE is 5 but user PMD and PTE tables (deposited ones too) "
			 "are 4 pages");
}

static void test_user_rss_counter(void **state)
{
	uc_machine(state);
	uc.p->mm->rss_stat[MM_ANONPAGES]++;
	check_fails_with(uc.m, "pid 100: rss MM_ANONPAGES is 2 but its page tables map 1 such pages");
}

static void test_user_rss_shmem(void **state)
{
	uc_machine(state);
	/* S and F are tmpfs pages: MM_SHMEMPAGES, not MM_FILEPAGES */
	assert_int_equal(uc.p->mm->rss_stat[MM_SHMEMPAGES], 2);
	uc.p->mm->rss_stat[MM_SHMEMPAGES]--;
	uc.p->mm->rss_stat[MM_FILEPAGES]++;
	check_fails_with(uc.m, "pid 100: rss MM_FILEPAGES is 1 but its page tables map 0 such pages");
}

/* A PTE cleared without page_remove_rmap: the page still counts the mapping */
static void test_user_pte_cleared_without_rmap(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.c, UC_A);
	uc_set_pte(uc.c, UC_A, 0);
	uc.c->mm->rss_stat[MM_ANONPAGES]--;
	check_fails_with(uc.m, "page %#lx: mapcount 2 but 1 PTEs map it (pid 100 at %#lx)", pfn,
			 UC_A);
}

/* The same for a page mapped once: no PTE is left to find it by */
static void test_user_last_pte_cleared_without_rmap(void **state)
{
	uc_machine(state);
	assert_int_equal(user_access(uc.m, uc.p->mm, UC_A + 2 * PAGE_SIZE, true), UA_OK);
	t_check(uc.m);
	uc_set_pte(uc.p, UC_A + 2 * PAGE_SIZE, 0);
	uc.p->mm->rss_stat[MM_ANONPAGES]--;
	check_fails_with(uc.m, "NR_ANON_MAPPED is 2 but page tables map 1 anon pages");
}

/* A file page is found through its page cache even with no PTE left */
static void test_user_file_pte_cleared_without_rmap(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_F);
	uc_set_pte(uc.p, UC_F, 0);
	uc.p->mm->rss_stat[MM_SHMEMPAGES]--;
	check_fails_with(uc.m, "page %#lx of /mnt/f (index 0): mapcount 1 but no PTE maps it", pfn);
}

/*
 * A PTE moved to another address without the VMA's pgoff following it
 * (an mremap that forgot copy_vma's pgoff): rmap would look for A's page 0
 * at A's start, where nothing maps it.
 */
static void test_user_pte_where_rmap_does_not_look(void **state)
{
	unsigned long pfn;
	pteval_t e;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_A);
	e = uc_pte(uc.p, UC_A, NULL, NULL);
	uc_set_pte(uc.p, UC_A, 0);
	uc_set_pte(uc.p, UC_A + 3 * PAGE_SIZE, e);
	check_fails_with(uc.m, "pid 100: the PTE for %#lx maps page %#lx of index %lu, but rmap "
			 "looks for it at index %lu", UC_A + 3 * PAGE_SIZE, pfn, UC_A >> PAGE_SHIFT,
			 (UC_A >> PAGE_SHIFT) + 3);
	uc_set_pte(uc.p, UC_A + 3 * PAGE_SIZE, 0);
	uc_set_pte(uc.p, UC_A, e);
	t_check(uc.m);
}

/* An anon page naming the child's own anon_vma: the parent's VMA is not chained to it */
static void test_user_anon_page_of_unchained_anon_vma(void **state)
{
	struct anon_vma *child_av;
	unsigned long pfn;
	uint64_t mapping;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_A);
	mapping = page_mapping(uc.m, pfn);
	child_av = find_vma(uc.c->mm, UC_A)->anon_vma;
	assert_ptr_not_equal(child_av, find_vma(uc.p->mm, UC_A)->anon_vma);
	set_page_mapping(uc.m, pfn, anon_vma_addr(child_av) | PAGE_MAPPING_ANON);
	check_fails_with(uc.m, "pid 100: the PTE for %#lx maps anon page %#lx, whose anon_vma VMA "
			 "[%#lx, %#lx) is not chained to", UC_A, pfn, UC_A, UC_A + 4 * PAGE_SIZE);
	set_page_mapping(uc.m, pfn, mapping);
}

/* F's page claiming to be S's (shared anonymous memory's file) */
static void test_user_file_page_of_another_file(void **state)
{
	unsigned long pfn;
	uint64_t mapping;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_F);
	mapping = page_mapping(uc.m, pfn);
	set_page_mapping(uc.m, pfn, mapping_addr(find_vma(uc.p->mm, UC_S)->vm_file));
	check_fails_with(uc.m, "pid 100: the PTE for %#lx maps file page %#lx, not a page of the "
			 "VMA's file", UC_F, pfn);
	set_page_mapping(uc.m, pfn, mapping);
}

static void test_user_refcount_below_mapcount(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_A);
	set_page_count(uc.m, pfn, 1);
	check_fails_with(uc.m, "page %#lx: refcount 1 below its 2 mappings (pid 100 at %#lx)", pfn,
			 UC_A);
	set_page_count(uc.m, pfn, 2);
}

static void test_user_refcount_misses_page_cache(void **state)
{
	unsigned long pfn;

	uc_machine(state);
	pfn = uc_pfn(uc.p, UC_S);
	assert_int_equal(page_ref_count(uc.m, pfn), 2);
	set_page_count(uc.m, pfn, 1);
	check_fails_with(uc.m, "page %#lx: refcount 1 below its 1 mappings and the page cache "
			 "(pid 100 at %#lx)", pfn, UC_S);
	set_page_count(uc.m, pfn, 2);
}

static void test_user_nr_file_mapped(void **state)
{
	uc_machine(state);
	uc.m->node[0].vm_stat[NR_FILE_MAPPED]++;
	check_fails_with(uc.m, "NR_FILE_MAPPED is 3 but page tables map 2 file pages");
}

static void test_user_nr_anon_mapped(void **state)
{
	uc_machine(state);
	uc.m->node[0].vm_stat[NR_ANON_MAPPED]--;
	check_fails_with(uc.m, "NR_ANON_MAPPED is 0 but page tables map 1 anon pages");
}

static void test_user_pte_maps_page_table(void **state)
{
	unsigned long t;
	unsigned int i;
	pteval_t pmd;

	uc_machine(state);
	pmd = uc_pmd(uc.c, UC_A, &t, &i);
	/* the parent's zero-page PTE now maps the child's PTE table */
	uc_set_pte(uc.p, UC_A + PAGE_SIZE, pfn_pte(pte_pfn(pmd), _PAGE_PRESENT | _PAGE_USER));
	uc.p->mm->rss_stat[MM_FILEPAGES]++;	/* what the checker counts it as */
	check_fails_with(uc.m, "page %#lx is a page-table page and also mapped by pid 100 at %#lx",
			 pte_pfn(pmd), UC_A + PAGE_SIZE);
}

/* 6.1: an anon page mapped writable is PageAnonExclusive; after fork A's page 0 is not */
static void test_user_writable_pte_not_exclusive(void **state)
{
	uc_machine(state);
	assert_false(pte_write(uc_pte(uc.c, UC_A, NULL, NULL)));
	uc_set_pte(uc.c, UC_A, uc_pte(uc.c, UC_A, NULL, NULL) | _PAGE_RW);
	check_fails_with(uc.m, "pid 101: the PTE for %#lx maps anon page %#lx writable, but it is "
			 "not PageAnonExclusive", UC_A, uc_pfn(uc.c, UC_A));
}

/* ---- user THPs -------------------------------------------------------------
 *
 * tc_machine: THP "always", one node of 64 MiB, one CPU, a tmpfs at /mnt
 * mounted huge=always.  The parent (pid 100) maps at fixed, 2 MiB-aligned
 * addresses:
 *
 *   T  [TC_T, +2 MiB)  private anon RW, written: an anon THP by PMD
 *   Z  [TC_Z, +2 MiB)  private anon RW, read: the huge zero page by PMD
 *   H  [TC_H, +2 MiB)  MAP_SHARED of /mnt/h (2 MiB), read: a shmem THP by PMD
 *
 * then forks the child (pid 101), which writes page 1 of T.  The child's
 * copy of T's PMD splits (its deposited table becomes the PTE table, the
 * THP gets PageDoubleMap) and page 1 is copied: the THP is mapped by the
 * parent's PMD and by 511 of the child's PTEs.  Z's PMD is copied with a
 * deposit of its own; H's is not (the child would refault it).
 *
 *   pid 100: PUD, PMD table, deposits under T and Z      nr_pgtables 4
 *   pid 101: PUD, PMD table, T's PTE table, Z's deposit  nr_pgtables 4
 *   NR_PAGETABLE 6 (no PUD tables), NR_ANON_THPS 512, NR_SHMEM_PMDMAPPED 512
 */
#define TC_T	0x7fff00000000UL
#define TC_Z	0x7fff00400000UL
#define TC_H	0x7fff00800000UL

struct tc {
	struct machine *m;
	struct task *p, *c;
	unsigned long t, h;	/* the heads of T's and H's THPs */
};

static struct tc tc;

/* The PMD entry above addr in t: its table and index (either may be NULL) */
static pteval_t tc_pmd(struct task *t, uint64_t addr, unsigned long *table, unsigned int *idx)
{
	unsigned long tb;
	unsigned int i;

	assert_true(pmd_slot(tc.m, t->mm, addr, false, &tb, &i, NULL));
	if (table)
		*table = tb;
	if (idx)
		*idx = i;
	return pt_read(tc.m, tb, i);
}

/* The key of the deposited table under the PMD for addr in t */
static uint64_t tc_deposit_key(struct task *t, uint64_t addr)
{
	unsigned long tb;
	unsigned int i;

	tc_pmd(t, addr, &tb, &i);
	return ((uint64_t)tb << 9) | i;
}

static void tc_set_pmd(struct task *t, uint64_t addr, pteval_t v)
{
	unsigned long tb;
	unsigned int i;

	tc_pmd(t, addr, &tb, &i);
	pt_write(tc.m, tb, i, v);
}

/* Rewrite the PTE for addr in t behind the kernel's back */
static void tc_set_pte(struct task *t, uint64_t addr, pteval_t v)
{
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(tc.m, t->mm, addr, &level, &table, &idx);
	assert_int_equal(level, PT_PTE);
	pt_write(tc.m, table, idx, v);
}

/* A page that is free (on the pcp list) right now */
static unsigned long tc_free_page(void)
{
	unsigned long pfn = __alloc_pages(tc.m, GFP_KERNEL, 0, 0);

	assert_int_not_equal(pfn, PFN_NONE);
	__free_pages(tc.m, pfn, 0);
	return pfn;
}

static void tc_add_mapcount(unsigned long pfn, int d)
{
	pg_write32(tc.m, pfn, PGOFF_MAPCOUNT, (uint32_t)(page_mapcount_raw(tc.m, pfn) + d));
}

static struct machine *tc_machine(void **state)
{
	struct machine_opts o;
	char err[128];
	int e, fd;

	t_opts(&o, 1, 64, 1);
	o.thp_enabled = THP_ALWAYS;
	tc.m = t_boot(&o);
	*state = tc.m;
	assert_int_equal(shmem_mount(tc.m, "/mnt", "huge=always", err, sizeof(err)), 0);
	tc.p = task_create(tc.m, "parent", &e);
	assert_non_null(tc.p);
	fd = (int)do_sys_open(tc.m, tc.p, "/mnt/h", O_RDWR | O_CREAT);
	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(tc.m, tc.p, fd, HPAGE_PMD_SIZE), 0);
	assert_int_equal(ksys_mmap_pgoff(tc.m, tc.p, TC_T, HPAGE_PMD_SIZE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), TC_T);
	assert_int_equal(ksys_mmap_pgoff(tc.m, tc.p, TC_Z, HPAGE_PMD_SIZE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), TC_Z);
	assert_int_equal(ksys_mmap_pgoff(tc.m, tc.p, TC_H, HPAGE_PMD_SIZE, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_FIXED, fd, 0), TC_H);
	assert_int_equal(user_access(tc.m, tc.p->mm, TC_T, true), UA_OK);
	assert_int_equal(user_access(tc.m, tc.p->mm, TC_Z, false), UA_OK);
	assert_int_equal(user_access(tc.m, tc.p->mm, TC_H, false), UA_OK);
	tc.c = do_fork(tc.m, tc.p, "child", &e);
	assert_non_null(tc.c);
	assert_int_equal(user_access(tc.m, tc.c->mm, TC_T + PAGE_SIZE, true), UA_OK);
	tc.t = pte_pfn(tc_pmd(tc.p, TC_T, NULL, NULL));
	tc.h = pte_pfn(tc_pmd(tc.p, TC_H, NULL, NULL));
	t_check(tc.m);
	return tc.m;
}

/* The picture, as the checker sees it */
static void test_thp_clean(void **state)
{
	struct machine *m = tc_machine(state);

	assert_true(pmd_leaf(tc_pmd(tc.p, TC_T, NULL, NULL)));
	assert_false(pmd_leaf(tc_pmd(tc.c, TC_T, NULL, NULL)));
	assert_true(is_huge_zero_pmd(m, tc_pmd(tc.p, TC_Z, NULL, NULL)));
	assert_true(is_huge_zero_pmd(m, tc_pmd(tc.c, TC_Z, NULL, NULL)));
	assert_true(pmd_leaf(tc_pmd(tc.p, TC_H, NULL, NULL)));
	assert_int_equal(tc_pmd(tc.c, TC_H, NULL, NULL), 0);
	assert_int_equal(compound_mapcount(m, tc.t), 1);
	assert_true(PageDoubleMap(m, tc.t));
	assert_int_equal(page_mapcount(m, tc.t), 2);
	assert_int_equal(page_mapcount(m, tc.t + 1), 1);	/* the child copied it */
	assert_int_equal(page_ref_count(m, tc.t), 512);		/* a PMD and 511 PTEs */
	assert_int_equal(compound_mapcount(m, tc.h), 1);
	assert_int_equal(page_mapcount(m, tc.h + 9), 1);
	assert_int_equal(page_ref_count(m, tc.h), 512 + 1);	/* the page cache and a PMD */
	assert_int_equal(tc.p->mm->nr_pgtables, 4);
	assert_int_equal(tc.c->mm->nr_pgtables, 4);
	assert_int_equal(m->node[0].vm_stat[NR_PAGETABLE], 6);
	assert_int_equal(m->node[0].vm_stat[NR_ANON_THPS], 512);
	assert_int_equal(m->node[0].vm_stat[NR_ANON_MAPPED], 513);
	assert_int_equal(m->node[0].vm_stat[NR_FILE_MAPPED], 512);
	assert_int_equal(m->node[0].vm_stat[NR_SHMEM_PMDMAPPED], 512);
	assert_int_equal(m->node[0].vm_stat[NR_SHMEM_THPS], 512);
	assert_int_equal(tc.p->mm->rss_stat[MM_ANONPAGES], 512);
	assert_int_equal(tc.p->mm->rss_stat[MM_SHMEMPAGES], 512);
	assert_int_equal(tc.c->mm->rss_stat[MM_ANONPAGES], 512);
	do_exit(m, tc.c, 0);
	t_check(m);
	do_exit(m, tc.p, 0);
	t_check(m);
}

/* "compound_mapcount counts the PMDs that map the THP" */
static void test_thp_compound_mapcount(void **state)
{
	tc_machine(state);
	pg_write32(tc.m, tc.t + 1, PGOFF_COMPOUND_MAPCOUNT, 1);
	check_fails_with(tc.m, "THP %#lx: compound_mapcount 2 but 1 PMDs map it (pid 100 at %#lx)",
			 tc.t, TC_T);
}

/* "page_mapcount of a subpage is its PTE mappings plus the THP's PMD mappings" */
static void test_thp_subpage_mapcount(void **state)
{
	tc_machine(state);
	tc_add_mapcount(tc.t + 5, 1);
	check_fails_with(tc.m, "page %#lx (subpage 5 of THP %#lx): mapcount 3 but 1 PTEs and 1 "
			 "PMDs map it", tc.t + 5, tc.t);
}

/* Without PageDoubleMap the child's PTEs would count twice */
static void test_thp_double_map_cleared(void **state)
{
	tc_machine(state);
	clear_page_flag(tc.m, tc.t + 1, PG_workingset);
	check_fails_with(tc.m, "page %#lx (subpage 0 of THP %#lx): mapcount 3 but 1 PTEs and 1 "
			 "PMDs map it", tc.t, tc.t);
}

/* An anon THP's PageDoubleMap goes with its last PMD mapping */
static void test_thp_double_map_without_pmd(void **state)
{
	tc_machine(state);
	do_exit(tc.m, tc.p, 0);
	assert_false(PageDoubleMap(tc.m, tc.t));
	t_check(tc.m);
	set_page_flag(tc.m, tc.t + 1, PG_workingset);
	check_fails_with(tc.m, "THP %#lx: PageDoubleMap but no PMD maps it (pid 101 at %#lx)",
			 tc.t, TC_T);
}

/* A file PMD raises every subpage's _mapcount */
static void test_thp_file_subpage_mapcount(void **state)
{
	tc_machine(state);
	tc_add_mapcount(tc.h + 7, -1);
	check_fails_with(tc.m, "page %#lx (subpage 7 of THP %#lx): mapcount 0 but 0 PTEs and 1 "
			 "PMDs map it", tc.h + 7, tc.h);
}

/* A file PMD cleared behind the kernel's back: found through the page cache */
static void test_thp_file_pmd_cleared_without_rmap(void **state)
{
	pteval_t pmd;

	tc_machine(state);
	pmd = tc_pmd(tc.p, TC_H, NULL, NULL);
	tc_set_pmd(tc.p, TC_H, 0);
	tc.p->mm->rss_stat[MM_SHMEMPAGES] -= 512;
	check_fails_with(tc.m, "THP %#lx of /mnt/h (index 0): compound_mapcount 1 but no PMD maps "
			 "it", tc.h);
	tc_set_pmd(tc.p, TC_H, pmd);
	tc.p->mm->rss_stat[MM_SHMEMPAGES] += 512;
}

/* "Every anonymous huge PMD carries a deposited table" */
static void test_thp_no_deposit(void **state)
{
	uint64_t key, pt;

	tc_machine(state);
	key = tc_deposit_key(tc.p, TC_T);
	assert_true(xmap_get(&tc.p->mm->deposited, key, &pt));
	xmap_del(&tc.p->mm->deposited, key);
	check_fails_with(tc.m, "pid 100: the anonymous huge PMD for %#lx has no deposited table",
			 TC_T);
	xmap_set(&tc.p->mm->deposited, key, pt);
}

/* "... and a file PMD none (x86)" */
static void test_thp_file_pmd_deposit(void **state)
{
	uint64_t key, pt;

	tc_machine(state);
	assert_true(xmap_get(&tc.p->mm->deposited, tc_deposit_key(tc.p, TC_Z), &pt));
	key = tc_deposit_key(tc.p, TC_H);
	xmap_set(&tc.p->mm->deposited, key, pt);
	check_fails_with(tc.m, "pid 100: the file huge PMD for %#lx has a deposited table", TC_H);
	xmap_del(&tc.p->mm->deposited, key);
}

/* A deposit left behind where no huge PMD is */
static void test_thp_stray_deposit(void **state)
{
	uint64_t key;

	tc_machine(state);
	key = tc_deposit_key(tc.p, TC_H + HPAGE_PMD_SIZE);
	xmap_set(&tc.p->mm->deposited, key, tc_free_page());
	check_fails_with(tc.m, "pid 100: 3 deposited tables but 2 anonymous huge PMDs carry one");
	xmap_del(&tc.p->mm->deposited, key);
}

static void test_thp_deposit_not_pagetable(void **state)
{
	uint64_t pt;

	tc_machine(state);
	assert_true(xmap_get(&tc.c->mm->deposited, tc_deposit_key(tc.c, TC_Z), &pt));
	__ClearPageTable(tc.m, pt);
	check_fails_with(tc.m, "pid 101: the PTE table for %#lx (page %#lx) is not PageTable", TC_Z,
			 (unsigned long)pt);
	__SetPageTable(tc.m, pt);
}

/* Deposited tables count in pgtables_bytes (VmPTE) ... */
static void test_thp_pgtables_bytes_deposit(void **state)
{
	tc_machine(state);
	tc.p->mm->pgtables_bytes -= PAGE_SIZE;
	check_fails_with(tc.m, "pid 100: pgtables_bytes 12288 but its page tables have 16384 bytes "
			 "below the pgd");
}

/* ... and in NR_PAGETABLE (PageTables), which has no PUD and no kernel tables */
static void test_thp_nr_pagetable_deposit(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_PAGETABLE] -= 2;
	check_fails_with(tc.m, "NR_PAGETABLE is 4 but user PMD and PTE tables (deposited ones too) "
			 "are 6 pages");
}

/* A PMD mapping counts 512 pages of rss */
static void test_thp_rss_anon_pmd(void **state)
{
	tc_machine(state);
	tc.p->mm->rss_stat[MM_ANONPAGES] -= 511;
	check_fails_with(tc.m, "pid 100: rss MM_ANONPAGES is 1 but its page tables map 512 such "
			 "pages");
}

static void test_thp_rss_shmem_pmd(void **state)
{
	tc_machine(state);
	tc.p->mm->rss_stat[MM_SHMEMPAGES] += 1;
	check_fails_with(tc.m, "pid 100: rss MM_SHMEMPAGES is 513 but its page tables map 512 such "
			 "pages");
}

static void test_thp_nr_anon_thps(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_ANON_THPS] += 512;
	check_fails_with(tc.m, "NR_ANON_THPS is 1024 but PMDs map anon THPs of 512 pages");
}

/* A THP mapped only by PTEs is not in AnonHugePages */
static void test_thp_nr_anon_thps_pte_mapped(void **state)
{
	tc_machine(state);
	do_exit(tc.m, tc.p, 0);
	assert_int_equal(tc.m->node[0].vm_stat[NR_ANON_THPS], 0);
	assert_int_equal(tc.m->node[0].vm_stat[NR_ANON_MAPPED], 512);
	t_check(tc.m);
	tc.m->node[0].vm_stat[NR_ANON_THPS] += 512;
	check_fails_with(tc.m, "NR_ANON_THPS is 512 but PMDs map anon THPs of 0 pages");
}

static void test_thp_nr_shmem_pmdmapped(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_SHMEM_PMDMAPPED] -= 512;
	check_fails_with(tc.m, "NR_SHMEM_PMDMAPPED is 0 but PMDs map shmem THPs of 512 pages");
}

static void test_thp_nr_shmem_thps(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_SHMEM_THPS] += 512;
	check_fails_with(tc.m, "NR_SHMEM_THPS is 1024 but tmpfs page caches hold THPs of 512 pages");
}

/* NR_FILE_MAPPED counts each subpage of a PMD-mapped file THP */
static void test_thp_nr_file_mapped(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_FILE_MAPPED] -= 1;
	check_fails_with(tc.m, "NR_FILE_MAPPED is 511 but page tables map 512 file pages");
}

/* NR_ANON_MAPPED: 512 for the PMD-mapped THP (the child's PTEs add none) + the copy */
static void test_thp_nr_anon_mapped(void **state)
{
	tc_machine(state);
	tc.m->node[0].vm_stat[NR_ANON_MAPPED] += 511;
	check_fails_with(tc.m, "NR_ANON_MAPPED is 1024 but page tables map 513 anon pages");
}

/* The huge zero page is never writable, and the mm holds a reference to it */
static void test_thp_huge_zero_writable(void **state)
{
	tc_machine(state);
	tc_set_pmd(tc.p, TC_Z, tc_pmd(tc.p, TC_Z, NULL, NULL) | _PAGE_RW);
	check_fails_with(tc.m, "pid 100: the huge zero page is mapped writable at %#lx", TC_Z);
}

static void test_thp_huge_zero_no_mm_flag(void **state)
{
	tc_machine(state);
	tc.c->mm->flags &= ~(1UL << MMF_HUGE_ZERO_PAGE);
	check_fails_with(tc.m, "pid 101: maps the huge zero page at %#lx without "
			 "MMF_HUGE_ZERO_PAGE", TC_Z);
}

static void test_thp_pte_maps_huge_zero_page(void **state)
{
	unsigned long zp;

	tc_machine(state);
	zp = pte_pfn(tc_pmd(tc.p, TC_Z, NULL, NULL));
	tc_set_pte(tc.c, TC_T + 2 * PAGE_SIZE, pfn_pte(zp + 2, _PAGE_PRESENT | _PAGE_USER));
	check_fails_with(tc.m, "pid 101: the PTE for %#lx maps page %#lx of the huge zero page",
			 TC_T + 2 * PAGE_SIZE, zp + 2);
}

/* The head's refcount: one per PMD and per PTE mapping ... */
static void test_thp_refcount(void **state)
{
	tc_machine(state);
	set_page_count(tc.m, tc.t, 511);
	check_fails_with(tc.m, "THP %#lx: refcount 511 below its 512 mappings (pid 100 at %#lx)",
			 tc.t, TC_T);
	set_page_count(tc.m, tc.t, 512);
}

/* ... plus 512 for the page cache */
static void test_thp_refcount_page_cache(void **state)
{
	tc_machine(state);
	set_page_count(tc.m, tc.h, 512);
	check_fails_with(tc.m, "THP %#lx: refcount 512 below its 1 mappings and the page cache's "
			 "512 (pid 100 at %#lx)", tc.h, TC_H);
	set_page_count(tc.m, tc.h, 513);
}

/* Tail pages hold no references: page_count reads the head's */
static void test_thp_tail_refcount(void **state)
{
	tc_machine(state);
	set_page_count(tc.m, tc.t + 3, 1);
	check_fails_with(tc.m, "page %#lx (subpage 3 of THP %#lx): a tail page with refcount 1",
			 tc.t + 3, tc.t);
	set_page_count(tc.m, tc.t + 3, 0);
}

static void test_thp_pmd_not_head(void **state)
{
	pteval_t pmd;

	tc_machine(state);
	pmd = tc_pmd(tc.p, TC_T, NULL, NULL);
	tc_set_pmd(tc.p, TC_T, pmd + PAGE_SIZE);	/* the next pfn: the first tail */
	check_fails_with(tc.m, "pid 100: the huge PMD for %#lx maps page %#lx, not the head of an "
			 "order-9 folio", TC_T, tc.t + 1);
	tc_set_pmd(tc.p, TC_T, pmd);
}

/* A VMA boundary inside a PMD splits it first (vma_adjust_trans_huge) */
static void test_thp_pmd_crosses_vma_end(void **state)
{
	struct vm_area_struct *vma;

	tc_machine(state);
	vma = find_vma(tc.p->mm, TC_T);
	vma->vm_end = TC_T + HPAGE_PMD_SIZE / 2;
	check_fails_with(tc.m, "pid 100: the huge PMD for %#lx crosses the end of VMA [%#lx, %#lx)",
			 TC_T, TC_T, TC_T + HPAGE_PMD_SIZE / 2);
	vma->vm_end = TC_T + HPAGE_PMD_SIZE;
}

/* After fork the THP is not exclusive: its PMDs must stay write-protected */
static void test_thp_writable_pmd_not_exclusive(void **state)
{
	tc_machine(state);
	tc_set_pmd(tc.p, TC_T, tc_pmd(tc.p, TC_T, NULL, NULL) | _PAGE_RW);
	check_fails_with(tc.m, "pid 100: the huge PMD for %#lx maps anon THP %#lx writable, but it "
			 "is not PageAnonExclusive", TC_T, tc.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_clean_machine_passes, destroy_machine),
		cmocka_unit_test_teardown(test_broken_prev_link, destroy_machine),
		cmocka_unit_test_teardown(test_listed_block_not_pagebuddy, destroy_machine),
		cmocka_unit_test_teardown(test_listed_block_wrong_order, destroy_machine),
		cmocka_unit_test_teardown(test_listed_block_wrong_type, destroy_machine),
		cmocka_unit_test_teardown(test_misaligned_block, destroy_machine),
		cmocka_unit_test_teardown(test_block_from_another_zone, destroy_machine),
		cmocka_unit_test_teardown(test_block_past_zone_end, destroy_machine),
		cmocka_unit_test_teardown(test_free_block_with_refcount, destroy_machine),
		cmocka_unit_test_teardown(test_list_tail_wrong, destroy_machine),
		cmocka_unit_test_teardown(test_nr_free_mt_drift, destroy_machine),
		cmocka_unit_test_teardown(test_nr_free_drift, destroy_machine),
		cmocka_unit_test_teardown(test_zone_free_pages_drift, destroy_machine),
		cmocka_unit_test_teardown(test_zone_free_cma_drift, destroy_machine),
		cmocka_unit_test_teardown(test_first_failure_wins, destroy_machine),
		cmocka_unit_test_teardown(test_free_blocks_overlap, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_page_inside_free_block, destroy_machine),
		cmocka_unit_test_teardown(test_page_on_free_and_pcp_list, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_page_from_other_zone, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_list_count_drift, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_count_drift, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_page_past_machine_end, destroy_machine),
		cmocka_unit_test_teardown(test_pcp_page_misaligned, destroy_machine),
		cmocka_unit_test_teardown(test_highatomic_count_too_high, destroy_machine),
		cmocka_unit_test_teardown(test_highatomic_block_unaccounted, destroy_machine),
		cmocka_unit_test_teardown(test_held_blocks_clean, destroy_machine),
		cmocka_unit_test_teardown(test_held_block_also_free, destroy_machine),
		cmocka_unit_test_teardown(test_held_block_put_on_free_list, destroy_machine),
		cmocka_unit_test_teardown(test_held_page_on_pcp, destroy_machine),
		cmocka_unit_test_teardown(test_held_block_past_machine_end, destroy_machine),
		cmocka_unit_test_teardown(test_simulated_failure_reported, destroy_machine),
		cmocka_unit_test_teardown(test_no_host_memory_for_bitmap, destroy_machine),
		cmocka_unit_test_teardown(test_user_clean, destroy_machine),
		cmocka_unit_test_teardown(test_user_no_procs_no_ctx, destroy_machine),
		cmocka_unit_test_teardown(test_user_map_count, destroy_machine),
		cmocka_unit_test_teardown(test_user_vma_other_mm, destroy_machine),
		cmocka_unit_test_teardown(test_user_vma_unaligned, destroy_machine),
		cmocka_unit_test_teardown(test_user_vma_empty, destroy_machine),
		cmocka_unit_test_teardown(test_user_vma_overlap, destroy_machine),
		cmocka_unit_test_teardown(test_user_vma_above_task_size, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_maps_free_page, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_outside_vmas, destroy_machine),
		cmocka_unit_test_teardown(test_user_special_pte_not_zero_page, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_not_present, destroy_machine),
		cmocka_unit_test_teardown(test_user_table_shared_by_two_mms, destroy_machine),
		cmocka_unit_test_teardown(test_user_table_free, destroy_machine),
		cmocka_unit_test_teardown(test_user_table_not_pagetable, destroy_machine),
		cmocka_unit_test_teardown(test_user_huge_pud, destroy_machine),
		cmocka_unit_test_teardown(test_user_nr_pgtables, destroy_machine),
		cmocka_unit_test_teardown(test_user_pgtables_bytes, destroy_machine),
		cmocka_unit_test_teardown(test_user_nr_pagetable, destroy_machine),
		cmocka_unit_test_teardown(test_user_nr_pagetable_no_kernel_tables, destroy_machine),
		cmocka_unit_test_teardown(test_user_rss_counter, destroy_machine),
		cmocka_unit_test_teardown(test_user_rss_shmem, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_cleared_without_rmap, destroy_machine),
		cmocka_unit_test_teardown(test_user_last_pte_cleared_without_rmap, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_where_rmap_does_not_look, destroy_machine),
		cmocka_unit_test_teardown(test_user_anon_page_of_unchained_anon_vma, destroy_machine),
		cmocka_unit_test_teardown(test_user_file_page_of_another_file, destroy_machine),
		cmocka_unit_test_teardown(test_user_file_pte_cleared_without_rmap, destroy_machine),
		cmocka_unit_test_teardown(test_user_refcount_below_mapcount, destroy_machine),
		cmocka_unit_test_teardown(test_user_refcount_misses_page_cache, destroy_machine),
		cmocka_unit_test_teardown(test_user_nr_file_mapped, destroy_machine),
		cmocka_unit_test_teardown(test_user_nr_anon_mapped, destroy_machine),
		cmocka_unit_test_teardown(test_user_pte_maps_page_table, destroy_machine),
		cmocka_unit_test_teardown(test_user_writable_pte_not_exclusive, destroy_machine),
		cmocka_unit_test_teardown(test_thp_clean, destroy_machine),
		cmocka_unit_test_teardown(test_thp_compound_mapcount, destroy_machine),
		cmocka_unit_test_teardown(test_thp_subpage_mapcount, destroy_machine),
		cmocka_unit_test_teardown(test_thp_double_map_cleared, destroy_machine),
		cmocka_unit_test_teardown(test_thp_double_map_without_pmd, destroy_machine),
		cmocka_unit_test_teardown(test_thp_file_subpage_mapcount, destroy_machine),
		cmocka_unit_test_teardown(test_thp_file_pmd_cleared_without_rmap, destroy_machine),
		cmocka_unit_test_teardown(test_thp_no_deposit, destroy_machine),
		cmocka_unit_test_teardown(test_thp_file_pmd_deposit, destroy_machine),
		cmocka_unit_test_teardown(test_thp_stray_deposit, destroy_machine),
		cmocka_unit_test_teardown(test_thp_deposit_not_pagetable, destroy_machine),
		cmocka_unit_test_teardown(test_thp_pgtables_bytes_deposit, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_pagetable_deposit, destroy_machine),
		cmocka_unit_test_teardown(test_thp_rss_anon_pmd, destroy_machine),
		cmocka_unit_test_teardown(test_thp_rss_shmem_pmd, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_anon_thps, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_anon_thps_pte_mapped, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_shmem_pmdmapped, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_shmem_thps, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_file_mapped, destroy_machine),
		cmocka_unit_test_teardown(test_thp_nr_anon_mapped, destroy_machine),
		cmocka_unit_test_teardown(test_thp_huge_zero_writable, destroy_machine),
		cmocka_unit_test_teardown(test_thp_huge_zero_no_mm_flag, destroy_machine),
		cmocka_unit_test_teardown(test_thp_pte_maps_huge_zero_page, destroy_machine),
		cmocka_unit_test_teardown(test_thp_refcount, destroy_machine),
		cmocka_unit_test_teardown(test_thp_refcount_page_cache, destroy_machine),
		cmocka_unit_test_teardown(test_thp_tail_refcount, destroy_machine),
		cmocka_unit_test_teardown(test_thp_pmd_not_head, destroy_machine),
		cmocka_unit_test_teardown(test_thp_pmd_crosses_vma_end, destroy_machine),
		cmocka_unit_test_teardown(test_thp_writable_pmd_not_exclusive, destroy_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
