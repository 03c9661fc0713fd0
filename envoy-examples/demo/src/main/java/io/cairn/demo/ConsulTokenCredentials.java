package io.cairn.demo;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.xds.XdsCredentialsProvider;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * How a grpc-java proxyless client presents a Cairn ACL token on its xDS calls. grpc-java's
 * bootstrap has no field for call credentials, but it takes {@code channel_creds} of any type a
 * provider is registered for ({@code META-INF/services/io.grpc.xds.XdsCredentialsProvider}): this
 * one is type {@code cairn_token}, config {@code {"token": "<secret>"}}, and sends plaintext with
 * {@code x-consul-token} on every call. Copy it into a client of your own as it is.
 */
public final class ConsulTokenCredentials extends XdsCredentialsProvider {
  static final String TYPE = "cairn_token";

  @Override
  protected ChannelCredentials newChannelCredentials(Map<String, ?> config) {
    Object token = config == null ? null : config.get("token");
    if (!(token instanceof String secret) || secret.isBlank()) {
      return null; // grpc-java then tries the bootstrap's next channel_creds entry
    }
    return channel(secret);
  }

  /** Plaintext with the token on every call; also for a channel not made from a bootstrap. */
  static ChannelCredentials channel(String secret) {
    return CompositeChannelCredentials.create(
        InsecureChannelCredentials.create(), new TokenHeader(secret));
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

  private static final class TokenHeader extends CallCredentials {
    private static final Metadata.Key<String> KEY =
        Metadata.Key.of("x-consul-token", Metadata.ASCII_STRING_MARSHALLER);
    private final String secret;

    TokenHeader(String secret) {
      this.secret = secret;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(KEY, secret);
      applier.apply(headers);
    }

    @Override
    public String toString() {
      return "x-consul-token (hidden)";
    }
  }
}
