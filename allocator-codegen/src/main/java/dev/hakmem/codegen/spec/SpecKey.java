package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorConfig.Builder;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.spec.Value.ByteCount;
import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The table of spec keys: one constant per key, in the order of the README's key table ("Spec files"),
 * which is the order {@link SpecWriter} writes them. A key is a path, {@code checks} or, in a section,
 * {@code large.retainedBytes}; the sections and their keys follow from the paths. The parser, the writer
 * and the generator's {@code CONFIG} are driven by it, and the tests hold it against the README and
 * against {@link AllocatorConfig.Builder}:
 *
 * <ul>
 *   <li>a <em>setting</em> ({@link #setting()}) sets one property of {@link AllocatorConfig}: its
 *       {@link Value} type (how it is read, checked, written back and spelled in Java), the builder
 *       method by name and by reference, and the config's getter. Parser, writer and generator handle
 *       every setting alike, so a new one is a row here and nothing else in this module;</li>
 *   <li>the {@code tiny} and {@code mid} keys ({@link #tier()}) make up the class layout, which
 *       {@link TierReader} reads a section at a time (a class's cache comes from the class, else the
 *       section's {@code cache}) and {@code SpecWriter} writes a section at a time;</li>
 *   <li>{@link #VARIANT} and {@link #FRONTS_UP_TO} are {@link AllocatorSpec}'s own, not the config's:
 *       the parser reads them itself.</li>
 * </ul>
 *
 * <p>{@link NotAKey} lists the builder's properties that are deliberately not keys, with the reason a
 * spec that names one is told. {@code SpecKeyTest} fails when a builder property is neither a key nor
 * listed there; {@code SpecReadmeTest} when the README's table does not name exactly these keys, in this
 * order, with each setting's default.
 *
 * <p>Adding a setting: the runtime's feature (its {@code AllocatorConfig} property), a row here, and its
 * row in the README's table. A key that is not a plain value (a new section with its own rules, like the
 * tiers) also needs its reader and writer.
 */
public enum SpecKey {
    /** The variant's fully qualified class name ({@link AllocatorSpec#className()}); the one required key. */
    VARIANT("variant", null, AllocatorSpec::className),
    /** Misuse checks (double free, never-allocated and foreign addresses). */
    CHECKS("checks", "double-free and foreign-free detection",
            setting(Value.BOOL, "checks", Builder::checks, AllocatorConfig::checks)),
    /** Per-operation counters. */
    STATS("stats", "per-operation counters",
            setting(Value.BOOL, "stats", Builder::stats, AllocatorConfig::stats)),
    /** Bytes the allocator may hold from the OS at once, or {@code unlimited}. */
    MEMORY_LIMIT("memoryLimit", "bytes held from the OS at once",
            setting(new ByteCount(4L << 20, Long.MAX_VALUE, 1, true), "memoryLimit", Builder::memoryLimit, AllocatorConfig::memoryLimit)),
    /** Address space reserved (not committed) for Tiny, Mid and Large. */
    ADDRESS_SPACE("addressSpace", "reserved, not committed",
            setting(new ByteCount(64L << 20, 64L << 40, 4L << 20, false), "addressSpace", Builder::addressSpace, AllocatorConfig::addressSpace)),
    /** Tiny classes up to this size run through the generated front ({@link AllocatorSpec#frontsUpTo()}); shapes the code, not the config. */
    FRONTS_UP_TO("frontsUpTo", "Tiny classes up to this size run through the generated front", s -> Integer.toString(s.frontsUpTo())),
    /** The cache of every Tiny class without its own. */
    TINY_CACHE(Tier.TINY, Tier.CACHE, "each class without its own", "tinyCache"),
    /** The Tiny classes, each a size or {@code {size, capacity, batch}} with its own cache. */
    TINY_CLASSES(Tier.TINY, Tier.CLASSES, "ascending; {size, capacity, batch}: a class's own cache", "tinyClasses", SpecKey.CLASS_CACHE),
    /** The cache of every Mid class without its own. */
    MID_CACHE(Tier.MID, Tier.CACHE, "each class without its own", "midCache"),
    /** The Mid classes, each a size or {@code {size, capacity, batch}} with its own cache. */
    MID_CLASSES(Tier.MID, Tier.CLASSES, "ascending; {size, capacity, batch}: a class's own cache", "midClasses", SpecKey.CLASS_CACHE),
    /** Freed Large memory kept resident; the rest goes back to the OS. */
    LARGE_RETAINED_BYTES("large.retainedBytes", "freed Large memory kept resident",
            setting(new ByteCount(0, Long.MAX_VALUE, 1, false), "largeRetainedBytes", Builder::largeRetainedBytes,
                    AllocatorConfig::largeRetainedBytes)),
    /** Freed Huge mappings kept for reuse. */
    HUGE_RETAINED_BYTES("huge.retainedBytes", "freed Huge mappings kept for reuse",
            setting(new ByteCount(0, Long.MAX_VALUE, 1, false), "hugeRetainedBytes", Builder::hugeRetainedBytes,
                    AllocatorConfig::hugeRetainedBytes));

    /** The builder method of one class's cache, which the {@code classes} keys set for every class. */
    static final String CLASS_CACHE = "classCache";

    /**
     * A property of {@link AllocatorConfig} that is deliberately not a spec key. A spec naming it gets
     * {@link #refusal()} rather than "unknown key", and {@link SpecWriter} refuses a config that has it
     * set rather than dropping it.
     */
    enum NotAKey {
        /** The allocation profile is a run-time recording switch; a generated variant never records. */
        PROFILE("profile", "profile", AllocatorConfig::profile, "records an allocation profile",
                "the allocation profile is switched on at run time (AllocatorConfig.builder().profile(true), for AllocationRecorder)"
                        + " on the runtime's allocator, and a generated variant never records one"),
        /** Leak sampling is a run-time diagnostic of the runtime's allocator; generated fronts take no samples. */
        LEAK_SAMPLING("leakSampling", "leakSampling", c -> c.leakSampling() != 0, "samples allocation sites for the leak report",
                "leak sampling is a run-time diagnostic, switched on for the runtime's allocator"
                        + " (Hakmem.create(AllocatorConfig.builder().leakSampling(n).build())); a generated variant's fronts take no samples"
                        + " (its leak report at close still counts the live blocks)"),
        /** Guarded sampling is a diagnostic switched on where a program runs, not a shape of the allocator. */
        GUARD_SAMPLING("guardSampling", "guardSampling", c -> c.guardSampling() != 0, "guards sampled blocks",
                "guarded sampling is a diagnostic switched on at run time (Hakmem.create(AllocatorConfig.builder().guardSampling(rate)"
                        + ".build())), and a generated variant never samples");

        /** The word a spec would use. */
        final String key;
        final String builderMethod;
        /** Whether a config has the property set (away from its default). */
        final Predicate<AllocatorConfig> isSet;
        /** What a config with it set does, for the writer's message: "the config records ...". */
        final String whatItDoes;
        final String reason;

        NotAKey(String key, String builderMethod, Predicate<AllocatorConfig> isSet, String whatItDoes, String reason) {
            this.key = key;
            this.builderMethod = builderMethod;
            this.isSet = isSet;
            this.whatItDoes = whatItDoes;
            this.reason = reason;
        }

        /** The error of a spec that names it. */
        String refusal() {
            return "'" + key + "' is not a spec key: " + reason + "; remove it from the spec";
        }

        /** Every such key with its refusal, for the reader of the top-level mapping. */
        static Map<String, String> refusals() {
            return Arrays.stream(values()).collect(Collectors.toMap(n -> n.key, NotAKey::refusal));
        }
    }

    /**
     * A key that sets one {@link AllocatorConfig} property: read with {@code value}, set with {@code set}
     * (the builder method {@code builderMethod}), read back with {@code get}.
     */
    record Setting<T>(Value<T> value, String builderMethod, BiConsumer<Builder, T> set, Function<AllocatorConfig, T> get) {
        /** Reads the value of {@code f} and sets it on {@code b}. */
        void read(NodeReader nodes, Field f, Builder b) {
            set.accept(b, value.read(nodes, f));
        }

        /** The value in {@code c}, as the writer writes it. */
        String yaml(AllocatorConfig c) {
            return value.yaml(get.apply(c));
        }

        /** The builder call that sets the value in {@code c}, in Java. */
        String javaCall(AllocatorConfig c) {
            return builderMethod + "(" + value.java(get.apply(c)) + ")";
        }
    }

    private static <T> Setting<T> setting(Value<T> value, String builderMethod, BiConsumer<Builder, T> set, Function<AllocatorConfig, T> get) {
        return new Setting<>(value, builderMethod, set, get);
    }

    private final String path;
    private final String comment;
    private final Setting<?> setting;
    private final Function<AllocatorSpec, String> ofSpec;
    private final Tier tier;
    private final List<String> builderMethods;

    /** A setting of the config. */
    SpecKey(String path, String comment, Setting<?> setting) {
        this(path, comment, setting, null, null, List.of(setting.builderMethod()));
    }

    /** A property of {@link AllocatorSpec}, written as {@code ofSpec} gives it. */
    SpecKey(String path, String comment, Function<AllocatorSpec, String> ofSpec) {
        this(path, comment, null, ofSpec, null, List.of());
    }

    /** A key of a tier's section, which sets the builder's {@code builderMethods}. */
    SpecKey(Tier tier, String key, String comment, String... builderMethods) {
        this(tier.key + "." + key, comment, null, null, tier, List.of(builderMethods));
    }

    SpecKey(String path, String comment, Setting<?> setting, Function<AllocatorSpec, String> ofSpec, Tier tier, List<String> builderMethods) {
        this.path = path;
        this.comment = comment;
        this.setting = setting;
        this.ofSpec = ofSpec;
        this.tier = tier;
        this.builderMethods = builderMethods;
    }

    /**
     * The key's full name.
     *
     * @return the key as the README and messages name it: {@code checks}, {@code large.retainedBytes}
     */
    public String path() {
        return path;
    }

    /** The key within its section: {@code retainedBytes}. */
    String key() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The writer's comment on the key's line, or null. */
    String comment() {
        return comment;
    }

    /** The config property the key sets, or null: a tier's key or a property of the spec. */
    Setting<?> setting() {
        return setting;
    }

    /** The tier whose section the key is in, or null. */
    Tier tier() {
        return tier;
    }

    /** The names of the builder methods whose properties the key expresses. */
    List<String> builderMethods() {
        return builderMethods;
    }

    /** The value of this key in {@code spec}, as the writer writes it; not for a tier's keys (the tier writes those). */
    String written(AllocatorSpec spec) {
        if (setting != null) return setting.yaml(spec.config());
        if (ofSpec != null) return ofSpec.apply(spec);
        throw new IllegalStateException(path + " is written with its section");
    }

    private static final Map<String, SpecKey> BY_PATH = new LinkedHashMap<>();
    private static final List<String> TOP_LEVEL;

    static {
        List<String> top = new ArrayList<>();
        for (SpecKey k : values()) {
            BY_PATH.put(k.path, k);
            String name = k.path.contains(".") ? k.path.substring(0, k.path.indexOf('.')) : k.path;
            if (!top.contains(name)) top.add(name);
        }
        TOP_LEVEL = List.copyOf(top);
    }

    /** The keys of the top-level mapping, in table order: each key without a section, and each section. */
    static List<String> topLevel() {
        return TOP_LEVEL;
    }

    /** The key at {@code path}, or null (a section, or no key). */
    static SpecKey at(String path) {
        return BY_PATH.get(path);
    }

    /** The keys in {@code section}, in table order. */
    static List<SpecKey> in(String section) {
        return Arrays.stream(values()).filter(k -> k.path.startsWith(section + ".")).toList();
    }

    /** The keys in {@code section} as its mapping names them. */
    static List<String> keysIn(String section) {
        return in(section).stream().map(SpecKey::key).toList();
    }

    /** The tier whose section {@code section} is, or null. */
    static Tier tierOf(String section) {
        List<SpecKey> keys = in(section);
        return keys.isEmpty() ? null : keys.getFirst().tier;
    }

    /**
     * The builder calls, in Java, that make a config equal to {@code c}, for the generator's {@code CONFIG}:
     * the class layout first (each tier's classes, then every class's cache, which the builder checks
     * against the classes), then each setting in table order.
     *
     * @param c the configuration to spell out
     * @return one call per element, such as {@code checks(false)}, to chain on {@code AllocatorConfig.builder()}
     */
    public static List<String> builderCalls(AllocatorConfig c) {
        List<String> calls = new ArrayList<>();
        for (SpecKey k : values()) {
            if (k.tier != null && k.key().equals(Tier.CLASSES)) calls.add(k.builderMethods.getFirst() + "(" + ints(k.tier.sizesOf(c)) + ")");
        }
        for (int i = 0; i < c.classCount(); i++) {
            calls.add(CLASS_CACHE + "(" + c.classSize(i) + ", " + c.cacheCapacity(i) + ", " + c.batchSize(i) + ")");
        }
        for (SpecKey k : values()) if (k.setting != null) calls.add(k.setting.javaCall(c));
        return calls;
    }

    private static String ints(int[] values) {
        return IntStream.of(values).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }
}
