/**
 * The Tiny and Mid tiers: size classes, per-thread caches that own their slabs, lock-free inboxes for
 * remote frees, shared free lists and slab carving.
 *
 * <p>Flow of a block: carved from a {@link dev.hakmem.internal.small.Slab} (an address computed from
 * the slab base, nothing written) owned by one platform thread's
 * {@link dev.hakmem.internal.small.ThreadCache}, handed out from that cache's
 * {@link dev.hakmem.internal.small.ClassCache} (a LIFO array). Freed by the owner, it goes back onto
 * the owner's cache, and when that is full the cache's older half goes to the owner's
 * {@link dev.hakmem.internal.small.Spill} (a reused array of up to 1024 addresses, then a bitmap per slab: no Java garbage per batch); freed by another
 * thread, it goes into that thread's outbox and, a batch at a time (at most 32 KiB of blocks, so that
 * large blocks do not wait where nobody can use them), into the owner's inbox (a
 * lock-free {@link dev.hakmem.internal.small.BatchStack}). The owner refills a dry cache from its
 * inbox, then its spill, then the shared side, and carves only when all are empty. A class's cache
 * array starts at a quarter of the class's capacity and doubles, up to it, at a refill once refills
 * have brought half its length since it last grew ({@link dev.hakmem.internal.small.ClassCache#arrayForRefill}):
 * a thread whose working set of a class fits the capacity then keeps it in its cache, and its
 * free never reaches the overflow path (which C2 then leaves out of the compiled free). The registry
 * records each slab's owner next to its class, so the free path tells local from remote with the
 * same single load. Only the owner hands out blocks of the slabs it carved, so blocks of two platform
 * threads never share a cache line (no false sharing; a claimed slab, below, may still have some of
 * its blocks in other caches).
 *
 * <p>Virtual threads use a few stripes, caches shared under a lock held for one call (see
 * {@link dev.hakmem.internal.small.ThreadCaches}). A stripe has an owner id and owns slabs like a
 * platform thread's cache: the lock orders each holder's plain accesses before the next holder's, so
 * for everything below a stripe is one more owner, one that never ends. A virtual thread's free of a
 * block taken under the same stripe is then an owner's free, a plain store, where with shared slabs it
 * was a CAS on the state byte. A virtual thread's free therefore locks the block's own stripe when it
 * is free ({@link dev.hakmem.internal.small.ThreadCaches#lockStripeFor}), and a malloc the stripe of
 * its processor; a free under another stripe (the owner stayed busy) or on a platform thread is a
 * remote free to the stripe's inbox. threadChurn with virtual threads ran 15-34% faster for it, with
 * the same resident memory within the runs' spread, at the price of committed memory that each
 * stripe's slabs hold (see ThreadCaches; docs/BENCHMARKS-HISTORY.md, session 32).
 *
 * <p>Adopted caches: a new platform thread first takes over the whole cache of a thread that has
 * ended and that nobody has reclaimed yet ({@link dev.hakmem.internal.small.ThreadCaches}'s
 * {@code adoptEnded}): blocks, spills, inbox, owned slabs and owner id, with nothing moved, as a
 * thread pool's next task would find its worker's cache, instead of the reclaim taking it apart block
 * by block and the next thread putting it together again. Not a cache with a burst in a spill (its
 * thread freed more blocks of a class than the class's cache holds, as a thread that frees all it
 * owns before it ends does): that one is reclaimed, so that its Mid spans whose blocks are all free go
 * back to the OS. A spill of a few batches, which any running cache has, does not bar the adoption.
 * Measured (docs/BENCHMARKS-HISTORY.md, sessions 57 and 60), the gain is small: mimalloc-bench's
 * mleak (a thread per block) about 6% faster in the median of 18 rounds, threadChurn within the
 * spread; since a few spilled batches no longer bar the adoption (before, most of larson's ended
 * caches were reclaimed), a new thread's first malloc and free takes about 12 us instead of 50, and
 * throughput stays within the spread.
 * So "ended" is not for good: a cache whose owner has ended may get a live owner again, and whoever
 * acts on "ended" takes the same lock as the adoption (the reclaim, {@code SmallTier}'s acceptance of
 * an ended owner's inbox entries). A cache's generated front goes with it.
 *
 * <p>Shared slabs: a thread that ends leaves its slabs, blocks and inbox to the shared side
 * ({@link dev.hakmem.internal.small.SmallTier#abandon}), and a malloc without any cache (a virtual
 * thread that found every stripe busy) carves from a shared slab. Free blocks of shared slabs travel in batches
 * through the class's {@link dev.hakmem.internal.small.CentralFreeList}, which every cache draws from
 * before taking new memory, so memory of ended threads is reused.
 *
 * <p>Orphaned slabs: the free blocks an ended thread held of its own fully carved slabs are not pooled
 * but stay with their slab ({@link dev.hakmem.internal.small.OrphanedSlabs}), and one thread takes the
 * slab and all of them together: the first to free one of the slab's live blocks (its claim, below),
 * or a thread about to take a new slab (before carving: {@code SmallTier}'s refill). This is
 * mimalloc's reclaim of abandoned pages, out of band. Pooled batch by batch, two threads came to hold
 * blocks of one slab, and the one that claimed it received the other's frees as remote frees while the
 * other carved new slabs: in larson with two threads a quarter of all frees were a CAS, and 49 MB were
 * committed for 5 MB live after 150 thread lives, and growing; with orphaned slabs 15 MB, flat.
 * An ended thread's slab still being carved is orphaned the same way, and its taker carves on (a
 * thread frees its blocks, which larson's small classes all live in, or is about to take a new slab
 * with none of its own left to carve).
 * A free of a block whose owner has ended but is not yet reclaimed reclaims it there and then
 * ({@link dev.hakmem.internal.small.SmallFront}), so the thread that takes over an ended thread's live
 * blocks claims its slabs on its first frees, instead of sending them to an inbox nobody drains.
 * "There and then" is at the first batch its outbox starts for that owner; a thread that streams
 * batches to one owner it found alive looks again only at every 16th batch
 * ({@code ClassCache.aliveOwner}), since the look reads the owner's cache object, which the owner
 * writes all the time (xmalloc's consumer missed on it at every batch).
 * A Mid slab (a 512 KiB span) whose carved blocks the reclaim finds all free is not orphaned but given
 * back to the OS, free for any Mid class to take again: kept as its class's orphan, it stayed resident
 * until a thread of that class came, and mstress's resident memory was the sum of every class's
 * high-water mark (its peak RSS 60-62 MB, 54-55 MB after). A Tiny slab stays an orphan either way: given
 * back, each cost threadChurn's short lives a {@code madvise} and page faults, a third of its speed.
 * A slab's orphans are a bitmap of its blocks ({@link dev.hakmem.internal.small.Slab#newOrphanBits}),
 * reused from one orphaning to the next, and the reclaim gathers the ended thread's blocks in that
 * thread's own spills, whose arrays the next threads inherit: a thread that ends holding 120,000 free
 * blocks is reclaimed with 34 KB of Java garbage, where copying their addresses into lists and per-slab
 * arrays made 3.9 MB ({@code ThreadEndGarbageTest}), and the heap, and with it the process's RSS,
 * grew with every such thread's end.
 *
 * <p>Claimed slabs: a platform thread that frees a block of a shared slab carved to its end makes the
 * slab its own ({@link dev.hakmem.internal.small.SmallTier#claimShared}: a CAS on the registry entry
 * of the slab's first page decides between racing claimers). Without it, an ended thread's slabs stayed
 * shared as long as any of their blocks lived, and shared blocks circulate through every thread's
 * cache: in larson (threads that hand their blocks to a successor and end) nearly every free became a
 * CAS on a state byte whose cache line the other threads write, half of the two-thread run's time.
 * After the claim, the claimer's frees of the slab's blocks are an owner's, others' are remote frees
 * to it. Blocks of the slab already in other caches or in the shared pool stay there and are handed out
 * as before: the one way blocks of an owned slab reach another thread's cache. An inbox entry sent to
 * the old owner and still in flight then reaches a thread that does not own the slab: it is forwarded
 * to the slab's owner, or accepted by CAS if that owner has ended
 * ({@link dev.hakmem.internal.small.SmallTier}'s {@code accepts}); a shared slab still being carved
 * for mallocs without a cache is never claimed. A stripe claims no slab, and its overflow sends the
 * blocks of shared slabs to the pool instead of its spill ({@code SmallTier.poolShared}): the mallocs
 * that found every stripe busy carve shared slabs, and when stripes claimed them and kept their
 * blocks, each round of contention carved fresh memory (one stripe under constant contention: 150-200
 * MB for 1 MB live; {@code StripeContentionTest}).
 *
 * <p>Invariant: every carved block of a class is at each moment in exactly one place: live (with the
 * user), in one thread cache, in one thread's spill, in one outbox, in one inbox batch, in one batch
 * of the central list, or among its slab's orphans. With checks on, the one exception is the phantom entry of a racing double free
 * (see below), which is refused where it arrives and never handed out.
 * The tests check it by racing producers, consumers, releasers and closers and counting.
 *
 * <p>Checks (one state byte per block, {@link dev.hakmem.internal.small.BlockState}): the state
 * changes without an atomic instruction where only one thread can be involved, and with a CAS where
 * two can race. malloc stores LIVE (the caller alone holds the block); the owner's free of its own
 * slab's block is a plain load and store; a free of a shared slab's block is a CAS LIVE to FREED, and
 * a free by another thread a CAS LIVE to REMOTE, after which the block travels to its owner, who
 * accepts it (REMOTE to FREED) when it drains its inbox. The only race a plain free can lose is a
 * remote free of the same block landing between its load and store: both calls return, and the
 * remote one's entry, arriving at an owner that finds the block no longer REMOTE, is refused, counted
 * and logged ({@link dev.hakmem.internal.small.SmallTier}). Because an entry in a live owner's inbox
 * may be such a phantom, only that owner accepts it: the pressure path counts spills and shared lists
 * as free, not other live threads' inboxes (a living thread hands its inbox and cache over with
 * {@code releaseThreadCache()}). An ended owner's slabs are made shared before its inbox is closed, so
 * entries that arrive later are accepted by CAS, by whichever thread sends them.
 *
 * <p>Memory pressure ({@link dev.hakmem.internal.small.CentralFreeList#releaseFreeSlabs}): a slab goes
 * back to the OS when every block carved from it is on a free list the pressure path holds (orphans
 * included), whether or
 * not it was carved to its end. It is sealed first (its carve counter CASed to the end), so nobody
 * carves from it meanwhile; its owner, which may still name it as the slab it carves, then finds it
 * empty and takes a new one. Spans the OS refused to decommit stay charged and are reused first
 * ({@link dev.hakmem.internal.small.SpanSource}).
 *
 * <p>The fast paths are in {@link dev.hakmem.internal.small.SmallFront}, with the entries generated
 * fronts call for their slow paths; the slow paths are in {@link dev.hakmem.internal.small.SmallTier}.
 *
 * <p>Counting: with stats on, each cache counts its allocations and frees per class in plain fields
 * that only its owner writes (read racily by {@code stats()}); with the allocation profile on
 * ({@link dev.hakmem.internal.small.ProfileCounters}), it also keeps a request histogram and, per
 * class, the run, burst, unpublished live count and peak next to them, so a profile costs a few plain
 * increments on the objects the fast paths already hold. Those free counters are also the evidence
 * for a thread's hot class ({@link dev.hakmem.internal.small.HotClass}): judged on slow paths only, a
 * class with nearly all of a thread's recent frees is taken by the free path on one comparison of the
 * page's info, so that the push does not wait on the page table's load; a thread of mixed classes has
 * none. Statistics off, no class is ever hot.
 */
package dev.hakmem.internal.small;
