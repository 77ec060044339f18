package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;

/**
 * {@code frontsUpTo} from the profile: the classes that get generated fronts are a prefix of the Tiny
 * classes (the fronts are chosen by size), and fronts only win where a few classes are hot. So: the
 * shortest prefix holding at least {@value #SHARE_PERCENT}% of the Tiny mallocs, but at most
 * {@value #MAX_CLASSES} classes, which the generator dispatches in one method (its
 * {@code DISPATCH_GROUP}: a switch of 8 calls that C2 still inlines; past that, a second level of
 * dispatch costs what the fronts save).
 *
 * @param upTo the {@code frontsUpTo} value, the size of the prefix's last class
 * @param classes how many classes get fronts
 * @param frontMallocs the Tiny requests those classes serve
 * @param tinyMallocs all Tiny requests
 */
record Fronts(int upTo, int classes, long frontMallocs, long tinyMallocs) {
    static final int SHARE_PERCENT = 80;
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
        long covered = 0;
        int i = 0;
        while (true) {
            covered += profile.requests(i == 0 ? 0 : tiny[i - 1] + 1, tiny[i]);
            if ((double) covered / total >= SHARE_PERCENT / 100.0 || i + 1 == MAX_CLASSES || i + 1 == tiny.length) break;
            i++;
        }
        return new Fronts(tiny[i], i + 1, covered, total);
    }

    /** Share of the Tiny mallocs the fronts serve, in %. */
    double percent() {
        return tinyMallocs == 0 ? 0 : 100.0 * frontMallocs / tinyMallocs;
    }
}
