package dev.hakmem.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's one-line switch on a real Netty channel pair (in-JVM local transport): the server's
 * connections allocate through hakmem, echo what they receive in a buffer of their own, and release
 * everything.
 */
class BootstrapTest {
    @Test
    @Timeout(60)
    void theOneLineSwitchMakesAServersConnectionsAllocateFromHakmem() throws Exception {
        HakmemByteBufAllocator hakmem = HakmemByteBufAllocator.shared();
        long liveBefore = hakmem.nativeAllocator().stats().liveBlocks();
        BlockingQueue<Object> seen = new ArrayBlockingQueue<>(8);
        EventLoopGroup group = new DefaultEventLoopGroup(2);
        try {
            ServerBootstrap serverBootstrap = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf in = (ByteBuf) msg;
                                    ByteBuf out = ctx.alloc().directBuffer(in.readableBytes());
                                    seen.add(ctx.alloc());
                                    seen.add(out.memoryAddress() != 0 && hakmem.nativeAllocator().usableSize(out.memoryAddress()) >= in.readableBytes());
                                    out.writeBytes(in);
                                    in.release();
                                    ctx.writeAndFlush(out);
                                }
                            });
                        }
                    });
            serverBootstrap.childOption(ChannelOption.ALLOCATOR, HakmemByteBufAllocator.shared());
            LocalAddress address = new LocalAddress("hakmem-bootstrap-test");
            Channel server = serverBootstrap.bind(address).sync().channel();
            Channel client = new Bootstrap().group(group).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf echoed = (ByteBuf) msg;
                    seen.add(echoed.toString(java.nio.charset.StandardCharsets.US_ASCII));
                    echoed.release();
                }
            }).connect(address).sync().channel();
            client.writeAndFlush(client.alloc().buffer().writeBytes("hello, hakmem".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).sync();
            assertSame(hakmem, seen.poll(30, TimeUnit.SECONDS), "the connection's allocator");
            assertEquals(Boolean.TRUE, seen.poll(30, TimeUnit.SECONDS), "the buffer is a hakmem block");
            assertEquals("hello, hakmem", seen.poll(30, TimeUnit.SECONDS));
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hakmem.nativeAllocator().stats().liveBlocks() > liveBefore && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(hakmem.nativeAllocator().stats().liveBlocks() <= liveBefore, "every buffer was released to hakmem");
    }
}
