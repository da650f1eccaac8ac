#!/usr/bin/python3
"""Times PyTorch / torchvision on the layers convjit-bench measures.

convjit-bench runs this as a subprocess (after its own measurements, so the
two never share the cores) and reads the JSON it prints on stdout:

    {"version": "torch 1.13.0, torchvision 0.14.1, BLAS OpenBLAS", "threads": 1,
     "layers": [{"contiguous": {"ms": 1.23, "spread": 0.02, "runs": 80},
                 "channels_last": {"na": "1-D has no channels_last"}}, ...]}

A layer entry holds {"ms", "spread", "runs"}, or {"na": why} when torch has
no such operator, or {"error": why} when it failed. Without torch the whole
result is {"error": why}.

Timing follows convjit-bench: warm-up, then R rounds in which each variant
(NCHW-contiguous, channels_last) runs a batch of at least min_runs runs and
min_time_ms; a batch gives its per-run median, a variant the median over the
rounds. Weights are created once (in the variant's memory format); each timed
call is the functional op on the activations, plus F.pad for asymmetric
padding and a cropping slice for asymmetric transposed padding, which torch's
ops cannot express, and an in-place ReLU when the layer has one.
"""

import argparse
import json
import os
import statistics
import sys
import time


def fail(message):
    json.dump({"error": message}, sys.stdout)
    sys.stdout.write("\n")
    sys.exit(0)


try:
    import torch
    import torch.nn.functional as F
except Exception as error:  # torch missing or broken: n/a, not a crash
    fail("torch not importable: %s" % error)

try:
    import torchvision
    import torchvision.ops
except Exception:
    torchvision = None


def spatial_pad(lo, hi):
    """F.pad's argument: last dimension first, (front, back) each."""
    pad = []
    for front, back in reversed(list(zip(lo, hi))):
        pad += [front, back]
    return pad


