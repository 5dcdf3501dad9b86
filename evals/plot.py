"""The trade-off plot: genuine pass rate (y) against attacker pass rate (x) as the threshold moves,
one colour per configuration, one line style per attacker level. matplotlib is imported lazily
(Agg backend) because only report writing needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.sweep import SweepPoint

STYLES = {"naive": ":", "osint": "-", "insider": "--", "llm_osint": "-.", "injection": (0, (1, 3))}


def plot_tradeoff(
    curves: dict[str, list[SweepPoint]],
    operating: dict[str, dict[str, Any]],
    path: Path,
) -> Path:
    """`curves`: config name -> sweep; `operating`: config name -> its summary (for the star)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (name, points) in enumerate(curves.items()):
        colour = colours[index % len(colours)]
        levels = sorted({lvl for p in points for lvl in p.attackers})
        for level in levels:
            xs = [p.attackers[level] * 100 for p in points]
            ys = [p.genuine * 100 for p in points]
            ax.plot(
                xs,
                ys,
                linestyle=STYLES.get(level, "-"),
                color=colour,
                marker=".",
                label=f"{name} vs {level}",
            )
        summary = operating.get(name)
        if summary:
            x = summary["attacker_pass_rate"].get("osint", 0.0) * 100
            ax.plot(
                [x],
                [summary["genuine_pass_rate"] * 100],
                marker="*",
                markersize=14,
                color=colour,
                linestyle="none",
                label=f"{name}: configured policy (osint)",
            )
    ax.set_xlabel("attacker pass rate (%)")
    ax.set_ylabel("genuine pass rate (%)")
    ax.set_title("Genuine vs attacker pass rate as the mean-score threshold moves")
    ax.set_xlim(-2, 102)
    ax.set_ylim(-2, 102)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
