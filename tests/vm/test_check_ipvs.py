"""vigild programming IPVS, checked against the kernel's table in the VM and
against keepalived 2.2.7 running the same configuration in the same guest.

One boot per daemon.  The guest script (SCENARIO) builds a network
namespace "rs" behind a veth pair holding the real servers, starts one
small Python process there that listens on every backend address and
starts/stops single listeners on command (so "a backend dies" is one
write to a FIFO), then walks the phases below, printing `ipvsadm -Sn`
and `ipvsadm -Ln --stats --exact` between markers:

  start       the table the configuration describes (plus a foreign
              service added with ipvsadm before the daemon started)
  traffic     connections through two NAT services, so destinations
              have nonzero connection counters
  reload      weight of one real server changed, one virtual server
              removed: every destination keeps its place in the kernel's
              list (/proc/net/ip_vs), which a delete and re-add would
              change (the "probe" run first shows it does); counters are
              no proof, the kernel's trash revives a re-added destination
              with its counters
  rs-down     backends killed: removed, or weight 0 (inhibit_on_failure),
              quorum lost -> sorry server
  all-down    every real server of a service down -> sorry server
  rs-up       one back -> it returns and the sorry server leaves
  stop        the daemon stopped: what is left of the table

rs-down also stops the real servers of the firewall-mark, group and IPv6
virtual servers, whose tables the phases compare too.  Every phase's
smtp_alert mails go to a small SMTP sink in the guest (the network
tier's, tests/net/vigiltest/smtp_sink.py): vigild's subjects must be
keepalived's and their bodies carry the same facts (MAILS below).

A second, short boot per daemon checks the global settings: lvs_flush,
lvs_flush_on_stop, lvs_timeouts and lvs_sync_daemon.

Each phase waits (bounded) for the condition it is about, so slow TCG
guests only cost time.  keepalived and vigild run the same text."""

import json
import os
import re

import pytest

from guest_helpers import (DAEMON_LOG_SH, KEEPALIVED, TABLE_FUNCS_SH, assert_clean_exit,
                           sections, vigild_commands)


# The backends: every real server with a health check listens here.
BACKENDS = ["10.0.0.2:80", "10.0.0.3:80", "10.0.0.15:80", "10.0.0.4:80", "10.0.0.5:80",
            "10.0.0.6:80", "10.0.0.7:80", "10.0.0.8:80", "[fd00::2]:80"]

TCP_CHECK = "TCP_CHECK {\n            connect_timeout 1\n            retry 0\n        }"

SMTP_SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "net", "vigiltest",
                         "smtp_sink.py")

CONF = """global_defs {
    router_id vm-check-ipvs
    smtp_server 127.0.0.1 2525
    smtp_connect_timeout 5
    notification_email {
        ops@example.com
    }
    notification_email_from lb@example.com
}
virtual_server_group grp {
    10.0.1.1-3 8080
    fwmark 9
}
virtual_server 10.0.0.100 80 {
    delay_loop 1
    lvs_sched wrr
    lvs_method NAT
    protocol TCP
    sorry_server 10.0.0.9 80
    smtp_alert
    real_server 10.0.0.2 80 {
        weight 3
        %(chk)s
    }
    real_server 10.0.0.3 80 {
        weight %(w3)d
        uthreshold 100
        lthreshold 10
        %(chk)s
    }
    real_server 10.0.0.15 80 {
        weight 1
        %(chk)s
    }
}
virtual_server 10.0.0.101 80 {
    protocol TCP
    delay_loop 1
    lvs_sched sh
    sh-port
    persistence_timeout 300
    persistence_granularity 255.255.255.0
    lvs_method DR
    inhibit_on_failure
    real_server 10.0.0.4 80 {
        weight 2
        %(chk)s
    }
}
virtual_server 10.0.0.102 80 {
    protocol TCP
    delay_loop 1
    lvs_sched rr
    quorum 3
    sorry_server 10.0.0.9 80
    smtp_alert
    real_server 10.0.0.5 80 {
        weight 2
        %(chk)s
    }
    real_server 10.0.0.6 80 {
        weight 2
        %(chk)s
    }
}
virtual_server fwmark 7 {
    protocol TCP
    delay_loop 1
    lvs_sched rr
    persistence_timeout 60
    real_server 10.0.0.7 80 {
        %(chk)s
    }
}
virtual_server fd00::100 80 {
    protocol TCP
    delay_loop 1
    lvs_sched lc
    real_server fd00::2 80 {
        %(chk)s
    }
}
virtual_server group grp {
    protocol TCP
    delay_loop 1
    lvs_sched lc
    persistence_timeout 50
    real_server 10.0.0.8 80 {
        %(chk)s
    }
}
virtual_server 10.0.0.103 53 {
    protocol UDP
    ops
    lvs_sched rr
    real_server 10.0.0.10 53 {
        weight 3
    }
}
virtual_server 10.0.0.104 80 {
    protocol TCP
    lvs_sched wlc
    lvs_method TUN type gue port 6080 csum
    real_server 10.0.0.11 80 {
    }
    real_server 10.0.0.12 80 {
        lvs_method TUN type gre
    }
    real_server 10.0.0.13 80 {
        lvs_method DR
    }
}
%(extra)s"""

