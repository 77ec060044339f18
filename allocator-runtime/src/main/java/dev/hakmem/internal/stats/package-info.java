/**
 * Statistics: snapshots assembled on demand from per-thread plain counters and the tiers' own
 * counters; see {@link dev.hakmem.internal.stats.StatsCollector}.
 */
package dev.hakmem.internal.stats;
