// SPDX-License-Identifier: GPL-2.0-only
/*
 * pgtable.c - four-level x86_64 page tables in simulated frames, and TLB
 * maintenance (arch/x86/mm, mm/sparse-vmemmap.c).
 *
 * Table pages are frames: from memblock while the machine boots (they are
 * PageReserved, as vmemmap_alloc_block_zero leaves them), from the buddy
 * allocator afterwards (GFP_KERNEL | __GFP_ZERO, as pte_alloc_one_kernel
 * does), so splitting a vmemmap PMD costs a page of real memory.  Kernel
 * tables are not counted in NR_PAGETABLE, as in 6.1; user tables are
 * (memory.c).
 *
 * The TLB of each CPU is the translation cache of the frame store (see
 * page.h): an entry stays until a flush reaches that CPU.  Outside the
 * explorer a flush reaches every CPU at once.  Under it, a kernel-range
 * flush is a synchronous IPI (on_each_cpu_op, as x86's
 * flush_tlb_kernel_range): the explorer chooses when it reaches each other
 * CPU, and the flushing CPU goes on only when all have it.
 *
 * Entries are read and written at their physical address (table << 12 |
 * index * 8), one scheduling point each.  A table being filled before it is
 * linked in (a PMD split) is private to its CPU: those writes are not
 * points.
 */
#include <errno.h>

#include "pgtable.h"
#include "cpu.h"
#include "machine.h"
#include "memblock.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"

pteval_t pt_read_sched(struct machine *m, unsigned long table, unsigned int idx)
{
	uint8_t *p;
	pteval_t v;

	sched_point(m, SCHED_READ, ((uint64_t)table << PAGE_SHIFT) + idx * 8, 8);
	p = pt_entry_bytes(m, table, idx);
	if (!p)
		return 0;
	memcpy(&v, p, 8);
	return v;
}

/* Write an entry of a table nobody else can reach yet: no scheduling point */
static void pt_write_private(struct machine *m, unsigned long table, unsigned int idx,
			     pteval_t v)
{
	uint8_t *p = pt_entry_bytes(m, table, idx);

	pt_note_write(m, pt_change_key(table, idx), p ? v : 0);	/* none: reads 0 */
	if (p)
		memcpy(p, &v, 8);
}

void pt_write_sched(struct machine *m, unsigned long table, unsigned int idx, pteval_t v)
{
	sched_point(m, SCHED_WRITE, ((uint64_t)table << PAGE_SHIFT) + idx * 8, 8);
	pt_write_private(m, table, idx, v);
	if (m->sched)
		fstore_pt_changed(m);	/* a remap may have made a write lost */
}

unsigned long pgtable_alloc(struct machine *m, int nid)
{
	unsigned long pfn;

	if (!m->buddy_up) {
		pfn = memblock_alloc_try_nid(m, 1, 1, DMA_PFN_END, ~0UL, nid, false, "page tables");
	} else {
		long nth = ++m->inject.pgtable_allocs;

		if (m->inject.pgtable_fail_count && nth >= m->inject.pgtable_fail_from &&
		    nth < m->inject.pgtable_fail_from + m->inject.pgtable_fail_count)
			return PFN_NONE;
		/*
		 * pte_alloc_one_kernel: the running CPU's node.  6.1 gives a
		 * kernel table no constructor, so it is not PageTable and not
		 * in NR_PAGETABLE (meminfo's PageTables counts user tables).
		 */
		pfn = __alloc_pages(m, GFP_KERNEL | __GFP_ZERO, 0, nid >= 0 ? nid : m->cpu_node[m->cur_cpu]);
	}
	if (pfn != PFN_NONE)
		fstore_frame_zero(m, pfn);
	return pfn;
}

void pgtable_free(struct machine *m, unsigned long pfn)
{
	if (PageReserved(m, pfn)) {
		free_bootmem_page(m, pfn);
		return;
	}
	__free_pages(m, pfn, 0);
}

int mm_init_pgd(struct machine *m, struct mm_struct *mm, int nid)
{
	mm->pgd = pgtable_alloc(m, nid);
	return mm->pgd == PFN_NONE ? -ENOMEM : 0;
}

static inline unsigned int pt_index(uint64_t va, enum pt_level level)
{
	/* PT_PTE: PAGE_SHIFT, each level up 9 bits more */
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (level - PT_PTE))) & (PTRS_PER_TABLE - 1);
}

/*
 * One level of pt_walk: read the entry for va in table t.  Returns true
 * when the walk ends here (a hole, or a leaf at a level that has them).
 */
