package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.profile.Profile;
import dev.hakmem.codegen.profile.Profile.ClassRecord;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Several profiles as one workload: request counts and mallocs summed; a class's {@code peakLive} and
 * {@code burst} the largest any profile saw (each profile is one run: the runs did not overlap, so
 * their peaks do not add up).
 *
 * @param profiles the profiles, in the order given
 * @param histogram request counts by size in bytes, 0 to the Mid limit ({@link AllocatorConfig#MID_MAX}); profiles record
 *     sizes up to {@link Profile#REQUEST_MAX}, so the counts above it are 0 (the Mid classes there are spread for unseen sizes)
 * @param classes the recorded classes by size
 * @param bigRequests requests above 32768 bytes
 */
record MergedProfile(List<Profile> profiles, long[] histogram, NavigableMap<Integer, ClassRecord> classes, long bigRequests) {
    static MergedProfile of(List<Profile> profiles) {
        if (profiles.isEmpty()) throw new TuneException("no profiles; expected at least one recorded profile");
        long[] histogram = new long[AllocatorConfig.MID_MAX + 1];
        NavigableMap<Integer, ClassRecord> classes = new TreeMap<>();
        long big = 0;
        for (Profile p : profiles) {
            for (Profile.Request r : p.requests()) histogram[r.size()] = Math.addExact(histogram[r.size()], r.count());
            for (ClassRecord c : p.classes()) classes.merge(c.size(), c, MergedProfile::merge);
            big = Math.addExact(big, p.bigRequests().count());
        }
        return new MergedProfile(List.copyOf(profiles), histogram, classes, big);
    }

    private static ClassRecord merge(ClassRecord a, ClassRecord b) {
        return new ClassRecord(a.size(), Math.addExact(a.mallocs(), b.mallocs()), Math.max(a.peakLive(), b.peakLive()),
                Math.max(a.burst(), b.burst()));
    }

    /** Requests of {@code from} to {@code to} bytes (inclusive). */
    long requests(int from, int to) {
        long n = 0;
        for (int s = Math.max(0, from); s <= to && s < histogram.length; s++) n += histogram[s];
        return n;
    }
}
