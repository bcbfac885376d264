"""lvs_sync_daemon naming a vrrp_instance: the kernel's IPVS sync daemon
follows the instance's state (keepalived.conf(5): only the master daemon
while the instance is MASTER, only the backup daemon otherwise), checked
with `ipvsadm -Ln --daemon` in the VM, for vigild and for keepalived 2.2.7
running the same configuration in the same boot.

The guest script runs each daemon in turn on one VRRP v3 instance (short
intervals, no peer, so it becomes MASTER on its own) over a veth pair and
walks these phases, each waiting (bounded) for the daemons it expects:

  master      VI_1 MASTER                      -> master daemon only, syncid 7
  fault       track_file says fault (FAULT)    -> backup daemon only
  remaster    track_file clear again (MASTER)  -> master daemon only
  reload      id 7 -> 9 in the configuration   -> master daemon, syncid 9
  maint       vigilctl vrrp maintenance VI_1   -> backup daemon (vigild only)
  release     vigilctl vrrp release VI_1       -> master daemon (vigild only)
  default     `inst VI_1`, no id (reload)      -> master daemon, syncid 51 (the VRID)
  stopped     the daemon stopped               -> no sync daemon
  lv-*        a new daemon (vigild without -I) on a configuration with
              many virtual servers, whose last one goes while the line
              changes form (LASTVS below)
  stopped2    the daemon stopped               -> no sync daemon

vigild also switches the line between its two forms across reloads, twice
each way (noinst1, inst1, noinst2, inst2 after `release`): without an
instance the checker runs both daemons (syncid 11), with one the VRRP
worker runs the instance's; both workers reload in parallel, so these
phases catch one undoing the other.  For that vigild's configuration also
holds a virtual server (the checker worker runs only with one), and vigild
runs with -I: after the stop its virtual server is still in the kernel
(`ipvsadm -Sn`, phase stopped) while the sync daemons are gone.

The lv-* phases (both daemons) remove the last virtual server of the
configuration, a group of LASTVS_SIZE services, while the line switches
from the form without an instance to the instance form: in one reload,
and in two reloads in either order.  keepalived 2.2.7 keeps its checker
process through reloads with no virtual server, so the daemons of the
form without an instance keep running (lv-novs) and the instance form
leaves the instance's daemon only (lv-both); each of these phases waits
for the expected daemons and table, then looks again a second later, so
a daemon stopped after the wanted one started shows.  vigild used to stop
its checker worker there, whose stop removed whatever sync daemons ran,
also the one the VRRP worker had just started (lv-both): without -I that
stop first removes the group, slowly enough for the VRRP worker's
reload to come first; with -I it also left the group in the kernel.

Plus a host-side check that `vigild -t` names FILE:LINE for an unknown
instance."""

import os
import re
import subprocess
import tempfile

import pytest

from guest_helpers import (DAEMON_LOG_SH, KEEPALIVED, assert_clean_exit, daemon_log, sections,
                           vigild_commands)

CONF = """global_defs {
    router_id vm-lvs-sync
    lvs_sync_daemon veth0 %(sync)s
}
track_file tf {
    file /tmp/lsync/tf
    weight 0
}
vrrp_instance VI_1 {
    version 3
    state BACKUP
    interface veth0
    virtual_router_id 51
    priority 150
    advert_int 0.2
    track_file {
        tf
    }
    virtual_ipaddress {
        10.0.0.100/32
    }
}
%(vs)s"""

# vigild only: makes its checker worker run (see the docstring).
VS = """virtual_server 10.0.0.200 80 {
    protocol TCP
    real_server 10.0.0.2 80 {
    }
}
"""

# `only ROLE [ID]`: exactly that sync daemon runs (ROLE none: no daemon at
# all; both: the master and the backup one, nothing else).
SCENARIO = r"""
set -u
d=/tmp/lsync
mkdir -p $d
ip link set lo up
ip link add veth0 type veth peer name veth1
ip addr add 10.0.0.254/24 dev veth0
ip link set veth0 up
ip link set veth1 up
echo 0 > $d/tf
only() {
    out=$(ipvsadm -Ln --daemon)
    case "$1" in
    none) [ -z "$out" ] ;;
    both) echo "$out" | grep -q "^master sync daemon (mcast=veth0, syncid=$2[,)]" &&
          echo "$out" | grep -q "^backup sync daemon (mcast=veth0, syncid=$2[,)]" &&
          [ "$(echo "$out" | grep -c 'sync daemon')" = 2 ] ;;
    *) echo "$out" | grep -q "^$1 sync daemon" &&
       [ "$(echo "$out" | grep -c 'sync daemon')" = 1 ] &&
       { [ -z "${2:-}" ] || echo "$out" | grep -q "syncid=$2[,)]"; } ;;
    esac
}
phase() {
    end=$(($(date +%%s) + 20))
    while ! only "$2" "${3:-}"; do
        [ "$(date +%%s)" -lt $end ] || { echo "TIMEOUT-WAITING $1"; break; }; sleep 0.2
    done
    echo "=== DAEMONS $1"
    ipvsadm -Ln --daemon
    echo "=== END $1"
}
cat > $d/run.conf <<'CONF_EOF'
%(conf_a)s
CONF_EOF
%(start)s
phase master master 7
echo 1 > $d/tf
phase fault backup 7
echo 0 > $d/tf
phase remaster master 7
cat > $d/run.conf <<'CONF_EOF'
%(conf_b)s
CONF_EOF
%(reload)s
phase reload master 9
%(extra)s
cat > $d/run.conf <<'CONF_EOF'
%(conf_c)s
CONF_EOF
%(reload)s
phase default master 51
%(stop)s
sleep 0.5
phase stopped none
echo "=== TABLE stopped"
ipvsadm -Sn
echo "=== END stopped"
%(lastvs)s
%(daemon_log)s
exit 0
"""

