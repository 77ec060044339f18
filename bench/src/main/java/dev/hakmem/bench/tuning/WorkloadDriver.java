package dev.hakmem.bench.tuning;

import dev.hakmem.bench.RequestResponse;
import dev.hakmem.bench.Skewed;
import dev.hakmem.bench.peers.BenchAllocator;
import java.util.Locale;

/**
 * The workloads whose profiles the bench records and tunes variants for ({@link RecordProfile}), run
 * outside JMH: each is seeded and single-threaded, so a recording counts the same requests every time.
 */
public enum WorkloadDriver {
    /** {@code skewed}: 1000 blocks per cycle, most of them of a few Tiny sizes; {@code count} cycles. */
    SKEWED("skewed", 2000, "cycles of 1000 blocks") {
        @Override
        void drive(BenchAllocator allocator, int count) {
            Skewed w = new Skewed();
            w.peer = allocator.name();
            w.start(allocator);
            try {
                for (int i = 0; i < count; i++) w.cycle();
            } finally {
                w.tearDown();
            }
        }
    },
    /** {@code requestResponse}: buffers of 2-16 KiB and a few of 64 KiB-1 MiB; {@code count} invocations of 10,000 requests. */
    REQUEST_RESPONSE("requestResponse", 20, "invocations of 10,000 requests") {
        @Override
        void drive(BenchAllocator allocator, int count) {
            RequestResponse w = new RequestResponse();
            w.peer = allocator.name();
            w.init(allocator);
            try {
                for (int i = 0; i < count; i++) w.serve();
            } finally {
                w.tearDown(); // closes the allocator
            }
        }
    };

    private final String workload;
    private final int defaultCount;
    private final String unit;

    WorkloadDriver(String workload, int defaultCount, String unit) {
        this.workload = workload;
        this.defaultCount = defaultCount;
        this.unit = unit;
    }

    /** Runs {@code count} units of the workload on {@code allocator}, then closes it. */
    abstract void drive(BenchAllocator allocator, int count);

    /** The workload's name as the bench's report and JMH know it. */
    public String workload() {
        return workload;
    }

    /** The count a recording runs unless told otherwise. */
    public int defaultCount() {
        return defaultCount;
    }

    /** "2000 cycles of 1000 blocks": what {@code count} units are. */
    public String describe(int count) {
        return count + " " + unit;
    }

    /** The driver of {@code workload} (its name, any case), or an error naming the known ones. */
    public static WorkloadDriver of(String workload) {
        for (WorkloadDriver d : values()) {
            if (d.workload.toLowerCase(Locale.ROOT).equals(workload.toLowerCase(Locale.ROOT))) return d;
        }
        StringBuilder known = new StringBuilder();
        for (WorkloadDriver d : values()) known.append(known.isEmpty() ? "" : ", ").append(d.workload);
        throw new IllegalArgumentException("unknown workload '" + workload + "'; known: " + known);
    }
}
