// SPDX-License-Identifier: GPL-2.0-only
/*
 * uprobes.c - user-space breakpoints in file text (kernel/events/uprobes.c,
 * 6.1; the seed's "THP aware uprobe" series is in it since 5.4).
 *
 * Registering a consumer at (inode, offset) walks the file's i_mmap
 * (build_map_info) and, for each process mapping that offset in a VMA a
 * breakpoint may go into (valid_vma: file-backed, may execute, not
 * writable, not shared, not hugetlb), takes the process's mmap lock for
 * write and writes the breakpoint (install_breakpoint -> set_swbp ->
 * uprobe_write_opcode).  A mapping made later gets every breakpoint of its
 * range from uprobe_mmap, called by mmap_region.  Unregistering the last
 * consumer writes the original instruction back in every process with
 * MMF_HAS_UPROBES.  munmap and exit just zap the copies with the rest of
 * the mapping; the uprobe stays registered.
 *
 * uprobe_write_opcode (see uprobes.h for the content tags):
 *   1. get_user_pages_remote(FOLL_FORCE | the policy's split flag): the
 *      page at vaddr, faulted in if needed.  6.1 passes FOLL_SPLIT_PMD
 *      when installing, so a PMD-mapped THP is mapped by PTEs from then on;
 *      5.3 passed FOLL_SPLIT both ways, splitting the THP for good.
 *   2. verify_opcode: nothing to do when the breakpoint is already there
 *      (install) or already gone (removal).
 *   3. The zero page is -EINVAL; on removal a compound page (a THP's
 *      page with a breakpoint in the page cache itself) is 6.1's WARN and
 *      -EINVAL; a page that is not anonymous has no breakpoint of ours.
 *   4. anon_vma_prepare, a new GFP_HIGHUSER_MOVABLE page, the old
 *      content copied and the opcode changed.
 *   5. On removal, if the page cache's page at the offset is uptodate
 *      and identical to the copy, the copy is dropped (the seed's patch
 *      2, 5.4): __replace_page then just clears the PTE and the file page
 *      refaults.  Whether that page belongs to a THP is noted.
 *   6. __replace_page: under the old folio's lock and the PTE lock, check
 *      the PTE still maps it (else -EAGAIN, and the whole write is
 *      retried), map the copy (anon rmap, LRU) or nothing, move the rss
 *      from file to anon, drop the old page's mapping and reference.
 *   7. After restoring a THP's page, 6.1 calls collapse_pte_mapped_thp
 *      (mm, vaddr, false) (the seed's patch 6): the policy's after_restore.
 *
 * Locking as 6.1: register/unregister under uprobe->register_rwsem and
 * dup_mmap_sem for write (fork takes it for read), each mm under its
 * mmap lock for write.
 *
 * The uprobe table: an xmap from the inode's id to that inode's uprobes
 * sorted by offset.  The kernel keeps one rb-tree sorted by (inode,
 * offset); what it is used for (find, insert, erase, and the offset
 * ranges uprobe_mmap and uprobe_munmap ask about) is the same here,
 * with a binary search in place of the tree walk.
 *
 * Not modelled: hitting a breakpoint (no tasks run code: no handlers, no
 * single-stepping, no XOL area, so MMF_RECALC_UPROBES is only kept up),
 * consumer filters (perf's), reference counters (USDT semaphores,
 * ref_ctr_offset), and uprobes on files whose mappings are writable or
 * shared (valid_vma refuses those as the kernel does).  uprobe_mmap runs
 * for mmap only: the kernel's vma_adjust also calls it when a VMA is
 * split or merged, which finds every breakpoint already there.
 */
#include <errno.h>
#include <string.h>

#include "uprobes.h"
#include "cpu.h"
#include "filemap.h"
#include "gup.h"
#include "host.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "machine.h"
#include "memory.h"
#include "mmap.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "policies/thp_uprobe.h"
#include "rmap.h"
#include "task.h"
#include "vout.h"

/* The uprobes of one inode, sorted by offset */
struct uprobe_list {
	struct uprobe **v;
	unsigned int nr, cap;
};

/* A content with breakpoints: @base with int3 at each of @offs (sorted) */
struct swbp_content {
	uint64_t tag;
	uint64_t base;
	unsigned int nr;
	uint16_t *offs;
};

