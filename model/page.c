// SPDX-License-Identifier: GPL-2.0-only
/*
 * page.c - storage of simulated frame contents and the struct page helpers
 * that are more than a field access.
 *
 * What is stored.  Only frames whose bytes the model reads have contents:
 * today the frames backing the vmemmap.  A frame is split into eight
 * 512-byte chunks, each allocated on first touch and filled with what boot
 * left there (page_boot_state()), so booting a machine touches one chunk
 * per free block head rather than every struct page.  Frames are found
 * through a two-level index by physical section, like mem_section[].
 *
 * Figures that decided the chunk size (1 TiB machine, 64-byte struct
 * pages, 262144 free order-10 heads after boot): 4 KiB granules would keep
 * 1 GiB of host memory for the heads alone; 512-byte chunks keep 128 MiB
 * plus the index.
 *
 * Where translations come from.  At boot each vmemmap PMD is backed by a
 * 2 MiB block of node-local memblock memory (boot.c, as vmemmap_populate
 * does with PSE).  pstore_xlate_slow() resolves a vmemmap address through
 * that table, and every CPU caches the result per chunk; remapping any
 * part of the vmemmap must flush the caches (pstore_flush_xc()).
 *
 * Bytes of a vmemmap PMD that no struct page occupies read as PAGE_UNUSED
 * (0xFD), as x86 fills them since 5.12.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"

#define PAGE_UNUSED	0xFD

struct pframe {
	uint64_t origin_va;		/* vmemmap page it backed at boot */
	uint8_t *chunk[PS_CHUNKS_PER_FRAME];
};

struct pstore {
	unsigned long nr_sec;
	struct pframe ***sec;		/* [section][pfn in section] */
	unsigned long nr_pmd;
	unsigned long *vmemmap_pmd;	/* backing pfn of each vmemmap PMD */
	size_t host_bytes;
};

