package dev.hakmem.netty;

import static dev.hakmem.netty.Buffers.fill;
import static dev.hakmem.netty.Buffers.firstMismatch;
import static dev.hakmem.netty.Buffers.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buffer's side of the contract, after what Netty's {@code AbstractByteBufTest} checks, on
 * hakmem memory: indices, every primitive in both byte orders (against Netty's heap buffer as the
 * reference), growth through all four hakmem tiers keeping the content, the maximum capacity, derived
 * buffers sharing memory and reference count, release freeing the block exactly once (seen in
 * hakmem's counters), use after release, release on another thread, NIO views, bulk transfers,
 * composites, and a closed {@code NativeAllocator}.
 */
class HakmemDirectByteBufTest {
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

    private long liveBlocks() {
        return memory.stats().liveBlocks();
    }

    /** Exactly one block is live, and it is in {@code tier}. */
    private void assertOnlyLiveBlockIn(Tier tier) {
        AllocatorStats stats = memory.stats();
        assertEquals(1, stats.liveBlocks(), "live blocks");
        assertEquals(1, stats.tier(tier).liveBlocks(), () -> "the live block is not in " + tier + ": " + stats.tiers());
    }

    @Test
    void readerAndWriterIndices() {
        ByteBuf buf = alloc.directBuffer(16, 64);
        assertEquals(0, buf.readerIndex());
        assertEquals(0, buf.writerIndex());
        assertFalse(buf.isReadable());
        assertEquals(16, buf.writableBytes());
        assertEquals(64, buf.maxWritableBytes());
        buf.writeInt(0x01020304).writeShort(0x0506);
        assertEquals(6, buf.writerIndex());
        assertEquals(6, buf.readableBytes());
        assertEquals(0x01020304, buf.readInt());
        assertEquals(4, buf.readerIndex());
        assertThrows(IndexOutOfBoundsException.class, () -> buf.readerIndex(7));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.writerIndex(3));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.writerIndex(17));
        assertThrows(IndexOutOfBoundsException.class, buf::readInt);
        buf.markReaderIndex();
        assertEquals(0x0506, buf.readShort());
        buf.resetReaderIndex();
        buf.discardReadBytes();
        assertEquals(0, buf.readerIndex());
        assertEquals(2, buf.writerIndex());
        assertEquals(0x0506, buf.getShort(0), "discardReadBytes moved the unread bytes to the start");
        buf.clear();
        assertEquals(0, buf.readerIndex());
        assertEquals(0, buf.writerIndex());
        buf.release();
    }

    @Test
    void indexesOutsideTheCapacityAreRefused() {
        ByteBuf buf = alloc.directBuffer(8, 8);
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getByte(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getByte(8));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getLong(1));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.setInt(5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getBytes(4, new byte[5]));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.setBytes(4, ByteBuffer.allocate(5)));
        buf.setLong(0, -1L);
        assertEquals(-1L, buf.getLong(0));
        buf.release();
    }

    /**
     * Every primitive setter and getter, big- and little-endian, at aligned and unaligned offsets:
     * the same calls on Netty's heap buffer give the reference bytes, and each value reads back.
     */
    @Test
    void primitivesInBothByteOrdersMatchNettysHeapBuffer() {
        SplittableRandom random = new SplittableRandom(19);
        ByteBuf buf = alloc.directBuffer(64, 64);
        ByteBuf reference = Unpooled.buffer(64, 64);
        for (int round = 0; round < 200; round++) {
            int at = random.nextInt(0, 64 - 8);
            long v = random.nextLong();
            int kind = round % 11;
            Consumer<ByteBuf> write = switch (kind) {
                case 0 -> b -> b.setByte(at, (int) v);
                case 1 -> b -> b.setShort(at, (int) v);
                case 2 -> b -> b.setShortLE(at, (int) v);
                case 3 -> b -> b.setMedium(at, (int) v);
                case 4 -> b -> b.setMediumLE(at, (int) v);
                case 5 -> b -> b.setInt(at, (int) v);
                case 6 -> b -> b.setIntLE(at, (int) v);
                case 7 -> b -> b.setLong(at, v);
                case 8 -> b -> b.setLongLE(at, v);
                case 9 -> b -> b.setChar(at, (int) v).setFloat(at + 2, Float.intBitsToFloat((int) (v >>> 32)) == 0 ? 1f : 2.5f);
                default -> b -> b.setDoubleLE(at, Double.longBitsToDouble(v & 0x7fefffffffffffffL));
            };
            write.accept(buf);
            write.accept(reference);
            assertEquals(ByteBufUtil.hexDump(reference, 0, 64), ByteBufUtil.hexDump(buf, 0, 64), "round " + round + ", kind " + kind);
            switch (kind) {
                case 0 -> assertEquals((byte) v, buf.getByte(at));
                case 1 -> assertEquals((short) v, buf.getShort(at));
                case 2 -> assertEquals((short) v, buf.getShortLE(at));
                case 3 -> assertEquals((int) v & 0xffffff, buf.getUnsignedMedium(at));
                case 4 -> assertEquals((int) v & 0xffffff, buf.getUnsignedMediumLE(at));
                case 5 -> assertEquals((int) v, buf.getInt(at));
                case 6 -> assertEquals((int) v, buf.getIntLE(at));
                case 7 -> assertEquals(v, buf.getLong(at));
                case 8 -> assertEquals(v, buf.getLongLE(at));
                case 9 -> assertEquals((char) v, buf.getChar(at));
                default -> assertEquals(Double.longBitsToDouble(v & 0x7fefffffffffffffL), buf.getDoubleLE(at));
            }
        }
        buf.setInt(0, 0x01020304);
        assertEquals(1, buf.getByte(0), "big-endian by default");
        assertEquals(0x04030201, buf.getIntLE(0));
        ByteBuf le = buf.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x04030201, le.getInt(0));
        le.setLong(8, 0x0102030405060708L);
        assertEquals(8, buf.getByte(8), "the little-endian view writes into the same memory");
        buf.release();
        reference.release();
    }

    /**
     * A buffer grown from 16 bytes through Mid, Large and Huge blocks (and shrunk back) keeps its
     * bytes at every step, lives in the expected tier, and frees each block it leaves.
     */
    @Test
    void capacityGrowthThroughEveryTierKeepsTheContent() {
        ByteBuf buf = alloc.directBuffer(16);
        fill(buf, 1, 0, 16);
        assertOnlyLiveBlockIn(Tier.TINY);
        int filled = 16;
        int[] capacities = {1000, 20_000, 300_000, 3 << 20};
        Tier[] tiers = {Tier.TINY, Tier.MID, Tier.LARGE, Tier.HUGE};
        for (int i = 0; i < capacities.length; i++) {
            long before = buf.memoryAddress();
            buf.capacity(capacities[i]);
            assertEquals(capacities[i], buf.capacity());
            assertNotEquals(before, buf.memoryAddress(), "a new block");
            assertEquals(-1, firstMismatch(buf, 1, 0, filled), "kept bytes after growing to " + capacities[i]);
            assertOnlyLiveBlockIn(tiers[i]);
            fill(buf, 1, filled, capacities[i]);
            filled = capacities[i];
        }
        buf.writerIndex(3 << 20).readerIndex(100);
        buf.capacity(50);
        assertEquals(50, buf.capacity());
        assertEquals(50, buf.readerIndex(), "indices trimmed to the new capacity");
        assertEquals(50, buf.writerIndex());
        assertEquals(-1, firstMismatch(buf, 1, 0, 50));
        assertOnlyLiveBlockIn(Tier.TINY);
        buf.release();
        assertEquals(0, liveBlocks());
        assertEquals(0, memory.stats().bytesLive());
    }

    /** Growth by writing, as Netty code grows buffers: ensureWritable and Netty's growth rule. */
    @Test
    void writingPastTheCapacityGrowsTheBuffer() {
        ByteBuf buf = alloc.directBuffer(16);
        byte[] chunk = new byte[1000];
        for (int i = 0; i < chunk.length; i++) chunk[i] = pattern(2, i);
        for (int i = 0; i < 3000; i++) buf.writeBytes(chunk); // 3,000,000 bytes: through every tier to Huge
        assertTrue(buf.capacity() >= 3_000_000);
        assertEquals(3_000_000, buf.readableBytes());
        byte[] back = new byte[1000];
        for (int i = 0; i < 3000; i += 97) {
            buf.getBytes(i * 1000, back);
            assertArrayEquals(chunk, back, "chunk " + i);
        }
        assertEquals(1, liveBlocks(), "every outgrown block was freed");
        assertEquals(1, memory.stats().tier(Tier.HUGE).liveBlocks());
        buf.release();
        assertEquals(0, liveBlocks());
    }

    @Test
    void theMaximumCapacityIsEnforced() {
        ByteBuf buf = alloc.directBuffer(8, 16);
        buf.writeLong(1);
        buf.writeLong(2);
        assertEquals(16, buf.capacity(), "grew to the maximum");
        assertThrows(IndexOutOfBoundsException.class, () -> buf.writeByte(3));
        assertThrows(IllegalArgumentException.class, () -> buf.capacity(17));
        assertEquals(1, buf.ensureWritable(1, false), "cannot grow, Netty's code for 'not enough room'");
        assertEquals(16, buf.capacity());
        assertEquals(2, buf.getLong(8));
        assertEquals(1, liveBlocks(), "no block leaked by the refusals");
        buf.release();
        assertEquals(0, liveBlocks());
    }

    @Test
    void derivedBuffersShareMemoryAndTheReferenceCount() {
        ByteBuf buf = alloc.directBuffer(32);
        fill(buf, 3, 0, 32);
        buf.writerIndex(32);
        ByteBuf slice = buf.slice(8, 8);
        ByteBuf duplicate = buf.duplicate();
        slice.setByte(0, 0x7f);
        assertEquals(0x7f, buf.getByte(8), "a slice writes into the buffer");
        duplicate.setByte(31, 0x11);
        assertEquals(0x11, buf.getByte(31), "a duplicate writes into the buffer");
        assertEquals(buf.memoryAddress() + 8, slice.memoryAddress());
        assertEquals(1, buf.refCnt());
        slice.retain();
        assertEquals(2, buf.refCnt(), "a plain slice shares the count");
        slice.release();

        ByteBuf retained = buf.retainedSlice(4, 4);
        ByteBuf retainedDuplicate = buf.retainedDuplicate();
        assertEquals(3, buf.refCnt());
        assertEquals(pattern(3, 4), retained.getByte(0));
        buf.release();
        retainedDuplicate.release();
        assertEquals(1, liveBlocks(), "the retained slice keeps the block");
        assertEquals(pattern(3, 5), retained.getByte(1));
        assertTrue(retained.release());
        assertEquals(0, liveBlocks(), "the last release freed it");
        assertThrows(IllegalReferenceCountException.class, () -> slice.getByte(0));
        assertThrows(IllegalReferenceCountException.class, () -> duplicate.getByte(0));
    }

    @Test
    void releaseFreesTheBlockOnce() {
        AllocatorStats empty = memory.stats();
        assertEquals(0, empty.liveBlocks());
        ByteBuf tiny = alloc.directBuffer(10);
        ByteBuf mid = alloc.directBuffer(10_000);
        ByteBuf large = alloc.directBuffer(100_000);
        ByteBuf huge = alloc.directBuffer(3 << 20);
        assertEquals(4, liveBlocks());
        assertTrue(memory.stats().bytesLive() >= 10 + 10_000 + 100_000 + (3 << 20));
        assertTrue(tiny.release());
        assertTrue(mid.release());
        assertEquals(2, liveBlocks());
        assertTrue(large.release());
        assertTrue(huge.release());
        assertEquals(0, liveBlocks());
        assertEquals(0, memory.stats().bytesLive());
        assertEquals(4, memory.stats().frees() - empty.frees());
    }

    @Test
    void aSecondReleaseThrowsAndFreesNothing() {
        ByteBuf buf = alloc.directBuffer(64);
        assertTrue(buf.release());
        long frees = memory.stats().frees();
        assertThrows(IllegalReferenceCountException.class, buf::release);
        assertThrows(IllegalReferenceCountException.class, buf::retain);
        assertEquals(frees, memory.stats().frees(), "hakmem saw one free");
        assertEquals(0, buf.refCnt());

        ByteBuf counted = alloc.directBuffer(64).retain(2);
        assertFalse(counted.release(2));
        assertThrows(IllegalReferenceCountException.class, () -> counted.release(2));
        assertTrue(counted.release());
        assertEquals(0, liveBlocks());
    }

    @Test
    void accessAfterReleaseThrows() {
        ByteBuf buf = alloc.directBuffer(64).writeLong(5);
        buf.release();
        assertThrows(IllegalReferenceCountException.class, () -> buf.getByte(0));
        assertThrows(IllegalReferenceCountException.class, () -> buf.setInt(0, 1));
        assertThrows(IllegalReferenceCountException.class, buf::readLong);
        assertThrows(IllegalReferenceCountException.class, () -> buf.writeByte(1));
        assertThrows(IllegalReferenceCountException.class, () -> buf.getBytes(0, new byte[4]));
        assertThrows(IllegalReferenceCountException.class, () -> buf.setBytes(0, new byte[4]));
        assertThrows(IllegalReferenceCountException.class, buf::memoryAddress);
        assertThrows(IllegalReferenceCountException.class, () -> buf.capacity(128));
        assertThrows(IllegalReferenceCountException.class, buf::copy);
    }

    /** Made on one thread, released on another, and the other way round; content visible across. */
    @Test
    void buffersMayBeReleasedOnAnotherThread() throws Exception {
        ByteBuf made = alloc.directBuffer(5000);
        fill(made, 4, 0, 5000);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<ByteBuf> madeThere = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                if (firstMismatch(made, 4, 0, 5000) != -1) throw new AssertionError("content not visible to the releasing thread");
                made.release();
                ByteBuf b = alloc.directBuffer(300);
                fill(b, 5, 0, 300);
                madeThere.set(b);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        other.join();
        if (failure.get() != null) throw new AssertionError("the other thread failed", failure.get());
        assertEquals(1, liveBlocks(), "released there");
        ByteBuf b = madeThere.get();
        assertEquals(-1, firstMismatch(b, 5, 0, 300));
        b.release();
        assertEquals(0, liveBlocks());
    }

    @Test
    void nioViewsShareTheMemory() {
        ByteBuf buf = alloc.directBuffer(64);
        buf.writerIndex(64);
        assertEquals(1, buf.nioBufferCount());
        ByteBuffer view = buf.nioBuffer(8, 16);
        assertTrue(view.isDirect());
        assertEquals(16, view.remaining());
        assertEquals(ByteOrder.BIG_ENDIAN, view.order());
        view.putLong(0, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, buf.getLong(8), "written through the view");
        buf.setInt(20, 77);
        assertEquals(77, view.getInt(12), "read through the view");
        ByteBuffer[] views = buf.nioBuffers(0, 64);
        assertEquals(1, views.length);
        assertEquals(64, views[0].remaining());
        ByteBuffer internal = buf.internalNioBuffer(0, 4);
        assertEquals(4, internal.remaining());
        buf.release();
    }

    @Test
    void bulkTransfersKeepEveryByte() throws IOException {
        byte[] data = "hakmem: direct buffers for Netty, bulk transfers".getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = alloc.directBuffer(16);
        buf.writeBytes(data);
        assertEquals(new String(data, StandardCharsets.US_ASCII), buf.toString(StandardCharsets.US_ASCII));

        ByteBuf heap = Unpooled.buffer().writeBytes(data);
        ByteBuf direct = alloc.directBuffer().writeBytes(heap, 0, data.length);
        assertEquals(buf, direct);
        ByteBuffer nio = ByteBuffer.allocateDirect(data.length);
        direct.getBytes(0, nio);
        nio.flip();
        assertEquals(ByteBuffer.wrap(data), nio);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buf.readBytes(out, data.length);
        assertArrayEquals(data, out.toByteArray());
        ByteBuf fromStream = alloc.directBuffer(4);
        assertEquals(data.length, fromStream.writeBytes(new ByteArrayInputStream(data), data.length));
        assertEquals(direct, fromStream);
        fromStream.setZero(0, 8);
        assertEquals(0L, fromStream.getLong(0));
        assertEquals(data[8], fromStream.getByte(8));
        assertEquals(8, direct.indexOf(0, data.length, (byte) 'd'), "'hakmem: d'");
        for (ByteBuf b : new ByteBuf[] {buf, heap, direct, fromStream}) b.release();
        assertEquals(0, liveBlocks());
    }

    /** A composite of this allocator's buffers; consolidation allocates from it; release frees all. */
    @Test
    void compositeBuffersReleaseTheirComponents() {
        CompositeByteBuf composite = alloc.compositeDirectBuffer(2);
        for (int i = 0; i < 3; i++) {
            ByteBuf part = alloc.directBuffer(8).writeLong(i + 1);
            composite.addComponent(true, part);
        }
        assertEquals(24, composite.readableBytes());
        assertEquals(1, composite.numComponents(), "more than 2 components: consolidated into one buffer");
        assertEquals(1, liveBlocks(), "consolidation freed the parts");
        assertEquals(1, composite.readLong());
        assertEquals(2, composite.readLong());
        assertEquals(3, composite.readLong());
        composite.release();
        assertEquals(0, liveBlocks());

        CompositeByteBuf two = alloc.compositeBuffer();
        two.addComponents(true, alloc.directBuffer(4).writeInt(0x01020304), alloc.directBuffer(4).writeInt(0x05060708));
        assertEquals(0x0304_0506, two.getInt(2), "read across the components");
        assertEquals(2, liveBlocks());
        two.release();
        assertEquals(0, liveBlocks());
    }

    /**
     * Closing the NativeAllocator under a live buffer returns its memory; the buffer then throws on
     * access (its memory is a segment of the closed allocator) rather than touching unmapped memory.
     */
    @Test
    void aClosedNativeAllocatorMakesLiveBuffersThrow() {
        ByteBuf buf = alloc.directBuffer(64).writeLong(3);
        memory.close();
        assertThrows(IllegalStateException.class, () -> buf.getLong(0));
        assertThrows(IllegalStateException.class, () -> buf.setByte(0, 1));
        assertThrows(IllegalStateException.class, buf::release);
        assertThrows(IllegalStateException.class, () -> alloc.directBuffer(8));
    }
}
