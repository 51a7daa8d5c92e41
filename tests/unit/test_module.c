// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_module.c - the module table: the path matcher and its
 * placeholders, the tables every module registers, file lookups and
 * counter lookups through them.
 *
 * The matcher is tested on patterns no module provides (a %S directory,
 * two %P in one path) as well as on the registered ones.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "module.h"
#include "sbuf.h"
#include "mman.h"
#include "mmap.h"
#include "filemap.h"
#include "task.h"

static bool match(const char *pattern, const char *path, struct mm_file_args *a)
{
	return mm_file_match(pattern, path, a);
}

/* A path that must not match, and leaves nothing half-parsed behind */
static void no_match(const char *pattern, const char *path)
{
	struct mm_file_args a;

	if (mm_file_match(pattern, path, &a))
		fail_msg("'%s' matched '%s'", path, pattern);
}

/* -------------------------------------------------------------------------
 * The matcher
 */

/* Literal patterns match exactly the whole path; unused fields are unset */
static void test_match_literal(void **state)
{
	struct mm_file_args a;
	const char *path = "/proc/buddyinfo";

	(void)state;
	assert_true(match("/proc/buddyinfo", path, &a));
	assert_ptr_equal(a.path, path);
	assert_null(a.file);
	assert_int_equal(a.nid, -1);
	assert_int_equal(a.kb, 0);
	assert_int_equal(a.pid, -1);
	assert_null(a.name);
	assert_int_equal(a.name_len, 0);
	no_match("/proc/buddyinfo", "/proc/buddyinf");
	no_match("/proc/buddyinfo", "/proc/buddyinfo/");
	no_match("/proc/buddyinfo", "/proc/buddyinfox");
	no_match("/proc/buddyinfo", "/proc//buddyinfo");
	no_match("/proc/buddyinfo", "/PROC/buddyinfo");
	no_match("/proc/buddyinfo", "");
	assert_true(match("", "", &a));
}

/* %M: a memory block directory, numbered as a node's is */
static void test_match_memory_block(void **state)
{
	static const char pat[] = "/sys/devices/system/memory/memory%M/state";
	struct mm_file_args a;

	(void)state;
	assert_true(match(pat, "/sys/devices/system/memory/memory9/state", &a));
	assert_int_equal(a.block, 9);
	assert_int_equal(a.nid, -1);
	assert_true(match(pat, "/sys/devices/system/memory/memory0/state", &a));
	assert_int_equal(a.block, 0);
	assert_true(match("/proc/buddyinfo", "/proc/buddyinfo", &a));
	assert_int_equal(a.block, -1);
	no_match(pat, "/sys/devices/system/memory/memory09/state");
	no_match(pat, "/sys/devices/system/memory/memory/state");
	no_match(pat, "/sys/devices/system/memory/memory0x9/state");
	no_match(pat, "/sys/devices/system/memory/memory-1/state");
}

/* %N and %K: a node directory and a size directory, as hugetlb uses them */
static void test_match_node_and_size(void **state)
{
	static const char pat[] = "/sys/devices/system/node/node%N/hugepages/hugepages-%KkB/x";
	struct mm_file_args a;
	char path[160];

	(void)state;
	assert_true(match(pat, "/sys/devices/system/node/node3/hugepages/hugepages-2048kB/x", &a));
	assert_int_equal(a.nid, 3);
	assert_int_equal(a.kb, 2048);
	assert_int_equal(a.pid, -1);
	assert_true(match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-0kB/x", &a));
	assert_int_equal(a.nid, 0);
	assert_int_equal(a.kb, 0);

	/* the largest node id and size the placeholders take, and one more */
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/"
		 "hugepages-%lukB/x", INT_MAX, ULONG_MAX >> 10);
	assert_true(match(pat, path, &a));
	assert_int_equal(a.nid, INT_MAX);
	assert_true(a.kb == ULONG_MAX >> 10);
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%ld/hugepages/"
		 "hugepages-2048kB/x", (long)INT_MAX + 1);
	no_match(pat, path);
	snprintf(path, sizeof(path), "/sys/devices/system/node/node0/hugepages/"
		 "hugepages-%lukB/x", (ULONG_MAX >> 10) + 1);
	no_match(pat, path);
	/* (2^54 + 2048) kB is 2 MiB modulo 2^64: refused, not wrapped */
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-18014398509484032kB/x");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/"
		 "hugepages-99999999999999999999999999kB/x");

	/* bad numbers: empty, signed, leading zero, hex, blank */
	no_match(pat, "/sys/devices/system/node/node/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node-1/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node+1/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node01/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node0x1/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node 1/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-02048kB/x");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-kB/x");
	/* trailing garbage after a number, or after the whole pattern */
	no_match(pat, "/sys/devices/system/node/node1a/hugepages/hugepages-2048kB/x");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-2048kb/x");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/xy");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/x/");
	no_match(pat, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/");
}

