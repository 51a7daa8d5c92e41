// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_progress.c - progress lines (sim/progress.c) and the option
 * scanning the commands share (sim/cli.c).
 *
 * The clock and the terminal test are the tests' own (struct
 * progress_ops): each call of now() moves time on by a step the test
 * sets, so every line, times included, is known exactly and no test
 * depends on how fast the host is.  The lines go to an open_memstream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"
#include "scn.h"

struct fake {
	double t, tick;		/* now() returns t, then adds tick */
	bool terminal;
	int nr_now;
};

static double fake_now(void *priv)
{
	struct fake *f = priv;
	double t = f->t;

	f->t += f->tick;
	f->nr_now++;
	return t;
}

static bool fake_is_terminal(void *priv, FILE *out)
{
	return ((struct fake *)priv)->terminal;
}

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* What was written, as a string the caller frees */
static char *capture_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* AUTO shows lines only on a terminal; ON always; OFF never */
static void test_modes(void **state)
{
	static const struct { enum progress_mode mode; bool terminal, on; } cases[] = {
		{ PROGRESS_AUTO, false, false }, { PROGRESS_AUTO, true, true },
		{ PROGRESS_ON, false, true }, { PROGRESS_ON, true, true },
		{ PROGRESS_OFF, false, false }, { PROGRESS_OFF, true, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = { .t = 100, .tick = 1, .terminal = cases[i].terminal };
		struct progress_ops ops = { fake_now, fake_is_terminal, &f };
		struct progress p;
		struct capture c;
		char *out;

		capture_open(&c);
		progress_init(&p, cases[i].mode, c.f, 2, &ops);
		assert_int_equal(progress_on(&p), cases[i].on);
		progress_step(&p, "one");
		out = capture_close(&c);
		assert_string_equal(out, cases[i].on ? "[1/2] one, 1.0 s (1 s)\n" : "");
		/* off, the clock is never read */
		assert_int_equal(f.nr_now, cases[i].on ? 2 : 0);
		free(out);
	}
	/* --progress wins over --quiet; --quiet alone is off; neither is auto */
	assert_int_equal(progress_mode_of(false, false), PROGRESS_AUTO);
	assert_int_equal(progress_mode_of(true, false), PROGRESS_OFF);
	assert_int_equal(progress_mode_of(false, true), PROGRESS_ON);
	assert_int_equal(progress_mode_of(true, true), PROGRESS_ON);
	assert_false(progress_on(NULL));
}

/*
 * The numbers are padded to the total's width; a step's time runs from
 * the previous line (progress_step) or from a time given
 * (progress_step_since); the total time from progress_init; progress_end
 * is numbered as the last step.
 */
static void test_lines(void **state)
{
	struct fake f = { .t = 10, .tick = 0.25, .terminal = true };
	struct progress_ops ops = { fake_now, fake_is_terminal, &f };
	struct progress p;
	struct capture c;
	double since;
	char *out;

	(void)state;
	capture_open(&c);
	progress_init(&p, PROGRESS_AUTO, c.f, 0, &ops);	/* t 10 */
	progress_set_total(&p, 12);
	progress_step(&p, "line %d: %s", 3, "boot");		/* t 10.25 */
	since = progress_now(&p);				/* t 10.5 */
	f.tick = 60;
	progress_step_since(&p, since, "hvo=%s: %s", "new-head", "ok");	/* t 10.75 */
	progress_step(&p, "three");				/* t 70.75 */
	progress_end(&p, "end: %s", "failed");			/* t 130.75 */
	out = capture_close(&c);
	assert_string_equal(out,
			    "[ 1/12] line 3: boot, 0.2 s (0 s)\n"
			    "[ 2/12] hvo=new-head: ok, 0.2 s (1 s)\n"
			    "[ 3/12] three, 60.0 s (61 s)\n"
			    "[12/12] end: failed, 60.0 s (121 s)\n");
	free(out);
}

/*
 * A run's steps: the boot (here the parser's own, before the first
 * step), snapshots, writes to kernel files, fills, and the end; not
 * cat, echo TEXT, alloc, free or expect.
 */
static void test_run_steps(void **state)
{
	static const char text[] =
		"machine nodes=1 mem=256M cpus=1\n"
		"cat /proc/buddyinfo\n"
		"snapshot start\n"
		"alloc a order=0 gfp=GFP_KERNEL\n"
		"fill g order=0 gfp=GFP_KERNEL count=8\n"
		"echo 4 > /proc/sys/vm/nr_hugepages\n"
		"free a\n"
		"echo done\n"
		"expect scn.live_allocs == 8\n";
	struct fake f = { .t = 0, .tick = 2, .terminal = false };
	struct progress_ops ops = { fake_now, fake_is_terminal, &f };
	struct scn_run_opts o = { .quiet = true };
	struct progress p;
	struct scn_result r;
	struct scn_script *s;
	struct scn_diag d;
	struct capture c;
	char *out;

	(void)state;
	s = scn_parse_string("t.scn", text, &d);
	assert_non_null(s);
	capture_open(&c);
	progress_init(&p, PROGRESS_ON, c.f, 0, &ops);
	o.progress = &p;
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);
	out = capture_close(&c);
	assert_string_equal(out,
			    "[1/5] boot, 2.0 s (2 s)\n"
			    "[2/5] line 3: snapshot start, 2.0 s (4 s)\n"
			    "[3/5] line 5: fill g order=0 gfp=GFP_KERNEL count=8, 2.0 s (6 s)\n"
			    "[4/5] line 6: echo 4 > /proc/sys/vm/nr_hugepages, 2.0 s (8 s)\n"
			    "[5/5] end: ok, 2.0 s (10 s)\n");
	free(out);
	scn_result_free(&r);
	scn_script_free(s);
}

