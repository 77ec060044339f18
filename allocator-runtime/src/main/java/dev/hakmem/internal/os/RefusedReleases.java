package dev.hakmem.internal.os;

import dev.hakmem.internal.Log;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The times the OS refused to take memory back ({@code madvise(MADV_DONTNEED)} or {@code munmap}
 * returned an error), counted for the whole JVM and logged through the {@link System.Logger}
 * {@code "dev.hakmem"} at {@code WARNING}.
 *
 * <p>Why only a count and a log: a refused release is never the caller's error and must not throw
 * out of {@code free} or out of a reclaim under memory pressure. The caller keeps the memory as what
 * it still is (resident, charged to the memory limit, not handed out as zeroed) and tries again at its
 * next release; this class only makes the event visible. The log is rate-limited (the first
 * {@value #ALWAYS_LOGGED}, then the 16th, 32nd, 64th ...), since a kernel that refuses once tends to
 * refuse again and a free-heavy program would otherwise flood it.
 *
 * <p>Thread safety: one atomic counter.
 */
public final class RefusedReleases {
    private static final int ALWAYS_LOGGED = 8;
    private static final AtomicLong COUNT = new AtomicLong();

    private RefusedReleases() {}

    /**
     * Records that the OS refused to release {@code bytes} at {@code address} with {@code errno};
     * {@code what} names the memory and what happens to it now (for the log).
     */
    public static void report(String what, long address, long bytes, int errno) {
        long n = COUNT.incrementAndGet();
        if (n <= ALWAYS_LOGGED || Long.bitCount(n) == 1) {
            Log.get().log(Level.WARNING, "hakmem: the OS refused to release " + bytes + " bytes at 0x" + Long.toHexString(address)
                    + " (" + OsMemory.describe(errno) + "): " + what + " [refused release #" + n + " in this JVM]");
        }
    }

    /** Refused releases in this JVM so far, over all allocators. */
    public static long count() {
        return COUNT.get();
    }
}
