/**
 * The OS box: the only code that maps, commits, decommits and unmaps memory ({@link
 * dev.hakmem.internal.os.OsMemory}), the reservation of address space that Tiny, Mid and Large memory
 * is cut from ({@link dev.hakmem.internal.os.Reservation}, 4 MiB chunks), the memory limit ({@link
 * dev.hakmem.internal.os.MemoryBudget}) and bulk byte access by address ({@link
 * dev.hakmem.internal.os.RawMemory}). When the OS refuses to take memory back, the refusal is counted
 * and logged ({@link dev.hakmem.internal.os.RefusedReleases}); tests make it refuse any call on purpose
 * through {@link dev.hakmem.internal.os.FaultInjector}.
 */
package dev.hakmem.internal.os;
