#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Generate scenarios/hugetlb/counters-base*.scn: the sequences of
libhugetlbfs's tests/counters.c (map, touch and unmap private and shared
hugetlbfs mappings, with a setup mapping of each kind already in place,
and pool resizes while surplus pages are outstanding), for base pool sizes
0 to 3, as mmsim scenarios.

The expected HugePages_Total/Free/Rsvd/Surp after every step come from the
small emulation below of Linux 6.1's rules (mm/hugetlb.c and
fs/hugetlbfs/inode.c), written from the kernel source and independent of
the model's C code; every expect line carries the rule that sets it.  Run

    tools/gen-hugetlb-counters.py scenarios/hugetlb

to rewrite the files (the output is deterministic).
"""
import os
import sys

HPAGE = "2M"
OVERCOMMIT = 8   # nr_overcommit_hugepages: never the limit in these sequences


class Pool:
    """The default hstate's counters, one node, as 6.1 moves them."""

    def __init__(self):
        self.total = self.free = self.resv = self.surp = 0

    def counts(self):
        return (self.total, self.free, self.resv, self.surp)

    # free_huge_page: a page nobody uses any more
    def free_page(self, why):
        if self.surp:
            self.total -= 1
            self.surp -= 1
            why.append("free_huge_page: the node has surplus pages, so the page goes back "
                       "to the buddy (nr_huge_pages--, surplus_huge_pages--)")
        else:
            self.free += 1
            why.append("free_huge_page: no surplus, the page goes on the free list "
                       "(free_huge_pages++)")

    # hugetlb_acct_memory(+n): gather_surplus_pages
    def reserve(self, n, why):
        needed = self.resv + n - self.free
        if needed > 0:
            assert self.surp + needed <= OVERCOMMIT
            self.total += needed
            self.free += needed
            self.surp += needed
            why.append("gather_surplus_pages: resv_huge_pages + %d exceeds free_huge_pages "
                       "by %d, so %d surplus pages are allocated and enqueued free "
                       "(nr, free, surplus += %d)" % (n, needed, needed, needed))
        self.resv += n
        why.append("hugetlb_acct_memory(%d): resv_huge_pages += %d" % (n, n))

    # hugetlb_acct_memory(-n): return_unused_surplus_pages
    def unreserve(self, n, why):
        if not n:
            return
        self.resv -= n
        nr = min(n, self.surp)
        self.total -= nr
        self.free -= nr
        self.surp -= nr
        why.append("return_unused_surplus_pages(%d): resv_huge_pages -= %d; min(%d, "
                   "surplus) = %d free surplus pages go back to the buddy" % (n, n, n, nr))

    # a fault consuming a reservation: dequeue_huge_page_vma
    def consume(self, n, why):
        self.free -= n
        self.resv -= n
        why.append("hugetlb_no_page -> alloc_huge_page -> dequeue_huge_page_vma with a "
                   "reservation: free_huge_pages--, resv_huge_pages-- per page (%d)" % n)

    # set_max_huge_pages
    def set_nr(self, count, why):
        persistent = lambda: self.total - self.surp
        n = 0
        while self.surp and count > persistent():
            self.surp -= 1
            n += 1
        if n:
            why.append("set_max_huge_pages: %d surplus pages become persistent first "
                       "(adjust_pool_surplus -1)" % n)
        n = 0
        while count > persistent():
            self.total += 1
            self.free += 1
            n += 1
        if n:
            why.append("set_max_huge_pages: %d fresh pages (alloc_pool_huge_page)" % n)
        min_count = max(count, self.resv + self.total - self.free)
        n = 0
        while min_count < persistent() and self.free:
            self.total -= 1
            self.free -= 1
            n += 1
        if n:
            why.append("set_max_huge_pages: %d free pages freed, keeping min_count = "
                       "max(count, resv + in use) = %d" % (n, min_count))
        n = 0
        while count < persistent():
            self.surp += 1
            n += 1
        if n:
            why.append("set_max_huge_pages: %d pages in use or reserved above the target "
                       "become surplus (adjust_pool_surplus +1)" % n)
        if not why:
            why.append("set_max_huge_pages: the pool is already %d persistent pages" % count)


