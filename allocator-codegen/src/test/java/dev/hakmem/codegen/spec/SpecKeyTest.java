package dev.hakmem.codegen.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.spec.SpecKey.NotAKey;
import dev.hakmem.codegen.spec.SpecKey.Setting;
import dev.hakmem.codegen.spec.Value.ByteCount;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The key table ({@link SpecKey}) agrees with {@link AllocatorConfig.Builder}: every settable property is
 * a key or listed as not one, each setting names the builder method it calls and reads back what it set,
 * the parser, the writer and the generator handle every setting, and the spec's ranges ({@link Value},
 * {@link Tier}) are exactly what the builder accepts.
 */
class SpecKeyTest {
    /** The builder's setters: its public instance methods that return the builder. */
    private static Set<String> builderProperties() {
        return Arrays.stream(AllocatorConfig.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == AllocatorConfig.Builder.class)
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyBuilderPropertyIsAKeyOrListedAsNotOne() {
        Set<String> properties = builderProperties();
        assertTrue(properties.containsAll(List.of("checks", "memoryLimit", "tinyClasses", "classCache", "profile")), properties::toString);
        Set<String> covered = new TreeSet<>();
        for (SpecKey k : SpecKey.values()) covered.addAll(k.builderMethods());
        for (NotAKey n : NotAKey.values()) assertTrue(covered.add(n.builderMethod), n + " is also a key");
        Set<String> uncovered = new TreeSet<>(properties);
        uncovered.removeAll(covered);
        assertEquals(Set.of(), uncovered, "AllocatorConfig.Builder properties without a spec key: add a row to SpecKey (and the README's"
                + " key table), or to SpecKey.NotAKey with the reason a spec cannot have it");
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(properties);
        assertEquals(Set.of(), unknown, "SpecKey names builder methods AllocatorConfig.Builder does not have");
    }

    /**
     * For each setting, a value other than the default: set through the table's method reference, it
     * gives the same config as the builder method the table names (called by name), and the table's
     * getter reads it back.
     */
    @Test
    void everySettingCallsTheBuilderMethodItNamesAndReadsItBack() throws Exception {
        int settings = 0;
        for (SpecKey k : SpecKey.values()) {
            if (k.setting() == null) continue;
            settings++;
            check(k, k.setting());
        }
        assertTrue(settings >= 6);
    }

    private static <T> void check(SpecKey k, Setting<T> s) throws Exception {
        T other = otherThanDefault(s);
        AllocatorConfig.Builder viaTable = AllocatorConfig.builder();
        s.set().accept(viaTable, other);
        AllocatorConfig.Builder viaName = AllocatorConfig.builder();
        AllocatorConfig.Builder.class.getMethod(s.builderMethod(), parameterType(s.value())).invoke(viaName, other);
        AllocatorConfig set = viaTable.build();
        assertNotEquals(AllocatorConfig.defaults(), set, k + ": " + other + " is not the default");
        assertEquals(viaName.build(), set, k + " calls " + s.builderMethod());
        assertEquals(other, s.get().apply(set), k + " reads back what it set");
    }

    /** The parser reads every setting where the table puts it, the writer writes it back, and the generator spells it. */
    @Test
    void parserWriterAndGeneratorHandleEverySetting() {
        for (SpecKey k : SpecKey.values()) if (k.setting() != null) roundTrip(k, k.setting());
    }

    private static <T> void roundTrip(SpecKey k, Setting<T> s) {
        T other = otherThanDefault(s);
        String[] path = k.path().split("\\.");
        String yaml = "variant: a.B\n" + (path.length == 1 ? path[0] + ": " : path[0] + ":\n  " + path[1] + ": ") + s.value().yaml(other) + "\n";
        AllocatorConfig.Builder expected = AllocatorConfig.builder();
        s.set().accept(expected, other);
        AllocatorSpec spec = SpecParser.parse(yaml, "k.yaml");
        assertEquals(expected.build(), spec.config(), yaml);
        String written = SpecWriter.write(spec, List.of());
        assertTrue(written.contains("\n" + (path.length == 1 ? "" : "  ") + k.key() + ": " + s.value().yaml(other) + " "), written);
        assertEquals(spec, SpecParser.parse(written, "k.yaml"));
        assertTrue(SpecKey.builderCalls(spec.config()).contains(s.builderMethod() + "(" + s.value().java(other) + ")"), k.path());
    }

    @Test
    void whatIsNotAKeyIsRefusedByTheParserAndTheWriter() {
        for (NotAKey n : NotAKey.values()) {
            assertFalse(n.isSet.test(AllocatorConfig.defaults()), n + " is off by default");
            InputException e = assertThrows(InputException.class, () -> SpecParser.parse("variant: a.B\n" + n.key + ": true\n", "n.yaml"));
            assertEquals("n.yaml:2:1: " + n.refusal(), e.getMessage());
            assertTrue(n.refusal().startsWith("'" + n.key + "' is not a spec key: "), n.refusal());
        }
        AllocatorConfig profiled = AllocatorConfig.builder().profile(true).build();
        assertTrue(NotAKey.PROFILE.isSet.test(profiled));
        assertThrows(IllegalArgumentException.class, () -> SpecWriter.write(new AllocatorSpec("a.B", profiled, "b.yaml"), List.of()));
    }

    @Test
    void theTableDerivesTheSpecsLayout() {
        assertEquals(List.of("variant", "checks", "stats", "memoryLimit", "addressSpace", "frontsUpTo", "tiny", "mid", "large", "huge"),
                SpecKey.topLevel());
        assertEquals(List.of("cache", "classes"), SpecKey.keysIn("tiny"));
        assertEquals(List.of("retainedBytes"), SpecKey.keysIn("large"));
        assertEquals(Tier.MID, SpecKey.tierOf("mid"));
        assertEquals(null, SpecKey.tierOf("large"));
        assertEquals(SpecKey.HUGE_RETAINED_BYTES, SpecKey.at("huge.retainedBytes"));
        for (SpecKey k : SpecKey.values()) {
            assertEquals(k.setting() == null && k.tier() == null, k.builderMethods().isEmpty(), k + ": only the spec's own keys set nothing");
        }
    }

    @Test
    void cacheLimits() {
        AllocatorConfig.builder().tinyCache(Tier.CACHE_MAX, Tier.CACHE_MAX).tinyCache(1, 1);
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(Tier.CACHE_MAX + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(1, 0));
        assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().tinyCache(1, 2));
    }

