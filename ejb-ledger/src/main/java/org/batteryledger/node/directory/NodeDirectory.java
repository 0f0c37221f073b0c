package org.batteryledger.node.directory;

import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Properties;

/**
 * A node's directory, as in the reference deployment: {@code data/} (genesis, certificates, node properties),
 * {@code keystore/} (the node's private key, readable by its owner only) and {@code log/} (size-capped).
 * Written by the launcher, read by the node at start-up; nothing here is secret but {@code keystore/}.
 * Every file of it is written here and only here, each into a temporary sibling first and then renamed over the old
 * one: a reader (the running node re-reads node.properties and its signer) sees the old file or the new one, never half.
 */
public record NodeDirectory(Path root) {
    public static final String SYSTEM_PROPERTY = "batteryledger.node.dir";

    public Path data() {
        return root.resolve("data");
    }

    public Path keystore() {
        return root.resolve("keystore");
    }

    public Path log() {
        return root.resolve("log");
    }

    public Path genesisFile() {
        return data().resolve("genesis.bin");
    }

    public Path chainCaFile() {
        return data().resolve("ca.crt");
    }

    public Path agencyCaFile() {
        return data().resolve("agency-ca.crt");
    }

    public Path nodeCertificateFile() {
        return data().resolve("node.crt");
    }

    public Path propertiesFile() {
        return data().resolve("node.properties");
    }

    /** The address book: {@code <node id>=<host>:<port>} of every peer this node may dial. */
    public Path peersFile() {
        return data().resolve("peers.properties");
    }

    /** The certificate signing request a prepared node waits on (./consortium prepare-node; the CA signs it). */
    public Path csrFile() {
        return keystore().resolve("node.csr");
    }

    public Path privateKeyFile() {
        return keystore().resolve("node.key");
    }

    /** The document signer's certificate: what valuation certificates are signed with (not the TLS key). */
    public Path signerCertificateFile() {
        return data().resolve("signer.crt");
    }

    public Path signerKeyFile() {
        return keystore().resolve("signer.key");
    }

