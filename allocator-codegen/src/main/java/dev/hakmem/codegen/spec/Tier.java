package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The Tiny or the Mid tier as a spec sees it: the sizes its classes may have, and the cache the runtime
 * gives a class when the spec sets none. The runtime computes that default itself (from a config built
 * with the spec's sizes), so the spec never restates it and an omitted key means exactly what the
 * runtime means.
 */
enum Tier {
    TINY("tiny", "Tiny", 16, 16, AllocatorConfig.TINY_MAX, 64),
    MID("mid", "Mid", 256, AllocatorConfig.TINY_MAX + 256, AllocatorConfig.MID_MAX, 60);

    /** The keys of a tier's section ({@link SpecKey#TINY_CACHE}, ...): its cache, and its classes. */
    static final String CACHE = "cache";
    static final String CLASSES = "classes";
    /** The keys of a cache, {@code {capacity, batch}}, and of a class item, {@code {size, capacity, batch}}. */
    static final String SIZE = "size";
    static final String CAPACITY = "capacity";
    static final String BATCH = "batch";
    static final List<String> CACHE_KEYS = List.of(CAPACITY, BATCH);
    static final List<String> CLASS_KEYS = List.of(SIZE, CAPACITY, BATCH);
    /** Largest cache capacity and batch; the smallest is 1, and batch may not exceed capacity. */
    static final int CACHE_MAX = 65536;

    /** One class: its block size, thread-cache capacity and transfer batch. */
    record ClassCache(int size, int capacity, int batch) {}

    /** The spec key of the tier's section ({@code tiny}). */
    final String key;
    /** The tier's name in messages. */
    final String title;
    final int multiple;
    final int min;
    final int max;
    final int maxClasses;

    Tier(String key, String title, int multiple, int min, int max, int maxClasses) {
        this.key = key;
        this.title = title;
        this.multiple = multiple;
        this.min = min;
        this.max = max;
        this.maxClasses = maxClasses;
    }

    /** What a class size of this tier may be, for messages. */
    String sizeRule() {
        return "a multiple of " + multiple + " from " + min + " to " + max;
    }

    /** The classes of this tier in {@code config}, with their caches. */
    List<ClassCache> classesOf(AllocatorConfig config) {
        int first = this == TINY ? 0 : config.tinyClasses().length;
        int count = this == TINY ? config.tinyClasses().length : config.midClasses().length;
        List<ClassCache> classes = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            classes.add(new ClassCache(config.classSize(i), config.cacheCapacity(i), config.batchSize(i)));
        }
        return classes;
    }

    /** Classes of {@code sizes} (valid for this tier) with the cache the runtime gives each by default. */
    List<ClassCache> runtimeDefaults(int[] sizes) {
        AllocatorConfig.Builder b = AllocatorConfig.builder();
        return classesOf((this == TINY ? b.tinyClasses(sizes) : b.midClasses(sizes)).build());
    }

    /** The class sizes of this tier in {@code config}. */
    int[] sizesOf(AllocatorConfig config) {
        return this == TINY ? config.tinyClasses() : config.midClasses();
    }

    /** The runtime's default class sizes of this tier. */
    int[] defaultSizes() {
        return sizesOf(AllocatorConfig.defaults());
    }

    /** Sets this tier's classes and the cache of each on {@code b}. */
    void apply(AllocatorConfig.Builder b, List<ClassCache> classes) {
        int[] sizes = classes.stream().mapToInt(ClassCache::size).toArray();
        if (this == TINY) b.tinyClasses(sizes); else b.midClasses(sizes);
        for (ClassCache c : classes) b.classCache(c.size(), c.capacity(), c.batch());
    }
}
