"""The shipped deploy/nginx configuration, run here in front of a test server: what the nginx
tests of the pages (public) and of the audience counts (stats) share. The configuration is
made runnable as bench/stack.py makes it for the benchmarks."""
import os
import shutil
import socket
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
needs_nginx = pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx not installed (Debian package nginx)")


def bench_stack():
    bench = str(Path(settings.BASE_DIR) / "bench")
    sys.path.insert(0, bench)
    try:
        import stack
    finally:
        sys.path.remove(bench)
    return stack


def shipped_nginx(app_port):
    """(workdir, nginx.conf, port): the shipped configuration in front of 127.0.0.1:`app_port`.
    Ports within RIVERAINS_PORTS when it is set (bench/read_path.free_port)."""
    stack = bench_stack()
    workdir = Path(tempfile.mkdtemp(prefix="riverains-nginx-"))
    os.chmod(workdir, 0o755)  # the workers run as nobody when the tests run as root
    port = stack.rp.free_port()
    conf = stack.nginx_config(workdir, app_port, port, stack.rp.free_port(), workdir, workdir, workdir)
    return workdir, conf, port


@contextmanager
def running_nginx(app_port, timeout=15):
    """nginx started with the shipped configuration, once it accepts connections; yields
    (workdir, port, process). Stopped gracefully (stack.stop_nginx, which a test may call
    earlier to have the buffered logs written) and its directory removed on the way out."""
    stack = bench_stack()
    workdir, conf, port = shipped_nginx(app_port)
    process = stack.start_nginx(workdir, conf)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log = workdir / "nginx-error.log"
                pytest.fail(f"nginx stopped: {log.read_text() if log.exists() else 'no error log'}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield workdir, port, process
    finally:
        stack.stop_nginx(process)
        shutil.rmtree(workdir, ignore_errors=True)
