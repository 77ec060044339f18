package dev.hakmem.internal.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The processor the calling thread runs on ({@code sched_getcpu}, glibc's vDSO call): what a virtual
 * thread's allocation uses to pick a shared stripe, so that the stripes stay in the caches of one
 * processor each instead of following virtual threads from carrier to carrier.
 *
 * <p>Why a processor and not the carrier thread: Java has no public way to name a virtual thread's
 * carrier, and a native allocator's thread-local heap (mimalloc's, tcmalloc's) is the carrier's,
 * which in effect is the processor's. The answer is a hint: the thread may move the moment after the
 * call, so a caller must still lock what it picks.
 *
 * <p>The call is linked {@linkplain Linker.Option#critical(boolean) critical} (no thread-state
 * transition: it neither blocks nor calls back) and costs a few nanoseconds. Where the C library has
 * no {@code sched_getcpu}, {@link #get()} returns -1 and callers fall back to a hash.
 */
public final class CurrentCpu {
    private static final MethodHandle SCHED_GETCPU;

    static {
        MethodHandle h = null;
        try {
            Linker linker = Linker.nativeLinker();
            h = linker.defaultLookup().find("sched_getcpu")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT), Linker.Option.critical(false)))
                    .orElse(null);
        } catch (RuntimeException e) { // an unsupported platform or linker: no hint
            h = null;
        }
        SCHED_GETCPU = h;
    }

    private CurrentCpu() {}

    /** The calling thread's current processor (0-based), or -1 when it cannot be known. */
    public static int get() {
        if (SCHED_GETCPU == null) return -1;
        try {
            return (int) SCHED_GETCPU.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }
}
