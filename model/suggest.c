// SPDX-License-Identifier: GPL-2.0-only
/*
 * suggest.c - "did you mean" for names that matched nothing (suggest.h).
 *
 * Names are short (a verb, a counter, a /proc path), so the distance is the
 * plain dynamic programme over three rows; a name whose length alone puts
 * it beyond the cap is not looked at.
 */
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define SUGGEST_MAX_LEN	256	/* longer words get no suggestion */

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_d = 0;
}

static unsigned int min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned int suggest_distance(const char *a, const char *b, unsigned int cap)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned int rows[3][SUGGEST_MAX_LEN + 1];
	unsigned int *pp, *p, *c;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	pp = rows[0];
	p = rows[1];
	c = rows[2];
	for (size_t j = 0; j <= lb; j++)
		p[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned int row_min;
		unsigned int *t;

		c[0] = (unsigned int)i;
		row_min = c[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned int cost = a[i - 1] != b[j - 1];

			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;		/* two neighbours swapped */
			if (c[j] < row_min)
				row_min = c[j];
		}
		if (row_min > cap)
			return cap + 1;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] > cap ? cap + 1 : p[lb];
}

static unsigned int suggest_cap(const char *word)
{
	unsigned int cap = (unsigned int)(strlen(word) / 3);

	return cap < 1 ? 1 : cap > 3 ? 3 : cap;
}

void suggest_offer(struct suggest *s, const char *name)
{
	unsigned int cap = suggest_cap(s->word), d;

	if (s->best) {
		if (!s->best_d)
			return;
		if (s->best_d - 1 < cap)
			cap = s->best_d - 1;	/* only a closer name can win */
	}
	d = suggest_distance(s->word, name, cap);
	if (d <= cap && (!s->best || d < s->best_d)) {
		s->best = name;
		s->best_d = d;
	}
}

const char *suggest_result(const struct suggest *s)
{
	return s->best;
}
