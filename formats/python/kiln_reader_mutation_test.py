"""Mutation test of kiln_reader: damaged datasets raise only KilnError, never hang, stay small.

Usage: python3 kiln_reader_mutation_test.py DATASET_DIR [--cases N] [--seed S]

Standard library only. Each case copies DATASET_DIR (a small valid Kiln dataset: index.kidx and
.kiln shards), damages one file, and reads it the ways a user does: the directory (through the
index), the shard alone (through its footer), every sample by position, by key and by iteration,
with and without CRC checks. Damage is random byte flips, truncation, appended garbage, or a length
or count field set to an extreme value; in half the cases the checksums are recomputed afterwards
("resealed"), so the damage gets past the CRC32Cs to the parsing behind them. A case passes when
reading succeeds or raises a KilnError subclass; any other exception fails, as does a case that
takes longer than --timeout seconds or allocates more than --max-mb MiB (address-space limit).
Prints one line per failure (the case, its damage and the exception) and exits 1 if there was one.
"""

import argparse
import os
import random
import resource
import shutil
import signal
import struct
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln_reader  # noqa: E402

EXTREMES = [0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
            1 << 40, (1 << 63) - 1, (1 << 64) - 1]


class Hang(Exception):
    """Raised by the alarm when a case runs longer than its time limit."""


def crc32c(data):
    return kiln_reader.crc32c(bytes(data))


def reseal_shard(d):
    """Recomputes a shard's header, record, footer and trailer CRC32Cs where its fields say."""
    n = len(d)
    if n < 72:
        return
    (hlen,) = struct.unpack_from("<I", d, 12)
    if 32 <= hlen <= n:
        struct.pack_into("<I", d, hlen - 4, crc32c(d[:hlen - 4]))
    t = n - 40
    foff, flen = struct.unpack_from("<QQ", d, t)
    if foff + flen <= t:
        p = foff
        while p + 18 <= foff + flen:
            off, length, _, klen = struct.unpack_from("<QIIH", d, p)
            if off + length <= n:
                struct.pack_into("<I", d, p + 12, crc32c(d[off:off + length]))
            p += 18 + klen
        struct.pack_into("<I", d, t + 24, crc32c(d[foff:foff + flen]))
    struct.pack_into("<I", d, t + 28, crc32c(d[t:t + 28]))


def reseal_index(d):
    """Recomputes the index's closing CRC32C."""
    if len(d) >= 44:
        end = len(d) - 12
        struct.pack_into("<I", d, end, crc32c(d[:end]))


def damage(d, rng):
    """Damages ``d`` (a bytearray) in place; returns a description of what was done."""
    kind = rng.choice(["flip", "flip", "truncate", "append", "field", "field", "field"])
    if kind == "flip" or not d:
        spots = [rng.randrange(max(1, len(d))) for _ in range(rng.randint(1, 8))]
        for p in spots:
            if p < len(d):
                d[p] ^= 1 << rng.randrange(8)
        return "flip bits at %s" % spots
    if kind == "truncate":
        cut = rng.randrange(len(d))
        del d[cut:]
        return "truncate to %d bytes" % cut
    if kind == "append":
        extra = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        d += extra
        return "append %d bytes" % len(extra)
    # A length, count or offset field: the layout's fixed fields, or any aligned spot.
    width = rng.choice([2, 4, 8])
    near_end = rng.random() < 0.4
    p = (len(d) - 40 + rng.randrange(0, 32, width)) if near_end and len(d) >= 40 else rng.randrange(
        0, max(1, len(d) - width))
    value = rng.choice(EXTREMES) & ((1 << (8 * width)) - 1)
    if p + width <= len(d):
        struct.pack_into({2: "<H", 4: "<I", 8: "<Q"}[width], d, p, value)
    return "set %d-byte field at %d to %d" % (width, p, value)


def read_everything(path):
    """Reads ``path`` every way a user does; returns the number of samples read."""
    count = 0
    for verify in (True, False):
        ds = kiln_reader.KilnDataset(path, verify=verify)
        try:
            n = len(ds)
            for i in range(n):
                try:
                    ds[i]
                    count += 1
                except kiln_reader.KilnError:
                    pass  # one damaged record; the others must still read
            for key in ds.keys()[:4]:
                try:
                    ds.get(key)
                except (kiln_reader.KilnError, KeyError):
                    pass  # KeyError: a damaged index may hold a key twice or garbled
            try:
                for _ in ds:
                    pass
            except kiln_reader.KilnError:
                pass
        finally:
            ds.close()
    return count


def run_case(source, work, rng, case, described):
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    files = sorted(f for f in os.listdir(work) if f.endswith(".kiln") or f == "index.kidx")
    target = rng.choice(files)
    path = os.path.join(work, target)
    with open(path, "rb") as f:
        d = bytearray(f.read())
    what = damage(d, rng)
    resealed = rng.random() < 0.5
    if resealed:
        (reseal_index if target == "index.kidx" else reseal_shard)(d)
        what += ", resealed"
    with open(path, "wb") as f:
        f.write(d)
    description = "case %d: %s: %s" % (case, target, what)
    described.append(description)
    targets = [work] + ([path] if target.endswith(".kiln") else [])
    for t in targets:
        try:
            read_everything(t)
        except kiln_reader.KilnError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--max-mb", type=int, default=512)
    args = ap.parse_args()

    kiln_reader.KilnDataset(args.dataset)  # the undamaged dataset must read
    # Bounded memory: past this much more address space, an allocation raises MemoryError.
    with open("/proc/self/statm") as f:
        in_use = int(f.read().split()[0]) * resource.getpagesize()
    limit = in_use + args.max_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def on_alarm(signum, frame):
        raise Hang("no result after %.0f s" % args.timeout)

    signal.signal(signal.SIGALRM, on_alarm)
    rng = random.Random(args.seed)
    failures = 0
    work = tempfile.mkdtemp(prefix="kiln-mutation-")
    try:
        for case in range(args.cases):
            described = ["case %d" % case]
            signal.setitimer(signal.ITIMER_REAL, args.timeout)
            try:
                run_case(args.dataset, os.path.join(work, "ds"), rng, case, described)
            except BaseException as e:  # noqa: BLE001 - every non-KilnError is a finding
                if isinstance(e, KeyboardInterrupt):
                    raise
                failures += 1
                frame = traceback.extract_tb(e.__traceback__)[-1]
                print("FAIL %s: %s: %s (%s:%d)" % (described[-1], type(e).__name__, e,
                                                   os.path.basename(frame.filename), frame.lineno))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d cases, %d failures" % (args.cases, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
