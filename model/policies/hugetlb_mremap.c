// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_mremap.c - mremap of hugetlb VMAs (see hugetlb_mremap.h): the
 * functions of the hooks where the kernels differ, and one table with an
 * entry per variant.
 *
 * reject	Linux before 5.17: vma_to_resize refuses a hugetlb VMA with
 *		EINVAL, so every growth and every move fails; a shrink (which
 *		does not call vma_to_resize) is a plain munmap of the tail.
 * move-v1	seed 003's v1 as issue #10 describes it: the page tables are
 *		moved without unsharing a shared PMD, and the old VMA's
 *		reservation is left in place, which is what makes the unmap of
 *		the new VMA give the reservation back a second time.  The
 *		system call's checks are 5.17's.  (The v1 diff quoted in the
 *		seed already calls clear_vma_resv_huge_pages; see
 *		docs/model-notes.md.)
 * move		Linux 5.17 (550a7d60bd5e, Mina Almasry) as in 6.1: lengths
 *		aligned up to the huge page size, both addresses aligned and
 *		no growth (EINVAL), move_hugetlb_page_tables unsharing shared
 *		PMDs, clear_vma_resv_huge_pages on the old VMA after the move.
 *
 * The model has no hugetlb VMAs yet: move_hugetlb_page_tables and
 * clear_vma_resv_huge_pages below are placeholders for the hugetlb
 * mapping work (a move reports a simulated failure), and a VMA's huge
 * page size is taken as 2 MiB until hstate_vma() exists.
 */
#include <errno.h>

#include "machine.h"
#include "mm.h"
#include "mm_types.h"
#include "policies/hugetlb_mremap.h"
#include "policy.h"

/* huge_page_size(hstate_vma(vma)), once hugetlb VMAs carry their hstate */
static uint64_t vma_huge_page_size(const struct vm_area_struct *vma)
{
	(void)vma;
	return HPAGE_PMD_SIZE;
}

/* -------------------------------------------------------------------------
 * The system call (mremap_check)
 */

/* before 5.17: no hugetlb block in the system call */
static long mremap_check_none(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      uint64_t new_addr, uint64_t *old_len, uint64_t *new_len)
{
	return 0;
}

/* 5.17: lengths aligned up, addresses aligned, no growth */
static long mremap_check_aligned(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
				 uint64_t new_addr, uint64_t *old_len, uint64_t *new_len)
{
	uint64_t size = vma_huge_page_size(vma);

	*old_len = (*old_len + size - 1) & ~(size - 1);
	*new_len = (*new_len + size - 1) & ~(size - 1);
	if ((addr | new_addr) & (size - 1))
		return -EINVAL;
	/* the reservation cannot be split: no growth */
	if (*new_len > *old_len)
		return -EINVAL;
	return 0;
}

/* -------------------------------------------------------------------------
 * vma_to_resize (resize_check)
 */

static long resize_refuse(struct machine *m, struct vm_area_struct *vma)
{
	return -EINVAL;
}

static long resize_allow(struct machine *m, struct vm_area_struct *vma)
{
	return 0;
}

/* -------------------------------------------------------------------------
 * The page tables (move_page_tables)
 */

/*
 * move_hugetlb_page_tables, with or without huge_pmd_unshare first.  A
 * placeholder: hugetlb VMAs do not exist yet, so nothing in a scenario
 * gets here; a unit test that fakes one gets a simulated failure and
 * nothing moved (mremap then returns ENOMEM, as for a failed move).
 */
static uint64_t move_hugetlb_page_tables(struct machine *m, struct vm_area_struct *vma,
					 uint64_t old_addr, bool unshare)
{
	(void)vma;
	(void)unshare;
	mm_fail(m, "move_hugetlb_page_tables at %#llx: hugetlb mappings are not modelled yet",
		(unsigned long long)old_addr);
	return 0;
}

static uint64_t move_tables_unshare(struct machine *m, struct vm_area_struct *vma,
				    struct vm_area_struct *new_vma, uint64_t old_addr,
				    uint64_t new_addr, uint64_t len)
{
	return move_hugetlb_page_tables(m, vma, old_addr, true);
}

static uint64_t move_tables_no_unshare(struct machine *m, struct vm_area_struct *vma,
				       struct vm_area_struct *new_vma, uint64_t old_addr,
				       uint64_t new_addr, uint64_t len)
{
	return move_hugetlb_page_tables(m, vma, old_addr, false);
}

/* before 5.17 vma_to_resize refused every move first */
static uint64_t move_tables_unreachable(struct machine *m, struct vm_area_struct *vma,
					struct vm_area_struct *new_vma, uint64_t old_addr,
					uint64_t new_addr, uint64_t len)
{
	mm_fail(m, "BUG: a hugetlb VMA moved by mremap at %#llx, which this kernel refuses",
		(unsigned long long)old_addr);
	return 0;
}

/* -------------------------------------------------------------------------
 * The old VMA's reservation (clear_resv)
 */

/*
 * clear_vma_resv_huge_pages: the old VMA drops its reference to the
 * private resv_map and its owner flag, so its unmap returns nothing; the
 * reservation lives on in the new VMA.  Hugetlb VMAs have no resv_map
 * in the model yet: nothing to clear.
 */
static void clear_vma_resv_huge_pages(struct machine *m, struct vm_area_struct *vma)
{
}

/* the old VMA keeps its reservation: its unmap gives it back */
static void keep_vma_resv(struct machine *m, struct vm_area_struct *vma)
{
}

static const struct policy hugetlb_mremap_policies[] = {
	{
		.name = "reject",
		.summary = "before 5.17: growing or moving a hugetlb VMA fails with EINVAL",
		.models = "Linux 5.16 and earlier",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_none,
			.resize_check = resize_refuse,
			.move_page_tables = move_tables_unreachable,
			.clear_resv = keep_vma_resv,
		},
	},
	{
		.name = "move-v1",
		.summary = "seed 003 v1 per issue #10: no PMD unshare, old reservation kept",
		.models = "seed 003, v1 (2021-07-30), as issue #10 describes it",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_aligned,
			.resize_check = resize_allow,
			.move_page_tables = move_tables_no_unshare,
			.clear_resv = keep_vma_resv,
		},
	},
	{
		.name = "move",
		.summary = "Linux 5.17 (550a7d60bd5e), 6.1: unshare, move, clear old reservation",
		.models = "Linux 5.17, commit 550a7d60bd5e; 6.1",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_aligned,
			.resize_check = resize_allow,
			.move_page_tables = move_tables_unshare,
			.clear_resv = clear_vma_resv_huge_pages,
		},
	},
};

const struct policy_family policy_family_hugetlb_mremap = {
	.name = "hugetlb-mremap",
	.summary = "mremap of hugetlb VMAs (only its hugetlb branch until hugetlb mappings exist)",
	.policies = hugetlb_mremap_policies,
	.nr_policies = ARRAY_SIZE(hugetlb_mremap_policies),
	.default_idx = 2,
};
