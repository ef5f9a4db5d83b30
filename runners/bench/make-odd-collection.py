#!/usr/bin/python3
"""Builds a collection of real-world odd and broken image files for Kiln's bad-input acceptance
run: every PngSuite file (incl. the corrupt x* ones), the odd JPEGs, photographs from the
benchmark corpus re-encoded as BMP, TIFF (several compressions), GIF (still and animated), WebP
(lossy, lossless, alpha), PNG (16-bit, palette, gray+alpha), truncated at several offsets, plus
the rarer formats (SGI, PCX, ICNS, ICO, DDS, JPEG 2000, Radiance HDR) with their truncations,
non-image bytes under image names, decompression bombs, odd file names, and files that are not
inputs (other extensions, hidden files and directories).

Usage: make-odd-collection.py --corpus /tmp/corpus2k --shared ../shared --out /tmp/kiln-odd
Needs python3-pil (Debian). Prints how many files of each kind it wrote.
"""
import argparse, collections, glob, io, os, random, shutil, struct, zlib

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True); ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True); ap.add_argument("--photos", type=int, default=60)
    args = ap.parse_args()
    from PIL import Image
    rng = random.Random(7)
    shutil.rmtree(args.out, ignore_errors=True)
    kinds = collections.Counter()

    def put(rel, data, kind):
        path = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        kinds[kind] += 1

    for p in sorted(glob.glob(os.path.join(args.shared, "data/pngsuite/*.png"))):
        put("pngsuite/" + os.path.basename(p), open(p, "rb").read(), "pngsuite")
    for p in sorted(glob.glob(os.path.join(args.shared, "data/jpeg-odd/*.jpg"))):
        put("jpeg-odd/" + os.path.basename(p), open(p, "rb").read(), "jpeg-odd")

    photos = sorted(glob.glob(os.path.join(args.corpus, "*.jpg")))[: args.photos]
    for i, p in enumerate(photos):
        im = Image.open(p).convert("RGB")
        im.thumbnail((640, 640))
        encodings = {
            "bmp": lambda b: im.save(b, "BMP"),
            "tif": lambda b: im.save(b, "TIFF", compression=["raw", "tiff_lzw", "tiff_deflate", "jpeg"][i % 4]),
            "gif": lambda b: im.convert("P", palette=Image.ADAPTIVE).save(b, "GIF"),
            "webp": lambda b: (im if i % 2 else im.convert("RGBA")).save(b, "WEBP", lossless=bool(i % 3 == 0), quality=80),
            "png": lambda b: (im.convert("L").convert("I") if i % 3 == 0 else im.convert("LA") if i % 3 == 1 else im.quantize(64)).save(b, "PNG"),
            "jpg": lambda b: im.save(b, "JPEG", quality=85, progressive=bool(i % 2)),
        }
        for ext, save in encodings.items():
            buf = io.BytesIO(); save(buf); data = buf.getvalue()
            put("photos/%s/%03d.%s" % (ext, i, ext), data, "photo-" + ext)
            for frac in (0.3, 0.7, 0.95):
                put("truncated/%s/%03d-%02d.%s" % (ext, i, int(frac * 100), ext), data[: int(len(data) * frac)], "truncated-" + ext)
        if i < 8:
            rare = {
                "sgi": lambda b: im.save(b, "SGI"),
                "pcx": lambda b: im.save(b, "PCX"),
                "ico": lambda b: im.save(b, "ICO", sizes=[(64, 64)]),
                "icns": lambda b: im.resize((128, 128)).save(b, "ICNS"),
                "dds": lambda b: im.convert("RGBA").save(b, "DDS"),
                "jp2": lambda b: im.save(b, "JPEG2000", irreversible=bool(i % 2)),
                "hdr": lambda b: b.write(radiance_hdr(im)),
            }
            for ext, save in rare.items():
                buf = io.BytesIO(); save(buf); data = buf.getvalue()
                put("rare/%s/%03d.%s" % (ext, i, ext), data, "rare-" + ext)
                put("truncated/%s/%03d-50.%s" % (ext, i, ext), data[: len(data) // 2], "truncated-" + ext)
        if i < 5:
            frames = [im.rotate(a) for a in (0, 90, 180)]
            buf = io.BytesIO(); frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
            put("animated/%03d.gif" % i, buf.getvalue(), "animated-gif")
    for i in range(20):
        put("noise/%03d.%s" % (i, ["jpg", "png", "webp", "gif"][i % 4]), bytes(rng.randrange(256) for _ in range(2000)), "noise")
    for name, data in {"page.jpg": b"<!DOCTYPE html><html><body>Not found</body></html>",
                       "notes.png": b"plain text, not an image\n",
                       "report.jpg": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                       "archive.webp": b"PK\x03\x04" + bytes(40), "empty.jpg": b""}.items():
        put("not-images/" + name, data, "not-an-image")
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    put("bombs/huge-png.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)), "bomb")
    put("bombs/huge-gif.gif", b"GIF89a\xff\xff\xff\xff\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02L\x01\x00;", "bomb")
    src = photos[0]
    for name in ("with space.jpg", "quote'single.jpg", 'quote"double.jpg', "ünïcødé-日本.jpg"):
        put("names/" + name, open(src, "rb").read(), "odd-name")
    os.symlink("/nonexistent/kiln.jpg", os.path.join(args.out, "names/dangling.jpg")); kinds["dangling-symlink"] += 1
    os.symlink("..", os.path.join(args.out, "names/loop")); kinds["symlink-loop"] += 1
    for name, data in {"README.txt": b"photos from the field trip\n", "labels.csv": b"file,label\n",
                       "Thumbs.db": bytes(64), "scan.pdf": b"%PDF-1.4\n"}.items():
        put("other-files/" + name, data, "other-extension")
    for name in (".DS_Store", "photos/.hidden.jpg", ".git/objects/ab/cdef", ".git/HEAD", ".cache/thumb.png"):
        put(name, b"not an input\n", "hidden")
    for k in sorted(kinds):
        print("%-20s %d" % (k, kinds[k]))
    print("%-20s %d" % ("total", sum(kinds.values())))

def radiance_hdr(im):
    """A Radiance RGBE picture with run-length scanlines, as Radiance writes it (no writer in PIL)."""
    import math
    w, h = im.size
    px = list(im.convert("RGB").getdata())
    out = [b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n" % (h, w)]
    for y in range(h):
        rgbe = []
        for r, g, b in px[y * w:(y + 1) * w]:
            r, g, b = (srgb_to_linear(c) for c in (r, g, b))
            v = max(r, g, b)
            if v < 1e-32:
                rgbe.append((0, 0, 0, 0)); continue
            m, e = math.frexp(v)
            s = m * 256.0 / v
            rgbe.append((int(r * s), int(g * s), int(b * s), e + 128))
        out.append(bytes((2, 2, w >> 8, w & 255)))
        for c in range(4):
            channel = bytes(p[c] for p in rgbe)
            for i in range(0, w, 128):  # literal runs of at most 128 bytes
                chunk = channel[i:i + 128]
                out.append(bytes((len(chunk),)) + chunk)
    return b"".join(out)

def srgb_to_linear(c):
    """An sRGB-encoded 8-bit value as linear light in [0, 1]: what Radiance pictures hold."""
    v = c / 255.0
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

if __name__ == "__main__":
    main()
