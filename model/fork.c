// SPDX-License-Identifier: GPL-2.0-only
/*
 * fork.c - simulated processes: creation, fork and exit (kernel/fork.c,
 * kernel/exit.c), and the process layer's machine-wide state.
 *
 * Pids are handed out in order from PID_FIRST, never reused, so a
 * scenario's output does not depend on anything but its own steps.  A
 * task that exited keeps its pid and name (a zombie nobody reaps) so
 * that using it afterwards is a clear error rather than a new process.
 */
#include <errno.h>
#include <string.h>

#include "task.h"
#include "filemap.h"
#include "host.h"
#include "hugetlb.h"
#include "khugepaged.h"
#include "machine.h"
#include "memory.h"
#include "mmap.h"
#include "rcu.h"
#include "trace_uprobe.h"
#include "uprobes.h"

struct proc_ctx *proc_ctx_create(struct machine *m)
{
	struct proc_ctx *pc = m->procs;

	if (pc)
		return pc;
	pc = host_calloc(1, sizeof(*pc), "the process table");
	pc->next_pid = PID_FIRST;
	/* empty_zero_page is in the kernel image's bss: its last page here */
	if (m->opts.kernel_image_bytes)
		pc->zero_pfn = (16UL << 20 >> PAGE_SHIFT) +
			       ((m->opts.kernel_image_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1;
	else
		pc->zero_pfn = 1;	/* reserved low memory */
	pfnmap_init(&pc->content);
	xmap_init(&pc->anon_vmas);
	xmap_init(&pc->inodes_by_id);
	m->procs = pc;
	return pc;
}

static void task_free_host(struct task *t)
{
	host_free(t->name);
	host_free(t);
}

/*
 * Free the host memory of every task, mm, VMA, anon_vma and inode.  The
 * simulated pages they hold are not given back: the machine is going
 * away with them, and tearing down a large address space page by page
 * would cost a run as much as building it did.
 */
void proc_ctx_destroy(struct machine *m)
{
	struct proc_ctx *pc = m->procs;
	uint64_t key, val;

	if (!pc)
		return;
	for (unsigned int i = 0; i < pc->nr_tasks; i++) {
		struct task *t = pc->tasks[i];

		for (int fd = 0; fd < TASK_MAX_FDS; fd++)
			host_free(t->fd[fd]);
		if (t->mm) {
			for (unsigned int k = 0; k < t->mm->nr_vmas; k++) {
				hugetlb_vma_destroy_host(m, t->mm->vmas[k]);
				host_free(t->mm->vmas[k]->avc);
				host_free(t->mm->vmas[k]);
			}
			for (size_t k = 0; xmap_next(&t->mm->ptlocks, &k, &key, &val);)
				host_free((void *)(uintptr_t)val);
			xmap_destroy(&t->mm->ptlocks);
			xmap_destroy(&t->mm->deposited);
			host_free(t->mm->vmas);
			host_free(t->mm);
		}
		task_free_host(t);
	}
	host_free(pc->tasks);
	trace_uprobes_destroy(m);
	uprobes_destroy(m);
	for (size_t k = 0; xmap_next(&pc->anon_vmas, &k, &key, &val);) {
		struct anon_vma *av = (struct anon_vma *)(uintptr_t)val;

		host_free(av->vmas);
		host_free(av);
	}
	for (unsigned int i = 0; i < pc->nr_inodes; i++) {
		struct inode *inode = pc->inodes[i];

		xmap_destroy(&inode->i_pages);
		if (inode->resv_map)
			resv_map_free_host(inode->resv_map);
		host_free(inode->i_mmap);
		host_free(inode->path);
		host_free(inode);
	}
	host_free(pc->inodes);
	khugepaged_destroy(m);
	rcu_state_destroy(m);
	filemap_destroy(m);
	hugetlbfs_destroy(m);
	pfnmap_destroy(&pc->content);
	xmap_destroy(&pc->anon_vmas);
	xmap_destroy(&pc->inodes_by_id);
	host_free(pc);
	m->procs = NULL;
}

struct task *find_task_by_pid(struct machine *m, long pid)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_tasks; i++)
		if (pc->tasks[i]->pid == pid)
			return pc->tasks[i];
	return NULL;
}

