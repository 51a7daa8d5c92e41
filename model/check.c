// SPDX-License-Identifier: GPL-2.0-only
/*
 * check.c - the model's invariant checker.
 *
 * Recomputes from the struct pages what the allocator keeps as counters,
 * the way mimalloc's validators do at state transitions: a drift between
 * a counter and the lists it summarises is reported with the zone, order
 * and type involved.  Cost is linear in free blocks plus pcp pages plus a
 * bitmap of the zone span, so it can run after every scenario step.
 *
 * User address spaces are checked the same way: each mm's page tables are
 * walked once and what they map is tallied per page in an xmap, then
 * compared with the mapcounts, refcounts, rss counters and node counters
 * that the fault, fork and unmap paths keep.  Transparent huge pages follow
 * 6.1: a huge PMD counts 512 pages of rss and one in the folio's
 * compound_mapcount, an anonymous one carries a deposited table (a table
 * page in every count), page_mapcount of a subpage is its PTE mappings
 * plus the PMD ones, and NR_ANON_THPS, NR_*_PMDMAPPED and NR_SHMEM_THPS
 * are recomputed.  That adds a cost linear in page-table pages and mapped
 * pages (512 per THP), plus the page cache, walked to find file pages
 * whose mapcount outlived their last mapping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "filemap.h"
#include "host.h"
#include "hugetlb.h"
#include "machine.h"
#include "memory.h"
#include "memory_hotplug.h"
#include "mmap.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rcu.h"
#include "rmap.h"
#include "task.h"

struct chk {
	struct machine *m;
	char *err;
	size_t errlen;
	bool ok;
	unsigned long base, nbits;
	uint64_t *bits;		/* pfns known free or on a pcp list */
};

static void chk_fail(struct chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void chk_fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->ok)
		return;
	c->ok = false;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

/* Mark [pfn, pfn + nr) as free; report any overlap (word at a time) */
static void chk_mark(struct chk *c, unsigned long pfn, unsigned long nr, const char *what)
{
	unsigned long i = pfn - c->base, end = i + nr;

	if (pfn < c->base || end > c->nbits) {
		chk_fail(c, "%s %#lx lies outside the machine", what, pfn);
		return;
	}
	while (i < end) {
		unsigned int bit = i % 64;
		unsigned long n = 64 - bit < end - i ? 64 - bit : end - i;
		uint64_t mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << bit;
		uint64_t *w = &c->bits[i / 64];

		if (*w & mask) {
			chk_fail(c, "%s %#lx (+%lu pages) overlaps another free or pcp page at %#lx",
				 what, pfn, nr, c->base + i / 64 * 64 + (unsigned long)__builtin_ctzll(*w & mask));
			return;
		}
		*w |= mask;
		i += n;
	}
}

static void chk_zone(struct chk *c, struct zone *z)
{
	struct machine *m = c->m;
	const char *zn = z->name;
	int nid = z->zone_pgdat->node_id;
	long free_pages = 0, cma_pages = 0;
	unsigned long highatomic_blocks = 0;

	for (unsigned int o = 0; o < MAX_ORDER && c->ok; o++) {
		struct free_area *area = &z->free_area[o];
		unsigned long total = 0;

		for (int t = 0; t < MIGRATE_TYPES && c->ok; t++) {
			struct pfnlist_head *h = &area->free_list[t];
			unsigned long n = 0, prev = PFN_NONE, pfn;

			pfnlist_for_each(m, pfn, h) {
				if (page_lru_prev(m, pfn) != prev) {
					chk_fail(c, "node %d %s order %u %s: list links broken at %#lx",
						 nid, zn, o, migratetype_names[t], pfn);
					return;
				}
				if (!PageBuddy(m, pfn) || buddy_order(m, pfn) != o ||
				    (int)page_index(m, pfn) != t) {
					chk_fail(c, "node %d %s order %u %s: block %#lx is not a free block of "
						 "this list (PageBuddy %d, order %u, list type %lu)",
						 nid, zn, o, migratetype_names[t], pfn, PageBuddy(m, pfn),
						 buddy_order(m, pfn), page_index(m, pfn));
					return;
				}
				if (pfn & ((1UL << o) - 1) || !zone_spans_pfn(z, pfn) ||
				    !zone_spans_pfn(z, pfn + (1UL << o) - 1)) {
					chk_fail(c, "node %d %s order %u: block %#lx misaligned or outside the zone",
						 nid, zn, o, pfn);
					return;
				}
				if (page_ref_count(m, pfn) != 0) {
					chk_fail(c, "free block %#lx has refcount %d", pfn,
						 page_ref_count(m, pfn));
					return;
				}
				/* memory hotplug: offline memory is in no free list */
				if (!pfn_is_online(m, pfn) || pfn_zone(m, pfn) != z) {
					chk_fail(c, "node %d %s order %u: free block %#lx lies in %s",
						 nid, zn, o, pfn, pfn_is_online(m, pfn) ?
						 "another zone's section" : "an offline section");
					return;
				}
				chk_mark(c, pfn, 1UL << o, "free block");
				prev = pfn;
				n++;
			}
			if (h->last != prev) {
				chk_fail(c, "node %d %s order %u %s: list tail is %#lx, walk ended at %#lx",
					 nid, zn, o, migratetype_names[t], h->last, prev);
				return;
			}
			if (n != area->nr_free_mt[t]) {
				chk_fail(c, "node %d %s order %u %s: %lu blocks on the list, counter says %lu",
					 nid, zn, o, migratetype_names[t], n, area->nr_free_mt[t]);
				return;
			}
			total += n;
			if (t != MIGRATE_ISOLATE)
				free_pages += (long)(n << o);
			if (t == MIGRATE_CMA)
				cma_pages += (long)(n << o);
		}
		if (c->ok && total != area->nr_free)
			chk_fail(c, "node %d %s order %u: nr_free %lu but %lu blocks on the lists",
				 nid, zn, o, area->nr_free, total);
	}
	if (!c->ok)
		return;
	if (free_pages != z->vm_stat[NR_FREE_PAGES])
		chk_fail(c, "node %d %s: NR_FREE_PAGES %ld but the free lists hold %ld pages",
			 nid, zn, z->vm_stat[NR_FREE_PAGES], free_pages);
	if (cma_pages != z->vm_stat[NR_FREE_CMA_PAGES])
		chk_fail(c, "node %d %s: NR_FREE_CMA_PAGES %ld but the CMA lists hold %ld",
			 nid, zn, z->vm_stat[NR_FREE_CMA_PAGES], cma_pages);

	for (int cpu = 0; cpu < m->nr_cpus && c->ok; cpu++) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];
		long pages = 0;

		for (int l = 0; l < NR_PCP_LISTS && c->ok; l++) {
			unsigned int order = l < NR_LOWORDER_PCP_LISTS ? (unsigned int)l / MIGRATE_PCPTYPES :
					     pageblock_order;
			unsigned long n = 0, pfn;

			pfnlist_for_each(m, pfn, &pcp->lists[l]) {
				if (PageBuddy(m, pfn) || page_zone(m, pfn) != z) {
					chk_fail(c, "cpu %d node %d %s pcp list %d: page %#lx is PageBuddy "
						 "or from another zone", cpu, nid, zn, l, pfn);
					return;
				}
				if (!pfn_is_online(m, pfn)) {
					chk_fail(c, "cpu %d node %d %s pcp list %d: page %#lx lies in an "
						 "offline section", cpu, nid, zn, l, pfn);
					return;
				}
				chk_mark(c, pfn, 1UL << order, "pcp page");
				if (c->ok && (pfn & ((1UL << order) - 1)))
					chk_fail(c, "cpu %d node %d %s pcp list %d: order-%u page %#lx "
						 "is not aligned to its order", cpu, nid, zn, l, order, pfn);
				n++;
			}
			if (n != pcp->lists_count[l])
				chk_fail(c, "cpu %d node %d %s pcp list %d: %lu pages, counter %u",
					 cpu, nid, zn, l, n, pcp->lists_count[l]);
			pages += (long)(n << order);
		}
		if (c->ok && pages != pcp->count)
			chk_fail(c, "cpu %d node %d %s: pcp count %d but the lists hold %ld pages",
				 cpu, nid, zn, pcp->count, pages);
	}

	for (unsigned long b = z->zone_start_pfn & ~(pageblock_nr_pages - 1); b < zone_end_pfn(z);
	     b += pageblock_nr_pages) {
		unsigned long p = b < z->zone_start_pfn ? z->zone_start_pfn : b;
		int mt;

		/* the zone's own online pageblocks: hotplug leaves others in its span */
		if (!pfn_is_online(m, p) || pfn_zone(m, p) != z)
			continue;
		mt = get_pfnblock_migratetype(z, b);
		if (mt == MIGRATE_HIGHATOMIC)
			highatomic_blocks++;
	}
	if (c->ok && highatomic_blocks * pageblock_nr_pages != z->nr_reserved_highatomic)
		chk_fail(c, "node %d %s: nr_reserved_highatomic %lu but %lu HighAtomic pageblocks",
			 nid, zn, z->nr_reserved_highatomic, highatomic_blocks);
}

