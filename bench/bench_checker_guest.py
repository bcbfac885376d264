"""The guest half of bench/checker: runs inside Debian's kernel under qemu
(tests/vm/vigilvm.py), where IPVS exists, and prints one JSON line per
scenario ("BENCH-CHECKER-JSON {...}").

    python3 bench_checker_guest.py --build DIR --servers 1000,10000 \
        --kinds tcp,http --window 20 [--warmup 3] [--per-vs 100]

Topology: the daemons run in the guest's root namespace; the real servers
are in namespace "rs" (--rs-netns) behind a veth pair (veth0 10.0.0.254 | veth1
10.0.0.1).  Virtual server j is 10.2.(j/250).(j%250+1):80 and holds
--per-vs real servers on one address, 10.1.(j/250).(j%250+1), ports
10000 and up; one backend process (two with SO_REUSEPORT) listens on those
ports of every address.  tcpdump on veth1 records every SYN towards the
real servers with its kernel timestamp; the time between two checks of the
same real server, minus delay_loop, is that check's lateness.

bench/checker --native runs this script on the host, inside a namespace of
its own, with --daemons vigil: the host's kernel has no IPVS, which
keepalived's checker cannot run without, and vigild checks all the same.
Without IPVS the table figures are absent and the start is timed to the
first check of every real server (vigilctl status).
"""

import argparse
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_daemons                                   # noqa: E402
import bench_report as rep                             # noqa: E402

FIRST_PORT = 10000
WORK = "/tmp/bench-checker"
DELAY_LOOP_S = 1.0
LATE_LIMIT_S = 0.010
SYN_FILTER = "dst net 10.1.0.0/16 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"


