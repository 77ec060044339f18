package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static dev.hakmem.TestMemory.hex;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every misuse the contract names: the exception type, the message (address in hex, tier where the
 * allocator knows it), and afterwards a consistent allocator: the witness blocks (a few per tier,
 * filled with patterns) keep their content, no block leaked or vanished in the counters, and new
 * allocations in every tier work.
 */
@ExtendWith(OomAsFailure.class)
class MisuseTest {
    /** Witness sizes: two Tiny, two Mid, two Large, one Huge. */
    static final long[] WITNESS_SIZES = {24, 700, 3000, 20_000, 100_000, 1_500_000, 3 * MiB};
    static final long[] PROBE_SIZES = {0, 16, 1000, 5000, 32 * KiB, 200 * KiB, 2 * MiB, 2 * MiB + 1};

    record Witness(long address, long size, long tag) {}

    NativeAllocator alloc;
    final List<Witness> witnesses = new ArrayList<>();

    /** Overridden by the Recorded* subclass to run every test through a recorder. */
    @BeforeEach
    void setUp() {
        alloc = Hakmem.create();
        addWitnesses(alloc);
    }

    void addWitnesses(NativeAllocator a) {
        for (long size : WITNESS_SIZES) {
            long p = a.malloc(size);
            long tag = TestMemory.tag(7, p, witnesses.size());
            TestMemory.fill(p, size, tag);
            witnesses.add(new Witness(p, size, tag));
        }
    }

    @AfterEach
    void tearDown() {
        if (alloc != null) alloc.close();
    }

    /**
     * The allocator is consistent after a misuse: witnesses intact, exactly {@code otherLive} more blocks
     * live than the witnesses, and fresh blocks of every tier can be allocated, written and freed.
     */
    void assertHealthy(long otherLive) {
        for (Witness w : witnesses) {
            long mm = TestMemory.mismatch(w.address, w.size, w.tag);
            if (mm >= 0) fail("witness " + hex(w.address) + " (size " + w.size + ") corrupted: " + TestMemory.describeMismatch(w.address, mm, w.tag));
        }
        assertEquals(witnesses.size() + otherLive, alloc.stats().liveBlocks(), "live blocks after the misuse");
        for (long size : PROBE_SIZES) {
            long p = alloc.malloc(size);
            assertTrue(p != 0 && (p & 15) == 0, "malloc(" + size + ") after misuse returned " + hex(p));
            TestMemory.fill(p, size, 99);
            assertEquals(-1, TestMemory.mismatch(p, size, 99));
            alloc.free(p);
        }
        assertEquals(witnesses.size() + otherLive, alloc.stats().liveBlocks(), "live blocks after probing");
    }

    void assertHealthy() {
        assertHealthy(0);
    }

    static <T extends Throwable> T expect(Class<T> type, Executable call, String... mustContain) {
        T t = assertThrows(type, call);
        String msg = t.getMessage();
        assertNotNull(msg, () -> type.getSimpleName() + " without a message");
        for (String s : mustContain) {
            assertTrue(msg.contains(s), () -> "message \"" + msg + "\" should contain \"" + s + "\"");
        }
        return t;
    }

    /** Like {@link #expect} but any one of the alternatives may appear in the message. */
    static <T extends Throwable> T expectAnyOf(Class<T> type, Executable call, String... alternatives) {
        T t = expect(type, call);
        String msg = t.getMessage();
        for (String s : alternatives) if (msg.contains(s)) return t;
        fail("message \"" + msg + "\" should contain one of " + List.of(alternatives));
        return t;
    }

    /** A live block filled with a pattern; the caller frees it. */
    long patterned(long size, long tag) {
        long p = alloc.malloc(size);
        TestMemory.fill(p, size, tag);
        return p;
    }

    void assertIntact(long p, long size, long tag) {
        long mm = TestMemory.mismatch(p, size, tag);
        if (mm >= 0) fail(TestMemory.describeMismatch(p, mm, tag));
    }

