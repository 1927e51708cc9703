"""The production stack on one machine, for the surge benchmarks (bench/surge.py, bench/mixed.py).

A fresh PostgreSQL database loaded with the demo, Redis as the shared cache (REDIS_URL, so
public pages keep their fingerprint in Redis as with several web processes), gunicorn started
as deploy/systemd/riverains-web.service starts it, and in front of it a runnable copy of the
SHIPPED nginx configuration (deploy/nginx/): only paths, ports, pid and cache directory are
substituted, every directive is kept. A second nginx server block serves a static copy of the
same bytes, the ceiling of what any cache in front of the application could do.

Everything listens on 127.0.0.1 only; leaving the `with` block (or SIGTERM) stops the processes
and drops the database."""
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import read_path as rp

ROOT = rp.ROOT
PYTHON = rp.PYTHON
TERRITORY = "seine-estuaire"
PAGE = f"/{TERRITORY}/"
NOTICES_JSON = f"/api/v1/territories/{TERRITORY}/notices?status=active"
DEPLOY_NGINX = ROOT / "deploy" / "nginx"


def load_average():
    return " / ".join(f"{v:.2f}" for v in os.getloadavg()) + " (1 / 5 / 15 min)"


def wait_for_quiet_machine(limit=2.0, patience=300):
    """Wait (at most `patience` s) for the 1-minute load average to drop under `limit`."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        print(f"  machine busy (load {os.getloadavg()[0]:.2f}), waiting…", flush=True)
        time.sleep(15)
    return load_average()


def _version(command, pattern):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "absent"
    found = re.search(pattern, out.stdout + out.stderr)
    return found.group(1) if found else "unknown"


def machine():
    """read_path's description of the machine, plus the servers this benchmark starts."""
    info = rp.machine()
    info["PostgreSQL"] = rp.postgres("SHOW server_version")[0].split()[0]
    info["Redis"] = _version(["redis-cli", "INFO", "server"], r"redis_version:(\S+)")
    info["nginx"] = _version(["nginx", "-v"], r"nginx/(\S+)")
    info["wrk"] = _version(["wrk", "-v"], r"wrk (\S+)")
    return info


def terminate_on_sigterm():
    """SIGTERM runs the `finally` blocks (processes stopped, database dropped) like Ctrl-C."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# --- nginx --------------------------------------------------------------------------------------


def _substitute(text, replacements, name):
    for old, new in replacements:
        # A shipped file that no longer has the expected line must stop the benchmark rather
        # than measure a configuration nobody ships.
        if old not in text:
            raise RuntimeError(f"{name}: expected {old!r} in the shipped configuration")
        text = text.replace(old, new)
    return text


def nginx_config(workdir, app_port, proxy_port, static_port, static_root, media_root, copy_dir, site_conf=None):
    """Write a runnable nginx.conf in `workdir` around the shipped site (or `site_conf`, another
    version of riverains.conf, to measure it side by side); returns its path."""
    proxy = workdir / "nginx-proxy.conf"
    shutil.copyfile(DEPLOY_NGINX / "nginx-proxy.conf", proxy)
    site = _substitute(Path(site_conf or DEPLOY_NGINX / "riverains.conf").read_text(), [
        ("/var/cache/nginx/riverains", str(workdir / "nginx-cache")),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{proxy_port};"),
        ("listen [::]:80;", "# (IPv6 listen removed: the benchmark stays on 127.0.0.1)"),
        ("/srv/riverains/staticfiles/", f"{static_root}/"),
        ("/srv/riverains/media/voice/", f"{media_root}/voice/"),
        ("/etc/riverains/nginx-proxy.conf", str(proxy)),
        # access.log and riverains-cached.log (the views served from the cache, for count_cached_views)
        ("/var/log/nginx/", f"{workdir}/nginx-"),
    ], "deploy/nginx/riverains.conf")
    (workdir / "riverains.conf").write_text(site)
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    conf = workdir / "nginx.conf"
    # The outer file is what Debian's /etc/nginx/nginx.conf provides; `user` only matters
    # when the benchmark runs as root (the workers then read the temporary directory as nobody).
    conf.write_text(f"""
