package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} is all or nothing (issue 14, item 2). A native call that holds one of the allocator's
 * segments keeps the segments' arena from closing: a close attempted meanwhile (here from inside the
 * call, by the comparator that {@code qsort} calls back) must throw and leave the allocator open and
 * usable, and the close after the call must complete. Before the fix the allocator was marked closed
 * before the arena refused, so every later call threw, a second close did nothing, and the mappings
 * and the segment stayed alive.
 */
class CloseDuringNativeCallTest {
    private static NativeAllocator alloc;
    private static IllegalStateException refused;

    /** qsort's comparator: tries to close the allocator once, while qsort holds the array's segment. */
    static int compare(MemorySegment a, MemorySegment b) {
        if (refused == null) {
            try {
                alloc.close();
            } catch (IllegalStateException e) {
                refused = e;
            }
        }
        return Integer.compare(a.reinterpret(4).get(ValueLayout.JAVA_INT, 0), b.reinterpret(4).get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void aCloseRefusedDuringANativeCallChangesNothingAndALaterCloseCompletes() throws Throwable {
        alloc = Hakmem.create();
        refused = null;
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().findOrThrow("qsort"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(CloseDuringNativeCallTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        int[] values = {5, 3, 8, 1, 9, 2, 7, 4};
        MemorySegment array = alloc.allocateFrom(ValueLayout.JAVA_INT, values);
        try (Arena upcalls = Arena.ofConfined()) {
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), upcalls);
            qsort.invokeExact(array, (long) values.length, 4L, comparator);
        }
        assertNotNull(refused, "the close during the call must be refused");
        assertTrue(refused.getMessage().contains("nothing was closed"), refused.getMessage());
        // Still open and usable: the segment, malloc/free, stats.
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 7, 8, 9}, array.toArray(ValueLayout.JAVA_INT));
        long p = alloc.malloc(64);
        alloc.free(p);
        assertNotNull(alloc.stats());
        // Now the close completes: calls and the segment are dead.
        alloc.close();
        assertThrows(IllegalStateException.class, () -> alloc.malloc(16));
        assertThrows(IllegalStateException.class, () -> array.get(ValueLayout.JAVA_INT, 0));
        alloc.close(); // idempotent
    }

    /**
     * The same with guarded sampling on: a close the wrapped allocator refuses leaves the guarded
     * blocks as they were (their memory mapped, freeable), not only the wrapped allocator's.
     */
    @Test
    void aRefusedCloseLeavesGuardedBlocksUsable() throws Throwable {
        alloc = Hakmem.create(AllocatorConfig.builder().guardSampling(1).build());
        refused = null;
        long guarded = alloc.malloc(64); // sampled: every block of at most 64 KiB is, at rate 1
        MemorySegment.ofAddress(guarded).reinterpret(64).fill((byte) 7);
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().findOrThrow("qsort"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(CloseDuringNativeCallTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        int[] values = new int[20_000]; // 80 KB: above the sampled sizes, so the wrapped allocator's segment
        for (int i = 0; i < values.length; i++) values[i] = values.length - i;
        MemorySegment array = alloc.allocateFrom(ValueLayout.JAVA_INT, values);
        try (Arena upcalls = Arena.ofConfined()) {
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), upcalls);
            qsort.invokeExact(array, (long) values.length, 4L, comparator);
        }
        assertNotNull(refused, "the close during the call must be refused");
        assertEquals(64, alloc.usableSize(guarded), "the guarded block is still known"); // before touching its memory
        assertEquals(7, MemorySegment.ofAddress(guarded).reinterpret(64).get(ValueLayout.JAVA_BYTE, 63), "the guarded block is still there");
        alloc.free(guarded);
        alloc.close();
        assertThrows(IllegalStateException.class, () -> alloc.malloc(16));
    }
}
