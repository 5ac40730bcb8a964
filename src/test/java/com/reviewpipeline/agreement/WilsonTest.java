package com.reviewpipeline.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WilsonTest {

  @Test
  @DisplayName("the design's figures: 200 samples without disagreement 0.981, with 5 disagreements 0.943")
  void designFigures() {
    assertThat(Wilson.lowerBound(200, 200)).isCloseTo(0.981, within(0.0005));
    assertThat(Wilson.lowerBound(195, 200)).isCloseTo(0.943, within(0.0005));
  }

  @Test
  @DisplayName("few samples prove little: 3 of 3 is far below 0.95, no samples is 0, and the bound grows with n at the same share")
  void fewSamples() {
    assertThat(Wilson.lowerBound(3, 3)).isLessThan(0.5);
    assertThat(Wilson.lowerBound(0, 0)).isZero();
    assertThat(Wilson.lowerBound(98, 100)).isLessThan(Wilson.lowerBound(980, 1000));
    assertThat(Wilson.lowerBound(0, 50)).isZero();
  }
}
