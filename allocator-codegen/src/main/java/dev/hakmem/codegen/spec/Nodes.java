package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.InputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The YAML side of the spec parser. It composes a spec into SnakeYAML Engine's node tree (the compose
 * API keeps the line and column of every node, which a constructed {@code Map} would lose) and reads
 * typed values from it, throwing a {@link InputException} at the offending node for anything of the
 * wrong shape: wrong type, unknown or repeated key. What a value must mean (ranges, class rules) is the
 * parser's business.
 *
 * <p>Scalars are typed by YAML 1.2's core schema: {@code 128} is an integer, {@code "128"} a string,
 * {@code true} a boolean, {@code yes} a string.
 */
final class Nodes {
    private static final int MAX_SHOWN = 40;

    private final String source;

    Nodes(String source) {
        this.source = source;
    }

    /**
     * One value of the spec and where it is: {@code key} (empty for list items and the root),
     * {@code path} as messages name it ({@code tiny.classes[2].batch}), the {@code value} node, and
     * {@code at}, the node an error about the value points to: the value, or its key when the value is
     * empty ({@code checks:} with nothing after it).
     */
    record Field(String key, String path, Node value, Node at) {
        static Field of(String path, Node node) {
            return new Field("", path, node, node);
        }
    }

    /** The root node of a spec's single document. */
    Node compose(String yaml) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setSchema(new CoreSchema()).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + e.getContextMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")";
            throw error(at, "not valid YAML: " + e.getProblem() + context + "; expected a single YAML document");
        } catch (YamlEngineException e) {
            throw error(Optional.empty(), "not valid YAML: " + e.getMessage() + "; expected a single YAML document");
        }
        return root.orElseThrow(() -> error(Optional.empty(),
                "the spec is empty; expected a mapping with at least '" + Layout.VARIANT + ": <fully qualified class name>'"));
    }

    /** An error at {@code at}: {@code problem} names what is wrong and what was expected. */
    InputException error(Node at, String problem) {
        return error(at.getStartMark(), problem);
    }

    private InputException error(Optional<Mark> mark, String problem) {
        return InputException.spec(source, mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1), problem);
    }

    /** An error about the value of {@code f}: {@code path: problem}. */
    InputException error(Field f, String problem) {
        return error(f.at(), (f.path().isEmpty() ? "" : f.path() + ": ") + problem);
    }

    /** The value of {@code f} has the wrong type. */
    InputException wrongType(Field f, String expected) {
        return error(f, (f.path().isEmpty() ? "the spec is " : "got ") + describe(f.value()) + "; expected " + expected);
    }

    /**
     * The entries of the mapping {@code f}, in document order: every key a plain scalar from
     * {@code keys}, none repeated.
     */
    List<Field> entries(Field f, List<String> keys) {
        if (!(f.value() instanceof MappingNode mapping)) {
            throw wrongType(f, "a mapping with the keys " + String.join(", ", keys));
        }
        String prefix = f.path().isEmpty() ? "" : f.path() + ": ";
        List<Field> entries = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw error(keyNode, prefix + "got " + describe(keyNode) + " as a key; expected one of " + String.join(", ", keys));
            }
            String key = k.getValue();
            if (!keys.contains(key) && key.equals(Layout.PROFILE) && keys.contains(Layout.VARIANT)) {
                throw error(keyNode, prefix + Layout.PROFILE_REFUSED);
            }
            if (!keys.contains(key)) {
                String hint = Suggestions.closest(key, keys).map(s -> " (did you mean '" + s + "'?)").orElse("");
                throw error(keyNode, prefix + "unknown key '" + key + "'" + hint + "; expected one of " + String.join(", ", keys));
            }
            Node first = seen.putIfAbsent(key, keyNode);
            if (first != null) {
                throw error(keyNode, prefix + "duplicate key '" + key + "' (first at line "
                        + first.getStartMark().map(m -> m.getLine() + 1).orElse(0) + "); expected each key at most once");
            }
            Node value = t.getValueNode();
            boolean empty = value instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.getValue().isEmpty();
            entries.add(new Field(key, prefix.isEmpty() ? key : f.path() + "." + key, value, empty ? keyNode : value));
        }
        return entries;
    }

    /** The items of the list {@code f}, each named {@code path[i]}. */
    List<Field> items(Field f, String expected) {
        if (!(f.value() instanceof SequenceNode sequence)) throw wrongType(f, expected);
        List<Field> items = new ArrayList<>();
        for (Node item : sequence.getValue()) items.add(Field.of(f.path() + "[" + items.size() + "]", item));
        return items;
    }

    boolean bool(Field f) {
        if (!(f.value() instanceof ScalarNode s && Tag.BOOL.equals(s.getTag()))) throw wrongType(f, "true or false");
        return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }

    String string(Field f, String expected) {
        if (!(f.value() instanceof ScalarNode s && Tag.STR.equals(s.getTag()))) throw wrongType(f, expected);
        return s.getValue();
    }

    /** An integer from {@code min} to {@code max}; {@code expected} describes what is allowed. */
    long integer(Field f, long min, long max, String expected) {
        if (!(f.value() instanceof ScalarNode s && Tag.INT.equals(s.getTag()))) throw wrongType(f, expected);
        return inRange(f, parseInteger(s.getValue()), s.getValue(), min, max, expected);
    }

    /** A byte count: an integer or a number with a unit ({@link Sizes}), from {@code min} to {@code max}. */
    long bytes(Field f, long min, long max, String expected) {
        if (f.value() instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
            return inRange(f, parseInteger(s.getValue()), s.getValue(), min, max, expected);
        }
        if (f.value() instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
            try {
                long bytes = Sizes.parse(s.getValue());
                return inRange(f, BigInteger.valueOf(bytes), s.getValue(), min, max, expected);
            } catch (IllegalArgumentException e) {
                throw error(f, e.getMessage() + "; expected " + expected);
            }
        }
        throw wrongType(f, expected);
    }

    private long inRange(Field f, BigInteger value, String written, long min, long max, String expected) {
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(f, written + " is out of range; expected " + expected);
        }
        return value.longValueExact();
    }

    /** An integer as the core schema writes it: decimal with an optional sign, {@code 0o} octal or {@code 0x} hex. */
    private static BigInteger parseInteger(String text) {
        if (text.startsWith("0o")) return new BigInteger(text.substring(2), 8);
        if (text.startsWith("0x")) return new BigInteger(text.substring(2), 16);
        return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }

    /** What a node is, for "got ..." in messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) return "a mapping";
        if (node instanceof SequenceNode) return "a list";
        if (!(node instanceof ScalarNode s)) return "a " + node.getNodeType();
        String v = s.getValue().length() > MAX_SHOWN ? s.getValue().substring(0, MAX_SHOWN - 3) + "..." : s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) return v.isEmpty() ? "no value" : "null";
        if (Tag.BOOL.equals(tag)) return "the boolean " + v;
        if (Tag.INT.equals(tag)) return "the integer " + v;
        if (Tag.FLOAT.equals(tag)) return "the number " + v;
        if (Tag.STR.equals(tag)) return "the string '" + v + "'";
        return "a value tagged " + tag.getValue();
    }
}