int pstore_init(struct machine *m)
{
	struct pstore *ps = calloc(1, sizeof(*ps));
	unsigned long i;

	if (!ps)
		return -1;
	ps->nr_sec = (m->max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	ps->sec = calloc(ps->nr_sec ? ps->nr_sec : 1, sizeof(*ps->sec));
	ps->nr_pmd = ((uint64_t)ps->nr_sec * PAGES_PER_SECTION * m->sps + PMD_SIZE - 1) >> PMD_SHIFT;
	ps->vmemmap_pmd = malloc((ps->nr_pmd ? ps->nr_pmd : 1) * sizeof(unsigned long));
	m->ps_cpu = malloc(sizeof(struct ps_cpu) * (size_t)m->nr_cpus);
	if (!ps->sec || !ps->vmemmap_pmd || !m->ps_cpu) {
		free(ps->sec);
		free(ps->vmemmap_pmd);
		free(ps);
		free(m->ps_cpu);
		m->ps_cpu = NULL;
		return -1;
	}
	for (i = 0; i < ps->nr_pmd; i++)
		ps->vmemmap_pmd[i] = PFN_NONE;
	ps->host_bytes = sizeof(*ps) + ps->nr_sec * sizeof(*ps->sec) +
			 ps->nr_pmd * sizeof(unsigned long) +
			 sizeof(struct ps_cpu) * (size_t)m->nr_cpus;
	m->ps = ps;
	pstore_flush_xc(m);
	return 0;
}

void pstore_destroy(struct machine *m)
{
	struct pstore *ps = m->ps;
	unsigned long s, i;
	unsigned int c;

	if (!ps)
		return;
	for (s = 0; s < ps->nr_sec; s++) {
		if (!ps->sec[s])
			continue;
		for (i = 0; i < PAGES_PER_SECTION; i++) {
			struct pframe *pf = ps->sec[s][i];

			if (!pf)
				continue;
			for (c = 0; c < PS_CHUNKS_PER_FRAME; c++)
				free(pf->chunk[c]);
			free(pf);
		}
		free(ps->sec[s]);
	}
	free(ps->sec);
	free(ps->vmemmap_pmd);
	free(ps);
	free(m->ps_cpu);
	m->ps = NULL;
	m->ps_cpu = NULL;
}

size_t pstore_host_bytes(struct machine *m)
{
	return m->ps ? m->ps->host_bytes : 0;
}

void pstore_flush_xc(struct machine *m)
{
	for (int c = 0; c < m->nr_cpus; c++)
		for (unsigned long i = 0; i < PS_XC_SIZE; i++)
			m->ps_cpu[c].xc[i].tag = ~0ULL;
}

void pstore_map_vmemmap_pmd(struct machine *m, uint64_t va, unsigned long backing_pfn)
{
	unsigned long idx = (va - VMEMMAP_START) >> PMD_SHIFT;

	if (idx < m->ps->nr_pmd)
		m->ps->vmemmap_pmd[idx] = backing_pfn;
}

bool pstore_vmemmap_pmd_mapped(struct machine *m, uint64_t va)
{
	unsigned long idx = (va - VMEMMAP_START) >> PMD_SHIFT;

	return idx < m->ps->nr_pmd && m->ps->vmemmap_pmd[idx] != PFN_NONE;
}

bool pstore_page_mapped(struct machine *m, unsigned long pfn)
{
	unsigned long idx = (page_va(m, pfn) - VMEMMAP_START) >> PMD_SHIFT;

	return idx < m->ps->nr_pmd && m->ps->vmemmap_pmd[idx] != PFN_NONE;
}

/*
 * The state a struct page is in after boot unless something wrote it:
 * node and zone in the flags, no mapping, _mapcount -1, and either
 * reserved with one reference (holes inside a section and memblock
 * reservations, as reserve_bootmem_region and init_unavailable_range leave
 * them) or free with none (everything memblock_free_all released).  A pfn
 * beyond the machine has no struct page: its bytes are PAGE_UNUSED.
 */
void page_boot_state(struct machine *m, unsigned long pfn, uint8_t *buf)
{
	struct zone *z;
	uint64_t flags;
	uint32_t mapcount = (uint32_t)-1, ref;

	if (pfn >= m->max_pfn) {
		memset(buf, PAGE_UNUSED, m->sps);
		return;
	}
	memset(buf, 0, m->sps);
	z = pfn_zone(m, pfn);
	flags = ((uint64_t)pfn_to_nid(m, pfn) << NODES_PGSHIFT) |
		((uint64_t)(z ? z->idx : 0) << ZONES_PGSHIFT);
	if (!pfn_present_mem(m, pfn) || memblock_is_reserved(m, pfn)) {
		flags |= 1UL << PG_reserved;
		ref = 1;
	} else {
		ref = 0;
	}
	memcpy(buf + PGOFF_FLAGS, &flags, 8);
	memcpy(buf + PGOFF_MAPCOUNT, &mapcount, 4);
	memcpy(buf + PGOFF_REFCOUNT, &ref, 4);
}

/* Fill one chunk of a frame that backed [origin_va, origin_va + 4K) */
static void pstore_fill_chunk(struct machine *m, uint8_t *dst, uint64_t chunk_va)
{
	uint8_t tmp[256];
	uint64_t end = chunk_va + PS_CHUNK_SIZE;
	unsigned long pfn = (chunk_va - VMEMMAP_START) / m->sps;

	for (; page_va(m, pfn) < end; pfn++) {
		uint64_t pva = page_va(m, pfn);
		uint64_t lo = pva > chunk_va ? pva : chunk_va;
		uint64_t hi = pva + m->sps < end ? pva + m->sps : end;

		page_boot_state(m, pfn, tmp);
		memcpy(dst + (lo - chunk_va), tmp + (lo - pva), hi - lo);
	}
}

static struct pframe *pstore_frame(struct machine *m, unsigned long frame, uint64_t origin_va)
{
	struct pstore *ps = m->ps;
	unsigned long s = frame >> PFN_SECTION_SHIFT;
	struct pframe **slot;

	if (s >= ps->nr_sec)
		return NULL;
	if (!ps->sec[s]) {
		ps->sec[s] = calloc(PAGES_PER_SECTION, sizeof(struct pframe *));
		if (!ps->sec[s])
			abort();
		ps->host_bytes += PAGES_PER_SECTION * sizeof(struct pframe *);
	}
	slot = &ps->sec[s][frame & (PAGES_PER_SECTION - 1)];
	if (!*slot) {
		*slot = calloc(1, sizeof(struct pframe));
		if (!*slot)
			abort();
		(*slot)->origin_va = origin_va;
		ps->host_bytes += sizeof(struct pframe);
	}
	return *slot;
}

uint8_t *pstore_xlate_slow(struct machine *m, uint64_t va, bool write)
{
	struct pstore *ps = m->ps;
	uint64_t off = va - VMEMMAP_START;
	unsigned long idx = off >> PMD_SHIFT, frame;
	struct pframe *pf;
	unsigned int ci;
	struct ps_xc_ent *e;

	if (va < VMEMMAP_START || idx >= ps->nr_pmd || ps->vmemmap_pmd[idx] == PFN_NONE) {
		mm_fail(m, "BUG: unable to handle page fault for address: %#llx (vmemmap not mapped)",
			(unsigned long long)va);
		return NULL;
	}
	frame = ps->vmemmap_pmd[idx] + ((off >> PAGE_SHIFT) & 511);
	pf = pstore_frame(m, frame, va & ~(PAGE_SIZE - 1));
	if (!pf) {
		mm_fail(m, "vmemmap address %#llx maps beyond memory (frame %#lx)",
			(unsigned long long)va, frame);
		return NULL;
	}
	ci = (off >> PS_CHUNK_SHIFT) & (PS_CHUNKS_PER_FRAME - 1);
	if (!pf->chunk[ci]) {
		pf->chunk[ci] = malloc(PS_CHUNK_SIZE);
		if (!pf->chunk[ci])
			abort();
		pstore_fill_chunk(m, pf->chunk[ci], pf->origin_va + ((uint64_t)ci << PS_CHUNK_SHIFT));
		ps->host_bytes += PS_CHUNK_SIZE;
	}
	e = &pstore_cpu(m)->xc[(va >> PS_CHUNK_SHIFT) & (PS_XC_SIZE - 1)];
	e->tag = va >> PS_CHUNK_SHIFT;
	e->host = pf->chunk[ci];
	e->writable = true;
	pstore_cpu(m)->misses++;
	(void)write;
	return e->host + (va & (PS_CHUNK_SIZE - 1));
}

/* -------------------------------------------------------------------------
 * Refcount operations that are one atomic step in the kernel.
 */
int page_ref_add_return(struct machine *m, unsigned long pfn, int nr)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p;
	int32_t v;

	PG_SCHED(m, SCHED_RMW, va, 4);
	p = ps_xlate(m, va, true);
	if (!p)
		return 0;
	memcpy(&v, p, 4);
	v += nr;
	memcpy(p, &v, 4);
	return v;
}

