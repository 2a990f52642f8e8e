"""Plotly figures (as plain dicts) from a dashboard summary (pure).

Colours are Okabe & Ito's palette, told apart with every common colour-vision deficiency; the
heat map uses Cividis, made for the same. Hidden counts get no bar (the table beside says why).
Right-to-left languages get mirrored axes, so bars grow from the right as the text reads.
"""

from __future__ import annotations

HERE = "#0072B2"  # blue
CITY = "#E69F00"  # orange
PROFILE = "#009E73"  # bluish green
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', Tahoma, sans-serif"


def _layout(rtl: bool, height: int, x_title: str, showlegend: bool = False, labels: list[str] = ()) -> dict:
    # Room for the labels on the reading side (plotly's automargin does not grow a right margin
    # for right-hand labels reliably): about 7 px a character, within reason.
    label_room = min(300, 16 + 7 * max((len(label) for label in labels), default=0))
    return {
        "height": height,
        "margin": {"l": 10 if rtl else label_room, "r": label_room if rtl else 10, "t": 34 if showlegend else 10, "b": 40},
        "font": {"family": FONT, "size": 13, "color": "#1b1b1b"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": showlegend,
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left"},
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "autorange": "reversed" if rtl else True,
                  "gridcolor": "#dde1e6", "fixedrange": True},
        "yaxis": {"automargin": False, "autorange": "reversed", "side": "right" if rtl else "left", "fixedrange": True},
        "bargap": 0.25,
    }


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bars(name: str, labels: list[str], values: list, texts: list[str], colour: str) -> dict:
    # A hidden count gets no bar, only its label ("<5", "×", "–") beside the axis.
    return {
        "type": "bar", "orientation": "h", "name": name, "y": labels,
        "x": [0 if value is None else value for value in values], "text": texts,
        "textposition": ["outside" if value is None else "auto" for value in values],
        "cliponaxis": False, "marker": {"color": colour},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }


def question_figure(question: dict, texts: dict, rtl: bool) -> dict:
    """A bar chart of shares (here, and in the city where compared), or a heat map for a grid."""
    if question["type"] == "grid":
        return grid_figure(question, texts, rtl)
    options = question["options"]
    labels = [_short(o["label"]) for o in options]
    here = _bars(texts["here"], labels, [o["percent"] for o in options],
                 [f"{o['percent']}%" if o["percent"] is not None else o["display"] for o in options], HERE)
    data = [here]
    if any("city_percent" in o for o in options):
        data.append(_bars(texts["city"], labels, [o.get("city_percent") for o in options],
                          [f"{o['city_percent']}%" if o.get("city_percent") is not None else "" for o in options], CITY))
    layout = _layout(rtl, 60 + 28 * len(options) * len(data), texts["share"], showlegend=len(data) > 1, labels=labels)
    return {"data": data, "layout": layout}


def grid_figure(question: dict, texts: dict, rtl: bool) -> dict:
    """Weekday × part of the day: the share of respondents who could come, as a heat map."""
    rows = [r["label"] for r in question["rows"]]
    columns = [c["label"] for c in question["columns"]]
    z = [[cell["percent"] for cell in row] for row in question["cells"]]
    text = [[f"{cell['percent']}%" if cell["percent"] is not None else cell["display"] for cell in row]
            for row in question["cells"]]
    layout = _layout(rtl, 80 + 36 * len(rows), "", labels=rows)
    layout["xaxis"].update({"side": "top", "title": {"text": ""}})
    layout["margin"]["t"] = 40
    return {
        "data": [{
            "type": "heatmap", "z": z, "x": columns, "y": rows, "text": text, "texttemplate": "%{text}",
            # No colour bar: plotly styles its fills with style attributes, which our CSP refuses;
            # every cell carries its number, and the table beside holds them all.
            # Gaps between cells also keep plotly off its "fast" drawing, which sets an inline
            # image-rendering style.
            "colorscale": "Cividis", "zmin": 0, "hoverongaps": False, "showscale": False, "xgap": 2, "ygap": 2,
            "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
        }],
        "layout": layout,
    }


def profile_figure(entries: list[dict], texts: dict, rtl: bool) -> dict:
    labels = [_short(e["label"]) for e in entries]
    data = [_bars(texts["responses"], labels, [e["count"] for e in entries], [e["display"] for e in entries], PROFILE)]
    return {"data": data, "layout": _layout(rtl, 60 + 28 * len(entries), texts["responses"], labels=labels)}


def figures(summary: dict, texts: dict, rtl: bool) -> dict[str, dict]:
    """Every figure of a dashboard, by the id of the element it is drawn in."""
    found = {}
    for dim, entries in summary["profiles"].items():
        if entries:
            found[f"chart-profile-{dim}"] = profile_figure(entries, texts, rtl)
    for question in summary["questions"]:
        found[f"chart-{question['key']}"] = question_figure(question, texts, rtl)
    return found
