/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmemmap_subpmd.h - the family of sub-PMD vmemmap policies: what x86 does
 * with a 2 MiB vmemmap PMD that a memmap fills only in part (struct pages
 * of 56 or 72 bytes, whose section memmap is not 2 MiB; sections added in
 * pieces).
 *
 * The mechanism (sparse.c) populates and frees PMDs; an entry's ops are
 * what its kernel does at the three points where the kernels differ:
 * after mapping a new PMD that the range fills in part, after finding
 * such a PMD already mapped, and when removing part of a PMD (is the
 * whole PMD unused now, so it can be freed?).
 */
#ifndef MMSIM_POLICIES_VMEMMAP_SUBPMD_H
#define MMSIM_POLICIES_VMEMMAP_SUBPMD_H

#include <stdint.h>

#include "policy.h"

struct vmemmap_subpmd_ops {
	/* vmemmap_use_new_sub_pmd: [start, end) of a PMD just mapped is used */
	void (*use_new_sub_pmd)(struct machine *m, uint64_t start, uint64_t end);
	/* vmemmap_use_sub_pmd: [start, end) of a PMD already mapped is used */
	void (*use_sub_pmd)(struct machine *m, uint64_t start, uint64_t end);
	/*
	 * remove_pmd_table, a huge PMD of which only [addr, end) goes: true
	 * when the whole PMD is unused now and may be freed
	 */
	bool (*pmd_is_unused)(struct machine *m, uint64_t addr, uint64_t end);
};

/* The "vmemmap-subpmd" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_vmemmap_subpmd;

static inline const struct vmemmap_subpmd_ops *vmemmap_subpmd_ops(const struct machine *m)
{
	return machine_policy(m, &policy_family_vmemmap_subpmd);
}

/* vmemmap_flush_unused_pmd: mark the pending tail (m->vmemmap.unused_pmd_start) */
void vmemmap_flush_unused_pmd(struct machine *m);

#endif /* MMSIM_POLICIES_VMEMMAP_SUBPMD_H */
