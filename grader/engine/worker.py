"""The worker: the only process that imports and runs a learner's code.

Started by `grader.engine.sandbox` (through `grader.engine.launch`) as
`python worker.py MODE REPLY_FD`, MODE "bubblewrap" (already isolated by bwrap) or
"landlock" (it confines itself: a private network namespace first, then Landlock). Its first
message from the judge says what to run: the learner's source (written into the scratch
folder), the exercise's driver (kept in memory only, never on the worker's disk), the packages
to preload and the limits. Then it answers requests ("call this function with these
arguments", "run this driver", "evaluate this example expression") with plain data. It never
decides a verdict: the judge compares what comes back with the reference.

Requests arrive on the original stdin, replies leave on a private pipe; the learner's own
stdout and stderr go to an in-memory file the judge shows, truncated.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # -I leaves this folder out
import confine  # noqa: E402 - from this folder

if __name__ == "__main__":  # run by the judge; the zygote of a warm pool imports this module instead
    MODE, REPLY_FD = sys.argv[1], int(sys.argv[2])
    if MODE == "bubblewrap":
        sys.path.append("/sandbox/site")  # the exercise's packages, and nothing else
    if MODE == "landlock":
        confine.die_with_parent()
    NETWORK = confine.isolate_network() if MODE == "landlock" else "no network (bubblewrap)"  # before any thread

import importlib.util  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402

import fpguard  # noqa: E402
import numpy as np  # noqa: E402
import wire  # noqa: E402


def _private_channels(reply_fd: int):
    request_fd = os.dup(0)  # the judge's requests; the learner's stdin becomes empty
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.set_inheritable(reply_fd, False)
    os.set_inheritable(request_fd, False)
    return wire.Reader(request_fd, header_limit=wire.MAX_MESSAGE), reply_fd  # the judge's: the source is in JSON


def _load_driver(source):
    """The exercise's driver, from the source the judge sent: a module that exists only in memory."""
    if not source:
        return None
    module = types.ModuleType("grading_driver")
    exec(compile(source, "<driver>", "exec"), module.__dict__)
    return module


def _preload(names):
    for name in names:
        __import__(name)
        if name == "torch":
            sys.modules["torch"].set_num_threads(1)  # one core per run, like numpy


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
        "errno": error.errno if isinstance(getattr(error, "errno", None), int) else None,
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


def _start(reader, mode: str, network: str):
    """Read the judge's configuration, confine, write and import the learner's file."""
    config = reader.read_message()
    _preload(config.get("preload", []))
    driver = _load_driver(config.get("driver"))
    confine.set_limits(config["memory_mb"] * 2**20, config["file_mb"] * 2**20)
    workdir = os.getcwd()
    if mode == "landlock":
        sandbox = confine.restrict(config["read_paths"], [workdir])
    else:
        sandbox = f"{mode}: its own filesystem (the Python installation read-only, a private scratch folder)"
    sys.path[:] = [p for p in sys.path if p and not p.startswith(HERE)]
    learner_file = os.path.join(workdir, config["file"])
    with open(learner_file, "w", encoding="utf-8") as handle:
        handle.write(config["source"])
    module, failure = _import_submission(learner_file, config["module"])
    ready = {
        "ok": module is not None,
        "error": failure,
        "sandbox": sandbox,
        "network": network,
        "functions": _defined_names(module) if module else [],
    }
    return module, driver, learner_file, ready


def serve(mode: str, reply_fd: int, network: str) -> None:
    """Run one submission: configuration, import, then requests until the judge closes the channel."""
    reader, reply_fd = _private_channels(reply_fd)
    fpguard.install()
    module, driver, learner_file, ready = _start(reader, mode, network)
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
        except wire.MessageTooLarge:  # the judge would refuse it: say so without sending it
            message = wire.pack({"id": request["id"], "ok": False, "error": {"kind": "too_large"}})
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
    serve(MODE, REPLY_FD, NETWORK)
