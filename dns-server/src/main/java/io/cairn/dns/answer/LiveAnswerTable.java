package io.cairn.dns.answer;

import io.cairn.dns.DnsSettings;
import io.cairn.registry.ChangeEvent;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.Subscription;
import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.Authorizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The answer table of the registry's latest snapshot. Subscribes to change events and rebuilds the
 * services each one names, then swaps the new table in with one volatile write; readers never wait.
 */
public final class LiveAnswerTable implements Supplier<DnsAnswerTable>, AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(LiveAnswerTable.class);
  private final DnsSettings settings;
  private final Timer updates;
  private volatile DnsAnswerTable table;
  private final Subscription subscription;
  private final AclResolver acl;
  // The ACL state the table's authorizer was resolved from; resolved again when it changes.
  private AclState resolvedFrom;

  private LiveAnswerTable(
      Registry registry, DnsSettings settings, MeterRegistry meters, AclResolver acl) {
    this.settings = settings;
    this.acl = acl;
    this.updates =
        Timer.builder("cairn.dns.table.updates")
            .description("Rebuilds of the DNS answer table after registry changes")
            .register(meters);
    this.subscription = registry.subscribe(this::apply);
    synchronized (this) {
      if (table == null) {
        RegistrySnapshot start = subscription.startSnapshot();
        table = withAcl(DnsAnswerTable.build(start, settings), start);
      }
    }
  }

  /** Builds the table of the registry's current state and keeps it current until closed. */
  public static LiveAnswerTable start(
      Registry registry, DnsSettings settings, MeterRegistry meters, AclResolver acl) {
    return new LiveAnswerTable(registry, settings, meters, acl);
  }

  /** {@code next} answering with the DNS token's rights, resolved again if the ACLs changed. */
  private DnsAnswerTable withAcl(DnsAnswerTable next, RegistrySnapshot snapshot) {
    if (!acl.enabled()) {
      return next;
    }
    AclState state = snapshot.acl();
    Authorizer authorizer;
    if (state == resolvedFrom && table != null) {
      return next.withAcl(table.acl());
    }
    resolvedFrom = state;
    authorizer =
        switch (acl.resolve(settings.aclToken(), state)) {
          case AclResolver.Resolution.Granted g -> g.authorizer();
          case AclResolver.Resolution.UnknownToken u -> {
            log.atWarn()
                .log("the DNS token (acl.dns-token) is not a known token: DNS answers nothing");
            yield Authorizer.DENY_ALL;
          }
        };
    return next.withAcl(authorizer);
  }

  private synchronized void apply(ChangeEvent event) {
    long start = System.nanoTime();
    DnsAnswerTable current = table;
    DnsAnswerTable next =
        current == null
            ? DnsAnswerTable.build(event.snapshot(), settings)
            : current.update(event.snapshot(), event.services(), event.instances());
    table = withAcl(next, event.snapshot());
    updates.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The latest table. */
  @Override
  public DnsAnswerTable get() {
    return table;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
