"""Reader for Kiln datasets (``*.kiln`` shards + ``index.kidx``), standard library only.

Layout: see ``formats/FORMAT.md`` (and ``ShardLayout.java``, which declares the same offsets).
Python 3.9+. numpy is optional (only for ``image_array``); PyTorch is optional (the
``KilnTorchDataset`` adapter exists only when ``torch`` imports).

    ds = KilnDataset("/data/train")          # one read of index.kidx, stat + trailer per shard
    len(ds); ds[17]; ds.get("cats/001"); for s in ds: ...

Every sample read is one ``os.pread`` of the aligned window holding the record, and its checksum
is checked (``verify=True``). Format version 2 (written by default) checksums with CRC-32, which
``zlib.crc32`` computes at memory speed; version 1 datasets (CRC32C) are read too, with a
pure-Python CRC32C of roughly 10-20 MB/s unless the ``crc32c`` or ``google_crc32c`` package is
installed. File descriptors are opened lazily per process: a PyTorch DataLoader worker forked
after construction opens its own.

Training: ``epoch_order(size, seed, epoch)`` is the shuffled order of an epoch, the same as Java's
``EpochOrder``; ``KilnIterableDataset`` reads a share of it per rank and DataLoader worker and
resumes from ``state_dict()`` at any world size (see "Reading for training" in the README).
"""

import json
import os
import struct
import threading
import zlib
from bisect import bisect_right
from itertools import islice

__all__ = [
    "KilnDataset",
    "KilnError",
    "CorruptRecordError",
    "CorruptShardError",
    "CorruptIndexError",
    "crc32c",
    "crc32",
    "decode_record",
    "image_array",
]

# ----------------------------------------------------------------------------- layout constants
# Mirrors ShardLayout.java; all integers little-endian.
SHARD_MAGIC = b"KILNSHD1"
TRAILER_MAGIC = b"KILNEND1"
INDEX_MAGIC = b"KILNIDX1"
INDEX_END_MAGIC = b"KILNIEND"
VERSION_1 = 1  # every checksum CRC32C
VERSION_2 = 2  # every checksum CRC-32 (zlib.crc32); written by default
VERSION = VERSION_2
# An index (never a shard) whose shard rows also say how many of the shard's records it lists:
# shards shared by dataset versions hold records of samples a later version deleted or replaced.
# Its shards are version 2.
INDEX_VERSION_SHARED = 3
HDR_FIXED = struct.Struct("<8sIIIII")  # magic, version, header_length, align, flags, schema_length
TRAILER = struct.Struct("<QQQII8s")  # footer_offset, footer_length, record_count, footer_crc, trailer_crc, magic
TRAILER_SIZE = TRAILER.size  # 40
ENTRY = struct.Struct("<QIIH")  # offset, length, crc32c, key_length; key bytes follow
IDX_FIXED = struct.Struct("<8sIIIIQ")  # magic, version, align, shard_count, schema_length, record_count
SHARD_ROW = struct.Struct("<QQII")  # file_size, record_count, file_crc32c, footer_crc32c (after u16 name)
LIVE_COUNT = struct.Struct("<Q")  # index version 3: live_count, after the shard row
INDEX_FILE_NAME = "index.kidx"


class KilnError(Exception):
    """Base class of Kiln format errors."""


class CorruptRecordError(KilnError, ValueError):
    """A record's bytes fail their checksum (or are short). Other records remain readable."""

    def __init__(self, shard, index, key, problem):
        super().__init__("corrupt record %d (key %r) in %s: %s" % (index, key, shard, problem))
        self.shard, self.index, self.key = shard, index, key


class CorruptShardError(KilnError):
    """A shard is missing, truncated, has bad magic or a bad trailer/footer checksum."""

    def __init__(self, shard, problem):
        super().__init__("corrupt Kiln shard %s: %s" % (shard, problem))
        self.shard = shard


class CorruptIndexError(KilnError):
    """index.kidx is truncated, has bad magic or fails its checksum."""


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


def crc32(data):
    """CRC-32 (ISO-HDLC, zlib's), as java.util.zip.CRC32 computes it: format version 2."""
    return zlib.crc32(data) & 0xFFFFFFFF


