"""Typed, pointer-aware access to a parsed glTF JSON document.

Every getter takes the JSON pointer of the object it reads from, so a bad value is
reported as ``file: /meshes/0/primitives/1/indices: expected an integer, got "3"``.
Nothing here trusts the input: types, ranges and references are checked on read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from twinstage.errors import GltfError

_MISSING: Any = object()

JsonObject = dict[str, Any]


def child(pointer: str, key: str | int) -> str:
    """Return the JSON pointer ``pointer/key`` (RFC 6901 escaping)."""
    if type(key) is int or ("~" not in key and "/" not in key):  # type: ignore[operator]
        return f"{pointer}/{key}"
    return f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"


class Reader:
    """Checks values of one document and raises :class:`GltfError` naming ``file``.

    Parameters
    ----------
    file : str
        Path of the file being read; used in messages only.
    warn : callable, optional
        ``warn(pointer, message)`` for recoverable problems.
    """

    def __init__(self, file: str, warn: Callable[[str, str], None] | None = None) -> None:
        self.file = file
        self._warn = warn

    # -- reporting ---------------------------------------------------------------
    def fail(self, pointer: str, what: str) -> NoReturn:
        """Raise a :class:`GltfError` at ``pointer``."""
        raise GltfError(self.file, pointer, what)

    def warn(self, pointer: str, what: str) -> None:
        """Report a recoverable problem (ignored when no callback was given)."""
        if self._warn is not None:
            self._warn(pointer, what)

    # -- plain values ------------------------------------------------------------
    def obj(self, value: Any, pointer: str) -> JsonObject:
        """``value`` as a JSON object."""
        if not isinstance(value, dict):
            self.fail(pointer, f"expected an object, got {_show(value)}")
        return value

    def _absent(self, key: str, pointer: str, default: Any) -> Any:
        """``default`` for a missing member, or an error when it is required."""
        if default is _MISSING:
            self.fail(pointer, f'required property "{key}" is missing')
        return default

    def get(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING) -> Any:
        """Raw member ``key`` of ``o``; missing and no default is an error."""
        if key in o:
            return o[key]
        if default is _MISSING:
            self.fail(pointer, f'required property "{key}" is missing')
        return default

    def get_obj(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING) -> Any:
        """Member ``key`` as an object (``default`` when absent)."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if isinstance(value, dict):
            return value
        return self.obj(value, child(pointer, key))

    def get_list(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING,
                 *, min_len: int = 0) -> Any:
        """Member ``key`` as a list of at least ``min_len`` items."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if not isinstance(value, list):
            self.fail(child(pointer, key), f"expected an array, got {_show(value)}")
        if len(value) < min_len:
            self.fail(child(pointer, key),
                      f"expected at least {min_len} item(s), got {len(value)}")
        return value

    def get_int(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING,
                *, minimum: int | None = 0, maximum: int | None = None) -> Any:
        """Member ``key`` as an integer in ``[minimum, maximum]``."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if type(value) is not int:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.fail(child(pointer, key), f"expected an integer, got {_show(value)}")
        if minimum is not None and value < minimum:
            self.fail(child(pointer, key), f"value {value} is less than {minimum}")
        if maximum is not None and value > maximum:
            self.fail(child(pointer, key), f"value {value} is greater than {maximum}")
        return value

    def get_num(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING,
                *, minimum: float | None = None, maximum: float | None = None) -> Any:
        """Member ``key`` as a finite number in ``[minimum, maximum]``."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if ((type(value) is float and value - value == 0.0) or type(value) is int) and (
                minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            return float(value)
        return self.num(value, child(pointer, key), minimum=minimum, maximum=maximum)

    def num(self, value: Any, pointer: str, *, minimum: float | None = None,
            maximum: float | None = None) -> float:
        """``value`` as a finite float in ``[minimum, maximum]``."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(pointer, f"expected a number, got {_show(value)}")
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(pointer, f"expected a finite number, got {value}")
        if minimum is not None and value < minimum:
            self.fail(pointer, f"value {value} is less than {minimum}")
        if maximum is not None and value > maximum:
            self.fail(pointer, f"value {value} is greater than {maximum}")
        return float(value)

    def get_str(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING,
                *, choices: tuple[str, ...] | None = None) -> Any:
        """Member ``key`` as a string, one of ``choices`` when given."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if not isinstance(value, str):
            self.fail(child(pointer, key), f"expected a string, got {_show(value)}")
        if choices is not None and value not in choices:
            self.fail(child(pointer, key), f"{_show(value)} is not one of {', '.join(choices)}")
        return value

    def get_bool(self, o: JsonObject, key: str, pointer: str, default: Any = _MISSING) -> Any:
        """Member ``key`` as a boolean."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if not isinstance(value, bool):
            self.fail(child(pointer, key), f"expected true or false, got {_show(value)}")
        return value

    def get_floats(self, o: JsonObject, key: str, pointer: str, length: int,
                   default: Any = _MISSING) -> Any:
        """Member ``key`` as a tuple of exactly ``length`` finite floats."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if isinstance(value, list) and len(value) == length and all(
                type(v) is int or (type(v) is float and v - v == 0.0) for v in value):
            return tuple(float(v) for v in value)
        p = child(pointer, key)
        if not isinstance(value, list) or len(value) != length:
            self.fail(p, f"expected an array of {length} numbers, got {_show(value)}")
        return tuple(self.num(v, child(p, i)) for i, v in enumerate(value))

    def get_index(self, o: JsonObject, key: str, pointer: str, count: int, what: str,
                  default: Any = _MISSING) -> Any:
        """Member ``key`` as an index into a top-level array of ``count`` ``what``s."""
        if key not in o:
            return self._absent(key, pointer, default)
        value = o[key]
        if type(value) is int and 0 <= value < count:
            return value
        return self.index(value, child(pointer, key), count, what)

    def index(self, value: Any, pointer: str, count: int, what: str) -> int:
        """``value`` as an index into ``count`` items named ``what`` (``node``...)."""
        if isinstance(value, bool) or not isinstance(value, int):
            if not (isinstance(value, float) and value.is_integer()):
                self.fail(pointer, f"expected a {what} index, got {_show(value)}")
            value = int(value)
        if not 0 <= value < count:
            self.fail(pointer, f"{what} {value} does not exist (the file has {count})")
        return int(value)


def _show(value: Any) -> str:
    """A short rendering of a JSON value for messages."""
    import json

    try:
        text = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
