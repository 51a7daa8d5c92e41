// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_import.c - the placement of an imported zone (model/import.c):
 * import_plan_zone on synthetic zones, checked against what the kernel's
 * buddy allocator would make of the result (free blocks that merge with
 * nothing, each inside pageblocks of its migratetype, the pageblock counts
 * asked for), its refusals, and its seed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "import.h"

#define BP	pageblock_nr_pages

struct zone_in {
	unsigned long first_pfn, nr_blocks;
	bool *counted;
	uint8_t *state;
};

static void zone_in_init(struct zone_in *z, unsigned long first_pfn, unsigned long nr_blocks)
{
	z->first_pfn = first_pfn;
	z->nr_blocks = nr_blocks;
	z->counted = calloc(nr_blocks, sizeof(bool));
	z->state = malloc(nr_blocks * BP);
	for (unsigned long b = 0; b < nr_blocks; b++)
		z->counted[b] = true;
	memset(z->state, IMP_USED, nr_blocks * BP);
}

static void zone_in_free(struct zone_in *z)
{
	free(z->counted);
	free(z->state);
}

static void plan_init(struct import_plan *p, struct zone_in *z, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->first_pfn = z->first_pfn;
	p->nr_blocks = z->nr_blocks;
	p->counted = z->counted;
	p->state = z->state;
	p->seed = seed;
}

/*
 * The canonical buddy decomposition of the pages the plan marked free must
 * be exactly its free blocks (nothing would merge), each block inside
 * pageblocks of its type, states consistent, and the counts as asked.
 */
static void check_plan(const struct import_plan *p, const unsigned long nr_free[][MAX_ORDER],
		       const unsigned long *nr_blocks)
{
	unsigned long npages = p->nr_blocks * BP, got[MIGRATE_TYPES][MAX_ORDER] = { { 0 } };
	unsigned long blocks[MIGRATE_TYPES] = { 0 };
	uint8_t *is_head = calloc(npages, 1);

	for (unsigned long b = 0; b < p->nr_blocks; b++)
		if (p->block_mt[b] >= 0)
			blocks[p->block_mt[b]]++;
	for (int t = 0; t < MIGRATE_TYPES; t++)
		assert_int_equal(blocks[t], nr_blocks[t]);
	for (size_t i = 0; i < p->nr_free_blocks; i++) {
		const struct import_free_block *f = &p->free[i];
		unsigned long idx = f->pfn - p->first_pfn, n = 1UL << f->order;

		assert_true(i == 0 || p->free[i - 1].pfn < f->pfn);	/* pfn order */
		assert_int_equal(f->pfn & (n - 1), 0);			/* aligned */
		for (unsigned long j = idx; j < idx + n; j++) {
			assert_int_equal(p->state[j], IMP_FREE);
			assert_int_equal(p->block_mt[j / BP], f->mt);
		}
		is_head[idx] = (uint8_t)(f->order + 1);
		got[f->mt][f->order]++;
		/* the buddy of the same order is not all free: no merge */
		if (f->order < MAX_ORDER - 1) {
			unsigned long b = idx ^ n;
			bool all_free = b + n <= npages;

			for (unsigned long j = b; all_free && j < b + n; j++)
				all_free = p->state[j] == IMP_FREE;
			assert_false(all_free);
		}
	}
	for (int t = 0; t < MIGRATE_TYPES; t++)
		for (int o = 0; o < MAX_ORDER; o++)
			assert_int_equal(got[t][o], nr_free[t][o]);
	/* every free page lies in exactly one planned block */
	for (unsigned long j = 0, cover = 0; j < npages; j++) {
		if (is_head[j])
			cover = 1UL << (is_head[j] - 1);
		if (p->state[j] == IMP_FREE)
			assert_true(cover > 0);
		if (cover)
			cover--;
	}
	free(is_head);
}

