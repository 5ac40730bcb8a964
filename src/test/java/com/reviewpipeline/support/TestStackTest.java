package com.reviewpipeline.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.reviewpipeline.support.TestStack.Backend;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The choice of backend from {@code TEST_STACK} and whether a Docker engine answers. */
class TestStackTest {

  static final BooleanSupplier DOCKER = () -> true;
  static final BooleanSupplier NO_DOCKER = () -> false;
  static final BooleanSupplier NOT_ASKED = () -> {
    throw new AssertionError("Docker was asked although TEST_STACK decides");
  };

  @Test
  @DisplayName("unset or blank: Testcontainers when Docker answers, the embedded stack when it does not")
  void unsetFollowsDocker() {
    assertThat(TestStack.choose(null, DOCKER)).isEqualTo(Backend.CONTAINERS);
    assertThat(TestStack.choose(null, NO_DOCKER)).isEqualTo(Backend.EMBEDDED);
    assertThat(TestStack.choose(" ", NO_DOCKER)).isEqualTo(Backend.EMBEDDED);
  }

  @Test
  @DisplayName("embedded: the embedded stack, without asking Docker")
  void embeddedForced() {
    assertThat(TestStack.choose("embedded", NOT_ASKED)).isEqualTo(Backend.EMBEDDED);
    assertThat(TestStack.choose(" Embedded ", NOT_ASKED)).isEqualTo(Backend.EMBEDDED);
  }

  @Test
  @DisplayName("containers: Testcontainers when Docker answers; without Docker a failure that says what to do")
  void containersForced() {
    assertThat(TestStack.choose("containers", DOCKER)).isEqualTo(Backend.CONTAINERS);
    assertThatThrownBy(() -> TestStack.choose("CONTAINERS", NO_DOCKER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TEST_STACK=containers but no Docker engine answers")
        .hasMessageContaining("unset TEST_STACK");
  }

  @Test
  @DisplayName("any other value is refused with the valid ones")
  void otherValuesRefused() {
    assertThatThrownBy(() -> TestStack.choose("docker", NOT_ASKED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEST_STACK=docker")
        .hasMessageContaining("'containers'").hasMessageContaining("'embedded'");
  }
}
