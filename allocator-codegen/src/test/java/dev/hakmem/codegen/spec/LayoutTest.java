package dev.hakmem.codegen.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The spec's ranges ({@link Layout}, {@link Tier}) are exactly what {@link AllocatorConfig.Builder} accepts. */
class LayoutTest {
    @Test
    void cacheLimits() {
        AllocatorConfig.builder().tinyCache(Layout.CACHE_MAX, Layout.CACHE_MAX).tinyCache(1, 1);
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(Layout.CACHE_MAX + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(1, 0));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(1, 2));
    }

    @Test
    void byteLimits() {
        AllocatorConfig.builder().memoryLimit(Layout.MEMORY_LIMIT_MIN).addressSpace(Layout.ADDRESS_SPACE_MIN)
                .addressSpace(Layout.ADDRESS_SPACE_MAX).largeRetainedBytes(0).hugeRetainedBytes(0);
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().memoryLimit(Layout.MEMORY_LIMIT_MIN - 1));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().addressSpace(Layout.ADDRESS_SPACE_MIN - Layout.ADDRESS_SPACE_MULTIPLE));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().addressSpace(Layout.ADDRESS_SPACE_MAX + Layout.ADDRESS_SPACE_MULTIPLE));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().addressSpace(Layout.ADDRESS_SPACE_MIN + Layout.ADDRESS_SPACE_MULTIPLE / 2));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().largeRetainedBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().hugeRetainedBytes(-1));
    }

    @Test
    void tinyClassRules() {
        Tier t = Tier.TINY;
        assertEquals(AllocatorConfig.TINY_MAX, t.max);
        AllocatorConfig.builder().tinyClasses(IntStream.rangeClosed(1, t.maxClasses).map(i -> i * t.multiple).toArray());
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyClasses(
                IntStream.rangeClosed(0, t.maxClasses).map(i -> t.max - 8 * (t.maxClasses - i)).toArray()));
        assertTrue(over.getMessage().startsWith("tinyClasses: at most " + t.maxClasses + " classes"), over.getMessage());
        AllocatorConfig.builder().tinyClasses(t.min, t.max);
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyClasses(t.min - t.multiple, t.max));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyClasses(t.min + t.multiple / 2, t.max));
    }

    @Test
    void midClassRules() {
        Tier t = Tier.MID;
        assertEquals(AllocatorConfig.MID_MAX, t.max);
        assertEquals(t.min, AllocatorConfig.defaults().midClasses()[0]);
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().midClasses(t.min - t.multiple, t.max));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().midClasses(t.min + t.multiple / 2, t.max));
        // the builder counts classes before anything else: maxClasses passes the count, one more does not
        String tooMany = "midClasses: at most " + t.maxClasses + " classes";
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().midClasses(
                IntStream.rangeClosed(5, 4 + t.maxClasses + 1).map(i -> i * 256).toArray()));
        assertTrue(over.getMessage().startsWith(tooMany), over.getMessage());
        IllegalArgumentException atMax = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().midClasses(
                IntStream.rangeClosed(5, 4 + t.maxClasses).map(i -> i * 256).toArray()));
        assertTrue(atMax.getMessage().startsWith("midClasses: the last class must be"), atMax.getMessage());
    }

    @Test
    void sizesWriteAndReadBinaryUnits() {
        assertEquals("0", Sizes.format(0));
        assertEquals("1000", Sizes.format(1000));
        assertEquals("3KiB", Sizes.format(3072));
        assertEquals("256MiB", Sizes.format(256L << 20));
        assertEquals("1025MiB", Sizes.format(1025L << 20));
        assertEquals("64TiB", Sizes.format(64L << 40));
        assertEquals("8388607TiB", Sizes.format(Long.MAX_VALUE & -(1L << 40)));
        assertEquals(Long.toString(Long.MAX_VALUE), Sizes.format(Long.MAX_VALUE));
        assertEquals(256L << 20, Sizes.parse("256MiB"));
        assertEquals(256L << 20, Sizes.parse("256 MiB"));
        assertEquals(8388607L << 40, Sizes.parse("8388607TiB"));
        assertEquals("'8388608TiB' is too large for a byte count",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse("8388608TiB")).getMessage());
        assertEquals("'4 kib' has an unknown unit 'kib' (did you mean 'KiB'?)",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse("4 kib")).getMessage());
    }
}
