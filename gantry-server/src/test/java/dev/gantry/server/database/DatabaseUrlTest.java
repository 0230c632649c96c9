package dev.gantry.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void jdbcUrlIsUsedAsGiven() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    assertThat(url.user()).isNull();
    assertThat(url.password()).isNull();
  }

  @Test
  void postgresUrlBecomesJdbcUrlWithCredentialsKeptApart() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:s3cret@db.example.com:6543/jobs");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/jobs");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cret");
  }

  @Test
  void postgresqlSchemeDefaultPortAndQueryParametersAreSupported() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app@localhost/jobs?sslmode=require&connectTimeout=5");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/jobs?sslmode=require&connectTimeout=5");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isNull();
  }

  @Test
  void percentEncodedCredentialsAreDecodedAndPlusStaysAPlus() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://us%40er:p%3Ass%2Fw+rd%25@[::1]:5432/db");

    assertThat(url.user()).isEqualTo("us@er");
    assertThat(url.password()).isEqualTo("p:ss/w+rd%");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
  }

  @Test
  void urlWithoutCredentialsLeavesThemToTheDriver() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://localhost:5432/test");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/test");
    assertThat(url.user()).isNull();
    assertThat(url.password()).isNull();
  }

  @Test
  void passwordsNeverShowInTextMeantForLogs() {
    DatabaseUrl fromPostgres = DatabaseUrl.parse("postgres://app:s3cret@localhost/jobs");
    DatabaseUrl fromJdbc = DatabaseUrl.parse("jdbc:postgresql://localhost/jobs?user=app&password=s3cret&ssl=true");

    assertThat(fromPostgres.redacted()).isEqualTo("jdbc:postgresql://localhost/jobs (user app)");
    assertThat(fromPostgres.toString()).doesNotContain("s3cret");
    assertThat(fromJdbc.redacted()).isEqualTo("jdbc:postgresql://localhost/jobs?user=app&password=***&ssl=true");
    assertThat(fromJdbc.toString()).doesNotContain("s3cret");
  }

  @Test
  void otherSchemesAreRefusedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://app:s3cret@localhost/jobs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with jdbc:postgresql:, postgres:// or postgresql://")
        .hasMessageContaining("mysql://app:***@localhost/jobs")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> DatabaseUrl.parse(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void severalHostsNeedTheJdbcForm() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://app:s3cret@host1:5432,host2:5432/jobs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use a jdbc:postgresql: URL")
        .hasMessageNotContaining("s3cret");
  }
}
