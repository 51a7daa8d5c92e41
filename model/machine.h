/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine.h - the simulated machine: the description a scenario builds
 * (struct machine_opts), struct machine that everything hangs off, the
 * interleaving explorer's hooks, simulated kernel failures, fault
 * injection, the machine's services (mm_fail and randomness in machine.c,
 * event counts, walks over nodes and zones) and its life
 * (machine_create/destroy in boot.c).
 *
 * Everything the model knows hangs off one struct machine; there is no
 * global state, so several machines coexist in a process (compare runs one
 * per policy) and a small one is built and torn down in microseconds.
 */
#ifndef MMSIM_MACHINE_H
#define MMSIM_MACHINE_H

#include "mm.h"
#include "boot_alloc.h"
#include "memblock.h"
#include "mmzone.h"
#include "policy.h"
#include "vm_event_item.h"

/* -------------------------------------------------------------------------
 * The machine description a scenario builds before boot.
 */
struct node_desc {
	unsigned long mem_bytes;	/* present memory on this node */
	unsigned long movable_bytes;	/* top part of the node in ZONE_MOVABLE */
};

struct hole_desc {
	unsigned long start, end;	/* physical byte range [start, end) */
	/*
	 * false: a hole in the address space that memory moves past (the
	 * PCI hole); true: memory the firmware keeps (e820 reserved inside
	 * RAM): the node loses those bytes.
	 */
	bool carve;
};

struct reserve_desc {
	unsigned long start, size;	/* physical bytes */
	int nid;			/* -1: a fixed range; else size on nid */
};

/* hugepagesz=/hugepages= pairs from the kernel command line */
struct hugetlb_boot {
	unsigned long hugepagesz;	/* bytes */
	long count;			/* hugepages=N; -1: only per-node counts */
	long node_count[MAX_NUMNODES];	/* hugepages=0:N,1:M; -1: unset */
};
#define MAX_HUGETLB_BOOT	4

#define MAX_HOLES	16
#define MAX_RESERVES	32

struct machine_opts {
	int nr_nodes;
	struct node_desc node[MAX_NUMNODES];
	int nr_holes;
	struct hole_desc hole[MAX_HOLES];
	bool bios_top_reserved;		/* SeaBIOS keeps the top 128 KiB of RAM below 2 GiB */
	int nr_reserves;
	struct reserve_desc reserve[MAX_RESERVES];
	int nr_cpus;			/* spread round-robin over nodes */
	unsigned int struct_page_size;	/* 56, 64, 72 ... */
	unsigned long kernel_image_bytes;
	unsigned long min_free_kbytes;	/* 0: computed */
	unsigned int watermark_scale_factor;
	unsigned int percpu_pagelist_high_fraction;
	bool page_alloc_shuffle;	/* page_alloc.shuffle=1 */
	bool no_deferred_struct_page_init;	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT=n */
	bool no_kernel_alloc;		/* kernel_alloc=n: no boot_kernel_alloc */
	bool thp;			/* khugepaged's min_free_kbytes bump */
	int thp_enabled;		/* transparent_hugepage= (enum thp_enabled) */
	uint64_t seed;
	int distance[MAX_NUMNODES][MAX_NUMNODES];	/* 0: default 10/20 */
	/* hugetlb boot parameters (hugetlb.c parses them) */
	int nr_hugetlb_boot;
	struct hugetlb_boot hugetlb_boot[MAX_HUGETLB_BOOT];
	unsigned long default_hugepagesz;	/* 0: 2 MiB */
	bool hugetlb_free_vmemmap;		/* hugetlb_free_vmemmap=on */
	bool memmap_on_memory;			/* memory_hotplug.memmap_on_memory=1 */
	unsigned int kver;			/* MM_KVER(6, 1) or MM_KVER(6, 12) */
	/*
	 * One entry per policy family (policy.h); a family not picked runs
	 * its default.  machine_create() resolves it once into the
	 * machine's m->opts.policies, read through machine_policy().
	 */
	struct policy_set policies;
};

void machine_opts_default(struct machine_opts *o);

/* -------------------------------------------------------------------------
 * The kernel version the machine runs (`machine ... version=`): 6.1, the
 * model's baseline, or 6.12.  Code that models a rule 6.12 changed tests
 * mm_kver_ge(m, 6, 12); a rule 6.12 changed that the model does not model
 * yet calls mm_kver_unmodelled() where a run reaches it, so that the run
 * says so once instead of silently running 6.1's rule.
 */
#define MM_KVER(major, minor)	((unsigned int)(major) << 8 | (unsigned int)(minor))
#define MM_KVER_DEFAULT		MM_KVER(6, 1)

