// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb.c - HugeTLB pools as Linux 6.1 keeps them (mm/hugetlb.c).
 *
 * What is modelled, with the kernel's function names:
 *   - two hstates, 2 MiB (order 9) and 1 GiB (order 18, gigantic), as x86_64
 *     registers them with GBPAGES; the default one from default_hugepagesz;
 *   - the boot parameters and their ordering rules (hugepages_setup,
 *     hugepagesz_setup, default_hugepagesz_setup);
 *   - boot allocation: gigantic pages from memblock before the buddy exists
 *     (__alloc_bootmem_huge_page, not node-exact in 6.1: memblock falls back
 *     to any node), turned into pool pages by gather_bootmem_prealloc with
 *     adjust_managed_page_count; 2 MiB pages from the buddy in hugetlb_init
 *     (hugetlb_hstate_alloc_pages[_onenode]), with the kernel's warnings;
 *   - pool pages: compound pages with HUGETLB_PAGE_DTOR, head and tails
 *     frozen (refcount 0) while free, HPage flags in the head's private,
 *     per-node free lists through the head's lru, LIFO;
 *   - set_max_huge_pages: surplus conversion, round-robin growth with
 *     next_nid_to_alloc through alloc_pool_huge_page / alloc_buddy_huge_page
 *     (node_alloc_noretry, HTLB_BUDDY_PGALLOC[_FAIL], page_ref_freeze) or
 *     alloc_gigantic_page (alloc_contig_pages), shrink with next_nid_to_free
 *     through update_and_free_page, which restores the vmemmap first and
 *     keeps the page as a surplus page when that fails (the page holds
 *     one reference during the restore, as in 6.1, or, under policies
 *     that model 6.12, stays frozen until after it);
 *   - the HVO calls exactly where 6.1 makes them (__prep_new_huge_page,
 *     __update_and_free_page);
 *   - on a 6.12 machine (mm_kver_ge(m, 6, 12)), 6.12's batches: pool
 *     growth through prep_and_add_allocated_folios, shrinking through
 *     update_and_free_pages_bulk (every restore, then every free), the 2
 *     MiB boot allocation in padata chunks, the gigantic boot pages per
 *     node before the smaller sizes, and a node's write counting the
 *     other nodes' persistent pages (docs/model-notes.md, "Linux 6.12");
 *   - the sysfs and sysctl files with the kernel's parsers (kstrtoul for
 *     sysfs, proc_doulongvec_minmax and proc_dobool for /proc/sys/vm) and
 *     hugetlb_report_meminfo.
 *
 *   - for mappings: subpools (hugepage_subpool_get/put_pages), global
 *     reservations (hugetlb_acct_memory with gather_surplus_pages and
 *     return_unused_surplus_pages, surplus pages within
 *     nr_overcommit_hugepages), pages for faults (dequeue_huge_page_vma,
 *     alloc_huge_page) and free_huge_page's reservation and subpool
 *     bookkeeping; the reserve maps are in hugetlb_resv.c, the page
 *     tables and faults in hugetlb_memory.c, hugetlbfs in hugetlbfs.c.
 *
 * Simplified: no cgroups; no hugetlb CMA; no demote files; mempolicy is
 * the default one, so the _mempolicy files act on every node and faults
 * take the local node first; freeing an optimised page is never deferred
 * to a workqueue (the kernel flushes that work before a resize returns);
 * the pool-resizing paths do not take hugetlb_lock (the mapping paths do).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugetlb.h"
#include "host.h"
#include "hugetlb_vmemmap.h"
#include "machine.h"
#include "memblock.h"
#include "migrate.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "sbuf.h"
#include "vm_event_item.h"
#include "vout.h"

#define SZ_2M		(2UL << 20)
#define HSTATE_2M	0
#define HSTATE_1G	1

/* A gigantic page taken from memblock, waiting for the memmap (huge_bootmem_page) */
struct huge_bootmem_page {
	unsigned long pfn;
	struct hstate *h;
	int nid;	/* the node whose list it is on (huge_boot_pages[nid]): the one asked */
};

struct hugetlb_ctx {
	struct hstate hstates[HUGE_MAX_HSTATE];	/* [HSTATE_2M], [HSTATE_1G] */
	int reg_order[HUGE_MAX_HSTATE];		/* the kernel's registration order */
	struct hstate *default_hstate;
	struct huge_bootmem_page *boot_pages;	/* in allocation order */
	int nr_boot_pages, boot_pages_cap;
	bool counts_resolved;
	bool bootmem_done;
	bool init_done;
	struct sbuf boot_log;			/* pr_warn / pr_info lines */
	spinlock_t hugetlb_lock;		/* taken by the mapping paths, as 6.1 does */
	struct hugepage_subpool **subpools;	/* by id; NULL once released */
	unsigned int nr_subpools, cap_subpools;
	struct rw_semaphore *fault_mutex_table;	/* hugetlb_fault_mutex_table */
	unsigned int num_fault_mutexes;
	struct xmap pmd_ptlocks;		/* PMD table pfn -> its spinlock_t (host) */
	struct hugetlb_stats stats;
};

/* -------------------------------------------------------------------------
 * Small helpers
 */
static int errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void boot_log(struct hugetlb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void boot_log(struct hugetlb_ctx *ctx, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sb_puts(&ctx->boot_log, line);
	sb_puts(&ctx->boot_log, "\n");
}

/* string_get_size(size, 1, STRING_UNITS_2): "2.00 MiB", "1.00 GiB" */
static void size_string(unsigned long size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	unsigned long rem = 0;

	while (size >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		rem = size % 1024;
		size /= 1024;
		u++;
	}
	if (u == 0) {
		snprintf(buf, len, "%lu %s", size, units[u]);
		return;
	}
	rem = rem * 1000 / 1024;	/* three significant digits */
	if (size < 10)
		snprintf(buf, len, "%lu.%02lu %s", size, rem / 10, units[u]);
	else if (size < 100)
		snprintf(buf, len, "%lu.%01lu %s", size, rem / 100, units[u]);
	else
		snprintf(buf, len, "%lu %s", size, units[u]);
}

static unsigned long all_nodes_mask(struct machine *m)
{
	return m->nr_nodes >= (int)(8 * sizeof(unsigned long)) ? ~0UL : (1UL << m->nr_nodes) - 1;
}

static int nodes_weight(unsigned long mask)
{
	return __builtin_popcountl(mask);
}

/* next_node_in: the next node of mask after nid, wrapping around */
static int next_node_in(int nid, unsigned long mask)
{
	for (int i = 1; i <= MAX_NUMNODES; i++) {
		int n = (nid + i) % MAX_NUMNODES;

		if ((mask >> n) & 1)
			return n;
	}
	return MAX_NUMNODES;
}

static int get_valid_node_allowed(int nid, unsigned long mask)
{
	if (!((mask >> nid) & 1))
		nid = next_node_in(nid, mask);
	return nid;
}

/* @next_node: the hstate's next_nid_to_alloc, or (6.12's boot) a caller's own */
static int hstate_next_node_to_alloc(int *next_node, unsigned long mask)
{
	int nid = get_valid_node_allowed(*next_node, mask);

	*next_node = next_node_in(nid, mask);
	return nid;
}

static int hstate_next_node_to_free(struct hstate *h, unsigned long mask)
{
	int nid = get_valid_node_allowed(h->next_nid_to_free, mask);

	h->next_nid_to_free = next_node_in(nid, mask);
	return nid;
}

#define for_each_node_mask_to_alloc(next_node, nr, node, mask)			\
	for ((nr) = nodes_weight(mask);						\
	     (nr) > 0 && (((node) = hstate_next_node_to_alloc((next_node), (mask))), 1); \
	     (nr)--)

#define for_each_node_mask_to_free(h, nr, node, mask)				\
	for ((nr) = nodes_weight(mask);						\
	     (nr) > 0 && (((node) = hstate_next_node_to_free((h), (mask))), 1);	\
	     (nr)--)

/* htlb_alloc_mask: 2 MiB pages are movable on x86_64, gigantic ones are not */
static gfp_t htlb_alloc_mask(const struct hstate *h)
{
	return hstate_is_gigantic(h) ? GFP_HIGHUSER : GFP_HIGHUSER_MOVABLE;
}

/* -------------------------------------------------------------------------
 * hstates
 */
static void hugetlb_add_hstate(struct hstate *h, unsigned int order)
{
	memset(h, 0, sizeof(*h));
	h->order = order;
	for (int n = 0; n < MAX_NUMNODES; n++)
		pfnlist_init(&h->hugepage_freelists[n]);
	h->next_nid_to_alloc = 0;	/* first_memory_node: every node has memory */
	h->next_nid_to_free = 0;
	snprintf(h->name, sizeof(h->name), "hugepages-%lukB", huge_page_size(h) / 1024);
}

static struct hstate *size_to_hstate(struct hugetlb_ctx *ctx, unsigned long size)
{
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (huge_page_size(&ctx->hstates[i]) == size)
			return &ctx->hstates[i];
	return NULL;
}

static bool valid_hugepagesz(unsigned long size)
{
	return size == PMD_SIZE || size == SZ_1G;	/* arch_hugetlb_valid_size, GBPAGES */
}

#define for_each_hstate(ctx, h)							\
	for (int __i = 0; __i < HUGE_MAX_HSTATE &&					\
	     (((h) = &(ctx)->hstates[(ctx)->reg_order[__i]]), 1); __i++)

/*
 * The kernel registers an hstate when hugepagesz= or default_hugepagesz=
 * names it, then 1 GiB at arch_initcall (gigantic_pages_init) and 2 MiB in
 * hugetlb_init.  Only the boot messages show the order.
 */
static void registration_order(struct hugetlb_ctx *ctx, const struct machine_opts *o)
{
	int n = 0;
	bool seen[HUGE_MAX_HSTATE] = { false };

#define REG(idx) do { if (!seen[idx]) { seen[idx] = true; ctx->reg_order[n++] = (idx); } } while (0)
	if (o->default_hugepagesz) {
		bool listed = false;

		for (int i = 0; i < o->nr_hugetlb_boot && i < MAX_HUGETLB_BOOT; i++)
			listed |= o->hugetlb_boot[i].hugepagesz == o->default_hugepagesz;
		if (!listed && size_to_hstate(ctx, o->default_hugepagesz))
			REG((int)(size_to_hstate(ctx, o->default_hugepagesz) - ctx->hstates));
	}
	for (int i = 0; i < o->nr_hugetlb_boot && i < MAX_HUGETLB_BOOT; i++) {
		struct hstate *h = size_to_hstate(ctx, o->hugetlb_boot[i].hugepagesz);

		if (h)
			REG((int)(h - ctx->hstates));
	}
	REG(HSTATE_1G);
	REG(HSTATE_2M);
#undef REG
}

static struct hugetlb_ctx *hugetlb_ctx_create(struct machine *m)
{
	struct hugetlb_ctx *ctx = host_calloc(1, sizeof(*ctx), "setting up hugetlb");

	hugetlb_add_hstate(&ctx->hstates[HSTATE_2M], HPAGE_PMD_ORDER);
	hugetlb_add_hstate(&ctx->hstates[HSTATE_1G], HPAGE_PUD_ORDER);
	sb_init(&ctx->boot_log);
	registration_order(ctx, &m->opts);
	ctx->default_hstate = size_to_hstate(ctx, m->opts.default_hugepagesz ?
					     m->opts.default_hugepagesz : SZ_2M);
	if (!ctx->default_hstate)
		ctx->default_hstate = &ctx->hstates[HSTATE_2M];
	m->hugetlb = ctx;
	return ctx;
}

static struct hugetlb_ctx *hugetlb_ctx(struct machine *m)
{
	return m->hugetlb ? m->hugetlb : hugetlb_ctx_create(m);
}

struct hstate *hugetlb_size_to_hstate(struct machine *m, unsigned long size)
{
	return size_to_hstate(hugetlb_ctx(m), size);
}

struct hstate *hugetlb_default_hstate(struct machine *m)
{
	return hugetlb_ctx(m)->default_hstate;
}

/* -------------------------------------------------------------------------
 * HVO calls, with the per-hstate count of optimised pool pages
 */
static void hugetlb_optimize(struct machine *m, struct hstate *h, unsigned long head)
{
	hugetlb_vmemmap_optimize(m, h, head);
	if (HPageVmemmapOptimized(m, head))
		h->nr_vmemmap_optimized++;
}

static int hugetlb_restore_flags(struct machine *m, struct hstate *h, unsigned long head,
				 unsigned int flags)
{
	bool was = HPageVmemmapOptimized(m, head);
	int ret = hugetlb_vmemmap_restore_flags(m, h, head, flags);

	if (was && !HPageVmemmapOptimized(m, head))
		h->nr_vmemmap_optimized--;
	return ret;
}

static int hugetlb_restore(struct machine *m, struct hstate *h, unsigned long head)
{
	return hugetlb_restore_flags(m, h, head, 0);
}

/* -------------------------------------------------------------------------
 * Compound pages
 */
static void set_compound_order(struct machine *m, unsigned long head, unsigned int order)
{
	pg_write8(m, head + 1, PGOFF_COMPOUND_ORDER, (uint8_t)order);
	pg_write32(m, head + 1, PGOFF_COMPOUND_NR, order ? 1U << order : 0);
}

static void set_compound_head(struct machine *m, unsigned long pfn, unsigned long head)
{
	pg_write64(m, pfn, PGOFF_COMPOUND_HEAD, page_va(m, head) | 1);
}

static void clear_compound_head(struct machine *m, unsigned long pfn)
{
	pg_write64(m, pfn, PGOFF_COMPOUND_HEAD, 0);
}

static void clear_page_reserved(struct machine *m, unsigned long pfn)
{
	uint64_t f = page_flags(m, pfn);

	if (f & (1UL << PG_reserved))
		set_page_flags(m, pfn, f & ~(1UL << PG_reserved));
}

/*
 * __prep_compound_gigantic_page: make [pfn, pfn + 2^order) a compound page
 * whose every struct page is frozen.  Memblock and alloc_contig_pages hand
 * over pages with a refcount of 1 each; a page with another count cannot be
 * used, and the conversion is undone.
 */
static bool prep_compound_gigantic_page(struct machine *m, unsigned long head, unsigned int order)
{
	unsigned long nr = 1UL << order, i, j;

	set_compound_order(m, head, order);
	clear_page_reserved(m, head);
	SetPageHead(m, head);
	for (i = 0; i < nr; i++) {
		unsigned long p = head + i;

		if (i)
			clear_page_reserved(m, p);
		if (!page_ref_freeze(m, p, 1))
			goto out_error;
		if (i)
			set_compound_head(m, p, head);
	}
	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT, (uint32_t)-1);
	pg_write32(m, head + 1, PGOFF_COMPOUND_PINCOUNT, 0);
	return true;

out_error:
	for (j = 0; j < i; j++) {
		if (j)
			clear_compound_head(m, head + j);
		set_page_refcounted(m, head + j);
	}
	for (; j < nr; j++)
		clear_page_reserved(m, head + j);
	set_compound_order(m, head, 0);
	ClearPageHead(m, head);
	return false;
}

