#!/usr/bin/python3
"""Writes the end-to-end cases of test/CLI/torch-e2e.test: for each layer a
directory holding what a user would hand `convjit run`, and torch's answer.

  gen_npy_e2e.py <out dir>

Each <out dir>/<case>/ gets
  spec.txt      the layer in convjit's spec grammar (`convjit run` reads it)
  input.npy     weight.npy  bias.npy  offset.npy  mask.npy   (those it has)
  expected.npy  the output of torch / torchvision
  case.json     the spec and the reduction length (compare_npy.py --case)
in PyTorch's layouts: activations in the case's layout, weights as torch
stores them. The tensors and torch's computation are those of
gen_reference_cases.py (the interpreter's oracle), so both suites read the
semantics from one place. Run with a Python that has torch and torchvision
(Debian: /usr/bin/python3).
"""

import json
import os
import shutil
import sys
import zlib

import torch

from gen_reference_cases import Case as C
from gen_reference_cases import compute, save, to_layout


def cases():
    """Every op family, with the parameters that change the generated code:
    rank 1-3, stride, dilation, asymmetric padding, groups, depthwise,
    pointwise, output_padding, DCNv1/v2, both layouts, bias and ReLU."""
    return [
        C("conv2d_bias_relu", "conv", 3, (12, 10), oc=8, k=3, pad=1,
          bias=True, relu=True),
        C("conv1d_stride_dilation", "conv", 4, (20,), n=2, oc=6, k=3,
          stride=2, dilation=2, pad=2, bias=True),
        C("conv3d", "conv", 2, (5, 6, 7), oc=4, k=3, pad=1),
        C("conv2d_asym_pad_stride", "conv", 4, (11, 9), oc=5, k=(3, 2),
          stride=2, pad=((0, 1), (1, 0))),
        C("conv2d_grouped_nhwc", "conv", 8, (9, 9), oc=12, k=3, pad=1,
          groups=4, bias=True, layout="nhwc"),
        C("conv2d_depthwise", "conv", 8, (10, 10), oc=8, k=3, stride=2,
          pad=1, groups=8, bias=True, relu=True),
        C("conv2d_pointwise", "conv", 16, (7, 7), oc=8, k=1, bias=True),
        C("conv_transpose2d_groups", "conv_transpose", 6, (5, 6), oc=4, k=3,
          stride=2, pad=1, output_padding=1, groups=2, bias=True),
        C("conv_transpose1d_nwc", "conv_transpose", 4, (9,), oc=3, k=4,
          stride=2, pad=1, layout="nhwc"),
        C("deform_v1", "deform_conv", 4, (8, 9), oc=6, k=3, pad=1),
        C("deform_v2_dg2_mask_bias", "deform_conv", 4, (8, 9), oc=6, k=3,
          pad=1, dg=2, mask=True, bias=True),
        C("max_pool2d", "max_pool", 4, (9, 9), k=3, stride=2, pad=1),
        C("avg_pool3d_ndhwc", "avg_pool", 3, (6, 6, 6), k=2,
          layout="nhwc"),
        C("channel_shuffle", "channel_shuffle", 12, (5, 5), groups=3),
    ]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_npy_e2e.py <out dir>")
    out = sys.argv[1]
    torch.set_num_threads(1)  # one summation order, run to run
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for case in cases():
        torch.manual_seed(zlib.crc32(case.name.encode()))
        tensors = compute(case)
        folder = os.path.join(out, case.name)
        os.makedirs(folder)
        for name, tensor in tensors.items():
            save(os.path.join(folder, name + ".npy"),
                 to_layout(case, name, tensor))
        with open(os.path.join(folder, "spec.txt"), "w") as f:
            f.write(case.spec_line() + "\n")
        with open(os.path.join(folder, "case.json"), "w") as f:
            json.dump({"spec": case.spec_line(),
                       "reduction": case.reduction_length()}, f)
            f.write("\n")
    print("wrote %d cases to %s" % (len(cases()), out))


if __name__ == "__main__":
    main()