def _checksum(version):
    """(function, name) of the checksum every CRC field of a format version holds."""
    if version == VERSION_2:
        return zlib.crc32, "CRC-32"  # unsigned in Python 3: the same values as crc32()
    if version == VERSION_1:
        return crc32c, "CRC32C"
    raise ValueError("unsupported version %d (this reader reads versions %d to %d)"
                     % (version, VERSION_1, VERSION))


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


def _parse_index_bytes(path, buf=None):
    if buf is None:
        buf = _read_file(path)  # one read
    if len(buf) < IDX_FIXED.size + 12 or buf[:8] != INDEX_MAGIC:
        raise CorruptIndexError("%s: bad magic or too short" % path)
    end = len(buf) - 12
    if buf[end + 4:] != INDEX_END_MAGIC:
        raise CorruptIndexError("%s: bad end magic (truncated?)" % path)
    stored = struct.unpack_from("<I", buf, end)[0]
    _, version, align, nshards, slen, nrec = IDX_FIXED.unpack_from(buf, 0)
    shared = version == INDEX_VERSION_SHARED
    if shared:
        version = VERSION_2
    try:
        check, name = _checksum(version)  # the version says which checksum the file ends with
    except ValueError as e:
        raise CorruptIndexError("%s: %s" % (path, e)) from None
    if check(memoryview(buf)[:end]) != stored:
        raise CorruptIndexError("%s: %s mismatch" % (path, name))
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
        size, file_count, file_crc, footer_crc = SHARD_ROW.unpack_from(buf, pos)
        pos += SHARD_ROW.size
        count = file_count
        if shared:
            (count,) = LIVE_COUNT.unpack_from(buf, pos)
            pos += LIVE_COUNT.size
            if count > file_count:
                raise CorruptIndexError("%s: shard %r lists %d of its %d records"
                                        % (path, name, count, file_count))
        # count: the records the index lists (its entries); file_count: the shard's own.
        shards.append({"name": name, "size": size, "count": count, "file_count": file_count,
                       "file_crc32c": file_crc, "footer_crc32c": footer_crc})
    offsets, lengths, crcs, keys = [], [], [], []
    pos = _parse_entries(buf, pos, nrec, offsets, lengths, crcs, keys)
    if pos != end:
        raise CorruptIndexError("%s: entries end at %d, expected %d" % (path, pos, end))
    return version, align, schema, shards, offsets, lengths, crcs, keys


def _read_trailer(fd, path, size, version):
    """The trailer, whose checksum is the one of the shard's version (its header or index says)."""
    if size < 32 + TRAILER_SIZE:
        raise CorruptShardError(path, "only %d bytes (truncated?)" % size)
    return _check_trailer(os.pread(fd, TRAILER_SIZE, size - TRAILER_SIZE), path, size, version)


