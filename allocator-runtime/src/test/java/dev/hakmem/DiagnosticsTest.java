package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/** {@code toString()}, {@code dump()} and the MXBean: the same figures as {@code stats()}, read three ways. */
class DiagnosticsTest {
    @Test
    void toStringIsOneLineWithTheLiveBytesPerTier() {
        NativeAllocator alloc = Hakmem.create();
        long p = alloc.malloc(40), q = alloc.malloc(5000);
        String open = alloc.toString();
        assertFalse(open.contains("\n"), open);
        assertTrue(open.startsWith("HakmemAllocator[open, live 2 blocks "), open);
        assertTrue(open.contains("TINY 48 B, MID 5.0 KiB, LARGE 0 B, HUGE 0 B"), open);
        alloc.free(p);
        alloc.close();
        String closed = alloc.toString();
        assertTrue(closed.startsWith("HakmemAllocator[closed, live 1 blocks "), closed);
        assertTrue(closed.contains("TINY 0 B, MID 5.0 KiB"), closed);
        assertTrue(closed.endsWith(" at close]"), closed);
        assertTrue(q != 0);
    }

    @Test
    void dumpHasARowPerTierAndPerUsedClass() {
        NativeAllocator alloc = Hakmem.create();
        long a = alloc.malloc(48), b = alloc.malloc(40), c = alloc.malloc(48);
        alloc.free(c);
        long large = alloc.malloc(300_000);
        String dump = alloc.dump();
        // class index 2 is 48 bytes: 2 live blocks, 96 live bytes, 3 allocations, 1 free, 1 slab
        assertRow(dump, "\\s*2\\s+48\\s+TINY\\s+2\\s+96\\s+3\\s+1\\s+1");
        assertRow(dump, "TINY\\s+2\\s+96\\s+\\d+\\s+3\\s+1");
        assertRow(dump, "LARGE\\s+1\\s+" + alloc.usableSize(large) + "\\s+\\d+\\s+1\\s+0");
        assertRow(dump, "HUGE\\s+0\\s+0\\s+0\\s+0\\s+0");
        assertFalse(Pattern.compile("(?m)^\\s*0\\s+16\\s+TINY").matcher(dump).find(), "an unused class has no row:\n" + dump);
        assertTrue(dump.startsWith("hakmem allocator: 3 live blocks, " + alloc.stats().bytesLive() + " live bytes; 4 allocations, 1 frees"), dump);
        alloc.free(a);
        alloc.free(b);
        alloc.free(large);
        alloc.close();
    }

    private static void assertRow(String dump, String regex) {
        assertTrue(Pattern.compile("(?m)^" + regex + "\\s*$").matcher(dump).find(), "no row /" + regex + "/ in\n" + dump);
    }

    @Test
    void theMXBeanShowsTheStats() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        NativeAllocator alloc = Hakmem.create();
        try (HakmemMXBean.Registration jmx = Hakmem.registerMBean(alloc, "diagnostics-test")) {
            ObjectName name = jmx.objectName();
            assertEquals(new ObjectName("dev.hakmem:type=Allocator,name=diagnostics-test"), name);
            assertTrue(server.isRegistered(name));
            assertTrue(server.isInstanceOf(name, HakmemMXBean.class.getName()));
            long[] blocks = new long[5];
            for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(100);
            long mid = alloc.malloc(10_000);
            assertEquals(6L, server.getAttribute(name, "LiveBlocks"));
            assertEquals(6L, server.getAttribute(name, "Allocations"));
            assertEquals(alloc.stats().bytesLive(), server.getAttribute(name, "BytesLive"));
            assertEquals(alloc.stats().bytesCommitted(), server.getAttribute(name, "BytesCommitted"));
            assertEquals(5L * 112 + 10240, tabular(server.getAttribute(name, "TierLiveBytes"), "TINY") + tabular(server.getAttribute(name, "TierLiveBytes"), "MID"));
            assertEquals(5L, tabular(server.getAttribute(name, "TierLiveBlocks"), "TINY"));
            assertEquals(5L, tabular(server.getAttribute(name, "ClassLiveBlocks"), 112));
            assertEquals(1L, tabular(server.getAttribute(name, "ClassLiveBlocks"), 10240));
            assertTrue(((String) server.getAttribute(name, "Dump")).contains("hakmem allocator: 6 live blocks"));
            assertThrows(Exception.class, () -> server.setAttribute(name, new javax.management.Attribute("LiveBlocks", 0L)),
                    "read-only");
            for (long p : blocks) alloc.free(p);
            assertEquals(1L, server.getAttribute(name, "LiveBlocks"));
            long[] burst = new long[400]; // 16 MiB of 40 KiB Mid blocks, freed: trim through JMX gives their spans back
            for (int i = 0; i < burst.length; i++) burst[i] = alloc.malloc(40_000);
            for (long p : burst) alloc.free(p);
            long committed = alloc.stats().bytesCommitted();
            long given = (Long) server.invoke(name, "trim", new Object[0], new String[0]);
            assertTrue(given >= 14L << 20, "trim through JMX gave back " + given);
            assertEquals(committed - given, alloc.stats().bytesCommitted());
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> Hakmem.registerMBean(alloc, "diagnostics-test"));
            assertTrue(twice.getMessage().contains("registered already"), twice.getMessage());
            alloc.close();
            assertEquals(1L, server.getAttribute(name, "LiveBlocks"), "after close: the figures at close");
            assertTrue(mid != 0);
            jmx.close();
            assertFalse(server.isRegistered(name));
            jmx.close(); // idempotent
        }
    }

    private static long tabular(Object attribute, Object key) {
        CompositeData row = ((TabularData) attribute).get(new Object[] {key});
        return (Long) row.get("value");
    }

    @Test
    void mxbeanNamesAreCheckedAndQuotedWhenNeeded() {
        NativeAllocator alloc = Hakmem.create();
        try {
            assertThrows(IllegalArgumentException.class, () -> Hakmem.registerMBean(alloc, " "));
            assertThrows(NullPointerException.class, () -> Hakmem.registerMBean(alloc, null));
            assertThrows(NullPointerException.class, () -> Hakmem.registerMBean(null, "x"));
            try (HakmemMXBean.Registration r = Hakmem.registerMBean(alloc, "a,b=c")) {
                assertEquals("a,b=c", ObjectName.unquote(r.objectName().getKeyProperty("name")));
                assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(r.objectName()));
            }
        } finally {
            alloc.close();
        }
    }
}
