package dev.hakmem.codegen.profile;

import dev.hakmem.codegen.InputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * The JSON side of the profile reader. JSON is YAML 1.2, so SnakeYAML Engine (already the spec
 * parser's) composes a profile into a node tree that keeps every value's line and column; this class
 * reads typed values from it and throws a {@link InputException} at the offending node. Scalars are
 * typed by YAML's JSON schema ({@code 12} an integer, {@code "12"} a string, {@code 1.0} a float), and the
 * messages speak JSON (object, array) rather than YAML.
 *
 * <p>YAML accepts more than JSON; the one difference that matters is caught: a document that is not
 * a <em>flow</em> mapping ({@code {...}}) is not a JSON object, even if YAML could read it. Inside
 * one, YAML leniencies (an unquoted string, a trailing comma) are let through: they change nothing.
 */
final class JsonNodes {
    private static final int MAX_SHOWN = 40;

    private final String source;

    JsonNodes(String source) {
        this.source = source;
    }

    /** A value and where it is: {@code path} as messages name it ({@code classes[2].burst}). */
    record Field(String path, Node value) {}

    /** The root object of the profile. */
    Field root(String json) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setSchema(new JsonSchema()).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(json);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + e.getContextMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")";
            throw error(at, "not valid JSON: " + e.getProblem() + context + "; expected one JSON object");
        } catch (YamlEngineException e) {
            throw error(Optional.empty(), "not valid JSON: " + e.getMessage() + "; expected one JSON object");
        }
        Node node = root.orElseThrow(() -> error(Optional.empty(),
                "the profile is empty; expected a JSON object written by the hakmem profile recorder"));
        if (!(node instanceof MappingNode m && m.getFlowStyle() == FlowStyle.FLOW)) {
            throw error(node, "the profile is " + describe(node) + "; expected a JSON object ({...}) written by the hakmem profile recorder");
        }
        return new Field("", node);
    }

    InputException error(Node at, String problem) {
        return error(at.getStartMark(), problem);
    }

    private InputException error(Optional<Mark> mark, String problem) {
        return InputException.profile(source, mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1), problem);
    }

    /** An error about the value of {@code f}: {@code path: problem}. */
    InputException error(Field f, String problem) {
        return error(f.value(), (f.path().isEmpty() ? "" : f.path() + ": ") + problem);
    }

    InputException wrongType(Field f, String expected) {
        return error(f, "got " + describe(f.value()) + "; expected " + expected);
    }

    /**
     * The members of the object {@code f} by name, in document order. Names must be strings and unique
     * (JSON says they should be; a repeated one is almost surely a broken writer).
     */
    Members object(Field f, String expected) {
        if (!(f.value() instanceof MappingNode mapping)) throw wrongType(f, expected);
        Map<String, Field> members = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k && Tag.STR.equals(k.getTag()))) {
                throw error(t.getKeyNode(), prefix(f) + "got " + describe(t.getKeyNode()) + " as a member name; expected a string");
            }
            String path = f.path().isEmpty() ? k.getValue() : f.path() + "." + k.getValue();
            Field previous = members.putIfAbsent(k.getValue(), new Field(path, t.getValueNode()));
            if (previous != null) {
                throw error(k, prefix(f) + "duplicate member '" + k.getValue() + "' (first at line "
                        + previous.value().getStartMark().map(m -> m.getLine() + 1).orElse(0) + "); expected each member once");
            }
        }
        return new Members(f, members);
    }

    /** An object's members; names not asked for are ignored (a newer recorder may add some). */
    final class Members {
        private final Field object;
        private final Map<String, Field> members;

        private Members(Field object, Map<String, Field> members) {
            this.object = object;
            this.members = members;
        }

        /** The member {@code name}; an error at the object if it is missing. */
        Field required(String name, String expected) {
            Field f = members.get(name);
            if (f == null) throw error(object.value(), prefix(object) + "missing member '" + name + "'; expected " + expected);
            return f;
        }

        /** The member {@code name}, or null if the object has none. */
        Field optional(String name) {
            return members.get(name);
        }
    }

    /** The elements of the array {@code f}, each named {@code path[i]}. */
    List<Field> array(Field f, String expected) {
        if (!(f.value() instanceof SequenceNode sequence)) throw wrongType(f, expected);
        List<Field> items = new ArrayList<>();
        for (Node item : sequence.getValue()) items.add(new Field(f.path() + "[" + items.size() + "]", item));
        return items;
    }

    String string(Field f, String expected) {
        if (!(f.value() instanceof ScalarNode s && Tag.STR.equals(s.getTag()))) throw wrongType(f, expected);
        return s.getValue();
    }

    /** An integer from {@code min} to {@code max}; {@code expected} says what is allowed. */
    long integer(Field f, long min, long max, String expected) {
        if (!(f.value() instanceof ScalarNode s && Tag.INT.equals(s.getTag()))) throw wrongType(f, expected);
        BigInteger value = new BigInteger(s.getValue());
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(f, s.getValue() + " is out of range; expected " + expected);
        }
        return value.longValueExact();
    }

    private static String prefix(Field f) {
        return f.path().isEmpty() ? "" : f.path() + ": ";
    }

    /** What a node is, for "got ..." in messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode m) return m.getFlowStyle() == FlowStyle.FLOW ? "an object" : "a YAML mapping, not JSON";
        if (node instanceof SequenceNode) return "an array";
        if (!(node instanceof ScalarNode s)) return "a " + node.getNodeType();
        String v = s.getValue().length() > MAX_SHOWN ? s.getValue().substring(0, MAX_SHOWN - 3) + "..." : s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) return "null";
        if (Tag.BOOL.equals(tag)) return v;
        if (Tag.INT.equals(tag)) return "the integer " + v;
        if (Tag.FLOAT.equals(tag)) return "the number " + v;
        if (Tag.STR.equals(tag)) return "the string '" + v + "'";
        return "a value tagged " + tag.getValue();
    }
}