static inline bool pt_walk_step(struct machine *m, uint64_t va, enum pt_level l,
				unsigned long *t, unsigned int *i, pteval_t *e)
{
	*i = pt_index(va, l);
	*e = pt_read(m, *t, *i);
	if (!pte_present(*e)) {
		*e = 0;
		return true;
	}
	if (l == PT_PTE || ((l == PT_PMD || l == PT_PUD) && (*e & _PAGE_PSE)))
		return true;
	*t = pte_pfn(*e);
	return false;
}

pteval_t pt_walk(struct machine *m, struct mm_struct *mm, uint64_t va, enum pt_level *level,
		 unsigned long *table, unsigned int *idx)
{
	unsigned long t = mm->pgd;
	enum pt_level l;
	unsigned int i;
	pteval_t e;

	/* PT_PTE ends the walk at the latest; a leaf or a hole ends it earlier */
	_Pragma("GCC unroll 4")	/* written out level by level */
	for (l = PT_PGD; l > PT_PTE; l--)
		if (pt_walk_step(m, va, l, &t, &i, &e))
			goto out;
	pt_walk_step(m, va, PT_PTE, &t, &i, &e);
out:
	*level = l;
	if (table)
		*table = t;
	if (idx)
		*idx = i;
	return e;
}

int pt_map(struct machine *m, struct mm_struct *mm, uint64_t va, unsigned long pfn,
	   pteval_t prot, enum pt_level level, int nid)
{
	unsigned long t = mm->pgd;

	for (enum pt_level l = PT_PGD; l > level; l--) {
		unsigned int i = pt_index(va, l);
		pteval_t e = pt_read(m, t, i);

		if (!pte_present(e)) {
			unsigned long nt = pgtable_alloc(m, nid);

			if (nt == PFN_NONE)
				return -ENOMEM;
			mm->nr_pgtables++;
			e = pfn_pte(nt, _KERNPG_TABLE);
			pt_write(m, t, i, e);
		} else if (e & _PAGE_PSE) {
			return -EEXIST;	/* a leaf is in the way */
		}
		t = pte_pfn(e);
	}
	pt_write(m, t, pt_index(va, level),
		 pfn_pte(pfn, prot | (level > PT_PTE ? _PAGE_PSE : 0)));
	return 0;
}

int pt_split_pmd(struct machine *m, struct mm_struct *mm, uint64_t va, int nid)
{
	enum pt_level level;
	unsigned long table, pte_table, base;
	unsigned int idx;
	pteval_t e = pt_walk(m, mm, va, &level, &table, &idx), prot;

	if (level != PT_PMD || !pmd_leaf(e))
		return -EINVAL;	/* not a huge PMD */
	pte_table = pgtable_alloc(m, nid);
	if (pte_table == PFN_NONE)
		return -ENOMEM;
	mm->nr_pgtables++;
	base = pte_pfn(e);
	prot = e & ~(PTE_PFN_MASK | _PAGE_PSE);
	/* fill the new table, then publish it (the kernel's pmd_populate) */
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		pt_write_private(m, pte_table, i, pfn_pte(base + i, prot));
	pt_write(m, table, idx, pfn_pte(pte_table, _KERNPG_TABLE));
	return 0;
}

int pt_collapse_pmd(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	enum pt_level level;
	unsigned long table, pte_table, base;
	unsigned int idx;
	pteval_t e = pt_walk(m, mm, va & ~(PMD_SIZE - 1), &level, &table, &idx), first, prot;

	if (level != PT_PTE)
		return -EINVAL;
	/* the PMD entry that points at this PTE table */
	pte_table = table;
	first = pt_read(m, pte_table, 0);
	base = pte_pfn(first);
	prot = first & ~PTE_PFN_MASK;
	if (base & (PTRS_PER_TABLE - 1))
		return -EINVAL;
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
		pteval_t pe = pt_read(m, pte_table, i);

		if (!pte_present(pe) || pte_pfn(pe) != base + i || (pe & ~PTE_PFN_MASK) != prot)
			return -EINVAL;
	}
	(void)e;
	/* find the PMD slot again: walk to the PMD level */
	{
		unsigned long t = mm->pgd;

		for (enum pt_level l = PT_PGD; l > PT_PMD; l--)
			t = pte_pfn(pt_read(m, t, pt_index(va, l)));
		pt_write(m, t, pt_index(va, PT_PMD), pfn_pte(base, prot | _PAGE_PSE));
	}
	flush_tlb_kernel_range(m, va & ~(PMD_SIZE - 1), (va & ~(PMD_SIZE - 1)) + PMD_SIZE);
	pgtable_free(m, pte_table);
	mm->nr_pgtables--;
	return 0;
}

