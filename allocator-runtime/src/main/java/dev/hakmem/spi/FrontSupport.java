package dev.hakmem.spi;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.registry.StateMap;
import dev.hakmem.internal.small.BlockState;
import dev.hakmem.internal.small.SmallFront;
import dev.hakmem.internal.small.ThreadCache;
import dev.hakmem.internal.small.ThreadCaches;
import java.lang.ref.Reference;

/**
 * What a generated allocator variant needs from the runtime: the generic allocator built from the
 * variant's settings (Mid, Large and Huge, virtual threads, and every operation the variant does not
 * specialise go there), the calling thread's generated {@link ThreadFront}, and the slow paths behind
 * a generated Tiny front. This is the whole SPI; generated code uses nothing else of the runtime.
 *
 * <p>A generated front's fast paths work on its {@link ThreadFront} fields alone; it calls
 * {@link #refill} when a class is empty, {@link #flush} when it is full, {@link #freeRemote} for a
 * block another thread owns (which checks it), and with checks on {@link #markLive} / {@link #markFreed}. Blocks are
 * interchangeable with the generic front's: the same tiers serve both, so a block allocated by a
 * generated front may be freed through {@link #allocator()} and the other way round.
 *
 * <p>Not a stable API for hand-written code: it follows the generator of the same version.
 */
public final class FrontSupport {
    /** No hot class: the value of {@link ThreadFront#hotInfo} when none of the front's classes is hot. */
    public static final int NO_HOT = ChunkRegistry.NO_PAGE_INFO;
    private final HakmemAllocator allocator;
    private final SmallFront small;
    /** The small front's table of caches by thread id, passed to its free as the allocator passes it ({@link SmallFront#mallocByGranule}). */
    private final ThreadCache[] slots;
    /** Held here so that {@link #ownFront} is as few loads from the variant as the generic front's lookup. */
    private final ThreadCaches caches;
    /**
     * Held here so that {@link #pageInfo} reads the page table one call level nearer the variant's
     * loop than through the allocator: C2 inlines only so deep (see {@code SmallFront}'s class comment).
     */
    private final ChunkRegistry registry;
    /**
     * Checks on: the Tiny classes' state map and the reservation's base (from the small front), held
     * here so that {@link #markLive} and {@link #markFreed} access a block's state byte themselves: as
     * few call levels below the variant's loop as the generic front's access is below its caller (see
     * {@code SmallFront}'s class comment). The maps stay mapped while {@link #registry} is reachable.
     */
    private final long tinyStates, base;

    private FrontSupport(HakmemAllocator allocator) {
        this.allocator = allocator;
        this.small = allocator.smallFront();
        this.slots = small.slots();
        this.caches = allocator.threadCaches();
        this.registry = allocator.registry();
        this.tinyStates = small.tinyStates();
        this.base = small.base();
    }

    /**
     * Called first when a generated variant class is initialised, with the runtime version it was
     * generated for ({@link Hakmem#version()} of the runtime the generator ran with): returns it if
     * the runtime on the class path has the same version, else throws, naming both and what to do.
     * A variant runs the runtime's tiers through this package, whose contract may change between
     * versions, so a stale variant must not run.
     *
     * @param generatedFor the runtime version the variant was generated for
     * @param variant the variant's class name, for the message
     * @return {@code generatedFor}, when it is this runtime's version
     * @throws IllegalStateException if this runtime has another version; the message names both and
     *     how to fix it
     */
    public static String requireRuntime(String generatedFor, String variant) {
        String here = Hakmem.version();
        if (!here.equals(generatedFor)) {
            throw new IllegalStateException("hakmem: " + variant + " was generated for hakmem-runtime " + generatedFor
                    + ", but the runtime on the class path is " + here
                    + ": regenerate it (hakmem-maven-plugin's generate goal) with hakmem-runtime " + here
                    + ", or put hakmem-runtime " + generatedFor + " on the class path");
        }
        return generatedFor;
    }

    /**
     * A new allocator with {@code config}'s settings whose platform threads get a front from
     * {@code fronts} for the classes the front declares flat.
     *
     * @param config the variant's settings
     * @param fronts creates each platform thread's front
     * @return the support object of the new allocator, which the variant keeps for its lifetime
     * @throws IllegalArgumentException if {@code config} has the profile on (a generated front counts
     *     no profile; wrap the variant in an {@code AllocationRecorder} instead)
     * @throws OutOfMemoryError if the OS refuses to reserve the address space
     */
    public static FrontSupport create(AllocatorConfig config, FrontFactory fronts) {
        return new FrontSupport(new HakmemAllocator(config, fronts));
    }

