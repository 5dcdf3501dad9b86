"""The trade-off plot is readable where it matters: one colour and marker per attacker level, an
attacker axis scaled to the data, Wilson bars and threshold labels."""

from __future__ import annotations

from pathlib import Path

from evals.plot import LINEAR_UP_TO, draw_tradeoff, plot_tradeoff
from evals.sweep import SweepPoint

N = 1000


def point(threshold: float, genuine: int, **allowed: int) -> SweepPoint:
    counts = {"genuine": (genuine, N), **{lvl: (a, N) for lvl, a in allowed.items()}}
    return SweepPoint(
        threshold=threshold,
        genuine=genuine / N,
        attackers={lvl: a / N for lvl, a in allowed.items()},
        counts=counts,
    )


LOW = [
    point(t / 10, 990 - 30 * t, osint=max(0, 8 - 2 * t), colleague=max(0, 30 - 6 * t), stuffer=3)
    for t in range(6)
]
HIGH = [point(t / 10, 990 - 30 * t, osint=0, colleague=600 - 100 * t) for t in range(6)]
SUMMARY = {
    "default": {
        "genuine_pass_rate": 0.96,
        "attacker_pass_rate": {"osint": 0.0, "colleague": 0.004, "stuffer": 0.003},
    }
}


def curves_of(fig):
    ax = fig.axes[0]
    return ax, [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]


def test_one_colour_and_marker_per_level() -> None:
    _, bars = curves_of(draw_tradeoff({"default": LOW}, SUMMARY))
    lines = [b.lines[0] for b in bars]
    assert len(lines) == 3  # colleague, osint, stuffer
    assert len({line.get_color() for line in lines}) == 3
    assert len({line.get_marker() for line in lines}) == 3
    labels = {line.get_label() for line in bars}
    assert labels == {"default: colleague", "default: osint", "default: stuffer"}


def test_every_point_has_wilson_bars() -> None:
    _, bars = curves_of(draw_tradeoff({"default": LOW}, SUMMARY))
    for container in bars:
        xbars, ybars = container.lines[2]
        assert len(xbars.get_segments()) == len(LOW) == len(ybars.get_segments())
        # a level allowed 0 of 1000 still has an upper bound: the bar is not empty
        widths = [abs(seg[1][0] - seg[0][0]) for seg in xbars.get_segments()]
        assert all(w > 0 for w in widths)


def test_attacker_axis_is_scaled_to_low_data() -> None:
    ax, _ = curves_of(draw_tradeoff({"default": LOW}, SUMMARY))
    high = ax.get_xlim()[1]
    assert ax.get_xscale() == "linear"
    assert high < LINEAR_UP_TO  # 3% at most, upper bounds ~4%: not a 0-100% axis
    assert high > 3.0


def test_attacker_axis_turns_symlog_when_a_level_passes_often() -> None:
    ax, _ = curves_of(draw_tradeoff({"default": HIGH}, SUMMARY))
    assert ax.get_xscale() == "symlog"
    assert ax.get_xlim()[1] <= 100.0


def test_points_are_labelled_with_their_threshold() -> None:
    ax, _ = curves_of(draw_tradeoff({"default": LOW}, SUMMARY))
    texts = {t.get_text() for t in ax.texts}
    assert {"0.00", "0.20", "0.40"} <= texts


def test_plot_writes_a_png(tmp_path: Path) -> None:
    path = plot_tradeoff({"default": LOW}, SUMMARY, tmp_path / "t.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
