// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_seed000.c - the races of the seed-000 review (mm/hugetlb_vmemmap:
 * remap head page to newly allocated page, Aug 3-5 2022), explored.
 *
 * CPU0 optimises the vmemmap of a new 2 MiB hugepage (HVO) while CPU1
 * touches the hugepage's head struct page.  The head's vmemmap frame H
 * holds the struct pages of pfns head .. head+63; the hugepage owns eight
 * such frames.  With a new head (6.2, the seed's patch) CPU0 does:
 *
 *   alloc N; copy H -> N; split the PMD; head PTE: H -> N (rw);
 *   tail PTEs: T1..T7 -> N (ro); flush; free H, T1..T7
 *
 *   vmemmap  | head va     | +4K | ... | +28K |
 *   before   | H (rw)      | T1  | ... | T7   |
 *   after    | N (rw) = copy of H, the tails map N read-only     |
 *
 * Muchun Song's race: a reference CPU1 takes or drops after the copy and
 * before the remap (or its flush) reaches CPU1 lands in H, not N, and is
 * lost.  The model's lost-update check (model/page.c) reports such a
 * write by itself; no test assertion is needed to see it.
 *
 * Every test runs a tiny machine (1 node of 64 MiB, 2 CPUs,
 * hugetlb_free_vmemmap=on) with one hugepage allocated as the pool does,
 * both CPUs' TLBs already holding the head struct page (CPU1 had been
 * using the page), and explores every schedule with DPOR.  Each test says
 * with xp_sometimes which window it must have reached, so none passes
 * without having opened it.
 */
#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "cpu.h"
#include "pgtable.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "check.h"

static const struct hstate h2m = { .order = 9 };

struct race {
	/* what the test sets up */
	const char *policy;
	bool frozen;		/* head refcount frozen at 0, as the pool holds it */
	bool boot;		/* the optimisation runs while the machine boots */
	bool unfreeze;		/* CPU0 hands the page over (refcount 1) afterwards */
	int final_ref;		/* head refcount every complete schedule must end with */
	/* after CPU1's first access: the window the test must see opened */
	void (*window)(struct xp_ctx *x, struct race *r);
	/* per schedule */
	struct machine *m;
	unsigned long head;	/* the hugepage */
	unsigned long frame;	/* H: the frame behind the head struct page at setup */
	long booted;		/* CPU0 set it: boot is over, other CPUs may run */
};

static unsigned long frame_now(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	return vmemmap_peek(m, va, &f, &rw, NULL) ? f : PFN_NONE;
}

static void *race_setup(struct xp_ctx *x, void *arg)
{
	struct race *r = arg;
	struct machine_opts o;
	char err[256];

	t_opts(&o, 1, 64, 2);
	o.hugetlb_free_vmemmap = true;
	if (!policy_set_pick(&o.policies, "hvo", r->policy))
		xp_fail(x, "unknown hvo policy '%s'", r->policy);
	r->m = machine_create(&o, err, sizeof(err));
	r->booted = 0;
	if (!r->m) {
		xp_fail(x, "machine_create: %s", err);
		return r;
	}
	/* as alloc_buddy_huge_page: a compound page from the buddy allocator */
	r->head = alloc_pages_node(r->m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE |
				   __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 9);
	if (r->head == PFN_NONE) {
		xp_fail(x, "no hugepage");
		return r;
	}
	if (r->frozen)
		page_ref_freeze(r->m, r->head, 1);
	r->frame = frame_now(r->m, page_va(r->m, r->head));
	if (r->boot) {
		/* hugetlb's boot-time allocation: no other CPU is up yet */
		r->m->booted = false;
	} else {
		/* CPU1 has been using the page: its TLB holds the head */
		for (int c = 1; c >= 0; c--) {
			r->m->cur_cpu = c;
			page_ref_count(r->m, r->head);
		}
	}
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)r->frame << PAGE_SHIFT), PAGE_SIZE,
		      "H");
	xp_attach_machine(x, r->m);
	return r;
}

static void race_teardown(struct xp_ctx *x, void *s)
{
	struct race *r = s;
	char err[256];

	if (!r->m)
		return;
	/* the machine is detached: this runs without scheduling points */
	xp_assert(x, mm_check_invariants(r->m, err, sizeof(err)), "%s", err);
	machine_destroy(r->m);
	r->m = NULL;
}

