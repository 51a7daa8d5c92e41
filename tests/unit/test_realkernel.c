// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_realkernel.c - the real-kernel comparison's own logic: a scenario
 * turned into a guest's machine and /init (rk_plan), the guest's data
 * stream (rk_data_parse), figures read out of kernel files (rk_figures)
 * and the side-by-side difference (rk_diff_print, rk_diff_run).
 *
 * The last tests read tests/data/realkernel/tiny-6.1/ and tiny-6.12/, real
 * guests' output recorded once with tools/realkernel/run (Debian's 6.1.192
 * and 6.12.118), so the parsers are held to the kernel's own text, not to
 * this file's idea of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "realkernel.h"

static struct scn_script *parse(const char *text)
{
	struct scn_diag d = { 0 };
	struct scn_script *s = scn_parse_string("t.scn", text, &d);

	if (!s)
		fail_msg("parse: %d:%d: %s", d.line, d.col, d.msg);
	return s;
}

/* Plan @text, expecting success; the plan is the caller's to free */
static void plan(const char *text, struct rk_plan *p)
{
	struct scn_diag d = { 0 };
	struct scn_script *s = parse(text);

	rk_plan_init(p);
	if (rk_plan_build(s, p, &d))
		fail_msg("plan: %d:%d: %s", d.line, d.col, d.msg);
	scn_script_free(s);
}

/* Plan @text, expecting a refusal at line:col containing @msg */
static void refused(const char *text, int line, int col, const char *msg)
{
	struct scn_diag d = { 0 };
	struct scn_script *s = parse(text);
	struct rk_plan p;

	rk_plan_init(&p);
	assert_int_equal(rk_plan_build(s, &p, &d), SCN_BAD_INPUT);
	assert_int_equal(d.line, line);
	assert_int_equal(d.col, col);
	if (!strstr(d.msg, "not runnable on a real kernel") || !strstr(d.msg, msg))
		fail_msg("message '%s' lacks '%s'", d.msg, msg);
	rk_plan_free(&p);
	scn_script_free(s);
}

/* @needle occurs in @hay after @from; returns where it ends */
static const char *expect_after(const char *hay, const char *from, const char *needle)
{
	const char *p = strstr(from ? from : hay, needle);

	if (!p)
		fail_msg("'%s' not found (in order) in:\n%s", needle, hay);
	return p + strlen(needle);
}

/*
 * Two nodes of 1 GiB, 3 CPUs (model CPUs 0, 2 on node 0; 1 on node 1),
 * a distance: the guest gets one CPU more (guest CPU 0, node 0, runs
 * nothing of the scenario), model CPU k as guest CPU k + 1, 2 GiB below
 * 4 GiB and one lazily reserved backend per node.
 */
static void test_plan_machine(void **state)
{
	struct rk_plan p;

	plan("machine nodes=2 mem=1G cpus=3\ndistance 0 1 21\ncmdline page_alloc.shuffle=1\n"
	     "boot\n", &p);
	assert_string_equal(p.qemu.buf,
			    "-machine\nq35,max-ram-below-4g=2G\n-smp\n4,sockets=4,cores=1,threads=1\n"
			    "-m\n2048M\n"
			    "-object\nmemory-backend-ram,id=mem0,size=1024M,reserve=off\n"
			    "-numa\nnode,nodeid=0,memdev=mem0,cpus=0,cpus=1,cpus=3\n"
			    "-object\nmemory-backend-ram,id=mem1,size=1024M,reserve=off\n"
			    "-numa\nnode,nodeid=1,memdev=mem1,cpus=2\n"
			    "-numa\ndist,src=0,dst=1,val=21\n-numa\ndist,src=1,dst=0,val=21\n");
	assert_string_equal(p.cmdline.buf,
			    RK_CMDLINE_BASE " page_alloc.shuffle=1");
	rk_plan_free(&p);
}

/* Every translated verb appears in the script, in scenario order, framed
 * with its line; quoting survives a value with a quote in it */
