package dev.hakmem.codegen.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> TOP = List.of("variant", "checks", "stats", "memoryLimit", "addressSpace", "frontsUpTo",
            "tiny", "mid", "large", "huge");

    @Test
    void suggestionsAreCloseSlipsOnly() {
        assertEquals(Optional.of("stats"), Suggestions.closest("stat", TOP));
        assertEquals(Optional.of("checks"), Suggestions.closest("chekcs", TOP));
        assertEquals(Optional.of("addressSpace"), Suggestions.closest("ADDRESSSPACE", TOP));
        assertEquals(Optional.of("tiny"), Suggestions.closest("tinyClasses", TOP));
        assertEquals(Optional.of("capacity"), Suggestions.closest("capcity", List.of("size", "capacity", "batch")));
        assertEquals(Optional.empty(), Suggestions.closest("colour", TOP));
        assertEquals(Optional.empty(), Suggestions.closest("max", TOP));
        assertEquals(1, Suggestions.distance("ab", "ba"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }
}
