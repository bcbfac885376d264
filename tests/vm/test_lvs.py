"""vigil's IPVS layer (lvs/) against Debian's kernel in qemu, checked with
ipvsadm.  One VM boot runs every step (TCG boots are slow); each step's
output comes back between markers and the tests below read their part.

The driver is tests/tools/lvs_tool (sync / dump / flush / timeouts /
daemon over JSON tables).  Steps, in order:
  adopt     ipvsadm builds a service and a foreign one; a client connects
            once; lvs_tool syncs a large wanted table without "before"
  again     the same sync again: nothing to do
  change    sync with before = the first table: a dropped service goes,
            settings are edited, an unknown scheduler fails alone
  timeouts, flush, then the sync daemon (the kernel refuses it while a
            mixed-family destination exists, which is checked first)
The `plan` command needs no kernel and is tested on the host.
"""

import json
import os
import re
import subprocess

import pytest

import vigilvm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# Scheduler modules of Debian's 6.1 kernel (net/netfilter/ipvs/ip_vs_*.ko;
# ip_vs_twos only appeared in 6.6).  vigilvm.MODULES loads each.
SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo",
              "ovf", "mh"]

GUEST_NET = """
ip link set lo up
ip link add lan0 type dummy
ip addr add 10.0.0.254/24 dev lan0
ip -6 addr add fd00::fe/64 dev lan0 nodad
ip link set lan0 up
ip link add sync0 type veth peer name sync1
ip link set sync0 up
ip link set sync1 up
"""


def svc(proto, addr, port, sched, **kw):
    s = {"protocol": proto, "address": addr, "port": port, "scheduler": sched}
    s.update(kw)
    return s


def dest(addr, port, fwd="nat", weight=1, **kw):
    d = {"address": addr, "port": port, "forwarding": fwd, "weight": weight}
    d.update(kw)
    return d


def wanted_first():
    """Every kind of service and destination vigil must express."""
    services = [
        # Created by ipvsadm before the sync (rr, .2 then .3): adopted,
        # only .2's weight differs.
        svc("tcp", "10.0.0.100", 80, "rr", dests=[dest("10.0.0.2", 80, weight=5),
                                                  dest("10.0.0.3", 80)]),
        svc("udp", "10.0.0.100", 53, "wlc",
            dests=[dest("10.0.0.2", 53, u_threshold=100, l_threshold=10)]),
        svc("sctp", "10.0.0.100", 9000, "wrr", dests=[dest("10.0.0.2", 9000, weight=2)]),
        {"fwmark": 7, "scheduler": "rr", "flags": ["persistent"], "persistence_timeout": 300,
         "netmask": "255.255.255.0", "dests": [dest("10.0.0.4", 0, "dr")]},
        {"family": "inet6", "fwmark": 8, "scheduler": "lc",
         "dests": [dest("fd00::2", 0)]},
        svc("tcp", "fd00::100", 443, "sh", flags=["sh-fallback", "sh-port"],
            dests=[dest("fd00::2", 443), dest("fd00::3", 443, "dr", 2)]),
        svc("udp", "10.0.0.100", 5060, "mh", flags=["persistent", "mh-port"],
            persistence_timeout=120, netmask="255.255.255.0", pe="sip",
            dests=[dest("10.0.0.5", 5060, "dr")]),
        svc("udp", "10.0.0.101", 5000, "rr", flags=["onepacket"]),
        svc("tcp", "10.0.0.102", 80, "wlc", dests=[
            dest("10.0.0.6", 80, "tun", tunnel_type="ipip"),
            dest("10.0.0.7", 80, "tun", tunnel_type="gue", tunnel_port=6080,
                 tunnel_flags=["remcsum"]),
            dest("10.0.0.8", 80, "tun", tunnel_type="gre", tunnel_flags=["csum"]),
            dest("10.0.0.9", 80, "tun", tunnel_type="gue", tunnel_port=6081,
                 tunnel_flags=[])]),
        # An IPv4 tunnel destination under an IPv6 service (mixed family).
        svc("tcp", "fd00::100", 8443, "rr", persistence_timeout=0,
            flags=["persistent"], netmask=64,
            dests=[dest("10.0.0.11", 8443, "tun", tunnel_type="ipip")]),
    ]
    for i, sched in enumerate(SCHEDULERS):
        services.append(svc("tcp", "10.0.1.%d" % (i + 1), 80, sched,
                            dests=[dest("10.0.0.2", 80)]))
    return {"services": services}


