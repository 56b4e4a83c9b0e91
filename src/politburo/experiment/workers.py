"""The one way many runs are spread over workers: in this process, on a pool of spawned
processes, or on a Ray cluster. The experiment runner and the studies (validate, explain,
calibrate) both hand their chunks of runs to a :class:`Workers`.

A unit of work is a :data:`Job`: a top-level function, its arguments, and what to do
with its result. Results are always handled by the calling process, in completion order;
jobs are taken from their iterator only as a worker can start them, so a million runs'
chunks are never all made at once. A run's result does not depend on the backend, the
number of workers or how the runs are chunked: each run draws from its own random stream.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice
from multiprocessing import get_context
from types import TracebackType
from typing import Any

from politburo.errors import InputError
from politburo.model.world import World

BACKENDS = ("local", "processes", "ray")

#: (function, arguments, what to do with the result)
Job = tuple[Callable[..., Any], tuple[Any, ...], Callable[[Any], None]]

#: seconds to wait for a Ray cluster's address to answer before giving up
RAY_CONNECT_TIMEOUT = 5.0

#: workers of the processes and ray backends when not told how many
DEFAULT_WORKERS = 2


def check_backend(backend: str) -> None:
    """InputError unless ``backend`` is one of :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")


class Workers:
    """Workers on one backend, started on entering the context and stopped on leaving it,
    so several batches of jobs (a calibration's trials, an attribution's coalitions) share
    one pool or one Ray connection."""

    def __init__(
        self, backend: str = "local", workers: int | None = None, address: str | None = None
    ) -> None:
        check_backend(backend)
        self.backend, self.address = backend, address
        self.count = workers or DEFAULT_WORKERS
        self.pool: ProcessPoolExecutor | None = None
        self.ray: Any = None  # the ray module, once connected
        self._started_ray = False

    def __enter__(self) -> Workers:
        if self.backend == "processes":
            self.pool = ProcessPoolExecutor(
                max_workers=self.count,
                mp_context=get_context("spawn"),
                initializer=one_thread_per_worker,
            )
        elif self.backend == "ray":
            self._connect_ray()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            # after an error or Ctrl-C, queued jobs are dropped rather than waited for
            self.pool.shutdown(wait=error is None, cancel_futures=True)
            self.pool = None
        if self._started_ray:
            self.ray.shutdown()
            self._started_ray = False
        self.ray = None

    def run(self, jobs: Iterable[Job]) -> None:
        """Run every job, handing each result to its job's handler in this process."""
        if self.backend == "local":
            for function, args, done in jobs:
                done(function(*args))
        elif self.backend == "processes":
            self._run_processes(jobs)
        else:
            self._run_ray(jobs)

    def _run_processes(self, jobs: Iterable[Job]) -> None:
        if self.pool is None:
            raise RuntimeError("Workers.run outside its context (use `with Workers(...)`)")
        pending: dict[Future[Any], Callable[[Any], None]] = {}
        queue = iter(jobs)
        try:
            while True:
                for function, args, done in islice(queue, 2 * self.count - len(pending)):
                    pending[self.pool.submit(function, *args)] = done
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    pending.pop(future)(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise

    def _connect_ray(self) -> None:
        """Connect to the cluster at ``address``, or start a local one on the loopback
        interface (shut down on leaving the context)."""
        try:
            import ray
        except ImportError:
            raise InputError("the ray backend needs Ray: pip install 'politburo[ray]'") from None
        self.ray = ray
        if ray.is_initialized():
            return
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if self.address is None:
            options.update(num_cpus=self.count, _node_ip_address="127.0.0.1")
        else:
            _check_reachable(self.address)
            options["address"] = self.address
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise InputError(f"cannot start or reach a Ray cluster: {error}") from None
        self._started_ray = True

    def _run_ray(self, jobs: Iterable[Job]) -> None:
        """Jobs as Ray tasks, at most twice the workers in flight."""
        ray = self.ray
        if ray is None:
            raise RuntimeError("Workers.run outside its context (use `with Workers(...)`)")
        task = ray.remote(_call)
        # Worlds are large and shared by many jobs: each is sent to the cluster once per
        # batch. The world is kept beside its reference, so its id is not reused.
        shared: dict[int, tuple[World, Any]] = {}

        def put(value: Any) -> Any:
            if isinstance(value, World):
                if id(value) not in shared:
                    shared[id(value)] = (value, ray.put(value))
                return shared[id(value)][1]
            return value

        limit = 2 * self.count
        pending: dict[Any, Callable[[Any], None]] = {}
        queue = iter(jobs)
        while True:
            for function, args, done in islice(queue, limit - len(pending)):
                pending[task.remote(function, *[put(a) for a in args])] = done
            if not pending:
                break
            finished, _ = ray.wait(list(pending), num_returns=1)
            for ref in finished:
                pending.pop(ref)(ray.get(ref))


def _check_reachable(address: str) -> None:
    """InputError within :data:`RAY_CONNECT_TIMEOUT` seconds if nothing answers at the
    Ray address ``host:port`` (``ray.init`` would retry for minutes); ``auto`` and
    ``ray://`` addresses are left to Ray."""
    if address == "auto" or "://" in address:
        return
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise InputError(f"--address {address!r}: expected host:port of a Ray cluster")
    try:
        with socket.create_connection((host, int(port)), timeout=RAY_CONNECT_TIMEOUT):
            pass
    except OSError as error:
        raise InputError(
            f"--address {address}: no Ray cluster answers there ({error.strerror or error})"
        ) from None


def _call(function: Callable[..., Any], *args: Any) -> Any:
    one_thread_per_worker()
    return function(*args)


def one_thread_per_worker() -> None:
    """A worker process simulates on one thread: the pool already uses every core."""
    os.environ["POLITBURO_THREADS"] = "1"
