"""The quiz bank's rules that span files, applied after each file passed its own model:

- a quiz's id is its file's name; no two quizzes share an id or a chapter; a question id is used once;
- a learner's quiz file holds no answer (key, explanation, tolerance...);
- every question has exactly one key, in the key file of the same name, and the key fits the
  question: a choice that exists (single), choices that exist (multiple), a number (numeric),
  a tolerance only for numbers.

Ids are read from each file's raw data where possible, so that one broken question does not make
every key that refers to it look wrong too.
"""

from __future__ import annotations

from grader.course.issues import Issue
from grader.course.quizmodels import KEY_DIR, LEAKS, QUIZ_DIR, KeyFile, Question, Quiz
from grader.course.validation import Document


def _items(document: Document, table: str) -> list[dict]:
    items = (document.data or {}).get(table)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def bank_checks(documents: list[Document]) -> list[Issue]:
    quizzes = [d for d in documents if d.model is Quiz]
    keys = [d for d in documents if d.model is KeyFile]
    found = _quiz_rules(quizzes)
    if keys:
        found += _key_rules(quizzes, keys)
    return found


def _quiz_rules(quizzes: list[Document]) -> list[Issue]:
    found: list[Issue] = []
    owner: dict[str, str] = {}  # question id -> file
    by_id: dict[str, str] = {}
    by_chapter: dict[int, str] = {}
    for document in quizzes:
        data = document.data or {}
        for index, item in enumerate(_items(document, "question")):
            leaked = [name for name in LEAKS if name in item]
            for name in leaked:  # say why, instead of a bare "unknown key"
                document.issues = [i for i in document.issues if not i.message.startswith(f"unknown key '{name}'")]
                found.append(
                    document.issue(
                        ("question", index, name),
                        f"'{name}' must not appear in the learners' file (answers belong in {KEY_DIR.as_posix()}/)",
                    )
                )
            qid = item.get("id")
            if isinstance(qid, str):
                if qid in owner and owner[qid] != document.label:
                    found.append(
                        document.issue(("question", index, "id"), f"question id '{qid}' is also used in {owner[qid]}")
                    )
                owner.setdefault(qid, document.label)
        quiz_id, chapter = data.get("id"), data.get("chapter")
        if isinstance(quiz_id, str) and quiz_id != document.path.stem:
            found.append(
                document.issue(("id",), f"id '{quiz_id}' does not match the file name (expected {quiz_id}.toml)")
            )
        for table, value, label in ((by_id, quiz_id, "quiz id"), (by_chapter, chapter, "chapter")):
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                if value in table:
                    found.append(
                        document.issue((label.split()[-1],), f"{label} {value!r} is also used by {table[value]}")
                    )
                table.setdefault(value, document.label)
    return found


def _key_rules(quizzes: list[Document], keys: list[Document]) -> list[Issue]:
    found: list[Issue] = []
    question_file: dict[str, Document] = {}  # every question id written in a quiz file
    questions: dict[str, Question] = {}  # the questions that validated
    for document in quizzes:
        for item in _items(document, "question"):
            if isinstance(item.get("id"), str):
                question_file.setdefault(item["id"], document)
        if isinstance(document.value, Quiz):
            questions.update({question.id: question for question in document.value.questions})
    quiz_names = {document.path.name for document in quizzes}
    keyed: dict[str, str] = {}
    for document in keys:
        if document.path.name not in quiz_names:
            found.append(
                document.issue(
                    (), f"answer keys for a quiz that does not exist ({QUIZ_DIR.as_posix()}/{document.path.name})"
                )
            )
        for index, item in enumerate(_items(document, "answer")):
            qid = item.get("question")
            if not isinstance(qid, str):
                continue
            loc = ("answer", index, "question")
            if qid in keyed and keyed[qid] != document.label:
                found.append(document.issue(loc, f"question '{qid}' also has a key in {keyed[qid]}"))
            keyed.setdefault(qid, document.label)
            home = question_file.get(qid)
            if home is None:
                if not any(d.data is None and d.path.stem == qid.split(".")[0] for d in quizzes):
                    found.append(document.issue(loc, f"key for unknown question '{qid}'"))
            elif home.path.name != document.path.name:
                found.append(
                    document.issue(loc, f"the key for '{qid}' belongs in {KEY_DIR.as_posix()}/{home.path.name}")
                )
        if isinstance(document.value, KeyFile):
            for index, key in enumerate(document.value.answers):
                if key.question in questions:
                    problem = _misfit(questions[key.question], key)
                    if problem:
                        found.append(document.issue(("answer", index, "key"), problem))
    for qid, document in question_file.items():
        if qid not in keyed:
            index = next(i for i, item in enumerate(_items(document, "question")) if item.get("id") == qid)
            found.append(
                document.issue(
                    ("question", index, "id"),
                    f"question '{qid}' has no answer key in {KEY_DIR.as_posix()}/{document.path.name}",
                )
            )
    return found


def _misfit(question: Question, key) -> str | None:
    """Why a key does not fit its question, or None."""
    value, ids = key.key, question.choice_ids
    if question.kind == "single":
        if not isinstance(value, str):
            return f"a single-choice key is one choice id (a string), not {value!r}"
        if value not in ids:
            return f"'{value}' is not among the choices {', '.join(ids)}"
    elif question.kind == "multiple":
        if not isinstance(value, tuple):
            return f"a multiple-choice key is a list of choice ids, not {value!r}"
        missing = [v for v in value if v not in ids]
        if missing:
            return f"{', '.join(repr(m) for m in missing)} not among the choices {', '.join(ids)}"
    elif not isinstance(value, float):
        return f"a numeric key must be a number, not {value!r}"
    if question.kind != "numeric" and key.tolerance:
        return "tolerance only applies to numeric questions"
    return None
