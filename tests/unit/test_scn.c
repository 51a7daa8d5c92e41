// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scn.c - the scenario language: the tokenizer, numbers and sizes,
 * the parser's statements and machine description, its error positions,
 * and the ftrace trace parser, none of which needs a machine; then the
 * runner as the library call compare uses (two tiny runs).  The runner's
 * steps are covered end to end by tests/e2e.
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

#include "scn.h"

/* -------------------------------------------------------------------------
 * Helpers
 */
static struct scn_toks tokenize_ok(const char *line)
{
	struct scn_toks t = { 0 };
	char msg[256];
	int col = 0;

	assert_true(scn_tokenize(line, &t, &col, msg, sizeof(msg)));
	return t;
}

static void tokenize_err(const char *line, int want_col, const char *want_msg)
{
	struct scn_toks t = { 0 };
	char msg[256] = "";
	int col = 0;

	assert_false(scn_tokenize(line, &t, &col, msg, sizeof(msg)));
	assert_int_equal(col, want_col);
	assert_non_null(strstr(msg, want_msg));
	scn_toks_free(&t);
}

static struct scn_script *parse_ok(const char *text)
{
	struct scn_diag d;
	struct scn_script *s = scn_parse_string("t.scn", text, &d);

	if (!s)
		fail_msg("unexpected parse error: %s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	return s;
}

/* Parse must fail at line:col with a message containing @want */
static void parse_err(const char *text, int line, int col, const char *want)
{
	struct scn_diag d;
	struct scn_script *s = scn_parse_string("t.scn", text, &d);

	if (s) {
		scn_script_free(s);
		fail_msg("parsed, but expected an error at %d:%d (%s)", line, col, want);
	}
	if (d.line != line || d.col != col || !strstr(d.msg, want))
		fail_msg("got %d:%d: %s; want %d:%d: ...%s...", d.line, d.col, d.msg, line, col,
			 want);
	assert_string_equal(d.file, "t.scn");
}

#define M2 "machine nodes=2 mem=8G cpus=4\n"

/* -------------------------------------------------------------------------
 * Tokenizer
 *
 *   echo  'a b'  "c\"d" >>/sys/x # comment
 *   1     7      14     21 23
 */
static void test_tokenize_words_quotes_redirects(void **state)
{
	struct scn_toks t = tokenize_ok("echo  'a b'  \"c\\\"d\" >>/sys/x # comment");

	/* quotes group and vanish, >> splits off even when glued to the path */
	assert_int_equal(t.n, 5);
	assert_string_equal(t.t[0].s, "echo");
	assert_int_equal(t.t[0].col, 1);
	assert_string_equal(t.t[1].s, "a b");
	assert_int_equal(t.t[1].col, 7);
	assert_true(t.t[1].quoted);
	assert_string_equal(t.t[2].s, "c\"d");
	assert_int_equal(t.t[2].col, 14);
	assert_int_equal(t.t[3].kind, SCN_TOK_APPEND);
	assert_int_equal(t.t[3].col, 21);
	assert_string_equal(t.t[4].s, "/sys/x");
	assert_int_equal(t.t[4].col, 23);
	assert_false(t.t[4].quoted);
	scn_toks_free(&t);
}

static void test_tokenize_hash_inside_word_is_not_comment(void **state)
{
	/* a '#' only starts a comment at the start of a word, as in sh */
	struct scn_toks t = tokenize_ok("\tprint a#b #c");

	assert_int_equal(t.n, 2);
	assert_string_equal(t.t[1].s, "a#b");
	assert_int_equal(t.t[0].col, 2);
	scn_toks_free(&t);
}

static void test_tokenize_errors(void **state)
{
	/* the column of the opening quote */
	tokenize_err("echo 'abc", 6, "unterminated quote");
	tokenize_err("echo x \"abc", 8, "unterminated quote");
	/* a backslash cannot escape the end of the line inside quotes */
	tokenize_err("echo \"abc\\", 6, "unterminated quote");
	/* "1>" is an fd redirection in a shell: refuse rather than differ */
	tokenize_err("echo 1>/proc/sys/vm/compact_memory", 6, "file descriptor");
	/* quoted digits before > are a plain word */
	struct scn_toks t = tokenize_ok("echo '1'> /x");

	assert_int_equal(t.n, 4);
	assert_int_equal(t.t[2].kind, SCN_TOK_REDIR);
	scn_toks_free(&t);
}

/* -------------------------------------------------------------------------
 * Numbers and sizes
 */
static void test_numbers(void **state)
{
	const char *why;
	uint64_t v;

	assert_true(scn_parse_u64("0", &v, &why));
	assert_int_equal(v, 0);
	assert_true(scn_parse_u64("0x1F", &v, &why));
	assert_int_equal(v, 31);
	assert_true(scn_parse_u64("18446744073709551615", &v, &why));
	assert_true(v == UINT64_MAX);
	assert_false(scn_parse_u64("18446744073709551616", &v, &why));
	assert_non_null(strstr(why, "out of range"));
	assert_false(scn_parse_u64("12abc", &v, &why));
	assert_false(scn_parse_u64("0x", &v, &why));
	assert_false(scn_parse_u64("-1", &v, &why));
	assert_false(scn_parse_u64("", &v, &why));
	/* plain numbers take no suffix */
	assert_false(scn_parse_u64("4K", &v, &why));
}

static void test_sizes(void **state)
{
	const char *why;
	uint64_t v;

	assert_true(scn_parse_size("4096", &v, &why));
	assert_int_equal(v, 4096);
	assert_true(scn_parse_size("4K", &v, &why));
	assert_int_equal(v, 4096);
	assert_true(scn_parse_size("32m", &v, &why));
	assert_int_equal(v, 32UL << 20);
	assert_true(scn_parse_size("64G", &v, &why));
	assert_true(v == 64ULL << 30);
	assert_true(scn_parse_size("1T", &v, &why));
	assert_true(v == 1ULL << 40);
	assert_true(scn_parse_size("0x100000000", &v, &why));
	assert_true(v == 4ULL << 30);
	assert_true(scn_parse_size("0x10M", &v, &why));
	assert_true(v == 16ULL << 20);
	/* memparse has no "KB" or "GiB" */
	assert_false(scn_parse_size("4KB", &v, &why));
	assert_false(scn_parse_size("2GiB", &v, &why));
	assert_false(scn_parse_size("8Q", &v, &why));
	/* 2^24 T overflows 64 bits */
	assert_false(scn_parse_size("16777216T", &v, &why));
	assert_non_null(strstr(why, "out of range"));
}

static void test_ident(void **state)
{
	assert_true(scn_is_ident("a"));
	assert_true(scn_is_ident("_x9"));
	assert_false(scn_is_ident("9x"));
	assert_false(scn_is_ident("a-b"));
	assert_false(scn_is_ident(""));
}

/* -------------------------------------------------------------------------
 * Machine description
 *
 *   2 nodes x 8 GiB, node 1 overridden to 4 GiB with 1 GiB movable,
 *   default PC holes cleared and one hole added, two reservations.
 */
static void test_machine_description(void **state)
{
	struct scn_script *s = parse_ok(
		"# comment line\n"
		"machine nodes=2 mem=8G cpus=4 struct_page_size=72 kernel=16M holes=none\n"
		"node 1 mem=4G movable=1G\n"
		"hole 0xc0000000 0x100000000\n"
		"reserve 0x4000000 16M\n"
		"reserve node=1 size=64M\n"
		"distance 0 1 21\n"
		"cmdline page_alloc.shuffle=1 transparent_hugepage=never sysctl.vm.min_free_kbytes=67584\n"
		"seed 42\n");
	const struct machine_opts *o = &s->opts;

	assert_true(s->have_machine);
	assert_int_equal(o->nr_nodes, 2);
	assert_true(o->node[0].mem_bytes == 8UL << 30);
	assert_true(o->node[1].mem_bytes == 4UL << 30);
	assert_true(o->node[1].movable_bytes == 1UL << 30);
	assert_int_equal(o->nr_cpus, 4);
	assert_int_equal(o->struct_page_size, 72);
	assert_true(o->kernel_image_bytes == 16UL << 20);
	/* holes=none dropped the defaults: only the listed hole is left */
	assert_int_equal(o->nr_holes, 1);
	assert_true(o->hole[0].start == 0xc0000000UL && o->hole[0].end == 0x100000000UL);
	assert_int_equal(o->nr_reserves, 2);
	assert_true(o->reserve[0].start == 0x4000000UL && o->reserve[0].size == 16UL << 20);
	assert_int_equal(o->reserve[0].nid, -1);
	assert_int_equal(o->reserve[1].nid, 1);
	assert_true(o->reserve[1].size == 64UL << 20);
	assert_int_equal(o->distance[0][1], 21);
	assert_int_equal(o->distance[1][0], 21);
	assert_true(o->page_alloc_shuffle);
	assert_false(o->thp);
	assert_int_equal(o->min_free_kbytes, 67584);
	assert_true(o->seed == 42 && s->seed_set);
	/* no step: the machine is still booted, by a boot the parser appends */
	assert_int_equal(s->nstmts, 1);
	assert_int_equal(s->stmts[0].verb, SCN_BOOT);
	assert_true(s->stmts[0].implicit);
	scn_script_free(s);
}

static void test_machine_errors(void **state)
{
	parse_err("machine nodes=17 mem=1G\n", 1, 15, "MAX_NUMNODES");
	parse_err("machine nodes=0 mem=1G\n", 1, 15, "1 to 16 nodes");
	parse_err("machine nodes=2\n", 1, 1, "missing mem=");
	/* the column of the value, not of the key */
	parse_err("machine nodes=2 mem=1000\n", 1, 21, "not a multiple of the page size (4096)");
	parse_err("machine nodes=2 mem=8X\n", 1, 21, "malformed size");
	parse_err("machine nodes=2 mem=8G cpus=65\n", 1, 29, "1 to 64 CPUs");
	parse_err("machine nodes=2 mem=8G colour=red\n", 1, 24, "unknown option 'colour'");
	parse_err("machine nodes=2 mem=8G mem=4G\n", 1, 24, "given twice");
	parse_err(M2 "machine nodes=1 mem=8G\n", 2, 1, "already described at line 1");
	parse_err("node 1 mem=1G\n", 1, 1, "before the 'machine' line");
	parse_err(M2 "node 2 mem=1G\n", 2, 6, "node 2 does not exist (the machine has 2 nodes)");
	parse_err(M2 "hole 0x2000 0x1000\n", 2, 13, "not above its start");
	parse_err(M2 "hole 0x1000 0x2001\n", 2, 13, "not a multiple of the page size");
	parse_err(M2 "distance 0 0 20\n", 2, 12, "always 10");
	parse_err(M2 "distance 0 1 10\n", 2, 14, "out of range");
	parse_err(M2 "reserve node=3 size=1M\n", 2, 14, "does not exist");
	/* boot parameters: the column of the bad word or value */
	parse_err(M2 "cmdline page_alloc.shuffle=1 foo=5\n", 2, 30, "unknown boot parameter 'foo'");
	parse_err(M2 "cmdline min_free_kbytes=5\n", 2, 9, "sysctl.vm.min_free_kbytes");
	parse_err(M2 "cmdline page_alloc.shuffle=maybe\n", 2, 28, "expected y/n, 1/0");
	parse_err(M2 "cmdline transparent_hugepage=sometimes\n", 2, 30, "always, madvise or never");
	parse_err(M2 "cmdline kernelcore=1G\n", 2, 9, "not modelled yet");
	parse_err(M2 "cmdline memmap_on_memory=1\n", 2, 9, "memory_hotplug.memmap_on_memory");
	parse_err(M2 "cmdline memory_hotplug.memmap_on_memory=maybe\n", 2, 41, "expected y/n");
	parse_err(M2 "cmdline hugepagesz=3M\n", 2, 20, "3M");
	/* policy families: none registered yet */
	parse_err(M2 "policy thp=reuse-head\n", 2, 8, "unknown policy family 'thp'");
	parse_err(M2 "policy hvo=no-such\n", 2, 12, "unknown policy 'no-such' in family 'hvo'");
	parse_err(M2 "policy hvo\n", 2, 8, "FAMILY=NAME");
	/* description after boot */
	parse_err(M2 "boot\nnode 1 mem=4G\n", 3, 1, "already booted at line 2");
	parse_err(M2 "drain\nseed 5\n", 3, 1, "already booted at line 2");
	parse_err(M2 "boot\nboot\n", 3, 1, "already booted at line 2");
	parse_err("drain\n", 1, 1, "no machine described");
}

/* -------------------------------------------------------------------------
 * Statements
 *
 *   line 1  machine ...
 *   line 2  (blank)           -> nothing
 *   line 3  echo hi there     -> PRINT_TEXT (no machine needed)
 *   line 4  alloc a ...       -> implicit BOOT (line 4), then ALLOC
 *   line 5  fill g ...        -> FILL
 *   line 6  free g every=3 offset=1
 *   line 7  free a
 *   line 8  echo 1 > /proc/sys/vm/compact_memory -> STORE
 */
static void test_statements(void **state)
{
	struct scn_script *s = parse_ok(
		M2
		"\n"
		"echo hi   there\n"
		"alloc a order=3 gfp=GFP_KERNEL|__GFP_COMP node=1 expect=ok\n"
		"fill g order=0 gfp=GFP_HIGHUSER_MOVABLE until=low\n"
		"free g every=3 offset=1\n"
		"free a\n"
		"echo 1 > /proc/sys/vm/compact_memory\n"
		"free g random=25%\n"
		"cpu 3\n");
	struct scn_stmt *st = s->stmts;

	assert_int_equal(s->nstmts, 9);
	assert_int_equal(st[0].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[0].text, "hi there");
	assert_int_equal(st[1].verb, SCN_BOOT);
	assert_true(st[1].implicit);
	assert_int_equal(st[1].line, 4);
	assert_int_equal(st[2].verb, SCN_ALLOC);
	assert_int_equal(st[2].order, 3);
	assert_int_equal(st[2].gfp, GFP_KERNEL | __GFP_COMP);
	assert_int_equal(st[2].node, 1);
	assert_int_equal(st[2].expect_alloc, SCN_EXPECT_OK);
	assert_int_equal(st[3].verb, SCN_FILL);
	assert_int_equal(st[3].mode, SCN_FILL_UNTIL_LOW);
	assert_int_equal(st[3].node, -1);
	assert_int_equal(st[4].verb, SCN_FREE);
	assert_int_equal(st[4].mode, SCN_FREE_EVERY);
	assert_int_equal(st[4].count, 3);
	assert_int_equal(st[4].offset, 1);
	assert_int_equal(st[4].slot, st[3].slot);
	assert_int_equal(st[5].mode, SCN_FREE_ID);
	assert_int_equal(st[5].slot, st[2].slot);
	assert_int_equal(st[6].verb, SCN_STORE);
	assert_string_equal(st[6].text, "1");
	assert_string_equal(st[6].path, "/proc/sys/vm/compact_memory");
	assert_int_equal(st[6].path_col, 10);
	assert_int_equal(st[7].mode, SCN_FREE_RANDOM);
	assert_int_equal(st[7].pct, 25);
	assert_int_equal(st[8].verb, SCN_CPU);
	assert_int_equal(st[8].cpu, 3);
	assert_string_equal(s->id_names[st[2].slot], "a");
	assert_string_equal(s->group_names[st[3].slot], "g");
	scn_script_free(s);
}

static void test_workload_errors(void **state)
{
	parse_err(M2 "frobnicate 3\n", 2, 1, "unknown verb 'frobnicate' (verbs: machine node ");
	parse_err(M2 "aloc a\n", 2, 1, "unknown verb 'aloc': did you mean 'alloc'?");
	parse_err(M2 "   sysctl -w vm.x=1\n", 2, 4, "unknown verb 'sysctl'");
	parse_err(M2 "alloc a order=11 gfp=GFP_KERNEL\n", 2, 15, "order 11 out of range");
	parse_err(M2 "alloc a order=x gfp=GFP_KERNEL\n", 2, 15, "expected a number");
	parse_err(M2 "alloc a order=1\n", 2, 1, "missing gfp=");
	/* the column of the bad flag inside the mask */
	parse_err(M2 "alloc a gfp=GFP_KERNEL|__GFP_BOGUS\n", 2, 24, "unknown gfp flag '__GFP_BOGUS'");
	parse_err(M2 "alloc a gfp=GFP_KERNEL|\n", 2, 24, "missing gfp flag");
	parse_err(M2 "alloc 9a gfp=GFP_KERNEL\n", 2, 7, "bad id name '9a'");
	parse_err(M2 "alloc a gfp=GFP_KERNEL node=2\n", 2, 29, "node 2 does not exist");
	parse_err(M2 "alloc a gfp=GFP_KERNEL expect=maybe\n", 2, 31, "ok or fail");
	parse_err(M2 "alloc a gfp=GFP_KERNEL\nalloc a gfp=GFP_KERNEL\n", 3, 7,
		  "'a' is already allocated (line 2)");
	parse_err(M2 "free x\n", 2, 6, "free of unknown id 'x'");
	parse_err(M2 "alloc x gfp=GFP_KERNEL\nfree x\n\nfree x\n", 5, 6,
		  "double free of 'x' (freed at line 3)");
	parse_err(M2 "fill g gfp=GFP_KERNEL\n", 2, 1, "exactly one of count=, tries= or until=");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=1 until=low\n", 2, 31, "exactly one of");
	parse_err(M2 "fill g gfp=GFP_KERNEL until=never\n", 2, 29, "low, min or fail");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=5\nfree g\n", 3, 7, "is a group");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=5\nfree g every=0\n", 3, 14, "at least 1");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=5\nfree g every=2 offset=2\n", 3, 23,
		  "must be below every=2");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=5\nfree g random=101%\n", 3, 15, "more than 100%");
	parse_err(M2 "fill g gfp=GFP_KERNEL count=5\nalloc g gfp=GFP_KERNEL\n", 3, 7, "is a group");
	parse_err(M2 "free g[2]\n", 2, 6, "unknown group 'g'");
	parse_err(M2 "cpu 4\n", 2, 5, "cpu 4 does not exist (the machine has 4 CPUs)");
	parse_err(M2 "compact node=5\n", 2, 14, "node 5 does not exist");
	parse_err(M2 "drain now\n", 2, 7, "unexpected 'now'");
	parse_err(M2 "cat\n", 2, 4, "missing arguments");
	parse_err(M2 "echo 1 >\n", 2, 9, "missing file name");
	parse_err(M2 "echo 1 > /a /b\n", 2, 13, "unexpected '/b'");
	parse_err(M2 "print snapshot nope\n", 2, 16, "unknown snapshot 'nope'");
	parse_err(M2 "snapshot now\n", 2, 10, "names the current state");
	parse_err(M2 "echo 'oops\n", 2, 6, "unterminated quote");
}

