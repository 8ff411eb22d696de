"""TOML -> Ruleset (tomllib, every problem at once, with file:line) and back (tomli-w)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs
import tomli_w

from emuscore.i18n import _
from emuscore.manager import Registry
from emuscore.model import (
    PUBLIC_PARTS,
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
    Ruleset,
)
from emuscore.problems import Problem, RulesetError, did_you_mean
from emuscore.ruleset_checks import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_POINTS,
    id_problem,
    limit_problems,
)
from emuscore.structure import Structurer, toml_key, unstructure

SECTIONS = ("ruleset", "groups", "criteria", "classification", "ranking", "gates", "awards",
            "publication", "indicators", "data")
COMMON_CRITERION_KEYS = tuple(toml_key(f) for f in attrs.fields(Criterion) if f.name != "params")
SORT_FIELDS = ("total", "deductions", "bonus", "unit_id")
SORT_PREFIXES = ("group", "criterion", "indicator", "key")


def load_ruleset(path: str | Path, registry: Registry) -> Ruleset:
    """Read and validate a ruleset file; raises RulesetError listing every problem."""
    path = Path(path)
    try:
        if path.is_dir():
            raise RulesetError(Problem(_("is a folder; give the ruleset's .toml file"), str(path)))
        if path.exists() and not path.is_file():
            raise RulesetError(Problem(_("is not a regular file (a device or a pipe); give the "
                                         "ruleset's .toml file"), str(path)))
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise RulesetError(Problem("no such ruleset file", str(path))) from None
    except OSError as e:
        raise RulesetError(Problem(_("cannot read the ruleset: {reason}").format(
            reason=e.strerror or e), str(path))) from None
    return parse_ruleset(decode_ruleset(data, str(path)), str(path), registry)


def decode_ruleset(data: bytes, source: str) -> str:
    """The ruleset's text: UTF-8 (a BOM allowed); anything else refused with what to do."""
    if len(data) > MAX_BYTES:
        raise RulesetError(Problem(_("the ruleset is larger than {most} MiB; a ruleset is a "
                                     "page of rules, not data").format(most=MAX_BYTES >> 20),
                                   source))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\0") > 2:
        raise RulesetError(Problem(_("the ruleset is saved as UTF-16 (\"Unicode\" in Notepad); "
                                     "save it again as UTF-8"), source, 1))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RulesetError(Problem(_("not UTF-8 text (byte {byte:#04x}); save the ruleset as "
                                     "UTF-8").format(byte=data[e.start]), source, line)) from None


def parse_ruleset(text: str, source: str, registry: Registry) -> Ruleset:
    if not text.strip("\ufeff \t\r\n"):
        raise RulesetError(Problem(_("the ruleset is empty; it needs at least [ruleset], "
                                     "[[groups]], [[criteria]] and [ranking] (see "
                                     "docs/rulesets.md)"), source))
    if len(text) > MAX_BYTES:
        raise RulesetError(Problem(_("the ruleset is larger than {most} MiB; a ruleset is a "
                                     "page of rules, not data").format(most=MAX_BYTES >> 20),
                                   source))
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        line = re.search(r"line (\d+)", str(e))
        raise RulesetError(Problem(f"not valid TOML: {e}", source,
                                   int(line.group(1)) if line else None)) from None
    except RecursionError:
        raise RulesetError(Problem(_("nested more than {most} levels deep (tables or arrays "
                                     "inside each other); a ruleset needs at most 5").format(
            most=MAX_DEPTH), source)) from None
    except ValueError:          # an integer past Python's digit limit for int(str)
        long = re.search(r"\d{" + str(MAX_DIGITS + 1) + ",}", text)
        at = text[: long.start()].count("\n") + 1 if long else None
        raise RulesetError(Problem(_("a number of more than {most} digits; no score needs it")
                                   .format(most=MAX_DIGITS), source, at)) from None
    lines = KeyLines(text)
    if not raw:
        raise RulesetError(Problem(_("the ruleset has no tables; it needs at least [ruleset], "
                                     "[[groups]], [[criteria]] and [ranking] (see "
                                     "docs/rulesets.md)"), source))
    limits = [Problem(m, source, lines.locate(p), describe(p, raw)) for p, m in limit_problems(raw)]
    if limits:
        raise RulesetError(limits)
    s = Structurer(source, lines.locate, lambda path: describe(path, raw))
    ruleset = _build(raw, s, registry)
    if s.problems or ruleset is None:
        raise RulesetError([_placed(p, text) for p in s.problems])
    return attrs.evolve(ruleset, source=source, text=text)


