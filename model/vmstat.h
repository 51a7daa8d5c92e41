/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmstat.h - the kernel's views of the machine, byte-exact in format
 * (mm/vmstat.c, fs/proc/meminfo.c, mm/compaction.c debugfs), and the vm
 * sysctls.  The files are served through the module table
 * (mm_module_vmstat; read and write them with mm_show_file/mm_store_file,
 * module.h); the show_* functions give one view directly.
 */
#ifndef MMSIM_VMSTAT_H
#define MMSIM_VMSTAT_H

#include "mm.h"
#include "mmzone.h"
#include "sbuf.h"

void show_buddyinfo(struct machine *m, struct sbuf *sb);	/* /proc/buddyinfo */
void show_pagetypeinfo(struct machine *m, struct sbuf *sb);	/* /proc/pagetypeinfo */
void show_zoneinfo(struct machine *m, struct sbuf *sb);		/* /proc/zoneinfo */
void show_meminfo(struct machine *m, struct sbuf *sb);		/* /proc/meminfo */
void show_vmstat(struct machine *m, struct sbuf *sb);		/* /proc/vmstat */
void show_unusable_index(struct machine *m, struct sbuf *sb);	/* extfrag/unusable_index */
void show_extfrag_index(struct machine *m, struct sbuf *sb);	/* extfrag/extfrag_index */

/* Pageblocks of @z per migratetype, added to @count, as pagetypeinfo counts them */
void zone_pageblock_counts(struct machine *m, struct zone *z,
			   unsigned long count[MIGRATE_TYPES]);

/*
 * Counters (read with counter_read, module.h), every number the views
 * print:
 *   vmstat.<field>                      any /proc/vmstat line
 *   meminfo.<Field>                     in kB, as /proc/meminfo prints it
 *                                       (HugePages_* from hugetlb.c)
 *   buddyinfo.<nid>.<zone>.<order>      free blocks
 *   pagetypeinfo.<nid>.<zone>.<type>.<order>   free blocks of one type
 *   blocks.<nid>.<zone>.<type>          pageblocks of a type
 *   zoneinfo.<nid>.<zone>.<field>       free min low high boost spanned
 *                                       present managed pcp_count ...
 *                                       (the full list is in vmstat.c)
 *   unusable_index.<nid>.<zone>.<order> x1000, as the debugfs file
 *   extfrag_index.<nid>.<zone>.<order>  x1000 (-1000 when suitable)
 * <zone> is the kernel's name (DMA, DMA32, Normal, Movable); <type> the
 * migratetype name (Unmovable, Movable, ...).
 */

#endif /* MMSIM_VMSTAT_H */
