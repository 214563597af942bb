"""What bench/scale.py prints: each run's table per request kind (throughput, p50/p99, errors, CPU per process),
the CPU cost of each kind, and the capacity on paper that those costs give at a real day's rates.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from bench.load_actors import Plan
from bench.load_requests import percentile
from bench.proc_cpu import Cpu
from bench.scale_costs import Cost

KINDS = ("heartbeat", "usage", "case delivery", "queue poll", "console page", "case open", "call ring",
         "call accept")  # fmt: skip

# The real day, for the capacity estimate (kiosk/settings.py, backend/http/static/console/js/queue.js; the rest
# assumed for the busiest hour of a counter that is open 10 hours a day).
REAL_HEARTBEAT_S = 60.0
REAL_POLL_S = 5.0
PEAK_SESSIONS_PER_KIOSK_HOUR = 2.0
PEAK_CASES_PER_KIOSK_HOUR = 1.0
PEAK_CALLS_PER_KIOSK_HOUR = 0.5
OFFICER_PAGES_PER_MINUTE = 1.0  # a console page and a case opened
CORES = 2
BUSY_LIMIT = 0.7  # keep the server under 70% busy


@dataclass
class RunResult:
    workers: int
    seconds: float
    latencies: dict[str, list[float]]
    errors: dict[str, int]
    examples: dict[str, str]
    cpu: Cpu
    lag: list[float]
    made_late: int
    costs: list[Cost]

    def rate(self, kind: str) -> float:
        return len(self.latencies.get(kind, [])) / self.seconds


def report(result: RunResult, args: argparse.Namespace, plan: Plan) -> None:
    print(f"\n== {result.workers} worker{'s' if result.workers > 1 else ''}: {args.kiosks} kiosks "
          f"({plan.senders} delivering cases back to back), {args.officers} officers, {result.seconds:.0f} s measured")
    print(f"{'kind':16}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in KINDS:
        values = result.latencies.get(kind, [])
        errors = result.errors.get(kind, 0) + (result.errors.get("call relay", 0) if kind == "call accept" else 0)
        print(f"{kind:16}{len(values):8}{len(values) / result.seconds:9.1f}{percentile(values, 0.5):9.1f}"
              f"{percentile(values, 0.99):9.1f}{errors:8}")  # fmt: skip
    others = {kind: count for kind, count in result.errors.items() if kind not in KINDS and kind != "call relay"}
    total = sum(result.errors.values())
    print(f"errors (whole run, warm-up included): {total}" + (f"  {others}" if others else ""))
    for kind, example in result.examples.items():
        print(f"  first {kind} error: {example[:300]}")
    cpu = result.cpu
    share = [f"{100 * seconds / cpu.wall:.0f}%" for seconds in cpu.workers]
    idle = 100 * (1 - cpu.machine_busy / cpu.machine_all) * (os.cpu_count() or CORES)
    print(f"CPU over the window, % of one core ({os.cpu_count()} cores = {100 * (os.cpu_count() or CORES)}%): "
          f"worker{'s' if len(share) > 1 else ''} {' + '.join(share)}, "
          f"PostgreSQL {100 * cpu.postgres / cpu.wall:.0f}%, "
          f"load generator {100 * cpu.load / cpu.wall:.0f}%, other processes {100 * cpu.other / cpu.wall:.0f}%, "
          f"idle {idle:.0f}%")  # fmt: skip
    worker_cpu = sum(cpu.workers)
    if worker_cpu:
        delivered = len(result.latencies.get("case delivery", []))
        print(f"cases delivered per CPU-second the worker(s) got (all the other requests included): "
              f"{delivered / worker_cpu:.0f}; PostgreSQL CPU per case delivered: "
              f"{1000 * cpu.postgres / max(1, delivered):.2f} ms")  # fmt: skip
    if cpu.other / cpu.wall > 0.1:
        print(f"WARNING: other processes used {100 * cpu.other / cpu.wall:.0f}% of a core during this run: the "
              "workers had that much less, and the comparison between runs is disturbed")  # fmt: skip
    print(f"load generator event-loop lag p50/p99: {percentile(result.lag, 0.5):.1f}/{percentile(result.lag, 0.99):.1f}"
          f" ms (added to every latency above)" + (f"; {result.made_late} cases sealed during the run (pool ran dry)"
                                                    if result.made_late else ""))  # fmt: skip


def report_costs(costs: list[Cost]) -> None:
    print("\n== CPU per request, each kind sent alone (1 worker, 4 at a time), ms")
    print(f"{'kind':28}{'count':>7}{'worker':>9}{'Postgres':>10}{'server':>9}{'load gen':>10}")
    for cost in costs:
        print(f"{cost.kind:28}{cost.count:7}{cost.worker_ms:9.2f}{cost.postgres_ms:10.2f}{cost.server_ms:9.2f}"
              f"{cost.load_ms:10.2f}")  # fmt: skip


def capacity(costs: list[Cost]) -> None:
    """Server CPU at a real day's rates from the measured costs (module constants: the assumptions)."""
    by_kind = {cost.kind.split(" (")[0]: cost.server_ms for cost in costs[1:]}
    short_poll, long_poll = costs[0], next(cost for cost in costs[1:] if cost.kind.startswith("queue poll"))
    kiosk = (by_kind["heartbeat"] / REAL_HEARTBEAT_S
             + (PEAK_SESSIONS_PER_KIOSK_HOUR * by_kind["usage"] + PEAK_CASES_PER_KIOSK_HOUR * by_kind["case delivery"]
                + PEAK_CALLS_PER_KIOSK_HOUR * by_kind["call"]) / 3600)  # fmt: skip
    pages = OFFICER_PAGES_PER_MINUTE * by_kind["console page + case open"] / 60
    officer, officer_long = short_poll.server_ms / REAL_POLL_S + pages, long_poll.server_ms / REAL_POLL_S + pages
    budget = CORES * 1000 * BUSY_LIMIT

    def share(kiosks: int, officers: int, per_officer: float = officer) -> str:
        return f"{(kiosks * kiosk + officers * per_officer) / (CORES * 10):.1f}%"

    print(f"\n== capacity on paper: one {CORES}-core server (workers + PostgreSQL, not this load generator), busiest "
          f"hour, kept under {BUSY_LIMIT:.0%} busy")
    print(f"a kiosk: heartbeat every {REAL_HEARTBEAT_S:.0f} s, {PEAK_SESSIONS_PER_KIOSK_HOUR:g} sessions, "
          f"{PEAK_CASES_PER_KIOSK_HOUR:g} case, {PEAK_CALLS_PER_KIOSK_HOUR:g} call an hour = {kiosk:.3f} ms CPU/s")
    print(f"an officer: a poll every {REAL_POLL_S:.0f} s, {OFFICER_PAGES_PER_MINUTE:g} page + case a minute = "
          f"{officer:.2f} ms CPU/s with {short_poll.kind[12:-1]} in the queue ({officer_long:.2f} with "
          f"{long_poll.kind[12:-1]}: 200 listed)")  # fmt: skip
    for officers in (20, 100, 300):
        kiosks = (budget - officers * officer) / kiosk
        print(f"  {officers:3} officers online leave room for {max(0.0, kiosks):,.0f} kiosks")
    print(f"  30 pilot kiosks + 20 officers: {share(30, 20)} of the server; 400 kiosks + 150 officers: "
          f"{share(400, 150)} ({share(400, 150, officer_long)} if every poll lists 200 cases)")
