// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scn_vars.c - scenario variables: `var NAME=VALUE`, `$NAME` and
 * `${NAME}` expanded as a shell would (not in single quotes, escaped by a
 * backslash, never in comments), --set values over the defaults, values
 * checked as the same literal would be, and every message's column
 * mapped back to the file's, at parse time and at run time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "host.h"
#include "scn.h"

/* -------------------------------------------------------------------------
 * The expansion alone, with two variables A=xyz and LONG=0123456789
 */
static const char *look(void *priv, const char *name, size_t len, int *idx)
{
	if (len == 1 && name[0] == 'A') {
		*idx = 0;
		return "xyz";
	}
	if (len == 4 && !strncmp(name, "LONG", 4)) {
		*idx = 1;
		return "0123456789";
	}
	return NULL;
}

struct expanded {
	struct sbuf out;
	struct scn_expansion *exp;
	int nexp, cap;
};

static void expand_ok(struct expanded *e, const char *line, const char *want)
{
	char msg[256];
	bool unknown;
	int col;

	sb_init(&e->out);
	e->exp = NULL;
	e->nexp = e->cap = 0;
	if (!scn_expand(line, 7, look, NULL, &e->out, &e->exp, &e->nexp, &e->cap, &col, &unknown,
			msg, sizeof(msg)))
		fail_msg("'%s': %d: %s", line, col, msg);
	assert_string_equal(e->out.buf, want);
}

static void expanded_free(struct expanded *e)
{
	sb_free(&e->out);
	host_free(e->exp);
}

static void test_expand_like_a_shell(void **state)
{
	struct expanded e;

	expand_ok(&e, "mem=$A x=${A}y $LONG", "mem=xyz x=xyzy 0123456789");
	assert_int_equal(e.nexp, 3);
	/* $A at column 5 became columns 5-7; ${A} at 10 (4 wide) became 11-13 */
	assert_int_equal(e.exp[0].line, 7);
	assert_int_equal(e.exp[0].col, 5);
	assert_int_equal(e.exp[0].len, 2);
	assert_int_equal(e.exp[0].ecol, 5);
	assert_int_equal(e.exp[0].elen, 3);
	assert_int_equal(e.exp[1].col, 10);
	assert_int_equal(e.exp[1].len, 4);
	assert_int_equal(e.exp[1].ecol, 11);
	assert_int_equal(e.exp[2].var, 1);
	expanded_free(&e);

	/* single quotes, a backslash and comments keep the text as is */
	expand_ok(&e, "echo '$A' \"$A\" \\$A $ $1 a$ # $NOPE", "echo '$A' \"xyz\" \\$A $ $1 a$ # $NOPE");
	assert_int_equal(e.nexp, 1);
	expanded_free(&e);
	/* a '#' inside a word is not a comment; after a redirection it is */
	expand_ok(&e, "echo a#$A >#$NOPE", "echo a#xyz >#$NOPE");
	expanded_free(&e);
	/* an apostrophe inside double quotes quotes nothing */
	expand_ok(&e, "echo \"it's $A\"", "echo \"it's xyz\"");
	expanded_free(&e);
}

static void expand_err(const char *line, int want_col, bool want_unknown, const char *want)
{
	struct expanded e = { 0 };
	char msg[256] = "";
	bool unknown;
	int col = 0;

	sb_init(&e.out);
	assert_false(scn_expand(line, 1, look, NULL, &e.out, &e.exp, &e.nexp, &e.cap, &col,
				&unknown, msg, sizeof(msg)));
	assert_int_equal(col, want_col);
	assert_int_equal(unknown, want_unknown);
	assert_string_equal(msg, want);
	expanded_free(&e);
}

static void test_expand_errors(void **state)
{
	expand_err("x $A $B", 6, true, "unknown variable '$B'");
	expand_err("x ${NOPE}", 3, true, "unknown variable '$NOPE'");
	expand_err("x=${A", 3, false, "malformed '${': expected ${NAME}");
	expand_err("x=${}", 3, false, "malformed '${': expected ${NAME}");
	expand_err("x=${1A}", 3, false, "malformed '${': expected ${NAME}");
}

static void test_columns_map_back(void **state)
{
	struct expanded e;

	/* file:  "a $LONG b ${A} c"  ->  "a 0123456789 b xyz c" */
	expand_ok(&e, "a $LONG b ${A} c", "a 0123456789 b xyz c");
	/* before any expansion: unchanged */
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 1), 1);
	/* anywhere inside a value: the '$' */
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 3), 3);
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 12), 3);
	/* "b" at 14 in the expanded line is at 9 in the file */
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 14), 9);
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 17), 11);
	/* "c" at 20 is at 16 */
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 20), 16);
	/* another line, or no column: unchanged */
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 8, 20), 20);
	assert_int_equal(scn_expansion_col(e.exp, e.nexp, 7, 0), 0);
	expanded_free(&e);
}

