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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The answer table of the registry's latest snapshot. Subscribes to change events and rebuilds the
 * services each one names, then swaps the new table in with one volatile write. While nobody has
 * asked a question for {@value #IDLE_SECONDS} s, changes are only folded together: the first
 * question after that brings the table up to date (once, for all of them), and changes are applied
 * as they come again. An unused DNS front end costs the registry's writes nothing per change.
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

  static final int IDLE_SECONDS = 10;
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
  // Readers refresh lastAsked at most this often, so that they rarely write a shared field.
  private static final long ASKED_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Beyond this many changed instances, catching up rebuilds the table from scratch. */
  static final int MAX_FOLDED_INSTANCES = 65_536;

  private volatile long lastAsked = System.nanoTime() - IDLE_NANOS - 1;
  // Whether changes are folded and not in the table yet; set before lastAsked is read.
  private volatile boolean behind;
  // Guarded by this: the changes not in the table yet.
  private RegistrySnapshot foldedSnapshot;
  private final Set<String> foldedServices = new HashSet<>();
  private final Set<String> foldedInstances = new HashSet<>();
  private boolean rebuild;

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
    foldedSnapshot = event.snapshot();
    if (!rebuild) {
      foldedServices.addAll(event.services());
      foldedInstances.addAll(event.instances());
      if (foldedInstances.size() > MAX_FOLDED_INSTANCES) {
        rebuild = true;
        foldedServices.clear();
        foldedInstances.clear();
      }
    }
    behind = true;
    if (System.nanoTime() - lastAsked < IDLE_NANOS) {
      catchUp();
    }
  }

  /** Applies the folded changes, if any, and swaps the new table in. */
  private synchronized void catchUp() {
    if (!behind) {
      return;
    }
    long start = System.nanoTime();
    DnsAnswerTable current = table;
    RegistrySnapshot snapshot = foldedSnapshot;
    DnsAnswerTable next =
        current == null || rebuild
            ? DnsAnswerTable.build(snapshot, settings)
            : current.update(snapshot, foldedServices, foldedInstances);
    table = withAcl(next, snapshot);
    foldedSnapshot = null;
    foldedServices.clear();
    foldedInstances.clear();
    rebuild = false;
    behind = false;
    updates.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /** The latest table, brought up to date first if changes were folded while nobody asked. */
  @Override
  public DnsAnswerTable get() {
    long now = System.nanoTime();
    if (now - lastAsked > ASKED_RESOLUTION_NANOS) {
      lastAsked = now;
    }
    if (behind) {
      catchUp();
    }
    return table;
  }

  /** Whether changes are folded and waiting for a question (for tests). */
  boolean behind() {
    return behind;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
