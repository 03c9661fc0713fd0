package io.cairn.xds.server;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.xds.XdsCredentialsProvider;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * How a grpc-java xDS client presents an ACL token to Cairn. grpc-java's bootstrap has no field for
 * call credentials on its xDS servers, but it takes {@code channel_creds} of any type a provider is
 * registered for (a Java service, {@code META-INF/services/io.grpc.xds.XdsCredentialsProvider}):
 * this one, type {@code cairn_token} with config {@code {"token": "<secret>"}}, is plaintext plus
 * {@code x-consul-token} on every xDS call.
 */
public final class TokenXdsCredentials extends XdsCredentialsProvider {
  static final String TYPE = "cairn_token";

  @Override
  protected ChannelCredentials newChannelCredentials(Map<String, ?> config) {
    Object token = config == null ? null : config.get("token");
    if (!(token instanceof String secret) || secret.isBlank()) {
      return null; // grpc-java then tries the next channel_creds entry
    }
    return CompositeChannelCredentials.create(
        InsecureChannelCredentials.create(), new ConsulToken(secret));
  }

  @Override
  protected String getName() {
    return TYPE;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int priority() {
    return 5;
  }

  private static final class ConsulToken extends CallCredentials {
    private static final Metadata.Key<String> KEY =
        Metadata.Key.of("x-consul-token", Metadata.ASCII_STRING_MARSHALLER);
    private final String secret;

    ConsulToken(String secret) {
      this.secret = secret;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(KEY, secret);
      applier.apply(headers);
    }
  }
}
