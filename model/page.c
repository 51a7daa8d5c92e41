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
 * Where translations come from.  At boot the vmemmap is mapped through
 * init_mm's page tables onto node-local memblock memory, by 2 MiB PMDs
 * where a block is available (boot.c, as vmemmap_populate does with PSE).
 * pstore_xlate_slow() walks the tables (pgtable.c); every CPU caches the
 * result per chunk in its TLB (struct ps_cpu) and keeps using it until a
 * flush reaches it, so a write through a stale translation lands in the
 * old frame, and a write through a read-only one is a simulated fault.
 * The frame a vmemmap page was first backed by is its "origin": an
 * untouched chunk of it reads as the boot state of the struct pages that
 * originally lived there, wherever it is mapped now.
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

/* A boot vmemmap mapping: nr frames from pfn backed [va, va + nr pages) */
struct ps_origin {
	unsigned long pfn, nr;
	uint64_t va;
};

/*
 * Chunks come from 2 MiB slabs and go back to a free list, so the
 * frames HVO frees (7 of every 8 it touched) give their host memory to
 * the next hugepage instead of holding it: the seed experiment's peak
 * RSS is what stays optimised, not all it ever touched.
 */
#define PS_SLAB_SIZE	(2UL << 20)

struct ps_slab {
	struct ps_slab *next;
};

struct pstore {
	struct ps_slab *slabs;
	uint8_t *slab_cur, *slab_end;
	void *free_chunks;		/* singly linked through the chunks */
	unsigned long nr_sec;
	struct pframe ***sec;		/* [section][pfn in section] */
	struct ps_origin *origins;	/* sorted by pfn once boot is done */
	size_t nr_origins, cap_origins;
	bool origins_sorted;
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
	m->ps_cpu = calloc((size_t)m->nr_cpus, sizeof(struct ps_cpu));
	if (!ps->sec || !m->ps_cpu) {
		free(ps->sec);
		free(ps);
		free(m->ps_cpu);
		m->ps_cpu = NULL;
		return -1;
	}
	(void)i;
	ps->host_bytes = sizeof(*ps) + ps->nr_sec * sizeof(*ps->sec) +
			 sizeof(struct ps_cpu) * (size_t)m->nr_cpus;
	m->ps = ps;
	pstore_flush_xc(m);
	return 0;
}

void pstore_destroy(struct machine *m)
{
	struct pstore *ps = m->ps;
	unsigned long s, i;

	if (!ps)
		return;
	for (s = 0; s < ps->nr_sec; s++) {
		if (!ps->sec[s])
			continue;
		for (i = 0; i < PAGES_PER_SECTION; i++)
			free(ps->sec[s][i]);
		free(ps->sec[s]);
	}
	while (ps->slabs) {
		struct ps_slab *next = ps->slabs->next;

		free(ps->slabs);
		ps->slabs = next;
	}
	free(ps->sec);
	free(ps->origins);
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
	for (int c = 0; c < m->nr_cpus; c++) {
		for (unsigned long i = 0; i < PS_XC_SIZE; i++)
			m->ps_cpu[c].xc[i].tag = ~0ULL;
		for (unsigned int i = 0; i < PS_PMDC_SIZE; i++)
			m->ps_cpu[c].pmdc_tag[i] = ~0ULL;
	}
}

void pstore_flush_xc_range(struct machine *m, int cpu, uint64_t start, uint64_t end)
{
	struct ps_cpu *c = &m->ps_cpu[cpu];

	for (unsigned int i = 0; i < PS_PMDC_SIZE; i++)
		c->pmdc_tag[i] = ~0ULL;
	if ((end - start) >> PS_CHUNK_SHIFT >= PS_XC_SIZE) {
		for (unsigned long i = 0; i < PS_XC_SIZE; i++)
			c->xc[i].tag = ~0ULL;
		return;
	}
	for (uint64_t t = start >> PS_CHUNK_SHIFT; t < (end + PS_CHUNK_SIZE - 1) >> PS_CHUNK_SHIFT; t++)
		if (c->xc[t & (PS_XC_SIZE - 1)].tag == t)
			c->xc[t & (PS_XC_SIZE - 1)].tag = ~0ULL;
}