static void destroy_compound_gigantic_page(struct machine *m, unsigned long head,
					   unsigned int order)
{
	unsigned long nr = 1UL << order;

	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT, 0);
	pg_write32(m, head + 1, PGOFF_COMPOUND_PINCOUNT, 0);
	for (unsigned long i = 1; i < nr; i++) {
		set_page_mapping(m, head + i, 0);
		clear_compound_head(m, head + i);
		set_page_refcounted(m, head + i);
	}
	set_compound_order(m, head, 0);
	ClearPageHead(m, head);
}

static void free_gigantic_page(struct machine *m, unsigned long head, unsigned int order)
{
	free_contig_range(m, head, 1UL << order);
}

/* -------------------------------------------------------------------------
 * The pool lists and counters
 */
static void enqueue_huge_page(struct machine *m, struct hstate *h, unsigned long head)
{
	int nid = page_to_nid(m, head);

	if (MM_BUG_ON(m, page_ref_count(m, head) != 0,
		      "BUG: hugetlb page %#lx enqueued with refcount %d", head,
		      page_ref_count(m, head)))
		return;
	pfnlist_add(m, &h->hugepage_freelists[nid], head);
	h->free_huge_pages++;
	h->free_huge_pages_node[nid]++;
	SetHPageFreed(m, head);
}

/* __clear_hugetlb_destructor: back to a plain compound page (gigantic: none) */
static void __clear_hugetlb_destructor(struct machine *m, struct hstate *h, unsigned long head)
{
	set_compound_page_dtor(m, head, hstate_is_gigantic(h) ? NULL_COMPOUND_DTOR :
				       COMPOUND_PAGE_DTOR);
}

/*
 * remove_hugetlb_page: take a page out of the pool's accounting.  In 6.1
 * it leaves with one reference, for update_and_free_page to drop; in 6.12
 * (remove_hugetlb_folio) it stays frozen until its vmemmap is restored.
 * Only free pages are on a list in this model: the kernel's
 * hugepage_activelist of pages in use is not kept (nothing walks it here).
 */
static void remove_hugetlb_page(struct machine *m, struct hstate *h, unsigned long head,
				bool adjust_surplus)
{
	int nid = page_to_nid(m, head);

	if (HPageFreed(m, head)) {
		pfnlist_del(m, &h->hugepage_freelists[nid], head);
		ClearHPageFreed(m, head);
		h->free_huge_pages--;
		h->free_huge_pages_node[nid]--;
	}
	if (adjust_surplus) {
		h->surplus_huge_pages--;
		h->surplus_huge_pages_node[nid]--;
	}
	/* with the vmemmap optimised the tails are read-only until restored */
	if (!HPageVmemmapOptimized(m, head))
		__clear_hugetlb_destructor(m, h, head);
	if (!hugetlb_vmemmap_restore_frozen(m))
		set_page_refcounted(m, head);
	h->nr_huge_pages--;
	h->nr_huge_pages_node[nid]--;
}

/* add_hugetlb_page: a page whose vmemmap could not be restored goes back */
static void add_hugetlb_page(struct machine *m, struct hstate *h, unsigned long head,
			     bool adjust_surplus)
{
	int nid = page_to_nid(m, head);

	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
	if (adjust_surplus) {
		h->surplus_huge_pages++;
		h->surplus_huge_pages_node[nid]++;
	}
	set_compound_page_dtor(m, head, HUGETLB_PAGE_DTOR);
	set_page_private(m, head, 0);
	SetHPageVmemmapOptimized(m, head);
	/* 6.12: still frozen, nothing to drop */
	if (!hugetlb_vmemmap_restore_frozen(m) && page_ref_add_return(m, head, -1) != 0)
		return;		/* someone else's reference: they free it */
	enqueue_huge_page(m, h, head);
}

/* Page flags the kernel clears on every subpage before the buddy gets them */
#define HUGETLB_SUBPAGE_CLEAR \
	(1UL << PG_locked | 1UL << PG_error | 1UL << PG_referenced | 1UL << PG_dirty | \
	 1UL << PG_active | 1UL << PG_private | 1UL << PG_writeback)

static void __update_and_free_page(struct machine *m, struct hstate *h, unsigned long head)
{
	if (HPageRawHwpUnreliable(m, head))
		return;		/* leaked on purpose, as the kernel does */

	if (hugetlb_restore(m, h, head)) {
		/* no memory for the vmemmap: keep the page, as a surplus page */
		add_hugetlb_page(m, h, head, true);
		return;
	}
	if (compound_dtor(m, head) == HUGETLB_PAGE_DTOR)
		__clear_hugetlb_destructor(m, h, head);

	for (unsigned long i = 0; i < pages_per_huge_page(h); i++) {
		uint64_t f = page_flags(m, head + i);

		if (f & HUGETLB_SUBPAGE_CLEAR)
			set_page_flags(m, head + i, f & ~HUGETLB_SUBPAGE_CLEAR);
	}
	/* 6.12: folio_ref_unfreeze(folio, 1), now that the vmemmap is whole */
	if (hugetlb_vmemmap_restore_frozen(m))
		set_page_refcounted(m, head);
	if (hstate_is_gigantic(h)) {
		destroy_compound_gigantic_page(m, head, huge_page_order(h));
		free_gigantic_page(m, head, huge_page_order(h));
	} else {
		__free_pages(m, head, huge_page_order(h));
	}
}

/*
 * update_and_free_page: the kernel defers optimised pages freed from
 * atomic context to a workqueue that every resize flushes; here the free
 * is always immediate.
 */
static void update_and_free_page(struct machine *m, struct hstate *h, unsigned long head)
{
	__update_and_free_page(m, h, head);
}

/*
 * hugetlb_vmemmap_restore_folios (6.7+): restore the vmemmap of each
 * optimised page of @list, in list order and without a flush each,
 * moving every page it passes to the head of @non_hvo (so that list ends
 * reversed); stop at the first failure, which stays on @list with the
 * pages after it.  One flush_tlb_all when anything was restored.  The
 * number restored, or the failure's error.
 */
static long hugetlb_restore_folios(struct machine *m, struct hstate *h,
				   struct pfnlist_head *list, struct pfnlist_head *non_hvo)
{
	long restored = 0;
	int ret = 0;

	while (!pfnlist_empty(list)) {
		unsigned long head = list->first;

		if (HPageVmemmapOptimized(m, head)) {
			ret = hugetlb_restore_flags(m, h, head, VMEMMAP_REMAP_NO_TLB_FLUSH);
			if (ret)
				break;
			restored++;
		}
		pfnlist_del(m, list, head);
		pfnlist_add(m, non_hvo, head);
	}
	if (restored)
		flush_tlb_all(m);
	return ret ? ret : restored;
}

/*
 * bulk_vmemmap_restore_error: the bulk restore ran out of memory.  Free
 * the pages it did restore, so that the retry finds their memory; with
 * none, restore the pages one by one, keeping each that fails as a
 * surplus page, until one is restored and freed.
 */
static void bulk_vmemmap_restore_error(struct machine *m, struct hstate *h,
				       struct pfnlist_head *list, struct pfnlist_head *non_hvo)
{
	if (!pfnlist_empty(non_hvo)) {
		while (!pfnlist_empty(non_hvo))
			update_and_free_page(m, h, pfnlist_pop_head(m, non_hvo));
		return;
	}
	while (!pfnlist_empty(list)) {
		unsigned long head = pfnlist_pop_head(m, list);

		if (hugetlb_restore(m, h, head)) {
			add_hugetlb_page(m, h, head, true);
		} else {
			update_and_free_page(m, h, head);
			break;
		}
	}
}

/*
 * update_and_free_pages_bulk: free the pool pages of @list (removed from
 * the pool, in the kernel's list order: the last removed first).  6.1
 * takes them one at a time, each restoring its vmemmap and going to the
 * buddy before the next one's restore allocates, so a later restore can
 * take the memory of a hugepage freed before it.  6.12 ("hugetlb:
 * perform vmemmap restoration on a list of pages", "hugetlb: batch TLB
 * flushes when restoring vmemmap", 6.7) restores every page's vmemmap
 * first, with one flush, and only then frees them (in the reverse order,
 * the first removed first), so the restores eat what was free before any
 * hugepage came back.
 */
static void update_and_free_pages_bulk(struct machine *m, struct hstate *h,
				       struct pfnlist_head *list)
{
	struct pfnlist_head non_hvo;

	if (!mm_kver_ge(m, 6, 12)) {
		while (!pfnlist_empty(list))
			update_and_free_page(m, h, pfnlist_pop_head(m, list));
		return;
	}
	pfnlist_init(&non_hvo);
	while (hugetlb_restore_folios(m, h, list, &non_hvo) < 0)
		bulk_vmemmap_restore_error(m, h, list, &non_hvo);
	while (!pfnlist_empty(&non_hvo))
		update_and_free_page(m, h, pfnlist_pop_head(m, &non_hvo));
}

/* hugetlb_page_subpool: the subpool page[1].private names, or NULL */
static struct hugepage_subpool *hugetlb_page_subpool(struct machine *m, unsigned long head)
{
	struct hugetlb_ctx *ctx = m->hugetlb;
	uint64_t addr = page_private(m, head + 1), i;

	if (!addr || addr < SUBPOOL_ADDR_BASE)
		return NULL;
	i = (addr - SUBPOOL_ADDR_BASE) / 0x100;
	return i < ctx->nr_subpools ? ctx->subpools[i] : NULL;
}

static void hugetlb_set_page_subpool(struct machine *m, unsigned long head,
				     struct hugepage_subpool *spool)
{
	set_page_private(m, head + 1, subpool_addr(spool));
}

/*
 * free_huge_page: the last reference to a hugetlb page is gone.  A page
 * that consumed a reservation gives it back (HPageRestoreReserve); one
 * that did not gives its subpool page back, and when that leaves the
 * subpool below its minimum the reservation is restored all the same.
 * Then the page leaves the pool if the pool has surplus pages on its
 * node (or it was temporary), else it goes on the free list.
 */
