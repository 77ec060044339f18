package dev.hakmem.codegen.gen;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * The per-thread cache class: for every front class {@code cls}, a LIFO array {@code blocks[cls]} and
 * its count {@code counts[cls]} (plus counters {@code allocations[cls]}, {@code frees[cls]} when stats
 * are on), indexed by the class, and the accessors through which the runtime's slow paths reach them.
 */
final class CacheClass {
    private CacheClass() {}

    static JavaFile generate(Names names) {
        int n = names.frontCount();
        boolean stats = names.config().stats();
        TypeSpec.Builder type = TypeSpec.classBuilder(names.cache())
                .addModifiers(Modifier.FINAL)
                .superclass(Names.THREAD_FRONT)
                .addJavadoc("One platform thread's caches of the $L front classes of {@link $T}: class {@code cls}'s free\n"
                        + "blocks are {@code blocks[cls][0..counts[cls])}, the top at {@code counts[cls] - 1}. Owned by its\n"
                        + "thread; plain fields and elements.\n", n, names.variant())
                .addField(FieldSpec.builder(long[][].class, "blocks", Modifier.FINAL)
                        .addJavadoc("Per class, its free blocks; {@code EMPTY} until the class is first used.\n")
                        .initializer("new long[$L][]", n).build())
                .addField(FieldSpec.builder(int[].class, "counts", Modifier.FINAL)
                        .addJavadoc("Per class, how many of its array's elements are free blocks.\n")
                        .initializer("new int[$L]", n).build());
        if (stats) {
            type.addField(FieldSpec.builder(long[].class, "allocations", Modifier.FINAL)
                    .addJavadoc("Per class, mallocs through this cache (statistics).\n").initializer("new long[$L]", n).build());
            type.addField(FieldSpec.builder(long[].class, "frees", Modifier.FINAL)
                    .addJavadoc("Per class, frees through this cache (statistics).\n").initializer("new long[$L]", n).build());
        }
        type.addMethod(MethodSpec.constructorBuilder()
                .addParameter(Object.class, "core").addParameter(int.class, "id")
                .addStatement("super(core, id)")
                .addStatement("$T.fill(blocks, EMPTY)", java.util.Arrays.class).build());
        type.addMethod(override("flatClasses", TypeName.INT).addStatement("return $L", n).build());
        type.addMethod(override("blocks", TypeName.get(long[].class)).addParameter(int.class, "cls").addStatement("return blocks[cls]").build());
        type.addMethod(override("setBlocks", TypeName.VOID).addParameter(int.class, "cls").addParameter(long[].class, "blocks")
                .addStatement("this.blocks[cls] = blocks").build());
        type.addMethod(override("count", TypeName.INT).addParameter(int.class, "cls").addStatement("return counts[cls]").build());
        type.addMethod(override("setCount", TypeName.VOID).addParameter(int.class, "cls").addParameter(int.class, "count")
                .addStatement("counts[cls] = count").build());
        type.addMethod(override("allocations", TypeName.LONG).addParameter(int.class, "cls")
                .addStatement(stats ? "return allocations[cls]" : "return 0").build());
        type.addMethod(override("frees", TypeName.LONG).addParameter(int.class, "cls")
                .addStatement(stats ? "return frees[cls]" : "return 0").build());
        return Sources.file(names, type.build());
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }
}
