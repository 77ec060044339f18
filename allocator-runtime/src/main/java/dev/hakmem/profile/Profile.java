package dev.hakmem.profile;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of an {@link AllocationRecorder}: what was asked of the allocator. {@link #toJson()} is the
 * profile file (format and fields: {@linkplain dev.hakmem.profile the package documentation}).
 *
 * @param label what the user named the recording
 * @param durationMillis from the recorder's creation to the snapshot
 * @param mallocs successful allocations
 * @param frees successful frees
 * @param requests request-size histogram, ascending, no zero counts
 * @param bigRequests requests above {@link #MAX_SMALL} bytes: count
 * @param bigRequestBytes requests above {@link #MAX_SMALL} bytes: total bytes
 * @param classes per usable block size of the wrapped allocator, ascending
 * @param lifetimeSamples sampled blocks freed
 * @param lifetimeLog2Nanos bucket {@code i}: sampled lifetimes in {@code [2^i, 2^(i+1))} nanoseconds
 * @param remoteFrees sampled frees made by a thread other than the allocating one
 */
public record Profile(String label, long durationMillis, long mallocs, long frees, List<Request> requests,
        long bigRequests, long bigRequestBytes, List<ClassUse> classes, long lifetimeSamples,
        long[] lifetimeLog2Nanos, long remoteFrees) {
    /** The format name in the file. */
    public static final String FORMAT = "hakmem-profile";
    /** The format version this runtime writes. */
    public static final int VERSION = 1;
    /** Requests above this many bytes are only counted (the small tiers end here). */
    public static final int MAX_SMALL = 32768;

    /**
     * One bar of the request-size histogram: {@code count} requests of {@code size} bytes.
     *
     * @param size the requested size in bytes, exact up to 1024; above 1024 the requests are rounded up
     *     to a multiple of 16, so {@code size} is the top of a 16-byte bucket
     * @param count how many successful allocations asked for that size (never 0 in a profile)
     */
    public record Request(int size, long count) {}

    /**
     * Use of the blocks of one usable size (a size class of the recorded allocator), what the tuner
     * sizes a class's cache from.
     *
     * @param size the usable block size in bytes
     * @param mallocs allocations served by blocks of this size
     * @param peakLive the most blocks of this size live at once
     * @param burst the longest run of allocations of this size that one thread made without freeing one
     */
    public record ClassUse(int size, long mallocs, long peakLive, long burst) {}

    /**
     * Takes immutable copies of the lists and a copy of the lifetime histogram, so a profile never
     * changes once made.
     *
     * @throws NullPointerException if {@code label}, {@code requests}, {@code classes} or
     *     {@code lifetimeLog2Nanos} is null
     */
    public Profile {
        Objects.requireNonNull(label, "label");
        requests = List.copyOf(requests);
        classes = List.copyOf(classes);
        lifetimeLog2Nanos = lifetimeLog2Nanos.clone();
    }

    /**
     * The sampled lifetimes, as a histogram over powers of two.
     *
     * @return a copy of the histogram: element {@code i} counts sampled lifetimes in
     *     {@code [2^i, 2^(i+1))} nanoseconds
     */
    @Override
    public long[] lifetimeLog2Nanos() {
        return lifetimeLog2Nanos.clone();
    }

    /** Equal when every field is (the lifetime histogram by content). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Profile p && label.equals(p.label) && durationMillis == p.durationMillis && mallocs == p.mallocs
                && frees == p.frees && requests.equals(p.requests) && bigRequests == p.bigRequests
                && bigRequestBytes == p.bigRequestBytes && classes.equals(p.classes) && lifetimeSamples == p.lifetimeSamples
                && java.util.Arrays.equals(lifetimeLog2Nanos, p.lifetimeLog2Nanos) && remoteFrees == p.remoteFrees;
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, durationMillis, mallocs, frees, requests, bigRequests, bigRequestBytes, classes,
                lifetimeSamples, java.util.Arrays.hashCode(lifetimeLog2Nanos), remoteFrees);
    }

    @Override
    public String toString() {
        return "Profile[" + label + ", " + mallocs + " mallocs, " + requests.size() + " request sizes, " + classes.size() + " classes]";
    }

    /**
     * The profile file's text, which {@code hakmem:tune} reads.
     *
     * @return JSON in the format {@value #FORMAT} version {@value #VERSION}, one top-level key per line,
     *     ending in a newline
     */
    public String toJson() {
        StringBuilder j = new StringBuilder(256 + 24 * requests.size() + 80 * classes.size()).append("{\n");
        j.append("  \"format\": \"").append(FORMAT).append("\",\n");
        j.append("  \"version\": ").append(VERSION).append(",\n");
        j.append("  \"label\": ");
        quote(j, label).append(",\n");
        j.append("  \"recordedBy\": \"hakmem-runtime\",\n");
        j.append("  \"durationMillis\": ").append(durationMillis).append(",\n");
        j.append("  \"mallocs\": ").append(mallocs).append(",\n");
        j.append("  \"frees\": ").append(frees).append(",\n");
        j.append("  \"requests\": [");
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            j.append(i == 0 ? "\n    " : i % 8 == 0 ? ",\n    " : ", ").append('[').append(r.size()).append(", ").append(r.count()).append(']');
        }
        j.append(requests.isEmpty() ? "],\n" : "\n  ],\n");
        j.append("  \"bigRequests\": {\"count\": ").append(bigRequests).append(", \"bytes\": ").append(bigRequestBytes).append("},\n");
        j.append("  \"classes\": [");
        for (int i = 0; i < classes.size(); i++) {
            ClassUse c = classes.get(i);
            j.append(i == 0 ? "\n    " : ",\n    ").append("{\"size\": ").append(c.size()).append(", \"mallocs\": ").append(c.mallocs())
                    .append(", \"peakLive\": ").append(c.peakLive()).append(", \"burst\": ").append(c.burst()).append('}');
        }
        j.append(classes.isEmpty() ? "],\n" : "\n  ],\n");
        j.append("  \"lifetimes\": {\"sampled\": ").append(lifetimeSamples).append(", \"log2NanosHistogram\": [");
        for (int i = 0; i < lifetimeLog2Nanos.length; i++) j.append(i == 0 ? "" : ", ").append(lifetimeLog2Nanos[i]);
        j.append("]},\n");
        j.append("  \"remoteFrees\": {\"sampled\": ").append(lifetimeSamples).append(", \"remote\": ").append(remoteFrees).append("}\n");
        return j.append("}\n").toString();
    }

    /** Appends {@code s} as a JSON string (quotes, backslashes and control characters escaped). */
    private static StringBuilder quote(StringBuilder j, String s) {
        j.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                case '\r' -> j.append("\\r");
                case '\t' -> j.append("\\t");
                default -> {
                    if (ch < 0x20) j.append(String.format("\\u%04x", (int) ch)); else j.append(ch);
                }
            }
        }
        return j.append('"');
    }
}
