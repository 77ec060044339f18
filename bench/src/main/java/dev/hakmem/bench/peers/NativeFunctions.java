package dev.hakmem.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for a C allocator's {@code malloc(size_t)} / {@code free(void*)} pair.
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

    /** The pair of handles, or the one-line reason they could not be had. */
    record Pair(MethodHandle malloc, MethodHandle free, String unavailable) {}

    private NativeFunctions() {}

    /** Looks the symbols up in the libraries already in the process (glibc for malloc/free). */
    static Pair fromDefault(String mallocName, String freeName) {
        return bind(Linker.nativeLinker().defaultLookup(), mallocName, freeName, "the C library");
    }

    /**
     * Loads {@code library} for the life of the JVM and looks the symbols up in it; when it is missing
     * the reason names {@code installHint}.
     */
    static Pair fromLibrary(String library, String mallocName, String freeName, String installHint) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return new Pair(null, null, library + " not found; install it with: " + installHint);
        }
        return bind(lookup, mallocName, freeName, library);
    }

    private static Pair bind(SymbolLookup lookup, String mallocName, String freeName, String where) {
        var m = lookup.find(mallocName);
        var f = lookup.find(freeName);
        if (m.isEmpty() || f.isEmpty()) {
            return new Pair(null, null, "symbols " + mallocName + "/" + freeName + " not found in " + where);
        }
        Linker linker = Linker.nativeLinker();
        return new Pair(linker.downcallHandle(m.get(), MALLOC), linker.downcallHandle(f.get(), FREE), null);
    }
}
