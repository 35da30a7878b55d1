package dev.forge.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose tests get a {@link ScriptRunner} (or the {@link dev.forge.Forge} itself) as a
 * parameter. One Forge is started per test class, on first use, with these limits as its defaults, and
 * closed after the class's last test.
 *
 * <p>Keep {@link #memory()} the same in every test class of a JVM: V8's heap ceiling is set once per
 * process, from the first Forge's default limits.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ForgeExtension.class)
public @interface ForgeTest {

    /** The default timeout per invocation, e.g. {@code 2s} or {@code 250ms}. */
    String timeout() default "2s";

    /** The default memory per script, e.g. {@code 100m}. */
    String memory() default "100m";

    /** The tenant that scripts are stored under. */
    String tenant() default ScriptRunner.DEFAULT_TENANT;
}
