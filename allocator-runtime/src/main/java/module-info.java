/**
 * hakmem for Java: an off-heap allocator with malloc/free semantics on {@code java.lang.foreign}.
 *
 * <p>{@code dev.hakmem} is the API; {@code dev.hakmem.profile} records allocation profiles for tuned
 * variants; {@code dev.hakmem.spi} is what generated variants use; every box
 * of the allocator lives in {@code dev.hakmem.internal.*}. The module calls restricted methods (downcalls to {@code mmap},
 * {@code MemorySegment.reinterpret}), so run with {@code --enable-native-access=dev.hakmem.runtime}
 * (or {@code ALL-UNNAMED} when the jar is on the class path). {@code dev.hakmem.jfr} gives the JDK
 * Flight Recorder settings file of the allocator's events, which live in {@code dev.hakmem.internal.jfr}.
 */
module dev.hakmem.runtime {
    requires jdk.jfr;
    requires java.management;

    exports dev.hakmem;
    exports dev.hakmem.jfr;
    exports dev.hakmem.spi;
    exports dev.hakmem.profile;
}
