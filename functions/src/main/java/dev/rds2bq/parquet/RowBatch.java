package dev.rds2bq.parquet;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A block of rows decoded by the reader thread, column by column into primitive arrays where the
 * type allows, and served to the writers as {@link Row}s. Batches are recycled, so a steady export
 * allocates only the values JDBC itself creates.
 */
public final class RowBatch implements Row {
  private final ReadAs[] readAs;
  private final long[][] longs;
  private final double[][] doubles;
  private final boolean[][] nulls;
  private final Object[][] objects;
  private final int capacity;
  private int size;
  private int current;
  private boolean lastNull;

  /** A getter that threw on the reader thread, replayed on the writer thread with the raw text. */
  private record Failure(Exception error, String raw) {}

  /** @param readAs the getter per SELECT column, index 0 for column 1 */
  public RowBatch(ReadAs[] readAs, int capacity) {
    this.readAs = readAs;
    this.capacity = capacity;
    int n = readAs.length;
    longs = new long[n][];
    doubles = new double[n][];
    nulls = new boolean[n][];
    objects = new Object[n][];
    for (int i = 0; i < n; i++) {
      switch (readAs[i]) {
        case INT, LONG -> {
          longs[i] = new long[capacity];
          nulls[i] = new boolean[capacity];
        }
        case FLOAT, DOUBLE -> {
          doubles[i] = new double[capacity];
          nulls[i] = new boolean[capacity];
        }
        case NONE -> { }
        default -> objects[i] = new Object[capacity];
      }
    }
  }

  public boolean isFull() {
    return size == capacity;
  }

  public int size() {
    return size;
  }

  public void clear() {
    for (Object[] column : objects) {
      if (column != null) {
        java.util.Arrays.fill(column, 0, size, null);
      }
    }
    size = 0;
  }

  /** Copies the result set's current row in. Runs on the reader thread. */
  public void add(ResultSet rs) throws SQLException {
    int r = size;
    for (int i = 0; i < readAs.length; i++) {
      int col = i + 1;
      switch (readAs[i]) {
        case INT -> {
          int v = rs.getInt(col);
          longs[i][r] = v;
          nulls[i][r] = v == 0 && rs.wasNull();
        }
        case LONG -> {
          long v = rs.getLong(col);
          longs[i][r] = v;
          nulls[i][r] = v == 0 && rs.wasNull();
        }
        case FLOAT, DOUBLE -> {
          double v = readAs[i] == ReadAs.FLOAT ? rs.getFloat(col) : rs.getDouble(col);
          doubles[i][r] = v;
          nulls[i][r] = v == 0 && rs.wasNull();
        }
        case BIG_DECIMAL -> objects[i][r] = rs.getBigDecimal(col);
        case BYTES -> objects[i][r] = rs.getBytes(col);
        case STRING -> objects[i][r] = rs.getString(col);
        case LOCAL_DATE -> objects[i][r] = temporal(rs, col, LocalDate.class);
        case LOCAL_DATE_TIME -> objects[i][r] = temporal(rs, col, LocalDateTime.class);
        case NONE -> { }
      }
    }
    size++;
  }

  private static Object temporal(ResultSet rs, int col, Class<?> type) throws SQLException {
    try {
      return rs.getObject(col, type);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        throw sql; // the connection failed, not the value
      }
      return new Failure(e, rs.getString(col));
    }
  }

  /** Points the {@link Row} view at row {@code r}. Runs on the writer thread. */
  public void position(int r) {
    current = r;
  }

  @Override
  public int getInt(int column) {
    lastNull = nulls[column - 1][current];
    return (int) longs[column - 1][current];
  }

  @Override
  public long getLong(int column) {
    lastNull = nulls[column - 1][current];
    return longs[column - 1][current];
  }

  @Override
  public float getFloat(int column) {
    lastNull = nulls[column - 1][current];
    return (float) doubles[column - 1][current];
  }

  @Override
  public double getDouble(int column) {
    lastNull = nulls[column - 1][current];
    return doubles[column - 1][current];
  }

  @Override
  public boolean wasNull() {
    return lastNull;
  }

  @Override
  public byte[] getBytes(int column) {
    return (byte[]) objects[column - 1][current];
  }

  @Override
  public String getString(int column) {
    Object v = objects[column - 1][current];
    return v instanceof Failure f ? f.raw() : (String) v;
  }

  @Override
  public BigDecimal getBigDecimal(int column) {
    return (BigDecimal) objects[column - 1][current];
  }

  @Override
  public <T> T getObject(int column, Class<T> type) throws SQLException {
    Object v = objects[column - 1][current];
    if (v instanceof Failure f) {
      if (f.error() instanceof SQLException sql) {
        throw sql;
      }
      throw (RuntimeException) f.error();
    }
    return type.cast(v);
  }
}
