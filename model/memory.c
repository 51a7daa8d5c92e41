// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory.c - user page tables, page faults, unmapping and fork's copy of
 * the page tables (mm/memory.c, arch/x86/mm/pgtable.c, 6.1).
 *
 * User page tables use the same frames and entry accessors as init_mm
 * (pgtable.c): every entry read and write is a scheduling point under the
 * explorer.  Allocation and accounting follow x86_64 6.1:
 *   - the pgd is an order-1 block (PGD_ALLOCATION_ORDER with
 *     CONFIG_PAGE_TABLE_ISOLATION, as Debian builds it), counted nowhere;
 *   - a PUD table counts in mm->pgtables_bytes only;
 *   - PMD and PTE tables also get PageTable and NR_PAGETABLE (their
 *     constructors), which is what meminfo's PageTables shows.
 * All come from GFP_PGTABLE_USER (GFP_KERNEL_ACCOUNT | __GFP_ZERO) on the
 * faulting CPU's node.  The kernel half of the pgd is not copied from
 * init_mm: nothing user-side walks it.
 *
 * Locks: PMD and PTE tables each have their own lock (split page-table
 * locks, as x86_64 with many CPUs has), created on first use; the PUD
 * and pgd levels use mm->page_table_lock.  A fault reads the PTE without
 * the lock, prepares, then takes the lock and checks the entry did not
 * change (pte_same), as the kernel does; that window is what the race
 * tests explore.  A table's lock lives as long as its mm, as the kernel's
 * lives in the table's struct page: a CPU still holding a pointer to the
 * lock of a table freed under it (a fault racing munmap without the mmap
 * lock) takes a lock nobody else uses, where a freed host object would
 * make the simulator itself misbehave.
 *
 * Not modelled: a user TLB.  Every user access walks the page tables (a
 * TLB that always misses), so user TLB flushes have nothing to do and are
 * not counted in m->tlb_flushes.  The stale-translation races this hides
 * (an access through a PTE already cleared) cannot be explored yet.
 * Also not modelled: swap, userfaultfd, mlock, NUMA balancing, KSM,
 * memcg charging, and
 * the per-CPU LRU batches (a new page is on its LRU list at once, where
 * the kernel's counters lag by up to 15 pages per CPU).
 */
#include <errno.h>

#include "memory.h"
#include "cpu.h"
#include "filemap.h"
#include "gfp.h"
#include "host.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "machine.h"
#include "mmap.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "rmap.h"
#include "task.h"
#include "uprobes.h"

#define PGD_ALLOCATION_ORDER	1
#define GFP_PGTABLE_USER	(GFP_KERNEL_ACCOUNT | __GFP_ZERO)
#define PUD_SIZE		(1UL << PUD_SHIFT)
#define PGDIR_SIZE		(1UL << PGDIR_SHIFT)

/* ---- protections ------------------------------------------------------ */

#define __PP	_PAGE_PRESENT
#define __RW	_PAGE_RW
#define _USR	_PAGE_USER
#define ___A	_PAGE_ACCESSED
#define __NX	_PAGE_NX

/*
 * protection_map: the PTE protection for VM_READ | VM_WRITE | VM_EXEC |
 * VM_SHARED.  No access at all is PAGE_NONE; private writable is
 * PAGE_COPY, read-only until a write fault breaks COW.
 */
#define PROT_OF(r, w, x, shared)						\
	(!(r) && !(w) && !(x) ? _PAGE_PROTNONE | ___A :				\
	 __PP | _USR | ___A | ((shared) && (w) ? __RW : 0) | ((x) ? 0 : __NX))
#define PROT_MAP(i)	PROT_OF((i) & VM_READ, (i) & VM_WRITE, (i) & VM_EXEC, (i) & VM_SHARED)

static const pteval_t protection_map[16] = {
	PROT_MAP(0), PROT_MAP(1), PROT_MAP(2), PROT_MAP(3),
	PROT_MAP(4), PROT_MAP(5), PROT_MAP(6), PROT_MAP(7),
	PROT_MAP(8), PROT_MAP(9), PROT_MAP(10), PROT_MAP(11),
	PROT_MAP(12), PROT_MAP(13), PROT_MAP(14), PROT_MAP(15),
};

pteval_t vm_get_page_prot(unsigned long vm_flags)
{
	return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)];
}

/* ---- references, LRU and content ------------------------------------ */

void get_page(struct machine *m, unsigned long pfn)
{
	page_ref_add_return(m, page_head(m, pfn), 1);
}

static int lru_item(struct machine *m, unsigned long pfn, bool zone)
{
	bool anon = PageSwapBacked(m, page_head(m, pfn));

	if (zone)
		return anon ? NR_ZONE_INACTIVE_ANON : NR_ZONE_INACTIVE_FILE;
	return anon ? NR_INACTIVE_ANON : NR_INACTIVE_FILE;
}

/*
 * lru_cache_add_inactive_or_unevictable / folio_add_lru, for the page a
 * handle stands for (page.h says when one may be passed down).
 */
static __attribute__((noinline)) void lru_cache_add_sched(struct machine *m, unsigned long pfn,
							   long nr)
{
	/* every read is a scheduling point */
	SetPageLRU(m, pfn);
	m->node[page_to_nid(m, pfn)].vm_stat[lru_item(m, pfn, false)] += nr;
	page_zone(m, pfn)->vm_stat[lru_item(m, pfn, true)] += nr;
}

static __attribute__((always_inline)) inline void lru_cache_add_ph(struct machine *m,
								   struct page_handle *p, long nr)
{
	unsigned long pfn = p->pfn, head;
	struct pglist_data *pgdat;
	uint64_t f;
	bool anon;

	if (unlikely(m->sched)) {
		lru_cache_add_sched(m, pfn, nr);
		return;
	}
	/* lru_cache_add_sched's steps, with the flags its reads would see read once */
	f = ph_page_flags(m, p) | (1UL << PG_lru);
	ph_set_page_flags(m, p, f);
	/* page_head: PageTail, then compound_head only for a tail */
	head = (ph_page_compound_head_raw(m, p) & 1) || page_is_fake_head(m, pfn) ?
	       compound_head(m, pfn) : pfn;
	anon = head == pfn ? (f >> PG_swapbacked) & 1 : PageSwapBacked(m, head);
	pgdat = &m->node[(f >> NODES_PGSHIFT) & NODES_MASK];
	pgdat->vm_stat[anon ? NR_INACTIVE_ANON : NR_INACTIVE_FILE] += nr;
	pgdat->node_zones[(f >> ZONES_PGSHIFT) & ZONES_MASK].vm_stat[anon ? NR_ZONE_INACTIVE_ANON :
									  NR_ZONE_INACTIVE_FILE] += nr;
}

void lru_cache_add(struct machine *m, unsigned long pfn, long nr)
{
	struct page_handle p = page_handle(m, pfn);

	lru_cache_add_ph(m, &p, nr);
}

/* __page_cache_release: off the LRU before the page goes back (and isolation) */
void lru_del(struct machine *m, unsigned long pfn, long nr)
{
	if (!PageLRU(m, pfn))
		return;
	m->node[page_to_nid(m, pfn)].vm_stat[lru_item(m, pfn, false)] -= nr;
	page_zone(m, pfn)->vm_stat[lru_item(m, pfn, true)] -= nr;
	ClearPageLRU(m, pfn);
	ClearPageActive(m, pfn);
}