void free_huge_page(struct machine *m, unsigned long head)
{
	struct hstate *h = hugetlb_order_to_hstate(m, compound_order(m, head));
	int nid = page_to_nid(m, head);
	struct hugepage_subpool *spool;
	bool restore_reserve;

	if (MM_BUG_ON(m, page_ref_count(m, head) != 0,
		      "BUG: free_huge_page %#lx with refcount %d", head, page_ref_count(m, head)))
		return;
	if (MM_BUG_ON(m, !h, "BUG: free_huge_page %#lx of order %u: no such hstate", head,
		      compound_order(m, head)))
		return;
	MM_BUG_ON(m, pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) != (uint32_t)-1,
		  "BUG: free_huge_page %#lx still mapped (compound_mapcount %d)", head,
		  (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1);
	spool = hugetlb_page_subpool(m, head);
	hugetlb_set_page_subpool(m, head, NULL);
	if (page_mapping(m, head) & PAGE_MAPPING_ANON)
		ClearPageAnonExclusive(m, head);
	set_page_mapping(m, head, 0);
	restore_reserve = HPageRestoreReserve(m, head);
	ClearHPageRestoreReserve(m, head);
	/*
	 * Not consuming a reservation, the page had a subpool page; giving it
	 * back may leave the subpool below its minimum, which then keeps the
	 * page's reservation (put_pages returns 0).
	 */
	if (!restore_reserve && hugepage_subpool_put_pages(m, spool, 1) == 0)
		restore_reserve = true;

	spin_lock(m, &m->hugetlb->hugetlb_lock);
	ClearHPageMigratable(m, head);
	if (restore_reserve)
		h->resv_huge_pages++;

	if (HPageTemporary(m, head)) {
		remove_hugetlb_page(m, h, head, false);
		spin_unlock(m, &m->hugetlb->hugetlb_lock);
		update_and_free_page(m, h, head);
	} else if (h->surplus_huge_pages_node[nid]) {
		remove_hugetlb_page(m, h, head, true);
		spin_unlock(m, &m->hugetlb->hugetlb_lock);
		update_and_free_page(m, h, head);
	} else {
		enqueue_huge_page(m, h, head);
		spin_unlock(m, &m->hugetlb->hugetlb_lock);
	}
}

/* -------------------------------------------------------------------------
 * New pool pages
 */
static void __prep_new_huge_page(struct machine *m, struct hstate *h, unsigned long head,
				 bool optimize)
{
	if (optimize)
		hugetlb_optimize(m, h, head);
	/* INIT_LIST_HEAD(&page->lru): the model's lists set the links on add */
	set_compound_page_dtor(m, head, HUGETLB_PAGE_DTOR);
	set_page_private(m, head + 1, 0);	/* hugetlb_set_page_subpool(NULL) */
	set_page_private(m, head + 2, 0);	/* set_hugetlb_cgroup(NULL) */
	set_page_private(m, head + 3, 0);	/* set_hugetlb_cgroup_rsvd(NULL) */
}

static void prep_new_huge_page(struct machine *m, struct hstate *h, unsigned long head, int nid)
{
	__prep_new_huge_page(m, h, head, true);
	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
}

/*
 * alloc_buddy_huge_page: one order-9 page from the buddy on nid.  A node
 * that failed a __GFP_RETRY_MAYFAIL attempt during this resize is tried
 * with __GFP_NORETRY until it gives a page again (node_alloc_noretry).
 */
static unsigned long alloc_buddy_huge_page(struct machine *m, struct hstate *h, gfp_t gfp,
					   int nid, unsigned long *node_alloc_noretry)
{
	unsigned int order = huge_page_order(h);
	bool alloc_try_hard = true, retry = true;
	unsigned long pfn;

	if (node_alloc_noretry && ((*node_alloc_noretry >> nid) & 1))
		alloc_try_hard = false;
	gfp |= __GFP_COMP | __GFP_NOWARN;
	if (alloc_try_hard)
		gfp |= __GFP_RETRY_MAYFAIL;
	if (nid == NUMA_NO_NODE)
		nid = m->cpu_node[m->cur_cpu];		/* numa_mem_id() */
again:
	pfn = __alloc_pages(m, gfp, order, nid);
	if (pfn != PFN_NONE && !page_ref_freeze(m, pfn, 1)) {
		/* someone holds a reference already: give it back, retry once */
		__free_pages(m, pfn, order);
		if (retry) {
			retry = false;
			goto again;
		}
		pfn = PFN_NONE;
	}
	count_vm_event(m, pfn != PFN_NONE ? HTLB_BUDDY_PGALLOC : HTLB_BUDDY_PGALLOC_FAIL);

	if (node_alloc_noretry && pfn != PFN_NONE && !alloc_try_hard)
		*node_alloc_noretry &= ~(1UL << nid);
	if (node_alloc_noretry && pfn == PFN_NONE && alloc_try_hard)
		*node_alloc_noretry |= 1UL << nid;
	return pfn;
}

/* alloc_gigantic_page: no hugetlb CMA areas, so alloc_contig_pages */
static unsigned long alloc_gigantic_page(struct machine *m, struct hstate *h, gfp_t gfp, int nid)
{
	return alloc_contig_pages(m, pages_per_huge_page(h), gfp, nid);
}

/*
 * alloc_fresh_huge_page: a new, frozen, accounted hugetlb page (not yet
 * free).  With batch set (6.7+, only_alloc_fresh_hugetlb_folio) the page
 * is prepared but neither optimised nor accounted: the caller does both
 * for the whole batch.
 */
static unsigned long alloc_fresh_huge_page_batch(struct machine *m, struct hstate *h, gfp_t gfp,
						 int nid, unsigned long *node_alloc_noretry,
						 bool batch)
{
	bool retried = false;
	unsigned long pfn;

again:
	if (hstate_is_gigantic(h))
		pfn = alloc_gigantic_page(m, h, gfp, nid);
	else
		pfn = alloc_buddy_huge_page(m, h, gfp, nid, node_alloc_noretry);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	if (hstate_is_gigantic(h) && !prep_compound_gigantic_page(m, pfn, huge_page_order(h))) {
		free_gigantic_page(m, pfn, huge_page_order(h));
		if (!retried) {
			retried = true;
			goto again;
		}
		return PFN_NONE;
	}
	if (batch)
		__prep_new_huge_page(m, h, pfn, false);
	else
		prep_new_huge_page(m, h, pfn, page_to_nid(m, pfn));
	return pfn;
}

static unsigned long alloc_fresh_huge_page(struct machine *m, struct hstate *h, gfp_t gfp,
					   int nid, unsigned long *node_alloc_noretry)
{
	return alloc_fresh_huge_page_batch(m, h, gfp, nid, node_alloc_noretry, false);
}

/*
 * prep_and_add_allocated_folios (6.7+): optimise the batch's vmemmap in
 * one go, then account each page and put it in the pool.  The batch is
 * a list the kernel builds with list_add, so the last page allocated is
 * processed first.
 */
static void prep_and_add_allocated_pages(struct machine *m, struct hstate *h,
					 unsigned long *pages, unsigned long n)
{
	for (unsigned long i = 0; i < n / 2; i++) {
		unsigned long t = pages[i];

		pages[i] = pages[n - 1 - i];
		pages[n - 1 - i] = t;
	}
	hugetlb_vmemmap_optimize_folios(m, h, pages, n);
	for (unsigned long i = 0; i < n; i++) {
		int nid = page_to_nid(m, pages[i]);

		if (HPageVmemmapOptimized(m, pages[i]))
			h->nr_vmemmap_optimized++;
		h->nr_huge_pages++;
		h->nr_huge_pages_node[nid]++;
		free_huge_page(m, pages[i]);
	}
}

/*
 * alloc_pool_huge_folio (6.7+): a prepared page for a batch, nodes taken
 * round-robin from *@next_node (the hstate's next_nid_to_alloc, or the
 * boot batch's own).
 */
static unsigned long alloc_pool_huge_folio(struct machine *m, struct hstate *h,
					   unsigned long nodes_allowed,
					   unsigned long *node_alloc_noretry, int *next_node)
{
	gfp_t gfp = htlb_alloc_mask(h) | __GFP_THISNODE;
	int nr_nodes, node;

	for_each_node_mask_to_alloc(next_node, nr_nodes, node, nodes_allowed) {
		unsigned long pfn = alloc_fresh_huge_page_batch(m, h, gfp, node, node_alloc_noretry,
								true);

		if (pfn != PFN_NONE)
			return pfn;
	}
	return PFN_NONE;
}

/* Append @pfn to a batch the host keeps in an array that grows with what was allocated */
static void batch_add(unsigned long **pages, unsigned long *n, unsigned long *cap,
		      unsigned long pfn)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*pages = host_reallocarray(*pages, *cap, sizeof(**pages),
					   "collecting a hugetlb batch");
	}
	(*pages)[(*n)++] = pfn;
}

/* Pool growth and the boot allocation batched: 6.12's hugetlb.c, or an HVO entry of 6.7+ */
static bool hugetlb_batched(struct machine *m)
{
	return mm_kver_ge(m, 6, 12) || hugetlb_vmemmap_batched(m);
}

/* alloc_pool_huge_page: one page for the pool, nodes taken round-robin */
static int alloc_pool_huge_page(struct machine *m, struct hstate *h, unsigned long nodes_allowed,
				unsigned long *node_alloc_noretry)
{
	gfp_t gfp = htlb_alloc_mask(h) | __GFP_THISNODE;
	unsigned long pfn = PFN_NONE;
	int nr_nodes, node;

	for_each_node_mask_to_alloc(&h->next_nid_to_alloc, nr_nodes, node, nodes_allowed) {
		pfn = alloc_fresh_huge_page(m, h, gfp, node, node_alloc_noretry);
		if (pfn != PFN_NONE)
			break;
	}
	if (pfn == PFN_NONE)
		return 0;
	free_huge_page(m, pfn);
	return 1;
}

/* remove_pool_huge_page: a free page from the next node to free from */
static unsigned long remove_pool_huge_page(struct machine *m, struct hstate *h,
					   unsigned long nodes_allowed, bool acct_surplus)
{
	int nr_nodes, node;

	for_each_node_mask_to_free(h, nr_nodes, node, nodes_allowed) {
		if ((!acct_surplus || h->surplus_huge_pages_node[node]) &&
		    !pfnlist_empty(&h->hugepage_freelists[node])) {
			unsigned long pfn = h->hugepage_freelists[node].first;

			remove_hugetlb_page(m, h, pfn, acct_surplus);
			return pfn;
		}
	}
	return PFN_NONE;
}

static int adjust_pool_surplus(struct hstate *h, unsigned long nodes_allowed, int delta)
{
	int nr_nodes, node;

	if (delta < 0) {
		for_each_node_mask_to_alloc(&h->next_nid_to_alloc, nr_nodes, node, nodes_allowed)
			if (h->surplus_huge_pages_node[node])
				goto found;
	} else {
		for_each_node_mask_to_free(h, nr_nodes, node, nodes_allowed)
			if (h->surplus_huge_pages_node[node] < h->nr_huge_pages_node[node])
				goto found;
	}
	return 0;
found:
	h->surplus_huge_pages += delta;
	h->surplus_huge_pages_node[node] += delta;
	return 1;
}

static int set_max_huge_pages(struct machine *m, struct hstate *h, unsigned long count, int nid,
			      unsigned long nodes_allowed)
{
	unsigned long node_alloc_noretry = 0, min_count;
	struct pfnlist_head page_list;

	if (nid != NUMA_NO_NODE) {
		unsigned long old_count = count;

		/*
		 * The node's file: the other nodes keep what they have.  6.12
		 * counts their persistent pages only ("mm/hugetlb: fix nodes
		 * huge page allocation when there are surplus pages"); 6.1
		 * counts their surplus pages too, so a node's write asks for
		 * that many pages fewer.
		 */
		if (mm_kver_ge(m, 6, 12))
			count += persistent_huge_pages(h) -
				 (h->nr_huge_pages_node[nid] - h->surplus_huge_pages_node[nid]);
		else
			count += h->nr_huge_pages - h->nr_huge_pages_node[nid];
		if (count < old_count)
			count = ~0UL;
	}

	/* grow: surplus pages become persistent first, then fresh pages */
	while (h->surplus_huge_pages && count > persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, nodes_allowed, -1))
			break;
	if (hugetlb_batched(m)) {
		/*
		 * 6.7+: allocate the whole batch, then optimise and add it.
		 * The kernel threads the batch through folio->lru; here it
		 * is an array that grows with what was allocated, never
		 * with what was asked for (count is the user's number).
		 */
		unsigned long want = count - persistent_huge_pages(h), n = 0, cap = 0;
		unsigned long *pages = NULL;

		if (count <= persistent_huge_pages(h))
			want = 0;
		while (n < want) {
			unsigned long pfn = alloc_pool_huge_folio(m, h, nodes_allowed,
								  &node_alloc_noretry,
								  &h->next_nid_to_alloc);

			if (pfn == PFN_NONE)
				break;
			batch_add(&pages, &n, &cap, pfn);
		}
		prep_and_add_allocated_pages(m, h, pages, n);
		host_free(pages);
		if (n < want)
			goto out;
	}
	while (count > persistent_huge_pages(h))
		if (!alloc_pool_huge_page(m, h, nodes_allowed, &node_alloc_noretry))
			goto out;

	/* shrink: free pages go back, keeping enough for reservations */
	min_count = h->resv_huge_pages + h->nr_huge_pages - h->free_huge_pages;
	if (min_count < count)
		min_count = count;
	/* try_to_free_low: HIGHMEM only */
	pfnlist_init(&page_list);
	while (min_count < persistent_huge_pages(h)) {
		unsigned long pfn = remove_pool_huge_page(m, h, nodes_allowed, false);

		if (pfn == PFN_NONE)
			break;
		pfnlist_add(m, &page_list, pfn);
	}
	update_and_free_pages_bulk(m, h, &page_list);

	/* what is still in use above the target becomes surplus */
	while (count < persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, nodes_allowed, 1))
			break;
