"""Read benchmarks of kiln_reader, standard library only.

    python3 formats/python/bench_reader.py DIR [--rounds N] [--epochs N]

reads the whole dataset in epoch order in one process and one thread, checksums verified, from
the page cache (a first pass fills it), and prints samples/s with and without verification
(median of the rounds). ``kiln bench-read DIR --ranks P --threads T`` uses the ``rank`` mode to
run P such processes of T threads each, as the ranks of one epoch, from a cold cache:

    python3 formats/python/bench_reader.py rank DIR --rank R --world P --threads T --seed S

opens the dataset, prints ``ready``, waits for a line on stdin, reads its rank's share of the epoch
with T threads and prints one JSON line: samples, record bytes, seconds. Each read is what Java's
side of the benchmark does, ``ds.read_record(i)`` (one pread, checksum verified); with ``--decode``
it is ``ds[i]``, the record decoded to the sample dict as well.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln_reader  # noqa: E402


def rank_positions(n, rank, world, seed, epoch):
    order = kiln_reader.EpochOrder(n, seed, epoch)
    count = kiln_reader.rank_share(n, 0, rank, world)
    return order.take(kiln_reader.rank_position(n, 0, rank, world, i) for i in range(count))


def read_all(ds, samples, threads, decode=True):
    """Reads ``ds[i]`` (or, without ``decode``, ``ds.read_record(i)``) for every i of ``samples``
    from ``threads`` threads; (bytes read, seconds)."""
    it = iter(samples)  # shared: next() on a list iterator is atomic under the GIL
    totals = []
    errors = []

    def work():
        total = 0
        try:
            for i in it:
                total += len(ds[i]["image"]) if decode else len(ds.read_record(i))
        except Exception as e:  # noqa: BLE001 - reported by the caller
            errors.append(e)
        totals.append(total)

    start = time.perf_counter()
    if threads == 1:
        work()
    else:
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    return sum(totals), seconds


def rank_main(args):
    ds = kiln_reader.KilnDataset(args.dataset)
    samples = rank_positions(len(ds), args.rank, args.world, args.seed, args.epoch)
    print("ready", flush=True)
    if not sys.stdin.readline():
        return
    nbytes, seconds = read_all(ds, samples, args.threads, args.decode)
    print(json.dumps({"rank": args.rank, "samples": len(samples), "bytes": nbytes,
                      "seconds": seconds}), flush=True)


def warm_main(args):
    ds = kiln_reader.KilnDataset(args.dataset)
    n = len(ds)
    read_all(ds, range(n), 1)  # fills the page cache
    rates = {True: [], False: []}
    for r in range(args.rounds):
        for verify in (True, False):
            ds.verify = verify
            samples = kiln_reader.EpochOrder(n, args.seed, r).take(range(n))
            _, seconds = read_all(ds, samples, 1)
            rates[verify].append(n / seconds)
    ds.verify = True
    print("kiln_reader %s: %d samples (format version %d, %s), one process, one thread, page "
          "cache, epoch order" % (ds.path, n, ds.version, ds.checksum_name))
    for verify in (True, False):
        r = rates[verify]
        print("  %-22s %8.0f samples/s (median of %d; range %.0f-%.0f)" % (
            "checksums verified" if verify else "verify=False", statistics.median(r), len(r),
            min(r), max(r)))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "rank":
        p = argparse.ArgumentParser(prog="bench_reader.py rank")
        p.add_argument("mode")
        p.add_argument("dataset")
        p.add_argument("--rank", type=int, required=True)
        p.add_argument("--world", type=int, required=True)
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--epoch", type=int, default=0)
        p.add_argument("--decode", action="store_true")
        rank_main(p.parse_args())
    else:
        p = argparse.ArgumentParser(prog="bench_reader.py")
        p.add_argument("dataset")
        p.add_argument("--rounds", type=int, default=5)
        p.add_argument("--seed", type=int, default=0)
        warm_main(p.parse_args())


if __name__ == "__main__":
    main()