/*
 *   expect vmstat.pgfree + 2 * scn.allocated.g >= before:vmstat.pgfree - 4K  # c
 *   col 1  8               24 28                  48                    70
 */
static void test_expect_expressions(void **state)
{
	struct scn_script *s = parse_ok(
		M2
		"snapshot before\n"
		"expect vmstat.pgfree + 2 * scn.allocated.g >= before:vmstat.pgfree - 4K  # c\n"
		"expect -1 == extfrag_index.0.Normal.9\n"
		"expect meminfo.Active(anon)>0\n");
	struct scn_stmt *e = &s->stmts[2];

	assert_int_equal(e->verb, SCN_EXPECT);
	assert_int_equal(e->cmp, SCN_GE);
	assert_string_equal(e->text,
			    "vmstat.pgfree + 2 * scn.allocated.g >= before:vmstat.pgfree - 4K");
	/* lhs: +vmstat.pgfree, +2, *scn.allocated.g (sign 0 multiplies) */
	assert_int_equal(e->lhs.n, 3);
	assert_int_equal(e->lhs.t[0].kind, SCN_TERM_COUNTER);
	assert_string_equal(e->lhs.t[0].name, "vmstat.pgfree");
	assert_int_equal(e->lhs.t[0].col, 8);
	assert_int_equal(e->lhs.t[1].kind, SCN_TERM_NUM);
	assert_int_equal(e->lhs.t[1].num, 2);
	assert_int_equal(e->lhs.t[1].sign, 1);
	assert_int_equal(e->lhs.t[2].sign, 0);
	assert_int_equal(e->lhs.t[2].col, 28);
	/* rhs: snapshot term, then -4096 */
	assert_int_equal(e->rhs.n, 2);
	assert_int_equal(e->rhs.t[0].kind, SCN_TERM_SNAP);
	assert_int_equal(e->rhs.t[0].snap, 0);
	assert_string_equal(e->rhs.t[0].name, "vmstat.pgfree");
	assert_int_equal(e->rhs.t[1].sign, -1);
	assert_int_equal(e->rhs.t[1].num, 4096);
	/* a leading minus, and '>' glued to names */
	assert_int_equal(s->stmts[3].lhs.t[0].sign, -1);
	assert_int_equal(s->stmts[4].cmp, SCN_GT);
	assert_string_equal(s->stmts[4].lhs.t[0].name, "meminfo.Active(anon)");
	scn_script_free(s);
}

static void test_expect_errors(void **state)
{
	parse_err(M2 "expect\n", 2, 7, "missing condition");
	parse_err(M2 "expect vmstat.pgfree\n", 2, 21, "missing comparison");
	parse_err(M2 "expect vmstat.pgfree = 3\n", 2, 22, "use '=='");
	parse_err(M2 "expect vmstat.pgfree == \n", 2, 25, "missing value");
	parse_err(M2 "expect vmstat.pgfree == 3 3\n", 2, 27, "unexpected '3'");
	parse_err(M2 "expect vmstat.pgfree == 3x\n", 2, 25, "malformed size");
	parse_err(M2 "expect old:vmstat.pgfree > 0\n", 2, 8, "unknown snapshot 'old'");
	parse_err(M2 "snapshot s\nexpect s: > 0\n", 3, 10, "missing counter name");
	parse_err(M2 "expect vmstat.pgfree > * 2\n", 2, 24, "got '*'");
}

static void test_print_forms(void **state)
{
	struct scn_script *s = parse_ok(
		M2
		"snapshot a /proc/buddyinfo\n"
		"snapshot b\n"
		"print diff a b vmstat. scn.\n"
		"print diff a vmstat.compact\n"
		"print diff a now\n"
		"print snapshot a buddyinfo.\n"
		"print counters\n"
		"print 'snapshot' is a word\n");
	struct scn_stmt *st = s->stmts;

	assert_int_equal(st[1].verb, SCN_SNAPSHOT);
	assert_int_equal(st[1].nargs, 1);
	assert_string_equal(st[1].args[0], "/proc/buddyinfo");
	assert_int_equal(st[3].verb, SCN_PRINT_DIFF);
	assert_int_equal(st[3].slot, 0);
	assert_int_equal(st[3].slot2, 1);
	assert_int_equal(st[3].nargs, 2);
	/* a second word that is no snapshot is a prefix; the diff is against now */
	assert_int_equal(st[4].slot2, -1);
	assert_int_equal(st[4].nargs, 1);
	assert_int_equal(st[5].slot2, -1);
	assert_int_equal(st[5].nargs, 0);
	assert_int_equal(st[6].verb, SCN_PRINT_SNAPSHOT);
	assert_int_equal(st[6].nargs, 1);
	assert_int_equal(st[7].verb, SCN_PRINT_COUNTERS);
	/* a quoted first word is plain text */
	assert_int_equal(st[8].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[8].text, "snapshot is a word");
	scn_script_free(s);
}

/* -------------------------------------------------------------------------
 * Traces
 */
