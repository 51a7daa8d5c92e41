// SPDX-License-Identifier: GPL-2.0-only
/*
 * boot_alloc.c - the memory a booting 6.1 kernel allocates for itself
 * from the buddy allocator, once memblock has handed memory over.
 *
 * A freshly booted Debian 6.1.192 guest holds thousands of pages beyond
 * its memblock reservations.  boot_consumers[] below lists the ones the
 * model makes, in the order a boot makes them, each with the kernel
 * mechanism, its gfp (so its migratetype: these are what turn Movable
 * pageblocks Unmovable and Reclaimable), the node it comes from and its
 * size rule.  The sizes are either the kernel's own formulas (hash
 * tables, the DMA pools, percpu chunk metadata, BPF's pack, zswap's
 * scratch buffers) or what booted guests show (/proc/slabinfo,
 * /proc/vmallocinfo, /proc/meminfo, per-node meminfo on 512 MiB to
 * 128 GiB guests with 2 to 5 CPUs and 1 or 2 nodes): slab as a fixed
 * part plus parts per CPU and per node, kernel threads as a fixed number
 * plus per-CPU and per-node threads.  docs/model-notes.md ("The kernel's
 * own memory") gives each figure with its source.
 *
 * Nodes.  start_kernel sets an interleave policy for the boot task
 * (numa_policy_init) that init keeps until free_initmem, so what init
 * allocates with no node (vmalloc, alloc_pages, slab pages) alternates
 * between nodes (interleave_nodes, one step per call; vmalloc's bulk
 * path splits a request evenly); per-CPU data comes from the CPU's node,
 * per-node data from the node, and kernel threads other than per-CPU and
 * per-node ones start on node 0 (kthreadd).
 *
 * Not modelled: about 330 pages plus ~25 per CPU that no counter
 * attributes (kernel page tables of vmalloc space, the trace ring
 * buffers, small direct page allocations), the user space of the
 * harness's guest (its busybox initramfs stays the root file system:
 * ~700 pages of shmem, and init's own pages), and anything a real
 * system starts later.  Allocation order within a consumer is the
 * kernel's; between consumers it follows the initcall levels, but the
 * real boot interleaves slab allocations with everything else.
 *
 * With `machine kernel_alloc=n` none of this runs: a bare allocator, as
 * the model booted before.
 */
#include <string.h>

#include "boot_alloc.h"
#include "gfp.h"
#include "machine.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "vout.h"

/* -------------------------------------------------------------------------
 * Sizing rules
 */
#define HASH_EARLY	0x1	/* memblock when one node has memory (hashdist off) */

/* numentries the table asks for instead of a fixed count */
enum hash_entries {
	HASH_FROM_MEMORY,	/* nr_kernel_pages >> (scale - PAGE_SHIFT) */
	HASH_FIXED,		/* .entries */
	HASH_FUTEX,		/* roundup_pow_of_two(256 * possible CPUs) */
	HASH_TCP_EHASH,		/* as many as "TCP established" got */
};

/*
 * The alloc_large_system_hash callers of a 6.1 boot, in boot order, with
 * their bucket size (bytes per entry, as the boot log's "entries (order,
 * bytes)" lines give them), scale (one entry per 2^scale bytes of
 * memory) and limits, as fs/dcache.c, fs/inode.c, fs/namespace.c,
 * kernel/futex/core.c, net/ipv4/{route,tcp,inet_hashtables,udp}.c and
 * net/mptcp/token.c call it.
 */
struct large_hash {
	const char *name;
	unsigned long bucketsize;
	enum hash_entries how;
	unsigned long entries;
	int scale, flags;
	unsigned long low_limit, high_limit;
};

