"""Prints kiln_reader's epoch orders and rank shares for cases read from stdin, as JSON.

Used by the Java test EpochOrderTest, which computes the same with EpochOrder and compares: the
input is a JSON list of ``[size, seed, epoch]`` and the output one object per case with the
whole order (``order``, by ``at``; ``take``, vectorized) and, for world sizes 1 to 5, each rank's
positions from the start of the epoch and from its middle.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln_reader  # noqa: E402


def shares(size, start):
    out = {}
    for world in range(1, 6):
        out[str(world)] = [
            [kiln_reader.rank_position(size, start, r, world, i)
             for i in range(kiln_reader.rank_share(size, start, r, world))]
            for r in range(world)]
    return out


def main():
    out = []
    for size, seed, epoch in json.load(sys.stdin):
        order = kiln_reader.epoch_order(size, seed, epoch)
        out.append({"order": list(order), "take": order.take(range(size)),
                    "shares": shares(size, 0), "shares_from_middle": shares(size, size // 2)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