struct task *find_task_by_name(struct machine *m, const char *name, size_t len)
{
	struct proc_ctx *pc = proc_ctx(m);

	for (unsigned int i = 0; i < pc->nr_tasks; i++)
		if (strlen(pc->tasks[i]->name) == len && !memcmp(pc->tasks[i]->name, name, len))
			return pc->tasks[i];
	return NULL;
}

static struct task *task_alloc(struct machine *m, const char *name)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct task *t = host_calloc(1, sizeof(*t), "a task");

	t->pid = pc->next_pid++;
	t->name = host_strdup(name, "a task name");
	strncpy(t->comm, name, TASK_COMM_LEN - 1);	/* __set_task_comm cuts at 15 */
	if (pc->nr_tasks == pc->cap_tasks) {
		pc->cap_tasks = pc->cap_tasks ? pc->cap_tasks * 2 : 8;
		pc->tasks = host_reallocarray(pc->tasks, pc->cap_tasks, sizeof(*pc->tasks),
					      "the process table");
	}
	pc->tasks[pc->nr_tasks++] = t;
	return t;
}

static struct mm_struct *mm_alloc(struct machine *m, struct task *owner, int *err)
{
	struct mm_struct *mm = host_calloc(1, sizeof(*mm), "an mm_struct");

	*err = user_mm_init(m, mm);
	if (*err) {
		host_free(mm);
		return NULL;
	}
	mm->mmap_base = mmap_base_norandom();
	mm->task_size = TASK_SIZE;
	mm->owner = owner;
	proc_ctx(m)->nr_mms++;
	return mm;
}

static void mm_free(struct machine *m, struct mm_struct *mm)
{
	user_mm_destroy(m, mm);
	proc_ctx(m)->nr_mms--;
	host_free(mm);
}

struct task *task_create(struct machine *m, const char *name, int *err)
{
	struct task *t = task_alloc(m, name);

	t->mm = mm_alloc(m, t, err);
	if (!t->mm) {
		t->exited = true;	/* it never ran */
		return NULL;
	}
	t->ppid = 1;
	return t;
}

struct task *do_fork(struct machine *m, struct task *parent, const char *name, int *err)
{
	struct task *t = task_alloc(m, name);

	/* dup_task_struct: the child runs the parent's program, under its comm */
	memcpy(t->comm, parent->comm, sizeof(t->comm));
	t->ppid = parent->pid;
	t->mm = mm_alloc(m, t, err);
	if (!t->mm) {
		t->exited = true;
		return NULL;
	}
	*err = dup_mmap(m, t->mm, parent->mm);
	if (*err) {
		/* the kernel's dup_mmap failure path: undo what was copied */
		uprobe_clear_state(m, t->mm);
		exit_mmap(m, t->mm);
		mm_free(m, t->mm);
		t->mm = NULL;
		t->exited = true;
		return NULL;
	}
	khugepaged_fork(m, t->mm, parent->mm);
	t->mm->hiwater_rss = get_mm_rss(t->mm);
	t->mm->hiwater_vm = t->mm->total_vm;
	/* open files are shared: the child gets its own references */
	for (int fd = 0; fd < TASK_MAX_FDS; fd++) {
		if (parent->fd[fd]) {
			t->fd[fd] = host_malloc(sizeof(*t->fd[fd]), "an open file");
			*t->fd[fd] = *parent->fd[fd];
			t->fd[fd]->inode->refcount++;
		}
	}
	return t;
}

void do_exit(struct machine *m, struct task *t, int code)
{
	for (int fd = 0; fd < TASK_MAX_FDS; fd++)
		if (t->fd[fd])
			ksys_close(m, t, fd);
	if (t->mm) {
		uprobe_clear_state(m, t->mm);	/* __mmput */
		khugepaged_exit(m, t->mm);	/* __mmput: before exit_mmap */
		exit_mmap(m, t->mm);
		mm_free(m, t->mm);
		t->mm = NULL;
	}
	t->exited = true;
	t->exit_code = code;
}
