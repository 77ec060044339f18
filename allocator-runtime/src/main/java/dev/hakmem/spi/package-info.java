/**
 * The SPI between the runtime and generated allocator variants (hakmem-codegen): a generated variant
 * stores each thread's Tiny caches in a {@link dev.hakmem.spi.ThreadFront} subclass and
 * reaches the runtime's slow paths through {@link dev.hakmem.spi.FrontSupport}. Versioned with the
 * generator; not meant for hand-written code.
 */
package dev.hakmem.spi;
