// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_task_mmu.c - the views of a simulated process: /proc/<pid>/maps,
 * smaps, smaps_rollup, status and statm, the proc.<name>.* counters, and
 * the /proc/<pid> paths (by pid or name, missing once the process exits).
 *
 * Expected texts are written out from the kernel's format strings
 * (fs/proc/task_mmu.c, fs/proc/array.c, 6.1): a named maps line is the
 * prefix "start-end perms offset dev inode " padded with spaces to 72
 * characters, one more space and the name (so 26 spaces after a 1-digit
 * inode of a 12-digit address); an unnamed one ends in "0 " and the
 * newline; smaps numbers are "%8lu kB" after 16-character labels
 * ("Private_Hugetlb: %7lu").
 *
 * Addresses: mmaps go top-down from mmap_base 0x7ffff7fff000 (BASE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "filemap.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "rmap.h"
#include "sbuf.h"
#include "task.h"

#define BASE	0x7ffff7fff000UL
#define K	1024UL
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)

/* The text of a kernel file; fails the test when the model has no such file */
static char *cat(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *cat(struct machine *m, const char *fmt, ...)
{
	char path[128];
	struct sbuf sb;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	sb_init(&sb);
	if (!mm_show_file(m, path, &sb))
		fail_msg("%s: no such file", path);
	sb_puts(&sb, "");
	return sb_steal(&sb);
}

static void assert_file(struct machine *m, const char *path, const char *want)
{
	char *got = cat(m, "%s", path);

	if (strcmp(got, want))
		fail_msg("%s:\n--- got ---\n%s--- want ---\n%s", path, got, want);
	free(got);
}

static struct task *process(struct machine *m, const char *name)
{
	int err = 0;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

static uint64_t mmap_ok(struct machine *m, struct task *t, uint64_t addr, uint64_t len, long prot,
			long flags, int fd, uint64_t off)
{
	long r = ksys_mmap_pgoff(m, t, addr, len, prot, flags, fd, off);

	if (r < 0)
		fail_msg("mmap: %ld", r);
	return (uint64_t)r;
}

static void touch(struct machine *m, struct task *t, uint64_t addr, bool write)
{
	assert_int_equal(user_access(m, t->mm, addr, write), UA_OK);
}

/* A tmpfs at /mnt and an open file /mnt/f of size bytes: returns the fd */
static int tmpfs_file(struct machine *m, struct task *t, const char *opts, uint64_t size)
{
	char err[128];
	long fd;

	assert_int_equal(shmem_mount(m, "/mnt", opts, err, sizeof(err)), 0);
	fd = do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT);
	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, size), 0);
	return (int)fd;
}

/* The value of one line "Label:<spaces>N kB" of a file */
static long field(const char *text, const char *label)
{
	const char *p = strstr(text, label);

	if (!p)
		fail_msg("no %s in:\n%s", label, text);
	return strtol(p + strlen(label), NULL, 10);
}

/* -------------------------------------------------------------------------
 * maps
 */

static const char maps_four[] =
	"7ffff7ff7000-7ffff7ff8000 r--p 00001000 00:30 2                          /mnt/f\n"
	"7ffff7ff8000-7ffff7ff9000 rw-s 00000000 00:01 2                          /dev/zero (deleted)\n"
	"7ffff7ff9000-7ffff7ffd000 rw-p 00000000 00:00 0 \n"
	"7ffff7ffd000-7ffff7fff000 rw-s 00000000 00:30 2                          /mnt/f\n"
	;
static const char maps_deleted[] =
	"7ffff7ff6000-7ffff7ff7000 rw-s 00000000 00:30 3                          /mnt/a\\012b\n"
	"7ffff7ff7000-7ffff7ff8000 r--p 00001000 00:30 2                          /mnt/f (deleted)\n"
	"7ffff7ff8000-7ffff7ff9000 rw-s 00000000 00:01 2                          /dev/zero (deleted)\n"
	"7ffff7ff9000-7ffff7ffd000 rw-p 00000000 00:00 0 \n"
	"7ffff7ffd000-7ffff7fff000 rw-s 00000000 00:30 2                          /mnt/f (deleted)\n"
	;
/*
 *   BASE-32K   -28K        -24K                   -8K              BASE
 *   | D f@4K r | C shared  | B anon rw 16K        | A /mnt/f rw-s  |
 *              | anon rw-s |                      |                |
 * One line per VMA in address order: file VMAs name the file with the
 * mount's device 00:30 and inode 2 (the mount's root directory is 1) and
 * the file offset; shared anonymous memory is inode 2 of the internal
 * shm_mnt, 00:01, "/dev/zero (deleted)"; anonymous memory has no name.
 * Unlinking the file marks its lines "(deleted)"; a '\n' in a path is
 * written \012.
 */
