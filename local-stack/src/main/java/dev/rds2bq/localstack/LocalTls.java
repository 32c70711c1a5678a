package dev.rds2bq.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made when a test starts, never checked in: a CA of its own, and server certificates
 * it signs for the names a test chooses. {@link #caPem()} plays the RDS CA bundle; a server started
 * with {@link EmbeddedMySql#startWithTls} presents one of the server certificates.
 */
public final class LocalTls {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final KeyPair caKeys;
  private final X500Name caName;
  private final X509Certificate ca;
  private final Path dir;

  private LocalTls(String name, Path dir) {
    this.name = name;
    this.dir = dir;
    this.caKeys = rsa();
    this.caName = new X500Name("CN=" + name + " test CA");
    this.ca = sign(caName, caKeys, caName, caKeys, new BasicConstraints(true),
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), null);
  }

  /** A new CA, its files under {@code dir}. */
  public static LocalTls newCa(String name, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LocalTls(name, dir);
  }

  /** The CA certificate as PEM, the file a config's {@code source.caBundle} names. */
  public Path caPem() {
    return write(name + "-ca.pem", ca);
  }

  /**
   * The CA certificate alone in a PKCS#12 trust store, for a JVM that should trust this CA and no
   * other through its standard properties ({@code javax.net.ssl.trustStore}, with
   * {@code javax.net.ssl.trustStorePassword} set to {@code password}).
   */
  public Path trustStore(String password) {
    Path target = dir.resolve(name + "-truststore.p12");
    try (OutputStream out = Files.newOutputStream(target)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry(name + "-ca", ca);
      store.store(out, password.toCharArray());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write a trust store: " + e.getMessage(), e);
    }
  }

  /** A server certificate and its key, for these names. */
  public record ServerFiles(Path certificate, Path key) {}

  /**
   * A server certificate this CA signs, valid for these subject alternative names: an IP address
   * literal ({@code 127.0.0.1}) becomes an IP name, anything else a DNS name.
   */
  public ServerFiles server(String... names) {
    KeyPair keys = rsa();
    List<GeneralName> alt = new ArrayList<>();
    for (String n : names) {
      alt.add(new GeneralName(n.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    X509Certificate cert = sign(new X500Name("CN=" + names[0]), keys, caName, caKeys, new BasicConstraints(false), new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
        new GeneralNames(alt.toArray(GeneralName[]::new)));
    String base = name + "-server-" + String.join("_", names).replace(':', '-');
    return new ServerFiles(write(base + ".pem", cert), write(base + "-key.pem", keys.getPrivate()));
  }

  private Path write(String file, Object pemObject) {
    Path target = dir.resolve(file);
    try (Writer w = Files.newBufferedWriter(target, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      // A private key goes out as PKCS#8 ("BEGIN PRIVATE KEY"), which both OpenSSL and wolfSSL builds read.
      pem.writeObject(pemObject instanceof java.security.PrivateKey k
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : pemObject);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      BasicConstraints constraints, KeyUsage usage, GeneralNames altNames) {
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
          subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, constraints);
      b.addExtension(Extension.keyUsage, true, usage);
      if (altNames != null) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e.getMessage(), e);
    }
  }
}