# Present at start, removed by the reload.
EXTRA = """virtual_server 10.0.0.105 80 {
    protocol TCP
    persistence_granularity 255.255.0.0
    real_server 10.0.0.14 80 {
    }
}
"""

BACKEND_PY = r'''
import os, select, socket, sys
fifo, ready = sys.argv[1], sys.argv[2]
live = {}
def start(spec):
    host, port = spec.rsplit(":", 1)
    host = host.strip("[]")
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    live[spec] = s
for spec in sys.argv[3:]:
    start(spec)
fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)   # RDWR: never an EOF
open(ready, "w").close()
buf = b""
while True:
    r = select.select([fd] + list(live.values()), [], [])[0]
    for x in r:
        if x == fd:
            buf += os.read(fd, 4096)
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                cmd, spec = line.decode().split()
                if cmd == "stop" and spec in live:
                    live.pop(spec).close()
                elif cmd == "start" and spec not in live:
                    start(spec)
        else:
            try:
                c = x.accept()[0]
                c.close()
            except OSError:
                pass
'''

TRAFFIC_PY = r'''
import socket, sys, time
socks = []
for spec in sys.argv[1:]:
    host, port, n = spec.split(":")
    for _ in range(int(n)):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, int(port)))
        socks.append(s)
time.sleep(1)
for s in socks:
    s.close()
'''

