/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sbuf.h - a growable text buffer.  Every kernel view and report is
 * written into one, so the same text can go to stdout, into a snapshot, or
 * into a compare table.
 */
#ifndef MMSIM_SBUF_H
#define MMSIM_SBUF_H

#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len, cap;
};

void sb_init(struct sbuf *sb);
void sb_free(struct sbuf *sb);
void sb_reset(struct sbuf *sb);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *sb, const char *s);
/* Detach the string (caller frees); the buffer is left empty */
char *sb_steal(struct sbuf *sb);
/* @s as a JSON string, quotes included (NULL as ""): \" \\ and \u00XX for controls */
void sb_json_str(struct sbuf *sb, const char *s);

#endif /* MMSIM_SBUF_H */
