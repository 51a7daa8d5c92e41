/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khugepaged.h - khugepaged and MADV_COLLAPSE (mm/khugepaged.c, 6.1, with
 * 6.6's collapse rework as a selectable variant): collapsing the 4 KiB
 * pages of an aligned 2 MiB range into one order-9 folio, anonymous
 * (collapse_huge_page) or tmpfs (collapse_file), and mapping a THP that
 * is mapped by PTEs by one PMD again (collapse_pte_mapped_thp,
 * retract_page_tables).
 *
 * khugepaged is not a thread here: the scenario runs it (`khugepaged N`
 * runs N wake-ups, each one khugepaged_do_scan of up to pages_to_scan
 * pages).  scan_sleep_millisecs and alloc_sleep_millisecs are kept and
 * shown, as their sysfs files are, but they are not a time: nothing
 * sleeps, and the scenario decides when khugepaged wakes.
 *
 * Result codes are the kernel's enum scan_result, in 6.1's order; the
 * counters and traces use the names the kernel's huge_memory trace
 * events print (scan_result_name()).
 */
#ifndef MMSIM_KHUGEPAGED_H
#define MMSIM_KHUGEPAGED_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"
#include "mm_types.h"

struct machine;

/* enum scan_result (mm/khugepaged.c, 6.1) */
enum scan_result {
	SCAN_FAIL,
	SCAN_SUCCEED,
	SCAN_PMD_NULL,
	SCAN_PMD_NONE,
	SCAN_PMD_MAPPED,
	SCAN_EXCEED_NONE_PTE,
	SCAN_EXCEED_SWAP_PTE,
	SCAN_EXCEED_SHARED_PTE,
	SCAN_PTE_NON_PRESENT,
	SCAN_PTE_UFFD_WP,
	SCAN_PTE_MAPPED_HUGEPAGE,
	SCAN_PAGE_RO,
	SCAN_LACK_REFERENCED_PAGE,
	SCAN_PAGE_NULL,
	SCAN_SCAN_ABORT,
	SCAN_PAGE_COUNT,
	SCAN_PAGE_LRU,
	SCAN_PAGE_LOCK,
	SCAN_PAGE_ANON,
	SCAN_PAGE_COMPOUND,
	SCAN_ANY_PROCESS,
	SCAN_VMA_NULL,
	SCAN_VMA_CHECK,
	SCAN_ADDRESS_RANGE,
	SCAN_DEL_PAGE_LRU,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
	SCAN_CGROUP_CHARGE_FAIL,
	SCAN_TRUNCATED,
	SCAN_PAGE_HAS_PRIVATE,
	SCAN_STORE_FAILED,
	NR_SCAN_RESULTS
};

/* What the huge_memory trace events print for r ("exceed_none_pte") */
const char *scan_result_name(int r);

#define MAX_PTE_MAPPED_THP	8	/* 6.1's per-mm array of pte-mapped THPs */

/*
 * Which kernel's collapse of pte-mapped THPs runs.  KHUGEPAGED_6_1:
 * collapse_pte_mapped_thp under the mmap write lock, retract_page_tables
 * under i_mmap_lock_write taking each mm's mmap lock by trylock and
 * deferring to the per-mm array of 8 when it fails, page tables freed at
 * once.  KHUGEPAGED_6_6 (Hugh Dickins' rework, 1043173eb5eb and the
 * "retract_page_tables() without mmap or vma lock" series): the mmap read
 * lock is enough, a check pass and then a second pass that clears the
 * PTEs under the PTE lock, no per-mm array, retraction under
 * i_mmap_lock_read only, and page tables freed after an RCU grace period
 * (pte_free_defer, rcu.h).
 */
enum khugepaged_variant { KHUGEPAGED_6_1, KHUGEPAGED_6_6 };

/* /sys/kernel/mm/transparent_hugepage/khugepaged/ and the variant */
struct khugepaged_settings {
	unsigned int pages_to_scan;		/* 4096 */
	unsigned int max_ptes_none;		/* 511 */
	unsigned int max_ptes_swap;		/* 64 */
	unsigned int max_ptes_shared;		/* 256 */
	unsigned int scan_sleep_millisecs;	/* 10000: shown, not a time */
	unsigned int alloc_sleep_millisecs;	/* 60000: shown, not a time */
	bool defrag;				/* 1: GFP_TRANSHUGE, 0: _LIGHT */
	enum khugepaged_variant variant;
	/* false before 5.4: a THP found in the page cache is SCAN_PAGE_COMPOUND,
	 * never collapsed back to a PMD (the thp-uprobe policy decides) */
	bool pte_mapped_thp;
};

/* What khugepaged did, for the khugepaged.* counters and the benchmark */
struct khugepaged_stats {
	unsigned long pages_collapsed;		/* the sysfs file */
	unsigned long full_scans;		/* the sysfs file */
	unsigned long wakeups;			/* khugepaged_do_scan runs */
	unsigned long pages_scanned;		/* their progress, summed */
	unsigned long pte_mapped_thp_added;	/* khugepaged_add_pte_mapped_thp kept one */
	unsigned long pte_mapped_thp_dropped;	/* ... found the array full (or no mm_slot) */
	unsigned long tables_retracted;		/* PTE tables retract_page_tables freed */
	unsigned long retract_deferred;		/* mmap_write_trylock failed (6.1) */
	unsigned long retract_anon_recheck;	/* ... its re-check under the lock found
						 * an anon_vma */
	unsigned long scan[NR_SCAN_RESULTS];	/* each range khugepaged scanned */
	unsigned long madvise[NR_SCAN_RESULTS];	/* each range MADV_COLLAPSE tried */
	unsigned long cpmt[NR_SCAN_RESULTS];	/* collapse_pte_mapped_thp's results */
	unsigned long retract[NR_SCAN_RESULTS];	/* retract_page_tables, per VMA */
};

struct khugepaged_settings *khugepaged_settings(struct machine *m);
const struct khugepaged_stats *khugepaged_stats(struct machine *m);

/* ---- registration (the mm_slot registry) --------------------------------- */

/* A VMA became eligible (mmap, a THP fault, MADV_HUGEPAGE): register its mm */
void khugepaged_enter_vma(struct machine *m, struct vm_area_struct *vma, unsigned long vm_flags);
void __khugepaged_enter(struct machine *m, struct mm_struct *mm);
/* fork: the child is registered when the parent is */
void khugepaged_fork(struct machine *m, struct mm_struct *mm, struct mm_struct *oldmm);
/* Before exit_mmap: the mm leaves the registry */
void khugepaged_exit(struct machine *m, struct mm_struct *mm);

/* ---- running it -------------------------------------------------------- */

/* One wake-up: khugepaged_do_scan */
void khugepaged_do_scan(struct machine *m);
/* `khugepaged N`: N wake-ups (and, for 6.6, the RCU callbacks they queued) */
void khugepaged_run(struct machine *m, unsigned long n);

/*
 * MADV_COLLAPSE on [start, end) of vma (madvise_collapse): the caller holds
 * the mmap read lock and holds it again on return.  0, -EINVAL, -EAGAIN,
 * -ENOMEM or -EBUSY as 6.1's madvise_collapse_errno maps the last failure.
 */
long madvise_collapse(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		      uint64_t end);

/*
 * Map the pte-mapped file THP at addr (rounded down to 2 MiB) by a PMD
 * again: every present PTE of the range must map the right subpage of the
 * THP the page cache holds there; the PTE table goes and, with install_pmd,
 * a huge PMD maps the THP (else the next fault does).  The caller holds the
 * mmap write lock (6.1; the 6.6 variant needs only the read lock).
 * Returns an enum scan_result: SCAN_SUCCEED, SCAN_PMD_MAPPED (already
 * PMD-mapped), or why it gave up (SCAN_VMA_CHECK, SCAN_PAGE_NULL,
 * SCAN_PTE_NON_PRESENT, SCAN_FAIL for a PTE that maps another page, ...).
 */
int collapse_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr,
			    bool install_pmd);

