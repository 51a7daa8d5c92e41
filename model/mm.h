/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm.h - the simulated machine: constants, nodes, zones, per-cpu state.
 *
 * Everything the model knows hangs off one struct machine; there is no
 * global state, so several machines coexist in a process (compare runs one
 * per policy) and a small one is built and torn down in microseconds.
 *
 * The reference kernel is Linux 6.1 on x86_64 with 4 KiB pages, as Debian 12
 * ships it: MAX_ORDER 11 (orders 0..10), pageblock_order 9 (hugetlb on),
 * 128 MiB sections with 2 MiB sub-sections, THP on so the per-cpu lists
 * also hold pageblock-order pages.  Debian's amd64 config has
 * CONFIG_MEMORY_ISOLATION but not CONFIG_CMA: MIGRATE_CMA exists in the
 * enum below so the allocator's CMA paths read like the kernel's, but
 * nothing creates a CMA block and the views do not print the type.
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "policy.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define MAX_ORDER		11	/* 6.1: exclusive bound, orders 0..10 */
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))
#define PAGE_ALLOC_COSTLY_ORDER	3
#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)
#define SECTION_SIZE_BITS	27
#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)
#define SUBSECTION_SHIFT	21
#define PAGES_PER_SUBSECTION	(1UL << (SUBSECTION_SHIFT - PAGE_SHIFT))
#define PMD_SHIFT		21
#define PMD_SIZE		(1UL << PMD_SHIFT)

#define VMEMMAP_START		0xffffea0000000000UL
#define PAGE_OFFSET		0xffff888000000000UL	/* direct map */

#define MAX_NUMNODES		16
#define MAX_CPUS		64

#define SZ_1M	(1UL << 20)
#define SZ_1G	(1UL << 30)

/* -------------------------------------------------------------------------
 * Migratetypes (include/linux/mmzone.h, 6.1 with CMA and MEMORY_ISOLATION)
 */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,		/* number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

extern const char *const migratetype_names[MIGRATE_TYPES];

static inline bool is_migrate_movable(int mt)
{
	return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
}

/* Types that may merge with each other across pageblocks */
static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/* -------------------------------------------------------------------------
 * Zones
 */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, MAX_NR_ZONES };
extern const char *const zone_names[MAX_NR_ZONES];

#define DMA_PFN_END	(16UL * SZ_1M >> PAGE_SHIFT)
#define DMA32_PFN_END	(4UL * SZ_1G >> PAGE_SHIFT)

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* Zone counters kept the kernel's way (a subset of enum zone_stat_item) */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};

/*
 * Per-cpu page lists (struct per_cpu_pages).  Orders 0..3 get one list per
 * pcp migratetype; pageblock_order gets two (THP: non-movable, movable).
 */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP		2
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

/*
 * A list head inside the model's own data (a free list or a pcp list).
 * List members are struct pages linked through their lru field, which holds
 * pfns (see page.h); the head holds pfns of the first and last member.
 */
#define PFN_NONE	(~0UL)
struct pfnlist_head {
	unsigned long first, last;
};

struct per_cpu_pages {
	int count;			/* pages on the lists */
	int high;			/* free to the buddy above this */
	int batch;			/* chunk size for refill and drain */
	short free_factor;		/* batch scaling for consecutive frees */
	struct pfnlist_head lists[NR_PCP_LISTS];
	unsigned int lists_count[NR_PCP_LISTS];
};

struct free_area {
	struct pfnlist_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;		/* blocks, all migratetypes */
	unsigned long nr_free_mt[MIGRATE_TYPES];	/* simulator bookkeeping */
};

struct pglist_data;

struct zone {
	struct pglist_data *zone_pgdat;
	int idx;			/* enum zone_type */
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long cma_pages;
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	struct free_area free_area[MAX_ORDER];
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	/* one byte per pageblock: migratetype in bits 0-2, skip bit 3 */
	uint8_t *pageblock_flags;
	struct per_cpu_pages *pcp;	/* [machine.nr_cpus] */
	/* compaction scanner state (struct zone, CONFIG_COMPACTION) */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn;
	unsigned int compact_considered, compact_defer_shift;
	int compact_order_failed;
	bool boosted_watermark;		/* ZONE_BOOSTED_WATERMARK: kswapd to wake */
};

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

static inline bool managed_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}

