package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hakmem.NativeAllocator;
import it.layout.SmallCachesAllocator;
import it.layout.orders.OrdersAllocator;
import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void aMainVariantFromASubdirectoryAndATestVariant() {
        assertFalse(OrdersAllocator.CONFIG.checks(), "services/orders.yml's settings");
        assertEquals(16, SmallCachesAllocator.CONFIG.cacheCapacity(0), "the test spec's settings");
        for (NativeAllocator a : new NativeAllocator[] {OrdersAllocator.create(), SmallCachesAllocator.create()}) {
            try (a) {
                long p = a.malloc(24);
                assertEquals(32, a.usableSize(p));
                a.free(p);
                assertEquals(0, a.stats().liveBlocks());
            }
        }
    }
}
