/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvo.h - the family of vmemmap optimisation policies.
 *
 * The mechanism (hugetlb_vmemmap.c) splits, remaps, flushes and frees;
 * a policy decides what happens to the head vmemmap page and how pages
 * are allocated and freed.  Each policy says which kernel or patch it
 * models.  Adding a variant is one more table entry in hvo.c.
 */
#ifndef MMSIM_POLICIES_HVO_H
#define MMSIM_POLICIES_HVO_H

#include "mm.h"
#include "policy.h"

enum hvo_head {
	HVO_HEAD_REUSE,		/* keep the head vmemmap page, map the tails onto it */
	HVO_HEAD_NEW,		/* copy the head vmemmap page into a new page first */
};

enum hvo_head_when {
	HVO_WHEN_ALWAYS,
	HVO_WHEN_BOOT,		/* only while the machine is still booting */
	HVO_WHEN_ALIGNED,	/* only when the head struct page starts its vmemmap page */
};

enum hvo_copy_at {
	HVO_COPY_BEFORE_WALK,	/* 6.2: copy, then split and remap */
	HVO_COPY_IN_WALK,	/* v1: allocate first, copy at the first PTE after the split */
};

struct hvo_policy {
	const char *name;
	const char *models;		/* kernel version / patch and commit */
	enum hvo_head head;
	enum hvo_head_when when;
	enum hvo_copy_at copy_at;
	unsigned int head_gfp;		/* gfp of the new head page */
	bool skip_if_no_head;		/* no fallback to reuse (6.12) */
	bool free_nonpcp;		/* free bypassing the per-cpu lists */
	unsigned int restore_gfp;	/* restore's order-0 allocations */
	bool no_reset_struct_pages;	/* restore copies without reset_struct_pages (6.12) */
	bool frozen_restore;		/* a freed pool page stays frozen through restore (6.12) */
	bool batch;			/* 6.7+: a pool write optimises its pages as one batch */
};

const struct hvo_policy *hvo_policy_find(const char *name);
const struct hvo_policy *hvo_policy_at(unsigned int i);
unsigned int hvo_nr_policies(void);
/* The registry's names match the table (a test runs this) */
bool hvo_family_check(void);

/* The "hvo" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_hvo;

/* The entry machine m runs */
static inline const struct hvo_policy *hvo_policy(const struct machine *m)
{
	return machine_policy(m, &policy_family_hvo);
}

#endif /* MMSIM_POLICIES_HVO_H */
