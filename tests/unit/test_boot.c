// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_boot.c - machine layout and boot (model/boot.c), as x86_64 Linux
 * 6.1 leaves memory before the first allocation.
 *
 * What is pinned down: nodes laid out in address order around holes;
 * zones per node (DMA below 16 MiB, DMA32 below 4 GiB, Normal above,
 * Movable at the top of a node rounded to MAX_ORDER_NR_PAGES); memblock
 * reservations carved from each node (first 1 MiB, kernel image at
 * 16 MiB, swiotlb below 4 GiB, node_data, percpu, scenario ranges); the
 * memmap at the top of each node, node-local and mapped by PMDs; the
 * first buddyinfo (everything free in the largest naturally aligned
 * blocks, reserved ranges carved out); every pageblock MOVABLE; and the
 * rejection of impossible machines with a message instead of a crash.
 *
 * Pictures are in physical addresses or pfns, ranges [start, end).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "memblock.h"

#define MB(x)		((unsigned long)(x) << 20)
#define PFN_MB(x)	(MB(x) >> PAGE_SHIFT)

static unsigned long frame_of(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	assert_true(vmemmap_translate(m, va, &f, &rw));
	return f;
}

static void assert_zone(struct machine *m, int nid, int zid, unsigned long start,
			unsigned long spanned, unsigned long present)
{
	struct zone *z = zone_of(m, nid, zid);

	if (z->zone_start_pfn != start || z->spanned_pages != spanned ||
	    z->present_pages != present)
		fail_msg("node %d %s: start %#lx spanned %lu present %lu, expected %#lx %lu %lu",
			 nid, zone_names[zid], z->zone_start_pfn, z->spanned_pages,
			 z->present_pages, start, spanned, present);
}

/*
 * The default machine: a q35 guest with 4 GiB as the harness runs it
 * (max-ram-below-4g=2G): the first page, [0x9f000, 1M) and the top
 * 128 KiB below 2G are RAM the firmware keeps, the PCI hole [2G, 4G)
 * moves the rest above 4G:
 *   phys 0 4K       0x9f000  1M        2G-128K 2G          4G            6G
 *        |h| RAM    | e820   | RAM        | e820 | PCI hole  | RAM       |
 *   DMA  [1, 0x1000)         spanned 4095, present 158 + 3840 = 3998
 *   DMA32 [0x1000, 0x100000) spanned 1044480 (hole included), present 520160
 *   Normal [0x100000, ...)   present = spanned = 524288
 * These are a real 6.1 guest's /proc/zoneinfo figures for the same
 * machine.  Reserved: the first 1 MiB, the kernel image [16M, 68M + 68K),
 * swiotlb's 64 MiB right below the firmware's 128 KiB under 2G.
 */
