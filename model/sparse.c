// SPDX-License-Identifier: GPL-2.0-only
/*
 * sparse.c - memory sections after boot and the vmemmap behind them
 * (see sparse.h): sparse_add_section / section_deactivate with their
 * sub-section maps (mm/sparse.c), __add_pages / __remove_pages
 * (mm/memory_hotplug.c), and x86's vmemmap_populate / vmemmap_free with
 * remove_pagetable and its helpers (arch/x86/mm/init_64.c, 6.1), on
 * init_mm's real page tables.
 *
 * Backing memory.  vmemmap_alloc_block_buf takes blocks from the altmap
 * when there is one (memmap_on_memory), else from boot's per-node sparse
 * buffer while it lasts, else from memblock before the buddy allocator is
 * up and from the buddy after (GFP_KERNEL | __GFP_RETRY_MAYFAIL |
 * __GFP_NOWARN on the node, falling back to other nodes as
 * alloc_pages_node does).  A 2 MiB block that cannot be had falls back to
 * base pages for that PMD (never with an altmap: -ENOMEM).  Page-table
 * pages come from pgtable_alloc (pgtable.c), as vmemmap_alloc_block_zero.
 * free_pagetable gives boot memory (PageReserved) back one page at a time
 * through free_bootmem_page and buddy memory with __free_pages; the
 * frames keep their bytes, as memory does, so a block freed with 0xFD in
 * it reads 0xFD when it comes back.
 *
 * The sub-PMD rules (which bytes of a partly used PMD are marked 0xFD,
 * when such a PMD is freed) are the vmemmap-subpmd policy family's
 * (policies/vmemmap_subpmd.c); the mechanism here calls its ops where
 * x86 calls vmemmap_use_new_sub_pmd, vmemmap_use_sub_pmd and
 * vmemmap_pmd_is_unused.
 *
 * Simplified: the direct map is not modelled (init_memory_mapping and
 * kernel_physical_mapping_remove do nothing), nor sync_global_pgds (every
 * CPU walks init_mm), nor page_init_poison (off in Debian's config).  A
 * WARN the kernel prints on a bad remove is a simulated failure.
 */
#include <errno.h>
#include <string.h>

#include "cpu.h"
#include "gfp.h"
#include "host.h"
#include "machine.h"
#include "memblock.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "policies/vmemmap_subpmd.h"
#include "sparse.h"
#include "vout.h"

#define VMEMMAP_GFP	(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define PMD_NR		(PMD_SIZE >> PAGE_SHIFT)
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)

static inline unsigned int vm_index(uint64_t va, enum pt_level l)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (l - PT_PTE))) & (PTRS_PER_TABLE - 1);
}

/* The end of the step of size sz from addr, or end: pmd_addr_end and its kin */
static inline uint64_t addr_end(uint64_t addr, uint64_t end, uint64_t sz)
{
	uint64_t b = (addr + sz) & ~(sz - 1);

	return b - 1 < end - 1 ? b : end;
}

/* -------------------------------------------------------------------------
 * Sections and sub-section maps (mm/sparse.c)
 */
void sparse_index_init(struct machine *m, unsigned long section_nr)
{
	unsigned long n = m->nr_sections, want = section_nr + 1;

	if (section_nr < n)
		return;
	if (want < 2 * n)
		want = 2 * n;
	if (want > MAX_PHYS_PFN >> PFN_SECTION_SHIFT)
		want = MAX_PHYS_PFN >> PFN_SECTION_SHIFT;
	m->sections = host_reallocarray(m->sections, want, sizeof(*m->sections),
					"growing the mem_section table");
	memset(m->sections + n, 0, (want - n) * sizeof(*m->sections));
	m->nr_sections = want;
	fstore_grow(m, want);
}

bool memmap_in_use(struct machine *m, unsigned long pfn)
{
	const struct mem_section *ms = __pfn_to_section(m, pfn);

	if (!ms || !ms->has_memmap)
		return false;
	return ms->early || (ms->subsection_map >> subsection_idx(pfn) & 1);
}

/* The sub-sections [pfn, pfn + nr_pages) covers, within one section (subsection_mask_set) */
static uint64_t subsection_mask(unsigned long pfn, unsigned long nr_pages)
{
	unsigned int first, last;

	if (!nr_pages)
		return 0;
	first = subsection_idx(pfn);
	last = subsection_idx(pfn + nr_pages - 1);
	return (last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1) & ~((1ULL << first) - 1);
}

