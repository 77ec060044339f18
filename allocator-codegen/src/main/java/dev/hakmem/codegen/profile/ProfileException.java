package dev.hakmem.codegen.profile;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A profile file that cannot be used, with where and why: {@link #getMessage()} is
 * {@code file:line:column: what is wrong; what was expected}, line and column 1-based, of the JSON value
 * at fault, like a bad spec's {@code SpecException}. A sibling rather than the same class because a
 * profile is not a spec: a build tool can tell the user which of the two inputs to fix.
 *
 * <p>{@link ProfileReader#readAll} reports every failing file at once: {@link #errors()} lists one error
 * per failing file, the message is theirs one per line, and {@link #file()}, {@link #line()},
 * {@link #column()} and {@link #problem()} are those of the first.
 */
public final class ProfileException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String problem;
    private final transient List<ProfileException> errors;

    ProfileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.errors = List.of(this);
    }

    private ProfileException(List<ProfileException> errors) {
        super(errors.stream().map(ProfileException::getMessage).collect(Collectors.joining("\n")));
        ProfileException first = errors.getFirst();
        this.file = first.file;
        this.line = first.line;
        this.column = first.column;
        this.problem = first.problem;
        this.errors = List.copyOf(errors);
    }

    static ProfileException all(List<ProfileException> errors) {
        return errors.size() == 1 ? errors.getFirst() : new ProfileException(errors);
    }

    /** The profile file as its caller named it. */
    public String file() { return file; }

    /** 1-based line of the value at fault. */
    public int line() { return line; }

    /** 1-based column of the value at fault. */
    public int column() { return column; }

    /** The message without its {@code file:line:column: } prefix. */
    public String problem() { return problem; }

    /** Every error reported: this one alone, or one per failing file from {@link ProfileReader#readAll}. */
    public List<ProfileException> errors() { return errors != null ? errors : List.of(this); } // null after deserialisation
}
