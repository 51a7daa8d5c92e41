// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench.c - the benchmark driver.  Prints the figures the budgets in
 * docs/design.md (Budgets) and issue 16 are about, each with its wall
 * and CPU time, the ratio to its budget where it has one, and (with
 * --instructions) the instructions it took:
 *
 *   pcp      order-0 alloc+free pairs per second through the per-cpu lists
 *   buddy    the same with the per-cpu lists disabled (high 0, batch 1),
 *            on a zone fragmented to one free page in two
 *   boot     wall time and peak host RSS to boot and print /proc/buddyinfo
 *            for a 128 GiB two-node machine and a 1 TiB machine
 *   proc     processes: anonymous faults, mmap + munmap, mremap moves of
 *            1 MiB (PTE by PTE) and of 2 MiB aligned (PMD entries), fork
 *   hugetlb  hugetlb faults (2 MiB pages from a reserved pool), mmap +
 *            touch + munmap of a 1 GiB MAP_HUGETLB mapping of 2 MiB pages,
 *            and mremap moves of such a mapping, touched (512 entries)
 *   khugepaged  pages khugepaged scans per second (2 MiB ranges it gives up
 *            on after reading their 512 PTEs: read-only) and collapses per
 *            second (4 KiB anonymous pages into THPs), on 1 GiB (--quick:
 *            256 MiB) of one process
 *   sparse   memory hot-add + remove cycles per second (arch_add_memory,
 *            arch_remove_memory) of a 2 MiB sub-section and of a 128 MiB
 *            section, 72-byte struct pages
 *   hotplug  offline + online cycles per second of one 128 MiB block of
 *            boot memory through its sysfs state file, free, and with
 *            2048 movable pages that offlining migrates out; section
 *            hot-add + online + offline + remove cycles per second (the
 *            probe file, state, remove_memory)
 *   seed000  the seed-000 experiment as `mmsim run --quiet
 *            scenarios/seed000/hvo-2m.scn` runs it (boot 2 x 64 GiB, 32768
 *            2 MiB hugepages on node 0 twice, with a drain between), under
 *            every hvo policy and with HVO off (--quick: reuse-head,
 *            new-head and off); process time and peak RSS of a child process
 *   scale    only with --only scale: boot + buddyinfo of 1, 4 and 16 TiB
 *            (two nodes), and seed 000's full-node write (every 2 MiB page
 *            of node 0, HVO on) on 2 x {8 .. 256} GiB under reuse-head and
 *            new-head-6.12, each size in a child, with the ratio of time
 *            and RSS to the size before (--quick: 1 TiB, 2 x {8, 16, 32})
 *
 * Each boot, seed-000 and scale figure comes from a child process, so its
 * peak RSS and its CPU time (user + system, from wait4) are its own.
 * Children run under a host memory limit (--host-mem-limit, host.h): one
 * that would go over it stops, and its figure is printed as not measured.  Other
 * figures' CPU time is the driver's user + system time over the measured
 * part, and rates are per CPU second (the driver is one thread: what one
 * core did), so a loaded machine changes them less than wall time.  Wall
 * and CPU time depend on the machine's load; instructions do not.
 * --instructions first runs the same figures (at --quick sizes) under
 * `valgrind --tool=callgrind` with collection off except inside
 * each measured part, which dumps its count under the figure's name
 * (client requests, valgrind/callgrind.h), then runs them natively and
 * prints the count per operation beside each.  perf_event_open is not
 * available on the project's machines, so callgrind is the counter.
 *
 * When a sibling binary mmsim-bench-jemalloc exists (the same driver
 * linked with jemalloc), the driver runs it too and prints both columns;
 * that is how the project decides whether jemalloc earns its place.
 *
 *   mmsim-bench [--quick] [--only FIGURES] [--no-jemalloc] [--instructions]
 *               [--host-mem-limit SIZE]
 *   mmsim-bench --help
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#else
#define BENCH_HAVE_CALLGRIND 0
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_TOGGLE_COLLECT do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
#endif

#include "machine.h"
#include "page.h"
#include "page_alloc.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "khugepaged.h"
#include "memory_hotplug.h"
#include "memory.h"
#include "migrate.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "task.h"
#include "module.h"
#include "sparse.h"
#include "vmstat.h"
#include "host.h"
#include "scn.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_sec(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* User + system time of this process so far */
static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return tv_sec(ru.ru_utime) + tv_sec(ru.ru_stime);
}

/*
 * One measured part: wall and CPU time between meas_begin and meas_end,
 * and, under callgrind, the instructions in between, dumped under
 * "fig=KEY ops=N" for the parent to read (see instr_collect).  Parts do
 * not nest: collection is toggled on and off around each.
 */
struct meas {
	double wall, cpu;		/* seconds */
	double t0, c0;
};

static void meas_begin(struct meas *ms)
{
	ms->c0 = cpu_now();
	ms->t0 = now();
	if (RUNNING_ON_VALGRIND)
		CALLGRIND_TOGGLE_COLLECT;
}

static void meas_end(struct meas *ms, const char *key, long ops)
{
	if (RUNNING_ON_VALGRIND) {
		char name[128];

		CALLGRIND_TOGGLE_COLLECT;
		snprintf(name, sizeof(name), "fig=%s ops=%ld", key, ops);
		CALLGRIND_DUMP_STATS_AT(name);
	}
	ms->wall = now() - ms->t0;
	ms->cpu = cpu_now() - ms->c0;
}

static struct machine *bench_machine(int nodes, unsigned long gb_per_node, int cpus)
{
	struct machine_opts o;
	char err[256];
	struct machine *m;

	machine_opts_default(&o);
	o.nr_nodes = nodes;
	for (int n = 0; n < nodes; n++)
		o.node[n].mem_bytes = gb_per_node << 30;
	o.nr_cpus = cpus;
	m = machine_create(&o, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "mmsim-bench: %s\n", err);
		exit(1);
	}
	return m;
}

/* order-0 GFP_KERNEL alloc+free pairs per second */
static double bench_pairs(struct machine *m, long pairs, struct meas *ms, const char *key)
{
	meas_begin(ms);
	for (long i = 0; i < pairs; i++) {
		unsigned long pfn = __alloc_pages(m, GFP_KERNEL, 0, 0);

		if (pfn == PFN_NONE) {
			fprintf(stderr, "mmsim-bench: allocation failed\n");
			exit(1);
		}
		__free_pages(m, pfn, 0);
	}
	meas_end(ms, key, pairs);
	return (double)pairs / ms->cpu;
}

static double bench_pcp(long pairs, struct meas *ms)
{
	struct machine *m = bench_machine(1, 4, 2);
	double r = bench_pairs(m, pairs, ms, "pcp");

	machine_destroy(m);
	return r;
}

