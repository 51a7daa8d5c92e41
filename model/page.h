/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page.h - struct page, reached only through the vmemmap.
 *
 * A struct page lives at VMEMMAP_START + pfn * sps in the simulated kernel
 * address space, sps being the machine's struct page size (56, 64, 72 ...).
 * Every field access below translates that address to the frame that backs
 * it and reads or writes the frame's bytes, so remapping the vmemmap
 * changes what a struct page reads, exactly as in the kernel.  Model code
 * holds a pfn, not a host pointer to a struct page; a page handle (below)
 * keeps one only for a run of accesses the running CPU's TLB entry stands
 * behind, unchanged.
 *
 * Field layout inside the sps bytes follows x86_64 6.1 without debug
 * options (the first 56 bytes; memcg_data follows when sps >= 64):
 *
 *   0  flags           u64   PG_* bits 0..22, zone at 51..53, node at 54..63
 *   8  lru.next        u64   free and pcp lists: pfn << 1 of the next member
 *      compound_head   u64   tail pages: vmemmap address of the head | 1
 *  16  lru.prev        u64   pfn << 1 of the previous member
 *      compound_dtor   u8    first tail page
 *  17  compound_order  u8    first tail page
 *  20  compound_mapcount s32 first tail page
 *  24  compound_pincount s32 first tail page (6.1 keeps it at 24)
 *  28  compound_nr     u32   first tail page
 *  24  mapping         u64
 *  32  index           u64   pcp: the migratetype the page was freed as
 *  40  private         u64   buddy: the order of the free block
 *  48  _mapcount       s32   page_type when below PAGE_MAPCOUNT_RESERVE
 *  52  _refcount       s32
 *  56  memcg_data      u64   (sps >= 64)
 *
 * List links hold pfns, not addresses: the list heads live in the model's
 * own data, and a pfn keeps list surgery free of divisions by sps.  They
 * are stored shifted left by one so bit 0 stays clear, as a pointer's is.
 */
#ifndef MMSIM_PAGE_H
#define MMSIM_PAGE_H

#include <string.h>
#include "machine.h"
#include "mmzone.h"

/* page->flags bits (include/linux/page-flags.h, 6.1) */
enum pageflags {
	PG_locked, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active,
	PG_workingset, PG_waiters, PG_error, PG_slab, PG_owner_priv_1,
	PG_arch_1, PG_reserved, PG_private, PG_private_2, PG_writeback,
	PG_head, PG_mappedtodisk, PG_reclaim, PG_swapbacked, PG_unevictable,
	PG_mlocked, PG_hwpoison, __NR_PAGEFLAGS,
	PG_vmemmap_self_hosted = PG_owner_priv_1,
	PG_anon_exclusive = PG_mappedtodisk,
	PG_isolated = PG_reclaim,
};

#define PAGEFLAGS_MASK		((1UL << __NR_PAGEFLAGS) - 1)
#define ZONES_PGSHIFT		51
#define ZONES_MASK		0x7UL
#define NODES_PGSHIFT		54
#define NODES_MASK		0x3ffUL

/* page_type values, stored inverted in _mapcount (6.1) */
#define PAGE_TYPE_BASE		0xf0000000u
#define PAGE_MAPCOUNT_RESERVE	(-128)
#define PG_buddy		0x00000080u
#define PG_offline		0x00000100u
#define PG_table		0x00000200u
#define PG_guard		0x00000400u

/* struct page field offsets */
#define PGOFF_FLAGS		0
#define PGOFF_LRU_NEXT		8
#define PGOFF_COMPOUND_HEAD	8
#define PGOFF_LRU_PREV		16
#define PGOFF_COMPOUND_DTOR	16
#define PGOFF_COMPOUND_ORDER	17
#define PGOFF_COMPOUND_MAPCOUNT	20
#define PGOFF_COMPOUND_PINCOUNT	24
#define PGOFF_COMPOUND_NR	28
#define PGOFF_MAPPING		24
#define PGOFF_INDEX		32
#define PGOFF_PRIVATE		40
#define PGOFF_MAPCOUNT		48
#define PGOFF_REFCOUNT		52
#define PGOFF_MEMCG		56
#define STRUCT_PAGE_MIN_SIZE	56

/* What x86 writes into vmemmap bytes no struct page uses (init_64.c, 5.12+) */
#define PAGE_UNUSED		0xFD

/* -------------------------------------------------------------------------
 * Translation of vmemmap addresses to frame contents.
 *
 * Frame contents are stored in 512-byte chunks, materialised on first
 * touch and filled with the state boot left there, or kept as a pattern
 * (one struct page image) while every struct page in the chunk is alike
 * (see page.c).  Each CPU has a direct-mapped translation cache keyed by
 * the chunk's virtual address, so the common struct page access is a
 * multiply, a compare and a load; a chunk held as a pattern has no such
 * shortcut and its accesses take the out-of-line path.  The cache is
 * flushed whenever a vmemmap mapping changes.
 *
 * Under the interleaving explorer (m->sched set) every access takes the
 * out-of-line path fstore_access_sched(): a TLB miss is a scheduling point
 * of its own (SCHED_TLB_FILL, reading the page-table entry that decides),
 * then the access is announced at the physical address it lands on
 * (frame << PAGE_SHIFT | offset), so accesses through different virtual
 * addresses to one frame, and copies of that frame, are dependent for the
 * explorer's reduction.  See page.c for the lost-update check it makes.
 */
