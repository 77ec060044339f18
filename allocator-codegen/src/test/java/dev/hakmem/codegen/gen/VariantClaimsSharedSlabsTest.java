package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.NativeAllocator;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.spec.SpecParser;
import dev.hakmem.spi.FrontSupport;
import dev.hakmem.spi.ThreadFront;
import java.lang.reflect.Field;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A thread that frees the blocks of an ended thread through a generated front takes over that thread's
 * slabs, as the generic free does ({@code SmallTier.claimShared}): afterwards every one of those slabs
 * is owned by the freeing thread, so its later frees of their blocks are an owner's (no CAS) and their
 * free blocks are its own to hand out. Before the generated free claimed them, only the slab of the
 * first free was (through the runtime's remote path, which found the owner ended), the others stayed
 * shared for good, and the variant ran larson at 0.7x the generic allocator.
 */
class VariantClaimsSharedSlabsTest {
    @ParameterizedTest(name = "checks {0}")
    @ValueSource(booleans = {true, false})
    void theFreeingThreadOwnsTheEndedThreadsSlabs(boolean checks, @TempDir Path dir) throws Exception {
        AllocatorSpec spec = SpecParser.parse("""
                variant: gen.claim.ClaimAllocator
                checks: %s
                """.formatted(checks), "claim.yaml");
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir);
                NativeAllocator variant = (NativeAllocator) loader.loadClass(spec.className()).getMethod("create").invoke(null)) {
            Field f = variant.getClass().getDeclaredField("support");
            f.setAccessible(true);
            FrontSupport support = (FrontSupport) f.get(variant);
            int blocks = 4000; // 48-byte blocks: nearly three 64 KiB slabs, two of them carved to the end
            long[] p = new long[blocks];
            Thread maker = new Thread(() -> {
                for (int i = 0; i < blocks; i++) p[i] = variant.malloc(48);
            });
            maker.start();
            maker.join();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread freer = new Thread(() -> {
                try {
                    for (long q : p) variant.free(q);
                    ThreadFront own = support.ownFront();
                    assertTrue(own != null && own.id() > 0, "the freer has a front of its own");
                    for (int i = 0; i < blocks; i++) {
                        int owner = FrontSupport.ownerOf(support.pageInfo(p[i]));
                        assertEquals(own.id(), owner, "block " + i + "'s slab belongs to the thread that freed it");
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            freer.start();
            freer.join();
            if (failure.get() != null) throw new AssertionError(failure.get());
            assertEquals(0, variant.stats().liveBlocks());
        }
    }
}
