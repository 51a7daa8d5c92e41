// SPDX-License-Identifier: GPL-2.0-only
/*
 * thp_uprobe.c - uprobes in THP text (see thp_uprobe.h): the hooks where
 * the kernels differ and one table with an entry per variant.
 *
 * foll-split	Linux 5.3, before the seed: uprobe_write_opcode reads the
 *		page with FOLL_FORCE|FOLL_SPLIT both ways, so the first
 *		breakpoint splits the file THP into 512 small pages for
 *		good (split_huge_page: every process's PMD goes); taking
 *		the last breakpoint out keeps an anonymous copy with the
 *		original instruction (no page cache page is mapped back).
 * split-pmd	The seed's series, patches 1-4 of v12 (Song Liu, 2019):
 *		FOLL_SPLIT_PMD both ways (only this mm's PMD is split, the
 *		THP stays), and the last breakpoint out of a page gives the
 *		page cache's page back when it is uptodate and identical
 *		(the anonymous copy goes, the PTE is cleared, the file page
 *		refaults).  No collapse: the text stays PTE-mapped.
 * split-pmd-collapse  Linux 6.1 (the whole series, 5.4, plus 5.4's
 *		"only do FOLL_SPLIT_PMD for uprobe register"): FOLL_SPLIT_PMD
 *		when installing only; after giving a THP's page back,
 *		collapse_pte_mapped_thp(mm, vaddr, false) under the mmap
 *		write lock; khugepaged retries what it could not do
 *		(MAX_PTE_MAPPED_THP addresses per mm).
 * collapse-6.6	Linux 6.6: the same uprobe side; khugepaged's collapse is
 *		Hugh Dickins' rework ("collapse_pte_mapped_thp() with
 *		mmap_read_lock()", "retract_page_tables() without mmap or
 *		vma lock", pte_free_defer), implemented in khugepaged.c.
 */
#include "policies/thp_uprobe.h"
#include "filemap.h"
#include "gup.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "machine.h"
#include "memory.h"
#include "mmzone.h"
#include "page.h"
#include "rmap.h"
#include "uprobes.h"

/* -------------------------------------------------------------------------
 * On removal: the page cache's page, or the copy (use_orig_page)
 */

/* 5.3: the copy stays */
static bool keep_copy(struct machine *m, struct vm_area_struct *vma, uint64_t vaddr,
		      unsigned long new_page, bool *huge)
{
	return false;
}

/*
 * 5.4+: find_get_page at the offset; when it is uptodate and identical
 * to the copy (pages_identical: the same content tag), map it back.
 */
static bool orig_page_if_identical(struct machine *m, struct vm_area_struct *vma, uint64_t vaddr,
				   unsigned long new_page, bool *huge)
{
	unsigned long orig = page_cache_lookup(m, vma->vm_file, linear_page_index(vma, vaddr));
	bool same = false;

	if (orig == PFN_NONE)
		return false;
	get_page(m, orig);
	if (PageUptodate(m, page_head(m, orig)) &&
	    page_content(m, orig) == page_content(m, new_page)) {
		same = true;
		*huge = PageCompound(m, orig);
	}
	put_page(m, orig);
	return same;
}

/* -------------------------------------------------------------------------
 * After giving a THP's page back (after_restore)
 */

static void collapse_after_restore(struct machine *m, struct mm_struct *mm, uint64_t vaddr)
{
	collapse_pte_mapped_thp(m, mm, vaddr, false);
}

