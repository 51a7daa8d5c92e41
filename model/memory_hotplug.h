/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_hotplug.h - memory blocks and memory hotplug (include/linux/memory.h,
 * include/linux/memory_hotplug.h, drivers/base/memory.c, mm/memory_hotplug.c,
 * Linux 6.1): the memory block devices of /sys/devices/system/memory, the
 * hotplug locks, onlining a range into a zone (online_pages) and offlining
 * it again (offline_pages: isolate, migrate out, take the free pages away).
 *
 * Life on a machine: boot.c calls memory_dev_init() once the buddy
 * allocator is up (a block device for every block of present sections, all
 * online) and memory_hotplug_destroy() at the end.  Blocks are taken
 * offline and online through their sysfs files (mm_store_file, module.h):
 *   echo offline > /sys/devices/system/memory/memory9/state
 *   echo online_movable > /sys/devices/system/memory/memory9/state
 * or memory_block_set_online() below.
 *
 * Hot-add and hot-remove of whole blocks sit on sparse.c's
 * arch_add_memory/arch_remove_memory: add_memory (a driver, or a write of
 * an address to /sys/devices/system/memory/probe) requests a System RAM
 * resource, adds the sections (present, not online), creates their block
 * devices offline and onlines them with auto_online_blocks' type;
 * remove_memory needs every block of the range offline, removes the
 * devices, the sections and their memmap, and releases the resource.
 * With memory_hotplug.memmap_on_memory and a driver's add of one block
 * (MHP_MEMMAP_ON_MEMORY), the block's memmap is carved from its own first
 * pages (a struct vmem_altmap), which onlining puts in the zone unmovable
 * and self-hosted and offlining takes out again.
 *
 * Counters (read with counter_read, module.h):
 *   hotplug.blocks, hotplug.blocks_online, hotplug.blocks_offline
 *   hotplug.online, hotplug.offline           successful online_pages / offline_pages
 *   hotplug.online_failed, hotplug.offline_failed
 *   hotplug.offline_migrated                  pages offline_pages migrated out
 *   hotplug.offline_dissolved                 pages of free hugepages it dissolved
 *   hotplug.offline_rounds                    rounds of its scan/migrate loop
 *   hotplug.block_size                        memory_block_size_bytes()
 *   hotplug.added, hotplug.add_failed         add_memory / probe writes
 *   hotplug.removed, hotplug.remove_failed    remove_memory
 *   hotplug.ram_blocks                        blocks of hot-added System RAM now
 */
#ifndef MMSIM_MEMORY_HOTPLUG_H
#define MMSIM_MEMORY_HOTPLUG_H

#include "cpu.h"
#include "mm.h"
#include "mmzone.h"

/* memory_block states (include/linux/memory.h) */
#define MEM_ONLINE		(1 << 0)
#define MEM_GOING_OFFLINE	(1 << 1)
#define MEM_OFFLINE		(1 << 2)

/* online types: what `state` takes, and auto_online_blocks */
enum mmop { MMOP_OFFLINE, MMOP_ONLINE, MMOP_ONLINE_KERNEL, MMOP_ONLINE_MOVABLE };

/* memory_hotplug.online_policy */
enum { ONLINE_POLICY_CONTIG_ZONES, ONLINE_POLICY_AUTO_MOVABLE };

#define MIN_MEMORY_BLOCK_SIZE	(1UL << SECTION_SIZE_BITS)

/* mhp_t: how add_memory adds (include/linux/memory_hotplug.h) */
typedef int mhp_t;
#define MHP_NONE		0
#define MHP_MEMMAP_ON_MEMORY	(1 << 1)	/* the memmap from the range itself */

struct memory_block {
	unsigned long start_section_nr;
	unsigned long state;		/* MEM_ONLINE, MEM_GOING_OFFLINE, MEM_OFFLINE */
	int online_type;		/* the type of the next online (MMOP_*) */
	int nid;			/* NUMA_NO_NODE until a node claims it */
	/* the zone it is online in; NULL when offline or spanning zones or nodes */
	struct zone *zone;
	unsigned long nr_vmemmap_pages;	/* memmap_on_memory: its own memmap */
	bool dev_offline;		/* struct device.offline: the `online` file */
};

struct mhp_stats {
	unsigned long online, online_failed, offline, offline_failed;
	unsigned long offline_migrated, offline_dissolved, offline_rounds;
	unsigned long added, add_failed, removed, remove_failed;
};

/* A System RAM resource memory hotplug requested (iomem_resource's child): [start, end) pfns */
struct mhp_ram {
	unsigned long start_pfn, end_pfn;
};

struct memory_hotplug {
	/*
	 * mem_hotplug_lock is a per-cpu rwsem in the kernel: writers are
	 * online/offline and add/remove (mem_hotplug_begin), readers
	 * get_online_mems().  device_hotplug_lock is a mutex (taken for
	 * write here) that the sysfs writes and add_memory take around it.
	 * Both are scheduling points under the explorer.  The kernel's
	 * cpus_read_lock() in mem_hotplug_begin is not modelled (no CPU
	 * hotplug).
	 */
	struct rw_semaphore mem_hotplug_lock;
	struct rw_semaphore device_hotplug_lock;
	unsigned long block_size;		/* memory_block_size_bytes() */
	unsigned long sections_per_block;
	int default_online_type;		/* mhp_default_online_type: auto_online_blocks */
	int online_policy;
	unsigned int auto_movable_ratio;
	bool auto_movable_numa_aware;
	bool movable_node_enabled;
	bool memmap_on_memory;			/* memory_hotplug.memmap_on_memory (boot only) */
	struct memory_block **blocks;		/* by block id, NULL: none */
	unsigned long nr_blocks;		/* slots in blocks[] */
	unsigned long present_early_pages[MAX_NUMNODES][MAX_NR_ZONES];
	struct mhp_ram *ram;			/* hot-added System RAM, sorted, disjoint */
	unsigned long nr_ram, cap_ram;
	struct mhp_stats stats;
	char why[200];				/* why the last online/offline failed */
};