/* The versions a machine can run, for parsers and compare */
bool mm_kver_parse(const char *s, unsigned int *kver);
/* "6.1", "6.12" */
const char *mm_kver_name(unsigned int kver);

/* The rules 6.12 changed that the model runs as 6.1 does (docs/model-notes.md) */
enum kver_rule {
	KVER_ISOLATION,			/* move_freepages_block_isolate's split */
	NR_KVER_RULES
};


/* -------------------------------------------------------------------------
 * Hooks for the interleaving explorer (sim/explore.c fills them in): every
 * model operation on shared state is a scheduling point when m->sched is
 * set (model/cpu.h has the helpers).  Addresses are physical for memory
 * the model stores (struct pages through their backing frame, page-table
 * entries, frame copies) and host addresses for locks.
 */
enum sched_op {
	SCHED_READ, SCHED_WRITE, SCHED_RMW,
	SCHED_LOCK, SCHED_UNLOCK,
	SCHED_TLB_FILL, SCHED_TLB_FLUSH, SCHED_COPY, SCHED_YIELD,
};

/* Runs on a target CPU (m->cur_cpu is the target while it runs) */
typedef void (*smp_call_func_t)(struct machine *m, void *info);

struct sched_hooks {
	/* The running CPU is about to do op on [addr, addr + len) */
	void (*point)(void *priv, enum sched_op op, uint64_t addr, unsigned int len);
	/*
	 * The same, but op may only proceed once ready(arg) is true.  ready()
	 * runs in the scheduler, must not have side effects and may only read
	 * state that op on [addr, addr + len) covers (the lock word).  When
	 * wait() returns, ready(arg) holds and nothing else ran since it was
	 * evaluated.
	 */
	void (*wait)(void *priv, enum sched_op op, uint64_t addr, unsigned int len,
		     bool (*ready)(void *arg), void *arg);
	/*
	 * Post fn(m, info) to run on cpu as an asynchronous event (an IPI).
	 * op on [addr, addr + len) describes what the handler touches besides
	 * the target CPU's own state (TLB), for independence; it is delivered
	 * as one atomic step, with m->cur_cpu == cpu.
	 */
	void (*post)(void *priv, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		     smp_call_func_t fn, void *info);
	/*
	 * A failure only the explorer can see (a lost update: see page.c).
	 * The run fails with msg; the caller carries on, so the model unwinds
	 * normally.
	 */
	void (*report)(void *priv, const char *msg);
	void *priv;
	/* Label of the running model function (kept per CPU by the explorer) */
	const char *where;
};

/* -------------------------------------------------------------------------
 * A simulated kernel failure: BUG_ON, a fault, a broken invariant.  It is
 * recorded on the machine and becomes the outcome of the run.
 */
#define MM_FAIL_MSG	512
struct mm_failure {
	bool failed;
	char msg[MM_FAIL_MSG];
};

/*
 * Fault injection for tests (like fail_page_alloc): page-table page
 * allocations number [fail_from, fail_from + fail_count) fail.
 * fault_skip_mmap_lock makes user_access() handle its faults without the
 * mmap lock; hugetlb_move_skip_vma_lock makes move_hugetlb_page_tables
 * (mremap) skip the hugetlb VMA lock, hugetlb_move_skip_locks skip both
 * it and i_mmap_rwsem: wrong kernels on purpose, for the race tests to
 * catch.  step_by_step turns off the shortcuts that do several of the
 * kernel's steps at once (as the explorer does), so tests can check that
 * both ways leave the same state.
 */
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };

struct mm_inject {
	long pgtable_allocs;
	long pgtable_fail_from, pgtable_fail_count;
	bool fault_skip_mmap_lock;
	/*
	 * khugepaged mutants for the race tests: collapse_file unlocks the
	 * new THP before retract_page_tables (no page lock to stop faults
	 * mapping it), 6.6's retraction frees the PTE table at once instead
	 * of after an RCU grace period; collapse_pte_mapped_thp skips its
	 * check that each present PTE maps the THP's subpage of its offset
	 * (so a uprobe's anonymous copy there goes with the table).
	 */
	bool khugepaged_unlock_early;
	bool khugepaged_free_table_early;
	bool khugepaged_cpmt_skip_subpage_check;
	bool step_by_step;
	bool hugetlb_move_skip_vma_lock;
	bool hugetlb_move_skip_locks;
};

struct fstore;	/* page.c */
struct hugetlb_ctx;	/* hugetlb.c */
struct mm_struct;	/* pgtable.h */
struct proc_ctx;	/* task.h */
struct memory_hotplug;	/* memory_hotplug.h */