static inline unsigned long wmark_pages(const struct zone *z, int w)
{
	return z->_watermark[w] + z->watermark_boost;
}
#define min_wmark_pages(z)	wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)	wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)	wmark_pages(z, WMARK_HIGH)

static inline unsigned long zone_page_state(const struct zone *z, int item)
{
	long x = z->vm_stat[item];
	return x < 0 ? 0 : (unsigned long)x;
}

/* Node counters (a subset of enum node_stat_item) */
enum node_stat_item {
	NR_INACTIVE_ANON,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_SLAB_RECLAIMABLE_B,
	NR_SLAB_UNRECLAIMABLE_B,
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	NR_ANON_MAPPED,
	NR_FILE_MAPPED,
	NR_FILE_PAGES,
	NR_SHMEM,
	NR_KERNEL_STACK_KB,
	NR_PAGETABLE,
	NR_UNRECLAIMABLE_PAGES,	/* simulated kernel allocations (unmovable) */
	NR_VM_NODE_STAT_ITEMS
};

struct pglist_data {
	int node_id;
	struct zone node_zones[MAX_NR_ZONES];
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	unsigned long mem_bytes;		/* memory the scenario asked for */
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
	unsigned long memmap_pages;		/* memmap backing, at boot */
	/* 6.12's nr_memmap_pages / nr_memmap_boot_pages (mm/vmstat.c) */
	long nr_memmap_pages, nr_memmap_boot_pages;
};

/* -------------------------------------------------------------------------
 * Events (enum vm_event_item), the part /proc/vmstat shows that we keep
 */
enum vm_event_item {
	PGALLOC_DMA, PGALLOC_DMA32, PGALLOC_NORMAL, PGALLOC_MOVABLE,
	PGFREE,
	ALLOCSTALL_NORMAL,
	COMPACTMIGRATE_SCANNED, COMPACTFREE_SCANNED, COMPACTISOLATED,
	COMPACTSTALL, COMPACTFAIL, COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	PAGEOUTRUN,		/* kswapd's balance_pgdat runs */
	PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
	HTLB_BUDDY_PGALLOC, HTLB_BUDDY_PGALLOC_FAIL,
	NR_VM_EVENT_ITEMS
};

/* -------------------------------------------------------------------------
 * memblock: the boot-time allocator (mm/memblock.c)
 */
struct memblock_region {
	unsigned long base_pfn, end_pfn;	/* [base, end) */
	int nid;
	const char *what;			/* reserved: who asked */
};

