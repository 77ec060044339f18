/**
 * Allocation profiles: record what an application asks of its allocator, so that a variant can be
 * generated for exactly that (the codegen's {@code Tuner}, the Maven plugin's {@code tune} goal).
 *
 * <p>{@link dev.hakmem.profile.AllocationRecorder} records in one of two ways, with the same profile
 * and the same contracts (every call is forwarded unchanged; only calls that succeeded are counted):
 * <ul>
 *   <li>{@link dev.hakmem.profile.AllocationRecorder#create(String)}: hakmem's own allocator built with
 *       {@link dev.hakmem.AllocatorConfig.Builder#profile profile(true)} counts the profile in the
 *       thread caches its fast paths already hold, a few plain increments per call next to its
 *       statistics counters; the recorder only samples lifetimes. The cheap way, for hakmem.</li>
 *   <li>{@link dev.hakmem.profile.AllocationRecorder#wrap(dev.hakmem.NativeAllocator, String)}: around any
 *       {@link dev.hakmem.NativeAllocator} (a generated variant, glibc through FFM, ...), the recorder
 *       counts in per-thread tallies of its own. (Wrapping an allocator that counts itself, as
 *       {@code create} does, takes the first way.)</li>
 * </ul>
 * {@link dev.hakmem.profile.AllocationRecorder#profile()} takes a snapshot, and the recorder writes the
 * profile as JSON at close (or on demand with {@link dev.hakmem.profile.AllocationRecorder#writeProfile}).
 *
 * <h2>What is recorded, and how cheaply</h2>
 * Counted by hakmem: per thread cache (one per platform thread; virtual threads share a few locked
 * stripes) a request histogram and, per class, the run, burst, net live count and peak, written plain by
 * the cache's owner and read racily by snapshots like the statistics
 * ({@code dev.hakmem.internal.small.ProfileCounters}). Calls that bypass the caches (Large and Huge
 * blocks, a virtual thread's call when every stripe is busy, an in-place realloc) count in atomics.
 * Counted by the wrapper: each recording thread counts in a tally of its own, plain counters that only
 * it writes (opaque stores, so a snapshot reads whole values), reached through a one-entry-per-thread-id
 * table in front of a {@code ThreadLocal}; a snapshot sums the tallies. Either way an allocation or a
 * free does no atomic read-modify-write in the common case, whatever the number of threads.
 * <ul>
 *   <li>Request sizes: an exact histogram of every requested size up to 1024 bytes, sizes up to
 *       32 KiB rounded up to a multiple of 16, larger ones only counted (count and bytes).</li>
 *   <li>Per size class of the wrapped allocator (its usable block size, up to 32 KiB): allocations,
 *       the peak number of blocks live at once over all threads ({@code peakLive}), and the burst
 *       depth: the longest run of allocations of that class one thread made without freeing any
 *       block of it in between (per thread, exact; counted by hakmem, the virtual threads sharing a
 *       stripe count as one). Live blocks need a global view: each thread (cache) keeps a net count per
 *       class (its allocations minus its frees) and adds it to a shared atomic count when it reaches 32
 *       or -32; at each allocation the thread takes the shared count plus its own net count as the
 *       class's live blocks, and {@code peakLive} is the largest such value. It is <b>exact when one
 *       thread records</b>; with {@code T} threads it may be off, either way, by at most
 *       {@code 31 x (T - 1)} blocks per class (the other threads' counts not yet added). Here {@code T}
 *       counts the threads that have recorded, live ones and ended ones not yet folded (an ended
 *       thread's counts are folded in at the latest at the next snapshot).</li>
 *   <li>Lifetimes (log2 histogram of nanoseconds) and the share of frees made by a thread other than
 *       the allocating one, from sampled blocks: a block is sampled when a hash of its address has
 *       its top 6 bits zero (about 1 in 64), so malloc and free decide alike without a lookup, and
 *       only sampled blocks touch the sample table (64 lock-striped open-addressing tables, no
 *       allocation per sample). Address sampling follows the allocator's address reuse, so these two
 *       numbers are estimates; the tuner does not depend on them.</li>
 * </ul>
 *
 * <p>Counts are exact in a snapshot taken after everything recorded happens-before it (the recording
 * threads ended or were joined, their tasks awaited); a snapshot taken while threads record reads each
 * counter whole but possibly a little behind. Counted by hakmem, a snapshot first reclaims the caches
 * of ended threads (what the allocator otherwise does every 64 new threads). Counted by the wrapper,
 * threads that end are folded into retired totals, so thread churn (thousands of short-lived platform
 * or virtual threads) keeps at most {@code max(16, 2 x the recording threads alive at once)} tallies of
 * about 1 to 3 KiB each. Counted by hakmem, each thread cache carries a 24 KiB histogram.
 *
 * <p>Cost, measured: throughput with recording over plain {@code hakmem} (bench peers
 * {@code hakmem-recorded}, counted by hakmem, and {@code hakmem-wrapped}, the wrapper's tallies; JMH,
 * 2 forks x 5 iterations of 1 s, 2 cores shared with other work, JDK 25; errors are JMH's 99.9%
 * intervals combined; docs/BENCHMARKS-HISTORY.md has the runs).
 * <table>
 *   <caption>Throughput of the recorded allocator relative to the plain one, two runs</caption>
 *   <tr><th>workload</th><th>counted by hakmem</th><th>wrapper's tallies</th></tr>
 *   <tr><td>tinyHot 16 B</td><td>0.51 &plusmn; 0.10, 0.44 &plusmn; 0.10</td><td>0.31 &plusmn; 0.06, 0.30 &plusmn; 0.03</td></tr>
 *   <tr><td>tinyHot 64 B</td><td>0.53 &plusmn; 0.09, 0.56 &plusmn; 0.07</td><td>0.26 &plusmn; 0.04, 0.33 &plusmn; 0.04</td></tr>
 *   <tr><td>randomMixed, 256 live</td><td>0.78 &plusmn; 0.12, 0.83 &plusmn; 0.14</td><td>0.56 &plusmn; 0.12, 0.56 &plusmn; 0.11</td></tr>
 *   <tr><td>randomMixed, 8192 live</td><td>0.72 &plusmn; 0.18, 0.71 &plusmn; 0.24</td><td>0.64 &plusmn; 0.20, 0.59 &plusmn; 0.21</td></tr>
 *   <tr><td>skewed</td><td>0.72 &plusmn; 0.07, 0.71 &plusmn; 0.06</td><td>0.56 &plusmn; 0.09, 0.65 &plusmn; 0.12</td></tr>
 *   <tr><td>xmalloc, one thread timed</td><td>0.78 &plusmn; 0.40</td><td>0.55 &plusmn; 0.33</td></tr>
 *   <tr><td>xmalloc, two threads</td><td>0.61 &plusmn; 0.39</td><td>0.57 &plusmn; 0.30</td></tr>
 * </table>
 * In time per operation: counting by hakmem adds 6 to 15 ns to a malloc or a free (20 ns in xmalloc
 * with two threads), the wrapper 13 to 29 ns, where plain hakmem takes 11 to 38 ns. These workloads do
 * nothing but allocate: a program that spends a tenth of its time in malloc and free and records at
 * 0.75x of plain hakmem's throughput runs about 3% slower. What the wrapper costs is its own lookup of the thread's tally and the chain of
 * dependent loads and stores to reach its counters, and the call itself: its malloc and free compile
 * to about 4 KB each, more than C2 inlines into a caller's loop. A buffered wrapper (events stored in a
 * per-thread array and counted 64 at a time) was measured and not kept: its counting loop's branches
 * on random sizes and kinds cost as much as it saved (docs/BENCHMARKS-HISTORY.md).
 *
 * <h2>The profile file, format {@code hakmem-profile} version 1</h2>
 * <pre>{@code
 * {
 *   "format": "hakmem-profile",
 *   "version": 1,
 *   "label": "what the user named the recording",
 *   "recordedBy": "hakmem-runtime",
 *   "durationMillis": 1234,             // from the recorder's creation to the snapshot
 *   "mallocs": 100000,                  // successful allocations (malloc, calloc, realloc, mallocAligned, allocate)
 *   "frees": 99000,                     // successful frees (realloc counts as a free and an allocation)
 *   "requests": [[24, 50000], ...],     // [size, count], ascending: exact up to 1024, above rounded up to
 *                                       // a multiple of 16, up to 32768; sizes never requested omitted
 *   "bigRequests": {"count": 12, "bytes": 12345678},   // requests above 32768 bytes
 *   "classes": [{"size": 32, "mallocs": 50000, "peakLive": 812, "burst": 100}, ...],
 *                                       // per usable block size of the wrapped allocator, up to 32768
 *   "lifetimes": {"sampled": 1000, "log2NanosHistogram": [0, 0, 3, ...]},  // bucket i: [2^i, 2^(i+1)) ns
 *   "remoteFrees": {"sampled": 1000, "remote": 12}
 * }
 * }</pre>
 * Readers must ignore keys they do not know (later version-1 writers may add some); a change that
 * breaks that rule bumps {@code version}.
 */
package dev.hakmem.profile;
