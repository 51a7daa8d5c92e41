/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * suggest.h - "did you mean": the closest of a set of names to a word that
 * matched none of them.
 *
 * Offer every valid name; the result is the one at the smallest edit
 * distance (insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1), provided it is close enough to be
 * a typo: at most a third of the word's length, at least 1, at most 3.
 * Ties go to the name offered first, so the answer does not depend on
 * anything but the order of the table it comes from.  Used by the
 * scenario parser (verbs, counters, files), the command line (commands)
 * and the policy registry.
 */
#ifndef MMSIM_SUGGEST_H
#define MMSIM_SUGGEST_H

struct suggest {
	const char *word;
	const char *best;	/* NULL: nothing close yet */
	unsigned int best_d;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_offer(struct suggest *s, const char *name);
/* The closest name, or NULL when none is close enough */
const char *suggest_result(const struct suggest *s);

/* The edit distance above (optimal string alignment), capped at @cap + 1 */
unsigned int suggest_distance(const char *a, const char *b, unsigned int cap);

#endif /* MMSIM_SUGGEST_H */
