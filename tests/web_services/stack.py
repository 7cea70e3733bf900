"""A private cimbus stack for tests written in Python: a RabbitMQ started by scripts/broker with the
topology generated from deploy/, and role processes (cimbus-cis, -oms, -wms) started from
deploy/<role>.json with overrides, each stopped by its pid afterwards.

    with Stack(source, bin, work) as stack:
        wms = stack.start("wms", policy="lenient", web_services={"listen": "127.0.0.1:0"})
        wms.endpoint      # http://127.0.0.1:PORT, read from the process's "wms endpoint:" line
"""
import json
import os
import signal
import subprocess
import time


class Role:
    def __init__(self, name, process, log_path, out_path):
        self.name, self.process, self.log_path, self.out_path = name, process, log_path, out_path
        self.endpoint = None

    def alive(self):
        return self.process.poll() is None

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.out_path) as f:
                lines = f.read().splitlines()
            for line in lines:
                if line.startswith(self.name + " endpoint: "):
                    self.endpoint = line.split(": ", 1)[1]
            if "ready" in lines:
                return
            if not self.alive():
                raise RuntimeError("%s exited %s:\n%s" % (self.name, self.process.returncode, self.log()[-3000:]))
            time.sleep(0.1)
        raise RuntimeError("%s not ready in %ss:\n%s" % (self.name, timeout, self.log()[-3000:]))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if not self.alive():
            return self.process.returncode
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class Stack:
    def __init__(self, source, bin_dir, work):
        self.source, self.bin, self.work = source, bin_dir, work
        self.roles = {}
        self.broker_url = None

    def __enter__(self):
        subprocess.run(["rm", "-rf", self.work], check=True)
        os.makedirs(self.work)
        deploy = os.path.join(self.source, "deploy")
        topology = os.path.join(self.work, "topology.json")
        with open(topology, "w") as out:
            subprocess.run([os.path.join(self.bin, "cimbus"), "topology"] +
                           sum([["--config", os.path.join(deploy, r + ".json")] for r in ("cis", "oms", "wms")], []),
                           stdout=out, check=True)
        self.broker_url = subprocess.run([os.path.join(self.source, "scripts", "broker"), "start", "--dir",
                                          os.path.join(self.work, "broker"), "--fresh", "--definitions", topology],
                                         stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
        return self

    def __exit__(self, *exc):
        for role in self.roles.values():
            role.stop()
        subprocess.run([os.path.join(self.source, "scripts", "broker"), "stop", "--dir", os.path.join(self.work, "broker")],
                       stdout=subprocess.DEVNULL)

    def start(self, name, **overrides):
        with open(os.path.join(self.source, "deploy", name + ".json")) as f:
            config = json.load(f)
        config["broker"]["urls"] = [self.broker_url]  # the URL carries the generated login
        config["broker"].pop("password_env", None)
        config["broker"].update(overrides.pop("broker", {}))  # broker settings beside the URL and login
        config["store"] = os.path.join(self.work, name + ".sqlite")
        config.update(overrides)
        path = os.path.join(self.work, name + ".json")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        log_path, out_path = os.path.join(self.work, name + ".log"), os.path.join(self.work, name + ".out")
        with open(log_path, "a") as log, open(out_path, "w") as out:
            process = subprocess.Popen([os.path.join(self.bin, "cimbus-" + name), path], stdout=out, stderr=log)
        role = Role(name, process, log_path, out_path)
        self.roles[name] = role
        role.wait_ready()
        return role