/* %P: a process file, by pid */
static void test_match_process(void **state)
{
	static const char pat[] = "/proc/%P/smaps";
	struct mm_file_args a;
	char path[64];

	(void)state;
	assert_true(match(pat, "/proc/1/smaps", &a));
	assert_int_equal(a.pid, 1);
	assert_int_equal(a.nid, -1);
	assert_int_equal(a.kb, 0);
	assert_true(match(pat, "/proc/4194304/smaps", &a));
	assert_int_equal(a.pid, 4194304);
	assert_true(match(pat, "/proc/0/smaps", &a));
	assert_int_equal(a.pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/smaps", INT_MAX);
	assert_true(match(pat, path, &a));
	assert_int_equal(a.pid, INT_MAX);
	snprintf(path, sizeof(path), "/proc/%ld/smaps", (long)INT_MAX + 1);
	no_match(pat, path);
	no_match(pat, "/proc/184467440737095516160/smaps");
	no_match(pat, "/proc//smaps");
	no_match(pat, "/proc/-1/smaps");
	no_match(pat, "/proc/+1/smaps");
	no_match(pat, "/proc/01/smaps");
	no_match(pat, "/proc/12x/smaps");
	no_match(pat, "/proc/12/smaps_rollup");
	no_match(pat, "/proc/12/smaps/");
	no_match(pat, "/proc/12");
	no_match(pat, "/proc/12/");

	/* two placeholders in one path */
	assert_true(match("/proc/%P/task/%P/stat", "/proc/7/task/9/stat", &a));
	assert_int_equal(a.pid, 9);	/* the last one */
	assert_null(a.proc_name);
}

/*
 *   /proc/parent/smaps     %P = the name "parent", pid -1
 *   /proc/100/smaps        %P = pid 100, no name
 * %P also takes a process name as the scenario spells one (a letter or
 * '_', then letters, digits and '_'); a number is always a pid, and
 * anything else matches nothing.
 */
static void test_match_process_name(void **state)
{
	static const char pat[] = "/proc/%P/smaps";
	const char *path = "/proc/parent/smaps";
	struct mm_file_args a;

	(void)state;
	assert_true(match(pat, path, &a));
	assert_int_equal(a.pid, -1);
	assert_ptr_equal(a.proc_name, path + strlen("/proc/"));
	assert_int_equal(a.proc_name_len, strlen("parent"));
	assert_true(match(pat, "/proc/_x9_/smaps", &a));
	assert_int_equal(a.proc_name_len, 4);
	assert_true(match(pat, "/proc/self/smaps", &a));	/* a name; no process has it */
	assert_int_equal(a.proc_name_len, 4);
	assert_true(match(pat, "/proc/100/smaps", &a));
	assert_int_equal(a.pid, 100);
	assert_null(a.proc_name);
	assert_int_equal(a.proc_name_len, 0);
	no_match(pat, "/proc/9lives/smaps");
	no_match(pat, "/proc/a-b/smaps");
	no_match(pat, "/proc/a.b/smaps");
	no_match(pat, "/proc/-x/smaps");
	no_match(pat, "/proc/parent/smaps_rollup");
	no_match(pat, "/proc/parent/");
	/* two: the last one decides */
	assert_true(match("/proc/%P/task/%P/stat", "/proc/p/task/9/stat", &a));
	assert_int_equal(a.pid, 9);
	assert_null(a.proc_name);
	assert_true(match("/proc/%P/task/%P/stat", "/proc/7/task/q/stat", &a));
	assert_int_equal(a.pid, -1);
	assert_memory_equal(a.proc_name, "q", 1);
}

/* %S: one path component, not empty, no '/' */
static void test_match_name(void **state)
{
	struct mm_file_args a;
	const char *path = "/sys/kernel/debug/extfrag/foo";

	(void)state;
	assert_true(match("/sys/kernel/debug/extfrag/%S", path, &a));
	assert_ptr_equal(a.name, path + strlen("/sys/kernel/debug/extfrag/"));
	assert_int_equal(a.name_len, 3);
	assert_true(match("/proc/%P/%S/x", "/proc/5/fdinfo/x", &a));
	assert_int_equal(a.pid, 5);
	assert_int_equal(a.name_len, 6);
	assert_memory_equal(a.name, "fdinfo", 6);
	no_match("/sys/kernel/debug/extfrag/%S", "/sys/kernel/debug/extfrag/");
	no_match("/sys/kernel/debug/extfrag/%S", "/sys/kernel/debug/extfrag/a/b");
	no_match("/proc/%P/%S/x", "/proc/5//x");
	no_match("/proc/%P/%S/x", "/proc/5/fdinfo/y");
}

/* A '%' that is no placeholder makes a broken pattern, which matches nothing */
static void test_match_broken_pattern(void **state)
{
	(void)state;
	no_match("/proc/%X", "/proc/%X");
	no_match("/proc/%X", "/proc/1");
	no_match("/proc/%", "/proc/%");
	no_match("/proc/%", "/proc/");
}

static void dummy_view(struct machine *m, struct vout *vo)
{
}

static bool dummy_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	return false;
}

