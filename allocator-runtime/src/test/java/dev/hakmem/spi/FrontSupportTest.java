package dev.hakmem.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
import dev.hakmem.testing.OnThread;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The SPI for generated fronts, driven by a hand-written front shaped like generated code: two flat
 * classes (16 and 32 bytes) in fields, malloc/free fast paths on them, the slow paths through
 * {@link FrontSupport}. Checks that blocks move correctly between the front and the generic paths,
 * across threads, through thread exit, and that statistics and checks see front operations.
 */
class FrontSupportTest {
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    static final AllocatorConfig CONFIG = AllocatorConfig.builder().tinyCache(8, 2).build();

    /** What the generator emits for a variant whose first two classes are flat (statistics on). */
    static final class TwoClassFront extends ThreadFront {
        long[] b0 = EMPTY, b1 = EMPTY;
        int n0, n1;
        long a0, a1, f0, f1;

        TwoClassFront(Object core, int id) { super(core, id); }

        @Override public int flatClasses() { return 2; }
        @Override public long[] blocks(int cls) { return cls == 0 ? b0 : b1; }
        @Override public void setBlocks(int cls, long[] b) { if (cls == 0) b0 = b; else b1 = b; }
        @Override public int count(int cls) { return cls == 0 ? n0 : n1; }
        @Override public void setCount(int cls, int n) { if (cls == 0) n0 = n; else n1 = n; }
        @Override public long allocations(int cls) { return cls == 0 ? a0 : a1; }
        @Override public long frees(int cls) { return cls == 0 ? f0 : f1; }
    }

    /** The generated variant's malloc of class 0 (16 B) with checks and stats on. */
    static long malloc16(FrontSupport s, TwoClassFront f, long size) {
        int n = f.n0;
        long p;
        if (n > 0) {
            p = f.b0[n - 1];
            f.n0 = n - 1;
        } else {
            p = s.refill(f, 0, size);
        }
        s.markLive(p);
        f.a0++;
        f.requestedBytes += size;
        return p;
    }

    /** The generated variant's free of class 0. */
    static void free16(FrontSupport s, TwoClassFront f, long p) {
        int info = s.pageInfo(p);
        assertEquals(1, FrontSupport.kindOf(info), "a 16-byte block's page is of class 0");
        int owner = FrontSupport.ownerOf(info);
        if (owner == f.id() || owner == 0) {
            s.markFreed(p, 0, owner);
            int n = f.n0;
            if (n < f.b0.length) {
                f.b0[n] = p;
                f.n0 = n + 1;
            } else {
                s.flush(f, 0, p);
            }
        } else {
            s.freeRemote(f, 0, p, owner);
        }
        f.f0++;
    }

    /**
     * The lookup a variant makes in its own copy of the table of fronts finds the same front as
     * {@link FrontSupport#ownFront()}, on every thread, and null once the allocator is closed: close
     * empties the table, which is how a variant knows without a flag of its own.
     */
    @Test
    void lookupInTheVariantsTableMissesOnceClosed() throws Exception {
        FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
        ThreadFront[] fronts = s.fronts();
        assertSame(fronts, s.fronts(), "one table for the allocator's life");
        ThreadFront mine = s.ownFront();
        assertNotNull(mine);
        assertSame(mine, s.ownFront(fronts));
        ThreadFront[] other = new ThreadFront[2];
        OnThread.run(Thread.ofPlatform(), () -> {
            other[0] = s.ownFront(fronts);
            other[1] = s.ownFront();
        }, Duration.ofSeconds(60));
        assertNotNull(other[0], "another platform thread gets its own front through the table");
        assertSame(other[1], other[0]);
        assertNotSame(mine, other[0]);
        OnThread.run(Thread.ofVirtual(), () -> other[0] = s.ownFront(fronts), Duration.ofSeconds(60));
        assertNull(other[0], "virtual threads use the generic path");
        s.allocator().close();
        assertNull(s.ownFront(fronts), "closed: the lookup misses and answers null");
        for (ThreadFront f : fronts) assertNull(f, "close empties the table");
        assertThrows(IllegalStateException.class, () -> s.allocator().malloc(16), "the generic path throws");
    }

