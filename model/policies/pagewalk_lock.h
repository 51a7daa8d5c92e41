/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagewalk_lock.h - the family of page-walker lock rules: which mmap lock
 * each entry point of the walker (pagewalk.c) asserts, as the kernel
 * versions the entries model assert it.  The walk itself is the same in
 * all; only the assertions (and the name the kernel gives the function a
 * no-VMA walk of that mm goes through) differ.
 */
#ifndef MMSIM_POLICIES_PAGEWALK_LOCK_H
#define MMSIM_POLICIES_PAGEWALK_LOCK_H

#include "pagewalk.h"
#include "policy.h"

struct pagewalk_lock_ops {
	/*
	 * walk_page_range, walk_page_vma: assert the mmap lock of @mm a walk
	 * of its VMAs with @lock (the ops' walk_lock) needs, naming @walker.
	 */
	void (*assert_vma_walk)(struct machine *m, const char *walker, struct mm_struct *mm,
				enum page_walk_lock lock);
	/*
	 * walk_page_range_novma on @mm: assert what this kernel asserts for a
	 * walk of @mm's tables with no VMA, under the name of the function
	 * that kernel's callers use for it.
	 */
	void (*assert_novma)(struct machine *m, struct mm_struct *mm);
};

/* The "pagewalk-lock" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_pagewalk_lock;

/* The entry machine m runs */
static inline const struct pagewalk_lock_ops *pagewalk_lock_ops(const struct machine *m)
{
	return machine_policy(m, &policy_family_pagewalk_lock);
}

#endif /* MMSIM_POLICIES_PAGEWALK_LOCK_H */
