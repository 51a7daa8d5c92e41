// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_page.c - struct page as the model keeps it: in the frames behind
 * the vmemmap, reached through page_va() and the init_mm page tables.
 *
 * What is pinned down: the vmemmap address arithmetic for struct page
 * sizes 56, 64 and 72 (each test that depends on it runs for all three);
 * struct pages that straddle a frame boundary; the boot state a struct
 * page reads before anything wrote it (reserved with one reference, or
 * free with none, node and zone in the flags); the 0xFD fill of a
 * partially used vmemmap PMD; compound pages and compound_head(); the
 * list helpers that link free and pcp lists through page->lru; and the
 * atomic refcount operations speculative users rely on.
 *
 * Machines are small t_opts() machines: no holes, no kernel image, so
 * the only boot reservations are the first 1 MiB, node_data, percpu and
 * the memmap at the top of each node.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "memblock.h"
#include "pgtable.h"
#include "policies/vmemmap_subpmd.h"

static const unsigned int sps_matrix[] = { 56, 64, 72 };

static struct machine *machine_sps(unsigned int sps, unsigned long mb, int nodes)
{
	struct machine_opts o;

	t_opts(&o, nodes, mb, 1);
	o.struct_page_size = sps;
	return t_boot(&o);
}

static unsigned long frame_of(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	assert_true(vmemmap_translate(m, va, &f, &rw));
	return f;
}

/* An order-3 block this test owns, for pages it may scribble on */
static unsigned long own_block(struct machine *m, unsigned int order)
{
	unsigned long pfn = __alloc_pages(m, GFP_KERNEL, order, 0);

	assert_int_not_equal(pfn, PFN_NONE);
	return pfn;
}

/*
 *   vmemmap  VMEMMAP_START + pfn * sps
 *   | page 0 | page 1 | ... | page p-1 | page p | page p+1 |
 * For each struct page size: page_va is the linear stride, and writing
 * every field of page p leaves pages p-1 and p+1 as boot left them (a
 * stride of 64 hard-coded anywhere would overlap neighbours for 56/72).
 */
static void test_page_va_stride(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		unsigned int sps = sps_matrix[i];
		struct machine *m = machine_sps(sps, 128, 1);
		unsigned long p = own_block(m, 3) + 3;
		uint64_t before_lo = page_flags(m, p - 1), before_hi = page_flags(m, p + 1);
		int ref_lo = page_ref_count(m, p - 1), ref_hi = page_ref_count(m, p + 1);

		assert_int_equal(m->sps, sps);
		assert_int_equal(page_va(m, 0), VMEMMAP_START);
		assert_int_equal(page_va(m, 12345), VMEMMAP_START + 12345ULL * sps);
		assert_int_equal(page_va(m, p + 1) - page_va(m, p), sps);

		set_page_flags(m, p, ~0ULL);
		pg_write64(m, p, PGOFF_LRU_NEXT, ~0ULL);
		pg_write64(m, p, PGOFF_LRU_PREV, ~0ULL);
		set_page_mapping(m, p, ~0ULL);
		set_page_index(m, p, ~0UL);
		set_page_private(m, p, ~0UL);
		pg_write32(m, p, PGOFF_MAPCOUNT, 0x12345678);
		pg_write32(m, p, PGOFF_REFCOUNT, 0x9abcdef0);
		if (sps >= 64)
			pg_write64(m, p, PGOFF_MEMCG, ~0ULL);

		assert_int_equal(page_flags(m, p - 1), before_lo);
		assert_int_equal(page_flags(m, p + 1), before_hi);
		assert_int_equal(page_ref_count(m, p - 1), ref_lo);
		assert_int_equal(page_ref_count(m, p + 1), ref_hi);
		assert_int_equal(page_mapcount_raw(m, p + 1), -1);
		assert_int_equal(page_private(m, p - 1), 0);
		assert_int_equal(pg_read32(m, p, PGOFF_REFCOUNT), 0x9abcdef0);
		assert_int_equal(page_private(m, p), ~0UL);
		assert_false(m->fail.failed);
		machine_destroy(m);
	}
}

