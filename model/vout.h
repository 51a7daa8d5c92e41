/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vout.h - the output object every kernel view and counter emitter writes
 * to (no kernel counterpart: the kernel prints into a seq_file and keeps
 * no names for the numbers).
 *
 * A view is written once, against a struct vout that carries any mix of:
 *   sb     the file's text (vo_text appends to it);
 *   want   one counter being looked up (counter_read);
 *   dump   "name value" lines for every counter (counter_dump).
 * Each number is printed with vo_text and recorded with vo_rec from the
 * same variable in the same place, so a counter cannot drift from what
 * the file shows.  A counter-only emitter (hvo.*, node.*) just calls
 * vo_rec.  Counter names follow the scheme in module.h.
 */
#ifndef MMSIM_VOUT_H
#define MMSIM_VOUT_H

#include <stdbool.h>

#include "sbuf.h"

struct vout {
	struct sbuf *sb;	/* the file's text, or NULL */
	const char *want;	/* the counter looked up, or NULL */
	bool found;
	long val;
	struct sbuf *dump;	/* "name value" lines, or NULL */
};

/* Does anyone read counter names (worth formatting them)? */
static inline bool vo_keys(const struct vout *vo)
{
	return vo->want || vo->dump;
}

/* Text of the file; nothing when vo has no text buffer */
void vo_text(struct vout *vo, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record value v under the counter name key */
void vo_put(struct vout *vo, const char *key, long v);
/* Record value v under the counter name built from kfmt */
void vo_rec(struct vout *vo, long v, const char *kfmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* MMSIM_VOUT_H */
