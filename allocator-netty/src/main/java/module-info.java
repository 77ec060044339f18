/**
 * hakmem for Netty: a {@code ByteBufAllocator} whose direct buffers are hakmem blocks
 * ({@link dev.hakmem.netty.HakmemByteBufAllocator}).
 *
 * <p>A real module rather than an {@code Automatic-Module-Name}: Netty 4.2's jars carry module
 * descriptors of their own ({@code io.netty.buffer}, {@code io.netty.common}), so this one can name
 * what it reads. Both Netty and the runtime are required transitively, since the public API extends
 * Netty's allocator and takes a {@link dev.hakmem.NativeAllocator}. The module calls no restricted
 * method itself (its memory comes from {@link dev.hakmem.NativeAllocator#allocate(long, long)}), so
 * only the runtime needs {@code --enable-native-access=dev.hakmem.runtime} (or {@code ALL-UNNAMED}
 * on the class path).
 */
module dev.hakmem.netty {
    requires transitive dev.hakmem.runtime;
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;

    exports dev.hakmem.netty;
}