void put_page(struct machine *m, unsigned long pfn)
{
	unsigned int order;
	int ref;

	pfn = page_head(m, pfn);
	order = PageHead(m, pfn) ? compound_order(m, pfn) : 0;
	ref = page_ref_add_return(m, pfn, -1);

	if (ref > 0)
		return;
	if (ref < 0) {
		page_ref_add_return(m, pfn, 1);
		mm_fail(m, "BUG: Bad page state: pfn:%#lx: put_page on a page nobody holds", pfn);
		return;
	}
	if (order && PageHeadHuge(m, pfn)) {	/* the hugetlb destructor */
		hugetlb_clear_content(m, pfn, 1UL << order);
		free_huge_page(m, pfn);
		return;
	}
	lru_del(m, pfn, 1L << order);
	for (unsigned long i = 0; i < 1UL << order; i++)	/* every subpage's data goes */
		pfnmap_set(&proc_ctx(m)->content, pfn + i, 0);
	if (order) {
		free_compound_user_page(m, pfn, order);
		return;
	}
	set_page_count(m, pfn, 1);	/* free_unref_page wants it held once */
	page_ref_add_return(m, pfn, -1);
	free_unref_page(m, pfn, 0);
}

uint64_t page_content(struct machine *m, unsigned long pfn)
{
	if (pfn == proc_ctx(m)->zero_pfn)
		return 0;
	return pfnmap_get(&proc_ctx(m)->content, pfn);
}

void set_page_content(struct machine *m, unsigned long pfn, uint64_t tag)
{
	pfnmap_set(&proc_ctx(m)->content, pfn, tag);
}

void page_content_write(struct machine *m, unsigned long pfn)
{
	struct proc_ctx *pc = proc_ctx(m);

	pfnmap_set(&pc->content, pfn, ++pc->next_tag);
}

/* ---- page-table pages ------------------------------------------------- */

int user_mm_init(struct machine *m, struct mm_struct *mm)
{
	unsigned long pgd;

	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	xmap_init(&mm->ptlocks);
	xmap_init(&mm->deposited);
	mm->walk_memo.pmd_range = ~0ULL;
	mm->ptl_table = PFN_NONE;
	pgd = __alloc_pages(m, GFP_PGTABLE_USER, PGD_ALLOCATION_ORDER, m->cpu_node[m->cur_cpu]);
	if (pgd == PFN_NONE)
		return -ENOMEM;
	/* __get_free_pages: a non-compound block, zeroed */
	for (unsigned long i = 0; i < (1UL << PGD_ALLOCATION_ORDER); i++)
		fstore_frame_zero(m, pgd + i);
	mm->pgd = pgd;
	return 0;
}

void user_mm_destroy(struct machine *m, struct mm_struct *mm)
{
	uint64_t key, val;

	for (size_t i = 0; xmap_next(&mm->ptlocks, &i, &key, &val);)
		host_free((void *)(uintptr_t)val);
	xmap_destroy(&mm->ptlocks);
	xmap_destroy(&mm->deposited);
	if (mm->pgd != PFN_NONE)
		__free_pages(m, mm->pgd, PGD_ALLOCATION_ORDER);
	mm->pgd = PFN_NONE;
	host_free(mm->vmas);
	mm->vmas = NULL;
}

spinlock_t *table_lock(struct machine *m, struct mm_struct *mm, unsigned long table)
{
	uint64_t v;
	spinlock_t *l;

	(void)m;
	/* a lock, once made, stays the table's until the mm goes: remember the last */
	if (mm->ptl_table == table)
		return mm->ptl;
	if (xmap_get(&mm->ptlocks, table, &v)) {
		l = (spinlock_t *)(uintptr_t)v;
	} else {
		l = host_calloc(1, sizeof(*l), "a page-table lock");
		spin_lock_init(l);
		xmap_set(&mm->ptlocks, table, (uint64_t)(uintptr_t)l);
	}
	mm->ptl_table = table;
	mm->ptl = l;
	return l;
}

static inline unsigned int idx_of(uint64_t va, enum pt_level level)
{
	/* PT_PTE: PAGE_SHIFT, each level up 9 bits more */
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (level - PT_PTE))) & (PTRS_PER_TABLE - 1);
}

/* A user page-table page at level (PT_PUD: a PUD table, ...), zeroed */
static unsigned long user_table_alloc(struct machine *m, struct mm_struct *mm,
				      enum pt_level level)
{
	unsigned long pfn = __alloc_pages(m, GFP_PGTABLE_USER, 0, m->cpu_node[m->cur_cpu]);

	if (pfn == PFN_NONE)
		return PFN_NONE;
	fstore_frame_zero(m, pfn);
	if (level <= PT_PMD) {		/* pgtable_{pte,pmd}_page_ctor */
		__SetPageTable(m, pfn);
		m->node[page_to_nid(m, pfn)].vm_stat[NR_PAGETABLE]++;
		if (level == PT_PMD)	/* no other mm shares it (hugetlb.h) */
			pg_write32(m, pfn, PGOFF_PT_SHARE_COUNT, 0);
	}
	mm->nr_pgtables++;
	mm->pgtables_bytes += PAGE_SIZE;
	return pfn;
}

static void user_table_free(struct machine *m, struct mm_struct *mm, unsigned long pfn,
			    enum pt_level level)
{
	if (level <= PT_PMD) {		/* the destructors */
		__ClearPageTable(m, pfn);
		m->node[page_to_nid(m, pfn)].vm_stat[NR_PAGETABLE]--;
	}
	mm->nr_pgtables--;
	mm->pgtables_bytes -= PAGE_SIZE;
	__free_pages(m, pfn, 0);
}

/*
 * Make sure the entry at (table, i) points at a table of the next level
 * down, allocating one the way __pud_alloc/__pmd_alloc/__pte_alloc do:
 * allocate first, then populate under the lock unless someone else did.
 */
static int populate_entry(struct machine *m, struct mm_struct *mm, unsigned long table,
			  unsigned int i, enum pt_level child, spinlock_t *lock, pteval_t *e)
{
	unsigned long nt = user_table_alloc(m, mm, child);

	if (nt == PFN_NONE)
		return -ENOMEM;
	spin_lock(m, lock);
	*e = pt_read(m, table, i);
	if (!pte_present(*e)) {
		*e = pfn_pte(nt, _PAGE_TABLE);
		pt_write(m, table, i, *e);
		nt = PFN_NONE;
	}
	spin_unlock(m, lock);
	if (nt != PFN_NONE)		/* lost the race: free ours */
		user_table_free(m, mm, nt, child);
	return 0;
}

/*
 * The walk memo (mm->walk_memo): where the last walk through addr's
 * pgd and pud entries ended, the PMD entry's table and index.  While no
 * page-table entry anywhere has changed since (m->pt_changes counts every
 * entry write and every zeroed, copied or released frame), walking again
 * would read the same entries and end at the same PMD entry.  Outside the
 * explorer those reads have no other effect, so skipping them changes
 * nothing; under it each read is a scheduling point, and the memo is not
 * used.
 */
static inline bool walk_memo_hit(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	return !m->sched && mm->walk_memo.changes == m->pt_changes &&
	       mm->walk_memo.pmd_range == addr >> PMD_SHIFT;
}

static inline void walk_memo_set(struct machine *m, struct mm_struct *mm, uint64_t addr,
				 unsigned long table, unsigned int idx)
{
	mm->walk_memo.changes = m->pt_changes;
	mm->walk_memo.pmd_range = addr >> PMD_SHIFT;
	mm->walk_memo.pmd_table = table;
	mm->walk_memo.pmd_idx = idx;
	mm->walk_memo.pmd_known = false;
}

/*
 * The PMD entry itself, remembered the same way once it was read: while
 * no entry changed, a read of it would give the same value
 */
