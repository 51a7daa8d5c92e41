/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pgtable.h - x86_64 four-level page tables (PGD/PUD/PMD/PTE) whose
 * tables are real frames from memblock or the buddy allocator, and the
 * TLB flush calls the kernel uses.
 *
 * One implementation serves init_mm (the vmemmap) and, later, user
 * address spaces.  Entries are read and written through the frame store,
 * so every PTE access is a scheduling point under the explorer.
 */
#ifndef MMSIM_PGTABLE_H
#define MMSIM_PGTABLE_H

#include "mm.h"

typedef uint64_t pteval_t;

#define _PAGE_PRESENT	0x001ULL
#define _PAGE_RW	0x002ULL
#define _PAGE_USER	0x004ULL
#define _PAGE_ACCESSED	0x020ULL
#define _PAGE_DIRTY	0x040ULL
#define _PAGE_PSE	0x080ULL
#define _PAGE_GLOBAL	0x100ULL
#define _PAGE_NX	(1ULL << 63)
#define PTE_PFN_MASK	0x000ffffffffff000ULL

#define PAGE_KERNEL	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
			 _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RO	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_LARGE (PAGE_KERNEL | _PAGE_PSE)
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

#define PGDIR_SHIFT	39
#define PUD_SHIFT	30
#define PTRS_PER_TABLE	512

enum pt_level { PT_PGD = 4, PT_PUD = 3, PT_PMD = 2, PT_PTE = 1 };

static inline unsigned long pte_pfn(pteval_t e)
{
	return (unsigned long)((e & PTE_PFN_MASK) >> PAGE_SHIFT);
}
static inline pteval_t pfn_pte(unsigned long pfn, pteval_t prot)
{
	return ((pteval_t)pfn << PAGE_SHIFT) | prot;
}
static inline bool pte_present(pteval_t e) { return e & _PAGE_PRESENT; }
static inline bool pte_write(pteval_t e) { return e & _PAGE_RW; }
static inline bool pmd_leaf(pteval_t e) { return (e & (_PAGE_PRESENT | _PAGE_PSE)) ==
						(_PAGE_PRESENT | _PAGE_PSE); }

#include "mm_types.h"
#include "page.h"

/*
 * Read and write entry idx of the table in frame table_pfn.  Under the
 * explorer each is a scheduling point (the out-of-line *_sched versions);
 * otherwise an entry whose chunk exists is read or written inline.
 */
pteval_t pt_read_sched(struct machine *m, unsigned long table_pfn, unsigned int idx);
void pt_write_sched(struct machine *m, unsigned long table_pfn, unsigned int idx, pteval_t v);

/* The key m->pt_last_change records for entry idx of table_pfn, or a whole frame */
#define PT_CHANGE_FRAME	(~0ULL)
static inline uint64_t pt_change_key(unsigned long table_pfn, unsigned int idx)
{
	return (uint64_t)table_pfn << 9 | idx;
}

static inline void pt_note_change(struct machine *m, uint64_t key)
{
	m->pt_changes++;
	m->pt_last_change = key;
}

/* An entry write: the change, and the value a read finds now */
static inline void pt_note_write(struct machine *m, uint64_t key, pteval_t v)
{
	pt_note_change(m, key);
	m->pt_last_value = v;
}

static inline uint8_t *pt_entry_bytes(struct machine *m, unsigned long table_pfn,
				      unsigned int idx)
{
	return fstore_table_bytes(m, table_pfn, idx * 8);
}

static inline pteval_t pt_read(struct machine *m, unsigned long table_pfn, unsigned int idx)
{
	uint8_t *p;
	pteval_t v;

	if (unlikely(m->sched))
		return pt_read_sched(m, table_pfn, idx);
	p = pt_entry_bytes(m, table_pfn, idx);
	if (unlikely(!p))
		return 0;
	memcpy(&v, p, 8);
	return v;
}

static inline void pt_write(struct machine *m, unsigned long table_pfn, unsigned int idx,
			    pteval_t v)
{
	uint8_t *p;

	if (unlikely(m->sched)) {
		pt_write_sched(m, table_pfn, idx, v);
		return;
	}
	p = pt_entry_bytes(m, table_pfn, idx);
	pt_note_write(m, pt_change_key(table_pfn, idx), p ? v : 0);	/* none: reads 0 */
	if (likely(p))
		memcpy(p, &v, 8);
}

/* A zeroed table page: from memblock on node nid before the buddy is up
 * (vmemmap_alloc_block_zero), from the buddy after (pte_alloc_one_kernel).
 * Returns PFN_NONE on failure. */
unsigned long pgtable_alloc(struct machine *m, int nid);
void pgtable_free(struct machine *m, unsigned long pfn);

int mm_init_pgd(struct machine *m, struct mm_struct *mm, int nid);

/*
 * Walk to the entry that maps va.  Returns the entry and sets *level
 * (PT_PTE, or PT_PMD/PT_PUD for a leaf) and, when asked, the table and
 * index that hold it.  A missing level returns 0 with *level at that
 * level.
 */
pteval_t pt_walk(struct machine *m, struct mm_struct *mm, uint64_t va, enum pt_level *level,
		 unsigned long *table, unsigned int *idx);

/*
 * Make va map to pfn at the given level (PT_PMD: a 2 MiB leaf; PT_PTE),
 * allocating missing tables on node nid.  Returns 0 or -ENOMEM.
 */
int pt_map(struct machine *m, struct mm_struct *mm, uint64_t va, unsigned long pfn,
	   pteval_t prot, enum pt_level level, int nid);

/*
 * Split a 2 MiB leaf PMD into a PTE table with the same translation
 * (the table page comes from the buddy allocator); collapse a PTE table
 * whose 512 entries map one aligned 2 MiB range with the same protection
 * back into a leaf, freeing the table.  Both return 0 or a negative errno.
 */
int pt_split_pmd(struct machine *m, struct mm_struct *mm, uint64_t va, int nid);
int pt_collapse_pmd(struct machine *m, struct mm_struct *mm, uint64_t va);

/*
 * TLB maintenance.  Each CPU keeps translations until a flush reaches it.
 * flush_tlb_kernel_range() and flush_tlb_all() reach every CPU (under the
 * explorer as a synchronous IPI: they return once every CPU has it).
 * m->tlb_flushes counts calls.
 */
void flush_tlb_kernel_range(struct machine *m, uint64_t start, uint64_t end);
void flush_tlb_all(struct machine *m);

#endif /* MMSIM_PGTABLE_H */
