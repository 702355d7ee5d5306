"""Hostile inputs, made the way an attacker (or bad luck) makes them: bombs, deep nesting, huge
numbers, truncated containers. Shared by the fast limit tests and the slow fuzz test."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A few hundred bytes of YAML whose aliases expand to width**levels values."""
    lines = ['a0: &a0 ["lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * width)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n年度: 2025\n"


def zip_bomb(source: bytes, member: str, megabytes: int) -> bytes:
    """A copy of a docx/xlsx whose `member` XML grows by `megabytes` of one repeated character
    (deflate packs 1 MB of it into about 1 KB): a real document around a bomb."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                cut = data.rindex(b"</")
                bomb = zipfile.ZipInfo(info.filename)
                bomb.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(bomb, "w", force_zip64=True) as fh:
                    fh.write(data[:cut] + b"<!--")
                    chunk = b"a" * (1 << 20)
                    for _ in range(megabytes):
                        fh.write(chunk)
                    fh.write(b"-->" + data[cut:])
                continue
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def many_members(source: bytes, extra: int) -> bytes:
    """A docx/xlsx with `extra` empty members added (a container of many tiny parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for n in range(extra):
            zout.writestr(f"customXml/item{n}.xml", b"")
    return out.getvalue()


def deep_json(depth: int) -> bytes:
    return b'{"\xe5\xb9\xb4\xe5\xba\xa6": 2025, "x": ' + b"[" * depth + b"]" * depth + b"}"


def deep_yaml_flow(depth: int) -> bytes:
    return b"x: " + b"[" * depth + b"]" * depth + b"\n"


def deep_yaml_block(depth: int) -> bytes:
    return "".join(" " * n + f"k{n}:\n" for n in range(depth)).encode("utf-8")


def huge_number_json(kind: str) -> bytes:
    number = {"exponent": "1e999999999", "digits": "9" * 200_000, "negexp": "1e-999999999"}[kind]
    return ('{"年度": 2025, "表三": {"new": {"total": ' + number + "}}}").encode("utf-8")


def huge_number_yaml(kind: str) -> bytes:
    number = {"exponent": "1.0e+999999999", "digits": "9" * 200_000, "negexp": "1.0e-999999999"}[
        kind
    ]
    return f"年度: 2025\n表三:\n  new: {{total: {number}}}\n".encode()


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(len(data), 2))]


def flipped(data: bytes, rng: random.Random, count: int = 8) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)