static const char trace_text[] =
	"version = 6\n"
	"cpus=4\n"
	"             bash-2211 [001] .....  5123.400126: mm_page_free: page=0xffffea00027c0000 pfn=0x9f000 order=0\n"
	"     stress-ng-vm-4411 [003] d..1.  5123.400615: mm_page_alloc: page=0xffffea0004800000 pfn=0x120000 order=1 migratetype=0 gfp_flags=GFP_NOWAIT|__GFP_NOWARN\n"
	"  kworker/u8:1-97 [000] .....  5123.4011: mm_page_alloc_zone_locked: page=0xffffea0004800080 pfn=0x120002 order=2 migratetype=1 percpu_refill=1\n"
	"CPU:2 [LOST 12 EVENTS]\n"
	"   bash  2211 [002]  5123.402: kmem:mm_page_alloc: page=0000000000000000 pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE\n"
	"   bash  2211 [002]  5123.403: kmem:mm_page_free_batched: page=0xffffea0004800000 pfn=74096 order=0\n"
	"   web content-77 [001] .....  1.5: mm_page_alloc: page=0xffff pfn=0x5 order=0 migratetype=2 gfp_flags=none\n";

static void test_trace_parse(void **state)
{
	struct scn_diag d;
	struct trace *t = trace_parse("x.trace", trace_text, &d);

	if (!t)
		fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	/* comments, the lost-events note and zone_locked are not events */
	assert_int_equal(t->n, 5);
	assert_int_equal(t->ignored, 1);
	assert_int_equal(t->ev[0].kind, TRACE_FREE);
	assert_int_equal(t->ev[0].pfn, 0x9f000);
	assert_int_equal(t->ev[0].cpu, 1);
	assert_int_equal(t->ev[0].line, 3);
	assert_int_equal(t->ev[1].kind, TRACE_ALLOC);
	assert_int_equal(t->ev[1].cpu, 3);
	assert_int_equal(t->ev[1].order, 1);
	assert_int_equal(t->ev[1].gfp, GFP_NOWAIT | __GFP_NOWARN);
	assert_false(t->ev[1].failed);
	/* perf script format, a failed allocation */
	assert_int_equal(t->ev[2].cpu, 2);
	assert_true(t->ev[2].failed);
	assert_int_equal(t->ev[2].order, 9);
	/* old kernels print decimal pfns */
	assert_int_equal(t->ev[3].kind, TRACE_FREE);
	assert_int_equal(t->ev[3].pfn, 74096);
	/* a task name with a blank; "none" is an empty mask */
	assert_int_equal(t->ev[4].gfp, 0);
	assert_int_equal(t->ev[4].pfn, 5);
	trace_free(t);
}

static void trace_err(const char *line, int col, const char *want)
{
	struct scn_diag d;
	char text[512];
	struct trace *t;

	snprintf(text, sizeof(text), "# header\n%s\n", line);
	t = trace_parse("x.trace", text, &d);
	if (t) {
		trace_free(t);
		fail_msg("parsed '%s'", line);
	}
	if (d.line != 2 || d.col != col || !strstr(d.msg, want))
		fail_msg("got %d:%d: %s; want 2:%d: %s", d.line, d.col, d.msg, col, want);
}

static void test_trace_errors(void **state)
{
	trace_err("bash-1 [000] 1.0: mm_page_alloc: page=0x1 order=0 gfp_flags=GFP_KERNEL", 71,
		  "missing pfn=");
	trace_err("bash-1 [000] 1.0: mm_page_alloc: pfn=0x1 order=12 gfp_flags=GFP_KERNEL", 48,
		  "order 12 out of range (0..10)");
	trace_err("bash-1 [000] 1.0: mm_page_alloc: pfn=0xz1 order=0 gfp_flags=GFP_KERNEL", 38,
		  "malformed pfn value '0xz1'");
	trace_err("bash-1 [000] 1.0: mm_page_alloc: pfn=1 order=0 gfp_flags=GFP_KERNEL|__GFP_X", 69,
		  "unknown gfp flag '__GFP_X'");
	trace_err("garbage line", 1, "no [CPU] field");
	trace_err("bash-1 [000] 1.x: mm_page_free: pfn=1 order=0", 14, "malformed timestamp");
	trace_err("bash-1 [000] 1.0: mm_page_free: pfn=1 order", 39, "expected key=value");
}

/* -------------------------------------------------------------------------
 * The runner as a library call (what compare does once per policy)
 *
 *   one node of 64 MiB, no holes: allocate, print, expect
 */
static void test_run_captures_and_repeats(void **state)
{
	struct scn_script *s = parse_ok(
		"machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n\n"
		"alloc a order=2 gfp=GFP_KERNEL\n"
		"print counters scn.live\n"
		"echo oops > /proc/sys/vm/min_free_kbytes\n"
		"expect scn.live_pages == 4\n");
	struct scn_run_opts o = { .check = true, .want_counters = true };
	struct scn_result r1, r2;

	scn_result_init(&r1);
	scn_result_init(&r2);
	/* out/err NULL: everything lands in the result, nothing on stdout */
	assert_int_equal(scn_run(s, &o, &r1), SCN_OK);
	assert_int_equal(scn_run(s, &o, &r2), SCN_OK);
	assert_int_equal(r1.fail, SCN_FAIL_NONE);
	assert_string_equal(r1.out.buf, "scn.live_allocs 1\nscn.live_pages 4\n");
	assert_non_null(strstr(r1.err.buf, "mmsim: /proc/sys/vm/min_free_kbytes: write error"));
	assert_non_null(strstr(r1.counters.buf, "\nscn.write_errors 1\n"));
	assert_non_null(strstr(r1.counters.buf, "vmstat.nr_free_pages "));
	/* the same script runs again on a fresh machine, identically */
	assert_string_equal(r1.out.buf, r2.out.buf);
	assert_string_equal(r1.counters.buf, r2.counters.buf);
	scn_result_free(&r1);
	scn_result_free(&r2);
	scn_script_free(s);
}

static void test_run_expect_failure_is_status_1(void **state)
{
	struct scn_script *s = parse_ok(
		"machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n\n"
		"expect scn.live_pages > 0\n"
		"echo not reached\n");
	struct scn_run_opts o = { 0 };
	struct scn_result r;

	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_FAILED);
	assert_int_equal(r.status, SCN_FAILED);
	/* the scenario's verdict, not the model's: the fuzzers ignore it */
	assert_int_equal(r.fail, SCN_FAIL_EXPECT);
	assert_string_equal(r.err.buf, "t.scn:2: expect failed: scn.live_pages > 0 (got 0)\n");
	assert_null(r.out.buf);
	scn_result_free(&r);
	scn_script_free(s);
}

/*
 * When the checker runs.  64 MiB: a check reads 16384 / 64 = 256 bitmap
 * words plus the free blocks (a few dozen), so
 *
 *   boot                      checked (always)
 *   alloc order=0             1 page moved: not checked
 *   cat                       nothing moved
 *   fill 2000 pages           checked (2000 > ~300)
 *   free the 2000             checked
 *   alloc order=0 + cat       1 page: checked once more at the end
 *
 * AUTO makes 4 checks; --check one per step (7); --no-check none.
 */
static const char check_text[] =
	"machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n\n"
	"alloc a order=0 gfp=GFP_KERNEL\n"
	"cat /proc/buddyinfo\n"
	"fill g order=0 gfp=GFP_KERNEL count=2000\n"
	"free g all\n"
	"alloc b order=0 gfp=GFP_KERNEL\n"
	"cat /proc/buddyinfo\n";

static unsigned long checks_made(enum scn_check_mode mode)
{
	struct scn_script *s = parse_ok(check_text);
	struct scn_run_opts o = { .check = mode, .quiet = true };
	struct scn_result r;
	unsigned long n;

	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	n = r.checks;
	scn_result_free(&r);
	scn_script_free(s);
	return n;
}

static void test_run_checks_by_default(void **state)
{
	assert_int_equal(checks_made(SCN_CHECK_AUTO), 4);
	assert_int_equal(checks_made(SCN_CHECK_STEPS), 7);
	assert_int_equal(checks_made(SCN_CHECK_OFF), 0);
}

/*
 * Every expect operator at its boundaries, through the runner: with
 * scn.live_pages = 4 (one order-2 allocation), each of ==, !=, <, <=, >,
 * >= is compared with 3, 4 and 5, once with a plain number on the right
 * and once with an expression (scn.live_allocs + 2/3/4, i.e. 3/4/5),
 * whose failure message also names the operator and the value.  An
 * operator evaluated wrongly at equal values or at one off fails here.
 */
static void test_expect_operator_boundaries(void **state)
{
	static const struct {
		const char *op;
		bool holds[3];		/* 4 OP 3, 4 OP 4, 4 OP 5 */
	} ops[] = {
		{ "==", { false, true, false } },
		{ "!=", { true, false, true } },
		{ "<", { false, false, true } },
		{ "<=", { false, true, true } },
		{ ">", { true, false, false } },
		{ ">=", { true, true, false } },
	};
	struct scn_run_opts o = { .quiet = true };

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		for (int d = 0; d < 3; d++)
			for (int form = 0; form < 2; form++) {
				char text[256], cond[64], want[256];
				struct scn_script *s;
				struct scn_result r;
				enum scn_status st;

				if (form == 0)
					snprintf(cond, sizeof(cond), "scn.live_pages %s %d", ops[i].op,
						 3 + d);
				else
					snprintf(cond, sizeof(cond), "scn.live_pages %s scn.live_allocs + %d",
						 ops[i].op, 2 + d);
				snprintf(text, sizeof(text),
					 "machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n\n"
					 "alloc a order=2 gfp=GFP_KERNEL\n"
					 "expect %s\n", cond);
				s = parse_ok(text);
				scn_result_init(&r);
				st = scn_run(s, &o, &r);
				if (st != (ops[i].holds[d] ? SCN_OK : SCN_FAILED))
					fail_msg("expect %s: status %d, want %s", cond, st,
						 ops[i].holds[d] ? "ok" : "failed");
				if (ops[i].holds[d])
					assert_null(r.err.buf);
				else if (form == 0)
					snprintf(want, sizeof(want),
						 "t.scn:3: expect failed: %s (got 4)\n", cond);
				else
					snprintf(want, sizeof(want),
						 "t.scn:3: expect failed: %s (got 4, want %s %d)\n",
						 cond, ops[i].op, 3 + d);
				if (!ops[i].holds[d])
					assert_string_equal(r.err.buf, want);
				scn_result_free(&r);
				scn_script_free(s);
			}
}

/* alloc expect=fail on an allocation that succeeds is an expect failure too */
static void test_run_alloc_expect_is_expect_failure(void **state)
{
	struct scn_script *s = parse_ok(
		"machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n\n"
		"alloc a order=0 gfp=GFP_KERNEL expect=fail\n");
	struct scn_run_opts o = { .check = true };
	struct scn_result r;

	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_FAILED);
	assert_int_equal(r.fail, SCN_FAIL_EXPECT);
	assert_non_null(strstr(r.err.buf, "t.scn:2: expect failed: alloc a order=0"));
	scn_result_free(&r);
	scn_script_free(s);
}

/* -------------------------------------------------------------------------
 * Exact diagnostics
 *
 * The helpers below compare the whole "file:line:col: message" line, as
 * mmsim prints it before exiting 2, so a message that changes wording or
 * a column that moves off the offending word fails here.
 */
#define M1 "machine nodes=1 mem=1G cpus=1\n"

/* Parse must fail with exactly @want ("t.scn:L:C: message") */
static void parse_diag(const char *text, const char *want)
{
	struct scn_diag d;
	struct scn_script *s = scn_parse_string("t.scn", text, &d);
	struct sbuf sb;

	if (s) {
		scn_script_free(s);
		fail_msg("parsed, but expected: %s", want);
	}
	sb_init(&sb);
	scn_diag_format(&d, &sb);
	if (strlen(sb.buf) < 1 || strncmp(sb.buf, want, strlen(sb.buf) - 1) ||
	    strlen(want) != strlen(sb.buf) - 1)
		fail_msg("got  %swant %s", sb.buf, want);
	sb_free(&sb);
}