struct uprobes_ctx {
	struct xmap by_inode;		/* inode id -> struct uprobe_list * */
	unsigned long nr_uprobes;
	struct rw_semaphore dup_mmap_sem;
	struct swbp_content *contents;	/* every content with breakpoints ever made */
	unsigned int nr_contents, cap_contents;
	struct xmap content_by_tag;	/* tag -> index in contents */
	struct uprobe_stats stats;
	/* uprobe_remap_wakeups: the ranges breakpoints went into, and when */
	struct remap_range { struct mm_struct *mm; uint64_t haddr; } *probed;
	unsigned int nr_probed, cap_probed;
	enum { REMAP_NONE, REMAP_PROBED, REMAP_WAITING, REMAP_DONE } remap;
	unsigned long remap_wakeups0;	/* khugepaged's wake-ups at the last unregister */
	long remap_result;
};

static struct uprobes_ctx *uprobes_ctx(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);

	if (!pc->uprobes) {
		pc->uprobes = host_calloc(1, sizeof(*pc->uprobes), "the uprobes");
		xmap_init(&pc->uprobes->by_inode);
		xmap_init(&pc->uprobes->content_by_tag);
		init_rwsem(&pc->uprobes->dup_mmap_sem);
	}
	return pc->uprobes;
}

const struct uprobe_stats *uprobe_stats(struct machine *m)
{
	return &uprobes_ctx(m)->stats;
}

void uprobes_destroy(struct machine *m)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;
	uint64_t key, val;

	if (!u)
		return;
	for (size_t i = 0; xmap_next(&u->by_inode, &i, &key, &val);) {
		struct uprobe_list *l = (struct uprobe_list *)(uintptr_t)val;

		for (unsigned int k = 0; k < l->nr; k++)
			host_free(l->v[k]);	/* whatever references remain */
		host_free(l->v);
		host_free(l);
	}
	xmap_destroy(&u->by_inode);
	for (unsigned int i = 0; i < u->nr_contents; i++)
		host_free(u->contents[i].offs);
	host_free(u->contents);
	host_free(u->probed);
	xmap_destroy(&u->content_by_tag);
	host_free(u);
	m->procs->uprobes = NULL;
}

/* ---- contents with breakpoints ------------------------------------------ */

static struct swbp_content *content_of(struct uprobes_ctx *u, uint64_t tag)
{
	uint64_t i;

	return xmap_get(&u->content_by_tag, tag, &i) ? &u->contents[i] : NULL;
}

bool page_has_swbp(struct machine *m, unsigned long pfn, unsigned int off)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;
	struct swbp_content *c = u ? content_of(u, page_content(m, pfn)) : NULL;

	for (unsigned int i = 0; c && i < c->nr; i++)
		if (c->offs[i] == off)
			return true;
	return false;
}

uint64_t swbp_content(struct machine *m, uint64_t tag, unsigned int off, bool set)
{
	struct uprobes_ctx *u = uprobes_ctx(m);
	struct swbp_content *c = content_of(u, tag), *n;
	uint16_t offs[PAGE_SIZE / UPROBE_SWBP_INSN_SIZE];
	unsigned int nr = 0, k;
	uint64_t base = c ? c->base : tag;
	bool done = false;

	/* the offsets of the new content: the old ones with off added or taken out */
	for (k = 0; c && k < c->nr; k++) {
		if (!done && c->offs[k] >= off) {
			done = true;
			if (set)
				offs[nr++] = (uint16_t)off;
			if (c->offs[k] == off)
				continue;
		}
		offs[nr++] = c->offs[k];
	}
	if (!done && set)
		offs[nr++] = (uint16_t)off;
	if (!nr)
		return base;			/* every breakpoint gone: the original */
	for (k = 0; k < u->nr_contents; k++) {
		n = &u->contents[k];
		if (n->base == base && n->nr == nr && !memcmp(n->offs, offs, nr * sizeof(*offs)))
			return n->tag;
	}
	if (u->nr_contents == u->cap_contents) {
		u->cap_contents = u->cap_contents ? 2 * u->cap_contents : 16;
		u->contents = host_reallocarray(u->contents, u->cap_contents, sizeof(*u->contents),
						"contents with breakpoints");
	}
	n = &u->contents[u->nr_contents];
	n->tag = ++proc_ctx(m)->next_tag;
	n->base = base;
	n->nr = nr;
	n->offs = host_malloc(nr * sizeof(*offs), "breakpoint offsets");
	memcpy(n->offs, offs, nr * sizeof(*offs));
	xmap_set(&u->content_by_tag, n->tag, u->nr_contents);
	u->nr_contents++;
	return n->tag;
}

