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
 *   - split each vmemmap PMD on the way (a PTE table page from the buddy,
 *     split_page() of the backing block unless it is boot memmap, a flush
 *     of the PMD range);
 *   - the first PTE's frame becomes the reuse page, or, when the policy
 *     asks for a new head, a newly allocated copy mapped read-write;
 *   - every later PTE is remapped read-only onto the reuse page and its
 *     frame queued;
 *   - one flush of the range, then the queued frames are freed:
 *     free_bootmem_page() for PageReserved boot memmap, __free_page()
 *     otherwise, through the per-cpu lists unless the policy bypasses them.
 * Restore allocates the frames back (the policy's gfp, on the hugepage's
 * node), copies the reuse page into each with reset_struct_pages(), maps
 * them read-write and flushes; it fails with -ENOMEM when memory is short.
 *
 * The policies (policies/hvo.c) decide the head page's fate, the gfp masks
 * and the free path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "hugetlb_vmemmap.h"
#include "module.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "policies/hvo.h"
#include "policy.h"
#include "vout.h"

#define HUGETLB_VMEMMAP_RESERVE_SIZE	PAGE_SIZE
#define NR_RESET_STRUCT_PAGE		3

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

static const struct hvo_policy *hvo(struct machine *m)
{
	if (!m->hvo)
		m->hvo = hvo_policy_find(m->opts.hvo_policy);
	if (!m->hvo)
		m->hvo = hvo_policy_at(0);
	return m->hvo;
}

/* The frame backing vmemmap address va, found through init_mm */
static unsigned long vmemmap_frame(struct machine *m, uint64_t va)
{
	unsigned long frame;
	bool rw;

	return vmemmap_translate(m, va, &frame, &rw) ? frame : PFN_NONE;
}

/* A growable list of frames (the kernel threads them through page->lru) */
struct frame_list {
	unsigned long *pfn;
	size_t n, cap;
};

static void fl_add(struct frame_list *l, unsigned long pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->pfn = host_reallocarray(l->pfn, l->cap, sizeof(*l->pfn),
					   "collecting freed vmemmap pages");
	}
	l->pfn[l->n++] = pfn;
}

static void free_vmemmap_page(struct machine *m, unsigned long pfn, bool nonpcp)
{
	SCHED_WHERE(m);

	m->hvo_stats.vmemmap_pages_freed++;
	fstore_frame_release(m, pfn);
	if (PageReserved(m, pfn))
		m->node[page_to_nid(m, pfn)].nr_memmap_boot_pages--;
	else
		m->node[page_to_nid(m, pfn)].nr_memmap_pages--;
	if (PageReserved(m, pfn)) {
		m->hvo_stats.bootmem_pages_freed++;
		if (nonpcp) {
			ClearPageReserved(m, pfn);
			set_page_count(m, pfn, 1);
			page_zone(m, pfn)->managed_pages++;
			__free_pages_nonpcp(m, pfn);
		} else {
			free_bootmem_page(m, pfn);
		}
		return;
	}
	if (nonpcp)
		__free_pages_nonpcp(m, pfn);
	else
		__free_pages(m, pfn, 0);
}

static void free_vmemmap_page_list(struct machine *m, struct frame_list *l, bool nonpcp)
{
	if (nonpcp) {
		/* zone_pcp_disable: drain, then free straight to the buddy */
		for (size_t i = 0; i < l->n; i++)
			drain_all_pages(m, page_zone(m, l->pfn[i]));
	}
	for (size_t i = 0; i < l->n; i++)
		free_vmemmap_page(m, l->pfn[i], nonpcp);
	l->n = 0;
}

#define VMEMMAP_SPLIT_NO_TLB_FLUSH	0x1
#define VMEMMAP_REMAP_NO_TLB_FLUSH	0x2

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

/* Set the PTE mapping va (the PMD above it is split) */
static void vmemmap_set_pte(struct machine *m, uint64_t va, unsigned long frame, pteval_t prot)
{
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(m, m->init_mm, va, &level, &table, &idx);
	if (MM_BUG_ON(m, level != PT_PTE, "vmemmap PTE for %#llx missing", (unsigned long long)va))
		return;
	pt_write(m, table, idx, pfn_pte(frame, prot));
}