static void test_set_values(void **state)
{
	struct scn_vars v = { 0 };
	char err[256];

	assert_true(scn_vars_parse(&v, "MEM=8G", err, sizeof(err)));
	assert_true(scn_vars_parse(&v, "GFP=GFP_KERNEL|__GFP_COMP", err, sizeof(err)));
	assert_true(scn_vars_parse(&v, "p=hugepages=0:10,1:20", err, sizeof(err)));
	assert_string_equal(scn_vars_get(&v, "MEM"), "8G");
	assert_string_equal(scn_vars_get(&v, "p"), "hugepages=0:10,1:20");
	assert_null(scn_vars_get(&v, "mem"));
	assert_int_equal(v.n, 3);

	assert_false(scn_vars_parse(&v, "MEM=16G", err, sizeof(err)));
	assert_string_equal(err, "MEM given twice");
	assert_false(scn_vars_parse(&v, "MEM", err, sizeof(err)));
	assert_string_equal(err, "'MEM': expected NAME=VALUE");
	assert_false(scn_vars_parse(&v, "=1", err, sizeof(err)));
	assert_false(scn_vars_parse(&v, "1X=1", err, sizeof(err)));
	assert_non_null(strstr(err, "'1X' is not a variable name"));
	assert_false(scn_vars_parse(&v, "X=", err, sizeof(err)));
	assert_string_equal(err, "X: empty value");
	assert_false(scn_vars_parse(&v, "X=a b", err, sizeof(err)));
	assert_string_equal(err, "X=a b: a value is one word, without ' '");
	assert_int_equal(v.n, 3);

	/* every character that would change how the line reads */
	assert_int_equal(scn_var_value_bad("8G"), -1);
	assert_int_equal(scn_var_value_bad(""), 0);
	for (const char *c = " \t'\"\\$#><;&()`"; *c; c++) {
		char val[4] = { 'a', *c, 'b', 0 };

		assert_int_equal(scn_var_value_bad(val), 1);
	}
	assert_int_equal(scn_var_value_bad("a\nb"), 1);
}

/* -------------------------------------------------------------------------
 * The parser
 */
static const char vtext[] =
	"var MEM=256M NODES=1\n"			/* 1 */
	"var ORDER=3\n"					/* 2 */
	"machine nodes=$NODES mem=$MEM\n"		/* 3: $MEM at 26 */
	"alloc a order=${ORDER} gfp=GFP_KERNEL\n"	/* 4: ${ORDER} at 15 */
	"echo '$MEM' \"$MEM\"\n";			/* 5 */

static struct scn_script *parse_set(const char *text, const char *set1, const char *set2,
				    struct scn_diag *d)
{
	struct scn_vars v = { 0 };
	char err[256];

	if (set1)
		assert_true(scn_vars_parse(&v, set1, err, sizeof(err)));
	if (set2)
		assert_true(scn_vars_parse(&v, set2, err, sizeof(err)));
	return scn_parse_string_set("t.scn", text, &v, d);
}

static void test_defaults_and_set(void **state)
{
	struct scn_diag d;
	struct scn_script *s = parse_set(vtext, NULL, NULL, &d);

	assert_non_null(s);
	assert_int_equal(s->opts.nr_nodes, 1);
	assert_int_equal(s->opts.node[0].mem_bytes, 256ULL << 20);
	assert_int_equal(s->nsvars, 3);
	assert_false(s->svars[0].set);
	/* the text as parsed, for the guest plan: values in place */
	assert_string_equal(s->text, "var MEM=256M NODES=1\nvar ORDER=3\n"
			    "machine nodes=1 mem=256M\nalloc a order=3 gfp=GFP_KERNEL\n"
			    "echo '$MEM' \"256M\"\n");
	scn_script_free(s);

	s = parse_set(vtext, "MEM=1G", "NODES=2", &d);
	assert_non_null(s);
	assert_int_equal(s->opts.nr_nodes, 2);
	assert_int_equal(s->opts.node[1].mem_bytes, 1ULL << 30);
	assert_true(s->svars[0].set);
	assert_non_null(strstr(s->text, "var MEM=1G NODES=2\n"));
	scn_script_free(s);

	/* without variables the text is the file's, byte for byte */
	s = scn_parse_string("t.scn", "machine nodes=1 mem=64M\r\ncat /proc/buddyinfo", &d);
	assert_non_null(s);
	assert_string_equal(s->text, "machine nodes=1 mem=64M\r\ncat /proc/buddyinfo");
	assert_int_equal(s->nexp, 0);
	scn_script_free(s);
}

