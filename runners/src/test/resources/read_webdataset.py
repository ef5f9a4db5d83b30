"""Reads a Kiln WebDataset output with Python's tarfile, as stock loaders do, and prints one
JSON line per sample: key, image member, image size in bytes, JPEG/PNG magic, metadata key."""
import glob, json, os, sys, tarfile

def main(dataset):
    samples = {}
    for shard in sorted(glob.glob(os.path.join(dataset, "*.tar"))):
        with tarfile.open(shard) as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    raise SystemExit("unexpected non-file member %s" % member.name)
                # WebDataset splits a member name at the first dot of its base name.
                base = os.path.basename(member.name)
                key = os.path.join(os.path.dirname(member.name), base.split(".", 1)[0])
                ext = base.split(".", 1)[1]
                samples.setdefault(key, {})[ext] = tar.extractfile(member).read()
    for key in sorted(samples):
        parts = samples[key]
        image_ext = [e for e in parts if e != "json"]
        meta = json.loads(parts["json"].decode("utf-8"))
        image = parts[image_ext[0]] if image_ext else b""
        print(json.dumps({
            "key": key,
            "exts": sorted(parts),
            "image_bytes": len(image),
            "jpeg": image[:3] == b"\xff\xd8\xff",
            "meta_key": meta["key"],
            "width": meta["width"],
            "height": meta["height"],
        }))

if __name__ == "__main__":
    main(sys.argv[1])
