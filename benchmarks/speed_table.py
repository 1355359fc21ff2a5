"""Markdown tables for the README's "Speed" section, from the JSON the speed benchmarks write.

    python benchmarks/train_step_speed.py --rounds 3 --steps 10 --json benchmarks/results/train_step_speed.json
    python benchmarks/sgan_speed.py --reps 20 --json benchmarks/results/sgan_speed.json
    python benchmarks/roofline.py --threads 1 --cli --json benchmarks/results/roofline.json
    python benchmarks/speed_table.py benchmarks/results/train_step_speed.json benchmarks/results/sgan_speed.json benchmarks/results/roofline.json

Each table is followed by the command that measured it and the machine's load average (1 minute)
before and after, so a reader can tell a quiet measurement from a loaded one.
"""
import argparse
import json
import os
import sys

def run_record(benchmark, **fields):
    """What every speed benchmark's JSON holds besides its figures: the benchmark, the command
    (without ``--json``), the core count and the load average (1, 5, 15 min) now; pass the load
    taken at the start as ``load_average_before``."""
    argv, kept = sys.argv[1:], []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--json":
            skip = True
        elif not arg.startswith("--json="):
            kept.append(arg)
    command = " ".join(["python", "benchmarks/" + os.path.basename(sys.argv[0])] + kept)
    return {"benchmark": benchmark, "command": command, "cpu_count": os.cpu_count(),
            "load_average_after": list(os.getloadavg()), **fields}


LABELS = {"GAN via fit": "`GAN` through `fit`",
          "GAN.train_step direct": "`GAN.train_step` in a bare `tf.function`",
          "minimal loop": "minimal hand-written loop"}


def _load_note(record):
    before, after = record["load_average_before"][0], record["load_average_after"][0]
    return (f"`{record['command']}`; load average {before:.1f} before, {after:.1f} after, on "
            f"{record['cpu_count']} cores")


def train_step_table(record):
    lines = ["| | steps/s | vs minimal loop |", "| --- | --- | --- |"]
    for row in record["rows"]:
        ratio = f"{row['vs_minimal']:.3f}"
        if row["name"] == "GAN via fit":
            ratio = f"**{ratio}** (target >= 0.95)"
        lines.append(f"| {LABELS.get(row['name'], row['name'])} | {row['steps_per_s']:.2f} | {ratio} |")
    return "\n".join(lines + ["", _load_note(record)])


