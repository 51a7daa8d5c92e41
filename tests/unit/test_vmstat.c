// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vmstat.c - the kernel views (buddyinfo, pagetypeinfo, zoneinfo,
 * meminfo, vmstat, extfrag debugfs), the fragmentation indices, the
 * counter namespace and the vm sysctl files.
 *
 * Format tests run on a hand-built machine (struct machine filled in by
 * the test, no boot) so every number in the expected text is chosen here;
 * integration tests boot a real machine with machine_create() and check
 * that the views agree with the allocator's state and with each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "memblock.h"
#include "module.h"
#include "vmstat.h"
#include "compaction.h"

/* -------------------------------------------------------------------------
 * A hand-built machine: one node, 2 CPUs, one Normal zone at 4 GiB
 *
 *   pfn 0x100000                                          0x100800
 *   | block 0 (512) | block 1 (512) | block 2 (512) | block 3 (512) |
 *   ZONE_NORMAL, spanned = present = 2048, managed = 2000
 *   memblock.memory = the whole span (tests may punch holes)
 *
 * Nothing is on the free lists; tests set free_area counts directly.
 */
#define FAKE_START	0x100000UL
#define FAKE_PAGES	2048UL
#define FAKE_BLOCKS	(FAKE_PAGES / pageblock_nr_pages)

/*
 * The sections boot would record for the memory regions (sparse_init):
 * present, online, with a memmap, and the 2 MiB sub-sections that hold
 * memory valid, so pfn_to_online_page answers as on a booted machine
 */
static void fake_sections(struct machine *m)
{
	free(m->sections);
	m->nr_sections = (m->max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	m->sections = calloc(m->nr_sections, sizeof(*m->sections));
	assert_non_null(m->sections);
	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		const struct memblock_region *r = &m->memblock.memory.regions[i];

		for (unsigned long pfn = r->base_pfn; pfn < r->end_pfn;
		     pfn = (pfn | (PAGES_PER_SUBSECTION - 1)) + 1) {
			struct mem_section *ms = &m->sections[pfn >> PFN_SECTION_SHIFT];

			ms->present = ms->online = ms->has_memmap = true;
			ms->subsection_map |= 1ULL << ((pfn & (PAGES_PER_SECTION - 1)) /
						       PAGES_PER_SUBSECTION);
		}
	}
}

static struct machine *fake_machine(void)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct pglist_data *pg;
	struct zone *z;

	assert_non_null(m);
	m->nr_nodes = 1;
	m->nr_cpus = 2;
	m->opts.watermark_scale_factor = 10;
	pg = &m->node[0];
	pg->node_id = 0;
	pg->node_start_pfn = FAKE_START;
	pg->node_spanned_pages = FAKE_PAGES;
	pg->node_present_pages = FAKE_PAGES;
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		pg->node_zones[zid].idx = zid;
		pg->node_zones[zid].name = zone_names[zid];
		pg->node_zones[zid].zone_pgdat = pg;
	}
	z = &pg->node_zones[ZONE_NORMAL];
	z->zone_start_pfn = FAKE_START;
	z->spanned_pages = FAKE_PAGES;
	z->present_pages = FAKE_PAGES;
	z->managed_pages = 2000;
	z->pageblock_flags = calloc(FAKE_BLOCKS, 1);
	z->pcp = calloc(2, sizeof(*z->pcp));
	m->memblock.memory.regions = calloc(4, sizeof(struct memblock_region));
	assert_non_null(z->pageblock_flags);
	assert_non_null(z->pcp);
	assert_non_null(m->memblock.memory.regions);
	m->memblock.memory.cnt = 1;
	m->memblock.memory.max = 4;
	m->memblock.memory.regions[0] = (struct memblock_region){
		.base_pfn = FAKE_START, .end_pfn = FAKE_START + FAKE_PAGES, .nid = 0 };
	m->max_pfn = FAKE_START + FAKE_PAGES;
	fake_sections(m);
	return m;
}

static void fake_free(struct machine *m)
{
	struct zone *z = &m->node[0].node_zones[ZONE_NORMAL];

	free(z->pageblock_flags);
	free(z->pcp);
	free(m->memblock.memory.regions);
	free(m->sections);
	free(m);
}

static struct zone *fake_normal(struct machine *m)
{
	return &m->node[0].node_zones[ZONE_NORMAL];
}

/* Set one order's free block count, all of it of one migratetype */
static void set_free(struct zone *z, int order, int mt, unsigned long n)
{
	z->free_area[order].nr_free_mt[mt] = n;
	z->free_area[order].nr_free = 0;
	for (int t = 0; t < MIGRATE_TYPES; t++)
		z->free_area[order].nr_free += z->free_area[order].nr_free_mt[t];
}

static char *view(struct machine *m, void (*show)(struct machine *, struct sbuf *))
{
	struct sbuf sb;

	sb_init(&sb);
	show(m, &sb);
	return sb_steal(&sb);
}

static long counter(struct machine *m, const char *name)
{
	long v = -424242;

	if (!counter_read(m, name, &v))
		fail_msg("counter %s not found", name);
	return v;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int count_substr(const char *s, const char *sub)
{
	int n = 0;

	for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub))
		n++;
	return n;
}

/* -------------------------------------------------------------------------
 * Fragmentation indices: pure functions of free_area[].nr_free
 */

/*
 * A zone with no free memory: unusable 1000 (all of nothing is unusable),
 * extfrag 0 (no blocks at all).
 */
static void test_frag_index_empty_zone(void **state)
{
	struct zone z;

	memset(&z, 0, sizeof(z));
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		assert_int_equal(fragmentation_index(&z, o), 0);
		assert_int_equal(unusable_free_index(&z, o), 1000);
	}
}

