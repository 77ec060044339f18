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

    /** Looks the symbols up in the libraries already in the process (glibc for malloc/free). */
    static Functions fromDefault(Names names) {
        return bind(Linker.nativeLinker().defaultLookup(), names, "the C library");
    }

    /**
     * Loads {@code library} for the life of the JVM and looks the symbols up in it; when it is missing
     * the reason names {@code installHint}.
     */
    static Functions fromLibrary(String library, Names names, String installHint) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return Functions.missing(library + " not found; install it with: " + installHint);
        }
        return bind(lookup, names, library);
    }

    private static Functions bind(SymbolLookup lookup, Names names, String where) {
        var m = lookup.find(names.malloc());
        var f = lookup.find(names.free());
        var r = lookup.find(names.realloc());
        if (m.isEmpty() || f.isEmpty() || r.isEmpty()) {
            return Functions.missing("symbols " + names.malloc() + "/" + names.free() + "/" + names.realloc()
                    + " not found in " + where);
        }
        Linker linker = Linker.nativeLinker();
        return new Functions(linker.downcallHandle(m.get(), MALLOC), linker.downcallHandle(f.get(), FREE),
                linker.downcallHandle(r.get(), REALLOC), null);
    }
}
