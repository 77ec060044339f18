package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.testing.OnThread;
import java.time.Duration;

/** Test helper: runs a virtual thread's calls while this thread holds chosen stripes' locks. */
final class StripeLocks {
    private StripeLocks() {}

    /**
     * Runs {@code body} on a virtual thread while this thread holds every stripe of {@code caches} but
     * stripe {@code free} ({@code -1}: every stripe, so that its calls go without a cache); rethrows its
     * failure. The stripes must be idle when it starts.
     */
    static void onlyUnder(ThreadCaches caches, int free, Runnable body) throws InterruptedException {
        for (int i = 0; i < caches.stripeCount(); i++) {
            if (i != free) assertTrue(caches.stripe(i).tryLock(), "test set-up: stripe " + i + " idle");
        }
        try {
            OnThread.run(Thread.ofVirtual(), body, Duration.ofSeconds(60));
        } finally {
            for (int i = 0; i < caches.stripeCount(); i++) {
                if (i != free) caches.stripe(i).unlock();
            }
        }
    }
}