static inline pteval_t walk_memo_pmd(struct machine *m, struct mm_struct *mm)
{
	if (!mm->walk_memo.pmd_known) {
		mm->walk_memo.pmd = pt_read(m, mm->walk_memo.pmd_table, mm->walk_memo.pmd_idx);
		mm->walk_memo.pmd_known = true;
	}
	return mm->walk_memo.pmd;
}

/* pt_walk() of a user address, through the walk memo when it holds */
static pteval_t user_walk(struct machine *m, struct mm_struct *mm, uint64_t addr,
			  enum pt_level *level, unsigned long *table, unsigned int *idx)
{
	unsigned long t;
	unsigned int i;
	pteval_t e;

	if (unlikely(m->sched))
		return pt_walk(m, mm, addr, level, table, idx);
	if (walk_memo_hit(m, mm, addr)) {
		t = mm->walk_memo.pmd_table;
		i = mm->walk_memo.pmd_idx;
	} else {
		t = mm->pgd;
		/* pt_walk's first two levels: a hole ends it, so does a PUD leaf */
		for (enum pt_level l = PT_PGD; l > PT_PMD; l--) {
			i = idx_of(addr, l);
			e = pt_read(m, t, i);
			if (!pte_present(e) || (l == PT_PUD && (e & _PAGE_PSE))) {
				*level = l;
				*table = t;
				*idx = i;
				return pte_present(e) ? e : 0;
			}
			t = pte_pfn(e);
		}
		i = idx_of(addr, PT_PMD);
		walk_memo_set(m, mm, addr, t, i);
	}
	e = walk_memo_pmd(m, mm);
	if (pte_present(e) && !(e & _PAGE_PSE)) {
		t = pte_pfn(e);
		i = idx_of(addr, PT_PTE);
		e = pt_read(m, t, i);
		*level = PT_PTE;
	} else {
		*level = PT_PMD;
	}
	*table = t;
	*idx = i;
	return pte_present(e) ? e : 0;
}

bool pmd_slot(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc,
	      unsigned long *table, unsigned int *idx, int *err)
{
	unsigned long t = mm->pgd;

	if (err)
		*err = 0;
	if (walk_memo_hit(m, mm, addr)) {
		*table = mm->walk_memo.pmd_table;
		*idx = mm->walk_memo.pmd_idx;
		return true;
	}
	for (enum pt_level l = PT_PGD; l > PT_PMD; l--) {
		unsigned int i = idx_of(addr, l);
		pteval_t e = pt_read(m, t, i);

		if (!pte_present(e)) {
			int r;

			if (!alloc)
				return false;
			r = populate_entry(m, mm, t, i, l - 1, &mm->page_table_lock, &e);
			if (r) {
				if (err)
					*err = r;
				return false;
			}
		}
		t = pte_pfn(e);
	}
	*table = t;
	*idx = idx_of(addr, PT_PMD);
	if (!m->sched)
		walk_memo_set(m, mm, addr, t, *idx);
	return true;
}

bool pud_slot(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc,
	      unsigned long *table, unsigned int *idx, int *err)
{
	unsigned int i = idx_of(addr, PT_PGD);
	pteval_t e = pt_read(m, mm->pgd, i);

	if (err)
		*err = 0;
	if (!pte_present(e)) {		/* p4d is folded: the pgd entry holds the PUD table */
		int r;

		if (!alloc)
			return false;
		r = populate_entry(m, mm, mm->pgd, i, PT_PUD, &mm->page_table_lock, &e);
		if (r) {
			if (err)
				*err = r;
			return false;
		}
	}
	*table = pte_pfn(e);
	*idx = idx_of(addr, PT_PUD);
	return true;
}

int __pte_alloc(struct machine *m, struct mm_struct *mm, unsigned long pmd_table,
		unsigned int pmd_idx)
{
	pteval_t pmd = pt_read(m, pmd_table, pmd_idx);

	if (pte_present(pmd))
		return 0;
	return populate_entry(m, mm, pmd_table, pmd_idx, PT_PTE, table_lock(m, mm, pmd_table), &pmd);
}

/* ---- freeing page tables (free_pgd_range and below) ------------------- */

static void free_pte_range(struct machine *m, struct mm_struct *mm, unsigned long pmd_table,
			   unsigned int i)
{
	pteval_t e = pt_read(m, pmd_table, i);

	pt_write(m, pmd_table, i, 0);
	user_table_free(m, mm, pte_pfn(e), PT_PTE);
}

/* Free the tables below the entries of table covering [addr, end), then
 * the table itself when [start of its span, end) lies in [floor, ceiling) */
