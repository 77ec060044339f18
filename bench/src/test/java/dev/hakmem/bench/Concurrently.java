package dev.hakmem.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a test body on several platform threads at once (the multi-threaded workloads' tests). */
public final class Concurrently {
    /** One thread's part; may throw anything, which fails the run. */
    public interface Body {
        void run(int thread) throws Exception;
    }

    private Concurrently() {}

    /** Runs {@code body(i)} on {@code n} platform threads at once; rethrows the first failure. */
    public static void run(int n, Body body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    body.run(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread t : threads) t.join();
        if (failure.get() instanceof RuntimeException r) throw r;
        if (failure.get() instanceof Error e) throw e;
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