static void test_plan_script(void **state)
{
	struct rk_plan p;
	const char *at;

	plan("machine nodes=1 mem=1G cpus=2\n"		/* 1 */
	     "seed 3\n"					/* 2 */
	     "cat /proc/buddyinfo /proc/meminfo\n"	/* 3 */
	     "echo \"it's\"\n"				/* 4 */
	     "echo 8 > /proc/sys/vm/nr_hugepages\n"	/* 5 */
	     "cpu 1\n"					/* 6 */
	     "snapshot s /proc/vmstat\n"		/* 7 */
	     "drain\n"					/* 8 */
	     "compact node=0\n"				/* 9 */
	     "expect meminfo.MemTotal > 0\n"		/* 10 */
	     "mount -t tmpfs -o size=4M none /mnt/t\n",	/* 11 */
	     &p);
	at = expect_after(p.init.buf, NULL, "rk_cpu 1\n");	/* model CPU 0 */
	at = expect_after(p.init.buf, at, "rk_cat 3 '/proc/buddyinfo'\nrk_cat 3 '/proc/meminfo'\n");
	at = expect_after(p.init.buf, at, "rk_do print 4 '-' 'echo '\\''it'\\''\\'\\'''\\''s'\\'''\n");
	at = expect_after(p.init.buf, at, "rk_do store 5 '/proc/sys/vm/nr_hugepages' "
				      "'echo '\\''8'\\'' > '\\''/proc/sys/vm/nr_hugepages'\\'''\n");
	at = expect_after(p.init.buf, at, "rk_cpu 2\n");
	at = expect_after(p.init.buf, at, "rk_snapshot 7 s '/proc/vmstat'\n");
	at = expect_after(p.init.buf, at, "rk_drain 8\n");
	at = expect_after(p.init.buf, at, "rk_do store 9 /sys/devices/system/node/node0/compact");
	at = expect_after(p.init.buf, at, "rk_cat 10 '/proc/meminfo'\n");
	at = expect_after(p.init.buf, at, "rk_do store 11 mount 'mkdir -p '\\''/mnt/t'\\'' && "
				      "mount -t tmpfs -o size=4M none /mnt/t'\n");
	at = expect_after(p.init.buf, at, "@@mmsim done");
	expect_after(p.init.buf, at, "poweroff -f\n");
	/* what was left out, and why */
	expect_after(p.notes.buf, NULL, "line 2: seed");
	rk_plan_free(&p);
}

/*
 * `echo V >> FILE` stays an append on the guest: a write to tracefs's
 * uprobe_events through `>` (O_TRUNC) deletes every probe first, so seed
 * 001's second and third probes were lost on the guest when the plan
 * wrote every store with `>`.
 */
static void test_plan_append(void **state)
{
	struct rk_plan p;
	const char *at;

	plan("machine nodes=1 mem=1G\n"
	     "echo 'p:a /mnt/prog:0x1000' > /sys/kernel/tracing/uprobe_events\n"	/* 2 */
	     "echo 'p:b /mnt/prog:0x2000' >> /sys/kernel/tracing/uprobe_events\n",	/* 3 */
	     &p);
	at = expect_after(p.init.buf, NULL, "rk_do store 2 '/sys/kernel/tracing/uprobe_events' "
				      "'echo '\\''p:a /mnt/prog:0x1000'\\'' > "
				      "'\\''/sys/kernel/tracing/uprobe_events'\\'''\n");
	expect_after(p.init.buf, at, "rk_do store 3 '/sys/kernel/tracing/uprobe_events' "
				 "'echo '\\''p:b /mnt/prog:0x2000'\\'' >> "
				 "'\\''/sys/kernel/tracing/uprobe_events'\\'''\n");
	rk_plan_free(&p);
}

/*
 * Process lines drive tools/realkernel/guest.c: a variable's value is the
 * shell's v_NAME, offsets added by the shell, paths hex-encoded, fork
 * names its child; cat of /proc/NAME/ is resolved in the guest (rk_path).
 */
