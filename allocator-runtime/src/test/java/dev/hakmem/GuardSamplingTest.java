package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.guard.GuardSampling;
import java.io.File;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarded sampling ({@link AllocatorConfig.Builder#guardSampling}): a sampled segment throws when used
 * after its free; a sampled raw block faults at the first byte past it or after its free (checked in a
 * child JVM, which must die with the address in its crash report); sampled blocks behave as blocks in
 * every other way; off by default, nothing is wrapped.
 */
class GuardSamplingTest {
    private static NativeAllocator everyBlockGuarded() {
        return Hakmem.create(AllocatorConfig.builder().guardSampling(1).build());
    }

    private static MemorySegment raw(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    @Test
    void offByDefaultNothingIsWrapped() {
        try (NativeAllocator h = Hakmem.create()) {
            assertTrue(h instanceof HakmemAllocator, h.getClass().getName());
        }
        assertEquals(0, AllocatorConfig.defaults().guardSampling());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.builder().guardSampling(-1));
        assertTrue(e.getMessage().contains("guardSampling"), e.getMessage());
    }

    @Test
    void aSampledSegmentThrowsWhenUsedAfterItsFree() {
        try (NativeAllocator h = everyBlockGuarded()) {
            MemorySegment s = h.allocate(100, 8);
            s.set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, s.get(ValueLayout.JAVA_LONG, 0));
            h.free(s);
            assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_LONG, 0), "read after free");
            assertThrows(IllegalStateException.class, () -> s.set(ValueLayout.JAVA_BYTE, 99, (byte) 1), "write after free");
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> h.free(s));
            assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
        }
    }

    @Test
    void aLiveSampledSegmentIsClosedWithTheAllocator() {
        NativeAllocator h = everyBlockGuarded();
        MemorySegment s = h.allocate(64, 16);
        s.set(ValueLayout.JAVA_INT, 60, 7);
        h.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_INT, 60));
        assertThrows(IllegalStateException.class, () -> h.malloc(16));
    }

    @Test
    void sampledBlocksEndAtTheirGuardAndWorkLikeBlocks() {
        try (NativeAllocator h = everyBlockGuarded()) {
            GuardSampling g = (GuardSampling) h;
            Set<Long> pages = new HashSet<>();
            for (long size : new long[] {0, 1, 16, 100, 4096, 5000, 65536}) {
                long p = h.malloc(size);
                long usable = h.usableSize(p);
                assertEquals(Math.max(16, (size + 15) & -16), usable, "size " + size);
                assertEquals(0, p % 16, "aligned");
                assertEquals(0, (p + usable) % 4096, "the block ends where the guard page begins");
                assertTrue(pages.add((p + usable) >>> 12), "each block has its own guard page");
                raw(p, usable).fill((byte) 0x5A);
                h.free(p);
            }
            assertEquals(7, g.guardedBlocks());
            assertEquals(0, g.guardedLiveBlocks());

            long z = h.calloc(10, 100);
            for (int i = 0; i < 1000; i++) assertEquals(0, raw(z, 1000).get(ValueLayout.JAVA_BYTE, i), "calloc zeroes, even a reused slot");
            h.free(z);

            long a = h.mallocAligned(300, 256);
            assertEquals(0, a % 256);
            h.free(a);

            long p = h.malloc(40);
            raw(p, 40).fill((byte) 3);
            long q = h.realloc(p, 10_000);
            for (int i = 0; i < 40; i++) assertEquals(3, raw(q, 40).get(ValueLayout.JAVA_BYTE, i));
            long r = h.realloc(q, 100_000); // above the sampled sizes: the wrapped allocator's block
            assertFalse(h.usableSize(r) < 100_000);
            for (int i = 0; i < 40; i++) assertEquals(3, raw(r, 40).get(ValueLayout.JAVA_BYTE, i));
            h.free(r);
            assertEquals(0, g.guardedLiveBlocks());
        }
    }

    @Test
    void misuseOfSampledBlocksIsRefusedWithTheirAddress() {
        try (NativeAllocator h = everyBlockGuarded()) {
            long p = h.malloc(64);
            IllegalArgumentException interior = assertThrows(IllegalArgumentException.class, () -> h.free(p + 16));
            assertTrue(interior.getMessage().contains("interior"), interior.getMessage());
            assertThrows(IllegalArgumentException.class, () -> h.free(p - 4096), "a slot's unused pages hold no block");
            h.free(p);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> h.free(p));
            assertTrue(twice.getMessage().contains("double free") && twice.getMessage().contains(Long.toHexString(p)), twice.getMessage());
            assertThrows(IllegalStateException.class, () -> h.usableSize(p));
        }
    }

    @Test
    void aFreedSlotIsNotReusedSoon() {
        try (NativeAllocator h = everyBlockGuarded()) {
            long first = h.malloc(64);
            h.free(first);
            for (int i = 0; i < 100; i++) {
                long p = h.malloc(64);
                assertNotEquals(first, p, "the freed block's memory came back after " + i + " samples");
                h.free(p);
            }
        }
    }

    @Test
    void aRateSamplesAboutOneBlockInRate() {
        try (NativeAllocator h = Hakmem.create(AllocatorConfig.builder().guardSampling(100).build())) {
            GuardSampling g = (GuardSampling) h;
            long[] blocks = new long[20_000];
            for (int i = 0; i < blocks.length; i++) blocks[i] = h.malloc(32);
            long sampled = g.guardedBlocks();
            assertTrue(sampled > 100 && sampled < 400, sampled + " of 20,000 sampled at 1 in 100");
            for (long b : blocks) h.free(b);
            assertEquals(0, g.guardedLiveBlocks());
            assertEquals(0, h.stats().liveBlocks());
        }
    }

    // ------------------------------------------------------------------ faults, in a child JVM

    /** Child: {@code overflow} writes the byte just past a sampled block, {@code afterFree} writes a freed one. */
    public static void main(String[] args) {
        NativeAllocator h = everyBlockGuarded();
        long p = h.malloc(48);
        long usable = h.usableSize(p);
        raw(p, usable).fill((byte) 1); // every usable byte is fine
        long target = args[0].equals("overflow") ? p + usable : p;
        if (args[0].equals("afterFree")) h.free(p);
        System.out.println("target 0x" + Long.toHexString(target));
        System.out.flush();
        raw(target, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
        System.out.println("survived");
    }

    private static void assertChildFaultsAt(String mode, Path dir) throws Exception {
        Path errorFile = dir.resolve("hs_err_" + mode + ".log");
        String path = System.getProperty("java.class.path", "") + File.pathSeparator + System.getProperty("jdk.module.path", "");
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx128m",
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + errorFile, "--enable-native-access=ALL-UNNAMED",
                "-cp", path, GuardSamplingTest.class.getName(), mode));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(100, TimeUnit.SECONDS), "child JVM did not finish");
        assertFalse(out.contains("survived"), mode + ": the access went through:\n" + out);
        assertNotEquals(0, child.exitValue(), out);
        String target = out.lines().filter(l -> l.startsWith("target ")).findFirst().orElseThrow(() -> new AssertionError(out)).substring(7);
        assertTrue(out.contains("SIGSEGV"), mode + ": no SIGSEGV reported:\n" + out);
        String siginfo = Files.readString(errorFile).lines().filter(l -> l.contains("si_addr: 0x")).findFirst()
                .orElseThrow(() -> new AssertionError(mode + ": no siginfo in the crash report"));
        long faulted = Long.parseUnsignedLong(siginfo.replaceAll(".*si_addr: 0x([0-9a-fA-F]+).*", "$1"), 16);
        assertEquals(Long.parseUnsignedLong(target.substring(2), 16), faulted, mode + ": the crash report names another address: " + siginfo);
    }

    @Test
    @Timeout(200)
    void aWritePastASampledBlockFaultsAtOnceNamingTheAddress(@TempDir Path dir) throws Exception {
        assertChildFaultsAt("overflow", dir);
    }

    @Test
    @Timeout(200)
    void aWriteToAFreedSampledBlockFaultsAtOnceNamingTheAddress(@TempDir Path dir) throws Exception {
        assertChildFaultsAt("afterFree", dir);
    }
}
