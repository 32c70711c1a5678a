package dev.rds2bq.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo sources: Sakila (Oracle's sample database, BSD licence, shipped under
 * {@code sakila/}) and {@code healthapp}, a generated health-care app database whose row counts are
 * knobs. The benchmark generates its wide {@code users} table with the same code.
 */
public final class DemoData {
  public static final String SAKILA = "sakila";
  public static final String HEALTHAPP = "healthapp";
  private static final int NUMS = 1_000_000;

  private DemoData() {}

  public static void loadSakila(EmbeddedMySql mysql) throws SQLException {
    mysql.recreateDatabase(SAKILA);
    try (Connection c = mysql.connect(SAKILA)) {
      runResource(c, "/sakila/sakila-schema.sql");
      runResource(c, "/sakila/sakila-data.sql");
    }
  }

  private static void runResource(Connection c, String resource) throws SQLException {
    try (InputStream in = DemoData.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      SqlScript.run(c, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Row counts of the generated app database; support inquiries are one per four users, at least 10. */
  public record Sizes(long users, long stepLogs, long meals) {
    public static final Sizes DEMO = new Sizes(2_000, 50_000, 10_000);

    public long inquiries() {
      return Math.max(10, users / 4);
    }
  }

  public static void createHealthApp(EmbeddedMySql mysql, String database, Sizes sizes) throws SQLException {
    mysql.recreateDatabase(database);
    try (Connection c = mysql.connect(database); Statement s = c.createStatement()) {
      createNumbers(s, Math.max(sizes.users(), Math.max(sizes.stepLogs(), Math.max(sizes.meals(), sizes.inquiries()))));
      s.execute(USERS_DDL);
      fill(s, "users", sizes.users(), USERS_SELECT);
      s.execute(STEP_LOGS_DDL);
      fill(s, "step_logs", sizes.stepLogs(), STEP_LOGS_SELECT.replace("$USERS", Long.toString(Math.max(1, sizes.users()))));
      s.execute(MEALS_DDL);
      fill(s, "meals", sizes.meals(), MEALS_SELECT.replace("$USERS", Long.toString(Math.max(1, sizes.users()))));
      s.execute(INQUIRIES_DDL);
      fill(s, "inquiries", sizes.inquiries(), INQUIRIES_SELECT.replace("$USERS", Long.toString(Math.max(1, sizes.users()))));
      s.execute("DROP TABLE nums");
    }
  }

  /** Only the wide {@code users} table: the benchmark's subject. */
  public static void createUsersOnly(EmbeddedMySql mysql, String database, long users) throws SQLException {
    mysql.recreateDatabase(database);
    try (Connection c = mysql.connect(database); Statement s = c.createStatement()) {
      createNumbers(s, users);
      s.execute(USERS_DDL);
      fill(s, "users", users, USERS_SELECT);
      s.execute("DROP TABLE nums");
    }
  }

  private static void createNumbers(Statement s, long needed) throws SQLException {
    s.execute("CREATE TABLE digits (d TINYINT NOT NULL PRIMARY KEY)");
    s.execute("INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
    s.execute("CREATE TABLE nums (n INT NOT NULL PRIMARY KEY)");
    long size = Math.min(NUMS, Math.max(10, needed));
    int k = (int) Math.ceil(Math.log10(size));
    StringBuilder expr = new StringBuilder("d0.d");
    StringBuilder from = new StringBuilder("digits d0");
    for (int i = 1; i < k; i++) {
      expr.append(" + ").append((long) Math.pow(10, i)).append(" * d").append(i).append(".d");
      from.append(" CROSS JOIN digits d").append(i);
    }
    s.execute("INSERT INTO nums SELECT " + expr + " FROM " + from);
    s.execute("DROP TABLE digits");
  }

  /** Inserts {@code rows} rows numbered 1..rows in chunks of a million; {@code n} is the row number. */
  private static void fill(Statement s, String table, long rows, String select) throws SQLException {
    for (long base = 0; base < rows; base += NUMS) {
      long chunk = Math.min(NUMS, rows - base);
      s.execute("INSERT INTO " + table + " " + select.replace("$N", "(" + base + " + nums.n + 1)")
          + " FROM nums WHERE nums.n < " + chunk);
    }
  }

  static final String USERS_DDL = "CREATE TABLE users ("
      + " id BIGINT NOT NULL PRIMARY KEY COMMENT 'app user id',"
      + " name VARCHAR(100) NOT NULL COMMENT 'full name',"
      + " name_kana VARCHAR(100) COMMENT 'full name in katakana',"
      + " email VARCHAR(255) NOT NULL,"
      + " phone VARCHAR(20),"
      + " birthday DATE,"
      + " gender ENUM('female','male','other','unknown') NOT NULL DEFAULT 'unknown',"
      + " postal_code CHAR(8),"
      + " prefecture VARCHAR(10),"
      + " height_cm DECIMAL(4,1),"
      + " weight_kg DECIMAL(5,2),"
      + " daily_step_goal INT NOT NULL DEFAULT 8000,"
      + " plan ENUM('free','premium','family') NOT NULL,"
      + " points INT UNSIGNED NOT NULL DEFAULT 0,"
      + " is_active TINYINT(1) NOT NULL DEFAULT 1,"
      + " last_login_at DATETIME(3),"
      + " created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
      + " updated_at DATETIME,"
      + " preferences JSON,"
      + " bio TEXT,"
      + " last_ip VARCHAR(45)"
      + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='registered app users'";

  static final String USERS_SELECT = "SELECT $N AS id,"
      + " CONCAT(ELT(1 + $N % 10, '佐藤','鈴木','高橋','田中','伊藤','渡辺','山本','中村','小林','𠮷田'), ' ',"
      + "   ELT(1 + ($N DIV 10) % 8, '太郎','花子','翔太','美咲','健','陽菜','大輔','さくら')),"
      + " CONCAT(ELT(1 + $N % 10, 'サトウ','スズキ','タカハシ','タナカ','イトウ','ワタナベ','ヤマモト','ナカムラ','コバヤシ','ヨシダ'),"
      + "   ' ', ELT(1 + ($N DIV 10) % 8, 'タロウ','ハナコ','ショウタ','ミサキ','ケン','ヒナ','ダイスケ','サクラ')),"
      + " CONCAT('user', $N, '@', ELT(1 + $N % 5, 'example.com','example.jp','mail.example.org','example.net','Example.CO.JP')),"
      + " IF($N % 7 = 0, NULL, CONCAT('090-', LPAD($N % 10000, 4, '0'), '-', LPAD(($N * 7) % 10000, 4, '0'))),"
      + " IF($N % 13 = 0, NULL, DATE_ADD('1940-01-01', INTERVAL ($N * 7919) % 25567 DAY)),"
      + " ELT(1 + $N % 4, 'female','male','other','unknown'),"
      + " CONCAT(LPAD($N % 1000, 3, '0'), '-', LPAD(($N * 31) % 10000, 4, '0')),"
      + " ELT(1 + $N % 6, '東京都','大阪府','北海道','福岡県','愛知県','沖縄県'),"
      + " 140 + ($N % 600) / 10,"
      + " 40 + ($N * 37 % 6000) / 100,"
      + " 5000 + ($N % 11) * 1000,"
      + " ELT(1 + $N % 3, 'free','premium','family'),"
      + " ($N * 2654435761) % 4294967296,"
      + " IF($N % 17 = 0, 2, $N % 2),"
      + " IF($N % 5 = 0, NULL, TIMESTAMPADD(MICROSECOND, ($N * 1009) % 1000 * 1000, TIMESTAMPADD(SECOND, ($N * 7) % 31536000, '2025-01-01 00:00:00'))),"
      + " TIMESTAMPADD(MICROSECOND, $N % 1000000, TIMESTAMPADD(SECOND, $N % 63072000, '2023-01-01 00:00:00')),"
      + " TIMESTAMPADD(SECOND, ($N * 13) % 31536000, '2025-06-01 00:00:00'),"
      + " JSON_OBJECT('units', IF($N % 2 = 0, 'metric', 'imperial'), 'notify', $N % 3 = 0, 'goal', 5000 + $N % 7 * 1000),"
      + " IF($N % 3 = 0, NULL, CONCAT('毎日歩いています 🏃 day ', $N % 365, '. ', REPEAT('Walking keeps me healthy. ', 1 + $N % 4))),"
      + " CONCAT('10.', ($N DIV 65536) % 256, '.', ($N DIV 256) % 256, '.', $N % 256)";

  static final String STEP_LOGS_DDL = "CREATE TABLE step_logs ("
      + " id BIGINT NOT NULL PRIMARY KEY,"
      + " user_id BIGINT NOT NULL,"
      + " log_date DATE NOT NULL,"
      + " steps INT NOT NULL,"
      + " distance_m INT NOT NULL,"
      + " active_minutes SMALLINT NOT NULL,"
      + " source ENUM('watch','phone','manual') NOT NULL,"
      + " recorded_at TIMESTAMP(3) NOT NULL,"
      + " KEY by_recorded (recorded_at)"
      + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='daily step counts'";

  /**
   * Round {@code round} of changes to {@code step_logs}, as the app would make them between two
   * runs, each round an hour after the previous one and after every generated row: 1% of the rows
   * corrected (their steps, and {@code recorded_at} moved to the round's time), as many new rows
   * logged, and 0.2% deleted. Applying rounds 1..n to a freshly generated database always gives the
   * same table. Returns what the round did.
   */
  public static String advanceStepLogs(EmbeddedMySql mysql, String database, int round) throws SQLException {
    try (Connection c = mysql.connect(database); Statement s = c.createStatement()) {
      long rows;
      String base;
      long maxId;
      try (java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id), DATE_FORMAT(MAX(recorded_at),"
          + " '%Y-%m-%d %H:00:00') FROM step_logs")) {
        rs.next();
        rows = rs.getLong(1);
        maxId = rs.getLong(2);
        base = rs.getString(3);
      }
      long every = 100; // 1% corrected
      String at = "TIMESTAMPADD(HOUR, " + (24 + round) + ", '" + base + "')";
      int updated = s.executeUpdate("UPDATE step_logs SET steps = steps + " + round + ", recorded_at = " + at
          + " WHERE id % " + every + " = " + (round % every));
      long added = Math.max(1, rows / 100);
      long first = Math.max(maxId, 0) + 1;
      s.execute("CREATE TEMPORARY TABLE advance_seq (n BIGINT PRIMARY KEY)");
      s.execute("INSERT INTO advance_seq SELECT seq FROM seq_1_to_" + added);
      int inserted = s.executeUpdate("INSERT INTO step_logs SELECT " + first + " + n - 1, 1 + n % 97, DATE(" + at
          + "), 4000 + n % 5000, 2800 + n % 3500, n % 90, 'phone', " + at + " FROM advance_seq");
      s.execute("DROP TEMPORARY TABLE advance_seq");
      int deleted = s.executeUpdate("DELETE FROM step_logs WHERE id % 500 = " + (round * 7 % 500) + " AND id < "
          + first);
      return updated + " step_logs corrected, " + inserted + " logged, " + deleted + " deleted (round " + round
          + ", at " + base + " + " + (24 + round) + " h)";
    }
  }

  static final String STEP_LOGS_SELECT = "SELECT $N, 1 + $N % $USERS,"
      + " DATE_ADD('2024-01-01', INTERVAL $N DIV $USERS DAY),"
      + " ($N * 7919) % 20000, ($N * 7919) % 20000 * 7 / 10, ($N * 13) % 240,"
      + " ELT(1 + $N % 3, 'watch','phone','manual'),"
      + " TIMESTAMPADD(MICROSECOND, ($N % 1000) * 1000, TIMESTAMPADD(SECOND, $N % 86400, DATE_ADD('2024-01-01', INTERVAL $N DIV $USERS DAY)))";

  static final String MEALS_DDL = "CREATE TABLE meals ("
      + " id INT NOT NULL PRIMARY KEY,"
      + " user_id BIGINT NOT NULL,"
      + " eaten_at DATETIME NOT NULL,"
      + " meal_type ENUM('breakfast','lunch','dinner','snack') NOT NULL,"
      + " calories SMALLINT UNSIGNED NOT NULL,"
      + " protein_g DECIMAL(6,2),"
      + " note VARCHAR(200)"
      + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='meal diary'";

  static final String MEALS_SELECT = "SELECT $N, 1 + ($N * 31) % $USERS,"
      + " TIMESTAMPADD(MINUTE, $N * 17 % 525600, '2025-01-01 00:00:00'),"
      + " ELT(1 + $N % 4, 'breakfast','lunch','dinner','snack'),"
      + " 100 + ($N * 37) % 1200, ($N * 53 % 10000) / 100,"
      + " IF($N % 4 = 0, NULL, ELT(1 + $N % 5, '納豆ごはん','サラダ 🥗','ラーメン','おにぎり','カレー'))";

  /**
   * Support inquiries: free text as users write it, where some messages carry a phone number, an
   * e-mail address or a postal code that no column name announces. The plan's value scan finds them.
   */
  static final String INQUIRIES_DDL = "CREATE TABLE inquiries ("
      + " id INT NOT NULL PRIMARY KEY,"
      + " user_id BIGINT NOT NULL,"
      + " received_at DATETIME NOT NULL,"
      + " channel ENUM('web','app','mail') NOT NULL,"
      + " message TEXT NOT NULL,"
      + " status ENUM('open','answered','closed') NOT NULL"
      + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='support inquiries'";

  static final String INQUIRIES_SELECT = "SELECT $N, 1 + ($N * 7) % $USERS,"
      + " TIMESTAMPADD(MINUTE, $N * 97 % 525600, '2025-01-01 00:00:00'),"
      + " ELT(1 + $N % 3, 'web','app','mail'),"
      + " ELT(1 + $N % 5,"
      + "   CONCAT('折り返しのお電話をお願いします。090-', LPAD($N % 10000, 4, '0'), '-', LPAD(($N * 7) % 10000, 4, '0')),"
      + "   CONCAT('Please reply to inquirer', $N, '@example.jp about my premium plan.'),"
      + "   '歩数が同期されません。アプリを再起動しても直りません。',"
      + "   'How do I change my daily step goal?',"
      + "   CONCAT('引っ越しました。新しい住所は〒', LPAD($N % 1000, 3, '0'), '-', LPAD(($N * 31) % 10000, 4, '0'), ' です。')),"
      + " ELT(1 + $N % 3, 'open','answered','closed')";
}
