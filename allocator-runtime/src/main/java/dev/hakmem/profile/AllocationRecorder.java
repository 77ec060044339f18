package dev.hakmem.profile;

import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.HakmemAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * A {@link NativeAllocator} that forwards every call to another one and records the application's
 * allocation profile (see {@linkplain dev.hakmem.profile the package documentation} for what and at
 * what cost). Every contract of the wrapped allocator holds unchanged: calls are forwarded as they are,
 * exceptions pass through, and only calls that succeeded are counted.
 *
 * <pre>{@code
 * try (var allocator = AllocationRecorder.wrap(Hakmem.create(), "order-book replay", Path.of("orders.profile.json"))) {
 *     ... run the workload ...
 * } // the profile is written here
 * }</pre>
 *
 * <p>Thread-safe like the allocator it wraps. Each thread counts in its own tally (no atomic
 * read-modify-write per call in the common case); {@link #profile()} sums them. Counts are exact once
 * everything recorded happens-before the snapshot (threads ended or joined); {@code peakLive} is exact
 * with one recording thread and within {@code 31 x (T - 1)} blocks per class with {@code T} (see
 * {@linkplain dev.hakmem.profile the package documentation}, which also gives the measured cost:
 * 0.3x of plain hakmem's throughput in the tightest single-thread malloc/free loop, about 0.6x in
 * mixed-size workloads).
 */
public final class AllocationRecorder implements NativeAllocator {
    private final NativeAllocator delegate;
    /**
     * The delegate when it is this runtime's own allocator ({@link dev.hakmem.Hakmem#create}), else null:
     * then malloc's usable size comes from its size classes and free reads the block's page once (for
     * the size and for the free), instead of a {@code usableSize} lookup per call.
     */
    private final HakmemAllocator hakmem;
    private final String label;
    private final Path writeAtClose;
    private final Recording recording = new Recording();
    private final long started = System.nanoTime();

    private AllocationRecorder(NativeAllocator delegate, String label, Path writeAtClose) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.hakmem = delegate instanceof HakmemAllocator h ? h : null;
        this.label = Objects.requireNonNull(label, "label");
        this.writeAtClose = writeAtClose;
    }

    /** Records the calls made to {@code delegate}; take the profile with {@link #profile()}. */
    public static AllocationRecorder wrap(NativeAllocator delegate, String label) {
        return new AllocationRecorder(delegate, label, null);
    }

    /** Records the calls made to {@code delegate} and writes the profile to {@code writeAtClose} when closed. */
    public static AllocationRecorder wrap(NativeAllocator delegate, String label, Path writeAtClose) {
        return new AllocationRecorder(delegate, label, Objects.requireNonNull(writeAtClose, "writeAtClose"));
    }

    /** The wrapped allocator. */
    public NativeAllocator delegate() {
        return delegate;
    }

    /** Per-thread tallies the recording keeps now (for tests: bounded under thread churn). */
    int tallyCount() {
        return recording.tallyCount();
    }

    /** A snapshot of what has been recorded so far (the recording goes on). */
    public Profile profile() {
        return recording.snapshot(label, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Writes the profile so far to {@code file} as JSON, atomically where the file system allows (a
     * temporary file in the same directory, then moved over {@code file}).
     */
    public void writeProfile(Path file) {
        Path target = file.toAbsolutePath();
        try {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, profile().toJson(), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the allocation profile to " + file, e);
        }
    }

    @Override
    public long malloc(long size) {
        HakmemAllocator h = hakmem;
        if (h == null) {
            long p = delegate.malloc(size);
            recording.allocated(size, p, usable(p));
            return p;
        }
        long p = h.malloc(size);
        long usable = h.mallocUsableSize(size);
        recording.allocated(size, p, usable >= 0 ? usable : usable(p));
        return p;
    }

    @Override
    public long calloc(long count, long size) {
        long p = delegate.calloc(count, size);
        recording.allocated(count * size, p, usable(p)); // the delegate has rejected an overflowing product
        return p;
    }

    @Override
    public long realloc(long address, long newSize) {
        long oldUsable = address == 0 ? 0 : delegate.usableSize(address);
        long p = delegate.realloc(address, newSize);
        if (address != 0) recording.freed(address, oldUsable);
        recording.allocated(newSize, p, usable(p));
        return p;
    }

    @Override
    public long alignedAlloc(long alignment, long size) {
        long p = delegate.alignedAlloc(alignment, size);
        recording.allocated(size, p, usable(p));
        return p;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment s = delegate.allocate(byteSize, byteAlignment);
        recording.allocated(byteSize, s.address(), usable(s.address()));
        return s;
    }

    @Override
    public void free(long address) {
        if (address == 0) {
            delegate.free(0);
            return;
        }
        HakmemAllocator h = hakmem;
        if (h == null) {
            long usable = usableBeforeFree(address);
            delegate.free(address); // throws on a bad free, before anything is recorded
            recording.freed(address, usable);
            return;
        }
        int info = h.pageInfo(address);
        long usable = h.smallUsableSize(info);
        if (usable < 0) usable = usableBeforeFree(address);
        h.freeWithInfo(address, info); // what h.free(address) does; throws on a bad free, before anything is recorded
        recording.freed(address, usable);
    }

    @Override
    public void free(MemorySegment segment) {
        long address = Objects.requireNonNull(segment, "segment").address();
        long usable = address == 0 ? -1 : usableBeforeFree(address);
        delegate.free(segment);
        if (address != 0) recording.freed(address, usable);
    }

    @Override
    public long usableSize(long address) {
        return delegate.usableSize(address);
    }

    @Override
    public AllocatorStats stats() {
        return delegate.stats();
    }

    /** Writes the profile (when a file was given), then closes the wrapped allocator. */
    @Override
    public void close() {
        try {
            if (writeAtClose != null) writeProfile(writeAtClose);
        } finally {
            delegate.close();
        }
    }

    private long usable(long p) {
        return p == 0 ? 0 : delegate.usableSize(p);
    }

    /**
     * The usable size of a block about to be freed, or -1 when the wrapped allocator cannot tell (a
     * bad free: then the free itself throws its own, more precise error and nothing is recorded).
     */
    private long usableBeforeFree(long address) {
        try {
            return delegate.usableSize(address);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
