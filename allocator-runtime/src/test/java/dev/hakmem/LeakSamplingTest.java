package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.LeakReport.LeakSite;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.diag.SamplingAllocator;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** {@code leakSampling(rate)}: the setting, the sites the report names, and records dropped at free. */
class LeakSamplingTest {
    private static NativeAllocator sampling(int rate) {
        return Hakmem.create(AllocatorConfig.builder().leakSampling(rate).build());
    }

    private static int liveSamples(NativeAllocator alloc) {
        return ((SamplingAllocator) alloc).sampler().liveSamples();
    }

    @Test
    void theSettingIsValidatedAndKept() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().leakSampling(-1));
        assertTrue(e.getMessage().startsWith("leakSampling(-1): the rate must be >= 0"), e.getMessage());
        assertEquals(0, AllocatorConfig.defaults().leakSampling());
        AllocatorConfig c = AllocatorConfig.builder().leakSampling(100).build();
        assertEquals(100, c.leakSampling());
        assertEquals(c, c.toBuilder().build());
        assertNotEquals(c, AllocatorConfig.defaults());
        assertNotEquals(c, c.toBuilder().leakSampling(99).build());
        assertTrue(c.toString().contains("leakSampling=100"), c.toString());
        e = assertThrows(IllegalArgumentException.class, () -> new HakmemAllocator(c, (core, id) -> null));
        assertTrue(e.getMessage().contains("generated variant"), e.getMessage());
    }

    @Test
    void offMeansTheAllocatorItselfOnMeansTheSamplingWrapper() {
        try (NativeAllocator plain = Hakmem.create(); NativeAllocator off = Hakmem.create(AllocatorConfig.builder().leakSampling(0).build());
                NativeAllocator on = sampling(10)) {
            assertInstanceOf(HakmemAllocator.class, plain);
            assertInstanceOf(HakmemAllocator.class, off);
            assertInstanceOf(SamplingAllocator.class, on);
        }
    }

    @Test
    void anAllocatorBuiltWithoutItsWrapperClaimsNoSamples() {
        HakmemAllocator direct = new HakmemAllocator(AllocatorConfig.builder().leakSampling(1).build());
        direct.malloc(64);
        direct.close();
        LeakReport r = direct.leakReport().orElseThrow();
        assertEquals(1, r.leakedBlocks());
        assertEquals(0, r.samplingRate(), "nothing fed its sampler: the report says not sampled");
        assertTrue(r.toString().contains("not sampled"), r::toString);
    }

    private static void leakThreeSmall(NativeAllocator alloc, List<Long> keep) {
        for (int i = 0; i < 3; i++) keep.add(alloc.malloc(100));
    }

    private static void leakOneMid(NativeAllocator alloc, List<Long> keep) {
        keep.add(alloc.malloc(5000));
    }

    @Test
    void theReportNamesTheTopSitesByLeakedBytes() {
        NativeAllocator alloc = sampling(1);
        List<Long> leaked = new ArrayList<>();
        leakThreeSmall(alloc, leaked);
        leakOneMid(alloc, leaked);
        for (int i = 0; i < 100; i++) alloc.free(alloc.malloc(64)); // sampled and freed: no site
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertEquals(1, r.samplingRate());
        assertEquals(4, r.sampledLeaks());
        assertEquals(4, r.leakedBlocks());
        List<LeakSite> sites = r.topSites();
        assertEquals(2, sites.size(), sites::toString);
        assertEquals("leakOneMid", sites.get(0).stack().getFirst().getMethodName());
        assertEquals(LeakSamplingTest.class.getName(), sites.get(0).stack().getFirst().getClassName());
        assertEquals(1, sites.get(0).blocks());
        assertEquals(5000, sites.get(0).bytes());
        assertEquals("leakThreeSmall", sites.get(1).stack().getFirst().getMethodName());
        assertEquals(3, sites.get(1).blocks());
        assertEquals(300, sites.get(1).bytes());
        String text = r.toString();
        assertTrue(text.contains("4 sampled blocks leaked (one allocation in 1 sampled)"), text);
        assertTrue(text.indexOf("leakOneMid") < text.indexOf("leakThreeSmall"), text);
        assertTrue(text.contains("#1: 1 blocks, 5000 bytes requested"), text);
        assertFalse(text.contains("dev.hakmem.internal."), "the allocator's own frames are left out:\n" + text);
    }

    @Test
    void recordsAreDroppedAtFreeWhateverTheCall() {
        NativeAllocator alloc = sampling(1);
        long p = alloc.malloc(40);
        assertEquals(1, liveSamples(alloc));
        long q = alloc.realloc(p, 44); // in place (same class): the record stays
        assertEquals(p, q);
        assertEquals(1, liveSamples(alloc));
        long moved = alloc.realloc(q, 3000); // moves: the old record goes, the new block is sampled
        assertNotEquals(q, moved);
        assertEquals(1, liveSamples(alloc));
        long z = alloc.calloc(10, 10);
        long aligned = alloc.mallocAligned(100, 4096);
        MemorySegment seg = alloc.allocate(300, 16);
        long big = alloc.malloc(200_000), huge = alloc.malloc(3 << 20);
        assertEquals(6, liveSamples(alloc));
        alloc.free(z);
        assertEquals(5, liveSamples(alloc));
        assertThrows(IllegalStateException.class, () -> alloc.free(z), "a double free still throws");
        assertEquals(5, liveSamples(alloc));
        assertThrows(IllegalArgumentException.class, () -> alloc.free(aligned + 16)); // interior: refused, record kept
        assertEquals(5, liveSamples(alloc));
        for (long b : new long[] {moved, aligned, big, huge}) alloc.free(b);
        alloc.free(seg);
        assertEquals(0, liveSamples(alloc));
        long fresh = alloc.realloc(0, 16); // realloc(0, n) is a malloc, sampled
        assertEquals(1, liveSamples(alloc));
        assertEquals(16, alloc.usableSize(fresh));
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertEquals(1, r.sampledLeaks());
        assertEquals(1, r.leakedBlocks());
    }

    @Test
    void noFalseLeakWhenAllIsFreed() {
        NativeAllocator alloc = sampling(1);
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 2000; i++) blocks.add(alloc.malloc(16 + (i * 37) % 40_000));
        for (long p : blocks) alloc.free(p);
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertFalse(r.hasLeaks(), r::toString);
        assertEquals(0, r.sampledLeaks());
        assertTrue(r.topSites().isEmpty());
    }

    @Test
    void aRateSamplesAboutOneAllocationInRate() {
        NativeAllocator alloc = sampling(4);
        for (int i = 0; i < 4000; i++) alloc.malloc(32);
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertEquals(4000, r.leakedBlocks());
        // binomial(4000, 1/4): mean 1000, standard deviation 27; this bound fails once in far more than 10^20 runs
        assertTrue(r.sampledLeaks() > 700 && r.sampledLeaks() < 1300, "sampled " + r.sampledLeaks());
        assertEquals(r.sampledLeaks(), r.topSites().getFirst().blocks(), "one site");
    }

    @Test
    void allocatedOnOneThreadFreedOnAnother() throws InterruptedException {
        NativeAllocator alloc = sampling(1);
        int n = 20_000, kept = 37;
        BlockingQueue<Long> handOff = new ArrayBlockingQueue<>(256);
        List<Long> keptBlocks = new ArrayList<>();
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) handOff.put(alloc.malloc(16 + (i % 64) * 16));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    long p = handOff.take();
                    if (i % (n / kept) == 0 && keptBlocks.size() < kept) keptBlocks.add(p);
                    else alloc.free(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        consumer.start();
        producer.join();
        consumer.join();
        assertEquals(kept, keptBlocks.size());
        assertEquals(kept, liveSamples(alloc));
        alloc.close();
        LeakReport r = alloc.leakReport().orElseThrow();
        assertEquals(kept, r.sampledLeaks());
        assertEquals(kept, r.leakedBlocks());
        assertSame(r.atClose(), alloc.stats());
        LeakSite top = r.topSites().getFirst();
        assertEquals(kept, top.blocks(), "one site: the producer's lambda");
        assertTrue(top.stack().getFirst().getClassName().startsWith(LeakSamplingTest.class.getName()), top.toString());
    }
}