/*
 * free: order 0 x10, order 3 x5  ->  50 pages in 15 blocks.
 * order 0, 1, 3: a suitable block exists, extfrag -1000;
 * unusable(1) = (50 - (5<<2 blocks of order 1)<<1) * 1000 / 50 = 200;
 * order 4: nothing suitable, extfrag = 1000 - (1000 + 50*1000/16)/15 = 725,
 * unusable = 1000.
 */
static void test_frag_index_formula(void **state)
{
	struct zone z;

	memset(&z, 0, sizeof(z));
	z.free_area[0].nr_free = 10;
	z.free_area[3].nr_free = 5;

	assert_int_equal(fragmentation_index(&z, 0), -1000);
	assert_int_equal(fragmentation_index(&z, 3), -1000);
	assert_int_equal(fragmentation_index(&z, 4), 725);
	assert_int_equal(fragmentation_index(&z, 10), 1000 - (1000 + 50 * 1000 / 1024) / 15);
	assert_int_equal(unusable_free_index(&z, 0), 0);
	assert_int_equal(unusable_free_index(&z, 1), 200);
	assert_int_equal(unusable_free_index(&z, 3), 200);
	assert_int_equal(unusable_free_index(&z, 4), 1000);
	/* out of range orders: the kernel warns and answers 0; nothing usable */
	assert_int_equal(fragmentation_index(&z, MAX_ORDER), 0);
	assert_int_equal(unusable_free_index(&z, MAX_ORDER), 1000);
}

/*
 * Only order-0 blocks, 100 of them: an order-2 request fails for
 * fragmentation-ish reasons: 1000 - (1000 + 100*1000/4)/100 = 740.
 * One lone order-0 page asked for order 1 gives the kernel's own
 * negative value, 1000 - (1000 + 500)/1 = -500 (printed " 0.-500").
 */
static void test_frag_index_small_orders(void **state)
{
	struct zone z;

	memset(&z, 0, sizeof(z));
	z.free_area[0].nr_free = 100;
	assert_int_equal(fragmentation_index(&z, 2), 740);
	assert_int_equal(unusable_free_index(&z, 2), 1000);

	z.free_area[0].nr_free = 1;
	assert_int_equal(fragmentation_index(&z, 1), -500);
	/*
	 * Order 0 x3 and one order-2 block: a single suitable block is
	 * enough for -1000 at order 2 (the formula would give 313).
	 */
	z.free_area[0].nr_free = 3;
	z.free_area[2].nr_free = 1;
	assert_int_equal(fragmentation_index(&z, 2), -1000);
	assert_int_equal(fragmentation_index(&z, 3), 1000 - (1000 + 7 * 1000 / 8) / 4);
}

/*
 * The debugfs files print v/1000 "." v%1000, unusable as "%d.%03d ",
 * extfrag as "%2d.%03d ", with the buddyinfo-style zone prefix.
 * Zone: order 0 x10, order 3 x5 (as in test_frag_index_formula).
 */
