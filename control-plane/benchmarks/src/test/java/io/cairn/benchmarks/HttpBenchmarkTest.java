package io.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HttpBenchmarkTest {
  /** wrk 4.1.0's output for a read run, as it prints it. */
  private static final String READS =
      """
      Running 5s test @ http://127.0.0.1:41234/v1/health/service/svc-17?passing
        2 threads and 64 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency     1.61ms    1.02ms  27.70ms   82.87%
          Req/Sec    20.10k     1.71k   24.09k    70.00%
        Latency Distribution
           50%    1.48ms
           75%    2.01ms
           90%    2.77ms
           99%    7.21ms
        200000 requests in 5.00s, 858.31MB read
      Requests/sec:  40000.00
      Transfer/sec:    171.66MB
      """;

  @Test
  void parsesRateLatencyAndBytesRead() {
    HttpBenchmark.WrkResult r = HttpBenchmark.parseWrk(READS);

    assertThat(r.requestsPerSecond()).isEqualTo(40000.0);
    assertThat(r.requests()).isEqualTo(200_000);
    assertThat(r.p("50%")).isEqualTo(1.48);
    assertThat(r.p("99%")).isEqualTo(7.21);
    assertThat(r.bytesRead()).isCloseTo(858.31 * 1024 * 1024, within(1.0));
    assertThat(r.non2xx()).isZero();
  }

  @Test
  void fullBodiesPass() {
    // 858.31 MB over 200,000 responses: 4,500 bytes each, headers included.
    HttpBenchmark.parseWrk(READS).requireBodies(4294, "reads");
  }

  @Test
  void emptyAnswersFailLoudly() {
    // What a token that may read nothing gets: [] and headers, about 200 bytes a response.
    String empty = READS.replace("858.31MB read", "38.15MB read");

    assertThatThrownBy(() -> HttpBenchmark.parseWrk(empty).requireBodies(4294, "acl on"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acl on")
        .hasMessageContaining("200 bytes per response");
  }

  @Test
  void errorsFailLoudly() {
    String refused =
        READS.replace("Requests/sec:", "  Non-2xx or 3xx responses: 200000\nRequests/sec:");

    assertThatThrownBy(() -> HttpBenchmark.parseWrk(refused).requireBodies(10, "acl on"))
        .hasMessageContaining("200000 of 200000 responses not 2xx");
  }

  @Test
  void scriptsRegisterChecksThatOutlastTheRunAndReadEveryName() {
    assertThat(HttpBenchmark.registrationScript())
        .contains("\"TTL\":\"" + HttpBenchmark.TTL + "\"")
        .contains("(seq % 1000)");
    assertThat(HttpBenchmark.rotationScript(1000)).contains("local n = 1000").contains("% n");
  }

  @Test
  void smallTransfersAreInBytes() {
    String tiny = READS.replace("858.31MB read", "512.00B read");

    assertThat(HttpBenchmark.parseWrk(tiny).bytesRead()).isEqualTo(512.0);
  }

  @Test
  void etcdPutsCarryARegistrationAsTheirValue() {
    String value =
        new String(
            java.util.Base64.getDecoder().decode(HttpBenchmark.etcdValue()),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(value).startsWith("{\"ID\":\"reg-run-0-1\"").contains("\"TTL\":\"1h\"");
    assertThat(HttpBenchmark.etcdPutScript(HttpBenchmark.etcdValue()))
        .contains("\"value\":\"" + HttpBenchmark.etcdValue() + "\"")
        .contains("wrk.format(\"POST\"")
        .doesNotContain("%s");
  }

  @Test
  void eurekaInstancesAreUpWithALeaseLongerThanARun() {
    assertThat(HttpBenchmark.eurekaInstance("svc-17-0", "SVC-17"))
        .contains("\"instanceId\":\"svc-17-0\"", "\"app\":\"SVC-17\"", "\"status\":\"UP\"")
        .contains("\"durationInSecs\":3600");
    assertThat(HttpBenchmark.eurekaRegistrationScript())
        .contains("\"durationInSecs\":3600", "wrk.format(\"POST\", \"/eureka/apps/\" .. app");
  }

  @Test
  void eurekaIsOnUnlessTurnedOff() {
    assertThat(HttpBenchmark.Options.parse(java.util.List.of()).eureka()).isTrue();
    assertThat(HttpBenchmark.Options.parse(java.util.List.of("--eureka", "off")).eureka())
        .isFalse();
    assertThatThrownBy(() -> HttpBenchmark.Options.parse(java.util.List.of("--eureka", "no")))
        .hasMessageContaining("on or off");
  }
}
