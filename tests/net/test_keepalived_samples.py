"""keepalived's own sample configurations, as Debian ships them, through
`vigild -t`: the claim that an existing keepalived.conf "just works".

Each sample runs in a namespace that has the interfaces the samples name
(eth0-eth3, eth0.1), so what remains are the scripts they point at, which
no test machine has, and a few real mistakes in the samples themselves.
Those are listed below with the reason; each must still be reported, so
this test also fails if vigil stops noticing them.  Nothing is copied
from the samples: they are read where the keepalived package put them.
"""

import glob
import os
import re

import pytest

SAMPLES = "/usr/share/doc/keepalived/samples"

# Errors any sample may produce on a test machine: the scripts it names
# (under /usr/local, /etc/keepalived/scripts) are not installed here.
HOST_ONLY = re.compile(r": No such file or directory$")

# Real problems in the samples, which vigil must keep reporting.
EXPECTED = {
    # "to 192.168.100./24": a typo, not an address.
    "keepalived.conf.vrrp.rules": [r"'192\.168\.100\./24' is not an IP address",
                                   r"'192\.168\.200\./24' is not an IP address"],
    # Shell redirections used as a script: keepalived 2 runs scripts
    # without a shell, so they cannot work.
    "keepalived.conf.vrrp.localcheck": [r"'</dev/tcp/127\.0\.0\.1/\d+' is a relative path"],
    # The pre-2.0 sync group form, members listed without 'group { }'.
    "keepalived.conf.vrrp.lvs_syncd": [r"unknown keyword 'VI_[23]' in vrrp_sync_group block",
                                       r"no 'group \{ \.\.\. \}' of instances"],
}

# Samples written for a config id: run as the id they expect.
CONFIG_ID = {"keepalived.conf.conditional_conf": "high"}


def samples():
    return sorted(glob.glob(os.path.join(SAMPLES, "keepalived.conf.*")))


@pytest.fixture
def lab_host(host):
    for name in ("eth1", "eth2", "eth3", "eth0.1"):
        host.exec("ip", "link", "add", name, "type", "veth", "peer", "name", "p-" + name)
    return host


def diagnostics(stderr, level):
    return [line for line in stderr.splitlines() if ": %s: " % level in line]


@pytest.mark.skipif(not samples(), reason="keepalived's samples are not installed")
def test_every_sample_parses_with_only_host_or_known_errors(build, lab_host):
    seen_expected = {name: set() for name in EXPECTED}
    problems = []
    for path in samples():
        name = os.path.basename(path)
        args = ["-t", "-f", path]
        if name in CONFIG_ID:
            args += ["-i", CONFIG_ID[name]]
        proc = build.run_vigild(*args, netns=lab_host)
        errors = diagnostics(proc.stderr, "error")
        for line in errors:
            if HOST_ONLY.search(line):
                continue
            matched = [p for p in EXPECTED.get(name, []) if re.search(p, line)]
            if matched:
                seen_expected[name].update(matched)
            else:
                problems.append(line)
        unknown = [w for w in diagnostics(proc.stderr, "warning") if "unknown" in w]
        problems += unknown
        assert proc.returncode == (1 if errors else 0), (name, proc.returncode, proc.stderr)
    assert not problems, "\n".join(problems)
    for name, patterns in EXPECTED.items():
        missing = set(patterns) - seen_expected[name]
        assert not missing, "%s: no longer reported: %s" % (name, missing)


@pytest.mark.skipif(not samples(), reason="keepalived's samples are not installed")
def test_sample_with_its_scripts_present_is_usable(build, lab_host, tmp_path):
    """A sample whose only problem was missing scripts passes once they
    exist: the scripts are the only thing standing between it and a run."""
    path = os.path.join(SAMPLES, "keepalived.conf.vrrp.scripts")
    if not os.path.exists(path):
        pytest.skip("sample not installed")
    text = open(path).read()
    scripts = sorted(set(re.findall(r"/usr/local/bin/[\w.]+", text)))
    assert scripts, "the sample names no scripts any more"
    local = tmp_path / "bin"
    local.mkdir()
    for script in scripts:
        target = local / os.path.basename(script)
        target.write_text("#!/bin/sh\nexit 0\n")
        target.chmod(0o755)
        text = text.replace(script, str(target))
    conf = tmp_path / "keepalived.conf"
    conf.write_text(text)
    os.chmod(tmp_path, 0o755)
    proc = build.run_vigild("-t", "-f", str(conf), netns=lab_host)
    assert proc.returncode == 0, proc.stderr
