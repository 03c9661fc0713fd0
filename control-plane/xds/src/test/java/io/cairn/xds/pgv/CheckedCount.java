package io.cairn.xds.pgv;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints, once at the end of the test run, how many emitted resources were checked against Envoy's
 * rules. Registered for every test class by JUnit's extension autodetection ({@code
 * junit-platform.properties}).
 */
public final class CheckedCount implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            CheckedCount.class,
            k -> new Report(ValidResources.checked(), ValidResources.rejected()),
            Report.class);
  }

  /** Closed by JUnit when the root context ends, after the last test. */
  private record Report(long checked, long rejected) implements AutoCloseable {
    @Override
    public void close() {
      System.out.printf(
          "Envoy PGV rules: %d emitted resources checked, %d rejected%n",
          ValidResources.checked() - checked, ValidResources.rejected() - rejected);
    }
  }
}
