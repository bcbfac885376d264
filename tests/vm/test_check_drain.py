"""`vigilctl real-server drain|enable` against the kernel's IPVS table in the
VM: a drained real server goes to weight 0 at once, stays while it still
has connections, leaves the table when they are gone, and an enable puts
it back at its configured weight.  One boot.

The guest holds a few connections through the virtual service (rr over
two real servers, so both get some), drains 10.0.0.2, then closes the
connections with a reset (IPVS then forgets them within its CLOSE
timeout, about 10 s) and waits for the drain to complete."""

import json
import re

import pytest

from guest_helpers import DAEMON_LOG_SH, TABLE_FUNCS_SH, daemon_log, section, vigild_commands

CONF = """global_defs {
    router_id vm-drain
}
virtual_server 10.0.0.100 80 {
    delay_loop 1
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server 10.0.0.2 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 10.0.0.3 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
"""

# Listens on both real servers; holds every connection until the peer
# closes it, so IPVS counts it as active.
BACKEND_PY = r'''
import select, socket
ls = []
for a in ("10.0.0.2", "10.0.0.3"):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 80))
    s.listen(64)
    ls.append(s)
conns = []
while True:
    r = select.select(ls + conns, [], [])[0]
    for x in r:
        if x in ls:
            conns.append(x.accept()[0])
        else:
            try:
                data = x.recv(100)
            except OSError:
                data = b""
            if not data:
                conns.remove(x)
                x.close()
'''

# Six connections through the virtual service, held until $d/release
# exists, then reset (SO_LINGER 0) so IPVS drops them quickly.
HOLDER_PY = r'''
import os, socket, struct, sys, time
d = sys.argv[1]
socks = []
for _ in range(6):
    # a connect through the virtual service once failed in CI (the
    # backend was not listening yet): try again, and say so on stdout
    for attempt in range(3):
        try:
            s = socket.create_connection(("10.0.0.100", 80), timeout=5)
            break
        except OSError as e:
            print("HOLDER connect %d failed: %r" % (attempt + 1, e), flush=True)
    else:
        raise SystemExit("HOLDER gave up")
    s.send(b"x")
    socks.append(s)
open(d + "/held", "w").close()
while not os.path.exists(d + "/release"):
    time.sleep(0.1)
for s in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
'''

SCENARIO = r"""
set -u
d=/tmp/cdrain
mkdir -p $d
ip link set lo up
ip netns add rs
ip link add veth0 type veth peer name veth1
ip link set veth1 netns rs
ip addr add 10.0.0.254/24 dev veth0
ip link set veth0 up
ip netns exec rs ip link set lo up
ip netns exec rs ip addr add 10.0.0.2/24 dev veth1
ip netns exec rs ip addr add 10.0.0.3/24 dev veth1
ip netns exec rs ip link set veth1 up
ip netns exec rs ip route add default via 10.0.0.254
cat > $d/backend.py <<'PY_EOF'
%(backend)s
PY_EOF
cat > $d/holder.py <<'PY_EOF'
%(holder)s
PY_EOF
cat > $d/vigil.conf <<'CONF_EOF'
%(conf)s
CONF_EOF
ip netns exec rs python3 $d/backend.py &
backend=$!
# the backend listens before vigild starts: its first checks pass, so no
# real server goes down (and out of the table) while connections are made
i=0
until ip netns exec rs ss -ltn | grep -q '10.0.0.3:80' || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
ctl() { %(build)s/vigilctl -s $d/ctl.sock "$@"; }
%(table_funcs)s
phase() {
    echo "=== TABLE $1"
    ipvsadm -Sn
    echo "=== STATUS $1"
    ctl status --json
    echo "=== END $1"
}
RS2="-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m"

%(start)s
until_ok 40 'has "$RS2 -w 2" && has "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1"'

python3 $d/holder.py $d &
i=0; while [ ! -e $d/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
sleep 1
phase held

echo "=== CTL drain"
ctl real-server drain 10.0.0.100:80 10.0.0.2:80
echo "=== END drain"
until_ok 5 'has "$RS2 -w 0"'
sleep 3
phase draining

touch $d/release
until_ok 60 '! has "$RS2 .*"'
phase drained

echo "=== CTL enable"
ctl real-server enable 10.0.0.100:80 10.0.0.2:80
echo "=== END enable"
until_ok 10 'has "$RS2 -w 2"'
phase enabled

%(stop)s
%(daemon_log)s
kill $backend
exit 0
"""

RS2 = "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m"


def rs2(output, phase):
    st = json.loads(section(output, "STATUS", phase))
    [vs] = st["virtual_servers"]
    for r in vs["real_servers"]:
        if r["address"] == "10.0.0.2":
            return r
    raise AssertionError("10.0.0.2 not in status of %s" % phase)


@pytest.fixture(scope="module")
def run(vm, build_dir):
    commands = vigild_commands(build_dir, conf="$d/vigil.conf")
    script = SCENARIO % {"backend": BACKEND_PY.strip(), "holder": HOLDER_PY.strip(),
                         "conf": CONF, "build": build_dir, "table_funcs": TABLE_FUNCS_SH,
                         "start": commands["start"], "stop": commands["stop"],
                         "daemon_log": DAEMON_LOG_SH}
    res = vm.run(script, timeout=420)
    print("VM run took %.1fs" % res.seconds)
    assert res.returncode == 0, res.output
    assert "TIMEOUT-WAITING" not in res.output, res.output
    return res.output


def test_held_connections_reach_both_real_servers(run):
    # the backend listened before vigild started, so no real server ever
    # went down: the connections met the table the test waited for
    assert "HOLDER gave up" not in run
    assert ": down" not in daemon_log(run), daemon_log(run)
    r = rs2(run, "held")
    assert r["up"] is True and r["drained"] is False
    assert r["active_connections"] and r["active_connections"] > 0, r
    # "installed" comes from the services read after each sync, the
    # counters from the dump made for this request
    [vs] = json.loads(section(run, "STATUS", "held"))["virtual_servers"]
    assert vs["installed"] is True and vs["not_installed_reason"] is None, vs
    assert RS2 + " -w 2" in section(run, "TABLE", "held").splitlines()


def test_drain_sets_weight_0_and_waits_for_connections(run):
    assert "drained 10.0.0.2:80 in 10.0.0.100:80" in section(run, "CTL", "drain")
    table = section(run, "TABLE", "draining").splitlines()
    assert RS2 + " -w 0" in table
    assert "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1" in table
    r = rs2(run, "draining")
    assert r["drained"] is True and r["drain_complete"] is False
    assert r["effective_weight"] == 0 and r["in_ipvs_table"] is True
    assert r["active_connections"] + r["inactive_connections"] > 0, r


def test_drain_completes_when_connections_are_gone(run):
    table = section(run, "TABLE", "drained").splitlines()
    assert not any(line.startswith(RS2) for line in table), table
    assert "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1" in table
    r = rs2(run, "drained")
    assert r["drained"] is True and r["drain_complete"] is True
    assert r["in_ipvs_table"] is False and r["up"] is True


def test_enable_restores_the_weight(run):
    assert "enabled 10.0.0.2:80" in section(run, "CTL", "enable")
    assert RS2 + " -w 2" in section(run, "TABLE", "enabled").splitlines()
    r = rs2(run, "enabled")
    assert r["drained"] is False and r["effective_weight"] == 2
    assert "DAEMON-EXIT=0" in run