def _check_trailer(raw, path, size, version):
    """Parses and checks a shard's last TRAILER_SIZE bytes."""
    foff, flen, count, fcrc, tcrc, magic = TRAILER.unpack(raw)
    if magic != TRAILER_MAGIC:
        raise CorruptShardError(path, "bad trailer magic (truncated or incompletely written)")
    check, name = _checksum(version)
    if check(raw[:28]) != tcrc:
        raise CorruptShardError(path, "trailer %s mismatch" % name)
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
        # The header first: its version says which checksum the trailer and footer carry.
        head = os.pread(fd, min(size, 1 << 16), 0)
        if len(head) < HDR_FIXED.size or head[:8] != SHARD_MAGIC:
            raise CorruptShardError(path, "bad magic, not a Kiln shard")
        _, version, hlen, align, flags, slen = HDR_FIXED.unpack_from(head, 0)
        try:
            check, name = _checksum(version)
        except ValueError as e:
            raise CorruptShardError(path, str(e)) from None
        foff, flen, count, fcrc = _read_trailer(fd, path, size, version)
        if hlen != 32 + slen or hlen > foff:
            # Checked before reading: a damaged length must not ask for gigabytes.
            raise CorruptShardError(path, "header length %d: schema length %d says %d, footer at %d"
                                    % (hlen, slen, 32 + slen, foff))
        if hlen > len(head):
            head = os.pread(fd, hlen, 0)
        if check(head[:28 + slen]) != struct.unpack_from("<I", head, 28 + slen)[0]:
            raise CorruptShardError(path, "header %s mismatch" % name)
        schema = head[28:28 + slen].decode("utf-8")
        footer = os.pread(fd, flen, foff)
        if len(footer) != flen or check(footer) != fcrc:
            raise CorruptShardError(path, "footer %s mismatch" % name)
        offsets, lengths, crcs, keys = [], [], [], []
        _parse_entries(footer, 0, count, offsets, lengths, crcs, keys)
        shard = {"name": os.path.basename(path), "size": size, "count": count, "file_count": count,
                 "file_crc32c": None, "footer_crc32c": fcrc}
        return version, align, schema, shard, offsets, lengths, crcs, keys
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- dataset
class KilnDataset:
    """Random access to a Kiln dataset directory (or to a single ``.kiln`` shard file).

    ``ds[i]`` / ``ds.get(key)`` return a dict with the schema's fields: key, image (bytes),
    encoding, width, height, channels, labels, boxes (list of dicts), source (dict),
    content_hash, label (class id or None), class_name, caption (str or None) and extra (dict of
    a metadata table's other columns, with their types). Thread-safe; fork-safe (descriptors are reopened in a child process).
    """

    def __init__(self, path, verify=True):
        self.path = os.fspath(path)
        self._s3 = None
        self.verify = verify
        if self.path.startswith("s3://"):
            # On S3 (boto3): the index in one GET, then one ranged GET per sample.
            self._s3 = _S3Dataset(self.path)
            self.path = self.root = self._s3.location
            parsed = _parse_index_s3(self._s3)
        else:
            # A versioned output root (v000001/, ... and a CURRENT link) opens its current version.
            current = os.path.join(self.path, "CURRENT")
            if os.path.islink(current):
                self.path = os.path.realpath(current)
        if self._s3 is not None:
            pass
        elif os.path.isdir(self.path):
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
        self.version, self.align, self.schema_json, self.shards, self._offsets, self._lengths, \
            self._crcs, self._keys = parsed
        self._check, self.checksum_name = _checksum(self.version)
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
        version, align, schema, shards = None, None, None, []
        offsets, lengths, crcs, keys = [], [], [], []
        for p in paths:
            v, a, sch, shard, o, ln, c, k = _read_shard_footer(p)
            if align is None:
                version, align, schema = v, a, sch
            elif v != version or a != align or sch != schema:
                raise CorruptShardError(p, "format version, alignment or schema differs from the "
                                           "other shards")
            shards.append(shard)
            offsets += o
            lengths += ln
            crcs += c
            keys += k
        if schema is None:
            raise KilnError("no shards found in %s" % paths)
        return version, align, schema, shards, offsets, lengths, crcs, keys

    def _check_shards(self):
        """Size and trailer of every shard against the index: truncation fails here, not mid-epoch."""
        if self._s3 is not None:
            sizes = self._s3.sizes()
            for s in self.shards:
                p = self._s3.location + "/" + s["name"]
                size = sizes.get(s["name"])
                if size is None:
                    raise CorruptShardError(p, "missing (listed in the index)")
                if size != s["size"]:
                    raise CorruptShardError(p, "object is %d bytes but the index says %d%s" % (
                        size, s["size"], " (truncated)" if size < s["size"] else ""))
                if size < 32 + TRAILER_SIZE:
                    raise CorruptShardError(p, "only %d bytes (truncated?)" % size)
                raw = self._s3.read_range(s["name"], size - TRAILER_SIZE, TRAILER_SIZE)
                _, _, count, fcrc = _check_trailer(raw, p, size, self.version)
                if count != s["count"] or fcrc != s["footer_crc32c"]:
                    raise CorruptShardError(p, "trailer does not match the index")
            return
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
                _, _, count, fcrc = _read_trailer(fd, p, size, self.version)
            finally:
                os.close(fd)
            if count != s["file_count"] or fcrc != s["footer_crc32c"]:
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
        state["_check"] = None
        if self._s3 is not None:
            state["_s3"] = self._s3.location  # a client per process, made on first read
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if isinstance(self._s3, str):
            self._s3 = _S3Dataset(self._s3, resolved=True)
        self._lock = threading.Lock()
        self._decode = compile_schema(self.schema_json)
        self._check = _checksum(self.version)[0]

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
        """Raw record bytes of sample ``i`` (Avro binary), read with one pread, checksum-checked."""
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
        # A ranged GET costs per request, not per block: it takes exactly the record's bytes.
        a = self.align if self.align > 1 and self._s3 is None else 1
        start = off - off % a
        end = -(-(off + length) // a) * a
        if off + length > self.shards[shard]["size"]:
            # Checked before reading: a damaged entry must not ask for gigabytes.
            raise CorruptRecordError(self._shard_path(shard), i, self._keys[i],
                                     "extent [%d, +%d) runs past the %d-byte file"
                                     % (off, length, self.shards[shard]["size"]))
        if self._s3 is not None:
            data = self._s3.read_range(self.shards[shard]["name"], start, end - start)
        else:
            data = os.pread(self._fd(shard), end - start, start)
        if len(data) < off + length - start:
            raise CorruptRecordError(self._shard_path(shard), i, self._keys[i],
                                     "short read (truncated file?)")
        rec = memoryview(data)[off - start:off - start + length]
        if self.verify:
            actual = self._check(rec)
            if actual != self._crcs[i]:
                raise CorruptRecordError(self._shard_path(shard), i, self._keys[i],
                                         "%s mismatch (stored 0x%08x, computed 0x%08x)"
                                         % (self.checksum_name, self._crcs[i], actual))
        return rec

    def _shard_path(self, shard):
        if self._s3 is not None:
            return self._s3.location + "/" + self.shards[shard]["name"]
        return os.path.join(self.root, self.shards[shard]["name"])

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
        # Shards written before the schema had label fields: the same keys, empty.
        for field in ("label", "class_name", "caption"):
            sample.setdefault(field, None)
        sample.setdefault("extra", {})
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


class _S3Dataset:
    """A dataset's objects on S3 through boto3, configured as the AWS tools are (credentials and
    region from the environment or profile, the endpoint from ``AWS_ENDPOINT_URL``, path-style
    addressing then). A versioned root's ``CURRENT`` object names the version read. One client per
    process (boto3 clients are thread-safe but not fork-safe)."""

    def __init__(self, location, resolved=False):
        try:
            import boto3  # noqa: F401  (optional: only s3:// datasets need it)
        except ImportError:
            raise KilnError("%s: reading s3:// datasets needs boto3 (Debian: python3-boto3)"
                            % location) from None
        rest = location[len("s3://"):].rstrip("/")
        self.bucket, _, self.prefix = rest.partition("/")
        if not self.bucket:
            raise KilnError("%s: no bucket (write s3://BUCKET/PREFIX)" % location)
        self._pid, self._client = None, None
        if not resolved:
            current = self._get(self._key("CURRENT"), missing_ok=True)
            if current is not None:
                self.prefix = self._key(current.decode("utf-8").strip())
            if self._get(self._key("manifest.json"), missing_ok=True, head=True) is None:
                raise KilnError("%s: no published dataset there (its manifest.json is written last)"
                                % self._url(self._key("manifest.json")))
        self.location = self._url(self.prefix)

    def _key(self, name):
        return self.prefix + "/" + name if self.prefix else name

    def _url(self, key):
        return "s3://%s/%s" % (self.bucket, key) if key else "s3://" + self.bucket

    def client(self):
        pid = os.getpid()
        if self._pid != pid:
            import boto3
            from botocore.config import Config
            endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            config = Config(retries={"mode": "standard", "max_attempts": 6},
                            s3={"addressing_style": "path"} if endpoint else {})
            self._client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, region_name=region or ("us-east-1" if endpoint else None),
                config=config)
            self._pid = pid
        return self._client

    def _get(self, key, missing_ok=False, head=False, byte_range=None):
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            if head:
                return self.client().head_object(Bucket=self.bucket, Key=key)
            args = {"Bucket": self.bucket, "Key": key}
            if byte_range is not None:
                args["Range"] = byte_range
            return self.client().get_object(**args)["Body"].read()
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if missing_ok and code in ("NoSuchKey", "404", "NotFound"):
                return None
            raise KilnError("%s: %s" % (self._url(key), e)) from e
        except BotoCoreError as e:
            raise KilnError("%s: %s" % (self._url(key), e)) from e

    def read(self, name):
        return self._get(self._key(name))

    def read_range(self, name, start, length):
        """``length`` bytes from ``start`` of object ``name``, with one ranged GET."""
        if length <= 0:
            return b""
        return self._get(self._key(name), byte_range="bytes=%d-%d" % (start, start + length - 1))

    def sizes(self):
        """Every object directly in the dataset prefix, by name: its size."""
        out = {}
        paginator = self.client().get_paginator("list_objects_v2")
        prefix = self._key("")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for o in page.get("Contents", []):
                out[o["Key"][len(prefix):]] = o["Size"]
        return out


