/**
 * hakmem code generation: reads a declarative allocator spec ({@link dev.hakmem.codegen.AllocatorSpec})
 * and generates allocator variants from it ({@code gen}). A plain library: no build-tool types; the
 * Maven plugin only adapts it.
 */
package dev.hakmem.codegen;