def sgan_table(record):
    n = record["num_pairs"]
    lines = [f"| model | {n + 1} GAN steps (s) | SGAN step (s) | ratio | SGAN, sync_every=1 (s) | ratio |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in record["rows"]:
        lines.append(f"| `{row['model']}` | {row['gan_steps_s']:.4f} | {row['sgan_step_s']:.4f} | "
                     f"{row['ratio']:.3f} | {row['sgan_sync1_s']:.4f} | {row['ratio_sync1']:.3f} |")
    return "\n".join(lines + ["", _load_note(record)])


PATH_LABELS = {"plain": "plain", "plain_spe": "plain, 10 steps/call", "xla": "XLA",
               "xla_spe": "XLA, 10 steps/call"}


def roofline_table(record):
    """Per architecture / objective: FLOPs per step and, per execution path, steps per CPU-second
    with the fraction of the matmul rate (the load-robust figure), then the default CLI run."""
    paths = list(dict.fromkeys(row["path"] for row in record["rows"]))
    lines = [f"{record['cpu']}, TensorFlow {record['tensorflow']}, "
             f"{record['threads'] or 'default'} intra-op thread(s): float32 2048x2048 matmul "
             f"{record['matmul_gflops_cpu']:.0f} GFLOP per CPU-second "
             f"({record['matmul_gflops']:.0f} GFLOP/s wall)."]
    if paths:
        lines += ["Cells: train steps per CPU-second (fraction of that matmul rate); wall-clock "
                  "steps/s in brackets.", "",
                  "| model | objective | GFLOP/step | "
                  + " | ".join(PATH_LABELS[p] for p in paths) + " |",
                  "| --- | --- | --- |" + " --- |" * len(paths)]
    groups = {}
    for row in record["rows"]:
        groups.setdefault((row["model"], row["loss"], row["family"]), {})[row["path"]] = row
    for (model, loss, family), by_path in groups.items():
        cells = []
        for path in paths:
            row = by_path.get(path)
            cells.append("" if row is None else (
                f"{row['steps_per_cpu_s']:.2f} ({row['fraction_of_matmul_cpu']:.0%}) "
                f"[{row['steps_per_s']:.2f}]"))
        first = next(iter(by_path.values()))
        lines.append(f"| `{model}` | {loss} ({family}) | {first['gflop_per_step']:.2f} | "
                     + " | ".join(cells) + " |")
    if record.get("cli"):
        lines += ["", "The default command-line run (`python -m tfgan_suite.run`: DCGAN-28, "
                      "bundled MNIST, its callbacks), the path of before issue 21 against today's "
                      "default:", "",
                  "| path | XLA | steps per call | steps/CPU-s | ratio | steps/s (wall) | ratio |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in record["cli"]:
            lines.append(f"| {row['name']} | {row['jit_compile']} | {row['steps_per_execution']} "
                         f"| {row['steps_per_cpu_s']:.2f} | {row['vs_before_cpu']:.2f} | "
                         f"{row['steps_per_s']:.2f} | {row['vs_before_wall']:.2f} |")
    command = record.get("cli_command")
    if command:
        lines += ["", f"The whole default command (`{command['command']}`, {command['steps']} "
                      f"steps: start, tracing, training, grids, checkpoints, export), each in its "
                      f"own process, the code of before issue 21 against this code (medians of "
                      f"{len(command['rows'][0]['runs'])} run(s) each):", "",
                  "| code | XLA | steps per call | CPU-s | speed-up | wall s | speed-up |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in command["rows"]:
            run = row["runs"][0]
            lines.append(f"| {row['name']} | {run['jit_compile']} | {run['steps_per_execution']} | "
                         f"{row['cpu_s']:.1f} | {row['speedup_cpu']:.2f} | {row['wall_s']:.1f} | "
                         f"{row['speedup_wall']:.2f} |")
    if record.get("inception"):
        lines += ["", "The FID Inception network (299x299 inputs, pool_3 features):", "",
                  "| path | batch | GFLOP/image | images/CPU-s | of matmul | images/s (wall) | "
                  "largest feature difference vs plain |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in record["inception"]:
            lines.append(f"| {PATH_LABELS[row['path']]} | {row['batch_size']} | "
                         f"{row['gflop_per_image']:.2f} | {row['images_per_cpu_s']:.2f} | "
                         f"{row['fraction_of_matmul_cpu']:.0%} | {row['images_per_s']:.2f} | "
                         f"{row['max_abs_feature_difference_vs_plain']:.1e} |")
    return "\n".join(lines + ["", _load_note(record)])


def cli_overhead_table(record):
    """Where the default command's time goes (benchmarks/cli_overhead.py), per phase."""
    lines = [f"`{record['cli_command']}` ({record['steps']} steps, XLA {record['jit_compile']}, "
             f"{record['steps_per_execution']} steps per call), TensorFlow "
             f"{record['tensorflow']}, TensorFlow's default thread count:", "",
             "| phase | CPU-s | of the run's CPU | wall s | calls |", "| --- | --- | --- | --- | --- |"]
    for row in record["rows"]:
        lines.append(f"| {row['phase']} | {row['cpu_s']:.2f} | {row['cpu_fraction']:.1%} | "
                     f"{row['wall_s']:.2f} | {row['calls'] if row['calls'] is not None else ''} |")
    lines.append(f"| total | {record['total_cpu_s']:.2f} | 100.0% | {record['total_wall_s']:.2f} | |")
    return "\n".join(lines + ["", _load_note(record)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="+", help="JSON files written by the speed benchmarks")
    args = parser.parse_args()
    tables = {"train_step_speed": train_step_table, "sgan_speed": sgan_table,
              "roofline": roofline_table, "cli_overhead": cli_overhead_table}
    for path in args.records:
        with open(path) as f:
            record = json.load(f)
        print(tables[record["benchmark"]](record) + "\n")


if __name__ == "__main__":
    main()
