// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_host.c - the simulator's own memory (model/host.c): overflow
 * checks, the limit, failure injection and the accounting behind them.
 * The oom handler is swapped for one that jumps back here, so each test
 * sees the failure the mmsim program would turn into exit 3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"

static jmp_buf oom_jmp;
static char oom_what[128], oom_why[128];
static size_t oom_size;

static void oom_catch(const char *what, size_t size, const char *why)
{
	snprintf(oom_what, sizeof(oom_what), "%s", what);
	snprintf(oom_why, sizeof(oom_why), "%s", why);
	oom_size = size;
	longjmp(oom_jmp, 1);
}

static int setup(void **state)
{
	host_mem.oom = oom_catch;
	host_mem.limit = 0;
	host_mem.fail_at = 0;
	oom_what[0] = oom_why[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	host_mem.oom = host_oom_exit;
	host_mem.limit = 0;
	host_mem.fail_at = 0;
	return 0;
}

/* n * size past SIZE_MAX is a failure, never a short allocation */
static void test_size_overflow_fails(void **state)
{
	if (setjmp(oom_jmp) == 0) {
		host_calloc(SIZE_MAX / 2, 3, "testing overflow");
		fail_msg("host_calloc returned a block for an overflowing size");
	}
	assert_string_equal(oom_what, "testing overflow");
	assert_string_equal(oom_why, "the size overflows");
	if (setjmp(oom_jmp) == 0) {
		host_reallocarray(NULL, 1UL << 62, 8, "testing overflow");
		fail_msg("host_reallocarray returned a block for an overflowing size");
	}
	assert_string_equal(oom_why, "the size overflows");
}

/* Every block counts while held and gives its bytes back when freed */
static void test_accounting_balances(void **state)
{
	size_t before = host_mem.bytes, calls = host_mem.calls;
	char *a = host_malloc(100, "t"), *b = host_calloc(10, 100, "t");
	char *c = host_strdup("hello", "t");

	assert_true(host_mem.bytes >= before + 100 + 1000 + 6);
	assert_int_equal(host_mem.calls, calls + 3);
	a = host_reallocarray(a, 4096, 2, "t");
	assert_true(host_mem.bytes >= before + 8192 + 1000 + 6);
	assert_true(host_mem.peak >= host_mem.bytes);
	assert_string_equal(c, "hello");
	host_free(a);
	host_free(b);
	host_free(c);
	host_free(NULL);
	assert_int_equal(host_mem.bytes, before);
}

/* The allocation that would cross the limit fails; smaller ones do not */
static void test_limit(void **state)
{
	void *p;

	host_mem.limit = host_mem.bytes + (1 << 20);
	p = host_malloc(1 << 19, "under the limit");
	if (setjmp(oom_jmp) == 0) {
		host_malloc(1 << 20, "over the limit");
		fail_msg("an allocation past the limit succeeded");
	}
	assert_string_equal(oom_what, "over the limit");
	assert_non_null(strstr(oom_why, "over the host memory limit of 1 MiB"));
	assert_int_equal(oom_size, 1 << 20);
	/* shrinking a block never trips the limit */
	p = host_reallocarray(p, 1, 16, "shrinking");
	host_free(p);
}

/* fail_at picks one allocation by number; the ones before it succeed */
static void test_fail_at(void **state)
{
	void *a, *b;

	host_mem.fail_at = host_mem.calls + 3;
	a = host_malloc(8, "first");
	b = host_strndup("abcdef", 3, "second");
	assert_string_equal(b, "abc");
	if (setjmp(oom_jmp) == 0) {
		host_calloc(1, 8, "third");
		fail_msg("the injected failure did not happen");
	}
	assert_string_equal(oom_what, "third");
	assert_string_equal(oom_why, "injected failure");
	host_free(a);
	host_free(b);
}

/*
 * A zero-byte request still returns a block (a pointer that can be
 * freed and grown, as malloc(0) may not), counted while held.
 */
static void test_zero_sizes(void **state)
{
	size_t before = host_mem.bytes;
	char *a = host_malloc(0, "zero"), *b = host_calloc(0, 8, "zero");

	assert_non_null(a);
	assert_non_null(b);
	assert_true(host_mem.bytes > before);
	a = host_reallocarray(a, 0, 8, "zero");
	assert_non_null(a);
	a = host_reallocarray(a, 3, 8, "grow");
	memset(a, 1, 24);
	host_free(a);
	host_free(b);
	assert_int_equal(host_mem.bytes, before);
}

#ifdef MMSIM_SANITIZE
/* Let ASan's malloc return NULL for an impossible size, as glibc's does */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

/*
 * A request the C library itself refuses (4 EiB: no limit is set, so
 * only malloc can say no) ends the run through the oom handler, naming
 * the call that failed; a failed realloc leaves the block as it was.
 */
static void test_libc_refusal(void **state)
{
	const size_t huge = (size_t)1 << 62;
	void *volatile p = host_malloc(16, "small");

	if (setjmp(oom_jmp) == 0) {
		host_malloc(huge, "huge malloc");
		fail_msg("a 4 EiB malloc succeeded");
	}
	assert_string_equal(oom_what, "huge malloc");
	assert_string_equal(oom_why, "malloc failed");
	assert_int_equal(oom_size, huge);
	if (setjmp(oom_jmp) == 0) {
		host_calloc(huge / 8, 8, "huge calloc");
		fail_msg("a 4 EiB calloc succeeded");
	}
	assert_string_equal(oom_why, "calloc failed");
	memset(p, 7, 16);
	if (setjmp(oom_jmp) == 0) {
		host_reallocarray(p, huge / 8, 8, "huge realloc");
		fail_msg("a 4 EiB realloc succeeded");
	}
	assert_string_equal(oom_what, "huge realloc");
	assert_string_equal(oom_why, "realloc failed");
	assert_int_equal(((unsigned char *)p)[15], 7);
	host_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_size_overflow_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounting_balances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libc_refusal, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
