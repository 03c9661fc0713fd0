package io.cairn.xds.pgv;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints, once at the end of the test run, how many emitted resources were checked against Envoy's
 * rules, those in xDS responses to the tests' clients among them ({@link CheckedResponses}); and
 * fails a test class during which a response carried a resource Envoy would reject. Registered for
 * every test class by JUnit's extension autodetection ({@code junit-platform.properties}).
 */
public final class CheckedCount implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            CheckedCount.class,
            k ->
                new Report(
                    ValidResources.checked() + CheckedResponses.INSTANCE.checked(),
                    ValidResources.rejected() + CheckedResponses.INSTANCE.rejected(),
                    CheckedResponses.INSTANCE.checked(),
                    grpcChecked()),
            Report.class);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    CheckedResponses.INSTANCE.failIfRejected();
  }

  private static long grpcChecked() {
    return ValidResources.checkedForGrpc() + CheckedResponses.INSTANCE.checkedForGrpc();
  }

  /** Closed by JUnit when the root context ends, after the last test. */
  private record Report(long checked, long rejected, long inResponses, long forGrpc)
      implements AutoCloseable {
    @Override
    public void close() {
      System.out.printf(
          "Envoy PGV rules: %,d emitted resources checked (%,d of them in xDS responses to test"
              + " clients; %,d also by gRPC clients' rules), %,d rejected%n",
          ValidResources.checked() + CheckedResponses.INSTANCE.checked() - checked,
          CheckedResponses.INSTANCE.checked() - inResponses,
          grpcChecked() - forGrpc,
          ValidResources.rejected() + CheckedResponses.INSTANCE.rejected() - rejected);
    }
  }
}
