// SPDX-License-Identifier: GPL-2.0-only
/*
 * rmap.c - reverse mapping of user pages (mm/rmap.c, 6.1).
 *
 * A small page's _mapcount starts at -1 and counts its mappings from 0;
 * the node counters NR_ANON_MAPPED and NR_FILE_MAPPED count pages mapped
 * at least once, so they move only when a page gains its first mapping or
 * loses its last.  A copy made at fork raises the mapcount without
 * touching the counters (__page_dup_rmap) and clears PageAnonExclusive,
 * which is what makes the next write to either copy break COW.
 *
 * anon_vma_prepare shares a neighbour's anon_vma when the two VMAs
 * differ only in protection (find_mergeable_anon_vma), which keeps them
 * mergeable when mprotect makes their flags equal again.
 *
 * Simplified here: anon_vma_clone never reuses an idle anon_vma of the
 * parent chain; that only changes how many anon_vmas exist, not which
 * pages are mapped where or which VMAs merge.
 */
#include <errno.h>

#include "rmap.h"
#include "cpu.h"
#include "host.h"
#include "machine.h"
#include "mmap.h"
#include "mmzone.h"
#include "page.h"
#include "task.h"
#include "vm_event_item.h"

static struct xmap *anon_vma_index(struct machine *m);

struct anon_vma *anon_vma_of_mapping(struct machine *m, uint64_t mapping)
{
	uint64_t v;

	if (!(mapping & PAGE_MAPPING_ANON) || mapping < ANON_VMA_ADDR_BASE)
		return NULL;
	mapping &= ~PAGE_MAPPING_FLAGS;
	if (!xmap_get(anon_vma_index(m), (mapping - ANON_VMA_ADDR_BASE) / RMAP_OBJ_STRIDE, &v))
		return NULL;
	return (struct anon_vma *)(uintptr_t)v;
}

static struct anon_vma *anon_vma_alloc(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct anon_vma *av = host_calloc(1, sizeof(*av), "an anon_vma");

	av->id = ++pc->next_anon_vma_id;
	av->root = av;
	init_rwsem(&av->rwsem);
	xmap_set(anon_vma_index(m), av->id, (uint64_t)(uintptr_t)av);
	return av;
}

static void put_anon_vma(struct machine *m, struct anon_vma *av)
{
	while (av && --av->refcount == 0) {
		struct anon_vma *parent = av->parent;

		xmap_del(anon_vma_index(m), av->id);
		host_free(av->vmas);
		host_free(av);
		av = parent;
	}
}

static void avc_link(struct vm_area_struct *vma, struct anon_vma *av)
{
	if (av->nr_vmas == av->cap_vmas) {
		av->cap_vmas = av->cap_vmas ? av->cap_vmas * 2 : 4;
		av->vmas = host_reallocarray(av->vmas, av->cap_vmas, sizeof(*av->vmas),
					     "an anon_vma chain");
	}
	av->vmas[av->nr_vmas++] = vma;
	av->refcount++;
	if (vma->nr_avc == vma->cap_avc) {
		vma->cap_avc = vma->cap_avc ? vma->cap_avc * 2 : 4;
		vma->avc = host_reallocarray(vma->avc, vma->cap_avc, sizeof(*vma->avc),
					     "an anon_vma chain");
	}
	vma->avc[vma->nr_avc++] = av;
}

/* An anon_vma nothing was ever linked to */
static void anon_vma_free_unused(struct machine *m, struct anon_vma *av)
{
	xmap_del(anon_vma_index(m), av->id);
	host_free(av->vmas);
	host_free(av);
}

/* a and b (a first) could be one VMA but for their access bits */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       a->vm_file_id == b->vm_file_id &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/*
 * old's anon_vma, if a and b may share it and old got it by itself (not
 * by fork).  Another fault may be setting old->anon_vma meanwhile (the
 * kernel's READ_ONCE), so the read is a scheduling point.
 */
static struct anon_vma *reusable_anon_vma(struct machine *m, const struct vm_area_struct *old,
					  const struct vm_area_struct *a,
					  const struct vm_area_struct *b)
{
	if (!anon_vma_compatible(a, b))
		return NULL;
	sched_point(m, SCHED_READ, (uint64_t)(uintptr_t)&old->anon_vma, sizeof(old->anon_vma));
	if (old->anon_vma && old->nr_avc == 1)
		return old->anon_vma;
	return NULL;
}

