/**
 * hakmem code generation: reads a declarative allocator spec ({@link dev.hakmem.codegen.AllocatorSpec})
 * and generates allocator variants from it ({@code gen}). A plain library: no build-tool types; the
 * Maven plugin only adapts it.
 *
 * <p>Packages: {@code spec} reads and writes spec files, its keys one table
 * ({@link dev.hakmem.codegen.spec.SpecKey}) that the parser, the writer and the generator's
 * {@code CONFIG} follow; {@code gen} turns a spec into sources; {@code profile} reads recorded
 * allocation profiles and {@code tune} turns them into a spec; {@code yaml} is the node reader the spec
 * parser and the profile reader share, which places every input error at its {@code file:line:column}.
 */
package dev.hakmem.codegen;
