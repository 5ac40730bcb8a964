package com.reviewpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  @DisplayName("user, password, host, port and database come from the URI, percent-decoded")
  void userInfoForm() {
    DatabaseUrl db = DatabaseUrl.parse("postgresql://mod%40x:s%3Acret@db.internal:6543/reviews");
    assertThat(db.user()).isEqualTo("mod@x");
    assertThat(db.password()).isEqualTo("s:cret");
    assertThat(db.host()).isEqualTo("db.internal");
    assertThat(db.port()).isEqualTo(6543);
    assertThat(db.database()).isEqualTo("reviews");
    assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/reviews");
    assertThat(db.toString()).doesNotContain("cret");
  }

  @Test
  @DisplayName("user and password given as query parameters (the JDBC habit) are honoured, not dropped")
  void queryParameterForm() {
    DatabaseUrl db = DatabaseUrl.parse("jdbc:postgresql://localhost:5432/reviews?user=moderator&password=pw");
    assertThat(db.user()).isEqualTo("moderator");
    assertThat(db.password()).isEqualTo("pw");
    assertThat(db.port()).isEqualTo(5432);
  }

  @Test
  @DisplayName("sslmode reaches both the reactive client and the JDBC URL of the migrations")
  void sslMode() {
    DatabaseUrl db = DatabaseUrl.parse("postgresql://u:p@h/d?sslmode=require");
    assertThat(db.options().getSslMode().value).isEqualTo("require");
    assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?sslmode=require");
  }

  @Test
  @DisplayName("a URL naming no user, or an empty one, is refused instead of connecting as a default account")
  void userRequired() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://db:5432/reviews")).hasMessageContaining("names no user");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://db:5432/reviews?user=&password=x"))
        .hasMessageContaining("user");
  }

  @Test
  @DisplayName("a user without a password gets an empty password, never the client's built-in one")
  void noPassword() {
    assertThat(DatabaseUrl.parse("postgresql://moderator@db/reviews").password()).isEmpty();
  }

  @Test
  @DisplayName("a malformed URL is refused and the error never shows the password")
  void malformed() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h/d")).hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@h:notaport/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
  }
}
