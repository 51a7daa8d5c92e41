// SPDX-License-Identifier: GPL-2.0-only
/*
 * khugepaged.c - khugepaged and MADV_COLLAPSE (mm/khugepaged.c, 6.1, and
 * 6.6's collapse of pte-mapped THPs as a variant; see khugepaged.h).
 *
 * The registry: every mm with an eligible VMA has an mm_slot, found by the
 * mm (the kernel's mm_slots_hash) and kept in registration order on a
 * list that khugepaged walks round-robin, resuming where the last wake-up
 * stopped (khugepaged_scan: the current slot and address).  The hash is an
 * xmap keyed by the mm's host address: the model's own 64-bit map, which
 * model/ already uses for its indices; uthash (sim/hash.h) belongs to the
 * simulator above the model, and the list, not the hash, gives the order.
 * An mm that exits while its slot is the scan cursor leaves the hash at
 * once and the slot forgets it (mm NULL) until khugepaged moves on and
 * frees it: the kernel keeps the mm_struct itself alive (mmgrab) with
 * mm_users at zero, and a freed host object could be reused by a new mm.
 *
 * Collapse follows 6.1 step by step: the scan of a PMD's PTEs with the
 * max_ptes_none/swap/shared limits, the allocation with khugepaged's
 * defrag mask with the mmap lock dropped, revalidation under the write
 * lock, the PMD cleared under the anon_vma lock, isolation, the copy
 * (content tags per subpage, zeroes for none and zero-page PTEs) and the
 * old PTE table deposited under the new huge PMD.  tmpfs ranges are
 * collapsed in the page cache (collapse_file: small pages replaced by a
 * locked order-9 folio, holes filled, mapped pages unmapped) and then the
 * page tables mapping them are retracted from every mm, so the next fault
 * maps the THP by PMD.
 *
 * Left out, each because the model has no such thing: swap (no swap PTEs
 * exist but those a test writes; swap-in gives up), memcg charging
 * (SCAN_CGROUP_CHARGE_FAIL never happens), userfaultfd (no uffd-wp
 * checks), mmu notifiers, per-CPU LRU batches (lru_add_drain_all has
 * nothing to do), idle page tracking (young is the PTE's accessed bit or
 * PG_referenced), node_reclaim_mode (0, as Debian boots: the
 * SCAN_SCAN_ABORT check never fires), read-only file THPs
 * (CONFIG_READ_ONLY_THP_FOR_FS: only tmpfs files exist).  The THP
 * allocation takes the node with the most scanned pages, restricted to it
 * (__GFP_THISNODE) when it is the only one with that count; the kernel
 * passes a nodemask of all such nodes.  The 6.6 variant frees the old
 * small pages before the retraction as 6.1 does (6.6 frees them after
 * unlocking the THP; nothing can reach them either way).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "khugepaged.h"
#include "policies/thp_uprobe.h"
#include "cpu.h"
#include "filemap.h"
#include "gfp.h"
#include "host.h"
#include "huge_memory.h"
#include "machine.h"
#include "memory.h"
#include "mmap.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "rcu.h"
#include "rmap.h"
#include "sbuf.h"
#include "task.h"
#include "uprobes.h"
#include "vout.h"
#include "xmap.h"

#define HPAGE_PMD_MASK	(~(HPAGE_PMD_SIZE - 1))

static const char *const scan_names[NR_SCAN_RESULTS] = {
	[SCAN_FAIL] = "failed",
	[SCAN_SUCCEED] = "succeeded",
	[SCAN_PMD_NULL] = "pmd_null",
	[SCAN_PMD_NONE] = "pmd_none",
	[SCAN_PMD_MAPPED] = "page_pmd_mapped",
	[SCAN_EXCEED_NONE_PTE] = "exceed_none_pte",
	[SCAN_EXCEED_SWAP_PTE] = "exceed_swap_pte",
	[SCAN_EXCEED_SHARED_PTE] = "exceed_shared_pte",
	[SCAN_PTE_NON_PRESENT] = "pte_non_present",
	[SCAN_PTE_UFFD_WP] = "pte_uffd_wp",
	[SCAN_PTE_MAPPED_HUGEPAGE] = "pte_mapped_hugepage",
	[SCAN_PAGE_RO] = "no_writable_page",
	[SCAN_LACK_REFERENCED_PAGE] = "lack_referenced_page",
	[SCAN_PAGE_NULL] = "page_null",
	[SCAN_SCAN_ABORT] = "scan_aborted",
	[SCAN_PAGE_COUNT] = "not_suitable_page_count",
	[SCAN_PAGE_LRU] = "page_not_in_lru",
	[SCAN_PAGE_LOCK] = "page_locked",
	[SCAN_PAGE_ANON] = "page_not_anon",
	[SCAN_PAGE_COMPOUND] = "page_compound",
	[SCAN_ANY_PROCESS] = "no_process_for_page",
	[SCAN_VMA_NULL] = "vma_null",
	[SCAN_VMA_CHECK] = "vma_check_failed",
	[SCAN_ADDRESS_RANGE] = "not_suitable_address_range",
	[SCAN_DEL_PAGE_LRU] = "could_not_delete_page_from_lru",
	[SCAN_ALLOC_HUGE_PAGE_FAIL] = "alloc_huge_page_failed",
	[SCAN_CGROUP_CHARGE_FAIL] = "ccgroup_charge_failed",	/* sic: the kernel's */
	[SCAN_TRUNCATED] = "truncated",
	[SCAN_PAGE_HAS_PRIVATE] = "page_has_private",
	[SCAN_STORE_FAILED] = "store_failed",
};

const char *scan_result_name(int r)
{
	return r >= 0 && r < NR_SCAN_RESULTS ? scan_names[r] : "?";
}

/* ---- state ------------------------------------------------------------------ */

struct khugepaged_mm_slot {
	struct mm_struct *mm;		/* NULL: it exited while this slot was the cursor */
	struct khugepaged_mm_slot *prev, *next;	/* khugepaged_scan.mm_head order */
	int nr_pte_mapped_thp;		/* 6.1 */
	uint64_t pte_mapped_thp[MAX_PTE_MAPPED_THP];
};

struct khugepaged {
	struct khugepaged_settings s;
	struct khugepaged_stats st;
	spinlock_t mm_lock;			/* khugepaged_mm_lock */
	struct xmap hash;			/* mm -> slot (mm_slots_hash) */
	struct khugepaged_mm_slot head;		/* khugepaged_scan.mm_head */
	struct khugepaged_mm_slot *scan_slot;	/* khugepaged_scan.mm_slot */
	uint64_t scan_address;			/* khugepaged_scan.address */
};

static struct khugepaged *kh(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct khugepaged *k = pc->khugepaged;

	if (k)
		return k;
	k = host_calloc(1, sizeof(*k), "khugepaged's state");
	/* khugepaged_init */
	k->s.pages_to_scan = HPAGE_PMD_NR * 8;
	k->s.max_ptes_none = HPAGE_PMD_NR - 1;
	k->s.max_ptes_swap = HPAGE_PMD_NR / 8;
	k->s.max_ptes_shared = HPAGE_PMD_NR / 2;
	k->s.scan_sleep_millisecs = 10000;
	k->s.alloc_sleep_millisecs = 60000;
	k->s.defrag = true;			/* TRANSPARENT_HUGEPAGE_DEFRAG_KHUGEPAGED_FLAG */
	/*
	 * Which khugepaged the thp-uprobe policy models: 6.1's, 6.6's, or one
	 * from before seed 001's collapse patches (5.4), which finds a THP
	 * already in the page cache compound and leaves it PTE-mapped.
	 */
	switch (thp_uprobe_ops(m)->collapse) {
	case THP_UPROBE_COLLAPSE_NONE:
		k->s.variant = KHUGEPAGED_6_1;
		k->s.pte_mapped_thp = false;
		break;
	case THP_UPROBE_COLLAPSE_6_1:
		k->s.variant = KHUGEPAGED_6_1;
		k->s.pte_mapped_thp = true;
		break;
	case THP_UPROBE_COLLAPSE_6_6:
		k->s.variant = KHUGEPAGED_6_6;
		k->s.pte_mapped_thp = true;
		break;
	}
	spin_lock_init(&k->mm_lock);
	xmap_init(&k->hash);
	k->head.next = k->head.prev = &k->head;
	pc->khugepaged = k;
	return k;
}

/* The state if it exists, without making a process context */
static struct khugepaged *kh_peek(struct machine *m)
{
	return m->procs ? m->procs->khugepaged : NULL;
}

struct khugepaged_settings *khugepaged_settings(struct machine *m)
{
	return &kh(m)->s;
}

const struct khugepaged_stats *khugepaged_stats(struct machine *m)
{
	return &kh(m)->st;
}

void khugepaged_destroy(struct machine *m)
{
	struct khugepaged *k = kh_peek(m);

	if (!k)
		return;
	while (k->head.next != &k->head) {
		struct khugepaged_mm_slot *s = k->head.next;

		k->head.next = s->next;
		host_free(s);
	}
	xmap_destroy(&k->hash);
	host_free(k);
	m->procs->khugepaged = NULL;
}

static bool variant_66(struct machine *m)
{
	return kh(m)->s.variant == KHUGEPAGED_6_6;
}

static struct khugepaged_mm_slot *mm_slot_lookup(struct khugepaged *k, struct mm_struct *mm)
{
	uint64_t v;

	return xmap_get(&k->hash, (uint64_t)(uintptr_t)mm, &v) ?
	       (struct khugepaged_mm_slot *)(uintptr_t)v : NULL;
}

static void mm_slot_unlink(struct khugepaged *k, struct khugepaged_mm_slot *s)
{
	s->prev->next = s->next;
	s->next->prev = s->prev;
}

/* hpage_collapse_test_exit: the mm is gone (mm_users == 0 in the kernel) */
static bool slot_test_exit(const struct khugepaged_mm_slot *s)
{
	return !s->mm;
}

static bool hugepage_flags_enabled(struct machine *m)
{
	return thp_settings(m)->enabled != THP_NEVER;
}

static void mmap_read_lock(struct machine *m, struct mm_struct *mm)
{
	down_read(m, &mm->mmap_lock);
}

static void mmap_read_unlock(struct machine *m, struct mm_struct *mm)
{
	up_read(m, &mm->mmap_lock);
}