/* Every complete schedule ends with an optimised, consistent hugepage */
static void race_final(struct xp_ctx *x, void *s)
{
	struct race *r = s;
	struct machine *m = r->m;

	xp_assert(x, HPageVmemmapOptimized(m, r->head));
	xp_assert(x, PageHead(m, r->head) && compound_head(m, r->head + 300) == r->head);
	xp_assert(x, page_ref_count(m, r->head) == r->final_ref, "refcount %d, expected %d",
		  page_ref_count(m, r->head), r->final_ref);
}

/* ... and, where CPU1 poisoned it, the poison is there to see */
static void hwpoison_final(struct xp_ctx *x, void *s)
{
	struct race *r = s;

	race_final(x, s);
	xp_assert(x, PageHWPoison(r->m, r->head));
}

/* CPU0: hugetlb's __prep_new_huge_page, optimising the new page's vmemmap */
static void hugetlb_prep_new_page(struct machine *m, struct race *r)
{
	SCHED_WHERE(m);

	hugetlb_vmemmap_optimize(m, &h2m, r->head);
	if (r->unfreeze)
		page_ref_unfreeze(m, r->head, 1);	/* the pool takes it over */
}

static void cpu0_optimize(struct xp_ctx *x, void *s)
{
	struct race *r = s;

	hugetlb_prep_new_page(r->m, r);
	if (r->boot) {
		r->m->booted = true;
		xp_write(x, &r->booted, 1);
	}
}

/* Did CPU1's last struct page access land in H after H was copied away? */
static bool landed_in_copied_head(struct race *r)
{
	const struct fst_access *a = &r->m->fstore_cpu[1].last;

	return a->frame == r->frame && a->copied;
}

/* The windows, checked right after CPU1's access */
static void window_copied(struct xp_ctx *x, struct race *r)
{
	xp_sometimes_if(x, "cpu1 took its reference in H after the copy",
			landed_in_copied_head(r));
}

static void window_new_head(struct xp_ctx *x, struct race *r)
{
	unsigned long f = r->m->fstore_cpu[1].last.frame;

	xp_sometimes_if(x, "cpu1 took its reference in the new head",
			f != r->frame && f == frame_now(r->m, page_va(r->m, r->head)));
}

static void window_tails_remapped(struct xp_ctx *x, struct race *r)
{
	struct machine *m = r->m;

	xp_sometimes_if(x, "cpu1 took its reference while the tails mapped H",
			m->fstore_cpu[1].last.frame == r->frame &&
			frame_now(m, page_va(m, r->head) + PAGE_SIZE) == r->frame);
}

/* CPU1: a short-lived reference (a GUP pin, a speculative get) */
static void cpu1_get_put(struct xp_ctx *x, void *s)
{
	struct race *r = s;
	struct machine *m = r->m;

	page_ref_add_return(m, r->head, 1);
	r->window(x, r);
	page_ref_add_return(m, r->head, -1);
}

/* CPU1, as speculative GUP: a reference only if the page has one already */
static void cpu1_gup_fast(struct xp_ctx *x, void *s)
{
	struct race *r = s;
	struct machine *m = r->m;

	if (get_page_unless_zero(m, r->head)) {
		xp_sometimes(x, "gup took a reference after the unfreeze");
		page_ref_add_return(m, r->head, -1);
		return;
	}
	xp_sometimes_if(x, "gup found the frozen head in H after the copy",
			landed_in_copied_head(r));
}

/* CPU1, as memory_failure(): poisons the page without taking a reference */
static void cpu1_memory_failure(struct xp_ctx *x, void *s)
{
	struct race *r = s;

	TestSetPageHWPoison(r->m, r->head);
	xp_sometimes_if(x, "PG_hwpoison was set in H after the copy", landed_in_copied_head(r));
}

/* CPU1 during boot: it only comes up once CPU0 says boot is over */
static bool flag_set(void *arg)
{
	return *(long *)arg != 0;
}

static void cpu1_after_boot(struct xp_ctx *x, void *s)
{
	struct race *r = s;

	xp_wait(x, SCHED_READ, (uint64_t)(uintptr_t)&r->booted, sizeof(r->booted), flag_set,
		&r->booted);
	cpu1_get_put(x, s);
}

/* -------------------------------------------------------------------------
 * 1. new-head (6.2), HVO after boot, head refcount 1 (not frozen).
 *
 *   CPU0: copy H->N ........ head PTE H->N ... flush ... free H
 *   CPU1:            get(H)                         put(N)
 *                      ^ lands in H after the copy: the +1 is lost, N ends at 0
 *
 * Expected: the explorer finds the schedule, the lost-update check reports
 * it, and the replay string reproduces it.
 */
