"""A docstring as readable Markdown, for the notebooks' text cells: prose paragraphs, code and
formulas fenced, lists kept, `Args:`-style sections as bullets, underlined headings as headings."""

from __future__ import annotations

import inspect
import re
import textwrap


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_LIST_ITEM = re.compile(r"^([*-]|\d+\.)\s+")
_ITEM_SECTIONS = {"args:", "arguments:", "parameters:", "raises:", "attributes:"}
_PROSE_SECTIONS = {"returns:", "return:", "yields:", "example:", "examples:", "note:", "notes:", "see also:"}


def escape_markdown(text: str) -> str:
    """Markdown-escape prose, leaving `code spans` alone."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # unbalanced backticks: treat them as text
        pieces = [text.replace("`", "\\`")]
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"`{piece}`")
            continue
        piece = piece.replace("\\", "\\\\")
        piece = re.sub(r"([*_$~|])", r"\\\1", piece)
        piece = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", piece)
        out.append(piece)
    text = "".join(out)
    return "\\" + text if re.match(r"[#>+=]|\d+\.\s", text) else text


def _fence(lines: list[str], language: str = "text") -> list[str]:
    body = textwrap.dedent("\n".join(lines)).strip("\n").splitlines()
    fence = "~~~~" if any("```" in line for line in body) else "```"
    return ["", f"{fence}{language}", *body, fence, ""]


def _is_title(line: str) -> bool:
    text = line.strip()
    if text.lower() in _ITEM_SECTIONS | _PROSE_SECTIONS:
        return True
    if text.endswith(":"):
        return len(text) <= 60
    return len(text) <= 40 and not text.endswith((".", ",", ";", "!", "?")) and text[:1].isupper()


def _block(lines: list[str], start: int, deeper_than: int) -> int:
    """End of the run of lines after `start` that are blank or indented more than `deeper_than`,
    not counting trailing blank lines."""
    end = start
    index = start
    while index < len(lines) and (not lines[index].strip() or _indent_of(lines[index]) > deeper_than):
        index += 1
        if lines[index - 1].strip():
            end = index
    return end


def _items(lines: list[str]) -> list[str]:
    """`name: description` lines (Args sections) as a bullet list; deeper lines continue an item."""
    out, current = [], []
    for line in lines:
        if not line.strip():
            continue
        if _indent_of(line) == 0 and current:
            out.append("- " + escape_markdown(" ".join(current)))
            current = []
        current.append(line.strip())
    if current:
        out.append("- " + escape_markdown(" ".join(current)))
    return ["", *out, ""]


def docstring_markdown(text: str) -> str:
    """A docstring as readable Markdown: prose paragraphs, code and formulas fenced, lists kept,
    `Args:`-style sections as bullets, underlined headings as headings."""
    lines = [line.rstrip() for line in inspect.cleandoc(text).splitlines()]
    out = "\n".join(_markdown_lines(lines))
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def _markdown_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    count = len(lines)
    while index < count:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if _indent_of(line) > 0:  # an indented block at paragraph level
            end = _block(lines, index, 0)
            block = textwrap.dedent("\n".join(lines[index:end])).splitlines()
            if _LIST_ITEM.match(block[0]):
                out += [""] + ["  " + item if item else "" for item in _markdown_lines(block)] + [""]
            else:
                out += _fence(block, "python" if block[0].lstrip().startswith(">>>") else "text")
            index = end
            continue
        stripped = line.strip()
        if stripped.startswith(">>>"):
            end = index
            while end < count and lines[end].strip():
                end += 1
            out += _fence(lines[index:end], "python")
            index = end
            continue
        marker = _LIST_ITEM.match(line)
        if marker:
            end = _block(lines, index + 1, 0)
            width = marker.end()
            body = [line[width:]] + [item[min(width, _indent_of(item)) :] for item in lines[index + 1 : end]]
            converted = _markdown_lines(body)
            while converted and not converted[0].strip():
                converted.pop(0)
            while converted and not converted[-1].strip():
                converted.pop()
            bullet = marker.group(1) if marker.group(1)[0].isdigit() else "-"
            pad = " " * (len(bullet) + 1)
            out.append(f"{bullet} {converted[0] if converted else ''}")
            out += [pad + item if item.strip() else "" for item in converted[1:]]
            index = end
            continue
        if index + 1 < count and re.fullmatch(r"[-=~^]{3,}", lines[index + 1].strip()):
            out += ["", f"### {escape_markdown(stripped)}", ""]
            index += 2
            continue
        if (
            index + 1 < count
            and lines[index + 1].strip()
            and _indent_of(lines[index + 1]) > 0
            and (index == 0 or not lines[index - 1].strip())
            and _is_title(line)
        ):
            end = _block(lines, index + 1, 0)
            body = textwrap.dedent("\n".join(lines[index + 1 : end])).splitlines()
            out += ["", f"**{escape_markdown(stripped)}**", ""]
            lowered = stripped.lower()
            if lowered in _ITEM_SECTIONS:
                out += _items(body)
            elif stripped.endswith(":") and lowered not in _PROSE_SECTIONS and not _LIST_ITEM.match(body[0]):
                out += _fence(body)
            else:
                out += _markdown_lines(body)
            index = end
            continue
        paragraph = [line]
        index += 1
        while (
            index < count
            and lines[index].strip()
            and _indent_of(lines[index]) == 0
            and not lines[index].lstrip().startswith(">>>")
            and not _LIST_ITEM.match(lines[index])
        ):
            paragraph.append(lines[index])
            index += 1
        if any(re.search(r"\S {3,}\S", item) for item in paragraph):  # aligned columns: keep the layout
            out += _fence(paragraph)
        else:
            out += ["", escape_markdown(" ".join(item.strip() for item in paragraph)), ""]
    return out
