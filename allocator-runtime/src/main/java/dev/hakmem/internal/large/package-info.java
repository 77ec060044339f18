/**
 * The Large tier: 4 KiB page runs in 4 MiB chunks with best fit, coalescing through out-of-band
 * boundary tags, and a bounded cache of freed pages; see {@link dev.hakmem.internal.large.LargeTier}.
 */
package dev.hakmem.internal.large;