/* The PMD entry above va (which has a PTE table) */
static pteval_t pt_read_pmd_of(struct machine *m, uint64_t va)
{
	unsigned long t = m->init_mm->pgd;

	for (enum pt_level l = PT_PGD; l > PT_PMD; l--)
		t = pte_pfn(pt_read(m, t, pt_index(va, l)));
	return pt_read(m, t, pt_index(va, PT_PMD));
}

bool vmemmap_translate(struct machine *m, uint64_t va, unsigned long *frame, bool *writable)
{
	struct fstore_cpu *c = m->fstore_cpu ? fstore_cpu(m) : NULL;
	uint64_t tag = va >> PMD_SHIFT;
	unsigned int slot = (unsigned int)(tag & (FST_PMDC_SIZE - 1));
	enum pt_level level;
	pteval_t e;

	if (!m->init_mm || va < VMEMMAP_START)
		return false;
	if (c && c->pmdc_tag[slot] == tag) {
		pteval_t pmd = c->pmdc_val[slot];

		if (pmd_leaf(pmd)) {
			e = pmd;
			level = PT_PMD;
		} else {
			e = pt_read(m, pte_pfn(pmd), (unsigned int)(va >> PAGE_SHIFT) &
							 (PTRS_PER_TABLE - 1));
			level = PT_PTE;
		}
	} else {
		unsigned long table;
		unsigned int idx;

		e = pt_walk(m, m->init_mm, va, &level, &table, &idx);
		if (c && pte_present(e) && level <= PT_PMD) {
			c->pmdc_tag[slot] = tag;
			c->pmdc_val[slot] = level == PT_PMD ? e : pt_read_pmd_of(m, va);
		}
	}
	if (!pte_present(e))
		return false;
	if (level == PT_PTE)
		*frame = pte_pfn(e);
	else if (level == PT_PMD)
		*frame = pte_pfn(e) + ((va >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1));
	else
		*frame = pte_pfn(e) + ((va >> PAGE_SHIFT) & ((1UL << (PUD_SHIFT - PAGE_SHIFT)) - 1));
	*writable = pte_write(e);
	return true;
}

bool vmemmap_peek(struct machine *m, uint64_t va, unsigned long *frame, bool *writable,
		  uint64_t *entry_pa)
{
	unsigned long t;

	if (entry_pa)
		*entry_pa = 0;
	if (!m->init_mm || va < VMEMMAP_START)
		return false;
	t = m->init_mm->pgd;
	for (enum pt_level l = PT_PGD; l >= PT_PTE; l--) {
		unsigned int i = pt_index(va, l);
		uint8_t *p = fstore_frame_bytes(m, t, i * 8);
		pteval_t e;

		if (!p)
			return false;
		memcpy(&e, p, 8);
		if (entry_pa)
			*entry_pa = ((uint64_t)t << PAGE_SHIFT) + i * 8;
		if (!pte_present(e))
			return false;
		if (l == PT_PTE || ((l == PT_PMD || l == PT_PUD) && (e & _PAGE_PSE))) {
			unsigned long span = l == PT_PTE ? 1 : l == PT_PMD ? PTRS_PER_TABLE :
					     1UL << (PUD_SHIFT - PAGE_SHIFT);

			*frame = pte_pfn(e) + ((va >> PAGE_SHIFT) & (span - 1));
			*writable = pte_write(e);
			return true;
		}
		t = pte_pfn(e);
	}
	return false;
}

struct flush_range {
	uint64_t start, end;
};

/* The IPI handler: runs on the CPU it was sent to */
static void do_flush_tlb_range(struct machine *m, void *info)
{
	const struct flush_range *r = info;

	fstore_flush_xc_range(m, m->cur_cpu, r->start, r->end);
}

static void flush_tlb_everywhere(struct machine *m, uint64_t start, uint64_t end)
{
	struct flush_range r = { start, end };

	m->tlb_flushes++;
	if (unlikely(m->sched)) {
		uint64_t len = end - start;

		on_each_cpu_op(m, SCHED_TLB_FLUSH, start,
			       (unsigned int)(len > 0xffffffffu ? 0xffffffffu : len),
			       do_flush_tlb_range, &r, true);
		return;
	}
	for (int c = 0; c < m->nr_cpus; c++)
		fstore_flush_xc_range(m, c, start, end);
}

void flush_tlb_kernel_range(struct machine *m, uint64_t start, uint64_t end)
{
	SCHED_WHERE(m);

	flush_tlb_everywhere(m, start, end);
}

void flush_tlb_all(struct machine *m)
{
	SCHED_WHERE(m);

	flush_tlb_everywhere(m, 0, ~0ULL);
}
