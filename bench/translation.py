"""Translation latency, cold start and memory with models of real Argos size. Run by hand, not in CI:

    .venv/bin/python bench/translation.py [--beam N] [--runs 30] [--work-dir /tmp/politieloket-bench]

Builds (once, cached in --work-dir, about 300 MB) three Transformer-base packages with random weights (6+6
layers, d_model 512, 8 heads, FF 2048, 32k SentencePiece vocabulary, int8), one per input size, each made to
emit end-of-sentence after a fixed number of tokens so every run decodes the same length. Then, in one process,
it times the same sentences through ArgosTranslator and through CTranslate2 directly (the floor, same beam
size and decoding options as argostranslate), and measures cold start and RSS in fresh subprocesses.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import ctranslate2  # noqa: E402
import numpy as np  # noqa: E402
import sentencepiece as spm  # noqa: E402
from ctranslate2.specs import transformer_spec  # noqa: E402
from sentencepiece import sentencepiece_model_pb2  # noqa: E402

from kiosk.settings import Settings  # noqa: E402
from tools.argos_models import SPACE, write_argosmodel  # noqa: E402

protos: Any = sentencepiece_model_pb2  # generated protobuf module: no type information

VOCABULARY = 32_000
D_MODEL, HEADS, FF, LAYERS = 512, 8, 2048, 6
TOKENS_PER_WORD = 1.3  # typical for Argos SentencePiece models
# input words -> the (made-up) source language whose package emits that many output tokens
SIZES = {5: "de", 20: "fr", 60: "es"}
TARGET = "nl"


def output_tokens(words: int) -> int:
    return round(words * TOKENS_PER_WORD) + 1


def sentencepiece_model(words: list[str]) -> bytes:
    """A unigram model whose pieces are whole words (plus single letters, so any text encodes)."""
    model = protos.ModelProto()
    model.trainer_spec.model_type = protos.TrainerSpec.UNIGRAM
    model.trainer_spec.vocab_size = VOCABULARY
    model.normalizer_spec.name = "identity"
    model.normalizer_spec.add_dummy_prefix = True
    model.normalizer_spec.remove_extra_whitespaces = True
    model.normalizer_spec.escape_whitespaces = True
    kinds = protos.ModelProto.SentencePiece
    for piece, kind in (("<unk>", kinds.UNKNOWN), ("<s>", kinds.CONTROL), ("</s>", kinds.CONTROL)):
        model.pieces.add(piece=piece, score=0.0, type=kind)
    letters = [SPACE, ".", *"abcdefghijklmnopqrstuvwxyz"]
    for index, piece in enumerate([*letters, *(SPACE + word for word in words)]):
        model.pieces.add(piece=piece, score=-1.0 - index * 1e-4 if len(piece) > 1 else -20.0)
    return model.SerializeToString()


def vocabulary_words(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY - 3 - 28:
        words.add("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))))
    return sorted(words)


def _linear(spec: object, rng: np.random.Generator, rows: int, columns: int) -> None:
    spec.weight = (rng.standard_normal((rows, columns)) / np.sqrt(columns)).astype(np.float32)  # type: ignore[attr-defined]
    spec.bias = np.zeros(rows, dtype=np.float32)  # type: ignore[attr-defined]


def _norm(spec: object) -> None:
    spec.gamma = np.ones(D_MODEL, dtype=np.float32)  # type: ignore[attr-defined]
    spec.beta = np.zeros(D_MODEL, dtype=np.float32)  # type: ignore[attr-defined]


def _sinusoids(length: int) -> np.ndarray:
    positions = np.arange(length)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, D_MODEL, 2) / D_MODEL)
    table = np.zeros((length, D_MODEL), dtype=np.float32)
    table[:, 0::2], table[:, 1::2] = np.sin(positions * rates), np.cos(positions * rates)
    return table


def random_transformer_base(vocabulary: list[str], end_after: int, model_dir: Path) -> None:
    """Random weights, except one residual dimension the layers cannot write: a clock in the decoder's
    position table, strongly negative before step `end_after` and positive from it on, dominates the final
    layer norm and alone drives the </s> logit. The work per step is that of any Transformer-base."""
    rng = np.random.default_rng(7)
    spec = transformer_spec.TransformerSpec.from_config(LAYERS, HEADS)
    spec.encoder.embeddings[0].weight = (rng.standard_normal((VOCABULARY, D_MODEL)) / np.sqrt(D_MODEL)).astype(
        np.float32
    )
    spec.decoder.embeddings.weight = (rng.standard_normal((VOCABULARY, D_MODEL)) / np.sqrt(D_MODEL)).astype(np.float32)
    spec.decoder.embeddings.weight[:, 0] = 0.0
    clock = _sinusoids(1024)
    clock[:, 0] = np.where(np.arange(1024) >= end_after, 1000.0, -1000.0)
    spec.decoder.position_encodings.encodings = clock
    for side in (spec.encoder, spec.decoder):
        _norm(side.layer_norm)
        for layer in side.layer:
            attentions = [layer.self_attention] + ([layer.attention] if hasattr(layer, "attention") else [])
            for attention in attentions:
                _norm(attention.layer_norm)
                fused = [3] if attention is layer.self_attention else [1, 2]
                for linear, parts in zip(attention.linear, fused, strict=False):
                    _linear(linear, rng, parts * D_MODEL, D_MODEL)
                _linear(attention.linear[-1], rng, D_MODEL, D_MODEL)
            _norm(layer.ffn.layer_norm)
            _linear(layer.ffn.linear_0, rng, FF, D_MODEL)
            _linear(layer.ffn.linear_1, rng, D_MODEL, FF)
            if side is spec.decoder:
                for output in [a.linear[-1] for a in attentions] + [layer.ffn.linear_1]:
                    output.weight[0, :] = 0.0
    _linear(spec.decoder.projection, rng, VOCABULARY, D_MODEL)
    spec.decoder.projection.weight[:, 0] = 0.0
    spec.decoder.projection.weight[2, :] = 0.0
    spec.decoder.projection.weight[2, 0] = 1.0  # </s> reads the clock only
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def build(work_dir: Path) -> tuple[Settings, list[str], bytes]:
    rng = random.Random(11)
    words = vocabulary_words(rng)
    sp_model = sentencepiece_model(words)
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    settings = Settings(
        data_dir=work_dir,
        models_dir=work_dir / "models",
        languages=(TARGET, *SIZES.values()),
        translation_warm_languages=tuple(SIZES.values()),
    )
    packages = settings.models_dir / "packages"
    if len(list(packages.glob("translate-*"))) < len(SIZES):
        from kiosk.translation.provisioning import Provisioner

        for count, source in SIZES.items():
            with tempfile.TemporaryDirectory(dir=work_dir) as scratch:
                started = time.perf_counter()
                random_transformer_base(vocabulary, output_tokens(count), Path(scratch) / "model")
                archive = write_argosmodel(
                    work_dir / "stick" / f"translate-{source}_{TARGET}.argosmodel",
                    source=source,
                    target=TARGET,
                    version="0.0",
                    model_dir=Path(scratch) / "model",
                    sp_model=sp_model,
                )
                size, seconds = archive.stat().st_size / 1e6, time.perf_counter() - started
                print(f"built {archive.name}: {size:.0f} MB in {seconds:.0f} s")
        Provisioner(settings, report=print).install(work_dir / "stick", allow_unpinned=True)
    return settings, words, sp_model


def sentences(words: list[str], count: int, runs: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(count)) + "." for _ in range(runs)]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(settings: Settings, words: list[str], sp_model: bytes, runs: int) -> None:
    from kiosk.translation.argos_translator import ArgosTranslator

    translator = ArgosTranslator(settings)
    translator.start().result()
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    print(f"\nbeam {settings.translation_beam_size}, {settings.translation_threads} threads, {runs} sentences each")
    print(
        f"{'words':>5} {'out tok':>7} {'raw p50':>8} {'raw p95':>8} {'argos p50':>9} {'argos p95':>9} {'p50 ratio':>9}"
    )
    for count, source in SIZES.items():
        package = settings.models_dir / "packages" / f"translate-{source}_{TARGET}-0_0"
        raw = ctranslate2.Translator(
            str(package / "model"), device="cpu", inter_threads=1, intra_threads=settings.translation_threads
        )
        raw_times, argos_times = [], []
        for index, text in enumerate(sentences(words, count, runs + 3, seed=count)):
            started = time.perf_counter()
            result = raw.translate_batch(
                [processor.encode(text, out_type=str)],
                beam_size=settings.translation_beam_size,
                num_hypotheses=1,
                length_penalty=0.2,
                replace_unknowns=True,
                max_batch_size=32,
                batch_type="tokens",
                return_scores=True,
            )
            processor.decode_pieces(result[0].hypotheses[0])
            raw_seconds = time.perf_counter() - started
            started = time.perf_counter()
            translated = translator.translate(text, source, TARGET)
            argos_seconds = time.perf_counter() - started
            assert translated.text is not None and len(result[0].hypotheses[0]) == output_tokens(count)
            if index >= 3:  # the first few warm caches and allocators
                raw_times.append(raw_seconds)
                argos_times.append(argos_seconds)
        raw_p50, argos_p50 = statistics.median(raw_times), statistics.median(argos_times)
        print(
            f"{count:>5} {output_tokens(count):>7} {raw_p50 * 1e3:>6.0f}ms {percentile(raw_times, 0.95) * 1e3:>6.0f}ms "
            f"{argos_p50 * 1e3:>7.0f}ms {percentile(argos_times, 0.95) * 1e3:>7.0f}ms {argos_p50 / raw_p50:>9.2f}"
        )
        del raw
    translator.close()


COLD_START = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from kiosk.settings import Settings
from kiosk.translation.argos_translator import ArgosTranslator
settings = Settings(data_dir=Path(sys.argv[1]), models_dir=Path(sys.argv[1]) / "models", languages=("nl", "fr"),
                    translation_warm_languages=("fr",), translation_beam_size=int(sys.argv[2]))
translator = ArgosTranslator(settings)
future = translator.start()
returned = time.perf_counter() - started
future.result()
warm = time.perf_counter() - started
first = translator.translate(sys.argv[3], "fr", "nl").seconds
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
rss = {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}
print(json.dumps({"start_returns": returned, "warm": warm, "first": first, **rss}))
"""

