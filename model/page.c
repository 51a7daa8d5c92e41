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
 * Patterns.  A chunk whose struct pages all hold the same bytes keeps one
 * struct page image instead (struct fst_pat, shared by the chunks of a
 * run and counted): the tails of a compound page, struct pages boot left
 * free in one zone, a frame filled with one byte.  An untouched
 * chunk that is read becomes a pattern when it is one; prep_compound_page
 * and destroy_compound_page change a pattern chunk, or an untouched one
 * that is uniform, in one step (fst_uniform_write), so a 2 MiB hugepage
 * costs one chunk with bytes (head and first tails) instead of 64, and a
 * batch of 32768 of them 16 MiB instead of 1 GiB.  A write that is not the
 * same for every struct page in the chunk gives the chunk its bytes (the
 * image repeated); bytes never turn back into a pattern while the frame
 * lives, because a TLB entry may point at them.
 *
 * The TLB of each CPU is two things in one slot: the simulated entry
 * (stag: the chunk it translates, xc[].fw: frame and permission), which
 * decides what an access reaches exactly as a TLB would, and the host's
 * shortcut to the chunk's bytes (xc[].tag, .wtag, .host), which the
 * inline accessors use and which exists only while the chunk has bytes.
 * An access to a pattern chunk finds the entry without a shortcut and
 * takes the out-of-line path: a read reads the image (no bytes are made),
 * a write gives the chunk bytes and the slot its shortcut.  Which entries
 * exist, when they are filled and what they translate to is the same as
 * when every chunk had bytes, and so is every TLB miss: compound
 * preparation translates each chunk once, in order, as its first write
 * would (one page-table walk per vmemmap page: nothing changes the tables
 * in between).
 *
 * Figures that decided the chunk size (1 TiB machine, 64-byte struct
 * pages, 262144 free order-10 heads after boot): 4 KiB granules would keep
 * 1 GiB of host memory for the heads alone; 512-byte chunks keep 128 MiB
 * plus the index.
 *
 * Where translations come from.  At boot the vmemmap is mapped through
 * init_mm's page tables onto node-local memblock memory, by 2 MiB PMDs
 * where a block is available (boot.c, as vmemmap_populate does with PSE).
 * fstore_xlate_slow() walks the tables (pgtable.c); every CPU caches the
 * result per chunk in its TLB (struct fstore_cpu) and keeps using it until a
 * flush reaches it, so a write through a stale translation lands in the
 * old frame, and a write through a read-only one is a simulated fault.
 * The frame a vmemmap page was first backed by is its "origin": an
 * untouched chunk of it reads as the boot state of the struct pages that
 * originally lived there, wherever it is mapped now.
 *
 * Bytes of a vmemmap PMD that no struct page occupies read as what the
 * memory held, 0 in the model (fresh memory in a guest reads 0), until
 * the sub-PMD code (sparse.c) fills them with PAGE_UNUSED (0xFD), as x86
 * does since 5.12.  A fill of a whole frame costs no chunks: the frame's
 * record keeps the byte its untouched chunks read (origin_va below
 * FST_ORIGIN_FILL_MAX).
 *
 * The index by section grows when memory is hot-added above the boot
 * machine (fstore_grow, from sparse_index_init): a machine pays for the
 * sections it has, not for MAX_PHYSMEM_BITS.
 *
 * Under the interleaving explorer.  Accesses take fstore_access_sched():
 * translate through the running CPU's TLB (a miss is a SCHED_TLB_FILL
 * step that reads the deciding page-table entry and fills the whole 4 KiB
 * page, as hardware does), announce the access at its physical address,
 * and after resuming check that the translation is still cached: if a
 * flush reached the CPU meanwhile, fill again.  The same path makes the
 * lost-update check, reported to the explorer through sched_fail():
 *   - a write through a stale translation (the page tables now map that
 *     address to another frame, or not at all) is lost for every CPU that
 *     walks the tables;
 *   - a write through the current mapping stays pending until a copy of
 *     the frame carries it (fstore_frame_copy() under the explorer records
 *     source and destination); if its address is remapped away first it is
 *     lost, reported by the page-table write that remaps it
 *     (fstore_pt_changed()) or by the release of the frame.  Muchun Song's
 *     race is this case: the reference lands in the old head frame after
 *     the copy, and the head PTE moves to the copy;
 *   - a TLB entry whose chunk was given back (fstore_frame_release())
 *     would be a host use-after-free: it is reported before any byte is
 *     touched (each TLB entry keeps its frame, and the frame's current
 *     chunk must be the one the entry points at; an entry filled to a
 *     pattern before the explorer ran has no chunk to compare, and
 *     compares the frame's release count, pframe.gen, with the one it
 *     saw at the fill).
 * Under the explorer every chunk an access reaches gets bytes (a fill
 * materialises the page's eight chunks), and compound preparation makes
 * its accesses one by one, each its own scheduling point at its physical
 * address, as before patterns existed.
 * The first two rules give the same verdict whichever order a write and
 * another CPU's remap take, as the explorer's reduction needs (the two
 * steps touch different addresses): written before the remap, the write
 * is pending when the remap checks; after it, the write goes through a
 * stale entry.  A copy and a write of the same frame are dependent (the
 * copy is announced on the whole source frame).  HVO releases frames only
 * after a synchronous flush, so outside the explorer none of this can
 * happen, and none of it is checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "host.h"
#include "machine.h"
#include "memblock.h"
#include "mmzone.h"
#include "page.h"
#include "pgtable.h"

/* A boot vmemmap mapping: nr frames from pfn backed [va, va + nr pages) */
struct fst_origin {
	unsigned long pfn, nr;
	uint64_t va;
};

/*
 * Chunks come from 2 MiB slabs and go back to a free list, so the
 * frames HVO frees (7 of every 8 it touched) give their host memory to
 * the next hugepage instead of holding it: the seed experiment's peak
 * RSS is what stays optimised, not all it ever touched.
 *
 * A machine's first slab comes from malloc, whose memory small machines
 * (the explorer builds one per schedule) reuse; the others are 2 MiB
 * aligned blocks the host may back with huge pages (host_map_aligned).
 * A big machine's new struct pages touch a fresh 4 KiB of host memory
 * every eight chunks, and where a first touch is dear (a virtual
 * machine) that was half the time of mmsim-bench's anonymous faults.
 */
#define FST_SLAB_SIZE	(2UL << 20)

struct fst_slab {
	struct fst_slab *next;
	bool mapped;		/* host_map_aligned, not malloc */
};

/*
 * Explorer only: what happened to a frame the running schedule wrote or
 * copied.  A write through the frame's current mapping stays pending until
 * a copy of the frame carries it; if its address is remapped away first,
 * the write is lost.
 */
struct fst_track {
	unsigned long frame;
	unsigned long copied_to;	/* last copy's destination, or PFN_NONE */
	bool pending;			/* written since then (or since tracked) */
	uint64_t w_va;			/* the first such write */
	unsigned int w_len;
	int w_cpu;
	const char *w_where;
};

/*
 * A pattern: a chunk every struct page of which (those it holds in part
 * included) has the same bytes, img, so the chunk's byte b is
 * img[(phase + b) % sps].  Compound tails (prep_compound_page), free
 * struct pages and the state boot left are such chunks; they keep a
 * pattern instead of 512 bytes until a write that is not the same for
 * every struct page in them (fst_chunk_bytes), and the chunks of one run
 * share one pattern, counted in refs.  phase is a multiple of 8 below
 * sps, so at most FST_PAT_PHASES of them.
 */
#define FST_PAT_PHASES	(256 / 8)

struct fst_pat {
	uint32_t refs;
	uint32_t phase;
	uint8_t img[];
};

/*
 * Frame records come in blocks, so a machine is torn down in a few frees
 * however many frames it touched (the explorer builds one per schedule).
 */
#define FST_PF_BLOCK	512

struct fst_pfblock {
	struct fst_pfblock *next;
	struct pframe pf[FST_PF_BLOCK];
};

struct fstore {
	struct fstore_index ix;		/* first: page.h reads it */
	struct fst_pfblock *pf_blocks;	/* the newest one is being filled */
	unsigned int pf_used;		/* records used in it */
	struct fst_track *track;		/* explorer only, unsorted */
	size_t nr_track, cap_track, nr_pending;
	struct fst_slab *slabs;
	uint8_t *slab_cur, *slab_end;
	void *free_chunks;		/* singly linked through the chunks */
	struct fst_origin *origins;	/* sorted by pfn once boot is done */
	size_t nr_origins, cap_origins;
	bool origins_sorted;
	size_t origin_hint;		/* the origin the last lookup found */
	size_t host_bytes;
	/*
	 * Patterns (struct fst_pat): a free list, the chunk they are being
	 * carved from, and per phase the last one made, which the next
	 * chunk of a run of identical struct pages shares
	 */
	void *free_pats;
	uint8_t *pat_cur, *pat_end;
	size_t nr_chunks;		/* chunks holding a frame's bytes */
	unsigned int pat_size;
	struct fst_pat *pat_memo[FST_PAT_PHASES];
	/*
	 * The last free-at-boot chunk fstore_fill_chunk built: its bytes are
	 * a function of the flags word and of where the first struct page
	 * starts in the chunk (phase), nothing else, so a chunk with the same
	 * two is a copy.  tmpl_phase FST_CHUNK_SIZE: none yet.
	 */
	uint64_t tmpl_flags;
	unsigned int tmpl_phase;
	uint8_t tmpl[FST_CHUNK_SIZE];
	/*
	 * Inside a fill scope (fst_fill_scope_begin: a run of struct page
	 * writes during which nothing changes memblock, sections, nodes or
	 * zones) fstore_fill_chunk remembers the last sub-section it found
	 * free at boot and in one zone, [memo_lo, memo_hi) with its flags
	 * word, and asks memblock and the zones again only outside it.
	 */
	unsigned int fill_scope;
	unsigned long memo_lo, memo_hi;
	uint64_t memo_flags;
};

void fstore_init(struct machine *m)
{
	struct fstore *fs = host_calloc(1, sizeof(*fs), "creating the frame store");

	fs->ix.nr_sec = (m->max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	fs->ix.sec = host_calloc(fs->ix.nr_sec, sizeof(*fs->ix.sec), "creating the frame store");
	m->fstore_cpu = host_calloc((size_t)m->nr_cpus, sizeof(struct fstore_cpu), "creating the TLBs");
	fs->host_bytes = sizeof(*fs) + fs->ix.nr_sec * sizeof(*fs->ix.sec) +
			 sizeof(struct fstore_cpu) * (size_t)m->nr_cpus;
	fs->tmpl_phase = FST_CHUNK_SIZE;
	fs->pat_size = (unsigned int)((sizeof(struct fst_pat) + m->sps + 7) & ~7UL);
	m->fstore = fs;
	/* calloc left every TLB and PMD-cache tag FST_TAG_NONE */
}

void fstore_destroy(struct machine *m)
{
	struct fstore *fs = m->fstore;
	unsigned long s;

	if (!fs)
		return;
	for (s = 0; s < fs->ix.nr_sec; s++)
		host_free(fs->ix.sec[s]);
	while (fs->pf_blocks) {
		struct fst_pfblock *next = fs->pf_blocks->next;

		host_free(fs->pf_blocks);
		fs->pf_blocks = next;
	}
	while (fs->slabs) {
		struct fst_slab *next = fs->slabs->next;

		if (fs->slabs->mapped)
			host_unmap(fs->slabs, FST_SLAB_SIZE);
		else
			host_free(fs->slabs);
		fs->slabs = next;
	}
	host_free(fs->ix.sec);
	host_free(fs->origins);
	host_free(fs->track);
	host_free(fs);
	host_free(m->fstore_cpu);
	m->fstore = NULL;
	m->fstore_cpu = NULL;
}

size_t fstore_host_bytes(struct machine *m)
{
	return m->fstore ? m->fstore->host_bytes : 0;
}

size_t fstore_nr_chunks(struct machine *m)
{
	return m->fstore ? m->fstore->nr_chunks : 0;
}

void fstore_flush_xc(struct machine *m)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		for (unsigned long i = 0; i < FST_XC_SIZE; i++)
			fst_xc_drop(&m->fstore_cpu[c], i);
		m->fstore_cpu[c].filled = 0;
		for (unsigned int i = 0; i < FST_PMDC_SIZE; i++)
			m->fstore_cpu[c].pmdc_tag[i] = FST_TAG_NONE;
	}
}

