package dev.hakmem;

import dev.hakmem.internal.HakmemAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Entry point: creates allocators. */
public final class Hakmem {
    private Hakmem() {}

    /** The default allocator, configured as {@link AllocatorConfig#defaults()}. */
    public static NativeAllocator create() {
        return new HakmemAllocator(AllocatorConfig.defaults());
    }

    /**
     * The version of this hakmem-runtime (the artifact's version, such as {@code 0.1.0}). Generated
     * variants record the version they were generated for and refuse to initialise against another
     * one. "unknown" only when the runtime's classes were built without its resources (not by its build).
     */
    public static String version() {
        return RuntimeVersion.VERSION;
    }

    /** Reads the version once, when first asked. */
    private static final class RuntimeVersion {
        static final String VERSION = read();

        private static String read() {
            try (InputStream in = Hakmem.class.getResourceAsStream("hakmem-runtime.properties")) {
                if (in == null) return "unknown";
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "unknown").strip();
                return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    /** The same allocator configured at run time. */
    public static NativeAllocator create(AllocatorConfig config) {
        if (config == null) throw new NullPointerException("config");
        return new HakmemAllocator(config);
    }
}