SCENARIO = r"""
set -u
d=/tmp/cipvs
mkdir -p $d
ip link set lo up
ip netns add rs
ip link add veth0 type veth peer name veth1
ip link set veth1 netns rs
ip addr add 10.0.0.254/24 dev veth0
ip -6 addr add fd00::fe/64 dev veth0 nodad
ip link set veth0 up
ip netns exec rs ip link set lo up
for a in 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
    ip netns exec rs ip addr add 10.0.0.$a/24 dev veth1
done
ip netns exec rs ip -6 addr add fd00::2/64 dev veth1 nodad
ip netns exec rs ip link set veth1 up
ip netns exec rs ip route add default via 10.0.0.254
cat > $d/backend.py <<'PY_EOF'
%(backend_py)s
PY_EOF
cat > $d/traffic.py <<'PY_EOF'
%(traffic_py)s
PY_EOF
cat > $d/a.conf <<'CONF_EOF'
%(conf_a)s
CONF_EOF
cat > $d/b.conf <<'CONF_EOF'
%(conf_b)s
CONF_EOF
cp $d/a.conf $d/run.conf
mkfifo $d/ctl
ip netns exec rs python3 $d/backend.py $d/ctl $d/ready %(backends)s &
backend=$!
i=0; while [ ! -e $d/ready ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
[ -e $d/ready ] || echo "BACKENDS-NOT-READY"

# Does a destination's place in the kernel's list (/proc/net/ip_vs; ipvsadm
# sorts) tell an edit from a delete and re-add?  Counters do not: the
# kernel keeps a deleted destination in its trash for a while and a re-add
# revives it, counters included.
ipvsadm -A -t 10.8.8.8:80 -s rr
for h in 21 22 23; do ipvsadm -a -t 10.8.8.8:80 -r 10.0.0.$h:80 -m; done
echo "=== PROC probe-before"
cat /proc/net/ip_vs
ipvsadm -e -t 10.8.8.8:80 -r 10.0.0.22:80 -m -w 5
echo "=== PROC probe-edited"
cat /proc/net/ip_vs
ipvsadm -d -t 10.8.8.8:80 -r 10.0.0.22:80
ipvsadm -a -t 10.8.8.8:80 -r 10.0.0.22:80 -m -w 5
echo "=== PROC probe-readded"
cat /proc/net/ip_vs
echo "=== END probe"
ipvsadm -D -t 10.8.8.8:80

# A service vigil (or keepalived) never wanted: it must survive everything.
ipvsadm -A -t 10.9.9.9:99 -s rr
ipvsadm -a -t 10.9.9.9:99 -r 10.0.0.2:99 -m -w 7

%(table_funcs)s
phase() {
    sleep 1   # let anything still in flight land, then show the table
    echo "=== TABLE $1"
    ipvsadm -Sn
    echo "=== STATS $1"
    ipvsadm -Ln --stats --exact
    echo "=== PROC $1"
    cat /proc/net/ip_vs
    echo "=== END $1"
}
backend() { echo "$1 $2" > $d/ctl; }

mkdir $d/mail
/usr/bin/python3 %(smtp_sink)s 127.0.0.1 2525 $d/mail &
sink=$!
i=0; while ! ss -ltn | grep -q '127.0.0.1:2525 ' && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done

%(start)s
until_ok 40 'has "-a -t 10.0.0.100:80 -r 10.0.0.15:80 -m -w 1" && has "-a -f 7 -r 10.0.0.7:80 -m -w 1" && has "-a -t \[fd00::100\]:80 -r \[fd00::2\]:80 -m -w 1" && has "-a -t 10.0.0.102:80 -r 10.0.0.6:80 -m -w 2" && has "-a -t 10.0.1.3:8080 -r 10.0.0.8:80 -m -w 1"'
phase start
echo "=== THRESHOLDS start"
ipvsadm -Ln --thresholds -t 10.0.0.100:80
echo "=== END thresholds"

python3 $d/traffic.py 10.0.0.100:80:8 10.0.0.102:80:4
# The kernel publishes connection counters from its estimator every 2 s:
# wait until both busy destinations show theirs.
for i in $(seq 60); do
    ipvsadm -Ln --stats --exact > $d/s
    awk '$2 == "10.0.0.3:80" && $3 > 0 { a = 1 } $2 == "10.0.0.5:80" && $3 > 0 { b = 1 }
         END { exit !(a && b) }' $d/s && break
    sleep 0.1
done
phase traffic

cp $d/b.conf $d/run.conf
%(reload)s
until_ok 25 '! has "-A -t 10.0.0.105:80 .*" && has "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 2"'
phase reload

backend stop 10.0.0.3:80
backend stop 10.0.0.4:80
backend stop 10.0.0.6:80
backend stop 10.0.0.7:80
backend stop 10.0.0.8:80
backend stop [fd00::2]:80
until_ok 25 '! has "-a -t 10.0.0.100:80 -r 10.0.0.3:80 .*" && has "-a -t 10.0.0.101:80 -r 10.0.0.4:80 -g -w 0" && has "-a -t 10.0.0.102:80 -r 10.0.0.9:80 .*" && ! has "-a -f 7 -r 10.0.0.7:80 .*" && ! has "-a -f 9 -r 10.0.0.8:80 .*" && ! has "-a -t \[fd00::100\]:80 -r \[fd00::2\]:80 .*"'
phase rs-down

backend stop 10.0.0.2:80
backend stop 10.0.0.15:80
until_ok 25 'has "-a -t 10.0.0.100:80 -r 10.0.0.9:80 .*"'
phase all-down

backend start 10.0.0.3:80
until_ok 25 'has "-a -t 10.0.0.100:80 -r 10.0.0.3:80 .*" && ! has "-a -t 10.0.0.100:80 -r 10.0.0.9:80 .*"'
phase rs-up

%(stop)s
phase stop
# Mails still on their way: until none came for a second (at most ten).
n=-1; i=0
while [ "$(ls $d/mail | wc -l)" != "$n" ] && [ $i -lt 10 ]; do
    n=$(ls $d/mail | wc -l); i=$((i+1)); sleep 1
done
echo "=== MAILS all"
for f in $(ls $d/mail | sort -t- -k2 -n); do cat $d/mail/$f; echo; done
echo "=== END mails"
%(daemon_log)s
kill $backend $sink
exit 0
"""

def scenario(commands):
    chk = TCP_CHECK
    values = dict(commands)
    values.update({
        "backend_py": BACKEND_PY.strip(),
        "traffic_py": TRAFFIC_PY.strip(),
        "conf_a": CONF % {"w3": 1, "chk": chk, "extra": EXTRA},
        "conf_b": CONF % {"w3": 2, "chk": chk, "extra": ""},
        "backends": " ".join("'%s'" % b for b in BACKENDS),
        "table_funcs": TABLE_FUNCS_SH,
        "daemon_log": DAEMON_LOG_SH,
        "smtp_sink": os.path.abspath(SMTP_SINK),
    })
    return SCENARIO % values


# ---- parsing what the guest printed ----