#define FST_CHUNK_SHIFT		9
#define FST_CHUNK_SIZE		(1UL << FST_CHUNK_SHIFT)
#define FST_CHUNKS_PER_FRAME	(PAGE_SIZE / FST_CHUNK_SIZE)
#define FST_XC_BITS		12
#define FST_XC_SIZE		(1UL << FST_XC_BITS)

/* No vmemmap address gives tag 0 (it would be below VMEMMAP_START): unused */
#define FST_TAG_NONE		0

struct fst_xc_ent {
	uint64_t tag;		/* va >> FST_CHUNK_SHIFT, or FST_TAG_NONE */
	uint64_t wtag;		/* tag if the translation is writable, else FST_TAG_NONE */
	uint8_t *host;		/* chunk contents */
	uint64_t fw;		/* frame << 1 | writable */
};


/*
 * A CPU's paging-structure cache: the PMD entries of recent walks, so a
 * TLB miss in a known 2 MiB range costs one PTE read, not four levels.
 * Dropped with the TLB on every flush that reaches the CPU.
 */
#define FST_PMDC_SIZE	16

/* What a CPU's last struct page access under the explorer saw (race tests) */
struct fst_access {
	uint64_t va;
	unsigned long frame;	/* the frame it landed in */
	bool write;		/* it wrote (an RMW that changed nothing did not) */
	bool copied;		/* that frame's contents had been copied to another */
	bool stale;		/* the page tables no longer map va to that frame */
};

struct fstore_cpu {
	struct fst_xc_ent xc[FST_XC_SIZE];
	/*
	 * The simulated TLB entry of each slot: the chunk tag it translates
	 * (frame and permission in xc[].fw), or FST_TAG_NONE.  xc[].tag and
	 * .wtag are the host's shortcut to the chunk's bytes and are set only
	 * while the entry's chunk has bytes (not a pattern, page.c), so a
	 * slot can hold a translation with no shortcut: its accesses take the
	 * out-of-line path, which reads the pattern, or gives the chunk bytes
	 * on a write.  xc[i].tag != FST_TAG_NONE implies stag[i] == xc[i].tag.
	 */
	uint64_t stag[FST_XC_SIZE];
	uint32_t sgen[FST_XC_SIZE];	/* the frame's gen (struct pframe) at the fill */
	uint64_t pmdc_tag[FST_PMDC_SIZE];	/* va >> PMD_SHIFT, or FST_TAG_NONE */
	uint64_t pmdc_val[FST_PMDC_SIZE];	/* the PMD entry */
	unsigned long hits, misses;
	/*
	 * Entries filled since the whole TLB was last dropped: 0 means it
	 * holds nothing, and a range flush has nothing to look for
	 */
	unsigned long filled;
	struct fst_access last;			/* explorer only */
};

uint8_t *fstore_xlate_slow(struct machine *m, uint64_t va, bool write);
void fstore_flush_xc(struct machine *m);	/* all CPUs */
/* The explorer's access path (op: SCHED_READ, SCHED_WRITE or SCHED_RMW) */
uint8_t *fstore_access_sched(struct machine *m, enum sched_op op, uint64_t va, unsigned int len);
/* An RMW under the explorer is about to write [va, va + len) */
void fstore_note_write(struct machine *m, uint64_t va, unsigned int len);

static inline struct fstore_cpu *fstore_cpu(struct machine *m)
{
	return &m->fstore_cpu[m->cur_cpu];
}

/* Drop one simulated TLB entry and its shortcut (both tags: a write hit needs wtag) */
static inline void fst_xc_drop(struct fstore_cpu *c, unsigned long i)
{
	c->xc[i].tag = FST_TAG_NONE;
	c->xc[i].wtag = FST_TAG_NONE;
	c->stag[i] = FST_TAG_NONE;
}

static inline uint64_t page_va(const struct machine *m, unsigned long pfn)
{
	return VMEMMAP_START + (uint64_t)pfn * m->sps;
}

static inline uint8_t *fst_xlate(struct machine *m, uint64_t va, bool write)
{
	struct fstore_cpu *c = fstore_cpu(m);
	uint64_t tag = va >> FST_CHUNK_SHIFT;
	struct fst_xc_ent *e = &c->xc[tag & (FST_XC_SIZE - 1)];

	/* one compare per access: writes match wtag, reads tag */
	if (likely((write ? e->wtag : e->tag) == tag))
		return e->host + (va & (FST_CHUNK_SIZE - 1));
	return fstore_xlate_slow(m, va, write);
}

/* Host bytes behind [va, va + len) for op, through the running CPU's TLB */
static inline uint8_t *pg_xlate(struct machine *m, enum sched_op op, uint64_t va,
				unsigned int len)
{
	if (unlikely(m->sched))
		return fstore_access_sched(m, op, va, len);
	return fst_xlate(m, va, op != SCHED_READ);
}

