package dev.hakmem;

import static dev.hakmem.TestMemory.MiB;
import static dev.hakmem.TestMemory.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Randomised differential test against a model of the heap: a {@link TreeMap} from address to block
 * (requested size, usable size, content tag). Every block is filled over its whole usable size with a
 * pattern derived from the seed, its address and the operation number, and that content is verified in
 * full before each free and realloc (and at checkpoints for all live blocks). 3 seeds x 400,000
 * operations = 1.2 million operations over all tiers with the default configuration, plus 150,000 in
 * each of three other configurations.
 *
 * <p>On failure the seed and operation number are in the assertion message and on stderr; rerun one
 * seed with {@code -Dtest=DifferentialModelTest}.
 */
@ExtendWith(OomAsFailure.class)
class DifferentialModelTest {
    static final int OPS_PER_SEED = 400_000;
    static final int MAX_LIVE = 4_000;
    static final long MAX_LIVE_BYTES = 192 * MiB;
    static final long TWO_MIB = 2 * MiB;

    static final long[] EDGES = {0, 1, 15, 16, 17, 1024, 1025, 32768 - 1, 32768, 32768 + 1, 65536 - 1, 65536, 65536 + 1, TWO_MIB - 1, TWO_MIB, TWO_MIB + 1};

    /** A live block of the model. */
    static final class Block {
        final long address;
        final long size;
        final long usable;
        final long tag;
        /** Tiny or Mid by the contract's rule: a malloc-like request (not aligned) of at most 32 KiB. */
        final boolean small;
        int index; // position in the live list

        Block(long address, long size, long usable, long tag, boolean small) {
            this.address = address;
            this.size = size;
            this.usable = usable;
            this.tag = tag;
            this.small = small;
        }

        @Override
        public String toString() {
            return "block " + hex(address) + " (size " + size + ", usable " + usable + ")";
        }
    }

    /** The model of one run. */
    static final class Model {
        final TreeMap<Long, Block> byAddress = new TreeMap<>();
        final ArrayList<Block> live = new ArrayList<>();
        long liveBytes;

        void add(Block b) {
            b.index = live.size();
            live.add(b);
            byAddress.put(b.address, b);
            liveBytes += b.usable;
        }

        void remove(Block b) {
            Block last = live.remove(live.size() - 1);
            if (last != b) {
                live.set(b.index, last);
                last.index = b.index;
            }
            byAddress.remove(b.address);
            liveBytes -= b.usable;
        }
    }

    /** One run: the allocator, the model, the random source and what is being done now (for messages). */
    static final class Run {
        final NativeAllocator alloc;
        final long seed;
        final SplittableRandom rnd;
        final Model model = new Model();
        int op;
        String what = "start";
        long arg1, arg2, arg3;
        long freeBias = 35; // percent of operations that free, flipped between growth and shrink phases
        long checkedOps;
        /** Misuse is injected only with checks on (detection is not promised without them). */
        final boolean misuse;
        /** Recently freed Tiny/Mid blocks, for double-free injection (Large/Huge double frees: MisuseTest). */
        final long[] recentlyFreed = new long[64];
        int recentCount;
        long misuses;
        /** Request sizes (other tests weigh the tiers differently; this test uses {@link #randomSize}). */
        ToLongFunction<SplittableRandom> sizes = DifferentialModelTest::randomSize;
        /** Live bytes beyond which every step frees. */
        long maxLiveBytes = MAX_LIVE_BYTES;
        /** Called with each block the allocator has just freed (by free, or by a realloc that moved it). */
        Consumer<Block> afterFree = b -> {};

        Run(NativeAllocator alloc, long seed, boolean misuse) {
            this.alloc = alloc;
            this.seed = seed;
            this.rnd = new SplittableRandom(seed);
            this.misuse = misuse;
        }

        String where() {
            boolean addressFirst = what.startsWith("realloc") || what.startsWith("free") || what.startsWith("usableSize");
            return "seed=" + seed + " op#" + op + " " + what + "(" + (addressFirst ? hex(arg1) : Long.toString(arg1)) + ", " + arg2
                    + (what.startsWith("realloc") ? ", old size " + arg3 : "") + ")";
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0x1CEB00DAL, 42L, 0xC0FFEE_2025L})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void randomOperationsMatchTheModel(long seed) {
        runAgainstModel(AllocatorConfig.defaults(), seed, OPS_PER_SEED);
    }

