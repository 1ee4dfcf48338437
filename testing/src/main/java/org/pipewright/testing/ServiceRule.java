package org.pipewright.testing;

import java.nio.file.Path;
import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;

/**
 * A local service for one test class: started in its own temporary folder before the first test,
 * closed and its folder removed after the last.
 *
 * <pre>{@code
 * @ClassRule public static final ServiceRule<LocalKafka> KAFKA = ServiceRule.of("kafka", LocalKafka::start);
 * ... KAFKA.get().bootstrapServers() ...
 * }</pre>
 */
public final class ServiceRule<T extends AutoCloseable> extends ExternalResource {
  /** Starts the service with {@code dir} as its working folder. */
  @FunctionalInterface
  public interface Starter<T> {
    T start(Path dir) throws Exception;
  }

  private final String name;
  private final Starter<T> starter;
  private final TemporaryFolder folder = new TemporaryFolder();
  private T service;

  private ServiceRule(String name, Starter<T> starter) {
    this.name = name;
    this.starter = starter;
  }

  public static <T extends AutoCloseable> ServiceRule<T> of(String name, Starter<T> starter) {
    return new ServiceRule<>(name, starter);
  }

  /** The running service; only between the rule's start and end. */
  public T get() {
    if (service == null) {
      throw new IllegalStateException(name + " is not running; declare its ServiceRule as a @ClassRule");
    }
    return service;
  }

  @Override
  protected void before() throws Throwable {
    folder.create();
    service = starter.start(folder.newFolder(name).toPath());
  }

  @Override
  protected void after() {
    try {
      if (service != null) {
        service.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not stop " + name, e);
    } finally {
      service = null;
      folder.delete();
    }
  }
}
