"""The inline SVG of every cluster's totals with each award's cut-off: one row per
cluster, a dot per unit at its total, a coloured mark at the lowest total proposed for
each award. Coordinates are computed from the exact totals in integers (a picture's
pixels, never a score)."""

from __future__ import annotations

from html import escape

from emuscore.exact import parse_decimal
from emuscore.report.view import ClusterTable, decimal_comma

COLOURS = ("#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214", "#4d4d4d")
NICE = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, *(10**k for k in range(3, 30)))
"""Tick steps in whole points; the first that gives at most 6 intervals is used."""
LEFT, PLOT, ROW, LEGEND = 190, 520, 22, 16


def units(text: str, scale: int) -> int:
    """A record's exact decimal text at `scale` ("95.30") as an integer of 10**-scale."""
    mantissa, decimals = parse_decimal(text)
    factor: int = 10 ** (scale - decimals)
    return mantissa * factor


def totals_chart(clusters: tuple[ClusterTable, ...], awards: tuple[str, ...], scale: int) -> str:
    """The SVG (a string to inline in the page); `awards` gives the legend's order."""
    one: int = 10**scale
    values = [units(r.total, scale) for c in clusters for r in c.rows]
    low = min(values, default=0) // one * one
    high = -(-max(values, default=one) // one) * one
    if high <= low:
        high = low + one
    step = next(s * one for s in NICE if (high - low) // (s * one) <= 6)
    low, high = low // step * step, -(-high // step) * step

    def x(v: int) -> int:
        return int(LEFT + (v - low) * PLOT // (high - low))

    colour = {a: COLOURS[i % len(COLOURS)] for i, a in enumerate(awards)}
    top = LEGEND * len(awards) + 34
    height = top + ROW * len(clusters) + 10
    out = [f'<svg viewBox="0 0 {LEFT + PLOT + 20} {height}" '
           'role="img" aria-labelledby="chart-title chart-desc" class="chart">',
           '<title id="chart-title">Tổng điểm của các đơn vị theo cụm</title>',
           '<desc id="chart-desc">Mỗi chấm là một đơn vị; mỗi vạch màu là điểm thấp nhất '
           'được đề nghị cho một hình thức khen thưởng trong cụm.</desc>']
    for i, award in enumerate(awards):
        ly = 4 + i * LEGEND
        out.append(f'<rect x="{LEFT}" y="{ly}" width="10" height="10" fill="{colour[award]}"/>'
                   f'<text x="{LEFT + 14}" y="{ly + 9}" font-size="11">{escape(award)}</text>')
    tick = low
    while tick <= high:
        tx = x(tick)
        out.append(f'<line x1="{tx}" y1="{top - 8}" x2="{tx}" y2="{height - 10}" stroke="#ddd"/>'
                   f'<text x="{tx}" y="{top - 12}" font-size="10" text-anchor="middle">'
                   f'{decimal_comma(str(tick // one))}</text>')
        tick += step
    for k, cluster in enumerate(clusters):
        y = top + k * ROW + ROW // 2
        out.append(f'<text x="{LEFT - 6}" y="{y + 4}" font-size="11" text-anchor="end">'
                   f'{escape(_short(cluster.cluster, 30))}</text>')
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + PLOT}" y2="{y}" stroke="#eee"/>')
        for r in cluster.rows:
            out.append(f'<circle cx="{x(units(r.total, scale))}" cy="{y}" r="3" fill="#333" '
                       f'fill-opacity="0.45"><title>{escape(r.name)}: '
                       f'{decimal_comma(r.total)}</title></circle>')
        for cut in cluster.cutoffs:
            cx = x(units(cut.total, scale))
            out.append(f'<line x1="{cx}" y1="{y - 8}" x2="{cx}" y2="{y + 8}" '
                       f'stroke="{colour.get(cut.award, "#000")}" stroke-width="3"><title>'
                       f'{escape(cut.award)}: {decimal_comma(cut.total)}</title></line>')
    out.append("</svg>")
    return "\n".join(out)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
