"""The HTML report's charts, drawn with matplotlib and inlined as SVG: the page stays one offline file.

matplotlib is imported only here, and only when a page is built (it costs about half a second). No
pyplot and no GUI: a Figure is drawn by the SVG backend with the Agg backend selected, fonts are
matplotlib's own DejaVu Sans drawn as paths, so the chart looks the same in every browser and
labels laid out here are the labels shown. Layout for any class size: a bar chart grows with its
rows, long labels are shortened (the full text is in the table beside the chart and in the bar's
tooltip), every value is written after its bar, and the figure is cut to what it holds
(bbox_inches="tight") so nothing is clipped. The histogram labels its band edges (0%, 10%, ...,
100%), one number per tick, so neighbouring labels never run together.

Labels are data, not markup: mathtext is off ("$x$" stays "$x$"), text is escaped by matplotlib's
SVG writer, and each chart's ids are prefixed with the chart's own id so that several charts in one
page never share an id.
"""

from __future__ import annotations

import io
import re
from html import escape

from grader.reports.text import terminal_text

BAR = "#2f5d9e"  # 6.4:1 on white
BAR_BAD = "#b3261e"
TEXT = "#222222"
TRACK = "#e8e8e8"
LABEL_CHARS = 56
STYLE = {
    "text.parse_math": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "grade-report",  # the same ids for the same chart: pages compare equal run to run
    "font.size": 9.5,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.edgecolor": "#888888",
}


def _figure(width_in: float, height_in: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in))


def _short(label: str) -> str:
    label = terminal_text(label, one_line=True)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(figure, chart_id: str, caption: str) -> str:
    """The figure as an inline <svg> element: no XML prolog, DOCTYPE, metadata, comments or namespaces
    (the HTML parser knows SVG), ids prefixed with `chart_id`, labelled for screen readers."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.08, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # matplotlib escapes -- inside them; they go anyway
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    for ident in sorted(set(re.findall(r'\bid="([^"]+)"', svg)), key=len, reverse=True):
        prefixed = f"{chart_id}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{prefixed}"').replace(f'"#{ident}"', f'"#{prefixed}"')
        svg = svg.replace(f"url(#{ident})", f"url(#{prefixed})")
    label = escape(caption, quote=True)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="chart"', 1)
    return re.sub(r">\s+<", "><", svg).strip()


def bar_chart(
    chart_id: str, caption: str, rows: list[tuple[str, float, str]], maximum: float = 1.0, bad: bool = False
) -> str:
    """Horizontal bars, one per (label, value, text written after the bar), in the order given."""
    if not rows:
        return f'<figure id="{chart_id}"><figcaption>{escape(caption)}</figcaption><p>No data yet.</p></figure>'
    from matplotlib import rc_context

    with rc_context(STYLE):
        return _wrap(chart_id, caption, _svg(bar_figure(rows, maximum, bad), chart_id, caption))


def bar_figure(rows: list[tuple[str, float, str]], maximum: float = 1.0, bad: bool = False):
    """The matplotlib Figure of `bar_chart` (call inside rc_context(STYLE))."""
    figure = _figure(6.4, 0.36 + 0.27 * len(rows))
    axes = figure.add_axes((0, 0, 1, 1))
    positions = list(range(len(rows)))[::-1]  # the first row on top
    values = [max(0.0, min(float(value), maximum)) for _, value, _ in rows]
    axes.barh(positions, [maximum] * len(rows), color=TRACK, height=0.7)
    bars = axes.barh(positions, values, color=BAR_BAD if bad else BAR, height=0.7)
    _name_bars(bars)
    axes.set_yticks(positions, [_short(label) for label, _, _ in rows])
    axes.set_xlim(0, maximum)
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0, pad=6)
    _values_after_track(axes, bars, rows, maximum)
    return figure


def _name_bars(bars) -> None:
    """Give each data bar an id ("<chart>-bar-<n>" once prefixed), so the page can point at one."""
    for number, bar in enumerate(bars):
        bar.set_gid(f"bar-{number}")


def _values_after_track(axes, bars, rows, maximum: float) -> None:
    """Write each row's text right of the full-length track, so it never overlaps a bar."""
    for bar, (_, _, text) in zip(bars, rows):
        axes.text(
            maximum * 1.02,
            bar.get_y() + bar.get_height() / 2,
            terminal_text(text, one_line=True),
            va="center",
            ha="left",
            fontsize=8.5,
        )


def histogram(chart_id: str, caption: str, counts: list[int], axis_label: str) -> str:
    """Vertical bars for equal bands of 0–100 %, the count above each bar, band edges on the axis."""
    from matplotlib import rc_context

    with rc_context(STYLE):
        return _wrap(chart_id, caption, _svg(histogram_figure(counts, axis_label), chart_id, caption))


def histogram_figure(counts: list[int], axis_label: str):
    """The matplotlib Figure of `histogram` (call inside rc_context(STYLE))."""
    bands = max(1, len(counts))
    figure = _figure(6.4, 2.6)
    axes = figure.add_axes((0, 0, 1, 1))
    width = 100 / bands
    bars = axes.bar([i * width for i in range(bands)], counts, width=width * 0.9, align="edge", color=BAR)
    _name_bars(bars)
    axes.bar_label(bars, labels=[str(c) for c in counts], padding=2, fontsize=8.5)
    axes.set_xticks([i * width for i in range(bands + 1)], [f"{round(i * width)}%" for i in range(bands + 1)])
    axes.set_xlim(0, 100)
    axes.set_ylim(0, max(1, max(counts, default=0)) * 1.15)
    axes.set_xlabel(axis_label)
    axes.set_ylabel("learners")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def _wrap(chart_id: str, caption: str, svg: str) -> str:
    return f'<figure id="{chart_id}"><figcaption>{escape(caption)}</figcaption>{svg}</figure>'
