"""What the learner's code printed: an in-memory file that every process of the run writes to.

A memfd, not a file on disk: nothing is left behind if `grade` is killed, and the worker's
RLIMIT_FSIZE bounds how much can be written. The judge reads back the beginning only, with the
sandbox's own folders taken out of it, truncated to what a person reads.
"""

from __future__ import annotations

import os
import re

OUTPUT_LIMIT = 4000


class LearnerOutput:
    def __init__(self):
        self.fd = os.memfd_create("learner-output", os.MFD_CLOEXEC)

    def text(self, folders=()) -> str:
        """The output so far, decoded, without the run's folder names, at most OUTPUT_LIMIT characters."""
        raw = os.pread(self.fd, OUTPUT_LIMIT * 4, 0)
        text = raw.decode("utf-8", "replace")
        for folder in filter(None, folders):  # whole path parts only: /sandbox/engine/worker.py stays
            text = re.sub(
                rf"(?<![\w.-]){re.escape(folder)}(/|(?![\w-]|\.\w))", lambda m: "" if m.group(1) else ".", text
            )
        if len(text) > OUTPUT_LIMIT:
            text = text[:OUTPUT_LIMIT] + "\n... (output truncated)"
        return text

    def close(self) -> None:
        os.close(self.fd)
