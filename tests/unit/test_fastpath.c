// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fastpath.c - the shortcuts of the fault path: page-table entries
 * read and written inline (pgtable.h over page.h's view of the frame
 * store), the dense map that holds the content tags of data pages
 * (struct pfnmap, xmap.h), page handles (page.h) and the block-at-a-time
 * pcp refill (page_alloc.c).  Each shortcut must give what the long way
 * gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "filemap.h"
#include "host.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "pgtable.h"
#include "sbuf.h"
#include "task.h"
#include "testlib.h"
#include "xmap.h"

/* Values land where they were put, across leaves; 0 is absence */
static void test_pfnmap_get_set(void **state)
{
	struct pfnmap p;
	static const uint64_t keys[] = { 0, 1, 511, 512, 513, 4095, 100000, 1UL << 24 };

	(void)state;
	pfnmap_init(&p);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		pfnmap_set(&p, keys[i], 1000 + i);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(pfnmap_get(&p, keys[i]), 1000 + i);
	/* neighbours of stored keys, in and out of existing leaves */
	assert_int_equal(pfnmap_get(&p, 2), 0);
	assert_int_equal(pfnmap_get(&p, 514), 0);
	assert_int_equal(pfnmap_get(&p, (1UL << 24) + 1), 0);
	assert_int_equal(pfnmap_get(&p, 1UL << 40), 0);
	pfnmap_set(&p, 512, 0);
	assert_int_equal(pfnmap_get(&p, 512), 0);
	assert_int_equal(pfnmap_get(&p, 513), 1004);	/* its neighbour stays */
	pfnmap_set(&p, 512, 7);				/* and can come back */
	assert_int_equal(pfnmap_get(&p, 512), 7);
	pfnmap_destroy(&p);
	assert_int_equal(p.nr_leaves, 0);
	assert_null(p.leaf);
}

/* Lookups and removals of absent keys allocate nothing; destroy frees all */
static void test_pfnmap_host_memory(void **state)
{
	struct pfnmap p;
	size_t before = host_mem.bytes;

	(void)state;
	pfnmap_init(&p);
	assert_int_equal(pfnmap_get(&p, 123456), 0);
	pfnmap_set(&p, 123456, 0);
	assert_null(pfnmap_slot(&p, 123456));
	assert_int_equal(p.nr_leaves, 0);
	assert_int_equal(host_mem.bytes, before);
	for (uint64_t k = 0; k < 5000; k += 3)
		pfnmap_set(&p, k * 97, k + 1);
	for (uint64_t k = 0; k < 5000; k += 3)
		assert_int_equal(pfnmap_get(&p, k * 97), k + 1);
	assert_true(host_mem.bytes > before);
	pfnmap_destroy(&p);
	assert_int_equal(host_mem.bytes, before);
}

/*
 * pt_read and pt_write outside the explorer take the inline path when the
 * table's chunk exists and fall back to materialising it when it does
 * not: both must see the frame store's bytes.
 */
static void test_pt_inline_matches_the_frame_store(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	unsigned long t = pgtable_alloc(m, 0), cold;
	uint64_t v;

	(void)state;
	assert_int_not_equal(t, PFN_NONE);
	assert_non_null(fstore_frame_bytes_present(m, t, 511 * 8));	/* zeroed: all there */
	pt_write(m, t, 3, 0x1234067);
	memcpy(&v, fstore_frame_bytes(m, t, 3 * 8), 8);
	assert_int_equal(v, 0x1234067);
	v = 0xabc000 | _PAGE_PRESENT;
	memcpy(fstore_frame_bytes(m, t, 500 * 8), &v, 8);
	assert_int_equal(pt_read(m, t, 500), v);
	assert_int_equal(pt_read(m, t, 4), 0);

	/* a frame nobody touched: no chunk until the first access makes one */
	cold = __alloc_pages(m, GFP_KERNEL, 0, 0);
	assert_int_not_equal(cold, PFN_NONE);
	assert_null(fstore_frame_bytes_present(m, cold, 0));
	assert_int_equal(pt_read(m, cold, 0), 0);
	assert_non_null(fstore_frame_bytes_present(m, cold, 0));
	assert_null(fstore_frame_bytes_present(m, cold, 4096 - 8));	/* other chunks still not */
	pt_write(m, cold, 511, 42);
	assert_int_equal(pt_read(m, cold, 511), 42);
	memcpy(&v, fstore_frame_bytes_present(m, cold, 511 * 8), 8);
	assert_int_equal(v, 42);
	/* beyond memory: no storage, reads 0, writes dropped */
	assert_null(fstore_frame_bytes_present(m, m->max_pfn + (1UL << 20), 0));
	machine_destroy(m);
}

