package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.acl.AclResolver.Resolution;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.Authorizer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AclStreamTest {
  private static final Resolution ALL = new Resolution.Granted(Authorizer.ALLOW_ALL, "a");
  private static final Resolution NONE = new Resolution.Granted(Authorizer.DENY_ALL, "a");

  private static AclStream stream(Resolution first) {
    return new AclStream(
        Optional.of("s3cr3t-value"), new AclStream.View(AclState.EMPTY, first, "l"), status -> {});
  }

  @Test
  void aStreamWhoseRightsAreTheSameAfterAChangeKeepsGoing() {
    AclStream s = stream(ALL);
    s.served(new Resolution.Granted(Authorizer.ALLOW_ALL, "a"));
    assertThat(s.mustEnd(new Resolution.Granted(Authorizer.ALLOW_ALL, "a"))).isFalse();
  }

  @Test
  void aStreamWhoseRightsChangedOrWhoseTokenIsGoneEnds() {
    assertThat(stream(ALL).mustEnd(NONE)).isTrue();
    assertThat(stream(ALL).mustEnd(new Resolution.UnknownToken())).isTrue();
  }

  @Test
  void aStreamServedUnderOtherRightsSinceTheLastReviewEndsEvenIfTheyAreBackToTheSame() {
    // Rights went ALL -> NONE -> ALL, and a push went out under NONE before the review.
    AclStream s = stream(ALL);
    s.served(NONE);
    assertThat(s.mustEnd(ALL)).isTrue();
  }

  @Test
  void aReviewMovesTheBaseline() {
    AclStream s = stream(NONE);
    assertThat(s.mustEnd(NONE)).isFalse();
    s.served(NONE);
    assertThat(s.mustEnd(NONE)).isFalse();
  }

  @Test
  void theSecretStaysOutOfToString() {
    assertThat(stream(ALL).toString()).doesNotContain("s3cr3t").contains("token=(set)");
  }
}
