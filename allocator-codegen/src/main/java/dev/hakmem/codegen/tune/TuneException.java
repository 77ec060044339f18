package dev.hakmem.codegen.tune;

import java.io.Serial;

/**
 * A tuning run that cannot produce a spec for reasons no single profile value is to blame for: no
 * profile given or found, no request the classes could serve, settings out of range. A bad profile
 * file or base spec is an {@code InputException} instead (with its line and column). Unchecked, like that: the user's error, reported where the build meets the user.
 */
public final class TuneException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A tuning error.
     *
     * @param message what is wrong and what was expected, for the user
     */
    public TuneException(String message) {
        super(message);
    }
}