void fstore_flush_xc_range(struct machine *m, int cpu, uint64_t start, uint64_t end)
{
	struct fstore_cpu *c = &m->fstore_cpu[cpu];

	for (unsigned int i = 0; i < FST_PMDC_SIZE; i++)
		c->pmdc_tag[i] = FST_TAG_NONE;
	if (!c->filled)		/* nothing cached since the last full drop */
		return;
	if ((end - start) >> FST_CHUNK_SHIFT >= FST_XC_SIZE) {
		for (unsigned long i = 0; i < FST_XC_SIZE; i++)
			fst_xc_drop(c, i);
		c->filled = 0;
		return;
	}
	for (uint64_t t = start >> FST_CHUNK_SHIFT; t < (end + FST_CHUNK_SIZE - 1) >> FST_CHUNK_SHIFT; t++)
		if (c->stag[t & (FST_XC_SIZE - 1)] == t)
			fst_xc_drop(c, t & (FST_XC_SIZE - 1));
}

void fstore_add_origin(struct machine *m, unsigned long pfn, unsigned long nr, uint64_t va)
{
	struct fstore *fs = m->fstore;

	if (fs->nr_origins == fs->cap_origins) {
		fs->cap_origins = fs->cap_origins ? fs->cap_origins * 2 : 64;
		fs->origins = host_reallocarray(fs->origins, fs->cap_origins, sizeof(*fs->origins),
						"recording the boot vmemmap");
	}
	fs->origins[fs->nr_origins++] = (struct fst_origin){ pfn, nr, va };
	fs->origins_sorted = false;
}

static int origin_cmp(const void *a, const void *b)
{
	const struct fst_origin *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The vmemmap address frame pfn backed at boot, or 0 */
static uint64_t fstore_origin_va(struct machine *m, unsigned long pfn)
{
	struct fstore *fs = m->fstore;
	size_t lo = 0, hi;

	if (!fs->origins_sorted) {
		if (fs->nr_origins)
			qsort(fs->origins, fs->nr_origins, sizeof(*fs->origins), origin_cmp);
		fs->origins_sorted = true;
	}
	if (fs->origin_hint < fs->nr_origins) {
		const struct fst_origin *o = &fs->origins[fs->origin_hint];

		if (pfn >= o->pfn && pfn < o->pfn + o->nr)
			return o->va + ((uint64_t)(pfn - o->pfn) << PAGE_SHIFT);
	}
	hi = fs->nr_origins;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct fst_origin *o = &fs->origins[mid];

		if (pfn < o->pfn)
			hi = mid;
		else if (pfn >= o->pfn + o->nr)
			lo = mid + 1;
		else {
			fs->origin_hint = mid;
			return o->va + ((uint64_t)(pfn - o->pfn) << PAGE_SHIFT);
		}
	}
	return 0;
}

/*
 * The state a struct page is in after boot unless something wrote it:
 * node and zone in the flags, no mapping, _mapcount -1, and either
 * reserved with one reference (holes inside a section and memblock
 * reservations, as reserve_bootmem_region and init_unavailable_range leave
 * them, up to the end of the last section) or free with none (everything
 * memblock_free_all released).  A pfn of a section that had no memory at
 * boot has no struct page: its bytes are what the memory held, 0, until
 * the sub-PMD code marks them PAGE_UNUSED.
 */
void page_boot_state(struct machine *m, unsigned long pfn, uint8_t *buf)
{
	unsigned long sec_start = pfn & ~(PAGES_PER_SECTION - 1);
	struct zone *z;
	uint64_t flags;
	uint32_t mapcount = (uint32_t)-1, ref;

	if (!memblock_overlaps_memory(m, sec_start, sec_start + PAGES_PER_SECTION)) {
		memset(buf, 0, m->sps);
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
 * [lo, hi) has no node or zone boundary inside it: every pfn in it lies in
 * the same node and zone spans as lo, so pfn_zone() gives all of them
 * lo's zone (given one section and one sub-section, which the caller's
 * alignment makes sure of)
 */
static bool fst_no_boundary_inside(const struct machine *m, unsigned long lo, unsigned long hi)
{
	for (int n = 0; n < m->nr_nodes; n++) {
		const struct pglist_data *pg = &m->node[n];
		unsigned long s = pg->node_start_pfn, e = s + pg->node_spanned_pages;

		if ((s > lo && s < hi) || (e > lo && e < hi))
			return false;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct zone *zn = &pg->node_zones[z];

			s = zn->zone_start_pfn;
			e = s + zn->spanned_pages;
			if (zn->spanned_pages && ((s > lo && s < hi) || (e > lo && e < hi)))
				return false;
		}
	}
	return true;
}

/*
 * Inside a fill scope: pfn's chunk was found free at boot in zone z;
 * remember pfn's whole sub-section when all of it is, so the next
 * chunks there need neither memblock nor the zones
 */
static void fst_fill_memo(struct machine *m, unsigned long pfn, struct zone *z, uint64_t flags)
{
	struct fstore *fs = m->fstore;
	unsigned long lo = pfn & ~(PAGES_PER_SUBSECTION - 1), hi = lo + PAGES_PER_SUBSECTION;

	if (hi > m->max_pfn || !memblock_range_plain(m, lo, hi) || pfn_zone(m, lo) != z ||
	    !zone_spans_pfn(z, hi - 1) || !fst_no_boundary_inside(m, lo, hi))
		return;
	fs->memo_lo = lo;
	fs->memo_hi = hi;
	fs->memo_flags = flags;
}

