package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thread that streams remote frees to one owner looks at the owner's thread only at every
 * {@link ClassCache#ALIVE_RECHECK}th batch it starts for it (xmalloc's consumer missed on the owner's
 * cache object at every batch): when the owner ends, the stream still reclaims it within that many
 * batches, instead of sending its blocks to an inbox nobody drains until the reaper comes.
 */
class RemoteFreeStreamTest {
    private static final int SIZE = 64;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aStreamOfRemoteFreesToOneOwnerReclaimsItWithinTheRecheckWhenItEnds() throws Exception {
        AllocatorConfig config = AllocatorConfig.builder().build();
        int found = 0;
        for (int c = 0; c < config.classCount(); c++) if (config.classSize(c) == SIZE) found = config.batchSize(c);
        assertTrue(found > 0, "test set-up: a class of " + SIZE + " bytes");
        int batch = found;
        int bound = (ClassCache.ALIVE_RECHECK + 1) * batch;
        try (NativeAllocator al = Hakmem.create(config)) {
            HakmemAllocator h = (HakmemAllocator) al;
            List<Long> blocks = new ArrayList<>();
            CountDownLatch made = new CountDownLatch(1), mayEnd = new CountDownLatch(1);
            Thread owner = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2 * batch + 2 * bound; i++) blocks.add(al.malloc(SIZE));
                made.countDown();
                try {
                    mayEnd.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            made.await();
            int i = 0;
            for (; i < 2 * batch; i++) al.free(blocks.get(i)); // batches started while the owner lives
            assertEquals(2, h.liveThreadCaches(), "test set-up: the owner's cache and this thread's");
            mayEnd.countDown();
            owner.join();
            int freesUntilReclaimed = -1;
            for (int n = 1; i < blocks.size(); i++, n++) {
                al.free(blocks.get(i));
                if (freesUntilReclaimed < 0 && h.liveThreadCaches() == 1) freesUntilReclaimed = n;
            }
            assertTrue(freesUntilReclaimed > 0 && freesUntilReclaimed <= bound,
                    "the ended owner reclaimed after " + freesUntilReclaimed + " remote frees, bound " + bound);
            assertEquals(0, al.stats().liveBlocks());
        }
    }
}
