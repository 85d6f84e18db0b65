"""Reading JSON a user hands in (``assess``, ``patients import``): one set of rules for both.

- the file must be a readable regular file of at most ``limit`` bytes;
- UTF-8, with or without a byte-order mark (both commands accept it);
- strict JSON: no NaN/Infinity, no number literal longer than :data:`MAX_NUMBER_CHARS`
  characters, no number that overflows to infinity, nesting at most :data:`MAX_DEPTH` deep.
Every violation raises :class:`JsonInputError` with one sentence a user can act on.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40


class JsonInputError(ValueError):
    """The JSON input was refused; the message says why."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` (a regular file of at most ``limit`` bytes), or JsonInputError."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise JsonInputError(f"{_quoted(path)} is a folder, not a file")
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise JsonInputError(
                    f"the file is {info.st_size:,} bytes; the limit is {limit:,} bytes"
                )
            raw = handle.read(limit + 1)
    except IsADirectoryError:
        raise JsonInputError(f"{_quoted(path)} is a folder, not a file") from None
    except OSError as error:
        raise JsonInputError(f"cannot read {_quoted(path)}: {error.strerror or error}") from None
    if len(raw) > limit:
        raise JsonInputError(f"the file is larger than the limit of {limit:,} bytes")
    return raw


def _quoted(path: Path) -> str:
    """A path as the user gave it, between curly quotes (so its own characters, an
    underscore or a dot, are not taken for the message's words)."""
    return f"\u201c{path}\u201d"


def _curly(text: str) -> str:
    """The json module's 'x' quotes as a reader's “x”."""
    return re.sub(r"'([^']*)'", "\u201c\\1\u201d", text)


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a number JSON allows")


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(
            f"a number has {len(text):,} digits; at most {MAX_NUMBER_CHARS} are accepted"
        )
    return int(text)


def _real(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(
            f"a number is {len(text):,} characters long; at most {MAX_NUMBER_CHARS} are accepted"
        )
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError(f"the number {text} is too large")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json_text(text: str) -> Any:
    """Strict JSON from text (a leading byte-order mark is ignored)."""
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_real)
    except JsonInputError:
        raise
    except json.JSONDecodeError as error:
        raise JsonInputError(
            f"not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{_curly(error.msg)}); is it truncated?"
        ) from None
    except RecursionError:
        raise JsonInputError(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:
        raise JsonInputError(f"not acceptable JSON ({error})") from None
    if _depth(data) > MAX_DEPTH:
        raise JsonInputError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return data


def parse_json_bytes(raw: bytes, limit: int) -> Any:
    """Strict JSON from UTF-8 bytes of at most ``limit`` bytes."""
    if len(raw) > limit:
        raise JsonInputError(f"the file is {len(raw):,} bytes; the limit is {limit:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JsonInputError(
            f"the file is not UTF-8 text ({error.reason} at byte {error.start:,})"
        ) from None
    return parse_json_text(text)
