// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb612.c - hugetlb and HVO as Linux 6.12 does them
 * (`machine ... version=6.12`): the HVO default of the version, the boot
 * allocation's chunks, the gigantic boot pages' batch, a node's pool
 * write with surplus pages elsewhere, and the bulk restore before any
 * page of a shrinking pool is freed.  Each test runs the same thing on
 * 6.1 and 6.12 and asserts where they part.
 */
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "policies/hvo.h"
#include "policies/pagewalk_lock.h"
#include "policy.h"

static void opts(struct machine_opts *o, unsigned int kver, int nodes, unsigned long mb,
		 const char *hvo)
{
	t_opts(o, nodes, mb, 2);
	o->kver = kver;
	o->hugetlb_free_vmemmap = true;
	if (hvo)
		assert_true(policy_set_pick(&o->policies, "hvo", hvo));
}

static void param(struct machine_opts *o, const char *key, const char *val)
{
	char err[256];

	assert_int_equal(hugetlb_parse_param(o, key, val, err, sizeof(err)), 0);
}

static const char *hvo_name(struct machine *m)
{
	return policy_set_get(&m->opts.policies, &policy_family_hvo)->name;
}

static const char *walk_name(struct machine *m)
{
	return policy_set_get(&m->opts.policies, &policy_family_pagewalk_lock)->name;
}

/* 6.12's HVO is new-head-6.12 (and its walker) unless the selection picks another */
static void test_hvo_default_by_version(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	opts(&o, MM_KVER(6, 1), 1, 64, NULL);
	m = t_boot(&o);
	assert_string_equal(hvo_name(m), "reuse-head");
	assert_string_equal(walk_name(m), "6.1");
	machine_destroy(m);

	opts(&o, MM_KVER(6, 12), 1, 64, NULL);
	m = t_boot(&o);
	assert_string_equal(hvo_name(m), "new-head-6.12");
	assert_string_equal(walk_name(m), "6.17");
	assert_ptr_equal(hvo_ops(m), policy_find(&policy_family_hvo, "new-head-6.12", 13)->ops);
	machine_destroy(m);

	/* an explicit pick wins, and then implies nothing */
	opts(&o, MM_KVER(6, 12), 1, 64, "reuse-head");
	m = t_boot(&o);
	assert_string_equal(hvo_name(m), "reuse-head");
	assert_string_equal(walk_name(m), "6.1");
	machine_destroy(m);

	/* a pick of the walker alone keeps the version's HVO */
	opts(&o, MM_KVER(6, 12), 1, 64, NULL);
	assert_true(policy_set_pick(&o.policies, "pagewalk-lock", "6.1"));
	m = t_boot(&o);
	assert_string_equal(hvo_name(m), "new-head-6.12");
	assert_string_equal(walk_name(m), "6.1");
	machine_destroy(m);
}

/*
 * hugepages=3 on two nodes: 6.1 takes the nodes round-robin (2 + 1) and
 * leaves next_nid_to_alloc after the last; 6.12's padata job makes three
 * chunks of one page, each starting at node 0 (3 + 0), and leaves the
 * hstate's next_nid_to_alloc at 0.
 */
static void check_boot_chunks(unsigned int kver, unsigned long n0, unsigned long n1, int next)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;

	opts(&o, kver, 2, 512, "new-head-6.12");
	param(&o, "hugepages", "3");
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(h->nr_huge_pages_node[0], n0);
	assert_int_equal(h->nr_huge_pages_node[1], n1);
	assert_int_equal(h->next_nid_to_alloc, next);
	assert_int_equal(h->nr_vmemmap_optimized, 3);
	t_check(m);
	machine_destroy(m);
}

static void test_boot_chunks(void **state)
{
	(void)state;
	check_boot_chunks(MM_KVER(6, 1), 2, 1, 1);
	check_boot_chunks(MM_KVER(6, 12), 3, 0, 0);
}

/*
 * 64 pages on one node: two chunks of 32, each a batch.  6.1 optimises
 * each page as it is allocated; 6.12 each chunk's pages together, two
 * flush_tlb_all per chunk and no per-page range flush.
 */
static void test_boot_batches(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long flushes[2];

	(void)state;
	for (int v = 0; v < 2; v++) {
		opts(&o, v ? MM_KVER(6, 12) : MM_KVER(6, 1), 1, 512, "new-head-6.12");
		param(&o, "hugepages", "64");
		m = t_boot(&o);
		assert_int_equal(hugetlb_default_hstate(m)->nr_huge_pages, 64);
		assert_int_equal(m->hvo_stats.optimized, 64);
		flushes[v] = m->tlb_flushes;
		t_check(m);
		machine_destroy(m);
	}
	/* 6.1: a range flush per page (and per split); 6.12: 2 per chunk, 2 chunks */
	assert_true(flushes[0] >= 64);
	assert_true(flushes[1] < 16);
}

/*
 * Two 1 GiB boot pages on one node: 6.12 gathers them as one batch (split
 * every vmemmap PMD of both, one flush, remap both, one flush); 6.1 one
 * by one, with a range flush per split PMD and per page.
 */
