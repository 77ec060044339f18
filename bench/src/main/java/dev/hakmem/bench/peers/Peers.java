package dev.hakmem.bench.peers;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.bench.variants.GenDefault;
import dev.hakmem.bench.variants.GenNoChecks;
import dev.hakmem.bench.variants.GenSmallCaches;
import dev.hakmem.bench.variants.GenTunedSkewed;
import dev.hakmem.Hakmem;
import dev.hakmem.profile.AllocationRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Creates peers by name and tells which ones this machine can run.
 *
 * <p>{@link #main} is what {@code bench/run-benchmarks.sh} calls before JMH: it prints one line per
 * peer so the script can pass only runnable peers to JMH and the report can say why the others were
 * skipped, instead of JMH failing a fork per missing library.
 */
public final class Peers {
    /** Every peer the benchmarks know, in report order. */
    public static final List<String> NAMES = List.of("hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc",
            "hakmem-gen", "hakmem-gen-nochecks", "hakmem-small", "hakmem-gen-small", "hakmem-gen-tuned", "hakmem-recorded");

    private Peers() {}

    /**
     * Creates the named peer.
     *
     * @throws PeerUnavailableException when it cannot run here (message says how to fix it)
     * @throws IllegalArgumentException for an unknown name
     */
    public static BenchAllocator create(String name) {
        Supplier<BenchAllocator> factory = switch (name) {
            case "hakmem" -> HakmemPeer::new;
            case "hakmem-nochecks" -> () -> new HakmemPeer("hakmem-nochecks", AllocatorConfig.builder().checks(false).build());
            case "glibc" -> GlibcPeer::new;
            case "mimalloc" -> MimallocPeer::new;
            case "tcmalloc" -> TcmallocPeer::new;
            // Variants generated from bench/src/main/hakmem/*.yaml, and the generic form of the one spec
            // that has no generic peer above (hakmem = default.yaml, hakmem-nochecks = nochecks.yaml).
            case "hakmem-gen" -> () -> new HakmemPeer(name, GenDefault::create);
            case "hakmem-gen-nochecks" -> () -> new HakmemPeer(name, GenNoChecks::create);
            case "hakmem-gen-small" -> () -> new HakmemPeer(name, GenSmallCaches::create);
            case "hakmem-small" -> () -> new HakmemPeer(name, GenSmallCaches.CONFIG);
            // Tuned by hakmem:tune from the skewed workload's recorded profile (issue 6).
            case "hakmem-gen-tuned" -> () -> new HakmemPeer(name, GenTunedSkewed::create);
            // The default allocator inside an AllocationRecorder: what recording a profile costs.
            case "hakmem-recorded" -> () -> new HakmemPeer(name, () -> AllocationRecorder.wrap(Hakmem.create(), "bench"));
            default -> throw new IllegalArgumentException("unknown peer '" + name + "'; known: " + NAMES);
        };
        return factory.get();
    }

    /** Null when the peer can be created (and closed) here, else the one-line reason it cannot. */
    public static String unavailableReason(String name) {
        try {
            create(name).close();
            return null;
        } catch (PeerUnavailableException e) {
            return e.getMessage();
        }
    }

    /**
     * Prints {@code name<TAB>available} or {@code name<TAB>unavailable<TAB>reason} for each peer
     * named in the arguments (comma- or space-separated; all peers when none are given).
     */
    public static void main(String[] args) {
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            for (String n : arg.split(",")) {
                if (!n.isBlank()) names.add(n.strip());
            }
        }
        if (names.isEmpty()) names.addAll(NAMES);
        for (String name : names) {
            String reason = unavailableReason(name);
            System.out.println(reason == null ? name + "\tavailable" : name + "\tunavailable\t" + reason);
        }
    }

    /** Lets a checked exception from {@code invokeExact} out without a {@code throws} clause. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }
}
