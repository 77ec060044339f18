package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSpeedCheckTest {
    @Test
    void masksNameTheirCpus() {
        assertEquals(List.of(3), CpuSpeedCheck.cpusOf(CpuSpeedCheck.only(3)));
        assertEquals(List.of(1023), CpuSpeedCheck.cpusOf(CpuSpeedCheck.only(1023)));
        byte[] two = CpuSpeedCheck.only(0);
        two[1] |= 1 << 1; // cpu 9
        assertEquals(List.of(0, 9), CpuSpeedCheck.cpusOf(two));
        assertThrows(IllegalArgumentException.class, () -> CpuSpeedCheck.only(-1));
        assertThrows(IllegalArgumentException.class, () -> CpuSpeedCheck.only(1024));
    }

    @Test
    void aSlowCpuIsNamedWithItsSpeedRelativeToTheFastest() {
        var speeds = new CpuSpeedCheck.Speeds(List.of(0, 1), new long[][] {{10_000_000, 12_000_000, 11_000_000}, {21_000_000, 20_000_000, 22_000_000}});
        assertArrayEquals(new double[] {11e6, 21e6}, speeds.medians(), 1e-6);
        assertArrayEquals(new double[] {1.0, 11.0 / 21.0}, speeds.relative(), 1e-9);
        String line = speeds.line("at the start");
        assertEquals("at the start: cpu0 1.00, cpu1 0.52 (median ms per loop: 11.0, 21.0); "
                + "the CPUs did not run alike: the slowest at 0.52x the fastest", line);
    }

    @Test
    void cpusWithinTenPercentRunAlike() {
        var speeds = new CpuSpeedCheck.Speeds(List.of(0, 1), new long[][] {{10_000_000, 10_000_000}, {9_500_000, 10_500_000}});
        assertArrayEquals(new double[] {10e6, 10e6}, speeds.medians(), 1e-6); // an even count: the mean of the middle two
        String line = speeds.line("at the end");
        assertTrue(line.endsWith("the CPUs ran alike (within 10%)"), line);
        assertFalse(line.contains("did not"), line);
    }

    @Test
    void measuresEveryAllowedCpuAndPutsTheAffinityBack() {
        CpuSpeedCheck.Affinity affinity = CpuSpeedCheck.Affinity.lookup();
        assumeTrue(affinity != null, "no sched_setaffinity here");
        byte[] before = affinity.get();
        List<Integer> cpus = CpuSpeedCheck.cpusOf(before);
        assertFalse(cpus.isEmpty());

        CpuSpeedCheck.Speeds speeds = CpuSpeedCheck.measure(affinity, 2, 100_000);

        assertEquals(cpus, speeds.cpus());
        for (long[] passes : speeds.nanos()) {
            assertEquals(2, passes.length);
            for (long n : passes) assertTrue(n > 0, "a timing of " + n + " ns");
        }
        assertArrayEquals(before, affinity.get(), "the thread's affinity is put back");
    }

    @Test
    void aPinHoldsUntilTheMaskIsPutBack() {
        CpuSpeedCheck.Affinity affinity = CpuSpeedCheck.Affinity.lookup();
        assumeTrue(affinity != null, "no sched_setaffinity here");
        byte[] before = affinity.get();
        int last = CpuSpeedCheck.cpusOf(before).getLast();
        try {
            affinity.set(CpuSpeedCheck.only(last));
            assertEquals(List.of(last), CpuSpeedCheck.cpusOf(affinity.get()));
        } finally {
            affinity.set(before);
        }
        assertArrayEquals(before, affinity.get());
        assertThrows(IllegalArgumentException.class, () -> affinity.set(new byte[8]));
    }
}