/* ---- for tests ---------------------------------------------------------- */

/*
 * The scratchpad of one collapse (struct collapse_control).  keep_locked
 * is the tests': collapse_file stops just before retract_page_tables and
 * hands back the new THP, locked and in the page cache (locked_hpage), for
 * a race test to run the retraction on a CPU of its own.
 */
struct collapse_control {
	bool is_khugepaged;
	unsigned int node_load[MAX_NUMNODES];
	bool keep_locked;
	unsigned long locked_hpage;
};

/* The mm's pte-mapped THP addresses (6.1), or -1 when it has no mm_slot */
int khugepaged_nr_pte_mapped_thp(struct machine *m, struct mm_struct *mm,
				 uint64_t addr[MAX_PTE_MAPPED_THP]);
/* Is the mm registered, and where is it in the scan order (0 = first), or -1 */
int khugepaged_mm_slot_pos(struct machine *m, struct mm_struct *mm);
bool khugepaged_add_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr);

/* The pieces, as khugepaged and MADV_COLLAPSE call them (mmap lock as there) */
int hpage_collapse_scan_pmd(struct machine *m, struct mm_struct *mm,
			    struct vm_area_struct *vma, uint64_t addr, bool *mmap_locked,
			    struct collapse_control *cc);
int hpage_collapse_scan_file(struct machine *m, struct mm_struct *mm, uint64_t addr,
			     struct inode *file, unsigned long start, struct collapse_control *cc);
int collapse_file(struct machine *m, struct mm_struct *mm, uint64_t addr, struct inode *file,
		  unsigned long start, struct collapse_control *cc);
/* collapse_file's last steps (keep_locked): retract, then unlock the THP */
int collapse_file_finish(struct machine *m, struct inode *file, unsigned long start,
			 struct mm_struct *mm, uint64_t addr, unsigned long hpage,
			 struct collapse_control *cc);

/* The khugepaged.* counters and the sysfs files */
struct vout;
void khugepaged_counters(struct machine *m, struct vout *vo);
void khugepaged_destroy(struct machine *m);

#endif /* MMSIM_KHUGEPAGED_H */
