"""Communication setup objects with rules: IEC HDLC setup (23), TCP-UDP setup (41), IPv4
setup (42). Values outside what the Blue Book allows are refused (other-reason); typed
settings are offered to the link layers that use them."""

from __future__ import annotations

import datetime as _dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import DoubleLongUnsigned, Enum, LongUnsigned, Unsigned
from dlmskit.model.enums import BaudRate
from dlmskit.model.objects.base import CosemObject, Refused
from dlmskit.model.results import ActionResult, DataAccessResult

__all__ = ["HdlcParameters", "IecHdlcSetup", "Ipv4Setup", "TcpUdpSetup"]


@dataclass(frozen=True, slots=True)
class HdlcParameters:
    """The IEC HDLC setup as settings for the HDLC link layer."""

    baud_rate: int
    window_size_transmit: int
    window_size_receive: int
    max_info_field_length_transmit: int
    max_info_field_length_receive: int
    inter_octet_time_out_ms: int
    inactivity_time_out_s: int
    device_address: int


def _check_range(value: Any, low: int, high: int, what: str) -> None:
    if not low <= int(value) <= high:
        raise Refused(DataAccessResult.OTHER_REASON, f"{what} must be {low}..{high}")


class IecHdlcSetup(CosemObject):
    """IEC HDLC setup (versions 0 and 1)."""

    CLASS_ID = 23

    def __init__(self, logical_name: Any = "0-0:22.0.0*255", **values: Any) -> None:
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        info = LongUnsigned if self.version >= 1 else Unsigned
        self._values.update(
            {
                2: Enum(BaudRate.BAUD_9600),
                3: Unsigned(1),
                4: Unsigned(1),
                5: info(128),
                6: info(128),
                7: LongUnsigned(25),
                8: LongUnsigned(120),
                9: LongUnsigned(0x10),
            }
        )

    def _write_2(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 0, 9, "comm_speed")
        self._values[2] = value

    def _write_3(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 1, 7, "window_size_transmit")
        self._values[3] = value

    def _write_4(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 1, 7, "window_size_receive")
        self._values[4] = value

    def _write_5(self, value: Any, now: _dt.datetime) -> None:
        _check_range(
            value, 32, 2030 if self.version >= 1 else 128, "max_info_field_length_transmit"
        )
        self._values[5] = value

    def _write_6(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 32, 2030 if self.version >= 1 else 128, "max_info_field_length_receive")
        self._values[6] = value

    def _write_7(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 20, 6000, "inter_octet_time_out")
        self._values[7] = value

    def _write_9(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 0x10, 0x3FFD, "device_address")
        self._values[9] = value

    def parameters(self) -> HdlcParameters:
        v = self._values
        return HdlcParameters(
            BaudRate(int(v[2])).bits_per_second if int(v[2]) <= 9 else 9600,
            *(int(v[i]) for i in range(3, 10)),
        )


class TcpUdpSetup(CosemObject):
    """TCP-UDP setup: port, IP reference, MSS, simultaneous connections, inactivity."""

    CLASS_ID = 41

    def __init__(self, logical_name: Any = "0-0:25.0.0*255", **values: Any) -> None:
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        self._values.update(
            {2: LongUnsigned(4059), 4: LongUnsigned(576), 5: Unsigned(1), 6: LongUnsigned(180)}
        )

    def _write_4(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 40, 65535, "MSS")
        self._values[4] = value

    def _write_5(self, value: Any, now: _dt.datetime) -> None:
        _check_range(value, 1, 255, "nb_of_sim_conn")
        self._values[5] = value


class Ipv4Setup(CosemObject):
    """IPv4 setup: addresses as double-long-unsigned; multicast list methods."""

    CLASS_ID = 42

    def __init__(self, logical_name: Any = "0-0:25.1.0*255", **values: Any) -> None:
        super().__init__(logical_name, **values)

    def address(self, key: int | str = "IP_address") -> ipaddress.IPv4Address:
        return ipaddress.IPv4Address(int(self.value(key)))

    def set_address(self, key: int | str, address: str) -> None:
        self.store(key, DoubleLongUnsigned(int(ipaddress.IPv4Address(address))))

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """add_mc_IP_address."""
        addresses = list(self._values[4])
        if parameter not in addresses:
            addresses.append(parameter)
        self._values[4] = addresses
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """delete_mc_IP_address."""
        addresses = list(self._values[4])
        if parameter not in addresses:
            raise Refused(ActionResult.OTHER_REASON, "no such multicast address")
        addresses.remove(parameter)
        self._values[4] = addresses
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """get_nbof_mc_IP_addresses."""
        return LongUnsigned(len(self._values[4]))
