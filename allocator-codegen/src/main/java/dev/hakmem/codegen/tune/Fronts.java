package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;

/**
 * {@code frontsUpTo} from the profile: the classes that get generated fronts are a prefix of the Tiny
 * classes (the fronts are chosen by size), and fronts only win where one class is hot. Measured
 * (docs/BENCHMARKS-HISTORY.md): a generated front beats the runtime's data-driven front when one class takes
 * the calls (tinyHot, 1.05-1.18x), but with two or more classes equally warm C2 inlines neither the
 * fronts nor the variant's free, and the variant fell to 0.70x (skewed workload, fronts on the 30% and
 * 25% classes). So: when one class serves at least {@value #HOT_PERCENT}% of the Tiny mallocs and is
 * among the first {@value #MAX_CLASSES} (one dispatch method), the prefix up to it; otherwise only the
 * first class, the least a spec can have.
 *
 * @param upTo the {@code frontsUpTo} value, the size of the prefix's last class
 * @param classes how many classes get fronts
 * @param frontMallocs the Tiny requests the hot class serves (0 when none is hot)
 * @param tinyMallocs all Tiny requests
 */
record Fronts(int upTo, int classes, long frontMallocs, long tinyMallocs) {
    static final int HOT_PERCENT = 50;
    static final int MAX_CLASSES = 8;

    /** The fronts for {@code config}'s Tiny classes; the spec default when no Tiny request was recorded. */
    static Fronts choose(AllocatorConfig config, MergedProfile profile) {
        int[] tiny = config.tinyClasses();
        long total = profile.requests(0, AllocatorConfig.TINY_MAX);
        if (total == 0) {
            int upTo = AllocatorSpec.defaultFrontsUpTo(config);
            int classes = 0;
            while (classes < tiny.length && tiny[classes] <= upTo) classes++;
            return new Fronts(upTo, classes, 0, 0);
        }
        for (int i = 0; i < Math.min(MAX_CLASSES, tiny.length); i++) {
            long served = profile.requests(i == 0 ? 0 : tiny[i - 1] + 1, tiny[i]);
            if (served * 100 >= (long) HOT_PERCENT * total) return new Fronts(tiny[i], i + 1, served, total);
        }
        return new Fronts(tiny[0], 1, 0, total);
    }

    /** Whether a hot class decided the prefix. */
    boolean hot() {
        return frontMallocs > 0;
    }

    /** Share of the Tiny mallocs the hot class serves, in %. */
    double percent() {
        return tinyMallocs == 0 ? 0 : 100.0 * frontMallocs / tinyMallocs;
    }
}
