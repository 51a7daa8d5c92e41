// SPDX-License-Identifier: GPL-2.0-only
/*
 * progress.c - progress lines on stderr (progress.h).
 */
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double host_now(void *priv)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool host_is_terminal(void *priv, FILE *f)
{
	return isatty(fileno(f));
}

const struct progress_ops progress_host_ops = {
	.now = host_now,
	.is_terminal = host_is_terminal,
};

void progress_init(struct progress *p, enum progress_mode mode, FILE *out, unsigned long total,
		   const struct progress_ops *ops)
{
	p->ops = ops ? ops : &progress_host_ops;
	p->out = NULL;
	if (out && (mode == PROGRESS_ON ||
		    (mode == PROGRESS_AUTO && p->ops->is_terminal(p->ops->priv, out))))
		p->out = out;
	p->done = 0;
	p->total = total;
	p->start = p->last = p->out ? progress_now(p) : 0;
}

void progress_set_total(struct progress *p, unsigned long total)
{
	p->total = total;
}

double progress_now(const struct progress *p)
{
	return p->out ? p->ops->now(p->ops->priv) : 0;
}

static void step(struct progress *p, double since, const char *fmt, va_list ap)
{
	int width = snprintf(NULL, 0, "%lu", p->total);
	double now = progress_now(p);

	p->done++;
	fprintf(p->out, "[%*lu/%lu] ", width, p->done, p->total);
	vfprintf(p->out, fmt, ap);
	fprintf(p->out, ", %.1f s (%.0f s)\n", now - since, now - p->start);
	fflush(p->out);
	p->last = now;
}

void progress_step_since(struct progress *p, double since, const char *fmt, ...)
{
	va_list ap;

	if (!progress_on(p))
		return;
	va_start(ap, fmt);
	step(p, since, fmt, ap);
	va_end(ap);
}

void progress_end(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!progress_on(p))
		return;
	if (p->total)
		p->done = p->total - 1;
	va_start(ap, fmt);
	step(p, p->last, fmt, ap);
	va_end(ap);
}

void progress_step(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!progress_on(p))
		return;
	va_start(ap, fmt);
	step(p, p->last, fmt, ap);
	va_end(ap);
}
