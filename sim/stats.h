/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats.h - the statistics `mmsim sweep` prints over the seeds of a cell.
 *
 * Nothing here knows about mmsim: samples are arrays of doubles.
 *
 *   stats_summary       n, min, max, median, mean and sample stddev
 *   stats_welch         Welch's unequal-variance t-test, two-sided
 *   stats_mann_whitney  the Mann-Whitney U (Wilcoxon rank-sum) test,
 *                       two-sided: exact without ties for samples under
 *                       50, else the normal approximation with the tie
 *                       and continuity corrections (as R's wilcox.test)
 *
 * The distributions are computed here: Student's t through the
 * regularised incomplete beta function (a continued fraction), the
 * normal through erfc, the exact U distribution by counting.
 *
 * Samples without spread get a verdict instead of a NaN: IDENTICAL when
 * every value of both samples is the same, FIXED when each sample is
 * constant (at least two values each) but they differ, so the difference
 * is the same on every seed, and TOO_FEW when a sample has fewer than
 * two values and the rest does not decide.
 */
#ifndef MMSIM_STATS_H
#define MMSIM_STATS_H

#include <stdbool.h>

struct stats_summary {
	unsigned int n;
	double min, max, median, mean;
	double stddev;			/* sample (n - 1); 0 for n < 2 */
};

/* @x is not modified; n 0 gives all zeros */
void stats_summarise(const double *x, unsigned int n, struct stats_summary *s);

enum stats_verdict {
	STATS_TESTED,			/* p holds the test's p-value */
	STATS_IDENTICAL,		/* every value of both samples is equal */
	STATS_FIXED,			/* each sample constant, the two differ */
	STATS_TOO_FEW,			/* a sample has fewer than 2 values */
};

struct stats_test {
	enum stats_verdict verdict;
	double stat;			/* Welch: t (b - a); Mann-Whitney: U of @a */
	double df;			/* Welch: Welch-Satterthwaite df; MW: 0 */
	double p;			/* two-sided; TESTED (MW: also FIXED) */
	bool exact;			/* Mann-Whitney: exact distribution */
};

/* Welch's t-test of mean(b) - mean(a); FIXED gives p 0 and an infinite t */
void stats_welch(const double *a, unsigned int na, const double *b, unsigned int nb,
		 struct stats_test *t);
/* Mann-Whitney U test of @a against @b */
void stats_mann_whitney(const double *a, unsigned int na, const double *b, unsigned int nb,
			struct stats_test *t);

/* The regularised incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1 */
double stats_incbeta(double a, double b, double x);
/* P(|T| >= |t|) for Student's t with @df degrees of freedom (df > 0) */
double stats_t_p2(double t, double df);
/* P(|Z| >= |z|) for the standard normal */
double stats_normal_p2(double z);
/* P(U <= u) for the Mann-Whitney U of samples of @m and @n values, no ties */
double stats_mw_cdf(unsigned int m, unsigned int n, double u);

#define STATS_MW_EXACT_MAX	50	/* exact below this many values per sample */

#endif /* MMSIM_STATS_H */
