// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sbuf.c - the text buffer (model/sbuf.c): growth past its first
 * allocation, reset and steal, and JSON string quoting, which compare,
 * sweep and diff-real all write their JSON with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"
#include "sbuf.h"

/* Appends past the first 256 bytes keep every byte; reset empties, steal detaches */
static void test_grow_reset_steal(void **state)
{
	struct sbuf sb;
	char *s;

	(void)state;
	sb_init(&sb);
	for (int i = 0; i < 1000; i++)
		sb_printf(&sb, "%03d,", i);
	assert_int_equal(sb.len, 4000);
	assert_int_equal(strlen(sb.buf), 4000);
	assert_memory_equal(sb.buf + 3996, "999,", 4);
	sb_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	sb_puts(&sb, "kept");
	s = sb_steal(&sb);
	assert_string_equal(s, "kept");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	host_free(s);
	/* an empty buffer steals as "", never NULL */
	s = sb_steal(&sb);
	assert_string_equal(s, "");
	host_free(s);
}

/* Quotes and backslashes escaped, controls as \u00XX, the rest (UTF-8 too) as is */
static void test_json_str(void **state)
{
	struct sbuf sb;

	(void)state;
	sb_init(&sb);
	sb_json_str(&sb, "plain");
	sb_puts(&sb, " ");
	sb_json_str(&sb, "a \"b\" c\\d");
	sb_puts(&sb, " ");
	sb_json_str(&sb, "tab\tnl\n\x01\x1f end");
	sb_puts(&sb, " ");
	sb_json_str(&sb, "");
	sb_puts(&sb, " ");
	sb_json_str(&sb, NULL);
	sb_puts(&sb, " ");
	sb_json_str(&sb, "\xc3\xa9t\xc3\xa9");
	assert_string_equal(sb.buf, "\"plain\" \"a \\\"b\\\" c\\\\d\" "
			    "\"tab\\u0009nl\\u000a\\u0001\\u001f end\" \"\" \"\" "
			    "\"\xc3\xa9t\xc3\xa9\"");
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_reset_steal),
		cmocka_unit_test(test_json_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
