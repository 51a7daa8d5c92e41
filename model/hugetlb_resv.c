// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_resv.c - the reserve maps of hugetlb mappings (mm/hugetlb.c,
 * Linux 6.1: struct resv_map, struct file_region and the region_*
 * functions).  The kernel keeps them in hugetlb.c; they are here on their
 * own so that their arithmetic can be tested on its own (see hugetlb.h
 * for what a region means in a shared and in a private map).
 *
 * The lists follow the kernel's: regions sorted by index and disjoint,
 * adjacent regions coalesced when one is added, a cache of spare entries
 * that region_chg fills so that the region_add promised to follow never
 * needs to allocate (adds_in_progress counts such promises), one spare
 * entry given to every new map.  The spinlock is the kernel's resv->lock,
 * a scheduling point under the explorer.  Entries are host memory: the
 * kernel's kmalloc failures (-ENOMEM from region_chg, region_add,
 * region_del) cannot happen here.  Cgroup uncharge info is not modelled.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "hugetlb.h"
#include "cpu.h"
#include "host.h"
#include "machine.h"

/* ---- list_head, on file_region ----------------------------------------- */

static void rg_list_init(struct file_region *head)
{
	head->prev = head->next = head;
}

/* Insert rg after pos */
static void rg_list_add(struct file_region *rg, struct file_region *pos)
{
	rg->prev = pos;
	rg->next = pos->next;
	pos->next->prev = rg;
	pos->next = rg;
}

static void rg_list_del(struct file_region *rg)
{
	rg->prev->next = rg->next;
	rg->next->prev = rg->prev;
	rg->prev = rg->next = NULL;
}

static struct file_region *file_region_alloc(void)
{
	return host_calloc(1, sizeof(struct file_region), "a hugetlb file_region");
}

/* ---- the map ------------------------------------------------------------ */

struct resv_map *resv_map_alloc(struct machine *m)
{
	struct resv_map *resv = host_calloc(1, sizeof(*resv), "a hugetlb resv_map");

	(void)m;
	resv->refs = 1;
	spin_lock_init(&resv->lock);
	rg_list_init(&resv->regions);
	init_rwsem(&resv->rw_sema);
	resv->adds_in_progress = 0;
	rg_list_init(&resv->region_cache);
	/* every map starts with one spare entry: a one-page add never allocates */
	rg_list_add(file_region_alloc(), &resv->region_cache);
	resv->region_cache_count = 1;
	return resv;
}

static void resv_map_release(struct machine *m, struct resv_map *resv)
{
	region_del(m, resv, 0, LONG_MAX);
	while (resv->region_cache.next != &resv->region_cache) {
		struct file_region *rg = resv->region_cache.next;

		rg_list_del(rg);
		host_free(rg);
	}
	MM_BUG_ON(m, resv->adds_in_progress,
		  "BUG: resv_map released with %ld adds in progress", resv->adds_in_progress);
	host_free(resv);
}

void resv_map_free_host(struct resv_map *resv)
{
	struct file_region *heads[] = { &resv->regions, &resv->region_cache };

	for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
		while (heads[i]->next != heads[i]) {
			struct file_region *rg = heads[i]->next;

			rg_list_del(rg);
			host_free(rg);
		}
	}
	host_free(resv);
}

void resv_map_put(struct machine *m, struct resv_map *resv)
{
	if (MM_BUG_ON(m, resv->refs <= 0, "BUG: resv_map put with refcount %d", resv->refs))
		return;
	if (--resv->refs == 0)
		resv_map_release(m, resv);
}

/* get_file_region_entry_from_cache */
static struct file_region *get_file_region_entry_from_cache(struct machine *m,
							    struct resv_map *resv, long from,
							    long to)
{
	struct file_region *nrg;

	if (MM_BUG_ON(m, resv->region_cache_count <= 0 ||
			 resv->region_cache.next == &resv->region_cache,
		      "BUG: hugetlb resv_map region cache empty (count %ld) on add [%ld, %ld)",
		      resv->region_cache_count, from, to)) {
		nrg = file_region_alloc();	/* carry on; the run has failed */
	} else {
		resv->region_cache_count--;
		nrg = resv->region_cache.next;
		rg_list_del(nrg);
	}
	nrg->from = from;
	nrg->to = to;
	return nrg;
}

