package io.tidemark.planner.compile;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The canonical text of a parsed plan, hashed into {@code contentHash}: JSON with keys sorted, absent
 * optionals left out, defaults already applied, each operation tagged with its {@code op}. It is built from
 * the validated model, not the file, so formatting, comments, key order, HOCON versus JSON and spelling a
 * default out ({@code schema = public}) do not change the hash; any change of meaning does.
 */
final class CanonicalForm {
  private CanonicalForm() {}

  static String sha256(Object plan) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(render(plan).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  static String render(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof Record r) {
      writeRecord(r, out);
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        write(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof String s) {
      JsonWriter.string(s, out);
    } else if (value instanceof Enum<?> e) {
      JsonWriter.string(e.name().toLowerCase(java.util.Locale.ROOT), out);
    } else if (value instanceof Duration d) {
      out.append(d.toMillis());
    } else {
      out.append(value); // numbers and booleans
    }
  }

  private static void writeRecord(Record record, StringBuilder out) {
    TreeMap<String, Object> fields = new TreeMap<>();
    if (record instanceof io.tidemark.planner.plan.Operation op) {
      fields.put("op", op.op());
    }
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      present(read(component, record)).ifPresent(v -> fields.put(component.getName(), v));
    }
    out.append('{');
    boolean first = true;
    for (var field : fields.entrySet()) {
      out.append(first ? "" : ",");
      first = false;
      JsonWriter.string(field.getKey(), out);
      out.append(':');
      write(field.getValue(), out);
    }
    out.append('}');
  }

  private static Object read(RecordComponent component, Record record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + component, e);
    }
  }

  private static Optional<Object> present(Object value) {
    if (value instanceof Optional<?> o) {
      return o.map(v -> v);
    } else if (value instanceof OptionalInt i) {
      return i.isPresent() ? Optional.of(i.getAsInt()) : Optional.empty();
    } else if (value instanceof OptionalLong l) {
      return l.isPresent() ? Optional.of(l.getAsLong()) : Optional.empty();
    }
    return Optional.ofNullable(value);
  }
}