def table_of(text):
    """`ipvsadm -Sn` as {service line: [destination lines, in kernel order]}."""
    table = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("-A "):
            table.setdefault(line, [])
        elif line.startswith("-a "):
            key = line.split(" -r ")[0][3:]
            svc = next((s for s in table if s[3:].split(" -s ")[0] == key), None)
            assert svc is not None, "destination before its service: " + line
            table[svc].append(line)
    return table


def normalised(text):
    """Order-free form for comparing two daemons' tables."""
    return sorted((svc, tuple(sorted(dests))) for svc, dests in table_of(text).items())


def proc_orders(text):
    """{service: [destinations in kernel order]} from /proc/net/ip_vs, whose
    order is the kernel's list (ipvsadm sorts what it prints).  IPv4 only:
    the hex addresses are turned into dotted quads."""
    def dotted(hexaddr):
        if hexaddr.startswith("["):
            return hexaddr
        addr, port = hexaddr.split(":")
        if len(addr) != 8:
            return hexaddr
        return "%s:%d" % (".".join(str(int(addr[i:i + 2], 16)) for i in (0, 2, 4, 6)),
                          int(port, 16))
    out, svc = {}, None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("TCP", "UDP", "SCTP"):
            svc = parts[0] + " " + dotted(parts[1])
            out[svc] = []
        elif len(parts) >= 2 and parts[0] == "FWM":
            svc = "FWM %d" % int(parts[1], 16)
            out[svc] = []
        elif len(parts) >= 2 and parts[0] == "->" and svc and ":" in parts[1] and \
                parts[1] != "RemoteAddress:Port":
            out[svc].append(dotted(parts[1]))
    return out


def stats_of(text):
    """{(service, destination): conns} from `ipvsadm -Ln --stats --exact`."""
    out, svc = {}, None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("TCP", "UDP", "SCTP", "FWM"):
            svc = parts[0] + " " + parts[1]
        elif len(parts) >= 3 and parts[0] == "->" and svc and parts[2].isdigit():
            out[(svc, parts[1])] = int(parts[2])
    return out


class Run:
    def __init__(self, res):
        self.res = res
        self.output = res.output
        self.tables = sections(res.output, "TABLE")
        self.stats = sections(res.output, "STATS")
        self.proc = {k: proc_orders(v) for k, v in sections(res.output, "PROC").items()}

    def lines(self, phase):
        assert phase in self.tables, "phase %s missing:\n%s" % (phase, self.output)
        return [x.strip() for x in self.tables[phase].splitlines() if x.startswith("-")]

    def conns(self, phase):
        return stats_of(self.stats[phase])


def boot(vm, commands):
    res = vm.run(scenario(commands), timeout=420)
    print("VM run took %.1fs" % res.seconds)
    assert res.returncode == 0, res.output
    return Run(res)


@pytest.fixture(scope="module")
def keepalived_run(vm):
    return boot(vm, KEEPALIVED)


@pytest.fixture(scope="module")
def vigild_run(vm, build_dir):
    return boot(vm, vigild_commands(build_dir))


# ---- what the configuration describes (both daemons) ----

FOREIGN = ["-A -t 10.9.9.9:99 -s rr", "-a -t 10.9.9.9:99 -r 10.0.0.2:99 -m -w 7"]

START = FOREIGN + [
    "-A -t 10.0.0.100:80 -s wrr",
    "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 3",
    "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1",
    "-a -t 10.0.0.100:80 -r 10.0.0.15:80 -m -w 1",
    "-A -t 10.0.0.101:80 -s sh -p 300 -M 255.255.255.0 -b sh-port",
    "-a -t 10.0.0.101:80 -r 10.0.0.4:80 -g -w 2",
    "-A -t 10.0.0.102:80 -s rr",
    "-a -t 10.0.0.102:80 -r 10.0.0.5:80 -m -w 2",
    "-a -t 10.0.0.102:80 -r 10.0.0.6:80 -m -w 2",
    "-A -f 7 -s rr -p 60",
    "-a -f 7 -r 10.0.0.7:80 -m -w 1",
    "-A -t [fd00::100]:80 -s lc",
    "-a -t [fd00::100]:80 -r [fd00::2]:80 -m -w 1",
    "-A -f 9 -s lc -p 50",
    "-a -f 9 -r 10.0.0.8:80 -m -w 1",
    "-A -u 10.0.0.103:53 -s rr -o",
    "-a -u 10.0.0.103:53 -r 10.0.0.10:53 -m -w 3",
    "-A -t 10.0.0.104:80 -s wlc",
    "-a -t 10.0.0.104:80 -r 10.0.0.11:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
    "-a -t 10.0.0.104:80 -r 10.0.0.12:80 -i -w 1 --tun-type gre --tun-nocsum",
    "-a -t 10.0.0.104:80 -r 10.0.0.13:80 -g -w 1",
    "-A -t 10.0.0.105:80 -s wlc -p 360 -M 255.255.0.0",
    "-a -t 10.0.0.105:80 -r 10.0.0.14:80 -m -w 1",
] + ["-A -t 10.0.1.%d:8080 -s lc -p 50" % i for i in (1, 2, 3)] + \
    ["-a -t 10.0.1.%d:8080 -r 10.0.0.8:80 -m -w 1" % i for i in (1, 2, 3)]