/* coalesce_file_region: merge rg with the neighbours it touches */
static void coalesce_file_region(struct resv_map *resv, struct file_region *rg)
{
	struct file_region *prg = rg->prev, *nrg;

	if (prg != &resv->regions && prg->to == rg->from) {
		prg->to = rg->to;
		rg_list_del(rg);
		host_free(rg);
		rg = prg;
	}
	nrg = rg->next;
	if (nrg != &resv->regions && nrg->from == rg->to) {
		nrg->from = rg->from;
		rg_list_del(rg);
		host_free(rg);
	}
}

/* hugetlb_resv_map_add: add [from, to) after pos, or only count the entry it needs */
static long hugetlb_resv_map_add(struct machine *m, struct resv_map *resv,
				 struct file_region *pos, long from, long to,
				 long *regions_needed)
{
	if (!regions_needed) {
		struct file_region *nrg = get_file_region_entry_from_cache(m, resv, from, to);

		rg_list_add(nrg, pos);
		coalesce_file_region(resv, nrg);
	} else {
		*regions_needed += 1;
	}
	return to - from;
}

/*
 * add_reservation_in_range: the pages of [f, t) no region covers.  With
 * regions_needed, count them and the entries adding them would take;
 * without, add them.  Called with resv->lock held.
 */
static long add_reservation_in_range(struct machine *m, struct resv_map *resv, long f, long t,
				     long *regions_needed)
{
	struct file_region *head = &resv->regions, *iter, *next, *pos = NULL;
	long add = 0, last_accounted_offset = f;

	if (regions_needed)
		*regions_needed = 0;
	for (iter = head->next; iter != head; iter = next) {
		next = iter->next;	/* iter may be coalesced away */
		if (iter->from < f) {
			/* starts before the range: only its end counts */
			if (iter->to > last_accounted_offset)
				last_accounted_offset = iter->to;
			continue;
		}
		if (iter->from >= t) {
			pos = iter->prev;
			break;
		}
		if (iter->from > last_accounted_offset)
			add += hugetlb_resv_map_add(m, resv, iter->prev, last_accounted_offset,
						    iter->from, regions_needed);
		last_accounted_offset = iter->to;
	}
	if (!pos)
		pos = head->prev;
	if (last_accounted_offset < t)
		add += hugetlb_resv_map_add(m, resv, pos, last_accounted_offset, t, regions_needed);
	return add;
}

/*
 * allocate_file_region_entries: fill the cache up to adds_in_progress +
 * regions_needed, dropping resv->lock to allocate as the kernel does.
 */
static int allocate_file_region_entries(struct machine *m, struct resv_map *resv,
					long regions_needed)
{
	while (resv->region_cache_count < resv->adds_in_progress + regions_needed) {
		long to_allocate = resv->adds_in_progress + regions_needed -
				   resv->region_cache_count;
		struct file_region allocated;

		MM_BUG_ON(m, resv->region_cache_count < resv->adds_in_progress,
			  "BUG: hugetlb region cache %ld below %ld adds in progress",
			  resv->region_cache_count, resv->adds_in_progress);
		spin_unlock(m, &resv->lock);
		rg_list_init(&allocated);
		for (long i = 0; i < to_allocate; i++)
			rg_list_add(file_region_alloc(), &allocated);
		spin_lock(m, &resv->lock);
		/* list_splice_init onto the cache */
		while (allocated.next != &allocated) {
			struct file_region *rg = allocated.next;

			rg_list_del(rg);
			rg_list_add(rg, &resv->region_cache);
		}
		resv->region_cache_count += to_allocate;
	}
	return 0;
}

long region_add(struct machine *m, struct resv_map *resv, long f, long t, long in_regions_needed)
{
	long add, actual_regions_needed = 0;

	spin_lock(m, &resv->lock);
retry:
	add_reservation_in_range(m, resv, f, t, &actual_regions_needed);
	/*
	 * The map may have changed since region_chg: more entries than were
	 * promised may be needed; get them for this add on top of the
	 * adds in progress.
	 */
	if (actual_regions_needed > in_regions_needed &&
	    resv->region_cache_count <
	    resv->adds_in_progress + (actual_regions_needed - in_regions_needed)) {
		MM_BUG_ON(m, t - f <= 1, "BUG: a one-page region_add [%ld, %ld) needs to allocate",
			  f, t);
		allocate_file_region_entries(m, resv, actual_regions_needed - in_regions_needed);
		goto retry;
	}
	add = add_reservation_in_range(m, resv, f, t, NULL);
	resv->adds_in_progress -= in_regions_needed;
	spin_unlock(m, &resv->lock);
	return add;
}

