"""The frame of an HTML report: one self-contained, accessible page.

No CDN, font, image or network: charts are inline SVG (grader.reports.charts), the style and the
only script are written here, and the report's data is embedded as JSON (id "report-data") with
`text.script_json`, so no learner text can close the script or open a comment that swallows it.

Tables sort when a column header is activated, by mouse or keyboard: each header is a <th scope="col">
holding a <button>, and the sorted header carries aria-sort. Never attempted ("—") stays last in
either direction. Every text colour has a contrast of at least 4.5:1 on every background it is
used on (WCAG AA); a test checks TEXT_COLOURS against BACKGROUNDS.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from grader import __version__
from grader.reports.text import script_json

TEXT_COLOURS = {
    "text": "#1f1f1f",
    "muted": "#555555",
    "none": "#666666",
    "full": "#17652a",
    "low": "#a3231b",
    "link": "#2f5d9e",
}
BACKGROUNDS = {"page": "#ffffff", "header": "#eeeeee", "stripe": "#f6f6f6", "figure": "#fbfbfb"}
C, B = TEXT_COLOURS, BACKGROUNDS

STYLE = f"""
body {{ font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
       color: {C["text"]}; background: {B["page"]}; padding: 0 1em; }}
h1 {{ font-size: 1.5em; margin-bottom: .2em; }} h2 {{ font-size: 1.15em; margin-top: 2em; }}
.meta, .note {{ color: {C["muted"]}; }} .charts {{ display: flex; flex-wrap: wrap; gap: 1.5em; }}
figure {{ margin: 0; border: 1px solid #ccc; border-radius: 6px; padding: .8em; background: {B["figure"]};
         max-width: 100%; overflow-x: auto; }}
figcaption {{ font-weight: 600; margin-bottom: .4em; }} svg.chart {{ display: block; height: auto; max-width: none; }}
table {{ border-collapse: collapse; margin-top: .5em; font-size: 13px; }}
th, td {{ padding: 3px 7px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }}
th {{ background: {B["header"]}; position: sticky; top: 0; }}
tbody tr:nth-child(even) {{ background: {B["stripe"]}; }}
th button {{ font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0;
             cursor: pointer; text-align: inherit; }}
th button:focus-visible {{ outline: 2px solid {C["link"]}; outline-offset: 2px; }}
th[aria-sort="ascending"] button::after {{ content: " ▲"; }} th[aria-sort="descending"] button::after {{ content: " ▼"; }}
th:first-child, td:first-child, td.text, th.text {{ text-align: left; }}
td.text {{ white-space: pre-wrap; max-width: 40em; }} td.case {{ padding-left: 2em; color: {C["muted"]}; }}
td.full {{ color: {C["full"]}; font-weight: 600; }} td.none {{ color: {C["none"]}; }} td.low {{ color: {C["low"]}; }}
pre.output {{ background: {B["stripe"]}; padding: .5em; white-space: pre-wrap; max-width: 60em; }}
details {{ margin: .4em 0; }} summary {{ cursor: pointer; }}
.wrap {{ overflow-x: auto; max-height: 70vh; }}
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        return cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === "" || y === "") return (x === "") - (y === "");  /* never attempted: last, either way */
        var nx = Number(x), ny = Number(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    return str(value)


def table(table_id: str, headers: list[str], rows: list[list], text_columns=(), classes=None, sortable=True) -> str:
    """A table; numbers carry data-v (their value for sorting), None shows "—" and sorts last."""
    text_class = ' class="text"'
    head = "".join(
        f'<th scope="col"{text_class if i in text_columns else ""}>'
        + (f'<button type="button">{escape(h)}</button>' if sortable else escape(h))
        + "</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            css = ["text"] if i in text_columns else []
            extra = classes(r, i, value) if classes else ""
            if value is None:
                css.append("none")
            if extra:
                css.append(extra)
            attr = f' class="{" ".join(css)}"' if css else ""
            if value is None:
                data = ' data-v=""'
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                data = f' data-v="{number(value)}"'
            else:
                data = ""
            shown = "—" if value is None else number(value)
            cells.append(f"<td{attr}{data}>{escape(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    kind = ' class="sortable"' if sortable else ""
    return (
        f'<div class="wrap"><table id="{table_id}"{kind}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def page(title: str, subtitle: str, sections: list[str], data: dict) -> str:
    generated = datetime.now().isoformat(sep=" ", timespec="seconds")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f'<h1>{escape(title)}</h1><p class="meta">{escape(subtitle)} · generated {generated} by grade '
        f"{escape(__version__)}</p>{''.join(sections)}</main>"
        f'<script type="application/json" id="report-data">{script_json(data)}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def pct(share) -> str:
    return "—" if share is None else f"{share:.0%}"
