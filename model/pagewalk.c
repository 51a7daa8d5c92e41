// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagewalk.c - the generic page-table walker (mm/pagewalk.c) over the
 * model's page-table frames, and its lock assertions, whose rules are
 * the pagewalk-lock policy family's (policies/pagewalk_lock.c).
 *
 * The walk follows 6.1's: level by level, an entry's callback, then down
 * into its table unless the entry is empty (a hole), the callback said
 * ACTION_CONTINUE, no callback wants the level below, or, with no VMA, it
 * is a leaf.  A pmd_entry may change the entry it is called for (HVO's
 * splits a vmemmap leaf into a PTE table): the walker reads the entry
 * again after the callback, as the kernel dereferences *pmd again, and
 * goes down into the table it finds.  Every entry read is pt_read, a
 * scheduling point under the explorer.
 *
 * With a VMA (walk_page_range, walk_page_vma) the PTE table is walked
 * under its lock (pte_offset_map_lock), and a huge PMD is split before a
 * pte_entry sees its PTEs (split_huge_pmd).  Without one nothing is
 * locked or split.  Not modelled: hugepd (no such tables on x86), the
 * p4d_entry callback (the p4d is folded, see pagewalk.h), walk_page_mapping
 * and walk_page_range_vma (no caller in the model).
 *
 * Floors: the walker is the process layer's (floor 5), and HVO (floor 4)
 * walks init_mm through it, as the kernel's HVO does from 6.8 on.  The
 * no-VMA walk uses page tables only (floor 3); the VMA walk uses
 * find_vma, split_huge_pmd and hugetlb's huge_pte_offset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "machine.h"
#include "memory.h"
#include "mmap.h"
#include "module.h"
#include "mmzone.h"
#include "page.h"
#include "pagewalk.h"
#include "policies/pagewalk_lock.h"
#include "task.h"

#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)

/* _PAGE_KNL_ERRATUM_MASK: x86's p?d_none ignores these two bits */
#define PT_NONE_IGNORED	(_PAGE_DIRTY | _PAGE_ACCESSED)

static inline bool pt_none(pteval_t e)
{
	return !(e & ~PT_NONE_IGNORED);
}

/* x86's pmd_present (a huge PMD made PROT_NONE is still there) and pmd_leaf */
static inline bool pmdv_present(pteval_t e)
{
	return e & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

static inline bool pmdv_leaf(pteval_t e)
{
	return e & _PAGE_PSE;
}

/* x86's pud_present and pud_leaf */
static inline bool pudv_present(pteval_t e)
{
	return e & _PAGE_PRESENT;
}

static inline bool pudv_leaf(pteval_t e)
{
	return (e & (_PAGE_PSE | _PAGE_PRESENT)) == (_PAGE_PSE | _PAGE_PRESENT);
}

/* p?d_addr_end: the end of the entry's span that holds addr, or end */
static inline uint64_t pt_addr_end(uint64_t addr, uint64_t end, uint64_t size)
{
	uint64_t boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

static inline unsigned int pt_idx(uint64_t va, enum pt_level level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (level - PT_PTE))) & (PTRS_PER_TABLE - 1);
}

/* p?d_offset: the slot for addr in the table the entry at @s points to */
static inline struct pt_slot pt_offset(struct machine *m, const struct pt_slot *s, uint64_t addr,
				       enum pt_level level)
{
	return (struct pt_slot){ pte_pfn(pt_slot_read(m, s)), pt_idx(addr, level) };
}

/* -------------------------------------------------------------------------
 * Use-after-free of a table, under the explorer
 */

/* The frame's refcount as its struct page holds it, read without a scheduling point */
static bool table_frame_free(struct machine *m, unsigned long table)
{
	uint64_t va = page_va(m, table) + PGOFF_REFCOUNT;
	unsigned long frame;
	uint32_t ref;
	uint8_t *b;
	bool w;

	if (!pfn_valid(m, table) || !vmemmap_peek(m, va, &frame, &w, NULL))
		return false;
	b = fstore_frame_bytes(m, frame, (unsigned int)(va & (PAGE_SIZE - 1)));
	if (!b)
		return false;
	memcpy(&ref, b, sizeof(ref));
	return ref == 0;
}

