package dev.hakmem;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of the allocator, fixed when it is created. Immutable; build one with
 * {@link #builder()}. {@link #defaults()} is what {@link Hakmem#create()} uses.
 *
 * <h2>Settings and defaults</h2>
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>range</th></tr>
 *   <tr><td>Tiny classes</td><td>16, 32, ..., 128 (16 B steps), then 4 per doubling up to 1024</td>
 *       <td>ascending multiples of 16, the last one exactly {@value #TINY_MAX}, at most 64 classes</td></tr>
 *   <tr><td>Mid classes</td><td>4 per doubling from 1280 to 65536 (at most 20% waste per block)</td>
 *       <td>ascending multiples of 256 above {@value #TINY_MAX}, the last one exactly {@value #MID_MAX},
 *       each at most 25% above its predecessor's successor byte (no class wastes more than 25%)</td></tr>
 *   <tr><td>cache capacity / batch per class</td><td>Tiny up to 128 B 512 / 128, above 512 / 32; Mid up to 4 KiB 128 / 8, above 64 / 4 (a cache starts at a quarter of its capacity, or two batches if more, and grows to it)</td>
 *       <td>1 &lt;= batch &lt;= capacity &lt;= 65536</td></tr>
 *   <tr><td>checks</td><td>on</td><td>on: double frees and foreign frees are detected (also for blocks
 *       in thread caches); off: the fast paths carry no check code</td></tr>
 *   <tr><td>stats</td><td>on</td><td>off: no per-operation counters (stats() then reports memory only)</td></tr>
 *   <tr><td>profile</td><td>off</td><td>on: the thread caches also count an allocation profile (request
 *       sizes, per class peak live blocks and burst depth) for {@link dev.hakmem.profile.AllocationRecorder};
 *       needs stats on</td></tr>
 *   <tr><td>leak sampling</td><td>0 (off)</td><td>n &gt;= 1: one allocation in n on average records its stack
 *       trace, so that the leak report at {@link NativeAllocator#close()} names the top allocation sites of
 *       leaked blocks; 0 &lt;= n</td></tr>
 *   <tr><td>memory limit</td><td>unlimited ({@code Long.MAX_VALUE})</td><td>bytes the allocator may hold
 *       from the OS at once; &gt;= 4 MiB</td></tr>
 *   <tr><td>address space</td><td>64 GiB</td><td>virtual address range reserved (not committed) for
 *       Tiny, Mid and Large memory; 64 MiB .. 64 TiB, a multiple of 4 MiB</td></tr>
 *   <tr><td>Large retained bytes</td><td>64 MiB</td><td>freed Large memory kept resident for reuse, in the
 *       arenas and beyond 2 MiB per thread cache; the rest is returned to the OS; &gt;= 0</td></tr>
 *   <tr><td>Huge retained bytes</td><td>0</td><td>freed Huge mappings kept for reuse; &gt;= 0</td></tr>
 *   <tr><td>guard sampling</td><td>off (0)</td><td>one block in this many (up to 64 KiB) is guarded:
 *       an overflow or use after free faults at once; 0 (off) or &gt;= 1</td></tr>
 * </table>
 */
public final class AllocatorConfig {
    /** Largest Tiny request, bytes. */
    public static final int TINY_MAX = 1024;
    /** Largest Tiny class whose default batch is 128 blocks; larger Tiny classes move 32 at once. */
    static final int SMALL_TINY_MAX = 128;
    /**
     * Largest Mid request, bytes. Blocks of up to 64 KiB come from size-class spans through the
     * thread caches, as tcmalloc's small objects do (it goes to 256 KiB); a Large run of 9-16 pages
     * through the Large tier's own cache cost about twice as much per malloc and free (a chunk-table
     * lookup, a run-state CAS at the free, the page map's state line), so buffers just above 32 KiB,
     * common in servers, ran at half the speed of those just below.
     */
    public static final int MID_MAX = 64 * 1024;
    /** Largest Large request, bytes; above it requests go straight to the OS (Huge). */
    public static final int LARGE_MAX = 2 * 1024 * 1024;
    /** Every block is aligned to at least this many bytes. */
    public static final int MIN_ALIGNMENT = 16;

    private static final AllocatorConfig DEFAULTS = builder().build();

    private final int[] tinyClasses;
    private final int[] midClasses;
    private final int[] cacheCapacity; // indexed by class: tiny classes, then mid classes
    private final int[] batchSize;
    private final boolean checks;
    private final boolean stats;
    private final boolean profile;
    private final int leakSampling;
    private final long memoryLimit;
    private final long addressSpace;
    private final long largeRetainedBytes;
    private final long hugeRetainedBytes;
    private final int guardSampling;

    private AllocatorConfig(Builder b) {
        this.tinyClasses = b.tinyClasses.clone();
        this.midClasses = b.midClasses.clone();
        int n = tinyClasses.length + midClasses.length;
        this.cacheCapacity = new int[n];
        this.batchSize = new int[n];
        for (int i = 0; i < n; i++) {
            int size = classSize(i);
            int[] cb = b.classCaches.get(size);
            if (cb == null) {
                if (i < tinyClasses.length) cb = size <= SMALL_TINY_MAX ? b.smallTinyCache : b.bigTinyCache;
                else cb = size <= 4096 ? b.smallMidCache : b.bigMidCache;
            }
            cacheCapacity[i] = cb[0];
            batchSize[i] = cb[1];
        }
        this.checks = b.checks;
        this.stats = b.stats;
        this.profile = b.profile;
        this.leakSampling = b.leakSampling;
        this.memoryLimit = b.memoryLimit;
        this.addressSpace = b.addressSpace;
        this.largeRetainedBytes = b.largeRetainedBytes;
        this.hugeRetainedBytes = b.hugeRetainedBytes;
        this.guardSampling = b.guardSampling;
    }

    /**
     * The configuration of {@link Hakmem#create()}: every setting at the default of the table above.
     *
     * @return the shared default configuration (immutable)
     */
    public static AllocatorConfig defaults() { return DEFAULTS; }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder; change only what differs from the defaults, then {@link Builder#build()}
     */
    public static Builder builder() { return new Builder(); }

    /**
     * A builder starting from this configuration, to derive a variant of it. Every class gets its
     * current capacity and batch as a per-class setting, so a later {@link Builder#tinyCache} or
     * {@link Builder#midCache} does not change them.
     *
     * @return a new builder holding every setting of this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tinyClasses = tinyClasses.clone();
        b.midClasses = midClasses.clone();
        for (int i = 0; i < classCount(); i++) b.classCaches.put(classSize(i), new int[] {cacheCapacity[i], batchSize[i]});
        b.checks = checks;
        b.stats = stats;
        b.profile = profile;
        b.leakSampling = leakSampling;
        b.memoryLimit = memoryLimit;
        b.addressSpace = addressSpace;
        b.largeRetainedBytes = largeRetainedBytes;
        b.hugeRetainedBytes = hugeRetainedBytes;
        b.guardSampling = guardSampling;
        return b;
    }

    /**
     * Tiny class sizes.
     *
     * @return a copy of the Tiny class sizes in bytes, ascending, the last one {@value #TINY_MAX}
     */
    public int[] tinyClasses() { return tinyClasses.clone(); }
    /**
     * Mid class sizes.
     *
     * @return a copy of the Mid class sizes in bytes, ascending, the last one {@value #MID_MAX}
     */
    public int[] midClasses() { return midClasses.clone(); }
    /**
     * Number of size classes; class indexes run over the Tiny classes first, then the Mid ones.
     *
     * @return the number of Tiny plus Mid classes
     */
    public int classCount() { return tinyClasses.length + midClasses.length; }
    /**
     * Block size of one class.
     *
     * @param index class index, {@code 0 <= index < classCount()} (Tiny classes first, then Mid)
     * @return the block size of that class, in bytes
     * @throws ArrayIndexOutOfBoundsException if {@code index} is outside {@code [0, classCount())}
     */
    public int classSize(int index) {
        return index < tinyClasses.length ? tinyClasses[index] : midClasses[index - tinyClasses.length];
    }
    /**
     * Thread-cache capacity of one class: the most free blocks of the class a thread keeps before it
     * moves a batch out of its cache. A thread's cache of the class starts at a quarter of this
     * (at least two batches, at most this) and doubles, up to this, each time refills have brought it half its
     * length in blocks since it last grew: only a thread whose working set of the class outgrows
     * its cache holds more.
     *
     * @param index class index, {@code 0 <= index < classCount()}
     * @return the capacity in blocks
     * @throws ArrayIndexOutOfBoundsException if {@code index} is outside {@code [0, classCount())}
     */
    public int cacheCapacity(int index) { return cacheCapacity[index]; }
    /**
     * Batch size of one class: how many blocks move at once between a thread cache and the shared
     * lists (or, for a free by another thread, back to the block's owner; there at most 32 KiB of
     * blocks, so fewer for classes above 8 KiB).
     *
     * @param index class index, {@code 0 <= index < classCount()}
     * @return the batch in blocks, at most {@link #cacheCapacity(int)}
     * @throws ArrayIndexOutOfBoundsException if {@code index} is outside {@code [0, classCount())}
     */
    public int batchSize(int index) { return batchSize[index]; }
    /**
     * Whether misuse checks are on (see {@link Builder#checks(boolean)}).
     *
     * @return true when double frees and frees of never-allocated block starts are detected
     */
    public boolean checks() { return checks; }
    /**
     * Whether per-operation counters are kept (see {@link Builder#stats(boolean)}).
     *
     * @return true when {@link NativeAllocator#stats()} reports operation counts as well as memory
     */
    public boolean stats() { return stats; }
    /**
     * Whether the thread caches count an allocation profile (see {@link Builder#profile}).
     *
     * @return true when the allocator counts what {@link dev.hakmem.profile.AllocationRecorder} reads
     */
    public boolean profile() { return profile; }
    /**
     * How often an allocation records its stack trace for the leak report (see {@link Builder#leakSampling}).
     *
     * @return 0 when off (the default), else n: one allocation in n on average is sampled
     */
    public int leakSampling() { return leakSampling; }
    /**
     * Bytes the allocator may hold from the OS at once; beyond them an allocation first makes the
     * cached memory give way, then throws {@link OutOfMemoryError}.
     *
     * @return the limit in bytes, {@link Long#MAX_VALUE} for none
     */
    public long memoryLimit() { return memoryLimit; }
    /**
     * Virtual address space reserved (not committed) for Tiny, Mid and Large memory when the allocator
     * is created. Huge blocks are mapped outside it.
     *
     * @return the reservation's size in bytes, a multiple of 4 MiB
     */
    public long addressSpace() { return addressSpace; }
    /**
     * Freed Large bytes kept resident for reuse; freed Large memory beyond it goes back to the OS.
     *
     * @return the limit in bytes, at least 0
     */
    public long largeRetainedBytes() { return largeRetainedBytes; }
    /**
     * Freed Huge bytes kept mapped for reuse (default 64 MiB); a freed Huge block beyond it is unmapped,
     * and a kept mapping not reused for about a second is unmapped too. A Huge malloc reuses the best
     * fit among the kept mappings, merged where they touch, so a program that frees and mallocs blocks
     * of several MiB does not fault in fresh pages for each.
     *
     * @return the limit in bytes, at least 0 (0: every Huge free unmaps)
     */
    public long hugeRetainedBytes() { return hugeRetainedBytes; }
    /**
     * Guarded sampling (see {@link Builder#guardSampling}): one block in this many is guarded.
     *
     * @return the rate, or 0 when off
     */
    public int guardSampling() { return guardSampling; }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocatorConfig c
                && Arrays.equals(tinyClasses, c.tinyClasses) && Arrays.equals(midClasses, c.midClasses)
                && Arrays.equals(cacheCapacity, c.cacheCapacity) && Arrays.equals(batchSize, c.batchSize)
                && checks == c.checks && stats == c.stats && profile == c.profile && leakSampling == c.leakSampling && memoryLimit == c.memoryLimit
                && addressSpace == c.addressSpace && largeRetainedBytes == c.largeRetainedBytes
                && hugeRetainedBytes == c.hugeRetainedBytes && guardSampling == c.guardSampling;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tinyClasses) * 31 + Arrays.hashCode(midClasses) * 17 + Arrays.hashCode(cacheCapacity)
                + Long.hashCode(memoryLimit) + (checks ? 1 : 0) + (stats ? 2 : 0) + (profile ? 4 : 0) + leakSampling * 8 + guardSampling * 31;
    }

    @Override
    public String toString() {
        return "AllocatorConfig{tinyClasses=" + Arrays.toString(tinyClasses) + ", midClasses=" + Arrays.toString(midClasses)
                + ", cacheCapacity=" + Arrays.toString(cacheCapacity) + ", batchSize=" + Arrays.toString(batchSize)
                + ", checks=" + checks + ", stats=" + stats + ", profile=" + profile + ", leakSampling=" + leakSampling + ", memoryLimit=" + memoryLimit
                + ", addressSpace=" + addressSpace + ", largeRetainedBytes=" + largeRetainedBytes
                + ", hugeRetainedBytes=" + hugeRetainedBytes + ", guardSampling=" + guardSampling + "}";
    }

    /** Default Tiny classes: 16-byte steps to 128, then 4 classes per doubling up to 1024. */
    static int[] defaultTinyClasses() {
        return new int[] {16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024};
    }

    /** Default Mid classes: 4 per doubling, 1280 .. 65536. */
    static int[] defaultMidClasses() {
        int[] c = new int[4 * Integer.numberOfTrailingZeros(MID_MAX / TINY_MAX)]; // 4 per doubling above 1024
        int i = 0;
        for (int base = 1024; base < MID_MAX; base <<= 1) {
            for (int q = 5; q <= 8; q++) c[i++] = base / 4 * q;
        }
        return c;
    }

    /** Builds an {@link AllocatorConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private int[] tinyClasses = defaultTinyClasses();
        private int[] midClasses = defaultMidClasses();
        /**
         * Tiny classes up to {@link #SMALL_TINY_MAX} bytes move 128 blocks at once (16 KiB at most).
         * A batch is also the node a remote free's outbox fills before one push to the owner's inbox,
         * and each node's round trip is five atomic operations on words both threads write (the
         * push, the owner's take of its inbox, the node's return to the class's pool, the sender's
         * pop and its lock). With 32 blocks a node, xmalloc (every free remote) ran 39.8 M ops/s;
         * with 128, 57.7 (medians of 4 interleaved forks, docs/BENCHMARKS-HISTORY.md, session 50).
         * Larger Tiny classes keep 32 (at most 32 KiB a batch).
         */
        private int[] smallTinyCache = {512, 128};
        private int[] bigTinyCache = {512, 32};
        private int[] smallMidCache = {128, 8};
        private int[] bigMidCache = {64, 4};
        private final Map<Integer, int[]> classCaches = new LinkedHashMap<>();
        private boolean checks = true;
        private boolean stats = true;
        private boolean profile = false;
        private int leakSampling = 0;
        private long memoryLimit = Long.MAX_VALUE;
        private long addressSpace = 64L << 30;
        private long largeRetainedBytes = 64L << 20;
        private long hugeRetainedBytes = 64L << 20;
        private int guardSampling = 0;

        private Builder() {}

        /**
         * Replaces the Tiny classes. More classes waste fewer bytes per block, fewer keep fewer thread
         * caches warm.
         *
         * @param sizes the class sizes in bytes: 1 to 64 strictly ascending multiples of 16, the last
         *     exactly {@value AllocatorConfig#TINY_MAX}
         * @return this builder
         * @throws IllegalArgumentException if {@code sizes} breaks one of those rules (the message says which)
         */
        public Builder tinyClasses(int... sizes) {
            if (sizes == null || sizes.length == 0) throw new IllegalArgumentException("tinyClasses: at least one class is needed");
            if (sizes.length > 64) throw new IllegalArgumentException("tinyClasses: at most 64 classes, got " + sizes.length);
            checkAscendingMultiples("tinyClasses", sizes, 16, 16);
            if (sizes[sizes.length - 1] != TINY_MAX) {
                throw new IllegalArgumentException("tinyClasses: the last class must be " + TINY_MAX + " (the Tiny limit), got " + sizes[sizes.length - 1]);
            }
            this.tinyClasses = sizes.clone();
            return this;
        }

        /**
         * Replaces the Mid classes.
         *
         * @param sizes the class sizes in bytes: 1 to 60 strictly ascending multiples of 256 above
         *     {@value AllocatorConfig#TINY_MAX}, the last exactly {@value AllocatorConfig#MID_MAX}, and no
         *     class wasting more than 25% of a block on the smallest request it serves
         *     ({@code size - (previous + 1) <= size / 4}; the first's previous is 1024)
         * @return this builder
         * @throws IllegalArgumentException if {@code sizes} breaks one of those rules (the message says
         *     which, and for the 25% rule between which classes to add one)
         */
        public Builder midClasses(int... sizes) {
            if (sizes == null || sizes.length == 0) throw new IllegalArgumentException("midClasses: at least one class is needed");
            if (sizes.length > 60) throw new IllegalArgumentException("midClasses: at most 60 classes, got " + sizes.length);
            checkAscendingMultiples("midClasses", sizes, 256, TINY_MAX + 1);
            if (sizes[sizes.length - 1] != MID_MAX) {
                throw new IllegalArgumentException("midClasses: the last class must be " + MID_MAX + " (the Mid limit), got " + sizes[sizes.length - 1]);
            }
            int prev = TINY_MAX;
            for (int s : sizes) {
                long worstWaste = s - (prev + 1L); // a request of prev+1 bytes lands in class s
                if (worstWaste * 4 > s) {
                    throw new IllegalArgumentException("midClasses: class " + s + " after " + prev + " wastes up to "
                            + (100 * worstWaste / s) + "% of a block; at most 25% is allowed (add a class in between)");
                }
                prev = s;
            }
            this.midClasses = sizes.clone();
            return this;
        }

        /**
         * Cache capacity and batch of every Tiny class that {@link #classCache} does not set (replacing
         * both defaults, for classes up to 128 B and above).
         *
         * @param capacity the most free blocks a thread keeps per class (see {@link AllocatorConfig#cacheCapacity})
         * @param batch blocks moved at once between a thread cache and the shared lists
         * @return this builder
         * @throws IllegalArgumentException unless {@code 1 <= batch <= capacity <= 65536}
         */
        public Builder tinyCache(int capacity, int batch) {
            int[] cb = checkCache("tinyCache", capacity, batch);
            this.smallTinyCache = cb;
            this.bigTinyCache = cb;
            return this;
        }

        /**
         * Cache capacity and batch of every Mid class that {@link #classCache} does not set (replacing
         * both defaults, for classes up to 4 KiB and above).
         *
         * @param capacity the most free blocks a thread keeps per class (see {@link AllocatorConfig#cacheCapacity})
         * @param batch blocks moved at once between a thread cache and the shared lists
         * @return this builder
         * @throws IllegalArgumentException unless {@code 1 <= batch <= capacity <= 65536}
         */
        public Builder midCache(int capacity, int batch) {
            int[] cb = checkCache("midCache", capacity, batch);
            this.smallMidCache = cb;
            this.bigMidCache = cb;
            return this;
        }

        /**
         * Cache capacity and batch of one class, whatever {@link #tinyCache} or {@link #midCache} says.
         *
         * @param classSize the class's block size; {@link #build()} checks that such a class exists
         * @param capacity the most free blocks a thread keeps of this class (see {@link AllocatorConfig#cacheCapacity})
         * @param batch blocks moved at once between a thread cache and the shared lists
         * @return this builder
         * @throws IllegalArgumentException unless {@code 1 <= batch <= capacity <= 65536}
         */
        public Builder classCache(int classSize, int capacity, int batch) {
            classCaches.put(classSize, checkCache("classCache(" + classSize + ")", capacity, batch));
            return this;
        }

        /**
         * Misuse checks on (default) or off. Off, the fast paths store no block state: a double free,
         * or a free of a block start never handed out, goes undetected (addresses that start no block
         * are still refused).
         *
         * @param on whether to check
         * @return this builder
         */
        public Builder checks(boolean on) { this.checks = on; return this; }

        /**
         * Per-operation counters on (default) or off. Off, {@link NativeAllocator#stats()} reports the
         * memory figures and the Large and Huge counts only.
         *
         * @param on whether to count
         * @return this builder
         */
        public Builder stats(boolean on) { this.stats = on; return this; }

        /**
         * Allocation profile counted in the thread caches on, or off (default): what
         * {@link dev.hakmem.profile.AllocationRecorder#create} records, at the cost of a few plain
         * increments per call on objects the fast path already holds. Needs stats on.
         *
         * @param on whether to count the profile
         * @return this builder
         */
        public Builder profile(boolean on) { this.profile = on; return this; }

        /**
         * Leak sampling: with {@code rate} n &gt;= 1, one allocation in n on average (chosen at random, as
         * Netty's leak detector samples buffers) records its stack trace, kept out of band until the
         * block is freed; the leak report logged at {@link NativeAllocator#close()} then names the top
         * allocation sites of the blocks still live. 1 samples every allocation. Off (0, the default),
         * the allocator's code paths are those of an allocator without the feature: the sampling lives
         * in a wrapper the allocator is only built with when this is on. On, each malloc costs a random
         * draw and each free a lookup in a small filter, and a sampled malloc a stack walk (microseconds)
         * and a map entry. Blocks of a generated variant's fronts are not sampled (see the README).
         *
         * @param rate 0 (off), or n &gt;= 1: sample one allocation in n on average
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is negative
         */
        public Builder leakSampling(int rate) {
            if (rate < 0) {
                throw new IllegalArgumentException("leakSampling(" + rate + "): the rate must be >= 0 (0: off, 1: every "
                        + "allocation, n: one allocation in n on average)");
            }
            this.leakSampling = rate;
            return this;
        }

        /**
         * Bytes the allocator may hold from the OS at once.
         *
         * @param bytes the limit, at least 4 MiB ({@code 4194304})
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 4 MiB
         */
        public Builder memoryLimit(long bytes) {
            if (bytes < (4L << 20)) throw new IllegalArgumentException("memoryLimit: at least 4194304 bytes (4 MiB), got " + bytes);
            this.memoryLimit = bytes;
            return this;
        }

        /**
         * Virtual address space reserved for Tiny, Mid and Large memory. Reserving costs no memory, only
         * address space; Tiny, Mid and Large blocks cannot take more than this.
         *
         * @param bytes the size of the reservation: a multiple of 4 MiB from 64 MiB to 64 TiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is out of that range or not a multiple of 4 MiB
         */
        public Builder addressSpace(long bytes) {
            if (bytes < (64L << 20) || bytes > (64L << 40) || (bytes & ((4L << 20) - 1)) != 0) {
                throw new IllegalArgumentException("addressSpace: a multiple of 4 MiB between 64 MiB and 64 TiB, got " + bytes);
            }
            this.addressSpace = bytes;
            return this;
        }

        /**
         * Freed Large bytes kept resident for reuse; the rest goes back to the OS. What is kept goes back
         * first when the Tiny and Mid tiers need spans the process does not hold yet, so that the
         * process reuses it before it grows.
         *
         * @param bytes the limit, at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder largeRetainedBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("largeRetainedBytes: must be >= 0, got " + bytes);
            this.largeRetainedBytes = bytes;
            return this;
        }

        /**
         * Freed Huge bytes kept mapped for reuse (default 64 MiB); the rest is unmapped on free, and what
         * is kept is unmapped after about a second without reuse. 0 unmaps every Huge block on free.
         *
         * @param bytes the limit, at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder hugeRetainedBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("hugeRetainedBytes: must be >= 0, got " + bytes);
            this.hugeRetainedBytes = bytes;
            return this;
        }

        /**
         * Guards one block in {@code rate} (GWP-ASan's sampling, for this allocator): a sampled block of
         * at most 64 KiB ends where a page that is never accessible begins, and its pages become
         * inaccessible at its free and are not reused for a while. A write or read past the end of a
         * sampled raw block, or of its memory after the free, faults at once: the JVM stops with a crash
         * report naming the address (its {@code siginfo}), instead of corrupting other data unseen. A
         * sampled segment from {@link NativeAllocator#allocate} gets its own scope, closed at its free,
         * so that its later accesses throw {@link IllegalStateException}. Off by default. What it costs
         * (measured in docs/BENCHMARKS.md): a random draw per malloc, a range check per free, and per
         * sampled block a few system calls and at least two pages (a sampled segment also opens and
         * closes a shared arena, a handshake with every thread). Sampled blocks are not counted in
         * {@link NativeAllocator#stats()}. Applied by {@link Hakmem#create(AllocatorConfig)}; not a spec
         * key (a diagnostic switched on where the program runs, not a shape of the allocator), so
         * generated variants never sample.
         *
         * @param rate 0 for off, else one block in {@code rate} on average is guarded (1: every block
         *     of at most 64 KiB, while fewer than 1024 guarded blocks are live)
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is negative
         */
        public Builder guardSampling(int rate) {
            if (rate < 0) throw new IllegalArgumentException("guardSampling: rate must be 0 (off) or >= 1, got " + rate);
            this.guardSampling = rate;
            return this;
        }

        /**
         * Checks what no single setter can (profile needs stats; every {@link #classCache} names an
         * existing class) and builds.
         *
         * @return the configuration, immutable
         * @throws IllegalArgumentException if {@code profile(true)} is set with {@code stats(false)}, or a
         *     {@link #classCache} names a size that is no Tiny or Mid class
         */
        public AllocatorConfig build() {
            if (profile && !stats) throw new IllegalArgumentException("profile(true) needs stats(true): the profile's counts are the stats counters");
            for (int size : classCaches.keySet()) {
                if (Arrays.binarySearch(tinyClasses, size) < 0 && Arrays.binarySearch(midClasses, size) < 0) {
                    throw new IllegalArgumentException("classCache(" + size + "): no Tiny or Mid class has size " + size
                            + "; classes are " + Arrays.toString(tinyClasses) + " and " + Arrays.toString(midClasses));
                }
            }
            return new AllocatorConfig(this);
        }

        private static int[] checkCache(String what, int capacity, int batch) {
            if (batch < 1 || capacity < batch || capacity > 65536) {
                throw new IllegalArgumentException(what + ": need 1 <= batch <= capacity <= 65536, got capacity "
                        + capacity + ", batch " + batch);
            }
            return new int[] {capacity, batch};
        }

        private static void checkAscendingMultiples(String what, int[] sizes, int multiple, int min) {
            int prev = 0;
            for (int i = 0; i < sizes.length; i++) {
                int s = sizes[i];
                if (s < min || s % multiple != 0) {
                    throw new IllegalArgumentException(what + ": class " + i + " is " + s + "; sizes must be multiples of "
                            + multiple + " and at least " + min);
                }
                if (s <= prev) {
                    throw new IllegalArgumentException(what + ": sizes must be strictly ascending, but " + s + " follows " + prev);
                }
                prev = s;
            }
        }
    }
}