static const struct large_hash large_hashes[] = {
	{ "Dentry cache", 8, HASH_FROM_MEMORY, 0, 13, HASH_EARLY, 2, 0 },
	{ "Inode-cache", 8, HASH_FROM_MEMORY, 0, 14, HASH_EARLY, 0, 0 },
	{ "Mount-cache", 8, HASH_FROM_MEMORY, 0, 19, 0, 0, 0 },
	{ "Mountpoint-cache", 8, HASH_FROM_MEMORY, 0, 19, 0, 0, 0 },
	{ "futex", 64, HASH_FUTEX, 0, 0, 0, 0, 0 },
	{ "IP idents", 8, HASH_FROM_MEMORY, 0, 16, 0, 2048, 256 * 1024 },
	{ "tcp_listen_portaddr_hash", 16, HASH_FROM_MEMORY, 0, 21, 0, 0, 64 * 1024 },
	{ "Table-perturb", 4, HASH_FIXED, 65536, 0, 0, 65536, 65536 },
	{ "TCP established", 8, HASH_FROM_MEMORY, 0, 17, 0, 0, 512 * 1024 },
	{ "TCP bind", 32, HASH_TCP_EHASH, 0, 17, 0, 0, 64 * 1024 },
	{ "MPTCP token", 24, HASH_FROM_MEMORY, 0, 20, 0, 0, 64 * 1024 },
	{ "UDP", 32, HASH_FROM_MEMORY, 0, 21, 0, 256, 64 * 1024 },
	{ "UDP-Lite", 32, HASH_FROM_MEMORY, 0, 21, 0, 256, 64 * 1024 },
};

static unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

static unsigned int ilog2(unsigned long n)
{
	return 63 - (unsigned int)__builtin_clzl(n);
}

static unsigned int get_order(unsigned long size)
{
	unsigned long pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	return pages <= 1 ? 0 : ilog2(pages - 1) + 1;
}

/* calc_memmap_size: struct page pages free_area_init_core charges a zone */
static unsigned long calc_memmap_size(const struct machine *m, const struct zone *z)
{
	unsigned long pages = z->spanned_pages;

	if (pages > z->present_pages + (z->present_pages >> 4))
		pages = z->present_pages;	/* SPARSEMEM */
	return (pages * m->sps + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* free_area_init_core's nr_kernel_pages (no highmem on x86_64: also nr_all_pages) */
static unsigned long nr_kernel_pages(const struct machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &m->node[nid].node_zones[zi];
			unsigned long memmap = calc_memmap_size(m, z);

			if (z->present_pages >= memmap)
				n += z->present_pages - memmap;
		}
	return n;
}

#define ADAPT_SCALE_NPAGES	((64UL << 30) >> PAGE_SHIFT)
#define ADAPT_SCALE_SHIFT	2

/* The entries (a power of two) alloc_large_system_hash settles on */
static unsigned long large_hash_entries(struct machine *m, const struct large_hash *h)
{
	unsigned long numentries = 0, max;

	switch (h->how) {
	case HASH_FIXED:
		numentries = h->entries;
		break;
	case HASH_FUTEX:
		numentries = roundup_pow_of_two(256UL * (unsigned long)m->nr_cpus);
		break;
	case HASH_TCP_EHASH:
		numentries = large_hash_entries(m, &large_hashes[8]);	/* TCP established */
		break;
	case HASH_FROM_MEMORY: {
		int scale = h->scale;

		numentries = nr_kernel_pages(m);
		numentries = (numentries + 255) & ~255UL;	/* round up to a megabyte */
		if (!h->high_limit)
			for (unsigned long adapt = ADAPT_SCALE_NPAGES; adapt < numentries;
			     adapt <<= ADAPT_SCALE_SHIFT)
				scale++;
		if (scale > PAGE_SHIFT)
			numentries >>= scale - PAGE_SHIFT;
		else
			numentries <<= PAGE_SHIFT - scale;
		if (numentries * h->bucketsize < PAGE_SIZE)
			numentries = PAGE_SIZE / h->bucketsize;
		break;
	}
	}
	numentries = roundup_pow_of_two(numentries);
	/* at most 1/16 of memory by default */
	max = h->high_limit ? h->high_limit : (nr_kernel_pages(m) << PAGE_SHIFT >> 4) / h->bucketsize;
	if (max > 0x80000000UL)
		max = 0x80000000UL;
	if (numentries < h->low_limit)
		numentries = h->low_limit;
	if (numentries > max)
		numentries = max;
	return 1UL << ilog2(numentries);
}

unsigned long large_system_hash_bytes(struct machine *m, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(large_hashes); i++)
		if (!strcmp(large_hashes[i].name, name))
			return large_hashes[i].bucketsize * large_hash_entries(m, &large_hashes[i]);
	return 0;
}

