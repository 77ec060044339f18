package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The type of a setting's value ({@link SpecKey.Setting}): how it is read from its node, checked where it
 * is written, how the writer writes it back, and how the generator spells it in Java. A new kind of value
 * is a new record here; {@code SpecKeyTest} then needs to know how to pick a valid value of it.
 */
sealed interface Value<T> permits Value.Bool, Value.ByteCount {
    /** {@code true} or {@code false}. */
    Value<Boolean> BOOL = new Bool();

    /** The value of {@code f}; an error at {@code f} if it is of the wrong type or out of range. */
    T read(NodeReader nodes, Field f);

    /** {@code value} as the writer writes it, which {@link #read} reads back. */
    String yaml(T value);

    /** {@code value} as a Java expression, for a builder call in generated code. */
    String java(T value);

    /** {@code true} or {@code false}; YAML 1.2, so {@code yes} is a string. */
    record Bool() implements Value<Boolean> {
        @Override
        public Boolean read(NodeReader nodes, Field f) {
            return nodes.bool(f);
        }

        @Override
        public String yaml(Boolean value) {
            return value.toString();
        }

        @Override
        public String java(Boolean value) {
            return value.toString();
        }
    }

    /**
     * A byte count, an integer or a whole number with a binary unit ({@link Sizes}), from {@code min} to
     * {@code max}, a multiple of {@code multiple}; with {@code unlimited}, also the word {@value #UNLIMITED},
     * which means {@code Long.MAX_VALUE} (no limit).
     */
    record ByteCount(long min, long max, long multiple, boolean unlimited) implements Value<Long> {
        static final String UNLIMITED = "unlimited";

        /** What is allowed, for messages: "a byte count of at least 0", "a multiple of 4MiB from 64MiB to 64TiB", ... */
        String expected() {
            String range = multiple > 1 ? "a multiple of " + Sizes.format(multiple) + " from " + Sizes.format(min) + " to " + Sizes.format(max)
                    : max == Long.MAX_VALUE ? "a byte count of at least " + Sizes.format(min)
                    : "a byte count from " + Sizes.format(min) + " to " + Sizes.format(max);
            return unlimited ? "'" + UNLIMITED + "' or " + range : range;
        }

        @Override
        public Long read(NodeReader nodes, Field f) {
            if (unlimited && f.value() instanceof ScalarNode s && s.getValue().equals(UNLIMITED)) return Long.MAX_VALUE;
            long bytes = Sizes.read(nodes, f, min, max, expected());
            if (bytes % multiple != 0) {
                throw nodes.error(f, ((ScalarNode) f.value()).getValue() + " is not a multiple of " + Sizes.format(multiple)
                        + "; expected " + expected());
            }
            return bytes;
        }

        @Override
        public String yaml(Long value) {
            return unlimited && value == Long.MAX_VALUE ? UNLIMITED : Sizes.format(value);
        }

        @Override
        public String java(Long value) {
            return value == Long.MAX_VALUE ? "Long.MAX_VALUE" : value + "L";
        }
    }
}