void pt_slot_read_check(struct machine *m, const struct pt_slot *s)
{
	char msg[256];

	if (!table_frame_free(m, s->table))
		return;
	snprintf(msg, sizeof(msg), "use after free: cpu%d in %s reads entry %u of page table %#lx, "
		 "a free page: the table was freed under the walker", m->cur_cpu,
		 m->sched->where ? m->sched->where : "a page walk", s->idx, s->table);
	sched_fail(m, msg);
}

/* -------------------------------------------------------------------------
 * The lock assertions
 */
static void mmap_lock_name(struct machine *m, struct mm_struct *mm, char *buf, size_t len)
{
	if (mm == m->init_mm)
		snprintf(buf, len, "init_mm");
	else if (mm->owner)
		snprintf(buf, len, "mm of process %ld %s", mm->owner->pid,
			 mm->owner->name ? mm->owner->name : mm->owner->comm);
	else
		snprintf(buf, len, "a user mm");
}

static bool mmap_assert_fail(struct machine *m, const char *walker, const char *assertion,
			     struct mm_struct *mm)
{
	const char *held = rwsem_write_held(m, &mm->mmap_lock) ? "held for write" :
			   rwsem_held(m, &mm->mmap_lock) ? "held for read" : "not held";
	char name[96];

	mmap_lock_name(m, mm, name, sizeof(name));
	mm_fail(m, "WARNING: %s on CPU#%d: %s(%s) failed: the mmap lock is %s", walker,
		m->cur_cpu, assertion, name, held);
	return false;
}

bool mmap_assert_locked(struct machine *m, const char *walker, struct mm_struct *mm)
{
	if (likely(rwsem_held(m, &mm->mmap_lock)))
		return true;
	return mmap_assert_fail(m, walker, "mmap_assert_locked", mm);
}

bool mmap_assert_write_locked(struct machine *m, const char *walker, struct mm_struct *mm)
{
	if (likely(rwsem_write_held(m, &mm->mmap_lock)))
		return true;
	return mmap_assert_fail(m, walker, "mmap_assert_write_locked", mm);
}

/* -------------------------------------------------------------------------
 * The walk, level by level (walk_pgd_range and below)
 */
static int walk_pte_range_inner(struct machine *m, struct pt_slot pte, uint64_t addr,
				uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err;

	for (;;) {
		err = ops->pte_entry(m, &pte, addr, addr + PAGE_SIZE, walk);
		if (err)
			break;
		if (addr >= end - PAGE_SIZE)
			break;
		addr += PAGE_SIZE;
		pte.idx++;
	}
	return err;
}

static int walk_pte_range(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
			  uint64_t end, struct mm_walk *walk)
{
	struct pt_slot pte = pt_offset(m, pmd, addr, PT_PTE);	/* pte_offset_map */
	spinlock_t *ptl;
	int err;

	if (walk->no_vma)
		return walk_pte_range_inner(m, pte, addr, end, walk);
	ptl = table_lock(m, walk->mm, pte.table);	/* pte_offset_map_lock */
	spin_lock(m, ptl);
	err = walk_pte_range_inner(m, pte, addr, end, walk);
	spin_unlock(m, ptl);
	return err;
}

static int walk_pmd_range(struct machine *m, const struct pt_slot *pud, uint64_t addr,
			  uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	struct pt_slot pmd = pt_offset(m, pud, addr, PT_PMD);
	uint64_t next;
	pteval_t e;
	int err = 0;

	do {
again:
		next = pt_addr_end(addr, end, PMD_SIZE);
		if (pt_none(pt_slot_read(m, &pmd))) {
			if (ops->pte_hole)
				err = ops->pte_hole(m, addr, next, 3, walk);
			if (err)
				break;
			continue;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->pmd_entry)
			err = ops->pmd_entry(m, &pmd, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_AGAIN)
			goto again;
		/* the callback may have changed the entry (split a leaf): read it again */
		e = pt_slot_read(m, &pmd);
		if ((!walk->vma && (pmdv_leaf(e) || !pmdv_present(e))) ||
		    walk->action == ACTION_CONTINUE || !ops->pte_entry)
			continue;
		if (walk->vma) {
			/* split_huge_pmd, then pmd_trans_unstable */
			if (pmdv_leaf(pt_slot_read(m, &pmd)))
				__split_huge_pmd(m, walk->vma, addr, pmd.table, pmd.idx);
			e = pt_slot_read(m, &pmd);
			if (pt_none(e) || pmdv_leaf(e))
				goto again;
		}
		err = walk_pte_range(m, &pmd, addr, next, walk);
		if (err)
			break;
	} while (pmd.idx++, addr = next, addr != end);
	return err;
}

