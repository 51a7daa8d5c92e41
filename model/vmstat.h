/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmstat.h - the kernel's views of the machine, byte-exact in format
 * (mm/vmstat.c, fs/proc/meminfo.c, mm/compaction.c debugfs), and the
 * counter namespace that scenario `expect` lines read.
 */
#ifndef MMSIM_VMSTAT_H
#define MMSIM_VMSTAT_H

#include <stdbool.h>
#include "mm.h"
#include "sbuf.h"

void show_buddyinfo(struct machine *m, struct sbuf *sb);	/* /proc/buddyinfo */
void show_pagetypeinfo(struct machine *m, struct sbuf *sb);	/* /proc/pagetypeinfo */
void show_zoneinfo(struct machine *m, struct sbuf *sb);		/* /proc/zoneinfo */
void show_meminfo(struct machine *m, struct sbuf *sb);		/* /proc/meminfo */
void show_vmstat(struct machine *m, struct sbuf *sb);		/* /proc/vmstat */
void show_unusable_index(struct machine *m, struct sbuf *sb);	/* extfrag/unusable_index */
void show_extfrag_index(struct machine *m, struct sbuf *sb);	/* extfrag/extfrag_index */

/*
 * A kernel file by path: "/proc/buddyinfo",
 * "/sys/kernel/debug/extfrag/unusable_index", ...  Returns false if the
 * path is not one the model provides.  Later modules (hugetlb sysfs)
 * register more paths through mm_register_file().
 */
bool mm_show_file(struct machine *m, const char *path, struct sbuf *sb);

typedef bool (*mm_file_show_fn)(struct machine *m, const char *path, struct sbuf *sb);
typedef int (*mm_file_store_fn)(struct machine *m, const char *path, const char *val,
				char *err, size_t errlen);
/* Writable files ("echo 1 > /proc/sys/vm/compact_memory").  Returns 0, or
 * a negative errno with err filled (the scenario reports it). */
int mm_store_file(struct machine *m, const char *path, const char *val,
		  char *err, size_t errlen);

/*
 * Counters by name, for `expect`:
 *   vmstat.<field>                      any /proc/vmstat line
 *   meminfo.<Field>                     in kB, as /proc/meminfo prints it
 *   buddyinfo.<nid>.<zone>.<order>      free blocks
 *   pagetypeinfo.<nid>.<zone>.<type>.<order>   free blocks of one type
 *   blocks.<nid>.<zone>.<type>          pageblocks of a type
 *   zoneinfo.<nid>.<zone>.<field>       free min low high boost spanned
 *                                       present managed pcp_count ...
 *   unusable_index.<nid>.<zone>.<order> x1000, as the debugfs file
 *   extfrag_index.<nid>.<zone>.<order>  x1000 (-1000 when suitable)
 *   hvo.<what>                          the vmemmap optimisation's work:
 *                                       optimized vmemmap_pages_freed
 *                                       bootmem_pages_freed pmd_splits
 *                                       head_alloc_failed restored
 *                                       restore_failed restore_pages
 *                                       batch_retries pgtable_pages
 *                                       tlb_flushes heads_allocated.node<N>
 *   hugepages.<kB>kB.<file>             nr_hugepages free_hugepages
 *   hugepages.node<N>.<kB>kB.<file>     resv_hugepages surplus_hugepages
 *                                       nr_overcommit_hugepages
 *                                       vmemmap_optimized (hugetlb.c)
 *   node.<nid>.<what>                   free_pages pcp_pages
 *                                       nr_memmap_pages nr_memmap_boot_pages
 *                                       nr_page_table_pages
 * <zone> is the kernel's name (DMA, DMA32, Normal, Movable); <type> the
 * migratetype name (Unmovable, Movable, ...).  Returns false for an
 * unknown name.
 */
bool counter_read(struct machine *m, const char *name, long *val);
/* Every counter name with its value, one "name value" per line */
void counter_dump(struct machine *m, struct sbuf *sb);

#endif /* MMSIM_VMSTAT_H */