static int fill_subsection_map(struct machine *m, unsigned long pfn, unsigned long nr_pages)
{
	struct mem_section *ms = __pfn_to_section(m, pfn);
	uint64_t map = subsection_mask(pfn, nr_pages);

	if (!map)
		return -EINVAL;
	if (map & ms->subsection_map)
		return -EEXIST;
	ms->subsection_map |= map;
	return 0;
}

static int clear_subsection_map(struct machine *m, unsigned long pfn, unsigned long nr_pages)
{
	struct mem_section *ms = __pfn_to_section(m, pfn);
	uint64_t map = subsection_mask(pfn, nr_pages);

	if (!ms || (ms->subsection_map & map) != map) {
		mm_fail(m, "WARNING: section already deactivated (%#lx + %ld)", pfn, (long)nr_pages);
		return -EINVAL;
	}
	ms->subsection_map ^= map;
	return 0;
}

static void section_deactivate(struct machine *m, unsigned long pfn, unsigned long nr_pages,
			       struct vmem_altmap *altmap)
{
	struct mem_section *ms = __pfn_to_section(m, pfn);
	bool early = ms && ms->early, empty, memmap = false;

	if (clear_subsection_map(m, pfn, nr_pages))
		return;
	empty = !ms->subsection_map;
	if (empty) {
		ms->has_memmap = false;
		memmap = true;
	}
	/* an early section's memmap is populated whole and goes whole */
	if (!early) {
		vmemmap_free(m, page_va(m, pfn), page_va(m, pfn + nr_pages), altmap);
	} else if (memmap) {
		unsigned long sec = pfn & ~(PAGES_PER_SECTION - 1);

		vmemmap_free(m, page_va(m, sec), page_va(m, sec + PAGES_PER_SECTION), NULL);
	}
	if (empty) {
		ms->present = false;
		ms->online = false;
		ms->early = false;
	}
}

/* __populate_section_memmap */
static int populate_section_memmap(struct machine *m, unsigned long pfn, unsigned long nr_pages,
				   int nid, struct vmem_altmap *altmap)
{
	if ((pfn | nr_pages) & (PAGES_PER_SUBSECTION - 1))
		return -ENOMEM;		/* WARN_ON_ONCE, then NULL: check_pfn_span caught it */
	return vmemmap_populate(m, page_va(m, pfn), page_va(m, pfn + nr_pages), nid, altmap) ?
	       -ENOMEM : 0;
}

static int section_activate(struct machine *m, int nid, unsigned long pfn, unsigned long nr_pages,
			    struct vmem_altmap *altmap)
{
	struct mem_section *ms = __pfn_to_section(m, pfn);
	int rc = fill_subsection_map(m, pfn, nr_pages);

	if (rc)
		return rc;
	/* a piece of a boot section: its memmap is there already */
	if (nr_pages < PAGES_PER_SECTION && ms->early)
		return 0;
	if (populate_section_memmap(m, pfn, nr_pages, nid, altmap)) {
		section_deactivate(m, pfn, nr_pages, altmap);
		return -ENOMEM;
	}
	return 0;
}

int sparse_add_section(struct machine *m, int nid, unsigned long start_pfn,
		       unsigned long nr_pages, struct vmem_altmap *altmap,
		       struct dev_pagemap *pgmap)
{
	unsigned long section_nr = start_pfn >> PFN_SECTION_SHIFT;
	struct mem_section *ms;
	int rc;

	sparse_index_init(m, section_nr);
	rc = section_activate(m, nid, start_pfn, nr_pages, altmap);
	if (rc)
		return rc;
	ms = &m->sections[section_nr];
	ms->nid = nid;
	ms->present = true;
	ms->has_memmap = true;
	m->vmemmap.sections_added++;
	return 0;
}

void sparse_remove_section(struct machine *m, unsigned long pfn, unsigned long nr_pages,
			   unsigned long map_offset, struct vmem_altmap *altmap)
{
	section_deactivate(m, pfn, nr_pages, altmap);
	m->vmemmap.sections_removed++;
}

/* -------------------------------------------------------------------------
 * __add_pages / __remove_pages (mm/memory_hotplug.c), add_pages and
 * arch_add_memory / arch_remove_memory (arch/x86/mm/init_64.c)
 */
static bool check_pfn_span(unsigned long pfn, unsigned long nr_pages)
{
	return ((pfn | nr_pages) & (PAGES_PER_SUBSECTION - 1)) == 0;
}

