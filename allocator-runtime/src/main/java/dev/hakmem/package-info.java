/**
 * hakmem for Java: malloc/free for off-heap memory, on {@code java.lang.foreign}.
 *
 * <p>Start with {@link dev.hakmem.Hakmem#create()}, which returns a {@link dev.hakmem.NativeAllocator}:
 * raw {@code malloc}/{@code free} on {@code long} addresses, and a {@link java.lang.foreign.SegmentAllocator}
 * whose segments become inaccessible when the allocator is closed. {@link dev.hakmem.AllocatorConfig}
 * holds every setting; {@link dev.hakmem.AllocatorStats} is a cheap snapshot of the counters, also
 * readable as text ({@code toString()}, {@link dev.hakmem.NativeAllocator#dump()}) and over JMX
 * ({@link dev.hakmem.HakmemMXBean}); {@link dev.hakmem.LeakReport} is what {@code close()} found still
 * live (logged, and kept: {@link dev.hakmem.NativeAllocator#leakReport()}).
 *
 * <h2>Design</h2>
 * The allocator is a set of boxes, each a small package of {@code dev.hakmem.internal} with one
 * responsibility (hakmem's "box" design, mimalloc's file layout):
 * <pre>
 *   malloc(size) / free(p)                          front: internal.HakmemAllocator
 *        |                                           (routes by size, fast paths inline)
 *        +-- size &lt;= 64 KiB --&gt; thread cache   small.ThreadCaches / ThreadCache / ClassCache
 *        |       | empty / full                        (per thread, per class, LIFO arrays of addresses)
 *        |       v                                     own slabs: small.Slab (carving)
 *        |    spill per thread and class        small.Spill (own frees beyond the cache, one reused array)
 *        |    inbox per thread and class        small.BatchStack (remote frees, lock-free batches)
 *        |    shared list per class             small.CentralFreeList (virtual threads, ended threads)
 *        |       | empty
 *        |       v
 *        |    span source (64 KiB / 512 KiB)   small.SpanSource
 *        +-- size &lt;= 2 MiB --&gt; page runs       large.LargeTier -&gt; LargeArena by thread hash
 *        |                                       (own lock and chunks; RunBins: best fit, coalescing)
 *        |                     \_______________________ both cut 4 MiB chunks of one reservation:
 *        |                                             os.Reservation (+ os.MemoryBudget: the limit)
 *        +-- larger --------&gt; one mapping each   huge.HugeTier
 *                                                     os.OsMemory: mmap/munmap/madvise/mincore
 *   free(p): which tier, class, owner?            registry.ChunkRegistry (one int per 64 KiB page)
 *   stats()                                         stats.StatsCollector
 *   dump(), leak report, MXBean, leak sampling      diag.StatsFormat, diag.AllocatorMXBean, diag.LeakSampler
 * </pre>
 *
 * <h3>Tiers</h3>
 * <ul>
 *   <li><b>Tiny</b> (&lt;= 1 KiB): 20 classes, 16-byte steps to 128 B then 4 per doubling; 64 KiB slabs of
 *       one class.</li>
 *   <li><b>Mid</b> (1-64 KiB): 24 classes, 4 per doubling (1280, 1536, 1792, 2048, 2560, ...), so no block
 *       wastes more than 20% (hakmem's 8/16/32 KiB classes waste up to 87%); 512 KiB spans.</li>
 *   <li><b>Large</b> (64 KiB-2 MiB): 4 KiB page runs in 4 MiB chunks, split into independent arenas
 *       (picked by a hash of the thread id, another one when its lock is taken); best fit from exact-size
 *       bins, free neighbours coalesced through boundary tags, at most {@code largeRetainedBytes} of
 *       freed pages kept resident (lent to the arenas from one pool), the rest decommitted; entirely
 *       free chunks are kept within that limit and go back to the reservation when trimmed or when
 *       the address space runs out.</li>
 *   <li><b>Huge</b> (&gt; 2 MiB): one {@code mmap} per block; on free the mapping is kept for the next
 *       Huge block that fits (split and merged, bounded by {@code hugeRetainedBytes} and the live Huge
 *       bytes) and unmapped after about a second without reuse.</li>
 * </ul>
 *
 * <h3>Memory source</h3>
 * One contiguous range of address space (64 GiB by default) is reserved {@code PROT_NONE} at creation
 * and handed out in 4 MiB chunks made read-write on first use. Nothing is zeroed by the allocator: the
 * kernel supplies zero pages lazily, so resident memory follows what is touched, not what is reserved
 * ({@code Arena.allocate} would zero, i.e. touch, every byte, and could free only by closing). Because
 * all Tiny, Mid and Large memory lies in one range, "is this address ours?" is one unsigned compare and
 * "which class, and whose?" one int load.
 *
 * <h3>Metadata out of band</h3>
 * No allocator data lives in or next to a block: free lists are {@code long[]} arrays of addresses on
 * the Java heap, Large boundary tags are Java arrays, and the checks' block states are bytes in two
 * native maps of their own beside the reservation (a state's address is computed from the block's,
 * with no array to load or bounds to check), never handed out. A user who writes into a freed block
 * or past the end of a live one corrupts only user data, never the allocator.
 *
 * <h3>Threads</h3>
 * Each platform thread has a cache per class (capacity and batch per class from the config) and owns
 * the slabs it carves; only the owner hands out their blocks, so blocks of two threads never share a
 * cache line. A block freed by its owner goes back onto the owner's cache; one freed by another thread
 * waits in that thread's outbox and goes, a batch at a time (one CAS), to the owner's inbox, which the
 * owner drains when its cache runs dry: no lock on any Tiny or Mid malloc or free. Virtual threads
 * share a fixed set of try-locked stripes, and an ended thread's blocks and slabs become shared; shared
 * blocks travel through a per-class lock-free central list that every cache draws from before taking new
 * memory. Only the Large tier takes locks (one per arena; a free takes the lock of the arena that owns
 * the block's chunk), and slab carving is a CAS on the slab's counter.
 *
 * <h3>Checks</h3>
 * With checks on, each small block has a state byte (never allocated / live / freed / on its way to
 * its owner) in an out-of-band state map: malloc stores "live"; a free by the slab's owner, the
 * common case, is a plain load and store live-&gt;freed (no atomic instruction); a free of a shared
 * slab's block is a CAS live-&gt;freed, and a free by another thread a CAS live-&gt;remote, the owner
 * turning remote into freed when the block reaches it. This detects a double free even while the
 * block sits in a thread cache, and interior or never-allocated addresses before anything is changed.
 * The one double free a plain owner's free can miss at the call, another thread freeing the same
 * block in the same few nanoseconds, is caught when the second free reaches the owner: refused,
 * counted ({@code AllocatorStats.racingDoubleFrees}) and logged, never handing the block out twice
 * (the protocol and why each access suffices: {@code internal.small.BlockState}). Large blocks are
 * checked against their boundary tags and a run-start state word with the same owner protocol (the
 * owner's free a store, another thread's a CAS to remote and a delivery to the owner, a racing
 * phantom refused and counted: {@code internal.large}), Huge blocks against the
 * table of live mappings (and a bounded memory of recent frees to name a double free). With checks off
 * the small fast paths contain no check code at all.
 */
package dev.hakmem;
