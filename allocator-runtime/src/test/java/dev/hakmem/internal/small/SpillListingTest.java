package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.registry.StateMap;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two spills that hold blocks of one slab (a shared slab's blocks reach several caches through the
 * shared pool) take the slab's hint ({@link Slab#spillHint}) from each other on every put. Each must
 * still list the slab once: every entry carries a bitmap of the slab's size (128 bytes here, 512 for a
 * slab of 4096 blocks). Before {@code Spill.indexOf} looked through its newest entries, the first spill
 * listed the slab a second time here, and spills whose lists change between turns did so again and
 * again.
 */
class SpillListingTest {
    private static final long BASE = 0x7f00_0000_0000L;
    private static final int BLOCK = 64, CAPACITY = 1024, TURNS = 200;

    @Test
    void twoSpillsTakingTurnsWithOneSlabListItOnceEach() {
        ChunkRegistry registry = new ChunkRegistry(BASE, 64L << 20, false);
        Slab slab = slab(registry, 4), other = slab(registry, 5);
        Spill a = new Spill(new SpillArrays()), b = new Spill(new SpillArrays());
        long[] filler = new long[Spill.ARRAY_MAX]; // fills each spill's array, so that what follows goes to bitmaps
        for (int i = 0; i < filler.length; i++) filler[i] = 8L * (i + 1);
        a.put(filler, 0, filler.length, registry);
        b.put(filler, 0, filler.length, registry);
        b.put(new long[] {other.blockAddress(0)}, 0, 1, registry); // so the slab's entry is at another index in b than in a
        for (int i = 0; i < TURNS; i++) {
            Spill s = (i & 1) == 0 ? a : b;
            s.put(new long[] {slab.blockAddress(i)}, 0, 1, registry);
        }
        assertEquals(1, a.listedSlabs(), "the slab listed once in the first spill");
        assertEquals(2, b.listedSlabs(), "and once in the second, beside the other slab");
        assertEquals(Spill.ARRAY_MAX + TURNS / 2, a.blocks());
        Set<Long> out = new HashSet<>();
        long[] dst = new long[64];
        for (Spill s : new Spill[] {a, b}) {
            for (int n; (n = s.take(dst, dst.length)) > 0; ) {
                for (int i = 0; i < n; i++) if (slab.holds(dst[i])) assertTrue(out.add(dst[i]), "a block came back twice");
            }
        }
        assertEquals(TURNS, out.size(), "every block of the slab came back once");
    }

    private static Slab slab(ChunkRegistry registry, int mib) {
        Slab s = new Slab(BASE + ((long) mib << 20), 3, BLOCK, CAPACITY, SizeClasses.magicOf(BLOCK));
        registry.registerSlab(s, 64 << 10, StateMap.TINY_SHIFT);
        return s;
    }
}