/* ---- the uprobe table ----------------------------------------------------- */

static struct uprobe_list *inode_uprobes(struct uprobes_ctx *u, const struct inode *inode)
{
	uint64_t v;

	return xmap_get(&u->by_inode, inode->id, &v) ? (struct uprobe_list *)(uintptr_t)v : NULL;
}

/* The index of the first uprobe of l at or after offset */
static unsigned int lower_bound(const struct uprobe_list *l, uint64_t offset)
{
	unsigned int lo = 0, hi = l->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (l->v[mid]->offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct uprobe *find_uprobe(struct machine *m, struct inode *inode, uint64_t offset)
{
	struct uprobe_list *l = m->procs && m->procs->uprobes ?
				inode_uprobes(m->procs->uprobes, inode) : NULL;
	unsigned int i;

	if (!l)
		return NULL;
	i = lower_bound(l, offset);
	return i < l->nr && l->v[i]->offset == offset ? l->v[i] : NULL;
}

static struct uprobe *get_uprobe(struct uprobe *up)
{
	up->ref++;
	return up;
}

static void put_uprobe(struct uprobe *up)
{
	if (--up->ref == 0)
		host_free(up);
}

/*
 * alloc_uprobe + insert_uprobe: the existing one with an access
 * reference, or a new one in the table with two (access and creation).
 */
static struct uprobe *alloc_uprobe(struct machine *m, struct inode *inode, uint64_t offset)
{
	struct uprobes_ctx *u = uprobes_ctx(m);
	struct uprobe_list *l = inode_uprobes(u, inode);
	struct uprobe *up;
	unsigned int i;

	if (!l) {
		l = host_calloc(1, sizeof(*l), "an inode's uprobes");
		xmap_set(&u->by_inode, inode->id, (uint64_t)(uintptr_t)l);
	}
	i = lower_bound(l, offset);
	if (i < l->nr && l->v[i]->offset == offset)
		return get_uprobe(l->v[i]);
	up = host_calloc(1, sizeof(*up), "a uprobe");
	up->inode = inode;
	up->offset = offset;
	up->ref = 2;
	up->active = true;
	init_rwsem(&up->register_rwsem);
	if (l->nr == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = host_reallocarray(l->v, l->cap, sizeof(*l->v), "an inode's uprobes");
	}
	memmove(&l->v[i + 1], &l->v[i], (l->nr - i) * sizeof(*l->v));
	l->v[i] = up;
	l->nr++;
	u->nr_uprobes++;
	return up;
}

/* delete_uprobe: out of the table; it goes with its last reference */
static void delete_uprobe(struct machine *m, struct uprobe *up)
{
	struct uprobes_ctx *u = uprobes_ctx(m);
	struct uprobe_list *l = inode_uprobes(u, up->inode);
	unsigned int i = lower_bound(l, up->offset);

	memmove(&l->v[i], &l->v[i + 1], (l->nr - i - 1) * sizeof(*l->v));
	l->nr--;
	if (!l->nr) {
		xmap_del(&u->by_inode, up->inode->id);
		host_free(l->v);
		host_free(l);
	}
	u->nr_uprobes--;
	up->active = false;		/* uprobe_is_active() */
	put_uprobe(up);
}

/* no_uprobe_events: the table is empty */
static bool no_uprobe_events(struct machine *m)
{
	return !m->procs || !m->procs->uprobes || !m->procs->uprobes->nr_uprobes;
}

static void consumer_add(struct uprobe *up, struct uprobe_consumer *uc)
{
	uc->next = up->consumers;
	up->consumers = uc;
}

static bool consumer_del(struct uprobe *up, struct uprobe_consumer *uc)
{
	for (struct uprobe_consumer **c = &up->consumers; *c; c = &(*c)->next) {
		if (*c == uc) {
			*c = uc->next;
			return true;
		}
	}
	return false;
}

/* filter_chain: some consumer wants this mm (no filters: any consumer at all) */
static bool filter_chain(const struct uprobe *up)
{
	return up->consumers != NULL;
}

/* ---- writing the opcode ------------------------------------------------- */

/* valid_vma: breakpoints go into private, non-writable file mappings that may execute */
static bool valid_vma(const struct vm_area_struct *vma, bool is_register)
{
	unsigned long flags = VM_HUGETLB | VM_MAYEXEC | VM_MAYSHARE;

	if (is_register)
		flags |= VM_WRITE;
	return vma->vm_file && (vma->vm_flags & flags) == VM_MAYEXEC;
}

static uint64_t offset_to_vaddr(const struct vm_area_struct *vma, uint64_t offset)
{
	return vma->vm_start + offset - ((uint64_t)vma->vm_pgoff << PAGE_SHIFT);
}

static uint64_t vaddr_to_offset(const struct vm_area_struct *vma, uint64_t vaddr)
{
	return ((uint64_t)vma->vm_pgoff << PAGE_SHIFT) + (vaddr - vma->vm_start);
}

/* verify_opcode: 1 when the page must change, 0 when it already is as wanted */
static int verify_opcode(struct machine *m, unsigned long pfn, uint64_t vaddr, bool is_register)
{
	bool is_swbp = page_has_swbp(m, pfn, (unsigned int)(vaddr & (PAGE_SIZE - 1)));

	return is_register == is_swbp ? 0 : 1;
}

/*
 * __replace_page: map @new_page (or nothing) at @addr instead of
 * @old_page.  0, or -EAGAIN when the PTE no longer maps old_page.
 */
static int __replace_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  unsigned long old_page, unsigned long new_page)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long old_folio = page_head(m, old_page), pmd_table, pte_table;
	unsigned long nr = PageHead(m, old_folio) ? 1UL << compound_order(m, old_folio) : 1;
	unsigned int pmd_idx, idx = (unsigned int)(addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	spinlock_t *ptl;
	pteval_t pmd, pte;
	int err = -EAGAIN;

	lock_page(m, old_folio);	/* for folio_free_swap() (no swap here) */
	/* page_vma_mapped_walk: a PTE at addr onto the folio */
	if (!pmd_slot(m, mm, addr, false, &pmd_table, &pmd_idx, NULL))
		goto unlock;
	pmd = pt_read(m, pmd_table, pmd_idx);
	if (!pte_present(pmd))
		goto unlock;
	if (pmd_leaf(pmd)) {
		/* the read split it under the mmap lock this caller still holds */
		mm_fail(m, "BUG: __replace_page at %#llx found a huge PMD",
			(unsigned long long)addr);
		goto unlock;
	}
	pte_table = pte_pfn(pmd);
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	pte = pt_read(m, pte_table, idx);
	if (!pte_present(pte) || (pte & _PAGE_SPECIAL) || pte_pfn(pte) < old_folio ||
	    pte_pfn(pte) >= old_folio + nr) {
		spin_unlock(m, ptl);
		goto unlock;
	}
	if (new_page != PFN_NONE) {
		get_page(m, new_page);
		page_add_new_anon_rmap(m, new_page, vma, addr);
		lru_cache_add(m, new_page, 1);
	} else {
		inc_mm_counter(mm, MM_ANONPAGES, -1);	/* no new page: just the old one's count */
	}
	if (!PageAnon(m, old_page)) {
		inc_mm_counter(mm, mm_counter_of(m, old_page), -1);
		inc_mm_counter(mm, MM_ANONPAGES, 1);
	}
	pt_write(m, pte_table, idx, 0);			/* ptep_clear_flush_notify */
	if (new_page != PFN_NONE)
		pt_write(m, pte_table, idx, pfn_pte(new_page, vm_get_page_prot(vma->vm_flags)));
	page_remove_rmap(m, old_page, vma);
	spin_unlock(m, ptl);
	put_page(m, old_page);			/* the old PTE's reference */
	err = 0;
unlock:
	unlock_page(m, old_folio);
	return err;
}

/* alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr) + __SetPageUptodate */
static unsigned long alloc_uprobe_page(struct machine *m)
{
	unsigned long pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, m->cpu_node[m->cur_cpu]);

	if (pfn == PFN_NONE)
		return PFN_NONE;
	SetPageUptodate(m, pfn);
	SetPageSwapBacked(m, pfn);	/* page_add_new_anon_rmap's, set before the LRU add */
	return pfn;
}

