package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The multi-thread warm-up does what its description says (a second thread's blocks, half freed by it, half by
 * the caller while it runs), and {@link Peers#create} runs it unless {@code -Dhakmem.bench.warmup=none}.
 */
class MultiThreadWarmupTest {
    /** Records who malloc'ed and who freed, around a real hakmem instance. */
    private static class Recording implements BenchAllocator {
        final BenchAllocator inner = new HakmemPeer();
        final Thread caller = Thread.currentThread();
        volatile Thread second;
        final AtomicInteger mallocsOnSecond = new AtomicInteger(), freesOnSecond = new AtomicInteger();
        final AtomicInteger freesOnCallerWhileSecondAlive = new AtomicInteger(), otherFrees = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public long malloc(long size) {
            if (Thread.currentThread() != caller) {
                second = Thread.currentThread();
                mallocsOnSecond.incrementAndGet();
            }
            return inner.malloc(size);
        }

        @Override
        public void free(long block) {
            Thread t = Thread.currentThread();
            if (t == second) freesOnSecond.incrementAndGet();
            else if (t == caller && second != null && second.isAlive()) freesOnCallerWhileSecondAlive.incrementAndGet();
            else otherFrees.incrementAndGet();
            inner.free(block);
        }

        @Override
        public long realloc(long block, long newSize) {
            return inner.realloc(block, newSize);
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            inner.close(); // hakmem's close reports leaked blocks: none may be left
        }
    }

    @Test
    void secondThreadMallocsAndHalfItsBlocksAreFreedByTheCallerWhileItRuns() {
        Recording r = new Recording();
        MultiThreadWarmup.Done done = MultiThreadWarmup.run(() -> r);
        assertEquals(new MultiThreadWarmup.Done(MultiThreadWarmup.BLOCKS, MultiThreadWarmup.BLOCKS / 2, MultiThreadWarmup.BLOCKS / 2), done);
        assertEquals(MultiThreadWarmup.BLOCKS, r.mallocsOnSecond.get());
        assertEquals(MultiThreadWarmup.BLOCKS / 2, r.freesOnSecond.get());
        assertEquals(MultiThreadWarmup.BLOCKS / 2, r.freesOnCallerWhileSecondAlive.get(), "the caller's frees are of a live thread's blocks");
        assertEquals(0, r.otherFrees.get());
        assertEquals(1, r.closes.get());
        assertTrue(!r.second.isAlive(), "the second thread is joined");
    }

    @Test
    void aPeerThatFreesOnlyOnItsOwnThreadHasEveryBlockFreedByTheSecondThread() {
        Recording r = new Recording() {
            @Override
            public boolean freesOnAnyThread() {
                return false;
            }
        };
        MultiThreadWarmup.Done done = MultiThreadWarmup.run(() -> r);
        assertEquals(new MultiThreadWarmup.Done(MultiThreadWarmup.BLOCKS, MultiThreadWarmup.BLOCKS, 0), done);
        assertEquals(MultiThreadWarmup.BLOCKS, r.freesOnSecond.get());
        assertEquals(0, r.freesOnCallerWhileSecondAlive.get() + r.otherFrees.get());
        assertEquals(1, r.closes.get());
    }

    @Test
    void aFailingMallocOnTheSecondThreadIsReportedAndNothingHangs() {
        AtomicInteger closes = new AtomicInteger();
        BenchAllocator failing = new BenchAllocator() {
            @Override public long malloc(long size) { return 0; }
            @Override public void free(long block) { throw new AssertionError("nothing was malloc'ed"); }
            @Override public long realloc(long block, long newSize) { return 0; }
            @Override public String name() { return "failing"; }
            @Override public void close() { closes.incrementAndGet(); }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiThreadWarmup.run(() -> failing));
        assertTrue(e.getMessage().contains("failing"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("warm-up malloc"), e.getCause().getMessage());
        assertEquals(1, closes.get());
    }

    @Test
    void whatTheSecondThreadMadeBeforeAFailingMallocIsFreedBeforeTheClose() {
        AtomicInteger mallocs = new AtomicInteger(), frees = new AtomicInteger();
        BenchAllocator failsAtTen = new BenchAllocator() {
            final BenchAllocator inner = new HakmemPeer();
            @Override public long malloc(long size) { return mallocs.incrementAndGet() > 10 ? 0 : inner.malloc(size); }
            @Override public void free(long block) { frees.incrementAndGet(); inner.free(block); }
            @Override public long realloc(long block, long newSize) { return inner.realloc(block, newSize); }
            @Override public String name() { return "fails-at-ten"; }
            @Override public void close() { inner.close(); }
        };
        assertThrows(IllegalStateException.class, () -> MultiThreadWarmup.run(() -> failsAtTen));
        assertEquals(10, frees.get(), "the ten blocks made are freed, none twice");
    }

    @Test
    void runsOncePerJvm() {
        MultiThreadWarmup.Done first = MultiThreadWarmup.once(HakmemPeer::new);
        AtomicInteger created = new AtomicInteger();
        MultiThreadWarmup.Done again = MultiThreadWarmup.once(() -> {
            created.incrementAndGet();
            return new HakmemPeer();
        });
        assertSame(first, again);
        assertEquals(0, created.get());
    }

    /** Runs {@code test}, then puts {@code -Dhakmem.bench.warmup} back as it was. */
    private static void restoringTheProperty(Runnable test) {
        String before = System.getProperty(MultiThreadWarmup.PROPERTY);
        try {
            test.run();
        } finally {
            if (before == null) System.clearProperty(MultiThreadWarmup.PROPERTY);
            else System.setProperty(MultiThreadWarmup.PROPERTY, before);
        }
    }

    @Test
    void peersAreCreatedAfterTheWarmUpUnlessItIsTurnedOff() {
        restoringTheProperty(() -> {
            System.clearProperty(MultiThreadWarmup.PROPERTY);
            MultiThreadWarmup.forget();
            Peers.create("freelist").close();
            MultiThreadWarmup.Done done = MultiThreadWarmup.done();
            assertNotNull(done, "the default: the first peer comes after the warm-up");
            assertEquals(MultiThreadWarmup.BLOCKS, done.malloced());
            assertEquals(MultiThreadWarmup.BLOCKS, done.freedByOwner(), "the floor frees only on its own thread");

            MultiThreadWarmup.forget();
            Peers.createUnwarmed("hakmem").close();
            assertNull(MultiThreadWarmup.done(), "the memory workloads' peers: no warm-up");

            System.setProperty(MultiThreadWarmup.PROPERTY, MultiThreadWarmup.NONE);
            assertFalse(MultiThreadWarmup.enabled());
            Peers.create("hakmem").close();
            assertNull(MultiThreadWarmup.done(), "-Dhakmem.bench.warmup=none: each fork's best case");

            System.setProperty(MultiThreadWarmup.PROPERTY, MultiThreadWarmup.SERVED);
            assertTrue(MultiThreadWarmup.enabled());
            Peers.create("hakmem").close();
            assertNotNull(MultiThreadWarmup.done());
        });
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheProperty() {
        restoringTheProperty(() -> {
            System.setProperty(MultiThreadWarmup.PROPERTY, "servd");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Peers.create("hakmem"));
            assertTrue(e.getMessage().contains("-Dhakmem.bench.warmup=servd") && e.getMessage().contains("served")
                    && e.getMessage().contains("none"), e.getMessage());
        });
    }
}
