"""Statistics, ratios and the printed table."""

import math
import os
import platform


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def percentile(xs, p):
    """Nearest-rank percentile: with fewer than 100 samples p99 is the
    maximum."""
    s = sorted(xs)
    if not s:
        return None
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def summary(xs):
    return {"n": len(xs), "median": median(xs), "p99": percentile(xs, 99),
            "min": min(xs) if xs else None, "max": max(xs) if xs else None}


def ratio(v, k):
    """vigil / keepalived; None when either is missing or not positive
    (a ratio of delays at or below zero says nothing)."""
    if v is None or k is None or v <= 0 or k <= 0:
        return None
    return v / k


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"kernel": platform.release(), "cores": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "loadavg_start": loadavg()}


def loadavg():
    """The 1, 5 and 15 minute load averages: other work on the machine
    during a run shows up as outliers in the delays."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def ms(x):
    return "-" if x is None else "%.2f" % (x * 1000.0)


def rx(x):
    return "-" if x is None else "%.2f" % x


def failover_table(rows, figure=None):
    """rows: dicts with case, rfc_s, and per kind summaries; `figure`
    names a nested summary to show instead (e.g. "advert_delay")."""
    head = ("%-22s %8s | %5s %9s %9s | %5s %9s %9s | %7s %7s"
            % ("case", "RFC ms", "n", "vig med", "vig p99", "n", "ka med", "ka p99",
               "ratio50", "ratio99"))
    lines = [head, "-" * len(head)]
    for r in rows:
        v, k = r["vigil"], r["keepalived"]
        r50, r99 = r["ratio_median"], r["ratio_p99"]
        if figure:
            v, k = v[figure], k[figure]
            r50, r99 = ratio(v["median"], k["median"]), ratio(v["p99"], k["p99"])
        lines.append("%-22s %8s | %5s %9s %9s | %5s %9s %9s | %7s %7s" % (
            r["case"], ms(r["rfc_s"]), "%d/%d" % (v["n"], r["trials"]), ms(v["median"]),
            ms(v["p99"]), "%d/%d" % (k["n"], r["trials"]), ms(k["median"]), ms(k["p99"]),
            rx(r50), rx(r99)))
    return "\n".join(lines)


def load_table(res):
    v, k = res.get("vigil"), res.get("keepalived")
    lines = ["%-34s %14s %14s %8s" % ("figure", "vigil", "keepalived", "ratio"),
             "-" * 73]

    def row(label, get, fmt="%.2f"):
        a = get(v) if v else None
        b = get(k) if k else None
        lines.append("%-34s %14s %14s %8s" % (label, "-" if a is None else fmt % a,
                                              "-" if b is None else fmt % b, rx(ratio(a, b))))
    for role in ("master", "backup"):
        row("%s CPU %% of one core" % role, lambda d, r=role: d[r]["cpu_percent"])
        row("%s CPU s in window" % role, lambda d, r=role: d[r]["cpu_s"])
        row("%s RSS MiB (sum)" % role, lambda d, r=role: d[r]["rss_kib"] / 1024.0)
        row("%s PSS MiB (sum)" % role, lambda d, r=role: d[r]["pss_kib"] / 1024.0)
        row("%s PSS anon MiB (sum)" % role,
            lambda d, r=role: d[r]["pss_anon_kib"] / 1024.0)
        row("%s processes" % role, lambda d, r=role: d[r]["processes"], "%d")
        row("%s frames sent /s" % role, lambda d, r=role: d[r]["frames_sent_per_s"], "%.1f")
    row("master start to all VIPs, s", lambda d: d["master_all_vips_s"])
    row("backup stop (SIGTERM to exit), s", lambda d: d["backup_stop_s"])
    row("master stop (SIGTERM to exit), s", lambda d: d["master_stop_s"])
    return "\n".join(lines)
