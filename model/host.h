/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * host.h - the host memory the simulator itself uses.
 *
 * Every allocation the model and the simulator make for their own data
 * (frame storage slabs, tables, scenario structures, captured output)
 * goes through these calls, never through malloc directly, so that:
 *
 *   - running out of host memory is an outcome of the run, not a crash:
 *     the run ends with "mmsim: out of host memory while WHAT" on stderr,
 *     stdout flushed first, and exit status HOST_EXIT_OOM (3);
 *   - a size computed from user input (a count, an address, a size) is
 *     checked for overflow where it becomes bytes (n * size);
 *   - a budget (--host-mem-limit) caps what the process may hold, so a
 *     scenario that would need more is refused at the allocation that
 *     crosses it, instead of driving the host into swap or its OOM killer;
 *   - tests can fail the Nth allocation (host_mem_fail_at, or the
 *     MMSIM_FAIL_ALLOC environment variable read by the mmsim program)
 *     and check that every failure point ends cleanly.
 *
 * This is the one piece of process-wide state: host memory is a property
 * of the process, shared by every machine in it (compare runs several),
 * not of one simulated machine.  The simulator is single-threaded (the
 * explorer's CPUs are coroutines), so plain counters suffice.
 *
 * The "what" strings complete the sentence "out of host memory while ...":
 * "growing a hugetlb batch", "reading the scenario".
 */
#ifndef MMSIM_HOST_H
#define MMSIM_HOST_H

#include <stddef.h>

/* Exit status of a run that ran out of host memory or hit the limit */
#define HOST_EXIT_OOM	3

struct host_mem {
	size_t bytes;		/* held now (malloc_usable_size of each block) */
	size_t peak;		/* most ever held */
	size_t limit;		/* 0: none */
	unsigned long calls;	/* allocations so far (malloc, calloc, realloc) */
	unsigned long fail_at;	/* fail the allocation with this number (1-based); 0: never */
	/*
	 * Called when an allocation fails; must not return.  The default
	 * flushes stdout, prints the message and exits HOST_EXIT_OOM.  Unit
	 * tests replace it (and longjmp out) to check that a path reports
	 * instead of crashing.
	 */
	void (*oom)(const char *what, size_t size, const char *why);
};

/* The process's accounting (read it for figures; set limit, fail_at, oom) */
extern struct host_mem host_mem;

void *host_malloc(size_t size, const char *what);
/* n * size bytes, zeroed; n * size overflowing is an allocation failure */
void *host_calloc(size_t n, size_t size, const char *what);
/* Resize @p to n * size bytes (n * size checked) */
void *host_reallocarray(void *p, size_t n, size_t size, const char *what);
char *host_strdup(const char *s, const char *what);
char *host_strndup(const char *s, size_t n, const char *what);
void host_free(void *p);
/*
 * size bytes straight from the kernel, zeroed, at an address aligned to
 * align (a power of two and a multiple of the page size), counted as size
 * bytes; the host is asked to back them with huge pages.  For large
 * long-lived blocks; host_unmap gives one back.
 */
void *host_map_aligned(size_t size, size_t align, const char *what);
void host_unmap(void *p, size_t size);

/* The default oom handler (what host_mem.oom starts as) */
void host_oom_exit(const char *what, size_t size, const char *why) __attribute__((noreturn));

/* The limit the mmsim program uses when none is given: half of the host's RAM */
size_t host_mem_default_limit(void);

#endif /* MMSIM_HOST_H */
