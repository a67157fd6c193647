"""The worker: the only process that imports and runs a learner's code.

Started by `grader.engine.sandbox` as `python -I worker.py CONFIG_JSON` in a throwaway
directory. It confines itself (private network, rlimits, Landlock) before it
imports the submission, then answers requests ("call this function with these
arguments", "run this driver", "evaluate this example expression") with plain
data. It never decides a verdict: the judge compares what comes back with the
reference.

Requests arrive on the original stdin, replies leave on a private pipe; the
learner's own stdout and stderr go to a file the judge shows, truncated.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves this folder out
import confine

config = json.loads(sys.argv[1])
network = confine.isolate_network()  # first: unshare needs a single-threaded process

import importlib.util  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402

import fpguard  # noqa: E402
import numpy as np  # noqa: E402
import wire  # noqa: E402


def _private_channels():
    request_fd = os.dup(0)  # the judge's requests; the learner's stdin becomes empty
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    reply_fd = config["reply_fd"]
    os.set_inheritable(reply_fd, False)
    return wire.Reader(request_fd), reply_fd


def _load_driver(path):
    if not path:
        return None
    spec = importlib.util.spec_from_file_location("grading_driver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _learner_frames(tb, learner_file):
    """Where in the learner's own file the error happened (their lines only)."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename == learner_file]
    return [f"line {f.lineno}, in {f.name}: {(f.line or '').strip()}"[:200] for f in frames[-3:]]


def _describe_exception(error: BaseException, learner_file: str) -> dict:
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a learner's exception whose __str__ itself fails
        text = ""
    builtin_bases = [c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"]
    return {
        "kind": "exception",
        "type": type(error).__name__[:80],
        "bases": builtin_bases,
        "text": text[:500],
        "where": _learner_frames(error.__traceback__, learner_file),
    }


def _import_submission(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        return None, {
            "kind": "syntax",
            "type": type(error).__name__,
            "text": str(error.msg),
            "line": error.lineno,
            "code": (error.text or "").strip()[:200],
        }
    except SystemExit as error:
        return None, {"kind": "exit", "type": "SystemExit", "text": str(error.code)}
    except BaseException as error:  # noqa: BLE001 - anything the learner's import does
        return None, _describe_exception(error, path)
    return module, None


def _defined_names(module) -> list:
    return sorted(n for n, v in vars(module).items() if not n.startswith("_") and callable(v))


def _evaluator(module, expression):
    """A function evaluating a judge-written expression (a visible example) in the learner's namespace.

    The namespace is the learner module's own, plus numpy as np (and torch when it was preloaded).
    Compiling happens inside the call, so a broken expression is reported like any exception.
    """
    namespace = dict(vars(module))
    namespace["np"] = np
    if "torch" in sys.modules:
        namespace.setdefault("torch", sys.modules["torch"])
    return lambda: eval(compile(expression, "<example>", "eval"), namespace)


def _run(target, args, kwargs, errstate, learner_file):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        events = []
        try:
            if errstate == "raise":  # a stability check: overflows fail it, whatever the learner's code says
                value, events = fpguard.call_watched(target, args, kwargs)
            else:
                value = target(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - includes SystemExit from learner code
            return {"ok": False, "error": _describe_exception(error, learner_file)}
        seconds = time.perf_counter() - started
    overflows = [event for event in events if event.startswith("overflow")]
    if overflows:
        return {
            "ok": False,
            "error": {
                "kind": "exception",
                "type": "FloatingPointError",
                "bases": ["ArithmeticError"],
                "text": overflows[0],
                "where": [],
            },
        }
    noted = [f"RuntimeWarning: {event}" for event in events]
    noted += [f"{w.category.__name__}: {w.message}"[:300] for w in caught[:20]]
    return {"ok": True, "value": value, "warnings": noted[:20], "seconds": seconds}


def main():
    reader, reply_fd = _private_channels()
    fpguard.install()
    for name in config.get("preload", []):
        __import__(name)
    driver = _load_driver(config.get("driver"))
    read_paths = reader.read_message()["read_paths"]  # the judge's first message
    confine.set_limits(config["memory_mb"] * 2**20)
    workdir = os.getcwd()
    sandbox = confine.restrict(read_paths, [workdir])
    sys.path[:] = [p for p in sys.path if p and not p.startswith(os.path.dirname(os.path.abspath(__file__)))]
    learner_file = os.path.join(workdir, config["file"])
    module, failure = _import_submission(learner_file, config["module"])
    ready = {
        "ok": module is not None,
        "error": failure,
        "sandbox": sandbox,
        "network": network,
        "functions": _defined_names(module) if module else [],
    }
    wire.write_message(reply_fd, ready)
    if module is None:
        return
    while True:
        try:
            request = reader.read_message()
        except EOFError:
            return
        if request["op"] == "call":
            target = getattr(module, request["name"], None)
            args, kwargs = list(request["args"]), dict(request["kwargs"])
        elif request["op"] == "eval":
            target, args, kwargs = _evaluator(module, request["expression"]), [], {}
        else:
            target = getattr(driver, request["name"], None)
            args, kwargs = [module], dict(request["kwargs"])
        if not callable(target):
            reply = {"ok": False, "error": {"kind": "missing", "text": request["name"]}}
        else:
            reply = _run(target, args, kwargs, request.get("errstate"), learner_file)
            if reply["ok"] and request.get("report") and request["op"] == "call":
                reply["args"], reply["kwargs"] = args, kwargs
        reply["id"] = request["id"]
        try:
            message = wire.pack(reply)
        except BaseException as error:  # noqa: BLE001 - a returned value that will not serialise
            message = wire.pack(
                {
                    "id": request["id"],
                    "ok": False,
                    "error": {"kind": "unserialisable", "text": f"{type(error).__name__}: {error}"[:300]},
                }
            )
        data = memoryview(message)
        while data:
            data = data[os.write(reply_fd, data) :]


if __name__ == "__main__":
    main()
