"""A small pool of long-lived worker processes with a time limit and a memory limit per task.

Why not multiprocessing.Pool / concurrent.futures: neither can kill one stuck task and carry
on. Here each worker has its own pipe, so the parent always knows which task a worker is on
and since when; a worker past its deadline is killed (with anything it started, e.g.
tesseract) and replaced, and a worker that dies is detected through its sentinel. Killing a
worker never corrupts shared state because nothing (no shared queue, no lock) is shared.

  pool = Pool(fn, workers=4, timeout=120, memory_mb=2048)
  for key, result in pool.imap((key, arg) for ...):   # in completion order
      if isinstance(result, TaskFailed): ...          # result.error: a message for a person
  pool.close()

TaskOptions:
- time: wall-clock seconds per task, measured by the parent; the message is "timed out
  after N s".
- memory: the parent reads each busy worker's resident memory, with the programs it started
  (e.g. tesseract), every MEMORY_POLL seconds, and kills the worker when it has grown by more
  than N MB since the worker started: "over memory limit (N MB) ...". Workers are forked from
  the parent and start with its resident pages (300-400 MB with pandas, spaCy, pythainlp,
  pdfium and DuckDB loaded), so N is what reading one document may add. Between tasks a
  worker that kept more than half of N (caches, fragmentation) is replaced, so one document
  is not charged for the ones before it. As a backstop against allocations faster than the
  poll, the worker's address space (RLIMIT_AS, inherited by its programs) is capped at its
  start size plus ADDRESS_SPACE_FACTOR x N; a MemoryError there, or the worker being killed
  by SIGKILL (the kernel's OOM killer), is reported the same way. (A memory cgroup per
  worker would be exact, but needs a cgroup the program may create children in; this
  works for any user.)

Workers run in their own process group (Ctrl-C in a terminal goes to the parent only, which
stops them), and on Linux they die with the parent (PR_SET_PDEATHSIG), so a kill -9 of an
ingest leaves no orphans.
"""
from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator, Optional

from pipeline.memory import MB, rss, tree_rss

MEMORY_EXIT = 86            # a worker that hit MemoryError and could not report it
DEFAULT_TIMEOUT = 120.0     # seconds per document
DEFAULT_MEMORY_MB = 2048    # resident memory a worker may add to its start size
MIN_MEMORY_MB = 64
MEMORY_POLL = 0.2           # seconds between two reads of the busy workers' memory
ADDRESS_SPACE_FACTOR = 4    # backstop: address space may grow by this many times the limit


@dataclass
class TaskFailed:
    """A task that produced no result; `error` is shown to a person."""
    error: str


