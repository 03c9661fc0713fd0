package io.cairn.registry;

import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.chain.ChainCompiler;
import io.cairn.registry.command.BootstrapAcl;
import io.cairn.registry.command.CatalogDeregister;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DeleteAclPolicy;
import io.cairn.registry.command.DeleteAclToken;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.DestroySession;
import io.cairn.registry.command.KvDelete;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.command.PortRange;
import io.cairn.registry.command.PutAclPolicy;
import io.cairn.registry.command.PutAclToken;
import io.cairn.registry.command.PutCa;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.RenewSession;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.Sidecar;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigGraph;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one command to the working state: checks what only the whole registry can tell
 * (references, ownership, check-and-set), then records the changes. Pure apart from the working
 * state it is handed; throws {@link RegistryException}s for rejected commands.
 */
final class CommandApplier {
  private static final Logger log = LoggerFactory.getLogger(CommandApplier.class);

  /**
   * Applies one command of a batch: its {@link CommandResult}, or the {@link RuntimeException} that
   * rejected it, with the state rolled back to before it so the rest of the batch goes on.
   */
  Object applyOrReject(WorkingState s, Command command) {
    WorkingState.Mark mark = s.mark();
    try {
      return apply(s, command);
    } catch (RegistryException e) {
      s.reset(mark);
      return e;
    } catch (RuntimeException e) {
      log.error("command {} failed unexpectedly", command, e);
      s.reset(mark);
      return new StoreException("internal error applying command: " + e, e);
    }
  }

  static final long FIRST_CHANGE = 2;

  CommandResult apply(WorkingState s, Command command) {
    // An empty registry reports index 1 (Consul never reports 0), so the first change gets 2:
    // a blocking query that saw the empty state must see the first write as a change.
    long at = Math.max(FIRST_CHANGE, s.index() + 1);
    CommandResult result =
        switch (command) {
          case RegisterInstance c -> register(s, c, at);
          case DeregisterInstance c -> deregister(s, c, at);
          case SetMaintenance c -> maintenance(s, c, at);
          case RegisterCheck c -> registerCheck(s, c, at);
          case DeregisterCheck c -> deregisterCheck(s, c, at);
          case UpdateCheck c -> updateCheck(s, c, at);
          case PutConfigEntry c -> putConfig(s, c, at);
          case DeleteConfigEntry c -> deleteConfig(s, c, at);
          case PutAclPolicy c -> AclCommands.putPolicy(s, c, at);
          case DeleteAclPolicy c -> AclCommands.deletePolicy(s, c, at);
          case PutAclToken c -> AclCommands.putToken(s, c.token(), at);
          case DeleteAclToken c -> AclCommands.deleteToken(s, c, at);
          case BootstrapAcl c -> AclCommands.bootstrap(s, c, at);
          case KvSet c -> KvCommands.set(s, c, at);
          case KvDelete c -> KvCommands.delete(s, c, at);
          case KvTxn c -> KvCommands.txn(s, c, at);
          case KvLock c -> KvCommands.lock(s, c, at);
          case CreateSession c -> SessionCommands.create(s, c, at);
          case DestroySession c -> SessionCommands.destroy(s, c, at);
          case RenewSession c -> SessionCommands.renew(s, c, at);
          case CatalogRegister c -> CatalogCommands.register(s, c, at);
          case CatalogDeregister c -> CatalogCommands.deregister(s, c, at);
          case PutCa c -> putCa(s, c, at);
        };
    if (touchesChecks(command)) {
      SessionCommands.invalidateForChecks(s, at);
      if (s.index() == at && result.outcome() == CommandResult.Outcome.UNCHANGED) {
        result = outcome(s, at);
      }
    }
    return result;
  }

  /** Commands that can make a check critical or remove it, which sessions may depend on. */
  private static boolean touchesChecks(Command command) {
    return command instanceof RegisterInstance
        || command instanceof DeregisterInstance
        || command instanceof RegisterCheck
        || command instanceof DeregisterCheck
        || command instanceof UpdateCheck;
  }

  static CommandResult outcome(WorkingState s, long at) {
    return s.index() == at
        ? new CommandResult(CommandResult.Outcome.APPLIED, at)
        : new CommandResult(CommandResult.Outcome.UNCHANGED, s.index());
  }

  private CommandResult register(WorkingState s, RegisterInstance c, long at) {
    put(s, c.instance(), c.checks(), c.replaceExistingChecks(), "", at);
    // Same index, same batch: a rejected sidecar rolls its instance back with it.
    c.sidecar()
        .ifPresent(
            sidecar ->
                put(
                    s,
                    sidecarWithPort(s, sidecar),
                    sidecar.checks(),
                    c.replaceExistingChecks(),
                    "sidecar.",
                    at));
    return outcome(s, at);
  }

