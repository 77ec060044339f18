package dev.hakmem.codegen.gen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.hakmem.AllocatorConfig;
import javax.lang.model.element.Modifier;

/**
 * One Tiny front: malloc and free of one size class with the class index, size, cache capacity and
 * batch, checks and stats as compile-time constants. Checks off means no state change is generated,
 * only the free's check that the address starts a block (only double frees go undetected); stats off,
 * no counter.
 */
final class TinyFrontClass {
    private TinyFrontClass() {}

    static JavaFile generate(Names names, int cls) {
        AllocatorConfig c = names.config();
        int size = c.classSize(cls);
        ClassName cache = names.cache();
        String b = "b" + cls, n = "n" + cls;
        boolean checks = c.checks(), stats = c.stats();

        MethodSpec.Builder malloc = MethodSpec.methodBuilder("malloc")
                .addModifiers(Modifier.STATIC).returns(long.class)
                .addParameter(Names.FRONT_SUPPORT, "s").addParameter(cache, "c").addParameter(long.class, "size")
                .addJavadoc("Pops the most recently freed block; refills a batch when empty.\n")
                .addStatement("int n = c.$L", n)
                .addStatement("long p")
                .beginControlFlow("if (n > 0)")
                .addStatement("p = c.$L[n - 1]", b)
                .addStatement("c.$L = n - 1", n)
                .nextControlFlow("else")
                .addStatement("p = s.refill(c, CLASS, size)")
                .endControlFlow();
        if (checks) malloc.addStatement("s.markLive(p, CLASS)");
        if (stats) malloc.addStatement("c.a$L++", cls).addStatement("c.requestedBytes += size");
        malloc.addStatement("return p");

        MethodSpec.Builder free = MethodSpec.methodBuilder("free")
                .addModifiers(Modifier.STATIC)
                .addParameter(Names.FRONT_SUPPORT, "s").addParameter(cache, "c").addParameter(long.class, "p")
                .addParameter(int.class, "owner")
                .addJavadoc("Pushes a block whose page has owner {@code owner}; a block another thread owns goes back to it.\n");
        if (!checks) free.addStatement("s.checkBlockStart(p, CLASS)"); // checks off: only double frees pass
        free.beginControlFlow("if (owner == c.id() || owner == 0)");
        // The front's own slab: a plain state change; a shared one (owner 0): a CAS. Other owners' blocks
        // are checked by freeRemote.
        if (checks) free.addStatement("s.markFreed(p, CLASS, owner)");
        free
                .addStatement("int n = c.$L", n)
                .addStatement("long[] b = c.$L", b)
                .beginControlFlow("if (n < b.length)")
                .addStatement("b[n] = p")
                .addStatement("c.$L = n + 1", n)
                .nextControlFlow("else")
                .addStatement("s.flush(c, CLASS, p)")
                .endControlFlow()
                .nextControlFlow("else")
                .addStatement("s.freeRemote(c, CLASS, p, owner)")
                .endControlFlow();
        if (stats) free.addStatement("c.f$L++", cls);

        TypeSpec type = TypeSpec.classBuilder(names.tinyFront(size))
                .addModifiers(Modifier.FINAL)
                .addJavadoc("Tiny front of {@link $T}, class $L: $L-byte blocks, cache of $L, batches of $L, checks $L, stats $L.\n",
                        names.variant(), cls, size, c.cacheCapacity(cls), c.batchSize(cls), checks ? "on" : "off", stats ? "on" : "off")
                .addField(constant("CLASS", cls, "The size class index."))
                .addField(constant("SIZE", size, "Block size in bytes."))
                .addField(constant("CAPACITY", c.cacheCapacity(cls), "Blocks a thread's cache holds (the runtime sizes the array)."))
                .addField(constant("BATCH", c.batchSize(cls), "Blocks moved per refill or flush."))
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(malloc.build())
                .addMethod(free.build())
                .build();
        return Sources.file(names, type);
    }

    private static FieldSpec constant(String name, int value, String doc) {
        return FieldSpec.builder(int.class, name, Modifier.STATIC, Modifier.FINAL).initializer("$L", value).addJavadoc("$L\n", doc).build();
    }
}
