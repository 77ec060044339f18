package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Test helper: generates a spec's variant into a directory and compiles it in-process, warnings as errors. */
final class GeneratedCode {
    private GeneratedCode() {}

    /** Generates and compiles {@code spec} under {@code dir}; returns a loader for the compiled classes. */
    static URLClassLoader compile(AllocatorSpec spec, Path dir) throws IOException {
        return compile(spec, dir, dev.hakmem.Hakmem.version());
    }

    /** The same, generated for hakmem-runtime {@code runtimeVersion}. */
    static URLClassLoader compile(AllocatorSpec spec, Path dir, String runtimeVersion) throws IOException {
        Path src = dir.resolve("src"), classes = dir.resolve("classes");
        Files.createDirectories(classes);
        for (var f : VariantGenerator.generate(spec, runtimeVersion)) f.writeTo(src);
        List<Path> sources;
        try (Stream<Path> s = Files.walk(src)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-Xlint:all", "-Werror", "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertTrue(ok && diagnostics.getDiagnostics().isEmpty(), () -> "javac: " + diagnostics.getDiagnostics());
        }
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, GeneratedCode.class.getClassLoader());
    }
}