static unsigned long section_piece(unsigned long pfn, unsigned long end_pfn)
{
	unsigned long next = (pfn + PAGES_PER_SECTION) & ~(PAGES_PER_SECTION - 1);

	return (next < end_pfn ? next : end_pfn) - pfn;
}

int __add_pages(struct machine *m, int nid, unsigned long pfn, unsigned long nr_pages,
		struct mhp_params *params)
{
	const unsigned long end_pfn = pfn + nr_pages;
	struct vmem_altmap *altmap = params->altmap;
	int err = -EINVAL;

	if (!params->pgprot || nid < 0 || nid >= m->nr_nodes)
		return -EINVAL;
	if (altmap) {
		if (altmap->base_pfn != pfn || vmem_altmap_offset(altmap) > nr_pages)
			return -EINVAL;		/* "memory add fail, invalid altmap" */
		altmap->alloc = 0;
	}
	if (!nr_pages || !check_pfn_span(pfn, nr_pages))
		return -EINVAL;
	for (unsigned long cur; pfn < end_pfn; pfn += cur) {
		cur = section_piece(pfn, end_pfn);
		err = sparse_add_section(m, nid, pfn, cur, altmap, params->pgmap);
		if (err)
			break;
	}
	return err;
}

int arch_add_memory(struct machine *m, int nid, unsigned long start_pfn, unsigned long nr_pages,
		    struct mhp_params *params)
{
	unsigned long end_pfn = start_pfn + nr_pages;
	int ret;

	/* init_memory_mapping: the direct map is not modelled */
	if (end_pfn > MAX_PHYS_PFN || end_pfn < start_pfn)
		return -ERANGE;		/* add_pages: beyond PHYSMEM_END */
	ret = __add_pages(m, nid, start_pfn, nr_pages, params);
	/* update_end_of_memory_vars, but not for a driver's range */
	if (!params->pgmap && end_pfn > m->max_pfn)
		m->max_pfn = end_pfn;
	return ret;
}

void __remove_pages(struct machine *m, unsigned long pfn, unsigned long nr_pages,
		    struct vmem_altmap *altmap)
{
	const unsigned long end_pfn = pfn + nr_pages;
	unsigned long map_offset = vmem_altmap_offset(altmap);

	if (!check_pfn_span(pfn, nr_pages)) {
		mm_fail(m, "WARNING: Misaligned __remove_pages start: %#lx end: %#lx", pfn,
			end_pfn - 1);
		return;
	}
	for (unsigned long cur; pfn < end_pfn; pfn += cur) {
		const struct mem_section *ms = __pfn_to_section(m, pfn);

		cur = section_piece(pfn, end_pfn);
		if (!ms || !ms->has_memmap) {	/* __remove_section: WARN_ON_ONCE(!valid_section) */
			mm_fail(m, "WARNING: __remove_section of section %lu, which has no memmap",
				pfn >> PFN_SECTION_SHIFT);
			continue;
		}
		sparse_remove_section(m, pfn, cur, map_offset, altmap);
		map_offset = 0;
	}
}

void arch_remove_memory(struct machine *m, unsigned long start_pfn, unsigned long nr_pages,
			struct vmem_altmap *altmap)
{
	__remove_pages(m, start_pfn, nr_pages, altmap);
	/* kernel_physical_mapping_remove: the direct map is not modelled */
}

/* -------------------------------------------------------------------------
 * Backing memory (mm/sparse.c, mm/sparse-vmemmap.c)
 */
static unsigned long sparse_buffer_alloc(struct machine *m, unsigned long nr)
{
	struct vmemmap_state *st = &m->vmemmap;
	unsigned long p;

	if (!st->sparsemap_buf)
		return PFN_NONE;
	p = (st->sparsemap_buf + nr - 1) / nr * nr;
	if (p + nr > st->sparsemap_buf_end)
		return PFN_NONE;
	if (p > st->sparsemap_buf)
		memblock_free(m, st->sparsemap_buf, p);		/* sparse_buffer_free */
	st->sparsemap_buf = p + nr;
	return p;
}

static unsigned long vmemmap_alloc_block(struct machine *m, unsigned long nr, int node)
{
	if (!m->buddy_up)
		return memblock_alloc_try_nid(m, nr, nr, DMA_PFN_END, MEMBLOCK_ALLOC_ANYWHERE, node,
					      false, "memmap");
	return alloc_pages_node(m, node, VMEMMAP_GFP, (unsigned int)__builtin_ctzl(nr));
}