static void mmap_write_lock(struct machine *m, struct mm_struct *mm)
{
	down_write(m, &mm->mmap_lock);
}

static void mmap_write_unlock(struct machine *m, struct mm_struct *mm)
{
	up_write(m, &mm->mmap_lock);
}

static void count_result(unsigned long *table, int r)
{
	if (r >= 0 && r < NR_SCAN_RESULTS)
		table[r]++;
}

/* ---- registration --------------------------------------------------------- */

void __khugepaged_enter(struct machine *m, struct mm_struct *mm)
{
	struct khugepaged *k = kh(m);
	struct khugepaged_mm_slot *s;

	if (mm->flags & (1UL << MMF_VM_HUGEPAGE))
		return;
	mm->flags |= 1UL << MMF_VM_HUGEPAGE;
	s = host_calloc(1, sizeof(*s), "a khugepaged mm_slot");
	s->mm = mm;
	spin_lock(m, &k->mm_lock);
	xmap_set(&k->hash, (uint64_t)(uintptr_t)mm, (uint64_t)(uintptr_t)s);
	/* behind the cursor: the new mm settles a little before its scan */
	s->prev = k->head.prev;
	s->next = &k->head;
	k->head.prev->next = s;
	k->head.prev = s;
	spin_unlock(m, &k->mm_lock);
}

void khugepaged_enter_vma(struct machine *m, struct vm_area_struct *vma, unsigned long vm_flags)
{
	if (!(vma->vm_mm->flags & (1UL << MMF_VM_HUGEPAGE)) && hugepage_flags_enabled(m) &&
	    hugepage_vma_check_flags(m, vma, vm_flags, false, false, true))
		__khugepaged_enter(m, vma->vm_mm);
}

void khugepaged_fork(struct machine *m, struct mm_struct *mm, struct mm_struct *oldmm)
{
	if (oldmm->flags & (1UL << MMF_VM_HUGEPAGE))
		__khugepaged_enter(m, mm);
}

void khugepaged_exit(struct machine *m, struct mm_struct *mm)
{
	struct khugepaged *k;
	struct khugepaged_mm_slot *s;
	bool free = false;

	if (!(mm->flags & (1UL << MMF_VM_HUGEPAGE)))
		return;
	/* __khugepaged_exit */
	k = kh(m);
	spin_lock(m, &k->mm_lock);
	s = mm_slot_lookup(k, mm);
	if (s) {
		xmap_del(&k->hash, (uint64_t)(uintptr_t)mm);
		if (k->scan_slot != s) {
			mm_slot_unlink(k, s);
			free = true;
		} else {
			s->mm = NULL;	/* khugepaged frees it when it moves on */
		}
	}
	spin_unlock(m, &k->mm_lock);
	mm->flags &= ~(1UL << MMF_VM_HUGEPAGE);
	if (free) {
		host_free(s);
	} else if (s) {
		/* wait for khugepaged to be done with the page tables */
		mmap_write_lock(m, mm);
		mmap_write_unlock(m, mm);
	}
}

int khugepaged_mm_slot_pos(struct machine *m, struct mm_struct *mm)
{
	struct khugepaged *k = kh_peek(m);
	int pos = 0;

	if (!k)
		return -1;
	for (struct khugepaged_mm_slot *s = k->head.next; s != &k->head; s = s->next, pos++)
		if (s->mm == mm)
			return pos;
	return -1;
}

int khugepaged_nr_pte_mapped_thp(struct machine *m, struct mm_struct *mm,
				 uint64_t addr[MAX_PTE_MAPPED_THP])
{
	struct khugepaged *k = kh_peek(m);
	struct khugepaged_mm_slot *s = k ? mm_slot_lookup(k, mm) : NULL;

	if (!s)
		return -1;
	for (int i = 0; addr && i < s->nr_pte_mapped_thp; i++)
		addr[i] = s->pte_mapped_thp[i];
	return s->nr_pte_mapped_thp;
}

/*
 * 6.1: remember a pte-mapped THP of mm for khugepaged to collapse later
 * (the array holds 8; more are dropped, as they are in 6.1).
 */
bool khugepaged_add_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	struct khugepaged *k = kh(m);
	struct khugepaged_mm_slot *s;
	bool ret = false;

	if (addr & ~HPAGE_PMD_MASK) {
		mm_fail(m, "BUG: khugepaged_add_pte_mapped_thp(%#llx) not aligned",
			(unsigned long long)addr);
		return false;
	}
	spin_lock(m, &k->mm_lock);
	s = mm_slot_lookup(k, mm);
	if (s && s->nr_pte_mapped_thp < MAX_PTE_MAPPED_THP) {
		s->pte_mapped_thp[s->nr_pte_mapped_thp++] = addr;
		ret = true;
	}
	spin_unlock(m, &k->mm_lock);
	if (ret)
		k->st.pte_mapped_thp_added++;
	else
		k->st.pte_mapped_thp_dropped++;
	return ret;
}

/* ---- helpers shared by the collapses ------------------------------------ */

static bool is_zero_pfn(struct machine *m, unsigned long pfn)
{
	return pfn == proc_ctx(m)->zero_pfn;
}

static bool is_swap_pte(pteval_t e)
{
	return e && !upte_present(e);
}

static unsigned long folio_nr(struct machine *m, unsigned long head)
{
	return PageHead(m, head) ? 1UL << compound_order(m, head) : 1;
}

/* total_mapcount (folio_mapcount in 6.1) */
static int total_mapcount(struct machine *m, unsigned long head)
{
	int ret, compound;

	if (!PageCompound(m, head))
		return page_mapcount_raw(m, head) + 1;
	compound = compound_mapcount(m, head);
	ret = compound;
	for (unsigned long i = 0; i < folio_nr(m, head); i++)
		ret += page_mapcount_raw(m, head + i) + 1;
	if (!PageAnon(m, head))
		return ret - compound * (int)folio_nr(m, head);
	if (PageDoubleMap(m, head))
		ret -= (int)folio_nr(m, head);
	return ret;
}

/* is_refcount_suitable: no pins beyond the mappings (and no swap cache here) */
static bool is_refcount_suitable(struct machine *m, unsigned long head)
{
	return page_ref_count(m, head) == total_mapcount(m, head);
}

static bool isolate_lru_page(struct machine *m, unsigned long head)
{
	if (!PageLRU(m, head))
		return false;
	get_page(m, head);
	lru_del(m, head, (long)folio_nr(m, head));
	return true;
}

static void putback_lru_page(struct machine *m, unsigned long head)
{
	lru_cache_add(m, head, (long)folio_nr(m, head));
	put_page(m, head);
}

static void mod_isolated(struct machine *m, unsigned long head, long d)
{
	m->node[page_to_nid(m, head)].vm_stat[PageSwapBacked(m, head) ? NR_ISOLATED_ANON :
						   NR_ISOLATED_FILE] += d;
}

static void release_pte_page(struct machine *m, unsigned long head)
{
	mod_isolated(m, head, -(long)folio_nr(m, head));
	unlock_page(m, head);
	putback_lru_page(m, head);
}

/*
 * mm_find_pmd and a look at the entry: SCAN_SUCCEED when it points to a
 * PTE table (its slot in *table, *idx), SCAN_PMD_NULL when a level above
 * is missing, SCAN_PMD_NONE, SCAN_PMD_MAPPED for a huge PMD.
 */
static int find_pmd_or_thp_or_none(struct machine *m, struct mm_struct *mm, uint64_t addr,
				   unsigned long *table, unsigned int *idx)
{
	pteval_t pmd;

	if (!pmd_slot(m, mm, addr, false, table, idx, NULL))
		return SCAN_PMD_NULL;
	pmd = pt_read(m, *table, *idx);
	if (!pmd)
		return SCAN_PMD_NONE;
	if (!pte_present(pmd))
		return SCAN_PMD_NULL;
	if (pmd_leaf(pmd))
		return SCAN_PMD_MAPPED;
	return SCAN_SUCCEED;
}

static int check_pmd_still_valid(struct machine *m, struct mm_struct *mm, uint64_t addr,
				 unsigned long table, unsigned int idx)
{
	unsigned long t;
	unsigned int i;
	int result = find_pmd_or_thp_or_none(m, mm, addr, &t, &i);

	if (result != SCAN_SUCCEED)
		return result;
	return t == table && i == idx ? SCAN_SUCCEED : SCAN_FAIL;
}

/* The mmap lock was dropped: is addr still in a VMA khugepaged may collapse? */
static int hugepage_vma_revalidate(struct machine *m, struct mm_struct *mm, uint64_t address,
				   bool expect_anon, struct vm_area_struct **vmap,
				   struct collapse_control *cc)
{
	struct vm_area_struct *vma = find_vma(mm, address);

	*vmap = vma;
	if (!vma)
		return SCAN_VMA_NULL;
	if (!transhuge_vma_suitable(vma, address))
		return SCAN_ADDRESS_RANGE;
	if (!hugepage_vma_check_flags(m, vma, vma->vm_flags, false, false, cc->is_khugepaged))
		return SCAN_VMA_CHECK;
	if (expect_anon && (!vma->anon_vma || !vma_is_anonymous(vma)))
		return SCAN_PAGE_ANON;
	return SCAN_SUCCEED;
}

/* The first node with the most scanned pages; *only: no other has as many */
static int hpage_collapse_find_target_node(struct machine *m, const struct collapse_control *cc,
					   bool *only)
{
	unsigned int max_value = 0;
	int target = 0, ties = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (cc->node_load[nid] > max_value) {
			max_value = cc->node_load[nid];
			target = nid;
		}
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (cc->node_load[nid] == max_value)
			ties++;
	*only = ties == 1;
	return target;
}

/* alloc_charge_hpage: an order-9 folio with khugepaged's (or MADV_COLLAPSE's) mask */
static int alloc_charge_hpage(struct machine *m, struct collapse_control *cc, unsigned long *hpage)
{
	gfp_t gfp = cc->is_khugepaged ? (kh(m)->s.defrag ? GFP_TRANSHUGE : GFP_TRANSHUGE_LIGHT) :
		    GFP_TRANSHUGE;
	bool only;
	int node = hpage_collapse_find_target_node(m, cc, &only);

	*hpage = __alloc_pages(m, gfp | (only ? __GFP_THISNODE : 0), HPAGE_PMD_ORDER, node);
	if (*hpage == PFN_NONE) {
		count_vm_event(m, THP_COLLAPSE_ALLOC_FAILED);
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	}
	count_vm_event(m, THP_COLLAPSE_ALLOC);
	return SCAN_SUCCEED;
}

