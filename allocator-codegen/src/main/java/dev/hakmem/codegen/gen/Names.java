package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ClassName;
import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;

/** The names of a variant's generated classes and of the runtime types they use. */
record Names(AllocatorSpec spec) {
    static final ClassName CONFIG = ClassName.get(AllocatorConfig.class);
    static final ClassName NATIVE_ALLOCATOR = ClassName.get("dev.hakmem", "NativeAllocator");
    static final ClassName STATS = ClassName.get("dev.hakmem", "AllocatorStats");
    static final ClassName LEAK_REPORT = ClassName.get("dev.hakmem", "LeakReport");
    static final ClassName OPTIONAL = ClassName.get("java.util", "Optional");
    static final ClassName FRONT_SUPPORT = ClassName.get("dev.hakmem.spi", "FrontSupport");
    static final ClassName THREAD_FRONT = ClassName.get("dev.hakmem.spi", "ThreadFront");
    static final ClassName MEMORY_SEGMENT = ClassName.get("java.lang.foreign", "MemorySegment");

    /** The variant class, as the spec names it. */
    ClassName variant() {
        return ClassName.get(spec.packageName(), spec.simpleName());
    }

    /** The per-thread cache class: the variant's Tiny caches as fields. */
    ClassName cache() {
        return ClassName.get(spec.packageName(), spec.simpleName() + "Cache");
    }

    /** The small-block front: malloc and free of every front class. */
    ClassName front() {
        return ClassName.get(spec.packageName(), spec.simpleName() + "Front");
    }

    AllocatorConfig config() {
        return spec.config();
    }

    int tinyCount() {
        return spec.config().tinyClasses().length;
    }

    /** How many Tiny classes, from class 0, get a generated front (the others use the runtime's). */
    int frontCount() {
        return spec.frontClasses();
    }

    /** The largest request served by a generated front: the size of the last front class. */
    int frontMaxSize() {
        return spec.config().classSize(frontCount() - 1);
    }
}
