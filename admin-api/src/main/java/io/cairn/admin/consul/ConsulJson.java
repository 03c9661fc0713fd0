package io.cairn.admin.consul;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Consul's response shapes, field for field (names as Consul's JSON spells them). */
public final class ConsulJson {
  private ConsulJson() {}

  /** {@code Weights}. */
  public record WeightsJson(
      @JsonProperty("Passing") int passing, @JsonProperty("Warning") int warning) {}

  /** {@code Locality} (Consul 1.17+). */
  public record LocalityJson(
      @JsonProperty("Region") String region, @JsonProperty("Zone") String zone) {}

  /** One upstream of a sidecar. */
  public record UpstreamJson(
      @JsonProperty("DestinationType") String destinationType,
      @JsonProperty("DestinationName") String destinationName,
      @JsonProperty("LocalBindAddress") String localBindAddress,
      @JsonProperty("LocalBindPort") int localBindPort) {}

  /** {@code Proxy} of a connect-proxy service. */
  public record ProxyJson(
      @JsonProperty("DestinationServiceName") String destinationServiceName,
      @JsonProperty("DestinationServiceID") String destinationServiceId,
      @JsonProperty("LocalServiceAddress") String localServiceAddress,
      @JsonProperty("LocalServicePort") int localServicePort,
      @JsonProperty("Mode") String mode,
      @JsonProperty("Upstreams") List<UpstreamJson> upstreams) {}

  /**
   * {@code Connect} of a service ({@code ServiceConnect} in catalog rows): shown only for a
   * Connect-native service, as {@code {"Native": true}}.
   */
  public record ConnectJson(@JsonProperty("Native") boolean nativeTls) {
    /** What every Connect-native service shows. */
    public static final ConnectJson NATIVE = new ConnectJson(true);
  }

  /** {@code api.AgentService}: a service as the agent endpoints and health entries show it. */
  @JsonPropertyOrder({"Kind", "ID", "Service", "Tags", "Meta", "Port", "Address", "Weights"})
  public record AgentServiceJson(
      @JsonProperty("Kind") Optional<String> kind,
      @JsonProperty("ID") String id,
      @JsonProperty("Service") String service,
      @JsonProperty("Tags") List<String> tags,
      @JsonProperty("Meta") Map<String, String> meta,
      @JsonProperty("Port") int port,
      @JsonProperty("Address") String address,
      @JsonProperty("TaggedAddresses") Map<String, Object> taggedAddresses,
      @JsonProperty("Weights") WeightsJson weights,
      @JsonProperty("EnableTagOverride") boolean enableTagOverride,
      @JsonProperty("Proxy") Optional<ProxyJson> proxy,
      @JsonProperty("Connect") Optional<ConnectJson> connect,
      @JsonProperty("Locality") Optional<LocalityJson> locality,
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}

  /** {@code Definition} of a check, with Cairn's thresholds added (0 when not set). */
  public record CheckDefinitionJson(
      @JsonProperty("Interval") String interval,
      @JsonProperty("Timeout") String timeout,
      @JsonProperty("DeregisterCriticalServiceAfter") String deregisterCriticalServiceAfter,
      @JsonProperty("HTTP") String http,
      @JsonProperty("Header") Map<String, List<String>> header,
      @JsonProperty("Method") String method,
      @JsonProperty("Body") String body,
      @JsonProperty("TLSSkipVerify") boolean tlsSkipVerify,
      @JsonProperty("TCP") String tcp,
      @JsonProperty("GRPC") String grpc,
      @JsonProperty("GRPCUseTLS") boolean grpcUseTls,
      @JsonProperty("TTL") String ttl,
      @JsonProperty("SuccessBeforePassing") int successBeforePassing,
      @JsonProperty("FailuresBeforeWarning") int failuresBeforeWarning,
      @JsonProperty("FailuresBeforeCritical") int failuresBeforeCritical) {

    /** A definition with nothing set: Consul shows what a check type lacks as empty, false, 0. */
    public static Builder builder() {
      return new Builder();
    }

    /** Sets what one check type has, by name; the rest stays empty. */
    public static final class Builder {
      private String interval = "";
      private String timeout = "";
      private String deregisterCriticalServiceAfter = "";
      private String http = "";
      private Map<String, List<String>> header = Map.of();
      private String method = "";
      private String body = "";
      private boolean tlsSkipVerify;
      private String tcp = "";
      private String grpc = "";
      private boolean grpcUseTls;
      private String ttl = "";
      private int successBeforePassing;
      private int failuresBeforeWarning;
      private int failuresBeforeCritical;

      private Builder() {}

      public Builder interval(String interval) {
        this.interval = interval;
        return this;
      }

      public Builder timeout(String timeout) {
        this.timeout = timeout;
        return this;
      }

      public Builder deregisterCriticalServiceAfter(String after) {
        this.deregisterCriticalServiceAfter = after;
        return this;
      }

      public Builder http(String url) {
        this.http = url;
        return this;
      }

      public Builder header(Map<String, List<String>> header) {
        this.header = header;
        return this;
      }

      public Builder method(String method) {
        this.method = method;
        return this;
      }

      public Builder body(String body) {
        this.body = body;
        return this;
      }

      public Builder tlsSkipVerify(boolean skip) {
        this.tlsSkipVerify = skip;
        return this;
      }

      public Builder tcp(String hostPort) {
        this.tcp = hostPort;
        return this;
      }

      public Builder grpc(String target) {
        this.grpc = target;
        return this;
      }

      public Builder grpcUseTls(boolean useTls) {
        this.grpcUseTls = useTls;
        return this;
      }

      public Builder ttl(String ttl) {
        this.ttl = ttl;
        return this;
      }

      /**
       * The check's thresholds. Consul's agents keep them to themselves; Cairn shows them so that a
       * check read back can be registered again as it was (copying a registry).
       */
      public Builder thresholds(int success, int warning, int critical) {
        this.successBeforePassing = success;
        this.failuresBeforeWarning = warning;
        this.failuresBeforeCritical = critical;
        return this;
      }

      public CheckDefinitionJson build() {
        return new CheckDefinitionJson(
            interval,
            timeout,
            deregisterCriticalServiceAfter,
            http,
            header,
            method,
            body,
            tlsSkipVerify,
            tcp,
            grpc,
            grpcUseTls,
            ttl,
            successBeforePassing,
            failuresBeforeWarning,
            failuresBeforeCritical);
      }
    }
  }

