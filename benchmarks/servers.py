"""Real servers on 127.0.0.1 for the benchmark and the tests: a free port, waiting until a server
answers, and an S3 server to deploy to."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from pathlib import Path

from mulu.deploy import rclone_executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    """Return once something accepts connections on the port; fail if ``process`` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class LocalS3:
    """A real S3 server on 127.0.0.1: ``rclone serve s3`` over ``root`` (a bucket is a folder in
    it, an object a file), reachable as the rclone remote ``name`` through rclone's own
    environment variables (``env``) with a fresh key pair, and no configuration file."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self.key, self.secret = secrets.token_hex(8), secrets.token_hex(16)
        port = free_port()
        self.process = subprocess.Popen([rclone_executable(), "serve", "s3", "--addr", f"127.0.0.1:{port}",
                                         "--auth-key", f"{self.key},{self.secret}", str(root)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, self.process)
        variable = f"RCLONE_CONFIG_{name.upper()}_"
        self.env = {**os.environ, "RCLONE_CONFIG": str(root.parent / "no-rclone.conf"),
                    variable + "TYPE": "s3", variable + "PROVIDER": "Rclone", variable + "ENDPOINT": f"http://127.0.0.1:{port}",
                    variable + "ACCESS_KEY_ID": self.key, variable + "SECRET_ACCESS_KEY": self.secret}

    def close(self) -> None:
        stop(self.process)