def wanted_second():
    """The first table changed: the onepacket service is dropped, settings
    edited in place, an unknown scheduler added next to a good service."""
    table = wanted_first()
    services = [s for s in table["services"] if s.get("port") != 5000]

    def find(addr, port):
        return next(s for s in services if s.get("address") == addr and s["port"] == port)

    find("10.0.0.100", 80)["dests"][1]["forwarding"] = "dr"    # .3: NAT -> DR by edit
    udp53 = find("10.0.0.100", 53)
    udp53["scheduler"] = "rr"
    udp53["dests"][0]["u_threshold"] = 200
    v6 = find("fd00::100", 443)
    v6["dests"] = v6["dests"][:1]                             # [fd00::3]:443 goes
    find("10.0.0.102", 80)["dests"][1]["tunnel_port"] = 7000
    services.append(svc("tcp", "10.0.0.150", 80, "nosuchsched",
                        dests=[dest("10.0.0.2", 80)]))
    services.append(svc("tcp", "10.0.0.151", 80, "rr", dests=[dest("10.0.0.2", 80)]))
    return {"services": services}


def build_job(tool):
    files = {"w1.json": wanted_first(), "w2.json": wanted_second()}
    lines = [GUEST_NET, "cd /tmp", "T=%s" % tool]
    for name, table in files.items():
        lines.append("cat > %s <<'JSON_EOF'\n%s\nJSON_EOF" % (name, json.dumps(table)))
    lines.append(r"""
step() { name=$1; shift; echo "=== $name"; "$@"; echo "=== rc $name $?"; }
show() { step "$1-save" ipvsadm -Sn; step "$1-nosort" ipvsadm -Ln --nosort;
         step "$1-thresholds" ipvsadm -Ln --thresholds --nosort;
         step "$1-stats" ipvsadm -Ln --stats --exact --nosort; step "$1-dump" $T dump; }
step version $T version
step modules sh -c 'ls /sys/module | grep ^ip_vs'
ipvsadm -A -t 10.0.0.100:80 -s rr
ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1
ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 1
ipvsadm -A -t 10.0.0.200:80 -s wlc
ipvsadm -a -t 10.0.0.200:80 -r 10.0.0.9:80 -g -w 4
python3 -c 'import socket; s = socket.socket(); s.settimeout(0.5); s.connect_ex(("10.0.0.100", 80))'
# The kernel publishes traffic counters from its estimator, every 2 s: wait
# for the connection to show before taking the "before" picture.
for i in $(seq 50); do
    ipvsadm -Ln --stats --exact | awk '$2 == "10.0.0.100:80" && $3 > 0 { f = 1 } END { exit !f }' && break
    sleep 0.1
done
show pre
step adopt $T sync w1.json
show adopt
step again $T sync w1.json
step change $T sync w2.json w1.json
show change
step timeouts1 $T timeouts 100 20 30
step timeouts1-show ipvsadm -Ln --timeout
step timeouts2 $T timeouts 0 25 0
step timeouts2-show ipvsadm -Ln --timeout
step daemon-mixed $T daemon start master sync0 5
step flush $T flush
step flush-save ipvsadm -Sn
# After the flush: the kernel refuses a sync daemon while any service
# has a destination of the other family (the mixed one above).
step daemon-master $T daemon start master sync0 5
step daemon-backup $T daemon start backup sync1 6 port 8850 ttl 2 maxlen 1400 group 239.1.2.3
step daemon-both ipvsadm -Ln --daemon
step daemon-stop-master $T daemon stop master
step daemon-one ipvsadm -Ln --daemon
step daemon-stop-backup $T daemon stop backup sync1
step daemon-stop-again $T daemon stop backup
step daemon-none ipvsadm -Ln --daemon
step bad-json $T sync /nonexistent.json
exit 0
""")
    return "\n".join(lines)


