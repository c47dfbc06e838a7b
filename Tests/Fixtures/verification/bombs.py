#!/usr/bin/env python3
"""Builds small hostile archives for trackbot's tests and scripts/bench.d/bombs.

Each bomb is small on disk and asks for a lot when read: a huge decoder window, huge or countless
tar entries, a PAX header with countless keys, entries that escape the root. Usage:

    bombs.py KIND OUT [options]

KIND: xz-dict, zstd-window, long-names, many-entries, pax-keys, unsafe, setuid-only.
"""
import argparse
import binascii
import gzip
import io
import os
import struct
import subprocess
import sys
import tarfile
import zlib


def small_tar():
    """A tar of a few small files, the payload of the decoder-window bombs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for i in range(3):
            data = (f"file {i}\n" * 100).encode()
            info = tarfile.TarInfo(f"etc/file{i}")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def xz_dict(out, dict_mib, payload=None, zeros_mib=0):
    """An .xz stream whose block header asks for a `dict_mib` MiB dictionary (liblzma allocates it
    before decoding). Compressed with a small dictionary, then the LZMA2 filter's dictionary byte
    is rewritten and the block header's CRC32 recomputed: the data still decodes with any larger
    window, so only the memory limit stops it. With `zeros_mib` the payload is that many MiB of
    zeros (about 150 KB per GiB compressed): decoding it fills the whole dictionary, as the
    audit's 458 KB file did with 3 GiB."""
    import lzma
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 0, "dict_size": 1 << 16}]
    if zeros_mib:
        c = lzma.LZMACompressor(format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, filters=filters)
        zeros = bytes(16 << 20)
        parts = [c.compress(zeros) for _ in range(zeros_mib // 16)]
        parts.append(c.compress(bytes((zeros_mib % 16) << 20)))
        parts.append(c.flush())
        xz = bytearray(b"".join(parts))
    else:
        data = payload if payload is not None else small_tar()
        xz = bytearray(lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, filters=filters))
    # Stream header: 12 bytes. Block header: size byte ((n + 1) * 4 bytes), flags, filter flags.
    start = 12
    header_size = (xz[start] + 1) * 4
    flags = xz[start + 1]
    pos = start + 2
    if flags & 0x40:  # compressed size present
        pos = skip_varint(xz, pos)
    if flags & 0x80:  # uncompressed size present
        pos = skip_varint(xz, pos)
    assert xz[pos] == 0x21 and xz[pos + 1] == 0x01, "expected one LZMA2 filter"
    wanted = dict_mib << 20
    byte = next(b for b in range(41) if lzma2_dict_size(b) >= wanted)
    xz[pos + 2] = byte
    crc_at = start + header_size - 4
    xz[crc_at:crc_at + 4] = struct.pack("<I", binascii.crc32(bytes(xz[start:crc_at])) & 0xFFFFFFFF)
    write(out, bytes(xz))


def lzma2_dict_size(b):
    return 0xFFFFFFFF if b == 40 else (2 | (b & 1)) << (b // 2 + 11)


def skip_varint(buf, pos):
    while buf[pos] & 0x80:
        pos += 1
    return pos + 1


def zstd_window(out, window_log):
    """A zstd frame whose header asks for a 2^window_log byte window (libzstd refuses more than
    2^27 by default when decompressing a stream). The payload is compressed from a pipe, so the
    frame has a window descriptor (no single-segment flag); that byte is rewritten."""
    frame = bytearray(subprocess.run(["zstd", "-q", "-c"], input=small_tar(), check=True,
                                     stdout=subprocess.PIPE).stdout)
    assert frame[:4] == b"\x28\xb5\x2f\xfd"
    assert frame[4] & 0x20 == 0, "single-segment frame: no window descriptor to rewrite"
    frame[5] = (window_log - 10) << 3
    write(out, bytes(frame))


def long_names(out, count, length, fmt):
    """`count` empty files whose names are `length` bytes long (GNU long-name or PAX headers)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT if fmt == "pax" else tarfile.GNU_FORMAT) as t:
        for i in range(count):
            name = f"{i:06d}" + "n" * (length - 6)
            t.addfile(tarfile.TarInfo(name))
    write_gz(out, buf.getvalue())


def header(name, size=0, mode=0o644, kind=b"0", link=b"", devmajor=0, devminor=0, uid=0):
    """One ustar header block, checksum computed."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"%07o\0" % uid
    h[116:124] = b"%07o\0" % 0
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 0
    h[156:157] = kind
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar\x0000"
    h[329:337] = b"%07o\0" % devmajor
    h[337:345] = b"%07o\0" % devminor
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def many_entries(out, count):
    """`count` empty files f0000000, f0000001, ... gzip-compressed as they are made. Headers are
    patched from one template (name digits and checksum) so that millions take seconds."""
    template = bytearray(header(b"f0000000"))
    base = sum(template) - sum(b"f0000000") - sum(template[148:156]) + 8 * 32
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    with open(out, "wb") as f:
        chunk = []
        for i in range(count):
            name = b"f%07d" % i
            template[0:8] = name
            template[148:156] = b"%06o\0 " % (base + sum(name))
            chunk.append(bytes(template))
            if len(chunk) == 4096:
                f.write(z.compress(b"".join(chunk)))
                chunk = []
        chunk.append(b"\0" * 1024)
        f.write(z.compress(b"".join(chunk)))
        f.write(z.flush())


def pax_record(key, value):
    body = f" {key}={value}\n".encode()
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n += 1
    return str(n).encode() + body


def pax_keys(out, keys, entries):
    """A global PAX header with `keys` records, then `entries` empty files."""
    records = b"".join(pax_record(f"k{i}", "v") for i in range(keys))
    parts = [header(b"pax_global_header", size=len(records), kind=b"g"), records, b"\0" * (-len(records) % 512)]
    parts += [header(b"e%06d" % i) for i in range(entries)]
    parts.append(b"\0" * 1024)
    write_gz(out, b"".join(parts))


def unsafe(out):
    """Every kind of unsafe entry once, among a few ordinary ones."""
    parts = [
        header(b"etc/", kind=b"5", mode=0o755),
        header(b"etc/os-release", size=4), b"ok\n\n" + b"\0" * 508,
        header(b"../escape.txt", size=0),
        header(b"/etc/cron.d/evil", size=0),
        header(b"up", kind=b"2", link=b"../../.."),
        header(b"etc-link", kind=b"2", link=b"/etc"),
        header(b"etc-link/passwd", size=0),
        header(b"hard", kind=b"1", link=b"../../outside"),
        header(b"dev/mem", kind=b"3", devmajor=1, devminor=1),
        header(b"dev/sda", kind=b"4", devmajor=8, devminor=0),
        header(b"usr/bin/su", size=0, mode=0o4755),
        header(b"usr/bin/ok", size=0, mode=0o755),
        b"\0" * 1024,
    ]
    write_gz(out, b"".join(parts))


def setuid_only(out):
    """A rootfs-like tar whose only unsafe entries are setuid/setgid files (as Debian's passwd)."""
    parts = [
        header(b"usr/bin/passwd", mode=0o4755),
        header(b"usr/bin/chage", mode=0o2755),
        header(b"usr/bin/ls", mode=0o755),
        header(b"var/mail/", kind=b"5", mode=0o2775),
        b"\0" * 1024,
    ]
    write_gz(out, b"".join(parts))


def write_gz(out, data):
    write(out, gzip.compress(data, compresslevel=9, mtime=0))


def write(out, data):
    with open(out, "wb") as f:
        f.write(data)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind")
    p.add_argument("out")
    p.add_argument("--dict-mib", type=int, default=3072)
    p.add_argument("--payload", help="xz-dict: compress this file instead of a small tar")
    p.add_argument("--zeros-mib", type=int, default=0, help="xz-dict: compress this many MiB of zeros instead")
    p.add_argument("--window-log", type=int, default=31)
    p.add_argument("--count", type=int)
    p.add_argument("--length", type=int, default=8 << 20)
    p.add_argument("--format", choices=["gnu", "pax"], default="gnu")
    p.add_argument("--keys", type=int, default=1_000_000)
    p.add_argument("--entries", type=int, default=4000)
    a = p.parse_args()
    if a.kind == "xz-dict":
        xz_dict(a.out, a.dict_mib, open(a.payload, "rb").read() if a.payload else None, a.zeros_mib)
    elif a.kind == "zstd-window":
        zstd_window(a.out, a.window_log)
    elif a.kind == "long-names":
        long_names(a.out, a.count or 150, a.length, a.format)
    elif a.kind == "many-entries":
        many_entries(a.out, a.count or 2_000_000)
    elif a.kind == "pax-keys":
        pax_keys(a.out, a.keys, a.entries)
    elif a.kind == "unsafe":
        unsafe(a.out)
    elif a.kind == "setuid-only":
        setuid_only(a.out)
    else:
        sys.exit(f"unknown kind {a.kind!r} (see --help)")


if __name__ == "__main__":
    main()