    @Test
    void frontAndGenericPathsShareBlocksCountersAndChecks() throws Exception {
        FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
        try (NativeAllocator generic = s.allocator()) {
            TwoClassFront f = (TwoClassFront) s.ownFront();
            assertNotNull(f, "a platform thread gets a front");
            assertTrue(f.id() > 0);
            Set<Long> live = new HashSet<>();
            List<Long> order = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // through refill, several batches
                long p = malloc16(s, f, 10);
                assertTrue(live.add(p), "no block handed out twice");
                order.add(p);
                ALL.set(ValueLayout.JAVA_LONG, p, p);
            }
            assertTrue(f.n0 <= 8, "the front holds at most the class's capacity");
            long viaGeneric = generic.calloc(1, 16); // generic path for a flat class goes through the front
            assertTrue(live.add(viaGeneric));
            for (int i = 0; i < 50; i++) free16(s, f, order.get(i)); // through flush: more than capacity 8
            generic.free(order.get(50)); // generic free of a flat class lands in the front
            assertThrows(IllegalStateException.class, () -> free16(s, f, order.get(0)), "double free detected on the front path");
            AllocatorStats st = generic.stats();
            assertEquals(101, st.classes().get(0).allocations(), "front counters are in the stats (100 front + 1 generic)");
            assertEquals(51, st.classes().get(0).frees(), "50 front + 1 generic; the refused double free changes nothing");
            assertEquals(50, st.classes().get(0).liveBlocks());
            for (int i = 51; i < 100; i++) {
                assertEquals(order.get(i), ALL.get(ValueLayout.JAVA_LONG, order.get(i)), "content intact");
                free16(s, f, order.get(i));
            }
            generic.free(viaGeneric);
            assertEquals(0, generic.stats().liveBlocks());
        }
    }

    @Test
    void blocksFreedByOtherThreadsAndByEndedThreadsComeBack() throws Exception {
        FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
        try (NativeAllocator generic = s.allocator()) {
            ConcurrentLinkedQueue<Long> handed = new ConcurrentLinkedQueue<>();
            Thread producer = new Thread(() -> {
                TwoClassFront f = (TwoClassFront) s.ownFront();
                for (int i = 0; i < 1000; i++) handed.add(malloc16(s, f, 16));
                List<Long> kept = new ArrayList<>(); // left in the front when the thread ends
                for (int i = 0; i < 5; i++) kept.add(malloc16(s, f, 16));
                for (long p : kept) free16(s, f, p);
            });
            producer.start();
            producer.join();
            Thread consumer = new Thread(() -> {
                TwoClassFront f = (TwoClassFront) s.ownFront();
                for (Long p; (p = handed.poll()) != null; ) free16(s, f, p); // remote: owner is the producer
            });
            consumer.start();
            consumer.join();
            Thread vt = Thread.ofVirtual().start(() -> assertNull(s.ownFront(), "virtual threads use the generic path"));
            vt.join();
            AllocatorStats st = generic.stats();
            assertEquals(0, st.liveBlocks(), "every block freed");
            assertEquals(st.allocations(), st.frees());
            // The ended threads' blocks are reused: allocating again takes no new slab.
            long slabs = st.classes().get(0).slabs();
            TwoClassFront mine = (TwoClassFront) s.ownFront();
            List<Long> again = new ArrayList<>();
            for (int i = 0; i < 1000; i++) again.add(malloc16(s, mine, 16));
            assertEquals(slabs, generic.stats().classes().get(0).slabs(), "memory of ended threads reused");
            for (long p : again) free16(s, mine, p);
        }
    }

    /**
     * A new thread that adopts an ended thread's cache (ThreadCaches#adoptEnded) gets its front too,
     * with the blocks left in it, and finds it through the variant's table; the front names the new
     * thread as its owner. The reaper may reclaim the ended cache first: then the scenario is retried.
     */
    @Test
    void anAdoptedCacheBringsItsFrontWithItsBlocksToTheNewThread() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
            try (NativeAllocator generic = s.allocator()) {
                ThreadFront[] fronts = s.fronts();
                Set<Long> leftInFront = java.util.concurrent.ConcurrentHashMap.newKeySet();
                ThreadFront[] seen = new ThreadFront[2];
                OnThread.run(Thread.ofPlatform(), () -> {
                    TwoClassFront f = (TwoClassFront) s.ownFront(fronts);
                    List<Long> held = new ArrayList<>();
                    for (int i = 0; i < 5; i++) held.add(malloc16(s, f, 16));
                    for (long p : held) free16(s, f, p);
                    leftInFront.addAll(held);
                    seen[0] = f;
                }, Duration.ofSeconds(60));
                Set<Long> got = java.util.concurrent.ConcurrentHashMap.newKeySet();
                Thread[] second = new Thread[1];
                OnThread.run(Thread.ofPlatform(), () -> {
                    second[0] = Thread.currentThread();
                    TwoClassFront f = (TwoClassFront) s.ownFront(fronts);
                    seen[1] = f;
                    for (int i = 0; i < 5; i++) got.add(malloc16(s, f, 16));
                    assertSame(f, s.ownFront(fronts), "found again through the variant's table");
                    for (long p : got) free16(s, f, p);
                }, Duration.ofSeconds(60));
                if (seen[1] != seen[0]) continue; // the reaper reclaimed the first cache in between
                assertSame(second[0], seen[1].owner(), "the adopted front names its new owner");
                assertEquals(leftInFront, got, "the new thread got the blocks left in the front");
                assertEquals(0, generic.stats().liveBlocks());
                assertEquals(10, generic.stats().classes().get(0).allocations(), "both lives counted once");
                return;
            }
        }
        throw new AssertionError("no adoption in 20 tries: the reaper reclaimed the ended cache every time");
    }

    @Test
    void followOwnerRefusesAThreadThatDoesNotOwnTheCache() throws Exception {
        FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
        try (NativeAllocator generic = s.allocator()) {
            ThreadFront mine = s.ownFront();
            Thread me = Thread.currentThread();
            mine.followOwner(); // the owner itself: nothing changes
            assertSame(me, mine.owner());
            OnThread.run(Thread.ofPlatform(), () -> assertThrows(IllegalStateException.class, mine::followOwner,
                    "another thread cannot take a live thread's front"), Duration.ofSeconds(60));
            assertSame(me, mine.owner());
        }
    }

    /**
     * The table of fronts is direct-mapped by thread id, like the table of caches: two live threads
     * whose ids share a slot must each get their own front, every call, and never the other's.
     */
    @Test
    void threadsWhoseIdsShareASlotEachGetTheirOwnFront() throws Exception {
        FrontSupport s = FrontSupport.create(CONFIG, TwoClassFront::new);
        try (NativeAllocator generic = s.allocator()) {
            java.util.concurrent.CountDownLatch firstHolds = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch secondDone = new java.util.concurrent.CountDownLatch(1);
            java.util.Map<Thread, ThreadFront> fronts = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Runnable check = () -> {
                try {
                    ThreadFront f = s.ownFront();
                    for (int i = 0; i < 1000; i++) {
                        assertSame(f, s.ownFront(), "the same front every call");
                        assertSame(Thread.currentThread(), f.owner());
                        free16(s, (TwoClassFront) f, malloc16(s, (TwoClassFront) f, 16));
                    }
                    ThreadFront before = fronts.putIfAbsent(Thread.currentThread(), f);
                    if (before != null) assertSame(before, f, "a thread keeps its front");
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            };
            Thread first = new Thread(() -> {
                check.run();
                firstHolds.countDown();
                try {
                    secondDone.await(); // alive, and holding its slot, while the second runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                check.run();
            });
            first.start();
            firstHolds.await();
            Thread second;
            do {
                second = new Thread(check); // ids are given at construction: find one in the first's slot
            } while (((second.threadId() - first.threadId()) & 1023) != 0);
            second.start();
            second.join();
            secondDone.countDown();
            first.join();
            if (failure.get() != null) throw new AssertionError(failure.get());
            assertNotSame(fronts.get(first), fronts.get(second), "each thread its own front");
            assertEquals(2, fronts.size());
            assertEquals(0, generic.stats().liveBlocks());
        }
    }
}