out:
	h->max_huge_pages = persistent_huge_pages(h);
	return 0;
}

int hugetlb_set_max_huge_pages(struct machine *m, struct hstate *h, unsigned long count, int nid)
{
	if (nid != NUMA_NO_NODE && (nid < 0 || nid >= m->nr_nodes))
		return -EINVAL;
	return set_max_huge_pages(m, h, count, nid,
				  nid == NUMA_NO_NODE ? all_nodes_mask(m) : 1UL << nid);
}

/* -------------------------------------------------------------------------
 * hstates by size and order, the locks of the mapping paths
 */
struct hstate *hugetlb_order_to_hstate(struct machine *m, unsigned int order)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);

	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (ctx->hstates[i].order == order)
			return &ctx->hstates[i];
	return NULL;
}

struct hstate *hstate_sizelog(struct machine *m, int page_size_log)
{
	if (!page_size_log)
		return hugetlb_default_hstate(m);
	if (page_size_log < 64)
		return hugetlb_size_to_hstate(m, 1UL << page_size_log);
	return NULL;
}

int hstate_index(struct machine *m, const struct hstate *h)
{
	return (int)(h - hugetlb_ctx(m)->hstates);
}

spinlock_t *hugetlb_lock(struct machine *m)
{
	return &hugetlb_ctx(m)->hugetlb_lock;
}

bool hugetlb_counter_sub(struct machine *m, const struct hstate *h, unsigned long *counter,
			 unsigned long n, const char *name, const char *where)
{
	if (*counter >= n) {
		*counter -= n;
		return true;
	}
	hugetlb_ctx(m)->stats.underflows++;
	mm_fail(m, "hugetlb: %s of %s would go below zero (%lu - %lu) in %s: the kernel's "
		"unsigned counter wraps to %lu", name, h->name, *counter, n, where, *counter - n);
	*counter = 0;
	return false;
}

struct hugetlb_stats *hugetlb_stats(struct machine *m)
{
	return &hugetlb_ctx(m)->stats;
}

/*
 * The split lock of a PMD table that maps hugetlb pages.  The kernel's
 * lives in the table's struct page, so every mm that shares the table
 * takes the same one; the model keeps one per table pfn for the machine's
 * life (a lock is host memory, never freed under a CPU that still holds
 * a pointer to it).
 */
spinlock_t *hugetlb_pmd_lockptr(struct machine *m, unsigned long table)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);
	spinlock_t *l;
	uint64_t v;

	if (xmap_get(&ctx->pmd_ptlocks, table, &v))
		return (spinlock_t *)(uintptr_t)v;
	l = host_calloc(1, sizeof(*l), "a hugetlb PMD table lock");
	spin_lock_init(l);
	xmap_set(&ctx->pmd_ptlocks, table, (uint64_t)(uintptr_t)l);
	return l;
}

/*
 * hugetlb_fault_mutex_table: 8 per possible CPU, rounded up to a power of
 * two, as hugetlb_init sizes it.  The kernel hashes the address_space
 * pointer and the index with jhash2; the model mixes the inode's id and
 * the index (which pairs collide differs, which only changes contention).
 */
struct rw_semaphore *hugetlb_fault_mutex(struct machine *m, const struct inode *inode,
					 unsigned long idx)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);
	uint64_t x = ((uint64_t)inode->id << 32) ^ idx;

	if (!ctx->fault_mutex_table) {
		unsigned int n = 1;

		while (n < 8U * (unsigned int)m->nr_cpus)
			n <<= 1;
		ctx->num_fault_mutexes = n;
		ctx->fault_mutex_table = host_calloc(n, sizeof(*ctx->fault_mutex_table),
						     "the hugetlb fault mutexes");
		for (unsigned int i = 0; i < n; i++)
			init_rwsem(&ctx->fault_mutex_table[i]);
	}
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return &ctx->fault_mutex_table[x & (ctx->num_fault_mutexes - 1)];
}

struct hstate *hugetlb_hstate_at(struct machine *m, int i)
{
	return m->hugetlb && i >= 0 && i < HUGE_MAX_HSTATE ? &m->hugetlb->hstates[i] : NULL;
}

/*
 * The pool of h against its counters: every page on a free list is a free
 * huge page of h on that node, frozen (refcount 0), and the lists, the
 * node counters and the global ones agree.
 */
bool hugetlb_check_pool(struct machine *m, const struct hstate *h, char *err, size_t errlen)
{
	unsigned long free = 0, nr = 0, surplus = 0, pfn;

	for (int n = 0; n < m->nr_nodes; n++) {
		unsigned long count = 0;

		pfnlist_for_each(m, pfn, &h->hugepage_freelists[n]) {
			const char *why = NULL;

			if (page_to_nid(m, pfn) != n)
				why = "is on another node";
			else if (!PageHeadHuge(m, pfn) || compound_order(m, pfn) != h->order)
				why = "is not a huge page of this size";
			else if (page_ref_count(m, pfn))
				why = "is not frozen (refcount not 0)";
			else if (!HPageFreed(m, pfn))
				why = "is not HPageFreed";
			else if (HPageRestoreReserve(m, pfn))
				why = "has HPageRestoreReserve";
			if (why) {
				snprintf(err, errlen, "%s: page %#lx on node %d's free list %s", h->name,
					 pfn, n, why);
				return false;
			}
			count++;
		}
		if (count != h->free_huge_pages_node[n] ||
		    h->surplus_huge_pages_node[n] > h->nr_huge_pages_node[n] ||
		    h->free_huge_pages_node[n] > h->nr_huge_pages_node[n]) {
			snprintf(err, errlen, "%s: node %d has %lu free pages listed, counters nr %lu "
				 "free %lu surplus %lu", h->name, n, count, h->nr_huge_pages_node[n],
				 h->free_huge_pages_node[n], h->surplus_huge_pages_node[n]);
			return false;
		}
		free += count;
		nr += h->nr_huge_pages_node[n];
		surplus += h->surplus_huge_pages_node[n];
	}
	if (free != h->free_huge_pages || nr != h->nr_huge_pages ||
	    surplus != h->surplus_huge_pages) {
		snprintf(err, errlen, "%s: nr_huge_pages %lu free %lu surplus %lu, but the nodes have "
			 "%lu, %lu, %lu", h->name, h->nr_huge_pages, h->free_huge_pages,
			 h->surplus_huge_pages, nr, free, surplus);
		return false;
	}
	return true;
}

/* -------------------------------------------------------------------------
 * Subpools: a hugetlbfs mount's size= and min_size=
 */
static bool subpool_is_free(const struct hugepage_subpool *spool)
{
	if (spool->count)
		return false;
	if (spool->max_hpages != -1)
		return spool->used_hpages == 0;
	if (spool->min_hpages != -1)
		return spool->rsv_hpages == spool->min_hpages;
	return true;
}

/* Unlock; a subpool nobody holds or uses goes, with its minimum's reservation */
static void unlock_or_release_subpool(struct machine *m, struct hugepage_subpool *spool)
{
	struct hugetlb_ctx *ctx = m->hugetlb;

	spin_unlock(m, &spool->lock);
	if (subpool_is_free(spool)) {
		if (spool->min_hpages != -1)
			hugetlb_acct_memory(m, spool->hstate, -spool->min_hpages);
		ctx->subpools[spool->id] = NULL;
		host_free(spool);
	}
}

struct hugepage_subpool *hugepage_new_subpool(struct machine *m, struct hstate *h,
					      long max_hpages, long min_hpages)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);
	struct hugepage_subpool *spool = host_calloc(1, sizeof(*spool), "a hugetlbfs subpool");

	spin_lock_init(&spool->lock);
	spool->count = 1;
	spool->max_hpages = max_hpages;
	spool->hstate = h;
	spool->min_hpages = min_hpages;
	if (min_hpages != -1 && hugetlb_acct_memory(m, h, min_hpages)) {
		host_free(spool);
		return NULL;
	}
	spool->rsv_hpages = min_hpages;
	if (ctx->nr_subpools == ctx->cap_subpools) {
		ctx->cap_subpools = ctx->cap_subpools ? 2 * ctx->cap_subpools : 4;
		ctx->subpools = host_reallocarray(ctx->subpools, ctx->cap_subpools,
						  sizeof(*ctx->subpools), "the hugetlbfs subpools");
	}
	spool->id = ctx->nr_subpools;
	ctx->subpools[ctx->nr_subpools++] = spool;
	return spool;
}

void hugepage_put_subpool(struct machine *m, struct hugepage_subpool *spool)
{
	spin_lock(m, &spool->lock);
	MM_BUG_ON(m, !spool->count, "BUG: hugepage_put_subpool with count 0");
	spool->count--;
	unlock_or_release_subpool(m, spool);
}

struct hugepage_subpool *hugetlb_subpool_next(struct machine *m, size_t *i)
{
	struct hugetlb_ctx *ctx = m->hugetlb;

	while (ctx && *i < ctx->nr_subpools) {
		struct hugepage_subpool *spool = ctx->subpools[(*i)++];

		if (spool)
			return spool;
	}
	return NULL;
}

/*
 * hugepage_subpool_get_pages: delta pages of the subpool for an
 * allocation or a reservation.  -ENOMEM past max_hpages; otherwise how
 * many the global pool must reserve: fewer than delta when the minimum's
 * reservation (rsv_hpages) covers some.
 */
long hugepage_subpool_get_pages(struct machine *m, struct hugepage_subpool *spool, long delta)
{
	long ret = delta;

	if (!spool)
		return ret;
	spin_lock(m, &spool->lock);
	if (spool->max_hpages != -1) {
		if (spool->used_hpages + delta <= spool->max_hpages) {
			spool->used_hpages += delta;
		} else {
			ret = -ENOMEM;
			goto unlock;
		}
	}
	if (spool->min_hpages != -1 && spool->rsv_hpages) {
		if (delta > spool->rsv_hpages) {
			ret = delta - spool->rsv_hpages;
			spool->rsv_hpages = 0;
		} else {
			ret = 0;
			spool->rsv_hpages -= delta;
		}
	}
unlock:
	spin_unlock(m, &spool->lock);
	return ret;
}

/*
 * hugepage_subpool_put_pages: delta pages back; returns how many global
 * reservations go with them (fewer when the subpool falls below its
 * minimum and keeps them in rsv_hpages).
 */
long hugepage_subpool_put_pages(struct machine *m, struct hugepage_subpool *spool, long delta)
{
	long ret = delta;

	if (!spool)
		return delta;
	spin_lock(m, &spool->lock);
	if (spool->max_hpages != -1)
		spool->used_hpages -= delta;
	if (spool->min_hpages != -1 && spool->used_hpages < spool->min_hpages) {
		if (spool->rsv_hpages + delta <= spool->min_hpages)
			ret = 0;
		else
			ret = spool->rsv_hpages + delta - spool->min_hpages;
		spool->rsv_hpages += delta;
		if (spool->rsv_hpages > spool->min_hpages)
			spool->rsv_hpages = spool->min_hpages;
	}
	unlock_or_release_subpool(m, spool);
	return ret;
}

/* -------------------------------------------------------------------------
 * Surplus pages and global reservations
 */

/* alloc_surplus_huge_page: a fresh page beyond the persistent pool, within overcommit */
static unsigned long alloc_surplus_huge_page(struct machine *m, struct hstate *h, gfp_t gfp,
					     int nid)
{
	spinlock_t *lock = &m->hugetlb->hugetlb_lock;
	unsigned long pfn;

	if (hstate_is_gigantic(h))
		return PFN_NONE;
	spin_lock(m, lock);
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages) {
		spin_unlock(m, lock);
		return PFN_NONE;
	}
	spin_unlock(m, lock);
	pfn = alloc_fresh_huge_page(m, h, gfp, nid, NULL);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	spin_lock(m, lock);
	/* the pool may have changed meanwhile: a temporary page frees itself */
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages) {
		SetHPageTemporary(m, pfn);
		spin_unlock(m, lock);
		free_huge_page(m, pfn);
		return PFN_NONE;
	}
	h->surplus_huge_pages++;
	h->surplus_huge_pages_node[page_to_nid(m, pfn)]++;
	spin_unlock(m, lock);
	return pfn;
}

