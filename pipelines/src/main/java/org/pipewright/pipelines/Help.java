package org.pipewright.pipelines;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * The {@code --help} text of a pipeline: its own options first, grouped by the interface that
 * declares them, then where to find the runner's and Beam's options. Beam's own help lists ~140
 * lines of SDK options before a pipeline's, which hides the ones a user came for.
 */
final class Help {
  private static final String OWN_PACKAGE = "org.pipewright.";

  private Help() {}

  static String of(Class<? extends PipelineOptions> type) {
    Map<Class<?>, List<Method>> byInterface = new LinkedHashMap<>();
    List<Method> getters = new ArrayList<>(Arrays.asList(type.getMethods()));
    getters.sort(Comparator.comparing(Help::property));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Method getter : getters) {
      Class<?> declaring = getter.getDeclaringClass();
      if (declaring.getName().startsWith(OWN_PACKAGE) && isGetter(getter) && seen.add(property(getter))) {
        byInterface.computeIfAbsent(declaring, k -> new ArrayList<>()).add(getter);
      }
    }
    StringBuilder help = new StringBuilder();
    help.append(type.getSimpleName().replace("Options", "")).append(" options:\n");
    byInterface.entrySet().stream()
        // The pipeline's own interface first, then the shared ones (output, JDBC, Kafka, ...)
        .sorted(Comparator.comparing(e -> e.getKey() == type ? "" : e.getKey().getSimpleName()))
        .forEach(e -> {
          help.append("\n  ").append(e.getKey().getSimpleName()).append('\n');
          for (Method getter : e.getValue()) {
            help.append("    --").append(property(getter)).append('=')
                .append(getter.getReturnType().getSimpleName()).append(defaultOf(getter)).append('\n');
            Description description = getter.getAnnotation(Description.class);
            if (description != null) {
              help.append("        ").append(description.value().replace("\n", "\n        ")).append('\n');
            }
          }
        });
    help.append("\nRunner and Beam options (--runner=DirectRunner|SparkRunner|FlinkRunner, ...):\n")
        .append("    --help=org.apache.beam.sdk.options.PipelineOptions, or --help=<runner>PipelineOptions\n");
    return help.toString();
  }

  private static boolean isGetter(Method m) {
    return m.getParameterCount() == 0 && (m.getName().startsWith("get") || m.getName().startsWith("is"))
        && m.getAnnotation(Description.class) != null;
  }

  private static String property(Method getter) {
    String name = getter.getName().replaceFirst("^(get|is)", "");
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static String defaultOf(Method getter) {
    if (getter.getAnnotation(Validation.Required.class) != null) {
      return " (required)";
    }
    for (java.lang.annotation.Annotation a : getter.getAnnotations()) {
      if (a.annotationType().getEnclosingClass() == Default.class) {
        try {
          Object value = a.annotationType().getMethod("value").invoke(a);
          return " (default: " + (value instanceof Class ? ((Class<?>) value).getSimpleName() : value) + ")";
        } catch (ReflectiveOperationException e) {
          return "";
        }
      }
    }
    return "";
  }
}