/*
 * Tabs separate words as blanks do, and so does a CR (CRLF files); a word
 * ends at '\n'; quoting follows sh: a backslash outside quotes quotes the
 * next character, and inside double quotes it escapes only " \ $ and `.
 *
 *   a<TAB>b<CR>c<CR>      words at columns 1, 3, 5
 */
static void test_tokenize_blanks_and_escapes(void **state)
{
	struct scn_toks t = tokenize_ok("a\tb\rc\r");

	assert_int_equal(t.n, 3);
	assert_string_equal(t.t[1].s, "b");
	assert_int_equal(t.t[1].col, 3);
	assert_int_equal(t.t[2].col, 5);
	assert_string_equal(t.t[2].s, "c");
	scn_toks_free(&t);

	/* a newline ends the line, even in the middle of a word */
	t = tokenize_ok("cat /proc/buddyinfo\nfree a");
	assert_int_equal(t.n, 2);
	assert_string_equal(t.t[1].s, "/proc/buddyinfo");
	scn_toks_free(&t);

	/* echo a\ b "x\$y\`z\\w\q" */
	t = tokenize_ok("echo a\\ b \"x\\$y\\`z\\\\w\\q\"");
	assert_int_equal(t.n, 3);
	assert_string_equal(t.t[1].s, "a b");
	assert_false(t.t[1].quoted);
	assert_string_equal(t.t[2].s, "x$y`z\\w\\q");
	assert_int_equal(t.t[2].col, 11);
	scn_toks_free(&t);

	/* "abc>" is the word abc then a redirection: only digits name an fd */
	t = tokenize_ok("echo abc>/x");
	assert_int_equal(t.n, 4);
	assert_string_equal(t.t[1].s, "abc");
	assert_int_equal(t.t[2].kind, SCN_TOK_REDIR);
	assert_int_equal(t.t[2].col, 9);
	assert_string_equal(t.t[3].s, "/x");
	scn_toks_free(&t);
	t = tokenize_ok("echo 12a>/x");
	assert_int_equal(t.n, 4);
	assert_string_equal(t.t[1].s, "12a");
	scn_toks_free(&t);
}

/* A line of 40 words: every word and its column survives the array growing */
static void test_tokenize_many_words(void **state)
{
	char line[512] = "cat";
	struct scn_toks t;

	for (int i = 1; i < 40; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " /f%02d", i);
	t = tokenize_ok(line);
	assert_int_equal(t.n, 40);
	for (int i = 1; i < 40; i++) {
		char want[8];

		snprintf(want, sizeof(want), "/f%02d", i);
		assert_string_equal(t.t[i].s, want);
		/* "cat" then " /fNN" (5 characters) per word */
		assert_int_equal(t.t[i].col, 5 + 5 * (i - 1));
	}
	scn_toks_free(&t);
}

static void test_number_and_name_forms(void **state)
{
	const char *why;
	uint64_t v;

	/* 0X as well as 0x, as strtoul and memparse take */
	assert_true(scn_parse_u64("0X1f", &v, &why));
	assert_int_equal(v, 31);
	assert_true(scn_parse_size("0X2k", &v, &why));
	assert_int_equal(v, 2048);
	/* a digit after the suffix is no size */
	assert_false(scn_parse_size("4K0", &v, &why));
	assert_string_equal(why,
			    "malformed size (expected a number with an optional K, M, G or T suffix)");
	assert_true(scn_is_ident("free_a_2"));
	assert_false(scn_is_ident("a.b"));
}

/* A diagnostic without a column, or without a line, drops those parts */
static void test_diag_format(void **state)
{
	struct scn_diag d;
	struct sbuf sb;

	sb_init(&sb);
	scn_diag_set(&d, "f.scn", 3, 0, "expect failed: %s", "x");
	scn_diag_format(&d, &sb);
	scn_diag_set(&d, "f.scn", 0, 0, "cannot open: %s", "gone");
	scn_diag_format(&d, &sb);
	scn_diag_set(&d, "f.scn", 3, 9, "bad");
	scn_diag_format(&d, &sb);
	assert_string_equal(sb.buf, "f.scn:3: expect failed: x\nf.scn: cannot open: gone\n"
			    "f.scn:3:9: bad\n");
	sb_free(&sb);
}

/* -------------------------------------------------------------------------
 * machine, node, hole, reserve, distance: each option's bad forms
 */
static void test_machine_option_diags(void **state)
{
	parse_diag("machine mem=1G\n", "t.scn:1:1: machine: missing nodes=");
	parse_diag("machine nodes=x mem=1G\n", "t.scn:1:15: expected a number: 'x'");
	parse_diag("machine nodes=1 mem=1G cpus=x\n", "t.scn:1:29: expected a number: 'x'");
	parse_diag("machine nodes=1 mem=1G cpus=0\n",
		   "t.scn:1:29: cpus=0: a machine has 1 to 64 CPUs");
	parse_diag("machine nodes=1 mem=1G struct_page_size=5000\n",
		   "t.scn:1:41: struct_page_size 5000 out of range (at most 4096)");
	parse_diag("machine nodes=1 mem=1G struct_page_size=8x\n",
		   "t.scn:1:41: malformed number: '8x'");
	parse_diag("machine nodes=1 mem=1G kernel=1000\n",
		   "t.scn:1:31: 1000 is not a multiple of the page size (4096)");
	parse_diag("machine nodes=1 mem=1G holes=pc\n",
		   "t.scn:1:30: holes= takes q35 or none, not 'pc'");
	parse_diag("machine nodes=1 mem=1G deferred_struct_page_init=maybe\n",
		   "t.scn:1:50: deferred_struct_page_init= takes y or n, not 'maybe'");
	parse_diag("machine nodes=1 mem=1G kernel_alloc=maybe\n",
		   "t.scn:1:37: kernel_alloc= takes y or n, not 'maybe'");
	parse_diag("machine nodes=1 mem=1G version=6.2\n",
		   "t.scn:1:32: version= takes 6.1 or 6.12, not '6.2'");
	parse_diag("machine nodes=1 mem=1G version=6.12.117\n",
		   "t.scn:1:32: version= takes 6.1 or 6.12, not '6.12.117'");
	parse_diag("machine nodes=1 mem=1G version=6.1 version=6.12\n",
		   "t.scn:1:36: version= given twice");
	parse_diag("machine nodes=1 mem=1G version=\n", "t.scn:1:32: missing value after 'version='");
	parse_diag("machine nodes=1 mem=1G > x\n", "t.scn:1:24: machine: unexpected redirection");
	parse_diag("machine nodes=1 =1G\n",
		   "t.scn:1:17: unexpected '=1G' (machine takes nodes=, mem=, cpus=, "
		   "struct_page_size=, kernel=, holes=, deferred_struct_page_init=, "
		   "kernel_alloc=, version=)");
	parse_diag("machine nodes=1 1G\n",
		   "t.scn:1:17: unexpected '1G' (machine takes nodes=, mem=, cpus=, "
		   "struct_page_size=, kernel=, holes=, deferred_struct_page_init=, "
		   "kernel_alloc=, version=)");
	parse_diag("machine nodes=1 mem=\n", "t.scn:1:21: missing value after 'mem='");
	parse_diag(M1 "cat /proc/buddyinfo\nmachine nodes=1 mem=1G\n",
		   "t.scn:3:1: 'machine' describes the machine, but it already booted at line 2");
}

/* version= is the machine's kernel version; 6.1 when not given */
static void test_machine_version(void **state)
{
	struct scn_script *s = parse_ok(M1);

	assert_int_equal(s->opts.kver, MM_KVER(6, 1));
	scn_script_free(s);
	s = parse_ok("machine nodes=1 mem=1G version=6.12\n");
	assert_int_equal(s->opts.kver, MM_KVER(6, 12));
	scn_script_free(s);
	s = parse_ok("machine nodes=1 mem=1G version=6.1\n");
	assert_int_equal(s->opts.kver, MM_KVER(6, 1));
	scn_script_free(s);
}

/*
 * A run on 6.12 that allocates, falls back and compacts reaches only
 * rules the model runs as 6.12 does: it says nothing about versions on
 * stderr, and neither does 6.1.  (The one rule still run as 6.1's,
 * KVER_ISOLATION, is reached only under the explorer; test_boot checks
 * the warning's once-per-rule mechanics directly.)
 */
static void test_run_version_says_nothing_when_modelled(void **state)
{
	const char *body =
		"alloc a order=0 gfp=GFP_KERNEL\n"
		"free a\n"
		"alloc b order=0 gfp=GFP_KERNEL\n"
		"free b\n"
		"cat /proc/zoneinfo\n"
		"echo 1 > /proc/sys/vm/compact_memory\n"
		"echo 1 > /proc/sys/vm/compact_memory\n";
	char text[512];
	struct scn_run_opts o = { .check = true };
	struct scn_result r;
	struct scn_script *s;

	snprintf(text, sizeof(text), "machine nodes=1 mem=64M cpus=1 holes=none kernel=32M kernel_alloc=n "
		 "version=6.12\n%s",
		 body);
	s = parse_ok(text);
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_true(!r.err.buf || !strstr(r.err.buf, "version="));
	/* it did run as 6.12: zoneinfo has 6.12's promo line */
	assert_non_null(r.out.buf);
	assert_non_null(strstr(r.out.buf, "        promo "));
	scn_result_free(&r);
	/* the same script with the version overridden to 6.1: nothing said */
	o.kver = MM_KVER(6, 1);
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_true(!r.err.buf || !strstr(r.err.buf, "version="));
	assert_null(strstr(r.out.buf, "        promo "));
	scn_result_free(&r);
	scn_script_free(s);

	snprintf(text, sizeof(text), "machine nodes=1 mem=64M cpus=1 holes=none kernel=32M "
		 "kernel_alloc=n\n%s", body);
	s = parse_ok(text);
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	assert_true(!r.err.buf || !strstr(r.err.buf, "version="));
	scn_result_free(&r);
	scn_script_free(s);
}

/* holes=q35 keeps the default e820 holes that holes=none drops */
static void test_machine_holes_q35(void **state)
{
	struct scn_script *q35 = parse_ok("machine nodes=1 mem=1G holes=q35\n");
	struct scn_script *dflt = parse_ok("machine nodes=1 mem=1G\n");

	assert_true(q35->opts.nr_holes > 0);
	assert_int_equal(q35->opts.nr_holes, dflt->opts.nr_holes);
	assert_memory_equal(q35->opts.hole, dflt->opts.hole,
			    sizeof(q35->opts.hole[0]) * (size_t)q35->opts.nr_holes);
	scn_script_free(q35);
	scn_script_free(dflt);
}

static void test_node_hole_diags(void **state)
{
	parse_diag(M1 "node\n",
		   "t.scn:2:1: node: expected a node number (usage: node N mem=SIZE [movable=SIZE])");
	parse_diag(M1 "node mem=1G\n",
		   "t.scn:2:6: node: expected a node number (usage: node N mem=SIZE [movable=SIZE])");
	parse_diag(M1 "node 0\n", "t.scn:2:1: node: nothing to set (mem= or movable=)");
	parse_diag(M1 "node 0 size=1G\n",
		   "t.scn:2:8: unknown option 'size' for node (known: mem=, movable=)");
	parse_diag(M1 "node 0 mem=1000\n",
		   "t.scn:2:12: 1000 is not a multiple of the page size (4096)");
	parse_diag(M1 "node 0 movable=1x\n",
		   "t.scn:2:16: malformed size (expected a number with an optional K, M, G or T "
		   "suffix): '1x'");
	parse_diag(M1 "node 1 mem=1G\n", "t.scn:2:6: node 1 does not exist (the machine has 1 node)");
	parse_diag(M1 "node x mem=1G\n", "t.scn:2:6: expected a number: 'x'");
	parse_diag(M1 "hole 0x1000\n",
		   "t.scn:2:12: hole: missing arguments (usage: hole START END)");
	parse_diag(M1 "hole 0x1000 0x2000 0x3000\n",
		   "t.scn:2:20: hole: unexpected '0x3000' (usage: hole START END)");
	parse_diag(M1 "hole 0x1000 > x\n", "t.scn:2:13: hole: unexpected redirection");
	parse_diag(M1 "hole 1x 2M\n",
		   "t.scn:2:6: malformed size (expected a number with an optional K, M, G or T "
		   "suffix): '1x'");
	parse_diag("hole 1M 2M\n", "t.scn:1:1: 'hole' before the 'machine' line");
}

