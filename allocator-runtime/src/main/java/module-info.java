/**
 * hakmem for Java: an off-heap allocator with malloc/free semantics on {@code java.lang.foreign}.
 *
 * <p>{@code dev.hakmem} is the API; {@code dev.hakmem.profile} records allocation profiles for tuned
 * variants; {@code dev.hakmem.spi} is what generated variants use; every box
 * of the allocator lives in {@code dev.hakmem.internal.*}. The module calls restricted methods (downcalls to {@code mmap},
 * {@code MemorySegment.reinterpret}), so run with {@code --enable-native-access=dev.hakmem.runtime}
 * (or {@code ALL-UNNAMED} when the jar is on the class path).
 */
module dev.hakmem.runtime {
    requires java.management;

    exports dev.hakmem;
    exports dev.hakmem.spi;
    exports dev.hakmem.profile;
}