/* A 64-pageblock zone, every page the allocator's: all four kinds of blocks */
static void test_whole_zone(void **state)
{
	unsigned long nr_free[MIGRATE_TYPES][MAX_ORDER] = { { 0 } };
	unsigned long nr_blocks[MIGRATE_TYPES] = { 0 };
	struct import_plan p;
	struct zone_in z;
	char err[256];

	(void)state;
	zone_in_init(&z, 4096, 64);
	nr_blocks[MIGRATE_UNMOVABLE] = 10;
	nr_blocks[MIGRATE_MOVABLE] = 50;
	nr_blocks[MIGRATE_RECLAIMABLE] = 3;
	nr_blocks[MIGRATE_HIGHATOMIC] = 1;
	nr_free[MIGRATE_MOVABLE][10] = 20;
	nr_free[MIGRATE_MOVABLE][9] = 3;
	nr_free[MIGRATE_MOVABLE][0] = 40;
	nr_free[MIGRATE_MOVABLE][3] = 7;
	nr_free[MIGRATE_UNMOVABLE][9] = 1;
	for (int o = 0; o < 9; o++)
		nr_free[MIGRATE_UNMOVABLE][o] = 2;
	nr_free[MIGRATE_RECLAIMABLE][8] = 1;
	nr_free[MIGRATE_RECLAIMABLE][7] = 1;
	nr_free[MIGRATE_HIGHATOMIC][2] = 5;
	plan_init(&p, &z, 7);
	memcpy(p.nr_free, nr_free, sizeof(nr_free));
	memcpy(p.nr_type_blocks, nr_blocks, sizeof(nr_blocks));
	assert_true(import_plan_zone(&p, err, sizeof(err)));
	check_plan(&p, nr_free, nr_blocks);
	import_plan_free(&p);
	zone_in_free(&z);
}

/*
 * Pages the allocator does not have (holes, boot reservations) hold no
 * free block and keep a buddy from merging, as in a real DMA zone: the
 * first 1 MiB reserved, order-10 blocks only in whole aligned pairs.
 */
static void test_unavailable_pages(void **state)
{
	unsigned long nr_free[MIGRATE_TYPES][MAX_ORDER] = { { 0 } };
	unsigned long nr_blocks[MIGRATE_TYPES] = { 0 };
	struct import_plan p;
	struct zone_in z;
	char err[256];

	(void)state;
	zone_in_init(&z, 0, 8);
	memset(z.state, IMP_UNAVAIL, 256);		/* [0, 1 MiB) */
	nr_blocks[MIGRATE_UNMOVABLE] = 1;
	nr_blocks[MIGRATE_MOVABLE] = 7;
	nr_free[MIGRATE_UNMOVABLE][5] = 1;
	nr_free[MIGRATE_UNMOVABLE][6] = 1;
	nr_free[MIGRATE_UNMOVABLE][7] = 1;
	nr_free[MIGRATE_MOVABLE][9] = 1;
	nr_free[MIGRATE_MOVABLE][10] = 3;
	plan_init(&p, &z, 1);
	memcpy(p.nr_free, nr_free, sizeof(nr_free));
	memcpy(p.nr_type_blocks, nr_blocks, sizeof(nr_blocks));
	assert_true(import_plan_zone(&p, err, sizeof(err)));
	check_plan(&p, nr_free, nr_blocks);
	/* the only place left: Unmovable block 0, Movable order 9 in block 1 */
	assert_int_equal(p.block_mt[0], MIGRATE_UNMOVABLE);
	assert_int_equal(p.free[0].pfn, 256);
	assert_int_equal(p.free[0].order, 7);
	for (int i = 0; i < 256; i++)
		assert_int_equal(z.state[i], IMP_UNAVAIL);
	import_plan_free(&p);
	zone_in_free(&z);
}

/* The seed moves the blocks; the same seed places them the same way */
static void test_seed(void **state)
{
	unsigned long nr_blocks[MIGRATE_TYPES] = { 0 };
	struct import_free_block first[3];
	struct import_plan p;
	struct zone_in z;
	char err[256];
	int8_t mt[3][32];

	(void)state;
	nr_blocks[MIGRATE_UNMOVABLE] = 8;
	nr_blocks[MIGRATE_MOVABLE] = 24;
	for (int run = 0; run < 3; run++) {
		zone_in_init(&z, 0, 32);
		plan_init(&p, &z, run == 1 ? 2 : 1);
		p.nr_free[MIGRATE_MOVABLE][10] = 4;
		p.nr_free[MIGRATE_UNMOVABLE][3] = 3;
		memcpy(p.nr_type_blocks, nr_blocks, sizeof(nr_blocks));
		assert_true(import_plan_zone(&p, err, sizeof(err)));
		first[run] = p.free[0];
		memcpy(mt[run], p.block_mt, sizeof(mt[run]));
		import_plan_free(&p);
		zone_in_free(&z);
	}
	assert_int_equal(first[0].pfn, first[2].pfn);
	assert_memory_equal(mt[0], mt[2], sizeof(mt[0]));
	assert_memory_not_equal(mt[0], mt[1], sizeof(mt[0]));
}

