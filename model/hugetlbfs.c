// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlbfs.c - the hugetlbfs file system (fs/hugetlbfs/inode.c and
 * arch/x86/mm/hugetlbpage.c, Linux 6.1): mounts with their options and
 * subpools, files (create, truncate, unlink, fallocate, hole punching),
 * the internal mount of each page size that MAP_HUGETLB's files live on
 * (hugetlb_file_setup), and the file operations a hugetlb mapping goes
 * through (hugetlb_get_unmapped_area, hugetlbfs_file_mmap).
 *
 * Files live directly in their mount's directory, as tmpfs files do in
 * filemap.c, and share filemap.c's inode table (open, close, unlink and
 * the last iput go through it).  A file's page cache holds its huge pages
 * by huge page index, one reference each; its resv_map says which
 * indices are reserved or present.
 *
 * Device numbers: the scenario's mounts take the next of the minors
 * filemap.c hands tmpfs mounts (00:30 and up, in mount order, both kinds
 * counted together).  The kernel mounts one internal hugetlbfs per page
 * size at boot (init_hugetlbfs_fs, the default size first); their minors
 * depend on every pseudo file system mounted before that fs_initcall,
 * so the model's 00:0f (default size) and 00:10 (the other) are a guess
 * not yet checked against a Debian 6.1 boot.  Inode numbers come from
 * get_next_ino, the counter the kernel shares among pseudo file systems
 * (pipes, sockets, ...) with per-CPU batches of 1024; a real system has
 * used thousands by the time a program runs, the model starts at 0 when
 * the first hugetlbfs is mounted (the internal mounts' root directories
 * take the first two numbers).
 *
 * Not modelled: uid=, gid= and mode= beyond their parsing, seals
 * (memfd_create), read(2) and write(2), i_blocks (du), statfs (df), NUMA
 * policies for fallocate's pages, SHM_HUGETLB, unmounting.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugetlb.h"
#include "cpu.h"
#include "filemap.h"
#include "host.h"
#include "machine.h"
#include "mman.h"
#include "mmap.h"
#include "rmap.h"
#include "task.h"

#define HUGETLBFS_INTERNAL_MINOR	0x0f	/* see the top of the file */
#define LAST_INO_BATCH			1024
#define MAX_LFS_FILESIZE		((uint64_t)INT64_MAX)
#define LLONG_MAX_OFF			((uint64_t)INT64_MAX)	/* remove_inode_hugepages' "to the end" */

/* ---- inode numbers ----------------------------------------------------------- */

unsigned long get_next_ino(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);
	unsigned long *p = &pc->last_ino[m->cur_cpu];
	unsigned long res = *p;

	if ((res & (LAST_INO_BATCH - 1)) == 0) {	/* a new batch from the shared counter */
		pc->last_ino_shared += LAST_INO_BATCH;
		res = pc->last_ino_shared - LAST_INO_BATCH;
	}
	res = (res + 1) & 0xffffffffUL;			/* an unsigned int in the kernel */
	if (!res)
		res++;
	*p = res;
	return res;
}

/* ---- superblocks ---------------------------------------------------------------- */

static struct hugetlbfs_sb_info *sb_new(struct machine *m, struct hstate *h, const char *dir,
					unsigned int minor, long nr_inodes, unsigned int mode)
{
	struct hugetlbfs_sb_info *sb = host_calloc(1, sizeof(*sb), "a hugetlbfs mount");

	sb->dir = dir ? host_strdup(dir, "a hugetlbfs mount") : NULL;
	sb->hstate = h;
	sb->max_inodes = sb->free_inodes = nr_inodes;
	sb->mode = mode;
	sb->dev_minor = minor;
	get_next_ino(m);		/* hugetlbfs_get_root: the root directory's inode */
	return sb;
}

/*
 * init_hugetlbfs_fs: the internal mounts, default page size first, made
 * when the model first needs hugetlbfs (the kernel's fs_initcall, on CPU0)
 */