/* Before the write half of an RMW that does write */
static inline void pg_note_write(struct machine *m, uint64_t va, unsigned int len)
{
	if (unlikely(m->sched))
		fstore_note_write(m, va, len);
}

/*
 * Raw field access.  A NULL translation is a simulated fault (recorded on
 * the machine); reads then return 0 and writes are dropped.
 *
 * Inline is only the common case: no explorer and a TLB hit, where the
 * translation cannot fail.  Everything else (the explorer's path, a miss,
 * a fault) is the out-of-line pg_readN_slow/pg_writeN_slow in page.c,
 * which take the general path through pg_xlate().
 */
static inline struct fst_xc_ent *fst_xc_ent(struct machine *m, uint64_t va)
{
	return &fstore_cpu(m)->xc[(va >> FST_CHUNK_SHIFT) & (FST_XC_SIZE - 1)];
}

#define PG_ACCESSORS(bits, type)						\
type pg_read##bits##_slow(struct machine *m, uint64_t va);			\
void pg_write##bits##_slow(struct machine *m, uint64_t va, type v);		\
static inline type pg_read##bits(struct machine *m, unsigned long pfn, unsigned off) \
{									\
	uint64_t va = page_va(m, pfn) + off;				\
	type v;								\
	if (likely(!m->sched)) {					\
		const struct fst_xc_ent *e = fst_xc_ent(m, va);		\
		if (likely(e->tag == va >> FST_CHUNK_SHIFT)) {		\
			memcpy(&v, e->host + (va & (FST_CHUNK_SIZE - 1)), sizeof(v)); \
			return v;					\
		}							\
	}								\
	return pg_read##bits##_slow(m, va);				\
}									\
static inline void pg_write##bits(struct machine *m, unsigned long pfn, unsigned off, type v) \
{									\
	uint64_t va = page_va(m, pfn) + off;				\
	if (likely(!m->sched)) {					\
		const struct fst_xc_ent *e = fst_xc_ent(m, va);		\
		if (likely(e->wtag == va >> FST_CHUNK_SHIFT)) {		\
			memcpy(e->host + (va & (FST_CHUNK_SIZE - 1)), &v, sizeof(v)); \
			return;						\
		}							\
	}								\
	pg_write##bits##_slow(m, va, v);				\
}
PG_ACCESSORS(64, uint64_t)
PG_ACCESSORS(32, uint32_t)
PG_ACCESSORS(8, uint8_t)
#undef PG_ACCESSORS

/*
 * Page handles: one struct page, translated once for a run of accesses.
 *
 * page_handle() looks the struct page up in the running CPU's TLB the way an
 * access would, without filling anything, and keeps the host address the
 * entry gives (w: only if the entry allows writes).  Each access through
 * the handle is then a plain load or store.  That is exactly what the
 * accesses one by one would do, provided the entry cannot change between
 * them, so a handle is used only for accesses to its page with none of
 * these in between: an access to another struct page (a miss there could
 * evict the entry), a TLB flush, a page-table change, a CPU switch, a
 * scheduling point.  Take it again with page_handle() after any of them.  The
 * rest falls back to the general path, access by access:
 *   - a miss, or a struct page that spans two chunks (sps not dividing
 *     the chunk), leaves the handle empty; the general access fills
 *     the entry, and the handle is looked up again after it;
 *   - a read-only translation gives no write address, so a write takes
 *     the general path and faults there, as it always did;
 *   - under the explorer (m->sched) the handle stays empty: every
 *     access is still its own scheduling point, in the order the code
 *     makes them.
 */
struct page_handle {
	unsigned long pfn;
	uint8_t *r;		/* the struct page's bytes for reads, or NULL */
	uint8_t *w;		/* the same for writes, or NULL */
};

static inline struct page_handle page_handle(struct machine *m, unsigned long pfn)
{
	struct page_handle p = { pfn, NULL, NULL };
	uint64_t va = page_va(m, pfn), tag = va >> FST_CHUNK_SHIFT;
	const struct fst_xc_ent *e;

	if (unlikely(m->sched))
		return p;
	e = fst_xc_ent(m, va);
	if (likely(e->tag == tag) &&
	    likely((va & (FST_CHUNK_SIZE - 1)) + m->sps <= FST_CHUNK_SIZE)) {
		p.r = e->host + (va & (FST_CHUNK_SIZE - 1));
		if (likely(e->wtag == tag))
			p.w = p.r;
	}
	return p;
}

/*
 * The handle of pfn + 1, from the handle of pfn when both struct pages lie
 * in one chunk: the same TLB entry translates both, so this is what
 * page_handle() would find, provided (as for any handle) nothing could
 * have changed that entry since p was taken or last used.
 */
