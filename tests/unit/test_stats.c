// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_stats.c - the statistics of `mmsim sweep` (sim/stats.c) against
 * known values: closed forms of the incomplete beta and of Student's t
 * for 1 and 2 degrees of freedom, t tables, the two examples of Welch's
 * test that are in every textbook (Wikipedia's "Welch's t-test" page:
 * t 2.46, df 24.99, p 0.021 and t 1.57, df 9.90, p 0.149), R's own
 * example of wilcox.test (W 35, one-sided p 0.1272), a tied sample with
 * the normal approximation, and the verdicts of samples without spread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "stats.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.12g, want %.12g (tolerance %g)", got, want, tol);
}

static void test_summary(void **state)
{
	const double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 10, 2, 8, 4 };
	struct stats_summary s;

	stats_summarise(odd, N(odd), &s);
	assert_int_equal(s.n, 5);
	near(s.min, 1, 0);
	near(s.max, 5, 0);
	near(s.median, 3, 0);
	near(s.mean, 3, 0);
	near(s.stddev, sqrt(2.5), 1e-12);	/* sum of squares 10, over n - 1 */
	/* the input is not sorted in place */
	near(odd[0], 5, 0);

	stats_summarise(even, N(even), &s);
	near(s.median, 6, 0);			/* (4 + 8) / 2 */
	near(s.mean, 6, 0);
	near(s.stddev, sqrt(40.0 / 3), 1e-12);

	stats_summarise(odd, 1, &s);
	assert_int_equal(s.n, 1);
	near(s.median, 5, 0);
	near(s.stddev, 0, 0);
	stats_summarise(odd, 0, &s);
	assert_int_equal(s.n, 0);
}

static void test_incbeta(void **state)
{
	/* I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b */
	near(stats_incbeta(1, 1, 0.3), 0.3, 1e-14);
	near(stats_incbeta(3, 1, 0.7), pow(0.7, 3), 1e-14);
	near(stats_incbeta(1, 4, 0.2), 1 - pow(0.8, 4), 1e-14);
	/* integers: a binomial tail, I_0.5(2, 3) = (6 + 4 + 1) / 16 */
	near(stats_incbeta(2, 3, 0.5), 11.0 / 16, 1e-14);
	/* symmetric: I_0.5(a, a) = 1/2, and I_x(a, b) = 1 - I_1-x(b, a) */
	near(stats_incbeta(7.5, 7.5, 0.5), 0.5, 1e-13);
	near(stats_incbeta(2.5, 9, 0.9), 1 - stats_incbeta(9, 2.5, 0.1), 1e-14);
	near(stats_incbeta(2, 3, 0), 0, 0);
	near(stats_incbeta(2, 3, 1), 1, 0);
}

static void test_t_distribution(void **state)
{
	/* df 1 is Cauchy: P(|T| >= t) = 1 - 2 atan(t) / pi */
	for (double t = 0.25; t < 20; t *= 2)
		near(stats_t_p2(t, 1), 1 - 2 * atan(t) / M_PI, 1e-12);
	/* df 2: P(|T| >= t) = 1 - t / sqrt(2 + t^2) */
	for (double t = 0.25; t < 20; t *= 2)
		near(stats_t_p2(t, 2), 1 - t / sqrt(2 + t * t), 1e-12);
	/* the table's two-sided 5% points */
	near(stats_t_p2(2.228139, 10), 0.05, 1e-6);
	near(stats_t_p2(-2.093024, 19), 0.05, 1e-6);
	near(stats_t_p2(2.570582, 5), 0.05, 1e-6);
	/* many degrees of freedom: the normal */
	near(stats_t_p2(1.959964, 1e7), 0.05, 1e-6);
	near(stats_normal_p2(1.959964), 0.05, 1e-6);
	near(stats_normal_p2(-2.575829), 0.01, 1e-6);
	/* non-integer df: numerical integration of the density */
	near(stats_t_p2(1.5, 3.7), 0.213598169, 1e-7);
	near(stats_t_p2(0, 4), 1, 0);
	near(stats_t_p2(INFINITY, 4), 0, 0);
}

static void test_welch_textbook(void **state)
{
	const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6,
			      23.1, 19.6, 19.0, 21.7, 21.4 };
	const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2,
			      21.9, 22.1, 22.9, 20.5, 24.4 };
	const double b1[] = { 17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8 };
	const double b2[] = { 21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8,
			      20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8 };
	struct stats_test t;

	stats_welch(a1, N(a1), a2, N(a2), &t);
	assert_int_equal(t.verdict, STATS_TESTED);
	near(t.stat, 2.45535639828601, 1e-10);
	near(t.df, 24.98852929023142, 1e-9);
	near(t.p, 0.021378001, 1e-7);
	/* the other way round: the sign of t, the same p */
	stats_welch(a2, N(a2), a1, N(a1), &t);
	near(t.stat, -2.45535639828601, 1e-10);
	near(t.p, 0.021378001, 1e-7);

	stats_welch(b1, N(b1), b2, N(b2), &t);
	near(t.stat, 1.5654335235985073, 1e-10);
	near(t.df, 9.904741248650831, 1e-9);
	near(t.p, 0.148841697, 1e-7);
}

