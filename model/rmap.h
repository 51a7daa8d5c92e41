/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rmap.h - reverse mapping (mm/rmap.c): anon_vmas, the mapcounts of
 * struct pages, and the walk from a page to every place that maps it.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include "mm.h"
#include "mm_types.h"

/* Made-up kernel addresses that name objects in page->mapping */
#define ANON_VMA_ADDR_BASE	0xffff88a000000000UL
#define MAPPING_ADDR_BASE	0xffff88b000000000UL
#define RMAP_OBJ_STRIDE		0x100UL

static inline uint64_t anon_vma_addr(const struct anon_vma *av)
{
	return ANON_VMA_ADDR_BASE + av->id * RMAP_OBJ_STRIDE;
}

/* The anon_vma a page->mapping value names, or NULL */
struct anon_vma *anon_vma_of_mapping(struct machine *m, uint64_t mapping);

/* Give vma an anon_vma before its first anonymous page: 0 or -ENOMEM */
int __anon_vma_prepare(struct machine *m, struct vm_area_struct *vma);
static inline int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma)
{
	sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&vma->anon_vma, sizeof(vma->anon_vma));
	if (likely(vma->anon_vma))
		return 0;
	return __anon_vma_prepare(m, vma);
}
/* Chain dst to every anon_vma src is chained to (split, fork) */
void anon_vma_clone(struct machine *m, struct vm_area_struct *dst,
		    struct vm_area_struct *src);
/* fork: clone the parent's chain and give the child VMA an anon_vma of its own */
int anon_vma_fork(struct machine *m, struct vm_area_struct *vma,
		  struct vm_area_struct *pvma);
/* Drop every chain of vma (it is going away) */
void unlink_anon_vmas(struct machine *m, struct vm_area_struct *vma);

/* The virtual address of page index pgoff in vma */
static inline uint64_t vma_address_of(const struct vm_area_struct *vma, unsigned long pgoff)
{
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}
static inline unsigned long linear_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* page_mapcount of a small page */
int page_mapcount(struct machine *m, unsigned long pfn);
static inline bool PageAnon(struct machine *m, unsigned long pfn);

/* A new anonymous page, mapped once at addr in vma (exclusive) */
void page_add_new_anon_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma,
			    uint64_t addr);
/* One more mapping of a page already mapped (fork's copy) */
void page_dup_rmap(struct machine *m, unsigned long pfn);
/* A file page gains a mapping */
void page_add_file_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma);
/* A page loses a mapping */
void page_remove_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma);

/*
 * Visit every (vma, address) at which the page may be mapped: the VMAs
 * of its anon_vma tree, or of its file's i_mmap.  Stops when fn returns
 * false.
 */
typedef bool (*rmap_one_fn)(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			    void *arg);
void rmap_walk(struct machine *m, unsigned long pfn, rmap_one_fn fn, void *arg);
/* The file half of rmap_walk, in filemap.c */
void rmap_walk_file(struct machine *m, unsigned long pfn, rmap_one_fn fn, void *arg);

#include "page.h"
#include "migrate.h"

/*
 * page_add_new_anon_rmap for the page a handle stands for (page.h says
 * when one may be passed on)
 */
static inline void page_add_new_anon_rmap_ph(struct machine *m, struct page_handle *p,
					     struct vm_area_struct *vma, uint64_t addr)
{
	/* a new page: nobody else can see it yet, so no atomics needed */
	ph_write32(m, p, PGOFF_MAPCOUNT, 0);
	m->node[(ph_page_flags(m, p) >> NODES_PGSHIFT) & NODES_MASK].vm_stat[NR_ANON_MAPPED]++;
	ph_set_page_mapping(m, p, anon_vma_addr(vma->anon_vma) | PAGE_MAPPING_ANON);
	ph_set_page_index(m, p, linear_page_index(vma, addr));
	ph_set_page_flags(m, p, ph_page_flags(m, p) | (1UL << PG_anon_exclusive));
}

/* The head of the folio pfn belongs to (pfn itself for a small page) */
static inline unsigned long page_head(struct machine *m, unsigned long pfn)
{
	return PageTail(m, pfn) ? compound_head(m, pfn) : pfn;
}

static inline bool PageAnon(struct machine *m, unsigned long pfn)
{
	return page_mapping(m, page_head(m, pfn)) & PAGE_MAPPING_ANON;
}

/* PageDoubleMap: PG_workingset of the first tail page (6.1) */
static inline bool PageDoubleMap(struct machine *m, unsigned long head)
{
	return test_page_flag(m, head + 1, PG_workingset);
}

/* The number of PMD mappings of a THP (compound_mapcount) */
static inline int compound_mapcount(struct machine *m, unsigned long head)
{
	return (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1;
}

/* A THP mapped by a PMD: the PMD's rmap (compound) */
void page_add_new_anon_rmap_pmd(struct machine *m, unsigned long head, struct vm_area_struct *vma,
				uint64_t haddr);
void page_dup_rmap_pmd(struct machine *m, unsigned long head);
void page_add_file_rmap_pmd(struct machine *m, unsigned long head);
void page_remove_rmap_pmd(struct machine *m, unsigned long head);
/* A PMD mapping of an anon THP becomes 512 PTE mappings (__split_huge_pmd_locked) */
void page_rmap_split_pmd_anon(struct machine *m, unsigned long head);
/* The THP lost some of its mappings and may be split later */
void deferred_split_huge_page(struct machine *m, unsigned long head);

#endif /* MMSIM_RMAP_H */
