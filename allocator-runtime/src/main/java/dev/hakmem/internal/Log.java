package dev.hakmem.internal;

/**
 * The allocator's logger ({@link System.Logger} {@code "dev.hakmem"}), made when the first warning is
 * logged rather than when the allocator's classes load.
 *
 * <p>Why lazily: asking for a logger makes the JDK set up its logging back end, about 50 classes
 * ({@code java.util.logging}, {@code jdk.internal.logger}) and their objects, resident memory that a
 * program whose allocator never warns would otherwise pay at its first {@code Hakmem.create()}. The
 * holder class is initialised on the first {@link #get()}, once, under the JVM's class-initialisation
 * lock, so every caller sees the same logger.
 */
public final class Log {
    private Log() {}

    /** The {@code "dev.hakmem"} logger, made on the first call. */
    public static System.Logger get() {
        return Holder.LOG;
    }

    private static final class Holder {
        static final System.Logger LOG = System.getLogger("dev.hakmem");
    }
}
