package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.hakmem.AllocatorConfig;
import javax.lang.model.element.Modifier;

/**
 * The variant's small-block front: one {@code malloc} and one {@code free} for every front class,
 * over the class's cache object (a malloc's from the request's granule, a free's from the block's
 * class), with checks and stats as compile-time constants: checks off means no state
 * change is generated, only the free's check that the address starts a block (only double frees go
 * undetected); stats off, no counter. No code per class: a program that mixes sizes runs one method,
 * whose branches do not depend on the size (see the package javadoc for why that matters).
 */
final class FrontClass {
    private FrontClass() {}

    static JavaFile generate(Names names) {
        AllocatorConfig c = names.config();
        ClassName cache = names.cache();
        ClassName stack = CacheClass.stack(names);
        boolean checks = c.checks(), stats = c.stats();

        MethodSpec.Builder malloc = MethodSpec.methodBuilder("malloc")
                .addModifiers(Modifier.STATIC).returns(long.class)
                .addParameter(Names.FRONT_SUPPORT, "s").addParameter(cache, "c").addParameter(long.class, "size")
                .addJavadoc("A block for a request of {@code size} bytes, at most the last front class's size: pops the\n"
                        + "most recently freed one of the size's class; refills a batch when the class's cache is empty.\n")
                .addStatement("$T k = c.byGranule[(int) ((size + 15) >>> 4)]", stack)
                .addStatement("int n = k.count")
                .addStatement("long p")
                .beginControlFlow("if (n > 0)")
                .addStatement("p = k.blocks[n - 1]")
                .addStatement("k.count = n - 1")
                .nextControlFlow("else")
                .addStatement("p = s.refill(c, k.cls, size)")
                .endControlFlow();
        if (checks) malloc.addStatement("s.markLive(p)");
        if (stats) malloc.addStatement("k.allocations++").addStatement("c.requestedBytes += size");
        malloc.addStatement("return p");

        MethodSpec.Builder free = MethodSpec.methodBuilder("free")
                .addModifiers(Modifier.STATIC)
                .addParameter(Names.FRONT_SUPPORT, "s").addParameter(cache, "c").addParameter(stack, "k")
                .addParameter(long.class, "p").addParameter(int.class, "owner")
                .addJavadoc("Frees the block {@code p} of the front class whose cache is {@code k}, on a page whose owner is\n"
                        + "{@code owner}: pushed here if this thread's slab (or a shared one, which may then become this\n"
                        + "thread's), else sent back to its owner.\n");
        if (!checks) free.addStatement("s.checkBlockStart(p, k.cls)"); // checks off: only double frees pass
        free.beginControlFlow("if (owner == c.id() || owner == 0)");
        // The front's own slab: a plain state change; a shared one (owner 0): a CAS. Other owners' blocks
        // are checked by freeRemote.
        if (checks) free.addStatement("s.markFreed(p, k.cls, owner)");
        free
                .addStatement("int n = k.count")
                .addStatement("long[] b = k.blocks")
                .beginControlFlow("if ($T.compareUnsigned(n, b.length) < 0)", Integer.class) // unsigned: the JIT drops b[n]'s own bounds check
                .addStatement("b[n] = p")
                .addStatement("k.count = n + 1")
                .nextControlFlow("else")
                .addStatement("s.flush(c, k.cls, p)")
                .endControlFlow()
                // a shared slab's block: the slab may become this thread's, as in the generic free
                .beginControlFlow("if (owner == 0)")
                .addStatement("s.claimShared(c, k.cls, p)")
                .endControlFlow()
                .nextControlFlow("else")
                .addStatement("s.freeRemote(c, k.cls, p, owner)")
                .endControlFlow();
        if (stats) free.addStatement("k.frees++");

        TypeSpec type = TypeSpec.classBuilder(names.front())
                .addModifiers(Modifier.FINAL)
                .addJavadoc(classJavadoc(names))
                .addField(FieldSpec.builder(boolean.class, "CHECKS", Modifier.STATIC, Modifier.FINAL).initializer("$L", checks)
                        .addJavadoc("Misuse checks, as the spec sets them (the methods below are generated for this value).\n").build())
                .addField(FieldSpec.builder(boolean.class, "STATS", Modifier.STATIC, Modifier.FINAL).initializer("$L", stats)
                        .addJavadoc("Statistics, as the spec sets them (the methods below are generated for this value).\n").build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(malloc.build())
                .addMethod(free.build())
                .build();
        return Sources.file(names, type);
    }

    private static CodeBlock classJavadoc(Names names) {
        AllocatorConfig c = names.config();
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("Small-block front of {@link $T}: classes 0 to $L ($L to $L bytes), checks $L, stats $L.\n\n",
                        names.variant(), names.frontCount() - 1, c.classSize(0), names.frontMaxSize(),
                        c.checks() ? "on" : "off", c.stats() ? "on" : "off")
                .add("<p>A thread's cache of class {@code cls} is {@code byClass[cls]} of its {@link $T};\n", names.cache())
                .add("the runtime makes each array, grows it up to the class's capacity and moves its batches:\n")
                .add("<table>\n  <caption>Front classes (cache capacity / batch in blocks)</caption>\n")
                .add("  <tr><th>class</th><th>size</th><th>cache</th><th>batch</th></tr>\n");
        for (int i = 0; i < names.frontCount(); i++) {
            doc.add("  <tr><td>$L</td><td>$L</td><td>$L</td><td>$L</td></tr>\n", i, c.classSize(i), c.cacheCapacity(i), c.batchSize(i));
        }
        return doc.add("</table>\n").build();
    }
}
