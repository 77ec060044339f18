package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The object peers' handle table: distinct handles, reuse, and indices moving between threads. */
class HandleTableTest {
    @Test
    void liveHandlesAreDistinctAndNeverZeroAndFreedOnesComeBack() {
        HandleTable<String> t = new HandleTable<>();
        Set<Long> live = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            long h = t.add("b" + i);
            assertTrue(h != 0 && live.add(h), "handle " + h + " given twice");
        }
        for (long h : live) assertTrue(t.get(h).startsWith("b"));
        long first = live.iterator().next();
        t.remove(first);
        assertNull(t.get(first));
        assertEquals(first, t.add("again"), "the last freed index is the next one handed out");
        assertEquals(5, t.chunkCount(), "5000 blocks fill five chunks of 1024");
    }

    /**
     * xmalloc's pattern: one thread only adds, another only removes. The remover's indices have to
     * reach the adder through the pool, or the table would grow by a chunk per 1024 blocks.
     */
    @Test
    void indicesFreedOnOneThreadAreReusedByAnother() throws Exception {
        HandleTable<Integer> t = new HandleTable<>();
        BlockingQueue<Long> queue = new ArrayBlockingQueue<>(500);
        int n = 200_000;
        FutureTask<Void> remover = new FutureTask<>(() -> {
            for (int i = 0; i < n; i++) {
                Long h = queue.poll(30, TimeUnit.SECONDS);
                assertNotNull(h, "the adder stopped");
                assertEquals(i, t.get(h), "entry of handle " + h);
                t.remove(h);
            }
            return null;
        });
        Thread r = Thread.ofPlatform().start(remover);
        for (int i = 0; i < n && !remover.isDone(); i++) {
            long h = t.add(i);
            while (!queue.offer(h, 10, TimeUnit.MILLISECONDS) && !remover.isDone()) {
                // the remover is behind; wait again unless it has failed
            }
        }
        r.join();
        remover.get();
        assertTrue(t.chunkCount() <= 8, "the table grew to " + t.chunkCount() + " chunks for at most 500 live blocks");
    }

    /** Threads that end keep their free indices only until the pool runs dry; then they are reclaimed. */
    @Test
    void theFreeIndicesOfEndedThreadsAreReclaimed() throws Exception {
        HandleTable<Object> t = new HandleTable<>();
        Object block = new Object();
        for (int i = 0; i < 2000; i++) {
            Thread th = Thread.ofPlatform().start(() -> t.remove(t.add(block)));
            th.join();
        }
        for (int i = 0; i < 2000; i++) {
            Thread th = Thread.ofVirtual().start(() -> t.remove(t.add(block)));
            th.join();
        }
        assertTrue(t.chunkCount() <= 2, "the table grew to " + t.chunkCount() + " chunks for one live block at a time");
        long h = t.add(block);
        assertSame(block, t.get(h));
    }
}
