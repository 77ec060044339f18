package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Checks that every adapter hands out usable, distinct memory before any benchmark trusts it:
 * blocks of the workloads' size range (tiny through a 3 MiB huge block) are all held at once,
 * checked for alignment, filled with a per-block pattern, read back in full and freed, twice so
 * the second round runs on reused memory.
 *
 * <p>A native peer whose library is missing is skipped (the machine's business); hakmem is never
 * skipped, so this test fails while the runtime is only a placeholder.
 */
class PeerConformanceTest {
    static final long[] SIZES = {0, 1, 16, 64, 1000, 5000, 40_000, 3L << 20};
    static final List<String> PEERS = Peers.NAMES;

    @ParameterizedTest(name = "{0}")
    @FieldSource("PEERS")
    void allocatesWritableDistinctBlocks(String name) {
        BenchAllocator a;
        try {
            a = Peers.create(name);
        } catch (PeerUnavailableException e) {
            if (name.equals("hakmem")) throw e;
            Assumptions.abort(e.getMessage());
            return;
        }
        try (a) {
            assertEquals(name, a.name());
            List<long[]> blocks = new ArrayList<>(); // {address, size}
            for (int round = 0; round < 2; round++) { // the second round reuses freed memory
                for (int i = 0; i < SIZES.length; i++) {
                    long size = SIZES[i];
                    long p = a.malloc(size);
                    assertNotEquals(0L, p, name + ": malloc(" + size + ") returned 0");
                    long align = size >= 16 ? 16 : 8; // C only promises 8 for blocks too small for a 16-byte type
                    assertEquals(0, p & (align - 1),
                            () -> name + ": block 0x" + Long.toHexString(p) + " of " + size + " bytes is not " + align + "-byte aligned");
                    fill(a, p, size, pattern(round, i));
                    blocks.add(new long[] {p, size});
                }
                for (int i = 0; i < blocks.size(); i++) {
                    check(a, name, blocks.get(i)[0], blocks.get(i)[1], pattern(round, i));
                }
                for (long[] b : blocks) a.free(b[0]);
                blocks.clear();
            }
        }
    }

    private static byte pattern(int round, int block) {
        return (byte) (0x5A + 31 * block + 7 * round);
    }

    /** Grows a block through every tier and shrinks it back; the kept prefix must survive each move. */
    @ParameterizedTest(name = "{0}")
    @FieldSource("PEERS")
    void reallocKeepsThePrefix(String name) {
        BenchAllocator a;
        try {
            a = Peers.create(name);
        } catch (PeerUnavailableException e) {
            if (name.equals("hakmem")) throw e;
            Assumptions.abort(e.getMessage());
            return;
        }
        try (a) {
            long size = 24;
            long p = a.malloc(size);
            fill(a, p, size, (byte) 3);
            for (long next : new long[] {100, 2000, 40_000, 3L << 20, 500, 10}) {
                long q = a.realloc(p, next);
                assertNotEquals(0L, q, name + ": realloc to " + next + " returned 0");
                check(a, name, q, Math.min(size, next), (byte) 3);
                fill(a, q, next, (byte) 3);
                p = q;
                size = next;
            }
            a.free(p);
        }
    }

    private static void fill(BenchAllocator a, long p, long size, byte seed) {
        for (long k = 0; k < size; k++) a.put(p, k, (byte) (seed + k));
    }

    private static void check(BenchAllocator a, String name, long p, long size, byte seed) {
        for (long k = 0; k < size; k++) {
            byte want = (byte) (seed + k);
            byte got = a.get(p, k);
            if (got != want) {
                fail(String.format("%s: block 0x%x of %d bytes: byte %d is %d, wrote %d (overlapping blocks?)",
                        name, p, size, k, got, want));
            }
        }
    }
}