static int dummy_store(struct machine *m, const struct mm_file_args *a, const char *val,
		       char *err, size_t errlen)
{
	return 0;
}

/* How `mmsim files` writes a pattern, and a file's mode */
static void test_pattern_text_and_mode(void **state)
{
	struct mm_file f = { .pattern = "/a" };
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	mm_file_pattern_text("/sys/devices/system/node/node%N/hugepages/hugepages-%KkB/"
			     "nr_hugepages", &sb);
	assert_string_equal(sb.buf, "/sys/devices/system/node/node<nid>/hugepages/"
			    "hugepages-<kB>kB/nr_hugepages");
	sb_reset(&sb);
	mm_file_pattern_text("/proc/%P/%S", &sb);
	assert_string_equal(sb.buf, "/proc/<pid>/<name>");
	sb_reset(&sb);
	mm_file_pattern_text("/sys/devices/system/memory/memory%M/valid_zones", &sb);
	assert_string_equal(sb.buf, "/sys/devices/system/memory/memory<block>/valid_zones");
	sb_reset(&sb);
	mm_file_pattern_text("/proc/buddyinfo", &sb);
	assert_string_equal(sb.buf, "/proc/buddyinfo");
	sb_free(&sb);

	assert_string_equal(mm_file_mode(&f), "");
	f.store = dummy_store;
	assert_string_equal(mm_file_mode(&f), "w");
	f.show = dummy_show;
	assert_string_equal(mm_file_mode(&f), "rw");
	f.store = NULL;
	assert_string_equal(mm_file_mode(&f), "r");
	f.show = NULL;
	f.view = dummy_view;
	assert_string_equal(mm_file_mode(&f), "r");
}

/* -------------------------------------------------------------------------
 * The registered tables
 */

/*
 * Every module has a name; every file a pattern of literal text and known
 * placeholders, one way to be read at most and at least one access; no
 * pattern twice; every counter prefix ends at its only '.', and no prefix
 * twice (the first would hide the second).
 */
static void test_tables(void **state)
{
	size_t n = mm_nr_modules();

	(void)state;
	assert_true(n >= 4);
	assert_null(mm_module_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct mm_module *mod = mm_module_at(i);

		assert_non_null(mod->name);
		assert_true(mod->nr_files == 0 || mod->files);
		assert_true(mod->nr_counters == 0 || mod->counters);
		for (unsigned int j = 0; j < mod->nr_files; j++) {
			const struct mm_file *f = &mod->files[j];

			assert_true(f->pattern[0] == '/');
			for (const char *p = strchr(f->pattern, '%'); p; p = strchr(p + 2, '%'))
				if (!p[1] || !strchr("NKPMS", p[1]))
					fail_msg("%s: bad placeholder", f->pattern);
			if (f->view && f->show)
				fail_msg("%s: both a view and a show handler", f->pattern);
			assert_true(mm_file_mode(f)[0] != '\0');
			for (size_t k = 0; k <= i; k++) {
				const struct mm_module *o = mm_module_at(k);

				for (unsigned int l = 0; l < (k < i ? o->nr_files : j); l++)
					if (!strcmp(o->files[l].pattern, f->pattern))
						fail_msg("%s: listed twice", f->pattern);
			}
		}
		for (unsigned int j = 0; j < mod->nr_counters; j++) {
			const char *pre = mod->counters[j].prefix;
			size_t len = strlen(pre);

			assert_non_null(mod->counters[j].emit);
			assert_true(len >= 2 && pre[len - 1] == '.' && strchr(pre, '.') == pre + len - 1);
			for (size_t k = 0; k <= i; k++) {
				const struct mm_module *o = mm_module_at(k);

				for (unsigned int l = 0; l < (k < i ? o->nr_counters : j); l++)
					if (!strcmp(o->counters[l].prefix, pre))
						fail_msg("%s: registered twice", pre);
			}
		}
	}
}

