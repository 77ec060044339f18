package dev.hakmem.internal.large;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** For the Large tier's concurrency tests: worker threads released together, their failures rethrown. */
final class Together {
    private Together() {}

    /** Worker {@code me} of {@code 0..threads-1}. */
    interface Worker {
        void run(int me) throws Exception;
    }

    /** Runs beside the workers until {@code workersDone} says every one has finished. */
    interface Watcher {
        void watch(BooleanSupplier workersDone) throws Exception;
    }

    /** {@link #run(int, Worker, Watcher)} with no watcher. */
    static void run(int threads, Worker worker) throws InterruptedException {
        run(threads, worker, null);
    }

    /**
     * Runs {@code worker} 0 to {@code threads - 1}, each on a new platform thread, all released at once
     * by one barrier, and {@code watcher} (if not null) on one more thread released with them; returns
     * when every one has finished, and fails with an {@link AssertionError} caused by the first failure
     * any of them had.
     */
    static void run(int threads, Worker worker, Watcher watcher) throws InterruptedException {
        int parties = watcher == null ? threads : threads + 1;
        Throwable[] failure = new Throwable[parties];
        CyclicBarrier start = new CyclicBarrier(parties);
        AtomicBoolean workersDone = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    worker.run(me);
                } catch (Throwable e) {
                    failure[me] = e;
                }
            }));
        }
        Thread watching = watcher == null ? null : Thread.ofPlatform().start(() -> {
            try {
                start.await();
                watcher.watch(workersDone::get);
            } catch (Throwable e) {
                failure[threads] = e;
            }
        });
        for (Thread th : workers) th.join();
        workersDone.set(true);
        if (watching != null) watching.join();
        for (Throwable e : failure) if (e != null) throw new AssertionError(e);
    }
}
