package dev.hakmem.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.ExpectSuccess;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reservation when its range is used up: the space reclaimer gets one chance, then the error. */
class ReservationTest {
    private static final long MiB = 1L << 20;
    private static final int CHUNKS = 16;

    private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private final Reservation reservation = new Reservation(CHUNKS * Reservation.CHUNK_SIZE, budget);

    @AfterEach
    void unmap() {
        reservation.unmap();
    }

    private List<Long> useUpTheRange() {
        List<Long> chunks = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) chunks.add(reservation.acquireChunk(MiB, false));
        assertEquals(reservation.size(), reservation.usedSpan(), "test set-up: the range is used up");
        return chunks;
    }

    /** A reclaimer that puts a chunk back on the free stack: the retry takes it. */
    @Test
    void aUsedUpRangeRunsTheSpaceReclaimerOnceAndRetries() {
        List<Long> chunks = useUpTheRange();
        int[] runs = {0};
        reservation.setSpaceReclaimer(() -> {
            runs[0]++;
            reservation.releaseChunk(chunks.get(5), 0);
            return Reservation.NO_CHUNK;
        });
        long chunk = ExpectSuccess.allocation(() -> reservation.acquireChunk(12_345));
        assertEquals(chunks.get(5), chunk, "the chunk the reclaimer gave back");
        assertEquals(1, runs[0], "the reclaimer runs once");
        assertEquals(Reservation.CHUNK_SIZE, budget.committed(), "acquireChunk(requested) charges the chunk");
    }

    /**
     * A reclaimer that hands a chunk over: the caller gets exactly that one, uncharged by the reclaimer
     * and charged to the caller, and it never was on the free stack for another thread to take.
     */
    @Test
    void theChunkTheReclaimerHandsOverGoesToTheCaller() {
        List<Long> chunks = useUpTheRange();
        budget.charge(1, 3 * MiB); // as if the chunk's cached pages were charged
        MemorySegment.ofAddress(chunks.get(7)).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, -1L);
        reservation.setSpaceReclaimer(() -> reservation.handOver(chunks.get(7), 3 * MiB));
        long chunk = ExpectSuccess.allocation(() -> reservation.acquireChunk(12_345));
        assertEquals(chunks.get(7), chunk);
        assertEquals(Reservation.CHUNK_SIZE, budget.committed(), "the reclaimer uncharged its pages, the caller charged the chunk");
        assertEquals(0L, MemorySegment.ofAddress(chunk).reinterpret(8).get(ValueLayout.JAVA_LONG, 0), "a handed-over chunk reads as zero");
        reservation.setSpaceReclaimer(() -> Reservation.NO_CHUNK);
        assertEquals(Reservation.NO_CHUNK, reservation.tryAcquireChunk(MiB), "the handed-over chunk was not on the free stack");
    }

    @Test
    void aReclaimerThatGivesNothingBackMeansOutOfMemoryWithNothingCharged() {
        useUpTheRange();
        int[] runs = {0};
        reservation.setSpaceReclaimer(() -> {
            runs[0]++;
            return Reservation.NO_CHUNK;
        });
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> reservation.acquireChunk(12_345));
        assertTrue(e.getMessage().contains("12345") && e.getMessage().contains("address space"), e.getMessage());
        assertEquals(1, runs[0], "one retry, not a loop");
        assertEquals(0, budget.committed(), "nothing stays charged");
        assertEquals(reservation.size(), reservation.usedSpan(), "a failed attempt does not move the used span past the range");
    }

    @Test
    void tryAcquireChunkNeverRunsTheReclaimer() {
        useUpTheRange();
        reservation.setSpaceReclaimer(() -> {
            throw new AssertionError("tryAcquireChunk ran the reclaimer (callers hold locks it takes)");
        });
        assertEquals(Reservation.NO_CHUNK, reservation.tryAcquireChunk(MiB));
    }

    /**
     * A fresh chunk whose commit the OS refuses is tried again by the next acquisition instead of
     * being lost: repeated refusals must not use the range up. (Before, each refusal cost a chunk of
     * address space for good.)
     */
    @Test
    void aChunkWhoseCommitWasRefusedIsTriedAgain() {
        long first;
        try (FaultInjector f = FaultInjector.builder(1).failNth(FaultInjector.Call.MPROTECT, 1).failNth(FaultInjector.Call.MPROTECT, 2).install()) {
            assertThrows(OutOfMemoryError.class, () -> reservation.acquireChunk(MiB, false));
            assertThrows(OutOfMemoryError.class, () -> reservation.acquireChunk(MiB, false));
            first = reservation.acquireChunk(MiB, false);
        }
        assertEquals(reservation.base(), first, "the refused chunk is the one handed out once the OS agrees");
        assertEquals(Reservation.CHUNK_SIZE, reservation.usedSpan(), "refusals took no more of the range");
        MemorySegment.ofAddress(first).reinterpret(Reservation.CHUNK_SIZE).set(ValueLayout.JAVA_BYTE, Reservation.CHUNK_SIZE - 1, (byte) 1); // committed
        useRest();
    }

    /** Every remaining chunk can still be had. */
    private void useRest() {
        for (int i = 1; i < CHUNKS; i++) reservation.acquireChunk(MiB, false);
        assertEquals(reservation.size(), reservation.usedSpan());
    }
}