    /**
     * The generic allocator of the same settings.
     *
     * @return the allocator that owns the memory and the blocks: the variant's delegate for every
     *     operation its fronts do not specialise
     */
    public NativeAllocator allocator() {
        return allocator;
    }

    /**
     * The calling thread's front.
     *
     * @return the calling platform thread's front, created on its first call; null on a virtual
     *     thread, which takes the generic path
     */
    public ThreadFront ownFront() {
        return caches.ownFront();
    }

    /**
     * The table a variant keeps in a final field of its own and passes to {@link #ownFront(ThreadFront[])}.
     *
     * @return the allocator's table of fronts by thread id: the same array for the allocator's life
     */
    public ThreadFront[] fronts() {
        return caches.frontSlots();
    }

    /**
     * The calling thread's front, looked up in {@code fronts}, the variant's copy of {@link #fronts()}:
     * {@link #ownFront()} with the table one load nearer (the variant's field, not this object's
     * caches'), and with no test of whether the allocator is open: closing it empties the table, so
     * the lookup misses, and the miss answers null once closed. A variant that takes its generic path
     * on null (where every call on a closed allocator throws) then needs no closed test of its own on
     * its fast path. A call racing {@code close} on another thread may still find its front, as a call
     * that read the closed flag just before close set it would.
     *
     * @param fronts {@link #fronts()} of this object
     * @return the calling platform thread's front, created on its first call; null on a virtual
     *     thread, which takes the generic path, and null once the allocator is closed
     */
    public ThreadFront ownFront(ThreadFront[] fronts) {
        return caches.ownFront(fronts);
    }

    /**
     * Kind and owner of the page holding {@code address} (0 for an address outside the small and Large
     * range); take it apart with {@link #kindOf} and {@link #ownerOf}.
     *
     * @param address any address
     * @return the page's info word (one load from the registry)
     */
    public int pageInfo(long address) {
        return registry.infoOf(address);
    }

    /**
     * The kind part of a page info.
     *
     * @param info a page info from {@link #pageInfo}
     * @return {@code cls + 1} for a page of small class {@code cls}, else 0 or negative (not a small block)
     */
    public static int kindOf(int info) {
        return ChunkRegistry.kindOfInfo(info);
    }

    /**
     * The owner part of a page info.
     *
     * @param info a page info from {@link #pageInfo}
     * @return the owner id, to compare with {@link ThreadFront#id()}; 0 means shared (any thread may
     *     keep the block)
     */
    public static int ownerOf(int info) {
        return ChunkRegistry.ownerOfInfo(info);
    }

    /**
     * The generic allocator's free of {@code address}, whose page info {@code info} ({@link #pageInfo})
     * the caller has already read: for blocks the generated code does not handle itself.
     *
     * @param address the address to free
     * @param info its page info
     * @throws IllegalArgumentException if {@code address} starts no block of this allocator (as
     *     {@link NativeAllocator#free(long)})
     * @throws IllegalStateException on a double free, or after close
     */
    public void free(long address, int info) {
        // A small block (a class without a generated front) straight to the small front, as the
        // generic free sends it: one call level fewer than through the allocator (C2 inlines only so
        // deep, see SmallFront's class comment); everything else, and any free after close, through it.
        if (ChunkRegistry.kindOfInfo(info) > 0 && !allocator.isClosed()) {
            small.free(slots, address, info);
            return;
        }
        allocator.freeWithInfo(address, info);
    }

    /**
     * Slow path of malloc: {@code front}'s class {@code cls} is empty; refills it (from its inbox, the
     * shared lists or new memory) and returns one block. Checks and statistics are the caller's.
     *
     * @param front the calling thread's front
     * @param cls the empty class
     * @param size the request, for the out-of-memory message
     * @return a free block of class {@code cls}
     * @throws OutOfMemoryError as {@link NativeAllocator#malloc(long)}
     */
    public long refill(ThreadFront front, int cls, long size) {
        return small.frontRefill(front, cls, size);
    }

    /**
     * Slow path of free: {@code front}'s class {@code cls} is full (or has no array yet); moves a batch
     * to the shared lists, or allocates the array, and pushes the block.
     *
     * @param front the calling thread's front
     * @param cls the block's class
     * @param address the block being freed, already checked by the caller
     */
    public void flush(ThreadFront front, int cls, long address) {
        small.frontFlush(front, cls, address);
    }