static double bench_buddy(long pairs, struct meas *ms)
{
	struct machine *m = bench_machine(1, 1, 2);
	struct zone *z;
	unsigned long *held = malloc(sizeof(unsigned long) * 300000);
	long n = 0;
	double r;

	/* fragment: take everything movable can get, give back every other page */
	for (;;) {
		unsigned long pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 0, 0);

		if (pfn == PFN_NONE || n == 300000)
			break;
		held[n++] = pfn;
	}
	for (long i = 0; i < n; i += 2)
		__free_pages(m, held[i], 0);
	drain_all_pages(m, NULL);
	/* disable the per-cpu lists: every pair goes to the buddy lists */
	for_each_zone_of(m, z)
		if (z->pcp)
			for (int c = 0; c < m->nr_cpus; c++) {
				z->pcp[c].high = 0;
				z->pcp[c].batch = 1;
			}
	r = bench_pairs(m, pairs, ms, "buddy");
	free(held);
	machine_destroy(m);
	return r;
}

struct boot_fig {
	double seconds;
	long rss_kb;
	size_t store_bytes;
	long hugepages;
	struct meas ms;		/* cpu: the child's whole user + system time */
	struct meas part;	/* a part the job measures itself (scale: the write) */
	int status;		/* the child's exit status; -1: killed */
};

/* The host memory a child may use (--host-mem-limit): over it, it exits HOST_EXIT_OOM */
static size_t child_mem_limit;

/*
 * Run job(arg) in a child process, so its peak RSS and CPU time are its
 * own; the child fills the figure's seconds from the time job returns,
 * and RSS and store size from the machine job hands back (kept alive
 * until measured).  key names the figure's instruction count.
 */
static struct boot_fig in_child(struct machine *(*job)(void *arg, struct boot_fig *f), void *arg,
				const char *key)
{
	struct boot_fig f = { 0 };
	struct rusage ru;
	int fd[2], st;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd))
		exit(1);
	pid = fork();
	if (pid == 0) {
		struct machine *m;

		host_mem.limit = child_mem_limit;
		meas_begin(&f.ms);
		m = job(arg, &f);
		meas_end(&f.ms, key, 1);
		f.seconds = f.ms.wall;
		f.store_bytes = m ? fstore_host_bytes(m) : 0;
		getrusage(RUSAGE_SELF, &ru);
		f.rss_kb = ru.ru_maxrss;
		if (write(fd[1], &f, sizeof(f)) != sizeof(f))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &f, sizeof(f)) != sizeof(f))
		f.seconds = -1;
	close(fd[0]);
	f.status = -1;
	if (wait4(pid, &st, 0, &ru) == pid) {
		f.ms.cpu = tv_sec(ru.ru_utime) + tv_sec(ru.ru_stime);
		if (WIFEXITED(st))
			f.status = WEXITSTATUS(st);
		if (f.status)
			f.rss_kb = ru.ru_maxrss;
	}
	return f;
}

struct boot_job {
	int nodes;
	unsigned long gb_per_node;
};

/* Boot and print /proc/buddyinfo */
static struct machine *boot_job(void *arg, struct boot_fig *f)
{
	struct boot_job *j = arg;
	struct machine *m = bench_machine(j->nodes, j->gb_per_node, 8);
	struct sbuf sb;

	(void)f;
	sb_init(&sb);
	show_buddyinfo(m, &sb);
	sb_free(&sb);
	return m;
}

/*
 * The seed-000 experiment as `mmsim run --quiet scenarios/seed000/hvo-2m.scn
 * --policy hvo=NAME` runs it; NAME "off" runs it with
 * hugetlb_free_vmemmap=off instead (its expects about HVO then fail,
 * which changes nothing the figure measures).
 */
#ifndef MMSIM_SOURCE_DIR
#define MMSIM_SOURCE_DIR "."
#endif
#define SEED000_SCN	MMSIM_SOURCE_DIR "/scenarios/seed000/hvo-2m.scn"

static struct machine *seed000_job(void *arg, struct boot_fig *f)
{
	const char *pol = arg;
	struct scn_run_opts o = { .quiet = true, .check = SCN_CHECK_OFF };
	struct policy_set ps = { 0 };
	struct scn_script *scr;
	struct scn_result r;
	struct scn_diag d;
	struct sbuf text;
	int errnum;
	char *on;

	sb_init(&text);
	if (scn_read_text(SEED000_SCN, &text, &errnum) != SCN_READ_OK) {
		fprintf(stderr, "mmsim-bench: cannot read %s\n", SEED000_SCN);
		_exit(1);
	}
	if (!strcmp(pol, "off")) {
		/* the command line's, not the header comment's first mention */
		on = strstr(text.buf, "\ncmdline hugetlb_free_vmemmap=on");
		if (!on) {
			fprintf(stderr, "mmsim-bench: %s has no hugetlb_free_vmemmap=on line\n",
				SEED000_SCN);
			_exit(1);
		}
		memcpy(on + strlen("\ncmdline hugetlb_free_vmemmap="), "no", 2);
	} else if (!policy_set_pick(&ps, "hvo", pol)) {
		_exit(1);
	}
	scr = scn_parse_string(SEED000_SCN, text.buf, &d);
	if (!scr)
		_exit(1);
	o.policies = &ps;
	o.out = o.err = NULL;
	o.want_counters = true;
	scn_result_init(&r);
	scn_run(scr, &o, &r);
	/* the pool after the second write */
	{
		const char *c = strstr(r.counters.buf ? r.counters.buf : "",
				       "hugepages.0.2048kB.nr_hugepages ");

		f->hugepages = c ? atol(c + strlen("hugepages.0.2048kB.nr_hugepages ")) : -1;
	}
	scn_result_free(&r);
	scn_script_free(scr);
	sb_free(&text);
	return NULL;
}

/* ---- processes ---------------------------------------------------------- */

struct proc_figs {
	double faults_per_s;		/* anonymous write faults, 4 KiB each */
	double mmap_pairs_per_s;	/* mmap + munmap of 1 MiB */
	double fork_s, fork_thp_s;	/* fork with 1 GiB touched: 4 KiB pages, THPs */
	double mremap_1m_per_s;		/* mremap moves of 1 MiB touched: PTE by PTE */
	double mremap_2m_per_s;		/* of 2 MiB touched, 2 MiB aligned: one PTE table */
	struct meas faults, mmap, mremap_1m, mremap_2m, fork, fork_thp;
};

static struct task *bench_task(struct machine *m, bool thp)
{
	int err;
	struct task *t = task_create(m, "bench", &err);

	if (!t) {
		fprintf(stderr, "mmsim-bench: cannot create a process\n");
		exit(1);
	}
	thp_settings(m)->enabled = thp ? THP_ALWAYS : THP_NEVER;
	return t;
}