void pstore_add_origin(struct machine *m, unsigned long pfn, unsigned long nr, uint64_t va)
{
	struct pstore *ps = m->ps;

	if (ps->nr_origins == ps->cap_origins) {
		ps->cap_origins = ps->cap_origins ? ps->cap_origins * 2 : 64;
		ps->origins = realloc(ps->origins, ps->cap_origins * sizeof(*ps->origins));
		if (!ps->origins)
			abort();
	}
	ps->origins[ps->nr_origins++] = (struct ps_origin){ pfn, nr, va };
	ps->origins_sorted = false;
}

static int origin_cmp(const void *a, const void *b)
{
	const struct ps_origin *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The vmemmap address frame pfn backed at boot, or 0 */
static uint64_t pstore_origin_va(struct machine *m, unsigned long pfn)
{
	struct pstore *ps = m->ps;
	size_t lo = 0, hi;

	if (!ps->origins_sorted) {
		if (ps->nr_origins)
			qsort(ps->origins, ps->nr_origins, sizeof(*ps->origins), origin_cmp);
		ps->origins_sorted = true;
	}
	hi = ps->nr_origins;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct ps_origin *o = &ps->origins[mid];

		if (pfn < o->pfn)
			hi = mid;
		else if (pfn >= o->pfn + o->nr)
			lo = mid + 1;
		else
			return o->va + ((uint64_t)(pfn - o->pfn) << PAGE_SHIFT);
	}
	return 0;
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

/*
 * Fill one chunk of a frame that backed [origin_va, origin_va + 4K).
 * The common case, every struct page in the chunk free memory of one
 * zone, stamps one template; anything else goes page by page.
 */
static void pstore_fill_chunk(struct machine *m, uint8_t *dst, uint64_t chunk_va)
{
	uint8_t tmp[256];
	uint64_t end = chunk_va + PS_CHUNK_SIZE;
	unsigned long pfn = (chunk_va - VMEMMAP_START) / m->sps;
	unsigned long last = (end - 1 - VMEMMAP_START) / m->sps;

	if (last < m->max_pfn && memblock_range_plain(m, pfn, last + 1)) {
		struct zone *z = pfn_zone(m, pfn);

		if (z && zone_spans_pfn(z, last)) {
			/* free at boot: node and zone in flags, _mapcount -1, no refs */
			uint64_t flags = ((uint64_t)z->zone_pgdat->node_id << NODES_PGSHIFT) |
					 ((uint64_t)z->idx << ZONES_PGSHIFT);
			uint32_t mapcount = (uint32_t)-1;

			memset(tmp, 0, m->sps);
			memcpy(tmp + PGOFF_FLAGS, &flags, 8);
			memcpy(tmp + PGOFF_MAPCOUNT, &mapcount, 4);
			for (; page_va(m, pfn) < end; pfn++) {
				uint64_t pva = page_va(m, pfn);
				uint64_t lo = pva > chunk_va ? pva : chunk_va;
				uint64_t hi = pva + m->sps < end ? pva + m->sps : end;

				memcpy(dst + (lo - chunk_va), tmp + (lo - pva), hi - lo);
			}
			return;
		}
	}

	for (; page_va(m, pfn) < end; pfn++) {
		uint64_t pva = page_va(m, pfn);
		uint64_t lo = pva > chunk_va ? pva : chunk_va;
		uint64_t hi = pva + m->sps < end ? pva + m->sps : end;

		page_boot_state(m, pfn, tmp);
		memcpy(dst + (lo - chunk_va), tmp + (lo - pva), hi - lo);
	}
}

static struct pframe *pstore_frame(struct machine *m, unsigned long frame)
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
		(*slot)->origin_va = pstore_origin_va(m, frame);
		ps->host_bytes += sizeof(struct pframe);
	}
	return *slot;
}

static uint8_t *ps_chunk_alloc(struct pstore *ps)
{
	uint8_t *c;

	if (ps->free_chunks) {
		c = ps->free_chunks;
		memcpy(&ps->free_chunks, c, sizeof(void *));
		return c;
	}
	if (ps->slab_cur == ps->slab_end) {
		struct ps_slab *sl = malloc(PS_SLAB_SIZE);

		if (!sl)
			abort();
		sl->next = ps->slabs;
		ps->slabs = sl;
		/* the first chunk's worth holds the slab header */
		ps->slab_cur = (uint8_t *)sl + PS_CHUNK_SIZE;
		ps->slab_end = (uint8_t *)sl + PS_SLAB_SIZE;
		ps->host_bytes += PS_SLAB_SIZE;
	}
	c = ps->slab_cur;
	ps->slab_cur += PS_CHUNK_SIZE;
	return c;
}

