package dev.hakmem.codegen.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import dev.hakmem.codegen.yaml.NodeReader.Members;
import dev.hakmem.codegen.yaml.NodeReader.Syntax;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The node reader on its own, in both syntaxes: every error names {@code file:line:column} of the node at
 * fault, what is wrong and what was expected, in the words of the file's syntax. (The spec parser's and
 * the profile reader's error tests hold the messages users see of each kind of input.)
 */
class NodeReaderTest {
    private static final NodeReader YAML = new NodeReader(Syntax.YAML, InputException.Input.SPEC, "s.yaml");
    private static final NodeReader JSON = new NodeReader(Syntax.JSON, InputException.Input.PROFILE, "p.json");
    private static final List<String> KEYS = List.of("alpha", "beta", "gamma");

    @Test
    void errorsSayWhichInputAndWhere() {
        InputException e = fails(() -> YAML.bool(field(YAML, "a: 1\nb: 2\n", "b")));
        assertEquals(InputException.Input.SPEC, e.input());
        assertEquals("s.yaml:2:4: b: got the integer 2; expected true or false", e.getMessage());
        assertEquals(List.of("s.yaml", 2, 4, "b: got the integer 2; expected true or false"),
                List.of(e.file(), e.line(), e.column(), e.problem()));
        InputException j = fails(() -> JSON.string(JSON.members(JSON.root("{\n  \"a\": 1}", "x"), "y").required("a", "z"), "a string"));
        assertEquals(InputException.Input.PROFILE, j.input());
        assertEquals("p.json:2:8: a: got the integer 1; expected a string", j.getMessage());
    }

    @Test
    void invalidAndEmptyDocuments() {
        assertEquals("s.yaml:2:9: not valid YAML: expected ',' or ']', but got } (while parsing a flow sequence at line 2, column 4);"
                + " expected a single YAML document", fails(() -> YAML.root("a: 1\nb: [1, 2}\n", "x")).getMessage());
        assertEquals("p.json:1:8: not valid JSON: expected ',' or '}', but got <stream end> (while parsing a flow mapping at line 1,"
                + " column 1); expected one JSON object", fails(() -> JSON.root("{\"a\": 1", "x")).getMessage());
        assertEquals("s.yaml:1:1: the spec is empty; expected something", fails(() -> YAML.root("# only a comment\n", "something")).getMessage());
        assertEquals("p.json:1:1: the profile is empty; expected an object", fails(() -> JSON.root(" \n", "an object")).getMessage());
        assertEquals("s.yaml:1:1: the spec is a list; expected a mapping with the keys alpha, beta, gamma",
                fails(() -> YAML.entries(YAML.root("- 1\n", "x"), KEYS)).getMessage());
    }

    @Test
    void entriesAreAClosedSetOfOptionalKeys() {
        Field root = YAML.root("alpha: 1\nsection:\n  beta: true\n  gamma:\n", "x");
        List<Field> top = YAML.entries(root, List.of("alpha", "section"));
        assertEquals(List.of("alpha", "section"), top.stream().map(Field::key).toList());
        List<Field> inner = YAML.entries(top.get(1), KEYS);
        assertEquals(List.of("section.beta", "section.gamma"), inner.stream().map(Field::path).toList());
        assertTrue(YAML.bool(inner.getFirst()));
        // a key with nothing after it: errors point at the key, and say there is no value
        assertEquals("s.yaml:4:3: section.gamma: got no value; expected true or false", fails(() -> YAML.bool(inner.get(1))).getMessage());

        assertEquals("s.yaml:2:3: s: unknown key 'alpah' (did you mean 'alpha'?); expected one of alpha, beta, gamma",
                fails(() -> YAML.entries(field(YAML, "s:\n  alpah: 1\n", "s"), KEYS)).getMessage());
        assertEquals("s.yaml:2:3: s: unknown key 'alfa'; expected one of alpha, beta, gamma",
                fails(() -> YAML.entries(field(YAML, "s:\n  alfa: 1\n", "s"), KEYS)).getMessage(), "too far for a four-letter word");
        assertEquals("s.yaml:1:1: unknown key 'colour'; expected one of alpha, beta, gamma",
                fails(() -> YAML.entries(YAML.root("colour: 1\n", "x"), KEYS)).getMessage());
        assertEquals("s.yaml:2:1: 'delta' is refused here, for a reason",
                fails(() -> YAML.entries(YAML.root("alpha: 1\ndelta: 1\n", "x"), KEYS, Map.of("delta", "'delta' is refused here, for a reason")))
                        .getMessage());
        assertEquals("s.yaml:3:1: duplicate key 'beta' (first at line 1); expected each key at most once",
                fails(() -> YAML.entries(YAML.root("beta: 1\nalpha: 2\nbeta: 3\n", "x"), KEYS)).getMessage());
        // SnakeYAML refuses a key that is not a scalar while composing
        assertEquals("s.yaml:1:1: not valid YAML: Non scalar key is detected but it is not configured to be allowed.; expected a single"
                + " YAML document", fails(() -> YAML.root("? [1]\n: 2\n", "x")).getMessage());
        assertEquals("s.yaml:1:5: s: got the integer 3; expected a mapping with the keys alpha, beta, gamma",
                fails(() -> YAML.entries(field(YAML, "{s: 3, t: 4}", "s"), KEYS)).getMessage());
    }