VIGILD_EXTRA = """%(build)s/vigilctl -s $d/ctl.sock vrrp maintenance VI_1
phase maint backup 9
%(build)s/vigilctl -s $d/ctl.sock vrrp release VI_1
phase release master 9
%(switches)s"""

# One switch of the line's form: write the configuration, reload, wait.
SWITCH = """cat > $d/run.conf <<'CONF_EOF'
%(conf)s
CONF_EOF
%(reload)s
phase %(phase)s %(want)s
"""


def switches(reload):
    """The vigild-only form switches, as guest script text."""
    steps = [("noinst1", "id 11", "both 11"), ("inst1", "VI_1 id 9", "master 9"),
             ("noinst2", "id 11", "both 11"), ("inst2", "VI_1 id 9", "master 9")]
    return "".join(SWITCH % {"conf": CONF % {"sync": sync, "vs": VS},
                             "reload": reload, "phase": phase, "want": want}
                   for phase, sync, want in steps)


# The last virtual server goes while the line changes form.  Each step:
# phase, the line's arguments after the interface, whether the group of
# virtual servers is configured, the daemons wanted (as `only` takes them).
LASTVS_SIZE = 100
LASTVS = """virtual_server_group big {
    10.0.1.1-%d 80
}
virtual_server group big {
    protocol TCP
    real_server 10.0.0.2 80 {
    }
}
""" % LASTVS_SIZE
LASTVS_STEPS = [
    ("lv-global", "id 11", True, "both 11"),            # the daemon starts here
    ("lv-both", "VI_1 id 9", False, "master 9"),       # form and last VS in one reload
    ("lv-global2", "id 11", True, "both 11"),
    ("lv-novs", "id 11", False, "both 11"),           # the last VS first,
    ("lv-inst", "VI_1 id 9", False, "master 9"),       # then the form
    ("lv-global3", "id 11", True, "both 11"),
    ("lv-instvs", "VI_1 id 9", True, "master 9"),      # the form first,
    ("lv-inst2", "VI_1 id 9", False, "master 9"),      # then the last VS
]

# `lphase NAME ROLE ID SERVICES`: waits for the daemons and the number of
# services, then looks again a second later.
LPHASE_SH = r"""lphase() {
    end=$(($(date +%s) + 20))
    while ! { only "$2" "$3" && [ "$(ipvsadm -Sn | grep -c '^-A')" = "$4" ]; }; do
        [ "$(date +%s)" -lt $end ] || { echo "TIMEOUT-WAITING $1"; break; }; sleep 0.2
    done
    sleep 1
    echo "=== DAEMONS $1"
    ipvsadm -Ln --daemon
    echo "=== SERVICES $1"
    ipvsadm -Sn | grep -c '^-A'
    echo "=== END $1"
}
"""


def lastvs(commands):
    """The lv-* phases under a new daemon (`commands`, its output in
    $d/log2), started on the first step's configuration, then its stop:
    guest script text."""
    text = LPHASE_SH + "ipvsadm -C   # what vigild -I left (test_vigild_I_leaves...)\n"
    for i, (phase, sync, group, want) in enumerate(LASTVS_STEPS):
        step = SWITCH if i else SWITCH.replace(
            "%(reload)s", commands["start"].replace("$d/log", "$d/log2").replace("%", "%%"))
        text += step.replace("phase %(phase)s %(want)s", "lphase %(phase)s %(want)s %(n)d") % {
            "conf": CONF % {"sync": sync, "vs": LASTVS if group else ""},
            "reload": commands["reload"], "phase": phase, "want": want,
            "n": LASTVS_SIZE if group else 0}
    return (text + commands["stop"] + "\nsleep 0.5\nphase stopped2 none\n"
            'echo "=== DAEMON-LOG2"\ncat $d/log2\necho "=== END DAEMON-LOG2"\n')


