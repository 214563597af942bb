"""Builds a small real Whisper model in CTranslate2 format (what faster-whisper loads) from numpy weights.

The captioning tests need a model that runs through the same code as a real one (faster-whisper's feature
extractor, CTranslate2's Whisper encoder and decoder, the tokenizer, the no-speech probability) yet says
something known: a "phrase" model. Its encoder is random and its decoder ignores the audio: whatever it
hears, it says the one sentence given for the language it was asked to transcribe. Telling speech from
silence and noise is the kiosk's voice-activity detector's job (Silero, real), which is what the tests check.

How the decoder works (one layer, one head, tied to nothing): every sentence is one token. The self-attention
puts all its weight on the language token of the prompt (<|sot|><|ar|><|transcribe|><|notimestamps|>) and
copies that language into the residual stream; the output projection then scores a sentence token by
"previous token is <|notimestamps|>" plus "the language is mine", and <|endoftext|> by "previous token was a
sentence". So the model emits the language's sentence, then stops. The cross-attention and feed-forward
layers are silenced; the vocabulary has Whisper large-v3's multilingual layout (51866 tokens), so CTranslate2 and
faster-whisper treat it as a multilingual model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from ctranslate2.specs import whisper_spec
from faster_whisper.tokenizer import _LANGUAGE_CODES

# Whisper large-v3's multilingual layout: 50257 text tokens, the special tokens (100 languages), 1501 timestamps.
TEXT_TOKENS = 50257
LANGUAGES = tuple(_LANGUAGE_CODES)  # the 100 faster-whisper knows; it finds their tokens by name, not place
SPECIALS_AFTER_LANGUAGES = ("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
                            "<|nospeech|>", "<|notimestamps|>")  # fmt: skip
TIMESTAMPS = 1501
VOCABULARY_SIZE = TEXT_TOKENS + 2 + len(LANGUAGES) + len(SPECIALS_AFTER_LANGUAGES) + TIMESTAMPS  # 51866
N_MELS = 80
ENCODER_POSITIONS = 1500
DECODER_POSITIONS = 448
SIZE = 64  # d_model
FFN = 128


def _byte_alphabet() -> list[str]:
    """GPT-2's byte-to-unicode table: the 256 symbols a byte-level BPE vocabulary starts with."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    codes, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    table = dict(zip(printable, codes, strict=True))
    return [chr(table[byte]) for byte in range(256)]


def _byte_level(text: str) -> str:
    alphabet = _byte_alphabet()
    return "".join(alphabet[byte] for byte in text.encode("utf-8"))


def vocabulary(sentences: Mapping[str, str]) -> list[str]:
    tokens = _byte_alphabet()
    tokens += [_byte_level(" " + sentence) for sentence in sentences.values()]
    tokens += [""]  # CTranslate2 4.8 takes a vocabulary for multilingual only when it holds the empty token
    tokens += [f"<|filler{i}|>" for i in range(TEXT_TOKENS - len(tokens))]
    tokens += ["<|endoftext|>", "<|startoftranscript|>", *(f"<|{code}|>" for code in LANGUAGES)]
    tokens += list(SPECIALS_AFTER_LANGUAGES)
    tokens += [f"<|{i * 0.02:.2f}|>" for i in range(TIMESTAMPS)]
    assert len(tokens) == VOCABULARY_SIZE and len(set(tokens)) == len(tokens)
    return tokens


def _tokenizer_json(tokens: list[str]) -> dict[str, object]:
    specials = [{"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
                for i, token in enumerate(tokens) if i >= TEXT_TOKENS]  # fmt: skip
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": specials,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {token: i for i, token in enumerate(tokens[:TEXT_TOKENS])},
            "merges": [],
        },
    }


