"""Pool: the worker processes of one machine, and every process-wide trick in one place.

:class:`Pool` runs tasks on ``workers`` processes, this one included, and gives their
results back in task order. What makes it fast is kept here, out of the stages: forked
workers (they share the parent's imports and memory), the garbage collector's view of
long-lived objects (``gc.freeze``), a shorter GIL switch interval while this process
works between hand-overs, and a wider result pipe. The local engine and the index use
it; no other module touches ``sys``, ``gc`` or pipes.

>>> with Pool(1) as pool:
...     list(pool.starmap(pow, [(2, 3), (3, 2)]))
[8, 9]
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from .. import _native
from ..errors import ConfigError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def processes(workers: int) -> int:
    """Return the number of processes ``workers`` asks for (0: one per CPU).

    Raises:
        ConfigError: ``workers`` is not 0 or a positive number.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ConfigError(f"workers must be 0 (one per CPU) or a positive number of processes, got {workers!r}.")
    return workers or os.cpu_count() or 1


def tapered(n: int, size: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) ranges over ``n`` items, ``size`` at a time but smaller towards the
    end (down to an eighth), so that no process waits long for another's last task.

    Smaller from four tasks a process before the end: a worker holds up to three tasks
    that can no longer be taken back (running, and two in the executor's call queue);
    tapering from two a process left it a tenth of a second of work on the real corpus
    after this process had run out, 0.02 s so.

    >>> tapered(20, 4, 1)
    [(0, 4), (4, 8), (8, 10), (10, 12), (12, 14), (14, 15), (15, 16), (16, 17), (17, 18), (18, 19), (19, 20)]
    """
    spans, start = [], 0
    while start < n:
        step = size
        while step > max(1, size // 8) and n - start < 4 * workers * step:
            step //= 2
        step = max(1, min(step, n - start))
        spans.append((start, start + step))
        start += step
    return spans


def _widen_result_pipe(executor) -> None:
    """Let a worker write a whole result (a batch: up to about a megabyte) into the pipe
    at once, where Linux's 64 KB default makes it wait for this process to read every
    64 KB, and this process reads only when its executor thread gets the GIL between
    its own tasks (measured: a worker idle 0.25 s of 2.8 s, against 0.07 s). Best effort:
    the pipe is the executor's private result queue, and the call exists on Linux only."""
    try:
        import fcntl

        fcntl.fcntl(executor._result_queue._reader.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # the default pipe: slower hand-over, same results


def _die_with_parent(parent: int) -> None:
    """In a worker: be killed when the process that forked it dies, however it dies (a SIGKILL
    leaves no time to shut the pool down), instead of living on with the index files open.
    Linux's ``PR_SET_PDEATHSIG``; elsewhere workers end when they next read their closed queue."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


_INHERITED: list[str] | None = None  # the texts of the innermost open pool's ``inherit``, as its workers were forked


def inherited(start: int, end: int) -> list[str]:
    """In a worker of a pool opened with ``inherit=texts``: ``texts[start:end]``, as new
    strings made without writing to the inherited ones (``dedup._speedups.copied_texts``):
    their memory stays shared with the parent, where taking them from the list would copy
    the page of each one's reference count."""
    texts = _INHERITED
    if texts is None:
        raise RuntimeError("inherited() is for the workers of a Pool opened with inherit=")
    fast = _native.speedups
    return fast.copied_texts(texts, start, end) if fast is not None else texts[start:end]


class Pool:
    """Tasks run on ``workers`` processes (0: one per CPU), this one included; results
    come in task order.

    With more than one, ``workers - 1`` worker processes are forked and this process
    runs tasks too, whenever each worker already has four queued: its own results need
    no pickling, and no third process competes for the CPUs while it gathers the rest.
    Where processes cannot be forked, every task runs in this process.

    While it is open, the objects alive are frozen out of the garbage collector's sight
    (``gc.freeze``; ``gc.unfreeze`` when it closes, which also releases what
    :meth:`freeze` froze later).

    ``inherit``: texts the workers read by position (:func:`inherited`) instead of receiving
    them with each task: a forked worker has them already, and a task of 1,024 texts (a
    megabyte) pickled, written 64 KB at a time by a thread of this process that waits for
    the interpreter lock between writes, reached the worker 10 to 90 ms late.
    """

    def __init__(self, workers: int, *, inherit: list[str] | None = None) -> None:
        self.workers = processes(workers)
        self._executor: ProcessPoolExecutor | None = None
        self._inherit = inherit
        self._inherited_before: list[str] | None = None

    def __enter__(self) -> Pool:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            # spawned workers would import the caller's main module again (a script
            # without an ``if __name__ == "__main__"`` guard would run twice)
            self.workers = 1
        # Objects alive now move to the collector's permanent generation (until the pool
        # closes), so that a collection in a worker does not write to (and so copy)
        # every page of them, and collections here do not go over them either.
        gc.freeze()
        global _INHERITED
        self._inherited_before, _INHERITED = _INHERITED, self._inherit
        if self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            # fork shares the parent's imports: workers start in milliseconds
            self._executor = ProcessPoolExecutor(self.workers - 1, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_die_with_parent, initargs=(os.getpid(),))
            _widen_result_pipe(self._executor)
            # start the workers now, from this thread: the kernel's parent-death signal is tied to
            # the thread that forked, and a helper thread (thread_map) may end before the pool does
            self._executor.submit(int).result()
        return self

    def __exit__(self, *exc) -> None:
        global _INHERITED
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
        _INHERITED = self._inherited_before
        gc.unfreeze()

    def freeze(self) -> None:
        """Move the objects alive now out of the collector's sight until the pool closes.

        For results that live as long as the pool: full collections, which every
        quarter's growth of the tracked objects sets off, then do not go over all of
        them again and again (measured on a scan of the real corpus: 0.2 s of
        collections, 0.03 s so).
        """
        gc.freeze()

    def thread_map(self, fn: Callable, items: Iterable) -> list:
        """``fn(item)`` for each item, half of them on one helper thread, the results in
        any order: for numpy work that releases the GIL (candidates' sorts, band by band:
        on the real corpus 0.13 s instead of 0.22).

        One thread only: each thread's allocator arena keeps what the thread freed, and
        two helpers cost 16 MB of a scan's peak memory, one 6 MB.

        >>> with Pool(1) as pool:
        ...     sorted(pool.thread_map(abs, [-3, 1, -2]))
        [1, 2, 3]
        """
        from concurrent.futures import ThreadPoolExecutor

        items = list(items)
        with ThreadPoolExecutor(1) as helper:
            odd = helper.map(fn, items[1::2])
            even = [fn(item) for item in items[0::2]]
            return even + list(odd)

    def starmap(self, fn: Callable, tasks: Iterable[tuple], *, remote: Callable | None = None) -> Iterator:
        """``fn(*task)`` for each task (a tuple of arguments), in order.

        ``remote``, if given, is called instead of ``fn`` in a worker process: the same
        work with a result that pickles faster (the caller's to make equivalent).
        """
        if self._executor is None:
            return (fn(*args) for args in tasks)
        return self._interleaved(fn, remote or fn, tasks)

    def _interleaved(self, local: Callable, remote: Callable, tasks: Iterable[tuple]) -> Iterator:
        executor = self._executor
        assert executor is not None  # starmap interleaves only with workers
        depth = 4 * (self.workers - 1)  # tasks queued per worker, so that none waits for the next
        pending: deque = deque()  # in task order: [worker's Future, args], or [None, local result]

        def ready() -> Iterator:
            while pending and (pending[0][0] is None or pending[0][0].done()):
                future, value = pending.popleft()
                yield value if future is None else future.result()

        switch = sys.getswitchinterval()
        # This thread runs tasks for seconds at a time; the executor's threads, which hand
        # the workers their next task and take their results, need the GIL only briefly
        # but would wait up to the switch interval (5 ms) for it each time.
        sys.setswitchinterval(0.0005)
        try:
            for args in tasks:
                if sum(1 for f, _ in pending if f is not None and not f.done()) < depth:
                    pending.append([executor.submit(remote, *args), args])
                else:
                    pending.append([None, local(*args)])
                yield from ready()
            # Every task is handed out: take back those no worker has started, the last
            # first, so that this process does not wait idle for a worker's queue.
            for entry in reversed(pending):
                if entry[0] is None:
                    continue
                if not entry[0].cancel():
                    break
                entry[:] = [None, local(*entry[1])]
            while pending:
                future, value = pending.popleft()
                yield value if future is None else future.result()
        finally:
            sys.setswitchinterval(switch)
