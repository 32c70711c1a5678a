package dev.rds2bq.localgcp;

import io.grpc.Server;
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

  /** host:port of the Data Transfer Service, for a plaintext gRPC channel. */
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
