package dev.hakmem;

import dev.hakmem.profile.AllocationRecorder;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every misuse test, run through the recorder: each bad call still throws the wrapped allocator's own
 * exception and message, and leaves it (and the witnesses' bytes) intact.
 */
class RecordedMisuseTest extends MisuseTest {
    @Override
    @BeforeEach
    void setUp() {
        alloc = AllocationRecorder.wrap(Hakmem.create(), "misuse test");
        addWitnesses(alloc);
    }
}
