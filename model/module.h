/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * module.h - what a model module registers with the rest of the simulator,
 * and the lookups that go through the registrations.
 *
 * A module is one part of the model (the buddy allocator's views, hugetlb,
 * the vmemmap optimisation, ...).  It exports one const struct mm_module
 * naming what it provides to the outside:
 *
 *   files      the kernel files it serves, by path pattern (see struct
 *              mm_file), for `cat`/`echo` lines, snapshots and `mmsim files`;
 *   counters   the counter namespaces it provides ("hugepages.", "hvo."),
 *              for `expect`, `print counters`, snapshots and compare;
 *   families   the policy families whose mechanism it holds (policy.h).
 *
 * The view layer, the expect evaluator, the snapshot code and compare only
 * call mm_show_file/mm_store_file/counter_read/counter_dump below, which
 * iterate these tables; none of them names a module.  Adding a module is
 * its own files plus one F(name) line in MM_MODULES (module.c).
 *
 * The tables are const: several machines coexist and nothing here is
 * per machine.
 *
 * Counter names.  A name is its namespace's prefix (up to and including
 * the first '.') and '.'-separated components: a node index is a bare
 * decimal component (buddyinfo.1.Normal.3, hugepages.1.2048kB.nr_hugepages,
 * hvo.heads_allocated.1), a zone its kernel name (DMA, DMA32, Normal,
 * Movable), a page size "<kB>kB".  Each module documents its names in its
 * header (vmstat.h, hugetlb.h, hugetlb_vmemmap.h) or, without a header,
 * at its emitter (node.c).
 */
#ifndef MMSIM_MODULE_H
#define MMSIM_MODULE_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct sbuf;
struct vout;
struct policy_family;
struct mm_file;

/*
 * A kernel file or a family of them.  The pattern is the path with
 * placeholders for the components that vary (filled into mm_file_args):
 *   %N   a node id: decimal, no sign, no leading zero ("node%N" matches
 *        node0, node1, ..., not node01), at most INT_MAX
 *   %K   a size in kB, written the same way, whose byte count fits an
 *        unsigned long ("hugepages-%KkB")
 *   %P   a process: its id, written the same way, at most INT_MAX
 *        ("/proc/100/smaps"), or its name as the scenario spells it, a
 *        letter or '_' then letters, digits and '_' ("/proc/parent/smaps")
 *   %M   a memory block id, written as a node id is ("memory%M": memory9)
 *   %S   the rest of a path component (no '/', not empty): the pattern
 *        goes on with '/' or ends after it
 * Everything else matches literally.  Whether a node, a size or a process
 * exists is the handler's business: the matcher only reads the numbers.
 */
struct mm_file_args {
	const char *path;		/* the whole path, for error texts */
	const struct mm_file *file;	/* the table entry that matched */
	int nid;			/* %N, or -1 */
	unsigned long kb;		/* %K, or 0 */
	long pid;			/* %P as a number, or -1 */
	const char *proc_name;		/* %P as a name (points into the path), or NULL */
	size_t proc_name_len;
	long block;			/* %M, or -1 */
	const char *name;		/* %S (points into the path), or NULL */
	size_t name_len;
	bool append;			/* a store through `>>` (O_APPEND), not `>` (O_TRUNC) */
};

struct mm_file {
	const char *pattern;
	/* The whole file as a view that also emits its counters, or NULL */
	void (*view)(struct machine *m, struct vout *vo);
	/* Or a handler; false when the arguments name nothing that exists */
	bool (*show)(struct machine *m, const struct mm_file_args *a, struct sbuf *sb);
	/*
	 * NULL: read-only.  Returns 0, -ENOENT (err left empty) when the
	 * arguments name nothing that exists, or a negative errno with err
	 * filled.
	 */
	int (*store)(struct machine *m, const struct mm_file_args *a, const char *val,
		     char *err, size_t errlen);
	/* The module's own number for the file, for handlers several files share */
	int tag;
	/*
	 * Optional: check a value before anything runs (the scenario parser
	 * calls it for `echo VALUE > FILE`), for what the kernel would refuse
	 * whatever the state: 0, or a negative errno with err filled and
	 * *errpos the offset in val the error is about.
	 */
	int (*check)(const struct mm_file_args *a, const char *val, size_t *errpos, char *err,
		     size_t errlen);
};

