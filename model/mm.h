/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm.h - the constants and basic macros every model file needs: page,
 * order, pageblock and section sizes of the reference kernel, the
 * simulated kernel address map, the machine's limits, PFN_NONE, and the
 * name of struct machine (machine.h defines it).
 *
 * The reference kernel is Linux 6.1 on x86_64 with 4 KiB pages, as Debian 12
 * ships it: MAX_ORDER 11 (orders 0..10), pageblock_order 9 (hugetlb on),
 * 128 MiB sections with 2 MiB sub-sections, THP on so the per-cpu lists
 * also hold pageblock-order pages.
 *
 * The rest of what the kernel's headers describe lives along the kernel's
 * own lines: mmzone.h (migratetypes, zones, free areas, per-cpu lists,
 * nodes, memory sections), vm_event_item.h (the events /proc/vmstat
 * counts), memblock.h (the boot allocator's types and calls), machine.h
 * (the machine: its description, struct machine, the explorer's hooks,
 * failures, randomness, machine_create).
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
#define HPAGE_PMD_ORDER		9	/* a THP: one PMD of 4 KiB pages */
#define HPAGE_PMD_NR		(1UL << HPAGE_PMD_ORDER)
#define HPAGE_PMD_SIZE		PMD_SIZE
/* x86_64 with 4-level paging: physical addresses have 46 bits */
#define MAX_PHYSMEM_BITS	46
#define MAX_PHYS_PFN		(1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT))

#define VMEMMAP_START		0xffffea0000000000UL
#define PAGE_OFFSET		0xffff888000000000UL	/* direct map */

#define MAX_NUMNODES		16
#define MAX_CPUS		64

#define SZ_1M	(1UL << 20)
#define SZ_1G	(1UL << 30)

/* No pfn: the empty end of a pfn list, a failed allocation */
#define PFN_NONE	(~0UL)

/* Everything the model does is to one machine (machine.h) */
struct machine;

#endif /* MMSIM_MM_H */
