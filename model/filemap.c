// SPDX-License-Identifier: GPL-2.0-only
/*
 * filemap.c - tmpfs files and their page cache (mm/shmem.c, mm/filemap.c,
 * mm/truncate.c, fs/open.c, 6.1).
 *
 * A tmpfs page is swap-backed (PG_swapbacked), sits on the anon LRU,
 * counts in NR_FILE_PAGES and NR_SHMEM (meminfo's Cached and Shmem), and
 * when mapped in NR_FILE_MAPPED and the mm's MM_SHMEMPAGES.  The page
 * cache holds one reference per page.  A fault beyond EOF is SIGBUS.
 * Truncation unmaps the pages past the new size from every mapping
 * (unmap_mapping_range) and then drops them from the cache.
 *
 * Simplified: files are order-0 pages only here; a directory tree is not
 * modelled (a file lives directly in its mount's directory); there are
 * no permissions, no block accounting beyond size=, no read(2)/write(2)
 * (data gets into a file through a shared mapping).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "cpu.h"
#include "gfp.h"
#include "host.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "machine.h"
#include "mman.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "rmap.h"
#include "task.h"

static struct shmem_sb *find_mount(struct machine *m, const char *path, const char **name)
{
	struct proc_ctx *pc = proc_ctx(m);
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	for (unsigned int i = 0; i < pc->nr_mounts; i++) {
		size_t n = strlen(pc->mounts[i]->dir);

		if ((size_t)(slash - path) == n && !memcmp(path, pc->mounts[i]->dir, n)) {
			*name = slash + 1;
			return pc->mounts[i];
		}
	}
	return NULL;
}

static bool parse_huge(const char *v, size_t n, int *huge)
{
	static const struct { const char *name; int val; } tab[] = {
		{ "never", SHMEM_HUGE_NEVER }, { "always", SHMEM_HUGE_ALWAYS },
		{ "within_size", SHMEM_HUGE_WITHIN_SIZE }, { "advise", SHMEM_HUGE_ADVISE },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strlen(tab[i].name) == n && !memcmp(tab[i].name, v, n)) {
			*huge = tab[i].val;
			return true;
		}
	}
	return false;
}

bool shmem_is_mount_dir(struct machine *m, const char *dir, size_t len)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_mounts; i++)
		if (strlen(pc->mounts[i]->dir) == len && !memcmp(pc->mounts[i]->dir, dir, len))
			return true;
	return false;
}

int shmem_mount(struct machine *m, const char *dir, const char *opts, char *err, size_t errlen)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct shmem_sb sb = { .huge = SHMEM_HUGE_NEVER, .next_ino = 2 };
	size_t dl = strlen(dir);

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dir[0] != '/') {
		snprintf(err, errlen, "mount point '%s' is not an absolute path", dir);
		return -EINVAL;
	}
	if (shmem_is_mount_dir(m, dir, dl)) {
		snprintf(err, errlen, "%.*s is already a tmpfs mount", (int)dl, dir);
		return -EBUSY;
	}
	if (hugetlbfs_is_mount_dir(m, dir, dl)) {
		snprintf(err, errlen, "%.*s is already a hugetlbfs mount", (int)dl, dir);
		return -EBUSY;
	}
	for (const char *o = opts; o && *o;) {
		const char *e = strchr(o, ','), *eq;
		size_t n = e ? (size_t)(e - o) : strlen(o);

		eq = memchr(o, '=', n);
		if (eq && eq - o == 4 && !memcmp(o, "huge", 4)) {
			if (!parse_huge(eq + 1, n - 5, &sb.huge)) {
				snprintf(err, errlen, "tmpfs: bad value '%.*s' for huge= "
					 "(never, always, within_size, advise)", (int)(n - 5), eq + 1);
				return -EINVAL;
			}
		} else if (eq && eq - o == 4 && !memcmp(o, "size", 4)) {
			char buf[32], *end;
			unsigned long long v;

			if (n - 5 >= sizeof(buf) || n == 5)
				goto bad;
			memcpy(buf, eq + 1, n - 5);
			buf[n - 5] = 0;
			v = strtoull(buf, &end, 0);
			switch (*end) {	/* memparse */
			case 'k': case 'K': v <<= 10; end++; break;
			case 'm': case 'M': v <<= 20; end++; break;
			case 'g': case 'G': v <<= 30; end++; break;
			case 't': case 'T': v <<= 40; end++; break;
			}
			if (*end)
				goto bad;
			sb.max_blocks = (v + PAGE_SIZE - 1) >> PAGE_SHIFT;
		} else if (!(n == 0 || (n == 8 && !memcmp(o, "defaults", 8)))) {
			goto bad;
		}
		o = e ? e + 1 : NULL;
		continue;