/*
 * find_mergeable_anon_vma: the anon_vma of the next VMA, else of the
 * previous one, when it could have merged with vma but for protection.
 * Sharing it keeps the two mergeable should their flags meet again.
 */
static struct anon_vma *find_mergeable_anon_vma(struct machine *m, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int i = find_vma_index(mm, vma->vm_start);
	struct anon_vma *av = NULL;

	if (i >= mm->nr_vmas || mm->vmas[i] != vma)
		return NULL;
	if (i + 1 < mm->nr_vmas)
		av = reusable_anon_vma(m, mm->vmas[i + 1], vma, mm->vmas[i + 1]);
	if (!av && i > 0)
		av = reusable_anon_vma(m, mm->vmas[i - 1], mm->vmas[i - 1], vma);
	return av;
}

/*
 * Faults of two threads of one mm may both find the VMA without an
 * anon_vma (they hold the mmap lock for read): each allocates one, and the
 * VMA takes the first to get the page_table_lock; the other is freed.
 * vma->anon_vma is read without a lock, so its read and write are
 * scheduling points (at its host address, as locks are).
 */
/* anon_vma_prepare (rmap.h) found none: find or make one */
int __anon_vma_prepare(struct machine *m, struct vm_area_struct *vma)
{
	uint64_t field = (uint64_t)(uintptr_t)&vma->anon_vma;
	struct anon_vma *av, *allocated = NULL;

	av = find_mergeable_anon_vma(m, vma);
	if (!av)
		av = allocated = anon_vma_alloc(m);
	down_write(m, &av->root->rwsem);
	spin_lock(m, &vma->vm_mm->page_table_lock);
	sched_point(m, SCHED_READ, field, sizeof(vma->anon_vma));
	if (!vma->anon_vma) {
		avc_link(vma, av);
		sched_point(m, SCHED_WRITE, field, sizeof(vma->anon_vma));
		vma->anon_vma = av;
		allocated = NULL;
	}
	spin_unlock(m, &vma->vm_mm->page_table_lock);
	up_write(m, &av->root->rwsem);
	if (allocated)		/* someone else prepared it first */
		anon_vma_free_unused(m, allocated);
	return 0;
}

/*
 * The chains of one family of anon_vmas all hang off one root, whose
 * rwsem the rmap walk takes for read: changing a chain takes it for
 * write (lock_anon_vma_root), so a walk never sees an array being moved.
 */
void anon_vma_clone(struct machine *m, struct vm_area_struct *dst,
		    struct vm_area_struct *src)
{
	struct anon_vma *root = src->nr_avc ? src->avc[0]->root : NULL;

	if (!root)
		return;
	down_write(m, &root->rwsem);
	/* the chain is copied oldest first, as the kernel walks it in reverse */
	for (unsigned int i = 0; i < src->nr_avc; i++)
		avc_link(dst, src->avc[i]);
	up_write(m, &root->rwsem);
}

int anon_vma_fork(struct machine *m, struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma *av;

	vma->anon_vma = NULL;
	vma->avc = NULL;
	vma->nr_avc = vma->cap_avc = 0;
	if (!pvma->anon_vma)
		return 0;
	anon_vma_clone(m, vma, pvma);
	av = anon_vma_alloc(m);
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	down_write(m, &av->root->rwsem);
	pvma->anon_vma->refcount++;	/* the child anon_vma pins its parent */
	avc_link(vma, av);
	up_write(m, &av->root->rwsem);
	vma->anon_vma = av;
	return 0;
}

void unlink_anon_vmas(struct machine *m, struct vm_area_struct *vma)
{
	struct anon_vma *root = vma->nr_avc ? vma->avc[0]->root : NULL;

	if (root) {
		down_write(m, &root->rwsem);
		for (unsigned int i = vma->nr_avc; i-- > 0;) {
			struct anon_vma *av = vma->avc[i];

			for (unsigned int j = 0; j < av->nr_vmas; j++) {
				if (av->vmas[j] == vma) {
					av->vmas[j] = av->vmas[--av->nr_vmas];
					break;
				}
			}
		}
		up_write(m, &root->rwsem);
	}
	/* the references go once the root's lock is dropped: the root may go too */
	for (unsigned int i = vma->nr_avc; i-- > 0;)
		put_anon_vma(m, vma->avc[i]);
	host_free(vma->avc);
	vma->avc = NULL;
	vma->nr_avc = vma->cap_avc = 0;
	vma->anon_vma = NULL;
}

