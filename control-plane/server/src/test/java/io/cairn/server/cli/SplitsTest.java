package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void targetsAreSubsetsOtherServicesOrTheirSubsets() {
    assertThat(Splits.parse("web", List.of("v1=50", "web/v2=25.5%", "api/=14.5", "api/canary=10")))
        .containsExactly(
            new Splits.Share("", "v1", new BigDecimal("50")),
            new Splits.Share("", "v2", new BigDecimal("25.5")),
            new Splits.Share("api", "", new BigDecimal("14.5")),
            new Splits.Share("api", "canary", new BigDecimal("10")));
  }

  @Test
  void everyProblemIsListedAsAUsageError() {
    assertThatThrownBy(
            () -> Splits.parse("web", List.of("v1=0.001", "v2=-1", "v1=50", "web/v1=50")))
        .isInstanceOfSatisfying(
            CliException.class,
            e -> {
              assertThat(e.status()).isEqualTo(CliException.USAGE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      """
                      invalid split for 'web':
                        - 'v1=0.001': the weight may have at most two decimals
                        - 'v2=-1': the weight must be between 0 and 100
                        - 'web/v1=50': web/v1 appears more than once""");
            });
    assertThatThrownBy(() -> Splits.parse("web", List.of("v1=33.33", "v2=33.33", "v3=33.33")))
        .hasMessageEndingWith("- the weights add up to 99.99, not 100");
  }

  @Test
  void theEntryIsConsulJsonAndPrintsBackInTheSameSyntax() {
    var entry =
        Splits.entry(
            "web",
            Splits.parse("web", List.of("v1=87.5", "api/=12.5", "web/=0")),
            MissingNode.getInstance());
    assertThat(entry.toString())
        .isEqualTo(
            "{\"Kind\":\"service-splitter\",\"Name\":\"web\",\"Splits\":["
                + "{\"Weight\":87.5,\"ServiceSubset\":\"v1\"},"
                + "{\"Weight\":12.5,\"Service\":\"api\"},"
                + "{\"Weight\":0,\"Service\":\"web\"}]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Splits.print("web", entry, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            """
            TARGET  WEIGHT
            v1      87.5%   ###################################
            api/    12.5%   #####
            web/    0%
            """);
  }

  @Test
  void aTargetOfAnotherProtocolGetsAServiceDefaultsHint() {
    String hint =
        Splits.hint(
            "web",
            Splits.parse("web", List.of("v1=90", "api/=10")),
            List.of(
                "chain.web: discovery chain \"web\" uses inconsistent protocols; service \"api\""
                    + " has \"tcp\" which is not \"http\" (set the protocol with a"
                    + " service-defaults entry)",
                "chain.web: discovery chain \"front\" uses inconsistent protocols; service"
                    + " \"api\" has \"tcp\" which is not \"http\""));

    assertThat(hint)
        .isEqualTo(
            """
            hint: the services of a discovery chain must speak one protocol; set api's with
                echo '{"Kind":"service-defaults","Name":"api","Protocol":"http"}' \
            | cairn config write -""");
  }
}
