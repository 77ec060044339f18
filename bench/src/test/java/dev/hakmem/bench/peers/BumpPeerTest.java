package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The floor's carving: 16-byte steps within a thread's chunk, and the wrap at the end of the lap. */
class BumpPeerTest {
    private static final long LAP = 64 << 20;

    @Test
    void smallBlocksAreCarvedInSixteenByteSteps() {
        try (BumpPeer a = new BumpPeer(LAP)) {
            long p = a.malloc(1);
            assertEquals(p + 16, a.malloc(0), "malloc(0) still takes 16 bytes, so its block is unique");
            assertEquals(p + 32, a.malloc(17));
            assertEquals(p + 64, a.malloc(5));
        }
    }

    @Test
    void theCursorWrapsToTheStartAfterALap() {
        try (BumpPeer a = new BumpPeer(LAP)) {
            long big = 1 << 20; // claimed directly from the region
            long first = a.malloc(big);
            for (long k = 1; k < LAP / big; k++) {
                long p = a.malloc(big);
                assertEquals(first + k * big, p);
                a.put(p, big - 1, (byte) k); // the whole region is writable
            }
            assertEquals(first, a.malloc(big), "the lap is over: the region's first block comes round again");
        }
    }

    @Test
    void aClaimNeverStraddlesTheEnd() {
        try (BumpPeer a = new BumpPeer(LAP)) {
            long first = a.malloc(40 << 20);
            long second = a.malloc(40 << 20); // does not fit behind the first: starts the next lap
            assertTrue(second >= first && second + (40 << 20) <= first + LAP, "block inside the region");
            assertEquals(first, second, "the tail of the region is dropped and the lap starts over");
        }
    }

    @Test
    void badSizesAndLapsAreRefused() {
        try (BumpPeer a = new BumpPeer(LAP)) {
            assertThrows(IllegalArgumentException.class, () -> a.malloc(-1));
            assertThrows(IllegalArgumentException.class, () -> a.malloc(LAP + 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new BumpPeer(LAP + 4096));
    }
}