/* reset_struct_pages: the first struct pages of a restored page get clean copies */
static void reset_struct_pages(struct machine *m, unsigned long frame)
{
	if (hvo(m)->no_reset_struct_pages)
		return;
	for (unsigned int off = 0; off < NR_RESET_STRUCT_PAGE * m->sps; off += 8) {
		uint8_t *d = fstore_frame_bytes(m, frame, off);
		uint8_t *s = fstore_frame_bytes(m, frame, off + NR_RESET_STRUCT_PAGE * m->sps);

		if (d && s)
			memcpy(d, s, 8);
	}
}

struct remap_walk {
	unsigned long reuse_page;
	unsigned long *queued;		/* frames to free, and the va they backed */
	uint64_t *queued_va;
	unsigned long nr_queued;
};

static void walk_queue(struct remap_walk *w, unsigned long frame, uint64_t va)
{
	w->queued[w->nr_queued] = frame;
	w->queued_va[w->nr_queued++] = va;
}

/* Undo a partial remap: give the walked PTEs their own frames back */
static void vmemmap_restore_walked(struct machine *m, struct remap_walk *w, uint64_t reuse)
{
	for (unsigned long i = 0; i < w->nr_queued; i++) {
		if (w->queued_va[i] == reuse)
			continue;
		fstore_frame_copy(m, w->queued[i], w->reuse_page);
		reset_struct_pages(m, w->queued[i]);
		vmemmap_set_pte(m, w->queued_va[i], w->queued[i], PAGE_KERNEL);
	}
	w->nr_queued = 0;
}

static bool want_new_head(struct machine *m, const struct hvo_policy *p, uint64_t start)
{
	if (p->head != HVO_HEAD_NEW)
		return false;
	switch (p->when) {
	case HVO_WHEN_ALWAYS:
		return true;
	case HVO_WHEN_BOOT:
		return !m->booted;
	case HVO_WHEN_ALIGNED:
		return (start & (PAGE_SIZE - 1)) == 0;
	}
	return false;
}

/*
 * vmemmap_remap_free: remap [reuse + PAGE_SIZE, end) onto the reuse page,
 * which is the frame behind reuse or, with a new head, a copy of it.
 */
static int vmemmap_remap_free(struct machine *m, const struct hvo_policy *p, int nid,
			      uint64_t reuse, uint64_t end, unsigned int flags,
			      struct frame_list *out)
{
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT);
	struct remap_walk w = { .reuse_page = PFN_NONE };
	unsigned long new_head = PFN_NONE, old_head = PFN_NONE;
	bool new = want_new_head(m, p, reuse + PAGE_SIZE);
	int ret = 0;
	SCHED_WHERE(m);

	w.queued = host_calloc(nr, sizeof(*w.queued), "remapping the vmemmap");
	w.queued_va = host_calloc(nr, sizeof(*w.queued_va), "remapping the vmemmap");

	if (new) {
		new_head = alloc_pages_node(m, nid, p->head_gfp, 0);
		if (new_head == PFN_NONE) {
			m->hvo_stats.head_alloc_failed++;
			if (p->skip_if_no_head) {
				ret = -ENOMEM;
				goto out;
			}
		} else {
			m->hvo_stats.heads_allocated[page_to_nid(m, new_head)]++;
			m->node[page_to_nid(m, new_head)].nr_memmap_pages++;
			if (p->copy_at == HVO_COPY_BEFORE_WALK)
				fstore_frame_copy(m, new_head, vmemmap_frame(m, reuse));
		}
	}

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
			if (new_head == PFN_NONE) {
				w.reuse_page = frame;	/* reuse-head: keep it */
				continue;
			}
			if (p->copy_at == HVO_COPY_IN_WALK)
				fstore_frame_copy(m, new_head, old_head);
			w.reuse_page = new_head;
			vmemmap_set_pte(m, va, new_head, PAGE_KERNEL);
			walk_queue(&w, old_head, va);
			continue;
		}
		vmemmap_set_pte(m, va, w.reuse_page, PAGE_KERNEL_RO);
		walk_queue(&w, frame, va);
	}

	if (ret) {
		/* a split failed: put back what was walked (vmemmap_restore_pte) */
		if (w.nr_queued)
			vmemmap_restore_walked(m, &w, reuse);
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

		free_vmemmap_page_list(m, &l, p->free_nonpcp);
	}
