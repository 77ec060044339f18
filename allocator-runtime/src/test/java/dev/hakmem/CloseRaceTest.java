package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, item 6: {@code close()} racing other threads' calls. Outside the contract, but
 * {@code Arena.ofShared().close()} is the bar: every racing call completes or throws
 * IllegalStateException, the JVM never crashes, and no mapping survives the completed close.
 *
 * <p>Each round, worker threads run malloc, calloc, realloc, mallocAligned and free over every tier
 * (calloc and realloc are the calls that write blocks: before the fix they crashed the JVM in the
 * zeroing when the reservation was unmapped under them, and Huge blocks mapped after close leaked)
 * while the test thread closes the allocator after a random delay. A crash fails the run (the test
 * JVM dies). Afterwards the reservation must be unmapped and no Huge mapping left (the allocator's own
 * account: a check of the addresses with {@code mincore} would be flaky, since the JVM maps memory of
 * its own at freed addresses).
 */
@ExtendWith(OomAsFailure.class)
class CloseRaceTest {
    private static final int ROUNDS = 24;
    private static final int THREADS = 3;
    private static final long[] SIZES = {16, 200, 1000, 3000, 20 * KiB, 40 * KiB, 300 * KiB, 1500 * KiB, 3 * MiB, 5 * MiB};

    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void callsRacingCloseCompleteOrThrowIllegalStateAndNothingStaysMapped(boolean checks) throws InterruptedException {
        SplittableRandom seeds = new SplittableRandom(checks ? 14 : 41);
        long refused = 0, completed = 0, hugeBlocks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            NativeAllocator al = Hakmem.create(AllocatorConfig.builder().checks(checks).build());
            Map<Long, Long> handedOut = new ConcurrentHashMap<>();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            long[] counts = new long[2 * THREADS];
            CountDownLatch started = new CountDownLatch(THREADS);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = seeds.nextLong();
                int id = t;
                workers.add(Thread.ofPlatform().start(() -> work(al, new SplittableRandom(seed), handedOut, wrong, counts, id, started)));
            }
            started.await();
            Thread.sleep(seeds.nextInt(1, 15));
            al.close();
            for (Thread w : workers) w.join();
            if (wrong.get() != null) throw new AssertionError("round " + round + ": a call racing close failed otherwise than with IllegalStateException", wrong.get());
            for (int t = 0; t < THREADS; t++) {
                completed += counts[2 * t];
                refused += counts[2 * t + 1];
            }
            HakmemAllocator h = (HakmemAllocator) al;
            assertTrue(h.unmappedAll(), "round " + round + ": a mapping survived close: " + h.hugeMappedBytes() + " bytes of Huge blocks");
            hugeBlocks += handedOut.values().stream().filter(size -> size > 2 * MiB).count();
        }
        System.out.printf("CloseRaceTest checks=%s: %d calls completed, %d refused with IllegalStateException over %d rounds%n",
                checks, completed, refused, ROUNDS);
        assertTrue(hugeBlocks > 0, "no Huge block was made: the test does not race their mapping");
        assertTrue(refused >= ROUNDS, "every round must race: each worker stops only at its first IllegalStateException");
    }

    /** Random calls until the first IllegalStateException (the close); anything else thrown is recorded as wrong. */
    private static void work(NativeAllocator al, SplittableRandom r, Map<Long, Long> handedOut, AtomicReference<Throwable> wrong,
            long[] counts, int id, CountDownLatch started) {
        long[] held = new long[64];
        started.countDown();
        try {
            while (true) {
                int slot = r.nextInt(held.length);
                long size = SIZES[r.nextInt(SIZES.length)] + r.nextInt(64);
                long p = held[slot];
                if (p != 0) {
                    held[slot] = 0;
                    if (r.nextBoolean()) {
                        al.free(p);
                    } else {
                        held[slot] = record(handedOut, al.realloc(p, size), size);
                    }
                } else {
                    held[slot] = record(handedOut, switch (r.nextInt(3)) {
                        case 0 -> al.malloc(size);
                        case 1 -> al.calloc(1, size);
                        default -> al.mallocAligned(size, 4096);
                    }, size);
                }
                counts[2 * id]++;
            }
        } catch (IllegalStateException closed) {
            counts[2 * id + 1]++;
        } catch (Throwable t) {
            wrong.compareAndSet(null, t);
        }
    }

    private static long record(Map<Long, Long> handedOut, long p, long size) {
        handedOut.put(p, size);
        return p;
    }
}
