package dev.hakmem.spi;

/** Creates the {@link ThreadFront} of a new platform thread (generated: {@code VariantCache::new}). */
@FunctionalInterface
public interface FrontFactory {
    /**
     * Creates the front of a platform thread, when the thread first allocates. Called once per thread,
     * on that thread.
     *
     * @param core the runtime's per-thread state the front belongs to (opaque, passed on to
     *     {@link ThreadFront#ThreadFront(Object, int)})
     * @param id the owner id of that thread's slabs (passed on likewise)
     * @return a new front with empty arrays and zero counts
     */
    ThreadFront create(Object core, int id);
}
