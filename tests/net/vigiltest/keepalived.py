"""Running Debian's keepalived as a VRRP peer inside a namespace.

keepalived is the reference vigil must interoperate with on the wire.  Each
instance gets its own directory (configuration, pid files, log), runs in
the foreground (-n) with only its VRRP subsystem (-P), and logs to its
console (-l -D), which is redirected to the log file the tests read.

Its VRRP state is read from the log ("(NAME) Entering MASTER STATE") and
from the VIPs on its interface; stop() is keepalived's clean shutdown
(SIGTERM: the VRRP child sends priority 0 adverts); a crash is simulated
by cutting the host off the LAN first (Lan.cut).
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile

from .daemon import LoggedProcess, read_pid_file

BINARY = "/usr/sbin/keepalived"

# What keepalived 2.2.7 logs when it refuses or distrusts a received
# advert (checksum, TTL, version, type, length, address list, interval,
# authentication, unicast source, unicast/multicast mix, its old-checksum
# fallback).  Normal protocol events ("received advert with higher
# priority") are not in it.
PACKET_COMPLAINTS = re.compile(
    r"checksum|invalid|wrong version|packet too|unexpected ip number count|"
    r"ip_tot_len mismatch|not present in MASTER advert|expected \d+ VIPs|"
    r"interval mismatch|advertisement interval updated|changing advert interval|"
    r"not a unicast peer|TTL/HL \d+ not in range|auth|icast packet",
    re.IGNORECASE)


def available():
    return os.access(BINARY, os.X_OK)


def instance_config(name="VI_1", vrid=51, priority=100, interface="eth0",
                    vips=("10.0.0.100/24",), version=3, advert_int=1, extra=""):
    vip_lines = "".join("        %s\n" % v for v in vips)
    return ("vrrp_instance %s {\n"
            "    state BACKUP\n"
            "    interface %s\n"
            "    virtual_router_id %d\n"
            "    priority %d\n"
            "    version %d\n"
            "    advert_int %s\n"
            "%s"
            "    virtual_ipaddress {\n%s    }\n"
            "}\n") % (name, interface, vrid, priority, version, advert_int, extra, vip_lines)


def config(router_id="keepalived-peer", **kw):
    # Gratuitous ARPs / NAs only at the transition: no second burst
    # (master_delay) and no periodic refresh to clutter captures.
    return ("global_defs {\n"
            "    router_id %s\n"
            "    vrrp_garp_master_delay 0\n"
            "    vrrp_garp_master_refresh 0\n"
            "}\n" % router_id) + instance_config(**kw)


class Keepalived(LoggedProcess):
    """One keepalived in one namespace.  Nothing runs until start()."""

    kind = "keepalived"

    def __init__(self, host, config_text, basedir=None, name="keepalived"):
        self.host = host
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="%s." % name, dir=basedir)
        self.config_path = os.path.join(self.dir, "keepalived.conf")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.pid_file = os.path.join(self.dir, "keepalived.pid")
        self.vrrp_pid_file = os.path.join(self.dir, "vrrp.pid")
        self.log_path = os.path.join(self.dir, "keepalived.log")
        self.proc = None

    def argv(self):
        return [BINARY, "-n", "-l", "-D", "-P", "-f", self.config_path,
                "-p", self.pid_file, "-r", self.vrrp_pid_file]

    def start(self, timeout=10):
        """Start keepalived and wait until its instances have entered their
        first state (their timers run from then on)."""
        log = open(self.log_path, "a")
        try:
            self.proc = self.host.popen(*self.argv(), stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        self.wait(lambda: read_pid_file(self.vrrp_pid_file) and self.transitions_all(),
                  "keepalived's VRRP instances to start", timeout)
        return self

    def terminate(self):
        """Start a clean shutdown (SIGTERM: the VRRP child sends priority
        0 adverts at once; the whole exit takes about a second)."""
        if self.running():
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout=10):
        """Clean shutdown; its exit status, None if it had to be killed."""
        self.terminate()
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def cleanup(self, keep_dir=False):
        self.stop(timeout=5)
        # A VRRP child orphaned by a killed parent.
        pid = read_pid_file(self.vrrp_pid_file)
        if pid and pid in self.host.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- observation ----------------------------------------------------
    def transitions(self, instance="VI_1"):
        """The states the instance entered, in order, from its log."""
        pat = re.compile(r"\(%s\) Entering (\w+) STATE" % re.escape(instance))
        return pat.findall(self.log_text())

    def transitions_all(self):
        return re.findall(r"\) Entering (\w+) STATE", self.log_text())

    def state(self, instance="VI_1"):
        t = self.transitions(instance)
        return t[-1] if t else None

    def complaints(self):
        """Log lines where keepalived says it refused or distrusted a packet."""
        return [line for line in self.log_text().splitlines() if PACKET_COMPLAINTS.search(line)]

    def wait_state(self, want, instance="VI_1", timeout=10):
        return self.wait(lambda: self.state(instance) == want,
                         "keepalived's %s to be %s" % (instance, want), timeout)

    def since(self):
        """A mark in the log: pass it to log_after() to read what came later."""
        return len(self.log_text())

    def log_after(self, mark):
        return self.log_text()[mark:]