static void chk_inuse(void *cbpriv, unsigned long pfn, unsigned int order)
{
	struct chk *c = cbpriv;
	unsigned long i = pfn - c->base;

	for (unsigned long k = 0; k < 1UL << order && c->ok; k++, i++) {
		if (pfn + k < c->base || i >= c->nbits)
			continue;
		if (c->bits[i / 64] & (1ULL << (i % 64)))
			chk_fail(c, "page %#lx is in use (block %#lx order %u) and also free or on a pcp list",
				 pfn + k, pfn, order);
		else if (!pfn_is_online(c->m, pfn + k))
			chk_fail(c, "page %#lx is in use (block %#lx order %u) in an offline section",
				 pfn + k, pfn, order);
	}
}

/* ---- user address spaces ---------------------------------------------- */

/* A page that present PTEs map: how often, and the first place seen */
struct chk_mapped {
	unsigned long count;
	long pid;
	uint64_t addr;
};

/* A THP (an order-9 folio) that PMDs or PTEs map: its PMD mappings, and the first place seen */
struct chk_folio {
	unsigned long pmds;
	long pid;
	uint64_t addr;
};

/* A hugetlb page that huge entries map: how often, and the first place seen */
struct chk_htlb {
	unsigned long maps;
	long pid;
	uint64_t addr;
};

/* A page-table page and the first entry seen reaching it */
struct chk_table {
	long pid;
	uint64_t addr;		/* the first address it covers */
	enum pt_level level;
	unsigned int reached;	/* mms whose tables reach it: more than one for a shared PMD table */
};

struct chk_user {
	struct xmap mapped_idx;		/* pfn -> index in mapped[] */
	struct chk_mapped *mapped;
	size_t nr_mapped, cap_mapped;
	struct xmap folio_idx;		/* head pfn -> index in folios[] */
	struct chk_folio *folios;
	size_t nr_folios, cap_folios;
	struct xmap tables;		/* pfn -> index in tabs[] */
	struct chk_table *tabs;
	size_t nr_tabs, cap_tabs;
	long pagetable;			/* PMD and PTE tables of every mm, deposited ones too */
	unsigned long huge_zero;	/* the huge zero page, or PFN_NONE */
	struct xmap htlb_idx;		/* hugetlb head -> index in htlb[] */
	struct chk_htlb *htlb;
	size_t nr_htlb, cap_htlb;
	/* reservations the VMAs hold, per hstate (private owners' unconsumed pages) */
	long resv_private[HUGE_MAX_HSTATE];
};

/* One mm being walked */
struct chk_mm {
	struct chk *c;
	struct chk_user *u;
	long pid;
	struct mm_struct *mm;
	unsigned int vi;		/* the VMA at or after the address walked */
	long rss[NR_MM_COUNTERS];
	long tables;			/* table pages below the pgd, deposited ones too */
	long deposits;			/* deposited tables found under huge PMDs */
	long hugetlb_usage;		/* 4 KiB pages of the hugetlb pages mapped */
	bool again;			/* walking a shared PMD table another mm walked */
};

static const char *const mm_counter_names[NR_MM_COUNTERS] = {
	[MM_FILEPAGES] = "MM_FILEPAGES", [MM_ANONPAGES] = "MM_ANONPAGES",
	[MM_SWAPENTS] = "MM_SWAPENTS", [MM_SHMEMPAGES] = "MM_SHMEMPAGES",
};

static const char *const table_names[] = {
	[PT_PTE] = "PTE table", [PT_PMD] = "PMD table", [PT_PUD] = "PUD table", [PT_PGD] = "pgd",
};

static bool chk_is_free(const struct chk *c, unsigned long pfn)
{
	unsigned long i = pfn - c->base;

	return pfn >= c->base && i < c->nbits && (c->bits[i / 64] & (1ULL << (i % 64)));
}

/* A frame a PTE or huge PMD (what) maps must exist and be in use */
static bool chk_frame_in_use(struct chk *c, long pid, const char *what, uint64_t addr,
			     unsigned long pfn)
{
	if (pfn >= c->m->max_pfn) {
		chk_fail(c, "pid %ld: the %s for %#llx maps pfn %#lx, beyond the end of memory",
			 pid, what, (unsigned long long)addr, pfn);
		return false;
	}
	if (chk_is_free(c, pfn)) {
		chk_fail(c, "pid %ld: the %s for %#llx maps page %#lx, which is free", pid, what,
			 (unsigned long long)addr, pfn);
		return false;
	}
	return true;
}

/* An entry read without a scheduling point: the checker only looks */
static pteval_t chk_entry(struct machine *m, unsigned long table, unsigned int i)
{
	uint8_t *p = fstore_frame_bytes(m, table, i * 8);
	pteval_t v = 0;

	if (p)
		memcpy(&v, p, 8);
	return v;
}

static struct vm_area_struct *chk_vma_at(struct chk_mm *cm, uint64_t addr);

/*
 * A PMD table reached again, from another mm: hugetlb PMD sharing.  The
 * table must say it is shared (pt_share_count, compared with the number
 * of mms at the end), and this mm's VMA must be one that may share it: a
 * shared hugetlb VMA of 2 MiB pages covering the table's whole 1 GiB.
 */
static bool chk_shared_pmd(struct chk_mm *cm, unsigned long pfn, uint64_t addr,
			   struct chk_table *t)
{
	struct chk *c = cm->c;
	struct vm_area_struct *vma = chk_vma_at(cm, addr);

	if (!pt_share_count(c->m, pfn)) {
		chk_fail(c, "page-table page %#lx is reached twice: from pid %ld for %#llx and "
			 "from pid %ld for %#llx", pfn, t->pid, (unsigned long long)t->addr, cm->pid,
			 (unsigned long long)addr);
		return false;
	}
	if (!vma || !is_vm_hugetlb_page(vma) || !(vma->vm_flags & VM_MAYSHARE) ||
	    huge_page_size(hstate_vma(vma)) != PMD_SIZE || vma->vm_start > addr ||
	    vma->vm_end < addr + (1UL << PUD_SHIFT)) {
		chk_fail(c, "pid %ld: the shared PMD table %#lx (also pid %ld's at %#llx) maps "
			 "[%#llx, +1G), which no shared hugetlb VMA of 2 MiB pages of pid %ld covers",
			 cm->pid, pfn, t->pid, (unsigned long long)t->addr, (unsigned long long)addr,
			 cm->pid);
		return false;
	}
	if (!cm->mm->hugetlb_pmd_shared_seen) {
		chk_fail(c, "pid %ld: holds the shared PMD table %#lx without having shared one",
			 cm->pid, pfn);
		return false;
	}
	t->reached++;
	cm->tables++;		/* mm_inc_nr_pmds: each holder counts it, NR_PAGETABLE once */
	return true;
}