static inline struct page_handle page_handle_next(struct machine *m, const struct page_handle *p)
{
	uint64_t off = page_va(m, p->pfn + 1) & (FST_CHUNK_SIZE - 1);

	if (p->r && off >= m->sps && off + m->sps <= FST_CHUNK_SIZE)
		return (struct page_handle){ p->pfn + 1, p->r + m->sps,
					     p->w ? p->w + m->sps : NULL };
	return page_handle(m, p->pfn + 1);
}

#define PH_ACCESSORS(bits, type)						\
static inline type ph_read##bits(struct machine *m, struct page_handle *p, unsigned int off) \
{									\
	type v;								\
	if (likely(p->r)) {						\
		memcpy(&v, p->r + off, sizeof(v));			\
		return v;						\
	}								\
	v = pg_read##bits##_slow(m, page_va(m, p->pfn) + off);		\
	*p = page_handle(m, p->pfn);		/* that access filled the entry */ \
	return v;							\
}									\
static inline void ph_write##bits(struct machine *m, struct page_handle *p, unsigned int off, \
				     type v)					\
{									\
	if (likely(p->w)) {						\
		memcpy(p->w + off, &v, sizeof(v));			\
		return;							\
	}								\
	pg_write##bits##_slow(m, page_va(m, p->pfn) + off, v);		\
	*p = page_handle(m, p->pfn);						\
}
PH_ACCESSORS(64, uint64_t)
PH_ACCESSORS(32, uint32_t)
PH_ACCESSORS(8, uint8_t)
#undef PH_ACCESSORS

/* -------------------------------------------------------------------------
 * The kernel's accessors, taking (machine, pfn) for (struct page *).
 */
static inline uint64_t page_flags(struct machine *m, unsigned long pfn)
{
	return pg_read64(m, pfn, PGOFF_FLAGS);
}
static inline void set_page_flags(struct machine *m, unsigned long pfn, uint64_t f)
{
	pg_write64(m, pfn, PGOFF_FLAGS, f);
}
static inline bool test_page_flag(struct machine *m, unsigned long pfn, int bit)
{
	return (page_flags(m, pfn) >> bit) & 1;
}
static inline void set_page_flag(struct machine *m, unsigned long pfn, int bit)
{
	set_page_flags(m, pfn, page_flags(m, pfn) | (1UL << bit));
}
static inline void clear_page_flag(struct machine *m, unsigned long pfn, int bit)
{
	set_page_flags(m, pfn, page_flags(m, pfn) & ~(1UL << bit));
}

#define PAGEFLAG(Name, bit)							\
static inline bool Page##Name(struct machine *m, unsigned long pfn)		\
{ return test_page_flag(m, pfn, bit); }						\
static inline void SetPage##Name(struct machine *m, unsigned long pfn)		\
{ set_page_flag(m, pfn, bit); }							\
static inline void ClearPage##Name(struct machine *m, unsigned long pfn)	\
{ clear_page_flag(m, pfn, bit); }
PAGEFLAG(Locked, PG_locked)
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(HeadRaw, PG_head)
PAGEFLAG(LRU, PG_lru)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(HWPoison, PG_hwpoison)
PAGEFLAG(Isolated, PG_isolated)
PAGEFLAG(VmemmapSelfHosted, PG_vmemmap_self_hosted)
PAGEFLAG(Uptodate, PG_uptodate)
PAGEFLAG(Dirty, PG_dirty)
PAGEFLAG(Referenced, PG_referenced)
PAGEFLAG(Active, PG_active)
PAGEFLAG(SwapBacked, PG_swapbacked)
PAGEFLAG(AnonExclusive, PG_anon_exclusive)
#undef PAGEFLAG

static inline int page_zonenum(struct machine *m, unsigned long pfn)
{
	return (page_flags(m, pfn) >> ZONES_PGSHIFT) & ZONES_MASK;
}
static inline int page_to_nid(struct machine *m, unsigned long pfn)
{
	return (page_flags(m, pfn) >> NODES_PGSHIFT) & NODES_MASK;
}

/* page_zone(): the zone recorded in the page's flags */
static inline struct zone *page_zone(struct machine *m, unsigned long pfn)
{
	uint64_t f = page_flags(m, pfn);

	return &m->node[(f >> NODES_PGSHIFT) & NODES_MASK].node_zones[(f >> ZONES_PGSHIFT) & ZONES_MASK];
}

static inline int page_ref_count(struct machine *m, unsigned long pfn)
{
	return (int)pg_read32(m, pfn, PGOFF_REFCOUNT);
}
static inline void set_page_count(struct machine *m, unsigned long pfn, int v)
{
	pg_write32(m, pfn, PGOFF_REFCOUNT, (uint32_t)v);
}
static inline void set_page_refcounted(struct machine *m, unsigned long pfn)
{
	set_page_count(m, pfn, 1);
}
/* Atomic read-modify-write of the refcount: one scheduling point */
int page_ref_add_return(struct machine *m, unsigned long pfn, int nr);
bool get_page_unless_zero(struct machine *m, unsigned long pfn);
bool page_ref_freeze(struct machine *m, unsigned long pfn, int count);
void page_ref_unfreeze(struct machine *m, unsigned long pfn, int count);
/* Atomic test_and_set_bit of PG_hwpoison, as memory_failure() sets it */
bool TestSetPageHWPoison(struct machine *m, unsigned long pfn);
/* Page locks: PG_locked taken with one atomic RMW; lock_page blocks */
bool trylock_page(struct machine *m, unsigned long pfn);
void lock_page(struct machine *m, unsigned long pfn);
void unlock_page(struct machine *m, unsigned long pfn);

