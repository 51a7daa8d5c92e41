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
 *   - mmap_read_lock(&init_mm), then the page walk (pagewalk.h) over the
 *     hugepage's vmemmap with the walker the policy's kernel uses
 *     (hvo_ops.walk: HVO's own up to 6.7, walk_page_range_novma from
 *     6.8, whose lock assertion is the pagewalk-lock policy's);
 *   - its pmd_entry splits each vmemmap PMD on the way (a PTE table page
 *     from the buddy, split_page() of the backing block unless it is
 *     boot memmap, a flush of the PMD range);
 *   - its pte_entry: without a new head, the first PTE's frame becomes
 *     the reuse page; every other PTE goes to the policy's remap_pte,
 *     which maps it onto the reuse page and queues its frame;
 *   - one flush of the range, mmap_read_unlock, then the policy frees the
 *     queued frames (hvo_ops.free_vmemmap_page_list).
 * A split that fails undoes the walk with the policy's restore_pte, in a
 * second walk under the same lock (6.12 undoes it from the list of pages
 * the walk took out, hvo_ops.undo_from_list).  Restore allocates the frames back
 * (the policy's gfp, on the hugepage's node), then under the lock walks
 * again, has restore_pte copy the reuse page into each and map it
 * read-write, and flushes; it fails with -ENOMEM when memory is short.
 * The batch's split-only walk (6.7+) holds the lock too.
 *
 * Where the lock is taken: 6.1 to 6.7 take mmap_read_lock(&init_mm) in
 * vmemmap_remap_free (across the walk, the undo walk and the flush),
 * vmemmap_remap_alloc and vmemmap_remap_split; 6.8 takes it inside
 * vmemmap_remap_range, around each walk, and flushes after dropping it.
 * The model takes it the first way for every policy: the same walks run
 * under it, and nothing in the model takes init_mm's mmap lock for
 * write.  Each down_read/up_read and each entry the walk reads is a
 * scheduling point under the explorer.  Not modelled: the
 * init_mm.page_table_lock the kernel's split takes around its check and
 * its pmd_populate.
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
 * split_vmemmap_huge_pmd: give the PMD @pmd (covering addr) a PTE table.
 * The new table page comes from the running CPU's node, as
 * pte_alloc_one_kernel.
 */
static int split_vmemmap_huge_pmd(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
				  unsigned int flags)
{
	SCHED_WHERE(m);
	pteval_t e = pt_slot_read(m, pmd);
	uint64_t start = addr & ~(PMD_SIZE - 1);
	unsigned long head;
	int ret;

	if (!pmd_leaf(e))
		return 0;
	head = pte_pfn(e);
	ret = pt_split_pmd(m, m->init_mm, addr, -1);
	if (ret)
		return ret;
	if (!PageReserved(m, head))
		split_page(m, head, pageblock_order);
	m->hvo_stats.pmd_splits++;
	if (!(flags & VMEMMAP_SPLIT_NO_TLB_FLUSH))
		flush_tlb_kernel_range(m, start, start + PMD_SIZE);
	return 0;
}

/*
 * The walk's callbacks: each PMD is split on the way (only that, with no
 * remap_pte: ACTION_CONTINUE), each PTE goes to walk->remap_pte with the
 * frame it maps.
 */
static int vmemmap_pmd_entry(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
			     uint64_t next, struct mm_walk *walk)
{
	struct vmemmap_remap_walk *w = walk->private;

	if (!w->remap_pte)
		walk->action = ACTION_CONTINUE;
	return split_vmemmap_huge_pmd(m, pmd, addr, w->flags);
}

static int vmemmap_pte_entry(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			     uint64_t next, struct mm_walk *walk)
{
	struct vmemmap_remap_walk *w = walk->private;

	return w->remap_pte(m, pte, addr, pte_pfn(pt_slot_read(m, pte)), w);
}

static const struct mm_walk_ops vmemmap_remap_ops = {
	.pmd_entry = vmemmap_pmd_entry,
	.pte_entry = vmemmap_pte_entry,
};

/*
 * vmemmap_remap_range: walk [start, end) of init_mm with the walker the
 * policy's kernel uses.  The caller holds mmap_read_lock(&init_mm).
 */
static int vmemmap_remap_range(struct machine *m, uint64_t start, uint64_t end,
			       struct vmemmap_remap_walk *walk)
{
	return hvo_ops(m)->walk(m, start, end, &vmemmap_remap_ops, walk);
}

/* vmemmap_remap_split: split every PMD of [start, end) without flushing */
static int vmemmap_remap_split(struct machine *m, uint64_t start, uint64_t end)
{
	struct vmemmap_remap_walk w = { .flags = VMEMMAP_SPLIT_NO_TLB_FLUSH };
	int ret;

	down_read(m, &m->init_mm->mmap_lock);	/* mmap_read_lock(&init_mm) */
	ret = vmemmap_remap_range(m, start, end, &w);
	up_read(m, &m->init_mm->mmap_lock);
	return ret;
}

/* The remap: the first PTE gives the reuse page unless there is a new head */
static int vmemmap_remap_one(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			     unsigned long frame, struct vmemmap_remap_walk *w)
{
	if (addr == w->reuse_addr) {
		w->old_head = frame;
		if (w->reuse_page == PFN_NONE) {
			w->reuse_page = frame;	/* no new head: keep this one */
			return 0;
		}
	}
	hvo_ops(m)->remap_pte(m, pte, addr, frame, w);
	return 0;
}

/*
 * Undo a partial remap (vmemmap_restore_pte over what was walked): each
 * queued PTE gets its own frame back; the head PTE, remapped to a new
 * head, gets the old head back with the new head's contents.
 */
static int vmemmap_undo_one(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			    unsigned long frame, struct vmemmap_remap_walk *w)
{
	unsigned long i = w->nr_undone;

	if (i == w->nr_queued || w->queued_va[i] != addr)
		return 0;	/* not remapped: the reuse page itself */
	w->nr_undone++;
	if (addr == w->reuse_addr) {
		if (frame == w->new_head) {
			fstore_frame_copy(m, w->old_head, w->new_head);
			vmemmap_set_pte(m, pte, w->old_head, PAGE_KERNEL);
		}
		return 0;
	}
	hvo_ops(m)->restore_pte(m, pte, addr, w->queued[i], w->reuse_page);
	return 0;
}

/*
 * 6.12's undo (hvo_ops.undo_from_list): a walked PTE that maps the shared
 * page (the new head) gets the newest page still on the walk's list, a
 * byte copy of the shared page, read-write; one that maps anything else
 * stays.  The walk queued its pages in address order, so the first PTE
 * gets the page of the last one walked.
 */
static int vmemmap_undo_from_list(struct machine *m, const struct pt_slot *pte, uint64_t addr,
				  unsigned long frame, struct vmemmap_remap_walk *w)
{
	unsigned long dst;

	if (frame != w->new_head)
		return 0;
	if (MM_BUG_ON(m, w->nr_undone == w->nr_queued,
		      "vmemmap rollback: %#llx maps the shared page but the list is empty",
		      (unsigned long long)addr))
		return -EFAULT;
	dst = w->queued[w->nr_queued - 1 - w->nr_undone++];
	fstore_frame_copy(m, dst, frame);
	vmemmap_set_pte(m, pte, dst, PAGE_KERNEL);
	return 0;
}

/*
 * A failed remap as 6.12 undoes it, under the lock the remap took: the
 * rollback walk over the PTEs walked, from the head, then its flush.  The
 * new head is mapped nowhere after it and stays allocated (and counted as
 * memmap): nothing frees it.  With nothing walked the new head is still
 * on the list: it goes to @out or, without one, is freed now, as a
 * vmemmap page.
 */
static void vmemmap_remap_undo_612(struct machine *m, struct vmemmap_remap_walk *w,
				   uint64_t reuse, struct frame_list *out)
{
	const struct hvo_ops *ops = hvo_ops(m);
	uint64_t end = reuse + ((uint64_t)w->nr_queued << PAGE_SHIFT);

	if (w->nr_queued) {
		w->remap_pte = vmemmap_undo_from_list;
		w->flags = 0;
		vmemmap_remap_range(m, reuse, end, w);
		flush_tlb_kernel_range(m, reuse, end);
		m->hvo_stats.rollback_heads_lost++;
		return;
	}
	if (w->new_head == PFN_NONE)
		return;
	if (out) {
		fl_add(out, w->new_head);
	} else {
		struct frame_list l = { .pfn = &w->new_head, .n = 1, .cap = 1 };

		ops->free_vmemmap_page_list(m, &l);
	}
}

int vmemmap_remap_free(struct machine *m, int nid, uint64_t reuse, uint64_t end,
		       unsigned int flags, struct frame_list *out)
{
	const struct hvo_ops *ops = hvo_ops(m);
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT);
	struct vmemmap_remap_walk w = {
		.reuse_addr = reuse, .reuse_page = PFN_NONE, .remap_pte = vmemmap_remap_one,
		.flags = flags, .old_head = PFN_NONE,
	};
	int ret;
	SCHED_WHERE(m);

	w.queued = host_calloc(nr, sizeof(*w.queued), "remapping the vmemmap");
	w.queued_va = host_calloc(nr, sizeof(*w.queued_va), "remapping the vmemmap");

	ret = ops->alloc_head(m, &w, nid, ops->head_gfp);
	if (ret)
		goto out;
	w.new_head = w.reuse_page;

	down_read(m, &m->init_mm->mmap_lock);	/* mmap_read_lock(&init_mm) */
	ret = vmemmap_remap_range(m, reuse, end, &w);
	if (ret && ops->undo_from_list) {
		vmemmap_remap_undo_612(m, &w, reuse, out);
		up_read(m, &m->init_mm->mmap_lock);
		goto out;
	}
	if (ret) {
		/*
		 * A split failed: put back what was walked, then the head.
		 * Only a 1 GiB page's walk (8 PMDs) can fail past its first.
		 */
		if (w.nr_queued) {
			w.remap_pte = vmemmap_undo_one;
			w.flags = 0;
			vmemmap_remap_range(m, reuse, w.queued_va[w.nr_queued - 1] + PAGE_SIZE, &w);
		}
		if (w.new_head != PFN_NONE)
			flush_tlb_kernel_range(m, reuse, end);
		up_read(m, &m->init_mm->mmap_lock);
		if (w.new_head != PFN_NONE) {
			m->node[page_to_nid(m, w.new_head)].nr_memmap_pages--;
			__free_pages(m, w.new_head, 0);
		}
		goto out;
	}
	if (!(flags & VMEMMAP_REMAP_NO_TLB_FLUSH))
		flush_tlb_kernel_range(m, w.new_head != PFN_NONE ? reuse : reuse + PAGE_SIZE, end);
	up_read(m, &m->init_mm->mmap_lock);
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

/* 6.12's hugetlb.c keeps the page frozen whatever the entry; an entry of 6.12 does on 6.1 too */
bool hugetlb_vmemmap_restore_frozen(struct machine *m)
{
	return hvo_ops(m)->restore_frozen || mm_kver_ge(m, 6, 12);
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

/*
 * vmemmap_remap_alloc's walk: the first PTE gives the reuse page, every
 * other must map it and gets the next of walk->pages, filled from it.
 */
static int vmemmap_restore_one(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			       unsigned long frame, struct vmemmap_remap_walk *w)
{
	if (addr == w->reuse_addr) {
		w->reuse_page = frame;
		return 0;
	}
	if (MM_BUG_ON(m, frame != w->reuse_page,
		      "vmemmap_restore_pte: %#llx does not map the reuse page",
		      (unsigned long long)addr))
		return -EFAULT;
	hvo_ops(m)->restore_pte(m, pte, addr, w->pages[w->nr_restored++], w->reuse_page);
	return 0;
}

int hugetlb_vmemmap_restore(struct machine *m, const struct hstate *h, unsigned long head)
{
	return hugetlb_vmemmap_restore_flags(m, h, head, 0);
}

int hugetlb_vmemmap_restore_flags(struct machine *m, const struct hstate *h, unsigned long head,
				  unsigned int flags)
{
	const struct hvo_ops *ops = hvo_ops(m);
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	unsigned long nr = (unsigned long)((end - reuse) >> PAGE_SHIFT) - 1, i = 0;
	struct vmemmap_remap_walk w = {
		.reuse_addr = reuse, .reuse_page = PFN_NONE, .remap_pte = vmemmap_restore_one,
		.old_head = PFN_NONE, .new_head = PFN_NONE,
	};
	unsigned long *pages;
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
	/* a LIFO list of the new pages: the first tail gets the last one allocated */
	for (i = 0; ops->restore_lifo && i < nr / 2; i++) {
		unsigned long t = pages[i];

		pages[i] = pages[nr - 1 - i];
		pages[nr - 1 - i] = t;
	}
	w.pages = pages;
	down_read(m, &m->init_mm->mmap_lock);	/* mmap_read_lock(&init_mm) */
	vmemmap_remap_range(m, reuse, end, &w);
	if (!(flags & VMEMMAP_REMAP_NO_TLB_FLUSH))
		flush_tlb_kernel_range(m, reuse + PAGE_SIZE, end);
	up_read(m, &m->init_mm->mmap_lock);
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
	vo_rec(vo, (long)st->rollback_heads_lost, "hvo.rollback_heads_lost");
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