out:
	host_free(w.queued);
	host_free(w.queued_va);
	return ret;
}

static bool vmemmap_should_optimize(struct machine *m, const struct hstate *h, unsigned long head)
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

static int __hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h,
				      unsigned long head, unsigned int flags,
				      struct frame_list *out)
{
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	int ret;

	if (!vmemmap_should_optimize(m, h, head))
		return 0;
	/*
	 * 6.7+ set the flag before the remap, so the head copy carries it;
	 * set afterwards without a flush, the write could land in the old
	 * head frame through a stale translation and be lost.
	 */
	if (hvo(m)->batch)
		SetHPageVmemmapOptimized(m, head);
	ret = vmemmap_remap_free(m, hvo(m), page_to_nid(m, head), reuse, end, flags, out);
	if (ret) {
		if (hvo(m)->batch)
			ClearHPageVmemmapOptimized(m, head);
		return ret;
	}
	if (!hvo(m)->batch)
		SetHPageVmemmapOptimized(m, head);
	m->hvo_stats.optimized++;
	return 0;
}

void hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h, unsigned long head)
{
	__hugetlb_vmemmap_optimize(m, h, head, 0, NULL);
}

bool hugetlb_vmemmap_batched(struct machine *m)
{
	return hvo(m)->batch;
}

bool hugetlb_vmemmap_restore_frozen(struct machine *m)
{
	return hvo(m)->frozen_restore;
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
		int ret = __hugetlb_vmemmap_optimize(m, h, heads[i], VMEMMAP_REMAP_NO_TLB_FLUSH, &l);

		if (ret == -ENOMEM && l.n) {
			flush_tlb_all(m);
			free_vmemmap_page_list(m, &l, hvo(m)->free_nonpcp);
			m->hvo_stats.batch_retries++;
			__hugetlb_vmemmap_optimize(m, h, heads[i], VMEMMAP_REMAP_NO_TLB_FLUSH, &l);
		}
	}
	flush_tlb_all(m);
	free_vmemmap_page_list(m, &l, hvo(m)->free_nonpcp);
	host_free(l.pfn);
}

int hugetlb_vmemmap_restore(struct machine *m, const struct hstate *h, unsigned long head)
{
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT) - 1, i = 0;
	unsigned long *pages, reuse_page;
	int nid = page_to_nid(m, head);

	if (!HPageVmemmapOptimized(m, head))
		return 0;
	/*
	 * Without reset_struct_pages each restored page starts with a byte
	 * copy of the head struct page, refcount included: 6.12 restores
	 * frozen pages only (VM_WARN_ON_ONCE_FOLIO on folio_ref_count), so
	 * the copies read 0.  A reference here would be copied into seven
	 * (2 MiB) or 4095 (1 GiB) tail struct pages and reach the buddy.
	 */
	if (MM_BUG_ON(m, hvo(m)->no_reset_struct_pages && page_ref_count(m, head) != 0,
		      "WARNING: vmemmap restore of hugepage %#lx with refcount %d", head,
		      page_ref_count(m, head)))
		return -EINVAL;
	pages = host_calloc(nr, sizeof(*pages), "restoring the vmemmap");
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_pages_node(m, nid, hvo(m)->restore_gfp, 0);
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
		fstore_frame_copy(m, pages[i], reuse_page);
		reset_struct_pages(m, pages[i]);
		vmemmap_set_pte(m, va, pages[i], PAGE_KERNEL);
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