static inline int page_mapcount_raw(struct machine *m, unsigned long pfn)
{
	return (int)pg_read32(m, pfn, PGOFF_MAPCOUNT);
}
static inline void page_mapcount_reset(struct machine *m, unsigned long pfn)
{
	pg_write32(m, pfn, PGOFF_MAPCOUNT, (uint32_t)-1);
}

static inline bool page_has_type_flag(struct machine *m, unsigned long pfn, uint32_t flag)
{
	uint32_t t = pg_read32(m, pfn, PGOFF_MAPCOUNT);
	return (t & (PAGE_TYPE_BASE | flag)) == PAGE_TYPE_BASE;
}
static inline void page_set_type(struct machine *m, unsigned long pfn, uint32_t flag)
{
	pg_write32(m, pfn, PGOFF_MAPCOUNT, pg_read32(m, pfn, PGOFF_MAPCOUNT) & ~flag);
}
static inline void page_clear_type(struct machine *m, unsigned long pfn, uint32_t flag)
{
	pg_write32(m, pfn, PGOFF_MAPCOUNT, pg_read32(m, pfn, PGOFF_MAPCOUNT) | flag);
}
static inline bool PageBuddy(struct machine *m, unsigned long pfn)
{ return page_has_type_flag(m, pfn, PG_buddy); }
static inline void __SetPageBuddy(struct machine *m, unsigned long pfn)
{ page_set_type(m, pfn, PG_buddy); }
static inline void __ClearPageBuddy(struct machine *m, unsigned long pfn)
{ page_clear_type(m, pfn, PG_buddy); }
static inline bool PageTable(struct machine *m, unsigned long pfn)
{ return page_has_type_flag(m, pfn, PG_table); }
static inline void __SetPageTable(struct machine *m, unsigned long pfn)
{ page_set_type(m, pfn, PG_table); }
static inline void __ClearPageTable(struct machine *m, unsigned long pfn)
{ page_clear_type(m, pfn, PG_table); }

static inline unsigned long page_private(struct machine *m, unsigned long pfn)
{
	return pg_read64(m, pfn, PGOFF_PRIVATE);
}
static inline void set_page_private(struct machine *m, unsigned long pfn, unsigned long v)
{
	pg_write64(m, pfn, PGOFF_PRIVATE, v);
}
static inline unsigned long page_index(struct machine *m, unsigned long pfn)
{
	return pg_read64(m, pfn, PGOFF_INDEX);
}
static inline void set_page_index(struct machine *m, unsigned long pfn, unsigned long v)
{
	pg_write64(m, pfn, PGOFF_INDEX, v);
}
static inline uint64_t page_mapping(struct machine *m, unsigned long pfn)
{
	return pg_read64(m, pfn, PGOFF_MAPPING);
}
static inline void set_page_mapping(struct machine *m, unsigned long pfn, uint64_t v)
{
	pg_write64(m, pfn, PGOFF_MAPPING, v);
}

/* Buddy order of a free block head (valid only while PageBuddy) */
static inline unsigned int buddy_order(struct machine *m, unsigned long pfn)
{
	return (unsigned int)page_private(m, pfn);
}

/* Compound pages */
static inline uint64_t page_compound_head_raw(struct machine *m, unsigned long pfn)
{
	return pg_read64(m, pfn, PGOFF_COMPOUND_HEAD);
}
/*
 * Fake heads (HVO): a tail struct page at the start of a vmemmap page that
 * maps the reuse page reads the head's bytes, PG_head included.  As the
 * kernel does, such a page is recognised through page[1].compound_head
 * while any hugepage is optimised.  Returns the real head, or pfn.
 */
unsigned long page_fixed_fake_head(struct machine *m, unsigned long pfn);
static inline bool page_is_fake_head(struct machine *m, unsigned long pfn)
{
	/* page_fixed_fake_head's first test, inline: nothing is optimised */
	if (!m->hvo_stats.optimized)
		return false;
	return page_fixed_fake_head(m, pfn) != pfn;
}
static inline bool PageHead(struct machine *m, unsigned long pfn)
{
	return PageHeadRaw(m, pfn) && !page_is_fake_head(m, pfn);
}
static inline void SetPageHead(struct machine *m, unsigned long pfn)
{
	SetPageHeadRaw(m, pfn);
}
static inline void ClearPageHead(struct machine *m, unsigned long pfn)
{
	ClearPageHeadRaw(m, pfn);
}
static inline bool PageTail(struct machine *m, unsigned long pfn)
{
	return (page_compound_head_raw(m, pfn) & 1) || page_is_fake_head(m, pfn);
}
static inline bool PageCompound(struct machine *m, unsigned long pfn)
{
	return PageHeadRaw(m, pfn) || (page_compound_head_raw(m, pfn) & 1);
}
unsigned long compound_head(struct machine *m, unsigned long pfn);
static inline unsigned int compound_order(struct machine *m, unsigned long pfn)
{
	if (!PageHead(m, pfn))
		return 0;
	return pg_read8(m, pfn + 1, PGOFF_COMPOUND_ORDER);
}
void prep_compound_page(struct machine *m, unsigned long pfn, unsigned int order);
void destroy_compound_page(struct machine *m, unsigned long pfn, unsigned int order);