/*
 *   frame k                       | frame k+1
 *   ... | page p: flags ... ------+---- ... _refcount | page p+1 ...
 * With 56- and 72-byte struct pages some pages straddle a 4 KiB frame of
 * the vmemmap (with 64 none do).  Expect such a page's fields to resolve
 * to two different frames and still read back what was written, without
 * touching the next page.
 */
static void test_page_straddles_frames(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		unsigned int sps = sps_matrix[i];
		struct machine *m = machine_sps(sps, 128, 1);
		unsigned long base = own_block(m, 9), p = PFN_NONE, nstraddle = 0;

		for (unsigned long q = base; q < base + 512; q++) {
			uint64_t off = page_va(m, q) & (PAGE_SIZE - 1);

			if (off + sps > PAGE_SIZE) {
				nstraddle++;
				if (p == PFN_NONE && off + PGOFF_REFCOUNT >= PAGE_SIZE)
					p = q;
			}
		}
		if (sps == 64) {
			assert_int_equal(nstraddle, 0);
			machine_destroy(m);
			continue;
		}
		assert_true(nstraddle > 0);
		assert_int_not_equal(p, PFN_NONE);
		assert_int_not_equal(frame_of(m, page_va(m, p)),
				     frame_of(m, page_va(m, p) + PGOFF_REFCOUNT));
		set_page_flags(m, p, 0x5aUL);
		set_page_count(m, p, 77);
		assert_int_equal(page_flags(m, p), 0x5a);
		assert_int_equal(page_ref_count(m, p), 77);
		assert_int_equal(page_ref_count(m, p + 1), 0);
		assert_int_equal(page_mapcount_raw(m, p + 1), -1);
		set_page_count(m, p, 0);
		machine_destroy(m);
	}
}

/*
 *   pfn 0x0       0x100        0x200   ...   0x1000 (16M)  ... top of node
 *       | resv 1M | free o8    | o9 ... o10  | DMA32 ...      | memmap etc |
 * Nothing has written these struct pages yet: expect each to read the
 * state boot leaves (lazy materialisation).  Reserved pages (the first
 * 1 MiB, the memmap frames) are PageReserved with _refcount 1; free pages
 * have _refcount 0; every page has _mapcount -1 and its node and zone in
 * the flags; a free block head is PageBuddy with its order, its tails
 * are not.
 */
static void test_boot_state_lazy(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		struct machine *m = machine_sps(sps_matrix[i], 128, 2);
		unsigned long n1 = m->node[1].node_start_pfn;
		unsigned long memmap_frame = frame_of(m, page_va(m, 0x2000));

		assert_true(PageReserved(m, 0));
		assert_int_equal(page_ref_count(m, 0), 1);
		assert_int_equal(page_mapcount_raw(m, 0), -1);
		assert_int_equal(page_zonenum(m, 0), ZONE_DMA);

		assert_true(PageBuddy(m, 0x100));
		assert_int_equal(buddy_order(m, 0x100), 8);
		assert_false(PageReserved(m, 0x100));
		assert_int_equal(page_ref_count(m, 0x100), 0);

		assert_false(PageBuddy(m, 0x180));
		assert_false(PageReserved(m, 0x180));
		assert_int_equal(page_ref_count(m, 0x180), 0);
		assert_int_equal(page_mapcount_raw(m, 0x180), -1);

		assert_int_equal(page_zonenum(m, 0x2000), ZONE_DMA32);
		assert_int_equal(page_to_nid(m, 0x2000), 0);
		assert_true(PageReserved(m, memmap_frame));
		assert_int_equal(page_ref_count(m, memmap_frame), 1);
		assert_int_equal(pfn_to_nid(m, memmap_frame), 0);

		assert_int_equal(page_to_nid(m, n1 + 0x400), 1);
		assert_int_equal(page_zonenum(m, n1 + 0x400), ZONE_DMA32);
		assert_ptr_equal(page_zone(m, n1 + 0x400), zone_of(m, 1, ZONE_DMA32));
		assert_false(m->fail.failed);
		machine_destroy(m);
	}
}

