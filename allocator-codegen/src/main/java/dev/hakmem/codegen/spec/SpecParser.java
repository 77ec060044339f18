package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads spec files (YAML, one variant each) into {@link AllocatorSpec}s. The layout, every key with its
 * default and range, is in the README's "Spec files" section; an omitted key means the runtime's default.
 * Which keys there are, and how each setting is read, is {@link SpecKey}'s table.
 *
 * <p>Every value is checked where it is written, so a bad spec fails with a {@link InputException}
 * naming {@code file:line:column} of the offending node, what is wrong and what was expected. A file
 * reports its first error; {@link #parseAll} reports the first error of every file at once.
 */
public final class SpecParser {
    /**
     * The classes that turn a spec file into settings.
     *
     * @return those classes: their bytes decide the output, so build tools fingerprint them
     */
    public static List<Class<?>> classes() {
        return List.of(SpecParser.class, SpecKey.class, SpecKey.Setting.class, SpecKey.NotAKey.class, Value.class, Value.Bool.class,
                Value.ByteCount.class, NodeReader.class, Sizes.class, Tier.class, TierReader.class);
    }

    private static final String CLASS_NAME = "a fully qualified class name, e.g. com.example.FastAllocator";
    private static final String FRONTS_VALUE = "a size in bytes from the first Tiny class's size to " + AllocatorConfig.TINY_MAX;

    private SpecParser() {}

    /** A parsed spec and its {@code variant} entry, where an error about the class name points. */
    private record Parsed(AllocatorSpec spec, NodeReader nodes, Field variant) {}

    /**
     * Parses the spec in {@code file} (UTF-8); its path as given names it in messages and in
     * {@link AllocatorSpec#source()}.
     *
     * @param file the spec file
     * @return the spec
     * @throws InputException if the file is not a valid spec, or cannot be read (then at line 1, column 1)
     */
    public static AllocatorSpec parse(Path file) {
        return read(file).spec();
    }

    /**
     * Parses the spec text {@code yaml}; {@code sourceName} names it in messages and in
     * {@link AllocatorSpec#source()}.
     *
     * @param yaml the spec's text
     * @param sourceName where it came from
     * @return the spec
     * @throws InputException if the text is not a valid spec
     */
    public static AllocatorSpec parse(String yaml, String sourceName) {
        return read(yaml, sourceName).spec();
    }

    /**
     * Parses every file, in order, and checks that no two name the same class.
     *
     * @param files the spec files, each named by its path as given
     * @return the specs, in the order of {@code files}
     * @throws InputException if any file fails: one exception whose {@link InputException#errors()} holds
     *     the first error of each failing file, and for a class named twice an error at the later file's
     *     {@code variant}, naming the earlier file
     */
    public static List<AllocatorSpec> parseAll(List<Path> files) {
        return parseAll(files, null);
    }

    /**
     * {@link #parseAll(List)}, with each spec's {@link AllocatorSpec#source()} its file's path relative
     * to {@code base} (with {@code /} separators) when it lies under it: generated sources then say
     * where they came from the same way on every machine ({@code src/main/hakmem/default.yaml}, not a
     * path of one checkout). Errors still name the files as given, so that a console can link them.
     *
     * @param files the spec files
     * @param base the directory names are relative to (a project's base directory), or null to name
     *     each file by its path as given
     * @return the specs, in the order of {@code files}
     * @throws InputException as {@link #parseAll(List)}
     */
    public static List<AllocatorSpec> parseAll(List<Path> files, Path base) {
        List<AllocatorSpec> specs = new ArrayList<>();
        List<InputException> errors = new ArrayList<>();
        Map<String, String> declaredBy = new HashMap<>();
        for (Path file : files) {
            try {
                Parsed p = read(file);
                String earlier = declaredBy.putIfAbsent(p.spec().className(), file.toString());
                if (earlier != null) {
                    throw p.nodes().error(p.variant(), p.spec().className() + " is already declared by " + earlier
                            + "; expected each class in one spec only");
                }
                AllocatorSpec spec = p.spec();
                specs.add(base == null ? spec : new AllocatorSpec(spec.className(), spec.config(), nameOf(file, base), spec.frontsUpTo()));
            } catch (InputException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) throw InputException.all(errors);
        return List.copyOf(specs);
    }

    private static Parsed read(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw InputException.spec(file.toString(), 1, 1, "cannot read the file (" + e + "); expected a readable UTF-8 file");
        }
        return read(yaml, file.toString());
    }

    /** {@code file}'s path relative to {@code base} with {@code /} separators if it lies under it, else as given. */
    static String nameOf(Path file, Path base) {
        if (base == null) return file.toString();
        Path f = file.toAbsolutePath().normalize(), b = base.toAbsolutePath().normalize();
        if (!f.startsWith(b) || f.equals(b)) return file.toString();
        return b.relativize(f).toString().replace(java.io.File.separatorChar, '/');
    }

    private static Parsed read(String yaml, String source) {
        NodeReader nodes = new NodeReader(NodeReader.Syntax.YAML, InputException.Input.SPEC, source);
        Field root = nodes.root(yaml, "a mapping with at least '" + SpecKey.VARIANT.path() + ": <fully qualified class name>'");
        AllocatorConfig.Builder b = AllocatorConfig.builder();
        Field variant = null;
        String className = null;
        Field frontsField = null;
        int fronts = 0;
        for (Field f : nodes.entries(root, SpecKey.topLevel(), SpecKey.NotAKey.refusals())) {
            try {
                SpecKey key = SpecKey.at(f.key());
                switch (key) {
                    case VARIANT -> {
                        variant = f;
                        className = className(nodes, f);
                    }
                    case FRONTS_UP_TO -> {
                        frontsField = f;
                        fronts = (int) nodes.integer(f, 16, AllocatorConfig.TINY_MAX, FRONTS_VALUE);
                    }
                    case null -> section(nodes, f, b);
                    default -> {
                        if (key.setting() == null) throw new AssertionError(key + ", a key of the spec itself, needs its case here");
                        key.setting().read(nodes, f, b);
                    }
                }
            } catch (IllegalArgumentException e) { // the builder disagrees with a value the parser let through
                throw nodes.error(f, "rejected by AllocatorConfig: " + e.getMessage());
            }
        }
        if (variant == null) {
            throw nodes.error(root, "missing key '" + SpecKey.VARIANT.path() + "'; expected the variant's class name, e.g. '"
                    + SpecKey.VARIANT.path() + ": com.example.FastAllocator'");
        }
        AllocatorConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw nodes.error(root, "rejected by AllocatorConfig: " + e.getMessage());
        }
        if (frontsField == null) return new Parsed(new AllocatorSpec(className, config, source), nodes, variant);
        int smallest = config.tinyClasses()[0];
        if (fronts < smallest) {
            throw nodes.error(frontsField, fronts + " is below the first Tiny class, " + smallest
                    + ", so no class would get a front; expected " + smallest + " to " + AllocatorConfig.TINY_MAX);
        }
        return new Parsed(new AllocatorSpec(className, config, source, fronts), nodes, variant);
    }

    private static String className(NodeReader nodes, Field f) {
        String name = nodes.string(f, CLASS_NAME);
        if (!AllocatorSpec.isQualifiedClassName(name)) {
            throw nodes.error(f, "'" + name + "' is not a fully qualified class name; expected a package and a class name"
                    + " made of Java identifiers (no keywords), e.g. com.example.FastAllocator");
        }
        return name;
    }

    /**
     * A top-level section: a tier's, which its {@link TierReader} reads whole, or one whose keys are each a
     * setting ({@code large}, {@code huge}).
     */
    private static void section(NodeReader nodes, Field section, AllocatorConfig.Builder b) {
        Tier tier = SpecKey.tierOf(section.key());
        if (tier != null) {
            tier.apply(b, new TierReader(nodes, tier).read(section));
            return;
        }
        for (Field f : nodes.entries(section, SpecKey.keysIn(section.key()))) SpecKey.at(f.path()).setting().read(nodes, f, b);
    }
}
