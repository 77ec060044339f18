/**
 * Reading input files as SnakeYAML Engine node trees, with errors at the node at fault. Internal: the
 * spec parser ({@code dev.hakmem.codegen.spec}) and the profile reader ({@code dev.hakmem.codegen.profile})
 * share it; it is no API of hakmem-codegen and changes with them.
 *
 * <p>Both inputs are composed, not constructed: SnakeYAML Engine's compose API keeps the line and column
 * of every node, which a constructed {@code Map} would lose, so every error can say
 * {@code file:line:column: what is wrong; what was expected} (an {@link dev.hakmem.codegen.InputException}
 * of the file's kind, spec or profile). {@link dev.hakmem.codegen.yaml.NodeReader} reads typed values
 * from the tree and checks their shape; what a value must mean (class rules, byte units, ascending sizes)
 * is the caller's, which places its own errors through the same reader. A spec is YAML typed by YAML
 * 1.2's core schema; a profile is JSON, which is YAML 1.2 read with the JSON schema, and its messages
 * say object and array.
 *
 * <p>A mapping is read one of two ways. {@link dev.hakmem.codegen.yaml.NodeReader#entries entries}: a
 * closed set of optional keys, as a spec's sections are; an unknown key is an error with a "did you
 * mean" ({@link dev.hakmem.codegen.yaml.Suggestions}), a refused key an error saying why.
 * {@link dev.hakmem.codegen.yaml.NodeReader#members members}: a JSON object whose members the caller
 * asks for by name, required or optional, the others ignored, as a profile's are (a newer recorder may
 * add members). Either way a repeated key is an error.
 */
package dev.hakmem.codegen.yaml;