static void test_frag_index_files(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *u, *e;

	set_free(z, 0, MIGRATE_MOVABLE, 10);
	set_free(z, 3, MIGRATE_MOVABLE, 5);
	u = view(m, show_unusable_index);
	e = view(m, show_extfrag_index);
	assert_string_equal(u, "Node 0, zone   Normal 0.000 0.200 0.200 0.200 1.000 1.000 "
			       "1.000 1.000 1.000 1.000 1.000 \n");
	/* order k >= 4: 1000 - (1000 + 50000 / 2^k) / 15 */
	assert_string_equal(e, "Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000  0.725  0.830 "
			       " 0.882  0.908  0.921  0.927  0.931 \n");
	assert_int_equal(counter(m, "unusable_index.0.Normal.1"), 200);
	assert_int_equal(counter(m, "extfrag_index.0.Normal.4"), 725);
	assert_int_equal(counter(m, "extfrag_index.0.Normal.0"), -1000);
	free(u);
	free(e);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * buddyinfo and pagetypeinfo on the hand-built machine
 */

/*
 * free: order 0 x3 (Unmovable), order 10 x1 (Movable).  Only the
 * populated Normal zone is listed; every column is "%6lu " so the line
 * ends with a space before the newline.
 */
static void test_buddyinfo_format(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s;

	set_free(z, 0, MIGRATE_UNMOVABLE, 3);
	set_free(z, 10, MIGRATE_MOVABLE, 1);
	s = view(m, show_buddyinfo);
	assert_string_equal(s, "Node 0, zone   Normal      3      0      0      0      0      0"
			       "      0      0      0      0      1 \n");
	assert_int_equal(counter(m, "buddyinfo.0.Normal.0"), 3);
	assert_int_equal(counter(m, "buddyinfo.0.Normal.10"), 1);
	/* unpopulated zones and orders past 10 are not counters */
	assert_false(counter_read(m, "buddyinfo.0.DMA.0", NULL));
	assert_false(counter_read(m, "buddyinfo.0.Normal.11", NULL));
	assert_false(counter_read(m, "buddyinfo.1.Normal.0", NULL));
	free(s);
	fake_free(m);
}

/*
 * The whole of /proc/pagetypeinfo for the hand-built node:
 *   free: Movable order 3 x150000 (over the kernel's 100000 walk cap,
 *   printed ">100000"), Movable order 10 x2, Reclaimable order 0 x7;
 *   blocks: types Movable, Movable, Unmovable, Reclaimable.
 * Debian's 6.1 has no CMA, so the types are Unmovable, Movable,
 * Reclaimable, HighAtomic, Isolate.
 */
static void test_pagetypeinfo_format(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s;

	set_free(z, 3, MIGRATE_MOVABLE, 150000);
	set_free(z, 10, MIGRATE_MOVABLE, 2);
	set_free(z, 0, MIGRATE_RECLAIMABLE, 7);
	z->pageblock_flags[0] = MIGRATE_MOVABLE;
	z->pageblock_flags[1] = MIGRATE_MOVABLE;
	z->pageblock_flags[2] = MIGRATE_UNMOVABLE;
	z->pageblock_flags[3] = MIGRATE_RECLAIMABLE;
	s = view(m, show_pagetypeinfo);
	assert_string_equal(s,
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order  "
		"     0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable "
		"     0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Movable "
		"     0      0      0 >100000      0      0      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable "
		"     7      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type   HighAtomic "
		"     0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Isolate "
		"     0      0      0      0      0      0      0      0      0      0      0 \n"
		"\n"
		"Number of blocks type "
		"    Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
		"Node 0, zone   Normal "
		"           1            2            1            0            0 \n");
	/* counters read what the file shows, capped count included */
	assert_int_equal(counter(m, "pagetypeinfo.0.Normal.Movable.3"), 100000);
	assert_int_equal(counter(m, "pagetypeinfo.0.Normal.Reclaimable.0"), 7);
	assert_int_equal(counter(m, "blocks.0.Normal.Movable"), 2);
	assert_int_equal(counter(m, "blocks.0.Normal.Unmovable"), 1);
	assert_false(counter_read(m, "pagetypeinfo.0.Normal.CMA.0", NULL));
	assert_false(counter_read(m, "blocks.0.Normal.CMA", NULL));
	free(s);
	fake_free(m);
}

/* 99999 blocks are shown as they are; 100000 already hits the cap */
static void test_pagetypeinfo_cap_boundary(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s;

	set_free(z, 1, MIGRATE_MOVABLE, 99999);
	set_free(z, 2, MIGRATE_MOVABLE, 100000);
	s = view(m, show_pagetypeinfo);
	assert_non_null(strstr(s, "type      Movable      0  99999 >100000      0 "));
	free(s);
	fake_free(m);
}

/*
 * Block counting follows pfn_to_online_page(): a pageblock step counts
 * when its 2 MiB sub-section holds any memory.
 *
 *   block 0: memory     block 1: memory from +100 only (pfn itself a hole)
 *   block 2: no memory  block 3: memory
 *
 * -> 3 blocks counted, block 2 skipped.
 */
static void test_pagetypeinfo_blocks_holes(void **state)
{
	struct machine *m = fake_machine();
	struct memblock_region *r = m->memblock.memory.regions;

	r[0] = (struct memblock_region){ FAKE_START, FAKE_START + 512, 0, NULL };
	r[1] = (struct memblock_region){ FAKE_START + 612, FAKE_START + 1024, 0, NULL };
	r[2] = (struct memblock_region){ FAKE_START + 1536, FAKE_START + 2048, 0, NULL };
	m->memblock.memory.cnt = 3;
	fake_sections(m);
	memset(fake_normal(m)->pageblock_flags, MIGRATE_MOVABLE, FAKE_BLOCKS);
	assert_int_equal(counter(m, "blocks.0.Normal.Movable"), 3);
	assert_int_equal(counter(m, "blocks.0.Normal.Unmovable"), 0);
	fake_free(m);
}

/* A node whose zones are all empty is left out of pagetypeinfo */
static void test_pagetypeinfo_memoryless_node(void **state)
{
	struct machine *m = fake_machine();
	char *s;

	m->nr_nodes = 2;
	m->node[1].node_id = 1;
	s = view(m, show_pagetypeinfo);
	assert_int_equal(count_substr(s, "Page block order"), 1);
	assert_null(strstr(s, "Node    1"));
	free(s);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * zoneinfo
 */

/*
 * Unpopulated zones (DMA, DMA32, Movable, and Debian's ZONE_DEVICE) get
 * the short form ending after the protection line; protection has five
 * entries, the Device column repeating the Movable one.
 */
static void test_zoneinfo_unpopulated(void **state)
{
	struct machine *m = fake_machine();
	struct zone *dma32 = &m->node[0].node_zones[ZONE_DMA32];
	char *s;

	dma32->lowmem_reserve[ZONE_NORMAL] = 7;
	dma32->lowmem_reserve[ZONE_MOVABLE] = 9;
	s = view(m, show_zoneinfo);
	assert_true(starts_with(s,
		"Node 0, zone      DMA\n"
		"  pages free     0\n"
		"        boost    0\n"
		"        min      0\n"
		"        low      0\n"
		"        high     0\n"
		"        spanned  0\n"
		"        present  0\n"
		"        managed  0\n"
		"        cma      0\n"
		"        protection: (0, 0, 0, 0, 0)\n"
		"Node 0, zone    DMA32\n"
		"  pages free     0\n"));
	assert_non_null(strstr(s, "        protection: (0, 0, 7, 9, 9)\nNode 0, zone   Normal\n"));
	assert_non_null(strstr(s, "start_pfn:           1048576\nNode 0, zone  Movable\n"));
	assert_int_equal(count_substr(s, "Node 0, zone "), 5);
	/* the text ends with the Device zone's short form */
	const char *dev = strstr(s, "Node 0, zone   Device\n");

	assert_non_null(dev);
	assert_string_equal(dev,
		"Node 0, zone   Device\n"
		"  pages free     0\n"
		"        boost    0\n"
		"        min      0\n"
		"        low      0\n"
		"        high     0\n"
		"        spanned  0\n"
		"        present  0\n"
		"        managed  0\n"
		"        cma      0\n"
		"        protection: (0, 0, 0, 0, 0)\n");
	assert_int_equal(counter(m, "zoneinfo.0.DMA32.protection.Device"), 9);
	/* an unpopulated zone has no zone stats or pagesets */
	assert_false(counter_read(m, "zoneinfo.0.DMA.nr_free_pages", NULL));
	assert_false(counter_read(m, "zoneinfo.0.DMA.pcp_count", NULL));
	free(s);
	fake_free(m);
}

/*
 * The populated Normal zone: per-node stats first (it is the node's first
 * populated zone), watermarks with the boost folded in, zone stats, NUMA
 * counters, then per-CPU pagesets.  managed 2000 is below 128 MiB, so the
 * stat threshold is 2 * fls(2 CPUs) * (1 + fls(0)) = 4.
 */
static void test_zoneinfo_populated(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s;

	z->_watermark[WMARK_MIN] = 10;
	z->_watermark[WMARK_LOW] = 12;
	z->_watermark[WMARK_HIGH] = 14;
	z->watermark_boost = 3;
	z->vm_stat[NR_FREE_PAGES] = 1500;
	z->pcp[0] = (struct per_cpu_pages){ .count = 5, .high = 100, .batch = 63 };
	z->pcp[1] = (struct per_cpu_pages){ .count = 2, .high = 100, .batch = 63 };
	m->node[0].vm_stat[NR_FILE_PAGES] = 77;
	s = view(m, show_zoneinfo);

	assert_int_equal(count_substr(s, "per-node stats"), 1);
	assert_non_null(strstr(s, "Node 0, zone   Normal\n  per-node stats\n"
				  "      nr_inactive_anon 0\n"));
	assert_non_null(strstr(s, "\n      nr_file_pages 77\n"));
	assert_non_null(strstr(s, "\n      nr_mapped    0\n"));
	assert_non_null(strstr(s,
		"      pgpromote_candidate 0\n"
		"  pages free     1500\n"
		"        boost    3\n"
		"        min      13\n"
		"        low      15\n"
		"        high     17\n"
		"        spanned  2048\n"
		"        present  2048\n"
		"        managed  2000\n"
		"        cma      0\n"
		"        protection: (0, 0, 0, 0, 0)\n"
		"      nr_free_pages 1500\n"
		"      nr_zone_inactive_anon 0\n"));
	assert_non_null(strstr(s,
		"      nr_zspages   0\n"
		"      nr_free_cma  0\n"
		"      numa_hit     0\n"
		"      numa_miss    0\n"
		"      numa_foreign 0\n"
		"      numa_interleave 0\n"
		"      numa_local   0\n"
		"      numa_other   0\n"
		"  pagesets\n"
		"    cpu: 0\n"
		"              count: 5\n"
		"              high:  100\n"
		"              batch: 63\n"
		"  vm stats threshold: 4\n"
		"    cpu: 1\n"
		"              count: 2\n"
		"              high:  100\n"
		"              batch: 63\n"
		"  vm stats threshold: 4\n"
		"  node_unreclaimable:  0\n"
		"  start_pfn:           1048576\n"
		"Node 0, zone  Movable\n"));

	assert_int_equal(counter(m, "zoneinfo.0.Normal.free"), 1500);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.min"), 13);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.boost"), 3);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.managed"), 2000);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.pcp_count"), 7);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.cpu.1.count"), 2);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.cpu.0.batch"), 63);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.nr_file_pages"), 77);
	assert_int_equal(counter(m, "zoneinfo.0.Normal.start_pfn"), (long)FAKE_START);
	assert_false(counter_read(m, "zoneinfo.0.Normal.cpu.2.count", NULL));
	free(s);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * meminfo
 */
