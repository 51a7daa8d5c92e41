// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_xmap.c - the model's open-addressed u64 map (model/xmap.c) and
 * the mmap-family names (model/mman.c): what the page cache, the content
 * tags and strace-style printing stand on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mman.h"
#include "sbuf.h"
#include "xmap.h"

/* Insert 10,000 keys, delete every third, and check against an array */
static void test_xmap_matches_a_reference(void **state)
{
	struct xmap x;
	enum { N = 10000 };
	static uint64_t ref[N];
	size_t count = 0;
	uint64_t k, v;

	(void)state;
	xmap_init(&x);
	for (uint64_t i = 0; i < N; i++) {
		ref[i] = i * 7919 + 1;
		xmap_set(&x, i * 4096, ref[i]);	/* keys that share low bits, as pfns do */
	}
	for (uint64_t i = 0; i < N; i += 3)
		assert_true(xmap_del(&x, i * 4096));
	assert_false(xmap_del(&x, 0));		/* already gone */
	for (uint64_t i = 0; i < N; i++) {
		bool there = xmap_get(&x, i * 4096, &v);

		assert_int_equal(there, i % 3 != 0);
		if (there)
			assert_int_equal(v, ref[i]);
	}
	for (size_t i = 0; xmap_next(&x, &i, &k, &v);) {
		assert_int_equal(k % 4096, 0);
		assert_int_equal(v, ref[k / 4096]);
		count++;
	}
	assert_int_equal(count, x.nr);
	assert_int_equal(count, N - (N + 2) / 3);
	xmap_set(&x, 4096, 5);			/* replace keeps the count */
	assert_int_equal(x.nr, count);
	xmap_destroy(&x);
}

/* Deleting inside a probe run must not lose the members after it */
static void test_xmap_backward_shift(void **state)
{
	struct xmap x;
	uint64_t v;

	(void)state;
	xmap_init(&x);
	for (uint64_t i = 0; i < 12; i++)	/* under the 3/4 load: one table of 16 */
		xmap_set(&x, i, i + 100);
	for (uint64_t i = 0; i < 12; i += 2)
		xmap_del(&x, i);
	for (uint64_t i = 1; i < 12; i += 2) {
		assert_true(xmap_get(&x, i, &v));
		assert_int_equal(v, i + 100);
	}
	xmap_destroy(&x);
}

static void expect_flags(const struct mman_name *tab, long v, bool mmap_flags, const char *want)
{
	struct sbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "");
	mman_format_flags(&sb, tab, v, mmap_flags);
	assert_string_equal(sb.buf, want);
	sb_free(&sb);
}

/* Flags print as strace prints them */
static void test_mman_format(void **state)
{
	(void)state;
	expect_flags(mman_prot_names, PROT_READ | PROT_WRITE, false, "PROT_READ|PROT_WRITE");
	expect_flags(mman_prot_names, 0, false, "PROT_NONE");
	expect_flags(mman_map_names, MAP_PRIVATE | MAP_ANONYMOUS, true, "MAP_PRIVATE|MAP_ANONYMOUS");
	expect_flags(mman_map_names, MAP_SHARED | MAP_FIXED | MAP_POPULATE, true,
		     "MAP_SHARED|MAP_FIXED|MAP_POPULATE");
	expect_flags(mman_map_names, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, true,
		     "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
	expect_flags(mman_map_names, MAP_PRIVATE | 0x800000000L, true, "MAP_PRIVATE|0x800000000");
	expect_flags(mman_madv_names, MADV_DONTNEED, false, "MADV_DONTNEED");
	expect_flags(mman_open_names, O_RDWR | O_CREAT, false, "O_RDWR|O_CREAT");
	expect_flags(mman_open_names, O_RDONLY, false, "O_RDONLY");
}

static void test_mman_parse(void **state)
{
	const char *bad;
	size_t badlen;
	long v;
	int e;

	(void)state;
	assert_true(mman_parse_flags(mman_map_names, "MAP_SHARED|MAP_ANON|0x100", 25, &v, &bad,
				     &badlen));
	assert_int_equal(v, MAP_SHARED | MAP_ANONYMOUS | 0x100);
	assert_false(mman_parse_flags(mman_map_names, "MAP_SHARED|MAP_SHRED", 20, &v, &bad,
				      &badlen));
	assert_int_equal(badlen, 9);
	assert_memory_equal(bad, "MAP_SHRED", 9);
	assert_true(errno_parse("EEXIST", 6, &e));
	assert_int_equal(e, EEXIST);
	assert_false(errno_parse("EWHAT", 5, &e));
	assert_string_equal(errno_name(ENOMEM), "ENOMEM");
	assert_string_equal(errno_text(EINVAL), "Invalid argument");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xmap_matches_a_reference),
		cmocka_unit_test(test_xmap_backward_shift),
		cmocka_unit_test(test_mman_format),
		cmocka_unit_test(test_mman_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
