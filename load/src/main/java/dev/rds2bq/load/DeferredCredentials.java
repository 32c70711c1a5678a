package dev.rds2bq.load;

import com.google.auth.Credentials;
import dev.rds2bq.handler.OnFirstUse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Google credentials read from their secret at the first request, not when the clients are built:
 * the clients (most of a cold start) can then be built at init and kept in a SnapStart snapshot
 * that holds no key.
 */
final class DeferredCredentials extends Credentials {
  private static final long serialVersionUID = 1L;
  private final transient OnFirstUse<Credentials> credentials;

  DeferredCredentials(Supplier<? extends Credentials> factory) {
    this.credentials = new OnFirstUse<>(factory::get);
  }

  /** Reads the secret now, so that a missing or malformed one fails with its own exception. */
  void ready() {
    credentials.get();
  }

  @Override
  public String getAuthenticationType() {
    return "OAuth2";
  }

  @Override
  public Map<String, List<String>> getRequestMetadata(URI uri) throws IOException {
    return credentials.get().getRequestMetadata(uri);
  }

  @Override
  public boolean hasRequestMetadata() {
    return true;
  }

  @Override
  public boolean hasRequestMetadataOnly() {
    return true;
  }

  @Override
  public void refresh() throws IOException {
    credentials.get().refresh();
  }
}