static void pte_free_now_mm(struct machine *m, struct mm_struct *mm, unsigned long table)
{
	mm->nr_pgtables--;		/* mm_dec_nr_ptes */
	mm->pgtables_bytes -= PAGE_SIZE;
	pte_free_now(m, table);
}

/* 6.6: the table page goes after a grace period (m->inject: at once, the bug) */
static void pte_free_defer_mm(struct machine *m, struct mm_struct *mm, unsigned long table)
{
	mm->nr_pgtables--;
	mm->pgtables_bytes -= PAGE_SIZE;
	if (m->inject.khugepaged_free_table_early)
		pte_free_now(m, table);
	else
		pte_free_defer(m, table);
}

/* ---- anonymous collapse -------------------------------------------------- */

/* The THPs already isolated during one __collapse_huge_page_isolate */
struct compound_list {
	unsigned long head[HPAGE_PMD_NR];
	unsigned int nr;
};

static bool compound_listed(const struct compound_list *cl, unsigned long head)
{
	for (unsigned int i = 0; i < cl->nr; i++)
		if (cl->head[i] == head)
			return true;
	return false;
}

/* release_pte_pages: the pages of PTEs [0, upto) and the listed THPs go back */
static void release_pte_pages(struct machine *m, unsigned long pte_table, unsigned int upto,
			      struct compound_list *cl)
{
	while (upto-- > 0) {
		pteval_t e = pt_read(m, pte_table, upto);
		unsigned long pfn = pte_pfn(e);

		if (e && !is_zero_pfn(m, pfn) && !PageCompound(m, pfn))
			release_pte_page(m, pfn);
	}
	for (unsigned int i = 0; i < cl->nr; i++)
		release_pte_page(m, cl->head[i]);
	cl->nr = 0;
}

/*
 * Lock and isolate every page the (already detached) PTE table maps, with
 * the limits khugepaged applies; the caller holds the PTE lock.
 */
static int __collapse_huge_page_isolate(struct machine *m, struct vm_area_struct *vma,
					uint64_t address, unsigned long pte_table,
					struct collapse_control *cc, struct compound_list *cl)
{
	const struct khugepaged_settings *s = &kh(m)->s;
	int none_or_zero = 0, shared = 0, result = SCAN_FAIL, referenced = 0;
	bool writable = false;
	unsigned int i;
	SCHED_WHERE(m);

	for (i = 0; i < HPAGE_PMD_NR; i++, address += PAGE_SIZE) {
		pteval_t e = pt_read(m, pte_table, i);
		unsigned long pfn, head;

		if (!e || (upte_present(e) && is_zero_pfn(m, pte_pfn(e)))) {
			if (!cc->is_khugepaged || ++none_or_zero <= (int)s->max_ptes_none)
				continue;
			result = SCAN_EXCEED_NONE_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_NONE_PTE);
			goto out;
		}
		if (!upte_present(e)) {
			result = SCAN_PTE_NON_PRESENT;
			goto out;
		}
		pfn = vm_normal_pfn(e);
		if (pfn == PFN_NONE) {
			result = SCAN_PAGE_NULL;
			goto out;
		}
		if (!PageAnon(m, pfn)) {
			mm_fail(m, "BUG: khugepaged isolates non-anon page %#lx at %#llx", pfn,
				(unsigned long long)address);
			result = SCAN_PAGE_ANON;
			goto out;
		}
		if (page_mapcount(m, pfn) > 1 && cc->is_khugepaged &&
		    ++shared > (int)s->max_ptes_shared) {
			result = SCAN_EXCEED_SHARED_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_SHARED_PTE);
			goto out;
		}
		head = page_head(m, pfn);
		if (PageCompound(m, pfn) && compound_listed(cl, head))
			goto next;
		if (!trylock_page(m, head)) {
			result = SCAN_PAGE_LOCK;
			goto out;
		}
		if (!is_refcount_suitable(m, head)) {
			unlock_page(m, head);
			result = SCAN_PAGE_COUNT;
			goto out;
		}
		if (!isolate_lru_page(m, head)) {
			unlock_page(m, head);
			result = SCAN_DEL_PAGE_LRU;
			goto out;
		}
		mod_isolated(m, head, (long)folio_nr(m, head));
		if (PageCompound(m, head))
			cl->head[cl->nr++] = head;
next:
		if (cc->is_khugepaged && ((e & _PAGE_ACCESSED) || PageReferenced(m, head)))
			referenced++;
		if (pte_write(e))
			writable = true;
	}
	if (!writable)
		result = SCAN_PAGE_RO;
	else if (cc->is_khugepaged && !referenced)
		result = SCAN_LACK_REFERENCED_PAGE;
	else
		return SCAN_SUCCEED;
out:
	release_pte_pages(m, pte_table, i, cl);
	return result;
}

/*
 * __collapse_huge_page_copy: each subpage of the new THP gets the content
 * of the page its PTE mapped (zeroes for none and the zero page); the old
 * pages lose the mapping and their isolation reference.
 */
static void __collapse_huge_page_copy(struct machine *m, unsigned long pte_table,
				      unsigned long hpage, struct vm_area_struct *vma,
				      struct compound_list *cl)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl = table_lock(m, mm, pte_table);
	SCHED_WHERE(m);

	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++) {
		pteval_t e = pt_read(m, pte_table, i);
		unsigned long src;

		if (!e || is_zero_pfn(m, pte_pfn(e))) {
			set_page_content(m, hpage + i, 0);	/* clear_user_highpage */
			inc_mm_counter(mm, MM_ANONPAGES, 1);
			if (e) {
				spin_lock(m, ptl);
				pt_write(m, pte_table, i, 0);
				spin_unlock(m, ptl);
			}
			continue;
		}
		src = pte_pfn(e);
		/* copy_user_highpage */
		set_page_content(m, hpage + i, page_content(m, src));
		if (!PageCompound(m, src))
			release_pte_page(m, src);
		spin_lock(m, ptl);
		pt_write(m, pte_table, i, 0);			/* ptep_clear */
		page_remove_rmap(m, src, vma);
		spin_unlock(m, ptl);
		put_page(m, src);				/* free_page_and_swap_cache */
	}
	for (unsigned int i = 0; i < cl->nr; i++) {
		mod_isolated(m, cl->head[i], -(long)folio_nr(m, cl->head[i]));
		unlock_page(m, cl->head[i]);
		putback_lru_page(m, cl->head[i]);
	}
	cl->nr = 0;
}

/* Swap is not modelled: a swap PTE only exists when a test wrote one */
static int __collapse_huge_page_swapin(struct machine *m, struct mm_struct *mm)
{
	mmap_read_unlock(m, mm);
	return SCAN_FAIL;
}

/*
 * collapse_huge_page: entered with the mmap read lock, which it drops
 * (and returns without) whatever happens.
 */
static int collapse_huge_page(struct machine *m, struct mm_struct *mm, uint64_t address,
			      int referenced, int unmapped, struct collapse_control *cc)
{
	struct compound_list *cl = NULL;
	struct vm_area_struct *vma;
	unsigned long hpage = PFN_NONE, pmd_table, pte_table;
	unsigned int pmd_idx;
	spinlock_t *pmd_ptl, *pte_ptl;
	pteval_t pmd, entry;
	int result;
	SCHED_WHERE(m);

	(void)referenced;
	/* the allocation may compact: not under the mmap lock */
	mmap_read_unlock(m, mm);
	result = alloc_charge_hpage(m, cc, &hpage);
	if (result != SCAN_SUCCEED)
		goto out_nolock;

	mmap_read_lock(m, mm);
	result = hugepage_vma_revalidate(m, mm, address, true, &vma, cc);
	if (result == SCAN_SUCCEED)
		result = find_pmd_or_thp_or_none(m, mm, address, &pmd_table, &pmd_idx);
	if (result != SCAN_SUCCEED) {
		mmap_read_unlock(m, mm);
		goto out_nolock;
	}
	if (unmapped) {
		result = __collapse_huge_page_swapin(m, mm);
		goto out_nolock;
	}
	mmap_read_unlock(m, mm);

	/* only GUP-fast and the rmap (anon_vma lock, page lock) remain */
	mmap_write_lock(m, mm);
	result = hugepage_vma_revalidate(m, mm, address, true, &vma, cc);
	if (result == SCAN_SUCCEED)
		result = check_pmd_still_valid(m, mm, address, pmd_table, pmd_idx);
	if (result != SCAN_SUCCEED)
		goto out_up_write;

	down_write(m, &vma->anon_vma->root->rwsem);		/* anon_vma_lock_write */
	pte_table = pte_pfn(pt_read(m, pmd_table, pmd_idx));
	pte_ptl = table_lock(m, mm, pte_table);
	pmd_ptl = table_lock(m, mm, pmd_table);
	spin_lock(m, pmd_ptl);
	pmd = pt_read(m, pmd_table, pmd_idx);			/* pmdp_collapse_flush */
	pt_write(m, pmd_table, pmd_idx, 0);
	spin_unlock(m, pmd_ptl);

	cl = host_calloc(1, sizeof(*cl), "khugepaged's compound page list");
	spin_lock(m, pte_ptl);
	result = __collapse_huge_page_isolate(m, vma, address, pte_table, cc, cl);
	spin_unlock(m, pte_ptl);
	if (result != SCAN_SUCCEED) {
		spin_lock(m, pmd_ptl);
		if (pt_read(m, pmd_table, pmd_idx))
			mm_fail(m, "BUG: the PMD at %#llx changed during a collapse",
				(unsigned long long)address);
		pt_write(m, pmd_table, pmd_idx, pmd);		/* pmd_populate */
		spin_unlock(m, pmd_ptl);
		up_write(m, &vma->anon_vma->root->rwsem);
		goto out_up_write;
	}
	/* every page isolated and locked: the rmap cannot reach them */
	up_write(m, &vma->anon_vma->root->rwsem);

	__collapse_huge_page_copy(m, pte_table, hpage, vma, cl);
	SetPageUptodate(m, hpage);
	entry = pfn_pte(hpage, vm_get_page_prot(vma->vm_flags)) | _PAGE_PSE | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW;				/* maybe_pmd_mkwrite */

	spin_lock(m, pmd_ptl);
	if (pt_read(m, pmd_table, pmd_idx))
		mm_fail(m, "BUG: the PMD at %#llx changed during a collapse",
			(unsigned long long)address);
	page_add_new_anon_rmap_pmd(m, hpage, vma, address);
	lru_cache_add(m, hpage, HPAGE_PMD_NR);
	/* the old PTE table, now empty, is what the huge PMD carries */
	pgtable_trans_huge_deposit(mm, pmd_table, pmd_idx, pte_table);
	pt_write(m, pmd_table, pmd_idx, entry);
	spin_unlock(m, pmd_ptl);
	hpage = PFN_NONE;
	result = SCAN_SUCCEED;
out_up_write:
	mmap_write_unlock(m, mm);
out_nolock:
	host_free(cl);
	if (hpage != PFN_NONE)
		put_page(m, hpage);
	return result;
}

