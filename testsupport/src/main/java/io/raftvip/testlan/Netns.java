package io.raftvip.testlan;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that builds network namespaces and therefore needs root (or
 * CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW). It tags the tests {@code netns}, so a developer
 * without root can run everything else with {@code mvn test -DexcludedGroups=netns}. CI runs as
 * root and never excludes them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Netns.TAG)
public @interface Netns {
  /** The JUnit tag carried by namespace tests. */
  String TAG = "netns";
}
