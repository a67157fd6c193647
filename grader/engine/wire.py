"""The message format between the judge and the worker: plain data only, never pickle.

A message is a 4-byte length and a JSON header, then each numpy array of the
message as an 8-byte length and a `.npy` blob (read back with allow_pickle=False).
Inside the JSON, arrays are {"__ndarray__": i}, tuples {"__tuple__": [...]},
dicts {"__dict__": {...}} (string keys only); anything else a learner returns
becomes {"__unsupported__": "<type name>"} and is judged as a wrong type.

This module is imported by the worker before it is confined, so it must not
import anything from the project. numpy is imported only once a message holds an array, so that
the judge can start a worker before it has imported numpy itself (a value cannot be a numpy
object while numpy is not imported).
"""

from __future__ import annotations

import io
import json
import os
import select
import struct
import sys
import time

MAX_MESSAGE = 64 * 2**20  # the judge refuses a reply larger than this (bounded memory)
# ... and a JSON part larger than this: parsed, 3 bytes ("[],") become a 56-byte Python list, twice over, so
# 60 MB of JSON grew the judge by 2.8 GB; arrays, the bulk of an honest reply, travel as .npy blobs
MAX_HEADER = 2**20
ARRAY_KINDS = "biuf"  # bool, signed, unsigned, float: the only dtypes that cross


class WireError(Exception):
    """The other side sent something that is not a valid message."""


class WireTimeout(WireError):
    """No complete message arrived before the deadline."""


class Unsupported:
    """A value the learner returned that cannot cross as plain data."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<unsupported {self.type_name}>"


def _type_name(value) -> str:
    return type(value).__name__[:60]


def encode(value, blobs: list, depth: int = 0):
    """Turn a value into JSON-able data, moving arrays into `blobs`."""
    if depth > 50:
        return {"__unsupported__": "structure nested deeper than 50 levels"}
    if value is None or type(value) in (bool, str):
        return value
    np = sys.modules.get("numpy")
    if np is None:
        return _encode_plain(value, blobs, depth)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int.__index__(value) if isinstance(value, int) else int(value)
    if isinstance(value, float | np.floating):
        return float.__float__(value) if isinstance(value, float) else float(value)
    if isinstance(value, np.ndarray):
        array = np.asarray(value)  # drops any ndarray subclass and its methods
        if array.dtype.kind not in ARRAY_KINDS:
            return {"__unsupported__": f"ndarray of dtype {array.dtype}"}
        blobs.append(array)  # np.save copes with any layout; 0-d arrays stay 0-d
        return {"__ndarray__": len(blobs) - 1}
    return _encode_plain(value, blobs, depth)


def _encode_plain(value, blobs: list, depth: int):
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, list):
        return [encode(item, blobs, depth + 1) for item in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item, blobs, depth + 1) for item in tuple.__iter__(value)]}
    if isinstance(value, dict):
        items = dict.items(value)
        if all(type(key) is str for key, _ in items):
            return {"__dict__": {key: encode(item, blobs, depth + 1) for key, item in items}}
    return {"__unsupported__": _type_name(value)}


def decode(data, blobs: list):
    if isinstance(data, list):
        return [decode(item, blobs) for item in data]
    if isinstance(data, dict):
        if "__ndarray__" in data:
            return blobs[data["__ndarray__"]]
        if "__tuple__" in data:
            return tuple(decode(item, blobs) for item in data["__tuple__"])
        if "__dict__" in data:
            return {key: decode(item, blobs) for key, item in data["__dict__"].items()}
        if "__unsupported__" in data:
            return Unsupported(str(data["__unsupported__"]))
        raise WireError("unknown object in message")
    return data


def pack(message: dict) -> bytes:
    """Serialise a message whose values may hold arrays (in its "payload" fields)."""
    blobs: list = []
    header = json.dumps(encode(message, blobs)).encode()
    parts = [struct.pack("<I", len(header)), header]
    for array in blobs:
        if array.nbytes > MAX_MESSAGE:  # e.g. a broadcast view of 8 TB: refused before np.save copies it out
            raise MessageTooLarge(f"a value larger than {MAX_MESSAGE >> 20} MB")
        buffer = io.BytesIO()
        sys.modules["numpy"].save(buffer, array, allow_pickle=False)
        raw = buffer.getvalue()
        parts += [struct.pack("<Q", len(raw)), raw]
    return b"".join(parts)


def write_message(fd: int, message: dict, deadline: float | None = None) -> None:
    """Write one message; with a deadline, on a non-blocking fd, WireTimeout if the reader stops reading."""
    data = memoryview(pack(message))
    while data:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WireTimeout("the other side stopped reading")
            _, ready, _ = select.select([], [fd], [], remaining)
            if not ready:
                continue
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            continue
        data = data[written:]


# What the judge expects in the worker's messages: the learner's code can write anything on the channel.
_FIELDS = {"id": int, "ok": bool, "error": dict, "warnings": list, "seconds": int | float, "args": list,
           "kwargs": dict, "functions": list, "sandbox": str, "network": str}  # fmt: skip
_ERROR_FIELDS = {"kind": str, "type": str, "text": str, "code": str, "line": int, "errno": int, "where": list,
                 "bases": list}  # fmt: skip


def _typed(record: dict, fields: dict) -> bool:
    return all(record.get(key) is None or isinstance(record[key], kind) for key, kind in fields.items())


def well_formed(message) -> bool:
    """Whether a message from the worker has only the fields the judge reads, each of the right type."""
    if not isinstance(message, dict) or not isinstance(message.get("ok"), bool) or not _typed(message, _FIELDS):
        return False
    lists = [message.get("warnings") or [], message.get("functions") or []]
    error = message.get("error")
    if error is None:
        return message["ok"] and all(isinstance(item, str) for items in lists for item in items)
    if not _typed(error, _ERROR_FIELDS):
        return False
    lists += [error.get("where") or [], error.get("bases") or []]
    return all(isinstance(item, str) for items in lists for item in items)


class MessageTooLarge(WireError):
    """A message over the reader's size limit."""


