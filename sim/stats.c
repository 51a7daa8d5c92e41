// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c - summaries and two-sample tests for `mmsim sweep` (stats.h).
 *
 * Welch's t-test needs Student's t distribution; its two-sided tail is a
 * regularised incomplete beta function, P(|T| >= t) = I_x(df/2, 1/2) with
 * x = df / (df + t^2), computed here with its continued fraction (the
 * modified Lentz method), using the symmetry I_x(a, b) = 1 - I_1-x(b, a)
 * where the fraction converges slowly.  The Mann-Whitney U test follows
 * R's wilcox.test: without ties and with both samples under 50 values the
 * exact distribution of U is counted (the number of orderings of m and n
 * values giving each U); otherwise U is taken as normal with the variance
 * corrected for ties and a continuity correction of 1/2.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double mean_of(const double *x, unsigned int n)
{
	double s = 0;

	for (unsigned int i = 0; i < n; i++)
		s += x[i];
	return n ? s / n : 0;
}

/* Sample variance, two passes */
static double var_of(const double *x, unsigned int n, double mean)
{
	double s = 0;

	if (n < 2)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		s += (x[i] - mean) * (x[i] - mean);
	return s / (n - 1);
}

static bool constant(const double *x, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		if (x[i] != x[0])
			return false;
	return true;
}

void stats_summarise(const double *x, unsigned int n, struct stats_summary *s)
{
	double *sorted;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	s->min = s->max = x[0];
	for (unsigned int i = 1; i < n; i++) {
		if (x[i] < s->min)
			s->min = x[i];
		if (x[i] > s->max)
			s->max = x[i];
	}
	s->mean = mean_of(x, n);
	s->stddev = sqrt(var_of(x, n, s->mean));
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted) {
		s->median = NAN;
		return;
	}
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	s->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	free(sorted);
}

/*
 * The verdicts both tests share; true when one applies (t filled), false
 * when the samples have a spread to test.
 */
static bool degenerate(const double *a, unsigned int na, const double *b, unsigned int nb,
		       struct stats_test *t)
{
	memset(t, 0, sizeof(*t));
	t->p = NAN;
	if (na && nb && constant(a, na) && constant(b, nb) && a[0] == b[0]) {
		t->verdict = STATS_IDENTICAL;
		t->p = 1;
		return true;
	}
	if (na < 2 || nb < 2) {
		t->verdict = STATS_TOO_FEW;
		return true;
	}
	return false;
}

/* -------------------------------------------------------------------------
 * Distributions
 */

/* The continued fraction of I_x(a, b), for x < (a + 1) / (a + b + 2) */
static double incbeta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double f, c, d;

	/* 1 / (1 + d1 / (1 + d2 / (1 + ...))): Lentz from the first 1 */
	c = 1;
	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	f = d;
	for (int m = 1; m < 10000; m++) {
		double num, delta;

		/* even term: m (b - m) x / ((a + 2m - 1)(a + 2m)) */
		num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		c = 1 + num / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		f *= d * c;
		/* odd term: -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) */
		num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		delta = d * c;
		f *= delta;
		if (fabs(delta - 1) < eps)
			break;
	}
	return f;
}

double stats_incbeta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	if (x > (a + 1) / (a + b + 2))
		return 1 - stats_incbeta(b, a, 1 - x);
	front = exp(a * log(x) + b * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b))) / a;
	return front * incbeta_cf(a, b, x);
}

double stats_t_p2(double t, double df)
{
	if (isinf(t))
		return 0;
	return stats_incbeta(df / 2, 0.5, df / (df + t * t));
}

double stats_normal_p2(double z)
{
	return erfc(fabs(z) / sqrt(2));
}

/*
 * The number of orderings of @m values of one sample and @n of the other
 * with each U (pairs where the first sample's value is the larger), from
 * the largest value down: if it is the first sample's, it beats all of
 * the other's, cnt(i, j, u) = cnt(i - 1, j, u - j) + cnt(i, j - 1, u).
 * Returns mn + 1 counts, or NULL without memory.
 */