/*
 * A run of struct page writes that changes nothing the boot state depends
 * on (memblock, sections, nodes, zones): prep_compound_page.  Not under
 * the explorer, where other CPUs run between its steps.
 */
static void fst_fill_scope_begin(struct machine *m)
{
	if (!m->sched)
		m->fstore->fill_scope++;
}

static void fst_fill_scope_end(struct machine *m)
{
	struct fstore *fs = m->fstore;

	if (fs->fill_scope && !--fs->fill_scope)
		fs->memo_lo = fs->memo_hi = 0;
}

/*
 * Fill one chunk of a frame that backed [origin_va, origin_va + 4K).
 * The common case, every struct page in the chunk free memory of one
 * zone, stamps one template; anything else goes page by page.
 */
/*
 * Are the struct pages of the chunk at chunk_va (in part or whole) all
 * free at boot in one zone?  Then boot left each of them the same bytes:
 * *flags (node and zone), _mapcount -1, everything else 0.
 */
static bool fst_chunk_plain(struct machine *m, uint64_t chunk_va, uint64_t *flags)
{
	uint64_t end = chunk_va + FST_CHUNK_SIZE;
	unsigned long pfn = (chunk_va - VMEMMAP_START) / m->sps;
	unsigned long last = (end - 1 - VMEMMAP_START) / m->sps;
	struct fstore *fs = m->fstore;
	struct zone *z;

	if (fs->fill_scope && pfn >= fs->memo_lo && last < fs->memo_hi) {
		*flags = fs->memo_flags;
		return true;
	}
	if (last >= m->max_pfn || !memblock_range_plain(m, pfn, last + 1))
		return false;
	z = pfn_zone(m, pfn);
	if (!z || !zone_spans_pfn(z, last))
		return false;
	*flags = ((uint64_t)z->zone_pgdat->node_id << NODES_PGSHIFT) |
		 ((uint64_t)z->idx << ZONES_PGSHIFT);
	if (fs->fill_scope)
		fst_fill_memo(m, pfn, z, *flags);
	return true;
}

static void fstore_fill_chunk(struct machine *m, uint8_t *dst, uint64_t chunk_va)
{
	uint8_t tmp[256];
	uint64_t end = chunk_va + FST_CHUNK_SIZE;
	unsigned long pfn = (chunk_va - VMEMMAP_START) / m->sps;
	struct fstore *fs = m->fstore;
	uint64_t flags = 0;

	if (fst_chunk_plain(m, chunk_va, &flags)) {
		/*
		 * Free at boot: node and zone in flags, _mapcount -1,
		 * everything else 0.  Fields are 8-byte aligned in a struct
		 * page and sps is a multiple of 8, so each of the two non-zero
		 * words lies wholly inside the chunk or wholly outside it.
		 */
		uint32_t mapcount = (uint32_t)-1;
		uint64_t pva = page_va(m, pfn);
		/* how far before the chunk the first struct page in it starts */
		unsigned int phase = (unsigned int)(chunk_va - pva);

		if (fs->tmpl_phase == phase && fs->tmpl_flags == flags) {
			memcpy(dst, fs->tmpl, FST_CHUNK_SIZE);
			return;
		}
		memset(dst, 0, FST_CHUNK_SIZE);
		for (; pva < end; pva += m->sps) {
			if (pva + PGOFF_FLAGS >= chunk_va && pva + PGOFF_FLAGS < end)
				memcpy(dst + (pva + PGOFF_FLAGS - chunk_va), &flags, 8);
			if (pva + PGOFF_MAPCOUNT >= chunk_va && pva + PGOFF_MAPCOUNT < end)
				memcpy(dst + (pva + PGOFF_MAPCOUNT - chunk_va), &mapcount, 4);
		}
		memcpy(fs->tmpl, dst, FST_CHUNK_SIZE);
		fs->tmpl_phase = phase;
		fs->tmpl_flags = flags;
		return;
	}

	for (; page_va(m, pfn) < end; pfn++) {
		uint64_t pva = page_va(m, pfn);
		uint64_t lo = pva > chunk_va ? pva : chunk_va;
		uint64_t hi = pva + m->sps < end ? pva + m->sps : end;

		page_boot_state(m, pfn, tmp);
		memcpy(dst + (lo - chunk_va), tmp + (lo - pva), hi - lo);
	}
}

static struct pframe *fstore_frame(struct machine *m, unsigned long frame)
{
	struct fstore *fs = m->fstore;
	unsigned long s = frame >> PFN_SECTION_SHIFT;
	struct pframe **slot;

	if (s >= fs->ix.nr_sec)
		return NULL;
	if (!fs->ix.sec[s]) {
		fs->ix.sec[s] = host_calloc(PAGES_PER_SECTION, sizeof(struct pframe *),
					 "storing frame contents");
		fs->host_bytes += PAGES_PER_SECTION * sizeof(struct pframe *);
	}
	slot = &fs->ix.sec[s][frame & (PAGES_PER_SECTION - 1)];
	if (!*slot) {
		if (!fs->pf_blocks || fs->pf_used == FST_PF_BLOCK) {
			struct fst_pfblock *b = host_calloc(1, sizeof(*b), "storing frame contents");

			b->next = fs->pf_blocks;
			fs->pf_blocks = b;
			fs->pf_used = 0;
			fs->host_bytes += sizeof(*b);
		}
		*slot = &fs->pf_blocks->pf[fs->pf_used++];
		(*slot)->origin_va = fstore_origin_va(m, frame);
	}
	return *slot;
}

static uint8_t *fst_chunk_alloc(struct fstore *fs)
{
	uint8_t *c;

	if (fs->free_chunks) {
		c = fs->free_chunks;
		memcpy(&fs->free_chunks, c, sizeof(void *));
		return c;
	}
	if (fs->slab_cur == fs->slab_end) {
		bool mapped = fs->slabs != NULL;
		struct fst_slab *sl = mapped ?
			host_map_aligned(FST_SLAB_SIZE, FST_SLAB_SIZE, "storing frame contents") :
			host_malloc(FST_SLAB_SIZE, "storing frame contents");

		sl->mapped = mapped;
		sl->next = fs->slabs;
		fs->slabs = sl;
		/* the first chunk's worth holds the slab header */
		fs->slab_cur = (uint8_t *)sl + FST_CHUNK_SIZE;
		fs->slab_end = (uint8_t *)sl + FST_SLAB_SIZE;
		fs->host_bytes += FST_SLAB_SIZE;
	}
	c = fs->slab_cur;
	fs->slab_cur += FST_CHUNK_SIZE;
	return c;
}

/* The frame's record, if it exists, without materialising it */
static struct pframe *fst_frame_peek(struct fstore *fs, unsigned long frame)
{
	unsigned long s = frame >> PFN_SECTION_SHIFT;

	if (s >= fs->ix.nr_sec || !fs->ix.sec[s])
		return NULL;
	return fs->ix.sec[s][frame & (PAGES_PER_SECTION - 1)];
}

/* -------------------------------------------------------------------------
 * Patterns (struct fst_pat)
 */
static inline struct fst_pat *fst_pat_of(const uint8_t *c)
{
	return (struct fst_pat *)((uintptr_t)c & ~FST_PAT_BIT);
}

/* A new reference to p, as a chunk slot holds it */
static inline uint8_t *fst_pat_ref(struct fst_pat *p)
{
	p->refs++;
	return (uint8_t *)((uintptr_t)p | FST_PAT_BIT);
}

static void fst_pat_put(struct fstore *fs, struct fst_pat *p)
{
	if (--p->refs)
		return;
	if (fs->pat_memo[p->phase / 8] == p)
		fs->pat_memo[p->phase / 8] = NULL;
	memcpy(p, &fs->free_pats, sizeof(void *));
	fs->free_pats = p;
}

/*
 * A pattern of img at phase (no reference taken): the last one made at
 * that phase when it has the same image, so a run of chunks shares one
 */
static struct fst_pat *fst_pat_get(struct machine *m, const uint8_t *img, unsigned int phase)
{
	struct fstore *fs = m->fstore;
	struct fst_pat *p = fs->pat_memo[phase / 8];

	if (p && !memcmp(p->img, img, m->sps))
		return p;
	if (fs->free_pats) {
		p = fs->free_pats;
		memcpy(&fs->free_pats, p, sizeof(void *));
	} else {
		if ((size_t)(fs->pat_end - fs->pat_cur) < fs->pat_size) {
			fs->pat_cur = fst_chunk_alloc(fs);
			fs->pat_end = fs->pat_cur + FST_CHUNK_SIZE;
		}
		p = (struct fst_pat *)(void *)fs->pat_cur;
		fs->pat_cur += fs->pat_size;
	}
	p->refs = 0;
	p->phase = phase;
	memcpy(p->img, img, m->sps);
	fs->pat_memo[phase / 8] = p;
	return p;
}