/*
 * gather_surplus_pages: make the pool hold resv_huge_pages + delta free
 * pages, allocating surplus pages for the shortfall, and commit the
 * reservation; -ENOMEM (nothing committed) when they cannot all be had.
 * Called with hugetlb_lock held; drops it to allocate.
 */
static int gather_surplus_pages(struct machine *m, struct hstate *h, long delta)
{
	spinlock_t *lock = &m->hugetlb->hugetlb_lock;
	long needed, allocated = 0, i;
	unsigned long *list = NULL;	/* surplus_list, in allocation order */
	size_t n = 0, cap = 0;
	bool alloc_ok = true;
	int ret = -ENOMEM;

	needed = (long)(h->resv_huge_pages + delta) - (long)h->free_huge_pages;
	if (needed <= 0) {
		h->resv_huge_pages += delta;
		return 0;
	}
retry:
	spin_unlock(m, lock);
	for (i = 0; i < needed; i++) {
		unsigned long pfn = alloc_surplus_huge_page(m, h, htlb_alloc_mask(h), NUMA_NO_NODE);

		if (pfn == PFN_NONE) {
			alloc_ok = false;
			break;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			list = host_reallocarray(list, cap, sizeof(*list), "gathering surplus pages");
		}
		list[n++] = pfn;
		cond_resched(m);
	}
	allocated += i;
	spin_lock(m, lock);
	needed = (long)(h->resv_huge_pages + delta) - (long)(h->free_huge_pages + allocated);
	if (needed > 0) {
		if (alloc_ok)
			goto retry;
		goto free;	/* not enough: give back what was allocated */
	}
	/* commit first, so that nobody takes the pages before they are reserved */
	needed += allocated;
	h->resv_huge_pages += delta;
	ret = 0;
	/* the kernel's list_add order: the last page allocated is enqueued first */
	while (n && needed-- > 0)
		enqueue_huge_page(m, h, list[--n]);
free:
	spin_unlock(m, lock);
	while (n)
		free_huge_page(m, list[--n]);	/* frozen: straight to the destructor */
	host_free(list);
	spin_lock(m, lock);
	return ret;
}

/*
 * return_unused_surplus_pages: uncommit unused_resv_pages reservations and
 * free up to as many surplus pages, node by node.  Called with
 * hugetlb_lock held; drops it to free.
 */
static void return_unused_surplus_pages(struct machine *m, struct hstate *h,
					unsigned long unused_resv_pages)
{
	spinlock_t *lock = &m->hugetlb->hugetlb_lock;
	unsigned long nr_pages;
	struct pfnlist_head page_list;

	hugetlb_counter_sub(m, h, &h->resv_huge_pages, unused_resv_pages, "resv_huge_pages",
			    "return_unused_surplus_pages");
	pfnlist_init(&page_list);
	/* gigantic pages can be freed at run time (CONTIG_ALLOC), so no skip */
	nr_pages = unused_resv_pages < h->surplus_huge_pages ? unused_resv_pages :
							       h->surplus_huge_pages;
	while (nr_pages--) {
		unsigned long pfn = remove_pool_huge_page(m, h, all_nodes_mask(m), true);

		if (pfn == PFN_NONE)
			break;
		pfnlist_add(m, &page_list, pfn);
	}
	spin_unlock(m, lock);
	update_and_free_pages_bulk(m, h, &page_list);
	spin_lock(m, lock);
}

/* allowed_mems_nr: free pages on the nodes the task may use (all: no cpusets) */
static unsigned long allowed_mems_nr(struct machine *m, const struct hstate *h)
{
	unsigned long nr = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		nr += h->free_huge_pages_node[n];
	return nr;
}

int hugetlb_acct_memory(struct machine *m, struct hstate *h, long delta)
{
	spinlock_t *lock = hugetlb_lock(m);
	int ret = -ENOMEM;

	if (!delta)
		return 0;
	spin_lock(m, lock);
	if (delta > 0) {
		if (gather_surplus_pages(m, h, delta) < 0)
			goto out;
		if ((unsigned long)delta > allowed_mems_nr(m, h)) {
			return_unused_surplus_pages(m, h, (unsigned long)delta);
			goto out;
		}
	}
	ret = 0;
	if (delta < 0)
		return_unused_surplus_pages(m, h, (unsigned long)-delta);
out:
	spin_unlock(m, lock);
	return ret;
}

/* -------------------------------------------------------------------------
 * Pages for mappings
 */

/* dequeue_huge_page_node_exact: the first free page of nid, now referenced */
static unsigned long dequeue_huge_page_node_exact(struct machine *m, struct hstate *h, int nid)
{
	unsigned long pfn;

	pfnlist_for_each(m, pfn, &h->hugepage_freelists[nid]) {
		if (PageHWPoison(m, pfn))
			continue;
		pfnlist_del(m, &h->hugepage_freelists[nid], pfn);
		set_page_refcounted(m, pfn);
		ClearHPageFreed(m, pfn);
		h->free_huge_pages--;
		h->free_huge_pages_node[nid]--;
		return pfn;
	}
	return PFN_NONE;
}

/* dequeue_huge_page_nodemask: nodes in the zonelist order of nid */
static unsigned long dequeue_huge_page_nodemask(struct machine *m, struct hstate *h, int nid)
{
	for (int i = 0; i < m->nr_nodes; i++) {
		unsigned long pfn = dequeue_huge_page_node_exact(m, h, m->node_order[nid][i]);

		if (pfn != PFN_NONE)
			return pfn;
	}
	return PFN_NONE;
}

/* free_huge_pages - resv_huge_pages, unsigned as the kernel computes it */
static unsigned long available_huge_pages(const struct hstate *h)
{
	return h->free_huge_pages - h->resv_huge_pages;
}

/*
 * dissolve_free_huge_page: give a free pool page back to the buddy
 * allocator, as memory offlining does with the free hugepages of the range
 * (a gigantic page goes whole, also what lies outside the range).  0 when
 * pfn is no hugetlb page or its page was dissolved; -EBUSY for a page in
 * use or one the reservations need; the vmemmap restore's error (-ENOMEM)
 * leaves the page in the pool.  Like the pool resizing above, it does not
 * take hugetlb_lock; the kernel's retry for a page not yet on the free
 * list cannot happen in a sequential run.
 */
static int dissolve_free_huge_page(struct machine *m, unsigned long pfn)
{
	unsigned long head;
	struct hstate *h;
	int rc;

	if (!PageHuge(m, pfn))
		return 0;
	if (page_ref_count(m, pfn))
		return -EBUSY;
	head = compound_head(m, pfn);
	h = hugetlb_order_to_hstate(m, compound_order(m, head));
	if (!h || !available_huge_pages(h) || !HPageFreed(m, head))
		return -EBUSY;
	remove_hugetlb_page(m, h, head, false);
	h->max_huge_pages--;
	rc = hugetlb_restore(m, h, head);
	if (!rc) {
		update_and_free_page(m, h, head);
	} else {
		add_hugetlb_page(m, h, head, false);
		h->max_huge_pages++;
	}
	return rc;
}

int dissolve_free_huge_pages(struct machine *m, unsigned long start_pfn, unsigned long end_pfn)
{
	struct hugetlb_ctx *ctx = m->hugetlb;
	unsigned int order = ~0U;
	int rc = 0;

	if (!ctx)
		return 0;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (ctx->hstates[i].order && ctx->hstates[i].order < order)
			order = ctx->hstates[i].order;
	if (order == ~0U)
		return 0;
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn += 1UL << order) {
		rc = dissolve_free_huge_page(m, pfn);
		if (rc)
			break;
	}
	return rc;
}

/*
 * dequeue_huge_page_vma: a free page for vma, consuming its reservation
 * when it has one (chg from vma_needs_reservation/the subpool).  Without
 * one, only pages beyond the reserved ones may be taken, so that a child
 * of a private mapping's owner cannot steal the parent's reservation.
 * With hugetlb_lock held.  huge_node: the default mempolicy (local node).
 */
static unsigned long dequeue_huge_page_vma(struct machine *m, struct hstate *h,
					   struct vm_area_struct *vma, unsigned long address,
					   long chg)
{
	unsigned long pfn;

	(void)address;
	if (!vma_has_reserves(vma, chg) && !available_huge_pages(h))
		return PFN_NONE;
	pfn = dequeue_huge_page_nodemask(m, h, m->cpu_node[m->cur_cpu]);
	if (pfn != PFN_NONE && vma_has_reserves(vma, chg)) {
		SetHPageRestoreReserve(m, pfn);
		hugetlb_counter_sub(m, h, &h->resv_huge_pages, 1, "resv_huge_pages",
				    "dequeue_huge_page_vma");
	}
	return pfn;
}

unsigned long alloc_huge_page(struct machine *m, struct vm_area_struct *vma,
			      unsigned long addr, int avoid_reserve, int *err)
{
	struct hugepage_subpool *spool = subpool_vma(vma);
	struct hstate *h = hstate_vma(vma);
	spinlock_t *lock = hugetlb_lock(m);
	long map_chg, map_commit, gbl_chg;
	unsigned long pfn;
	SCHED_WHERE(m);

	/* 0: a reservation exists for the page (no change to the map needed) */
	map_chg = gbl_chg = vma_needs_reservation(m, h, vma, addr);
	if (map_chg < 0) {
		*err = -ENOMEM;
		return PFN_NONE;
	}
	/* without one (or avoiding it), the subpool must have room for the page */
	if (map_chg || avoid_reserve) {
		gbl_chg = hugepage_subpool_get_pages(m, spool, 1);
		if (gbl_chg < 0) {
			vma_end_reservation(m, h, vma, addr);
			*err = -ENOSPC;
			return PFN_NONE;
		}
	}
	/* hugetlb cgroup charges would go here: not modelled */
	spin_lock(m, lock);
	pfn = dequeue_huge_page_vma(m, h, vma, addr, gbl_chg);
	if (pfn == PFN_NONE) {
		spin_unlock(m, lock);
		/* alloc_buddy_huge_page_with_mpol, default policy: the local node */
		pfn = alloc_surplus_huge_page(m, h, htlb_alloc_mask(h), m->cpu_node[m->cur_cpu]);
		if (pfn == PFN_NONE)
			goto out_subpool_put;
		spin_lock(m, lock);
		if (!avoid_reserve && vma_has_reserves(vma, gbl_chg)) {
			SetHPageRestoreReserve(m, pfn);
			hugetlb_counter_sub(m, h, &h->resv_huge_pages, 1, "resv_huge_pages",
					    "alloc_huge_page");
		}
		set_page_refcounted(m, pfn);
	}
	spin_unlock(m, lock);
	hugetlb_set_page_subpool(m, pfn, spool);

	map_commit = vma_commit_reservation(m, h, vma, addr);
	if (unlikely(map_chg > map_commit)) {
		/*
		 * A reservation for this page was added between needs and
		 * commit (a racing hugetlb_reserve_pages): its subpool page
		 * and global reservation are one too many.
		 */
		long rsv_adjust = hugepage_subpool_put_pages(m, spool, 1);

		hugetlb_acct_memory(m, h, -rsv_adjust);
	}
	return pfn;

out_subpool_put:
	if (map_chg || avoid_reserve)
		hugepage_subpool_put_pages(m, spool, 1);
	vma_end_reservation(m, h, vma, addr);
	*err = -ENOSPC;
	return PFN_NONE;
}

/* -------------------------------------------------------------------------
 * Boot
 */
static int alloc_bootmem_huge_page(struct machine *m, struct hstate *h, int nid)
{
	struct hugetlb_ctx *ctx = m->hugetlb;
	unsigned long nr = pages_per_huge_page(h), pfn = PFN_NONE;
	int nr_nodes, node = nid;

	if (nid != NUMA_NO_NODE) {
		pfn = memblock_alloc_try_nid(m, nr, nr, 0, ~0UL, nid, false, "hugetlb");
	} else {
		for_each_node_mask_to_alloc(&h->next_nid_to_alloc, nr_nodes, node,
					    all_nodes_mask(m)) {
			pfn = memblock_alloc_try_nid(m, nr, nr, 0, ~0UL, node, false, "hugetlb");
			break;	/* the kernel gives up after the first node's attempt */
		}
	}
	if (pfn == PFN_NONE)
		return 0;
	if (ctx->nr_boot_pages == ctx->boot_pages_cap) {
		int cap = ctx->boot_pages_cap ? 2 * ctx->boot_pages_cap : 16;
		ctx->boot_pages = host_reallocarray(ctx->boot_pages, (size_t)cap,
						    sizeof(*ctx->boot_pages),
						    "recording boot-time gigantic pages");
		ctx->boot_pages_cap = cap;
	}
	ctx->boot_pages[ctx->nr_boot_pages++] = (struct huge_bootmem_page){ pfn, h, node };
	return 1;
}

