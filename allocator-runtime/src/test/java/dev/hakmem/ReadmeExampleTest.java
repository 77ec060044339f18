package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's example, compiled and run as is. The code between the markers is what the README quotes
 * (README.md, after {@code <!-- README-EXAMPLE ... -->}); keep the two identical (a check compares them).
 */
@ExtendWith(OomAsFailure.class)
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() throws Throwable {
        // The example uses Java's assert; surefire runs with -ea, so a wrong result fails this test.
        assertTrue(ReadmeExampleTest.class.desiredAssertionStatus(), "run the tests with -ea so the example's asserts check");

        // README-EXAMPLE-BEGIN
        try (NativeAllocator alloc = Hakmem.create()) {
            // Raw malloc/free on addresses, like C.
            long p = alloc.malloc(64);
            MemorySegment block = MemorySegment.ofAddress(p).reinterpret(64);
            block.set(ValueLayout.JAVA_LONG, 0, 42L);
            alloc.free(p);

            // As a SegmentAllocator, for example for the arguments of a downcall.
            Linker linker = Linker.nativeLinker();
            MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().findOrThrow("strlen"),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            MemorySegment s = alloc.allocateFrom("hello");
            long n = (long) strlen.invokeExact(s);
            assert n == 5;
            alloc.free(s);
        }
        // README-EXAMPLE-END
    }

    /** The same steps with JUnit assertions, so they check even without -ea. */
    @Test
    void readmeExampleStepsHold() throws Throwable {
        NativeAllocator closed;
        try (NativeAllocator alloc = Hakmem.create()) {
            closed = alloc;
            long p = alloc.malloc(64);
            MemorySegment block = MemorySegment.ofAddress(p).reinterpret(64);
            block.set(ValueLayout.JAVA_LONG, 0, 42L);
            assertEquals(42L, block.get(ValueLayout.JAVA_LONG, 0));
            alloc.free(p);
            Linker linker = Linker.nativeLinker();
            MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().findOrThrow("strlen"),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            MemorySegment s = alloc.allocateFrom("hello");
            long n = (long) strlen.invokeExact(s);
            assertEquals(5, n);
            alloc.free(s);
            assertEquals(0, alloc.stats().liveBlocks());
        }
        assertThrows(IllegalStateException.class, () -> closed.malloc(1));
    }

    /** The markers are present once each, in order, around a non-empty body (what the README check relies on). */
    @Test
    void exampleMarkersAreWellFormed() throws IOException {
        Path src = Path.of("src/test/java/dev/hakmem/ReadmeExampleTest.java");
        if (!Files.exists(src)) src = Path.of("allocator-runtime").resolve(src);
        List<String> lines = Files.readAllLines(src);
        String beginMarker = "// README-EXAMPLE-" + "BEGIN", endMarker = "// README-EXAMPLE-" + "END"; // not spelled out here
        int begin = -1, end = -1, begins = 0, ends = 0;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals(beginMarker)) { begin = i; begins++; }
            if (t.equals(endMarker)) { end = i; ends++; }
        }
        assertEquals(1, begins, "exactly one BEGIN marker");
        assertEquals(1, ends, "exactly one END marker");
        assertTrue(begin < end - 1, "BEGIN before END with a body between");
        String body = String.join("\n", lines.subList(begin + 1, end));
        assertTrue(body.contains("Hakmem.create()") && body.contains("allocateFrom(\"hello\")") && body.contains("strlen.invokeExact"),
                "the example body lost its key lines");
    }
}