static unsigned long altmap_alloc_block_buf(struct vmem_altmap *altmap, unsigned long nr)
{
	unsigned long pfn = altmap->base_pfn + altmap->reserve + altmap->alloc + altmap->align;
	unsigned long used = altmap->alloc + altmap->align;
	unsigned long nr_free = altmap->free > used ? altmap->free - used : 0;
	unsigned long nr_align = 1UL << __builtin_ctzl(nr);

	nr_align = ((pfn + nr_align - 1) & ~(nr_align - 1)) - pfn;
	if (nr + nr_align > nr_free)
		return PFN_NONE;
	altmap->alloc += nr;
	altmap->align += nr_align;
	return pfn + nr_align;
}

static unsigned long vmemmap_alloc_block_buf(struct machine *m, unsigned long nr, int node,
					     struct vmem_altmap *altmap)
{
	unsigned long p;

	if (altmap)
		return altmap_alloc_block_buf(altmap, nr);
	p = sparse_buffer_alloc(m, nr);
	if (p == PFN_NONE)
		p = vmemmap_alloc_block(m, nr, node);
	return p;
}

/* nr frames from pfn now back the vmemmap at va: who counts them */
static void vmemmap_account(struct machine *m, unsigned long pfn, unsigned long nr, uint64_t va,
			    int node, bool altmap)
{
	if (!m->buddy_up) {
		fstore_add_origin(m, pfn, nr, va);
		m->node[node].memmap_pages += nr;
	} else if (!altmap) {
		m->node[pfn_to_nid(m, pfn)].nr_memmap_pages += (long)nr;
	}
}

/* free_pagetable: boot memory page by page, buddy memory as allocated */
static void free_pagetable(struct machine *m, unsigned long pfn, unsigned int order)
{
	if (PageReserved(m, pfn)) {
		for (unsigned long i = 0; i < 1UL << order; i++)
			free_bootmem_page(m, pfn + i);
		return;
	}
	__free_pages(m, pfn, order);
}

/* A vmemmap block going: the node counters (6.12's NR_MEMMAP, NR_MEMMAP_BOOT), then the free */
static void free_vmemmap_block(struct machine *m, unsigned long pfn, unsigned int order,
			       struct vmem_altmap *altmap)
{
	long nr = 1L << order;

	if (altmap) {
		altmap->alloc -= (unsigned long)nr;	/* vmem_altmap_free */
		return;
	}
	if (PageReserved(m, pfn))
		m->node[pfn_to_nid(m, pfn)].nr_memmap_boot_pages -= nr;
	else
		m->node[pfn_to_nid(m, pfn)].nr_memmap_pages -= nr;
	free_pagetable(m, pfn, order);
}

/* -------------------------------------------------------------------------
 * vmemmap_populate (arch/x86/mm/init_64.c, mm/sparse-vmemmap.c)
 */

/*
 * vmemmap_pgd/p4d/pud_populate: the PMD table covering va, the levels
 * above allocated on node as needed.  PFN_NONE when a table cannot be had.
 */
static unsigned long vmemmap_pmd_table(struct machine *m, uint64_t va, int node)
{
	unsigned long t = m->init_mm->pgd;

	for (enum pt_level l = PT_PGD; l > PT_PMD; l--) {
		unsigned int i = vm_index(va, l);
		pteval_t e = pt_read(m, t, i);

		if (!pte_present(e)) {
			unsigned long nt = pgtable_alloc(m, node);

			if (nt == PFN_NONE)
				return PFN_NONE;
			m->init_mm->nr_pgtables++;
			e = pfn_pte(nt, _KERNPG_TABLE);
			pt_write(m, t, i, e);
		}
		t = pte_pfn(e);
	}
	return t;
}

/* vmemmap_populate_address: map the page at addr; 0 or a negative errno */
static int vmemmap_populate_address(struct machine *m, uint64_t addr, int node,
				    struct vmem_altmap *altmap)
{
	unsigned long pmd_t = vmemmap_pmd_table(m, addr, node), pte_t, p;
	unsigned int i = vm_index(addr, PT_PMD), pi = vm_index(addr, PT_PTE);
	pteval_t e;