static void hugetlb_hstate_alloc_pages_onenode(struct machine *m, struct hstate *h, int nid)
{
	unsigned long i;
	char buf[32];

	for (i = 0; i < h->max_huge_pages_node[nid]; i++) {
		if (hstate_is_gigantic(h)) {
			if (!alloc_bootmem_huge_page(m, h, nid))
				break;
		} else {
			gfp_t gfp = htlb_alloc_mask(h) | __GFP_THISNODE;
			unsigned long pfn = alloc_fresh_huge_page(m, h, gfp, nid, NULL);

			if (pfn == PFN_NONE)
				break;
			free_huge_page(m, pfn);
		}
	}
	if (i == h->max_huge_pages_node[nid])
		return;
	size_string(huge_page_size(h), buf, sizeof(buf));
	boot_log(m->hugetlb, "HugeTLB: allocating %lu of page size %s failed node%d.  "
		 "Only allocated %lu hugepages.", h->max_huge_pages_node[nid], buf, nid, i);
	h->max_huge_pages -= h->max_huge_pages_node[nid] - i;
	h->max_huge_pages_node[nid] = i;
}

/*
 * hugetlb_pages_alloc_boot_node (6.12): the pages [start, end) of the boot
 * allocation as one batch, with node round-robin and the noretry mask of
 * its own, starting at the first node: allocate them all, then optimise
 * and add them (prep_and_add_allocated_folios).
 */
static void hugetlb_pages_alloc_boot_node(struct machine *m, struct hstate *h,
					  unsigned long start, unsigned long end)
{
	unsigned long node_alloc_noretry = 0, n = 0, cap = 0, *pages = NULL;
	int next_node = 0;	/* first_online_node */

	for (unsigned long i = start; i < end; i++) {
		unsigned long pfn = alloc_pool_huge_folio(m, h, all_nodes_mask(m),
							  &node_alloc_noretry, &next_node);

		if (pfn == PFN_NONE)
			break;
		batch_add(&pages, &n, &cap, pfn);
	}
	prep_and_add_allocated_pages(m, h, pages, n);
	host_free(pages);
}

/*
 * hugetlb_pages_alloc_boot (6.12; "hugetlb: parallelize 2M hugetlb
 * allocation and initialization", 6.10): the boot allocation of a
 * non-gigantic size without per-node counts is a padata job of
 * max_huge_pages items cut into chunks (padata_do_multithreaded: up to
 * two works per node, chunks of at least max_huge_pages / nodes / 2,
 * aligned), each chunk a batch of its own (hugetlb_pages_alloc_boot_node).
 * The kernel runs the chunks on several CPUs at once; the model runs them
 * one after another, in order, on the booting CPU.  What it keeps: each
 * chunk starts its round-robin at node 0 (so small counts pile up on the
 * first nodes) and leaves the hstate's next_nid_to_alloc alone, and each
 * chunk's vmemmap is optimised before the next chunk allocates.  Returns
 * the pages allocated.
 */
static unsigned long hugetlb_pages_alloc_boot(struct machine *m, struct hstate *h)
{
	unsigned long size = h->max_huge_pages, nodes = (unsigned long)nodes_weight(all_nodes_mask(m));
	unsigned long max_threads = nodes * 2, min_chunk = size / nodes / 2;
	unsigned long nworks, chunk;

	nworks = size / (min_chunk ? min_chunk : 1);
	if (!nworks)
		nworks = 1;
	if (nworks > max_threads)
		nworks = max_threads;
	if (nworks == 1) {
		chunk = size;
	} else {
		chunk = size / (nworks * 4);	/* load_balance_factor */
		if (chunk < min_chunk)
			chunk = min_chunk;
		if (!chunk)
			chunk = 1;
	}
	for (unsigned long start = 0; start < size; start += chunk)
		hugetlb_pages_alloc_boot_node(m, h, start, start + chunk < size ? start + chunk : size);
	return h->nr_huge_pages;
}

static void hugetlb_hstate_alloc_pages(struct machine *m, struct hstate *h)
{
	unsigned long i, node_alloc_noretry = 0;
	bool node_specific_alloc = false;
	char buf[32];

	if (!h->max_huge_pages)
		return;
	for (int n = 0; n < m->nr_nodes; n++) {
		if (h->max_huge_pages_node[n] > 0) {
			hugetlb_hstate_alloc_pages_onenode(m, h, n);
			node_specific_alloc = true;
		}
	}
	if (node_specific_alloc)
		return;

	if (!hstate_is_gigantic(h) && mm_kver_ge(m, 6, 12)) {
		i = hugetlb_pages_alloc_boot(m, h);
	} else {
		for (i = 0; i < h->max_huge_pages; i++) {
			if (hstate_is_gigantic(h)) {
				if (!alloc_bootmem_huge_page(m, h, NUMA_NO_NODE))
					break;
			} else if (!alloc_pool_huge_page(m, h, all_nodes_mask(m),
							 &node_alloc_noretry)) {
				break;
			}
		}
	}
	if (i < h->max_huge_pages) {
		size_string(huge_page_size(h), buf, sizeof(buf));
		boot_log(m->hugetlb, "HugeTLB: allocating %lu of page size %s failed.  "
			 "Only allocated %lu hugepages.", h->max_huge_pages, buf, i);
		h->max_huge_pages = i;
	}
}

/* The number of pages an entry asks for, over every node */
static unsigned long entry_total(const struct hugetlb_boot *e)
{
	unsigned long total = 0;

	if (e->count > 0)
		return (unsigned long)e->count;
	for (int n = 0; n < MAX_NUMNODES; n++)
		if (e->node_count[n] > 0)
			total += (unsigned long)e->node_count[n];
	return total;
}

/* One hugetlb_boot entry into an hstate's boot counts */
static int apply_boot_entry(struct machine *m, struct hstate *h, const struct hugetlb_boot *e,
			    char *err, size_t errlen)
{
	bool per_node = false;

	h->max_huge_pages = 0;
	memset(h->max_huge_pages_node, 0, sizeof(h->max_huge_pages_node));
	for (int n = 0; n < MAX_NUMNODES; n++) {
		if (e->node_count[n] < 0)
			continue;
		if (n >= m->nr_nodes)
			return errf(err, errlen, "hugepages=%d:%ld: node %d does not exist "
				    "(the machine has %d node%s)", n, e->node_count[n], n,
				    m->nr_nodes, m->nr_nodes == 1 ? "" : "s");
		per_node = true;
		h->max_huge_pages_node[n] = (unsigned long)e->node_count[n];
		h->max_huge_pages += (unsigned long)e->node_count[n];
	}
	if (!per_node && e->count > 0)
		h->max_huge_pages = (unsigned long)e->count;
	return 0;
}

/*
 * The boot counts of each hstate from machine_opts, with hugetlb_init's
 * rule for a hugepages= that came before any size: it is the default
 * size's count and overrides an explicit one.
 */
static int resolve_boot_counts(struct machine *m, struct hugetlb_ctx *ctx, char *err,
			       size_t errlen)
{
	const struct machine_opts *o = &m->opts;
	const struct hugetlb_boot *pending = NULL;
	char buf[32];

	if (ctx->counts_resolved)
		return 0;
	if (o->default_hugepagesz && !valid_hugepagesz(o->default_hugepagesz))
		return errf(err, errlen, "default_hugepagesz=%lu: unsupported huge page size "
			    "(x86_64 has 2M and 1G)", o->default_hugepagesz);
	if (o->nr_hugetlb_boot < 0 || o->nr_hugetlb_boot > MAX_HUGETLB_BOOT)
		return errf(err, errlen, "%d hugepagesz= entries (at most %d)",
			    o->nr_hugetlb_boot, MAX_HUGETLB_BOOT);
	for (int i = 0; i < o->nr_hugetlb_boot; i++) {
		const struct hugetlb_boot *e = &o->hugetlb_boot[i];
		struct hstate *h;

		if (!e->hugepagesz) {
			pending = e;
			continue;
		}
		h = size_to_hstate(ctx, e->hugepagesz);
		if (!h || !valid_hugepagesz(e->hugepagesz))
			return errf(err, errlen, "hugepagesz=%lu: unsupported huge page size "
				    "(x86_64 has 2M and 1G)", e->hugepagesz);
		if (apply_boot_entry(m, h, e, err, errlen))
			return -1;
	}
	/* hugetlb_init: only a non-zero default_hstate_max_huge_pages applies */
	if (pending && entry_total(pending)) {
		struct hstate *h = ctx->default_hstate;
		unsigned long old = h->max_huge_pages;

		if (apply_boot_entry(m, h, pending, err, errlen))
			return -1;
		if (old && h->max_huge_pages) {
			size_string(huge_page_size(h), buf, sizeof(buf));
			boot_log(ctx, "HugeTLB: Ignoring hugepages=%lu associated with %s "
				 "page size", old, buf);
			boot_log(ctx, "HugeTLB: Using hugepages=%lu for number of default "
				 "huge pages", h->max_huge_pages);
		}
	}
	ctx->counts_resolved = true;
	return 0;
}

int hugetlb_reserve_bootmem(struct machine *m, char *err, size_t errlen)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);
	struct hstate *h;

	if (ctx->bootmem_done)
		return 0;
	if (resolve_boot_counts(m, ctx, err, errlen))
		return -1;
	/* hugepages_setup allocates gigantic pages while the command line is parsed */
	for_each_hstate(ctx, h)
		if (hstate_is_gigantic(h))
			hugetlb_hstate_alloc_pages(m, h);
	ctx->bootmem_done = true;
	return 0;
}

/*
 * gather_bootmem_prealloc_node (6.12; "hugetlb: parallelize 1G hugetlb
 * initialization", 6.10): node @nid's boot pages, its huge_boot_pages
 * list (LIFO) made into one batch per hstate, optimised together and then
 * added in the batch's order (the order they were allocated in).  The
 * kernel runs the nodes in parallel; the model one after another.
 */
static void gather_bootmem_prealloc_node(struct machine *m, struct hugetlb_ctx *ctx, int nid)
{
	unsigned long *pages = NULL, n = 0, cap = 0;
	struct hstate *prev_h = NULL;

	for (int i = ctx->nr_boot_pages - 1; i >= 0; i--) {
		unsigned long pfn = ctx->boot_pages[i].pfn;
		struct hstate *h = ctx->boot_pages[i].h;

		if (ctx->boot_pages[i].nid != nid)
			continue;
		if (h != prev_h && prev_h) {
			prep_and_add_allocated_pages(m, prev_h, pages, n);
			n = 0;
		}
		prev_h = h;
		if (MM_BUG_ON(m, page_ref_count(m, pfn) != 1,
			      "WARNING: bootmem hugepage %#lx has refcount %d", pfn,
			      page_ref_count(m, pfn)))
			continue;
		if (!prep_compound_gigantic_page(m, pfn, huge_page_order(h))) {
			free_gigantic_page(m, pfn, huge_page_order(h));
		} else {
			__prep_new_huge_page(m, h, pfn, false);
			batch_add(&pages, &n, &cap, pfn);
		}
		page_zone(m, pfn)->managed_pages += pages_per_huge_page(h);
	}
	/*
	 * The kernel list_adds each page to the batch while it walks the LIFO
	 * list, so the batch runs in allocation order: the array's reverse,
	 * which is how prep_and_add_allocated_pages reads it.
	 */
	if (prev_h)
		prep_and_add_allocated_pages(m, prev_h, pages, n);
	host_free(pages);
}

/* gather_bootmem_prealloc: memblock's gigantic pages become pool pages */
static void gather_bootmem_prealloc(struct machine *m, struct hugetlb_ctx *ctx)
{
	if (mm_kver_ge(m, 6, 12)) {
		for (int nid = 0; nid < m->nr_nodes; nid++)
			gather_bootmem_prealloc_node(m, ctx, nid);
		ctx->nr_boot_pages = 0;
		return;
	}
	/* the kernel's list is LIFO: the last page allocated comes first */
	for (int i = ctx->nr_boot_pages - 1; i >= 0; i--) {
		unsigned long pfn = ctx->boot_pages[i].pfn;
		struct hstate *h = ctx->boot_pages[i].h;

		if (MM_BUG_ON(m, page_ref_count(m, pfn) != 1,
			      "WARNING: bootmem hugepage %#lx has refcount %d", pfn,
			      page_ref_count(m, pfn)))
			continue;
		if (prep_compound_gigantic_page(m, pfn, huge_page_order(h))) {
			MM_BUG_ON(m, PageReserved(m, pfn),
				  "WARNING: bootmem hugepage %#lx still reserved", pfn);
			prep_new_huge_page(m, h, pfn, page_to_nid(m, pfn));
			free_huge_page(m, pfn);
		} else {
			free_gigantic_page(m, pfn, huge_page_order(h));
		}
		/* these pages never went through memblock_free_all */
		page_zone(m, pfn)->managed_pages += pages_per_huge_page(h);
	}
	ctx->nr_boot_pages = 0;
}

