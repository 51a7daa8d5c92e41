/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coro.h - stackful coroutines for the interleaving explorer.
 *
 * Each simulated CPU of a race test runs as a coroutine on its own small
 * stack; the explorer, on the host's main stack, resumes one at a time.
 * A switch saves the callee-saved registers and the stack pointer and loads
 * the other context's: about ten nanoseconds, no system call (swapcontext()
 * saves the signal mask with a sigprocmask() call per switch, which alone
 * would cap the explorer far below its budget).  On x86_64 the switch is a
 * dozen instructions of assembly; other hosts (or -DCORO_UCONTEXT, to test
 * it) fall back to ucontext.
 *
 * A coroutine can be abandoned while suspended (the schedule ended on a
 * failure): coro_start() simply re-arms its stack.  Under AddressSanitizer
 * (MMSIM_SANITIZE) every switch is announced with
 * __sanitizer_start_switch_fiber()/__sanitizer_finish_switch_fiber(), and an
 * abandoned stack is unpoisoned before reuse, since the frames left on it
 * never ran their epilogues.
 */
#ifndef MMSIM_CORO_H
#define MMSIM_CORO_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__x86_64__) && !defined(CORO_UCONTEXT)
#define CORO_ASM 1
#else
#include <ucontext.h>
#endif

struct coro {
#ifdef CORO_ASM
	void *sp;			/* saved stack pointer while suspended */
#else
	ucontext_t uc;
#endif
	void *map;			/* mmap'd region, guard page first */
	size_t map_size;
	void *stack_lo;			/* usable stack [stack_lo, stack_lo + stack_size) */
	size_t stack_size;
	void (*fn)(void *arg);
	void *arg;
	struct coro *ret;		/* resumed when fn returns */
	bool started;			/* armed and entered at least once since coro_start */
	bool finished;			/* fn returned (the stack holds no live frames) */
#ifdef MMSIM_SANITIZE
	void *fake_stack;
	const void *asan_lo;		/* stack bounds announced when switching here */
	size_t asan_size;
#endif
};

/* The host thread's own context (no stack of its own to allocate) */
void coro_init_main(struct coro *main);

/* Allocate a coroutine stack of stack_size bytes (plus a guard page) */
int coro_create(struct coro *c, size_t stack_size);
void coro_destroy(struct coro *c);

/* Arm c so that the next switch into it calls fn(arg) from the top of its
 * stack; when fn returns, c switches to ret for good. */
void coro_start(struct coro *c, struct coro *ret, void (*fn)(void *arg), void *arg);

/* Suspend from (the running context) and resume to */
void coro_switch(struct coro *from, struct coro *to);

/* Leave from for good (it will only run again after coro_start) */
void coro_exit(struct coro *from, struct coro *to) __attribute__((noreturn));

/* Default stack sizes: sanitizer frames are several times larger */
#ifdef MMSIM_SANITIZE
#define CORO_STACK_DEFAULT	(256UL << 10)
#else
#define CORO_STACK_DEFAULT	(64UL << 10)
#endif

#endif /* MMSIM_CORO_H */