int hpage_collapse_scan_pmd(struct machine *m, struct mm_struct *mm,
			    struct vm_area_struct *vma, uint64_t address, bool *mmap_locked,
			    struct collapse_control *cc)
{
	const struct khugepaged_settings *s = &kh(m)->s;
	int result, referenced = 0, none_or_zero = 0, shared = 0, unmapped = 0;
	unsigned long pmd_table, pte_table;
	unsigned int pmd_idx;
	bool writable = false;
	spinlock_t *ptl;
	SCHED_WHERE(m);

	if (address & ~HPAGE_PMD_MASK) {
		mm_fail(m, "BUG: hpage_collapse_scan_pmd(%#llx) not aligned",
			(unsigned long long)address);
		return SCAN_FAIL;
	}
	result = find_pmd_or_thp_or_none(m, mm, address, &pmd_table, &pmd_idx);
	if (result != SCAN_SUCCEED)
		return result;
	memset(cc->node_load, 0, sizeof(cc->node_load));
	pte_table = pte_pfn(pt_read(m, pmd_table, pmd_idx));
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++) {
		pteval_t e = pt_read(m, pte_table, i);
		unsigned long pfn, head;

		if (is_swap_pte(e)) {
			if (!cc->is_khugepaged || ++unmapped <= (int)s->max_ptes_swap)
				continue;
			result = SCAN_EXCEED_SWAP_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_SWAP_PTE);
			goto out_unmap;
		}
		if (!e || is_zero_pfn(m, pte_pfn(e))) {
			if (!cc->is_khugepaged || ++none_or_zero <= (int)s->max_ptes_none)
				continue;
			result = SCAN_EXCEED_NONE_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_NONE_PTE);
			goto out_unmap;
		}
		if (pte_write(e))
			writable = true;
		pfn = vm_normal_pfn(e);
		if (pfn == PFN_NONE) {
			result = SCAN_PAGE_NULL;
			goto out_unmap;
		}
		if (page_mapcount(m, pfn) > 1 && cc->is_khugepaged &&
		    ++shared > (int)s->max_ptes_shared) {
			result = SCAN_EXCEED_SHARED_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_SHARED_PTE);
			goto out_unmap;
		}
		head = page_head(m, pfn);
		cc->node_load[page_to_nid(m, head)]++;
		if (!PageLRU(m, head)) {
			result = SCAN_PAGE_LRU;
			goto out_unmap;
		}
		if (PageLocked(m, head)) {
			result = SCAN_PAGE_LOCK;
			goto out_unmap;
		}
		if (!PageAnon(m, head)) {
			result = SCAN_PAGE_ANON;
			goto out_unmap;
		}
		if (!is_refcount_suitable(m, head)) {
			result = SCAN_PAGE_COUNT;
			goto out_unmap;
		}
		if (cc->is_khugepaged && ((e & _PAGE_ACCESSED) || PageReferenced(m, head)))
			referenced++;
	}
	if (!writable)
		result = SCAN_PAGE_RO;
	else if (cc->is_khugepaged &&
		 (!referenced || (unmapped && referenced < (int)HPAGE_PMD_NR / 2)))
		result = SCAN_LACK_REFERENCED_PAGE;
	else
		result = SCAN_SUCCEED;
out_unmap:
	spin_unlock(m, ptl);
	if (result == SCAN_SUCCEED) {
		result = collapse_huge_page(m, mm, address, referenced, unmapped, cc);
		*mmap_locked = false;	/* collapse_huge_page dropped it */
	}
	return result;
}

/* ---- tmpfs collapse ------------------------------------------------------ */

/* try_to_unmap of a small file page: every PTE onto it goes */
static bool unmap_file_page_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
				void *arg)
{
	unsigned long pfn = *(unsigned long *)arg;
	enum pt_level level;
	pteval_t e = pt_walk(m, vma->vm_mm, addr, &level, NULL, NULL);

	if (level == PT_PTE && pte_present(e) && vm_normal_pfn(e) == pfn)
		zap_vma_range(m, vma, addr, addr + PAGE_SIZE);
	return true;
}

static void try_to_unmap_file_page(struct machine *m, unsigned long pfn)
{
	rmap_walk_file(m, pfn, unmap_file_page_one, &pfn);
}

/* shmem_charge / shmem_uncharge: blocks of the mount, pages of the mapping */
static bool shmem_charge(struct inode *inode, long pages)
{
	if (inode->sb && inode->sb->max_blocks &&
	    inode->sb->used_blocks + (uint64_t)pages > inode->sb->max_blocks)
		return false;
	if (inode->sb)
		inode->sb->used_blocks += (uint64_t)pages;
	inode->nrpages += (unsigned long)pages;
	return true;
}

static void shmem_uncharge(struct inode *inode, long pages)
{
	if (inode->sb)
		inode->sb->used_blocks -= (uint64_t)pages;
	inode->nrpages -= (unsigned long)pages;
}

static unsigned long cache_get(struct inode *inode, unsigned long index)
{
	uint64_t v;

	return xmap_get(&inode->i_pages, index, &v) ? (unsigned long)v : PFN_NONE;
}

static void cache_set(struct inode *inode, unsigned long index, unsigned long pfn)
{
	if (pfn == PFN_NONE)
		xmap_del(&inode->i_pages, index);
	else
		xmap_set(&inode->i_pages, index, pfn);
}

/* A VMA of the file that covers page index pgoff */
static bool vma_covers(const struct vm_area_struct *vma, unsigned long pgoff)
{
	return pgoff >= vma->vm_pgoff && pgoff < vma->vm_pgoff + vma_pages(vma);
}

/* set_huge_pmd: map the locked THP by PMD at addr (do_set_pmd) */
static int set_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			unsigned long pmd_table, unsigned int pmd_idx, unsigned long hpage)
{
	get_page(m, hpage);
	if (do_set_pmd(m, vma, addr, hpage, false, pmd_table, pmd_idx)) {
		put_page(m, hpage);
		return SCAN_FAIL;
	}
	return SCAN_SUCCEED;
}

/*
 * collapse_and_free_pmd (6.1): the PMD and the PTE table go, under the mmap
 * write lock, the file's i_mmap lock and the anon_vma lock if there is one.
 * No page-table lock: those guard entries, and nothing else can reach this
 * table now but hardware walks (and GUP-fast, not modelled in 6.1).
 */
static void collapse_and_free_pmd(struct machine *m, struct mm_struct *mm,
				  struct vm_area_struct *vma, uint64_t addr,
				  unsigned long pmd_table, unsigned int pmd_idx)
{
	pteval_t pmd;
	SCHED_WHERE(m);

	if (!rwsem_write_held(m, &mm->mmap_lock) ||
	    (vma->vm_file && !rwsem_write_held(m, &vma->vm_file->i_mmap_rwsem)) ||
	    (vma->anon_vma && !rwsem_write_held(m, &vma->anon_vma->root->rwsem))) {
		mm_fail(m, "BUG: collapse_and_free_pmd at %#llx without its locks",
			(unsigned long long)addr);
		return;
	}
	pmd = pt_read(m, pmd_table, pmd_idx);		/* pmdp_collapse_flush */
	pt_write(m, pmd_table, pmd_idx, 0);
	pte_free_now_mm(m, mm, pte_pfn(pmd));
	kh(m)->st.tables_retracted++;
}

/*
 * 6.1's retract_page_tables: the PTE tables of every VMA that maps
 * [pgoff, pgoff + 512) of the file at a 2 MiB-aligned address go, so
 * that the next fault maps the new THP by PMD.  The THP is locked (no
 * fault can map a PTE of it meanwhile: the seed's argument), the i_mmap
 * lock is held for write, and each mm's mmap lock is only tried: a fault
 * holding it may be waiting for the THP's lock.  A VMA whose mm is busy
 * is remembered in that mm's pte-mapped THP array.  Returns the target's
 * (mm, addr) result.
 */
static int retract_page_tables_61(struct machine *m, struct inode *mapping, unsigned long pgoff,
				  struct mm_struct *target_mm, uint64_t target_addr,
				  unsigned long hpage, struct collapse_control *cc)
{
	struct khugepaged *k = kh(m);
	int target_result = SCAN_FAIL;
	SCHED_WHERE(m);

	down_write(m, &mapping->i_mmap_rwsem);			/* i_mmap_lock_write */
	for (unsigned int i = 0; i < mapping->nr_mmap; i++) {
		struct vm_area_struct *vma = mapping->i_mmap[i];
		struct mm_struct *mm;
		unsigned long pmd_table;
		unsigned int pmd_idx;
		bool is_target = false;
		uint64_t addr;
		int result;

		if (!vma_covers(vma, pgoff))
			continue;
		/* racy, and need not be otherwise: see the re-check below */
		sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&vma->anon_vma,
			    sizeof(vma->anon_vma));
		if (vma->anon_vma) {
			result = SCAN_PAGE_ANON;
			goto next;
		}
		addr = vma_address_of(vma, pgoff);
		if ((addr & ~HPAGE_PMD_MASK) || vma->vm_end < addr + HPAGE_PMD_SIZE) {
			result = SCAN_VMA_CHECK;
			goto next;
		}
		mm = vma->vm_mm;
		is_target = mm == target_mm && addr == target_addr;
		result = find_pmd_or_thp_or_none(m, mm, addr, &pmd_table, &pmd_idx);
		if (result != SCAN_SUCCEED)
			goto next;
		result = SCAN_PTE_MAPPED_HUGEPAGE;
		if ((cc->is_khugepaged || is_target) && down_write_trylock(m, &mm->mmap_lock)) {
			/* collapse_and_free_pmd wants no anon_vma or its lock */
			sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&vma->anon_vma,
				    sizeof(vma->anon_vma));
			if (vma->anon_vma) {
				result = SCAN_PAGE_ANON;
				k->st.retract_anon_recheck++;
			} else {
				collapse_and_free_pmd(m, mm, vma, addr, pmd_table, pmd_idx);
				if (!cc->is_khugepaged && is_target)
					result = set_huge_pmd(m, vma, addr, pmd_table, pmd_idx,
							      hpage);
				else
					result = SCAN_SUCCEED;
			}
			mmap_write_unlock(m, mm);
			goto next;
		}
		if (cc->is_khugepaged || is_target)
			k->st.retract_deferred++;
		/* the caller handles its own (mm, addr); khugepaged tries others later */
		if (!is_target) {
			count_result(k->st.retract, result);
			khugepaged_add_pte_mapped_thp(m, mm, addr);
			continue;
		}