def check_scenario(run):
    """The assertions both daemons must pass."""
    start = run.lines("start")
    for line in START:
        assert line in start, "%r not in the start table:\n%s" % (line, run.output)
    assert len(start) == len(START), "unexpected entries at start:\n" + "\n".join(start)

    # Thresholds are not in `ipvsadm -S`: read them from --thresholds.
    thresholds = sections(run.output, "THRESHOLDS").get("start", "")
    m = re.search(r"^  -> 10\.0\.0\.3:80\s+(\d+)\s+(\d+)\s", thresholds, re.M)
    assert m and m.groups() == ("100", "10"), run.output

    # Reload: only the weight of 10.0.0.3 changed and 10.0.0.105 went.
    reload = run.lines("reload")
    expected = [x for x in START if "10.0.0.105" not in x]
    expected[expected.index("-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1")] = \
        "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 2"
    assert sorted(reload) == sorted(expected), "after reload:\n" + "\n".join(reload)
    # The proof nothing was re-created: a destination added again lands at
    # an end of its service's list in the kernel (see the probe), so
    # 10.0.0.3, edited, must still be in the middle, and every service's
    # destinations in the same kernel order as before the reload.
    vs1 = "TCP 10.0.0.100:80"
    order = run.proc["reload"][vs1]
    assert len(order) == 3 and order[1] == "10.0.0.3:80", order
    for svc, dests in run.proc["traffic"].items():
        if svc != "TCP 10.0.0.105:80":
            assert run.proc["reload"][svc] == dests, (svc, run.proc["reload"])
    # Counters agree (necessary, not sufficient: the kernel's trash revives
    # a destination re-added soon after its deletion, counters included).
    before, after = run.conns("traffic"), run.conns("reload")
    busy = {k: v for k, v in before.items() if v > 0}
    assert ("TCP 10.0.0.100:80", "10.0.0.3:80") in busy, run.stats["traffic"]
    assert ("TCP 10.0.0.102:80", "10.0.0.5:80") in busy, run.stats["traffic"]
    for key, conns in busy.items():
        assert after.get(key, 0) >= conns, "%s lost its counters in the reload:\n%s" % (
            key, run.stats["reload"])

    down = run.lines("rs-down")
    assert "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 3" in down
    assert "-a -t 10.0.0.100:80 -r 10.0.0.15:80 -m -w 1" in down
    assert not any("10.0.0.100:80 -r 10.0.0.3:80" in x for x in down), down
    assert not any("10.0.0.100:80 -r 10.0.0.9:80" in x for x in down), down
    assert "-a -t 10.0.0.101:80 -r 10.0.0.4:80 -g -w 0" in down           # inhibited
    # quorum 3, only 10.0.0.5 (weight 2) left: the sorry server replaces it
    assert "-a -t 10.0.0.102:80 -r 10.0.0.9:80 -m -w 1" in down, down
    assert not any("10.0.0.102:80 -r 10.0.0.5:80" in x for x in down), down
    assert not any("10.0.0.102:80 -r 10.0.0.6:80" in x for x in down), down

    alldown = table_of(run.tables["all-down"])
    assert alldown["-A -t 10.0.0.100:80 -s wrr"] == [
        "-a -t 10.0.0.100:80 -r 10.0.0.9:80 -m -w 1"], alldown

    up = table_of(run.tables["rs-up"])
    assert up["-A -t 10.0.0.100:80 -s wrr"] == [
        "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 2"], up

    for phase in ("start", "traffic", "reload", "rs-down", "all-down", "rs-up"):
        for line in FOREIGN:
            assert line in run.lines(phase), "foreign service touched in %s" % phase
    assert "TIMEOUT-WAITING" not in run.output, run.output
    assert_clean_exit(run.output)