static void hugetlbfs_init(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct hstate *def = hugetlb_default_hstate(m);
	unsigned int minor = HUGETLBFS_INTERNAL_MINOR;
	int saved_cpu = m->cur_cpu;

	if (pc->hugetlbfs_vfsmount[hstate_index(m, def)])
		return;
	m->cur_cpu = 0;
	pc->hugetlbfs_vfsmount[hstate_index(m, def)] = sb_new(m, def, NULL, minor++, -1, 0755);
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (!pc->hugetlbfs_vfsmount[i])
			pc->hugetlbfs_vfsmount[i] = sb_new(m, hstate_sizelog(m, i ? 30 : 21), NULL,
							   minor++, -1, 0755);
	m->cur_cpu = saved_cpu;
}

void hugetlbfs_destroy(struct machine *m)
{
	struct proc_ctx *pc = m->procs;

	if (!pc)
		return;
	for (unsigned int i = 0; i < pc->nr_hugetlbfs_mounts; i++) {
		host_free(pc->hugetlbfs_mounts[i]->dir);
		host_free(pc->hugetlbfs_mounts[i]);
	}
	host_free(pc->hugetlbfs_mounts);
	pc->hugetlbfs_mounts = NULL;
	pc->nr_hugetlbfs_mounts = 0;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		host_free(pc->hugetlbfs_vfsmount[i]);
		pc->hugetlbfs_vfsmount[i] = NULL;
	}
}

bool hugetlbfs_is_mount_dir(struct machine *m, const char *dir, size_t len)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_hugetlbfs_mounts; i++) {
		const char *d = pc->hugetlbfs_mounts[i]->dir;

		if (strlen(d) == len && !memcmp(d, dir, len))
			return true;
	}
	return false;
}

struct hugetlbfs_sb_info *hugetlbfs_find_mount(struct machine *m, const char *path,
					       const char **name)
{
	struct proc_ctx *pc = proc_ctx(m);
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	for (unsigned int i = 0; i < pc->nr_hugetlbfs_mounts; i++) {
		const char *d = pc->hugetlbfs_mounts[i]->dir;

		if ((size_t)(slash - path) == strlen(d) && !memcmp(path, d, strlen(d))) {
			*name = slash + 1;
			return pc->hugetlbfs_mounts[i];
		}
	}
	return NULL;
}

/* ---- mount options ------------------------------------------------------------------ */

/* memparse: a number in any C base, then an optional K, M, G, T, P or E */
static unsigned long long memparse(const char *s, const char **rest)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'E': case 'e': v <<= 10; /* fall through */
	case 'P': case 'p': v <<= 10; /* fall through */
	case 'T': case 't': v <<= 10; /* fall through */
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	default: break;
	}
	*rest = end;
	return v;
}

/* fsparam_u32 / fsparam_u32oct: the whole value must be the number */
static bool parse_u32(const char *v, int base, unsigned int *out)
{
	char *end;
	unsigned long x;

	if (!*v || !isdigit((unsigned char)*v))
		return false;
	errno = 0;
	x = strtoul(v, &end, base);
	if (errno || *end || x > 0xffffffffUL)
		return false;
	*out = (unsigned int)x;
	return true;
}

static int opt_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errlen, fmt, a, b);
	return -EINVAL;
}

