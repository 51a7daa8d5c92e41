// SPDX-License-Identifier: GPL-2.0-only
/*
 * host.c - the host memory the simulator itself uses; see host.h.
 *
 * Accounting uses malloc_usable_size, which glibc, jemalloc and the
 * sanitizers' allocators all provide, so no header is added to a block
 * and host_free needs no size.  Only allocations made here are counted:
 * libc's own (stdio buffers) are not, which is a few KiB.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"

struct host_mem host_mem = { .oom = host_oom_exit };

void host_oom_exit(const char *what, size_t size, const char *why)
{
	fflush(stdout);
	fprintf(stderr, "mmsim: out of host memory while %s (%zu bytes: %s)\n", what, size, why);
	fflush(stderr);
	_exit(HOST_EXIT_OOM);
}

static void __attribute__((noreturn)) host_fail(const char *what, size_t size, const char *why)
{
	host_mem.oom(what, size, why);
	/* an oom handler must not return; if a broken one does, stop here */
	host_oom_exit(what, size, why);
}

/* Count one allocation; may decide it fails (injection or the limit) */
static void host_account_try(const char *what, size_t size, size_t old)
{
	host_mem.calls++;
	if (host_mem.fail_at && host_mem.calls == host_mem.fail_at)
		host_fail(what, size, "injected failure");
	if (host_mem.limit && size > old && host_mem.bytes - old + size > host_mem.limit) {
		char why[96];

		snprintf(why, sizeof(why), "over the host memory limit of %zu MiB (--host-mem-limit)",
			 host_mem.limit >> 20);
		host_fail(what, size, why);
	}
}

static void *host_account(void *p, size_t old)
{
	host_mem.bytes -= old;
	host_mem.bytes += malloc_usable_size(p);
	if (host_mem.bytes > host_mem.peak)
		host_mem.peak = host_mem.bytes;
	return p;
}

void *host_malloc(size_t size, const char *what)
{
	void *p;

	host_account_try(what, size, 0);
	p = malloc(size ? size : 1);
	if (!p)
		host_fail(what, size, "malloc failed");
	return host_account(p, 0);
}

void *host_calloc(size_t n, size_t size, const char *what)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(n, size, &bytes))
		host_fail(what, SIZE_MAX, "the size overflows");
	host_account_try(what, bytes, 0);
	p = calloc(bytes ? bytes : 1, 1);
	if (!p)
		host_fail(what, bytes, "calloc failed");
	return host_account(p, 0);
}

void *host_reallocarray(void *p, size_t n, size_t size, const char *what)
{
	size_t bytes, old = p ? malloc_usable_size(p) : 0;
	void *q;

	if (__builtin_mul_overflow(n, size, &bytes))
		host_fail(what, SIZE_MAX, "the size overflows");
	host_account_try(what, bytes, old);
	q = realloc(p, bytes ? bytes : 1);
	if (!q)
		host_fail(what, bytes, "realloc failed");
	return host_account(q, old);
}

char *host_strndup(const char *s, size_t n, const char *what)
{
	size_t len = strnlen(s, n);
	char *d = host_malloc(len + 1, what);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *host_strdup(const char *s, const char *what)
{
	size_t len = strlen(s);
	char *d = host_malloc(len + 1, what);

	memcpy(d, s, len + 1);
	return d;
}

void host_free(void *p)
{
	if (!p)
		return;
	host_mem.bytes -= malloc_usable_size(p);
	free(p);
}

void *host_map_aligned(size_t size, size_t align, const char *what)
{
	size_t len = size + align, lead;
	uint8_t *p;

	host_account_try(what, size, 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		host_fail(what, size, "mmap failed");
	/* keep the aligned size bytes, give the rest back */
	lead = (align - ((uintptr_t)p & (align - 1))) & (align - 1);
	if (lead)
		munmap(p, lead);
	munmap(p + lead + size, len - lead - size);
	p += lead;
	madvise(p, size, MADV_HUGEPAGE);	/* a hint: without it, small pages */
	host_mem.bytes += size;
	if (host_mem.bytes > host_mem.peak)
		host_mem.peak = host_mem.bytes;
	return p;
}

void host_unmap(void *p, size_t size)
{
	if (!p)
		return;
	munmap(p, size);
	host_mem.bytes -= size;
}

size_t host_mem_default_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psz <= 0)
		return 0;
	return (size_t)pages / 2 * (size_t)psz;
}
