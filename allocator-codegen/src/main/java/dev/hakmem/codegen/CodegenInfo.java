package dev.hakmem.codegen;

/** Identifies the generator in the header of every file it writes. */
public final class CodegenInfo {
    /** The name generated files cite as their generator. */
    public static final String GENERATOR = "hakmem-codegen";

    private CodegenInfo() {}
}
