package dev.hakmem.codegen.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.profile.Profile;
import dev.hakmem.codegen.profile.Profile.BigRequests;
import dev.hakmem.codegen.profile.Profile.ClassRecord;
import dev.hakmem.codegen.profile.Profile.Request;
import dev.hakmem.codegen.profile.Profiles;
import dev.hakmem.codegen.spec.SpecParser;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tuner end to end on profiles: classes, caches, fronts, the rest, the header, and its errors. */
class TunerTest {
    private static final TuneSettings SETTINGS = new TuneSettings("com.example.Tuned");

    /** Requested bytes of {@link Profiles#clustered}. */
    private static final long REQUESTED = 24L * 50_000 + 40L * 30_000 + 72L * 9_000 + 136L * 5_000 + 264L * 4_000 + 520L * 2_000 + 3008L * 7;

    @Test
    void clusteredRequestsGetTheirOwnClassesAndLessFragmentation() {
        TunedSpec t = Tuner.tune(List.of(Profiles.clustered("profiles/a.json")), SETTINGS);
        AllocatorConfig c = t.spec().config();
        for (int size : new int[] {32, 48, 80, 144, 272, 528}) {
            assertTrue(Arrays.binarySearch(c.tinyClasses(), size) >= 0, size + " in " + Arrays.toString(c.tinyClasses()));
        }
        assertEquals(20, c.tinyClasses().length);
        assertEquals(20, c.midClasses().length);
        assertTrue(Arrays.binarySearch(c.midClasses(), 3072) >= 0, Arrays.toString(c.midClasses()));
        // 8 bytes lost per Tiny request, 64 per 3008-byte one; the defaults lose 8, 8, 8, 24, 56, 120 and 64.
        assertEquals(new Fragmentation(8L * 100_000 + 64 * 7, REQUESTED), t.tuned());
        assertEquals(new Fragmentation(8L * 50_000 + 8L * 30_000 + 8L * 9_000 + 24L * 5_000 + 56L * 4_000 + 120L * 2_000 + 64 * 7, REQUESTED),
                t.defaultLayout());
        assertNull(t.baseLayout());
        assertEquals("13.69%", t.tuned().describe());
        assertEquals("22.18%", t.defaultLayout().describe());
        assertTrue(t.notes().isEmpty(), t.notes().toString());
    }

    @Test
    void cachesFollowTheBurstsCappedByPeakLive() {
        AllocatorConfig c = Tuner.tune(List.of(Profiles.clustered("a.json")), SETTINGS).spec().config();
        assertCache(c, 32, 128, 32);   // burst 100
        assertCache(c, 48, 512, 128);  // burst 300
        assertCache(c, 80, 16, 4);     // burst 5: the Tiny floor
        assertCache(c, 144, 64, 16);   // burst 2000, but never more than 40 live
        assertCache(c, 272, 16, 4);    // 264-byte requests, recorded in the 320 class: burst 3
        assertCache(c, 528, 16, 4);    // 520-byte requests, recorded in the 640 class: burst 1
        assertCache(c, 320, 512, 32);  // serves no recorded request, though the recorded 320 class is in its range
        assertCache(c, 736, 512, 32);  // the same for the recorded 640 class
        assertCache(c, 3072, 8, 2);    // Mid, burst 7
        assertCache(c, 16, 512, 128);  // nothing recorded: the runtime's default (a batch of 128 up to 128 B)
        int big = c.midClasses()[c.midClasses().length - 1];
        assertCache(c, big, 64, 4);
    }

    @Test
    void everyTinyClassGetsTheFrontWhateverTheProfile() {
        TunedSpec hot = Tuner.tune(List.of(Profiles.clustered("a.json")), SETTINGS); // 32: 50%, 48: 30%
        assertEquals(AllocatorConfig.TINY_MAX, hot.spec().frontsUpTo());
        assertEquals(hot.spec().config().tinyClasses().length, hot.spec().frontClasses());
        Profile flat = profile(List.of(new Request(16, 10), new Request(32, 10), new Request(48, 10), new Request(64, 10),
                new Request(80, 10), new Request(96, 10), new Request(112, 10), new Request(128, 10), new Request(144, 10),
                new Request(160, 10)), List.of());
        assertEquals(AllocatorConfig.TINY_MAX, Tuner.tune(List.of(flat), SETTINGS).spec().frontsUpTo(), "no hot class");
        Profile midOnly = profile(List.of(new Request(2048, 10)), List.of());
        TunedSpec m = Tuner.tune(List.of(midOnly), SETTINGS);
        assertEquals(AllocatorSpec.DEFAULT_FRONTS_UP_TO, m.spec().frontsUpTo(), "no Tiny requests: the default");
        assertTrue(m.notes().getFirst().startsWith("Tiny: the profiles recorded no request"), m.notes().toString());
    }