/* The 512 bytes a pattern stands for */
static void fst_pat_expand(const struct fst_pat *p, uint8_t *dst, unsigned int sps)
{
	unsigned int o = p->phase, b = 0;

	while (b < FST_CHUNK_SIZE) {
		unsigned int n = sps - o < FST_CHUNK_SIZE - b ? sps - o : FST_CHUNK_SIZE - b;

		memcpy(dst + b, p->img + o, n);
		b += n;
		o = 0;
	}
}

const uint8_t *fstore_pattern_bytes(struct machine *m, const uint8_t *chunk, unsigned int off)
{
	const struct fst_pat *p = fst_pat_of(chunk);
	unsigned int sps = m->sps, o = p->phase + off;

	/* sps is a power of two but for the odd sizes (56, 72, ...) */
	return p->img + (likely(!(sps & (sps - 1))) ? o & (sps - 1) : o % sps);
}

/*
 * The image and phase of an untouched chunk ci of pf when every struct
 * page in it reads the same: free at boot in one zone, or a fill byte
 */
static bool fst_untouched_image(struct machine *m, const struct pframe *pf, unsigned int ci,
				uint8_t *img, unsigned int *phase)
{
	uint64_t chunk_va, flags;
	uint32_t mapcount = (uint32_t)-1, ref;

	if (pf->origin_va < FST_ORIGIN_FILL_MAX) {
		memset(img, (int)pf->origin_va, m->sps);
		*phase = 0;
		return true;
	}
	chunk_va = pf->origin_va + ((uint64_t)ci << FST_CHUNK_SHIFT);
	if (!fst_chunk_plain(m, chunk_va, &flags))
		return false;
	ref = 0;
	*phase = (unsigned int)((chunk_va - VMEMMAP_START) % m->sps);
	memset(img, 0, m->sps);
	memcpy(img + PGOFF_FLAGS, &flags, 8);
	memcpy(img + PGOFF_MAPCOUNT, &mapcount, 4);
	memcpy(img + PGOFF_REFCOUNT, &ref, 4);
	return true;
}

/* Chunk ci of pf with bytes: a pattern or an untouched chunk gets them now */
static uint8_t *fst_materialise(struct machine *m, struct pframe *pf, unsigned int ci)
{
	struct fstore *fs = m->fstore;
	uint8_t *c = pf->chunk[ci], *b;

	if (likely(c && !fst_is_pat(c)))
		return c;
	b = fst_chunk_alloc(fs);
	if (c) {
		fst_pat_expand(fst_pat_of(c), b, m->sps);
		fst_pat_put(fs, fst_pat_of(c));
	} else if (pf->origin_va >= FST_ORIGIN_FILL_MAX) {
		fstore_fill_chunk(m, b, pf->origin_va + ((uint64_t)ci << FST_CHUNK_SHIFT));
	} else {
		memset(b, (int)pf->origin_va, FST_CHUNK_SIZE);
	}
	pf->chunk[ci] = b;
	fs->nr_chunks++;
	return b;
}

/* Chunk ci of pf for reading: an untouched one becomes a pattern if it is one */
static uint8_t *fst_chunk_for_read(struct machine *m, struct pframe *pf, unsigned int ci)
{
	uint8_t img[256];
	unsigned int phase;

	if (pf->chunk[ci])
		return pf->chunk[ci];
	if (fst_untouched_image(m, pf, ci, img, &phase))
		pf->chunk[ci] = fst_pat_ref(fst_pat_get(m, img, phase));
	else
		fst_materialise(m, pf, ci);
	return pf->chunk[ci];
}

/* Drop chunk ci of pf: its bytes to the free list, or its pattern reference */
static void fst_chunk_drop(struct fstore *fs, struct pframe *pf, unsigned int ci)
{
	uint8_t *c = pf->chunk[ci];

	if (!c)
		return;
	if (fst_is_pat(c)) {
		fst_pat_put(fs, fst_pat_of(c));
	} else {
		memcpy(c, &fs->free_chunks, sizeof(void *));
		fs->free_chunks = c;
		fs->nr_chunks--;
	}
	pf->chunk[ci] = NULL;
}

/* -------------------------------------------------------------------------
 * The explorer's lost-update bookkeeping (see the header comment)
 */