next:
		count_result(k->st.retract, result);
		if (is_target)
			target_result = result;
	}
	up_write(m, &mapping->i_mmap_rwsem);
	return target_result;
}

/*
 * 6.6's retract_page_tables: no mmap lock at all, i_mmap_lock_read, the
 * PMD lock and the PTE lock; the anon_vma check is repeated under those,
 * and the table page is freed after an RCU grace period, so that a
 * lockless walker that read the PMD just before still reads a page table.
 */
static void retract_page_tables_66(struct machine *m, struct inode *mapping, unsigned long pgoff)
{
	struct khugepaged *k = kh(m);
	SCHED_WHERE(m);

	down_read(m, &mapping->i_mmap_rwsem);			/* i_mmap_lock_read */
	for (unsigned int i = 0; i < mapping->nr_mmap; i++) {
		struct vm_area_struct *vma = mapping->i_mmap[i];
		struct mm_struct *mm = vma->vm_mm;
		unsigned long pmd_table, table;
		unsigned int pmd_idx;
		spinlock_t *pml, *ptl;
		bool skipped = false;
		uint64_t addr;
		pteval_t pmd;

		if (!vma_covers(vma, pgoff))
			continue;
		sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&vma->anon_vma,
			    sizeof(vma->anon_vma));
		if (vma->anon_vma) {
			count_result(k->st.retract, SCAN_PAGE_ANON);
			continue;
		}
		addr = vma_address_of(vma, pgoff);
		if ((addr & ~HPAGE_PMD_MASK) || vma->vm_end < addr + HPAGE_PMD_SIZE) {
			count_result(k->st.retract, SCAN_VMA_CHECK);
			continue;
		}
		if (find_pmd_or_thp_or_none(m, mm, addr, &pmd_table, &pmd_idx) != SCAN_SUCCEED)
			continue;
		pml = table_lock(m, mm, pmd_table);
		spin_lock(m, pml);
		pmd = pt_read(m, pmd_table, pmd_idx);
		table = pte_pfn(pmd);
		ptl = table_lock(m, mm, table);
		spin_lock(m, ptl);
		/* the THP is locked, but a private COW may have come in meanwhile */
		sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&vma->anon_vma,
			    sizeof(vma->anon_vma));
		if (vma->anon_vma) {
			skipped = true;
			k->st.retract_anon_recheck++;
		} else {
			pt_write(m, pmd_table, pmd_idx, 0);	/* pmdp_collapse_flush */
		}
		spin_unlock(m, ptl);
		spin_unlock(m, pml);
		if (skipped) {
			count_result(k->st.retract, SCAN_PAGE_ANON);
			continue;
		}
		pte_free_defer_mm(m, mm, table);
		k->st.tables_retracted++;
		count_result(k->st.retract, SCAN_SUCCEED);
	}
	up_read(m, &mapping->i_mmap_rwsem);
}

int collapse_file_finish(struct machine *m, struct inode *file, unsigned long start,
			 struct mm_struct *mm, uint64_t addr, unsigned long hpage,
			 struct collapse_control *cc)
{
	int result = SCAN_SUCCEED;
	/* the mutant: the THP's lock goes before the retraction, not after */
	bool early = m->inject.khugepaged_unlock_early;
	SCHED_WHERE(m);

	if (early)
		unlock_page(m, hpage);
	if (variant_66(m)) {
		retract_page_tables_66(m, file, start);
		if (!cc->is_khugepaged)		/* MADV_COLLAPSE maps it itself */
			result = SCAN_PTE_MAPPED_HUGEPAGE;
	} else {
		result = retract_page_tables_61(m, file, start, mm, addr, hpage, cc);
	}
	if (!early)
		unlock_page(m, hpage);
	return result;
}

/*
 * collapse_file for a tmpfs file: the 512 pages at [start, start + 512)
 * become one new order-9 folio.  The folio goes into the page cache
 * locked, before anything is copied; each small page is locked, isolated,
 * unmapped, frozen at its expected count and replaced; holes are filled.
 * On success the contents are copied, the old pages freed, the page
 * tables mapping the range retracted and the THP unlocked; on failure the
 * page cache is put back as it was.
 */
int collapse_file(struct machine *m, struct mm_struct *mm, uint64_t addr, struct inode *file,
		  unsigned long start, struct collapse_control *cc)
{
	struct pglist_data *pg;
	unsigned long hpage, end = start + HPAGE_PMD_NR, index, *old;
	long nr_none = 0;
	int result;
	SCHED_WHERE(m);

	if ((start & (HPAGE_PMD_NR - 1)) || !file->shmem) {
		mm_fail(m, "BUG: collapse_file at page %#lx of a file that is not tmpfs or not "
			"aligned", start);
		return SCAN_FAIL;
	}
	result = alloc_charge_hpage(m, cc, &hpage);
	if (result != SCAN_SUCCEED)
		return result;
	old = host_calloc(HPAGE_PMD_NR, sizeof(*old), "collapse_file's page list");
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		old[i] = PFN_NONE;
	pg = &m->node[page_to_nid(m, hpage)];

	/* locked and not uptodate: nobody maps or uses it until it is unlocked */
	set_page_flag(m, hpage, PG_locked);
	SetPageSwapBacked(m, hpage);
	set_page_index(m, hpage, start);
	set_page_mapping(m, hpage, mapping_addr(file));

	for (index = start; index < end; index++) {
		unsigned long page = cache_get(file, index), head;

		if (page == PFN_NONE) {
			/* an extent truncated or punched out entirely: nothing to do */
			if (index == start) {
				bool any = false;

				for (unsigned long j = start; j < end && !any; j++)
					any = cache_get(file, j) != PFN_NONE;
				if (!any) {
					result = SCAN_TRUNCATED;
					goto rollback;
				}
			}
			if (!shmem_charge(file, 1)) {
				result = SCAN_FAIL;
				goto rollback;
			}
			cache_set(file, index, hpage + (index - start));
			nr_none++;
			continue;
		}
		head = page_head(m, page);
		if (!trylock_page(m, head)) {
			result = SCAN_PAGE_LOCK;
			goto rollback;
		}
		get_page(m, head);
		if (PageCompound(m, page)) {
			result = compound_order(m, head) == HPAGE_PMD_ORDER &&
				 page_index(m, head) == start && kh(m)->s.pte_mapped_thp ?
				 SCAN_PTE_MAPPED_HUGEPAGE : SCAN_PAGE_COMPOUND;
			goto out_unlock;
		}
		if (page_mapping(m, page) != mapping_addr(file)) {
			result = SCAN_TRUNCATED;
			goto out_unlock;
		}
		if (!isolate_lru_page(m, page)) {
			result = SCAN_DEL_PAGE_LRU;
			goto out_unlock;
		}
		if (page_mapcount(m, page) > 0)
			try_to_unmap_file_page(m, page);
		/* ours, the page cache's and the isolation's: nobody else's */
		if (!page_ref_freeze(m, page, 3)) {
			result = SCAN_PAGE_COUNT;
			putback_lru_page(m, page);
			goto out_unlock;
		}
		old[index - start] = page;
		cache_set(file, index, hpage + (index - start));
		continue;
out_unlock:
		unlock_page(m, head);
		put_page(m, head);
		goto rollback;
	}

	pg->vm_stat[NR_SHMEM_THPS] += HPAGE_PMD_NR;
	if (nr_none) {
		pg->vm_stat[NR_FILE_PAGES] += nr_none;
		pg->vm_stat[NR_SHMEM] += nr_none;
	}
	/* copy, and free the old pages (out of the cache, unmapped, frozen, locked) */
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long page = old[i];

		if (page == PFN_NONE) {
			set_page_content(m, hpage + i, 0);		/* clear_highpage */
			continue;
		}
		set_page_content(m, hpage + i, page_content(m, page));	/* copy_highpage */
		if (PageDirty(m, page))
			SetPageDirty(m, hpage);
		set_page_mapping(m, page, 0);
		page_ref_unfreeze(m, page, 1);
		ClearPageActive(m, page);
		unlock_page(m, page);
		put_page(m, page);
	}
	SetPageUptodate(m, hpage);
	page_ref_add_return(m, hpage, HPAGE_PMD_NR - 1);	/* the page cache's 512 */
	SetPageDirty(m, hpage);					/* shmem: set_page_dirty */
	lru_cache_add(m, hpage, HPAGE_PMD_NR);
	host_free(old);
	if (cc->keep_locked) {
		cc->locked_hpage = hpage;
		return SCAN_SUCCEED;
	}
	return collapse_file_finish(m, file, start, mm, addr, hpage, cc);

rollback:
	if (nr_none)
		shmem_uncharge(file, nr_none);
	for (index = start; index < end; index++) {
		unsigned long page = old[index - start];

		if (page != PFN_NONE) {
			page_ref_unfreeze(m, page, 2);
			cache_set(file, index, page);
			unlock_page(m, page);
			putback_lru_page(m, page);
		} else if (cache_get(file, index) == hpage + (index - start)) {
			cache_set(file, index, PFN_NONE);	/* a hole again */
		}
	}
	host_free(old);
	set_page_mapping(m, hpage, 0);
	unlock_page(m, hpage);
	put_page(m, hpage);
	return result;
}

