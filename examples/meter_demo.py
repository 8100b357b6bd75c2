"""The quick start, in one command: start the reference meter simulator, read it with the
``dlms`` command line, stop it.

    python examples/meter_demo.py            # what `make demo` runs

1. ``dlms simulate`` starts the reference three-phase meter in a child process on two free
   ports of 127.0.0.1 -- the IEC 62056-47 wrapper over TCP and HDLC over TCP;
2. ``dlms objects`` lists what the public client sees;
3. ``dlms get`` reads the energy registers (typed: scaler and unit applied) as the reader
   client with low level security;
4. ``dlms profile`` reads one day of the 15-minute load profile over HDLC, as a table;
5. the simulator is stopped (also when a step fails or the demo is interrupted).

The password of the reader client is the reference model's published example; it is given
in the environment (``DLMS_PASSWORD``), as passwords should be, not on the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_simulator() -> tuple[subprocess.Popen[str], int, int]:
    """``dlms simulate`` on two free ports; returns once both accept connections."""
    wrapper, hdlc = _free_port(), _free_port()
    command = [
        sys.executable, "-m", "dlmskit.cli", "simulate",
        "--port", str(wrapper), "--hdlc-port", str(hdlc),
    ]  # fmt: skip
    print(f"$ dlms simulate --port {wrapper} --hdlc-port {hdlc} &", flush=True)
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    for port in (wrapper, hdlc):
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if child.poll() is not None or time.monotonic() > deadline:
                    child.kill()
                    raise SystemExit("the simulator did not start") from None
                time.sleep(0.1)
    return child, wrapper, hdlc


def dlms(*args: str) -> None:
    command = [sys.executable, "-m", "dlmskit.cli", *args]
    shown = " ".join(a if " " not in a else repr(a) for a in ["dlms", *args])
    print(f"\n$ {shown}", flush=True)
    env = dict(os.environ, DLMS_PASSWORD="12345678")
    subprocess.run(command, env=env, check=True)


def main() -> int:
    child, wrapper_port, hdlc_port = start_simulator()
    wrapper = f"tcp://127.0.0.1:{wrapper_port}"
    hdlc = f"hdlc+tcp://127.0.0.1:{hdlc_port}"
    print(f"reference meter simulator: wrapper at {wrapper}, HDLC at {hdlc}", flush=True)
    started = time.monotonic()
    try:
        dlms("objects", wrapper)
        dlms(
            "get", wrapper, "-c", "32", "-m", "lls",
            "1-0:1.8.0", "1-0:2.8.0", "1-0:1.8.1", "1-0:1.8.2", "1-0:32.7.0", "0-0:1.0.0",
        )  # fmt: skip
        today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        yesterday = today - dt.timedelta(days=1)
        dlms(
            "profile", hdlc, "1-0:99.1.0", "-c", "32", "-m", "lls",
            "--from", yesterday.isoformat(), "--to", today.isoformat(), "--columns", "1,3,4",
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        print(f"the demo failed at: {' '.join(exc.cmd[3:])}", file=sys.stderr)
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print(f"\ndone in {time.monotonic() - started:.1f} s; the simulator is stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
