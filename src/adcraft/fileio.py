"""Files shared by every layer: atomic writes, and decoding a user's text files with a known encoding.

Atomic writes are the one implementation for every layer (model folders, training state, caches,
bandit state, creatives, manifests): temp file beside the target, fsync, rename, so a reader or a crash
sees the old file or the whole new one. The temp file is opened with mode 0666 so the process umask
decides the final permissions, as for any file a program creates (tempfile.mkstemp forces 0600).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from adcraft.errors import DataError

FILE_MODE = 0o666  # before the umask, as open(2) and shells create files


def _create_temp(path: Path) -> tuple[int, Path]:
    """An exclusive new temp file beside path: (fd, its path)."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
            return fd, tmp
        except FileExistsError:  # another writer drew the same name: draw again
            continue


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path` to write to; on success it is fsynced and renamed over `path`.

    For libraries that write to a path themselves (safetensors' save_file). On error the temp file is
    removed and `path` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes so readers see either the old file or the whole new one (fsynced); honours the umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically; returns the path."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, obj: object) -> Path:
    """Write obj as pretty UTF-8 JSON (keys sorted, Chinese kept readable), atomically."""
    return write_text_atomic(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True))


MAX_CHAOS = 0.2  # charset-normalizer's mess ratio above which a reading is not clean text
MIN_EVIDENCE = 4  # non-ASCII bytes needed to tell encodings apart ("éé" in cp1252 is "殚" in GBK)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_HAN_IN_WORD = re.compile(r"[A-Za-z][\u4e00-\u9fff]+[A-Za-z]")


def _all_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _chinese_reading(data: bytes) -> tuple[str | None, bool]:
    """(the GB18030 reading when it is clean simplified Chinese, whether one could be Chinese at all)."""
    from charset_normalizer.md import mess_ratio

    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, False
    if not _all_gb2312(text):
        return None, False
    # Latin bytes that pair up into a hanzi leave it inside a word ("Größe" -> "Gr鲞e"): not certain
    if mess_ratio(text) > MAX_CHAOS or _HAN_IN_WORD.search(text):
        return None, True
    return text, True


def decode_text(data: bytes, name: str, encoding: str | None = None, hint: str = "") -> tuple[str, str]:
    """(text, encoding) of a user's text file: the named encoding, UTF-8, or one detected with confidence.

    Without a named encoding: a BOM (UTF-8/16/32), else valid UTF-8, else a GB18030 reading made
    only of GB2312 characters (simplified Chinese, ASCII, pinyin: the shops this is for), no messier
    than charset-normalizer's mess ratio allows (MAX_CHAOS) and with no hanzi inside a Latin word
    (short Chinese files are where charset-normalizer's detection alone is wrong: it ranks a short GBK
    product file as Thai cp874, a Big5 one as cp932). Anything else is refused, naming
    charset-normalizer's guess, as is text with fewer than MIN_EVIDENCE non-ASCII bytes: short
    single-byte and CJK files cannot be told apart with confidence. `hint` is appended to refusals
    (how to name the encoding at that boundary).
    Known limits: GBK bytes that happen to be valid UTF-8 (a lone 选) are read as UTF-8; EUC-KR text
    and some short Big5 text are also valid GB2312 bytes, read as (wrong) simplified Chinese.
    """
    if encoding:
        return _decode_named(data, name, encoding)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    unsure = f"{name} is not UTF-8 and its encoding cannot be told with confidence"
    if b"\x00" in data:
        raise DataError(f"{name} is not text (it holds NUL bytes){hint}")
    if sum(b > 0x7F for b in data) < MIN_EVIDENCE:
        raise DataError(f"{unsure} (too little non-ASCII text); re-save it as UTF-8{hint}")
    chinese, maybe_chinese = _chinese_reading(data)
    if chinese is not None:
        return chinese, "gb18030"
    if maybe_chinese:  # GB2312 bytes, but not clean Chinese: another encoding is as likely
        raise DataError(f"{unsure} (as GB18030 it has hanzi inside Latin words); re-save it as UTF-8{hint}")
    # single-byte code pages (cp1252, cp1250, latin-1...) decode any bytes and no measure tells them
    # apart on shop-sized text ("èa" scores messier in cp1252, its true encoding, than "ča" in cp1250)
    raise DataError(f"{unsure}{_guess(data)}; re-save it as UTF-8{hint}")


def _decode_named(data: bytes, name: str, encoding: str) -> tuple[str, str]:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DataError(
            f"encoding {encoding!r} is not one Python knows (e.g. utf-8, gb18030, cp1252)"
        ) from None
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise DataError(f"{name} is not valid {codec} text (byte {exc.start}); check the encoding") from None


def _guess(data: bytes) -> str:
    """charset-normalizer's best guess, only to name it in a refusal."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return f"; charset-normalizer's best guess is {best.encoding}" if best is not None else ""


def load_yaml(text: str):
    """YAML with YAML 1.2 booleans: only true/false are booleans, so `currency: NO` stays 'NO'."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    bool_tag = "tag:yaml.org,2002:bool"
    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _Loader.add_implicit_resolver(
        bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
