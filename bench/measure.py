"""Run a command as a child process and measure its wall time and memory.

Two memory figures, because one process and a pool of forked workers need
different answers:

* `max_rss_mib`: the kernel's peak resident set of the largest single process
  in the child's tree, read exactly from `os.wait4` (the rusage of the reaped
  child includes its reaped descendants as a maximum, never a sum). Each
  measurement runs in a fresh child, so no earlier run can leak into it (the
  `RUSAGE_CHILDREN` high-water mark of the parent would).
* `tree_pss_mib`: the peak, over time, of the summed proportional set size
  (Pss from /proc/PID/smaps_rollup) of the child and all its descendants,
  sampled every `POLL_SECONDS`. Pss splits pages shared between forked workers
  among them, so the sum is the memory the whole run really holds; summing RSS
  would count copy-on-write pages once per worker. Sampling can miss a peak
  shorter than the interval, so for one process the exact `max_rss_mib` is the
  figure to trust.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Measurement:
    seconds: float
    cpu_seconds: float  # user + system of the child and its reaped descendants
    returncode: int
    max_rss_mib: float
    tree_pss_mib: float | None  # None where /proc has no smaps_rollup


def run(
    command: Sequence[str],
    *,
    cwd: Path,
    stdout: Path | None = None,
    stderr: Path | None = None,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Run `command` to completion; its output goes to files, or nowhere."""
    sampler = _PssSampler()
    with _sink(stdout) as out, _sink(stderr) as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        sampler.start(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, cpu, child.returncode, usage.ru_maxrss / 1024, sampler.stop())


def _sink(path: Path | None) -> IO[bytes]:
    return path.open("wb") if path else open(os.devnull, "wb")


class _PssSampler:
    """Polls the summed Pss of a process tree in a thread until stopped."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self.available = Path("/proc/self/smaps_rollup").exists()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        if self.available:
            self._thread = threading.Thread(target=self._poll, args=(pid,), daemon=True)
            self._thread.start()

    def stop(self) -> float | None:
        self._done.set()
        if self._thread is None:
            return None
        self._thread.join()
        return self.peak_kib / 1024

    def _poll(self, pid: int) -> None:
        while not self._done.is_set():
            total = sum(_pss_kib(p) for p in _tree(pid))
            self.peak_kib = max(self.peak_kib, total)
            self._done.wait(POLL_SECONDS)


def _tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc/PID/task/TID/children."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def median_wall(command: Sequence[str], *, cwd: Path, times: int = 5) -> float:
    """Median wall seconds of `times` runs after one untimed warm-up run."""
    run(command, cwd=cwd)
    samples = sorted(run(command, cwd=cwd).seconds for _ in range(times))
    return samples[len(samples) // 2]
