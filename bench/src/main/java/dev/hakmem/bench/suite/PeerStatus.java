package dev.hakmem.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of what {@code dev.hakmem.bench.peers.Peers} prints before a run ({@code peers.tsv}):
 * {@code name<TAB>available}, {@code name<TAB>available<TAB>same-thread-frees-only} or
 * {@code name<TAB>unavailable<TAB>reason}.
 *
 * <p>Read once by the planner (which peers go to which JMH run) and once by the report (which rows to
 * expect, and why some peers have none), so both agree on the file's meaning.
 *
 * @param sameThreadOnly the peer can only free a block on the thread that allocated it
 * @param reason why an unavailable peer cannot run (for example how to install its library), else null
 */
public record PeerStatus(String name, boolean available, boolean sameThreadOnly, String reason) {
    /** The flag in the third column of an available peer that frees only on the allocating thread. */
    public static final String SAME_THREAD_ONLY = "same-thread-frees-only";

    /** The available peers that can free a block on any thread (the peers of cross-thread benchmarks), in order. */
    public static List<String> anyThread(List<PeerStatus> peers) {
        return peers.stream().filter(p -> p.available() && !p.sameThreadOnly()).map(PeerStatus::name).toList();
    }

    /** The available peers that free only on the allocating thread (left out of cross-thread benchmarks), in order. */
    public static List<String> sameThreadOnly(List<PeerStatus> peers) {
        return peers.stream().filter(p -> p.available() && p.sameThreadOnly()).map(PeerStatus::name).toList();
    }

    /** Reads every non-blank line of a peers file, in file order (the report's peer order). */
    public static List<PeerStatus> read(Path file) throws IOException {
        List<PeerStatus> peers = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) peers.add(parse(line));
        }
        return peers;
    }

    /** Parses one line; anything but {@code available} in the second column counts as unavailable. */
    public static PeerStatus parse(String line) {
        String[] f = line.strip().split("\t", 3);
        String third = f.length == 3 ? f[2].strip() : "";
        if (f.length >= 2 && f[1].strip().equals("available")) {
            return new PeerStatus(f[0].strip(), true, List.of(third.split("[,\\s]+")).contains(SAME_THREAD_ONLY), null);
        }
        return new PeerStatus(f[0].strip(), false, false, third.isEmpty() ? "unavailable" : third);
    }
}