    @Test
    void membersAreLookedUpByNameAndTheOthersIgnored() {
        String json = "{\"a\": 1, \"b\": {\"c\": \"x\"}, \"newer\": [true]}";
        Members root = JSON.members(JSON.root(json, "x"), "an object");
        assertEquals(1, JSON.integer(root.required("a", "a count"), 0, 10, "a count"));
        Members b = JSON.members(root.required("b", "an object"), "an object");
        assertEquals("x", JSON.string(b.required("c", "a string"), "a string"));
        assertNull(b.optional("d"));
        assertEquals("p.json:1:15: b: missing member 'd'; expected a count", fails(() -> b.required("d", "a count")).getMessage());
        assertEquals("p.json:1:1: missing member 'z'; expected a count", fails(() -> root.required("z", "a count")).getMessage());
        assertEquals("p.json:1:10: duplicate member 'a' (first at line 1); expected each member once",
                fails(() -> JSON.members(JSON.root("{\"a\": 1, \"a\": 2}", "x"), "an object")).getMessage());
        assertEquals("p.json:1:2: got the integer 1 as a member name; expected a string",
                fails(() -> JSON.members(JSON.root("{1: 2}", "x"), "an object")).getMessage());
        // YAML reads a block mapping, but it is no JSON object
        assertEquals("p.json:1:1: the profile is a YAML mapping, not JSON; expected an object",
                fails(() -> JSON.members(JSON.root("a: 1\n", "x"), "an object")).getMessage());
        assertEquals("p.json:1:1: the profile is an array; expected an object", fails(() -> JSON.members(JSON.root("[1]", "x"), "an object")).getMessage());
        assertEquals("p.json:1:7: a: got an array; expected an object",
                fails(() -> JSON.members(JSON.members(JSON.root("{\"a\": [1]}", "x"), "o").required("a", "o"), "an object")).getMessage());
    }

    @Test
    void itemsAreNamedByIndex() {
        List<Field> items = YAML.items(field(YAML, "l: [1, [2, 3]]\n", "l"), "a list");
        assertEquals(List.of("l[0]", "l[1]"), items.stream().map(Field::path).toList());
        List<Field> inner = YAML.items(items.get(1), "a list");
        assertEquals("s.yaml:1:12: l[1][1]: 3 is out of range; expected at most 2", fails(() -> YAML.integer(inner.get(1), 0, 2, "at most 2")).getMessage());
        assertEquals("s.yaml:1:4: l: got a mapping; expected a list", fails(() -> YAML.items(field(YAML, "l: {a: 1}\n", "l"), "a list")).getMessage());
        assertEquals("p.json:1:7: l: got an object; expected an array",
                fails(() -> JSON.items(JSON.members(JSON.root("{\"l\": {}}", "x"), "o").required("l", "an array"), "an array")).getMessage());
    }