long region_chg(struct machine *m, struct resv_map *resv, long f, long t,
		long *out_regions_needed)
{
	long chg;

	spin_lock(m, &resv->lock);
	chg = add_reservation_in_range(m, resv, f, t, out_regions_needed);
	if (*out_regions_needed == 0)
		*out_regions_needed = 1;
	allocate_file_region_entries(m, resv, *out_regions_needed);
	resv->adds_in_progress += *out_regions_needed;
	spin_unlock(m, &resv->lock);
	return chg;
}

void region_abort(struct machine *m, struct resv_map *resv, long f, long t, long regions_needed)
{
	(void)f, (void)t;	/* kept to read like the region_chg it undoes */
	spin_lock(m, &resv->lock);
	MM_BUG_ON(m, !resv->region_cache_count,
		  "BUG: region_abort with an empty region cache");
	resv->adds_in_progress -= regions_needed;
	spin_unlock(m, &resv->lock);
}

long region_del(struct machine *m, struct resv_map *resv, long f, long t)
{
	struct file_region *head = &resv->regions, *rg, *trg, *nrg = NULL;
	long del = 0;

retry:
	spin_lock(m, &resv->lock);
	for (rg = head->next; rg != head; rg = trg) {
		trg = rg->next;
		/* a placeholder (from == to) at f goes too */
		if (rg->to <= f && (rg->to != rg->from || rg->to != f))
			continue;
		if (rg->from >= t)
			break;
		if (f > rg->from && t < rg->to) {	/* a hole inside: split */
			if (!nrg && resv->region_cache_count > resv->adds_in_progress) {
				nrg = resv->region_cache.next;
				rg_list_del(nrg);
				resv->region_cache_count--;
			}
			if (!nrg) {
				/* allocate without the lock, then look again */
				spin_unlock(m, &resv->lock);
				nrg = file_region_alloc();
				goto retry;
			}
			del += t - f;
			nrg->from = t;
			nrg->to = rg->to;
			rg->to = f;
			rg_list_add(nrg, rg);
			nrg = NULL;
			break;
		}
		if (f <= rg->from && t >= rg->to) {	/* all of it */
			del += rg->to - rg->from;
			rg_list_del(rg);
			host_free(rg);
			continue;
		}
		if (f <= rg->from) {			/* its beginning */
			del += t - rg->from;
			rg->from = t;
		} else {				/* its end */
			del += rg->to - f;
			rg->to = f;
		}
	}
	spin_unlock(m, &resv->lock);
	host_free(nrg);		/* allocated for a split the retry did not need */
	return del;
}

long region_count(struct machine *m, struct resv_map *resv, long f, long t)
{
	struct file_region *rg;
	long chg = 0;

	spin_lock(m, &resv->lock);
	resv_for_each_region(resv, rg) {
		long seg_from, seg_to;

		if (rg->to <= f)
			continue;
		if (rg->from >= t)
			break;
		seg_from = rg->from > f ? rg->from : f;
		seg_to = rg->to < t ? rg->to : t;
		chg += seg_to - seg_from;
	}
	spin_unlock(m, &resv->lock);
	return chg;
}

void resv_map_format(const struct resv_map *resv, char *buf, size_t len)
{
	const struct file_region *rg;
	size_t n = 0;

	if (len)
		buf[0] = 0;
	for (rg = resv->regions.next; rg != &resv->regions && n < len; rg = rg->next) {
		int w = snprintf(buf + n, len - n, "%s[%ld, %ld)", n ? " " : "", rg->from, rg->to);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* ---- a VMA's reservations (vm_private_data) -------------------------------- */

static unsigned long get_vma_private_data(const struct vm_area_struct *vma)
{
	return (unsigned long)(uintptr_t)vma->vm_private_data;
}

static void set_vma_private_data(struct vm_area_struct *vma, unsigned long value)
{
	vma->vm_private_data = (void *)(uintptr_t)value;
}

/* vma_resv_map: the inode's map for a shared VMA, the private one's own */
struct resv_map *vma_resv_map(const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYSHARE)
		return vma->vm_file->resv_map;
	return (struct resv_map *)(uintptr_t)(get_vma_private_data(vma) & ~HPAGE_RESV_MASK);
}

static void set_vma_resv_map(struct vm_area_struct *vma, struct resv_map *map)
{
	set_vma_private_data(vma, (unsigned long)(uintptr_t)map);
}

void set_vma_resv_flags(struct vm_area_struct *vma, unsigned long flags)
{
	set_vma_private_data(vma, get_vma_private_data(vma) | flags);
}

bool is_vma_resv_set(const struct vm_area_struct *vma, unsigned long flag)
{
	return get_vma_private_data(vma) & flag;
}

/* __vma_private_lock: a private VMA that owns a reserve map locks with its rw_sema */
static bool __vma_private_lock(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & VM_MAYSHARE) && (get_vma_private_data(vma) & ~HPAGE_RESV_MASK) &&
	       is_vma_resv_set(vma, HPAGE_RESV_OWNER);
}

