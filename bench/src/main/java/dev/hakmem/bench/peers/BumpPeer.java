package dev.hakmem.bench.peers;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: a bump pointer that never frees, so a workload's number with this peer is what its loop
 * costs with an allocator that does (almost) nothing. No real allocator can beat it; the gap to it is
 * what an allocator's bookkeeping costs.
 *
 * <p><b>Carving.</b> One region of {@link #lap} bytes is mapped once, with {@code mmap}. Each thread
 * carves blocks, rounded up to 16 bytes, from its own {@value #CHUNK}-byte chunk with a plain
 * pointer; a new chunk, and any block of {@value #DIRECT} bytes or more, is claimed from the region
 * with a compare-and-set on a shared cursor. The cursor wraps to the start of the region when a claim
 * does not fit before its end. free does nothing; realloc is a new block and a copy of {@code
 * newSize} bytes (the old size is not kept anywhere; the bytes past it are whatever follows in the
 * region, which C's realloc allows).
 *
 * <p><b>The lap.</b> Blocks are handed out again after one lap, whether freed or not, so the lap must
 * be far longer than any block lives, counted in bytes malloc'ed (by all threads) in between; else a
 * workload's verification would see a live block overwritten and fail the run, as it should. The
 * default, {@link #DEFAULT_LAP} (512 MiB), against the workloads of {@code docs/WORKLOADS.md}:
 * <ul>
 *   <li>blocks that wait in a queue or slot set of bounded size: xmalloc's full queue is about 26 MB,
 *       larson's slots (2 x 5000 of at most 1000 bytes) 10 MB, skewedFootprint's held blocks 38 MB,
 *       threadChurn's hand-off block and mstress's transfer array a few MB of mallocs;</li>
 *   <li>slot loops, where a block lives until its random slot comes up again (geometric, mean {@code
 *       ws} iterations): a randomMixed block (ws 8192, about 270 bytes malloc'ed per iteration) lives
 *       through 512 MiB with probability below e^-240, a large one (ws 64, log-uniform 32 KiB-2 MiB,
 *       about 250 KB per iteration, so 16 MB per mean life) below e^-32, about 10^-14;</li>
 *   <li>midLargeMt frees every block at the end of each thread's 40,000-cycle invocation, so no block
 *       outlives about 20,500 mallocs of 8-34 KiB (20 KB on average) per thread: about 0.85 GB with
 *       two threads, 0.9 GB with the chunk tails left unused. It asks for {@link #LONG_LAP} (2 GiB)
 *       through {@link Peers#create(String, long)};</li>
 *   <li>a thread's chunk is carved for as long as the thread takes to fill it, so a thread that
 *       mallocs rarely while others malloc a whole lap would collide; no workload does that.</li>
 * </ul>
 *
 * <p><b>Memory.</b> The whole region is made resident when the peer is created (in the untimed trial
 * setup): a bump pointer walks into fresh memory on every malloc of its first lap, and without this
 * the floor would measure the kernel's first-touch page faults instead of the workload's loop (on
 * this project's virtual machine several microseconds per 4 KiB page, tens of nanoseconds per small
 * block; a one-second smoke run never finishes its first lap). So the peer holds the whole lap as RSS
 * from the start and takes time to create (about 0.3 s for 512 MiB here, 1.2 s for 2 GiB; transparent
 * huge pages made it slower, 1.6-3.2 s for 2 GiB), which is the price of never freeing and must not be
 * read as a footprint result. The lap is kept small by default because the quick job creates this
 * peer in some 20 forks. {@code -Dhakmem.bench.bump.lapMiB=N} overrides any lap (a power of two, at
 * least 64); the tests run it with 64 MiB.
 *
 * <p><b>Threads.</b> Any thread may malloc and "free". The compare-and-set gives each claim bytes no
 * other claim gets in the same lap; a chunk is then used by its thread alone. Blocks reach other
 * threads only through the workload's own synchronisation, which orders their bytes as for any
 * allocator.
 */
final class BumpPeer implements BenchAllocator {
    static final long CHUNK = 64 << 10;
    static final long DIRECT = CHUNK / 4;
    /** The lap of every workload but midLargeMt. */
    static final long DEFAULT_LAP = 512L << 20;
    /** midLargeMt's lap. */
    static final long LONG_LAP = 2L << 30;

    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final int MADV_POPULATE_WRITE = 23; // Linux 5.14
    private static final long PAGE = 4096;
    private static final MethodHandle MMAP, MUNMAP, MADVISE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MMAP = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MUNMAP = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        MADVISE = linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    /** One thread's current chunk: {@code [next, end)} is still free. */
    private static final class Chunk {
        long next, end;
    }

    private final long base;
    private final long lap;
    /** Bytes claimed since the start, all laps together; the position in the region is this mod {@link #lap}. */
    private final AtomicLong claimed = new AtomicLong();
    private final ThreadLocal<Chunk> chunk = ThreadLocal.withInitial(Chunk::new);
    /** The whole region, for realloc's copy. */
    private final MemorySegment region;

    /** @throws PeerUnavailableException when the region cannot be mapped */
    @SuppressWarnings("restricted") // the region is ours for the peer's life
    BumpPeer(long lap) {
        if (Long.bitCount(lap) != 1 || lap < (64 << 20)) {
            throw new IllegalArgumentException("bump: the lap must be a power of two of at least 64 MiB, not " + lap);
        }
        this.lap = lap;
        try {
            base = (long) MMAP.invokeExact(0L, lap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
        if (base == -1) throw new PeerUnavailableException("bump unavailable: mmap of " + (lap >> 20) + " MiB failed", null);
        region = MemorySegment.ofAddress(base).reinterpret(lap);
        prefault();
    }

    /** Makes every page of the region resident now, so that no malloc pays a first-touch page fault. */
    private void prefault() {
        int rc;
        try {
            rc = (int) MADVISE.invokeExact(base, lap, MADV_POPULATE_WRITE);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
        if (rc != 0) { // a kernel older than 5.14: touch the pages instead
            for (long off = 0; off < lap; off += PAGE) region.set(ValueLayout.JAVA_BYTE, off, (byte) 0);
        }
    }

    /** The fast path: a plain bump in the thread's chunk. */
    @Override
    public long malloc(long size) {
        long need = (Math.max(size, 1) + 15) & -16L;
        Chunk c = chunk.get();
        long p = c.next;
        if (Long.compareUnsigned(size, DIRECT) < 0 && need <= c.end - p) { // 0 <= size < DIRECT
            c.next = p + need;
            return p;
        }
        return mallocSlow(c, size, need);
    }

    /** A block too large for chunks, or the thread's next chunk. */
    private long mallocSlow(Chunk c, long size, long need) {
        if (size < 0 || size > lap) throw new IllegalArgumentException("bump: cannot make a block of " + size + " bytes");
        if (need >= DIRECT) return claim(need);
        long p = claim(CHUNK);
        c.next = p + need;
        c.end = p + CHUNK;
        return p;
    }

    /**
     * {@code n} bytes of the region that no other claim of this lap has; a claim that does not fit
     * before the end of the region skips the rest of it and starts the next lap at the start.
     */
    private long claim(long n) {
        while (true) {
            long was = claimed.get();
            long start = was & (lap - 1);
            long skip = start + n <= lap ? 0 : lap - start;
            if (claimed.compareAndSet(was, was + skip + n)) return base + ((start + skip) & (lap - 1));
        }
    }

    @Override
    public void free(long block) {
        // Nothing: the floor never frees; the block's bytes come round again after a lap.
    }

    @Override
    public long realloc(long block, long newSize) {
        long q = malloc(newSize);
        // The old size is unknown, so copy newSize bytes, as far as the region goes (memmove: they may overlap).
        long n = Math.min(newSize, base + lap - block);
        MemorySegment.copy(region, block - base, region, q - base, n);
        return q;
    }

    @Override
    public String name() {
        return "bump";
    }

    /** Unmaps the region: no block of this peer may be touched afterwards. */
    @Override
    public void close() {
        try {
            int ignored = (int) MUNMAP.invokeExact(base, lap);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
    }
}