    @Test
    void profilesMergeCountsAndTakeTheLargestBurst() {
        Profile a = profile(List.of(new Request(100, 10)), List.of(new ClassRecord(112, 10, 50, 40)));
        Profile b = profile(List.of(new Request(100, 5), new Request(200, 30)), List.of(new ClassRecord(112, 5, 600, 300)));
        MergedProfile m = MergedProfile.of(List.of(a, b));
        assertEquals(15, m.histogram()[100]);
        assertEquals(30, m.histogram()[200]);
        assertEquals(new ClassRecord(112, 15, 600, 300), m.classes().get(112));
        AllocatorConfig c = Tuner.tune(List.of(a, b), new TuneSettings("com.example.T", 2, 20)).spec().config();
        assertEquals(List.of(208, 1024), Arrays.stream(c.tinyClasses()).boxed().toList(),
                "two classes: 208 loses 15 x 108 + 30 x 8 bytes, 112 would lose 15 x 12 + 30 x 824");
        assertCache(c, 208, 512, 128); // the recorded 112-byte class falls in (0, 208]: min(300, 600) blocks
    }

    @Test
    void theRestComesFromTheBaseSpec() {
        AllocatorSpec base = SpecParser.parse("""
                variant: com.example.Base
                checks: false
                stats: false
                memoryLimit: 1GiB
                addressSpace: 16GiB
                tiny:
                  cache: {capacity: 256, batch: 64}
                  classes: [16, 32, 64, 128, 256, 512, 1024]
                large:
                  retainedBytes: 8MiB
                huge:
                  retainedBytes: 1MiB
                """, "base.yaml");
        TunedSpec t = Tuner.tune(List.of(Profiles.clustered("a.json")), SETTINGS, base);
        AllocatorConfig c = t.spec().config();
        assertFalse(c.checks());
        assertFalse(c.stats());
        assertEquals(1L << 30, c.memoryLimit());
        assertEquals(16L << 30, c.addressSpace());
        assertEquals(8L << 20, c.largeRetainedBytes());
        assertEquals(1L << 20, c.hugeRetainedBytes());
        assertCache(c, 16, 256, 64); // no data, the base has a 16-byte class
        assertCache(c, 32, 128, 32); // data
        assertEquals("com.example.Tuned", t.spec().className());
        assertTrue(t.baseLayout().percent() > t.defaultLayout().percent(), "the base's coarse classes waste more");
        assertTrue(t.header().stream().anyMatch(l -> l.contains("base spec: base.yaml")), t.header().toString());
        assertTrue(t.header().stream().anyMatch(l -> l.contains(", base spec " + t.baseLayout().describe() + ", tuned")), t.header().toString());
    }

    @Test
    void theHeaderSaysWhereTheSpecCameFromAndTheTextReadsBack() {
        Profile labelled = new Profile("profiles/b.json", "peak hour\n# not a key: \u0007", "hakmem-runtime 0.1.0-SNAPSHOT", 99, 500, 400,
                List.of(new Request(24, 500)), new BigRequests(0, 0), List.of(), null, null);
        TunedSpec t = Tuner.tune(List.of(Profiles.clustered("profiles/a.json"), labelled), new TuneSettings("com.example.Tuned", 20, 8));
        String text = t.text();
        assertTrue(text.startsWith("# Tuned by hakmem-codegen from 2 allocation profiles (merged"), text);
        assertTrue(text.contains("\n#   profiles/a.json: \"clustered test workload\", 100007 mallocs, 99000 frees, 1234 ms,"), text);
        assertTrue(text.contains("\n#   profiles/b.json: \"peak hour\\n# not a key: \\u0007\", 500 mallocs,"), text);
        assertTrue(text.contains("\n# Settings: tinyClasses 20, midClasses 8; base spec: none"), text);
        assertTrue(text.contains("in % of requested bytes: runtime default classes " + t.defaultLayout().describe() + ", tuned "
                + t.tuned().describe() + "."), text);
        assertTrue(text.contains("\n# Note: Mid: 8 classes asked, but no fewer than 16 keep every Mid class within 25% waste; 16 used."), text);
        assertEquals(16, t.spec().config().midClasses().length);
        assertTrue(text.contains("\n# frontsUpTo 1024: every Tiny class runs through the generated front"), text);
        AllocatorSpec read = SpecParser.parse(text, "Tuned.yaml");
        assertEquals(new AllocatorSpec("com.example.Tuned", t.spec().config(), "Tuned.yaml", t.spec().frontsUpTo()), read);
        assertEquals(text, Tuner.tune(List.of(Profiles.clustered("profiles/a.json"), labelled),
                new TuneSettings("com.example.Tuned", 20, 8)).text(), "the same inputs give the same text");
    }

