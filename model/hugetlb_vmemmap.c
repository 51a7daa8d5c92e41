// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_vmemmap.c - HugeTLB Vmemmap Optimization (mm/hugetlb_vmemmap.c).
 *
 * A 2 MiB hugepage owns 8 vmemmap pages (512 struct pages of 64 bytes), a
 * 1 GiB one 4096.  The struct pages of every tail after the first vmemmap
 * page are identical in content to those in it, so the kernel maps the
 * tail vmemmap pages read-only onto one page and frees the rest.
 *
 * The mechanism here is 6.1's walk over init_mm's real page tables:
 *   - before the walk the policy may allocate a new head page
 *     (hvo_ops.alloc_head);
 *   - split each vmemmap PMD on the way (a PTE table page from the buddy,
 *     split_page() of the backing block unless it is boot memmap, a flush
 *     of the PMD range);
 *   - without a new head, the first PTE's frame becomes the reuse page;
 *     every other PTE goes to the policy's remap_pte, which maps it onto
 *     the reuse page and queues its frame;
 *   - one flush of the range, then the policy frees the queued frames
 *     (hvo_ops.free_vmemmap_page_list).
 * A split that fails undoes the walk with the policy's restore_pte.
 * Restore allocates the frames back (the policy's gfp, on the hugepage's
 * node), has restore_pte copy the reuse page into each and map it
 * read-write, and flushes; it fails with -ENOMEM when memory is short.
 *
 * Everything that differs between the kernels the policies model is in
 * their ops (policies/hvo.c), reached through hvo_ops(m); the mechanism
 * branches on no policy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "host.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "machine.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "policies/hvo.h"
#include "policy.h"
#include "vout.h"

#define HUGETLB_VMEMMAP_RESERVE_SIZE	PAGE_SIZE

unsigned long hugetlb_vmemmap_size(struct machine *m, const struct hstate *h)
{
	return pages_per_huge_page(h) * m->sps;
}

unsigned long hugetlb_vmemmap_optimizable_size(struct machine *m, const struct hstate *h)
{
	long size = (long)hugetlb_vmemmap_size(m, h) - (long)HUGETLB_VMEMMAP_RESERVE_SIZE;

	if (m->sps & (m->sps - 1))
		return 0;	/* struct page size not a power of two */
	return size > 0 ? (unsigned long)size : 0;
}

bool hugetlb_vmemmap_enabled(struct machine *m)
{
	return m->opts.hugetlb_free_vmemmap;
}

void hugetlb_vmemmap_set_enabled(struct machine *m, bool on)
{
	m->opts.hugetlb_free_vmemmap = on;
}

unsigned long vmemmap_frame(struct machine *m, uint64_t va)
{
	unsigned long frame;
	bool rw;

	return vmemmap_translate(m, va, &frame, &rw) ? frame : PFN_NONE;
}

static void fl_add(struct frame_list *l, unsigned long pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->pfn = host_reallocarray(l->pfn, l->cap, sizeof(*l->pfn),
					   "collecting freed vmemmap pages");
	}
	l->pfn[l->n++] = pfn;
}

bool vmemmap_free_account(struct machine *m, unsigned long pfn)
{
	m->hvo_stats.vmemmap_pages_freed++;
	fstore_frame_release(m, pfn);
	if (PageReserved(m, pfn))
		m->node[page_to_nid(m, pfn)].nr_memmap_boot_pages--;
	else
		m->node[page_to_nid(m, pfn)].nr_memmap_pages--;
	if (!PageReserved(m, pfn))
		return false;
	m->hvo_stats.bootmem_pages_freed++;
	return true;
}

unsigned long vmemmap_alloc_head(struct machine *m, int nid, gfp_t gfp)
{
	unsigned long page = alloc_pages_node(m, nid, gfp, 0);

	if (page == PFN_NONE) {
		m->hvo_stats.head_alloc_failed++;
		return PFN_NONE;
	}
	m->hvo_stats.heads_allocated[page_to_nid(m, page)]++;
	m->node[page_to_nid(m, page)].nr_memmap_pages++;
	return page;
}

