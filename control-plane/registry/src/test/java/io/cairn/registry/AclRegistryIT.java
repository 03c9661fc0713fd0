package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.acl.BuiltinPolicies;
import io.cairn.registry.acl.DefaultPolicy;
import io.cairn.registry.command.BootstrapAcl;
import io.cairn.registry.command.DeleteAclPolicy;
import io.cairn.registry.command.DeleteAclToken;
import io.cairn.registry.command.PutAclPolicy;
import io.cairn.registry.command.PutAclToken;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACL policies and tokens go through the single writer into the real store and come back. */
class AclRegistryIT {
  private static final String POLICY = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final String ACCESSOR = "bbbbbbbb-0000-4000-8000-000000000001";
  private static final String SECRET = "cccccccc-0000-4000-8000-000000000001";

  @TempDir Path dataDir;

  private Registry open() {
    return Registry.open(SqliteStore.open(dataDir), new SimpleMeterRegistry());
  }

  private static AclPolicy webWrite(String rules) {
    return new AclPolicy(POLICY, "web-write", "the web team", rules, List.of());
  }

  private static AclToken token(String accessor, String secret, List<String> policies) {
    return new AclToken(accessor, secret, "ci", policies, List.of(), false, "2026-11-24T10:00:00Z");
  }

  @Test
  void policiesAndTokensSurviveARestartAndResolve() {
    try (Registry r = open()) {
      r.apply(new PutAclPolicy(webWrite("service \"web\" { policy = \"write\" }")));
      r.apply(new PutAclToken(token(ACCESSOR, SECRET, List.of(POLICY))));
    }
    try (Registry r = open()) {
      assertThat(r.snapshot().acl().storedPolicy(POLICY).orElseThrow().value().name())
          .isEqualTo("web-write");
      AclResolver resolver =
          new AclResolver(new AclSettings(true, DefaultPolicy.DENY, Optional.empty()), r::snapshot);
      AclResolver.Resolution granted = resolver.resolve(Optional.of(SECRET));
      assertThat(granted).isInstanceOf(AclResolver.Resolution.Granted.class);
      var authorizer = ((AclResolver.Resolution.Granted) granted).authorizer();
      assertThat(authorizer.service("web")).isEqualTo(Access.WRITE);
      assertThat(authorizer.service("api")).isEqualTo(Access.DENY);
      assertThat(resolver.resolve(Optional.of("cccccccc-0000-4000-8000-000000000002")))
          .isInstanceOf(AclResolver.Resolution.UnknownToken.class);

      // Changing the policy changes what the same token may do, at once.
      r.apply(new PutAclPolicy(webWrite("service_prefix \"\" { policy = \"read\" }")));
      var after = ((AclResolver.Resolution.Granted) resolver.resolve(Optional.of(SECRET)));
      assertThat(after.authorizer().service("web")).isEqualTo(Access.READ);

      r.apply(new DeleteAclToken(ACCESSOR));
      assertThat(resolver.resolve(Optional.of(SECRET)))
          .isInstanceOf(AclResolver.Resolution.UnknownToken.class);
    }
  }

  @Test
  void refusesWhatOnlyTheWholeStateCanTell() {
    try (Registry r = open()) {
      r.apply(new PutAclPolicy(webWrite("")));
      AclPolicy sameName =
          new AclPolicy("aaaaaaaa-0000-4000-8000-000000000002", "web-write", "", "", List.of());
      assertThatThrownBy(() -> r.apply(new PutAclPolicy(sameName)))
          .isInstanceOfSatisfying(
              ValidationException.class,
              e ->
                  assertThat(e.problems())
                      .containsExactly(new Problem("Name", "a policy named 'web-write' exists")));
      AclToken dangling =
          token(ACCESSOR, SECRET, List.of(POLICY, "aaaaaaaa-0000-4000-8000-00000000dead"));
      assertThatThrownBy(() -> r.apply(new PutAclToken(dangling)))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("no policy with ID 'aaaaaaaa-0000-4000-8000-00000000dead'");
      r.apply(new PutAclToken(token(ACCESSOR, SECRET, List.of(POLICY))));
      AclToken sameSecret = token("bbbbbbbb-0000-4000-8000-000000000002", SECRET, List.of());
      assertThatThrownBy(() -> r.apply(new PutAclToken(sameSecret)))
          .hasMessageContaining("already the secret of another token");
      assertThatThrownBy(() -> r.apply(new DeleteAclPolicy(BuiltinPolicies.GLOBAL_MANAGEMENT.id())))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> r.apply(new DeleteAclToken(AclToken.ANONYMOUS_ACCESSOR)))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> r.apply(new DeleteAclPolicy("aaaaaaaa-0000-4000-8000-00000000dead")))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void bootstrapsOnce() {
    try (Registry r = open()) {
      AclToken first = token(ACCESSOR, SECRET, List.of(BuiltinPolicies.GLOBAL_MANAGEMENT.id()));
      r.apply(new BootstrapAcl(first));
      AclToken second =
          token(
              "bbbbbbbb-0000-4000-8000-000000000002",
              "cccccccc-0000-4000-8000-000000000002",
              List.of(BuiltinPolicies.GLOBAL_MANAGEMENT.id()));
      assertThatThrownBy(() -> r.apply(new BootstrapAcl(second)))
          .isInstanceOf(AclBootstrapDoneException.class);
    }
    try (Registry r = open()) {
      assertThat(r.snapshot().acl().hasManagementToken()).isTrue();
    }
  }

  @Test
  void aclChangesReachEveryReplica() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    try (Registry a = Registry.replicated(server.connect(127), new SimpleMeterRegistry());
        Registry b = Registry.replicated(server.connect(127), new SimpleMeterRegistry())) {
      a.apply(new PutAclPolicy(webWrite("service \"web\" { policy = \"write\" }")));
      a.apply(new PutAclToken(token(ACCESSOR, SECRET, List.of(POLICY))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> b.snapshot().acl().tokenBySecret(SECRET).isPresent());
      assertThat(b.snapshot().acl().token(ACCESSOR).orElseThrow().createIndex())
          .isEqualTo(a.snapshot().acl().token(ACCESSOR).orElseThrow().createIndex());
      b.apply(new DeleteAclToken(ACCESSOR));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> a.snapshot().acl().tokenBySecret(SECRET).isEmpty());
    }
  }
}