static void fst_report(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fst_report(struct machine *m, const char *fmt, ...)
{
	char buf[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sched_fail(m, buf);
}

static const char *fst_where(struct machine *m)
{
	return m->sched && m->sched->where ? m->sched->where : "?";
}

static struct fst_track *fst_track_of(struct fstore *fs, unsigned long frame)
{
	for (size_t i = 0; i < fs->nr_track; i++)
		if (fs->track[i].frame == frame)
			return &fs->track[i];
	return NULL;
}

static struct fst_track *fst_track_new(struct fstore *fs, unsigned long frame)
{
	struct fst_track *t = fst_track_of(fs, frame);

	if (t)
		return t;
	if (fs->nr_track == fs->cap_track) {
		fs->cap_track = fs->cap_track ? 2 * fs->cap_track : 16;
		fs->track = host_reallocarray(fs->track, fs->cap_track, sizeof(*fs->track),
					      "tracking frame copies");
	}
	t = &fs->track[fs->nr_track++];
	*t = (struct fst_track){ .frame = frame, .copied_to = PFN_NONE };
	return t;
}

static void fst_track_clear_pending(struct fstore *fs, struct fst_track *t)
{
	if (t->pending)
		fs->nr_pending--;
	t->pending = false;
}

/* Where va maps now, by the page tables (PFN_NONE: nowhere) */
static unsigned long fst_maps_now(struct machine *m, uint64_t va)
{
	unsigned long frame;
	bool rw;

	return vmemmap_peek(m, va, &frame, &rw, NULL) ? frame : PFN_NONE;
}

/*
 * A pending write is lost: its address maps frame now (PFN_NONE: nothing)
 * instead of t->frame, or (released) t->frame is being freed.
 */
static void fst_report_lost(struct machine *m, const struct fst_track *t, unsigned long now,
			   bool released)
{
	char since[80] = "", then[96];

	if (t->copied_to != PFN_NONE)
		snprintf(since, sizeof(since), " after its contents were copied to frame %#lx",
			 t->copied_to);
	if (released)
		snprintf(then, sizeof(then), "%s frees that frame", fst_where(m));
	else if (now == PFN_NONE)
		snprintf(then, sizeof(then), "%s unmaps that address", fst_where(m));
	else
		snprintf(then, sizeof(then), "%s now maps that address to frame %#lx",
			 fst_where(m), now);
	fst_report(m, "lost update: cpu%d in %s wrote %u bytes at %#llx into frame %#lx%s; %s",
		  t->w_cpu, t->w_where, t->w_len, (unsigned long long)t->w_va, t->frame, since,
		  then);
}

/* frame's contents are replaced (or released: then a pending write dies) */
static void fst_track_forget(struct machine *m, unsigned long frame, bool released)
{
	struct fstore *fs = m->fstore;
	struct fst_track *t = fst_track_of(fs, frame);

	if (!t)
		return;
	if (t->pending && released)
		fst_report_lost(m, t, PFN_NONE, true);
	fst_track_clear_pending(fs, t);
	*t = fs->track[--fs->nr_track];
}

static void fst_track_copy(struct machine *m, unsigned long dst, unsigned long src)
{
	struct fstore *fs = m->fstore;
	struct fst_track *t;

	if (src == dst)
		return;
	fst_track_forget(m, dst, false);
	t = fst_track_new(fs, src);
	fst_track_clear_pending(fs, t);	/* the copy carries the earlier writes */
	t->copied_to = dst;
}

bool fstore_frame_copied(struct machine *m, unsigned long frame)
{
	struct fst_track *t = fst_track_of(m->fstore, frame);

	return t && t->copied_to != PFN_NONE;
}

void fstore_note_write(struct machine *m, uint64_t va, unsigned int len)
{
	struct fst_access *a = &fstore_cpu(m)->last;
	struct fstore *fs = m->fstore;
	struct fst_track *t;

	if (a->va != va)
		return;		/* not the access just made: nothing to say */
	a->write = true;
	if (a->stale) {
		unsigned long now = fst_maps_now(m, va);
		char to[64] = "";

		t = fst_track_of(fs, a->frame);
		if (t && t->copied_to != PFN_NONE)
			snprintf(to, sizeof(to), ", whose contents were copied to frame %#lx",
				 t->copied_to);
		if (now == PFN_NONE)
			fst_report(m, "lost update: cpu%d in %s writes %u bytes at %#llx through a "
				  "stale TLB entry into frame %#lx%s; that address is no longer "
				  "mapped", m->cur_cpu, fst_where(m), len, (unsigned long long)va,
				  a->frame, to);
		else
			fst_report(m, "lost update: cpu%d in %s writes %u bytes at %#llx through a "
				  "stale TLB entry into frame %#lx%s; the page tables map that "
				  "address to frame %#lx now", m->cur_cpu, fst_where(m), len,
				  (unsigned long long)va, a->frame, to, now);
		return;
	}
	t = fst_track_new(fs, a->frame);
	if (!t->pending) {
		t->pending = true;
		t->w_va = va;
		t->w_len = len;
		t->w_cpu = m->cur_cpu;
		t->w_where = fst_where(m);
		fs->nr_pending++;
	}
}

void fstore_pt_changed(struct machine *m)
{
	struct fstore *fs = m->fstore;

	if (!fs || !fs->nr_pending)
		return;
	for (size_t i = 0; i < fs->nr_track; i++) {
		struct fst_track *t = &fs->track[i];
		unsigned long now;

		if (!t->pending)
			continue;
		now = fst_maps_now(m, t->w_va);
		if (now == t->frame)
			continue;
		fst_track_clear_pending(fs, t);
		fst_report_lost(m, t, now, false);
	}
}

/*
 * A frame whose contents nobody will read again (a vmemmap page HVO gave
 * back, after the flush that dropped every translation to it): its
 * chunks return to the free list.  If the frame is used again its new
 * owner writes it first (fstore_frame_zero or fstore_frame_copy).
 */
void fstore_frame_release(struct machine *m, unsigned long pfn)
{
	struct fstore *fs = m->fstore;
	unsigned long s = pfn >> PFN_SECTION_SHIFT;
	struct pframe *pf;

	pt_note_change(m, PT_CHANGE_FRAME);	/* the frame may be a page table */
	if (unlikely(m->sched))
		fst_track_forget(m, pfn, true);
	if (s >= fs->ix.nr_sec || !fs->ix.sec[s])
		return;
	pf = fs->ix.sec[s][pfn & (PAGES_PER_SECTION - 1)];
	if (!pf)
		return;
	for (unsigned int ci = 0; ci < FST_CHUNKS_PER_FRAME; ci++) {
		uint64_t key = fst_ptc_key(pfn, ci << FST_CHUNK_SHIFT);
		struct fst_ptc_ent *e = &fs->ix.ptc[fst_ptc_slot(key)];

		if (e->key == key)	/* the chunk is going: so is its cached address */
			e->key = 0;
		fst_chunk_drop(fs, pf, ci);
	}
	pf->origin_va = 0;
	pf->gen++;
}

/* Chunk ci of frame pfn, materialised if needed (NULL beyond memory) */
static uint8_t *fstore_chunk(struct machine *m, unsigned long pfn, unsigned int ci)
{
	struct pframe *pf = fstore_frame(m, pfn);

	return pf ? fst_materialise(m, pf, ci) : NULL;
}

void fstore_frame_fill(struct machine *m, unsigned long pfn, unsigned int off, unsigned int len,
		       uint8_t byte)
{
	struct pframe *pf = fstore_frame(m, pfn);

	if (!pf || !len)
		return;
	if (off == 0 && len == PAGE_SIZE) {
		for (unsigned int ci = 0; ci < FST_CHUNKS_PER_FRAME; ci++)
			if (fst_is_pat(pf->chunk[ci]))
				fst_chunk_drop(m->fstore, pf, ci);	/* now reads byte */
			else if (pf->chunk[ci])
				memset(pf->chunk[ci], byte, FST_CHUNK_SIZE);
		pf->origin_va = byte;
		return;
	}
	while (len) {
		unsigned int ci = off >> FST_CHUNK_SHIFT, co = off & (FST_CHUNK_SIZE - 1);
		unsigned int n = FST_CHUNK_SIZE - co < len ? FST_CHUNK_SIZE - co : len;
		uint8_t *c = fstore_chunk(m, pfn, ci);

		memset(c + co, byte, n);
		off += n;
		len -= n;
	}
}

static unsigned int count_byte(const uint8_t *p, unsigned int n, uint8_t byte)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		k += p[i] == byte;
	return k;
}

unsigned int fstore_frame_count(struct machine *m, unsigned long pfn, unsigned int off,
				unsigned int len, uint8_t byte)
{
	struct pframe *pf = fst_frame_peek(m->fstore, pfn);
	uint8_t tmp[FST_CHUNK_SIZE];
	unsigned int k = 0;

	while (len) {
		unsigned int ci = off >> FST_CHUNK_SHIFT, co = off & (FST_CHUNK_SIZE - 1);
		unsigned int n = FST_CHUNK_SIZE - co < len ? FST_CHUNK_SIZE - co : len;
		uint64_t origin = pf ? pf->origin_va : fstore_origin_va(m, pfn);

		if (pf && fst_is_pat(pf->chunk[ci])) {
			fst_pat_expand(fst_pat_of(pf->chunk[ci]), tmp, m->sps);
			k += count_byte(tmp + co, n, byte);
		} else if (pf && pf->chunk[ci])
			k += count_byte(pf->chunk[ci] + co, n, byte);
		else if (origin < FST_ORIGIN_FILL_MAX)
			k += origin == byte ? n : 0;
		else {
			fstore_fill_chunk(m, tmp, origin + ((uint64_t)ci << FST_CHUNK_SHIFT));
			k += count_byte(tmp + co, n, byte);
		}
		off += n;
		len -= n;
	}
	return k;
}

void fstore_grow(struct machine *m, unsigned long nr_sec)
{
	struct fstore *fs = m->fstore;

	if (nr_sec <= fs->ix.nr_sec)
		return;
	fs->ix.sec = host_reallocarray(fs->ix.sec, nr_sec, sizeof(*fs->ix.sec),
				       "growing the frame store for hot-added memory");
	memset(fs->ix.sec + fs->ix.nr_sec, 0, (nr_sec - fs->ix.nr_sec) * sizeof(*fs->ix.sec));
	fs->host_bytes += (nr_sec - fs->ix.nr_sec) * sizeof(*fs->ix.sec);
	fs->ix.nr_sec = nr_sec;
}

uint8_t *fstore_frame_bytes(struct machine *m, unsigned long pfn, unsigned int off)
{
	struct pframe *pf = fst_frame_peek(m->fstore, pfn);
	uint8_t *c = pf ? pf->chunk[off >> FST_CHUNK_SHIFT] : NULL;

	if (likely(c && !fst_is_pat(c)))
		return c + (off & (FST_CHUNK_SIZE - 1));
	c = fstore_chunk(m, pfn, off >> FST_CHUNK_SHIFT);

	return c ? c + (off & (FST_CHUNK_SIZE - 1)) : NULL;
}

/* A miss of fstore_table_bytes(): materialise the chunk and remember it */
uint8_t *fstore_table_bytes_fill(struct machine *m, unsigned long pfn, unsigned int off)
{
	uint64_t key = fst_ptc_key(pfn, off);
	struct fst_ptc_ent *e = &m->fstore->ix.ptc[fst_ptc_slot(key)];
	uint8_t *c = fstore_chunk(m, pfn, off >> FST_CHUNK_SHIFT);

	if (!c)
		return NULL;
	e->key = key;
	e->chunk = c;
	return c + (off & (FST_CHUNK_SIZE - 1));
}

void fstore_frame_zero(struct machine *m, unsigned long pfn)
{
	struct pframe *pf = fstore_frame(m, pfn);

	pt_note_change(m, PT_CHANGE_FRAME);	/* the frame may be a page table */
	if (unlikely(m->sched))
		fst_track_forget(m, pfn, false);
	if (!pf)
		return;
	pf->origin_va = 0;
	for (unsigned int ci = 0; ci < FST_CHUNKS_PER_FRAME; ci++) {
		if (fst_is_pat(pf->chunk[ci]))
			fst_chunk_drop(m->fstore, pf, ci);
		if (!pf->chunk[ci])
			fstore_chunk(m, pfn, ci);
		else
			memset(pf->chunk[ci], 0, FST_CHUNK_SIZE);
	}
}

/*
 * One step for the explorer: the copy reads src (announced) and writes dst,
 * which only its new owner can reach until a page-table write publishes it.
 */
void fstore_frame_copy(struct machine *m, unsigned long dst, unsigned long src)
{
	SCHED_WHERE(m);

	pt_note_change(m, PT_CHANGE_FRAME);	/* the frame may be a page table */
	sched_point(m, SCHED_COPY, (uint64_t)src << PAGE_SHIFT, PAGE_SIZE);
	for (unsigned int ci = 0; ci < FST_CHUNKS_PER_FRAME; ci++) {
		struct pframe *spf = fstore_frame(m, src), *dpf;
		uint8_t *s, *d;

		if (!spf)
			continue;
		s = fst_chunk_for_read(m, spf, ci);
		dpf = fstore_frame(m, dst);
		if (!dpf)
			continue;
		d = dpf->chunk[ci];
		if (!fst_is_pat(s)) {
			memcpy(fst_materialise(m, dpf, ci), s, FST_CHUNK_SIZE);
		} else if (d && !fst_is_pat(d)) {
			/* bytes stay bytes: a TLB entry may point at them */
			fst_pat_expand(fst_pat_of(s), d, m->sps);
		} else if (d != s) {
			dpf->chunk[ci] = fst_pat_ref(fst_pat_of(s));
			if (d)
				fst_pat_put(m->fstore, fst_pat_of(d));
		}
	}
	if (unlikely(m->sched))
		fst_track_copy(m, dst, src);
}

static void fst_fault_not_present(struct machine *m, uint64_t va, bool write)
{
	mm_fail(m, "BUG: unable to handle page fault for address: %#llx "
		"(#PF: supervisor %s access in kernel mode, not-present page)",
		(unsigned long long)va, write ? "write" : "read");
}

static void fst_fault_read_only(struct machine *m, uint64_t va, unsigned long frame)
{
	mm_fail(m, "BUG: unable to handle page fault for address: %#llx "
		"(#PF: supervisor write access in kernel mode, permissions violation: "
		"read-only vmemmap, frame %#lx)", (unsigned long long)va, frame);
}

static void fst_beyond_memory(struct machine *m, uint64_t va, unsigned long frame)
{
	mm_fail(m, "vmemmap address %#llx maps beyond memory (frame %#lx)",
		(unsigned long long)va, frame);
}

/* Give slot i of c (which translates tag) the shortcut to chunk, if it has bytes */
static inline void fst_xc_shortcut(struct fstore_cpu *c, unsigned long i, uint64_t tag,
				   uint8_t *chunk)
{
	struct fst_xc_ent *e = &c->xc[i];

	if (chunk && !fst_is_pat(chunk)) {
		e->tag = tag;
		e->wtag = (e->fw & 1) ? tag : FST_TAG_NONE;
		e->host = chunk;
	} else {
		e->tag = FST_TAG_NONE;
		e->wtag = FST_TAG_NONE;
		e->host = NULL;
	}
}

/* A TLB miss outside the explorer fills slot i of c: va's chunk maps frame (record pf) */
static void fst_xc_fill(struct fstore_cpu *c, unsigned long i, uint64_t tag, unsigned long frame,
			bool writable, const struct pframe *pf)
{
	c->stag[i] = tag;
	c->sgen[i] = pf->gen;
	c->xc[i].fw = (uint64_t)frame << 1 | writable;
	c->misses++;
	c->filled++;
}

/*
 * The running CPU's translation of va (slot i, tag) for an access: a hit
 * in the simulated TLB, or a walk that fills it.  NULL when the access
 * faults (reported only if report), as the access itself would.
 */
static struct pframe *fst_tlb_lookup(struct machine *m, uint64_t va, bool write, bool report)
{
	struct fstore_cpu *c = fstore_cpu(m);
	uint64_t tag = va >> FST_CHUNK_SHIFT;
	unsigned long i = tag & (FST_XC_SIZE - 1), frame;
	struct pframe *pf;
	bool writable;

	if (c->stag[i] == tag && (!write || (c->xc[i].fw & 1)))
		return fst_frame_peek(m->fstore, (unsigned long)(c->xc[i].fw >> 1));
	if (!vmemmap_translate(m, va, &frame, &writable)) {
		if (report)
			fst_fault_not_present(m, va, write);
		return NULL;
	}
	if (write && !writable) {
		if (report)
			fst_fault_read_only(m, va, frame);
		return NULL;
	}
	pf = fstore_frame(m, frame);
	if (!pf) {
		if (report)
			fst_beyond_memory(m, va, frame);
		return NULL;
	}
	fst_xc_fill(c, i, tag, frame, writable, pf);
	return pf;
}

/*
 * A struct page access that missed the shortcut (outside the explorer).
 * A read of a pattern chunk reads the pattern and leaves the slot without
 * a shortcut; anything else gives the chunk bytes and the slot its
 * shortcut.
 */
uint8_t *fstore_xlate_slow(struct machine *m, uint64_t va, bool write)
{
	struct fstore_cpu *c = fstore_cpu(m);
	uint64_t tag = va >> FST_CHUNK_SHIFT;
	unsigned long i = tag & (FST_XC_SIZE - 1);
	unsigned int ci = (unsigned int)tag & (FST_CHUNKS_PER_FRAME - 1);
	struct pframe *pf = fst_tlb_lookup(m, va, write, true);
	uint8_t *chunk;

	if (!pf)
		return NULL;
	if (!write) {
		chunk = fst_chunk_for_read(m, pf, ci);
		if (fst_is_pat(chunk))
			return (uint8_t *)fstore_pattern_bytes(m, chunk, va & (FST_CHUNK_SIZE - 1));
	}
	chunk = fst_materialise(m, pf, ci);
	fst_xc_shortcut(c, i, tag, chunk);
	return chunk + (va & (FST_CHUNK_SIZE - 1));
}

/* -------------------------------------------------------------------------
 * The explorer's access path
 */

/*
 * A TLB miss: one step that reads the page-table entry deciding va's
 * translation (announced at its physical address) and fills the running
 * CPU's TLB for the whole page.  The entry is found before the
 * announcement and again after it; if another CPU changed the walk's path
 * meanwhile (a PMD split), the fill is announced again at the new entry.
 */
static bool fst_fill_sched(struct machine *m, uint64_t va, bool write)
{
	uint64_t page = va & ~(PAGE_SIZE - 1), pa, pa2;
	unsigned long frame;
	struct fstore_cpu *c;
	bool rw, ok;

	vmemmap_peek(m, va, &frame, &rw, &pa);
	for (;;) {
		sched_point(m, SCHED_TLB_FILL, pa, 8);
		ok = vmemmap_peek(m, va, &frame, &rw, &pa2);
		if (pa2 == pa)
			break;
		pa = pa2;
	}
	if (!ok) {
		fst_fault_not_present(m, va, write);
		return false;
	}
	if (write && !rw) {
		fst_fault_read_only(m, va, frame);
		return false;
	}
	c = fstore_cpu(m);
	for (unsigned int ci = 0; ci < FST_CHUNKS_PER_FRAME; ci++) {
		struct pframe *pf = fstore_frame(m, frame);
		uint64_t tag = (page >> FST_CHUNK_SHIFT) + ci;
		unsigned long i = tag & (FST_XC_SIZE - 1);

		if (!pf) {
			fst_beyond_memory(m, va, frame);
			return false;
		}
		c->stag[i] = tag;
		c->sgen[i] = pf->gen;
		c->xc[i].fw = (uint64_t)frame << 1 | rw;
		fst_xc_shortcut(c, i, tag, fst_materialise(m, pf, ci));
		c->filled++;
	}
	c->misses++;
	return true;
}

uint8_t *fstore_access_sched(struct machine *m, enum sched_op op, uint64_t va, unsigned int len)
{
	bool write = op != SCHED_READ;
	uint64_t tag = va >> FST_CHUNK_SHIFT;
	unsigned int ci = (unsigned int)tag & (FST_CHUNKS_PER_FRAME - 1);
	unsigned long i = tag & (FST_XC_SIZE - 1);
	struct fstore_cpu *c;
	struct fst_xc_ent *e;
	struct fst_access *a;
	struct pframe *pf;
	unsigned long frame;
	uint8_t *host;

	for (;;) {
		c = fstore_cpu(m);
		e = &c->xc[i];
		if (c->stag[i] != tag || (write && !(e->fw & 1))) {
			if (!fst_fill_sched(m, va, write))
				return NULL;
			continue;
		}
		frame = (unsigned long)(e->fw >> 1);
		if (e->tag != tag) {
			/*
			 * Filled outside the explorer to a pattern chunk: the
			 * chunk gets bytes and the slot its shortcut, unless the
			 * frame was released since (checked below)
			 */
			pf = fst_frame_peek(m->fstore, frame);
			if (pf && pf->gen == c->sgen[i])
				fst_xc_shortcut(c, i, tag, fst_materialise(m, pf, ci));
		}
		host = e->tag == tag ? e->host : NULL;
		sched_point(m, op, ((uint64_t)frame << PAGE_SHIFT) | (va & (PAGE_SIZE - 1)), len);
		/* a flush may have reached this CPU while it was stopped */
		c = fstore_cpu(m);
		e = &c->xc[i];
		if (c->stag[i] == tag && (e->tag == tag ? e->host : NULL) == host &&
		    (unsigned long)(e->fw >> 1) == frame && (!write || (e->fw & 1)))
			break;
	}
	c->hits++;
	pf = fst_frame_peek(m->fstore, frame);
	if (!pf || !host || pf->chunk[ci] != host) {
		fst_report(m, "use after free: cpu%d in %s %s %#llx through a TLB entry for frame "
			  "%#lx, whose storage was released: the frame was freed before a flush "
			  "reached this CPU", m->cur_cpu, fst_where(m), write ? "writes" : "reads",
			  (unsigned long long)va, frame);
		return NULL;
	}
	a = &fstore_cpu(m)->last;
	a->va = va;
	a->frame = frame;
	a->write = false;
	a->copied = fstore_frame_copied(m, frame);
	a->stale = fst_maps_now(m, va) != frame;
	if (op == SCHED_WRITE)
		fstore_note_write(m, va, len);
	return host + (va & (FST_CHUNK_SIZE - 1));
}

/* The general path of page.h's field accessors (explorer, TLB miss, fault) */
#define PG_ACCESSORS_SLOW(bits, type)						\
type pg_read##bits##_slow(struct machine *m, uint64_t va)			\
{									\
	uint8_t *p = pg_xlate(m, SCHED_READ, va, sizeof(type));		\
	type v;								\
									\
	if (unlikely(!p))						\
		return 0;						\
	memcpy(&v, p, sizeof(v));					\
	return v;							\
}									\
void pg_write##bits##_slow(struct machine *m, uint64_t va, type v)	\
{									\
	uint8_t *p = pg_xlate(m, SCHED_WRITE, va, sizeof(type));	\
									\
	if (likely(p))							\
		memcpy(p, &v, sizeof(v));				\
}
PG_ACCESSORS_SLOW(64, uint64_t)
PG_ACCESSORS_SLOW(32, uint32_t)
PG_ACCESSORS_SLOW(8, uint8_t)
#undef PG_ACCESSORS_SLOW

/* -------------------------------------------------------------------------
 * Refcount and flag operations that are one atomic step in the kernel.
 * Each body is written once and instantiated twice: the common path, and
 * an out-of-line explorer path (one RMW scheduling point on the physical
 * word, labelled with the kernel's name for the trace), so the common path
 * costs one branch more than the plain update.
 */
static __attribute__((always_inline)) inline uint8_t *rmw_xlate(struct machine *m, bool sched,
								 uint64_t va, unsigned int len)
{
	return sched ? fstore_access_sched(m, SCHED_RMW, va, len) : fst_xlate(m, va, true);
}

static __attribute__((always_inline)) inline void rmw_note(struct machine *m, bool sched,
							   uint64_t va, unsigned int len)
{
	if (sched)
		fstore_note_write(m, va, len);
}

static __attribute__((always_inline)) inline int ref_add_return(struct machine *m, bool sched,
								unsigned long pfn, int nr)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p = rmw_xlate(m, sched, va, 4);
	int32_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 4);
	v += nr;
	rmw_note(m, sched, va, 4);
	memcpy(p, &v, 4);
	return v;
}

