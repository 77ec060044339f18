package dev.hakmem.codegen.profile;

import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.profile.Profile.BigRequests;
import dev.hakmem.codegen.profile.Profile.ClassRecord;
import dev.hakmem.codegen.profile.Profile.Lifetimes;
import dev.hakmem.codegen.profile.Profile.RemoteFrees;
import dev.hakmem.codegen.profile.Profile.Request;
import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import dev.hakmem.codegen.yaml.NodeReader.Members;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads profile files (JSON, see this package's javadoc for the layout) into {@link Profile}s.
 *
 * <p>Every value is checked where it is written, so a bad profile fails with a {@link InputException}
 * naming {@code file:line:column} of the offending value, what is wrong and what was expected.
 * {@code format} and {@code version} are checked first, so a file of another kind or version says so
 * rather than complaining about a member it lacks. Members this version does not know are ignored: a
 * newer recorder of the same version may add some.
 */
public final class ProfileReader {
    private static final String COUNT = "an integer of at least 0";
    private static final String REQUEST_SIZE = "a request size from 0 to " + Profile.REQUEST_MAX
            + " (larger requests are counted in bigRequests)";
    private static final String CLASS_SIZE = "a block size, a multiple of " + Profile.ROUNDING + " from "
            + Profile.ROUNDING + " to " + Profile.REQUEST_MAX;

    private ProfileReader() {}

    /**
     * Reads the profile in {@code file} (UTF-8), named in messages and in {@link Profile#source()} by
     * its path as given.
     *
     * @param file the profile file
     * @return the profile
     * @throws InputException if the file is not a valid profile or cannot be read (then at 1:1)
     */
    public static Profile read(Path file) {
        return read(file, file.toString());
    }

    /**
     * Reads the profile in {@code file} (UTF-8), naming it {@code name} in messages and in
     * {@link Profile#source()}.
     *
     * @param file the profile file
     * @param name how to name it, e.g. its path relative to the project
     * @return the profile
     * @throws InputException if the file is not a valid profile or cannot be read (then at 1:1)
     */
    public static Profile read(Path file, String name) {
        String json;
        try {
            json = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw InputException.profile(name, 1, 1, "the file is not UTF-8 text; expected a JSON profile written by the hakmem profile recorder");
        } catch (IOException e) {
            throw InputException.profile(name, 1, 1, "cannot read the file (" + e + "); expected a readable JSON profile");
        }
        return read(json, name);
    }

    /**
     * Reads every file, in order, each named by {@code name}.
     *
     * @param files the profile files
     * @param name how to name each file in messages and in {@link Profile#source()}
     * @return one profile per file, in order
     * @throws InputException if any file fails: one exception whose {@link InputException#errors()}
     *     holds the first error of each failing file
     */
    public static List<Profile> readAll(List<Path> files, Function<Path, String> name) {
        List<Profile> profiles = new ArrayList<>();
        List<InputException> errors = new ArrayList<>();
        for (Path file : files) {
            try {
                profiles.add(read(file, name.apply(file)));
            } catch (InputException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) throw InputException.all(errors);
        return List.copyOf(profiles);
    }

    /**
     * Reads the profile text {@code json}; {@code source} names it in messages and in {@link Profile#source()}.
     *
     * @param json the profile's text
     * @param source where it came from
     * @return the profile
     * @throws InputException if the text is not a valid profile
     */
    public static Profile read(String json, String source) {
        NodeReader nodes = new NodeReader(NodeReader.Syntax.JSON, InputException.Input.PROFILE, source);
        Members root = nodes.members(nodes.root(json, "a JSON object written by the hakmem profile recorder"),
                "a JSON object ({...}) written by the hakmem profile recorder");
        checkFormat(nodes, root);
        String label = nodes.string(root.required("label", "the recording's label, a string"), "a string");
        String recordedBy = nodes.string(root.required("recordedBy", "the recorder's name and version, a string"), "a string");
        long duration = nodes.integer(root.required("durationMillis", "the recording's duration, " + COUNT), 0, Long.MAX_VALUE, COUNT);
        long mallocs = mallocs(nodes, root.required("mallocs", "the number of mallocs recorded, at least 1"));
        long frees = nodes.integer(root.required("frees", "the number of frees recorded, " + COUNT), 0, Long.MAX_VALUE, COUNT);
        List<Request> requests = requests(nodes, root.required("requests", "the request histogram, [[size, count], ...]"));
        BigRequests big = bigRequests(nodes, root.required("bigRequests", "{\"count\": ..., \"bytes\": ...}"));
        List<ClassRecord> classes = classes(nodes, root.required("classes", "the per-class records, [{\"size\": ..., ...}, ...]"));
        Field lifetimesField = root.optional("lifetimes");
        Field remoteField = root.optional("remoteFrees");
        return new Profile(source, label, recordedBy, duration, mallocs, frees, requests, big, classes,
                lifetimesField == null ? null : lifetimes(nodes, lifetimesField),
                remoteField == null ? null : remoteFrees(nodes, remoteField));
    }

    private static void checkFormat(NodeReader nodes, Members root) {
        Field format = root.required("format", "\"format\": \"" + Profile.FORMAT + "\" (a profile written by the hakmem profile recorder)");
        String value = nodes.string(format, "'" + Profile.FORMAT + "'");
        if (!value.equals(Profile.FORMAT)) {
            throw nodes.error(format, "'" + value + "' is not a hakmem profile; expected '" + Profile.FORMAT + "'");
        }
        Field version = root.required("version", "\"version\": " + Profile.VERSION);
        long v = nodes.integer(version, Long.MIN_VALUE, Long.MAX_VALUE, "the integer " + Profile.VERSION);
        if (v != Profile.VERSION) {
            throw nodes.error(version, v + " is not supported; expected " + Profile.VERSION
                    + " (use the hakmem-codegen of the same release as the recorder)");
        }
    }

    private static long mallocs(NodeReader nodes, Field f) {
        long mallocs = nodes.integer(f, 0, Long.MAX_VALUE, COUNT);
        if (mallocs == 0) {
            throw nodes.error(f, "0 mallocs: the recording saw no allocation; expected a profile of a run that allocates"
                    + " (record while the workload runs)");
        }
        return mallocs;
    }

    private static List<Request> requests(NodeReader nodes, Field f) {
        List<Request> requests = new ArrayList<>();
        int previous = -1;
        for (Field pair : nodes.items(f, "an array of [size, count] pairs")) {
            List<Field> parts = nodes.items(pair, "a [size, count] pair");
            if (parts.size() != 2) {
                throw nodes.error(pair, "got an array of " + parts.size() + " elements; expected a [size, count] pair");
            }
            int size = (int) nodes.integer(parts.get(0), 0, Profile.REQUEST_MAX, REQUEST_SIZE);
            if (!Profile.isRequestSize(size)) {
                throw nodes.error(parts.get(0), size + " is not a multiple of " + Profile.ROUNDING + "; expected sizes above "
                        + Profile.EXACT_MAX + " rounded up to a multiple of " + Profile.ROUNDING);
            }
            if (size <= previous) {
                throw nodes.error(parts.get(0), size + " does not ascend after " + previous
                        + "; expected sizes in strictly ascending order, each once");
            }
            long count = nodes.integer(parts.get(1), 1, Long.MAX_VALUE, "a count of at least 1 (sizes never requested are left out)");
            requests.add(new Request(size, count));
            previous = size;
        }
        return requests;
    }

    private static BigRequests bigRequests(NodeReader nodes, Field f) {
        Members m = nodes.members(f, "an object {\"count\": ..., \"bytes\": ...}");
        return new BigRequests(count(nodes, m, "count"), count(nodes, m, "bytes"));
    }

    private static List<ClassRecord> classes(NodeReader nodes, Field f) {
        List<ClassRecord> classes = new ArrayList<>();
        int previous = 0;
        for (Field item : nodes.items(f, "an array of class records")) {
            Members m = nodes.members(item, "an object {\"size\", \"mallocs\", \"peakLive\", \"burst\"}");
            Field sizeField = m.required("size", CLASS_SIZE);
            int size = (int) nodes.integer(sizeField, Profile.ROUNDING, Profile.REQUEST_MAX, CLASS_SIZE);
            if (!Profile.isClassSize(size)) throw nodes.error(sizeField, size + " is not a multiple of " + Profile.ROUNDING + "; expected " + CLASS_SIZE);
            if (size <= previous) {
                throw nodes.error(sizeField, size + " does not ascend after " + previous + "; expected sizes in strictly ascending order, each once");
            }
            classes.add(new ClassRecord(size, count(nodes, m, "mallocs"), count(nodes, m, "peakLive"), count(nodes, m, "burst")));
            previous = size;
        }
        return classes;
    }

    private static Lifetimes lifetimes(NodeReader nodes, Field f) {
        Members m = nodes.members(f, "an object {\"sampled\": ..., \"log2NanosHistogram\": [...]}");
        long sampled = count(nodes, m, "sampled");
        List<Long> histogram = new ArrayList<>();
        for (Field bucket : nodes.items(m.required("log2NanosHistogram", "an array of counts"), "an array of counts")) {
            histogram.add(nodes.integer(bucket, 0, Long.MAX_VALUE, COUNT));
        }
        return new Lifetimes(sampled, histogram);
    }

    private static RemoteFrees remoteFrees(NodeReader nodes, Field f) {
        Members m = nodes.members(f, "an object {\"sampled\": ..., \"remote\": ...}");
        return new RemoteFrees(count(nodes, m, "sampled"), count(nodes, m, "remote"));
    }

    private static long count(NodeReader nodes, Members m, String name) {
        return nodes.integer(m.required(name, COUNT), 0, Long.MAX_VALUE, COUNT);
    }
}
