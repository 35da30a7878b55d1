package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.Limits;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link ForgeTest}: injects a {@link ScriptRunner} or a {@link Forge} into
 * test methods, constructors and lifecycle methods.
 *
 * <p>The Forge lives in the test class's extension store: made on first use with the limits of the
 * nearest {@link ForgeTest} (defaults if the extension is registered without it), closed when JUnit
 * closes the class's context. {@code @Nested} classes get their own.
 *
 * <p>Thread-safety: stateless; JUnit's store serialises creation. The injected runner is thread-safe.
 *
 * @since 0.1.0
 */
public final class ForgeExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ForgeExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ScriptRunner.class || type == Forge.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ScriptRunner runner = runner(context);
        return parameter.getParameter().getType() == Forge.class ? runner.forge() : runner;
    }

    private static ScriptRunner runner(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        Class<?> testClass = classContext.getRequiredTestClass();
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(testClass, ForgeExtension::start, ForgeResource.class)
                .runner();
    }

    private static ForgeResource start(Class<?> testClass) {
        ForgeTest settings = settings(testClass);
        String timeout = settings == null ? "2s" : settings.timeout();
        String memory = settings == null ? "100m" : settings.memory();
        String tenant = settings == null ? ScriptRunner.DEFAULT_TENANT : settings.tenant();
        Limits limits;
        try {
            limits = new Limits(Limits.parseDuration("@ForgeTest(timeout)", timeout),
                    Limits.parseBytes("@ForgeTest(memory)", memory));
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("Bad @ForgeTest on " + testClass.getName() + ": " + e.getMessage(), e);
        }
        Forge forge = Forge.builder().limits(limits).build();
        return new ForgeResource(ScriptRunner.of(forge, tenant, testClass.getClassLoader()));
    }

    private static ForgeTest settings(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            ForgeTest found = c.getAnnotation(ForgeTest.class);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Closes the class's Forge when JUnit closes the store. */
    @SuppressWarnings("deprecation")
    private record ForgeResource(ScriptRunner runner) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            runner.forge().close();
        }
    }
}