def parse_steps(output):
    """{name: (text, rc)} from the step markers."""
    steps = {}
    pattern = re.compile(r"^=== (\S+)\n(.*?)^=== rc \1 (\d+)$", re.S | re.M)
    for m in pattern.finditer(output):
        steps[m.group(1)] = (m.group(2), int(m.group(3)))
    return steps


@pytest.fixture(scope="module")
def tool():
    build = os.path.abspath(os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build")))
    path = os.path.join(build, "tests", "tools", "lvs_tool")
    if not os.access(path, os.X_OK):
        pytest.fail("lvs_tool is not built in %s (set VIGIL_BUILD)" % build)
    return path


@pytest.fixture(scope="module")
def guest(vm, tool):
    res = vm.run(build_job(tool), timeout=600)
    if os.environ.get("VIGIL_VM_OUTPUT"):       # keep the guest's output for diagnosis
        with open(os.environ["VIGIL_VM_OUTPUT"], "w") as f:
            f.write(res.output)
    assert res.returncode == 0, res.output
    steps = parse_steps(res.output)
    assert "bad-json" in steps, "the job stopped early:\n" + res.output
    return steps, res.output


def step(guest, name, rc=0):
    steps, output = guest
    assert name in steps, "no step %s in:\n%s" % (name, output)
    text, got = steps[name]
    if rc is not None:
        assert got == rc, "step %s exited %d, expected %d:\n%s" % (name, got, rc, text)
    return text


# ---- ipvsadm's views and the tables in one shape ----

FULL_MASK = {"inet": "255.255.255.255", "inet6": 128}
SCHED_FLAG_NAMES = {"sh": ["sh-fallback", "sh-port", "flag-3"],
                    "mh": ["mh-fallback", "mh-port", "flag-3"]}
FLAG_ALIASES = {"sh-fallback": "sched1", "sh-port": "sched2", "mh-fallback": "sched1",
                "mh-port": "sched2", "flag-1": "sched1", "flag-2": "sched2",
                "flag-3": "sched3"}


def normalize(table):
    """A wanted table with every default filled in, as dump writes it."""
    out = []
    for s in table["services"]:
        n = dict(s)
        n.setdefault("family", "inet6" if ":" in s.get("address", "") else "inet")
        n.setdefault("persistence_timeout", 0)
        n.setdefault("netmask", FULL_MASK[n["family"]])
        n.setdefault("pe", "")
        n["flags"] = sorted({FLAG_ALIASES.get(f, f) for f in s.get("flags", [])})
        n["dests"] = []
        for d in s.get("dests", []):
            m = dict(d)
            m.setdefault("forwarding", "nat")
            m.setdefault("weight", 1)
            m.setdefault("u_threshold", 0)
            m.setdefault("l_threshold", 0)
            m.setdefault("tunnel_type", "ipip")
            m.setdefault("tunnel_port", 0)
            m["tunnel_flags"] = sorted(f for f in d.get("tunnel_flags", []) if f != "nocsum")
            n["dests"].append(m)
        out.append(n)
    return out


def endpoint(addr, port):
    return "[%s]:%d" % (addr, port) if ":" in addr else "%s:%d" % (addr, port)


def service_spec(s):
    if "fwmark" in s:
        return "-f %d%s" % (s["fwmark"], " -6" if s["family"] == "inet6" else "")
    opt = {"tcp": "-t", "udp": "-u", "sctp": "--sctp-service"}[s["protocol"]]
    return "%s %s" % (opt, endpoint(s["address"], s["port"]))


def service_line(s):
    line = "-A %s -s %s" % (service_spec(s), s["scheduler"])
    flags = set(s["flags"])
    if "persistent" in flags:
        line += " -p %d" % s["persistence_timeout"]
    if s["netmask"] != FULL_MASK[s["family"]]:
        line += " -M %s" % s["netmask"]
    if s["pe"]:
        line += " --pe %s" % s["pe"]
    names = SCHED_FLAG_NAMES.get(s["scheduler"], ["flag-1", "flag-2", "flag-3"])
    sched = [names[i] for i, f in enumerate(["sched1", "sched2", "sched3"]) if f in flags]
    if sched:
        line += " -b " + ",".join(sched)
    if "onepacket" in flags:
        line += " -o"
    return line


def dest_line(s, d):
    fwd = {"nat": "-m", "dr": "-g", "tun": "-i"}[d["forwarding"]]
    line = "-a %s -r %s %s -w %d" % (service_spec(s), endpoint(d["address"], d["port"]), fwd,
                                     d["weight"])
    if d["forwarding"] == "tun":
        line += " --tun-type " + d["tunnel_type"]
        if d["tunnel_type"] == "gue":
            line += " --tun-port %d" % d["tunnel_port"]
        if d["tunnel_type"] != "ipip":
            flags = d["tunnel_flags"]
            line += " --tun-" + (flags[0] if len(flags) == 1 else "nocsum")
    return line


def save_lines(services):
    """What `ipvsadm -Sn` prints for these services, sorted."""
    lines = []
    for s in services:
        lines.append(service_line(s))
        lines.extend(dest_line(s, d) for d in s["dests"])
    return sorted(lines)


def listing(text):
    """An `ipvsadm -Ln ...` listing: {service key: [dest row tokens]}, rows
    in the kernel's order with --nosort."""
    table, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^(TCP|UDP|SCTP|FWM)\s+(\S+)( IPv6)?", line)
        if m:
            current = "%s %s%s" % (m.group(1), m.group(2), m.group(3) or "")
            table[current] = []
        elif line.startswith("  -> ") and current and not line.startswith("  -> Remote"):
            table[current].append(line.split()[1:])
    return table


def dump_key(s):
    if "fwmark" in s:
        return "FWM %d%s" % (s["fwmark"], " IPv6" if s["family"] == "inet6" else "")
    return "%s %s" % (s["protocol"].upper(), endpoint(s["address"], s["port"]))


FOREIGN = normalize({"services": [svc("tcp", "10.0.0.200", 80, "wlc",
                                      dests=[dest("10.0.0.9", 80, "dr", 4)])]})


def without_stats(services):
    return [dict(s, dests=[{k: v for k, v in d.items() if k != "stats"} for d in s["dests"]])
            for s in services]


def canonical(services, extra_flags=()):
    """{key: service} with flags sorted and destinations by address (the
    kernel lists the newest destination first)."""
    out = {}
    for s in services:
        out[dump_key(s)] = dict(s, flags=sorted(list(s["flags"]) + list(extra_flags)),
                                dests=sorted(s["dests"], key=lambda d: (d["address"], d["port"])))
    return out


# ---- the tests ----

def test_version_and_scheduler_modules(guest):
    version = step(guest, "version").strip()
    assert re.match(r"^\d+\.\d+\.\d+$", version), version
    assert "IP Virtual Server version %s " % version in step(guest, "pre-nosort")
    loaded = step(guest, "modules").split()
    for sched in SCHEDULERS:
        assert "ip_vs_" + sched in loaded
    assert "ip_vs_pe_sip" in loaded


@pytest.mark.parametrize("phase", ["pre", "adopt", "change"])
def test_dump_matches_ipvsadm(guest, phase):
    """lvs_tool dump shows what ipvsadm shows: the rules (-Sn), the
    destination order and connection counts (--nosort), thresholds and
    traffic counters."""
    dumped = json.loads(step(guest, phase + "-dump"))["services"]
    assert save_lines(dumped) == sorted(step(guest, phase + "-save").splitlines())
    lists = {name: listing(step(guest, "%s-%s" % (phase, name)))
             for name in ("nosort", "thresholds", "stats")}
    assert set(lists["nosort"]) == {dump_key(s) for s in dumped}
    for s in dumped:
        key = dump_key(s)
        addrs = [endpoint(d["address"], d["port"]) for d in s["dests"]]
        assert [row[0] for row in lists["nosort"][key]] == addrs, key
        for d, row, thr, st in zip(s["dests"], lists["nosort"][key], lists["thresholds"][key],
                                   lists["stats"][key]):
            stats = d["stats"]
            assert row[2:5] == [str(d["weight"]), str(stats["active_conns"]),
                                str(stats["inactive_conns"])], (key, row, d)
            assert thr[1:3] == [str(d["u_threshold"]), str(d["l_threshold"])], (key, thr, d)
            assert st[1:6] == [str(stats[k]) for k in
                               ("conns", "inpkts", "outpkts", "inbytes", "outbytes")], (key, st)


def test_sync_installs_every_kind_of_entry(guest):
    """Protocols, fwmark v4/v6, IPv6, every scheduler, flags, persistence
    with granularity, the sip engine, NAT/DR/tunnel (ipip, gue with port,
    gre) with checksum flags, a mixed-family tunnel, thresholds."""
    # Everything but the adopted service is added; of that one only .2's
    # weight is edited.
    added = sum(1 + len(s.get("dests", [])) for s in wanted_first()["services"][1:])
    assert step(guest, "adopt").strip() == "applied %d failed 0" % (added + 1)
    dumped = without_stats(json.loads(step(guest, "adopt-dump"))["services"])
    wanted = normalize(wanted_first()) + FOREIGN
    assert sorted(step(guest, "adopt-save").splitlines()) == save_lines(wanted)
    # The dump reads back exactly the table that was asked for (thresholds
    # and tunnel settings included), the foreign service as it was.
    assert canonical(dumped) == canonical(wanted, extra_flags=["hashed"])


def test_start_up_adopts_instead_of_recreating(guest):
    """ipvsadm made 10.0.0.100:80 with .3 then .2 (the kernel lists the
    newest first: .2, .3) and a client connected once.  vigil wants .2 with
    weight 5 and .3 as it is: .2 is edited in place, so the order and the
    connection stay; re-adding in the wanted order would list .3 first,
    and a re-created service would have lost its counters."""
    before = listing(step(guest, "pre-nosort"))["TCP 10.0.0.100:80"]
    after = listing(step(guest, "adopt-nosort"))["TCP 10.0.0.100:80"]
    assert [r[0] for r in before] == ["10.0.0.2:80", "10.0.0.3:80"]
    assert [r[:3] for r in after] == [["10.0.0.2:80", "Masq", "5"], ["10.0.0.3:80", "Masq", "1"]]
    assert [r[3] for r in after] == [r[3] for r in before]           # ActiveConn
    assert sum(int(r[3]) for r in before) == 1, before
    stats_before = listing(step(guest, "pre-stats"))["TCP 10.0.0.100:80"]
    stats_after = listing(step(guest, "adopt-stats"))["TCP 10.0.0.100:80"]
    assert stats_after == stats_before
    # The foreign service is untouched.
    foreign = [line for line in step(guest, "adopt-save").splitlines() if "10.0.0.200" in line]
    assert foreign == ["-A -t 10.0.0.200:80 -s wlc", "-a -t 10.0.0.200:80 -r 10.0.0.9:80 -g -w 4"]


def test_second_sync_of_same_table_does_nothing(guest):
    assert step(guest, "again").strip() == "applied 0 failed 0"


def test_change_with_before_edits_deletes_and_reports_failures(guest):
    """Dropped service deleted (it was in before), scheduler / threshold /
    forwarding / GUE port edited, a destination removed, and the unknown
    scheduler's two operations fail and are logged while the rest apply."""
    out = step(guest, "change", rc=1)
    assert out.strip().splitlines()[-1] == "applied 8 failed 2", out
    assert re.search(r"error: IPVS add_service TCP 10\.0\.0\.150:80 failed: ", out), out
    assert re.search(r"error: IPVS add_dest TCP 10\.0\.0\.150:80 -> 10\.0\.0\.2:80 failed: ",
                     out), out
    wanted = [s for s in normalize(wanted_second()) if s.get("address") != "10.0.0.150"]
    assert sorted(step(guest, "change-save").splitlines()) == save_lines(wanted + FOREIGN)
    thresholds = listing(step(guest, "change-thresholds"))["UDP 10.0.0.100:53"]
    assert thresholds[0][:3] == ["10.0.0.2:53", "200", "10"]
    # NAT -> DR by edit: .3 keeps its place and its connection.
    rows = listing(step(guest, "change-nosort"))["TCP 10.0.0.100:80"]
    before = listing(step(guest, "adopt-nosort"))["TCP 10.0.0.100:80"]
    assert [r[:2] for r in rows] == [["10.0.0.2:80", "Masq"], ["10.0.0.3:80", "Route"]]
    assert [r[3] for r in rows] == [r[3] for r in before]


def test_timeouts(guest):
    assert step(guest, "timeouts1-show").strip() == "Timeout (tcp tcpfin udp): 100 20 30"
    # 0 leaves a value as it was.
    assert step(guest, "timeouts2-show").strip() == "Timeout (tcp tcpfin udp): 100 25 30"


def test_sync_daemon_start_and_stop(guest):
    both = step(guest, "daemon-both").strip().splitlines()
    assert both == [
        "master sync daemon (mcast=sync0, syncid=5, maxlen=1472, group=224.0.0.81, "
        "port=8848, ttl=1)",
        "backup sync daemon (mcast=sync1, syncid=6, maxlen=1400, group=239.1.2.3, "
        "port=8850, ttl=2)"]
    assert step(guest, "daemon-one").strip().splitlines() == both[1:]
    assert "No such process" in step(guest, "daemon-stop-again", rc=1)
    assert step(guest, "daemon-none").strip() == ""


def test_sync_daemon_refused_with_mixed_family_dests(guest):
    """The kernel's answer comes back as the operation's errno."""
    assert "Invalid argument" in step(guest, "daemon-mixed", rc=1)


def test_flush_removes_everything(guest):
    step(guest, "flush")
    assert step(guest, "flush-save").strip() == ""


def test_bad_input_is_a_usage_error(guest):
    assert "/nonexistent.json" in step(guest, "bad-json", rc=2)


def test_plan_command_is_pure(tool, tmp_path):
    """`lvs_tool plan` runs the planner on JSON tables, no kernel needed."""
    kernel = {"services": [
        svc("tcp", "10.0.0.1", 80, "wlc", flags=["hashed"],
            dests=[dest("10.0.0.2", 80, weight=1), dest("10.0.0.9", 80)]),
        svc("udp", "10.0.0.1", 53, "rr"),
        svc("tcp", "10.0.0.50", 80, "rr")]}
    wanted = {"services": [
        svc("tcp", "10.0.0.1", 80, "wlc",
            dests=[dest("10.0.0.2", 80, weight=3), dest("10.0.0.3", 80, "dr")]),
        {"family": "inet6", "fwmark": 5, "scheduler": "sh", "flags": ["sh-port"]}]}
    before = {"services": [svc("udp", "10.0.0.1", 53, "rr")]}
    paths = []
    for name, table in (("k", kernel), ("w", wanted), ("b", before)):
        path = tmp_path / (name + ".json")
        path.write_text(json.dumps(table))
        paths.append(str(path))
    common = ["edit_dest TCP 10.0.0.1:80 -> 10.0.0.2:80",
              "add_dest TCP 10.0.0.1:80 -> 10.0.0.3:80",
              "del_dest TCP 10.0.0.1:80 -> 10.0.0.9:80",
              "add_service FWM 5 (IPv6)"]
    out = subprocess.run([tool, "plan"] + paths[:2], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == common
    out = subprocess.run([tool, "plan"] + paths, capture_output=True, text=True)
    assert out.stdout.splitlines() == ["del_service UDP 10.0.0.1:53"] + common
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"services": [svc("tcp", "10.0.0.1", 80, "rr",
                                                dests=[dest("10.0.0.2", 80, "xx")])]}))
    out = subprocess.run([tool, "plan", str(bad), paths[1]], capture_output=True, text=True)
    assert out.returncode == 2
    assert "services[0].dests[0].forwarding: unknown value 'xx'" in out.stderr
