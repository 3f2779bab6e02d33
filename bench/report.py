#!/usr/bin/env python3
"""Turns one benchmark run (bench/results/<stamp>/) into the markdown table. Standard library only.

Reads results.jsonl written by backfill.sh, the pgbench per-transaction logs (-l) and the lock-wait
sampler's output next to it. Usage: report.py RESULTS_DIR
"""
import datetime
import glob
import json
import os
import re
import sys

# BackfillMain's default target-batch-duration, which the benchmark does not change.
TARGET_BATCH_MS = 250

METHOD_NAMES = {
    "single": "single `UPDATE`",
    "offset": "`OFFSET` loop, 1,000/batch",
    "keyset": "keyset loop, 1,000/batch (PL/pgSQL)",
    "engine": "Tidemark engine",
    "engine-async": "Tidemark engine, `synchronous_commit=off`",
    "engine-throttled": "Tidemark engine, throttled",
}


def latencies(out_dir, prefix, window, minus_lag=False):
    """Latencies (ms) of the transactions *scheduled* inside the window.

    pgbench -R logs "client txn latency_us script epoch_s epoch_us lag_us" per transaction, where the
    latency counts from the scheduled start (open loop: time spent queued behind a blocked client counts).
    A transaction belongs to the window if its scheduled start = completion - latency falls inside it.
    With minus_lag, the schedule lag is subtracted: what is left is the time from sending the transaction
    to its answer (the server's and the network's part), without the time it waited for its client.
    """
    start, end = window
    values = []
    for path in glob.glob(os.path.join(out_dir, prefix + ".*")):
        if path.endswith((".out", ".progress")):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) not in (6, 7) or not all(p.isdigit() for p in parts):
                    continue  # a torn last line (pgbench was interrupted), skipped or failed transactions
                latency_us = int(parts[2])
                done = int(parts[4]) + int(parts[5]) / 1e6
                if start <= done - latency_us / 1e6 <= end:
                    lag_us = int(parts[6]) if minus_lag and len(parts) == 7 else 0
                    values.append((latency_us - lag_us) / 1000.0)
    values.sort()
    return values


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def longest_lock_wait(out_dir, name):
    """Seconds of the longest application lock wait the sampler saw (0 if none)."""
    longest = 0.0
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                try:
                    longest = max(longest, float(parts[3]))
                except ValueError:
                    pass
    return longest


def offset_extrapolation(out_dir, notices, rows):
    """Fits t(k) = a*k + b*k^2 to the OFFSET loop's progress and returns (seconds for all rows, rows done).

    Batch k re-walks the k keys before it, so a batch costs about a + b'*k and the sum is quadratic.
    Returns the measured time instead if the loop finished before its cut-off.
    """
    points = []
    with open(os.path.join(out_dir, notices), errors="replace") as f:
        for line in f:
            m = re.search(r"progress (\S+) (\d+)", line)
            if m:
                points.append((float(m.group(1)), int(m.group(2))))
    if len(points) < 3:
        return None, 0
    t0 = points[0][0]
    xs = [(k, t - t0) for t, k in points[1:]]
    done = xs[-1][0]
    if done >= rows:
        return xs[-1][1], done
    s2 = sum(k ** 2 for k, _ in xs)
    s3 = sum(k ** 3 for k, _ in xs)
    s4 = sum(k ** 4 for k, _ in xs)
    t1 = sum(t * k for k, t in xs)
    t2 = sum(t * k * k for k, t in xs)
    det = s2 * s4 - s3 * s3
    a = (t1 * s4 - t2 * s3) / det if det else t1 / s2
    b = (s2 * t2 - s3 * t1) / det if det else 0.0
    if b < 0 or a < 0:
        a, b = t1 / s2, 0.0  # noise: fall back to a straight line, which only flatters the OFFSET loop
    return a * rows + b * rows * rows, done