static struct race r_new_head = {
	.policy = "new-head", .final_ref = 1, .window = window_copied,
};
static const char *const s_new_head[] = {
	"cpu1 took its reference in H after the copy", NULL,
};
static struct xp_test t_new_head_race = {
	.name = "seed000_new_head_get_put", .ncpus = 2, .setup = race_setup,
	.teardown = race_teardown, .final = race_final, .arg = &r_new_head,
	.cpu = { cpu0_optimize, cpu1_get_put }, .sometimes = s_new_head,
	.expect_failure = true, .expect_msg = "lost update",
};

/* -------------------------------------------------------------------------
 * 2. new-head with the head refcount frozen at 0 (Mike Kravetz's answer),
 *    CPU1 as speculative GUP: get_page_unless_zero, put on success.
 *
 *   H: _refcount 0 ---copy---> N: _refcount 0 ... unfreeze: N 1
 *   CPU1: get_page_unless_zero reads 0 in H or N and writes nothing,
 *         or (after the unfreeze) gets and puts in N
 *
 * Expected: no lost update in any schedule, exhaustively.
 */
static struct race r_frozen = {
	.policy = "new-head", .frozen = true, .unfreeze = true, .final_ref = 1,
};
static const char *const s_frozen[] = {
	"gup found the frozen head in H after the copy",
	"gup took a reference after the unfreeze", NULL,
};
static struct xp_test t_frozen = {
	.name = "seed000_new_head_frozen_gup", .ncpus = 2, .setup = race_setup,
	.teardown = race_teardown, .final = race_final, .arg = &r_frozen,
	.cpu = { cpu0_optimize, cpu1_gup_fast }, .sometimes = s_frozen,
};

/* -------------------------------------------------------------------------
 * 3. new-head, refcount frozen, CPU1 as memory_failure(): sets PG_hwpoison
 *    on the head without a reference (Muchun Song's remaining race).
 *
 *   H: flags ---copy---> N: flags (no PG_hwpoison)
 *   CPU1: TestSetPageHWPoison lands in H after the copy: the poison is lost
 *
 * Expected: the lost update is found although the refcount is frozen, and
 * the replay string reproduces it.
 */
static struct race r_hwpoison = {
	.policy = "new-head", .frozen = true, .unfreeze = true, .final_ref = 1,
};
static const char *const s_hwpoison[] = {
	"PG_hwpoison was set in H after the copy", NULL,
};
static struct xp_test t_hwpoison = {
	.name = "seed000_new_head_memory_failure", .ncpus = 2, .setup = race_setup,
	.teardown = race_teardown, .final = hwpoison_final, .arg = &r_hwpoison,
	.cpu = { cpu0_optimize, cpu1_memory_failure }, .sometimes = s_hwpoison,
	.expect_failure = true, .expect_msg = "lost update",
};

/* -------------------------------------------------------------------------
 * 4. new-head-boot (Muchun Song's variant): the head is copied and remapped
 *    while the machine boots, before any other CPU runs.
 *
 *   boot (CPU0): copy H->N, remap, flush, free H; booted = 1
 *   CPU1 (up once booted): get/put, walking the tables: both land in N
 *
 * Expected: no lost update in any schedule, exhaustively.
 */
static struct race r_boot = {
	.policy = "new-head-boot", .boot = true, .final_ref = 1, .window = window_new_head,
};
static const char *const s_boot[] = {
	"cpu1 took its reference in the new head", NULL,
};
static struct xp_test t_at_boot = {
	.name = "seed000_new_head_boot", .ncpus = 2, .setup = race_setup,
	.teardown = race_teardown, .final = race_final, .arg = &r_boot,
	.cpu = { cpu0_optimize, cpu1_after_boot }, .sometimes = s_boot,
};

/* -------------------------------------------------------------------------
 * 5. reuse-head (6.1): the head frame stays, the tails are remapped onto it.
 *
 *   vmemmap  | head va | +4K | ... | +28K |
 *   after    | H (rw)  | H (ro) ...  H (ro)|   T1..T7 freed, nothing copied
 *   CPU1: get/put on the head while the tail PTEs change: always in H
 *
 * Expected: no lost update in any schedule, exhaustively.
 */
static struct race r_reuse = {
	.policy = "reuse-head", .final_ref = 1, .window = window_tails_remapped,
};
static const char *const s_reuse[] = {
	"cpu1 took its reference while the tails mapped H", NULL,
};
static struct xp_test t_reuse = {
	.name = "seed000_reuse_head", .ncpus = 2, .setup = race_setup,
	.teardown = race_teardown, .final = race_final, .arg = &r_reuse,
	.cpu = { cpu0_optimize, cpu1_get_put }, .sometimes = s_reuse,
};

