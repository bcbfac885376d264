"""IPVS under Debian's kernel in qemu: the kernel side works, and vigild
built here sees it."""

import json
import re

import vigilvm

# Gives the guest an address for the real servers' subnet: IPVS refuses a
# NAT destination it has no route to.
GUEST_NET = """
ip link set lo up
ip link add lan0 type dummy
ip addr add 10.0.0.254/24 dev lan0
ip -6 addr add fd00::fe/64 dev lan0 nodad
ip link set lan0 up
"""

CHECKER_CONF = """global_defs {
    router_id vm-test
}
virtual_server 10.0.0.100 80 {
    delay_loop 6
    lvs_sched rr
    lvs_method NAT
    protocol TCP
    real_server 10.0.0.2 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""


def test_console_parsing_finds_status_and_output():
    console = ("[    1.0] noise\r\nvigil-vm: insmod x.ko failed\r\nVIGIL-VM-BEGIN\r\n"
               "line one\r\nline two\r\n\r\nVIGIL-VM-EXIT=7\r\n[    2.0] reboot\r\n")
    rc, out = vigilvm.parse_console(console)
    assert rc == 7
    assert out == "line one\nline two\n"


def test_console_without_exit_marker_means_no_status():
    rc, out = vigilvm.parse_console("VIGIL-VM-BEGIN\nstarted\nKernel panic")
    assert rc is None
    assert "started" in out


def test_ipvsadm_builds_a_table_in_the_guest(vm):
    job = GUEST_NET + """
ipvsadm -A -t 10.0.0.100:80 -s rr
ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 2
ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1
ipvsadm -A -u 10.0.0.100:53 -s wlc
ipvsadm -a -u 10.0.0.100:53 -r 10.0.0.2:53 -m
ipvsadm -A -t [fd00::100]:443 -s sh
ipvsadm -Sn || exit 1
exit 42
"""
    res = vm.run(job, timeout=180)
    assert res.returncode == 42, res.output
    table = [line.strip() for line in res.output.splitlines() if line.startswith("-")]
    assert "-A -t 10.0.0.100:80 -s rr" in table
    assert "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 2" in table
    assert "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -m -w 1" in table
    assert "-A -u 10.0.0.100:53 -s wlc" in table
    assert "-a -u 10.0.0.100:53 -r 10.0.0.2:53 -m -w 1" in table
    assert "-A -t [fd00::100]:443 -s sh" in table
    assert len(table) == 6, res.output


def _vigild_job(build_dir):
    """Start vigild with a checker configuration, wait until its status
    shows the IPVS probe, print the status between markers, stop it."""
    return GUEST_NET + """
d=/tmp/vigil
mkdir -p $d
cat > $d/vigil.conf <<'VIGIL_EOF'
%(conf)s
VIGIL_EOF
B=%(build)s
$B/vigild -n -l -f $d/vigil.conf -p $d/vigild.pid -r $d/vrrp.pid -c $d/checker.pid \\
    --control-socket $d/control.sock > $d/log 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ]; do
    if $B/vigilctl -s $d/control.sock status --json > $d/status.json 2>/dev/null &&
       grep -q '"available"' $d/status.json; then
        break
    fi
    i=$((i + 1))
    sleep 0.1
done
echo STATUS-BEGIN
cat $d/status.json
echo
echo STATUS-END
kill -TERM $pid
wait $pid
echo "VIGILD-EXIT=$?"
echo LOG-BEGIN
cat $d/log
""" % {"conf": CHECKER_CONF, "build": build_dir}


def test_vigild_in_the_guest_reports_ipvs_available(vm, build_dir):
    res = vm.run(_vigild_job(build_dir), timeout=240)
    m = re.search(r"STATUS-BEGIN\n(.*?)\nSTATUS-END", res.output, re.S)
    assert m and m.group(1).strip(), "no status from vigilctl:\n" + res.output
    try:
        status = json.loads(m.group(1))
    except ValueError:
        raise AssertionError("status is not JSON:\n" + res.output) from None
    assert status["ipvs"] is not None, res.output
    assert status["ipvs"]["available"] is True, res.output
    assert re.match(r"^\d+\.\d+\.\d+$", status["ipvs"]["version"]), status["ipvs"]
    workers = {w["name"]: w for w in status["workers"]}
    assert workers["checker"]["state"] == "running", res.output
    assert "VIGILD-EXIT=0" in res.output, res.output
