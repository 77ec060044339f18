package dev.hakmem.codegen.yaml;

import dev.hakmem.codegen.InputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
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
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads typed values from one input file's SnakeYAML Engine node tree, throwing an
 * {@link InputException} at the offending node ({@code file:line:column: what is wrong; what was
 * expected}) for anything of the wrong shape: not valid YAML or JSON, wrong type, unknown, refused or
 * repeated key, missing member, integer out of range. What a value must mean (class rules, units) is
 * the caller's business; {@link #error(Field, String)} places its messages the same way.
 *
 * <p>Not an API: the spec parser and the profile reader share it (see the package javadoc).
 */
public final class NodeReader {
    private static final int MAX_SHOWN = 40;

    /**
     * The language of the file: which YAML 1.2 schema types its scalars, and the words of its messages.
     */
    public enum Syntax {
        /** YAML, core schema: {@code 128} an integer, {@code "128"} a string, {@code true} a boolean, {@code yes} a string. */
        YAML("YAML", "a single YAML document", CoreSchema::new),
        /**
         * JSON, read as YAML with the JSON schema ({@code 12} an integer, {@code "12"} a string,
         * {@code 1.0} a number); messages say object and array. The one YAML leniency that matters is
         * refused: a mapping read as an object must be a flow mapping ({@code {...}}), since a block
         * mapping is no JSON object. Inside one, leniencies such as an unquoted string or a trailing
         * comma change nothing and are let through.
         */
        JSON("JSON", "one JSON object", JsonSchema::new);

        private final String language;
        private final String document;
        private final Supplier<Schema> schema;

        Syntax(String language, String document, Supplier<Schema> schema) {
            this.language = language;
            this.document = document;
            this.schema = schema;
        }
    }

    /**
     * One value of the file and where it is: {@code key} (empty for list items and the root),
     * {@code path} as messages name it ({@code tiny.classes[2].batch}), the {@code value} node, and
     * {@code at}, the node an error about the value points to: the value, or, for an entry of
     * {@link #entries} with nothing after its key ({@code checks:}), the key.
     */
    public record Field(String key, String path, Node value, Node at) {
        /** The value {@code node} at {@code path}, errors pointing at the node. */
        public static Field of(String path, Node node) {
            return new Field("", path, node, node);
        }
    }

    private final Syntax syntax;
    private final InputException.Input input;
    private final String source;

    /**
     * A reader of the file {@code source} (as messages name it), of kind {@code input}, written in
     * {@code syntax}.
     */
    public NodeReader(Syntax syntax, InputException.Input input, String source) {
        this.syntax = syntax;
        this.input = input;
        this.source = source;
    }