int hpage_collapse_scan_file(struct machine *m, struct mm_struct *mm, uint64_t addr,
			     struct inode *file, unsigned long start, struct collapse_control *cc)
{
	const struct khugepaged_settings *s = &kh(m)->s;
	int result = SCAN_SUCCEED, present = 0;
	SCHED_WHERE(m);

	memset(cc->node_load, 0, sizeof(cc->node_load));
	for (unsigned long index = start; index < start + HPAGE_PMD_NR; index++) {
		unsigned long page = cache_get(file, index), head;

		if (page == PFN_NONE)
			continue;
		head = page_head(m, page);
		if (PageCompound(m, page)) {
			result = compound_order(m, head) == HPAGE_PMD_ORDER &&
				 page_index(m, head) == start && kh(m)->s.pte_mapped_thp ?
				 SCAN_PTE_MAPPED_HUGEPAGE : SCAN_PAGE_COMPOUND;
			break;
		}
		cc->node_load[page_to_nid(m, page)]++;
		if (!PageLRU(m, page)) {
			result = SCAN_PAGE_LRU;
			break;
		}
		if (page_ref_count(m, page) != 1 + page_mapcount(m, page)) {
			result = SCAN_PAGE_COUNT;
			break;
		}
		present++;
	}
	if (result == SCAN_SUCCEED) {
		if (cc->is_khugepaged && present < (int)(HPAGE_PMD_NR - s->max_ptes_none)) {
			result = SCAN_EXCEED_NONE_PTE;
			count_vm_event(m, THP_SCAN_EXCEED_NONE_PTE);
		} else {
			result = collapse_file(m, mm, addr, file, start, cc);
		}
	}
	return result;
}

/* ---- pte-mapped THPs ------------------------------------------------------- */

/* find_lock_page: the page at index, referenced and its folio locked, or PFN_NONE */
static unsigned long find_lock_page(struct machine *m, struct inode *inode, unsigned long index)
{
	for (;;) {
		unsigned long pfn = page_cache_lookup(m, inode, index), head;

		if (pfn == PFN_NONE)
			return PFN_NONE;
		head = page_head(m, pfn);
		get_page(m, head);
		lock_page(m, head);
		if (page_mapping(m, head) == mapping_addr(inode) &&
		    page_cache_lookup(m, inode, index) == pfn)
			return pfn;
		unlock_page(m, head);		/* truncated meanwhile: look again */
		put_page(m, head);
	}
}

/* The checks both variants make before touching the PTEs */
static int cpmt_prepare(struct machine *m, struct mm_struct *mm, uint64_t haddr,
			struct vm_area_struct **vmap, unsigned long *pmd_table,
			unsigned int *pmd_idx, unsigned long *hpagep)
{
	struct vm_area_struct *vma = find_vma(mm, haddr);
	unsigned long hpage;
	int result = find_pmd_or_thp_or_none(m, mm, haddr, pmd_table, pmd_idx);

	*hpagep = PFN_NONE;
	/* fast: already mapped by a PMD, nothing to lock */
	if (result == SCAN_PMD_MAPPED)
		return result;
	if (!vma || vma->vm_start > haddr || !vma->vm_file ||
	    vma->vm_end < haddr + HPAGE_PMD_SIZE)
		return SCAN_VMA_CHECK;
	*vmap = vma;
	/*
	 * The page cache already holds the THP, and a fault would map it by
	 * PMD whatever sysfs says: so sysfs is not enforced here either.
	 */
	if (!hugepage_vma_check_flags(m, vma, vma->vm_flags, false, false, false))
		return SCAN_VMA_CHECK;
	hpage = find_lock_page(m, vma->vm_file, linear_page_index(vma, haddr));
	if (hpage == PFN_NONE)
		return SCAN_PAGE_NULL;
	*hpagep = hpage;
	if (!PageHead(m, hpage))
		return SCAN_FAIL;
	if (compound_order(m, hpage) != HPAGE_PMD_ORDER)
		return SCAN_PAGE_COMPOUND;
	if (variant_66(m))	/* the PMD may have changed before the folio lock */
		result = find_pmd_or_thp_or_none(m, mm, haddr, pmd_table, pmd_idx);
	return result;
}

/*
 * Step 1 of both variants: every present PTE of the table must map the
 * subpage of hpage its offset names.  SCAN_SUCCEED with *count the PTEs
 * seen; SCAN_PTE_NON_PRESENT for a swap or migration entry; SCAN_FAIL
 * for a PTE onto anything else (an anon copy made by COW, a uprobe's
 * page, another file page).
 */
static int cpmt_check_ptes(struct machine *m, struct vm_area_struct *vma,
			   unsigned long pte_table, unsigned long hpage, int *count)
{
	*count = 0;
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++) {
		pteval_t e = pt_read(m, pte_table, i);

		if (!e)
			continue;			/* not faulted in: fine */
		if (!upte_present(e))
			return SCAN_PTE_NON_PRESENT;
		if (vm_normal_pfn(e) != hpage + i && !m->inject.khugepaged_cpmt_skip_subpage_check)
			return SCAN_FAIL;
		(*count)++;
	}
	(void)vma;
	return SCAN_SUCCEED;
}

static int collapse_pte_mapped_thp_61(struct machine *m, struct mm_struct *mm, uint64_t addr,
				      bool install_pmd)
{
	uint64_t haddr = addr & HPAGE_PMD_MASK;
	struct vm_area_struct *vma = NULL;
	unsigned long pmd_table = 0, pte_table, hpage;
	unsigned int pmd_idx = 0;
	struct inode *mapping;
	spinlock_t *ptl;
	int result, count;
	SCHED_WHERE(m);

	if (!rwsem_write_held(m, &mm->mmap_lock)) {
		mm_fail(m, "BUG: collapse_pte_mapped_thp(%#llx) without the mmap write lock",
			(unsigned long long)addr);
		return SCAN_FAIL;
	}
	result = cpmt_prepare(m, mm, haddr, &vma, &pmd_table, &pmd_idx, &hpage);
	if (hpage == PFN_NONE)
		return result;
	if (result == SCAN_PMD_NONE)
		goto maybe_install_pmd;		/* the table went already (MADV_COLLAPSE) */
	if (result != SCAN_SUCCEED)
		goto drop_hpage;

	/* from here only GUP-fast and hardware walks reach these tables */
	mapping = vma->vm_file;
	down_write(m, &mapping->i_mmap_rwsem);
	pte_table = pte_pfn(pt_read(m, pmd_table, pmd_idx));
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	result = cpmt_check_ptes(m, vma, pte_table, hpage, &count);
	if (result != SCAN_SUCCEED) {
		spin_unlock(m, ptl);
		up_write(m, &mapping->i_mmap_rwsem);
		goto drop_hpage;
	}
	/* step 2: the rmap of each mapped subpage */
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++)
		if (pt_read(m, pte_table, i))
			page_remove_rmap(m, hpage + i, vma);
	spin_unlock(m, ptl);
	/* step 3: the PTEs' references and rss */
	if (count) {
		page_ref_add_return(m, hpage, -count);
		inc_mm_counter(mm, mm_counter_of(m, hpage), -count);
	}
	/* step 4: the PMD and its table go */
	if (vma->anon_vma)
		down_write(m, &vma->anon_vma->root->rwsem);
	collapse_and_free_pmd(m, mm, vma, haddr, pmd_table, pmd_idx);
	if (vma->anon_vma)
		up_write(m, &vma->anon_vma->root->rwsem);
	up_write(m, &mapping->i_mmap_rwsem);
maybe_install_pmd:
	result = install_pmd ? set_huge_pmd(m, vma, haddr, pmd_table, pmd_idx, hpage) :
		 SCAN_SUCCEED;
drop_hpage:
	unlock_page(m, page_head(m, hpage));
	put_page(m, hpage);
	return result;
}

/*
 * 6.6 (1043173eb5eb): the mmap read lock is enough.  The PTEs are checked
 * under the PTE lock, which is then dropped (for the mmu notifier); so the
 * second pass checks each again as it clears it: the THP's lock stops new
 * PTEs of it, not a COW of one already there.  The table goes under the
 * PMD and PTE locks, freed after a grace period.
 */
static int collapse_pte_mapped_thp_66(struct machine *m, struct mm_struct *mm, uint64_t addr,
				      bool install_pmd)
{
	uint64_t haddr = addr & HPAGE_PMD_MASK;
	struct vm_area_struct *vma = NULL;
	unsigned long pmd_table = 0, pte_table, hpage;
	unsigned int pmd_idx = 0;
	spinlock_t *ptl, *pml;
	int result, count, nr_ptes = 0;
	SCHED_WHERE(m);

	if (!rwsem_held(m, &mm->mmap_lock)) {
		mm_fail(m, "BUG: collapse_pte_mapped_thp(%#llx) without the mmap lock",
			(unsigned long long)addr);
		return SCAN_FAIL;
	}
	result = cpmt_prepare(m, mm, haddr, &vma, &pmd_table, &pmd_idx, &hpage);
	if (hpage == PFN_NONE)
		return result;
	if (result == SCAN_PMD_NONE)
		goto maybe_install_pmd;
	if (result != SCAN_SUCCEED)
		goto drop_hpage;

	pte_table = pte_pfn(pt_read(m, pmd_table, pmd_idx));
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	result = cpmt_check_ptes(m, vma, pte_table, hpage, &count);
	spin_unlock(m, ptl);
	if (result != SCAN_SUCCEED)
		goto drop_hpage;

	/* step 2: check again while clearing, under the PTE lock */
	spin_lock(m, ptl);
	for (unsigned int i = 0; i < HPAGE_PMD_NR; i++) {
		pteval_t e = pt_read(m, pte_table, i);

		if (!e)
			continue;
		if (!upte_present(e)) {
			result = SCAN_PTE_NON_PRESENT;
			goto abort;
		}
		if (vm_normal_pfn(e) != hpage + i) {
			result = SCAN_FAIL;
			goto abort;
		}
		pt_write(m, pte_table, i, 0);		/* ptep_clear */
		page_remove_rmap(m, hpage + i, vma);
		nr_ptes++;
	}
	spin_unlock(m, ptl);
	/* step 3 */
	if (nr_ptes) {
		page_ref_add_return(m, hpage, -nr_ptes);
		inc_mm_counter(mm, mm_counter_of(m, hpage), -nr_ptes);
	}
	/* step 4: the empty table goes, under the PMD lock */
	pml = table_lock(m, mm, pmd_table);
	spin_lock(m, pml);
	spin_lock(m, ptl);
	pt_write(m, pmd_table, pmd_idx, 0);		/* pmdp_collapse_flush */
	spin_unlock(m, ptl);
	spin_unlock(m, pml);
	pte_free_defer_mm(m, mm, pte_table);
	kh(m)->st.tables_retracted++;
maybe_install_pmd:
	result = install_pmd ? set_huge_pmd(m, vma, haddr, pmd_table, pmd_idx, hpage) :
		 SCAN_SUCCEED;
	goto drop_hpage;
abort:
	/* the PTEs cleared so far stay cleared: their references and rss go */
	if (nr_ptes) {
		page_ref_add_return(m, hpage, -nr_ptes);
		inc_mm_counter(mm, mm_counter_of(m, hpage), -nr_ptes);
	}
	spin_unlock(m, ptl);
drop_hpage:
	unlock_page(m, page_head(m, hpage));
	put_page(m, hpage);
	return result;
}

