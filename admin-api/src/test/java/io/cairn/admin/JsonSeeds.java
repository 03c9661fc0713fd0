package io.cairn.admin;

import java.util.List;

/** Valid request bodies, as Consul clients send them, to mutate in the fuzz tests. */
public final class JsonSeeds {
  private JsonSeeds() {}

  public static final List<String> REGISTRATIONS =
      List.of(
          """
          {"ID": "web-1", "Name": "web", "Tags": ["v1", "primary"], "Address": "10.0.0.7",
           "Port": 8080, "Meta": {"version": "1.2"}, "Weights": {"Passing": 10, "Warning": 2},
           "EnableTagOverride": false, "Locality": {"Region": "eu-west", "Zone": "a"}}
          """,
          """
          {"name": "db", "port": 5432, "TAGS": ["primary"], "weights": {"passing": 3}}
          """,
          """
          {"ID": "api-1", "Name": "api", "Port": 9000,
           "Check": {"TTL": "30s", "Notes": "heartbeat"}}
          """,
          """
          {"ID": "api-2", "Name": "api", "Port": 9001, "Address": "127.0.0.1",
           "Checks": [{"HTTP": "http://127.0.0.1:9001/health", "Interval": "10s",
                       "Timeout": "1s", "Header": {"X-A": ["b"]}, "Method": "GET"},
                      {"TCP": "127.0.0.1:9001", "Interval": "5s",
                       "DeregisterCriticalServiceAfter": "1m"},
                      {"GRPC": "127.0.0.1:9001", "GRPCUseTLS": false, "Interval": "5s"}]}
          """,
          """
          {"ID": "web-2", "Name": "web", "Port": 8081,
           "Connect": {"SidecarService": {"Proxy": {"Upstreams": [
             {"DestinationName": "api", "LocalBindPort": 9191}]}}}}
          """,
          """
          {"ID": "web-3-proxy", "Name": "web-proxy", "Kind": "connect-proxy", "Port": 21000,
           "Proxy": {"DestinationServiceName": "web", "DestinationServiceID": "web-3",
                     "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080}}
          """,
          """
          {"ID": "gw", "Name": "gw", "Port": 443, "TaggedAddresses":
            {"lan": {"Address": "10.0.0.9", "Port": 443}}, "Namespace": "default"}
          """);

  public static final List<String> CHECKS =
      List.of(
          """
          {"ServiceID": "web-1", "Name": "ttl", "TTL": "15s", "Status": "passing"}
          """,
          """
          {"ServiceID": "web-1", "CheckID": "web-http", "HTTP": "http://127.0.0.1:1/",
           "Interval": "10s", "TLSSkipVerify": true, "Body": "x", "Method": "POST"}
          """,
          """
          {"ServiceID": "web-1", "ID": "tcp", "TCP": "localhost:80", "Interval": "1s",
           "Timeout": "500ms", "Notes": "n"}
          """);

  public static final List<String> CONFIG_ENTRIES =
      List.of(
          """
          {"Kind":"service-defaults","Name":"api","Protocol":"http","Meta":{"a":"b"}}
          """,
          """
          {"Kind":"service-defaults","Name":"api-backup","Protocol":"http"}
          """,
          """
          {"Kind":"service-resolver","Name":"api","ConnectTimeout":"5s","DefaultSubset":"v1",
           "Subsets":{"v1":{"Filter":"Service.Meta.version == 1","OnlyPassing":false},
                      "v2":{"Filter":"Service.Meta.version == 2","OnlyPassing":true}},
           "Failover":{"*":{"Targets":[{"Service":"api-backup"}]}},
           "LoadBalancer":{"Policy":"least_request"}}
          """,
          """
          {"Kind":"service-splitter","Name":"api","Splits":[{"Weight":90.0,"ServiceSubset":"v1"},
           {"Weight":10.0,"ServiceSubset":"v2","RequestHeaders":{"Set":{"x":"1"}}}]}
          """,
          """
          {"Kind":"service-router","Name":"api","Routes":[
            {"Match":{"HTTP":{"PathPrefix":"/beta","Header":[{"Name":"x-canary","Exact":"1"}],
                      "QueryParam":[{"Name":"q","Regex":"a.*"}],"Methods":["GET"]}},
             "Destination":{"ServiceSubset":"v2","PrefixRewrite":"/","RequestTimeout":"2s",
                            "NumRetries":3,"RetryOnConnectFailure":true,
                            "RetryOnStatusCodes":[503],"RetryOn":["reset"]}}]}
          """,
          """
          {"Kind":"service-intentions","Name":"api","Sources":[
            {"Name":"web","Action":"allow","Precedence":9,"Type":"consul"},
            {"Name":"admin","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/admin",
             "Methods":["GET"]}}],"Precedence":9,"Type":"consul"},
            {"Name":"*","Action":"deny","Precedence":8,"Type":"consul"}]}
          """);

  public static final List<String> INTENTIONS =
      List.of(
          """
          {"SourceType":"consul","Action":"deny","Description":"no"}
          """,
          """
          {"SourceName":"web","DestinationName":"api","Permissions":[{"Action":"allow",
           "HTTP":{"PathExact":"/x","Header":[{"Name":"a","Present":true}]}}]}
          """);

  /** JSON's punctuation and the field names the decoders know, for token mutations. */
  public static final List<String> TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ",",
          ":",
          "\"",
          "\"Port\":",
          "\"Checks\":[",
          "\"Meta\":{",
          "\"Connect\":",
          "\"SidecarService\":{",
          "\"Proxy\":{",
          "\"Upstreams\":[",
          "\"Kind\":",
          "\"Routes\":[",
          "\"Splits\":[",
          "\"Sources\":[",
          "\"Permissions\":[",
          "\"HTTP\":",
          "\"Interval\":\"",
          "\"TTL\":\"",
          "\"Weight\":",
          "1e400",
          "-1",
          "65536",
          "0.5",
          "\"\"",
          "\"-1s\"",
          "\"9999999999h\"",
          "\"1ns\"");
}
