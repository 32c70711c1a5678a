package dev.rds2bq.localgcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in's server certificate and its key as PEM files (an RSA key in PKCS#8, "BEGIN PRIVATE
 * KEY"), for a gRPC server (Netty reads the files) and an HTTPS server (an {@link SSLContext}).
 */
public record ServerTls(Path certificate, Path key) {

  /** A TLS context that presents this certificate. */
  public SSLContext sslContext() {
    try {
      Certificate cert;
      try (InputStream in = Files.newInputStream(certificate)) {
        cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      String pem = Files.readString(key, StandardCharsets.US_ASCII);
      String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      PrivateKey privateKey = KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey, password, new Certificate[] {cert});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the server certificate " + certificate + ": " + e.getMessage(), e);
    }
  }
}
