"""Where a transformer runs: ``device`` settings (``auto`` | ``cpu`` | ``cuda`` | ``cuda:N`` | ``mps``)
and the mixed precision that device supports (``precision``: ``auto`` | ``fp32`` | ``bf16`` | ``fp16``).

``auto`` picks CUDA, then Apple MPS, then the CPU. Asking for a device the machine does not have is
an error, not a silent fall-back: a user who asked for a GPU wants to know they are not on one.
"""
from __future__ import annotations

from dataclasses import dataclass

from nlp.errors import ModelError

DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")


@dataclass(frozen=True)
class Placement:
    device: str          # a torch device string: "cpu", "cuda", "cuda:1", "mps"
    precision: str       # "fp32" | "bf16" | "fp16"

    @property
    def kind(self) -> str:
        return self.device.split(":", 1)[0]

    def autocast_dtype(self):
        import torch

        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)


def _mps_available(torch) -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(device: str | None = "auto") -> str:
    """The torch device string for a ``device`` setting."""
    import torch

    spec = (device or "auto").strip().lower()
    kind, _, index = spec.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise ModelError(f"device {device!r}: expected one of auto, cpu, cuda, cuda:N, mps")
    if kind == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if _mps_available(torch) else "cpu"
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ModelError(f"device {device!r}: CUDA is not available here (torch {torch.__version__}, "
                             f"built for CUDA {torch.version.cuda or 'none'}); use --device cpu or install a CUDA "
                             "build of torch (README: GPU)")
        if index and int(index) >= torch.cuda.device_count():
            raise ModelError(f"device {device!r}: only {torch.cuda.device_count()} CUDA device(s) here")
    if kind == "mps" and not _mps_available(torch):
        raise ModelError(f"device {device!r}: Apple MPS is not available here")
    return spec


def resolve_precision(device: str, precision: str | None = "auto") -> str:
    """bf16 on CUDA devices that support it, else fp16 on CUDA; fp32 on MPS and the CPU."""
    import torch

    spec = (precision or "auto").strip().lower()
    if spec not in PRECISIONS:
        raise ModelError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    kind = device.split(":", 1)[0]
    if spec == "auto":
        if kind != "cuda":
            return "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if spec in ("bf16", "fp16") and kind != "cuda":
        raise ModelError(f"precision {spec} needs a CUDA device (this run is on {device})")
    return spec


def placement(device: str | None = "auto", precision: str | None = "auto") -> Placement:
    dev = resolve_device(device)
    return Placement(dev, resolve_precision(dev, precision))