    /** The document signer, once its agency issued it; empty for a node that has none yet (it signs with its node key). */
    public java.util.Optional<DocumentSigner> documentSigner() throws IOException {
        if (!Files.exists(signerCertificateFile()) || !Files.exists(signerKeyFile())) {
            return java.util.Optional.empty();
        }
        EcSuite suite = suite();
        SuiteKeyPair kp = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(signerKeyFile(), StandardCharsets.UTF_8)));
        X509Certificate certificate = Pem.readCertificate(Files.readString(signerCertificateFile(), StandardCharsets.UTF_8));
        LocalSigner signer = new LocalSigner(suite, kp.privateKey());
        if (!java.util.Arrays.equals(signer.publicKey(), org.batteryledger.core.pki.NodeIds.publicKey(certificate))) {
            // A rotation writes the key, then the certificate: caught between the two, read again later.
            throw new IOException("the document signer's key (" + signerKeyFile() + ") is not the one its certificate ("
                    + signerCertificateFile() + ") certifies; a rotation may be under way");
        }
        return java.util.Optional.of(new DocumentSigner(signer, certificate));
    }

    /** The key and certificate valuation certificates are signed with. */
    public record DocumentSigner(LocalSigner signer, X509Certificate certificate) {
    }

    /**
     * Writes a document signer: the key (the owner's alone), then the certificate, so a new signer appears only whole; a
     * rotation replaces both the same way (a reader between the two moves is told, by {@link #documentSigner}).
     */
    public void writeDocumentSigner(String privateKeyPem, String certificatePem) throws IOException {
        Path tmpKey = tmp(signerKeyFile());
        Files.deleteIfExists(tmpKey);
        PrivateFiles.write(tmpKey, privateKeyPem);
        moveInto(tmpKey, signerKeyFile());
        Path tmpCert = tmp(signerCertificateFile());
        Files.writeString(tmpCert, certificatePem, StandardCharsets.UTF_8);
        moveInto(tmpCert, signerCertificateFile());
    }

    private static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** Replaces {@code file} with {@code tmp} in one step: a reader sees the old file or the new one. */
    private static void moveInto(Path tmp, Path file) throws IOException {
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The directory named by the system property the server is started with. */
    public static NodeDirectory fromSystemProperty() {
        String dir = System.getProperty(SYSTEM_PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property " + SYSTEM_PROPERTY + " is not set: start the server with "
                    + "-D" + SYSTEM_PROPERTY + "=<node directory> (./consortium up does)");
        }
        return new NodeDirectory(Path.of(dir));
    }

    public Genesis genesis() throws IOException {
        return Genesis.decode(Files.readAllBytes(genesisFile()));
    }

    public Properties properties() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(propertiesFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    public Properties peers() throws IOException {
        Properties p = new Properties();
        if (Files.exists(peersFile())) {
            try (Reader r = Files.newBufferedReader(peersFile(), StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    public void writePeers(Properties peers) throws IOException {
        writeAtomically(peersFile(), peers, "Battery Ledger peers: node id = host:port");
    }

    /** Sets one key of node.properties ({@code null} removes it); the node re-reads some keys while it runs. */
    public void setProperty(String key, String value) throws IOException {
        if (value == null) {
            setProperties(java.util.Map.of(), java.util.List.of(key));
        } else {
            setProperties(java.util.Map.of(key, value), java.util.List.of());
        }
    }

    /** Sets and removes keys of node.properties in one replacement: the running node reads all of the change or none. */
    public void setProperties(java.util.Map<String, String> set, java.util.Collection<String> remove) throws IOException {
        Properties p = properties();
        remove.forEach(p::remove);
        set.forEach(p::setProperty);
        writeAtomically(propertiesFile(), p, "Battery Ledger node");
    }

    /** The node's certificate, once its agency CA signed its CSR: written whole or not at all. */
    public void writeNodeCertificate(String certificatePem) throws IOException {
        writeAtomically(nodeCertificateFile(), certificatePem);
    }

    /** The certificate signing request of a prepared node. */
    public void writeCsr(String csrPem) throws IOException {
        writeAtomically(csrFile(), csrPem);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = tmp(file);
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        moveInto(tmp, file);
    }

    /** A reader sees the old file or the new one, never half of one. */
    private static void writeAtomically(Path file, Properties p, String comment) throws IOException {
        Path tmp = tmp(file);
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        }
        moveInto(tmp, file);
    }

    public EcSuite suite() throws IOException {
        return Suites.byId(genesis().suiteId());
    }

    public LocalSigner signer() throws IOException {
        EcSuite suite = suite();
        SuiteKeyPair kp = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(privateKeyFile(), StandardCharsets.UTF_8)));
        return new LocalSigner(suite, kp.privateKey());
    }

    public X509Certificate chainCa() throws IOException {
        return Pem.readCertificate(Files.readString(chainCaFile(), StandardCharsets.UTF_8));
    }

    public X509Certificate nodeCertificate() throws IOException {
        return Pem.readCertificate(Files.readString(nodeCertificateFile(), StandardCharsets.UTF_8));
    }

    public X509Certificate agencyCa() throws IOException {
        return Pem.readCertificate(Files.readString(agencyCaFile(), StandardCharsets.UTF_8));
    }

    /** Creates the directory layout; keystore/ and the key file are the owner's alone from their creation ({@link PrivateFiles}). */
    public void write(Genesis genesis, String chainCaPem, String agencyCaPem, String nodeCertPem, String privateKeyPem, Properties props)
            throws IOException {
        Files.createDirectories(data());
        PrivateFiles.createDirectory(keystore());
        Files.createDirectories(log());
        Path tmpGenesis = tmp(genesisFile());
        Files.write(tmpGenesis, genesis.encode());
        moveInto(tmpGenesis, genesisFile());
        writeAtomically(chainCaFile(), chainCaPem);
        writeAtomically(agencyCaFile(), agencyCaPem);
        if (nodeCertPem != null) { // null for a prepared node: its certificate comes once the agency CA signed its CSR
            writeNodeCertificate(nodeCertPem);
        }
        PrivateFiles.write(privateKeyFile(), privateKeyPem); // rw------- from its creation on
        // Last: node.properties marks a node directory complete (the launcher lists nodes by it).
        writeAtomically(propertiesFile(), props, "Battery Ledger node");
    }
}
