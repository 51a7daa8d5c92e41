// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb.c - HugeTLB pools: boot parameters, boot-time pages, runtime
 * resizing through the kernel's files, the pool page layout, meminfo and
 * the counters.
 *
 * Most tests use machines without holes or a kernel image (testlib), so
 * every free page is known after boot:
 *
 *   2 x 128 MiB   node0 [0, 128M)   node1 [128M, 256M)       2 MiB pools
 *   1 x 3 GiB     [0, 1G) holds the reserved first MiB, [2G, 3G) the memmap,
 *                 percpu and page tables at its top: [1G, 2G) is the only
 *                 place a 1 GiB page fits
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "module.h"
#include "policies/hvo.h"
#include "sbuf.h"
#include "migrate.h"
#include "vmstat.h"
#include "vout.h"

#define SYS_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define SYS_1G	"/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#define NR_1G	(1UL << 18)

/* Parse one "key=value" boot parameter into o; it must be accepted */
static void param(struct machine_opts *o, const char *kv)
{
	char key[64], err[256];
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);

	snprintf(key, sizeof(key), "%.*s", (int)n, kv);
	if (hugetlb_parse_param(o, key, eq ? eq + 1 : "", err, sizeof(err)) != 0)
		fail_msg("%s rejected: %s", kv, err);
}

/* A parameter that must be rejected, with msg in the error */
static void param_bad(struct machine_opts *o, const char *key, const char *val, const char *msg)
{
	char err[256] = "";

	assert_int_equal(hugetlb_parse_param(o, key, val, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("%s=%s: error '%s' lacks '%s'", key, val, err, msg);
}

static unsigned long rd(struct machine *m, const char *path)
{
	struct sbuf sb;
	unsigned long v;
	char *end;

	sb_init(&sb);
	if (!mm_show_file(m, path, &sb))
		fail_msg("%s: not a file", path);
	v = strtoul(sb.buf, &end, 10);
	assert_string_equal(end, "\n");
	sb_free(&sb);
	return v;
}

static unsigned long rd_node(struct machine *m, int nid, unsigned long kb, const char *file)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/%s",
		 nid, kb, file);
	return rd(m, path);
}

static int wr(struct machine *m, const char *path, const char *val)
{
	char err[256];

	return mm_store_file(m, path, val, err, sizeof(err));
}

static int wr_node(struct machine *m, int nid, unsigned long kb, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/nr_hugepages", nid, kb);
	return wr(m, path, val);
}

static long counter(struct machine *m, const char *name)
{
	long v;

	if (!counter_read(m, name, &v))
		fail_msg("no counter %s", name);
	return v;
}

static unsigned long nr_free(struct machine *m)
{
	return global_zone_page_state(m, NR_FREE_PAGES);
}

/* Every free pool page of h on nid, in list order */
static int pool_pages(struct machine *m, struct hstate *h, int nid, unsigned long *out, int max)
{
	unsigned long pfn;
	int n = 0;

	pfnlist_for_each(m, pfn, &h->hugepage_freelists[nid]) {
		if (n < max)
			out[n] = pfn;
		n++;
	}
	return n;
}

/* A free pool page: frozen head and tails, tails pointing at the head, hugetlb dtor */
static void check_pool_page(struct machine *m, struct hstate *h, unsigned long head)
{
	assert_int_equal(head & (pages_per_huge_page(h) - 1), 0);
	assert_int_equal(page_ref_count(m, head), 0);
	assert_true(PageHead(m, head));
	assert_int_equal(compound_order(m, head), h->order);
	assert_int_equal(compound_dtor(m, head), HUGETLB_PAGE_DTOR);
	assert_true(PageHeadHuge(m, head));
	assert_true(HPageFreed(m, head));
	assert_false(PageReserved(m, head));
	for (unsigned long i = 1; i < pages_per_huge_page(h); i++) {
		unsigned long t = head + i;

		if (compound_head(m, t) != head || page_ref_count(m, t) != 0 || PageReserved(m, t))
			fail_msg("tail %#lx of %#lx: head %#lx ref %d reserved %d", t, head,
				 compound_head(m, t), page_ref_count(m, t), PageReserved(m, t));
	}
}

/* Take every order-0 page of nid that GFP_KERNEL may have (down to the min watermark) */
static unsigned long fill_node(struct machine *m, int nid)
{
	unsigned long n = 0;

	while (alloc_pages_node(m, nid, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0) != PFN_NONE)
		n++;
	return n;
}

/* ------------------------------------------------------------------------- */

/*
 * 2 x 128 MiB, an empty 2 MiB pool.  Writes of the global file 1, 2, 3, 4
 * then 3, 2: pages come from node0, node1, node0, node1 and go back from
 * node0 then node1 (next_nid_to_alloc / next_nid_to_free round-robin).
 */
static void test_global_round_robin(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	static const unsigned long want[][2] = { { 1, 0 }, { 1, 1 }, { 2, 1 }, { 2, 2 },
						 { 1, 2 }, { 1, 1 } };
	static const char *const val[] = { "1", "2", "3", "4", "3", "2" };

	(void)state;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(wr(m, SYS_2M "nr_hugepages", val[i]), 0);
		assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), want[i][0]);
		assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), want[i][1]);
		assert_int_equal(rd(m, SYS_2M "nr_hugepages"), want[i][0] + want[i][1]);
		assert_int_equal(rd(m, SYS_2M "free_hugepages"), want[i][0] + want[i][1]);
	}
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], 4);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC_FAIL], 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 2 x 128 MiB.  node1's file set to 3, node0's to 2, node1's to 0, then
 * to ULONG_MAX: only the written node changes, and the global count follows.
 */
static void test_per_node_write(void **state)
{
	struct machine *m = t_machine(2, 128, 2);

	(void)state;
	assert_int_equal(wr_node(m, 1, 2048, "3"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 0);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 3);
	assert_int_equal(rd_node(m, 1, 2048, "free_hugepages"), 3);
	assert_int_equal(wr_node(m, 0, 2048, "2"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 2);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 3);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 5);
	assert_int_equal(wr_node(m, 1, 2048, "0\n"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 2);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 2);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 2);
	/* ULONG_MAX for a node overflows the global target: as many as fit there */
	assert_int_equal(wr_node(m, 1, 2048, "18446744073709551615"), 0);
	assert_true(rd_node(m, 1, 2048, "nr_hugepages") > 40);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 2);
	t_check(m);
	machine_destroy(m);
}

/*
 * 2 x 128 MiB, node1 filled with kernel pages down to its watermark.  A
 * write of node1's file gets nothing (__GFP_THISNODE: node0's free memory
 * is not used), and a global write gets everything from node0.
 */
static void test_thisnode_no_fallback(void **state)
{
	struct machine *m = t_machine(2, 128, 2);

	(void)state;
	assert_true(fill_node(m, 1) > 20000);
	assert_int_equal(wr_node(m, 1, 2048, "2"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 0);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC_FAIL], 1);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "4"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 4);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 1 x 64 MiB: asking for 1000 pages (2000 MiB) gets what fits; the write
 * succeeds and every file reports the count reached, one failed attempt.
 */
static void test_partial_success(void **state)
{
	struct machine *m = t_machine(1, 64, 2);
	unsigned long got;

	(void)state;
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1000"), 0);
	got = rd(m, SYS_2M "nr_hugepages");
	assert_true(got > 10 && got < 32);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), got);
	assert_int_equal(rd(m, SYS_2M "free_hugepages"), got);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], got);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC_FAIL], 1);
	/* nothing is left that the pool's own gfp could take */
	assert_int_equal(alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE |
					  __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 9), PFN_NONE);
	t_check(m);
	machine_destroy(m);
}

/*
 * 2 x 128 MiB, 3 pages per node: every pool page is a frozen compound page
 * of order 9 whose 511 tails point at it, with hugetlb's destructor, on
 * the free list of its own node.
 */
static void test_pool_page_layout(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	struct hstate *h = hugetlb_size_to_hstate(m, 2UL << 20);
	unsigned long pages[8];

	(void)state;
	assert_non_null(h);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "6"), 0);
	for (int nid = 0; nid < 2; nid++) {
		assert_int_equal(pool_pages(m, h, nid, pages, 8), 3);
		for (int i = 0; i < 3; i++) {
			check_pool_page(m, h, pages[i]);
			assert_int_equal(page_to_nid(m, pages[i]), nid);
			assert_true(PageHuge(m, pages[i] + 100));
		}
	}
	assert_int_equal(hugetlb_total_pages(m), 6 * 512);
	machine_destroy(m);
}

/*
 * 2 x 128 MiB: 20 pages then back to 0 and a drain: the free lists hold
 * exactly what they held before, order by order (the pages merged back).
 */
