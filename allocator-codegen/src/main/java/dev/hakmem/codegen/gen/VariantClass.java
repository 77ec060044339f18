package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ArrayTypeName;
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
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * The variant class: {@code CONFIG}, {@code create()}, Tiny {@code malloc}
 * and {@code free} of the front classes calling the generated front, everything else delegated to the runtime's
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
                .addField(Names.FRONT_SUPPORT, "support", Modifier.PRIVATE, Modifier.FINAL)
                .addField(Names.NATIVE_ALLOCATOR, "generic", Modifier.PRIVATE, Modifier.FINAL)
                .addField(FieldSpec.builder(ArrayTypeName.of(Names.THREAD_FRONT), "fronts", Modifier.PRIVATE, Modifier.FINAL)
                        .addJavadoc("The runtime's table of this allocator's fronts by thread id, held here: the thread's front\n"
                                + "is two loads from this object, and closing the allocator empties the table, so the lookup\n"
                                + "is also the test that the allocator is open ({@link $T#ownFront($T[])}).\n",
                                Names.FRONT_SUPPORT, Names.THREAD_FRONT)
                        .build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                        .addStatement("this.support = $T.create(CONFIG, $T::new)", Names.FRONT_SUPPORT, names.cache())
                        .addStatement("this.generic = support.allocator()")
                        .addStatement("this.fronts = support.fronts()")
                        .build())
                .addMethod(MethodSpec.methodBuilder("create")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(Names.NATIVE_ALLOCATOR)
                        .addJavadoc("A new allocator of this variant; close it to give its memory back.\n")
                        .addStatement("return new $T()", names.variant())
                        .build())
                .addMethod(malloc(names))
                .addMethod(free(names))
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
                .addMethod(MethodSpec.methodBuilder("trim").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(TypeName.LONG).addStatement("return generic.trim()").build())
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

    private static MethodSpec malloc(Names names) {
        return MethodSpec.methodBuilder("malloc").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(long.class).addParameter(long.class, "size")
                .addJavadoc("Sizes of the front classes on a platform thread: the generated front; anything else: the runtime.\n")
                .beginControlFlow("if ($T.compareUnsigned(size, FRONT_MAX_SIZE) <= 0 && support.ownFront(fronts) instanceof $T c)",
                        Long.class, names.cache())
                .addStatement("return $T.malloc(support, c, size)", names.front())
                .endControlFlow()
                .addStatement("return generic.malloc(size)")
                .build();
    }

    /**
     * The variant's free. With statistics on, the runtime may make one front class the thread's hot
     * class (its {@code HotClass}: nearly all of the thread's recent frees are of it); a free whose page
     * info equals the front's {@code hotInfo} then pushes on that class without decoding the info, so
     * the push does not wait on the page table's load, and a free that misses it is reported for the
     * next judgement. With statistics off no class is ever hot, and that code is left out.
     */
    private static MethodSpec free(Names names) {
        MethodSpec.Builder free = MethodSpec.methodBuilder("free").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .addParameter(long.class, "address")
                .addJavadoc("A block of a front class on a platform thread: the generated front (the class from the page's kind$L); anything else: the runtime.\n",
                        names.spec().config().stats() ? ", or the thread's hot class on one comparison of the page's info" : "")
                .addStatement("int info = support.pageInfo(address)")
                .addStatement("int kind = $T.kindOf(info)", Names.FRONT_SUPPORT)
                .beginControlFlow("if (kind > 0 && kind <= FRONT_CLASSES && support.ownFront(fronts) instanceof $T c)",
                        names.cache());
        // The class's cache and the block's owner, from the page info.
        CodeBlock stackByKind = CodeBlock.of("c.byClass[kind - 1]");
        CodeBlock ownerByKind = CodeBlock.of("$T.ownerOf(info)", Names.FRONT_SUPPORT);
        if (names.spec().config().stats()) {
            // One call of the front's free, not one per branch: less code for C2 to inline (skewed
            // 120.2 -> 124.5 M ops/s in one A/B of 2 rounds, session 39).
            free.addStatement("int hot = c.hotInfo")
                    .addStatement("$T k", CacheClass.stack(names))
                    .addStatement("int owner")
                    .beginControlFlow("if (info == hot)")
                    .addStatement("k = c.hotStack")
                    .addStatement("owner = c.id()")
                    .nextControlFlow("else")
                    .addStatement("if (hot != $T.NO_HOT) support.hotMiss(c)", Names.FRONT_SUPPORT)
                    .addStatement("k = $L", stackByKind)
                    .addStatement("owner = $L", ownerByKind)
                    .endControlFlow()
                    .addStatement("$T.free(support, c, k, address, owner)", names.front());
        } else {
            free.addStatement("$T.free(support, c, $L, address, $L)", names.front(), stackByKind, ownerByKind);
        }
        return free.addStatement("return")
                .endControlFlow()
                .addStatement("support.free(address, info)")
                .build();
    }

    private static MethodSpec delegate(String name, TypeName returns, String... params) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
        for (String p : params) m.addParameter(long.class, p);
        return m.addStatement("return generic.$L($L)", name, String.join(", ", params)).build();
    }

    private static CodeBlock classJavadoc(Names names) {
        AllocatorSpec spec = names.spec();
        AllocatorConfig c = spec.config();
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("Allocator variant generated by $L from the spec {@code $L}.\n\n", CodegenInfo.GENERATOR, spec.source())
                .add("<p>{@code malloc}/{@code free} of the $L Tiny classes up to $L bytes ({@code frontsUpTo: $L}) on platform\n",
                        names.frontCount(), names.frontMaxSize(), spec.frontsUpTo())
                .add("threads run the generated front ({@link $T}: one method for every class, checks and stats\n", names.front())
                .add("compile-time constants) over per-thread caches indexed by the class ({@link $T});\n", names.cache())
                .add("everything else (larger Tiny classes, Mid, Large, Huge, virtual threads, calloc, realloc, ...)\n")
                .add("is the runtime's allocator of the same settings.\n")
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
