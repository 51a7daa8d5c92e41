/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * huge_memory.h - transparent huge pages in user mappings
 * (mm/huge_memory.c): huge PMD faults, zap, copy at fork and split.
 */
#ifndef MMSIM_HUGE_MEMORY_H
#define MMSIM_HUGE_MEMORY_H

#include "memory.h"

/* A fault on an empty PMD: map a THP, or VM_FAULT_FALLBACK for PTEs */
vm_fault_t create_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx);
/* A fault on a huge PMD (a write to a write-protected one) */
vm_fault_t huge_pmd_fault(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx,
			  pteval_t pmd);
/* Unmap a whole huge PMD */
void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		  unsigned long pmd_table, unsigned int pmd_idx);
/* split_huge_pmd: the PMD becomes a table of 512 PTEs onto the same THP */
void __split_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		      unsigned long pmd_table, unsigned int pmd_idx);
/* fork: 0, -ENOMEM, or -EAGAIN when the PMD was split and PTEs must be copied */
int copy_huge_pmd(struct machine *m, struct vm_area_struct *dst, struct vm_area_struct *src,
		  uint64_t addr, unsigned long dst_pmd_table, unsigned int dst_pmd_idx,
		  unsigned long src_pmd_table, unsigned int src_pmd_idx);
/* The last reference to a compound user page went */
void free_compound_user_page(struct machine *m, unsigned long pfn, unsigned int order);
/* A VMA boundary is moving to addr: split a huge PMD across it */
void vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma, uint64_t addr);
/* MADV_HUGEPAGE / MADV_NOHUGEPAGE on *vm_flags: 0 or -EINVAL */
int hugepage_madvise(struct machine *m, struct vm_area_struct *vma, unsigned long *vm_flags,
		     long advice);

#endif /* MMSIM_HUGE_MEMORY_H */
