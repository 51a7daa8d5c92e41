// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scn_run.c - the scenario runner (sim/scn_run.c) through the library
 * call compare uses: scn_parse_string, then scn_run with the output
 * captured in a struct scn_result.  Each test runs a small scenario on a
 * small machine and checks the exact output, the exact message and exit
 * status of an error, and the runner's counters (scn.*).
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

#include "scn.h"

#define M64	"machine nodes=1 mem=64M cpus=2 holes=none kernel=0\n"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_overflow_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
