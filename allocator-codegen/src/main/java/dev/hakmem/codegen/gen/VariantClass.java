package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.CodegenInfo;
import dev.hakmem.codegen.spec.SpecKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.lang.model.element.Modifier;

/**
 * The variant class: {@code CONFIG}, {@code create()}, the size-to-class table, Tiny {@code malloc}
 * and {@code free} dispatching to the generated fronts, everything else delegated to the runtime's
 * generic allocator of the same settings.
 */
final class VariantClass {
    private VariantClass() {}

    static JavaFile generate(Names names, String runtimeVersion) {
        AllocatorSpec spec = names.spec();
        TypeSpec type = TypeSpec.classBuilder(names.variant())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(Names.NATIVE_ALLOCATOR)
                .addJavadoc(classJavadoc(names))
                // First, so that a mismatch is named before anything else of the runtime is touched.
                .addField(FieldSpec.builder(String.class, "RUNTIME_VERSION", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The hakmem-runtime version this variant was generated for: initialising this class fails,\n"
                                + "naming both versions, when the runtime on the class path has another.\n")
                        .initializer("$T.requireRuntime($S, $S)", Names.FRONT_SUPPORT, runtimeVersion, names.variant().simpleName())
                        .build())
                .addField(FieldSpec.builder(Names.CONFIG, "CONFIG", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The settings of {@code $L}, exactly as its spec declares them.\n", spec.source())
                        .initializer(configInitializer(names.config()))
                        .build())
                .addField(FieldSpec.builder(int.class, "FRONT_CLASSES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("Classes with a generated front: page kinds 1..FRONT_CLASSES (classes 0..FRONT_CLASSES-1).\n")
                        .initializer("$L", names.frontCount()).build())
                .addField(FieldSpec.builder(long.class, "FRONT_MAX_SIZE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The largest request a generated front serves: the block size of class FRONT_CLASSES-1.\n")
                        .initializer("$L", names.frontMaxSize()).build())
                .addField(FieldSpec.builder(byte[].class, "CLASS_OF", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("Class of a request of {@code size <= FRONT_MAX_SIZE} bytes: {@code CLASS_OF[(size + 15) >>> 4]}.\n")
                        .initializer("{$L}", classTable(names.config(), names.frontMaxSize())).build())
                .addField(Names.FRONT_SUPPORT, "support", Modifier.PRIVATE, Modifier.FINAL)
                .addField(Names.NATIVE_ALLOCATOR, "generic", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                        .addStatement("this.support = $T.create(CONFIG, $T::new)", Names.FRONT_SUPPORT, names.cache())
                        .addStatement("this.generic = support.allocator()")
                        .build())
                .addMethod(MethodSpec.methodBuilder("create")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(Names.NATIVE_ALLOCATOR)
                        .addJavadoc("A new allocator of this variant; close it to give its memory back.\n")
                        .addStatement("return new $T()", names.variant())
                        .build())
                .addMethod(malloc(names))
                .addMethod(free(names))
                .addMethods(dispatch(names))
                .addMethod(MethodSpec.methodBuilder("free").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .addParameter(Names.MEMORY_SEGMENT, "segment")
                        .addStatement("free($T.requireNonNull(segment, $S).address())", Objects.class, "segment").build())
                .addMethod(delegate("calloc", TypeName.LONG, "count", "size"))
                .addMethod(delegate("realloc", TypeName.LONG, "address", "newSize"))
                .addMethod(delegate("mallocAligned", TypeName.LONG, "size", "alignment"))
                .addMethod(delegate("usableSize", TypeName.LONG, "address"))
                .addMethod(MethodSpec.methodBuilder("allocate").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(Names.MEMORY_SEGMENT).addParameter(long.class, "byteSize").addParameter(long.class, "byteAlignment")
                        .addStatement("return generic.allocate(byteSize, byteAlignment)").build())
                .addMethod(MethodSpec.methodBuilder("releaseThreadCache").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .addStatement("generic.releaseThreadCache()").build())
                .addMethod(MethodSpec.methodBuilder("stats").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(Names.STATS).addStatement("return generic.stats()").build())
                .addMethod(MethodSpec.methodBuilder("leakReport").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(ParameterizedTypeName.get(Names.OPTIONAL, Names.LEAK_REPORT))
                        .addStatement("return generic.leakReport()").build())
                .addMethod(MethodSpec.methodBuilder("close").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .addStatement("generic.close()").build())
                .addMethod(MethodSpec.methodBuilder("toString").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(String.class).addStatement("return $S + generic", names.variant().simpleName() + " over ").build())
                .build();
        return Sources.file(names, type);
    }

    /**
     * Classes per dispatch method: a switch of 8 calls stays well under C2's limit for inlining a hot
     * method (FreqInlineSize, 325 bytecodes). One method over every class did not: measured, the
     * variant's malloc (409 bytecodes) was never inlined and ran 3.5x slower than the generic front.
     */
    static final int DISPATCH_GROUP = 8; // a power of two: the group of a class is cls >>> log2(DISPATCH_GROUP)

    private static MethodSpec malloc(Names names) {
        return MethodSpec.methodBuilder("malloc").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(long.class).addParameter(long.class, "size")
                .addJavadoc("Sizes of the front classes on a platform thread: the generated front of the size's class; anything else: the runtime.\n")
                .beginControlFlow("if ($T.compareUnsigned(size, FRONT_MAX_SIZE) <= 0 && !support.isClosed() && support.ownFront() instanceof $T c)",
                        Long.class, names.cache())
                .addStatement("return mallocTiny(c, CLASS_OF[(int) ((size + 15) >>> 4)], size)")
                .endControlFlow()
                .addStatement("return generic.malloc(size)")
                .build();
    }

    private static MethodSpec free(Names names) {
        return MethodSpec.methodBuilder("free").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .addParameter(long.class, "address")
                .addJavadoc("A block of a front class on a platform thread: the generated front of its class (from the page's kind); anything else: the runtime.\n")
                .addStatement("int info = support.pageInfo(address)")
                .addStatement("int kind = $T.kindOf(info)", Names.FRONT_SUPPORT)
                .beginControlFlow("if (kind > 0 && kind <= FRONT_CLASSES && !support.isClosed() && support.ownFront() instanceof $T c)",
                        names.cache())
                .addStatement("freeTiny(c, kind - 1, address, $T.ownerOf(info))", Names.FRONT_SUPPORT)
                .addStatement("return")
                .endControlFlow()
                .addStatement("support.free(address, info)")
                .build();
    }

    /**
     * {@code mallocTiny} and {@code freeTiny}: a switch over the class, in groups of
     * {@link #DISPATCH_GROUP} (one method per group plus a switch over the groups when there are more).
     */
    static List<MethodSpec> dispatch(Names names) {
        int groups = (names.frontCount() + DISPATCH_GROUP - 1) / DISPATCH_GROUP;
        List<MethodSpec> methods = new ArrayList<>();
        for (boolean isMalloc : new boolean[] {true, false}) {
            String name = isMalloc ? "mallocTiny" : "freeTiny";
            if (groups == 1) {
                methods.add(dispatchMethod(names, name, isMalloc, 0, names.frontCount()));
                continue;
            }
            CodeBlock.Builder top = CodeBlock.builder()
                    .add(isMalloc ? "return switch (cls >>> $L) {\n" : "switch (cls >>> $L) {\n", Integer.numberOfTrailingZeros(DISPATCH_GROUP))
                    .indent();
            for (int g = 0; g < groups; g++) {
                top.add("case $L -> $L$L($L);\n", g, name, g, isMalloc ? "c, cls, size" : "c, cls, address, owner");
                methods.add(dispatchMethod(names, name + g, isMalloc, g * DISPATCH_GROUP,
                        Math.min(names.frontCount(), (g + 1) * DISPATCH_GROUP)));
            }
            top.add("default -> throw new $T(cls);\n", AssertionError.class).unindent().add(isMalloc ? "};\n" : "}\n");
            methods.add(dispatchSignature(names, name, isMalloc).addCode(top.build()).build());
        }
        return methods;
    }

    private static MethodSpec dispatchMethod(Names names, String name, boolean isMalloc, int from, int to) {
        CodeBlock.Builder body = CodeBlock.builder().add(isMalloc ? "return switch (cls) {\n" : "switch (cls) {\n").indent();
        for (int i = from; i < to; i++) {
            body.add(isMalloc ? "case $L -> $T.malloc(support, c, size);\n" : "case $L -> $T.free(support, c, address, owner);\n",
                    i, names.tinyFront(names.config().classSize(i)));
        }
        body.add("default -> throw new $T(cls);\n", AssertionError.class).unindent().add(isMalloc ? "};\n" : "}\n");
        return dispatchSignature(names, name, isMalloc).addCode(body.build()).build();
    }

    private static MethodSpec.Builder dispatchSignature(Names names, String name, boolean isMalloc) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(names.cache(), "c").addParameter(int.class, "cls");
        return isMalloc ? m.returns(long.class).addParameter(long.class, "size")
                : m.addParameter(long.class, "address").addParameter(int.class, "owner");
    }

    private static MethodSpec delegate(String name, TypeName returns, String... params) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
        for (String p : params) m.addParameter(long.class, p);
        return m.addStatement("return generic.$L($L)", name, String.join(", ", params)).build();
    }

    /** Entry {@code g} is the class of sizes {@code (16(g-1), 16g]} (entry 0: size 0), up to {@code maxSize}. */
    static String classTable(AllocatorConfig c, int maxSize) {
        int[] tiny = c.tinyClasses();
        return IntStream.rangeClosed(0, maxSize >>> 4).map(g -> {
            int cls = 0;
            while (tiny[cls] < g * 16) cls++;
            return cls;
        }).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }

    private static CodeBlock classJavadoc(Names names) {
        AllocatorSpec spec = names.spec();
        AllocatorConfig c = spec.config();
        ClassName self = names.variant();
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("Allocator variant generated by $L from the spec {@code $L}.\n\n", CodegenInfo.GENERATOR, spec.source())
                .add("<p>{@code malloc}/{@code free} of the $L Tiny classes up to $L bytes ({@code frontsUpTo: $L}) on platform\n",
                        names.frontCount(), names.frontMaxSize(), spec.frontsUpTo())
                .add("threads run generated fronts ({@code $LTiny<size>}) with every setting a compile-time constant,\n", self.simpleName())
                .add("over per-thread caches held in fields ({@link $T}); everything else (larger Tiny classes, Mid,\n", names.cache())
                .add("Large, Huge, virtual threads, calloc, realloc, ...) is the runtime's allocator of the same settings.\n")
                .add("Blocks are interchangeable between the two paths.\n\n")
                .add("<p>Settings: checks $L, stats $L, memory limit $L, address space $L bytes,\n",
                        c.checks() ? "on" : "off", c.stats() ? "on" : "off",
                        c.memoryLimit() == Long.MAX_VALUE ? "unlimited" : c.memoryLimit() + " bytes", c.addressSpace())
                .add("Large retained $L bytes, Huge retained $L bytes.\n\n", c.largeRetainedBytes(), c.hugeRetainedBytes())
                .add("<table>\n  <caption>Size classes (cache capacity / batch in blocks)</caption>\n")
                .add("  <tr><th>class</th><th>size</th><th>tier</th><th>front</th><th>cache</th><th>batch</th></tr>\n");
        int tiny = c.tinyClasses().length;
        for (int i = 0; i < c.classCount(); i++) {
            doc.add("  <tr><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td></tr>\n",
                    i, c.classSize(i), i < tiny ? "Tiny" : "Mid", i < names.frontCount() ? "generated" : "runtime",
                    c.cacheCapacity(i), c.batchSize(i));
        }
        return doc.add("</table>\n").build();
    }

    /**
     * {@code AllocatorConfig.builder()...build()} with every setting, one per line: the builder calls of
     * the spec key table ({@link SpecKey#builderCalls}), so a new setting reaches {@code CONFIG} with its key.
     */
    private static CodeBlock configInitializer(AllocatorConfig c) {
        CodeBlock.Builder b = CodeBlock.builder().add("$T.builder()\n", Names.CONFIG).indent().indent();
        for (String call : SpecKey.builderCalls(c)) b.add(".$L\n", call);
        return b.add(".build()")
                .unindent().unindent()
                .build();
    }
}
