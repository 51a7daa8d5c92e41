// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scn_run.c - the scenario runner (sim/scn_run.c) through the library
 * call compare uses: scn_parse_string, then scn_run with the output
 * captured in a struct scn_result.  Each test runs a small scenario on a
 * small machine and checks the exact output, the exact message and exit
 * status of an error, and the runner's counters (scn.*).  The last test
 * breaks the machine from the runner's step hook (scn_run_opts.step_hook)
 * to show that the invariant checker sees the blocks the scenario holds.
 *
 * Most machines are one node of 64 MiB without holes or kernel image:
 *
 *   pfn 0          4096                                        16384
 *   |---- DMA -----|------------------ DMA32 -------------------|
 *    3840 managed   11217 managed (the rest is memmap and tables)
 *
 * DMA alone is what a __GFP_DMA mask may use: min 187, low 233 pages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "page.h"
#include "page_alloc.h"
#include "scn.h"

#define M64	"machine nodes=1 mem=64M cpus=2 holes=none kernel=0 kernel_alloc=n\n"
#define DMA_MOV	"gfp=GFP_USER|__GFP_MOVABLE|__GFP_DMA"

/* -------------------------------------------------------------------------
 * Helpers
 */
static struct scn_script *parse_file_ok(const char *file, const char *text)
{
	struct scn_diag d;
	struct scn_script *s = scn_parse_string(file, text, &d);

	if (!s)
		fail_msg("unexpected parse error: %s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	return s;
}

/* Run @text as t.scn with output captured; the caller frees @r */
static enum scn_status run_text(const char *text, struct scn_result *r)
{
	struct scn_script *s = parse_file_ok("t.scn", text);
	struct scn_run_opts o = { 0 };
	enum scn_status st;

