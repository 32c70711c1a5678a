package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * email_domain on hostile values, through a real export: what reaches Parquet is a host name or
 * NULL, never the rest of a free-text value (a name in a comment, a phone number, a second address).
 */
class EmailDomainTest {
  private static final LocalStack stack = LocalStack.get();

  /** Value, then what the Parquet file must hold (null for NULL). */
  private static final String[][] CASES = {
      {"ann@example.com", "example.com"},
      {"Ann <ann@Example.COM>", "example.com"},
      {"ann@example.com (Ann Smith)", "example.com"},
      {"ann@example.com 090-1234-5678", "example.com"},
      {"ann@mail.example.co.jp.", "mail.example.co.jp"},
      {"call 090-1234-5678 or ann@example.com, thanks", "example.com"},
      {"ann@example.com-090-1234-5678", null},
      {"ann@localhost", null},
      {"ann@192.168.1.10", null},
      {"ann@例え.jp", null},
      {"ann@-bad-.com", null},
      {"ann@.com", null},
      {"ann@example..com", null},
      {"ann@", null},
      {"no-at-sign", null},
      {"reach me: ann@example.com or @ann_smith", null},
      {"ann@xn--r8jz45g.jp", "xn--r8jz45g.jp"},
  };

  @Test
  void onlyAHostNameOrNullLeavesTheExport() throws Exception {
    List<String> inserts = new ArrayList<>();
    for (int i = 0; i < CASES.length; i++) {
      inserts.add("(" + i + ", '" + CASES[i][0].replace("'", "''") + "')");
    }
    stack.database("domains", "CREATE TABLE contacts (id INT PRIMARY KEY, contact VARCHAR(100))",
        "INSERT INTO contacts VALUES " + String.join(", ", inserts));
    String bucket = stack.bucket("domains");
    ExportResult result = stack.exporter(LocalStack.config(bucket, ""), "domains",
        "databases: {domains: {tables: {contacts: {columns: {contact: email_domain}}}}}")
        .export(new ExportRequest("r1", "1", "2026-11-26", "domains", "contacts", null));
    List<Path> files = result.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    List<Map<String, Object>> rows = Parquet.query(files, "SELECT id, contact FROM t ORDER BY id");
    List<String> expected = Arrays.stream(CASES).map(c -> c[1]).toList();
    assertEquals(expected, rows.stream().map(r -> (String) r.get("contact")).toList());
  }
}