class Layer:
    """One layer's torch call, its tensors built once per memory format."""

    def __init__(self, desc, channels_last, generator):
        self.desc = desc
        self.op = desc["op"]
        self.rank = len(desc["in"])
        self.symmetric = desc["pad_lo"] == desc["pad_hi"]
        self.memory_format = None
        if channels_last:
            if self.rank == 1:
                raise NotAvailable("1-D has no channels_last format")
            self.memory_format = (torch.channels_last if self.rank == 2
                                  else torch.channels_last_3d)
        n, ic = desc["n"], desc["ic"]
        self.x = self.arrange(torch.rand([n, ic] + desc["in"],
                                         generator=generator) * 2 - 1)
        self.weight = None
        self.bias = None
        if self.op in ("conv", "conv_transpose", "deform_conv"):
            groups, oc = desc["groups"], desc["oc"]
            if self.op == "conv_transpose":
                shape = [ic, oc // groups] + desc["k"]
            else:
                shape = [oc, ic // groups] + desc["k"]
            self.weight = self.arrange(torch.rand(shape, generator=generator) - 0.5)
            if desc["bias"]:
                self.bias = torch.rand([oc], generator=generator) - 0.5
        if self.op == "deform_conv":
            if torchvision is None:
                raise NotAvailable("torchvision not importable")
            self.setup_deform(generator)
        self.call = self.build()

    def arrange(self, tensor):
        if self.memory_format is None or tensor.dim() < 3:
            return tensor.contiguous()
        return tensor.contiguous(memory_format=self.memory_format)

    def padded(self, x, value=0.0):
        if self.symmetric:
            return x
        return F.pad(x, spatial_pad(self.desc["pad_lo"], self.desc["pad_hi"]),
                     value=value)

    def padding(self):
        return self.desc["pad_lo"] if self.symmetric else [0] * self.rank

    def setup_deform(self, generator):
        d = self.desc
        out = []
        for size, k, s, dil, lo, hi in zip(d["in"], d["k"], d["stride"],
                                            d["dilation"], d["pad_lo"],
                                            d["pad_hi"]):
            out.append((size + lo + hi - dil * (k - 1) - 1) // s + 1)
        taps = 1
        for k in d["k"]:
            taps *= k
        extent = max(dil * (k - 1) + 1 for k, dil in zip(d["k"], d["dilation"]))
        offset = (torch.rand([d["n"], 2 * d["dg"] * taps] + out,
                             generator=generator) * 2 - 1) * extent
        self.offset = self.arrange(offset)
        self.mask = None
        if d["mask"]:
            self.mask = self.arrange(
                torch.rand([d["n"], d["dg"] * taps] + out, generator=generator))

    def build(self):
        d = self.desc
        op = self.op
        conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[self.rank]
        if op == "conv":
            def call():
                return conv(self.padded(self.x), self.weight, self.bias,
                            stride=d["stride"], padding=self.padding(),
                            dilation=d["dilation"], groups=d["groups"])
        elif op == "conv_transpose":
            transposed = {1: F.conv_transpose1d, 2: F.conv_transpose2d,
                          3: F.conv_transpose3d}[self.rank]
            crop = None
            if not self.symmetric:
                crop = (d["pad_lo"], d["pad_hi"])

            def call():
                y = transposed(self.x, self.weight, self.bias,
                               stride=d["stride"], padding=self.padding(),
                               output_padding=d["output_padding"],
                               groups=d["groups"], dilation=d["dilation"])
                if crop is not None:
                    index = [slice(None), slice(None)]
                    for lo, hi, size in zip(crop[0], crop[1], y.shape[2:]):
                        index.append(slice(lo, size - hi))
                    y = y[tuple(index)]
                return y
        elif op == "deform_conv":
            def call():
                return torchvision.ops.deform_conv2d(
                    self.padded(self.x), self.offset, self.weight, self.bias,
                    stride=d["stride"], padding=self.padding(),
                    dilation=d["dilation"], mask=self.mask)
        elif op == "max_pool":
            pool = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[self.rank]

            def call():
                return pool(self.padded(self.x, float("-inf")), d["k"],
                            stride=d["stride"], padding=self.padding(),
                            dilation=d["dilation"])
        elif op == "avg_pool":
            pool = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[self.rank]

            def call():
                return pool(self.padded(self.x), d["k"], stride=d["stride"],
                            padding=self.padding(), count_include_pad=True)
        elif op == "channel_shuffle":
            def call():
                return torch.channel_shuffle(self.x, d["groups"])
        else:
            raise NotAvailable("unknown op " + op)
        if d["relu"]:
            inner = call

            def call():
                return inner().relu_()
        return call


class NotAvailable(Exception):
    pass


def run_batch(call, min_time_ms, min_runs):
    times = []
    total = 0.0
    while len(times) < min_runs or total < min_time_ms:
        start = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - start) * 1e3
        times.append(elapsed)
        total += elapsed
    return times


def time_layer(desc, request):
    """Both memory formats of one layer, interleaved round by round."""
    generator = torch.Generator().manual_seed(request["seed"])
    variants = {}
    results = {}
    for name, channels_last in (("contiguous", False), ("channels_last", True)):
        try:
            variants[name] = Layer(desc, channels_last, generator).call
        except NotAvailable as why:
            results[name] = {"na": str(why)}
        except Exception as error:
            results[name] = {"error": "%s: %s" % (type(error).__name__, error)}
    rounds = {name: [] for name in variants}
    runs = {name: 0 for name in variants}
    min_time, min_runs = request["min_time_ms"], request["min_runs"]
    with torch.inference_mode():
        batches = [(min_time / 5, 3)] + [(min_time, min_runs)] * request["rounds"]
        for round_index, (batch_time, batch_runs) in enumerate(batches):
            for name, call in list(variants.items()):
                try:
                    batch = run_batch(call, batch_time, batch_runs)
                except Exception as error:
                    results[name] = {"error": "%s: %s" % (type(error).__name__,
                                                          error)}
                    del variants[name]
                    continue
                if round_index > 0:  # round 0 is the warm-up
                    runs[name] += len(batch)
                    rounds[name].append(statistics.median(batch))
    for name in variants:
        middle = statistics.median(rounds[name])
        spread = (max(rounds[name]) - min(rounds[name])) / middle if middle else 0
        results[name] = {"ms": middle, "spread": spread, "runs": runs[name]}
    return results


def blas_library():
    """The BLAS torch's GEMM-based convolutions (1x1, transposed, 3-D, 1-D
    without oneDNN/mkldnn) run on: Debian's torch links the generic
    libblas.so.3, which the alternatives system points at OpenBLAS or at the
    much slower netlib reference BLAS, whichever is installed."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure it is loaded
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower()
                     and line.split()[-1].startswith("/")}
    except OSError:
        return "BLAS unknown"
    real = sorted({os.path.realpath(path) for path in paths})
    if any("openblas" in path for path in real):
        return "BLAS OpenBLAS"
    if any(path.endswith("/blas/libblas.so.3") or "libblas.so" in path
           for path in real):
        return "BLAS netlib reference (slow GEMM path)"
    return "BLAS " + (", ".join(os.path.basename(p) for p in real) or "unknown")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--request", required=True,
                        help="JSON: threads, rounds, min_time_ms, min_runs, "
                             "seed, layers")
    args = parser.parse_args()
    with open(args.request) as f:
        request = json.load(f)
    torch.set_num_threads(request["threads"])
    version = "torch " + torch.__version__
    if torchvision is not None:
        version += ", torchvision " + torchvision.__version__
    version += ", " + blas_library()
    layers = []
    for index, desc in enumerate(request["layers"]):
        print("torch_peer: layer %d/%d %s" % (index + 1, len(request["layers"]),
                                             desc["op"]), file=sys.stderr)
        layers.append(time_layer(desc, request))
    json.dump({"version": version, "threads": torch.get_num_threads(),
               "layers": layers}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