    /**
     * After a free of a shared slab's block (page owner 0) into {@code front}: makes the slab the
     * front's thread's own, with the free blocks its ended owner left with it, when the generic free
     * would ({@code SmallTier.claimShared}). Without it the blocks of an ended thread's slabs stayed
     * shared for good, every later free of one was a CAS, and the variant ran larson (a thread that
     * inherits its predecessor's blocks) at 0.7x the generic allocator (docs/BENCHMARKS-HISTORY.md,
     * session 44).
     *
     * @param front the calling thread's front
     * @param cls the block's class
     * @param address the block just freed and pushed on the front
     */
    public void claimShared(ThreadFront front, int cls, long address) {
        small.frontClaimShared(front, cls, address);
    }

    /**
     * A free of a front class that missed the front's hot class while one was hot (a generated front's
     * free calls it only then): counted, and after enough such frees the thread's hot class is judged
     * again.
     *
     * @param front the calling thread's front
     */
    public void hotMiss(ThreadFront front) {
        small.frontHotMiss(front);
    }

    /**
     * A free of a block whose page owner ({@code owner}) is neither {@code front}'s thread nor 0: with
     * checks on, validates it (throws on misuse, changing nothing), then sends it back to its owner.
     *
     * @param front the calling thread's front
     * @param cls the block's class
     * @param address the block being freed
     * @param owner the block's page owner, from {@link #ownerOf}
     * @throws IllegalArgumentException if {@code address} starts no block handed out (with checks on)
     * @throws IllegalStateException on a double free (with checks on)
     */
    public void freeRemote(ThreadFront front, int cls, long address, int owner) {
        small.frontFreeRemote(front, cls, address, owner);
    }

    /**
     * Checks on: records that the block just handed out is live (a plain store in the state map).
     *
     * @param address the block just popped from the front's cache, of a Tiny class: every generated
     *     front class is one, and the state map and granule of the Tiny classes are used without a test
     *     of the class
     */
    public void markLive(long address) {
        BlockState.markLive(tinyStateAddress(address));
        Reference.reachabilityFence(this); // holds the registry, whose cleaner unmaps the state maps
    }

    /**
     * Checks on: validates a block the front is about to keep, whose page owner {@code owner} is the
     * front's own {@link ThreadFront#id()} (a plain state change, no atomic instruction) or 0 (a shared
     * slab: a CAS), and marks it freed; throws on a double, interior or foreign free, changing nothing.
     * Blocks of other owners go to {@link #freeRemote}, which checks them itself.
     *
     * @param address the block being freed
     * @param cls its class, from {@link #kindOf}: a Tiny class (every generated front class is one; the
     *     state map and granule of the Tiny classes are used without a test of the class)
     * @param owner its page owner: the front's id or 0
     * @throws IllegalArgumentException if {@code address} starts no block handed out
     * @throws IllegalStateException on a double free
     */
    public void markFreed(long address, int cls, int owner) {
        byte refused = BlockState.NEVER; // an interior address (no granule start) is refused as never allocated
        if (StateMap.isGranuleStart(address, StateMap.TINY_SHIFT)) {
            long a = tinyStateAddress(address);
            refused = owner == 0 ? BlockState.freeShared(a) : BlockState.freeOwned(a);
        }
        Reference.reachabilityFence(this);
        if (refused != BlockState.LIVE) throw small.frontFreeError(address, cls);
    }

    /** Address of the state byte of the Tiny block at {@code address} ({@link StateMap}). */
    private long tinyStateAddress(long address) {
        return StateMap.byteAddress(tinyStates, base, address, StateMap.TINY_SHIFT);
    }

    /**
     * Checks off: refuses (IllegalArgumentException, changing nothing) an address on a page of class
     * {@code cls} that starts no block of the class: interior, or in a span's unused tail. With checks
     * off only double frees go undetected.
     *
     * @param address the address being freed
     * @param cls the class of its page, from {@link #kindOf}
     * @throws IllegalArgumentException if {@code address} starts no block of class {@code cls}
     */
    public void checkBlockStart(long address, int cls) {
        small.checkBlockStart(address, cls);
    }

    /**
     * Whether the allocator has been closed.
     *
     * @return true after {@link NativeAllocator#close()}: every call must then throw {@link IllegalStateException}
     */
    public boolean isClosed() {
        return allocator.isClosed();
    }
}