/* The pattern with sample values: node 0, 2 MiB pages, pid 100, memory block 1, name "x" */
static void instantiate(const char *pattern, char *buf, size_t len)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 16 < len; p++) {
		if (*p != '%') {
			buf[o++] = *p;
			continue;
		}
		p++;
		o += (size_t)snprintf(buf + o, len - o, "%s", *p == 'N' ? "0" :
				      *p == 'K' ? "2048" : *p == 'P' ? "100" : *p == 'M' ? "1" : "x");
	}
	buf[o] = '\0';
}

/*
 * On a booted 2-node machine with one process (pid 100, one VMA), every
 * registered file with sample values resolves to its own table entry and
 * behaves as its mode says: readable ones read, write-only ones do not; a
 * read-only one refuses a write with the kernel's errno for where it
 * lives, and the message names the path.
 */
static void test_every_file(void **state)
{
	struct machine *m = t_machine(2, 128, 2);
	struct sbuf sb;
	struct task *t;
	int e;

	(void)state;
	t = task_create(m, "x", &e);
	assert_non_null(t);	/* with one mapping, so that its maps is not empty */
	assert_true(ksys_mmap_pgoff(m, t, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0) > 0);
	/* a uprobe event x/x, so that uprobe_events and events/x/x/enable have something */
	{
		char err[256];

		assert_int_equal(shmem_mount(m, "/mnt", "", err, sizeof(err)), 0);
		assert_int_equal(do_truncate_path(m, "/mnt/p", 4096), 0);
		bool no_file;

		assert_int_equal(mm_write_file(m, "/sys/kernel/tracing/uprobe_events",
					       "p:x/x /mnt/p:0", true, &no_file, err, sizeof(err)), 0);
	}
	sb_init(&sb);
	for (size_t i = 0; i < mm_nr_modules(); i++) {
		const struct mm_module *mod = mm_module_at(i);

		for (unsigned int j = 0; j < mod->nr_files; j++) {
			const struct mm_file *f = &mod->files[j];
			const char *mode = mm_file_mode(f);
			char path[256], err[512] = "";
			struct mm_file_args a;
			bool readable;

			instantiate(f->pattern, path, sizeof(path));
			assert_true(mm_file_match(f->pattern, path, &a));
			sb_reset(&sb);
			readable = mm_show_file(m, path, &sb);
			if (readable != (strchr(mode, 'r') != NULL))
				fail_msg("%s (%s): readable %d", path, mode, readable);
			if (readable && sb.len == 0)
				fail_msg("%s: empty", path);
			if (strcmp(mode, "r"))
				continue;
			int want = !strncmp(path, "/sys/kernel/debug/", 18) ? -EINVAL :
				   !strncmp(path, "/sys/", 5) ? -EACCES :
				   strstr(f->pattern, "%P") ? -EINVAL : -EIO;

			assert_int_equal(mm_store_file(m, path, "1", err, sizeof(err)), want);
			assert_true(!strncmp(err, path, strlen(path)));
			assert_non_null(strstr(err, ": write error: "));
			assert_non_null(strstr(err, "(read-only file)"));
		}
	}
	sb_free(&sb);
	machine_destroy(m);
}

/*
 * Missing files: a path no pattern matches, or whose numbers name a node,
 * size or file the machine lacks, is ENOENT with the model's message,
 * read-only or not.
 */
static void test_missing_files(void **state)
{
	static const char *const missing[] = {
		"/proc/nope",
		"/proc/sys/vm/nope",
		"/sys/devices/system/node/node2/hugepages/hugepages-2048kB/free_hugepages",
		"/sys/devices/system/node/node2/hugepages/hugepages-2048kB/nr_hugepages",
		"/sys/kernel/mm/hugepages/hugepages-4096kB/resv_hugepages",
		"/sys/kernel/mm/hugepages/hugepages-4096kB/nr_hugepages",
		"/sys/kernel/mm/hugepages/hugepages-02048kB/nr_hugepages",
	};
	struct machine *m = t_machine(2, 128, 2);
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		char err[512] = "", want[512];

		snprintf(want, sizeof(want), "%s: write error: No such file or directory "
			 "(not a file the model provides)", missing[i]);
		assert_int_equal(mm_store_file(m, missing[i], "1", err, sizeof(err)), -ENOENT);
		assert_string_equal(err, want);
		assert_false(mm_show_file(m, missing[i], &sb));
	}
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Counters through the table
 */