FORMULA_AT = re.compile(r"^column (\d+): ")
FORMULA_VALUE = re.compile(r"\b(expr|when)\s*=\s*(\"(?!\"\")([^\"\\\n]*)\"|'(?!'')([^'\n]*)')")


def _placed(problem: Problem, text: str) -> Problem:
    """A formula's error ("column 5: ..." of the formula) placed in the file's line as
    file:line:column, where the formula is written on that line as a string without
    escapes (a multi-line or escaped one keeps the formula's own column)."""
    at = FORMULA_AT.match(problem.message)
    if at is None or problem.line is None or not problem.where.endswith(("expr", "when")):
        return problem
    line = text.splitlines()[problem.line - 1]
    values = [m for m in FORMULA_VALUE.finditer(line) if problem.where.endswith(m.group(1))]
    if len(values) != 1:
        return problem
    start = values[0].start(2) + 1          # the formula's first character, 0-based
    return attrs.evolve(problem, message=problem.message[at.end():],
                        column=start + int(at.group(1)))


def _build(raw: dict[str, Any], s: Structurer, registry: Registry) -> Ruleset | None:
    for key in raw:
        if key not in SECTIONS:
            s.problem((key,), f"unknown section '{key}'{did_you_mean(key, SECTIONS)}")
    meta = s.table(Meta, raw.get("ruleset"), ("ruleset",))
    unmet = unmet_requirements(meta.requires if meta else ())
    for j, message in unmet:
        s.problem(("ruleset", "requires", j), message)
    hint = _requires_hint(meta.requires if meta else (), [m for _, m in unmet])
    groups = _array(s, Group, raw, "groups")
    criteria = tuple(c for c in (_criterion(s, registry, table, i, hint)
                                 for i, table in enumerate(_list(s, raw, "criteria"))) if c)
    ranking = s.table(Ranking, raw.get("ranking"), ("ranking",))
    classification = (s.table(Classification, raw["classification"], ("classification",))
                      if "classification" in raw else None)
    gates = _array(s, Gate, raw, "gates")
    awards = _array(s, AwardRule, raw, "awards")
    publication = (s.table(Publication, raw["publication"], ("publication",))
                   if "publication" in raw else None)
    indicators = _indicators(s, raw)
    data = s.table(DataFormat, raw["data"], ("data",)) if "data" in raw else None
    if meta is None or ranking is None:
        return None
    ruleset = Ruleset(meta, groups, criteria, ranking, classification, gates, awards, publication,
                      indicators, data)
    if len(criteria) != len(raw.get("criteria", [])):
        # a criterion has problems already; still check what does not depend on it
        named = [t.get("id") for t in raw.get("criteria", []) if isinstance(t, dict)]
        _check_ranking(ruleset, s, [str(x) for x in named])
        _check_classification(ruleset, s)
        _check_awards(ruleset, s, registry)
        return None
    _check(ruleset, s, registry)
    if not s.problems:
        for message in registry.ruleset_problems(ruleset):
            s.problem(("ruleset",), message)
    return ruleset


