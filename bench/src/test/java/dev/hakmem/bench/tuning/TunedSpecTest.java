package dev.hakmem.bench.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.profile.Profile;
import dev.hakmem.codegen.profile.ProfileReader;
import dev.hakmem.codegen.tune.TuneSettings;
import dev.hakmem.codegen.tune.Tuner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bench's tuning loop stays reproducible for each recorded workload: the committed tuned spec is
 * exactly what the tuner makes of the committed profile, and recording the workload again gives the
 * same counts.
 */
class TunedSpecTest {
    /** A recorded workload's committed profile, its tuned spec, and the variant the spec names. */
    enum Tuned {
        SKEWED(WorkloadDriver.SKEWED, "skewed.json", "tuned-skewed.yaml", "GenTunedSkewed"),
        REQUEST_RESPONSE(WorkloadDriver.REQUEST_RESPONSE, "request-response.json", "tuned-request-response.yaml", "GenTunedRequestResponse");

        final WorkloadDriver driver;
        final String profile, spec, variant;

        Tuned(WorkloadDriver driver, String profile, String spec, String variant) {
            this.driver = driver;
            this.profile = "src/main/hakmem/profiles/" + profile;
            this.spec = "src/main/hakmem/" + spec;
            this.variant = "dev.hakmem.bench.variants." + variant;
        }
    }

    @ParameterizedTest
    @EnumSource(Tuned.class)
    void committedSpecIsWhatTheTunerMakesOfTheCommittedProfile(Tuned t) throws Exception {
        Profile profile = ProfileReader.read(Path.of(t.profile), t.profile);
        String tuned = Tuner.tune(List.of(profile), new TuneSettings(t.variant, 20, 20)).text();
        assertEquals(Files.readString(Path.of(t.spec), StandardCharsets.UTF_8), tuned,
                "re-run: ./build.sh -pl bench dev.hakmem:hakmem-maven-plugin:0.1.0-SNAPSHOT:tune -Dhakmem.variant=" + t.variant
                        + " -Dhakmem.profiles=" + t.profile + " -Dhakmem.output=" + t.spec);
    }

    @ParameterizedTest
    @EnumSource(Tuned.class)
    void recordingAgainGivesTheSameCounts(Tuned t, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("again.json");
        RecordProfile.main(new String[] {t.driver.workload(), out.toString()});
        Profile again = ProfileReader.read(out), committed = ProfileReader.read(Path.of(t.profile));
        assertEquals(committed.mallocs(), again.mallocs());
        assertEquals(committed.requests(), again.requests());
        assertEquals(committed.classes(), again.classes());
    }

    @Test
    void eachRecordingShowsItsWorkloadsShape() throws Exception {
        Profile skewed = ProfileReader.read(Path.of(Tuned.SKEWED.profile));
        assertTrue(skewed.classes().stream().anyMatch(c -> c.size() == 32 && c.burst() >= 300), skewed.classes().toString());
        Profile rr = ProfileReader.read(Path.of(Tuned.REQUEST_RESPONSE.profile));
        // 2 mallocs per request, 10,000 requests per invocation, 20 invocations; the probe's own malloc of 16 bytes.
        assertEquals(400_001, rr.mallocs());
        long small = rr.requests().stream().filter(r -> r.size() >= 2048 && r.size() <= 16384).mapToLong(r -> r.count()).sum();
        assertTrue(small > 0.98 * 400_000, "most requests are 2-16 KiB buffers: " + small);
    }

    @Test
    void anUnknownWorkloadIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkloadDriver.of("larson"));
        assertEquals("unknown workload 'larson'; known: skewed, requestResponse", e.getMessage());
    }
}