RAW_RSS = """
import ctranslate2, json, sys
translator = ctranslate2.Translator(sys.argv[1], device="cpu", intra_threads=2)
translator.translate_batch([["\\u2581abc"] * 20], beam_size=2)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}))
"""


def cold_start(settings: Settings, words: list[str]) -> None:
    text = sentences(words, 20, 1, seed=99)[0]
    argv = [str(settings.data_dir), str(settings.translation_beam_size), text]
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, *argv], capture_output=True, text=True, cwd=REPO, check=True
    )
    cold = json.loads(done.stdout.strip().splitlines()[-1])
    model = settings.models_dir / "packages" / f"translate-fr_{TARGET}-0_0" / "model"
    done = subprocess.run([sys.executable, "-c", RAW_RSS, str(model)], capture_output=True, text=True, check=True)
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"\ncold start, fresh process, one pair (fr -> nl): start() returns after {cold['start_returns'] * 1e3:.0f} ms "
        f"(imports included); warm after {cold['warm']:.1f} s; first 20-word sentence {cold['first'] * 1e3:.0f} ms"
    )
    print(
        f"RSS with one pair loaded: ArgosTranslator {cold['VmRSS']:.0f} MB (peak {cold['VmHWM']:.0f}), "
        f"CTranslate2 alone {raw['VmRSS']:.0f} MB (peak {raw['VmHWM']:.0f}), ratio {cold['VmRSS'] / raw['VmRSS']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "politieloket-bench")
    parser.add_argument("--beam", type=int, default=Settings().translation_beam_size)
    parser.add_argument("--threads", type=int, default=Settings().translation_threads)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    settings, words, sp_model = build(args.work_dir)
    settings = replace(settings, translation_beam_size=args.beam, translation_threads=args.threads)
    latency(settings, words, sp_model, args.runs)
    cold_start(settings, words)


if __name__ == "__main__":
    main()
