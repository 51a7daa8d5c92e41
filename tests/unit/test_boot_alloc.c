// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_boot_alloc.c - the kernel's own memory at boot (model/boot_alloc.c
 * and the memblock parts in boot.c): each size rule against what a
 * Debian 6.1.192 guest's boot log or /proc files show for the same
 * machine (the figures in the comments are the guest's).
 *
 * The machines are q35 guests as scenarios build them (machine_opts_default
 * with the node sizes and CPUs set), the kernel's allocations on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "testlib.h"
#include "boot_alloc.h"

static struct machine *guest(int nodes, unsigned long mb_per_node, int cpus)
{
	struct machine_opts o;

	machine_opts_default(&o);
	o.nr_nodes = nodes;
	for (int n = 0; n < nodes; n++)
		o.node[n].mem_bytes = mb_per_node << 20;
	o.nr_cpus = cpus;
	return t_boot(&o);
}

static long kmem_total(struct machine *m, enum kmem_consumer c)
{
	long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		n += m->kmem.pages[c][nid];
	return n;
}

static long node_stat(struct machine *m, int item)
{
	long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		n += m->node[nid].vm_stat[item];
	return n;
}

static int blocks_of(struct machine *m, int nid, int zid, int mt)
{
	struct zone *z = zone_of(m, nid, zid);
	int n = 0;

	for (unsigned long pfn = z->zone_start_pfn & ~(pageblock_nr_pages - 1);
	     pfn < zone_end_pfn(z); pfn += pageblock_nr_pages)
		n += get_pfnblock_migratetype(z, pfn) == mt;
	return n;
}

/*
 * SLUB's order: slub_min_objects = 4 * (fls(CPUs) + 1) objects a slab;
 * inode_cache's 640-byte objects take order-1 slabs up to 3 CPUs and
 * order-2 ones from 4 (slabinfo: "inode_cache ... 12 2" on 2 CPUs,
 * "25 4" on 4); dentry (192 B) stays order 0, task_struct order 3.
 */
static void test_slub_order(void **state)
{
	(void)state;
	assert_int_equal(slub_calculate_order(640, 2), 1);
	assert_int_equal(slub_calculate_order(640, 3), 1);
	assert_int_equal(slub_calculate_order(640, 4), 2);
	assert_int_equal(slub_calculate_order(640, 5), 2);
	assert_int_equal(slub_calculate_order(192, 2), 0);
	assert_int_equal(slub_calculate_order(192, 5), 0);
	assert_int_equal(slub_calculate_order(8448, 2), 3);
	assert_int_equal(slub_calculate_order(128, 2), 0);
}

/*
 * alloc_large_system_hash on a 1 x 512 MiB guest ("Dentry cache hash
 * table entries: 65536 (order: 7, 524288 bytes, linear)" and the rest of
 * its boot log) and on the 2 x 64 GiB seed-000 guest with 5 CPUs (dentry
 * 8388608 entries, 64 MiB; the adaptive scale past 64 GiB).
 */
static void test_hash_table_sizes(void **state)
{
	static const struct { const char *name; unsigned long small, big; } want[] = {
		{ "Dentry cache", 524288, 67108864 },
		{ "Inode-cache", 262144, 33554432 },
		{ "Mount-cache", 8192, 1048576 },
		{ "Mountpoint-cache", 8192, 1048576 },
		{ "futex", 32768, 131072 },
		{ "IP idents", 65536, 2097152 },
		{ "tcp_listen_portaddr_hash", 4096, 1048576 },
		{ "Table-perturb", 262144, 262144 },
		{ "TCP established", 32768, 4194304 },
		{ "TCP bind", 131072, 2097152 },
		{ "MPTCP token", 12288, 1572864 },
		{ "UDP", 8192, 2097152 },
		{ "UDP-Lite", 8192, 2097152 },
	};
	struct machine *small = guest(1, 512, 2), *big = guest(2, 64 << 10, 5);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (large_system_hash_bytes(small, want[i].name) != want[i].small ||
		    large_system_hash_bytes(big, want[i].name) != want[i].big)
			fail_msg("%s: %lu and %lu bytes, the guests' %lu and %lu", want[i].name,
				 large_system_hash_bytes(small, want[i].name),
				 large_system_hash_bytes(big, want[i].name), want[i].small,
				 want[i].big);
	}
	assert_int_equal(large_system_hash_bytes(small, "no such table"), 0);
	/* one node: dentry and inode tables from memblock, the rest buddy pages */
	assert_int_equal(kmem_total(small, KMEM_HASH_TABLES),
			 (8192 * 2 + 32768 + 65536 + 4096 + 262144 + 32768 + 131072 + 12288 +
			  8192 * 2) >> PAGE_SHIFT);
	/* two nodes: all vmalloc'd, dentry, inode and TCP established in 2 MiB pages */
	assert_int_equal(big->kmem.pages[KMEM_HASH_TABLES][0], big->kmem.pages[KMEM_HASH_TABLES][1]);
	machine_destroy(small);
	machine_destroy(big);
}