def _vm_size() -> Optional[int]:
    """This process's address space in bytes (Linux), else None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory_error(memory_mb: Optional[int], used: Optional[int] = None) -> str:
    if not memory_mb:
        return "over memory limit"
    grew = f"; the worker grew by {used // MB} MB" if used else ""
    return f"over memory limit ({memory_mb} MB per worker{grew}; raise it with --memory-mb)"


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)           # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _worker_main(conn, fn: Callable[[Any], Any], memory_mb: Optional[int], parent_pid: int) -> None:
    os.setpgid(0, 0)                                # own group: no terminal Ctrl-C, killpg on timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()                          # a crash is reported by the parent, in one line
    _die_with_parent()
    if os.getppid() != parent_pid:                  # parent died before prctl took effect
        os._exit(0)
    if memory_mb:
        # relative to the start size: a forked worker inherits the parent's mappings (libraries,
        # DuckDB's thread arenas), several hundred MB of address space it mostly never touches
        limit = (_vm_size() or 0) + ADDRESS_SPACE_FACTOR * memory_mb * MB
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass
    while True:
        try:
            # poll with a period so that a worker whose parent vanished (non-Linux) exits
            if not conn.poll(2.0):
                if os.getppid() != parent_pid:
                    os._exit(0)
                continue
            msg = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if msg is None:
            os._exit(0)
        key, arg = msg
        try:
            try:
                reply = (key, fn(arg))
            except MemoryError:
                reply = (key, TaskFailed(memory_error(memory_mb)))
            except Exception as e:  # noqa: BLE001 - one bad input must not kill the pool
                reply = (key, TaskFailed(f"internal error while reading ({type(e).__name__}: {str(e)[:300]}); "
                                         "please report it"))
            try:
                conn.send(reply)
            except MemoryError:
                reply = None
                conn.send((key, TaskFailed(memory_error(memory_mb))))
            except (BrokenPipeError, EOFError, OSError):
                os._exit(0)
            except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be pickled
                conn.send((key, TaskFailed(f"internal error while returning the result ({type(e).__name__}: {e})")))
            reply = None
        except MemoryError:
            os._exit(MEMORY_EXIT)


class _Worker:
    def __init__(self, ctx, fn, memory_mb):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, memory_mb, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.task: Optional[tuple] = None       # (key, arg) in progress
        self.started = 0.0
        self.limit = 0.0                        # seconds this task may take
        self.extended = False                   # the task's extra time was added to its limit
        self.base_rss = tree_rss(self.proc.pid) or 0     # the pages inherited from the parent
        self.peak_rss = self.base_rss

    def grown(self, with_children: bool = True) -> Optional[int]:
        """Resident bytes added since the worker started (with its children), None if gone."""
        now = (tree_rss if with_children else rss)(self.proc.pid)
        if now is None:
            return None
        self.peak_rss = max(self.peak_rss, now)
        return now - self.base_rss

    def assign(self, key, arg) -> None:
        self.task = (key, arg)
        self.started = time.monotonic()
        self.conn.send((key, arg))

    def kill(self) -> None:
        pid = self.proc.pid
        if pid and self.proc.exitcode is None:
            try:
                os.killpg(pid, signal.SIGKILL)      # the worker and anything it started
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass


class Pool:
    """`workers` processes running `fn(arg)`; see the module doc."""

    def __init__(self, fn: Callable[[Any], Any], workers: Optional[int] = None, *,
                 timeout: Optional[float] = DEFAULT_TIMEOUT, memory_mb: Optional[int] = DEFAULT_MEMORY_MB,
                 extra_time: Optional[Callable[[Any], float]] = None):
        self.fn = fn
        self.extra_time = extra_time            # arg -> seconds added to its time limit (pages to OCR)
        self.n = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.memory_mb = memory_mb if memory_mb and memory_mb > 0 else None
        if self.memory_mb is not None and self.memory_mb < MIN_MEMORY_MB:
            raise ValueError(f"memory limit {self.memory_mb} MB is too low: give at least {MIN_MEMORY_MB} MB")
        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.workers: list[_Worker] = []
        self.replaced = 0
        self.peak_rss = 0                       # largest resident size seen of any worker (sampled)

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        w = _Worker(self.ctx, self.fn, self.memory_mb)
        self.workers.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        self.peak_rss = max(self.peak_rss, w.peak_rss)
        w.kill()
        self.workers.remove(w)
        self.replaced += 1

    def _give_up(self, w: _Worker, pending, idle: list) -> Any:
        """Kill a worker whose task failed (time, memory, death), start another if work is
        left; returns the failed task's key."""
        key = w.task[0] if w.task else None
        w.task = None
        self._retire(w)
        if pending:
            idle.append(self._spawn())
        return key

    def _over_memory(self, busy: list[_Worker]) -> list[tuple[_Worker, int]]:
        if not self.memory_mb:
            return []
        out = []
        for w in busy:
            grown = w.grown()
            if grown is not None and grown > self.memory_mb * MB and not w.conn.poll():
                out.append((w, grown))
        return out

    def _bloated(self, w: _Worker) -> bool:
        """An idle worker that kept much of what its last task used: replace it."""
        if not self.memory_mb:
            return False
        grown = w.grown(with_children=False)             # idle: it has started nothing
        return grown is not None and grown > self.memory_mb * MB // 2

    def _died_error(self, w: _Worker) -> str:
        w.proc.join(1)
        code = w.proc.exitcode
        if code == MEMORY_EXIT or code == -signal.SIGKILL:
            return memory_error(self.memory_mb)
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return (f"worker crashed while reading ({name}): the file is probably malformed"
                    + (f", or it needs more than the memory limit ({self.memory_mb} MB)" if self.memory_mb else ""))
        return f"worker exited unexpectedly (exit code {code}) while reading"

    def imap(self, tasks: Iterable[tuple[Any, Any]], tick: Optional[float] = None) -> Iterator[Optional[tuple[Any, Any]]]:
        """Yield (key, result or TaskFailed) for each (key, arg), in completion order; with
        `tick`, also yield None when nothing finished for that many seconds (so the caller
        can flush what it holds)."""
        pending = deque(tasks)
        while len(self.workers) < min(self.n, len(pending)):
            self._spawn()
        idle = [w for w in self.workers if w.task is None]
        last_yield = last_memory_check = time.monotonic()
        while True:
            while pending and idle:
                w = idle.pop()
                key, arg = pending.popleft()
                try:
                    w.limit, w.extended = self.timeout or 0.0, not self.extra_time
                    w.assign(key, arg)
                except (BrokenPipeError, OSError):   # died while idle: replace and retry the task
                    pending.appendleft((key, arg))
                    w.task = None
                    self._retire(w)
                    idle.append(self._spawn())
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return
            wait_for = tick
            if self.timeout:
                now = time.monotonic()
                left = max(0.0, min(w.started + w.limit for w in busy) - now)
                wait_for = left if wait_for is None else min(wait_for, left)
            if self.memory_mb:
                wait_for = MEMORY_POLL if wait_for is None else min(wait_for, MEMORY_POLL)
            yielded = False
            objs = {}
            for w in busy:
                objs[w.conn] = w
                objs[w.proc.sentinel] = w
            ready = wait(list(objs), timeout=wait_for)
            done: dict[_Worker, Any] = {}
            for obj in ready:
                w = objs[obj]
                if w in done:
                    continue
                if obj is w.conn or w.conn.poll():
                    try:
                        key, result = w.conn.recv()
                    except (EOFError, OSError):
                        done[w] = None
                    else:
                        done[w] = (key, result)
                else:
                    done[w] = None
            for w, got in done.items():
                key = w.task[0]
                w.task = None
                yielded = True
                if got is not None:
                    if self._bloated(w):
                        self._retire(w)
                        w = self._spawn()
                    idle.append(w)
                    yield got
                else:                                # died without answering
                    err = self._died_error(w)
                    self._give_up(w, pending, idle)
                    yield key, TaskFailed(err)
            if self.timeout:
                now = time.monotonic()
                for w in [w for w in self.workers if w.task is not None and now - w.started >= w.limit]:
                    if w.conn.poll():                # answered just in time
                        continue
                    if not w.extended:               # asked only of a slow task: it may open the file
                        w.extended = True
                        extra = self.extra_time(w.task[1])
                        if extra > 0:
                            w.limit += extra
                            continue
                    yielded = True
                    yield self._give_up(w, pending, idle), TaskFailed(f"timed out after {w.limit:g} s")
            if time.monotonic() - last_memory_check >= MEMORY_POLL:   # not on every result: /proc reads
                last_memory_check = time.monotonic()
                for w, grown in self._over_memory([w for w in self.workers if w.task is not None]):
                    yielded = True
                    yield self._give_up(w, pending, idle), TaskFailed(memory_error(self.memory_mb, grown))
            if yielded:
                last_yield = time.monotonic()
            elif tick and time.monotonic() - last_yield >= tick:   # (the memory poll wakes more often)
                last_yield = time.monotonic()
                yield None

    def close(self) -> None:
        """Stop idle workers, kill busy ones."""
        for w in self.workers:
            if w.task is None:
                w.stop()
        deadline = time.monotonic() + 2
        for w in self.workers:
            if w.task is None:
                w.proc.join(max(0.0, deadline - time.monotonic()))
            self.peak_rss = max(self.peak_rss, w.peak_rss)
            w.kill()
        self.workers = []
