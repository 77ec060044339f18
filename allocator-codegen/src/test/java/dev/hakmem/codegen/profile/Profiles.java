package dev.hakmem.codegen.profile;

import dev.hakmem.codegen.profile.Profile.BigRequests;
import dev.hakmem.codegen.profile.Profile.ClassRecord;
import dev.hakmem.codegen.profile.Profile.Lifetimes;
import dev.hakmem.codegen.profile.Profile.RemoteFrees;
import dev.hakmem.codegen.profile.Profile.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Profiles for tests: hand-made and random (valid by construction). */
public final class Profiles {
    private Profiles() {}

    /**
     * A profile of a workload whose requests cluster at 24, 40, 72, 136, 264 and 520 bytes (plus a few
     * Mid and big ones), recorded with the default classes.
     */
    public static Profile clustered(String source) {
        return new Profile(source, "clustered test workload", "hakmem-runtime 0.1.0-SNAPSHOT", 1234, 100_007, 99_000,
                List.of(new Request(24, 50_000), new Request(40, 30_000), new Request(72, 9_000), new Request(136, 5_000),
                        new Request(264, 4_000), new Request(520, 2_000), new Request(3008, 7)),
                new BigRequests(12, 12_345_678),
                List.of(new ClassRecord(32, 50_000, 812, 100), new ClassRecord(48, 30_000, 300, 300),
                        new ClassRecord(80, 9_000, 90, 5), new ClassRecord(144, 5_000, 40, 2000),
                        new ClassRecord(320, 4_000, 3, 3), new ClassRecord(640, 2_000, 1, 1), new ClassRecord(3072, 7, 7, 7)),
                new Lifetimes(1000, List.of(0L, 0L, 3L, 5L)), new RemoteFrees(1000, 12));
    }

    /** A random valid profile. */
    public static Profile random(Random r, String source) {
        List<Request> requests = new ArrayList<>();
        long mallocs = 0;
        for (int s = 0; s <= Profile.REQUEST_MAX; s += s < Profile.EXACT_MAX ? 1 + r.nextInt(40) : Profile.ROUNDING * (1 + r.nextInt(300))) {
            if (!Profile.isRequestSize(s)) continue;
            long count = r.nextInt(3) == 0 ? 1 + (r.nextLong() >>> 20) : 1 + r.nextInt(1000);
            requests.add(new Request(s, count));
            mallocs += count;
        }
        List<ClassRecord> classes = new ArrayList<>();
        for (int size = 16; size <= Profile.REQUEST_MAX; size += 16 * (1 + r.nextInt(64))) {
            classes.add(new ClassRecord(size, r.nextInt(100_000), r.nextInt(5000), r.nextInt(5000)));
        }
        long big = r.nextInt(100);
        List<Long> lifetimes = new ArrayList<>();
        for (int i = r.nextInt(40); i > 0; i--) lifetimes.add((long) r.nextInt(1000));
        return new Profile(source, randomLabel(r), "hakmem-runtime " + r.nextInt(10) + ".1.0", r.nextInt(1_000_000),
                mallocs + big, r.nextLong() >>> 1, requests, new BigRequests(big, big * 40_000),
                classes, r.nextBoolean() ? new Lifetimes(r.nextInt(10_000), lifetimes) : null,
                r.nextBoolean() ? new RemoteFrees(1000, r.nextInt(1000)) : null);
    }

    private static String randomLabel(Random r) {
        String alphabet = "abc XYZ 019 \"\\/\n\t\r\u0001\u001f\u007f\u0085\u00e9\u2028\ufeff\u4e2d: {}[],#&*!|>'%@`";
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(30); i > 0; i--) {
            if (r.nextInt(10) == 0) s.appendCodePoint(0x1F600 + r.nextInt(40)); // beyond the BMP: a surrogate pair
            else s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
