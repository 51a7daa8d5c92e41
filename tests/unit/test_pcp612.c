// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pcp612.c - the per-cpu list rules Linux 6.12 changed
 * (machine version=6.12; model/page_alloc.c): the auto-tuned high range,
 * refill scaling (alloc_factor) and high growth, free_count-sized bulk
 * frees, the early push-out of orders 1-3 (free_high), the periodic decay
 * of high, ZONE_BELOW_HIGH, and free_pcppages_bulk reading the block's
 * type.  Each test runs the same steps on a 6.1 machine and checks that
 * 6.1 does what it always did, so a 6.12 rule that leaks into 6.1, or
 * one that 6.12 does not apply, fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "vmscan.h"

#define MB(x)		((unsigned long)(x) << 20)
#define M		MIGRATE_MOVABLE
#define U		MIGRATE_UNMOVABLE

/* One node of mb MiB above a 16 MiB hole (no DMA zone), version kver */
static struct machine *one_zone(unsigned long mb, int cpus, unsigned int kver)
{
	struct machine_opts o;

	t_opts(&o, 1, mb, cpus);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ .start = 0, .end = MB(16) };
	o.kver = kver;
	return t_boot(&o);
}

static struct zone *dz(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA32);
}

static unsigned long alloc_movable(struct machine *m, unsigned int order)
{
	return __alloc_pages(m, GFP_HIGHUSER_MOVABLE, order, 0);
}

/* Allocate n order-0 movable pages into pfns[] */
static void alloc_n(struct machine *m, unsigned long *pfns, int n)
{
	for (int i = 0; i < n; i++) {
		pfns[i] = alloc_movable(m, 0);
		assert_int_not_equal(pfns[i], PFN_NONE);
	}
}

/*
 * Sizing: 6.12 gives each pageset a range, high_min being 6.1's high (the
 * low watermark split over the node's CPUs, at least 4 batches) and
 * high_max an eighth of the zone split the same way; 6.1 keeps one high.
 * vm.percpu_pagelist_high_fraction fixes both ends (no auto-tuning).
 */
static void test_pcp_high_range(void **state)
{
	struct machine *m61 = one_zone(256, 2, MM_KVER(6, 1));
	struct machine *m = one_zone(256, 2, MM_KVER(6, 12));
	struct zone *z61 = dz(m61), *z = dz(m);
	struct per_cpu_pages *pcp = &z->pcp[1];
	int want_max = (int)(z->managed_pages / 8 / 2);

	(void)state;
	assert_int_equal(z->managed_pages, z61->managed_pages);
	assert_int_equal(pcp->batch, z61->pcp[1].batch);
	assert_int_equal(pcp->high_min, z61->pcp[1].high);
	if (want_max < pcp->batch * 4)
		want_max = pcp->batch * 4;
	assert_int_equal(pcp->high_max, want_max);
	assert_true(pcp->high_max > pcp->high_min);
	assert_int_equal(pcp->high, pcp->high_min);
	/* 6.1 has no range */
	assert_int_equal(z61->pcp[1].high_min, 0);
	assert_int_equal(z61->pcp[1].high_max, 0);
	machine_destroy(m61);
	machine_destroy(m);

	{
		struct machine_opts o;

		t_opts(&o, 1, 256, 2);
		o.nr_holes = 1;
		o.hole[0] = (struct hole_desc){ .start = 0, .end = MB(16) };
		o.kver = MM_KVER(6, 12);
		o.percpu_pagelist_high_fraction = 16;
		m = t_boot(&o);
		pcp = &dz(m)->pcp[0];
		assert_int_equal(pcp->high_min, pcp->high_max);
		assert_true(pcp->high_min >= (int)(dz(m)->managed_pages / 16 / 2));
		machine_destroy(m);
	}
}

/*
 * Refills: on 6.12 each refill in a row without a free doubles the batch
 * (alloc_factor) and, while the zone is above its high watermark, raises
 * high by the batch taken.  With batch B and high H, the first refill
 * takes B (high H + B), the second 2B (high H + 3B).  6.1 takes B each
 * time and leaves high alone.
 */