static uint64_t bench_map(struct machine *m, struct task *t, uint64_t len)
{
	long a = ksys_mmap_pgoff(m, t, 0, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a < 0) {
		fprintf(stderr, "mmsim-bench: mmap failed: %ld\n", a);
		exit(1);
	}
	return (uint64_t)a;
}

static void bench_touch(struct machine *m, struct task *t, uint64_t a, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		if (user_access(m, t->mm, a + off, true) != UA_OK) {
			fprintf(stderr, "mmsim-bench: fault failed\n");
			exit(1);
		}
}

/*
 * mremap(MREMAP_MAYMOVE|MREMAP_FIXED) of a touched anonymous mapping of
 * len back and forth between two addresses, n moves: per second
 */
static double bench_mremap(struct machine *m, struct task *t, uint64_t a, uint64_t b,
			   uint64_t len, long n, struct meas *ms, const char *key)
{
	if (ksys_mmap_pgoff(m, t, a, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (long)a) {
		fprintf(stderr, "mmsim-bench: mmap at %#llx failed\n", (unsigned long long)a);
		exit(1);
	}
	bench_touch(m, t, a, len);
	meas_begin(ms);
	for (long i = 0; i < n; i++) {
		uint64_t from = i & 1 ? b : a, to = i & 1 ? a : b;

		if (sys_mremap(m, t, from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) != (long)to) {
			fprintf(stderr, "mmsim-bench: mremap failed\n");
			exit(1);
		}
	}
	meas_end(ms, key, n);
	vm_munmap(m, t, n & 1 ? b : a, len);
	return (double)n / ms->cpu;
}

static struct proc_figs bench_proc(bool quick)
{
	struct machine *m = bench_machine(1, 64, 2);
	struct proc_figs f;
	uint64_t len = quick ? (1UL << 30) : (8UL << 30), a;
	struct task *t = bench_task(m, false), *c;
	long pairs = quick ? 100000 : 1000000;
	int err;

	a = bench_map(m, t, len);
	meas_begin(&f.faults);
	bench_touch(m, t, a, len);
	meas_end(&f.faults, "faults", (long)(len >> PAGE_SHIFT));
	f.faults_per_s = (double)(len >> PAGE_SHIFT) / f.faults.cpu;
	vm_munmap(m, t, a, len);

	meas_begin(&f.mmap);
	for (long i = 0; i < pairs; i++)
		vm_munmap(m, t, bench_map(m, t, 1UL << 20), 1UL << 20);
	meas_end(&f.mmap, "mmap", pairs);
	f.mmap_pairs_per_s = (double)pairs / f.mmap.cpu;

	/* 1 MiB not 2 MiB aligned: PTEs one by one; 2 MiB aligned: PMD entries */
	f.mremap_1m_per_s = bench_mremap(m, t, 0x10001000UL, 0x20001000UL, 1UL << 20,
					 quick ? 20000 : 200000, &f.mremap_1m, "mremap-1m");
	f.mremap_2m_per_s = bench_mremap(m, t, 0x10000000UL, 0x20000000UL, 2UL << 20,
					 quick ? 200000 : 2000000, &f.mremap_2m, "mremap-2m");

	a = bench_map(m, t, 1UL << 30);
	bench_touch(m, t, a, 1UL << 30);
	meas_begin(&f.fork);
	c = do_fork(m, t, "child", &err);
	meas_end(&f.fork, "fork", 1);
	f.fork_s = f.fork.cpu;
	do_exit(m, c, 0);
	do_exit(m, t, 0);

	t = bench_task(m, true);
	a = bench_map(m, t, 1UL << 30);
	bench_touch(m, t, a, 1UL << 30);
	meas_begin(&f.fork_thp);
	c = do_fork(m, t, "child", &err);
	meas_end(&f.fork_thp, "fork-thp", 1);
	f.fork_thp_s = f.fork_thp.cpu;
	machine_destroy(m);
	return f;
}

/* ---- hugetlb ------------------------------------------------------------------- */

struct hugetlb_figs {
	double faults_per_s;		/* write faults of 2 MiB hugetlb pages */
	double gb_cycles_per_s;		/* mmap + touch + munmap of 1 GiB (512 pages) */
	double gb_moves_per_s;		/* mremap of 1 GiB touched, to and fro */
	struct meas faults, gb_cycles, gb_moves;
};

static uint64_t bench_map_huge(struct machine *m, struct task *t, uint64_t len)
{
	long a = ksys_mmap_pgoff(m, t, 0, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (a < 0) {
		fprintf(stderr, "mmsim-bench: hugetlb mmap failed: %ld\n", a);
		exit(1);
	}
	return (uint64_t)a;
}

/* One store per huge page: the fault, then nothing more to fault */
static void bench_touch_huge(struct machine *m, struct task *t, uint64_t a, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PMD_SIZE)
		if (user_access(m, t->mm, a + off, true) != UA_OK) {
			fprintf(stderr, "mmsim-bench: hugetlb fault failed\n");
			exit(1);
		}
}

static struct hugetlb_figs bench_hugetlb(bool quick)
{
	struct machine *m = bench_machine(1, 64, 2);
	unsigned long pool = quick ? 4096 : 16384;	/* 8 or 32 GiB */
	long rounds = quick ? 4 : 8, cycles = quick ? 200 : 1000;
	struct hugetlb_figs f = { 0 };
	struct task *t;
	double t0, c0;

	hugetlb_set_max_huge_pages(m, hugetlb_default_hstate(m), pool, NUMA_NO_NODE);
	if (hugetlb_default_hstate(m)->nr_huge_pages != pool) {
		fprintf(stderr, "mmsim-bench: the hugetlb pool got %lu pages\n",
			hugetlb_default_hstate(m)->nr_huge_pages);
		exit(1);
	}
	t = bench_task(m, false);
	t0 = c0 = 0;
	for (long r = 0; r < rounds; r++) {
		uint64_t a = bench_map_huge(m, t, pool * PMD_SIZE);

		/* the faults' time only: one measured part per round */
		meas_begin(&f.faults);
		bench_touch_huge(m, t, a, pool * PMD_SIZE);
		meas_end(&f.faults, "hugetlb-faults", (long)pool);
		t0 += f.faults.wall;
		c0 += f.faults.cpu;
		vm_munmap(m, t, a, pool * PMD_SIZE);
	}
	f.faults.wall = t0;
	f.faults.cpu = c0;
	f.faults_per_s = (double)(pool * rounds) / c0;

	meas_begin(&f.gb_cycles);
	for (long i = 0; i < cycles; i++) {
		uint64_t a = bench_map_huge(m, t, 1UL << 30);

		bench_touch_huge(m, t, a, 1UL << 30);
		vm_munmap(m, t, a, 1UL << 30);
	}
	meas_end(&f.gb_cycles, "hugetlb-1g-cycles", cycles);
	f.gb_cycles_per_s = (double)cycles / f.gb_cycles.cpu;

	/* a private mapping (no PMD sharing): move_hugetlb_page_tables, 512 entries a move */
	{
		uint64_t a = bench_map_huge(m, t, 1UL << 30), at[2] = { 4UL << 30, 8UL << 30 };

		bench_touch_huge(m, t, a, 1UL << 30);
		if (sys_mremap(m, t, a, 1UL << 30, 1UL << 30, MREMAP_MAYMOVE | MREMAP_FIXED,
			       at[0]) != (long)at[0]) {
			fprintf(stderr, "mmsim-bench: hugetlb mremap failed\n");
			exit(1);
		}
		meas_begin(&f.gb_moves);
		for (long i = 0; i < cycles; i++)
			if (sys_mremap(m, t, at[i & 1], 1UL << 30, 1UL << 30,
				       MREMAP_MAYMOVE | MREMAP_FIXED, at[!(i & 1)]) !=
			    (long)at[!(i & 1)]) {
				fprintf(stderr, "mmsim-bench: hugetlb mremap failed\n");
				exit(1);
			}
		meas_end(&f.gb_moves, "hugetlb-1g-moves", cycles);
		f.gb_moves_per_s = (double)cycles / f.gb_moves.cpu;
		vm_munmap(m, t, at[cycles & 1], 1UL << 30);
	}
	machine_destroy(m);
	return f;
}

/* ---- khugepaged ---------------------------------------------------------- */

struct kh_figs {
	double scanned_per_s;		/* pages of scan progress per second */
	double collapses_per_s;		/* anonymous 2 MiB ranges collapsed per second */
	struct meas scan, collapse;
};

/* Wake khugepaged until a full scan ends; returns the seconds it took */
static double bench_khugepaged_until_full_scan(struct machine *m, struct meas *ms,
					       const char *key, long ops)
{
	const struct khugepaged_stats *st = khugepaged_stats(m);
	unsigned long full = st->full_scans;

	meas_begin(ms);
	while (st->full_scans == full)
		khugepaged_do_scan(m);
	meas_end(ms, key, ops);
	return ms->cpu;
}

static struct kh_figs bench_khugepaged(bool quick)
{
	struct machine *m = bench_machine(1, 4, 2);
	const struct khugepaged_stats *st = khugepaged_stats(m);
	uint64_t len = quick ? (256UL << 20) : (1UL << 30), a;
	struct task *t = bench_task(m, false);
	unsigned long scanned, collapsed;
	struct kh_figs f;
	double secs;

	khugepaged_settings(m)->pages_to_scan = 64 * HPAGE_PMD_NR;
	a = bench_map(m, t, len);
	bench_touch(m, t, a, len);
	/* THP "never" at fault time, "always" for khugepaged */
	thp_settings(m)->enabled = THP_ALWAYS;
	do_madvise(m, t, a, len, MADV_HUGEPAGE);

	/* read-only: each range is scanned to its last PTE, then given up */
	do_mprotect_pkey(m, t, a, len, PROT_READ);
	scanned = st->pages_scanned;
	secs = bench_khugepaged_until_full_scan(m, &f.scan, "khugepaged-scan",
						(long)(len >> PAGE_SHIFT));
	f.scanned_per_s = (double)(st->pages_scanned - scanned) / secs;

	do_mprotect_pkey(m, t, a, len, PROT_READ | PROT_WRITE);
	collapsed = st->pages_collapsed;
	secs = bench_khugepaged_until_full_scan(m, &f.collapse, "khugepaged-collapse",
						(long)(len >> PMD_SHIFT));
	f.collapses_per_s = (double)(st->pages_collapsed - collapsed) / secs;
	if (st->pages_collapsed - collapsed < (len >> PMD_SHIFT) - 1) {
		fprintf(stderr, "mmsim-bench: khugepaged collapsed only %lu ranges\n",
			st->pages_collapsed - collapsed);
		exit(1);
	}
	machine_destroy(m);
	return f;
}

/* ---- sparse ------------------------------------------------------------- */
/*
 * Memory hot-add and remove cycles per second (arch_add_memory +
 * arch_remove_memory, model/sparse.c) on a 1 GiB machine with 72-byte
 * struct pages: one 2 MiB sub-section above 4G (its memmap in base pages),
 * and one whole 128 MiB section (2 MiB PMDs, one of them partly used, so
 * the sub-PMD rules mark it 0xFD and check all of it on removal).
 */
struct sparse_figs {
	double sub_per_s, sec_per_s;
	struct meas sub, sec;
};

static double bench_hotplug_cycles(struct machine *m, unsigned long nr_pages, long cycles,
				   struct meas *ms, const char *key)
{
	struct mhp_params p = { .pgprot = PAGE_KERNEL };
	const unsigned long base = (4UL << 30) >> PAGE_SHIFT;

	meas_begin(ms);
	for (long i = 0; i < cycles; i++) {
		/* walk over 16 sections, so the PMDs are not always the same */
		unsigned long pfn = base + (unsigned long)(i % 16) * 2 * PAGES_PER_SECTION;

		if (arch_add_memory(m, 0, pfn, nr_pages, &p)) {
			fprintf(stderr, "mmsim-bench: arch_add_memory failed\n");
			exit(1);
		}
		arch_remove_memory(m, pfn, nr_pages, NULL);
	}
	meas_end(ms, key, cycles);
	if (m->fail.failed) {
		fprintf(stderr, "mmsim-bench: %s\n", m->fail.msg);
		exit(1);
	}
	return (double)cycles / ms->cpu;
}

static struct sparse_figs bench_sparse(bool quick)
{
	struct machine_opts o;
	struct machine *m;
	struct sparse_figs f;
	char err[256];

	machine_opts_default(&o);
	o.node[0].mem_bytes = 1UL << 30;
	o.struct_page_size = 72;
	m = machine_create(&o, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "mmsim-bench: %s\n", err);
		exit(1);
	}
	f.sub_per_s = bench_hotplug_cycles(m, PAGES_PER_SUBSECTION, quick ? 20000 : 200000,
					   &f.sub, "hotadd-subsection");
	f.sec_per_s = bench_hotplug_cycles(m, PAGES_PER_SECTION, quick ? 500 : 5000,
					   &f.sec, "hotadd-section");
	machine_destroy(m);
	return f;
}

