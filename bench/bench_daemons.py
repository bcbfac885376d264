"""vigild and keepalived run the same way: in a host namespace, in the
foreground, VRRP only, logging to a file, each with its own directory for
configuration and pid files.  Both are given the same configuration text.

The processes of a daemon are its parent and every descendant (vigild's
workers are re-executed children, keepalived's VRRP process is forked);
CPU and memory figures are summed over them.
"""

import os
import signal
import subprocess
import tempfile
import time

KEEPALIVED = "/usr/sbin/keepalived"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Daemon:
    """One daemon (kind "vigil" or "keepalived") in one namespace."""

    def __init__(self, kind, host, config, workdir, name, vigil_build=None):
        self.kind = kind
        self.host = host
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="%s-%s." % (kind, name), dir=workdir)
        self.conf = os.path.join(self.dir, "daemon.conf")
        self.log = os.path.join(self.dir, "daemon.log")
        self.vigil_build = vigil_build
        self.proc = None
        self.started_at = None
        self.write_config(config)

    def write_config(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def argv(self):
        d = self.dir
        if self.kind == "keepalived":
            return [KEEPALIVED, "-n", "-l", "-P", "-f", self.conf,
                    "-p", d + "/parent.pid", "-r", d + "/vrrp.pid", "-c", d + "/checker.pid"]
        return [os.path.join(self.vigil_build, "vigild"), "-n", "-l", "-P", "-f", self.conf,
                "-p", d + "/parent.pid", "-r", d + "/vrrp.pid", "-c", d + "/checker.pid",
                "--control-socket", d + "/ctl.sock"]

    def start(self):
        with open(self.log, "a") as log:
            log.write("=== %s %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.argv())))
            log.flush()
            self.proc = self.host.popen(*self.argv(), stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.started_at = time.monotonic()
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM (a clean stop: priority 0 adverts) and wait; SIGKILL the
        lot if it does not exit in time.  Returns the exit status or None."""
        if not self.running():
            return self.proc.returncode if self.proc else None
        family = self.processes()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = None
        self._kill(family)
        if rc is None:
            self.proc.wait()
        return rc

    def kill(self):
        if self.proc is None:
            return
        self._kill(self.processes() + [self.proc.pid])
        self.proc.wait()

    @staticmethod
    def _kill(pids):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def processes(self):
        """The parent and all its living descendants."""
        if not self.running():
            return []
        children = _children_map()
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def log_tail(self, lines=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except FileNotFoundError:
            return ""


def _children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if fields[0] != "Z":
            kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def cpu_seconds(pids):
    """{pid: utime+stime in seconds} of each living pid."""
    out = {}
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # fields[0] is the state (field 3 of stat); utime and stime are
        # fields 14 and 15.
        out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def memory_kib(pids):
    """{rss, pss, pss_anon} in KiB summed over the pids.  The RSS sum counts
    pages a parent shares with its children (and the binary and libraries)
    once per process; PSS splits every shared page among its users, so the
    PSS sum is the memory the daemon is responsible for; the anonymous part
    of it (heap, stacks) leaves out clean file pages (code, libraries)."""
    keys = {"VmRSS:": "rss", "Pss:": "pss", "Pss_Anon:": "pss_anon"}
    out = dict.fromkeys(keys.values(), 0)
    for pid in pids:
        for path in ("/proc/%d/status" % pid, "/proc/%d/smaps_rollup" % pid):
            try:
                with open(path) as f:
                    for line in f:
                        word = line.split(None, 1)[0] if line.strip() else ""
                        if word in keys:
                            out[keys[word]] += int(line.split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
    return out


def vrrp_config(router_id, instances, version=3, advert_int=1):
    """keepalived.conf text for both daemons.  `instances` holds
    (name, interface, vrid, priority, vip_with_prefix) tuples; every
    instance starts as BACKUP and preempts (the defaults)."""
    parts = ["global_defs {\n    router_id %s\n}\n" % router_id]
    for name, ifname, vrid, prio, vip in instances:
        parts.append(
            "vrrp_instance %s {\n"
            "    state BACKUP\n"
            "    interface %s\n"
            "    virtual_router_id %d\n"
            "    priority %d\n"
            "    version %d\n"
            "    advert_int %s\n"
            "    virtual_ipaddress {\n"
            "        %s\n"
            "    }\n"
            "}\n" % (name, ifname, vrid, prio, version, advert_int, vip))
    return "".join(parts)


def keepalived_version():
    try:
        out = subprocess.run([KEEPALIVED, "-v"], capture_output=True, text=True,
                             timeout=10)
    except OSError:
        return None
    first = (out.stdout + out.stderr).strip().splitlines()
    return first[0] if first else None
