/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb_mremap.h - the family of policies for mremap of hugetlb VMAs.
 *
 * The mechanism (mremap.c) is 6.1's mremap; an entry's ops are what its
 * kernel does at the four places where mremap treats a hugetlb VMA
 * differently, each a call from mremap.c marked "hugetlb branch":
 *   mremap_check      the system call, right after the VMA lookup
 *   resize_check      vma_to_resize, before the boundary check
 *   move_page_tables  move_page_tables' hugetlb branch
 *   clear_resv        move_vma, after the tables moved
 *
 * The entries (hugetlb_mremap.c): reject (before 5.17), move-v1 (seed
 * 003 v1 as posted), move-noclear (v1 without clear_vma_resv_huge_pages)
 * and move (5.17, 6.1; the default).  The family's compare figures are
 * the default huge page size's HugePages_Total/Free/Rsvd/Surp, the
 * hugetlb counter underflows reported, the PMD tables shared at the end
 * and the unshares done.
 */
#ifndef MMSIM_POLICIES_HUGETLB_MREMAP_H
#define MMSIM_POLICIES_HUGETLB_MREMAP_H

#include <stdint.h>

#include "policy.h"

struct machine;
struct vm_area_struct;

struct hugetlb_mremap_ops {
	/*
	 * The system call's checks for a hugetlb VMA: 0 or -EINVAL.  May
	 * align *old_len and *new_len up to the huge page size (5.17+:
	 * both addresses huge-page aligned, no growth).
	 */
	long (*mremap_check)(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			     uint64_t new_addr, uint64_t *old_len, uint64_t *new_len);
	/* vma_to_resize's check: 0, or -EINVAL when it refuses hugetlb VMAs (before 5.17) */
	long (*resize_check)(struct machine *m, struct vm_area_struct *vma);
	/* move_page_tables for a hugetlb VMA: how many bytes moved */
	uint64_t (*move_page_tables)(struct machine *m, struct vm_area_struct *vma,
				     struct vm_area_struct *new_vma, uint64_t old_addr,
				     uint64_t new_addr, uint64_t len);
	/* move_vma, once the tables moved: what becomes of the old VMA's reservation */
	void (*clear_resv)(struct machine *m, struct vm_area_struct *vma);
};

/* The "hugetlb-mremap" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_hugetlb_mremap;

/* The entry machine m runs */
static inline const struct hugetlb_mremap_ops *hugetlb_mremap_ops(const struct machine *m)
{
	return machine_policy(m, &policy_family_hugetlb_mremap);
}

#endif /* MMSIM_POLICIES_HUGETLB_MREMAP_H */