    /** Other configurations, 150,000 operations each: caches that flush all the time, retention on/off, checks off, other classes. */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("tiny caches, no Large retention, Huge retention",
                        AllocatorConfig.builder().tinyCache(2, 1).midCache(2, 1).largeRetainedBytes(0).hugeRetainedBytes(16 * MiB).build()),
                Arguments.of("checks off", AllocatorConfig.builder().checks(false).build()),
                Arguments.of("few Tiny classes, small caches",
                        AllocatorConfig.builder().tinyClasses(16, 48, 128, 256, 512, 1024).tinyCache(8, 8).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomOperationsMatchTheModelInOtherConfigurations(String name, AllocatorConfig config) {
        runAgainstModel(config, 0xABCDEFL ^ name.hashCode(), 150_000);
    }

    static void runAgainstModel(AllocatorConfig config, long seed, int ops) {
        try (NativeAllocator alloc = Hakmem.create(config)) {
            Run run = new Run(alloc, seed, config.checks());
            try {
                for (run.op = 0; run.op < ops; run.op++) {
                    if (run.op % 20_000 == 0) run.freeBias = (run.op / 20_000) % 2 == 0 ? 30 : 42;
                    step(run);
                    run.checkedOps++;
                    if (run.op % 100_000 == 99_999) checkpoint(run);
                }
                run.what = "final free";
                checkpoint(run);
                while (!run.model.live.isEmpty()) freeBlock(run, run.model.live.get(run.model.live.size() - 1));
                AllocatorStats s = alloc.stats();
                assertEquals(0, s.liveBlocks(), "stats().liveBlocks() after freeing every block: " + s);
                assertEquals(0, s.bytesLive(), "stats().bytesLive() after freeing every block: " + s);
            } catch (Throwable t) {
                String msg = "DifferentialModelTest failed (" + config + "): " + run.where() + " after " + run.checkedOps + " operations, "
                        + run.model.live.size() + " live blocks: " + t;
                System.err.println(msg);
                throw new AssertionError(msg, t);
            }
            assertTrue(run.checkedOps >= ops);
            if (run.misuse) assertTrue(run.misuses > ops / 400, "misuse injection ran only " + run.misuses + " times");
        }
    }

    // ------------------------------------------------------------------------------------------------

    static long randomSize(SplittableRandom r) {
        int x = r.nextInt(10_000);
        if (x < 300) return EDGES[r.nextInt(EDGES.length)];
        if (x < 5_000) return r.nextInt(257);                           // small Tiny
        if (x < 7_500) return 257 + r.nextInt(1024 - 257 + 1);           // rest of Tiny
        if (x < 9_880) return 1025 + r.nextInt(65536 - 1025 + 1);        // Mid
        if (x < 9_990) {                                                 // Large, log-uniform
            double lo = Math.log(65537), hi = Math.log(TWO_MIB);
            return Math.min(TWO_MIB, (long) Math.exp(lo + r.nextDouble() * (hi - lo)));
        }
        return TWO_MIB + 1 + r.nextLong(4 * MiB);                        // Huge, rarely
    }

    static void step(Run run) {
        Model m = run.model;
        SplittableRandom r = run.rnd;
        int n = m.live.size();
        if (n >= MAX_LIVE || m.liveBytes > run.maxLiveBytes) {
            freeBlock(run, pick(run));
            return;
        }
        int k = r.nextInt(100);
        if (n == 0 || k >= run.freeBias + 30) {
            // allocations: about 100 - freeBias - 30 percent
            int kind = r.nextInt(10);
            if (kind < 6) doMalloc(run);
            else if (kind < 8) doCalloc(run);
            else doAligned(run);
        } else if (k < run.freeBias) {
            freeBlock(run, pick(run));
        } else if (k < run.freeBias + 15) {
            doRealloc(run);
        } else if (k < run.freeBias + 24) {
            Block b = pick(run);
            run.what = "usableSize";
            run.arg1 = b.address;
            long u = run.alloc.usableSize(b.address);
            if (u < b.size) fail("usableSize(" + hex(b.address) + ") = " + u + " < size " + b.size);
        } else if (k == run.freeBias + 29 && run.misuse) {
            misuse(run);
        } else {
            verify(run, pick(run), "verify");
        }
    }

    /**
     * One misuse in the current random state; the exception must be the contract's and name the
     * address, and the victim block must be unharmed (the next checkpoint also compares the live-block
     * count). Interior pointers, double frees of Tiny/Mid blocks that sit in a cache or central list, and
     * foreign addresses.
     */
    static void misuse(Run run) {
        SplittableRandom r = run.rnd;
        int kind = r.nextInt(4);
        run.misuses++;
        if (kind <= 1) {
            Block b = pick(run);
            if (b.usable < 32) return;
            long off = 16 * (1 + r.nextLong(Math.min(b.usable / 16 - 1, 4096)));
            long bad = b.address + off;
            run.what = kind == 0 ? "misuse: free(interior)" : "misuse: usableSize(interior)";
            run.arg1 = bad;
            run.arg2 = off;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> { if (kind == 0) run.alloc.free(bad); else run.alloc.usableSize(bad); },
                    () -> run.what + " " + off + " bytes into " + b);
            assertTrue(e.getMessage() != null && e.getMessage().contains(hex(bad)), "message should name " + hex(bad) + ": " + e.getMessage());
            verify(run, b, "after " + run.what);
        } else if (kind == 2) {
            if (run.recentCount == 0) return;
            long p = run.recentlyFreed[r.nextInt(Math.min(run.recentCount, run.recentlyFreed.length))];
            Map.Entry<Long, Block> covering = run.model.byAddress.floorEntry(p);
            if (covering != null && covering.getKey() + covering.getValue().usable > p) return; // handed out again since
            run.what = "misuse: double free";
            run.arg1 = p;
            run.arg2 = 0;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.alloc.free(p),
                    () -> "double free of the freed Tiny/Mid block " + hex(p));
            assertTrue(e.getMessage() != null && e.getMessage().contains(hex(p)), "message should name " + hex(p) + ": " + e.getMessage());
        } else {
            long bad = 0x10000L + 16 * r.nextLong(1 << 20); // low addresses: never this allocator's
            run.what = "misuse: free(foreign)";
            run.arg1 = bad;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.alloc.free(bad));
            assertTrue(e.getMessage() != null && e.getMessage().contains(hex(bad)), "message should name " + hex(bad) + ": " + e.getMessage());
        }
    }

    static Block pick(Run run) {
        ArrayList<Block> live = run.model.live;
        // a third of the picks take the newest block, which exercises LIFO reuse through the thread caches
        return run.rnd.nextInt(3) == 0 ? live.get(live.size() - 1) : live.get(run.rnd.nextInt(live.size()));
    }

    static void doMalloc(Run run) {
        long size = run.sizes.applyAsLong(run.rnd);
        run.what = "malloc";
        run.arg1 = size;
        run.arg2 = run.arg3 = 0;
        long p = run.alloc.malloc(size);
        admit(run, p, size, 16);
    }

    static void doCalloc(Run run) {
        SplittableRandom r = run.rnd;
        long total = run.sizes.applyAsLong(r);
        long count, elem;
        if (total == 0) {
            count = r.nextBoolean() ? 0 : 1 + r.nextInt(100);
            elem = count == 0 ? r.nextInt(100) : 0;
        } else {
            count = 1 + r.nextInt((int) Math.min(total, 64));
            elem = total / count;
            if (r.nextBoolean()) { long t = count; count = elem; elem = t; }
        }
        total = count * elem;
        run.what = "calloc";
        run.arg1 = count;
        run.arg2 = elem;
        long p = run.alloc.calloc(count, elem);
        assertTrue(p != 0, "calloc returned 0");
        long nz = TestMemory.firstNonZero(p, total);
        if (nz >= 0) fail("calloc(" + count + ", " + elem + ") = " + hex(p) + " is not zeroed: byte " + nz + " is non-zero");
        admit(run, p, total, 16);
    }

    static void doAligned(Run run) {
        SplittableRandom r = run.rnd;
        long alignment = 1L << (4 + r.nextInt(18)); // 16 .. 2 MiB
        long size = run.sizes.applyAsLong(r);
        run.what = "mallocAligned";
        run.arg1 = size;
        run.arg2 = alignment;
        long p = run.alloc.mallocAligned(size, alignment);
        admit(run, p, size, alignment);
    }

    static void doRealloc(Run run) {
        SplittableRandom r = run.rnd;
        if (r.nextInt(10) == 0) {
            long size = run.sizes.applyAsLong(r);
            run.what = "realloc";
            run.arg1 = 0;
            run.arg2 = size;
            long p = run.alloc.realloc(0, size);
            admit(run, p, size, 16);
            return;
        }
        Block b = pick(run);
        long newSize;
        int kind = r.nextInt(10);
        if (kind < 4) newSize = Math.max(0, b.size - 64 + r.nextInt(129));      // near the old size
        else if (kind < 5) newSize = b.usable - r.nextInt((int) Math.min(b.usable, 32) + 1); // within the usable size
        else if (kind < 6) newSize = 0;
        else newSize = run.sizes.applyAsLong(r);
        verify(run, b, "realloc (before)");
        run.what = "realloc";
        run.arg1 = b.address;
        run.arg2 = newSize;
        run.arg3 = b.size;
        long q = run.alloc.realloc(b.address, newSize);
        run.model.remove(b);
        if (q != b.address) run.afterFree.accept(b);
        assertTrue(q != 0, "realloc returned 0");
        long kept = Math.min(b.size, newSize);
        long mm = TestMemory.mismatch(q, kept, b.tag);
        if (mm >= 0) {
            fail("realloc(" + hex(b.address) + ", " + newSize + ") of " + b + " returned " + hex(q)
                    + " without keeping the first " + kept + " bytes: " + TestMemory.describeMismatch(q, mm, b.tag));
        }
        admit(run, q, newSize, 16, q == b.address && !b.small);
    }

    /** Checks a block just handed out, enters it into the model and fills its usable bytes. */
    static void admit(Run run, long p, long size, long alignment) {
        admit(run, p, size, alignment, false);
    }

    /** {@code inPlace}: a realloc that kept the block (whose tier then is the old block's, not the new size's). */
    static void admit(Run run, long p, long size, long alignment, boolean inPlace) {
        if (p == 0) fail("returned address 0 for size " + size);
        if ((p & 15) != 0) fail(hex(p) + " (size " + size + ") is not 16-byte aligned");
        if ((p & (alignment - 1)) != 0) fail(hex(p) + " (size " + size + ") is not aligned to " + alignment);
        long usable = run.alloc.usableSize(p);
        if (usable < size) fail("usableSize(" + hex(p) + ") = " + usable + " < size " + size);
        TreeMap<Long, Block> map = run.model.byAddress;
        Map.Entry<Long, Block> below = map.floorEntry(p);
        if (below != null && below.getKey() + below.getValue().usable > p) {
            fail("new block " + hex(p) + " (size " + size + ", usable " + usable + ") overlaps live " + below.getValue());
        }
        Map.Entry<Long, Block> above = map.higherEntry(p);
        if (above != null && p + usable > above.getKey()) {
            fail("new block " + hex(p) + " (size " + size + ", usable " + usable + ") overlaps live " + above.getValue());
        }
        long tag = TestMemory.tag(run.seed, p, run.op);
        TestMemory.fill(p, usable, tag);
        run.model.add(new Block(p, size, usable, tag, alignment == 16 && size <= AllocatorConfig.MID_MAX && !inPlace));
    }

    static void verify(Run run, Block b, String when) {
        long mm = TestMemory.mismatch(b.address, b.usable, b.tag);
        if (mm >= 0) fail(when + ": " + b + " was corrupted: " + TestMemory.describeMismatch(b.address, mm, b.tag));
    }

    static void freeBlock(Run run, Block b) {
        verify(run, b, "free (before)");
        run.what = "free";
        run.arg1 = b.address;
        run.arg2 = b.size;
        run.arg3 = 0;
        run.alloc.free(b.address);
        run.model.remove(b);
        run.afterFree.accept(b);
        if (b.small) run.recentlyFreed[run.recentCount++ % run.recentlyFreed.length] = b.address;
    }

    static void checkpoint(Run run) {
        String saved = run.what;
        run.what = "checkpoint";
        for (Block b : run.model.live) verify(run, b, "checkpoint");
        AllocatorStats s = run.alloc.stats();
        assertEquals(run.model.live.size(), s.liveBlocks(), "stats().liveBlocks() vs model at checkpoint");
        run.what = saved;
    }
}
