package dev.hakmem.codegen;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An input file of the generator (a spec or a recorded profile) that cannot be used, with where and
 * why: {@link #getMessage()} is {@code file:line:column: what is wrong; what was expected}, line and
 * column 1-based, of the YAML node or JSON value at fault. {@link #input()} says which kind of file it
 * is, so a build tool can tell the user which input to fix.
 *
 * <p>Unchecked: a bad input is the user's error, reported once where the build meets the user (the
 * Maven plugin turns it into a build failure); nothing in between can recover from it.
 *
 * <p>Readers of several files ({@code SpecParser.parseAll}, {@code ProfileReader.readAll}) report every
 * failing file at once: the exception's {@link #errors()} lists one error per failing file (its message
 * is their messages, one per line) and its {@link #file()}, {@link #line()}, {@link #column()} and
 * {@link #problem()} are those of the first. An exception about a single file is its own only error.
 */
public final class InputException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What kind of input a file is. */
    public enum Input {
        /** An allocator spec (YAML). */
        SPEC,
        /** A recorded allocation profile (JSON). */
        PROFILE
    }

    /** Which kind of file failed. */
    private final Input input;
    /** The (first) failing file, as its caller named it. */
    private final String file;
    /** 1-based line of the value at fault. */
    private final int line;
    /** 1-based column of the value at fault. */
    private final int column;
    /** What is wrong and what was expected, without the position. */
    private final String problem;
    private final transient List<InputException> errors;

    private InputException(Input input, String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.input = input;
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.errors = List.of(this);
    }

    private InputException(List<InputException> errors) {
        super(errors.stream().map(InputException::getMessage).collect(Collectors.joining("\n")));
        InputException first = errors.getFirst();
        this.input = first.input;
        this.file = first.file;
        this.line = first.line;
        this.column = first.column;
        this.problem = first.problem;
        this.errors = List.copyOf(errors);
    }

    /**
     * An error in a spec file.
     *
     * @param file the file as the user named it
     * @param line 1-based line of the node at fault
     * @param column 1-based column of the node at fault
     * @param problem what is wrong; what was expected
     * @return the exception (to throw or to collect for {@link #all})
     */
    public static InputException spec(String file, int line, int column, String problem) {
        return new InputException(Input.SPEC, file, line, column, problem);
    }

    /**
     * An error in a profile file.
     *
     * @param file the file as the user named it
     * @param line 1-based line of the value at fault
     * @param column 1-based column of the value at fault
     * @param problem what is wrong; what was expected
     * @return the exception (to throw or to collect for {@link #all})
     */
    public static InputException profile(String file, int line, int column, String problem) {
        return new InputException(Input.PROFILE, file, line, column, problem);
    }

    /**
     * One exception reporting several errors, in their order.
     *
     * @param errors at least one error
     * @return the only error itself, or one exception whose {@link #errors()} are {@code errors}
     */
    public static InputException all(List<InputException> errors) {
        return errors.size() == 1 ? errors.getFirst() : new InputException(errors);
    }

    /**
     * Which kind of input failed.
     *
     * @return the kind of the (first) failing file
     */
    public Input input() { return input; }

    /**
     * The failing file.
     *
     * @return the (first) failing file as its caller named it
     */
    public String file() { return file; }

    /**
     * Where in the file.
     *
     * @return the 1-based line of the value at fault
     */
    public int line() { return line; }

    /**
     * Where in the line.
     *
     * @return the 1-based column of the value at fault
     */
    public int column() { return column; }

    /**
     * What is wrong.
     *
     * @return the message without its {@code file:line:column: } prefix
     */
    public String problem() { return problem; }

    /**
     * Every error reported.
     *
     * @return this exception alone, or one error per failing file
     */
    public List<InputException> errors() { return errors != null ? errors : List.of(this); } // null after deserialisation
}