def _parse_index_s3(s3):
    where = s3.location + "/" + INDEX_FILE_NAME
    try:
        return _parse_index_bytes(where, s3.read(INDEX_FILE_NAME))
    except _PARSE_ERRORS as e:
        raise CorruptIndexError("%s: unreadable layout: %s: %s" % (where, type(e).__name__, e)) from e


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


# ----------------------------------------------------------------------------- epoch order
# The same permutation as Java's EpochOrder (formats/FORMAT.md, "Epoch order"): a keyed Feistel
# network on the smallest even power of two >= size, walked until the value is < size.
_M64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_ROUNDS = 6


def _mix64(z):
    """SplitMix64's finaliser on an unsigned 64-bit value."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


class EpochOrder:
    """The order an epoch reads a dataset in: ``order[p]`` is the sample read at position ``p``.

    A permutation of ``range(size)`` that depends only on ``size``, ``seed`` and ``epoch`` (not on
    ranks or workers), identical to Java's ``dev.kiln.formats.kiln.EpochOrder``. Each position is
    computed on its own in constant time and memory, so a reader computes only the positions it
    reads. ``shuffle=False`` gives dataset order. Supports ``len``, indexing and iteration.
    """

    __slots__ = ("size", "seed", "epoch", "shuffle", "_half", "_mask", "_keys")

    def __init__(self, size, seed=0, epoch=0, shuffle=True):
        if size < 0:
            raise ValueError("size must not be negative: %d" % size)
        if epoch < 0:
            raise ValueError("epoch must not be negative: %d" % epoch)
        self.size, self.seed, self.epoch, self.shuffle = size, seed, epoch, shuffle
        bits = (size - 1).bit_length() if size > 1 else 0
        self._half = max(1, (bits + 1) // 2)
        self._mask = (1 << self._half) - 1
        # Seeds are 64-bit two's complement, as a Java long: -1 and 2**64 - 1 are one seed.
        base = _mix64(_mix64((seed + _GOLDEN) & _M64) ^ (epoch & _M64))
        self._keys = tuple(_mix64((base + (r + 1) * _GOLDEN) & _M64) for r in range(_ROUNDS))

    def __len__(self):
        return self.size

    def __getitem__(self, p):
        if isinstance(p, slice):
            return [self.at(i) for i in range(*p.indices(self.size))]
        return self.at(p)

    def __iter__(self):
        for p in range(self.size):
            yield self.at(p)

    def at(self, p):
        """The sample (dataset position) read at position ``p`` of the epoch."""
        n = self.size
        if p < 0:
            p += n
        if not 0 <= p < n:
            raise IndexError("position %d of %d" % (p, n))
        if not self.shuffle or n == 1:
            return p
        half, mask, keys = self._half, self._mask, self._keys
        y = p
        while True:
            left, right = y >> half, y & mask
            for k in keys:
                z = right ^ k
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
                left, right = right, left ^ ((z ^ (z >> 31)) & mask)
            y = (left << half) | right
            if y < n:
                return y

    def take(self, positions):
        """``[self.at(p) for p in positions]``, vectorized with numpy when it is installed."""
        positions = list(positions)
        if not self.shuffle or self.size <= 1 or len(positions) < 64:
            return [self.at(p) for p in positions]
        try:
            import numpy as np  # optional: ~100x faster than the loop above
        except ImportError:
            return [self.at(p) for p in positions]
        y = np.array(positions, dtype=np.int64)
        if len(y) and (y.min() < 0 or y.max() >= self.size):
            raise IndexError("positions outside [0, %d)" % self.size)
        y = y.astype(np.uint64)
        half, mask = np.uint64(self._half), np.uint64(self._mask)
        keys = [np.uint64(k) for k in self._keys]
        c1, c2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
        s30, s27, s31 = np.uint64(30), np.uint64(27), np.uint64(31)

        def feistel(x):
            left, right = x >> half, x & mask
            for k in keys:
                z = right ^ k
                z = (z ^ (z >> s30)) * c1
                z = (z ^ (z >> s27)) * c2
                left, right = right, left ^ ((z ^ (z >> s31)) & mask)
            return (left << half) | right

        with np.errstate(over="ignore"):
            y = feistel(y)
            outside = np.nonzero(y >= np.uint64(self.size))[0]
            while len(outside):
                y[outside] = feistel(y[outside])
                outside = outside[y[outside] >= np.uint64(self.size)]
        return y.astype(np.int64).tolist()


def epoch_order(size, seed=0, epoch=0):
    """The shuffled order of epoch ``epoch``: the same permutation as Java's ``EpochOrder``."""
    return EpochOrder(size, seed, epoch)


