"""The test plans, organised as the DLMS UA organises them (importing this fills
:data:`dlmskit.conformance.cases.CASES` in the order the cases run)."""

from dlmskit.conformance.plans import appl, hdlc, headend, objects, security, wrapper

__all__ = ["appl", "hdlc", "headend", "objects", "security", "wrapper"]
