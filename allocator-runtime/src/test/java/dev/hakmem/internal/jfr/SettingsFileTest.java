package dev.hakmem.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.jfr.HakmemJfr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file in the jar: it parses, names exactly the allocator's events, and starts a recording. */
class SettingsFileTest {
    /** Every event class of the allocator: the file must name each, and no other. */
    private static final List<Class<? extends jdk.jfr.Event>> EVENTS = List.of(AllocatorStatisticsEvent.class, TierStatisticsEvent.class,
            OsRefillEvent.class, MemoryReturnedEvent.class, ThreadCacheReclaimEvent.class, OutOfMemoryEvent.class, MisuseEvent.class,
            AllocationSampleEvent.class);

    @Test
    void theFileNamesEveryEventOfTheAllocatorAndNoOther() {
        EVENTS.forEach(FlightRecorder::register);
        Set<String> registered = FlightRecorder.getFlightRecorder().getEventTypes().stream().map(EventType::getName)
                .filter(n -> n.startsWith("dev.hakmem.")).collect(Collectors.toCollection(TreeSet::new));
        Set<String> declared = EVENTS.stream().map(c -> EventType.getEventType(c).getName()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, registered, "every registered dev.hakmem event is one of the classes listed here");
        Configuration c = HakmemJfr.settings();
        Set<String> named = c.getSettings().keySet().stream().map(k -> k.substring(0, k.indexOf('#'))).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, named, "the events the settings file names");
        assertEquals("true", c.getSettings().get("dev.hakmem.Misuse#stackTrace"));
        assertEquals("100/s", c.getSettings().get("dev.hakmem.AllocationSample#throttle"));
        assertEquals("1 s", c.getSettings().get("dev.hakmem.AllocatorStatistics#period"));
        for (Map.Entry<String, String> e : c.getSettings().entrySet()) {
            if (e.getKey().endsWith("#enabled")) assertEquals("true", e.getValue(), e.getKey());
        }
    }

    @Test
    void theWrittenFileIsTheResourceAndARecordingAcceptsIt(@TempDir Path dir) throws Exception {
        Path file = HakmemJfr.settingsFile(dir.resolve("hakmem.jfc"));
        assertEquals(HakmemJfr.settingsText(), Files.readString(file));
        Configuration fromFile = Configuration.create(file);
        assertEquals(HakmemJfr.settings().getSettings(), fromFile.getSettings());
        try (Recording r = new Recording(fromFile)) {
            r.start();
            assertTrue(r.getSettings().containsKey("dev.hakmem.AllocationSample#throttle"));
        }
    }
}