def rank_share(size, start, rank, world_size, drop_last=False, pad=False):
    """How many samples rank ``rank`` of ``world_size`` reads of positions ``[start, size)``.

    Ranks take turns (``rank_position``), so shares differ by at most one: every position is read
    exactly once. ``drop_last``: every rank reads ``(size - start) // world_size`` and the last
    positions are left for the next epoch to shuffle in. ``pad``: every rank reads the largest
    share, the ranks short of one re-reading the first positions of ``[start, size)``.
    """
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError("rank %d of world size %d" % (rank, world_size))
    if drop_last and pad:
        raise ValueError("drop_last and pad exclude each other")
    left = max(0, size - start)
    even, extra = divmod(left, world_size)
    if drop_last:
        return even
    if pad:
        return even + (1 if extra else 0)
    return even + (1 if rank < extra else 0)


def rank_position(size, start, rank, world_size, i):
    """The epoch position of the ``i``-th sample rank ``rank`` reads: ``start + rank + i * W``.

    The first ``m`` samples of every rank are then exactly positions ``[start, start + m * W)``,
    so after every rank has read ``m`` the epoch can go on from there at any world size. A padded
    position past the end wraps to the start of ``[start, size)``.
    """
    p = start + rank + i * world_size
    return p if p < size else start + (p - size) % (size - start)


