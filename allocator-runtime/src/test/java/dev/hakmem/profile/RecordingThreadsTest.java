package dev.hakmem.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.Hakmem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * The recorder across threads: counts are exact once the threads have ended (also when their per-thread
 * tallies were folded into the retired totals), bursts are per thread, the peak of live blocks is within
 * the documented bound ({@code (ThreadTally.PUBLISH - 1) x (tallies - 1)}), and thread churn keeps only a
 * few tallies.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecordingThreadsTest {
    /** Error bound of peakLive with two recording threads. */
    static final int TWO_THREAD_BOUND = ThreadTally.PUBLISH - 1;

    /** Thread {@code i} of a churn: {@code 1 + i % 5} blocks of {@code 8 + 8 * (i % 7)} bytes, plus one of 5000 when i % 3 == 0. */
    private static void churnBody(AllocationRecorder r, int i) {
        int n = 1 + i % 5, size = 8 + 8 * (i % 7);
        long[] blocks = new long[n];
        for (int k = 0; k < n; k++) blocks[k] = r.malloc(size);
        if (i % 3 == 0) r.free(r.malloc(5000));
        for (long b : blocks) r.free(b);
    }

    private static void assertChurnCounts(Profile p, int threads) {
        long[] bySize = new long[Recording.REQUEST_BUCKETS];
        long mallocs = 0, mid = 0;
        for (int i = 0; i < threads; i++) {
            int n = 1 + i % 5;
            bySize[8 + 8 * (i % 7)] += n;
            mallocs += n;
            if (i % 3 == 0) {
                mid++;
                mallocs++;
            }
        }
        List<Profile.Request> expected = new ArrayList<>();
        for (int s = 0; s < bySize.length; s++) if (bySize[s] > 0) expected.add(new Profile.Request(s, bySize[s]));
        expected.add(new Profile.Request(Recording.requestSize(Recording.requestBucket(5000)), mid));
        assertEquals(mallocs, p.mallocs());
        assertEquals(mallocs, p.frees());
        assertEquals(expected, p.requests());
        assertEquals(0, p.bigRequests());
        assertEquals(mallocs, p.classes().stream().mapToLong(Profile.ClassUse::mallocs).sum());
        // hakmem's classes: 8 and 16 bytes share class 16; 24, 32 -> 32; 40, 48 -> 48; 56 -> 64; 5000 -> 5120.
        assertEquals(List.of(16, 32, 48, 64, 5120), p.classes().stream().map(Profile.ClassUse::size).toList());
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void countsAreExactAfterTenThousandShortLivedPlatformThreadsAndTalliesStayFew(RecorderMode mode) throws Exception {
        int threads = 10_000, group = 4;
        try (AllocationRecorder r = mode.open("platform churn")) {
            int most = 0;
            for (int g = 0; g < threads; g += group) {
                Thread[] ts = new Thread[group];
                for (int k = 0; k < group; k++) {
                    int i = g + k;
                    ts[k] = Thread.ofPlatform().start(() -> churnBody(r, i));
                }
                for (Thread t : ts) t.join();
                most = Math.max(most, r.tallyCount());
            }
            assertTrue(most <= 2 * Recording.MIN_SWEEP, "tallies kept during the churn: " + most);
            Profile p = r.profile();
            assertEquals(0, r.tallyCount(), "a snapshot folds every ended thread's tally");
            assertChurnCounts(p, threads);
            for (Profile.ClassUse c : p.classes()) {
                assertTrue(c.burst() <= 5, c.toString());
                assertTrue(c.peakLive() >= 1 && c.peakLive() <= 5 * group + TWO_THREAD_BOUND * (2 * Recording.MIN_SWEEP), c.toString());
            }
            assertEquals(p, withDuration(r.profile(), p.durationMillis()), "a second snapshot reads the same");
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void countsAreExactAfterTenThousandVirtualThreadsStartedAtOnce(RecorderMode mode) throws Exception {
        int threads = 10_000;
        try (AllocationRecorder r = mode.open("virtual churn")) {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int k = i;
                ts.add(Thread.ofVirtual().start(() -> churnBody(r, k)));
            }
            for (Thread t : ts) t.join();
            // Another 1000 one after the other: the sweep at registration folds the ended ones.
            for (int i = threads; i < threads + 1000; i++) {
                int k = i;
                Thread.ofVirtual().start(() -> churnBody(r, k)).join();
            }
            assertTrue(r.tallyCount() <= 2 * threads, "tallies kept: " + r.tallyCount());
            Profile p = r.profile();
            assertEquals(0, r.tallyCount());
            assertChurnCounts(p, threads + 1000);
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void sequentialThreadChurnKeepsAtMostMinSweepTallies(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("sequential churn")) {
            int most = 0;
            for (int i = 0; i < 2000; i++) {
                int k = i;
                Thread.ofPlatform().start(() -> churnBody(r, k)).join();
                most = Math.max(most, r.tallyCount());
            }
            assertTrue(most <= Recording.MIN_SWEEP + 1, "tallies kept: " + most);
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void burstsArePerThreadWhateverTheOtherThreadsDo(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("bursts")) {
            int steps = 100;
            CyclicBarrier step = new CyclicBarrier(2);
            List<Long> kept = new ArrayList<>();
            // A takes 100 blocks of class 32 without freeing; B, in lockstep, takes and frees one at a time.
            Thread a = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < steps; i++) {
                    kept.add(r.malloc(32));
                    await(step);
                    await(step);
                }
            });
            Thread b = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < steps; i++) {
                    await(step);
                    r.free(r.malloc(32));
                    await(step);
                }
            });
            a.join();
            b.join();
            assertEquals(steps, r.profile().classes().getFirst().burst(), "B's frees do not end A's run");
            // Runs do not carry over from one thread to another: 60 here, then 70 there.
            Thread c = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 60; i++) kept.add(r.malloc(32));
            });
            c.join();
            Thread d = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 70; i++) kept.add(r.malloc(32));
            });
            d.join();
            Profile p = r.profile();
            assertEquals(new Profile.ClassUse(32, 2 * steps + 130, p.classes().getFirst().peakLive(), steps), p.classes().getFirst());
            for (long q : kept) r.free(q);
            assertEquals(steps + 130 + steps, r.profile().frees());
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void peakLiveIsWithinTheBoundWithTwoThreadsAndCrossThreadFrees(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("handoff")) {
            // Phases: the producer allocates `batch` blocks, hands them over, the consumer frees them all,
            // then the next phase starts. Exactly `batch` blocks are live at the peak; every free is remote.
            int batch = 200, phases = 300;
            BlockingQueue<long[]> full = new ArrayBlockingQueue<>(1), done = new ArrayBlockingQueue<>(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int ph = 0; ph < phases; ph++) {
                        long[] blocks = new long[batch + ph % 7];
                        for (int i = 0; i < blocks.length; i++) blocks[i] = r.malloc(64);
                        full.put(blocks);
                        done.take();
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread consumer = Thread.ofPlatform().start(() -> {
                try {
                    for (int ph = 0; ph < phases; ph++) {
                        for (long q : full.take()) r.free(q);
                        done.put(new long[0]);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            producer.join();
            consumer.join();
            Profile.ClassUse c = r.profile().classes().getFirst();
            long truePeak = batch + 6;
            assertTrue(Math.abs(c.peakLive() - truePeak) <= TWO_THREAD_BOUND, "peakLive " + c.peakLive() + ", true " + truePeak);
            long produced = 0;
            for (int ph = 0; ph < phases; ph++) produced += batch + ph % 7;
            assertEquals(produced, c.burst(), "the producer never frees: one run");
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void peakLiveStaysBoundedWhenAThreadFreesWhatAnotherAllocatesConcurrently(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("pipeline")) {
            // At most capacity + 2 blocks are ever live (the queue, one in each thread's hands).
            int capacity = 500, blocks = 300_000;
            BlockingQueue<Long> queue = new ArrayBlockingQueue<>(capacity);
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < blocks; i++) queue.put(r.malloc(48));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread consumer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < blocks; i++) r.free(queue.take());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            producer.join();
            consumer.join();
            Profile p = r.profile();
            assertEquals(blocks, p.mallocs());
            assertEquals(blocks, p.frees());
            long peak = p.classes().getFirst().peakLive();
            assertTrue(peak >= 1 && peak <= capacity + 2 + TWO_THREAD_BOUND, "peakLive " + peak);
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void liveBlocksOfAnEndedThreadCountOnceItsTallyIsFolded(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("left behind")) {
            List<Long> left = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20; i++) left.add(r.malloc(100)); // 20 < PUBLISH: not yet published
            });
            t.join();
            r.profile(); // folds the ended thread's tally, publishing its 20 live blocks
            for (int i = 0; i < 21; i++) left.add(r.malloc(100));
            assertEquals(41, r.profile().classes().getFirst().peakLive(), "exact again: one tally, the rest folded");
            for (long q : left) r.free(q);
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void snapshotsTakenWhileThreadsRecordAndEndAreSafeAndTheLastOneIsExact(RecorderMode mode) throws Exception {
        try (AllocationRecorder r = mode.open("snapshots under load")) {
            int generations = 40, perThread = 5_000;
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread workers = Thread.ofPlatform().start(() -> {
                for (int g = 0; g < generations; g++) {
                    List<Thread> ts = new ArrayList<>();
                    for (int k = 0; k < 3; k++) {
                        int seed = g * 3 + k;
                        ts.add(Thread.ofPlatform().start(() -> {
                            long[] held = new long[64];
                            for (int i = 0; i < perThread; i++) {
                                int slot = (i * 31 + seed) & 63;
                                if (held[slot] != 0) r.free(held[slot]);
                                held[slot] = r.malloc(16 + (i * 7 + seed) % 2000);
                            }
                            for (long b : held) if (b != 0) r.free(b);
                        }));
                    }
                    for (Thread t : ts) {
                        try {
                            t.join();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
                done.set(true);
            });
            int snapshots = 0;
            while (!done.get()) {
                Profile p = r.profile(); // while threads allocate, free and end
                assertTrue(p.mallocs() >= 0 && p.frees() >= 0, p.toString());
                snapshots++;
            }
            workers.join();
            Profile last = r.profile();
            long expected = (long) generations * 3 * perThread;
            assertEquals(expected, last.mallocs());
            assertEquals(expected, last.frees());
            assertEquals(expected, last.requests().stream().mapToLong(Profile.Request::count).sum());
            assertTrue(snapshots > 0);
        }
    }

    private static Profile withDuration(Profile p, long millis) {
        return new Profile(p.label(), millis, p.mallocs(), p.frees(), p.requests(), p.bigRequests(), p.bigRequestBytes(),
                p.classes(), p.lifetimeSamples(), p.lifetimeLog2Nanos(), p.remoteFrees());
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
