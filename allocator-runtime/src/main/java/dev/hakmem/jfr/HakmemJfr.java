package dev.hakmem.jfr;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import jdk.jfr.Configuration;

/**
 * The JFR settings file of hakmem's events, {@value #RESOURCE} in this jar, and ways to use it.
 *
 * <p>JFR reads settings from a file path or from a name in {@code $JAVA_HOME/lib/jfr}, never from a
 * jar, so the file must be written out once: {@link #settingsFile(Path)} from code, or from the
 * command line with this class's {@link #main}:
 * <pre>{@code
 * java -p hakmem-runtime.jar -m dev.hakmem.runtime/dev.hakmem.jfr.HakmemJfr /tmp/hakmem.jfc
 * java -XX:StartFlightRecording:settings=default,settings=/tmp/hakmem.jfc,filename=app.jfr ...
 * jcmd <pid> JFR.start settings=default settings=/tmp/hakmem.jfc
 * }</pre>
 * A recording started with the settings of a running program can also use {@link #settings()}:
 * {@code new Recording(HakmemJfr.settings())}.
 *
 * <p>The file only enables hakmem's events; combined with {@code default} or {@code profile} as above
 * the JDK's own events are recorded too.
 */
public final class HakmemJfr {
    /** Where the settings file is in this module (a resource of this package). */
    public static final String RESOURCE = "/dev/hakmem/jfr/hakmem.jfc";

    private HakmemJfr() {}

    /**
     * The settings file's text.
     *
     * @return the XML of {@value #RESOURCE}
     * @throws UncheckedIOException if the resource cannot be read (a damaged jar)
     */
    public static String settingsText() {
        try (InputStream in = open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the hakmem runtime jar", e);
        }
    }

    /**
     * The settings as a {@link Configuration}, for {@code new jdk.jfr.Recording(HakmemJfr.settings())}.
     *
     * @return the parsed settings file
     * @throws UncheckedIOException if the resource cannot be read
     * @throws IllegalStateException if it does not parse (a damaged jar)
     */
    public static Configuration settings() {
        try (Reader r = new InputStreamReader(open(), StandardCharsets.UTF_8)) {
            return Configuration.create(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the hakmem runtime jar", e);
        } catch (ParseException e) {
            throw new IllegalStateException(RESOURCE + " does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the settings file to {@code file} (replacing it), for {@code settings=<file>}.
     *
     * @param file where to write it; its directory must exist
     * @return {@code file}
     * @throws UncheckedIOException if it cannot be written
     */
    public static Path settingsFile(Path file) {
        try (InputStream in = open()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hakmem JFR settings to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the settings file to a new temporary file ({@code hakmem-*.jfc}, deleted when the JVM exits).
     *
     * @return its path
     * @throws UncheckedIOException if it cannot be written
     */
    public static Path settingsFile() {
        try {
            Path file = Files.createTempFile("hakmem-", ".jfc");
            file.toFile().deleteOnExit();
            return settingsFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the hakmem JFR settings: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the settings file to the path given as the only argument and prints the path.
     *
     * @param args one path
     * @throws IllegalArgumentException unless exactly one argument is given
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: HakmemJfr <file.jfc>: writes hakmem's JFR settings file there, for "
                    + "-XX:StartFlightRecording:settings=default,settings=<file.jfc> or jcmd <pid> JFR.start settings=<file.jfc>");
        }
        System.out.println(settingsFile(Path.of(args[0])).toAbsolutePath());
    }

    private static InputStream open() throws IOException {
        InputStream in = HakmemJfr.class.getResourceAsStream(RESOURCE);
        if (in == null) throw new IOException(RESOURCE + " is missing from the hakmem runtime jar");
        return in;
    }
}
