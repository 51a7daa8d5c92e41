// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvo.c - vmemmap optimisation policies (see hvo.h).
 *
 * reuse-head	Linux 6.1 (mm/hugetlb_vmemmap.c as of v6.1): the head
 *		vmemmap page stays and becomes the page every tail PTE maps
 *		read-only; 7 of 8 pages are freed per 2 MiB page.
 * new-head	Linux 6.2, 11aad2631bf7 "mm/hugetlb_vmemmap: remap head page
 *		to newly allocated page" (Joao Martins): before the walk a new
 *		page is allocated with GFP_KERNEL|__GFP_THISNODE|__GFP_NORETRY|
 *		__GFP_NOWARN on the hugepage's node and the head vmemmap page
 *		copied into it; the head PTE maps it read-write, the tails
 *		read-only, and all 8 original pages are freed.  If the
 *		allocation fails the old head page is reused.
 * new-head-v1	The seed's v1 patch (2022-08-02): the page is allocated with
 *		GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN (any node) before
 *		the walk, and the copy is made inside the walk, at the first
 *		PTE, after the PMD was split.
 * new-head-boot Muchun Song's variant from the review (2022-08-03): only
 *		while hugepages are allocated early at boot, with
 *		GFP_KERNEL|__GFP_THISNODE|__GFP_NORETRY|__GFP_NOWARN, freeing
 *		the vmemmap pages with the zone's per-cpu lists disabled.
 * new-head-aligned Joao Martins's follow-up in the review (2022-08-03): v1,
 *		but only when the head struct page starts its vmemmap page
 *		(IS_ALIGNED(start, PAGE_SIZE)).  With power-of-two struct page
 *		sizes, the only ones HVO accepts, a 2 MiB or 1 GiB head is
 *		always aligned, so this behaves as new-head-v1.
 * new-head-6.7	Linux 6.7: 6a898c2757af drops __GFP_THISNODE from the head
 *		allocation (GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN, so the new
 *		head may come from another node), and the batching series
 *		(hugetlb_vmemmap_optimize_folios, Mike Kravetz / Joao Martins):
 *		split every PMD of the batch, one flush_tlb_all, remap all
 *		collecting the freed pages, one flush_tlb_all, free them in one
 *		list; on ENOMEM free what was collected and retry that page
 *		once.  Restore allocates with GFP_KERNEL|__GFP_RETRY_MAYFAIL.
 * new-head-6.12 Debian 6.12.117 (stable backport of "mm/hugetlb: refactor
 *		code around vmemmap_walk", Kiryl Shutemov, 2025-26): the head
 *		copy is always allocated with plain GFP_KERNEL and failure
 *		leaves the page unoptimised; PTE 0 maps the copy read-write,
 *		the rest read-only; every original page is freed; restore
 *		copies without reset_struct_pages.  Batched as in 6.7.  A
 *		pool page on its way back to the buddy stays frozen
 *		(refcount 0) until its vmemmap is restored
 *		(remove_hugetlb_folio takes no reference;
 *		__update_and_free_hugetlb_folio calls folio_ref_unfreeze
 *		after hugetlb_vmemmap_restore_folio, which warns on a
 *		nonzero refcount): the struct pages that restore fills with
 *		byte copies of the head so carry refcount 0 into the buddy.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policies/hvo.h"
#include "policy.h"
#include "page_alloc.h"
#include "pgtable.h"

static const struct hvo_policy hvo_policies[] = {
	{
		.name = "reuse-head", .models = "Linux 6.1",
		.head = HVO_HEAD_REUSE,
		.restore_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE,
	},
	{
		.name = "new-head", .models = "Linux 6.2, commit 11aad2631bf7",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_ALWAYS, .copy_at = HVO_COPY_BEFORE_WALK,
		.head_gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
		.restore_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE,
	},
	{
		.name = "new-head-v1", .models = "seed 000 v1 patch, 2022-08-02",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_ALWAYS, .copy_at = HVO_COPY_IN_WALK,
		.head_gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
		.restore_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE,
	},
	{
		.name = "new-head-boot", .models = "seed 000 review, Muchun Song 2022-08-03",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_BOOT, .copy_at = HVO_COPY_BEFORE_WALK,
		.head_gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
		.free_nonpcp = true,
		.restore_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE,
	},
	{
		.name = "new-head-aligned", .models = "seed 000 review, Joao Martins 2022-08-03",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_ALIGNED, .copy_at = HVO_COPY_IN_WALK,
		.head_gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
		.restore_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE,
	},
	{
		.name = "new-head-6.7", .models = "Linux 6.7, commits 6a898c2757af and the HVO batching series",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_ALWAYS, .copy_at = HVO_COPY_BEFORE_WALK,
		.head_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
		.restore_gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL,
		.batch = true,
	},
	{
		.name = "new-head-6.12", .models = "Debian 6.12.117, mm/hugetlb: refactor code around vmemmap_walk",
		.head = HVO_HEAD_NEW, .when = HVO_WHEN_ALWAYS, .copy_at = HVO_COPY_BEFORE_WALK,
		.head_gfp = GFP_KERNEL,
		.skip_if_no_head = true,
		.restore_gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL,
		.no_reset_struct_pages = true,
		.frozen_restore = true,
		.batch = true,
	},
};

const struct hvo_policy *hvo_policy_find(const char *name)
{
	if (!name || !*name)
		return &hvo_policies[0];
	for (size_t i = 0; i < ARRAY_SIZE(hvo_policies); i++)
		if (!strcmp(hvo_policies[i].name, name))
			return &hvo_policies[i];
	return NULL;
}

const struct hvo_policy *hvo_policy_at(unsigned int i)
{
	return i < ARRAY_SIZE(hvo_policies) ? &hvo_policies[i] : NULL;
}

unsigned int hvo_nr_policies(void)
{
	return ARRAY_SIZE(hvo_policies);
}

/* -------------------------------------------------------------------------
 * The "hvo" family of the policy registry.  The names repeat the table
 * above; hvo_family_check() (run by the tests) verifies they agree.
 */
static const struct policy hvo_family_policies[] = {
	{ "reuse-head", "Linux 6.1: keep the head vmemmap page, free 7 of 8", &hvo_policies[0] },
	{ "new-head", "Linux 6.2 (11aad2631bf7): copy the head into a new page, free all 8",
	  &hvo_policies[1] },
	{ "new-head-v1", "seed 000 v1: RETRY_MAYFAIL head, copy inside the walk", &hvo_policies[2] },
	{ "new-head-boot", "review: new head only while booting, free without pcp",
	  &hvo_policies[3] },
	{ "new-head-aligned", "review: v1 when the head struct page is page aligned",
	  &hvo_policies[4] },
	{ "new-head-6.7", "Linux 6.7: no __GFP_THISNODE, batched optimisation", &hvo_policies[5] },
	{ "new-head-6.12", "Debian 6.12: GFP_KERNEL head or no HVO, head/tail scheme",
	  &hvo_policies[6] },
};

static int hvo_apply_opts(struct machine_opts *o, const struct policy *p, char *err, size_t errlen)
{
	const struct hvo_policy *hp = p->ops;

	if ((size_t)snprintf(o->hvo_policy, sizeof(o->hvo_policy), "%s", hp->name) >=
	    sizeof(o->hvo_policy)) {
		snprintf(err, errlen, "hvo policy name '%s' too long", hp->name);
		return -EINVAL;
	}
	return 0;
}

static int hvo_apply(struct machine *m, const struct policy *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	m->hvo = p->ops;
	return 0;
}

/* compare's figures for the family, at the end of this file */
extern const struct policy_figure hvo_compare_figures[];

const struct policy_family policy_family_hvo = {
	.name = "hvo",
	.summary = "HugeTLB vmemmap optimisation: what happens to the head vmemmap page",
	.policies = hvo_family_policies,
	.nr_policies = ARRAY_SIZE(hvo_family_policies),
	.default_idx = 0,
	.apply = hvo_apply,
	.apply_opts = hvo_apply_opts,
	.figures = hvo_compare_figures,
};

bool hvo_family_check(void)
{
	if (ARRAY_SIZE(hvo_family_policies) != ARRAY_SIZE(hvo_policies))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(hvo_policies); i++)
		if (strcmp(hvo_family_policies[i].name, hvo_policies[i].name) ||
		    hvo_family_policies[i].ops != &hvo_policies[i])
			return false;
	return true;
}

