// SPDX-License-Identifier: GPL-2.0-only
/*
 * coro.c - stackful coroutines for the interleaving explorer (see coro.h).
 *
 * x86_64 switch (System V ABI): push the six callee-saved registers and the
 * SSE/x87 control words on the current stack, store the stack pointer, load
 * the other one and pop in reverse order; `ret` then continues wherever the
 * other context stopped.  A fresh coroutine's stack is built to look like a
 * suspended one whose return address is mmsim_coro_boot, which passes the
 * coroutine (parked in the rbx slot) to mmsim_coro_entry().
 *
 * Measured on the build host (AMD EPYC VM, -O2, mmsim-bench-explore): 11 ns
 * per switch (8 ns of it without the control words, kept for the ABI's
 * sake), against 224 ns for glibc's swapcontext() with its sigprocmask().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coro.h"

#ifdef MMSIM_SANITIZE
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* called from the assembly below, hence external (but hidden) */
void mmsim_coro_entry(struct coro *c) __attribute__((visibility("hidden"), noreturn));

#ifdef CORO_ASM

void mmsim_coro_swap(void **save_sp, void *new_sp);

__asm__(
	"	.text\n"
	"	.p2align 4\n"
	"	.globl mmsim_coro_swap\n"
	"	.hidden mmsim_coro_swap\n"
	"	.type mmsim_coro_swap, @function\n"
	"mmsim_coro_swap:\n"
	"	.cfi_startproc\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	"	.cfi_endproc\n"
	"	.size mmsim_coro_swap, .-mmsim_coro_swap\n"
	"	.p2align 4\n"
	"	.type mmsim_coro_boot, @function\n"
	"mmsim_coro_boot:\n"
	"	.cfi_startproc\n"
	"	.cfi_undefined rip\n"
	"	movq %rbx, %rdi\n"
	"	call mmsim_coro_entry\n"
	"	ud2\n"
	"	.cfi_endproc\n"
	"	.size mmsim_coro_boot, .-mmsim_coro_boot\n");

void mmsim_coro_boot(void);

static void arch_prepare(struct coro *c)
{
	uint64_t *sp = (uint64_t *)(((uintptr_t)c->stack_lo + c->stack_size) & ~(uintptr_t)15);

	*--sp = (uint64_t)(uintptr_t)mmsim_coro_boot;	/* return address */
	*--sp = 0;					/* rbp: ends frame walks */
	*--sp = (uint64_t)(uintptr_t)c;			/* rbx */
	*--sp = 0;					/* r12 */
	*--sp = 0;					/* r13 */
	*--sp = 0;					/* r14 */
	*--sp = 0;					/* r15 */
	*--sp = 0x037fULL << 32 | 0x1f80;		/* x87 cw, mxcsr defaults */
	c->sp = sp;
}

static inline void arch_switch(struct coro *from, struct coro *to)
{
	mmsim_coro_swap(&from->sp, to->sp);
}

#else /* portable fallback: slow, but correct */

static void coro_boot_uc(unsigned int lo, unsigned int hi)
{
	mmsim_coro_entry((struct coro *)(uintptr_t)((uint64_t)hi << 32 | lo));
}

static void arch_prepare(struct coro *c)
{
	uint64_t p = (uint64_t)(uintptr_t)c;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = c->stack_lo;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))coro_boot_uc, 2,
		    (unsigned int)p, (unsigned int)(p >> 32));
}

static inline void arch_switch(struct coro *from, struct coro *to)
{
	swapcontext(&from->uc, &to->uc);
}

#endif

void coro_init_main(struct coro *main)
{
	memset(main, 0, sizeof(*main));
	main->started = true;
}

int coro_create(struct coro *c, size_t stack_size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	memset(c, 0, sizeof(*c));
	stack_size = (stack_size + pg - 1) & ~(pg - 1);
	c->map_size = stack_size + pg;
	c->map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return -1;
	}
	/* overflowing the stack faults on the guard page instead of
	 * silently writing over a neighbour */
	mprotect(c->map, pg, PROT_NONE);
	c->stack_lo = (char *)c->map + pg;
	c->stack_size = stack_size;
#ifdef MMSIM_SANITIZE
	c->asan_lo = c->stack_lo;
	c->asan_size = c->stack_size;
	/* the mapping may reuse a dead coroutine's range, shadow and all */
	__asan_unpoison_memory_region(c->stack_lo, c->stack_size);
#endif
	return 0;
}

void coro_destroy(struct coro *c)
{
#ifdef MMSIM_SANITIZE
	if (c->map)
		__asan_unpoison_memory_region(c->stack_lo, c->stack_size);
#endif
	if (c->map)
		munmap(c->map, c->map_size);
	c->map = NULL;
}

void coro_start(struct coro *c, struct coro *ret, void (*fn)(void *arg), void *arg)
{
#ifdef MMSIM_SANITIZE
	/* frames abandoned on this stack left their redzones poisoned */
	if (c->started && !c->finished)
		__asan_unpoison_memory_region(c->stack_lo, c->stack_size);
	c->fake_stack = NULL;
#endif
	c->fn = fn;
	c->arg = arg;
	c->ret = ret;
	c->started = false;
	c->finished = false;
	arch_prepare(c);
}

void coro_switch(struct coro *from, struct coro *to)
{
	to->started = true;
#ifdef MMSIM_SANITIZE
	__sanitizer_start_switch_fiber(&from->fake_stack, to->asan_lo, to->asan_size);
#endif
	arch_switch(from, to);
#ifdef MMSIM_SANITIZE
	__sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
#endif
}

void coro_exit(struct coro *from, struct coro *to)
{
	to->started = true;
#ifdef MMSIM_SANITIZE
	/* NULL: this stack's fake frames die with it */
	__sanitizer_start_switch_fiber(NULL, to->asan_lo, to->asan_size);
#endif
	arch_switch(from, to);
	abort();	/* nobody resumes an exited coroutine */
}

void mmsim_coro_entry(struct coro *c)
{
#ifdef MMSIM_SANITIZE
	/* learn the bounds of the stack we came from, to switch back to it */
	__sanitizer_finish_switch_fiber(NULL, &c->ret->asan_lo, &c->ret->asan_size);
#endif
	c->fn(c->arg);
	c->finished = true;
	coro_exit(c, c->ret);
}