/*
 *   vmemmap PMD [2M, 4M) for sps 56 on a 128+128 MiB machine:
 *   | struct pages of the last pfns | 0 ... 0  -> flush ->  0xFD ... 0xFD |
 *   2M                         max_pfn*56 (3.5M)                          4M
 * Bytes of a populated vmemmap PMD that no struct page uses hold what the
 * memory held (0) after boot: x86 leaves the tail after the last section
 * pending in unused_pmd_start, and only the next populate or remove fills
 * it with PAGE_UNUSED (0xFD, vmemmap_flush_unused_pmd).  With 64-byte
 * pages the memmap ends exactly on a PMD boundary, so nothing is pending
 * and the next address is not mapped: reading it is a simulated page
 * fault.
 */
static void test_page_unused_fill(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		unsigned int sps = sps_matrix[i];
		struct machine *m = machine_sps(sps, 128, 2);
		unsigned long last = m->max_pfn - 1;
		uint64_t end_va = page_va(m, m->max_pfn);
		uint64_t pmd_end = (end_va + PMD_SIZE - 1) & ~(PMD_SIZE - 1);

		assert_int_equal(page_mapcount_raw(m, last), -1);
		assert_true(PageReserved(m, last));	/* node_data sits at the top */
		if (sps == 64) {
			assert_int_equal(end_va & (PMD_SIZE - 1), 0);
			(void)pg_read64(m, m->max_pfn, 0);
			assert_true(m->fail.failed);
			assert_non_null(strstr(m->fail.msg, "page fault"));
			machine_destroy(m);
			continue;
		}
		assert_int_not_equal(end_va & (PMD_SIZE - 1), 0);
		assert_int_equal(m->vmemmap.unused_pmd_start, end_va);
		assert_int_equal(pg_read64(m, m->max_pfn, 0), 0);
		vmemmap_flush_unused_pmd(m);
		assert_int_equal(m->vmemmap.unused_pmd_start, 0);
		/* first unused byte, one in the middle, the last byte of the PMD */
		assert_int_equal(pg_read64(m, m->max_pfn, 0), 0xfdfdfdfdfdfdfdfdULL);
		assert_int_equal(pg_read8(m, m->max_pfn + 3, 11), 0xfd);
		{
			uint64_t va = pmd_end - 1;
			unsigned long pfn = (va - VMEMMAP_START) / sps;

			assert_int_equal(pg_read8(m, pfn, (unsigned int)(va - page_va(m, pfn))), 0xfd);
		}
		assert_false(m->fail.failed);
		machine_destroy(m);
	}
}

/*
 *   pfn p     p+1          p+2 .. p+(1<<o)-1
 *   | head  | first tail | tails: compound_head = va(p) | 1 |
 * prep_compound_page for orders 1, 3 and 9: expect PageHead on p only,
 * PageTail and compound_head() == p on every tail (the head is encoded
 * as a vmemmap address, so a wrong stride decodes to the wrong pfn for
 * 56/72), compound_order and compound_nr on the first tail, tails with no
 * references; destroy_compound_page undoes all of it.
 */
static void test_compound_pages(void **state)
{
	static const unsigned int orders[] = { 1, 3, 9 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		struct machine *m = machine_sps(sps_matrix[i], 128, 1);

		for (size_t j = 0; j < ARRAY_SIZE(orders); j++) {
			unsigned int o = orders[j];
			unsigned long p = own_block(m, o), n = 1UL << o;

			prep_compound_page(m, p, o);
			assert_true(PageHead(m, p));
			assert_false(PageTail(m, p));
			assert_int_equal(compound_order(m, p), o);
			assert_int_equal(pg_read32(m, p + 1, PGOFF_COMPOUND_NR), n);
			assert_int_equal(compound_head(m, p), p);
			for (unsigned long t = 1; t < n; t++) {
				assert_true(PageTail(m, p + t));
				assert_true(PageCompound(m, p + t));
				assert_false(PageHead(m, p + t));
				assert_int_equal(compound_head(m, p + t), p);
				assert_int_equal(page_ref_count(m, p + t), 0);
			}
			assert_int_equal(compound_head(m, p + n), p + n);
			destroy_compound_page(m, p, o);
			assert_false(PageHead(m, p));
			for (unsigned long t = 1; t < n; t++)
				assert_false(PageTail(m, p + t));
			__free_pages(m, p, o);
		}
		t_check(m);
		machine_destroy(m);
	}
}