/*
 * page_mapcount (6.1's __page_mapcount): a file THP's subpage _mapcount
 * already counts its PMD mappings; an anon THP's does not, so the PMD
 * mappings are added, less the one PageDoubleMap stands for.
 */
int page_mapcount(struct machine *m, unsigned long pfn)
{
	unsigned long head;
	int r = page_mapcount_raw(m, pfn) + 1;

	if (!PageCompound(m, pfn))
		return r;
	head = page_head(m, pfn);
	if (!PageAnon(m, head))
		return r;
	return r + compound_mapcount(m, head) - (PageDoubleMap(m, head) ? 1 : 0);
}

static void mod_node_state(struct machine *m, unsigned long pfn, int item, long delta)
{
	m->node[page_to_nid(m, pfn)].vm_stat[item] += delta;
}

/* atomic_inc_and_test(&page->_mapcount): true for the first mapping */
static bool mapcount_inc(struct machine *m, unsigned long pfn)
{
	int v;

	sched_point(m, SCHED_RMW, page_va(m, pfn) + PGOFF_MAPCOUNT, 4);
	v = page_mapcount_raw(m, pfn) + 1;
	pg_write32(m, pfn, PGOFF_MAPCOUNT, (uint32_t)v);
	return v == 0;
}

/* atomic_add_negative(-1, &page->_mapcount): true when the last mapping went */
static bool mapcount_dec(struct machine *m, unsigned long pfn)
{
	int v;

	sched_point(m, SCHED_RMW, page_va(m, pfn) + PGOFF_MAPCOUNT, 4);
	v = page_mapcount_raw(m, pfn) - 1;
	pg_write32(m, pfn, PGOFF_MAPCOUNT, (uint32_t)v);
	if (v < -1)
		mm_fail(m, "BUG: Bad page map: pfn:%#lx mapcount underflow", pfn);
	return v == -1;
}

static int compound_mapcount_add(struct machine *m, unsigned long head, int d)
{
	int v = (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + d;

	sched_point(m, SCHED_RMW, page_va(m, head + 1) + PGOFF_COMPOUND_MAPCOUNT, 4);
	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT, (uint32_t)v);
	return v;
}

void page_add_new_anon_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma,
			    uint64_t addr)
{
	struct page_handle p = page_handle(m, pfn);

	page_add_new_anon_rmap_ph(m, &p, vma, addr);
}

void page_add_new_anon_rmap_pmd(struct machine *m, unsigned long head, struct vm_area_struct *vma,
				uint64_t haddr)
{
	SetPageSwapBacked(m, head);
	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT, 0);
	pg_write32(m, head + 1, PGOFF_COMPOUND_PINCOUNT, 0);
	mod_node_state(m, head, NR_ANON_THPS, HPAGE_PMD_NR);
	mod_node_state(m, head, NR_ANON_MAPPED, HPAGE_PMD_NR);
	set_page_mapping(m, head, anon_vma_addr(vma->anon_vma) | PAGE_MAPPING_ANON);
	set_page_index(m, head, linear_page_index(vma, haddr));
	SetPageAnonExclusive(m, head);
}

void page_dup_rmap(struct machine *m, unsigned long pfn)
{
	mapcount_inc(m, pfn);
}

void page_dup_rmap_pmd(struct machine *m, unsigned long head)
{
	compound_mapcount_add(m, head, 1);
}

void page_add_file_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma)
{
	(void)vma;
	if (PageTail(m, pfn) || PageHead(m, pfn))	/* a subpage of a THP in the cache */
		set_page_flag(m, page_head(m, pfn) + 1, PG_workingset);	/* SetPageDoubleMap */
	if (mapcount_inc(m, pfn))
		mod_node_state(m, pfn, NR_FILE_MAPPED, 1);
}

