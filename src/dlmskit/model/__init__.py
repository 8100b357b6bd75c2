"""The COSEM object model: interface classes as data, typed values, server behaviour.

* :mod:`dlmskit.model.schema` -- the A-XDR type schema language: validate a value, turn it
  into a typed Python value and back.
* :mod:`dlmskit.model.classdef` -- :class:`ClassDef`, :class:`AttributeDef`,
  :class:`MethodDef` and the registry; :func:`get_class`.
* :mod:`dlmskit.model.classes` -- the class table (Blue Book classes and versions).
* :mod:`dlmskit.model.results` -- Data-Access-Result and Action-Result.
"""

from dlmskit.model import classes as _classes  # noqa: F401  # fills the registry
from dlmskit.model.classdef import (
    REGISTRY,
    Access,
    AttributeDef,
    ClassDef,
    ClassRegistry,
    ListingRow,
    MethodDef,
    UnknownClassError,
    get_class,
)
from dlmskit.model.results import ActionResult, DataAccessResult
from dlmskit.model.schema import (
    Quantity,
    Schema,
    SchemaError,
    TypeContext,
    TypeUnmatched,
    ValueRejected,
    from_typed,
    to_typed,
    validate,
)

__all__ = [
    "REGISTRY",
    "Access",
    "ActionResult",
    "AttributeDef",
    "ClassDef",
    "ClassRegistry",
    "DataAccessResult",
    "ListingRow",
    "MethodDef",
    "Quantity",
    "Schema",
    "SchemaError",
    "TypeContext",
    "TypeUnmatched",
    "UnknownClassError",
    "ValueRejected",
    "from_typed",
    "get_class",
    "to_typed",
    "validate",
]
