package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.internal.HakmemAllocator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real races, not a simulation: in every round the owner of {@code K} fresh blocks and another thread
 * free all of them at the same moment, so each block is freed twice. For every block exactly one of
 * the two frees must be refused: at the call (IllegalStateException, "double free") or, when the
 * owner's plain free and the other thread's CAS interleave, later by the owner
 * ({@link AllocatorStats#racingDoubleFrees()}). Never both, never neither, never a foreign-address
 * error, and no block is handed out twice afterwards. ({@link LateDoubleFreeTest} builds the late case
 * deterministically; here it happens as often as the machine makes it happen.)
 */
class RacingDoubleFreeTest {
    private static final int K = 64, ROUNDS = 2000, SIZE = 64;

    @Test
    @Timeout(120)
    void everyBlockFreedTwiceAtOnceIsRefusedExactlyOnce() throws Exception {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long[] round = new long[K];
            CyclicBarrier start = new CyclicBarrier(2), end = new CyclicBarrier(2);
            AtomicLong refusedAtCall = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        start.await();
                        for (int i = 0; i < K; i++) freeExpectingAtMostADoubleFree(a, round[i], refusedAtCall);
                        end.await();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    start.reset();
                    end.reset();
                }
            }, "racing-freer");
            other.start();
            for (int r = 0; r < ROUNDS && failure.get() == null; r++) {
                Set<Long> distinct = new HashSet<>();
                for (int i = 0; i < K; i++) {
                    round[i] = a.malloc(SIZE);
                    assertTrue(distinct.add(round[i]), "handed out twice in one round: 0x" + Long.toHexString(round[i]));
                }
                start.await(); // publishes round[] to the other thread
                for (int i = 0; i < K; i++) freeExpectingAtMostADoubleFree(a, round[i], refusedAtCall);
                end.await();
            }
            other.join();
            if (failure.get() != null) throw new AssertionError("the racing freer failed", failure.get());
            // The other thread's last batch may still sit in its outbox: reclaiming its cache sends it
            // to this thread's inbox, and mallocs beyond the cache make this thread drain it.
            assertEquals(1, a.smallFront().caches().reclaimDead());
            Set<Long> live = new HashSet<>();
            for (int i = 0; i < 4 * K * 64; i++) {
                long q = a.malloc(SIZE);
                assertTrue(live.add(q), () -> "handed out twice: 0x" + Long.toHexString(q));
            }
            AllocatorStats s = a.stats();
            System.out.println("racing double frees: " + (long) K * ROUNDS + ", refused at the call " + refusedAtCall.get()
                    + ", caught late " + s.racingDoubleFrees());
            assertEquals((long) K * ROUNDS, refusedAtCall.get() + s.racingDoubleFrees(),
                    "each block freed twice is refused exactly once (at the call: " + refusedAtCall.get() + ", late: "
                            + s.racingDoubleFrees() + ")");
            assertEquals(live.size(), s.liveBlocks(), "a refused free is not counted");
            for (long q : live) a.free(q);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    private static void freeExpectingAtMostADoubleFree(HakmemAllocator a, long p, AtomicLong refused) {
        try {
            a.free(p);
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("double free")) throw e;
            refused.incrementAndGet();
        }
    }
}