int uprobe_write_opcode(struct machine *m, struct uprobe *uprobe, struct mm_struct *mm,
			uint64_t vaddr, bool is_register)
{
	const struct thp_uprobe_ops *ops = thp_uprobe_ops(m);
	struct uprobes_ctx *u = uprobes_ctx(m);
	unsigned int off = (unsigned int)(vaddr & (PAGE_SIZE - 1));
	unsigned int gup_flags = FOLL_FORCE;
	unsigned long old_page, new_page;
	struct vm_area_struct *vma;
	bool orig_page_huge = false;
	long ret;
	SCHED_WHERE(m);

	(void)uprobe;		/* its ref_ctr_offset is where USDT semaphores would go */
	gup_flags |= is_register ? ops->register_gup_flags : ops->unregister_gup_flags;
retry:
	/* Read the page with vaddr into memory */
	ret = get_user_pages_remote(m, mm, vaddr, 1, gup_flags, &old_page, &vma);
	if (ret <= 0)
		return (int)ret;
	ret = verify_opcode(m, old_page, vaddr, is_register);
	if (ret <= 0)
		goto put_old;
	if (is_zero_pfn(m, old_page)) {
		ret = -EINVAL;
		goto put_old;
	}
	if (!is_register && PageCompound(m, old_page)) {
		/* WARN: "uprobe unregister should never work on compound page" */
		u->stats.unregister_compound++;
		ret = -EINVAL;
		goto put_old;
	}
	ret = 0;
	if (!is_register && !PageAnon(m, old_page))
		goto put_old;
	ret = anon_vma_prepare(m, vma);
	if (ret)
		goto put_old;
	ret = -ENOMEM;
	new_page = alloc_uprobe_page(m);
	if (new_page == PFN_NONE)
		goto put_old;
	/* copy_highpage + copy_to_page of the opcode */
	set_page_content(m, new_page, swbp_content(m, page_content(m, old_page), off, is_register));
	if (!is_register && ops->use_orig_page(m, vma, vaddr, new_page, &orig_page_huge)) {
		/* let go new_page: the page cache's page refaults */
		put_page(m, new_page);
		new_page = PFN_NONE;
		u->stats.orig_restored++;
	}
	ret = __replace_page(m, vma, vaddr, old_page, new_page);
	if (new_page != PFN_NONE)
		put_page(m, new_page);
	if (!ret) {
		u->stats.opcode_writes++;
		if (is_register)
			u->stats.installs++;
		else
			u->stats.removals++;
	}
put_old:
	put_page(m, old_page);
	if (ret == -EAGAIN) {
		/* orig_page_huge stays as it was, as in 6.1 */
		u->stats.eagain++;
		goto retry;
	}
	/* try to collapse the PMD for a compound page */
	if (!ret && orig_page_huge && ops->after_restore) {
		u->stats.after_restore++;
		ops->after_restore(m, mm, vaddr);
	}
	return (int)ret;
}