static void test_shrink_returns_to_buddy(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	unsigned long before[2][MAX_ORDER], free0;

	(void)state;
	drain_all_pages(m, NULL);
	free0 = nr_free(m);
	for (int n = 0; n < 2; n++)
		for (int o = 0; o < MAX_ORDER; o++)
			before[n][o] = t_nr_free(m, n, ZONE_DMA32, o);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "20"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 20);
	assert_true(nr_free(m) <= free0 - 20 * 512);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 0);
	assert_int_equal(rd(m, SYS_2M "free_hugepages"), 0);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(m), free0);
	for (int n = 0; n < 2; n++)
		for (int o = 0; o < MAX_ORDER; o++)
			assert_int_equal(t_nr_free(m, n, ZONE_DMA32, o), before[n][o]);
	t_check(m);
	machine_destroy(m);
}

/*
 * 1 x 3 GiB: one 1 GiB page at run time comes from alloc_contig_pages at
 * [1G, 2G), frozen with all 262143 tails; freeing it gives the buddy its
 * 262144 pages back.
 */
static void test_gigantic_runtime(void **state)
{
	struct machine *m = t_machine(1, 3072, 2);
	struct hstate *h = hugetlb_size_to_hstate(m, SZ_1G);
	unsigned long free0, page = 0;

	(void)state;
	drain_all_pages(m, NULL);
	free0 = nr_free(m);
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "2"), 0);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 1);
	assert_int_equal(pool_pages(m, h, 0, &page, 1), 1);
	assert_int_equal(page, SZ_1G >> PAGE_SHIFT);
	check_pool_page(m, h, page);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(m), free0 - NR_1G);
	/* gigantic pages do not go through the buddy's hugetlb counters */
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], 0);
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 0);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(m), free0);
	t_check(m);
	machine_destroy(m);
}

struct moved {
	unsigned long from, to;
	int n;
};

static void note_move(void *priv, unsigned long old_pfn, unsigned long new_pfn, unsigned int order)
{
	struct moved *mv = priv;

	(void)order;
	mv->from = old_pfn;
	mv->to = new_pfn;
	mv->n++;
}

/*
 * One in-use page at pfn p, the last page of a free order-10 block: take
 * the block, give back all but p (merging back into buddies of orders 9..0
 * below it).
 */
static void take_page(struct machine *m, unsigned long p, bool movable)
{
	unsigned long block = p & ~(MAX_ORDER_NR_PAGES - 1);

	assert_int_equal(alloc_contig_range(m, block, block + MAX_ORDER_NR_PAGES, MIGRATE_MOVABLE,
					    GFP_HIGHUSER_MOVABLE), 0);
	for (unsigned long q = block; q < block + MAX_ORDER_NR_PAGES; q++)
		if (q != p)
			__free_pages(m, q, 0);
	drain_all_pages(m, NULL);
	if (movable)
		mm_mark_movable_data(m, p, 0);
	assert_int_equal(page_ref_count(m, p), 1);
}

/*
 * 1 x 3 GiB with one movable user page at 1G + 52M - 4K: the 1 GiB page
 * still comes from [1G, 2G), because alloc_contig_range migrates the user
 * page out of the way.  With an unmovable page there instead, no 1 GiB
 * page at all.
 *
 * (The page is the last of its order-10 block on purpose: the model's
 * alloc_contig_range loses its walk when a migrated page merges with free
 * pages above it, see the report.)
 */
static void test_gigantic_moves_movable(void **state)
{
	unsigned long p = (SZ_1G >> PAGE_SHIFT) + 13 * 1024 - 1, page = 0;
	struct moved mv = { 0, 0, 0 };
	struct machine *m;
	struct hstate *h;

	(void)state;
	m = t_machine(1, 3072, 2);
	h = hugetlb_size_to_hstate(m, SZ_1G);
	take_page(m, p, true);
	mm_set_migrate_notify(m, note_move, &mv);
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "1"), 0);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 1);
	assert_int_equal(pool_pages(m, h, 0, &page, 1), 1);
	assert_int_equal(page, SZ_1G >> PAGE_SHIFT);
	assert_int_equal(mv.n, 1);
	assert_int_equal(mv.from, p);
	assert_true(mv.to < page || mv.to >= page + NR_1G);
	assert_int_equal(page_mapping(m, mv.to), PAGE_MAPPING_MOVABLE_DATA);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 1);
	check_pool_page(m, h, page);
	machine_destroy(m);

	m = t_machine(1, 3072, 2);
	take_page(m, p, false);
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "1"), 0);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 0);
	assert_int_equal(page_ref_count(m, p), 1);
	t_check(m);
	machine_destroy(m);
}

/* Boot parameters: sizes, the pending default count, per-node counts, flags */
static void test_boot_params_parse(void **state)
{
	struct machine_opts o;
	char err[128];

	(void)state;
	t_opts(&o, 2, 64, 2);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=2");
	param(&o, "hugepagesz=2048K");
	param(&o, "hugepages=0:512,1:256");
	assert_int_equal(o.nr_hugetlb_boot, 2);
	assert_int_equal(o.hugetlb_boot[0].hugepagesz, SZ_1G);
	assert_int_equal(o.hugetlb_boot[0].count, 2);
	assert_int_equal(o.hugetlb_boot[1].hugepagesz, 2UL << 20);
	assert_int_equal(o.hugetlb_boot[1].count, -1);
	assert_int_equal(o.hugetlb_boot[1].node_count[0], 512);
	assert_int_equal(o.hugetlb_boot[1].node_count[1], 256);
	assert_int_equal(o.hugetlb_boot[1].node_count[2], -1);

	/* hugepages= first: the default size's count, kept aside until a default is named */
	t_opts(&o, 1, 64, 2);
	param(&o, "hugepages=3");
	assert_int_equal(o.nr_hugetlb_boot, 1);
	assert_int_equal(o.hugetlb_boot[0].hugepagesz, 0);
	param(&o, "default_hugepagesz=1G");
	assert_int_equal(o.default_hugepagesz, SZ_1G);
	assert_int_equal(o.nr_hugetlb_boot, 1);
	assert_int_equal(o.hugetlb_boot[0].hugepagesz, SZ_1G);
	assert_int_equal(o.hugetlb_boot[0].count, 3);

	/* default_hugepagesz=1G then hugepagesz=1G is allowed once, before a count */
	t_opts(&o, 1, 64, 2);
	param(&o, "default_hugepagesz=1G");
	param(&o, "hugepagesz=2M");
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=1");
	assert_int_equal(o.hugetlb_boot[1].hugepagesz, SZ_1G);
	assert_int_equal(o.hugetlb_boot[1].count, 1);
	assert_int_equal(o.hugetlb_boot[0].count, 0);

	/* errors */
	t_opts(&o, 2, 64, 2);
	param_bad(&o, "hugepagesz", "4M", "unsupported");
	param_bad(&o, "hugepagesz", "1T", "unsupported");
	param_bad(&o, "hugepagesz", "2Mx", "unsupported");
	param_bad(&o, "hugepagesz", "", "needs a value");
	param_bad(&o, "hugepages", "abc", "invalid");
	param_bad(&o, "hugepages", "0:1,2:1", "node 2 does not exist");
	param_bad(&o, "hugepages", "0:1,0:2", "node 0 given twice");
	param_bad(&o, "hugepages", "4,0:1", "expected");
	param(&o, "hugepagesz=1G");
	param_bad(&o, "hugepagesz", "1024M", "specified twice");
	param(&o, "hugepages=1");
	param_bad(&o, "hugepages", "2", "specified twice");
	param(&o, "default_hugepagesz=2M");
	param_bad(&o, "default_hugepagesz", "2M", "previously specified");
	param_bad(&o, "hugetlb_free_vmemmap", "maybe", "expected");
	assert_int_equal(hugetlb_parse_param(&o, "transparent_hugepage", "never", err, sizeof(err)),
			 1);

	param(&o, "hugetlb_free_vmemmap=on");
	assert_true(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap=0");
	assert_false(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap=Y");
	assert_true(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap=off");
	assert_false(o.hugetlb_free_vmemmap);
}

/*
 * 1 x 5 GiB (the memmap at the top of [4G, 5G); swiotlb comes later, in
 * mm_init, under what the hugepages= parameter took):
 * hugepagesz=1G hugepages=2 gives two pool pages straight after boot, at
 * [3G, 4G) and [2G, 3G), taken from memblock; free pages drop by exactly
 * 2 x 262144 against the same machine without them, managed pages not at
 * all (gather_bootmem_prealloc adds them back).
 */
static void test_boot_gigantic_from_memblock(void **state)
{
	struct machine_opts o;
	struct machine *plain, *m;
	struct hstate *h;
	unsigned long pages[2];

	(void)state;
	t_opts(&o, 1, 5120, 2);
	plain = t_boot(&o);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=2");
	m = t_boot(&o);
	h = hugetlb_size_to_hstate(m, SZ_1G);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 2);
	assert_int_equal(rd(m, SYS_1G "free_hugepages"), 2);
	assert_int_equal(pool_pages(m, h, 0, pages, 2), 2);
	/* memblock went top-down: [3G, 4G) first; the LIFO gather puts [2G, 3G) first */
	assert_int_equal(pages[0], 3 * (SZ_1G >> PAGE_SHIFT));
	assert_int_equal(pages[1], 2 * (SZ_1G >> PAGE_SHIFT));
	check_pool_page(m, h, pages[0]);
	check_pool_page(m, h, pages[1]);
	assert_int_equal(nr_free(m), nr_free(plain) - 2 * NR_1G);
	assert_int_equal(totalram_pages(m), totalram_pages(plain));
	assert_int_equal(zone_of(m, 0, ZONE_DMA32)->managed_pages,
			 zone_of(plain, 0, ZONE_DMA32)->managed_pages);
	/* freed at run time, they join the buddy like any other page */
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "0"), 0);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(m), nr_free(plain));
	assert_int_equal(totalram_pages(m), totalram_pages(plain));
	t_check(m);
	machine_destroy(m);
	machine_destroy(plain);
}

