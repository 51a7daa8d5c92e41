// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_wmark612.c - the watermark and highatomic rules Linux 6.12 changed
 * (machine version=6.12; model/page_alloc.c): ZONE_MOVABLE's small min and
 * its absence from lowmem_pages, the highatomic reserve's size, and the
 * watermark counting only the reserve's free pages.  Each test runs the
 * same steps on 6.1 and checks that 6.1 keeps its own rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "testlib.h"

#define MB(x)		((unsigned long)(x) << 20)

static struct machine *boot_v(unsigned long mb, unsigned long movable_mb, unsigned int kver)
{
	struct machine_opts o;

	t_opts(&o, 1, mb, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ .start = 0, .end = MB(16) };
	o.node[0].movable_bytes = MB(movable_mb);
	o.kver = kver;
	return t_boot(&o);
}

/*
 * ZONE_MOVABLE: on 6.12 its min is managed/1024 clamped to [32, 128] and
 * it does not count in lowmem_pages, so the other zones' mins grow by the
 * share it had; 6.1 splits min_free_kbytes over every zone by size.
 */
static void test_movable_zone_min(void **state)
{
	struct machine *m61 = boot_v(512, 256, MM_KVER(6, 1));
	struct machine *m = boot_v(512, 256, MM_KVER(6, 12));
	struct zone *mv61 = zone_of(m61, 0, ZONE_MOVABLE), *mv = zone_of(m, 0, ZONE_MOVABLE);
	struct zone *d61 = zone_of(m61, 0, ZONE_DMA32), *d = zone_of(m, 0, ZONE_DMA32);
	unsigned long want = mv->managed_pages / 1024;

	(void)state;
	assert_true(mv->managed_pages > 0 && mv->managed_pages == mv61->managed_pages);
	assert_int_equal(m->min_free_kbytes, m61->min_free_kbytes);
	want = want < 32 ? 32 : want > 128 ? 128 : want;
	assert_int_equal(mv->_watermark[WMARK_MIN], want);
	/* 6.1's share for Movable is proportional, and larger here */
	assert_true(mv61->_watermark[WMARK_MIN] > want);
	/* the other zones share all of pages_min: Movable no longer counts */
	{
		unsigned long lowmem = 0;

		for (int zi = 0; zi < ZONE_MOVABLE; zi++)
			lowmem += zone_of(m, 0, zi)->managed_pages;
		assert_int_equal(d->_watermark[WMARK_MIN],
				 (m->min_free_kbytes >> 2) * d->managed_pages / lowmem);
	}
	assert_true(d->_watermark[WMARK_MIN] > d61->_watermark[WMARK_MIN]);
	/* the low-min distance is not capped for Movable (it grows with its share) */
	assert_true(mv->_watermark[WMARK_LOW] - mv->_watermark[WMARK_MIN] >=
		    mv61->_watermark[WMARK_LOW] - mv61->_watermark[WMARK_MIN]);
	machine_destroy(m61);
	machine_destroy(m);
}

/*
 * Take order-4 blocks (no per-cpu lists: 6.12's refills could take the
 * zone far below the mark) until the zone is under its low mark, then one
 * GFP_ATOMIC order-1 allocation: the slow path's ALLOC_HIGHATOMIC try
 * reserves the block it came from when the rules allow
 */
static unsigned long reserve_one(struct machine *m, struct zone *z)
{
	unsigned long n = 0;

	while ((unsigned long)z->vm_stat[NR_FREE_PAGES] > z->_watermark[WMARK_LOW] &&
	       __alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 4, 0) != PFN_NONE)
		n++;
	assert_true(n > 0);
	assert_int_not_equal(__alloc_pages(m, GFP_ATOMIC, 1, 0), PFN_NONE);
	return z->nr_reserved_highatomic;
}

/*
 * Sizing: a zone whose 1% is less than a pageblock gets no reserve on
 * 6.12 (6.1: 1% plus a pageblock, so one block at least); a larger one
 * gets a block on both.
 */
static void test_highatomic_size(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		unsigned int kver = v ? MM_KVER(6, 12) : MM_KVER(6, 1);
		struct machine *m = boot_v(64, 0, kver);
		struct zone *z = zone_of(m, 0, ZONE_DMA32);

		assert_true(z->managed_pages / 100 < pageblock_nr_pages);
		assert_int_equal(reserve_one(m, z), v ? 0 : pageblock_nr_pages);
		t_check(m);
		machine_destroy(m);

		m = boot_v(1024, 0, kver);
		z = zone_of(m, 0, ZONE_DMA32);
		assert_true(z->managed_pages / 100 >= pageblock_nr_pages);
		assert_int_equal(reserve_one(m, z), pageblock_nr_pages);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * The watermark: an allocation that may not use reserves cannot count
 * the highatomic reserve.  6.1 takes the whole reserve (a pageblock) off
 * the free pages, 6.12 only the reserve's free pages, which are fewer:
 * the allocation that made the reserve took two of them.
 */
static void test_highatomic_unusable(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = boot_v(1024, 0, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct zone *z = zone_of(m, 0, ZONE_DMA32);
		long free_pages, free_ha = 0;
		unsigned long mark;

		assert_int_equal(reserve_one(m, z), pageblock_nr_pages);
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			free_ha += (long)z->free_area[o].nr_free_mt[MIGRATE_HIGHATOMIC] << o;
		assert_true(free_ha < (long)pageblock_nr_pages);
		free_pages = z->vm_stat[NR_FREE_PAGES];
		/* met only when less than a whole pageblock is taken off */
		mark = (unsigned long)free_pages - pageblock_nr_pages;
		assert_int_equal(__zone_watermark_ok(m, z, 0, mark, ZONE_DMA32, ALLOC_WMARK_MIN,
						     free_pages), v == 1);
		t_check(m);
		machine_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_movable_zone_min),
		cmocka_unit_test(test_highatomic_size),
		cmocka_unit_test(test_highatomic_unusable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
