package io.tidemark.planner.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** The checksums migration tools keep in their history tables, computed as the tools compute them. */
final class Checksums {
  private Checksums() {}

  /**
   * Prisma's {@code _prisma_migrations.checksum}: the SHA-256 of {@code migration.sql}'s bytes, as 64 lower-case
   * hex digits. {@code prisma migrate status} reports a migration as modified when this differs.
   */
  static String prisma(byte[] migrationSql) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(migrationSql));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /**
   * Flyway's {@code flyway_schema_history.checksum}: a CRC-32 fed the UTF-8 bytes of each line without its line
   * break ({@code \n}, {@code \r\n} or {@code \r}, as {@code BufferedReader.readLine} cuts them), a byte-order
   * mark dropped from the first line, stored as a signed 32-bit integer. So line endings do not change it.
   */
  static int flyway(String script) {
    CRC32 crc = new CRC32();
    try (BufferedReader reader = new BufferedReader(new StringReader(script))) {
      String line;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        if (first && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        first = false;
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
    return (int) crc.getValue();
  }
}
