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
        Caught caught = new Caught(body);
        Thread t = builder.unstarted(caught);
        startAndJoin(t, caught, timeout);
    }

    /**
     * {@code body}, keeping what it throws for {@link #startAndJoin}: for a test that must pick the
     * thread itself (one whose id collides with another's, say) and so makes it with {@code unstarted}.
     */
    public static final class Caught implements Runnable {
        private final Runnable body;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        public Caught(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }
    }

    /**
     * Starts {@code t}, a thread made to run {@code caught}, and waits for it and rethrows as
     * {@link #run(Thread.Builder, Runnable, Duration)} does.
     */
    public static void startAndJoin(Thread t, Caught caught, Duration timeout) throws InterruptedException {
        t.start();
        if (!t.join(timeout)) {
            StringBuilder sb = new StringBuilder("the thread did not end within " + timeout.toSeconds() + " s:");
            for (StackTraceElement e : t.getStackTrace()) sb.append("\n    at ").append(e);
            throw new AssertionError(sb.toString());
        }
        Throwable f = caught.failure.get();
        if (f instanceof Error e) throw e;
        if (f instanceof RuntimeException e) throw e;
        if (f != null) throw new AssertionError(f); // a checked exception thrown sneakily
    }
}