/*
 * A frame whose contents nobody will read again (a vmemmap page HVO gave
 * back, after the flush that dropped every translation to it): its
 * chunks return to the free list.  If the frame is used again its new
 * owner writes it first (pstore_frame_zero or pstore_frame_copy).
 */
void pstore_frame_release(struct machine *m, unsigned long pfn)
{
	struct pstore *ps = m->ps;
	unsigned long s = pfn >> PFN_SECTION_SHIFT;
	struct pframe *pf;

	if (s >= ps->nr_sec || !ps->sec[s])
		return;
	pf = ps->sec[s][pfn & (PAGES_PER_SECTION - 1)];
	if (!pf)
		return;
	for (unsigned int ci = 0; ci < PS_CHUNKS_PER_FRAME; ci++) {
		if (!pf->chunk[ci])
			continue;
		memcpy(pf->chunk[ci], &ps->free_chunks, sizeof(void *));
		ps->free_chunks = pf->chunk[ci];
		pf->chunk[ci] = NULL;
	}
	pf->origin_va = 0;
}

/* Chunk ci of frame pfn, materialised if needed (NULL beyond memory) */
static uint8_t *pstore_chunk(struct machine *m, unsigned long pfn, unsigned int ci)
{
	struct pframe *pf = pstore_frame(m, pfn);

	if (!pf)
		return NULL;
	if (!pf->chunk[ci]) {
		pf->chunk[ci] = ps_chunk_alloc(m->ps);
		if (pf->origin_va)
			pstore_fill_chunk(m, pf->chunk[ci], pf->origin_va + ((uint64_t)ci << PS_CHUNK_SHIFT));
		else
			memset(pf->chunk[ci], 0, PS_CHUNK_SIZE);
	}
	return pf->chunk[ci];
}

uint8_t *pstore_frame_bytes(struct machine *m, unsigned long pfn, unsigned int off)
{
	uint8_t *c = pstore_chunk(m, pfn, off >> PS_CHUNK_SHIFT);

	return c ? c + (off & (PS_CHUNK_SIZE - 1)) : NULL;
}

void pstore_frame_zero(struct machine *m, unsigned long pfn)
{
	struct pframe *pf = pstore_frame(m, pfn);

	if (!pf)
		return;
	pf->origin_va = 0;
	for (unsigned int ci = 0; ci < PS_CHUNKS_PER_FRAME; ci++) {
		if (!pf->chunk[ci])
			pstore_chunk(m, pfn, ci);
		else
			memset(pf->chunk[ci], 0, PS_CHUNK_SIZE);
	}
}

void pstore_frame_copy(struct machine *m, unsigned long dst, unsigned long src)
{
	PG_SCHED(m, SCHED_COPY, (uint64_t)src << PAGE_SHIFT, PAGE_SIZE);
	for (unsigned int ci = 0; ci < PS_CHUNKS_PER_FRAME; ci++) {
		uint8_t *s = pstore_chunk(m, src, ci), *d = pstore_chunk(m, dst, ci);

		if (s && d)
			memcpy(d, s, PS_CHUNK_SIZE);
	}
}

