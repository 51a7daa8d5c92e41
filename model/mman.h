/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mman.h - the mmap family's flag values (include/uapi/asm-generic/mman*.h,
 * x86_64) and errno numbers, with names for the scenario parser and for
 * printing calls the way strace does.
 */
#ifndef MMSIM_MMAN_H
#define MMSIM_MMAN_H

#include <stdbool.h>
#include <stddef.h>

#define PROT_NONE		0x0
#define PROT_READ		0x1
#define PROT_WRITE		0x2
#define PROT_EXEC		0x4
#define PROT_SEM		0x8
#define PROT_GROWSDOWN		0x01000000
#define PROT_GROWSUP		0x02000000

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_32BIT		0x40	/* x86_64 */
#define MAP_GROWSDOWN		0x0100
#define MAP_DENYWRITE		0x0800
#define MAP_EXECUTABLE		0x1000
#define MAP_LOCKED		0x2000
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_NONBLOCK		0x10000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_SYNC		0x80000
#define MAP_FIXED_NOREPLACE	0x100000
#define MAP_UNINITIALIZED	0x4000000
#define MAP_HUGE_SHIFT		26
#define MAP_HUGE_MASK		0x3f
#define MAP_HUGE_2MB		(21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB		(30 << MAP_HUGE_SHIFT)

/*
 * Flags mmap accepts from MAP_SHARED_VALIDATE callers of a file without
 * mmap_supported_flags (tmpfs).  The kernel's mask also has MAP_32BIT
 * (0x40), which the model does not know: such calls fail here.
 */
#define LEGACY_MAP_MASK	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | \
			 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
			 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_HUGE_2MB | MAP_HUGE_1GB)

/* mremap(2) flags (include/uapi/linux/mman.h) */
#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

#define MADV_NORMAL		0
#define MADV_RANDOM		1
#define MADV_SEQUENTIAL		2
#define MADV_WILLNEED		3
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_REMOVE		9
#define MADV_DONTFORK		10
#define MADV_DOFORK		11
#define MADV_MERGEABLE		12
#define MADV_UNMERGEABLE	13
#define MADV_HUGEPAGE		14
#define MADV_NOHUGEPAGE		15
#define MADV_DONTDUMP		16
#define MADV_DODUMP		17
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#define MADV_DONTNEED_LOCKED	24
#define MADV_COLLAPSE		25

/* open(2) flags (x86_64) */
#define O_RDONLY		00
#define O_WRONLY		01
#define O_RDWR			02
#define O_ACCMODE		03
#define O_CREAT			0100
#define O_EXCL			0200
#define O_TRUNC			01000

/* fallocate(2) modes */
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define FALLOC_FL_NO_HIDE_STALE	0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE	0x10
#define FALLOC_FL_INSERT_RANGE	0x20
#define FALLOC_FL_UNSHARE_RANGE	0x40
#define FALLOC_FL_SUPPORTED_MASK 0x7f

struct mman_name {
	const char *name;
	long value;
};

/* NULL-terminated tables of names, for parsing and printing */
extern const struct mman_name mman_prot_names[];
extern const struct mman_name mman_map_names[];
extern const struct mman_name mman_mremap_names[];
extern const struct mman_name mman_madv_names[];
extern const struct mman_name mman_open_names[];
extern const struct mman_name mman_falloc_names[];
extern const struct mman_name mman_errno_names[];

/* The name of an errno value ("EINVAL"), or NULL */
const char *errno_name(int e);
/* Its text as strace prints it ("Invalid argument") */
const char *errno_text(int e);
/* Parse "EINVAL" */
bool errno_parse(const char *s, size_t len, int *e);

/*
 * Print flags as strace does: names joined by |, with what is left over
 * in hex; types (the low nibble of mmap flags) are one name, not bits.
 */
struct sbuf;
void mman_format_flags(struct sbuf *sb, const struct mman_name *tab, long v, bool mmap_flags);
/*
 * Parse NAME|NAME|0x10 into *v; returns false with *bad at the word it
 * did not know.
 */
bool mman_parse_flags(const struct mman_name *tab, const char *s, size_t len, long *v,
		      const char **bad, size_t *badlen);

#endif /* MMSIM_MMAN_H */
