/**
 * Profile-guided tuning: one or more allocation profiles ({@code dev.hakmem.codegen.profile}) in, an
 * ordinary spec file out ({@link dev.hakmem.codegen.tune.Tuner}; {@link dev.hakmem.codegen.tune.TuneFiles}
 * for build tools). Profiles are merged first: request counts and mallocs summed, a class's
 * {@code peakLive} and {@code burst} the largest seen (the runs did not overlap, so peaks do not add).
 *
 * <h2>Size classes</h2>
 *
 * <p>The runtime's rules fix the sizes a class may have: Tiny classes are multiples of 16 up to 1024,
 * the last 1024; Mid classes multiples of 256 above 1024 up to 32768, the last 32768, none wasting more
 * than a quarter of its block ({@code 4 (size - (previous + 1)) <= size}, the previous of the first
 * being 1024). A request of {@code s} bytes goes to the smallest class {@code >= s} (size 0 to the
 * first). The tuner chooses each tier's classes, at most {@code K} ({@code tinyClasses},
 * {@code midClasses}), to minimise the recorded requests' internal fragmentation
 *
 * <pre>   waste = Σ_s count(s) · (class(s) − s)</pre>
 *
 * <p>exactly, by dynamic programming over the candidate sizes ({@code ClassSelection}). Write the
 * candidates {@code c_j = floor + j·step}, {@code j = 1..n} ({@code floor} 0 and step 16 for Tiny,
 * n = 64; floor 1024 and step 256 for Mid, n = 124), {@code c_0 = floor}. Requests between two
 * candidates always share a class (every class is a candidate), so the candidates are the whole search
 * space, not an approximation, and a layout is a chain {@code 0 = i_0 < i_1 < ... < i_k = n} whose class
 * {@code c_{i_m}} serves the requests in {@code (c_{i_{m-1}}, c_{i_m}]}. With prefix sums
 * {@code N_j} (requests up to {@code c_j}) and {@code S_j} (their bytes), one class costs
 *
 * <pre>   cost(i, j) = c_j · (N_j − N_i) − (S_j − S_i)</pre>
 *
 * <p>and, with {@code F(k, j)} the least cost of {@code k} classes, the largest {@code c_j}, serving
 * every request up to {@code c_j}:
 *
 * <pre>
 *   F(1, j) = cost(0, j)                                     if allowed(c_0, c_j)
 *   F(k, j) = min { F(k−1, i) + cost(i, j) : k−1 &lt;= i &lt; j, allowed(c_i, c_j) }
 *   answer  = min { F(k, n) : 1 &lt;= k &lt;= K }
 * </pre>
 *
 * <p>where {@code allowed(p, c)} is the Mid waste limit (always true for Tiny). That is
 * {@code O(n² K)} steps, under a million for Mid. If no layout of at most {@code K} Mid classes keeps
 * the limit (14 classes are the fewest that can), the tuner takes the best layout of the fewest
 * classes that do and says so in the spec's header. The tests hold the programme against brute force
 * over every subset of small grids, with and without the limit.
 *
 * <p><b>Spare classes.</b> Once every recorded size has a class of its own, more classes cannot lower
 * the waste, and many layouts tie. The tuner still uses all {@code K} classes, because a recording is a
 * sample: a size it did not see (a rare path that did not run) would otherwise round up to the next
 * recorded size, 1024 in the worst case. Ties are broken by a second cost, compared only between
 * layouts that waste the same ({@code (waste, spread)} compared lexicographically; pairs add
 * component-wise, so the recurrence holds for the pair as for a number):
 *
 * <pre>   spread = Σ_j (class(c_j) − c_j) · 2^40 / c_j²</pre>
 *
 * <p>over every candidate {@code j} of the tier, seen or not: the relative waste
 * {@code (class − c_j) / c_j} of the largest request of each candidate's range, weighted {@code 1/c_j},
 * as if unseen sizes were as likely in any doubling (log-uniform). Minimising it spaces the spare
 * classes geometrically, the principle of the runtime's defaults (4 classes per doubling). Fewer classes
 * save a partly used slab per class and thread: ask for fewer if that matters more.
 *
 * <h2>Caches</h2>
 *
 * <p>For each tuned class, {@code demand} is the largest {@code min(burst, peakLive)} of the recorded
 * classes that served, in the recording, the requests the tuned class will serve (for each recorded
 * request size, the smallest recorded class at least that size), and
 *
 * <pre>
 *   capacity = nextPowerOfTwo(demand), clamped to 16..1024 (Tiny) or 4..256 (Mid)
 *   batch    = max(1, capacity / 4)
 * </pre>
 *
 * <ul>
 *   <li>A thread's run of {@code b} mallocs without a free comes from its cache only if the cache held
 *       {@code b} blocks when the run began, and the cache holds the thread's earlier frees up to its
 *       capacity. With capacity {@code >= burst} a steady malloc-run/free-run cycle stays in the cache
 *       after the first round; with less, every round refills and flushes {@code (burst − capacity) /
 *       batch} batches through the shared lists.</li>
 *   <li>{@code peakLive} caps it: no more blocks were ever live at once, so no more were ever freed into
 *       a cache; a producer thread whose blocks other threads free has a long burst but never gets that
 *       many back.</li>
 *   <li>A power of two gives up to 2x headroom for run-to-run variation and reads well in a spec. The
 *       floors keep a few blocks cached even for a class whose runs were single mallocs (and a Tiny
 *       batch of at least 4); the ceilings bound what one class may hold per thread (1 MiB of 1 KiB
 *       blocks, 8 MiB of 32 KiB blocks, and only if that many were live at once).</li>
 *   <li>Batch a quarter of capacity is the runtime's own ratio (128/32, 32/8, 16/4): a tuned class
 *       behaves like a default one, scaled.</li>
 *   <li>The recorded classes are the recording allocator's, so they are looked up through the requests,
 *       not by size: requests of 520 bytes recorded in a 640-byte class are served by a tuned 528-byte
 *       class, whose cache they should size, not by the tuned class whose range holds 640.</li>
 *   <li>When one tuned class serves the requests of several recorded classes, the largest of their
 *       bursts is a lower bound of the tuned class's (runs of two sizes may interleave); the
 *       power-of-two rounding absorbs some of that.</li>
 *   <li>A class that serves no recorded request (or none a recorded class served) keeps the base
 *       spec's cache if the base has a class of that size, else the runtime's default for it.</li>
 * </ul>
 *
 * <h2>Generated fronts</h2>
 *
 * <p>{@code frontsUpTo}: every Tiny class ({@link dev.hakmem.codegen.AllocatorSpec#DEFAULT_FRONTS_UP_TO}),
 * whatever the profile. The generated front is one method indexed by the class, so a class more in it
 * costs nothing, and a class left out costs a mixed-size program a size test that goes either way at
 * random. (The tuner used to give fronts only to a prefix of classes up to a class serving half the
 * Tiny requests, when fronts were code per class: then a front won only where one class was hot.)
 *
 * <h2>The rest</h2>
 *
 * <p>Checks, stats, memory limit, address space and Large/Huge retention come from the base spec if
 * one is given, else the runtime's defaults. The spec file's header names the profiles (path, label,
 * mallocs), the settings, and the internal fragmentation of the recorded requests with the runtime's
 * default classes, the base spec's and the tuned ones, in % of requested bytes.
 */
package dev.hakmem.codegen.tune;