/*
 * pcpu_embed_first_chunk: 62 pages a CPU (s217088 r8192 d28672), units of
 * 2 MiB / upa: u2097152 with 1 CPU, u1048576 with 2 (and with 3+2 CPUs on
 * two nodes: 6 units; 2+1: 4, one of them empty), u524288 with 4,
 * u262144 with 8.  meminfo's Percpu
 * counts 65 pages a unit: the first chunk and 3 of the first dynamic one.
 */
static void test_percpu_units(void **state)
{
	static const struct { int nodes, cpus; unsigned long unit, units; } want[] = {
		{ 1, 1, 2 << 20, 1 }, { 1, 2, 1 << 20, 2 }, { 1, 4, 512 << 10, 4 },
		{ 1, 8, 256 << 10, 8 }, { 2, 5, 1 << 20, 6 }, { 2, 3, 1 << 20, 4 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct machine *m = guest(want[i].nodes, 1024, want[i].cpus);

		if (m->kmem.pcpu_unit_size != want[i].unit || m->kmem.pcpu_nr_units != want[i].units)
			fail_msg("%d nodes, %d CPUs: %lu units of %lu, want %lu of %lu", want[i].nodes,
				 want[i].cpus, m->kmem.pcpu_nr_units, m->kmem.pcpu_unit_size,
				 want[i].units, want[i].unit);
		assert_int_equal(pcpu_nr_pages(m), 65 * want[i].units);
		machine_destroy(m);
	}
}

/* Each CPU more: 62 more pages of memblock (the unit's tail goes back) */
static void test_percpu_first_chunk_is_62_pages_a_cpu(void **state)
{
	struct machine *a = guest(1, 1024, 2), *b = guest(1, 1024, 4);
	unsigned long ra, rb;

	(void)state;
	ra = memblock_reserved_pages(a, 0, a->max_pfn);
	rb = memblock_reserved_pages(b, 0, b->max_pfn);
	assert_int_equal(rb - ra, 2 * 62);
	machine_destroy(a);
	machine_destroy(b);
}

/*
 * dma_atomic_pool_init: three pools of 128 KiB per GiB of RAM (128 KiB
 * at least): the DMA zone has 32 pages in use on a 512 MiB and 1 GiB
 * guest, 64 on 2 GiB; on 128 GiB the pools are 4 MiB, 1024 pages.
 */
static void test_dma_pools(void **state)
{
	static const struct { int nodes; unsigned long mb; unsigned long pool; } want[] = {
		{ 1, 512, 32 }, { 1, 1024, 32 }, { 1, 2048, 64 }, { 1, 4096, 128 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct machine *m = guest(want[i].nodes, want[i].mb, 2);
		struct zone *dma = zone_of(m, 0, ZONE_DMA);

		assert_int_equal(dma->managed_pages - zone_page_state(dma, NR_FREE_PAGES),
				 want[i].pool);
		assert_int_equal(kmem_total(m, KMEM_DMA_POOLS), 3 * want[i].pool);
		machine_destroy(m);
	}
}

/*
 * Kernel stacks, 16 KiB each: 38 threads, 6 per CPU and 2 per node, and
 * an idle task for every CPU but the first (a 2-CPU guest: 52 tasks,
 * KernelStack 848 kB).
 */
static void test_kernel_stacks(void **state)
{
	struct machine *m = guest(1, 512, 2), *two = guest(2, 1024, 4);

	(void)state;
	assert_int_equal(node_stat(m, NR_KERNEL_STACK_KB), 848);
	assert_int_equal(node_stat(two, NR_KERNEL_STACK_KB), 16 * (38 + 6 * 4 + 2 * 2 + 3));
	/* CPU 1 and 3 are node 1's: their 7 threads each, and kswapd1, kcompactd1 */
	assert_int_equal(two->node[1].vm_stat[NR_KERNEL_STACK_KB], 16 * (2 * 7 + 2));
	machine_destroy(m);
	machine_destroy(two);
}

/*
 * Slab after boot, 1 x 512 MiB with 2 CPUs (the guest: 2203-2213
 * reclaimable and 1672-1704 unreclaimable pages): reclaimable in
 * __GFP_RECLAIMABLE order-0/1 slabs that take three order-10 blocks, six
 * Reclaimable pageblocks; Unmovable ones: the 5 that boot reservations
 * past the first deferred section start in (memmap, percpu) and what the
 * unmovable allocations steal, 6 (the guest: 14 in all; 6 reserved, its
 * 5-level paging's 2 MiB mem_section array reaching one more, and 8
 * stolen).
 */
static void test_slab_and_pageblocks(void **state)
{
	struct machine *m = guest(1, 512, 2);

	(void)state;
	assert_in_range(node_stat(m, NR_SLAB_RECLAIMABLE_B), 2150, 2250);
	assert_in_range(node_stat(m, NR_SLAB_UNRECLAIMABLE_B), 1650, 1760);
	assert_int_equal(node_stat(m, NR_SLAB_RECLAIMABLE_B), kmem_total(m, KMEM_SLAB_RECLAIMABLE));
	assert_int_equal(blocks_of(m, 0, ZONE_DMA32, MIGRATE_RECLAIMABLE), 6);
	assert_in_range(blocks_of(m, 0, ZONE_DMA32, MIGRATE_UNMOVABLE), 10, 14);
	t_check(m);
	machine_destroy(m);
}

/*
 * The end of boot frees 8044 KiB of Debian's image (its init sections
 * and the gaps between 2 MiB-aligned sections) page by page: managed
 * pages grow by 2011 and the pages go through the per-cpu lists.  A
 * kernel= image of the scenario's own is all resident.
 */
static void test_free_initmem(void **state)
{
	struct machine_opts o;
	struct machine *m, *own;
	unsigned long text = 16UL << 20 >> PAGE_SHIFT, image = 0x3411000UL >> PAGE_SHIFT;
	unsigned long reserved = 0;

	(void)state;
	m = guest(1, 1024, 2);
	for (unsigned long pfn = text; pfn < text + image; pfn++)
		reserved += PageReserved(m, pfn);
	assert_int_equal(reserved, image - 2011);
	assert_false(PageReserved(m, text + (0x1c4a000UL >> PAGE_SHIFT)));	/* __init_begin */
	assert_true(PageReserved(m, text + image - 1));				/* brk */
	assert_true(pcp_total(m, zone_of(m, 0, ZONE_DMA32)) > 0);

	machine_opts_default(&o);
	o.node[0].mem_bytes = 1UL << 30;
	o.kernel_image_bytes = 0x3411000UL;
	o.kernel_image_bytes += PAGE_SIZE;		/* not Debian's: nothing freed */
	own = t_boot(&o);
	reserved = 0;
	for (unsigned long pfn = text; pfn < text + image + 1; pfn++)
		reserved += PageReserved(own, pfn);
	assert_int_equal(reserved, image + 1);
	machine_destroy(m);
	machine_destroy(own);
}

/* kernel_alloc=n: none of it; the counters read 0 */
static void test_kernel_alloc_off(void **state)
{
	struct machine_opts o;
	struct machine *m;

	(void)state;
	machine_opts_default(&o);
	o.node[0].mem_bytes = 512UL << 20;
	o.no_kernel_alloc = true;
	m = t_boot(&o);
	for (int c = 0; c < NR_KMEM_CONSUMERS; c++)
		assert_int_equal(kmem_total(m, c), 0);
	assert_int_equal(node_stat(m, NR_SLAB_UNRECLAIMABLE_B), 0);
	assert_int_equal(m->kmem.vmalloc_pages, 0);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slub_order),
		cmocka_unit_test(test_hash_table_sizes),
		cmocka_unit_test(test_percpu_units),
		cmocka_unit_test(test_percpu_first_chunk_is_62_pages_a_cpu),
		cmocka_unit_test(test_dma_pools),
		cmocka_unit_test(test_kernel_stacks),
		cmocka_unit_test(test_slab_and_pageblocks),
		cmocka_unit_test(test_free_initmem),
		cmocka_unit_test(test_kernel_alloc_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
