/**
 * JDK Flight Recorder support: the settings file of the allocator's events
 * ({@link dev.hakmem.jfr.HakmemJfr}).
 *
 * <p>The events themselves need no code from the program: every allocator emits them while a
 * recording enables them. They are named {@code dev.hakmem.*} and are in the category "hakmem":
 * {@code AllocatorStatistics} and {@code TierStatistics} (periodic, per open allocator),
 * {@code OsRefill}, {@code MemoryReturned}, {@code ThreadCacheReclaim}, {@code OutOfMemory},
 * {@code Misuse} and the throttled {@code AllocationSample}. The README's "JFR events" section lists
 * their fields and the command lines.
 */
package dev.hakmem.jfr;