def boot(vm, commands, extra="", vs="", restart=None):
    """One daemon's run; `restart`: the commands of the second daemon
    (default: the same)."""
    values = dict(commands)
    values.update({"conf_a": CONF % {"sync": "VI_1 id 7", "vs": vs},
                   "conf_b": CONF % {"sync": "VI_1 id 9", "vs": vs},
                   "conf_c": CONF % {"sync": "inst VI_1", "vs": vs}, "extra": extra,
                   "lastvs": lastvs(restart or commands),
                   "daemon_log": DAEMON_LOG_SH})
    res = vm.run(SCENARIO % values, timeout=300)
    print("VM run took %.1fs" % res.seconds)
    for phase, text in sections(res.output, "DAEMONS").items():
        print("sync daemons %s: %s" % (phase, text.strip() or "none"))
    assert res.returncode == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def keepalived_run(vm):
    return boot(vm, KEEPALIVED)


@pytest.fixture(scope="module")
def vigild_run(vm, build_dir):
    commands = vigild_commands(build_dir, flags="-I")
    extra = VIGILD_EXTRA % {"build": build_dir, "switches": switches(commands["reload"])}
    return boot(vm, commands, extra, VS, restart=vigild_commands(build_dir))


def daemons_of(text):
    """[(role, syncid)] of `ipvsadm -Ln --daemon`."""
    return re.findall(r"^(master|backup) sync daemon \(mcast=veth0, syncid=(\d+)", text, re.M)


def want_of(only):
    """daemons_of()'s answer for an `only` argument ("both 11", "master 9")."""
    role, syncid = only.split()
    return [("master", syncid), ("backup", syncid)] if role == "both" else [(role, syncid)]


WANT = {
    "master": [("master", "7")],
    "fault": [("backup", "7")],
    "remaster": [("master", "7")],
    "reload": [("master", "9")],
    "default": [("master", "51")],
    "stopped": [],
    "stopped2": [],
}
WANT.update({phase: want_of(want) for phase, _, _, want in LASTVS_STEPS})
WANT_VIGILD = dict(WANT, maint=[("backup", "9")], release=[("master", "9")],
                   noinst1=[("master", "11"), ("backup", "11")], inst1=[("master", "9")],
                   noinst2=[("master", "11"), ("backup", "11")], inst2=[("master", "9")])


def check_run(output, want):
    daemons = sections(output, "DAEMONS")
    got = {phase: daemons_of(text) for phase, text in daemons.items()}
    assert got == want, output
    assert "TIMEOUT-WAITING" not in output, output
    assert output.count("DAEMON-EXIT=0") == 2, output      # both daemons
    assert_clean_exit(output)


def test_keepalived_sync_daemon_follows_instance(keepalived_run):
    check_run(keepalived_run, WANT)


def test_vigild_sync_daemon_follows_instance(vigild_run):
    check_run(vigild_run, WANT_VIGILD)
    log = daemon_log(vigild_run)
    # The checker leaves the daemons to the VRRP worker: no warning, and
    # the worker's log names the instance it follows.
    assert "not supported yet" not in log, log
    assert "following VI_1" in log, log


def test_last_virtual_server_and_form_switch_as_keepalived(keepalived_run, vigild_run):
    """The lv-* phases: the same daemons and the same number of services
    for both daemons at every step (check_run compares the daemons with
    WANT too, which keepalived 2.2.7 showed)."""
    for run in (keepalived_run, vigild_run):
        services = sections(run, "SERVICES")
        assert {p: services.get(p, "").strip() for p, _, _, _ in LASTVS_STEPS} == {
            p: str(LASTVS_SIZE if group else 0) for p, _, group, _ in LASTVS_STEPS}, run
    k, v = sections(keepalived_run, "DAEMONS"), sections(vigild_run, "DAEMONS")
    for phase, _, _, _ in LASTVS_STEPS:
        assert daemons_of(v[phase]) == daemons_of(k[phase]), (phase, k[phase], v[phase])


def test_vigild_I_leaves_the_table_at_stop(vigild_run):
    """vigild -I: the virtual server stays in the kernel after the stop
    (the sync daemons went, phase stopped above)."""
    stopped = [x for x in sections(vigild_run, "TABLE")["stopped"].splitlines()
               if x.startswith("-")]
    assert stopped == ["-A -t 10.0.0.200:80 -s wlc",
                       "-a -t 10.0.0.200:80 -r 10.0.0.2:80 -m -w 1"], vigild_run
    assert "dont-release-ipvs: leaving the virtual servers" in daemon_log(vigild_run)


def test_vigild_t_rejects_unknown_instance(build_dir):
    """No VM needed: the configuration check names the line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bad.conf")
        host_conf = CONF.replace("veth0", "lo") % {"sync": "VI_1 id 7", "vs": ""}   # lo exists here
        with open(path, "w") as f:
            f.write(host_conf.replace("lo VI_1", "lo VI_9"))
        res = subprocess.run([os.path.join(build_dir, "vigild"), "-t", "-f", path],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode != 0, res
        assert "%s:3: error: lvs_sync_daemon: no vrrp_instance 'VI_9'" % path in res.stderr, res
        with open(path, "w") as f:
            f.write(host_conf)
        res = subprocess.run([os.path.join(build_dir, "vigild"), "-t", "-f", path],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, res
        assert "error" not in res.stderr, res
