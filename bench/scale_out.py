#!/usr/bin/python3
"""Scale-out figures (issue 18, point 5): the same storm with 1, 2 and 4 OMS instances, their store a
shared SQLite file and then a PostgreSQL database, on a private broker and a private PostgreSQL.

The storm strikes in a few seconds, with crews and work steps fast enough that the adapters, not
the scenario's pace, set how long it takes to settle. For each run it reads cimbus-storm's report:
the messages the adapters took in, the time to settle, the p99 of the CIS's TroubleTickets create
(sent to final reply) and each process's CPU time. Prints one table, with ratios against the first
run (1 instance, SQLite) measured in the same session.

    bench/scale_out.py ROOT BIN WORK [--instances 1,2,4] [--engines sqlite,postgresql] [-- storm options]

scripts/bench scale-out runs it on build/.
"""
import argparse
import os
import re
import subprocess
import sys
import time

STORM_SIZE = ["--customers", "60000", "--faults", "900", "--duration", "3", "--service-needs", "100", "--agreement-requests", "0",
              "--wms-step-ms", "50", "--crews", "1000", "--timeout", "900"]


def run(command, env=None, capture=True):
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE if capture else None, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scale_out: {' '.join(command[:3])}... exited {done.returncode}")
    return done.stdout.strip() if capture else ""


def cpu_seconds(pid):
    """CPU time of process `pid` and of its children that ended (PostgreSQL's backends), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def env_of(script, directory):
    return dict(line.partition("=")[::2] for line in run([script, "env", "--dir", directory]).splitlines())


def table_rows(report, title_start):
    """The rows of the report's table whose title starts with `title_start`, as lists of cells."""
    lines = report.splitlines()
    for n, line in enumerate(lines):
        if line.startswith(title_start):
            rows = []
            for row in lines[n + 3:]:
                if not row.strip():
                    break
                rows.append(row.split())
            return rows
    raise SystemExit(f"scale_out: no table '{title_start}' in the storm's report")