def worker_items(count, worker, workers, block=1):
    """The indices into a rank's share of ``count`` that DataLoader worker ``worker`` reads.

    Blocks of ``block`` (the DataLoader's batch size) go to the workers in turn, which is the
    order a DataLoader takes their batches in: the rank's loader yields its share in order.
    """
    if workers < 1 or not 0 <= worker < workers or block < 1:
        raise ValueError("worker %d of %d, block %d" % (worker, workers, block))
    b = worker
    while b * block < count:
        yield from range(b * block, min((b + 1) * block, count))
        b += workers


def decode_sample(sample):
    """The sample with its image as a uint8 HxWxC numpy array (needs numpy; Pillow for JPEG/PNG),
    ``boxes`` as a float32 (N, 4) array of x0, y0, x1, y1, ``box_category_ids`` as int64 (N,) and
    ``box_labels`` as a list. ``channels`` decides RGB or RGBA."""
    import numpy as np  # optional dependency, imported on use

    out = dict(sample)
    if sample["encoding"] == "raw":
        out["image"] = image_array(sample).copy()  # writable, as torch.from_numpy wants
    else:
        import io

        from PIL import Image  # optional dependency, imported on use

        with Image.open(io.BytesIO(sample["image"])) as im:
            out["image"] = np.array(im.convert("RGBA" if sample["channels"] == 4 else "RGB"))
    boxes = sample.get("boxes") or []
    out["boxes"] = np.array([[b["x0"], b["y0"], b["x1"], b["y1"]] for b in boxes],
                            dtype=np.float32).reshape(len(boxes), 4)
    out["box_category_ids"] = np.array([b["category_id"] for b in boxes], dtype=np.int64)
    out["box_labels"] = [b["label"] for b in boxes]
    return out


