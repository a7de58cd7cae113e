"""Re-voicing a kept vocal toward a gender with Praat's "Change gender" (praat-parselmouth)."""

from __future__ import annotations

import numpy as np
import parselmouth
from parselmouth.praat import call

# gender -> target median pitch (Hz) of the re-voiced vocal: the octave of the voice's own pitch classes nearest it
TARGETS = {"male": 115.0, "neutral": 175.0, "female": 250.0}
_PITCH_FLOOR, _PITCH_CEILING = 70.0, 700.0
_OCTAVE_BIAS = 0.35  # an octave's move is made once the target is 0.65 octave away (1.65 for two)


def revoice(audio: np.ndarray, sample_rate: int, gender: str) -> np.ndarray:
    """Move a (separated) mono vocal's pitch (by whole octaves: still in the song's key) and formants toward
    `gender`; same length, float32."""
    mono = np.asarray(audio, dtype=np.float64).reshape(-1)
    if gender not in TARGETS or mono.size < sample_rate // 10 or not np.any(np.abs(mono) > 1e-5):
        return mono.astype(np.float32)
    pitch_target = TARGETS[gender]
    sound = parselmouth.Sound(mono, sampling_frequency=sample_rate)
    median = call(sound.to_pitch(pitch_floor=_PITCH_FLOOR, pitch_ceiling=_PITCH_CEILING), "Get quantile", 0, 0, 0.5,
                  "Hertz")
    if not np.isfinite(median) or median <= 0:
        return mono.astype(np.float32)  # nothing voiced to move
    # formants follow the pitch move partly (a smaller vocal tract for a higher voice), within limits
    formant_ratio = float(np.clip((pitch_target / median) ** 0.3, 0.85, 1.2))
    # the pitch moves by whole octaves only, toward the target: the band keeps the song's key, and a
    # vocal moved by any other interval sings against it (to 250 Hz from 198 Hz was 2.2 semitones sharp of the
    # song; to 115 Hz, 0.7 flat of an octave down); a second octave only when the target is 1.65 away (a soprano
    # asked male sings an octave down, not two: the fewer the octaves, the fewer the artefacts)
    shift = float(np.log2(pitch_target / median))
    octaves = int(np.trunc(shift + np.copysign(_OCTAVE_BIAS, shift)))
    new_median = median * 2.0 ** octaves if octaves else 0.0  # 0: Praat keeps the pitch
    changed = call(sound, "Change gender", _PITCH_FLOOR, _PITCH_CEILING, formant_ratio, new_median, 1.0, 1.0)
    out = changed.values[0]
    out = out[: mono.size] if out.size >= mono.size else np.pad(out, (0, mono.size - out.size))
    out = np.nan_to_num(out)
    peak = np.max(np.abs(out))
    if peak > 0.99:
        out *= 0.99 / peak
    return out.astype(np.float32)