/* SLUB (mm/slub.c): order_objects, calc_slab_order, calculate_order */
#define SLUB_MAX_ORDER		PAGE_ALLOC_COSTLY_ORDER
#define MAX_OBJS_PER_PAGE	32767

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static unsigned int calc_slab_order(unsigned int size, unsigned int min_objects,
				    unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int order;

	if (order_objects(0, size) > MAX_OBJS_PER_PAGE)
		return get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (order = get_order((unsigned long)min_objects * size); order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)(PAGE_SIZE << order);

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

unsigned int slub_calculate_order(unsigned int size, int nr_cpus)
{
	/* slub_min_objects = 4 * (fls(nr_cpus) + 1), from the present CPUs */
	unsigned int min_objects = 4 * ((unsigned int)(32 - __builtin_clz((unsigned int)nr_cpus)) + 1);
	unsigned int max_objects = order_objects(SLUB_MAX_ORDER, size);
	unsigned int order;

	if (min_objects > max_objects)
		min_objects = max_objects;
	for (; min_objects > 1; min_objects--)
		for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
			order = calc_slab_order(size, min_objects, SLUB_MAX_ORDER, fraction);
			if (order <= SLUB_MAX_ORDER)
				return order;
		}
	order = calc_slab_order(size, 1, SLUB_MAX_ORDER, 1);
	return order <= SLUB_MAX_ORDER ? order : calc_slab_order(size, 1, MAX_ORDER, 1);
}

/* -------------------------------------------------------------------------
 * How a consumer's pages are taken
 */
static int interleave_nid(struct machine *m)
{
	m->kmem.il_prev = (m->kmem.il_prev + 1) % m->nr_nodes;	/* next_node_in */
	return m->kmem.il_prev;
}

/* One block for consumer c; false when the allocator refused */
static bool kmem_alloc(struct machine *m, enum kmem_consumer c, gfp_t gfp, unsigned int order,
		       int nid)
{
	unsigned long pfn = __alloc_pages(m, gfp | __GFP_NOWARN, order, nid);
	struct pglist_data *pg;

	if (pfn == PFN_NONE) {
		if (m->kmem.failed < 0)
			m->kmem.failed = (int)c;
		return false;
	}
	pg = &m->node[pfn_to_nid(m, pfn)];
	m->kmem.pages[c][pg->node_id] += 1L << order;
	if (c == KMEM_SLAB_RECLAIMABLE)
		pg->vm_stat[NR_SLAB_RECLAIMABLE_B] += 1L << order;	/* in pages, as shown */
	else if (c == KMEM_SLAB_UNRECLAIMABLE)
		pg->vm_stat[NR_SLAB_UNRECLAIMABLE_B] += 1L << order;
	return true;
}

/*
 * vmalloc's pages (__vmalloc_area_node): order-0 pages from nid, or with
 * nid < 0 the boot task's interleave (alloc_pages_bulk_array_interleave:
 * an even share per node, the remainder to the first ones); huge (a
 * hash table with VM_ALLOW_HUGE_VMAP and 2 MiB per node) takes PMD-sized
 * pages, one interleave step each.
 */
