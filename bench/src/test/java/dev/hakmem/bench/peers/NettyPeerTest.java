package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The Netty peers' settings, which the report's peers section states: the pooled allocator gives a
 * thread cache to a thread that is not one of Netty's event loops, and leak detection is off.
 */
class NettyPeerTest {
    @Test
    void pooledGivesAPlainThreadACache() throws Exception {
        NettyPeer peer = NettyPeer.pooled();
        PooledByteBufAllocator pooled = assertInstanceOf(PooledByteBufAllocator.class, peer.allocator());
        Thread plain = Thread.ofPlatform().start(() -> peer.free(peer.malloc(64)));
        plain.join();
        // With Netty's default (useCacheForAllThreads=false) a plain thread gets no cache: this would be 0.
        assertTrue(pooled.metric().numThreadLocalCaches() >= 1, pooled.metric().toString());
        assertEquals(PooledByteBufAllocator.defaultNumDirectArena(), pooled.metric().numDirectArenas());
    }

    @Test
    void leakDetectionIsOffUnlessAskedFor() {
        NettyPeer.adaptive().close();
        // The test JVM is not given -Dio.netty.leakDetection.level, so the peer's choice holds.
        assertEquals(null, System.getProperty(NettyPeer.LEAK_LEVEL_PROPERTY));
        assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
    }
}
