/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * boot_alloc.h - the memory the kernel takes for itself while it boots
 * (boot_alloc.c): its slab caches, kernel thread stacks, hash tables,
 * the per-cpu allocator's first dynamic chunk, vmalloc'd buffers and the
 * DMA atomic pools, allocated from the buddy allocator the way Debian's
 * 6.1.192 kernel allocates them, and the sizing rules boot.c shares for
 * the parts that come from memblock (the percpu first chunk, the early
 * dentry and inode hash tables).
 *
 * Counters (read with counter_read, module.h):
 *   kmem.<consumer>          pages a consumer holds, over all nodes
 *   kmem.<consumer>.<nid>    on one node
 * with <consumer> one of hash_tables, kernel_stacks, slab_reclaimable,
 * slab_unreclaimable, percpu, bpf_prog_pack, zswap, dma_pools (the names
 * of boot_consumers[] in boot_alloc.c); kmem.vmalloc_pages and
 * kmem.percpu_pages are meminfo's VmallocUsed and Percpu in pages.
 */
#ifndef MMSIM_BOOT_ALLOC_H
#define MMSIM_BOOT_ALLOC_H

#include "mm.h"

enum kmem_consumer {
	KMEM_HASH_TABLES,
	KMEM_KERNEL_STACKS,
	KMEM_SLAB_RECLAIMABLE,
	KMEM_SLAB_UNRECLAIMABLE,
	KMEM_PERCPU,
	KMEM_BPF_PROG_PACK,
	KMEM_ZSWAP,
	KMEM_DMA_POOLS,
	NR_KMEM_CONSUMERS
};

/* The kernel's own memory after boot, as the views and counters show it */
struct kmem_state {
	long pages[NR_KMEM_CONSUMERS][MAX_NUMNODES];	/* buddy pages per consumer */
	unsigned long vmalloc_pages;	/* pages vmalloc'd (meminfo VmallocUsed) */
	/* the percpu allocator (boot.c sets up the first chunk) */
	unsigned long pcpu_unit_size;	/* bytes per unit */
	unsigned long pcpu_nr_units;	/* units, empty ones of a group included */
	unsigned long pcpu_nr_populated;	/* populated pages per unit */
	int il_prev;			/* the boot tasks' interleave position */
	int failed;			/* the consumer that found no memory, or -1 */
};

/*
 * Debian 6.1.192's percpu first chunk: "percpu: Embedded 62 pages/cpu
 * s217088 r8192 d28672" (static, reserved and dynamic sizes).
 */
#define PCPU_FC_SIZE_SUM	(217088UL + 8192 + 28672)

/*
 * alloc_large_system_hash: the bytes of one of the kernel's boot hash
 * tables by name ("Dentry cache", "Inode-cache", ...) on machine m,
 * 0 for a name the model does not know.  boot.c allocates the dentry and
 * inode tables from memblock on a single-node machine (HASH_EARLY);
 * everything else is allocated by boot_kernel_alloc.
 */
unsigned long large_system_hash_bytes(struct machine *m, const char *name);

/*
 * SLUB's calculate_order: the page order of a cache of size-byte objects
 * on a machine with nr_cpus CPUs (slub_min_objects grows with them).
 */
unsigned int slub_calculate_order(unsigned int size, int nr_cpus);

/*
 * The kernel's own allocations after memblock_free_all, in boot order,
 * each with its migratetype and node: what boot_consumers[] lists.
 * Returns NULL, or the name of the consumer the allocator refused (a
 * machine too small for the kernel: a real one panics).
 */
const char *boot_kernel_alloc(struct machine *m);

/* meminfo's Percpu: populated pages of every unit (pcpu_nr_pages) */
unsigned long pcpu_nr_pages(const struct machine *m);

#endif /* MMSIM_BOOT_ALLOC_H */
