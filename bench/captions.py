"""Benchmark live captions with real-size models: Whisper base and Argos base, each with random weights.

    .venv/bin/python -m bench.captions [--turns 10] [--work-dir /tmp/politieloket-bench-captions]

A resident speaks Spanish (espeak-ng) in turns of 3 to 8 seconds with pauses between them, fed in real time
in 20 ms frames as a call delivers them, through the kiosk's own caption stream: Silero VAD, the end of the
turn, faster-whisper on a Whisper-base-shaped model (6+6 layers, d_model 512, 51866 tokens; loaded int8 as the
kiosk does), Argos Transformer-base es -> nl (bench/translation.py's builder). Baselines from the same run:
Whisper alone and Argos alone on the same turns. Then the memory of a kiosk process, measured in fresh
subprocesses: one translation pair warm, and the same with Whisper loaded after a captioned turn.

Random weights say nothing, so the decoder runs to the kiosk's cap on tokens per turn (12 + 6 a second of
speech: 30 to 60 tokens), about twice what real speech needs: the Whisper figures are pessimistic.
Targets (issue 13): end of speech to caption p95 <= 2.0 s; RSS <= 350 MB with a pair warm, <= 800 MB with
Whisper loaded. The caption reaches the officer over the data channel after this: the call bench measures
that hop (chat without translation, p50 about 16 ms).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FRAME = 320  # 20 ms at 16 kHz
PAUSE_S = 1.5


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    if not values:
        return "no values"
    p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={len(values)})"


def random_whisper_base(model_dir: Path) -> Path:
    """Whisper base's shape with random weights (tools/whisper_models.py), built once into the work directory."""
    from tools.whisper_models import build_random_whisper

    return model_dir if (model_dir / "model.bin").is_file() else build_random_whisper(model_dir)


def spanish_turns(count: int) -> list[tuple[str, np.ndarray]]:
    """espeak-ng Spanish turns of 3 to 8 seconds (made-up words from the Argos bench's vocabulary)."""
    from bench.translation import vocabulary_words
    from tools.speech_audio import speech

    words, rng = vocabulary_words(random.Random(11)), random.Random(3)
    turns: list[tuple[str, np.ndarray]] = []
    while len(turns) < count:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(7, 20))) + "."
        audio = speech("es", text)
        voiced = np.flatnonzero(np.abs(audio) > 0.01)
        audio = audio[: voiced[-1] + 1] if len(voiced) else audio  # the turn ends where the voice does
        if 3.0 <= len(audio) / 16_000 <= 8.0:
            turns.append((text, audio))
    return turns


def captioned_turns(engines: Any, turns: list[tuple[str, np.ndarray]]) -> tuple[list[float], float, int]:
    """Feeds the turns in real time; returns end-of-speech-to-caption latencies, CPU share and captions."""
    from domain.chat import Sender
    from kiosk.captions.captioner import CaptionStream, Heard
    from tools.speech_audio import silence

    ready: list[float] = []
    done = threading.Event()

    def heard(one: Heard) -> None:
        ready.append(time.monotonic())
        if len(ready) == len(turns):
            done.set()

    stream = CaptionStream(Sender.RESIDENT, "es", "nl", engines, heard)
    audio = np.concatenate([part for _, speech in turns for part in (speech, silence(PAUSE_S))])
    ends, position = [], 0
    for _, speech in turns:
        position += len(speech)
        ends.append(position)
        position += round(PAUSE_S * 16_000)
    cpu, began = time.process_time(), time.monotonic()
    for start in range(0, len(audio), FRAME):
        wait = began + start / 16_000 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        stream.feed(audio[start : start + FRAME])
    done.wait(timeout=60)
    stream.close()
    share = (time.process_time() - cpu) / (time.monotonic() - began)
    spoken = [began + end / 16_000 for end in ends]
    return [r - s for r, s in zip(ready, spoken, strict=False)], share, len(ready)