/*
 * Record the table page at pfn (of level, covering from addr): 0 on a
 * failure, 1 the first time, 2 for a shared PMD table another mm reached
 * first (its entries are counted once, with that mm).
 */
static int chk_table_ref(struct chk_mm *cm, unsigned long pfn, enum pt_level level,
			 uint64_t addr)
{
	struct chk *c = cm->c;
	struct chk_user *u = cm->u;
	uint64_t idx;

	if (pfn >= c->m->max_pfn) {
		chk_fail(c, "pid %ld: the %s for %#llx is pfn %#lx, beyond the end of memory",
			 cm->pid, table_names[level], (unsigned long long)addr, pfn);
		return false;
	}
	if (chk_is_free(c, pfn)) {
		chk_fail(c, "pid %ld: the %s for %#llx is page %#lx, which is free",
			 cm->pid, table_names[level], (unsigned long long)addr, pfn);
		return false;
	}
	if (xmap_get(&u->tables, pfn, &idx)) {
		if (level == PT_PMD && u->tabs[idx].level == PT_PMD && u->tabs[idx].pid != cm->pid)
			return chk_shared_pmd(cm, pfn, addr, &u->tabs[idx]) ? 2 : 0;
		chk_fail(c, "page-table page %#lx is reached twice: from pid %ld for %#llx and "
			 "from pid %ld for %#llx", pfn, u->tabs[idx].pid,
			 (unsigned long long)u->tabs[idx].addr, cm->pid, (unsigned long long)addr);
		return 0;
	}
	if ((level == PT_PMD || level == PT_PTE) && !PageTable(c->m, pfn)) {
		chk_fail(c, "pid %ld: the %s for %#llx (page %#lx) is not PageTable",
			 cm->pid, table_names[level], (unsigned long long)addr, pfn);
		return 0;
	}
	if (u->nr_tabs == u->cap_tabs) {
		u->cap_tabs = u->cap_tabs ? u->cap_tabs * 2 : 64;
		u->tabs = host_reallocarray(u->tabs, u->cap_tabs, sizeof(*u->tabs),
					    "checking page tables");
	}
	u->tabs[u->nr_tabs] = (struct chk_table){ .pid = cm->pid, .addr = addr, .level = level,
						  .reached = 1 };
	xmap_set(&u->tables, pfn, u->nr_tabs++);
	if (level != PT_PGD)
		cm->tables++;
	if (level == PT_PMD || level == PT_PTE)
		u->pagetable++;
	return 1;
}

/* A table page only one mm may reach (the pgd, a deposited table) */
static bool chk_table_page(struct chk_mm *cm, unsigned long pfn, enum pt_level level,
			   uint64_t addr)
{
	return chk_table_ref(cm, pfn, level, addr) == 1;
}

/* Every PMD table's pt_share_count against the mms that hold it */
static void chk_pt_share_counts(struct chk *c, struct chk_user *u)
{
	uint64_t pfn, idx;

	for (size_t i = 0; c->ok && xmap_next(&u->tables, &i, &pfn, &idx);) {
		const struct chk_table *t = &u->tabs[idx];
		int sc;

		if (t->level != PT_PMD)
			continue;
		sc = pt_share_count(c->m, (unsigned long)pfn);
		if (sc < 0 || (unsigned int)sc != t->reached - 1)
			chk_fail(c, "PMD table %#lx (pid %ld at %#llx): pt_share_count %d but %u mms "
				 "hold it", (unsigned long)pfn, t->pid, (unsigned long long)t->addr, sc,
				 t->reached);
	}
}

/* The VMA holding addr, or NULL (addresses are walked in ascending order) */
static struct vm_area_struct *chk_vma_at(struct chk_mm *cm, uint64_t addr)
{
	struct mm_struct *mm = cm->mm;

	while (cm->vi < mm->nr_vmas && mm->vmas[cm->vi]->vm_end <= addr)
		cm->vi++;
	if (cm->vi == mm->nr_vmas || mm->vmas[cm->vi]->vm_start > addr)
		return NULL;
	return mm->vmas[cm->vi];
}

/* The THP at head as seen from the mappings, recorded on first sight */
static struct chk_folio *chk_folio_of(struct chk_user *u, unsigned long head, long pid,
				      uint64_t addr)
{
	uint64_t idx;

	if (xmap_get(&u->folio_idx, head, &idx))
		return &u->folios[idx];
	if (u->nr_folios == u->cap_folios) {
		u->cap_folios = u->cap_folios ? u->cap_folios * 2 : 16;
		u->folios = host_reallocarray(u->folios, u->cap_folios, sizeof(*u->folios),
					      "checking THPs");
	}
	u->folios[u->nr_folios] = (struct chk_folio){ .pid = pid, .addr = addr };
	xmap_set(&u->folio_idx, head, u->nr_folios);
	return &u->folios[u->nr_folios++];
}

/*
 * rmap must find the mapping of pfn at addr in vma (what migration and
 * split_huge_page rely on): the page's index (a THP's head index plus the
 * subpage's offset) is the VMA's linear index of addr, and its mapping
 * names an anon_vma the VMA is chained to, or the VMA's file.  mremap
 * keeps this by giving the new VMA the old pgoff.
 */
static bool chk_rmap(struct chk_mm *cm, struct vm_area_struct *vma, const char *what,
		     uint64_t addr, unsigned long pfn)
{
	struct chk *c = cm->c;
	struct machine *m = c->m;
	unsigned long head = page_head(m, pfn);
	uint64_t mapping = page_mapping(m, head);
	unsigned long index = page_index(m, head) + (pfn - head);

	if (index != linear_page_index(vma, addr)) {
		chk_fail(c, "pid %ld: the %s for %#llx maps page %#lx of index %lu, but rmap looks "
			 "for it at index %lu", cm->pid, what, (unsigned long long)addr, pfn, index,
			 linear_page_index(vma, addr));
		return false;
	}
	if (mapping & PAGE_MAPPING_ANON) {
		struct anon_vma *av = anon_vma_of_mapping(m, mapping);

		for (unsigned int i = 0; av && i < vma->nr_avc; i++)
			if (vma->avc[i] == av)
				return true;
		chk_fail(c, "pid %ld: the %s for %#llx maps anon page %#lx, whose anon_vma VMA "
			 "[%#lx, %#lx) is not chained to", cm->pid, what, (unsigned long long)addr,
			 pfn, vma->vm_start, vma->vm_end);
		return false;
	}
	if (!vma->vm_file || mapping != mapping_addr(vma->vm_file)) {
		chk_fail(c, "pid %ld: the %s for %#llx maps file page %#lx, not a page of the VMA's "
			 "file", cm->pid, what, (unsigned long long)addr, pfn);
		return false;
	}
	return true;
}

