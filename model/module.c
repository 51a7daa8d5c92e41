// SPDX-License-Identifier: GPL-2.0-only
/*
 * module.c - the list of model modules (see module.h) and the lookups
 * that iterate it: kernel files by path, counters by name.
 *
 * One F(name) per module; F(hugetlb) refers to
 * `const struct mm_module mm_module_hugetlb`, defined in the module's own
 * file.  The order is the order of `print counters`, of `mmsim policies`,
 * of `mmsim files` and of file lookups.  It keeps the counter order
 * `print counters` always had: the kernel views, hvo.*, node.*,
 * hugepages.*; then the processes' proc.*; the kernel's own boot
 * allocations' kmem.* last.  mremap registers only its policy family
 * (hugetlb-mremap), pagewalk only its own (pagewalk-lock).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "module.h"
#include "sbuf.h"
#include "vout.h"

#define MM_MODULES(F)		\
	F(vmstat)		\
	F(hugetlb_vmemmap)	\
	F(node)			\
	F(hugetlb)		\
	F(huge_memory)		\
	F(khugepaged)		\
	F(task_mmu)		\
	F(mremap)		\
	F(uprobes)		\
	F(trace_uprobe)		\
	F(sparse)		\
	F(pagewalk)		\
	F(memory_hotplug)	\
	F(boot_alloc)

#define MM_MODULE_DECLARE(n)	extern const struct mm_module mm_module_##n;
#define MM_MODULE_REF(n)	&mm_module_##n,
MM_MODULES(MM_MODULE_DECLARE)

static const struct mm_module *const mm_modules[] = {
	MM_MODULES(MM_MODULE_REF)
};

size_t mm_nr_modules(void)
{
	return sizeof(mm_modules) / sizeof(mm_modules[0]);
}

const struct mm_module *mm_module_at(size_t i)
{
	return i < mm_nr_modules() ? mm_modules[i] : NULL;
}

/* -------------------------------------------------------------------------
 * Files by path
 */

/* A number as a path component spells it: decimal, no sign, no leading zero */
static bool match_number(const char **pp, unsigned long max, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p) || (*p == '0' && isdigit((unsigned char)p[1])))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned long d = (unsigned long)(*p - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return true;
}

/* A process name as the scenario spells one: a letter or '_', then letters, digits, '_' */
static bool match_proc_name(const char **pp, const char **name, size_t *len)
{
	const char *p = *pp;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	*name = *pp;
	*len = (size_t)(p - *pp);
	*pp = p;
	return true;
}

bool mm_file_match(const char *pattern, const char *path, struct mm_file_args *a)
{
	const char *p = pattern, *s = path;
	unsigned long v;
	size_t n;

	*a = (struct mm_file_args){ .path = path, .nid = -1, .pid = -1, .block = -1 };
	while (*p) {
		if (*p != '%') {
			if (*s != *p)
				return false;
			p++;
			s++;
			continue;
		}
		switch (p[1]) {
		case 'N':
			if (!match_number(&s, INT_MAX, &v))
				return false;
			a->nid = (int)v;
			break;
		case 'K':
			if (!match_number(&s, ULONG_MAX >> 10, &v))
				return false;
			a->kb = v;
			break;
		case 'P':
			if (match_number(&s, INT_MAX, &v)) {
				a->pid = (long)v;
				a->proc_name = NULL;
				a->proc_name_len = 0;
			} else if (match_proc_name(&s, &a->proc_name, &a->proc_name_len)) {
				a->pid = -1;
			} else {
				return false;
			}
			break;
		case 'M':
			if (!match_number(&s, LONG_MAX, &v))
				return false;
			a->block = (long)v;
			break;
		case 'S':
			n = strcspn(s, "/");
			if (!n)
				return false;
			a->name = s;
			a->name_len = n;
			s += n;
			break;
		default:
			return false;	/* not a placeholder: the pattern is broken */
		}
		p += 2;
	}
	return *s == '\0';
}

