package dev.hakmem.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder counts, exactly, for known sequences of calls. */
class AllocationRecorderTest {

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void countsRequestsClassesPeaksAndBursts(RecorderMode mode) {
        try (AllocationRecorder r = mode.open("known sequence")) {
            // Burst of 5 blocks of 24 bytes (class 32), free 2, burst of 3 more: peak live 6, longest run 5.
            List<Long> small = new ArrayList<>();
            for (int i = 0; i < 5; i++) small.add(r.malloc(24));
            r.free(small.removeLast());
            r.free(small.removeLast());
            for (int i = 0; i < 3; i++) small.add(r.malloc(30));
            long mid = r.malloc(1100);        // request bucket 1104, class 1280
            long big = r.malloc(100_000);     // Large: only counted as a big request
            long zeroed = r.calloc(4, 10);    // a request of 40 bytes, class 48
            for (long p : small) r.free(p);
            r.free(mid);
            r.free(big);
            r.free(zeroed);
            r.free(0);                        // a no-op, not counted

            Profile p = r.profile();
            assertEquals("known sequence", p.label());
            assertEquals(11, p.mallocs());
            assertEquals(11, p.frees());
            assertEquals(List.of(new Profile.Request(24, 5), new Profile.Request(30, 3), new Profile.Request(40, 1),
                    new Profile.Request(1104, 1)), p.requests());
            assertEquals(1, p.bigRequests());
            assertEquals(100_000, p.bigRequestBytes());
            assertEquals(List.of(new Profile.ClassUse(32, 8, 6, 5), new Profile.ClassUse(48, 1, 1, 1),
                    new Profile.ClassUse(1280, 1, 1, 1)), p.classes());
        }
    }