	scn_result_init(r);
	st = scn_run(s, &o, r);
	scn_script_free(s);
	return st;
}

static const char *str(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/* The run must end with @status, print exactly @out and report exactly @err */
static void run_expect(const char *text, enum scn_status status, const char *out,
		       const char *err)
{
	struct scn_result r;
	enum scn_status st = run_text(text, &r);

	if (st != status || strcmp(str(&r.out), out) || strcmp(str(&r.err), err))
		fail_msg("status %d (want %d)\n--- out:\n%s--- want:\n%s--- err:\n%s--- want:\n%s",
			 st, status, str(&r.out), out, str(&r.err), err);
	scn_result_free(&r);
}

/* A scratch directory for trace files, removed at the end */
static char tmpdir[64];

static int make_tmpdir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mmsim-test-scn-run-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/t.trace", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

/* -------------------------------------------------------------------------
 * free GROUP every= / random= / all / GROUP[i]
 *
 *   members   0  1  2  3  4  5  6  7  8  9    (order 1 each)
 *   every=3 offset=1  x        x        x
 *   g[0]      x
 *   random=0%                               nothing
 *   every=4 (offset 0): 0, 4 and 8; only 8 is still live
 *   random=50% of the 5 live (2 3 5 6 9): round(2.5) = 3
 *   all, all again, random=100% of none
 */
static void test_free_modes(void **state)
{
	run_expect(M64
		   "fill g order=1 gfp=GFP_KERNEL count=10\n"
		   "free g every=3 offset=1\n"
		   "free g[0]\n"
		   "print counters scn.frees scn.live scn.allocated\n"
		   "free g random=0%\n"
		   "free g every=4\n"
		   "print counters scn.frees scn.live scn.allocated\n"
		   "free g random=50%\n"
		   "print counters scn.frees scn.allocated\n"
		   "free g all\n"
		   "free g all\n"
		   "free g random=100%\n"
		   "print counters scn.frees scn.live scn.allocated scn.members\n",
		   SCN_OK,
		   "scn.frees 4\nscn.live_allocs 6\nscn.live_pages 12\nscn.allocated.g 6\n"
		   "scn.frees 5\nscn.live_allocs 5\nscn.live_pages 10\nscn.allocated.g 5\n"
		   "scn.frees 8\nscn.allocated.g 2\n"
		   "scn.frees 10\nscn.live_allocs 0\nscn.live_pages 0\nscn.allocated.g 0\n"
		   "scn.members.g 10\n", "");
}

/* every=K offset=J frees exactly the members i % K == J: member 4 was freed
 * by line 3 (a second free names that line), member 5 is still live. */
static void test_free_every_picks_members(void **state)
{
	run_expect(M64
		   "fill g order=0 gfp=GFP_KERNEL count=10\n"
		   "free g every=3 offset=1\n"
		   "free g[5]\n"
		   "free g[4]\n",
		   SCN_BAD_INPUT, "", "t.scn:5:6: double free of 'g[4]' (freed at line 3)\n");
	/* every=4 without offset: member 8 went at line 4, 9 is live */
	run_expect(M64
		   "fill g order=0 gfp=GFP_KERNEL count=10\n"
		   "free g every=3 offset=1\n"
		   "free g every=4\n"
		   "free g[9]\n"
		   "free g[8]\n",
		   SCN_BAD_INPUT, "", "t.scn:6:6: double free of 'g[8]' (freed at line 4)\n");
}

/* Members are only known at run time: a member past the end is an input
 * error at the group name, with the group's size. */
static void test_free_member_out_of_range(void **state)
{
	run_expect(M64
		   "fill g order=0 gfp=GFP_KERNEL count=3\n"
		   "echo before\n"
		   "free g[3]\n"
		   "echo after\n",
		   SCN_BAD_INPUT, "before\n", "t.scn:4:6: group 'g' has no member 3 (it has 3)\n");
}

/* -------------------------------------------------------------------------
 * fill count= / tries= / until=
 *
 * Order-10 blocks of DMA: [0, 4096) minus its memmap leaves three of them
 * (pfns 1024, 2048, 3072).
 */
static void test_fill_count_and_tries(void **state)
{
	/* count=5 stops at the first failure: 3 made, 1 failure */
	run_expect(M64
		   "fill a order=10 gfp=GFP_KERNEL|__GFP_DMA count=5\n"
		   "print counters scn.allocs scn.alloc_failures scn.allocated scn.members "
		   "scn.failures\n",
		   SCN_OK,
		   "scn.allocs 3\nscn.alloc_failures 1\n"
		   "scn.allocated.a 3\nscn.members.a 3\nscn.failures.a 1\n", "");
	/* tries=5 makes every attempt: 3 made, 2 failures */
	run_expect(M64
		   "fill a order=10 gfp=GFP_KERNEL|__GFP_DMA tries=5\n"
		   "print counters scn.allocs scn.alloc_failures scn.allocated scn.members "
		   "scn.failures\n",
		   SCN_OK,
		   "scn.allocs 3\nscn.alloc_failures 2\n"
		   "scn.allocated.a 3\nscn.members.a 3\nscn.failures.a 2\n", "");
	/* a second fill appends to the group; count=0 makes nothing */
	run_expect(M64
		   "fill a order=0 gfp=GFP_KERNEL count=2\n"
		   "fill a order=1 gfp=GFP_KERNEL count=3\n"
		   "fill a order=1 gfp=GFP_KERNEL count=0\n"
		   "print counters scn.live scn.members\n",
		   SCN_OK, "scn.live_allocs 5\nscn.live_pages 8\nscn.members.a 5\n", "");
}

/*
 * until=low / until=min / until=fail on DMA alone (3840 free pages, min 62,
 * low 77: a 64 MiB machine starts with THP off, so khugepaged never raises
 * min_free_kbytes), with movable allocations (no pageblock steal, so no
 * watermark boost moves the marks):
 *
 *   until=low   stops when one more page would leave free < low: free 77,
 *               3840 - 77 = 3763 members, no failure
 *   until=min   goes on to free = min = 62: 15 more, no failure
 *   until=fail  nothing more is allowed (a normal allocation needs
 *               free > min): 0 members, 1 failure
 *   GFP_ATOMIC  may still dip below min (__zone_watermark_ok: ALLOC_HIGH
 *               and ALLOC_HARDER lower the mark): free 186
 */
static void test_fill_until_watermarks(void **state)
{
	run_expect(M64
		   "fill lo order=0 " DMA_MOV " until=low\n"
		   "print counters zoneinfo.0.DMA.free scn.failures.lo scn.members.lo\n"
		   "fill mi order=0 " DMA_MOV " until=min\n"
		   "print counters zoneinfo.0.DMA.free scn.failures.mi scn.members.mi\n"
		   "fill fa order=0 " DMA_MOV " until=fail\n"
		   "print counters zoneinfo.0.DMA.free scn.failures.fa scn.members.fa\n"
		   "alloc at order=0 gfp=GFP_ATOMIC|__GFP_DMA expect=ok\n"
		   "print counters zoneinfo.0.DMA.free scn.last_alloc scn.alloc_failures\n",
		   SCN_OK,
		   "zoneinfo.0.DMA.free 76\nscn.members.lo 3764\nscn.failures.lo 0\n"
		   "zoneinfo.0.DMA.free 61\nscn.members.mi 15\nscn.failures.mi 0\n"
		   "zoneinfo.0.DMA.free 61\nscn.members.fa 0\nscn.failures.fa 1\n"
		   "zoneinfo.0.DMA.free 60\nscn.alloc_failures 1\nscn.last_alloc 1\n", "");
}

/*
 * until=low with node=: only that node's zones count.  Two nodes of 64 MiB,
 * node 1 all DMA32: filling node 1 leaves node 0 untouched, needs no
 * failed attempt, and stops with node 1's free pages (its per-cpu lists
 * included) still at or above its low watermark.  Counting node 0's free
 * pages too would let the fill run on until node 1 is exhausted.
 */
static void test_fill_until_low_on_one_node(void **state)
{
	struct scn_result r;

	assert_int_equal(run_text(
		"machine nodes=2 mem=64M cpus=2 holes=none kernel=0 kernel_alloc=n\n"
		"snapshot boot\n"
		"fill g order=0 gfp=GFP_HIGHUSER_MOVABLE|__GFP_THISNODE node=1 until=low\n"
		"expect zoneinfo.1.DMA32.free + zoneinfo.1.DMA32.pcp_count >= zoneinfo.1.DMA32.low\n"
		"expect zoneinfo.1.DMA32.free <= zoneinfo.1.DMA32.low\n"
		"expect scn.members.g > 14000\n"
		"expect scn.failures.g == 0\n"
		"print diff boot zoneinfo.0. buddyinfo.0.\n", &r), SCN_OK);
	assert_string_equal(str(&r.out), "");
	assert_string_equal(str(&r.err), "");
	scn_result_free(&r);
}

/* -------------------------------------------------------------------------
 * alloc, its expect= and the counters it sets
 */

/* expect= failures quote the statement as written, without the leading
 * blanks, the comment and the trailing blanks (a CRLF file included). */
static void test_alloc_expect_messages(void **state)
{
	run_expect(M64
		   "\t alloc  a order=10 gfp=GFP_KERNEL|__GFP_DMA expect=fail \t # no\r\n",
		   SCN_FAILED, "",
		   "t.scn:2: expect failed: alloc  a order=10 gfp=GFP_KERNEL|__GFP_DMA "
		   "expect=fail (got pfn 0x400)\n");
	run_expect(M64
		   "fill f order=10 gfp=GFP_KERNEL|__GFP_DMA count=3\n"
		   "  alloc e order=10 gfp=GFP_KERNEL|__GFP_DMA expect=ok   \r\n"
		   "echo not reached\n",
		   SCN_FAILED, "",
		   "t.scn:3: expect failed: alloc e order=10 gfp=GFP_KERNEL|__GFP_DMA expect=ok "
		   "(the allocation failed)\n");
}

/* A failed alloc sets scn.last_alloc 0, scn.last_pfn -1 and counts a
 * failure (expect=fail holds); freeing that id does nothing; a later
 * success sets them again, and scn.pfn.a is -1 once a is freed. */
static void test_alloc_counters(void **state)
{
	run_expect(M64
		   "fill f order=10 gfp=GFP_KERNEL|__GFP_DMA count=3\n"
		   "alloc a order=10 gfp=GFP_KERNEL|__GFP_DMA expect=fail\n"
		   "print counters scn.alloc_failures scn.last scn.pfn.a\n"
		   "free a\n"
		   "print counters scn.frees scn.live_allocs\n"
		   "free f[1]\n"
		   "alloc a order=10 gfp=GFP_KERNEL|__GFP_DMA expect=ok\n"
		   "print counters scn.last scn.pfn.a\n"
		   "free a\n"
		   "expect scn.pfn.a == 0 - 1\n"
		   "print counters scn.pfn.a\n",
		   SCN_OK,
		   "scn.alloc_failures 1\nscn.last_alloc 0\nscn.last_pfn -1\nscn.pfn.a -1\n"
		   "scn.frees 0\nscn.live_allocs 3\n"
		   "scn.last_alloc 1\nscn.last_pfn 2048\nscn.pfn.a 2048\n"
		   "scn.pfn.a -1\n", "");
}

/* -------------------------------------------------------------------------
 * cpu N: later steps run on that CPU and allocate from its node
 *
 *   node 0: pfn [0, 16384)   cpu 0      node 1: pfn [16384, 32768)   cpu 1
 */
static void test_cpu_switching(void **state)
{
	run_expect("machine nodes=2 mem=64M cpus=2 holes=none kernel=0 kernel_alloc=n\n"
		   "alloc a gfp=GFP_KERNEL\n"
		   "cpu 1\n"
		   "alloc b gfp=GFP_KERNEL\n"
		   "alloc c gfp=GFP_KERNEL node=0\n"
		   "print counters scn.cpu scn.pfn\n"
		   "cpu 0\n"
		   "print counters scn.cpu\n",
		   SCN_OK,
		   "scn.cpu 1\nscn.pfn.a 4096\nscn.pfn.b 16384\nscn.pfn.c 4097\n"
		   "scn.cpu 0\n", "");
}

/* -------------------------------------------------------------------------
 * The runner's counters
 */

/* print counters scn. lists every runner counter, groups and ids too, in
 * a fixed order. */
static void test_print_counters_scn(void **state)
{
	run_expect(M64
		   "alloc a gfp=GFP_KERNEL\n"
		   "alloc b order=2 gfp=GFP_KERNEL\n"
		   "fill g order=1 gfp=GFP_KERNEL count=3\n"
		   "free a\n"
		   "print counters scn.\n",
		   SCN_OK,
		   "scn.allocs 5\nscn.alloc_failures 0\nscn.frees 1\nscn.last_alloc 1\n"
		   "scn.last_pfn 4100\nscn.migrated 0\nscn.write_errors 0\nscn.replay_allocs 0\n"
		   "scn.replay_frees 0\nscn.replay_unknown_frees 0\nscn.replay_alloc_failures 0\n"
		   "scn.replay_trace_failures 0\nscn.replay_lost_frees 0\nscn.replay_ignored 0\n"
		   "scn.syscall_errors 0\nscn.killed_sigsegv 0\nscn.killed_sigbus 0\nscn.killed_oom 0\n"
		   "scn.live_allocs 4\nscn.live_pages 10\nscn.cpu 0\nscn.allocated.g 3\n"
		   "scn.members.g 3\nscn.failures.g 0\nscn.pfn.a -1\nscn.pfn.b 4100\n", "");
}

/* expect reads the same counters; a name the runner does not have is an
 * input error at its column, whichever family it looks like. */
static void test_scn_counters_in_expect(void **state)
{
	struct scn_result r;

	assert_int_equal(run_text(M64
		"fill f order=10 gfp=GFP_KERNEL|__GFP_DMA tries=4\n"
		"alloc a gfp=GFP_KERNEL\n"
		"cpu 1\n"
		"expect scn.failures.f == 1\n"
		"expect scn.members.f == 3\n"
		"expect scn.allocated.f * 1024 == scn.live_pages - 1\n"
		"expect scn.pfn.a == scn.last_pfn\n"
		"expect scn.cpu == 1\n", &r), SCN_OK);
	assert_string_equal(str(&r.err), "");
	scn_result_free(&r);

	/* each unknown name, and the counter "did you mean" finds for it */
	static const char *const unknown[][2] = {
		{ "scn.nosuch", "" },
		{ "scn.allocated.nog", " (did you mean 'scn.allocated.f'?)" },
		{ "scn.members.nog", " (did you mean 'scn.members.f'?)" },
		{ "scn.failures.nog", " (did you mean 'scn.failures.f'?)" },
		{ "scn.pfn.noid", "" },
		{ "scn.pfn.", " (did you mean 'scn.pfn.a'?)" },
		{ "vmstat.nosuch", "" },
	};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		char text[256], err[160];

		snprintf(text, sizeof(text), M64 "fill f order=0 gfp=GFP_KERNEL count=1\n"
			 "alloc a gfp=GFP_KERNEL\nexpect 1 + %s == 0\n", unknown[i][0]);
		snprintf(err, sizeof(err), "t.scn:4:12: unknown counter '%s'%s\n", unknown[i][0],
			 unknown[i][1]);
		run_expect(text, SCN_BAD_INPUT, "", err);
	}
}

/* -------------------------------------------------------------------------
 * Snapshots: print snapshot, print diff, and their errors
 *
 * Five order-3 allocations split one order-10 block of DMA32:
 * 1024 - 40 = 984 = 512 + 256 + 128 + 64 + 16 + 8 stay free.
 */
static void test_print_snapshot_and_diff(void **state)
{
	run_expect(M64
		   "snapshot s0 /proc/buddyinfo\n"
		   "snapshot s1\n"
		   "fill g order=3 gfp=GFP_KERNEL count=5\n"
		   "snapshot s2 /proc/buddyinfo /proc/sys/vm/min_free_kbytes\n"
		   "echo '-- s0 files'\n"
		   "print snapshot s0\n"
		   "echo '-- s2 files'\n"
		   "print snapshot s2\n"
		   "echo '-- s2 prefixes'\n"
		   "print snapshot s2 scn.a scn.live\n"
		   "echo '-- s1 prefixes'\n"
		   "print snapshot s1 buddyinfo.0.DMA32.3 scn.allocs\n"
		   "echo '-- s1 s2'\n"
		   "print diff s1 s2 scn.a buddyinfo.0.DMA32\n"
		   "echo '-- s1 (now)'\n"
		   "print diff s1 scn.allocs\n"
		   "echo '-- s1 now'\n"
		   "print diff s1 now scn.allocs\n"
		   "free g all\n"
		   "echo '-- s2 after free'\n"
		   "print diff s2 scn.allocs scn.live\n"
		   "echo '-- s2 s2, nothing'\n"
		   "print diff s2 s2\n"
		   "echo end\n",
		   SCN_OK,
		   "-- s0 files\n"
		   "Node 0, zone      DMA      0      0      0      0      0      0      0      0"
		   "      1      1      3 \n"
		   "Node 0, zone    DMA32      1      2      0      1      0      0      3      3"
		   "      1      1     10 \n"
		   "-- s2 files\n"
		   "Node 0, zone      DMA      0      0      0      0      0      0      0      0"
		   "      1      1      3 \n"
		   "Node 0, zone    DMA32      1      2      0      2      1      0      4      4"
		   "      2      2      9 \n"
		   "993\n"
		   "-- s2 prefixes\n"
		   "scn.allocs 5\nscn.alloc_failures 0\nscn.live_allocs 5\nscn.live_pages 40\n"
		   "scn.allocated.g 5\n"
		   "-- s1 prefixes\n"
		   "buddyinfo.0.DMA32.3 1\nscn.allocs 0\n"
		   "-- s1 s2\n"
		   "buddyinfo.0.DMA32.3 1 -> 2 (+1)\nbuddyinfo.0.DMA32.4 0 -> 1 (+1)\n"
		   "buddyinfo.0.DMA32.6 3 -> 4 (+1)\nbuddyinfo.0.DMA32.7 3 -> 4 (+1)\n"
		   "buddyinfo.0.DMA32.8 1 -> 2 (+1)\nbuddyinfo.0.DMA32.9 1 -> 2 (+1)\n"
		   "buddyinfo.0.DMA32.10 10 -> 9 (-1)\n"
		   "scn.allocs 0 -> 5 (+5)\nscn.allocated.g 0 -> 5 (+5)\n"
		   "-- s1 (now)\nscn.allocs 0 -> 5 (+5)\n"
		   "-- s1 now\nscn.allocs 0 -> 5 (+5)\n"
		   "-- s2 after free\n"
		   "scn.live_allocs 5 -> 0 (-5)\nscn.live_pages 40 -> 0 (-40)\n"
		   "-- s2 s2, nothing\n"
		   "end\n", "");
}

/*
 * A prefix that starts no counter name is a misspelling: an input error at
 * its column, before anything of the step is printed (it used to print
 * nothing and go on, which print diff shows as "nothing changed").  A
 * prefix that matches counters whose values did not change is fine.
 */
static void test_print_prefix_matches_nothing(void **state)
{
	static const struct {
		const char *line, *err;
	} cases[] = {
		{ "print counters scn.allocs nothing.starts.so\n",
		  "t.scn:4:27: print counters: no counter name starts with 'nothing.starts.so'\n" },
		{ "print snapshot s nothing.starts.so\n",
		  "t.scn:4:18: print snapshot: no counter name starts with 'nothing.starts.so'\n" },
		{ "print diff s s nothing.starts.so\n",
		  "t.scn:4:16: print diff: no counter name starts with 'nothing.starts.so'\n" },
		{ "print diff s now scn.allocs buddyinfo.1.\n",
		  "t.scn:4:29: print diff: no counter name starts with 'buddyinfo.1.'\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];

		snprintf(text, sizeof(text), M64 "snapshot s\nalloc a gfp=GFP_KERNEL\n%s",
			 cases[i].line);
		run_expect(text, SCN_BAD_INPUT, "", cases[i].err);
	}
	/* values that did not change: nothing to print, and no error */
	run_expect(M64 "snapshot s\nalloc a gfp=GFP_KERNEL\nprint diff s now vmstat.compact_stall\n",
		   SCN_OK, "", "");
}

/* A snapshot line reads its files when it runs, even when nothing reads
 * the snapshot later: a file the model cannot show is an input error at
 * its column, for snapshot as for cat (after what was printed). */
static void test_snapshot_unreadable_file(void **state)
{
	run_expect(M64
		   "snapshot s /proc/buddyinfo /proc/sys/vm/compact_memory\n",
		   SCN_BAD_INPUT, "",
		   "t.scn:2:28: snapshot: /proc/sys/vm/compact_memory: not a readable file of "
		   "the model (`mmsim files` lists them)\n");
	run_expect(M64
		   "snapshot s /proc/nosuch\n"
		   "print snapshot s\n",
		   SCN_BAD_INPUT, "",
		   "t.scn:2:12: snapshot: /proc/nosuch: not a readable file of the model "
		   "(`mmsim files` lists them)\n");
	run_expect(M64
		   "cat /proc/sys/vm/min_free_kbytes /proc/nosuch\n",
		   SCN_BAD_INPUT, "993\n",
		   "t.scn:2:34: cat: /proc/nosuch: not a readable file of the model "
		   "(`mmsim files` lists them)\n");
}

/* A counter a snapshot does not have is an input error naming both. */
static void test_snapshot_unknown_counter(void **state)
{
	run_expect(M64
		   "snapshot s\n"
		   "expect s:scn.allocs == 0\n"
		   "expect s:vmstat.nosuch == 0\n",
		   SCN_BAD_INPUT, "", "t.scn:4:8: unknown counter 'vmstat.nosuch' in snapshot 's'\n");
}

/* Reads of a snapshot taken again read the newest take; the values an
 * expect sees are the ones of that take. */
static void test_snapshot_retaken(void **state)
{
	run_expect(M64
		   "snapshot s\n"
		   "alloc a gfp=GFP_KERNEL\n"
		   "expect s:scn.allocs == 0\n"
		   "print diff s scn.allocs\n"
		   "snapshot s\n"
		   "expect s:scn.allocs == 1\n"
		   "alloc b gfp=GFP_KERNEL\n"
		   "print diff s scn.allocs\n",
		   SCN_OK, "scn.allocs 0 -> 1 (+1)\nscn.allocs 1 -> 2 (+1)\n", "");
}

/* -------------------------------------------------------------------------
 * echo VALUE > FILE
 */

/* A write the kernel refuses is reported like a shell does and counted;
 * the run goes on.  A file the model does not have is an input error. */
static void test_store_errors(void **state)
{
	run_expect(M64
		   "echo 1 > /proc/buddyinfo\n"
		   "echo 1 > /sys/kernel/debug/extfrag/unusable_index\n"
		   "echo x > /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages\n"
		   "echo banana > /proc/sys/vm/min_free_kbytes\n"
		   "echo 3000 > /proc/sys/vm/min_free_kbytes\n"
		   "print counters scn.write_errors\n"
		   "cat /proc/sys/vm/min_free_kbytes\n"
		   "echo 1 > /proc/sys/vm/nosuch\n"
		   "echo not reached\n",
		   SCN_BAD_INPUT, "scn.write_errors 4\n3000\n",
		   "mmsim: /proc/buddyinfo: write error: Input/output error (read-only file)\n"
		   "mmsim: /sys/kernel/debug/extfrag/unusable_index: write error: Invalid "
		   "argument (read-only file)\n"
		   "mmsim: /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages: "
		   "write error: Permission denied (read-only file)\n"
		   "mmsim: /proc/sys/vm/min_free_kbytes: write error: Invalid argument "
		   "(\"banana\" is not an integer)\n"
		   "t.scn:9:10: /proc/sys/vm/nosuch: not a file the model provides\n");
}

/* -------------------------------------------------------------------------
 * expect arithmetic: an overflow is reported at the term where it
 * happened.  "MAX + 1 + 0" leaves the range when the 1 is added (column
 * 30), not at the 0 that follows; a product added to the sum is reported
 * at the product's first term.
 *
 *   expect 9223372036854775807 + 1 + 0 > 0
 *          8                     30  34
 */
static void test_expect_overflow_column(void **state)
{
	run_expect(M64 "expect 9223372036854775807 + 1 + 0 > 0\n", SCN_BAD_INPUT, "",
		   "t.scn:2:30: expect: the value overflows 64-bit arithmetic here\n");
	run_expect(M64 "expect 9223372036854775807 + 1 - 5 > 0\n", SCN_BAD_INPUT, "",
		   "t.scn:2:30: expect: the value overflows 64-bit arithmetic here\n");
	/* 1 + (MAX * 1): the product starts at column 12 */
	run_expect(M64 "expect 1 + 9223372036854775807 * 1 > 0\n", SCN_BAD_INPUT, "",
		   "t.scn:2:12: expect: the value overflows 64-bit arithmetic here\n");
	/* a product that overflows is reported at the factor that did it */
	run_expect(M64 "expect 2 + 4611686018427387904 * 2 * 1 > 0\n", SCN_BAD_INPUT, "",
		   "t.scn:2:34: expect: the value overflows 64-bit arithmetic here\n");
	/* the right-hand side too */
	run_expect(M64 "expect 0 < 0 - 9223372036854775807 - 2 + 1\n", SCN_BAD_INPUT, "",
		   "t.scn:2:38: expect: the value overflows 64-bit arithmetic here\n");
	/* at the limits, nothing overflows */
	run_expect(M64 "expect 0 - 9223372036854775807 - 1 + 0 < 0\n"
		   "expect 9223372036854775807 - 1 + 1 == 9223372036854775807\n",
		   SCN_OK, "", "");
}

/* -------------------------------------------------------------------------
 * compact, and ids and members following migrated data
 */

/*
 * compact node=1 compacts node 1 only: node 0's free lists do not move,
 * node 1's migrations are the runner's scn.migrated, and every block the
 * runner holds is freed where its data went (the checker would report a
 * free of a block the runner no longer holds as a broken invariant).
 *
 *   node 0 and node 1: 2000 movable pages each, every other one freed
 */
static void test_compact_one_node(void **state)
{
	struct scn_result r;

	assert_int_equal(run_text(
		"machine nodes=2 mem=64M cpus=2 holes=none kernel=0 kernel_alloc=n\n"
		"fill a order=0 gfp=GFP_HIGHUSER_MOVABLE|__GFP_THISNODE node=0 count=2000\n"
		"fill b order=0 gfp=GFP_HIGHUSER_MOVABLE|__GFP_THISNODE node=1 count=2000\n"
		"free a every=2\n"
		"free b every=2\n"
		"drain\n"
		"snapshot s\n"
		"compact node=1\n"
		"print diff s buddyinfo.0. pagetypeinfo.0.\n"
		"expect scn.migrated > 0\n"
		"expect scn.migrated == vmstat.pgmigrate_success - s:vmstat.pgmigrate_success\n"
		"expect buddyinfo.1.DMA32.0 < s:buddyinfo.1.DMA32.0\n"
		"free a all\n"
		"free b all\n"
		"drain\n"
		"expect scn.live_pages == 0\n", &r), SCN_OK);
	assert_string_equal(str(&r.out), "");
	assert_string_equal(str(&r.err), "");
	scn_result_free(&r);
}

/*
 * The one block the runner holds migrates: x (allocated low while 1000
 * movable pages took the small free blocks at the top of DMA32) moves up
 * into those blocks once they are free again, and `free x` frees it there.
 */
static void test_compact_moves_a_lone_id(void **state)
{
	struct scn_result r;

	assert_int_equal(run_text(M64
		"snapshot boot /proc/buddyinfo\n"
		"fill pad order=0 gfp=GFP_HIGHUSER_MOVABLE count=1000\n"
		"alloc x gfp=GFP_HIGHUSER_MOVABLE\n"
		"free pad all\n"
		"drain\n"
		"snapshot s\n"
		"compact\n"
		"expect scn.migrated == 1\n"
		"expect scn.pfn.x > s:scn.pfn.x\n"
		"free x\n"
		"drain\n"
		"expect scn.live_pages == 0\n"
		"print snapshot boot\n"
		"cat /proc/buddyinfo\n", &r), SCN_OK);
	assert_string_equal(str(&r.err), "");
	/* everything merged back: the free lists are the boot ones */
	size_t half = r.out.len / 2;

	assert_true(r.out.len == 2 * half);
	assert_memory_equal(r.out.buf, r.out.buf + half, half);
	scn_result_free(&r);
}

/* -------------------------------------------------------------------------
 * replay
 */
static void write_trace(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.trace", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Run @text as a scenario next to the trace file (replay t.trace finds it) */
static enum scn_status run_in_tmpdir(const char *text, struct scn_result *r)
{
	char file[128];
	struct scn_script *s;
	struct scn_run_opts o = { 0 };
	enum scn_status st;

	snprintf(file, sizeof(file), "%s/t.scn", tmpdir);
	s = parse_file_ok(file, text);
	scn_result_init(r);
	st = scn_run(s, &o, r);
	scn_script_free(s);
	return st;
}

#define TL(cpu, ts, rest) "            bash-1 [" cpu "] .....  1." ts ": " rest "\n"

/*
 * Every path of a replay, in order (t = the traced pfn):
 *
 *   1  alloc t=0x1000 o0            made (A)
 *   2  free  t=0x1000               frees A                    replay_frees 1
 *   3  free  t=0x2000               never allocated            unknown_frees 1
 *   4  alloc NULL page, pfn 0       failed in the trace        trace_failures 1
 *   5  alloc t=0x3000 o10           fails here (DMA32 has no   alloc_failures 1
 *                                   order-10 block left)
 *   6  free  t=0x3000               nothing to free            replay_frees 2
 *   7  alloc t=0x4000 o10           fails here                 alloc_failures 2
 *   8  alloc t=0x4000 o0            the free was lost          lost_frees 1
 *                                   (nothing to free), made (B)
 *   9  alloc t=0x4000 o1 [005]      lost again: frees B        lost_frees 2
 *                                   made (C), on the current CPU
 *  10  mm_page_pcpu_drain           ignored                    ignored 1
 *  11  alloc t=0x5000 o0 [999]      made (D)
 *
 * The group keeps C and D (3 pages); 4 members were made, 2 attempts failed.
 */
static const char replay_trace[] =
	"# tracer: nop\n"
	TL("001", "000001", "mm_page_alloc: page=0xffffea0000040000 pfn=0x1000 order=0 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("001", "000002", "mm_page_free: page=0xffffea0000040000 pfn=0x1000 order=0")
	TL("000", "000003", "mm_page_free: page=0xffffea0000080000 pfn=0x2000 order=0")
	TL("000", "000004", "mm_page_alloc: page=0000000000000000 pfn=0 order=0 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("000", "000005", "mm_page_alloc: page=0xffffea00000c0000 pfn=0x3000 order=10 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("000", "000006", "mm_page_free: page=0xffffea00000c0000 pfn=0x3000 order=10")
	TL("000", "000007", "mm_page_alloc: page=0xffffea0000100000 pfn=0x4000 order=10 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("000", "000008", "mm_page_alloc: page=0xffffea0000100000 pfn=0x4000 order=0 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("005", "000009", "mm_page_alloc: page=0xffffea0000100000 pfn=0x4000 order=1 "
	   "migratetype=0 gfp_flags=GFP_KERNEL")
	TL("000", "000010", "mm_page_pcpu_drain: page=0xffffea0000100000 pfn=0x4000 order=0 "
	   "migratetype=0")
	TL("999", "000011", "mm_page_alloc: page=0xffffea0000140000 pfn=0x5000 order=0 "
	   "migratetype=0 gfp_flags=GFP_KERNEL");

static void test_replay_paths(void **state)
{
	struct scn_result r;

	write_trace(replay_trace);
	assert_int_equal(run_in_tmpdir(M64
		"fill big order=10 gfp=GFP_KERNEL until=fail\n"
		"snapshot s\n"
		"cpu 1\n"
		"replay t.trace group=t\n"
		"print diff s scn.\n"
		"free t all\n"
		"print counters scn.allocated.t scn.live_pages scn.frees\n", &r), SCN_OK);
	assert_string_equal(str(&r.err), "");
	assert_string_equal(str(&r.out),
		"scn.allocs 13 -> 17 (+4)\n"
		"scn.frees 0 -> 2 (+2)\n"
		"scn.replay_allocs 0 -> 4 (+4)\n"
		"scn.replay_frees 0 -> 2 (+2)\n"
		"scn.replay_unknown_frees 0 -> 1 (+1)\n"
		"scn.replay_alloc_failures 0 -> 2 (+2)\n"
		"scn.replay_trace_failures 0 -> 1 (+1)\n"
		"scn.replay_lost_frees 0 -> 2 (+2)\n"
		"scn.replay_ignored 0 -> 1 (+1)\n"
		"scn.live_allocs 13 -> 15 (+2)\n"
		"scn.live_pages 13312 -> 13315 (+3)\n"
		"scn.cpu 0 -> 1 (+1)\n"
		"scn.allocated.t 0 -> 2 (+2)\n"
		"scn.members.t 0 -> 4 (+4)\n"
		"scn.failures.t 0 -> 2 (+2)\n"
		"scn.frees 4\nscn.live_pages 13312\nscn.allocated.t 0\n");
	scn_result_free(&r);
}

/*
 * Events run on the traced CPU: a page allocated and freed on [001] ends
 * on CPU 1's per-cpu list (count 1 there, 0 on CPU 0), and the replay
 * leaves the scenario's own CPU (0) as it was.
 */
static void test_replay_runs_on_the_traced_cpu(void **state)
{
	struct scn_result r;

	write_trace(TL("001", "000001", "mm_page_alloc: page=0xffffea0000040000 pfn=0x1000 "
		       "order=0 migratetype=0 gfp_flags=GFP_KERNEL")
		    TL("001", "000002", "mm_page_free: page=0xffffea0000040000 pfn=0x1000 "
		       "order=0"));
	assert_int_equal(run_in_tmpdir(M64
		"replay t.trace\n"
		"print counters zoneinfo.0.DMA32.cpu.0.count zoneinfo.0.DMA32.cpu.1.count "
		"scn.cpu scn.replay_frees\n", &r), SCN_OK);
	assert_string_equal(str(&r.out),
		"zoneinfo.0.DMA32.cpu.0.count 0\nzoneinfo.0.DMA32.cpu.1.count 1\n"
		"scn.replay_frees 1\nscn.cpu 0\n");
	scn_result_free(&r);
}

/*
 * Many pfns in flight: 1500 allocations of distinct pfns, then their frees
 * in another order (every third first), then a second replay into the same
 * group appends members.  Every block is freed where it was made.
 */
static void test_replay_many(void **state)
{
	struct sbuf t;
	struct scn_result r;
	const int n = 1500;

	sb_init(&t);
	for (int i = 0; i < n; i++)
		sb_printf(&t, "  w-1 [000] ..... 2.%06d: mm_page_alloc: page=0xffffea0000000000 "
			  "pfn=%#x order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n",
			  i, 0x100000 + 7 * i);
	for (int pass = 0; pass < 3; pass++)
		for (int i = pass; i < n; i += 3)
			sb_printf(&t, "  w-1 [001] ..... 3.%06d: mm_page_free: page=0xffffea0000000000 "
				  "pfn=%#x order=0\n", i, 0x100000 + 7 * i);
	write_trace(t.buf);
	sb_free(&t);
	assert_int_equal(run_in_tmpdir(M64
		"replay t.trace group=w\n"
		"expect scn.replay_allocs == 1500\n"
		"expect scn.replay_frees == 1500\n"
		"expect scn.allocated.w == 0\n"
		"replay t.trace group=w\n"
		"expect scn.members.w == 3000\n"
		"expect scn.live_pages == 0\n", &r), SCN_OK);
	assert_string_equal(str(&r.err), "");
	scn_result_free(&r);
}

/*
 * Several trace pfns whose allocation failed here, freed or allocated
 * again in an order that removes the middle, the last and then the first
 * entry of the replay's pfn table.
 */
static void test_replay_failed_allocations_in_any_order(void **state)
{
	static const char *const order10 = "order=10 migratetype=0 gfp_flags=GFP_KERNEL";
	static const unsigned int seq[][2] = {
		/* kind (0 alloc order 10, 1 free, 2 alloc order 0), tpfn */
		{ 0, 0x1000 }, { 0, 0x2000 }, { 0, 0x3000 },
		{ 1, 0x2000 }, { 1, 0x3000 }, { 1, 0x1000 },
		{ 0, 0x4000 }, { 0, 0x5000 }, { 0, 0x6000 },
		{ 2, 0x5000 }, { 2, 0x6000 }, { 2, 0x4000 },
	};
	struct sbuf t;
	struct scn_result r;

	sb_init(&t);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (seq[i][0] == 1)
			sb_printf(&t, "  w-1 [000] ..... 2.%06zu: mm_page_free: page=0xffffea00000"
				  "00000 pfn=%#x order=10\n", i, seq[i][1]);
		else
			sb_printf(&t, "  w-1 [000] ..... 2.%06zu: mm_page_alloc: page=0xffffea00000"
				  "00000 pfn=%#x %s\n", i, seq[i][1],
				  seq[i][0] == 0 ? order10 : "order=0 migratetype=0 "
				  "gfp_flags=GFP_KERNEL");
	}
	write_trace(t.buf);
	sb_free(&t);
	assert_int_equal(run_in_tmpdir(M64
		"fill big order=10 gfp=GFP_KERNEL until=fail\n"
		"replay t.trace group=w\n"
		"print counters scn.replay scn.allocated.w scn.failures.w\n", &r), SCN_OK);
	assert_string_equal(str(&r.out),
		"scn.replay_allocs 3\nscn.replay_frees 3\nscn.replay_unknown_frees 0\n"
		"scn.replay_alloc_failures 6\nscn.replay_trace_failures 0\n"
		"scn.replay_lost_frees 3\nscn.replay_ignored 0\n"
		"scn.allocated.w 3\nscn.failures.w 6\n");
	scn_result_free(&r);
}

/* -------------------------------------------------------------------------
 * Where output goes
 */

/* With streams, output is written as the run goes and the result's
 * buffers stay empty; a diagnostic flushes stdout first, so a shell sees
 * the lines in order.  With only an error stream, stdout is captured. */
static void test_output_streams(void **state)
{
	struct scn_script *s = parse_file_ok("t.scn", M64
		"echo one\n"
		"echo 1 > /proc/buddyinfo\n"
		"echo -n two\n");
	char *ob = NULL, *eb = NULL;
	size_t ol = 0, el = 0;
	FILE *out = open_memstream(&ob, &ol), *err = open_memstream(&eb, &el);
	struct scn_run_opts o = { .out = out, .err = err };
	struct scn_result r;

	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	/* the diagnostic came after "one" had reached the stream */
	fflush(err);
	assert_string_equal(ob, "one\ntwo");
	assert_string_equal(eb, "mmsim: /proc/buddyinfo: write error: Input/output error "
			    "(read-only file)\n");
	assert_null(r.out.buf);
	assert_null(r.err.buf);
	scn_result_free(&r);
	fclose(out);
	free(ob);

	/* errors to a stream, output captured; quiet prints nothing */
	rewind(err);
	o = (struct scn_run_opts){ .err = err };
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_string_equal(str(&r.out), "one\ntwo");
	assert_null(r.err.buf);
	scn_result_free(&r);
	o.quiet = true;
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_null(r.out.buf);
	scn_result_free(&r);
	fclose(err);
	assert_non_null(strstr(eb, "Input/output error"));
	free(eb);
	scn_script_free(s);
}

/* scn_run_file: a file that does not parse reports file:line:col to the
 * error stream, or into the result, with status 2. */
static void test_run_file(void **state)
{
	char path[128], *eb = NULL;
	size_t el = 0;
	FILE *f, *err;
	struct scn_run_opts o = { 0 };
	struct scn_result r;

	snprintf(path, sizeof(path), "%s/bad.scn", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(M64 "frobnicate\n", f);
	assert_int_equal(fclose(f), 0);

	scn_result_init(&r);
	assert_int_equal(scn_run_file(path, &o, &r), SCN_BAD_INPUT);
	assert_int_equal(r.status, SCN_BAD_INPUT);
	assert_non_null(strstr(str(&r.err), "/bad.scn:2:1: unknown verb 'frobnicate'"));
	scn_result_free(&r);

	err = open_memstream(&eb, &el);
	o.err = err;
	scn_result_init(&r);
	assert_int_equal(scn_run_file(path, &o, &r), SCN_BAD_INPUT);
	fclose(err);
	assert_non_null(strstr(eb, "/bad.scn:2:1: unknown verb 'frobnicate'"));
	assert_null(r.err.buf);
	scn_result_free(&r);
	free(eb);

	/* a good file runs */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(M64 "echo ok\n", f);
	assert_int_equal(fclose(f), 0);
	o.err = NULL;
	scn_result_init(&r);
	assert_int_equal(scn_run_file(path, &o, &r), SCN_OK);
	assert_string_equal(str(&r.out), "ok\n");
	scn_result_free(&r);
	unlink(path);
}

/* A scenario of echo lines only needs no machine: nothing boots, nothing
 * is checked, and the counters are not dumped. */
static void test_run_without_machine(void **state)
{
	struct scn_script *s = parse_file_ok("t.scn", "echo a\nprint b c\n");
	struct scn_run_opts o = { .want_counters = true };
	struct scn_result r;

	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_string_equal(str(&r.out), "a\nb c\n");
	assert_int_equal(r.checks, 0);
	assert_null(r.counters.buf);
	scn_result_free(&r);
	scn_script_free(s);
}

/* -------------------------------------------------------------------------
 * The invariant checker sees what the scenario holds
 */
struct corrupt {
	int line;			/* corrupt after the step on this line */
	unsigned int order;		/* the held block to corrupt */
	unsigned long pfn;		/* the block corrupted, PFN_NONE before */
	int held;			/* blocks the runner's iterator reported */
};

static void find_held(void *cbpriv, unsigned long pfn, unsigned int order)
{
	struct corrupt *c = cbpriv;

	c->held++;
	if (order == c->order)
		c->pfn = pfn;
}

/*
 * The step hook: find the held block of c->order through the iterator the
 * runner gave the checker, and put it on its zone's free list with every
 * free-list counter adjusted, as a model bug that freed it behind the
 * scenario's back would.  The free lists stay consistent on their own.
 */
static void corrupt_held_block(void *priv, struct machine *m, int line)
{
	struct corrupt *c = priv;
	struct zone *z;
	struct free_area *area;

	if (line != c->line || c->pfn != PFN_NONE)
		return;
	assert_non_null(m->inuse_iter);
	m->inuse_iter(m->inuse_priv, find_held, c);
	assert_int_not_equal(c->pfn, PFN_NONE);
	z = page_zone(m, c->pfn);
	area = &z->free_area[c->order];
	set_page_count(m, c->pfn, 0);
	set_page_private(m, c->pfn, c->order);
	__SetPageBuddy(m, c->pfn);
	set_page_index(m, c->pfn, MIGRATE_UNMOVABLE);
	pfnlist_add(m, &area->free_list[MIGRATE_UNMOVABLE], c->pfn);
	area->nr_free++;
	area->nr_free_mt[MIGRATE_UNMOVABLE]++;
	z->vm_stat[NR_FREE_PAGES] += 1L << c->order;
}

#define HELD_SCN	M64 "alloc a order=2 gfp=GFP_KERNEL\n"	/* line 2 */ \
			"alloc b gfp=GFP_KERNEL\n"		/* line 3 */ \
			"echo done\n"				/* line 4 */

static enum scn_status run_corrupted(enum scn_check_mode check, struct corrupt *c,
				     struct scn_result *r)
{
	struct scn_script *s = parse_file_ok("t.scn", HELD_SCN);
	struct scn_run_opts o = { .check = check, .step_hook = corrupt_held_block,
				  .step_hook_priv = c };
	enum scn_status st;

	*c = (struct corrupt){ .line = 3, .order = 2, .pfn = PFN_NONE };
	scn_result_init(r);
	st = scn_run(s, &o, r);
	scn_script_free(s);
	return st;
}

/*
 * `alloc a` holds an order-2 block; after line 3 the hook puts it on a
 * free list.  With --check (a check after every step) the check after
 * that very step reports the held block, naming line 3, after 3 checks
 * (boot, line 2, line 3) and before `echo done` runs.  By default the
 * small steps are not checked one by one, but the end-of-run check finds
 * it.  With --no-check nothing notices: the free lists alone are
 * consistent, so only the held-block test catches this.
 */
static void test_check_reports_held_block_made_free(void **state)
{
	struct scn_result r;
	struct corrupt c;
	char want[256];

	assert_int_equal(run_corrupted(SCN_CHECK_STEPS, &c, &r), SCN_FAILED);
	assert_int_equal(c.held, 2);
	snprintf(want, sizeof(want), "t.scn:3: invariant broken after this step: page %#lx is in "
		 "use (block %#lx order 2) and also free or on a pcp list\n", c.pfn, c.pfn);
	assert_string_equal(str(&r.err), want);
	assert_string_equal(str(&r.out), "");
	assert_int_equal(r.fail, SCN_FAIL_INVARIANT);
	assert_int_equal(r.checks, 3);
	scn_result_free(&r);

	assert_int_equal(run_corrupted(SCN_CHECK_AUTO, &c, &r), SCN_FAILED);
	snprintf(want, sizeof(want), "t.scn:4: invariant broken at the end of the run (last step): "
		 "page %#lx is in use (block %#lx order 2) and also free or on a pcp list\n",
		 c.pfn, c.pfn);
	assert_string_equal(str(&r.err), want);
	assert_string_equal(str(&r.out), "done\n");
	assert_int_equal(r.fail, SCN_FAIL_INVARIANT);
	assert_int_equal(r.checks, 2);
	scn_result_free(&r);

	assert_int_equal(run_corrupted(SCN_CHECK_OFF, &c, &r), SCN_OK);
	assert_int_not_equal(c.pfn, PFN_NONE);
	assert_string_equal(str(&r.err), "");
	assert_string_equal(str(&r.out), "done\n");
	assert_int_equal(r.checks, 0);
	scn_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_modes),
		cmocka_unit_test(test_free_every_picks_members),
		cmocka_unit_test(test_free_member_out_of_range),
		cmocka_unit_test(test_fill_count_and_tries),
		cmocka_unit_test(test_fill_until_watermarks),
		cmocka_unit_test(test_fill_until_low_on_one_node),
		cmocka_unit_test(test_alloc_expect_messages),
		cmocka_unit_test(test_alloc_counters),
		cmocka_unit_test(test_cpu_switching),
		cmocka_unit_test(test_print_counters_scn),
		cmocka_unit_test(test_print_prefix_matches_nothing),
		cmocka_unit_test(test_scn_counters_in_expect),
		cmocka_unit_test(test_print_snapshot_and_diff),
		cmocka_unit_test(test_snapshot_unreadable_file),
		cmocka_unit_test(test_snapshot_unknown_counter),
		cmocka_unit_test(test_snapshot_retaken),
		cmocka_unit_test(test_store_errors),
		cmocka_unit_test(test_expect_overflow_column),
		cmocka_unit_test(test_compact_one_node),
		cmocka_unit_test(test_compact_moves_a_lone_id),
		cmocka_unit_test(test_replay_paths),
		cmocka_unit_test(test_replay_runs_on_the_traced_cpu),
		cmocka_unit_test(test_replay_many),
		cmocka_unit_test(test_replay_failed_allocations_in_any_order),
		cmocka_unit_test(test_output_streams),
		cmocka_unit_test(test_run_file),
		cmocka_unit_test(test_run_without_machine),
		cmocka_unit_test(test_check_reports_held_block_made_free),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