static void report_hugepages(struct machine *m, struct hugetlb_ctx *ctx)
{
	struct hstate *h;
	char buf[32];

	for_each_hstate(ctx, h) {
		size_string(huge_page_size(h), buf, sizeof(buf));
		boot_log(ctx, "HugeTLB: registered %s page size, pre-allocated %lu pages", buf,
			 h->free_huge_pages);
		boot_log(ctx, "HugeTLB: %lu KiB vmemmap can be freed for a %s page",
			 hugetlb_vmemmap_optimizable_size(m, h) / 1024, buf);
	}
}

int hugetlb_init(struct machine *m, char *err, size_t errlen)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);
	struct hstate *h;

	if (ctx->init_done)
		return 0;
	if (resolve_boot_counts(m, ctx, err, errlen))
		return -1;
	if (!ctx->bootmem_done) {
		/* memblock is gone: gigantic boot pages cannot be had any more */
		for_each_hstate(ctx, h) {
			if (hstate_is_gigantic(h) && h->max_huge_pages) {
				boot_log(ctx, "HugeTLB: %lu gigantic pages not allocated: "
					 "hugetlb_reserve_bootmem did not run", h->max_huge_pages);
				h->max_huge_pages = 0;
				memset(h->max_huge_pages_node, 0, sizeof(h->max_huge_pages_node));
			}
		}
		ctx->bootmem_done = true;
	}
	/*
	 * 6.12 gathers the gigantic boot pages from page_alloc_init_late,
	 * once the deferred memmap is up, before any initcall ("mm/hugetlb:
	 * initialize gigantic bootmem hugepage struct pages earlier", 6.12
	 * stable); 6.1 from hugetlb_init, after the smaller sizes.
	 */
	if (mm_kver_ge(m, 6, 12))
		gather_bootmem_prealloc(m, ctx);
	/* hugetlb_init_hstates: the non-gigantic boot pages, from the buddy */
	for_each_hstate(ctx, h)
		if (!hstate_is_gigantic(h))
			hugetlb_hstate_alloc_pages(m, h);
	if (!mm_kver_ge(m, 6, 12))
		gather_bootmem_prealloc(m, ctx);
	report_hugepages(m, ctx);
	ctx->init_done = true;
	return 0;
}

void hugetlb_destroy(struct machine *m)
{
	struct hugetlb_ctx *ctx = m->hugetlb;
	uint64_t key, val;

	if (!ctx)
		return;
	for (unsigned int i = 0; i < ctx->nr_subpools; i++)
		host_free(ctx->subpools[i]);
	host_free(ctx->subpools);
	host_free(ctx->fault_mutex_table);
	for (size_t i = 0; xmap_next(&ctx->pmd_ptlocks, &i, &key, &val);)
		host_free((void *)(uintptr_t)val);
	xmap_destroy(&ctx->pmd_ptlocks);
	host_free(ctx->boot_pages);
	sb_free(&ctx->boot_log);
	host_free(ctx);
	m->hugetlb = NULL;
}

void hugetlb_show_boot_log(struct machine *m, struct sbuf *sb)
{
	struct hugetlb_ctx *ctx = hugetlb_ctx(m);

	if (ctx->boot_log.len)
		sb_puts(sb, ctx->boot_log.buf);
}

/* -------------------------------------------------------------------------
 * Boot parameters
 */

/* memparse: a number (base 0) with an optional K/M/G/T/P/E suffix */
static bool memparse_strict(const char *s, unsigned long *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	switch (*end) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return false;
	*out = (unsigned long)(v << shift);
	return true;
}

/* One decimal number (sscanf "%lu" without sign games); advances *pp */
static bool parse_dec(const char **pp, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned long d = (unsigned long)(*p - '0');

		if (v > (~0UL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return true;
}

/* hugepages= was given for this entry (hugepages_setup's last_mhp), maybe as 0 */
static bool entry_has_count(const struct hugetlb_boot *e)
{
	if (e->count != 0)
		return true;
	for (int n = 0; n < MAX_NUMNODES; n++)
		if (e->node_count[n] >= 0)
			return true;
	return false;
}

static int find_entry(struct machine_opts *o, unsigned long size)
{
	for (int i = 0; i < o->nr_hugetlb_boot; i++)
		if (o->hugetlb_boot[i].hugepagesz == size)
			return i;
	return -1;
}

static struct hugetlb_boot *new_entry(struct machine_opts *o, unsigned long size)
{
	struct hugetlb_boot *e;

	if (o->nr_hugetlb_boot >= MAX_HUGETLB_BOOT)
		return NULL;
	e = &o->hugetlb_boot[o->nr_hugetlb_boot++];
	e->hugepagesz = size;
	e->count = 0;
	for (int n = 0; n < MAX_NUMNODES; n++)
		e->node_count[n] = -1;
	return e;
}

/* The entry becomes the last one: "the hstate hugepages= applies to" */
static void move_entry_last(struct machine_opts *o, int i)
{
	struct hugetlb_boot e = o->hugetlb_boot[i];

	memmove(&o->hugetlb_boot[i], &o->hugetlb_boot[i + 1],
		(size_t)(o->nr_hugetlb_boot - i - 1) * sizeof(e));
	o->hugetlb_boot[o->nr_hugetlb_boot - 1] = e;
}

/* The entry hugepages= applies to: the last named size, else the pending default */
static struct hugetlb_boot *hugepages_target(struct machine_opts *o)
{
	int i;

	for (i = o->nr_hugetlb_boot - 1; i >= 0; i--)
		if (o->hugetlb_boot[i].hugepagesz)
			return &o->hugetlb_boot[i];
	i = find_entry(o, 0);
	return i >= 0 ? &o->hugetlb_boot[i] : new_entry(o, 0);
}

static int parse_hugepagesz(struct machine_opts *o, const char *val, char *err, size_t errlen)
{
	unsigned long size;
	int i;

	if (!memparse_strict(val, &size) || !valid_hugepagesz(size))
		return errf(err, errlen, "hugepagesz=%s: unsupported huge page size "
			    "(x86_64 takes 2M, 2048K or 1G)", val);
	i = find_entry(o, size);
	if (i >= 0) {
		/* allowed once more only for the default size before its hugepages= */
		if (o->default_hugepagesz != size || entry_has_count(&o->hugetlb_boot[i]))
			return errf(err, errlen, "hugepagesz=%s specified twice "
				    "(the kernel ignores the second)", val);
		move_entry_last(o, i);
		return 0;
	}
	if (!new_entry(o, size))
		return errf(err, errlen, "hugepagesz=%s: too many hugepagesz= parameters", val);
	return 0;
}

static int parse_default_hugepagesz(struct machine_opts *o, const char *val, char *err,
				    size_t errlen)
{
	unsigned long size;
	int i, p;

	if (o->default_hugepagesz)
		return errf(err, errlen, "default_hugepagesz=%s: default_hugepagesz previously "
			    "specified (the kernel ignores the second)", val);
	if (!memparse_strict(val, &size) || !valid_hugepagesz(size))
		return errf(err, errlen, "default_hugepagesz=%s: unsupported huge page size "
			    "(x86_64 takes 2M, 2048K or 1G)", val);
	/* hugetlb_add_hstate: a size already named keeps its place */
	i = find_entry(o, size);
	if (i < 0 && !new_entry(o, size))
		return errf(err, errlen, "default_hugepagesz=%s: too many hugepagesz= parameters",
			    val);
	i = find_entry(o, size);
	o->default_hugepagesz = size;
	/* a hugepages= that came first is this size's count, unless it asked for none */
	p = find_entry(o, 0);
	if (p >= 0) {
		struct hugetlb_boot pend = o->hugetlb_boot[p];

		if (entry_total(&pend)) {
			o->hugetlb_boot[i].count = pend.count;
			memcpy(o->hugetlb_boot[i].node_count, pend.node_count,
			       sizeof(pend.node_count));
		}
		memmove(&o->hugetlb_boot[p], &o->hugetlb_boot[p + 1],
			(size_t)(o->nr_hugetlb_boot - p - 1) * sizeof(pend));
		o->nr_hugetlb_boot--;
	}
	return 0;
}

static int parse_hugepages(struct machine_opts *o, const char *val, char *err, size_t errlen)
{
	struct hugetlb_boot *e = hugepages_target(o);
	long node_count[MAX_NUMNODES];
	const char *p = val;
	unsigned long v, node;
	bool per_node = false;

	if (!e)
		return errf(err, errlen, "hugepages=%s: too many hugepagesz= parameters", val);
	if (entry_has_count(e))
		return errf(err, errlen, "hugepages=%s: hugepages= specified twice without "
			    "interleaving hugepagesz= (the kernel ignores the second)", val);
	for (int n = 0; n < MAX_NUMNODES; n++)
		node_count[n] = -1;
	while (*p) {
		const char *start = p;

		if (!parse_dec(&p, &v))
			return errf(err, errlen, "hugepages=%s: invalid number at '%s'", val,
				    start);
		if (*p != ':') {
			if (start != val || *p)
				return errf(err, errlen, "hugepages=%s: expected N or "
					    "NODE:N[,NODE:N...]", val);
			if ((long)v < 0)
				return errf(err, errlen, "hugepages=%s: count too large", val);
			/*
			 * hugepages=0 is given (a second hugepages= is refused)
			 * but asks for nothing: "per-node counts only", none
			 */
			e->count = v ? (long)v : -1;
			return 0;
		}
		node = v;
		if (node >= MAX_NUMNODES || (o->nr_nodes > 0 && node >= (unsigned long)o->nr_nodes))
			return errf(err, errlen, "hugepages=%s: node %lu does not exist "
				    "(the machine has %d node%s)", val, node, o->nr_nodes,
				    o->nr_nodes == 1 ? "" : "s");
		if (node_count[node] >= 0)
			return errf(err, errlen, "hugepages=%s: node %lu given twice", val, node);
		p++;
		start = p;
		if (!parse_dec(&p, &v) || (long)v < 0)
			return errf(err, errlen, "hugepages=%s: invalid count at '%s'", val, start);
		node_count[node] = (long)v;
		per_node = true;
		if (*p == ',')
			p++;
		else if (*p)
			return errf(err, errlen, "hugepages=%s: unexpected '%s'", val, p);
	}
	if (!per_node)
		return errf(err, errlen, "hugepages needs a value");
	e->count = -1;
	memcpy(e->node_count, node_count, sizeof(node_count));
	return 0;
}

/* kstrtobool: y/Y/t/T/1, n/N/f/F/0, on/off; an empty value means on */
static bool parse_kstrtobool(const char *s, bool *out)
{
	if (!s || !*s) {
		*out = true;
		return true;
	}
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*out = true;
		return true;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*out = false;
		return true;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*out = true;
			return true;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*out = false;
			return true;
		}
		return false;
	default:
		return false;
	}
}

int hugetlb_parse_param(struct machine_opts *o, const char *key, const char *val,
			char *err, size_t errlen)
{
	bool b;

	if (!val)
		val = "";
	if (!strcmp(key, "hugetlb_free_vmemmap")) {
		if (!parse_kstrtobool(val, &b))
			return errf(err, errlen, "hugetlb_free_vmemmap=%s: expected on/off, "
				    "y/n or 1/0", val);
		o->hugetlb_free_vmemmap = b;
		return 0;
	}
	if (strcmp(key, "hugepagesz") && strcmp(key, "hugepages") &&
	    strcmp(key, "default_hugepagesz"))
		return 1;
	if (!*val)
		return errf(err, errlen, "%s needs a value", key);
	if (!strcmp(key, "hugepagesz"))
		return parse_hugepagesz(o, val, err, errlen);
	if (!strcmp(key, "default_hugepagesz"))
		return parse_default_hugepagesz(o, val, err, errlen);
	return parse_hugepages(o, val, err, errlen);
}

/* -------------------------------------------------------------------------
 * Files, one table entry each (hugetlb_files at the end)
 */
enum htlb_file {
	F_NR, F_NR_MEMPOLICY, F_OVERCOMMIT, F_FREE, F_RESV, F_SURPLUS,
	F_PROC_NR, F_PROC_NR_MEMPOLICY, F_PROC_OVERCOMMIT, F_PROC_OPTIMIZE_VMEMMAP,
};

static bool some_hstate_optimizable(struct machine *m, struct hugetlb_ctx *ctx)
{
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (hugetlb_vmemmap_optimizable(m, &ctx->hstates[i]))
			return true;
	return false;
}

/*
 * The hstate a matched path is about: the directory's size for the sysfs
 * files, the default size for the sysctls.  False when the size, the node
 * or the file does not exist on this machine.
 */
static bool htlb_file_target(struct machine *m, const struct mm_file_args *a,
			     struct hstate **hp)
{
	struct hugetlb_ctx *ctx = m->hugetlb;