/* What the vmemmap optimisation did, for reports and compare */
struct hvo_stats {
	unsigned long optimized;		/* hugepages optimised */
	unsigned long vmemmap_pages_freed;	/* frames given back */
	unsigned long bootmem_pages_freed;	/* ... of them boot memmap */
	unsigned long heads_allocated[MAX_NUMNODES];	/* new head pages, by node */
	unsigned long head_alloc_failed;	/* fell back to reuse / skipped */
	unsigned long pmd_splits;		/* vmemmap PMDs split */
	unsigned long restored;			/* hugepages restored */
	unsigned long restore_failed;		/* restore ENOMEM (page kept as surplus) */
	unsigned long restore_pages;		/* frames allocated by restore */
	unsigned long batch_retries;		/* 6.7 batch: ENOMEM retries */
	unsigned long rollback_heads_lost;	/* 6.12: new heads a rollback left unmapped */
};
struct fstore_cpu;	/* page.h */

/*
 * The sparse vmemmap after boot (sparse.c): x86's unused_pmd_start (the
 * start of the last populated PMD's unused tail, not yet marked
 * PAGE_UNUSED; 0 for none), boot's per-node sparse buffer
 * (sparse_buffer_init, as pfns [buf, buf_end); 0 when there is none),
 * and what populate and free did, for the vmemmap.* counters.
 */
struct vmemmap_fill {
	uint64_t va, len;
	uint8_t byte;
};

struct vmemmap_state {
	uint64_t unused_pmd_start;
	unsigned long sparsemap_buf, sparsemap_buf_end;
	/*
	 * Boot: the memmap is not initialised yet (the frame store's lazy
	 * boot state stands for memmap_init, which runs later), so
	 * vmemmap_memset queues its fills here until boot applies them
	 * (vmemmap_boot_fills_apply).
	 */
	bool defer_fills;
	struct vmemmap_fill *fills;
	size_t nr_fills, cap_fills;
	unsigned long pmds_populated;		/* 2 MiB blocks mapped */
	unsigned long pmds_freed;		/* ... unmapped and freed */
	unsigned long ptes_populated;		/* base pages mapped */
	unsigned long ptes_freed;
	unsigned long basepage_fallbacks;	/* PMDs populated with base pages instead */
	unsigned long pte_on_huge_pmd;		/* base-page populate met a huge PMD */
	unsigned long sections_added;		/* sparse_add_section calls that succeeded */
	unsigned long sections_removed;		/* sparse_remove_section calls */
};

struct machine {
	struct machine_opts opts;
	unsigned int sps;		/* struct page size in bytes */
	int nr_nodes;
	struct pglist_data node[MAX_NUMNODES];
	int nr_cpus;
	int cpu_node[MAX_CPUS];
	int cur_cpu;
	unsigned long max_pfn;		/* highest present pfn + 1 (hot-add raises it) */
	struct memblock memblock;
	unsigned long nr_sections;	/* grows with hot-add (sparse_index_init) */
	struct mem_section *sections;	/* [nr_sections] */
	bool booted;
	struct fstore *fstore;
	struct hugetlb_ctx *hugetlb;
	struct proc_ctx *procs;		/* processes and files, created on first use */
	struct memory_hotplug *hotplug;	/* memory blocks (memory_dev_init) */
	struct mm_struct *init_mm;	/* kernel page tables (the vmemmap) */
	bool buddy_up;			/* memblock_free_all has run */
	bool thp_off_at_boot;		/* hugepage_init: below 512 MiB of RAM */
	struct hvo_stats hvo_stats;
	struct kmem_state kmem;		/* the kernel's own memory (boot_alloc.h) */
	struct vmemmap_state vmemmap;
	struct mm_inject inject;
	unsigned long tlb_flushes;	/* flush_tlb_* calls */
	/*
	 * Changes to frames that can hold page-table entries: entry writes
	 * (pgtable.h) and frame zero, copy and release (page.c), with the
	 * entry the last one wrote (table << 9 | index; ~0 for a whole
	 * frame).  Struct page writes do not count: vmemmap frames never
	 * hold page tables.  user_access() uses these to skip a walk it can
	 * tell would only repeat the last one.  pt_last_value is what the
	 * last entry write wrote (meaningless after a frame change).
	 */
	uint64_t pt_changes, pt_last_change, pt_last_value;
	struct fstore_cpu *fstore_cpu;		/* [nr_cpus] translation caches */
	unsigned long min_free_kbytes;
	/* user_min_free_kbytes: what /proc/sys/vm/min_free_kbytes (or its boot
	 * parameter) was last set to, -1 for never; calculate_min_free_kbytes
	 * never goes below it */
	long user_min_free_kbytes;
	unsigned long totalreserve_pages;
	/*
	 * khugepaged runs (khugepaged_thread): hugepage_init starts it with
	 * THP on, a write to THP's `enabled` starts or stops it
	 * (set_recommended_min_free_kbytes keeps this); memory hotplug's
	 * init_per_zone_wmark_min raises min_free_kbytes again when it runs
	 */
	bool khugepaged_thread;
	unsigned long vm_events[NR_VM_EVENT_ITEMS];
	uint64_t rng[4];		/* xoshiro256** state */
	struct sched_hooks *sched;
	/* told when compaction migrates a block (migrate.h) */
	void (*migrate_notify)(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			       unsigned int order);
	void *migrate_priv;
	/* the running direct compaction's claim on the block it frees (compaction.h) */
	struct capture_control *capture_control;
	/* lists the blocks the scenario holds, for the invariant checker (check.h) */
	void (*inuse_iter)(void *priv, void (*cb)(void *cbpriv, unsigned long pfn,
						 unsigned int order), void *cbpriv);
	void *inuse_priv;
	struct mm_failure fail;
	/*
	 * mm_kver_unmodelled: the rules (bits of enum kver_rule) a run on a
	 * newer kernel reached and the model ran as 6.1 does, and those the
	 * runner has reported (mm_kver_take_warning).
	 */
	unsigned int kver_reached, kver_reported;
	/* node fallback: zonelist order per node, by distance */
	int node_order[MAX_NUMNODES][MAX_NUMNODES];
	int distance[MAX_NUMNODES][MAX_NUMNODES];
	/*
	 * Each node's zonelists (build_zonelists, page_alloc.c): the zones
	 * that span memory, node by node in node_order and highest first
	 * within a node, NULL-terminated; [ZONELIST_NOFALLBACK] holds the
	 * first node's only (__GFP_THISNODE).
	 */
	struct zone *zonelists[MAX_NUMNODES][MAX_ZONELISTS][MAX_NUMNODES * MAX_NR_ZONES + 1];
};

