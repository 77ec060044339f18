package dev.hakmem.maven;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Checks of the files and directories a goal is configured to read or write, made before any work so
 * that a misconfiguration fails with which setting is wrong and what was expected, rather than with an
 * I/O error half-way; and {@link #describe} for the I/O errors that still happen.
 */
final class Locations {
    private Locations() {}

    /**
     * Checks that the generator can replace {@code dir} (it writes a sibling directory, then moves it in
     * place): {@code dir} is a directory or absent, and the nearest existing directory above it is writable.
     *
     * @param what the directory's role, e.g. {@code output directory}
     * @param parameter how the user sets it, e.g. {@code <outputDirectory> (hakmem.outputDirectory)}
     */
    static void requireWritableDirectory(Path dir, String what, String parameter) throws MojoFailureException {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new MojoFailureException("hakmem: the " + what + " " + dir + " is a file; expected a directory, or nothing, there ("
                    + parameter + ")");
        }
        if (Files.isDirectory(d) && !Files.isWritable(d)) {
            throw new MojoFailureException("hakmem: the " + what + " " + dir + " is not writable; expected a writable directory ("
                    + parameter + ")");
        }
        requireWritableParent(d, what, parameter);
    }

    /**
     * Checks that the file {@code file} can be written: it is not a directory, and the nearest existing
     * directory above it is writable.
     */
    static void requireWritableFile(Path file, String what, String parameter) throws MojoFailureException {
        Path f = file.toAbsolutePath().normalize();
        if (Files.isDirectory(f)) {
            throw new MojoFailureException("hakmem: the " + what + " " + file + " is a directory; expected a file name (" + parameter + ")");
        }
        if (Files.exists(f) && !Files.isWritable(f)) {
            throw new MojoFailureException("hakmem: the " + what + " " + file + " is not writable; expected a writable file ("
                    + parameter + ")");
        }
        requireWritableParent(f, what, parameter);
    }

    private static void requireWritableParent(Path target, String what, String parameter) throws MojoFailureException {
        Path existing = target.getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return; // nothing above exists: the file system will say why
        if (!Files.isDirectory(existing)) {
            throw new MojoFailureException("hakmem: cannot create the " + what + " " + target + ": " + existing
                    + " is a file; expected directories on the way there (" + parameter + ")");
        }
        if (!Files.isWritable(existing)) {
            throw new MojoFailureException("hakmem: cannot create the " + what + " " + target + ": " + existing
                    + " is not writable; expected a location this build can write (" + parameter + ")");
        }
    }

    /**
     * Checks that every existing location is readable (a directory is listed, a file read).
     *
     * @param what their role, e.g. {@code profile directory}
     */
    static void requireReadable(List<Path> locations, String what, String parameter) throws MojoFailureException {
        for (Path p : locations) {
            if (Files.exists(p) && !Files.isReadable(p)) {
                throw new MojoFailureException("hakmem: cannot read the " + what + " " + p + ": permission denied; expected a readable "
                        + (Files.isDirectory(p) ? "directory" : "file") + " (" + parameter + ")");
            }
        }
    }

    /**
     * An I/O error as a user can act on it: the file and what happened. (The JDK's file-system exceptions
     * often carry only the file name as their message: "/x/y" for a permission denied.)
     */
    static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String what = switch (f) {
                case AccessDeniedException x -> "permission denied";
                case NoSuchFileException x -> "no such file or directory";
                case NotDirectoryException x -> "not a directory";
                case FileAlreadyExistsException x -> "already exists";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> null;
            };
            if (f.getReason() != null) return f.getMessage();
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": "
                    + (what != null ? what : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