static const struct mm_file *mm_file_find(const char *path, struct mm_file_args *a)
{
	*a = (struct mm_file_args){ .path = path, .nid = -1, .pid = -1, .block = -1 };
	for (size_t i = 0; i < mm_nr_modules(); i++) {
		const struct mm_module *mod = mm_modules[i];

		for (unsigned int j = 0; j < mod->nr_files; j++) {
			if (mm_file_match(mod->files[j].pattern, path, a)) {
				a->file = &mod->files[j];
				return a->file;
			}
		}
	}
	return NULL;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;
	const char *p = s;
	size_t n = 0;

	if (*p == '+')
		p++;
	if (!base || base == 16) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
			base = 16;
			p += 2;
		} else if (!base) {
			base = p[0] == '0' ? 8 : 10;
		}
	}
	for (;; p++, n++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (isxdigit((unsigned char)*p))
			d = (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (!n)
		return -EINVAL;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = v;
	return 0;
}

bool mm_show_file(struct machine *m, const char *path, struct sbuf *sb)
{
	struct mm_file_args a;
	const struct mm_file *f = mm_file_find(path, &a);

	if (!f)
		return false;
	if (f->view) {
		struct vout vo = { .sb = sb };

		f->view(m, &vo);
		return true;
	}
	return f->show && f->show(m, &a, sb);
}

/* A read-only file exists when it can be read */
static bool mm_file_readable(struct machine *m, const struct mm_file_args *a)
{
	struct sbuf scratch;
	bool ok;

	if (a->file->view)
		return true;
	if (!a->file->show)
		return false;
	sb_init(&scratch);
	ok = a->file->show(m, a, &scratch);
	sb_free(&scratch);
	return ok;
}

int mm_file_error(const struct mm_file_args *a, int e, const char *what, char *err,
		  size_t errlen)
{
	static const char *const reason[] = {
		[ENOENT] = "No such file or directory",
		[E2BIG] = "Argument list too long",
		[EIO] = "Input/output error",
		[EACCES] = "Permission denied",
		[EINVAL] = "Invalid argument",
		[ERANGE] = "Numerical result out of range",
		[EBUSY] = "Device or resource busy",
		[EEXIST] = "File exists",
		[ENOMEM] = "Cannot allocate memory",
		[EINTR] = "Interrupted system call",
	};

	if (err && errlen)
		snprintf(err, errlen, "%s: write error: %s (%s)", a->path,
			 e > 0 && e < (int)(sizeof(reason) / sizeof(reason[0])) && reason[e] ?
			 reason[e] : "error", what);
	return -e;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int mm_write_file(struct machine *m, const char *path, const char *val, bool append,
		  bool *no_file, char *err, size_t errlen)
{
	static const char missing[] = "not a file the model provides";
	struct mm_file_args a;
	const struct mm_file *f = mm_file_find(path, &a);
	char scratch[1];
	int e, ret;

	*no_file = true;
	if (!f)
		return mm_file_error(&a, ENOENT, missing, err, errlen);
	if (!f->store) {
		if (!mm_file_readable(m, &a))
			return mm_file_error(&a, ENOENT, missing, err, errlen);
		*no_file = false;
		/*
		 * proc seq files answer EIO (pde_write), but a /proc/<pid>
		 * file with no write method EINVAL (vfs_write: the file was
		 * opened without FMODE_CAN_WRITE); debugfs files without write
		 * EINVAL, sysfs files without write permission EACCES
		 */
		e = starts_with(path, "/sys/kernel/debug/") ? EINVAL :
		    starts_with(path, "/sys/") ? EACCES :
		    strstr(f->pattern, "%P") ? EINVAL : EIO;
		return mm_file_error(&a, e, "read-only file", err, errlen);
	}
	a.append = append;
	if (!err || !errlen) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	err[0] = '\0';
	ret = f->store(m, &a, val ? val : "", err, errlen);
	/* -ENOENT with no reason: the arguments name nothing that exists */
	if (ret == -ENOENT && !err[0])
		return mm_file_error(&a, ENOENT, missing, err, errlen);
	*no_file = false;
	return ret;
}

int mm_store_file(struct machine *m, const char *path, const char *val,
		  char *err, size_t errlen)
{
	bool no_file;

	return mm_write_file(m, path, val, false, &no_file, err, errlen);
}

int mm_check_store(const char *path, const char *val, size_t *errpos, char *err, size_t errlen)
{
	struct mm_file_args a;
	const struct mm_file *f = mm_file_find(path, &a);

	*errpos = 0;
	if (!f || !f->check)
		return 0;
	return f->check(&a, val ? val : "", errpos, err, errlen);
}

void mm_file_pattern_text(const char *pattern, struct sbuf *sb)
{
	for (const char *p = pattern; *p; p++) {
		const char *ph = NULL;

		if (*p == '%') {
			switch (p[1]) {
			case 'N': ph = "<nid>"; break;
			case 'K': ph = "<kB>"; break;
			case 'P': ph = "<pid>"; break;
			case 'M': ph = "<block>"; break;
			case 'S': ph = "<name>"; break;
			default: break;
			}
		}
		if (ph) {
			sb_puts(sb, ph);
			p++;
		} else {
			sb_printf(sb, "%c", *p);
		}
	}
}

const char *mm_file_mode(const struct mm_file *f)
{
	bool r = f->view || f->show, w = f->store;

	return r && w ? "rw" : r ? "r" : w ? "w" : "";
}

/* -------------------------------------------------------------------------
 * Counters by name
 */
bool counter_read(struct machine *m, const char *name, long *val)
{
	for (size_t i = 0; i < mm_nr_modules(); i++) {
		const struct mm_module *mod = mm_modules[i];

		for (unsigned int j = 0; j < mod->nr_counters; j++) {
			const struct counter_ns *ns = &mod->counters[j];
			struct vout vo = { .want = name };

			if (!starts_with(name, ns->prefix))
				continue;
			ns->emit(m, &vo);
			if (vo.found && val)
				*val = vo.val;
			return vo.found;
		}
	}
	return false;
}

/* Did a namespace before module i's j-th run the same emitter? */
static bool emitted_before(size_t i, unsigned int j)
{
	void (*emit)(struct machine *, struct vout *) = mm_modules[i]->counters[j].emit;

	for (size_t k = 0; k <= i; k++)
		for (unsigned int l = 0; l < (k < i ? mm_modules[k]->nr_counters : j); l++)
			if (mm_modules[k]->counters[l].emit == emit)
				return true;
	return false;
}

void counter_dump(struct machine *m, struct sbuf *sb)
{
	struct vout vo = { .dump = sb };

	for (size_t i = 0; i < mm_nr_modules(); i++)
		for (unsigned int j = 0; j < mm_modules[i]->nr_counters; j++)
			if (!emitted_before(i, j))
				mm_modules[i]->counters[j].emit(m, &vo);
}