class _ResumableEpochs:
    """The epoch, seed and resume point of a ``KilnIterableDataset``, and its state dicts.

    The class mixing it in provides ``_dataset_size()`` and ``_rank_world()``.
    """

    STATE_VERSION = 1

    def _init_epochs(self, seed, shuffle):
        self.seed, self.shuffle = seed, shuffle
        self.epoch = 0
        self._start = 0  # the global position this epoch goes on from
        self._resume = None  # (epoch, position) of a loaded state
        self._yielded = 0  # samples yielded in this process this epoch

    def set_epoch(self, epoch):
        """Chooses the epoch to read; it starts at position 0 unless a loaded state resumes it."""
        if epoch < 0:
            raise ValueError("epoch must not be negative: %d" % epoch)
        self._rank_world()  # taken here too, where torch.distributed is, for the workers
        if self._resume and self._resume[0] != epoch:
            self._resume = None  # a loaded state resumes its own epoch, once
        self.epoch = epoch
        self._start = self._resume[1] if self._resume else 0
        self._yielded = 0

    def state_dict(self, samples_seen=None):
        """Where the epoch is: the number of its positions consumed, counted over all ranks.

        ``samples_seen``: how many samples this rank has consumed this epoch (since ``set_epoch``
        or ``load_state_dict``), as a training step counts them (e.g. ``steps * batch_size``);
        every rank is taken to have consumed as many, or all of its share if that is fewer.
        Save rank 0's state: its share is the largest, so at the end of an uneven epoch it says
        the epoch is done. Default: the samples this object has yielded in this process, which
        is right when it is iterated in the training process (``num_workers=0``) and wrong with
        DataLoader workers, whose iteration this process does not see: pass it then.
        """
        m = self._yielded if samples_seen is None else samples_seen
        if m < 0:
            raise ValueError("samples_seen must not be negative: %d" % m)
        _, world = self._rank_world()
        size, start = self._dataset_size(), self._start
        consumed = sum(min(m, rank_share(size, start, r, world, self.drop_last, self.pad))
                       for r in range(world))
        return {"version": self.STATE_VERSION, "size": size, "seed": self.seed,
                "shuffle": self.shuffle, "epoch": self.epoch,
                "position": min(size, start + consumed)}

    def load_state_dict(self, state):
        """Resumes from ``state_dict()``: the epoch goes on from its position at any world size
        and worker count. The dataset size, seed and shuffle must be the ones saved."""
        if state.get("version") != self.STATE_VERSION:
            raise ValueError("unknown state version %r" % state.get("version"))
        saved_with = (("size", self._dataset_size()), ("seed", self.seed),
                      ("shuffle", self.shuffle))
        for name, have in saved_with:
            if state[name] != have:
                raise ValueError("state was saved with %s=%r, this dataset has %r"
                                 % (name, state[name], have))
        if not 0 <= state["position"] <= state["size"]:
            raise ValueError("state position %r outside the epoch" % state["position"])
        self._resume = (state["epoch"], state["position"])
        self.set_epoch(state["epoch"])


_IterableBase = _torch_data.IterableDataset if _torch_data is not None else object


