/**
 * Netty buffers on hakmem memory.
 *
 * <p>{@link dev.hakmem.netty.HakmemByteBufAllocator} is a Netty {@code ByteBufAllocator}: each
 * direct buffer is one block of a {@link dev.hakmem.NativeAllocator}, allocated when the buffer is
 * made, replaced by a new block (malloc, copy, free) when its capacity changes, and freed when its
 * reference count reaches 0, from whichever thread releases it. Heap buffers are Netty's own unpooled
 * heap buffers. A Netty application switches with one line:
 * {@code bootstrap.option(ChannelOption.ALLOCATOR, HakmemByteBufAllocator.shared())} (and
 * {@code childOption} on a server).
 *
 * <p>The classes, one job each: {@code HakmemByteBufAllocator} (the allocator and its metric),
 * {@code HakmemDirectByteBuf} (Netty's {@code UnpooledDirectByteBuf} over hakmem blocks: the first
 * one wrapped and freed by this class, later ones through Netty's capacity hook), {@code HakmemBlock}
 * (a block of a capacity change as Netty's hook wants it: a {@code ByteBuffer}, an address and a
 * free), {@code CountedHeapByteBuf} (Netty's heap buffer, counted for the metric).
 */
package dev.hakmem.netty;