/* ---- memory hotplug ------------------------------------------------------ */

struct hotplug_figs {
	double free_cycles_per_s;	/* offline + online of a free 128 MiB block */
	double migrate_cycles_per_s;	/* the same with 8 MiB of movable pages to migrate */
	double hotadd_cycles_per_s;	/* probe + online + offline + remove of a 128 MiB block */
	struct meas free_cycles, migrate_cycles, hotadd_cycles;
};

static void bench_set_block(struct machine *m, const char *path, const char *state)
{
	char err[512];

	if (mm_store_file(m, path, state, err, sizeof(err))) {
		fprintf(stderr, "mmsim-bench: %s\n", err);
		exit(1);
	}
}

/*
 * One 128 MiB block of a 4 GiB machine, offline and online again, as
 * `echo offline > .../memory5/state` and `echo online > ...` do it: first
 * free, then holding 2048 movable pages that each offline migrates out
 * (they come back as the next cycle's pages are put there again).
 */
static struct hotplug_figs bench_hotplug(bool quick)
{
	static const char state[] = "/sys/devices/system/memory/memory5/state";
	struct machine *m = bench_machine(1, 4, 2);
	unsigned long base = 5UL << (27 - PAGE_SHIFT);
	int cycles = quick ? 50 : 500;
	struct hotplug_figs f = { 0 };
	double secs, cpu;

