package dev.hakmem.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test helper: runs a body on a thread of its own and waits for it, for tests whose subject is what a
 * thread leaves behind when it ends (its cache, its slabs) or what a virtual thread does under a stripe.
 */
public final class OnThread {
    private OnThread() {}

    /**
     * Runs {@code body} on a new thread made by {@code builder} ({@code Thread.ofPlatform()} or
     * {@code Thread.ofVirtual()}), waits for it to end, at most {@code timeout}, and rethrows what the body
     * threw, as it was (an {@link Error} or a {@link RuntimeException}). A thread still running at the
     * timeout fails the caller with the thread's stack.
     */
    public static void run(Thread.Builder builder, Runnable body, Duration timeout) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = builder.start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        if (!t.join(timeout)) {
            StringBuilder sb = new StringBuilder("the thread did not end within " + timeout.toSeconds() + " s:");
            for (StackTraceElement e : t.getStackTrace()) sb.append("\n    at ").append(e);
            throw new AssertionError(sb.toString());
        }
        Throwable f = failure.get();
        if (f instanceof Error e) throw e;
        if (f instanceof RuntimeException e) throw e;
        if (f != null) throw new AssertionError(f); // a checked exception thrown sneakily
    }
}