  /** Puts one instance with its checks; problems are reported under {@code prefix}. */
  private static void put(
      WorkingState s,
      ServiceInstance instance,
      List<HealthCheck> checks,
      boolean replaceExistingChecks,
      String prefix,
      long at) {
    RegistrySnapshot view = s.view();
    Problems p = new Problems();
    for (int i = 0; i < checks.size(); i++) {
      String checkId = checks.get(i).id();
      int index = i;
      view.check(checkId)
          .filter(existing -> !existing.value().serviceId().equals(instance.id()))
          .ifPresent(
              existing ->
                  p.add(
                      prefix + "checks[" + index + "].id",
                      "'"
                          + checkId
                          + "' already belongs to instance '"
                          + existing.value().serviceId()
                          + "'"));
    }
    p.throwIfAny();

    Optional<Indexed<ServiceInstance>> existing = view.instance(instance.id());
    if (existing.isEmpty() || !existing.get().value().equals(instance)) {
      s.putInstance(
          existing
              .map(e -> e.modified(instance, at))
              .orElseGet(() -> new Indexed<>(instance, at, at)));
    }
    Set<String> kept = new HashSet<>();
    for (HealthCheck check : checks) {
      upsertCheck(s, check, instance.name(), at);
      kept.add(check.id());
    }
    if (replaceExistingChecks) {
      for (Indexed<HealthCheck> old : List.copyOf(s.view().checksOf(instance.id()))) {
        if (!kept.contains(old.value().id())) {
          s.removeCheck(old.value(), instance.name(), at);
        }
      }
    }
  }

  /**
   * The sidecar with its port: as given, or picked here, in the writer, so two registrations cannot
   * both take a free port: the one the sidecar already has, else the lowest free one of the range.
   */
  private static ServiceInstance sidecarWithPort(WorkingState s, Sidecar sidecar) {
    if (sidecar.assignPortFrom().isEmpty()) {
      return sidecar.proxy();
    }
    PortRange range = sidecar.assignPortFrom().get();
    ServiceInstance proxy = sidecar.proxy();
    RegistrySnapshot view = s.view();
    int port =
        view.instance(proxy.id())
            .map(Indexed::value)
            .filter(i -> i.proxy().isPresent())
            .map(ServiceInstance::port)
            .orElseGet(
                () ->
                    view.freeProxyPort(range)
                        .orElseThrow(
                            () ->
                                ValidationException.of(
                                    "sidecar.proxy.port",
                                    "no port left for the sidecar: every port of "
                                        + range
                                        + " is used by another sidecar; give one")));
    return proxy.port() == port ? proxy : proxy.toBuilder().port(port).build();
  }

  /** Adds or replaces a check; a check whose definition is unchanged keeps its status. */
  private static void upsertCheck(WorkingState s, HealthCheck check, String service, long at) {
    Optional<Indexed<HealthCheck>> existing = s.view().check(check.id());
    HealthCheck next =
        existing
            .filter(e -> e.value().sameDefinition(check))
            .map(e -> check.withStatus(e.value().status(), e.value().output()))
            .orElse(check);
    if (existing.isPresent() && existing.get().value().equals(next)) {
      return;
    }
    s.putCheck(
        existing.map(e -> e.modified(next, at)).orElseGet(() -> new Indexed<>(next, at, at)),
        service);
  }

  private CommandResult deregister(WorkingState s, DeregisterInstance c, long at) {
    ServiceInstance instance = requireInstance(s, c.instanceId());
    for (Indexed<HealthCheck> check : List.copyOf(s.view().checksOf(instance.id()))) {
      s.removeCheck(check.value(), instance.name(), at);
    }
    if (s.view().maintenance(instance.id()).isPresent()) {
      s.removeMaintenance(instance.id(), instance.name(), at);
    }
    s.removeInstance(instance, at);
    return outcome(s, at);
  }

  private CommandResult maintenance(WorkingState s, SetMaintenance c, long at) {
    ServiceInstance instance = requireInstance(s, c.instanceId());
    Optional<Indexed<Maintenance>> existing = s.view().maintenance(instance.id());
    if (c.reason().isPresent()) {
      Maintenance mark = new Maintenance(instance.id(), c.reason().get());
      if (existing.isEmpty() || !existing.get().value().equals(mark)) {
        s.putMaintenance(
            existing.map(e -> e.modified(mark, at)).orElseGet(() -> new Indexed<>(mark, at, at)),
            instance.name());
      }
    } else if (existing.isPresent()) {
      s.removeMaintenance(instance.id(), instance.name(), at);
    }
    return outcome(s, at);
  }

  private CommandResult registerCheck(WorkingState s, RegisterCheck c, long at) {
    HealthCheck check = c.check();
    Optional<Indexed<ServiceInstance>> owner = s.view().instance(check.serviceId());
    if (owner.isEmpty()) {
      throw ValidationException.of(
          "serviceId", "no instance with id '" + check.serviceId() + "' is registered");
    }
    s.view()
        .check(check.id())
        .filter(e -> !e.value().serviceId().equals(check.serviceId()))
        .ifPresent(
            e -> {
              throw ValidationException.of(
                  "id",
                  "'"
                      + check.id()
                      + "' already belongs to instance '"
                      + e.value().serviceId()
                      + "'");
            });
    upsertCheck(s, check, owner.get().value().name(), at);
    return outcome(s, at);
  }