static void test_plan_processes(void **state)
{
	struct rk_plan p;
	const char *at;

	plan("machine nodes=1 mem=1G\n"
	     "process p\n"						/* 2 */
	     "p: a = mmap(NULL, 4M, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"	/* 3 */
	     "p: munmap(a+4096, 4096) = 0\n"				/* 4 */
	     "p: q = fork()\n"						/* 5 */
	     "q: fd = open(\"/mnt/a b\", O_RDWR|O_CREAT, 0644)\n"	/* 6 */
	     "q: touch(a, 8K, WRITE) = SIGSEGV\n"			/* 7 */
	     "cat /proc/p/smaps\n",					/* 8 */
	     &p);
	at = expect_after(p.init.buf, NULL, "rk_process 2 p\n");
	at = expect_after(p.init.buf, at, "rk_call 3 p a \"mmap 0 4194304 1 34 -1 0\"\n");
	at = expect_after(p.init.buf, at, "rk_call 4 p - \"munmap $((v_a + 4096)) 4096\"\n");
	at = expect_after(p.init.buf, at, "rk_call 5 p - \"fork q\"\n");
	at = expect_after(p.init.buf, at, "rk_call 6 q fd \"open 2f6d6e742f612062 66 420\"\n");
	at = expect_after(p.init.buf, at, "rk_call 7 q - \"touch $((v_a + 0)) 8192 1\"\n");
	expect_after(p.init.buf, at, "rk_cat 8 '/proc/p/smaps'\n");
	rk_plan_free(&p);
}

/* Lines a guest cannot run are refused at their own line and column */
static void test_plan_refusals(void **state)
{
	const char *m = "machine nodes=1 mem=1G\n";
	char buf[512];

	snprintf(buf, sizeof(buf), "%s%s", m, "alloc a order=0 gfp=GFP_KERNEL\n");
	refused(buf, 2, 1, "userspace interface");
	snprintf(buf, sizeof(buf), "%s%s", m, "boot\n  fill g order=0 gfp=GFP_KERNEL count=3\n");
	refused(buf, 3, 3, "userspace interface");
	refused("machine nodes=1 mem=1G struct_page_size=72\n", 1, 24, "64-byte");
	refused("machine nodes=1 mem=1G holes=none\n", 1, 24, "e820");
	refused("machine nodes=2 mem=1G\nnode 1 mem=1G movable=512M\n", 2, 15, "ZONE_MOVABLE");
	refused("machine nodes=1 mem=1G\nreserve 16M 4M\n", 2, 1, "memblock");
	/* Debian's 6.1 has no memory/probe file; nothing removes memory from userspace */
	refused("machine nodes=1 mem=1G\necho 0x48000000 > /sys/devices/system/memory/probe\n",
		2, 19, "CONFIG_ARCH_MEMORY_PROBE");
	refused("machine nodes=1 mem=1G\nmemory remove 0x48000000 128M\n", 2, 1,
		"remove_memory");
	refused("machine nodes=1 mem=1G\nmemory add 0x48000000 128M\n", 2, 1, "add_memory");
}

/* ---- the data stream ----------------------------------------------------- */

static const char stream[] =
	"noise the guest printed\n"
	"@@mmsim begin 6.1.0-57-amd64\n"
	"@@mmsim cmdline console=ttyS0 x=1\n"
	"@@mmsim cat 3 /proc/buddyinfo\n"
	"Node 0, zone   Normal      1      2\n"
	"\n"
	"@@mmsim end 0\n"
	"@@mmsim snapshot 4 boot\n"
	"@@mmsim cat 4 /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages\n"
	"7\n"
	"\n"
	"@@mmsim end 0\n"
	"@@mmsim store 5 /proc/sys/vm/nr_hugepages\n"
	"sh: write error: Invalid argument\n"
	"\n"
	"@@mmsim end 1\n"
	"@@mmsim cat 6 /nope\n"
	"\n"
	"@@mmsim end 1\n"
	"@@mmsim note line 7: drain: 2 cpus offline and back\n"
	"@@mmsim call 8 p\nR -1 22\n\n@@mmsim end 0\n"
	"@@mmsim done\n";

