package dev.hakmem.codegen.profile;

import dev.hakmem.codegen.InputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad profile fails with {@code file:line:column} of the offending value and what was expected. */
class ProfileErrorsTest {
    /** A valid profile, one member per line: line {@code i + 2} holds member {@code i}. */
    private static final List<String> MEMBERS = List.of(
            "\"format\": \"hakmem-profile\"",
            "\"version\": 1",
            "\"label\": \"l\"",
            "\"recordedBy\": \"r\"",
            "\"durationMillis\": 10",
            "\"mallocs\": 100",
            "\"frees\": 90",
            "\"requests\": [[24, 60], [40, 40]]",
            "\"bigRequests\": {\"count\": 0, \"bytes\": 0}",
            "\"classes\": [{\"size\": 32, \"mallocs\": 60, \"peakLive\": 10, \"burst\": 5}]");

    static Stream<Arguments> badProfiles() {
        return Stream.of(
                // not a profile at all
                bad("empty file", "", "1:1: the profile is empty; expected a JSON object written by the hakmem profile recorder"),
                bad("blank file", "  \n\n", "1:1: the profile is empty; expected a JSON object written by the hakmem profile recorder"),
                bad("not JSON", "{\"format\": \"hakmem-profile\", \"version\": 1",
                        "1:42: not valid JSON: expected ',' or '}', but got <stream end> (while parsing a flow mapping at line 1,"
                                + " column 1); expected one JSON object"),
                bad("an array", "[1, 2]", "1:1: the profile is an array; expected a JSON object ({...}) written by the hakmem profile recorder"),
                bad("YAML, not JSON", "format: hakmem-profile\nversion: 1\n",
                        "1:1: the profile is a YAML mapping, not JSON; expected a JSON object ({...}) written by the hakmem profile recorder"),
                bad("a spec by mistake", "variant: com.example.Fast\n",
                        "1:1: the profile is a YAML mapping, not JSON; expected a JSON object ({...}) written by the hakmem profile recorder"),
                // format and version first
                bad("no format", without(0), "1:1: missing member 'format'; expected \"format\": \"hakmem-profile\""
                        + " (a profile written by the hakmem profile recorder)"),
                bad("other format", with(0, "\"format\": \"jfr\""), "2:13: format: 'jfr' is not a hakmem profile; expected 'hakmem-profile'"),
                bad("format not a string", with(0, "\"format\": 7"), "2:13: format: got the integer 7; expected 'hakmem-profile'"),
                bad("no version", without(1), "1:1: missing member 'version'; expected \"version\": 1"),
                bad("version 2", with(1, "\"version\": 2"), "3:14: version: 2 is not supported; expected 1"
                        + " (use the hakmem-codegen of the same release as the recorder)"),
                bad("version as a string", with(1, "\"version\": \"1\""), "3:14: version: got the string '1'; expected the integer 1"),
                // missing members
                bad("no mallocs", without(5), "1:1: missing member 'mallocs'; expected the number of mallocs recorded, at least 1"),
                bad("no requests", without(7), "1:1: missing member 'requests'; expected the request histogram, [[size, count], ...]"),
                bad("no burst", with(9, "\"classes\": [{\"size\": 32, \"mallocs\": 60, \"peakLive\": 10}]"),
                        "11:15: classes[0]: missing member 'burst'; expected an integer of at least 0"),
                bad("duplicate member", with(6, "\"frees\": 90, \"frees\": 91"),
                        "8:16: duplicate member 'frees' (first at line 8); expected each member once"),
                // counts
                bad("zero mallocs", with(5, "\"mallocs\": 0"), "7:14: mallocs: 0 mallocs: the recording saw no allocation; expected a"
                        + " profile of a run that allocates (record while the workload runs)"),
                bad("negative frees", with(6, "\"frees\": -3"), "8:12: frees: -3 is out of range; expected an integer of at least 0"),
                bad("fractional count", with(4, "\"durationMillis\": 1.5"),
                        "6:21: durationMillis: got the number 1.5; expected an integer of at least 0"),
                bad("count beyond a long", with(6, "\"frees\": 99999999999999999999"),
                        "8:12: frees: 99999999999999999999 is out of range; expected an integer of at least 0"),
                bad("negative big bytes", with(8, "\"bigRequests\": {\"count\": 0, \"bytes\": -1}"),
                        "10:40: bigRequests.bytes: -1 is out of range; expected an integer of at least 0"),
                bad("negative burst", with(9, "\"classes\": [{\"size\": 32, \"mallocs\": 60, \"peakLive\": 10, \"burst\": -5}]"),
                        "11:68: classes[0].burst: -5 is out of range; expected an integer of at least 0"),
                // requests
                bad("requests not ascending", with(7, "\"requests\": [[40, 60], [24, 40]]"),
                        "9:27: requests[1][0]: 24 does not ascend after 40; expected sizes in strictly ascending order, each once"),
                bad("request size twice", with(7, "\"requests\": [[24, 60], [24, 40]]"),
                        "9:27: requests[1][0]: 24 does not ascend after 24; expected sizes in strictly ascending order, each once"),
                bad("request too large", with(7, "\"requests\": [[24, 60], [40000, 40]]"),
                        "9:27: requests[1][0]: 40000 is out of range; expected a request size from 0 to 32768"
                                + " (larger requests are counted in bigRequests)"),
                bad("negative request size", with(7, "\"requests\": [[-8, 60]]"),
                        "9:17: requests[0][0]: -8 is out of range; expected a request size from 0 to 32768"
                                + " (larger requests are counted in bigRequests)"),
                bad("large size not rounded", with(7, "\"requests\": [[24, 60], [1030, 40]]"),
                        "9:27: requests[1][0]: 1030 is not a multiple of 16; expected sizes above 1024 rounded up to a multiple of 16"),
                bad("zero count", with(7, "\"requests\": [[24, 0]]"),
                        "9:21: requests[0][1]: 0 is out of range; expected a count of at least 1 (sizes never requested are left out)"),
                bad("pair of three", with(7, "\"requests\": [[24, 60, 1]]"),
                        "9:16: requests[0]: got an array of 3 elements; expected a [size, count] pair"),
                bad("pair as an object", with(7, "\"requests\": [{\"size\": 24, \"count\": 60}]"),
                        "9:16: requests[0]: got an object; expected a [size, count] pair"),
                bad("requests as an object", with(7, "\"requests\": {\"24\": 60}"),
                        "9:15: requests: got an object; expected an array of [size, count] pairs"),
                // classes
                bad("class size not a multiple", with(9, "\"classes\": [{\"size\": 40, \"mallocs\": 60, \"peakLive\": 10, \"burst\": 5}]"),
                        "11:24: classes[0].size: 40 is not a multiple of 16; expected a block size, a multiple of 16 from 16 to 32768"),
                bad("class size out of range", with(9, "\"classes\": [{\"size\": 65536, \"mallocs\": 1, \"peakLive\": 1, \"burst\": 1}]"),
                        "11:24: classes[0].size: 65536 is out of range; expected a block size, a multiple of 16 from 16 to 32768"),
                bad("classes not ascending", with(9, "\"classes\": [{\"size\": 48, \"mallocs\": 1, \"peakLive\": 1, \"burst\": 1},"
                                + " {\"size\": 32, \"mallocs\": 1, \"peakLive\": 1, \"burst\": 1}]"),
                        "11:79: classes[1].size: 32 does not ascend after 48; expected sizes in strictly ascending order, each once"),
                // optional members, when present, are checked too
                bad("bad lifetimes", with(9, MEMBERS.get(9) + ", \"lifetimes\": {\"sampled\": 3, \"log2NanosHistogram\": [1, -1]}"),
                        "11:127: lifetimes.log2NanosHistogram[1]: -1 is out of range; expected an integer of at least 0"),
                bad("bad remote frees", with(9, MEMBERS.get(9) + ", \"remoteFrees\": [1000, 12]"),
                        "11:88: remoteFrees: got an array; expected an object {\"sampled\": ..., \"remote\": ...}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProfiles")
    void failsWithWhereAndWhat(String name, String json, String expected) {
        InputException e = assertThrows(InputException.class, () -> ProfileReader.read(json, "p.json"));
        assertEquals("p.json:" + expected, e.getMessage(), json);
        assertEquals(InputException.Input.PROFILE, e.input(), "a build tool can tell which input to fix");
    }

    @Test
    void theValidBaseReads() {
        assertEquals(100, ProfileReader.read(profile(MEMBERS), "p.json").mallocs());
    }

    @Test
    void everyBadFileIsReportedAtOnce(@TempDir Path dir) throws IOException {
        Path good = write(dir, "a.json", profile(MEMBERS));
        Path empty = write(dir, "b.json", "");
        Path zero = write(dir, "c.json", with(5, "\"mallocs\": 0"));
        InputException e = assertThrows(InputException.class,
                () -> ProfileReader.readAll(List.of(good, empty, zero), f -> f.getFileName().toString()));
        assertEquals(2, e.errors().size());
        assertEquals("b.json", e.file());
        assertEquals("c.json:7:14", e.errors().get(1).file() + ":" + e.errors().get(1).line() + ":" + e.errors().get(1).column());
        assertEquals(ProfileReader.read(good, "a.json"), ProfileReader.readAll(List.of(good), f -> "a.json").getFirst());
    }

    @Test
    void unreadableAndNonUtf8Files(@TempDir Path dir) throws IOException {
        InputException missing = assertThrows(InputException.class, () -> ProfileReader.read(dir.resolve("none.json")));
        assertEquals(1, missing.line());
        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, new byte[] {'{', (byte) 0xe9, '}'});
        assertEquals(latin1 + ":1:1: the file is not UTF-8 text; expected a JSON profile written by the hakmem profile recorder",
                assertThrows(InputException.class, () -> ProfileReader.read(latin1)).getMessage());
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static Arguments bad(String name, String json, String expected) {
        return Arguments.of(name, json, expected);
    }

    /** The valid profile with member {@code i} replaced by {@code member}. */
    private static String with(int i, String member) {
        List<String> m = new java.util.ArrayList<>(MEMBERS);
        m.set(i, member);
        return profile(m);
    }

    /** The valid profile without member {@code i} (its line left empty, so the others keep theirs). */
    private static String without(int i) {
        List<String> m = new java.util.ArrayList<>(MEMBERS);
        m.set(i, "\"removed\": 0");
        return profile(m);
    }

    private static String profile(List<String> members) {
        return "{\n  " + String.join(",\n  ", members) + "\n}\n";
    }
}