class Gen:
    def __init__(self, base):
        self.base = base
        self.pool = Pool()
        self.out = []
        self.slots = {}      # slot -> (hpages, shared, touched)
        self.step = 0

    def line(self, s=""):
        self.out.append(s)

    def expect(self, what, why):
        t, f, r, s = self.pool.counts()
        rule = "; ".join(why)
        self.line("# %s" % what)
        for w in wrap(rule, 76):
            self.line("#   %s" % w)
        self.line("expect meminfo.HugePages_Total == %d   # nr_huge_pages" % t)
        self.line("expect meminfo.HugePages_Free == %d    # free_huge_pages" % f)
        self.line("expect meminfo.HugePages_Rsvd == %d    # resv_huge_pages" % r)
        self.line("expect meminfo.HugePages_Surp == %d    # surplus_huge_pages" % s)
        self.line()

    def set_nr(self, count):
        why = []
        self.line("echo %d > /proc/sys/vm/nr_hugepages" % count)
        self.pool.set_nr(count, why)
        self.expect("nr_hugepages := %d" % count, why)

    def map(self, slot, hpages, shared):
        why = []
        self.step += 1
        name = "%s%d" % (slot, self.step)
        self.slots[slot] = (name, hpages, shared, 0)
        kind = "MAP_SHARED" if shared else "MAP_PRIVATE"
        # hugetlbfs_unlinked_fd: a file on the mount, unlinked at once
        self.line('p: fd_%s = open("/dev/hugepages/%s", O_RDWR|O_CREAT, 0600)' % (name, name))
        self.line("rm /dev/hugepages/%s" % name)
        self.line("p: %s = mmap(NULL, %dM, PROT_READ|PROT_WRITE, %s, fd_%s, 0)"
                  % (name, 2 * hpages, kind, name))
        if shared:
            why.append("hugetlb_reserve_pages: a shared mapping of an empty file reserves "
                       "what the file's map lacks (region_chg = %d)" % hpages)
        else:
            why.append("hugetlb_reserve_pages: a private mapping reserves its whole range "
                       "(to - from = %d) in a resv_map of its own" % hpages)
        self.pool.reserve(hpages, why)
        self.expect("map %d %s %s" % (hpages, "shared" if shared else "private", name), why)

    def touch(self, slot, hpages):
        name, n, shared, touched = self.slots[slot]
        why = []
        self.line("p: touch(%s, %dM, WRITE)" % (name, 2 * hpages))
        self.pool.consume(hpages, why)
        if shared:
            why.append("the page goes into the file's page cache (hugetlb_add_to_page_cache)")
        else:
            why.append("the private map records the page as consumed (region_add); "
                       "hugetlb_wp reuses the page, mapped once")
        self.slots[slot] = (name, n, shared, max(touched, hpages))
        self.expect("touch %d huge page(s) of %s" % (hpages, name), why)

    def unmap(self, slot):
        name, n, shared, touched = self.slots.pop(slot)
        why = []
        self.line("p: munmap(%s, %dM)" % (name, 2 * n))
        self.line("p: close(fd_%s)" % name)
        if shared:
            why.append("munmap: a shared VMA's close gives nothing back; close(): the "
                       "unlinked file's last reference, hugetlbfs_evict_inode -> "
                       "remove_inode_hugepages frees its %d cached page(s)" % touched)
        else:
            why.append("munmap: __unmap_hugepage_range frees the %d page(s) mapped" % touched)
        for _ in range(touched):
            self.pool.free_page(why)
        if shared:
            why.append("hugetlb_unreserve_pages(freed = %d): region_del = %d, so %d "
                       "reservation(s) go" % (touched, n, n - touched))
        else:
            why.append("hugetlb_vm_op_close: reserve = %d pages - region_count %d = %d"
                       % (n, touched, n - touched))
        self.pool.unreserve(n - touched, why)
        self.expect("unmap %s" % name, why)

    def run_test(self, desc):
        base = self.base
        self.line("# ---- run_test: %s, base pool %d" % (desc, base))
        self.line()
        self.set_nr(base)
        self.map("t", 1, True)
        self.unmap("t")
        self.map("t", 1, False)
        self.unmap("t")
        self.map("t", 1, True)
        self.touch("t", 1)
        self.unmap("t")
        self.map("t", 1, False)
        self.touch("t", 1)
        self.unmap("t")
        self.map("t", 2, True)
        self.set_nr(max(base, 1))
        self.set_nr(max(base, 3))
        self.set_nr(max(base, 2))
        self.set_nr(base)
        self.unmap("t")

    def scenario(self):
        b = self.base
        self.line("# SPDX-License-Identifier: GPL-2.0-only")
        self.line("#")
        self.line("# libhugetlbfs tests/counters.c, base pool size %d: map, touch and unmap"
                  % b)
        self.line("# private and shared 2 MiB hugetlbfs mappings, clean and with a setup")
        self.line("# mapping of each kind in place, and resize the pool while surplus pages")
        self.line("# are outstanding.  After every step HugePages_Total/Free/Rsvd/Surp are")
        self.line("# what Linux 6.1 gives; the comment above each group of expects states")
        self.line("# the rules (mm/hugetlb.c, fs/hugetlbfs/inode.c) that set them.")
        self.line("# Generated by tools/gen-hugetlb-counters.py from its own emulation of")
        self.line("# those rules, not from the model; do not edit by hand.")
        self.line()
        self.line("machine nodes=1 mem=256M")
        self.line("mount -t hugetlbfs none /dev/hugepages")
        self.line("echo %d > /proc/sys/vm/nr_overcommit_hugepages" % OVERCOMMIT)
        self.line("process p")
        self.line()
        self.run_test("Clean")
        self.line("# ---- a pre-existing untouched, shared mapping")
        self.map("s", 1, True)
        self.run_test("Untouched, shared")
        self.unmap("s")
        self.line("# ---- a pre-existing untouched, private mapping")
        self.map("s", 1, False)
        self.run_test("Untouched, private")
        self.unmap("s")
        self.line("# ---- a pre-existing touched, shared mapping")
        self.map("s", 1, True)
        self.touch("s", 1)
        self.run_test("Touched, shared")
        self.unmap("s")
        self.line("# ---- a pre-existing touched, private mapping")
        self.map("s", 1, False)
        self.touch("s", 1)
        self.run_test("Touched, private")
        self.unmap("s")
        return "\n".join(self.out).rstrip() + "\n"


def wrap(text, width):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "scenarios/hugetlb"
    os.makedirs(outdir, exist_ok=True)
    for base in range(4):
        path = os.path.join(outdir, "counters-base%d.scn" % base)
        with open(path, "w") as f:
            f.write(Gen(base).scenario())


if __name__ == "__main__":
    main()
