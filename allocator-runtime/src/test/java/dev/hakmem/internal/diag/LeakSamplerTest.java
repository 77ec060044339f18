package dev.hakmem.internal.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sampler's map and its counting filter, without an allocator. */
class LeakSamplerTest {
    @Test
    void theFilterCountsWhatTheMapHolds() {
        LeakSampler s = new LeakSampler(1);
        long base = 0x7f00_0000_0000L;
        for (int i = 0; i < 1000; i++) s.allocated(base + 16L * i, 16);
        assertEquals(1000, s.liveSamples());
        for (int i = 0; i < 1000; i++) assertTrue(s.mayHold(base + 16L * i));
        assertNull(s.take(base + 16_000_000L), "never sampled: nothing to take");
        assertEquals(1000, s.liveSamples());
        for (int i = 0; i < 1000; i++) assertNotNull(s.take(base + 16L * i), "sampled block " + i);
        assertEquals(0, s.liveSamples());
        for (int i = 0; i < 1000; i++) assertFalse(s.mayHold(base + 16L * i), "every counter back to 0");
        assertNull(s.take(base), "taken once");
    }

    @Test
    void aRestoredRecordIsCountedOnce() {
        LeakSampler s = new LeakSampler(1);
        s.allocated(4096, 100);
        LeakSampler.Sample taken = s.take(4096);
        s.restore(4096, taken);
        s.restore(4096, taken); // a second restore replaces, it does not count twice
        assertEquals(1, s.liveSamples());
        assertSame(taken, s.take(4096));
        assertFalse(s.mayHold(4096));
    }

    @Test
    void sitesLeaveOutTheAllocatorsOwnFrames() {
        LeakSampler s = new LeakSampler(1);
        s.allocated(4096, 100);
        s.allocated(8192, 50);
        var sites = s.topSites(5);
        assertEquals(1, sites.size(), "one stack: this test's");
        assertEquals(2, sites.getFirst().blocks());
        assertEquals(150, sites.getFirst().bytes());
        // this test is in dev.hakmem.internal too, so its frames go with the sampler's: the site starts at its caller
        assertFalse(sites.getFirst().stack().isEmpty());
        assertTrue(sites.getFirst().stack().stream().noneMatch(f -> f.getClassName().startsWith("dev.hakmem.internal.")),
                sites.getFirst().stack()::toString);
        assertTrue(sites.getFirst().stack().size() <= LeakSampler.MAX_FRAMES);
        assertThrows(IllegalArgumentException.class, () -> new LeakSampler(0));
    }
}
