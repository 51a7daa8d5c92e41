/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmscan.h - kswapd (mm/vmscan.c), as far as the model has it: a node's
 * run resets the watermark boosts that fallbacks raised.  There is no
 * reclaim; page_alloc.c defines both calls.
 */
#ifndef MMSIM_VMSCAN_H
#define MMSIM_VMSCAN_H

#include "mm.h"

/* kswapd's balance_pgdat as far as the model has it: reset watermark boosts */
void kswapd_run(struct machine *m, int nid);
/* Between scenario steps: kswapd for nodes whose watermark a fallback boosted */
void mm_background_work(struct machine *m);

#endif /* MMSIM_VMSCAN_H */