def batching_window(out_dir, name, window):
    """The engine's batching span (epoch seconds): from its "state running" log line to its "DONE" line.

    The log lines carry only the time of day (UTC); the date is the run's start.
    """
    path = os.path.join(out_dir, name + ".engine.progress")
    if not os.path.exists(path):
        return None
    day = datetime.datetime.fromtimestamp(window[0], datetime.timezone.utc).date()
    start = end = None
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"(\d\d):(\d\d):(\d\d\.\d+) ", line)
            if not m:
                continue
            t = datetime.datetime.combine(day, datetime.time(int(m.group(1)), int(m.group(2)), 0,
                                                               tzinfo=datetime.timezone.utc)).timestamp()
            t += float(m.group(3))
            if t < window[0] - 3600:
                t += 86400  # the run crossed midnight
            if start is None and "state running" in line:
                start = t
            if "DONE (" in line:
                end = t
    return (start, end) if start and end else None


def batch_durations(out_dir, name):
    """Every committed batch's duration in ms, from BackfillRun's DEBUG line "... keys, ... updated in N ms"."""
    path = os.path.join(out_dir, name + ".engine.progress")
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        return sorted(int(m.group(1)) for m in (re.search(r" updated in (\d+) ms", line) for line in f) if m)


def fmt_ms(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_s(v):
    if v is None:
        return "–"
    return f"{v:.2f} s" if v < 10 else f"{v:,.1f} s"


def fmt_x(v):
    return "–" if v is None else f"{v:.2f}×"


def main(out_dir):
    records = [json.loads(line) for line in open(os.path.join(out_dir, "results.jsonl")) if line.strip()]
    machine = next((r for r in records if r["kind"] == "machine"), {})
    maxrate = next((r for r in records if r["kind"] == "maxrate"), None)
    base = next((r for r in records if r["kind"] == "baseline"), None)
    runs = [r for r in records if r["kind"] == "run"]

    print(f"### Backfill benchmark, {machine.get('rows', 0):,} rows ({machine.get('started', '')})\n")
    print(f"PostgreSQL {machine.get('postgres', '?')}, {machine.get('nproc', '?')} cores, {machine.get('mem', '?')}, "
          f"load average at start {machine.get('loadavg', '?')}. Every method: `SET {machine.get('set', '')}`.\n")
    base_lat = None
    if maxrate and base:
        base_lat = latencies(out_dir, base["pgbench"], base["window"])
        base_served = latencies(out_dir, base["pgbench"], base["window"], minus_lag=True)
        seconds = base["window"][1] - base["window"][0]
        print(f"Application load: pgbench, {maxrate['clients']} clients, 70 % point selects / 20 % updates of random "
              f"rows / 10 % inserts on the same table; closed-loop maximum {maxrate['tps']:,.0f} tps, so open-loop "
              f"`-R {maxrate['rate']}` ({maxrate.get('fraction', 0.5):.0%} of it).\n")
        print(f"Baseline (no migration, {seconds:.0f} s, {len(base_lat):,} transactions): p50 "
              f"{fmt_ms(percentile(base_lat, 50))} ms, p99 {fmt_ms(percentile(base_lat, 99))} ms, p99.9 "
              f"{fmt_ms(percentile(base_lat, 99.9))} ms, max {fmt_ms(base_lat[-1] if base_lat else None)} ms "
              f"(without pgbench's schedule lag: p50 {fmt_ms(percentile(base_served, 50))} ms, p99 "
              f"{fmt_ms(percentile(base_served, 99))} ms); longest lock wait {fmt_s(longest_lock_wait(out_dir, base['lockwaits']))}; server WAL meanwhile (the application's "
              f"and every other session's) "
              f"{base['wal_bytes'] / seconds / 1e6:.1f} MB/s.\n")

    single = {r["load"]: r for r in runs if r["method"] == "single"}
    engines = {r["load"]: r["seconds"] for r in runs if r["method"] == "engine"}
    print("| method | load | time | rows/s | × single `UPDATE` | WAL of t | WAL × single | server WAL | app p50 ms | app p99 ms "
          "| app p99.9 ms | app max ms | longest app lock wait | notes |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        rows = r["rows"]
        seconds = r["seconds"]
        notes = []
        wal = r["table_wal_bytes"] if r.get("table_wal_bytes") is not None else r["wal_bytes"]
        server_wal = r["wal_bytes"]
        if r["method"] == "offset":
            total, done = offset_extrapolation(out_dir, r["offset_notices"], rows)
            if total is None:
                notes.append("too few batches to extrapolate")
            elif done < rows:
                notes.append(f"cut off after {r['seconds']:.0f} s at {done:,} rows; time extrapolated "
                             f"(quadratic fit)")
                # Each batch costs at least as much as the one before (it skips more keys), so the rows
                # still to do take at least as long per row as those done: a bound that needs no model.
                bound = r["seconds"] * rows / done
                engine = engines.get(r["load"])
                if engine:
                    notes.append(f"model-free lower bound {fmt_s(bound)} = {bound / engine:.1f}× the engine's time")
                seconds = total
                if r["load"] == "alone":
                    wal = wal * rows / done
                    server_wal = server_wal * rows / done
                    notes.append("WAL scaled linearly to all rows")
                else:
                    notes.append("WAL of the cut-off part only (most of it the application's)")
        if r["method"].startswith("engine") and "engine" in r:
            e = r["engine"]
            notes.append(f"{e.get('batches')} batches; wall {r['wall_seconds']:.1f} s with JVM start")
            took = batch_durations(out_dir, f"{r['method']}-{r['load']}")
            if took:
                over = sum(1 for t in took if t > TARGET_BATCH_MS)
                notes.append(f"batch p50 {percentile(took, 50):.0f} ms, p90 {percentile(took, 90):.0f} ms, "
                             f"max {took[-1]} ms, {over} of {len(took)} over {TARGET_BATCH_MS} ms")
        if r.get("wrong_rows") not in (None, 0):
            notes.append(f"**{r['wrong_rows']} rows not updated exactly once**")
        rate = rows / seconds if seconds else None
        ref = single.get(r["load"])
        ratio = rate / (ref["rows"] / ref["seconds"]) if ref and rate else None
        ref_wal = ref and (ref["table_wal_bytes"] if ref.get("table_wal_bytes") is not None else ref["wal_bytes"])
        wal_ratio = wal / ref_wal if ref_wal else None
        if r["load"] == "load":
            lat = latencies(out_dir, r["pgbench"], r["window"])
            lat_cells = [fmt_ms(percentile(lat, p)) for p in (50, 99, 99.9)] + [fmt_ms(lat[-1] if lat else None)]
            wait = fmt_s(longest_lock_wait(out_dir, r["lockwaits"]))
            notes.append(f"{len(lat):,} app transactions")
            served = latencies(out_dir, r["pgbench"], r["window"], minus_lag=True)
            notes.append(f"without pgbench's schedule lag: p50 {fmt_ms(percentile(served, 50))} ms, p99 "
                         f"{fmt_ms(percentile(served, 99))} ms")
            span = batching_window(out_dir, f"{r['method']}-{r['load']}", r["window"]) \
                if r["method"].startswith("engine") else None
            if span:
                batching = latencies(out_dir, r["pgbench"], span)
                notes.append(f"without the JVM start (batching only): p99 {fmt_ms(percentile(batching, 99))} ms, "
                             f"p99.9 {fmt_ms(percentile(batching, 99.9))} ms, max "
                             f"{fmt_ms(batching[-1] if batching else None)} ms")
        else:
            lat_cells = ["–"] * 4
            wait = "–"
        print(f"| {METHOD_NAMES[r['method']]} | {'under load' if r['load'] == 'load' else 'alone'} "
              f"| {fmt_s(seconds)} | {rate:,.0f} | {fmt_x(ratio)} | {wal / 1e6:,.0f} MB "
              f"| {fmt_x(wal_ratio)} | {server_wal / 1e6:,.0f} MB | " + " | ".join(lat_cells) + f" | {wait} | {'; '.join(notes)} |")
    print()
    print("rows/s and ratios compare runs with the same load. \"WAL of t\" sums the WAL records that modify t's "
          "heap and primary key index (pg_waldump; under load it includes the application's own writes to t); "
          "\"server WAL\" is the pg_current_wal_lsn() difference, which also counts every other session on the "
          "server. Latency counts from each transaction's scheduled start (open loop) and covers the transactions "
          "scheduled while the migration ran, JVM start included for the engine.")


if __name__ == "__main__":
    main(sys.argv[1])
