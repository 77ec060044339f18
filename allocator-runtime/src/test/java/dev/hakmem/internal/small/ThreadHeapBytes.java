package dev.hakmem.internal.small;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The Java heap a piece of code allocates, measured in a new platform thread that then ends (for the tests of a thread's garbage). */
final class ThreadHeapBytes {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadHeapBytes() {}

    /**
     * Runs {@code setUp} (not measured) and then {@code body} in a new platform thread, waits for it to
     * end, and returns the bytes {@code body} allocated on the Java heap; a failure in the thread fails the caller.
     */
    static long ofEndedThread(Runnable setUp, Runnable body) throws InterruptedException {
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                setUp.run();
                bytes.set(ofThisThread(body));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        return bytes.get();
    }

    /** Runs {@code body} on the calling thread and returns the bytes it allocated on the Java heap. */
    static long ofThisThread(Runnable body) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        body.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