/*
 * split_vmemmap_huge_pmd: give the PMD covering va a PTE table.  The new
 * table page comes from the running CPU's node, as pte_alloc_one_kernel.
 */
static int split_vmemmap_huge_pmd(struct machine *m, uint64_t va, unsigned int flags)
{
	SCHED_WHERE(m);
	enum pt_level level;
	pteval_t e = pt_walk(m, m->init_mm, va, &level, NULL, NULL);
	unsigned long head;
	int ret;

	if (level != PT_PMD || !pmd_leaf(e))
		return 0;
	head = pte_pfn(e);
	ret = pt_split_pmd(m, m->init_mm, va, -1);
	if (ret)
		return ret;
	if (!PageReserved(m, head))
		split_page(m, head, pageblock_order);
	m->hvo_stats.pmd_splits++;
	if (!(flags & VMEMMAP_SPLIT_NO_TLB_FLUSH))
		flush_tlb_kernel_range(m, va & ~(PMD_SIZE - 1), (va & ~(PMD_SIZE - 1)) + PMD_SIZE);
	return 0;
}

/* vmemmap_remap_split: split every PMD of [start, end) without flushing */
static int vmemmap_remap_split(struct machine *m, uint64_t start, uint64_t end)
{
	for (uint64_t va = start & ~(PMD_SIZE - 1); va < end; va += PMD_SIZE) {
		int ret = split_vmemmap_huge_pmd(m, va, VMEMMAP_SPLIT_NO_TLB_FLUSH);

		if (ret)
			return ret;
	}
	return 0;
}

void vmemmap_set_pte(struct machine *m, uint64_t va, unsigned long frame, pteval_t prot)
{
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(m, m->init_mm, va, &level, &table, &idx);
	if (MM_BUG_ON(m, level != PT_PTE, "vmemmap PTE for %#llx missing", (unsigned long long)va))
		return;
	pt_write(m, table, idx, pfn_pte(frame, prot));
}

/* Undo a partial remap: give the walked PTEs their own frames back */
static void vmemmap_restore_walked(struct machine *m, const struct hvo_ops *ops,
				   struct vmemmap_remap_walk *w)
{
	for (unsigned long i = 0; i < w->nr_queued; i++) {
		if (w->queued_va[i] == w->reuse_addr)
			continue;
		ops->restore_pte(m, w->queued_va[i], w->queued[i], w->reuse_page);
	}
	w->nr_queued = 0;
}

int vmemmap_remap_free(struct machine *m, int nid, uint64_t reuse, uint64_t end,
		       unsigned int flags, struct frame_list *out)
{
	const struct hvo_ops *ops = hvo_ops(m);
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT);
	struct vmemmap_remap_walk w = { .reuse_addr = reuse, .reuse_page = PFN_NONE };
	unsigned long new_head, old_head = PFN_NONE;
	int ret;
	SCHED_WHERE(m);

	w.queued = host_calloc(nr, sizeof(*w.queued), "remapping the vmemmap");
	w.queued_va = host_calloc(nr, sizeof(*w.queued_va), "remapping the vmemmap");

	ret = ops->alloc_head(m, &w, nid, ops->head_gfp);
	if (ret)
		goto out;
	new_head = w.reuse_page;

	for (uint64_t va = reuse; va < end; va += PAGE_SIZE) {
		unsigned long frame;

		if (va == reuse || !(va & (PMD_SIZE - 1))) {
			ret = split_vmemmap_huge_pmd(m, va, flags);
			if (ret)
				break;
		}
		frame = vmemmap_frame(m, va);
		if (va == reuse) {
			old_head = frame;
			if (w.reuse_page == PFN_NONE) {
				w.reuse_page = frame;	/* no new head: keep this one */
				continue;
			}
		}
		ops->remap_pte(m, va, frame, &w);
	}

	if (ret) {
		/* a split failed: put back what was walked (vmemmap_restore_pte) */
		if (w.nr_queued)
			vmemmap_restore_walked(m, ops, &w);
		if (new_head != PFN_NONE) {
			if (vmemmap_frame(m, reuse) == new_head) {
				fstore_frame_copy(m, old_head, new_head);
				vmemmap_set_pte(m, reuse, old_head, PAGE_KERNEL);
			}
			flush_tlb_kernel_range(m, reuse, end);
			m->node[page_to_nid(m, new_head)].nr_memmap_pages--;
			__free_pages(m, new_head, 0);
		}
		goto out;
	}
	if (!(flags & VMEMMAP_REMAP_NO_TLB_FLUSH))
		flush_tlb_kernel_range(m, new_head != PFN_NONE ? reuse : reuse + PAGE_SIZE, end);
	if (out) {
		for (unsigned long i = 0; i < w.nr_queued; i++)
			fl_add(out, w.queued[i]);
	} else {
		struct frame_list l = { .pfn = w.queued, .n = w.nr_queued, .cap = w.nr_queued };

		ops->free_vmemmap_page_list(m, &l);
	}
