/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * task.h - simulated processes (kernel/fork.c, kernel/exit.c): a task is
 * a pid, a name the scenario gave it, and an mm.  Threads are not
 * modelled: every task is a thread-group leader with its own mm.
 *
 * struct proc_ctx holds what the process layer keeps machine-wide: the
 * task table, the zero page, the content tags of data pages and the id
 * counters that name anon_vmas and inodes in page->mapping.
 */
#ifndef MMSIM_TASK_H
#define MMSIM_TASK_H

#include "mm_types.h"
#include "xmap.h"
#include "huge_memory.h"

#define TASK_COMM_LEN	16
#define TASK_MAX_FDS	64
#define PID_FIRST	100	/* pids are handed out from here, in order */

struct file;
struct shmem_sb;
struct hugetlbfs_sb_info;
struct uprobes_ctx;
struct trace_uprobe_ctx;
struct khugepaged;
struct rcu_state;

struct task {
	long pid;
	char comm[TASK_COMM_LEN];	/* the scenario's name, cut as the kernel cuts; a
					 * forked child keeps its parent's (no exec) */
	char *name;			/* the scenario's name, whole */
	struct mm_struct *mm;		/* NULL once it exited */
	long ppid;
	bool exited;
	int exit_code;
	struct file *fd[TASK_MAX_FDS];
};

struct proc_ctx {
	struct task **tasks;		/* by creation order; exited ones stay */
	unsigned int nr_tasks, cap_tasks;
	long next_pid;
	unsigned long zero_pfn;		/* empty_zero_page, in the kernel image */
	struct pfnmap content;		/* pfn -> tag, for pages not all zero */
	uint64_t next_tag;
	uint32_t next_anon_vma_id;
	struct xmap anon_vmas;		/* id -> struct anon_vma *, for page->mapping */
	uint32_t next_inode_id;
	struct xmap inodes_by_id;	/* id -> struct inode *, for page->mapping */
	long nr_mms;			/* live user mms */
	struct shmem_sb **mounts;	/* tmpfs mounts, in mount order */
	unsigned int nr_mounts;
	struct inode **inodes;		/* every live inode, by creation */
	unsigned int nr_inodes, cap_inodes;
	unsigned long next_ino;		/* shm_mnt's inode counter (filemap.c) */
	unsigned long shm_ino_batch[MAX_CPUS];	/* its per-CPU batches */
	struct hugetlbfs_sb_info **hugetlbfs_mounts;	/* the scenario's, in mount order */
	unsigned int nr_hugetlbfs_mounts;
	struct hugetlbfs_sb_info *hugetlbfs_vfsmount[2];	/* internal, per hstate */
	unsigned long last_ino_shared;		/* get_next_ino's counter */
	unsigned long last_ino[MAX_CPUS];	/* and its per-CPU batches */
	struct thp_settings thp;
	uint64_t next_file_id;		/* names open files (struct file) for VMA merging */
	struct uprobes_ctx *uprobes;	/* uprobes.c, created on first use */
	struct trace_uprobe_ctx *trace_uprobes;	/* trace_uprobe.c, the tracefs events */
	struct khugepaged *khugepaged;	/* khugepaged.c's state, made on first use */
	struct rcu_state *rcu;		/* rcu.c's, made on first use */
};

struct proc_ctx *proc_ctx_create(struct machine *m);
static inline struct proc_ctx *proc_ctx(struct machine *m)	/* created on first use */
{
	return likely(m->procs) ? m->procs : proc_ctx_create(m);
}
void proc_ctx_destroy(struct machine *m);

/* The task with this pid or name, or NULL (exited tasks are found too) */
struct task *find_task_by_pid(struct machine *m, long pid);
struct task *find_task_by_name(struct machine *m, const char *name, size_t len);

/* A new process with an empty mm (what exec leaves before it maps anything) */
struct task *task_create(struct machine *m, const char *name, int *err);
/* fork(): the child gets a copy of the parent's address space */
struct task *do_fork(struct machine *m, struct task *parent, const char *name, int *err);
/* exit(): tear the address space down */
void do_exit(struct machine *m, struct task *t, int code);

#endif /* MMSIM_TASK_H */