	if (pmd_t == PFN_NONE)
		return -ENOMEM;
	e = pt_read(m, pmd_t, i);
	if (!pte_present(e)) {		/* vmemmap_pmd_populate */
		unsigned long nt = pgtable_alloc(m, node);

		if (nt == PFN_NONE)
			return -ENOMEM;
		m->init_mm->nr_pgtables++;
		e = pfn_pte(nt, _KERNPG_TABLE);
		pt_write(m, pmd_t, i, e);
	} else if (pmd_leaf(e)) {
		/*
		 * pte_offset_kernel() of a huge PMD: the 2 MiB block's first
		 * frame is read as a PTE table.  A non-zero "entry" (a struct
		 * page field, or 0xFD) counts as present and nothing is
		 * written; a zero one would get a PTE written into struct page
		 * memory, which the model reports instead.
		 */
		uint8_t *b = fstore_frame_bytes(m, pte_pfn(e), pi * 8);
		uint64_t v = 0;

		if (b)
			memcpy(&v, b, 8);
		m->vmemmap.pte_on_huge_pmd++;
		if (!v) {
			mm_fail(m, "vmemmap_populate_basepages: the PMD of %#llx maps a 2 MiB block; "
				"pte_offset_kernel() reads struct pages of frame %#lx as a PTE table "
				"and would write a PTE into them", (unsigned long long)addr,
				pte_pfn(e));
			return -EFAULT;
		}
		return 0;
	}
	pte_t = pte_pfn(e);
	if (pt_read(m, pte_t, pi))
		return 0;		/* vmemmap_pte_populate: not pte_none */
	p = vmemmap_alloc_block_buf(m, 1, node, altmap);
	if (p == PFN_NONE)
		return -ENOMEM;
	pt_write(m, pte_t, pi, pfn_pte(p, PAGE_KERNEL));
	vmemmap_account(m, p, 1, addr & ~(PAGE_SIZE - 1), node, altmap != NULL);
	m->vmemmap.ptes_populated++;
	return 0;
}

int vmemmap_populate_basepages(struct machine *m, uint64_t start, uint64_t end, int node,
			       struct vmem_altmap *altmap)
{
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		int rc = vmemmap_populate_address(m, addr, node, altmap);

		if (rc)
			return rc == -EFAULT ? rc : -ENOMEM;
	}
	return 0;
}

static int vmemmap_populate_hugepages(struct machine *m, uint64_t start, uint64_t end, int node,
				      struct vmem_altmap *altmap)
{
	const struct vmemmap_subpmd_ops *ops = vmemmap_subpmd_ops(m);

	for (uint64_t addr = start, next; addr < end; addr = next) {
		unsigned long t, p;
		unsigned int i;
		pteval_t e;

		next = addr_end(addr, end, PMD_SIZE);
		t = vmemmap_pmd_table(m, addr, node);
		if (t == PFN_NONE)
			return -ENOMEM;
		i = vm_index(addr, PT_PMD);
		e = pt_read(m, t, i);
		if (!pte_present(e)) {
			p = vmemmap_alloc_block_buf(m, PMD_NR, node, altmap);
			if (p != PFN_NONE) {
				pt_write(m, t, i, pfn_pte(p, PAGE_KERNEL_LARGE));
				vmemmap_account(m, p, PMD_NR, addr & ~(PMD_SIZE - 1), node,
						altmap != NULL);
				m->vmemmap.pmds_populated++;
				if ((addr | next) & (PMD_SIZE - 1))
					ops->use_new_sub_pmd(m, addr, next);
				continue;
			}
			if (altmap)
				return -ENOMEM;		/* no fallback */
			m->vmemmap.basepage_fallbacks++;
		} else if (pmd_leaf(e)) {
			/* vmemmap_verify only warns about an off-node block */
			ops->use_sub_pmd(m, addr, next);
			continue;
		}
		if (vmemmap_populate_basepages(m, addr, next, node, NULL))
			return -ENOMEM;
	}
	return 0;
}

int vmemmap_populate(struct machine *m, uint64_t start, uint64_t end, int node,
		     struct vmem_altmap *altmap)
{
	/* less than a section's memmap: base pages (and no altmap, as x86 passes none) */
	if (end - start < PAGES_PER_SECTION * m->sps)
		return vmemmap_populate_basepages(m, start, end, node, NULL);
	return vmemmap_populate_hugepages(m, start, end, node, altmap);
	/* sync_global_pgds: every CPU of the model walks init_mm itself */
}

/* -------------------------------------------------------------------------
 * vmemmap_free: remove_pagetable and its helpers (arch/x86/mm/init_64.c)
 */
/*
 * Has the table no entry left?  Under the explorer the scan is one step,
 * a read of the whole table: 512 steps would multiply the places another
 * CPU's IPI can land in, and no writer that may race it changes whether
 * an entry is empty (HVO turns a present vmemmap entry into another
 * present one; populating and removing run under mem_hotplug_lock, as
 * this scan does).
 */
