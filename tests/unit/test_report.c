// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_report.c - `mmsim report`'s own logic (sim/report.c): the
 * "(  x.xx%)" deltas as compare prints them, wrapping at 80 columns, the
 * JSON reader's positions in its errors, and a report built from a
 * synthetic compare JSON: its table holds the values and deltas of the
 * input, leaves out rows the same in every run, and fits 80 columns with
 * more runs than one line can hold.  The statistics themselves are
 * stats.c's (tests/unit/test_stats.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "report.h"

static void test_delta(void **state)
{
	char b[32];

	(void)state;
	rpt_fmt_delta(b, sizeof(b), 32074, 32476);
	assert_string_equal(b, "(   1.25%)");
	rpt_fmt_delta(b, sizeof(b), 200, 100);
	assert_string_equal(b, "( -50.00%)");
	rpt_fmt_delta(b, sizeof(b), 6, 138);
	assert_string_equal(b, "(2200.00%)");
	rpt_fmt_delta(b, sizeof(b), -4, -2);	/* against |base|: -2 is 50% more than -4 */
	assert_string_equal(b, "(  50.00%)");
	rpt_fmt_delta(b, sizeof(b), 0, 0);
	assert_string_equal(b, "(   0.00%)");
	rpt_fmt_delta(b, sizeof(b), 0, 7);
	assert_string_equal(b, "(     n/a)");
}

static unsigned int longest_line(const char *s)
{
	unsigned int max = 0;

	while (*s) {
		size_t n = strcspn(s, "\n");

		if (n > max)
			max = (unsigned int)n;
		s += n + (s[n] == '\n');
	}
	return max;
}

static void test_wrap(void **state)
{
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	rpt_wrap(&sb, "policies: hvo=reuse-head,new-head aaaa bbbb cccc dddd", 20, 4);
	assert_string_equal(sb.buf, "policies:\n    hvo=reuse-head,new-head\n    aaaa bbbb cccc\n"
			    "    dddd\n");
	sb_reset(&sb);
	rpt_wrap(&sb, "a b  c", 80, 0);
	assert_string_equal(sb.buf, "a b c\n");
	sb_free(&sb);
}

static void test_json_errors(void **state)
{
	struct report r;
	char err[256];

	(void)state;
	report_init(&r);
	assert_false(report_from_json(&r, "x.json", "{\n  \"runs\": [1,\n  2 3]\n}", err,
				      sizeof(err)));
	assert_string_equal(err, "x.json:3:5: expected ',' or ']'");
	report_free(&r);
	report_init(&r);
	assert_false(report_from_json(&r, "x.json", "{\"schema\": \"mmsim-compare/2\"}", err,
				      sizeof(err)));
	assert_string_equal(err, "x.json:1:1: missing \"runs\"");
	report_free(&r);
	report_init(&r);
	assert_false(report_from_json(&r, "x.json", "{\"schema\": \"mmsim-compare/1\"}", err,
				      sizeof(err)));
	assert_non_null(strstr(err, "x.json:1:12: schema 'mmsim-compare/1'"));
	report_free(&r);
	report_init(&r);
	assert_false(report_from_json(&r, "x.json", "{\"a\": \"b", err, sizeof(err)));
	assert_string_equal(err, "x.json:1:9: unterminated string");
	report_free(&r);
}