int collapse_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr,
			    bool install_pmd)
{
	int r = variant_66(m) ? collapse_pte_mapped_thp_66(m, mm, addr, install_pmd) :
		collapse_pte_mapped_thp_61(m, mm, addr, install_pmd);

	count_result(kh(m)->st.cpmt, r);
	return r;
}

/* 6.1: the mm's remembered pte-mapped THPs, if its mmap lock can be had */
static void khugepaged_collapse_pte_mapped_thps(struct machine *m, struct khugepaged_mm_slot *s)
{
	struct mm_struct *mm = s->mm;

	if (!s->nr_pte_mapped_thp || !mm)
		return;
	if (!down_write_trylock(m, &mm->mmap_lock))
		return;
	for (int i = 0; i < s->nr_pte_mapped_thp; i++)
		collapse_pte_mapped_thp(m, mm, s->pte_mapped_thp[i], false);
	s->nr_pte_mapped_thp = 0;
	mmap_write_unlock(m, mm);
}

/* ---- the daemon's scan -------------------------------------------------------- */

/* Free the slot of an mm that exited while khugepaged had it (collect_mm_slot) */
static void collect_mm_slot(struct khugepaged *k, struct khugepaged_mm_slot *s)
{
	if (!slot_test_exit(s))
		return;
	mm_slot_unlink(k, s);
	host_free(s);
}

/*
 * khugepaged_scan_mm_slot: scan the cursor's mm from the cursor's address,
 * VMA by VMA, 2 MiB range by 2 MiB range, until pages of progress are
 * used, a collapse dropped the mmap lock, or the mm is done (then the
 * cursor moves to the next mm, and past the last one a full scan ends).
 * Entered and left with khugepaged_mm_lock held.
 */
static unsigned int khugepaged_scan_mm_slot(struct machine *m, unsigned int pages, int *result,
					    struct collapse_control *cc)
{
	struct khugepaged *k = kh(m);
	struct khugepaged_mm_slot *s;
	struct vm_area_struct *vma = NULL;
	struct mm_struct *mm;
	unsigned int progress = 0;
	SCHED_WHERE(m);

	*result = SCAN_FAIL;
	if (k->scan_slot) {
		s = k->scan_slot;
	} else {
		s = k->head.next;
		k->scan_address = 0;
		k->scan_slot = s;
	}
	spin_unlock(m, &k->mm_lock);
	if (!variant_66(m))
		khugepaged_collapse_pte_mapped_thps(m, s);

	mm = s->mm;
	/* do not wait for the lock: on to the next mm */
	if (!mm || !down_read_trylock(m, &mm->mmap_lock))
		goto breakouterloop_mmap_lock;
	progress++;
	for (unsigned int i = find_vma_index(mm, k->scan_address); i < mm->nr_vmas; i++) {
		uint64_t hstart, hend;

		vma = mm->vmas[i];
		cond_resched(m);
		if (!hugepage_vma_check_flags(m, vma, vma->vm_flags, false, false, true)) {
skip:
			progress++;
			continue;
		}
		hstart = (vma->vm_start + HPAGE_PMD_SIZE - 1) & HPAGE_PMD_MASK;
		hend = vma->vm_end & HPAGE_PMD_MASK;
		if (k->scan_address > hend)
			goto skip;
		if (k->scan_address < hstart)
			k->scan_address = hstart;
		while (k->scan_address < hend) {
			uint64_t addr = k->scan_address;
			bool mmap_locked = true;

			cond_resched(m);
			if (!vma_is_anonymous(vma)) {
				struct inode *file = vma->vm_file;
				unsigned long pgoff = linear_page_index(vma, addr);

				file->refcount++;		/* get_file */
				mmap_read_unlock(m, mm);
				mmap_locked = false;
				*result = hpage_collapse_scan_file(m, mm, addr, file, pgoff, cc);
				iput(m, file);			/* fput */
				if (variant_66(m) && *result == SCAN_PTE_MAPPED_HUGEPAGE) {
					mmap_read_lock(m, mm);
					*result = collapse_pte_mapped_thp(m, mm, addr, false);
					if (*result == SCAN_PMD_MAPPED)
						*result = SCAN_SUCCEED;
					mmap_read_unlock(m, mm);
				}
			} else {
				*result = hpage_collapse_scan_pmd(m, mm, vma, addr, &mmap_locked,
								  cc);
			}
			count_result(k->st.scan, *result);
			if (!variant_66(m) && *result == SCAN_PTE_MAPPED_HUGEPAGE) {
				unsigned long pmd_table;
				unsigned int pmd_idx;

				/* a THP mapped by PTEs: for khugepaged_collapse_pte_mapped_thps */
				if (find_pmd_or_thp_or_none(m, mm, addr, &pmd_table, &pmd_idx) ==
				    SCAN_SUCCEED && khugepaged_add_pte_mapped_thp(m, mm, addr))
					k->st.pages_collapsed++;
			} else if (*result == SCAN_SUCCEED) {
				k->st.pages_collapsed++;
			}
			k->scan_address += HPAGE_PMD_SIZE;
			progress += HPAGE_PMD_NR;
			/* the lock went with the collapse: this mm's turn ends here */
			if (!mmap_locked)
				goto breakouterloop_mmap_lock;
			if (progress >= pages)
				goto breakouterloop;
		}
	}
	vma = NULL;		/* every VMA scanned */
breakouterloop:
	mmap_read_unlock(m, mm);
breakouterloop_mmap_lock:
	spin_lock(m, &k->mm_lock);
	/* this mm is done (or gone): the next one, or the end of a full scan */
	if (slot_test_exit(s) || !vma) {
		if (s->next != &k->head) {
			k->scan_slot = s->next;
			k->scan_address = 0;
		} else {
			k->scan_slot = NULL;
			k->st.full_scans++;
		}
		collect_mm_slot(k, s);
	}
	return progress;
}

static bool khugepaged_has_work(struct machine *m)
{
	struct khugepaged *k = kh(m);

	return k->head.next != &k->head && hugepage_flags_enabled(m);
}

void khugepaged_do_scan(struct machine *m)
{
	struct khugepaged *k = kh(m);
	struct collapse_control cc = { .is_khugepaged = true };
	unsigned int progress = 0, pass_through_head = 0, pages = k->s.pages_to_scan;
	unsigned long scanned = 0;
	bool wait = true;
	int result = SCAN_SUCCEED;
	SCHED_WHERE(m);

	k->st.wakeups++;
	for (;;) {
		cond_resched(m);
		spin_lock(m, &k->mm_lock);
		if (!k->scan_slot)
			pass_through_head++;
		if (khugepaged_has_work(m) && pass_through_head < 2) {
			unsigned int p = khugepaged_scan_mm_slot(m, pages - progress, &result, &cc);

			progress += p;
			scanned += p;
		} else {
			progress = pages;
		}
		spin_unlock(m, &k->mm_lock);
		if (progress >= pages)
			break;
		if (result == SCAN_ALLOC_HUGE_PAGE_FAIL) {
			/* the first failure sleeps alloc_sleep_millisecs (no time here),
			 * the second ends the wake-up */
			if (!wait)
				break;
			wait = false;
		}
	}
	k->st.pages_scanned += scanned;
	uprobe_remap_check(m);
}

/*
 * Each wake-up is followed by khugepaged's sleep, which a grace period is
 * shorter than: the tables 6.6 deferred are freed before the next one.
 */
void khugepaged_run(struct machine *m, unsigned long n)
{
	for (unsigned long i = 0; i < n && !m->fail.failed; i++) {
		khugepaged_do_scan(m);
		rcu_barrier_tables(m);
	}
}

/* ---- MADV_COLLAPSE ---------------------------------------------------------- */

static long madvise_collapse_errno(int r)
{
	switch (r) {
	case SCAN_ALLOC_HUGE_PAGE_FAIL:
		return -ENOMEM;
	case SCAN_CGROUP_CHARGE_FAIL:
		return -EBUSY;
	case SCAN_PAGE_COUNT:
	case SCAN_PAGE_LOCK:
	case SCAN_PAGE_LRU:
	case SCAN_DEL_PAGE_LRU:
		return -EAGAIN;		/* try again: it may work */
	default:
		return -EINVAL;		/* the range itself is the problem */
	}
}

