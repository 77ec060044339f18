package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The leak report of close: its figures per tier and class in each configuration that can count them,
 * the snapshot {@code stats()} returns after close, and the warning logged (through
 * {@code java.util.logging}, the JDK's default backend of {@code System.Logger}).
 */
class LeakReportTest {
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { synchronized (logged) { logged.add(r); } }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private final Logger jul = Logger.getLogger("dev.hakmem");

    @BeforeEach
    void listen() {
        jul.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        jul.removeHandler(capture);
    }

    private List<LogRecord> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        }
    }

    /** Leaks 2 blocks of 32, one of 768 (Tiny), one of 5120 (Mid), one Large and one Huge; frees the rest. */
    private static long[] leakSome(NativeAllocator alloc) {
        long a = alloc.malloc(24), b = alloc.malloc(30), c = alloc.malloc(17), d = alloc.malloc(700);
        long m = alloc.malloc(5000), freedMid = alloc.malloc(5000);
        long large = alloc.malloc(100_000), huge = alloc.malloc(3 << 20);
        alloc.free(c);
        alloc.free(freedMid);
        alloc.free(alloc.malloc(200_000));
        return new long[] {alloc.usableSize(large), alloc.usableSize(huge)};
    }

    @ParameterizedTest(name = "checks {0}, stats {1}")
    @CsvSource({"true, true", "false, true", "true, false", "false, false"})
    void reportCountsWhatWasLivePerTierAndClass(boolean checks, boolean stats) {
        NativeAllocator alloc = Hakmem.create(AllocatorConfig.builder().checks(checks).stats(stats).build());
        long[] big = leakSome(alloc);
        assertTrue(alloc.leakReport().isEmpty(), "no report while open");
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        AllocatorStats s = r.atClose();
        assertSame(s, alloc.stats(), "stats() after close: the snapshot at close");
        boolean smallCounted = checks || stats;
        assertEquals(smallCounted, r.smallBlocksCounted());
        assertTrue(r.hasLeaks());
        assertEquals(smallCounted ? 3 : 0, s.tier(Tier.TINY).liveBlocks());
        assertEquals(smallCounted ? 32 + 32 + 768 : 0, s.tier(Tier.TINY).liveBytes());
        assertEquals(smallCounted ? 1 : 0, s.tier(Tier.MID).liveBlocks());
        assertEquals(smallCounted ? 5120 : 0, s.tier(Tier.MID).liveBytes());
        assertEquals(1, s.tier(Tier.LARGE).liveBlocks());
        assertEquals(big[0], s.tier(Tier.LARGE).liveBytes());
        assertEquals(1, s.tier(Tier.HUGE).liveBlocks());
        assertEquals(big[1], s.tier(Tier.HUGE).liveBytes());
        assertEquals((smallCounted ? 4 : 0) + 2, r.leakedBlocks());
        assertEquals((smallCounted ? 32 + 32 + 768 + 5120 : 0) + big[0] + big[1], r.leakedBytes());
        for (AllocatorStats.ClassStats c : s.classes()) {
            long expected = !smallCounted ? 0 : c.size() == 32 ? 2 : c.size() == 768 || c.size() == 5120 ? 1 : 0;
            assertEquals(expected, c.liveBlocks(), "class of " + c.size() + " bytes");
        }
        assertEquals(0, r.samplingRate());
        assertTrue(r.topSites().isEmpty());
        String text = r.toString();
        assertTrue(text.contains("closed with " + r.leakedBlocks() + " live blocks (" + r.leakedBytes() + " bytes)"), text);
        assertTrue(text.contains("not sampled"), text);
        assertEquals(!smallCounted, text.contains("Tiny and Mid blocks not counted"), text);
        List<LogRecord> w = warnings();
        assertEquals(1, w.size(), "one warning: the report");
        assertEquals(text, w.getFirst().getMessage());
        assertEquals(s, alloc.stats(), "stays the same");
        assertTrue(alloc.dump().contains("hakmem allocator: " + r.leakedBlocks() + " live blocks"), "dump() after close");
        assertThrows(IllegalStateException.class, () -> alloc.malloc(16), "other calls still refused");
    }

    @Test
    void nothingLiveNothingLogged() {
        NativeAllocator alloc = Hakmem.create();
        List<Long> blocks = new ArrayList<>();
        for (long size : new long[] {16, 1000, 5000, 100_000, 3 << 20}) blocks.add(alloc.malloc(size));
        for (long p : blocks) alloc.free(p);
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertFalse(r.hasLeaks(), r::toString);
        assertEquals(0, r.leakedBlocks());
        assertEquals(5, alloc.stats().allocations());
        assertTrue(warnings().isEmpty(), () -> "logged " + warnings().getFirst().getMessage());
        alloc.close(); // idempotent: no second report
        assertTrue(warnings().isEmpty());
    }

    @Test
    void blocksFreedOnTheirWayToTheirOwnerAreNotLiveInTheCensus() throws InterruptedException {
        NativeAllocator alloc = Hakmem.create(AllocatorConfig.builder().stats(false).build());
        long[] blocks = new long[50];
        for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(48);
        Thread other = new Thread(() -> {
            for (int i = 0; i < 40; i++) alloc.free(blocks[i]); // remote frees: REMOTE states, in transit
        });
        other.start();
        other.join();
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertEquals(10, r.atClose().tier(Tier.TINY).liveBlocks());
        assertEquals(10 * 48, r.atClose().tier(Tier.TINY).liveBytes());
    }
}