/* -------------------------------------------------------------------------
 * What `mmsim compare` prints for the family (policy.h): the vmemmap
 * optimisation's work, machine-wide and, for new head pages, per node.
 */
static long hvo_fig_vmemmap_freed(struct machine *m, int nid)
{
	return (long)m->hvo_stats.vmemmap_pages_freed;
}

/* New head pages: on node @nid, or on every node for -1 */
static long hvo_fig_heads(struct machine *m, int nid)
{
	unsigned long n = 0;

	if (nid >= 0)
		return (long)m->hvo_stats.heads_allocated[nid];
	for (int i = 0; i < m->nr_nodes; i++)
		n += m->hvo_stats.heads_allocated[i];
	return (long)n;
}

static long hvo_fig_head_failed(struct machine *m, int nid)
{
	return (long)m->hvo_stats.head_alloc_failed;
}

/* The vmemmap's page tables: init_mm's table pages below the pgd */
static long hvo_fig_pgtable_pages(struct machine *m, int nid)
{
	return m->init_mm ? m->init_mm->nr_pgtables : 0;
}

static long hvo_fig_tlb_flushes(struct machine *m, int nid)
{
	return (long)m->tlb_flushes;
}

const struct policy_figure hvo_compare_figures[] = {
	{ "vmemmap pages freed", hvo_fig_vmemmap_freed, false },
	{ "head pages allocated", hvo_fig_heads, false },
	{ "head allocations failed", hvo_fig_head_failed, false },
	{ "vmemmap page-table pages", hvo_fig_pgtable_pages, false },
	{ "TLB flushes", hvo_fig_tlb_flushes, false },
	{ "head pages", hvo_fig_heads, true },
	{ NULL, NULL, false },
};