bool get_page_unless_zero(struct machine *m, unsigned long pfn)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p;
	int32_t v;

	PG_SCHED(m, SCHED_RMW, va, 4);
	p = ps_xlate(m, va, true);
	if (!p)
		return false;
	memcpy(&v, p, 4);
	if (v == 0)
		return false;
	v++;
	memcpy(p, &v, 4);
	return true;
}

bool page_ref_freeze(struct machine *m, unsigned long pfn, int count)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p;
	int32_t v;

	PG_SCHED(m, SCHED_RMW, va, 4);
	p = ps_xlate(m, va, true);
	if (!p)
		return false;
	memcpy(&v, p, 4);
	if (v != count)
		return false;
	v = 0;
	memcpy(p, &v, 4);
	return true;
}

void page_ref_unfreeze(struct machine *m, unsigned long pfn, int count)
{
	set_page_count(m, pfn, count);
}

/* -------------------------------------------------------------------------
 * Compound pages (prep_compound_page, 6.1 layout)
 */
unsigned long compound_head(struct machine *m, unsigned long pfn)
{
	uint64_t h = page_compound_head_raw(m, pfn);

	if (!(h & 1))
		return pfn;
	return ((h - 1) - VMEMMAP_START) / m->sps;
}

void prep_compound_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order, i;
	uint64_t head = page_va(m, pfn) | 1;

	set_page_flag(m, pfn, PG_head);
	for (i = 1; i < nr; i++) {
		pg_write64(m, pfn + i, PGOFF_COMPOUND_HEAD, head);
		/* tails carry no references of their own */
		set_page_count(m, pfn + i, 0);
	}
	if (nr > 1) {
		pg_write8(m, pfn + 1, PGOFF_COMPOUND_DTOR, 1);	/* COMPOUND_PAGE_DTOR */
		pg_write8(m, pfn + 1, PGOFF_COMPOUND_ORDER, (uint8_t)order);
		pg_write32(m, pfn + 1, PGOFF_COMPOUND_MAPCOUNT, (uint32_t)-1);
		pg_write32(m, pfn + 1, PGOFF_COMPOUND_PINCOUNT, 0);
		pg_write32(m, pfn + 1, PGOFF_COMPOUND_NR, (uint32_t)nr);
	}
}

