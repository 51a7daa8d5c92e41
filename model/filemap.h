/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * filemap.h - files on tmpfs mounts and their page cache (mm/shmem.c,
 * mm/filemap.c, mm/truncate.c, fs/open.c): what a file mapping faults
 * its pages from.
 */
#ifndef MMSIM_FILEMAP_H
#define MMSIM_FILEMAP_H

#include "mm.h"
#include "mm_types.h"
#include "memory.h"
#include "rmap.h"

struct task;

/* shmem huge= values (mm/shmem.c) */
enum shmem_huge { SHMEM_HUGE_NEVER, SHMEM_HUGE_ALWAYS, SHMEM_HUGE_WITHIN_SIZE,
		  SHMEM_HUGE_ADVISE, SHMEM_HUGE_DENY = -1, SHMEM_HUGE_FORCE = -2 };

/*
 * Device numbers (s_dev) of tmpfs superblocks, as maps shows them: every
 * tmpfs has an anonymous device, major 0 and the lowest free minor
 * (get_anon_bdev).  The kernel's internal shm_mnt, which holds shared
 * anonymous memory, is the first superblock mounted at boot (mnt_init:
 * shmem_init before the rootfs), so it is 00:01.  A booted Debian system
 * holds a few dozen more (sysfs, proc, devpts, /run, /dev/shm, cgroup2,
 * ...); the model gives the scenario's mounts 00:30, 00:31, ... in mount
 * order (no unmount, so none is ever reused).
 */
#define SHM_MNT_MINOR		1
#define TMPFS_FIRST_MINOR	0x30

/* A tmpfs mount */
struct shmem_sb {
	char *dir;			/* where it is mounted, no trailing slash */
	int huge;			/* enum shmem_huge */
	uint64_t max_blocks;		/* size= in pages, 0: unlimited */
	uint64_t used_blocks;
	unsigned int dev_minor;		/* s_dev is 0:dev_minor */
	unsigned long next_ino;		/* the next inode number (the root directory is 1) */
};

/* MINOR(inode->i_sb->s_dev) of a tmpfs inode (the major is 0) */
static inline unsigned int shmem_dev_minor(const struct inode *inode)
{
	return inode->sb ? inode->sb->dev_minor : SHM_MNT_MINOR;
}

/* An open file (struct file): the inode and how it was opened */
struct file {
	struct inode *inode;
	int f_flags;			/* O_RDONLY / O_WRONLY / O_RDWR */
	uint64_t f_id;			/* names this open file: fork's copies share it */
};

static inline uint64_t mapping_addr(const struct inode *inode)
{
	return MAPPING_ADDR_BASE + inode->id * RMAP_OBJ_STRIDE;
}

/* mount -t tmpfs -o OPTS none DIR: 0 or -errno, with a reason in err */
int shmem_mount(struct machine *m, const char *dir, const char *opts, char *err, size_t errlen);
/* Is dir (len bytes) a tmpfs mount point? */
bool shmem_is_mount_dir(struct machine *m, const char *dir, size_t len);
/* new_inode: an inode in the table, its path, one reference; the file system sets the rest */
struct inode *inode_alloc(struct machine *m, const char *path);

/* open(2), close(2), ftruncate(2), unlink(2) */
long do_sys_open(struct machine *m, struct task *t, const char *path, long flags);
long ksys_close(struct machine *m, struct task *t, int fd);
long do_ftruncate(struct machine *m, struct task *t, int fd, uint64_t length);
long do_unlink(struct machine *m, const char *path);
/*
 * fallocate(2) with vfs_fallocate's checks; hugetlbfs files only (-ENOSYS
 * for tmpfs: shmem_fallocate is not modelled)
 */
long ksys_fallocate(struct machine *m, struct task *t, int fd, int mode, int64_t offset,
		    int64_t len);
/* truncate -s SIZE PATH, as coreutils does it (open with O_CREAT, ftruncate) */
long do_truncate_path(struct machine *m, const char *path, uint64_t length);

/* Drop a reference to an inode; the last one of an unlinked file frees it */
void iput(struct machine *m, struct inode *inode);

/* shmem_zero_setup: the file behind a MAP_SHARED|MAP_ANONYMOUS mapping */
struct inode *shmem_zero_setup(struct machine *m, uint64_t size);

/* How shmem_get_unmapped_area wants a mapping of file aligned */
void shmem_align(struct machine *m, struct inode *file, uint64_t len, unsigned long pgoff,
		 uint64_t *align, uint64_t *align_off);

/*
 * The page at pgoff of the VMA's file, referenced for the caller;
 * VM_FAULT_SIGBUS beyond EOF, VM_FAULT_OOM when no page can be had.
 */
vm_fault_t filemap_fault(struct machine *m, struct vm_area_struct *vma, unsigned long pgoff,
			 unsigned long *pfn);

/*
 * shmem_read_mapping_page: the page at index of a tmpfs file, read into
 * the page cache if it is not there (without a VMA: the mount's huge=
 * decides whether it comes as a THP), returned with a reference.  0,
 * -EINVAL beyond EOF, -ENOSPC, -ENOMEM.
 */
int shmem_read_mapping_page(struct machine *m, struct inode *inode, unsigned long index,
			    unsigned long *pfn);

/* The file at path (not unlinked), or NULL */
struct inode *inode_lookup(struct machine *m, const char *path);

/* The page at index in the page cache, or PFN_NONE */
unsigned long page_cache_lookup(struct machine *m, struct inode *inode, unsigned long index);

/* shmem_is_huge: may the page at index of inode be part of a THP? */
bool shmem_is_huge(struct machine *m, const struct vm_area_struct *vma, struct inode *inode,
		   unsigned long index);
/* ... with shmem_huge_force (MADV_COLLAPSE): yes unless denied or disabled */
bool __shmem_is_huge(struct machine *m, const struct vm_area_struct *vma, struct inode *inode,
		     unsigned long index, bool shmem_huge_force);

/* Every inode (for the checker and the views); NULL-terminated walk */
struct inode *inode_next(struct machine *m, size_t *i);
void filemap_destroy(struct machine *m);

#endif /* MMSIM_FILEMAP_H */
