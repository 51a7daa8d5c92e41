/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * huge_memory.h - transparent huge pages in user mappings
 * (mm/huge_memory.c): huge PMD faults, zap, copy at fork and split.
 */
#ifndef MMSIM_HUGE_MEMORY_H
#define MMSIM_HUGE_MEMORY_H

#include "gfp.h"
#include "memory.h"

/* /sys/kernel/mm/transparent_hugepage/enabled and defrag values */
enum thp_enabled { THP_ALWAYS, THP_MADVISE, THP_NEVER };
enum thp_defrag { THP_DEFRAG_ALWAYS, THP_DEFRAG_DEFER, THP_DEFRAG_DEFER_MADVISE,
		  THP_DEFRAG_MADVISE, THP_DEFRAG_NEVER };

struct thp_settings {
	bool init;
	int enabled;			/* enum thp_enabled */
	int defrag;			/* enum thp_defrag */
	bool use_zero_page;
	int shmem_enabled;		/* enum shmem_huge (filemap.h) */
	int shm_mnt_huge;		/* huge= of the internal mount (shared anon memory) */
	unsigned long huge_zero_pfn;	/* PFN_NONE until first used */
	long huge_zero_users;		/* mms that hold it */
};

struct thp_settings *thp_settings(struct machine *m);
bool transhuge_vma_suitable(const struct vm_area_struct *vma, uint64_t addr);
/* May this VMA have THPs (smaps: for THPeligible; in_pf: in a fault)? */
bool hugepage_vma_check(struct machine *m, const struct vm_area_struct *vma, bool smaps,
			bool in_pf);
/* The same for flags vm_flags; enforce_sysfs false for MADV_COLLAPSE */
bool hugepage_vma_check_flags(struct machine *m, const struct vm_area_struct *vma,
			      unsigned long vm_flags, bool smaps, bool in_pf, bool enforce_sysfs);
/* Deposit pt, a PTE table mm already counts, under the huge PMD at (pmd_table, idx) */
void pgtable_trans_huge_deposit(struct mm_struct *mm, unsigned long pmd_table, unsigned int idx,
				unsigned long pt);
gfp_t vma_thp_gfp_mask(struct machine *m, const struct vm_area_struct *vma);
/* An order-9 folio for a fault: local node first, as vma_alloc_folio does */
unsigned long vma_alloc_hugepage(struct machine *m, gfp_t gfp);
bool is_huge_zero_pmd(struct machine *m, pteval_t pmd);
/*
 * Map the file THP at head by PMD: 0 (the caller's reference is the PMD's
 * now), VM_FAULT_NOPAGE (someone mapped the PMD first) or
 * VM_FAULT_FALLBACK; in both of those the reference stays the caller's.
 * The caller holds the folio lock.
 */
vm_fault_t do_set_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		      unsigned long head, bool write, unsigned long pmd_table, unsigned int pmd_idx);
void split_huge_pmd_address(struct machine *m, struct vm_area_struct *vma, uint64_t addr);
/* 0, -EAGAIN (extra references) or -EBUSY; the caller holds a reference */
int split_huge_page(struct machine *m, unsigned long head);
void split_huge_pages_in(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end);

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
/* mremap: move the huge PMD at old to the empty PMD entry at new; false if it is not huge */
bool move_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t old_addr,
		   uint64_t new_addr, unsigned long old_pmd_table, unsigned int old_pmd_idx,
		   unsigned long new_pmd_table, unsigned int new_pmd_idx);
/* The last reference to a compound user page went */
void free_compound_user_page(struct machine *m, unsigned long pfn, unsigned int order);
/* A VMA boundary is moving to addr: split a huge PMD across it */
void vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma, uint64_t addr);
/* MADV_HUGEPAGE / MADV_NOHUGEPAGE on *vm_flags: 0 or -EINVAL */
int hugepage_madvise(struct machine *m, struct vm_area_struct *vma, unsigned long *vm_flags,
		     long advice);

/*
 * How THPs are mapped right now, over every live process (no kernel file
 * shows it; the thp.* counters and compare's thp-uprobe figures do):
 * huge PMDs onto THPs (the huge zero page not counted) and the THPs they
 * map, PTEs onto subpages of THPs and the THPs those belong to.  A THP
 * mapped both ways counts in both.
 */
struct thp_census {
	long pmd_maps, pmd_mapped;	/* thp.pmd_maps, thp.pmd_mapped */
	long pte_maps, pte_mapped;	/* thp.pte_maps, thp.pte_mapped */
};
void thp_census(struct machine *m, struct thp_census *c);

#endif /* MMSIM_HUGE_MEMORY_H */
