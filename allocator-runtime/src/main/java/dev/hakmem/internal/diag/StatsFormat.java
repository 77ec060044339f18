package dev.hakmem.internal.diag;

import dev.hakmem.AllocatorStats;
import dev.hakmem.AllocatorStats.ClassStats;
import dev.hakmem.AllocatorStats.TierStats;
import dev.hakmem.LeakReport;
import dev.hakmem.LeakReport.LeakSite;
import java.util.Locale;

/**
 * Text forms of the figures: the one-line summary of an allocator's {@code toString()}, the table of
 * {@code dump()} and the leak report. Pure functions of a snapshot, so what they print is what
 * {@code stats()} returned; nothing here reads the allocator.
 */
public final class StatsFormat {
    private StatsFormat() {}

    /**
     * One line: open or closed, live bytes per tier, committed and resident bytes.
     *
     * @param name what the allocator is called in the line
     */
    public static String oneLine(String name, boolean closed, AllocatorStats s) {
        StringBuilder b = new StringBuilder(name).append('[').append(closed ? "closed" : "open");
        b.append(", live ").append(s.liveBlocks()).append(" blocks ").append(bytes(s.bytesLive())).append(" (");
        for (TierStats t : s.tiers()) {
            if (t.tier().ordinal() > 0) b.append(", ");
            b.append(t.tier().name()).append(' ').append(bytes(t.liveBytes()));
        }
        return b.append("), committed ").append(bytes(s.bytesCommitted())).append(", resident ")
                .append(bytes(s.bytesResident())).append(closed ? " at close]" : "]").toString();
    }

    /** The table of {@code dump()}: totals, one row per tier, one per class that was ever used. */
    public static String table(AllocatorStats s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "hakmem allocator: %d live blocks, %d live bytes; %d allocations, %d frees, "
                        + "%d bytes requested%n", s.liveBlocks(), s.bytesLive(), s.allocations(), s.frees(), s.bytesRequested()));
        b.append(String.format(Locale.ROOT, "memory: %d bytes reserved, %d committed, %d resident; %d racing double frees%n",
                s.bytesReserved(), s.bytesCommitted(), s.bytesResident(), s.racingDoubleFrees()));
        tierRows(b, s);
        b.append(String.format(Locale.ROOT, "%-5s %6s %-5s %12s %14s %14s %14s %8s%n",
                "class", "size", "tier", "live blocks", "live bytes", "allocations", "frees", "slabs"));
        for (ClassStats c : s.classes()) {
            if (c.allocations() == 0 && c.liveBlocks() == 0 && c.slabs() == 0) continue;
            b.append(String.format(Locale.ROOT, "%5d %6d %-5s %12d %14d %14d %14d %8d%n", c.index(), c.size(), c.tier().name(),
                    c.liveBlocks(), c.liveBlocks() * c.size(), c.allocations(), c.frees(), c.slabs()));
        }
        return b.toString();
    }

    private static void tierRows(StringBuilder b, AllocatorStats s) {
        b.append(String.format(Locale.ROOT, "%-5s %12s %14s %14s %14s %14s%n",
                "tier", "live blocks", "live bytes", "cached bytes", "allocations", "frees"));
        for (TierStats t : s.tiers()) {
            b.append(String.format(Locale.ROOT, "%-5s %12d %14d %14d %14d %14d%n", t.tier().name(), t.liveBlocks(),
                    t.liveBytes(), t.cachedBytes(), t.allocations(), t.frees()));
        }
    }

    /** The leak report: totals, tiers and classes with live blocks, then the top allocation sites. */
    public static String leakReport(LeakReport r) {
        AllocatorStats s = r.atClose();
        StringBuilder b = new StringBuilder();
        if (!r.hasLeaks()) {
            b.append("hakmem allocator closed with no live blocks");
            if (!r.smallBlocksCounted()) b.append(" in Large and Huge (Tiny and Mid not counted: stats and checks off)");
            return b.append(System.lineSeparator()).toString();
        }
        b.append(String.format(Locale.ROOT, "hakmem allocator closed with %d live blocks (%d bytes) never freed: leaked%n",
                s.liveBlocks(), s.bytesLive()));
        if (!r.smallBlocksCounted()) b.append("(Tiny and Mid blocks not counted: stats and checks were off)").append(System.lineSeparator());
        b.append(String.format(Locale.ROOT, "%-5s %12s %14s%n", "tier", "live blocks", "live bytes"));
        for (TierStats t : s.tiers()) {
            if (t.liveBlocks() != 0) b.append(String.format(Locale.ROOT, "%-5s %12d %14d%n", t.tier().name(), t.liveBlocks(), t.liveBytes()));
        }
        boolean header = false;
        for (ClassStats c : s.classes()) {
            if (c.liveBlocks() == 0) continue;
            if (!header) {
                b.append(String.format(Locale.ROOT, "%-5s %6s %-5s %12s %14s%n", "class", "size", "tier", "live blocks", "live bytes"));
                header = true;
            }
            b.append(String.format(Locale.ROOT, "%5d %6d %-5s %12d %14d%n", c.index(), c.size(), c.tier().name(),
                    c.liveBlocks(), c.liveBlocks() * c.size()));
        }
        if (r.samplingRate() == 0) {
            b.append("allocation sites: not sampled (AllocatorConfig.builder().leakSampling(n) records one allocation in n)")
                    .append(System.lineSeparator());
            return b.toString();
        }
        b.append(String.format(Locale.ROOT, "%d sampled blocks leaked (one allocation in %d sampled); top allocation sites:%n",
                r.sampledLeaks(), r.samplingRate()));
        int i = 1;
        for (LeakSite site : r.topSites()) {
            b.append(String.format(Locale.ROOT, "#%d: %d blocks, %d bytes requested%n", i++, site.blocks(), site.bytes()));
            for (StackTraceElement e : site.stack()) b.append("\tat ").append(e).append(System.lineSeparator());
        }
        return b.toString();
    }

    /** Bytes for a human: exact below 1 KiB, else one decimal in KiB, MiB, GiB or TiB. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
