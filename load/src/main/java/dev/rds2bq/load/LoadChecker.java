package dev.rds2bq.load;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.metrics.TableMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * CheckLoads: asks DTS for each unfinished load's state. Past {@code run.loadTimeoutMinutes} since
 * StartLoads, a load still pending or running is reported FAILED, so the poll loop always ends.
 */
public final class LoadChecker {
  private final BigQueryConfig config;
  private final BigQuery bigQuery;
  private final TransferLoads transfers;
  private final Duration timeout;
  private final Clock clock;
  private final TableMetrics metrics;
  private final GoogleClients clients;

  public LoadChecker(BigQueryConfig config, GoogleClients clients, Duration timeout, Clock clock) {
    this(config, clients, timeout, clock, TableMetrics.NONE);
  }

  public LoadChecker(BigQueryConfig config, GoogleClients clients, Duration timeout, Clock clock, TableMetrics metrics) {
    this.metrics = metrics;
    this.clients = clients;
    this.config = config;
    this.bigQuery = clients.bigQuery();
    this.transfers = new TransferLoads(clients.transfers(), config, clock);
    this.timeout = timeout;
    this.clock = clock;
  }

  public LoadsStatus check(LoadsStatus status) {
    if (status == null || status.loads() == null || status.startedAt() == null) {
      throw new InvalidInputException("CheckLoads input must be the StartLoads output {runId, startedAt, loads}");
    }
    clients.credentialsReady();
    Instant started;
    try {
      started = Instant.parse(status.startedAt());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("CheckLoads: startedAt must be an ISO instant; got '" + status.startedAt() + "'");
    }
    boolean late = Duration.between(started, clock.instant()).compareTo(timeout) > 0;
    List<TableLoad> out = new ArrayList<>();
    for (TableLoad load : status.loads()) {
      if (load.terminal() || load.runName() == null) {
        out.add(load);
        continue;
      }
      String what = "table " + load.database() + "." + load.table();
      TransferLoads.RunState now = transfers.state(what + ": checking transfer run " + load.runName(), load.runName());
      if (now.state().equals("SUCCEEDED")) {
        Long rows = rows(what, load);
        if (config.writeDisposition() == PipelineConfig.WriteDisposition.WRITE_TRUNCATE && rows != null
            && load.rowsPublished() != null && !rows.equals(load.rowsPublished())) {
          // A replaced snapshot must hold exactly the published rows; anything else is a partial load.
          out.add(load.withState("FAILED", rows, List.of("ERROR: the transfer succeeded but " + load.destination()
              + " holds " + rows + " rows where the snapshot has " + load.rowsPublished()
              + "; check the transfer run's log in the BigQuery console and re-run the date")));
        } else {
          out.add(load.withState("SUCCEEDED", rows, null));
        }
      } else if (TableLoad.TERMINAL.contains(now.state())) {
        out.add(load.withState(now.state(), null, TableLoad.brief(now.errors())));
      } else if (late) {
        out.add(load.withState("FAILED", null, List.of("ERROR: still " + now.state() + " after "
            + timeout.toMinutes() + " minutes (run.loadTimeoutMinutes); transfer run " + load.runName()
            + " may still finish: check it in the BigQuery console before re-running")));
      } else {
        out.add(load.withState(now.state(), null, null));
      }
    }
    double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).terminal() && !status.loads().get(i).terminal()) {
        metrics.loaded(out.get(i).database(), out.get(i).table(), seconds); // ended since the last poll
      }
    }
    return new LoadsStatus(status.runId(), status.runDate(), status.startedAt(), out.stream().allMatch(TableLoad::terminal),
        out);
  }

  private Long rows(String what, TableLoad load) {
    String table = load.destination().substring(load.destination().lastIndexOf('.') + 1);
    try {
      Table t = bigQuery.getTable(TableId.of(config.projectId(), config.dataset(), table));
      return t == null || t.getNumRows() == null ? null : t.getNumRows().longValue();
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": reading the row count of " + load.destination(), e, config);
    }
  }
}
