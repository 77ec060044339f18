package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.CodegenInfo;
import dev.hakmem.codegen.profile.Profile;
import dev.hakmem.codegen.profile.ProfileWriter;
import dev.hakmem.codegen.tune.ClassSelection.Choice;
import dev.hakmem.codegen.tune.ClassSelection.Grid;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns allocation profiles into an allocator spec: size classes that minimise the recorded requests'
 * internal fragmentation, thread caches sized by the recorded bursts, generated fronts for the hot
 * small classes, everything else from a base spec or the runtime's defaults. How each is chosen, and
 * why, is in the package javadoc. A plain function of its inputs: the same profiles and settings give
 * the same spec text.
 */
public final class Tuner {
    private Tuner() {}

    /**
     * {@link #tune(List, TuneSettings, AllocatorSpec)} without a base spec: the runtime's defaults for the rest.
     *
     * @param profiles the recorded profiles, merged
     * @param settings the variant's name and how many classes at most
     * @return the tuned spec, its header and what it gains
     * @throws TuneException if there are no profiles or none recorded a request of at most 32768 bytes
     */
    public static TunedSpec tune(List<Profile> profiles, TuneSettings settings) {
        return tune(profiles, settings, null);
    }

    /**
     * The tuned spec of the merged {@code profiles}.
     *
     * @param profiles the recorded profiles, merged (counts summed, bursts and peaks the largest)
     * @param settings the variant's name and how many classes at most
     * @param base where checks, stats, memory limit, address space and Large/Huge retention come from,
     *     and the cache of a class the profiles say nothing about when the base has a class of that size;
     *     null for the runtime's defaults
     * @return the tuned spec, its header and what it gains
     * @throws TuneException if there are no profiles or none recorded a request of at most 32768 bytes
     */
    public static TunedSpec tune(List<Profile> profiles, TuneSettings settings, AllocatorSpec base) {
        MergedProfile merged = MergedProfile.of(profiles);
        if (merged.requests(0, Profile.REQUEST_MAX) == 0) {
            throw new TuneException("the profiles recorded no request of at most " + Profile.REQUEST_MAX + " bytes ("
                    + merged.bigRequests() + " larger ones), so there are no Tiny or Mid classes to tune; expected profiles"
                    + " of a workload that makes such requests");
        }
        Choice tiny = new ClassSelection(Grid.TINY, merged.histogram()).choose(settings.tinyClasses());
        Choice mid = new ClassSelection(Grid.MID, merged.histogram()).choose(settings.midClasses());
        AllocatorConfig baseConfig = base == null ? AllocatorConfig.defaults() : base.config();
        Caches caches = caches(merged, tiny.sizes(), mid.sizes(), base == null ? null : baseConfig);
        AllocatorConfig config = caches.builder()
                .checks(baseConfig.checks()).stats(baseConfig.stats()).memoryLimit(baseConfig.memoryLimit())
                .addressSpace(baseConfig.addressSpace()).largeRetainedBytes(baseConfig.largeRetainedBytes())
                .hugeRetainedBytes(baseConfig.hugeRetainedBytes()).build();
        String source = "tuned from " + profiles.stream().map(Profile::source).collect(Collectors.joining(", "));
        AllocatorSpec spec = new AllocatorSpec(settings.className(), config, source, AllocatorSpec.defaultFrontsUpTo(config));

        Fragmentation byDefault = Fragmentation.of(AllocatorConfig.defaults(), merged.histogram());
        Fragmentation byBase = base == null ? null : Fragmentation.of(baseConfig, merged.histogram());
        Fragmentation tuned = Fragmentation.of(config, merged.histogram());
        List<String> notes = notes(settings, merged, mid);
        List<String> header = header(merged, settings, base, tiny, mid, byDefault, byBase, tuned, caches.fromProfile(), notes);
        return new TunedSpec(spec, header, byDefault, byBase, tuned, notes);
    }

    /** The builder with the classes and every class's cache set, and how many caches came from the profiles. */
    private record Caches(AllocatorConfig.Builder builder, int fromProfile) {}

