package dev.hakmem.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for a C allocator's {@code malloc(size_t)}, {@code free(void*)} and
 * {@code realloc(void*, size_t)}.
 *
 * <p>Pointers and {@code size_t} are both passed as {@code long} (same register class on the 64-bit
 * ABIs we run on), so the handles return a bare {@code long} and no {@link MemorySegment} wrapper
 * is created per call. Libraries are loaded into {@link Arena#global()} on purpose: closing an arena
 * would {@code dlclose} a malloc implementation that still owns live blocks and crash the JVM.
 */
@SuppressWarnings("restricted") // library loading and downcalls: the whole point of this class
final class NativeFunctions {
    private static final FunctionDescriptor MALLOC = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor FREE = FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor REALLOC = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    /** The three handles, or the one-line reason they could not be had. */
    record Functions(MethodHandle malloc, MethodHandle free, MethodHandle realloc, String unavailable) {
        static Functions missing(String reason) {
            return new Functions(null, null, null, reason);
        }
    }

    /** The symbol names of one allocator, e.g. {@code mi_malloc}, {@code mi_free}, {@code mi_realloc}. */
    record Names(String malloc, String free, String realloc) {}

    private NativeFunctions() {}

    /**
     * Looks the symbols up in the libraries already in the process (glibc for malloc/free), linking
     * the handles with {@code options} (for example {@link Linker.Option#critical}).
     */
    static Functions fromDefault(Names names, Linker.Option... options) {
        return bind(Linker.nativeLinker().defaultLookup(), names, "the C library", options);
    }

    /**
     * Loads {@code library} for the life of the JVM and looks the symbols up in it; when it is missing
     * the reason names {@code installHint}.
     */
    static Functions fromLibrary(String library, Names names, String installHint) {
        return fromLibrary(library, names, installHint, null);
    }

    /**
     * As {@link #fromLibrary(String, Names, String)}, and when the library is there but the dynamic
     * loader refuses it, the reason is the loader's own message followed by {@code loadHint} (how to
     * start the JVM so that it loads).
     */
    static Functions fromLibrary(String library, Names names, String installHint, String loadHint) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            // The JDK only says "Cannot open library"; ask the loader whether the file is missing.
            String why = dlopenError(library);
            if (why == null || why.contains("No such file")) {
                return Functions.missing(library + " not found; install it with: " + installHint);
            }
            return Functions.missing(library + " cannot be loaded (" + why + ")" + (loadHint == null ? "" : "; " + loadHint));
        }
        return bind(lookup, names, library);
    }

    private static Functions bind(SymbolLookup lookup, Names names, String where, Linker.Option... options) {
        var m = lookup.find(names.malloc());
        var f = lookup.find(names.free());
        var r = lookup.find(names.realloc());
        if (m.isEmpty() || f.isEmpty() || r.isEmpty()) {
            return Functions.missing("symbols " + names.malloc() + "/" + names.free() + "/" + names.realloc()
                    + " not found in " + where);
        }
        Linker linker = Linker.nativeLinker();
        return new Functions(linker.downcallHandle(m.get(), MALLOC, options), linker.downcallHandle(f.get(), FREE, options),
                linker.downcallHandle(r.get(), REALLOC, options), null);
    }

    /**
     * The dynamic loader's message for {@code dlopen(library)}, or null when it cannot be had (or the
     * library loads after all). Only called after a load failed, so a handle it opens is never used.
     */
    static String dlopenError(String library) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        var dlopen = libc.find("dlopen");
        var dlerror = libc.find("dlerror");
        if (dlopen.isEmpty() || dlerror.isEmpty()) return null;
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle open = linker.downcallHandle(dlopen.get(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle error = linker.downcallHandle(dlerror.get(), FunctionDescriptor.of(ValueLayout.ADDRESS));
            int rtldLazy = 1;
            if ((long) open.invokeExact(arena.allocateFrom(library), rtldLazy) != 0) return null;
            MemorySegment message = (MemorySegment) error.invokeExact();
            return message.equals(MemorySegment.NULL) ? null : message.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }
}
