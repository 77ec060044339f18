package dev.hakmem.codegen.tune;

import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.spec.SpecWriter;
import java.util.List;

/**
 * What the {@link Tuner} made of the profiles.
 *
 * @param spec the tuned variant
 * @param header the spec file's header comment: the profiles, the settings, what was derived and how
 * @param defaultLayout internal fragmentation of the recorded requests with the runtime's default classes
 * @param baseLayout the same with the base spec's classes, or null without a base spec
 * @param tuned the same with the tuned classes
 * @param notes what the user should know: settings the tuner had to change (also in the header)
 */
public record TunedSpec(AllocatorSpec spec, List<String> header, Fragmentation defaultLayout, Fragmentation baseLayout,
                        Fragmentation tuned, List<String> notes) {
    /**
     * Keeps immutable copies of the header and the notes.
     *
     * @throws NullPointerException if {@code header} or {@code notes} is null or holds null
     */
    public TunedSpec {
        header = List.copyOf(header);
        notes = List.copyOf(notes);
    }

    /**
     * The spec file to write.
     *
     * @return {@link SpecWriter}'s text of {@link #spec()} under {@link #header()}
     */
    public String text() {
        return SpecWriter.write(spec, header);
    }
}
