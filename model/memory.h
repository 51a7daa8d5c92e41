/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory.h - user page tables, page faults, unmapping and the copy at
 * fork (mm/memory.c), the page references they hold (include/linux/mm.h),
 * and the content tags of data pages.
 *
 * Data pages carry a content tag instead of bytes (DESIGN section 4): 0
 * for a page of zeroes, a fresh number for each write, the source's tag
 * for a copy.  "Is this anon page still a copy of that file page" is
 * then a comparison of tags.
 */
#ifndef MMSIM_MEMORY_H
#define MMSIM_MEMORY_H

#include "mm.h"
#include "mm_types.h"
#include "pgtable.h"

/* User PTE bits beyond pgtable.h's (arch/x86/include/asm/pgtable_types.h) */
#define _PAGE_PROTNONE	_PAGE_GLOBAL	/* only when _PAGE_PRESENT is clear */
#define _PAGE_SPECIAL	(1ULL << 9)	/* no struct page behind it (the zero page) */

/* A user entry that maps something (pte_present: PROTNONE counts) */
static inline bool upte_present(pteval_t e)
{
	return e & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* vm_fault_t bits (include/linux/mm_types.h) */
#define VM_FAULT_OOM		0x0001u
#define VM_FAULT_SIGBUS		0x0002u
#define VM_FAULT_SIGSEGV	0x0040u
#define VM_FAULT_NOPAGE		0x0100u
#define VM_FAULT_RETRY		0x0400u
#define VM_FAULT_FALLBACK	0x0800u
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)
typedef unsigned int vm_fault_t;

#define FAULT_FLAG_WRITE	0x01u

/* The x86 protection_map for a VMA's flags (arch/x86/mm/pgprot.c) */
pteval_t vm_get_page_prot(unsigned long vm_flags);

/* ---- page references and content ------------------------------------ */
void get_page(struct machine *m, unsigned long pfn);
/* Drop a reference; the last one frees the page off the LRU */
void put_page(struct machine *m, unsigned long pfn);

uint64_t page_content(struct machine *m, unsigned long pfn);
void set_page_content(struct machine *m, unsigned long pfn, uint64_t tag);
/* The page was written: it holds something no other page holds */
void page_content_write(struct machine *m, unsigned long pfn);

/* ---- user page tables ------------------------------------------------- */
int user_mm_init(struct machine *m, struct mm_struct *mm);
/* Free the pgd and the mm's bookkeeping; every VMA must be gone */
void user_mm_destroy(struct machine *m, struct mm_struct *mm);

/* The lock of a PTE or PMD table (split page-table locks) */
spinlock_t *table_lock(struct machine *m, struct mm_struct *mm, unsigned long table);

/*
 * The PMD entry for addr: table and index, or false when a level above
 * is missing (with alloc, missing levels are allocated: -ENOMEM in *err).
 */
bool pmd_slot(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc,
	      unsigned long *table, unsigned int *idx, int *err);

/* The PUD entry for addr (the p4d level is folded), as pmd_slot */
bool pud_slot(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc,
	      unsigned long *table, unsigned int *idx, int *err);
/* pte_alloc: the PMD entry at (pmd_table, pmd_idx) gets a PTE table if empty: 0 or -ENOMEM */
int __pte_alloc(struct machine *m, struct mm_struct *mm, unsigned long pmd_table,
		unsigned int pmd_idx);
/* pte_alloc: the same, as the kernel's wrapper spells it (gup, uprobes) */
static inline int pte_alloc(struct machine *m, struct mm_struct *mm, unsigned long pmd_table,
			    unsigned int pmd_idx)
{
	return __pte_alloc(m, mm, pmd_table, pmd_idx);
}

/* ---- faults, unmap, fork ---------------------------------------------- */
vm_fault_t handle_mm_fault(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   unsigned int flags);

/* What a user access ended in */
enum user_access { UA_OK, UA_SIGSEGV_MAPERR, UA_SIGSEGV_ACCERR, UA_SIGBUS, UA_OOM };

/*
 * One user load or store at addr, as the CPU does it: walk the page
 * tables (the TLB fill), and on a miss or a protection fault enter the
 * fault handler the way do_user_addr_fault does, then retry.
 */
enum user_access user_access(struct machine *m, struct mm_struct *mm, uint64_t addr,
			     bool write);

/* zap_page_range_single / unmap_vmas: clear [start, end) of vma */
void zap_vma_range(struct machine *m, struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* free_pgtables for the VMAs vmas[0..n) (in address order), with the
 * kernel's floor/ceiling rule: tables are freed only when nothing outside
 * [floor, ceiling) can be using them. */
void free_pgtables(struct machine *m, struct mm_struct *mm, struct vm_area_struct **vmas,
		   unsigned int n, uint64_t floor, uint64_t ceiling);

/* copy_page_range at fork: 0 or -ENOMEM */
int copy_page_range(struct machine *m, struct vm_area_struct *dst,
		    struct vm_area_struct *src);

/* change_protection for mprotect */
void change_protection(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end, unsigned long newflags);

/* Would an access at addr fault?  (follow_page without taking a reference) */
bool follow_page_present(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			 bool write);

/* The rss counter a mapped page counts in (mm_counter / mm_counter_file) */
enum mm_counter mm_counter_of(struct machine *m, unsigned long pfn);
void inc_mm_counter(struct mm_struct *mm, enum mm_counter c, long n);

/* Put a user page on its LRU list (folio_add_lru) */
void lru_cache_add(struct machine *m, unsigned long pfn, long nr);
/* Take it off (isolation, or before it is freed); nothing if it is not on one */
void lru_del(struct machine *m, unsigned long pfn, long nr);

/* The page a present PTE maps, or PFN_NONE for the zero page (vm_normal_page) */
static inline unsigned long vm_normal_pfn(pteval_t e)
{
	return (e & _PAGE_SPECIAL) ? PFN_NONE : pte_pfn(e);
}

#endif /* MMSIM_MEMORY_H */