/* Counts the zone cannot hold are refused, saying which */
static void test_refusals(void **state)
{
	struct import_plan p;
	struct zone_in z;
	char err[256];

	(void)state;
	/* the pageblock counts must add up to the zone's */
	zone_in_init(&z, 0, 4);
	plan_init(&p, &z, 1);
	p.nr_type_blocks[MIGRATE_MOVABLE] = 5;
	assert_false(import_plan_zone(&p, err, sizeof(err)));
	assert_string_equal(err, "the pageblock counts add up to 5, the zone has 4 pageblocks");
	zone_in_free(&z);

	/* order 10 needs two pageblocks of its type */
	zone_in_init(&z, 0, 4);
	plan_init(&p, &z, 1);
	p.nr_type_blocks[MIGRATE_MOVABLE] = 3;
	p.nr_type_blocks[MIGRATE_UNMOVABLE] = 1;
	p.nr_free[MIGRATE_UNMOVABLE][10] = 1;
	assert_false(import_plan_zone(&p, err, sizeof(err)));
	assert_string_equal(err, "1 free Unmovable blocks of order 10 need 2 Unmovable "
			    "pageblocks, the zone has 1");
	zone_in_free(&z);

	/* two order-9 blocks in a two-block zone would be buddies: they would merge */
	zone_in_init(&z, 0, 2);
	plan_init(&p, &z, 1);
	p.nr_type_blocks[MIGRATE_MOVABLE] = 2;
	p.nr_free[MIGRATE_MOVABLE][9] = 2;
	assert_false(import_plan_zone(&p, err, sizeof(err)));
	assert_string_equal(err, "no room for 1 more free Movable blocks of order 9: every "
			    "whole pageblock left is taken or the buddy of one");
	zone_in_free(&z);

	/* a pageblock holds at most 511 pages in free blocks below order 9 */
	zone_in_init(&z, 0, 1);
	plan_init(&p, &z, 1);
	p.nr_type_blocks[MIGRATE_MOVABLE] = 1;
	p.nr_free[MIGRATE_MOVABLE][8] = 2;
	assert_false(import_plan_zone(&p, err, sizeof(err)));
	assert_string_equal(err, "no room for 1 more free Movable blocks of order 8 in the "
			    "zone's 1 Movable pageblocks");
	zone_in_free(&z);
}

/* The fullest a pageblock gets: one page of each order 0-8, one page held */
static void test_full_staircase(void **state)
{
	unsigned long nr_free[MIGRATE_TYPES][MAX_ORDER] = { { 0 } };
	unsigned long nr_blocks[MIGRATE_TYPES] = { 0 };
	struct import_plan p;
	struct zone_in z;
	char err[256];
	unsigned long used = 0;

	(void)state;
	zone_in_init(&z, 512, 1);
	nr_blocks[MIGRATE_RECLAIMABLE] = 1;
	for (int o = 0; o < 9; o++)
		nr_free[MIGRATE_RECLAIMABLE][o] = 1;
	plan_init(&p, &z, 3);
	memcpy(p.nr_free, nr_free, sizeof(nr_free));
	memcpy(p.nr_type_blocks, nr_blocks, sizeof(nr_blocks));
	assert_true(import_plan_zone(&p, err, sizeof(err)));
	check_plan(&p, nr_free, nr_blocks);
	for (unsigned long i = 0; i < BP; i++)
		used += z.state[i] != IMP_FREE;
	assert_int_equal(used, 1);
	import_plan_free(&p);
	zone_in_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_zone),
		cmocka_unit_test(test_unavailable_pages),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_full_staircase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
