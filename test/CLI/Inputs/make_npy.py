#!/usr/bin/python3
"""Writes a .npy file of seeded values for the CLI tests.

  make_npy.py OUT SHAPE [--seed S] [--dtype f4|f8|f4be|i4] [--fortran]

SHAPE is 'x'-separated (1x3x8x8); values are uniform in [-1, 1). The dtype
names avoid '<' and '>', which a lit RUN line would read as redirections.
"""

import argparse

import numpy as np

DTYPES = {"f4": "<f4", "f8": "<f8", "f4be": ">f4", "i4": "<i4"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("shape")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", default="f4", choices=sorted(DTYPES))
    parser.add_argument("--fortran", action="store_true")
    args = parser.parse_args()

    shape = tuple(int(d) for d in args.shape.split("x"))
    values = np.random.default_rng(args.seed).uniform(-1, 1, shape)
    array = values.astype(DTYPES[args.dtype])
    if args.fortran:
        array = np.asfortranarray(array)
    np.save(args.out, array)


if __name__ == "__main__":
    main()
