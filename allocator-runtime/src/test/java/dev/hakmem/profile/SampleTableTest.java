package dev.hakmem.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sample table against a HashMap model: puts, removes, growth and backward-shift deletion. */
class SampleTableTest {

    @Test
    void behavesLikeAMap() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Long> pool = new ArrayList<>();
        for (long a = 16; pool.size() < 5000; a += 16) if (SampleTable.sampled(a)) pool.add(a);
        assertTrue(pool.size() == 5000);
        SampleTable table = new SampleTable();
        Map<Long, long[]> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            long a = pool.get(rnd.nextInt(rnd.nextBoolean() ? 64 : pool.size()));
            long now = 1_000_000 + step;
            if (rnd.nextInt(3) > 0 || !model.containsKey(a)) {
                long tid = rnd.nextInt(3), born = now - (1L << rnd.nextInt(20));
                table.put(a, tid, born);
                model.put(a, new long[] {tid, born});
            } else {
                long tid = rnd.nextInt(3);
                long[] m = model.remove(a);
                int r = table.remove(a, tid, now);
                long nanos = Math.max(1, now - m[1]);
                assertEquals((63 - Long.numberOfLeadingZeros(nanos)) << 1 | (m[0] != tid ? 1 : 0), r, "step " + step);
                assertEquals(-1, table.remove(a, tid, now), "removed once");
            }
        }
        for (long a : pool) {
            long[] m = model.remove(a);
            int r = table.remove(a, 7, 1L << 40);
            assertEquals(m == null, r < 0, "address " + a);
        }
        assertTrue(model.isEmpty());
    }

    @Test
    void aboutOneAddressIn64IsSampled() {
        int n = 0;
        for (long a = 16; a <= 16L * 640_000; a += 16) if (SampleTable.sampled(a)) n++;
        assertTrue(n > 9000 && n < 11000, "sampled " + n);
        assertTrue(!SampleTable.sampled(0));
    }
}
