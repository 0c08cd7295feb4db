"""A frozen version of a roadmap or a plan in words, and what changed between two of them.

A version holds its content as the database kept it (iap.snapshots: ISO dates, codes,
"True"/"False"). Here it is read into items (a step, a section, an action) whose fields
carry their label (the model field's verbose name) and their value as a person reads it,
in the person's language. `compare` then says, item by item, what was added or removed
(with all it held), what changed (field by field, words marked), what moved, and what
stayed as it was. Pure functions: the versions are read already, nothing is queried.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from .enums import SectionKind, StepStatus
from .models import Indicator, PlanAction, PlanSection, RoadmapStep
from .snapshots import ACTION_FIELDS, STEP_FIELDS

#: What a segment of a value is in a comparison: the same on both sides, only in the
#: older version, only in the newer one.
SAME, REMOVED, ADDED = "=", "-", "+"

#: What happened to an item between two versions.
ITEM_ADDED, ITEM_REMOVED, ITEM_CHANGED, ITEM_MOVED, ITEM_UNCHANGED = (
    "added",
    "removed",
    "changed",
    "moved",
    "unchanged",
)

DATE_FIELDS = {"starts_on", "due_on", "ends_on"}
#: Free text: compared word by word, its lines kept.
TEXT_FIELDS = {"title", "description", "objective", "risk", "mitigation", "body"}
_WORDS = re.compile(r"\S+")


# A version in words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of an item: its name in the snapshot, its label, and its value in words,
    as lines (one for a date; one per paragraph of a text, per stakeholder, per
    indicator). `raw` keeps a text as written, for Markdown."""

    name: str
    label: str
    lines: tuple[str, ...]
    raw: str = ""
    markdown: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Item:
    """A step, a section or an action of a version; `key` names it across versions
    ("step-12", "section-funding", "action-3"), as the comment threads name their part."""

    key: str
    kind: str
    title: str
    position: int
    fields: tuple[Field, ...]

    @property
    def details(self) -> tuple[Field, ...]:
        """Every field but the title, which the item is named by."""
        return tuple(f for f in self.fields if f.name != "title")


@dataclass(frozen=True)
class Group:
    """The items of one kind, in the version's order, under their heading."""

    kind: str
    heading: str
    items: tuple[Item, ...]


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _text(value) -> str:
    """A value of the snapshot as text: nothing for None, or for what no version holds
    there (a list, a mapping)."""
    if value is None or isinstance(value, list | dict):
        return ""
    return str(value)


def _date(value: str) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(value), "j F Y")
    except (TypeError, ValueError):
        return value


def _budget(value: str) -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if not amount.is_finite():
        return value
    return gettext("%(amount)s EUR") % {"amount": floatformat(amount, "-2g")}


def _yes_no(value: str) -> str:
    if value in ("True", "False"):
        return gettext("Yes") if value == "True" else gettext("No")
    return value


def _status(value: str) -> str:
    return str(StepStatus(value).label) if value in StepStatus.values else value


def _lines(text: str) -> tuple[str, ...]:
    """A text's non-empty lines: its paragraphs and list items, as written."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _words(name: str, value: str) -> tuple[str, ...]:
    """A value of the snapshot as a person reads it."""
    if value == "":
        return ()
    if name in DATE_FIELDS:
        return (_date(value),)
    if name == "budget":
        return (_budget(value),)
    if name == "is_milestone":
        return (_yes_no(value),)
    if name == "status":
        return (_status(value),)
    if name in TEXT_FIELDS:
        return _lines(value)
    return (value,)


def _field(model, name: str, row: dict) -> Field:
    value = _text(row.get(name, ""))
    return Field(name=name, label=_label(model, name), lines=_words(name, value), raw=value)


def _rows(value) -> list[dict]:
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, dict)]


def _title(row: dict, fallback: str) -> str:
    return _text(row.get("title", "")).strip() or fallback


def read_steps(steps) -> Group:
    """A roadmap version's steps (RoadmapVersion.steps), in the roadmap's order."""
    items = []
    for position, row in enumerate(_rows(steps), start=1):
        fallback = gettext("Step %(n)d") % {"n": position}
        items.append(
            Item(
                key=f"step-{row.get('id', position)}",
                kind="step",
                title=_title(row, fallback),
                position=position,
                fields=tuple(_field(RoadmapStep, name, row) for name in STEP_FIELDS),
            )
        )
    return Group("step", gettext("Steps"), tuple(items))


def _section_title(kind: str) -> str:
    return str(SectionKind(kind).label) if kind in SectionKind.values else kind


def read_sections(content) -> Group:
    """A plan version's sections, in the order of the IAP (unknown kinds last)."""
    rows = _rows(content.get("sections") if isinstance(content, dict) else None)
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    rows = sorted(rows, key=lambda row: order.get(_text(row.get("kind")), len(order)))
    items = []
    for position, row in enumerate(rows, start=1):
        kind, body = _text(row.get("kind")), _text(row.get("body"))
        text = Field("body", _label(PlanSection, "body"), _lines(body), raw=body, markdown=True)
        items.append(Item(f"section-{kind}", "section", _section_title(kind), position, (text,)))
    return Group("section", gettext("Sections"), tuple(items))


