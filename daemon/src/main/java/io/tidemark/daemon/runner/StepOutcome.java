package io.tidemark.daemon.runner;

/** How a step run ended when it did not fail. */
public sealed interface StepOutcome {
  /** The step's effect is there; {@code alreadyPresent} when the catalog showed it before anything ran. */
  record Completed(boolean alreadyPresent) implements StepOutcome {}

  /** Stopped at a batch boundary on request; running it again continues where it stopped. */
  record Stopped() implements StepOutcome {}
}