static const char *const meminfo_labels[] = {
	"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
	"Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)",
	"Inactive(file)", "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap",
	"Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable",
	"Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
	"SecPageTables", "NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit",
	"Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu",
	"HardwareCorrupted", "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped",
	"FileHugePages", "FilePmdMapped", "HugePages_Total", "HugePages_Free",
	"HugePages_Rsvd", "HugePages_Surp", "Hugepagesize", "Hugetlb", "DirectMap4k",
	"DirectMap2M", "DirectMap1G",
};

/*
 * managed 2000 pages, 1500 free, totalreserve 100, file LRU 1000 + 600,
 * reclaimable slab 100, low watermark 300:
 *   MemAvailable = 1500 - 100 + (1600 - min(800, 300)) + (100 - min(50, 300))
 *                = 2750 pages = 11000 kB.
 * Lines are "%-16s%8lu kB" (show_val_kb) and come in 6.1's order.
 */
static void test_meminfo(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s;

	z->vm_stat[NR_FREE_PAGES] = 1500;
	z->_watermark[WMARK_LOW] = 300;
	m->totalreserve_pages = 100;
	m->node[0].vm_stat[NR_ACTIVE_FILE] = 1000;
	m->node[0].vm_stat[NR_INACTIVE_FILE] = 600;
	m->node[0].vm_stat[NR_SLAB_RECLAIMABLE_B] = 100;
	m->node[0].vm_stat[NR_KERNEL_STACK_KB] = 48;
	s = view(m, show_meminfo);

	assert_true(starts_with(s, "MemTotal:           8000 kB\n"
				   "MemFree:            6000 kB\n"
				   "MemAvailable:      11000 kB\n"
				   "Buffers:               0 kB\n"));
	assert_non_null(strstr(s, "\nActive:             4000 kB\nInactive:           2400 kB\n"));
	assert_non_null(strstr(s, "\nKernelStack:          48 kB\n"));
	assert_non_null(strstr(s, "\nCommitLimit:        4000 kB\n"));
	assert_non_null(strstr(s, "\nVmallocTotal:   34359738367 kB\n"));
	assert_non_null(strstr(s, "\nHardwareCorrupted:     0 kB\n"));
	assert_non_null(strstr(s, "\nHugePages_Total:       0\nHugePages_Free:        0\n"
				  "HugePages_Rsvd:        0\nHugePages_Surp:        0\n"
				  "Hugepagesize:       2048 kB\nHugetlb:               0 kB\n"));
	assert_null(strstr(s, "Cma"));	/* CONFIG_CMA is off in Debian */

	/* every line, in order, and each one a counter with the shown value */
	const char *p = s;

	for (size_t i = 0; i < ARRAY_SIZE(meminfo_labels); i++) {
		char name[64];
		unsigned long v;
		int n;

		assert_int_equal(sscanf(p, "%63[^:]: %lu%n", name, &v, &n), 2);
		assert_string_equal(name, meminfo_labels[i]);
		snprintf(name, sizeof(name), "meminfo.%s", meminfo_labels[i]);
		assert_int_equal(counter(m, name), (long)v);
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	assert_string_equal(p, "");
	assert_int_equal(counter(m, "meminfo.MemAvailable"), 11000);
	assert_int_equal(counter(m, "meminfo.Hugepagesize"), 2048);
	assert_false(counter_read(m, "meminfo.Nope", NULL));
	free(s);
	fake_free(m);
}

/* MemAvailable never goes below 0 when the reserve exceeds free memory */
static void test_meminfo_available_floor(void **state)
{
	struct machine *m = fake_machine();

	fake_normal(m)->vm_stat[NR_FREE_PAGES] = 50;
	m->totalreserve_pages = 500;
	assert_int_equal(counter(m, "meminfo.MemAvailable"), 0);
	assert_int_equal(counter(m, "meminfo.MemFree"), 200);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * vmstat
 */

/*
 * Every line is "name value"; each is a counter with the shown value;
 * the model's counters land on the kernel's names; writeback thresholds
 * come from dirtyable memory (free - reserve + file LRU + 1) at 20% and
 * 10% in PAGE_SIZE-scaled ratios; the deprecated nr_unstable closes it.
 */
static void test_vmstat(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	char *s, *line, *save = NULL;
	int lines = 0;

	z->vm_stat[NR_FREE_PAGES] = 10002;
	m->totalreserve_pages = 1000;
	m->node[0].vm_stat[NR_PAGETABLE] = 12;
	m->vm_events[PGALLOC_NORMAL] = 321;
	m->vm_events[KCOMPACTD_WAKE] = 4;
	m->vm_events[HTLB_BUDDY_PGALLOC_FAIL] = 6;
	m->vm_events[PGMIGRATE_SUCCESS] = 8;
	s = view(m, show_vmstat);

	assert_true(starts_with(s, "nr_free_pages 10002\nnr_zone_inactive_anon 0\n"));
	assert_non_null(strstr(s, "\nnr_page_table_pages 12\n"));
	assert_non_null(strstr(s, "\npgalloc_normal 321\npgalloc_movable 0\npgalloc_device 0\n"));
	assert_non_null(strstr(s, "\ncompact_daemon_wake 4\n"));
	assert_non_null(strstr(s, "\nhtlb_buddy_alloc_success 0\nhtlb_buddy_alloc_fail 6\n"));
	assert_non_null(strstr(s, "\npgmigrate_success 8\n"));
	/*
	 * dirtyable = 10002 - 1000 + 0 + 1 = 9003 pages (the +1 matters here:
	 * 819 * 9002 / 4096 is 1799); 819 * 9003 / 4096 and 409 * 9003 / 4096
	 */
	assert_non_null(strstr(s, "\nnr_dirty_threshold 1800\n"
				  "nr_dirty_background_threshold 898\n"));
	assert_null(strstr(s, "cma_alloc"));
	assert_null(strstr(s, "nr_tlb_remote_flush"));
	assert_true(ends_with(s, "\ndirect_map_level2_splits 0\ndirect_map_level3_splits 0\n"
				 "nr_unstable 0\n"));

	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[80], key[96];
		unsigned long v;

		assert_int_equal(sscanf(line, "%79s %lu", name, &v), 2);
		snprintf(key, sizeof(key), "vmstat.%s", name);
		assert_int_equal(counter(m, key), (long)v);
		lines++;
	}
	/* 11 zone + 6 numa + 43 node + 2 writeback + 110 event items, nr_unstable */
	assert_int_equal(lines, 11 + 6 + 43 + 2 + 110 + 1);
	assert_false(counter_read(m, "vmstat.nr_free", NULL));
	assert_false(counter_read(m, "vmstat.", NULL));
	free(s);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * Counter namespace and dump
 */

/* Names outside every namespace, or malformed, are not counters */
static void test_counter_unknown(void **state)
{
	struct machine *m = fake_machine();
	long v = 17;

	assert_false(counter_read(m, "nonsense", &v));
	assert_false(counter_read(m, "", &v));
	assert_false(counter_read(m, "vmstat", &v));
	/* zone names are case-exact */
	assert_false(counter_read(m, "buddyinfo.0.normal.0", &v));
	assert_false(counter_read(m, "zoneinfo.0.Normal.nope", &v));
	assert_false(counter_read(m, "unusable_index.0.Normal.11", &v));
	assert_int_equal(v, 17);	/* untouched on failure */
	fake_free(m);
}

/*
 * The dump lists each counter once as "name value", and looking any name
 * up gives the dumped value.
 */
static void test_counter_dump(void **state)
{
	struct machine *m = fake_machine();
	struct zone *z = fake_normal(m);
	struct sbuf sb;
	char *line, *save = NULL, *text;
	int n = 0;

	set_free(z, 4, MIGRATE_MOVABLE, 9);
	z->vm_stat[NR_FREE_PAGES] = 9 * 16;
	sb_init(&sb);
	counter_dump(m, &sb);
	text = sb_steal(&sb);
	assert_non_null(strstr(text, "\nbuddyinfo.0.Normal.4 9\n"));
	assert_non_null(strstr(text, "\npagetypeinfo.0.Normal.Movable.4 9\n"));
	assert_non_null(strstr(text, "\nblocks.0.Normal.Unmovable 4\n"));
	assert_non_null(strstr(text, "\nzoneinfo.0.Normal.free 144\n"));
	assert_non_null(strstr(text, "\nunusable_index.0.Normal.4 0\n"));
	assert_non_null(strstr(text, "\nextfrag_index.0.Normal.5 "));
	assert_non_null(strstr(text, "\nmeminfo.MemFree 576\n"));
	assert_true(starts_with(text, "vmstat.nr_free_pages 144\n"));

	char *copy = strdup(text);
	char **names = calloc(strlen(text), sizeof(char *));

	assert_non_null(copy);
	assert_non_null(names);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		long v;

		assert_non_null(sp);
		*sp = '\0';
		assert_int_equal(sscanf(sp + 1, "%ld", &v), 1);
		assert_int_equal(counter(m, line), v);
		names[n++] = line;
	}
	/* each name once */
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	for (int i = 1; i < n; i++)
		if (!strcmp(names[i - 1], names[i]))
			fail_msg("counter %s listed twice", names[i]);
	assert_true(n > 300);
	free(names);
	free(copy);
	free(text);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * Files by path
 */

/* Each view path gives the same text as its show_* function */
static void test_show_file_paths(void **state)
{
	static const struct {
		const char *path;
		void (*show)(struct machine *, struct sbuf *);
	} files[] = {
		{ "/proc/buddyinfo", show_buddyinfo },
		{ "/proc/pagetypeinfo", show_pagetypeinfo },
		{ "/proc/zoneinfo", show_zoneinfo },
		{ "/proc/meminfo", show_meminfo },
		{ "/proc/vmstat", show_vmstat },
		{ "/sys/kernel/debug/extfrag/unusable_index", show_unusable_index },
		{ "/sys/kernel/debug/extfrag/extfrag_index", show_extfrag_index },
	};
	struct machine *m = fake_machine();
	struct sbuf sb;

	set_free(fake_normal(m), 2, MIGRATE_MOVABLE, 5);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *want = view(m, files[i].show);

		sb_init(&sb);
		assert_true(mm_show_file(m, files[i].path, &sb));
		assert_non_null(sb.buf);
		assert_string_equal(sb.buf, want);
		assert_true(strlen(want) > 0);
		sb_free(&sb);
		free(want);
	}
	sb_init(&sb);
	assert_false(mm_show_file(m, "/proc/nonexistent", &sb));
	assert_false(mm_show_file(m, "/proc/buddyinfo/x", &sb));
	/* write-only sysctls cannot be read (mode 0200) */
	assert_false(mm_show_file(m, "/proc/sys/vm/compact_memory", &sb));
	assert_false(mm_show_file(m, "/proc/sys/vm/drop_caches", &sb));
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
	fake_free(m);
}

/* -------------------------------------------------------------------------
 * Booted machines
 */
/* A booted machine with n nodes of mb MiB each, 2 CPUs per node */
static struct machine *boot(int nodes, unsigned long mb)
{
	return t_machine(nodes, mb, 2 * nodes);
}

static char *read_file(struct machine *m, const char *path)
{
	struct sbuf sb;

	sb_init(&sb);
	assert_true(mm_show_file(m, path, &sb));
	return sb_steal(&sb);
}

/*
 * 2 nodes x 4 GiB: every populated zone has one buddyinfo line whose
 * columns are the zone's free_area counts; per-type counts add up to
 * them; each populated zone's blocks add up to its pageblocks with
 * memory; the free pages in the lists equal nr_free_pages.
 */
static void test_booted_views_agree(void **state)
{
	struct machine_opts opts;
	struct machine *m;

	/* 2 x 4 GiB with the legacy ISA hole and the PCI hole */
	t_opts(&opts, 2, 4096, 4);
	opts.nr_holes = 2;
	opts.hole[0] = (struct hole_desc){ 0xA0000, 0x100000, false };
	opts.hole[1] = (struct hole_desc){ 3UL << 30, 4UL << 30, false };
	m = t_boot(&opts);

	char *bi = read_file(m, "/proc/buddyinfo");
	char *pti = read_file(m, "/proc/pagetypeinfo");
	char *zi = read_file(m, "/proc/zoneinfo");
	int populated = 0;
	long free_pages = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++) {
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = zone_of(m, nid, zid);
			char key[96], prefix[64];
			long blocks = 0, steps = 0;

			if (!populated_zone(z))
				continue;
			populated++;
			snprintf(prefix, sizeof(prefix), "Node %d, zone %8s ", nid,
				 zone_names[zid]);
			assert_non_null(strstr(bi, prefix));
			for (int o = 0; o < MAX_ORDER; o++) {
				long sum = 0;

				snprintf(key, sizeof(key), "buddyinfo.%d.%s.%d", nid,
					 zone_names[zid], o);
				assert_int_equal(counter(m, key), (long)z->free_area[o].nr_free);
				free_pages += (long)z->free_area[o].nr_free << o;
				for (int t = 0; t < MIGRATE_TYPES; t++) {
					if (t == MIGRATE_CMA)
						continue;
					snprintf(key, sizeof(key), "pagetypeinfo.%d.%s.%s.%d", nid,
						 zone_names[zid], migratetype_names[t], o);
					sum += counter(m, key);
				}
				assert_int_equal(sum, (long)z->free_area[o].nr_free);
			}
			for (int t = 0; t < MIGRATE_TYPES; t++) {
				if (t == MIGRATE_CMA)
					continue;
				snprintf(key, sizeof(key), "blocks.%d.%s.%s", nid, zone_names[zid],
					 migratetype_names[t]);
				blocks += counter(m, key);
			}
			for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);
			     pfn += pageblock_nr_pages) {
				unsigned long s = pfn & ~(pageblock_nr_pages - 1), p;

				for (p = s; p < s + pageblock_nr_pages; p++)
					if (pfn_present_mem(m, p))
						break;
				steps += p < s + pageblock_nr_pages;
			}
			assert_int_equal(blocks, steps);
		}
	}
	assert_int_equal(count_substr(bi, "\n"), populated);
	assert_int_equal(count_substr(pti, "Page block order: 9\n"), 2);
	assert_int_equal(count_substr(zi, "per-node stats"), 2);
	assert_int_equal(count_substr(zi, ", zone "), 2 * 5);
	assert_int_equal(count_substr(zi, "  pagesets\n"), populated);
	assert_int_equal(counter(m, "vmstat.nr_free_pages"), free_pages);
	assert_int_equal(counter(m, "meminfo.MemFree"), free_pages * 4);
	assert_int_equal(counter(m, "meminfo.MemTotal"), (long)totalram_pages(m) * 4);
	free(bi);
	free(pti);
	free(zi);
	machine_destroy(m);
}

