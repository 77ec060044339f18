package dev.hakmem.internal.jfr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Test helper: runs code under an in-process JFR recording with given settings and reads back the events. */
final class Recorded {
    private Recorded() {}

    /** Something to run under the recording. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} under a recording whose settings are {@code settings} (event name to its
     * settings, e.g. {@code "dev.hakmem.Misuse" -> {"enabled": "true", "stackTrace": "true"}}), and
     * returns the events of {@code allocatorId} (every event when it is -1), in the order they were read.
     */
    static List<RecordedEvent> events(Map<String, Map<String, String>> settings, long allocatorId, Body body) throws Exception {
        Path file = Files.createTempFile("hakmem-test-", ".jfr");
        try (Recording r = new Recording()) {
            r.setSettings(flatten(settings));
            r.start();
            body.run();
            r.stop();
            r.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(ev -> ev.getEventType().getName().startsWith("dev.hakmem."))
                    .filter(ev -> allocatorId == -1 || ev.getLong("allocatorId") == allocatorId)
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Settings in JFR's flat form: {@code "dev.hakmem.Misuse#enabled" -> "true"}. */
    private static Map<String, String> flatten(Map<String, Map<String, String>> settings) {
        java.util.HashMap<String, String> flat = new java.util.HashMap<>();
        settings.forEach((event, s) -> s.forEach((k, v) -> flat.put(event + "#" + k, v)));
        return flat;
    }

    /** The events named {@code dev.hakmem.<name>} of {@code events}. */
    static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals("dev.hakmem." + name)).toList();
    }
}
