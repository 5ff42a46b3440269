"""Read a catalogue file: bytes to text to data, refusing what would be read wrongly.

What is refused here, each with the file, line and column, before any YAML is parsed:

* **text that is not UTF-8**: a UTF-16 or UTF-32 file (with or without a byte-order mark) is
  named as such; other bytes that are not UTF-8 are located, and shown as the Windows-1252
  (Latin-1) character they would be, which is what such files nearly always are;
* **characters YAML forbids**: NUL and the other C0 controls but tab, line feed and carriage
  return, DEL, the C1 controls but NEL, surrogates, U+FFFE and U+FFFF. A NUL in particular
  used to end the file silently (the YAML parser stopped there, and half the routes were
  gone without a word);
* **YAML tags** (``!!python/object/apply:...``, ``!!str``, ``!custom``): a catalogue is plain
  data, and a tag would otherwise be dropped on a list but refused on a scalar;
* **anchors and aliases, merge keys and duplicate keys** (from :class:`Lines`).

Data comes from ``yaml_rs`` (a YAML 1.2 core-schema parser written in Rust: about 12 times
faster than libyaml through PyYAML on a 9 MB catalogue, and it builds no node tree). Positions
come from PyYAML's event stream, walked only when something needs a line (:class:`Lines`).
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ReadProblem:
    """Something that stops a file from being read at all, at ``line`` (1-based) if known."""

    message: str
    line: int | None = None


# --- bytes to text ----------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with a byte-order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with a byte-order mark)"),
)
_SAVE = "save the catalogue as UTF-8 (in most editors: Save as… > Encoding: UTF-8)"


def decode(raw: bytes) -> tuple[str | None, list[ReadProblem]]:
    """The file's text, or None and the reason it is not UTF-8 text YAML may hold."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return None, [ReadProblem(f"the file is {name}, not UTF-8; {_SAVE}")]
    wide = _looks_wide(raw)
    if wide is not None:
        return None, [ReadProblem(f"the file looks like {wide} without a byte-order mark (every "
                                  f"other byte is zero), not UTF-8; {_SAVE}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        byte = raw[err.start]
        shown = bytes([byte]).decode("cp1252", errors="replace")
        guess = (f"; the file looks like Windows-1252 or Latin-1, where that byte is {shown!r}"
                 if shown != "\ufffd" else "")
        return None, [ReadProblem(f"not UTF-8 text: byte 0x{byte:02X} at column {column} is "
                                  f"not valid UTF-8{guess}; {_SAVE}", line)]
    return text.removeprefix("\ufeff"), forbidden_characters(text)


def _looks_wide(raw: bytes) -> str | None:
    """"UTF-16 (little-endian)" and so on when the zero bytes say so, else None."""
    head = raw[:4096]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    for width, label in ((4, "UTF-32"), (2, "UTF-16")):
        usable = len(head) - len(head) % width
        lanes = [sum(1 for i in range(lane, usable, width) if head[i] == 0) for lane in range(width)]
        units = usable // width
        if width == 4 and lanes[1] == lanes[2] == units and min(lanes[0], lanes[3]) < units / 2:
            return f"{label} ({'little' if lanes[3] == units else 'big'}-endian)"
        if width == 2 and max(lanes) >= units * 0.6 and min(lanes) <= units * 0.1:
            return f"{label} ({'little' if lanes[1] > lanes[0] else 'big'}-endian)"
    return None


#: What YAML 1.2 does not allow in a stream (section 5.1): C0 controls but tab, LF and CR; DEL;
#: C1 controls but NEL; surrogates; U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def forbidden_characters(text: str) -> list[ReadProblem]:
    """A problem for every character YAML forbids, with its line and column."""
    found = list(_FORBIDDEN.finditer(text))
    if not found:
        return []
    breaks = [m.start() for m in re.finditer("\n", text)]
    out = []
    for match in found:
        pos = match.start()
        line = bisect.bisect_left(breaks, pos)
        column = pos - (breaks[line - 1] + 1 if line else 0) + 1
        char = match.group()
        hint = (" (a NUL byte usually means the file is cut off or is not text)"
                if char == "\x00" else "")
        out.append(ReadProblem(
            f"column {column}: {describe_character(char)} is not allowed in a catalogue{hint}; "
            "remove it", line + 1))
    return out


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESC", 0x7F: "DEL"}


def describe_character(char: str) -> str:
    """``U+0000 (NUL)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character named for a message."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name and code < 0x20:
        name = f"control character ^{chr(code + 64)}"
    if not name and 0x80 <= code < 0xA0:
        name = "C1 control character"
    return f"U+{code:04X}" + (f" ({name})" if name else "")


# --- text to data -----------------------------------------------------------------------------

#: yaml_rs replays an alias as the anchored events; no replay at all means any alias fails.
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)
#: A ``!`` where a YAML node (and so a tag) may start: after ``:``, ``-``, ``?``, ``[``, ``{``,
#: ``,`` or at the start of a line. Text that matches is walked for real tags (:class:`Lines`).
_MAYBE_TAG = re.compile(r"(?m)(?:^|[:\-?\[{,])[ \t]*!")


class UnreadableError(ValueError):
    """YAML that cannot be read: the reason and its line (None if unknown)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse(text: str, source: Path | None = None) -> tuple[Any, Lines, list[ReadProblem]]:
    """Parse YAML safely: the data, the line finder, and structural problems (which make the
    data unusable: it is None then). Raises :class:`UnreadableError` for a syntax error.
    ``source`` is the file the text was read from (where :meth:`Lines.release` reads it again)."""
    lines = Lines(text, source)
    try:
        data = yaml_rs.loads(text, parse_datetime=True, alias_limits=_NO_ALIASES,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except yaml_rs.YAMLDecodeError as err:
        structural = lines.structural()  # raises UnreadableError for a syntax error
        if structural:
            return None, lines, structural
        raise UnreadableError(str(err).split("\n", 1)[0], _rs_line(str(err))) from err
    # a list is also what yaml_rs returns for several documents; "<<" may be a merge key, which
    # YAML 1.2 reads as an ordinary key; a tag is dropped on a list: PyYAML's events decide
    if not isinstance(data, dict) or "<<" in text or _MAYBE_TAG.search(text):
        structural = lines.structural()
        if structural:
            return None, lines, structural
    return data, lines, []


def _rs_line(message: str) -> int | None:
    found = re.search(r"\bline (\d+)", message)
    return int(found.group(1)) if found else None


class Lines:
    """Where things are in a document: the line of any path, found by walking PyYAML's events.

    A valid catalogue never needs a line, so it never pays for this. When problems need lines,
    :meth:`lookup` finds all of them in one walk over the events, without building PyYAML's
    node tree (which took over 2 GB for a 100,000-route catalogue): only the paths asked for
    (and their ancestors, for a path that does not exist) are recorded. The line of a mapping
    field is its key's line.

    Once the file has been read, :meth:`release` lets the text go (9 MB for 10,000 routes):
    a later lookup reads the file again, and finds no line if it changed in the meantime.
    """

    def __init__(self, text: str, source: Path | None = None) -> None:
        self._text: str | None = text
        self._source = source
        self._digest = hashlib.sha256(text.encode("utf-8")).digest() if source else b""
        self._known: dict[Loc, int] = {}
        self._asked: set[Loc] = set()

    def release(self) -> None:
        """Forget the text until a line is asked for (only where it can be read again)."""
        if self._source is not None:
            self._text = None

    def _current(self) -> str | None:
        if self._text is None and self._source is not None:
            try:
                text = self._source.read_bytes().decode("utf-8").removeprefix("\ufeff")
            except (OSError, UnicodeDecodeError):
                return None
            if hashlib.sha256(text.encode("utf-8")).digest() != self._digest:
                return None  # the file changed since it was validated: no line is better
            return text
        return self._text

    def structural(self) -> list[ReadProblem]:
        """Tags, anchors and aliases, merge keys, several documents and duplicate keys, in
        order; raises :class:`UnreadableError` for a syntax error."""
        return _Walk(self._current() or "", set()).run(strict=True)

    def lookup(self, locs: Iterable[Loc]) -> None:
        """Find the lines of ``locs`` (and their ancestors) in one walk, for :meth:`line`."""
        wanted: set[Loc] = set()
        for loc in locs:
            wanted.update(loc[:end] for end in range(len(loc) + 1))
        wanted -= self._asked
        if not wanted:
            return
        text = self._current()
        if text is None:
            return
        walk = _Walk(text, wanted)
        walk.run(strict=False)
        self._known.update(walk.found)
        self._asked |= wanted

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that has one."""
        self.lookup([loc])
        for end in range(len(loc), -1, -1):
            found = self._known.get(loc[:end])
            if found is not None:
                return found
        return None


class _Frame:
    __slots__ = ("index", "key", "keys", "loc", "mapping", "want")

    def __init__(self, loc: Loc | None, mapping: bool, want: bool) -> None:
        self.loc = loc  # None: outside every path asked for (nothing below is recorded)
        self.mapping = mapping
        self.want = want
        self.index = 0  # sequences: the next item's index; mappings: 0 = key next, 1 = value
        self.key: str | int | None = None
        self.keys: set[str] = set()


class _Walk:
    """One pass over a document's events: lines of the wanted paths, and structural problems."""

    def __init__(self, text: str, wanted: set[Loc]) -> None:
        self.text = text
        self.wanted = wanted
        self.prefixes = {loc[:end] for loc in wanted for end in range(len(loc) + 1)}
        self.found: dict[Loc, int] = {}
        self.problems: list[ReadProblem] = []

    def run(self, strict: bool) -> list[ReadProblem]:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(self.text)
        try:
            self._events(loader, strict)
        except yaml.YAMLError as err:
            if strict:
                mark = getattr(err, "problem_mark", None)
                detail = getattr(err, "problem", None) or str(err)
                raise UnreadableError(str(detail), mark.line + 1 if mark is not None else None) from err
        except RecursionError as err:
            if strict:
                raise UnreadableError("YAML nesting is too deep to be a catalogue", None) from err
        finally:
            loader.dispose()
        return self.problems

    def _events(self, loader: Any, strict: bool) -> None:
        stack: list[_Frame] = []
        documents = 0
        anchored = False
        for event in iter(loader.get_event, None):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents == 2 and strict:
                    self.problems.append(ReadProblem(
                        "several YAML documents (---) in one file; a catalogue is one document",
                        event.start_mark.line + 1))
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                if kind is yaml.StreamEndEvent:
                    return
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                continue
            line = event.start_mark.line + 1
            if strict:
                tag = getattr(event, "tag", None)
                if tag is not None:
                    self.problems.append(ReadProblem(
                        f"YAML tags ({tag}) are not supported; a catalogue holds plain values: "
                        "remove the tag", line))
                if not anchored and event.anchor is not None:  # an alias, or an anchor
                    anchored = True  # once per file: the first anchor is where it starts
                    self.problems.append(ReadProblem(
                        "anchors and aliases (& and *) are not supported", line))
            parent = stack[-1] if stack else None
            if parent is not None and parent.mapping and parent.index == 0:
                # a key
                parent.index = 1
                key = event.value if kind is yaml.ScalarEvent else f"<{kind.__name__}>"
                parent.key = key
                if strict and kind is yaml.ScalarEvent:
                    if key == "<<" and event.implicit[0] and not event.style:
                        self.problems.append(ReadProblem("merge keys (<<) are not supported",
                                                         line))
                    elif key in parent.keys:
                        self.problems.append(ReadProblem(
                            f"duplicate key {key!r} in the same mapping", line))
                    parent.keys.add(key)
                if parent.loc is not None:
                    field = (*parent.loc, key)
                    if field in self.prefixes:
                        self.found.setdefault(field, line)
                if kind is not yaml.ScalarEvent and kind is not yaml.AliasEvent:
                    stack.append(_Frame(None, kind is yaml.MappingStartEvent, False))
                continue
            # a value: the document's root, a mapping's value or a sequence's item
            loc: Loc | None
            if parent is None:
                loc = ()
            elif parent.loc is None:
                loc = None
            elif parent.mapping:
                assert parent.key is not None
                loc = (*parent.loc, parent.key)
            else:
                loc = (*parent.loc, parent.index)
            if parent is not None:
                parent.index = 0 if parent.mapping else parent.index + 1
            if loc is not None and loc not in self.prefixes:
                loc = None
            if loc is not None:
                self.found.setdefault(loc, line)
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                stack.append(_Frame(loc, kind is yaml.MappingStartEvent, loc is not None))