static void free_level_range(struct machine *m, struct mm_struct *mm, unsigned long parent,
			     enum pt_level level, uint64_t addr, uint64_t end, uint64_t floor,
			     uint64_t ceiling)
{
	/* parent is the table of this level (a PUD or PMD table) */
	uint64_t span = level == PT_PMD ? PUD_SIZE : PGDIR_SIZE;	/* one table's reach */
	uint64_t entry = level == PT_PMD ? PMD_SIZE : PUD_SIZE;
	uint64_t start = addr, next;

	do {
		unsigned int i = idx_of(addr, level);
		pteval_t e = pt_read(m, parent, i);

		next = (addr + entry) & ~(entry - 1);
		if (next - 1 > end - 1)
			next = end;
		if (!pte_present(e))
			continue;
		if (level == PT_PMD)
			free_pte_range(m, mm, parent, i);
		else
			free_level_range(m, mm, pte_pfn(e), PT_PMD, addr, next, floor, ceiling);
	} while (addr = next, addr != end);

	/* may the table at this level go too? */
	start &= ~(span - 1);
	if (start < floor)
		return;
	if (ceiling) {
		ceiling &= ~(span - 1);
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		return;
	/* parent is now empty: clear the entry above it and free it */
	{
		unsigned long t = mm->pgd;
		enum pt_level above = level + 1;

		for (enum pt_level l = PT_PGD; l > above; l--)
			t = pte_pfn(pt_read(m, t, idx_of(start, l)));
		pt_write(m, t, idx_of(start, above), 0);
		user_table_free(m, mm, parent, level);
	}
}

static void free_pgd_range(struct machine *m, struct mm_struct *mm, uint64_t addr,
			   uint64_t end, uint64_t floor, uint64_t ceiling)
{
	uint64_t next;

	addr &= ~(PMD_SIZE - 1);
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= ~(PMD_SIZE - 1);
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	do {
		unsigned int i = idx_of(addr, PT_PGD);
		pteval_t e = pt_read(m, mm->pgd, i);

		next = (addr + PGDIR_SIZE) & ~(PGDIR_SIZE - 1);
		if (next - 1 > end - 1)
			next = end;
		if (pte_present(e))	/* p4d is folded: the pgd entry holds the PUD table */
			free_level_range(m, mm, pte_pfn(e), PT_PUD, addr, next, floor, ceiling);
	} while (addr = next, addr != end);
}

void free_pgtables(struct machine *m, struct mm_struct *mm, struct vm_area_struct **vmas,
		   unsigned int n, uint64_t floor, uint64_t ceiling)
{
	SCHED_WHERE(m);

	for (unsigned int i = 0; i < n;) {
		uint64_t addr = vmas[i]->vm_start;
		unsigned int j = i;

		/* gather VMAs closer than a PMD into one call, as the kernel does
		 * (a hugetlb VMA alone: hugetlb_free_pgd_range, free_pgd_range on x86) */
		while (!(vmas[i]->vm_flags & VM_HUGETLB) && j + 1 < n &&
		       vmas[j + 1]->vm_start <= vmas[j]->vm_end + PMD_SIZE &&
		       !(vmas[j + 1]->vm_flags & VM_HUGETLB))
			j++;
		free_pgd_range(m, mm, addr, vmas[j]->vm_end, floor,
			       j + 1 < n ? vmas[j + 1]->vm_start : ceiling);
		i = j + 1;
	}
}

/* ---- faults ----------------------------------------------------------- */

struct vm_fault {
	struct vm_area_struct *vma;
	uint64_t address;		/* page aligned */
	unsigned int flags;
	unsigned long pgoff;
	unsigned long pmd_table;	/* the PMD table and index */
	unsigned int pmd_idx;
	unsigned long pte_table;	/* the PTE table and index */
	unsigned int pte_idx;
	/*
	 * pte_offset_map: the PTE's host bytes, found once by handle_mm_fault
	 * outside the explorer (NULL under it, or for a table found later).
	 * A table frame's chunk stays where it is until fstore_frame_release,
	 * which only HVO calls, on vmemmap frames, so the address holds for
	 * the whole fault.
	 */
	uint8_t *pte;
	pteval_t orig_pte;
	spinlock_t *ptl;
};

/* pt_read / pt_write of the fault's PTE, through vmf->pte when it is there */
static inline pteval_t vmf_read_pte(struct machine *m, const struct vm_fault *vmf)
{
	pteval_t v;

	if (!vmf->pte)
		return pt_read(m, vmf->pte_table, vmf->pte_idx);
	memcpy(&v, vmf->pte, 8);
	return v;
}

static inline void vmf_set_pte(struct machine *m, struct vm_fault *vmf, pteval_t v)
{
	if (!vmf->pte) {
		pt_write(m, vmf->pte_table, vmf->pte_idx, v);
		return;
	}
	pt_note_write(m, pt_change_key(vmf->pte_table, vmf->pte_idx), v);
	memcpy(vmf->pte, &v, 8);
}

static bool pte_same_locked(struct machine *m, struct vm_fault *vmf)
{
	return vmf_read_pte(m, vmf) == vmf->orig_pte;
}

void inc_mm_counter(struct mm_struct *mm, enum mm_counter c, long n)
{
	mm->rss_stat[c] += n;
}

/* mm_counter_file: shmem pages count as MM_SHMEMPAGES */
enum mm_counter mm_counter_of(struct machine *m, unsigned long pfn)
{
	pfn = page_head(m, pfn);
	if (PageAnon(m, pfn))
		return MM_ANONPAGES;
	return PageSwapBacked(m, pfn) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static pteval_t maybe_mkwrite(pteval_t e, const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? e | _PAGE_RW : e;
}

/*
 * A zeroed anon page for addr (alloc_zeroed_user_highpage_movable), and
 * in *p a handle to it for the caller's next accesses to it
 */
static __attribute__((always_inline)) inline unsigned long alloc_user_page(struct machine *m,
									 struct page_handle *p)
{
	unsigned long pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0,
					  m->cpu_node[m->cur_cpu]);

	if (pfn == PFN_NONE)
		return pfn;
	*p = page_handle(m, pfn);
	if (unlikely(m->sched)) {
		SetPageUptodate(m, pfn);
		SetPageSwapBacked(m, pfn);	/* anon pages are swap-backed */
	} else {				/* the same in one update */
		ph_set_page_flags(m, p, ph_page_flags(m, p) | (1UL << PG_uptodate) |
					(1UL << PG_swapbacked));
	}
	return pfn;
}

static vm_fault_t do_anonymous_page(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page_handle p;
	unsigned long pfn;
	pteval_t entry;

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* a read maps the zero page, read-only and special */
		entry = pfn_pte(proc_ctx(m)->zero_pfn, vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW) |
			_PAGE_SPECIAL;
		vmf->ptl = table_lock(m, vma->vm_mm, vmf->pte_table);
		spin_lock(m, vmf->ptl);
		if (pte_same_locked(m, vmf))
			vmf_set_pte(m, vmf, entry);
		spin_unlock(m, vmf->ptl);
		return 0;
	}
	if (anon_vma_prepare(m, vma))
		return VM_FAULT_OOM;
	pfn = alloc_user_page(m, &p);
	if (pfn == PFN_NONE)
		return VM_FAULT_OOM;
	entry = pfn_pte(pfn, vm_get_page_prot(vma->vm_flags)) | _PAGE_DIRTY;
	entry = maybe_mkwrite(entry, vma);
	vmf->ptl = table_lock(m, vma->vm_mm, vmf->pte_table);
	spin_lock(m, vmf->ptl);
	if (!pte_same_locked(m, vmf)) {
		/* someone else mapped it first: ours goes back */
		spin_unlock(m, vmf->ptl);
		put_page(m, pfn);
		return 0;
	}
	inc_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	/*
	 * Since alloc_user_page, only page-table entries and host data were
	 * touched (no struct page, no flush, no scheduling point outside the
	 * explorer): its handle to the new page still holds.
	 */
	page_add_new_anon_rmap_ph(m, &p, vma, vmf->address);
	lru_cache_add_ph(m, &p, 1);
	vmf_set_pte(m, vmf, entry);
	spin_unlock(m, vmf->ptl);
	return 0;
}

/* Break COW: a private copy of the old page (or of zeroes) replaces it */
static vm_fault_t wp_page_copy(struct machine *m, struct vm_fault *vmf, unsigned long old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page_handle p;
	unsigned long pfn;
	pteval_t entry;

	if (anon_vma_prepare(m, vma))
		goto oom;
	pfn = alloc_user_page(m, &p);
	if (pfn == PFN_NONE)
		goto oom;
	if (old != PFN_NONE)
		set_page_content(m, pfn, page_content(m, old));	/* cow_user_page */
	spin_lock(m, vmf->ptl);
	if (!pte_same_locked(m, vmf)) {
		spin_unlock(m, vmf->ptl);
		put_page(m, pfn);
		if (old != PFN_NONE)
			put_page(m, old);
		return 0;
	}
	if (old != PFN_NONE) {
		if (!PageAnon(m, old)) {
			inc_mm_counter(mm, mm_counter_of(m, old), -1);
			inc_mm_counter(mm, MM_ANONPAGES, 1);
		}
	} else {
		inc_mm_counter(mm, MM_ANONPAGES, 1);
	}
	entry = maybe_mkwrite(pfn_pte(pfn, vm_get_page_prot(vma->vm_flags)) | _PAGE_DIRTY, vma);
	page_add_new_anon_rmap(m, pfn, vma, vmf->address);
	lru_cache_add(m, pfn, 1);
	vmf_set_pte(m, vmf, entry);
	if (old != PFN_NONE)
		page_remove_rmap(m, old, vma);
	spin_unlock(m, vmf->ptl);
	if (old != PFN_NONE) {
		put_page(m, old);	/* the reference wp_page_copy took */
		put_page(m, old);	/* the old PTE's */
	}
	return 0;
oom:
	if (old != PFN_NONE)
		put_page(m, old);
	return VM_FAULT_OOM;
}

static vm_fault_t wp_page_reuse(struct machine *m, struct vm_fault *vmf)
{
	pteval_t e = vmf->orig_pte | _PAGE_ACCESSED | _PAGE_DIRTY;

	vmf_set_pte(m, vmf, maybe_mkwrite(e, vmf->vma));
	spin_unlock(m, vmf->ptl);
	count_vm_event(m, PGREUSE);
	return 0;
}