/* The pfn a user address maps now, or PFN_NONE */
static unsigned long mapped_pfn(struct machine *m, struct task *t, uint64_t addr)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, t->mm, addr, &level, NULL, NULL);

	if (!pte_present(e))
		return PFN_NONE;
	return level == PT_PTE ? pte_pfn(e) : pte_pfn(e) + ((addr >> PAGE_SHIFT) & 511);
}

/*
 * Content tags through the model: a write gives the page a tag no other
 * page has, a COW break gives the writer a new one and leaves the other
 * side's, a read of untouched memory sees zeroes, and a freed page forgets.
 */
static void test_content_tags(void **state)
{
	struct machine *m = t_machine(1, 256, 1);
	struct task *p, *c;
	uint64_t a, tags[4];
	unsigned long pfn[4], freed;
	int err;

	(void)state;
	thp_settings(m)->enabled = THP_NEVER;
	p = task_create(m, "p", &err);
	assert_non_null(p);
	a = (uint64_t)ksys_mmap_pgoff(m, p, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(user_access(m, p->mm, a + i * PAGE_SIZE, true), UA_OK);
		pfn[i] = mapped_pfn(m, p, a + i * PAGE_SIZE);
		tags[i] = page_content(m, pfn[i]);
		assert_int_not_equal(tags[i], 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(tags[i], tags[j]);
	}
	assert_int_equal(user_access(m, p->mm, a + 3 * PAGE_SIZE, false), UA_OK);
	pfn[3] = mapped_pfn(m, p, a + 3 * PAGE_SIZE);
	assert_int_equal(pfn[3], proc_ctx(m)->zero_pfn);
	assert_int_equal(page_content(m, pfn[3]), 0);

	/* writing again gives a new tag to the same page */
	assert_int_equal(user_access(m, p->mm, a, true), UA_OK);
	assert_int_equal(mapped_pfn(m, p, a), pfn[0]);
	assert_true(page_content(m, pfn[0]) > tags[0]);
	tags[0] = page_content(m, pfn[0]);

	c = do_fork(m, p, "c", &err);
	assert_non_null(c);
	assert_int_equal(user_access(m, c->mm, a + PAGE_SIZE, true), UA_OK);
	assert_int_not_equal(mapped_pfn(m, c, a + PAGE_SIZE), pfn[1]);
	assert_true(page_content(m, mapped_pfn(m, c, a + PAGE_SIZE)) > tags[1]);
	assert_int_equal(page_content(m, pfn[1]), tags[1]);	/* the parent's copy */
	assert_int_equal(page_content(m, pfn[0]), tags[0]);	/* shared, unwritten */

	freed = pfn[2];
	assert_int_equal(vm_munmap(m, p, a + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(page_content(m, freed), tags[2]);	/* the child still maps it */
	assert_int_equal(vm_munmap(m, c, a + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(page_content(m, freed), 0);		/* freed: forgotten */
	set_page_content(m, pfn[0], 0);
	assert_int_equal(page_content(m, pfn[0]), 0);
	machine_destroy(m);
}

/*
 * What the allocator's state is: every free and pcp list in order, the
 * counts, and a hash of every struct page's bytes.
 */
static void digest_allocator(struct machine *m, struct sbuf *sb)
{
	uint64_t h = 1469598103934665603ULL;
	struct zone *z;
	unsigned long pfn;

	for_each_zone_of(m, z) {
		if (!z->spanned_pages)
			continue;
		sb_printf(sb, "zone %d/%d free %ld\n", z->zone_pgdat->node_id, z->idx,
			  (long)z->vm_stat[NR_FREE_PAGES]);
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			sb_printf(sb, " o%u %lu:", o, z->free_area[o].nr_free);
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct pfnlist_head *l = &z->free_area[o].free_list[mt];

				sb_printf(sb, " [%lu", z->free_area[o].nr_free_mt[mt]);
				pfnlist_for_each(m, pfn, l)
					sb_printf(sb, " %lx", pfn);
				sb_printf(sb, " last %lx]", l->last);
			}
			sb_puts(sb, "\n");
		}
		for (int cpu = 0; z->pcp && cpu < m->nr_cpus; cpu++) {
			struct per_cpu_pages *pcp = &z->pcp[cpu];

			sb_printf(sb, " cpu%d %d %d:", cpu, pcp->count, pcp->free_factor);
			for (int i = 0; i < NR_PCP_LISTS; i++) {
				sb_printf(sb, " [%u", pcp->lists_count[i]);
				pfnlist_for_each(m, pfn, &pcp->lists[i])
					sb_printf(sb, " %lx", pfn);
				sb_printf(sb, " last %lx]", pcp->lists[i].last);
			}
			sb_puts(sb, "\n");
		}
	}
	for (pfn = 0; pfn < m->max_pfn; pfn++) {
		if (!pfn_valid(m, pfn))
			continue;
		for (unsigned int off = 0; off + 8 <= m->sps; off += 8) {
			h ^= pg_read64(m, pfn, off);
			h *= 1099511628211ULL;
		}
	}
	sb_printf(sb, "struct pages %#llx\n", (unsigned long long)h);
	counter_dump(m, sb);
}

/* Allocations of mixed orders and types on two CPUs, and frees, in a fixed order */
static char *alloc_workload(bool step_by_step, unsigned int sps)
{
	static const gfp_t gfps[] = {
		GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_KERNEL_ACCOUNT,
		GFP_KERNEL | __GFP_RECLAIMABLE, GFP_HIGHUSER_MOVABLE | __GFP_COMP,
	};
	struct machine_opts o;
	struct machine *m;
	unsigned long held[4096], nheld = 0;
	unsigned int order[4096];
	uint64_t x = 12345;
	struct sbuf sb;

	t_opts(&o, 2, 128, 2);
	o.struct_page_size = sps;
	m = t_boot(&o);
	m->inject.step_by_step = step_by_step;
	sb_init(&sb);
	for (int i = 0; i < 30000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		m->cur_cpu = (int)(x >> 60) & 1;
		if (nheld && ((x >> 33) % 5 == 0 || nheld == 4096)) {
			unsigned long k = (x >> 40) % nheld;

			__free_pages(m, held[k], order[k]);
			held[k] = held[--nheld];
			order[k] = order[nheld];
			continue;
		}
		order[nheld] = (x >> 20) % 7 == 0 ? (unsigned int)((x >> 24) % 4) : 0;
		held[nheld] = __alloc_pages(m, gfps[(x >> 28) % 5], order[nheld],
					    (int)(x >> 50) & 1);
		sb_printf(&sb, "%lx ", held[nheld]);
		if (held[nheld] != PFN_NONE)
			nheld++;
	}
	sb_puts(&sb, "\n");
	digest_allocator(m, &sb);
	assert_false(m->fail.failed);
	machine_destroy(m);
	return sb_steal(&sb);
}

/*
 * The pcp refill that takes a block at a time (rmqueue_bulk_blocks) leaves
 * what the rounds one by one leave: the same pages handed out, lists in
 * the same order, the same counts and struct page bytes, with struct
 * pages that fit a chunk evenly and ones that straddle chunks.
 */
static void test_refill_by_blocks_matches_rounds(void **state)
{
	(void)state;
	for (unsigned int sps = 56; sps <= 72; sps += 8) {
		char *fast = alloc_workload(false, sps), *slow = alloc_workload(true, sps);

		assert_string_equal(fast, slow);
		assert_non_null(strstr(fast, "struct pages"));
		host_free(fast);
		host_free(slow);
	}
}

/*
 * Hooks that make every operation take the explorer's path without
 * exploring anything: one CPU runs, in program order.
 */
static struct machine *seq_m;

static void seq_point(void *priv, enum sched_op op, uint64_t addr, unsigned int len)
{
	(void)priv, (void)op, (void)addr, (void)len;
}

static void seq_wait(void *priv, enum sched_op op, uint64_t addr, unsigned int len,
		     bool (*ready)(void *arg), void *arg)
{
	(void)priv, (void)op, (void)addr, (void)len;
	assert_true(ready(arg));	/* nothing else runs to make it so */
}

static void seq_post(void *priv, int cpu, enum sched_op op, uint64_t addr, unsigned int len,
		     smp_call_func_t fn, void *info)
{
	int self = seq_m->cur_cpu;

	(void)priv, (void)op, (void)addr, (void)len;
	seq_m->cur_cpu = cpu;
	fn(seq_m, info);
	seq_m->cur_cpu = self;
}

static void seq_report(void *priv, const char *msg)
{
	(void)priv;
	fail_msg("%s", msg);
}

static struct sched_hooks seq_hooks = { seq_point, seq_wait, seq_post, seq_report, NULL, NULL };

/* What a run leaves: results, every PTE and content tag of [a, a + len) */
static void digest_range(struct machine *m, struct task *t, uint64_t a, uint64_t len,
			 struct sbuf *sb)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		enum pt_level level;
		pteval_t e = pt_walk(m, t->mm, a + off, &level, NULL, NULL);
		unsigned long pfn = level == PT_PTE ? pte_pfn(e) :
				    pte_pfn(e) + (((a + off) >> PAGE_SHIFT) & 511);

		sb_printf(sb, "%d %#llx", level, (unsigned long long)e);
		if (pte_present(e))
			sb_printf(sb, " %llu %#llx %#llx", (unsigned long long)page_content(m, pfn),
				  (unsigned long long)page_flags(m, pfn),
				  (unsigned long long)pg_read64(m, pfn, PGOFF_MAPCOUNT));
		sb_puts(sb, "\n");
	}
}

static void touch(struct machine *m, struct task *t, uint64_t a, uint64_t len, bool write,
		  struct sbuf *sb)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		sb_printf(sb, "%d", user_access(m, t->mm, a + off, write));
	sb_puts(sb, "\n");
}