def _list(s: Structurer, raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        s.problem((key,), f"must be an array of tables: write [[{key}]] for each")
        return []
    return value


def _array(s: Structurer, cls: type[Any], raw: Mapping[str, Any], key: str) -> tuple[Any, ...]:
    items = [s.table(cls, table, (key, i)) for i, table in enumerate(_list(s, raw, key))]
    return tuple(item for item in items if item is not None)


def _criterion(s: Structurer, registry: Registry, table: Any, i: int, hint: str) -> Criterion | None:
    """The common keys and the scorer's own params, each checked even when the other fails."""
    path = ("criteria", i)
    common = s.table(Criterion, table, path, ignore=tuple(table) if isinstance(table, dict) else ())
    scorer_name = table.get("scorer") if isinstance(table, dict) else None
    if not isinstance(scorer_name, str):
        return None
    found = registry.scorers.get(scorer_name)
    if found is None:
        s.problem((*path, "scorer"), f"no installed plugin provides scorer '{scorer_name}'"
                  f"{did_you_mean(scorer_name, registry.scorers)}{hint}")
        return None
    params_table = {k: v for k, v in table.items() if k not in COMMON_CRITERION_KEYS}
    params = s.table(found.item.Params, params_table, path, also=COMMON_CRITERION_KEYS)
    if common is None or params is None:
        return None
    criterion = attrs.evolve(common, params=params)
    if criterion.max is None:
        uncapped = found.item.uncapped and found.item.role_for(criterion) == "deduction"
        if not uncapped:
            s.problem(path, "missing required key 'max' (only a deduction of the deduction or "
                      "formula scorer may leave it out, to take off without a cap)")
            return None
    for problem in found.item.check(criterion):
        where, message = problem if isinstance(problem, tuple) else ((), problem)
        s.problem((*path, *where), message)
    return criterion


def _requires_hint(requires: Sequence[str], unmet: list[str]) -> str:
    """What to install when a scorer is missing, from the ruleset's `requires`."""
    if unmet:
        return "; " + "; ".join(unmet)
    if requires:
        return (f"; the packages this ruleset requires ({', '.join(requires)}) are installed and "
                "none provides it")
    return ("; if a sector plugin provides it, install that package and list it in the "
            "[ruleset] table's requires")


def unmet_requirements(requires: Sequence[str]) -> list[tuple[int, str]]:
    """(index, what to do) for each of a ruleset's `requires` that the installed
    distributions do not meet, e.g. "emuscore-education>=1.0"."""
    if not requires:
        return []
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement

    out = []
    for i, text in enumerate(requires):
        try:
            req = Requirement(text)
        except InvalidRequirement as e:
            out.append((i, f"'{text}' is not a package requirement like "
                           f"\"emuscore-education>=1.0\": {e}"))
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            out.append((i, f"requires {text}, which is not installed: pip install '{text}'"))
            continue
        if not req.specifier.contains(version, prereleases=True):
            out.append((i, f"requires {text}, but {req.name} {version} is installed: "
                           f"pip install --upgrade '{text}'"))
    return out


def _check(r: Ruleset, s: Structurer, registry: Registry) -> None:
    """Cross-references: ids unique, groups and awards named exist, quotas and ranking sane."""
    sections: dict[str, list[str]] = {
        "groups": [g.id for g in r.groups], "criteria": [c.id for c in r.criteria],
        "gates": [g.id for g in r.gates], "awards": [a.id for a in r.awards]}
    for key, ids in sections.items():
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                s.problem((key, i, "id"), f"duplicate id '{item_id}'")
            seen.add(item_id)
            message = id_problem(item_id)
            if message:
                s.problem((key, i, "id"), message)
    if r.meta.scale < 0 or r.meta.scale > 6:
        s.problem(("ruleset", "scale"), "scale is the decimals of every score: 0 to 6")
        return          # every check of decimals below depends on it
    _check_sense(r, s, registry)
    group_ids = [g.id for g in r.groups]
    for i, g in enumerate(r.groups):
        scaled = g.max.scaleb(r.meta.scale)
        if g.max <= 0 or scaled != scaled.to_integral_value():
            s.problem(("groups", i, "max"), f"max must be positive with at most {r.meta.scale} decimals")
        elif g.max > MAX_POINTS:
            s.problem(("groups", i, "max"), _too_many_points())
    for i, c in enumerate(r.criteria):
        role = registry.scorers[c.scorer].item.role_for(c)
        if c.group is not None and c.group not in group_ids:
            s.problem(("criteria", i, "group"), f"no group '{c.group}'{did_you_mean(c.group, group_ids)}")
        if c.group is None and role == "points":
            s.problem(("criteria", i), f"scorer {c.scorer} gives points: put the criterion in a group")
        if c.max is None:
            continue            # an uncapped deduction (refused elsewhere by _criterion)
        if c.max <= 0:
            s.problem(("criteria", i, "max"), "max must be positive (for a deduction: the most deducted)")
        elif c.max > MAX_POINTS:
            s.problem(("criteria", i, "max"), _too_many_points())
            continue
        scaled = c.max.scaleb(r.meta.scale)
        if scaled != scaled.to_integral_value():
            s.problem(("criteria", i, "max"), f"max {c.max} has more decimals than scale {r.meta.scale}")
    _check_references(r, s, registry)
    _check_ranking(r, s)
    _check_classification(r, s)
    _check_awards(r, s, registry)
    _check_publication(r, s)
    _check_votes(r, s)
    _check_indicators(r, s, registry)


def _indicators(s: Structurer, raw: Mapping[str, Any]) -> tuple[IndicatorSpec, ...]:
    """`[indicators.ID]` tables, each id taken from its key."""
    tables = raw.get("indicators", {})
    if not isinstance(tables, Mapping):
        s.problem(("indicators",), _("must be tables: write [indicators.ID] for each indicator"))
        return ()
    out = []
    for key, table in tables.items():
        if isinstance(table, Mapping) and "id" in table:
            s.problem(("indicators", key, "id"),
                      _("the id is the table's key ({key}); remove 'id'").format(key=key))
            continue
        spec = s.table(IndicatorSpec, {**table, "id": key} if isinstance(table, Mapping) else table,
                       ("indicators", key))
        if spec is not None:
            out.append(spec)
    return tuple(out)


def indicator_readers(r: Ruleset, registry: Registry) -> dict[str, list[tuple[str, bool]]]:
    """indicator -> (who reads it, whether that reader takes a date) for every reading of
    an indicator by a criterion, a gate, a classification band or the ranking."""
    from emuscore.formula.host import indicators, program  # only rulesets with formulas

    out: dict[str, list[tuple[str, bool]]] = {}

    def add(name: str, who: str, dates: bool = False) -> None:
        out.setdefault(name, []).append((who, dates))

    def formula(text: str, want: Literal["number", "boolean"], who: str) -> None:
        try:
            names = indicators(program(text, want))
        except Exception:       # a broken formula is reported where it is checked
            return
        for name in names:
            add(name, who, True)     # formulas compute with dates too

    for c in r.criteria:
        scorer = registry.scorers[c.scorer].item
        for param, name in scorer.inputs(c.params).items():
            add(name, f"criterion {c.id}", scorer.takes_date(param))
    plugin_gates: set[str] = set()
    for g in r.gates:
        if g.indicator is not None:
            add(g.indicator, f"gate {g.id}")
        if g.when is not None:
            formula(g.when, "boolean", f"gate {g.id}")
    own = {g.id for g in r.gates}
    for a in r.awards:
        plugin_gates.update(name for name in a.requires.gates if name not in own)
    for name in sorted(plugin_gates):
        if name in registry.gates:
            for indicator in registry.gates[name].item.indicators:
                add(indicator, f"gate {name}")
    for band in r.classification.bands if r.classification else ():
        if band.when is not None:
            formula(band.when, "boolean", f"classification band {band.label}")
    for key in r.ranking.keys:
        formula(key.expr, "number", f"ranking key {key.id}")
    for entry in r.ranking.order:
        name = entry.split()[0] if entry.split() else ""
        if name.startswith("indicator:"):
            add(name[len("indicator:"):], "ranking")
    return out


def _check_indicators(r: Ruleset, s: Structurer, registry: Registry) -> None:
    """Each declared indicator is read by something, of a kind its readers take, with a
    sane range and a blank value that fits them."""
    _check_key_columns(r, s)
    if not r.indicators:
        return
    readers = indicator_readers(r, registry)
    titles: dict[str, str] = {}
    ids = {i.id for i in r.indicators}
    for spec in r.indicators:
        path: tuple[str | int, ...] = ("indicators", spec.id)
        if spec.id not in readers:
            s.problem(path, _("indicator '{id}' is declared but nothing reads it (no criterion, "
                              "gate, band or ranking key){hint}; remove it or fix its name")
                      .format(id=spec.id, hint=did_you_mean(spec.id, readers)))
        for who, dates in readers.get(spec.id, ()):
            if spec.kind == "date" and not dates:
                s.problem((*path, "kind"), _("{who} reads '{id}' as a number, but it is "
                                             "declared kind = \"date\"").format(who=who, id=spec.id))
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            s.problem((*path, "min"), _("min {min} is above max {max}").format(min=spec.min,
                                                                               max=spec.max))
        if isinstance(spec.missing, Decimal):
            low, high = spec.min, spec.max
            if spec.kind == "date":
                s.problem((*path, "missing"), _("a date has no number to stand for a blank; "
                                                "use \"error\" or \"pass\""))
            elif (low is not None and spec.missing < low) or (high is not None and spec.missing > high):
                s.problem((*path, "missing"), _("a blank would read as {value}, outside "
                                                "min..max").format(value=spec.missing))
            elif spec.kind in ("count", "yesno") and spec.missing != spec.missing.to_integral_value():
                s.problem((*path, "missing"), _("a {kind} is a whole number").format(kind=spec.kind))
        if spec.kind in ("date", "yesno") and (spec.min is not None or spec.max is not None):
            s.problem(path, _("a {kind} indicator has no min or max").format(kind=spec.kind))
        if spec.title in titles or spec.title in ids - {spec.id}:
            other = titles.get(spec.title, spec.title)
            s.problem((*path, "title"), _("title '{title}' is also {other}'s: columns are "
                                          "matched by title, so each must be different")
                      .format(title=spec.title, other=other))
        titles[spec.title] = spec.id


def _check_key_columns(r: Ruleset, s: Structurer) -> None:
    if r.data is not None:
        columns = r.data.columns
        named = [v for v in (columns.unit_id, columns.name, columns.cluster_id) if v]
        taken = {i.id for i in r.indicators} | {i.title for i in r.indicators}
        for header in named:
            if named.count(header) > 1 or header in taken:
                s.problem(("data", "columns"), _("'{header}' names two columns; each header "
                                                 "must name one").format(header=header))
                break


def _too_many_points() -> str:
    return _("max is at most {most} points; a scoring sheet never needs more").format(
        most=MAX_POINTS)


def _check_sense(r: Ruleset, s: Structurer, registry: Registry) -> None:
    """Structurally valid but meaningless: dates reversed, ranks below 1, ids a results
    column would clash with, awards that no unit can reach, classes never given."""
    effective = r.meta.effective
    if effective is not None and effective.from_ > effective.to:
        s.problem(("ruleset", "effective"), _("effective from {start} is after its end {end}; "
                                              "swap them").format(start=effective.from_,
                                                                   end=effective.to))
    for i, key in enumerate(r.ranking.keys):
        message = id_problem(key.id)
        if message:
            s.problem(("ranking", "keys", i, "id"), message)
    most = sheet_maximum(r, registry)
    for i, a in enumerate(r.awards):
        req = a.requires
        if req.max_rank is not None and req.max_rank < 1:
            s.problem(("awards", i, "requires", "max_rank"),
                      _("max_rank is the lowest rank that may be proposed: 1 or more (1 = only "
                        "the first of each cluster)"))
        if req.min_total is not None and most is not None and req.min_total > most:
            s.problem(("awards", i, "requires", "min_total"),
                      _("min_total {least} is above the most a unit can score ({most}): no unit "
                        "could ever get this award").format(least=req.min_total, most=most))
    if r.classification is None:
        return
    bands = r.classification.bands
    for i, band in enumerate(bands):
        if band.min_total is not None and most is not None and band.min_total > most:
            s.problem(("classification", "bands", i, "min_total"),
                      _("min_total {least} is above the most a unit can score ({most}): no unit "
                        "could ever be '{label}'").format(least=band.min_total, most=most,
                                                          label=band.label))
            continue
        for j, earlier in enumerate(bands[:i]):
            # a band is never reached when an earlier band asks for no more than it does:
            # bands are tried from the first, and the first met wins
            if _only_total(earlier) and (earlier.min_total is None or (
                    band.min_total is not None and band.min_total >= earlier.min_total)):
                s.problem(("classification", "bands", i),
                          _("band '{label}' can never be given: every unit with {needs} already "
                            "gets '{earlier}' (band {j}); list bands from the best down, with "
                            "decreasing min_total").format(
                              label=band.label, earlier=earlier.label, j=j + 1,
                              needs=f"min_total {band.min_total}" if band.min_total is not None
                              else _("any total")))
                break


def _only_total(band: Any) -> bool:
    """The band asks for a total at most (no min_each, criteria or formula)."""
    return band.min_each is None and band.criteria is None and band.when is None


def sheet_maximum(r: Ruleset, registry: Registry) -> Decimal | None:
    """The most a unit can score: every group's max and every ungrouped bonus's max (None
    when a scorer is not installed, or a bonus has no max)."""
    total = sum((g.max for g in r.groups), Decimal(0))
    for c in r.criteria:
        found = registry.scorers.get(c.scorer)
        if found is None:
            return None
        if c.group is None and found.item.role_for(c) == "bonus":
            if c.max is None:
                return None
            total += c.max
    return total


def _check_references(r: Ruleset, s: Structurer, registry: Registry) -> None:
    """Criteria read by others ("criterion.ID", "group.ID") exist, and none reads itself,
    directly or through others."""
    ids = {"criterion": [c.id for c in r.criteria], "group": [g.id for g in r.groups]}
    known = {kind: set(names) for kind, names in ids.items()}
    members: dict[str, list[str]] = {}
    for c in r.criteria:
        if c.group is not None:
            members.setdefault(c.group, []).append(c.id)
    reads: dict[str, set[str]] = {}
    for i, c in enumerate(r.criteria):
        reads[c.id] = set()
        for name in registry.scorers[c.scorer].item.references(c.params):
            kind, _, ref = name.partition(".")
            if ref not in known[kind]:
                s.problem(("criteria", i, "expr"), f"no {kind} '{ref}'"
                          f"{did_you_mean(ref, ids[kind])} (the formula reads '{name}')")
            elif kind == "criterion":
                reads[c.id].add(ref)
            else:
                reads[c.id].update(members.get(ref, ()))
    # only criteria on a cycle need the search for the shortest one (a long chain of
    # criteria reading each other is common and must stay linear)
    cyclic = on_cycles(reads)
    for i, c in enumerate(r.criteria):
        path = _reading_path(reads, c.id, cyclic) if c.id in cyclic else None
        if path:
            s.problem(("criteria", i, "expr"), "the criteria read each other in a cycle: "
                      f"{' -> '.join(path)}; a criterion may only read criteria scored before it")


def on_cycles(reads: Mapping[str, set[str]]) -> set[str]:
    """The nodes of `reads` that lie on a cycle: Tarjan's strongly connected components,
    iteratively (a chain thousands long must not exhaust the stack), in linear time."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: set[str] = set()
    for root in reads:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(reads.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in reads:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(reads.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1 or node in reads.get(node, ()):
                    out.update(component)
    return out


def _reading_path(reads: Mapping[str, set[str]], start: str,
                  within: set[str] | None = None) -> list[str] | None:
    """start -> ... -> start through `reads` (only through `within`, when given: the nodes
    on cycles), if there is such a path (the shortest): breadth first, each node once."""
    from collections import deque

    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for n in sorted(reads.get(node, ())):
            if within is not None and n not in within:
                continue
            if n == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if n not in parent:
                parent[n] = node
                queue.append(n)
    return None


def sort_key_problem(entry: str, r: Ruleset, criterion_ids: Sequence[str] | None = None) -> str | None:
    """Why a ranking entry like "group:targets desc" is not usable, or None."""
    parts = entry.split()
    if len(parts) != 2 or parts[1] not in ("asc", "desc"):
        return f"'{entry}' must be a field and a direction, e.g. \"total desc\""
    name = parts[0]
    prefix, _, ref = name.partition(":")
    if not ref:
        if name not in SORT_FIELDS:
            return f"unknown field '{name}'{did_you_mean(name, SORT_FIELDS)} (fields: " \
                   f"{', '.join(SORT_FIELDS)}, or group:ID, criterion:ID, indicator:NAME, key:ID)"
        return None
    if prefix not in SORT_PREFIXES:
        return f"unknown prefix '{prefix}'{did_you_mean(prefix, SORT_PREFIXES)}"
    if criterion_ids is None:
        criterion_ids = [c.id for c in r.criteria]
    ids = {"group": [g.id for g in r.groups], "criterion": list(criterion_ids),
           "key": [k.id for k in r.ranking.keys]}.get(prefix)
    if ids is not None and ref not in ids:
        return f"no {prefix} '{ref}'{did_you_mean(ref, ids)}"
    return None


def _check_formula(r: Ruleset, s: Structurer, path: tuple[str | int, ...], text: str,
                   want: Literal["number", "boolean"]) -> None:
    """A formula outside the criteria (evaluated after scoring): syntax, types, names."""
    from emuscore.formula.host import problems as formula_problems  # only rulesets with them

    for message in formula_problems(text, want, [c.id for c in r.criteria],
                                    [g.id for g in r.groups], scored=True):
        s.problem(path, message)


def _check_ranking(r: Ruleset, s: Structurer, criterion_ids: Sequence[str] | None = None) -> None:
    keys = [k.id for k in r.ranking.keys]
    for i, key in enumerate(r.ranking.keys):
        if key.id in keys[:i]:
            s.problem(("ranking", "keys", i, "id"), f"duplicate key '{key.id}'")
        _check_formula(r, s, ("ranking", "keys", i, "expr"), key.expr, "number")
    if not r.ranking.order:
        s.problem(("ranking", "order"), "declare at least one ranking field, e.g. \"total desc\"")
    for i, entry in enumerate(r.ranking.order):
        message = sort_key_problem(entry, r, criterion_ids)
        if message:
            s.problem(("ranking", "order", i), message)


def can_tie(r: Ruleset) -> bool:
    """Whether the declared order can leave two units of a cluster tied (no unique last key)."""
    return not any(entry.split()[0] == "unit_id" for entry in r.ranking.order)


def _check_classification(r: Ruleset, s: Structurer) -> None:
    if r.classification is None:
        return
    bands = r.classification.bands
    if not bands:
        s.problem(("classification", "bands"), "list at least one band")
    labels = [b.label for b in bands]
    for i, band in enumerate(bands):
        if labels.count(band.label) > 1:
            s.problem(("classification", "bands", i), f"duplicate label '{band.label}'")
        if band.min_each is not None and not Decimal(0) <= band.min_each <= 1:
            s.problem(("classification", "bands", i, "min_each"),
                      "min_each is a share of each criterion's max, between 0 and 1")
        ids = [c.id for c in r.criteria]
        for j, cid in enumerate(band.criteria or ()):
            if cid not in ids:
                s.problem(("classification", "bands", i, "criteria", j),
                          f"no criterion '{cid}'{did_you_mean(cid, ids)}")
        if band.criteria is not None and band.min_each is None:
            s.problem(("classification", "bands", i, "criteria"),
                      "criteria lists what min_each checks; give min_each too")
        if band.when is not None:
            _check_formula(r, s, ("classification", "bands", i, "when"), band.when, "boolean")
    last = bands[-1] if bands else None
    if last and (last.min_total is not None or last.min_each is not None or last.when is not None):
        s.problem(("classification", "bands"), "the last band must be the catch-all "
                  "(no min_total, no min_each, no when), e.g. { label = \"not completed\" }")


def _check_publication(r: Ruleset, s: Structurer) -> None:
    if r.publication is not None and not 0 <= r.publication.objection_days <= 366:
        s.problem(("publication", "objection_days"),
                  "the objection period is a number of working days, from 0 to 366 "
                  "(Decree 98/2023 Art. 46 asks for at least 10)")
    for part in r.publication.public if r.publication is not None else ():
        if part not in PUBLIC_PARTS:
            s.problem(("publication", "public"), f"unknown part '{part}'"
                      f"{did_you_mean(part, PUBLIC_PARTS)}; the public page may show "
                      f"{', '.join(PUBLIC_PARTS)} (ranks and awards always)")


def _check_votes(r: Ruleset, s: Structurer) -> None:
    for i, a in enumerate(r.awards):
        if a.vote is not None and not Decimal(0) < a.vote.threshold <= 1:
            s.problem(("awards", i, "vote", "threshold"),
                      _("the vote threshold is a share between 0 and 1, e.g. 0.9 for 90 %"))


def _check_awards(r: Ruleset, s: Structurer, registry: Registry) -> None:
    labels = [b.label for b in r.classification.bands] if r.classification else []
    gates = [g.id for g in r.gates] + list(registry.gates)
    earlier: list[str] = []
    for i, a in enumerate(r.awards):
        path = ("awards", i)
        if (a.per_cluster is None) == (a.from_award is None):
            s.problem(path, "give either per_cluster (the best of each cluster) or from_award "
                      "with share (a share of another award's recipients)")
        if a.per_cluster is not None and a.per_cluster < 1:
            s.problem((*path, "per_cluster"), "per_cluster must be 1 or more")
        if a.from_award is not None:
            if a.from_award not in earlier:
                s.problem((*path, "from_award"), f"'{a.from_award}' must be an award declared "
                          f"before this one{did_you_mean(a.from_award, earlier)}")
            if a.share is None or not Decimal(0) < a.share <= 1:
                s.problem((*path, "share"), "share must be between 0 and 1, e.g. 0.20")
        elif a.share is not None:
            s.problem((*path, "share"), "share goes with from_award")
        for j, other in enumerate(a.exclude):
            if other not in earlier:
                s.problem((*path, "exclude", j), f"'{other}' must be an award declared before "
                          f"this one{did_you_mean(other, earlier)}")
        req = a.requires
        if req.classification is not None and req.classification not in labels:
            s.problem((*path, "requires", "classification"),
                      f"no classification band '{req.classification}'"
                      f"{did_you_mean(req.classification, labels)}")
        for j, gate in enumerate(req.gates):
            if gate not in gates:
                s.problem((*path, "requires", "gates", j), f"no gate '{gate}'{did_you_mean(gate, gates)}"
                          " (declare it under [[gates]], or install the plugin that provides it)")
        for j, entry in enumerate(a.order or ()):
            message = sort_key_problem(entry, r)
            if message:
                s.problem((*path, "order", j), message)
        earlier.append(a.id)
    for i, g in enumerate(r.gates):
        bounds = sum(x is not None for x in (g.at_most, g.at_least, g.equals))
        if g.when is not None:
            if g.indicator is not None or bounds:
                s.problem(("gates", i), "a gate is either a formula (when) or an indicator with "
                          "one of at_most, at_least, equals, not both")
            _check_formula(r, s, ("gates", i, "when"), g.when, "boolean")
        elif g.indicator is None:
            s.problem(("gates", i), "a gate needs an indicator (with at_most, at_least or equals) "
                      "or a formula: when = \"vi_pham == 0\"")
        elif bounds != 1:
            s.problem(("gates", i), "a gate needs exactly one of at_most, at_least, equals")


def describe(path: tuple[str | int, ...], raw: Mapping[str, Any]) -> str:
    """("criteria", 2, "bonus") -> "criteria[2] (grdp).bonus": the key a user looks for."""
    out = ""
    node: Any = raw
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                shown = node["id"] if node["id"].isprintable() else \
                    node["id"].encode("unicode_escape").decode("ascii")
                out += f" ({shown[:80]})"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


class KeyLines:
    """Line numbers of TOML keys, found by reading the text the way a person does:
    [table] and [[array]] headers, `key =` lines, and `{ ... }` items of multi-line arrays."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
    KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
    ITEM = re.compile(r"^\s*\{")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str | int, ...], int] = {}
        counts: dict[str, int] = {}
        table: tuple[str | int, ...] = ()
        array_key: tuple[str | int, ...] | None = None
        item = 0
        for number, line in enumerate(text.splitlines(), 1):
            if header := self.HEADER.match(line):
                name = header.group(2)
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table = (*name.split("."), counts[name])
                else:
                    table = tuple(name.split("."))
                self.lines.setdefault(table, number)
                array_key = None
            elif key := self.KEY.match(line):
                path = (*table, key.group(1))
                self.lines.setdefault(path, number)
                rest = line[key.end():].strip()
                array_key, item = (path, 0) if rest.startswith("[") and "]" not in rest else (None, 0)
                if rest.startswith("[") and rest.count("{"):
                    array_key, item = path, 0
                    for _ in re.findall(r"\{", rest):
                        self.lines.setdefault((*path, item), number)
                        item += 1
            elif array_key is not None and self.ITEM.match(line):
                self.lines.setdefault((*array_key, item), number)
                item += 1

    def locate(self, path: tuple[str | int, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def dump_ruleset(ruleset: Ruleset) -> str:
    """The ruleset as TOML that loads back to an equal Ruleset."""
    doc: dict[str, Any] = {"ruleset": unstructure(ruleset.meta)}
    doc["groups"] = unstructure(ruleset.groups)
    doc["criteria"] = [{**unstructure(c), **unstructure(c.params)} for c in ruleset.criteria]
    if ruleset.classification is not None:
        doc["classification"] = unstructure(ruleset.classification)
    doc["ranking"] = unstructure(ruleset.ranking)
    if ruleset.gates:
        doc["gates"] = unstructure(ruleset.gates)
    if ruleset.awards:
        doc["awards"] = unstructure(ruleset.awards)
    if ruleset.publication is not None:
        doc["publication"] = unstructure(ruleset.publication)
    if ruleset.indicators:
        doc["indicators"] = {i.id: unstructure(i) for i in ruleset.indicators}
    if ruleset.data is not None:
        doc["data"] = unstructure(ruleset.data)
    return tomli_w.dumps({k: v for k, v in doc.items() if v != []})
