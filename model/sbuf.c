// SPDX-License-Identifier: GPL-2.0-only
/*
 * sbuf.c - a growable text buffer (see sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "sbuf.h"

void sb_init(struct sbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_free(struct sbuf *sb)
{
	host_free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static void sb_reserve(struct sbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;

	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	char *n = host_reallocarray(sb->buf, cap, 1, "buffering output");
	sb->buf = n;
	sb->cap = cap;
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	sb_reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_puts(struct sbuf *sb, const char *s)
{
	size_t n = strlen(s);

	sb_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n + 1);
	sb->len += n;
}

char *sb_steal(struct sbuf *sb)
{
	char *s = sb->buf;

	if (!s)
		s = host_calloc(1, 1, "buffering output");
	sb_init(sb);
	return s;
}

void sb_json_str(struct sbuf *sb, const char *s)
{
	sb_puts(sb, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(sb, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sb_printf(sb, "\\u%04x", *s);
		else
			sb_printf(sb, "%c", *s);
	}
	sb_puts(sb, "\"");
}
