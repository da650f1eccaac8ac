#!/usr/bin/python3
"""Writes the table of PyTorch-computed cases the reference interpreter is
checked against (test/unit/ReferenceTest.cpp).

Each case is a directory holding
  case.json     the spec text line, and every ConvSpec field spelled out
                (so the test needs no spec parser), and the reduction length
  input.npy     weight.npy  bias.npy  offset.npy  mask.npy   (those it has)
  expected.npy  the output computed by torch / torchvision
Activations are stored in the case's layout (nhwc = channels last); weights
always in PyTorch's layout.

The directory also gets npy-samples/ (files written by numpy itself, for
NpyTest) and, written last, manifest.json listing the cases: a run that dies
half-way leaves no manifest and the tests refuse the directory.

Run with a Python that has torch and torchvision (Debian: /usr/bin/python3):
  gen_reference_cases.py --out <dir>
"""

import argparse
import json
import math
import os
import shutil
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

OPS = ("conv", "conv_transpose", "deform_conv", "max_pool", "avg_pool",
       "channel_shuffle")


class Case:
    """One layer: the fields of ConvSpec, plus how to draw deform offsets."""

    def __init__(self, name, op, ic, in_, n=1, oc=None, k=None, stride=None,
                 dilation=None, pad=0, output_padding=0, groups=1, dg=1,
                 mask=False, bias=False, relu=False, layout="nchw",
                 offsets="random"):
        assert op in OPS, op
        rank = len(in_)
        assert 1 <= rank <= 3

        def vec(value, fill):
            if value is None:
                value = fill
            if isinstance(value, int):
                value = (value,) * rank
            assert len(value) == rank, (name, value)
            return tuple(value)

        self.name, self.op, self.n, self.ic = name, op, n, ic
        self.oc = ic if oc is None else oc
        self.in_ = tuple(in_)
        self.k = vec(k, 1)
        # Pooling's stride defaults to its window, as in PyTorch.
        self.stride = vec(stride, self.k if op in ("max_pool", "avg_pool")
                          else 1)
        self.dilation = vec(dilation, 1)
        if isinstance(pad, tuple) and len(pad) == 2 and \
                isinstance(pad[0], tuple):
            self.pad_lo, self.pad_hi = vec(pad[0], 0), vec(pad[1], 0)
        else:
            self.pad_lo = self.pad_hi = vec(pad, 0)
        self.output_padding = vec(output_padding, 0)
        self.groups, self.dg = groups, dg
        self.mask, self.bias, self.relu = mask, bias, relu
        self.layout, self.offsets = layout, offsets

    @property
    def rank(self):
        return len(self.in_)

    @property
    def weighted(self):
        return self.op in ("conv", "conv_transpose", "deform_conv")

    def out_spatial(self):
        out = []
        for i in range(self.rank):
            if self.op == "channel_shuffle":
                out.append(self.in_[i])
            elif self.op == "conv_transpose":
                out.append((self.in_[i] - 1) * self.stride[i] -
                           self.pad_lo[i] - self.pad_hi[i] +
                           self.dilation[i] * (self.k[i] - 1) +
                           self.output_padding[i] + 1)
            else:
                span = (self.in_[i] + self.pad_lo[i] + self.pad_hi[i] -
                        self.dilation[i] * (self.k[i] - 1) - 1)
                out.append(span // self.stride[i] + 1)
        return out

    def reduction_length(self):
        """Terms summed into one output: scales the test's tolerance."""
        if self.weighted:
            return self.ic // self.groups * math.prod(self.k)
        if self.op in ("max_pool", "avg_pool"):
            return math.prod(self.k)
        return 1

    def spec_line(self):
        """The convjit spec grammar: `<op> key=value ... [flags]`."""
        def dims(v):
            return "x".join(str(d) for d in v)

        words = [self.op, "n=%d" % self.n, "ic=%d" % self.ic]
        if self.weighted:
            words.append("oc=%d" % self.oc)
        words.append("in=" + dims(self.in_))
        if self.op != "channel_shuffle":
            words += ["k=" + dims(self.k), "stride=" + dims(self.stride),
                      "dilation=" + dims(self.dilation)]
            if self.pad_lo == self.pad_hi:
                words.append("pad=" + dims(self.pad_lo))
            else:
                words.append("pad=%s:%s" % (dims(self.pad_lo),
                                            dims(self.pad_hi)))
        if self.op == "conv_transpose":
            words.append("output_padding=" + dims(self.output_padding))
        if self.weighted or self.op == "channel_shuffle":
            words.append("groups=%d" % self.groups)
        if self.op == "deform_conv":
            words.append("dg=%d" % self.dg)
        words.append("layout=" + self.layout)
        for flag in ("mask", "bias", "relu"):
            if getattr(self, flag):
                words.append(flag)
        return " ".join(words)

    def spec_json(self):
        return {
            "op": self.op, "n": self.n, "ic": self.ic, "oc": self.oc,
            "in": list(self.in_), "kernel": list(self.k),
            "stride": list(self.stride), "dilation": list(self.dilation),
            "padLo": list(self.pad_lo), "padHi": list(self.pad_hi),
            "outputPadding": list(self.output_padding),
            "groups": self.groups if (self.weighted or
                                      self.op == "channel_shuffle") else 1,
            "deformGroups": self.dg, "mask": self.mask, "bias": self.bias,
            "relu": self.relu, "layout": self.layout,
        }


def torch_pad(lo, hi):
    """F.pad's argument: (lo, hi) pairs starting from the last dimension."""
    pads = []
    for l, h in zip(reversed(lo), reversed(hi)):
        pads += [l, h]
    return pads


def uniform(shape, lo=-1.0, hi=1.0):
    return torch.rand(shape, dtype=torch.float32) * (hi - lo) + lo


def draw_offsets(case, shape):
    """Deform offsets. 'grid' draws integers and halves so many samples land
    exactly on pixels, on the -1 / size-1 / size borders and just outside;
    'far' throws most samples well outside the image."""
    if case.offsets == "zero":
        return torch.zeros(shape)
    if case.offsets == "grid":
        values = torch.tensor([-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.25, 0.5,
                               1.0, 1.5, 2.0, 3.0])
        return values[torch.randint(len(values), shape)]
    if case.offsets == "far":
        reach = float(max(case.in_) + 2)
        return uniform(shape, -reach, reach)
    assert case.offsets == "random"
    return uniform(shape, -2.0, 2.0)


def compute(case):
    """Draws the case's tensors and computes the output with torch, all in
    channels-first layout."""
    r = case.rank
    x = uniform((case.n, case.ic) + case.in_)
    tensors = {"input": x}
    symmetric = case.pad_lo == case.pad_hi
    conv_fns = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
    conv_t_fns = {1: F.conv_transpose1d, 2: F.conv_transpose2d,
                  3: F.conv_transpose3d}

    weight = bias = None
    if case.weighted:
        if case.op == "conv_transpose":
            wshape = (case.ic, case.oc // case.groups) + case.k
        else:
            wshape = (case.oc, case.ic // case.groups) + case.k
        # Keeps outputs near unit size whatever the reduction length.
        weight = uniform(wshape) / math.sqrt(case.reduction_length())
        tensors["weight"] = weight
        if case.bias:
            bias = uniform((case.oc,))
            tensors["bias"] = bias

    if case.op == "conv":
        if symmetric:
            y = conv_fns[r](x, weight, bias, case.stride, case.pad_lo,
                            case.dilation, case.groups)
        else:
            y = conv_fns[r](F.pad(x, torch_pad(case.pad_lo, case.pad_hi)),
                            weight, bias, case.stride, 0, case.dilation,
                            case.groups)
    elif case.op == "conv_transpose":
        if symmetric:
            y = conv_t_fns[r](x, weight, bias, case.stride, case.pad_lo,
                              case.output_padding, case.groups,
                              case.dilation)
        else:
            # Asymmetric padding crops the full (padding 0) output.
            full = conv_t_fns[r](x, weight, bias, case.stride, 0,
                                 case.output_padding, case.groups,
                                 case.dilation)
            index = [slice(None), slice(None)]
            for d in range(r):
                index.append(slice(case.pad_lo[d],
                                   full.shape[2 + d] - case.pad_hi[d]))
            y = full[tuple(index)]
    elif case.op == "deform_conv":
        out = case.out_spatial()
        taps = math.prod(case.k)
        offset = draw_offsets(case, (case.n, 2 * case.dg * taps) +
                              tuple(out))
        tensors["offset"] = offset
        mask = None
        if case.mask:
            mask = uniform((case.n, case.dg * taps) + tuple(out), 0.0, 1.0)
            tensors["mask"] = mask
        # torchvision pads symmetrically. Extra zero rows/columns after the
        # image give exactly the same samples as sampling beyond the border
        # (both read 0), so padHi > padLo is padding the input's far side.
        assert all(h >= l for l, h in zip(case.pad_lo, case.pad_hi)), \
            case.name
        xin = x
        if not symmetric:
            extra = [h - l for l, h in zip(case.pad_lo, case.pad_hi)]
            xin = F.pad(x, torch_pad([0] * r, extra))
        y = torchvision.ops.deform_conv2d(xin, offset, weight, bias,
                                          case.stride, case.pad_lo,
                                          case.dilation, mask)
        if case.offsets == "zero" and mask is None and symmetric:
            # With no offsets torchvision must agree with a plain conv.
            plain = F.conv2d(x, weight, bias, case.stride, case.pad_lo,
                             case.dilation, case.groups)
            assert torch.allclose(y, plain, atol=1e-5), case.name
    elif case.op == "max_pool":
        fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[r]
        if symmetric:
            y = fn(x, case.k, case.stride, case.pad_lo, case.dilation)
        else:
            y = fn(F.pad(x, torch_pad(case.pad_lo, case.pad_hi),
                         value=-math.inf), case.k, case.stride, 0,
                   case.dilation)
    elif case.op == "avg_pool":
        assert case.dilation == (1,) * r, "torch's avg_pool has no dilation"
        fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[r]
        if symmetric:
            y = fn(x, case.k, case.stride, case.pad_lo, ceil_mode=False,
                   count_include_pad=True)
        else:
            # Zero padding counted in the divisor: count_include_pad.
            y = fn(F.pad(x, torch_pad(case.pad_lo, case.pad_hi)), case.k,
                   case.stride, 0, ceil_mode=False, count_include_pad=True)
    else:
        g = case.groups
        y = x.reshape((case.n, g, case.ic // g) + case.in_).transpose(1, 2) \
             .reshape(x.shape)
        # The definition and torch's own op must agree.
        assert torch.equal(y, torch.nn.ChannelShuffle(g)(x)), case.name

    if case.relu:
        y = F.relu(y)
    assert list(y.shape[2:]) == case.out_spatial(), \
        (case.name, y.shape, case.out_spatial())
    tensors["expected"] = y
    return tensors


def to_layout(case, name, tensor):
    if case.layout == "nchw" or name in ("weight", "bias"):
        return tensor
    r = tensor.dim() - 2
    return tensor.permute([0] + list(range(2, 2 + r)) + [1])


def save(path, tensor):
    array = np.ascontiguousarray(tensor.detach().numpy(), dtype="<f4")
    np.save(path, array)


def cases():
    C = Case
    grid = "grid"
    table = [
        # conv 2-D
        C("conv2d_basic", "conv", 3, (7, 9), oc=4, k=3, pad=1),
        C("conv2d_bias_relu_batch2", "conv", 4, (7, 9), n=2, oc=6, k=3,
          pad=1, bias=True, relu=True),
        C("conv2d_stride2", "conv", 3, (9, 7), oc=5, k=3, stride=2, pad=1,
          bias=True),
        C("conv2d_dilation_stride", "conv", 4, (11, 10), oc=4, k=3, stride=2,
          dilation=2, pad=2),
        C("conv2d_asym_pad", "conv", 3, (7, 9), oc=4, k=(3, 2),
          pad=((0, 1), (1, 2)), bias=True),
        C("conv2d_asym_pad_stride_dilation", "conv", 2, (10, 11), oc=3,
          k=3, stride=(2, 3), dilation=(1, 2), pad=((2, 0), (0, 1))),
        C("conv2d_groups3", "conv", 6, (6, 7), oc=9, k=3, pad=1, groups=3,
          bias=True),
        C("conv2d_depthwise", "conv", 5, (7, 6), oc=5, k=3, pad=1, groups=5,
          bias=True),
        C("conv2d_depthwise_multiplier2", "conv", 4, (9, 8), oc=8, k=3,
          stride=2, pad=1, groups=4, bias=True, relu=True),
        C("conv2d_pointwise", "conv", 8, (5, 6), oc=6, k=1, bias=True),
        C("conv2d_rect_kernel", "conv", 3, (8, 9), oc=2, k=(1, 5),
          pad=(0, 2)),
        C("conv2d_kernel5_nopad", "conv", 2, (9, 9), oc=3, k=5),
        C("conv2d_kernel_covers_input", "conv", 3, (5, 4), oc=2, k=(5, 4),
          bias=True),
        C("conv2d_stride_exceeds_kernel", "conv", 2, (10, 11), oc=3, k=2,
          stride=3),
        C("conv2d_pad_exceeds_kernel", "conv", 2, (4, 5), oc=2, k=2, pad=3,
          bias=True),
        C("conv2d_batch3_relu", "conv", 3, (6, 5), n=3, oc=4, k=3, pad=1,
          relu=True),
        C("conv2d_nhwc_basic", "conv", 3, (7, 9), oc=4, k=3, pad=1,
          layout="nhwc"),
        C("conv2d_nhwc_groups_asym", "conv", 4, (7, 8), n=2, oc=6, k=3,
          stride=(1, 2), pad=((1, 0), (2, 1)), groups=2, bias=True,
          relu=True, layout="nhwc"),
        C("conv2d_nhwc_depthwise_dilation", "conv", 6, (9, 10), oc=6, k=3,
          dilation=2, pad=2, groups=6, bias=True, layout="nhwc"),
        C("conv2d_nhwc_multiplier3_stride2", "conv", 2, (8, 7), oc=6, k=3,
          stride=2, groups=2, layout="nhwc"),
        # conv 1-D
        C("conv1d_basic", "conv", 3, (11,), n=2, oc=4, k=3, pad=1,
          bias=True),
        C("conv1d_stride_dilation_asym", "conv", 2, (13,), oc=3, k=3,
          stride=2, dilation=3, pad=((2,), (1,))),
        C("conv1d_nwc_groups_relu", "conv", 4, (9,), oc=6, k=3, pad=1,
          groups=2, relu=True, layout="nhwc"),
        C("conv1d_depthwise_multiplier", "conv", 3, (10,), oc=6, k=5, pad=2,
          groups=3, bias=True),
        # conv 3-D
        C("conv3d_basic", "conv", 2, (5, 6, 7), oc=3, k=3, pad=1, bias=True),
        C("conv3d_stride_dilation_asym", "conv", 2, (7, 6, 5), oc=2,
          k=(3, 2, 3), stride=(2, 1, 2), dilation=(1, 2, 1),
          pad=((1, 0, 1), (0, 1, 2))),
        C("conv3d_ndhwc_groups_relu", "conv", 4, (4, 5, 6), oc=4, k=3, pad=1,
          groups=2, relu=True, layout="nhwc"),
        C("conv3d_depthwise_batch2", "conv", 3, (5, 4, 5), n=2, oc=3, k=3,
          stride=2, pad=1, groups=3, bias=True),
        # conv_transpose 2-D
        C("convT2d_basic", "conv_transpose", 3, (5, 6), oc=4, k=3),
        C("convT2d_stride2_pad1_outpad1", "conv_transpose", 4, (4, 5), oc=3,
          k=3, stride=2, pad=1, output_padding=1, bias=True),
        C("convT2d_groups2", "conv_transpose", 6, (4, 4), oc=4, k=3,
          stride=2, pad=1, output_padding=(0, 1), groups=2, bias=True,
          relu=True),
        C("convT2d_dilation_stride", "conv_transpose", 2, (5, 4), oc=3, k=3,
          stride=2, dilation=2, pad=1, output_padding=1),
        C("convT2d_asym_pad", "conv_transpose", 3, (4, 5), oc=2, k=3,
          stride=2, pad=((0, 1), (2, 0)), output_padding=(1, 0), bias=True),
        C("convT2d_depthwise_upsample", "conv_transpose", 4, (4, 5), oc=4,
          k=4, stride=2, pad=1, groups=4),
        C("convT2d_depthwise_multiplier", "conv_transpose", 3, (5, 4), oc=6,
          k=3, stride=1, pad=1, groups=3, bias=True),
        C("convT2d_stride3_gaps", "conv_transpose", 2, (3, 4), oc=2, k=2,
          stride=3, output_padding=2, bias=True),
        C("convT2d_batch2_rect", "conv_transpose", 3, (4, 3), n=2, oc=4,
          k=(2, 3), stride=(1, 2), output_padding=(0, 1)),
        C("convT2d_nhwc", "conv_transpose", 3, (5, 5), oc=4, k=3, stride=2,
          pad=1, output_padding=1, bias=True, relu=True, layout="nhwc"),
        C("convT2d_nhwc_groups_asym_dilation", "conv_transpose", 4, (4, 6),
          n=2, oc=6, k=(3, 2), stride=(2, 1), dilation=(1, 3),
          pad=((2, 0), (1, 3)), output_padding=(1, 0), groups=2, bias=True,
          layout="nhwc"),
        # conv_transpose 1-D / 3-D
        C("convT1d_basic", "conv_transpose", 3, (7,), oc=2, k=4, stride=2,
          pad=1, bias=True),
        C("convT1d_groups_dilation_asym", "conv_transpose", 4, (6,), oc=6,
          k=3, stride=3, dilation=2, pad=((1,), (2,)), output_padding=2,
          groups=2),
        C("convT1d_nwc_relu", "conv_transpose", 2, (8,), n=2, oc=3, k=3,
          stride=2, output_padding=1, relu=True, layout="nhwc"),
        C("convT3d_basic", "conv_transpose", 2, (3, 4, 3), oc=3, k=3,
          stride=2, pad=1, output_padding=1, bias=True),
        C("convT3d_ndhwc_groups_asym", "conv_transpose", 4, (3, 3, 4), oc=2,
          k=(2, 3, 2), stride=(1, 2, 2), dilation=(2, 1, 1),
          pad=((0, 1, 0), (1, 0, 1)), output_padding=(0, 1, 1), groups=2,
          bias=True, layout="nhwc"),
        # deform_conv
        C("deform_v1_basic", "deform_conv", 3, (7, 9), oc=4, k=3, pad=1),
        C("deform_v2_mask_bias", "deform_conv", 3, (7, 9), oc=4, k=3, pad=1,
          mask=True, bias=True),
        C("deform_zero_offsets_equals_conv", "deform_conv", 3, (6, 7), oc=2,
          k=3, pad=1, bias=True, offsets="zero"),
        C("deform_dg2_grid", "deform_conv", 4, (6, 7), oc=6, k=3, pad=1,
          dg=2, mask=True, offsets=grid),
        C("deform_dg_equals_ic", "deform_conv", 3, (5, 6), oc=2, k=3, pad=1,
          dg=3),
        C("deform_groups2_dg2", "deform_conv", 4, (6, 6), oc=6, k=3, pad=1,
          groups=2, dg=2, mask=True, bias=True, relu=True),
        C("deform_groups2_dg4", "deform_conv", 8, (5, 5), oc=4, k=3, pad=1,
          groups=2, dg=4, offsets=grid),
        C("deform_depthwise", "deform_conv", 4, (6, 5), oc=4, k=3, pad=1,
          groups=4, dg=2, mask=True),
        C("deform_stride_dilation", "deform_conv", 3, (11, 10), oc=4, k=3,
          stride=2, dilation=2, pad=2, mask=True),
        C("deform_far_offsets", "deform_conv", 3, (6, 7), n=2, oc=3, k=3,
          pad=1, mask=True, offsets="far"),
        C("deform_grid_border_nopad", "deform_conv", 2, (5, 6), oc=3, k=3,
          offsets=grid),
        C("deform_asym_pad_grid", "deform_conv", 3, (7, 8), oc=2, k=3,
          pad=((0, 1), (1, 2)), mask=True, offsets=grid),
        C("deform_rect_kernel_stride", "deform_conv", 2, (7, 9), oc=3,
          k=(1, 3), stride=(1, 2), pad=(0, 1), dg=2, bias=True),
        C("deform_pointwise", "deform_conv", 3, (5, 6), oc=4, k=1,
          mask=True),
        C("deform_nhwc_dg2_mask", "deform_conv", 4, (6, 7), oc=4, k=3, pad=1,
          dg=2, mask=True, bias=True, relu=True, layout="nhwc"),
        C("deform_nhwc_batch2_v1_grid", "deform_conv", 2, (5, 6), n=2, oc=3,
          k=3, pad=1, offsets=grid, layout="nhwc"),
        C("deform_nhwc_groups_far", "deform_conv", 4, (5, 5), oc=2, k=2,
          groups=2, dg=4, mask=True, offsets="far", layout="nhwc"),
        # max_pool
        C("maxpool2d_k2s2", "max_pool", 3, (8, 8), k=2, stride=2),
        C("maxpool2d_k3s2p1", "max_pool", 3, (7, 9), n=2, k=3, stride=2,
          pad=1),
        C("maxpool2d_dilation", "max_pool", 2, (9, 8), k=3, stride=1,
          dilation=2, pad=1),
        C("maxpool2d_asym_pad", "max_pool", 2, (7, 8), k=3, stride=2,
          pad=((0, 1), (1, 0))),
        C("maxpool2d_rect_stride", "max_pool", 2, (9, 10), k=(2, 3),
          stride=(2, 1), pad=(1, 1)),
        C("maxpool2d_nhwc_relu", "max_pool", 4, (7, 7), k=3, stride=2,
          pad=1, relu=True, layout="nhwc"),
        C("maxpool1d_dilation", "max_pool", 3, (11,), k=3, stride=2, pad=1,
          dilation=2),
        C("maxpool1d_nwc_asym", "max_pool", 2, (10,), n=2, k=3, stride=2,
          pad=((0,), (1,)), layout="nhwc"),
        C("maxpool3d", "max_pool", 2, (5, 6, 7), k=(2, 3, 2),
          stride=(2, 1, 2), pad=(1, 1, 0)),
        C("maxpool3d_ndhwc_dilation", "max_pool", 3, (6, 6, 5), k=2,
          stride=2, dilation=(2, 1, 2), pad=(1, 0, 1), layout="nhwc"),
        # avg_pool
        C("avgpool2d_k2s2", "avg_pool", 3, (8, 8), k=2, stride=2),
        C("avgpool2d_k3s2p1", "avg_pool", 3, (7, 9), n=2, k=3, stride=2,
          pad=1),
        C("avgpool2d_k3s1p1", "avg_pool", 2, (5, 6), k=3, stride=1, pad=1),
        C("avgpool2d_asym_pad", "avg_pool", 2, (7, 8), k=3, stride=2,
          pad=((1, 0), (0, 1))),
        C("avgpool2d_rect", "avg_pool", 2, (9, 7), k=(3, 2), stride=(2, 1),
          pad=(1, 0)),
        C("avgpool2d_nhwc_relu", "avg_pool", 4, (7, 7), k=3, stride=2, pad=1,
          relu=True, layout="nhwc"),
        C("avgpool1d", "avg_pool", 3, (10,), k=3, stride=2, pad=1),
        C("avgpool1d_nwc_asym", "avg_pool", 2, (9,), n=2, k=4, stride=3,
          pad=((2,), (0,)), layout="nhwc"),
        C("avgpool3d", "avg_pool", 2, (4, 5, 6), k=(2, 3, 3),
          stride=(2, 2, 1), pad=1),
        C("avgpool3d_ndhwc_asym", "avg_pool", 2, (5, 4, 6), k=2, stride=2,
          pad=((1, 0, 1), (0, 1, 0)), layout="nhwc"),
        # channel_shuffle
        C("shuffle2d_g3_batch2", "channel_shuffle", 12, (5, 7), n=2,
          groups=3),
        C("shuffle2d_nhwc_g4", "channel_shuffle", 8, (3, 4), groups=4,
          layout="nhwc"),
        C("shuffle1d_g2_relu", "channel_shuffle", 6, (9,), groups=2,
          relu=True),
        C("shuffle3d_ndhwc_g3", "channel_shuffle", 6, (3, 4, 2), groups=3,
          layout="nhwc"),
        C("shuffle2d_g1_identity", "channel_shuffle", 4, (3, 3), groups=1),
        C("shuffle2d_g_equals_c", "channel_shuffle", 5, (2, 3), groups=5),
    ]
    names = [c.name for c in table]
    assert len(names) == len(set(names)), "duplicate case names"
    return table


def write_npy_samples(out):
    """Files written by numpy itself; NpyTest checks the reader and the
    writer against them. The array is arange(6).reshape(2, 3) / 4."""
    folder = os.path.join(out, "npy-samples")
    os.makedirs(folder)
    a = (np.arange(6, dtype="<f4") / 4).reshape(2, 3)
    np.save(os.path.join(folder, "v1.npy"), a)
    for version in ((2, 0), (3, 0)):
        name = "v%d.npy" % version[0]
        with open(os.path.join(folder, name), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    np.save(os.path.join(folder, "scalar.npy"), np.float32(2.5))
    np.save(os.path.join(folder, "empty.npy"), np.zeros((0, 3), "<f4"))
    np.save(os.path.join(folder, "float64.npy"), a.astype("<f8"))
    np.save(os.path.join(folder, "bigendian.npy"), a.astype(">f4"))
    np.save(os.path.join(folder, "fortran.npy"), np.asfortranarray(a))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args()

    torch.set_num_threads(1)  # one summation order, run to run
    manifest = os.path.join(args.out, "manifest.json")
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    table = cases()
    for case in table:
        torch.manual_seed(zlib.crc32(case.name.encode()))
        tensors = compute(case)
        folder = os.path.join(args.out, case.name)
        os.makedirs(folder)
        for name, tensor in tensors.items():
            save(os.path.join(folder, name + ".npy"),
                 to_layout(case, name, tensor))
        fields = [("name", case.name), ("spec", case.spec_line()),
                  ("reduction", case.reduction_length()),
                  ("convspec", case.spec_json())]
        with open(os.path.join(folder, "case.json"), "w") as f:
            # One field per line, each value on one line: easy to read.
            f.write("{\n" + ",\n".join(" %s: %s" % (json.dumps(k),
                                                     json.dumps(v))
                                         for k, v in fields) + "\n}\n")
    write_npy_samples(args.out)

    with open(manifest, "w") as f:
        json.dump({"torch": torch.__version__,
                   "torchvision": torchvision.__version__,
                   "cases": [c.name for c in table]}, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(table), args.out))


if __name__ == "__main__":
    sys.exit(main())
