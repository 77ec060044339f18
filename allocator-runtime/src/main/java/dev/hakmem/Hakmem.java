package dev.hakmem;

import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.guard.GuardSampling;
import dev.hakmem.internal.diag.AllocatorMXBean;
import dev.hakmem.internal.diag.SamplingAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Entry point: creates allocators. */
public final class Hakmem {
    private Hakmem() {}

    /**
     * The default allocator, configured as {@link AllocatorConfig#defaults()}: checks and stats on,
     * 64 GiB of address space reserved (not committed), no memory limit.
     *
     * @return a new, open allocator; close it to give its memory back to the OS
     * @throws OutOfMemoryError if the OS refuses to reserve the address space
     */
    public static NativeAllocator create() {
        return new HakmemAllocator(AllocatorConfig.defaults());
    }

    /**
     * The version of this hakmem-runtime (the artifact's version, such as {@code 0.1.0}). Generated
     * variants record the version they were generated for and refuse to initialise against another
     * one.
     *
     * @return the version, or "unknown" only when the runtime's classes were built without its
     *     resources (not by its own build)
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

    /**
     * An allocator with the given settings, the run-time counterpart of a generated variant of the
     * same spec.
     *
     * @param config every setting (see {@link AllocatorConfig}; it was validated when it was built)
     * @return a new, open allocator; close it to give its memory back to the OS
     * @throws NullPointerException if {@code config} is null
     * @throws OutOfMemoryError if the OS refuses to reserve {@link AllocatorConfig#addressSpace()} (or,
     *     with {@link AllocatorConfig#guardSampling()} on, the guarded blocks' 68 MiB of address space)
     */
    public static NativeAllocator create(AllocatorConfig config) {
        if (config == null) throw new NullPointerException("config");
        NativeAllocator allocator = SamplingAllocator.wrapIfSampling(new HakmemAllocator(config));
        if (config.guardSampling() == 0) return allocator;
        try {
            return new GuardSampling(allocator, config.guardSampling());
        } catch (RuntimeException | Error e) {
            allocator.close();
            throw e;
        }
    }

    /**
     * Registers a read-only {@link HakmemMXBean} for {@code allocator} with the platform MBean server,
     * as {@code dev.hakmem:type=Allocator,name=<name>} (the name quoted if it holds characters an
     * ObjectName value cannot). Nothing is counted for it: each attribute read takes a
     * {@link NativeAllocator#stats()} snapshot. After the allocator's close it reports the figures at
     * close; it stays registered, holding the allocator, until the registration is closed.
     *
     * @param allocator any allocator (its {@code stats()} and {@code dump()} are what the bean shows)
     * @param name tells allocators apart in the MBean's name, for example the service that uses it
     * @return the registration; close it to unregister
     * @throws NullPointerException if {@code allocator} or {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if an MBean of that name is registered already
     */
    public static HakmemMXBean.Registration registerMBean(NativeAllocator allocator, String name) {
        return AllocatorMXBean.register(allocator, name);
    }
}
