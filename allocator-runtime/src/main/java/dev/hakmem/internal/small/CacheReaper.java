package dev.hakmem.internal.small;

import dev.hakmem.internal.Log;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reclaims the caches of ended platform threads soon after they end, without any cost on the fast
 * paths: one daemon thread for the whole JVM ({@value #NAME}) looks at every open allocator's
 * {@link ThreadCaches} every {@value #INTERVAL_MS} ms and reclaims those whose owner has ended
 * ({@link ThreadCaches#reclaimDeadIfAny}), then runs the allocator's periodic task (the Huge tier's decay of
 * retained mappings: {@link ThreadCaches#startReaping}). So a thread's cached blocks, spilled blocks and outboxes
 * (blocks it freed for other threads) are on the shared lists, usable by every thread, at most
 * {@value #INTERVAL_MS} ms (plus the scan) after the thread ends. Without it they would wait for the
 * next thread to start or for a class to need fresh memory.
 *
 * <p>Why a thread and not a hook: Java has no thread-exit callback that runs promptly (a
 * {@code ThreadLocal}'s value is only dropped by the garbage collector), and a check on the fast path
 * would cost every call. The scan is a walk over the live caches calling {@code Thread.isAlive()}:
 * microseconds every {@value #INTERVAL_MS} ms.
 *
 * <p>Life: the thread starts with the first registered allocator and ends when a scan finds none left
 * (closed, or collected: the reaper holds them weakly, so an allocator dropped without close is not
 * kept alive by it); the next registration starts a new one. A failure while reclaiming one
 * allocator's caches is logged and that allocator is dropped from the scan; the others go on.
 *
 * <p>Thread safety: the registry of allocators is guarded by this class's monitor; reclaiming is
 * guarded by each {@link ThreadCaches}' own monitor, which its other reclaimers take too.
 */
final class CacheReaper {
    static final String NAME = "hakmem-reaper";
    static final long INTERVAL_MS = 50;

    /** The allocators' caches to scan (guarded by the class monitor). */
    private static final List<WeakReference<ThreadCaches>> registered = new ArrayList<>();
    /** The running reaper, or null (guarded by the class monitor). */
    private static Thread reaper;

    private CacheReaper() {}

    /** Adds {@code caches} to the scan, starting the reaper thread if none runs. */
    static synchronized void register(ThreadCaches caches) {
        registered.add(new WeakReference<>(caches));
        if (reaper == null) {
            reaper = Thread.ofPlatform().daemon().name(NAME).unstarted(CacheReaper::run);
            reaper.start();
        }
    }

    /** Removes {@code caches} from the scan (its allocator is closing); a scan running now finishes first. */
    static synchronized void deregister(ThreadCaches caches) {
        registered.removeIf(r -> r.get() == null || r.get() == caches);
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                // nobody interrupts it; if someone does, scan now and go on
            }
            List<ThreadCaches> now = snapshotOrRetire();
            if (now == null) return;
            for (ThreadCaches c : now) {
                try {
                    c.reap();
                } catch (RuntimeException | Error e) {
                    Log.get().log(System.Logger.Level.WARNING, "hakmem: reclaiming the caches of ended threads (or giving back "
                            + "retained Huge mappings) failed; this allocator's caches are now reclaimed only when new threads "
                            + "come, and its retained Huge mappings given back only by its own calls", e);
                    deregister(c);
                }
            }
        }
    }

    /** The allocators to scan, or null (and this reaper retired) when none is left. */
    private static synchronized List<ThreadCaches> snapshotOrRetire() {
        List<ThreadCaches> now = new ArrayList<>(registered.size());
        for (Iterator<WeakReference<ThreadCaches>> it = registered.iterator(); it.hasNext(); ) {
            ThreadCaches c = it.next().get();
            if (c == null) {
                it.remove();
            } else {
                now.add(c);
            }
        }
        if (now.isEmpty()) {
            reaper = null;
            return null;
        }
        return now;
    }
}