def _indicator(row) -> str:
    """An indicator (name, baseline, target) as "name: baseline → target"."""
    name, baseline, target = ([*row, "", "", ""] if isinstance(row, list) else [row, "", ""])[:3]
    return gettext("%(indicator)s: %(baseline)s → %(target)s") % {
        "indicator": _text(name),
        "baseline": _text(baseline) or "?",
        "target": _text(target) or "?",
    }


def read_actions(content) -> Group:
    """A plan version's action table, each action with its stakeholders and indicators."""
    rows = _rows(content.get("actions") if isinstance(content, dict) else None)
    items = []
    for position, row in enumerate(rows, start=1):
        fields = [_field(PlanAction, name, row) for name in ACTION_FIELDS]
        people = row.get("stakeholders")
        fields.insert(
            3,
            Field(
                "stakeholders",
                _label(PlanAction, "stakeholders"),
                tuple(_text(p) for p in people) if isinstance(people, list) else (),
            ),
        )
        indicators = row.get("indicators")
        fields.append(
            Field(
                "indicators",
                capfirst(str(Indicator._meta.verbose_name_plural)),
                tuple(_indicator(i) for i in indicators) if isinstance(indicators, list) else (),
            )
        )
        fallback = gettext("Action %(n)d") % {"n": position}
        items.append(
            Item(
                key=f"action-{row.get('id', position)}",
                kind="action",
                title=_title(row, fallback),
                position=position,
                fields=tuple(fields),
            )
        )
    return Group("action", gettext("Actions"), tuple(items))


def read_version(version) -> list[Group]:
    """A RoadmapVersion or a PlanVersion in words: its groups of items."""
    if hasattr(version, "steps"):
        return [read_steps(version.steps)]
    return [read_sections(version.content), read_actions(version.content)]


# What changed --------------------------------------------------------------------------------

#: A line of a value in a comparison: its segments, each (SAME|REMOVED|ADDED, words).
Line = list[tuple[str, str]]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its label, and each side's lines with what is only on that
    side marked (REMOVED on the older side, ADDED on the newer one)."""

    label: str
    before: list[Line]
    after: list[Line]
    was: Field
    now: Field


@dataclass(frozen=True)
class Change:
    """What happened to one item. `item` is the item as the newer version holds it (the
    older for a removed one); `moved` is (position before, position after)."""

    what: str
    item: Item
    fields: list[FieldChange] = field(default_factory=list)
    moved: tuple[int, int] | None = None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def is_changed(self) -> bool:
        return bool(self.fields)

    @property
    def summary(self) -> str:
        """What happened, in a whole sentence."""
        if self.what == ITEM_ADDED:
            return gettext("Added in the newer version.")
        if self.what == ITEM_REMOVED:
            return gettext("Removed in the newer version.")
        if self.moved and self.fields:
            return gettext("Changed, and moved from position %(before)d to position %(after)d.") % {
                "before": self.moved[0],
                "after": self.moved[1],
            }
        if self.moved:
            return gettext("Moved from position %(before)d to position %(after)d.") % {
                "before": self.moved[0],
                "after": self.moved[1],
            }
        if self.fields:
            return gettext("Changed.")
        return gettext("Unchanged.")


@dataclass(frozen=True)
class GroupChanges:
    """The changes of one group (steps, sections, actions): the items that differ, in the
    newer version's order (a removed one where it stood), and those that did not."""

    kind: str
    heading: str
    changes: list[Change]
    unchanged: list[Change]

    @property
    def unchanged_summary(self) -> str:
        """How many items stayed as they were, in a whole sentence."""
        n = len(self.unchanged)
        if self.kind == "step":
            text = ngettext("%(n)d step is unchanged.", "%(n)d steps are unchanged.", n)
        elif self.kind == "section":
            text = ngettext("%(n)d section is unchanged.", "%(n)d sections are unchanged.", n)
        else:
            text = ngettext("%(n)d action is unchanged.", "%(n)d actions are unchanged.", n)
        return text % {"n": n}


def _tokens(lines) -> list[str | None]:
    """The words of the lines, None between two lines."""
    tokens: list[str | None] = []
    for n, line in enumerate(lines):
        if n:
            tokens.append(None)
        tokens.extend(_WORDS.findall(line))
    return tokens