	meas_begin(&f.free_cycles);
	for (int i = 0; i < cycles; i++) {
		bench_set_block(m, state, "offline");
		bench_set_block(m, state, "online");
	}
	meas_end(&f.free_cycles, "offline-online", cycles);
	f.free_cycles_per_s = cycles / f.free_cycles.cpu;

	/* only the offline and online are timed, not putting the pages there */
	cycles /= 5;
	secs = cpu = 0;
	for (int i = 0; i < cycles; i++) {
		for (unsigned long p = base; p < base + 2048; p++) {
			if (alloc_contig_range(m, p, p + 1, MIGRATE_MOVABLE, GFP_KERNEL)) {
				fprintf(stderr, "mmsim-bench: no page at %#lx\n", p);
				exit(1);
			}
			mm_mark_movable_data(m, p, 0);
		}
		meas_begin(&f.migrate_cycles);
		bench_set_block(m, state, "offline");
		bench_set_block(m, state, "online");
		meas_end(&f.migrate_cycles, "offline-online-migrate", 1);
		secs += f.migrate_cycles.wall;
		cpu += f.migrate_cycles.cpu;
	}
	f.migrate_cycles.wall = secs;
	f.migrate_cycles.cpu = cpu;
	f.migrate_cycles_per_s = cycles / cpu;

	/*
	 * A block above the machine's memory, hot-added through the probe
	 * file, onlined, offlined and removed (remove_memory, as a driver
	 * does): section, memmap, block device, zone span, all of it.
	 */
	{
		uint64_t addr = ((uint64_t)m->max_pfn << PAGE_SHIFT) + (1ULL << 30);
		char path[96], val[32];
		unsigned long id;

		addr &= ~((128ULL << 20) - 1);
		id = (unsigned long)(addr >> 27);
		snprintf(val, sizeof(val), "%#llx", (unsigned long long)addr);
		snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%lu/state", id);
		cycles = quick ? 50 : 500;
		meas_begin(&f.hotadd_cycles);
		for (int i = 0; i < cycles; i++) {
			bench_set_block(m, "/sys/devices/system/memory/probe", val);
			bench_set_block(m, path, "online");
			bench_set_block(m, path, "offline");
			if (remove_memory(m, addr, 128ULL << 20)) {
				fprintf(stderr, "mmsim-bench: remove_memory: %s\n", m->hotplug->why);
				exit(1);
			}
		}
		meas_end(&f.hotadd_cycles, "hotadd-online-offline-remove", cycles);
		f.hotadd_cycles_per_s = cycles / f.hotadd_cycles.cpu;
	}
	machine_destroy(m);
	return f;
}

/* ---- reporting ------------------------------------------------------------ */

/*
 * Instruction counts from the callgrind run, by figure: summed over the
 * dumps of one key (a figure measured in several parts dumps each).
 */
struct instr {
	char key[64];
	double instructions, ops;
};

struct report {
	struct instr *in;
	size_t nr_in;
	bool want_instr;	/* --instructions: print the column, even if empty */
};

static const struct instr *instr_find(const struct report *rp, const char *key)
{
	for (size_t i = 0; i < rp->nr_in; i++)
		if (!strcmp(rp->in[i].key, key))
			return &rp->in[i];
	return NULL;
}

static void instr_add(struct report *rp, const char *key, double ir, double ops)
{
	struct instr *e = (struct instr *)instr_find(rp, key);

	if (!e) {
		rp->in = realloc(rp->in, (rp->nr_in + 1) * sizeof(*rp->in));
		if (!rp->in)
			exit(1);
		e = &rp->in[rp->nr_in++];
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->instructions = e->ops = 0;
	}
	e->instructions += ir;
	e->ops += ops;
}

/* Read every callgrind dump in dir: "Trigger: Client Request: fig=K ops=N", "totals: I" */
static void instr_collect(struct report *rp, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[4096], line[512], key[64] = "";
		double ir = -1, ops = 0;
		FILE *f;

		if (strncmp(de->d_name, "cg.", 3))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			const char *c = strstr(line, "Client Request: fig=");

			if (c)
				sscanf(c + strlen("Client Request: fig="), "%63s ops=%lf", key, &ops);
			else if (!strncmp(line, "totals:", 7))
				ir = atof(line + 7);
		}
		fclose(f);
		unlink(path);
		if (key[0] && ir >= 0)
			instr_add(rp, key, ir, ops);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Run this driver again under callgrind, collection off except in the
 * measured parts, at --quick sizes, its output thrown away; then read the
 * counts.  args: the options to pass on (--only, not --instructions).
 */
static bool instr_run(struct report *rp, const char *self, const char *only)
{
	char dir[] = "/tmp/mmsim-bench-XXXXXX", out[128];
	const char *argv[16];
	int n = 0, st;
	pid_t pid;

	if (!mkdtemp(dir))
		return false;
	snprintf(out, sizeof(out), "--callgrind-out-file=%s/cg.%%p", dir);
	argv[n++] = "valgrind";
	argv[n++] = "--tool=callgrind";
	argv[n++] = "--collect-atstart=no";
	argv[n++] = "-q";
	argv[n++] = out;
	argv[n++] = self;
	argv[n++] = "--quick";
	argv[n++] = "--no-jemalloc";
	if (only) {
		argv[n++] = "--only";
		argv[n++] = only;
	}
	argv[n] = NULL;
	fprintf(stderr, "mmsim-bench: counting instructions under callgrind (--quick sizes)...\n");
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], (char **)argv);
		fprintf(stderr, "mmsim-bench: cannot run valgrind (tools/deps.sh installs it)\n");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		instr_collect(rp, dir);
		return false;
	}
	instr_collect(rp, dir);
	return true;
}

/* A budget: value at least (or at most) limit, in the figure's unit */
struct budget {
	double limit;
	bool at_least;
	const char *text;	/* how it is written, e.g. ">= 40 M/s" */
};