    @Test
    void integersAsEachSchemaWritesThem() {
        assertEquals(255, YAML.integer(field(YAML, "n: 0xff\n", "n"), 0, 1000, "n"));
        assertEquals(8, YAML.integer(field(YAML, "n: 0o10\n", "n"), 0, 1000, "n"));
        assertEquals(-3, YAML.integer(field(YAML, "n: -3\n", "n"), -5, 1000, "n"));
        assertEquals(7, YAML.integer(field(YAML, "n: +7\n", "n"), 0, 1000, "n"));
        assertEquals("s.yaml:1:4: n: 99999999999999999999 is out of range; expected a long",
                fails(() -> YAML.integer(field(YAML, "n: 99999999999999999999\n", "n"), Long.MIN_VALUE, Long.MAX_VALUE, "a long")).getMessage());
        assertEquals("s.yaml:1:4: n: got the string '12'; expected an integer", fails(() -> YAML.integer(field(YAML, "n: \"12\"\n", "n"), 0, 99, "an integer")).getMessage());
        assertEquals("s.yaml:1:4: n: got the number 1.5; expected an integer", fails(() -> YAML.integer(field(YAML, "n: 1.5\n", "n"), 0, 99, "an integer")).getMessage());
        // JSON has neither hex nor a plus sign: they are strings there
        Members m = JSON.members(JSON.root("{\"h\": 0xff, \"p\": +1, \"n\": -12}", "x"), "o");
        assertEquals("p.json:1:7: h: got the string '0xff'; expected an integer", fails(() -> JSON.integer(m.required("h", ""), 0, 999, "an integer")).getMessage());
        assertEquals("p.json:1:18: p: got the string '+1'; expected an integer", fails(() -> JSON.integer(m.required("p", ""), 0, 999, "an integer")).getMessage());
        assertEquals(-12, JSON.integer(m.required("n", ""), -12, 0, "n"));
    }

    @Test
    void booleansAndStringsAreTypedByTheSchema() {
        assertTrue(YAML.bool(field(YAML, "b: True\n", "b")));
        assertFalse(YAML.bool(field(YAML, "b: false\n", "b")));
        assertEquals("s.yaml:1:4: b: got the string 'yes'; expected true or false", fails(() -> YAML.bool(field(YAML, "b: yes\n", "b"))).getMessage());
        assertEquals("s.yaml:1:4: b: got the string 'true'; expected true or false", fails(() -> YAML.bool(field(YAML, "b: \"true\"\n", "b"))).getMessage());
        assertEquals("s.yaml:1:4: s: got the boolean true; expected a name", fails(() -> YAML.string(field(YAML, "s: true\n", "s"), "a name")).getMessage());
        assertEquals("x", YAML.string(field(YAML, "s: x\n", "s"), "a name"));
    }

    @Test
    void nodesAreDescribedInTheWordsOfTheSyntax() {
        assertEquals(List.of("a mapping", "a list", "no value", "null", "the boolean true", "the integer 1", "the number 1.5", "the string 'x'"),
                describeAll(YAML, "{m: {}, l: [], e: , n: null, b: true, i: 1, f: 1.5, s: x}"));
        assertEquals(List.of("an object", "an array", "null", "null", "true", "the integer 1", "the number 1.5", "the string 'x'"),
                describeAll(JSON, "{\"m\": {}, \"l\": [], \"e\": , \"n\": null, \"b\": true, \"i\": 1, \"f\": 1.5, \"s\": \"x\"}"));
        String longText = "y".repeat(60);
        assertEquals("the string '" + "y".repeat(37) + "...'", YAML.describe(field(YAML, "s: " + longText + "\n", "s").value()));
    }

    @Test
    void callersPlaceTheirOwnErrorsTheSameWay() {
        Field f = field(YAML, "a:\n  b: 12\n", "a");
        Field b = YAML.entries(f, List.of("b")).getFirst();
        assertEquals("s.yaml:2:6: a.b: 12 is not a multiple of 5; expected a multiple of 5", YAML.error(b, "12 is not a multiple of 5; expected a multiple of 5").getMessage());
        assertEquals("s.yaml:2:6: a.b: 12KiB is out of range; expected less", YAML.outOfRange(b, "12KiB", "less").getMessage());
        assertEquals("s.yaml:1:1: at the root", YAML.error(YAML.root("a: 1\n", "x"), "at the root").getMessage());
    }

    /** The value of top-level key {@code key} of the YAML or JSON {@code text}. */
    private static Field field(NodeReader reader, String text, String key) {
        Field root = reader.root(text, "x");
        return reader.members(root, "a mapping").required(key, "the key");
    }

    private static List<String> describeAll(NodeReader reader, String text) {
        Field root = reader.root(text, "x");
        Members m = reader.members(root, "o");
        return List.of("m", "l", "e", "n", "b", "i", "f", "s").stream().map(k -> reader.describe(m.required(k, "").value())).toList();
    }

    private static InputException fails(Executable call) {
        return assertThrows(InputException.class, call);
    }
}