/*
 * 2 x 3 GiB: per-node boot counts for both sizes, and a leading hugepages=
 * for the default (2 MiB) size spread round-robin.
 */
static void test_boot_per_node(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	t_opts(&o, 2, 3072, 2);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=0:1,1:1");
	param(&o, "hugepagesz=2M");
	param(&o, "hugepages=0:3,1:5");
	m = t_boot(&o);
	assert_int_equal(rd_node(m, 0, 1048576, "nr_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 1048576, "nr_hugepages"), 1);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 3);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 5);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 8);
	t_check(m);
	machine_destroy(m);

	t_opts(&o, 2, 128, 2);
	param(&o, "hugepages=4");
	m = t_boot(&o);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 2);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 2);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], 4);
	machine_destroy(m);
}

/*
 * 1 x 3 GiB asking for ten 1 GiB pages and 1000 2 MiB pages on node0: boot
 * gets one and what fits, and says so in the kernel's words.
 */
static void test_boot_shortfall_log(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct sbuf sb;
	char want[160];
	unsigned long got;

	(void)state;
	t_opts(&o, 1, 3072, 2);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=10");
	param(&o, "hugepagesz=2M");
	param(&o, "hugepages=0:1000");
	m = t_boot(&o);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 1);
	got = rd(m, SYS_2M "nr_hugepages");
	assert_true(got > 100 && got < 1000);
	sb_init(&sb);
	hugetlb_show_boot_log(m, &sb);
	assert_non_null(strstr(sb.buf, "HugeTLB: allocating 10 of page size 1.00 GiB failed.  "
				       "Only allocated 1 hugepages.\n"));
	snprintf(want, sizeof(want), "HugeTLB: allocating 1000 of page size 2.00 MiB failed "
		 "node0.  Only allocated %lu hugepages.\n", got);
	assert_non_null(strstr(sb.buf, want));
	assert_non_null(strstr(sb.buf, "HugeTLB: registered 1.00 GiB page size, "
				       "pre-allocated 1 pages\n"));
	/* the sysctl shows max_huge_pages, cut down to what boot got (default: 2 MiB) */
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), got);
	sb_free(&sb);
	machine_destroy(m);
}

/* A hugepages= before any hugepagesz= overrides the default size's own count */
static void test_boot_default_override(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct sbuf sb;

	(void)state;
	t_opts(&o, 1, 128, 2);
	param(&o, "hugepages=5");
	param(&o, "hugepagesz=2M");
	param(&o, "hugepages=2");
	m = t_boot(&o);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 5);
	sb_init(&sb);
	hugetlb_show_boot_log(m, &sb);
	assert_non_null(strstr(sb.buf, "HugeTLB: Ignoring hugepages=2 associated with "
				       "2.00 MiB page size\n"));
	assert_non_null(strstr(sb.buf, "HugeTLB: Using hugepages=5 for number of default "
				       "huge pages\n"));
	sb_free(&sb);
	machine_destroy(m);
}

/* The boot log as one string (the caller frees it) */
static char *boot_log_of(struct machine *m)
{
	struct sbuf sb;

	sb_init(&sb);
	hugetlb_show_boot_log(m, &sb);
	return sb.buf;
}

/*
 * "hugepages=0" is a count like any other (hugepages_setup records it in
 * last_mhp), so a second hugepages= for the same size is refused; but a
 * leading hugepages=0 leaves default_hstate_max_huge_pages at 0, and
 * hugetlb_init / default_hugepagesz_setup only apply that number when it
 * is non-zero: it overrides nothing.
 *
 *   hugepages=0 hugepagesz=2M hugepages=2            -> 2 pages, no warning
 *   hugepages=0:0 hugepagesz=2M hugepages=2          -> 2 pages, no warning
 *   hugepages=0 hugepagesz=1G hugepages=1 default_hugepagesz=1G -> 1 GiB page
 *   hugepagesz=2M hugepages=0 hugepages=3            -> refused (twice)
 *   hugepages=0 hugepages=3                          -> refused (twice)
 */
static void test_boot_hugepages_zero(void **state)
{
	static const char *const lead[] = { "hugepages=0", "hugepages=0:0" };
	struct machine_opts o;
	struct machine *m;
	char *log;

	(void)state;
	for (int i = 0; i < 2; i++) {
		t_opts(&o, 1, 128, 2);
		param(&o, lead[i]);
		param(&o, "hugepagesz=2M");
		param(&o, "hugepages=2");
		m = t_boot(&o);
		assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 2);
		log = boot_log_of(m);
		assert_null(strstr(log, "Ignoring"));
		free(log);
		machine_destroy(m);
	}

	t_opts(&o, 1, 3072, 2);
	param(&o, "hugepages=0");
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=1");
	param(&o, "default_hugepagesz=1G");
	m = t_boot(&o);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 1);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 1);	/* the default is 1 GiB */
	machine_destroy(m);

	t_opts(&o, 1, 128, 2);
	param(&o, "hugepagesz=2M");
	param(&o, "hugepages=0");
	param_bad(&o, "hugepages", "3", "specified twice");
	t_opts(&o, 1, 128, 2);
	param(&o, "hugepages=0");
	param_bad(&o, "hugepages", "3", "specified twice");
}

