package io.tidemark.config;

import java.time.Duration;

/**
 * {@code tidemark.daemon}: how this daemon takes part in the fleet of daemons sharing one state database.
 *
 * @param instanceId        names this daemon in leases and the event log; default: hostname + pid
 * @param leaseDuration     a (plan, database) lease not renewed for this long may be taken by another daemon
 * @param heartbeatInterval how often held leases are renewed (well under {@code leaseDuration})
 * @param pollInterval      how often the runner looks for work (new plans, expired leases, operator actions)
 * @param shutdownTimeout   on SIGTERM: how long to wait for the current batch/statement before abandoning it
 * @param logFormat         {@code text} (human) or {@code json}
 */
public record DaemonSettings(
    String instanceId,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration pollInterval,
    Duration shutdownTimeout,
    String logFormat) {}
