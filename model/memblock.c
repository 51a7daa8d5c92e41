// SPDX-License-Identifier: GPL-2.0-only
/*
 * memblock.c - the boot-time allocator: the machine's memory ranges per
 * node, and the reservations carved from them before the buddy allocator
 * takes over (mm/memblock.c).
 *
 * Ranges are kept sorted and merged, in pfns.  Allocation is top-down
 * within the limits, like memblock's default direction, so early
 * allocations (the memmap above all) sit at the top of each node, where a
 * real boot puts them.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "memblock.h"
#include "host.h"
#include "machine.h"

/*
 * Room for one more region.  The kernel's memblock_double_array can fail
 * for want of memory to move the array to; the model's arrays are host
 * memory, so only running out of that can stop it, which ends the run.
 */
static void mb_grow(struct memblock_type *t)
{
	if (t->cnt < t->max)
		return;
	t->max = t->max ? t->max * 2 : 16;
	t->regions = host_reallocarray(t->regions, (size_t)t->max, sizeof(*t->regions),
				       "growing a memblock array");
}

static void mb_insert(struct memblock_type *t, int i, struct memblock_region r)
{
	memmove(&t->regions[i + 1], &t->regions[i], (size_t)(t->cnt - i) * sizeof(r));
	t->regions[i] = r;
	t->cnt++;
}