/* do_wp_page: a write to a present, write-protected PTE.  Entered with the ptl held */
static vm_fault_t do_wp_page(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long pfn = vm_normal_pfn(vmf->orig_pte);

	if (pfn == PFN_NONE) {			/* the zero page */
		spin_unlock(m, vmf->ptl);
		return wp_page_copy(m, vmf, PFN_NONE);
	}
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED)) {
		SetPageDirty(m, pfn);		/* wp_page_shared */
		return wp_page_reuse(m, vmf);
	}
	if (PageAnon(m, pfn)) {
		if (PageAnonExclusive(m, pfn))
			return wp_page_reuse(m, vmf);
		/* 6.1: reuse only when this mapping holds the only reference */
		unsigned long head = page_head(m, pfn);

		if (page_ref_count(m, head) == 1 && trylock_page(m, head)) {
			bool reuse = page_ref_count(m, head) == 1;

			if (reuse) {		/* page_move_anon_rmap */
				set_page_mapping(m, head, anon_vma_addr(vma->anon_vma) |
							  PAGE_MAPPING_ANON);
				SetPageAnonExclusive(m, pfn);
			}
			unlock_page(m, head);
			if (reuse)
				return wp_page_reuse(m, vmf);
		}
	}
	get_page(m, pfn);
	spin_unlock(m, vmf->ptl);
	return wp_page_copy(m, vmf, pfn);
}

/* Map a page-cache page at vmf (finish_fault / do_set_pte): true when it
 * did (the caller's reference is the PTE's), false when the PTE changed */
static bool finish_fault(struct machine *m, struct vm_fault *vmf, unsigned long pfn, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	pteval_t entry = pfn_pte(pfn, vm_get_page_prot(vma->vm_flags));

	if (write)
		entry = maybe_mkwrite(entry | _PAGE_DIRTY, vma);
	vmf->ptl = table_lock(m, vma->vm_mm, vmf->pte_table);
	spin_lock(m, vmf->ptl);
	if (!pte_same_locked(m, vmf)) {
		spin_unlock(m, vmf->ptl);
		return false;
	}
	inc_mm_counter(vma->vm_mm, mm_counter_of(m, pfn), 1);
	page_add_file_rmap(m, pfn, vma);
	vmf_set_pte(m, vmf, entry);
	spin_unlock(m, vmf->ptl);
	return true;
}

/* The PMD was empty: give it a PTE table now (pte_alloc) */
static vm_fault_t fault_pte_table(struct machine *m, struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pteval_t pmd;

	if (populate_entry(m, mm, vmf->pmd_table, vmf->pmd_idx, PT_PTE,
			   table_lock(m, mm, vmf->pmd_table), &pmd))
		return VM_FAULT_OOM;
	if (pmd_leaf(pmd))
		return VM_FAULT_RETRY;		/* someone mapped a huge PMD meanwhile */
	vmf->pte_table = pte_pfn(pmd);
	vmf->pte_idx = idx_of(vmf->address, PT_PTE);
	vmf->pte = NULL;		/* found late: pt_read and pt_write it */
	vmf->orig_pte = pt_read(m, vmf->pte_table, vmf->pte_idx);
	return 0;
}

#define FAULT_AROUND_PAGES	16	/* fault_around_bytes: 64 KiB */

/*
 * do_fault_around + filemap_map_pages: on a read fault, map the pages of
 * the 64 KiB window around the address that are already in the page
 * cache (clipped to the VMA, the PTE table and EOF).  A THP found first
 * may be mapped by PMD instead.  Returns VM_FAULT_NOPAGE when the
 * faulting address got mapped.
 */
static vm_fault_t do_fault_around(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = vma->vm_file;
	uint64_t address = vmf->address & ~(FAULT_AROUND_PAGES * PAGE_SIZE - 1);
	unsigned long start_pgoff, end_pgoff, eof, first = PFN_NONE, idx;
	vm_fault_t ret = 0;

	if (address < vma->vm_start)
		address = vma->vm_start;
	start_pgoff = vmf->pgoff - ((vmf->address - address) >> PAGE_SHIFT);
	end_pgoff = start_pgoff - ((address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1)) +
		    PTRS_PER_TABLE - 1;
	if (end_pgoff > vma->vm_pgoff + vma_pages(vma) - 1)
		end_pgoff = vma->vm_pgoff + vma_pages(vma) - 1;
	if (end_pgoff > start_pgoff + FAULT_AROUND_PAGES - 1)
		end_pgoff = start_pgoff + FAULT_AROUND_PAGES - 1;
	/* next_uptodate_page: nothing at or past EOF is mapped */
	eof = (inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (!eof || start_pgoff >= eof)
		return 0;
	if (end_pgoff > eof - 1)
		end_pgoff = eof - 1;
	for (idx = start_pgoff; idx <= end_pgoff && first == PFN_NONE; idx++)
		first = page_cache_lookup(m, inode, idx);
	if (first == PFN_NONE)
		return 0;
	idx--;
	if (vmf->pte_table == PFN_NONE) {
		/* filemap_map_pmd, on the first folio, trylocked as next_uptodate_page does */
		unsigned long head = page_head(m, first);

		if (PageCompound(m, first) && trylock_page(m, head)) {
			get_page(m, first);
			ret = do_set_pmd(m, vma, vma_address_of(vma, idx), head, false,
					 vmf->pmd_table, vmf->pmd_idx);
			unlock_page(m, head);
			if (ret)
				put_page(m, first);
			if (!(ret & VM_FAULT_FALLBACK))
				return VM_FAULT_NOPAGE;
		}
		ret = fault_pte_table(m, vmf);
		if (ret)
			return ret & VM_FAULT_RETRY ? VM_FAULT_NOPAGE : ret;
	}
	vmf->ptl = table_lock(m, vma->vm_mm, vmf->pte_table);
	spin_lock(m, vmf->ptl);
	for (; idx <= end_pgoff && idx >= start_pgoff; idx++) {
		unsigned long pfn = page_cache_lookup(m, inode, idx);
		uint64_t a = vma_address_of(vma, idx);
		unsigned int i = idx_of(a, PT_PTE);

		if (pfn == PFN_NONE || pt_read(m, vmf->pte_table, i))
			continue;
		/* a locked folio is skipped (someone is truncating or filling it) */
		if (!trylock_page(m, page_head(m, pfn)))
			continue;
		get_page(m, pfn);
		inc_mm_counter(vma->vm_mm, mm_counter_of(m, pfn), 1);
		page_add_file_rmap(m, pfn, vma);
		pt_write(m, vmf->pte_table, i, pfn_pte(pfn, vm_get_page_prot(vma->vm_flags)));
		unlock_page(m, page_head(m, pfn));
		if (a == vmf->address)
			ret = VM_FAULT_NOPAGE;
	}
	spin_unlock(m, vmf->ptl);
	return ret;
}

/*
 * do_read_fault, do_cow_fault, do_shared_fault.  With the PMD still empty
 * (vmf->pte_table == PFN_NONE), a THP from the page cache is mapped by
 * PMD when it can be (finish_fault's do_set_pmd); otherwise one PTE.
 */
static vm_fault_t do_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE, cow = write && !(vma->vm_flags & VM_SHARED);
	bool mapped = false;
	unsigned long pfn, head, copy;
	struct page_handle copy_p;
	pteval_t entry;
	vm_fault_t ret;

	if (!write) {			/* do_read_fault: fault-around first */
		ret = do_fault_around(m, vmf);
		if (ret)
			return ret & VM_FAULT_NOPAGE ? 0 : ret;
		if (vmf->pte_table != PFN_NONE)
			vmf->orig_pte = pt_read(m, vmf->pte_table, vmf->pte_idx);
	}
	ret = filemap_fault(m, vma, vmf->pgoff, &pfn);	/* returns it referenced */
	if (ret)
		return ret;
	/* __do_fault returns the folio locked; a truncation meanwhile means retry */
	head = page_head(m, pfn);
	lock_page(m, head);
	if (page_mapping(m, head) != mapping_addr(vma->vm_file))
		goto out;
	if (vmf->pte_table == PFN_NONE) {
		if (!cow && PageCompound(m, pfn)) {
			if (write)		/* do_shared_fault's fault_dirty_shared_page */
				SetPageDirty(m, head);
			ret = do_set_pmd(m, vma, vmf->address, head, write, vmf->pmd_table,
					 vmf->pmd_idx);
			mapped = !ret;
			if (!(ret & VM_FAULT_FALLBACK)) {
				ret = 0;
				goto out;
			}
		}
		ret = fault_pte_table(m, vmf);
		if (ret || upte_present(vmf->orig_pte)) {
			ret = ret & VM_FAULT_RETRY ? 0 : ret;
			goto out;
		}
	}
	if (!cow) {
		if (write)
			SetPageDirty(m, head);
		mapped = finish_fault(m, vmf, pfn, write);
		goto out;
	}
	/* do_cow_fault: a private copy, the file page stays unmapped here */
	if (anon_vma_prepare(m, vma) || (copy = alloc_user_page(m, &copy_p)) == PFN_NONE) {
		ret = VM_FAULT_OOM;
		goto out;
	}
	set_page_content(m, copy, page_content(m, pfn));
	unlock_page(m, head);
	put_page(m, pfn);
	entry = maybe_mkwrite(pfn_pte(copy, vm_get_page_prot(vma->vm_flags)) | _PAGE_DIRTY, vma);
	vmf->ptl = table_lock(m, vma->vm_mm, vmf->pte_table);
	spin_lock(m, vmf->ptl);
	if (!pte_same_locked(m, vmf)) {
		spin_unlock(m, vmf->ptl);
		put_page(m, copy);
		return 0;
	}
	inc_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	page_add_new_anon_rmap(m, copy, vma, vmf->address);
	lru_cache_add(m, copy, 1);
	vmf_set_pte(m, vmf, entry);
	spin_unlock(m, vmf->ptl);
	return 0;
out:
	/* unlock first, then drop the reference when no entry took it */
	unlock_page(m, head);
	if (!mapped)
		put_page(m, pfn);
	return ret;
}

