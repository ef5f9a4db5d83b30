"""Reader for Kiln datasets (``*.kiln`` shards + ``index.kidx``), standard library only.

Layout: see ``formats/FORMAT.md`` (and ``ShardLayout.java``, which declares the same offsets).
Python 3.9+. numpy is optional (only for ``image_array``); PyTorch is optional (the
``KilnTorchDataset`` adapter exists only when ``torch`` imports).

    ds = KilnDataset("/data/train")          # one read of index.kidx, stat + trailer per shard
    len(ds); ds[17]; ds.get("cats/001"); for s in ds: ...

Every sample read is one ``os.pread`` of the aligned window holding the record, and its CRC32C is
checked (``verify=True``). The pure-Python CRC32C runs at roughly 10-20 MB/s; when the ``crc32c``
or ``google_crc32c`` package is installed it is used instead. File descriptors are opened lazily
per process: a PyTorch DataLoader worker forked after construction opens its own.
"""

import json
import os
import struct
import threading
from bisect import bisect_right

__all__ = [
    "KilnDataset",
    "KilnError",
    "CorruptRecordError",
    "CorruptShardError",
    "CorruptIndexError",
    "crc32c",
    "decode_record",
    "image_array",
]

# ----------------------------------------------------------------------------- layout constants
# Mirrors ShardLayout.java; all integers little-endian.
SHARD_MAGIC = b"KILNSHD1"
TRAILER_MAGIC = b"KILNEND1"
INDEX_MAGIC = b"KILNIDX1"
INDEX_END_MAGIC = b"KILNIEND"
VERSION = 1
HDR_FIXED = struct.Struct("<8sIIIII")  # magic, version, header_length, align, flags, schema_length
TRAILER = struct.Struct("<QQQII8s")  # footer_offset, footer_length, record_count, footer_crc, trailer_crc, magic
TRAILER_SIZE = TRAILER.size  # 40
ENTRY = struct.Struct("<QIIH")  # offset, length, crc32c, key_length; key bytes follow
IDX_FIXED = struct.Struct("<8sIIIIQ")  # magic, version, align, shard_count, schema_length, record_count
SHARD_ROW = struct.Struct("<QQII")  # file_size, record_count, file_crc32c, footer_crc32c (after u16 name)
INDEX_FILE_NAME = "index.kidx"


class KilnError(Exception):
    """Base class of Kiln format errors."""


class CorruptRecordError(KilnError, ValueError):
    """A record's bytes fail their CRC32C (or are short). Other records remain readable."""

    def __init__(self, shard, index, key, problem):
        super().__init__("corrupt record %d (key %r) in %s: %s" % (index, key, shard, problem))
        self.shard, self.index, self.key = shard, index, key


class CorruptShardError(KilnError):
    """A shard is missing, truncated, has bad magic or a bad trailer/footer checksum."""

    def __init__(self, shard, problem):
        super().__init__("corrupt Kiln shard %s: %s" % (shard, problem))
        self.shard = shard


class CorruptIndexError(KilnError):
    """index.kidx is truncated, has bad magic or fails its CRC32C."""


# ----------------------------------------------------------------------------- CRC32C
def _make_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_TABLE = _make_table()


def _crc32c_py(data, crc=0):
    crc ^= 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


try:  # optional accelerated implementations; same function, same values
    import crc32c as _crc_mod  # type: ignore

    def crc32c(data):
        """CRC32C (Castagnoli) of a bytes-like object, as java.util.zip.CRC32C computes it."""
        return _crc_mod.crc32c(bytes(data)) & 0xFFFFFFFF

except ImportError:
    try:
        import google_crc32c as _gcrc  # type: ignore

        def crc32c(data):
            """CRC32C (Castagnoli) of a bytes-like object, as java.util.zip.CRC32C computes it."""
            return _gcrc.value(bytes(data)) & 0xFFFFFFFF

    except ImportError:

        def crc32c(data):
            """CRC32C (Castagnoli) of a bytes-like object, as java.util.zip.CRC32C computes it."""
            return _crc32c_py(data)


# ----------------------------------------------------------------------------- Avro binary decoding
class _Cursor:
    __slots__ = ("data", "pos")

    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos


