"""Deciding whether a visible example passed: one definition for the judge and for the notebooks.

The judge (`grader.course.examples`) imports `compare` and `expected_value` from here. Every generated
notebook's hidden helper cell is the code of this file below this docstring, pasted verbatim by
`grader.course.notebooks`, so a learner's check in Jupyter and `grade check` decide alike. Keep it to numpy
and the standard library, and remember that editing it changes every notebook (regenerate them with
`grade notebook --all`).
"""

import numpy as np

EXAMPLE_RTOL, EXAMPLE_ATOL = 1e-6, 1e-8
_EXPECTED_BUILTINS = {
    "abs": abs,
    "bool": bool,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "range": range,
    "round": round,
    "sum": sum,
    "tuple": tuple,
}


def expected_value(text):
    """The value of an example's `expected` expression (numpy as np and a few builtins only)."""
    return eval(text, {"__builtins__": _EXPECTED_BUILTINS, "np": np})


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _show(value):
    """A short, one-line rendering of a value for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=12, edgeitems=2, separator=", ", suppress_small=True)
        text = " ".join(text.split())
        return text if len(text) <= 160 else f"{text[:150]} ... (shape {value.shape})"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_show(item) for item in value[:6]) + (", ..." if len(value) > 6 else "")
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None or isinstance(value, str):
        return repr(value)
    return _kind(value)


def _kind(value):
    """What a value is, in words."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {bool(value)}"
    if _is_number(value):
        return f"the number {_show(value)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, str):
        return f"the string {value!r}"[:80]
    return "a " + str(getattr(value, "type_name", type(value).__name__))


def compare(got, expected=None, expected_shape=None, rtol=EXAMPLE_RTOL, atol=EXAMPLE_ATOL):
    """None when `got` is right; otherwise what is wrong, e.g. "returned shape (2,); expected shape (3,)".

    With expected_shape, `got` must be a numpy array of that shape. Otherwise it must match `expected`:
    arrays by shape then values (np.allclose with rtol, atol), numbers by value (a numpy scalar or a 0-d
    array counts as a number), bools exactly, lists and tuples (either one) item by item, dicts key by key.
    """
    if expected_shape is not None:
        shape = tuple(expected_shape)
        if not isinstance(got, np.ndarray):
            return f"returned {_kind(got)}; expected an array of shape {shape}"
        if got.shape != shape:
            return f"returned an array of shape {got.shape}; expected shape {shape}"
        return None
    return _mismatch(got, expected, rtol, atol, "")


def _mismatch(got, expected, rtol, atol, path):
    said = f"returned {path}: " if path else "returned "
    tolerance = f" (rtol {rtol:g}, atol {atol:g})"
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"{said}{_kind(got)}; expected an array of shape {expected.shape}"
        if got.shape != expected.shape:
            return f"{said}an array of shape {got.shape}; expected shape {expected.shape}"
        if got.dtype.kind not in "biuf":
            return f"{said}an array of dtype {got.dtype}; expected numbers"
        if expected.dtype.kind == "b":
            return None if np.array_equal(got, expected) else f"{said}{_show(got)}; expected {_show(expected)}"
        if np.allclose(got.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True):
            return None
        return f"{said}{_show(got)}; expected {_show(expected)}{tolerance}"
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            return f"{said}{_kind(got)}; expected the bool {bool(expected)}"
        return None if bool(got) == bool(expected) else f"{said}{bool(got)}; expected {bool(expected)}"
    if _is_number(expected):
        if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "iuf":
            got = got[()]
        if not _is_number(got):
            return f"{said}{_kind(got)}; expected a number"
        if np.isclose(float(got), float(expected), rtol=rtol, atol=atol, equal_nan=True):
            return None
        return f"{said}{_show(got)}; expected {_show(expected)}{tolerance}"
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return f"{said}{_kind(got)}; expected a {type(expected).__name__} of length {len(expected)}"
        if len(got) != len(expected):
            return f"{said}a {type(got).__name__} of length {len(got)}; expected length {len(expected)}"
        for index, (item, wanted) in enumerate(zip(got, expected)):
            problem = _mismatch(item, wanted, rtol, atol, f"{path or 'result'}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{said}{_kind(got)}; expected a dict with keys {sorted(expected)}"
        for key in expected:
            problem = _mismatch(got[key], expected[key], rtol, atol, f"{path or 'result'}[{key!r}]")
            if problem:
                return problem
        return None
    if got is expected or (type(got) is type(expected) and got == expected):
        return None
    return f"{said}{_show(got)}; expected {_show(expected)}"


def check_example(call, expected=None, expected_shape=None, rtol=EXAMPLE_RTOL, atol=EXAMPLE_ATOL, note=""):
    """Run one visible example in this notebook and print ✓ or ✗ (the examples cell calls it)."""
    try:
        got = eval(call, globals())
    except NotImplementedError:
        problem = "is not implemented yet (it raises NotImplementedError)"
    except NameError as error:
        problem = f"failed: {error} (run the cells above first)"
    except Exception as error:  # noqa: BLE001 - shown to the learner
        problem = f"raised {type(error).__name__}: {error}"
    else:
        wanted = None if expected is None else expected_value(expected)
        problem = compare(got, wanted, expected_shape, rtol, atol)
    if problem is None:
        print(f"✓ {call}")
        return True
    print(f"✗ {call} {problem}" + (f"\n    note: {note}" if note else ""))
    return False