static __attribute__((always_inline)) inline bool ref_get_unless_zero(struct machine *m,
								      bool sched,
								      unsigned long pfn)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p = rmw_xlate(m, sched, va, 4);
	int32_t v;

	if (!p)
		return false;
	memcpy(&v, p, 4);
	if (v == 0)
		return false;
	v++;
	rmw_note(m, sched, va, 4);
	memcpy(p, &v, 4);
	return true;
}

static __attribute__((always_inline)) inline bool ref_freeze(struct machine *m, bool sched,
							     unsigned long pfn, int count)
{
	uint64_t va = page_va(m, pfn) + PGOFF_REFCOUNT;
	uint8_t *p = rmw_xlate(m, sched, va, 4);
	int32_t v;

	if (!p)
		return false;
	memcpy(&v, p, 4);
	if (v != count)
		return false;
	v = 0;
	rmw_note(m, sched, va, 4);
	memcpy(p, &v, 4);
	return true;
}

static __attribute__((always_inline)) inline bool test_set_flag(struct machine *m, bool sched,
								unsigned long pfn, int bit)
{
	uint64_t va = page_va(m, pfn) + PGOFF_FLAGS;
	uint8_t *p = rmw_xlate(m, sched, va, 8);
	uint64_t f;

	if (!p)
		return false;
	memcpy(&f, p, 8);
	if (f & (1UL << bit))
		return true;
	f |= 1UL << bit;
	rmw_note(m, sched, va, 8);
	memcpy(p, &f, 8);
	return false;
}

