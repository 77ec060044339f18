package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A span whose pages the OS refuses to take back ({@code madvise} fails under memory pressure) is
 * still resident, so it must stay charged; it must still read as zero when handed out again; and it
 * must be given back once the OS agrees. Before the return code was checked, the budget was uncharged
 * and the span went onto the free stack with its old contents.
 */
class SpanSourceRefusedDecommitTest {
    private static final int SHIFT = 16; // 64 KiB Tiny slabs
    private static final long SPAN = 1L << SHIFT;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private final Reservation reservation = new Reservation(64L << 20, budget);
    private final SpanSource spans = new SpanSource(reservation, budget, SHIFT);

    @AfterEach
    void cleanUp() {
        reservation.unmap();
        assertNull(FaultInjector.installed(), "no injector may stay installed");
    }

    private static void fill(long span) {
        for (long off = 0; off < SPAN; off += 8) ALL.set(ValueLayout.JAVA_LONG, span + off, ~off);
    }

    @Test
    void aRefusedDecommitKeepsTheSpanChargedZeroedAndReusedFirst() {
        long span = spans.acquire(100);
        fill(span);
        assertEquals(SPAN, budget.committed());
        long reported = RefusedReleases.count();
        try (FaultInjector f = FaultInjector.builder(1).failNth(Call.MADVISE, 1).install()) {
            spans.releaseToOs(span);
            assertEquals(1, f.refused(Call.MADVISE));
        }
        assertEquals(1, RefusedReleases.count() - reported, "the refusal is reported");
        assertEquals(SPAN, budget.committed(), "still resident, so still charged");
        assertEquals(SPAN, OsMemory.residentBytes(span, SPAN), "the OS kept the pages");

        long again = spans.acquire(100);
        assertEquals(span, again, "the resident span is handed out first");
        assertEquals(SPAN, budget.committed(), "with no second charge");
        for (long off = 0; off < SPAN; off += 8) assertEquals(0, ALL.get(ValueLayout.JAVA_LONG, span + off), "reads as zero at " + off);

        fill(again);
        spans.releaseToOs(again);
        assertEquals(0, budget.committed(), "given back for real now");
        assertEquals(0, OsMemory.residentBytes(span, SPAN));
    }

    @Test
    void theNextReleaseToTheOsTriesTheKeptSpansAgain() {
        long a = spans.acquire(100), b = spans.acquire(100);
        fill(a);
        fill(b);
        try (FaultInjector f = FaultInjector.builder(2).failWithProbability(Call.MADVISE, 1).install()) {
            spans.releaseToOs(a);
            assertEquals(1, f.refused(Call.MADVISE));
        }
        assertEquals(2 * SPAN, budget.committed());
        spans.releaseToOs(b);
        assertEquals(0, budget.committed(), "b released, and a with it");
        assertEquals(0, OsMemory.residentBytes(a, SPAN) + OsMemory.residentBytes(b, SPAN));

        try (FaultInjector f = FaultInjector.builder(3).failWithProbability(Call.MADVISE, 1).install()) {
            long c = spans.acquire(100);
            fill(c);
            spans.releaseToOs(c); // refused
            long d = spans.acquire(100);
            assertEquals(c, d);
            fill(d);
            spans.releaseToOs(d); // refused again: kept once, not twice
            assertEquals(SPAN, budget.committed());
            assertEquals(2, f.refused(Call.MADVISE), "c, then d (the same span)");
        }
    }
}