static void test_default_q35_layout(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	machine_opts_default(&o);
	m = t_boot(&o);
	assert_int_equal(m->nr_nodes, 1);
	assert_int_equal(m->node[0].node_start_pfn, 1);
	assert_int_equal(m->node[0].node_present_pages, 3998 + 520160 + 524288);
	assert_zone(m, 0, ZONE_DMA, 1, 4095, 3998);
	assert_zone(m, 0, ZONE_DMA32, 0x1000, 0x100000 - 0x1000, 520160);
	assert_zone(m, 0, ZONE_NORMAL, 0x100000, 524288, 524288);
	assert_false(populated_zone(zone_of(m, 0, ZONE_MOVABLE)));
	assert_int_equal(m->max_pfn, 0x100000 + 524288);
	assert_false(pfn_present_mem(m, 0x80000 - 1));		/* SeaBIOS's 128 KiB */
	assert_true(pfn_present_mem(m, 0x80000 - 33));

	/* holes: not memory; inside a section with a memmap they read reserved */
	assert_false(pfn_present_mem(m, 0));
	assert_true(pfn_present_mem(m, 0x9e));
	assert_false(pfn_present_mem(m, 0x9f));
	assert_false(pfn_present_mem(m, 0xff));
	assert_true(pfn_present_mem(m, 0x100));
	assert_true(pfn_valid(m, 0xa0));
	assert_true(PageReserved(m, 0xa0));
	assert_int_equal(page_ref_count(m, 0xa0), 1);
	assert_false(pfn_present_mem(m, 0x80000));
	assert_false(pfn_valid(m, 0x90000));	/* section 18: inside the PCI hole */

	/* fixed reservations */
	assert_int_equal(memblock_reserved_pages(m, 0, 0x100), 0x100);
	/* Debian 6.1.192's image, _text to the end of brk: 0x3411000 bytes */
	assert_int_equal(memblock_reserved_pages(m, 0x1000, 0x1000 + 0x3411), 0x3411);
	assert_false(memblock_is_reserved(m, 0x1000 + 0x3411));
	/* swiotlb: top-down below 4G, so right under SeaBIOS's 32 pages */
	assert_int_equal(memblock_reserved_pages(m, 0x7ffe0 - PFN_MB(64), 0x7ffe0), PFN_MB(64));
	assert_false(memblock_is_reserved(m, 0x7ffe0 - PFN_MB(64) - 1));

	/*
	 * Pageblock types (real 6.1: "DMA 1 Unmovable 7 Movable" after boot):
	 * the DMA zone's first block starts at pfn 0, not memory, so memmap_init
	 * never marks it; swiotlb's 64 MiB, reserved below the deferred part
	 * (DMA32 is not node 0's last zone), stays Movable.
	 */
	assert_int_equal(get_pageblock_migratetype(m, 1), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(m, 0x200), MIGRATE_MOVABLE);
	assert_int_equal(get_pageblock_migratetype(m, 0x80000 - PFN_MB(64)), MIGRATE_MOVABLE);
	assert_int_equal(get_pageblock_migratetype(m, 0x7ffe0 - PFN_MB(64)), MIGRATE_MOVABLE);
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0 [0, 3G)                     node 1 [3G, 6G)
 *   | DMA | DMA32 ................... | DMA32 [3G,4G) | Normal [4G, 6G) |
 * Zones are per node: node 1 gets its own DMA32 (the part below 4 GiB)
 * and node 0 no Normal zone.
 */
static void test_zones_per_node(void **state)
{
	struct machine *m = t_machine(2, 3072, 2);

	(void)state;
	assert_zone(m, 0, ZONE_DMA, 0, 0x1000, 0x1000);
	assert_zone(m, 0, ZONE_DMA32, 0x1000, PFN_MB(3072) - 0x1000, PFN_MB(3072) - 0x1000);
	assert_false(populated_zone(zone_of(m, 0, ZONE_NORMAL)));
	assert_false(populated_zone(zone_of(m, 1, ZONE_DMA)));
	assert_zone(m, 1, ZONE_DMA32, PFN_MB(3072), PFN_MB(1024), PFN_MB(1024));
	assert_zone(m, 1, ZONE_NORMAL, 0x100000, PFN_MB(2048), PFN_MB(2048));
	assert_int_equal(pfn_to_nid(m, PFN_MB(3072) - 1), 0);
	assert_int_equal(pfn_to_nid(m, PFN_MB(3072)), 1);
	assert_ptr_equal(pfn_zone(m, 0x100000), zone_of(m, 1, ZONE_NORMAL));
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0 [0, 1G), movable_bytes = 256M - 5 pages
 *   pfn 0      0x1000             0x30400                0x40000
 *       | DMA  | DMA32            | Movable              |
 * The Movable zone starts at end - want rounded UP to MAX_ORDER_NR_PAGES
 * (0x40000 - 0xfffb = 0x30005 -> 0x30400), as
 * find_zone_movable_pfns_for_nodes rounds; DMA32 ends there.
 */
static void test_movable_zone_rounding(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	t_opts(&o, 1, 1024, 1);
	o.node[0].movable_bytes = MB(256) - 5 * PAGE_SIZE;
	m = t_boot(&o);
	assert_zone(m, 0, ZONE_DMA32, 0x1000, 0x30400 - 0x1000, 0x30400 - 0x1000);
	assert_zone(m, 0, ZONE_MOVABLE, 0x30400, 0x40000 - 0x30400, 0x40000 - 0x30400);
	assert_int_equal(zone_of(m, 0, ZONE_MOVABLE)->zone_start_pfn % MAX_ORDER_NR_PAGES, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0: 256 MiB with a hole at [64M, 96M)
 *   phys 0       16M          64M      96M            288M
 *        | DMA   | DMA32      | hole   | DMA32        |
 * The node continues after the hole (256 MiB of RAM end at 288M); DMA32
 * spans the hole but does not count it as present; no free block covers
 * a hole page, and hole pages inside a memmapped section read reserved.
 */
static void test_hole_inside_zone(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *z;

	(void)state;
	t_opts(&o, 1, 256, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(64), MB(96), false };
	m = t_boot(&o);
	z = zone_of(m, 0, ZONE_DMA32);
	assert_int_equal(m->max_pfn, PFN_MB(288));
	assert_zone(m, 0, ZONE_DMA32, 0x1000, PFN_MB(288) - 0x1000,
		    PFN_MB(288) - 0x1000 - PFN_MB(32));
	assert_int_equal(m->node[0].node_spanned_pages, PFN_MB(288));
	for (unsigned long pfn = PFN_MB(64); pfn < PFN_MB(96); pfn += 0x111) {
		assert_false(pfn_present_mem(m, pfn));
		assert_false(PageBuddy(m, pfn));
		assert_true(PageReserved(m, pfn));
	}
	/* the blocks on both sides of the hole are free and end/start at it */
	assert_true(PageBuddy(m, PFN_MB(64) - 1024));
	assert_int_equal(buddy_order(m, PFN_MB(64) - 1024), 10);
	assert_true(PageBuddy(m, PFN_MB(96)));
	assert_int_equal(z->managed_pages, zone_page_state(z, NR_FREE_PAGES));
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0 [0, 256M)                         node 1 [256M, 512M)
 *   | ... memmap | percpu | node_data |      | ... memmap | percpu | node_data |
 * For struct page sizes 56/64/72: every present section's struct pages
 * are backed by frames of its own node (sparse_buffer_init is
 * exact_nid), mapped by PMDs whose frames are PMD-aligned, taken from
 * the top of the node below percpu and node_data.  A 72-byte memmap
 * needs 3 PMDs for node 0's two sections; node 1's first PMD is shared
 * with node 0's last and was populated by node 0, so node 1 maps only 2.
 * The sparse buffer's unused tail goes back to the buddy allocator.
 */
static void test_memmap_top_of_node_pmd_aligned(void **state)
{
	static const struct { unsigned int sps; unsigned long pages[2]; } c[] = {
		{ 56, { 1024, 1024 } },
		{ 64, { 1024, 1024 } },
		{ 72, { 1536, 1024 } },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine_opts o;
		struct machine *m;

		t_opts(&o, 2, 256, 2);
		o.struct_page_size = c[i].sps;
		m = t_boot(&o);
		for (int n = 0; n < 2; n++) {
			struct pglist_data *pg = &m->node[n];
			unsigned long end = pg->node_start_pfn + pg->node_spanned_pages;
			unsigned long lowest = ~0UL;

			if (pg->memmap_pages != c[i].pages[n])
				fail_msg("sps %u node %d: %lu memmap pages, expected %lu", c[i].sps, n,
					 pg->memmap_pages, c[i].pages[n]);
			for (unsigned long pfn = pg->node_start_pfn; pfn < end; pfn += 4096) {
				uint64_t va = page_va(m, pfn);
				unsigned long f = frame_of(m, va);
				unsigned long pmd_frame = frame_of(m, va & ~(PMD_SIZE - 1));
				int owner = pfn_to_nid(m, pmd_frame);

				/* a PMD shared with the previous node belongs to that node */
				if ((va & ~(PMD_SIZE - 1)) < page_va(m, pg->node_start_pfn))
					assert_int_equal(owner, n - 1);
				else
					assert_int_equal(owner, n);
				assert_int_equal(pmd_frame % (PMD_SIZE >> PAGE_SHIFT), 0);
				assert_true(PageReserved(m, f));
				if (owner == n && pmd_frame < lowest)
					lowest = pmd_frame;
			}
			/*
			 * top of the node: only the sparse buffer (one section_map_size
			 * per section, 2 or 4 MiB here), percpu (2M) and node_data lie
			 * above its lowest frame
			 */
			{
				unsigned long map = c[i].sps == 72 ? 1024 : 512;
				unsigned long below = end - 2 * map - (PMD_SIZE >> PAGE_SHIFT) -
						      (PMD_SIZE >> PAGE_SHIFT);

				if (lowest < below || lowest >= end)
					fail_msg("sps %u node %d: memmap frame %#lx not in [%#lx, %#lx)",
						 c[i].sps, n, lowest, below, end);
			}
		}
		if (c[i].sps == 72) {
			/* node 0 took a 2 x 4 MiB buffer and used 3 PMDs: the 4th is free */
			unsigned long last = m->node[0].node_start_pfn +
					     m->node[0].node_spanned_pages - 1;
			unsigned long top = frame_of(m, page_va(m, last) & ~(PMD_SIZE - 1));
			unsigned long spare = top + (PMD_SIZE >> PAGE_SHIFT);

			assert_false(memblock_is_reserved(m, spare));
			assert_false(PageReserved(m, spare));
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   node 0 [0, 256M), node 1 [256M, 512M), 2 CPUs (one per node)
 *   scenario reservations: fixed [100M, 101M); 4 MiB anywhere on node 0
 *   node 0 top:  ... | percpu | free  | node_data |     (without the 4 MiB)
 *   with it:     ... | percpu | node_data | 4 MiB reserved |  <- end of node 0
 * Expect the fixed range reserved exactly, the sized one carved top-down
 * from node 0 (scenario reservations come before node_data and percpu,
 * so it takes the very top of node 0 although node 1 is higher), node 1's
 * top 4 MiB left partly free, and no reserved page inside a free block.
 */
static void test_reservations_carved_per_node(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long end0, end1;

	(void)state;
	t_opts(&o, 2, 256, 2);
	o.nr_reserves = 2;
	o.reserve[0] = (struct reserve_desc){ MB(100), MB(1), -1 };
	o.reserve[1] = (struct reserve_desc){ 0, MB(4), 0 };
	m = t_boot(&o);
	end0 = m->node[0].node_start_pfn + m->node[0].node_spanned_pages;
	end1 = m->node[1].node_start_pfn + m->node[1].node_spanned_pages;
	assert_int_equal(memblock_reserved_pages(m, PFN_MB(100), PFN_MB(101)), PFN_MB(1));
	assert_false(memblock_is_reserved(m, PFN_MB(100) - 1));
	assert_false(memblock_is_reserved(m, PFN_MB(101)));
	assert_int_equal(memblock_reserved_pages(m, end0 - PFN_MB(4), end0), PFN_MB(4));
	assert_true(memblock_reserved_pages(m, end1 - PFN_MB(4), end1) < PFN_MB(4));
	/* node_data and percpu of node 1 at its top */
	assert_true(memblock_is_reserved(m, end1 - 1));
	assert_true(PageReserved(m, end1 - 1));
	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn += 5)
		if (memblock_is_reserved(m, pfn))
			assert_false(PageBuddy(m, pfn));
	t_check(m);
	machine_destroy(m);
}

struct expect_bi {
	struct machine *m;
	unsigned long nr[MAX_NR_ZONES][MAX_ORDER];
};

/* Split a free range into the largest naturally aligned blocks, per zone */
static void count_blocks(struct machine *m, unsigned long start, unsigned long end, int nid,
			 void *priv)
{
	struct expect_bi *e = priv;

	(void)nid;
	while (start < end) {
		struct zone *z = pfn_zone(m, start);
		unsigned long lim = end < zone_end_pfn(z) ? end : zone_end_pfn(z);
		unsigned int o = MAX_ORDER - 1;

		while ((start & ((1UL << o) - 1)) || start + (1UL << o) > lim)
			o--;
		e->nr[z->idx][o]++;
		start += 1UL << o;
	}
}

/*
 *   256 MiB, 1 CPU, no holes:
 *   pfn 0      0x100   0x200  0x400      0x1000        ...  memmap|percpu|nd  0x10000
 *       | resv | o8    | o9   | 3 x o10  | DMA32: 58 x o10 ...  | reserved |
 * The first buddyinfo: DMA holds exactly one order-8, one order-9 and
 * three order-10 blocks (the first 1 MiB is carved out); each zone's
 * counts equal the split of memblock's free ranges into the largest
 * naturally aligned blocks; almost everything is order 10; free pages
 * equal managed pages and no reserved pfn is inside a free block.
 */
static void test_first_buddyinfo(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct expect_bi e = { .m = m };
	struct zone *dma = zone_of(m, 0, ZONE_DMA), *dma32 = zone_of(m, 0, ZONE_DMA32);
	unsigned long free10 = 0, free_all = 0;

	(void)state;
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long want = o == 8 ? 1 : o == 9 ? 1 : o == 10 ? 3 : 0;

		assert_int_equal(dma->free_area[o].nr_free, want);
	}
	for_each_free_mem_range(m, count_blocks, &e);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			if (zone_of(m, 0, zi)->free_area[o].nr_free != e.nr[zi][o])
				fail_msg("%s order %u: %lu free blocks, expected %lu", zone_names[zi],
					 o, zone_of(m, 0, zi)->free_area[o].nr_free, e.nr[zi][o]);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		free_all += dma32->free_area[o].nr_free << o;
	free10 = dma32->free_area[10].nr_free << 10;
	assert_true(free10 * 100 >= free_all * 95);
	assert_int_equal(free_all, zone_page_state(dma32, NR_FREE_PAGES));
	assert_int_equal(dma32->managed_pages, free_all);
	assert_int_equal(dma->managed_pages, 0x1000 - 0x100);
	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn += 7)
		if (memblock_is_reserved(m, pfn))
			assert_false(PageBuddy(m, pfn));
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0 [0, 512M), no holes                        node 1 [512M, 1G)
 *   DMA           DMA32                               DMA32
 *   |M..M|  |M..M[kernel image]M..M|M..M..[memmap]|    |M..M|M..M..[memmap]|
 *   ^first 1M reserved             ^256M deferred         ^640M deferred
 *
 * Boot marks a pageblock Movable when it initialises the block's first
 * pfn: every block starting in memory below first_deferred_pfn (the
 * kernel image's, reserved, too), and past it (CONFIG_DEFERRED_STRUCT_
 * PAGE_INIT: the last zone's memory beyond its first 128 MiB, rounded up
 * to a section) only blocks starting in free memory.  Blocks starting in
 * a hole (test_default_q35_layout) or in reserved memory past it stay
 * Unmovable (the bitmap's 0).
 */
static void test_pageblocks_after_boot(void **state)
{
	unsigned long deferred[2] = { 0x10000, 0x28000 }, unmovable = 0, frame;
	struct machine_opts o;
	struct machine *m;
	struct zone *z;
	bool rw;

	(void)state;
	t_opts(&o, 2, 512, 2);
	o.kernel_image_bytes = 32UL << 20;
	m = t_boot(&o);
	assert_int_equal(pageblock_order, 9);
	assert_int_equal(pageblock_nr_pages, 512);
	assert_true(memblock_is_reserved(m, 0));
	assert_int_equal(get_pageblock_migratetype(m, 0), MIGRATE_MOVABLE);
	/* the kernel image: reserved, before the deferred part, Movable */
	assert_true(memblock_is_reserved(m, 0x2000));
	assert_int_equal(get_pageblock_migratetype(m, 0x2000), MIGRATE_MOVABLE);
	/* each node's memmap: reserved, deferred, Unmovable */
	for (int n = 0; n < 2; n++) {
		assert_true(vmemmap_translate(m, page_va(m, m->node[n].node_start_pfn + 1), &frame, &rw));
		assert_int_equal(pfn_to_nid(m, frame), n);
		assert_true(frame >= deferred[n] && memblock_is_reserved(m, frame));
		assert_int_equal(get_pageblock_migratetype(m, frame & ~511UL), MIGRATE_UNMOVABLE);
	}
	for_each_zone_of(m, z) {
		if (!populated_zone(z))
			continue;
		for (unsigned long b = z->zone_start_pfn & ~511UL; b < zone_end_pfn(z); b += 512) {
			int nid = z->zone_pgdat->node_id, mt = get_pfnblock_migratetype(z, b);
			bool free = pfn_present_mem(m, b) && !memblock_is_reserved(m, b);

			if (mt == MIGRATE_MOVABLE) {
				assert_true(pfn_present_mem(m, b));
				assert_true(free || b < deferred[nid]);
			} else {
				assert_int_equal(mt, MIGRATE_UNMOVABLE);
				assert_false(free);
				assert_true(!pfn_present_mem(m, b) || b >= deferred[nid]);
				unmovable++;
			}
		}
	}
	/* the memmap, percpu and page tables of each node */
	assert_in_range(unmovable, 4, 16);
	t_check(m);
	machine_destroy(m);

	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT=n: every block of memory Movable */
	o.no_deferred_struct_page_init = true;
	m = t_boot(&o);
	for_each_zone_of(m, z) {
		if (!populated_zone(z))
			continue;
		for (unsigned long b = z->zone_start_pfn & ~511UL; b < zone_end_pfn(z); b += 512)
			assert_int_equal(get_pfnblock_migratetype(z, b), MIGRATE_MOVABLE);
	}
	machine_destroy(m);
}

/*
 * Impossible machines: each row changes one thing in a small valid
 * machine; machine_create must return NULL with an "impossible machine"
 * message naming the problem (and free what it built: the sanitizer
 * build fails on a leak).
 */
enum bad_case {
	BAD_NODES0, BAD_NODES17, BAD_CPUS0, BAD_CPUS65, BAD_SPS48, BAD_SPS60, BAD_SPS264,
	BAD_MEM0, BAD_MEM_UNALIGNED, BAD_MEM_SMALL, BAD_MOVABLE, BAD_HOLE_EMPTY,
	BAD_HOLE_UNALIGNED, BAD_KERNEL_IN_HOLE, BAD_FIXED_RESERVE, BAD_RESERVE_NODE,
	BAD_RESERVE_TOO_BIG, BAD_PHYSMEM_BITS, BAD_KVER, NR_BAD
};

static void test_invalid_machines(void **state)
{
	static const char *const want[NR_BAD] = {
		[BAD_NODES0] = "nodes", [BAD_NODES17] = "nodes",
		[BAD_CPUS0] = "CPUs", [BAD_CPUS65] = "CPUs",
		[BAD_SPS48] = "struct page size", [BAD_SPS60] = "struct page size",
		[BAD_SPS264] = "struct page size",
		[BAD_MEM0] = "no memory", [BAD_MEM_UNALIGNED] = "multiple of the page size",
		[BAD_MEM_SMALL] = "less than 16 MiB", [BAD_MOVABLE] = "movable",
		[BAD_HOLE_EMPTY] = "hole", [BAD_HOLE_UNALIGNED] = "hole",
		[BAD_KERNEL_IN_HOLE] = "kernel image", [BAD_FIXED_RESERVE] = "reservation",
		[BAD_RESERVE_NODE] = "does not exist", [BAD_RESERVE_TOO_BIG] = "no room",
		[BAD_PHYSMEM_BITS] = "MAX_PHYSMEM_BITS", [BAD_KVER] = "kernel version 6.5",
	};

	(void)state;
	for (int c = 0; c < NR_BAD; c++) {
		struct machine_opts o;
		char err[256] = "";
		struct machine *m;

		t_opts(&o, 1, 64, 1);
		switch (c) {
		case BAD_NODES0: o.nr_nodes = 0; break;
		case BAD_NODES17: o.nr_nodes = MAX_NUMNODES + 1; break;
		case BAD_CPUS0: o.nr_cpus = 0; break;
		case BAD_CPUS65: o.nr_cpus = MAX_CPUS + 1; break;
		case BAD_SPS48: o.struct_page_size = 48; break;
		case BAD_SPS60: o.struct_page_size = 60; break;
		case BAD_SPS264: o.struct_page_size = 264; break;
		case BAD_MEM0: o.node[0].mem_bytes = 0; break;
		case BAD_MEM_UNALIGNED: o.node[0].mem_bytes = MB(64) + 100; break;
		case BAD_MEM_SMALL: o.node[0].mem_bytes = MB(8); break;
		case BAD_MOVABLE: o.node[0].movable_bytes = MB(64); break;
		case BAD_HOLE_EMPTY:
			o.nr_holes = 1;
			o.hole[0] = (struct hole_desc){ MB(32), MB(32), false };
			break;
		case BAD_HOLE_UNALIGNED:
			o.nr_holes = 1;
			o.hole[0] = (struct hole_desc){ MB(32) + 1, MB(33), false };
			break;
		case BAD_KERNEL_IN_HOLE:
			o.kernel_image_bytes = MB(8);
			o.nr_holes = 1;
			o.hole[0] = (struct hole_desc){ MB(16), MB(20), false };
			break;
		case BAD_FIXED_RESERVE:
			o.nr_reserves = 1;
			o.reserve[0] = (struct reserve_desc){ MB(60), MB(8), -1 };
			break;
		case BAD_RESERVE_NODE:
			o.nr_reserves = 1;
			o.reserve[0] = (struct reserve_desc){ 0, MB(1), 3 };
			break;
		case BAD_RESERVE_TOO_BIG:
			o.nr_reserves = 1;
			o.reserve[0] = (struct reserve_desc){ 0, MB(63), 0 };
			break;
		case BAD_PHYSMEM_BITS: o.node[0].mem_bytes = (1UL << 46) + MB(16); break;
		case BAD_KVER: o.kver = MM_KVER(6, 5); break;
		}
		m = machine_create(&o, err, sizeof(err));
		if (m) {
			machine_destroy(m);
			fail_msg("case %d (%s): machine_create accepted it", c, want[c]);
		}
		if (!strstr(err, "impossible machine") || !strstr(err, want[c]))
			fail_msg("case %d: message \"%s\" does not name \"%s\"", c, err, want[c]);
	}
}

/*
 * The kernel version: 6.1 unless asked; mm_kver_ge orders versions; a rule
 * reached on 6.12 gives one warning however often it is reached, and a
 * rule reached on 6.1 none.
 */
static void test_kver_and_warn_once(void **state)
{
	const enum kver_rule rule = (enum kver_rule)0;	/* whichever rule is still open */
	struct machine_opts o;
	struct machine *m;
	char buf[256], want[256];
	const char *w;

	(void)state;
	t_opts(&o, 1, 64, 1);
	m = t_boot(&o);
	assert_true(mm_kver_ge(m, 6, 1));
	assert_false(mm_kver_ge(m, 6, 12));
	mm_kver_unmodelled(m, rule);
	assert_null(mm_kver_take_warning(m, buf, sizeof(buf)));
	machine_destroy(m);

	o.kver = 0;	/* opts built by hand: the default version */
	m = t_boot(&o);
	assert_int_equal(m->opts.kver, MM_KVER(6, 1));
	machine_destroy(m);

	t_opts(&o, 1, 64, 1);
	assert_true(mm_kver_parse("6.12", &o.kver));
	assert_false(mm_kver_parse("6.11", &o.kver));
	assert_string_equal(mm_kver_name(o.kver), "6.12");
	m = t_boot(&o);
	assert_true(mm_kver_ge(m, 6, 1) && mm_kver_ge(m, 6, 12));
	assert_false(mm_kver_ge(m, 6, 13));
	mm_kver_unmodelled(m, rule);
	mm_kver_unmodelled(m, rule);
	w = mm_kver_take_warning(m, buf, sizeof(buf));
	assert_non_null(w);
	snprintf(want, sizeof(want), "mmsim: version=6.12: %s is modelled as 6.1 does it",
		 mm_kver_rule_name(rule));
	assert_string_equal(w, want);
	assert_null(mm_kver_take_warning(m, buf, sizeof(buf)));
	mm_kver_unmodelled(m, rule);	/* reached again: already said */
	assert_null(mm_kver_take_warning(m, buf, sizeof(buf)));
	machine_destroy(m);
}

/* machine_create refuses o with exactly msg */
static void refused(const struct machine_opts *o, const char *msg)
{
	char err[256] = "";
	struct machine *m = machine_create(o, err, sizeof(err));

	if (m) {
		machine_destroy(m);
		fail_msg("accepted, expected \"%s\"", msg);
	}
	assert_string_equal(err, msg);
}

/*
 * More impossible machines, each refused with its own message before
 * any memory is touched:
 *   a policy that is not an entry of its family, or of a family nobody
 *   registered (a parsed name never gives either); a movable part or a
 *   hole end that is not
 *   page aligned; a kernel image past the end of memory; an empty or an
 *   unaligned or an out-of-memory fixed reservation; a machine above 4G
 *   whose memory below 4G (32 MiB here) cannot hold swiotlb's 64 MiB.
 */
static void test_more_invalid_machines(void **state)
{
	static const struct policy stray = { .name = "stray" };
	static const struct policy_family lost = { .name = "lost", .policies = &stray,
						   .nr_policies = 1 };
	struct machine_opts o;

	(void)state;
	t_opts(&o, 1, 64, 1);
	policy_set_put(&o.policies, policy_family_find("hvo", 3), &stray);
	refused(&o, "policy 'stray' is not an entry of family 'hvo'");

	t_opts(&o, 1, 64, 1);
	policy_set_put(&o.policies, &lost, &stray);
	refused(&o, "policy family 'lost' is not registered");

	t_opts(&o, 1, 64, 1);
	o.node[0].movable_bytes = MB(8) + 100;
	refused(&o, "impossible machine: node 0 memory is not a multiple of the page size");

	t_opts(&o, 1, 64, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(32), MB(33) + 1, false };
	refused(&o, "impossible machine: hole 0 [0x2000000, 0x2100001) is empty or not page aligned");

	t_opts(&o, 1, 64, 1);
	o.kernel_image_bytes = MB(64);
	refused(&o, "impossible machine: the kernel image [16M, +67108864) is not in memory");

	t_opts(&o, 1, 64, 1);
	o.nr_reserves = 1;
	o.reserve[0] = (struct reserve_desc){ MB(4), 0, -1 };
	refused(&o, "impossible machine: reservation 0 is empty");
	o.reserve[0] = (struct reserve_desc){ MB(4) + 8, PAGE_SIZE, -1 };
	refused(&o, "impossible machine: reservation [0x400008, +0x1000) is not in memory");
	o.reserve[0] = (struct reserve_desc){ MB(63), MB(2), -1 };
	refused(&o, "impossible machine: reservation [0x3f00000, +0x200000) is not in memory");

	t_opts(&o, 1, 96, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(32), 4UL << 30, false };
	refused(&o, "impossible machine: no room for swiotlb below 4G");
}

/*
 *   node 0: 512 MiB with a hole at [256M, 384M), movable_bytes = 384 MiB
 *   phys 0        256M      384M            640M
 *        | RAM     | hole    | RAM (256M)    |
 *   the top region holds only 256 MiB of the 384: the movable part goes
 *   on into the region below, starting at 256M - 128M = 128M
 *   node 1: 256 MiB after node 0, movable_bytes = 64 MiB: node 0's
 *   regions above it are not counted for it
 * ZONE_MOVABLE of node 0 is [128M, 640M) with 384 MiB present, DMA32
 * ends at 128M; node 1's is its top 64 MiB.
 */
static void test_movable_part_spans_regions(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	t_opts(&o, 2, 512, 2);
	o.node[1].mem_bytes = MB(256);
	o.node[0].movable_bytes = MB(384);
	o.node[1].movable_bytes = MB(64);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(256), MB(384), false };
	m = t_boot(&o);
	assert_zone(m, 0, ZONE_MOVABLE, PFN_MB(128), PFN_MB(640 - 128), PFN_MB(384));
	assert_zone(m, 0, ZONE_DMA32, PFN_MB(16), PFN_MB(128 - 16), PFN_MB(128 - 16));
	assert_zone(m, 1, ZONE_MOVABLE, PFN_MB(640 + 192), PFN_MB(64), PFN_MB(64));
	assert_zone(m, 1, ZONE_DMA32, PFN_MB(640), PFN_MB(192), PFN_MB(192));
	t_check(m);
	machine_destroy(m);
}

/*
 * The first simulated failure recorded is the one a run reports: a later
 * one does not overwrite it (mm_fail returns false either way).  And
 * machine_destroy(NULL) does nothing, as kfree(NULL).
 */
static void test_first_failure_wins(void **state)
{
	struct machine *m = t_machine(1, 64, 1);

	(void)state;
	assert_false(mm_fail(m, "BUG: first %d", 1));
	assert_false(mm_fail(m, "BUG: second %d", 2));
	assert_true(m->fail.failed);
	assert_string_equal(m->fail.msg, "BUG: first 1");
	machine_destroy(m);
	machine_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_q35_layout),
		cmocka_unit_test(test_zones_per_node),
		cmocka_unit_test(test_movable_zone_rounding),
		cmocka_unit_test(test_hole_inside_zone),
		cmocka_unit_test(test_memmap_top_of_node_pmd_aligned),
		cmocka_unit_test(test_reservations_carved_per_node),
		cmocka_unit_test(test_first_buddyinfo),
		cmocka_unit_test(test_pageblocks_after_boot),
		cmocka_unit_test(test_invalid_machines),
		cmocka_unit_test(test_more_invalid_machines),
		cmocka_unit_test(test_movable_part_spans_regions),
		cmocka_unit_test(test_first_failure_wins),
		cmocka_unit_test(test_kver_and_warn_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
