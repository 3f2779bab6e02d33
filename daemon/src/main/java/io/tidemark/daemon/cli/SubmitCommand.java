package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tidemark submit FILE}: sends a plan file; the daemon validates it and lists every problem by path. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit a plan file (HOCON, or JSON when it ends in .json) to the daemon.",
    footerHeading = "%nExamples:%n",
    footer = {"  tidemark submit plans/2026-11-users-email-address.conf",
        "  TIDEMARK_URL=http://tidemark:7654 TIDEMARK_TOKEN=... tidemark submit plan.json",
        "%nExit codes: 0 submitted (or the same plan was already there), 2 invalid plan or other content under the",
        "same id, 1 daemon unreachable."})
public final class SubmitCommand extends RemoteCommand {
  @Parameters(paramLabel = "FILE", description = "The plan file.")
  Path file;

  @Override
  int run(ApiClient api, PrintWriter out) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RemoteException(ExitCodes.BAD_INPUT, "cannot read " + file + ": " + e.getMessage());
    }
    String type = file.getFileName().toString().endsWith(".json") ? "application/json" : "application/hocon";
    JsonNode receipt = api.post("/plans", text, type);
    out.println(receipt.path("created").asBoolean()
        ? "plan " + receipt.path("id").asText() + " submitted"
        : "plan " + receipt.path("id").asText() + " unchanged (already submitted with the same content)");
    return ExitCodes.OK;
  }
}
