// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine.c - services every part of the model uses on a machine: the
 * record of a simulated kernel failure (mm_fail, the outcome of a BUG_ON,
 * a fault or a broken invariant) and the machine's one random number
 * generator, seeded from the scenario so that a seed gives the same run.
 *
 * Nothing here builds a machine (boot.c does) or knows its layout; the
 * state lives in struct machine (machine.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "machine.h"

bool mm_fail(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	if (m->fail.failed)
		return false;
	m->fail.failed = true;
	va_start(ap, fmt);
	vsnprintf(m->fail.msg, sizeof(m->fail.msg), fmt, ap);
	va_end(ap);
	return false;
}

/* -------------------------------------------------------------------------
 * Randomness: xoshiro256**, seeded through splitmix64
 */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void mm_rng_seed(struct machine *m, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		m->rng[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t mm_rng_next(struct machine *m)
{
	uint64_t *s = m->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}
