// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memblock.c - the boot-time allocator (model/memblock.c, after
 * mm/memblock.c): memory ranges per node, reservations, and top-down
 * aligned allocation with and without exact_nid.
 *
 * Every test works on a bare struct machine (no boot): memblock only uses
 * m->memblock, so the ranges each test adds are all there is, and every
 * expected pfn below follows from the picture above the test.  Ranges are
 * written [start, end) in pfns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "memblock.h"

static struct machine *bare(void)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

static void bare_free(struct machine *m)
{
	memblock_destroy(m);
	free(m);
}

static void assert_region(const struct memblock_type *t, int i, unsigned long base,
			  unsigned long end, int nid)
{
	assert_true(i < t->cnt);
	assert_int_equal(t->regions[i].base_pfn, base);
	assert_int_equal(t->regions[i].end_pfn, end);
	assert_int_equal(t->regions[i].nid, nid);
}

/*
 *   add [0x100, 0x200) n0, then [0x000, 0x100) n0, then [0x200, 0x300) n1
 *   pfn 0x0      0x100     0x200     0x300
 *       | n0     | n0      | n1      |
 * Expect the two node-0 pieces to merge into one region and the node-1
 * neighbour to stay separate, sorted by address (a model that merged on
 * adjacency regardless of node, or appended unsorted, fails).
 */
static void test_add_merges_same_node_only(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.memory;

	(void)state;
	memblock_add_node(m, 0x100, 0x200, 0);
	memblock_add_node(m, 0x000, 0x100, 0);
	memblock_add_node(m, 0x200, 0x300, 1);
	assert_int_equal(t->cnt, 2);
	assert_region(t, 0, 0x000, 0x200, 0);
	assert_region(t, 1, 0x200, 0x300, 1);
	bare_free(m);
}

/*
 *   add [0x000, 0x180) n0 and [0x100, 0x400) n0 (overlap), [0x800, 0x900) n0
 *   pfn 0x0          0x400         0x800    0x900
 *       | n0 merged  |   (gap)     | n0     |
 * Expect the overlap to collapse into [0, 0x400) and the distant range to
 * stay a second region (no merge across a gap).
 */
static void test_add_overlap_merges(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.memory;

	(void)state;
	memblock_add_node(m, 0x800, 0x900, 0);
	memblock_add_node(m, 0x000, 0x180, 0);
	memblock_add_node(m, 0x100, 0x400, 0);
	assert_int_equal(t->cnt, 2);
	assert_region(t, 0, 0x000, 0x400, 0);
	assert_region(t, 1, 0x800, 0x900, 0);
	bare_free(m);
}

/*
 *   add [0x000, 0x100) n0, then [0x080, 0x180) n1
 *   pfn 0x0       0x100     0x180
 *       | n0      | n1      |
 * memblock_add_range inserts only the parts of a new range that no
 * region covers yet: expect [0, 0x100) to stay node 0 and only
 * [0x100, 0x180) to be added for node 1, with no overlapping regions (a
 * model that inserted the whole new range would list 0x80..0xff twice).
 */
static void test_add_overlap_other_node_keeps_owner(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.memory;

	(void)state;
	memblock_add_node(m, 0x000, 0x100, 0);
	memblock_add_node(m, 0x080, 0x180, 1);
	assert_int_equal(t->cnt, 2);
	assert_region(t, 0, 0x000, 0x100, 0);
	assert_region(t, 1, 0x100, 0x180, 1);
	bare_free(m);
}

/*
 *   reserve [0x10, 0x20) "a", then [0x20, 0x30) "b", then [0x40, 0x50) "c"
 *   pfn 0x10   0x20   0x30   0x40   0x50
 *       | a    | b    |      | c    |
 * Expect a and b to merge into one reserved region and c to stay apart;
 * memblock_is_reserved is true exactly on [0x10, 0x30) and [0x40, 0x50)
 * (end exclusive), pfn_present_mem exactly on memory.
 */
