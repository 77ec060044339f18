package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An allocator that never warns sets up no logging: its logger ({@code dev.hakmem.internal.Log}) is
 * made at the first warning, so a program's first {@code Hakmem.create()} does not load the JDK's
 * logging back end (about 50 classes and their objects, resident memory). Checked in a child JVM that
 * lists the classes it loads, since this test's own JVM has logging set up by the test framework.
 */
class LazyLoggingTest {
    /** The child: creates an allocator, uses each small tier and Large, closes it. */
    public static void main(String[] args) {
        try (NativeAllocator a = Hakmem.create()) {
            long[] sizes = {16, 1024, 8192, 100_000};
            for (long size : sizes) a.free(a.malloc(size));
        }
        System.out.println("done");
    }

    @Test
    @Timeout(120)
    void creatingAndUsingAnAllocatorLoadsNoLoggingClasses() throws Exception {
        String path = System.getProperty("java.class.path", "") + File.pathSeparator + System.getProperty("jdk.module.path", "");
        List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-Xmx256m", "-Xlog:class+load=info",
                "--enable-native-access=ALL-UNNAMED", "-cp", path, LazyLoggingTest.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(100, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.lines().anyMatch("done"::equals), out);
        List<String> logging = out.lines().filter(l -> l.contains(" java.util.logging.") || l.contains(" jdk.internal.logger."))
                .toList();
        assertEquals(List.of(), logging, "logging classes loaded by an allocator that logged nothing");
    }
}
