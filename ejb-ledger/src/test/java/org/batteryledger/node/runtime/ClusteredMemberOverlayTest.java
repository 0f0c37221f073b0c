package org.batteryledger.node.runtime;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clustered member's servers get the replicated read model by a deployment overlay that adds an ejb-jar.xml to this
 * module (wildfly-config's configure-ha.cli). It must name a bean and field that exist, and this module must not ship an
 * ejb-jar.xml of its own: the overlay would silently replace it.
 */
class ClusteredMemberOverlayTest {
    private static final Path OVERLAY = Path.of("../wildfly-config/src/main/overlay/clustered-member/ejb-jar.xml");

    @Test
    void theOverlayInjectsTheReplicatedCacheIntoAFieldNodeRuntimeHas() throws Exception {
        assertTrue(Files.isRegularFile(OVERLAY), OVERLAY.toAbsolutePath().toString());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document xml = factory.newDocumentBuilder().parse(OVERLAY.toFile());
        assertEquals(NodeRuntime.class.getSimpleName(), text(xml, "ejb-name"));
        assertEquals(NodeRuntime.class.getName(), text(xml, "injection-target-class"));
        Field field = NodeRuntime.class.getDeclaredField(text(xml, "injection-target-name"));
        assertEquals(text(xml, "resource-env-ref-type"), field.getType().getName());
        assertEquals("java:jboss/infinispan/cache/batteryledger/state", text(xml, "lookup-name"));
    }

    @Test
    void thisModuleShipsNoEjbJarXmlOfItsOwn() {
        assertNull(NodeRuntime.class.getResource("/META-INF/ejb-jar.xml"));
    }

    private static String text(Document xml, String element) {
        return xml.getElementsByTagNameNS("*", element).item(0).getTextContent().trim();
    }
}