#define NO_BUDGET	((struct budget){ 0, false, NULL })
#define AT_LEAST(l, t)	((struct budget){ (l), true, (t) })
#define AT_MOST(l, t)	((struct budget){ (l), false, (t) })

static void print_budget(double value, struct budget b)
{
	double r;

	if (!b.text)
		return;
	r = value / b.limit;
	printf("  [budget %s: %.2fx%s]", b.text, r,
	       (b.at_least ? r >= 1 : r <= 1) ? "" : " MISSED");
}

/*
 * One figure's line: label, value (already formatted), wall and CPU time,
 * instructions per op (per unit named by per), the budget ratio of value.
 */
static void print_fig_nonl(const struct report *rp, const char *label, const char *value,
			   const struct meas *ms, const char *key, const char *per, double v,
			   struct budget b)
{
	const struct instr *in = instr_find(rp, key);

	printf("  %-42s %-24s wall %7.3f s  cpu %7.3f s", label, value, ms->wall, ms->cpu);
	if (in && in->ops > 0) {
		double ipo = in->instructions / in->ops;

		if (ipo >= 1e6)
			printf("  %8.1f M instr%s%s", ipo / 1e6, per ? "/" : "", per ? per : "");
		else
			printf("  %8.0f instr%s%s", ipo, per ? "/" : "", per ? per : "");
	} else if (rp->want_instr) {
		printf("  %8s instr", "-");
	}
	print_budget(v, b);
}

static void print_fig(const struct report *rp, const char *label, const char *value,
		      const struct meas *ms, const char *key, const char *per, double v,
		      struct budget b)
{
	print_fig_nonl(rp, label, value, ms, key, per, v, b);
	putchar('\n');
}

/* ---- scale ---------------------------------------------------------------- */
/*
 * How costs grow with the machine: boot of 1, 4 and 16 TiB (two nodes,
 * the boot figure's job), and the full-node write of seed 000 (every
 * 2 MiB page of node 0 asked for at once, HVO on, under reuse-head and
 * new-head-6.12) on 2 x {8 .. 256} GiB.  Each size runs in a child under
 * the host memory limit; a child over it exits HOST_EXIT_OOM and its
 * size is printed as not measured.
 */
struct write_job {
	unsigned long gb_per_node;
	const char *policy;
};

static struct machine *write_job(void *arg, struct boot_fig *f)
{
	struct write_job *j = arg;
	struct machine_opts o;
	char err[256];
	struct machine *m;
	struct hstate *h;
	unsigned long want = j->gb_per_node << (30 - PMD_SHIFT);

	machine_opts_default(&o);
	o.nr_nodes = 2;
	o.node[0].mem_bytes = o.node[1].mem_bytes = j->gb_per_node << 30;
	o.nr_cpus = 4;
	o.no_deferred_struct_page_init = true;
	o.hugetlb_free_vmemmap = true;
	if (!policy_set_pick(&o.policies, "hvo", j->policy))
		_exit(1);
	m = machine_create(&o, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "mmsim-bench: %s\n", err);
		_exit(1);
	}
	h = hugetlb_size_to_hstate(m, PMD_SIZE);
	meas_begin(&f->part);
	hugetlb_set_max_huge_pages(m, h, want, 0);
	meas_end(&f->part, "scale-write", 1);
	f->hugepages = (long)h->nr_huge_pages;
	return m;
}

/* MemAvailable from /proc/meminfo, in bytes; 0 if unknown */
static size_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb << 10;
}

static void bench_scale(const struct report *rp, bool quick)
{
	static const unsigned long boot_tb[] = { 1, 4, 16 };
	static const unsigned long write_gb[] = { 8, 16, 32, 64, 128, 256 };
	static const char *const pols[] = { "reuse-head", "new-head-6.12" };
	unsigned int nb = quick ? 1 : 3, nw = quick ? 3 : 6;
	double prev_cpu = 0, prev_rss = 0;
	char value[96], lab[64];

	printf("  scale: children limited to %zu MiB of host memory (--host-mem-limit); "
	       "MemAvailable %zu MiB\n", child_mem_limit >> 20, mem_available() >> 20);
	for (unsigned int i = 0; i < nb; i++) {
		struct boot_job j = { 2, boot_tb[i] << 9 };
		struct boot_fig f;

		snprintf(lab, sizeof(lab), "boot + buddyinfo, %lu TiB (2 nodes):", boot_tb[i]);
		/* the last size measured says what this one would need: linear growth */
		if (i && prev_rss * (double)(boot_tb[i] / boot_tb[i - 1]) * 1024 >
			 (double)child_mem_limit) {
			printf("  %-42s not measured: about %.0f MiB of RSS (%lux the %lu TiB "
			       "boot's), over the limit of %zu MiB\n", lab,
			       prev_rss * (double)(boot_tb[i] / boot_tb[i - 1]),
			       boot_tb[i] / boot_tb[i - 1], boot_tb[i - 1], child_mem_limit >> 20);
			prev_rss *= (double)(boot_tb[i] / boot_tb[i - 1]);
			continue;
		}
		snprintf(value, sizeof(value), "boot-%lut", boot_tb[i]);
		f = in_child(boot_job, &j, value);
		if (f.status) {
			printf("  %-42s not measured: the child %s\n", lab,
			       f.status == HOST_EXIT_OOM ? "went over the host memory limit"
							 : "failed");
			break;
		}
		snprintf(value, sizeof(value), "RSS %5ld MiB (store %zu)", f.rss_kb / 1024,
			 f.store_bytes >> 20);
		print_fig_nonl(rp, lab, value, &f.ms, "", NULL, 0, NO_BUDGET);
		if (i && prev_cpu > 0)
			printf("  x%.2f cpu, x%.2f RSS for x%lu", f.ms.cpu / prev_cpu,
			       (double)f.rss_kb / 1024 / prev_rss, boot_tb[i] / boot_tb[i - 1]);
		putchar('\n');
		prev_cpu = f.ms.cpu;
		prev_rss = (double)f.rss_kb / 1024;
	}
	for (unsigned int p = 0; p < 2; p++) {
		prev_cpu = prev_rss = 0;
		for (unsigned int i = 0; i < nw; i++) {
			struct write_job j = { write_gb[i], pols[p] };
			struct boot_fig f;

			snprintf(lab, sizeof(lab), "node write, 2 x %lu GiB, %s:", write_gb[i],
				 pols[p]);
			f = in_child(write_job, &j, "scale");
			if (f.status) {
				printf("  %-42s not measured: the child %s\n", lab,
				       f.status == HOST_EXIT_OOM ? "went over the host memory limit"
								 : "failed");
				break;
			}
			snprintf(value, sizeof(value), "RSS %5ld MiB, %6ld pages", f.rss_kb / 1024,
				 f.hugepages);
			/* the write's own time; the child's CPU time with boot beside it */
			printf("  %-42s %-26s write: wall %7.3f s  cpu %7.3f s  (child cpu %7.3f s)",
			       lab, value, f.part.wall, f.part.cpu, f.ms.cpu);
			if (i && prev_cpu > 0)
				printf("  x%.2f cpu, x%.2f RSS for x2", f.part.cpu / prev_cpu,
				       (double)f.rss_kb / 1024 / prev_rss);
			if (write_gb[i] == 128 && p == 1)
				print_budget(f.part.cpu, AT_MOST(1, "write cpu < 1 s"));
			putchar('\n');
			prev_cpu = f.part.cpu;
			prev_rss = (double)f.rss_kb / 1024;
		}
	}
}