class _Weights:
    """Fills layer specs of one model size: random (normal, `std`) when given a generator, else zeros."""

    def __init__(self, size: int, ffn: int, rng: np.random.Generator | None, std: float) -> None:
        self.size, self.ffn, self.rng, self.std = size, ffn, rng, std

    def array(self, *shape: int) -> np.ndarray:
        if self.rng is None:
            return np.zeros(shape, np.float32)
        return self.rng.normal(0, self.std, shape).astype(np.float32)

    def norm(self, spec: object) -> None:
        spec.gamma = np.ones(self.size, dtype=np.float32)  # type: ignore[attr-defined]
        spec.beta = np.zeros(self.size, dtype=np.float32)  # type: ignore[attr-defined]

    def linear(self, spec: object, rows: int, columns: int) -> None:
        spec.weight = self.array(rows, columns)  # type: ignore[attr-defined]
        spec.bias = np.zeros(rows, dtype=np.float32)  # type: ignore[attr-defined]

    def encoder(self, encoder: whisper_spec.WhisperEncoderSpec) -> None:
        size = self.size
        encoder.conv1.weight, encoder.conv1.bias = self.array(size, N_MELS, 3), np.zeros(size, np.float32)
        encoder.conv2.weight, encoder.conv2.bias = self.array(size, size, 3), np.zeros(size, np.float32)
        encoder.position_encodings.encodings = self.array(ENCODER_POSITIONS, size)
        self.norm(encoder.layer_norm)
        for layer in encoder.layer:
            self.attention(layer.self_attention, fused=3)
            self.feed_forward(layer.ffn)

    def attention(self, spec: object, fused: int) -> None:
        """Self-attention (one fused q, k, v projection) or, with fused=0, cross-attention (q, then k and v)."""
        size, linears = self.size, spec.linear  # type: ignore[attr-defined]
        self.norm(spec.layer_norm)  # type: ignore[attr-defined]
        if fused:
            self.linear(linears[0], fused * size, size)
        else:
            self.linear(linears[0], size, size)
            self.linear(linears[1], 2 * size, size)
        self.linear(linears[-1], size, size)

    def feed_forward(self, spec: object) -> None:
        self.norm(spec.layer_norm)  # type: ignore[attr-defined]
        self.linear(spec.linear_0, self.ffn, self.size)  # type: ignore[attr-defined]
        self.linear(spec.linear_1, self.size, self.ffn)  # type: ignore[attr-defined]


def _save(spec: whisper_spec.WhisperSpec, tokens: list[str], model_dir: Path, quantization: str | None) -> Path:
    """Config, vocabulary, weights, and the two files faster-whisper reads beside them."""
    index = {token: i for i, token in enumerate(tokens)}
    spec.config.suppress_ids = []
    spec.config.suppress_ids_begin = [index["<|endoftext|>"]]
    spec.config.lang_ids = [index[f"<|{code}|>"] for code in LANGUAGES]
    spec.register_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization=quantization)
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))
    (model_dir / "tokenizer.json").write_text(json.dumps(_tokenizer_json(tokens)), encoding="utf-8")
    preprocessor = {"feature_size": N_MELS, "sampling_rate": 16000, "hop_length": 160, "chunk_length": 30,
                    "n_fft": 400}  # fmt: skip
    (model_dir / "preprocessor_config.json").write_text(json.dumps(preprocessor), encoding="utf-8")
    return model_dir


