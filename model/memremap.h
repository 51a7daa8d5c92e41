/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memremap.h - a driver's memory, as persistent memory drivers map it
 * (memremap_pages / memunmap_pages of mm/memremap.c, 6.1): a 2 MiB-aligned
 * range added with arch_add_memory (sparse.h) with no memory block, no
 * onlining and no max_pfn update, in ZONE_DEVICE in the kernel and in no
 * zone of the model.  Only drivers add sub-sections; the scenario's
 * `subsection add` verb is the driver here.
 *
 * Not modelled: memmap_init_zone_device (the struct pages of the range
 * stay as the memmap's memory left them), the pgmap's reference count,
 * vmemmap_can_optimize (compound devmaps).
 */
#ifndef MMSIM_MEMREMAP_H
#define MMSIM_MEMREMAP_H

#include "machine.h"

/*
 * Map [start_pfn, start_pfn + nr_pages) on node nid: 0; -ENXIO when it
 * overlaps System RAM (region_intersects); arch_add_memory's errors
 * (-EINVAL, -EEXIST, -ENOMEM, -ERANGE), after which sections added before
 * the failing one stay added, as in the kernel.
 */
int memremap_pages(struct machine *m, int nid, unsigned long start_pfn, unsigned long nr_pages);
/* Unmap a range memremap_pages mapped: 0, or -EINVAL when it is not all a driver's */
int memunmap_pages(struct machine *m, unsigned long start_pfn, unsigned long nr_pages);

#endif /* MMSIM_MEMREMAP_H */