/* A parameter refused with exactly this message */
static void param_msg(struct machine_opts *o, const char *key, const char *val, const char *msg)
{
	char err[256] = "";

	assert_int_equal(hugetlb_parse_param(o, key, val, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
}

/*
 * The values each boot parameter takes, and the message for each one it
 * refuses (memparse for the sizes, hugepages_setup's N and NODE:N lists,
 * kstrtobool for hugetlb_free_vmemmap).  A size is a number in any base
 * memparse reads, with an optional K/M/G/T/P/E of either case.
 */
static void test_boot_params_values(void **state)
{
	struct machine_opts o;

	(void)state;
	/* sizes: bases and suffixes memparse reads */
	t_opts(&o, 2, 64, 2);
	param(&o, "hugepagesz=0x200000");
	param(&o, "hugepagesz=1g");
	assert_int_equal(o.hugetlb_boot[0].hugepagesz, 2UL << 20);
	assert_int_equal(o.hugetlb_boot[1].hugepagesz, SZ_1G);
	t_opts(&o, 2, 64, 2);
	param(&o, "hugepagesz=2097152");
	param(&o, "default_hugepagesz=1048576k");
	assert_int_equal(o.default_hugepagesz, SZ_1G);
	param_msg(&o, "hugepagesz", "M",
		  "hugepagesz=M: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");
	param_msg(&o, "hugepagesz", "99999999999999999999M",
		  "hugepagesz=99999999999999999999M: unsupported huge page size "
		  "(x86_64 takes 2M, 2048K or 1G)");
	param_msg(&o, "hugepagesz", "1E",
		  "hugepagesz=1E: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");
	/* 2^24 T = 2^64 bytes: does not fit, must not wrap to 0 */
	param_msg(&o, "hugepagesz", "16777216T",
		  "hugepagesz=16777216T: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");
	param_msg(&o, "hugepagesz", "1P",
		  "hugepagesz=1P: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");

	/* default_hugepagesz: once, and a size x86_64 has */
	t_opts(&o, 2, 64, 2);
	param_msg(&o, "default_hugepagesz", "4M",
		  "default_hugepagesz=4M: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");
	param_msg(&o, "default_hugepagesz", "x",
		  "default_hugepagesz=x: unsupported huge page size (x86_64 takes 2M, 2048K or 1G)");
	assert_int_equal(o.default_hugepagesz, 0);
	/* a size already named keeps its place (hugetlb_add_hstate adds nothing) */
	param(&o, "hugepagesz=1G");
	param(&o, "hugepagesz=2M");
	param(&o, "default_hugepagesz=1G");
	assert_int_equal(o.nr_hugetlb_boot, 2);
	assert_int_equal(o.hugetlb_boot[0].hugepagesz, SZ_1G);
	assert_int_equal(o.default_hugepagesz, SZ_1G);
	/* hugepages= still goes to the size named last */
	param(&o, "hugepages=5");
	assert_int_equal(o.hugetlb_boot[1].count, 5);
	assert_int_equal(o.hugetlb_boot[0].count, 0);

	/* hugepagesz= for the default size: refused once the default has a count */
	t_opts(&o, 1, 64, 2);
	param(&o, "default_hugepagesz=1G");
	param(&o, "hugepages=2");
	param_msg(&o, "hugepagesz", "1G",
		  "hugepagesz=1G specified twice (the kernel ignores the second)");

	/* hugepages= counts */
	t_opts(&o, 1, 64, 2);
	param(&o, "hugepagesz=2M");
	param_msg(&o, "hugepages", "99999999999999999999",
		  "hugepages=99999999999999999999: invalid number at '99999999999999999999'");
	param_msg(&o, "hugepages", "9223372036854775808",
		  "hugepages=9223372036854775808: count too large");
	param_msg(&o, "hugepages", "5x", "hugepages=5x: expected N or NODE:N[,NODE:N...]");
	param_msg(&o, "hugepages", "0:1,5", "hugepages=0:1,5: expected N or NODE:N[,NODE:N...]");
	param_msg(&o, "hugepages", "16:1",
		  "hugepages=16:1: node 16 does not exist (the machine has 1 node)");
	param_msg(&o, "hugepages", "1:1",
		  "hugepages=1:1: node 1 does not exist (the machine has 1 node)");
	param_msg(&o, "hugepages", "0:", "hugepages=0:: invalid count at ''");
	param_msg(&o, "hugepages", "0:9223372036854775808",
		  "hugepages=0:9223372036854775808: invalid count at '9223372036854775808'");
	param_msg(&o, "hugepages", "0:1x", "hugepages=0:1x: unexpected 'x'");
	assert_int_equal(o.hugetlb_boot[0].count, 0);	/* nothing stuck */
	param(&o, "hugepages=0:7,");
	assert_int_equal(o.hugetlb_boot[0].count, -1);
	assert_int_equal(o.hugetlb_boot[0].node_count[0], 7);

	/* hugetlb_free_vmemmap: kstrtobool; no value is "on" (a bool core_param) */
	param(&o, "hugetlb_free_vmemmap=oFf");
	assert_false(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap=oN");
	assert_true(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap=F");
	assert_false(o.hugetlb_free_vmemmap);
	param(&o, "hugetlb_free_vmemmap");
	assert_true(o.hugetlb_free_vmemmap);
	o.hugetlb_free_vmemmap = false;
	assert_int_equal(hugetlb_parse_param(&o, "hugetlb_free_vmemmap", NULL, NULL, 0), 0);
	assert_true(o.hugetlb_free_vmemmap);
	param_msg(&o, "hugetlb_free_vmemmap", "ox",
		  "hugetlb_free_vmemmap=ox: expected on/off, y/n or 1/0");
	param_msg(&o, "hugepagesz", NULL, "hugepagesz needs a value");
	/* no error buffer: still refused */
	assert_int_equal(hugetlb_parse_param(&o, "hugepagesz", "4M", NULL, 0), -1);
	assert_int_equal(o.nr_hugetlb_boot, 1);
}

/* machine_create refuses o with exactly this message */
static void boot_refused(const struct machine_opts *o, const char *msg)
{
	char err[256] = "";
	struct machine *m = machine_create(o, err, sizeof(err));

	if (m) {
		machine_destroy(m);
		fail_msg("machine accepted, expected '%s'", msg);
	}
	assert_string_equal(err, msg);
}

/*
 * hugetlb boot entries that reach machine_create without the parser (a
 * program filling machine_opts itself, or a node count checked only once
 * the machine has its nodes): each is refused before anything boots.
 */
static void test_boot_opts_refused(void **state)
{
	struct machine_opts o;

	(void)state;
	t_opts(&o, 2, 64, 2);
	o.default_hugepagesz = 4UL << 20;
	boot_refused(&o, "default_hugepagesz=4194304: unsupported huge page size "
		     "(x86_64 has 2M and 1G)");

	t_opts(&o, 2, 64, 2);
	o.nr_hugetlb_boot = MAX_HUGETLB_BOOT + 1;
	boot_refused(&o, "5 hugepagesz= entries (at most 4)");
	o.nr_hugetlb_boot = -1;
	boot_refused(&o, "-1 hugepagesz= entries (at most 4)");

	t_opts(&o, 2, 64, 2);
	param(&o, "hugepagesz=2M");
	o.hugetlb_boot[0].hugepagesz = 4UL << 20;
	boot_refused(&o, "hugepagesz=4194304: unsupported huge page size (x86_64 has 2M and 1G)");

	/* per-node counts given while the machine had no nodes yet */
	t_opts(&o, 2, 64, 2);
	o.nr_nodes = 0;
	param(&o, "hugepagesz=2M");
	param(&o, "hugepages=3:1");
	o.nr_nodes = 2;
	boot_refused(&o, "hugepages=3:1: node 3 does not exist (the machine has 2 nodes)");
	o.nr_nodes = 1;
	boot_refused(&o, "hugepages=3:1: node 3 does not exist (the machine has 1 node)");
	/* ... and the same for a leading hugepages= (the default size's) */
	t_opts(&o, 2, 64, 2);
	o.nr_nodes = 0;
	param(&o, "hugepages=2:4");
	o.nr_nodes = 2;
	boot_refused(&o, "hugepages=2:4: node 2 does not exist (the machine has 2 nodes)");
}

/*
 * The hstates are registered as the kernel does it: a size named by
 * hugepagesz= or default_hugepagesz= first (hugetlb_add_hstate at parse
 * time), then 1 GiB (gigantic_pages_init, arch_initcall), then 2 MiB
 * (hugetlb_init); report_hugepages prints them in that order.
 *
 *   (nothing)                    1 GiB, 2 MiB
 *   default_hugepagesz=2M        2 MiB, 1 GiB
 *   (opts) default 2 MiB only    2 MiB, 1 GiB   (no hugepagesz entry for it)
 *   (opts) default 1 GiB only    1 GiB, 2 MiB
 */
static void test_boot_registration_order(void **state)
{
	static const char reg_2m[] = "HugeTLB: registered 2.00 MiB page size, pre-allocated 0 pages";
	static const char reg_1g[] = "HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages";
	struct {
		const char *param;
		unsigned long dflt;
		bool two_mb_first;
	} cases[] = {
		{ NULL, 0, false },
		{ "default_hugepagesz=2M", 0, true },
		{ NULL, 2UL << 20, true },
		{ NULL, SZ_1G, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct machine_opts o;
		struct machine *m;
		char *log, *a, *b;

		t_opts(&o, 1, 128, 2);
		if (cases[i].param)
			param(&o, cases[i].param);
		if (cases[i].dflt)
			o.default_hugepagesz = cases[i].dflt;
		m = t_boot(&o);
		log = boot_log_of(m);
		a = strstr(log, reg_2m);
		b = strstr(log, reg_1g);
		assert_non_null(a);
		assert_non_null(b);
		if ((a < b) != cases[i].two_mb_first)
			fail_msg("case %zu: wrong order:\n%s", i, log);
		assert_non_null(strstr(log, "HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB "
					    "page\n"));
		assert_non_null(strstr(log, "HugeTLB: 16380 KiB vmemmap can be freed for a "
					    "1.00 GiB page\n"));
		free(log);
		assert_int_equal(hugetlb_default_hstate(m)->order, cases[i].dflt == SZ_1G ? 18 : 9);
		machine_destroy(m);
	}
}

/*
 * Boot shortfalls on the paths test_boot_shortfall_log does not take:
 *   1 x 3 GiB, hugepagesz=1G hugepages=0:5    one fits: the per-node warning
 *   1 x 128 MiB, hugepages=1000 (2 MiB)       what fits: the global warning
 * Each says how many were asked and how many were had, and max_huge_pages
 * (the sysctl) is cut to what was had.
 */
static void test_boot_shortfall_other_paths(void **state)
{
	struct machine_opts o;
	struct machine *m;
	char *log, want[160];
	unsigned long got;

	(void)state;
	t_opts(&o, 1, 3072, 2);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=0:5");
	m = t_boot(&o);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 1);
	assert_int_equal(hugetlb_size_to_hstate(m, SZ_1G)->max_huge_pages, 1);
	assert_int_equal(hugetlb_size_to_hstate(m, SZ_1G)->max_huge_pages_node[0], 1);
	log = boot_log_of(m);
	assert_non_null(strstr(log, "HugeTLB: allocating 5 of page size 1.00 GiB failed node0.  "
				    "Only allocated 1 hugepages.\n"));
	free(log);
	machine_destroy(m);

	t_opts(&o, 1, 128, 2);
	param(&o, "hugepages=1000");
	m = t_boot(&o);
	got = rd(m, SYS_2M "nr_hugepages");
	assert_true(got > 20 && got < 64);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), got);
	log = boot_log_of(m);
	snprintf(want, sizeof(want), "HugeTLB: allocating 1000 of page size 2.00 MiB failed.  "
		 "Only allocated %lu hugepages.\n", got);
	assert_non_null(strstr(log, want));
	free(log);
	machine_destroy(m);
}

/*
 * 1 x 20 GiB, hugepagesz=1G hugepages=17: more boot pages than the first
 * batch of records holds; all 17 reach the pool, 1 GiB aligned, highest
 * address first (memblock allocates top-down, gather_bootmem_prealloc
 * walks its list LIFO, so the lowest page is enqueued first and the
 * highest, enqueued last, heads the free list).
 */
static void test_boot_many_gigantic(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long pages[20];
	int n;

	(void)state;
	t_opts(&o, 1, 20480, 2);
	param(&o, "hugepagesz=1G");
	param(&o, "hugepages=17");
	m = t_boot(&o);
	h = hugetlb_size_to_hstate(m, SZ_1G);
	assert_int_equal(rd(m, SYS_1G "nr_hugepages"), 17);
	assert_int_equal(rd(m, SYS_1G "free_hugepages"), 17);
	n = pool_pages(m, h, 0, pages, 20);
	assert_int_equal(n, 17);
	for (int i = 0; i < n; i++) {
		assert_int_equal(pages[i] & (NR_1G - 1), 0);
		if (i)
			assert_true(pages[i] < pages[i - 1]);
	}
	check_pool_page(m, h, pages[16]);
	machine_destroy(m);
}

/* Files: formats, what each parser takes, read-only and missing files */
static void test_file_formats(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	struct sbuf sb;
	char err[256];

	(void)state;
	sb_init(&sb);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "+3\n"), 0);
	assert_true(mm_show_file(m, SYS_2M "nr_hugepages", &sb));
	assert_string_equal(sb.buf, "3\n");
	sb_reset(&sb);
	assert_true(mm_show_file(m, SYS_2M "nr_hugepages_mempolicy", &sb));
	assert_string_equal(sb.buf, "3\n");
	sb_reset(&sb);
	assert_true(mm_show_file(m, SYS_2M "resv_hugepages", &sb));
	assert_string_equal(sb.buf, "0\n");
	sb_reset(&sb);
	assert_true(mm_show_file(m, SYS_2M "surplus_hugepages", &sb));
	assert_string_equal(sb.buf, "0\n");
	assert_int_equal(rd_node(m, 1, 2048, "free_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 2048, "surplus_hugepages"), 0);

	/* sysfs takes kstrtoul: decimal, optional '+', one trailing newline */
	assert_int_equal(mm_store_file(m, SYS_2M "nr_hugepages", "abc", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "Invalid argument"));
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", " 2"), -EINVAL);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "2 "), -EINVAL);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "-1"), -EINVAL);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0x2"), -EINVAL);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", ""), -EINVAL);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "99999999999999999999"), -ERANGE);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 3);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages_mempolicy", "4"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 4);
	assert_int_equal(wr(m, SYS_2M "nr_overcommit_hugepages", "7\n"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_overcommit_hugepages"), 7);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_overcommit_hugepages"), 7);
	assert_int_equal(wr(m, SYS_1G "nr_overcommit_hugepages", "1"), -EINVAL);

	/* the sysctls take proc_doulongvec_minmax's numbers: base 0, white space */
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", " 0x2 9\n"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 2);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 2);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "-1"), -EINVAL);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "2x"), -EINVAL);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_overcommit_hugepages", "010"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_overcommit_hugepages"), 8);

	/* read-only and missing files */
	assert_int_equal(wr(m, SYS_2M "free_hugepages", "1"), -EACCES);
	assert_int_equal(wr(m, SYS_2M "resv_hugepages", "1"), -EACCES);
	assert_int_equal(wr_node(m, 2, 2048, "1"), -ENOENT);
	assert_int_equal(wr(m, "/sys/kernel/mm/hugepages/hugepages-4096kB/nr_hugepages", "1"),
			 -ENOENT);
	/* a read-only file of a node the machine lacks is missing, not read-only */
	assert_int_equal(wr(m, "/sys/devices/system/node/node2/hugepages/hugepages-2048kB/"
			    "free_hugepages", "1"), -ENOENT);
	sb_reset(&sb);
	assert_false(mm_show_file(m, "/sys/devices/system/node/node0/hugepages/"
				  "hugepages-2048kB/resv_hugepages", &sb));
	assert_false(mm_show_file(m, "/sys/devices/system/node/node2/hugepages/"
				  "hugepages-2048kB/free_hugepages", &sb));
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
	machine_destroy(m);
}

