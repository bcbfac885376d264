"""Network namespace topologies for the network tier.

A LAN is one namespace holding a Linux bridge ("the switch") and N host
namespaces, each with a veth `eth0` whose peer is a port of that bridge.
Hosts get 10.<net>.0.<i>/24 and fd00:<net>::<i>/64; nothing is ever routed
outside the namespaces a test made.

Namespace names are PREFIX + pid + counter + role, so parallel runs and
leftovers of killed runs never clash; sweep() removes the namespaces of
runs whose process is gone.
"""

import atexit
import itertools
import os
import re
import signal
import subprocess
import time

PREFIX = "vgt"
_NAME_RE = re.compile(r"^%s(\d+)-" % PREFIX)
_counter = itertools.count(1)
_live = set()       # every Netns not yet deleted, for the atexit safety net


def sh(*argv, check=True, input=None, timeout=30):
    """Run argv, return CompletedProcess with text output; a failure raises
    with the command's stderr in the message."""
    res = subprocess.run(argv, capture_output=True, text=True, input=input, timeout=timeout)
    if check and res.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(argv), res.returncode,
                                                 res.stderr.strip()))
    return res


def unique_name(role):
    return "%s%d-%d%s" % (PREFIX, os.getpid(), next(_counter), role)


class Netns:
    """One network namespace; killing what runs in it and deleting it is
    delete(), safe to call twice."""

    def __init__(self, role):
        self.name = unique_name(role)
        sh("ip", "netns", "add", self.name)
        _live.add(self)
        self.exec("ip", "link", "set", "lo", "up")

    def argv(self, *argv):
        return ["ip", "netns", "exec", self.name] + [str(a) for a in argv]

    def exec(self, *argv, check=True, input=None, timeout=30):
        return sh(*self.argv(*argv), check=check, input=input, timeout=timeout)

    def popen(self, *argv, **kw):
        return subprocess.Popen(self.argv(*argv), **kw)

    def pids(self):
        res = sh("ip", "netns", "pids", self.name, check=False)
        return [int(p) for p in res.stdout.split()]

    def delete(self):
        if self not in _live:
            return
        _live.discard(self)
        kill_namespace(self.name)

    def __repr__(self):
        return "Netns(%s)" % self.name


def kill_namespace(name):
    """SIGKILL everything in the namespace, then delete it."""
    for _ in range(50):
        pids = sh("ip", "netns", "pids", name, check=False).stdout.split()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        time.sleep(0.02)
    sh("ip", "netns", "delete", name, check=False)


class Host(Netns):
    """A host on a LAN: eth0 with an IPv4 and an IPv6 address."""

    def __init__(self, index, net):
        super().__init__("h%d" % index)
        self.index = index
        self.addr4 = "10.%d.0.%d" % (net, index)
        self.addr6 = "fd00:%d::%d" % (net, index)
        self.ifname = "eth0"


class Lan:
    """A bridge namespace and `hosts` host namespaces, wired and up.  Host i
    (1-based) is plugged into bridge port p<i>."""

    def __init__(self, hosts=2, net=0):
        self.net = net
        self.switch = Netns("sw")
        self.hosts = []
        try:
            self.switch.exec("ip", "link", "add", "br0", "type", "bridge")
            self.switch.exec("ip", "link", "set", "br0", "up")
            for i in range(1, hosts + 1):
                self.hosts.append(self._plug(i))
        except BaseException:
            self.delete()
            raise

    def _plug(self, i):
        host = Host(i, self.net)
        port = "p%d" % i
        # Created directly in both namespaces, so no name ever appears in
        # the caller's namespace.
        sh("ip", "link", "add", "eth0", "netns", host.name, "type", "veth",
           "peer", "name", port, "netns", self.switch.name)
        self.switch.exec("ip", "link", "set", port, "master", "br0", "up")
        host.exec("ip", "addr", "add", "%s/24" % host.addr4, "dev", "eth0")
        host.exec("ip", "-6", "addr", "add", "%s/64" % host.addr6, "dev", "eth0", "nodad")
        host.exec("ip", "link", "set", "eth0", "up")
        return host

    def port(self, host):
        return "p%d" % host.index

    def cut(self, host):
        """Take the host off the LAN at once: no farewell packet gets out."""
        self.switch.exec("ip", "link", "set", self.port(host), "down")

    def mend(self, host):
        self.switch.exec("ip", "link", "set", self.port(host), "up")

    def delete(self):
        for host in self.hosts:
            host.delete()
        self.switch.delete()

    def __getitem__(self, i):
        return self.hosts[i]

    def __len__(self):
        return len(self.hosts)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(prefix=PREFIX, include_own=False):
    """Delete namespaces left by runs whose process no longer exists (and
    ours too with include_own).  Returns the names removed."""
    removed = []
    out = sh("ip", "netns", "list", check=False).stdout
    for line in out.splitlines():
        name = line.split()[0] if line.split() else ""
        m = _NAME_RE.match(name)
        if not name.startswith(prefix) or not m:
            continue
        pid = int(m.group(1))
        if (pid == os.getpid() and include_own) or (pid != os.getpid() and not _pid_alive(pid)):
            kill_namespace(name)
            removed.append(name)
    return removed


@atexit.register
def _delete_leftovers():
    for ns in list(_live):
        ns.delete()
