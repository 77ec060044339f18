package dev.hakmem.bench.peers;

/**
 * Thrown when a peer cannot be used on this machine (library missing, runtime not ready). The message
 * is one line that says how to fix it, so the runner can print it as the "skipped" reason verbatim.
 */
public final class PeerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PeerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
