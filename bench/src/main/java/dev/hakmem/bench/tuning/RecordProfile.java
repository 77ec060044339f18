package dev.hakmem.bench.tuning;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.bench.peers.HakmemPeer;
import dev.hakmem.profile.AllocationRecorder;
import java.nio.file.Path;

/**
 * Step one of the tuning loop for the bench's own proof (issues 6 and 16): runs a workload through an
 * {@link AllocationRecorder} around the default allocator and writes the profile.
 *
 * <p>Usage: {@code RecordProfile <workload> <out.json> [count]}, the workload one of
 * {@link WorkloadDriver}'s ({@code skewed}: count cycles of 1000 blocks, 2000 by default;
 * {@code requestResponse}: count invocations of 10,000 requests, 20 by default). The committed
 * profiles were made with
 * {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.hakmem.bench.tuning.RecordProfile skewed bench/src/main/hakmem/profiles/skewed.json} and the same
 * with {@code requestResponse bench/src/main/hakmem/profiles/request-response.json}; the workloads are
 * single-threaded and seeded, so every count in them comes out the same on every run (only the
 * duration and the sampled lifetimes vary).
 */
public final class RecordProfile {
    private RecordProfile() {}

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: RecordProfile <workload> <out.json> [count]");
            System.exit(64);
        }
        WorkloadDriver driver = WorkloadDriver.of(args[0]);
        Path out = Path.of(args[1]);
        int count = args.length > 2 ? Integer.parseInt(args[2]) : driver.defaultCount();
        // The profile counted in hakmem's thread caches (AllocationRecorder.create), written at close.
        AllocatorConfig counting = AllocatorConfig.builder().profile(true).build();
        String source = driver.workload() + " workload, " + driver.describe(count);
        driver.drive(new HakmemPeer("hakmem-recorded", () -> AllocationRecorder.wrap(Hakmem.create(counting), source, out)), count);
        System.out.println("RecordProfile: wrote " + out.toAbsolutePath());
    }
}