    /**
     * The root of {@code text}, a single document, at path "".
     *
     * @param expectedIfEmpty what the file should hold, for the message when it holds nothing
     */
    public Field root(String text, String expectedIfEmpty) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setSchema(syntax.schema.get()).build();
        Optional<Node> root;
        String invalid = "not valid " + syntax.language + ": ";
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + e.getContextMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")";
            throw error(at, invalid + e.getProblem() + context + "; expected " + syntax.document);
        } catch (YamlEngineException e) {
            throw error(Optional.empty(), invalid + e.getMessage() + "; expected " + syntax.document);
        }
        Node node = root.orElseThrow(() -> error(Optional.empty(), "the " + noun() + " is empty; expected " + expectedIfEmpty));
        return Field.of("", node);
    }

    /** An error at {@code at}: {@code problem} names what is wrong and what was expected. */
    private InputException error(Node at, String problem) {
        return error(at.getStartMark(), problem);
    }

    private InputException error(Optional<Mark> mark, String problem) {
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int column = mark.map(m -> m.getColumn() + 1).orElse(1);
        return switch (input) {
            case SPEC -> InputException.spec(source, line, column, problem);
            case PROFILE -> InputException.profile(source, line, column, problem);
        };
    }

    /** An error about the value of {@code f}, at {@link Field#at}: {@code path: problem}. */
    public InputException error(Field f, String problem) {
        return error(f.at(), prefix(f) + problem);
    }

    /** The value of {@code f} has the wrong type: "got ..." (of the root: "the spec is ..."); expected {@code expected}. */
    public InputException wrongType(Field f, String expected) {
        return error(f, (f.path().isEmpty() ? "the " + noun() + " is " : "got ") + describe(f.value()) + "; expected " + expected);
    }

    /** The value of {@code f} is outside its range; {@code written} is the value as the file spells it. */
    public InputException outOfRange(Field f, String written, String expected) {
        return error(f, written + " is out of range; expected " + expected);
    }

    /** {@link #entries(Field, List, Map)} with no refused keys. */
    public List<Field> entries(Field f, List<String> keys) {
        return entries(f, keys, Map.of());
    }

    /**
     * The entries of the mapping {@code f}, in document order: every key a scalar from {@code keys}, none
     * repeated. The keys are a closed set of optional settings (the spec's sections): an unknown key is an
     * error, with a "did you mean" when one of {@code keys} is close; a key of {@code refused} is an error
     * saying why (its value: the whole problem).
     */
    public List<Field> entries(Field f, List<String> keys, Map<String, String> refused) {
        if (!(f.value() instanceof MappingNode mapping)) {
            throw wrongType(f, "a mapping with the keys " + String.join(", ", keys));
        }
        String prefix = prefix(f);
        List<Field> entries = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw error(keyNode, prefix + "got " + describe(keyNode) + " as a key; expected one of " + String.join(", ", keys));
            }
            String key = k.getValue();
            if (!keys.contains(key) && refused.containsKey(key)) throw error(keyNode, prefix + refused.get(key));
            if (!keys.contains(key)) {
                String hint = Suggestions.closest(key, keys).map(s -> " (did you mean '" + s + "'?)").orElse("");
                throw error(keyNode, prefix + "unknown key '" + key + "'" + hint + "; expected one of " + String.join(", ", keys));
            }
            Node first = seen.putIfAbsent(key, keyNode);
            if (first != null) {
                throw error(keyNode, prefix + "duplicate key '" + key + "' (first at line " + line(first) + "); expected each key at most once");
            }
            Node value = t.getValueNode();
            boolean empty = value instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.getValue().isEmpty();
            entries.add(new Field(key, prefix.isEmpty() ? key : f.path() + "." + key, value, empty ? keyNode : value));
        }
        return entries;
    }

    /**
     * The members of the object {@code f} by name (the profile's objects): names must be strings and
     * unique (JSON says they should be; a repeated one is almost surely a broken writer); the caller asks
     * for the ones it knows and the others are ignored.
     */
    public Members members(Field f, String expected) {
        if (!(f.value() instanceof MappingNode mapping) || syntax == Syntax.JSON && mapping.getFlowStyle() != FlowStyle.FLOW) {
            throw wrongType(f, expected);
        }
        Map<String, Field> members = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k && Tag.STR.equals(k.getTag()))) {
                throw error(t.getKeyNode(), prefix(f) + "got " + describe(t.getKeyNode()) + " as a member name; expected a string");
            }
            Field member = new Field(k.getValue(), f.path().isEmpty() ? k.getValue() : f.path() + "." + k.getValue(),
                    t.getValueNode(), t.getValueNode());
            Field previous = members.putIfAbsent(k.getValue(), member);
            if (previous != null) {
                throw error(k, prefix(f) + "duplicate member '" + k.getValue() + "' (first at line " + line(previous.value())
                        + "); expected each member once");
            }
        }
        return new Members(f, members);
    }

    /** An object's members, from {@link #members}. */
    public final class Members {
        private final Field object;
        private final Map<String, Field> members;

        private Members(Field object, Map<String, Field> members) {
            this.object = object;
            this.members = members;
        }

        /** The member {@code name}; an error at the object if it has none. */
        public Field required(String name, String expected) {
            Field f = members.get(name);
            if (f == null) throw error(object.at(), prefix(object) + "missing member '" + name + "'; expected " + expected);
            return f;
        }

        /** The member {@code name}, or null if the object has none. */
        public Field optional(String name) {
            return members.get(name);
        }
    }

    /** The items of the list {@code f}, each named {@code path[i]}. */
    public List<Field> items(Field f, String expected) {
        if (!(f.value() instanceof SequenceNode sequence)) throw wrongType(f, expected);
        List<Field> items = new ArrayList<>();
        for (Node item : sequence.getValue()) items.add(Field.of(f.path() + "[" + items.size() + "]", item));
        return items;
    }

    public boolean bool(Field f) {
        if (!isScalar(f, Tag.BOOL)) throw wrongType(f, "true or false");
        return Boolean.parseBoolean(((ScalarNode) f.value()).getValue().toLowerCase(Locale.ROOT));
    }

    public String string(Field f, String expected) {
        if (!isScalar(f, Tag.STR)) throw wrongType(f, expected);
        return ((ScalarNode) f.value()).getValue();
    }

    /** An integer from {@code min} to {@code max}; {@code expected} says what is allowed. */
    public long integer(Field f, long min, long max, String expected) {
        if (!isScalar(f, Tag.INT)) throw wrongType(f, expected);
        String written = ((ScalarNode) f.value()).getValue();
        BigInteger value = parseInteger(written);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw outOfRange(f, written, expected);
        }
        return value.longValueExact();
    }

    /** Whether the value of {@code f} is a scalar typed {@code tag} by the file's schema. */
    public static boolean isScalar(Field f, Tag tag) {
        return f.value() instanceof ScalarNode s && tag.equals(s.getTag());
    }

    /** An integer as the core and JSON schemas write it: decimal with an optional sign, {@code 0o} octal or {@code 0x} hex (core only). */
    private static BigInteger parseInteger(String text) {
        if (text.startsWith("0o")) return new BigInteger(text.substring(2), 8);
        if (text.startsWith("0x")) return new BigInteger(text.substring(2), 16);
        return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }

    /** What a node is, for "got ..." in messages, in the words of the file's syntax. */
    public String describe(Node node) {
        boolean json = syntax == Syntax.JSON;
        if (node instanceof MappingNode m) {
            return !json ? "a mapping" : m.getFlowStyle() == FlowStyle.FLOW ? "an object" : "a YAML mapping, not JSON";
        }
        if (node instanceof SequenceNode) return json ? "an array" : "a list";
        if (!(node instanceof ScalarNode s)) return "a " + node.getNodeType();
        String v = s.getValue().length() > MAX_SHOWN ? s.getValue().substring(0, MAX_SHOWN - 3) + "..." : s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) return v.isEmpty() && !json ? "no value" : "null";
        if (Tag.BOOL.equals(tag)) return json ? v : "the boolean " + v;
        if (Tag.INT.equals(tag)) return "the integer " + v;
        if (Tag.FLOAT.equals(tag)) return "the number " + v;
        if (Tag.STR.equals(tag)) return "the string '" + v + "'";
        return "a value tagged " + tag.getValue();
    }

    /** What the file is, in messages about its root: "spec" or "profile". */
    private String noun() {
        return input.name().toLowerCase(Locale.ROOT);
    }

    private static String prefix(Field f) {
        return f.path().isEmpty() ? "" : f.path() + ": ";
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