/* A write refused with ret and exactly this message */
static void wr_msg(struct machine *m, const char *path, const char *val, int ret, const char *msg)
{
	char err[256] = "";

	assert_int_equal(mm_store_file(m, path, val, err, sizeof(err)), ret);
	assert_string_equal(err, msg);
}

/*
 * Which paths name a hugetlb file: the hstate directory must be one of
 * the registered sizes (hugepages-<kB>kB, the kB count must not wrap when
 * multiplied out), the node must exist, the file must be one the
 * directory has.  Anything else is not a file (ENOENT), written or read.
 */
static void test_file_paths(void **state)
{
	static const char *const bad[] = {
		"/sys/kernel/mm/hugepages/foo",
		"/sys/kernel/mm/hugepages/hugepages-abckB/nr_hugepages",
		"/sys/kernel/mm/hugepages/hugepages-2048MB/nr_hugepages",
		/* (2^54 + 2048) kB is 2 MiB modulo 2^64 */
		"/sys/kernel/mm/hugepages/hugepages-18014398509484032kB/nr_hugepages",
		"/sys/kernel/mm/hugepages/hugepages-2048kB/bogus",
		"/sys/kernel/mm/hugepages/hugepages-2048kB",
		"/sys/devices/system/node/nodeX/hugepages/hugepages-2048kB/nr_hugepages",
		"/sys/devices/system/node/node0/meminfo",
		"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_overcommit_hugepages",
		"/proc/sys/vm/nr_hugepages_foo",
	};
	struct machine *m = t_machine(2, 128, 2);
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	assert_int_equal(18014398509484032UL * 1024, 2UL << 20);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (wr(m, bad[i], "1") != -ENOENT)
			fail_msg("%s: writable", bad[i]);
		if (mm_show_file(m, bad[i], &sb))
			fail_msg("%s: readable", bad[i]);
	}
	assert_int_equal(sb.len, 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 0);
	sb_free(&sb);
	machine_destroy(m);
}

/*
 * The sysctls read their first number as proc_doulongvec_minmax does
 * (proc_get_long): white space before it, any base, and after it only
 * one of proc_wspace_sep (' ', '\t', '\n') or the end; a '-' is refused;
 * a number of 21 characters or more (TMPBUFLEN - 1) is refused.
 * nr_hugepages_mempolicy is nr_hugepages under the default policy.  The
 * sysfs nr_overcommit_hugepages takes kstrtoul like nr_hugepages.
 */
