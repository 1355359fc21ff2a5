"""PNG plots of a reproduction suite's results document (matplotlib, Agg backend)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tfgan_suite.reproduce.report import scored_runs  # noqa: E402


def plot_fid_curves(document, path):
    """FID against discriminator updates, one line per finished run (a colour per objective, a
    marker per seed), each objective's published FID (the peer's best) as a dotted line of its
    colour. Returns ``path``, or ``None`` (nothing written) when no finished run was scored at points
    (``report.scored_runs``)."""
    runs = scored_runs(document)
    if not runs:
        return None
    order = list(dict.fromkeys(r["objective"] for r in runs))  # runs come in the table's row order
    colours = {o: plt.get_cmap("tab10")(i % 10) for i, o in enumerate(order)}
    published = {a["objective"]: a["fid"] for a in document.get("anchors", ())
                 if a.get("objective") in colours}
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    markers = "osD^v"
    for run in runs:
        points = [(c["critic_updates"], c["fid"]) for c in run["checkpoints"]
                  if c["fid"] is not None]
        ax.plot([u for u, _ in points], [f for _, f in points], color=colours[run["objective"]],
                marker=markers[run["seed"] % len(markers)],
                label=f"{run['objective']} seed {run['seed']}")
    for objective, fid in published.items():
        ax.axhline(fid, color=colours[objective], linestyle=":", linewidth=1.2,
                   label=f"{objective}: published {fid:g}")
    values = [c["fid"] for r in runs for c in r["checkpoints"] if c["fid"] is not None]
    log = min(values) > 0 and max(values) / min(values) > 20  # a run far off: log axis
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("discriminator updates")
    ax.set_ylabel("FID (lower is better)" + (", log scale" if log else ""))
    ax.set_title(f"{document['suite']}: FID at each scored point")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