/* Records keep the file's text exactly (the guest's added newline gone),
 * the snapshot they belong to, and the exit status */
static void test_data_parse(void **state)
{
	struct rk_data d;
	char why[128];

	assert_true(rk_data_parse(stream, &d, why, sizeof(why)));
	assert_string_equal(d.release, "6.1.0-57-amd64");
	assert_string_equal(d.cmdline, "console=ttyS0 x=1");
	assert_true(d.done);
	assert_int_equal(d.nrecs, 5);
	assert_int_equal(d.nsnaps, 1);
	assert_string_equal(d.snaps[0].name, "boot");
	assert_int_equal(d.recs[0].kind, RK_CAT);
	assert_int_equal(d.recs[0].line, 3);
	assert_int_equal(d.recs[0].snap, -1);
	assert_string_equal(d.recs[0].text, "Node 0, zone   Normal      1      2\n");
	assert_int_equal(d.recs[1].snap, 0);
	assert_string_equal(d.recs[1].text, "7\n");
	assert_int_equal(d.recs[2].kind, RK_STORE);
	assert_int_equal(d.recs[2].rc, 1);
	assert_string_equal(d.recs[2].text, "sh: write error: Invalid argument\n");
	assert_int_equal(d.recs[3].rc, 1);
	assert_string_equal(d.recs[3].text, "");
	assert_int_equal(d.recs[4].kind, RK_CALL);
	assert_string_equal(d.recs[4].path, "p");
	assert_string_equal(d.recs[4].text, "R -1 22\n");
	rk_data_free(&d);
}

/* A guest that stopped inside a record, or a marker nobody wrote */
static void test_data_parse_bad(void **state)
{
	struct rk_data d;
	char why[128];

	assert_false(rk_data_parse("@@mmsim cat 3 /proc/meminfo\nMemTotal: 1 kB\n", &d, why,
				   sizeof(why)));
	assert_non_null(strstr(why, "line 1: record without its end"));
	rk_data_free(&d);
	assert_false(rk_data_parse("@@mmsim begin x\n@@mmsim frobnicate\n", &d, why, sizeof(why)));
	assert_non_null(strstr(why, "line 2: unknown marker"));
	rk_data_free(&d);
	assert_false(rk_data_parse("@@mmsim end 0\n", &d, why, sizeof(why)));
	rk_data_free(&d);
}

/* ---- figures --------------------------------------------------------------- */

static long long fig(const struct rk_figs *fs, const char *name)
{
	const struct rk_fig *f = rk_figs_find(fs, name);

	if (!f)
		fail_msg("no figure %s", name);
	return f->val;
}

