package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A constructor that fails after it has reserved address space gives it back (issue 14, item 3). An
 * allocator of 16 TiB of address space is made to fail just after its reservation: the mapping of its
 * page table, the next mmap, is refused ({@link FaultInjector}). (Until the page table moved to native
 * memory, a 256 MiB Java heap made it fail there, the table being a 1 GiB {@code int[]}.) Before the
 * fix nothing unmapped the reservation, and after about eight failures the 128 TiB of user address
 * space were gone: the next attempts failed to reserve instead (ENOMEM), and so did any other
 * allocator. Here twelve attempts must each fail on the page table, and a default allocator must work
 * afterwards.
 */
class FailedConstructionLeaksNothingTest {

    /** The child JVM's program: prints one line per attempt, then "usable" if a default allocator works. */
    public static void main(String[] args) {
        for (int i = 0; i < 12; i++) {
            // mmap 1 reserves the range, mmap 2 maps the page table
            try (FaultInjector refuse = FaultInjector.builder(i).failNth(Call.MMAP, 2).install();
                    NativeAllocator a = Hakmem.create(AllocatorConfig.builder().addressSpace(16L << 40).build())) {
                System.out.println("created");
            } catch (OutOfMemoryError e) {
                System.out.println(e.getMessage().contains("page table") ? "refused" : "other: " + e.getMessage());
            }
        }
        try (NativeAllocator a = Hakmem.create()) {
            a.free(a.malloc(64));
            System.out.println("usable");
        }
    }

    @Test
    @Timeout(120)
    void failedConstructionsGiveTheirAddressSpaceBack() throws Exception {
        String path = System.getProperty("java.class.path", "") + File.pathSeparator + System.getProperty("jdk.module.path", "");
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-cp", path, FailedConstructionLeaksNothingTest.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(100, TimeUnit.SECONDS), "child JVM did not finish");
        List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(0, child.exitValue(), out);
        assertEquals(13, lines.size(), out);
        for (int i = 0; i < 12; i++) assertEquals("refused", lines.get(i), "attempt " + (i + 1) + " of 12:\n" + out);
        assertEquals("usable", lines.get(12), out);
    }
}