/*
 * List links through page->lru hold pfns shifted left by one, so bit 0
 * stays clear as in a real list pointer: lru.next shares its word with
 * compound_head, whose bit 0 marks a tail page.
 */
#define LRU_LINK_NONE	(~1ULL)
static inline uint64_t lru_link(unsigned long pfn)
{
	return pfn == PFN_NONE ? LRU_LINK_NONE : (uint64_t)pfn << 1;
}
static inline unsigned long lru_pfn(uint64_t link)
{
	return link == LRU_LINK_NONE ? PFN_NONE : (unsigned long)(link >> 1);
}
static inline unsigned long page_lru_next(struct machine *m, unsigned long pfn)
{
	return lru_pfn(pg_read64(m, pfn, PGOFF_LRU_NEXT));
}
static inline unsigned long page_lru_prev(struct machine *m, unsigned long pfn)
{
	return lru_pfn(pg_read64(m, pfn, PGOFF_LRU_PREV));
}
static inline void set_page_lru_next(struct machine *m, unsigned long pfn, unsigned long next)
{
	pg_write64(m, pfn, PGOFF_LRU_NEXT, lru_link(next));
}
static inline void set_page_lru_prev(struct machine *m, unsigned long pfn, unsigned long prev)
{
	pg_write64(m, pfn, PGOFF_LRU_PREV, lru_link(prev));
}
/*
 * The same fields through a page handle (page_handle() says when one may
 * be used): ph_ and the accessor's name.
 */
static inline uint64_t ph_page_flags(struct machine *m, struct page_handle *h)
{
	return ph_read64(m, h, PGOFF_FLAGS);
}
static inline void ph_set_page_flags(struct machine *m, struct page_handle *h, uint64_t f)
{
	ph_write64(m, h, PGOFF_FLAGS, f);
}
static inline void ph_set_page_count(struct machine *m, struct page_handle *h, int v)
{
	ph_write32(m, h, PGOFF_REFCOUNT, (uint32_t)v);
}
static inline void ph_set_page_private(struct machine *m, struct page_handle *h, unsigned long v)
{
	ph_write64(m, h, PGOFF_PRIVATE, v);
}
static inline unsigned long ph_page_index(struct machine *m, struct page_handle *h)
{
	return ph_read64(m, h, PGOFF_INDEX);
}
static inline void ph_set_page_index(struct machine *m, struct page_handle *h, unsigned long v)
{
	ph_write64(m, h, PGOFF_INDEX, v);
}
static inline void ph_set_page_mapping(struct machine *m, struct page_handle *h, uint64_t v)
{
	ph_write64(m, h, PGOFF_MAPPING, v);
}
static inline void ph_page_set_type(struct machine *m, struct page_handle *h, uint32_t flag)
{
	ph_write32(m, h, PGOFF_MAPCOUNT, ph_read32(m, h, PGOFF_MAPCOUNT) & ~flag);
}
static inline void ph_page_clear_type(struct machine *m, struct page_handle *h, uint32_t flag)
{
	ph_write32(m, h, PGOFF_MAPCOUNT, ph_read32(m, h, PGOFF_MAPCOUNT) | flag);
}
static inline uint64_t ph_page_compound_head_raw(struct machine *m, struct page_handle *h)
{
	return ph_read64(m, h, PGOFF_COMPOUND_HEAD);
}
static inline unsigned long ph_page_lru_next(struct machine *m, struct page_handle *h)
{
	return lru_pfn(ph_read64(m, h, PGOFF_LRU_NEXT));
}
static inline unsigned long ph_page_lru_prev(struct machine *m, struct page_handle *h)
{
	return lru_pfn(ph_read64(m, h, PGOFF_LRU_PREV));
}
static inline void ph_set_page_lru_next(struct machine *m, struct page_handle *h,
					unsigned long next)
{
	ph_write64(m, h, PGOFF_LRU_NEXT, lru_link(next));
}
static inline void ph_set_page_lru_prev(struct machine *m, struct page_handle *h,
					unsigned long prev)
{
	ph_write64(m, h, PGOFF_LRU_PREV, lru_link(prev));
}

/*
 * page_ref_add_return through a handle: with a write translation at hand
 * (never under the explorer) the atomic add is a plain update of the
 * handle's bytes, as the general path's would be; else the general path
 */
static inline int ph_page_ref_add_return(struct machine *m, struct page_handle *h, int nr)
{
	int32_t v;

	if (unlikely(!h->w))
		return page_ref_add_return(m, h->pfn, nr);
	memcpy(&v, h->w + PGOFF_REFCOUNT, 4);
	v += nr;
	memcpy(h->w + PGOFF_REFCOUNT, &v, 4);
	return v;
}