static void test_gigantic_boot_batch(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long flushes[2];

	(void)state;
	for (int v = 0; v < 2; v++) {
		opts(&o, v ? MM_KVER(6, 12) : MM_KVER(6, 1), 1, 4096, "new-head-6.12");
		param(&o, "hugepagesz", "1G");
		param(&o, "hugepages", "2");
		m = t_boot(&o);
		assert_int_equal(hugetlb_size_to_hstate(m, 1UL << 30)->nr_huge_pages, 2);
		assert_int_equal(m->hvo_stats.optimized, 2);
		assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 2 * 4096);
		flushes[v] = m->tlb_flushes;
		t_check(m);
		machine_destroy(m);
	}
	assert_true(flushes[0] >= 2 * 8 + 2);
	assert_true(flushes[1] <= 2);
}

/*
 * Node 1 holds 2 persistent and 2 surplus pages; node 0's file asks for
 * 4.  6.1 adds every page of the other nodes to the count (4 + 4 = 8
 * persistent pages wanted, 2 there, node 0 has no surplus to convert), so
 * node 0 gets 6; 6.12 adds only their persistent pages (4 + 2), and node
 * 0 gets the 4 asked for.
 */
static void check_node_write_with_surplus(unsigned int kver, unsigned long want0)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;

	opts(&o, kver, 2, 512, "reuse-head");
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 4, 1), 0);
	assert_int_equal(h->nr_huge_pages_node[1], 4);
	/* shrinking below what is free leaves nothing surplus; mark 2 surplus by hand */
	h->surplus_huge_pages = 2;
	h->surplus_huge_pages_node[1] = 2;
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 4, 0), 0);
	assert_int_equal(h->nr_huge_pages_node[0], want0);
	machine_destroy(m);
}

static void test_node_write_with_surplus(void **state)
{
	(void)state;
	check_node_write_with_surplus(MM_KVER(6, 1), 6);
	check_node_write_with_surplus(MM_KVER(6, 12), 4);
}

/*
 * Shrinking a pool of two optimised pages: 6.1 restores and frees one
 * page at a time, each restore flushing its range; 6.12 restores both
 * without a flush, then one flush_tlb_all, then frees both.
 */
static unsigned long check_shrink(unsigned int kver)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long flushes;

	opts(&o, kver, 1, 512, "new-head-6.12");
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 2, NUMA_NO_NODE), 0);
	assert_int_equal(h->nr_vmemmap_optimized, 2);
	flushes = m->tlb_flushes;
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 0, NUMA_NO_NODE), 0);
	flushes = m->tlb_flushes - flushes;
	assert_int_equal(m->hvo_stats.restored, 2);
	assert_int_equal(h->nr_vmemmap_optimized, 0);
	assert_int_equal(h->nr_huge_pages, 0);
	t_check(m);
	machine_destroy(m);
	return flushes;
}

static void test_shrink_restores_then_frees(void **state)
{
	unsigned long f61, f612;

	(void)state;
	f61 = check_shrink(MM_KVER(6, 1));
	f612 = check_shrink(MM_KVER(6, 12));
	/* two range flushes become one flush_tlb_all */
	assert_int_equal(f61, f612 + 1);
}

/*
 * new-head-6.12 against 6.12's mm/hugetlb_vmemmap.c: the pages a remap
 * takes out are a LIFO list, so the old head page (taken out first) is
 * freed last and is the first page the CPU's next order-0 allocation of
 * its type gets; and restore's pages are a LIFO list too, so the tails
 * get them in the reverse of their allocation order.  new-head-6.7 (the
 * list in walk order, as 6.1) gets the last tail page and ascending
 * tails.
 */
static void check_612_list_order(const char *policy, bool lifo)
{
	struct machine_opts o;
	struct machine *m;
	struct hstate *h;
	unsigned long head, old[8], f, prev = 0, got;
	uint64_t va;
	bool rw;

	opts(&o, MM_KVER(6, 1), 1, 512, policy);
	o.hugetlb_free_vmemmap = false;
	m = t_boot(&o);
	h = hugetlb_default_hstate(m);
	assert_int_equal(hugetlb_set_max_huge_pages(m, h, 1, NUMA_NO_NODE), 0);
	head = h->hugepage_freelists[0].first;
	va = page_va(m, head);
	for (int k = 0; k < 8; k++)
		assert_true(vmemmap_translate(m, va + ((uint64_t)k << PAGE_SHIFT), &old[k], &rw));
	hugetlb_vmemmap_set_enabled(m, true);
	hugetlb_vmemmap_optimize(m, h, head);
	assert_true(HPageVmemmapOptimized(m, head));
	got = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	assert_int_equal(got, lifo ? old[0] : old[7]);
	__free_pages(m, got, 0);
	drain_all_pages(m, NULL);
	assert_true(page_ref_freeze(m, head, 1) || page_ref_count(m, head) == 0);
	assert_int_equal(hugetlb_vmemmap_restore(m, h, head), 0);
	for (int k = 1; k < 8; k++) {
		assert_true(vmemmap_translate(m, va + ((uint64_t)k << PAGE_SHIFT), &f, &rw));
		if (k > 1)
			assert_true(lifo ? f < prev : f > prev);
		prev = f;
	}
	machine_destroy(m);
}

static void test_612_list_order(void **state)
{
	(void)state;
	check_612_list_order("new-head-6.12", true);
	check_612_list_order("new-head-6.7", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hvo_default_by_version),
		cmocka_unit_test(test_boot_chunks),
		cmocka_unit_test(test_boot_batches),
		cmocka_unit_test(test_gigantic_boot_batch),
		cmocka_unit_test(test_node_write_with_surplus),
		cmocka_unit_test(test_shrink_restores_then_frees),
		cmocka_unit_test(test_612_list_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