static void test_figures(void **state)
{
	struct rk_figs fs = { 0 };

	rk_figures("/proc/buddyinfo", "Node 1, zone    DMA32      5      0      3\n", false, &fs);
	assert_int_equal(fs.n, 3);
	assert_int_equal(fig(&fs, "buddyinfo.1.DMA32.0"), 5);
	assert_int_equal(fig(&fs, "buddyinfo.1.DMA32.2"), 3);
	rk_figs_free(&fs);

	rk_figures("/proc/pagetypeinfo",
		   "Page block order: 9\nPages per block:  512\n\n"
		   "Free pages count per migrate type at order       0      1 \n"
		   "Node    0, zone      DMA, type    Unmovable      4      1 \n"
		   "Node    0, zone      DMA, type      Movable      0      9 \n\n"
		   "Number of blocks type     Unmovable      Movable  Reclaimable \n"
		   "Node 0, zone      DMA            1            7            0 \n", false, &fs);
	assert_int_equal(fig(&fs, "pagetypeinfo.0.DMA.Unmovable.0"), 4);
	assert_int_equal(fig(&fs, "pagetypeinfo.0.DMA.Movable.1"), 9);
	assert_int_equal(fig(&fs, "blocks.0.DMA.Movable"), 7);
	assert_int_equal(fig(&fs, "blocks.0.DMA.Reclaimable"), 0);
	assert_int_equal(fs.n, 7);
	rk_figs_free(&fs);

	/* guest CPU 0 is the extra one; guest CPU 1 is the model's CPU 0 */
	rk_figures("/proc/zoneinfo",
		   "Node 0, zone    DMA32\n  pages free     97696\n        min      653\n"
		   "        protection: (0, 0, 5, 5, 5)\n      nr_free_pages 97696\n"
		   "  pagesets\n    cpu: 0\n              count: 61\n"
		   "  vm stats threshold: 12\n    cpu: 1\n              count: 3\n"
		   "              high:  186\n", true, &fs);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.free"), 97696);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.min"), 653);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.protection.Normal"), 5);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.nr_free_pages"), 97696);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.cpu.guest0.count"), 61);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.cpu.guest0.vm_stats_threshold"), 12);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.cpu.0.count"), 3);
	assert_int_equal(fig(&fs, "zoneinfo.0.DMA32.cpu.0.high"), 186);
	rk_figs_free(&fs);

	rk_figures("/proc/meminfo", "MemTotal:         466596 kB\nHugePages_Total:      16\n",
		   false, &fs);
	assert_int_equal(fig(&fs, "meminfo.MemTotal"), 466596);
	assert_int_equal(fig(&fs, "meminfo.HugePages_Total"), 16);
	rk_figs_free(&fs);

	rk_figures("/sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages",
		   "12\n", false, &fs);
	assert_int_equal(fig(&fs, "hugepages.1.2048kB.free_hugepages"), 12);
	rk_figs_free(&fs);
	rk_figures("/proc/sys/vm/min_free_kbytes", "2732\n", false, &fs);
	assert_int_equal(fig(&fs, "file:/proc/sys/vm/min_free_kbytes"), 2732);
	rk_figs_free(&fs);
	rk_figures("/sys/kernel/debug/extfrag/unusable_index",
		   "Node 0, zone   Normal 0.000 0.012 -1.000\n", false, &fs);
	assert_int_equal(fig(&fs, "unusable_index.0.Normal.1"), 12);
	assert_int_equal(fig(&fs, "unusable_index.0.Normal.2"), -1000);
	rk_figs_free(&fs);
	/* smaps: every mapping's amounts summed, page sizes left out */
	rk_figures("/proc/p/smaps",
		   "7ffff7bff000-7ffff7fff000 rw-p 00000000 00:00 0\nSize:               4096 kB\n"
		   "KernelPageSize:        4 kB\nAnonHugePages:      2048 kB\n"
		   "VmFlags: rd wr mr mw me ac\n"
		   "7ffff8000000-7ffff8001000 r--p 00000000 00:00 0\nSize:                  4 kB\n"
		   "KernelPageSize:        4 kB\nAnonHugePages:         0 kB\n", false, &fs);
	assert_int_equal(fig(&fs, "proc.p.Size"), 4100);
	assert_int_equal(fig(&fs, "proc.p.AnonHugePages"), 2048);
	assert_null(rk_figs_find(&fs, "proc.p.KernelPageSize"));
	assert_int_equal(fs.n, 2);
	rk_figs_free(&fs);
	/* text that is not one number gives nothing */
	rk_figures("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n",
		   false, &fs);
	assert_int_equal(fs.n, 0);
}

/* ---- the difference -------------------------------------------------------- */

/*
 * Two snapshots of one sysfs file and a meminfo: the rows are the figures
 * that differ beyond the tolerance in value or, after the first snapshot,
 * in their change since it.
 */
