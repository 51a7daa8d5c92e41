/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmscan.h - kswapd (mm/vmscan.c), as far as the model has it: woken by
 * the allocator's slow path or a watermark boost, it cannot reclaim
 * anything, takes back the boosts, counts its failures (16 make the node
 * hopeless: never woken again) and, going to sleep, clears compaction's
 * skip hints.  page_alloc.c defines the calls.
 */
#ifndef MMSIM_VMSCAN_H
#define MMSIM_VMSCAN_H

#include "mm.h"

/* balance_pgdat runs without progress after which a node is hopeless */
#define MAX_RECLAIM_RETRIES	16

/*
 * kswapd for node nid, woken: balance_pgdat (nothing to reclaim: a run
 * that had to reclaim counts a failure; watermark boosts are taken back)
 * until the node is balanced at order 0 or hopeless, then it sleeps,
 * clearing compaction's skip hints where a direct compaction's scanners
 * met (reset_isolation_suitable).
 */
void kswapd_run(struct machine *m, int nid);
/* Between scenario steps: kswapd for nodes woken, or whose watermark a fallback boosted */
void mm_background_work(struct machine *m);

#endif /* MMSIM_VMSCAN_H */
