package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The free-list floor's own promises, beyond what every peer owes ({@code PeerConformanceTest}). */
class FreeListPeerTest {
    @Test
    void mallocOfZeroIsASixteenByteBlockThatOverlapsNoOther() {
        try (FreeListPeer a = new FreeListPeer()) {
            long zero = a.malloc(0);
            long next = a.malloc(16);
            for (int i = 0; i < 16; i++) a.put(zero, i, (byte) -1); // all of the 16 bytes the class comment promises
            a.free(next); // reads next's header, which must not lie in zero's bytes
            assertEquals(next, a.malloc(16), "the freed 16-byte block is the next one handed out");
            a.free(zero);
            assertEquals(zero, a.malloc(1), "a block of malloc(0) is of the 16-byte class");
        }
    }

    @Test
    void freedBlocksAreReusedLastFirstPerClass() {
        try (FreeListPeer a = new FreeListPeer()) {
            long p = a.malloc(40), q = a.malloc(48), r = a.malloc(100);
            a.free(p);
            a.free(q);
            assertEquals(q, a.malloc(33), "LIFO within the 48-byte class");
            assertEquals(p, a.malloc(48));
            assertFalse(a.freesOnAnyThread());
            a.free(r);
        }
    }
}
