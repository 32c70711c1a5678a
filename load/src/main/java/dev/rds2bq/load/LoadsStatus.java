package dev.rds2bq.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The output of StartLoads and of CheckLoads, and the input of CheckLoads: the state machine passes
 * it around its poll loop unchanged. {@code done} is true once every load is in a terminal state.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadsStatus(String runId, String runDate, String startedAt, boolean done, List<TableLoad> loads) {}