def test_destination_order_tells_edit_from_readd(keepalived_run):
    """The probe run before the daemon: editing keeps a destination's place,
    deleting and adding it again does not.  This is what makes the order
    check after the reload a proof."""
    probe = "TCP 10.8.8.8:80"
    before = keepalived_run.proc["probe-before"][probe]
    assert before[1] == "10.0.0.22:80", before
    assert keepalived_run.proc["probe-edited"][probe] == before
    assert keepalived_run.proc["probe-readded"][probe][1] != "10.0.0.22:80", \
        keepalived_run.proc["probe-readded"]


def test_keepalived_gives_the_table_the_config_describes(keepalived_run):
    check_scenario(keepalived_run)


def test_keepalived_at_stop_removes_its_services_and_keeps_foreign(keepalived_run):
    """keepalived 2.2.7's default at shutdown (no lvs_flush_onstop, no -I)."""
    assert sorted(keepalived_run.lines("stop")) == sorted(FOREIGN), keepalived_run.output


def test_vigild_gives_the_table_the_config_describes(vigild_run):
    check_scenario(vigild_run)


def test_vigild_at_stop_removes_its_services_and_keeps_foreign(vigild_run):
    assert sorted(vigild_run.lines("stop")) == sorted(FOREIGN), vigild_run.output


def test_vigild_and_keepalived_leave_the_same_tables(keepalived_run, vigild_run):
    for phase in ("start", "reload", "rs-down", "all-down", "rs-up", "stop"):
        assert normalised(vigild_run.tables[phase]) == \
            normalised(keepalived_run.tables[phase]), "phase %s differs" % phase


# ---- smtp_alert mails ----

ROUTER = "[vm-check-ipvs] "


def mails_of(output):
    """[(envelope from, envelope to, subject, body)] the sink received."""
    mails = []
    for line in sections(output, "MAILS").get("all", "").splitlines():
        if line.strip():
            m = json.loads(line)
            head, _, body = m["data"].partition("\r\n\r\n")
            subject = re.search(r"^Subject: (.*?)\r?$", head, re.M).group(1)
            mails.append((m["from"], tuple(m["to"]), subject, body))
    return mails


def facts(body):
    """What a body says, in either daemon's words: ("check", KIND, ok) for
    a real server, ("quorum", ok, quorum, hysteresis, live weight) for a
    virtual server; None when it says neither."""
    m = re.search(r"=> (\S+) CHECK (failed|succeed) on service <=", body)       # keepalived
    if m:
        return ("check", m.group(1), m.group(2) == "succeed")
    m = re.search(r": (\S+)_CHECK (failed|succeeded)\.", body)                  # vigild
    if m:
        return ("check", m.group(1), m.group(2) == "succeeded")
    m = re.search(r"=> (Lost|Gained) quorum (\d+)[-+](\d+)=\d+ [<>]=? (\d+) <=", body)
    if m:
        return ("quorum", m.group(1) == "Gained") + tuple(int(x) for x in m.group(2, 3, 4))
    m = re.search(r" (lost|gained) its quorum: live weight (\d+), quorum (\d+), "
                  r"hysteresis (\d+)\.", body)
    if m:
        weight, quorum, hysteresis = (int(x) for x in m.group(2, 3, 4))
        return ("quorum", m.group(1) == "gained", quorum, hysteresis, weight)
    return None


# What the phases make keepalived 2.2.7 mail (it formats the names).
RS_MAILS = [
    ("[10.0.0.3]:tcp:80", "[10.0.0.100]:tcp:80", "DOWN"),
    ("[10.0.0.4]:tcp:80", "[10.0.0.101]:tcp:80", "DOWN"),
    ("[10.0.0.6]:tcp:80", "[10.0.0.102]:tcp:80", "DOWN"),
    ("[10.0.0.7]:none:80", "FWM 7", "DOWN"),
    ("[10.0.0.8]:tcp:80", "[grp]:0", "DOWN"),
    ("[fd00::2]:tcp:80", "[fd00::100]:tcp:80", "DOWN"),
    ("[10.0.0.2]:tcp:80", "[10.0.0.100]:tcp:80", "DOWN"),
    ("[10.0.0.15]:tcp:80", "[10.0.0.100]:tcp:80", "DOWN"),
    ("[10.0.0.3]:tcp:80", "[10.0.0.100]:tcp:80", "UP"),
]
VS_MAILS = [("[10.0.0.102]:tcp:80", "DOWN"), ("[10.0.0.100]:tcp:80", "DOWN"),
            ("[10.0.0.100]:tcp:80", "UP")]


