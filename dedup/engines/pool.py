"""Pool: the worker processes of one machine, and every process-wide trick in one place.

:class:`Pool` runs tasks on ``workers`` processes, this one included, and gives their
results back in task order. What makes it fast is kept here, out of the stages: forked
workers (they share the parent's imports and memory, and read inherited texts in place),
the cyclic garbage collector (off while the pool is open), and a hand-over with
no thread in this process: it writes a worker's next task and reads its results itself,
between its own tasks, on pipes wide enough to hold them. The local engine and the index
use it; no other module touches ``gc``, processes or pipes.

>>> with Pool(1) as pool:
...     list(pool.starmap(pow, [(2, 3), (3, 2)]))
[8, 9]
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from mmap import mmap
from struct import Struct
from typing import Any

from .. import _native
from ..errors import ConfigError


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


_PIPE = 1 << 20  # bytes a pipe to or from a worker holds (Linux's default: 64 KB)
_DEPTH = 3  # tasks a worker holds at most: the one it runs and the next ones, read as it finishes one
_HEADER = 8  # a message: its length (8 bytes, little-endian), then its pickle
_TAKEN = Struct("<qq")  # the range of task numbers a worker skips (taken back by the parent)


def _pipe() -> tuple[int, int]:
    """A pipe (read end, write end) that holds :data:`_PIPE` bytes: a worker writes a whole
    result (a batch: up to about a megabyte) at once, and this process a task or two ahead,
    where with 64 KB either would wait for the other to read. (The size is best effort:
    the call exists on Linux only.)"""
    read, write = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # the default pipe: slower hand-over, same results
    return read, write


def _send(fd: int, payload: bytes) -> None:
    """Write one message (the payload, a pickle) whole: its length, then itself (not copied
    after the length: a batch's result is megabytes)."""
    parts = [memoryview(len(payload).to_bytes(_HEADER, "little")), memoryview(payload)]
    while parts:
        written = os.writev(fd, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts.pop(0))
        if parts:
            parts[0] = parts[0][written:]


def _receive(fd: int, buffer: bytearray | None = None) -> memoryview:
    """Read one message's payload whole (into ``buffer``, grown to hold it, where given: a
    buffer used again is not zeroed and faulted in anew for each message, a quarter of a
    gigabyte at 10^5 documents); EOFError if the pipe closed first."""
    size = int.from_bytes(_read(fd, _HEADER, bytearray(_HEADER)), "little")
    if buffer is None:
        buffer = bytearray(size)
    elif len(buffer) < size:
        buffer.extend(bytes(size - len(buffer)))
    return _read(fd, size, buffer)


def _read(fd: int, size: int, buffer: bytearray) -> memoryview:
    """Read ``size`` bytes into the start of ``buffer``, as they come."""
    view, got = memoryview(buffer)[:size], 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise EOFError
        got += n
    return view


def _serve(tasks: int, results: int, taken: mmap) -> None:
    """A worker's life: run each task ``(number, fn, args)`` read from ``tasks`` and write back
    ``(True, result)`` or ``(False, the exception)``, until it reads None (or the pipe closes);
    a task whose number the parent took back (``taken``: a range, in memory shared with it) is
    not run, and answered ``(None, None)``.

    Results are written by a thread of the worker's, so that it goes on with its next task
    while the parent, busy with one of its own, has not yet read the last result (a batch's
    result is most of a pipe: written by the worker itself, it waited idle 0.12 s of 0.62).
    """
    import pickle
    import threading
    from queue import SimpleQueue

    outbox: SimpleQueue = SimpleQueue()

    def send() -> None:
        while (payload := outbox.get()) is not None:
            _send(results, payload)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    while True:
        try:
            task = pickle.loads(_receive(tasks))
        except EOFError:
            break
        if task is None:
            break
        number, fn, args = task
        low, high = _TAKEN.unpack_from(taken)
        try:
            outcome: tuple = (None, None) if low <= number < high else (True, fn(*args))
        except Exception as error:  # raised again in the parent
            outcome = (False, error)
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # a result or exception that does not pickle
            failure = RuntimeError(f"a worker could not hand back what its task gave: {error!r}")
            payload = pickle.dumps((False, failure), protocol=pickle.HIGHEST_PROTOCOL)
        outbox.put(payload)
    outbox.put(None)
    sender.join()


class _Worker:
    """A forked worker process, its two pipes (this process's ends), and the tasks it holds
    (their entries in the order they were sent: its results come back in that order)."""

    def __init__(self, others: list[int]) -> None:
        """Fork the worker; ``others``: file descriptors of this process's it closes at once
        (the other workers' pipes)."""
        task_read, task_write = _pipe()
        result_read, result_write = _pipe()
        self.taken = mmap(-1, _TAKEN.size)  # shared with the worker: the numbers of the tasks taken back
        parent = os.getpid()
        pid = os.fork()  # from this thread: the kernel's parent-death signal is tied to the thread that forked
        if pid == 0:  # the worker
            code = 1
            try:
                _die_with_parent(parent)
                import signal

                signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C is the parent's to handle: it ends the workers
                for fd in [task_write, result_read, *others]:
                    os.close(fd)
                _serve(task_read, result_write, self.taken)
                code = 0
            finally:
                os._exit(code)  # no exit handlers, no buffers of the parent's flushed twice
        os.close(task_read)
        os.close(result_write)
        self.pid, self.tasks, self.results = pid, task_write, result_read
        self.held: deque = deque()  # (entry, bytes, number) of each task sent and not yet answered
        self.bytes = 0  # the bytes of those tasks (an upper bound of what waits in its pipe)
        self.sent = 0  # tasks sent: the next one's number
        self.exitcode: int | None = None
        self.buffer = bytearray()  # where its results are read (see _receive), up to _PIPE * 16 bytes kept

    def send(self, entry: list, fn: Callable, args: tuple) -> bool:
        """Send a task unless it would not fit in the pipe beside those the worker holds (writing
        it would wait for the worker to read the one before): whether it was sent."""
        import pickle

        payload = pickle.dumps((self.sent, fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        if self.held and self.bytes + len(payload) > _PIPE:
            return False
        _send(self.tasks, payload)
        self.held.append((entry, len(payload), self.sent))
        self.bytes += len(payload)
        self.sent += 1
        return True

    def take_back(self, local: Callable) -> bool:
        """Run here the last task the worker holds beyond the one it runs (it will answer that
        it skipped it, or, had it started it, with a result that is dropped): whether there was one.

        At a stage's end, this process would otherwise wait for the worker's last tasks
        (20 ms of verify on the real corpus)."""
        open_ = [(entry, number) for entry, _, number in self.held if entry[0] is not None]
        if len(open_) < 2:
            return False
        entry, number = open_[-1]  # (the ones after it taken back already: the range grows down)
        low, high = _TAKEN.unpack_from(self.taken)
        _TAKEN.pack_into(self.taken, 0, number, high if high > low else number + 1)
        entry[:] = [None, local(*entry[2])]
        return True

    def forget_taken(self) -> None:
        """No task taken back (at a stage's start, when the worker holds none)."""
        _TAKEN.pack_into(self.taken, 0, 0, 0)

    def receive(self) -> None:
        """Read the next result into its entry (:meth:`Pool._interleaved`)."""
        import pickle

        try:
            ok, value = pickle.loads(_receive(self.results, self.buffer))
        except (EOFError, OSError):
            self.join(0.5)
            raise RuntimeError(f"a worker process ended before it handed back its task (exit code "
                               f"{self.exitcode}; killed, or out of memory?)") from None
        if len(self.buffer) > _PIPE * 16:  # (a result of a huge document's) not kept for the next ones
            self.buffer = bytearray()
        entry, size, _ = self.held.popleft()
        self.bytes -= size
        if entry[0] is None:  # taken back (skipped, or run by both)
            return
        if not ok:
            raise value if ok is False else RuntimeError("a worker skipped a task it was not asked to")
        entry[:] = [None, value]

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the worker to end; whether it has."""
        import time

        deadline = time.monotonic() + timeout
        while self.exitcode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # waited for by the other thread, which is about to say how it ended
                pid = 0
            if pid:
                self.exitcode = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= deadline:
                return False
            else:
                time.sleep(0.001)
        return True

    def close(self, now: bool) -> None:
        """End the worker: it reads the end of its tasks and ends, waited for by a thread (its
        memory freed by the kernel as it exits took 10-20 ms of a scan), unless ``now``: killed."""
        import threading

        if not now:
            try:
                _send(self.tasks, _END)
            except OSError:  # (it has died)
                now = True
        if now:
            self._end(0)
        else:
            threading.Thread(target=self._end, args=(5,), daemon=True).start()
        os.close(self.tasks)
        os.close(self.results)
        self.taken.close()

    def _end(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the worker to end, then kill it."""
        import signal

        if not self.join(timeout):
            os.kill(self.pid, signal.SIGKILL)
            self.join(60)


_END = b"N."  # None, pickled: a worker's last task


def _die_with_parent(parent: int) -> None:
    """In a worker: be killed when the process that forked it dies, however it dies (a SIGKILL
    leaves no time to shut the pool down), instead of living on with the index files open.
    Linux's ``PR_SET_PDEATHSIG``; elsewhere workers end when they next read their closed pipe."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


_INHERITED: list[str] | None = None  # the texts of the innermost open pool's ``inherit``, as its workers were forked
_SHARED = False  # whether that pool forked workers, which share the texts' memory


def inherited(start: int, end: int) -> list[str]:
    """In a pool opened with ``inherit=texts`` (in its workers and in the process that opened
    it): ``texts[start:end]``; where workers were forked, as new strings made without writing to
    the shared ones (``dedup._speedups.copied_texts``): taking them from the list would write
    each one's reference count, and so copy its page (at 10^5 documents 0.15 s of page faults
    in the process that opened the pool, and the copies' memory)."""
    texts = _INHERITED
    if texts is None:
        raise RuntimeError("inherited() is for a Pool opened with inherit=")
    fast = _native.speedups
    return fast.copied_texts(texts, start, end) if _SHARED and fast is not None else texts[start:end]


class Pool:
    """Tasks run on ``workers`` processes (0: one per CPU), this one included; results
    come in task order.

    With more than one, ``workers - 1`` worker processes are forked and this process
    runs tasks too, whenever each worker already holds :data:`_DEPTH`: its own results
    need no pickling, and no third process competes for the CPUs while it gathers the
    rest. Between its tasks this process reads the results that came and writes each
    worker its next tasks itself. (The standard library's ``ProcessPoolExecutor`` does
    both on threads of this process, which wait for the interpreter lock while this one
    runs compiled code holding it: a worker given a task of a few bytes got it 10 to
    60 ms late, and was idle half of the template stage.) Where processes cannot be
    forked, every task runs in this process.

    While it is open, the cyclic garbage collector is off, here and in the workers, and
    the objects alive when it opened are frozen out of its sight (``gc.freeze``) until it
    closes, when those made meanwhile join them in the oldest generation. A scan's records
    hold no reference cycles (a whole scan of the real corpus leaves 42 objects in cycles,
    of classes made at first use), so the collections only went over live objects: 0.03 s
    of a scan of the real corpus, 0.45 s at 10^5 documents (and 0.13 s for the first one
    after), with the same peak memory without them.

    ``inherit``: texts the workers read by position (:func:`inherited`) instead of receiving
    them with each task: a forked worker has them already, and a task of 1,024 texts (a
    megabyte) would be pickled, written and read again.
    """

    def __init__(self, workers: int, *, inherit: list[str] | None = None) -> None:
        self.workers = processes(workers)
        self._workers: list[_Worker] = []
        self._inherit = inherit
        self._inherited_before: tuple[list[str] | None, bool] = (None, False)
        self._collecting = True

    def __enter__(self) -> Pool:
        if not hasattr(os, "fork"):
            # spawned workers would import the caller's main module again (a script
            # without an ``if __name__ == "__main__"`` guard would run twice)
            self.workers = 1
        # Objects alive now move to the collector's permanent generation (until the pool
        # closes), so that a collection in a worker, were it turned on, would not write to
        # (and so copy) every page of them.
        self._collecting = gc.isenabled()
        gc.disable()
        gc.freeze()
        global _INHERITED, _SHARED
        self._inherited_before = (_INHERITED, _SHARED)
        _INHERITED, _SHARED = self._inherit, self.workers > 1
        try:
            for _ in range(self.workers - 1):  # fork shares the parent's imports: workers start in milliseconds
                self._workers.append(_Worker([fd for w in self._workers for fd in (w.tasks, w.results)]))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        global _INHERITED, _SHARED
        failed = bool(exc) and exc[0] is not None
        for worker in self._workers:
            worker.close(now=failed or bool(worker.held))  # (tasks still held: the caller stopped, or failed)
        self._workers = []
        _INHERITED, _SHARED = self._inherited_before
        # What was made while the pool was open, and is still alive (a scan's records), joins
        # the oldest generation with what was alive before, unvisited: left in the youngest,
        # the first collection after would go over all of it (0.13 s after a scan of 10^5 documents).
        gc.freeze()
        gc.unfreeze()
        if self._collecting:
            gc.enable()

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
        import threading

        items = list(items)
        odd: list = []
        failed: list[BaseException] = []

        def help_out() -> None:
            try:
                odd.extend(map(fn, items[1::2]))
            except BaseException as error:  # raised again by the caller's thread
                failed.append(error)

        helper = threading.Thread(target=help_out, daemon=True)
        helper.start()
        try:
            even = [fn(item) for item in items[0::2]]
        finally:
            helper.join()
        if failed:
            raise failed[0]
        return even + odd

    def starmap(self, fn: Callable, tasks: Iterable[tuple], *, remote: Callable | None = None) -> Iterator:
        """``fn(*task)`` for each task (a tuple of arguments), in order.

        ``remote``, if given, is called instead of ``fn`` in a worker process: the same
        work with a result that pickles faster (the caller's to make equivalent).
        """
        if not self._workers:
            return (fn(*args) for args in tasks)
        return self._interleaved(fn, remote or fn, tasks)

    def _interleaved(self, local: Callable, remote: Callable, tasks: Iterable[tuple]) -> Iterator:
        from select import select

        workers = self._workers
        for worker in workers:  # (the tasks of an earlier call left unread, if its caller stopped early)
            while worker.held:
                worker.receive()
            worker.forget_taken()
        pending: deque = deque()  # in task order: [the worker holding it, None], or [None, its result]
        by_pipe = {worker.results: worker for worker in workers}

        def collect(block: bool) -> None:
            """Read every result that has come (``block``: wait for one at least)."""
            while True:
                waiting = [w.results for w in workers if w.held]
                ready = select(waiting, [], [], None if block else 0)[0] if waiting else []
                if not ready:
                    return
                for pipe in ready:
                    by_pipe[pipe].receive()
                block = False

        for args in tasks:
            collect(False)
            worker = min(workers, key=lambda w: len(w.held))
            entry: list[Any] = [worker, None, args]
            if len(worker.held) < _DEPTH and worker.send(entry, remote, args):
                pending.append(entry)
            else:
                pending.append([None, local(*args)])
            while pending and pending[0][0] is None:
                yield pending.popleft()[1]
        # every task handed out: the workers' last ones taken back while they are busy with others
        while any(w.take_back(local) for w in workers):
            collect(False)
        while pending:
            if pending[0][0] is not None:
                collect(True)
            else:
                yield pending.popleft()[1]
