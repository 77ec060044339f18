/**
 * The registry box: from any address to its tier, class and out-of-band metadata in O(1), without a
 * lock on the read path. See {@link dev.hakmem.internal.registry.ChunkRegistry}, and
 * {@link dev.hakmem.internal.registry.StateMap} for the misuse checks' block states.
 */
package dev.hakmem.internal.registry;
