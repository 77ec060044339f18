package dev.hakmem.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this JVM process, from Linux's {@code /proc/self/status}: {@code VmRSS}
 * (now) and {@code VmHWM} (the peak, the "high water mark"). Writing {@code 5} to
 * {@code /proc/self/clear_refs} (Linux 4.0 and later) resets the peak to the current RSS, so the peak
 * of a chosen window can be read without sampling.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** The current resident set size in bytes (public for the design benchmarks). */
    public static long rss() {
        return status("VmRSS:");
    }

    /** The peak resident set size in bytes since the process started or the last {@link #resetPeak()}. */
    static long peak() {
        return status("VmHWM:");
    }

    /** Resets {@link #peak()} to the current RSS; false when this kernel or sandbox does not allow it. */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | SecurityException e) {
            return false;
        }
        // A kernel that accepts the write but ignores the value leaves the old peak: check it dropped
        // to about the current RSS (it can only have grown by what was touched in between).
        return peak() <= rss() + (1 << 20);
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String kb = line.substring(field.length()).trim();
                    if (!kb.endsWith(" kB")) throw new IllegalStateException("unexpected " + STATUS + " line: " + line);
                    return Long.parseLong(kb.substring(0, kb.length() - 3).trim()) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + " (footprint needs Linux)", e);
        }
        throw new IllegalStateException(STATUS + " has no " + field + " line");
    }
}