/* ---- when the text is PMD-mapped again (uprobe_remap_wakeups) ------------ */

#define HPAGE_PMD_MASK	(~(HPAGE_PMD_SIZE - 1))

/* A breakpoint went into mm at vaddr: its 2 MiB range is a probed one */
static void remap_note_install(struct uprobes_ctx *u, struct mm_struct *mm, uint64_t vaddr)
{
	uint64_t haddr = vaddr & HPAGE_PMD_MASK;

	if (u->remap != REMAP_PROBED) {		/* a new round of probes */
		u->nr_probed = 0;
		u->remap = REMAP_PROBED;
	}
	for (unsigned int i = 0; i < u->nr_probed; i++)
		if (u->probed[i].mm == mm && u->probed[i].haddr == haddr)
			return;
	if (u->nr_probed == u->cap_probed) {
		u->cap_probed = u->cap_probed ? 2 * u->cap_probed : 8;
		u->probed = host_reallocarray(u->probed, u->cap_probed, sizeof(*u->probed),
					      "the probed ranges");
	}
	u->probed[u->nr_probed].mm = mm;
	u->probed[u->nr_probed].haddr = haddr;
	u->nr_probed++;
}

/*
 * uprobe_clear_state (__mmput): the mm goes, and with it what uprobes
 * kept for it; the model keeps its probed ranges (no XOL area, no
 * delayed uprobes), which need no re-mapping now.
 */
void uprobe_clear_state(struct machine *m, struct mm_struct *mm)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;

	for (unsigned int i = 0; u && i < u->nr_probed;) {
		if (u->probed[i].mm == mm)
			u->probed[i] = u->probed[--u->nr_probed];
		else
			i++;
	}
}

