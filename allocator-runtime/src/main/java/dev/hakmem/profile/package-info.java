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
 * <ul>
 *   <li>Request sizes: an exact histogram of every requested size up to 1024 bytes, sizes up to
 *       32 KiB rounded up to a multiple of 16, larger ones only counted (count and bytes). One
 *       uncontended-in-the-common-case atomic increment per allocation.</li>
 *   <li>Per size class of the wrapped allocator (its usable block size, up to 32 KiB): allocations,
 *       the peak number of blocks live at once over all threads ({@code peakLive}), and the burst
 *       depth: the longest run of allocations of that class one thread made without freeing any
 *       block of it in between. Live counts are one atomic add per call; the peak is a racy maximum
 *       (a concurrent update can be lost, so it may read a few blocks low under heavy contention);
 *       burst runs are per-thread plain counters.</li>
 *   <li>Lifetimes (log2 histogram of nanoseconds) and the share of frees made by a thread other than
 *       the allocating one, from sampled blocks: a block is sampled when a hash of its address has
 *       its low 6 bits zero (about 1 in 64), so malloc and free decide alike without a lookup, and
 *       only sampled blocks touch the sample map. Address sampling follows the allocator's address
 *       reuse, so these two numbers are estimates; the tuner does not depend on them.</li>
 * </ul>
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
