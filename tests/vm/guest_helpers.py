"""What the VM tests share about running a daemon in the guest and reading
what the guest script printed back.

Guest scripts are shell text filled in with `%` formatting.  The shell
pieces here are inserted as values (%(name)s), so they are written with
plain `%` and are not formatted a second time.

Every script works in a directory `$d`, writes its daemon's output to
`$d/log`, and brackets what the tests read with `=== KIND PHASE` lines."""

import re

# Commands a guest script runs for keepalived 2.2.7; `$daemon` is its pid.
KEEPALIVED = {
    "start": ("keepalived -n -l -D -f $d/run.conf -p $d/k.pid -c $d/kc.pid -r $d/kr.pid "
              "> $d/log 2>&1 &\ndaemon=$!"),
    "reload": "kill -HUP $daemon",
    "stop": 'kill -TERM $daemon\nwait $daemon\necho "DAEMON-EXIT=$?"',
}


def vigild_commands(build, conf="$d/run.conf", flags=""):
    """The same commands for vigild from `build`, reading `conf`, with any
    extra command-line `flags` (e.g. "-I")."""
    extra = " " + flags if flags else ""
    return {
        "start": ("%s/vigild -n -l -D%s -f %s -p $d/v.pid -r $d/vr.pid -c $d/vc.pid "
                  "--control-socket $d/ctl.sock > $d/log 2>&1 &\ndaemon=$!"
                  % (build, extra, conf)),
        "reload": "%s/vigilctl -s $d/ctl.sock reload || kill -HUP $daemon" % build,
        "stop": 'kill -TERM $daemon\nwait $daemon\necho "DAEMON-EXIT=$?"',
    }


# Shell functions for polling the IPVS table: `table` saves `ipvsadm -Sn`,
# `has LINE` looks for a whole line in it, `until_ok SECONDS CONDITION`
# polls until CONDITION holds (printing TIMEOUT-WAITING if it never does).
TABLE_FUNCS_SH = r"""table() { ipvsadm -Sn > $d/t 2>&1; }
has() { grep -q -x -e "$1" $d/t; }
until_ok() {
    end=$(($(date +%s) + $1))
    while :; do
        table
        if eval "$2"; then return 0; fi
        [ $(date +%s) -lt $end ] || break
        sleep 0.3
    done
    echo "TIMEOUT-WAITING: $2"
    return 1
}"""

# Prints the daemon's output for daemon_log().
DAEMON_LOG_SH = 'echo "=== DAEMON-LOG"\ncat $d/log\necho "=== END DAEMON-LOG"'


def sections(output, kind):
    """{phase: text} for every `=== KIND phase` ... next `===` block."""
    found = {}
    for m in re.finditer(r"^=== %s (\S+)\n(.*?)(?=^=== )" % kind, output, re.M | re.S):
        found[m.group(1)] = m.group(2)
    return found


def section(output, kind, phase):
    """The text of one `=== KIND phase` block, which must be there."""
    m = re.search(r"^=== %s %s\n(.*?)^=== " % (kind, re.escape(phase)), output, re.M | re.S)
    assert m, "no %s %s section in:\n%s" % (kind, phase, output)
    return m.group(1)


def daemon_log(output):
    """What DAEMON_LOG_SH printed ("" when it is missing)."""
    m = re.search(r"^=== DAEMON-LOG\n(.*?)^=== END DAEMON-LOG", output, re.M | re.S)
    return m.group(1) if m else ""


def assert_clean_exit(output):
    """The daemon stopped with status 0 and no sanitizer report (builds
    with --enable-asan/--enable-ubsan print theirs into the daemon's log)."""
    assert "DAEMON-EXIT=0" in output, output
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in output, output
