#!/usr/bin/env python3
"""Where the bytes of the WebAssembly module go, by crate: the table of the
README's Performance section. benches/wasm-size.sh runs it.

    wasm_bytes.py MODULE.wasm MODULE.wat TWIGGY.csv [ROWS]

MODULE.wasm is the shipped module built with its names kept (wasm-opt -g),
MODULE.wat its text (wasm-dis), TWIGGY.csv `twiggy top -f csv` of it.

Code: each function's size (twiggy's shallow size) goes to the crate its
name starts with, after inlining, so a function holds what it inlined;
functions named by a generic parameter (`<T as Debug>::fmt`) are "generic
impls". Data: the module's memory image is cut at every address that code
(an `i32.const` or a load's `offset=`) or data (an aligned 4-byte pointer)
refers to; each piece goes to the crate of the function that refers to it,
or, when only data refers to it, to the owner of that data (followed at
most 30 levels). Pieces nothing refers to are "data no code addresses".
"""

import bisect
import collections
import csv
import re
import struct
import sys

# The exports of crates/qc-wasm and wasm-bindgen's glue.
BINDINGS = {
    "compile", "plan", "check", "validate", "format", "decompile", "fields",
    "complete", "hover", "version", "apiVersions", "matcher_new",
    "matcher_matches", "matcher_outcome",
}
# Names that start with a generic parameter or a primitive, not a crate.
GENERIC = set("TFAIKVSWRPBEDXQZ")
PRIMITIVE = {"str", "f64", "f32", "char", "u8", "u16", "u32", "u64", "u128",
             "i8", "i16", "i32", "i64", "i128", "usize", "isize", "bool",
             "dyn", "impl", "u", "i"}
MAX_FOLLOW = 30


def leb(b, i):
    """An unsigned LEB128 at b[i]: (value, next index)."""
    value, shift = 0, 0
    while True:
        x = b[i]
        i += 1
        value |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return value, i


def sections(b):
    """(id, body) of each section of a module."""
    i = 8
    while i < len(b):
        sid = b[i]
        n, i = leb(b, i + 1)
        yield sid, b[i:i + n]
        i += n


def data_segments(b):
    """(offset, bytes) of each active data segment (offset None: passive)."""
    segments = []
    for sid, body in sections(b):
        if sid != 11:
            continue
        count, i = leb(body, 0)
        for _ in range(count):
            flag, i = leb(body, i)
            offset = None
            if flag in (0, 2):
                if flag == 2:
                    _, i = leb(body, i)  # the memory index
                if body[i] != 0x41:  # i32.const
                    sys.exit("wasm_bytes.py: a data segment whose offset is not a constant")
                offset, i = leb(body, i + 1)
                i += 1  # end
            n, i = leb(body, i)
            segments.append((offset, body[i:i + n]))
            i += n
    return segments


def crate(name):
    """The crate a function's name belongs to."""
    n = name.replace("\\", "")
    if "multivalue shim" in n or n.startswith("__wbg") or n.startswith("__wbindgen") or n in BINDINGS:
        return "qc_wasm (exports)"
    if n.startswith("<"):
        m = re.match(r"^<+&?(?:mut )?\[?([A-Za-z_][A-Za-z0-9_]*)", n)
        first = m.group(1) if m else "?"
        if first in GENERIC:
            return "generic impls"
        if first in PRIMITIVE:
            return "core"
        return first
    m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)", n)
    return m.group(1) if m else "?"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    wasm, wat, top = sys.argv[1:4]
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 16

    code = collections.Counter()
    with open(top, newline="") as f:
        for r in csv.DictReader(f):
            name, size = r["Name"], int(r["ShallowSize"])
            if name.startswith(("data segment", '"', "custom")):
                continue  # data is attributed below; the name section is not shipped
            code[crate(name)] += size

    with open(wasm, "rb") as f:
        segments = [(o, s) for o, s in data_segments(f.read()) if o is not None]
    if not segments:
        sys.exit("wasm_bytes.py: the module has no active data")
    ranges = sorted((o, o + len(s)) for o, s in segments)
    lo, hi = ranges[0][0], max(e for _, e in ranges)
    memory = bytearray(hi - lo)
    for o, s in segments:
        memory[o - lo:o - lo + len(s)] = s

    name_re = r'\$(?:"((?:[^"\\]|\\.)*)"|([^\s()]+))'
    refs = collections.defaultdict(set)
    func = None
    with open(wat) as f:
        for line in f:
            m = re.match(r"\s*\(func " + name_re, line)
            if m:
                func = m.group(1) if m.group(1) is not None else m.group(2)
                continue
            if line.startswith((" (data", " (elem")):
                func = None
            for v in re.findall(r"(?:i32\.const |offset=)(-?\d+)", line):
                v = int(v)
                if func and lo <= v < hi:
                    refs[v].add(("code", func))
    for a in range(0, len(memory) - 3, 4):
        v = struct.unpack_from("<I", memory, a)[0]
        if lo <= v < hi:
            refs[v].add(("data", lo + a))

    starts = sorted(set(refs) | {a for a, _ in ranges} | {e for _, e in ranges})
    owners = {}

    def piece(addr):
        return starts[bisect.bisect_right(starts, addr) - 1]

    def owner(p, depth=0):
        if p in owners:
            return owners[p]
        owners[p] = None  # a cycle of pointers owns nothing
        votes = collections.Counter()
        for kind, x in refs.get(p, ()):
            if kind == "code":
                votes[crate(x)] += 1
            elif depth < MAX_FOLLOW:
                o = owner(piece(x), depth + 1)
                if o:
                    votes[o] += 1
        owners[p] = votes.most_common(1)[0][0] if votes else None
        return owners[p]

    data = collections.Counter()
    for p, end in zip(starts, starts[1:]):
        if any(a <= p < e for a, e in ranges):
            data[owner(p) or "data no code addresses"] += end - p

    keys = sorted(set(code) | set(data), key=lambda k: -(code[k] + data[k]))
    print("| crate | code | data | total |")
    print("|---|---:|---:|---:|")
    for k in keys[:rows]:
        print(f"| {k} | {code[k]:,} | {data[k]:,} | {code[k] + data[k]:,} |")
    rest = keys[rows:]
    if rest:
        c, d = sum(code[k] for k in rest), sum(data[k] for k in rest)
        print(f"| {len(rest)} more | {c:,} | {d:,} | {c + d:,} |")
    c, d = sum(code.values()), sum(data.values())
    print(f"| **all** | {c:,} | {d:,} | {c + d:,} |")


if __name__ == "__main__":
    main()
