package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ProxylessClientTest {
  @Test
  void unavailableKeepsWhyXdsResolutionFailedOtherCodesOnlyTheirCode() {
    assertThat(
            ProxylessClient.failure(
                Status.UNAVAILABLE.withDescription(
                    "Error retrieving LDS resource api: UNAUTHENTICATED: ACL not found")))
        .isEqualTo(
            "UNAVAILABLE (Error retrieving LDS resource api: UNAUTHENTICATED: ACL not found)");
    assertThat(ProxylessClient.failure(Status.UNAVAILABLE)).isEqualTo("UNAVAILABLE");
    assertThat(
            ProxylessClient.failure(
                Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 4.99s")))
        .isEqualTo("DEADLINE_EXCEEDED");
  }
}