void destroy_compound_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order, i;

	clear_page_flag(m, pfn, PG_head);
	for (i = 1; i < nr; i++) {
		pg_write64(m, pfn + i, PGOFF_COMPOUND_HEAD, 0);
		pg_write64(m, pfn + i, PGOFF_MAPPING, 0);
	}
	if (nr > 1) {
		pg_write64(m, pfn + 1, PGOFF_LRU_PREV, 0);
		pg_write32(m, pfn + 1, PGOFF_COMPOUND_NR, 0);
	}
}

/* -------------------------------------------------------------------------
 * Lists through page->lru (free lists and pcp lists)
 */
void plist_init(struct plist_head *h)
{
	h->first = h->last = PFN_NONE;
}

void plist_add(struct machine *m, struct plist_head *h, unsigned long pfn)
{
	pg_write64(m, pfn, PGOFF_LRU_PREV, PFN_NONE);
	pg_write64(m, pfn, PGOFF_LRU_NEXT, h->first);
	if (h->first != PFN_NONE)
		pg_write64(m, h->first, PGOFF_LRU_PREV, pfn);
	else
		h->last = pfn;
	h->first = pfn;
}

void plist_add_tail(struct machine *m, struct plist_head *h, unsigned long pfn)
{
	pg_write64(m, pfn, PGOFF_LRU_NEXT, PFN_NONE);
	pg_write64(m, pfn, PGOFF_LRU_PREV, h->last);
	if (h->last != PFN_NONE)
		pg_write64(m, h->last, PGOFF_LRU_NEXT, pfn);
	else
		h->first = pfn;
	h->last = pfn;
}

void plist_del(struct machine *m, struct plist_head *h, unsigned long pfn)
{
	unsigned long next = page_lru_next(m, pfn), prev = page_lru_prev(m, pfn);

	if (prev != PFN_NONE)
		pg_write64(m, prev, PGOFF_LRU_NEXT, next);
	else
		h->first = next;
	if (next != PFN_NONE)
		pg_write64(m, next, PGOFF_LRU_PREV, prev);
	else
		h->last = prev;
}

unsigned long plist_pop_head(struct machine *m, struct plist_head *h)
{
	unsigned long pfn = h->first, next = page_lru_next(m, pfn);

	h->first = next;
	if (next != PFN_NONE)
		pg_write64(m, next, PGOFF_LRU_PREV, PFN_NONE);
	else
		h->last = PFN_NONE;
	return pfn;
}

unsigned long plist_pop_tail(struct machine *m, struct plist_head *h)
{
	unsigned long pfn = h->last, prev = page_lru_prev(m, pfn);

	h->last = prev;
	if (prev != PFN_NONE)
		pg_write64(m, prev, PGOFF_LRU_NEXT, PFN_NONE);
	else
		h->first = PFN_NONE;
	return pfn;
}

/* Insert pfn after pos in h; pos PFN_NONE means at the head */
static void plist_insert_after(struct machine *m, struct plist_head *h, unsigned long pos,
			       unsigned long pfn)
{
	unsigned long next = pos == PFN_NONE ? h->first : page_lru_next(m, pos);

	pg_write64(m, pfn, PGOFF_LRU_PREV, pos);
	pg_write64(m, pfn, PGOFF_LRU_NEXT, next);
	if (pos == PFN_NONE)
		h->first = pfn;
	else
		pg_write64(m, pos, PGOFF_LRU_NEXT, pfn);
	if (next == PFN_NONE)
		h->last = pfn;
	else
		pg_write64(m, next, PGOFF_LRU_PREV, pfn);
}

/* list_swap: a and b, both on h, trade places */
void plist_swap(struct machine *m, struct plist_head *h, unsigned long a, unsigned long b)
{
	unsigned long pos = page_lru_prev(m, b);

	if (a == b)
		return;
	plist_del(m, h, b);
	/* b takes a's place */
	plist_insert_after(m, h, page_lru_prev(m, a), b);
	plist_del(m, h, a);
	if (pos == a)
		pos = b;
	plist_insert_after(m, h, pos, a);
}