class KilnIterableDataset(_ResumableEpochs, _IterableBase):
    """Every sample once per epoch, in ``epoch_order``, shared between ranks and DataLoader workers.

    A ``torch.utils.data.IterableDataset`` when torch imports (a plain iterable otherwise). The
    epoch's global order does not depend on the number of ranks or workers; rank ``r`` of ``W``
    reads positions ``start + r + i * W`` (``rank_position``) and its DataLoader workers split that
    share in blocks of ``batch_size`` (``worker_items``), so each rank's loader yields its share in
    order and ``state_dict()`` after ``m`` samples per rank is ``start + m * W`` positions consumed,
    which any world size and worker count resumes from (``load_state_dict``).

    Arguments: ``rank``/``world_size`` (default: ``torch.distributed`` when initialized, else 0 of
    1); ``decode`` (``decode_sample``: image as uint8 HWC array, boxes as arrays); ``transform``
    (applied to each sample dict); ``batch_size`` (the DataLoader's, 1 for ``batch_size=None``);
    ``drop_last``/``pad`` for ranks' uneven shares (``rank_share``); ``verify`` (checksums).
    DataLoader workers take the epoch when each epoch's iteration starts, so leave the loader's
    ``persistent_workers`` off (its default): persistent workers would keep their first epoch.
    """

    def __init__(self, path, *, seed=0, shuffle=True, rank=None, world_size=None, decode=False,
                 transform=None, batch_size=1, drop_last=False, pad=False, verify=True):
        if _torch_data is not None:
            _torch_data.IterableDataset.__init__(self)
        if (rank is None) != (world_size is None):
            raise ValueError("give both rank and world_size, or neither")
        if world_size is not None and not 0 <= rank < world_size:
            raise ValueError("rank %d of world size %d" % (rank, world_size))
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1: %d" % batch_size)
        if drop_last and pad:
            raise ValueError("drop_last and pad exclude each other")
        self.kiln = KilnDataset(path, verify=verify)
        self.rank, self.world_size = rank, world_size
        self.decode, self.transform = decode, transform
        self.batch_size, self.drop_last, self.pad = batch_size, drop_last, pad
        self._distributed = None  # (rank, world size) as torch.distributed last said
        self._init_epochs(seed, shuffle)
        self._rank_world()

    def _dataset_size(self):
        return len(self.kiln)

    def __len__(self):
        """The samples this rank reads this epoch (from the resume point), as a DataLoader asks."""
        return self.rank_count()

    def _rank_world(self):
        if self.world_size is not None:
            return self.rank, self.world_size
        try:
            import torch.distributed as dist  # type: ignore
        except ImportError:
            dist = None
        if dist is not None and dist.is_available() and dist.is_initialized():
            self._distributed = (dist.get_rank(), dist.get_world_size())
        # A DataLoader worker has no process group of its own: it has the rank its process had
        # when the loader started it (this object's state then, set by set_epoch or __init__).
        return self._distributed or (0, 1)

    def rank_count(self):
        """How many samples this rank reads from the epoch's current position."""
        rank, world = self._rank_world()
        return rank_share(self._dataset_size(), self._start, rank, world, self.drop_last, self.pad)

    def positions(self):
        """The epoch positions this process reads (its rank's, and its DataLoader worker's)."""
        rank, world = self._rank_world()
        worker, workers = 0, 1
        if _torch_data is not None:
            info = _torch_data.get_worker_info()
            if info is not None:
                worker, workers = info.id, info.num_workers
        size, start = self._dataset_size(), self._start
        count = rank_share(size, start, rank, world, self.drop_last, self.pad)
        for i in worker_items(count, worker, workers, self.batch_size):
            yield rank_position(size, start, rank, world, i)

    def __iter__(self):
        order = EpochOrder(self._dataset_size(), self.seed, self.epoch, self.shuffle)
        kiln, decode, transform = self.kiln, self.decode, self.transform
        positions = self.positions()
        while True:
            # Positions to samples a few thousand at a time (vectorized where numpy is).
            chunk = order.take(islice(positions, 4096))
            if not chunk:
                return
            for i in chunk:
                sample = kiln[i]
                if decode:
                    sample = decode_sample(sample)
                if transform is not None:
                    sample = transform(sample)
                self._yielded += 1
                yield sample


def collate_samples(batch):
    """A DataLoader ``collate_fn`` for decoded samples with any number of boxes per image.

    Images are stacked into a uint8 (B, H, W, C) tensor when they share a shape (a list of
    tensors otherwise); ``boxes`` and ``box_category_ids`` stay a list of per-sample tensors;
    ``width``, ``height``, ``channels`` become int64 tensors; other fields are lists.
    """
    import torch  # type: ignore

    out = {}
    for name in batch[0]:
        values = [s[name] for s in batch]
        if name == "image" and hasattr(values[0], "shape"):
            tensors = [torch.from_numpy(v) for v in values]
            same = all(t.shape == tensors[0].shape for t in tensors)
            out[name] = torch.stack(tensors) if same else tensors
        elif name in ("boxes", "box_category_ids") and hasattr(values[0], "shape"):
            out[name] = [torch.from_numpy(v) for v in values]
        elif name in ("width", "height", "channels"):
            out[name] = torch.tensor(values, dtype=torch.int64)
        else:
            out[name] = values
    return out


__all__ += ["EpochOrder", "epoch_order", "rank_share", "rank_position", "worker_items",
            "decode_sample", "KilnIterableDataset", "collate_samples"]
