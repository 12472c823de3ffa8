"""Check the declared minimum supported Rust version (MSRV).

`Cargo.toml` states it once (`[workspace.package] rust-version`). This check,
run by `make lint`, fails when the declaration is below what the build needs:
- edition 2024 needs Rust 1.85;
- every dependency in `Cargo.lock` declares its own `rust-version`, and ours
  must not be lower than any of them;
- the standard-library APIs our own code calls are checked against it by
  clippy's `incompatible_msrv` lint (in `clippy::all`, denied workspace-wide).

What it cannot check offline: that the code compiles with a 1.85 toolchain
(language features are not linted against the MSRV). CI with a pinned 1.85
toolchain (`cargo +1.85 check --workspace`) would close that gap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
EDITION_MINIMUM = {"2021": (1, 56), "2024": (1, 85)}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def main() -> int:
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    package = manifest["workspace"]["package"]
    declared = package.get("rust-version")
    if declared is None:
        print("Cargo.toml: [workspace.package] has no rust-version", file=sys.stderr)
        return 1
    lints = manifest["workspace"].get("lints", {}).get("clippy", {})
    if lints.get("all", {}).get("level") != "deny":
        print(
            "Cargo.toml: clippy::all must be denied (it holds incompatible_msrv)", file=sys.stderr
        )
        return 1
    needs = [(EDITION_MINIMUM[package["edition"]], f"edition {package['edition']}")]
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--offline"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    ours = set(metadata["workspace_members"])
    for pkg in metadata["packages"]:
        if pkg["id"] not in ours and pkg.get("rust_version"):
            needs.append((version(pkg["rust_version"]), f"{pkg['name']} {pkg['version']}"))
    floor, why = max(needs)
    if version(declared) < floor:
        shown = ".".join(map(str, floor))
        print(f"rust-version {declared} is below {shown}, needed by {why}", file=sys.stderr)
        return 1
    print(f"MSRV {declared}: at least what edition and dependencies need ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