static bool table_empty(struct machine *m, unsigned long t)
{
	if (unlikely(m->sched)) {
		sched_point(m, SCHED_READ, (uint64_t)t << PAGE_SHIFT, PAGE_SIZE);
		for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
			const uint8_t *p = pt_entry_bytes(m, t, i);
			pteval_t v = 0;

			if (p)
				memcpy(&v, p, sizeof(v));
			if (v)
				return false;
		}
		return true;
	}
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		if (pt_read(m, t, i))
			return false;
	return true;
}

/*
 * free_pte_table, free_pmd_table: a table with no entry left goes, then
 * its entry in the parent is cleared (under init_mm's page_table_lock in
 * the kernel, which no walker of init_mm takes).  Only mem_hotplug_lock
 * keeps a walker out of the table meanwhile.  Under the explorer the
 * frame, once free, is announced as written whole (whoever gets it next
 * may write any of it), so a walker's read of the table is ordered
 * against the free; the walker reports a read of a free table
 * (pagewalk.h).
 */
static void free_table_if_empty(struct machine *m, unsigned long t, unsigned long parent,
				unsigned int idx)
{
	if (!table_empty(m, t))
		return;
	free_pagetable(m, t, 0);
	sched_point(m, SCHED_WRITE, (uint64_t)t << PAGE_SHIFT, PAGE_SIZE);
	m->init_mm->nr_pgtables--;
	pt_write(m, parent, idx, 0);
}

static void remove_pte_table(struct machine *m, unsigned long t, uint64_t addr, uint64_t end)
{
	for (uint64_t next; addr < end; addr = next) {
		unsigned int i = vm_index(addr, PT_PTE);
		pteval_t e = pt_read(m, t, i);

		next = addr_end(addr, end, PAGE_SIZE);
		if (!pte_present(e))
			continue;
		free_vmemmap_block(m, pte_pfn(e), 0, NULL);
		pt_write(m, t, i, 0);
		m->vmemmap.ptes_freed++;
	}
	flush_tlb_all(m);
}

static void remove_pmd_table(struct machine *m, unsigned long t, uint64_t addr, uint64_t end,
			     struct vmem_altmap *altmap)
{
	const struct vmemmap_subpmd_ops *ops = vmemmap_subpmd_ops(m);

	for (uint64_t next; addr < end; addr = next) {
		unsigned int i = vm_index(addr, PT_PMD);
		pteval_t e = pt_read(m, t, i);

		next = addr_end(addr, end, PMD_SIZE);
		if (!pte_present(e))
			continue;
		if (pmd_leaf(e)) {
			if (!((addr | next) & (PMD_SIZE - 1)) || ops->pmd_is_unused(m, addr, next)) {
				free_vmemmap_block(m, pte_pfn(e), HPAGE_PMD_ORDER, altmap);
				pt_write(m, t, i, 0);
				m->vmemmap.pmds_freed++;
			}
			continue;
		}
		remove_pte_table(m, pte_pfn(e), addr, next);
		free_table_if_empty(m, pte_pfn(e), t, i);
	}
}

static void remove_pud_table(struct machine *m, unsigned long t, uint64_t addr, uint64_t end,
			     struct vmem_altmap *altmap)
{
	for (uint64_t next; addr < end; addr = next) {
		unsigned int i = vm_index(addr, PT_PUD);
		pteval_t e = pt_read(m, t, i);

		next = addr_end(addr, end, PUD_SIZE);
		if (!pte_present(e) || (e & _PAGE_PSE))
			continue;	/* the vmemmap has no 1 GiB leaves */
		remove_pmd_table(m, pte_pfn(e), addr, next, altmap);
		free_table_if_empty(m, pte_pfn(e), t, i);
	}
}

void vmemmap_free(struct machine *m, uint64_t start, uint64_t end, struct vmem_altmap *altmap)
{
	unsigned long pgd = m->init_mm->pgd;

	for (uint64_t addr = start, next; addr < end; addr = next) {
		pteval_t e = pt_read(m, pgd, vm_index(addr, PT_PGD));

		next = addr_end(addr, end, PGDIR_SIZE);
		if (!pte_present(e))
			continue;
		/* 4-level paging: remove_p4d_table keeps the PUD table */
		remove_pud_table(m, pte_pfn(e), addr, next, altmap);
	}
	flush_tlb_all(m);
}

