package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.TestAddressSpace;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Racing producers (push) and consumers (refill) of one class: nothing lost, nothing duplicated. */
class CentralFreeListTest {
    @AutoClose
    private final TestAddressSpace space = new TestAddressSpace();
    private final SizeClasses classes = new SizeClasses(AllocatorConfig.defaults());

    @Test
    void carvedBlocksAreDistinctAlignedAndRegistered() {
        int cls = classes.classOf(48);
        CentralFreeList list = new CentralFreeList(cls, 32, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        Set<Long> seen = new HashSet<>();
        long[] dst = new long[32];
        long total = 0;
        for (int i = 0; i < 500; i++) {
            int n = list.refill(dst, 32, 48);
            assertTrue(n >= 1 && n <= 32);
            total += n;
            for (int k = 0; k < n; k++) {
                assertTrue(seen.add(dst[k]), "duplicate block");
                assertEquals(0, dst[k] % 16);
                assertEquals(cls + 1, space.registry.kind(dst[k]));
                Slab s = space.registry.slab(dst[k]);
                assertEquals(dst[k], s.blockAddress(s.indexOf(dst[k])));
            }
        }
        assertEquals(total, seen.size());
        assertTrue(list.slabs() >= seen.size() * 48L / 65536);
    }

    @RepeatedTest(5)
    void racingPushAndRefillLoseAndDuplicateNothing() throws Exception {
        int cls = classes.classOf(64);
        CentralFreeList list = new CentralFreeList(cls, 16, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        int batch = 16;
        raceRefillAndGiveBack(list, 4, 20_000, batch, (got, n) -> list.push(java.util.Arrays.copyOf(got, n), n));
        assertEquals(0, list.cachedBlocks());
    }

    /**
     * The pool's nodes are recycled (issue 15: no Java garbage per batch): pushers fill nodes taken one
     * at a time from the given-back ones ({@code takeNode}, a new one when there is none) and push them
     * whole; refills pop under the pool's pop lock and give each node back. A node reused while still
     * on the stack, or an ABA on a pop's CAS, would hand a block out twice or lose it.
     */
    @RepeatedTest(3)
    void recycledPoolNodesLoseAndDuplicateNothing() throws Exception {
        int cls = classes.classOf(64);
        int threads = 4, rounds = 30_000, batch = 16;
        CentralFreeList list = new CentralFreeList(cls, batch, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        Set<BatchStack.Batch> made = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        java.util.concurrent.atomic.AtomicLong nodesMade = new java.util.concurrent.atomic.AtomicLong();
        raceRefillAndGiveBack(list, threads, rounds, batch, (got, n) -> {
            BatchStack.Batch node = list.takeNode();
            if (made.add(node)) nodesMade.incrementAndGet();
            System.arraycopy(got, 0, node.blocks(), 0, n);
            node.setCount(n);
            list.pushNode(node);
        });
        // New nodes only while the batches in flight grow (the pool found empty sends a refill to carving).
        assertTrue(nodesMade.get() * 100 < (long) threads * rounds, "nodes are recycled: " + nodesMade.get() + " made for " + threads * rounds + " pushes");
    }

    /** How a racing thread gives back the {@code n} blocks of {@code got} it took. */
    interface GiveBack {
        void accept(long[] got, int n);
    }

    /**
     * {@code threads} threads each take a batch ({@code refill}) and give it back, {@code rounds} times;
     * no block may be held by two at once. Then everything pooled is drained: each block exactly once.
     */
    private static void raceRefillAndGiveBack(CentralFreeList list, int threads, int rounds, int batch, GiveBack giveBack)
            throws Exception {
        Set<Long> held = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                long[] got = new long[batch];
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        int n = list.refill(got, batch, 64);
                        for (int k = 0; k < n; k++) {
                            if (!held.add(got[k])) throw new AssertionError("block handed out twice: " + got[k]);
                        }
                        for (int k = 0; k < n; k++) held.remove(got[k]);
                        giveBack.accept(got, n);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) t.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);
        Set<Long> all = new HashSet<>();
        long pooled = list.cachedBlocks();
        long[] got = new long[batch];
        for (long i = 0; i < pooled; ) {
            int n = list.refill(got, batch, 64);
            for (int k = 0; k < n; k++) assertTrue(all.add(got[k]), "duplicate in pool");
            i += n;
        }
        assertEquals(pooled, all.size());
    }

    /**
     * Only nodes made to be recycled come back for reuse: batches pushed as one-off nodes (an ended
     * thread's cache, a pressure release) are dropped once popped. Recycling those too grew the stack
     * of given-back nodes with every such batch, when nobody takes from it (threadChurn's peak RSS
     * went from 26 to 110 MB).
     */
    @Test
    void oneOffNodesAreNotRecycledOnlyRecyclableOnesAre() {
        int cls = classes.classOf(64);
        CentralFreeList list = new CentralFreeList(cls, 16, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        long[] got = new long[16];
        for (int i = 0; i < 100; i++) {
            int n = list.refill(got, 16, 64);
            list.push(java.util.Arrays.copyOf(got, n), n); // one-off node
            assertEquals(n, list.refill(got, 16, 64));
            list.push(java.util.Arrays.copyOf(got, n), n);
        }
        while (list.cachedBlocks() > 0) list.refillFromShared(got, 16);
        BatchStack.Batch node = list.takeNode();
        assertTrue(node.recyclable && node.count() == 0, "one-off nodes were recycled: a node of " + node.count() + " blocks came back");
        int n = list.refill(got, 16, 64);
        System.arraycopy(got, 0, node.blocks(), 0, n);
        node.setCount(n);
        list.pushNode(node);
        assertEquals(n, list.refillFromShared(got, 16));
        assertSame(node, list.takeNode(), "a recyclable node comes back once popped");
    }

    /**
     * Given-back nodes are taken one at a time (issue 15): a sender that holds a node does not hold the
     * others, so another sender reuses one instead of making a new one. When senders took the whole
     * chain and kept it for life, each sender that found it empty made new nodes, and mstress's
     * threads (one phase each) grew the chain to 12,600 nodes, 7 MB of Java heap, in 100 phases.
     */
    @Test
    void givenBackNodesAreTakenOneAtATime() {
        int cls = classes.classOf(64);
        CentralFreeList list = new CentralFreeList(cls, 16, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        Set<BatchStack.Batch> made = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 10; i++) made.add(list.takeNode());
        assertEquals(10, made.size(), "an empty list makes a new node each time");
        for (BatchStack.Batch b : made) list.recycleNode(b);
        Set<BatchStack.Batch> again = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int sender = 0; sender < 10; sender++) again.add(list.takeNode()); // ten senders, one node each
        assertEquals(made, again, "each sender got one of the nodes given back, none new");
        assertTrue(made.add(list.takeNode()), "with every given-back node taken, a new one is made");
    }

    /**
     * What makes recycling pool nodes safe: no two threads remove nodes at once. A pop started while
     * another popper holds the pop lock (as if preempted between reading the head and its CAS) waits
     * for it; without the lock it would run, and a recycled node could fool the preempted CAS.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aPopWaitsWhileAnotherPopperIsBetweenItsReadAndItsCas() throws Exception {
        int cls = classes.classOf(64);
        CentralFreeList list = new CentralFreeList(cls, 16, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT), space.registry, () -> false);
        long[] first = new long[16];
        int n = list.refill(first, 16, 64);
        list.push(java.util.Arrays.copyOf(first, n), n);
        long[] got = new long[16];
        int[] popped = new int[1];
        list.popLock.lock();
        Thread popper = Thread.ofPlatform().start(() -> popped[0] = list.refillFromShared(got, 16));
        popper.join(300);
        assertTrue(popper.isAlive(), "a pop ran while another popper held the pool");
        list.popLock.unlock();
        popper.join();
        assertEquals(n, popped[0], "then it pops the pooled batch");
        assertEquals(first[0], got[0]);
    }

    @Test
    void releasingFreeSlabsKeepsTheRestInBatchesACacheCanTake() {
        int cls = classes.classOf(1024); // 64 blocks per 64 KiB slab
        int batch = 4;
        CentralFreeList list = new CentralFreeList(cls, batch, classes, new SpanSource(space.reservation, space.budget, SizeClasses.TINY_SLAB_SHIFT),
                space.registry, () -> false);
        Set<Long> blocks = new HashSet<>();
        long[] dst = new long[batch];
        while (list.slabs() < 3) { // two whole slabs plus part of the one being carved
            int n = list.refill(dst, batch, 1024);
            for (int k = 0; k < n; k++) blocks.add(dst[k]);
        }
        long keptLive = java.util.Collections.min(blocks); // in the first slab: one live block keeps it
        long[] out = new long[batch];
        int n = 0;
        for (long b : blocks) {
            if (b == keptLive) continue;
            out[n++] = b;
            if (n == batch) {
                list.push(out, n);
                out = new long[batch];
                n = 0;
            }
        }
        if (n > 0) list.push(out, n);
        long committed = space.budget.committed();
        long released = list.releaseFreeSlabs();
        // The whole free slab, and the one being carved (its carved blocks are all free: it is sealed).
        assertEquals(2 * 65536, released, "exactly the two slabs with no live block");
        assertEquals(committed - 2 * 65536, space.budget.committed());
        // What stays pooled comes back in batches of at most `batch` blocks, all distinct and not released.
        Set<Long> seen = new HashSet<>();
        for (long pooled = list.cachedBlocks(); pooled > 0; ) {
            int got = list.refill(dst, batch, 1024);
            assertTrue(got <= batch);
            for (int k = 0; k < got; k++) {
                assertTrue(seen.add(dst[k]));
                assertEquals(cls + 1, space.registry.kind(dst[k]), "a block of a released slab was handed out");
            }
            pooled -= got;
        }
        // The sealed slab gives nothing more: carving goes on in a new one, registered.
        int got = list.refill(dst, batch, 1024);
        for (int k = 0; k < got; k++) {
            assertTrue(seen.add(dst[k]));
            assertEquals(cls + 1, space.registry.kind(dst[k]), "a block of a released slab was carved");
        }
    }
}
