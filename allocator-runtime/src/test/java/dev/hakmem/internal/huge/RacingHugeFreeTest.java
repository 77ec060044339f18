package dev.hakmem.internal.huge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two threads free the same Huge block at the same moment, round after round: one free succeeds, the
 * other must be named a double free (IllegalStateException), never "not a block of this allocator"
 * (issue 14, item 4: the block used to leave the live set before it entered the recently-freed set,
 * so the loser could find it in neither).
 */
class RacingHugeFreeTest {
    private static final int ROUNDS = 30000;
    private static final long SIZE = 3L << 20; // above the Large limit

    @Test
    @Timeout(120)
    void theLoserOfTwoRacingFreesIsToldItIsADoubleFree() throws Exception {
        try (NativeAllocator a = Hakmem.create()) {
            AtomicLong block = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(2), end = new CyclicBarrier(2);
            AtomicInteger succeeded = new AtomicInteger(), doubleFrees = new AtomicInteger();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            Runnable freer = () -> {
                try {
                    a.free(block.get());
                    succeeded.incrementAndGet();
                } catch (IllegalStateException e) {
                    doubleFrees.incrementAndGet();
                } catch (Throwable t) {
                    wrong.compareAndSet(null, t);
                }
            };
            Thread other = new Thread(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        start.await();
                        freer.run();
                        end.await();
                    }
                } catch (Exception e) {
                    wrong.compareAndSet(null, e);
                }
            });
            other.start();
            for (int r = 0; r < ROUNDS; r++) {
                block.set(a.malloc(SIZE));
                start.await();
                freer.run();
                end.await();
            }
            other.join();
            if (wrong.get() != null) throw new AssertionError("a racing free of a Huge block failed otherwise", wrong.get());
            assertEquals(ROUNDS, succeeded.get(), "one free per round succeeds");
            assertEquals(ROUNDS, doubleFrees.get(), "the other is a double free");
        }
    }
}
