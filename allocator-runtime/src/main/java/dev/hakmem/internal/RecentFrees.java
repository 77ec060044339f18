package dev.hakmem.internal;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * A bounded memory of the most recently freed block addresses of a tier, so that a second free of
 * one of them is named a double free (IllegalStateException) even after the tier's own metadata has
 * forgotten the block (a Large run coalesced into its neighbours or its chunk given back, a Huge
 * mapping unmapped). Beyond the bound, such a free is still refused, as a foreign address.
 *
 * <p>Thread-safe (this object's monitor); used only on Large and Huge paths, which are rare
 * enough for a lock.
 */
public final class RecentFrees {
    private final int capacity;
    private final LinkedHashSet<Long> addresses = new LinkedHashSet<>();

    public RecentFrees(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers that the block at {@code address} was freed. */
    public synchronized void add(long address) {
        addresses.remove(address);
        addresses.add(address);
        if (addresses.size() > capacity) {
            Iterator<Long> oldest = addresses.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Forgets {@code address} (a new block now starts there). */
    public synchronized void remove(long address) {
        addresses.remove(address);
    }

    public synchronized boolean contains(long address) {
        return addresses.contains(address);
    }
}