static void set_err(const char *text, const char *set, int line, int col, const char *want)
{
	struct scn_diag d;
	struct scn_script *s = parse_set(text, set, NULL, &d);

	if (s) {
		scn_script_free(s);
		fail_msg("parsed, but expected %d:%d: %s", line, col, want);
	}
	if (d.line != line || d.col != col || strcmp(d.msg, want))
		fail_msg("got %d:%d: %s\nwant %d:%d: %s", d.line, d.col, d.msg, line, col, want);
}

static void test_values_checked_as_literals(void **state)
{
	/* the literal's message, at the '$', naming the variable */
	set_err(vtext, "MEM=8X", 3, 26,
		"malformed size (expected a number with an optional K, M, G or T suffix): "
		"'8X' ($MEM is '8X', from --set)");
	set_err(vtext, "MEM=12345", 3, 26,
		"12345 is not a multiple of the page size (4096) ($MEM is '12345', from --set)");
	set_err(vtext, "ORDER=11", 4, 15,
		"order 11 out of range (orders are 0..10) ($ORDER is '11', from --set)");
	set_err("var O=x\nmachine nodes=1 mem=64M\nalloc a order=$O gfp=GFP_KERNEL\n", NULL, 3,
		15, "expected a number: 'x' ($O is 'x', its default at line 1)");
	/* after an expansion the columns are the file's */
	set_err("var A=1\nmachine nodes=$A mem=64M bogus=1\n", NULL, 2, 26,
		"unknown option 'bogus' for machine (known: nodes=, mem=, cpus=, "
		"struct_page_size=, kernel=, holes=, deferred_struct_page_init=, "
		"kernel_alloc=, version=)");
}

static void test_declaration_errors(void **state)
{
	set_err("machine nodes=1 mem=$MEM\n", NULL, 1, 21,
		"unknown variable '$MEM' (declare it before its first use: var MEM=VALUE)");
	set_err("var MEM=1G\nmachine nodes=1 mem=$mem\n", NULL, 2, 21,
		"unknown variable '$mem' (did you mean '$MEM'?)");
	set_err("var A=1 B=2\nmachine nodes=1 mem=$C\n", NULL, 2, 21,
		"unknown variable '$C' (declared so far: A, B)");
	set_err("machine nodes=1 mem=64M\ncat $F\nvar F=/proc/buddyinfo\n", NULL, 2, 5,
		"unknown variable '$F' (declare it before its first use: var F=VALUE)");
	set_err("var A=1\nvar A=2\n", NULL, 2, 5, "variable 'A' already declared at line 1");
	set_err("var 9=1\n", NULL, 1, 5,
		"'9' is not a variable name (letters, digits and '_', not starting with a digit, "
		"at most 63)");
	set_err("var A\n", NULL, 1, 5,
		"variable 'A' has no default: give it a value with --set A=VALUE");
	set_err("var A=\n", NULL, 1, 5, "var A: empty default");
	set_err("var A=x;y\n", NULL, 1, 8, "var A: a value is one word, without ';'");
	set_err("var\n", NULL, 1, 4, "var: missing arguments (usage: var NAME=VALUE...)");
	/* a --set the file does not declare: no line */
	set_err(vtext, "NODE=2", 0, 0,
		"--set NODE: the scenario declares no variable 'NODE' (it declares: MEM, NODES, "
		"ORDER)");
	set_err("machine nodes=1 mem=64M\n", "X=1", 0, 0,
		"--set X: the scenario declares no variables (a line 'var X=VALUE' declares one)");
}

static void test_required_variable(void **state)
{
	struct scn_diag d;
	struct scn_script *s = parse_set("var MEM\nmachine nodes=1 mem=$MEM\n", "MEM=128M", NULL, &d);

	assert_non_null(s);
	assert_int_equal(s->opts.node[0].mem_bytes, 128ULL << 20);
	scn_script_free(s);
}

/* A run-time error inside an expansion points at the file's column too */
static void test_run_time_columns(void **state)
{
	struct scn_diag d;
	struct scn_script *s = parse_set("var F=/proc/nothing\nmachine nodes=1 mem=256M holes=none\n"
					 "cat /proc/buddyinfo $F\n", NULL, NULL, &d);
	struct scn_run_opts o = { .quiet = true };
	struct scn_result r;

	assert_non_null(s);
	scn_result_init(&r);
	assert_int_equal(scn_run(s, &o, &r), SCN_BAD_INPUT);
	assert_string_equal(r.err.buf,
			    "t.scn:3:21: cat: /proc/nothing: not a readable file of the model "
			    "(`mmsim files` lists them)\n");
	scn_result_free(&r);
	scn_script_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand_like_a_shell),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_columns_map_back),
		cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_defaults_and_set),
		cmocka_unit_test(test_values_checked_as_literals),
		cmocka_unit_test(test_declaration_errors),
		cmocka_unit_test(test_required_variable),
		cmocka_unit_test(test_run_time_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