bad:
		snprintf(err, errlen, "tmpfs: unknown or bad option '%.*s' (huge=, size=)", (int)n, o);
		return -EINVAL;
	}
	pc->mounts = host_reallocarray(pc->mounts, pc->nr_mounts + 1, sizeof(*pc->mounts),
				       "the mount table");
	sb.dev_minor = TMPFS_FIRST_MINOR + pc->nr_mounts + pc->nr_hugetlbfs_mounts;
	pc->mounts[pc->nr_mounts] = host_malloc(sizeof(sb), "a tmpfs mount");
	*pc->mounts[pc->nr_mounts] = sb;
	pc->mounts[pc->nr_mounts]->dir = host_malloc(dl + 1, "a tmpfs mount");
	memcpy(pc->mounts[pc->nr_mounts]->dir, dir, dl);
	pc->mounts[pc->nr_mounts]->dir[dl] = 0;
	pc->nr_mounts++;
	return 0;
}

/*
 * shmem_reserve_inode's inode number.  A mounted tmpfs counts from 1 in
 * its superblock, and its root directory took 1.  The internal shm_mnt
 * (sb == NULL) hands out numbers in per-CPU batches of SHMEM_INO_BATCH
 * taken from its superblock's counter; at boot its root directory took
 * the first number of the boot CPU's batch, 1 (0 is skipped).
 */
#define SHMEM_INO_BATCH	1024

static unsigned long shmem_next_ino(struct machine *m, struct shmem_sb *sb)
{
	struct proc_ctx *pc = proc_ctx(m);
	unsigned long *batch = &pc->shm_ino_batch[m->cur_cpu];
	unsigned long ino;

	if (sb)
		return sb->next_ino++;
	if (!pc->next_ino) {		/* shmem_init: the root directory, on CPU 0 */
		pc->next_ino = SHMEM_INO_BATCH;
		pc->shm_ino_batch[0] = 2;
	}
	ino = *batch;
	if (ino % SHMEM_INO_BATCH == 0) {
		ino = pc->next_ino;
		pc->next_ino += SHMEM_INO_BATCH;
		if (!ino)
			ino++;
	}
	*batch = ino + 1;
	return ino;
}

struct inode *inode_alloc(struct machine *m, const char *path)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct inode *inode = host_calloc(1, sizeof(*inode), "an inode");

	inode->id = ++pc->next_inode_id;
	inode->path = host_strdup(path, "a file name");
	inode->refcount = 1;
	xmap_init(&inode->i_pages);
	init_rwsem(&inode->i_mmap_rwsem);
	xmap_set(&pc->inodes_by_id, inode->id, (uint64_t)(uintptr_t)inode);
	if (pc->nr_inodes == pc->cap_inodes) {
		pc->cap_inodes = pc->cap_inodes ? pc->cap_inodes * 2 : 8;
		pc->inodes = host_reallocarray(pc->inodes, pc->cap_inodes, sizeof(*pc->inodes),
					       "the inode table");
	}
	pc->inodes[pc->nr_inodes++] = inode;
	return inode;
}

static struct inode *inode_new(struct machine *m, struct shmem_sb *sb, const char *path)
{
	struct inode *inode = inode_alloc(m, path);

	inode->i_ino = shmem_next_ino(m, sb);
	inode->shmem = true;
	inode->sb = sb;
	inode->huge = sb ? sb->huge : SHMEM_HUGE_NEVER;
	return inode;
}

struct inode *inode_next(struct machine *m, size_t *i)
{
	struct proc_ctx *pc = proc_ctx(m);

	return *i < pc->nr_inodes ? pc->inodes[(*i)++] : NULL;
}

static struct inode *lookup_path(struct machine *m, const char *path)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_inodes; i++)
		if (!pc->inodes[i]->unlinked && !strcmp(pc->inodes[i]->path, path))
			return pc->inodes[i];
	return NULL;
}

struct inode *inode_lookup(struct machine *m, const char *path)
{
	return lookup_path(m, path);
}

/* ---- the page cache ---------------------------------------------------- */

