package dev.rds2bq.rows;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A block of rows decoded by the reader thread, column by column into primitive arrays where the
 * type allows, and served to the writers as {@link Row}s. Batches are recycled, so a steady export
 * allocates only the values JDBC itself creates. A source's {@code RowStream} fills them; the
 * writers read them on the encoding thread.
 */
public final class RowBatch implements Row {
  /**
   * A date or time the source holds but BigQuery cannot (MySQL's {@code 0000-00-00}, a zero month
   * or day): the zero-date policy decides, NULL or an error.
   */
  public static final Object ZERO_DATE = new Object() {
    @Override
    public String toString() {
      return "ZERO_DATE";
    }
  };
  /** A date the source accepted that is in no calendar, such as {@code 2023-02-30}: always an error. */
  public static final Object INVALID_DATE = new Object() {
    @Override
    public String toString() {
      return "INVALID_DATE";
    }
  };

  /**
   * What the source keeps for a date or time value the driver could not convert; called only then,
   * on the reader thread, so it costs nothing per value.
   */
  @FunctionalInterface
  public interface Unconvertible {
    /**
     * @return {@link #ZERO_DATE}, {@link #INVALID_DATE}, or {@link #failed} with the error to raise
     *     when the value is written; or throws, when the connection rather than the value failed
     */
    Object replace(ResultSet rs, int column, Exception error) throws SQLException;
  }

  /** A value whose reading failed: the error is raised when a writer reads it, on the writer thread. */
  public static Object failed(RuntimeException error) {
    return new Failure(error);
  }

  private final ReadAs[] readAs;
  private final long[][] longs;
  private final double[][] doubles;
  private final boolean[][] nulls;
  private final Object[][] objects;
  private final int capacity;
  private int size;
  private int current;
  private boolean lastNull;

  private record Failure(RuntimeException error) {}

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

  /**
   * Copies the result set's current row in, each column with its getter. Runs on the reader thread.
   *
   * @param unconvertible what to keep for a date or time the driver cannot convert
   */
  public void add(ResultSet rs, Unconvertible unconvertible) throws SQLException {
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
        case LOCAL_DATE -> objects[i][r] = temporal(rs, col, LocalDate.class, unconvertible);
        case LOCAL_DATE_TIME -> objects[i][r] = temporal(rs, col, LocalDateTime.class, unconvertible);
        case NONE -> { }
      }
    }
    size++;
  }

  private static Object temporal(ResultSet rs, int col, Class<?> type, Unconvertible unconvertible)
      throws SQLException {
    try {
      return rs.getObject(col, type);
    } catch (SQLException | RuntimeException e) {
      return unconvertible.replace(rs, col, e);
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
    return (String) objects[column - 1][current];
  }

  @Override
  public BigDecimal getBigDecimal(int column) {
    return (BigDecimal) objects[column - 1][current];
  }

  @Override
  public Object getTemporal(int column) {
    Object v = objects[column - 1][current];
    if (v instanceof Failure f) {
      throw f.error();
    }
    return v;
  }
}