/* A huge PMD maps the range, or no table does and the page cache holds its THP */
static bool range_pmd_mappable(struct machine *m, struct mm_struct *mm, uint64_t haddr)
{
	struct vm_area_struct *vma = find_vma(mm, haddr);
	unsigned long table, pfn;
	unsigned int idx;
	pteval_t pmd = 0;

	if (!vma || vma->vm_start > haddr || !vma->vm_file)
		return true;			/* nothing of the text left there */
	if (pmd_slot(m, mm, haddr, false, &table, &idx, NULL))
		pmd = pt_read(m, table, idx);
	if (pte_present(pmd))
		return pmd_leaf(pmd);
	if (vma->vm_end < haddr + HPAGE_PMD_SIZE)
		return false;
	pfn = page_cache_lookup(m, vma->vm_file, linear_page_index(vma, haddr));
	return pfn != PFN_NONE && PageHead(m, pfn) && compound_order(m, pfn) == HPAGE_PMD_ORDER;
}

static void remap_check(struct machine *m, struct uprobes_ctx *u)
{
	if (u->remap != REMAP_WAITING)
		return;
	for (unsigned int i = 0; i < u->nr_probed; i++)
		if (!range_pmd_mappable(m, u->probed[i].mm, u->probed[i].haddr))
			return;
	u->remap_result = (long)(khugepaged_stats(m)->wakeups - u->remap_wakeups0);
	u->remap = REMAP_DONE;
}

void uprobe_remap_check(struct machine *m)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;

	if (u)
		remap_check(m, u);
}

long uprobe_remap_wakeups(struct machine *m)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;

	if (!u || u->remap == REMAP_NONE)
		return 0;
	return u->remap == REMAP_DONE ? u->remap_result : UPROBE_REMAP_NEVER;
}

/* ---- install and remove ------------------------------------------------- */

/*
 * copy_insn: read the original instruction (up to UPROBE_INSN_BYTES, not
 * past EOF) from the page cache, reading the pages in when they are not
 * there.  The model keeps no bytes: what it learns is whether the
 * instruction is a breakpoint itself.
 */
static int copy_insn(struct machine *m, struct uprobe *up, bool *is_trap)
{
	uint64_t offs = up->offset;
	int size = UPROBE_INSN_BYTES, err = -EIO;

	*is_trap = false;
	do {
		unsigned long pfn;
		int len;

		if (offs >= up->inode->i_size)
			break;
		len = (int)(PAGE_SIZE - (offs & (PAGE_SIZE - 1)));
		if (len > size)
			len = size;
		err = shmem_read_mapping_page(m, up->inode, offs >> PAGE_SHIFT, &pfn);
		if (err)
			break;
		if (offs == up->offset)
			*is_trap = page_has_swbp(m, pfn, (unsigned int)(offs & (PAGE_SIZE - 1)));
		put_page(m, pfn);
		offs += (uint64_t)len;
		size -= len;
	} while (size);
	return err;
}

/* prepare_uprobe: copy the instruction once; a breakpoint cannot be probed */
static int prepare_uprobe(struct machine *m, struct uprobe *up)
{
	bool is_trap;
	int ret;

	if (up->insn_copied)
		return 0;
	ret = copy_insn(m, up, &is_trap);
	if (ret)
		return ret;
	if (is_trap)
		return -ENOTSUPP;
	up->insn_copied = true;		/* arch_uprobe_analyze_insn accepts anything here */
	return 0;
}

static int install_breakpoint(struct machine *m, struct uprobe *up, struct mm_struct *mm,
			      uint64_t vaddr)
{
	bool first_uprobe;
	int ret = prepare_uprobe(m, up);

	if (ret)
		return ret;
	/* MMF_HAS_UPROBES goes up before the breakpoint can be hit */
	first_uprobe = !(mm->flags & (1UL << MMF_HAS_UPROBES));
	if (first_uprobe)
		mm->flags |= 1UL << MMF_HAS_UPROBES;
	ret = uprobe_write_opcode(m, up, mm, vaddr, true);
	if (!ret) {
		mm->flags &= ~(1UL << MMF_RECALC_UPROBES);
		remap_note_install(uprobes_ctx(m), mm, vaddr);
	}
	else if (first_uprobe)
		mm->flags &= ~(1UL << MMF_HAS_UPROBES);
	return ret;
}

static int remove_breakpoint(struct machine *m, struct uprobe *up, struct mm_struct *mm,
			     uint64_t vaddr)
{
	mm->flags |= 1UL << MMF_RECALC_UPROBES;
	return uprobe_write_opcode(m, up, mm, vaddr, false);
}

struct map_info {
	struct mm_struct *mm;
	uint64_t vaddr;
};

/*
 * build_map_info: every (mm, vaddr) where a VMA of the file maps the
 * uprobe's page.  The kernel prepends each to its list, so it visits
 * them in the reverse of the i_mmap walk; so does the model.
 */
