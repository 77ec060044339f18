package dev.hakmem.internal.small;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Tier;
import dev.hakmem.internal.registry.StateMap;

/**
 * The Tiny and Mid size classes of one allocator, and the tables that make size-to-class and
 * address-to-block-index constant time.
 *
 * <p>Class indexes run over the Tiny classes first, then the Mid classes. A request of {@code size}
 * bytes (0 included) maps to the smallest class at least that large:
 * <ul>
 *   <li>Tiny ({@code size <= 1024}): {@code tinyIndex[(size + 15) >>> 4]} (every Tiny class is a
 *       multiple of 16, so 16-byte buckets are exact);</li>
 *   <li>Mid ({@code size <= 65536}): {@code midIndex[(size + 255) >>> 8]} (Mid classes are multiples
 *       of 256).</li>
 * </ul>
 *
 * <p>Block indexes: a block of class {@code c} at offset {@code off} from its slab's base has index
 * {@code (off * magic[c]) >>> 40}, where {@code magic[c] = ceil(2^40 / size)}. This is exact
 * division for every offset below 2^19 (a span is at most 512 KiB): the error term
 * {@code off * (magic - 2^40/size) / 2^40} is below 2^-21, smaller than the 1/size gap to the next
 * integer (size <= 2^15). {@code SizeClassesTest} checks it exhaustively.
 */
public final class SizeClasses {
    /** Slabs of Tiny classes are 64 KiB, aligned to 64 KiB. */
    public static final int TINY_SLAB_SHIFT = 16;
    /** Spans of Mid classes are 512 KiB, aligned to 512 KiB. */
    public static final int MID_SPAN_SHIFT = 19;
    public static final int MAGIC_SHIFT = 40;

    /**
     * log2 of the request granules the class of a size is looked up by ({@link #classOf}): 16 bytes up
     * to {@link AllocatorConfig#TINY_MAX}, 256 above. The threads' granule tables
     * ({@code ThreadCache.byGranule}, {@code midByGranule}) are indexed the same way.
     */
    public static final int TINY_INDEX_SHIFT = 4, MID_INDEX_SHIFT = 8;

    private final int[] sizes;
    private final int tinyCount;
    private final byte[] tinyIndex = new byte[(AllocatorConfig.TINY_MAX >>> TINY_INDEX_SHIFT) + 1];
    private final byte[] midIndex = new byte[(AllocatorConfig.MID_MAX >>> MID_INDEX_SHIFT) + 1];
    /**
     * By class: its block layout in a span, in one object per class, so that {@link #startsBlock}
     * loads one array element (one bounds check) and then fields of one cache line, instead of an
     * element of each of four arrays (the span shift's test of the class, the magic, the size and the
     * blocks per span; 12d0b56).
     */
    private final BlockGeometry[] geometry;

    /** One class's block layout in a span: what {@link #startsBlock}, {@link #magic} and {@link #blocksPerSpan} read. */
    private static final class BlockGeometry {
        final long spanMask, magic;
        final int size, blocksPerSpan;

        BlockGeometry(long spanMask, long magic, int size, int blocksPerSpan) {
            this.spanMask = spanMask;
            this.magic = magic;
            this.size = size;
            this.blocksPerSpan = blocksPerSpan;
        }
    }

    public SizeClasses(AllocatorConfig config) {
        this.tinyCount = config.tinyClasses().length;
        this.sizes = new int[config.classCount()];
        this.geometry = new BlockGeometry[sizes.length];
        for (int c = 0; c < sizes.length; c++) {
            sizes[c] = config.classSize(c);
            geometry[c] = new BlockGeometry(spanSize(c) - 1, magicOf(sizes[c]), sizes[c], (int) (spanSize(c) / sizes[c]));
        }
        int c = 0;
        for (int bucket = 0; bucket < tinyIndex.length; bucket++) {
            while (sizes[c] < bucket << TINY_INDEX_SHIFT) c++;
            tinyIndex[bucket] = (byte) c;
        }
        c = tinyCount;
        for (int bucket = 0; bucket < midIndex.length; bucket++) {
            while (sizes[c] < bucket << MID_INDEX_SHIFT) c++;
            midIndex[bucket] = (byte) c;
        }
    }