/* shmem_add_to_page_cache: a folio of nr pages at index (aligned to nr) */
static void page_cache_add(struct machine *m, struct inode *inode, unsigned long index,
			   unsigned long pfn, unsigned long nr)
{
	struct pglist_data *pg = &m->node[page_to_nid(m, pfn)];

	for (unsigned long i = 0; i < nr; i++)
		xmap_set(&inode->i_pages, index + i, pfn + i);
	inode->nrpages += nr;
	page_ref_add_return(m, pfn, (int)nr - 1);	/* the cache holds nr references */
	set_page_mapping(m, pfn, mapping_addr(inode));
	set_page_index(m, pfn, index);
	pg->vm_stat[NR_FILE_PAGES] += (long)nr;
	pg->vm_stat[NR_SHMEM] += (long)nr;
	if (nr == HPAGE_PMD_NR) {
		pg->vm_stat[NR_SHMEM_THPS] += (long)nr;
		count_vm_event(m, THP_FILE_ALLOC);
	}
	lru_cache_add(m, pfn, (long)nr);
	if (inode->sb)
		inode->sb->used_blocks += nr;
}

/* __filemap_remove_folio for the folio holding index, and the cache's references */
static void page_cache_delete(struct machine *m, struct inode *inode, unsigned long index)
{
	uint64_t pfn;
	unsigned long head, nr, first;
	struct pglist_data *pg;

	if (!xmap_get(&inode->i_pages, index, &pfn))
		return;
	head = page_head(m, pfn);
	lock_page(m, head);		/* find_lock_entries: faults map it only locked */
	nr = PageHead(m, head) ? 1UL << compound_order(m, head) : 1;
	first = page_index(m, head);
	pg = &m->node[page_to_nid(m, head)];
	for (unsigned long i = 0; i < nr; i++) {
		xmap_del(&inode->i_pages, first + i);
		if (page_mapcount(m, head + i) > 0)
			mm_fail(m, "BUG: page %#lx removed from the page cache while still mapped",
				head + i);
	}
	inode->nrpages -= nr;
	set_page_mapping(m, head, 0);
	pg->vm_stat[NR_FILE_PAGES] -= (long)nr;
	pg->vm_stat[NR_SHMEM] -= (long)nr;
	if (nr == HPAGE_PMD_NR)
		pg->vm_stat[NR_SHMEM_THPS] -= (long)nr;
	ClearPageDirty(m, head);
	if (inode->sb)
		inode->sb->used_blocks -= nr;
	unlock_page(m, head);
	page_ref_add_return(m, head, -((int)nr - 1));
	put_page(m, head);
}

unsigned long page_cache_lookup(struct machine *m, struct inode *inode, unsigned long index)
{
	uint64_t pfn;

	(void)m;
	return xmap_get(&inode->i_pages, index, &pfn) ? (unsigned long)pfn : PFN_NONE;
}

