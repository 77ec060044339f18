package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The glibc peers are measured in the state of a process that has freed a large block
 * ({@link GlibcPeer#settleMmapThreshold}): large requests come from glibc's heap, not from mappings of
 * their own. Counted with glibc's {@code mallinfo2()}, whose {@code hblks} is the number of blocks
 * glibc has mapped on their own and not yet unmapped.
 */
class GlibcPeerTest {
    /** {@code struct mallinfo2}: ten {@code size_t}; {@code hblks} is the fourth. */
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
    @SuppressWarnings("restricted")
    private static final MethodHandle MALLINFO2_CALL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("mallinfo2"), FunctionDescriptor.of(MALLINFO2));

    /** glibc's count of blocks it has mapped on their own. */
    private static long mappedBlocks() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO2_CALL.invokeExact((SegmentAllocator) arena);
            return info.get(ValueLayout.JAVA_LONG, MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("hblks")));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void theCountSeesABlockGlibcMapsOnItsOwn() {
        BenchAllocator glibc = new GlibcPeer();
        long before = mappedBlocks();
        long p = glibc.malloc(64L << 20); // above the highest threshold glibc ever sets (32 MiB): always mapped
        try {
            assertEquals(before + 1, mappedBlocks(), "the probe counts mapped blocks, so the test below can fail");
        } finally {
            glibc.free(p);
        }
        assertEquals(before, mappedBlocks());
    }

    @Test
    void afterAGlibcPeerIsMadeLargeBlocksComeFromTheHeap() {
        for (BenchAllocator glibc : new BenchAllocator[] {new GlibcPeer(), new GlibcCriticalPeer()}) {
            assertEquals(0, mappedBy(glibc), "a block below the settling size from the heap, not a mapping");
        }
    }

    /**
     * The same in a fresh JVM, where glibc's threshold may still be its initial 128 KiB (in this test JVM
     * something has usually raised it already, so the test above cannot tell): a 3.5 MiB block is mapped
     * by plain glibc there, and not once a glibc peer has been made.
     */
    @Test
    void inAFreshJvmTheGlibcPeerIsWhatKeepsLargeBlocksInTheHeap() throws Exception {
        long plain = inFreshJvm("plain");
        assumeTrue(plain == 1, "this JVM's start-up already raised glibc's threshold (" + plain + " mapped): nothing to show");
        assertEquals(0, inFreshJvm("peer"), "after a glibc peer is made, the same block comes from the heap");
    }

    /** Blocks glibc mapped on their own for one malloc of 3.5 MiB through {@code glibc} (freed after). */
    private static long mappedBy(BenchAllocator glibc) {
        long before = mappedBlocks();
        long p = glibc.malloc(GlibcPeer.SETTLING_BLOCK - (512 << 10)); // mapped by a glibc whose threshold is 128 KiB
        try {
            return mappedBlocks() - before;
        } finally {
            glibc.free(p);
        }
    }

    /** Runs {@link FreshJvm} with {@code mode} in a new JVM on this class path; returns what it printed. */
    private static long inFreshJvm(String mode) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FreshJvm.class.getName(), mode).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        return Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).strip());
    }

    /**
     * A fresh JVM's main: prints how many blocks glibc mapped for one malloc of 3.5 MiB, made through
     * plain downcalls ({@code plain}) or through a {@link GlibcPeer} ({@code peer}).
     */
    static final class FreshJvm {
        public static void main(String[] args) {
            BenchAllocator glibc = args[0].equals("peer") ? new GlibcPeer() : new PlainGlibc();
            System.out.println(mappedBy(glibc));
        }
    }

    /** glibc's malloc and free without the peer's settling step. */
    private static final class PlainGlibc implements BenchAllocator {
        private static final NativeFunctions.Functions F = NativeFunctions.fromDefault(new NativeFunctions.Names("malloc", "free", "realloc"));

        @Override
        public long malloc(long size) {
            try {
                return (long) F.malloc().invokeExact(size);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public void free(long address) {
            try {
                F.free().invokeExact(address);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public long realloc(long block, long newSize) {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public String name() {
            return "plain glibc";
        }

        @Override
        public void close() {}
    }
}