MEMORY = """
import json, sys
from pathlib import Path

def peak_mb():  # VmHWM starts afresh with the new program; ru_maxrss would carry the parent's peak over exec
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

from kiosk.settings import Settings
from kiosk.translation.argos_translator import ArgosTranslator
work = Path(sys.argv[1])
settings = Settings(data_dir=work, models_dir=work / "call-models", translation_warm_languages=("es",))
translator = ArgosTranslator(settings)
translator.start().result(timeout=600)
translator.submit("una frase corta para calentar", "es", "nl").result()
result = {"pair": peak_mb()}
if sys.argv[2] == "whisper":
    import numpy as np
    from domain.chat import Sender
    from kiosk.captions.captioner import CaptionEngines, CaptionStream
    from kiosk.captions.silero_vad import SileroVad
    from kiosk.captions.whisper_transcriber import WhisperTranscriber
    from tools.speech_audio import silence, speech
    engines = CaptionEngines(WhisperTranscriber(Path(sys.argv[3])), translator, "whisper-base-random", SileroVad)
    heard = []
    stream = CaptionStream(Sender.RESIDENT, "es", "nl", engines, heard.append)
    stream.feed(np.concatenate([speech("es", "una frase corta para calentar el modelo"), silence(1.5)]))
    stream.close()
    result["whisper"] = peak_mb()
    result["captions"] = len(heard)
translator.close()
print(json.dumps(result))
"""


def memory(work_dir: Path, whisper_dir: Path, with_whisper: bool) -> dict[str, float]:
    command = [sys.executable, "-c", MEMORY, str(work_dir), "whisper" if with_whisper else "pair", str(whisper_dir)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "politieloket-bench-captions")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from bench.chat_lines import base_lines
    from kiosk.captions.captioner import CaptionEngines
    from kiosk.captions.silero_vad import SileroVad
    from kiosk.captions.utterances import Endpointing
    from kiosk.captions.whisper_transcriber import WhisperTranscriber

    args.work_dir.mkdir(parents=True, exist_ok=True)
    whisper_dir = random_whisper_base(args.work_dir / "whisper-base-random")
    lines = base_lines(args.work_dir)  # Argos base es <-> nl, warm
    transcriber = WhisperTranscriber(whisper_dir)
    engines = CaptionEngines(transcriber, lines.translator, "whisper-base-random", SileroVad)
    turns = spanish_turns(args.turns)
    transcriber.transcribe(turns[0][1], "es")  # warm-up, as the kiosk's first call after start-up
    latencies, cpu, captions = captioned_turns(engines, turns)

    whisper_alone, argos_alone = [], []
    for _text, audio in turns:
        started = time.monotonic()
        transcript = transcriber.transcribe(audio, "es")
        whisper_alone.append(time.monotonic() - started)
        lines.translator.forget()
        started = time.monotonic()
        lines.translator.submit(transcript.text, "es", "nl").result()
        argos_alone.append(time.monotonic() - started)
    lines.translator.close()
    pair = memory(args.work_dir, whisper_dir, with_whisper=False)
    whole = memory(args.work_dir, whisper_dir, with_whisper=True)
    wait = Endpointing().end_silence_s

    seconds = [len(audio) / 16_000 for _, audio in turns]
    print(f"captions, {len(turns)} Spanish turns of {min(seconds):.1f}-{max(seconds):.1f} s, real time, 2 cores;"
          " Whisper base shape (random, int8) + Argos base es -> nl (random)")  # fmt: skip
    print(f"  end of speech -> caption     {spread(latencies)}   target p95 <= 2.0 s  ({captions} captions)")
    print(f"    of which the end-of-turn wait   {wait * 1000:7.1f} ms (silence that closes a turn)")
    print(f"    baseline: Whisper alone    {spread(whisper_alone)}")
    print(f"    baseline: Argos alone      {spread(argos_alone)}")
    print(f"  kiosk CPU while captioning   {cpu * 100:6.1f} % of one core")
    print(f"  peak RSS, es <-> nl warm     {pair['pair']:6.0f} MB   target <= 350 MB (a fresh kiosk process)")
    print(f"  peak RSS, + Whisper, caption {whole['whisper']:6.0f} MB   target <= 800 MB")
    parts = percentile(whisper_alone, 0.95) + percentile(argos_alone, 0.95)
    print(f"  ratio: caption p95 / (Whisper p95 + Argos p95) = {percentile(latencies, 0.95) / parts:.2f}")


if __name__ == "__main__":
    main()