/* Greedy split of one free memblock range into the buddy's blocks */
struct expect_free {
	unsigned long nr[MAX_NUMNODES][MAX_NR_ZONES][MAX_ORDER];
};

static void count_range(struct machine *m, unsigned long start, unsigned long end, int nid,
			void *priv)
{
	struct expect_free *x = priv;

	while (start < end) {
		struct zone *z = pfn_zone(m, start);
		unsigned int order = MAX_ORDER - 1;

		while (start & ((1UL << order) - 1) || start + (1UL << order) > end ||
		       start + (1UL << order) > zone_end_pfn(z))
			order--;
		x->nr[nid][z->idx][order]++;
		start += 1UL << order;
	}
}

/*
 * 1 node of 64 MiB, no holes, no kernel image:
 *
 *   [0, 1M) reserved | DMA [1M, 16M) free | DMA32 [16M, 64M) free except
 *   node data, percpu and the memmap buffer near the top
 *
 * Right after boot every free memblock range is in the buddy allocator as
 * its largest aligned blocks, so the buddyinfo lines are exactly what a
 * greedy split of those ranges predicts, zone by zone.
 */
static void test_booted_buddyinfo_exact(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	struct expect_free *x = calloc(1, sizeof(*x));
	struct sbuf want;
	char *got;

	assert_non_null(x);
	for_each_free_mem_range(m, count_range, x);
	sb_init(&want);
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		if (!populated_zone(zone_of(m, 0, zid)))
			continue;
		sb_printf(&want, "Node 0, zone %8s ", zone_names[zid]);
		for (int o = 0; o < MAX_ORDER; o++)
			sb_printf(&want, "%6lu ", x->nr[0][zid][o]);
		sb_puts(&want, "\n");
	}
	got = read_file(m, "/proc/buddyinfo");
	assert_true(starts_with(got, "Node 0, zone      DMA "));
	assert_string_equal(got, want.buf);
	/* DMA [1M, 16M): an order-8 block at 1M, order 9 at 2M, three order-10 from 4M */
	assert_int_equal(counter(m, "buddyinfo.0.DMA.8"), 1);
	assert_int_equal(counter(m, "buddyinfo.0.DMA.9"), 1);
	assert_int_equal(counter(m, "buddyinfo.0.DMA.10"), 3);
	free(got);
	sb_free(&want);
	free(x);
	machine_destroy(m);
}