static unsigned long kmem_vmalloc(struct machine *m, enum kmem_consumer c, gfp_t gfp,
				  unsigned long bytes, int nid, bool huge)
{
	unsigned long nr = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT, got = 0;

	if (huge) {
		nr = (bytes + PMD_SIZE - 1) >> PMD_SHIFT;
		for (unsigned long i = 0; i < nr; i++)
			got += kmem_alloc(m, c, gfp, HPAGE_PMD_ORDER, interleave_nid(m)) ?
			       HPAGE_PMD_NR : 0;
	} else if (nid >= 0) {
		for (unsigned long i = 0; i < nr; i++)
			got += kmem_alloc(m, c, gfp, 0, nid);
	} else {
		unsigned long per = nr / (unsigned long)m->nr_nodes;
		unsigned long delta = nr - per * (unsigned long)m->nr_nodes;

		for (int n = 0; n < m->nr_nodes; n++) {
			unsigned long want = per + (delta ? 1 : 0);
			int node = interleave_nid(m);

			if (delta)
				delta--;
			for (unsigned long i = 0; i < want; i++)
				got += kmem_alloc(m, c, gfp, 0, node);
		}
	}
	m->kmem.vmalloc_pages += got;
	return got;
}

/* -------------------------------------------------------------------------
 * The consumers
 */

/*
 * alloc_large_system_hash after mm_init, GFP_ATOMIC: the dentry and inode
 * tables when more than one node has memory (hashdist; one node: boot.c
 * took them from memblock), then the rest, each vmalloc'd (interleaved,
 * huge when 2 MiB per node) when hashdist or at least MAX_ORDER, else
 * alloc_pages_exact: one block of the covering order, the unused tail
 * freed page by page.
 */
static void hash_tables(struct machine *m, size_t first, size_t end)
{
	bool hashdist = m->nr_nodes > 1;

	for (size_t i = first; i < end; i++) {
		const struct large_hash *h = &large_hashes[i];
		unsigned long size = h->bucketsize * large_hash_entries(m, h);
		unsigned int order = get_order(size);
		unsigned long pfn, used;

		if ((h->flags & HASH_EARLY) && !hashdist)
			continue;
		if (order >= MAX_ORDER || hashdist) {
			bool huge = size / (unsigned long)m->nr_nodes >= PMD_SIZE;

			kmem_vmalloc(m, KMEM_HASH_TABLES, GFP_ATOMIC, size, -1, huge);
			continue;
		}
		pfn = __alloc_pages(m, GFP_ATOMIC | __GFP_NOWARN, order, interleave_nid(m));
		if (pfn == PFN_NONE) {
			if (m->kmem.failed < 0)
				m->kmem.failed = KMEM_HASH_TABLES;
			continue;
		}
		used = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
		m->kmem.pages[KMEM_HASH_TABLES][pfn_to_nid(m, pfn)] += (long)used;
		split_page(m, pfn, order);
		for (unsigned long p = used; p < 1UL << order; p++)
			__free_pages(m, pfn + p, 0);
	}
}

/*
 * Kernel stacks: THREAD_SIZE (16 KiB) of order-0 pages each, vmalloc'd
 * (VMAP_STACK), GFP_KERNEL.  Threads after boot, from booted guests'
 * task counts (/proc/loadavg) and KernelStack: 38 besides the ones
 * below (init, kthreadd, rcu, the unbound workers, khugepaged, ...);
 * per CPU cpuhp, migration, ksoftirqd and three kworkers on the CPU's
 * node, and an idle task for every CPU but the boot one (fork_idle);
 * per node kswapd and kcompactd on the node.
 */
#define THREAD_SIZE		(16UL << 10)
#define KTHREADS_FIXED		38
#define KTHREADS_PER_CPU	6
#define KTHREADS_PER_NODE	2

static void kernel_stack(struct machine *m, int nid)
{
	unsigned long got = kmem_vmalloc(m, KMEM_KERNEL_STACKS, GFP_KERNEL, THREAD_SIZE, nid, false);

	m->node[nid].vm_stat[NR_KERNEL_STACK_KB] += (long)(got << (PAGE_SHIFT - 10));
}

static void kernel_stacks(struct machine *m)
{
	for (int c = 1; c < m->nr_cpus; c++)
		kernel_stack(m, m->cpu_node[c]);		/* idle_threads_init */
	for (int c = 0; c < m->nr_cpus; c++)
		for (int k = 0; k < KTHREADS_PER_CPU; k++)
			kernel_stack(m, m->cpu_node[c]);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int k = 0; k < KTHREADS_PER_NODE; k++)
			kernel_stack(m, n);
	for (int k = 0; k < KTHREADS_FIXED; k++)
		kernel_stack(m, 0);
}