  private CommandResult deregisterCheck(WorkingState s, DeregisterCheck c, long at) {
    HealthCheck check = requireCheck(s, c.checkId());
    s.removeCheck(check, serviceOf(s, check), at);
    return outcome(s, at);
  }

  private CommandResult updateCheck(WorkingState s, UpdateCheck c, long at) {
    if (c.status() == HealthStatus.MAINTENANCE) {
      throw ValidationException.of(
          "status", "a check is passing, warning or critical; use maintenance mode instead");
    }
    Indexed<HealthCheck> existing =
        s.view().check(c.checkId()).orElseThrow(() -> unknownCheck(c.checkId()));
    HealthCheck next = existing.value().withStatus(c.status(), c.output());
    if (!next.equals(existing.value())) {
      s.putCheck(existing.modified(next, at), serviceOf(s, next));
    }
    return outcome(s, at);
  }

  private CommandResult putConfig(WorkingState s, PutConfigEntry c, long at) {
    ConfigEntry entry = c.entry();
    Optional<Indexed<ConfigEntry>> existing = s.view().configEntry(entry.key());
    if (!casHolds(c.cas(), existing)) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    if (existing.isPresent() && existing.get().value().equals(entry)) {
      return outcome(s, at);
    }
    List<Problem> before = problems(s);
    s.putConfig(
        existing.map(e -> e.modified(entry, at)).orElseGet(() -> new Indexed<>(entry, at, at)));
    rejectNewProblems(before, problems(s));
    return outcome(s, at);
  }

  private CommandResult deleteConfig(WorkingState s, DeleteConfigEntry c, long at) {
    Optional<Indexed<ConfigEntry>> existing = s.view().configEntry(c.key());
    if (existing.isEmpty()) {
      boolean casRequired = c.cas().isPresent() && c.cas().getAsLong() != 0;
      return new CommandResult(
          casRequired ? CommandResult.Outcome.CAS_FAILED : CommandResult.Outcome.UNCHANGED,
          s.index());
    }
    if (!casHolds(c.cas(), existing)) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    List<Problem> before = problems(s);
    s.removeConfig(c.key(), at);
    rejectNewProblems(before, problems(s));
    return outcome(s, at);
  }

  /** Reference problems between entries, and chains that loop or mix protocols. */
  private static List<Problem> problems(WorkingState s) {
    ConfigGraph graph = s.view().configGraph();
    List<Problem> problems = new ArrayList<>(graph.problems());
    problems.addAll(ChainCompiler.problems(graph.chainServices(), graph::entry));
    return problems;
  }

  /** Consul's check-and-set: 0 means "must not exist", N means "modify index must be N". */
  private CommandResult putCa(WorkingState s, PutCa c, long at) {
    Optional<Indexed<CaSetup>> existing = s.view().ca();
    if (!casHolds(c.cas(), existing)) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    if (existing.isPresent() && existing.get().value().equals(c.setup())) {
      return outcome(s, at);
    }
    s.putCa(
        existing
            .map(e -> e.modified(c.setup(), at))
            .orElseGet(() -> new Indexed<>(c.setup(), at, at)));
    return outcome(s, at);
  }

  private static boolean casHolds(OptionalLong cas, Optional<? extends Indexed<?>> existing) {
    if (cas.isEmpty()) {
      return true;
    }
    long expected = cas.getAsLong();
    return expected == 0
        ? existing.isEmpty()
        : existing.map(e -> e.modifyIndex() == expected).orElse(false);
  }

  /** Rejects the change if it breaks a reference that held before; old problems stay allowed. */
  private static void rejectNewProblems(List<Problem> before, List<Problem> after) {
    List<Problem> added = new ArrayList<>(after);
    added.removeAll(new HashSet<>(before));
    if (!added.isEmpty()) {
      throw new ValidationException(added);
    }
  }

  private static ServiceInstance requireInstance(WorkingState s, String id) {
    return s.view()
        .instance(id)
        .orElseThrow(() -> new NotFoundException("unknown service instance id '" + id + "'"))
        .value();
  }

  private static HealthCheck requireCheck(WorkingState s, String id) {
    return s.view().check(id).orElseThrow(() -> unknownCheck(id)).value();
  }

  private static NotFoundException unknownCheck(String id) {
    return new NotFoundException("unknown check id '" + id + "'");
  }

  private static String serviceOf(WorkingState s, HealthCheck check) {
    return s.view()
        .instance(check.serviceId())
        .map(i -> i.value().name())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "check " + check.id() + " belongs to missing instance " + check.serviceId()));
  }
}