/* "512M", "8G", "1T" or bytes; 0 on a bad size */
static size_t parse_size(const char *a)
{
	char *end;
	unsigned long long v = strtoull(a, &end, 0);
	int shift = 0;

	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end || end == a || v > (~0ULL >> shift))
		return 0;
	return (size_t)(v << shift);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: mmsim-bench [--quick] [--only FIGURES] [--no-jemalloc] [--instructions]\n"
"                   [--host-mem-limit SIZE]\n"
"       mmsim-bench --help\n"
"\n"
"Prints mmsim's benchmark figures, each with its wall and CPU time and, where\n"
"docs/design.md or issue 16 sets one, the ratio to its budget (MISSED when\n"
"the budget does not hold).\n"
"\n"
"  --quick          smaller counts (seconds instead of a minute)\n"
"  --only FIGURES   one group: pcp buddy boot proc hugetlb khugepaged sparse\n"
"                   hotplug seed000 scale (scale runs only when named here)\n"
"  --no-jemalloc    do not run mmsim-bench-jemalloc (the same driver linked with\n"
"                   jemalloc) after this one\n"
"  --instructions   also print instructions per operation: runs the figures\n"
"                   first under valgrind --tool=callgrind (--quick sizes,\n"
"                   collection on only inside each measured part), a count that\n"
"                   does not depend on the machine's load; needs valgrind\n"
"                   (not for scale, whose children boot up to 16 TiB)\n"
"  --host-mem-limit SIZE  the most host memory each child process (boot,\n"
"                   seed000, scale) may use, e.g. 8G; a child over it stops and\n"
"                   its figure is printed as not measured (default: half the\n"
"                   host's RAM or three quarters of MemAvailable, the smaller)\n"
"\n"
"seed000 runs scenarios/seed000/hvo-2m.scn (both writes) in a child process\n"
"under every hvo policy and with HVO off; its budget is 0.1 s of process\n"
"time and 256 MiB of peak RSS.\n"
"\n"
"scale shows how costs grow: boot + buddyinfo of 2 x {512 GiB, 2 TiB, 8 TiB}\n"
"(1, 4, 16 TiB), and the full-node write of seed 000 (every 2 MiB page of\n"
"node 0 at once, HVO on) on 2 x {8, 16, 32, 64, 128, 256} GiB under reuse-head\n"
"and new-head-6.12, each size in a child process, with the ratio to the size\n"
"before it (time and RSS); a size whose estimate (the size before, scaled)\n"
"exceeds the host memory limit is printed as not measured.  --quick: 1 TiB,\n"
"and 2 x {8, 16, 32} GiB.\n");
}

int main(int argc, char **argv)
{
	bool quick = false, jemalloc_sibling = true, instructions = false;
	struct report rp = { 0 };
	const char *only = NULL;
	char value[64];
	long pairs;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--no-jemalloc"))
			jemalloc_sibling = false;
		else if (!strcmp(argv[i], "--instructions"))
			instructions = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--host-mem-limit") && i + 1 < argc) {
			child_mem_limit = parse_size(argv[++i]);
			if (!child_mem_limit) {
				fprintf(stderr, "mmsim-bench: --host-mem-limit: bad size '%s'\n",
					argv[i]);
				return 2;
			}
		}
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	pairs = quick ? 2000000 : 20000000;
	if (!child_mem_limit) {
		size_t avail = mem_available() / 4 * 3;

		child_mem_limit = host_mem_default_limit();
		if (avail && avail < child_mem_limit)
			child_mem_limit = avail;
	}
	if (instructions && only && !strcmp(only, "scale")) {
		fprintf(stderr, "mmsim-bench: no instruction counts for scale\n");
		instructions = false;
	}
	if (instructions) {
		if (!BENCH_HAVE_CALLGRIND)
			fprintf(stderr, "mmsim-bench: built without valgrind/callgrind.h: "
				"no instruction counts (tools/deps.sh installs valgrind)\n");
		else if (!instr_run(&rp, argv[0], only))
			fprintf(stderr, "mmsim-bench: the callgrind run failed; counts may be "
				"missing\n");
		rp.want_instr = true;
	}

#ifdef MMSIM_BENCH_LABEL
	const char *label = MMSIM_BENCH_LABEL;
#else
	const char *label = "glibc malloc";
