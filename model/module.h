/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * module.h - what a model module registers with the rest of the simulator.
 *
 * A module is one part of the model (the buddy allocator's views, hugetlb,
 * the vmemmap optimisation, ...).  It exports one const struct mm_module
 * naming what it provides to the outside:
 *
 *   files      the kernel files it serves, by path pattern (see struct
 *              mm_file), for `cat`/`echo` lines and snapshots;
 *   counters   the counter namespaces it provides ("hugepages.", "hvo."),
 *              for `expect`, `print counters`, snapshots and compare;
 *   families   the policy families whose mechanism it holds (policy.h).
 *
 * The view layer, the expect evaluator, the snapshot code and compare only
 * iterate these tables; none of them names a module.  Adding a module is
 * its own files plus one F(name) line in MM_MODULES (module.c).
 *
 * The tables are const: several machines coexist and nothing here is
 * per machine.
 */
#ifndef MMSIM_MODULE_H
#define MMSIM_MODULE_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct sbuf;
struct vout;
struct policy_family;

/*
 * A kernel file or a family of them.  The pattern is the path with
 * placeholders for the components that vary (filled into mm_file_args):
 *   %N   a node id, decimal ("node%N" matches node0, node1, ...)
 *   %K   a size in kB, decimal ("hugepages-%KkB")
 *   %P   a process id, decimal ("/proc/%P/smaps")
 *   %S   one path component (no '/'), e.g. the file name in a directory
 * Everything else matches literally.
 */
struct mm_file_args {
	int nid;		/* %N, or -1 */
	unsigned long kb;	/* %K, or 0 */
	long pid;		/* %P, or -1 */
	const char *name;	/* %S (points into the path), or NULL */
	size_t name_len;
};

struct mm_file {
	const char *pattern;
	/* The whole file as a view that also emits its counters, or NULL */
	void (*view)(struct machine *m, struct vout *vo);
	/* Or a handler; false when the arguments name nothing that exists */
	bool (*show)(struct machine *m, const struct mm_file_args *a, struct sbuf *sb);
	/* NULL: read-only.  0, or a negative errno with err filled */
	int (*store)(struct machine *m, const struct mm_file_args *a, const char *val,
		     char *err, size_t errlen);
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

#endif /* MMSIM_MODULE_H */