static void test_maps(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "parent");
	int fd = tmpfs_file(m, t, NULL, 8 * K);
	long fd2;

	(void)state;
	assert_int_equal(mmap_ok(m, t, 0, 8 * K, RW, MAP_SHARED, fd, 0), BASE - 8 * K);
	assert_int_equal(mmap_ok(m, t, 0, 16 * K, RW, ANON, -1, 0), BASE - 24 * K);
	assert_int_equal(mmap_ok(m, t, 0, 4 * K, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
			 BASE - 28 * K);
	assert_int_equal(mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_PRIVATE, fd, 4 * K), BASE - 32 * K);
	assert_file(m, "/proc/parent/maps", maps_four);
	assert_file(m, "/proc/100/maps", maps_four);

	assert_int_equal(do_unlink(m, "/mnt/f"), 0);
	fd2 = do_sys_open(m, t, "/mnt/a\nb", O_RDWR | O_CREAT);
	assert_true(fd2 >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd2, 4 * K), 0);
	assert_int_equal(mmap_ok(m, t, 0, 4 * K, RW, MAP_SHARED, (int)fd2, 0), BASE - 36 * K);
	assert_file(m, "/proc/parent/maps", maps_deleted);
	machine_destroy(m);
}

/*
 * Inode numbers and devices of two mounts and of shm_mnt on two CPUs:
 *   /mnt  00:30  files 2, 3     /mnt2  00:31  file 2
 *   shm_mnt 00:01: CPU 0 hands out 2, 3, ...; CPU 1 its own batch from 1024
 * A tmpfs numbers its inodes from its root directory's 1; shm_mnt takes
 * per-CPU batches of 1024 (shmem_reserve_inode on an internal mount).
 */
