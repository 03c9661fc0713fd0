package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class AclStreamsTest {
  @Test
  void theTokenComesFromXConsulTokenFirstThenABearerAuthorization() {
    Metadata both = new Metadata();
    both.put(AclStreams.CONSUL_TOKEN, " consul-secret ");
    both.put(AclStreams.AUTHORIZATION, "Bearer bearer-secret");
    assertThat(AclStreams.token(both)).contains("consul-secret");

    Metadata bearer = new Metadata();
    bearer.put(AclStreams.AUTHORIZATION, "bearer bearer-secret");
    assertThat(AclStreams.token(bearer)).contains("bearer-secret");

    Metadata basic = new Metadata();
    basic.put(AclStreams.AUTHORIZATION, "Basic dXNlcjpwYXNz");
    assertThat(AclStreams.token(basic)).isEmpty();
    Metadata emptyBearer = new Metadata();
    emptyBearer.put(AclStreams.AUTHORIZATION, "Bearer   ");
    assertThat(AclStreams.token(emptyBearer)).isEmpty();
    assertThat(AclStreams.token(new Metadata())).isEmpty();
  }
}