    // ---------------------------------------------------------------- negative sizes, bad alignments

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {-1, -5, -4096, Long.MIN_VALUE})
    void negativeSizes(long size) {
        String v = Long.toString(size);
        expect(IllegalArgumentException.class, () -> alloc.malloc(size), v);
        expect(IllegalArgumentException.class, () -> alloc.calloc(size, 8), v);
        expect(IllegalArgumentException.class, () -> alloc.calloc(8, size), v);
        expect(IllegalArgumentException.class, () -> alloc.realloc(0, size), v);
        expect(IllegalArgumentException.class, () -> alloc.mallocAligned(size, 64), v);
        expect(IllegalArgumentException.class, () -> alloc.allocate(size, 16), v);
        assertHealthy();
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {-1, -5, -4096, Long.MIN_VALUE})
    void reallocToNegativeSizeKeepsTheBlock(long size) {
        long p = patterned(100, 5);
        expect(IllegalArgumentException.class, () -> alloc.realloc(p, size), hex(p), Long.toString(size));
        assertIntact(p, 100, 5);
        assertHealthy(1);
        alloc.free(p);
        assertHealthy();
    }

    @ParameterizedTest(name = "alignment {0}")
    @ValueSource(longs = {0, 3, 24, -16, 48, 4097, Long.MIN_VALUE})
    void badAlignments(long alignment) {
        String v = Long.toString(alignment);
        expect(IllegalArgumentException.class, () -> alloc.mallocAligned(64, alignment), v);
        expect(IllegalArgumentException.class, () -> alloc.mallocAligned(100_000, alignment), v);
        expect(IllegalArgumentException.class, () -> alloc.allocate(64, alignment), v);
        assertHealthy();
    }

    /**
     * Size first, then alignment, in {@code mallocAligned} as in {@code allocate} (issue 19). C's order,
     * {@code aligned_alloc(alignment, size)}, has no method: a C-ordered call under C's name does not
     * compile. A swapped call whose size is not a power of two is refused, and the message shows the
     * call and the order; a swap of two powers of two cannot be told from a real request.
     */
    @Test
    void aSwappedAlignmentCallIsRefusedAndTheMessageNamesTheOrder() {
        long p = alloc.mallocAligned(100, 4096); // 100 bytes aligned to 4096
        assertEquals(0, p & 4095, hex(p));
        assertTrue(alloc.usableSize(p) >= 100);
        alloc.free(p);

        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class, () -> alloc.mallocAligned(4096, 100));
        assertEquals("mallocAligned(4096, 100): the alignment, the second argument, must be a positive power of two, got 100"
                + " (the size comes first: mallocAligned(size, alignment))", swapped.getMessage());
        IllegalArgumentException segment = assertThrows(IllegalArgumentException.class, () -> alloc.allocate(4096, 100));
        assertEquals("allocate(4096, 100): the alignment, the second argument, must be a positive power of two, got 100"
                + " (the size comes first: allocate(size, alignment))", segment.getMessage());
        assertHealthy();

        for (java.lang.reflect.Method m : NativeAllocator.class.getMethods()) {
            assertFalse(m.getName().toLowerCase(java.util.Locale.ROOT).contains("alignedalloc"), "a C-named method: " + m);
        }
    }

    @Test
    void callocOverflow() {
        expectAnyOf(IllegalArgumentException.class, () -> alloc.calloc(Long.MAX_VALUE, 2),
                Long.toString(Long.MAX_VALUE), hex(Long.MAX_VALUE), "overflow");
        expectAnyOf(IllegalArgumentException.class, () -> alloc.calloc(2, Long.MAX_VALUE),
                Long.toString(Long.MAX_VALUE), hex(Long.MAX_VALUE), "overflow");
        expectAnyOf(IllegalArgumentException.class, () -> alloc.calloc(1L << 32, 1L << 32),
                Long.toString(1L << 32), hex(1L << 32), "overflow");
        assertHealthy();
    }

    // ---------------------------------------------------------------- foreign, interior, never allocated

    @Test
    void freeOfForeignAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(64, 16);
            long fa = foreign.address();
            expect(IllegalArgumentException.class, () -> alloc.free(fa), hex(fa));
            expect(IllegalArgumentException.class, () -> alloc.free(foreign), hex(fa));
            foreign.set(ValueLayout.JAVA_LONG, 0, 42); // the foreign memory was not touched either
            assertEquals(42, foreign.get(ValueLayout.JAVA_LONG, 0));
        }
        expect(IllegalArgumentException.class, () -> alloc.free(0x12345670L), "0x12345670");
        expect(IllegalArgumentException.class, () -> alloc.free(0x7ffd_1234_5670L), hex(0x7ffd_1234_5670L));
        expect(IllegalArgumentException.class, () -> alloc.free(-16L), hex(-16L));
        assertHealthy();
    }

    @Test
    void freeOfInteriorPointers() {
        record Case(long size, long offset, String tier) {}
        List<Case> cases = List.of(
                new Case(64, 16, "TINY"), new Case(64, 1, "TINY"), new Case(1024, 512, "TINY"),
                new Case(16 * KiB, 4096, "MID"), new Case(16 * KiB, 16, "MID"),
                new Case(1 * MiB, 4096, "LARGE"), new Case(1 * MiB, 16, "LARGE"),
                new Case(4 * MiB, 4096, null), new Case(4 * MiB, 16, null)); // Huge: tier only where known
        for (Case c : cases) {
            long tag = 1000 + c.offset;
            long p = patterned(c.size, tag);
            long bad = p + c.offset;
            if (c.tier != null) {
                expect(IllegalArgumentException.class, () -> alloc.free(bad), hex(bad), c.tier);
            } else {
                expect(IllegalArgumentException.class, () -> alloc.free(bad), hex(bad));
            }
            assertIntact(p, c.size, tag);
            assertHealthy(1);
            alloc.free(p); // the block itself is still live and frees normally
            assertHealthy();
        }
    }

    /** realloc and usableSize reject what free rejects: interior and foreign addresses (IAE), freed blocks (ISE). */
    @Test
    void reallocAndUsableSizeRejectBadAddresses() {
        long[] sizes = {64, 16 * KiB, 1 * MiB, 4 * MiB};
        String[] tiers = {"TINY", "MID", "LARGE", null};
        for (int i = 0; i < sizes.length; i++) {
            long size = sizes[i];
            long p = patterned(size, 40 + i);
            long bad = p + 16;
            String[] want = tiers[i] == null ? new String[] {hex(bad)} : new String[] {hex(bad), tiers[i]};
            expect(IllegalArgumentException.class, () -> alloc.realloc(bad, 100), want);
            expect(IllegalArgumentException.class, () -> alloc.usableSize(bad), want);
            assertIntact(p, size, 40 + i);
            assertHealthy(1);
            alloc.free(p);
            expect(IllegalStateException.class, () -> alloc.realloc(p, 100), hex(p));
            assertHealthy();
        }
        expect(IllegalArgumentException.class, () -> alloc.realloc(0x12345670L, 8), "0x12345670");
        expect(IllegalArgumentException.class, () -> alloc.usableSize(0x12345670L), "0x12345670");
        assertHealthy();
    }

    @Test
    void freeOfNeverAllocatedAddressInsideTheAllocatorsRange() {
        // A fresh allocator: nothing but p lives in the 16-byte class, so p + 16 * 1000 was never
        // returned (it may or may not have been carved into blocks yet).
        alloc.close();
        witnesses.clear();
        alloc = Hakmem.create();
        long p = alloc.malloc(16);
        addWitnesses(alloc);
        long bad = p + 16 * 1000;
        for (Witness w : witnesses) {
            assertFalse(bad >= w.address && bad < w.address + w.size, "test set-up: the probe address hit a witness");
        }
        expect(IllegalArgumentException.class, () -> alloc.free(bad), hex(bad));
        assertHealthy(1);
        alloc.free(p);
        assertHealthy();
    }

    // ---------------------------------------------------------------- double frees

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {32, 1024, 5000, 32 * 1024, 100_000, 2 * 1024 * 1024, 3 * 1024 * 1024})
    void doubleFreeRightAway(long size) {
        long p = alloc.malloc(size);
        String tier = tierOf(size);
        alloc.free(p); // the block now sits in this thread's cache (Tiny, Mid) or the Large/Huge free state
        expect(IllegalStateException.class, () -> alloc.free(p), hex(p), tier);
        assertHealthy();
        // the block must not be handed out twice: two fresh allocations of its size differ
        long a = alloc.malloc(size), b = alloc.malloc(size);
        assertNotEquals(a, b, "after a rejected double free of " + hex(p) + " the same block was handed out twice");
        alloc.free(a);
        alloc.free(b);
        assertHealthy();
    }

    /** A Large block whose freed run has merged with the free run before it is still a double free. */
    @Test
    void doubleFreeOfLargeBlockAfterItsRunCoalesced() {
        long a = alloc.malloc(100_000), b = alloc.malloc(100_000), c = alloc.malloc(100_000);
        alloc.free(a);
        alloc.free(b); // b's run merges with a's free run on its left
        expect(IllegalStateException.class, () -> alloc.free(b), hex(b), "LARGE");
        expect(IllegalStateException.class, () -> alloc.free(a), hex(a), "LARGE");
        assertHealthy(1);
        alloc.free(c);
        assertHealthy();
    }

    /** A Large block whose whole chunk went back to the reservation after the free is still a double free. */
    @Test
    void doubleFreeOfLargeBlockAfterItsChunkWasReleased() {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 12; i++) blocks.add(alloc.malloc(1 * MiB)); // several 4 MiB chunks
        for (long p : blocks) alloc.free(p);
        long last = blocks.get(blocks.size() - 1);
        expect(IllegalStateException.class, () -> alloc.free(last), hex(last), "LARGE");
        assertHealthy();
    }

    @Test
    void doubleFreeOfTinyBlockAfterItLeftTheThreadCache() {
        long[] others = new long[1000];
        for (int i = 0; i < others.length; i++) others[i] = alloc.malloc(48);
        long p = alloc.malloc(48);
        alloc.free(p);
        for (long o : others) alloc.free(o); // overflows the thread cache: batches move to the shared lists
        expect(IllegalStateException.class, () -> alloc.free(p), hex(p), "TINY");
        assertHealthy();
        // every block of the class is handed out at most once
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < others.length + 1; i++) {
            long q = alloc.malloc(48);
            assertTrue(seen.add(q), "block " + hex(q) + " handed out twice after a rejected double free");
        }
        for (long q : seen) alloc.free(q);
        assertHealthy();
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {32, 5000, 100_000, 3 * 1024 * 1024})
    void doubleFreeWhereTheFirstFreeCameFromAnotherThread(long size) throws Exception {
        long p = alloc.malloc(size);
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                alloc.free(p);
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.start();
        t.join();
        assertEquals(null, err.get(), "cross-thread free failed");
        expect(IllegalStateException.class, () -> alloc.free(p), hex(p), tierOf(size));
        assertHealthy();
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {32, 5000, 100_000, 3 * 1024 * 1024})
    void doubleFreeFromAnotherThreadWhileTheBlockSitsInTheFreeingThreadsCache(long size) throws Exception {
        long p = alloc.malloc(size);
        alloc.free(p); // in this thread's cache (Tiny, Mid)
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                alloc.free(p);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join();
        assertNotNull(thrown.get(), "double free from another thread of " + hex(p) + " (size " + size + ") was not detected");
        assertEquals(IllegalStateException.class, thrown.get().getClass(), "exception type: " + thrown.get());
        assertTrue(thrown.get().getMessage().contains(hex(p)), thrown.get().getMessage());
        assertHealthy();
    }

    @Test
    void doubleFreeOfSegment() {
        MemorySegment s = alloc.allocate(100, 16);
        alloc.free(s);
        expect(IllegalStateException.class, () -> alloc.free(s), hex(s.address()));
        assertHealthy();
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {32, 5000, 100_000, 3 * 1024 * 1024})
    void usableSizeOfFreedBlock(long size) {
        long p = alloc.malloc(size);
        alloc.free(p);
        expect(IllegalStateException.class, () -> alloc.usableSize(p), hex(p));
        assertHealthy();
    }

    // ---------------------------------------------------------------- free(0), close

    @Test
    void freeOfZeroIsANoOp() {
        AllocatorStats before = alloc.stats();
        assertDoesNotThrow(() -> alloc.free(0));
        AllocatorStats after = alloc.stats();
        assertEquals(before.liveBlocks(), after.liveBlocks());
        assertEquals(before.frees(), after.frees());
        assertHealthy();
    }

    @Test
    void callsAfterClose() {
        long p = alloc.malloc(64);
        MemorySegment seg = alloc.allocate(256, 64);
        seg.set(ValueLayout.JAVA_LONG, 0, 7);
        alloc.close();
        assertAll(
                () -> expect(IllegalStateException.class, () -> alloc.malloc(16)),
                () -> expect(IllegalStateException.class, () -> alloc.calloc(2, 8)),
                () -> expect(IllegalStateException.class, () -> alloc.realloc(0, 16)),
                () -> expect(IllegalStateException.class, () -> alloc.realloc(p, 128), hex(p)),
                () -> expect(IllegalStateException.class, () -> alloc.mallocAligned(16, 64)),
                () -> expect(IllegalStateException.class, () -> alloc.free(p), hex(p)),
                () -> expect(IllegalStateException.class, () -> alloc.usableSize(p), hex(p)),
                // stats() after close: the snapshot taken at close, with the witnesses, p and seg still live
                () -> assertEquals(witnesses.size() + 2, alloc.stats().liveBlocks()),
                () -> expect(IllegalStateException.class, () -> alloc.allocate(16, 16)),
                () -> expect(IllegalStateException.class, () -> alloc.allocateFrom("hello")),
                () -> expect(IllegalStateException.class, () -> alloc.free(seg), hex(seg.address())),
                // the segment from allocate() is bound to the allocator: access after close throws
                () -> assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_LONG, 0)),
                () -> assertThrows(IllegalStateException.class, () -> seg.set(ValueLayout.JAVA_LONG, 0, 1)),
                () -> assertFalse(seg.scope().isAlive(), "segment scope still alive after close()"));
        assertDoesNotThrow(() -> alloc.close(), "close() is idempotent");
    }

    // ---------------------------------------------------------------- out of memory

    @Test
    void outOfMemoryInLargeThenUsableAgain() {
        alloc.close();
        witnesses.clear();
        long limit = 64 * MiB;
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).build());
        addWitnesses(alloc);
        long size = 1 * MiB;
        List<Long> blocks = new ArrayList<>();
        OutOfMemoryError oom = null;
        for (int i = 0; i < 256 && oom == null; i++) {
            try {
                long p = alloc.malloc(size);
                TestMemory.fill(p, size, p);
                blocks.add(p);
            } catch (OutOfMemoryError e) {
                oom = e;
            }
        }
        assertNotNull(oom, "no OutOfMemoryError after " + blocks.size() + " MiB with a 64 MiB limit");
        assertTrue(blocks.size() * size <= limit, blocks.size() + " blocks of 1 MiB handed out under a 64 MiB limit");
        assertNotNull(oom.getMessage(), "OutOfMemoryError without a message");
        String msg = oom.getMessage();
        assertTrue(mentionsSize(msg, size) || mentionsSize(msg, limit),
                "OutOfMemoryError message should give the sizes (request " + size + ", limit " + limit + "): " + msg);
        AllocatorStats s = alloc.stats();
        assertTrue(s.bytesCommitted() <= limit, "bytesCommitted " + s.bytesCommitted() + " over the limit " + limit);
        for (long p : blocks) assertIntact(p, size, p);
        // a realloc that cannot be satisfied leaves the block where and as it was
        long first = blocks.get(0);
        OutOfMemoryError rerr = assertThrows(OutOfMemoryError.class, () -> alloc.realloc(first, 512 * MiB));
        assertTrue(mentionsSize(rerr.getMessage(), 512 * MiB), "realloc OOM message should give the size: " + rerr.getMessage());
        assertIntact(first, size, first);
        assertTrue(alloc.usableSize(first) >= size, "the block is still live");
        // a too-big single request fails too, and says so with its size
        long tooBig = 1L << 30;
        OutOfMemoryError huge = assertThrows(OutOfMemoryError.class, () -> alloc.malloc(tooBig));
        assertNotNull(huge.getMessage());
        assertTrue(mentionsSize(huge.getMessage(), tooBig), "message should give the size " + tooBig + ": " + huge.getMessage());
        // free half, allocate again
        for (int i = 0; i < blocks.size(); i += 2) alloc.free(blocks.get(i));
        List<Long> rest = new ArrayList<>();
        for (int i = 1; i < blocks.size(); i += 2) rest.add(blocks.get(i));
        long again = alloc.malloc(size);
        TestMemory.fill(again, size, 3);
        long tiny = alloc.malloc(100);
        for (long p : rest) assertIntact(p, size, p);
        assertIntact(again, size, 3);
        assertEquals(witnesses.size() + rest.size() + 2L, alloc.stats().liveBlocks());
        alloc.free(again);
        alloc.free(tiny);
        for (long p : rest) alloc.free(p);
        assertHealthy(); // with the Large blocks gone, every tier allocates again
    }

    /** The limit reached with Tiny and Mid blocks: OutOfMemoryError with the size, then freeing some lets allocation go on. */
    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {1000, 20_000})
    void outOfMemoryInTinyAndMidThenUsableAgain(long size) {
        alloc.close();
        witnesses.clear();
        long limit = 16 * MiB;
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).build());
        List<Long> blocks = new ArrayList<>();
        OutOfMemoryError oom = null;
        for (int i = 0; i < 100_000 && oom == null; i++) {
            try {
                long p = alloc.malloc(size);
                TestMemory.fill(p, 16, p);
                blocks.add(p);
            } catch (OutOfMemoryError e) {
                oom = e;
            }
        }
        assertNotNull(oom, "no OutOfMemoryError after " + blocks.size() + " blocks of " + size + " under a 16 MiB limit");
        assertTrue(mentionsSize(oom.getMessage(), size) || mentionsSize(oom.getMessage(), limit), "OutOfMemoryError should give the sizes: " + oom.getMessage());
        assertTrue(alloc.stats().bytesCommitted() <= limit);
        for (long p : blocks) assertIntact(p, 16, p);
        // the failed refill left the thread cache consistent: a second attempt fails the same way, nothing is lost
        assertThrows(OutOfMemoryError.class, () -> alloc.malloc(size));
        assertEquals(blocks.size(), alloc.stats().liveBlocks());
        for (int i = 0; i < blocks.size(); i += 2) alloc.free(blocks.get(i));
        List<Long> again = new ArrayList<>();
        for (int i = 0; i < blocks.size() / 4; i++) again.add(alloc.malloc(size));
        assertEquals(new java.util.HashSet<>(again).size(), again.size(), "a block handed out twice after OOM");
        for (int i = 1; i < blocks.size(); i += 2) assertIntact(blocks.get(i), 16, blocks.get(i));
        for (long p : again) alloc.free(p);
        for (int i = 1; i < blocks.size(); i += 2) alloc.free(blocks.get(i));
        assertEquals(0, alloc.stats().liveBlocks());
    }

    /**
     * "The allocator stays usable" after an OutOfMemoryError: once every block is freed, requests of any
     * size fit under the limit again, not only those of the class that filled it.
     */
    @Test
    void afterFillingTheLimitWithTinyBlocksAndFreeingThemEveryTierAllocates() {
        alloc.close();
        witnesses.clear();
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(16 * MiB).build());
        List<Long> blocks = new ArrayList<>();
        try {
            for (int i = 0; i < 100_000; i++) blocks.add(alloc.malloc(1000));
            fail("no OutOfMemoryError under a 16 MiB limit");
        } catch (OutOfMemoryError expected) {
            // the limit is reached
        }
        for (long p : blocks) alloc.free(p);
        assertEquals(0, alloc.stats().liveBlocks());
        List<Executable> checks = new ArrayList<>();
        for (long size : new long[] {1000, 64, 20_000, 100_000, 3 * MiB}) {
            checks.add(() -> {
                try {
                    alloc.free(alloc.malloc(size));
                } catch (OutOfMemoryError e) {
                    fail("malloc(" + size + ") with no block live under a 16 MiB limit: " + e.getMessage());
                }
            });
        }
        assertAll(checks);
    }

    /**
     * Memory pressure in one thread gives back the slabs of blocks another thread, still alive, freed
     * itself: those wait in that thread's spill (its overflow beyond its cache, kept for its own
     * refills), which the pressure path must see as it sees inboxes and shared lists. About 12 MiB of
     * Tiny slabs are freed by the other thread, then this thread asks for 8 MiB under a 16 MiB limit.
     */
    @Test
    void slabsFreedByAnotherLiveThreadAreReleasedUnderPressure() throws InterruptedException {
        alloc.close();
        witnesses.clear();
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(16 * MiB).build());
        java.util.concurrent.CountDownLatch freed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                long[] blocks = new long[12_000];
                for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(1000);
                for (long p : blocks) alloc.free(p);
            } catch (Throwable t) {
                error.set(t);
            }
            freed.countDown();
            try {
                done.await(); // alive until the end: its cache is not reclaimed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "frees-its-own-blocks");
        other.start();
        try {
            freed.await();
            assertEquals(null, error.get(), "the other thread's mallocs and frees under the limit");
            AllocatorStats s = alloc.stats();
            assertTrue(s.bytesCommitted() >= 11 * MiB, "test set-up: the other thread's slabs are kept, committed " + s.bytesCommitted());
            long p;
            try {
                p = alloc.malloc(8 * MiB);
            } catch (OutOfMemoryError e) {
                throw new AssertionError("malloc(8 MiB) failed with nothing live under a 16 MiB limit (committed "
                        + s.bytesCommitted() + ", Tiny cached " + s.tier(Tier.TINY).cachedBytes() + "): " + e.getMessage(), e);
            }
            TestMemory.touchPages(p, 8 * MiB);
            alloc.free(p);
            assertEquals(0, alloc.stats().liveBlocks());
        } finally {
            done.countDown();
            other.join();
        }
    }

    /** The reserved address space (addressSpace) used up: OutOfMemoryError with the size; Huge, outside it, still works. */
    @Test
    void addressSpaceExhaustedThenUsableAgain() {
        alloc.close();
        witnesses.clear();
        alloc = Hakmem.create(AllocatorConfig.builder().addressSpace(64 * MiB).build());
        List<Long> blocks = new ArrayList<>();
        OutOfMemoryError oom = null;
        for (int i = 0; i < 200 && oom == null; i++) {
            try {
                blocks.add(alloc.malloc(1 * MiB));
            } catch (OutOfMemoryError e) {
                oom = e;
            }
        }
        assertNotNull(oom, "no OutOfMemoryError after " + blocks.size() + " MiB in a 64 MiB address space");
        assertTrue(mentionsSize(oom.getMessage(), 1 * MiB), "OutOfMemoryError should give the size: " + oom.getMessage());
        long huge = alloc.malloc(3 * MiB);
        TestMemory.fill(huge, 3 * MiB, 8);
        alloc.free(blocks.remove(blocks.size() - 1));
        long again = alloc.malloc(1 * MiB);
        TestMemory.fill(again, 1 * MiB, 9);
        assertEquals(-1, TestMemory.mismatch(huge, 3 * MiB, 8));
        alloc.free(again);
        alloc.free(huge);
        for (long p : blocks) alloc.free(p);
        assertHealthy();
    }

    /**
     * Freed Large memory must not make the allocator fail under its memory limit: with half of a 64 MiB
     * limit free (in 1 MiB runs between live ones), a 2 MiB block must still be had.
     *
     * <p>With {@code largeRetainedBytes = 0} this is plain contract: all freed Large memory is "returned
     * to the OS" (AllocatorConfig), and bytesCommitted counts what is "obtained from the OS and not
     * returned (counted against the memory limit)" (AllocatorStats). With the default 64 MiB retention
     * the allocator may keep the freed runs, but should give cached runs back before failing a request.
     */
    @ParameterizedTest(name = "largeRetainedBytes {0}")
    @ValueSource(longs = {0, 64 * 1024 * 1024})
    void cachedFreeLargeMemoryDoesNotCauseOutOfMemory(long retained) {
        alloc.close();
        witnesses.clear();
        long limit = 64 * MiB;
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).largeRetainedBytes(retained).build());
        List<Long> blocks = new ArrayList<>();
        try {
            for (int i = 0; i < 256; i++) blocks.add(alloc.malloc(1 * MiB));
            fail("no OutOfMemoryError under a 64 MiB limit");
        } catch (OutOfMemoryError expected) {
            // the limit is reached
        }
        long freed = 0;
        for (int i = 0; i < blocks.size(); i += 2) {
            alloc.free(blocks.get(i));
            freed += MiB;
        }
        AllocatorStats s = alloc.stats();
        long live = s.bytesLive();
        assertTrue(live <= limit / 2 + 2 * MiB, "test set-up: about half the limit should be live, is " + live);
        if (retained == 0) {
            assertTrue(s.bytesCommitted() <= live + 8 * MiB, "with largeRetainedBytes = 0 the " + freed
                    + " freed Large bytes are returned to the OS, yet bytesCommitted is " + s.bytesCommitted() + " with " + live + " live");
        }
        long p;
        try {
            p = alloc.malloc(2 * MiB);
        } catch (OutOfMemoryError e) {
            throw new AssertionError("malloc(2 MiB) failed with only " + live + " of " + limit + " bytes live after freeing "
                    + freed + " bytes (committed " + s.bytesCommitted() + ", Large cached " + s.tier(Tier.LARGE).cachedBytes() + "): " + e.getMessage(), e);
        }
        alloc.free(p);
        for (int i = 1; i < blocks.size(); i += 2) alloc.free(blocks.get(i));
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void outOfMemoryInHugeThenUsableAgain() {
        alloc.close();
        witnesses.clear();
        long limit = 64 * MiB;
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).build());
        addWitnesses(alloc);
        long size = 8 * MiB + 1;
        List<Long> blocks = new ArrayList<>();
        OutOfMemoryError oom = null;
        for (int i = 0; i < 32 && oom == null; i++) {
            try {
                long p = alloc.malloc(size);
                TestMemory.touchPages(p, size);
                blocks.add(p);
            } catch (OutOfMemoryError e) {
                oom = e;
            }
        }
        assertNotNull(oom, "no OutOfMemoryError after " + blocks.size() + " blocks of 8 MiB with a 64 MiB limit");
        assertTrue(blocks.size() * size <= limit, blocks.size() + " Huge blocks handed out under a 64 MiB limit");
        assertNotNull(oom.getMessage(), "OutOfMemoryError without a message");
        assertTrue(mentionsSize(oom.getMessage(), size) || mentionsSize(oom.getMessage(), limit),
                "OutOfMemoryError message should give the sizes: " + oom.getMessage());
        assertFalse(blocks.isEmpty(), "not even one 8 MiB block fit under a 64 MiB limit");
        alloc.free(blocks.remove(blocks.size() - 1));
        long again = alloc.malloc(size);
        TestMemory.fill(again, size, 11);
        assertEquals(-1, TestMemory.mismatch(again, size, 11));
        assertEquals(witnesses.size() + blocks.size() + 1L, alloc.stats().liveBlocks());
        alloc.free(again);
        for (long p : blocks) alloc.free(p);
        assertHealthy(); // with the Huge blocks gone, every tier allocates again
    }

    /**
     * Freed Huge mappings kept for reuse (hugeRetainedBytes) must not make a request fail under the
     * memory limit when nothing is live: 4 x 8 MiB are freed (and retained), then a 40 MiB block is asked
     * for under a 64 MiB limit.
     */
    @Test
    void retainedHugeMappingsDoNotCauseOutOfMemory() {
        alloc.close();
        witnesses.clear();
        long limit = 64 * MiB;
        alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).hugeRetainedBytes(32 * MiB).build());
        long[] ps = new long[4];
        for (int i = 0; i < ps.length; i++) ps[i] = alloc.malloc(8 * MiB);
        for (long p : ps) alloc.free(p);
        AllocatorStats s = alloc.stats();
        assertEquals(0, s.liveBlocks());
        long p;
        try {
            p = alloc.malloc(40 * MiB);
        } catch (OutOfMemoryError e) {
            throw new AssertionError("malloc(40 MiB) failed with nothing live under a 64 MiB limit (committed " + s.bytesCommitted()
                    + ", Huge cached " + s.tier(Tier.HUGE).cachedBytes() + "): " + e.getMessage(), e);
        }
        TestMemory.touchPages(p, 40 * MiB);
        alloc.free(p);
        assertHealthy();
    }

    /** Whether {@code msg} gives {@code bytes} in decimal, hex, or as whole KiB/MiB/GiB. */
    static boolean mentionsSize(String msg, long bytes) {
        if (msg.contains(Long.toString(bytes)) || msg.contains(hex(bytes))) return true;
        String[] units = {"KiB", "MiB", "GiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (i + 1));
            if (bytes % unit == 0 && (msg.contains(bytes / unit + " " + units[i]) || msg.contains(bytes / unit + units[i]))) return true;
        }
        return false;
    }

    static String tierOf(long size) {
        if (size <= AllocatorConfig.TINY_MAX) return "TINY";
        if (size <= AllocatorConfig.MID_MAX) return "MID";
        if (size <= AllocatorConfig.LARGE_MAX) return "LARGE";
        return "HUGE";
    }
}
