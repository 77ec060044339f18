package dev.hakmem.internal.jfr;

/** What kind of misuse an address was refused for ({@link MisuseEvent}, misuse counts of {@link AllocatorStatisticsEvent}). */
public enum MisuseKind {
    /** {@code free} of a block that is already free. */
    DOUBLE_FREE,
    /** Another call ({@code realloc}, {@code usableSize}) on a block that is already free. */
    USE_AFTER_FREE,
    /** An address inside a block, not at its start. */
    INTERIOR_POINTER,
    /** An address where this allocator never handed out a block (foreign, never allocated, a span's unused tail). */
    NOT_ALLOCATED,
    /**
     * A double free of a Tiny/Mid block by two threads at the same moment, caught late, when the
     * block's owner refused the second free (no exception: see {@code AllocatorStats.racingDoubleFrees}).
     */
    RACING_DOUBLE_FREE;

    /** The kind for an already-free block found by {@code op}: a double free for {@code free}, else a use after free. */
    public static MisuseKind ofFreedBlock(String op) {
        return op.equals("free") ? DOUBLE_FREE : USE_AFTER_FREE;
    }
}
