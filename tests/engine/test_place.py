"""Where the finished version is heard from: another room, the bathroom at a party, the shower, a car."""

import numpy as np
import pytest

from remixes.engine.place import heard_from
from remixes.engine.style import interpret

SR = 44100


def noise(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """White noise, a little wider in stereo than in the middle (each side its own share)."""
    rng = np.random.default_rng(seed)
    mid, side = rng.normal(0, 0.1, int(seconds * SR)), rng.normal(0, 0.05, int(seconds * SR))
    return np.stack([mid + side, mid - side], axis=1).astype(np.float32)


def band_db(audio: np.ndarray, lo: float, hi: float) -> float:
    """Energy between lo and hi Hz (the middle of the stereo), in dB."""
    spectrum = np.abs(np.fft.rfft(audio[:, 0].astype(np.float64) + audio[:, 1])) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / SR)
    return float(10 * np.log10(spectrum[(freqs >= lo) & (freqs < hi)].sum()))


def tilt(audio: np.ndarray, lo: tuple[float, float], hi: tuple[float, float]) -> float:
    """How many dB the `hi` band stands over the `lo` band."""
    return band_db(audio, *hi) - band_db(audio, *lo)


def side_share(audio: np.ndarray) -> float:
    return float(np.std(audio[:, 0] - audio[:, 1]) / np.std(audio[:, 0] + audio[:, 1]))


def tail(audio: np.ndarray, after: float) -> float:
    """RMS of the audio from `after` s on, over its RMS before."""
    cut = int(after * SR)
    return float(np.sqrt(np.mean(audio[cut:] ** 2)) / np.sqrt(np.mean(audio[:cut] ** 2)))


def test_through_a_wall_the_highs_are_lost_and_the_bass_goes_on():
    """Next door the 2-6 kHz band falls > 20 dB against the bass (a voice's consonants, the hats); the stereo picture
    mostly goes next door (the wall is one source; the bathroom's livelier room spreads its echo wide again)."""
    source = noise()
    for place in ("another_room", "bathroom"):
        heard = heard_from(source, place, SR)
        assert heard.shape == source.shape and heard.dtype == np.float32
        assert tilt(heard, (40, 150), (2000, 6000)) < tilt(source, (40, 150), (2000, 6000)) - 20
        assert tilt(heard, (40, 150), (6000, 16000)) < tilt(source, (40, 150), (6000, 16000)) - 35
        assert place == "bathroom" or side_share(heard) < 0.6 * side_share(source)


def test_rooms_answer_with_their_own_echo():
    """A burst of noise, then silence: the tiled rooms (the bathroom, the shower) ring on after it far longer than
    the furnished room next door or a car's small dry cabin."""
    burst = noise(2.0)
    burst[int(0.3 * SR):] = 0
    rings = {place: tail(heard_from(burst, place, SR), 0.45) for place in ("another_room", "bathroom", "shower", "car")}
    assert rings["bathroom"] > 2 * rings["another_room"] and rings["shower"] > 2 * rings["car"]
    assert rings["car"] < 0.1


def test_the_shower_thins_the_bass_and_a_car_lifts_it():
    source = noise()
    lows, mids, highs = (40, 100), (500, 2000), (6000, 12000)
    shower, car = heard_from(source, "shower", SR), heard_from(source, "car", SR)
    assert tilt(shower, mids, lows) < tilt(source, mids, lows) - 8
    assert tilt(car, mids, lows) > tilt(source, mids, lows) + 4
    assert tilt(car, mids, highs) < tilt(source, mids, highs) - 4


@pytest.mark.parametrize("place", ["another_room", "bathroom", "shower", "car"])
def test_it_is_linear_so_the_stems_still_add_up(place):
    a, b = noise(seed=1), noise(seed=2) * np.float32(0.5)
    assert np.allclose(heard_from(a, place, SR) + heard_from(b, place, SR), heard_from(a + b, place, SR), atol=1e-4)


@pytest.mark.parametrize("prompt, place", [
    ("playing in another room", "another_room"), ("the song playing from another room", "another_room"),
    ("like it's coming through the wall", "another_room"), ("from next door", "another_room"),
    ("outside the club", "another_room"), ("from my neighbours party", "another_room"),
    ("lofi from the next room", "another_room"),
    ("in the bathroom at a party", "bathroom"), ("song but you're in the bathroom at a party", "bathroom"),
    ("the club bathroom", "bathroom"),
    ("in the shower", "shower"), ("singing in the shower", "shower"), ("bathroom reverb", "shower"),
    ("playing in a car", "car"), ("through car speakers", "car"),
    ("driving in my car at night", ""), ("car chase music", ""), ("music for a house party", ""),
    ("the neighbours are too loud", ""), ("make it lofi", ""), ("more room sound", ""),
])
def test_the_place_is_read(prompt, place):
    """Each was unread or a style ("in the bathroom at a party" was EDM); alone it leaves the song as it is, and a
    style named beside it stays."""
    plan = interpret(prompt)
    assert plan.place == place
    assert any(note.startswith("Heard ") for note in plan.understood) == bool(place)
    if place:
        assert plan.as_is == ("lofi" not in prompt)
        assert plan.style == "lofi" or "lofi" not in prompt


def test_a_remix_heard_from_another_room_is_muffled_in_the_finished_version(remix_of):
    """The finished version's highs fall against its bass, where the same remix heard where it plays keeps them;
    its stems still add up to it."""
    heard, plain = (remix_of(prompt, seed=4).versions[0] for prompt in ("pop from another room", "pop"))
    assert tilt(heard.audio, (40, 150), (2000, 6000)) < tilt(plain.audio, (40, 150), (2000, 6000)) - 15
