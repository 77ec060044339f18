package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * With checks off only double frees go undetected (issue 14, item 7): a Tiny or Mid address that does
 * not start a block (interior, or in a span's unused tail) is refused by free, realloc and usableSize
 * as with checks on, changing nothing. It used to be accepted: {@code free(p + 8)} later handed out a
 * block that was not 16-byte aligned, and a free in a span's tail let a later calloc write past the
 * chunk.
 */
class ChecksOffMisuseTest {

    @Test
    void addressesThatStartNoBlockAreRefusedWithChecksOff() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().checks(false).build())) {
            for (long size : new long[] {16, 48, 64, 1000, 1280, 3000, 32768}) {
                long p = a.malloc(size);
                long interior = p + (size >= 32 ? 16 : 8);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.free(interior), "free inside " + size);
                assertTrue(e.getMessage().contains("inside") || e.getMessage().contains("not"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> a.realloc(interior, 8), "realloc inside " + size);
                assertThrows(IllegalArgumentException.class, () -> a.usableSize(interior), "usableSize inside " + size);
                a.free(p); // the block itself is untouched by the refused calls
            }
            // The unused tail of a 48-byte class's 64 KiB slab: 65536 = 1365 * 48 + 16.
            long p = a.malloc(48);
            long tail = (p & -65536L) + 1365 * 48;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.free(tail));
            assertTrue(e.getMessage().contains("tail"), e.getMessage());
            a.free(p);
            // Nothing was corrupted: every block handed out afterwards is 16-byte aligned.
            for (int i = 0; i < 10_000; i++) {
                long q = a.malloc(64);
                assertEquals(0, q & 15, "aligned");
                a.free(q);
            }
        }
    }

    /**
     * The README's "what is detected" table: with checks off, Large and Huge blocks still catch a
     * double free (and a realloc or usableSize of a freed block) at the call, because their metadata
     * always knows which blocks are live; foreign addresses are refused as with checks on.
     */
    @Test
    void largeAndHugeDoubleFreesAndForeignAddressesAreStillCaughtWithChecksOff() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().checks(false).build())) {
            for (long size : new long[] {100 * 1024, 1 << 20, 3 << 20}) {
                long p = a.malloc(size);
                a.free(p);
                assertThrows(IllegalStateException.class, () -> a.free(p), "double free of " + size);
                assertThrows(IllegalStateException.class, () -> a.realloc(p, 16), "realloc of a freed " + size);
                assertThrows(IllegalStateException.class, () -> a.usableSize(p), "usableSize of a freed " + size);
            }
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                long foreign = arena.allocate(64, 16).address();
                assertThrows(IllegalArgumentException.class, () -> a.free(foreign), "a foreign address");
            }
        }
    }
}