/* -------------------------------------------------------------------------
 * Bytes through the vmemmap, and the census
 */
void vmemmap_memset(struct machine *m, uint64_t va, uint64_t len, uint8_t byte)
{
	struct vmemmap_state *st = &m->vmemmap;

	if (st->defer_fills && len) {
		if (st->nr_fills == st->cap_fills) {
			st->cap_fills = st->cap_fills ? 2 * st->cap_fills : 16;
			st->fills = host_reallocarray(st->fills, st->cap_fills, sizeof(*st->fills),
						      "queueing boot vmemmap fills");
		}
		st->fills[st->nr_fills++] = (struct vmemmap_fill){ va, len, byte };
		return;
	}
	while (len) {
		unsigned int off = (unsigned int)(va & (PAGE_SIZE - 1));
		unsigned int n = PAGE_SIZE - off < len ? (unsigned int)(PAGE_SIZE - off) : (unsigned int)len;
		unsigned long frame;
		bool w;

		if (!vmemmap_peek(m, va, &frame, &w, NULL) || !w) {
			mm_fail(m, "BUG: unable to handle page fault for address: %#llx "
				"(#PF: supervisor write access in kernel mode, %s)",
				(unsigned long long)va, w ? "not-present page" : "permissions violation");
			return;
		}
		fstore_frame_fill(m, frame, off, n, byte);
		va += n;
		len -= n;
	}
}

void vmemmap_boot_fills_apply(struct machine *m)
{
	struct vmemmap_state *st = &m->vmemmap;

	st->defer_fills = false;
	for (size_t i = 0; i < st->nr_fills; i++) {
		const struct vmemmap_fill *f = &st->fills[i];
		unsigned long pfn = (unsigned long)((f->va - VMEMMAP_START) / m->sps);

		if (!f->byte && memmap_in_use(m, pfn))
			continue;	/* __vmemmap_use_sub_pmd: memmap_init writes it */
		vmemmap_memset(m, f->va, f->len, f->byte);
	}
	host_free(st->fills);
	st->fills = NULL;
	st->nr_fills = st->cap_fills = 0;
}

uint64_t vmemmap_count_byte(struct machine *m, uint64_t va, uint64_t len, uint8_t byte)
{
	uint64_t k = 0;

	while (len) {
		unsigned int off = (unsigned int)(va & (PAGE_SIZE - 1));
		unsigned int n = PAGE_SIZE - off < len ? (unsigned int)(PAGE_SIZE - off) : (unsigned int)len;
		unsigned long frame;
		bool w;

		if (vmemmap_peek(m, va, &frame, &w, NULL))
			k += fstore_frame_count(m, frame, off, n, byte);
		va += n;
		len -= n;
	}
	return k;
}

/* One huge vmemmap PMD at va: which of its bytes belong to struct pages in use */
static void census_pmd(struct machine *m, uint64_t va, struct vmemmap_census *c)
{
	uint64_t end = va + PMD_SIZE, marked = 0;
	unsigned long pfn = (unsigned long)((va - VMEMMAP_START) / m->sps);
	unsigned long last = (unsigned long)((end - 1 - VMEMMAP_START) / m->sps);
	bool used = false, unused = false;

	while (pfn <= last) {
		unsigned long next = (pfn | (PAGES_PER_SUBSECTION - 1)) + 1;
		uint64_t lo, hi;

		if (next > last + 1)
			next = last + 1;
		if (memmap_in_use(m, pfn)) {
			used = true;
		} else {
			unused = true;
			lo = page_va(m, pfn) > va ? page_va(m, pfn) : va;
			hi = page_va(m, next) < end ? page_va(m, next) : end;
			marked += vmemmap_count_byte(m, lo, hi - lo, PAGE_UNUSED);
		}
		pfn = next;
	}
	c->pmds++;
	c->pages += PMD_NR;
	if (!used)
		c->pmds_leaked++;
	else if (unused)
		c->pmds_partial++;
	if (marked)
		c->pmds_marked++;
	c->bytes_marked += marked;
}

