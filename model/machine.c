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
#include <string.h>

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
 * The kernel version
 */
static const struct {
	const char *name;
	unsigned int kver;
} kvers[] = {
	{ "6.1", MM_KVER(6, 1) },
	{ "6.12", MM_KVER(6, 12) },
};

bool mm_kver_parse(const char *s, unsigned int *kver)
{
	for (size_t i = 0; i < sizeof(kvers) / sizeof(kvers[0]); i++) {
		if (!strcmp(s, kvers[i].name)) {
			*kver = kvers[i].kver;
			return true;
		}
	}
	return false;
}

const char *mm_kver_name(unsigned int kver)
{
	for (size_t i = 0; i < sizeof(kvers) / sizeof(kvers[0]); i++)
		if (kvers[i].kver == kver)
			return kvers[i].name;
	return "?";
}

static const char *const kver_rule_names[NR_KVER_RULES] = {
	[KVER_ISOLATION]	= "pageblock isolation's split of a larger free buddy",
};

const char *mm_kver_rule_name(enum kver_rule rule)
{
	return rule < NR_KVER_RULES ? kver_rule_names[rule] : "?";
}

const char *mm_kver_take_warning(struct machine *m, char *buf, size_t len)
{
	unsigned int pending = m->kver_reached & ~m->kver_reported;

	if (!pending)
		return NULL;
	for (int r = 0; r < NR_KVER_RULES; r++) {
		if (!(pending & (1u << r)))
			continue;
		m->kver_reported |= 1u << r;
		snprintf(buf, len, "mmsim: version=%s: %s is modelled as 6.1 does it",
			 mm_kver_name(m->opts.kver), kver_rule_names[r]);
		return buf;
	}
	return NULL;
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
