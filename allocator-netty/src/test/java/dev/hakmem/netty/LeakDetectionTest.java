package dev.hakmem.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Netty's leak detector sees this allocator's buffers: in PARANOID mode a direct buffer dropped
 * without {@code release()} is reported, as for Netty's own allocators. The report is read from
 * Netty's logger, which is {@code java.util.logging} here (no other logging library is present).
 */
class LeakDetectionTest {
    private static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();

    @Test
    void aBufferNeverReleasedIsReported() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) reports.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(DETECTOR_LOGGER);
        ResourceLeakDetector.Level was = ResourceLeakDetector.getLevel();
        boolean parentHandlers = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false); // the expected report, not on the console
        try (NativeAllocator memory = Hakmem.create()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(memory);
            leakOne(alloc);
            // The detector reports when a later buffer is tracked after the leaked one was collected.
            for (int attempt = 0; attempt < 100 && reports.stream().noneMatch(r -> r.contains("LEAK")); attempt++) {
                System.gc();
                Thread.sleep(10);
                alloc.directBuffer(8).release();
            }
            assertTrue(reports.stream().anyMatch(r -> r.contains("LEAK") && r.contains("release()")), () -> "reports: " + reports);
            assertEquals(1, memory.stats().liveBlocks(), "a leaked buffer's block is reported, not freed");
        } finally {
            ResourceLeakDetector.setLevel(was);
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parentHandlers);
        }
    }

    /** A buffer allocated, written and dropped, in a frame of its own so nothing keeps it reachable. */
    private static void leakOne(HakmemByteBufAllocator alloc) {
        ByteBuf leaked = alloc.directBuffer(64);
        leaked.writeLong(42);
    }
}
