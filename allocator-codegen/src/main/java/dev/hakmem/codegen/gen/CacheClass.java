package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.hakmem.AllocatorConfig;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.lang.model.element.Modifier;

/**
 * The per-thread cache class: for every front class, one small object ({@code ClassStack}: a LIFO
 * array, its count, and the counters {@code allocations} and {@code frees} when stats are on), reached
 * through {@code byClass[cls]} or, for a malloc, straight from the request's 16-byte granule through
 * {@code byGranule}, and the accessors through which the runtime's slow paths reach them.
 *
 * <p>Why objects and a granule table, not arrays indexed by the class (as until session 39): the
 * runtime's own front is laid out this way, and the array layout cost the variant a load and a
 * bounds check more per access (the class from the size, then {@code counts[cls]}, {@code blocks[cls]}
 * and {@code blocks[cls][n - 1]}, each checked against its array): tinyHot ran at 0.90x the generic
 * allocator with it, 0.96-0.97x with this layout (docs/BENCHMARKS.md, session 39).
 */
final class CacheClass {
    private CacheClass() {}

    /** The nested class of one front class's cache. */
    static ClassName stack(Names names) {
        return names.cache().nestedClass("ClassStack");
    }

    static JavaFile generate(Names names) {
        int n = names.frontCount();
        boolean stats = names.config().stats();
        ClassName stack = stack(names);
        TypeSpec.Builder stackType = TypeSpec.classBuilder(stack)
                .addModifiers(Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("One front class's cache: {@code blocks[0..count)} are its free blocks, the top at {@code count - 1}.\n")
                .addField(FieldSpec.builder(int.class, "cls", Modifier.FINAL).addJavadoc("The class.\n").build())
                .addField(FieldSpec.builder(long[].class, "blocks")
                        .addJavadoc("Its free blocks; {@code EMPTY} until the class is first used (the runtime sizes it).\n")
                        .initializer("EMPTY").build())
                .addField(FieldSpec.builder(int.class, "count").addJavadoc("How many of the array's elements are free blocks.\n").build());
        if (stats) {
            stackType.addField(FieldSpec.builder(long.class, "allocations").addJavadoc("Mallocs through this cache (statistics).\n").build());
            stackType.addField(FieldSpec.builder(long.class, "frees").addJavadoc("Frees through this cache (statistics).\n").build());
        }
        stackType.addMethod(MethodSpec.constructorBuilder().addParameter(int.class, "cls").addStatement("this.cls = cls").build());

        TypeSpec.Builder type = TypeSpec.classBuilder(names.cache())
                .addModifiers(Modifier.FINAL)
                .superclass(Names.THREAD_FRONT)
                .addJavadoc("One platform thread's caches of the $L front classes of {@link $T}: one {@link $T} per class,\n"
                        + "by class ({@code byClass}) and by request granule ({@code byGranule}). Owned by its thread; plain fields\n"
                        + "and elements.\n", n, names.variant(), stack)
                .addType(stackType.build())
                .addField(FieldSpec.builder(byte[].class, "CLASS_OF", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("Class of a request of {@code size} bytes, up to the last front class's size: {@code CLASS_OF[(size + 15) >>> 4]}.\n")
                        .initializer("{$L}", classTable(names.config(), names.frontMaxSize())).build())
                .addField(FieldSpec.builder(ArrayTypeName.of(stack), "byClass", Modifier.FINAL)
                        .addJavadoc("Per class, its cache.\n").initializer("new $T[$L]", stack, n).build())
                .addField(FieldSpec.builder(ArrayTypeName.of(stack), "byGranule", Modifier.FINAL)
                        .addJavadoc("Per request granule {@code g = (size + 15) >>> 4}, the cache of the class that serves it:\n"
                                + "a malloc's cache in one load from its size.\n")
                        .initializer("new $T[CLASS_OF.length]", stack).build());
        if (stats) {
            type.addField(FieldSpec.builder(stack, "hotStack")
                    .addJavadoc("The hot class's cache ({@code byClass[hotClass]}), meaningful while {@code hotInfo} is not\n"
                            + "{@code NO_HOT}: a free of the hot class pushes on it without a lookup by the class.\n").build());
            type.addMethod(MethodSpec.methodBuilder("onHot").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                    .addParameter(int.class, "cls").addStatement("hotStack = byClass[cls]").build());
        }
        type.addMethod(MethodSpec.constructorBuilder()
                .addParameter(Object.class, "core").addParameter(int.class, "id")
                .addStatement("super(core, id)")
                .addStatement("for (int cls = 0; cls < byClass.length; cls++) byClass[cls] = new $T(cls)", stack)
                .addStatement("for (int g = 0; g < byGranule.length; g++) byGranule[g] = byClass[CLASS_OF[g]]").build());
        type.addMethod(override("flatClasses", TypeName.INT).addStatement("return $L", n).build());
        type.addMethod(override("blocks", TypeName.get(long[].class)).addParameter(int.class, "cls").addStatement("return byClass[cls].blocks").build());
        type.addMethod(override("setBlocks", TypeName.VOID).addParameter(int.class, "cls").addParameter(long[].class, "blocks")
                .addStatement("byClass[cls].blocks = blocks").build());
        type.addMethod(override("count", TypeName.INT).addParameter(int.class, "cls").addStatement("return byClass[cls].count").build());
        type.addMethod(override("setCount", TypeName.VOID).addParameter(int.class, "cls").addParameter(int.class, "count")
                .addStatement("byClass[cls].count = count").build());
        type.addMethod(override("allocations", TypeName.LONG).addParameter(int.class, "cls")
                .addStatement(stats ? "return byClass[cls].allocations" : "return 0").build());
        type.addMethod(override("frees", TypeName.LONG).addParameter(int.class, "cls")
                .addStatement(stats ? "return byClass[cls].frees" : "return 0").build());
        return Sources.file(names, type.build());
    }

    /** Entry {@code g} is the class of sizes {@code (16(g-1), 16g]} (entry 0: size 0), up to {@code maxSize}. */
    private static String classTable(AllocatorConfig c, int maxSize) {
        int[] tiny = c.tinyClasses();
        return IntStream.rangeClosed(0, maxSize >>> 4).map(g -> {
            int cls = 0;
            while (tiny[cls] < g * 16) cls++;
            return cls;
        }).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }
}
