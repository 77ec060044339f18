package dev.hakmem.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.os.FaultInjector.Call;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection seam of {@link OsMemory}: a refused call looks exactly like the kernel's refusal
 * (the same result, no exception, the memory left as it was), the calls chosen are the ones asked for,
 * and nothing is refused once the injector is removed.
 */
class FaultInjectorTest {
    private static final long PAGE = OsMemory.PAGE_SIZE;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final List<long[]> mapped = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        FaultInjector f = FaultInjector.installed();
        if (f != null) f.close();
        for (long[] m : mapped) OsMemory.unmap(m[0], m[1]);
        assertNull(FaultInjector.installed(), "no injector may stay installed");
    }

    private long map(long size) {
        OsMemory.Result r = OsMemory.map(size, PAGE);
        assertTrue(r.ok(), "set-up: map " + r);
        mapped.add(new long[] {r.value(), size});
        return r.value();
    }

    @Test
    void theNthMmapIsRefusedWithEnomemAndTheOthersSucceed() {
        try (FaultInjector f = FaultInjector.builder(1).failNth(Call.MMAP, 2).install()) {
            OsMemory.Result first = OsMemory.reserve(PAGE, PAGE);
            OsMemory.Result second = OsMemory.map(PAGE, PAGE);
            OsMemory.Result third = OsMemory.reserve(16 * PAGE, 4 * PAGE);
            assertTrue(first.ok(), "first: " + first);
            mapped.add(new long[] {first.value(), PAGE});
            assertEquals(new OsMemory.Result(0, FaultInjector.ENOMEM), second, "the second mmap, as the kernel refuses it");
            assertTrue(third.ok(), "third: " + third);
            mapped.add(new long[] {third.value(), 16 * PAGE});
            assertEquals(3, f.calls(Call.MMAP));
            assertEquals(1, f.refused(Call.MMAP));
            assertEquals(0, f.refused(Call.MUNMAP), "the trims of the aligned reservation were made");
        }
    }

    @Test
    void aRefusedMunmapLeavesTheMappingAsItWas() {
        long p = map(2 * PAGE);
        ALL.set(ValueLayout.JAVA_LONG, p + PAGE, 0x1234_5678_9ABCL);
        try (FaultInjector f = FaultInjector.builder(2).failNth(Call.MUNMAP, 1).install()) {
            assertEquals(FaultInjector.ENOMEM, OsMemory.unmap(p, 2 * PAGE));
            assertEquals(List.of(new FaultInjector.Refusal(Call.MUNMAP, p, 2 * PAGE)), f.refusals(Call.MUNMAP));
        }
        assertEquals(0x1234_5678_9ABCL, ALL.get(ValueLayout.JAVA_LONG, p + PAGE), "still mapped, contents kept");
        assertTrue(OsMemory.residentBytes(p, 2 * PAGE) >= PAGE, "still resident");
        assertEquals(0, OsMemory.unmap(p, 2 * PAGE), "with the injector removed the call is made");
        mapped.clear();
        assertEquals(-1, OsMemory.residentBytes(p, 2 * PAGE), "unmapped now (mincore refuses)");
    }

    @Test
    void aRefusedMadviseLeavesThePagesResidentWithTheirContents() {
        long p = map(4 * PAGE);
        for (long off = 0; off < 4 * PAGE; off += PAGE) ALL.set(ValueLayout.JAVA_LONG, p + off, off + 1);
        try (FaultInjector f = FaultInjector.builder(3).failWithProbability(Call.MADVISE, 1).install()) {
            assertEquals(FaultInjector.ENOMEM, OsMemory.decommit(p, 4 * PAGE));
            assertEquals(1, f.refused());
        }
        for (long off = 0; off < 4 * PAGE; off += PAGE) assertEquals(off + 1, ALL.get(ValueLayout.JAVA_LONG, p + off));
        assertEquals(4 * PAGE, OsMemory.residentBytes(p, 4 * PAGE));
        assertEquals(0, OsMemory.decommit(p, 4 * PAGE));
        assertEquals(0, ALL.get(ValueLayout.JAVA_LONG, p), "decommitted for real now: reads zero");
    }

    @Test
    void aRefusedMprotectLeavesTheRangeInaccessibleAndAnotherErrnoCanBeChosen() {
        OsMemory.Result r = OsMemory.reserve(PAGE, PAGE);
        assertTrue(r.ok());
        mapped.add(new long[] {r.value(), PAGE});
        try (FaultInjector f = FaultInjector.builder(4).failNth(Call.MPROTECT, 1).errno(Call.MPROTECT, 11).install()) {
            assertEquals(11, OsMemory.commit(r.value(), PAGE), "EAGAIN, as chosen");
            assertEquals(0, OsMemory.commit(r.value(), PAGE), "only the first call was to fail");
            assertEquals(2, f.calls(Call.MPROTECT));
        }
        ALL.set(ValueLayout.JAVA_BYTE, r.value(), (byte) 7); // read-write now
    }

    /** map() beyond a page of alignment reserves, then commits: a refused commit gives the range back. */
    @Test
    void anAlignedMapWhoseCommitIsRefusedFailsWithThatErrno() {
        try (FaultInjector f = FaultInjector.builder(5).failNth(Call.MPROTECT, 1).install()) {
            OsMemory.Result r = OsMemory.map(8 * PAGE, 1L << 20);
            assertEquals(new OsMemory.Result(0, FaultInjector.ENOMEM), r);
            assertEquals(1, f.calls(Call.MMAP));
            assertEquals(0, f.refused(Call.MUNMAP));
            assertTrue(f.calls(Call.MUNMAP) >= 1, "the reserved range was unmapped");
        }
    }

    @Test
    void probabilityIsSeededAndRoughlyKept() {
        long p = map(PAGE);
        boolean[] first = refusalPattern(p, 42, 0.25, 4000);
        boolean[] again = refusalPattern(p, 42, 0.25, 4000);
        boolean[] other = refusalPattern(p, 43, 0.25, 4000);
        assertTrue(java.util.Arrays.equals(first, again), "the same seed refuses the same calls");
        assertFalse(java.util.Arrays.equals(first, other), "another seed refuses other calls");
        int n = 0;
        for (boolean b : first) n += b ? 1 : 0;
        assertTrue(n > 800 && n < 1200, "about a quarter of 4000 calls refused: " + n);
        boolean[] never = refusalPattern(p, 42, 0, 1000), always = refusalPattern(p, 42, 1, 1000);
        for (int i = 0; i < 1000; i++) {
            assertFalse(never[i], "p = 0 refuses nothing");
            assertTrue(always[i], "p = 1 refuses everything");
        }
    }

    private static boolean[] refusalPattern(long page, long seed, double p, int calls) {
        boolean[] refused = new boolean[calls];
        try (FaultInjector f = FaultInjector.builder(seed).failWithProbability(Call.MADVISE, p).install()) {
            for (int i = 0; i < calls; i++) refused[i] = OsMemory.decommit(page, PAGE) != 0;
            assertEquals(calls, f.calls(Call.MADVISE));
        }
        return refused;
    }

    @Test
    void oneInjectorAtATimeAndCloseRemovesIt() {
        try (FaultInjector f = FaultInjector.builder(6).failEveryKindWithProbability(1).install()) {
            assertSame(f, FaultInjector.installed());
            assertThrows(IllegalStateException.class, () -> FaultInjector.builder(7).install());
            assertEquals(new OsMemory.Result(0, FaultInjector.ENOMEM), OsMemory.reserve(PAGE, PAGE));
        }
        assertNull(FaultInjector.installed());
        OsMemory.Result r = OsMemory.reserve(PAGE, PAGE);
        assertTrue(r.ok(), "nothing is refused once it is removed");
        mapped.add(new long[] {r.value(), PAGE});
        assertThrows(IllegalArgumentException.class, () -> FaultInjector.builder(8).failNth(Call.MMAP, 0));
        assertThrows(IllegalArgumentException.class, () -> FaultInjector.builder(8).failWithProbability(Call.MMAP, 1.5));
    }
}
