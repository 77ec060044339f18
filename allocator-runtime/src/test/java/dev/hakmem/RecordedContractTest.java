package dev.hakmem;

import dev.hakmem.profile.AllocationRecorder;
import org.junit.jupiter.api.BeforeEach;

/** Every contract test, run through the recorder: recording must not change what the allocator does. */
class RecordedContractTest extends ContractTest {
    @Override
    @BeforeEach
    void setUp() {
        alloc = AllocationRecorder.wrap(Hakmem.create(), "contract test");
    }
}
