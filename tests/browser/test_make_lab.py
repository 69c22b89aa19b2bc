"""``make lab`` starts JupyterLab bound to 127.0.0.1 and guarded by a token.

The test starts it exactly as a newcomer does (plus ``--no-browser`` and a free port), reads
the URL it prints, checks who may talk to it, and stops it, whatever happens.
"""
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    free_port,
    http_status,
    lab_environment,
    stop_process_group,
    wait_for_http,
)

pytestmark = pytest.mark.browser

STAMP = ".venv/.nbteach-installed"


def _printed_url(log, port, process, timeout=90):
    """The ``http://127.0.0.1:<port>/...?token=...`` URL the server prints."""
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}/\S*\?token=([0-9a-f]+)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = pattern.search(log.read_text(errors="replace"))
        if match:
            return match.group(0), match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.25)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    pytest.fail(f"`make lab` printed no URL with a token for port {port}:\n{tail}")


def _listening_addresses(port):
    """Local addresses with a listening TCP socket on ``port``, from /proc (Linux)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                if len(address) == 8:
                    found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.append(f"ipv6:{address}")
    return found


def _non_loopback_address():
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1; connecting a UDP socket sends nothing
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_make_lab_listens_on_loopback_with_a_token(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("`make lab` runs JupyterLab from .venv, which does not exist here")
    port = free_port()
    env = lab_environment(tmp_path)
    log = tmp_path / "make-lab.log"
    # -o: take the installed venv as up to date, so the test never reinstalls the project.
    command = ["make", "--no-print-directory", "-o", STAMP, "lab",
               f"LAB_ARGS=--no-browser --ServerApp.port={port} --ServerApp.port_retries=0"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        url, token = _printed_url(log, port, process)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status?token={token}", process, timeout=60, log=log)

        assert _listening_addresses(port) in ([], ["127.0.0.1"]), _listening_addresses(port)
        other = _non_loopback_address()
        if other is not None:
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()

        assert http_status(f"{base}/api/status") == 403
        assert http_status(f"{base}/api/status?token={'0' * len(token)}") == 403
        assert http_status(f"{base}/lab") == 302  # to the login page
        assert http_status(f"{base}/api/status?token={token}") == 200
        assert http_status(url) == 200

        listed = subprocess.run(
            [sys.executable, "-m", "jupyter_server", "list", "--json"], env=env,
            capture_output=True, text=True, timeout=60, check=True).stdout
        servers = [json.loads(line) for line in listed.splitlines() if line.strip()]
        ours = [s for s in servers if s["port"] == port]
        assert len(ours) == 1, servers
        assert ours[0]["hostname"] == "127.0.0.1"
        assert ours[0]["token"] == token and len(token) >= 32
        assert Path(ours[0]["root_dir"]).resolve() == (ROOT / "notebooks").resolve()
    finally:
        stop_process_group(process)
    assert process.poll() is not None
    assert http_status(f"http://127.0.0.1:{port}/api/status", timeout=2) is None
