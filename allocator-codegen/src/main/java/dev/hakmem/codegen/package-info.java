/**
 * hakmem code generation: reads a declarative allocator spec and generates specialised variants
 * (the Tiny fronts with their settings as compile-time constants). A plain library: no build-tool
 * types. The generator itself arrives with the code-generation issue; this module already builds so
 * that the reactor is complete.
 */
package dev.hakmem.codegen;
