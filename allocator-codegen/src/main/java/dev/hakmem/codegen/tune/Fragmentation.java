package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import java.util.Locale;

/**
 * Internal fragmentation of a class layout over recorded requests: the bytes lost to rounding each
 * request up to its class, against the bytes requested. Requests above 1024 bytes are recorded rounded
 * up to a multiple of 16, so above that their waste is understated by less than 16 bytes each.
 *
 * @param wastedBytes {@code Σ count(s) (class(s) - s)} over the requests of up to 32768 bytes
 * @param requestedBytes {@code Σ count(s) s} over the same requests
 */
public record Fragmentation(long wastedBytes, long requestedBytes) {
    /** The fragmentation of {@code config}'s Tiny and Mid classes over {@code histogram} (counts by size). */
    static Fragmentation of(AllocatorConfig config, long[] histogram) {
        int[] tiny = config.tinyClasses();
        int[] mid = config.midClasses();
        long wasted = 0;
        long requested = 0;
        int cls = 0;
        for (int s = 0; s < histogram.length && s <= AllocatorConfig.MID_MAX; s++) {
            if (histogram[s] == 0) continue;
            while (classSize(tiny, mid, cls) < s) cls++;
            wasted = Math.addExact(wasted, Math.multiplyExact(histogram[s], (long) classSize(tiny, mid, cls) - s));
            requested = Math.addExact(requested, Math.multiplyExact(histogram[s], (long) s));
        }
        return new Fragmentation(wasted, requested);
    }

    private static int classSize(int[] tiny, int[] mid, int cls) {
        return cls < tiny.length ? tiny[cls] : mid[cls - tiny.length];
    }

    /**
     * The internal fragmentation as a share.
     *
     * @return wasted bytes in % of requested bytes; 0 when nothing was requested (only size-0 requests)
     */
    public double percent() {
        return requestedBytes == 0 ? 0 : 100.0 * wastedBytes / requestedBytes;
    }

    /**
     * The share for a spec's header.
     *
     * @return {@link #percent()} with two decimals and a per-cent sign, e.g. {@code 12.34%}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%.2f%%", percent());
    }
}