/*
 * Test 1's check is no blanket verdict: explored to the end (every
 * schedule, not only up to the first failure), the schedules where CPU1's
 * get and put both land before the copy, or both after the flush reached
 * CPU1, lose nothing and end with refcount 1 (race_final).
 */
static void test_new_head_only_the_window_loses(void **state)
{
	struct xp_opts o = t_new_head_race.opts;
	struct xp_result r;

	(void)state;
	o.keep_going = true;
	xp_explore(&t_new_head_race, &o, &r);
	xp_print_stats(stdout, "seed000_new_head_get_put, every schedule", &o, &r);
	assert_int_equal(r.kind, XP_FAIL_CHECK);
	assert_non_null(strstr(r.msg, "lost update"));
	assert_true(r.stats.complete);
	assert_true(r.stats.failed > 0);
	assert_true(r.stats.failed < r.stats.schedules);
	xp_result_free(&r);
}

/* -------------------------------------------------------------------------
 * The lost-update check itself, on a policy that is wrong on purpose: CPU0
 * remaps the vmemmap page of pfn P to another frame O and does not flush;
 * CPU1, whose TLB still maps F, takes a reference afterwards.
 *
 *   vmemmap  | va(P) page |            CPU1 TLB: va(P) -> F (stale)
 *   before   | F          |
 *   after    | O          |   (and, in the second test, F freed)
 *
 * Expected: the write through the stale entry is reported as lost; if F's
 * storage was released it is reported as a use after free before any byte
 * of F is touched.
 */
struct nofl {
	bool release;
	struct machine *m;
	unsigned long pfn, frame, other;
	long done;
};

static void *nofl_setup(struct xp_ctx *x, void *arg)
{
	struct nofl *n = arg;
	struct machine *m = t_machine(1, 64, 2);

	n->m = m;
	n->done = 0;
	n->pfn = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	n->other = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	n->frame = frame_now(m, page_va(m, n->pfn));
	if (n->pfn == PFN_NONE || n->other == PFN_NONE ||
	    pt_split_pmd(m, m->init_mm, page_va(m, n->pfn), 0)) {
		xp_fail(x, "setup failed");
		return n;
	}
	fstore_frame_copy(m, n->other, n->frame);
	m->cur_cpu = 1;
	page_ref_count(m, n->pfn);
	xp_attach_machine(x, m);
	return n;
}

static void nofl_teardown(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	machine_destroy(n->m);
	n->m = NULL;
}

/* A wrong vmemmap remap: the old frame is never flushed out of CPU1's TLB */
static void remap_without_flush(struct machine *m, struct nofl *n)
{
	SCHED_WHERE(m);
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(m, m->init_mm, page_va(m, n->pfn), &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(n->other, PAGE_KERNEL));
	if (n->release)
		fstore_frame_release(m, n->frame);
}

static void cpu0_remap_without_flush(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	remap_without_flush(n->m, n);
	xp_write(x, &n->done, 1);
}

static void cpu1_get_after_remap(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	xp_wait(x, SCHED_READ, (uint64_t)(uintptr_t)&n->done, sizeof(n->done), flag_set,
		&n->done);
	page_ref_add_return(n->m, n->pfn, 1);
}

static struct nofl n_stale = { .release = false };
static struct xp_test t_stale = {
	.name = "check_stale_tlb_write", .ncpus = 2, .setup = nofl_setup,
	.teardown = nofl_teardown, .arg = &n_stale,
	.cpu = { cpu0_remap_without_flush, cpu1_get_after_remap },
	.expect_failure = true,
	.expect_msg = "lost update: cpu1 in page_ref_add_return writes 4 bytes at 0xffffea",
};

static struct nofl n_freed = { .release = true };
static struct xp_test t_freed = {
	.name = "check_freed_frame_write", .ncpus = 2, .setup = nofl_setup,
	.teardown = nofl_teardown, .arg = &n_freed,
	.cpu = { cpu0_remap_without_flush, cpu1_get_after_remap },
	.expect_failure = true,
	.expect_msg = "use after free: cpu1 in page_ref_add_return writes 0xffffea",
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST(t_new_head_race),
		cmocka_unit_test(test_new_head_only_the_window_loses),
		XP_UNIT_TEST(t_frozen),
		XP_UNIT_TEST(t_hwpoison),
		XP_UNIT_TEST(t_at_boot),
		XP_UNIT_TEST(t_reuse),
		XP_UNIT_TEST(t_stale),
		XP_UNIT_TEST(t_freed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
