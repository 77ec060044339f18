package dev.hakmem.internal.os;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The processor hint: a processor index this JVM can run on (on Linux, where the tests run), from any thread. */
class CurrentCpuTest {
    @Test
    void namesAProcessorOfThisMachineOnPlatformAndVirtualThreads() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        int here = CurrentCpu.get();
        // sched_getcpu numbers the machine's processors, which may exceed the JVM's share of them;
        // -1 would mean the hint is missing, which on Linux (glibc) it must not be.
        assertTrue(here >= 0, "sched_getcpu gave " + here);
        assertTrue(here < Math.max(cpus, 1024), "processor " + here + " of " + cpus);
        int[] seen = new int[1];
        Thread v = Thread.ofVirtual().start(() -> seen[0] = CurrentCpu.get());
        v.join();
        assertTrue(seen[0] >= 0, "on a virtual thread: " + seen[0]);
    }
}
