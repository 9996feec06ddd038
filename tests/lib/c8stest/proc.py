"""Processes, ports, temp dirs and deadlines for c8s integration tests.

Every process started here is ended by its PID (SIGTERM, then SIGKILL after a grace period) when the
test stops it, at interpreter exit (atexit), on SIGTERM/SIGINT, and by the kernel if the test runner
itself dies (PR_SET_PDEATHSIG). Every temp dir made here is removed at exit.
"""

import atexit
import ctypes
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

_PR_SET_PDEATHSIG = 1
_live_processes = []  # Process objects not yet reaped, ended at exit
_temp_dirs = []  # paths removed at exit
_handed_out_ports = set()


class DeadlineExceeded(AssertionError):
    """A wait_for condition did not hold before its deadline (an AssertionError: the test fails)."""


class WaitAborted(AssertionError):
    """Raised by a wait_for condition to stop waiting at once (e.g. the process has exited)."""


def wait_for(condition, timeout=10.0, interval=0.02, what="condition"):
    """Polls condition() until it returns a truthy value and returns that value.

    Exceptions raised by condition() count as "not yet" until the deadline; the last one is named in
    the DeadlineExceeded raised when timeout seconds pass without success. WaitAborted ends the
    wait at once.
    """
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except WaitAborted:
            raise
        except Exception as e:  # noqa: BLE001 - polled conditions may fail while a server starts
            last_error = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise DeadlineExceeded(f"timed out after {timeout:.1f}s waiting for {what}{detail}")
        time.sleep(interval)


def free_port():
    """Returns a TCP port on 127.0.0.1 that was free a moment ago and not handed out before."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out_ports:
            _handed_out_ports.add(port)
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def make_temp_dir(prefix="c8stest-"):
    """Creates a temp dir that is removed at exit (or earlier by remove_temp_dir)."""
    path = tempfile.mkdtemp(prefix=prefix)
    _temp_dirs.append(path)
    return path


def remove_temp_dir(path):
    """Removes a dir made by make_temp_dir now."""
    shutil.rmtree(path, ignore_errors=True)
    if path in _temp_dirs:
        _temp_dirs.remove(path)


def _set_parent_death_signal():
    """Runs in the child before exec: the kernel sends SIGKILL when the test runner dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort, atexit still ends the process
        pass


class Process:
    """One child process whose stdout and stderr go to log_path.

    start() runs it; stop() ends it by PID (SIGTERM, then SIGKILL); kill9() sends SIGKILL at once.
    """

    def __init__(self, name, argv, log_path, env=None, cwd=None):
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.popen = None

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def start(self):
        """Starts the process (appending to its log); raises if it is already running."""
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        with open(self.log_path, "ab") as log:
            log.write(f"=== start: {' '.join(self.argv)}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.cwd, preexec_fn=_set_parent_death_signal)
        _live_processes.append(self)
        return self

    def is_running(self):
        return self.popen is not None and self.popen.poll() is None

    def exit_code(self):
        """The exit status once it has ended (negative = signal), else None."""
        return self.popen.poll() if self.popen else None

    def _signal(self, sig):
        try:
            os.kill(self.popen.pid, sig)
        except OSError as e:
            if e.errno != errno.ESRCH:
                raise

    def stop(self, grace=5.0):
        """Ends the process by PID: SIGTERM, then SIGKILL after grace seconds; reaps it."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._forget()
        return self.popen.returncode

    def kill9(self):
        """Sends SIGKILL by PID and reaps the process (a crash, as in etcd's robustness tests)."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self._signal(signal.SIGKILL)
            self.popen.wait(timeout=10)
        self._forget()
        return self.popen.returncode

    def _forget(self):
        if self in _live_processes:
            _live_processes.remove(self)

    def log_text(self, tail_lines=None):
        """The captured stdout+stderr (the last tail_lines lines when given)."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        if tail_lines is not None:
            text = "\n".join(text.splitlines()[-tail_lines:])
        return text


def stop_all_processes():
    """Ends every process started here that is still running (by PID)."""
    for proc in list(_live_processes):
        try:
            proc.stop(grace=2.0)
        except Exception:  # noqa: BLE001 - keep ending the others
            pass


def _cleanup_at_exit():
    stop_all_processes()
    for path in list(_temp_dirs):
        shutil.rmtree(path, ignore_errors=True)
    _temp_dirs.clear()


def _on_fatal_signal(signum, _frame):
    _cleanup_at_exit()
    sys.stderr.write(f"c8stest: ended by signal {signum}; child processes stopped\n")
    os._exit(128 + signum)


atexit.register(_cleanup_at_exit)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    try:
        signal.signal(_sig, _on_fatal_signal)
    except (ValueError, OSError):  # not the main thread
        pass
