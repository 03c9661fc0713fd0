package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** What the tests of proxyless mTLS share: admin API calls, a bootstrap, a trusting client. */
final class ProxylessFixtures {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ProxylessFixtures() {}

  /** A loopback port free now, for a server the test starts on it. */
  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** An admin API call that must answer 200; its body. */
  static String send(int httpPort, String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** {@code cairn connect certs} for {@code service} into {@code dir}, from Cairn's HTTP port. */
  static CairnProcess connectCerts(String service, Path dir, int httpPort) throws Exception {
    return CairnProcess.start(
        List.of(
            "connect",
            "certs",
            "--service",
            service,
            "--dir",
            dir.toString(),
            "--http-addr",
            "127.0.0.1:" + httpPort));
  }

  /**
   * A grpc-java xDS bootstrap for {@code service} on Cairn's xDS port, with the {@code
   * file_watcher} instance {@code cairn} over the files {@code cairn connect certs} writes in
   * {@code certs}.
   */
  @SuppressWarnings("unchecked")
  static Map<String, ?> bootstrap(int xdsPort, String service, Path certs) throws Exception {
    String json =
        """
        {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
          "server_features":["xds_v3"]}],
         "server_listener_resource_name_template":"grpc/server?xds.resource.listening_address=%%s",
         "node":{"id":"%s-node","cluster":"%s","metadata":{"CAIRN_CERTIFICATE_PROVIDER":"cairn"}},
         "certificate_providers":{"cairn":{"plugin_name":"file_watcher","config":{
           "certificate_file":"%s","private_key_file":"%s","ca_certificate_file":"%s",
           "refresh_interval":"1s"}}}}"""
            .formatted(
                xdsPort,
                service,
                service,
                certs.resolve("cert.pem"),
                certs.resolve("key.pem"),
                certs.resolve("ca.pem"));
    return (Map<String, ?>) io.grpc.internal.JsonParser.parse(json);
  }

  /**
   * Trusts any server, with no host name check (the server's own checks are what is tested), and
   * hands over the leaf each server sends.
   */
  static X509ExtendedTrustManager trustingAnyServer(Consumer<X509Certificate> serverLeaf) {
    return new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String type) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String type) {
        serverLeaf.accept(chain[0]);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String type, Socket socket) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String type, Socket socket) {
        serverLeaf.accept(chain[0]);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine engine) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine engine) {
        serverLeaf.accept(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }
}