void pfnlist_init(struct pfnlist_head *h);
/* inline: the pcp free path's list insertion */
static inline void pfnlist_add(struct machine *m, struct pfnlist_head *h, unsigned long pfn)
{
	struct page_handle p = page_handle(m, pfn);

	ph_set_page_lru_prev(m, &p, PFN_NONE);
	ph_set_page_lru_next(m, &p, h->first);
	if (h->first != PFN_NONE)
		set_page_lru_prev(m, h->first, pfn);
	else
		h->last = pfn;
	h->first = pfn;
}
void pfnlist_add_tail(struct machine *m, struct pfnlist_head *h, unsigned long pfn);
void pfnlist_del(struct machine *m, struct pfnlist_head *h, unsigned long pfn);
void pfnlist_swap(struct machine *m, struct pfnlist_head *h, unsigned long a, unsigned long b);
/* Remove and return the first / last member of a non-empty list */
static inline unsigned long pfnlist_pop_head(struct machine *m, struct pfnlist_head *h)
{
	unsigned long pfn = h->first, next = page_lru_next(m, pfn);

	h->first = next;
	if (next != PFN_NONE)
		set_page_lru_prev(m, next, PFN_NONE);
	else
		h->last = PFN_NONE;
	return pfn;
}
unsigned long pfnlist_pop_tail(struct machine *m, struct pfnlist_head *h);
/*
 * pfnlist_pop_head, the same accesses in the same order, leaving in *p a
 * handle to the page taken: one that still holds when the write to its
 * successor went through a handle without touching the TLB, else empty
 */
static inline unsigned long pfnlist_pop_head_ph(struct machine *m, struct pfnlist_head *h,
						struct page_handle *p)
{
	unsigned long pfn = h->first, next;
	struct page_handle n;

	*p = page_handle(m, pfn);
	next = ph_page_lru_next(m, p);
	h->first = next;
	if (next == PFN_NONE) {
		h->last = PFN_NONE;
		return pfn;
	}
	n = next == pfn + 1 ? page_handle_next(m, p) : page_handle(m, next);
	if (!n.w)	/* the general path may fill the TLB: p no longer holds */
		p->r = p->w = NULL;
	ph_set_page_lru_prev(m, &n, PFN_NONE);
	return pfn;
}
static inline bool pfnlist_empty(const struct pfnlist_head *h)
{
	return h->first == PFN_NONE;
}
#define pfnlist_for_each(m, pfn, h) \
	for ((pfn) = (h)->first; (pfn) != PFN_NONE; (pfn) = page_lru_next((m), (pfn)))

/* -------------------------------------------------------------------------
 * Storage and the boot-time vmemmap mapping (page.c)
 */

/*
 * The hot path's view of the frame store, which page.c owns: a frame's
 * record (its chunks, NULL until materialised) and the index of records
 * by physical section, the first member of struct fstore.  Page-table
 * entry accesses (pgtable.c) read a chunk that exists through it without
 * a call; everything else, materialising included, is page.c's.
 */
struct pframe {
	/*
	 * The vmemmap page it backed at boot, whose boot state an untouched
	 * chunk reads; or, below FST_ORIGIN_FILL_MAX, the byte every
	 * untouched chunk reads (0 for a frame nobody wrote,
	 * PAGE_UNUSED after a fill: fstore_frame_fill).
	 */
	uint64_t origin_va;
	/*
	 * Each chunk: NULL (untouched: reads as origin_va says), its bytes,
	 * or with bit 0 set (FST_PAT_BIT) a pattern: one struct page image
	 * every struct page in the chunk holds (struct fst_pat, page.c)
	 */
	uint8_t *chunk[FST_CHUNKS_PER_FRAME];
	uint32_t gen;		/* times its contents were released */
};
#define FST_ORIGIN_FILL_MAX	0x100
#define FST_PAT_BIT		1UL

static inline bool fst_is_pat(const uint8_t *c)
{
	return (uintptr_t)c & FST_PAT_BIT;
}

/*
 * Page-table entries are read by frame number (pgtable.h), and a walk
 * reads the same few table chunks again and again: a direct-mapped cache
 * of their host addresses, keyed by frame and chunk, spares the section
 * index.  A frame's chunk, once materialised, stays where it is until
 * fstore_frame_release() gives it back, which drops the frame's keys, so
 * a hit is exactly what the index would say.  It caches host addresses
 * only: no simulated structure (TLB, paging-structure cache) stands for it.
 */
#define FST_PTC_BITS		8
#define FST_PTC_SIZE		(1U << FST_PTC_BITS)

struct fst_ptc_ent {
	uint64_t key;			/* (frame << 3 | chunk) + 1, or 0: unused */
	uint8_t *chunk;
};

static inline uint64_t fst_ptc_key(unsigned long pfn, unsigned int off)
{
	return ((uint64_t)pfn << 3 | off >> FST_CHUNK_SHIFT) + 1;
}

