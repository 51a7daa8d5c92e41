// SPDX-License-Identifier: GPL-2.0-only
/*
 * mman.c - names of mmap-family flags and errno values (see mman.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mman.h"
#include "sbuf.h"

#define N(x) { #x, x }

const struct mman_name mman_prot_names[] = {
	N(PROT_NONE), N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC), N(PROT_SEM), N(PROT_GROWSDOWN),
	N(PROT_GROWSUP), { NULL, 0 }
};

/* The types first: they are a value in the low nibble, not bits */
const struct mman_name mman_map_names[] = {
	N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_SHARED_VALIDATE),
	N(MAP_FIXED), N(MAP_ANONYMOUS), N(MAP_32BIT), N(MAP_GROWSDOWN), N(MAP_DENYWRITE),
	N(MAP_EXECUTABLE), N(MAP_LOCKED), N(MAP_NORESERVE), N(MAP_POPULATE),
	N(MAP_NONBLOCK), N(MAP_STACK), N(MAP_HUGETLB), N(MAP_SYNC),
	N(MAP_FIXED_NOREPLACE), N(MAP_UNINITIALIZED), N(MAP_HUGE_2MB), N(MAP_HUGE_1GB),
	{ "MAP_ANON", MAP_ANONYMOUS }, { NULL, 0 }
};

const struct mman_name mman_mremap_names[] = {
	N(MREMAP_MAYMOVE), N(MREMAP_FIXED), N(MREMAP_DONTUNMAP), { NULL, 0 }
};

const struct mman_name mman_madv_names[] = {
	N(MADV_NORMAL), N(MADV_RANDOM), N(MADV_SEQUENTIAL), N(MADV_WILLNEED),
	N(MADV_DONTNEED), N(MADV_FREE), N(MADV_REMOVE), N(MADV_DONTFORK), N(MADV_DOFORK),
	N(MADV_MERGEABLE), N(MADV_UNMERGEABLE), N(MADV_HUGEPAGE), N(MADV_NOHUGEPAGE),
	N(MADV_DONTDUMP), N(MADV_DODUMP), N(MADV_WIPEONFORK), N(MADV_KEEPONFORK),
	N(MADV_COLD), N(MADV_PAGEOUT), N(MADV_POPULATE_READ), N(MADV_POPULATE_WRITE),
	N(MADV_DONTNEED_LOCKED), N(MADV_COLLAPSE), { NULL, 0 }
};

const struct mman_name mman_open_names[] = {
	N(O_RDONLY), N(O_WRONLY), N(O_RDWR), N(O_CREAT), N(O_EXCL), N(O_TRUNC), { NULL, 0 }
};

const struct mman_name mman_falloc_names[] = {
	N(FALLOC_FL_KEEP_SIZE), N(FALLOC_FL_PUNCH_HOLE), N(FALLOC_FL_NO_HIDE_STALE),
	N(FALLOC_FL_COLLAPSE_RANGE), N(FALLOC_FL_ZERO_RANGE), N(FALLOC_FL_INSERT_RANGE),
	N(FALLOC_FL_UNSHARE_RANGE), { NULL, 0 }
};

const struct mman_name mman_errno_names[] = {
	N(EPERM), N(ENOENT), N(EINTR), N(EIO), N(EBADF), N(EAGAIN), N(ENOMEM), N(EACCES),
	N(EFAULT), N(EBUSY), N(EEXIST), N(ENODEV), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE),
	N(ETXTBSY), N(EFBIG), N(ENOSPC), N(ESPIPE), N(ENAMETOOLONG), N(EOVERFLOW),
	N(EOPNOTSUPP), { NULL, 0 }
};