static void test_reserve_merges_and_lookup(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.reserved;

	(void)state;
	memblock_add_node(m, 0, 0x100, 0);
	memblock_reserve(m, 0x10, 0x20, "a");
	memblock_reserve(m, 0x20, 0x30, "b");
	memblock_reserve(m, 0x40, 0x50, "c");
	assert_int_equal(t->cnt, 2);
	assert_int_equal(t->regions[0].base_pfn, 0x10);
	assert_int_equal(t->regions[0].end_pfn, 0x30);
	assert_false(memblock_is_reserved(m, 0x0f));
	assert_true(memblock_is_reserved(m, 0x10));
	assert_true(memblock_is_reserved(m, 0x2f));
	assert_false(memblock_is_reserved(m, 0x30));
	assert_false(memblock_is_reserved(m, 0x3f));
	assert_true(memblock_is_reserved(m, 0x40));
	assert_false(memblock_is_reserved(m, 0x50));
	assert_true(pfn_present_mem(m, 0));
	assert_true(pfn_present_mem(m, 0xff));
	assert_false(pfn_present_mem(m, 0x100));
	bare_free(m);
}

/*
 *   reserve [0x10, 0x20) "first", then [0x20, 0x30) "second", then
 *   [0x18, 0x28) "third"
 *   pfn 0x10      0x20       0x30
 *       | first   | second   |     -> one region [0x10, 0x30)
 * memblock.h/.c document that a merged reserved range keeps the first
 * requester's name (reports name reservations by it): expect "first".
 */
static void test_reserve_merge_keeps_first_name(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.reserved;

	(void)state;
	memblock_reserve(m, 0x10, 0x20, "first");
	memblock_reserve(m, 0x20, 0x30, "second");
	memblock_reserve(m, 0x18, 0x28, "third");
	assert_int_equal(t->cnt, 1);
	assert_string_equal(t->regions[0].what, "first");
	bare_free(m);
}

/*
 *   reserved [0x100, 0x200); free [0x140, 0x180), then [0x100, 0x110),
 *   then [0x1f0, 0x200)
 *   pfn 0x100 0x110     0x140    0x180       0x1f0 0x200
 *       | gone | kept   | freed  | kept      | gone |
 * Expect a split in the middle, then both ends trimmed: reserved becomes
 * [0x110, 0x140) and [0x180, 0x1f0); freeing a whole region removes it.
 */
static void test_free_splits_and_trims(void **state)
{
	struct machine *m = bare();
	struct memblock_type *t = &m->memblock.reserved;

	(void)state;
	memblock_reserve(m, 0x100, 0x200, "r");
	memblock_free(m, 0x140, 0x180);
	assert_int_equal(t->cnt, 2);
	memblock_free(m, 0x100, 0x110);
	memblock_free(m, 0x1f0, 0x200);
	assert_int_equal(t->cnt, 2);
	assert_int_equal(t->regions[0].base_pfn, 0x110);
	assert_int_equal(t->regions[0].end_pfn, 0x140);
	assert_int_equal(t->regions[1].base_pfn, 0x180);
	assert_int_equal(t->regions[1].end_pfn, 0x1f0);
	assert_int_equal(memblock_reserved_pages(m, 0, 0x1000), 0x30 + 0x70);
	assert_int_equal(memblock_reserved_pages(m, 0x120, 0x190), 0x20 + 0x10);
	memblock_free(m, 0x100, 0x200);
	assert_int_equal(t->cnt, 0);
	bare_free(m);
}

/*
 *   memory [0, 0x1000) n0; reserved [0xf00, 0x1000)
 *   pfn 0x0                        0xe00   0xf00    0x1000
 *       |         free             | got   | resv   |
 * Expect a 0x100-page allocation aligned to 0x100 to land just below the
 * reservation (top-down), and to become reserved itself; the next one
 * lands right below it (a bottom-up allocator would return 0).
 */
static void test_alloc_top_down(void **state)
{
	struct machine *m = bare();
	unsigned long a, b;

	(void)state;
	memblock_add_node(m, 0, 0x1000, 0);
	memblock_reserve(m, 0xf00, 0x1000, "top");
	a = memblock_alloc_try_nid(m, 0x100, 0x100, 0, MEMBLOCK_ALLOC_ANYWHERE, 0, true, "x");
	assert_int_equal(a, 0xe00);
	assert_true(memblock_is_reserved(m, 0xe00));
	assert_true(memblock_is_reserved(m, 0xeff));
	b = memblock_alloc_try_nid(m, 0x100, 0x100, 0, MEMBLOCK_ALLOC_ANYWHERE, 0, true, "y");
	assert_int_equal(b, 0xd00);
	bare_free(m);
}