bool __shmem_is_huge(struct machine *m, const struct vm_area_struct *vma, struct inode *inode,
		     unsigned long index, bool shmem_huge_force)
{
	struct thp_settings *t = thp_settings(m);
	int huge = inode->sb ? inode->sb->huge : t->shm_mnt_huge;

	if (vma && ((vma->vm_flags & VM_NOHUGEPAGE) ||
		    (vma->vm_mm->flags & (1UL << MMF_DISABLE_THP))))
		return false;
	if (t->shmem_enabled == SHMEM_HUGE_DENY)
		return false;
	if (shmem_huge_force || t->shmem_enabled == SHMEM_HUGE_FORCE)
		return true;
	switch (huge) {
	case SHMEM_HUGE_ALWAYS:
		return true;
	case SHMEM_HUGE_WITHIN_SIZE: {
		unsigned long idx_end = (index + HPAGE_PMD_NR) & ~(HPAGE_PMD_NR - 1);

		if (((inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT) >= idx_end)
			return true;
	}
		/* fall through */
	case SHMEM_HUGE_ADVISE:
		return vma && (vma->vm_flags & VM_HUGEPAGE);
	default:
		return false;
	}
}

bool shmem_is_huge(struct machine *m, const struct vm_area_struct *vma, struct inode *inode,
		   unsigned long index)
{
	return __shmem_is_huge(m, vma, inode, index, false);
}

/* An order-9 folio for the aligned 2 MiB around index, or PFN_NONE */
static unsigned long shmem_alloc_huge(struct machine *m, struct vm_area_struct *vma,
				      struct inode *inode, unsigned long index)
{
	unsigned long hindex = index & ~(HPAGE_PMD_NR - 1), head;

	if (inode->sb && inode->sb->max_blocks &&
	    inode->sb->used_blocks + HPAGE_PMD_NR > inode->sb->max_blocks)
		return PFN_NONE;			/* ENOSPC: small pages, no event */
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		if (xmap_get(&inode->i_pages, hindex + i, NULL))
			return PFN_NONE;		/* something is in the way: no event */
	head = vma_alloc_hugepage(m, vma_thp_gfp_mask(m, vma));
	if (head == PFN_NONE) {
		count_vm_event(m, THP_FILE_FALLBACK);
		return PFN_NONE;
	}
	SetPageUptodate(m, head);
	SetPageSwapBacked(m, head);
	page_cache_add(m, inode, hindex, head, HPAGE_PMD_NR);
	return head + (index - hindex);
}

/*
 * shmem_get_folio_gfp(SGP_CACHE) for one page: the page at pgoff of
 * inode, found in the cache or added to it (a THP when the VMA, or the
 * file without one, may have them), returned with a reference.  0,
 * -EINVAL beyond EOF, -ENOSPC past size=, -ENOMEM.
 */
static int shmem_get_page(struct machine *m, struct vm_area_struct *vma, struct inode *inode,
			  unsigned long pgoff, unsigned long *pfn_out)
{
	uint64_t pfn;

	if (pgoff >= (inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return -EINVAL;
	if (!xmap_get(&inode->i_pages, pgoff, &pfn)) {
		/* a new zeroed page in the cache */
		if (inode->sb && inode->sb->max_blocks &&
		    inode->sb->used_blocks >= inode->sb->max_blocks)
			return -ENOSPC;
		pfn = PFN_NONE;
		if (shmem_is_huge(m, vma, inode, pgoff))
			pfn = shmem_alloc_huge(m, vma, inode, pgoff);
		if (pfn == PFN_NONE) {
			pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, m->cpu_node[m->cur_cpu]);
			if (pfn == PFN_NONE)
				return -ENOMEM;
			SetPageUptodate(m, pfn);
			SetPageSwapBacked(m, pfn);
			page_cache_add(m, inode, pgoff, pfn, 1);
		}
	}
	get_page(m, pfn);
	*pfn_out = pfn;
	return 0;
}

vm_fault_t filemap_fault(struct machine *m, struct vm_area_struct *vma, unsigned long pgoff,
			 unsigned long *pfn_out)
{
	int err = shmem_get_page(m, vma, vma->vm_file, pgoff, pfn_out);

	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	return err ? VM_FAULT_SIGBUS : 0;
}

int shmem_read_mapping_page(struct machine *m, struct inode *inode, unsigned long index,
			    unsigned long *pfn)
{
	return shmem_get_page(m, NULL, inode, index, pfn);
}

void rmap_walk_file(struct machine *m, unsigned long pfn, rmap_one_fn fn, void *arg)
{
	unsigned long head = page_head(m, pfn);
	uint64_t mapping = page_mapping(m, head);
	unsigned long index = page_index(m, head) + (pfn - head);
	/* the head of a folio stands for all of it: [index, index + nr) */
	unsigned long nr = pfn == head && PageHead(m, head) ? 1UL << compound_order(m, head) : 1;
	struct inode *inode = NULL;
	uint64_t v;

	if (mapping >= MAPPING_ADDR_BASE &&
	    xmap_get(&proc_ctx(m)->inodes_by_id, (mapping - MAPPING_ADDR_BASE) / RMAP_OBJ_STRIDE, &v))
		inode = (struct inode *)(uintptr_t)v;
	if (!inode)
		return;
	down_read(m, &inode->i_mmap_rwsem);
	for (unsigned int i = 0; i < inode->nr_mmap; i++) {
		struct vm_area_struct *vma = inode->i_mmap[i];

		if (index + nr <= vma->vm_pgoff || index >= vma->vm_pgoff + vma_pages(vma))
			continue;
		/* vma_address: where the folio starts, or the VMA if it starts inside */
		if (!fn(m, vma, index < vma->vm_pgoff ? vma->vm_start : vma_address_of(vma, index),
			arg))
			break;
	}
	up_read(m, &inode->i_mmap_rwsem);
}

/* unmap_mapping_range + truncate_inode_pages_range for pages >= first */
static void truncate_pagecache(struct machine *m, struct inode *inode, unsigned long first)
{
	uint64_t key, val;
	unsigned long *idx;
	size_t n = 0;

	down_read(m, &inode->i_mmap_rwsem);
	for (unsigned int i = 0; i < inode->nr_mmap; i++) {
		struct vm_area_struct *vma = inode->i_mmap[i];
		unsigned long end_pg = vma->vm_pgoff + vma_pages(vma);

		if (end_pg <= first)
			continue;
		/* even_cows: private copies past EOF go too */
		zap_vma_range(m, vma, first > vma->vm_pgoff ? vma_address_of(vma, first) :
				      vma->vm_start, vma->vm_end);
	}
	up_read(m, &inode->i_mmap_rwsem);
	idx = host_malloc((inode->i_pages.nr + 1) * sizeof(*idx), "truncating a file");
	for (size_t i = 0; xmap_next(&inode->i_pages, &i, &key, &val);)
		if (key >= first)
			idx[n++] = key;
	for (size_t i = 0; i < n; i++) {
		uint64_t pfn;
		unsigned long head;

		if (!xmap_get(&inode->i_pages, idx[i], &pfn))
			continue;		/* went with its folio */
		head = page_head(m, pfn);
		if (PageHead(m, head) && page_index(m, head) < first) {
			/* a THP straddling the new end: split it, keep its front */
			get_page(m, head);
			split_huge_page(m, head);
			put_page(m, head);
			if (PageHead(m, head))
				continue;	/* could not split: the folio stays whole */
		}
		page_cache_delete(m, inode, idx[i]);
	}
	host_free(idx);
}

static void inode_free(struct machine *m, struct inode *inode)
{
	struct proc_ctx *pc = proc_ctx(m);

	if (is_file_hugepages(inode))		/* evict_inode */
		hugetlbfs_evict_inode(m, inode);
	else
		truncate_pagecache(m, inode, 0);
	xmap_destroy(&inode->i_pages);
	xmap_del(&pc->inodes_by_id, inode->id);
	for (unsigned int i = 0; i < pc->nr_inodes; i++) {
		if (pc->inodes[i] == inode) {
			memmove(&pc->inodes[i], &pc->inodes[i + 1],
				(pc->nr_inodes - i - 1) * sizeof(*pc->inodes));
			pc->nr_inodes--;
			break;
		}
	}
	host_free(inode->i_mmap);
	host_free(inode->path);
	host_free(inode);
}

void iput(struct machine *m, struct inode *inode)
{
	if (--inode->refcount == 0)
		inode_free(m, inode);
}

struct inode *shmem_zero_setup(struct machine *m, uint64_t size)
{
	struct inode *inode = inode_new(m, NULL, "/dev/zero");

	inode->i_size = size;
	inode->unlinked = true;		/* shows as "/dev/zero (deleted)" */
	return inode;
}

/*
 * shmem_get_unmapped_area's wish: a PMD-aligned address (offset by the
 * file offset) when the mapping could hold THPs.
 */
void shmem_align(struct machine *m, struct inode *file, uint64_t len, unsigned long pgoff,
		 uint64_t *align, uint64_t *align_off)
{
	struct thp_settings *t = thp_settings(m);
	int huge = file && file->sb ? file->sb->huge : t->shm_mnt_huge;
	uint64_t off = (uint64_t)pgoff << PAGE_SHIFT;

	*align = 0;
	*align_off = 0;
	if (t->shmem_enabled == SHMEM_HUGE_DENY || len < HPAGE_PMD_SIZE)
		return;
	if (huge == SHMEM_HUGE_NEVER && t->shmem_enabled != SHMEM_HUGE_FORCE)
		return;
	if (off && off + len < 2 * HPAGE_PMD_SIZE)
		return;
	*align = HPAGE_PMD_SIZE;
	*align_off = off & (HPAGE_PMD_SIZE - 1);
}

/* ---- system calls -------------------------------------------------------- */

static int fd_alloc(struct task *t)
{
	for (int fd = 3; fd < TASK_MAX_FDS; fd++)	/* 0-2 are the standard streams */
		if (!t->fd[fd])
			return fd;
	return -EMFILE;
}

long do_sys_open(struct machine *m, struct task *t, const char *path, long flags)
{
	struct shmem_sb *sb;
	const char *name;
	struct inode *inode;
	struct file *f;
	int fd = fd_alloc(t);

	if (fd < 0)
		return fd;
	sb = find_mount(m, path, &name);
	inode = lookup_path(m, path);
	if (!inode) {
		struct hugetlbfs_sb_info *hsb = sb ? NULL : hugetlbfs_find_mount(m, path, &name);
		long err = 0;

		if ((!sb && !hsb) || !*name)
			return -ENOENT;
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (hsb) {
			inode = hugetlbfs_create(m, hsb, path, &err);
			if (!inode)
				return err;
		} else {
			inode = inode_new(m, sb, path);
		}
	} else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		return -EEXIST;
	}
	inode->refcount++;	/* the open file's; the directory entry holds the first */
	/* do_open: O_TRUNC truncates whatever the access mode (root may write) */
	if ((flags & O_TRUNC) && inode->i_size) {
		if (is_file_hugepages(inode)) {
			hugetlbfs_setattr_size(m, inode, 0);
		} else {
			truncate_pagecache(m, inode, 0);
			inode->i_size = 0;
		}
	}
	f = host_calloc(1, sizeof(*f), "an open file");
	f->inode = inode;
	f->f_flags = (int)(flags & O_ACCMODE);
	f->f_id = ++proc_ctx(m)->next_file_id;
	t->fd[fd] = f;
	return fd;
}

long ksys_close(struct machine *m, struct task *t, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= TASK_MAX_FDS || !t->fd[fd])
		return -EBADF;
	f = t->fd[fd];
	t->fd[fd] = NULL;
	iput(m, f->inode);
	host_free(f);
	return 0;
}