int hugetlbfs_parse_options(const char *opts, struct hugetlbfs_mount_opts *o, char *err,
			    size_t errlen, size_t *bad_off)
{
	*o = (struct hugetlbfs_mount_opts){ .nr_inodes = -1, .mode = 0755 };
	for (const char *p = opts; p && *p;) {
		const char *e = strchr(p, ','), *rest;
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char key[32], val[64];
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;

		*bad_off = (size_t)(p - opts);
		if (kl >= sizeof(key) || (eq && n - kl - 1 >= sizeof(val)))
			return opt_err(err, errlen, "hugetlbfs: option '%s%s' too long", "", "");
		memcpy(key, p, kl);
		key[kl] = 0;
		if (eq) {
			memcpy(val, eq + 1, n - kl - 1);
			val[n - kl - 1] = 0;
		}
		p = e ? e + 1 : NULL;
		if (!strcmp(key, "defaults") && !eq)	/* mount(8)'s, not the fs's */
			continue;
		if (!eq && (!strcmp(key, "size") || !strcmp(key, "min_size") ||
			    !strcmp(key, "nr_inodes") || !strcmp(key, "pagesize") ||
			    !strcmp(key, "mode") || !strcmp(key, "uid") || !strcmp(key, "gid")))
			return opt_err(err, errlen, "hugetlbfs: Bad value for '%s'%s", key, "");
		if (!strcmp(key, "size") || !strcmp(key, "min_size")) {
			bool max = key[0] == 's';
			unsigned long long v;

			/* memparse would take a K/M/G without a digit */
			if (!isdigit((unsigned char)val[0]))
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s'", val, key);
			v = memparse(val, &rest);
			if (*rest && strcmp(rest, "%"))
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s' (a size in bytes with K, M or G, or N%%)",
					       val, key);
			/* the kernel ignores what follows a '%'; only a bare % is taken here */
			if (max) {
				o->max_size_opt = v;
				o->max_val_type = *rest ? SIZE_PERCENT : SIZE_STD;
			} else {
				o->min_size_opt = v;
				o->min_val_type = *rest ? SIZE_PERCENT : SIZE_STD;
			}
		} else if (!strcmp(key, "nr_inodes")) {
			if (!isdigit((unsigned char)val[0]))
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s'", val, key);
			o->nr_inodes = (long)memparse(val, &rest);
			if (*rest)
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s'", val, key);
		} else if (!strcmp(key, "pagesize")) {
			unsigned long ps = (unsigned long)memparse(val, &rest);

			/* size_to_hstate: x86_64 has 2 MiB and, with GBPAGES, 1 GiB */
			if (*rest || (ps != PMD_SIZE && ps != SZ_1G)) {
				snprintf(err, errlen, "hugetlbfs: Unsupported page size %lu MB "
					 "('%s': 2M or 1G)", ps / SZ_1M, val);
				return -EINVAL;
			}
			o->pagesize = ps;
		} else if (!strcmp(key, "mode")) {
			if (!parse_u32(val, 8, &o->mode))
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s' (octal)", val, key);
			o->mode &= 01777;
		} else if (!strcmp(key, "uid") || !strcmp(key, "gid")) {
			if (!parse_u32(val, 10, key[0] == 'u' ? &o->uid : &o->gid))
				return opt_err(err, errlen, "hugetlbfs: Bad value '%s' for mount "
					       "option '%s'", val, key);
		} else {
			return opt_err(err, errlen, "hugetlbfs: Unknown parameter '%s'%s (pagesize=, "
				       "size=, min_size=, nr_inodes=, mode=, uid=, gid=)", key, "");
		}
	}
	*bad_off = 0;
	return 0;
}

/* hugetlbfs_size_to_hpages: bytes, or a percentage of the pool's persistent size */
static long hugetlbfs_size_to_hpages(const struct hstate *h, unsigned long long size_opt,
				     enum hugetlbfs_size_type val_type)
{
	if (val_type == NO_SIZE)
		return -1;
	if (val_type == SIZE_PERCENT) {
		size_opt <<= huge_page_shift(h);
		size_opt *= h->max_huge_pages;
		size_opt /= 100;
	}
	size_opt >>= huge_page_shift(h);
	return (long)size_opt;
}

