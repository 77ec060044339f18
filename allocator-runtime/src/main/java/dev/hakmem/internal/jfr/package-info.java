/**
 * JDK Flight Recorder events of the allocator ({@code jdk.jfr} only), and the per-allocator sink
 * ({@link dev.hakmem.internal.jfr.AllocatorEvents}) through which the tiers emit them.
 *
 * <p>Cost contract: nothing here is called from a fast path (a Tiny/Mid pop or push of a thread
 * cache). Every emitting method runs on a slow path that already costs far more than the check it
 * adds (a cache refill from the central lists or a new slab, a Large or Huge call, a system call, the
 * reclaim of an ended thread, a misuse or an {@code OutOfMemoryError} about to be thrown), and
 * constructs its event and tests {@code isEnabled()}/{@code shouldCommit()} before it computes
 * anything: with no recording, or with the event disabled, that is a load and a branch (the event
 * object is not allocated: it does not escape). Each event's javadoc says where it is emitted.
 *
 * <p>The event classes are not API: their names ({@code dev.hakmem.*}) and fields are, as recorded,
 * and are listed in the README and in the settings file {@code dev/hakmem/jfr/hakmem.jfc}
 * ({@link dev.hakmem.jfr.HakmemJfr}). JFR reaches the classes of this non-exported package on its
 * own (it instruments and registers event classes whatever their module exports).
 */
package dev.hakmem.internal.jfr;
