package dev.hakmem;

import dev.hakmem.profile.AllocationRecorder;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every contract test, with the profile counted in hakmem's thread caches ({@code AllocationRecorder.create}):
 * counting must not change what the allocator does.
 */
class CountedContractTest extends ContractTest {
    @Override
    @BeforeEach
    void setUp() {
        alloc = AllocationRecorder.create("contract test");
    }
}
