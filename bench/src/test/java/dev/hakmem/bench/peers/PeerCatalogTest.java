package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every peer has a description and a kind, and bench/README.md lists every peer. */
class PeerCatalogTest {
    @Test
    void everyPeerHasOneEntryInOrder() {
        assertEquals(Peers.NAMES, PeerCatalog.all().stream().map(PeerCatalog.Entry::name).toList(),
                "a peer in Peers.NAMES without a PeerCatalog entry (or one too many)");
        for (PeerCatalog.Entry e : PeerCatalog.all()) {
            assertFalse(e.line().isBlank(), e.name());
            assertFalse(e.line().contains("\n"), e.name() + ": one line");
        }
    }

    @Test
    void kindsOfTheVerdict() {
        assertEquals(PeerCatalog.Kind.HAKMEM, PeerCatalog.kind("hakmem-gen").orElseThrow());
        assertEquals(PeerCatalog.Kind.NATIVE, PeerCatalog.kind("glibc-critical").orElseThrow());
        assertEquals(PeerCatalog.Kind.JAVA, PeerCatalog.kind("netty-adaptive").orElseThrow());
        assertEquals(PeerCatalog.Kind.FLOOR, PeerCatalog.kind("bump").orElseThrow());
        assertTrue(PeerCatalog.kind("no-such-peer").isEmpty());
    }

    /** The README's peers table has a row for every peer (the tests run in bench/). */
    @Test
    void readmeListsEveryPeer() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : Peers.NAMES) assertTrue(readme.contains("\n| " + name + " |"), "bench/README.md has no row for " + name);
    }
}
