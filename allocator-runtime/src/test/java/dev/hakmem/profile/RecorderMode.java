package dev.hakmem.profile;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import java.nio.file.Path;

/** The two ways a recorder counts: its own per-thread tallies around any allocator, or hakmem's thread caches. */
enum RecorderMode {
    /** {@code AllocationRecorder.wrap(Hakmem.create(), ...)}: the recorder's tallies count. */
    WRAPPED,
    /** {@code AllocationRecorder.create(...)}: hakmem's thread caches count ({@link AllocatorConfig#profile()}). */
    COUNTED;

    AllocationRecorder open(String label) {
        return this == WRAPPED ? AllocationRecorder.wrap(Hakmem.create(), label) : AllocationRecorder.create(label);
    }

    AllocationRecorder open(String label, Path writeAtClose) {
        AllocatorConfig config = this == WRAPPED ? AllocatorConfig.defaults() : AllocatorConfig.builder().profile(true).build();
        return AllocationRecorder.wrap(Hakmem.create(config), label, writeAtClose);
    }
}
