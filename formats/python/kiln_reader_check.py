"""Reads a whole Kiln dataset with kiln_reader and prints a JSON summary on stdout.

Used by the Java test KilnPythonReaderTest: Java writes a dataset, runs
``python3 formats/python/kiln_reader_check.py <dir>``, and compares this summary with what it
wrote. Per sample it reports either the decoded fields (image as length + SHA-256) or the error
raised while reading it, so a corrupted record shows up as exactly one failed entry.
"""

import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln_reader  # noqa: E402


def summarize(sample):
    return {
        "key": sample["key"],
        "image_len": len(sample["image"]),
        "image_sha256": hashlib.sha256(sample["image"]).hexdigest(),
        "encoding": sample["encoding"],
        "width": sample["width"],
        "height": sample["height"],
        "channels": sample["channels"],
        "labels": sample["labels"],
        "boxes": [[b["x0"], b["y0"], b["x1"], b["y1"], b["label"], b["category_id"]]
                  for b in sample["boxes"]],
        "source": sample["source"],
        "content_hash": sample["content_hash"],
    }


def fork_check(ds):
    """A forked child (like a DataLoader worker) must open its own descriptors and read fine."""
    if not hasattr(os, "fork") or len(ds) == 0:
        return True
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        ok = False
        try:
            ok = ds.key(len(ds) - 1) == ds[len(ds) - 1]["key"] and ds._pid == os.getpid()
        except Exception:  # noqa: BLE001 - report any failure as "not ok"
            ok = False
        os.write(w, b"1" if ok else b"0")
        os._exit(0)
    os.close(w)
    answer = os.read(r, 1)
    os.close(r)
    os.waitpid(pid, 0)
    return answer == b"1"


def main():
    path = sys.argv[1]
    ds = kiln_reader.KilnDataset(path)
    out = {"count": len(ds), "keys": ds.keys(), "align": ds.align, "version": ds.version,
           "crc_selftest": kiln_reader.crc32c(b"123456789") == 0xE3069283
           and kiln_reader._crc32c_py(b"123456789") == 0xE3069283
           and kiln_reader.crc32(b"123456789") == 0xCBF43926,
           "samples": []}
    for i in range(len(ds)):
        try:
            s = ds[i]
            entry = summarize(s)
            entry["ok"] = True
            entry["by_key_ok"] = ds.get(s["key"]) == s
        except kiln_reader.CorruptRecordError as e:
            entry = {"ok": False, "key": e.key, "index": e.index, "error": str(e)}
        out["samples"].append(entry)
    try:
        ds.get("\u0000no such key")
        out["missing_key_raises"] = False
    except KeyError:
        out["missing_key_raises"] = True
    out["iter_count"] = sum(1 for _ in ds) if all(e["ok"] for e in out["samples"]) else None
    out["fork_ok"] = fork_check(ds)
    ds.close()
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