    @Test
    void nothingToTuneIsAnError() {
        assertEquals("no profiles; expected at least one recorded profile",
                assertThrows(TuneException.class, () -> Tuner.tune(List.of(), SETTINGS)).getMessage());
        Profile bigOnly = new Profile("big.json", "", "r", 1, 3, 3, List.of(), new BigRequests(3, 300_000), List.of(), null, null);
        assertEquals("the profiles recorded no request of at most 32768 bytes (3 larger ones), so there are no Tiny or Mid classes"
                        + " to tune; expected profiles of a workload that makes such requests",
                assertThrows(TuneException.class, () -> Tuner.tune(List.of(bigOnly), SETTINGS)).getMessage());
    }

    @Test
    void settingsOutOfRange() {
        assertEquals("tinyClasses: 65 is out of range; expected 1 to 64",
                assertThrows(TuneException.class, () -> new TuneSettings("a.B", 65, 20)).getMessage());
        assertEquals("midClasses: 0 is out of range; expected 1 to 60",
                assertThrows(TuneException.class, () -> new TuneSettings("a.B", 20, 0)).getMessage());
        assertEquals("variant: 'Tuned' is not a fully qualified class name; expected a package and a class name, e.g. com.example.TunedAllocator",
                assertThrows(TuneException.class, () -> new TuneSettings("Tuned")).getMessage());
    }

    @Test
    void capacityRule() {
        assertEquals(16, CacheSizing.capacity(1, true));
        assertEquals(16, CacheSizing.capacity(16, true));
        assertEquals(32, CacheSizing.capacity(17, true));
        assertEquals(1024, CacheSizing.capacity(1000, true));
        assertEquals(1024, CacheSizing.capacity(Long.MAX_VALUE, true));
        assertEquals(4, CacheSizing.capacity(3, false));
        assertEquals(8, CacheSizing.capacity(5, false));
        assertEquals(256, CacheSizing.capacity(100_000, false));
        assertEquals(1, CacheSizing.batch(4));
        assertEquals(256, CacheSizing.batch(1024));
        Profile p = profile(List.of(new Request(20, 1), new Request(40, 1), new Request(100, 1), new Request(2000, 1)),
                List.of(new ClassRecord(32, 10, 5, 9), new ClassRecord(48, 10, 0, 7), new ClassRecord(128, 1, 1, 1)));
        MergedProfile m = MergedProfile.of(List.of(p));
        assertEquals(7, CacheSizing.demand(m, 16, 48), "20 was in 32: min(9, 5); 40 in 48: 7 (no peakLive)");
        assertEquals(5, CacheSizing.demand(m, 0, 32));
        assertEquals(1, CacheSizing.demand(m, 64, 256), "100 was served by 128, whatever range 128 falls in");
        assertEquals(0, CacheSizing.demand(m, 128, 1024), "no request");
        assertEquals(0, CacheSizing.demand(m, 1024, 2048), "a request no recorded class served");
    }

    private static void assertCache(AllocatorConfig c, int size, int capacity, int batch) {
        for (int i = 0; i < c.classCount(); i++) {
            if (c.classSize(i) == size) {
                assertEquals(capacity + "/" + batch, c.cacheCapacity(i) + "/" + c.batchSize(i), "class " + size);
                return;
            }
        }
        throw new AssertionError("no class " + size + " in " + c);
    }

    private static Profile profile(List<Request> requests, List<ClassRecord> classes) {
        long mallocs = requests.stream().mapToLong(Request::count).sum();
        return new Profile("p.json", "", "test", 1, mallocs, mallocs, requests, new BigRequests(0, 0), classes, null, null);
    }
}
