package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.bench.variants.GenDefault;
import dev.hakmem.bench.variants.GenNoChecks;
import dev.hakmem.bench.variants.GenSmallCaches;
import org.junit.jupiter.api.Test;

/** The unavailable-peer path, which this machine (with every peer installed) never takes otherwise. */
class PeersTest {
    @Test
    void missingLibraryIsReportedWithItsInstallCommand() {
        var pair = NativeFunctions.fromLibrary("libhakmem-bench-no-such-lib.so.9",
                new NativeFunctions.Names("x_malloc", "x_free", "x_realloc"),
                "apt-get install no-such-package");
        assertNull(pair.malloc());
        assertEquals("libhakmem-bench-no-such-lib.so.9 not found; install it with: apt-get install no-such-package",
                pair.unavailable());
    }

    @Test
    void missingSymbolsAreReported() {
        var pair = NativeFunctions.fromDefault(new NativeFunctions.Names("hakmem_bench_no_such_malloc", "free", "realloc"));
        assertNull(pair.malloc());
        assertEquals("symbols hakmem_bench_no_such_malloc/free/realloc not found in the C library", pair.unavailable());
    }

    @Test
    void glibcIsAlwaysThere() {
        assertNull(Peers.unavailableReason("glibc"));
    }

    @Test
    void unknownPeerIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Peers.create("jemalloc"));
    }

    /** Each generated peer is compared with a generic peer of exactly the same settings. */
    @Test
    void genericPeersHaveTheirSpecsSettings() {
        assertEquals(AllocatorConfig.defaults(), GenDefault.CONFIG, "hakmem vs hakmem-gen (default.yaml)");
        assertEquals(AllocatorConfig.builder().checks(false).build(), GenNoChecks.CONFIG, "hakmem-nochecks vs hakmem-gen-nochecks");
        assertEquals(16, GenSmallCaches.CONFIG.cacheCapacity(0), "small-caches.yaml is in effect");
    }
}
