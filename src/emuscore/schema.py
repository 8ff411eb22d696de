"""The ruleset format as a JSON Schema (draft 2020-12), for editors: Taplo and Even Better
TOML read a `#:schema ./schema.json` comment at the top of a ruleset and then complete keys
and underline mistakes as the author types.

Built from the same attrs classes the loader structures TOML into (`emuscore.model`, and
each installed scorer's `Params`), so the schema cannot describe a format the loader does
not read. It checks what a schema can (keys, types, allowed words, required keys); the
cross-references (a group named by a criterion exists, quotas add up) stay the
validator's, as `emuscore validate` reports them.
"""

from __future__ import annotations

import datetime
import json
import types
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from emuscore.manager import Registry
from emuscore.model import (
    AwardRule,
    Classification,
    Criterion,
    DataFormat,
    Gate,
    Group,
    IndicatorSpec,
    Meta,
    Publication,
    Ranking,
)
from emuscore.structure import Indicator, toml_key, type_hints

DRAFT = "https://json-schema.org/draft/2020-12/schema"
TABLES: dict[str, type] = {"ruleset": Meta, "classification": Classification, "ranking": Ranking,
                           "publication": Publication, "data": DataFormat}
ARRAYS: dict[str, type] = {"groups": Group, "gates": Gate, "awards": AwardRule}
"""Each section of a ruleset and the class it is read into (the schema, and `emuscore fmt`'s
key order, come from these); `criteria` is built apart, its keys depending on its scorer,
and `indicators` (a table of tables keyed by indicator). tests/test_schema.py checks these
are ruleset.SECTIONS: a new section goes here too."""
REQUIRED_SECTIONS = ("ruleset", "ranking")
FORMULA_KEYS = ("expr", "when")


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name not in self.defs:
            self.defs[name] = {}          # a placeholder first: a class may refer to itself
            self.defs[name] = self.table(cls)
        return {"$ref": f"#/$defs/{name}"}

    def table(self, cls: type, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        properties, required = self.properties(cls, skip)
        schema: dict[str, Any] = {"type": "object", "properties": properties,
                                  "additionalProperties": False}
        if required:
            schema["required"] = required
            schema["x-taplo"] = {"initKeys": required}     # what Taplo writes for a new table
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
            schema["description"] = " ".join(cls.__doc__.split())
        return schema

    def properties(self, cls: type, skip: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[str]]:
        hints = type_hints(cls)
        properties, required = {}, []
        for f in attrs.fields(cls):
            key = toml_key(f)
            if key in skip or not f.metadata.get("dump", True):
                continue
            properties[key] = self.value(hints[f.name], key)
            if f.default is attrs.NOTHING:
                required.append(key)
        return properties, required

    def value(self, typ: Any, key: str) -> dict[str, Any]:
        origin, args = get_origin(typ), get_args(typ)
        if origin in (Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            if len(inner) == 1:
                return self.value(inner[0], key)
            return {"anyOf": [self.value(a, key) for a in inner]}       # missing = 0 or "pass"
        if origin is tuple:
            return {"type": "array", "items": self.value(args[0], key)}
        if origin is Literal:
            return {"enum": list(args)}
        if attrs.has(typ):
            return self.ref(typ)
        if typ is Decimal:
            return {"type": "number"}
        if typ is int:
            return {"type": "integer"}
        if typ is bool:
            return {"type": "boolean"}
        if typ is datetime.date:
            return {"type": "string", "format": "date", "description": "a TOML date, e.g. 2025-12-31"}
        if typ is Indicator:
            return {"type": "string", "pattern": r"\S", "description": "an indicator of the data"}
        if typ is str:
            text: dict[str, Any] = {"type": "string", "pattern": r"\S"}
            if key in FORMULA_KEYS:
                text["description"] = formula_help()
            return text
        raise TypeError(f"schema: unsupported field type {typ!r}")

    def criterion(self, registry: Registry) -> dict[str, Any]:
        """A criterion's common keys, and for each installed scorer its own keys."""
        common, required = self.properties(Criterion)
        names = sorted(registry.scorers)
        common["scorer"] = {"enum": names, "description": "how the points are computed; "
                            "`emuscore plugins` lists the installed scorers"}
        branches = []
        for name in names:
            scorer = registry.scorers[name].item
            own, own_required = self.properties(scorer.Params)
            then: dict[str, Any] = {"properties": {**common, **own}, "additionalProperties": False}
            if own_required:
                then["required"] = own_required
            if scorer.description:
                then["description"] = scorer.description
            branches.append({"if": {"properties": {"scorer": {"const": name}}, "required": ["scorer"]},
                             "then": then})
        return {"type": "object", "properties": common, "required": required, "allOf": branches,
                "x-taplo": {"initKeys": ["id", "group", "title", "scorer", "max"]}}


def formula_help() -> str:
    from emuscore.formula import FUNCTIONS

    return ("a formula (docs/formulas.md); functions: "
            + ", ".join(usage for _low, _high, usage in FUNCTIONS.values())
            + "; if(condition, a, b)")


def schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema of a ruleset read with `registry`'s scorers."""
    b = _Builder()
    properties: dict[str, Any] = {name: b.ref(cls) for name, cls in TABLES.items()}
    properties.update({name: {"type": "array", "items": b.ref(cls)} for name, cls in ARRAYS.items()})
    properties["criteria"] = {"type": "array", "items": b.criterion(registry)}
    properties["indicators"] = {"type": "object", "description": "[indicators.ID]: what each "
                                "indicator of the data is (docs/rulesets.md)",
                                "additionalProperties": b.table(IndicatorSpec, skip=("id",))}
    return {
        "$schema": DRAFT,
        "title": "emuscore ruleset",
        "description": "A scoring sheet of emulation clusters (bảng chấm điểm thi đua): "
                       "docs/rulesets.md",
        "type": "object",
        "properties": dict(sorted(properties.items())),
        "required": list(REQUIRED_SECTIONS),
        "additionalProperties": False,
        "$defs": dict(sorted(b.defs.items())),
    }


def schema_text(registry: Registry) -> str:
    """The schema as the text `emuscore schema` prints and schema.json files hold."""
    return json.dumps(schema(registry), ensure_ascii=False, indent=2) + "\n"


def as_json(value: Any) -> Any:
    """A parsed TOML value as an editor sees it in JSON: dates as text, numbers as numbers."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


__all__ = ["as_json", "formula_help", "schema", "schema_text"]
