package dev.hakmem;

import dev.hakmem.internal.HakmemAllocator;

/** Entry point: creates allocators. */
public final class Hakmem {
    private Hakmem() {}

    /** The default allocator, configured as {@link AllocatorConfig#defaults()}. */
    public static NativeAllocator create() {
        return new HakmemAllocator(AllocatorConfig.defaults());
    }

    /** The same allocator configured at run time. */
    public static NativeAllocator create(AllocatorConfig config) {
        if (config == null) throw new NullPointerException("config");
        return new HakmemAllocator(config);
    }
}