    /**
     * Mid blocks above the profile's histogram (32 KiB < size <= 64 KiB): counted as big requests, in
     * every mode, through the cache, without it (a virtual thread) and through an in-place realloc; and
     * no class above 32 KiB in the profile's classes.
     */
    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void midBlocksAboveTheHistogramAreCountedAsBigRequests(RecorderMode mode) throws InterruptedException {
        try (AllocationRecorder r = mode.open("above the histogram")) {
            long p = r.malloc(40_000);                 // Mid class 40960
            long q = r.realloc(p, 40_500);             // same class: in place
            assertEquals(p, q);
            long[] onVirtual = new long[1];
            Thread.ofVirtual().start(() -> onVirtual[0] = r.malloc(50_000)).join();
            long small = r.malloc(100);
            r.free(q);
            r.free(onVirtual[0]);
            r.free(small);

            Profile profile = r.profile();
            assertEquals(4, profile.mallocs());
            assertEquals(4, profile.frees());
            assertEquals(3, profile.bigRequests());
            assertEquals(40_000 + 40_500 + 50_000, profile.bigRequestBytes());
            assertEquals(List.of(new Profile.Request(100, 1)), profile.requests());
            assertEquals(List.of(new Profile.ClassUse(112, 1, 1, 1)), profile.classes());
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void reallocIsAFreeAndAnAllocation(RecorderMode mode) {
        try (AllocationRecorder r = mode.open("realloc")) {
            long p = r.realloc(0, 16);
            p = r.realloc(p, 200);
            r.free(p);
            Profile profile = r.profile();
            assertEquals(2, profile.mallocs());
            assertEquals(2, profile.frees());
            assertEquals(List.of(new Profile.Request(16, 1), new Profile.Request(200, 1)), profile.requests());
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void aBadFreeThrowsTheAllocatorsOwnErrorAndIsNotCounted(RecorderMode mode) {
        try (NativeAllocator plain = Hakmem.create(); AllocationRecorder r = mode.open("misuse")) {
            long p = r.malloc(64);
            r.free(p);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.free(p));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.free(0x1234_5670L));
            assertEquals(1, r.profile().frees());
            assertEquals(0, r.profile().classes().getFirst().peakLive() - 1, "the one block was live once");
            long q = plain.malloc(64);
            assertThrows(IllegalArgumentException.class, () -> r.free(q), "a block of another allocator");
            plain.free(q);
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void samplesLifetimesAndRemoteFrees(RecorderMode mode) throws InterruptedException {
        try (AllocationRecorder r = mode.open("remote")) {
            int n = 20_000;
            long[] blocks = new long[n];
            for (int i = 0; i < n; i++) blocks[i] = r.malloc(48);
            Thread other = Thread.ofPlatform().start(() -> {
                for (long b : blocks) r.free(b);
            });
            other.join();
            Profile p = r.profile();
            // About 1 block in 64 is sampled (20,000 / 64 = 312); all of them were freed by another thread.
            assertTrue(p.lifetimeSamples() > 150 && p.lifetimeSamples() < 600, "sampled " + p.lifetimeSamples());
            assertEquals(p.lifetimeSamples(), p.remoteFrees());
            assertEquals(p.lifetimeSamples(), java.util.Arrays.stream(p.lifetimeLog2Nanos()).sum());
            assertEquals(n, p.classes().getFirst().burst(), "one thread took every block before any came back");
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void writesTheProfileAtCloseAndOnDemand(RecorderMode mode, @TempDir Path dir) throws Exception {
        Path atClose = dir.resolve("close.json"), onDemand = dir.resolve("demand.json");
        AllocationRecorder r = mode.open("a \"quoted\"\nlabel", atClose);
        r.free(r.malloc(100));
        r.writeProfile(onDemand);
        r.free(r.malloc(100));
        r.close();
        String first = Files.readString(onDemand), last = Files.readString(atClose);
        assertTrue(first.contains("\"mallocs\": 1,"), first);
        assertTrue(last.contains("\"mallocs\": 2,"), last);
        assertTrue(last.startsWith("{\n  \"format\": \"hakmem-profile\",\n  \"version\": 1,\n  \"label\": \"a \\\"quoted\\\"\\nlabel\",\n"), last);
        assertTrue(last.contains("\"requests\": [\n    [100, 2]\n  ],"), last);
        assertTrue(last.contains("\"classes\": [\n    {\"size\": 112, \"mallocs\": 2, \"peakLive\": 1, \"burst\": 1}\n  ],"), last);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    /** The README's example writes to src/main/hakmem/profiles/, which a fresh project does not have. */
    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void createsTheMissingDirectoriesOfTheProfileFile(RecorderMode mode, @TempDir Path dir) throws Exception {
        Path atClose = dir.resolve("src/main/hakmem/profiles/orders.json");
        Path onDemand = dir.resolve("elsewhere/later/demand.json");
        AllocationRecorder r = mode.open("fresh project", atClose);
        assertTrue(Files.isDirectory(atClose.getParent()), "created when the recorder is made");
        r.free(r.malloc(100));
        r.writeProfile(onDemand);
        r.close();
        assertTrue(Files.readString(atClose).contains("\"mallocs\": 1,"));
        assertTrue(Files.readString(onDemand).contains("\"mallocs\": 1,"));
        try (var files = Files.list(atClose.getParent())) {
            assertEquals(List.of(atClose), files.toList(), "no temporary file left behind");
        }

        Path created = dir.resolve("by/create/profile.json");
        try (AllocationRecorder c = AllocationRecorder.create("create", created)) {
            c.free(c.malloc(16));
        }
        assertTrue(Files.readString(created).contains("\"mallocs\": 1,"));
    }

    /** A path the profile cannot be written to fails when the recorder is made, naming the path, not at close. */
    @Test
    void refusesAnUnwritableProfilePathAtConstruction(@TempDir Path dir) throws Exception {
        Path aFile = Files.writeString(dir.resolve("notes.txt"), "a file, not a directory");
        Path underAFile = aFile.resolve("profiles/orders.json");
        try (NativeAllocator delegate = Hakmem.create()) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> AllocationRecorder.wrap(delegate, "bad", underAFile));
            assertTrue(e.getMessage().contains(underAFile.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(aFile + "/profiles: Not a directory"), e.getMessage());
            delegate.free(delegate.malloc(64)); // the caller's allocator is left open and usable

            UncheckedIOException d = assertThrows(UncheckedIOException.class, () -> AllocationRecorder.wrap(delegate, "bad", dir));
            assertTrue(d.getMessage().contains(dir + " is a directory"), d.getMessage());
        }
        UncheckedIOException c = assertThrows(UncheckedIOException.class, () -> AllocationRecorder.create("bad", underAFile));
        assertTrue(c.getMessage().contains(underAFile.toString()), c.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(aFile), files.toList(), "nothing created, no temporary file left behind");
        }
    }

    /** Without write permission (only testable as a user the file system's permissions bind, not as root). */
    @Test
    void refusesADirectoryWithoutWritePermissionAtConstruction(@TempDir Path dir) throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "permissions do not bind this user (root)");
            Path target = readOnly.resolve("orders.json");
            try (NativeAllocator delegate = Hakmem.create()) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AllocationRecorder.wrap(delegate, "ro", target));
                assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("permission denied"), e.getMessage());
            }
            assertFalse(Files.exists(target));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @ParameterizedTest
    @EnumSource(RecorderMode.class)
    void theProfileCanStillBeReadAfterClose(RecorderMode mode) throws Exception {
        AllocationRecorder r = mode.open("after close");
        r.malloc(40); // still live at close
        Thread t = Thread.ofPlatform().start(() -> r.free(r.malloc(100)));
        t.join(); // an ended thread whose counts are not folded yet
        r.close();
        Profile after = r.profile();
        assertEquals(2, after.mallocs());
        assertEquals(1, after.frees());
        assertEquals(List.of(new Profile.Request(40, 1), new Profile.Request(100, 1)), after.requests());
        assertEquals(after.requests(), r.profile().requests(), "and again");
    }

    @Test
    void bucketsRoundTrip() {
        for (int size = 0; size <= Profile.MAX_SMALL; size++) {
            int b = Recording.requestBucket(size);
            int top = Recording.requestSize(b);
            assertTrue(top >= size && (size <= 1024 ? top == size : top - size < 16 && top % 16 == 0), "size " + size);
        }
        assertEquals(Recording.REQUEST_BUCKETS - 1, Recording.requestBucket(Profile.MAX_SMALL));
        for (int usable = 16; usable <= Profile.MAX_SMALL; usable += 16) {
            int top = Recording.classSize(Recording.classBucket(usable));
            assertTrue(top >= usable && top - usable < (usable <= 1024 ? 16 : 256), "usable " + usable);
        }
        assertEquals(Recording.CLASS_BUCKETS - 1, Recording.classBucket(Profile.MAX_SMALL));
    }
}
