package dev.rds2bq.localgcp;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Google's side of a run on one machine: the Data Transfer Service (gRPC) and the BigQuery REST API,
 * both on loopback ports chosen by the system, over one DuckDB warehouse file.
 */
public final class LocalGoogleCloud implements AutoCloseable {
  private final Warehouse warehouse;
  private final LocalDataTransferService transfers;
  private final Server grpc;
  private final LocalBigQueryRest rest;

  /**
   * @param warehouseFile the DuckDB file that plays the BigQuery project
   * @param s3Endpoint where transfer runs read {@code s3://} paths from
   * @param pace whether transfer runs go on at once or when a test calls {@code transfers().runPending(names)}
   */
  public LocalGoogleCloud(Path warehouseFile, URI s3Endpoint, LocalDataTransferService.Pace pace) throws IOException {
    warehouse = new Warehouse(warehouseFile);
    transfers = new LocalDataTransferService(warehouse, s3Endpoint, pace);
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(transfers).build().start();
    rest = new LocalBigQueryRest(warehouse);
  }

  private LocalGoogleCloud(Path warehouseFile, URI s3Endpoint, LocalDataTransferService.Pace pace, ServerTls tls,
      LocalGoogleAuth auth) throws IOException {
    warehouse = new Warehouse(warehouseFile);
    transfers = new LocalDataTransferService(warehouse, s3Endpoint, pace);
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sslContext(GrpcSslContexts.forServer(tls.certificate().toFile(), tls.key().toFile()).build())
        .addService(ServerInterceptors.intercept(transfers, new BearerCheck(auth)))
        .build().start();
    rest = new LocalBigQueryRest(warehouse, tls, auth::authorizes);
  }

  /**
   * The stand-ins as Google's endpoints behave for a client with credentials: both over TLS with
   * this certificate, and every call refused as {@code UNAUTHENTICATED} (401 for REST) unless it
   * carries an access token that {@code auth} issued.
   */
  public static LocalGoogleCloud withTls(Path warehouseFile, URI s3Endpoint, LocalDataTransferService.Pace pace,
      ServerTls tls, LocalGoogleAuth auth) throws IOException {
    return new LocalGoogleCloud(warehouseFile, s3Endpoint, pace, tls, auth);
  }

  /** Refuses a call without a token the auth stand-in issued, as Google's front end does. */
  private record BearerCheck(LocalGoogleAuth auth) implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      if (!auth.authorizes(headers.get(AUTHORIZATION))) {
        call.close(Status.UNAUTHENTICATED.withDescription("Request had invalid authentication credentials."
            + " Expected OAuth 2 access token, login cookie or other valid authentication credential."), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  /** host:port of the Data Transfer Service (plaintext, or TLS when made {@link #withTls}). */
  public String transferEndpoint() {
    return "127.0.0.1:" + grpc.getPort();
  }

  /** Root URL of the BigQuery REST API, for {@code BigQueryOptions.Builder.setHost}. */
  public String bigQueryHost() {
    return rest.host();
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public LocalDataTransferService transfers() {
    return transfers;
  }

  public LocalBigQueryRest bigQuery() {
    return rest;
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    rest.close();
    warehouse.close();
  }
}
