"""Builds real Argos Translate packages (.argosmodel) from numpy weights with `ctranslate2.specs`.

A phrase book is a hand-built one-layer "lookup" Transformer whose decoding reproduces a fixed mapping of
whole sentences, so tests can assert real output through argostranslate's install and translate path.
`write_argosmodel` is also used by bench/translation.py for its Transformer-base packages.

How the phrase book works: every source sentence is one SentencePiece piece (a user-defined symbol). The
encoder is the identity; its embedding marks phrase pieces in a "phrase" dimension. The decoder's
cross-attention puts all its weight on the phrase piece and copies a one-hot of the phrase into the
residual stream, beside a one-hot of the previous output token (the embedding). One ReLU unit of the
feed-forward layer per (phrase, previous token) fires only when both are present and writes the next
token, or </s> after the last one. Without any phrase the output bias makes </s> win, so an unknown
sentence translates to "" (CTranslate2 emits at least one token: with beam search it is </s>).
A `loops` entry maps a sentence to one word repeated until the decoder's length limit.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

SPACE = "\u2581"  # SentencePiece's word-boundary marker
MAX_POSITIONS = 1024


@dataclass(frozen=True)
class PhraseBook:
    source: str
    target: str
    version: str
    phrases: Mapping[str, str]
    loops: Mapping[str, str] = field(default_factory=dict)  # sentence -> word repeated without end

    @property
    def code(self) -> str:
        return f"translate-{self.source}_{self.target}"


def piece(sentence: str) -> str:
    return SPACE + sentence.replace(" ", SPACE)


def train_sentencepiece(symbols: list[str], corpus: list[str]) -> bytes:
    model = io.BytesIO()
    characters = sorted({char for text in corpus for char in text})
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=model,
        model_type="bpe",
        vocab_size=len(symbols) + len(characters) + 8,
        hard_vocab_limit=False,
        user_defined_symbols=symbols,
        character_coverage=1.0,
        minloglevel=2,
    )
    return model.getvalue()


def _layer_norm(vector: np.ndarray) -> np.ndarray:
    return (vector - vector.mean()) / np.sqrt(vector.var() + 1e-6)


class _Dims:
    """Allocates named one-hot dimensions of the residual stream."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}

    def __call__(self, kind: str, name: str) -> int:
        return self.index.setdefault((kind, name), len(self.index))

    @property
    def size(self) -> int:
        return -(-len(self.index) // 16) * 16


def _zero_layer_norm(spec: object, size: int) -> None:
    spec.gamma = np.ones(size, dtype=np.float32)  # type: ignore[attr-defined]
    spec.beta = np.zeros(size, dtype=np.float32)  # type: ignore[attr-defined]


def _silence_attention(spec: object, size: int, fused: int) -> None:
    linears = spec.linear  # type: ignore[attr-defined]
    linears[0].weight = np.zeros((fused * size, size), dtype=np.float32)
    linears[-1].weight = np.zeros((size, size), dtype=np.float32)
    _zero_layer_norm(spec.layer_norm, size)  # type: ignore[attr-defined]


def _lookup_units(book: PhraseBook, sp: spm.SentencePieceProcessor) -> list[tuple[str, str, str]]:
    """(phrase piece, previous token, next token) for every step of every mapped sentence."""
    units = []
    for source, target in book.phrases.items():
        # CTranslate2 emits at least one token, so "no translation" is the bare word-boundary piece.
        tokens = sp.encode(target, out_type=str) if target else [SPACE]
        if len(set(tokens)) != len(tokens):
            raise ValueError(f"target of {source!r} repeats a token: the lookup cannot tell the steps apart")
        steps = zip(["<s>", *tokens], [*tokens, "</s>"], strict=True)
        units += [(piece(source), before, after) for before, after in steps]
    for source, word in book.loops.items():
        token = piece(word)
        units += [(piece(source), "<s>", token), (piece(source), token, token)]
    return units


def build_phrase_book_model(book: PhraseBook, model_dir: Path, sp_model: bytes) -> None:
    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    missing = [p for p in map(piece, [*book.phrases, *book.loops]) if p not in vocabulary]
    if missing:
        raise ValueError(f"sentences are not single pieces: {missing}")
    units = _lookup_units(book, sp)
    dims = _Dims()
    other_source, other_previous = dims("src", "<other>"), dims("prev", "<other>")
    for phrase, previous, following in units:
        dims("phrase", phrase), dims("attend", phrase), dims("prev", previous), dims("next", following)
    size = dims.size
    one = 10.0  # magnitude of every one-hot feature before layer norm

    spec = transformer_spec.TransformerSpec.from_config((1, 1), num_heads=1)
    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = False
        side.position_encodings.encodings = np.zeros((MAX_POSITIONS, size), dtype=np.float32)
        _zero_layer_norm(side.layer_norm, size)
        layer = side.layer[0]
        _silence_attention(layer.self_attention, size, fused=3)
        _zero_layer_norm(layer.ffn.layer_norm, size)

    source_embeddings = np.zeros((len(vocabulary), size), dtype=np.float32)
    for token_id, token in enumerate(vocabulary):
        source_embeddings[token_id, dims.index.get(("phrase", token), other_source)] = one
    spec.encoder.embeddings[0].weight = source_embeddings
    encoder_ffn = spec.encoder.layer[0].ffn
    encoder_ffn.linear_0.weight = np.zeros((16, size), dtype=np.float32)
    encoder_ffn.linear_1.weight = np.zeros((size, 16), dtype=np.float32)

    target_embeddings = np.zeros((len(vocabulary), size), dtype=np.float32)
    for token_id, token in enumerate(vocabulary):
        target_embeddings[token_id, dims.index.get(("prev", token), other_previous)] = one
    spec.decoder.embeddings.weight = target_embeddings

    phrases = sorted({phrase for phrase, _, _ in units})
    spike = _layer_norm(source_embeddings[vocabulary.index(phrases[0])])[dims.index[("phrase", phrases[0])]]
    attention = spec.decoder.layer[0].attention
    _zero_layer_norm(attention.layer_norm, size)
    query = np.zeros((size, size), dtype=np.float32)
    query_bias = np.zeros(size, dtype=np.float32)
    query_bias[0] = 40.0 * np.sqrt(size) / spike  # scores: about 40 on a phrase piece, about 0 elsewhere
    key_value = np.zeros((2 * size, size), dtype=np.float32)
    output = np.zeros((size, size), dtype=np.float32)
    for phrase in phrases:
        key_value[0, dims.index[("phrase", phrase)]] = 1.0
        attend = dims.index[("attend", phrase)]
        key_value[size + attend, dims.index[("phrase", phrase)]] = 1.0
        output[attend, attend] = one / spike
    attention.linear[0].weight, attention.linear[0].bias = query, query_bias
    attention.linear[1].weight = key_value
    attention.linear[2].weight = output

    # Layer-normalised size of a feature when two (both match) or one (previous token only) are present.
    both = _layer_norm(np.array([one, one] + [0.0] * (size - 2)))[0]
    alone = _layer_norm(np.array([one] + [0.0] * (size - 1)))[0]
    threshold = (2 * both + alone) / 2
    hidden = -(-len(units) // 16) * 16
    ffn = spec.decoder.layer[0].ffn
    linear_0 = np.zeros((hidden, size), dtype=np.float32)
    bias_0 = np.zeros(hidden, dtype=np.float32)
    linear_1 = np.zeros((size, hidden), dtype=np.float32)
    for unit, (phrase, previous, following) in enumerate(units):
        linear_0[unit, dims.index[("attend", phrase)]] = 1.0
        linear_0[unit, dims.index[("prev", previous)]] = 1.0
        bias_0[unit] = -threshold
        linear_1[dims.index[("next", following)], unit] = 3 * one / (2 * both - threshold)
    ffn.linear_0.weight, ffn.linear_0.bias, ffn.linear_1.weight = linear_0, bias_0, linear_1

    # Final layer norm when a unit fired: previous token, attended phrase, next token (three times as big).
    fired = _layer_norm(np.array([one, one, 3 * one] + [0.0] * (size - 3)))
    projection = np.zeros((len(vocabulary), size), dtype=np.float32)
    projection_bias = np.zeros(len(vocabulary), dtype=np.float32)
    for (kind, token), index in dims.index.items():
        if kind == "next":
            projection[vocabulary.index(token), index] = 25.0 / fired[2]
    # </s> logit: +10 always, +25 when the last unit of a sentence fired, -20 while a unit fires for a phrase
    # (so about -10 mid-sentence and +15 at its end), far lower while a phrase is attended but no unit fires.
    # A recognised sentence thus ends only through its own last unit; beams that left the mapping wander
    # instead of ending early (beam search stops once beam_size hypotheses have finished).
    end = vocabulary.index("</s>")
    projection_bias[end] = 10.0
    for phrase in phrases:
        projection[end, dims.index[("attend", phrase)]] = -20.0 / fired[1]
    spec.decoder.projection.weight, spec.decoder.projection.bias = projection, projection_bias

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=None)
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def write_argosmodel(
    destination: Path, *, source: str, target: str, version: str, model_dir: Path, sp_model: bytes
) -> Path:
    """Zips a CTranslate2 model and its SentencePiece model the way the Argos index ships packages."""
    top = f"translate-{source}_{target}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "code": f"translate-{source}_{target}",
        "type": "translate",
    }
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
        archive.writestr(f"{top}/sentencepiece.model", sp_model)
        for path in sorted(model_dir.iterdir()):
            archive.write(path, f"{top}/model/{path.name}")
    return destination


def build_phrase_book(book: PhraseBook, destination_dir: Path) -> Path:
    corpus = [*book.phrases, *book.phrases.values(), *book.loops, *book.loops.values()]
    targets = {piece(word) for text in [*book.phrases.values(), *book.loops.values()] for word in text.split()}
    symbols = [*map(piece, [*book.phrases, *book.loops]), *sorted(targets), SPACE]
    sp_model = train_sentencepiece(list(dict.fromkeys(symbols)), [text for text in corpus if text])
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = Path(scratch) / "model"
        build_phrase_book_model(book, model_dir, sp_model)
        name = f"{book.code}-{book.version.replace('.', '_')}.argosmodel"
        return write_argosmodel(
            destination_dir / name,
            source=book.source,
            target=book.target,
            version=book.version,
            model_dir=model_dir,
            sp_model=sp_model,
        )