static void test_sysctl_and_overcommit_values(void **state)
{
	struct machine *m = t_machine(1, 128, 2);

	(void)state;
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages_mempolicy", " \t\v\f\r\n3\n"), 0);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages_mempolicy"), 3);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 3);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "4\tjunk"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 4);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "5 6"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 5);
	/* a terminator outside proc_wspace_sep is refused */
	wr_msg(m, "/proc/sys/vm/nr_hugepages", "6\r", -EINVAL,
	       "/proc/sys/vm/nr_hugepages: write error: Invalid argument ('6\r' is not a number "
	       "the sysctl takes)");
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "6\v"), -EINVAL);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "6\f"), -EINVAL);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 5);
	wr_msg(m, "/proc/sys/vm/nr_hugepages", "99999999999999999999", -EINVAL,
	       "/proc/sys/vm/nr_hugepages: write error: Invalid argument ('99999999999999999999' "
	       "is not a number the sysctl takes)");
	wr_msg(m, "/proc/sys/vm/nr_overcommit_hugepages", "many", -EINVAL,
	       "/proc/sys/vm/nr_overcommit_hugepages: write error: Invalid argument ('many' is "
	       "not a number the sysctl takes)");
	wr_msg(m, "/proc/sys/vm/nr_overcommit_hugepages", "-2", -EINVAL,
	       "/proc/sys/vm/nr_overcommit_hugepages: write error: Invalid argument ('-2' is "
	       "not a number the sysctl takes)");
	assert_int_equal(rd(m, "/proc/sys/vm/nr_overcommit_hugepages"), 0);

	wr_msg(m, SYS_2M "nr_overcommit_hugepages", "many", -EINVAL,
	       SYS_2M "nr_overcommit_hugepages: write error: Invalid argument ('many': "
	       "kstrtoul takes a decimal number)");
	wr_msg(m, SYS_2M "nr_overcommit_hugepages", "18446744073709551616", -ERANGE,
	       SYS_2M "nr_overcommit_hugepages: write error: Numerical result out of range "
	       "('18446744073709551616': kstrtoul takes a decimal number)");
	wr_msg(m, SYS_2M "nr_hugepages", "18446744073709551616", -ERANGE,
	       SYS_2M "nr_hugepages: write error: Numerical result out of range "
	       "('18446744073709551616': kstrtoul takes a decimal number)");
	wr_msg(m, SYS_2M "nr_hugepages", NULL, -EINVAL,
	       SYS_2M "nr_hugepages: write error: Invalid argument ('': kstrtoul takes a "
	       "decimal number)");
	wr_msg(m, SYS_2M "surplus_hugepages", "0", -EACCES,
	       SYS_2M "surplus_hugepages: write error: Permission denied (read-only file)");
	assert_int_equal(wr(m, SYS_2M "nr_overcommit_hugepages", "18446744073709551615"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_overcommit_hugepages"), ~0UL);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 5);

	/* proc_get_long reads at most 21 characters: a 21-character number is refused */
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "00000000000000000004"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 4);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "000000000000000000005"), -EINVAL);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", " 000000000000000000005"), -EINVAL);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 4);
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap",
			    "-00000000000000000001"), -EINVAL);
	assert_false(hugetlb_vmemmap_enabled(m));
	assert_int_equal(wr(m, "/proc/sys/vm/nr_hugepages", "5"), 0);

	/* proc_dobool: the sign is dropped, any non-zero number is on */
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "-1"), 0);
	assert_true(hugetlb_vmemmap_enabled(m));
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "-0"), 0);
	assert_false(hugetlb_vmemmap_enabled(m));
	t_check(m);
	machine_destroy(m);
}

/*
 * Counter names expect takes: hugepages.[<nid>.]<kB>kB.<file>, spelled as
 * the dump spells them; a name with a bad or missing node, a bad size, a
 * size that wraps when multiplied out, or the old node<N> spelling is no
 * counter.
 */
static void test_counter_names_refused(void **state)
{
	static const char *const bad[] = {
		"hugepages.nodeX.2048kB.nr_hugepages",
		"hugepages.node0x2048kB.nr_hugepages",
		"hugepages.node0",
		"hugepages.node1.2048kB.nr_hugepages",
		"hugepages.01.2048kB.nr_hugepages",
		"hugepages.2.2048kB.nr_hugepages",
		"hugepages.1.2048kB.resv_hugepages",
		"hugepages.abc.nr_hugepages",
		"hugepages.2048MB.nr_hugepages",
		"hugepages.02048kB.nr_hugepages",
		"hugepages.18014398509484032kB.nr_hugepages",
		"hugepages.1.18014398509484032kB.nr_hugepages",
	};
	struct machine *m = t_machine(2, 128, 2);
	long v = 12345;

	(void)state;
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "2"), 0);
	assert_int_equal(counter(m, "hugepages.1.2048kB.nr_hugepages"), 1);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (counter_read(m, bad[i], &v))
			fail_msg("%s: accepted", bad[i]);
	assert_int_equal(v, 12345);
	machine_destroy(m);
}

/*
 * hugetlb_set_max_huge_pages with a node acts like that node's
 * nr_hugepages file; a node the machine does not have is -EINVAL and
 * changes nothing.
 */
static void test_set_max_huge_pages_node(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	struct hstate *h = hugetlb_default_hstate(m);

	(void)state;
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 3, 1), 0);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 3);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 0);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 1, 2), -EINVAL);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 1, -5), -EINVAL);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 2, NUMA_NO_NODE), 0);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 2);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 2);
	t_check(m);
	machine_destroy(m);
}

/*
 * The HugePages_* and Hugetlb lines of /proc/meminfo as the meminfo view
 * gets them from hugetlb_report_meminfo: returns them (caller frees) after
 * checking that /proc/meminfo holds them, in one block before DirectMap4k,
 * and that the meminfo.* counters read the numbers.
 */
static char *meminfo_lines(struct machine *m)
{
	struct sbuf sb, file;
	struct vout vo = { .sb = &sb };
	const char *at;
	char *text;
	long total, sz;

	sb_init(&sb);
	sb_init(&file);
	hugetlb_report_meminfo(m, &vo);
	text = sb_steal(&sb);
	assert_true(mm_show_file(m, "/proc/meminfo", &file));
	at = strstr(file.buf, text);
	assert_non_null(at);
	assert_true(at > file.buf && at[-1] == '\n');
	assert_true(!strncmp(at + strlen(text), "DirectMap4k:", 12));
	assert_true(counter_read(m, "meminfo.HugePages_Total", &total));
	assert_true(counter_read(m, "meminfo.Hugepagesize", &sz));
	assert_int_equal(total, strtol(text + strlen("HugePages_Total:"), NULL, 10));
	assert_int_equal(sz, hugetlb_default_hstate(m)->order == 9 ? 2048 : 1048576);
	sb_free(&file);
	return text;
}

/*
 * /proc/meminfo's hugetlb lines, byte for byte: the default hstate's
 * counts and the total of every pool (3 x 2 MiB + 1 x 1 GiB).
 */
static void test_meminfo_lines(void **state)
{
	struct machine_opts o;
	struct machine *m;
	char *text;

	(void)state;
	m = t_machine(1, 3072, 2);
	text = meminfo_lines(m);
	assert_string_equal(text,
			    "HugePages_Total:       0\n"
			    "HugePages_Free:        0\n"
			    "HugePages_Rsvd:        0\n"
			    "HugePages_Surp:        0\n"
			    "Hugepagesize:       2048 kB\n"
			    "Hugetlb:               0 kB\n");
	free(text);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "3"), 0);
	assert_int_equal(wr(m, SYS_1G "nr_hugepages", "1"), 0);
	text = meminfo_lines(m);
	assert_string_equal(text,
			    "HugePages_Total:       3\n"
			    "HugePages_Free:        3\n"
			    "HugePages_Rsvd:        0\n"
			    "HugePages_Surp:        0\n"
			    "Hugepagesize:       2048 kB\n"
			    "Hugetlb:         1054720 kB\n");
	free(text);
	assert_int_equal(hugetlb_total_pages(m), 3 * 512 + NR_1G);
	machine_destroy(m);

	t_opts(&o, 1, 3072, 2);
	param(&o, "default_hugepagesz=1G");
	param(&o, "hugepages=1");
	m = t_boot(&o);
	text = meminfo_lines(m);
	assert_string_equal(text,
			    "HugePages_Total:       1\n"
			    "HugePages_Free:        1\n"
			    "HugePages_Rsvd:        0\n"
			    "HugePages_Surp:        0\n"
			    "Hugepagesize:    1048576 kB\n"
			    "Hugetlb:         1048576 kB\n");
	free(text);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 1);
	assert_int_equal(wr(m, "/proc/sys/vm/nr_overcommit_hugepages", "1"), -EINVAL);
	machine_destroy(m);
}

/*
 * 2 x 128 MiB, node1 fragmented: filled with kernel pages, every odd pfn
 * freed again, so half of it is free but only in order-0 blocks nothing
 * can merge or migrate.  A global write of 8 gets every page from node0;
 * node1 fails 7 times.  Its first attempt tries hard (__GFP_RETRY_MAYFAIL),
 * later ones without it (node_alloc_noretry).  With nothing reclaimable
 * both end after one direct reclaim stall and one compaction at
 * DEF_COMPACT_PRIORITY (should_compact_retry needs reclaim progress), so
 * each failure costs exactly one stall.  The next write starts with a
 * clean mask and fails twice more.
 */
