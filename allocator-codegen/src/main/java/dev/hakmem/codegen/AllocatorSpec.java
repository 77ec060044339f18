package dev.hakmem.codegen;

import dev.hakmem.AllocatorConfig;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One allocator variant as declared by a spec file: the fully qualified name of the class to generate
 * and every setting, as the runtime's {@link AllocatorConfig} (the spec expresses exactly what the
 * config can express, and the other way round).
 *
 * @param className fully qualified Java class name of the variant, e.g. {@code com.example.FastAllocator}
 * @param config every setting of the variant
 * @param source where the spec came from (a file path, as the user named it), cited in generated javadoc
 * @param frontsUpTo Tiny classes of at most this many bytes get a generated front (code with every
 *     setting a constant); larger ones use the runtime's data-driven front. From the first Tiny class's
 *     size to {@link AllocatorConfig#TINY_MAX}. Not an {@link AllocatorConfig} setting: it shapes the
 *     generated code, not the allocator's behaviour.
 */
public record AllocatorSpec(String className, AllocatorConfig config, String source, int frontsUpTo) {
    /**
     * The default of {@link #frontsUpTo}: every Tiny class. The generated front is one method indexed
     * by the class, so a class more in it costs no code and no branch; a class left to the runtime costs
     * a mixed-size program a size test that goes either way at random (measured: a front of the classes
     * up to 64 bytes made skewed and randomMixed 14-21% slower than the generic allocator; see
     * docs/BENCHMARKS-HISTORY.md, session 26).
     */
    public static final int DEFAULT_FRONTS_UP_TO = AllocatorConfig.TINY_MAX;

    private static final Pattern QUALIFIED_NAME =
            Pattern.compile("(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)+\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");

    /**
     * Validates what {@link AllocatorConfig} does not: the class name and {@code frontsUpTo}.
     *
     * @throws NullPointerException if {@code className}, {@code config} or {@code source} is null
     * @throws IllegalArgumentException if {@code className} is not a fully qualified class name in a
     *     package, or {@code frontsUpTo} is outside [first Tiny class, {@value AllocatorConfig#TINY_MAX}]
     */
    public AllocatorSpec {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(source, "source");
        int smallest = config.tinyClasses()[0];
        if (frontsUpTo < smallest || frontsUpTo > AllocatorConfig.TINY_MAX) {
            throw new IllegalArgumentException("frontsUpTo must be from the first Tiny class's size, " + smallest
                    + ", to " + AllocatorConfig.TINY_MAX + ": " + frontsUpTo);
        }
        if (!isQualifiedClassName(className)) {
            throw new IllegalArgumentException("not a fully qualified Java class name (package and class, e.g. com.example.FastAllocator): " + className);
        }
    }

    /**
     * A spec with the default {@link #frontsUpTo} ({@link #defaultFrontsUpTo}).
     *
     * @param className fully qualified Java class name of the variant
     * @param config every setting of the variant
     * @param source where the spec came from, cited in generated javadoc
     * @throws IllegalArgumentException if {@code className} is not a fully qualified class name in a package
     */
    public AllocatorSpec(String className, AllocatorConfig config, String source) {
        this(className, config, source, defaultFrontsUpTo(config));
    }

    /**
     * The default of {@link #frontsUpTo} for a configuration.
     *
     * @param config the variant's settings
     * @return {@link #DEFAULT_FRONTS_UP_TO}, or the first Tiny class's size when that is larger (so at
     *     least one class gets a front)
     */
    public static int defaultFrontsUpTo(AllocatorConfig config) {
        return Math.max(DEFAULT_FRONTS_UP_TO, config.tinyClasses()[0]);
    }

    /**
     * How many Tiny classes get a generated front.
     *
     * @return the number of Tiny classes, from class 0, of at most {@link #frontsUpTo} bytes (at least 1)
     */
    public int frontClasses() {
        int n = 0;
        for (int size : config.tinyClasses()) if (size <= frontsUpTo) n++;
        return n;
    }

    /**
     * Whether a name can be a variant's class name.
     *
     * @param name a candidate class name
     * @return true when {@code name} is a fully qualified class name in a named package: dot-separated
     *     Java identifiers, at least two, none of them a keyword
     */
    public static boolean isQualifiedClassName(String name) {
        return QUALIFIED_NAME.matcher(name).matches() && javax.lang.model.SourceVersion.isName(name);
    }

    /**
     * The package part of {@link #className}.
     *
     * @return everything before the last dot, e.g. {@code com.example}
     */
    public String packageName() {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /**
     * The simple name part of {@link #className}.
     *
     * @return everything after the last dot, e.g. {@code FastAllocator}
     */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
