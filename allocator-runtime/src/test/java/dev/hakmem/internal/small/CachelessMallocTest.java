package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.TestAddressSpace;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A malloc without a cache ({@link SmallTier#mallocDirect}: a virtual thread that found every stripe
 * held) keeps one block. When many such callers find the pool empty at once (a convoy behind a
 * stripe holder parked on the pop lock: hundreds of virtual threads were seen doing this), each must
 * carve only the block it keeps: carving a batch each and pushing the rest back once carved 64 KiB
 * slabs for every 32 callers, memory nobody had asked for.
 */
class CachelessMallocTest {
    @AutoClose
    private final TestAddressSpace space = new TestAddressSpace();

    @Test
    void callersWhoAllFindThePoolEmptyCarveOnlyWhatTheyKeep() throws Exception {
        int callers = 64;
        CyclicBarrier allSawTheEmptyPool = new CyclicBarrier(callers);
        AllocatorConfig config = AllocatorConfig.defaults();
        // The hook runs after a refill found the pool empty, just before carving: hold every caller there.
        SmallTier small = new SmallTier(config, new SizeClasses(config), space.reservation, space.budget, space.registry, () -> {
            try {
                allSawTheEmptyPool.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return false;
        }, id -> null, AllocatorEvents.unattached(), bytes -> {});
        int cls = small.classes().classOf(64);
        Set<Long> kept = ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[callers];
        for (int i = 0; i < callers; i++) {
            threads[i] = Thread.ofPlatform().start(() -> kept.add(small.mallocDirect(cls, 64)));
        }
        for (Thread t : threads) t.join(60_000);
        assertEquals(callers, kept.size(), "distinct blocks handed out");
        assertEquals(1, small.slabs(cls), "slabs carved for " + callers + " blocks of 64 B");
        assertEquals(0, small.cachedBytes(cls, cls + 1, java.util.List.of()), "bytes carved but not handed out");
    }
}
