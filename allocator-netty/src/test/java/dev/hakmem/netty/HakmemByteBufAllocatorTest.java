package dev.hakmem.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The allocator's side of the contract, after Netty's {@code ByteBufAllocatorTest} and
 * {@code AbstractByteBufAllocatorTest}: what each factory method returns (direct or heap, capacity,
 * maximum capacity, components), that direct buffers are hakmem blocks, the metric, and the shared
 * instance.
 */
class HakmemByteBufAllocatorTest {
    private NativeAllocator memory;
    private HakmemByteBufAllocator alloc;

    @BeforeEach
    void open() {
        memory = Hakmem.create();
        alloc = new HakmemByteBufAllocator(memory);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void factoriesReturnWhatTheyPromise() {
        assertBuffer(alloc.buffer(1), true, 1, Integer.MAX_VALUE);
        assertBuffer(alloc.buffer(1, 8), true, 1, 8);
        assertBuffer(alloc.buffer(), true, 256, Integer.MAX_VALUE);
        assertBuffer(alloc.directBuffer(1), true, 1, Integer.MAX_VALUE);
        assertBuffer(alloc.directBuffer(1, 8), true, 1, 8);
        assertBuffer(alloc.ioBuffer(1, 8), true, 1, 8);
        assertBuffer(alloc.heapBuffer(1), false, 1, Integer.MAX_VALUE);
        assertBuffer(alloc.heapBuffer(1, 8), false, 1, 8);
        assertEquals(0, memory.stats().liveBlocks(), "every direct buffer was released");
    }

    @Test
    void notPreferringDirectMakesHeapBuffersButDirectIoBuffers() {
        HakmemByteBufAllocator heapFirst = new HakmemByteBufAllocator(memory, false);
        assertBuffer(heapFirst.buffer(1), false, 1, Integer.MAX_VALUE);
        assertBuffer(heapFirst.buffer(), false, 256, Integer.MAX_VALUE);
        assertBuffer(heapFirst.buffer(1, 8), false, 1, 8);
        assertBuffer(heapFirst.ioBuffer(1), true, 1, Integer.MAX_VALUE);
        assertBuffer(heapFirst.directBuffer(1), true, 1, Integer.MAX_VALUE);
        CompositeByteBuf composite = heapFirst.compositeBuffer();
        assertFalse(composite.isDirect());
        composite.release();
    }

    @Test
    void compositeBuffersHaveTheRequestedComponentLimit() {
        assertComposite(alloc.compositeBuffer(), 16);
        assertComposite(alloc.compositeBuffer(8), 8);
        assertComposite(alloc.compositeDirectBuffer(), 16);
        assertComposite(alloc.compositeDirectBuffer(8), 8);
        assertComposite(alloc.compositeHeapBuffer(8), 8);
    }

    /** Each direct buffer is one live hakmem block at its memory address, at least its capacity long. */
    @Test
    void directBuffersAreHakmemBlocks() {
        ByteBuf buf = alloc.directBuffer(100);
        assertInstanceOf(HakmemDirectByteBuf.class, Buffers.unwrapLeakAware(buf));
        assertSame(alloc, buf.alloc());
        assertTrue(buf.hasMemoryAddress());
        assertNotEquals(0L, buf.memoryAddress());
        assertEquals(0, buf.memoryAddress() & 15, "hakmem blocks are 16-byte aligned");
        assertTrue(memory.usableSize(buf.memoryAddress()) >= 100);
        assertEquals(1, memory.stats().liveBlocks());
        buf.release();
        assertEquals(0, memory.stats().liveBlocks());
    }

    @Test
    void anEmptyMaximumGivesTheSharedEmptyBufferWithoutABlock() {
        ByteBuf empty = alloc.directBuffer(0, 0);
        assertEquals(0, empty.capacity());
        assertEquals(0, empty.maxCapacity());
        assertEquals(0, memory.stats().liveBlocks());
        ByteBuf growable = alloc.directBuffer(0);
        assertEquals(1, memory.stats().liveBlocks(), "a growable empty buffer is a malloc(0) block");
        growable.writeLong(7);
        assertEquals(7, growable.readLong());
        growable.release();
        assertEquals(0, memory.stats().liveBlocks());
    }

    @Test
    void badCapacitiesAreRefusedWithoutABlock() {
        assertThrows(IllegalArgumentException.class, () -> alloc.directBuffer(-1));
        assertThrows(IllegalArgumentException.class, () -> alloc.directBuffer(9, 8));
        assertThrows(IllegalArgumentException.class, () -> alloc.heapBuffer(9, 8));
        assertEquals(0, memory.stats().liveBlocks());
        assertThrows(NullPointerException.class, () -> new HakmemByteBufAllocator(null));
    }

    /** Netty's growth rule (AbstractByteBufAllocatorTest.testCalculateNewCapacity), unchanged. */
    @Test
    void newCapacityFollowsNettysRule() {
        assertEquals(8, alloc.calculateNewCapacity(1, 8));
        assertEquals(7, alloc.calculateNewCapacity(1, 7));
        assertEquals(64, alloc.calculateNewCapacity(1, 129));
        assertEquals(4 << 20, alloc.calculateNewCapacity(4 << 20, (4 << 20) + 1));
        assertEquals(8 << 20, alloc.calculateNewCapacity((4 << 20) + 1, 16 << 20));
        assertThrows(IllegalArgumentException.class, () -> alloc.calculateNewCapacity(8, 7));
        assertThrows(IllegalArgumentException.class, () -> alloc.calculateNewCapacity(-1, 8));
    }

    @Test
    void directMemoryMetricIsHakmemsLiveBytes() {
        ByteBufAllocatorMetric metric = alloc.metric();
        assertSame(metric, alloc.metric());
        assertEquals(0, metric.usedDirectMemory());
        ByteBuf buf = alloc.directBuffer(1000, 1 << 20);
        long used = metric.usedDirectMemory();
        assertEquals(memory.usableSize(buf.memoryAddress()), used, "one block: its size class");
        assertTrue(used >= 1000);
        buf.capacity(50_000);
        assertEquals(memory.usableSize(buf.memoryAddress()), metric.usedDirectMemory(), "the old block was freed");
        assertTrue(metric.usedDirectMemory() >= 50_000);
        buf.release();
        assertEquals(0, metric.usedDirectMemory());
        assertEquals(0, metric.usedHeapMemory(), "no heap buffer was made");
    }

    /** As in Netty's testUsedHeapMemory: exactly the arrays' lengths. */
    @Test
    void heapMemoryMetricCountsTheArrays() {
        ByteBufAllocatorMetric metric = alloc.metric();
        ByteBuf buf = alloc.heapBuffer(1024, 4096);
        assertEquals(buf.capacity(), metric.usedHeapMemory());
        buf.capacity(2048);
        assertEquals(2048, metric.usedHeapMemory());
        ByteBuf other = alloc.heapBuffer(10);
        assertEquals(2058, metric.usedHeapMemory());
        buf.release();
        other.release();
        assertEquals(0, metric.usedHeapMemory());
        assertEquals(0, metric.usedDirectMemory());
    }

    @Test
    void directBuffersArePooledMemory() {
        assertTrue(alloc.isDirectBufferPooled());
        assertTrue(alloc.toString().contains("preferDirect: true"), alloc.toString());
        assertSame(memory, alloc.nativeAllocator());
    }

    /** copy() of a direct buffer is a new block of the same allocator, independent of the original. */
    @Test
    void copiesAreNewBlocks() {
        ByteBuf buf = alloc.directBuffer(64).writeLong(1).writeLong(2);
        ByteBuf copy = buf.copy();
        assertSame(alloc, copy.alloc());
        assertTrue(copy.isDirect());
        assertNotEquals(buf.memoryAddress(), copy.memoryAddress());
        assertEquals(2, memory.stats().liveBlocks());
        buf.setLong(0, 99);
        assertEquals(1, copy.getLong(0));
        assertEquals(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2}), copy);
        buf.release();
        copy.release();
        assertEquals(0, memory.stats().liveBlocks());
    }

    @Test
    void theSharedAllocatorIsOneWorkingInstance() {
        HakmemByteBufAllocator shared = HakmemByteBufAllocator.shared();
        assertSame(shared, HakmemByteBufAllocator.shared());
        long before = shared.nativeAllocator().stats().liveBlocks();
        ByteBuf buf = shared.buffer(10);
        assertTrue(buf.isDirect());
        buf.writeInt(42);
        assertEquals(42, buf.readInt());
        assertEquals(before + 1, shared.nativeAllocator().stats().liveBlocks());
        buf.release();
        assertEquals(before, shared.nativeAllocator().stats().liveBlocks());
    }

    private void assertBuffer(ByteBuf buf, boolean direct, int capacity, int maxCapacity) {
        try {
            assertEquals(direct, buf.isDirect(), "isDirect");
            assertEquals(capacity, buf.capacity(), "capacity");
            assertEquals(maxCapacity, buf.maxCapacity(), "maxCapacity");
            assertInstanceOf(HakmemByteBufAllocator.class, buf.alloc(), "made by this adapter");
            if (direct) assertInstanceOf(HakmemDirectByteBuf.class, Buffers.unwrapLeakAware(buf));
            else assertInstanceOf(CountedHeapByteBuf.class, Buffers.unwrapLeakAware(buf));
        } finally {
            buf.release();
        }
    }

    private static void assertComposite(CompositeByteBuf buf, int maxComponents) {
        try {
            assertEquals(0, buf.numComponents());
            assertEquals(maxComponents, buf.maxNumComponents());
            assertEquals(0, buf.capacity());
            assertEquals(Integer.MAX_VALUE, buf.maxCapacity());
        } finally {
            buf.release();
        }
    }
}