static double *mw_counts(unsigned int m, unsigned int n)
{
	size_t width = (size_t)m * n + 1;
	double *prev = calloc((n + 1) * width, sizeof(double));
	double *cur = calloc((n + 1) * width, sizeof(double));
	double *out = NULL;

	if (!prev || !cur)
		goto out;
	/* i = 0: one ordering, U = 0, whatever j */
	for (unsigned int j = 0; j <= n; j++)
		prev[j * width] = 1;
	for (unsigned int i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * width * sizeof(double));
		cur[0] = 1;	/* j = 0 */
		for (unsigned int j = 1; j <= n; j++)
			for (size_t u = 0; u <= (size_t)i * j; u++) {
				double v = cur[(j - 1) * width + u];

				if (u >= j)
					v += prev[j * width + u - j];
				cur[j * width + u] = v;
			}
		double *tmp = prev;

		prev = cur;
		cur = tmp;
	}
	out = malloc(width * sizeof(double));
	if (out)
		memcpy(out, &prev[n * width], width * sizeof(double));
out:
	free(prev);
	free(cur);
	return out;
}

double stats_mw_cdf(unsigned int m, unsigned int n, double u)
{
	double *cnt, below = 0, total = 0;

	if (u < 0)
		return 0;
	if (u >= (double)m * n)
		return 1;
	cnt = mw_counts(m, n);
	if (!cnt)
		return NAN;
	for (size_t v = 0; v <= (size_t)m * n; v++) {
		total += cnt[v];
		if ((double)v <= u)
			below += cnt[v];
	}
	free(cnt);
	return below / total;
}

/* -------------------------------------------------------------------------
 * Tests
 */
void stats_welch(const double *a, unsigned int na, const double *b, unsigned int nb,
		 struct stats_test *t)
{
	double ma, mb, va, vb, se2;

	if (degenerate(a, na, b, nb, t))
		return;
	ma = mean_of(a, na);
	mb = mean_of(b, nb);
	if (constant(a, na) && constant(b, nb)) {
		/* no spread on either side: the difference is the same on every seed */
		t->verdict = STATS_FIXED;
		t->stat = mb > ma ? INFINITY : -INFINITY;
		t->p = 0;
		return;
	}
	va = var_of(a, na, ma) / na;
	vb = var_of(b, nb, mb) / nb;
	se2 = va + vb;
	t->verdict = STATS_TESTED;
	t->stat = (mb - ma) / sqrt(se2);
	t->df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1));
	t->p = stats_t_p2(t->stat, t->df);
}

struct ranked {
	double v;
	bool first;		/* of sample a */
};

static int cmp_ranked(const void *x, const void *y)
{
	return cmp_double(&((const struct ranked *)x)->v, &((const struct ranked *)y)->v);
}

void stats_mann_whitney(const double *a, unsigned int na, const double *b, unsigned int nb,
			struct stats_test *t)
{
	unsigned int n = na + nb;
	double ranksum = 0, ties = 0, u, mean, sigma, z;
	struct ranked *r;

	if (degenerate(a, na, b, nb, t))
		return;
	r = malloc(n * sizeof(*r));
	if (!r) {
		t->verdict = STATS_TOO_FEW;
		return;
	}
	for (unsigned int i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], true };
	for (unsigned int i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], false };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* midranks: a run of k equal values at 1-based ranks i+1..i+k gets i + (k+1)/2 */
	for (unsigned int i = 0; i < n;) {
		unsigned int k = 1;

		while (i + k < n && r[i + k].v == r[i].v)
			k++;
		for (unsigned int j = i; j < i + k; j++)
			if (r[j].first)
				ranksum += i + (k + 1) / 2.0;
		ties += (double)k * k * k - k;
		i += k;
	}
	free(r);
	u = ranksum - na * (na + 1) / 2.0;
	t->stat = u;
	t->verdict = constant(a, na) && constant(b, nb) ? STATS_FIXED : STATS_TESTED;
	mean = (double)na * nb / 2;
	if (!ties && na < STATS_MW_EXACT_MAX && nb < STATS_MW_EXACT_MAX) {
		double p = u > mean ? 1 - stats_mw_cdf(na, nb, u - 1) : stats_mw_cdf(na, nb, u);

		if (!isnan(p)) {
			t->exact = true;
			t->p = fmin(1, 2 * p);
			return;
		}
	}
	sigma = sqrt((double)na * nb / 12 * ((n + 1) - ties / ((double)n * (n - 1))));
	z = u - mean;
	z = (z - (z > 0 ? 0.5 : z < 0 ? -0.5 : 0)) / sigma;
	t->p = fmin(1, stats_normal_p2(z));
}