static bool __vma_shareable_lock(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_MAYSHARE | VM_SHARED)) && vma->vm_private_data;
}

/*
 * vma_has_reserves: may the allocation for this VMA use a reservation?
 * chg is what vma_needs_reservation (and the subpool) said: 0 when a
 * reservation exists for the page.
 */
bool vma_has_reserves(const struct vm_area_struct *vma, long chg)
{
	if (vma->vm_flags & VM_NORESERVE) {
		/*
		 * A shared page reserved by another mapping of the file: the
		 * page will be in the cache and counted as reserved, so it
		 * must consume the reservation.
		 */
		return (vma->vm_flags & VM_MAYSHARE) && chg == 0;
	}
	if (vma->vm_flags & VM_MAYSHARE)
		return chg == 0;	/* chg != 0: a hole was punched: no reserve left */
	/* private: only the owner has reservations, unless consumed */
	if (is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return chg == 0;
	return false;
}

enum vma_resv_mode { VMA_NEEDS_RESV, VMA_COMMIT_RESV, VMA_END_RESV, VMA_ADD_RESV, VMA_DEL_RESV };

/*
 * __vma_reservation_common: the reserve map operation behind each
 * vma_*_reservation, for the one huge page at addr.  A VMA without a map
 * (NORESERVE, a child's private copy) "needs" one, always.  For a private
 * map the answer is turned around: there an entry means consumed, so no
 * entry (region_chg 1) means the reservation is still there (0).
 */
static long __vma_reservation_common(struct machine *m, struct hstate *h,
				     struct vm_area_struct *vma, unsigned long addr,
				     enum vma_resv_mode mode)
{
	struct resv_map *resv = vma_resv_map(vma);
	unsigned long idx;
	long ret, dummy_out_regions_needed;

	if (!resv)
		return 1;
	idx = vma_hugecache_offset(h, vma, addr);
	switch (mode) {
	case VMA_NEEDS_RESV:
		ret = region_chg(m, resv, (long)idx, (long)idx + 1, &dummy_out_regions_needed);
		MM_BUG_ON(m, dummy_out_regions_needed != 1,
			  "BUG: a one-page region_chg wants %ld entries", dummy_out_regions_needed);
		break;
	case VMA_COMMIT_RESV:
		ret = region_add(m, resv, (long)idx, (long)idx + 1, 1);
		break;
	case VMA_END_RESV:
		region_abort(m, resv, (long)idx, (long)idx + 1, 1);
		ret = 0;
		break;
	case VMA_ADD_RESV:
		if (vma->vm_flags & VM_MAYSHARE) {
			ret = region_add(m, resv, (long)idx, (long)idx + 1, 1);
		} else {
			region_abort(m, resv, (long)idx, (long)idx + 1, 1);
			ret = region_del(m, resv, (long)idx, (long)idx + 1);
		}
		break;
	case VMA_DEL_RESV:
	default:
		if (vma->vm_flags & VM_MAYSHARE) {
			region_abort(m, resv, (long)idx, (long)idx + 1, 1);
			ret = region_del(m, resv, (long)idx, (long)idx + 1);
		} else {
			ret = region_add(m, resv, (long)idx, (long)idx + 1, 1);
		}
		break;
	}
	if ((vma->vm_flags & VM_MAYSHARE) || mode == VMA_DEL_RESV)
		return ret;
	if (ret > 0)
		return 0;
	if (ret == 0)
		return 1;
	return ret;
}

long vma_needs_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			   unsigned long addr)
{
	return __vma_reservation_common(m, h, vma, addr, VMA_NEEDS_RESV);
}