void vmemmap_census(struct machine *m, struct vmemmap_census *c)
{
	uint64_t end = page_va(m, m->nr_sections << PFN_SECTION_SHIFT);

	memset(c, 0, sizeof(*c));
	if (!m->init_mm)
		return;
	for (uint64_t g = VMEMMAP_START & ~(PGDIR_SIZE - 1); g < end; g += PGDIR_SIZE) {
		pteval_t ge = pt_read(m, m->init_mm->pgd, vm_index(g, PT_PGD));

		if (!pte_present(ge))
			continue;
		for (unsigned int ui = 0; ui < PTRS_PER_TABLE; ui++) {
			uint64_t u = g + (uint64_t)ui * PUD_SIZE;
			pteval_t ue;

			if (u < (VMEMMAP_START & ~(PUD_SIZE - 1)) || u >= end)
				continue;
			ue = pt_read(m, pte_pfn(ge), ui);
			if (!pte_present(ue) || (ue & _PAGE_PSE))
				continue;
			for (unsigned int mi = 0; mi < PTRS_PER_TABLE; mi++) {
				uint64_t p = u + (uint64_t)mi * PMD_SIZE;
				pteval_t me = pt_read(m, pte_pfn(ue), mi);

				if (!pte_present(me))
					continue;
				if (pmd_leaf(me)) {
					census_pmd(m, p, c);
					continue;
				}
				c->pte_tables++;
				for (unsigned int pi = 0; pi < PTRS_PER_TABLE; pi++)
					c->pages += pte_present(pt_read(m, pte_pfn(me), pi));
			}
		}
	}
}

/* -------------------------------------------------------------------------
 * The module: the vmemmap-subpmd family and the vmemmap.* and sparse.*
 * counters
 */
static void vmemmap_counters(struct machine *m, struct vout *vo)
{
	const struct vmemmap_state *st = &m->vmemmap;
	uint64_t ups = st->unused_pmd_start;
	struct vmemmap_census c;

	vmemmap_census(m, &c);
	vo_rec(vo, (long)c.pmds, "vmemmap.pmds");
	vo_rec(vo, (long)c.pte_tables, "vmemmap.pte_tables");
	vo_rec(vo, (long)c.pages, "vmemmap.pages");
	vo_rec(vo, (long)c.pmds_partial, "vmemmap.pmds_partial");
	vo_rec(vo, (long)c.pmds_marked, "vmemmap.pmds_marked");
	vo_rec(vo, (long)c.bytes_marked, "vmemmap.bytes_marked");
	vo_rec(vo, (long)c.pmds_leaked, "vmemmap.pmds_leaked");
	vo_rec(vo, ups ? (long)(((ups + PMD_SIZE - 1) & ~(PMD_SIZE - 1)) - ups) : 0,
	       "vmemmap.unused_pending_bytes");
	vo_rec(vo, (long)st->pmds_populated, "vmemmap.pmds_populated");
	vo_rec(vo, (long)st->pmds_freed, "vmemmap.pmds_freed");
	vo_rec(vo, (long)st->ptes_populated, "vmemmap.ptes_populated");
	vo_rec(vo, (long)st->ptes_freed, "vmemmap.ptes_freed");
	vo_rec(vo, (long)st->basepage_fallbacks, "vmemmap.basepage_fallbacks");
	vo_rec(vo, (long)st->pte_on_huge_pmd, "vmemmap.pte_on_huge_pmd");
}

static void sparse_counters(struct machine *m, struct vout *vo)
{
	long present = 0, early = 0, hot = 0, device = 0;

	for (unsigned long s = 0; s < m->nr_sections; s++) {
		const struct mem_section *ms = &m->sections[s];

		if (!ms->present)
			continue;
		present++;
		early += ms->early;
		if (!ms->early)
			hot += __builtin_popcountll(ms->subsection_map);
		device += __builtin_popcountll(ms->zone_device_map);
	}
	vo_rec(vo, present, "sparse.present_sections");
	vo_rec(vo, early, "sparse.early_sections");
	vo_rec(vo, hot, "sparse.hotadded_subsections");
	vo_rec(vo, device, "sparse.device_subsections");
	vo_rec(vo, (long)m->vmemmap.sections_added, "sparse.sections_added");
	vo_rec(vo, (long)m->vmemmap.sections_removed, "sparse.sections_removed");
	vo_rec(vo, (long)m->max_pfn, "sparse.max_pfn");
}

static const struct counter_ns sparse_counter_ns[] = {
	{ "vmemmap.", vmemmap_counters },
	{ "sparse.", sparse_counters },
};

static const struct policy_family *const sparse_families[] = {
	&policy_family_vmemmap_subpmd,
};

const struct mm_module mm_module_sparse = {
	.name = "sparse",
	.counters = sparse_counter_ns,
	.nr_counters = ARRAY_SIZE(sparse_counter_ns),
	.families = sparse_families,
	.nr_families = ARRAY_SIZE(sparse_families),
};
