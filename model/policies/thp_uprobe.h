/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * thp_uprobe.h - the family of policies for uprobes in THP text (seed 001,
 * "THP aware uprobe").
 *
 * The mechanism (model/uprobes.c, uprobe_write_opcode) reads the page
 * through get_user_pages_remote, copies it with the breakpoint written or
 * taken out, and swaps the copy in (__replace_page).  An entry's ops are
 * where the kernels differ: which split flag the read passes, whether
 * taking the last breakpoint out of a page maps the page cache's page
 * back instead of keeping a copy, what happens after that to a page that
 * belongs to a THP, and (read by model/khugepaged.c) what khugepaged does
 * with THPs left mapped by PTEs.
 */
#ifndef MMSIM_POLICIES_THP_UPROBE_H
#define MMSIM_POLICIES_THP_UPROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct mm_struct;
struct vm_area_struct;

/*
 * What khugepaged does with a file THP some process maps by PTEs (the
 * khugepaged helper implements each; the uprobe side only calls
 * collapse_pte_mapped_thp).
 */
enum thp_uprobe_collapse {
	/* Nothing: no collapse_pte_mapped_thp (before 5.4; the series without patches 5-6) */
	THP_UPROBE_COLLAPSE_NONE,
	/*
	 * 6.1: collapse_pte_mapped_thp under the mmap write lock;
	 * retract_page_tables trylocks, else khugepaged_add_pte_mapped_thp
	 * (the per-mm array of 8) defers it to the next scan
	 */
	THP_UPROBE_COLLAPSE_6_1,
	/*
	 * 6.6 (Hugh Dickins): collapse under the mmap read lock, the page
	 * table freed after an RCU grace period, no per-mm array
	 */
	THP_UPROBE_COLLAPSE_6_6,
};

struct thp_uprobe_ops {
	/* Added to FOLL_FORCE when uprobe_write_opcode installs / removes a breakpoint */
	unsigned int register_gup_flags;
	unsigned int unregister_gup_flags;
	/*
	 * On removal, @new_page is the copy with the original instruction
	 * back.  True when the page cache's page at that offset should be
	 * mapped instead (the copy is dropped and the PTE cleared; the file
	 * page refaults); *@huge then says whether that page is part of a
	 * THP.  False keeps the copy.
	 */
	bool (*use_orig_page)(struct machine *m, struct vm_area_struct *vma, uint64_t vaddr,
			      unsigned long new_page, bool *huge);
	/*
	 * After a removal that gave a THP's page back (uprobe_write_opcode's
	 * last step), with the mmap write lock held; NULL: nothing.
	 */
	void (*after_restore)(struct machine *m, struct mm_struct *mm, uint64_t vaddr);
	/* What khugepaged does with PTE-mapped file THPs (model/khugepaged.c reads it) */
	enum thp_uprobe_collapse collapse;
};

/* The "thp-uprobe" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_thp_uprobe;

/* The entry machine m runs */
static inline const struct thp_uprobe_ops *thp_uprobe_ops(const struct machine *m)
{
	return machine_policy(m, &policy_family_thp_uprobe);
}

#endif /* MMSIM_POLICIES_THP_UPROBE_H */
