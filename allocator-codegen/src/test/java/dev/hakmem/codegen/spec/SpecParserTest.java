package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.InputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good specs: what each key means, and that an omitted key means the runtime's default. */
class SpecParserTest {
    private static final String V = "variant: com.example.Fast\n";

    @Test
    void onlyTheVariantGivesTheDefaults() {
        AllocatorSpec spec = SpecParser.parse(V, "min.yaml");
        assertEquals(new AllocatorSpec("com.example.Fast", AllocatorConfig.defaults(), "min.yaml"), spec);
    }

    @Test
    void emptySectionsGiveTheDefaults() {
        String yaml = V + "tiny: {}\nmid: {cache: {}}\nlarge: {}\nhuge: {}\n";
        assertEquals(AllocatorConfig.defaults(), SpecParser.parse(yaml, "s.yaml").config());
    }

    @Test
    void everySettingIsRead() {
        String yaml = V + """
                checks: false
                stats: false
                memoryLimit: 268435456
                addressSpace: 128 GiB
                tiny:
                  cache: {capacity: 64, batch: 16}
                  classes: [16, {size: 32, capacity: 256, batch: 64}, 64, 1024]
                mid:
                  cache: {capacity: 8, batch: 2}
                  classes: [1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
                            10240, 12288, 14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536]
                large: {retainedBytes: 0x100000}
                huge: {retainedBytes: 1TiB}
                """;
        AllocatorConfig expected = AllocatorConfig.builder().checks(false).stats(false).memoryLimit(256L << 20)
                .addressSpace(128L << 30).tinyClasses(16, 32, 64, 1024).tinyCache(64, 16).classCache(32, 256, 64)
                .midCache(8, 2).largeRetainedBytes(1 << 20).hugeRetainedBytes(1L << 40).build();
        assertEquals(expected, SpecParser.parse(yaml, "s.yaml").config());
    }

    @Test
    void midClassesKeepTheirSizeDependentDefaultWithoutACache() {
        String yaml = V + "mid:\n  classes: [1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6400, 8192, 10240, 12800,"
                + " 16384, 20480, 25600, 32768, 40960, 51200, 65536]\n";
        AllocatorConfig c = SpecParser.parse(yaml, "s.yaml").config();
        int firstMid = c.tinyClasses().length;
        assertEquals(4096, c.classSize(firstMid + 7));
        assertEquals(128, c.cacheCapacity(firstMid + 7));
        assertEquals(8, c.batchSize(firstMid + 7));
        assertEquals(6400, c.classSize(firstMid + 9));
        assertEquals(64, c.cacheCapacity(firstMid + 9));
        assertEquals(4, c.batchSize(firstMid + 9));
    }

    @Test
    void aPartialCacheTakesTheRestFromTheRuntimeDefaultOfEachClass() {
        AllocatorConfig c = SpecParser.parse(V + "mid:\n  cache: {capacity: 64}\n", "s.yaml").config();
        AllocatorConfig d = AllocatorConfig.defaults();
        for (int i = d.tinyClasses().length; i < d.classCount(); i++) {
            assertEquals(64, c.cacheCapacity(i));
            assertEquals(d.batchSize(i), c.batchSize(i), "batch of class " + c.classSize(i));
        }
    }

    @Test
    void aClassEntryOverridesTheSectionCacheKeyByKey() {
        String yaml = V + "tiny:\n  cache: {capacity: 64, batch: 16}\n  classes: [16, {size: 512, batch: 4}, 1024]\n";
        AllocatorConfig c = SpecParser.parse(yaml, "s.yaml").config();
        AllocatorConfig expected = AllocatorConfig.builder().tinyClasses(16, 512, 1024).tinyCache(64, 16)
                .classCache(512, 64, 4).build();
        assertEquals(expected, c);
    }

    @Test
    void frontsUpToPicksTheClassesWithGeneratedFronts() {
        AllocatorSpec byDefault = SpecParser.parse(V, "s.yaml");
        assertEquals(AllocatorSpec.DEFAULT_FRONTS_UP_TO, byDefault.frontsUpTo());
        assertEquals(20, byDefault.frontClasses(), "every Tiny class");
        AllocatorSpec some = SpecParser.parse(V + "frontsUpTo: 100\n", "s.yaml");
        assertEquals(100, some.frontsUpTo());
        assertEquals(6, some.frontClasses(), "16 to 96: a class up to 100 bytes");
        assertEquals(1, SpecParser.parse(V + "frontsUpTo: 16\n", "s.yaml").frontClasses(), "the first class only");
        AllocatorSpec bigFirst = SpecParser.parse(V + "tiny: {classes: [128, 1024]}\n", "s.yaml");
        assertEquals(1024, bigFirst.frontsUpTo());
        assertEquals(2, bigFirst.frontClasses());
    }

    @Test
    void byteCountsTakeBinaryUnitsAndUnlimited() {
        assertEquals(4L << 20, SpecParser.parse(V + "memoryLimit: 4MiB\n", "s.yaml").config().memoryLimit());
        assertEquals(4L << 20, SpecParser.parse(V + "memoryLimit: \"4 MiB\"\n", "s.yaml").config().memoryLimit());
        assertEquals(5L << 30, SpecParser.parse(V + "memoryLimit: 5GiB\n", "s.yaml").config().memoryLimit());
        assertEquals(Long.MAX_VALUE, SpecParser.parse(V + "memoryLimit: unlimited\n", "s.yaml").config().memoryLimit());
        assertEquals(64L << 40, SpecParser.parse(V + "addressSpace: 64TiB\n", "s.yaml").config().addressSpace());
        assertEquals(3072, SpecParser.parse(V + "large: {retainedBytes: 3KiB}\n", "s.yaml").config().largeRetainedBytes());
    }

    @Test
    void aliasesAndCommentsAreYaml() {
        String yaml = V + "# a comment\ntiny:\n  cache: &c {capacity: 64, batch: 8}  # shared\nmid:\n  cache: *c\n";
        AllocatorConfig expected = AllocatorConfig.builder().tinyCache(64, 8).midCache(64, 8).build();
        assertEquals(expected, SpecParser.parse(yaml, "s.yaml").config());
    }

    @Test
    void aFileIsNamedAsGiven(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("fast.yaml"), V + "checks: false\n");
        AllocatorSpec spec = SpecParser.parse(file);
        assertEquals(file.toString(), spec.source());
        assertEquals(AllocatorConfig.builder().checks(false).build(), spec.config());

        Files.writeString(file, V + "checks: maybe\n");
        InputException e = assertThrows(InputException.class, () -> SpecParser.parse(file));
        assertEquals(file + ":2:9: checks: got the string 'maybe'; expected true or false", e.getMessage());
    }

    @Test
    void aMissingFileIsAnErrorAtItsStart(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        InputException e = assertThrows(InputException.class, () -> SpecParser.parse(missing));
        assertEquals(missing.toString(), e.file());
        assertEquals(1, e.line());
        assertEquals(1, e.column());
        assertEquals("cannot read the file (java.nio.file.NoSuchFileException: " + missing + "); expected a readable UTF-8 file",
                e.problem());
    }
}
