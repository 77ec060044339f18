package dev.hakmem.bench.tuning;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.bench.peers.HakmemPeer;
import dev.hakmem.profile.AllocationRecorder;
import java.nio.file.Path;

/**
 * Step one of the tuning loop for the bench's own proof (issue 6): runs the {@code skewed} workload
 * through an {@link AllocationRecorder} around the default allocator and writes the profile.
 *
 * <p>Usage: {@code RecordProfile <out.json> [cycles]} (default 2000 cycles of 1000 blocks). The
 * committed {@code bench/src/main/hakmem/profiles/skewed.json} was made with
 * {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.hakmem.bench.tuning.RecordProfile bench/src/main/hakmem/profiles/skewed.json}; the workload is
 * single-threaded and seeded, so every count in it comes out the same on every run (only the
 * duration and the sampled lifetimes vary).
 */
public final class RecordProfile {
    private RecordProfile() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: RecordProfile <out.json> [cycles]");
            System.exit(64);
        }
        Path out = Path.of(args[0]);
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        // The profile counted in hakmem's thread caches (AllocationRecorder.create), written at close.
        AllocatorConfig counting = AllocatorConfig.builder().profile(true).build();
        SkewedDriver.run(new HakmemPeer("hakmem-recorded",
                () -> AllocationRecorder.wrap(Hakmem.create(counting), "skewed workload, " + cycles + " cycles of 1000 blocks", out)), cycles);
        System.out.println("RecordProfile: wrote " + out.toAbsolutePath());
    }
}