int hugetlbfs_mount(struct machine *m, const char *dir, const char *opts, char *err,
		    size_t errlen)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct hugetlbfs_mount_opts o;
	struct hugetlbfs_sb_info *sb;
	struct hstate *h;
	long max_hpages, min_hpages;
	size_t dl = strlen(dir), bad;
	int ret;

	hugetlbfs_init(m);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dir[0] != '/') {
		snprintf(err, errlen, "mount point '%s' is not an absolute path", dir);
		return -EINVAL;
	}
	if (hugetlbfs_is_mount_dir(m, dir, dl) || shmem_is_mount_dir(m, dir, dl)) {
		snprintf(err, errlen, "%.*s is already a mount point", (int)dl, dir);
		return -EBUSY;
	}
	ret = hugetlbfs_parse_options(opts, &o, err, errlen, &bad);
	if (ret)
		return ret;
	h = o.pagesize ? hugetlb_size_to_hstate(m, o.pagesize) : hugetlb_default_hstate(m);
	/* hugetlbfs_validate */
	max_hpages = hugetlbfs_size_to_hpages(h, o.max_size_opt, o.max_val_type);
	min_hpages = hugetlbfs_size_to_hpages(h, o.min_size_opt, o.min_val_type);
	if (o.max_val_type > NO_SIZE && min_hpages > max_hpages) {
		snprintf(err, errlen, "Minimum size can not be greater than maximum size "
			 "(%ld > %ld huge pages)", min_hpages, max_hpages);
		return -EINVAL;
	}
	/* hugetlbfs_fill_super */
	sb = sb_new(m, h, NULL, TMPFS_FIRST_MINOR + pc->nr_mounts + pc->nr_hugetlbfs_mounts,
		    o.nr_inodes, o.mode);
	if (max_hpages != -1 || min_hpages != -1) {
		sb->spool = hugepage_new_subpool(m, h, max_hpages, min_hpages);
		if (!sb->spool) {
			host_free(sb);
			snprintf(err, errlen, "the pool cannot reserve min_size=%ld huge pages",
				 min_hpages);
			return -ENOMEM;
		}
	}
	sb->dir = host_malloc(dl + 1, "a hugetlbfs mount");
	memcpy(sb->dir, dir, dl);
	sb->dir[dl] = 0;
	pc->hugetlbfs_mounts = host_reallocarray(pc->hugetlbfs_mounts, pc->nr_hugetlbfs_mounts + 1,
						 sizeof(*pc->hugetlbfs_mounts), "the mount table");
	pc->hugetlbfs_mounts[pc->nr_hugetlbfs_mounts++] = sb;
	return 0;
}

/* ---- inodes ------------------------------------------------------------------------- */

/* hugetlbfs_get_inode: a regular file with its reserve map, within nr_inodes */
static struct inode *hugetlbfs_get_inode(struct machine *m, struct hugetlbfs_sb_info *sb,
					 const char *path)
{
	struct inode *inode;

	if (sb->free_inodes >= 0) {		/* hugetlbfs_dec_free_inodes */
		if (!sb->free_inodes)
			return NULL;
		sb->free_inodes--;
	}
	inode = inode_alloc(m, path);
	inode->i_ino = get_next_ino(m);
	inode->hugetlbfs = sb;
	inode->resv_map = resv_map_alloc(m);
	return inode;
}

struct inode *hugetlbfs_create(struct machine *m, struct hugetlbfs_sb_info *sb, const char *path,
			       long *err)
{
	struct inode *inode = hugetlbfs_get_inode(m, sb, path);

	if (!inode)
		*err = -ENOSPC;
	return inode;
}

struct inode *hugetlb_file_setup(struct machine *m, const char *name, uint64_t size,
				 unsigned long acctflag, int page_size_log, long *err)
{
	struct hstate *h = hstate_sizelog(m, page_size_log);
	struct hugetlbfs_sb_info *mnt;
	struct inode *inode;
	char path[64];

	if (!h) {
		*err = -ENODEV;
		return NULL;
	}
	hugetlbfs_init(m);
	mnt = proc_ctx(m)->hugetlbfs_vfsmount[hstate_index(m, h)];
	snprintf(path, sizeof(path), "/%s", name);
	inode = hugetlbfs_get_inode(m, mnt, path);
	if (!inode) {
		*err = -ENOSPC;
		return NULL;
	}
	inode->i_size = size;
	inode->unlinked = true;			/* clear_nlink: "/anon_hugepage (deleted)" */
	if (!hugetlb_reserve_pages(m, inode, 0, (long)(size >> huge_page_shift(h)), NULL,
				   acctflag)) {
		iput(m, inode);
		*err = -ENOMEM;
		return NULL;
	}
	return inode;
}

/* ---- mmap -------------------------------------------------------------------------- */