/* node N movable= alone keeps the memory machine gave the node */
static void test_node_movable_only(void **state)
{
	struct scn_script *s = parse_ok(M2 "node 1 movable=256M\n");

	assert_true(s->opts.node[1].mem_bytes == 8UL << 30);
	assert_true(s->opts.node[1].movable_bytes == 256UL << 20);
	assert_true(s->opts.node[0].movable_bytes == 0);
	scn_script_free(s);
}

/*
 * MAX_HOLES (16) holes and MAX_RESERVES (32) reservations fit; one more
 * is an error at the line that adds it.
 *
 *   holes:    [1G + 2i M, 1G + 2i M + 1M)   i = 0..16
 *   reserves: [2i M, 2i M + 4K)             i = 0..32
 */
static void test_too_many_holes_and_reserves(void **state)
{
	char text[4096] = "machine nodes=1 mem=4G holes=none\n";
	struct scn_script *s;

	for (int i = 0; i < 16; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "hole %dM %dM\n",
			 1024 + 2 * i, 1024 + 2 * i + 1);
	s = parse_ok(text);
	assert_int_equal(s->opts.nr_holes, 16);
	assert_true(s->opts.hole[15].start == (1024UL + 30) << 20);
	scn_script_free(s);
	strcat(text, "hole 2000M 2001M\n");
	parse_diag(text, "t.scn:18:1: too many holes (at most 16)");

	strcpy(text, "machine nodes=1 mem=4G\n");
	for (int i = 0; i < 32; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "reserve %dM 4K\n",
			 2 * i);
	s = parse_ok(text);
	assert_int_equal(s->opts.nr_reserves, 32);
	assert_true(s->opts.reserve[31].start == 62UL << 20);
	scn_script_free(s);
	strcat(text, "reserve 100M 4K\n");
	parse_diag(text, "t.scn:34:1: too many reservations (at most 32)");
}

static void test_reserve_diags(void **state)
{
	parse_diag(M1 "reserve\n",
		   "t.scn:2:8: reserve: missing arguments (usage: reserve START SIZE | "
		   "reserve node=N size=SIZE)");
	parse_diag(M1 "reserve 0x1000\n",
		   "t.scn:2:15: reserve: missing arguments (usage: reserve START SIZE | "
		   "reserve node=N size=SIZE)");
	parse_diag(M1 "reserve 1x 4K\n",
		   "t.scn:2:9: malformed size (expected a number with an optional K, M, G or T "
		   "suffix): '1x'");
	parse_diag(M1 "reserve 0x1000 4097\n",
		   "t.scn:2:16: 4097 is not a multiple of the page size (4096)");
	/* a zero size points at the size, wherever it stands */
	parse_diag(M1 "reserve 0x1000 0\n", "t.scn:2:16: reserve: size 0 reserves nothing");
	parse_diag(M1 "reserve size=0 node=0\n", "t.scn:2:14: reserve: size 0 reserves nothing");
	parse_diag(M1 "reserve size=4M\n", "t.scn:2:1: reserve: missing node=");
	parse_diag(M1 "reserve node=0\n", "t.scn:2:1: reserve: missing size=");
	parse_diag(M1 "reserve node=0 size=4M colour=1\n",
		   "t.scn:2:24: unknown option 'colour' for reserve (known: node=, size=)");
	parse_diag(M1 "reserve node=0 size=5000\n",
		   "t.scn:2:21: 5000 is not a multiple of the page size (4096)");
	parse_diag(M1 "reserve node=x size=4M\n", "t.scn:2:14: expected a number: 'x'");
	parse_diag("reserve 0 4K\n", "t.scn:1:1: 'reserve' before the 'machine' line");
}

static void test_distance_diags(void **state)
{
	parse_diag(M2 "distance 0 1\n",
		   "t.scn:2:13: distance: missing arguments (usage: distance NODE NODE DISTANCE)");
	parse_diag(M2 "distance 5 1 20\n",
		   "t.scn:2:10: node 5 does not exist (the machine has 2 nodes)");
	parse_diag(M2 "distance 0 5 20\n",
		   "t.scn:2:12: node 5 does not exist (the machine has 2 nodes)");
	parse_diag(M2 "distance 0 1 x\n", "t.scn:2:14: expected a number: 'x'");
	parse_diag(M2 "distance 0 1 255\n",
		   "t.scn:2:14: distance 255 out of range (11..254, local is 10)");
	parse_diag("distance 0 1 20\n", "t.scn:1:1: 'distance' before the 'machine' line");
}

/* -------------------------------------------------------------------------
 * cmdline, seed, policy
 */
static void test_cmdline_diags(void **state)
{
	parse_diag(M1 "cmdline\n",
		   "t.scn:2:8: cmdline: missing arguments (usage: cmdline PARAM=VALUE...)");
	parse_diag("cmdline page_alloc.shuffle=1\n",
		   "t.scn:1:1: 'cmdline' before the 'machine' line");
	/* no '=': the column just after the name; an empty value: after '=' */
	parse_diag(M1 "cmdline page_alloc.shuffle\n",
		   "t.scn:2:27: page_alloc.shuffle needs a value");
	parse_diag(M1 "cmdline page_alloc.shuffle=\n",
		   "t.scn:2:28: page_alloc.shuffle needs a value");
	parse_diag(M1 "cmdline page_alloc.shuffle=o\n",
		   "t.scn:2:28: page_alloc.shuffle: expected y/n, 1/0, true/false or on/off, got 'o'");
	parse_diag(M1 "cmdline page_alloc.shuffle=oops\n",
		   "t.scn:2:28: page_alloc.shuffle: expected y/n, 1/0, true/false or on/off, "
		   "got 'oops'");
	/* 15 characters, as long as min_free_kbytes, gets no hint */
	parse_diag(M1 "cmdline watchdog_thresh=10\n",
		   "t.scn:2:9: unknown boot parameter 'watchdog_thresh'");
	parse_diag(M1 "cmdline sysctl.vm.min_free_kbytes=x\n",
		   "t.scn:2:35: expected a number: 'x'");
	parse_diag(M1 "cmdline sysctl.vm.min_free_kbytes=2147483648\n",
		   "t.scn:2:35: sysctl.vm.min_free_kbytes=2147483648: out of range "
		   "(the sysctl takes 0..2147483647)");
}

/*
 * A sysctl.* boot parameter goes through the sysctl's handler, which
 * refuses what writing the file refuses: watermark_scale_factor is 1..3000
 * (6.1's vm_table: extra1 = SYSCTL_ONE, extra2 = SYSCTL_THREE_THOUSAND)
 * and percpu_pagelist_high_fraction is 0 or at least 8
 * (percpu_pagelist_high_fraction_sysctl_handler).  mmsim used to boot
 * with 0 or 1..7, values no 6.1 kernel runs with.
 */
static void test_cmdline_sysctl_ranges(void **state)
{
	struct scn_script *s;

	parse_diag(M1 "cmdline sysctl.vm.watermark_scale_factor=0\n",
		   "t.scn:2:42: sysctl.vm.watermark_scale_factor=0: out of range "
		   "(the sysctl takes 1..3000)");
	parse_diag(M1 "cmdline sysctl.vm.watermark_scale_factor=3001\n",
		   "t.scn:2:42: sysctl.vm.watermark_scale_factor=3001: out of range "
		   "(the sysctl takes 1..3000)");
	parse_diag(M1 "cmdline sysctl.vm.percpu_pagelist_high_fraction=1\n",
		   "t.scn:2:49: sysctl.vm.percpu_pagelist_high_fraction=1: the sysctl takes 0 "
		   "or at least 8");
	parse_diag(M1 "cmdline sysctl.vm.percpu_pagelist_high_fraction=7\n",
		   "t.scn:2:49: sysctl.vm.percpu_pagelist_high_fraction=7: the sysctl takes 0 "
		   "or at least 8");
	/* the bounds themselves are taken */
	s = parse_ok(M1 "cmdline sysctl.vm.watermark_scale_factor=1 "
		     "sysctl.vm.percpu_pagelist_high_fraction=8\n");
	assert_int_equal(s->opts.watermark_scale_factor, 1);
	assert_int_equal(s->opts.percpu_pagelist_high_fraction, 8);
	scn_script_free(s);
	s = parse_ok(M1 "cmdline sysctl.vm.watermark_scale_factor=3000 "
		     "sysctl.vm.percpu_pagelist_high_fraction=0\n");
	assert_int_equal(s->opts.watermark_scale_factor, 3000);
	assert_int_equal(s->opts.percpu_pagelist_high_fraction, 0);
	scn_script_free(s);
}

/*
 * page_alloc.shuffle is parsed by kstrtobool: the first character decides
 * (y/t/1, n/f/0, either case) and o needs n or f after it.  "true" and
 * "yes" used to be refused; transparent_hugepage= takes always and madvise
 * (THP on) or never.
 */