long vma_commit_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			    unsigned long addr)
{
	return __vma_reservation_common(m, h, vma, addr, VMA_COMMIT_RESV);
}

void vma_end_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			 unsigned long addr)
{
	(void)__vma_reservation_common(m, h, vma, addr, VMA_END_RESV);
}

static long vma_add_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
				unsigned long addr)
{
	return __vma_reservation_common(m, h, vma, addr, VMA_ADD_RESV);
}

static long vma_del_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
				unsigned long addr)
{
	return __vma_reservation_common(m, h, vma, addr, VMA_DEL_RESV);
}

/*
 * restore_reserve_on_error: a page from alloc_huge_page is given up before
 * it was mapped.  If it consumed a reservation (HPageRestoreReserve),
 * free_huge_page will give the global count back, so the map must say the
 * reservation is there again; if it did not, undo what alloc_huge_page's
 * commit added to the map.
 */
void restore_reserve_on_error(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			      unsigned long address, unsigned long head)
{
	long rc = vma_needs_reservation(m, h, vma, address);

	if (HPageRestoreReserve(m, head)) {
		if (unlikely(rc < 0))
			ClearHPageRestoreReserve(m, head);
		else if (rc)
			(void)vma_add_reservation(m, h, vma, address);
		else
			vma_end_reservation(m, h, vma, address);
	} else {
		if (!rc) {
			rc = vma_del_reservation(m, h, vma, address);
			if (rc < 0)
				SetHPageRestoreReserve(m, head);
		} else if (rc < 0) {
			if (!(vma->vm_flags & VM_MAYSHARE))
				SetHPageRestoreReserve(m, head);
		} else {
			vma_end_reservation(m, h, vma, address);
		}
	}
}

/* ---- the hugetlb VMA lock --------------------------------------------------- */

void hugetlb_vma_lock_read(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		down_read(m, &((struct hugetlb_vma_lock *)vma->vm_private_data)->rw_sema);
	else if (__vma_private_lock(vma))
		down_read(m, &vma_resv_map(vma)->rw_sema);
}

void hugetlb_vma_unlock_read(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		up_read(m, &((struct hugetlb_vma_lock *)vma->vm_private_data)->rw_sema);
	else if (__vma_private_lock(vma))
		up_read(m, &vma_resv_map(vma)->rw_sema);
}

void hugetlb_vma_lock_write(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		down_write(m, &((struct hugetlb_vma_lock *)vma->vm_private_data)->rw_sema);
	else if (__vma_private_lock(vma))
		down_write(m, &vma_resv_map(vma)->rw_sema);
}

void hugetlb_vma_unlock_write(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		up_write(m, &((struct hugetlb_vma_lock *)vma->vm_private_data)->rw_sema);
	else if (__vma_private_lock(vma))
		up_write(m, &vma_resv_map(vma)->rw_sema);
}

bool hugetlb_vma_trylock_write(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		return down_write_trylock(m,
			&((struct hugetlb_vma_lock *)vma->vm_private_data)->rw_sema);
	if (__vma_private_lock(vma))
		return down_write_trylock(m, &vma_resv_map(vma)->rw_sema);
	return true;
}

void hugetlb_vma_lock_release(struct hugetlb_vma_lock *vma_lock)
{
	if (--vma_lock->refs == 0)
		host_free(vma_lock);
}

/* Detach the lock from its VMA, unlock it and drop the VMA's reference */
static void __hugetlb_vma_unlock_write_put(struct machine *m, struct hugetlb_vma_lock *vma_lock)
{
	struct vm_area_struct *vma = vma_lock->vma;

	vma_lock->vma = NULL;
	vma->vm_private_data = NULL;
	up_write(m, &vma_lock->rw_sema);
	hugetlb_vma_lock_release(vma_lock);
}

void __hugetlb_vma_unlock_write_free(struct machine *m, struct vm_area_struct *vma)
{
	if (__vma_shareable_lock(vma))
		__hugetlb_vma_unlock_write_put(m, vma->vm_private_data);
	else if (__vma_private_lock(vma))
		up_write(m, &vma_resv_map(vma)->rw_sema);	/* a private map's is not freed */
}

