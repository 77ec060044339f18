package dev.hakmem.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The budget's two ways to make room at the limit: the full reclaimer and the lock-safe one. */
class MemoryBudgetTest {

    @Test
    void tryChargeOrReclaimRunsOnlyTheLockSafeReclaimerAndOnlyAtTheLimit() {
        MemoryBudget b = new MemoryBudget(100);
        AtomicInteger full = new AtomicInteger(), lockSafe = new AtomicInteger();
        b.setReclaimer(full::incrementAndGet);
        b.setLockSafeReclaimer(() -> {
            lockSafe.incrementAndGet();
            b.release(30); // gives back 30 bytes kept for reuse
        });
        assertTrue(b.tryChargeOrReclaim(80));
        assertEquals(0, lockSafe.get(), "within the limit: nothing reclaimed");
        assertTrue(b.tryChargeOrReclaim(40), "80 + 40 passes 100; after 30 given back, 50 + 40 fits");
        assertEquals(1, lockSafe.get());
        assertEquals(90, b.committed());
        assertFalse(b.tryChargeOrReclaim(50), "60 + 50 still passes the limit");
        assertEquals(60, b.committed(), "nothing charged by a refusal");
        assertEquals(0, full.get(), "the full reclaimer, which takes the tiers' locks, never runs here");
        assertFalse(b.tryCharge(50));
        assertEquals(2, lockSafe.get(), "tryCharge alone reclaims nothing");
    }

    @Test
    void chargeRunsTheFullReclaimerThenThrows() {
        MemoryBudget b = new MemoryBudget(100);
        AtomicInteger full = new AtomicInteger();
        b.setReclaimer(full::incrementAndGet);
        b.charge(60, 60);
        assertThrows(OutOfMemoryError.class, () -> b.charge(50, 50));
        assertEquals(1, full.get());
        assertEquals(60, b.committed());
    }
}