static struct map_info *build_map_info(struct machine *m, struct inode *inode, uint64_t offset,
				       bool is_register, unsigned int *nr)
{
	unsigned long pgoff = offset >> PAGE_SHIFT;
	struct map_info *info;
	unsigned int n = 0;

	down_read(m, &inode->i_mmap_rwsem);
	info = host_malloc((inode->nr_mmap + 1) * sizeof(*info), "the mappings of a uprobe");
	for (unsigned int i = inode->nr_mmap; i-- > 0;) {
		struct vm_area_struct *vma = inode->i_mmap[i];

		if (pgoff < vma->vm_pgoff || pgoff >= vma->vm_pgoff + vma_pages(vma))
			continue;
		if (!valid_vma(vma, is_register))
			continue;
		info[n].mm = vma->vm_mm;	/* mmget_not_zero: live mms only map files */
		info[n].vaddr = offset_to_vaddr(vma, offset);
		n++;
	}
	up_read(m, &inode->i_mmap_rwsem);
	*nr = n;
	return info;
}

/* register_for_each_vma: install (@new) or remove the breakpoint everywhere */
static int register_for_each_vma(struct machine *m, struct uprobe *up, struct uprobe_consumer *new)
{
	struct uprobes_ctx *u = uprobes_ctx(m);
	bool is_register = new != NULL;
	struct map_info *info;
	unsigned int nr;
	int err = 0;

	down_write(m, &u->dup_mmap_sem);
	info = build_map_info(m, up->inode, up->offset, is_register, &nr);
	for (unsigned int i = 0; i < nr; i++) {
		struct mm_struct *mm = info[i].mm;
		struct vm_area_struct *vma;

		if (err && is_register)
			continue;
		down_write(m, &mm->mmap_lock);
		vma = find_vma(mm, info[i].vaddr);
		if (!vma || !valid_vma(vma, is_register) || vma->vm_file != up->inode ||
		    vma->vm_start > info[i].vaddr ||
		    vaddr_to_offset(vma, info[i].vaddr) != up->offset)
			goto unlock;
		if (is_register)
			err = install_breakpoint(m, up, mm, info[i].vaddr);
		else if ((mm->flags & (1UL << MMF_HAS_UPROBES)) && !filter_chain(up))
			err |= remove_breakpoint(m, up, mm, info[i].vaddr);
unlock:
		up_write(m, &mm->mmap_lock);
	}
	host_free(info);
	up_write(m, &u->dup_mmap_sem);
	return err;
}

static void __uprobe_unregister(struct machine *m, struct uprobe *up, struct uprobe_consumer *uc)
{
	int err;

	if (!consumer_del(up, uc))
		return;
	err = register_for_each_vma(m, up, NULL);
	/* a failed removal leaves the uprobe in the table, as 6.1 does ("TODO") */
	if (!up->consumers && !err)
		delete_uprobe(m, up);
}

void uprobe_unregister(struct machine *m, struct inode *inode, uint64_t offset,
		       struct uprobe_consumer *uc)
{
	struct uprobe *up = find_uprobe(m, inode, offset);

	if (!up)
		return;		/* WARN_ON in the kernel */
	get_uprobe(up);
	down_write(m, &up->register_rwsem);
	__uprobe_unregister(m, up, uc);
	up_write(m, &up->register_rwsem);
	put_uprobe(up);
	if (no_uprobe_events(m)) {
		struct uprobes_ctx *u = uprobes_ctx(m);

		/* the last uprobe went: from here, khugepaged's wake-ups count */
		if (u->remap == REMAP_PROBED) {
			u->remap = REMAP_WAITING;
			u->remap_wakeups0 = khugepaged_stats(m)->wakeups;
		}
		remap_check(m, u);
	}
}

int uprobe_register(struct machine *m, struct inode *inode, uint64_t offset,
		    struct uprobe_consumer *uc)
{
	struct uprobe *up;
	int ret;

	/* tmpfs files have shmem_mapping: copy_insn can read them */
	if (offset > inode->i_size)
		return -EINVAL;
	do {
		up = alloc_uprobe(m, inode, offset);
		/* an unregister may have deleted it while this waited for the lock */
		down_write(m, &up->register_rwsem);
		ret = -EAGAIN;
		if (up->active) {
			consumer_add(up, uc);
			ret = register_for_each_vma(m, up, uc);
			if (ret)
				__uprobe_unregister(m, up, uc);
		}
		up_write(m, &up->register_rwsem);
		put_uprobe(up);
	} while (ret == -EAGAIN);
	return ret;
}