/*
 * The per-cpu allocator's first dynamic chunk (pcpu_create_chunk, from
 * the balance work on node 0): the first chunk's 28 KiB of dynamic
 * space do not last the boot.  Its metadata (pcpu_alloc_chunk) is
 * vmalloc'd when larger than a page: the allocation and boundary
 * bitmaps (a bit per 4 bytes of a unit), the block metadata (32 bytes
 * per page of a unit) and, with CONFIG_MEMCG_KMEM, an obj_cgroup
 * pointer per 4 bytes of a unit: 2 MiB for 1 MiB units.  Booted guests
 * populate 3 pages of it per unit (Percpu = 65 pages per unit), each
 * CPU's from its node (pcpu_alloc_pages).
 */
#define PCPU_MIN_ALLOC_SIZE	4
#define PCPU_BLOCK_MD_BYTES	32
#define PCPU_DYN_POPULATED	3

static void pcpu_chunk_meta(struct machine *m, unsigned long bytes)
{
	if (bytes > PAGE_SIZE)
		kmem_vmalloc(m, KMEM_PERCPU, GFP_KERNEL, bytes, 0, false);
}

static void percpu_chunk(struct machine *m)
{
	unsigned long unit = m->kmem.pcpu_unit_size, bits = unit / PCPU_MIN_ALLOC_SIZE;

	if (!unit)
		return;
	pcpu_chunk_meta(m, bits / 8);				/* alloc_map */
	pcpu_chunk_meta(m, (bits / 64 + 1) * 8);		/* bound_map */
	pcpu_chunk_meta(m, unit / PAGE_SIZE * PCPU_BLOCK_MD_BYTES);	/* md_blocks */
	pcpu_chunk_meta(m, bits * sizeof(void *));		/* obj_cgroups */
	for (int c = 0; c < m->nr_cpus; c++)
		for (int p = 0; p < PCPU_DYN_POPULATED; p++)
			kmem_alloc(m, KMEM_PERCPU, GFP_KERNEL, 0, m->cpu_node[c]);
	m->kmem.pcpu_nr_populated += PCPU_DYN_POPULATED;
}

/*
 * The BPF JIT's first program pack (bpf_prog_pack_alloc: module_alloc of
 * 2 MiB per possible node, order-0 pages interleaved), for the PTP
 * classifier sock_init JITs at core_initcall time.
 */
static void bpf_prog_pack(struct machine *m)
{
	kmem_vmalloc(m, KMEM_BPF_PROG_PACK, GFP_KERNEL, (unsigned long)m->nr_nodes * PMD_SIZE, -1,
		     false);
}

/*
 * dma_atomic_pool_init (postcore_initcall): pools for GFP_KERNEL, GFP_DMA
 * (when the DMA zone has memory) and GFP_DMA32, each totalram/8192 pages
 * (128 KiB per GiB) between 128 KiB and MAX_ORDER_NR_PAGES, one block of
 * the covering order (atomic_pool_expand).  These are the DMA zone's
 * pages a booted guest has in use.
 */
/* A smaller block when the order asked for is not there; none is no failure */
static void atomic_pool_expand(struct machine *m, gfp_t gfp, unsigned long pages)
{
	unsigned int order = get_order(pages << PAGE_SHIFT);
	unsigned long pfn;

	do {
		pfn = __alloc_pages(m, gfp | __GFP_NOWARN, order, interleave_nid(m));
	} while (pfn == PFN_NONE && order-- > 0);
	if (pfn != PFN_NONE)
		m->kmem.pages[KMEM_DMA_POOLS][pfn_to_nid(m, pfn)] += 1L << order;
}

