// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_suggest.c - "did you mean" (model/suggest.c): the distance, the cap
 * that keeps far names out, and ties going to the first name offered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "suggest.h"

/* Each edit costs 1; a swap of neighbours is one edit, not two */
static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("alloc", "alloc", 3), 0);
	assert_int_equal(suggest_distance("allocc", "alloc", 3), 1);	/* insertion */
	assert_int_equal(suggest_distance("aloc", "alloc", 3), 1);	/* deletion */
	assert_int_equal(suggest_distance("alloq", "alloc", 3), 1);	/* substitution */
	assert_int_equal(suggest_distance("comapre", "compare", 3), 1);	/* swap */
	assert_int_equal(suggest_distance("", "abc", 3), 3);
	assert_int_equal(suggest_distance("kitten", "sitting", 3), 3);
	/* beyond the cap: cap + 1, whatever the true distance */
	assert_int_equal(suggest_distance("kitten", "sitting", 2), 3);
	assert_int_equal(suggest_distance("a", "abcdefgh", 2), 3);
}

/* The closest name wins; far names (more than a third of the word) do not */
static void test_suggest(void **state)
{
	static const char *const verbs[] = { "alloc", "free", "fill", "drain", "echo" };
	struct suggest sg;

	(void)state;
	suggest_init(&sg, "fre");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		suggest_offer(&sg, verbs[i]);
	assert_string_equal(suggest_result(&sg), "free");

	suggest_init(&sg, "frobnicate");	/* cap 3: nothing within it */
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		suggest_offer(&sg, verbs[i]);
	assert_null(suggest_result(&sg));

	suggest_init(&sg, "xy");		/* cap 1 for short words */
	suggest_offer(&sg, "x");
	suggest_offer(&sg, "abc");
	assert_string_equal(suggest_result(&sg), "x");
}

/* Equally close names: the one offered first, so tables decide */
static void test_ties_go_to_the_first(void **state)
{
	struct suggest sg;

	(void)state;
	suggest_init(&sg, "fil");
	suggest_offer(&sg, "fill");
	suggest_offer(&sg, "file");
	assert_string_equal(suggest_result(&sg), "fill");
	suggest_init(&sg, "fil");
	suggest_offer(&sg, "file");
	suggest_offer(&sg, "fill");
	assert_string_equal(suggest_result(&sg), "file");
	/* a closer name later still wins */
	suggest_init(&sg, "fill");
	suggest_offer(&sg, "fills");
	suggest_offer(&sg, "fill");
	assert_string_equal(suggest_result(&sg), "fill");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_ties_go_to_the_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
