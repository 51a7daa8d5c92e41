// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench.c - the benchmark driver.  Prints the figures the budgets in
 * docs/design.md (Budgets) are about:
 *
 *   pcp      order-0 alloc+free pairs per second through the per-cpu lists
 *   buddy    the same with the per-cpu lists disabled (high 0, batch 1),
 *            on a zone fragmented to one free page in two
 *   boot     wall time and peak host RSS to boot and print /proc/buddyinfo
 *            for a 128 GiB two-node machine and a 1 TiB machine
 *   proc     processes: anonymous faults, mmap + munmap, mremap moves of
 *            1 MiB (PTE by PTE) and of 2 MiB aligned (PMD entries), fork
 *   seed000  the seed-000 experiment end to end: boot 2 x 64 GiB with
 *            hugetlb_free_vmemmap=on, write 32768 into node 0's 2 MiB
 *            nr_hugepages, print pagetypeinfo (reuse-head and new-head)
 *   proc     anonymous faults, mmap+munmap pairs, fork
 *   hugetlb  hugetlb faults (2 MiB pages from a reserved pool), mmap +
 *            touch + munmap of a 1 GiB MAP_HUGETLB mapping of 2 MiB pages,
 *            and mremap moves of such a mapping, touched (512 entries)
 *
 * Each boot figure comes from a child process, so its peak RSS is its own.
 * When a sibling binary mmsim-bench-jemalloc exists (the same driver
 * linked with jemalloc), the driver runs it too and prints both columns;
 * that is how the project decides whether jemalloc earns its place.
 *
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
 *
 * Each boot figure comes from a child process, so its peak RSS is its own.
 * When a sibling binary mmsim-bench-jemalloc exists (the same driver
 * linked with jemalloc), the driver runs it too and prints both columns;
 * that is how the project decides whether jemalloc earns its place.
 *
 *   mmsim-bench [--quick] [--only pcp|buddy|boot|seed000|proc|hugetlb|khugepaged|sparse|hotplug] [--no-jemalloc]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
static double bench_pairs(struct machine *m, long pairs)
{
	double t0 = now();

	for (long i = 0; i < pairs; i++) {
		unsigned long pfn = __alloc_pages(m, GFP_KERNEL, 0, 0);

		if (pfn == PFN_NONE) {
			fprintf(stderr, "mmsim-bench: allocation failed\n");
			exit(1);
		}
		__free_pages(m, pfn, 0);
	}
	return (double)pairs / (now() - t0);
}

static double bench_pcp(long pairs)
{
	struct machine *m = bench_machine(1, 4, 2);
	double r = bench_pairs(m, pairs);

	machine_destroy(m);
	return r;
}

static double bench_buddy(long pairs)
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
	r = bench_pairs(m, pairs);
	free(held);
	machine_destroy(m);
	return r;
}

struct boot_fig {
	double seconds;
	long rss_kb;
	size_t store_bytes;
	long hugepages;
};

/*
 * Run job(arg) in a child process, so its peak RSS is its own; the child
 * fills the figure's seconds from the time job returns, and RSS and store
 * size from the machine job hands back (kept alive until measured).
 */
static struct boot_fig in_child(struct machine *(*job)(void *arg, struct boot_fig *f), void *arg)
{
	struct boot_fig f = { 0 };
	int fd[2];
	pid_t pid;