static long inode_truncate(struct machine *m, struct inode *inode, uint64_t length)
{
	uint64_t old = inode->i_size;

	if (is_file_hugepages(inode))		/* hugetlbfs_setattr */
		return hugetlbfs_setattr_size(m, inode, length);
	inode->i_size = length;
	if (length < old)
		truncate_pagecache(m, inode, (length + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return 0;
}

long do_ftruncate(struct machine *m, struct task *t, int fd, uint64_t length)
{
	struct file *f;

	/* do_sys_ftruncate: the length before the descriptor */
	if ((int64_t)length < 0)
		return -EINVAL;
	if (fd < 0 || fd >= TASK_MAX_FDS || !t->fd[fd])
		return -EBADF;
	f = t->fd[fd];
	if ((f->f_flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;		/* not open for writing */
	return inode_truncate(m, f->inode, length);
}

long do_truncate_path(struct machine *m, const char *path, uint64_t length)
{
	struct inode *inode = lookup_path(m, path);
	struct shmem_sb *sb;
	const char *name;

	if ((int64_t)length < 0)
		return -EINVAL;		/* a negative off_t to ftruncate */
	if (!inode) {
		struct hugetlbfs_sb_info *hsb;
		long err = 0;

		sb = find_mount(m, path, &name);
		hsb = sb ? NULL : hugetlbfs_find_mount(m, path, &name);
		if ((!sb && !hsb) || !*name)
			return -ENOENT;
		if (hsb) {
			inode = hugetlbfs_create(m, hsb, path, &err);
			if (!inode)
				return err;
		} else {
			inode = inode_new(m, sb, path);
		}
	}
	return inode_truncate(m, inode, length);
}

long do_unlink(struct machine *m, const char *path)
{
	struct inode *inode = lookup_path(m, path);

	if (!inode)
		return -ENOENT;
	inode->unlinked = true;
	iput(m, inode);		/* the directory entry's reference */
	return 0;
}

long ksys_fallocate(struct machine *m, struct task *t, int fd, int mode, int64_t offset,
		    int64_t len)
{
	struct file *f;
	struct inode *inode;

	if (fd < 0 || fd >= TASK_MAX_FDS || !t->fd[fd])
		return -EBADF;
	f = t->fd[fd];
	inode = f->inode;
	/* vfs_fallocate's checks, in its order */
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) ==
	    (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	    (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	if ((f->f_flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;				/* not FMODE_WRITE */
	if ((uint64_t)offset + (uint64_t)len > INT64_MAX)
		return -EFBIG;				/* s_maxbytes, or wrapped */
	if (!is_file_hugepages(inode))
		return -ENOSYS;		/* shmem_fallocate: not modelled (the runner refuses it) */
	return hugetlbfs_fallocate(m, inode, mode, (uint64_t)offset, (uint64_t)len);
}

void filemap_destroy(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_mounts; i++) {
		host_free(pc->mounts[i]->dir);
		host_free(pc->mounts[i]);
	}
	host_free(pc->mounts);
	pc->mounts = NULL;
	pc->nr_mounts = 0;
}
