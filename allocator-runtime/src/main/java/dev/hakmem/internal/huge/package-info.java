/**
 * The Huge tier: one mapping per block above 2 MiB, unmapped on free; see {@link
 * dev.hakmem.internal.huge.HugeTier}.
 */
package dev.hakmem.internal.huge;