    private static Caches caches(MergedProfile merged, int[] tiny, int[] mid, AllocatorConfig base) {
        AllocatorConfig runtime = AllocatorConfig.builder().tinyClasses(tiny).midClasses(mid).build();
        AllocatorConfig.Builder b = AllocatorConfig.builder().tinyClasses(tiny).midClasses(mid);
        int fromProfile = 0;
        int previous = 0;
        for (int i = 0; i < runtime.classCount(); i++) {
            int size = runtime.classSize(i);
            long demand = CacheSizing.demand(merged, previous, size);
            int baseIndex = base == null ? -1 : indexOf(base, size);
            if (demand > 0) {
                int capacity = CacheSizing.capacity(demand, i < tiny.length);
                b.classCache(size, capacity, CacheSizing.batch(capacity));
                fromProfile++;
            } else if (baseIndex >= 0) {
                b.classCache(size, base.cacheCapacity(baseIndex), base.batchSize(baseIndex));
            } else {
                b.classCache(size, runtime.cacheCapacity(i), runtime.batchSize(i));
            }
            previous = size;
        }
        return new Caches(b, fromProfile);
    }

    private static int indexOf(AllocatorConfig config, int size) {
        for (int i = 0; i < config.classCount(); i++) if (config.classSize(i) == size) return i;
        return -1;
    }

    private static List<String> notes(TuneSettings settings, MergedProfile merged, Choice mid) {
        List<String> notes = new ArrayList<>();
        if (mid.widened()) {
            notes.add("Mid: " + settings.midClasses() + " classes asked, but no fewer than " + mid.sizes().length
                    + " keep every Mid class within 25% waste; " + mid.sizes().length + " used.");
        }
        if (merged.requests(0, AllocatorConfig.TINY_MAX) == 0) {
            notes.add("Tiny: the profiles recorded no request of up to " + AllocatorConfig.TINY_MAX
                    + " bytes; the Tiny classes are only spread for unseen sizes.");
        }
        if (merged.requests(AllocatorConfig.TINY_MAX + 1, Profile.REQUEST_MAX) == 0) {
            notes.add("Mid: the profiles recorded no request of " + (AllocatorConfig.TINY_MAX + 1) + " to " + Profile.REQUEST_MAX
                    + " bytes; the Mid classes are only spread for unseen sizes.");
        }
        return notes;
    }

    private static List<String> header(MergedProfile merged, TuneSettings settings, AllocatorSpec base, Choice tiny, Choice mid,
                                       Fragmentation byDefault, Fragmentation byBase, Fragmentation tuned, int fromProfile,
                                       List<String> notes) {
        List<String> h = new ArrayList<>();
        int n = merged.profiles().size();
        h.add("Tuned by " + CodegenInfo.GENERATOR + " from " + n + " allocation profile" + (n == 1 ? "" : "s")
                + (n == 1 ? ":" : " (merged: counts summed; peakLive and burst: the largest):"));
        for (Profile p : merged.profiles()) {
            h.add("  " + p.source() + ": " + ProfileWriter.jsonString(p.label()) + ", " + p.mallocs() + " mallocs, " + p.frees()
                    + " frees, " + p.durationMillis() + " ms, recorded by " + ProfileWriter.jsonString(p.recordedBy()));
        }
        h.add("Settings: tinyClasses " + settings.tinyClasses() + ", midClasses " + settings.midClasses() + "; base spec: "
                + (base == null ? "none (checks, stats, limits and retention: the runtime's defaults)" : base.source()));
        h.add("Classes: the fewest bytes lost rounding the recorded requests up to their class, exactly (dynamic programming),");
        h.add("  spare classes spread for unseen sizes. Internal fragmentation of the recorded requests of up to "
                + Profile.REQUEST_MAX + " bytes,");
        h.add("  in % of requested bytes: runtime default classes " + byDefault.describe()
                + (byBase == null ? "" : ", base spec " + byBase.describe()) + ", tuned " + tuned.describe() + ".");
        h.add("  Tiny " + tiny.sizes().length + " classes, Mid " + mid.sizes().length + " classes.");
        h.add("Caches: capacity = the recorded burst (at most peakLive) rounded up to a power of two, Tiny "
                + CacheSizing.TINY_MIN_CAPACITY + ".." + CacheSizing.TINY_MAX_CAPACITY + ", Mid " + CacheSizing.MID_MIN_CAPACITY
                + ".." + CacheSizing.MID_MAX_CAPACITY + ";");
        h.add("  batch = capacity / " + CacheSizing.CAPACITY_PER_BATCH + "; " + fromProfile + " of " + (tiny.sizes().length + mid.sizes().length)
                + " classes from the profiles, the others " + (base == null ? "the runtime's default." : "the base spec's or the runtime's default."));
        h.add("frontsUpTo " + AllocatorSpec.DEFAULT_FRONTS_UP_TO
                + ": every Tiny class runs through the generated front (one method indexed by the class: a class more costs nothing).");
        for (String note : notes) h.add("Note: " + note);
        h.add("Regenerate with the tuner rather than editing by hand; the method: dev.hakmem.codegen.tune's package javadoc.");
        return h;
    }
}