def _read_long(c):
    data, pos = c.data, c.pos
    b = data[pos]
    pos += 1
    n = b & 0x7F
    shift = 7
    while b & 0x80:
        b = data[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
    c.pos = pos
    return (n >> 1) ^ -(n & 1)


def _read_bytes(c):
    n = _read_long(c)
    if n < 0 or c.pos + n > len(c.data):
        raise ValueError("bytes length %d out of range" % n)
    start = c.pos
    c.pos = start + n
    return bytes(c.data[start:start + n])


def _read_string(c):
    return _read_bytes(c).decode("utf-8")


def _read_float(c):
    v = struct.unpack_from("<f", c.data, c.pos)[0]
    c.pos += 4
    return v


def _read_double(c):
    v = struct.unpack_from("<d", c.data, c.pos)[0]
    c.pos += 8
    return v


def _read_boolean(c):
    v = c.data[c.pos] != 0
    c.pos += 1
    return v


_PRIMITIVES = {
    "null": lambda c: None,
    "boolean": _read_boolean,
    "int": _read_long,
    "long": _read_long,
    "float": _read_float,
    "double": _read_double,
    "bytes": _read_bytes,
    "string": _read_string,
}


def _blocks(c, read_item):
    """Avro array/map blocks: count (negative: followed by a byte size), items, 0 terminator."""
    while True:
        n = _read_long(c)
        if n == 0:
            return
        if n < 0:
            n = -n
            _read_long(c)  # block size in bytes, only useful for skipping
        for _ in range(n):
            yield read_item(c)


def _compile(schema, names, namespace=None):
    """Turns an Avro schema (parsed JSON) into a function cursor -> value."""
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        full = schema if "." in schema or not namespace else namespace + "." + schema
        if full not in names and schema in names:
            full = schema
        # Late-bound so recursive and forward references work.
        return lambda c: names[full](c)
    if isinstance(schema, list):
        branches = [_compile(s, names, namespace) for s in schema]

        def read_union(c):
            i = _read_long(c)
            if not 0 <= i < len(branches):
                raise ValueError("union branch %d out of range" % i)
            return branches[i](c)

        return read_union
    t = schema["type"]
    if t in ("record", "error", "enum", "fixed"):
        ns = schema.get("namespace", namespace)
        name = schema["name"]
        if "." in name:
            ns = name.rsplit(".", 1)[0]
            full = name
        else:
            full = ns + "." + name if ns else name
        if t == "enum":
            symbols = schema["symbols"]
            fn = lambda c: symbols[_read_long(c)]  # noqa: E731
        elif t == "fixed":
            size = schema["size"]

            def fn(c):
                start = c.pos
                c.pos += size
                return bytes(c.data[start:start + size])

        else:
            fields = []

            def fn(c):
                return {fname: read(c) for fname, read in fields}

        names[full] = fn
        names.setdefault(name.rsplit(".", 1)[-1], fn)
        if t in ("record", "error"):
            for f in schema["fields"]:
                fields.append((f["name"], _compile(f["type"], names, ns)))
        return fn
    if t == "array":
        items = _compile(schema["items"], names, namespace)
        return lambda c: list(_blocks(c, items))
    if t == "map":
        values = _compile(schema["values"], names, namespace)

        def read_map(c):
            return dict(_blocks(c, lambda cc: (_read_string(cc), values(cc))))

        return read_map
    # {"type": "string", "logicalType": ...} and similar wrapped primitives
    return _compile(t, names, namespace)


def compile_schema(schema_json):
    """A decoder function ``bytes -> dict`` for records written under ``schema_json``."""
    schema = json.loads(schema_json) if isinstance(schema_json, (str, bytes)) else schema_json
    root = _compile(schema, {})

    def decode(data):
        c = _Cursor(data)
        value = root(c)
        if c.pos != len(data):
            raise ValueError("%d trailing bytes after the record" % (len(data) - c.pos))
        return value

    return decode


def decode_record(schema_json, data):
    """Decodes one Avro-binary record (Kiln record bytes) under the given schema JSON."""
    return compile_schema(schema_json)(data)


def image_array(sample):
    """For ``encoding == "raw"`` samples: the image as a uint8 HxWxC numpy array (needs numpy).

    C is the sample's ``channels``: 3 for RGB, 4 for RGBA (straight alpha, ``--keep-alpha``).
    """
    import numpy as np  # optional dependency, imported on use

    if sample["encoding"] != "raw":
        raise ValueError("image is %s-encoded; decode it with an image library" % sample["encoding"])
    return np.frombuffer(sample["image"], dtype=np.uint8).reshape(
        sample["height"], sample["width"], sample["channels"])


# ----------------------------------------------------------------------------- index parsing
def _read_file(path):
    with open(path, "rb") as f:
        return f.read()


def _parse_entries(buf, pos, count, offsets, lengths, crcs, keys):
    unpack = ENTRY.unpack_from
    size = ENTRY.size
    for _ in range(count):
        off, length, crc, klen = unpack(buf, pos)
        pos += size
        keys.append(bytes(buf[pos:pos + klen]).decode("utf-8"))
        pos += klen
        offsets.append(off)
        lengths.append(length)
        crcs.append(crc)
    return pos


# What parsing damaged bytes that passed their CRC32C raises; reported as the KilnError it is.
_PARSE_ERRORS = (struct.error, ValueError, IndexError, KeyError, TypeError, OverflowError)


def _parse_index(path):
    try:
        return _parse_index_bytes(path)
    except _PARSE_ERRORS as e:
        raise CorruptIndexError("%s: unreadable layout: %s: %s" % (path, type(e).__name__, e)) from e


def _parse_index_bytes(path):
    buf = _read_file(path)  # one read
    if len(buf) < IDX_FIXED.size + 12 or buf[:8] != INDEX_MAGIC:
        raise CorruptIndexError("%s: bad magic or too short" % path)
    end = len(buf) - 12
    if buf[end + 4:] != INDEX_END_MAGIC:
        raise CorruptIndexError("%s: bad end magic (truncated?)" % path)
    stored = struct.unpack_from("<I", buf, end)[0]
    if crc32c(memoryview(buf)[:end]) != stored:
        raise CorruptIndexError("%s: CRC32C mismatch" % path)
    _, version, align, nshards, slen, nrec = IDX_FIXED.unpack_from(buf, 0)
    if version != VERSION:
        raise CorruptIndexError("%s: unsupported version %d" % (path, version))
    pos = IDX_FIXED.size
    schema = buf[pos:pos + slen].decode("utf-8")
    pos += slen
    shards = []
    for _ in range(nshards):
        (nlen,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = buf[pos:pos + nlen].decode("utf-8")
        if not name or "/" in name or "\0" in name or name in (".", ".."):
            # A shard is a file beside the index, never a path elsewhere.
            raise CorruptIndexError("%s: shard name %r is not a file name" % (path, name))
        pos += nlen
        size, count, file_crc, footer_crc = SHARD_ROW.unpack_from(buf, pos)
        pos += SHARD_ROW.size
        shards.append({"name": name, "size": size, "count": count, "file_crc32c": file_crc,
                       "footer_crc32c": footer_crc})
    offsets, lengths, crcs, keys = [], [], [], []
    pos = _parse_entries(buf, pos, nrec, offsets, lengths, crcs, keys)
    if pos != end:
        raise CorruptIndexError("%s: entries end at %d, expected %d" % (path, pos, end))
    return align, schema, shards, offsets, lengths, crcs, keys


def _read_trailer(fd, path, size):
    if size < 32 + TRAILER_SIZE:
        raise CorruptShardError(path, "only %d bytes (truncated?)" % size)
    raw = os.pread(fd, TRAILER_SIZE, size - TRAILER_SIZE)
    foff, flen, count, fcrc, tcrc, magic = TRAILER.unpack(raw)
    if magic != TRAILER_MAGIC:
        raise CorruptShardError(path, "bad trailer magic (truncated or incompletely written)")
    if crc32c(raw[:28]) != tcrc:
        raise CorruptShardError(path, "trailer CRC32C mismatch")
    if foff + flen + TRAILER_SIZE != size:
        raise CorruptShardError(path, "trailer says footer [%d, +%d) but file is %d bytes "
                                      "(truncated?)" % (foff, flen, size))
    return foff, flen, count, fcrc


def _read_shard_footer(path):
    """Index data of one shard from its own header/trailer/footer (no index.kidx)."""
    try:
        return _read_shard_footer_bytes(path)
    except _PARSE_ERRORS as e:
        raise CorruptShardError(path, "unreadable layout: %s: %s" % (type(e).__name__, e)) from e


def _read_shard_footer_bytes(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        foff, flen, count, fcrc = _read_trailer(fd, path, size)
        head = os.pread(fd, min(foff, 1 << 16), 0)
        if len(head) < HDR_FIXED.size or head[:8] != SHARD_MAGIC:
            raise CorruptShardError(path, "bad magic, not a Kiln shard")
        _, version, hlen, align, flags, slen = HDR_FIXED.unpack_from(head, 0)
        if version != VERSION:
            raise CorruptShardError(path, "unsupported version %d" % version)
        if hlen != 32 + slen or hlen > foff:
            # Checked before reading: a damaged length must not ask for gigabytes.
            raise CorruptShardError(path, "header length %d: schema length %d says %d, footer at %d"
                                    % (hlen, slen, 32 + slen, foff))
        if hlen > len(head):
            head = os.pread(fd, hlen, 0)
        if crc32c(head[:28 + slen]) != struct.unpack_from("<I", head, 28 + slen)[0]:
            raise CorruptShardError(path, "header CRC32C mismatch")
        schema = head[28:28 + slen].decode("utf-8")
        footer = os.pread(fd, flen, foff)
        if len(footer) != flen or crc32c(footer) != fcrc:
            raise CorruptShardError(path, "footer CRC32C mismatch")
        offsets, lengths, crcs, keys = [], [], [], []
        _parse_entries(footer, 0, count, offsets, lengths, crcs, keys)
        shard = {"name": os.path.basename(path), "size": size, "count": count,
                 "file_crc32c": None, "footer_crc32c": fcrc}
        return align, schema, shard, offsets, lengths, crcs, keys
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- dataset
class KilnDataset:
    """Random access to a Kiln dataset directory (or to a single ``.kiln`` shard file).

    ``ds[i]`` / ``ds.get(key)`` return a dict with the schema's fields: key, image (bytes),
    encoding, width, height, channels, labels, boxes (list of dicts), source (dict),
    content_hash. Thread-safe; fork-safe (descriptors are reopened in a child process).
    """

    def __init__(self, path, verify=True):
        self.path = os.fspath(path)
        # A versioned output root (v000001/, ... and a CURRENT link) opens its current version.
        current = os.path.join(self.path, "CURRENT")
        if os.path.islink(current):
            self.path = os.path.realpath(current)
        self.verify = verify
        if os.path.isdir(self.path):
            self.root = self.path
            index = os.path.join(self.path, INDEX_FILE_NAME)
            if os.path.exists(index):
                parsed = _parse_index(index)
            else:
                names = sorted((n for n in os.listdir(self.path) if n.endswith(".kiln")),
                               key=_shard_sort_key)
                parsed = self._from_footers([os.path.join(self.path, n) for n in names])
        else:
            self.root = os.path.dirname(self.path) or "."
            parsed = self._from_footers([self.path])
        self.align, self.schema_json, self.shards, self._offsets, self._lengths, \
            self._crcs, self._keys = parsed
        self._starts = []
        acc = 0
        for s in self.shards:
            self._starts.append(acc)
            acc += s["count"]
        if acc != len(self._keys):
            raise CorruptIndexError("shard record counts sum to %d, %d entries" % (acc, len(self._keys)))
        try:
            self._decode = compile_schema(self.schema_json)
        except (*_PARSE_ERRORS, RecursionError) as e:
            raise KilnError("%s: the stored schema is not an Avro schema: %s" % (self.path, e)) from e
        self._key_to_index = None
        self._lock = threading.Lock()
        self._pid = None
        self._fds = {}
        self._check_shards()

    @staticmethod
    def _from_footers(paths):
        align, schema, shards = None, None, []
        offsets, lengths, crcs, keys = [], [], [], []
        for p in paths:
            a, sch, shard, o, ln, c, k = _read_shard_footer(p)
            if align is None:
                align, schema = a, sch
            elif a != align or sch != schema:
                raise CorruptShardError(p, "alignment or schema differs from the other shards")
            shards.append(shard)
            offsets += o
            lengths += ln
            crcs += c
            keys += k
        if schema is None:
            raise KilnError("no shards found in %s" % paths)
        return align, schema, shards, offsets, lengths, crcs, keys

    def _check_shards(self):
        """Size and trailer of every shard against the index: truncation fails here, not mid-epoch."""
        for s in self.shards:
            p = os.path.join(self.root, s["name"])
            try:
                size = os.stat(p).st_size
            except FileNotFoundError:
                raise CorruptShardError(p, "missing (listed in the index)") from None
            if size != s["size"]:
                raise CorruptShardError(p, "file is %d bytes but the index says %d%s" % (
                    size, s["size"], " (truncated)" if size < s["size"] else ""))
            fd = os.open(p, os.O_RDONLY)
            try:
                _, _, count, fcrc = _read_trailer(fd, p, size)
            finally:
                os.close(fd)
            if count != s["count"] or fcrc != s["footer_crc32c"]:
                raise CorruptShardError(p, "trailer does not match the index")

    # -- descriptors, per process
    def _fd(self, shard):
        pid = os.getpid()
        if self._pid != pid:
            with self._lock:
                if self._pid != pid:
                    # Inherited from the parent across fork: close our copies, open our own.
                    for fd in self._fds.values():
                        try:
                            os.close(fd)
                        except OSError:
                            pass
                    self._fds = {}
                    self._pid = pid
        fd = self._fds.get(shard)
        if fd is None:
            with self._lock:
                fd = self._fds.get(shard)
                if fd is None:
                    fd = os.open(os.path.join(self.root, self.shards[shard]["name"]), os.O_RDONLY)
                    self._fds[shard] = fd
        return fd

    def close(self):
        with self._lock:
            if self._pid == os.getpid():
                for fd in self._fds.values():
                    os.close(fd)
            self._fds = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getstate__(self):
        # Picklable for spawn-based DataLoader workers: descriptors are not carried over.
        state = self.__dict__.copy()
        state["_fds"], state["_pid"], state["_lock"], state["_decode"] = {}, None, None, None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._decode = compile_schema(self.schema_json)

    # -- access
    def __len__(self):
        return len(self._keys)

    def keys(self):
        """Keys in dataset order (shards in order, records in file order)."""
        return list(self._keys)

    def key(self, i):
        return self._keys[i]

    def shard_of(self, i):
        return bisect_right(self._starts, i) - 1 if self._starts else -1

    def index_of(self, key):
        if self._key_to_index is None:
            self._key_to_index = {k: i for i, k in enumerate(self._keys)}
        return self._key_to_index.get(key, -1)

    def read_record(self, i):
        """Raw record bytes of sample ``i`` (Avro binary), read with one pread, CRC-checked."""
        return bytes(self._read(i))

    def _read(self, i):
        """Record ``i`` as a memoryview into the aligned window read from disk (no copy)."""
        n = len(self._keys)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("record %d of %d" % (i, n))
        shard = self.shard_of(i)
        off, length = self._offsets[i], self._lengths[i]
        a = self.align if self.align > 1 else 1
        start = off - off % a
        end = -(-(off + length) // a) * a
        path = os.path.join(self.root, self.shards[shard]["name"])
        if off + length > self.shards[shard]["size"]:
            # Checked before reading: a damaged entry must not ask for gigabytes.
            raise CorruptRecordError(path, i, self._keys[i], "extent [%d, +%d) runs past the %d-byte file"
                                     % (off, length, self.shards[shard]["size"]))
        data = os.pread(self._fd(shard), end - start, start)
        if len(data) < off + length - start:
            raise CorruptRecordError(path, i, self._keys[i], "short read (truncated file?)")
        rec = memoryview(data)[off - start:off - start + length]
        if self.verify:
            actual = crc32c(rec)
            if actual != self._crcs[i]:
                raise CorruptRecordError(path, i, self._keys[i],
                                         "CRC32C mismatch (stored 0x%08x, computed 0x%08x)"
                                         % (self._crcs[i], actual))
        return rec

    def __getitem__(self, i):
        record = self._read(i)
        try:
            sample = self._decode(record)
        except (*_PARSE_ERRORS, UnicodeDecodeError) as e:
            raise CorruptRecordError(self.shards[self.shard_of(i)]["name"], i, self._keys[i],
                                     "CRC matches but the record does not decode: %s" % e) from e
        if sample.get("key") != self._keys[i]:
            raise CorruptRecordError(self.shards[self.shard_of(i)]["name"], i, self._keys[i],
                                     "record holds key %r" % sample.get("key"))
        return sample

    def get(self, key):
        """The sample with this key; KeyError if there is none."""
        i = self.index_of(key)
        if i < 0:
            raise KeyError(key)
        return self[i]

    def __iter__(self):
        for i in range(len(self._keys)):
            yield self[i]


def _shard_sort_key(name):
    stem = name[:-len(".kiln")]
    prefix, _, num = stem.rpartition("-")
    return (prefix, int(num), name) if num.isdigit() else (stem, -1, name)


try:  # the PyTorch adapter exists only where torch does
    import torch.utils.data as _torch_data  # type: ignore
except ImportError:  # pragma: no cover - depends on the environment
    _torch_data = None

if _torch_data is not None:

    class KilnTorchDataset(_torch_data.Dataset):
        """Map-style PyTorch Dataset over a Kiln dataset; ``transform`` maps the sample dict.

        Safe with DataLoader workers (fork or spawn): each worker process opens its own files.
        """

        def __init__(self, path, transform=None, verify=True):
            self.kiln = KilnDataset(path, verify=verify)
            self.transform = transform

        def __len__(self):
            return len(self.kiln)

        def __getitem__(self, i):
            sample = self.kiln[i]
            return self.transform(sample) if self.transform is not None else sample

    __all__.append("KilnTorchDataset")