/*
 * Alignment matrix.  memory [0, 0x1000) n0; reserved [0xf13, 0x1000)
 *   pfn ...  base        0xf13
 *       ...  | got nr    |resv|
 * Expect base = round_down(0xf13 - nr, align), i.e. the highest aligned
 * base whose range fits below the reservation.
 */
static void test_alloc_alignment_matrix(void **state)
{
	static const struct { unsigned long nr, align, expect; } c[] = {
		{ 1,     1,     0xf12 },
		{ 0x10,  1,     0xf03 },
		{ 0x10,  0x10,  0xf00 },
		{ 0x100, 0x200, 0xe00 },
		{ 0x200, 0x200, 0xc00 },
		{ 0x2,   0x8,   0xf10 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = bare();
		unsigned long got, expect = c[i].expect;

		memblock_add_node(m, 0, 0x1000, 0);
		memblock_reserve(m, 0xf13, 0x1000, "top");
		got = memblock_alloc_try_nid(m, c[i].nr, c[i].align, 0, MEMBLOCK_ALLOC_ANYWHERE, 0,
					     true, "x");
		if (got != expect)
			fail_msg("nr %#lx align %#lx: got %#lx, expected %#lx", c[i].nr, c[i].align,
				 got, expect);
		assert_int_equal(got % c[i].align, 0);
		bare_free(m);
	}
}

/*
 *   memory [0, 0x1000) n0; reserved [0x300, 0x380) and [0x800, 0x1000)
 *   pfn 0x0     0x300  0x380         0x800         0x1000
 *       | free  | resv | free (0x480) | reserved    |
 * Expect a 0x500-page request to fail (no free gap is that large, even
 * though 0x780 pages are free in total); [min, max) limits are honoured:
 * with min 0x250 and max 0x300 a 0x100-page request cannot fit, with max
 * 0x380 it comes from [0x200, 0x300); a 0x400-page request fits the upper
 * gap at [0x400, 0x800).
 */
static void test_alloc_gaps_and_limits(void **state)
{
	struct machine *m = bare();

	(void)state;
	memblock_add_node(m, 0, 0x1000, 0);
	memblock_reserve(m, 0x300, 0x380, "hole");
	memblock_reserve(m, 0x800, 0x1000, "top");
	assert_int_equal(memblock_alloc_try_nid(m, 0x500, 1, 0, ~0UL, 0, true, "x"), PFN_NONE);
	assert_int_equal(memblock_alloc_try_nid(m, 0x100, 1, 0x250, 0x300, 0, true, "x"),
			 PFN_NONE);
	assert_int_equal(memblock_alloc_try_nid(m, 0x100, 1, 0, 0x380, 0, true, "x"), 0x200);
	assert_int_equal(memblock_alloc_try_nid(m, 0x400, 1, 0, ~0UL, 0, true, "x"), 0x400);
	bare_free(m);
}

/*
 *   memory [0, 0x400) n0, [0x400, 0x800) n1; n1 fully reserved
 *   pfn 0x0          0x400            0x800
 *       | n0 free    | n1 reserved    |
 * Expect exact_nid on node 1 to fail, and the non-exact request to fall
 * back to node 0's top; with room on node 1 the request stays on node 1
 * even though node 0 also has room (a model ignoring nid fails).
 */
static void test_alloc_exact_nid(void **state)
{
	struct machine *m = bare();

	(void)state;
	memblock_add_node(m, 0, 0x400, 0);
	memblock_add_node(m, 0x400, 0x800, 1);
	memblock_reserve(m, 0x400, 0x800, "full");
	assert_int_equal(memblock_alloc_try_nid(m, 0x10, 1, 0, ~0UL, 1, true, "x"), PFN_NONE);
	assert_int_equal(memblock_alloc_try_nid(m, 0x10, 1, 0, ~0UL, 1, false, "x"), 0x3f0);
	memblock_free(m, 0x400, 0x500);
	assert_int_equal(memblock_alloc_try_nid(m, 0x10, 1, 0, ~0UL, 1, true, "x"), 0x4f0);
	/* node 0 request stays on node 0 although node 1 is higher */
	assert_int_equal(memblock_alloc_try_nid(m, 0x10, 1, 0, ~0UL, 0, true, "x"), 0x3e0);
	bare_free(m);
}

struct range_log {
	int n;
	unsigned long s[8], e[8];
	int nid[8];
};

static void log_range(struct machine *m, unsigned long start, unsigned long end, int nid,
		      void *priv)
{
	struct range_log *l = priv;

	(void)m;
	assert_true(l->n < 8);
	l->s[l->n] = start;
	l->e[l->n] = end;
	l->nid[l->n] = nid;
	l->n++;
}

/*
 *   memory [0, 0x400) n0, [0x400, 0x800) n1
 *   reserved [0x0, 0x10), [0x100, 0x200), [0x3f0, 0x410)
 *   pfn 0x0 0x10     0x100 0x200    0x3f0 0x400 0x410     0x800
 *       |r  | free   | r   | free   | r   | r   | free    |
 * Expect for_each_free_mem_range to report [0x10,0x100) [0x200,0x3f0) on
 * node 0 and [0x410,0x800) on node 1, ascending, a reservation straddling
 * the node boundary cutting both nodes.
 */
static void test_free_ranges_walk(void **state)
{
	struct machine *m = bare();
	struct range_log l = { 0 };

	(void)state;
	memblock_add_node(m, 0, 0x400, 0);
	memblock_add_node(m, 0x400, 0x800, 1);
	memblock_reserve(m, 0x0, 0x10, "a");
	memblock_reserve(m, 0x100, 0x200, "b");
	memblock_reserve(m, 0x3f0, 0x410, "c");
	for_each_free_mem_range(m, log_range, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.s[0], 0x10);
	assert_int_equal(l.e[0], 0x100);
	assert_int_equal(l.nid[0], 0);
	assert_int_equal(l.s[1], 0x200);
	assert_int_equal(l.e[1], 0x3f0);
	assert_int_equal(l.s[2], 0x410);
	assert_int_equal(l.e[2], 0x800);
	assert_int_equal(l.nid[2], 1);
	bare_free(m);
}

/*
 * pfn_present_mem_end answers for a run what pfn_present_mem answers pfn
 * by pfn: memory [0x100, 0x200) n0, [0x200, 0x300) n1 (adjacent, two
 * regions), [0x400, 0x480); no sections, so nothing outside memblock is
 * present.  Every (start, end) on a grid, including ends inside and at
 * region edges, against the naive loop (an answer that stopped at a
 * region's end, jumped over a hole, or overshot end fails).
 */
static void test_present_mem_end_matches_pfn_loop(void **state)
{
	struct machine *m = bare();

	(void)state;
	memblock_add_node(m, 0x100, 0x200, 0);
	memblock_add_node(m, 0x200, 0x300, 1);
	memblock_add_node(m, 0x400, 0x480, 0);
	for (unsigned long s = 0; s < 0x500; s += 0x1f) {
		for (unsigned long e = s; e <= 0x500; e += 0x17) {
			unsigned long want = s;

			while (want < e && pfn_present_mem(m, want))
				want++;
			assert_int_equal(pfn_present_mem_end(m, s, e), want);
		}
	}
	assert_int_equal(pfn_present_mem_end(m, 0x100, 0x480), 0x300);
	assert_int_equal(pfn_present_mem_end(m, 0x410, 0x1000), 0x480);
	assert_int_equal(pfn_present_mem_end(m, 0x300, 0x400), 0x300);
	bare_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_merges_same_node_only),
		cmocka_unit_test(test_present_mem_end_matches_pfn_loop),
		cmocka_unit_test(test_add_overlap_merges),
		cmocka_unit_test(test_add_overlap_other_node_keeps_owner),
		cmocka_unit_test(test_reserve_merges_and_lookup),
		cmocka_unit_test(test_reserve_merge_keeps_first_name),
		cmocka_unit_test(test_free_splits_and_trims),
		cmocka_unit_test(test_alloc_top_down),
		cmocka_unit_test(test_alloc_alignment_matrix),
		cmocka_unit_test(test_alloc_gaps_and_limits),
		cmocka_unit_test(test_alloc_exact_nid),
		cmocka_unit_test(test_free_ranges_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