void page_add_file_rmap_pmd(struct machine *m, unsigned long head)
{
	long nr = 0;

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		nr += mapcount_inc(m, head + i);
	if (compound_mapcount_add(m, head, 1) == 0) {
		if (nr == (long)HPAGE_PMD_NR && PageDoubleMap(m, head))
			clear_page_flag(m, head + 1, PG_workingset);
		mod_node_state(m, head, PageSwapBacked(m, head) ? NR_SHMEM_PMDMAPPED :
				       NR_FILE_PMDMAPPED, HPAGE_PMD_NR);
	}
	if (nr)
		mod_node_state(m, head, NR_FILE_MAPPED, nr);
}

void deferred_split_huge_page(struct machine *m, unsigned long head)
{
	/* queued once (page[2]'s deferred list in the kernel): the model
	 * keeps the queued flag in PG_private of the second tail */
	if (test_page_flag(m, head + 2, PG_private))
		return;
	set_page_flag(m, head + 2, PG_private);
	count_vm_event(m, THP_DEFERRED_SPLIT_PAGE);
}

void page_remove_rmap_pmd(struct machine *m, unsigned long head)
{
	long nr = 0;

	if (!PageAnon(m, head)) {
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
			nr += mapcount_dec(m, head + i);
		if (compound_mapcount_add(m, head, -1) < 0)
			mod_node_state(m, head, PageSwapBacked(m, head) ? NR_SHMEM_PMDMAPPED :
					       NR_FILE_PMDMAPPED, -HPAGE_PMD_NR);
		mod_node_state(m, head, NR_FILE_MAPPED, -nr);
		return;
	}
	if (compound_mapcount_add(m, head, -1) >= 0)
		return;
	mod_node_state(m, head, NR_ANON_THPS, -HPAGE_PMD_NR);
	if (PageDoubleMap(m, head)) {
		clear_page_flag(m, head + 1, PG_workingset);
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
			nr += mapcount_dec(m, head + i);
		if (nr && nr < (long)HPAGE_PMD_NR)
			deferred_split_huge_page(m, head);
	} else {
		nr = HPAGE_PMD_NR;
	}
	mod_node_state(m, head, NR_ANON_MAPPED, -nr);
}

void page_rmap_split_pmd_anon(struct machine *m, unsigned long head)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		mapcount_inc(m, head + i);
	/* another PMD still maps it: its PTE view needs the DoubleMap +1 */
	if (compound_mapcount(m, head) > 1 && !PageDoubleMap(m, head)) {
		set_page_flag(m, head + 1, PG_workingset);
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
			mapcount_inc(m, head + i);
	}
	if (compound_mapcount_add(m, head, -1) < 0) {
		mod_node_state(m, head, NR_ANON_THPS, -HPAGE_PMD_NR);
		if (PageDoubleMap(m, head)) {
			clear_page_flag(m, head + 1, PG_workingset);
			for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
				mapcount_dec(m, head + i);
		}
	}
}

void page_remove_rmap(struct machine *m, unsigned long pfn, struct vm_area_struct *vma)
{
	bool anon = PageAnon(m, pfn);

	(void)vma;
	if (!mapcount_dec(m, pfn))
		return;
	mod_node_state(m, pfn, anon ? NR_ANON_MAPPED : NR_FILE_MAPPED, -1);
	if (anon && PageCompound(m, pfn))
		deferred_split_huge_page(m, page_head(m, pfn));
}

void rmap_walk(struct machine *m, unsigned long pfn, rmap_one_fn fn, void *arg)
{
	uint64_t mapping = page_mapping(m, pfn);
	unsigned long index = page_index(m, pfn);

	if (mapping & PAGE_MAPPING_ANON) {
		struct anon_vma *av = anon_vma_of_mapping(m, mapping);

		if (!av)
			return;
		down_read(m, &av->root->rwsem);
		for (unsigned int i = 0; i < av->nr_vmas; i++) {
			struct vm_area_struct *vma = av->vmas[i];
			uint64_t addr = vma_address_of(vma, index);

			if (index < vma->vm_pgoff || addr >= vma->vm_end)
				continue;
			if (!fn(m, vma, addr, arg))
				break;
		}
		up_read(m, &av->root->rwsem);
		return;
	}
	rmap_walk_file(m, pfn, fn, arg);
}

static struct xmap *anon_vma_index(struct machine *m)
{
	return &proc_ctx(m)->anon_vmas;
}