static vm_fault_t handle_pte_fault(struct machine *m, struct vm_fault *vmf)
{
	pteval_t e;

	vmf->orig_pte = vmf_read_pte(m, vmf);
	if (!upte_present(vmf->orig_pte))
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(m, vmf) : do_fault(m, vmf);
	vmf->ptl = table_lock(m, vmf->vma->vm_mm, vmf->pte_table);
	spin_lock(m, vmf->ptl);
	if (!pte_same_locked(m, vmf)) {
		spin_unlock(m, vmf->ptl);
		return 0;
	}
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(vmf->orig_pte))
		return do_wp_page(m, vmf);
	/* spurious: mark it young (and dirty for a write) */
	e = vmf->orig_pte | _PAGE_ACCESSED | ((vmf->flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
	if (e != vmf->orig_pte)
		vmf_set_pte(m, vmf, e);
	spin_unlock(m, vmf->ptl);
	return 0;
}

vm_fault_t handle_mm_fault(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr & ~(PAGE_SIZE - 1),
		.flags = flags,
		.pgoff = linear_page_index(vma, addr & ~(PAGE_SIZE - 1)),
	};
	pteval_t pmd;
	int err;

	SCHED_WHERE(m);
	count_vm_event(m, PGFAULT);
	if (unlikely(is_vm_hugetlb_page(vma)))
		return hugetlb_fault(m, mm, vma, addr, flags);
	if (walk_memo_hit(m, mm, addr)) {	/* pmd_slot's own first test, inline */
		vmf.pmd_table = mm->walk_memo.pmd_table;
		vmf.pmd_idx = mm->walk_memo.pmd_idx;
		pmd = walk_memo_pmd(m, mm);
	} else if (pmd_slot(m, mm, addr, true, &vmf.pmd_table, &vmf.pmd_idx, &err)) {
		pmd = pt_read(m, vmf.pmd_table, vmf.pmd_idx);
	} else {
		return VM_FAULT_OOM;
	}
	if (!pte_present(pmd)) {
		vm_fault_t r = create_huge_pmd(m, vma, addr, flags, vmf.pmd_table, vmf.pmd_idx);

		if (!(r & VM_FAULT_FALLBACK))
			return r;
		if (!vma_is_anonymous(vma)) {
			vmf.pte_table = PFN_NONE;	/* do_fault decides: PMD or PTE table */
			return do_fault(m, &vmf);
		}
		if (populate_entry(m, mm, vmf.pmd_table, vmf.pmd_idx, PT_PTE,
				   table_lock(m, mm, vmf.pmd_table), &pmd))
			return VM_FAULT_OOM;
	}
	if (pmd_leaf(pmd)) {
		vm_fault_t r = huge_pmd_fault(m, vma, addr, flags, vmf.pmd_table, vmf.pmd_idx, pmd);

		if (!(r & VM_FAULT_FALLBACK))
			return r;
		pmd = pt_read(m, vmf.pmd_table, vmf.pmd_idx);
		/* a file PMD split is an unmap: go on as for an empty PMD, in this fault */
		if (!pte_present(pmd) && !vma_is_anonymous(vma)) {
			vmf.pte_table = PFN_NONE;
			return do_fault(m, &vmf);
		}
		if (!pte_present(pmd) || pmd_leaf(pmd))
			return 0;	/* changed under us: retry the access */
	}
	vmf.pte_table = pte_pfn(pmd);
	vmf.pte_idx = idx_of(addr, PT_PTE);
	if (!m->sched)
		vmf.pte = pt_entry_bytes(m, vmf.pte_table, vmf.pte_idx);
	return handle_pte_fault(m, &vmf);
}

/* ---- user accesses ---------------------------------------------------- */

/* The fault's mmap_read_lock, unless a test asked for a fault path without it */
static void mmap_read_lock_fault(struct machine *m, struct mm_struct *mm)
{
	if (!m->inject.fault_skip_mmap_lock)
		down_read(m, &mm->mmap_lock);
}

static void mmap_read_unlock_fault(struct machine *m, struct mm_struct *mm)
{
	if (!m->inject.fault_skip_mmap_lock)
		up_read(m, &mm->mmap_lock);
}

static struct vm_area_struct *find_vma_locked(struct machine *m, struct mm_struct *mm,
					      uint64_t addr)
{
	vma_set_point(m, mm, SCHED_READ);
	return find_vma(mm, addr);
}

enum user_access user_access(struct machine *m, struct mm_struct *mm, uint64_t addr, bool write)
{
	enum pt_level level;
	unsigned long table;
	unsigned int idx;
	uint64_t changes = 0;
	bool walked = false;
	SCHED_WHERE(m);