struct memblock_type {
	int cnt, max;
	struct memblock_region *regions;	/* sorted, non-overlapping */
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

/* -------------------------------------------------------------------------
 * The machine description a scenario builds before boot.
 */
struct node_desc {
	unsigned long mem_bytes;	/* present memory on this node */
	unsigned long movable_bytes;	/* top part of the node in ZONE_MOVABLE */
};

struct hole_desc {
	unsigned long start, end;	/* physical byte range [start, end) */
};

struct reserve_desc {
	unsigned long start, size;	/* physical bytes */
	int nid;			/* -1: a fixed range; else size on nid */
};

/* hugepagesz=/hugepages= pairs from the kernel command line */
struct hugetlb_boot {
	unsigned long hugepagesz;	/* bytes */
	long count;			/* hugepages=N; -1: only per-node counts */
	long node_count[MAX_NUMNODES];	/* hugepages=0:N,1:M; -1: unset */
};
#define MAX_HUGETLB_BOOT	4

#define MAX_HOLES	16
#define MAX_RESERVES	32

struct machine_opts {
	int nr_nodes;
	struct node_desc node[MAX_NUMNODES];
	int nr_holes;
	struct hole_desc hole[MAX_HOLES];
	int nr_reserves;
	struct reserve_desc reserve[MAX_RESERVES];
	int nr_cpus;			/* spread round-robin over nodes */
	unsigned int struct_page_size;	/* 56, 64, 72 ... */
	unsigned long kernel_image_bytes;
	unsigned long min_free_kbytes;	/* 0: computed */
	unsigned int watermark_scale_factor;
	unsigned int percpu_pagelist_high_fraction;
	bool page_alloc_shuffle;	/* page_alloc.shuffle=1 */
	bool thp;			/* khugepaged's min_free_kbytes bump */
	uint64_t seed;
	int distance[MAX_NUMNODES][MAX_NUMNODES];	/* 0: default 10/20 */
	/* hugetlb boot parameters (hugetlb.c parses them) */
	int nr_hugetlb_boot;
	struct hugetlb_boot hugetlb_boot[MAX_HUGETLB_BOOT];
	unsigned long default_hugepagesz;	/* 0: 2 MiB */
	bool hugetlb_free_vmemmap;		/* hugetlb_free_vmemmap=on */
	/*
	 * One entry per policy family (policy.h); a family not picked runs
	 * its default.  machine_create() resolves it once into the
	 * machine's m->opts.policies, read through machine_policy().
	 */
	struct policy_set policies;
};

void machine_opts_default(struct machine_opts *o);

/* -------------------------------------------------------------------------
 * Hooks for the interleaving explorer (sim/explore.c fills them in): every
 * model operation on shared state is a scheduling point when m->sched is
 * set (model/cpu.h has the helpers).  Addresses are physical for memory
 * the model stores (struct pages through their backing frame, page-table
 * entries, frame copies) and host addresses for locks.
 */
enum sched_op {
	SCHED_READ, SCHED_WRITE, SCHED_RMW,
	SCHED_LOCK, SCHED_UNLOCK,
	SCHED_TLB_FILL, SCHED_TLB_FLUSH, SCHED_COPY, SCHED_YIELD,
};

struct machine;
/* Runs on a target CPU (m->cur_cpu is the target while it runs) */
typedef void (*smp_call_func_t)(struct machine *m, void *info);

struct sched_hooks {
	/* The running CPU is about to do op on [addr, addr + len) */
	void (*point)(void *priv, enum sched_op op, uint64_t addr, unsigned int len);
	/*
	 * The same, but op may only proceed once ready(arg) is true.  ready()
	 * runs in the scheduler, must not have side effects and may only read
	 * state that op on [addr, addr + len) covers (the lock word).  When
	 * wait() returns, ready(arg) holds and nothing else ran since it was
	 * evaluated.
	 */
	void (*wait)(void *priv, enum sched_op op, uint64_t addr, unsigned int len,
		     bool (*ready)(void *arg), void *arg);
	/*
	 * Post fn(m, info) to run on cpu as an asynchronous event (an IPI).
	 * op on [addr, addr + len) describes what the handler touches besides
	 * the target CPU's own state (TLB), for independence; it is delivered
	 * as one atomic step, with m->cur_cpu == cpu.
	 */
	void (*post)(void *priv, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		     smp_call_func_t fn, void *info);
	/*
	 * A failure only the explorer can see (a lost update: see page.c).
	 * The run fails with msg; the caller carries on, so the model unwinds
	 * normally.
	 */
	void (*report)(void *priv, const char *msg);
	void *priv;
	/* Label of the running model function (kept per CPU by the explorer) */
	const char *where;
};

/* -------------------------------------------------------------------------
 * A simulated kernel failure: BUG_ON, a fault, a broken invariant.  It is
 * recorded on the machine and becomes the outcome of the run.
 */
#define MM_FAIL_MSG	512
struct mm_failure {
	bool failed;
	char msg[MM_FAIL_MSG];
};

/*
 * A 128 MiB memory section (struct mem_section): which of its 64 2 MiB
 * sub-sections hold memory (subsection_map, as SPARSEMEM_VMEMMAP tracks
 * for hotplug), its node, and whether its memmap is populated.
 */
struct mem_section {
	uint64_t subsection_map;
	int nid;
	bool present;
	bool has_memmap;
};

/*
 * Fault injection for tests (like fail_page_alloc): page-table page
 * allocations number [fail_from, fail_from + fail_count) fail.
 */
struct mm_inject {
	long pgtable_allocs;
	long pgtable_fail_from, pgtable_fail_count;
};

struct fstore;	/* page.c */
struct hugetlb_ctx;	/* hugetlb.c */
struct mm_struct;	/* pgtable.h */

/* What the vmemmap optimisation did, for reports and compare */
struct hvo_stats {
	unsigned long optimized;		/* hugepages optimised */
	unsigned long vmemmap_pages_freed;	/* frames given back */
	unsigned long bootmem_pages_freed;	/* ... of them boot memmap */
	unsigned long heads_allocated[MAX_NUMNODES];	/* new head pages, by node */
	unsigned long head_alloc_failed;	/* fell back to reuse / skipped */
	unsigned long pmd_splits;		/* vmemmap PMDs split */
	unsigned long restored;			/* hugepages restored */
	unsigned long restore_failed;		/* restore ENOMEM (page kept as surplus) */
	unsigned long restore_pages;		/* frames allocated by restore */
	unsigned long batch_retries;		/* 6.7 batch: ENOMEM retries */
};
struct fstore_cpu;	/* page.h */

struct machine {
	struct machine_opts opts;
	unsigned int sps;		/* struct page size in bytes */
	int nr_nodes;
	struct pglist_data node[MAX_NUMNODES];
	int nr_cpus;
	int cpu_node[MAX_CPUS];
	int cur_cpu;
	unsigned long max_pfn;		/* highest present pfn + 1 */
	struct memblock memblock;
	unsigned long nr_sections;
	struct mem_section *sections;	/* [nr_sections] */
	bool booted;
	struct fstore *fstore;
	struct hugetlb_ctx *hugetlb;
	struct mm_struct *init_mm;	/* kernel page tables (the vmemmap) */
	bool buddy_up;			/* memblock_free_all has run */
	struct hvo_stats hvo_stats;
	struct mm_inject inject;
	unsigned long tlb_flushes;	/* flush_tlb_* calls */
	struct fstore_cpu *fstore_cpu;		/* [nr_cpus] translation caches */
	unsigned long min_free_kbytes;
	unsigned long totalreserve_pages;
	unsigned long vm_events[NR_VM_EVENT_ITEMS];
	uint64_t rng[4];		/* xoshiro256** state */
	struct sched_hooks *sched;
	/* told when compaction migrates a block (page_alloc.h) */
	void (*migrate_notify)(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			       unsigned int order);
	void *migrate_priv;
	/* lists the blocks the scenario holds, for the invariant checker */
	void (*inuse_iter)(void *priv, void (*cb)(void *cbpriv, unsigned long pfn,
						 unsigned int order), void *cbpriv);
	void *inuse_priv;
	struct mm_failure fail;
	/* node fallback: zonelist order per node, by distance */
	int node_order[MAX_NUMNODES][MAX_NUMNODES];
	int distance[MAX_NUMNODES][MAX_NUMNODES];
};

/* Build and boot a machine; on failure returns NULL and fills err */
struct machine *machine_create(const struct machine_opts *o, char *err, size_t errlen);
void machine_destroy(struct machine *m);

/* Record a simulated kernel failure (first one wins); returns false */
bool mm_fail(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define MM_BUG_ON(m, cond, ...) \
	(unlikely(cond) ? (mm_fail((m), __VA_ARGS__), true) : false)

/* pfn -> node and zone by range lookup (the model's page_zone()) */
int pfn_to_nid(const struct machine *m, unsigned long pfn);
struct zone *pfn_zone(struct machine *m, unsigned long pfn);
bool pfn_valid(const struct machine *m, unsigned long pfn);	/* has memmap */
bool pfn_present_mem(const struct machine *m, unsigned long pfn);	/* memblock.memory */
bool memblock_is_reserved(const struct machine *m, unsigned long pfn);
bool memblock_range_plain(const struct machine *m, unsigned long start, unsigned long end);
bool memblock_overlaps_memory(const struct machine *m, unsigned long start, unsigned long end);

static inline struct zone *zone_of(struct machine *m, int nid, int zid)
{
	return &m->node[nid].node_zones[zid];
}

#define for_each_node(m, nid) for ((nid) = 0; (nid) < (m)->nr_nodes; (nid)++)
#define for_each_zone_of(m, z) \
	for (int __n = 0; __n < (m)->nr_nodes; __n++) \
		for ((z) = &(m)->node[__n].node_zones[0]; \
		     (z) < &(m)->node[__n].node_zones[MAX_NR_ZONES]; (z)++)

/* Deterministic randomness: one seed drives everything */
void mm_rng_seed(struct machine *m, uint64_t seed);
uint64_t mm_rng_next(struct machine *m);
static inline uint64_t mm_rng_below(struct machine *m, uint64_t n)
{
	return n ? mm_rng_next(m) % n : 0;
}

static inline void count_vm_event(struct machine *m, enum vm_event_item i)
{
	m->vm_events[i]++;
}
static inline void count_vm_events(struct machine *m, enum vm_event_item i, long n)
{
	m->vm_events[i] += n;
}

/* Total pages on a node's or the machine's free lists, for meminfo */
unsigned long global_zone_page_state(struct machine *m, int item);
unsigned long totalram_pages(struct machine *m);

#endif /* MMSIM_MM_H */
