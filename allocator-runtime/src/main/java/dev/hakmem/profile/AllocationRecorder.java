package dev.hakmem.profile;

import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
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
 * <p>Thread-safe like the allocator it wraps.
 */
public final class AllocationRecorder implements NativeAllocator {
    private final NativeAllocator delegate;
    private final String label;
    private final Path writeAtClose;
    private final Recording recording = new Recording();
    private final long started = System.nanoTime();

    private AllocationRecorder(NativeAllocator delegate, String label, Path writeAtClose) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
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
        long p = delegate.malloc(size);
        recording.allocated(size, p, usable(p));
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
        long usable = usableBeforeFree(address);
        delegate.free(address); // throws on a bad free, before anything is recorded
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