static void test_diff_print(void **state)
{
	static const char data[] =
		"@@mmsim begin 6.1.0\n@@mmsim cmdline c\n"
		"@@mmsim snapshot 2 a\n"
		"@@mmsim cat 2 /proc/meminfo\nMemTotal: 1000 kB\nMemFree: 500 kB\n\n@@mmsim end 0\n"
		"@@mmsim snapshot 3 b\n"
		"@@mmsim cat 3 /proc/meminfo\nMemTotal: 1000 kB\nMemFree: 400 kB\n\n@@mmsim end 0\n"
		"@@mmsim done\n";
	struct rk_diff_opts o = { .tol_abs = 5 };
	struct rk_data d;
	struct sbuf out;
	char why[64];

	assert_true(rk_data_parse(data, &d, why, sizeof(why)));
	/* model: MemTotal 1003 (within 5), MemFree 498 then 460: a change of
	 * -38 against the kernel's -100 */
	d.recs[0].model = strdup("MemTotal: 1003 kB\nMemFree: 498 kB\n");
	d.recs[1].model = strdup("MemTotal: 1003 kB\nMemFree: 460 kB\n");
	sb_init(&out);
	assert_true(rk_diff_print(&d, "t.scn", &o, &out));
	expect_after(out.buf, NULL, "== line 2: snapshot a ==");
	assert_null(strstr(out.buf, "meminfo.MemTotal"));
	/* snapshot a: MemFree 500 vs 498 is within 5: no row before b */
	assert_true(strstr(out.buf, "meminfo.MemFree") > strstr(out.buf, "snapshot b"));
	expect_after(out.buf, NULL, "== line 3: snapshot b (changes since a) ==");
	expect_after(out.buf, NULL, "meminfo.MemFree                           400        460       "
				    "-100        -38\n");
	expect_after(out.buf, NULL, "4 figures compared: 1 differ");
	sb_free(&out);

	/* a wide tolerance: nothing differs */
	o.tol_abs = 100;
	sb_init(&out);
	assert_false(rk_diff_print(&d, "t.scn", &o, &out));
	sb_free(&out);
	rk_data_free(&d);
}

/* Which kernel file each kind of counter is read from */
static void test_counter_files(void **state)
{
	char p[256];

	assert_true(rk_counter_file("meminfo.HugePages_Rsvd", p, sizeof(p)));
	assert_string_equal(p, "/proc/meminfo");
	assert_true(rk_counter_file("blocks.0.Normal.Movable", p, sizeof(p)));
	assert_string_equal(p, "/proc/pagetypeinfo");
	assert_true(rk_counter_file("hugepages.1.2048kB.free_hugepages", p, sizeof(p)));
	assert_string_equal(p, "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
			       "free_hugepages");
	assert_true(rk_counter_file("hugepages.1048576kB.resv_hugepages", p, sizeof(p)));
	assert_string_equal(p, "/sys/kernel/mm/hugepages/hugepages-1048576kB/resv_hugepages");
	assert_true(rk_counter_file("proc.p.VmPTE", p, sizeof(p)));
	assert_string_equal(p, "/proc/p/status");
	assert_true(rk_counter_file("proc.p.RssShmem", p, sizeof(p)));
	assert_string_equal(p, "/proc/p/status");
	assert_true(rk_counter_file("proc.p.AnonHugePages", p, sizeof(p)));
	assert_string_equal(p, "/proc/p/smaps_rollup");
	assert_false(rk_counter_file("scn.allocated.thp", p, sizeof(p)));
	assert_false(rk_counter_file("hvo.optimized", p, sizeof(p)));
}

/*
 * An expect line is read in the guest (the files of its counters, at its
 * line) and evaluated on each side's figures, snapshot terms included:
 *   line 2: snapshot a         MemFree 1000 (kernel)
 *   line 3: expect MemFree > a:MemFree - 50     kernel 940: holds
 *   line 4: expect MemFree == 958000 ...       the model's own figure
 */