/* Boot and teardown (boot.c) */
void memory_dev_init(struct machine *m);
void memory_hotplug_destroy(struct machine *m);

/* The locks */
void mem_hotplug_begin(struct machine *m);
void mem_hotplug_done(struct machine *m);
void get_online_mems(struct machine *m);
void put_online_mems(struct machine *m);
void lock_device_hotplug(struct machine *m);
void unlock_device_hotplug(struct machine *m);

unsigned long memory_block_size_bytes(struct machine *m);
/* The block with this id, or NULL */
struct memory_block *find_memory_block_by_id(struct machine *m, unsigned long block_id);
static inline unsigned long memory_block_start_pfn(const struct memory_block *mem)
{
	return mem->start_section_nr << PFN_SECTION_SHIFT;
}

/*
 * The zone a range would be onlined into (zone_for_pfn_range): online_type
 * MMOP_ONLINE_KERNEL the default kernel zone, MMOP_ONLINE_MOVABLE
 * ZONE_MOVABLE, MMOP_ONLINE what online_policy says.
 */
struct zone *zone_for_pfn_range(struct machine *m, int online_type, int nid,
				unsigned long start_pfn, unsigned long nr_pages);

/*
 * The kernel's steps, with mem_hotplug_lock held for write.  Both return 0
 * or a negative errno; m->hotplug->why says why.  online_pages hands
 * [pfn, pfn + nr_pages) to the buddy allocator in zone; offline_pages
 * takes it back, migrating what can move.
 */
int online_pages(struct machine *m, unsigned long pfn, unsigned long nr_pages, struct zone *zone);
int offline_pages(struct machine *m, unsigned long start_pfn, unsigned long nr_pages,
		  struct zone *zone);

/*
 * What a write of `online`/`offline`/... to a block's `state` does
 * (state_store): online_type MMOP_OFFLINE offlines.  0, or a negative
 * errno (-EINVAL for a block already in that state, as the kernel's
 * state_store answers) with m->hotplug->why filled.
 */
int memory_block_set_state(struct machine *m, struct memory_block *mem, int online_type);

/*
 * Hot-add (add_memory): memory at [start, start + size) bytes on node nid,
 * sections present but offline, blocks created and onlined as
 * auto_online_blocks says; with MHP_MEMMAP_ON_MEMORY (and the parameter
 * on, one block whose memmap fills whole PMDs) the memmap comes from the
 * range itself.  Takes device_hotplug_lock.  0, or -EINVAL (not block
 * aligned, no such node, memmap_on_memory not possible), -E2BIG (beyond
 * MAX_PHYSMEM_BITS), -EEXIST (overlaps System RAM or a driver's memory),
 * arch_add_memory's errors (-ENOMEM, -EEXIST); m->hotplug->why says why.
 */
int add_memory(struct machine *m, int nid, uint64_t start, uint64_t size, mhp_t mhp_flags);
/*
 * Hot-remove (remove_memory): every block of the range must be offline
 * (-EBUSY otherwise, nothing changed).  The range must be block aligned
 * and hot-added System RAM (the kernel BUG()s or WARNs otherwise: -EINVAL
 * here, with why filled).  0 or a negative errno.
 */
int remove_memory(struct machine *m, uint64_t start, uint64_t size);
/* probe_store's node: memory_add_physaddr_to_nid */
int memory_add_physaddr_to_nid(struct machine *m, uint64_t start);
/* mhp_supports_memmap_on_memory: could a range of size bytes host its own memmap? */
bool mhp_supports_memmap_on_memory(struct machine *m, uint64_t size);
/* Is [start_pfn, end_pfn) all System RAM memory hotplug added? */
bool mhp_range_is_hotadded(struct machine *m, unsigned long start_pfn, unsigned long end_pfn);

/*
 * The block devices of [start, start + size) bytes (drivers/base/memory.c),
 * created offline, or removed (they must be offline).  0, -EINVAL (not
 * block aligned) or -EEXIST.
 */
int create_memory_block_devices(struct machine *m, int nid, unsigned long start,
				unsigned long size, unsigned long vmemmap_pages);
void remove_memory_block_devices(struct machine *m, unsigned long start, unsigned long size);
/* Online every block of [start, start + size) with auto_online_blocks' type (add_memory) */
void online_memory_blocks(struct machine *m, unsigned long start, unsigned long size);
/* remove_memory's check: -EBUSY unless every block of the range is offline */
int memory_blocks_offlined(struct machine *m, unsigned long start, unsigned long size);

/*
 * The invariant checker's part (check.c): block states against their
 * sections, sections against zones, present pages against online memory.
 * Returns false with err filled.
 */
bool memory_hotplug_check(struct machine *m, char *err, size_t errlen);

#endif /* MMSIM_MEMORY_HOTPLUG_H */