/* Build and boot a machine; on failure returns NULL and fills err */
struct machine *machine_create(const struct machine_opts *o, char *err, size_t errlen);
void machine_destroy(struct machine *m);

/* Record a simulated kernel failure (first one wins); returns false */
bool mm_fail(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define MM_BUG_ON(m, cond, ...) \
	(unlikely(cond) ? (mm_fail((m), __VA_ARGS__), true) : false)

static inline bool mm_kver_ge(const struct machine *m, unsigned int major, unsigned int minor)
{
	return m->opts.kver >= MM_KVER(major, minor);
}

/*
 * A run on 6.12 reached rule, which the model runs as 6.1 does: note it
 * (no-op on 6.1).  The runner reports each rule once (after the step that
 * reached it) through mm_kver_take_warning.
 */
static inline void mm_kver_unmodelled(struct machine *m, enum kver_rule rule)
{
	if (m->opts.kver > MM_KVER_DEFAULT)
		m->kver_reached |= 1u << rule;
}

/*
 * The next rule reached and not yet reported, as a line for stderr
 * ("mmsim: version=6.12: ... is modelled as 6.1 does it", no newline),
 * marked reported; NULL when there is none.  buf holds the text.
 */
const char *mm_kver_take_warning(struct machine *m, char *buf, size_t len);

/* What a rule is, for the warning and the docs test */
const char *mm_kver_rule_name(enum kver_rule rule);

/* A node's zone, and walks over the machine's nodes and zones */
static inline struct zone *zone_of(struct machine *m, int nid, int zid)
{
	return &m->node[nid].node_zones[zid];
}

#define for_each_node(m, nid) for ((nid) = 0; (nid) < (m)->nr_nodes; (nid)++)
#define for_each_zone_of(m, z) \
	for (int __n = 0; __n < (m)->nr_nodes; __n++) \
		for ((z) = &(m)->node[__n].node_zones[0]; \
		     (z) < &(m)->node[__n].node_zones[MAX_NR_ZONES]; (z)++)

/* Deterministic randomness: one seed drives everything */
void mm_rng_seed(struct machine *m, uint64_t seed);
uint64_t mm_rng_next(struct machine *m);
static inline uint64_t mm_rng_below(struct machine *m, uint64_t n)
{
	return n ? mm_rng_next(m) % n : 0;
}

/* Events (vm_event_item.h) are counted per machine */
static inline void count_vm_event(struct machine *m, enum vm_event_item i)
{
	m->vm_events[i]++;
}
static inline void count_vm_events(struct machine *m, enum vm_event_item i, long n)
{
	m->vm_events[i] += n;
}

#endif /* MMSIM_MACHINE_H */