static void test_cmdline_kstrtobool_and_thp(void **state)
{
	static const struct { const char *v; bool b; } spellings[] = {
		{ "1", true }, { "y", true }, { "Yes", true }, { "true", true }, { "T", true },
		{ "on", true }, { "ON", true }, { "0", false }, { "n", false }, { "No", false },
		{ "false", false }, { "F", false }, { "off", false }, { "OFF", false },
	};
	static const struct { const char *v; bool thp; } thp[] = {
		{ "always", true }, { "madvise", true }, { "never", false },
	};
	char text[256];

	for (size_t i = 0; i < ARRAY_SIZE(spellings); i++) {
		struct scn_script *s;

		/* start from the opposite value so the assignment is seen */
		snprintf(text, sizeof(text), M1 "cmdline page_alloc.shuffle=%d "
			 "page_alloc.shuffle=%s\n", !spellings[i].b, spellings[i].v);
		s = parse_ok(text);
		if (s->opts.page_alloc_shuffle != spellings[i].b)
			fail_msg("page_alloc.shuffle=%s: got %d", spellings[i].v,
				 s->opts.page_alloc_shuffle);
		scn_script_free(s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(thp); i++) {
		struct scn_script *s;

		snprintf(text, sizeof(text), M1 "cmdline transparent_hugepage=%s\n", thp[i].v);
		s = parse_ok(text);
		assert_int_equal(s->opts.thp, thp[i].thp);
		scn_script_free(s);
	}
}

static void test_seed_policy_diags(void **state)
{
	struct scn_script *s;

	parse_diag(M1 "seed\n", "t.scn:2:5: seed: missing arguments (usage: seed N)");
	parse_diag(M1 "seed 1 2\n", "t.scn:2:8: seed: unexpected '2' (usage: seed N)");
	parse_diag(M1 "seed x\n", "t.scn:2:6: expected a number: 'x'");
	parse_diag(M1 "policy\n",
		   "t.scn:2:7: policy: missing arguments (usage: policy FAMILY=NAME...)");
	parse_diag(M1 "policy =reuse-head\n",
		   "t.scn:2:8: expected FAMILY=NAME, got '=reuse-head'");
	/* the column of the missing name, after '=' */
	parse_diag(M1 "policy hvo=\n", "t.scn:2:12: missing policy name after 'hvo='");
	parse_diag(M1 "boot\npolicy hvo=new-head\n",
		   "t.scn:3:1: 'policy' describes the machine, but it already booted at line 2");
	/* a family picked twice keeps the last pick, as --policy does */
	s = parse_ok(M1 "policy hvo=new-head hvo=reuse-head\n");
	assert_int_equal(s->policies.n, 1);
	assert_string_equal(s->policies.sel[0].family->name, "hvo");
	assert_string_equal(s->policies.sel[0].policy->name, "reuse-head");
	scn_script_free(s);
}

/*
 * The registry behind policy lines: lookups by (name, length), the
 * default entry when a set has no pick, and an error message cut at the
 * caller's buffer instead of overrunning it.
 */
static void test_policy_registry(void **state)
{
	const struct policy_family *f = policy_family_find("hvo=x", 3), *f2;
	const struct policy *p;
	struct policy_set set = { 0 };
	char err[40];
	size_t pos;

	assert_non_null(f);
	assert_ptr_equal(policy_family_at(0), f);
	assert_null(policy_family_at(policy_nr_families()));
	assert_null(policy_family_find("hv", 2));
	/* no pick: the family's default, the unpatched 6.1 behaviour */
	assert_ptr_equal(policy_set_get(NULL, f), &f->policies[f->default_idx]);
	assert_string_equal(policy_set_get(&set, f)->name, "reuse-head");
	assert_true(policy_parse_one("hvo=new-head", &f2, &p, err, sizeof(err), &pos));
	policy_set_put(&set, f2, p);
	assert_string_equal(policy_set_get(&set, f)->name, "new-head");
	/* 40 bytes hold the start of the list of known names, NUL-terminated */
	memset(err, 'x', sizeof(err));
	assert_false(policy_parse_one("hvo=nope", &f2, &p, err, sizeof(err), &pos));
	assert_int_equal(pos, 4);
	assert_string_equal(err, "unknown policy 'nope' in family 'hvo' (");
}

/* -------------------------------------------------------------------------
 * Workload steps
 */
static void test_alloc_fill_diags(void **state)
{
	static const char usage[] = "(usage: alloc ID order=N gfp=FLAGS [node=N] [expect=ok|fail])";
	static const char fusage[] = "(usage: fill GROUP order=N gfp=FLAGS [node=N] "
				     "count=N|tries=N|until=low|min|fail)";
	char want[256];

	snprintf(want, sizeof(want), "t.scn:2:1: alloc: expected an id %s", usage);
	parse_diag(M1 "alloc\n", want);
	snprintf(want, sizeof(want), "t.scn:2:7: alloc: expected an id %s", usage);
	parse_diag(M1 "alloc gfp=GFP_KERNEL\n", want);
	parse_diag("alloc a gfp=GFP_KERNEL\n",
		   "t.scn:1:1: no machine described: a 'machine' line must come before the first step");
	parse_diag(M1 "alloc a gfp=GFP_KERNEL count=1\n",
		   "t.scn:2:24: unknown option 'count' for alloc (known: order=, gfp=, node=, expect=)");
	parse_diag(M1 "alloc a gfp=BOGUS\n", "t.scn:2:13: unknown gfp flag 'BOGUS'");
	parse_diag(M1 "alloc a gfp=__GFP_BOGUS|GFP_KERNEL\n",
		   "t.scn:2:13: unknown gfp flag '__GFP_BOGUS'");
	parse_diag(M1 "alloc a gfp=GFP_KERNEL node=x\n", "t.scn:2:29: expected a number: 'x'");
	parse_diag(M1 "alloc a gfp=GFP_KERNEL node=1\n",
		   "t.scn:2:29: node 1 does not exist (the machine has 1 node)");

	snprintf(want, sizeof(want), "t.scn:2:1: fill: expected a group name %s", fusage);
	parse_diag(M1 "fill\n", want);
	snprintf(want, sizeof(want), "t.scn:2:6: fill: expected a group name %s", fusage);
	parse_diag(M1 "fill count=5\n", want);
	parse_diag(M1 "fill g count=5\n", "t.scn:2:1: fill: missing gfp=");
	parse_diag(M1 "fill g gfp=GFP_KERNEL count=5 colour=red\n",
		   "t.scn:2:31: unknown option 'colour' for fill (known: order=, gfp=, node=, "
		   "count=, tries=, until=)");
	/* two of count=, tries=, until=: the later one is the mistake */
	parse_diag(M1 "fill g gfp=GFP_KERNEL tries=2 count=1\n",
		   "t.scn:2:31: fill: give exactly one of count=, tries= or until=");
	parse_diag(M1 "fill g gfp=GFP_KERNEL count=1 tries=2\n",
		   "t.scn:2:31: fill: give exactly one of count=, tries= or until=");
	parse_diag("fill g gfp=GFP_KERNEL count=1\n",
		   "t.scn:1:1: no machine described: a 'machine' line must come before the first step");
	parse_diag(M1 "fill 9g gfp=GFP_KERNEL count=1\n",
		   "t.scn:2:6: bad group name '9g' (letters, digits and _, not starting with a digit)");
	parse_diag(M1 "alloc a gfp=GFP_KERNEL\nfill a gfp=GFP_KERNEL count=1\n",
		   "t.scn:3:6: 'a' is an id (alloc at line 2), not a group");
	parse_diag(M1 "fill g order=11 gfp=GFP_KERNEL count=1\n",
		   "t.scn:2:14: order 11 out of range (orders are 0..10)");
	parse_diag(M1 "fill g gfp=GFP_KERNEL|__GFP_X count=1\n",
		   "t.scn:2:23: unknown gfp flag '__GFP_X'");
	parse_diag(M2 "fill g gfp=GFP_KERNEL node=2 count=1\n",
		   "t.scn:2:28: node 2 does not exist (the machine has 2 nodes)");
	parse_diag(M1 "fill g gfp=GFP_KERNEL count=4294967296\n",
		   "t.scn:2:29: count 4294967296 out of range (at most 4294967295)");
}

/*
 * The fill modes, a group filled twice (one slot, members appended), and
 * an id allocated again after its free (the same slot, live again).
 */
static void test_fill_modes_and_realloc(void **state)
{
	struct scn_script *s = parse_ok(
		M2
		"fill g gfp=GFP_KERNEL until=min\n"
		"fill g order=2 gfp=GFP_KERNEL node=1 until=fail\n"
		"fill h gfp=GFP_KERNEL tries=7\n"
		"alloc a gfp=GFP_KERNEL expect=fail\n"
		"free a\n"
		"alloc a gfp=GFP_KERNEL\n"
		"free a\n");
	struct scn_stmt *st = s->stmts;

	assert_int_equal(st[0].verb, SCN_BOOT);
	assert_int_equal(st[1].mode, SCN_FILL_UNTIL_MIN);
	assert_int_equal(st[2].mode, SCN_FILL_UNTIL_FAIL);
	assert_int_equal(st[2].node, 1);
	assert_int_equal(st[2].order, 2);
	assert_int_equal(st[2].slot, st[1].slot);
	assert_int_equal(st[3].mode, SCN_FILL_TRIES);
	assert_int_equal(st[3].count, 7);
	assert_int_not_equal(st[3].slot, st[1].slot);
	assert_int_equal(s->ngroups, 2);
	assert_int_equal(st[4].expect_alloc, SCN_EXPECT_FAIL);
	assert_int_equal(st[6].slot, st[4].slot);
	assert_int_equal(st[7].slot, st[4].slot);
	assert_int_equal(s->nids, 1);
	scn_script_free(s);
}

static void test_free_diags(void **state)
{
#define FG M1 "fill g gfp=GFP_KERNEL count=4\n"
#define AA M1 "alloc a gfp=GFP_KERNEL\n"
	parse_diag(M1 "free\n",
		   "t.scn:2:1: free: expected an id or a group (usage: free ID | free GROUP[i] | "
		   "free GROUP all|every=K [offset=J]|random=P%)");
	parse_diag(AA "free a > x\n", "t.scn:3:8: free: unexpected redirection");
	parse_diag(FG "free g[1\n", "t.scn:3:6: free: malformed member 'g[1' (expected GROUP[i])");
	parse_diag(FG "free g[1]x\n",
		   "t.scn:3:6: free: malformed member 'g[1]x' (expected GROUP[i])");
	parse_diag(AA "free a[0]\n", "t.scn:3:6: 'a' is an id (alloc at line 2), not a group");
	parse_diag(FG "free g[x]\n", "t.scn:3:8: expected a number: 'x'");
	parse_diag(FG "free g[1] now\n", "t.scn:3:11: free: unexpected 'now' (usage: free GROUP[i])");
	parse_diag(M1 "free 9x\n",
		   "t.scn:2:6: bad id name '9x' (letters, digits and _, not starting with a digit)");
	parse_diag(AA "free a now\n", "t.scn:3:8: free: unexpected 'now' (usage: free ID)");
	parse_diag(FG "free g half\n",
		   "t.scn:3:8: free: expected all, every=K or random=P% after group 'g', not 'half'");
	parse_diag(FG "free g all now\n", "t.scn:3:12: free: unexpected 'now' (usage: free GROUP all)");
	parse_diag(FG "free g every=2 random=50%\n",
		   "t.scn:3:16: free: every= and random= exclude each other");
	parse_diag(FG "free g every=x\n", "t.scn:3:14: expected a number: 'x'");
	parse_diag(FG "free g every=0\n", "t.scn:3:14: every=0: must be at least 1");
	parse_diag(FG "free g every=2 offset=x\n", "t.scn:3:23: expected a number: 'x'");
	parse_diag(FG "free g offset=1\n", "t.scn:3:8: free: offset= goes with every=");
	parse_diag(FG "free g random=50% offset=1\n", "t.scn:3:19: free: offset= goes with every=");
	parse_diag(FG "free g random=%\n", "t.scn:3:15: malformed percentage '%'");
	parse_diag(FG "free g random=half\n", "t.scn:3:15: malformed percentage 'half'");
	parse_diag(FG "free g random=0123456789012345678901234567890123456789%\n",
		   "t.scn:3:15: malformed percentage '0123456789012345678901234567890123456789%'");
	parse_diag(FG "free g random=101%\n", "t.scn:3:15: random=101%: more than 100%");
	parse_diag(FG "free g foo=1\n",
		   "t.scn:3:8: unknown option 'foo' for free (known: every=, offset=, random=)");
#undef FG
#undef AA
}

/* random= takes the percentage with or without its '%' */
static void test_free_random_forms(void **state)
{
	struct scn_script *s = parse_ok(M1 "fill g gfp=GFP_KERNEL count=4\n"
					"free g random=50\nfree g random=100%\nfree g random=0%\n");

	assert_int_equal(s->stmts[2].mode, SCN_FREE_RANDOM);
	assert_int_equal(s->stmts[2].pct, 50);
	assert_int_equal(s->stmts[3].pct, 100);
	assert_int_equal(s->stmts[4].pct, 0);
	scn_script_free(s);
}

static void test_other_verb_diags(void **state)
{
	static const char no_machine[] =
		"t.scn:1:1: no machine described: a 'machine' line must come before the first step";

	parse_diag(M1 "cpu\n", "t.scn:2:4: cpu: missing arguments (usage: cpu N)");
	parse_diag("cpu 0\n", no_machine);
	parse_diag(M1 "cpu x\n", "t.scn:2:5: expected a number: 'x'");
	parse_diag(M1 "cpu 1\n", "t.scn:2:5: cpu 1 does not exist (the machine has 1 CPU)");
	parse_diag("compact\n", no_machine);
	parse_diag(M1 "compact 0\n", "t.scn:2:9: unexpected '0' (compact takes node=)");
	parse_diag(M1 "compact node=\n", "t.scn:2:14: missing value after 'node='");
	parse_diag(M1 "compact node=x\n", "t.scn:2:14: expected a number: 'x'");
	parse_diag(M1 "compact node=0 > /x\n", "t.scn:2:16: unexpected '>' (compact takes node=)");
	parse_diag(M1 "boot now\n", "t.scn:2:6: boot: unexpected 'now' (usage: boot)");
	parse_diag("boot\n",
		   "t.scn:1:1: no machine described: a 'machine' line must come before 'boot'");
	parse_diag(M1 "cat -A /proc/buddyinfo\n", "t.scn:2:5: cat: options are not supported");
	parse_diag(M1 "echo 1 > /a > /b\n", "t.scn:2:13: echo: more than one redirection");
	parse_diag("echo 1 > /proc/sys/vm/compact_memory\n", no_machine);
	parse_diag(M1 "snapshot\n",
		   "t.scn:2:9: snapshot: missing arguments (usage: snapshot NAME [FILE...])");
	parse_diag(M1 "snapshot 1st\n",
		   "t.scn:2:10: bad snapshot name '1st' (letters, digits and _, not starting with a "
		   "digit)");
	parse_diag("snapshot s\n", no_machine);
	parse_diag(M1 "print snapshot\n",
		   "t.scn:2:15: print snapshot: missing arguments (usage: print snapshot NAME "
		   "[PREFIX...])");
	parse_diag(M1 "print diff\n",
		   "t.scn:2:11: print diff: missing arguments (usage: print diff SNAPSHOT "
		   "[SNAPSHOT|now] [PREFIX...])");
	parse_diag(M1 "print diff nope\n", "t.scn:2:12: unknown snapshot 'nope'");
	parse_diag(M1 "print x > /y\n", "t.scn:2:9: print: unexpected redirection");
	parse_diag("print counters\n", no_machine);
	parse_diag(M1 "> /proc/buddyinfo\n", "t.scn:2:1: line starts with a redirection");
	parse_diag(M1 "  >> /proc/buddyinfo\n", "t.scn:2:3: line starts with a redirection");
	parse_err(M1 "expected 3\n", 2, 1, "unknown verb 'expected': did you mean 'expect'? "
		  "(verbs: machine node ");
}

/*
 * Forms that parse: echo with no value writes an empty line (as sh does),
 * echo -n, print with a word, nothing or a quoted verb word, print diff against
 * now by default, compact on one node.
 */
static void test_verb_forms(void **state)
{
	struct scn_script *s = parse_ok(
		M2
		"echo > /proc/sys/vm/drop_caches\n"
		"echo -n 3 > /proc/sys/vm/drop_caches\n"
		"echo -n hi\n"
		"print hello\n"
		"print\n"
		"print 'counters' \"diff\" now\n"
		"snapshot a\n"
		"print diff a\n"
		"compact node=1\n"
		"compact\n");
	struct scn_stmt *st = s->stmts;

	assert_int_equal(s->nstmts, 11);
	assert_int_equal(st[1].verb, SCN_STORE);
	assert_string_equal(st[1].text, "");
	assert_string_equal(st[1].path, "/proc/sys/vm/drop_caches");
	assert_int_equal(st[2].verb, SCN_STORE);
	assert_string_equal(st[2].text, "3");
	assert_int_equal(st[3].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[3].text, "hi");
	assert_int_equal(st[3].mode, 0);
	/* a word that is no verb of print is text */
	assert_int_equal(st[4].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[4].text, "hello");
	assert_int_equal(st[5].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[5].text, "");
	assert_int_equal(st[5].mode, 1);
	assert_int_equal(st[6].verb, SCN_PRINT_TEXT);
	assert_string_equal(st[6].text, "counters diff now");
	assert_int_equal(st[8].verb, SCN_PRINT_DIFF);
	assert_int_equal(st[8].slot2, -1);
	assert_int_equal(st[8].nargs, 0);
	assert_int_equal(st[9].verb, SCN_COMPACT);
	assert_int_equal(st[9].node, 1);
	assert_int_equal(st[10].node, -1);
	scn_script_free(s);
}

/* -------------------------------------------------------------------------
 * expect: the remaining bad forms, and blanks
 */
static void test_expect_more_diags(void **state)
{
	char text[512];

	parse_diag("expect 1 == 1\n",
		   "t.scn:1:1: no machine described: a 'machine' line must come before the first step");
	/* a dangling operator: the column where the term should be */
	parse_diag(M1 "expect vmstat.pgfree + \n", "t.scn:2:24: expected a counter or a number");
	parse_diag(M1 "expect x == 9223372036854775808\n",
		   "t.scn:2:13: number out of range: '9223372036854775808'");
	parse_diag(M1 "expect .5 == 1\n", "t.scn:2:8: expected a counter or a number, got '.5'");
	parse_diag(M1 "expect (x) == 1\n", "t.scn:2:8: expected a counter or a number, got '(x)'");
	parse_diag(M1 "expect vmstat.pgfree ~ 3\n",
		   "t.scn:2:22: expect: expected a comparison (==, !=, <, <=, >, >=), got '~'");
	parse_diag(M1 "expect vmstat.pgfree =< 3\n",
		   "t.scn:2:22: expect: '=<' is not a comparison; use '<='");
	parse_diag(M1 "expect vmstat.pgfree => 3\n",
		   "t.scn:2:22: expect: '=>' is not a comparison; use '>='");
	parse_diag(M1 "expect vmstat.pgfree ≥ 3\n",
		   "t.scn:2:22: expect: expected a comparison (==, !=, <, <=, >, >=), got '≥'");
	snprintf(text, sizeof(text), M1 "expect %0300d == 1\n", 0);
	memset(text + strlen(M1) + 7, 'a', 300);
	parse_diag(text, "t.scn:2:8: counter name too long (at most 255 characters)");
}

/*
 *   expect<TAB>+9223372036854775807<TAB>>=<TAB>_x<TAB># c
 * blanks may be tabs; a leading '+' is a sign; the largest signed 64-bit
 * number is a number; a name may start with '_'; the text (for the
 * failure message) loses the trailing tab and comment.
 */
static void test_expect_tabs_and_sign(void **state)
{
	struct scn_script *s = parse_ok(M1 "expect\t+9223372036854775807\t>=\t_x\t# c\n");
	struct scn_stmt *e = &s->stmts[1];

	assert_int_equal(e->verb, SCN_EXPECT);
	assert_int_equal(e->cmp, SCN_GE);
	assert_int_equal(e->lhs.n, 1);
	assert_int_equal(e->lhs.t[0].sign, 1);
	assert_true(e->lhs.t[0].num == INT64_MAX);
	assert_string_equal(e->rhs.t[0].name, "_x");
	assert_int_equal(e->rhs.t[0].col, 32);
	assert_string_equal(e->text, "+9223372036854775807\t>=\t_x");
	scn_script_free(s);
}

/*
 * A CRLF file parses as the same file with LF: the same statements, the
 * same columns, and no CR in an expect's text (which a failure message
 * prints: a CR there sent the terminal's cursor back over the message).
 * A bare "expect" before CRLF used to be "unknown verb 'expect'".
 */
static void test_crlf_lines(void **state)
{
	struct scn_script *s = parse_ok("machine nodes=1 mem=1G\r\n"
					"alloc a gfp=GFP_KERNEL\r\n"
					"expect scn.live_pages == 1\r\n"
					"\r\n"
					"free a\r\n");

	assert_int_equal(s->nstmts, 4);
	assert_int_equal(s->stmts[2].verb, SCN_EXPECT);
	assert_string_equal(s->stmts[2].text, "scn.live_pages == 1");
	assert_int_equal(s->stmts[3].verb, SCN_FREE);
	assert_int_equal(s->stmts[3].line, 5);
	scn_script_free(s);
	parse_diag("machine nodes=1 mem=1G\r\nexpect\r\n",
		   "t.scn:2:7: expect: missing condition (usage: expect COUNTER OP VALUE)");
	parse_diag("machine nodes=1 mem=1G\r\ncpu 2\r\n",
		   "t.scn:2:5: cpu 2 does not exist (the machine has 2 CPUs)");
}

/* The last line needs no newline; a line of blanks and a comment is nothing */
static void test_last_line_without_newline(void **state)
{
	struct scn_script *s = parse_ok(M2 "  \t  \n   # note\ncpu 3");

	assert_int_equal(s->nstmts, 2);
	assert_int_equal(s->stmts[1].verb, SCN_CPU);
	assert_int_equal(s->stmts[1].cpu, 3);
	assert_int_equal(s->stmts[1].line, 4);
	scn_script_free(s);
}

/*
 * Names at scale: 600 ids, 400 groups and 300 snapshots, far past the
 * name tables' first buckets.  Every name keeps its own slot, and the
 * diagnostics still find the right one: a double free names the line of
 * that id's free, an id used as a group names that id's alloc line.
 *
 *   line 1              machine
 *   lines 2..601        alloc iN                       (N = 0..599)
 *   lines 602..1001     fill gN ... count=1            (N = 0..399)
 *   lines 1002..1301    snapshot sN                    (N = 0..299)
 *   lines 1302..1901    free iN
 *   line 1902           print diff s0 s299
 */
static void test_names_at_scale(void **state)
{
	struct sbuf sb;
	struct scn_script *s;
	char text[64];
	size_t base;

	sb_init(&sb);
	sb_puts(&sb, "machine nodes=1 mem=1G\n");
	for (int i = 0; i < 600; i++)
		sb_printf(&sb, "alloc i%d gfp=GFP_KERNEL\n", i);
	for (int i = 0; i < 400; i++)
		sb_printf(&sb, "fill g%d gfp=GFP_KERNEL count=1\n", i);
	for (int i = 0; i < 300; i++)
		sb_printf(&sb, "snapshot s%d\n", i);
	for (int i = 0; i < 600; i++)
		sb_printf(&sb, "free i%d\n", i);
	sb_puts(&sb, "print diff s0 s299\n");
	base = sb.len;
	s = parse_ok(sb.buf);
	assert_int_equal(s->nids, 600);
	assert_int_equal(s->ngroups, 400);
	assert_int_equal(s->nsnaps, 300);
	/* statement 1 + i is alloc iN, 601 + i fill gN, 1301 + i free iN */
	for (int i = 0; i < 600; i++) {
		snprintf(text, sizeof(text), "i%d", i);
		assert_string_equal(s->id_names[s->stmts[1 + i].slot], text);
		assert_int_equal(s->stmts[1301 + i].slot, s->stmts[1 + i].slot);
	}
	for (int i = 0; i < 400; i++) {
		snprintf(text, sizeof(text), "g%d", i);
		assert_string_equal(s->group_names[s->stmts[601 + i].slot], text);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(text, sizeof(text), "s%d", i);
		assert_string_equal(s->snap_names[s->stmts[1001 + i].slot], text);
	}
	assert_int_equal(s->stmts[1901].slot, s->stmts[1001].slot);
	assert_int_equal(s->stmts[1901].slot2, s->stmts[1300].slot);
	scn_script_free(s);

	sb_puts(&sb, "free i477\n");
	parse_diag(sb.buf, "t.scn:1903:6: double free of 'i477' (freed at line 1779)");
	sb.buf[base] = '\0';
	sb.len = base;
	sb_puts(&sb, "fill i123 gfp=GFP_KERNEL count=1\n");
	parse_diag(sb.buf, "t.scn:1903:6: 'i123' is an id (alloc at line 125), not a group");
	sb_free(&sb);
}

/* -------------------------------------------------------------------------
 * replay: arguments and where the trace file is looked up
 */
static void test_replay_diags(void **state)
{
	parse_diag(M1 "replay\n",
		   "t.scn:2:1: replay: expected a trace file (usage: replay FILE [group=NAME])");
	parse_diag(M1 "replay group=g\n",
		   "t.scn:2:8: replay: expected a trace file (usage: replay FILE [group=NAME])");
	parse_diag(M1 "replay > x\n", "t.scn:2:8: replay: unexpected redirection");
	parse_diag(M1 "replay x.trace colour=1\n",
		   "t.scn:2:16: unknown option 'colour' for replay (known: group=)");
	parse_diag(M1 "replay x.trace group=9\n",
		   "t.scn:2:22: bad group name '9' (letters, digits and _, not starting with a digit)");
	/* the default group is named replay: an id of that name is in the way */
	parse_diag(M1 "alloc replay gfp=GFP_KERNEL\nreplay x.trace\n",
		   "t.scn:3:1: 'replay' is an id (alloc at line 2), not a group");
	parse_diag("replay x.trace\n",
		   "t.scn:1:1: no machine described: a 'machine' line must come before the first step");
}

/*
 * A relative trace path is relative to the scenario's directory: "t.scn"
 * has none (the current one), "a/b/t.scn" has a/b, "/t.scn" has "/".  An
 * absolute trace path is used as it is.
 */
static void test_replay_paths(void **state)
{
	char path[] = "/tmp/mmsim-test-scn-XXXXXX";
	char text[256];
	struct scn_script *s;
	struct scn_diag d;
	FILE *f;
	int fd;

	s = scn_parse_string("a/b/t.scn", M1 "replay x.trace\n", &d);
	assert_null(s);
	assert_string_equal(d.msg, "cannot open trace 'a/b/x.trace': No such file or directory");
	assert_string_equal(d.file, "a/b/t.scn");
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 8);
	s = scn_parse_string("/t.scn", M1 "replay x.trace\n", &d);
	assert_null(s);
	assert_string_equal(d.msg, "cannot open trace '/x.trace': No such file or directory");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("bash-1 [000] 1.0: mm_page_alloc: page=0x1 pfn=0x1234 order=0 migratetype=0 "
	      "gfp_flags=GFP_KERNEL\n", f);
	fclose(f);
	snprintf(text, sizeof(text), M1 "replay %s group=r\n", path);
	s = scn_parse_string("a/b/t.scn", text, &d);
	unlink(path);
	if (!s)
		fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	assert_int_equal(s->stmts[1].verb, SCN_REPLAY);
	assert_int_equal(s->stmts[1].trace->n, 1);
	assert_int_equal(s->stmts[1].trace->ev[0].pfn, 0x1234);
	assert_string_equal(s->group_names[s->stmts[1].slot], "r");
	scn_script_free(s);
}

