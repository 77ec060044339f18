package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.InputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad spec fails with {@code file:line:column} of the offending node and what was expected. */
class SpecErrorsTest {
    private static final String TOP = "variant, checks, stats, memoryLimit, addressSpace, frontsUpTo, tiny, mid, large, huge";
    private static final String V = "variant: com.example.Fast\n";

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                // empty, not a mapping, not YAML
                bad("empty file", "",
                        "1:1: the spec is empty; expected a mapping with at least 'variant: <fully qualified class name>'"),
                bad("comments only", "# nothing here\n\n",
                        "1:1: the spec is empty; expected a mapping with at least 'variant: <fully qualified class name>'"),
                bad("a list", "- 16\n- 32\n", "1:1: the spec is a list; expected a mapping with the keys " + TOP),
                bad("a scalar", "hello\n", "1:1: the spec is the string 'hello'; expected a mapping with the keys " + TOP),
                bad("malformed YAML", V + "tiny: {classes: [16, 1024}\n",
                        "2:26: not valid YAML: expected ',' or ']', but got } (while parsing a flow sequence at line 2, column 17);"
                                + " expected a single YAML document"),
                bad("two documents", V + "---\n" + V,
                        "2:1: not valid YAML: but found another document (expected a single document in the stream at line 1,"
                                + " column 1); expected a single YAML document"),
                // keys
                bad("unknown key with suggestion", V + "memorylimit: 1GiB\n",
                        "2:1: unknown key 'memorylimit' (did you mean 'memoryLimit'?); expected one of " + TOP),
                bad("unknown nested key with suggestion", V + "tiny:\n  cahce: {capacity: 64}\n",
                        "3:3: tiny: unknown key 'cahce' (did you mean 'cache'?); expected one of cache, classes"),
                bad("unknown key, prefix suggestion", V + "large:\n  retained: 0\n",
                        "3:3: large: unknown key 'retained' (did you mean 'retainedBytes'?); expected one of retainedBytes"),
                bad("unknown key, nothing close", V + "colour: blue\n", "2:1: unknown key 'colour'; expected one of " + TOP),
                bad("profile is refused as such, not as unknown", V + "profile: true\n",
                        "2:1: 'profile' is not a spec key: the allocation profile is switched on at run time"
                                + " (AllocatorConfig.builder().profile(true), for AllocationRecorder) on the runtime's allocator,"
                                + " and a generated variant never records one; remove it from the spec"),
                bad("duplicate key", V + "checks: true\nstats: false\nchecks: false\n",
                        "4:1: duplicate key 'checks' (first at line 2); expected each key at most once"),
                bad("duplicate nested key", V + "tiny:\n  cache: {capacity: 64, capacity: 32}\n",
                        "3:25: tiny.cache: duplicate key 'capacity' (first at line 3); expected each key at most once"),
                bad("missing variant", "checks: false\n",
                        "1:1: missing key 'variant'; expected the variant's class name, e.g. 'variant: com.example.FastAllocator'"),
                bad("class entry without size", V + "tiny:\n  classes:\n    - 16\n    - {capacity: 8}\n",
                        "5:7: tiny.classes[1]: missing key 'size'; expected {size, capacity, batch} with at least size"),
                // types
                bad("string for a number", V + "tiny:\n  cache: {capacity: many}\n",
                        "3:21: tiny.cache.capacity: got the string 'many'; expected an integer from 1 to 65536"),
                bad("quoted number", V + "tiny:\n  cache: {batch: \"8\"}\n",
                        "3:18: tiny.cache.batch: got the string '8'; expected an integer from 1 to 65536"),
                bad("list for a mapping", V + "tiny: [16, 1024]\n",
                        "2:7: tiny: got a list; expected a mapping with the keys cache, classes"),
                bad("mapping for a list", V + "mid:\n  classes: {size: 1280}\n",
                        "3:12: mid.classes: got a mapping; expected a list of class sizes, each a size or {size, capacity, batch}"),
                bad("yes for a boolean", V + "stats: yes\n", "2:8: stats: got the string 'yes'; expected true or false"),
                bad("no value", V + "checks:\n", "2:1: checks: got no value; expected true or false"),
                bad("number for the class name", "variant: 12\n",
                        "1:10: variant: got the integer 12; expected a fully qualified class name, e.g. com.example.FastAllocator"),
                bad("decimal for bytes", V + "large: {retainedBytes: 1.5}\n",
                        "2:24: large.retainedBytes: got the number 1.5; expected a byte count of at least 0"),
                bad("decimal with unit", V + "memoryLimit: 1.5GiB\n",
                        "2:14: memoryLimit: '1.5GiB' is not a byte count; expected 'unlimited' or a byte count of at least 4MiB"),
                bad("unknown unit", V + "memoryLimit: 256MB\n",
                        "2:14: memoryLimit: '256MB' has an unknown unit 'MB' (did you mean 'MiB'?); expected 'unlimited' or a byte"
                                + " count of at least 4MiB"),
                // class sizes
                bad("tiny classes not ascending", V + "tiny:\n  classes: [16, 48, 32, 1024]\n",
                        "3:21: tiny.classes[2]: 32 does not ascend after 48; expected sizes in strictly ascending order"),
                bad("tiny class repeated", V + "tiny:\n  classes: [16, 32, 32, 1024]\n",
                        "3:21: tiny.classes[2]: 32 does not ascend after 32; expected sizes in strictly ascending order"),
                bad("tiny class not a multiple of 16", V + "tiny:\n  classes: [16, 40, 1024]\n",
                        "3:17: tiny.classes[1]: 40 is not a multiple of 16; expected a multiple of 16 from 16 to 1024"),
                bad("tiny class above the limit", V + "tiny:\n  classes: [16, 2048]\n",
                        "3:17: tiny.classes[1]: 2048 is out of range; expected a multiple of 16 from 16 to 1024"),
                bad("last tiny class not 1024", V + "tiny:\n  classes: [16, 32, 512]\n",
                        "3:21: tiny.classes[2]: the last class is 512; expected the last Tiny class to be 1024 (the Tiny limit)"),
                bad("size of an entry not a multiple", V + "tiny:\n  classes:\n    - {size: 24, batch: 4}\n    - 1024\n",
                        "4:14: tiny.classes[0].size: 24 is not a multiple of 16; expected a multiple of 16 from 16 to 1024"),
                bad("mid class not a multiple of 256", V + "mid:\n  classes: [1280, 1300, 65536]\n",
                        "3:19: mid.classes[1]: 1300 is not a multiple of 256; expected a multiple of 256 from 1280 to 65536"),
                bad("mid class in the Tiny range", V + "mid:\n  classes: [1024, 65536]\n",
                        "3:13: mid.classes[0]: 1024 is out of range; expected a multiple of 256 from 1280 to 65536"),
                bad("last mid class not 65536", V + "mid:\n  classes: [1280, 1536]\n",
                        "3:19: mid.classes[1]: the last class is 1536; expected the last Mid class to be 65536 (the Mid limit)"),
                bad("mid waste over 25%", V + "mid:\n  classes: [1280, 2048, 65536]\n",
                        "3:19: mid.classes[1]: 2048 after 1280 wastes up to 37% of a block; expected at most 25% (add a class in"
                                + " between)"),
                bad("no classes", V + "tiny:\n  classes: []\n",
                        "3:12: tiny.classes: got an empty list; expected at least one class, the last one 1024"),
                bad("too many tiny classes", V + "tiny:\n  classes: [" + tinyClasses(65) + "]\n",
                        "3:12: tiny.classes: got 65 classes; expected at most 64"),
                // numbers out of range
                bad("capacity 0", V + "tiny:\n  cache: {capacity: 0, batch: 1}\n",
                        "3:21: tiny.cache.capacity: 0 is out of range; expected an integer from 1 to 65536"),
                bad("batch above 65536", V + "mid:\n  cache: {capacity: 65536, batch: 65537}\n",
                        "3:35: mid.cache.batch: 65537 is out of range; expected an integer from 1 to 65536"),
                bad("batch above capacity", V + "tiny:\n  cache: {capacity: 16, batch: 32}\n",
                        "3:32: tiny.cache.batch: 32 is above the capacity 16; expected 1 <= batch <= capacity <= 65536"),
                bad("capacity below the runtime's batch", V + "mid:\n  cache: {capacity: 6}\n",
                        "3:21: mid.cache.capacity: 6 is below the batch 8 (the default for class 1280); expected 1 <= batch <="
                                + " capacity <= 65536"),
                bad("class capacity below the section's batch", V + "tiny:\n  cache: {batch: 16}\n  classes:\n    - 16\n"
                                + "    - {size: 32, capacity: 8}\n    - 1024\n",
                        "6:28: tiny.classes[1].capacity: 8 is below the batch 16 (from tiny.cache); expected 1 <= batch <="
                                + " capacity <= 65536"),
                bad("memoryLimit below 4 MiB", V + "memoryLimit: 1MiB\n",
                        "2:14: memoryLimit: 1MiB is out of range; expected 'unlimited' or a byte count of at least 4MiB"),
                bad("addressSpace below 64 MiB", V + "addressSpace: 32MiB\n",
                        "2:15: addressSpace: 32MiB is out of range; expected a multiple of 4MiB from 64MiB to 64TiB"),
                bad("addressSpace above 64 TiB", V + "addressSpace: 128TiB\n",
                        "2:15: addressSpace: 128TiB is out of range; expected a multiple of 4MiB from 64MiB to 64TiB"),
                bad("addressSpace not a multiple of 4 MiB", V + "addressSpace: 102MiB\n",
                        "2:15: addressSpace: 102MiB is not a multiple of 4MiB; expected a multiple of 4MiB from 64MiB to 64TiB"),
                bad("frontsUpTo not a number", V + "frontsUpTo: all\n",
                        "2:13: frontsUpTo: got the string 'all'; expected a size in bytes from the first Tiny class's size to 1024"),
                bad("frontsUpTo above the Tiny limit", V + "frontsUpTo: 2048\n",
                        "2:13: frontsUpTo: 2048 is out of range; expected a size in bytes from the first Tiny class's size to 1024"),
                bad("frontsUpTo below the first Tiny class", V + "frontsUpTo: 32\ntiny:\n  classes: [48, 1024]\n",
                        "2:13: frontsUpTo: 32 is below the first Tiny class, 48, so no class would get a front; expected 48 to 1024"),
                bad("negative retained bytes", V + "huge:\n  retainedBytes: -1\n",
                        "3:18: huge.retainedBytes: -1 is out of range; expected a byte count of at least 0"),
                bad("too large a byte count", V + "large:\n  retainedBytes: 99999999TiB\n",
                        "3:18: large.retainedBytes: '99999999TiB' is too large for a byte count; expected a byte count of at least 0"),
                bad("too large an integer", V + "memoryLimit: 99999999999999999999\n",
                        "2:14: memoryLimit: 99999999999999999999 is out of range; expected 'unlimited' or a byte count of at least 4MiB"),
                // class names
                bad("class without package", "variant: FastAllocator\n",
                        "1:10: variant: 'FastAllocator' is not a fully qualified class name; expected a package and a class name"
                                + " made of Java identifiers (no keywords), e.g. com.example.FastAllocator"),
                bad("keyword in class name", "variant: com.example.class\n",
                        "1:10: variant: 'com.example.class' is not a fully qualified class name; expected a package and a class"
                                + " name made of Java identifiers (no keywords), e.g. com.example.FastAllocator"),
                bad("class name with a dash", "variant: com.my-co.Fast\n",
                        "1:10: variant: 'com.my-co.Fast' is not a fully qualified class name; expected a package and a class"
                                + " name made of Java identifiers (no keywords), e.g. com.example.FastAllocator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void failsAtTheOffendingNode(String name, String yaml, String expected) {
        InputException e = assertThrows(InputException.class, () -> SpecParser.parse(yaml, "bad.yaml"));
        assertEquals(InputException.Input.SPEC, e.input(), "a build tool can tell which input to fix");
        assertEquals("bad.yaml:" + expected, e.getMessage());
        String[] at = expected.split(":", 3);
        assertEquals("bad.yaml", e.file());
        assertEquals(Integer.parseInt(at[0]), e.line());
        assertEquals(Integer.parseInt(at[1]), e.column());
        assertEquals(at[2].substring(1), e.problem());
        assertEquals(java.util.List.of(e), e.errors());
    }

    @Test
    void nullValueErrorsPointAtTheKey() {
        InputException e = assertThrows(InputException.class, () -> SpecParser.parse(V + "tiny:\n  cache:\n", "s.yaml"));
        assertEquals("s.yaml:3:3: tiny.cache: got no value; expected a mapping with the keys capacity, batch", e.getMessage());
    }

    private static Arguments bad(String name, String yaml, String expected) {
        return Arguments.of(name, yaml, expected);
    }

    /** {@code n} ascending Tiny sizes ending with 1024 (more than the 64 allowed if n > 64). */
    private static String tinyClasses(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) s.append(s.isEmpty() ? "" : ", ").append(1024 - 8 * i);
        return s.toString();
    }
}