static __attribute__((noinline)) int page_ref_add_return_sched(struct machine *m,
								unsigned long pfn, int nr)
{
	SCHED_WHERE_AS(m, "page_ref_add_return");

	return ref_add_return(m, true, pfn, nr);
}

int page_ref_add_return(struct machine *m, unsigned long pfn, int nr)
{
	if (unlikely(m->sched))
		return page_ref_add_return_sched(m, pfn, nr);
	return ref_add_return(m, false, pfn, nr);
}

static __attribute__((noinline)) bool get_page_unless_zero_sched(struct machine *m,
								 unsigned long pfn)
{
	SCHED_WHERE_AS(m, "get_page_unless_zero");

	return ref_get_unless_zero(m, true, pfn);
}

bool get_page_unless_zero(struct machine *m, unsigned long pfn)
{
	if (unlikely(m->sched))
		return get_page_unless_zero_sched(m, pfn);
	return ref_get_unless_zero(m, false, pfn);
}

static __attribute__((noinline)) bool page_ref_freeze_sched(struct machine *m,
							    unsigned long pfn, int count)
{
	SCHED_WHERE_AS(m, "page_ref_freeze");

	return ref_freeze(m, true, pfn, count);
}

bool page_ref_freeze(struct machine *m, unsigned long pfn, int count)
{
	if (unlikely(m->sched))
		return page_ref_freeze_sched(m, pfn, count);
	return ref_freeze(m, false, pfn, count);
}

void page_ref_unfreeze(struct machine *m, unsigned long pfn, int count)
{
	SCHED_WHERE(m);

	set_page_count(m, pfn, count);
}

/* memory_failure()'s TestSetPageHWPoison: no reference taken */
bool TestSetPageHWPoison(struct machine *m, unsigned long pfn)
{
	SCHED_WHERE(m);

	return test_set_flag(m, m->sched != NULL, pfn, PG_hwpoison);
}

/* -------------------------------------------------------------------------
 * Page locks (PG_locked): lock_page, trylock_page, unlock_page
 *
 * The lock bit lives in the struct page, so acquiring it is one atomic
 * RMW of page->flags through the vmemmap.  Under the explorer a contended
 * lock_page blocks (the CPU is not scheduled until the bit reads clear),
 * then tries again; sequentially nobody could ever unlock it, so that is
 * a reported failure, like a spinlock taken twice.
 */
bool trylock_page(struct machine *m, unsigned long pfn)
{
	SCHED_WHERE(m);

	return !test_set_flag(m, m->sched != NULL, pfn, PG_locked);
}

struct page_lock_wait {
	struct machine *m;
	unsigned long pfn;
};

/* Does PG_locked read clear right now (no scheduling point, no TLB)? */
static bool page_lock_free(void *arg)
{
	struct page_lock_wait *w = arg;
	uint64_t va = page_va(w->m, w->pfn) + PGOFF_FLAGS;
	unsigned long frame;
	uint64_t f;
	uint8_t *p;
	bool rw;

	if (!vmemmap_peek(w->m, va, &frame, &rw, NULL))
		return true;
	p = fstore_frame_bytes(w->m, frame, (unsigned int)(va & (PAGE_SIZE - 1)));
	if (!p)
		return true;
	memcpy(&f, p, 8);
	return !(f & (1UL << PG_locked));
}

void lock_page(struct machine *m, unsigned long pfn)
{
	SCHED_WHERE(m);

	while (test_set_flag(m, m->sched != NULL, pfn, PG_locked)) {
		struct page_lock_wait w = { m, pfn };
		uint64_t va = page_va(m, pfn) + PGOFF_FLAGS;
		unsigned long frame = 0;
		bool rw;

		if (!m->sched) {
			mm_fail(m, "BUG: lock_page(%#lx): the page is locked and no other CPU runs "
				"to unlock it (deadlock)", pfn);
			return;
		}
		vmemmap_peek(m, va, &frame, &rw, NULL);
		m->sched->wait(m->sched->priv, SCHED_LOCK,
			       ((uint64_t)frame << PAGE_SHIFT) | (va & (PAGE_SIZE - 1)), 8,
			       page_lock_free, &w);
	}
}