    /** The class of a request of {@code size} bytes, {@code 0 <= size <= 65536}. */
    public int classOf(long size) {
        int g = granule(size);
        return size <= AllocatorConfig.TINY_MAX ? tinyIndex[g] : midIndex[g];
    }

    /**
     * The granule of a request of {@code size} bytes ({@code 0 <= size <= 65536}) in its tier: its
     * size rounded up to 16 bytes, over 16, up to {@link AllocatorConfig#TINY_MAX}; rounded up to 256,
     * over 256, above. The index into the tier's class table ({@link #classOf}) and into a thread's
     * granule table of that tier ({@code ThreadCache.byGranule}, {@code midByGranule}).
     */
    static int granule(long size) {
        return size <= AllocatorConfig.TINY_MAX ? (int) (size + ((1 << TINY_INDEX_SHIFT) - 1)) >>> TINY_INDEX_SHIFT
                : (int) (size + ((1 << MID_INDEX_SHIFT) - 1)) >>> MID_INDEX_SHIFT;
    }

    /**
     * A thread's granule table of one tier ({@code ThreadCache.byGranule} for the Tiny tier,
     * {@code midByGranule} for the Mid one): entry {@code g} is {@code byClass}'s cache of the class
     * this object's own index gives granule {@code g} ({@link #classOf}), so the two never disagree.
     */
    ClassCache[] granuleTable(boolean tiny, ClassCache[] byClass) {
        byte[] index = tiny ? tinyIndex : midIndex;
        ClassCache[] table = new ClassCache[index.length];
        for (int g = 0; g < index.length; g++) table[g] = byClass[index[g]];
        return table;
    }

    public int count() { return sizes.length; }

    public int tinyCount() { return tinyCount; }

    public int size(int cls) { return sizes[cls]; }

    public Tier tier(int cls) { return cls < tinyCount ? Tier.TINY : Tier.MID; }

    public boolean isTiny(int cls) { return cls < tinyCount; }

    /** log2 of the span size of class {@code cls}: 64 KiB slabs for Tiny, 512 KiB spans for Mid. */
    public int spanShift(int cls) { return cls < tinyCount ? TINY_SLAB_SHIFT : MID_SPAN_SHIFT; }

    public long spanSize(int cls) { return 1L << spanShift(cls); }

    /**
     * log2 of the check-state granule of class {@code cls} ({@link StateMap}): 16 bytes for Tiny, 256 for Mid. Every block
     * of the class starts on a granule boundary (class sizes are multiples of it and span bases are
     * aligned), so the granule index of a block start identifies the block without a division.
     */
    public int granuleShift(int cls) { return cls < tinyCount ? StateMap.TINY_SHIFT : StateMap.MID_SHIFT; }

    /**
     * Whether {@code address} (on a page of class {@code cls}) is where a block of the class starts: a
     * whole number of blocks from its span's base, and not in the span's unused tail. Spans are aligned
     * to their size, so the offset in the span is the address's low bits; the division is the magic
     * multiplication above.
     */
    public boolean startsBlock(long address, int cls) {
        BlockGeometry g = geometry[cls];
        long off = address & g.spanMask;
        long block = (off * g.magic) >>> MAGIC_SHIFT;
        return block * g.size == off && block < g.blocksPerSpan;
    }

    /** Whole blocks that fit in one span of the class (the tail beyond them is never handed out). */
    public int blocksPerSpan(int cls) { return geometry[cls].blocksPerSpan; }

    /** Multiplier such that {@code (offset * magic) >>> 40 == offset / size} for offsets in a span. */
    public long magic(int cls) { return geometry[cls].magic; }

    /** The magic multiplier of blocks of {@code blockSize} bytes: see {@link #magic}. */
    static long magicOf(int blockSize) {
        return ((1L << MAGIC_SHIFT) + blockSize - 1) / blockSize;
    }

    /**
     * The smallest class that holds {@code size} bytes at an address aligned to {@code alignment},
     * or -1 if none does. Blocks sit at {@code spanBase + i * size} with the span base aligned to the
     * span size, so a class qualifies when its size is a multiple of the alignment.
     */
    public int classForAligned(long size, long alignment) {
        if (size > AllocatorConfig.MID_MAX) return -1;
        for (int c = classOf(size); c < sizes.length; c++) {
            if (sizes[c] % alignment == 0 && alignment <= spanSize(c)) return c;
        }
        return -1;
    }
}
