"""What a CTranslate2 ``model.bin`` stores, read from its header without loading it.

``align doctor`` reports the compute type an argos package runs with by default
("default" keeps the stored type). Loading the model with ctranslate2 would
take seconds and hundreds of MB; the variable table of ``model.bin`` tells the
same in milliseconds: its weights' data types, which is what CTranslate2's
``Model::infer_compute_type`` looks at.

File layout (ctranslate2/specs/model_spec.py ``_serialize``; src/models/model.cc
``load``), little-endian: uint32 binary version; from version 2 the spec name
(a string) and uint32 spec revision; uint32 number of variables, then per
variable: name (string), uint8 rank, rank x uint32 dimensions, then from version
4 a uint8 type id and a uint32 byte count (before version 4 a uint8 item size
and a uint32 item count), then the data. A string is a uint16 length (counting
a final NUL) and that many bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: CTranslate2's DataType enum (include/ctranslate2/types.h), by type id
TYPE_IDS = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
#: before binary version 4 the type was only an item size
ITEM_SIZE_TYPES = {4: "float32", 2: "int16", 1: "int8"}
FLOAT_TYPES = ("float32", "float16", "bfloat16")


class HeaderError(ValueError):
    """model.bin is not a CTranslate2 model this reader understands."""


@dataclass(frozen=True)
class Variable:
    name: str
    shape: tuple[int, ...]
    dtype: str


def read_variables(model_bin: str | Path) -> list[Variable]:
    """The variables of ``model_bin`` (name, shape, data type), skipping their data."""
    with open(model_bin, "rb") as stream:
        version = _unpack(stream, "<I")
        if version < 1 or version > 100:
            raise HeaderError(f"{model_bin}: binary version {version} is not a CTranslate2 model")
        if version >= 2:
            _read_string(stream)  # spec name
            _unpack(stream, "<I")  # spec revision
        return [_read_variable(stream, version) for _ in range(_unpack(stream, "<I"))]


def stored_compute_type(model_dir: str | Path) -> str:
    """The compute type CTranslate2 infers for the model in ``model_dir``
    ("int8_float32", "float16", "float32", ...): weights' type, then the other floats'."""
    variables = read_variables(Path(model_dir) / "model.bin")
    weights = [v.dtype for v in variables if v.name.endswith("weight")]
    others = [v.dtype for v in variables
              if not v.name.endswith("weight") and "_scale" not in v.name and v.shape and v.dtype in FLOAT_TYPES]
    weight_type = _most_common(weights)
    other_type = _most_common(others)
    if weight_type == "int8":
        return f"int8_{other_type}" if other_type in ("float16", "bfloat16") else "int8_float32"
    return weight_type if weight_type in ("int16", "float16", "bfloat16") else "float32"


def _most_common(types: list[str]) -> str:
    return max(set(types), key=types.count) if types else "float32"


def _read_variable(stream: BinaryIO, version: int) -> Variable:
    name = _read_string(stream)
    rank = _unpack(stream, "<B")
    shape = struct.unpack(f"<{rank}I", _read(stream, 4 * rank)) if rank else ()
    if version >= 4:
        type_id = _unpack(stream, "<B")
        if type_id >= len(TYPE_IDS):
            raise HeaderError(f"variable {name}: unknown type id {type_id}")
        dtype, size = TYPE_IDS[type_id], _unpack(stream, "<I")
    else:
        item_size = _unpack(stream, "<B")
        if item_size not in ITEM_SIZE_TYPES:
            raise HeaderError(f"variable {name}: unknown item size {item_size}")
        dtype, size = ITEM_SIZE_TYPES[item_size], _unpack(stream, "<I") * item_size
    stream.seek(size, 1)
    return Variable(name, tuple(shape), dtype)


def _read_string(stream: BinaryIO) -> str:
    length = _unpack(stream, "<H")
    return _read(stream, length).rstrip(b"\0").decode("utf-8", errors="replace")


def _unpack(stream: BinaryIO, fmt: str) -> int:
    return struct.unpack(fmt, _read(stream, struct.calcsize(fmt)))[0]


def _read(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise HeaderError(f"{getattr(stream, 'name', 'model.bin')}: truncated header")
    return data
