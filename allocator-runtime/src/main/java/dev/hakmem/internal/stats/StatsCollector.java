package dev.hakmem.internal.stats;

import dev.hakmem.AllocatorStats;
import dev.hakmem.AllocatorStats.ClassStats;
import dev.hakmem.AllocatorStats.TierStats;
import dev.hakmem.Tier;
import dev.hakmem.internal.huge.HugeTier;
import dev.hakmem.internal.large.LargeCache;
import dev.hakmem.internal.large.LargeTier;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.small.SizeClasses;
import dev.hakmem.internal.small.SmallTier;
import dev.hakmem.internal.small.ThreadCache;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an {@link AllocatorStats} snapshot on demand. Nothing is counted here: the Tiny/Mid
 * counters are plain per-thread fields summed now (a benign race: a value read while its thread is
 * counting may be one behind), Large and Huge count under their own locks, and the memory figures
 * come from the budget, the reservation and {@code mincore}.
 */
public final class StatsCollector {
    private final SizeClasses classes;
    private final SmallTier small;
    private final LargeTier large;
    private final HugeTier huge;

    /** Whether the caches count operations (stats on). */
    private final boolean stats;

    /** @param stats whether the caches count operations (then a free refused late is taken back out of its count) */
    public StatsCollector(SizeClasses classes, SmallTier small, LargeTier large, HugeTier huge, boolean stats) {
        this.stats = stats;
        this.classes = classes;
        this.small = small;
        this.large = large;
        this.huge = huge;
    }

    public AllocatorStats collect(List<ThreadCache> caches, long bigRequested, Reservation reservation, MemoryBudget budget) {
        int n = classes.count();
        long[] allocs = new long[n], frees = new long[n];
        long requested = bigRequested;
        for (ThreadCache tc : caches) {
            requested += tc.requested();
            for (int c = 0; c < n; c++) {
                allocs[c] += tc.allocations(c);
                frees[c] += tc.frees(c);
            }
        }
        long racingDoubleFrees = 0;
        for (int c = 0; c < n; c++) {
            long late = small.lateDoubleFrees(c);
            racingDoubleFrees += late;
            if (stats) frees[c] -= late; // its caller counted it; the block was freed only once
        }
        List<ClassStats> classStats = new ArrayList<>(n);
        long[][] tierSums = new long[2][4]; // [tiny|mid][allocs, frees, live, liveBytes]
        for (int c = 0; c < n; c++) {
            long live = allocs[c] - frees[c];
            classStats.add(new ClassStats(c, classes.size(c), classes.tier(c), allocs[c], frees[c], live, small.slabs(c)));
            long[] t = tierSums[classes.isTiny(c) ? 0 : 1];
            t[0] += allocs[c];
            t[1] += frees[c];
            t[2] += live;
            t[3] += live * classes.size(c);
        }
        // Large blocks held by thread caches: the arenas count them as live, the caches as freed.
        long largeAllocs = large.allocations(), largeFrees = large.frees(), largeLive = large.liveBlocks();
        long largeLiveBytes = large.liveBytes(), largeCached = large.cachedBytes();
        for (ThreadCache tc : caches) {
            LargeCache lc = tc.largeCacheIfAny();
            if (lc == null) continue;
            largeAllocs += lc.allocations();
            largeFrees += lc.frees();
            largeLive -= lc.cachedBlocks();
            largeLiveBytes -= lc.cachedBytes();
            largeCached += lc.cachedBytes();
        }
        // Large blocks freed by other threads, waiting for their owners: the arenas count them as live,
        // their freeing threads as freed (phantoms of racing double frees included, taken off here).
        long waitingBytes = large.waitingBytes(), largeRacing = large.racingDoubleFrees();
        largeFrees += large.deliveredFrees() - largeRacing;
        largeLive -= large.waitingBlocks();
        largeLiveBytes -= waitingBytes;
        largeCached += waitingBytes;
        racingDoubleFrees += largeRacing;
        List<TierStats> tiers = List.of(
                new TierStats(Tier.TINY, tierSums[0][0], tierSums[0][1], tierSums[0][2], tierSums[0][3],
                        small.cachedBytes(0, classes.tinyCount(), caches)),
                new TierStats(Tier.MID, tierSums[1][0], tierSums[1][1], tierSums[1][2], tierSums[1][3],
                        small.cachedBytes(classes.tinyCount(), n, caches)),
                new TierStats(Tier.LARGE, largeAllocs, largeFrees, largeLive, largeLiveBytes, largeCached),
                new TierStats(Tier.HUGE, huge.allocations(), huge.frees(), huge.liveBlocks(), huge.liveBytes(),
                        huge.cachedBytes()));
        long allocations = 0, freed = 0, liveBlocks = 0, liveBytes = 0;
        for (TierStats t : tiers) {
            allocations += t.allocations();
            freed += t.frees();
            liveBlocks += t.liveBlocks();
            liveBytes += t.liveBytes();
        }
        long resident = Math.max(0, OsMemory.residentBytes(reservation.base(), reservation.usedSpan())) + huge.residentBytes();
        return new AllocatorStats(requested, liveBytes, liveBlocks, allocations, freed,
                reservation.size() + huge.mappedBytes(), budget.committed(), resident, racingDoubleFrees, tiers, classStats);
    }
    /**
     * {@code s} with the Tiny and Mid live figures replaced by {@code liveByClass} (a census of the
     * block states, {@link dev.hakmem.internal.small.LiveBlockCensus}, for an allocator whose counters
     * are off): per class, per tier, and in the totals. Everything else is kept.
     */
    public static AllocatorStats withSmallLive(AllocatorStats s, long[] liveByClass) {
        List<ClassStats> classStats = new ArrayList<>(s.classes().size());
        long[] blocks = new long[2], bytes = new long[2];
        for (ClassStats c : s.classes()) {
            long live = liveByClass[c.index()];
            classStats.add(new ClassStats(c.index(), c.size(), c.tier(), c.allocations(), c.frees(), live, c.slabs()));
            int t = c.tier() == Tier.TINY ? 0 : 1;
            blocks[t] += live;
            bytes[t] += live * c.size();
        }
        List<TierStats> tiers = new ArrayList<>(s.tiers());
        long liveBlocks = s.liveBlocks(), liveBytes = s.bytesLive();
        for (int t = 0; t < 2; t++) {
            TierStats old = tiers.get(t);
            tiers.set(t, new TierStats(old.tier(), old.allocations(), old.frees(), blocks[t], bytes[t], old.cachedBytes()));
            liveBlocks += blocks[t] - old.liveBlocks();
            liveBytes += bytes[t] - old.liveBytes();
        }
        return new AllocatorStats(s.bytesRequested(), liveBytes, liveBlocks, s.allocations(), s.frees(), s.bytesReserved(),
                s.bytesCommitted(), s.bytesResident(), s.racingDoubleFrees(), tiers, classStats);
    }
}
