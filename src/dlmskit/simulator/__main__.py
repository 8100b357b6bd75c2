"""``python -m dlmskit.simulator``: serve simulated meters (the reference meter by default).

python -m dlmskit.simulator --port 4059                  # one reference meter
python -m dlmskit.simulator --model my.yaml --count 100 --one-port --port 4059
python -m dlmskit.simulator --hdlc-port 4060 --state-dir ./state --speed 60
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import logging
import sys
from pathlib import Path

from dlmskit.association.quirks import MeterQuirks
from dlmskit.errors import DlmsError
from dlmskit.simulator.runner import SimulationOptions, simulate


def _time(text: str) -> _dt.datetime:
    moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the start time with its UTC offset (or Z)")
    return moment


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dlmskit.simulator",
        description="Serve simulated DLMS/COSEM meters (the built-in reference meter when no "
        "model file is given).",
    )
    p.add_argument("--model", help="device model file (YAML); default: the reference meter")
    p.add_argument("--count", type=int, default=1, help="number of meters (default 1)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=4059, help="wrapper/TCP port (first port)")
    p.add_argument("--no-tcp", action="store_true", help="no wrapper/TCP endpoint")
    p.add_argument("--hdlc-port", type=int, help="HDLC over TCP port (first port)")
    p.add_argument("--udp-port", type=int, help="wrapper/UDP port (first port)")
    p.add_argument("--serial", help="serve meter 0 over HDLC on this serial port")
    p.add_argument("--baudrate", type=int, default=9600)
    p.add_argument(
        "--one-port",
        action="store_true",
        help="all meters on one port: meter i at wPort FIRST_WPORT+i / HDLC physical "
        "address FIRST_PHYSICAL+i",
    )
    p.add_argument("--first-wport", type=int, default=1)
    p.add_argument("--first-physical", type=int, default=0x10)
    p.add_argument("--state-dir", type=Path, help="keep counters and changed values here")
    p.add_argument("--start", type=_time, help="simulated start time (ISO 8601 with offset)")
    p.add_argument("--speed", type=float, default=1.0, help="speed of simulated time")
    p.add_argument(
        "--quirk",
        action="append",
        default=[],
        choices=MeterQuirks.names(),
        metavar="NAME",
        help="switch on a named defect (repeat); --list-quirks shows them",
    )
    p.add_argument("--list-quirks", action="store_true", help="list the defects and exit")
    p.add_argument("--inactivity-timeout", type=float, default=120.0)
    p.add_argument("--log-level", default="INFO")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.list_quirks:
        sys.stdout.write("\n".join(MeterQuirks.names()) + "\n")
        return 0
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    options = SimulationOptions(
        model=args.model,
        count=args.count,
        host=args.host,
        port=None if args.no_tcp else args.port,
        hdlc_port=args.hdlc_port,
        udp_port=args.udp_port,
        serial=args.serial,
        baudrate=args.baudrate,
        one_port=args.one_port,
        first_wport=args.first_wport,
        first_physical=args.first_physical,
        state_dir=args.state_dir,
        start=args.start,
        speed=args.speed,
        quirks=tuple(args.quirk),
        inactivity_timeout=args.inactivity_timeout,
    )
    try:
        asyncio.run(simulate(options))
    except KeyboardInterrupt:
        return 0
    except (DlmsError, OSError) as exc:
        logging.getLogger("dlmskit.simulator").error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
