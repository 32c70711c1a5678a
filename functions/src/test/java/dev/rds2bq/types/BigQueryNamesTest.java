package dev.rds2bq.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The column-name rule of docs/type-mapping.md. */
class BigQueryNamesTest {
  @Test
  void validNamesStayAndOthersFollowTheRule() {
    assertEquals(List.of("id", "user_name", "_1st_visit", "order_total___", "c_TABLE_x", "c_PARTITIONTIME", "Name",
            "name_2", "__a", "__b", "__", "___2"),
        BigQueryNames.assign(List.of("id", "user name", "1st visit", "order-total($)", "_TABLE_x", "_PARTITIONTIME",
            "Name", "name", "氏名a", "氏名b", "氏名", "名前")));
  }

  @Test
  void longNamesAreCutAndStayUnique() {
    String longName = "x".repeat(400);
    List<String> out = BigQueryNames.assign(List.of(longName, longName + "y"));
    assertEquals(300, out.get(0).length());
    assertEquals(300, out.get(1).length());
    assertTrue(out.get(1).endsWith("_2"), out.get(1));
  }
}