	for (int tries = 0; tries < 4; tries++) {
		pteval_t e;
		struct vm_area_struct *vma;
		vm_fault_t r;

		/* the TLB fill: a walk of the page tables */
		sched_point(m, SCHED_TLB_FILL, addr & ~(PAGE_SIZE - 1), PAGE_SIZE);
		if (walked && !m->sched && level == PT_PTE && m->pt_changes == changes + 1 &&
		    m->pt_last_change == pt_change_key(table, idx)) {
			/*
			 * The fault changed one entry, the PTE the last walk
			 * ended at, and nothing else in any page table: this
			 * walk would read the same upper entries and end there,
			 * at the value that write left.
			 */
			e = m->pt_last_value;
			if (!pte_present(e))
				e = 0;
			/* and the walk memo's path is still what it was */
			if (mm->walk_memo.changes == changes &&
			    mm->walk_memo.pmd_range == addr >> PMD_SHIFT)
				mm->walk_memo.changes = m->pt_changes;
		} else {
			e = user_walk(m, mm, addr, &level, &table, &idx);
		}
		walked = true;
		changes = m->pt_changes;
		if (pte_present(e) && (e & _PAGE_USER) && (!write || pte_write(e))) {
			/* a leaf PMD maps 512 pages, a leaf PUD (hugetlb) 512 * 512 */
			unsigned long pfn = level == PT_PTE ? pte_pfn(e) :
					    pte_pfn(e) + ((addr >> PAGE_SHIFT) &
							  ((1UL << (9 * (level - 1))) - 1));

			/* the CPU sets accessed and dirty in the entry */
			if (!(e & _PAGE_ACCESSED) || (write && !(e & _PAGE_DIRTY)))
				pt_write(m, table, idx, e | _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0));
			if (write)
				page_content_write(m, pfn);
			return UA_OK;
		}
		/* do_user_addr_fault */
		mmap_read_lock_fault(m, mm);
		vma = find_vma_locked(m, mm, addr);
		if (!vma || addr < vma->vm_start) {
			mmap_read_unlock_fault(m, mm);
			return UA_SIGSEGV_MAPERR;
		}
		if (write ? !(vma->vm_flags & VM_WRITE) :
			    !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))) {
			mmap_read_unlock_fault(m, mm);
			return UA_SIGSEGV_ACCERR;
		}
		r = handle_mm_fault(m, vma, addr, write ? FAULT_FLAG_WRITE : 0);
		mmap_read_unlock_fault(m, mm);
		if (r & VM_FAULT_OOM)
			return UA_OOM;
		if (r & VM_FAULT_SIGBUS)
			return UA_SIGBUS;
		if (r & VM_FAULT_SIGSEGV)
			return UA_SIGSEGV_ACCERR;
	}
	mm_fail(m, "user access at %#llx still faults after 4 tries", (unsigned long long)addr);
	return UA_SIGSEGV_ACCERR;
}

/* ---- unmapping -------------------------------------------------------- */

/* zap_pte_range for the PTEs of one table in [addr, end) */
static void zap_pte_range(struct machine *m, struct vm_area_struct *vma, unsigned long pte_table,
			  uint64_t addr, uint64_t end)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl = table_lock(m, mm, pte_table);
	unsigned long freed[PTRS_PER_TABLE];
	unsigned int nr_freed = 0;

	spin_lock(m, ptl);
	for (; addr < end; addr += PAGE_SIZE) {
		unsigned int i = idx_of(addr, PT_PTE);
		pteval_t e = pt_read(m, pte_table, i);
		unsigned long pfn;

		if (!e)
			continue;
		pt_write(m, pte_table, i, 0);		/* ptep_get_and_clear_full */
		pfn = vm_normal_pfn(e);
		if (pfn == PFN_NONE)
			continue;
		inc_mm_counter(mm, mm_counter_of(m, pfn), -1);
		if (!PageAnon(m, pfn) && (e & _PAGE_DIRTY))
			SetPageDirty(m, page_head(m, pfn));
		page_remove_rmap(m, pfn, vma);
		freed[nr_freed++] = pfn;
	}
	spin_unlock(m, ptl);
	/* tlb_finish_mmu: the pages go once the (not modelled) TLB flush is done */
	for (unsigned int k = 0; k < nr_freed; k++)
		put_page(m, freed[k]);
}

void zap_vma_range(struct machine *m, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t addr = start < vma->vm_start ? vma->vm_start : start, next;
	SCHED_WHERE(m);

	if (end > vma->vm_end)
		end = vma->vm_end;
	if (vma->vm_file)		/* unmap_single_vma */
		uprobe_munmap(m, vma, addr, end);
	if (unlikely(is_vm_hugetlb_page(vma))) {	/* unmap_single_vma */
		if (addr < end)
			__unmap_hugepage_range_final(m, vma, addr, end, PFN_NONE, 0);
		return;
	}
	update_hiwater_rss(mm);
	for (; addr < end; addr = next) {
		unsigned long pmd_table;
		unsigned int pmd_idx;
		pteval_t pmd;

		next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);
		if (next > end)
			next = end;
		if (!pmd_slot(m, mm, addr, false, &pmd_table, &pmd_idx, NULL)) {
			next = (addr + PUD_SIZE) & ~(PUD_SIZE - 1);
			if (next > end)
				next = end;
			continue;
		}
		pmd = pt_read(m, pmd_table, pmd_idx);
		if (!pte_present(pmd))
			continue;
		if (pmd_leaf(pmd)) {
			if (next - addr == PMD_SIZE) {
				zap_huge_pmd(m, vma, addr, pmd_table, pmd_idx);
				continue;
			}
			__split_huge_pmd(m, vma, addr, pmd_table, pmd_idx);
			pmd = pt_read(m, pmd_table, pmd_idx);
			if (!pte_present(pmd) || pmd_leaf(pmd))
				continue;
		}
		zap_pte_range(m, vma, pte_pfn(pmd), addr, next);
	}
}

/* ---- fork ------------------------------------------------------------- */

static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static int copy_pte_range(struct machine *m, struct vm_area_struct *dst,
			  struct vm_area_struct *src, unsigned long src_pte, unsigned long dst_pte,
			  uint64_t addr, uint64_t end)
{
	spinlock_t *sptl = table_lock(m, src->vm_mm, src_pte);
	spinlock_t *dptl = table_lock(m, dst->vm_mm, dst_pte);
	bool cow = is_cow_mapping(src->vm_flags);

	spin_lock(m, dptl);
	spin_lock(m, sptl);
	for (; addr < end; addr += PAGE_SIZE) {
		unsigned int i = idx_of(addr, PT_PTE);
		pteval_t e = pt_read(m, src_pte, i);
		unsigned long pfn;

		if (!upte_present(e))
			continue;
		pfn = vm_normal_pfn(e);
		if (pfn != PFN_NONE) {
			get_page(m, pfn);
			if (PageAnon(m, pfn))
				ClearPageAnonExclusive(m, pfn);	/* page_try_dup_anon_rmap */
			page_dup_rmap(m, pfn);
			inc_mm_counter(dst->vm_mm, mm_counter_of(m, pfn), 1);
		}
		if (cow && pte_write(e)) {			/* ptep_set_wrprotect */
			e &= ~_PAGE_RW;
			pt_write(m, src_pte, i, e);
		}
		if (src->vm_flags & VM_SHARED)
			e &= ~_PAGE_DIRTY;			/* pte_mkclean */
		pt_write(m, dst_pte, i, e & ~_PAGE_ACCESSED);	/* pte_mkold */
	}
	spin_unlock(m, sptl);
	spin_unlock(m, dptl);
	return 0;
}

/* The child's entry at (table, i): a table of the next level down, allocated if missing */
static int dup_table_entry(struct machine *m, struct mm_struct *mm, unsigned long table,
			   unsigned int i, enum pt_level child, spinlock_t *lock, pteval_t *e)
{
	*e = pt_read(m, table, i);
	if (pte_present(*e))
		return 0;
	return populate_entry(m, mm, table, i, child, lock, e);
}