/* -------------------------------------------------------------------------
 * Traces: the other shapes real trace output takes
 *
 *   line 1  trace-cmd's header, CRLF line ends from here on
 *   line 2  blank
 *   line 3  tabs between fields
 *   line 4  task names with brackets of their own before [CPU]
 *   line 5  a CPU the machine cannot have: -1, replayed on the current one
 *   line 6  perf script -F ...,period,...: a word between time and event
 *   line 7-8 events as long as ours with other names: skipped
 *   line 9  an unknown field; page=(null): a failed allocation
 *   line 10 no task, [CPU] first; page=0, pfn=0: failed too
 *   line 11 a real page at pfn 0 (vmemmap base): not failed
 *   line 12 no page= at all: not failed
 *   line 13 a free without order=: order 0
 *   line 14 the last line, without a newline
 */
static const char trace_text2[] =
	"version = 6\r\n"
	"\r\n"
	"bash-1\t[001]\t1.0:\tmm_page_free:\tpfn=0x10\torder=3\r\n"
	"kworker/u8:[x] a [b] [12y] [5]x [1234567] [002] ..... 2.0: mm_page_free: pfn=0x11 order=0\r\n"
	"big [99999] 3.0: mm_page_free: pfn=0x12 order=0\r\n"
	"bash 1234 [003] 4.0: 1 kmem:mm_page_free: pfn=0x13 order=0\r\n"
	"bash-1 [000] 5.0: softirq_entry: vec=1\r\n"
	"bash-1 [000] 5.1: writeback_dirty_page: bdi 8:0: ino=12 index=0\r\n"
	"bash-1 [000] 6.0: mm_page_alloc: page=(null) pfn=0 nid=0 order=1 migratetype=0 gfp_flags=GFP_KERNEL\r\n"
	"[000] 7.0: mm_page_alloc: page=0 pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\r\n"
	"bash-1 [000] 8.0: mm_page_alloc: page=0xffffea0000000000 pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\r\n"
	"bash-1 [000] 9.0: mm_page_alloc: pfn=0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\r\n"
	"bash-1 [000] 10.0: mm_page_free: pfn=0x14\r\n"
	"bash-1 [000] 11.0: mm_page_free: pfn=0x15 order=2";

