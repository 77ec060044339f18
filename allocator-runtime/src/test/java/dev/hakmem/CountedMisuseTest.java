package dev.hakmem;

import dev.hakmem.profile.AllocationRecorder;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every misuse test, with the profile counted in hakmem's thread caches: each bad call still throws
 * the allocator's own exception and message and is not counted, and the witnesses' bytes stay intact.
 */
class CountedMisuseTest extends MisuseTest {
    @Override
    @BeforeEach
    void setUp() {
        alloc = AllocationRecorder.create("misuse test");
        addWitnesses(alloc);
    }
}