static void test_expects_on_both_sides(void **state)
{
	struct scn_script *s = parse("machine nodes=1 mem=1G\nsnapshot a\n"
				     "expect meminfo.MemFree > a:meminfo.MemFree - 50\n"
				     "expect meminfo.MemFree == 940\n"
				     "expect scn.live_pages == 0\n");
	static const char data[] =
		"@@mmsim begin 6.1.0\n@@mmsim cmdline c\n@@mmsim snapshot 2 a\n"
		"@@mmsim cat 2 /proc/meminfo\nMemFree: 1000 kB\n\n@@mmsim end 0\n"
		"@@mmsim cat 3 /proc/meminfo\nMemFree: 960 kB\n\n@@mmsim end 0\n"
		"@@mmsim cat 4 /proc/meminfo\nMemFree: 940 kB\n\n@@mmsim end 0\n"
		"@@mmsim done\n";
	struct rk_diff_opts o = { 0 };
	struct rk_plan p;
	struct scn_diag dg = { 0 };
	struct rk_data d;
	struct sbuf out, err;
	bool differs;
	char why[64];

	/* the plan reads /proc/meminfo at lines 3 and 4, nothing at line 5 */
	rk_plan_init(&p);
	assert_int_equal(rk_plan_build(s, &p, &dg), 0);
	expect_after(p.init.buf, NULL, "rk_cat 3 '/proc/meminfo'\nrk_cat 4 '/proc/meminfo'\n");
	assert_null(strstr(p.init.buf, "rk_cat 5"));
	expect_after(p.notes.buf, NULL, "line 5: expect: a counter no kernel file shows");
	rk_plan_free(&p);

	assert_true(rk_data_parse(data, &d, why, sizeof(why)));
	sb_init(&out);
	sb_init(&err);
	/* the model's own run fails line 4: the diff is made all the same */
	assert_int_equal(rk_diff_run(s, &d, &o, &out, &err, &differs), SCN_FAILED);
	assert_int_equal(d.nexpects, 2);
	assert_int_equal(d.expects[0].line, 3);
	assert_int_equal(d.expects[0].kernel_ok, 1);
	assert_int_equal(d.expects[0].kl, 960);
	assert_int_equal(d.expects[0].kr, 950);
	assert_int_equal(d.expects[0].model_ok, 1);	/* the model's MemFree did not move */
	assert_int_equal(d.expects[1].kernel_ok, 1);
	/* the model's run stopped at this line (~1 GiB free, not 940 kB):
	 * its side was never read */
	assert_int_equal(d.expects[1].model_ok, -1);
	expect_after(err.buf, NULL, "t.scn:4:");
	expect_after(out.buf, NULL, "  line 4: meminfo.MemFree == 940\n    kernel holds (940 vs 940), "
				    "model ?");
	expect_after(out.buf, NULL, "0 of 2 expect lines fail on the kernel");
	sb_free(&out);
	sb_free(&err);
	rk_data_free(&d);
	scn_script_free(s);
}

static char *slurp(const char *path)
{
	struct sbuf sb;
	int e;

	sb_init(&sb);
	if (scn_read_text(path, &sb, &e) != SCN_READ_OK)
		fail_msg("cannot read %s", path);
	return sb_steal(&sb);
}

/*
 * A recorded guest against the model: the parsers read the real
 * kernel's text (16 hugepages after the write on both sides, the
 * snapshot's files all found in the model, every figure named as the
 * model names it), and the model side is filled at the right lines.
 */
/*
 * The model runs the guest's version: 6.12's /proc/vmstat has
 * nr_memmap_pages, 6.1's has not, and the scenario names no version.
 */