long madvise_collapse(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		      uint64_t end)
{
	struct khugepaged *k = kh(m);
	struct mm_struct *mm = vma->vm_mm;
	struct collapse_control cc = { .is_khugepaged = false };
	uint64_t hstart, hend, addr;
	int thps = 0, last_fail = SCAN_FAIL;
	bool mmap_locked = true;
	SCHED_WHERE(m);

	if (!hugepage_vma_check_flags(m, vma, vma->vm_flags, false, false, false))
		return -EINVAL;
	hstart = (start + HPAGE_PMD_SIZE - 1) & HPAGE_PMD_MASK;
	hend = end & HPAGE_PMD_MASK;
	for (addr = hstart; addr < hend; addr += HPAGE_PMD_SIZE) {
		int result = SCAN_FAIL;

		if (!mmap_locked) {
			cond_resched(m);
			mmap_read_lock(m, mm);
			mmap_locked = true;
			result = hugepage_vma_revalidate(m, mm, addr, false, &vma, &cc);
			if (result != SCAN_SUCCEED) {
				count_result(k->st.madvise, result);
				last_fail = result;
				goto out_nolock;
			}
			if (hend > (vma->vm_end & HPAGE_PMD_MASK))
				hend = vma->vm_end & HPAGE_PMD_MASK;
		}
		if (!vma_is_anonymous(vma)) {
			struct inode *file = vma->vm_file;
			unsigned long pgoff = linear_page_index(vma, addr);

			file->refcount++;
			mmap_read_unlock(m, mm);
			mmap_locked = false;
			result = hpage_collapse_scan_file(m, mm, addr, file, pgoff, &cc);
			iput(m, file);
		} else {
			result = hpage_collapse_scan_pmd(m, mm, vma, addr, &mmap_locked, &cc);
		}
handle_result:
		count_result(k->st.madvise, result);
		switch (result) {
		case SCAN_SUCCEED:
		case SCAN_PMD_MAPPED:
			++thps;
			break;
		case SCAN_PTE_MAPPED_HUGEPAGE:
			/* the file is collapsed: map it here by PMD */
			if (variant_66(m)) {
				mmap_read_lock(m, mm);
				result = collapse_pte_mapped_thp(m, mm, addr, true);
				mmap_read_unlock(m, mm);
			} else {
				mmap_write_lock(m, mm);
				result = collapse_pte_mapped_thp(m, mm, addr, true);
				mmap_write_unlock(m, mm);
			}
			goto handle_result;
		/* continuing is fine after these */
		case SCAN_PMD_NULL:
		case SCAN_PTE_NON_PRESENT:
		case SCAN_PTE_UFFD_WP:
		case SCAN_PAGE_RO:
		case SCAN_LACK_REFERENCED_PAGE:
		case SCAN_PAGE_NULL:
		case SCAN_PAGE_COUNT:
		case SCAN_PAGE_LOCK:
		case SCAN_PAGE_COMPOUND:
		case SCAN_PAGE_LRU:
		case SCAN_DEL_PAGE_LRU:
			last_fail = result;
			break;
		default:
			last_fail = result;
			goto out_maybelock;
		}
	}
out_maybelock:
	/* the caller expects the mmap lock back */
	if (!mmap_locked)
		mmap_read_lock(m, mm);
out_nolock:
	/* unsigned as the kernel's: a range short of one aligned 2 MiB is EINVAL */
	return (uint64_t)thps == ((hend - hstart) >> PMD_SHIFT) ? 0 :
	       madvise_collapse_errno(last_fail);
}

/* ---- /sys/kernel/mm/transparent_hugepage/khugepaged/ -------------------------- */

enum kh_file { KF_DEFRAG, KF_MAX_PTES_NONE, KF_MAX_PTES_SWAP, KF_MAX_PTES_SHARED,
	       KF_PAGES_TO_SCAN, KF_PAGES_COLLAPSED, KF_FULL_SCANS, KF_SCAN_SLEEP,
	       KF_ALLOC_SLEEP };

/* kstrtouint: the same, within an unsigned int */
static int kstrtouint10(const char *s, unsigned int *out)
{
	unsigned long long v;
	int err = kstrtoull(s, 10, &v);

	if (err)
		return err;
	if (v != (unsigned int)v)
		return -ERANGE;
	*out = (unsigned int)v;
	return 0;
}

static bool kh_file_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct khugepaged *k = kh(m);
	unsigned long v = 0;

	switch ((enum kh_file)a->file->tag) {
	case KF_DEFRAG: v = k->s.defrag; break;
	case KF_MAX_PTES_NONE: v = k->s.max_ptes_none; break;
	case KF_MAX_PTES_SWAP: v = k->s.max_ptes_swap; break;
	case KF_MAX_PTES_SHARED: v = k->s.max_ptes_shared; break;
	case KF_PAGES_TO_SCAN: v = k->s.pages_to_scan; break;
	case KF_PAGES_COLLAPSED: v = (unsigned int)k->st.pages_collapsed; break;
	case KF_FULL_SCANS: v = (unsigned int)k->st.full_scans; break;
	case KF_SCAN_SLEEP: v = k->s.scan_sleep_millisecs; break;
	case KF_ALLOC_SLEEP: v = k->s.alloc_sleep_millisecs; break;
	}
	sb_printf(sb, "%lu\n", v);
	return true;
}

static int kh_file_store(struct machine *m, const struct mm_file_args *a, const char *val,
			 char *err, size_t errlen)
{
	struct khugepaged *k = kh(m);
	unsigned long long v;
	unsigned int u;
	int e;

	switch ((enum kh_file)a->file->tag) {
	case KF_DEFRAG:			/* single_hugepage_flag_store */
		e = kstrtoull(val, 10, &v);
		if (e)
			return mm_file_error(a, -e, "kstrtoul takes a decimal 0 or 1", err,
					     errlen);
		if (v > 1)
			return mm_file_error(a, EINVAL, "0 or 1", err, errlen);
		k->s.defrag = v;
		return 0;
	case KF_MAX_PTES_NONE:
	case KF_MAX_PTES_SWAP:
	case KF_MAX_PTES_SHARED:
		if (kstrtoull(val, 10, &v) || v > HPAGE_PMD_NR - 1)
			return mm_file_error(a, EINVAL, "a decimal from 0 to 511", err, errlen);
		if (a->file->tag == KF_MAX_PTES_NONE)
			k->s.max_ptes_none = (unsigned int)v;
		else if (a->file->tag == KF_MAX_PTES_SWAP)
			k->s.max_ptes_swap = (unsigned int)v;
		else
			k->s.max_ptes_shared = (unsigned int)v;
		return 0;
	case KF_PAGES_TO_SCAN:
		if (kstrtouint10(val, &u) || !u)
			return mm_file_error(a, EINVAL, "a decimal unsigned int, not 0", err,
					     errlen);
		k->s.pages_to_scan = u;
		return 0;
	case KF_SCAN_SLEEP:
	case KF_ALLOC_SLEEP:
		if (kstrtouint10(val, &u))
			return mm_file_error(a, EINVAL, "a decimal unsigned int", err, errlen);
		if (a->file->tag == KF_SCAN_SLEEP)
			k->s.scan_sleep_millisecs = u;
		else
			k->s.alloc_sleep_millisecs = u;
		return 0;
	case KF_PAGES_COLLAPSED:
	case KF_FULL_SCANS:
		break;
	}
	return -ENOENT;
}

#define KH_FILE(name, t, st)							\
	{ .pattern = "/sys/kernel/mm/transparent_hugepage/khugepaged/" name,	\
	  .show = kh_file_show, .store = (st), .tag = (t) }

/* In 6.1's khugepaged_attr[] order */
static const struct mm_file kh_files[] = {
	KH_FILE("defrag", KF_DEFRAG, kh_file_store),
	KH_FILE("max_ptes_none", KF_MAX_PTES_NONE, kh_file_store),
	KH_FILE("max_ptes_swap", KF_MAX_PTES_SWAP, kh_file_store),
	KH_FILE("max_ptes_shared", KF_MAX_PTES_SHARED, kh_file_store),
	KH_FILE("pages_to_scan", KF_PAGES_TO_SCAN, kh_file_store),
	KH_FILE("pages_collapsed", KF_PAGES_COLLAPSED, NULL),
	KH_FILE("full_scans", KF_FULL_SCANS, NULL),
	KH_FILE("scan_sleep_millisecs", KF_SCAN_SLEEP, kh_file_store),
	KH_FILE("alloc_sleep_millisecs", KF_ALLOC_SLEEP, kh_file_store),
};

/* ---- counters ------------------------------------------------------------- */

void khugepaged_counters(struct machine *m, struct vout *vo)
{
	static const struct khugepaged_stats none;
	struct khugepaged *k = kh_peek(m);
	const struct khugepaged_stats *st = k ? &k->st : &none;
	long slots = 0, queued = 0;
	static const struct { const char *name; size_t off; } tables[] = {
		{ "scan", offsetof(struct khugepaged_stats, scan) },
		{ "madvise_collapse", offsetof(struct khugepaged_stats, madvise) },
		{ "collapse_pte_mapped_thp", offsetof(struct khugepaged_stats, cpmt) },
		{ "retract", offsetof(struct khugepaged_stats, retract) },
	};

	for (struct khugepaged_mm_slot *s = k ? k->head.next : NULL; s && s != &k->head;
	     s = s->next) {
		slots++;
		queued += s->nr_pte_mapped_thp;
	}
	vo_rec(vo, (long)st->pages_collapsed, "khugepaged.pages_collapsed");
	vo_rec(vo, (long)st->full_scans, "khugepaged.full_scans");
	vo_rec(vo, (long)st->wakeups, "khugepaged.wakeups");
	vo_rec(vo, (long)st->pages_scanned, "khugepaged.pages_scanned");
	vo_rec(vo, slots, "khugepaged.mm_slots");
	vo_rec(vo, queued, "khugepaged.pte_mapped_thp");
	vo_rec(vo, (long)st->pte_mapped_thp_added, "khugepaged.pte_mapped_thp_added");
	vo_rec(vo, (long)st->pte_mapped_thp_dropped, "khugepaged.pte_mapped_thp_dropped");
	vo_rec(vo, (long)st->tables_retracted, "khugepaged.tables_retracted");
	vo_rec(vo, (long)st->retract_deferred, "khugepaged.retract_deferred");
	vo_rec(vo, (long)st->retract_anon_recheck, "khugepaged.retract_anon_recheck");
	vo_rec(vo, (long)rcu_deferred_tables(m), "khugepaged.rcu_deferred_tables");
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const unsigned long *v = (const unsigned long *)((const char *)st + tables[t].off);

		for (int r = 0; r < NR_SCAN_RESULTS; r++)
			vo_rec(vo, (long)v[r], "khugepaged.%s.%s", tables[t].name, scan_names[r]);
	}
}

static const struct counter_ns kh_counter_ns[] = {
	{ "khugepaged.", khugepaged_counters },
};

const struct mm_module mm_module_khugepaged = {
	.name = "khugepaged",
	.files = kh_files,
	.nr_files = sizeof(kh_files) / sizeof(kh_files[0]),
	.counters = kh_counter_ns,
	.nr_counters = sizeof(kh_counter_ns) / sizeof(kh_counter_ns[0]),
};
