package io.tidemark.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/** The Testcontainers path, for developers who have Docker and no local PostgreSQL. */
final class ContainerServer {
  private ContainerServer() {}

  /** A started postgres:15 container as a server, or null when no Docker engine answers. */
  static PgServer tryStart() {
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return null;
      }
      PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:15-alpine");
      pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
      return PgServer.of(pg.getHost(), pg.getMappedPort(5432), pg.getUsername(), pg.getPassword(), pg.getDatabaseName());
    } catch (Throwable t) {
      return null;
    }
  }
}
