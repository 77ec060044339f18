package dev.hakmem.internal.small;

import dev.hakmem.AllocatorConfig;

/** Test helper: the default configuration's batch for a request size, which tests derive their counts from. */
public final class DefaultBatches {
    private static final SizeClasses CLASSES = new SizeClasses(AllocatorConfig.defaults());

    private DefaultBatches() {}

    /** The default batch (blocks a refill takes, and the length of an inbox node) of {@code size}'s class. */
    public static int of(long size) {
        return AllocatorConfig.defaults().batchSize(CLASSES.classOf(size));
    }
}