/* A compare JSON of @nruns runs: hugepages 100 + 10 i, same 5 everywhere, an index */
static void synthetic(char *buf, size_t len, unsigned int nruns)
{
	size_t n = 0;

	n += (size_t)snprintf(buf + n, len - n, "{\"schema\": \"mmsim-compare/2\", "
			      "\"scenario\": \"s.scn\", \"family\": \"hvo\", \"runs\": [");
	for (unsigned int i = 0; i < nruns; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s{\"policy\": \"p%u\", \"label\": "
				      "\"policy-number-%u\", \"status\": \"ok\", \"seed\": 1, "
				      "\"figures\": {\"machine.hugepages\": %u, \"machine.same\": 5, "
				      "\"node0.normal.unusable_index.order9\": %u, \"x.never\": null}}",
				      i ? ", " : "", i, i, 100 + 10 * i, 500 + i);
	snprintf(buf + n, len - n, "], \"figure_info\": {\"machine.hugepages\": {\"label\": "
		 "\"machine: hugepages, all sizes\", \"unit\": \"count\"}, "
		 "\"node0.normal.unusable_index.order9\": {\"label\": \"node 0 Normal: unusable "
		 "index order 9\", \"unit\": \"index_x1000\"}}}");
}

static void test_report_from_compare(void **state)
{
	struct report r;
	struct rpt_opts o = { 0 };
	struct sbuf sb;
	char json[8192], err[256];

	(void)state;
	synthetic(json, sizeof(json), 7);
	report_init(&r);
	assert_true(report_from_json(&r, "c.json", json, err, sizeof(err)));
	assert_int_equal(r.nblk, 1);
	assert_int_equal(r.blk[0].nruns, 7);
	sb_init(&sb);
	report_text(&r, &o, &sb);
	assert_true(longest_line(sb.buf) <= 80);
	/* 7 runs of ~22 columns do not fit one line: the baseline heads every group */
	assert_non_null(strstr(sb.buf, "machine: hugepages, all sizes"));
	assert_non_null(strstr(sb.buf, "160 (  60.00%)"));
	assert_non_null(strstr(sb.buf, "0.506 (   1.20%)"));
	/* machine.same, and x.never: never in every run */
	assert_non_null(strstr(sb.buf, "2 figures the same in every run not shown"));
	assert_null(strstr(sb.buf, "machine.same"));
	assert_non_null(strstr(sb.buf, "no pagetypeinfo rows"));
	{
		const char *p = sb.buf;
		unsigned int n = 0;

		/* the baseline heads every group of columns: 7 runs need several */
		while ((p = strstr(p, "  policy-number-0   policy-number-")))
			n++, p++;
		assert_true(n >= 3);
	}
	sb_reset(&sb);
	report_html(&r, &o, &sb);
	assert_non_null(strstr(sb.buf, "<tr data-key=\"machine.hugepages\"><td>machine: hugepages, "
			       "all sizes</td><td>100</td><td>110 (  10.00%)</td>"));
	/* self-contained: nothing loaded from anywhere */
	assert_null(strstr(sb.buf, "src="));
	assert_null(strstr(sb.buf, "<link"));
	assert_null(strstr(sb.buf, "<script"));
	sb_free(&sb);
	report_free(&r);
}

/* With several values per run: Min/Median/Amean/Stddev and the test's p or verdict */
static void test_statistics_rows(void **state)
{
	struct report r;
	struct rpt_block *b;
	struct rpt_row *row;
	struct rpt_opts o = { 0 };
	struct sbuf sb;
	const double a[] = { 10, 11, 12, 13 }, c[] = { 20, 21, 22, 23 };

	(void)state;
	report_init(&r);
	r.nseeds = 4;
	snprintf(r.seeds, sizeof(r.seeds), "1..4");
	r.blk = host_calloc(1, sizeof(*r.blk), "a test report");
	r.nblk = 1;
	b = &r.blk[0];
	b->nruns = 3;
	for (unsigned int i = 0; i < 3; i++) {
		snprintf(b->run[i].label, sizeof(b->run[i].label), "p%u", i);
		b->run[i].ok = true;
	}
	row = rpt_row_get(b, "fig", "a figure", false);
	for (unsigned int k = 0; k < 4; k++) {
		rpt_row_push(row, 0, a[k]);
		rpt_row_push(row, 1, c[k]);
		rpt_row_push(row, 2, 10);
	}
	row = rpt_row_get(b, "fixed", "a fixed difference", false);
	for (unsigned int k = 0; k < 4; k++) {
		rpt_row_push(row, 0, 1);
		rpt_row_push(row, 1, 2);
		rpt_row_push(row, 2, 1);
	}
	sb_init(&sb);
	report_text(&r, &o, &sb);
	assert_true(longest_line(sb.buf) <= 80);
	if (getenv("SHOW"))
		fputs(sb.buf, stderr);
	assert_non_null(strstr(sb.buf, "\n  Amean             11.50  21.50 (  86.96%)  10.00 ( -13.04%)\n"));
	assert_non_null(strstr(sb.buf, "\n  Min               10.00  20.00 ( 100.00%)"));
	/* Welch: t = 10 / sqrt(2 * 1.6667 / 4) = 10.95, df 6: p < 0.0001; p2: t 2.32, p 0.10 */
	assert_non_null(strstr(sb.buf, "  Welch p"));
	assert_non_null(strstr(sb.buf, "\n  Welch p                            0.0000            0.1027\n"));
	/* no spread in any run: one line, the value each run gave on every seed */
	assert_non_null(strstr(sb.buf, "\na fixed difference      1      2 ( 100.00%)      1 (   0.00%)\n"));
	assert_non_null(strstr(sb.buf, "Welch's t-test"));
	sb_free(&sb);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_report_from_compare),
		cmocka_unit_test(test_statistics_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