class Reader:
    """Reads messages from a file descriptor, with an optional deadline and a size limit.

    Nothing is consumed until a whole message has arrived, so a read that times out can simply be
    tried again; a message larger than `limit` bytes, or whose JSON part is larger than `header_limit`,
    is refused before it is read into memory.
    """

    def __init__(self, fd: int, limit: int = MAX_MESSAGE, header_limit: int = MAX_HEADER):
        self.fd = fd
        self.limit = limit
        self.header_limit = header_limit
        self.buffer = bytearray()

    def _ensure(self, n: int, deadline: float | None) -> None:
        if n > self.limit:
            raise MessageTooLarge(f"a value larger than {self.limit // 2**20} MB")
        while len(self.buffer) < n:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WireTimeout("deadline passed")
                ready, _, _ = select.select([self.fd], [], [], remaining)
                if not ready:
                    raise WireTimeout("deadline passed")
            chunk = os.read(self.fd, min(max(65536, n - len(self.buffer)), 1 << 24))
            if not chunk:
                raise EOFError("the other side closed the channel")
            self.buffer += chunk

    def read_message(self, deadline: float | None = None):
        self._ensure(4, deadline)
        (size,) = struct.unpack_from("<I", self.buffer, 0)
        if size > self.header_limit:
            raise MessageTooLarge(
                f"more than {self.header_limit // 2**20} MB of lists, numbers or text (return numpy arrays instead)"
            )
        end = 4 + size
        self._ensure(end, deadline)
        try:
            header = json.loads(bytes(self.buffer[4:end]))
            count = _count_arrays(header)
        except (ValueError, RecursionError) as error:
            raise WireError(f"the message is not valid JSON ({type(error).__name__})") from None
        spans = []
        for _ in range(count):
            self._ensure(end + 8, deadline)
            (blob_size,) = struct.unpack_from("<Q", self.buffer, end)
            self._ensure(end + 8 + blob_size, deadline)
            spans.append((end + 8, end + 8 + blob_size))
            end += 8 + blob_size
        try:
            if spans:
                import numpy as np
            blobs = [np.load(io.BytesIO(bytes(self.buffer[a:b])), allow_pickle=False) for a, b in spans]
            blobs = [_plain_array(blob) for blob in blobs]  # a forged blob may be .npz, or of any dtype
            message = decode(header, blobs)
        except (ValueError, OSError, EOFError, IndexError, KeyError, TypeError, RecursionError, MemoryError) as error:
            # MemoryError: a forged .npy header claiming an array of terabytes
            raise WireError(f"the message could not be decoded ({type(error).__name__})") from None
        del self.buffer[:end]
        return message


def _plain_array(blob):
    kind = getattr(getattr(blob, "dtype", None), "kind", None)
    if type(blob) is sys.modules["numpy"].ndarray and kind in ARRAY_KINDS:
        return blob
    return Unsupported(f"ndarray of dtype {blob.dtype}" if kind else type(blob).__name__)


def _count_arrays(data) -> int:
    if isinstance(data, list):
        return sum(_count_arrays(item) for item in data)
    if isinstance(data, dict):
        if "__ndarray__" in data:
            return 1
        return sum(_count_arrays(item) for item in data.values())
    return 0