	if (!ctx || a->nid >= m->nr_nodes)
		return false;
	switch ((enum htlb_file)a->file->tag) {
	case F_PROC_OPTIMIZE_VMEMMAP:
		if (!some_hstate_optimizable(m, ctx))
			return false;	/* registered only then */
		/* fall through */
	case F_PROC_NR:
	case F_PROC_NR_MEMPOLICY:
	case F_PROC_OVERCOMMIT:
		*hp = ctx->default_hstate;
		return true;
	default:
		/* the matcher took only sizes whose byte count fits */
		*hp = size_to_hstate(ctx, a->kb * 1024);
		return *hp != NULL;
	}
}

/* The number file f of h shows; nid NUMA_NO_NODE for the global files */
static unsigned long htlb_file_value(struct machine *m, const struct hstate *h, int nid,
				     enum htlb_file f)
{
	bool node = nid != NUMA_NO_NODE;

	switch (f) {
	case F_NR:
	case F_NR_MEMPOLICY:
		return node ? h->nr_huge_pages_node[nid] : h->nr_huge_pages;
	case F_OVERCOMMIT:
	case F_PROC_OVERCOMMIT:
		return h->nr_overcommit_huge_pages;
	case F_FREE:
		return node ? h->free_huge_pages_node[nid] : h->free_huge_pages;
	case F_RESV:
		return h->resv_huge_pages;
	case F_SURPLUS:
		return node ? h->surplus_huge_pages_node[nid] : h->surplus_huge_pages;
	case F_PROC_NR:
	case F_PROC_NR_MEMPOLICY:
		return h->max_huge_pages;	/* the sysctl shows max_huge_pages */
	case F_PROC_OPTIMIZE_VMEMMAP:
		return hugetlb_vmemmap_enabled(m);
	}
	return 0;
}

static bool hugetlb_file_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct hstate *h;

	if (!htlb_file_target(m, a, &h))
		return false;
	sb_printf(sb, "%lu\n", htlb_file_value(m, h, a->nid, (enum htlb_file)a->file->tag));
	return true;
}

/* kstrtoul(buf, 10) */
static int kstrtoul10(const char *s, unsigned long *out)
{
	unsigned long long v;
	int err = kstrtoull(s, 10, &v);

	if (!err)
		*out = (unsigned long)v;
	return err;
}

/* isspace(): what proc_skip_spaces skips before a number */
static bool proc_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* proc_wspace_sep: what proc_get_long accepts right after a number */
static bool proc_wspace_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * A sysctl's first number as proc_doulongvec_minmax / proc_dointvec read
 * it: leading white space, base 0 (0x.., 0..), then a blank, a tab, a
 * newline or the end; anything after the first value is ignored.  The
 * number, sign included, must be shorter than 21 characters.  neg_ok: a
 * '-' is accepted.
 */
static int proc_get_number(const char *s, bool neg_ok, unsigned long *out, bool *neg)
{
	unsigned long long v;
	const char *tok;
	char *end;

	while (proc_space(*s))
		s++;
	tok = s;
	*neg = false;
	if (*s == '-') {
		*neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || (*end && !proc_wspace_sep(*end)))
		return -EINVAL;
	/* proc_get_long parses a copy of at most TMPBUFLEN - 1 (21) characters */
	if (end - tok >= 21)
		return -EINVAL;
	if (*neg && !neg_ok)
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

/* The writable files; the read-only ones have no store (module.c answers) */
static int hugetlb_file_store(struct machine *m, const struct mm_file_args *a, const char *val,
			      char *err, size_t errlen)
{
	const char *path = a->path;
	int nid = a->nid;
	unsigned long count, mask;
	struct hstate *h;
	bool neg;
	int ret;

	if (!htlb_file_target(m, a, &h))
		return -ENOENT;
	switch ((enum htlb_file)a->file->tag) {
	case F_NR:
	case F_NR_MEMPOLICY:
		ret = kstrtoul10(val, &count);
		if (ret) {
			errf(err, errlen, "%s: write error: %s ('%s': kstrtoul takes a decimal "
			     "number)", path,
			     ret == -ERANGE ? "Numerical result out of range" : "Invalid argument",
			     val);
			return ret;
		}
		mask = nid == NUMA_NO_NODE ? all_nodes_mask(m) : 1UL << nid;
		return set_max_huge_pages(m, h, count, nid, mask);
	case F_OVERCOMMIT:
		if (hstate_is_gigantic(h)) {
			errf(err, errlen, "%s: write error: Invalid argument (no overcommit for "
			     "gigantic pages)", path);
			return -EINVAL;
		}
		ret = kstrtoul10(val, &count);
		if (ret) {
			errf(err, errlen, "%s: write error: %s ('%s': kstrtoul takes a decimal "
			     "number)", path,
			     ret == -ERANGE ? "Numerical result out of range" : "Invalid argument",
			     val);
			return ret;
		}
		h->nr_overcommit_huge_pages = count;
		return 0;
	case F_PROC_NR:
	case F_PROC_NR_MEMPOLICY:
		if (proc_get_number(val, false, &count, &neg)) {
			errf(err, errlen, "%s: write error: Invalid argument ('%s' is not a number "
			     "the sysctl takes)", path, val);
			return -EINVAL;
		}
		return set_max_huge_pages(m, h, count, NUMA_NO_NODE, all_nodes_mask(m));
	case F_PROC_OVERCOMMIT:
		if (hstate_is_gigantic(h)) {
			errf(err, errlen, "%s: write error: Invalid argument (the default huge page "
			     "size is gigantic)", path);
			return -EINVAL;
		}
		if (proc_get_number(val, false, &count, &neg)) {
			errf(err, errlen, "%s: write error: Invalid argument ('%s' is not a number "
			     "the sysctl takes)", path, val);
			return -EINVAL;
		}
		h->nr_overcommit_huge_pages = count;
		return 0;
	case F_PROC_OPTIMIZE_VMEMMAP:
		/* proc_dobool on an int: any integer, non-zero is on */
		if (proc_get_number(val, true, &count, &neg)) {
			errf(err, errlen, "%s: write error: Invalid argument ('%s' is not a number "
			     "the sysctl takes)", path, val);
			return -EINVAL;
		}
		hugetlb_vmemmap_set_enabled(m, count != 0);
		return 0;
	default:
		break;
	}
	errf(err, errlen, "%s: write error: Invalid argument (not writable)", path);
	return -EINVAL;
}

/* -------------------------------------------------------------------------
 * meminfo and counters
 */
static void report_line(struct vout *vo, const char *fmt, const char *field, unsigned long v)
{
	vo_text(vo, fmt, v);
	vo_rec(vo, (long)v, "meminfo.%s", field);
}

/* The HugePages_* and Hugetlb lines of /proc/meminfo, for the meminfo view */
void hugetlb_report_meminfo(struct machine *m, struct vout *vo)
{
	/* before hugetlb is set up: an empty pool of the default size */
	static const struct hstate unset = { .order = HPAGE_PMD_ORDER };
	struct hugetlb_ctx *ctx = m->hugetlb;
	const struct hstate *def = ctx ? ctx->default_hstate : &unset;
	unsigned long total = 0;
	struct hstate *h;

	if (ctx)
		for_each_hstate(ctx, h)
			total += huge_page_size(h) * h->nr_huge_pages;
	report_line(vo, "HugePages_Total:   %5lu\n", "HugePages_Total", def->nr_huge_pages);
	report_line(vo, "HugePages_Free:    %5lu\n", "HugePages_Free", def->free_huge_pages);
	report_line(vo, "HugePages_Rsvd:    %5lu\n", "HugePages_Rsvd", def->resv_huge_pages);
	report_line(vo, "HugePages_Surp:    %5lu\n", "HugePages_Surp", def->surplus_huge_pages);
	report_line(vo, "Hugepagesize:   %8lu kB\n", "Hugepagesize", huge_page_size(def) / 1024);
	report_line(vo, "Hugetlb:        %8lu kB\n", "Hugetlb", total / 1024);
}

unsigned long hugetlb_total_pages(struct machine *m)
{
	struct hugetlb_ctx *ctx = m->hugetlb;
	unsigned long total = 0;

	for (int i = 0; ctx && i < HUGE_MAX_HSTATE; i++)
		total += ctx->hstates[i].nr_huge_pages * pages_per_huge_page(&ctx->hstates[i]);
	return total;
}

/* hugepages.<kB>kB.<file> and hugepages.<nid>.<kB>kB.<file> (hugetlb.h) */
static void hugetlb_counters(struct machine *m, struct vout *vo)
{
	static const struct {
		const char *name;
		enum htlb_file f;
	} global[] = {
		{ "nr_hugepages", F_NR }, { "free_hugepages", F_FREE },
		{ "resv_hugepages", F_RESV }, { "surplus_hugepages", F_SURPLUS },
		{ "nr_overcommit_hugepages", F_OVERCOMMIT },
	}, node[] = {
		{ "nr_hugepages", F_NR }, { "free_hugepages", F_FREE },
		{ "surplus_hugepages", F_SURPLUS },
	};
	struct hugetlb_ctx *ctx = m->hugetlb;

	for (int i = 0; ctx && i < HUGE_MAX_HSTATE; i++) {
		const struct hstate *h = &ctx->hstates[i];
		unsigned long kb = huge_page_size(h) / 1024;

		for (size_t f = 0; f < ARRAY_SIZE(global); f++)
			vo_rec(vo, (long)htlb_file_value(m, h, NUMA_NO_NODE, global[f].f),
			       "hugepages.%lukB.%s", kb, global[f].name);
		vo_rec(vo, (long)h->nr_vmemmap_optimized, "hugepages.%lukB.vmemmap_optimized", kb);
		for (int n = 0; n < m->nr_nodes; n++)
			for (size_t f = 0; f < ARRAY_SIZE(node); f++)
				vo_rec(vo, (long)htlb_file_value(m, h, n, node[f].f),
				       "hugepages.%d.%lukB.%s", n, kb, node[f].name);
	}
}

/* hugetlb.<name>: PMD sharing and counter underflows (hugetlb.h, struct hugetlb_stats) */
static void hugetlb_stat_counters(struct machine *m, struct vout *vo)
{
	const struct hugetlb_stats *st = m->hugetlb ? &m->hugetlb->stats : NULL;

	vo_rec(vo, st ? (long)st->shared_pmds : 0, "hugetlb.shared_pmds");
	vo_rec(vo, st ? (long)st->pmd_shares : 0, "hugetlb.pmd_shares");
	vo_rec(vo, st ? (long)st->pmd_unshares : 0, "hugetlb.pmd_unshares");
	vo_rec(vo, st ? (long)st->underflows : 0, "hugetlb.counter_underflows");
}

/* -------------------------------------------------------------------------
 * The module
 */
#define HTLB_SYSFS(file, t, st)							\
	{ .pattern = "/sys/kernel/mm/hugepages/hugepages-%KkB/" file,		\
	  .show = hugetlb_file_show, .store = (st), .tag = (t) }
#define HTLB_NODE(file, t, st)							\
	{ .pattern = "/sys/devices/system/node/node%N/hugepages/hugepages-%KkB/" file, \
	  .show = hugetlb_file_show, .store = (st), .tag = (t) }
#define HTLB_SYSCTL(file, t)							\
	{ .pattern = "/proc/sys/vm/" file,					\
	  .show = hugetlb_file_show, .store = hugetlb_file_store, .tag = (t) }

static const struct mm_file hugetlb_files[] = {
	HTLB_SYSFS("nr_hugepages", F_NR, hugetlb_file_store),
	HTLB_SYSFS("nr_hugepages_mempolicy", F_NR_MEMPOLICY, hugetlb_file_store),
	HTLB_SYSFS("nr_overcommit_hugepages", F_OVERCOMMIT, hugetlb_file_store),
	HTLB_SYSFS("free_hugepages", F_FREE, NULL),
	HTLB_SYSFS("resv_hugepages", F_RESV, NULL),
	HTLB_SYSFS("surplus_hugepages", F_SURPLUS, NULL),
	HTLB_NODE("nr_hugepages", F_NR, hugetlb_file_store),
	HTLB_NODE("free_hugepages", F_FREE, NULL),
	HTLB_NODE("surplus_hugepages", F_SURPLUS, NULL),
	HTLB_SYSCTL("nr_hugepages", F_PROC_NR),
	HTLB_SYSCTL("nr_hugepages_mempolicy", F_PROC_NR_MEMPOLICY),
	HTLB_SYSCTL("nr_overcommit_hugepages", F_PROC_OVERCOMMIT),
	HTLB_SYSCTL("hugetlb_optimize_vmemmap", F_PROC_OPTIMIZE_VMEMMAP),
};

static const struct counter_ns hugetlb_counter_ns[] = {
	{ "hugepages.", hugetlb_counters },
	{ "hugetlb.", hugetlb_stat_counters },
};

const struct mm_module mm_module_hugetlb = {
	.name = "hugetlb",
	.files = hugetlb_files,
	.nr_files = ARRAY_SIZE(hugetlb_files),
	.counters = hugetlb_counter_ns,
	.nr_counters = ARRAY_SIZE(hugetlb_counter_ns),
};