static int walk_pud_range(struct machine *m, const struct pt_slot *p4d, uint64_t addr,
			  uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	struct pt_slot pud = pt_offset(m, p4d, addr, PT_PUD);
	uint64_t next;
	pteval_t e;
	int err = 0;

	do {
again:
		next = pt_addr_end(addr, end, PUD_SIZE);
		if (pt_none(pt_slot_read(m, &pud))) {
			if (ops->pte_hole)
				err = ops->pte_hole(m, addr, next, 2, walk);
			if (err)
				break;
			continue;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->pud_entry)
			err = ops->pud_entry(m, &pud, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_AGAIN)
			goto again;
		e = pt_slot_read(m, &pud);
		if ((!walk->vma && (pudv_leaf(e) || !pudv_present(e))) ||
		    walk->action == ACTION_CONTINUE || !(ops->pmd_entry || ops->pte_entry))
			continue;
		/* split_huge_pud: no PUD-mapped THP exists in the model */
		if (pt_none(pt_slot_read(m, &pud)))
			goto again;
		err = walk_pmd_range(m, &pud, addr, next, walk);
		if (err)
			break;
	} while (pud.idx++, addr = next, addr != end);
	return err;
}

/*
 * walk_p4d_range with the p4d folded: the one p4d entry is the pgd entry;
 * a hole there has depth 0 (real_depth(1) with PTRS_PER_P4D 1).
 */
static int walk_p4d_range(struct machine *m, const struct pt_slot *pgd, uint64_t addr,
			  uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err = 0;

	if (pt_none(pt_slot_read(m, pgd))) {
		if (ops->pte_hole)
			err = ops->pte_hole(m, addr, end, 0, walk);
		return err;
	}
	if (ops->pud_entry || ops->pmd_entry || ops->pte_entry)
		err = walk_pud_range(m, pgd, addr, end, walk);
	return err;
}

static int walk_pgd_range(struct machine *m, uint64_t addr, uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	struct pt_slot pgd = {
		.table = walk->pgd != PFN_NONE ? walk->pgd : walk->mm->pgd,
		.idx = pt_idx(addr, PT_PGD),
	};
	uint64_t next;
	int err = 0;

	do {
		next = pt_addr_end(addr, end, PGDIR_SIZE);
		/* pgd_none() is false with the p4d folded: every slot gets pgd_entry */
		if (ops->pgd_entry) {
			err = ops->pgd_entry(m, &pgd, addr, next, walk);
			if (err)
				break;
		}
		if (ops->pud_entry || ops->pmd_entry || ops->pte_entry)
			err = walk_p4d_range(m, &pgd, addr, next, walk);
		if (err)
			break;
	} while (pgd.idx++, addr = next, addr != end);
	return err;
}

/* -------------------------------------------------------------------------
 * hugetlb VMAs (walk_hugetlb_range): one callback per huge page
 */
static int walk_hugetlb_range(struct machine *m, uint64_t addr, uint64_t end,
			      struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	struct hstate *h = hstate_vma(vma);
	uint64_t hmask = huge_page_mask(h), sz = huge_page_size(h), next, boundary;
	const struct mm_walk_ops *ops = walk->ops;
	struct huge_pte pte;
	int err = 0;

	do {
		boundary = (addr & hmask) + sz;		/* hugetlb_entry_end */
		next = boundary < end ? boundary : end;
		if (huge_pte_offset(m, walk->mm, addr & hmask, sz, &pte))
			err = ops->hugetlb_entry(m, &pte, hmask, addr, next, walk);
		else if (ops->pte_hole)
			err = ops->pte_hole(m, addr, next, -1, walk);
		if (err)
			break;
	} while (addr = next, addr != end);
	return err;
}

/* -------------------------------------------------------------------------
 * VMA by VMA
 */