/* The slot: a multiplicative hash, as tables a power of two apart are common */
static inline unsigned int fst_ptc_slot(uint64_t key)
{
	return (unsigned int)((key * 0x9e3779b97f4a7c15ULL) >> (64 - FST_PTC_BITS));
}

struct fstore_index {
	unsigned long nr_sec;
	struct pframe ***sec;		/* [section][pfn in section], NULL until used */
	struct fst_ptc_ent ptc[FST_PTC_SIZE];
};

/* The bytes of a field at off of a pattern chunk (page.c), for reading only */
const uint8_t *fstore_pattern_bytes(struct machine *m, const uint8_t *chunk, unsigned int off);

/*
 * Frame pfn's bytes at off if its chunk exists, else NULL (nothing is
 * created).  A pattern chunk exists: the result then points at the
 * pattern's copy of the field at off, for reading at most one field.
 */
static inline const uint8_t *fstore_frame_bytes_present(struct machine *m, unsigned long pfn,
							unsigned int off)
{
	const struct fstore_index *ix = (const struct fstore_index *)m->fstore;
	unsigned long s = pfn >> PFN_SECTION_SHIFT;
	struct pframe *pf;
	uint8_t *c;

	if (unlikely(s >= ix->nr_sec || !ix->sec[s]))
		return NULL;
	pf = ix->sec[s][pfn & (PAGES_PER_SECTION - 1)];
	if (unlikely(!pf))
		return NULL;
	c = pf->chunk[off >> FST_CHUNK_SHIFT];
	if (unlikely(fst_is_pat(c)))
		return fstore_pattern_bytes(m, c, off & (FST_CHUNK_SIZE - 1));
	return likely(c) ? c + (off & (FST_CHUNK_SIZE - 1)) : NULL;
}

void fstore_init(struct machine *m);
void fstore_destroy(struct machine *m);
/* Boot records which vmemmap range nr frames from pfn back */
void fstore_add_origin(struct machine *m, unsigned long pfn, unsigned long nr, uint64_t va);
/* Drop one CPU's cached translations of [start, end) */
void fstore_flush_xc_range(struct machine *m, int cpu, uint64_t start, uint64_t end);
/* Frame contents by physical frame (page tables, copies) */
uint8_t *fstore_frame_bytes(struct machine *m, unsigned long pfn, unsigned int off);
/* The same through the page-table chunk cache (struct fstore_index) */
uint8_t *fstore_table_bytes_fill(struct machine *m, unsigned long pfn, unsigned int off);
static inline uint8_t *fstore_table_bytes(struct machine *m, unsigned long pfn, unsigned int off)
{
	struct fstore_index *ix = (struct fstore_index *)m->fstore;
	uint64_t key = fst_ptc_key(pfn, off);
	const struct fst_ptc_ent *e = &ix->ptc[fst_ptc_slot(key)];

	if (likely(e->key == key))
		return e->chunk + (off & (FST_CHUNK_SIZE - 1));
	return fstore_table_bytes_fill(m, pfn, off);
}
void fstore_frame_zero(struct machine *m, unsigned long pfn);
/*
 * memset(frame + off, byte, len) within one frame.  A whole frame is
 * filled without materialising its untouched chunks (they read byte).
 */
void fstore_frame_fill(struct machine *m, unsigned long pfn, unsigned int off, unsigned int len,
		       uint8_t byte);
/* How many of the len bytes at frame + off equal byte (nothing is materialised) */
unsigned int fstore_frame_count(struct machine *m, unsigned long pfn, unsigned int off,
				unsigned int len, uint8_t byte);
/* Make the frame index cover nr_sec sections (memory hot-added above it) */
void fstore_grow(struct machine *m, unsigned long nr_sec);
void fstore_frame_copy(struct machine *m, unsigned long dst, unsigned long src);
void fstore_frame_release(struct machine *m, unsigned long pfn);
/* The vmemmap translation through init_mm (pgtable.c) */
bool vmemmap_translate(struct machine *m, uint64_t va, unsigned long *frame, bool *writable);
/*
 * The same without scheduling points or caches: what the page tables say
 * now.  *entry_pa (if not NULL) gets the physical address of the entry
 * that decided (the leaf, or the first entry that is not present).
 */
bool vmemmap_peek(struct machine *m, uint64_t va, unsigned long *frame, bool *writable,
		  uint64_t *entry_pa);
/* A page-table entry changed under the explorer: re-check pending writes */
void fstore_pt_changed(struct machine *m);
/* Explorer bookkeeping for race tests: was frame's content copied away? */
bool fstore_frame_copied(struct machine *m, unsigned long frame);
/* Host memory the store uses, for benchmarks */
size_t fstore_host_bytes(struct machine *m);
/* Chunks that hold bytes (not untouched, not a pattern) */
size_t fstore_nr_chunks(struct machine *m);
/* Fill buf[0..sps) with the struct page state boot leaves for pfn */
void page_boot_state(struct machine *m, unsigned long pfn, uint8_t *buf);

#endif /* MMSIM_PAGE_H */