/* ---- hooks -------------------------------------------------------------- */

void uprobe_mmap(struct machine *m, struct vm_area_struct *vma)
{
	struct uprobe_list *l;
	struct uprobe **list;
	uint64_t min, max;
	unsigned int i, n = 0;

	if (no_uprobe_events(m) || !valid_vma(vma, true))
		return;
	l = inode_uprobes(m->procs->uprobes, vma->vm_file);
	if (!l)
		return;
	/* build_probe_list: the uprobes in the VMA's range of the file */
	min = vaddr_to_offset(vma, vma->vm_start);
	max = min + (vma->vm_end - vma->vm_start) - 1;
	list = host_malloc((l->nr + 1) * sizeof(*list), "the uprobes of a new mapping");
	for (i = lower_bound(l, min); i < l->nr && l->v[i]->offset <= max; i++)
		list[n++] = get_uprobe(l->v[i]);
	/* errors are ignored: mmap cannot fail for them */
	for (i = 0; i < n; i++) {
		if (filter_chain(list[i]))
			install_breakpoint(m, list[i], vma->vm_mm, offset_to_vaddr(vma, list[i]->offset));
		put_uprobe(list[i]);
	}
	host_free(list);
}

/* vma_has_uprobes: some uprobe in [start, end) of the VMA */
static bool vma_has_uprobes(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			    uint64_t end)
{
	struct uprobe_list *l = inode_uprobes(m->procs->uprobes, vma->vm_file);
	uint64_t min = vaddr_to_offset(vma, start), max = min + (end - start) - 1;
	unsigned int i;

	if (!l)
		return false;
	i = lower_bound(l, min);
	return i < l->nr && l->v[i]->offset <= max;
}

void uprobe_munmap(struct machine *m, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct mm_struct *mm = vma->vm_mm;

	if (no_uprobe_events(m) || !valid_vma(vma, false))
		return;
	if (!(mm->flags & (1UL << MMF_HAS_UPROBES)) || (mm->flags & (1UL << MMF_RECALC_UPROBES)))
		return;
	if (vma_has_uprobes(m, vma, start, end))
		mm->flags |= 1UL << MMF_RECALC_UPROBES;
}

void uprobe_start_dup_mmap(struct machine *m)
{
	down_read(m, &uprobes_ctx(m)->dup_mmap_sem);
}

void uprobe_end_dup_mmap(struct machine *m)
{
	up_read(m, &uprobes_ctx(m)->dup_mmap_sem);
}

void uprobe_dup_mmap(struct mm_struct *oldmm, struct mm_struct *newmm)
{
	if (oldmm->flags & (1UL << MMF_HAS_UPROBES)) {
		newmm->flags |= 1UL << MMF_HAS_UPROBES;
		/* unconditionally, dup_mmap() skips VM_DONTCOPY vmas */
		newmm->flags |= 1UL << MMF_RECALC_UPROBES;
	}
}

/* ---- counters ----------------------------------------------------------- */

static void uprobes_counters(struct machine *m, struct vout *vo)
{
	struct uprobes_ctx *u = m->procs ? m->procs->uprobes : NULL;
	struct uprobe_stats z = { 0 };
	const struct uprobe_stats *st = u ? &u->stats : &z;

	vo_rec(vo, u ? (long)u->nr_uprobes : 0, "uprobes.uprobes");
	vo_rec(vo, (long)st->opcode_writes, "uprobes.opcode_writes");
	vo_rec(vo, (long)st->installs, "uprobes.installs");
	vo_rec(vo, (long)st->removals, "uprobes.removals");
	vo_rec(vo, (long)st->orig_restored, "uprobes.orig_restored");
	vo_rec(vo, (long)st->eagain, "uprobes.eagain");
	vo_rec(vo, (long)st->after_restore, "uprobes.after_restore");
	vo_rec(vo, (long)st->unregister_compound, "uprobes.unregister_compound");
}

static const struct counter_ns uprobes_counter_ns[] = {
	{ "uprobes.", uprobes_counters },
};

static const struct policy_family *const uprobes_families[] = {
	&policy_family_thp_uprobe,
};

const struct mm_module mm_module_uprobes = {
	.name = "uprobes",
	.counters = uprobes_counter_ns,
	.nr_counters = ARRAY_SIZE(uprobes_counter_ns),
	.families = uprobes_families,
	.nr_families = ARRAY_SIZE(uprobes_families),
};
