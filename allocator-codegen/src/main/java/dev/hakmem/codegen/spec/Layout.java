package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import java.util.List;

/**
 * The spec file's keys and the ranges of their values, in one place so that the parser, the writer and
 * the tests name them alike. The ranges repeat what {@link AllocatorConfig.Builder} accepts (the parser
 * checks them first to point at the offending node); {@code LayoutTest} holds each against the builder.
 */
final class Layout {
    static final String VARIANT = "variant";
    static final String CHECKS = "checks";
    static final String STATS = "stats";
    static final String MEMORY_LIMIT = "memoryLimit";
    static final String ADDRESS_SPACE = "addressSpace";
    static final String FRONTS_UP_TO = "frontsUpTo";
    static final String TINY = "tiny";
    static final String MID = "mid";
    static final String LARGE = "large";
    static final String HUGE = "huge";
    static final String CACHE = "cache";
    static final String CLASSES = "classes";
    static final String SIZE = "size";
    static final String CAPACITY = "capacity";
    static final String BATCH = "batch";
    static final String RETAINED_BYTES = "retainedBytes";
    /** The value of {@link #MEMORY_LIMIT} that means no limit ({@code Long.MAX_VALUE} in the config). */
    static final String UNLIMITED = "unlimited";
    /**
     * A setting of {@code AllocatorConfig} that is deliberately not a spec key: the allocation profile is
     * switched on at run time, for recording ({@code AllocationRecorder}), and a generated variant never
     * records. A spec naming it gets {@link #PROFILE_REFUSED} rather than "unknown key".
     */
    static final String PROFILE = "profile";
    static final String PROFILE_REFUSED = "'profile' is not a spec key: the allocation profile is switched on at run time "
            + "(AllocatorConfig.builder().profile(true), for AllocationRecorder) on the runtime's allocator, and a generated "
            + "variant never records one; remove it from the spec";

    /** Keys of the top-level mapping, in the order the writer writes them. */
    static final List<String> TOP_KEYS = List.of(VARIANT, CHECKS, STATS, MEMORY_LIMIT, ADDRESS_SPACE, FRONTS_UP_TO, TINY, MID, LARGE, HUGE);
    static final List<String> TIER_KEYS = List.of(CACHE, CLASSES);
    static final List<String> CACHE_KEYS = List.of(CAPACITY, BATCH);
    static final List<String> CLASS_KEYS = List.of(SIZE, CAPACITY, BATCH);
    static final List<String> RETAINED_KEYS = List.of(RETAINED_BYTES);

    /** Largest cache capacity and batch; the smallest is 1, and batch may not exceed capacity. */
    static final int CACHE_MAX = 65536;
    static final long MEMORY_LIMIT_MIN = 4L << 20;
    static final long ADDRESS_SPACE_MIN = 64L << 20;
    static final long ADDRESS_SPACE_MAX = 64L << 40;
    static final long ADDRESS_SPACE_MULTIPLE = 4L << 20;

    private Layout() {}
}
