// SPDX-License-Identifier: GPL-2.0-only
/*
 * vout.c - the output object of the kernel views and counter emitters
 * (see vout.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "vout.h"

void vo_text(struct vout *vo, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	if (!vo->sb)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_puts(vo->sb, small);
		return;
	}
	char *big = host_malloc((size_t)n + 1, "formatting a kernel view");

	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_puts(vo->sb, big);
	host_free(big);
}

void vo_put(struct vout *vo, const char *key, long v)
{
	if (vo->want && !vo->found && strcmp(vo->want, key) == 0) {
		vo->found = true;
		vo->val = v;
	}
	if (vo->dump)
		sb_printf(vo->dump, "%s %ld\n", key, v);
}

void vo_rec(struct vout *vo, long v, const char *kfmt, ...)
{
	char key[192];
	va_list ap;

	if (!vo_keys(vo))
		return;
	va_start(ap, kfmt);
	vsnprintf(key, sizeof(key), kfmt, ap);
	va_end(ap);
	vo_put(vo, key, v);
}
