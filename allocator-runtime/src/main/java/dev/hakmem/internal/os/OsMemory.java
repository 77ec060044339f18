package dev.hakmem.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The only box that talks to the operating system: {@code mmap}, {@code munmap}, {@code mprotect},
 * {@code madvise} and {@code mincore} through FFM downcalls (Linux).
 *
 * <p>Why mmap rather than {@code Arena.allocate}: an arena zeroes what it allocates (so every byte
 * becomes resident at once), calls malloc underneath, and can give memory back only by closing the
 * whole arena. A private anonymous mapping is zero-filled lazily by the kernel, pages become resident
 * only when touched, and {@code madvise(MADV_DONTNEED)} returns any page range at any time.
 *
 * <p>Every method is thread-safe (the kernel serialises mapping changes). Failures are reported as
 * return values, never as exceptions, so that callers can phrase the error for their own context.
 *
 * <p>Fault injection: every {@code mmap}, {@code munmap}, {@code mprotect} and {@code madvise} first
 * asks the {@link FaultInjector} installed by a test, if any (one volatile load), whether to refuse;
 * a refused call is not made and returns exactly what the kernel's refusal returns.
 */
public final class OsMemory {
    /** The page size this allocator assumes for decommit and residency; checked at class load. */
    public static final int PAGE_SIZE = 4096;