static void test_inode_numbers(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	char err[128], *maps;
	long fd;

	(void)state;
	assert_int_equal(shmem_mount(m, "/mnt", NULL, err, sizeof(err)), 0);
	assert_int_equal(shmem_mount(m, "/mnt2", NULL, err, sizeof(err)), 0);
	fd = do_sys_open(m, t, "/mnt/a", O_RDWR | O_CREAT);
	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 4 * K), 0);
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED, (int)fd, 0);
	fd = do_sys_open(m, t, "/mnt/b", O_RDWR | O_CREAT);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 4 * K), 0);
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED, (int)fd, 0);
	fd = do_sys_open(m, t, "/mnt2/c", O_RDWR | O_CREAT);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 4 * K), 0);
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED, (int)fd, 0);
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	m->cur_cpu = 1;
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	m->cur_cpu = 0;
	mmap_ok(m, t, 0, 4 * K, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	maps = cat(m, "/proc/p/maps");
	/* lowest address first: the last mapping made comes first */
	assert_non_null(strstr(maps, "r--s 00000000 00:01 3 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:01 1025 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:01 1024 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:01 2 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:31 2 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:30 3 "));
	assert_non_null(strstr(maps, "r--s 00000000 00:30 2 "));
	assert_true(strstr(maps, "00:01 3 ") < strstr(maps, "00:01 1025 "));
	assert_true(strstr(maps, "00:01 1024 ") < strstr(maps, "00:01 2 "));
	assert_true(strstr(maps, "00:31 2 ") < strstr(maps, "00:30 3 "));
	free(maps);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * smaps, smaps_rollup
 */

static const char smaps_private[] =
	"7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   8 kB\n"
	"Pss_Dirty:             8 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         8 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	;
static const char smaps_forked_parent[] =
	"7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   4 kB\n"
	"Pss_Dirty:             4 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          8 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	;
static const char smaps_forked_child[] =
	"7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   4 kB\n"
	"Pss_Dirty:             4 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          8 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            0 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	;
static const char smaps_cow_parent[] =
	"7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   6 kB\n"
	"Pss_Dirty:             6 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          4 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         4 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	;
static const char smaps_cow_child[] =
	"7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   6 kB\n"
	"Pss_Dirty:             6 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          4 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         4 kB\n"
	"Referenced:            4 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	;
static const char rollup_forked_parent[] =
	"7ffff7ffb000-7ffff7fff000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                   8 kB\n"
	"Pss:                   4 kB\n"
	"Pss_Dirty:             4 kB\n"
	"Pss_Anon:              4 kB\n"
	"Pss_File:              0 kB\n"
	"Pss_Shmem:             0 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          8 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             8 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	;
/*
 *   BASE-16K   -12K    -8K     -4K    BASE
 *   | page 0 W | page 1 W | zero R | none |    parent's anon VMA
 * Two written pages are private and dirty (Pss 8 kB), the zero page
 * counts nothing.  After fork both processes map both pages: Shared_Dirty
 * 8 kB and Pss halved to 4 kB each; the child's copied PTEs are old, so
 * it has nothing Referenced.  When the child writes page 0 it gets its
 * own copy: page 0 is private in both (the parent's copy has one
 * reference left), page 1 still shared, Pss 4 + 4/2 = 6 kB each.
 */
static void test_smaps_anon_fork(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *parent = process(m, "parent"), *child;
	uint64_t a = mmap_ok(m, parent, 0, 16 * K, RW, ANON, -1, 0);
	int err;

	(void)state;
	assert_int_equal(a, BASE - 16 * K);
	touch(m, parent, a, true);
	touch(m, parent, a + 4 * K, true);
	touch(m, parent, a + 8 * K, false);
	assert_file(m, "/proc/parent/smaps", smaps_private);

	child = do_fork(m, parent, "child", &err);
	assert_non_null(child);
	assert_file(m, "/proc/parent/smaps", smaps_forked_parent);
	assert_file(m, "/proc/child/smaps", smaps_forked_child);
	assert_file(m, "/proc/101/smaps", smaps_forked_child);
	assert_file(m, "/proc/parent/smaps_rollup", rollup_forked_parent);

	touch(m, child, a, true);
	assert_file(m, "/proc/parent/smaps", smaps_cow_parent);
	assert_file(m, "/proc/child/smaps", smaps_cow_child);
	machine_destroy(m);
}

static const char smaps_shmem[] =
	"7ffff7ffd000-7ffff7fff000 rw-s 00000000 00:30 2                          /mnt/f\n"
	"Size:                  8 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   8 kB\n"
	"Pss_Dirty:             4 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         4 kB\n"
	"Private_Dirty:         4 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:    0\n"
	"VmFlags: rd wr sh mr mw me ms sd \n"
	;
static const char rollup_shmem_anon[] =
	"7ffff7ffc000-7ffff7fff000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                  12 kB\n"
	"Pss:                  12 kB\n"
	"Pss_Dirty:             8 kB\n"
	"Pss_Anon:              4 kB\n"
	"Pss_File:              0 kB\n"
	"Pss_Shmem:             8 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         4 kB\n"
	"Private_Dirty:         8 kB\n"
	"Referenced:           12 kB\n"
	"Anonymous:             4 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	;
/*
 *   BASE-12K   -8K          -4K         BASE
 *   | anon W   | /mnt/f p0 W | /mnt/f p1 R |
 * A shared tmpfs mapping: the page cache holds a reference too, so each
 * page goes by its mapcount (1: private); the written page is dirty (the
 * PTE), the read one clean; nothing is Anonymous.  The rollup adds the
 * anonymous page and splits Pss into Pss_Anon and Pss_Shmem.
 */
static void test_smaps_shmem(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	int fd = tmpfs_file(m, t, "huge=never", 8 * K);
	uint64_t f = mmap_ok(m, t, 0, 8 * K, RW, MAP_SHARED, fd, 0), a;

	(void)state;
	touch(m, t, f, true);
	touch(m, t, f + 4 * K, false);
	assert_file(m, "/proc/p/smaps", smaps_shmem);
	a = mmap_ok(m, t, 0, 4 * K, RW, ANON, -1, 0);
	touch(m, t, a, true);
	assert_file(m, "/proc/p/smaps_rollup", rollup_shmem_anon);
	machine_destroy(m);
}

static const char rollup_empty[] =
	"00000000-00000000 ---p 00000000 00:00 0                                  [rollup]\n"
	"Rss:                   0 kB\n"
	"Pss:                   0 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Pss_Anon:              0 kB\n"
	"Pss_File:              0 kB\n"
	"Pss_Shmem:             0 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            0 kB\n"
	"Anonymous:             0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	;
/* A process with no VMAs: the rollup header spans 0-0 and every count is 0 */
static void test_rollup_empty(void **state)
{
	struct machine *m = t_machine(1, 256, 2);

	(void)state;
	process(m, "p");
	assert_file(m, "/proc/p/smaps_rollup", rollup_empty);
	assert_file(m, "/proc/p/maps", "");
	assert_file(m, "/proc/p/smaps", "");
	machine_destroy(m);
}

/*
 *   | anon rw 16K |  VmFlags after MADV_DONTFORK, MADV_HUGEPAGE, and
 *                    VM_LOCKED | VM_LOCKONFAULT set by hand
 * Mnemonics come in bit order, each followed by a space; VM_LOCKONFAULT
 * (bit 19) has none in 6.1 and prints "??"; Locked is the Pss of a
 * VM_LOCKED VMA.
 */
static void test_smaps_vmflags(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	uint64_t a = mmap_ok(m, t, 0, 16 * K, RW, ANON, -1, 0);
	char *s;

	(void)state;
	touch(m, t, a, true);
	assert_int_equal(do_madvise(m, t, a, 16 * K, MADV_DONTFORK), 0);
	assert_int_equal(do_madvise(m, t, a, 16 * K, MADV_HUGEPAGE), 0);
	find_vma(t->mm, a)->vm_flags |= VM_LOCKED | VM_LOCKONFAULT;
	s = cat(m, "/proc/p/smaps");
	assert_non_null(strstr(s, "\nLocked:                4 kB\n"));
	assert_non_null(strstr(s, "\nVmFlags: rd wr mr mw me lo dc ?? ac sd hg \n"));
	free(s);
	find_vma(t->mm, a)->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
	machine_destroy(m);
}

/*
 * THPeligible, hugepage_vma_check for smaps:
 *   anon 4M (holds an aligned 2M block)          1 with THP always, 0 never
 *   the same after MADV_NOHUGEPAGE               0
 *   anon 1M                                      0 (no whole 2M block)
 *   tmpfs file 4M at a 2M-aligned address:
 *     huge=always                                1, even with THP never
 *     huge=never                                 0, even with THP always
 *     huge=within_size, i_size 4M / 1M           1 / 0
 *     huge=advise, then MADV_HUGEPAGE            0, then 1
 *   tmpfs huge=always mapped at offset 4K       0 (pgoff misaligned)
 */
static int thp_eligible_of(struct machine *m, const char *proc, uint64_t addr)
{
	char *s = cat(m, "/proc/%s/smaps", proc), line[64], *p;
	int v;

	snprintf(line, sizeof(line), "%012lx-", (unsigned long)addr);
	p = strstr(s, line);
	if (!p)
		fail_msg("no VMA at %#lx in\n%s", (unsigned long)addr, s);
	p = strstr(p, "THPeligible:    ");
	assert_non_null(p);
	v = atoi(p + strlen("THPeligible:    "));
	free(s);
	return v;
}

static int thp_shmem(bool thp, const char *huge, uint64_t size, uint64_t off, long advice)
{
	struct machine_opts o;
	struct machine *m;
	struct task *t;
	char opts[64];
	uint64_t a = 0x7fffe0000000UL;	/* 2M aligned */
	int fd, v;

	t_opts(&o, 1, 256, 2);
	o.thp_enabled = thp ? THP_ALWAYS : THP_NEVER;
	m = t_boot(&o);
	t = process(m, "p");
	snprintf(opts, sizeof(opts), "huge=%s", huge);
	fd = tmpfs_file(m, t, opts, size);
	assert_int_equal(mmap_ok(m, t, a, 4 << 20, PROT_READ, MAP_SHARED | MAP_FIXED, fd, off), a);
	if (advice >= 0)
		assert_int_equal(do_madvise(m, t, a, 4 << 20, advice), 0);
	v = thp_eligible_of(m, "p", a);
	machine_destroy(m);
	return v;
}

static void test_thp_eligible(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct task *t;
	uint64_t a, b;

	(void)state;
	for (int thp = 0; thp <= 1; thp++) {
		t_opts(&o, 1, 256, 2);
		o.thp_enabled = thp ? THP_ALWAYS : THP_NEVER;
		m = t_boot(&o);
		t = process(m, "p");
		a = mmap_ok(m, t, 0, 4 << 20, RW, ANON, -1, 0);
		b = mmap_ok(m, t, 0, 1 << 20, PROT_READ, ANON, -1, 0);
		assert_int_equal(thp_eligible_of(m, "p", a), thp);
		assert_int_equal(thp_eligible_of(m, "p", b), 0);
		assert_int_equal(do_madvise(m, t, a, 4 << 20, MADV_NOHUGEPAGE), 0);
		assert_int_equal(thp_eligible_of(m, "p", a), 0);
		machine_destroy(m);
	}
	assert_int_equal(thp_shmem(false, "always", 4 << 20, 0, -1), 1);
	assert_int_equal(thp_shmem(true, "never", 4 << 20, 0, -1), 0);
	assert_int_equal(thp_shmem(false, "within_size", 4 << 20, 0, -1), 1);
	assert_int_equal(thp_shmem(false, "within_size", 1 << 20, 0, -1), 0);
	assert_int_equal(thp_shmem(false, "advise", 4 << 20, 0, -1), 0);
	assert_int_equal(thp_shmem(false, "advise", 4 << 20, 0, MADV_HUGEPAGE), 1);
	assert_int_equal(thp_shmem(true, "always", 8 << 20, 4 * K, -1), 0);
}

/*
 * A huge PMD, built by hand (faults do not map THPs yet):
 *   0x7fffe0000000          +2M            +4M
 *   | PMD -> order-9 folio   | nothing       |     anon rw 4M VMA
 * An anon THP counts 2 MiB in Rss, Anonymous and AnonHugePages, private
 * while its refcount is 1; with a second PMD mapping elsewhere (refcount
 * 2, compound_mapcount 1) every subpage has mapcount 2: Pss halves and it
 * is Shared_Dirty.  The same folio as shmem counts in ShmemPmdMapped.
 */
static void test_smaps_huge_pmd(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	uint64_t a = 0x7fffe0000000UL;
	struct vm_area_struct *vma;
	unsigned long pfn, table;
	unsigned int idx;
	char *s;
	int err;

	(void)state;
	assert_int_equal(mmap_ok(m, t, a, 4 << 20, RW, ANON | MAP_FIXED, -1, 0), a);
	vma = find_vma(t->mm, a);
	assert_int_equal(anon_vma_prepare(m, vma), 0);
	pfn = __alloc_pages(m, GFP_TRANSHUGE, 9, 0);
	assert_true(pfn != PFN_NONE);
	assert_true(PageHead(m, pfn));
	/* page_add_new_anon_rmap(compound): entire mapcount 0, subpages -1 */
	SetPageSwapBacked(m, pfn);
	set_page_mapping(m, pfn, anon_vma_addr(vma->anon_vma) | PAGE_MAPPING_ANON);
	pg_write32(m, pfn + 1, PGOFF_COMPOUND_MAPCOUNT, 0);
	assert_true(pmd_slot(m, t->mm, a, true, &table, &idx, &err));
	pt_write(m, table, idx, pfn_pte(pfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
					_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE));
	s = cat(m, "/proc/p/smaps");
	assert_int_equal(field(s, "\nRss:"), 2048);
	assert_int_equal(field(s, "\nPss:"), 2048);
	assert_int_equal(field(s, "\nPrivate_Dirty:"), 2048);
	assert_int_equal(field(s, "\nReferenced:"), 2048);
	assert_int_equal(field(s, "\nAnonymous:"), 2048);
	assert_int_equal(field(s, "\nAnonHugePages:"), 2048);
	assert_int_equal(field(s, "\nShmemPmdMapped:"), 0);
	free(s);

	/* a second PMD mapping, as a fork would make it */
	page_ref_add_return(m, pfn, 1);
	pg_write32(m, pfn + 1, PGOFF_COMPOUND_MAPCOUNT, 1);
	s = cat(m, "/proc/p/smaps");
	assert_int_equal(field(s, "\nRss:"), 2048);
	assert_int_equal(field(s, "\nPss:"), 1024);
	assert_int_equal(field(s, "\nShared_Dirty:"), 2048);
	assert_int_equal(field(s, "\nPrivate_Dirty:"), 0);
	assert_int_equal(field(s, "\nAnonHugePages:"), 2048);
	free(s);
	s = cat(m, "/proc/p/smaps_rollup");
	assert_int_equal(field(s, "\nPss_Anon:"), 1024);
	free(s);

	/* as a shmem folio: not anon, swap-backed, the only reference */
	page_ref_add_return(m, pfn, -1);
	set_page_mapping(m, pfn, 0);
	s = cat(m, "/proc/p/smaps");
	assert_int_equal(field(s, "\nPss:"), 2048);
	assert_int_equal(field(s, "\nAnonymous:"), 0);
	assert_int_equal(field(s, "\nAnonHugePages:"), 0);
	assert_int_equal(field(s, "\nShmemPmdMapped:"), 2048);
	free(s);
	s = cat(m, "/proc/p/smaps_rollup");
	assert_int_equal(field(s, "\nPss_Shmem:"), 2048);
	assert_int_equal(field(s, "\nPss_Anon:"), 0);
	free(s);

	pt_write(m, table, idx, 0);	/* let exit find no huge PMD */
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * status, statm
 */

/* Mems_allowed with these nodes set: 1024 bits, 32 chunks */
static void mems_allowed(char *buf, size_t len, unsigned int low_chunk)
{
	size_t o = 0;

	for (int i = 0; i < 31; i++)
		o += (size_t)snprintf(buf + o, len - o, "00000000,");
	snprintf(buf + o, len - o, "%08x", low_chunk);
}

/*
 *   | anon rw 16K: 2 pages written |   process "parent", pid 100, on a
 *                                      2-node 4-CPU machine
 * Every line of 6.1's status in order.  The memory lines: VmSize 16 kB,
 * VmRSS = RssAnon = 8 kB, VmData 16 kB (private writable), VmPTE 12 kB
 * (a PUD, a PMD and a PTE table).  The others are the fixed values of a
 * root process a shell started; Cpus_allowed has the machine's 4 CPUs,
 * Mems_allowed its 2 nodes.
 */
static void test_status(void **state)
{
	struct machine *m = t_machine(2, 128, 4);
	struct task *t = process(m, "parent");
	uint64_t a = mmap_ok(m, t, 0, 16 * K, RW, ANON, -1, 0);
	char mems[400], want[4096];

	(void)state;
	touch(m, t, a, true);
	touch(m, t, a + 4 * K, true);
	mems_allowed(mems, sizeof(mems), 3);
	snprintf(want, sizeof(want),
		 "Name:\tparent\n"
		 "Umask:\t0022\n"
		 "State:\tS (sleeping)\n"
		 "Tgid:\t100\n"
		 "Ngid:\t0\n"
		 "Pid:\t100\n"
		 "PPid:\t1\n"
		 "TracerPid:\t0\n"
		 "Uid:\t0\t0\t0\t0\n"
		 "Gid:\t0\t0\t0\t0\n"
		 "FDSize:\t64\n"
		 "Groups:\t0 \n"
		 "NStgid:\t100\n"
		 "NSpid:\t100\n"
		 "NSpgid:\t100\n"
		 "NSsid:\t100\n"
		 "VmPeak:\t      16 kB\n"
		 "VmSize:\t      16 kB\n"
		 "VmLck:\t       0 kB\n"
		 "VmPin:\t       0 kB\n"
		 "VmHWM:\t       8 kB\n"
		 "VmRSS:\t       8 kB\n"
		 "RssAnon:\t       8 kB\n"
		 "RssFile:\t       0 kB\n"
		 "RssShmem:\t       0 kB\n"
		 "VmData:\t      16 kB\n"
		 "VmStk:\t       0 kB\n"
		 "VmExe:\t       0 kB\n"
		 "VmLib:\t       0 kB\n"
		 "VmPTE:\t      12 kB\n"
		 "VmSwap:\t       0 kB\n"
		 "HugetlbPages:\t       0 kB\n"
		 "CoreDumping:\t0\n"
		 "THP_enabled:\t1\n"
		 "Threads:\t1\n"
		 "SigQ:\t0/%lu\n"
		 "SigPnd:\t0000000000000000\n"
		 "ShdPnd:\t0000000000000000\n"
		 "SigBlk:\t0000000000000000\n"
		 "SigIgn:\t0000000000000000\n"
		 "SigCgt:\t0000000000000000\n"
		 "CapInh:\t0000000000000000\n"
		 "CapPrm:\t000001ffffffffff\n"
		 "CapEff:\t000001ffffffffff\n"
		 "CapBnd:\t000001ffffffffff\n"
		 "CapAmb:\t0000000000000000\n"
		 "NoNewPrivs:\t0\n"
		 "Seccomp:\t0\n"
		 "Seccomp_filters:\t0\n"
		 "Speculation_Store_Bypass:\tthread vulnerable\n"
		 "SpeculationIndirectBranch:\tconditional enabled\n"
		 "Cpus_allowed:\tf\n"
		 "Cpus_allowed_list:\t0-3\n"
		 "Mems_allowed:\t%s\n"
		 "Mems_allowed_list:\t0-1\n"
		 "voluntary_ctxt_switches:\t1\n"
		 "nonvoluntary_ctxt_switches:\t0\n",
		 totalram_pages(m) / 64, mems);
	assert_file(m, "/proc/parent/status", want);
	assert_file(m, "/proc/100/status", want);
	/* statm: size resident shared text lib data dt, in pages */
	assert_file(m, "/proc/parent/statm", "4 2 0 0 0 4 0\n");
	machine_destroy(m);
}

/* The memory lines of status, from "VmPeak:" up to "HugetlbPages:" */
static char *status_mem(struct machine *m, const char *proc)
{
	char *s = cat(m, "/proc/%s/status", proc), *b = strstr(s, "VmPeak:"), *e;

	assert_non_null(b);
	e = strstr(b, "HugetlbPages:");
	assert_non_null(e);
	*strchr(e, '\n') = '\0';
	memmove(s, b, strlen(b) + 1);
	return s;
}

static void assert_status_mem(struct machine *m, const char *proc, const char *want)
{
	char *got = status_mem(m, proc);

	if (strcmp(got, want))
		fail_msg("/proc/%s/status:\n--- got ---\n%s\n--- want ---\n%s", proc, got, want);
	free(got);
}

/*
 *   | /mnt/f rw-s 8K: 2 pages | anon rw 16K: 3 pages |   then munmap all
 * RssShmem counts the tmpfs pages, RssAnon the anonymous ones; a shared
 * mapping is not VmData.  After munmap VmSize and VmRSS are 0, but VmPeak
 * and VmHWM keep the high-water marks (remove_mt raises hiwater_vm, the
 * zap hiwater_rss, before they go down) and every page table is gone.
 */
static void test_status_memory(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	int fd = tmpfs_file(m, t, NULL, 8 * K);
	uint64_t f = mmap_ok(m, t, 0, 8 * K, RW, MAP_SHARED, fd, 0);
	uint64_t a = mmap_ok(m, t, 0, 16 * K, RW, ANON, -1, 0);

	(void)state;
	for (int i = 0; i < 2; i++)
		touch(m, t, f + i * 4 * K, false);
	for (int i = 0; i < 3; i++)
		touch(m, t, a + i * 4 * K, true);
	assert_status_mem(m, "p",
			  "VmPeak:\t      24 kB\n"
			  "VmSize:\t      24 kB\n"
			  "VmLck:\t       0 kB\n"
			  "VmPin:\t       0 kB\n"
			  "VmHWM:\t      20 kB\n"
			  "VmRSS:\t      20 kB\n"
			  "RssAnon:\t      12 kB\n"
			  "RssFile:\t       0 kB\n"
			  "RssShmem:\t       8 kB\n"
			  "VmData:\t      16 kB\n"
			  "VmStk:\t       0 kB\n"
			  "VmExe:\t       0 kB\n"
			  "VmLib:\t       0 kB\n"
			  "VmPTE:\t      12 kB\n"
			  "VmSwap:\t       0 kB\n"
			  "HugetlbPages:\t       0 kB");
	assert_int_equal(vm_munmap(m, t, a, 24 * K), 0);
	assert_status_mem(m, "p",
			  "VmPeak:\t      24 kB\n"
			  "VmSize:\t       0 kB\n"
			  "VmLck:\t       0 kB\n"
			  "VmPin:\t       0 kB\n"
			  "VmHWM:\t      20 kB\n"
			  "VmRSS:\t       0 kB\n"
			  "RssAnon:\t       0 kB\n"
			  "RssFile:\t       0 kB\n"
			  "RssShmem:\t       0 kB\n"
			  "VmData:\t       0 kB\n"
			  "VmStk:\t       0 kB\n"
			  "VmExe:\t       0 kB\n"
			  "VmLib:\t       0 kB\n"
			  "VmPTE:\t       0 kB\n"
			  "VmSwap:\t       0 kB\n"
			  "HugetlbPages:\t       0 kB");
	assert_file(m, "/proc/p/statm", "0 0 0 0 0 0 0\n");
	machine_destroy(m);
}

/*
 *   parent (100) --fork--> child (101) --fork--> grandchild (102)
 * PPid is the parent's pid; process group and session are the first
 * process's; an executable mapping counts in VmLib (no exec, no text);
 * the Name is the comm: a forked child's is its parent's (nothing
 * execs), a process's own name is cut to 15 characters.
 */
static void test_status_ids(void **state)
{
	struct machine *m = t_machine(1, 256, 36);
	struct task *p = process(m, "parent"), *c, *g, *l;
	char *s;
	int err;

	(void)state;
	mmap_ok(m, p, 0, 8 * K, PROT_READ | PROT_EXEC, ANON, -1, 0);
	c = do_fork(m, p, "child", &err);
	g = do_fork(m, c, "grandchild", &err);
	assert_non_null(g);
	s = cat(m, "/proc/grandchild/status");
	assert_true(!strncmp(s, "Name:\tparent\n", 13));
	assert_non_null(strstr(s, "\nPid:\t102\nPPid:\t101\n"));
	assert_non_null(strstr(s, "\nNStgid:\t102\nNSpid:\t102\nNSpgid:\t100\nNSsid:\t100\n"));
	assert_non_null(strstr(s, "\nVmLib:\t       8 kB\n"));
	assert_non_null(strstr(s, "\nVmData:\t       0 kB\n"));
	/* 36 CPUs: the top chunk has 4 bits, one digit */
	assert_non_null(strstr(s, "\nCpus_allowed:\tf,ffffffff\nCpus_allowed_list:\t0-35\n"));
	free(s);
	l = process(m, "a_very_long_process_name");
	(void)l;
	s = cat(m, "/proc/a_very_long_process_name/status");
	assert_true(!strncmp(s, "Name:\ta_very_long_pro\n", 22));
	free(s);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Paths and counters
 */

/*
 * A process's files exist while it lives, under its pid and its name; a
 * pid or name nobody has, or a process that exited, has none (ENOENT on
 * a write); writing a live one's file is EINVAL, as for a /proc/<pid>
 * file without a write method.
 */
static void test_missing_and_readonly(void **state)
{
	static const char *const files[] = { "maps", "smaps", "smaps_rollup", "status", "statm" };
	struct machine *m = t_machine(1, 256, 2);
	struct task *t = process(m, "p");
	struct sbuf sb;
	char path[64], err[256];

	(void)state;
	sb_init(&sb);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/p/%s", files[i]);
		assert_true(mm_show_file(m, path, &sb));
		assert_int_equal(mm_store_file(m, path, "1", err, sizeof(err)), -EINVAL);
		snprintf(path, sizeof(path), "/proc/100/%s", files[i]);
		assert_true(mm_show_file(m, path, &sb));
		snprintf(path, sizeof(path), "/proc/101/%s", files[i]);
		assert_false(mm_show_file(m, path, &sb));
		snprintf(path, sizeof(path), "/proc/q/%s", files[i]);
		assert_false(mm_show_file(m, path, &sb));
		assert_int_equal(mm_store_file(m, path, "1", err, sizeof(err)), -ENOENT);
	}
	do_exit(m, t, 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/p/%s", files[i]);
		assert_false(mm_show_file(m, path, &sb));
		snprintf(path, sizeof(path), "/proc/100/%s", files[i]);
		assert_false(mm_show_file(m, path, &sb));
	}
	sb_free(&sb);
	machine_destroy(m);
}

static long counter(struct machine *m, const char *name)
{
	long v = -1;

	if (!counter_read(m, name, &v))
		fail_msg("no counter %s", name);
	return v;
}

/*
 *   parent: | anon rw 16K: 2 pages written |  forked into child
 * proc.<name>.<field> reads what status and smaps_rollup print (kB) and
 * the VMA count; the dump has the same values; an exited process has no
 * counters; a machine without processes has none, and reading counters
 * does not create its process table.
 */
static void test_counters(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	struct task *parent, *child;
	struct sbuf sb;
	long v;
	int err;

	(void)state;
	sb_init(&sb);
	counter_dump(m, &sb);
	assert_null(strstr(sb.buf ? sb.buf : "", "proc."));
	assert_false(counter_read(m, "proc.parent.VmRSS", &v));
	assert_null(m->procs);

	parent = process(m, "parent");
	mmap_ok(m, parent, 0, 16 * K, RW, ANON, -1, 0);
	touch(m, parent, BASE - 16 * K, true);
	touch(m, parent, BASE - 12 * K, true);
	child = do_fork(m, parent, "child", &err);
	assert_non_null(child);
	assert_int_equal(counter(m, "proc.parent.VmRSS"), 8);
	assert_int_equal(counter(m, "proc.parent.RssAnon"), 8);
	assert_int_equal(counter(m, "proc.parent.RssFile"), 0);
	assert_int_equal(counter(m, "proc.parent.RssShmem"), 0);
	assert_int_equal(counter(m, "proc.parent.VmSize"), 16);
	assert_int_equal(counter(m, "proc.parent.VmHWM"), 8);
	assert_int_equal(counter(m, "proc.parent.VmPTE"), 12);
	assert_int_equal(counter(m, "proc.parent.nr_vmas"), 1);
	assert_int_equal(counter(m, "proc.parent.Pss"), 4);
	assert_int_equal(counter(m, "proc.child.Pss"), 4);
	assert_int_equal(counter(m, "proc.child.Shared_Dirty"), 8);
	assert_int_equal(counter(m, "proc.child.Referenced"), 0);
	assert_int_equal(counter(m, "proc.parent.AnonHugePages"), 0);
	assert_int_equal(counter(m, "proc.parent.ShmemPmdMapped"), 0);
	assert_int_equal(counter(m, "proc.parent.FilePmdMapped"), 0);
	assert_false(counter_read(m, "proc.parent.Nope", &v));
	assert_false(counter_read(m, "proc.paren.VmRSS", &v));
	assert_false(counter_read(m, "proc.nobody.VmRSS", &v));

	sb_reset(&sb);
	counter_dump(m, &sb);
	assert_non_null(strstr(sb.buf, "\nproc.parent.VmRSS 8\n"));
	assert_non_null(strstr(sb.buf, "\nproc.parent.Pss 4\n"));
	assert_non_null(strstr(sb.buf, "\nproc.child.nr_vmas 1\n"));
	assert_non_null(strstr(sb.buf, "\nproc.child.Pss_Anon 4\n"));

	do_exit(m, child, 0);
	assert_false(counter_read(m, "proc.child.Pss", &v));
	assert_int_equal(counter(m, "proc.parent.Pss"), 8);
	sb_reset(&sb);
	counter_dump(m, &sb);
	assert_null(strstr(sb.buf, "proc.child."));
	sb_free(&sb);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps),
		cmocka_unit_test(test_inode_numbers),
		cmocka_unit_test(test_smaps_anon_fork),
		cmocka_unit_test(test_smaps_shmem),
		cmocka_unit_test(test_rollup_empty),
		cmocka_unit_test(test_smaps_vmflags),
		cmocka_unit_test(test_thp_eligible),
		cmocka_unit_test(test_smaps_huge_pmd),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_memory),
		cmocka_unit_test(test_status_ids),
		cmocka_unit_test(test_missing_and_readonly),
		cmocka_unit_test(test_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