def say(msg):
    print("BENCH %s %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


# ---- configuration text (the same for both daemons) ----

def vs_addr(j, net):
    return "10.%d.%d.%d" % (net, j // 250, j % 250 + 1)


CHECKS = {
    "tcp": "        TCP_CHECK {\n            connect_timeout 2\n        }\n",
    "http": ("        HTTP_GET {\n            url {\n                path /\n"
             "                status_code 200\n            }\n"
             "            connect_timeout 2\n        }\n"),
}


def checker_config(servers, kind, per_vs):
    """keepalived.conf text: servers / per_vs virtual servers, delay_loop 1."""
    parts = ["global_defs {\n    router_id bench-checker\n}\n"]
    for j in range(servers // per_vs):
        parts.append("virtual_server %s 80 {\n    delay_loop %g\n    lvs_sched rr\n"
                     "    lvs_method NAT\n    protocol TCP\n" % (vs_addr(j, 2), DELAY_LOOP_S))
        rs = vs_addr(j, 1)
        for p in range(per_vs):
            parts.append("    real_server %s %d {\n        weight 1\n%s    }\n"
                         % (rs, FIRST_PORT + p, CHECKS[kind]))
        parts.append("}\n")
    return "".join(parts)


# ---- network, backends, capture ----

RS_NETNS = "rs"


def in_rs(cmd):
    return "ip netns exec %s %s" % (RS_NETNS, cmd)


def setup_network(n_addrs):
    sh("ip link set lo up; ip netns add %s; ip link add veth0 type veth peer name veth1;"
       "ip link set veth1 netns %s; ip addr add 10.0.0.254/24 dev veth0; ip link set veth0 up;"
       % (RS_NETNS, RS_NETNS)
       + ";".join(in_rs(c) for c in ("ip link set lo up", "ip addr add 10.0.0.1/24 dev veth1",
                                     "ip link set veth1 up",
                                     "ip route add default via 10.0.0.254")) + ";"
       "ip route add 10.1.0.0/16 via 10.0.0.1;"
       # many short connections: reuse TIME_WAIT ports on the checking side
       "sysctl -qw net.ipv4.tcp_tw_reuse=1;"
       "sysctl -qw net.ipv4.ip_local_port_range='10240 65000';"
       + in_rs("sysctl -qw net.core.somaxconn=4096") + ";"
       + in_rs("sysctl -qw net.ipv4.tcp_max_syn_backlog=8192"))
    batch = os.path.join(WORK, "addrs")
    with open(batch, "w") as f:
        for j in range(n_addrs):
            f.write("address add %s/32 dev veth1\n" % vs_addr(j, 1))
    sh(in_rs("ip -batch " + batch))


def start_backends(n_ports, procs):
    out = []
    for i in range(procs):
        ready = os.path.join(WORK, "backend%d.ready" % i)
        log = open(os.path.join(WORK, "backend%d.log" % i), "w")
        p = subprocess.Popen(["ip", "netns", "exec", RS_NETNS, sys.executable,
                              os.path.join(HERE, "bench_checker_backend.py"),
                              str(FIRST_PORT), str(n_ports), ready],
                             stdout=log, stderr=subprocess.STDOUT)
        for _ in range(600):
            if os.path.exists(ready):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("backend %d not ready" % i)
        out.append(p)
    return out


def listen_drops():
    """TcpExt ListenOverflows and ListenDrops in namespace rs: SYNs the
    backends' accept queues had no room for."""
    text = sh(in_rs("cat /proc/net/netstat")).stdout.splitlines()
    for head, vals in zip(text[::2], text[1::2]):
        if head.startswith("TcpExt:"):
            d = dict(zip(head.split()[1:], vals.split()[1:]))
            return {"overflows": int(d.get("ListenOverflows", 0)),
                    "drops": int(d.get("ListenDrops", 0))}
    return {}


class Capture:
    def __init__(self, path):
        self.path = path
        self.err = path + ".err"
        with open(self.err, "w") as err:
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", RS_NETNS, "tcpdump", "-i", "veth1", "-n", "-Z", "root",
                 "-s", "80", "-B", "65536", "-w", path, SYN_FILTER],
                stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(200):   # tcpdump says "listening on" once it captures
            time.sleep(0.1)
            with open(self.err) as f:
                if "listening on" in f.read():
                    return

    def stop(self):
        """SIGINT; returns tcpdump's (received, dropped by kernel) counts."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(60)
        got = drop = None
        with open(self.err) as f:
            for line in f:
                words = line.split()
                if "captured" in line:
                    got = int(words[0])
                elif "dropped by kernel" in line:
                    drop = int(words[0])
        return got, drop


def read_syns(path):
    """{(dst ip, dst port): [first SYN time of each connection]}: SYNs are
    grouped by source port and initial sequence number, so a retransmitted
    SYN is not a second check, and a later check that the kernel gave the
    same source port (TIME_WAIT reuse) is not taken for a retransmission."""
    seen = {}
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data)[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    magic = struct.unpack_from(endian + "I", data)[0]
    scale = 1e-9 if magic == 0xa1b23c4d else 1e-6
    off = 24
    rec = struct.Struct(endian + "IIII")
    while off + 16 <= len(data):
        sec, frac, incl, _ = rec.unpack_from(data, off)
        pkt = off + 16
        off = pkt + incl
        if incl < 14 + 20 + 4 or data[pkt + 12:pkt + 14] != b"\x08\x00":
            continue
        ip = pkt + 14
        ihl = (data[ip] & 0x0f) * 4
        dst = data[ip + 16:ip + 20]
        if incl < 14 + ihl + 8:
            continue
        sport, dport, isn = struct.unpack_from("!HHI", data, ip + ihl)
        key = (dst, dport, sport, isn)
        if key not in seen:
            seen[key] = sec + frac * scale
    out = {}
    for (dst, dport, _, _), t in seen.items():
        out.setdefault(("%d.%d.%d.%d" % tuple(dst), dport), []).append(t)
    for ts in out.values():
        ts.sort()
    return out


def lateness(syns, t0, t1, servers):
    """Per-check lateness in the window [t0, t1] and the warm-up check."""
    late, in_window, warm_short, silent = [], 0, 0, 0
    for ts in syns.values():
        if sum(1 for t in ts if t < t0) < 2:
            warm_short += 1
        w = [i for i, t in enumerate(ts) if t0 <= t <= t1]
        in_window += len(w)
        if not w:
            silent += 1
        for i in w:
            if i > 0:
                late.append(ts[i] - ts[i - 1] - DELAY_LOOP_S)
    silent += max(0, servers - len(syns))
    s = rep.summary(late)
    return {"checks": len(late), "checks_per_s": in_window / (t1 - t0),
            "median_ms": _ms(s["median"]), "p99_ms": _ms(s["p99"]), "max_ms": _ms(s["max"]),
            "min_ms": _ms(s["min"]),
            "late_10ms_share": (sum(1 for x in late if x > LATE_LIMIT_S) / len(late)
                                if late else None),
            "real_servers_seen": len(syns), "warmup_short": warm_short,
            "silent_in_window": silent}


def _ms(x):
    return None if x is None else round(x * 1000.0, 3)


# ---- the daemons ----

class LocalHost:
    """What bench_daemons.Daemon needs of a host: popen, here in the guest's
    root namespace.  nofile > 0 sets the daemon's open file limit (soft and
    hard) before it starts; 0 leaves the inherited one (1024 soft)."""
    nofile = 0

    @classmethod
    def popen(cls, *argv, **kw):
        if cls.nofile:
            n = cls.nofile
            kw["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
        return subprocess.Popen(list(argv), **kw)


class CheckerDaemon(bench_daemons.Daemon):
    """Checker only (-C), no debug logging."""

    def argv(self):
        d = self.dir
        if self.kind == "keepalived":
            return [bench_daemons.KEEPALIVED, "-n", "-l", "-C", "-f", self.conf,
                    "-p", d + "/parent.pid", "-c", d + "/checker.pid"]
        return [os.path.join(self.vigil_build, "vigild"), "-n", "-l", "-C", "-f", self.conf,
                "-p", d + "/parent.pid", "-c", d + "/checker.pid",
                "--control-socket", d + "/ctl.sock"]


def has_ipvs():
    return os.path.exists("/proc/net/ip_vs")


def ipvs_dests():
    """(destinations, with weight > 0) in the kernel's IPVS table; None
    without IPVS."""
    if not has_ipvs():
        return None
    total = up = 0
    with open("/proc/net/ip_vs") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == "->" and parts[1] != "RemoteAddress:Port":
                total += 1
                up += int(parts[3]) > 0
    return total, up


def log_lines(path):
    try:
        with open(path, errors="replace") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def log_sample(path, first, last, n=4):
    """A few of the lines logged between line numbers first and last:
    what a daemon says in the window is usually about failed checks."""
    out = []
    with open(path, errors="replace") as f:
        for i, line in enumerate(f):
            if first <= i < last and len(out) < n:
                out.append(line.rstrip()[:200])
    return out


def servers_up(d):
    """Real servers up: in the IPVS table with a weight, or without IPVS,
    as vigilctl status says."""
    if has_ipvs():
        return ipvs_dests()[1]
    out = sh("%s -s %s/ctl.sock status --json" % (os.path.join(d.vigil_build, "vigilctl"),
                                                  d.dir), check=False).stdout
    try:
        vss = json.loads(out).get("virtual_servers") or []
    except ValueError:
        return 0
    return sum(1 for vs in vss for rs in vs.get("real_servers") or [] if rs.get("up"))


def run_one(kind, daemon_kind, servers, args, backends):
    """One daemon, one scenario; the daemon and the capture end with it,
    whatever happens."""
    tag = "%s-%s-%d" % (daemon_kind, kind, servers)
    if has_ipvs():
        sh("ipvsadm -C")
    cap = Capture(os.path.join(WORK, tag + ".pcap"))
    d = CheckerDaemon(daemon_kind, LocalHost, checker_config(servers, kind, args.per_vs),
                      WORK, tag, args.build)
    res = {"daemon": daemon_kind, "check": kind, "servers": servers}
    try:
        return measure(d, cap, res, args, backends)
    except BaseException:
        if d.running():
            d.stop(timeout=10)
        cap.proc.kill()
        cap.proc.wait()
        raise


def measure(d, cap, res, args, backends):
    servers = res["servers"]
    drops0 = listen_drops()
    d.start()
    full = None
    deadline = time.monotonic() + args.start_timeout
    while time.monotonic() < deadline and d.running():
        if servers_up(d) >= servers:
            full = time.monotonic() - d.started_at
            break
        time.sleep(0.5)
    res["start_to_table_s"] = full
    if full is None:
        res["error"] = "table not complete after %ds: %s; log: %s" % (
            args.start_timeout, ipvs_dests(), d.log_tail(10))
    time.sleep(args.warmup)
    procs = d.processes()
    res["processes"] = len(procs)
    others = [p.pid for p in backends] + [cap.proc.pid]
    lines0 = log_lines(d.log)
    table0 = ipvs_dests()
    cpu0, ocpu0 = bench_daemons.cpu_seconds(procs), bench_daemons.cpu_seconds(_tree(others))
    t0, m0 = time.time(), time.monotonic()
    time.sleep(args.window)
    cpu1, ocpu1 = bench_daemons.cpu_seconds(procs), bench_daemons.cpu_seconds(_tree(others))
    t1, m1 = time.time(), time.monotonic()
    mem = bench_daemons.memory_kib(d.processes())
    table1 = ipvs_dests()
    lines1 = log_lines(d.log)
    span = m1 - m0
    cpu = sum(cpu1[p] - cpu0.get(p, 0.0) for p in cpu1)
    res.update({"window_s": span, "cpu_s": cpu, "cpu_percent": 100.0 * cpu / span,
                "other_cpu_percent": 100.0 * sum(ocpu1[p] - ocpu0.get(p, 0.0)
                                                 for p in ocpu1) / span,
                "rss_kib": mem["rss"], "pss_kib": mem["pss"], "pss_anon_kib": mem["pss_anon"],
                "ipvs_before": table0, "ipvs_after": table1,
                "log_lines_in_window": lines1 - lines0, "loadavg": rep.loadavg(),
                "alive": d.running()})
    t_stop = time.monotonic()
    res["exit"] = d.stop(timeout=60)
    res["stop_s"] = time.monotonic() - t_stop
    res["captured"], res["capture_dropped"] = cap.stop()
    drops1 = listen_drops()
    res["listen_overflows"] = drops1.get("overflows", 0) - drops0.get("overflows", 0)
    res["lateness"] = lateness(read_syns(cap.path), t0, t1, servers)
    res["log_sample"] = log_sample(d.log, lines0, lines1)
    res["log_tail"] = d.log_tail(8)[-1500:]
    if not os.environ.get("BENCH_KEEP_PCAP"):      # for a look at the SYNs themselves
        os.unlink(cap.path)
    return res


def _tree(pids):
    kids = bench_daemons._children_map()
    out, todo = [], list(pids)
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--servers", default="1000,10000")
    ap.add_argument("--kinds", default="tcp,http")
    ap.add_argument("--window", type=float, default=20.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--per-vs", type=int, default=100)
    ap.add_argument("--backends", type=int, default=2)
    ap.add_argument("--start-timeout", type=int, default=180)
    ap.add_argument("--nofile", type=int, default=0)
    ap.add_argument("--daemons", default="vigil,keepalived")
    ap.add_argument("--rs-netns", default="rs")
    args = ap.parse_args()
    global RS_NETNS
    RS_NETNS = args.rs_netns
    daemons = args.daemons.split(",")
    LocalHost.nofile = args.nofile
    servers = [int(x) for x in args.servers.split(",")]
    kinds = args.kinds.split(",")
    os.makedirs(WORK, exist_ok=True)
    info = {"nofile": args.nofile or resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            "guest_kernel": os.uname().release, "guest_cpus": os.cpu_count(),
            "guest_mem_kib": int(open("/proc/meminfo").readline().split()[1]),
            "keepalived": ("keepalived" in daemons and bench_daemons.keepalived_version()
                           or None), "ipvs": has_ipvs()}
    print("BENCH-CHECKER-INFO " + json.dumps(info), flush=True)
    # A syslog sink: without one keepalived's syslog copy of every line
    # lands on the guest's emulated serial console, which is slow.  Not
    # for vigild alone, which logs to its console: on the host /dev/log
    # is the host's.
    syslogd = None
    if "keepalived" in daemons:
        syslogd = subprocess.Popen(["busybox", "syslogd", "-n", "-O",
                                    os.path.join(WORK, "syslog")])
    setup_network(max(servers) // args.per_vs)
    backends = start_backends(min(args.per_vs, max(servers)), args.backends)
    for n in servers:
        for kind in kinds:
            for dk in daemons:
                say("%s %s x %d" % (dk, kind, n))
                try:
                    res = run_one(kind, dk, n, args, backends)
                except Exception as e:       # report it and go on with the rest
                    res = {"daemon": dk, "check": kind, "servers": n,
                           "error": "%r at %s" % (e, traceback.format_tb(e.__traceback__)[-1]
                                                  .strip().replace("\n", " "))}
                print("BENCH-CHECKER-JSON " + json.dumps(res), flush=True)
    if syslogd:
        syslogd.terminate()
    for p in backends:
        p.terminate()
        p.wait(10)
    for i in range(len(backends)):
        with open(os.path.join(WORK, "backend%d.log" % i)) as f:
            say("backend %d: %s" % (i, f.read().strip()))
    sh("ip netns del " + RS_NETNS, check=False)


if __name__ == "__main__":
    main()