long hugetlb_get_unmapped_area(struct machine *m, struct mm_struct *mm, struct inode *file,
			       uint64_t addr, uint64_t len, unsigned long pgoff, long flags)
{
	struct hstate *h = hstate_inode(file);
	uint64_t hmask = huge_page_mask(h);
	struct vm_unmapped_area_info info;
	long ret;

	(void)m, (void)pgoff;
	if (len & ~hmask)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED) {		/* prepare_hugepage_range */
		if ((len & ~hmask) || (addr & ~hmask))
			return -EINVAL;
		return (long)addr;
	}
	if (addr) {
		addr &= hmask;
		/* mmap_address_hint_valid, then a hole at the hint */
		if (TASK_SIZE - len >= addr && addr + len <= vma_start_gap_after(mm, addr))
			return (long)addr;
	}
	info = (struct vm_unmapped_area_info){
		.flags = VM_UNMAPPED_AREA_TOPDOWN, .length = len, .low_limit = PAGE_SIZE,
		.high_limit = mm->mmap_base, .align_mask = ~hmask & ~(PAGE_SIZE - 1),
	};
	ret = vm_unmapped_area(mm, &info);
	if (ret < 0) {				/* the bottom-up fallback */
		info.flags = 0;
		info.low_limit = TASK_UNMAPPED_BASE;
		info.high_limit = TASK_SIZE;
		ret = vm_unmapped_area(mm, &info);
	}
	return ret;
}

/* The top PAGE_SHIFT + 1 bits of a pgoff: beyond what a loff_t holds */
#define PGOFF_LOFFT_MAX	(((1UL << (PAGE_SHIFT + 1)) - 1) << (64 - (PAGE_SHIFT + 1)))

int hugetlbfs_file_mmap(struct machine *m, struct inode *inode, struct vm_area_struct *vma)
{
	struct hstate *h = hstate_inode(inode);
	int64_t len, vma_len;

	/* set first, so that an unwinding unmap treats it as hugetlb */
	vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	if (vma->vm_pgoff & PGOFF_LOFFT_MAX)
		return -EINVAL;
	if (vma->vm_pgoff & (~huge_page_mask(h) >> PAGE_SHIFT))
		return -EINVAL;		/* the offset must be huge page aligned */
	vma_len = (int64_t)(vma->vm_end - vma->vm_start);
	len = (int64_t)((uint64_t)vma_len + ((uint64_t)vma->vm_pgoff << PAGE_SHIFT));
	if (len < vma_len)
		return -EINVAL;
	if (!hugetlb_reserve_pages(m, inode, (long)(vma->vm_pgoff >> huge_page_order(h)),
				   (long)(len >> huge_page_shift(h)), vma, vma->vm_flags))
		return -ENOMEM;
	/* a writable mapping past the end makes the file that long */
	if ((vma->vm_flags & VM_WRITE) && inode->i_size < (uint64_t)len)
		inode->i_size = (uint64_t)len;
	return 0;
}

/* ---- truncation and hole punching ------------------------------------------------ */

/* The byte offset in vma of page index start (vma_offset_start) */
static unsigned long vma_offset_start(const struct vm_area_struct *vma, unsigned long start)
{
	return vma->vm_pgoff < start ? (start - vma->vm_pgoff) << PAGE_SHIFT : 0;
}

/* The address in vma where page index end begins, 0: the VMA's end (vma_offset_end) */
static unsigned long vma_offset_end(const struct vm_area_struct *vma, unsigned long end)
{
	unsigned long t_end;

	if (!end)
		return vma->vm_end;
	t_end = ((end - vma->vm_pgoff) << PAGE_SHIFT) + vma->vm_start;
	return t_end > vma->vm_end ? vma->vm_end : t_end;
}

/* Does vma map [first, last] of the file (in 4 KiB pages)?  (the i_mmap interval tree) */
static bool vma_overlaps(const struct vm_area_struct *vma, unsigned long first,
			 unsigned long last)
{
	return vma->vm_pgoff <= last && vma->vm_pgoff + vma_pages(vma) - 1 >= first;
}

