#!/usr/bin/python3
"""Helpers of bench-nightly.sh: the benchmark's inputs, and what a nightly run wrote.

  nightly_tool.py list CORPUS                       image files under CORPUS, sorted, one a line
  nightly_tool.py link CORPUS DEST LIST FROM TO [DIR]
        hard-links LIST's lines FROM..TO-1 from CORPUS into DEST (under DIR/ with '/' -> '_'
        when DIR is given: new keys, same content); copies where a link is impossible
  nightly_tool.py unlink DEST LIST FROM TO          removes LIST's lines FROM..TO-1 from DEST
  nightly_tool.py writes OLD NEW [READER_DIR]
        what version NEW added to OLD's: bytes of NEW's files that are not OLD's (by inode),
        by kind, and the record bytes of the samples in NEW's shards that are not OLD's (the
        new and changed samples)
"""
import os, shutil, sys

IMAGE = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")


def listing(corpus):
    out = []
    for d, _, files in os.walk(corpus):
        for f in files:
            if f.lower().endswith(IMAGE):
                out.append(os.path.relpath(os.path.join(d, f), corpus))
    return sorted(out)


def lines(path, start, end):
    with open(path) as f:
        names = f.read().split("\n")[:-1]
    if end > len(names):
        sys.exit("the corpus has %d images, %d needed" % (len(names), end))
    return names[start:end]


def link(corpus, dest, names, prefix):
    for n in names:
        target = os.path.join(dest, prefix, n.replace("/", "_")) if prefix else os.path.join(dest, n)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(os.path.join(corpus, n), target)
        except OSError:
            shutil.copy2(os.path.join(corpus, n), target)


def writes(old, new, reader_dir):
    old_inodes = {os.stat(os.path.join(old, f)).st_ino for f in os.listdir(old)}
    by_kind = {}
    for f in sorted(os.listdir(new)):
        p = os.path.join(new, f)
        if os.path.isdir(p):
            for d, _, files in os.walk(p):
                for g in files:
                    by_kind["other"] = by_kind.get("other", 0) + os.path.getsize(os.path.join(d, g))
            continue
        st = os.stat(p)
        if st.st_ino in old_inodes:
            continue
        kind = "shards" if f.endswith(".kiln") else f
        by_kind[kind] = by_kind.get(kind, 0) + st.st_size
    sys.path.insert(0, reader_dir)
    from kiln_reader import KilnDataset
    with KilnDataset(old, verify=False) as a, KilnDataset(new, verify=False) as b:
        # The new and changed samples are those NEW keeps in shard files OLD lacks.
        fresh = [os.stat(os.path.join(new, s["name"])).st_ino not in old_inodes for s in b.shards]
        changed = [i for i in range(len(b)) if fresh[b.shard_of(i)]]
        changed_bytes = sum(b._lengths[i] for i in changed)
        gone = len(set(a.keys()) - set(b.keys()))
    total = sum(by_kind.values())
    print("written_bytes %d" % total)
    print("written_by_file %s" % ", ".join("%s %d" % kv for kv in sorted(by_kind.items())))
    print("changed_samples %d (record bytes %d); samples gone %d" % (len(changed), changed_bytes, gone))
    print("written_over_changed %.2f" % (total / changed_bytes if changed_bytes else float("inf")))


def main(a):
    if a[0] == "list":
        print("\n".join(listing(a[1])))
    elif a[0] == "link":
        link(a[1], a[2], lines(a[3], int(a[4]), int(a[5])), a[6] if len(a) > 6 else "")
    elif a[0] == "unlink":
        for n in lines(a[2], int(a[3]), int(a[4])):
            os.remove(os.path.join(a[1], n))
    elif a[0] == "writes":
        writes(a[1], a[2], a[3] if len(a) > 3 else os.path.join(os.path.dirname(__file__), "../../formats/python"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:] or ["help"])