static void test_node_alloc_noretry(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	unsigned long *held = malloc(40000 * sizeof(*held)), n = 0, stall0;

	(void)state;
	assert_non_null(held);
	while (n < 40000 && (held[n] = alloc_pages_node(m, 1, GFP_KERNEL | __GFP_THISNODE |
							__GFP_NOWARN, 0)) != PFN_NONE)
		n++;
	assert_true(n > 20000 && n < 40000);
	for (unsigned long i = 0; i < n; i++)
		if (held[i] & 1)
			__free_pages(m, held[i], 0);
	free(held);
	drain_all_pages(m, NULL);

	stall0 = m->vm_events[ALLOCSTALL_MOVABLE];	/* htlb_alloc_mask: GFP_HIGHUSER_MOVABLE */
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "8"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 8);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 0);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], 8);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC_FAIL], 7);
	assert_int_equal(m->vm_events[ALLOCSTALL_MOVABLE] - stall0, 7);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "10"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 10);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC_FAIL], 9);
	assert_int_equal(m->vm_events[ALLOCSTALL_MOVABLE] - stall0, 9);
	machine_destroy(m);
}

/* Take every page GFP_ATOMIC can get on node 0, down past min: memory is "full" */
static unsigned long *hold_all_atomic(struct machine *m, unsigned long *n)
{
	unsigned long *held = malloc(65536 * sizeof(*held));

	assert_non_null(held);
	*n = 0;
	while (*n < 65536 &&
	       (held[*n] = alloc_pages_node(m, 0, GFP_ATOMIC | __GFP_NOWARN, 0)) != PFN_NONE)
		(*n)++;
	assert_true(*n < 65536);
	return held;
}
/*
 * 1 x 256 MiB, HVO on (reuse-head): one optimised pool page, then memory
 * filled with atomic allocations.  Shrinking to 0 cannot restore the
 * vmemmap, so the page stays as a surplus page; once memory is back,
 * growing to 1 makes it persistent again and shrinking to 0 frees it.
 */
static void test_failed_restore_keeps_surplus(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long *held, n = 0, page = 0;

	(void)state;
	t_opts(&o, 1, 256, 2);
	param(&o, "hugetlb_free_vmemmap=on");
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 1);
	assert_int_equal(pool_pages(m, h, 0, &page, 1), 1);
	assert_true(HPageVmemmapOptimized(m, page));

	held = hold_all_atomic(m, &n);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "free_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 1);
	assert_int_equal(rd_node(m, 0, 2048, "surplus_hugepages"), 1);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 1);
	assert_int_equal(m->hvo_stats.restore_failed, 1);
	check_pool_page(m, h, page);
	assert_true(HPageVmemmapOptimized(m, page));

	while (n)
		__free_pages(m, held[--n], 0);
	free(held);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1"), 0);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 1);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC], 1);	/* no new page was needed */
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 0);
	assert_int_equal(m->hvo_stats.restored, 1);
	t_check(m);
	machine_destroy(m);
}

/*
 * The same under every HVO policy: 1 x 256 MiB, one optimised pool page
 * A, memory then filled with atomic allocations.
 *   echo 0 > nr_hugepages     restore fails: A stays, as a free surplus
 *                             page, frozen (refcount 0), still optimised
 *   echo 0 > nr_hugepages     again: nothing to do (persistent is 0 and a
 *                             free surplus page leaves only when freed)
 *   memory back; echo 1, 0    A turns persistent, then is freed
 * 6.12 keeps A frozen through the restore (remove_hugetlb_folio takes no
 * reference), the others take one and drop it when A goes back
 * (add_hugetlb_page): either way A is back on the free list with
 * refcount 0.
 */
static void check_failed_restore(const char *policy)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long *held, n = 0, a = 0, b = 0, allocs;

	t_opts(&o, 1, 256, 2);
	param(&o, "hugetlb_free_vmemmap=on");
	assert_true(policy_set_pick(&o.policies, "hvo", policy));
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1"), 0);
	assert_int_equal(pool_pages(m, h, 0, &a, 1), 1);
	assert_true(HPageVmemmapOptimized(m, a));
	held = hold_all_atomic(m, &n);

	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	if (m->fail.failed)
		fail_msg("%s: %s", policy, m->fail.msg);
	assert_int_equal(m->hvo_stats.restore_failed, 1);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "free_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 1);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 0);
	assert_int_equal(pool_pages(m, h, 0, &b, 1), 1);
	assert_int_equal(b, a);
	assert_true(HPageVmemmapOptimized(m, a));
	assert_int_equal(page_ref_count(m, a), 0);
	assert_int_equal(compound_dtor(m, a), HUGETLB_PAGE_DTOR);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 1);

	allocs = m->hvo_stats.restore_failed + m->hvo_stats.restored;
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 1);
	assert_int_equal(m->hvo_stats.restore_failed + m->hvo_stats.restored, allocs);

	while (n)
		__free_pages(m, held[--n], 0);
	free(held);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1"), 0);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 0);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 0);
	assert_int_equal(m->hvo_stats.restored, 1);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 0);
	if (m->fail.failed)
		fail_msg("%s: %s", policy, m->fail.msg);
	t_check(m);
	machine_destroy(m);
}

static void test_failed_restore_every_policy(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < policy_family_hvo.nr_policies; i++)
		check_failed_restore(policy_family_hvo.policies[i].name);
}

/*
 * 1 x 128 MiB, one pool page P (HVO off), with page flags set on its
 * struct pages as a user of the page could leave them:
 *   P: PG_locked|PG_dirty   P+5: PG_active|PG_referenced
 *   P+300: PG_private|PG_writeback   P+511: PG_error
 * Shrinking the pool frees P to the buddy without a "Bad page state":
 * __update_and_free_page clears locked, error, referenced, dirty, active,
 * private and writeback on every subpage first (PG_active, PG_locked,
 * PG_private and PG_writeback are in PAGE_FLAGS_CHECK_AT_FREE).
 */
static void test_free_clears_subpage_flags(void **state)
{
	struct machine *m = t_machine(1, 128, 2);
	struct hstate *h = hugetlb_default_hstate(m);
	static const struct {
		unsigned long off;
		uint64_t flags;
	} set[] = {
		{ 0, 1UL << PG_locked | 1UL << PG_dirty },
		{ 5, 1UL << PG_active | 1UL << PG_referenced },
		{ 300, 1UL << PG_private | 1UL << PG_writeback },
		{ 511, 1UL << PG_error },
	};
	unsigned long p = 0;

	(void)state;
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "1"), 0);
	assert_int_equal(pool_pages(m, h, 0, &p, 1), 1);
	for (size_t i = 0; i < ARRAY_SIZE(set); i++)
		set_page_flags(m, p + set[i].off, page_flags(m, p + set[i].off) | set[i].flags);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	if (m->fail.failed)
		fail_msg("%s", m->fail.msg);
	drain_all_pages(m, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(set); i++)
		assert_int_equal(page_flags(m, p + set[i].off) & set[i].flags, 0);
	for (size_t i = 0; i < ARRAY_SIZE(set); i++) {
		unsigned long q = p + set[i].off;
		bool free = false;

		for (unsigned int o = 0; o < MAX_ORDER && !free; o++) {
			unsigned long head = q & ~((1UL << o) - 1);

			free = PageBuddy(m, head) && buddy_order(m, head) >= o;
		}
		assert_true(free);
	}
	t_check(m);
	machine_destroy(m);
}

/*
 *   2 x 128 MiB, HVO on:  node0 [0, 128M) free | node1 [128M, 256M): pool
 *   page A (optimised), then node1 filled with atomic allocations
 * Shrinking node1's pool to 0 cannot restore A's vmemmap on node1
 * (restore allocates __GFP_THISNODE), so A goes back as a surplus page of
 * node1 (add_hugetlb_page(.., true): the global and node1's surplus).
 * Returns A; the caller owns the machine.
 */
static struct machine *surplus_on_node1(unsigned long *a)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;

	t_opts(&o, 2, 128, 2);
	param(&o, "hugetlb_free_vmemmap=on");
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(wr_node(m, 1, 2048, "1"), 0);
	assert_int_equal(pool_pages(m, h, 1, a, 1), 1);
	assert_int_equal(page_to_nid(m, *a), 1);
	assert_true(HPageVmemmapOptimized(m, *a));
	while (alloc_pages_node(m, 1, GFP_ATOMIC | __GFP_THISNODE | __GFP_NOWARN, 0) != PFN_NONE)
		;
	assert_int_equal(wr_node(m, 1, 2048, "0"), 0);
	assert_int_equal(m->hvo_stats.restore_failed, 1);
	return m;
}