daemon off;
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
{"user nobody nogroup;" if os.geteuid() == 0 else ""}
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

    include {workdir}/riverains.conf;

    # The ceiling: the same bytes as files.
    server {{
        listen 127.0.0.1:{static_port};
        root {copy_dir};
        index index.html;
        access_log {workdir}/nginx-static-access.log;
        location = /api/v1/territories/{TERRITORY}/notices {{
            types {{ }}
            default_type application/json;
        }}
    }}
}}
""")
    return conf


def start_nginx(workdir, conf):
    return subprocess.Popen(["nginx", "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "nginx-error.log")],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_nginx(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGQUIT)  # graceful: lets the workers finish
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- the stack ----------------------------------------------------------------------------------


class Stack:
    """PostgreSQL + Redis + gunicorn + the shipped nginx, with the demo loaded.

    `gunicorn`, `nginx` and `static` are the base URLs of the three ways to serve the page."""

    def __init__(self, database, redis_db, settings_module="riverains.settings", extra_env=None, site_conf=None):
        self.site_conf = site_conf
        self.database_name = database
        self.redis_db = str(redis_db)
        self.settings_module = settings_module
        self.extra_env = extra_env or {}
        self.processes = []

    def __enter__(self):
        self.workdir = Path(tempfile.mkdtemp(prefix="riverains-surge-"))
        os.chmod(self.workdir, 0o755)  # nginx workers (nobody) read the static copy and cache
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        self._database = rp.Database("postgres", self.workdir, name=self.database_name)
        url = self._database.__enter__()
        env = rp.production_env(url, self.workdir / "static")
        env.update(REDIS_URL=f"redis://127.0.0.1:6379/{self.redis_db}", DJANGO_SETTINGS_MODULE=self.settings_module,
                   MEDIA_ROOT=str(self.workdir / "media"), **self.extra_env)
        self.env = env
        self._flush_redis()
        print(f"  preparing {self.database_name} (migrate, reference data, demo, static files)…", flush=True)
        rp.prepare(env)
        app_port, proxy_port, static_port = rp.free_port(), rp.free_port(), rp.free_port()
        self.gunicorn = f"http://127.0.0.1:{app_port}"
        self.nginx = f"http://127.0.0.1:{proxy_port}"
        self.static = f"http://127.0.0.1:{static_port}"
        self.app_process = rp.start_gunicorn(env, app_port, self.workdir / "gunicorn.log")
        self.processes.append(("gunicorn", self.app_process))
        rp.wait_ready(self.gunicorn, self.app_process)
        copy_dir = self.copy_responses()
        conf = nginx_config(self.workdir, app_port, proxy_port, static_port, self.workdir / "static",
                            self.workdir / "media", copy_dir, self.site_conf)
        self.nginx_process = start_nginx(self.workdir, conf)
        self.processes.append(("nginx", self.nginx_process))
        rp.wait_ready(self.nginx, self.nginx_process)

    def copy_responses(self):
        """The page and the JSON as files, byte for byte what gunicorn answers now."""
        copy_dir = self.workdir / "static-copy"
        for path, target in [(PAGE, copy_dir / TERRITORY / "index.html"),
                             (NOTICES_JSON, copy_dir / NOTICES_JSON.split("?")[0].lstrip("/"))]:
            target.parent.mkdir(parents=True, exist_ok=True)
            with urllib.request.urlopen(self.gunicorn + path, timeout=30) as response:
                target.write_bytes(response.read())
        for directory, _dirs, files in os.walk(copy_dir):
            os.chmod(directory, 0o755)
            for name in files:
                os.chmod(os.path.join(directory, name), 0o644)
        return copy_dir

    def shell(self, code):
        """Run Python inside the application (manage.py shell -c); returns the last line printed, as JSON."""
        out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, check=True,
                             capture_output=True, text=True, timeout=120).stdout
        return json.loads(out.strip().splitlines()[-1])

    def _flush_redis(self):
        subprocess.run(["redis-cli", "-n", self.redis_db, "flushdb"], check=True, stdout=subprocess.DEVNULL, timeout=30)

    def __exit__(self, *exc):
        for name, process in reversed(self.processes):
            try:
                (stop_nginx if name == "nginx" else rp.stop)(process)
            except Exception as error:  # keep cleaning up the rest
                print(f"  could not stop {name}: {error}", file=sys.stderr)
        self.processes = []
        if getattr(self, "_database", None) is not None:
            self._database.__exit__(None, None, None)
            self._database = None
        try:
            self._flush_redis()
        except Exception:
            pass
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"  logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def organization_token(stack):
    """An API token for the demo organization that owns the territory's first active site:
    (clear token, site id). The clear value exists only here (api.models.ApiToken.issue)."""
    return stack.shell(f"""
import json
from api.models import ApiToken
from territories.models import Site
site = Site.objects.filter(organization__territory__slug={TERRITORY!r}, is_active=True,
                           organization__is_active=True).order_by("pk").first()
token, clear = ApiToken.issue(site.organization, "Banc de charge", None)
print(json.dumps([clear, site.pk]))
""")


def random_token():
    return secrets.token_urlsafe(24)