  /** {@code api.HealthCheck} / {@code api.AgentCheck}. */
  @JsonPropertyOrder({
    "Node",
    "CheckID",
    "Name",
    "Status",
    "Notes",
    "Output",
    "ServiceID",
    "ServiceName"
  })
  public record CheckJson(
      @JsonProperty("Node") String node,
      @JsonProperty("CheckID") String checkId,
      @JsonProperty("Name") String name,
      @JsonProperty("Status") String status,
      @JsonProperty("Notes") String notes,
      @JsonProperty("Output") String output,
      @JsonProperty("ServiceID") String serviceId,
      @JsonProperty("ServiceName") String serviceName,
      @JsonProperty("ServiceTags") List<String> serviceTags,
      @JsonProperty("Type") String type,
      @JsonProperty("Interval") String interval,
      @JsonProperty("Timeout") String timeout,
      @JsonProperty("ExposedPort") int exposedPort,
      @JsonProperty("Definition") CheckDefinitionJson definition,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}

  /** {@code api.Node} inside a health entry. */
  public record NodeJson(
      @JsonProperty("ID") String id,
      @JsonProperty("Node") String node,
      @JsonProperty("Address") String address,
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("TaggedAddresses") Map<String, String> taggedAddresses,
      @JsonProperty("Meta") Map<String, String> meta,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}

  /** {@code api.ServiceEntry}: one row of {@code /v1/health/service/:name}. */
  public record HealthEntryJson(
      @JsonProperty("Node") NodeJson node,
      @JsonProperty("Service") AgentServiceJson service,
      @JsonProperty("Checks") List<CheckJson> checks) {}

  /** {@code api.CatalogService}: one row of {@code /v1/catalog/service/:name}. */
  @JsonPropertyOrder({"ID", "Node", "Address", "Datacenter"})
  public record CatalogServiceJson(
      @JsonProperty("ID") String id,
      @JsonProperty("Node") String node,
      @JsonProperty("Address") String address,
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("TaggedAddresses") Map<String, String> taggedAddresses,
      @JsonProperty("NodeMeta") Map<String, String> nodeMeta,
      @JsonProperty("ServiceKind") String serviceKind,
      @JsonProperty("ServiceID") String serviceId,
      @JsonProperty("ServiceName") String serviceName,
      @JsonProperty("ServiceTags") List<String> serviceTags,
      @JsonProperty("ServiceAddress") String serviceAddress,
      @JsonProperty("ServiceWeights") WeightsJson serviceWeights,
      @JsonProperty("ServiceMeta") Map<String, String> serviceMeta,
      @JsonProperty("ServicePort") int servicePort,
      @JsonProperty("ServiceEnableTagOverride") boolean serviceEnableTagOverride,
      @JsonProperty("ServiceProxy") Optional<ProxyJson> serviceProxy,
      @JsonProperty("ServiceConnect") Optional<ConnectJson> serviceConnect,
      @JsonProperty("ServiceLocality") Optional<LocalityJson> serviceLocality,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}
}
