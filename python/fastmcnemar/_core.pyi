# Type stubs for the Rust extension module fastmcnemar._core.
# Keep in step with rust/fastmcnemar-py/src/*.rs (checked by mypy.stubtest in CI).

import os
from typing import final

import numpy as np
import numpy.typing as npt

__version__: str
THREADS_ENV: str

class FastMcNemarError(ValueError): ...
class EmptyInputError(FastMcNemarError): ...
class LengthMismatchError(FastMcNemarError): ...
class NonBinaryValueError(FastMcNemarError): ...
class NegativeCountError(FastMcNemarError): ...
class InvalidLevelError(FastMcNemarError): ...
class NonFiniteValueError(FastMcNemarError): ...
class InvalidArgumentError(FastMcNemarError): ...

# --- ingest: reading harness logs (rust/fastmcnemar-py/src/ingest.rs, arrow_text.rs) ---
@final
class TextColumn:
    def __len__(self) -> int: ...
    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...

def scan_jsonl(
    path: str | os.PathLike[str],
    keys: list[str],
    text_keys: list[bool],
    *,
    n_threads: int | None = None,
) -> tuple[
    int,
    list[tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], TextColumn | None]],
]: ...
