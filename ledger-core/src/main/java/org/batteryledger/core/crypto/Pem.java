package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PEM files of the PKI: PKCS#8 private keys, SPKI public keys, X.509 certificates and PKCS#10 requests. Reading
 * checks the PEM label and that the content parses, and says what was found instead, so an operator who hands over
 * the wrong file learns which one it was.
 */
public final class Pem {
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    public static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
    public static final String PUBLIC_KEY = "PUBLIC KEY";
    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
    /** OpenSSL's "ecparam -genkey" writes the curve before the key; it carries nothing the key does not. */
    private static final String EC_PARAMETERS = "EC PARAMETERS";

    private Pem() {
    }

    public static String writePrivateKey(byte[] pkcs8) {
        return write(List.of(new PemObject(PRIVATE_KEY, pkcs8)));
    }

    public static String writePrivateKey(SuiteKeyPair keyPair) {
        return writePrivateKey(keyPair.privateKeyPkcs8());
    }

    public static String writePublicKey(byte[] spki) {
        return write(List.of(new PemObject(PUBLIC_KEY, spki)));
    }

    public static String writeCertificate(X509Certificate certificate) {
        return writeCertificates(List.of(certificate));
    }

    /** A chain file, certificates in the given order (leaf first by convention). */
    public static String writeCertificates(List<X509Certificate> certificates) {
        List<PemObject> objects = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            try {
                objects.add(new PemObject(CERTIFICATE, certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return write(objects);
    }

    public static String writeCsr(PKCS10CertificationRequest csr) {
        try {
            return write(List.of(new PemObject(CERTIFICATE_REQUEST, csr.getEncoded())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PKCS#8 DER of a "PRIVATE KEY", or of an OpenSSL "EC PRIVATE KEY" (SEC 1) converted to PKCS#8. */
    public static byte[] readPrivateKey(String pem) {
        PemObject object = single(pem, PRIVATE_KEY, EC_PRIVATE_KEY);
        try {
            if (object.getType().equals(PRIVATE_KEY)) {
                return EcSuite.der(PrivateKeyInfo.getInstance(object.getContent()));
            }
            ECPrivateKey sec1 = ECPrivateKey.getInstance(object.getContent());
            if (sec1.getParametersObject() == null) {
                throw new IllegalArgumentException("the EC PRIVATE KEY names no curve");
            }
            return EcSuite.der(new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()), sec1));
        } catch (IOException | RuntimeException e) {
            throw malformed(object.getType(), e);
        }
    }

    /** SubjectPublicKeyInfo DER. */
    public static byte[] readPublicKey(String pem) {
        PemObject object = single(pem, PUBLIC_KEY);
        try {
            return EcSuite.der(SubjectPublicKeyInfo.getInstance(object.getContent()));
        } catch (RuntimeException e) {
            throw malformed(PUBLIC_KEY, e);
        }
    }

    public static X509Certificate readCertificate(String pem) {
        return certificate(single(pem, CERTIFICATE));
    }

    /** Every certificate of a chain file, in file order; at least one. */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        for (PemObject object : objects(pem)) {
            expect(object, CERTIFICATE);
            out.add(certificate(object));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected a " + CERTIFICATE + ", found no PEM object");
        }
        return out;
    }

    public static PKCS10CertificationRequest readCsr(String pem) {
        PemObject object = single(pem, CERTIFICATE_REQUEST, "NEW CERTIFICATE REQUEST");
        try {
            return new PKCS10CertificationRequest(object.getContent());
        } catch (IOException | RuntimeException e) {
            throw malformed(CERTIFICATE_REQUEST, e);
        }
    }

    private static X509Certificate certificate(PemObject object) {
        try {
            return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER)
                    .getCertificate(new X509CertificateHolder(object.getContent()));
        } catch (Exception e) {
            throw malformed(CERTIFICATE, e);
        }
    }

    private static String write(List<PemObject> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (PemObject object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static PemObject single(String pem, String... accepted) {
        List<PemObject> objects = objects(pem);
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("expected a " + accepted[0] + ", found no PEM object");
        }
        expect(objects.get(0), accepted);
        if (objects.size() > 1) {
            throw new IllegalArgumentException("expected one " + accepted[0] + ", found " + objects.size() + " PEM objects");
        }
        return objects.get(0);
    }

    private static void expect(PemObject object, String... accepted) {
        if (!Set.of(accepted).contains(object.getType())) {
            throw new IllegalArgumentException("expected a " + accepted[0] + ", found " + object.getType());
        }
    }

    private static List<PemObject> objects(String pem) {
        List<PemObject> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (PemObject object = parser.readPemObject(); object != null; object = parser.readPemObject()) {
                if (!object.getType().equals(EC_PARAMETERS)) {
                    out.add(object);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private static IllegalArgumentException malformed(String type, Exception cause) {
        return new IllegalArgumentException("malformed " + type + ": " + cause.getMessage(), cause);
    }
}