/*
 * Writes with bad values or to bad paths fail like the kernel's sysctl
 * handlers and leave the setting alone; the error text names the path.
 */
static void test_store_errors(void **state)
{
	struct machine *m = boot(1, 1024);
	unsigned int wsf = m->opts.watermark_scale_factor;
	unsigned long mfk = m->min_free_kbytes;
	char err[256];

	err[0] = '\0';
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/nope", "1", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/proc/sys/vm/nope"));
	assert_int_equal(mm_store_file(m, "/proc/buddyinfo", "1", err, sizeof(err)), -EIO);
	assert_int_equal(mm_store_file(m, "/sys/kernel/debug/extfrag/extfrag_index", "1", err,
				       sizeof(err)), -EINVAL);

	err[0] = '\0';
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/watermark_scale_factor", "0", err,
				       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "watermark_scale_factor"));
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/watermark_scale_factor", "3001", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/watermark_scale_factor", "12abc", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/watermark_scale_factor", "", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(m->opts.watermark_scale_factor, wsf);

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/min_free_kbytes", "-1", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/min_free_kbytes", "99999999999", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(m->min_free_kbytes, mfk);

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/percpu_pagelist_high_fraction", "7", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/percpu_pagelist_high_fraction", "-8", err,
				       sizeof(err)), -EINVAL);
	assert_int_equal(m->opts.percpu_pagelist_high_fraction, 0);

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/drop_caches", "0", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/drop_caches", "5", err, sizeof(err)),
			 -EINVAL);
	machine_destroy(m);
}

