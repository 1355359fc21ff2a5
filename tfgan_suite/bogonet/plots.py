"""PNG plots of a BogoNet summary (matplotlib, Agg backend: no display needed)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tfgan_suite.bogonet import summary as summary_lib  # noqa: E402


def plot_scores(records, objectives, path, metric="score"):
    """Box plot of each objective's finished-run scores with every run as a dot (lower is better);
    the number of failed runs is written above each box."""
    objectives = list(objectives)
    records = summary_lib.comparable(records)  # a harness error is no result of its objective
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    fig, ax = plt.subplots(figsize=(1.6 + 1.4 * len(objectives), 4.2))
    data = [[r["score"] for r in records if r["objective"] == name
             and not summary_lib.is_failed(r)] for name in objectives]
    positions = np.arange(1, len(objectives) + 1)
    non_empty = [i for i, d in enumerate(data) if d]
    if non_empty:
        ax.boxplot([data[i] for i in non_empty], positions=positions[non_empty], widths=0.5,
                   showfliers=False, medianprops={"color": "black"})
    for i, values in enumerate(data):
        ax.scatter(positions[i] + rng.uniform(-0.15, 0.15, len(values)), values, s=14,
                   alpha=0.7, zorder=3)
    ax.set_xticks(positions, objectives)
    finished = [v for d in data for v in d]
    top = max(finished, default=1.0)
    log = bool(finished) and min(finished) > 0 and top / min(finished) > 20  # wide range: log axis
    for i, name in enumerate(objectives):
        rows = [r for r in records if r["objective"] == name]
        failed = sum(summary_lib.is_failed(r) for r in rows)
        ax.annotate(f"{failed}/{len(rows)} failed", (positions[i], 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 4),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8,
                    color="firebrick" if failed else "dimgray")
    ax.set_ylabel(f"{metric} (lower is better)" + (", log scale" if log else ""))
    if log:
        ax.set_yscale("log")
        ax.set_ylim(min(finished) / 1.3, top * 1.3)
    else:
        ax.set_ylim(bottom=0, top=top * 1.08 if top > 0 else 1.0)
    ax.set_title(f"BogoNet: {metric} per objective", pad=18)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_win_matrix(summary, path):
    """Heatmap of ``W[row][column]`` = fraction of architectures where the row beats the column."""
    objectives = summary["objectives"]
    size = len(objectives)
    values = np.array([[np.nan if v is None else v for v in row] for row in summary["win_matrix"]],
                      dtype=float).reshape(size, size)
    fig, ax = plt.subplots(figsize=(1.8 + 1.1 * size, 1.4 + 1.0 * size))
    image = ax.imshow(values, cmap="RdYlGn", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(size), objectives, rotation=30, ha="right")
    ax.set_yticks(range(size), objectives)
    ax.set_xlabel("column (loses)")
    ax.set_ylabel("row (wins)")
    for i in range(size):
        for j in range(size):
            text = "-" if np.isnan(values[i, j]) else f"{values[i, j]:.2f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="win fraction")
    ax.set_title("row beats column")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
