package dev.hakmem;

import dev.hakmem.internal.HakmemAllocator;
import java.util.concurrent.TimeUnit;

/** Test helper: waiting for the reaper to reclaim the caches of threads that have ended. */
final class EndedThreads {
    private EndedThreads() {}

    /**
     * Waits until at most {@code left} thread caches of {@code h} are live, or {@code timeoutMs} ms have
     * passed; returns the milliseconds waited. The caller asserts the count, with its own message.
     */
    static long awaitReclaimed(HakmemAllocator h, int left, long timeoutMs) throws InterruptedException {
        long start = System.nanoTime(), until = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (h.liveThreadCaches() > left && System.nanoTime() < until) Thread.sleep(1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