out:
	host_free(w.queued);
	host_free(w.queued_va);
	return ret;
}

bool vmemmap_should_optimize(struct machine *m, const struct hstate *h, unsigned long head)
{
	unsigned long frame;

	if (!hugetlb_vmemmap_enabled(m) || !hugetlb_vmemmap_optimizable(m, h))
		return false;
	/* memmap_on_memory: a self-hosted vmemmap page cannot be freed */
	frame = vmemmap_frame(m, page_va(m, head) & ~(PAGE_SIZE - 1));
	if (frame == PFN_NONE || PageVmemmapSelfHosted(m, frame))
		return false;
	return true;
}

void hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h, unsigned long head)
{
	hvo_ops(m)->optimize_folio(m, h, head, 0, NULL);
}

bool hugetlb_vmemmap_batched(struct machine *m)
{
	return hvo_ops(m)->batch;
}

bool hugetlb_vmemmap_restore_frozen(struct machine *m)
{
	return hvo_ops(m)->restore_frozen;
}

/*
 * hugetlb_vmemmap_optimize_folios (6.7+): split the PMDs of the whole
 * batch, one flush, remap every page collecting the freed frames, one
 * flush, free them as one list.  A page whose remap runs out of memory
 * gets one retry after the collected frames were freed.
 */
void hugetlb_vmemmap_optimize_folios(struct machine *m, const struct hstate *h,
				     const unsigned long *heads, unsigned long n)
{
	const struct hvo_ops *ops = hvo_ops(m);
	struct frame_list l = { 0 };

	for (unsigned long i = 0; i < n; i++) {
		uint64_t start = page_va(m, heads[i]);

		if (!vmemmap_should_optimize(m, h, heads[i]))
			continue;
		if (vmemmap_remap_split(m, start, start + hugetlb_vmemmap_size(m, h)) == -ENOMEM)
			break;
	}
	flush_tlb_all(m);
	for (unsigned long i = 0; i < n; i++) {
		int ret = ops->optimize_folio(m, h, heads[i], VMEMMAP_REMAP_NO_TLB_FLUSH, &l);

		if (ret == -ENOMEM && l.n) {
			flush_tlb_all(m);
			ops->free_vmemmap_page_list(m, &l);
			m->hvo_stats.batch_retries++;
			ops->optimize_folio(m, h, heads[i], VMEMMAP_REMAP_NO_TLB_FLUSH, &l);
		}
	}
	flush_tlb_all(m);
	ops->free_vmemmap_page_list(m, &l);
	host_free(l.pfn);
}