static void mb_remove(struct memblock_type *t, int i)
{
	memmove(&t->regions[i], &t->regions[i + 1], (size_t)(t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

/*
 * Add [base, end) to a type, as memblock_add_range does: only the parts
 * not already covered are inserted (covered parts keep their owner and
 * name), then touching regions of the same node merge, the lower one
 * keeping its name.
 */
static void mb_add(struct memblock_type *t, unsigned long base, unsigned long end, int nid,
		  const char *what)
{
	unsigned long pos = base;
	int i;

	if (base >= end)
		return;
	for (i = 0; i < t->cnt && pos < end; i++) {
		struct memblock_region *r = &t->regions[i];

		if (r->end_pfn <= pos)
			continue;
		if (r->base_pfn >= end)
			break;
		if (r->base_pfn > pos) {
			mb_grow(t);
			mb_insert(t, i, (struct memblock_region){ pos, t->regions[i].base_pfn, nid, what });
			i++;
		}
		pos = t->regions[i].end_pfn;
	}
	if (pos < end) {
		mb_grow(t);
		for (i = 0; i < t->cnt && t->regions[i].base_pfn < pos; i++)
			;
		mb_insert(t, i, (struct memblock_region){ pos, end, nid, what });
	}
	/* memblock_merge_regions */
	for (i = 0; i + 1 < t->cnt;) {
		struct memblock_region *r = &t->regions[i], *n = &t->regions[i + 1];

		if (r->end_pfn == n->base_pfn && r->nid == n->nid) {
			r->end_pfn = n->end_pfn;
			if (!r->what)
				r->what = n->what;
			mb_remove(t, i + 1);
			continue;
		}
		i++;
	}
}

static void mb_del(struct memblock_type *t, unsigned long base, unsigned long end)
{
	for (int i = 0; i < t->cnt; i++) {
		struct memblock_region *r = &t->regions[i];

		if (r->end_pfn <= base || r->base_pfn >= end)
			continue;
		if (r->base_pfn < base && r->end_pfn > end) {
			struct memblock_region tail = *r;

			mb_grow(t);
			r = &t->regions[i];
			tail.base_pfn = end;
			r->end_pfn = base;
			mb_insert(t, i + 1, tail);
			return;
		}
		if (r->base_pfn < base) {
			r->end_pfn = base;
		} else if (r->end_pfn > end) {
			r->base_pfn = end;
		} else {
			mb_remove(t, i);
			i--;
		}
	}
}

void memblock_add_node(struct machine *m, unsigned long base_pfn, unsigned long end_pfn, int nid)
{
	mb_add(&m->memblock.memory, base_pfn, end_pfn, nid, NULL);
}

void memblock_reserve(struct machine *m, unsigned long base_pfn, unsigned long end_pfn,
		      const char *what)
{
	/* reservations do not care about nodes: key them all as node 0 */
	mb_add(&m->memblock.reserved, base_pfn, end_pfn, 0, what);
}

void memblock_free(struct machine *m, unsigned long base_pfn, unsigned long end_pfn)
{
	mb_del(&m->memblock.reserved, base_pfn, end_pfn);
}

void memblock_destroy(struct machine *m)
{
	host_free(m->memblock.memory.regions);
	host_free(m->memblock.reserved.regions);
	memset(&m->memblock, 0, sizeof(m->memblock));
}

/* Index of the first region of t that ends above pfn (t->cnt if none) */
static int mb_search(const struct memblock_type *t, unsigned long pfn)
{
	int lo = 0, hi = t->cnt;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (t->regions[mid].end_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does any region of t overlap [start, end)? */
static bool mb_overlaps(const struct memblock_type *t, unsigned long start, unsigned long end)
{
	int i = mb_search(t, start);

	return i < t->cnt && t->regions[i].base_pfn < end;
}

bool memblock_is_reserved(const struct machine *m, unsigned long pfn)
{
	return mb_overlaps(&m->memblock.reserved, pfn, pfn + 1);
}

bool pfn_present_mem(const struct machine *m, unsigned long pfn)
{
	unsigned long sec = pfn >> PFN_SECTION_SHIFT;
	const struct mem_section *ms;
	unsigned int sub;

	if (mb_overlaps(&m->memblock.memory, pfn, pfn + 1))
		return true;
	if (sec >= m->nr_sections)
		return false;
	ms = &m->sections[sec];
	sub = (unsigned int)((pfn & (PAGES_PER_SECTION - 1)) / PAGES_PER_SUBSECTION);
	return ms->present && !ms->early && (ms->subsection_map >> sub & 1) &&
	       !(ms->zone_device_map >> sub & 1);
}

unsigned long pfn_present_mem_end(const struct machine *m, unsigned long pfn, unsigned long end)
{
	const struct memblock_type *t = &m->memblock.memory;

	while (pfn < end) {
		int i = mb_search(t, pfn);

		if (i < t->cnt && t->regions[i].base_pfn <= pfn) {
			pfn = t->regions[i].end_pfn;	/* the whole region is */
			continue;
		}
		/* outside memblock.memory a sub-section answers as one */
		if (!pfn_present_mem(m, pfn))
			return pfn;
		pfn = (pfn | (PAGES_PER_SUBSECTION - 1)) + 1;
	}
	return end;
}

bool memblock_overlaps_memory(const struct machine *m, unsigned long start, unsigned long end)
{
	return mb_overlaps(&m->memblock.memory, start, end);
}

unsigned long memblock_reserved_pages(struct machine *m, unsigned long start, unsigned long end)
{
	unsigned long n = 0;

	for (int i = 0; i < m->memblock.reserved.cnt; i++) {
		struct memblock_region *r = &m->memblock.reserved.regions[i];
		unsigned long lo = r->base_pfn > start ? r->base_pfn : start;
		unsigned long hi = r->end_pfn < end ? r->end_pfn : end;

		if (lo < hi)
			n += hi - lo;
	}
	return n;
}

/*
 * Free parts of [start, end) of one memory region, highest first, handed
 * to fn as [lo, hi) ranges; stops when fn returns true.
 */
static bool mb_free_ranges_desc(struct machine *m, unsigned long start, unsigned long end,
				bool (*fn)(unsigned long lo, unsigned long hi, void *p), void *p)
{
	struct memblock_type *rt = &m->memblock.reserved;
	unsigned long hi = end;

	for (int i = rt->cnt - 1; i >= 0 && hi > start; i--) {
		struct memblock_region *r = &rt->regions[i];

		if (r->base_pfn >= hi)
			continue;
		if (r->end_pfn < hi) {
			unsigned long lo = r->end_pfn > start ? r->end_pfn : start;

			if (lo < hi && fn(lo, hi, p))
				return true;
		}
		hi = r->base_pfn;
	}
	return hi > start && fn(start, hi, p);
}

struct mb_alloc_req {
	unsigned long nr, align, found;
};

static bool mb_try_range(unsigned long lo, unsigned long hi, void *p)
{
	struct mb_alloc_req *rq = p;

	if (hi < rq->nr)
		return false;
	unsigned long base = (hi - rq->nr) & ~(rq->align - 1);

	if (base >= lo && base + rq->nr <= hi) {
		rq->found = base;
		return true;
	}
	return false;
}

unsigned long memblock_alloc_try_nid(struct machine *m, unsigned long nr_pages,
				     unsigned long align, unsigned long min_pfn,
				     unsigned long max_pfn, int nid, bool exact_nid,
				     const char *what)
{
	struct memblock_type *mt = &m->memblock.memory;
	struct mb_alloc_req rq = { nr_pages, align ? align : 1, PFN_NONE };

	for (int pass = 0; pass < 2; pass++) {
		for (int i = mt->cnt - 1; i >= 0; i--) {
			struct memblock_region *r = &mt->regions[i];
			unsigned long lo = r->base_pfn > min_pfn ? r->base_pfn : min_pfn;
			unsigned long hi = r->end_pfn < max_pfn ? r->end_pfn : max_pfn;

			if (pass == 0 && nid >= 0 && r->nid != nid)
				continue;
			if (lo >= hi)
				continue;
			if (mb_free_ranges_desc(m, lo, hi, mb_try_range, &rq)) {
				memblock_reserve(m, rq.found, rq.found + nr_pages, what);
				return rq.found;
			}
		}
		if (exact_nid || nid < 0)
			break;
	}
	return PFN_NONE;
}

void for_each_free_mem_range(struct machine *m, memblock_range_fn fn, void *priv)
{
	struct memblock_type *mt = &m->memblock.memory, *rt = &m->memblock.reserved;

	for (int i = 0; i < mt->cnt; i++) {
		unsigned long pos = mt->regions[i].base_pfn, end = mt->regions[i].end_pfn;

		for (int j = 0; j < rt->cnt && pos < end; j++) {
			struct memblock_region *r = &rt->regions[j];

			if (r->end_pfn <= pos)
				continue;
			if (r->base_pfn >= end)
				break;
			if (r->base_pfn > pos)
				fn(m, pos, r->base_pfn, mt->regions[i].nid, priv);
			pos = r->end_pfn;
		}
		if (pos < end)
			fn(m, pos, end, mt->regions[i].nid, priv);
	}
}

/* [start, end) is all memory and holds no reservation */
bool memblock_range_plain(const struct machine *m, unsigned long start, unsigned long end)
{
	const struct memblock_type *t = &m->memblock.memory;
	int i = mb_search(t, start);

	if (i >= t->cnt || t->regions[i].base_pfn > start || t->regions[i].end_pfn < end)
		return false;
	return !mb_overlaps(&m->memblock.reserved, start, end);
}