uint8_t *pstore_xlate_slow(struct machine *m, uint64_t va, bool write)
{
	unsigned long frame;
	bool writable;
	uint8_t *chunk;
	struct ps_xc_ent *e;

	PG_SCHED(m, SCHED_TLB_FILL, va & ~(PAGE_SIZE - 1), PAGE_SIZE);
	if (!vmemmap_translate(m, va, &frame, &writable)) {
		mm_fail(m, "BUG: unable to handle page fault for address: %#llx "
			"(#PF: supervisor %s access in kernel mode, not-present page)",
			(unsigned long long)va, write ? "write" : "read");
		return NULL;
	}
	if (write && !writable) {
		mm_fail(m, "BUG: unable to handle page fault for address: %#llx "
			"(#PF: supervisor write access in kernel mode, permissions violation: "
			"read-only vmemmap, frame %#lx)", (unsigned long long)va, frame);
		return NULL;
	}
	chunk = pstore_chunk(m, frame, (va >> PS_CHUNK_SHIFT) & (PS_CHUNKS_PER_FRAME - 1));
	if (!chunk) {
		mm_fail(m, "vmemmap address %#llx maps beyond memory (frame %#lx)",
			(unsigned long long)va, frame);
		return NULL;
	}
	e = &pstore_cpu(m)->xc[(va >> PS_CHUNK_SHIFT) & (PS_XC_SIZE - 1)];
	e->tag = va >> PS_CHUNK_SHIFT;
	e->host = chunk;
	e->writable = writable;
	pstore_cpu(m)->misses++;
	return chunk + (va & (PS_CHUNK_SIZE - 1));
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
unsigned long page_fixed_fake_head(struct machine *m, unsigned long pfn)
{
	uint64_t h;

	if (!m->hvo_stats.optimized)		/* hugetlb_optimize_vmemmap_enabled() */
		return pfn;
	if ((page_va(m, pfn) & (PAGE_SIZE - 1)) || !PageHeadRaw(m, pfn))
		return pfn;
	h = page_compound_head_raw(m, pfn + 1);
	if (h & 1)
		return ((h - 1) - VMEMMAP_START) / m->sps;
	return pfn;
}

unsigned long compound_head(struct machine *m, unsigned long pfn)
{
	uint64_t h = page_compound_head_raw(m, pfn);

	if (!(h & 1))
		return page_fixed_fake_head(m, pfn);
	return ((h - 1) - VMEMMAP_START) / m->sps;
}

void prep_compound_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order, i;
	uint64_t head = page_va(m, pfn) | 1;

	SetPageHead(m, pfn);
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

	ClearPageHead(m, pfn);
	for (i = 1; i < nr; i++) {
		pg_write64(m, pfn + i, PGOFF_COMPOUND_HEAD, 0);
		pg_write64(m, pfn + i, PGOFF_MAPPING, 0);
	}
	if (nr > 1) {
		pg_write64(m, pfn + 1, PGOFF_COMPOUND_DTOR, 0);	/* dtor, order, mapcount */
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
	set_page_lru_prev(m, pfn, PFN_NONE);
	set_page_lru_next(m, pfn, h->first);
	if (h->first != PFN_NONE)
		set_page_lru_prev(m, h->first, pfn);
	else
		h->last = pfn;
	h->first = pfn;
}

void plist_add_tail(struct machine *m, struct plist_head *h, unsigned long pfn)
{
	set_page_lru_next(m, pfn, PFN_NONE);
	set_page_lru_prev(m, pfn, h->last);
	if (h->last != PFN_NONE)
		set_page_lru_next(m, h->last, pfn);
	else
		h->first = pfn;
	h->last = pfn;
}

void plist_del(struct machine *m, struct plist_head *h, unsigned long pfn)
{
	unsigned long next = page_lru_next(m, pfn), prev = page_lru_prev(m, pfn);

	if (prev != PFN_NONE)
		set_page_lru_next(m, prev, next);
	else
		h->first = next;
	if (next != PFN_NONE)
		set_page_lru_prev(m, next, prev);
	else
		h->last = prev;
}

unsigned long plist_pop_head(struct machine *m, struct plist_head *h)
{
	unsigned long pfn = h->first, next = page_lru_next(m, pfn);

	h->first = next;
	if (next != PFN_NONE)
		set_page_lru_prev(m, next, PFN_NONE);
	else
		h->last = PFN_NONE;
	return pfn;
}

unsigned long plist_pop_tail(struct machine *m, struct plist_head *h)
{
	unsigned long pfn = h->last, prev = page_lru_prev(m, pfn);

	h->last = prev;
	if (prev != PFN_NONE)
		set_page_lru_next(m, prev, PFN_NONE);
	else
		h->first = PFN_NONE;
	return pfn;
}

/* Insert pfn after pos in h; pos PFN_NONE means at the head */
static void plist_insert_after(struct machine *m, struct plist_head *h, unsigned long pos,
			       unsigned long pfn)
{
	unsigned long next = pos == PFN_NONE ? h->first : page_lru_next(m, pos);

	set_page_lru_prev(m, pfn, pos);
	set_page_lru_next(m, pfn, next);
	if (pos == PFN_NONE)
		h->first = pfn;
	else
		set_page_lru_next(m, pos, pfn);
	if (next == PFN_NONE)
		h->last = pfn;
	else
		set_page_lru_prev(m, next, pfn);
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
