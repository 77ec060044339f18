package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two runs' headline ratios, table by table, and how many agree. */
class AgreementTest {
    static JmhResult r(String benchmark, String params, String peer, double score) {
        return new JmhResult(benchmark, "thrpt", params, peer, score, Double.NaN, "ops/s", Map.of(), "1 fork");
    }

    static final String TINY = "dev.hakmem.bench.TinyHot.cycle", LARSON = "dev.hakmem.bench.Larson.twoThreads";

    @Test
    void ratiosAreOverEachRunsFastestNative() {
        List<JmhResult> first = List.of(r(TINY, "size=16", "hakmem", 300), r(TINY, "size=16", "hakmem-gen", 330),
                r(TINY, "size=16", "mimalloc", 100), r(TINY, "size=16", "tcmalloc", 90), r(TINY, "size=16", "heap", 1000),
                r(LARSON, "threads=2", "hakmem", 80), r(LARSON, "threads=2", "mimalloc", 100));
        List<JmhResult> second = List.of(r(TINY, "size=16", "hakmem", 320), r(TINY, "size=16", "hakmem-gen", 330),
                r(TINY, "size=16", "mimalloc", 90), r(TINY, "size=16", "tcmalloc", 100),
                r(LARSON, "threads=2", "hakmem", 60), r(LARSON, "threads=2", "mimalloc", 100));
        List<Agreement.Ratio> ratios = Agreement.ratios(first, second);
        assertEquals(3, ratios.size(), "tinyHot for both, larson for hakmem only: " + ratios);
        Agreement.Ratio tiny = ratios.get(0);
        assertEquals("tinyHot size=16", tiny.table());
        assertEquals(3.0, tiny.first(), 1e-9, "over mimalloc, not over the heap (a Java peer)");
        assertEquals(3.2, tiny.second(), 1e-9, "over tcmalloc, the second run's fastest native");
        assertEquals("mimalloc", tiny.firstBest());
        assertEquals("tcmalloc", tiny.secondBest());
        assertTrue(tiny.agrees(0.15));
        Agreement.Ratio larson = ratios.get(2);
        assertEquals("larson twoThreads threads=2", larson.table());
        assertEquals(-0.25, larson.change(), 1e-9);
        assertFalse(larson.agrees(0.15));
        String md = Agreement.markdown(ratios, 0.15);
        assertTrue(md.contains("| larson twoThreads threads=2 | hakmem | 0.80x | 0.60x | -25.0% (over 15%) | mimalloc / mimalloc |"), md);
        assertTrue(md.contains("hakmem: 1 of 2 tables agree within 15%"), md);
        assertTrue(md.contains("hakmem-gen: 1 of 1 tables agree within 15%"), md);
    }
}
