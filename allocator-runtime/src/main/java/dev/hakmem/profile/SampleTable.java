package dev.hakmem.profile;

/**
 * The sampled live blocks of a recording: address to (allocating thread's id, allocation time), kept
 * until the block is freed. {@value #STRIPES} open-addressing tables (linear probing, deletion by
 * backward shift, doubled at half full), each under its own lock, picked by a hash of the address.
 * Only sampled blocks come here (about one in 64), so one uncontended lock per sampled call is cheap;
 * nothing is allocated per sample, and a sampled live block takes 24 bytes of table.
 *
 * <p>Memory-ordering contract: every field of a stripe is guarded by that stripe's monitor.
 */
final class SampleTable {
    static final int STRIPES = 64;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Stripe[] stripes = new Stripe[STRIPES];

    SampleTable() {
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe();
    }

    /** Whether blocks at {@code address} are sampled: the top 6 bits of its hash are zero (1 in 64). */
    static boolean sampled(long address) {
        return address != 0 && ((address >>> 4) * GOLDEN) >>> 58 == 0;
    }

    /** A sampled block allocated at {@code nanos} by thread {@code threadId} (replaces a stale entry). */
    void put(long address, long threadId, long nanos) {
        Stripe s = stripes[stripe(address)];
        synchronized (s) {
            s.put(address, threadId, nanos);
        }
    }

    /**
     * Removes the sample of {@code address}, freed at {@code now} by thread {@code threadId}: -1 when
     * it has none, else {@code (log2 of the lifetime in nanoseconds) << 1 | (1 if another thread
     * allocated it)}.
     */
    int remove(long address, long threadId, long now) {
        Stripe s = stripes[stripe(address)];
        long born, by;
        synchronized (s) {
            int i = s.find(address);
            if (i < 0) return -1;
            born = s.born[i];
            by = s.threads[i];
            s.delete(i);
        }
        long nanos = Math.max(1, now - born);
        return (63 - Long.numberOfLeadingZeros(nanos)) << 1 | (by != threadId ? 1 : 0);
    }

    /** Bits 52..57 of the hash (bits 58..63 are zero for every sampled address). */
    private static int stripe(long address) {
        return (int) (((address >>> 4) * GOLDEN) >>> 52) & (STRIPES - 1);
    }

    /** Home slot bits: 20..51 of the hash. */
    private static int home(long address) {
        return (int) (((address >>> 4) * GOLDEN) >>> 20);
    }

    private static final class Stripe {
        long[] keys = new long[8], threads = new long[8], born = new long[8];
        int size;

        void put(long address, long threadId, long nanos) {
            if (2 * (size + 1) > keys.length) grow();
            int m = keys.length - 1, i = home(address) & m;
            while (keys[i] != 0 && keys[i] != address) i = (i + 1) & m;
            if (keys[i] == 0) size++;
            keys[i] = address;
            threads[i] = threadId;
            born[i] = nanos;
        }

        int find(long address) {
            int m = keys.length - 1;
            for (int i = home(address) & m; keys[i] != 0; i = (i + 1) & m) {
                if (keys[i] == address) return i;
            }
            return -1;
        }

        /** Empties slot {@code i}, moving later entries of its probe run back so every key stays findable. */
        void delete(int i) {
            int m = keys.length - 1;
            for (int j = (i + 1) & m; keys[j] != 0; j = (j + 1) & m) {
                int h = home(keys[j]) & m;
                // keys[j] may move to i unless its home lies cyclically in (i, j]
                boolean stays = i <= j ? h > i && h <= j : h > i || h <= j;
                if (!stays) {
                    keys[i] = keys[j];
                    threads[i] = threads[j];
                    born[i] = born[j];
                    i = j;
                }
            }
            keys[i] = 0;
            size--;
        }

        private void grow() {
            long[] k = keys, t = threads, b = born;
            keys = new long[k.length * 2];
            threads = new long[k.length * 2];
            born = new long[k.length * 2];
            size = 0;
            for (int i = 0; i < k.length; i++) if (k[i] != 0) put(k[i], t[i], b[i]);
        }
    }
}
