package dev.hakmem.codegen.profile;

import java.util.List;
import java.util.Objects;

/**
 * One recording of a workload's allocations, as the runtime's profile recorder writes it (a JSON file,
 * format {@value #FORMAT}, version {@value #VERSION}; the layout is in this package's javadoc).
 * {@link ProfileReader} reads one, {@link ProfileWriter} writes one.
 *
 * <p>The constructor checks what the tuner relies on (sizes in range and ascending, counts not
 * negative, at least one malloc), so a profile built in code is as sound as one read from a file; the
 * reader checks the same rules first, at the offending JSON node, for a message with a line and column.
 *
 * @param source where the profile came from (a file path as the user named it); cited in tuned specs
 * @param label free text the user gave when recording
 * @param recordedBy the recorder that wrote it, e.g. {@code hakmem-runtime 0.1.0-SNAPSHOT}
 * @param durationMillis how long the recording ran
 * @param mallocs allocations recorded, at least 1
 * @param frees frees recorded
 * @param requests how often each size was requested: exact sizes up to {@value #EXACT_MAX}, larger ones
 *     rounded up to a multiple of {@value #ROUNDING}, up to {@value #REQUEST_MAX}; ascending, sizes
 *     unique, counts at least 1
 * @param bigRequests requests above {@value #REQUEST_MAX} bytes, counted only
 * @param classes per block size of the recording allocator: mallocs, most blocks live at once, longest
 *     run of mallocs one thread made without freeing; ascending by size
 * @param lifetimes sampled block lifetimes, or null when the profile has none (informational)
 * @param remoteFrees sampled frees by a thread other than the allocating one, or null (informational)
 */
public record Profile(String source, String label, String recordedBy, long durationMillis, long mallocs, long frees,
                      List<Request> requests, BigRequests bigRequests, List<ClassRecord> classes,
                      Lifetimes lifetimes, RemoteFrees remoteFrees) {
    /** The value of the profile's {@code format} key. */
    public static final String FORMAT = "hakmem-profile";
    /** The profile version this reader understands. */
    public static final int VERSION = 1;
    /** Request sizes up to this are recorded exactly. */
    public static final int EXACT_MAX = 1024;
    /** Larger request sizes are rounded up to a multiple of this. */
    public static final int ROUNDING = 16;
    /** Requests up to this size are in {@link #requests}; larger ones only in {@link #bigRequests}. */
    public static final int REQUEST_MAX = 32768;

    /**
     * One bar of the request histogram.
     *
     * @param size the requested size in bytes ({@link #isRequestSize})
     * @param count how many requests asked for it, at least 1
     */
    public record Request(int size, long count) {}

    /**
     * The requests too large for the histogram, counted only.
     *
     * @param count how many requests above {@value #REQUEST_MAX} bytes
     * @param bytes their sizes summed
     */
    public record BigRequests(long count, long bytes) {}

    /**
     * One block size of the recording allocator.
     *
     * @param size the block size in bytes ({@link #isClassSize})
     * @param mallocs allocations served by blocks of this size
     * @param peakLive the most blocks of this size live at once, over all threads
     * @param burst the longest run of mallocs of this size one thread made without freeing a block of it
     */
    public record ClassRecord(int size, long mallocs, long peakLive, long burst) {}

    /**
     * Sampled block lifetimes.
     *
     * @param sampled how many freed blocks were sampled
     * @param log2NanosHistogram element {@code i}: sampled blocks that lived {@code [2^i, 2^(i+1))}
     *     nanoseconds
     */
    public record Lifetimes(long sampled, List<Long> log2NanosHistogram) {
        /**
         * Keeps an immutable copy of the histogram.
         *
         * @throws NullPointerException if {@code log2NanosHistogram} is null or holds null
         */
        public Lifetimes {
            log2NanosHistogram = List.copyOf(log2NanosHistogram);
        }
    }

    /**
     * Sampled frees by thread.
     *
     * @param sampled how many frees were sampled
     * @param remote how many of them a thread other than the allocating one made
     */
    public record RemoteFrees(long sampled, long remote) {}

    /**
     * Checks what the tuner relies on (see the class description) and keeps immutable copies of the lists.
     *
     * @throws NullPointerException if {@code source}, {@code label}, {@code recordedBy},
     *     {@code bigRequests}, {@code requests} or {@code classes} is null
     * @throws IllegalArgumentException if there is no malloc, a count is negative, or the requests or
     *     classes are out of range or not strictly ascending by size
     */
    public Profile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(recordedBy, "recordedBy");
        Objects.requireNonNull(bigRequests, "bigRequests");
        requests = List.copyOf(requests);
        classes = List.copyOf(classes);
        if (mallocs < 1) throw new IllegalArgumentException("a profile needs at least one malloc, got " + mallocs);
        if (durationMillis < 0 || frees < 0 || bigRequests.count() < 0 || bigRequests.bytes() < 0) {
            throw new IllegalArgumentException("durationMillis, frees and bigRequests may not be negative");
        }
        int previous = -1;
        for (Request r : requests) {
            if (!isRequestSize(r.size()) || r.size() <= previous || r.count() < 1) {
                throw new IllegalArgumentException("requests must ascend by size, sizes 0.." + REQUEST_MAX
                        + " (above " + EXACT_MAX + " multiples of " + ROUNDING + "), counts >= 1: " + r + " after size " + previous);
            }
            previous = r.size();
        }
        previous = 0;
        for (ClassRecord c : classes) {
            if (!isClassSize(c.size()) || c.size() <= previous || c.mallocs() < 0 || c.peakLive() < 0 || c.burst() < 0) {
                throw new IllegalArgumentException("classes must ascend by size, multiples of " + ROUNDING + " up to "
                        + REQUEST_MAX + ", counts >= 0: " + c + " after size " + previous);
            }
            previous = c.size();
        }
    }

    /**
     * Whether a size can be in {@link #requests}.
     *
     * @param size a request size in bytes
     * @return true for 0 to {@value #EXACT_MAX}, then multiples of {@value #ROUNDING} up to {@value #REQUEST_MAX}
     */
    public static boolean isRequestSize(long size) {
        return size >= 0 && size <= REQUEST_MAX && (size <= EXACT_MAX || size % ROUNDING == 0);
    }

    /**
     * Whether a size can be a block size in {@link #classes}.
     *
     * @param size a block size in bytes
     * @return true for a multiple of {@value #ROUNDING} from {@value #ROUNDING} to {@value #REQUEST_MAX}
     */
    public static boolean isClassSize(long size) {
        return size >= ROUNDING && size <= REQUEST_MAX && size % ROUNDING == 0;
    }
}