#endif
	printf("mmsim-bench %s (host allocator: %s)\n", MMSIM_VERSION, label);
	if (!only || !strcmp(only, "pcp")) {
		struct meas ms;
		double r = bench_pcp(pairs, &ms) / 1e6;

		snprintf(value, sizeof(value), "%6.2f M pairs/s", r);
		print_fig(&rp, "order-0 alloc+free, pcp path:", value, &ms, "pcp", "pair", r,
			  AT_LEAST(40, ">= 40 M/s"));
	}
	if (!only || !strcmp(only, "buddy")) {
		struct meas ms;
		double r = bench_buddy(pairs / 4, &ms) / 1e6;

		snprintf(value, sizeof(value), "%6.2f M pairs/s", r);
		print_fig(&rp, "order-0 alloc+free, buddy path (frag.):", value, &ms, "buddy",
			  "pair", r, NO_BUDGET);
	}
	if (!only || !strcmp(only, "boot")) {
		struct boot_job ja = { 2, 64 }, jb = { 1, 1024 };
		struct boot_fig a = in_child(boot_job, &ja, "boot-128g"),
				b = in_child(boot_job, &jb, "boot-1t");

		snprintf(value, sizeof(value), "RSS %5ld MiB (store %zu)", a.rss_kb / 1024,
			 a.store_bytes >> 20);
		print_fig(&rp, "boot + buddyinfo, 2 x 64 GiB:", value, &a.ms, "boot-128g", NULL,
			  0, NO_BUDGET);
		snprintf(value, sizeof(value), "RSS %5ld MiB (store %zu)", b.rss_kb / 1024,
			 b.store_bytes >> 20);
		print_fig(&rp, "boot + buddyinfo, 1 TiB:", value, &b.ms, "boot-1t", NULL,
			  b.ms.wall, AT_MOST(3, "<= 3 s"));
	}
	if (!only || !strcmp(only, "proc")) {
		struct proc_figs f = bench_proc(quick);
		double v;

		v = f.faults_per_s / 1e6;
		snprintf(value, sizeof(value), "%6.2f M/s", v);
		print_fig(&rp, "anon write faults (4 KiB), 64 GiB:", value, &f.faults, "faults",
			  "fault", v, AT_LEAST(5, ">= 5 M/s"));
		v = f.mmap_pairs_per_s / 1e6;
		snprintf(value, sizeof(value), "%6.2f M pairs/s", v);
		print_fig(&rp, "mmap + munmap of 1 MiB:", value, &f.mmap, "mmap", "pair", v,
			  AT_LEAST(1, ">= 1 M/s"));
		snprintf(value, sizeof(value), "%6.2f k/s", f.mremap_1m_per_s / 1e3);
		print_fig(&rp, "mremap move of 1 MiB touched:", value, &f.mremap_1m, "mremap-1m",
			  "move", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.2f k/s", f.mremap_2m_per_s / 1e3);
		print_fig(&rp, "mremap move of 2 MiB touched, aligned:", value, &f.mremap_2m,
			  "mremap-2m", "move", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.3f s", f.fork_s);
		print_fig(&rp, "fork, 1 GiB touched, 4 KiB pages:", value, &f.fork, "fork", NULL,
			  f.fork_s, AT_MOST(0.1, "< 0.1 s"));
		snprintf(value, sizeof(value), "%6.3f s", f.fork_thp_s);
		print_fig(&rp, "fork, 1 GiB touched, THPs:", value, &f.fork_thp, "fork-thp", NULL,
			  f.fork_thp_s, AT_MOST(0.1, "< 0.1 s"));
	}
	if (!only || !strcmp(only, "hugetlb")) {
		struct hugetlb_figs f = bench_hugetlb(quick);

		snprintf(value, sizeof(value), "%6.2f k/s", f.faults_per_s / 1e3);
		print_fig(&rp, "hugetlb write faults (2 MiB, reserved):", value, &f.faults,
			  "hugetlb-faults", "fault", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.1f /s", f.gb_cycles_per_s);
		print_fig(&rp, "mmap + touch + munmap, 1 GiB hugetlb:", value, &f.gb_cycles,
			  "hugetlb-1g-cycles", "cycle", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.1f /s", f.gb_moves_per_s);
		print_fig(&rp, "mremap move, 1 GiB hugetlb touched:", value, &f.gb_moves,
			  "hugetlb-1g-moves", "move", 0, NO_BUDGET);
	}
	if (!only || !strcmp(only, "khugepaged")) {
		struct kh_figs f = bench_khugepaged(quick);

		snprintf(value, sizeof(value), "%6.2f M pages/s", f.scanned_per_s / 1e6);
		print_fig(&rp, "khugepaged scan (read-only ranges):", value, &f.scan,
			  "khugepaged-scan", "page", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.0f /s", f.collapses_per_s);
		print_fig(&rp, "khugepaged collapses (anon 2 MiB):", value, &f.collapse,
			  "khugepaged-collapse", "THP", 0, NO_BUDGET);
	}
	if (!only || !strcmp(only, "sparse")) {
		struct sparse_figs f = bench_sparse(quick);

		snprintf(value, sizeof(value), "%6.1f k cycles/s", f.sub_per_s / 1e3);
		print_fig(&rp, "hot-add+remove, 2 MiB sub-section (72 B):", value, &f.sub,
			  "hotadd-subsection", "cycle", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.0f cycles/s", f.sec_per_s);
		print_fig(&rp, "hot-add+remove, 128 MiB section (72 B):", value, &f.sec,
			  "hotadd-section", "cycle", 0, NO_BUDGET);
	}
	if (!only || !strcmp(only, "hotplug")) {
		struct hotplug_figs f = bench_hotplug(quick);

		snprintf(value, sizeof(value), "%6.0f /s", f.free_cycles_per_s);
		print_fig(&rp, "offline + online, free 128 MiB block:", value, &f.free_cycles,
			  "offline-online", "cycle", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.0f /s", f.migrate_cycles_per_s);
		print_fig(&rp, "the same, 2048 pages migrated out:", value, &f.migrate_cycles,
			  "offline-online-migrate", "cycle", 0, NO_BUDGET);
		snprintf(value, sizeof(value), "%6.0f /s", f.hotadd_cycles_per_s);
		print_fig(&rp, "section hot-add+online+offline+remove:", value, &f.hotadd_cycles,
			  "hotadd-online-offline-remove", "cycle", 0, NO_BUDGET);
	}
	if (!only || !strcmp(only, "seed000")) {
		const struct policy_family *hvo = policy_family_find("hvo", 3);
		/* --quick: reuse-head, new-head and HVO off */
		unsigned int n = quick ? 3 : hvo->nr_policies + 1;

		for (unsigned int i = 0; i < n; i++) {
			const char *pol = i < n - 1 ? hvo->policies[i].name : "off";
			char key[64], lab[64];
			struct boot_fig f;

			snprintf(key, sizeof(key), "seed000-%s", pol);
			f = in_child(seed000_job, (void *)pol, key);
			snprintf(lab, sizeof(lab), "seed 000 (hvo-2m.scn), hvo %s:", pol);
			snprintf(value, sizeof(value), "RSS %5ld MiB, %ld pages", f.rss_kb / 1024,
				 f.hugepages);
			print_fig_nonl(&rp, lab, value, &f.ms, key, NULL, f.ms.cpu,
				       AT_MOST(0.1, "cpu <= 0.1 s"));
			print_budget((double)f.rss_kb / 1024, AT_MOST(256, "RSS < 256 MiB"));
			putchar('\n');
		}
	}
	if (only && !strcmp(only, "scale"))
		bench_scale(&rp, quick);
	fflush(stdout);
	free(rp.in);

	/* the same driver linked with jemalloc, if it was built */
	if (jemalloc_sibling && !strstr(argv[0], "jemalloc")) {
		char path[4096];
		const char *slash = strrchr(argv[0], '/');
		int len = slash ? (int)(slash - argv[0]) + 1 : 0;

		snprintf(path, sizeof(path), "%.*smmsim-bench-jemalloc", len, argv[0]);
		if (access(path, X_OK) == 0) {
			char **args = calloc((size_t)argc + 2, sizeof(char *));

			int n = 0;

			args[n++] = path;
			for (int i = 1; i < argc; i++)	/* the counts would be the same */
				if (strcmp(argv[i], "--instructions"))
					args[n++] = argv[i];
			args[n] = "--no-jemalloc";
			execv(path, args);
		}
	}
	return 0;
}