/*
 * The page kept after the failed restore counts as surplus on its own
 * node, node1, and nowhere else; node1's file then turns it persistent
 * again (adjust_pool_surplus finds node1's surplus) without a new page.
 * A model that adds the surplus to another node (or to none) reads 0 on
 * node1 and allocates (and fails) instead of converting.
 */
static void test_failed_restore_surplus_on_page_node(void **state)
{
	struct machine *m;
	struct hstate *h;
	unsigned long a, allocs;

	(void)state;
	m = surplus_on_node1(&a);
	h = hugetlb_default_hstate(m);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 2048, "free_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 2048, "surplus_hugepages"), 1);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 0);
	assert_int_equal(rd_node(m, 0, 2048, "surplus_hugepages"), 0);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 1);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 0);
	check_pool_page(m, h, a);
	assert_true(HPageVmemmapOptimized(m, a));

	allocs = m->vm_events[HTLB_BUDDY_PGALLOC] + m->vm_events[HTLB_BUDDY_PGALLOC_FAIL];
	assert_int_equal(wr_node(m, 1, 2048, "1"), 0);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 2048, "surplus_hugepages"), 0);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 0);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 1);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC] + m->vm_events[HTLB_BUDDY_PGALLOC_FAIL],
			 allocs);
	assert_int_equal(pool_pages(m, h, 1, &a, 1), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   node1: surplus page A (above); node0: empty pool, free memory
 *   echo 1 > node0's nr_hugepages
 * set_max_huge_pages for node0: count = 1 + (nr_huge_pages 1 - node0's 0)
 * = 2, persistent_huge_pages = 1 - 1 = 0, node0 has no surplus to
 * convert: two fresh pages on node0 (6.1 counts the other nodes' surplus
 * pages in nr_huge_pages but not in persistent_huge_pages).  Each new
 * page goes through free_huge_page, which must look at node0's surplus
 * (none: enqueue it), not the global count (1: free it again as if it
 * were node0's surplus, driving node0's surplus below 0).
 */
static void test_free_huge_page_uses_node_surplus(void **state)
{
	struct machine *m;
	unsigned long a, allocs;

	(void)state;
	m = surplus_on_node1(&a);
	allocs = m->vm_events[HTLB_BUDDY_PGALLOC];
	assert_int_equal(wr_node(m, 0, 2048, "1"), 0);
	assert_int_equal(m->vm_events[HTLB_BUDDY_PGALLOC] - allocs, 2);
	assert_int_equal(rd_node(m, 0, 2048, "nr_hugepages"), 2);
	assert_int_equal(rd_node(m, 0, 2048, "free_hugepages"), 2);
	assert_int_equal(rd_node(m, 0, 2048, "surplus_hugepages"), 0);
	assert_int_equal(rd_node(m, 1, 2048, "nr_hugepages"), 1);
	assert_int_equal(rd_node(m, 1, 2048, "surplus_hugepages"), 1);
	assert_int_equal(rd(m, SYS_2M "nr_hugepages"), 3);
	assert_int_equal(rd(m, SYS_2M "surplus_hugepages"), 1);
	assert_int_equal(rd(m, "/proc/sys/vm/nr_hugepages"), 2);
	t_check(m);
	machine_destroy(m);
}

/*
 * hugetlb_optimize_vmemmap exists when an hstate is optimisable (64-byte
 * struct pages, not 72); switching it on affects pages allocated after,
 * not the pool's existing ones.
 */
static void test_optimize_vmemmap_sysctl(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	t_opts(&o, 1, 128, 2);
	o.struct_page_size = 72;
	m = t_boot(&o);
	assert_false(mm_show_file(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", &sb));
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "1"), -ENOENT);
	machine_destroy(m);

	m = t_machine(1, 128, 2);
	assert_int_equal(rd(m, "/proc/sys/vm/hugetlb_optimize_vmemmap"), 0);
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "2"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 0);
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "1\n"), 0);
	assert_int_equal(rd(m, "/proc/sys/vm/hugetlb_optimize_vmemmap"), 1);
	assert_true(hugetlb_vmemmap_enabled(m));
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "5"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 3);
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "x"), -EINVAL);
	assert_int_equal(wr(m, "/proc/sys/vm/hugetlb_optimize_vmemmap", "0"), 0);
	assert_false(hugetlb_vmemmap_enabled(m));
	assert_int_equal(wr(m, SYS_2M "nr_hugepages", "0"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.vmemmap_optimized"), 0);
	t_check(m);
	sb_free(&sb);
	machine_destroy(m);
}

/* Counter names for expect, and the dump listing them all */
static void test_counters(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	struct sbuf sb;
	long v;

	(void)state;
	assert_int_equal(wr_node(m, 1, 2048, "2"), 0);
	assert_int_equal(wr(m, SYS_2M "nr_overcommit_hugepages", "4"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.nr_hugepages"), 2);
	assert_int_equal(counter(m, "hugepages.2048kB.free_hugepages"), 2);
	assert_int_equal(counter(m, "hugepages.2048kB.resv_hugepages"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.surplus_hugepages"), 0);
	assert_int_equal(counter(m, "hugepages.2048kB.nr_overcommit_hugepages"), 4);
	assert_int_equal(counter(m, "hugepages.1.2048kB.nr_hugepages"), 2);
	assert_int_equal(counter(m, "hugepages.0.2048kB.nr_hugepages"), 0);
	assert_int_equal(counter(m, "hugepages.1.2048kB.free_hugepages"), 2);
	assert_int_equal(counter(m, "hugepages.1048576kB.nr_hugepages"), 0);
	assert_false(counter_read(m, "hugepages.2.2048kB.nr_hugepages", &v));
	assert_false(counter_read(m, "hugepages.1.2048kB.resv_hugepages", &v));
	assert_false(counter_read(m, "hugepages.4096kB.nr_hugepages", &v));
	assert_false(counter_read(m, "hugepages.2048kB.bogus", &v));
	sb_init(&sb);
	counter_dump(m, &sb);
	assert_non_null(strstr(sb.buf, "\nhugepages.2048kB.nr_hugepages 2\n"));
	assert_non_null(strstr(sb.buf, "\nhugepages.1.2048kB.free_hugepages 2\n"));
	assert_non_null(strstr(sb.buf, "\nhugepages.1048576kB.vmemmap_optimized 0\n"));
	assert_null(strstr(sb.buf, "hugepages.2."));
	assert_null(strstr(sb.buf, "hugepages.node"));
	assert_null(strstr(sb.buf, "heads_allocated.node"));
	sb_free(&sb);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_round_robin),
		cmocka_unit_test(test_per_node_write),
		cmocka_unit_test(test_thisnode_no_fallback),
		cmocka_unit_test(test_partial_success),
		cmocka_unit_test(test_pool_page_layout),
		cmocka_unit_test(test_shrink_returns_to_buddy),
		cmocka_unit_test(test_gigantic_runtime),
		cmocka_unit_test(test_gigantic_moves_movable),
		cmocka_unit_test(test_boot_params_parse),
		cmocka_unit_test(test_boot_gigantic_from_memblock),
		cmocka_unit_test(test_boot_per_node),
		cmocka_unit_test(test_boot_shortfall_log),
		cmocka_unit_test(test_boot_default_override),
		cmocka_unit_test(test_boot_hugepages_zero),
		cmocka_unit_test(test_boot_params_values),
		cmocka_unit_test(test_boot_opts_refused),
		cmocka_unit_test(test_boot_registration_order),
		cmocka_unit_test(test_boot_shortfall_other_paths),
		cmocka_unit_test(test_boot_many_gigantic),
		cmocka_unit_test(test_file_formats),
		cmocka_unit_test(test_file_paths),
		cmocka_unit_test(test_sysctl_and_overcommit_values),
		cmocka_unit_test(test_counter_names_refused),
		cmocka_unit_test(test_set_max_huge_pages_node),
		cmocka_unit_test(test_meminfo_lines),
		cmocka_unit_test(test_node_alloc_noretry),
		cmocka_unit_test(test_failed_restore_keeps_surplus),
		cmocka_unit_test(test_failed_restore_every_policy),
		cmocka_unit_test(test_free_clears_subpage_flags),
		cmocka_unit_test(test_failed_restore_surplus_on_page_node),
		cmocka_unit_test(test_free_huge_page_uses_node_surplus),
		cmocka_unit_test(test_optimize_vmemmap_sysctl),
		cmocka_unit_test(test_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
