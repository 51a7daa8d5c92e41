// SPDX-License-Identifier: GPL-2.0-only
/*
 * huge_memory.c - transparent huge pages in user mappings
 * (mm/huge_memory.c, 6.1).
 *
 * Not modelled yet: faults never map a THP (create_huge_pmd falls back to
 * PTEs, as with THP "never"), so no user PMD is ever huge and the huge
 * PMD paths below report a simulated kernel failure if they are reached.
 * What is here is the VMA flag logic of MADV_HUGEPAGE/MADV_NOHUGEPAGE.
 */
#include <errno.h>

#include "huge_memory.h"
#include "machine.h"
#include "mman.h"

vm_fault_t create_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx)
{
	(void)m, (void)vma, (void)addr, (void)flags, (void)pmd_table, (void)pmd_idx;
	return VM_FAULT_FALLBACK;
}

vm_fault_t huge_pmd_fault(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx,
			  pteval_t pmd)
{
	(void)vma, (void)addr, (void)flags, (void)pmd_table, (void)pmd_idx, (void)pmd;
	mm_fail(m, "a fault on a huge user PMD: user THPs are not modelled yet");
	return VM_FAULT_SIGBUS;
}

void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		  unsigned long pmd_table, unsigned int pmd_idx)
{
	(void)vma, (void)addr, (void)pmd_table, (void)pmd_idx;
	mm_fail(m, "zap of a huge user PMD: user THPs are not modelled yet");
}

void __split_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		      unsigned long pmd_table, unsigned int pmd_idx)
{
	(void)vma, (void)addr, (void)pmd_table, (void)pmd_idx;
	mm_fail(m, "split of a huge user PMD: user THPs are not modelled yet");
}

int copy_huge_pmd(struct machine *m, struct vm_area_struct *dst, struct vm_area_struct *src,
		  uint64_t addr, unsigned long dst_pmd_table, unsigned int dst_pmd_idx,
		  unsigned long src_pmd_table, unsigned int src_pmd_idx)
{
	(void)dst, (void)src, (void)addr, (void)dst_pmd_table, (void)dst_pmd_idx;
	(void)src_pmd_table, (void)src_pmd_idx;
	mm_fail(m, "fork of a huge user PMD: user THPs are not modelled yet");
	return -ENOMEM;
}

void free_compound_user_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	mm_fail(m, "free of compound user page %#lx order %u: user THPs are not modelled yet",
		pfn, order);
}

void vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma, uint64_t addr)
{
	(void)m, (void)vma, (void)addr;	/* no huge PMDs exist to split */
}

int hugepage_madvise(struct machine *m, struct vm_area_struct *vma, unsigned long *vm_flags,
		     long advice)
{
	(void)m, (void)vma;
	if (advice == MADV_HUGEPAGE) {
		*vm_flags &= ~VM_NOHUGEPAGE;
		*vm_flags |= VM_HUGEPAGE;
		/* VM_NO_KHUGEPAGED VMAs take the flag but khugepaged skips them */
	} else {
		*vm_flags &= ~VM_HUGEPAGE;
		*vm_flags |= VM_NOHUGEPAGE;
	}
	return 0;
}
