package org.batteryledger.launcher;

import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pki.CertificateChecker;
import org.batteryledger.core.pki.CheckResult;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.node.directory.NodeDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code up} gives every node of a consortium a document signer of its own, once. */
class DocumentSignersTest {
    @TempDir
    Path dir;

    @Test
    void aNodeGetsADocumentSignerForItselfFromItsAgencyOnceAndItsKeyIsItsAlone() throws Exception {
        new ConsortiumFactory(Suites.byId("ecdsa-p256-sha256"), KeyPairs.seededRandom("signers"), Instant.now())
                .create(dir, ConsortiumFactory.layout(4), Map.of(), new Ports(0));
        NodeDirectory node2 = new NodeDirectory(dir.resolve("nodes/node2"));
        assertTrue(node2.documentSigner().isEmpty(), "a consortium made before document signers has none");

        assertTrue(DocumentSigners.ensure(dir, node2));
        NodeDirectory.DocumentSigner signer = node2.documentSigner().orElseThrow();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(node2.signerKeyFile())));
        NodeId node = NodeId.of(node2.suite(), NodeIds.publicKey(node2.nodeCertificate()));
        CheckResult checked = new CertificateChecker(node2.suite(), node2.chainCa())
                .checkDocumentSigner(List.of(signer.certificate(), node2.agencyCa()), Instant.now(), RevocationView.NONE);
        assertEquals(CheckResult.accepted(node), checked, "it signs for node2");
        assertFalse(Arrays.equals(NodeIds.publicKey(signer.certificate()), NodeIds.publicKey(node2.nodeCertificate())), "not the TLS key");
        assertTrue(Arrays.equals(NodeIds.publicKey(signer.certificate()), signer.signer().publicKey()), "the key is the certificate's");

        byte[] first = Files.readAllBytes(node2.signerCertificateFile());
        assertFalse(DocumentSigners.ensure(dir, node2), "a second up issues none");
        assertTrue(Arrays.equals(first, Files.readAllBytes(node2.signerCertificateFile())));
    }
}
