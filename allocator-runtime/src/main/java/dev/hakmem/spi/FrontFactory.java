package dev.hakmem.spi;

/** Creates the {@link ThreadFront} of a new platform thread (generated: {@code VariantCache::new}). */
@FunctionalInterface
public interface FrontFactory {
    /** @see ThreadFront#ThreadFront(Object, int) */
    ThreadFront create(Object core, int id);
}
