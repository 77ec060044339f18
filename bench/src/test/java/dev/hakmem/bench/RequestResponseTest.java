package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.peers.Peers;
import org.junit.jupiter.api.Test;

/**
 * The requestResponse body without JMH: the size distribution is the defined one, an invocation makes
 * exactly its counted ops and leaves nothing live, the Netty peers run it (hakmem's adapter among
 * them), and overlapping blocks are caught.
 */
class RequestResponseTest {

    @Test
    void sizesAreTheDefinedOnes() {
        assertEquals(2048, RequestResponse.requestSize(0));
        assertEquals(16384, RequestResponse.requestSize(16384 - 2048));
        assertEquals(2048, RequestResponse.requestSize(16384 - 2048 + 1), "wraps");
        assertEquals(65536, RequestResponse.responseSize(0), "x % 64 == 0: large");
        assertEquals(1 << 20, RequestResponse.responseSize(((1 << 20) - 65536) << 6));
        assertEquals(2048 + 1, RequestResponse.responseSize((1 << 6) | 1), "otherwise small, from x >>> 6");
        int large = 0, n = 100_000, x = RequestResponse.SEED;
        for (int i = 0; i < n; i++) {
            x = Xorshift32.next(x);
            int size = RequestResponse.responseSize(x);
            assertTrue(size >= 2048 && size <= (1 << 20), "size " + size);
            if (size >= 65536) large++;
        }
        assertTrue(large > n / 64 * 0.8 && large < n / 64 * 1.2, large + " large responses in " + n);
    }

    @Test
    void anInvocationMakesItsCountedOpsAndLeavesNothingLive() {
        RequestResponse b = new RequestResponse();
        b.peer = "fake";
        try (FakeAllocator a = new FakeAllocator(false)) {
            b.init(a);
            b.serve();
            assertEquals(RequestResponse.OPS, a.mallocs + a.frees);
            assertEquals(a.mallocs, a.frees);
            assertEquals(0, a.live());
            long bytes = a.bytes;
            b.serve();
            assertTrue(a.bytes - bytes != bytes, "the draws go on across invocations");
            assertEquals(0, a.live());
        }
    }

    /** The Netty peers, hakmem's adapter included, and hakmem itself run one invocation. */
    @Test
    void runsOnTheNettyPeersAndHakmem() {
        for (String peer : new String[] {"netty-hakmem", "netty-pooled", "netty-adaptive", "hakmem"}) {
            RequestResponse b = new RequestResponse();
            b.peer = peer;
            b.setUp();
            try {
                b.serve();
            } finally {
                b.tearDown();
            }
        }
        assertTrue(Peers.NAMES.contains("netty-hakmem"));
    }

    @Test
    void throwsOnOverlappingBlocks() {
        RequestResponse b = new RequestResponse();
        b.peer = "broken";
        try (FakeAllocator a = new FakeAllocator(true, 1 << 20)) {
            b.init(a);
            var e = assertThrows(IllegalStateException.class, b::serve);
            assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        }
    }
}
