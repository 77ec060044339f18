package dev.hakmem.internal;

import java.util.function.LongSupplier;

/**
 * For tests of the internals: an allocation the test expects to succeed. An OutOfMemoryError then
 * fails that test; uncaught, JUnit would abort the whole run on it (it counts as unrecoverable), so
 * the one broken test would crash the fork instead of being reported.
 */
public final class ExpectSuccess {
    private ExpectSuccess() {}

    public static long allocation(LongSupplier allocation) {
        try {
            return allocation.getAsLong();
        } catch (OutOfMemoryError e) {
            throw new AssertionError("unexpected OutOfMemoryError: " + e.getMessage(), e);
        }
    }
}
