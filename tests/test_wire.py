"""The judge–worker message format: plain data survives the trip; nothing else gets through."""

from __future__ import annotations

import io
import os
import pickle
import struct

import numpy as np
import pytest

from grader.engine import wire


def roundtrip(message):
    read, write = os.pipe()
    try:
        wire.write_message(write, message)
        return wire.Reader(read).read_message(deadline=None)
    finally:
        os.close(read)
        os.close(write)


def test_plain_values_survive_with_their_types():
    value = {
        "scalar": np.array(2.5),
        "matrix": np.arange(6.0).reshape(2, 3).T,
        "f32": np.ones(3, np.float32),
        "pair": (1, 2.0),
        "items": [True, None, "text", np.float64(0.5), np.int64(7)],
        "nested": {"k": [1]},
    }
    back = roundtrip({"value": value})["value"]
    assert back["scalar"].shape == () and float(back["scalar"]) == 2.5
    assert back["matrix"].shape == (3, 2) and np.array_equal(back["matrix"], np.arange(6.0).reshape(2, 3).T)
    assert back["f32"].dtype == np.float32
    assert back["pair"] == (1, 2.0) and isinstance(back["pair"], tuple)
    assert back["items"] == [True, None, "text", 0.5, 7]
    assert type(back["items"][3]) is float and type(back["items"][4]) is int
    assert back["nested"] == {"k": [1]}


def test_objects_that_are_not_plain_data_arrive_as_unsupported():
    class Rigged(float):
        def __eq__(self, other):
            return True

    back = roundtrip({"a": object(), "b": np.array([object()]), "c": Rigged(1.0), "d": np.zeros(2).view(np.recarray)})
    assert isinstance(back["a"], wire.Unsupported) and back["a"].type_name == "object"
    assert isinstance(back["b"], wire.Unsupported)
    assert type(back["c"]) is float and back["c"] == 1.0 and back["c"] != 2.0
    assert type(back["d"]) is np.ndarray


def test_a_pickled_array_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    blob = buffer.getvalue()
    header = b'{"__dict__": {"x": {"__ndarray__": 0}}}'
    data = struct.pack("<I", len(header)) + header + struct.pack("<Q", len(blob)) + blob
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    with pytest.raises(wire.WireError):
        wire.Reader(read).read_message()
    os.close(read)


def test_raw_pickle_is_not_a_message():
    read, write = os.pipe()
    payload = pickle.dumps({"score": 22})
    os.write(write, struct.pack("<I", len(payload)) + payload)
    os.close(write)
    with pytest.raises(wire.WireError):
        wire.Reader(read).read_message()
    os.close(read)


def test_an_array_over_the_reply_limit_is_refused_before_it_is_copied_out():
    """A broadcast view of 8 TB costs nothing to make; np.save would copy every byte of it."""
    huge = np.broadcast_to(np.float64(0), (10**6, 10**6))
    with pytest.raises(wire.MessageTooLarge, match="larger than 64 MB"):
        wire.pack({"ok": True, "value": huge})
    assert len(wire.pack({"ok": True, "value": np.zeros(1000)})) > 8000  # small arrays still travel