void hugetlb_vma_lock_free(struct machine *m, struct vm_area_struct *vma)
{
	struct hugetlb_vma_lock *vma_lock;

	if (!vma || !__vma_shareable_lock(vma))
		return;
	vma_lock = vma->vm_private_data;
	down_write(m, &vma_lock->rw_sema);
	__hugetlb_vma_unlock_write_put(m, vma_lock);
}

void hugetlb_vma_lock_alloc(struct vm_area_struct *vma)
{
	struct hugetlb_vma_lock *vma_lock;

	if (!vma || !(vma->vm_flags & VM_MAYSHARE) || vma->vm_private_data)
		return;
	vma_lock = host_calloc(1, sizeof(*vma_lock), "a hugetlb VMA lock");
	vma_lock->refs = 1;
	init_rwsem(&vma_lock->rw_sema);
	vma_lock->vma = vma;
	vma->vm_private_data = vma_lock;
}

/* ---- reserving for a mapping ----------------------------------------------- */

bool hugetlb_reserve_pages(struct machine *m, struct inode *inode, long from, long to,
			   struct vm_area_struct *vma, unsigned long vm_flags)
{
	struct hstate *h = hstate_inode(inode);
	struct hugepage_subpool *spool = subpool_inode(inode);
	struct resv_map *resv_map;
	long chg, add = -1, gbl_reserve, regions_needed = 0;
	SCHED_WHERE(m);

	if (from > to) {
		mm_fail(m, "WARNING: hugetlb_reserve_pages called with a negative range");
		return false;
	}
	/* the VMA lock, for PMD sharing and against truncation */
	hugetlb_vma_lock_alloc(vma);
	/* MAP_NORESERVE: faults will try without reservations */
	if (vm_flags & VM_NORESERVE)
		return true;
	if (!vma || (vma->vm_flags & VM_MAYSHARE)) {
		/* shared: what the file has no reservation or page for yet */
		resv_map = inode->resv_map;
		chg = region_chg(m, resv_map, from, to, &regions_needed);
	} else {
		/* private: the whole range, even read-only (mprotect may make it writable) */
		resv_map = resv_map_alloc(m);
		chg = to - from;
		set_vma_resv_map(vma, resv_map);
		set_vma_resv_flags(vma, HPAGE_RESV_OWNER);
	}
	if (chg < 0)
		goto out_err;
	/* hugetlb_cgroup_charge_cgroup_rsvd: cgroups are not modelled */
	gbl_reserve = hugepage_subpool_get_pages(m, spool, chg);
	if (gbl_reserve < 0)
		goto out_err;
	if (hugetlb_acct_memory(m, h, gbl_reserve) < 0)
		goto out_put_pages;
	if (!vma || (vma->vm_flags & VM_MAYSHARE)) {
		add = region_add(m, resv_map, from, to, regions_needed);
		if (unlikely(add < 0)) {
			hugetlb_acct_memory(m, h, -gbl_reserve);
			goto out_put_pages;
		} else if (unlikely(chg > add)) {
			/* a fault added pages meanwhile: those need no reservation */
			long rsv_adjust = hugepage_subpool_put_pages(m, spool, chg - add);

			hugetlb_acct_memory(m, h, -rsv_adjust);
		}
	}
	return true;

out_put_pages:
	(void)hugepage_subpool_put_pages(m, spool, chg);
out_err:
	hugetlb_vma_lock_free(m, vma);
	if (!vma || (vma->vm_flags & VM_MAYSHARE)) {
		if (chg >= 0 && add < 0)
			region_abort(m, resv_map, from, to, regions_needed);
	}
	if (vma && is_vma_resv_set(vma, HPAGE_RESV_OWNER)) {
		resv_map_put(m, resv_map);
		set_vma_resv_map(vma, NULL);
	}
	return false;
}

long hugetlb_unreserve_pages(struct machine *m, struct inode *inode, long start, long end,
			     long freed)
{
	struct hstate *h = hstate_inode(inode);
	struct resv_map *resv_map = inode->resv_map;
	struct hugepage_subpool *spool = subpool_inode(inode);
	long chg = 0, gbl_reserve;

	if (resv_map) {
		chg = region_del(m, resv_map, start, end);
		if (chg < 0)
			return chg;
	}
	/* inode->i_blocks is not modelled */
	gbl_reserve = hugepage_subpool_put_pages(m, spool, chg - freed);
	hugetlb_acct_memory(m, h, -gbl_reserve);
	return 0;
}

