package io.tidemark.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(FreshDatabaseExtension.class)}: one new database per test class, created before the
 * first test and dropped after the last; test methods, constructors and {@code @BeforeAll} methods get it by
 * declaring a {@link TestDatabase} parameter.
 */
public final class FreshDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FreshDatabaseExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    database(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase db = context.getStore(NS).remove("db", TestDatabase.class);
    if (db != null) {
      db.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return database(e);
  }

  private static TestDatabase database(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    String prefix = classContext.getRequiredTestClass().getSimpleName();
    return classContext.getStore(NS).getOrComputeIfAbsent("db", k -> TestDatabase.create(prefix), TestDatabase.class);
  }
}