static void test_pcp_refill_scales(void **state)
{
	unsigned long pfns[64];

	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(256, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct per_cpu_pages *pcp = &dz(m)->pcp[0];
		int b = pcp->batch, h = pcp->high;

		assert_int_equal(b, 15);
		alloc_n(m, pfns, b + 1);	/* the first refill's pages and one more */
		if (v) {
			assert_int_equal(pcp->count, 2 * b - 1);
			assert_int_equal(pcp->high, h + 3 * b);
			assert_int_equal(pcp->alloc_factor, 2);
		} else {
			assert_int_equal(pcp->count, b - 1);
			assert_int_equal(pcp->high, h);
		}
		for (int i = 0; i < b + 1; i++)
			__free_pages(m, pfns[i], 0);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * Frees: 6.12 frees as many pages as were freed in a row (free_count,
 * halved on each allocation), leaving a batch, and raises high to hold
 * what came in.  With batch 15 and high 100 (range [100, 1000]), the
 * 100th free in a row after a drain frees clamp(100, 15, 85) = 85 pages
 * and sets high to 100 + 15; 6.1 frees one batch (15).
 */
static void test_pcp_free_count(void **state)
{
	unsigned long pfns[128];

	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(256, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct zone *z = dz(m);
		struct per_cpu_pages *pcp = &z->pcp[0];

		alloc_n(m, pfns, 100);
		drain_all_pages(m, NULL);
		assert_int_equal(pcp->count, 0);
		pcp->high = 100;
		pcp->high_min = 100;
		pcp->high_max = 1000;
		pcp->free_count = 0;
		pcp->free_factor = 0;
		for (int i = 0; i < 99; i++)
			__free_pages(m, pfns[i], 0);
		assert_int_equal(pcp->count, 99);
		__free_pages(m, pfns[99], 0);
		if (v) {
			assert_int_equal(pcp->count, 15);
			assert_int_equal(pcp->high, 115);
			assert_int_equal(pcp->free_count, 100);
			/* an allocation halves free_count */
			pfns[0] = alloc_movable(m, 0);
			assert_int_equal(pcp->free_count, 50);
			__free_pages(m, pfns[0], 0);
		} else {
			assert_int_equal(pcp->count, 85);
			assert_int_equal(pcp->high, 100);
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * Orders 1-3 freed in a row: once a batch's worth came in after another
 * high-order free (and the list holds a batch), 6.12 pushes the whole
 * list out (free_high) and lowers high; 6.1 keeps them below high.
 */
static void test_pcp_free_high(void **state)
{
	unsigned long pfns[8];

	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(256, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct per_cpu_pages *pcp = &dz(m)->pcp[0];

		for (int i = 0; i < 5; i++) {
			pfns[i] = alloc_movable(m, 2);
			assert_int_not_equal(pfns[i], PFN_NONE);
		}
		drain_all_pages(m, NULL);
		pcp->high = pcp->high_min = 1000;
		pcp->high_max = 2000;
		pcp->free_count = 0;
		pcp->free_factor = 0;
		for (int i = 0; i < 4; i++)
			__free_pages(m, pfns[i], 2);
		assert_int_equal(pcp->count, 16);
		/* free_count 16 >= batch before this free, count 20 >= batch */
		__free_pages(m, pfns[4], 2);
		if (v) {
			assert_int_equal(pcp->count, 0);
			assert_int_equal(pcp->high, 1000);	/* lowered, but not below high_min */
		} else {
			assert_int_equal(pcp->count, 20);
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * Decay: between steps 6.12's vmstat refresh takes an eighth off high
 * (down to high_min) and frees what lies above it, so a list that stopped
 * being used shrinks to high_min; 6.1 leaves it full.
 */
static void test_pcp_decay(void **state)
{
	unsigned long pfns[300];

	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(256, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct zone *z = dz(m);
		struct per_cpu_pages *pcp = &z->pcp[0];
		long free0;

		alloc_n(m, pfns, 300);
		drain_all_pages(m, NULL);
		pcp->high = 1000;
		pcp->high_min = 100;
		pcp->high_max = 1000;
		for (int i = 0; i < 300; i++)
			__free_pages(m, pfns[i], 0);
		assert_int_equal(pcp->count, 300);
		free0 = z->vm_stat[NR_FREE_PAGES];
		mm_background_work(m);
		if (v) {
			assert_int_equal(pcp->high, 875);	/* 1000 - 1000/8 */
			assert_int_equal(pcp->count, 300);
			for (int i = 0; i < 40; i++)
				mm_background_work(m);
			assert_int_equal(pcp->high, 100);
			assert_int_equal(pcp->count, 100);
			assert_int_equal(z->vm_stat[NR_FREE_PAGES], free0 + 200);
		} else {
			for (int i = 0; i < 40; i++)
				mm_background_work(m);
			assert_int_equal(pcp->count, 300);
			assert_int_equal(pcp->high, 1000);
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * ZONE_BELOW_HIGH: an allocation that finds the zone under its high
 * watermark marks it (6.12 only); refills then stop raising high, frees
 * lower it, and a bulk free that brings the zone back above the mark
 * clears it.
 */
static void test_pcp_below_high(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(64, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct zone *z = dz(m);
		struct per_cpu_pages *pcp = &z->pcp[0];
		unsigned long *pfns = calloc(z->managed_pages, sizeof(*pfns));
		unsigned long n = 0, high_mark = z->_watermark[WMARK_HIGH];
		int high_then;

		assert_non_null(pfns);
		while ((unsigned long)z->vm_stat[NR_FREE_PAGES] > high_mark) {
			pfns[n] = alloc_movable(m, 0);
			assert_int_not_equal(pfns[n], PFN_NONE);
			n++;
		}
		pfns[n++] = alloc_movable(m, 0);	/* finds the zone under the mark */
		assert_int_equal(z->below_high, v == 1);
		if (v) {
			/* a refill no longer raises high */
			high_then = pcp->high;
			while (pcp->count)
				pfns[n++] = alloc_movable(m, 0);
			pfns[n++] = alloc_movable(m, 0);
			assert_int_equal(pcp->high, high_then);
		}
		while (n)
			__free_pages(m, pfns[--n], 0);
		drain_all_pages(m, NULL);
		/* the frees' bulk frees took the zone back above its mark */
		assert_false(z->below_high);
		free(pfns);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * free_pcppages_bulk: 6.12 frees a page to the list of its block's type
 * at the time (6.10 dropped the cached type); 6.1 to the type the page
 * was freed with.  A movable page freed to the pcp, its block then turned
 * Unmovable, is drained to the Unmovable list on 6.12 only.
 */
static void test_pcp_drain_reads_block_type(void **state)
{
	unsigned long pfns[16];

	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(256, 1, v ? MM_KVER(6, 12) : MM_KVER(6, 1));
		struct zone *z = dz(m);
		unsigned long pfn, u0;

		alloc_n(m, pfns, 16);
		drain_all_pages(m, NULL);
		/* a page whose buddy stays held, so that it cannot merge */
		pfn = PFN_NONE;
		for (int i = 0; i < 16 && pfn == PFN_NONE; i++)
			for (int j = 0; j < 16; j++)
				if (pfns[j] == (pfns[i] ^ 1))
					pfn = pfns[i];
		assert_int_not_equal(pfn, PFN_NONE);
		assert_int_equal(get_pageblock_migratetype(m, pfn), M);
		u0 = z->free_area[0].nr_free_mt[U];
		__free_pages(m, pfn, 0);
		assert_int_equal(z->pcp[0].count, 1);
		set_pageblock_migratetype(m, pfn, U);
		drain_all_pages(m, NULL);
		if (v)
			assert_int_equal(z->free_area[0].nr_free_mt[U], u0 + 1);
		else
			assert_int_equal(z->free_area[0].nr_free_mt[U], u0);
		machine_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcp_high_range),
		cmocka_unit_test(test_pcp_refill_scales),
		cmocka_unit_test(test_pcp_free_count),
		cmocka_unit_test(test_pcp_free_high),
		cmocka_unit_test(test_pcp_decay),
		cmocka_unit_test(test_pcp_below_high),
		cmocka_unit_test(test_pcp_drain_reads_block_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