/*
 * Good writes take effect: min_free_kbytes is read back and spread over
 * the zones' min watermarks (sum within one page per zone of the total);
 * watermark_scale_factor 1000 makes high - low = max(min/4, managed/10);
 * percpu_pagelist_high_fraction 8 sizes pcp high from managed / 8 split
 * over the node's 2 CPUs; sysctl reads are "%d\n".
 */
static void test_store_sysctls(void **state)
{
	struct machine *m = boot(1, 1024);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32);
	char err[256], *s;
	long sum_min = 0;
	int zones = 0;

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/min_free_kbytes", " 40000\n", err,
				       sizeof(err)), 0);
	s = read_file(m, "/proc/sys/vm/min_free_kbytes");
	assert_string_equal(s, "40000\n");
	free(s);
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		if (!managed_zone(zone_of(m, 0, zid)))
			continue;
		zones++;
		sum_min += (long)min_wmark_pages(zone_of(m, 0, zid));
	}
	assert_true(sum_min <= 10000 && sum_min > 10000 - zones);
	assert_int_equal(counter(m, "zoneinfo.0.DMA32.min"), (long)min_wmark_pages(dma32));

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/watermark_scale_factor", "1000", err,
				       sizeof(err)), 0);
	s = read_file(m, "/proc/sys/vm/watermark_scale_factor");
	assert_string_equal(s, "1000\n");
	free(s);
	unsigned long min = dma32->_watermark[WMARK_MIN], tmp = dma32->managed_pages / 10;

	if (min / 4 > tmp)
		tmp = min / 4;
	assert_int_equal(counter(m, "zoneinfo.0.DMA32.high") - counter(m, "zoneinfo.0.DMA32.low"),
			 (long)tmp);

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/percpu_pagelist_high_fraction", "0x8",
				       err, sizeof(err)), 0);
	s = read_file(m, "/proc/sys/vm/percpu_pagelist_high_fraction");
	assert_string_equal(s, "8\n");
	free(s);
	long high = (long)(dma32->managed_pages / 8 / 2);

	if (high < 4 * dma32->pcp[0].batch)
		high = 4 * dma32->pcp[0].batch;
	assert_int_equal(counter(m, "zoneinfo.0.DMA32.cpu.1.high"), high);
	machine_destroy(m);
}

