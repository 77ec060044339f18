package dev.hakmem.codegen.gen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * The per-thread cache class: for every Tiny class {@code i}, a LIFO array {@code b<i>} and its count
 * {@code n<i>} (plus counters {@code a<i>}, {@code f<i>} when stats are on) as plain fields, and the
 * accessors through which the runtime's slow paths reach them (switches over the class index).
 */
final class CacheClass {
    private CacheClass() {}

    static JavaFile generate(Names names) {
        int n = names.frontCount();
        boolean stats = names.config().stats();
        TypeSpec.Builder type = TypeSpec.classBuilder(names.cache())
                .addModifiers(Modifier.FINAL)
                .superclass(Names.THREAD_FRONT)
                .addJavadoc("One platform thread's Tiny caches of {@link $T}: class {@code i}'s free blocks are\n"
                        + "{@code b<i>[0..n<i>)}, the top at {@code n<i> - 1}. Owned by its thread; plain fields.\n", names.variant());
        for (int i = 0; i < n; i++) {
            int size = names.config().classSize(i);
            type.addField(FieldSpec.builder(long[].class, "b" + i).initializer("EMPTY")
                    .addJavadoc("Free $L-byte blocks.\n", size).build());
            type.addField(FieldSpec.builder(int.class, "n" + i).build());
            if (stats) {
                type.addField(long.class, "a" + i);
                type.addField(long.class, "f" + i);
            }
        }
        type.addMethod(MethodSpec.constructorBuilder()
                .addParameter(Object.class, "core").addParameter(int.class, "id")
                .addStatement("super(core, id)").build());
        type.addMethod(override("flatClasses", TypeName.INT).addStatement("return $L", n).build());
        type.addMethod(getter("blocks", TypeName.get(long[].class), n, i -> "b" + i));
        type.addMethod(setter("setBlocks", TypeName.get(long[].class), "blocks", n, i -> "b" + i));
        type.addMethod(getter("count", TypeName.INT, n, i -> "n" + i));
        type.addMethod(setter("setCount", TypeName.INT, "count", n, i -> "n" + i));
        type.addMethod(getter("allocations", TypeName.LONG, n, i -> stats ? "a" + i : "0"));
        type.addMethod(getter("frees", TypeName.LONG, n, i -> stats ? "f" + i : "0"));
        return Sources.file(names, type.build());
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }

    private static MethodSpec getter(String name, TypeName type, int n, java.util.function.IntFunction<String> field) {
        CodeBlock.Builder body = CodeBlock.builder().add("return switch (cls) {\n").indent();
        for (int i = 0; i < n; i++) body.add("case $L -> $L;\n", i, field.apply(i));
        body.add("default -> throw new $T(cls);\n", IndexOutOfBoundsException.class).unindent().add("};\n");
        return override(name, type).addParameter(int.class, "cls").addCode(body.build()).build();
    }

    private static MethodSpec setter(String name, TypeName type, String param, int n, java.util.function.IntFunction<String> field) {
        CodeBlock.Builder body = CodeBlock.builder().add("switch (cls) {\n").indent();
        for (int i = 0; i < n; i++) body.add("case $L -> $L = $L;\n", i, field.apply(i), param);
        body.add("default -> throw new $T(cls);\n", IndexOutOfBoundsException.class).unindent().add("}\n");
        return override(name, TypeName.VOID).addParameter(int.class, "cls").addParameter(type, param).addCode(body.build()).build();
    }
}
