/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mremap.h - the mremap system call (mm/mremap.c, 6.1): resize a mapping
 * in place or move it, page tables and all.
 */
#ifndef MMSIM_MREMAP_H
#define MMSIM_MREMAP_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct task;
struct vm_area_struct;

/*
 * mremap(2) with MREMAP_* flags (mman.h): the new address, or a negative errno, as 6.1 returns them
 * (its checks in its order).  Takes the mmap lock for write.
 */
long sys_mremap(struct machine *m, struct task *t, uint64_t addr, uint64_t old_len,
		uint64_t new_len, unsigned long flags, uint64_t new_addr);

/*
 * move_page_tables: move the entries mapping [old_addr, old_addr + len)
 * of vma to new_addr in new_vma (the same mm), whole PMD or PUD entries
 * where both sides line up; returns how many bytes moved (less than len
 * when a page table could not be allocated).  The mmap lock is held for
 * write.
 */
uint64_t move_page_tables(struct machine *m, struct vm_area_struct *vma, uint64_t old_addr,
			  struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len,
			  bool need_rmap_locks);

#endif /* MMSIM_MREMAP_H */