static void diff_recorded(const char *dir, const char *release, bool v612)
{
	char path[512], why[128], *text;
	struct rk_diff_opts o = { .json = true };
	struct scn_diag dg = { 0 };
	struct scn_script *s;
	struct sbuf out, err;
	struct rk_data d;
	struct rk_figs kf = { 0 }, mf = { 0 };
	bool differs;
	int after = -1;

	snprintf(path, sizeof(path), "%s/scenario.scn", dir);
	s = scn_parse_file(path, &dg);
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/data.txt", dir);
	text = slurp(path);
	assert_true(rk_data_parse(text, &d, why, sizeof(why)));
	assert_true(d.done);
	assert_string_equal(d.release, release);
	sb_init(&out);
	sb_init(&err);
	assert_int_equal(rk_diff_run(s, &d, &o, &out, &err, &differs), SCN_OK);
	assert_true(differs);	/* a real kernel is not the model */
	snprintf(path, sizeof(path), "\"kernel\": \"%s\"", release);
	expect_after(out.buf, NULL, path);
	expect_after(out.buf, NULL, "\"not_in_model\": 0, \"calls\": 0");
	assert_int_equal(s->opts.kver, MM_KVER(6, 1));
	assert_int_equal(d.kver, v612 ? MM_KVER(6, 12) : 0);
	assert_int_equal(!!strstr(out.buf, "\"model_version\": \"6.12\""), v612);
	for (int i = 0; i < d.nrecs; i++) {
		struct rk_rec *r = &d.recs[i];

		if (r->kind != RK_CAT)
			continue;
		assert_false(r->model_missing);
		assert_non_null(r->model);
		if (r->snap >= 0 && !strcmp(d.snaps[r->snap].name, "after") &&
		    !strcmp(r->path, "/proc/meminfo")) {
			rk_figures(r->path, r->text, true, &kf);
			rk_figures(r->path, r->model, false, &mf);
			after = i;
		}
		if (!strcmp(r->path, "/proc/vmstat"))
			assert_int_equal(!!strstr(r->model, "\nnr_memmap_pages "), v612);
	}
	assert_true(after >= 0);
	assert_int_equal(fig(&kf, "meminfo.HugePages_Total"), 16);
	assert_int_equal(fig(&mf, "meminfo.HugePages_Total"), 16);
	assert_int_equal(fig(&kf, "meminfo.Hugepagesize"), 2048);
	/* every meminfo figure the model has, the kernel has too */
	for (int i = 0; i < mf.n; i++)
		if (!rk_figs_find(&kf, mf.f[i].name))
			fail_msg("%s: only in the model", mf.f[i].name);
	rk_figs_free(&kf);
	rk_figs_free(&mf);
	sb_free(&out);
	sb_free(&err);
	rk_data_free(&d);
	free(text);
	scn_script_free(s);
}

/* uname -r to the machine's version */
static void test_release_kver(void **state)
{
	unsigned int v = 0;

	(void)state;
	assert_true(rk_release_kver("6.1.0-57-amd64", &v));
	assert_int_equal(v, MM_KVER(6, 1));
	assert_true(rk_release_kver("6.12.118+deb13-amd64", &v));
	assert_int_equal(v, MM_KVER(6, 12));
	assert_true(rk_release_kver("6.12", &v));
	assert_int_equal(v, MM_KVER(6, 12));
	assert_false(rk_release_kver("6.13.2-amd64", &v));
	assert_false(rk_release_kver("6.10.0", &v));
	assert_false(rk_release_kver("6.123.0", &v));
	assert_false(rk_release_kver("x", &v));
	assert_false(rk_release_kver(NULL, &v));
}

static void test_diff_recorded_61(void **state)
{
	diff_recorded(MMSIM_TEST_DATA_DIR "/realkernel/tiny-6.1", "6.1.0-57-amd64", false);
}

static void test_diff_recorded_612(void **state)
{
	diff_recorded(MMSIM_TEST_DATA_DIR "/realkernel/tiny-6.12", "6.12.118+deb13-amd64", true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_machine),
		cmocka_unit_test(test_plan_script),
		cmocka_unit_test(test_plan_append),
		cmocka_unit_test(test_plan_processes),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_data_parse),
		cmocka_unit_test(test_data_parse_bad),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_diff_print),
		cmocka_unit_test(test_counter_files),
		cmocka_unit_test(test_expects_on_both_sides),
		cmocka_unit_test(test_release_kver),
		cmocka_unit_test(test_diff_recorded_61),
		cmocka_unit_test(test_diff_recorded_612),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