/* A counter namespace: every counter whose name starts with prefix */
struct counter_ns {
	const char *prefix;	/* up to and including the first '.' */
	void (*emit)(struct machine *m, struct vout *vo);
};

struct mm_module {
	const char *name;
	const struct mm_file *files;
	unsigned int nr_files;
	const struct counter_ns *counters;
	unsigned int nr_counters;
	const struct policy_family *const *families;
	unsigned int nr_families;
};

size_t mm_nr_modules(void);
const struct mm_module *mm_module_at(size_t i);

/* -------------------------------------------------------------------------
 * Files by path
 */

/* Does path match pattern?  Fills a (a->file stays NULL) */
bool mm_file_match(const char *pattern, const char *path, struct mm_file_args *a);

/*
 * Read a kernel file ("/proc/buddyinfo", "/sys/kernel/mm/hugepages/...").
 * The first pattern that matches, in module order, serves the path.
 * Returns false if the model has no such file or it cannot be read.
 */
/*
 * kstrtoull (lib/kstrtox.c), for the files' store handlers: an optional
 * '+', digits of @base (0: 0x... hex, 0... octal, else decimal), one
 * optional trailing newline and nothing else.  0, -EINVAL or -ERANGE.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);

bool mm_show_file(struct machine *m, const char *path, struct sbuf *sb);

/*
 * Write one ("echo 1 > /proc/sys/vm/compact_memory").  Returns 0, or a
 * negative errno with err filled (the scenario reports it): -ENOENT for
 * a file the model does not have; for a read-only one that exists -EIO
 * under /proc, -EINVAL under debugfs, -EACCES elsewhere in sysfs, as the
 * kernel answers.
 */
int mm_store_file(struct machine *m, const char *path, const char *val,
		  char *err, size_t errlen);

/*
 * The write an echo makes: through `>` (O_TRUNC), or `>>` with @append
 * (the handler sees a->append).  The same returns, and *no_file tells a
 * path the model has no file at from a write the file itself refused
 * with ENOENT (a handler does that by filling err; -ENOENT without a
 * reason means its arguments name nothing that exists).
 */
int mm_write_file(struct machine *m, const char *path, const char *val, bool append,
		  bool *no_file, char *err, size_t errlen);

/*
 * Check a value a scenario will write to path, before anything runs
 * (struct mm_file's check): 0 when it is fine or the file has no check
 * (or does not exist: running the write says so), else a negative errno
 * with err filled ("<what>", no path) and *errpos the offset in val.
 */
int mm_check_store(const char *path, const char *val, size_t *errpos, char *err, size_t errlen);

/* "FILE: write error: <strerror of e> (<what>)"; returns -e */
int mm_file_error(const struct mm_file_args *a, int e, const char *what, char *err,
		  size_t errlen);

/* The pattern as `mmsim files` prints it: %N as <nid>, %K <kB>, %P <pid>, %M <block>, %S <name> */
void mm_file_pattern_text(const char *pattern, struct sbuf *sb);
/* "r", "w" or "rw" */
const char *mm_file_mode(const struct mm_file *f);

/* -------------------------------------------------------------------------
 * Counters by name
 */

/*
 * The value of one counter: the namespace whose prefix starts the name
 * regenerates its counters and picks the one named.  Returns false for
 * an unknown name (val untouched).
 */
bool counter_read(struct machine *m, const char *name, long *val);
/*
 * Every counter, one "name value" line each: the modules in order, each
 * module's namespaces in its order; an emitter listed under several
 * prefixes runs once, at the first.
 */
void counter_dump(struct machine *m, struct sbuf *sb);

#endif /* MMSIM_MODULE_H */
