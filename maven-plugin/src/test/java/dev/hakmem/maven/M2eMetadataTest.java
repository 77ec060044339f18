package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The m2e lifecycle mapping in the jar maps every goal of the plugin descriptor (help aside): a new goal
 * must say how Eclipse runs it.
 */
class M2eMetadataTest {
    @Test
    void everyGoalIsMapped() throws Exception {
        Map<String, String> mapped = new TreeMap<>();
        Document m2e = read("META-INF/m2e/lifecycle-mapping-metadata.xml");
        NodeList executions = m2e.getElementsByTagName("pluginExecution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element e = (Element) executions.item(i);
            Element action = (Element) e.getElementsByTagName("action").item(0);
            String what = action.getElementsByTagName("ignore").getLength() > 0 ? "ignore"
                    : "execute incremental=" + text(action, "runOnIncremental") + " configuration=" + text(action, "runOnConfiguration");
            NodeList goals = e.getElementsByTagName("goal");
            for (int g = 0; g < goals.getLength(); g++) mapped.put(goals.item(g).getTextContent(), what);
        }
        assertEquals(Map.of("generate", "execute incremental=true configuration=true",
                "generate-test", "execute incremental=true configuration=true",
                "validate", "execute incremental=true configuration=false",
                "tune", "ignore"), mapped);

        List<String> goals = new ArrayList<>();
        NodeList mojos = read("META-INF/maven/plugin.xml").getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) goals.add(text((Element) mojos.item(i), "goal"));
        goals.remove("help");
        assertEquals(new TreeMap<>(mapped).keySet().stream().toList(), goals.stream().sorted().toList());
    }

    private static Document read(String resource) throws Exception {
        try (InputStream in = M2eMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent().trim();
    }
}