	if (pipe(fd))
		exit(1);
	pid = fork();
	if (pid == 0) {
		double t0 = now();
		struct machine *m = job(arg, &f);
		struct rusage ru;

		f.seconds = now() - t0;
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
	waitpid(pid, NULL, 0);
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

/* The seed-000 experiment under one HVO policy */
static struct machine *seed000_job(void *arg, struct boot_fig *f)
{
	struct machine_opts o;
	struct machine *m;
	struct sbuf sb;
	char err[256];

	machine_opts_default(&o);
	o.nr_nodes = 2;
	o.node[0].mem_bytes = o.node[1].mem_bytes = 64UL << 30;
	o.nr_cpus = 4;
	o.hugetlb_free_vmemmap = true;
	if (!policy_set_pick(&o.policies, "hvo", (const char *)arg))
		_exit(1);
	m = machine_create(&o, err, sizeof(err));
	if (!m)
		_exit(1);
	sb_init(&sb);
	show_pagetypeinfo(m, &sb);
	mm_store_file(m, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages",
		      "32768", err, sizeof(err));
	counter_read(m, "hugepages.0.2048kB.nr_hugepages", &f->hugepages);
	show_pagetypeinfo(m, &sb);
	sb_free(&sb);
	return m;
}

/* ---- processes ---------------------------------------------------------- */

struct proc_figs {
	double faults_per_s;		/* anonymous write faults, 4 KiB each */
	double mmap_pairs_per_s;	/* mmap + munmap of 1 MiB */
	double fork_s, fork_thp_s;	/* fork with 1 GiB touched: 4 KiB pages, THPs */
	double mremap_1m_per_s;		/* mremap moves of 1 MiB touched: PTE by PTE */
	double mremap_2m_per_s;		/* of 2 MiB touched, 2 MiB aligned: one PTE table */
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
			   uint64_t len, long n)
{
	double t0;

	if (ksys_mmap_pgoff(m, t, a, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (long)a) {
		fprintf(stderr, "mmsim-bench: mmap at %#llx failed\n", (unsigned long long)a);
		exit(1);
	}
	bench_touch(m, t, a, len);
	t0 = now();
	for (long i = 0; i < n; i++) {
		uint64_t from = i & 1 ? b : a, to = i & 1 ? a : b;

		if (sys_mremap(m, t, from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) != (long)to) {
			fprintf(stderr, "mmsim-bench: mremap failed\n");
			exit(1);
		}
	}
	t0 = now() - t0;
	vm_munmap(m, t, n & 1 ? b : a, len);
	return (double)n / t0;
}

static struct proc_figs bench_proc(bool quick)
{
	struct machine *m = bench_machine(1, 64, 2);
	struct proc_figs f;
	uint64_t len = quick ? (1UL << 30) : (8UL << 30), a;
	struct task *t = bench_task(m, false), *c;
	long pairs = quick ? 100000 : 1000000;
	double t0;
	int err;

	a = bench_map(m, t, len);
	t0 = now();
	bench_touch(m, t, a, len);
	f.faults_per_s = (double)(len >> PAGE_SHIFT) / (now() - t0);
	vm_munmap(m, t, a, len);

	t0 = now();
	for (long i = 0; i < pairs; i++)
		vm_munmap(m, t, bench_map(m, t, 1UL << 20), 1UL << 20);
	f.mmap_pairs_per_s = (double)pairs / (now() - t0);

	/* 1 MiB not 2 MiB aligned: PTEs one by one; 2 MiB aligned: PMD entries */
	f.mremap_1m_per_s = bench_mremap(m, t, 0x10001000UL, 0x20001000UL, 1UL << 20,
					 quick ? 20000 : 200000);
	f.mremap_2m_per_s = bench_mremap(m, t, 0x10000000UL, 0x20000000UL, 2UL << 20,
					 quick ? 200000 : 2000000);

	a = bench_map(m, t, 1UL << 30);
	bench_touch(m, t, a, 1UL << 30);
	t0 = now();
	c = do_fork(m, t, "child", &err);
	f.fork_s = now() - t0;
	do_exit(m, c, 0);
	do_exit(m, t, 0);

	t = bench_task(m, true);
	a = bench_map(m, t, 1UL << 30);
	bench_touch(m, t, a, 1UL << 30);
	t0 = now();
	c = do_fork(m, t, "child", &err);
	f.fork_thp_s = now() - t0;
	machine_destroy(m);
	return f;
}

/* ---- hugetlb ------------------------------------------------------------------- */

struct hugetlb_figs {
	double faults_per_s;		/* write faults of 2 MiB hugetlb pages */
	double gb_cycles_per_s;		/* mmap + touch + munmap of 1 GiB (512 pages) */
	double gb_moves_per_s;		/* mremap of 1 GiB touched, to and fro */
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
	struct hugetlb_figs f;
	struct task *t;
	double t0;

	hugetlb_set_max_huge_pages(m, hugetlb_default_hstate(m), pool, NUMA_NO_NODE);
	if (hugetlb_default_hstate(m)->nr_huge_pages != pool) {
		fprintf(stderr, "mmsim-bench: the hugetlb pool got %lu pages\n",
			hugetlb_default_hstate(m)->nr_huge_pages);
		exit(1);
	}
	t = bench_task(m, false);
	f.faults_per_s = 0;
	for (long r = 0; r < rounds; r++) {
		uint64_t a = bench_map_huge(m, t, pool * PMD_SIZE);

		t0 = now();
		bench_touch_huge(m, t, a, pool * PMD_SIZE);
		f.faults_per_s += now() - t0;		/* the faults' time only */
		vm_munmap(m, t, a, pool * PMD_SIZE);
	}
	f.faults_per_s = (double)(pool * rounds) / f.faults_per_s;

	t0 = now();
	for (long i = 0; i < cycles; i++) {
		uint64_t a = bench_map_huge(m, t, 1UL << 30);

		bench_touch_huge(m, t, a, 1UL << 30);
		vm_munmap(m, t, a, 1UL << 30);
	}
	f.gb_cycles_per_s = (double)cycles / (now() - t0);

	/* a private mapping (no PMD sharing): move_hugetlb_page_tables, 512 entries a move */
	{
		uint64_t a = bench_map_huge(m, t, 1UL << 30), at[2] = { 4UL << 30, 8UL << 30 };

		bench_touch_huge(m, t, a, 1UL << 30);
		if (sys_mremap(m, t, a, 1UL << 30, 1UL << 30, MREMAP_MAYMOVE | MREMAP_FIXED,
			       at[0]) != (long)at[0]) {
			fprintf(stderr, "mmsim-bench: hugetlb mremap failed\n");
			exit(1);
		}
		t0 = now();
		for (long i = 0; i < cycles; i++)
			if (sys_mremap(m, t, at[i & 1], 1UL << 30, 1UL << 30,
				       MREMAP_MAYMOVE | MREMAP_FIXED, at[!(i & 1)]) !=
			    (long)at[!(i & 1)]) {
				fprintf(stderr, "mmsim-bench: hugetlb mremap failed\n");
				exit(1);
			}
		f.gb_moves_per_s = (double)cycles / (now() - t0);
		vm_munmap(m, t, at[cycles & 1], 1UL << 30);
	}
	machine_destroy(m);
	return f;
}

/* ---- khugepaged ---------------------------------------------------------- */

struct kh_figs {
	double scanned_per_s;		/* pages of scan progress per second */
	double collapses_per_s;		/* anonymous 2 MiB ranges collapsed per second */
};

/* Wake khugepaged until a full scan ends; returns the seconds it took */
static double bench_khugepaged_until_full_scan(struct machine *m)
{
	const struct khugepaged_stats *st = khugepaged_stats(m);
	unsigned long full = st->full_scans;
	double t0 = now();

	while (st->full_scans == full)
		khugepaged_do_scan(m);
	return now() - t0;
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
	secs = bench_khugepaged_until_full_scan(m);
	f.scanned_per_s = (double)(st->pages_scanned - scanned) / secs;

	do_mprotect_pkey(m, t, a, len, PROT_READ | PROT_WRITE);
	collapsed = st->pages_collapsed;
	secs = bench_khugepaged_until_full_scan(m);
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
};

static double bench_hotplug_cycles(struct machine *m, unsigned long nr_pages, long cycles)
{
	struct mhp_params p = { .pgprot = PAGE_KERNEL };
	const unsigned long base = (4UL << 30) >> PAGE_SHIFT;
	double t0 = now();

	for (long i = 0; i < cycles; i++) {
		/* walk over 16 sections, so the PMDs are not always the same */
		unsigned long pfn = base + (unsigned long)(i % 16) * 2 * PAGES_PER_SECTION;

		if (arch_add_memory(m, 0, pfn, nr_pages, &p)) {
			fprintf(stderr, "mmsim-bench: arch_add_memory failed\n");
			exit(1);
		}
		arch_remove_memory(m, pfn, nr_pages, NULL);
	}
	if (m->fail.failed) {
		fprintf(stderr, "mmsim-bench: %s\n", m->fail.msg);
		exit(1);
	}
	return (double)cycles / (now() - t0);
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
	f.sub_per_s = bench_hotplug_cycles(m, PAGES_PER_SUBSECTION, quick ? 20000 : 200000);
	f.sec_per_s = bench_hotplug_cycles(m, PAGES_PER_SECTION, quick ? 500 : 5000);
	machine_destroy(m);
	return f;
}

/* ---- memory hotplug ------------------------------------------------------ */

struct hotplug_figs {
	double free_cycles_per_s;	/* offline + online of a free 128 MiB block */
	double migrate_cycles_per_s;	/* the same with 8 MiB of movable pages to migrate */
	double hotadd_cycles_per_s;	/* probe + online + offline + remove of a 128 MiB block */
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
	struct hotplug_figs f;
	double t0, secs;

	t0 = now();
	for (int i = 0; i < cycles; i++) {
		bench_set_block(m, state, "offline");
		bench_set_block(m, state, "online");
	}
	f.free_cycles_per_s = cycles / (now() - t0);

	/* only the offline and online are timed, not putting the pages there */
	cycles /= 5;
	secs = 0;
	for (int i = 0; i < cycles; i++) {
		for (unsigned long p = base; p < base + 2048; p++) {
			if (alloc_contig_range(m, p, p + 1, MIGRATE_MOVABLE, GFP_KERNEL)) {
				fprintf(stderr, "mmsim-bench: no page at %#lx\n", p);
				exit(1);
			}
			mm_mark_movable_data(m, p, 0);
		}
		t0 = now();
		bench_set_block(m, state, "offline");
		bench_set_block(m, state, "online");
		secs += now() - t0;
	}
	f.migrate_cycles_per_s = cycles / secs;

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
		t0 = now();
		for (int i = 0; i < cycles; i++) {
			bench_set_block(m, "/sys/devices/system/memory/probe", val);
			bench_set_block(m, path, "online");
			bench_set_block(m, path, "offline");
			if (remove_memory(m, addr, 128ULL << 20)) {
				fprintf(stderr, "mmsim-bench: remove_memory: %s\n", m->hotplug->why);
				exit(1);
			}
		}
		f.hotadd_cycles_per_s = cycles / (now() - t0);
	}
	machine_destroy(m);
	return f;
}

int main(int argc, char **argv)
{
	bool quick = false, jemalloc_sibling = true;
	const char *only = NULL;
	long pairs;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--no-jemalloc"))
			jemalloc_sibling = false;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: mmsim-bench [--quick] [--only pcp|buddy|boot|"
				"seed000|proc|hugetlb|khugepaged|sparse|hotplug] [--no-jemalloc]\n");
			return 2;
		}
	}
	pairs = quick ? 2000000 : 20000000;

#ifdef MMSIM_BENCH_LABEL
	const char *label = MMSIM_BENCH_LABEL;
#else
	const char *label = "glibc malloc";
#endif
	printf("mmsim-bench %s (host allocator: %s)\n", MMSIM_VERSION, label);
	if (!only || !strcmp(only, "pcp"))
		printf("  order-0 alloc+free, pcp path:            %6.2f M pairs/s\n",
		       bench_pcp(pairs) / 1e6);
	if (!only || !strcmp(only, "buddy"))
		printf("  order-0 alloc+free, buddy path (frag.):  %6.2f M pairs/s\n",
		       bench_buddy(pairs / 4) / 1e6);
	if (!only || !strcmp(only, "boot")) {
		struct boot_job ja = { 2, 64 }, jb = { 1, 1024 };
		struct boot_fig a = in_child(boot_job, &ja), b = in_child(boot_job, &jb);

		printf("  boot + buddyinfo, 2 x 64 GiB:            %6.3f s, peak RSS %5ld MiB (struct page store %zu MiB)\n",
		       a.seconds, a.rss_kb / 1024, a.store_bytes >> 20);
		printf("  boot + buddyinfo, 1 TiB:                 %6.3f s, peak RSS %5ld MiB (struct page store %zu MiB)\n",
		       b.seconds, b.rss_kb / 1024, b.store_bytes >> 20);
	}
	if (!only || !strcmp(only, "proc")) {
		struct proc_figs f = bench_proc(quick);

		printf("  anon write faults (4 KiB), 64 GiB:       %6.2f M/s\n", f.faults_per_s / 1e6);
		printf("  mmap + munmap of 1 MiB:                  %6.2f M pairs/s\n",
		       f.mmap_pairs_per_s / 1e6);
		printf("  mremap move of 1 MiB touched:            %6.2f k/s\n",
		       f.mremap_1m_per_s / 1e3);
		printf("  mremap move of 2 MiB touched, aligned:   %6.2f k/s\n",
		       f.mremap_2m_per_s / 1e3);
		printf("  fork, 1 GiB touched, 4 KiB pages:        %6.3f s\n", f.fork_s);
		printf("  fork, 1 GiB touched, THPs:               %6.3f s\n", f.fork_thp_s);
	}
	if (!only || !strcmp(only, "hugetlb")) {
		struct hugetlb_figs f = bench_hugetlb(quick);

		printf("  hugetlb write faults (2 MiB, reserved): %6.2f k/s\n", f.faults_per_s / 1e3);
		printf("  mmap + touch + munmap, 1 GiB hugetlb:   %6.1f /s\n", f.gb_cycles_per_s);
		printf("  mremap move, 1 GiB hugetlb touched:     %6.1f /s\n", f.gb_moves_per_s);
	}
	if (!only || !strcmp(only, "khugepaged")) {
		struct kh_figs f = bench_khugepaged(quick);

		printf("  khugepaged scan (read-only ranges):      %6.2f M pages/s\n",
		       f.scanned_per_s / 1e6);
		printf("  khugepaged collapses (anon 2 MiB):       %6.0f /s\n", f.collapses_per_s);
	}
	if (!only || !strcmp(only, "sparse")) {
		struct sparse_figs f = bench_sparse(quick);

		printf("  hot-add+remove, 2 MiB sub-section (72 B): %6.1f k cycles/s\n",
		       f.sub_per_s / 1e3);
		printf("  hot-add+remove, 128 MiB section (72 B):   %6.0f cycles/s\n", f.sec_per_s);
	}
	if (!only || !strcmp(only, "hotplug")) {
		struct hotplug_figs f = bench_hotplug(quick);

		printf("  offline + online, free 128 MiB block:    %6.0f /s\n", f.free_cycles_per_s);
		printf("  the same, 2048 pages migrated out:       %6.0f /s\n",
		       f.migrate_cycles_per_s);
		printf("  section hot-add+online+offline+remove:   %6.0f /s\n",
		       f.hotadd_cycles_per_s);
	}
	if (!only || !strcmp(only, "seed000")) {
		static const char *const pols[] = { "reuse-head", "new-head" };

		for (size_t i = 0; i < ARRAY_SIZE(pols); i++) {
			struct boot_fig f = in_child(seed000_job, (void *)pols[i]);

			printf("  seed 000, 2 x 64 GiB, %-12s        %6.3f s, peak RSS %5ld MiB (%ld hugepages)\n",
			       pols[i], f.seconds, f.rss_kb / 1024, f.hugepages);
		}
	}
	fflush(stdout);

	/* the same driver linked with jemalloc, if it was built */
	if (jemalloc_sibling && !strstr(argv[0], "jemalloc")) {
		char path[4096];
		const char *slash = strrchr(argv[0], '/');
		int len = slash ? (int)(slash - argv[0]) + 1 : 0;

		snprintf(path, sizeof(path), "%.*smmsim-bench-jemalloc", len, argv[0]);
		if (access(path, X_OK) == 0) {
			char **args = calloc((size_t)argc + 2, sizeof(char *));

			args[0] = path;
			for (int i = 1; i < argc; i++)
				args[i] = argv[i];
			args[argc] = "--no-jemalloc";
			execv(path, args);
		}
	}
	return 0;
}