def _side(tokens: list[str | None], marks: list[str]) -> list[Line]:
    """Tokens and their marks back into lines of segments, words of a mark together."""
    lines: list[Line] = [[]]
    for token, mark in zip(tokens, marks, strict=True):
        if token is None:
            lines.append([])
            continue
        line = lines[-1]
        if line and line[-1][0] == mark:
            line[-1] = (mark, f"{line[-1][1]} {token}")
        else:
            line.append((mark, token))
    return [line for line in lines if line]


def _by_words(before, after) -> tuple[list[Line], list[Line]]:
    a, b = _tokens(before), _tokens(after)
    a_marks, b_marks = [SAME] * len(a), [SAME] * len(b)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op != "equal":
            a_marks[i1:i2] = [REMOVED] * (i2 - i1)
            b_marks[j1:j2] = [ADDED] * (j2 - j1)
    return _side(a, a_marks), _side(b, b_marks)


def marked(before: tuple[str, ...], after: tuple[str, ...], *, by_words: bool):
    """Both sides of a value, with what is only on one side marked: (older lines, newer
    lines). Lines (paragraphs, list entries) are matched first; within lines that were
    rewritten, a text is compared word by word."""
    old: list[Line] = []
    new: list[Line] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after).get_opcodes():
        if op == "equal":
            old += [[(SAME, line)] for line in before[i1:i2]]
            new += [[(SAME, line)] for line in after[j1:j2]]
        elif op == "replace" and by_words:
            was, now = _by_words(before[i1:i2], after[j1:j2])
            old += was
            new += now
        else:
            old += [[(REMOVED, line)] for line in before[i1:i2]]
            new += [[(ADDED, line)] for line in after[j1:j2]]
    return old, new


def _field_changes(older: Item, newer: Item) -> list[FieldChange]:
    before = {f.name: f for f in older.fields}
    changes = []
    for now in newer.fields:
        was = before.get(now.name, Field(now.name, now.label, ()))
        if was.lines == now.lines:
            continue
        by_words = now.name in TEXT_FIELDS
        old_lines, new_lines = marked(was.lines, now.lines, by_words=by_words)
        changes.append(FieldChange(now.label, old_lines, new_lines, was, now))
    return changes


def _moves(older: list[str], newer: list[str]) -> set[str]:
    """The keys, common to both orders, that are not where they were among the others: the
    fewest that explain the new order (what stays in the longest common order stays)."""
    common = set(older) & set(newer)
    a = [key for key in older if key in common]
    b = [key for key in newer if key in common]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    stayed = {
        a[i]
        for block in matcher.get_matching_blocks()
        for i in range(block.a, block.a + block.size)
    }
    return common - stayed


def compare_group(older: Group, newer: Group, *, moves: bool) -> GroupChanges:
    """Item by item, from the older group to the newer one."""
    before = {item.key: item for item in older.items}
    after = {item.key: item for item in newer.items}
    moved = _moves(list(before), list(after)) if moves else set()
    placed: dict[str | None, list[Change]] = {}
    last_common = None
    for item in older.items:
        if item.key in after:
            last_common = item.key
        else:
            placed.setdefault(last_common, []).append(Change(ITEM_REMOVED, item))
    result = list(placed.get(None, []))
    for item in newer.items:
        was = before.get(item.key)
        if was is None:
            result.append(Change(ITEM_ADDED, item))
        else:
            fields = _field_changes(was, item)
            position = (was.position, item.position) if item.key in moved else None
            what = ITEM_CHANGED if fields else ITEM_MOVED if position else ITEM_UNCHANGED
            result.append(Change(what, item, fields, position))
        result.extend(placed.get(item.key, []))
    return GroupChanges(
        kind=newer.kind or older.kind,
        heading=newer.heading or older.heading,
        changes=[c for c in result if c.what != ITEM_UNCHANGED],
        unchanged=[c for c in result if c.what == ITEM_UNCHANGED],
    )


@dataclass(frozen=True)
class Comparison:
    """Two versions of one document, the older first whatever order they were asked in
    (`swapped` says they were asked newer first), and what changed from one to the other."""

    older: object
    newer: object
    swapped: bool
    groups: list[GroupChanges]

    @property
    def has_changes(self) -> bool:
        return any(group.changes for group in self.groups)


def compare(first, second) -> Comparison:
    """What changed between two versions of a roadmap or of a plan, in either order."""
    swapped = first.number > second.number
    older, newer = (second, first) if swapped else (first, second)
    groups = [
        compare_group(was, now, moves=now.kind == "step")
        for was, now in zip(read_version(older), read_version(newer), strict=True)
    ]
    return Comparison(older=older, newer=newer, swapped=swapped, groups=groups)