/*
 * drop_caches gives the per-cpu lists back to the buddy allocator:
 * 64 order-0 pages allocated and freed sit on a pcp list (pcp_count > 0)
 * until "echo 3 > drop_caches", after which every pcp_count is 0.
 */
static void test_drop_caches_drains_pcp(void **state)
{
	struct machine *m = boot(1, 1024);
	unsigned long pfn[64];
	char err[256];
	long before = 0;

	for (int i = 0; i < 64; i++) {
		pfn[i] = __alloc_pages(m, GFP_KERNEL, 0, 0);
		assert_true(pfn[i] != PFN_NONE);
	}
	for (int i = 0; i < 64; i++)
		__free_pages(m, pfn[i], 0);
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		char key[64];

		if (!populated_zone(zone_of(m, 0, zid)))
			continue;
		snprintf(key, sizeof(key), "zoneinfo.0.%s.pcp_count", zone_names[zid]);
		before += counter(m, key);
	}
	assert_true(before > 0);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/drop_caches", "3", err, sizeof(err)), 0);
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		char key[64];

		if (!populated_zone(zone_of(m, 0, zid)))
			continue;
		snprintf(key, sizeof(key), "zoneinfo.0.%s.pcp_count", zone_names[zid]);
		assert_int_equal(counter(m, key), 0);
	}
	machine_destroy(m);
}

/* compact_memory accepts any written value, as the kernel's handler does */
static void test_compact_memory_any_value(void **state)
{
	struct machine *m = boot(1, 1024);
	char err[256];

	assert_int_equal(mm_store_file(m, "/proc/sys/vm/compact_memory", "1", err, sizeof(err)), 0);
	assert_int_equal(mm_store_file(m, "/proc/sys/vm/compact_memory", "whatever", err,
				       sizeof(err)), 0);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_index_empty_zone),
		cmocka_unit_test(test_frag_index_formula),
		cmocka_unit_test(test_frag_index_small_orders),
		cmocka_unit_test(test_frag_index_files),
		cmocka_unit_test(test_buddyinfo_format),
		cmocka_unit_test(test_pagetypeinfo_format),
		cmocka_unit_test(test_pagetypeinfo_cap_boundary),
		cmocka_unit_test(test_pagetypeinfo_blocks_holes),
		cmocka_unit_test(test_pagetypeinfo_memoryless_node),
		cmocka_unit_test(test_zoneinfo_unpopulated),
		cmocka_unit_test(test_zoneinfo_populated),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_meminfo_available_floor),
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_counter_unknown),
		cmocka_unit_test(test_counter_dump),
		cmocka_unit_test(test_show_file_paths),
		cmocka_unit_test(test_booted_views_agree),
		cmocka_unit_test(test_booted_buddyinfo_exact),
		cmocka_unit_test(test_store_errors),
		cmocka_unit_test(test_store_sysctls),
		cmocka_unit_test(test_drop_caches_drains_pcp),
		cmocka_unit_test(test_compact_memory_any_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
