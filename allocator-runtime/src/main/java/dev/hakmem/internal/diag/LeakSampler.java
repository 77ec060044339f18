package dev.hakmem.internal.diag;

import dev.hakmem.LeakReport;
import dev.hakmem.LeakReport.LeakSite;
import dev.hakmem.internal.OneIn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The allocation sites of sampled blocks ({@link dev.hakmem.AllocatorConfig#leakSampling()}), out of
 * band: a concurrent map from a sampled block's address to its site, entered at malloc and removed at
 * free, so that what is left at close is the sampled part of the leak.
 *
 * <p>Which allocation is sampled: each is, with probability {@code 1 / rate}, by a thread-local random
 * draw (as Netty's {@code ResourceLeakDetector} samples buffers); no shared counter, so sampling
 * threads do not contend. A sampled allocation captures a {@link Throwable} (its stack is resolved
 * into frames only when a report is made) and enters the map: microseconds, paid one allocation in
 * {@code rate}.
 *
 * <p>Finding a record at free cheaply: most freed blocks were never sampled, and a map lookup per free
 * would cost a hash and a probe into a table that may be large. A counting filter answers first: one
 * counter per slot of {@value #SLOTS}, the slot picked by a hash of the address; a sample increments
 * its slot's counter before the free can see the address, a removed record decrements it. A free looks
 * in the map only when its slot counts anything (a nonzero counter may be another address's: then the
 * lookup finds nothing, at the cost of the lookup). The counter is read plain: the freeing thread got
 * the block's address from the thread that sampled it through a happens-before edge (the contract of a
 * free), which orders the increment and the map entry before the read.
 *
 * <p>Invariant: the map holds an entry for an address exactly while a sampled block starts there, and
 * each slot's counter is the number of entries whose address hashes to it.
 */
public final class LeakSampler {
    /** Slots of the filter: 64 KiB of counters, cache-resident when frees are frequent. */
    static final int SLOTS = 1 << 14;
    /** Frames kept per site, after the allocator's own are left out. */
    static final int MAX_FRAMES = 16;

    private final int rate;
    private final OneIn oneIn;
    private final ConcurrentHashMap<Long, Sample> samples = new ConcurrentHashMap<>();
    private final AtomicIntegerArray filter = new AtomicIntegerArray(SLOTS);
    /**
     * Whether a {@link SamplingAllocator} feeds this sampler: an allocator built directly (a test's
     * {@code new HakmemAllocator(config)}) rather than through {@code Hakmem.create} has a sampler that
     * sees no allocation, and its report must not claim "sampled, nothing leaked".
     */
    private volatile boolean fed;

    /** One sampled block: what it was asked for with, and where. */
    record Sample(long size, Throwable site) {}

    /** @param rate one allocation in {@code rate} (at least 1) is sampled */
    public LeakSampler(int rate) {
        if (rate < 1) throw new IllegalArgumentException("leak sampling rate must be >= 1, got " + rate);
        this.rate = rate;
        this.oneIn = new OneIn(rate);
    }

    /** Called by the wrapper that feeds this sampler, before any allocation. */
    void markFed() {
        fed = true;
    }

    /** Whether a wrapper feeds this sampler (see {@link #fed}). */
    public boolean fed() {
        return fed;
    }

    /** The sampling rate. */
    public int rate() {
        return rate;
    }

    /** Whether the allocation being made now is to be sampled (a random draw, 1 in {@link #rate}). */
    boolean draw() {
        return oneIn.hit();
    }

    /** Maybe samples the block just allocated at {@code address} for a request of {@code size} bytes. */
    void allocated(long address, long size) {
        if (draw()) record(address, new Sample(size, new Throwable("allocation site")));
    }

    private void record(long address, Sample s) {
        filter.getAndIncrement(slot(address));
        if (samples.put(address, s) != null) filter.getAndDecrement(slot(address)); // replaced: counted once
    }

    /**
     * The block at {@code address} is being freed: removes and returns its record, or null if it has
     * none. Before the allocator frees it, so that its address cannot be handed out (and sampled) again
     * meanwhile.
     */
    Sample take(long address) {
        int slot = slot(address);
        if (filter.getPlain(slot) == 0) return null; // the common case: one load
        Sample s = samples.remove(address);
        if (s != null) filter.getAndDecrement(slot);
        return s;
    }

    /** Puts back a record {@link #take} removed (the free or realloc that took it failed, or stayed in place). */
    void restore(long address, Sample s) {
        record(address, s);
    }

    /** Sampled blocks live now. */
    public int liveSamples() {
        return samples.size();
    }

    /** Whether the filter holds anything for {@code address} (tests). */
    boolean mayHold(long address) {
        return filter.get(slot(address)) != 0;
    }

    private static int slot(long address) {
        long h = (address >>> 4) * 0x9E3779B97F4A7C15L; // Fibonacci hashing of the 16-byte granule
        return (int) (h >>> (64 - 14));
    }

    /** The sampled blocks still live, grouped by allocation stack, most bytes first, at most {@code max} sites. */
    public List<LeakSite> topSites(int max) {
        Map<List<StackTraceElement>, long[]> bySite = new HashMap<>();
        for (Sample s : samples.values()) {
            long[] t = bySite.computeIfAbsent(callerFrames(s.site()), k -> new long[2]);
            t[0]++;
            t[1] += s.size();
        }
        List<LeakSite> sites = new ArrayList<>(bySite.size());
        bySite.forEach((stack, t) -> sites.add(new LeakSite(stack, t[0], t[1])));
        sites.sort(Comparator.comparingLong(LeakSite::bytes).thenComparingLong(LeakSite::blocks).reversed());
        return sites.size() <= max ? sites : List.copyOf(sites.subList(0, max));
    }

    /** The frames of {@code site} from the allocator's caller on: the runtime's own frames (dev.hakmem.internal) left out. */
    static List<StackTraceElement> callerFrames(Throwable site) {
        StackTraceElement[] all = site.getStackTrace();
        int from = 0;
        while (from < all.length && all[from].getClassName().startsWith("dev.hakmem.internal.")) from++;
        return Arrays.asList(Arrays.copyOfRange(all, from, Math.min(all.length, from + MAX_FRAMES)));
    }

    /** The report's sampled part: how many sampled blocks are live, and their top sites. */
    public LeakReport report(dev.hakmem.AllocatorStats atClose, boolean smallBlocksCounted) {
        List<LeakSite> top = topSites(LeakReport.TOP_SITES);
        return new LeakReport(atClose, smallBlocksCounted, rate, samples.size(), top);
    }
}
