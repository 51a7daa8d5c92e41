/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gup.h - get_user_pages (mm/gup.c, 6.1): the slow path that walks
 * another process's page tables, faults in what is missing and returns
 * the pages with a reference each.
 *
 * What it models: get_user_pages_remote with the caller holding the
 * mmap lock (the @locked == NULL form, which never drops it), the
 * follow_page_mask -> follow_p4d_mask -> follow_pud_mask ->
 * follow_pmd_mask -> follow_page_pte walk with its flag rules, and
 * faultin_page.  A page comes back as the pfn of the exact 4 KiB page
 * at the address (a subpage of a THP too), with a reference on its
 * folio (try_grab_page / FOLL_GET): the caller drops it with put_page.
 *
 * Not modelled: FOLL_PIN (pin_user_pages), GUP-fast, FOLL_LONGTERM's
 * migration, hugetlb and device mappings, and dropping the mmap lock
 * (VM_FAULT_RETRY does not happen in the model).
 */
#ifndef MMSIM_GUP_H
#define MMSIM_GUP_H

#include "mm.h"
#include "mm_types.h"

/* gup_flags (include/linux/mm.h, 6.1) */
#define FOLL_WRITE	0x01	/* the page will be written: COW it first */
#define FOLL_TOUCH	0x02	/* mark the page accessed (and dirty for a write) */
#define FOLL_GET	0x04	/* take a reference (get_user_pages adds it) */
#define FOLL_DUMP	0x08	/* holes and the zero page are -EFAULT */
#define FOLL_FORCE	0x10	/* ignore VM_READ/VM_WRITE (ptrace, uprobes) */
#define FOLL_NOWAIT	0x20
#define FOLL_NOFAULT	0x80	/* never fault: -EFAULT instead */
#define FOLL_HWPOISON	0x100
#define FOLL_MIGRATION	0x400
#define FOLL_TRIED	0x800
#define FOLL_REMOTE	0x2000	/* another process's mm */
#define FOLL_ANON	0x8000	/* anonymous VMAs only */
#define FOLL_LONGTERM	0x10000
#define FOLL_SPLIT_PMD	0x20000	/* 5.4: split a huge PMD, keep the THP, return the PTE's page */
#define FOLL_PIN	0x40000	/* pin_user_pages: refused here, as get_user_pages_remote does */
#define FOLL_FAST_ONLY	0x80000
/*
 * 5.3's FOLL_SPLIT: split the THP itself into small pages (split_huge_page)
 * before returning one.  Removed in 5.13 ("mm: gup: remove FOLL_SPLIT");
 * its old value 0x80 is FOLL_NOFAULT's since 5.16, so the model gives it
 * a bit 6.1 does not use.  Only the thp-uprobe policy foll-split passes it.
 */
#define FOLL_SPLIT	0x100000

/*
 * get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, vmas, NULL):
 * the caller holds mm's mmap lock (read or write).  Returns the number of
 * pages done (stopping at the first failure), or a negative errno when
 * none was: -EFAULT (no VMA, or one the flags may not touch, or a fault
 * that ended in SIGSEGV/SIGBUS), -ENOMEM, -EBUSY (FOLL_SPLIT_PMD on an
 * unstable PMD), -EINVAL (FOLL_PIN or no flags for pages), and 0 when the
 * first fault asked for a retry.  pages[i] is a pfn with a reference
 * (FOLL_GET is implied when @pages is given); vmas[i] its VMA.
 */
long get_user_pages_remote(struct machine *m, struct mm_struct *mm, uint64_t start,
			   unsigned long nr_pages, unsigned int gup_flags, unsigned long *pages,
			   struct vm_area_struct **vmas);

/*
 * __get_user_pages: the loop itself (flags as given: FOLL_GET must be set
 * exactly when @pages is).  Same returns.
 */
long __get_user_pages(struct machine *m, struct mm_struct *mm, uint64_t start,
		      unsigned long nr_pages, unsigned int gup_flags, unsigned long *pages,
		      struct vm_area_struct **vmas);

/*
 * follow_page: the page at @address without faulting.  Returns 0 with
 * *pfn the page (referenced with FOLL_GET) or PFN_NONE when nothing is
 * mapped there that the flags accept, or a negative errno (-EFAULT,
 * -EEXIST for a mapping without a struct page, -EBUSY, -ENOMEM).
 */
int follow_page(struct machine *m, struct vm_area_struct *vma, uint64_t address,
		unsigned int foll_flags, unsigned long *pfn);

/* try_grab_page: the reference FOLL_GET takes (the zero page too, as 6.1 does) */
bool try_grab_page(struct machine *m, unsigned long pfn, unsigned int flags);

/* The 4 KiB zero page (is_zero_pfn) */
bool is_zero_pfn(struct machine *m, unsigned long pfn);

#endif /* MMSIM_GUP_H */
