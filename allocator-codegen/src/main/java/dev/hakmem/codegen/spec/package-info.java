/**
 * Allocator spec files: one YAML file per variant, read into an {@link dev.hakmem.codegen.AllocatorSpec}
 * and written back out. The layout (every key, its default and range) is in the README, section
 * "Spec files".
 *
 * <p>The keys are one table, {@link dev.hakmem.codegen.spec.SpecKey}: one constant per key, in the
 * README's order, each a setting of the runtime's {@code AllocatorConfig} (its {@code Value} type, which
 * reads, checks, writes back and spells the value in Java, the builder method it calls and the getter
 * that reads it back), a key of a tier's section, or one of the spec's own ({@code variant},
 * {@code frontsUpTo}); beside them, {@code SpecKey.NotAKey} lists the config's properties that are
 * deliberately not keys ({@code profile}), with the reason a spec naming one is told. The parser, the
 * writer and the generator's {@code CONFIG} ({@link dev.hakmem.codegen.spec.SpecKey#builderCalls}) are
 * driven by it; {@code SpecKeyTest} fails when an {@code AllocatorConfig.Builder} property is neither a
 * key nor listed as not one, and {@code SpecReadmeTest} when the README's key table differs from it. A
 * new setting is the runtime's feature, a row in the table and a row in the README.
 *
 * <p>Reading goes {@link dev.hakmem.codegen.spec.SpecParser} (the top-level keys, from the table)
 * -&gt; the setting's {@code Value}, or {@code TierReader} for the {@code tiny} and {@code mid} sections
 * -&gt; {@link dev.hakmem.codegen.yaml.NodeReader} (YAML shape: SnakeYAML Engine's node tree, whose
 * nodes keep their line and column, typed values, unknown and duplicate keys; shared with the profile
 * reader), with {@code Sizes} for byte units. Every value is checked where it is written, so each error
 * names {@code file:line:column} of the node at fault; the runtime's {@code AllocatorConfig.Builder}
 * checks the result once more. The ranges in the table and in {@code Tier} (the class rules of Tiny and
 * Mid and, through the runtime itself, the default cache of each class) repeat what the builder accepts,
 * to point at the offending node; {@code SpecKeyTest} holds each against the builder.
 *
 * <p>{@link dev.hakmem.codegen.spec.SpecWriter} writes a spec file, every key in the table's order, that
 * reads back to an equal spec. Nothing here knows about Maven.
 */
package dev.hakmem.codegen.spec;