static void expect_list(struct machine *m, struct pfnlist_head *h, const unsigned long *want,
			int n)
{
	unsigned long pfn, prev = PFN_NONE;
	int i = 0;

	pfnlist_for_each(m, pfn, h) {
		assert_true(i < n);
		if (pfn != want[i])
			fail_msg("member %d is %#lx, expected %#lx", i, pfn, want[i]);
		assert_int_equal(page_lru_prev(m, pfn), prev);
		prev = pfn;
		i++;
	}
	assert_int_equal(i, n);
	assert_int_equal(h->last, n ? want[n - 1] : PFN_NONE);
	assert_int_equal(h->first, n ? want[0] : PFN_NONE);
}

/*
 *   pages a..g of an owned block, linked through page->lru:
 *   add(a) add(b) add_tail(c) -> b a c
 *   add_tail(d) add(e)        -> e b a c d
 *   del(a) del(e) del(d)      -> b c
 *   ...
 * Expect list_add at the head, list_add_tail at the tail, del anywhere,
 * pop from either end, and list_swap for adjacent pairs (both ways),
 * distant pairs and the ends; links keep bit 0 clear, so a listed page
 * never looks like a tail page.
 */
static void test_list_helpers(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		struct machine *m = machine_sps(sps_matrix[i], 128, 1);
		unsigned long p = own_block(m, 3);
		unsigned long a = p, b = p + 1, c = p + 2, d = p + 3, e = p + 4, f = p + 5;
		struct pfnlist_head h;

		pfnlist_init(&h);
		assert_true(pfnlist_empty(&h));
		pfnlist_add(m, &h, a);
		pfnlist_add(m, &h, b);
		pfnlist_add_tail(m, &h, c);
		expect_list(m, &h, (unsigned long[]){ b, a, c }, 3);
		pfnlist_add_tail(m, &h, d);
		pfnlist_add(m, &h, e);
		expect_list(m, &h, (unsigned long[]){ e, b, a, c, d }, 5);
		for (unsigned long q = p; q < p + 5; q++)
			assert_false(PageTail(m, q));
		pfnlist_del(m, &h, a);
		pfnlist_del(m, &h, e);
		pfnlist_del(m, &h, d);
		expect_list(m, &h, (unsigned long[]){ b, c }, 2);
		pfnlist_add_tail(m, &h, d);
		pfnlist_add_tail(m, &h, e);
		pfnlist_add_tail(m, &h, f);		/* b c d e f */
		pfnlist_swap(m, &h, c, d);		/* adjacent, forward */
		expect_list(m, &h, (unsigned long[]){ b, d, c, e, f }, 5);
		pfnlist_swap(m, &h, e, c);		/* adjacent, backward */
		expect_list(m, &h, (unsigned long[]){ b, d, e, c, f }, 5);
		pfnlist_swap(m, &h, b, f);		/* the two ends */
		expect_list(m, &h, (unsigned long[]){ f, d, e, c, b }, 5);
		pfnlist_swap(m, &h, d, c);		/* distant */
		expect_list(m, &h, (unsigned long[]){ f, c, e, d, b }, 5);
		assert_int_equal(pfnlist_pop_head(m, &h), f);
		assert_int_equal(pfnlist_pop_tail(m, &h), b);
		expect_list(m, &h, (unsigned long[]){ c, e, d }, 3);
		pfnlist_pop_head(m, &h);
		pfnlist_pop_head(m, &h);
		pfnlist_pop_tail(m, &h);
		expect_list(m, &h, NULL, 0);
		assert_true(pfnlist_empty(&h));
		__free_pages(m, p, 3);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   page p: _refcount 0 (free)  ->  1 (owned)  ->  2 (speculative ref)
 * get_page_unless_zero fails on a zero refcount and leaves it zero, and
 * takes a reference otherwise; page_ref_freeze(p, n) succeeds only when
 * the count is exactly n and leaves 0; unfreeze restores a value.
 */
static void test_refcount_ops(void **state)
{
	struct machine *m = machine_sps(64, 128, 1);
	unsigned long p = own_block(m, 0);
	unsigned long free_tail = 0x180;	/* a tail of the free order-8 block at 0x100 */

	(void)state;
	assert_int_equal(page_ref_count(m, free_tail), 0);
	assert_false(get_page_unless_zero(m, free_tail));
	assert_int_equal(page_ref_count(m, free_tail), 0);

	assert_int_equal(page_ref_count(m, p), 1);
	assert_true(get_page_unless_zero(m, p));
	assert_int_equal(page_ref_count(m, p), 2);
	assert_false(page_ref_freeze(m, p, 1));
	assert_int_equal(page_ref_count(m, p), 2);
	assert_true(page_ref_freeze(m, p, 2));
	assert_int_equal(page_ref_count(m, p), 0);
	assert_false(get_page_unless_zero(m, p));
	page_ref_unfreeze(m, p, 1);
	assert_int_equal(page_ref_count(m, p), 1);
	assert_int_equal(page_ref_add_return(m, p, 3), 4);
	assert_int_equal(page_ref_add_return(m, p, -3), 1);
	__free_pages(m, p, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0: 64 MiB + 12 KiB          node 1: 64 MiB
 *   pfn 16384 16385 16386 | 16387 16388 ... 16391
 *       node 0: reserved  | node 1: free
 *       (boot page tables, top-down)
 *   one 512-byte chunk of the vmemmap holds the struct pages of
 *   pfns 16384..16391 (sps 64)
 * Every one of them reads the node, zone and state boot gave it: a chunk
 * is filled from one template only when all its struct pages are free
 * memory of one zone, otherwise page by page.
 */
static void test_chunk_across_nodes(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	t_opts(&o, 2, 64, 1);
	o.node[0].mem_bytes += 3 * PAGE_SIZE;
	m = t_boot(&o);
	assert_int_equal(m->node[1].node_start_pfn, 16387);
	for (unsigned long pfn = 16384; pfn < 16392; pfn++) {
		int nid = pfn < 16387 ? 0 : 1;

		assert_int_equal(page_to_nid(m, pfn), nid);
		assert_int_equal(page_zonenum(m, pfn), ZONE_DMA32);
		assert_ptr_equal(page_zone(m, pfn), zone_of(m, nid, ZONE_DMA32));
		assert_int_equal(PageReserved(m, pfn), nid == 0);
		assert_int_equal(page_ref_count(m, pfn), nid == 0);
	}
	t_check(m);
	machine_destroy(m);
}

/*
 * Frame contents the model stores are released and reused:
 *   frame F (a page this test owns): bytes written in chunk 0 only
 *   release F -> chunk 0 goes to the free list, F forgets its contents
 *   read F again -> zeros, in a reused chunk (no new host memory)
 * Releasing, zeroing or copying frames that hold nothing (never touched,
 * or beyond the machine) does nothing, and a frame beyond the machine has
 * no bytes at all.
 */
static void test_frame_store_release_reuse(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	unsigned long f = own_block(m, 0), g = own_block(m, 0), beyond = m->max_pfn + (1UL << 20);
	struct machine *bare = calloc(1, sizeof(*bare));
	uint8_t *b;
	size_t host;

	(void)state;
	assert_non_null(bare);
	assert_int_equal(fstore_host_bytes(bare), 0);
	free(bare);
	assert_true(fstore_host_bytes(m) > 0);

	b = fstore_frame_bytes(m, f, 100);
	memset(b, 0xab, 8);
	assert_int_equal(fstore_frame_bytes(m, f, 100)[7], 0xab);
	host = fstore_host_bytes(m);
	fstore_frame_release(m, f);
	assert_int_equal(fstore_frame_bytes(m, f, 100)[0], 0);
	assert_int_equal(fstore_frame_bytes(m, f, 100)[7], 0);
	assert_int_equal(fstore_host_bytes(m), host);

	/* zero a frame whose chunks exist, and one that is only partly there */
	memset(fstore_frame_bytes(m, f, 200), 0xcd, 4);
	memset(fstore_frame_bytes(m, g, 3000), 0xef, 4);
	fstore_frame_copy(m, f, g);
	assert_int_equal(fstore_frame_bytes(m, f, 3000)[3], 0xef);
	assert_int_equal(fstore_frame_bytes(m, f, 200)[0], 0);
	fstore_frame_zero(m, g);
	for (unsigned int off = 0; off < PAGE_SIZE; off++)
		if (fstore_frame_bytes(m, g, off)[0])
			fail_msg("byte %u of the zeroed frame is %#x", off,
				 fstore_frame_bytes(m, g, off)[0]);
	assert_int_equal(fstore_frame_bytes(m, f, 3000)[3], 0xef);

	/* nothing to do for frames that hold nothing */
	fstore_frame_release(m, f + 1);
	fstore_frame_release(m, beyond);
	fstore_frame_zero(m, beyond);
	fstore_frame_copy(m, f, beyond);
	fstore_frame_copy(m, beyond, f);
	assert_null(fstore_frame_bytes(m, beyond, 0));
	assert_int_equal(fstore_frame_bytes(m, f, 3000)[3], 0xef);
	fstore_frame_zero(m, f);
	assert_false(m->fail.failed);
	__free_pages(m, f, 0);
	__free_pages(m, g, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * A vmemmap PTE pointed at a frame beyond the machine's memory (a model
 * bug such a test stands for): reading the struct page it backs is a
 * recorded failure naming the address and the frame, not a host crash.
 */
static void test_vmemmap_maps_beyond_memory(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	unsigned long p = 30000, bad = m->max_pfn + (1UL << 20);
	uint64_t va = page_va(m, p) & ~(PAGE_SIZE - 1);
	enum pt_level level;
	unsigned long table;
	unsigned int idx;
	char want[160];

	(void)state;
	assert_int_equal(pt_split_pmd(m, m->init_mm, va, 0), 0);
	pt_walk(m, m->init_mm, va, &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(bad, PAGE_KERNEL));
	flush_tlb_all(m);
	(void)page_flags(m, p);
	assert_true(m->fail.failed);
	snprintf(want, sizeof(want), "vmemmap address %#llx maps beyond memory (frame %#lx)",
		 (unsigned long long)page_va(m, p), bad);
	assert_string_equal(m->fail.msg, want);
	machine_destroy(m);
}

/*
 * The atomic struct page operations on a struct page whose vmemmap is
 * not mapped (far beyond the machine) fault like any access: the fault is
 * recorded and the operation reports that it did nothing.
 */
static void test_atomic_ops_fault(void **state)
{
	unsigned long p = 1UL << 34;

	(void)state;
	for (int op = 0; op < 6; op++) {
		struct machine *m = t_machine(1, 64, 1);
		char want[200];

		switch (op) {
		case 0: assert_int_equal(page_ref_add_return(m, p, 1), 0); break;
		case 1: assert_false(get_page_unless_zero(m, p)); break;
		case 2: assert_false(page_ref_freeze(m, p, 1)); break;
		case 3: assert_false(TestSetPageHWPoison(m, p)); break;
		case 4: unlock_page(m, p); break;
		case 5: lock_page(m, p); break;
		}
		snprintf(want, sizeof(want), "BUG: unable to handle page fault for address: %#llx "
			 "(#PF: supervisor write access in kernel mode, not-present page)",
			 (unsigned long long)(page_va(m, p) + (op < 3 ? PGOFF_REFCOUNT : PGOFF_FLAGS)));
		assert_true(m->fail.failed);
		assert_string_equal(m->fail.msg, want);
		machine_destroy(m);
	}
}

/*
 * Corner cases of the compound and list helpers:
 *   an order-0 "compound" page is PG_head alone (prep/destroy touch no
 *   other struct page);
 *   with HVO active, compound_head of a page-aligned PG_head struct page
 *   whose next struct page is not a tail is the page itself (no fake
 *   head), as is that of any struct page that is not page aligned;
 *   list_swap of an entry with itself changes nothing.
 */
static void test_compound_and_list_corners(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	unsigned long b = own_block(m, 3), pfn;
	struct pfnlist_head h;

	(void)state;
	assert_int_equal(b % 8, 0);
	prep_compound_page(m, b, 0);
	assert_true(PageHead(m, b));
	assert_int_equal(compound_head(m, b + 1), b + 1);
	m->hvo_stats.optimized = 1;		/* hugetlb_optimize_vmemmap_enabled() */
	assert_int_equal(page_va(m, b) & (PAGE_SIZE - 1), 0);
	assert_int_equal(compound_head(m, b), b);
	assert_int_equal(compound_head(m, b + 3), b + 3);
	m->hvo_stats.optimized = 0;
	destroy_compound_page(m, b, 0);
	assert_false(PageHead(m, b));

	pfnlist_init(&h);
	pfnlist_add_tail(m, &h, b);
	pfnlist_add_tail(m, &h, b + 1);
	pfnlist_swap(m, &h, b + 1, b + 1);
	assert_int_equal(h.first, b);
	assert_int_equal(h.last, b + 1);
	pfn = pfnlist_pop_head(m, &h);
	assert_int_equal(pfn, b);
	pfn = pfnlist_pop_head(m, &h);
	assert_int_equal(pfn, b + 1);
	assert_true(pfnlist_empty(&h));
	__free_pages(m, b, 3);
	t_check(m);
	machine_destroy(m);
}

/*
 * Compound tails are a pattern, for every struct page size:
 *   | head t1 .. | t.. | t.. | ... | t511 |   one order-9 compound page
 *     bytes        pattern chunks (one image: tail of head)
 * Preparing it gives at most a few chunks bytes (the head's, the buddy
 * split's), not the 64-74 its tails span; every tail reads compound_head
 * = head and refcount 0.  A write to one tail gives its chunk bytes and
 * leaves its neighbours' fields as they were; freeing the page clears
 * every tail (destroy_compound_page) and the checker agrees.
 */
static void test_compound_tails_pattern(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sps_matrix); i++) {
		struct machine *m = machine_sps(sps_matrix[i], 256, 1);
		size_t before = fstore_nr_chunks(m);
		unsigned long head = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 9, 0);

		assert_int_not_equal(head, PFN_NONE);
		assert_true(fstore_nr_chunks(m) - before <= 4);
		for (unsigned long p = head + 1; p < head + 512; p++) {
			assert_int_equal(compound_head(m, p), head);
			assert_int_equal(page_ref_count(m, p), 0);
			assert_int_equal(page_mapcount_raw(m, p), -1);
			assert_int_equal(page_zonenum(m, p), page_zonenum(m, head));
		}
		assert_int_equal(compound_order(m, head), 9);
		set_page_private(m, head + 300, 77);
		assert_int_equal(page_private(m, head + 300), 77);
		assert_int_equal(page_private(m, head + 299), 0);
		assert_int_equal(page_private(m, head + 301), 0);
		assert_int_equal(compound_head(m, head + 299), head);
		assert_int_equal(compound_head(m, head + 301), head);
		set_page_private(m, head + 300, 0);
		__free_pages(m, head, 9);
		for (unsigned long p = head + 1; p < head + 512; p++)
			assert_int_equal(page_compound_head_raw(m, p), 0);
		t_check(m);
		machine_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_va_stride),
		cmocka_unit_test(test_page_straddles_frames),
		cmocka_unit_test(test_boot_state_lazy),
		cmocka_unit_test(test_page_unused_fill),
		cmocka_unit_test(test_compound_pages),
		cmocka_unit_test(test_list_helpers),
		cmocka_unit_test(test_refcount_ops),
		cmocka_unit_test(test_chunk_across_nodes),
		cmocka_unit_test(test_frame_store_release_reuse),
		cmocka_unit_test(test_vmemmap_maps_beyond_memory),
		cmocka_unit_test(test_atomic_ops_fault),
		cmocka_unit_test(test_compound_and_list_corners),
		cmocka_unit_test(test_compound_tails_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
