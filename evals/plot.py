"""The trade-off plot: genuine pass rate (y) against attacker pass rate (x) as the threshold moves.

One colour and marker per attacker level (one line style per configuration), Wilson 95% bars on
both axes, each point labelled with its threshold, and the configured policy's operating point
per level as a star. The attacker axis is scaled to the data: linear up to just past the highest
upper bound when every level stays low, symmetric-log (linear below 1%) when some level passes
often, so the 0-5% region that matters stays readable. matplotlib is imported lazily (Agg
backend) because only report writing needs it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.metrics import wilson
from evals.sweep import SweepPoint

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Per attacker level: (colour, marker); unknown levels cycle through SPARE.
LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "naive": ("#7f7f7f", "o"),
    "osint": ("#1f77b4", "s"),
    "insider": ("#2ca02c", "^"),
    "llm_osint": ("#9467bd", "v"),
    "injection": ("#8c564b", "X"),
    "colleague": ("#d62728", "D"),
    "prior": ("#ff7f0e", "P"),
    "stuffer": ("#e377c2", "*"),
    "it_agent": ("#17becf", "h"),
}
SPARE = (("#bcbd22", "<"), ("#000000", ">"), ("#aec7e8", "d"))
CONFIG_LINES = ("-", "--", ":", "-.")
LINEAR_UP_TO = 10.0  # percent: beyond this the attacker axis turns symmetric-log
LABEL_EVERY = 2  # label every second threshold on each curve


def level_style(level: str, index: int) -> tuple[str, str]:
    return LEVEL_STYLE.get(level, SPARE[index % len(SPARE)])


def _bars(allowed: int, n: int) -> tuple[float, float, float]:
    """(rate, below, above) in percent, from the Wilson interval."""
    rate = allowed / n * 100 if n else 0.0
    low, high = wilson(allowed, n)
    return rate, max(rate - low * 100, 0.0), max(high * 100 - rate, 0.0)


def _curve(
    ax: Axes, points: list[SweepPoint], level: str, style: tuple[str, str], line: str, label: str
) -> None:
    colour, marker = style
    across = [_bars(*p.counts[level]) for p in points]
    up = [_bars(*p.counts["genuine"]) for p in points]
    xs, ys = [b[0] for b in across], [b[0] for b in up]
    xerr = ([b[1] for b in across], [b[2] for b in across])
    yerr = ([b[1] for b in up], [b[2] for b in up])
    ax.errorbar(
        xs,
        ys,
        xerr=xerr,
        yerr=yerr,
        color=colour,
        marker=marker,
        linestyle=line,
        markersize=5,
        capsize=2,
        elinewidth=0.7,
        alpha=0.9,
        label=label,
    )
    for p, x, y in list(zip(points, xs, ys, strict=True))[::LABEL_EVERY]:
        ax.annotate(
            f"{p.threshold:.2f}",
            (x, y),
            textcoords="offset points",
            xytext=(4, 3),
            fontsize=6,
            color=colour,
        )


def _x_scale(ax: Axes, highest: float) -> None:
    if highest <= LINEAR_UP_TO:
        ax.set_xlim(-0.05 * max(highest, 1.0), max(highest * 1.15, 1.0))
        return
    ax.set_xscale("symlog", linthresh=1.0, linscale=1.0)
    ax.set_xlim(0.0, min(100.0, highest * 1.3))


def draw_tradeoff(
    curves: dict[str, list[SweepPoint]], operating: dict[str, dict[str, Any]]
) -> Figure:
    """`curves`: config name -> sweep; `operating`: config name -> its summary (for the stars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    levels = sorted({lvl for points in curves.values() for p in points for lvl in p.attackers})
    styles = {lvl: level_style(lvl, i) for i, lvl in enumerate(levels)}
    highest = 0.0
    for index, (name, points) in enumerate(curves.items()):
        line = CONFIG_LINES[index % len(CONFIG_LINES)]
        for level in levels:
            if all(level in p.counts for p in points):
                _curve(ax, points, level, styles[level], line, f"{name}: {level}")
                highest = max(highest, *(wilson(*p.counts[level])[1] * 100 for p in points))
        _operating(ax, name, operating.get(name), styles)
    _x_scale(ax, highest)
    ax.set_xlabel("attacker pass rate (%, Wilson 95% bars)")
    ax.set_ylabel("genuine pass rate (%, Wilson 95% bars)")
    ax.set_title(
        "Genuine vs attacker pass rate as the mean-score threshold moves (labels: threshold)"
    )
    ax.set_ylim(-2, 102)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right", ncol=2)
    fig.tight_layout()
    return fig


def _operating(
    ax: Axes, name: str, summary: dict[str, Any] | None, styles: dict[str, tuple[str, str]]
) -> None:
    if not summary:
        return
    genuine = summary["genuine_pass_rate"] * 100
    for level, rate in summary["attacker_pass_rate"].items():
        colour, _ = styles.get(level, SPARE[0])
        ax.plot(
            [rate * 100],
            [genuine],
            marker="*",
            markersize=13,
            color=colour,
            markeredgecolor="black",
            linestyle="none",
        )
    ax.annotate(
        f"{name}: configured policy",
        (0, genuine),
        textcoords="offset points",
        xytext=(6, -12),
        fontsize=7,
    )


def plot_tradeoff(
    curves: dict[str, list[SweepPoint]], operating: dict[str, dict[str, Any]], path: Path
) -> Path:
    import matplotlib.pyplot as plt

    fig = draw_tradeoff(curves, operating)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
