// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate.c - migration of anonymous user pages for compaction
 * (mm/migrate.c: migrate_folio_unmap, try_to_migrate, folio_migrate_flags,
 * remove_migration_ptes; mm/compaction.c's LRU isolation; Linux 6.1).
 *
 * A process's order-0 anonymous page on the LRU can be isolated when
 * nothing but its mappings holds it (6.1's "pinned" check: a reference
 * beyond the mapcount, a GUP pin for one, makes isolation fail), and then
 * moved to a free page the compaction free scanner isolated: every PTE that
 * maps it is pointed at the new page with the same bits (6.1 carries the
 * write, dirty and young bits through its migration entries), the mapcount,
 * the anon mapping and index, the content and the flags that
 * folio_migrate_flags copies go with it, the new page joins the LRU, and
 * the old one goes back to the allocator through the per-cpu lists, as
 * migrate_pages' final put_page does.
 *
 * Not modelled: file and shmem pages (isolation refuses them: they stay in
 * place like pinned memory), THPs (6.1's compaction skips compound pages
 * anyway), swap cache, KSM, mlocked and writeback pages.  Nothing runs
 * between the unmap and the remap here, so the migration entries
 * themselves are never seen and a page cannot be faulted while it moves.
 */
#include "migrate.h"
#include "machine.h"
#include "memory.h"
#include "mmzone.h"
#include "page.h"
#include "pgtable.h"
#include "rmap.h"
#include "vm_event_item.h"

static void mod_isolated_anon(struct machine *m, unsigned long pfn, long d)
{
	m->node[page_to_nid(m, pfn)].vm_stat[NR_ISOLATED_ANON] += d;
}

bool isolate_anon_lru_page(struct machine *m, unsigned long pfn)
{
	if (!PageLRU(m, pfn) || PageCompound(m, pfn) || !PageAnon(m, pfn))
		return false;
	/* get_page_unless_zero, then the check for a pin beyond the mappings */
	if (page_ref_count(m, pfn) <= 0 || page_ref_count(m, pfn) > page_mapcount(m, pfn))
		return false;
	get_page(m, pfn);
	lru_del(m, pfn, 1);
	mod_isolated_anon(m, pfn, 1);
	return true;
}

void putback_anon_lru_page(struct machine *m, unsigned long pfn)
{
	mod_isolated_anon(m, pfn, -1);
	lru_cache_add(m, pfn, 1);
	put_page(m, pfn);
}

struct remap {
	unsigned long src, dst;
	int moved;
};

/* try_to_migrate_one + remove_migration_pte for the PTE at addr in vma */
static bool remap_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct remap *r = arg;
	struct mm_struct *mm = vma->vm_mm;
	unsigned int idx = (unsigned int)(addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	unsigned long pmd_table, pte_table;
	unsigned int pmd_idx;
	spinlock_t *ptl;
	pteval_t pmd, pte;

	if (!pmd_slot(m, mm, addr, false, &pmd_table, &pmd_idx, NULL))
		return true;
	pmd = pt_read(m, pmd_table, pmd_idx);
	if (!pte_present(pmd) || pmd_leaf(pmd))
		return true;
	pte_table = pte_pfn(pmd);
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	pte = pt_read(m, pte_table, idx);
	if (upte_present(pte) && !(pte & _PAGE_SPECIAL) && pte_pfn(pte) == r->src) {
		pt_write(m, pte_table, idx, 0);		/* the migration entry */
		pt_write(m, pte_table, idx, pfn_pte(r->dst, pte & ~PTE_PFN_MASK));
		r->moved++;
	}
	spin_unlock(m, ptl);
	return true;
}

/* The flags folio_migrate_flags carries over, and the anon-exclusive bit */
#define MIGRATE_FLAGS	((1UL << PG_uptodate) | (1UL << PG_dirty) | (1UL << PG_referenced) | \
			 (1UL << PG_active) | (1UL << PG_workingset) | (1UL << PG_swapbacked) | \
			 (1UL << PG_anon_exclusive))

void migrate_anon_page(struct machine *m, unsigned long src, unsigned long dst)
{
	struct remap r = { .src = src, .dst = dst };
	int mapcount = page_mapcount_raw(m, src);
	uint64_t moved = page_flags(m, src) & MIGRATE_FLAGS;

	lock_page(m, src);
	/* the new page: its struct page takes over the old one's identity */
	set_page_flags(m, dst, (page_flags(m, dst) & ~MIGRATE_FLAGS) | moved);
	set_page_mapping(m, dst, page_mapping(m, src));
	set_page_index(m, dst, page_index(m, src));
	set_page_content(m, dst, page_content(m, src));
	pg_write32(m, dst, PGOFF_MAPCOUNT, (uint32_t)mapcount);
	rmap_walk(m, src, remap_one, &r);
	if (r.moved != mapcount + 1)
		mm_fail(m, "BUG: migrating anon page %#lx: %d mappings found, mapcount %d", src,
			r.moved, mapcount + 1);
	/* one reference per mapping, as remove_migration_pte takes them */
	set_page_count(m, dst, r.moved);
	lru_cache_add(m, dst, 1);
	/* the old page: unmapped, its isolation reference the last */
	page_mapcount_reset(m, src);
	set_page_flags(m, src, page_flags(m, src) & ~MIGRATE_FLAGS);
	set_page_count(m, src, 1);
	unlock_page(m, src);
	mod_isolated_anon(m, src, -1);
	put_page(m, src);
	count_vm_event(m, PGMIGRATE_SUCCESS);
}
