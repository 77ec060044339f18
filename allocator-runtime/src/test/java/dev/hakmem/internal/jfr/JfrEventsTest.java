package dev.hakmem.internal.jfr;

import static dev.hakmem.internal.jfr.Recorded.events;
import static dev.hakmem.internal.jfr.Recorded.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.HakmemAllocator;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JFR events, recorded in process and read back: each test provokes the slow path or misuse an
 * event reports and asserts on the fields, filtered by the allocator's id so that other allocators
 * of the JVM do not interfere.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final long KiB = 1024, MiB = 1024 * KiB;

    private static Map<String, String> on() {
        return Map.of("enabled", "true", "stackTrace", "true", "threshold", "0 ms");
    }

    private static HakmemAllocator create(AllocatorConfig config) {
        return (HakmemAllocator) Hakmem.create(config);
    }

    @Test
    void misuseIsReportedWithKindAddressTierAndTheCallersStack() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.defaults());
        long[] addresses = new long[3];
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.Misuse", on()), h.jfrId(), () -> {
            long tiny = h.malloc(64);
            h.free(tiny);
            assertThrows(IllegalStateException.class, () -> h.free(tiny)); // the exception is unchanged
            long large = h.malloc(100 * KiB);
            assertThrows(IllegalArgumentException.class, () -> h.free(large + 4096));
            long huge = h.malloc(4 * MiB);
            h.free(huge);
            assertThrows(IllegalStateException.class, () -> h.usableSize(huge));
            addresses[0] = tiny;
            addresses[1] = large + 4096;
            addresses[2] = huge;
            h.free(large);
        });
        List<RecordedEvent> misuse = named(ev, "Misuse");
        assertEquals(3, misuse.size(), misuse.toString());
        RecordedEvent df = misuse.get(0), interior = misuse.get(1), uaf = misuse.get(2);
        assertEquals("DOUBLE_FREE", df.getString("kind"));
        assertEquals("free", df.getString("operation"));
        assertEquals(addresses[0], df.getLong("address"));
        assertEquals("TINY", df.getString("tier"));
        assertEquals(64, df.getLong("blockSize"));
        assertTrue(df.getInt("sizeClass") >= 0);
        assertTrue(df.getString("message").contains("double free"), df.getString("message"));
        assertTrue(stackHasTest(df), "the caller's stack: " + df.getStackTrace());
        assertEquals("INTERIOR_POINTER", interior.getString("kind"));
        assertEquals(addresses[1], interior.getLong("address"));
        assertEquals("LARGE", interior.getString("tier"));
        assertEquals(-1, interior.getInt("sizeClass"));
        assertEquals("USE_AFTER_FREE", uaf.getString("kind"));
        assertEquals("usableSize", uaf.getString("operation"));
        assertEquals("HUGE", uaf.getString("tier"));
        assertEquals(addresses[2], uaf.getLong("address"));
        assertEquals(1, h.events().misuses(MisuseKind.DOUBLE_FREE));
        assertEquals(1, h.events().misuses(MisuseKind.INTERIOR_POINTER));
        assertEquals(1, h.events().misuses(MisuseKind.USE_AFTER_FREE));
        h.close();
    }

    /** Whether a frame of the event's stack is in this test class (the lambda's name is the compiler's). */
    private static boolean stackHasTest(RecordedEvent e) {
        assertNotNull(e.getStackTrace(), "the event has a stack trace");
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod().getType().getName().equals(JfrEventsTest.class.getName())) return true;
        }
        return false;
    }

    @Test
    void outOfMemoryNamesTheRequestTheLimitAndTheCommittedBytes() throws Exception {
        long limit = 8 * MiB;
        HakmemAllocator h = create(AllocatorConfig.builder().memoryLimit(limit).build());
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.OutOfMemory", on()), h.jfrId(), () -> {
            assertThrows(OutOfMemoryError.class, () -> h.malloc(16 * MiB)); // Huge, above the limit
            List<Long> held = new ArrayList<>();
            OutOfMemoryError small = assertThrows(OutOfMemoryError.class, () -> {
                while (true) held.add(h.malloc(1024)); // Tiny until the limit
            });
            assertNotNull(small);
            for (long p : held) h.free(p);
        });
        List<RecordedEvent> oom = named(ev, "OutOfMemory");
        assertEquals(2, oom.size(), oom.toString());
        assertEquals(16 * MiB, oom.get(0).getLong("requestedSize"));
        assertEquals("HUGE", oom.get(0).getString("tier"));
        assertEquals(limit, oom.get(0).getLong("memoryLimit"));
        assertTrue(oom.get(0).getString("message").contains("memory limit"), oom.get(0).getString("message"));
        assertEquals(1024, oom.get(1).getLong("requestedSize"));
        assertEquals("TINY", oom.get(1).getString("tier"));
        assertTrue(oom.get(1).getLong("committed") > limit / 2 && oom.get(1).getLong("committed") <= limit,
                "committed near the limit: " + oom.get(1).getLong("committed"));
        assertTrue(stackHasTest(oom.get(1)));
        h.close();
    }

    @Test
    void memoryFromAndBackToTheOsIsReportedPerTier() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.builder().largeRetainedBytes(0).hugeRetainedBytes(0).build());
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.OsRefill", on(), "dev.hakmem.MemoryReturned", on()), h.jfrId(), () -> {
            h.free(h.malloc(32)); // a Tiny slab from a fresh chunk
            h.free(h.malloc(8 * KiB)); // a Mid span
            h.free(h.malloc(1 * MiB)); // Large pages (above what a thread caches); freed beyond a retained limit of 0: trimmed
            h.free(h.malloc(3 * MiB)); // a Huge mapping, unmapped on free (no Huge retention)
            h.close();
        });
        List<RecordedEvent> refills = named(ev, "OsRefill");
        RecordedEvent tiny = only(refills, "TINY"), mid = only(refills, "MID"), large = only(refills, "LARGE"), huge = only(refills, "HUGE");
        assertEquals(64 * KiB, tiny.getLong("bytes"));
        assertEquals(32, tiny.getLong("requestedSize"));
        assertTrue(tiny.getBoolean("newMapping"));
        assertEquals(512 * KiB, mid.getLong("bytes"));
        assertEquals(1 * MiB, large.getLong("bytes"));
        assertTrue(large.getBoolean("newMapping"));
        assertEquals(3 * MiB, huge.getLong("bytes"));
        List<RecordedEvent> returned = named(ev, "MemoryReturned");
        RecordedEvent largeBack = only(returned, "LARGE"), hugeBack = only(returned, "HUGE"), all = only(returned, "ALL");
        assertEquals("retained limit", largeBack.getString("reason"));
        assertTrue(largeBack.getLong("bytes") >= 1 * MiB, "the freed run at least: " + largeBack.getLong("bytes"));
        assertEquals("free", hugeBack.getString("reason"));
        assertEquals(3 * MiB, hugeBack.getLong("bytes"));
        assertEquals("close", all.getString("reason"));
        assertTrue(all.getLong("bytes") >= 64 * KiB + 512 * KiB, "the slab and the span at least: " + all.getLong("bytes"));
    }

    /** The one event of {@code tier} among {@code events}. */
    private static RecordedEvent only(List<RecordedEvent> events, String tier) {
        List<RecordedEvent> of = events.stream().filter(e -> e.getString("tier").equals(tier)).toList();
        assertEquals(1, of.size(), tier + ": " + events);
        return of.get(0);
    }

    @Test
    void memoryPressureReportsTheSlabsGivenBack() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.builder().memoryLimit(4 * MiB).build());
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.MemoryReturned", on()), h.jfrId(), () -> {
            for (int s : new int[] {1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096}) h.free(h.malloc(s)); // 8 Mid spans: the limit
            h.free(h.malloc(16)); // needs a Tiny slab: the Mid spans give way
        });
        RecordedEvent mid = only(named(ev, "MemoryReturned"), "MID");
        assertEquals("memory pressure", mid.getString("reason"));
        assertTrue(mid.getLong("bytes") >= 512 * KiB, "a span at least: " + mid.getLong("bytes"));
        h.close();
    }

    @Test
    void anEndedThreadsReclaimIsReportedWithItsBlocks() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.defaults());
        Thread[] worker = new Thread[1];
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.ThreadCacheReclaim", on()), h.jfrId(), () -> {
            worker[0] = Thread.ofPlatform().name("jfr-test-worker").start(() -> {
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 100; i++) held.add(h.malloc(48));
                for (long p : held) h.free(p);
            });
            worker[0].join();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (h.liveThreadCaches() > 0 && System.nanoTime() < until) Thread.sleep(5); // the reaper's scan (this thread has no cache)
        });
        List<RecordedEvent> reclaims = named(ev, "ThreadCacheReclaim").stream()
                .filter(e -> e.getThread("endedThread") != null && "jfr-test-worker".equals(e.getThread("endedThread").getJavaName()))
                .toList();
        assertEquals(1, reclaims.size(), "one reclaim of the worker: " + named(ev, "ThreadCacheReclaim"));
        RecordedEvent r = reclaims.get(0);
        assertTrue(r.getLong("blocks") >= 100, "its 100 freed blocks at least (it carved more): " + r.getLong("blocks"));
        assertEquals(0, r.getLong("bytes") % 48, "blocks of 48 bytes: " + r.getLong("bytes"));
        assertTrue(r.getLong("bytes") >= 100 * 48);
        h.close();
    }

    @Test
    void unthrottledSamplesWeighEveryBlockRefilled() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.defaults());
        long stride = 1L << AllocatorEvents.SAMPLE_STRIDE_SHIFT;
        int n = 40_000; // 2.5 MB of 64-byte blocks
        int larges = 128; // 12.8 MB of 100 KiB blocks
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.AllocationSample", Map.of("enabled", "true", "stackTrace", "true", "throttle", "off")),
                h.jfrId(), () -> {
                    long[] p = new long[n];
                    for (int i = 0; i < n; i++) p[i] = h.malloc(64);
                    for (int i = 0; i < n; i++) h.free(p[i]);
                    for (int i = 0; i < larges; i++) h.free(h.malloc(100 * KiB));
                });
        List<RecordedEvent> samples = named(ev, "AllocationSample");
        long weight = 0;
        for (RecordedEvent e : samples) {
            weight += e.getLong("weight");
            if (!e.getString("tier").equals("TINY")) continue;
            assertEquals(64, e.getLong("blockSize"));
            assertEquals(64, e.getLong("requestedSize"));
        }
        // Every block handed out came from a refill (the last refill's batch may be partly unused) or
        // a Large call; what the thread took after its last sample, less than one stride, is in none.
        long taken = n * 64L + larges * 100L * KiB;
        assertTrue(weight > taken - stride && weight <= taken + 32 * 64L, "weights " + weight + " for " + taken + " bytes taken");
        // One sample per stride at most, not one per refill or Large call.
        assertTrue(samples.size() <= taken / stride + 1, samples.size() + " samples for " + taken + " bytes");
        RecordedEvent large = samples.stream().filter(e -> e.getString("tier").equals("LARGE")).findFirst().orElseThrow();
        assertEquals(100 * KiB, large.getLong("requestedSize"));
        assertEquals(-1, large.getInt("sizeClass"));
        assertTrue(stackHasTest(large));
        h.close();
    }

    @Test
    void throttledSamplesStayBoundedByTheRate() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.defaults());
        long[] elapsed = new long[1];
        long[] refills = new long[1];
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.AllocationSample", Map.of("enabled", "true", "throttle", "5/s")), h.jfrId(), () -> {
            long start = System.nanoTime();
            long[] p = new long[4096];
            for (int round = 0; round < 200; round++) { // many refills: every class, a whole cache each time
                for (int i = 0; i < p.length; i++) p[i] = h.malloc(16 + (i % 64) * 16);
                for (long q : p) h.free(q);
                refills[0] += p.length / 32;
            }
            elapsed[0] = System.nanoTime() - start;
        });
        int samples = named(ev, "AllocationSample").size();
        double seconds = elapsed[0] / 1e9;
        // 5 a second; generous: the throttler's windows may let a burst through at the start and at the end.
        assertTrue(samples <= 5 * (seconds + 2) * 4, samples + " samples in " + seconds + " s at 5/s (" + refills[0] + " refills or so)");
        assertTrue(samples >= 1, "at least one sample");
        h.close();
    }

    @Test
    void periodicStatisticsReportEachOpenAllocatorAndItsTiers() throws Exception {
        HakmemAllocator h = create(AllocatorConfig.defaults());
        long[] live = new long[100];
        List<RecordedEvent> ev = events(Map.of("dev.hakmem.AllocatorStatistics", Map.of("enabled", "true", "period", "100 ms"),
                "dev.hakmem.TierStatistics", Map.of("enabled", "true")), h.jfrId(), () -> {
                    for (int i = 0; i < live.length; i++) {
                        live[i] = h.malloc(2048);
                        MemorySegment.ofAddress(live[i]).reinterpret(2048).fill((byte) 1); // resident
                    }
                    long p = h.malloc(16);
                    h.free(p);
                    assertThrows(IllegalStateException.class, () -> h.free(p));
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    while (System.nanoTime() < until) Thread.sleep(50); // several periods
                });
        List<RecordedEvent> stats = named(ev, "AllocatorStatistics");
        assertFalse(stats.isEmpty(), "a statistics event within a second at a 100 ms period");
        RecordedEvent s = stats.get(stats.size() - 1);
        assertEquals(100 * 2048, s.getLong("live"));
        assertEquals(100, s.getLong("liveBlocks"));
        assertTrue(s.getLong("committed") >= 512 * KiB, "a Mid span at least: " + s.getLong("committed"));
        assertTrue(s.getLong("resident") > 0 && s.getLong("resident") <= s.getLong("committed") + MiB, "resident " + s.getLong("resident"));
        assertEquals(Long.MAX_VALUE, s.getLong("memoryLimit"));
        assertEquals(1, s.getLong("doubleFrees"));
        List<RecordedEvent> tiers = named(ev, "TierStatistics");
        RecordedEvent mid = tiers.stream().filter(t -> t.getString("tier").equals("MID")).reduce((a, b) -> b).orElseThrow();
        assertEquals(100 * 2048, mid.getLong("live"));
        assertEquals(100, mid.getLong("liveBlocks"));
        for (long p : live) h.free(p);
        h.close();
        assertFalse(OpenAllocators.isOpen(h.jfrId()), "unregistered at close");
    }

    @Test
    void anAllocatorIsListedFromCreationToClose() {
        NativeAllocator a = Hakmem.create();
        long id = ((HakmemAllocator) a).jfrId();
        assertTrue(OpenAllocators.isOpen(id));
        a.close();
        assertFalse(OpenAllocators.isOpen(id));
    }
}