static void test_welch_without_spread(void **state)
{
	const double five[] = { 5, 5, 5, 5 }, six[] = { 6, 6, 6 }, some[] = { 4, 5, 6, 7 };
	struct stats_test t;

	/* equal everywhere: nothing to test, and no NaN */
	stats_welch(five, N(five), five, 2, &t);
	assert_int_equal(t.verdict, STATS_IDENTICAL);
	near(t.p, 1, 0);
	/* one run each, the same value: still identical */
	stats_welch(five, 1, five, 1, &t);
	assert_int_equal(t.verdict, STATS_IDENTICAL);
	/* constant but different: the same difference on every seed */
	stats_welch(five, N(five), six, N(six), &t);
	assert_int_equal(t.verdict, STATS_FIXED);
	near(t.p, 0, 0);
	assert_true(isinf(t.stat) && t.stat > 0);
	/* one side constant: Welch's df falls to the other's n - 1 */
	stats_welch(five, N(five), some, N(some), &t);
	assert_int_equal(t.verdict, STATS_TESTED);
	near(t.df, 3, 1e-12);
	near(t.stat, 0.5 / sqrt(5.0 / 3 / 4), 1e-12);
	near(t.p, stats_t_p2(t.stat, 3), 0);
	/* too few to say anything */
	stats_welch(five, 1, six, N(six), &t);
	assert_int_equal(t.verdict, STATS_TOO_FEW);
	assert_true(isnan(t.p));
	stats_welch(five, 0, six, N(six), &t);
	assert_int_equal(t.verdict, STATS_TOO_FEW);
}

static void test_mann_whitney_exact(void **state)
{
	/* R: wilcox.test(x, y, alternative = "greater"): W = 35, p-value = 0.1272 */
	const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	struct stats_test t;

	stats_mann_whitney(x, N(x), y, N(y), &t);
	assert_int_equal(t.verdict, STATS_TESTED);
	assert_true(t.exact);
	near(t.stat, 35, 0);
	/* counted by enumerating the C(15, 5) = 3003 splits */
	near(t.p, 764.0 / 3003, 1e-12);		/* 2 * 0.1272 */
	stats_mann_whitney(y, N(y), x, N(x), &t);
	near(t.stat, 15, 0);
	near(t.p, 764.0 / 3003, 1e-12);

	/* the U distribution of 2 and 2 values: U = 0..4 with counts 1 1 2 1 1 */
	near(stats_mw_cdf(2, 2, 0), 1.0 / 6, 1e-15);
	near(stats_mw_cdf(2, 2, 1), 2.0 / 6, 1e-15);
	near(stats_mw_cdf(2, 2, 2), 4.0 / 6, 1e-15);
	near(stats_mw_cdf(2, 2, 4), 1, 0);
	near(stats_mw_cdf(2, 2, -1), 0, 0);
	/* complete separation of 10 and 10: 2 / C(20, 10) */
	{
		double a[10], b[10];

		for (int i = 0; i < 10; i++) {
			a[i] = i;
			b[i] = 100 + i;
		}
		stats_mann_whitney(a, 10, b, 10, &t);
		near(t.stat, 0, 0);
		near(t.p, 2.0 / 184756, 1e-15);
	}
}

static void test_mann_whitney_ties(void **state)
{
	/* ties: the normal approximation, tie and continuity corrected (R) */
	const double a[] = { 1, 2, 2, 3, 3, 3, 4 }, b[] = { 3, 4, 4, 5, 5, 6 };
	const double five[] = { 5, 5, 5 }, six[] = { 6, 6, 6, 6 };
	struct stats_test t;

	stats_mann_whitney(a, N(a), b, N(b), &t);
	assert_int_equal(t.verdict, STATS_TESTED);
	assert_false(t.exact);
	near(t.stat, 3.5, 0);
	near(t.p, 0.012999854364387314, 1e-12);

	/* no spread on either side: FIXED, with the p-value of the ranks */
	stats_mann_whitney(five, N(five), six, N(six), &t);
	assert_int_equal(t.verdict, STATS_FIXED);
	near(t.stat, 0, 0);
	assert_true(t.p > 0 && t.p < 0.1);
	stats_mann_whitney(five, N(five), five, 2, &t);
	assert_int_equal(t.verdict, STATS_IDENTICAL);
	stats_mann_whitney(five, 1, six, N(six), &t);
	assert_int_equal(t.verdict, STATS_TOO_FEW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_incbeta),
		cmocka_unit_test(test_t_distribution),
		cmocka_unit_test(test_welch_textbook),
		cmocka_unit_test(test_welch_without_spread),
		cmocka_unit_test(test_mann_whitney_exact),
		cmocka_unit_test(test_mann_whitney_ties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
