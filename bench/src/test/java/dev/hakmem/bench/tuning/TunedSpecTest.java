package dev.hakmem.bench.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * The bench's tuning loop stays reproducible: the committed tuned spec is exactly what the tuner makes
 * of the committed profile, and recording the skewed workload again gives the same counts.
 */
class TunedSpecTest {
    static final Path PROFILE = Path.of("src/main/hakmem/profiles/skewed.json");
    static final Path SPEC = Path.of("src/main/hakmem/tuned-skewed.yaml");

    @Test
    void committedSpecIsWhatTheTunerMakesOfTheCommittedProfile() throws Exception {
        Profile profile = ProfileReader.read(PROFILE, "src/main/hakmem/profiles/skewed.json");
        String tuned = Tuner.tune(List.of(profile), new TuneSettings("dev.hakmem.bench.variants.GenTunedSkewed", 20, 20)).text();
        assertEquals(Files.readString(SPEC, StandardCharsets.UTF_8), tuned,
                "re-run: ./build.sh -pl bench dev.hakmem:hakmem-maven-plugin:0.1.0-SNAPSHOT:tune"
                        + " -Dhakmem.variant=dev.hakmem.bench.variants.GenTunedSkewed"
                        + " -Dhakmem.profiles=src/main/hakmem/profiles/skewed.json -Dhakmem.output=src/main/hakmem/tuned-skewed.yaml");
    }

    @Test
    void recordingAgainGivesTheSameCounts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("again.json");
        RecordProfile.main(new String[] {out.toString(), "2000"});
        Profile again = ProfileReader.read(out), committed = ProfileReader.read(PROFILE);
        assertEquals(committed.mallocs(), again.mallocs());
        assertEquals(committed.requests(), again.requests());
        assertEquals(committed.classes(), again.classes());
        assertTrue(again.classes().stream().anyMatch(c -> c.size() == 32 && c.burst() >= 300), again.classes().toString());
    }
}
