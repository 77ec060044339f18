/**
 * The Large tier: blocks of 64 KiB - 2 MiB (and aligned requests the size classes cannot serve) as
 * runs of 4 KiB pages in 4 MiB chunks taken from the {@link dev.hakmem.internal.os.Reservation}.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@link dev.hakmem.internal.large.LargeTier}: the router. Picks an arena for an allocation
 *       (the one the thread id hashes to; if its lock is taken, the first other arena whose lock is
 *       free; only if all are busy, waits for its own), sends a free or usable-size query to the arena
 *       that owns the block's chunk, sums the counters, and names the errors for addresses with no
 *       Large chunk.</li>
 *   <li>{@link dev.hakmem.internal.large.LargeArena}: one independent allocator of page runs with its
 *       own lock (a {@link dev.hakmem.internal.PaddedLock}: spin, then yield, then short parks; not
 *       reentrant), chunks, free runs, dirty-page cache and counters. The default count is twice the
 *       processors rounded up to a power of two, at most 16.</li>
 *   <li>{@link dev.hakmem.internal.large.LargeChunk}: the out-of-band page map of one chunk:
 *       boundary tags at run boundaries (coalescing in O(1)), a dirty bit per free page, and the free
 *       list links of the runs that start in it.</li>
 *   <li>{@link dev.hakmem.internal.large.RunBins}: an arena's free runs in one exact-size LIFO list
 *       per page count (1 .. 1024) plus a bitmap of the non-empty sizes. No ordered set, no boxing:
 *       insert and remove are O(1), best fit is a scan of at most 17 bitmap words.</li>
 *   <li>{@link dev.hakmem.internal.large.ChunkTable}: chunk slot to owning chunk (and so arena),
 *       published with release stores and read with acquire loads.</li>
 *   <li>{@link dev.hakmem.internal.large.RetainedPool}: the retained limit, lent to the arenas.</li>
 *   <li>{@link dev.hakmem.internal.large.FreedAddresses}: per-arena rings of run starts the page maps
 *       forgot (coalesced away, chunk given back), so a second free of them is still named a double
 *       free.</li>
 *   <li>{@link dev.hakmem.internal.large.LargeCache}: one platform thread's cache of freed blocks
 *       of every Large size (17 to 512 pages; smaller runs only for alignments the classes cannot
 *       serve), 2 MiB, and up to 16 MiB with bytes borrowed from the retained pool.</li>
 *   <li>{@link dev.hakmem.internal.large.LargeOwners}: an owner id per thread cache, written into
 *       the state word of every block the thread mallocs, and each id's
 *       {@link dev.hakmem.internal.large.LargeInbox}, where other threads leave the blocks of that
 *       owner they free.</li>
 * </ul>
 *
 * <h2>Thread cache</h2>
 * Servers allocate 32-256 KiB buffers as often as small ones; tcmalloc caches up to 256 KiB per
 * thread for that reason. Through the arena alone such a block cost a lock, a bin search, boundary
 * tags and dirty-page bookkeeping on every malloc and free (about 10 of midLargeMt's 25 ns per
 * operation). So each platform thread keeps a {@link dev.hakmem.internal.large.LargeCache}: a LIFO
 * stack of freed block addresses per page count (1 to 512), 2 to 16 blocks each (about 512 KiB),
 * 2 MiB in all, and up to 16 MiB when it can borrow the bytes beyond 2 MiB from the
 * {@link dev.hakmem.internal.large.RetainedPool} (while at least half the retained limit is left
 * there for the arenas, and at most an eighth of the memory limit); a flush gives them back.
 *
 * <p>Why every size, and why 16 MiB: the cache used to stop at 64 pages (256 KiB, tcmalloc's
 * per-thread limit) and 2 MiB. With sizes up to 2 MiB (the large workload: log-uniform from 32 KiB)
 * half the frees and mallocs then took the arena's lock, whose {@code lock cmpxchg} waited for the
 * program's writes to the blocks to drain (a fifth of the workload's samples), and a 2 MiB cache held
 * too few blocks for a malloc to find one of its size. A cache of every size with 16 MiB and owner
 * frees without a CAS (below) made it about 30% faster (7.1-7.5 to 9.25 M ops/s in interleaved
 * forks; with the bitmap of non-empty sizes 10.4 against tcmalloc's 9.0 in 3 forks:
 * docs/BENCHMARKS-HISTORY.md, session 67). The bytes a cache
 * holds are out of reach of other threads while it lives, so they are charged to the retained limit,
 * which bounds freed Large memory kept resident in the arenas and caches together.
 *
 * <p>Blocks of up to 64 KiB no longer come here: they are Mid classes
 * ({@link dev.hakmem.AllocatorConfig#MID_MAX}). Even through this cache a Large block cost about
 * twice a Mid block of the same size (measured with every request of midLargeMt's loop at 32-34 KiB:
 * 43 against 68 M ops/s for 30-32 KiB Mid blocks; tcmalloc 78 and 66): a chunk-table lookup
 * (address to chunk object to its page map) at both ends, a CAS of the run's state word at the free
 * and a release store at the malloc on a page map shared with neighbouring runs, a second lookup of
 * the thread's cache, and, when mixed with Mid sizes, a tier switch the branch predictor cannot
 * learn. A Mid block is one registry load, one plain state-byte access and a pop or push. So the
 * page counts this cache serves are now 17 to 64 (and smaller runs for aligned requests the classes
 * cannot serve).
 *
 * <p>A malloc at page alignment or less pops the stack of its page count, or
 * else of the next page count that holds a block, up to a quarter more pages
 * ({@link dev.hakmem.internal.large.LargeCache#fitLimit}: with sizes that vary, the exact count
 * rarely came back; the large workload ran 6% faster with the quarter, 7.5 against 7.1 M ops/s,
 * medians of 9 interleaved forks); a free pushes onto the freeing thread's stack if it has room,
 * else goes to the arena.
 *
 * <p>Two designs were weighed. Per-arena quick lists (a LIFO per size under the arena's lock, or a
 * lock-free stack per arena) keep every block visible to every thread, but still cost a shared
 * atomic or lock per operation, which is what the two-thread runs paid for. The per-thread cache
 * costs no shared write on a hit; what it gives up is that a living thread's cached blocks are its
 * own (at most 2 MiB per thread), as with the Tiny/Mid caches and with tcmalloc's and jemalloc's
 * thread caches. They go back to the arenas when the thread ends (the reaper, within about 50 ms),
 * when the thread calls {@code releaseThreadCache()}, or when it runs into the memory limit itself.
 *
 * <p>Checks: the arena still counts a cached block as allocated, so no coalescing or trim can touch
 * it and its chunk stays. The block's run-start word in {@link dev.hakmem.internal.large.LargeChunk}'s
 * {@code state} array says who holds it (live: the program; cached: a thread cache; remote: on its
 * way to its owner), its page count, and its <em>owner</em>: the id of the thread cache that malloc'ed
 * it ({@link dev.hakmem.internal.large.LargeOwners}; 0 for a thread with no cache). The same protocol
 * as the Tiny/Mid blocks' state bytes:
 * <ul>
 *   <li>The owner's free of its own block is a plain load and a release store, live to cached: no
 *       atomic instruction. Why: the free of a large block usually follows the program's writes to
 *       it, and a locked instruction waits for those stores to drain; perfasm put a sixth of the large
 *       workload's time in the CAS this replaces (docs/BENCHMARKS-HISTORY.md, session 67).</li>
 *   <li>Another thread's free CASes live to remote and leaves the address in the owner's inbox; the
 *       owner takes it (a CAS remote to cached, or to its arena) when its cache next misses on a
 *       Large malloc, a few entries at a time, or when it flushes. Of two frees of one block racing on two threads, the CAS lets only one through; if
 *       the owner's store lands over a remote word (the owner read live just before), both calls
 *       return, the block sits in the owner's cache once, and the inbox entry, whose word is no longer
 *       remote, is refused as a phantom: counted in {@code AllocatorStats.racingDoubleFrees} and
 *       logged, never handed out. Entries are addresses in an array, never links in the block, which
 *       a phantom's may be reused by then.</li>
 *   <li>When the owner's thread has ended, the reclaimer detaches the inbox (its entries go to the
 *       arenas) and gives the id back; a free that then finds no holder for the id takes the block
 *       itself (nobody stores over that id's words any more). A thread that takes the id again owns
 *       the ended thread's live blocks from then on: at every moment an id has at most one holder.</li>
 *   <li>A block with no owner (malloc'ed on a virtual thread) is freed with a CAS by every thread.</li>
 *   <li>A free of anything else (cached, remote, free, interior, foreign) goes to the arena, which
 *       names it; realloc grows in place only the caller's own or an unowned block (another owner's
 *       word may change under a plain store), and moves the others.</li>
 * </ul>
 * A malloc from the cache sets the word back to live with a release store: only the cache's owner
 * changes a cached word. usableSize and realloc of a cached or remote block are named use after
 * free. The word carries the page count, so the cache needs no lookup of the run's size. Blocks in an
 * inbox count as freed in the statistics (and as cached bytes); they wait for their owner's next
 * cache miss, so a thread that stops allocating Large blocks but lives on keeps them, as the
 * Tiny/Mid inboxes do.
 *
 * <h2>Policy</h2>
 * <ul>
 *   <li>Fit: best fit by size (the smallest free run that holds the request at its alignment); among
 *       runs of that size, the most recently freed one. (The tier used to break ties by lowest
 *       address.) The unused head and tail of the chosen run stay free runs.</li>
 *   <li>Budget: live pages and dirty free pages are charged to the memory budget, decommitted free
 *       pages are not. An allocation charges only the pages of its run that are not dirty, a free
 *       charges nothing, so the steady state never touches the shared budget counter. When a charge
 *       would pass the limit, the arena lets its lock go before calling the budget's reclaimer (which
 *       locks every arena in turn to drop their caches), then looks for a fit again.</li>
 *   <li>Retained limit ({@code AllocatorConfig.largeRetainedBytes}): global, lent to the arenas by a
 *       {@link dev.hakmem.internal.large.RetainedPool}. An arena whose dirty free bytes pass its
 *       allowance borrows more (at least 4 MiB); when the pool is lent out, it decommits free runs,
 *       largest first, down to half its allowance, and if that leaves it below its fair share (the
 *       limit over the arena count) the tier shrinks the other arenas to theirs. So the tier never
 *       keeps more than the limit, and a single busy thread can use all of it. (The limit used to be
 *       split evenly, so one thread could cache only a quarter of it on 2 processors: a working set
 *       of large blocks just over that decommitted and faulted in pages on nearly every operation.)</li>
 *   <li>Reuse across tiers: before the Tiny or Mid tier hands out a span the process does not hold yet,
 *       the tier gives back as many of its dirty free bytes, largest runs first
 *       ({@link dev.hakmem.internal.large.LargeTier#yieldRetained}): the retained cache is memory kept
 *       for the next large blocks, and a native allocator would have carved the small pages out of
 *       it. The allowances stay, so the cache refills with the next frees. Without it mstress kept 5-7
 *       MiB of freed Large blocks beside its small blocks' peak (session 64).</li>
 *   <li>Chunks: a chunk that becomes entirely free stays as a resident free run while its arena is
 *       within its allowance (giving it back at once, as the tier used to, made the next allocations
 *       fault in zeroed pages); trimming gives entirely free chunks back whole, first. Memory pressure
 *       ({@link dev.hakmem.internal.large.LargeTier#releaseCache}) decommits every free page and gives
 *       back every entirely free chunk of every arena. Address-space pressure (the reservation is used
 *       up: {@link dev.hakmem.internal.large.LargeTier#reclaimSpace}, the reservation's space reclaimer)
 *       gives back every entirely free chunk of every arena, one of them straight to the thread that
 *       needs a chunk, so kept chunks never make another arena or tier fail for want of address
 *       space.</li>
 *   <li>Errors: a free that is not of a live run start is refused without changing anything: an
 *       interior address names its block, a run start that is free (or that a recent free made
 *       disappear) is a double free, anything else is a foreign address.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * An arena's state is touched only under its lock, apart from the run-start {@code state} words
 * (see above: CAS and release stores, acquire loads), the thread caches (owner-only) and the inboxes
 * (each under its own lock). A block may be freed by any thread: the free
 * finds the owning arena through the chunk table (acquire load), takes that arena's lock and checks
 * the table slot again, since a chunk can only be given back by its arena under the same lock. No
 * lock is ever held while another is taken, so the locks cannot deadlock (a free that leaves its
 * arena below its fair share lets that arena's lock go before it locks the others to shrink them, and
 * an arena that finds the address space used up lets its lock go before the space reclaimer locks
 * every arena in turn).
 * The retained pool is a single atomic counter, changed only under the lock of the arena whose
 * allowance it moves; it guards no other memory. Zeroing for calloc happens
 * after the lock is let go. The counters are summed arena by arena, each under its lock.
 */
package dev.hakmem.internal.large;