/* hugetlb_vmdelete_list: unmap [start, end) of the file (end 0: to the end) from every VMA */
static void hugetlb_vmdelete_list(struct machine *m, struct inode *inode, unsigned long start,
				  unsigned long end, unsigned int zap_flags)
{
	for (unsigned int i = 0; i < inode->nr_mmap; i++) {
		struct vm_area_struct *vma = inode->i_mmap[i];

		if (!vma_overlaps(vma, start, end ? end - 1 : ULONG_MAX))
			continue;
		if (!hugetlb_vma_trylock_write(m, vma))
			continue;
		unmap_hugepage_range(m, vma, vma->vm_start + vma_offset_start(vma, start),
				     vma_offset_end(vma, end), PFN_NONE, zap_flags);
		hugetlb_vma_unlock_write(m, vma);
	}
}

/* hugetlb_vma_maps_page: vma maps page at addr */
static bool hugetlb_vma_maps_page(struct machine *m, struct vm_area_struct *vma,
				  unsigned long addr, unsigned long page)
{
	struct huge_pte ptep;
	pteval_t pte;

	if (!huge_pte_offset(m, vma->vm_mm, addr, huge_page_size(hstate_vma(vma)), &ptep))
		return false;
	pte = pt_read(m, ptep.table, ptep.idx);
	return pte_present(pte) && pte_pfn(pte) == page;
}

/*
 * hugetlb_unmap_file_folio: a page being removed is still mapped (a fault
 * got in after the unmap pass): unmap it everywhere, taking each VMA's
 * lock; when a trylock fails, wait for that lock with i_mmap_rwsem dropped
 * and look again.
 */
static void hugetlb_unmap_file_folio(struct machine *m, struct hstate *h, struct inode *inode,
				     unsigned long page, unsigned long index)
{
	unsigned long start = index * pages_per_huge_page(h), end = start + pages_per_huge_page(h);
	struct hugetlb_vma_lock *vma_lock;
	struct vm_area_struct *vma;

	down_write(m, &inode->i_mmap_rwsem);
retry:
	vma_lock = NULL;
	for (unsigned int i = 0; i < inode->nr_mmap; i++) {
		vma = inode->i_mmap[i];
		if (!vma_overlaps(vma, start, end - 1))
			continue;
		if (!hugetlb_vma_maps_page(m, vma, vma->vm_start + vma_offset_start(vma, start), page))
			continue;
		if (!hugetlb_vma_trylock_write(m, vma)) {
			vma_lock = vma->vm_private_data;
			vma_lock->refs++;	/* kref_get: it stays while we wait */
			break;
		}
		unmap_hugepage_range(m, vma, vma->vm_start + vma_offset_start(vma, start),
				     vma_offset_end(vma, end), PFN_NONE, ZAP_FLAG_DROP_MARKER);
		hugetlb_vma_unlock_write(m, vma);
	}
	up_write(m, &inode->i_mmap_rwsem);
	if (vma_lock) {
		down_write(m, &vma_lock->rw_sema);
		down_write(m, &inode->i_mmap_rwsem);
		vma = vma_lock->vma;
		if (!vma) {		/* the VMA let go of its lock meanwhile */
			up_write(m, &vma_lock->rw_sema);
			hugetlb_vma_lock_release(vma_lock);
			goto retry;
		}
		if (hugetlb_vma_maps_page(m, vma, vma->vm_start + vma_offset_start(vma, start), page))
			unmap_hugepage_range(m, vma, vma->vm_start + vma_offset_start(vma, start),
					     vma_offset_end(vma, end), PFN_NONE,
					     ZAP_FLAG_DROP_MARKER);
		hugetlb_vma_lock_release(vma_lock);
		hugetlb_vma_unlock_write(m, vma);
		goto retry;
	}
}

/* remove_inode_single_folio: under the fault mutex; true when the page went */
static bool remove_inode_single_folio(struct machine *m, struct hstate *h, struct inode *inode,
				      unsigned long page, unsigned long index, bool truncate_op)
{
	lock_page(m, page);
	if ((int)pg_read32(m, page + 1, PGOFF_COMPOUND_MAPCOUNT) >= 0)	/* folio_mapped */
		hugetlb_unmap_file_folio(m, h, inode, page, index);
	MM_BUG_ON(m, HPageRestoreReserve(m, page),
		  "BUG: hugetlb page %#lx in the page cache with HPageRestoreReserve", page);
	/* out of the cache before the reservation, which could fail to go */
	hugetlb_delete_from_page_cache(m, inode, page);
	if (!truncate_op && hugetlb_unreserve_pages(m, inode, (long)index, (long)index + 1, 1))
		hugetlb_fix_reserve_counts(m, inode);
	unlock_page(m, page);
	return true;
}

