package dev.hakmem.codegen.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.profile.Profile.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles written by {@link ProfileWriter} read back equal, through a file too; the reader takes the
 * recorder's JSON as the issue shows it, in any JSON layout, and ignores members it does not know.
 *
 * <p>The seeds differ from run to run; a failure names its seed, and
 * {@code -Dhakmem.test.args=-Dhakmem.profile.seed=SEED} replays it.
 */
class ProfileRoundTripTest {
    private static final int RANDOM_PROFILES = 200;

    /** The example of the issue and the package javadoc, as the recorder writes it. */
    static final String EXAMPLE = """
            {
              "format": "hakmem-profile",
              "version": 1,
              "label": "free text the user gave when recording",
              "recordedBy": "hakmem-runtime 0.1.0-SNAPSHOT",
              "durationMillis": 1234,
              "mallocs": 100000,
              "frees": 99000,
              "requests": [[24, 50000], [40, 30000], [1040, 7]],
              "bigRequests": {"count": 12, "bytes": 12345678},
              "classes": [{"size": 32, "mallocs": 50000, "peakLive": 812, "burst": 100}],
              "lifetimes": {"sampled": 1000, "log2NanosHistogram": [0, 0, 3, 5]},
              "remoteFrees": {"sampled": 1000, "remote": 12}
            }
            """;

    @Test
    void theIssuesExampleReads() {
        Profile p = ProfileReader.read(EXAMPLE, "example.json");
        assertEquals("example.json", p.source());
        assertEquals("free text the user gave when recording", p.label());
        assertEquals(100_000, p.mallocs());
        assertEquals(List.of(new Request(24, 50_000), new Request(40, 30_000), new Request(1040, 7)), p.requests());
        assertEquals(new Profile.ClassRecord(32, 50_000, 812, 100), p.classes().getFirst());
        assertEquals(List.of(0L, 0L, 3L, 5L), p.lifetimes().log2NanosHistogram());
        assertEquals(12, p.remoteFrees().remote());
        assertEquals(p, ProfileReader.read(ProfileWriter.write(p), "example.json"));
    }

    @Test
    void aHandMadeProfileRoundTrips() {
        Profile p = Profiles.clustered("clustered.json");
        String json = ProfileWriter.write(p);
        assertEquals(p, ProfileReader.read(json, "clustered.json"), json);
        assertEquals(json, ProfileWriter.write(ProfileReader.read(json, "clustered.json")), "the output depends only on the profile");
    }

    @Test
    void randomProfilesRoundTrip() {
        long base = Long.getLong("hakmem.profile.seed", new Random().nextLong());
        for (int i = 0; i < RANDOM_PROFILES; i++) {
            long seed = base + i;
            Profile p = Profiles.random(new Random(seed), "random.json");
            String json = ProfileWriter.write(p);
            assertEquals(p, ProfileReader.read(json, "random.json"), () -> "seed " + seed + ":\n" + json);
        }
    }

    @Test
    void throughAFile(@TempDir Path dir) throws IOException {
        Profile p = Profiles.random(new Random(42), "ignored");
        Path file = dir.resolve("p.json");
        Files.writeString(file, ProfileWriter.write(p), StandardCharsets.UTF_8);
        Profile read = ProfileReader.read(file);
        assertEquals(file.toString(), read.source());
        assertEquals(p, ProfileReader.read(file, "ignored"));
    }

    @Test
    void compactJsonWithoutOptionalMembersAndWithUnknownOnesReads() {
        String json = "{\"version\":1,\"format\":\"hakmem-profile\",\"label\":\"\",\"recordedBy\":\"r\",\"durationMillis\":0,"
                + "\"mallocs\":1,\"frees\":0,\"requests\":[[0,1]],\"bigRequests\":{\"count\":0,\"bytes\":0,\"largest\":0},"
                + "\"classes\":[],\"threads\":{\"peak\":4},\"future\":[1,2,{\"x\":null}]}";
        Profile p = ProfileReader.read(json, "compact.json");
        assertNull(p.lifetimes());
        assertNull(p.remoteFrees());
        assertEquals(List.of(new Request(0, 1)), p.requests());
        assertEquals(p, ProfileReader.read(ProfileWriter.write(p), "compact.json"));
    }

    @Test
    void tabsAndEscapesAsJsonWritersUseThem() {
        String json = "{\n\t\"format\": \"hakmem-profile\",\n\t\"version\": 1,\n\t\"label\": \"a\\u00e9\\uD83D\\uDE00\\/\\b\\f\\\"\",\n"
                + "\t\"recordedBy\": \"r\", \"durationMillis\": 5, \"mallocs\": 3, \"frees\": 3,\n"
                + "\t\"requests\": [\n\t\t[16, 3]\n\t],\n\t\"bigRequests\": {\"count\": 0, \"bytes\": 0},\n\t\"classes\": []\n}\n";
        assertEquals("a\u00e9\uD83D\uDE00/\b\f\"", ProfileReader.read(json, "tabs.json").label());
    }

    @Test
    void theConstructorHoldsTheReadersRules() {
        Profile p = Profiles.clustered("x.json");
        assertThrows(IllegalArgumentException.class, () -> new Profile("x", "", "", 0, 0, 0, List.of(), p.bigRequests(), List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> new Profile("x", "", "", 0, 1, 0,
                List.of(new Request(40, 1), new Request(24, 1)), p.bigRequests(), List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> new Profile("x", "", "", 0, 1, 0,
                List.of(new Request(1030, 1)), p.bigRequests(), List.of(), null, null));
        assertTrue(Profile.isRequestSize(1040) && Profile.isRequestSize(1023) && !Profile.isRequestSize(32784));
    }
}