/* walk_page_test: 0 walk the VMA, 1 skip it, < 0 stop */
static int walk_page_test(struct machine *m, uint64_t start, uint64_t end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err = 1;

	if (ops->test_walk)
		return ops->test_walk(m, start, end, walk);
	/* no struct pages behind a VM_PFNMAP VMA: only a pte_hole sees it */
	if (walk->vma->vm_flags & VM_PFNMAP) {
		if (ops->pte_hole)
			err = ops->pte_hole(m, start, end, -1, walk);
		return err ? err : 1;
	}
	return 0;
}

static int __walk_page_range(struct machine *m, uint64_t start, uint64_t end,
			     struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err = 0;

	if (ops->pre_vma) {
		err = ops->pre_vma(m, start, end, walk);
		if (err)
			return err;
	}
	if (is_vm_hugetlb_page(walk->vma)) {
		if (ops->hugetlb_entry)
			err = walk_hugetlb_range(m, start, end, walk);
	} else {
		err = walk_pgd_range(m, start, end, walk);
	}
	if (ops->post_vma)
		ops->post_vma(m, walk);
	return err;
}

int walk_page_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .mm = mm, .pgd = PFN_NONE, .private = private };
	struct vm_area_struct *vma;
	uint64_t next;
	int err = 0;

	if (start >= end || !mm)
		return -EINVAL;
	pagewalk_lock_ops(m)->assert_vma_walk(m, "walk_page_range", mm, ops->walk_lock);
	vma = find_vma(mm, start);
	do {
		if (!vma) {				/* after the last VMA */
			walk.vma = NULL;
			next = end;
			if (ops->pte_hole)
				err = ops->pte_hole(m, start, next, -1, &walk);
		} else if (start < vma->vm_start) {	/* in a gap */
			walk.vma = NULL;
			next = end < vma->vm_start ? end : vma->vm_start;
			if (ops->pte_hole)
				err = ops->pte_hole(m, start, next, -1, &walk);
		} else {
			walk.vma = vma;
			next = end < vma->vm_end ? end : vma->vm_end;
			vma = find_vma(mm, vma->vm_end);
			err = walk_page_test(m, start, next, &walk);
			if (err > 0) {
				err = 0;	/* skipped: not the caller's business */
				continue;
			}
			if (err < 0)
				break;
			err = __walk_page_range(m, start, next, &walk);
		}
		if (err)
			break;
	} while (start = next, start < end);
	return err;
}

int walk_page_vma(struct machine *m, struct vm_area_struct *vma, const struct mm_walk_ops *ops,
		  void *private)
{
	struct mm_walk walk = {
		.ops = ops, .mm = vma->vm_mm, .pgd = PFN_NONE, .vma = vma, .private = private,
	};
	int err;

	if (!walk.mm)
		return -EINVAL;
	pagewalk_lock_ops(m)->assert_vma_walk(m, "walk_page_vma", walk.mm, ops->walk_lock);
	err = walk_page_test(m, vma->vm_start, vma->vm_end, &walk);
	if (err > 0)
		return 0;
	if (err < 0)
		return err;
	return __walk_page_range(m, vma->vm_start, vma->vm_end, &walk);
}

/* -------------------------------------------------------------------------
 * With no VMA
 */
int __walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start,
			    uint64_t end, const struct mm_walk_ops *ops, unsigned long pgd,
			    void *private)
{
	struct mm_walk walk = {
		.ops = ops, .mm = mm, .pgd = pgd, .private = private, .no_vma = true,
	};

	if (start >= end || !mm)
		return -EINVAL;
	return walk_pgd_range(m, start, end, &walk);
}

int walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			  const struct mm_walk_ops *ops, unsigned long pgd, void *private)
{
	SCHED_WHERE(m);

	if (start >= end || !mm)
		return -EINVAL;
	pagewalk_lock_ops(m)->assert_novma(m, mm);
	return __walk_page_range_novma(m, mm, start, end, ops, pgd, private);
}

/* -------------------------------------------------------------------------
 * The module: the pagewalk-lock family (no files, no counters)
 */
static const struct policy_family *const pagewalk_families[] = {
	&policy_family_pagewalk_lock,
};

const struct mm_module mm_module_pagewalk = {
	.name = "pagewalk",
	.families = pagewalk_families,
	.nr_families = ARRAY_SIZE(pagewalk_families),
};
