"""The files of the learners' copy that differ from the instructor's: README, setup.sh, pyproject.toml.

The learners' README is made of the instructor's README's learner sections (between the
`<!-- learners -->` and `<!-- /learners -->` markers, so the commands are described once) under a
quick start of its own: set up, list the exercises, work, check, submit. It names no test suite, no
demo and no instructor command, none of which works in that copy.
"""

from __future__ import annotations

import re
from pathlib import Path

START, END = "<!-- learners -->", "<!-- /learners -->"

LEARNER_INTRO = """\
# Neural networks, graded — your copy of the course

{intro}

## Quick start

On a machine with Python 3.11+ and pip, from this folder:

```bash
./setup.sh             # installs the grader and its packages into .venv, then lists the exercises
./setup.sh --jupyter   # the same, plus JupyterLab and matplotlib to work in the notebooks
source .venv/bin/activate
grade status           # your progress and what to do next
```

Then open `exercises/neurons.py`, fill in its functions and run `grade submit neurons`.

## Practice runs and your grade

In this copy, `grade submit` and `grade check` run each exercise's visible examples
(`exercises/examples/`) and record a practice attempt; `grade status` counts those. Your official
grade comes from your instructor, who grades the files you hand in with hidden tests. Quiz answers
are recorded here and scored by your instructor.
"""


SERVER_SECTION = """\
## Logging in: your work is graded on the course server

This copy is set up for the course server at {url}. Your instructor gives you a token (keep it
to yourself: it is you, for the grader). Log in once:

```bash
grade login --token YOUR-TOKEN     # checks the token with the server and keeps it in ~/.config/nn-grade (only you can read it)
```

Then `grade submit neurons` sends your file to the server, which grades it with the hidden tests and
shows the same table; `grade status` and `grade quiz` work the same way, recorded on the server under
your name. `grade check neurons` runs the visible examples here, records nothing and needs no server.
Your file never leaves your disk changed: if the server cannot be reached or refuses (a wrong token,
too many submissions at once), `grade` says so in one line and nothing is recorded; submit again later.
You can also open {url} in a browser, log in with the token, upload a file and answer the quizzes there.
"""


def learner_readme(readme: str, server: str | None = None) -> str:
    """The learners' README, from the instructor's (see the module docstring); for a copy released for a
    course server, how to log in to it instead of the practice-run section."""
    sections = re.findall(re.escape(START) + r"\n(.*?)" + re.escape(END), readme, flags=re.S)
    intro, *rest = sections or [""]
    text = LEARNER_INTRO.format(intro=intro.strip())
    if server:
        text = text[: text.index("## Practice runs")] + SERVER_SECTION.format(url=server)
    return text + "".join("\n" + part.rstrip() + "\n" for part in rest)


def learner_pyproject(text: str) -> str:
    """The instructor's pyproject.toml without the instructor's material (no solutions in the
    course package's data) and without contributor tooling (ruff)."""
    text = "".join(line for line in text.splitlines(keepends=True) if '"solutions/' not in line)
    return re.sub(r"^\[tool\.ruff[^\]]*\]\n(?:(?!\[).*\n?)*", "", text, flags=re.M).rstrip() + "\n"


def learner_setup(original: Path) -> str:
    """The instructor's setup.sh ends with `grade demo`, which needs the reference solutions; the
    learners' one installs the same way (the same torch pin, the same --jupyter extra) and then
    lists the exercises."""
    pin = re.search(r"torch==[0-9][^\"' ]*", original.read_text())
    torch = pin.group(0) if pin else "torch"
    return f"""#!/usr/bin/env bash
# Sets the course up on your machine (Python 3.11+ with pip): a virtual environment in .venv,
# {torch} (CPU build) first, then the grader (editable, so `grade` finds the course from anywhere).
#   ./setup.sh             install, then list the exercises
#   ./setup.sh --jupyter   also install JupyterLab and matplotlib, to work in the notebooks
set -euo pipefail
cd "$(dirname "$0")"
extras=""
for option in "$@"; do
    case "$option" in
        --jupyter) extras="[jupyter]" ;;
        -h | --help) sed -n '2,5p' "$0" | cut -c3-; exit 0 ;;
        *) echo "setup.sh: unknown option '$option'; the option is --jupyter" >&2; exit 2 ;;
    esac
done
python=${{PYTHON:-python3}}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check "{torch}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${{extras}}"
.venv/bin/grade list
echo
echo "Set up. Activate the environment with: source .venv/bin/activate   (then: grade status)"
"""
