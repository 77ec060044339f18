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
 */
public record AllocatorSpec(String className, AllocatorConfig config, String source) {
    private static final Pattern QUALIFIED_NAME =
            Pattern.compile("(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)+\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");

    public AllocatorSpec {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(source, "source");
        if (!isQualifiedClassName(className)) {
            throw new IllegalArgumentException("not a fully qualified Java class name (package and class, e.g. com.example.FastAllocator): " + className);
        }
    }

    /** Whether {@code name} is a fully qualified class name in a named package (no keywords checked here). */
    public static boolean isQualifiedClassName(String name) {
        return QUALIFIED_NAME.matcher(name).matches() && javax.lang.model.SourceVersion.isName(name);
    }

    /** The package part of {@link #className}. */
    public String packageName() {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** The simple name part of {@link #className}. */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
