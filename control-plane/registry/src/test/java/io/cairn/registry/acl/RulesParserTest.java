package io.cairn.registry.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesParserTest {
  @Test
  void readsConsulHclWithCommentsAndEveryGuardedKind() {
    AclRules rules =
        RulesParser.parse(
            """
            # the web team
            service "web" { policy = "write" }
            service_prefix "" {
              policy = "read"    // everything else
              intentions = "deny"
            }
            /* a block
               comment */
            node_prefix "" { policy = "read" }
            agent "node-1" { policy = "write" }
            key_prefix "app/" { policy = "list" }
            operator = "read"
            acl = "write"
            mesh = "deny"
            """);
    assertThat(rules.services().match("web"))
        .get()
        .extracting(ServiceRule::policy)
        .isEqualTo(Access.WRITE);
    assertThat(rules.services().match("api").get().policy()).isEqualTo(Access.READ);
    assertThat(rules.services().match("api").get().intentionsAccess()).isEqualTo(Access.DENY);
    assertThat(rules.nodes().match("n")).contains(Access.READ);
    assertThat(rules.agents().match("node-1")).contains(Access.WRITE);
    assertThat(rules.agents().match("node-2")).isEmpty();
    assertThat(rules.operator()).contains(Access.READ);
    assertThat(rules.acl()).contains(Access.WRITE);
    assertThat(rules.mesh()).contains(Access.DENY);
  }

  @Test
  void readsTheSameRulesAsJson() {
    AclRules hcl =
        RulesParser.parse("service_prefix \"we\" { policy = \"write\" }\noperator = \"read\"");
    AclRules json =
        RulesParser.parse(
            "{\"service_prefix\": {\"we\": {\"policy\": \"write\"}}, \"operator\": \"read\"}");
    assertThat(json).isEqualTo(hcl);
  }

  @Test
  void listsEveryProblemWithItsLine() {
    assertThatThrownBy(
            () ->
                RulesParser.parse(
                    """
                    service "web" { policy = "admin" }
                    servce_prefix "" { policy = "read" }
                    service "api" { polcy = "read" }
                    operator = "sometimes"
                    service = "write"
                    """))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::message)
                    .containsExactly(
                        "line 1: service \"web\" policy is 'admin'; it must be read, write or deny",
                        "line 2: unknown rule kind 'servce_prefix'",
                        "line 3: service \"api\" has an unknown field 'polcy'",
                        "line 3: service \"api\" needs a policy (read, write or deny)",
                        "line 4: operator is 'sometimes'; it must be read, write or deny",
                        "line 5: service needs a name: service \"name\" { policy = \"read\" }"));
  }

  @Test
  void unclosedBlocksStringsAndBadJsonAreProblemsNotCrashes() {
    for (String bad :
        List.of(
            "service \"web\" { policy = \"read\"",
            "service \"web",
            "/* never closed",
            "{\"service\": ",
            "{\"service\": [1, 2]}",
            "{\"service\": {\"web\": {\"policy\": 3}}}",
            "= = = {{{ }}}",
            "\"just a string\"")) {
      assertThatThrownBy(() -> RulesParser.parse(bad))
          .as(bad)
          .isInstanceOf(ValidationException.class);
    }
  }

  @Test
  void emptyRulesGrantNothing() {
    assertThat(RulesParser.parse("")).isEqualTo(AclRules.NONE);
    assertThat(RulesParser.parse("# only a comment\n")).isEqualTo(AclRules.NONE);
  }

  @Test
  void refusesRulesOverTheLengthLimit() {
    String huge = "operator = \"read\"\n".repeat(RulesParser.MAX_LENGTH / 10);
    assertThatThrownBy(() -> RulesParser.parse(huge)).isInstanceOf(ValidationException.class);
  }
}