/* A failed expect ends the run: the end line says so, numbered last */
static void test_run_stops_early(void **state)
{
	static const char text[] =
		"machine nodes=1 mem=256M cpus=1\n"
		"boot\n"
		"expect scn.live_allocs == 1\n"
		"echo 4 > /proc/sys/vm/nr_hugepages\n"
		"snapshot never\n";
	static const char long_line[] =
		"machine nodes=1 mem=256M cpus=1\n"
		"echo 0123456789012345678901234567890123456789012345678901234567890 > "
		"/proc/sys/vm/nr_hugepages\n";
	struct fake f = { .t = 0, .tick = 1, .terminal = false };
	struct progress_ops ops = { fake_now, fake_is_terminal, &f };
	struct scn_run_opts o = { .quiet = true };
	struct progress p;
	struct scn_result r;
	struct scn_script *s;
	struct scn_diag d;
	struct capture c;
	char *out;

	(void)state;
	s = scn_parse_string("t.scn", text, &d);
	assert_non_null(s);
	capture_open(&c);
	progress_init(&p, PROGRESS_ON, c.f, 0, &ops);
	o.progress = &p;
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_FAILED);
	out = capture_close(&c);
	assert_string_equal(out, "[1/4] line 2: boot, 1.0 s (1 s)\n"
			    "[4/4] end: failed, 1.0 s (2 s)\n");
	free(out);
	scn_result_free(&r);
	scn_script_free(s);

	/* a long line is cut to 60 characters with "..." */
	s = scn_parse_string("t.scn", long_line, &d);
	assert_non_null(s);
	capture_open(&c);
	progress_init(&p, PROGRESS_ON, c.f, 0, &ops);
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_OK);	/* a write error is no failure */
	out = capture_close(&c);
	assert_string_equal(out, "[1/3] boot, 1.0 s (1 s)\n"
			    "[2/3] line 2: echo 01234567890123456789012345678901234567890123456789"
			    "01..., 1.0 s (2 s)\n"
			    "[3/3] end: ok, 1.0 s (3 s)\n");
	free(out);
	scn_result_free(&r);
	scn_script_free(s);
}

/* --name VALUE, --name=VALUE, -xVALUE for one letter; a missing value says so */
static void test_cli_value(void **state)
{
	char *argv[] = { "mmsim", "sweep", "--seeds", "1..3", "--set=N=1", "-j4", "-j", "2",
			 "--setx", "--jobs", "-j=3", "--seeds", NULL };
	static const char *const valued[] = { "--seeds", "--set", "--job", "-j", NULL };
	int argc = 12, i = 2;
	const char *v, *opt;
	bool missing;

	(void)state;
	opt = cli_valued(argc, argv, &i, valued, &v, &missing);
	assert_string_equal(opt, "--seeds");
	assert_string_equal(v, "1..3");
	assert_int_equal(i, 3);
	i = 4;
	opt = cli_valued(argc, argv, &i, valued, &v, &missing);
	assert_string_equal(opt, "--set");
	assert_string_equal(v, "N=1");
	i = 5;
	assert_string_equal(cli_valued(argc, argv, &i, valued, &v, &missing), "-j");
	assert_string_equal(v, "4");
	i = 6;
	assert_string_equal(cli_valued(argc, argv, &i, valued, &v, &missing), "-j");
	assert_string_equal(v, "2");
	assert_int_equal(i, 7);
	/* a long option's name followed by more letters is another word */
	i = 8;
	assert_null(cli_valued(argc, argv, &i, valued, &v, &missing));
	assert_false(missing);
	i = 9;
	assert_null(cli_valued(argc, argv, &i, valued, &v, &missing));
	assert_false(missing);
	i = 10;
	assert_string_equal(cli_valued(argc, argv, &i, valued, &v, &missing), "-j");
	assert_string_equal(v, "3");
	i = 11;
	assert_string_equal(cli_valued(argc, argv, &i, valued, &v, &missing), "--seeds");
	assert_true(missing);
	assert_int_equal(i, 11);
	i = 11;
	assert_null(cli_value(argc, argv, &i, "--seeds", &missing));
	assert_true(missing);
}

static void test_cli_flags(void **state)
{
	struct cli_flags f = { 0 };

	(void)state;
	assert_int_equal(cli_progress_mode(&f), PROGRESS_AUTO);
	assert_true(cli_flag("--check", &f));
	assert_int_equal(f.check, SCN_CHECK_STEPS);
	assert_true(cli_flag("--no-check", &f));
	assert_int_equal(f.check, SCN_CHECK_OFF);
	assert_true(cli_flag("-q", &f));
	assert_true(f.quiet);
	assert_int_equal(cli_progress_mode(&f), PROGRESS_OFF);
	assert_true(cli_flag("--progress", &f));
	assert_int_equal(cli_progress_mode(&f), PROGRESS_ON);
	assert_false(cli_flag("--quietly", &f));
	assert_false(cli_flag("--all", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_run_steps),
		cmocka_unit_test(test_run_stops_early),
		cmocka_unit_test(test_cli_value),
		cmocka_unit_test(test_cli_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
