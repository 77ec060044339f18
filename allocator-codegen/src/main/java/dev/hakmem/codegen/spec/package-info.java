/**
 * Allocator spec files: one YAML file per variant, read into an {@link dev.hakmem.codegen.AllocatorSpec}
 * and written back out. The layout (every key, its default and range) is in the README, section
 * "Spec files".
 *
 * <p>Reading goes {@link dev.hakmem.codegen.spec.SpecParser} (the top-level keys) -&gt; {@code TierReader}
 * (the {@code tiny} and {@code mid} sections) -&gt; {@link dev.hakmem.codegen.yaml.NodeReader} (YAML
 * shape: SnakeYAML Engine's node tree, whose nodes keep their line and column, typed values, unknown and
 * duplicate keys; shared with the profile reader), with {@code Sizes} for byte units. Every value is checked
 * where it is written, so each error names {@code file:line:column} of the node at fault; the
 * runtime's {@code AllocatorConfig.Builder} checks the result once more. {@code Layout} holds the keys
 * and ranges the parser, the writer and the tests share; {@code Tier} the class rules of Tiny and Mid
 * and, through the runtime itself, the default cache of each class.
 *
 * <p>{@link dev.hakmem.codegen.spec.SpecWriter} writes a spec file that reads back to an equal spec.
 * Nothing here knows about Maven.
 */
package dev.hakmem.codegen.spec;