def test_keepalived_mails_every_change(keepalived_run):
    """The scenario's health changes as keepalived 2.2.7 mails them: the
    subjects vigild has to match, each body naming the checker or the
    quorum figures."""
    mails = mails_of(keepalived_run.output)
    subjects = [s for _, _, s, _ in mails]
    for rs, vs, state in RS_MAILS:
        subject = ROUTER + "Realserver %s of virtual server %s - %s" % (rs, vs, state)
        assert subject in subjects, (subject, subjects)
    for vs, state in VS_MAILS:
        assert ROUTER + "Virtualserver %s - %s" % (vs, state) in subjects, subjects
    # What vigild does not mail (KEEPALIVED_ONLY below): the start, the reload.
    only = sorted((s, b.split("<=")[0]) for _, _, s, b in mails if b.startswith(KEEPALIVED_ONLY))
    assert only == [
        (ROUTER + "Realserver [10.0.0.14]:tcp:80 of virtual server [10.0.0.105]:tcp:80 - DOWN",
         "=> Removing "),
        (ROUTER + "Virtualserver [10.0.0.100]:tcp:80 - UP", "=> Starting with quorum up 1+0=1 "),
        (ROUTER + "Virtualserver [10.0.0.102]:tcp:80 - UP", "=> Starting with quorum up 3+0=3 "),
    ], only
    assert all(f == "<lb@example.com>" and t == ("<ops@example.com>",) for f, t, _, _ in mails)


# Mails keepalived 2.2.7 sends and vigild does not (yet): a quorum "UP"
# for every virtual server with smtp_alert at start, and a real server
# "DOWN" for each one a reload removes.  Known differences, left out of the
# comparison; the test below shows they are all there is.
KEEPALIVED_ONLY = ("=> Starting with quorum up ", "=> Removing <=")


def test_vigild_mails_as_keepalived(keepalived_run, vigild_run):
    """Same envelopes and subjects, as many of each, and bodies saying the
    same: which checker failed or passed, the quorum figures."""
    def summary(run):
        return sorted(((f, t, s, facts(b) or b) for f, t, s, b in mails_of(run.output)
                       if not b.startswith(KEEPALIVED_ONLY)), key=repr)
    k, v = summary(keepalived_run), summary(vigild_run)
    assert len(k) == len(RS_MAILS) + len(VS_MAILS), k
    assert all(not isinstance(x[3], str) for x in v), v
    assert v == k, "keepalived:\n%s\nvigild:\n%s" % ("\n".join(map(str, k)),
                                                     "\n".join(map(str, v)))


def test_mail_facts_parsing():
    assert facts("=> TCP CHECK failed on service <=\r\n") == ("check", "TCP", False)
    assert facts("Real server [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 is up: "
                 "TCP_CHECK succeeded.\r\n") == ("check", "TCP", True)
    assert facts("=> Lost quorum 2+0=2 <= 1 <=\r\n") == ("quorum", False, 2, 0, 1)
    assert facts("Virtual server [10.0.0.1]:tcp:80 gained its quorum: live weight 2, quorum 2, "
                 "hysteresis 0.\r\n") == ("quorum", True, 2, 0, 2)
    assert facts("hello") is None
    out = ('=== MAILS all\n{"from": "<a@b>", "to": ["<c@d>"], "data": '
           '"Date: x\\r\\nSubject: [r] S 1\\r\\n\\r\\nbody\\r\\n"}\n=== END mails\n')
    assert mails_of(out) == [("<a@b>", ("<c@d>",), "[r] S 1", "body\r\n")]


def test_table_parsing():
    text = ("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n"
            "-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n-A -f 7 -s rr -p 60\n")
    t = table_of(text)
    assert t["-A -t 10.0.0.1:80 -s rr"][0].endswith("10.0.0.3:80 -m -w 1")
    assert t["-A -f 7 -s rr -p 60"] == []
    permuted = ("-A -f 7 -s rr -p 60\n-A -t 10.0.0.1:80 -s rr\n"
                "-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n"
                "-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1\n")
    assert normalised(text) == normalised(permuted)
    assert normalised(text) != normalised(permuted.replace("-w 1\n-a", "-w 2\n-a"))
    stats = stats_of("Prot LocalAddress:Port Conns InPkts OutPkts InBytes OutBytes\n"
                     "  -> RemoteAddress:Port\n"
                     "TCP  10.0.0.1:80 12 0 0 0 0\n  -> 10.0.0.2:80 5 0 0 0 0\n"
                     "FWM  7 0 0 0 0 0\n  -> [fd00::2]:80 3 0 0 0 0\n")
    assert stats == {("TCP 10.0.0.1:80", "10.0.0.2:80"): 5, ("FWM 7", "[fd00::2]:80"): 3}
    proc = proc_orders("IP Virtual Server version 1.2.1 (size=4096)\n"
                       "Prot LocalAddress:Port Scheduler Flags\n"
                       "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
                       "TCP  0A000064:0050 wrr\n"
                       "  -> 0A00000F:0050      Masq    1      0          0\n"
                       "  -> 0A000003:0050      Masq    2      0          0\n"
                       "FWM  00000007 rr persistent 60\n"
                       "  -> 0A000007:0050      Masq    1      0          0\n")
    assert proc == {"TCP 10.0.0.100:80": ["10.0.0.15:80", "10.0.0.3:80"],
                    "FWM 7": ["10.0.0.7:80"]}
    found = sections("=== TABLE a\nx\n=== STATS a\ny\n=== END a\n", "TABLE")
    assert found == {"a": "x\n"}