int hugetlb_vmemmap_restore(struct machine *m, const struct hstate *h, unsigned long head)
{
	const struct hvo_ops *ops = hvo_ops(m);
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT) - 1, i = 0;
	unsigned long *pages, reuse_page;
	int nid = page_to_nid(m, head);

	if (!HPageVmemmapOptimized(m, head))
		return 0;
	/*
	 * A policy that restores frozen pages (6.12) gets them with refcount
	 * 0 and warns otherwise (VM_WARN_ON_ONCE_FOLIO on folio_ref_count):
	 * its restore_pte copies without reset_struct_pages, so each restored
	 * page starts with a byte copy of the head struct page, refcount
	 * included, and a reference here would be copied into seven (2 MiB)
	 * or 4095 (1 GiB) tail struct pages and reach the buddy.
	 */
	if (MM_BUG_ON(m, ops->restore_frozen && page_ref_count(m, head) != 0,
		      "WARNING: vmemmap restore of hugepage %#lx with refcount %d", head,
		      page_ref_count(m, head)))
		return -EINVAL;
	pages = host_calloc(nr, sizeof(*pages), "restoring the vmemmap");
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_pages_node(m, nid, ops->restore_gfp, 0);
		if (pages[i] == PFN_NONE)
			break;
	}
	if (i < nr) {
		while (i--)
			__free_pages(m, pages[i], 0);
		host_free(pages);
		m->hvo_stats.restore_failed++;
		return -ENOMEM;
	}
	m->hvo_stats.restore_pages += nr;
	m->node[nid].nr_memmap_pages += (long)nr;
	reuse_page = vmemmap_frame(m, reuse);
	for (i = 0; i < nr; i++) {
		uint64_t va = reuse + ((i + 1) << PAGE_SHIFT);

		if (MM_BUG_ON(m, vmemmap_frame(m, va) != reuse_page,
			      "vmemmap_restore_pte: %#llx does not map the reuse page",
			      (unsigned long long)va))
			break;
		ops->restore_pte(m, va, pages[i], reuse_page);
	}
	flush_tlb_kernel_range(m, reuse + PAGE_SIZE, end);
	host_free(pages);
	ClearHPageVmemmapOptimized(m, head);
	m->hvo_stats.optimized--;
	m->hvo_stats.restored++;
	return 0;
}

/* -------------------------------------------------------------------------
 * The module: the hvo family and the hvo.* counters (hugetlb_vmemmap.h)
 */
static void hugetlb_vmemmap_counters(struct machine *m, struct vout *vo)
{
	const struct hvo_stats *st = &m->hvo_stats;

	vo_rec(vo, hugetlb_vmemmap_enabled(m), "hvo.enabled");
	vo_rec(vo, (long)st->optimized, "hvo.optimized");
	vo_rec(vo, (long)st->vmemmap_pages_freed, "hvo.vmemmap_pages_freed");
	vo_rec(vo, (long)st->bootmem_pages_freed, "hvo.bootmem_pages_freed");
	vo_rec(vo, (long)st->head_alloc_failed, "hvo.head_alloc_failed");
	vo_rec(vo, (long)st->pmd_splits, "hvo.pmd_splits");
	vo_rec(vo, (long)st->restored, "hvo.restored");
	vo_rec(vo, (long)st->restore_failed, "hvo.restore_failed");
	vo_rec(vo, (long)st->restore_pages, "hvo.restore_pages");
	vo_rec(vo, (long)st->batch_retries, "hvo.batch_retries");
	vo_rec(vo, m->init_mm ? m->init_mm->nr_pgtables : 0, "hvo.pgtable_pages");
	vo_rec(vo, (long)m->tlb_flushes, "hvo.tlb_flushes");
	for (int n = 0; n < m->nr_nodes; n++)
		vo_rec(vo, (long)st->heads_allocated[n], "hvo.heads_allocated.%d", n);
}

static const struct counter_ns hugetlb_vmemmap_counter_ns[] = {
	{ "hvo.", hugetlb_vmemmap_counters },
};

static const struct policy_family *const hugetlb_vmemmap_families[] = {
	&policy_family_hvo,
};

const struct mm_module mm_module_hugetlb_vmemmap = {
	.name = "hugetlb_vmemmap",
	.counters = hugetlb_vmemmap_counter_ns,
	.nr_counters = ARRAY_SIZE(hugetlb_vmemmap_counter_ns),
	.families = hugetlb_vmemmap_families,
	.nr_families = ARRAY_SIZE(hugetlb_vmemmap_families),
};