/*
 * The dump of a booted 2-node machine with a hugepage: every line reads
 * back through counter_read with its value, every name starts with a
 * registered prefix, and today's namespaces come in the order `print
 * counters` has always printed them (a new module's may follow).
 */
static void test_counter_dump_and_read(void **state)
{
	static const char *const order[] = {
		"vmstat.", "meminfo.", "buddyinfo.", "pagetypeinfo.", "blocks.", "zoneinfo.",
		"unusable_index.", "extfrag_index.", "hvo.", "node.", "hugepages.",
	};
	struct machine *m = t_machine(2, 128, 2);
	char err[256], *text, *line, *save = NULL;
	size_t next = 0, lines = 0;
	struct sbuf sb;

	(void)state;
	assert_int_equal(mm_store_file(m, "/sys/kernel/mm/hugepages/hugepages-2048kB/"
				       "nr_hugepages", "1", err, sizeof(err)), 0);
	sb_init(&sb);
	counter_dump(m, &sb);
	text = sb_steal(&sb);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');
		long want, got = -42;
		bool known = false;

		assert_non_null(sp);
		*sp = '\0';
		want = strtol(sp + 1, NULL, 10);
		if (!counter_read(m, line, &got) || got != want)
			fail_msg("%s: dumped %ld, read %ld", line, want, got);
		for (size_t i = 0; i < mm_nr_modules(); i++)
			for (unsigned int j = 0; j < mm_module_at(i)->nr_counters; j++)
				known |= !strncmp(line, mm_module_at(i)->counters[j].prefix,
						  strlen(mm_module_at(i)->counters[j].prefix));
		if (!known)
			fail_msg("%s: no namespace", line);
		/* the namespaces of order[] first appear in that order */
		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			if (strncmp(line, order[i], strlen(order[i])) || i < next)
				continue;
			if (i != next)
				fail_msg("%s before any %s counter", line, order[next]);
			next++;
		}
		lines++;
	}
	assert_int_equal(next, ARRAY_SIZE(order));
	assert_true(lines > 500);
	free(text);

	long v = 0;

	assert_true(counter_read(m, "hugepages.2048kB.nr_hugepages", &v));
	assert_int_equal(v, 1);
	assert_true(counter_read(m, "meminfo.HugePages_Total", &v));
	assert_int_equal(v, 1);
	assert_true(counter_read(m, "hvo.heads_allocated.1", &v));
	assert_true(counter_read(m, "node.1.free_pages", &v));
	assert_true(v > 0);
	v = 77;
	assert_false(counter_read(m, "hvo.heads_allocated.2", &v));
	assert_false(counter_read(m, "hvo.heads_allocated.node0", &v));
	assert_false(counter_read(m, "node.2.free_pages", &v));
	assert_false(counter_read(m, "nope.1", &v));
	assert_false(counter_read(m, "hvo", &v));
	assert_int_equal(v, 77);
	machine_destroy(m);
}

/* kstrtoull, the one number parser of the files' store handlers */
static void test_kstrtoull(void **state)
{
	unsigned long long v = 7;

	(void)state;
	assert_int_equal(kstrtoull("42\n", 10, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kstrtoull("+8", 10, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(kstrtoull("0x1f", 0, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(kstrtoull("010", 0, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(kstrtoull("0", 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtoull("18446744073709551615", 10, &v), 0);
	assert_true(v == ~0ULL);
	v = 7;
	assert_int_equal(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(kstrtoull("", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("-1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("12a", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("08", 0, &v), -EINVAL);	/* octal has no 8 */
	assert_int_equal(kstrtoull("1\n\n", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("0x", 0, &v), -EINVAL);
	assert_int_equal(v, 7);	/* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kstrtoull),
		cmocka_unit_test(test_match_literal),
		cmocka_unit_test(test_match_node_and_size),
		cmocka_unit_test(test_match_memory_block),
		cmocka_unit_test(test_match_process),
		cmocka_unit_test(test_match_process_name),
		cmocka_unit_test(test_match_name),
		cmocka_unit_test(test_match_broken_pattern),
		cmocka_unit_test(test_pattern_text_and_mode),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_every_file),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_counter_dump_and_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