# ---- global settings: lvs_flush, lvs_flush_on_stop, lvs_timeouts, lvs_sync_daemon ----

GLOBALS_CONF = """global_defs {
    router_id vm-check-ipvs-globals
    lvs_flush
    lvs_flush_on_stop
    lvs_timeouts tcp 900 tcpfin 30 udp 60
    lvs_sync_daemon veth0 id 5
}
virtual_server 10.0.0.100 80 {
    protocol TCP
    lvs_sched rr
    real_server 10.0.0.2 80 {
    }
}
"""

GLOBALS_SCENARIO = r"""
set -u
d=/tmp/cipvs
mkdir -p $d
ip link set lo up
ip link add veth0 type veth peer name veth1
ip addr add 10.0.0.254/24 dev veth0
ip link set veth0 up
ip link set veth1 up
cat > $d/run.conf <<'CONF_EOF'
%(conf)s
CONF_EOF
# Foreign before start: lvs_flush removes it.
ipvsadm -A -t 10.9.9.9:99 -s rr
%(start)s
i=0
while ! ipvsadm -Sn | grep -q -e '-a -t 10.0.0.100:80 -r 10.0.0.2:80'; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo TIMEOUT-WAITING; break; }; sleep 0.3
done
sleep 1
# Foreign while running: lvs_flush_on_stop removes it too.
ipvsadm -A -t 10.7.7.7:77 -s rr
echo "=== TABLE running"
ipvsadm -Sn
echo "=== TIMEOUTS running"
ipvsadm -Ln --timeout
echo "=== DAEMONS running"
ipvsadm -Ln --daemon
echo "=== END running"
%(stop)s
echo "=== TABLE stopped"
ipvsadm -Sn
echo "=== DAEMONS stopped"
ipvsadm -Ln --daemon
echo "=== END stopped"
%(daemon_log)s
exit 0
"""


def globals_boot(vm, commands):
    values = dict(commands)
    values["conf"] = GLOBALS_CONF
    values["daemon_log"] = DAEMON_LOG_SH
    res = vm.run(GLOBALS_SCENARIO % values, timeout=300)
    print("VM run took %.1fs" % res.seconds)
    for phase, text in sections(res.output, "DAEMONS").items():
        print("sync daemons %s: %s" % (phase, text.strip() or "none"))
    assert res.returncode == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def keepalived_globals(vm):
    return globals_boot(vm, KEEPALIVED)


@pytest.fixture(scope="module")
def vigild_globals(vm, build_dir):
    return globals_boot(vm, vigild_commands(build_dir))


def check_global_tables(output):
    running = [x for x in sections(output, "TABLE")["running"].splitlines() if x.startswith("-")]
    assert sorted(running) == sorted([
        "-A -t 10.0.0.100:80 -s rr", "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 1",
        "-A -t 10.7.7.7:77 -s rr"]), output                 # 10.9.9.9 flushed
    assert "900 30 60" in sections(output, "TIMEOUTS")["running"], output
    stopped = [x for x in sections(output, "TABLE")["stopped"].splitlines() if x.startswith("-")]
    assert stopped == [], output                            # flushed, foreign included
    # No vrrp_instance given: both sync daemons run while the daemon does
    # (keepalived does the same) and stop with it.
    daemons = sections(output, "DAEMONS")
    for role in ("master", "backup"):
        assert re.search(r"%s sync daemon \(mcast=veth0, syncid=5[,)]" % role,
                         daemons["running"]), output
    assert "sync daemon" not in daemons["stopped"], output
    assert "TIMEOUT-WAITING" not in output, output
    assert_clean_exit(output)


def test_keepalived_global_lvs_settings(keepalived_globals):
    check_global_tables(keepalived_globals)


def test_vigild_global_lvs_settings(vigild_globals):
    check_global_tables(vigild_globals)