/*
 * remove_inode_hugepages: truncation (lend LLONG_MAX: every page from
 * lstart, then every reservation from there, less the pages freed) or a
 * hole punch (the pages in the range, each with its reservation).
 */
static void remove_inode_hugepages(struct machine *m, struct inode *inode, uint64_t lstart,
				   uint64_t lend)
{
	struct hstate *h = hstate_inode(inode);
	unsigned long start = lstart >> huge_page_shift(h), end = lend >> huge_page_shift(h);
	bool truncate_op = lend == LLONG_MAX_OFF;
	unsigned long *batch;
	uint64_t key, val;
	size_t n = 0;
	long freed = 0;

	/* filemap_get_folios: the pages in the range, in index order, referenced */
	batch = host_malloc((inode->i_pages.nr + 1) * sizeof(*batch), "removing huge pages");
	for (size_t i = 0; xmap_next(&inode->i_pages, &i, &key, &val);)
		if (key >= start && key < end)
			batch[n++] = key;
	for (size_t i = 1; i < n; i++)		/* insertion sort: batches are small */
		for (size_t j = i; j && batch[j - 1] > batch[j]; j--) {
			unsigned long t = batch[j];

			batch[j] = batch[j - 1];
			batch[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		unsigned long index = batch[i], page = page_cache_lookup(m, inode, index);
		struct rw_semaphore *fault_mutex;

		if (page == PFN_NONE)
			continue;
		get_page(m, page);
		fault_mutex = hugetlb_fault_mutex(m, inode, index);
		down_write(m, fault_mutex);
		if (remove_inode_single_folio(m, h, inode, page, index, truncate_op))
			freed++;
		up_write(m, fault_mutex);
		put_page(m, page);	/* folio_batch_release */
		cond_resched(m);
	}
	host_free(batch);
	if (truncate_op)
		(void)hugetlb_unreserve_pages(m, inode, (long)start, LONG_MAX, freed);
}

void hugetlbfs_evict_inode(struct machine *m, struct inode *inode)
{
	remove_inode_hugepages(m, inode, 0, LLONG_MAX_OFF);
	if (inode->resv_map)
		resv_map_put(m, inode->resv_map);
	inode->resv_map = NULL;
	/* hugetlbfs_destroy_inode: hugetlbfs_inc_free_inodes */
	if (inode->hugetlbfs->free_inodes >= 0)
		inode->hugetlbfs->free_inodes++;
}

/* hugetlb_vmtruncate: the new size, unmapped beyond it, pages and reservations gone */
static void hugetlb_vmtruncate(struct machine *m, struct inode *inode, uint64_t offset)
{
	unsigned long pgoff = offset >> PAGE_SHIFT;

	inode->i_size = offset;
	down_write(m, &inode->i_mmap_rwsem);
	hugetlb_vmdelete_list(m, inode, pgoff, 0, ZAP_FLAG_DROP_MARKER);
	up_write(m, &inode->i_mmap_rwsem);
	remove_inode_hugepages(m, inode, offset, LLONG_MAX_OFF);
}

long hugetlbfs_setattr_size(struct machine *m, struct inode *inode, uint64_t newsize)
{
	if (newsize & ~huge_page_mask(hstate_inode(inode)))
		return -EINVAL;
	hugetlb_vmtruncate(m, inode, newsize);
	return 0;
}

/*
 * hugetlbfs_zero_partial_page: zero [start, end) inside one huge page of
 * the file.  With content tags: a subpage zeroed whole holds zeroes, one
 * zeroed in part something new unless it held zeroes already.
 */
static void hugetlbfs_zero_partial_page(struct machine *m, struct hstate *h,
					struct inode *inode, uint64_t start, uint64_t end)
{
	unsigned long idx = start >> huge_page_shift(h), page;
	uint64_t hsize = huge_page_size(h);

	page = page_cache_lookup(m, inode, idx);
	if (page == PFN_NONE)
		return;
	lock_page(m, page);
	start &= hsize - 1;
	end &= hsize - 1;
	if (!end)
		end = hsize;
	for (uint64_t off = start & ~(PAGE_SIZE - 1); off < end; off += PAGE_SIZE) {
		unsigned long sub = page + (off >> PAGE_SHIFT);

		if (off >= start && off + PAGE_SIZE <= end)
			set_page_content(m, sub, 0);
		else if (page_content(m, sub))
			page_content_write(m, sub);
	}
	unlock_page(m, page);
}

static long hugetlbfs_punch_hole(struct machine *m, struct inode *inode, uint64_t offset,
				 uint64_t len)
{
	struct hstate *h = hstate_inode(inode);
	uint64_t hpage_size = huge_page_size(h);
	uint64_t hole_start = (offset + hpage_size - 1) & ~(hpage_size - 1);
	uint64_t hole_end = (offset + len) & ~(hpage_size - 1);

	down_write(m, &inode->i_mmap_rwsem);
	if (offset < hole_start)
		hugetlbfs_zero_partial_page(m, h, inode, offset,
					    offset + len < hole_start ? offset + len : hole_start);
	if (hole_end > hole_start)
		hugetlb_vmdelete_list(m, inode, hole_start >> PAGE_SHIFT, hole_end >> PAGE_SHIFT, 0);
	if (offset + len > hole_end && offset + len > hole_start)
		hugetlbfs_zero_partial_page(m, h, inode, hole_end, offset + len);
	up_write(m, &inode->i_mmap_rwsem);
	if (hole_end > hole_start)
		remove_inode_hugepages(m, inode, hole_start, hole_end);
	return 0;
}

long hugetlbfs_fallocate(struct machine *m, struct inode *inode, int mode, uint64_t offset,
			 uint64_t len)
{
	struct hstate *h = hstate_inode(inode);
	uint64_t hpage_size = huge_page_size(h);
	unsigned long start, end, index;
	struct vm_area_struct pseudo_vma;
	long error = 0;
	SCHED_WHERE(m);

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return hugetlbfs_punch_hole(m, inode, offset, len);
	start = offset >> huge_page_shift(h);
	end = (offset + len + hpage_size - 1) >> huge_page_shift(h);
	/* inode_newsize_ok: vfs_fallocate checked MAX_LFS_FILESIZE; no rlimit */
	/* a pseudo VMA for the allocation routines: shared, the file, offset 0 */
	memset(&pseudo_vma, 0, sizeof(pseudo_vma));
	pseudo_vma.vm_flags = VM_HUGETLB | VM_MAYSHARE | VM_SHARED;
	pseudo_vma.vm_file = inode;
	for (index = start; index < end; index++) {
		unsigned long addr = index * hpage_size, page;
		struct rw_semaphore *fault_mutex = hugetlb_fault_mutex(m, inode, index);
		int err = 0;

		cond_resched(m);
		down_write(m, fault_mutex);
		if (page_cache_lookup(m, inode, index) != PFN_NONE) {	/* there already */
			up_write(m, fault_mutex);
			continue;
		}
		/* without avoid_reserve: a shared mapping's reservation here is used */
		page = alloc_huge_page(m, &pseudo_vma, addr, 0, &err);
		if (page == PFN_NONE) {
			up_write(m, fault_mutex);
			error = err;
			goto out;
		}
		hugetlb_clear_content(m, page, pages_per_huge_page(h));	/* clear_huge_page */
		SetPageUptodate(m, page);
		if (hugetlb_add_to_page_cache(m, page, inode, index)) {
			restore_reserve_on_error(m, h, &pseudo_vma, addr, page);
			put_page(m, page);
			up_write(m, fault_mutex);
			error = -EEXIST;
			goto out;
		}
		up_write(m, fault_mutex);
		SetHPageMigratable(m, page);
		unlock_page(m, page);
		put_page(m, page);	/* alloc_huge_page's; the cache keeps its own */
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > inode->i_size)
		inode->i_size = offset + len;
out:
	return error;
}