static void chk_pte(struct chk_mm *cm, uint64_t addr, pteval_t e)
{
	struct chk *c = cm->c;
	struct machine *m = c->m;
	struct chk_user *u = cm->u;
	unsigned long pfn = pte_pfn(e);
	struct vm_area_struct *vma;
	uint64_t idx;

	if (!upte_present(e)) {
		chk_fail(c, "pid %ld: the PTE for %#llx is %#llx: neither present nor empty",
			 cm->pid, (unsigned long long)addr, (unsigned long long)e);
		return;
	}
	vma = chk_vma_at(cm, addr);
	if (!vma) {
		chk_fail(c, "pid %ld: the PTE for %#llx maps page %#lx outside every VMA",
			 cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (vm_normal_pfn(e) == PFN_NONE) {
		if (pfn != m->procs->zero_pfn)
			chk_fail(c, "pid %ld: the special PTE for %#llx maps %#lx, not the zero page",
				 cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (!chk_frame_in_use(c, cm->pid, "PTE", addr, pfn))
		return;
	if (u->huge_zero != PFN_NONE && pfn - u->huge_zero < HPAGE_PMD_NR) {
		chk_fail(c, "pid %ld: the PTE for %#llx maps page %#lx of the huge zero page",
			 cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	/* 6.1: an anon page is mapped writable only while it is exclusively ours */
	if (pte_write(e) && PageAnon(m, pfn) && !PageAnonExclusive(m, pfn)) {
		chk_fail(c, "pid %ld: the PTE for %#llx maps anon page %#lx writable, but it is "
			 "not PageAnonExclusive", cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	/* (a page-table page mapped by a PTE is the page pass's to report) */
	if (!PageTable(m, pfn) && !chk_rmap(cm, vma, "PTE", addr, pfn))
		return;
	if (PageCompound(m, pfn))
		chk_folio_of(u, page_head(m, pfn), cm->pid, addr);
	cm->rss[mm_counter_of(m, pfn)]++;
	if (xmap_get(&u->mapped_idx, pfn, &idx)) {
		u->mapped[idx].count++;
		return;
	}
	if (u->nr_mapped == u->cap_mapped) {
		u->cap_mapped = u->cap_mapped ? u->cap_mapped * 2 : 256;
		u->mapped = host_reallocarray(u->mapped, u->cap_mapped, sizeof(*u->mapped),
					      "checking mapped pages");
	}
	u->mapped[u->nr_mapped] = (struct chk_mapped){ .count = 1, .pid = cm->pid, .addr = addr };
	xmap_set(&u->mapped_idx, pfn, u->nr_mapped++);
}

/*
 * A huge PMD (6.1, x86): it lies inside one VMA; an anonymous VMA's
 * carries a deposited PTE table (a table page like any other: PageTable,
 * in nr_pgtables, pgtables_bytes and NR_PAGETABLE), a file VMA's none.
 * The huge zero page maps nothing that counts; anything else is the head
 * of an order-9 folio (anon in an anonymous VMA, the page cache's folio
 * in a file VMA) and counts 512 pages of rss.
 */
static void chk_pmd(struct chk_mm *cm, unsigned long table, unsigned int i, uint64_t addr,
		    pteval_t e)
{
	struct chk *c = cm->c;
	struct machine *m = c->m;
	struct mm_struct *mm = cm->mm;
	unsigned long pfn = pte_pfn(e);
	struct vm_area_struct *vma = chk_vma_at(cm, addr);
	uint64_t pt;
	bool anon, deposited = xmap_get(&mm->deposited, ((uint64_t)table << 9) | i, &pt);

	if (!vma) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx maps page %#lx outside every VMA",
			 cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (addr + HPAGE_PMD_SIZE > vma->vm_end) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx crosses the end of VMA [%#lx, %#lx)",
			 cm->pid, (unsigned long long)addr, vma->vm_start, vma->vm_end);
		return;
	}
	anon = vma_is_anonymous(vma);
	if (anon != deposited) {
		chk_fail(c, anon ? "pid %ld: the anonymous huge PMD for %#llx has no deposited table" :
			 "pid %ld: the file huge PMD for %#llx has a deposited table",
			 cm->pid, (unsigned long long)addr);
		return;
	}
	if (deposited) {
		if (!chk_table_page(cm, (unsigned long)pt, PT_PTE, addr))
			return;
		cm->deposits++;
	}
	if (pfn == cm->u->huge_zero) {
		if (!anon)
			chk_fail(c, "pid %ld: the huge zero page is mapped at %#llx in a file VMA",
				 cm->pid, (unsigned long long)addr);
		else if (pte_write(e))
			chk_fail(c, "pid %ld: the huge zero page is mapped writable at %#llx",
				 cm->pid, (unsigned long long)addr);
		else if (!(mm->flags & (1UL << MMF_HUGE_ZERO_PAGE)))
			chk_fail(c, "pid %ld: maps the huge zero page at %#llx without "
				 "MMF_HUGE_ZERO_PAGE", cm->pid, (unsigned long long)addr);
		return;
	}
	if (!chk_frame_in_use(c, cm->pid, "huge PMD", addr, pfn))
		return;
	if (!PageHead(m, pfn) || compound_order(m, pfn) != HPAGE_PMD_ORDER) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx maps page %#lx, not the head of an "
			 "order-9 folio", cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (anon != PageAnon(m, pfn)) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx maps THP %#lx, %sPageAnon, in %s VMA",
			 cm->pid, (unsigned long long)addr, pfn, anon ? "not " : "",
			 anon ? "an anonymous" : "a file");
		return;
	}
	if (!anon && page_cache_lookup(m, vma->vm_file, linear_page_index(vma, addr)) != pfn) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx maps THP %#lx, not the folio at index "
			 "%lu of %s", cm->pid, (unsigned long long)addr, pfn,
			 linear_page_index(vma, addr), vma->vm_file->path);
		return;
	}
	if (pte_write(e) && anon && !PageAnonExclusive(m, pfn)) {
		chk_fail(c, "pid %ld: the huge PMD for %#llx maps anon THP %#lx writable, but it is "
			 "not PageAnonExclusive", cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (!chk_rmap(cm, vma, "huge PMD", addr, pfn))
		return;
	cm->rss[mm_counter_of(m, pfn)] += HPAGE_PMD_NR;
	chk_folio_of(cm->u, pfn, cm->pid, addr)->pmds++;
}

static bool chk_in_hugetlb_vma(struct chk_mm *cm, uint64_t addr)
{
	struct vm_area_struct *vma = chk_vma_at(cm, addr);

	return vma && is_vm_hugetlb_page(vma);
}

/*
 * A hugetlb entry (6.1, x86): a PMD entry for a 2 MiB page, a PUD entry
 * for a 1 GiB one, aligned and inside a hugetlb VMA of that page size,
 * mapping the head of a hugetlb page of that size.  A shared VMA maps the
 * file's page at that index; a private one its own anonymous page (the
 * only kind it may map writable, and then exclusively) or, read-only,
 * the file's.  No rss counter, only hugetlb_usage, counts it.
 */
static void chk_hugetlb(struct chk_mm *cm, enum pt_level level, uint64_t addr, pteval_t e)
{
	struct chk *c = cm->c;
	struct machine *m = c->m;
	struct chk_user *u = cm->u;
	struct vm_area_struct *vma = chk_vma_at(cm, addr);
	struct hstate *h = hstate_vma(vma);
	unsigned long hsz = huge_page_size(h), pfn = pte_pfn(e), idx;
	uint64_t i;
	bool anon;

	if (level != (hsz == (1UL << PUD_SHIFT) ? PT_PUD : PT_PMD) || (addr & (hsz - 1)) ||
	    addr + hsz > vma->vm_end) {
		chk_fail(c, "pid %ld: a hugetlb %s entry for %#llx in a VMA [%#lx, %#lx) of %lu kB "
			 "pages", cm->pid, table_names[level], (unsigned long long)addr,
			 vma->vm_start, vma->vm_end, hsz >> 10);
		return;
	}
	if (!chk_frame_in_use(c, cm->pid, "hugetlb entry", addr, pfn))
		return;
	if (!PageHeadHuge(m, pfn) || compound_order(m, pfn) != h->order) {
		chk_fail(c, "pid %ld: the hugetlb entry for %#llx maps page %#lx, not the head of a "
			 "%lu kB hugetlb page", cm->pid, (unsigned long long)addr, pfn, hsz >> 10);
		return;
	}
	anon = PageAnon(m, pfn);
	idx = vma_hugecache_offset(h, vma, addr);
	if ((vma->vm_flags & VM_MAYSHARE) && anon) {
		chk_fail(c, "pid %ld: the shared hugetlb mapping at %#llx maps anonymous page %#lx",
			 cm->pid, (unsigned long long)addr, pfn);
		return;
	}
	if (!anon && page_cache_lookup(m, vma->vm_file, idx) != pfn) {
		chk_fail(c, "pid %ld: the hugetlb entry for %#llx maps page %#lx, not the page at "
			 "index %lu of %s", cm->pid, (unsigned long long)addr, pfn, idx,
			 vma->vm_file->path);
		return;
	}
	if (pte_write(e) && !(vma->vm_flags & VM_MAYSHARE) &&
	    (!anon || !PageAnonExclusive(m, pfn))) {
		chk_fail(c, "pid %ld: the private hugetlb entry for %#llx maps page %#lx writable, "
			 "but it is not an exclusive anonymous page", cm->pid,
			 (unsigned long long)addr, pfn);
		return;
	}
	cm->hugetlb_usage += (long)pages_per_huge_page(h);
	if (cm->again)
		return;		/* counted with the mm that reached the shared table first */
	if (xmap_get(&u->htlb_idx, pfn, &i)) {
		u->htlb[i].maps++;
		return;
	}
	if (u->nr_htlb == u->cap_htlb) {
		u->cap_htlb = u->cap_htlb ? 2 * u->cap_htlb : 16;
		u->htlb = host_reallocarray(u->htlb, u->cap_htlb, sizeof(*u->htlb),
					    "checking hugetlb pages");
	}
	u->htlb[u->nr_htlb] = (struct chk_htlb){ .maps = 1, .pid = cm->pid, .addr = addr };
	xmap_set(&u->htlb_idx, pfn, u->nr_htlb++);
}

/* Walk the entries of a table at level (a PUD, PMD or PTE table) from base */
static void chk_walk(struct chk_mm *cm, unsigned long table, enum pt_level level, uint64_t base)
{
	static const unsigned int shift[] = { [PT_PTE] = PAGE_SHIFT, [PT_PMD] = PMD_SHIFT,
					      [PT_PUD] = PUD_SHIFT, [PT_PGD] = PGDIR_SHIFT };
	struct chk *c = cm->c;

	for (unsigned int i = 0; i < PTRS_PER_TABLE && c->ok; i++) {
		uint64_t addr = base + ((uint64_t)i << shift[level]);
		pteval_t e = chk_entry(c->m, table, i);

		if (level == PT_PTE) {
			if (e)
				chk_pte(cm, addr, e);
			continue;
		}
		if (!e)
			continue;
		if (level == PT_PMD && (e & _PAGE_PSE) && upte_present(e)) {
			if (chk_in_hugetlb_vma(cm, addr))
				chk_hugetlb(cm, level, addr, e);
			else
				chk_pmd(cm, table, i, addr, e);
			continue;
		}
		if (!pte_present(e)) {
			chk_fail(c, "pid %ld: the %s entry for %#llx is %#llx: neither present nor empty",
				 cm->pid, table_names[level], (unsigned long long)addr,
				 (unsigned long long)e);
			return;
		}
		if (level == PT_PUD && (e & _PAGE_PSE) && chk_in_hugetlb_vma(cm, addr)) {
			chk_hugetlb(cm, level, addr, e);
			continue;
		}
		if (e & _PAGE_PSE) {
			chk_fail(c, "pid %ld: a huge %s entry maps %#llx: user mappings have no such "
				 "pages", cm->pid, table_names[level], (unsigned long long)addr);
			return;
		}
		switch (chk_table_ref(cm, pte_pfn(e), level - 1, addr)) {
		case 1:
			chk_walk(cm, pte_pfn(e), level - 1, addr);
			break;
		case 2:
			cm->again = true;
			chk_walk(cm, pte_pfn(e), level - 1, addr);
			cm->again = false;
			break;
		}
	}
}

static void chk_vmas(struct chk *c, long pid, struct mm_struct *mm)
{
	if (mm->map_count < 0 || (unsigned int)mm->map_count != mm->nr_vmas) {
		chk_fail(c, "pid %ld: map_count %d but %u VMAs", pid, mm->map_count, mm->nr_vmas);
		return;
	}
	for (unsigned int i = 0; i < mm->nr_vmas && c->ok; i++) {
		struct vm_area_struct *v = mm->vmas[i];

		if (v->vm_mm != mm)
			chk_fail(c, "pid %ld: VMA [%#lx, %#lx) has another vm_mm", pid, v->vm_start,
				 v->vm_end);
		else if ((v->vm_start | v->vm_end) & (PAGE_SIZE - 1))
			chk_fail(c, "pid %ld: VMA [%#lx, %#lx) is not page aligned", pid, v->vm_start,
				 v->vm_end);
		else if (v->vm_start >= v->vm_end)
			chk_fail(c, "pid %ld: VMA [%#lx, %#lx) is empty", pid, v->vm_start,
				 v->vm_end);
		else if (v->vm_end > TASK_SIZE)
			chk_fail(c, "pid %ld: VMA [%#lx, %#lx) ends above TASK_SIZE", pid,
				 v->vm_start, v->vm_end);
		else if (i && mm->vmas[i - 1]->vm_end > v->vm_start)
			chk_fail(c, "pid %ld: VMAs [%#lx, %#lx) and [%#lx, %#lx) overlap or are out "
				 "of order", pid, mm->vmas[i - 1]->vm_start, mm->vmas[i - 1]->vm_end,
				 v->vm_start, v->vm_end);
	}
}

static void chk_user_mm(struct chk *c, struct chk_user *u, long pid, struct mm_struct *mm)
{
	struct chk_mm cm = { .c = c, .u = u, .pid = pid, .mm = mm };

	chk_vmas(c, pid, mm);
	if (!c->ok)
		return;
	/* the pgd is an order-1 block: both pages belong to this mm */
	if (!chk_table_page(&cm, mm->pgd, PT_PGD, 0) || !chk_table_page(&cm, mm->pgd + 1, PT_PGD, 0))
		return;
	chk_walk(&cm, mm->pgd, PT_PGD, 0);
	if (!c->ok)
		return;
	if ((long)mm->deposited.nr != cm.deposits) {
		chk_fail(c, "pid %ld: %ld deposited tables but %ld anonymous huge PMDs carry one",
			 pid, (long)mm->deposited.nr, cm.deposits);
		return;
	}
	if (mm->nr_pgtables != cm.tables) {
		chk_fail(c, "pid %ld: nr_pgtables %ld but its page tables have %ld pages below the pgd",
			 pid, mm->nr_pgtables, cm.tables);
		return;
	}
	if (mm->pgtables_bytes != cm.tables * (long)PAGE_SIZE) {
		chk_fail(c, "pid %ld: pgtables_bytes %ld but its page tables have %ld bytes below "
			 "the pgd", pid, mm->pgtables_bytes, cm.tables * (long)PAGE_SIZE);
		return;
	}
	for (int k = 0; k < NR_MM_COUNTERS; k++) {
		if (mm->rss_stat[k] != cm.rss[k]) {
			chk_fail(c, "pid %ld: rss %s is %ld but its page tables map %ld such pages",
				 pid, mm_counter_names[k], mm->rss_stat[k], cm.rss[k]);
			return;
		}
	}
	/* once PMD tables were shared, 6.1 counts the faults of this mm, not what it maps */
	if (!mm->hugetlb_pmd_shared_seen && mm->hugetlb_usage != cm.hugetlb_usage) {
		chk_fail(c, "pid %ld: hugetlb_usage is %ld but its page tables map %ld pages of "
			 "hugetlb pages", pid, mm->hugetlb_usage, cm.hugetlb_usage);
		return;
	}
	/* a private owner's reservations: its range less what its faults consumed */
	for (unsigned int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vmas[i];
		struct resv_map *resv;
		const struct file_region *rg;
		struct hstate *h;
		long start, end, used = 0;

		if (!is_vm_hugetlb_page(v) || (v->vm_flags & VM_MAYSHARE) ||
		    !is_vma_resv_set(v, HPAGE_RESV_OWNER) || !(resv = vma_resv_map(v)))
			continue;
		h = hstate_vma(v);
		start = (long)vma_hugecache_offset(h, v, v->vm_start);
		end = (long)vma_hugecache_offset(h, v, v->vm_end);
		resv_for_each_region(resv, rg)
			if (rg->to > start && rg->from < end)
				used += (rg->to < end ? rg->to : end) - (rg->from > start ? rg->from : start);
		u->resv_private[hstate_index(c->m, h)] += end - start - used;
	}
}

/* Is pfn (a small page or a THP's head) in the page cache of the file its mapping names? */
static bool chk_in_page_cache(struct machine *m, unsigned long pfn)
{
	uint64_t mapping = page_mapping(m, pfn), v;
	struct inode *inode;

	if (!mapping || (mapping & PAGE_MAPPING_ANON) || mapping < MAPPING_ADDR_BASE ||
	    !xmap_get(&m->procs->inodes_by_id, (mapping - MAPPING_ADDR_BASE) / RMAP_OBJ_STRIDE, &v))
		return false;
	inode = (struct inode *)(uintptr_t)v;
	return xmap_get(&inode->i_pages, page_index(m, pfn), &v) && v == pfn;
}

static long chk_node_sum(struct machine *m, int item)
{
	long v = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		v += m->node[n].vm_stat[item];
	return v;
}

/* What the walk found of a THP and its 512 pages, by the mappings seen */
struct chk_thp_sums {
	long anon, file;		/* distinct pages mapped (NR_ANON_MAPPED, NR_FILE_MAPPED) */
	long anon_thps;			/* anon THPs mapped by a PMD */
	long pmd_mapped[2];		/* file THPs mapped by a PMD: [PageSwapBacked] */
};

/*
 * A THP against 6.1's mapcounts: compound_mapcount counts its PMD
 * mappings, page_mapcount of each subpage its PTE mappings plus the PMD
 * ones (rmap.c's page_mapcount: PageDoubleMap and the file rule), tails
 * hold no references of their own, and the head's refcount covers every
 * mapping plus the page cache's 512.
 */
static void chk_thp(struct chk *c, struct chk_user *u, unsigned long head,
		    const struct chk_folio *f, struct chk_thp_sums *s)
{
	struct machine *m = c->m;
	bool anon, cached;
	long total = (long)f->pmds;
	int ref;

	if (!PageHead(m, head) || compound_order(m, head) != HPAGE_PMD_ORDER) {
		chk_fail(c, "page %#lx (pid %ld at %#llx) is in a compound page that is not an "
			 "order-9 THP", head, f->pid, (unsigned long long)f->addr);
		return;
	}
	anon = PageAnon(m, head);
	cached = chk_in_page_cache(m, head);
	if (compound_mapcount(m, head) < 0 || (unsigned long)compound_mapcount(m, head) != f->pmds) {
		chk_fail(c, "THP %#lx: compound_mapcount %d but %lu PMDs map it (pid %ld at %#llx)",
			 head, compound_mapcount(m, head), f->pmds, f->pid,
			 (unsigned long long)f->addr);
		return;
	}
	if (anon && PageDoubleMap(m, head) && !f->pmds) {
		chk_fail(c, "THP %#lx: PageDoubleMap but no PMD maps it (pid %ld at %#llx)", head,
			 f->pid, (unsigned long long)f->addr);
		return;
	}
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long p = head + i, ptes = 0;
		uint64_t idx;
		int mc = page_mapcount(m, p);

		if (xmap_get(&u->mapped_idx, p, &idx))
			ptes = u->mapped[idx].count;
		if (mc < 0 || (unsigned long)mc != ptes + f->pmds) {
			chk_fail(c, "page %#lx (subpage %lu of THP %#lx): mapcount %d but %lu PTEs and "
				 "%lu PMDs map it", p, i, head, mc, ptes, f->pmds);
			return;
		}
		if (i && page_ref_count(m, p)) {
			chk_fail(c, "page %#lx (subpage %lu of THP %#lx): a tail page with refcount %d",
				 p, i, head, page_ref_count(m, p));
			return;
		}
		total += (long)ptes;
	}
	ref = page_ref_count(m, head);
	if (ref < total + (cached ? (long)HPAGE_PMD_NR : 0)) {
		chk_fail(c, "THP %#lx: refcount %d below its %ld mappings%s (pid %ld at %#llx)", head,
			 ref, total, cached ? " and the page cache's 512" : "", f->pid,
			 (unsigned long long)f->addr);
		return;
	}
	if (!f->pmds)
		return;		/* its PTE-mapped pages were counted one by one */
	if (anon) {
		s->anon_thps++;
		s->anon += HPAGE_PMD_NR;
	} else {
		s->pmd_mapped[PageSwapBacked(m, head)]++;
		s->file += HPAGE_PMD_NR;
	}
}

/* The page caches: no page free, no mapcount without a mapping; THPs counted */
static void chk_page_caches(struct chk *c, struct chk_user *u, long cache_thps[2])
{
	struct machine *m = c->m;
	struct inode *inode;
	uint64_t pfn, idx, v;

	for (size_t k = 0; c->ok && (inode = inode_next(m, &k));) {
		if (is_file_hugepages(inode))
			continue;	/* chk_hugetlb_pages */
		for (size_t i = 0; c->ok && xmap_next(&inode->i_pages, &i, &idx, &pfn);) {
			unsigned long head = page_head(m, pfn);

			if (chk_is_free(c, pfn)) {
				chk_fail(c, "page %#lx of %s (index %lu) is in the page cache and free",
					 (unsigned long)pfn, inode->path, (unsigned long)idx);
				return;
			}
			if (PageCompound(m, pfn)) {
				if (pfn == head && compound_order(m, head) == HPAGE_PMD_ORDER)
					cache_thps[PageSwapBacked(m, head)]++;
				if (xmap_get(&u->folio_idx, head, &v))
					continue;	/* checked with its mappings */
				if (pfn == head && compound_mapcount(m, head)) {
					chk_fail(c, "THP %#lx of %s (index %lu): compound_mapcount %d but "
						 "no PMD maps it", head, inode->path,
						 (unsigned long)idx, compound_mapcount(m, head));
					return;
				}
			}
			if (page_mapcount(m, pfn) > 0 && !xmap_get(&u->mapped_idx, pfn, &v))
				chk_fail(c, "page %#lx of %s (index %lu): mapcount %d but no PTE maps it",
					 (unsigned long)pfn, inode->path, (unsigned long)idx,
					 page_mapcount(m, pfn));
		}
	}
}

/* A node counter against what the walk found; fmt takes the counter, then want */
#define chk_counter(c, item, want, fmt)						\
	do {									\
		long v_ = chk_node_sum((c)->m, item), w_ = (want);		\
										\
		if ((c)->ok && v_ != w_)					\
			chk_fail(c, fmt, v_, w_);				\
	} while (0)

/* What the mms' page tables map against the pages' rmap state and the counters */
static void chk_user_pages(struct chk *c, struct chk_user *u)
{
	struct machine *m = c->m;
	struct chk_thp_sums s = { 0 };
	long cache_thps[2] = { 0 };
	uint64_t pfn, idx, v;

	for (size_t i = 0; c->ok && xmap_next(&u->mapped_idx, &i, &pfn, &idx);) {
		struct chk_mapped *pm = &u->mapped[idx];
		int mapcount, ref;
		bool cached;

		if (xmap_get(&u->tables, pfn, &v)) {
			chk_fail(c, "page %#lx is a page-table page and also mapped by pid %ld at %#llx",
				 (unsigned long)pfn, pm->pid, (unsigned long long)pm->addr);
			return;
		}
		if (PageCompound(m, pfn)) {
			/* checked with its THP; counted there if a PMD maps it too */
			xmap_get(&u->folio_idx, page_head(m, pfn), &v);
			if (u->folios[v].pmds)
				continue;
		} else {
			mapcount = page_mapcount(m, pfn);
			ref = page_ref_count(m, pfn);
			cached = chk_in_page_cache(m, pfn);
			if (mapcount < 0 || (unsigned long)mapcount != pm->count) {
				chk_fail(c, "page %#lx: mapcount %d but %lu PTEs map it (pid %ld at %#llx)",
					 (unsigned long)pfn, mapcount, pm->count, pm->pid,
					 (unsigned long long)pm->addr);
				return;
			}
			if (ref < mapcount + cached) {
				chk_fail(c, "page %#lx: refcount %d below its %d mappings%s (pid %ld at "
					 "%#llx)", (unsigned long)pfn, ref, mapcount,
					 cached ? " and the page cache" : "", pm->pid,
					 (unsigned long long)pm->addr);
				return;
			}
		}
		if (PageAnon(m, pfn))
			s.anon++;
		else
			s.file++;
	}
	for (size_t i = 0; c->ok && xmap_next(&u->folio_idx, &i, &pfn, &idx);)
		chk_thp(c, u, (unsigned long)pfn, &u->folios[idx], &s);
	if (c->ok)
		chk_page_caches(c, u, cache_thps);
	chk_counter(c, NR_ANON_MAPPED, s.anon, "NR_ANON_MAPPED is %ld but page tables map %ld anon pages");
	chk_counter(c, NR_FILE_MAPPED, s.file, "NR_FILE_MAPPED is %ld but page tables map %ld file pages");
	chk_counter(c, NR_ANON_THPS, s.anon_thps * HPAGE_PMD_NR,
		    "NR_ANON_THPS is %ld but PMDs map anon THPs of %ld pages");
	chk_counter(c, NR_SHMEM_PMDMAPPED, s.pmd_mapped[1] * HPAGE_PMD_NR,
		    "NR_SHMEM_PMDMAPPED is %ld but PMDs map shmem THPs of %ld pages");
	chk_counter(c, NR_FILE_PMDMAPPED, s.pmd_mapped[0] * HPAGE_PMD_NR,
		    "NR_FILE_PMDMAPPED is %ld but PMDs map file THPs of %ld pages");
	chk_counter(c, NR_SHMEM_THPS, cache_thps[1] * HPAGE_PMD_NR,
		    "NR_SHMEM_THPS is %ld but tmpfs page caches hold THPs of %ld pages");
	chk_counter(c, NR_FILE_THPS, cache_thps[0] * HPAGE_PMD_NR,
		    "NR_FILE_THPS is %ld but other page caches hold THPs of %ld pages");
	/* 6.1 counts user PMD and PTE tables only: no PUD tables, no kernel ones */
	chk_counter(c, NR_PAGETABLE, u->pagetable,
		    "NR_PAGETABLE is %ld but user PMD and PTE tables (deposited ones too) are %ld "
		    "pages");
}

/* A hugetlb page in use (mapped or cached): frozen tails, its mapcounts, its references */
static void chk_hugetlb_page(struct chk *c, unsigned long head, unsigned long maps, bool cached,
			     long pid, uint64_t addr)
{
	struct machine *m = c->m;
	int cm = (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1;

	if (page_mapcount_raw(m, head) != -1) {
		chk_fail(c, "hugetlb page %#lx: its own _mapcount is %d (only the compound one "
			 "counts)", head, page_mapcount_raw(m, head));
		return;
	}
	if (cm < 0 || (unsigned long)cm != maps) {
		chk_fail(c, "hugetlb page %#lx: compound_mapcount %d but %lu entries map it "
			 "(pid %ld at %#llx)", head, cm, maps, pid, (unsigned long long)addr);
		return;
	}
	if (page_ref_count(m, head) < (long)maps + cached) {
		chk_fail(c, "hugetlb page %#lx: refcount %d below its %lu mappings%s", head,
			 page_ref_count(m, head), maps, cached ? " and the page cache" : "");
		return;
	}
	if (HPageFreed(m, head))
		chk_fail(c, "hugetlb page %#lx is in use and on a free list", head);
}

/*
 * Hugetlb pages and reservations: every page the walks found mapped or a
 * hugetlbfs page cache holds, each pool against its free lists, and
 * resv_huge_pages of each size recomputed from what holds reservations:
 *   subpools with a minimum: rsv_hpages (reserved for the mount, unused);
 *   hugetlbfs files: the pages of their reserve map regions that have no
 *     page in the cache yet;
 *   private mappings: each owner VMA's range less the pages its map says
 *     its faults consumed;
 *   pages in use still carrying HPageRestoreReserve (a reservation taken
 *     by alloc_huge_page that no mapping or cache insertion has yet made
 *     its own).
 */
static void chk_hugetlb_pages(struct chk *c, struct chk_user *u)
{
	struct machine *m = c->m;
	long resv_files[HUGE_MAX_HSTATE] = { 0 }, resv_pages[HUGE_MAX_HSTATE] = { 0 };
	long resv_spool[HUGE_MAX_HSTATE] = { 0 };
	struct hugepage_subpool *spool;
	struct inode *inode;
	uint64_t pfn, idx, v;

	for (size_t k = 0; c->ok && m->procs && (inode = inode_next(m, &k));) {
		struct hstate *h;
		const struct file_region *rg;
		int hi;

		if (!is_file_hugepages(inode))
			continue;
		h = hstate_inode(inode);
		hi = hstate_index(m, h);
		for (size_t i = 0; c->ok && xmap_next(&inode->i_pages, &i, &idx, &pfn);) {
			unsigned long maps = 0;

			if (chk_is_free(c, pfn) || !PageHeadHuge(m, pfn) ||
			    compound_order(m, pfn) != h->order || page_index(m, pfn) != idx ||
			    page_mapping(m, pfn) != mapping_addr(inode)) {
				chk_fail(c, "page %#lx at index %lu of %s is not a %lu kB hugetlb page "
					 "of that file at that index", (unsigned long)pfn,
					 (unsigned long)idx, inode->path, huge_page_size(h) >> 10);
				return;
			}
			if (xmap_get(&u->htlb_idx, pfn, &v)) {
				maps = u->htlb[v].maps;
				u->htlb[v].maps = ~0UL;		/* seen with its cache */
			}
			chk_hugetlb_page(c, (unsigned long)pfn, maps, true, 0, 0);
			resv_pages[hi] += HPageRestoreReserve(m, pfn);
		}
		if (!inode->resv_map)
			continue;
		resv_for_each_region(inode->resv_map, rg)
			for (long i = rg->from; i < rg->to; i++)
				resv_files[hi] += page_cache_lookup(m, inode, (unsigned long)i) == PFN_NONE;
	}
	for (size_t i = 0; c->ok && xmap_next(&u->htlb_idx, &i, &pfn, &idx);) {
		const struct chk_htlb *f = &u->htlb[idx];
		struct hstate *h;

		if (f->maps == ~0UL)
			continue;
		chk_hugetlb_page(c, (unsigned long)pfn, f->maps, false, f->pid, f->addr);
		h = hugetlb_order_to_hstate(m, compound_order(m, (unsigned long)pfn));
		resv_pages[hstate_index(m, h)] += HPageRestoreReserve(m, (unsigned long)pfn);
	}
	for (size_t i = 0; c->ok && (spool = hugetlb_subpool_next(m, &i));) {
		if ((spool->max_hpages != -1 && (spool->used_hpages < 0 ||
						 spool->used_hpages > spool->max_hpages)) ||
		    (spool->min_hpages != -1 && (spool->rsv_hpages < 0 ||
						 spool->rsv_hpages > spool->min_hpages))) {
			chk_fail(c, "hugetlbfs subpool %u: used %ld of max %ld, rsv %ld of min %ld",
				 spool->id, spool->used_hpages, spool->max_hpages, spool->rsv_hpages,
				 spool->min_hpages);
			return;
		}
		if (spool->min_hpages != -1)
			resv_spool[hstate_index(m, spool->hstate)] += spool->rsv_hpages;
	}
	for (int i = 0; c->ok && i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = hugetlb_hstate_at(m, i);
		long want = resv_spool[i] + resv_files[i] + u->resv_private[i] + resv_pages[i];

		if (!h)
			break;
		if (!hugetlb_check_pool(m, h, c->err, c->errlen)) {
			c->ok = false;
			return;
		}
		if ((long)h->resv_huge_pages != want)
			chk_fail(c, "%s: resv_huge_pages is %lu but the reservations held add up to "
				 "%ld (subpool minimums %ld, hugetlbfs files %ld, private mappings "
				 "%ld, pages not yet mapped %ld)", h->name, h->resv_huge_pages, want,
				 resv_spool[i], resv_files[i], u->resv_private[i], resv_pages[i]);
	}
}

/*
 * Every live mm: its VMAs, its page tables against its counters, and
 * what all of them map against the pages' mapcounts, refcounts and the
 * node counters.  Linear in mapped pages, table pages and page-cache
 * pages (512 per THP seen).
 */
static void chk_user(struct chk *c)
{
	struct proc_ctx *pc = c->m->procs;
	struct chk_user u = { 0 };

	if (!pc) {
		xmap_init(&u.htlb_idx);
		if (c->m->hugetlb)
			chk_hugetlb_pages(c, &u);	/* the pools alone */
		return;
	}
	u.huge_zero = pc->thp.init ? pc->thp.huge_zero_pfn : PFN_NONE;
	if (u.huge_zero != PFN_NONE && chk_is_free(c, u.huge_zero)) {
		chk_fail(c, "the huge zero page %#lx is free", u.huge_zero);
		return;
	}
	xmap_init(&u.mapped_idx);
	xmap_init(&u.folio_idx);
	xmap_init(&u.tables);
	xmap_init(&u.htlb_idx);
	for (unsigned int i = 0; i < pc->nr_tasks && c->ok; i++)
		if (pc->tasks[i]->mm)
			chk_user_mm(c, &u, pc->tasks[i]->pid, pc->tasks[i]->mm);
	/* tables waiting for an RCU grace period are still PageTable and counted */
	u.pagetable += (long)rcu_deferred_tables(c->m);
	if (c->ok)
		chk_pt_share_counts(c, &u);
	if (c->ok)
		chk_user_pages(c, &u);
	if (c->ok && c->m->hugetlb)
		chk_hugetlb_pages(c, &u);
	xmap_destroy(&u.mapped_idx);
	xmap_destroy(&u.folio_idx);
	xmap_destroy(&u.tables);
	xmap_destroy(&u.htlb_idx);
	host_free(u.htlb);
	host_free(u.mapped);
	host_free(u.folios);
	host_free(u.tabs);
}

void mm_set_inuse_iter(struct machine *m, mm_inuse_iter_fn fn, void *priv)
{
	m->inuse_iter = fn;
	m->inuse_priv = priv;
}

/*
 * Sections added after boot (sparse.c): every sub-section the map says is
 * present has its struct pages mapped, in frames that are not free; a
 * section that is not online has no page in the buddy; a driver's
 * sub-sections are present ones.
 */
static void chk_sparse(struct chk *c)
{
	struct machine *m = c->m;

	for (unsigned long s = 0; s < m->nr_sections && c->ok; s++) {
		const struct mem_section *ms = &m->sections[s];
		unsigned long base = s << PFN_SECTION_SHIFT;

		if ((ms->zone_device_map & ms->subsection_map) != ms->zone_device_map) {
			chk_fail(c, "section %lu: driver sub-sections %#llx are not all present (%#llx)",
				 s, (unsigned long long)ms->zone_device_map,
				 (unsigned long long)ms->subsection_map);
			return;
		}
		if (!ms->present || ms->early)
			continue;
		if (!ms->has_memmap || !ms->subsection_map) {
			chk_fail(c, "hot-added section %lu is present without a memmap", s);
			return;
		}
		for (unsigned int i = 0; i < 64; i++) {
			unsigned long pfn = base + i * PAGES_PER_SUBSECTION;
			unsigned long ends[2] = { pfn, pfn + PAGES_PER_SUBSECTION - 1 };

			if (!(ms->subsection_map >> i & 1))
				continue;
			for (int k = 0; k < 2; k++) {
				uint64_t va = page_va(m, ends[k]);
				unsigned long frame;
				bool w;

				if (!vmemmap_peek(m, va, &frame, &w, NULL) ||
				    !vmemmap_peek(m, va + m->sps - 1, &frame, &w, NULL)) {
					chk_fail(c, "hot-added section %lu: the struct page of pfn %#lx "
						 "is not mapped", s, ends[k]);
					return;
				}
				if (chk_is_free(c, frame)) {
					chk_fail(c, "hot-added section %lu: the struct page of pfn %#lx "
						 "lives in frame %#lx, which is free", s, ends[k], frame);
					return;
				}
			}
			if (ms->online)
				continue;
			for (unsigned long p = pfn; p < pfn + PAGES_PER_SUBSECTION; p++)
				if (chk_is_free(c, p)) {
					chk_fail(c, "pfn %#lx of hot-added section %lu, not online, is "
						 "free in the buddy allocator", p, s);
					return;
				}
		}
	}
}

bool mm_check_invariants(struct machine *m, char *err, size_t errlen)
{
	struct chk c = { .m = m, .err = err, .errlen = errlen, .ok = true };
	struct zone *z;

	/* the pfns zones span: free pages are there and nowhere else */
	c.base = 0;
	c.nbits = 0;
	for_each_zone_of(m, z)
		if (z->spanned_pages && zone_end_pfn(z) > c.nbits)
			c.nbits = zone_end_pfn(z);
	c.bits = host_calloc((c.nbits + 63) / 64 + 1, sizeof(uint64_t), "checking invariants");
	for_each_zone_of(m, z)
		if (c.ok && z->pcp)
			chk_zone(&c, z);
	if (c.ok && m->inuse_iter)
		m->inuse_iter(m->inuse_priv, chk_inuse, &c);
	if (c.ok)
		chk_user(&c);
	if (c.ok && !memory_hotplug_check(m, err, errlen))
		c.ok = false;
	if (c.ok)
		chk_sparse(&c);
	if (c.ok && m->fail.failed)
		chk_fail(&c, "simulated kernel failure: %s", m->fail.msg);
	host_free(c.bits);
	return c.ok;
}
