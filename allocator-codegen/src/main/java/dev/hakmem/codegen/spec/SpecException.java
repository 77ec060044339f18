package dev.hakmem.codegen.spec;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec file that cannot become an allocator variant, with where and why:
 * {@link #getMessage()} is {@code file:line:column: what is wrong; what was expected}, line and column
 * 1-based, of the YAML node at fault.
 *
 * <p>Unchecked: a bad spec is the user's error, reported once where the build meets the user (the Maven
 * plugin turns it into a build failure); nothing in between can recover from it.
 *
 * <p>{@link SpecParser#parseAll} reports every failing file at once: its exception's {@link #errors()}
 * lists one error per failing file (its message is their messages, one per line) and its
 * {@link #file()}, {@link #line()}, {@link #column()} and {@link #problem()} are those of the first.
 * An exception from a single file is its own only error.
 */
public final class SpecException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String problem;
    private final transient List<SpecException> errors;

    SpecException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.errors = List.of(this);
    }

    private SpecException(List<SpecException> errors) {
        super(errors.stream().map(SpecException::getMessage).collect(Collectors.joining("\n")));
        SpecException first = errors.getFirst();
        this.file = first.file;
        this.line = first.line;
        this.column = first.column;
        this.problem = first.problem;
        this.errors = List.copyOf(errors);
    }

    /** One exception reporting all of {@code errors} (at least one), in their order. */
    static SpecException all(List<SpecException> errors) {
        return errors.size() == 1 ? errors.getFirst() : new SpecException(errors);
    }

    /** The spec file as its caller named it. */
    public String file() { return file; }

    /** 1-based line of the node at fault. */
    public int line() { return line; }

    /** 1-based column of the node at fault. */
    public int column() { return column; }

    /** The message without its {@code file:line:column: } prefix. */
    public String problem() { return problem; }

    /** Every error reported: this one alone, or one per failing file from {@link SpecParser#parseAll}. */
    public List<SpecException> errors() { return errors != null ? errors : List.of(this); } // null after deserialisation
}