/* Faults of every kind, then the machine's counters and the mappings */
static char *fault_workload(bool sequential_explorer)
{
	struct machine *m = t_machine(2, 256, 2);
	struct sbuf sb;
	struct task *p, *c;
	uint64_t a, b, f, g;
	char err[128];
	long fd;
	int e;

	sb_init(&sb);
	seq_m = m;
	if (sequential_explorer)
		m->sched = &seq_hooks;
	thp_settings(m)->enabled = THP_NEVER;
	p = task_create(m, "p", &e);
	a = (uint64_t)ksys_mmap_pgoff(m, p, 0, 8UL << 20, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	touch(m, p, a, 3UL << 20, true, &sb);		/* new tables, then one PTE each */
	touch(m, p, a + (3UL << 20), 2UL << 20, false, &sb);	/* the zero page */
	touch(m, p, a + (4UL << 20), 2UL << 20, true, &sb);	/* COW of the zero page */
	c = do_fork(m, p, "c", &e);
	touch(m, c, a, 2UL << 20, true, &sb);			/* COW after fork */
	touch(m, p, a + (1UL << 20), 2UL << 20, true, &sb);	/* reuse or copy */
	do_mprotect_pkey(m, p, a + (6UL << 20), 1UL << 20, PROT_READ);
	touch(m, p, a + (6UL << 20), 2UL << 20, true, &sb);	/* SIGSEGV part way */
	m->cur_cpu = 1;
	thp_settings(m)->enabled = THP_ALWAYS;
	b = (uint64_t)ksys_mmap_pgoff(m, c, 0, 8UL << 20, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	touch(m, c, b, 8UL << 20, false, &sb);			/* huge zero page, PTEs at the ends */
	touch(m, c, b + (2UL << 20), 4UL << 20, true, &sb);
	assert_int_equal(shmem_mount(m, "/mnt", "huge=never,size=16M", err, sizeof(err)), 0);
	fd = do_sys_open(m, p, "/mnt/f", O_RDWR | O_CREAT);
	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, p, (int)fd, 1UL << 20), 0);
	f = (uint64_t)ksys_mmap_pgoff(m, p, 0, 2UL << 20, PROT_READ | PROT_WRITE, MAP_SHARED,
				      (int)fd, 0);
	g = (uint64_t)ksys_mmap_pgoff(m, p, 0, 2UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE,
				      (int)fd, 0);
	touch(m, p, f, 512UL << 10, true, &sb);		/* shared file pages */
	touch(m, p, g, 2UL << 20, false, &sb);			/* SIGBUS beyond EOF */
	touch(m, p, g + (256UL << 10), 512UL << 10, true, &sb);	/* COW of file pages */
	m->sched = NULL;
	digest_range(m, p, a, 8UL << 20, &sb);
	digest_range(m, c, a, 8UL << 20, &sb);
	digest_range(m, c, b, 8UL << 20, &sb);
	digest_range(m, p, f, 1UL << 20, &sb);
	digest_range(m, p, g, 1UL << 20, &sb);
	digest_allocator(m, &sb);
	assert_false(m->fail.failed);
	machine_destroy(m);
	return sb_steal(&sb);
}

/*
 * The shortcuts apply only outside the explorer, where they must change
 * nothing: the same faults under hooks that run one CPU in program order
 * (so every shortcut is off) end in the same results, PTEs, tags, struct
 * page fields and counters.
 */
static void test_shortcuts_match_the_explorer_path(void **state)
{
	char *fast = fault_workload(false), *slow = fault_workload(true);

	(void)state;
	assert_string_equal(fast, slow);
	assert_non_null(strstr(fast, "vmstat.pgfault"));
	host_free(fast);
	host_free(slow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfnmap_get_set),
		cmocka_unit_test(test_pfnmap_host_memory),
		cmocka_unit_test(test_pt_inline_matches_the_frame_store),
		cmocka_unit_test(test_content_tags),
		cmocka_unit_test(test_shortcuts_match_the_explorer_path),
		cmocka_unit_test(test_refill_by_blocks_matches_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
