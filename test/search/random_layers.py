#!/usr/bin/python3
"""Random search for layers the JIT gets wrong: draws layers from the whole
spec grammar (every op, 1-D to 3-D, odd sizes and channel counts, groups,
depthwise multipliers, asymmetric padding, deformable offset groups and
masks, bias/ReLU, both layouts), keeps those `convjit info` accepts, and
runs `convjit check` on each at the given thread counts.

  random_layers.py [--convjit bin/convjit] [--seed S] [--count N]
                   [--large] [--knobs] [--threads 1,2] [--save layers.txt]

Prints every layer whose check fails (wrong result, compile error, crash or
timeout) with its output, then a summary; exit status 1 if any failed.
The unit tests' sweep (test/unit/JitDifferentialTest.cpp) is the fixed
sample CI runs; this is the wider net a developer casts after a change to
the schedules (layers it finds go into the unit tests' lists). `--large`
draws bigger planes and channel counts (slower: ~0.1 s per layer).
`--knobs` checks each layer under random schedule knobs (`convjit check
--tuning`), as `convjit tune` may set them, instead of the default schedule.
"""

import argparse
import os
import random
import subprocess
import sys


def dims(rng, rank, lo, hi):
    return "x".join(str(rng.randint(lo, hi)) for _ in range(rank))


def padding(rng, rank):
    if rng.random() < 0.3:
        return dims(rng, rank, 0, 3) + ":" + dims(rng, rank, 0, 3)
    return dims(rng, rank, 0, 3)


def layer(rng, large):
    op = rng.choice(["conv"] * 6 + ["conv_transpose"] * 2 +
                    ["deform_conv", "max_pool", "avg_pool", "channel_shuffle"])
    rank = 2 if op == "deform_conv" else rng.choice([1, 2, 2, 2, 3])
    n = rng.choice([1, 1, 1, 2, 3])
    layout = rng.choice(["nchw", "nhwc"])
    if rank == 1:
        size = str(rng.randint(1, 300))
    else:
        size = dims(rng, rank, 1, (60 if large else 20) if rank == 2 else
                    (14 if large else 7))
    k, stride, dilation = (dims(rng, rank, 1, 5), dims(rng, rank, 1, 3),
                           dims(rng, rank, 1, 3))
    if op == "channel_shuffle":
        groups = rng.choice([2, 3, 4, 8])
        return (f"channel_shuffle n={n} ic={groups * rng.randint(1, 12)} "
                f"in={size} groups={groups} layout={layout}" +
                rng.choice(["", "", " relu"]))
    if op in ("max_pool", "avg_pool"):
        if op == "avg_pool":
            dilation = "1"
        pad = "x".join(str(rng.randint(0, int(w) // 2)) for w in k.split("x"))
        return (f"{op} n={n} ic={rng.randint(1, 70)} in={size} k={k} "
                f"stride={stride} dilation={dilation} pad={pad} "
                f"layout={layout}")
    groups = rng.choice([1, 1, 1, 2, 3, 4, 8, 16, 32, "dw", "dw"])
    if groups == "dw":
        # Half of them whole 16-channel blocks: at nchw those change layout
        # a block at a time.
        ic = rng.choice([rng.randint(1, 200 if large else 100),
                         16 * rng.randint(2, 12 if large else 6)])
        groups, oc = ic, ic * rng.choice([1, 1, 2])
    else:
        ic = groups * rng.randint(1, 64 if large else 24)
        oc = groups * rng.randint(1, 100 if large else 40)
    pad = padding(rng, rank)
    if rng.random() < 0.1:  # pointwise
        k = stride = dilation = "1"
        pad = "0"
    spec = (f"{op} n={n} ic={ic} oc={oc} in={size} k={k} stride={stride} "
            f"dilation={dilation} pad={pad} groups={groups}")
    if op == "conv_transpose" and rng.random() < 0.3:
        spec += " output_padding=" + "x".join(
            str(rng.randint(0, max(0, min(int(s), int(d)) - 1)))
            for s, d in zip(stride.split("x"), dilation.split("x")))
    if op == "deform_conv":
        dg = rng.choice([1, 1, 2])
        if ic % dg == 0:
            spec += f" dg={dg}"
        if rng.random() < 0.5:
            spec += " mask"
    spec += rng.choice(["", "", " bias"]) + rng.choice(["", "", " relu"])
    return spec + f" layout={layout}"


def knobs(rng):
    """A random subset of the knobs `convjit tune` varies, each drawn from
    the values a tuner (or a user) might give it."""
    choices = {
        "tile-width": lambda: rng.randint(1, 16),
        "tile-vectors": lambda: rng.randint(1, 4),
        "tile-rows": lambda: rng.randint(1, 4),
        "ic-step": lambda: rng.choice([1, 2, 3, 4, 8, 16]),
        "blocks-outer": lambda: rng.choice(["on", "off"]),
        "unroll-window": lambda: rng.choice(["on", "off"]),
        "split-columns": lambda: rng.choice(["on", "off"]),
        "flat-channels": lambda: rng.choice(["on", "off"]),
    }
    names = rng.sample(sorted(choices), rng.randint(1, 4))
    return ",".join(f"{name}={choices[name]()}" for name in sorted(names))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convjit", default="bin/convjit")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=200,
                        help="valid layers to check")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--knobs", action="store_true")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--save", help="write the checked layers to this "
                        "new file")
    args = parser.parse_args()
    if args.save and os.path.exists(args.save):
        parser.error(f"--save: '{args.save}' exists; not overwriting it")
    rng = random.Random(args.seed)
    layers, failed = [], 0
    while len(layers) < args.count:
        spec = layer(rng, args.large)
        info = subprocess.run([args.convjit, "info", spec],
                              capture_output=True, text=True)
        if info.returncode == 0:
            layers.append(spec)
        elif "error:" not in info.stderr:  # a rejection must say why
            failed += 1
            print(f"NO DIAGNOSTIC (exit {info.returncode}): {spec}\n"
                  f"{info.stderr}")
    if args.save:
        with open(args.save, "w") as out:
            out.write("\n".join(layers) + "\n")
    for threads in args.threads.split(","):
        for index, spec in enumerate(layers):
            command = [args.convjit, "check", f"--threads={threads}", spec]
            if args.knobs:
                command.insert(2, "--tuning=" + knobs(rng))
            try:
                run = subprocess.run(command, capture_output=True, text=True,
                                     timeout=args.timeout)
                ok, output = run.returncode == 0, run.stdout + run.stderr
            except subprocess.TimeoutExpired:
                ok, output = False, f"timeout after {args.timeout} s"
            if not ok:
                failed += 1
                print(f"FAIL [{index}] {' '.join(command[2:-1])}: {spec}\n"
                      f"{output.strip()}\n")
            print(f"\r{threads} thread(s): {index + 1}/{len(layers)}",
                  end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    runs = len(layers) * len(args.threads.split(","))
    print(f"{failed} failures in {runs} checks of {len(layers)} layers "
          f"(seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