def build_random_whisper(
    model_dir: Path, size: int = 512, layers: int = 6, heads: int = 8, ffn: int = 2048, seed: int = 5
) -> Path:
    """Whisper's shape (by default base: 6+6 layers, d_model 512) with random weights, saved in float16 as the
    published CTranslate2 conversions are: for the benchmark's real-size cost. It says nothing meaningful."""
    weights = _Weights(size, ffn, np.random.default_rng(seed), std=0.02)
    spec = whisper_spec.WhisperSpec(layers, heads, layers, heads)
    weights.encoder(spec.encoder)
    decoder = spec.decoder
    decoder.embeddings.weight = weights.array(VOCABULARY_SIZE, size)
    decoder.position_encodings.encodings = weights.array(DECODER_POSITIONS, size)
    weights.norm(decoder.layer_norm)
    for layer in decoder.layer:
        weights.attention(layer.self_attention, fused=3)
        weights.attention(layer.attention, fused=0)
        weights.feed_forward(layer.ffn)
    weights.linear(decoder.projection, VOCABULARY_SIZE, size)
    spec.config.alignment_heads = [(layer, head) for layer in range(layers // 2, layers) for head in range(heads)]
    return _save(spec, vocabulary({}), model_dir, quantization="float16")


def build_phrase_whisper(sentences: Mapping[str, str], model_dir: Path, seed: int = 7) -> Path:
    """A Whisper model that says `sentences[language]` whatever it hears. Writes model.bin, config.json,
    vocabulary.json, tokenizer.json and preprocessor_config.json into `model_dir` and returns it."""
    unknown = set(sentences) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"not Whisper languages: {sorted(unknown)}")
    tokens = vocabulary(sentences)
    index = {token: i for i, token in enumerate(tokens)}
    rng = np.random.default_rng(seed)
    dims = ["one", "is_language", "previous_notimestamps", "previous_sentence"]
    dims += [f"language_{code}" for code in sentences] + [f"heard_{code}" for code in sentences]
    if len(dims) > SIZE:
        raise ValueError("too many sentences for the model size")
    dim = {name: i for i, name in enumerate(dims)}
    one = 10.0

    embeddings = np.zeros((VOCABULARY_SIZE, SIZE), np.float32)
    embeddings[:, dim["one"]] = one
    for code in LANGUAGES:
        embeddings[index[f"<|{code}|>"], dim["is_language"]] = one
    for code in sentences:
        embeddings[index[f"<|{code}|>"], dim[f"language_{code}"]] = one
    embeddings[index["<|notimestamps|>"], dim["previous_notimestamps"]] = one
    sentence_ids = [256 + i for i in range(len(sentences))]  # right after the byte alphabet
    for token_id in sentence_ids:
        embeddings[token_id, dim["previous_sentence"]] = one

    spec = whisper_spec.WhisperSpec(1, 1, 1, 1)
    _Weights(SIZE, FFN, rng, std=0.05).encoder(spec.encoder)
    silent = _Weights(SIZE, FFN, None, std=0.0)
    decoder = spec.decoder
    decoder.embeddings.weight = embeddings
    decoder.position_encodings.encodings = np.zeros((DECODER_POSITIONS, SIZE), np.float32)
    silent.norm(decoder.layer_norm)
    layer = decoder.layer[0]

    # self-attention: every position looks at the language token and copies the language
    attention = layer.self_attention
    silent.norm(attention.layer_norm)
    fused = np.zeros((3 * SIZE, SIZE), np.float32)
    fused[0, dim["one"]] = 3.0  # query: always
    fused[SIZE, dim["is_language"]] = 3.0  # key: only the language token
    for code in sentences:
        fused[2 * SIZE + dim[f"heard_{code}"], dim[f"language_{code}"]] = 2.0  # value: the language
    attention.linear[0].weight, attention.linear[0].bias = fused, np.zeros(3 * SIZE, np.float32)
    attention.linear[1].weight = np.eye(SIZE, dtype=np.float32)
    attention.linear[1].bias = np.zeros(SIZE, np.float32)

    # the audio is not listened to; nothing is added by the feed-forward layer
    silent.attention(layer.attention, fused=0)
    silent.feed_forward(layer.ffn)

    weight, strength = np.zeros((VOCABULARY_SIZE, SIZE), np.float32), 4.0
    for code, token_id in zip(sentences, sentence_ids, strict=True):
        weight[token_id, dim["previous_notimestamps"]] = strength
        weight[token_id, dim[f"heard_{code}"]] = strength
    weight[index["<|endoftext|>"], dim["previous_sentence"]] = 3 * strength
    decoder.projection.weight, decoder.projection.bias = weight, np.zeros(VOCABULARY_SIZE, np.float32)

    spec.config.alignment_heads = [(0, 0)]
    return _save(spec, tokens, model_dir, quantization=None)