void hugetlb_fix_reserve_counts(struct machine *m, struct inode *inode)
{
	struct hugepage_subpool *spool = subpool_inode(inode);
	long rsv_adjust = hugepage_subpool_get_pages(m, spool, 1);
	bool reserved = false;

	if (rsv_adjust > 0) {
		if (!hugetlb_acct_memory(m, hstate_inode(inode), 1))
			reserved = true;
	} else if (!rsv_adjust) {
		reserved = true;
	}
	if (!reserved)
		mm_fail(m, "hugetlb: Huge Page Reserved count may go negative.");
}

/* ---- hugetlb_vm_ops ----------------------------------------------------------- */

/*
 * hugetlb_vm_op_open: a new VMA copied from another (split, fork after
 * hugetlb_dup_vma_private).  A private owner's copy shares the reserve map;
 * a shared copy gets a VMA lock of its own.
 */
void hugetlb_vm_op_open(struct machine *m, struct vm_area_struct *vma)
{
	struct resv_map *resv = vma_resv_map(vma);

	if (resv && is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		resv_map_get(resv);
	if (vma->vm_flags & VM_MAYSHARE) {
		struct hugetlb_vma_lock *vma_lock = vma->vm_private_data;

		if (vma_lock) {
			if (vma_lock->vma != vma) {
				vma->vm_private_data = NULL;
				hugetlb_vma_lock_alloc(vma);
			} else {
				mm_fail(m, "HugeTLB: vma_lock already exists in hugetlb_vm_op_open.");
			}
		} else {
			hugetlb_vma_lock_alloc(vma);
		}
	}
}

/*
 * hugetlb_vm_op_close: a VMA goes.  A private owner gives back the
 * reservations of its range that no fault consumed, through the subpool
 * and the global count, and drops its reference to the map.
 */
void hugetlb_vm_op_close(struct machine *m, struct vm_area_struct *vma)
{
	struct hstate *h = hstate_vma(vma);
	struct hugepage_subpool *spool = subpool_vma(vma);
	struct resv_map *resv;
	unsigned long reserve, start, end;
	long gbl_reserve;

	hugetlb_vma_lock_free(m, vma);
	resv = vma_resv_map(vma);
	if (!resv || !is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return;
	start = vma_hugecache_offset(h, vma, vma->vm_start);
	end = vma_hugecache_offset(h, vma, vma->vm_end);
	reserve = (end - start) - (unsigned long)region_count(m, resv, (long)start, (long)end);
	if (reserve) {
		gbl_reserve = hugepage_subpool_put_pages(m, spool, (long)reserve);
		hugetlb_acct_memory(m, h, -gbl_reserve);
	}
	resv_map_put(m, resv);
}

/* hugetlb_vm_op_split (may_split): only at a huge page boundary */
int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr)
{
	if (addr & ~huge_page_mask(hstate_vma(vma)))
		return -EINVAL;
	return 0;
}

void hugetlb_dup_vma_private(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYSHARE) {
		struct hugetlb_vma_lock *vma_lock = vma->vm_private_data;

		if (vma_lock && vma_lock->vma != vma)
			vma->vm_private_data = NULL;
	} else {
		vma->vm_private_data = NULL;
	}
}

void clear_vma_resv_huge_pages(struct machine *m, struct vm_area_struct *vma)
{
	struct resv_map *reservations = vma_resv_map(vma);

	if (reservations && is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		resv_map_put(m, reservations);
	hugetlb_dup_vma_private(vma);
}

void hugetlb_vma_destroy_host(struct machine *m, struct vm_area_struct *vma)
{
	if (!is_vm_hugetlb_page(vma) || !vma->vm_private_data)
		return;
	if (vma->vm_flags & VM_MAYSHARE) {
		struct hugetlb_vma_lock *vma_lock = vma->vm_private_data;

		if (vma_lock->vma == vma) {
			vma_lock->vma = NULL;
			hugetlb_vma_lock_release(vma_lock);
		}
	} else if (is_vma_resv_set(vma, HPAGE_RESV_OWNER) && vma_resv_map(vma)) {
		struct resv_map *resv = vma_resv_map(vma);

		/* host memory only: the machine goes with its counters */
		if (--resv->refs == 0)
			resv_map_free_host(resv);
	}
	vma->vm_private_data = NULL;
}
