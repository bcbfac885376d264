"""Running vigild and vigilctl from a build directory inside a namespace.

Each daemon gets its own directory holding its configuration, pid files,
control socket and log (the daemon's stderr, workers included), so tests
never share state and a failing test leaves its log behind to read.
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import time

from .wait import GiveUp, wait_for

# What a sanitizer build prints when it finds a problem.  Any of these in a
# daemon's log fails the test that ran it.
SANITIZER_PATTERNS = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"ERROR: UndefinedBehaviorSanitizer|WARNING: AddressSanitizer")


class Build:
    """Where the binaries under test are: $VIGIL_BUILD, else ./build."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.vigild = os.path.join(self.path, "vigild")
        self.vigilctl = os.path.join(self.path, "vigilctl")

    def missing(self):
        return [p for p in (self.vigild, self.vigilctl) if not os.access(p, os.X_OK)]

    def run_vigild(self, *args, netns=None, cwd=None, timeout=30):
        """vigild run to completion (-t, --dump-config, --version), in
        `netns` if given.  A sanitizer report in its output fails the test."""
        argv = [self.vigild] + [str(a) for a in args]
        if netns is not None:
            argv = netns.argv(*argv)
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              stdin=subprocess.DEVNULL)
        reports = [line for line in (proc.stdout + proc.stderr).splitlines()
                   if SANITIZER_PATTERNS.search(line)]
        assert not reports, "sanitizer report from %s:\n%s" % (" ".join(argv),
                                                               proc.stderr[-4000:])
        return proc


class CtlResult:
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError("vigilctl printed no JSON (%s): exit %d\nstdout: %s\n"
                                 "stderr: %s" % (e, self.returncode, self.stdout,
                                                 self.stderr)) from None

    def __repr__(self):
        return "CtlResult(rc=%d, stdout=%r, stderr=%r)" % (self.returncode, self.stdout[:300],
                                                          self.stderr[:300])


class LoggedProcess:
    """What the harness needs of any daemon it runs with its output in
    `log_path`: is it running, its log, a diagnosis for failed waits, and a
    wait that gives up at once when the daemon dies.  Subclasses set
    `proc`, `log_path`, `name`, `host` and `kind` (the word used when the
    daemon is gone)."""

    kind = "the daemon"

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def diagnose(self):
        state = "not started"
        if self.proc is not None:
            rc = self.proc.poll()
            state = "running (pid %d)" % self.proc.pid if rc is None else "exited %d" % rc
        return "--- %s in %s: %s; log %s, last lines ---\n%s" % (
            self.name, self.host.name, state, self.log_path, self.log_tail())

    def wait(self, condition, what, timeout=10):
        """wait_for(condition), giving up at once if the daemon exits."""
        def while_running():
            if not self.running():
                raise GiveUp("%s is not running" % self.kind)
            return condition()
        return wait_for(while_running, timeout=timeout, what=what, diagnose=self.diagnose)


class Vigild(LoggedProcess):
    """One vigild in one namespace.  Nothing runs until start()."""

    kind = "vigild"

    def __init__(self, build, host, config, basedir=None, name="vigild"):
        self.build = build
        self.host = host
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="%s." % name, dir=basedir)
        self.config_path = self.write_file("vigil.conf", config)
        self.pid_file = os.path.join(self.dir, "vigild.pid")
        self.worker_pid_files = {"vrrp": os.path.join(self.dir, "vrrp.pid"),
                                 "checker": os.path.join(self.dir, "checker.pid")}
        self.socket = os.path.join(self.dir, "control.sock")
        self.log_path = os.path.join(self.dir, "vigild.log")
        self.proc = None
        self.ctl_stderr = []     # vigilctl's stderr, checked for sanitizer reports

    # --- files ------------------------------------------------------------
    def write_file(self, relpath, text):
        path = os.path.join(self.dir, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def write_config(self, text):
        return self.write_file("vigil.conf", text)

    def argv(self, *extra):
        return [self.build.vigild, "-n", "-l", "-f", self.config_path, "-p", self.pid_file,
                "-r", self.worker_pid_files["vrrp"], "-c", self.worker_pid_files["checker"],
                "--control-socket", self.socket] + [str(a) for a in extra]

    # --- life cycle -------------------------------------------------------
    def spawn(self, *extra):
        """Start the process and return it without waiting for anything."""
        log = open(self.log_path, "a")
        log.write("=== %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.argv(*extra))))
        log.flush()
        try:
            return self.host.popen(*self.argv(*extra), stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def start(self, *extra, workers=None, timeout=10):
        """Start vigild and wait until its control socket answers and the
        given workers (default: none) report "running"."""
        self.proc = self.spawn(*extra)
        self.wait(lambda: self.status(), "the control socket to answer", timeout)
        if workers:
            self.wait_workers(workers, timeout=timeout)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None


    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=10):
        """SIGTERM and wait for the exit status (None if it had to be killed)."""
        if not self.running():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("vigild (pid %d) still running after %ss\n%s"
                                 % (self.proc.pid, timeout, self.diagnose())) from None

    def cleanup(self):
        """Stop the daemon and anything it left behind (workers whose
        parent was SIGKILLed)."""
        self.stop(timeout=5)
        in_namespace = set(self.host.pids())
        for pid in self.worker_pids_from_files().values():
            if pid in in_namespace:
                _kill_quietly(pid, signal.SIGKILL)

    # --- vigilctl ---------------------------------------------------------
    def ctl(self, *args, timeout=10):
        argv = [self.build.vigilctl, "-s", self.socket] + [str(a) for a in args]
        proc = subprocess.run(self.host.argv(*argv), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        self.ctl_stderr.append(proc.stderr)
        return CtlResult(proc)

    def status(self):
        """`vigilctl status --json`, parsed; raises if it did not answer."""
        res = self.ctl("status", "--json")
        if res.returncode != 0:
            raise AssertionError("vigilctl status exited %d: %s" % (res.returncode,
                                                                   res.stderr.strip()))
        return res.json()

    def workers(self):
        return {w["name"]: w for w in self.status()["workers"]}

    def wait_workers(self, names, state="running", timeout=10):
        def ready():
            w = self.workers()
            return all(n in w and w[n]["state"] == state for n in names) and w
        return self.wait(ready, "workers %s to be %s" % (", ".join(names), state), timeout)

    def instance(self, name):
        for inst in self.status()["vrrp"]["instances"]:
            if inst["name"] == name:
                return inst
        raise AssertionError("no vrrp instance %r in status" % name)

    # --- observation ------------------------------------------------------
    def worker_pids_from_files(self):
        pids = {}
        for name, path in self.worker_pid_files.items():
            pid = read_pid_file(path)
            if pid:
                pids[name] = pid
        return pids



    def sanitizer_reports(self):
        text = self.log_text() + "\n".join(self.ctl_stderr)
        return [line for line in text.splitlines() if SANITIZER_PATTERNS.search(line)]


def read_pid_file(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def pid_alive(pid):
    """True if the process exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _kill_quietly(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