static void dma_pools(struct machine *m)
{
	unsigned long totalram = 0, pages;
	bool dma = false;
	struct zone *z;

	for_each_zone_of(m, z) {
		totalram += z->managed_pages;
		dma |= z->idx == ZONE_DMA && z->managed_pages;
	}
	pages = totalram / (SZ_1G / (128UL << 10));
	if (pages > MAX_ORDER_NR_PAGES)
		pages = MAX_ORDER_NR_PAGES;
	if (pages < (128UL << 10) / PAGE_SIZE)
		pages = (128UL << 10) / PAGE_SIZE;
	atomic_pool_expand(m, GFP_KERNEL, pages);
	if (dma)
		atomic_pool_expand(m, GFP_KERNEL | GFP_DMA, pages);
	atomic_pool_expand(m, GFP_KERNEL | GFP_DMA32, pages);
}

/*
 * Slab after boot (SLUB, Debian 6.1.192), from /proc/slabinfo and
 * /proc/vmstat of booted guests with 2 to 5 CPUs and 1 or 2 nodes:
 * independent of memory size, a fixed part plus a part per CPU (each
 * CPU's active slab of every cache it allocates from, kmem_cache_cpu,
 * and its per-CPU threads' task_structs) and per node (kmem_cache_node,
 * the node's sysfs).  Reclaimable (SLAB_RECLAIM_ACCOUNT, hence
 * __GFP_RECLAIMABLE and Reclaimable pageblocks) is almost all dentries
 * and inodes of the files tracefs creates for every trace event at boot
 * (event_trace_init: 1344 events) and of sysfs and procfs, created by a
 * worker on the boot CPU's node.  Rules per cache group: objects of a
 * size (order by calculate_order) or pages of an order; base + per CPU
 * x CPUs + per node x (nodes - 1).
 */
struct slab_rule {
	const char *what;
	bool reclaimable;
	unsigned int size;		/* object bytes, or 0: pages of .order */
	unsigned int order;
	long base, per_cpu, per_node;	/* objects (size) or pages */
	bool interleave;		/* the base part by init, interleaved */
};

static const struct slab_rule slab_rules[] = {
	{ "dentry", true, 192, 0, 10270, 31, 0, false },
	{ "inode_cache", true, 640, 0, 9846, 45, 0, false },
	{ "other reclaimable caches", true, 0, 1, 70, 0, 0, false },
	{ "unreclaimable caches, order-0 slabs", false, 0, 0, 660, 26, 18, true },
	{ "unreclaimable caches, order-1 slabs", false, 0, 1, 12, 13, 0, false },
	{ "unreclaimable caches, order-2 slabs", false, 0, 2, 220, 0, 0, false },
	{ "unreclaimable caches, order-3 slabs", false, 0, 3, 196, 127, 0, false },
	{ "kmalloc_large (above 8 KiB)", false, 0, 2, 300, 0, 0, false },
};

static void slab_pages(struct machine *m, const struct slab_rule *r, long pages, int nid,
		       bool interleave)
{
	enum kmem_consumer c = r->reclaimable ? KMEM_SLAB_RECLAIMABLE : KMEM_SLAB_UNRECLAIMABLE;
	gfp_t gfp = GFP_KERNEL | __GFP_COMP | (r->reclaimable ? __GFP_RECLAIMABLE : 0);
	unsigned int order = r->order;

	if (r->size) {
		unsigned long per_slab;

		order = slub_calculate_order(r->size, m->nr_cpus);
		per_slab = (PAGE_SIZE << order) / r->size;
		pages = (long)((((unsigned long)pages + per_slab - 1) / per_slab) << order);
	}
	for (long done = 0; done < pages; done += 1L << order)
		kmem_alloc(m, c, gfp, order, interleave ? interleave_nid(m) : nid);
}

static void slab(struct machine *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(slab_rules); i++) {
		const struct slab_rule *r = &slab_rules[i];

		slab_pages(m, r, r->base, 0, r->interleave && m->nr_nodes > 1);
		for (int c = 0; c < m->nr_cpus; c++)
			slab_pages(m, r, r->per_cpu, m->cpu_node[c], false);
		for (int n = 1; n < m->nr_nodes; n++)
			slab_pages(m, r, r->per_node, n, false);
	}
}