/* copy_pmd_range: a child PTE table for each parent PMD entry that has one */
static int copy_pmd_range(struct machine *m, struct vm_area_struct *dst,
			  struct vm_area_struct *src, unsigned long spmd_t, unsigned long dpmd_t,
			  uint64_t addr, uint64_t end)
{
	uint64_t next;

	for (; addr < end; addr = next) {
		unsigned int i = idx_of(addr, PT_PMD);
		pteval_t spmd = pt_read(m, spmd_t, i), dpmd;
		int err;

		next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);
		if (next > end)
			next = end;
		if (!pte_present(spmd))
			continue;
		if (pmd_leaf(spmd)) {
			err = copy_huge_pmd(m, dst, src, addr, dpmd_t, i, spmd_t, i);
			if (err != -EAGAIN) {
				if (err)
					return err;
				continue;
			}
			spmd = pt_read(m, spmd_t, i);	/* split: copy the PTEs */
		}
		if (dup_table_entry(m, dst->vm_mm, dpmd_t, i, PT_PTE,
				    table_lock(m, dst->vm_mm, dpmd_t), &dpmd))
			return -ENOMEM;
		copy_pte_range(m, dst, src, pte_pfn(spmd), pte_pfn(dpmd), addr, next);
	}
	return 0;
}

/* copy_pud_range: a child PMD table for each parent PUD entry that has one */
static int copy_pud_range(struct machine *m, struct vm_area_struct *dst,
			  struct vm_area_struct *src, unsigned long spud_t, unsigned long dpud_t,
			  uint64_t addr, uint64_t end)
{
	uint64_t next;

	for (; addr < end; addr = next) {
		unsigned int i = idx_of(addr, PT_PUD);
		pteval_t spud = pt_read(m, spud_t, i), dpud;
		int err;

		next = (addr + PUD_SIZE) & ~(PUD_SIZE - 1);
		if (next > end)
			next = end;
		if (!pte_present(spud))
			continue;
		if (dup_table_entry(m, dst->vm_mm, dpud_t, i, PT_PMD, &dst->vm_mm->page_table_lock,
				    &dpud))
			return -ENOMEM;
		err = copy_pmd_range(m, dst, src, pte_pfn(spud), pte_pfn(dpud), addr, next);
		if (err)
			return err;
	}
	return 0;
}

/*
 * copy_page_range: walk the parent's tables level by level, giving the
 * child a table wherever the parent has a present entry above the VMA's
 * range (pud_alloc, pmd_alloc, and a PTE table per PMD entry), even when
 * nothing below it maps a page.
 */
int copy_page_range(struct machine *m, struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct mm_struct *smm = src->vm_mm, *dmm = dst->vm_mm;
	uint64_t addr, next;

	/*
	 * vma_needs_copy (6.1): mappings without anon pages refault in the
	 * child, hugetlb ones too (a shared hugetlb mapping, or a private one
	 * that only read the file's pages)
	 */
	if (!(src->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) && !src->anon_vma)
		return 0;
	if (is_vm_hugetlb_page(src))
		return copy_hugetlb_page_range(m, dmm, smm, dst, src);
	for (addr = src->vm_start; addr < src->vm_end; addr = next) {
		unsigned int i = idx_of(addr, PT_PGD);
		pteval_t spgd = pt_read(m, smm->pgd, i), dpgd;
		int err;

		next = (addr + PGDIR_SIZE) & ~(PGDIR_SIZE - 1);
		if (next > src->vm_end)
			next = src->vm_end;
		if (!pte_present(spgd))
			continue;
		/* p4d is folded: the pgd entry holds the PUD table */
		if (dup_table_entry(m, dmm, dmm->pgd, i, PT_PUD, &dmm->page_table_lock, &dpgd))
			return -ENOMEM;
		err = copy_pud_range(m, dst, src, pte_pfn(spgd), pte_pfn(dpgd), addr, next);
		if (err)
			return err;
	}
	return 0;
}

/* ---- mprotect --------------------------------------------------------- */

void change_protection(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	/* pte_modify keeps the accessed and dirty bits (_PAGE_CHG_MASK) */
	pteval_t prot = vm_get_page_prot(newflags) & ~_PAGE_ACCESSED;
	pteval_t keep = PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL | _PAGE_PSE;
	uint64_t addr, next;

	if (is_vm_hugetlb_page(vma)) {
		hugetlb_change_protection(m, vma, start, end, newflags);
		return;
	}

	for (addr = start; addr < end; addr = next) {
		unsigned long pmd_t;
		unsigned int pmd_i;
		pteval_t pmd;
		spinlock_t *ptl;

		next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);
		if (next > end)
			next = end;
		if (!pmd_slot(m, mm, addr, false, &pmd_t, &pmd_i, NULL))
			continue;
		pmd = pt_read(m, pmd_t, pmd_i);
		if (!pte_present(pmd))
			continue;
		if (pmd_leaf(pmd)) {
			if (next - addr < PMD_SIZE) {
				__split_huge_pmd(m, vma, addr, pmd_t, pmd_i);
				pmd = pt_read(m, pmd_t, pmd_i);
			} else {
				ptl = table_lock(m, mm, pmd_t);
				spin_lock(m, ptl);
				pmd = pt_read(m, pmd_t, pmd_i);
				/*
				 * change_huge_pmd: pmd_modify takes RW from
				 * the new prot alone (shared shmem: yes;
				 * private: never, 6.1 has no
				 * can_change_pmd_writable).  A PROT_NONE
				 * PMD stays pmd_present: the model keeps
				 * _PAGE_PRESENT on it (without _PAGE_USER
				 * the CPU still faults).
				 */
				pt_write(m, pmd_t, pmd_i, (pmd & keep) | prot | _PAGE_PRESENT);
				spin_unlock(m, ptl);
				continue;
			}
			if (!pte_present(pmd) || pmd_leaf(pmd))
				continue;
		}
		ptl = table_lock(m, mm, pte_pfn(pmd));
		spin_lock(m, ptl);
		for (uint64_t a = addr; a < next; a += PAGE_SIZE) {
			unsigned int i = idx_of(a, PT_PTE);
			pteval_t e = pt_read(m, pte_pfn(pmd), i), n;
			unsigned long pfn;
			bool wr = false;

			if (!upte_present(e))
				continue;
			/*
			 * pte_modify takes RW from vm_page_prot: a shared
			 * writable mapping of tmpfs has it (shmem wants no
			 * write notification), a private one never does.
			 * There can_change_pte_writable makes a PTE writable at
			 * once only when it is dirty and its page exclusively
			 * ours (anon and PageAnonExclusive); everything else
			 * waits for the write fault.
			 */
			pfn = vm_normal_pfn(e);
			if ((newflags & (VM_WRITE | VM_SHARED)) == VM_WRITE && pfn != PFN_NONE &&
			    (e & _PAGE_DIRTY))
				wr = PageAnon(m, pfn) && PageAnonExclusive(m, pfn);
			n = (e & keep) | prot | (wr ? _PAGE_RW : 0);
			if (prot & _PAGE_PROTNONE)
				n &= ~_PAGE_PRESENT;
			if (n != e)
				pt_write(m, pte_pfn(pmd), i, n);
		}
		spin_unlock(m, ptl);
	}
}

/* Is addr mapped so that an access of this kind would not fault? (follow_page) */
bool follow_page_present(struct machine *m, struct vm_area_struct *vma, uint64_t addr, bool write)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, vma->vm_mm, addr, &level, NULL, NULL);

	return pte_present(e) && (!write || pte_write(e));
}
