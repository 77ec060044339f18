/**
 * Allocation profiles: record what an application asks of its allocator, so that a variant can be
 * generated for exactly that (the codegen's {@code Tuner}, the Maven plugin's {@code tune} goal).
 *
 * <p>{@link dev.hakmem.profile.AllocationRecorder} wraps any {@link dev.hakmem.NativeAllocator} and
 * keeps every contract of the wrapped allocator (it forwards every call and only counts calls that
 * succeeded); {@link dev.hakmem.profile.AllocationRecorder#profile()} takes a snapshot, and the
 * recorder writes the profile as JSON at close (or on demand with
 * {@link dev.hakmem.profile.AllocationRecorder#writeProfile}).
 *
 * <h2>What is recorded, and how cheaply</h2>
 * Each recording thread counts in a tally of its own, plain counters that only it writes (opaque
 * stores, so a snapshot reads whole values), reached through a one-entry-per-thread-id table in front
 * of a {@code ThreadLocal}; a snapshot sums the tallies. So an allocation or a free does no atomic
 * read-modify-write in the common case, whatever the number of threads.
 * <ul>
 *   <li>Request sizes: an exact histogram of every requested size up to 1024 bytes, sizes up to
 *       32 KiB rounded up to a multiple of 16, larger ones only counted (count and bytes).</li>
 *   <li>Per size class of the wrapped allocator (its usable block size, up to 32 KiB): allocations,
 *       the peak number of blocks live at once over all threads ({@code peakLive}), and the burst
 *       depth: the longest run of allocations of that class one thread made without freeing any
 *       block of it in between (per thread, exact). Live blocks need a global view: each thread keeps
 *       a net count per class (its allocations minus its frees) and adds it to a shared atomic count
 *       when it reaches 32 or -32; at each allocation the thread takes the shared count plus its own
 *       net count as the class's live blocks, and {@code peakLive} is the largest such value. It is
 *       <b>exact when one thread records</b>; with {@code T} threads it may be off, either way, by at
 *       most {@code 31 x (T - 1)} blocks per class (the other threads' counts not yet added). Here
 *       {@code T} counts the threads that have recorded, live ones and ended ones not yet folded (an
 *       ended thread's counts are folded in at the latest at the next snapshot). Calls into the
 *       wrapped allocator are unchanged; for hakmem's own allocator malloc's usable size comes from its
 *       size classes and a free reads the block's page once, instead of a {@code usableSize} lookup.</li>
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
 * counter whole but possibly a little behind. Threads that end are folded into retired totals, so
 * thread churn (thousands of short-lived platform or virtual threads) keeps at most
 * {@code max(16, 2 x the recording threads alive at once)} tallies of about 1 to 3 KiB each.
 *
 * <p>Cost, measured: throughput of bench peer {@code hakmem-recorded} over {@code hakmem} (JMH, 2 forks x
 * 5 iterations of 1 s, 2 cores shared with other work, JDK 25; errors are JMH's 99.9% intervals
 * combined). "Atomics" is the previous recorder (several atomic read-modify-writes and a
 * {@code ThreadLocal} per call), run back to back with this one.
 * <table>
 *   <caption>Throughput of the recorded allocator relative to the plain one</caption>
 *   <tr><th>workload</th><th>atomics</th><th>tallies</th></tr>
 *   <tr><td>tinyHot 16 B</td><td>0.30 &plusmn; 0.05</td><td>0.32 &plusmn; 0.04</td></tr>
 *   <tr><td>tinyHot 64 B</td><td>0.31 &plusmn; 0.05</td><td>0.32 &plusmn; 0.02</td></tr>
 *   <tr><td>randomMixed, 256 live</td><td>0.52 &plusmn; 0.12</td><td>0.61 &plusmn; 0.05</td></tr>
 *   <tr><td>randomMixed, 8192 live</td><td>0.61 &plusmn; 0.17</td><td>0.59 &plusmn; 0.10</td></tr>
 *   <tr><td>skewed</td><td>0.45 &plusmn; 0.11</td><td>0.61 &plusmn; 0.16</td></tr>
 *   <tr><td>xmalloc, one thread timed</td><td>0.28 &plusmn; 0.16</td><td>0.42 &plusmn; 0.16</td></tr>
 *   <tr><td>xmalloc, two threads</td><td>0.60 &plusmn; 0.48</td><td>0.82 &plusmn; 0.51</td></tr>
 * </table>
 * Single-threaded tight loops gained nothing measurable: there the old atomics were uncontended, and
 * what costs is the recording's chain of dependent loads and stores (about 12 ns per call in a
 * malloc/free loop of 100 blocks) and the call itself: the recorded malloc and free compile to about
 * 4 KB each, more than C2 inlines into a caller's loop (about 6 ns per call measured). Where threads
 * count the same class at once (xmalloc), no call does a contended atomic any more, but on 2 shared
 * cores the noise is as large as the gain.
 *
 * <h2>The profile file, format {@code hakmem-profile} version 1</h2>
 * <pre>{@code
 * {
 *   "format": "hakmem-profile",
 *   "version": 1,
 *   "label": "what the user named the recording",
 *   "recordedBy": "hakmem-runtime",
 *   "durationMillis": 1234,             // from the recorder's creation to the snapshot
 *   "mallocs": 100000,                  // successful allocations (malloc, calloc, realloc, alignedAlloc, allocate)
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
