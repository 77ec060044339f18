package dev.hakmem.bench.peers;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.bench.variants.GenDefault;
import dev.hakmem.bench.variants.GenNoChecks;
import dev.hakmem.bench.variants.GenSmallCaches;
import dev.hakmem.bench.variants.GenTunedRequestResponse;
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
    /**
     * Every peer the benchmarks know, in report order: hakmem and its variants, the C allocators, the
     * Java-side ways to get memory, and the bump pointer as the floor.
     */
    public static final List<String> NAMES = List.of(
            "hakmem", "hakmem-nochecks", "hakmem-gen", "hakmem-gen-nochecks", "hakmem-small", "hakmem-gen-small",
            "hakmem-gen-tuned", "hakmem-gen-tuned-rr", "hakmem-bare", "hakmem-recorded", "hakmem-wrapped", "hakmem-guard1k", "hakmem-guard100k",
            "glibc", "glibc-critical", "jemalloc", "mimalloc", "tcmalloc",
            "netty-pooled", "netty-adaptive", "netty-hakmem", "arena", "heap",
            "bump", "freelist");

    /**
     * Peers that run only when asked for by name ({@code --peers}): not allocators to compare but
     * measurements of something else. {@code hakmem-bare} is hakmem with checks and stats both off: the
     * ceiling the default configuration is measured against (what checks and stats cost, issue 13).
     * The others measure what recording a profile costs (issue 6). {@code hakmem-recorded}
     * is {@code AllocationRecorder.create}, hakmem counting the profile in its thread caches;
     * {@code hakmem-wrapped} is hakmem inside {@code AllocationRecorder.wrap}, the recorder's own
     * per-thread tallies, which work around any allocator. {@code hakmem-guard1k} and
     * {@code hakmem-guard100k} are the default allocator with guarded sampling at one block in 1,000 and
     * in 100,000 ({@code AllocatorConfig.Builder.guardSampling}): what that diagnostic costs (issue 18).
     * {@code netty-hakmem} is hakmem behind Netty's {@code ByteBuf} API ({@code hakmem-netty}'s
     * allocator), to compare with the two Netty peers on the same code path (issue 19):
     * {@code --peers netty-pooled,netty-adaptive,netty-hakmem}.
     * {@code hakmem-small} and {@code hakmem-gen-small} (small thread caches, a footprint-minded
     * configuration, generic and generated) left the default matrix when requestResponse joined it:
     * the quick job's runs are at their time floors, so only fewer runs keep it within 10 minutes.
     * When quick mode began to measure the headline peers three times (issue 17: results that hold
     * from run to run), the peers that no headline ratio or verdict needs left it too: the checks-off
     * configurations {@code hakmem-nochecks} and {@code hakmem-gen-nochecks} and the tuned variant
     * {@code hakmem-gen-tuned} and {@code hakmem-gen-tuned-rr} (what checks and tuning change: asked for by the issues that measure
     * them), {@code glibc-critical} (what the Java-to-C transition costs, never an allocator a user
     * would pick over glibc), {@code arena} (an {@code Arena} per block, slower than the heap and
     * Netty's peers on every workload of the 2026-12-02 run, so never the best Java peer), and
     * {@code bump}, the floor. The default matrix leaves them all out so the quick job stays within
     * its 10 minutes.
     */
    public static final List<String> ON_REQUEST = List.of("hakmem-nochecks", "hakmem-gen-nochecks", "hakmem-small",
            "hakmem-gen-small", "hakmem-gen-tuned", "hakmem-gen-tuned-rr", "hakmem-bare", "hakmem-recorded", "hakmem-wrapped", "hakmem-guard1k",
            "hakmem-guard100k", "glibc-critical", "netty-hakmem", "arena", "bump", "freelist");

    /** The peers a run without {@code --peers} compares: {@link #NAMES} less {@link #ON_REQUEST}, in report order. */
    public static final List<String> DEFAULT_MATRIX = NAMES.stream().filter(n -> !ON_REQUEST.contains(n)).toList();

    /**
     * The bump peer's lap for workloads that keep a block while more than 256 MiB are malloc'ed:
     * midLargeMt (see {@link #create(String, long)}).
     */
    public static final long LONG_BUMP_LAP = BumpPeer.LONG_LAP;

    /** The third column of {@link #main} for a peer whose {@link BenchAllocator#freesOnAnyThread()} is false. */
    public static final String SAME_THREAD_FREES_ONLY = "same-thread-frees-only";

    private Peers() {}

    /**
     * Creates the named peer.
     *
     * @throws PeerUnavailableException when it cannot run here (message says how to fix it)
     * @throws IllegalArgumentException for an unknown name
     */
    public static BenchAllocator create(String name) {
        return create(name, BumpPeer.DEFAULT_LAP);
    }

    /**
     * Creates the named peer without the warm-up ({@link MultiThreadWarmup}), whatever
     * {@code -Dhakmem.bench.warmup} says: for the workloads that measure memory, where a throwaway
     * instance's memory, kept by a C allocator for reuse, would count in the baseline or be reused by
     * the workload, and for the check of which peers can run here.
     *
     * @throws PeerUnavailableException when it cannot run here (message says how to fix it)
     * @throws IllegalArgumentException for an unknown name
     */
    public static BenchAllocator createUnwarmed(String name) {
        return factory(name, BumpPeer.DEFAULT_LAP).get();
    }

    /**
     * Creates the named peer; the bump peer with a ring of {@code bumpLap} bytes, which must exceed the
     * bytes all threads malloc while any one block of the workload lives (see {@link BumpPeer}). Other
     * peers ignore it. Unless {@code -Dhakmem.bench.warmup=none}, the JVM's first peer is created after
     * {@link MultiThreadWarmup} ran on a throwaway instance of it: every peer is measured in the state a
     * running program has compiled the allocator's code in, not in a fork's best case.
     *
     * @throws PeerUnavailableException when it cannot run here (message says how to fix it)
     * @throws IllegalArgumentException for an unknown name, or a lap that is not a power of two of at least 64 MiB
     */
    public static BenchAllocator create(String name, long bumpLap) {
        Supplier<BenchAllocator> factory = factory(name, bumpLap);
        if (MultiThreadWarmup.enabled()) MultiThreadWarmup.once(factory);
        return factory.get();
    }

    /** Makes instances of the named peer (see {@link #create(String, long)}). */
    private static Supplier<BenchAllocator> factory(String name, long bumpLap) {
        return switch (name) {
            case "hakmem" -> HakmemPeer::new;
            case "hakmem-nochecks" -> () -> new HakmemPeer("hakmem-nochecks", AllocatorConfig.builder().checks(false).build());
            case "hakmem-bare" -> () -> new HakmemPeer(name, AllocatorConfig.builder().checks(false).stats(false).build());
            case "glibc" -> GlibcPeer::new;
            case "mimalloc" -> MimallocPeer::new;
            case "tcmalloc" -> TcmallocPeer::new;
            // Variants generated from bench/src/main/hakmem/*.yaml, and the generic form of the one spec
            // that has no generic peer above (hakmem = default.yaml, hakmem-nochecks = nochecks.yaml).
            case "hakmem-gen" -> () -> new HakmemPeer(name, GenDefault::create);
            case "hakmem-gen-nochecks" -> () -> new HakmemPeer(name, GenNoChecks::create);
            case "hakmem-gen-small" -> () -> new HakmemPeer(name, GenSmallCaches::create);
            case "hakmem-small" -> () -> new HakmemPeer(name, GenSmallCaches.CONFIG);
            case "glibc-critical" -> GlibcCriticalPeer::new;
            case "jemalloc" -> JemallocPeer::new;
            case "netty-pooled" -> NettyPeer::pooled;
            case "netty-adaptive" -> NettyPeer::adaptive;
            case "netty-hakmem" -> NettyPeer::hakmem;
            case "arena" -> ArenaPeer::new;
            case "heap" -> HeapPeer::new;
            case "bump" -> () -> new BumpPeer(bumpLap(bumpLap));
            case "freelist" -> FreeListPeer::new;
            // Tuned by hakmem:tune from the skewed workload's recorded profile (issue 6).
            case "hakmem-gen-tuned" -> () -> new HakmemPeer(name, GenTunedSkewed::create);
            // Tuned by hakmem:tune from the requestResponse workload's recorded profile (issue 16).
            case "hakmem-gen-tuned-rr" -> () -> new HakmemPeer(name, GenTunedRequestResponse::create);
            // What recording a profile costs: counted in hakmem's thread caches, or by the recorder around it.
            case "hakmem-recorded" -> () -> new HakmemPeer(name, () -> AllocationRecorder.create("bench"));
            case "hakmem-wrapped" -> () -> new HakmemPeer(name, () -> AllocationRecorder.wrap(Hakmem.create(), "bench"));
            // What guarded sampling costs (issue 18).
            case "hakmem-guard1k" -> () -> new HakmemPeer(name, AllocatorConfig.builder().guardSampling(1_000).build());
            case "hakmem-guard100k" -> () -> new HakmemPeer(name, AllocatorConfig.builder().guardSampling(100_000).build());
            default -> throw new IllegalArgumentException("unknown peer '" + name + "'; known: " + NAMES);
        };
    }

    /** The bump peer's lap: {@code -Dhakmem.bench.bump.lapMiB} when given (the tests keep it small), else {@code requested}. */
    static long bumpLap(long requested) {
        return Long.getLong("hakmem.bench.bump.lapMiB", requested >> 20) << 20;
    }

    /** Null when the peer can be created (and closed) here, else the one-line reason it cannot. */
    public static String unavailableReason(String name) {
        try {
            createUnwarmed(name).close();
            return null;
        } catch (PeerUnavailableException e) {
            return e.getMessage();
        }
    }

    /**
     * The peer's line for {@link #main}: {@code name<TAB>available}, {@code
     * name<TAB>available<TAB>same-thread-frees-only} when it can run here but only frees blocks on
     * the thread that made them, or {@code name<TAB>unavailable<TAB>reason}. The peer is created and
     * closed to find out.
     */
    public static String status(String name) {
        try (BenchAllocator a = createUnwarmed(name)) {
            return a.freesOnAnyThread() ? name + "\tavailable" : name + "\tavailable\t" + SAME_THREAD_FREES_ONLY;
        } catch (PeerUnavailableException e) {
            return name + "\tunavailable\t" + e.getMessage();
        }
    }

    /**
     * Prints the {@link #status} line of each peer named in the arguments (comma- or space-separated;
     * {@link #DEFAULT_MATRIX} when none are given). Runners split on tabs: the second field says whether the peer
     * can run, the third why not, or that it must be left out of the workloads that free blocks on
     * another thread.
     */
    public static void main(String[] args) {
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            for (String n : arg.split(",")) {
                if (!n.isBlank()) names.add(n.strip());
            }
        }
        if (names.isEmpty()) names.addAll(DEFAULT_MATRIX);
        for (String name : names) System.out.println(status(name));
    }

    /** Lets a checked exception from {@code invokeExact} out without a {@code throws} clause. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }
}