/*
 * zswap (late_initcall) creates its default pool at boot even while
 * disabled, and the compressor's scomp scratch buffers come with it:
 * two of 128 KiB per possible CPU, vmalloc'd on the CPU's node
 * (crypto_scomp_alloc_scratches).
 */
#define SCOMP_SCRATCH_SIZE	(128UL << 10)

static void zswap(struct machine *m)
{
	for (int c = 0; c < m->nr_cpus; c++)
		for (int k = 0; k < 2; k++)
			kmem_vmalloc(m, KMEM_ZSWAP, GFP_KERNEL, SCOMP_SCRATCH_SIZE, m->cpu_node[c],
				     false);
}

/* -------------------------------------------------------------------------
 * The table, in boot order (start_kernel, then the initcall levels)
 */
static const char *const kmem_names[NR_KMEM_CONSUMERS] = {
	[KMEM_HASH_TABLES] = "hash_tables",
	[KMEM_KERNEL_STACKS] = "kernel_stacks",
	[KMEM_SLAB_RECLAIMABLE] = "slab_reclaimable",
	[KMEM_SLAB_UNRECLAIMABLE] = "slab_unreclaimable",
	[KMEM_PERCPU] = "percpu",
	[KMEM_BPF_PROG_PACK] = "bpf_prog_pack",
	[KMEM_ZSWAP] = "zswap",
	[KMEM_DMA_POOLS] = "dma_pools",
};

/* large_hashes[] by where a boot allocates them */
static void vfs_hashes(struct machine *m)
{
	hash_tables(m, 0, 4);		/* vfs_caches_init: dcache, inode, mnt_init */
}

static void futex_hash(struct machine *m)
{
	hash_tables(m, 4, 5);		/* futex_init, core_initcall */
}

static void net_hashes(struct machine *m)
{
	hash_tables(m, 5, ARRAY_SIZE(large_hashes));	/* ip_rt_init, tcp_init, ... */
}

static void (*const boot_consumers[])(struct machine *m) = {
	percpu_chunk,		/* the first dynamic chunk, early in start_kernel */
	vfs_hashes,		/* start_kernel, under numa_policy_init's interleave */
	kernel_stacks,		/* smp_init, kthreadd and its children */
	futex_hash,		/* core_initcall */
	bpf_prog_pack,		/* core_initcall: sock_init's PTP classifier */
	dma_pools,		/* postcore_initcall */
	slab,			/* all along; most of it at fs_initcall (tracefs) */
	net_hashes,		/* fs_initcall: inet_init */
	zswap,			/* late_initcall */
};

const char *boot_kernel_alloc(struct machine *m)
{
	m->kmem.failed = -1;
	for (size_t i = 0; i < ARRAY_SIZE(boot_consumers) && m->kmem.failed < 0; i++)
		boot_consumers[i](m);
	return m->kmem.failed < 0 ? NULL : kmem_names[m->kmem.failed];
}

unsigned long pcpu_nr_pages(const struct machine *m)
{
	return m->kmem.pcpu_nr_populated * m->kmem.pcpu_nr_units;
}

static void kmem_counters(struct machine *m, struct vout *vo)
{
	for (int c = 0; c < NR_KMEM_CONSUMERS; c++) {
		long total = 0;

		for (int n = 0; n < m->nr_nodes; n++)
			total += m->kmem.pages[c][n];
		vo_rec(vo, total, "kmem.%s", kmem_names[c]);
		for (int n = 0; n < m->nr_nodes; n++)
			vo_rec(vo, m->kmem.pages[c][n], "kmem.%s.%d", kmem_names[c], n);
	}
	vo_rec(vo, (long)m->kmem.vmalloc_pages, "kmem.vmalloc_pages");
	vo_rec(vo, (long)pcpu_nr_pages(m), "kmem.percpu_pages");
}

static const struct counter_ns kmem_counter_ns[] = {
	{ "kmem.", kmem_counters },
};

const struct mm_module mm_module_boot_alloc = {
	.name = "boot_alloc",
	.counters = kmem_counter_ns,
	.nr_counters = ARRAY_SIZE(kmem_counter_ns),
};