def figures(report):
    settled = re.search(r"settled in ([0-9.]+) s", report)
    if not settled or "conservation: OK" not in report:
        raise SystemExit("scale_out: the storm did not end with conservation: OK:\n" + report[-3000:])
    taken = {row[0]: sum(int(x) for x in row[1:4]) for row in table_rows(report, "Messages taken in per instance")}
    latency = {" ".join(row[:-5]): row[-5:] for row in table_rows(report, "Request latency")}
    create = latency.get("cis: TroubleTickets create")
    cpu = {row[0]: float(row[2]) for row in table_rows(report, "Peak resident memory and CPU time")}
    oms = [name for name in taken if name.startswith("oms-")]
    return {
        "settled": float(settled.group(1)),
        "messages": sum(taken.values()),
        "oms_messages": sum(taken[name] for name in oms),
        "p99": int(create[3]) if create else 0,
        "oms_cpu": sum(cpu.get(name, 0.0) for name in oms),
        "all_cpu": sum(value for name, value in cpu.items() if name != "cimbus-storm"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root")
    parser.add_argument("bin")
    parser.add_argument("work")
    parser.add_argument("--instances", default="1,2,4")
    parser.add_argument("--engines", default="sqlite,postgresql")
    argv = sys.argv[1:]
    storm = argv[argv.index("--") + 1:] if "--" in argv else []
    o = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    instances = [int(n) for n in o.instances.split(",")]
    engines = o.engines.split(",")
    storm_size = storm or STORM_SIZE
    os.makedirs(o.work, exist_ok=True)
    broker, postgres = os.path.join(o.work, "broker"), os.path.join(o.work, "postgres")
    env = dict(os.environ, CIMBUS_BROKER_ALLOW_PLAIN="1")
    topology = os.path.join(o.work, "topology.json")
    with open(topology, "w") as out:
        subprocess.run([os.path.join(o.bin, "cimbus"), "topology"] + [a for r in ("cis", "oms", "wms") for a in ("--config", f"{o.root}/deploy/{r}.json")] +
                       [a for n in range(2, 9) for a in ("--instance", f"oms:oms-{n}")], stdout=out, check=True)
    results = []
    try:
        env["CIMBUS_BROKER_URL"] = run([f"{o.root}/scripts/broker", "start", "--dir", broker, "--fresh", "--definitions", topology], env)
        servers = [env_of(f"{o.root}/scripts/broker", broker)["BROKER_PID"]]
        if "postgresql" in engines:
            store_url = run([f"{o.root}/scripts/postgres", "start", "--dir", postgres], env)
            postgres_env = env_of(f"{o.root}/scripts/postgres", postgres)
            env["PGPASSWORD"] = postgres_env["PGPASSWORD"]
            servers.append(postgres_env["POSTGRES_PID"])
        for engine in engines:
            for n in instances:
                label = f"{n} OMS, {engine}"
                print(f"scale_out: storm with {label} ...", file=sys.stderr, flush=True)
                started = time.monotonic()
                servers_before = sum(cpu_seconds(pid) for pid in servers)
                command = [os.path.join(o.bin, "cimbus-storm"), "--broker-dir", broker, "--deploy", f"{o.root}/deploy", "--bin", o.bin,
                           "--work", os.path.join(o.work, f"storm-{engine}-{n}"), "--no-progress", "--oms-instances", str(n)] + storm_size
                if engine == "postgresql":
                    command += ["--store-url", store_url]
                with open(os.path.join(o.work, f"storm-{engine}-{n}.log"), "w") as log:
                    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
                report = done.stdout
                with open(os.path.join(o.work, f"report-{engine}-{n}.txt"), "w") as out:
                    out.write(report)
                f = figures(report)
                f["servers_cpu"] = sum(cpu_seconds(pid) for pid in servers) - servers_before
                f["label"] = label
                results.append(f)
                print(f"scale_out: {label}: settled in {f['settled']:.1f} s, {f['messages']} messages "
                      f"({time.monotonic() - started:.0f} s with start and stop)", file=sys.stderr, flush=True)
    finally:
        subprocess.run([f"{o.root}/scripts/broker", "stop", "--dir", broker], stdout=subprocess.DEVNULL)
        if "postgresql" in engines:
            subprocess.run([f"{o.root}/scripts/postgres", "stop", "--dir", postgres], stdout=subprocess.DEVNULL)

    base = results[0]
    header = ["run", "messages", "settled s", "msgs/s", "× base", "p99 ms", "× base", "OMS CPU ms/OMS msg", "× base", "adapters CPU ms/msg",
              "servers CPU ms/msg"]
    rows = []
    for f in results:
        rate = f["messages"] / f["settled"]
        base_rate = base["messages"] / base["settled"]
        oms_cpu = 1000 * f["oms_cpu"] / max(f["oms_messages"], 1)
        base_oms_cpu = 1000 * base["oms_cpu"] / max(base["oms_messages"], 1)
        rows.append([f["label"], str(f["messages"]), f"{f['settled']:.1f}", f"{rate:.0f}", f"{rate / base_rate:.2f}", str(f["p99"]),
                     f"{f['p99'] / max(base['p99'], 1):.2f}", f"{oms_cpu:.2f}", f"{oms_cpu / base_oms_cpu:.2f}",
                     f"{1000 * f['all_cpu'] / max(f['messages'], 1):.2f}", f"{1000 * f['servers_cpu'] / max(f['messages'], 1):.2f}"])
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print("\nScale-out: the same storm, 1 to 4 OMS instances (ratios against the first run)")
    print("  " + "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    print("  " + "  ".join("-" * w for w in widths))
    for r in rows:
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print("\nmessages: taken in by the adapters (their journals); settled: from the first call to the last final state; p99: the "
          "CIS's TroubleTickets create, sent to final reply; servers: the broker and PostgreSQL (its backends included), "
          "over the whole run")
    print(f"storm: {' '.join(storm_size)}; on {os.cpu_count()} cores; reports in {o.work}")


if __name__ == "__main__":
    main()
