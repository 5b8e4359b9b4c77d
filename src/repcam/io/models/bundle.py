"""Turn Google's raw pose TFLite files into a PoseLandmarker `.task` bundle.

The registry packages hold the same weights as Google's official bundles but without the
TFLite image metadata the Tasks API needs ("requires specifying NormalizationOptions
metadata"). We write that metadata with the flatbuffers schema modules that ship inside
mediapipe, then zip the two models the way mediapipe's bundle utility does. Everything is
deterministic, so a built bundle has a known sha256.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import flatbuffers

DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"
_METADATA_NAME = "TFLITE_METADATA"
_FIXED_ZIP_TIME = (2023, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Normalization:
    """Pixel normalisation the model was trained with: (pixel - mean) / std."""

    mean: float
    std: float


# The detector takes pixels in [-1, 1], the landmark model pixels in [0, 1].
DETECTOR_NORMALIZATION = Normalization(mean=127.5, std=127.5)
LANDMARKS_NORMALIZATION = Normalization(mean=0.0, std=255.0)


def _schemas():
    # Imported lazily: they are large generated modules, needed only when building.
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta
    from mediapipe.tasks.metadata import schema_py_generated as tflite

    return meta, tflite


def _metadata_buffer(name: str, norm: Normalization, output_names: list[str]) -> bytes:
    meta, _ = _schemas()
    image = meta.ImagePropertiesT(colorSpace=meta.ColorSpaceType.RGB)
    content = meta.ContentT(
        contentPropertiesType=meta.ContentProperties.ImageProperties, contentProperties=image
    )
    normalization = meta.ProcessUnitT(
        optionsType=meta.ProcessUnitOptions.NormalizationOptions,
        options=meta.NormalizationOptionsT(mean=[norm.mean], std=[norm.std]),
    )
    input_tensor = meta.TensorMetadataT(
        name="image", content=content, processUnits=[normalization]
    )
    outputs = [meta.TensorMetadataT(name=n) for n in output_names]
    subgraph = meta.SubGraphMetadataT(
        inputTensorMetadata=[input_tensor], outputTensorMetadata=outputs
    )
    model_meta = meta.ModelMetadataT(
        name=name,
        description="Built by repcam from Google's MediaPipe pose model (Apache-2.0).",
        subgraphMetadata=[subgraph],
        license="Apache-2.0",
        minParserVersion="1.0.0",
    )
    builder = flatbuffers.Builder(1024)
    builder.Finish(model_meta.Pack(builder), file_identifier=b"M001")
    return bytes(builder.Output())


def with_image_metadata(model_bytes: bytes, name: str, norm: Normalization) -> bytes:
    """Return the TFLite model with an image-input metadata buffer (replacing any old one)."""
    _, tflite = _schemas()
    if tflite.Model.ModelBufferHasIdentifier(model_bytes, 0) is False:
        raise ValueError("not a TFLite model")
    model = tflite.ModelT.InitFromObj(tflite.Model.GetRootAsModel(model_bytes, 0))
    graph = model.subgraphs[0]
    output_names = [graph.tensors[i].name.decode() for i in graph.outputs]
    model.metadata = [m for m in (model.metadata or []) if m.name != _METADATA_NAME.encode()]
    buffer = tflite.BufferT()
    buffer.data = list(_metadata_buffer(name, norm, output_names))
    model.buffers.append(buffer)
    entry = tflite.MetadataT()
    entry.name = _METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata.append(entry)
    builder = flatbuffers.Builder(len(model_bytes) + 65536)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def input_shape(model_bytes: bytes) -> tuple[int, ...]:
    """Shape of the model's first input tensor (used to recognise detector vs landmarks)."""
    _, tflite = _schemas()
    model = tflite.Model.GetRootAsModel(model_bytes, 0)
    graph = model.Subgraphs(0)
    tensor = graph.Tensors(graph.Inputs(0))
    return tuple(int(tensor.Shape(i)) for i in range(tensor.ShapeLength()))


def build_task(detector_tflite: bytes, landmarks_tflite: bytes) -> bytes:
    """A PoseLandmarker bundle: both models with metadata, stored (not compressed), 4-aligned."""
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import (
        AlignZipFile,
    )

    members = {
        DETECTOR_MEMBER: with_image_metadata(
            detector_tflite, "pose detector", DETECTOR_NORMALIZATION
        ),
        LANDMARKS_MEMBER: with_image_metadata(
            landmarks_tflite, "pose landmarks detector", LANDMARKS_NORMALIZATION
        ),
    }
    out = io.BytesIO()
    with AlignZipFile(out, mode="w", alignment=4) as bundle:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            bundle.writestr(info, data)
    return out.getvalue()


def looks_like_pose_task(task_bytes: bytes) -> bool:
    """A structural check of a bundle we did not build (an official download)."""
    try:
        with zipfile.ZipFile(io.BytesIO(task_bytes)) as bundle:
            detector = bundle.read(DETECTOR_MEMBER)
            landmarks = bundle.read(LANDMARKS_MEMBER)
        return input_shape(detector)[1:3] == (224, 224) and input_shape(landmarks)[1:3] == (
            256,
            256,
        )
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, TypeError):
        return False
