"""A private cimbus stack for tests written in Python: a RabbitMQ started by scripts/broker with the
topology generated from deploy/, and role processes (cimbus-cis, -oms, -wms) started from
deploy/<role>.json with overrides, each stopped by its pid afterwards.

    with Stack(source, bin, work) as stack:
        wms = stack.start("wms", policy="lenient", web_services={"listen": "127.0.0.1:0"})
        wms.endpoint      # http://127.0.0.1:PORT, read from the process's "wms endpoint:" line

Several processes of one role, configured apart (contexts, virtual hosts), are named by an alias
given with its role and overrides; the topology is generated from their configurations:

    with Stack(source, bin, work, {"oms-training": ("oms", {"context": "TRAINING", "naming": "context"})}) as stack:
        stack.start("oms-training")

Each adapter logs in as its system's own user, with the least privilege the topology grants it
(decisions/0026): its password is the one scripts/broker generated in WORK/broker/users. With
own_users=False they log in as the broker's administrator (for peers whose reply forms need the
default exchange, which least privilege refuses). Processes started later under another instance
name are given to the topology beforehand: instances=["cis:cis-lenient"].
"""
import json
import os
import re
import signal
import subprocess
import time

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")


def free_port():
    """A loopback port for a server a test configures before it starts (scripts/free-ports says why
    not bind(0))."""
    return int(subprocess.check_output([os.path.join(SCRIPTS, "free-ports")]).split()[0])


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
    def __init__(self, source, bin_dir, work, aliases=None, own_users=True, instances=()):
        self.source, self.bin, self.work = source, bin_dir, work
        self.aliases = aliases or {}  # alias: (role, overrides)
        self.own_users, self.instances = own_users, list(instances)
        self.roles = {}
        self.broker_url = None

    def __enter__(self):
        subprocess.run(["rm", "-rf", self.work], check=True)
        os.makedirs(self.work)
        if self.aliases:
            configs = [self.write_config(alias) for alias in self.aliases]
        else:
            configs = [os.path.join(self.source, "deploy", r + ".json") for r in ("cis", "oms", "wms")]
        topology = os.path.join(self.work, "topology.json")
        with open(topology, "w") as out:
            subprocess.run([os.path.join(self.bin, "cimbus"), "topology"] + sum([["--config", c] for c in configs], []) +
                           sum([["--instance", i] for i in self.instances], []), stdout=out, check=True)
        self.broker_url = subprocess.run([os.path.join(self.source, "scripts", "broker"), "start", "--dir",
                                          os.path.join(self.work, "broker"), "--fresh", "--definitions", topology],
                                         stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
        # The private broker on loopback takes PLAIN without TLS: allowed explicitly, for the
        # adapters (allow_plain_without_tls) and for cimbus commands the tests run.
        os.environ["CIMBUS_BROKER_ALLOW_PLAIN"] = "1"
        return self

    def __exit__(self, *exc):
        for role in self.roles.values():
            role.stop()
        subprocess.run([os.path.join(self.source, "scripts", "broker"), "stop", "--dir", os.path.join(self.work, "broker")],
                       stdout=subprocess.DEVNULL)

    def amqp_connection(self, vhost="/", user=None, timeout=30):
        """A Qpid Proton blocking connection to the private broker as the cimbus user, or as `user`
        (a system's, with the password scripts/broker made for it), with PLAIN, which this loopback
        broker takes in clear, to `vhost`."""
        import urllib.parse
        from proton.utils import BlockingConnection
        url = urllib.parse.urlparse(self.broker_url)
        password = url.password if user is None else self.password_of(user)
        return BlockingConnection("amqp://127.0.0.1:%d" % url.port, timeout=timeout, user=user or url.username, password=password,
                                  allowed_mechs="PLAIN", allow_insecure_mechs=True,
                                  virtual_host=None if vhost == "/" else "vhost:" + vhost)

    def password_file(self, user):
        return os.path.join(self.work, "broker", "users", user)

    def password_of(self, user):
        with open(self.password_file(user)) as f:
            return f.read().strip()

    def write_config(self, name, **overrides):
        """The configuration of `name` (a role, or an alias of one) with `overrides`, written to
        WORK/<name>.json; its path."""
        role, configured = self.aliases.get(name, (name, {}))
        overrides = dict(json.loads(json.dumps(configured)), **overrides)
        with open(os.path.join(self.source, "deploy", role + ".json")) as f:
            config = json.load(f)
        broker = config["broker"]
        user = broker.get("user") or config["system"]
        for key in ("user", "password_env", "password_file"):
            broker.pop(key, None)
        if self.broker_url:
            # the URL without its login: a password is never in a configuration file
            broker["urls"] = [re.sub(r"//[^@/]*@", "//", self.broker_url)]
            if self.own_users:  # the system's own user
                broker.update(user=user, password_file=self.password_file(user))
            else:  # the broker's administrator, its password in a file of mode 0600
                import urllib.parse
                login = urllib.parse.urlparse(self.broker_url)
                secret = os.path.join(self.work, "administrator.password")
                with open(os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                    f.write(login.password + "\n")
                broker.update(user=login.username, password_file=secret)
            broker["allow_plain_without_tls"] = self.broker_url.startswith("amqp://")
        config["broker"].update(overrides.pop("broker", {}))  # broker settings beside the URL and login
        config["store"] = os.path.join(self.work, name + ".sqlite")
        config.update(overrides)
        path = os.path.join(self.work, name + ".json")
        with open(path, "w") as f:
            json.dump(config, f, indent=2)
        return path

    def start(self, name, **overrides):
        role = self.aliases.get(name, (name, {}))[0]
        path = self.write_config(name, **overrides)
        log_path, out_path = os.path.join(self.work, name + ".log"), os.path.join(self.work, name + ".out")
        with open(log_path, "a") as log, open(out_path, "w") as out:
            process = subprocess.Popen([os.path.join(self.bin, "cimbus-" + role), path], stdout=out, stderr=log)
        started = Role(role, process, log_path, out_path)  # it names itself by its role ("oms endpoint: ...")
        self.roles[name] = started
        started.wait_ready()
        return started
