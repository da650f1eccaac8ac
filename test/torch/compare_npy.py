#!/usr/bin/python3
"""Compares a convjit output with an expected .npy file.

  compare_npy.py ACTUAL EXPECTED (--reduction R | --case case.json)

Passes (exit 0) when the shapes match and
  max|actual - expected| <= 8 * FLT_EPSILON * R * max|expected|
where R is the number of terms summed into one output (case.json's
"reduction"). It is the tolerance of `convjit check` (4 * eps * R * max|y|)
doubled, because here both sides are float computations (torch's and the
JIT's), not one float and one double. Prints one line either way.
"""

import argparse
import json
import sys

import numpy as np

EPSILON = float(np.finfo(np.float32).eps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("actual")
    parser.add_argument("expected")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--reduction", type=int)
    which.add_argument("--case", help="case.json giving the reduction")
    args = parser.parse_args()

    reduction = args.reduction
    if args.case:
        with open(args.case) as f:
            reduction = json.load(f)["reduction"]
    actual = np.load(args.actual)
    expected = np.load(args.expected)
    name = args.actual
    if actual.dtype != np.float32:
        print("%s: FAIL: dtype %s, expected float32" % (name, actual.dtype))
        return 1
    if actual.shape != expected.shape:
        print("%s: FAIL: shape %s, expected %s" % (name, actual.shape,
                                                   expected.shape))
        return 1
    same_nan = np.isnan(actual) == np.isnan(expected)
    if not same_nan.all():
        print("%s: FAIL: NaN where the expected output has none (or the "
              "reverse)" % name)
        return 1
    finite = ~np.isnan(expected)
    error = float(np.max(np.abs(actual[finite].astype(np.float64) -
                                expected[finite]), initial=0.0))
    largest = float(np.max(np.abs(expected[finite]), initial=0.0))
    tolerance = 8 * EPSILON * reduction * largest
    verdict = "OK" if error <= tolerance else "FAIL"
    print("%s: %s: max abs error %.3g, tolerance %.3g (R=%d, max|y|=%.3g)" %
          (name, verdict, error, tolerance, reduction, largest))
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