/* What strerror says for each, fixed here so output does not depend on the libc */
static const struct { int e; const char *text; } errno_texts[] = {
	{ EPERM, "Operation not permitted" }, { ENOENT, "No such file or directory" },
	{ EINTR, "Interrupted system call" }, { EIO, "Input/output error" },
	{ EBADF, "Bad file descriptor" }, { EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" }, { EACCES, "Permission denied" },
	{ EFAULT, "Bad address" }, { EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" }, { ENODEV, "No such device" }, { EISDIR, "Is a directory" },
	{ EINVAL, "Invalid argument" }, { ENFILE, "Too many open files in system" },
	{ EMFILE, "Too many open files" }, { ETXTBSY, "Text file busy" },
	{ EFBIG, "File too large" }, { ENOSPC, "No space left on device" },
	{ ESPIPE, "Illegal seek" }, { ENAMETOOLONG, "File name too long" },
	{ EOVERFLOW, "Value too large for defined data type" },
	{ EOPNOTSUPP, "Operation not supported" },
};

const char *errno_name(int e)
{
	for (const struct mman_name *n = mman_errno_names; n->name; n++)
		if (n->value == e)
			return n->name;
	return NULL;
}

const char *errno_text(int e)
{
	for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++)
		if (errno_texts[i].e == e)
			return errno_texts[i].text;
	return "Unknown error";
}

bool errno_parse(const char *s, size_t len, int *e)
{
	for (const struct mman_name *n = mman_errno_names; n->name; n++) {
		if (strlen(n->name) == len && !memcmp(n->name, s, len)) {
			*e = (int)n->value;
			return true;
		}
	}
	return false;
}

void mman_format_flags(struct sbuf *sb, const struct mman_name *tab, long v, bool mmap_flags)
{
	bool first = true;
	long huge = 0;

	if (tab == mman_madv_names) {		/* a value, not bits */
		for (const struct mman_name *n = tab; n->name; n++) {
			if (n->value == v) {
				sb_printf(sb, "%s", n->name);
				return;
			}
		}
		sb_printf(sb, "%#lx /* MADV_??? */", v);
		return;
	}
	if (mmap_flags || tab == mman_open_names) {
		/* the low bits are a value: the mapping type, the access mode */
		long mask = mmap_flags ? MAP_TYPE : O_ACCMODE, type = v & mask;
		const char *tn = NULL;

		for (const struct mman_name *n = tab; n->name && !tn; n++)
			if (!(n->value & ~mask) && n->value == type &&
			    (type || tab == mman_open_names))
				tn = n->name;
		if (tn)
			sb_printf(sb, "%s", tn);
		else
			sb_printf(sb, "%#lx", type);
		first = false;
		v &= ~mask;
		if (mmap_flags) {
			huge = v & ((long)MAP_HUGE_MASK << MAP_HUGE_SHIFT);
			v &= ~huge;
		}
	}
	for (const struct mman_name *n = tab; n->name; n++) {
		if (!n->value || (n->value & (mmap_flags ? MAP_TYPE : 0)) ||
		    (tab == mman_open_names && !(n->value & ~O_ACCMODE)) ||
		    (mmap_flags && (n->value >> MAP_HUGE_SHIFT)) || !strcmp(n->name, "MAP_ANON") ||
		    (n->value & v) != n->value)
			continue;
		sb_printf(sb, "%s%s", first ? "" : "|", n->name);
		first = false;
		v &= ~n->value;
	}
	if (huge) {
		const char *hn = NULL;

		for (const struct mman_name *n = tab; n->name; n++)
			if (n->value == huge)
				hn = n->name;
		if (hn)
			sb_printf(sb, "|%s", hn);
		else
			v |= huge;
	}
	if (first && !v && tab == mman_prot_names)
		sb_printf(sb, "PROT_NONE");
	else if (v || first)
		sb_printf(sb, first ? "%#lx" : "|%#lx", v);
}

bool mman_parse_flags(const struct mman_name *tab, const char *s, size_t len, long *v,
		      const char **bad, size_t *badlen)
{
	size_t i = 0;

	*v = 0;
	while (i <= len) {
		size_t j = i;
		bool found = false;

		while (j < len && s[j] != '|')
			j++;
		if (j > i && (s[i] >= '0' && s[i] <= '9')) {
			char buf[32], *end;
			unsigned long x;

			if (j - i >= sizeof(buf))
				goto bad;
			memcpy(buf, s + i, j - i);
			buf[j - i] = 0;
			errno = 0;
			x = strtoul(buf, &end, 0);
			if (*end || errno == ERANGE)
				goto bad;
			*v |= (long)x;
			found = true;
		}
		for (const struct mman_name *n = tab; !found && n->name; n++) {
			if (strlen(n->name) == j - i && !memcmp(n->name, s + i, j - i)) {
				*v |= n->value;
				found = true;
			}
		}
		if (!found)
			goto bad;
		i = j + 1;
		continue;
bad:
		*bad = s + i;
		*badlen = j - i;
		return false;
	}
	return true;
}