    private static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final long MAP_FAILED = -1L;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MMAP, MREMAP, MUNMAP, MPROTECT, MADVISE, MADVISE_NO_ERRNO, MINCORE;
    private static final int MREMAP_MAYMOVE = 1;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
        ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        MMAP = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(L, L, L, I, I, I, L), errno);
        // mremap is variadic (a fifth argument only with MREMAP_FIXED): declared so, with no variadic argument passed
        MREMAP = linker.downcallHandle(libc.findOrThrow("mremap"), FunctionDescriptor.of(L, L, L, L, I), Linker.Option.firstVariadicArg(4), errno);
        MUNMAP = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(I, L, L), errno);
        MPROTECT = linker.downcallHandle(libc.findOrThrow("mprotect"), FunctionDescriptor.of(I, L, L, I), errno);
        MADVISE = linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(I, L, L, I), errno);
        MADVISE_NO_ERRNO = linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(I, L, L, I));
        MINCORE = linker.downcallHandle(libc.findOrThrow("mincore"), FunctionDescriptor.of(I, L, L, ValueLayout.ADDRESS), errno);
        MethodHandle getpagesize = linker.downcallHandle(libc.findOrThrow("getpagesize"), FunctionDescriptor.of(I));
        int pageSize;
        try {
            pageSize = (int) getpagesize.invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
        if (pageSize != PAGE_SIZE) {
            throw new ExceptionInInitializerError("hakmem needs 4 KiB pages; this system uses " + pageSize);
        }
    }

    private OsMemory() {}

    /** The result of a call that may fail: 0 or an address on success, or the C errno. */
    public record Result(long value, int errno) {
        public boolean ok() { return errno == 0; }
    }

    /**
     * Reserves {@code size} bytes of address space aligned to {@code alignment} (a power of two, at
     * least a page) with no access and no commit charge. Returns the base, or 0 with the errno.
     */
    public static Result reserve(long size, long alignment) {
        return mapAligned(size, alignment, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    }

    /**
     * Maps {@code size} fresh zero-filled read-write bytes aligned to {@code alignment}. Beyond a page
     * of alignment the aligned range is found in a reservation of {@code size + alignment} bytes with no
     * access and no commit charge, whose head and tail are unmapped, and only the block is made
     * read-write: a read-write mapping of the whole over-sized range (64 GiB for an alignment of 2^36)
     * would be refused by the kernel's overcommit heuristic.
     */
    public static Result map(long size, long alignment) {
        if (alignment <= PAGE_SIZE) return mapAligned(size, alignment, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        Result r = reserve(size, alignment);
        if (!r.ok()) return r;
        int rc = commit(r.value(), size);
        if (rc != 0) {
            unmapOrReport(r.value(), size, "an aligned mapping whose commit failed stays reserved (no access, no commit charge)");
            return new Result(0, rc);
        }
        return r;
    }

    /**
     * Grows the mapping {@code [address, address + oldSize)} to {@code newSize} bytes, moving it if the
     * addresses after it are taken ({@code mremap} with {@code MREMAP_MAYMOVE}): the kernel moves the
     * page tables, nothing is copied, and the new pages read as zero. Returns the (new) address, or 0
     * with the errno; refused, the mapping is as it was. The range must be one mapping of the kernel's
     * (EFAULT otherwise). Fault injection counts it as {@link FaultInjector.Call#MMAP}.
     */
    public static Result remap(long address, long oldSize, long newSize) {
        int injected = FaultInjector.refusal(FaultInjector.Call.MMAP, address, newSize);
        if (injected != 0) return new Result(0, injected);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long p = (long) MREMAP.invokeExact(state, address, oldSize, newSize, MREMAP_MAYMOVE);
            return p == MAP_FAILED ? new Result(0, errno(state)) : new Result(p, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Makes reserved pages readable and writable; they read as zero until written. */
    public static int commit(long address, long size) {
        return protect(address, size, PROT_READ | PROT_WRITE);
    }

    /**
     * Makes pages inaccessible (no read, no write): any access faults. Returns 0 or the errno. Used for
     * the guard pages of sampled blocks ({@code dev.hakmem.internal.guard}).
     */
    public static int protectNone(long address, long size) {
        return protect(address, size, PROT_NONE);
    }

    /** {@code mprotect}: 0 or the errno (or the fault injector's refusal). */
    private static int protect(long address, long size, int prot) {
        int injected = FaultInjector.refusal(FaultInjector.Call.MPROTECT, address, size);
        if (injected != 0) return injected;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MPROTECT.invokeExact(state, address, size, prot);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Gives the physical pages of a range back to the OS; the range stays mapped and reads as zero
     * afterwards. Returns 0 or the errno.
     */
    public static int decommit(long address, long size) {
        int injected = FaultInjector.refusal(FaultInjector.Call.MADVISE, address, size);
        if (injected != 0) return injected;
        // First without errno: capturing it takes a confined arena and its segment, Java garbage on every
        // call, and an ended thread's Mid spans are given back one call each (session 34). Only a refusal
        // asks again, for the errno to report (a call that succeeds the second time succeeded).
        try {
            if ((int) MADVISE_NO_ERRNO.invokeExact(address, size, MADV_DONTNEED) == 0) return 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MADVISE.invokeExact(state, address, size, MADV_DONTNEED);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Unmaps a range. Returns 0 or the errno; the range stays mapped as it was when the OS refuses. */
    public static int unmap(long address, long size) {
        int injected = FaultInjector.refusal(FaultInjector.Call.MUNMAP, address, size);
        if (injected != 0) return injected;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MUNMAP.invokeExact(state, address, size);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes of {@code [address, address+size)} resident in RAM now; -1 if the kernel refuses. */
    public static long residentBytes(long address, long size) {
        if (size <= 0) return 0;
        long pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
        long resident = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long step = 1L << 20; // pages per call: bounds the vector at 1 MiB
            MemorySegment vec = a.allocate(Math.min(pages, step));
            for (long p = 0; p < pages; p += step) {
                long n = Math.min(step, pages - p);
                int rc = (int) MINCORE.invokeExact(state, address + p * PAGE_SIZE, n * PAGE_SIZE, vec);
                if (rc != 0) return -1;
                for (long i = 0; i < n; i++) {
                    if ((vec.get(ValueLayout.JAVA_BYTE, i) & 1) != 0) resident++;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return resident * PAGE_SIZE;
    }

    /** The text of an errno value, for error messages. */
    public static String describe(int errno) {
        return switch (errno) {
            case 12 -> "ENOMEM (out of memory or address space)";
            case 22 -> "EINVAL (invalid argument)";
            case 1 -> "EPERM (operation not permitted)";
            case 13 -> "EACCES (permission denied)";
            default -> "errno " + errno;
        };
    }

    private static Result mapAligned(long size, long alignment, int prot, int flags) {
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0) throw new IllegalArgumentException("size " + size);
        if (alignment < PAGE_SIZE || Long.bitCount(alignment) != 1) throw new IllegalArgumentException("alignment " + alignment);
        long over = alignment > PAGE_SIZE ? size + alignment - PAGE_SIZE : size;
        if (over < size) return new Result(0, 12);
        int injected = FaultInjector.refusal(FaultInjector.Call.MMAP, 0, over);
        if (injected != 0) return new Result(0, injected);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long p = (long) MMAP.invokeExact(state, 0L, over, prot, flags, -1, 0L);
            if (p == MAP_FAILED) return new Result(0, errno(state));
            if (over == size) return new Result(p, 0);
            long aligned = (p + alignment - 1) & -alignment;
            long head = aligned - p, tail = over - head - size;
            // The aligned block is good either way: only reservations are over-sized, so an untrimmed
            // head or tail is address space with no access and no commit charge, never handed out.
            if (head > 0) unmapOrReport(p, head, "the head of an over-sized aligned mapping stays mapped");
            if (tail > 0) unmapOrReport(aligned + size, tail, "the tail of an over-sized aligned mapping stays mapped");
            return new Result(aligned, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@link #unmap} where nothing more can be done if the OS refuses (the range is no one's any more):
     * a refusal is reported to {@link RefusedReleases}, {@code what} saying what becomes of the range.
     */
    public static void unmapOrReport(long address, long size, String what) {
        int rc = unmap(address, size);
        if (rc != 0) RefusedReleases.report(what, address, size, rc);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }
}