    /** Every byte-count setting's range, bounds and step are what its builder method accepts. */
    @Test
    void byteLimits() {
        List<String> checked = new ArrayList<>();
        for (SpecKey k : SpecKey.values()) {
            if (k.setting() == null || !(k.setting().value() instanceof ByteCount range)) continue;
            @SuppressWarnings("unchecked")
            Setting<Long> s = (Setting<Long>) k.setting();
            s.set().accept(AllocatorConfig.builder(), range.min());
            s.set().accept(AllocatorConfig.builder(), range.max());
            if (range.min() > Long.MIN_VALUE) {
                assertThrows(IllegalArgumentException.class, () -> s.set().accept(AllocatorConfig.builder(), range.min() - range.multiple()), k.path());
            }
            if (range.max() < Long.MAX_VALUE) {
                assertThrows(IllegalArgumentException.class, () -> s.set().accept(AllocatorConfig.builder(), range.max() + range.multiple()), k.path());
            }
            if (range.multiple() > 1) {
                assertThrows(IllegalArgumentException.class, () -> s.set().accept(AllocatorConfig.builder(), range.min() + range.multiple() / 2), k.path());
            }
            checked.add(k.path());
        }
        assertEquals(List.of("memoryLimit", "addressSpace", "large.retainedBytes", "huge.retainedBytes"), checked);
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

    /** The range of a byte-count setting. */
    static ByteCount byteCount(SpecKey k) {
        return (ByteCount) k.setting().value();
    }

    /** A valid value of {@code s} other than the runtime's default. */
    @SuppressWarnings("unchecked")
    private static <T> T otherThanDefault(Setting<T> s) {
        T standard = s.get().apply(AllocatorConfig.defaults());
        Object other = switch (s.value()) {
            case Value.Bool b -> !(Boolean) standard;
            case ByteCount c -> c.min() != (Long) standard ? c.min() : c.max();
        };
        return (T) other;
    }

    /** The Java type of a value's builder parameter. */
    private static Class<?> parameterType(Value<?> value) {
        return switch (value) {
            case Value.Bool b -> boolean.class;
            case ByteCount c -> long.class;
        };
    }
}
