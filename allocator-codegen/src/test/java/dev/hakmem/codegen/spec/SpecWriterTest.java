package dev.hakmem.codegen.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SpecWriter}'s output reads back to the same spec, and is deterministic and commented. */
class SpecWriterTest {
    /**
     * Random configs checked per run. The seeds differ from run to run; a failure names its seed, and
     * {@code -Dhakmem.test.args=-Dhakmem.spec.seed=SEED} replays it.
     */
    private static final int RANDOM_CONFIGS = 400;

    @Test
    void theDefaultsRoundTrip() {
        String yaml = roundTrip(AllocatorConfig.defaults());
        assertTrue(yaml.contains("\nmemoryLimit: unlimited "), yaml);
        assertTrue(yaml.contains("\naddressSpace: 64GiB "), yaml);
        assertTrue(yaml.contains("\ntiny:\n  # no cache: "), yaml); // two defaults, by size: 128 blocks a batch up to 128 B, 32 above
        assertTrue(yaml.contains("\nmid:\n  # no cache: "), yaml);
        assertTrue(yaml.contains("\n  retainedBytes: 64MiB "), yaml);
    }

    @Test
    void aConfigRecordingAProfileIsRefusedNotWrittenWithoutIt() {
        AllocatorConfig c = AllocatorConfig.builder().profile(true).build();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpecWriter.write(new dev.hakmem.codegen.AllocatorSpec("a.B", c, "b.yaml"), java.util.List.of()));
        assertTrue(e.getMessage().contains("a.B: the config records an allocation profile, which a spec cannot express"), e.getMessage());
    }

    @Test
    void aHandMadeConfigRoundTrips() {
        AllocatorConfig c = AllocatorConfig.builder().checks(false).stats(false).memoryLimit((3L << 30) + 1)
                .addressSpace(20L << 30).tinyClasses(16, 32, 48, 64, 128, 256, 512, 1024).tinyCache(256, 64)
                .classCache(16, 1024, 256).classCache(1024, 8, 8).midCache(64, 16).classCache(65536, 4, 1)
                .largeRetainedBytes(0).hugeRetainedBytes(Long.MAX_VALUE).build();
        String yaml = roundTrip(c);
        assertTrue(yaml.contains("\n  cache: {capacity: 256, batch: 64} "), yaml);
        assertTrue(yaml.contains("\n    - {size: 16, capacity: 1024, batch: 256}\n"), yaml);
        assertTrue(yaml.contains("\n  cache: {capacity: 64, batch: 16} "), yaml);
        assertTrue(yaml.contains("\n    - {size: 65536, capacity: 4, batch: 1}\n"), yaml);
        assertTrue(yaml.contains("\nmemoryLimit: 3221225473 "), yaml);
    }

    @Test
    void midCachesOfTheRuntimeDefaultRuleNeedNoOverrides() {
        AllocatorConfig c = AllocatorConfig.builder().classCache(1280, 99, 9).build();
        String yaml = roundTrip(c);
        assertTrue(yaml.contains("\n    - {size: 1280, capacity: 99, batch: 9}\n    - 1536\n"), yaml);
    }

    @Test
    void headerCommentsComeFirstAndOutputIsDeterministic() {
        AllocatorSpec spec = new AllocatorSpec("com.example.Tuned", AllocatorConfig.defaults(), "tuned.yaml");
        String yaml = SpecWriter.write(spec, List.of("Tuned by issue 6 on the larson workload", "", "two\nlines"));
        assertTrue(yaml.startsWith("# Tuned by issue 6 on the larson workload\n#\n# two\n# lines\n# hakmem allocator spec"), yaml);
        assertEquals(yaml, SpecWriter.write(spec, List.of("Tuned by issue 6 on the larson workload", "", "two\nlines")));
        assertEquals(spec, SpecParser.parse(yaml, "tuned.yaml"));
    }

    @Test
    void randomValidConfigsRoundTrip() {
        long base = Long.getLong("hakmem.spec.seed", new Random().nextLong());
        for (int i = 0; i < RANDOM_CONFIGS; i++) {
            long seed = base + i;
            AllocatorConfig c = randomConfig(new Random(seed));
            Random r = new Random(seed);
            int first = c.tinyClasses()[0];
            AllocatorSpec spec = new AllocatorSpec("com.example.V" + i, c, "random.yaml",
                    first + r.nextInt(AllocatorConfig.TINY_MAX - first + 1));
            String yaml = SpecWriter.write(spec, List.of("seed " + seed));
            assertEquals(spec, SpecParser.parse(yaml, "random.yaml"), () -> "seed " + seed + ":\n" + yaml);
        }
    }

    private static String roundTrip(AllocatorConfig c) {
        AllocatorSpec spec = new AllocatorSpec("com.example.Fast", c, "fast.yaml");
        String yaml = SpecWriter.write(spec, List.of());
        assertEquals(spec, SpecParser.parse(yaml, "fast.yaml"), yaml);
        return yaml;
    }

    /** A valid config with every setting drawn at random, often near its limits. */
    static AllocatorConfig randomConfig(Random r) {
        AllocatorConfig.Builder b = AllocatorConfig.builder().checks(r.nextBoolean()).stats(r.nextBoolean());
        Value.ByteCount limit = SpecKeyTest.byteCount(SpecKey.MEMORY_LIMIT);
        Value.ByteCount space = SpecKeyTest.byteCount(SpecKey.ADDRESS_SPACE);
        if (r.nextBoolean()) b.memoryLimit(r.nextBoolean() ? (4L + r.nextInt(4096)) << 20 : limit.min() + r.nextLong(1L << 50));
        long steps = (space.max() - space.min()) / space.multiple();
        if (r.nextBoolean()) b.addressSpace(space.min() + r.nextLong(steps + 1) * space.multiple());
        if (r.nextBoolean()) b.largeRetainedBytes(randomBytes(r));
        if (r.nextBoolean()) b.hugeRetainedBytes(randomBytes(r));
        int[] tiny = r.nextBoolean() ? AllocatorConfig.defaults().tinyClasses() : randomTinyClasses(r);
        int[] mid = r.nextBoolean() ? AllocatorConfig.defaults().midClasses() : randomMidClasses(r);
        b.tinyClasses(tiny).midClasses(mid);
        int[] tinyCache = randomCache(r);
        int[] midCache = randomCache(r);
        if (r.nextBoolean()) b.tinyCache(tinyCache[0], tinyCache[1]);
        if (r.nextBoolean()) b.midCache(midCache[0], midCache[1]);
        for (int[] sizes : new int[][] {tiny, mid}) {
            for (int size : sizes) {
                if (r.nextInt(4) == 0) {
                    int[] cb = randomCache(r);
                    b.classCache(size, cb[0], cb[1]);
                }
            }
        }
        return b.build();
    }

    private static long randomBytes(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> (long) r.nextInt(1 << 20) << (10 * r.nextInt(5));
            default -> r.nextLong(Long.MAX_VALUE);
        };
    }

    /** {capacity, batch} with 1 <= batch <= capacity <= 65536, often small. */
    private static int[] randomCache(Random r) {
        int capacity = r.nextBoolean() ? 1 + r.nextInt(Tier.CACHE_MAX) : 1 + r.nextInt(256);
        return new int[] {capacity, 1 + r.nextInt(capacity)};
    }

    /** Up to 63 distinct multiples of 16 below 1024, then 1024. */
    private static int[] randomTinyClasses(Random r) {
        TreeSet<Integer> sizes = new TreeSet<>();
        int n = r.nextInt(64);
        while (sizes.size() < n) sizes.add(16 * (1 + r.nextInt(63)));
        sizes.add(1024);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Ascending multiples of 256 from above 1024 to 65536, each within the 25% waste rule, at most 60. */
    private static int[] randomMidClasses(Random r) {
        while (true) {
            List<Integer> sizes = new ArrayList<>();
            int previous = 1024;
            while (previous < 65536) {
                int largest = Math.min(65536, (int) ((previous + 1L) * 4 / 3) / 256 * 256);
                int smallest = previous + 256;
                int size = r.nextInt(3) == 0 ? largest : smallest + 256 * r.nextInt((largest - smallest) / 256 + 1);
                sizes.add(size);
                previous = size;
            }
            if (sizes.size() <= 60) return sizes.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