static void test_trace_shapes(void **state)
{
	struct scn_diag d;
	struct trace *t = trace_parse("x.trace", trace_text2, &d);

	if (!t)
		fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	assert_int_equal(t->n, 10);
	assert_int_equal(t->ignored, 2);
	assert_int_equal(t->ev[0].pfn, 0x10);
	assert_int_equal(t->ev[0].order, 3);
	assert_int_equal(t->ev[0].cpu, 1);
	assert_int_equal(t->ev[1].pfn, 0x11);
	assert_int_equal(t->ev[1].cpu, 2);
	assert_int_equal(t->ev[2].cpu, -1);
	assert_int_equal(t->ev[3].pfn, 0x13);
	assert_int_equal(t->ev[3].cpu, 3);
	assert_int_equal(t->ev[3].line, 6);
	/* allocations: (null), 0x0, a real page, no page */
	assert_true(t->ev[4].failed);
	assert_int_equal(t->ev[4].order, 1);
	assert_true(t->ev[5].failed);
	assert_false(t->ev[6].failed);
	assert_false(t->ev[7].failed);
	assert_int_equal(t->ev[7].kind, TRACE_ALLOC);
	assert_int_equal(t->ev[8].kind, TRACE_FREE);
	assert_int_equal(t->ev[8].order, 0);
	assert_int_equal(t->ev[9].pfn, 0x15);
	assert_int_equal(t->ev[9].order, 2);
	assert_int_equal(t->ev[9].line, 14);
	trace_free(t);
}

/*
 * A failed allocation as each tool spells the NULL page: the kernel's %p
 * (zeros), trace_pipe of older kernels "(null)", and libtraceevent's
 * (trace-cmd report, perf script) glibc "(nil)", which replay used to
 * take for a successful allocation at pfn 0.
 */
static void test_trace_failed_spellings(void **state)
{
	static const char text[] =
		"a-1 [000] 1.0: mm_page_alloc: page=(nil) pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"a 1 [000] 2.0: kmem:mm_page_alloc: page=(nil) pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n"
		"a-1 [000] 3.0: mm_page_alloc: page=0000000000000000 pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"a-1 [000] 4.0: mm_page_alloc: page=(null) pfn=0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"a-1 [000] 5.0: mm_page_alloc: page=000000003a0f1b2c pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n";
	struct scn_diag d;
	struct trace *t = trace_parse("x.trace", text, &d);

	if (!t)
		fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
	assert_int_equal(t->n, 5);
	for (int i = 0; i < 4; i++)
		if (!t->ev[i].failed)
			fail_msg("line %d: a failed allocation replayed as a success", i + 1);
	assert_int_equal(t->ev[1].order, 9);
	assert_false(t->ev[4].failed);		/* a hashed pointer: a real page */
	trace_free(t);
}

/* 1000 events: all kept, in order, with their lines */
static void test_trace_many_events(void **state)
{
	struct scn_diag d;
	struct sbuf sb;
	struct trace *t;

	sb_init(&sb);
	for (int i = 0; i < 1000; i++)
		sb_printf(&sb, "a-1 [000] %d.0: mm_page_free: pfn=%d order=0\n", i, 1000 + i);
	t = trace_parse("x.trace", sb.buf, &d);
	assert_non_null(t);
	assert_int_equal(t->n, 1000);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(t->ev[i].pfn, 1000 + i);
		assert_int_equal(t->ev[i].line, i + 1);
	}
	trace_free(t);
	sb_free(&sb);
}

/* Like trace_err, but the whole "x.trace:2:COL: message" */
static void trace_diag(const char *line, const char *want)
{
	struct scn_diag d;
	struct sbuf text, got;
	struct trace *t;

	sb_init(&text);
	sb_init(&got);
	sb_printf(&text, "# header\n%s\n", line);
	t = trace_parse("x.trace", text.buf, &d);
	if (t) {
		trace_free(t);
		fail_msg("parsed '%s'", line);
	}
	scn_diag_format(&d, &got);
	if (strlen(got.buf) != strlen(want) + 1 || strncmp(got.buf, want, strlen(want)))
		fail_msg("got  %swant %s", got.buf, want);
	sb_free(&text);
	sb_free(&got);
}

static void test_trace_diags(void **state)
{
	char line[1024];

	trace_diag("bash [000] d..1.", "x.trace:2:17: malformed trace line: no timestamp");
	trace_diag("bash [000] 1.0:", "x.trace:2:16: malformed trace line: no event name");
	trace_diag("bash [000] 1.0: mm_page_alloc: pfn= order=0 gfp_flags=GFP_KERNEL",
		   "x.trace:2:32: pfn= has no value");
	trace_diag("bash [000] 1.0: mm_page_free: pfn=0x1 order=x",
		   "x.trace:2:45: malformed order value 'x'");
	trace_diag("bash [000] 1.0: mm_page_free: pfn=0x1 order=11",
		   "x.trace:2:45: order 11 out of range (0..10)");
	trace_diag("bash [000] 1.0: mm_page_free: pfn=1234567890123456789012345678901234567890",
		   "x.trace:2:35: malformed pfn value '1234567890123456789012345678901234567890'");
	trace_diag("bash [000] 1.0: mm_page_alloc: pfn=1 order=0 gfp_flags=__GFP_X|GFP_KERNEL",
		   "x.trace:2:56: unknown gfp flag '__GFP_X'");
	snprintf(line, sizeof(line), "bash [000] 1.0: mm_page_alloc: pfn=1 order=0 gfp_flags=");
	for (int i = 0; i < 60; i++)
		strcat(line, "GFP_KERNEL|");
	strcat(line, "GFP_KERNEL");
	trace_diag(line, "x.trace:2:56: gfp_flags too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenize_words_quotes_redirects),
		cmocka_unit_test(test_tokenize_hash_inside_word_is_not_comment),
		cmocka_unit_test(test_tokenize_errors),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_machine_description),
		cmocka_unit_test(test_machine_errors),
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_workload_errors),
		cmocka_unit_test(test_expect_expressions),
		cmocka_unit_test(test_expect_errors),
		cmocka_unit_test(test_print_forms),
		cmocka_unit_test(test_trace_parse),
		cmocka_unit_test(test_trace_errors),
		cmocka_unit_test(test_run_captures_and_repeats),
		cmocka_unit_test(test_run_expect_failure_is_status_1),
		cmocka_unit_test(test_run_checks_by_default),
		cmocka_unit_test(test_expect_operator_boundaries),
		cmocka_unit_test(test_run_alloc_expect_is_expect_failure),
		cmocka_unit_test(test_tokenize_blanks_and_escapes),
		cmocka_unit_test(test_tokenize_many_words),
		cmocka_unit_test(test_number_and_name_forms),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_machine_option_diags),
		cmocka_unit_test(test_machine_holes_q35),
		cmocka_unit_test(test_machine_version),
		cmocka_unit_test(test_run_version_says_nothing_when_modelled),
		cmocka_unit_test(test_node_hole_diags),
		cmocka_unit_test(test_node_movable_only),
		cmocka_unit_test(test_too_many_holes_and_reserves),
		cmocka_unit_test(test_reserve_diags),
		cmocka_unit_test(test_distance_diags),
		cmocka_unit_test(test_cmdline_diags),
		cmocka_unit_test(test_cmdline_sysctl_ranges),
		cmocka_unit_test(test_cmdline_kstrtobool_and_thp),
		cmocka_unit_test(test_seed_policy_diags),
		cmocka_unit_test(test_policy_registry),
		cmocka_unit_test(test_alloc_fill_diags),
		cmocka_unit_test(test_fill_modes_and_realloc),
		cmocka_unit_test(test_free_diags),
		cmocka_unit_test(test_free_random_forms),
		cmocka_unit_test(test_other_verb_diags),
		cmocka_unit_test(test_verb_forms),
		cmocka_unit_test(test_expect_more_diags),
		cmocka_unit_test(test_expect_tabs_and_sign),
		cmocka_unit_test(test_crlf_lines),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_names_at_scale),
		cmocka_unit_test(test_replay_diags),
		cmocka_unit_test(test_replay_paths),
		cmocka_unit_test(test_trace_shapes),
		cmocka_unit_test(test_trace_failed_spellings),
		cmocka_unit_test(test_trace_many_events),
		cmocka_unit_test(test_trace_diags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