static const struct policy thp_uprobe_policies[] = {
	{
		.name = "foll-split",
		.summary = "before 5.4: the uprobe splits the THP into small pages for good",
		.models = "Linux 5.3, uprobe_write_opcode with FOLL_SPLIT",
		.ops = &(const struct thp_uprobe_ops){
			.register_gup_flags = FOLL_SPLIT,
			.unregister_gup_flags = FOLL_SPLIT,
			.use_orig_page = keep_copy,
			.after_restore = NULL,
			.collapse = THP_UPROBE_COLLAPSE_NONE,
		},
	},
	{
		.name = "split-pmd",
		.summary = "the seed without its collapse patches: the THP stays, PTE-mapped",
		.models = "seed 001 v12 patches 1-4 (FOLL_SPLIT_PMD both ways, original page restored)",
		.ops = &(const struct thp_uprobe_ops){
			.register_gup_flags = FOLL_SPLIT_PMD,
			.unregister_gup_flags = FOLL_SPLIT_PMD,
			.use_orig_page = orig_page_if_identical,
			.after_restore = NULL,
			.collapse = THP_UPROBE_COLLAPSE_NONE,
		},
	},
	{
		.name = "split-pmd-collapse",
		.summary = "Linux 6.1: split the PMD only, collapse after the last uprobe goes",
		.models = "Linux 6.1; seed 001 v12 patches 1-6 (5.4) and 5.4's "
			  "\"only do FOLL_SPLIT_PMD for uprobe register\"",
		.ops = &(const struct thp_uprobe_ops){
			.register_gup_flags = FOLL_SPLIT_PMD,
			.unregister_gup_flags = 0,
			.use_orig_page = orig_page_if_identical,
			.after_restore = collapse_after_restore,
			.collapse = THP_UPROBE_COLLAPSE_6_1,
		},
	},
	{
		.name = "collapse-6.6",
		.summary = "Linux 6.6: 6.1's uprobe side, khugepaged's collapse reworked",
		.models = "Linux 6.6, Hugh Dickins: collapse_pte_mapped_thp() with "
			  "mmap_read_lock(), retract_page_tables() without mmap or vma lock",
		.ops = &(const struct thp_uprobe_ops){
			.register_gup_flags = FOLL_SPLIT_PMD,
			.unregister_gup_flags = 0,
			.use_orig_page = orig_page_if_identical,
			.after_restore = collapse_after_restore,
			.collapse = THP_UPROBE_COLLAPSE_6_6,
		},
	},
};

/* -------------------------------------------------------------------------
 * What `mmsim compare` prints for the family (policy.h)
 */
static long node_sum(struct machine *m, int item)
{
	long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		n += m->node[nid].vm_stat[item];
	return n;
}

static long fig_pmd_mapped(struct machine *m, int nid)
{
	struct thp_census c;

	thp_census(m, &c);
	return c.pmd_mapped;
}

static long fig_pte_mapped(struct machine *m, int nid)
{
	struct thp_census c;

	thp_census(m, &c);
	return c.pte_mapped;
}

static long fig_split(struct machine *m, int nid)
{
	return (long)m->vm_events[THP_SPLIT_PAGE];
}

static long fig_pgtables(struct machine *m, int nid)
{
	return node_sum(m, NR_PAGETABLE);
}

static long fig_anon(struct machine *m, int nid)
{
	return node_sum(m, NR_ANON_MAPPED);
}

static long fig_file_mapped(struct machine *m, int nid)
{
	return node_sum(m, NR_FILE_MAPPED);
}

static long fig_kh_wakeups(struct machine *m, int nid)
{
	return (long)khugepaged_stats(m)->wakeups;
}

static long fig_kh_full_scans(struct machine *m, int nid)
{
	return (long)khugepaged_stats(m)->full_scans;
}

static long fig_kh_collapsed(struct machine *m, int nid)
{
	return (long)khugepaged_stats(m)->pages_collapsed;
}

static long fig_kh_thps(struct machine *m, int nid)
{
	return (long)m->vm_events[THP_COLLAPSE_ALLOC];
}

static long fig_remap(struct machine *m, int nid)
{
	long n = uprobe_remap_wakeups(m);

	return n == UPROBE_REMAP_NEVER ? POLICY_FIG_NEVER : n;
}

static const struct policy_figure thp_uprobe_figures[] = {
	{ "PMD-mapped THPs", fig_pmd_mapped, false },
	{ "PTE-mapped THPs", fig_pte_mapped, false },
	{ "split THPs", fig_split, false },
	{ "page-table pages", fig_pgtables, false },
	{ "anon pages", fig_anon, false },
	{ "file pages mapped", fig_file_mapped, false },
	{ "khugepaged wake-ups", fig_kh_wakeups, false },
	{ "khugepaged full scans", fig_kh_full_scans, false },
	{ "khugepaged pages_collapsed", fig_kh_collapsed, false },
	{ "THPs khugepaged made", fig_kh_thps, false },
	{ "wake-ups until PMD-mapped", fig_remap, false },
	{ NULL, NULL, false },
};

const struct policy_family policy_family_thp_uprobe = {
	.name = "thp-uprobe",
	.summary = "uprobes in THP text: what a breakpoint does to the THP and its PMD",
	.policies = thp_uprobe_policies,
	.nr_policies = ARRAY_SIZE(thp_uprobe_policies),
	.default_idx = 2,	/* split-pmd-collapse */
	.figures = thp_uprobe_figures,
};
