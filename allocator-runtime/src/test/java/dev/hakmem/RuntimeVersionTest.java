package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.spi.FrontSupport;
import org.junit.jupiter.api.Test;

/** Issue 16: the runtime knows its version, and a generated variant of another version is refused with a clear message. */
class RuntimeVersionTest {
    @Test
    void theRuntimeKnowsItsBuildVersion() {
        assertTrue(Hakmem.version().matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?"), "version: " + Hakmem.version());
    }

    @Test
    void aVariantOfTheSameVersionPassesAnotherIsRefusedNamingBoth() {
        assertEquals(Hakmem.version(), FrontSupport.requireRuntime(Hakmem.version(), "FastAllocator"));
        var e = assertThrows(IllegalStateException.class, () -> FrontSupport.requireRuntime("0.0.1", "FastAllocator"));
        assertTrue(e.getMessage().contains("FastAllocator was generated for hakmem-runtime 0.0.1, but the runtime on the class path is "
                + Hakmem.version()), e.getMessage());
    }
}