void unlock_page(struct machine *m, unsigned long pfn)
{
	bool sched = m->sched != NULL;
	uint64_t va = page_va(m, pfn) + PGOFF_FLAGS;
	uint8_t *p;
	uint64_t f;
	SCHED_WHERE(m);

	p = rmw_xlate(m, sched, va, 8);	/* clear_bit_unlock: one atomic step */
	if (!p)
		return;
	memcpy(&f, p, 8);
	if (!(f & (1UL << PG_locked))) {
		mm_fail(m, "BUG: unlock_page(%#lx) of a page that is not locked", pfn);
		return;
	}
	f &= ~(1UL << PG_locked);
	rmw_note(m, sched, va, 8);
	memcpy(p, &f, 8);
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

/*
 * Uniform writes: the same value into the same fields of a run of struct
 * pages, as compound preparation and destruction make them.  Field
 * offsets ascend, so the accesses one by one go up through the vmemmap
 * chunk by chunk, each chunk translated once, in order.
 */
struct fst_field {
	unsigned int off, len;	/* len 4 or 8 */
	uint64_t val;
};

/*
 * The fields of the struct pages in [first, end) that lie in the chunk at
 * va, one access each in the order the code makes them
 */
static void fst_fields_in_chunk(struct machine *m, unsigned long first, unsigned long end,
				uint64_t va, const struct fst_field *f, unsigned int nf)
{
	unsigned long p = (unsigned long)((va - VMEMMAP_START) / m->sps);

	if (p < first)
		p = first;
	for (; p < end && page_va(m, p) < va + FST_CHUNK_SIZE; p++)
		for (unsigned int k = 0; k < nf; k++) {
			uint64_t fva = page_va(m, p) + f[k].off;

			if (fva < va || fva >= va + FST_CHUNK_SIZE)
				continue;
			if (f[k].len == 8)
				pg_write64(m, p, f[k].off, f[k].val);
			else
				pg_write32(m, p, f[k].off, (uint32_t)f[k].val);
		}
}

/*
 * What a run of uniform writes keeps between chunks: the walk of the
 * current vmemmap page (the same translation for each of its chunks:
 * nothing changes the page tables between them), and the last change
 * made, so the next chunk in the same state takes the same pattern.
 */
struct fst_uniform {
	const struct fst_field *f;
	unsigned int nf;
	uint64_t page;			/* the walked page, or FST_TAG_NONE */
	unsigned long frame;
	bool ok, writable;
	struct pframe *pf;		/* the walked frame's record */
	const uint8_t *src;		/* the last chunk state changed (NULL: untouched) */
	uint64_t src_key;		/* untouched: origin_va of the chunk */
	struct fst_pat *res;		/* what it became, or NULL */
};

/*
 * Do untouched chunks that backed boot vmemmap addresses a and b read the
 * same?  Yes when both lie in the fill scope's plain sub-section (same
 * flags) at the same phase.
 */
static bool fst_same_boot_chunk(struct machine *m, uint64_t a, uint64_t b)
{
	const struct fstore *fs = m->fstore;
	uint64_t lo = page_va(m, fs->memo_lo), hi = page_va(m, fs->memo_hi);
	uint64_t d = a > b ? a - b : b - a;

	if (!fs->fill_scope || a < lo || a + FST_CHUNK_SIZE > hi || b < lo ||
	    b + FST_CHUNK_SIZE > hi)
		return false;
	return !(m->sps & (m->sps - 1)) ? !(d & (m->sps - 1)) : !(d % m->sps);
}

/* The running CPU's write translation of the chunk at va, as its first write would make it */
static struct pframe *fst_uniform_lookup(struct machine *m, struct fst_uniform *u, uint64_t va)
{
	struct fstore_cpu *c = fstore_cpu(m);
	uint64_t tag = va >> FST_CHUNK_SHIFT, page = va & ~(PAGE_SIZE - 1);
	unsigned long i = tag & (FST_XC_SIZE - 1);

	if (c->stag[i] == tag && (c->xc[i].fw & 1))
		return fst_frame_peek(m->fstore, (unsigned long)(c->xc[i].fw >> 1));
	if (u->page != page) {
		u->page = page;
		u->ok = vmemmap_translate(m, va, &u->frame, &u->writable);
		u->pf = u->ok && u->writable ? fstore_frame(m, u->frame) : NULL;
	}
	if (!u->pf)
		return NULL;	/* the access faults: made one by one, it says so */
	fst_xc_fill(c, i, tag, u->frame, true, u->pf);
	return u->pf;
}

/*
 * The chunk at va lies wholly in the run: if the running CPU's TLB gives
 * a write translation (filling it as the first access would) and the
 * chunk holds a pattern, or is untouched with every struct page alike,
 * the writes become one change of the pattern.  False: nothing written,
 * the accesses are to be made one by one (a fault, a chunk with bytes).
 */
static bool fst_uniform_chunk(struct machine *m, struct fst_uniform *u, uint64_t va)
{
	uint64_t tag = va >> FST_CHUNK_SHIFT, key = 0;
	unsigned int ci = (unsigned int)tag & (FST_CHUNKS_PER_FRAME - 1), phase;
	struct pframe *pf = fst_uniform_lookup(m, u, va);
	uint8_t img[256], *cur;
	struct fst_pat *res;

	if (!pf)
		return false;
	cur = pf->chunk[ci];
	if (!cur)
		key = pf->origin_va < FST_ORIGIN_FILL_MAX ? pf->origin_va :
		      pf->origin_va + ((uint64_t)ci << FST_CHUNK_SHIFT);
	if (u->res && cur == u->src && (cur || (key < FST_ORIGIN_FILL_MAX ? key == u->src_key :
		    u->src_key >= FST_ORIGIN_FILL_MAX && fst_same_boot_chunk(m, key, u->src_key)))) {
		res = u->res;
	} else {
		if (fst_is_pat(cur)) {
			memcpy(img, fst_pat_of(cur)->img, m->sps);
			phase = fst_pat_of(cur)->phase;
		} else if (cur || !fst_untouched_image(m, pf, ci, img, &phase)) {
			/* bytes: the accesses one by one hit the shortcut */
			fst_xc_shortcut(fstore_cpu(m), tag & (FST_XC_SIZE - 1), tag,
					fst_materialise(m, pf, ci));
			return false;
		}
		for (unsigned int k = 0; k < u->nf; k++)
			memcpy(img + u->f[k].off, &u->f[k].val, u->f[k].len);
		res = fst_pat_get(m, img, phase);
		u->src = cur;
		u->src_key = key;
		u->res = res;
	}
	pf->chunk[ci] = fst_pat_ref(res);
	if (cur) {
		if (fst_pat_of(cur)->refs == 1)
			u->res = NULL;	/* cur is freed: its address may come back */
		fst_pat_put(m->fstore, fst_pat_of(cur));
	}
	return true;
}

/* The fields f into every struct page of [first, end) */
static void fst_uniform_write(struct machine *m, unsigned long first, unsigned long end,
			      const struct fst_field *f, unsigned int nf)
{
	uint64_t lo = page_va(m, first), hi = page_va(m, end);
	struct fst_uniform u = { .f = f, .nf = nf, .page = FST_TAG_NONE };

	fst_fill_scope_begin(m);
	for (uint64_t va = lo & ~(FST_CHUNK_SIZE - 1); va < hi; va += FST_CHUNK_SIZE) {
		if (!m->sched && va >= lo && va + FST_CHUNK_SIZE <= hi && fst_uniform_chunk(m, &u, va))
			continue;
		fst_fields_in_chunk(m, first, end, va, f, nf);
		u.page = FST_TAG_NONE;	/* those accesses may have filled or faulted */
		u.res = NULL;
	}
	fst_fill_scope_end(m);
}

void prep_compound_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order;
	const struct fst_field tail[] = {
		{ PGOFF_COMPOUND_HEAD, 8, page_va(m, pfn) | 1 },
		{ PGOFF_REFCOUNT, 4, 0 },	/* tails carry no references of their own */
	};

	SetPageHead(m, pfn);
	fst_uniform_write(m, pfn + 1, pfn + nr, tail, ARRAY_SIZE(tail));
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
	unsigned long nr = 1UL << order;
	const struct fst_field tail[] = {
		{ PGOFF_COMPOUND_HEAD, 8, 0 },
		{ PGOFF_MAPPING, 8, 0 },
	};

	ClearPageHead(m, pfn);
	fst_uniform_write(m, pfn + 1, pfn + nr, tail, ARRAY_SIZE(tail));
	if (nr > 1) {
		pg_write64(m, pfn + 1, PGOFF_COMPOUND_DTOR, 0);	/* dtor, order, mapcount */
		pg_write32(m, pfn + 1, PGOFF_COMPOUND_NR, 0);
	}
}

/* -------------------------------------------------------------------------
 * Lists through page->lru (free lists and pcp lists)
 */
void pfnlist_init(struct pfnlist_head *h)
{
	h->first = h->last = PFN_NONE;
}

void pfnlist_add_tail(struct machine *m, struct pfnlist_head *h, unsigned long pfn)
{
	struct page_handle p = page_handle(m, pfn);

	ph_set_page_lru_next(m, &p, PFN_NONE);
	ph_set_page_lru_prev(m, &p, h->last);
	if (h->last != PFN_NONE)
		set_page_lru_next(m, h->last, pfn);
	else
		h->first = pfn;
	h->last = pfn;
}

void pfnlist_del(struct machine *m, struct pfnlist_head *h, unsigned long pfn)
{
	struct page_handle p = page_handle(m, pfn);
	unsigned long next = ph_page_lru_next(m, &p), prev = ph_page_lru_prev(m, &p);

	if (prev != PFN_NONE)
		set_page_lru_next(m, prev, next);
	else
		h->first = next;
	if (next != PFN_NONE)
		set_page_lru_prev(m, next, prev);
	else
		h->last = prev;
}

unsigned long pfnlist_pop_tail(struct machine *m, struct pfnlist_head *h)
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
static void pfnlist_insert_after(struct machine *m, struct pfnlist_head *h, unsigned long pos,
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
void pfnlist_swap(struct machine *m, struct pfnlist_head *h, unsigned long a, unsigned long b)
{
	unsigned long pos = page_lru_prev(m, b);

	if (a == b)
		return;
	pfnlist_del(m, h, b);
	/* b takes a's place */
	pfnlist_insert_after(m, h, page_lru_prev(m, a), b);
	pfnlist_del(m, h, a);
	if (pos == a)
		pos = b;
	pfnlist_insert_after(m, h, pos, a);
}
