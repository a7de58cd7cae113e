"""Album cover art drawn from the style plan (palette, motif) and the song's features (rhythm, spectrum, key).

`draw_cover()` is deterministic: the same plan, features and seed give the same PNG bytes. The art is
drawn at twice the output size and downsampled, so edges stay smooth without a vector renderer.
"""

from __future__ import annotations

import colorsys
import io
import json
import math
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from .style import StylePlan

SIZE = 1024
THUMB = 256
_SS = 2  # supersampling factor
_W = SIZE * _SS
_LOW = 256  # resolution of smooth fields (gradients, vignette, grain), scaled up
_MOTIFS = {
    "lofi": "vinyl", "jazz": "vinyl", "hiphop": "vinyl", "blues": "vinyl", "rnb": "blobs",
    "synthwave": "grid_sun", "vaporwave": "grid_sun", "trance": "rings", "edm": "rings", "house": "rings",
    "techno": "rings", "dnb": "rings", "dubstep": "rings", "trap": "rings", "kpop": "blobs", "pop": "blobs",
    "chiptune": "pixels", "ambient": "waves", "lullaby": "waves", "classical": "staff", "piano_ballad": "staff",
    "acappella": "staff",
    "cinematic": "landscape", "acoustic": "landscape", "country": "landscape", "gospel": "sunburst",
    "rock": "shards", "metal": "shards", "punk": "shards", "reggae": "sunburst", "latin": "sunburst",
    "bossa": "sunburst", "funk": "sunburst", "disco": "sunburst", "afrobeats": "sunburst", "reggaeton": "sunburst",
    "bollywood": "sunburst", "arabic": "sunburst", "kids": "blobs", "polka": "sunburst", "march": "sunburst",
    "east_asian": "landscape",
}
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def draw_cover(plan: StylePlan, features: dict, seed: int = 0) -> tuple[bytes, bytes]:
    """Return (1024x1024 PNG, 256x256 PNG) for a remix drawn in the plan's style from its audio features."""
    f = _clean_features(features or {})
    palette = [_rgb(c) for c in (plan.palette or ("#222233", "#445577", "#dd8866", "#eeeeee"))]
    while len(palette) < 5:
        palette.append(_shade(palette[len(palette) % len(palette)], 0.25))
    palette = _tune_palette(palette, f)
    style = plan.style
    rng = np.random.default_rng([seed & 0xFFFFFFFF, _fingerprint(style, f)])

    motif = _MOTIFS.get(style, "blobs")
    image = _background(palette, f, paper=motif == "staff")
    image = _MOTIF_DRAWERS[motif](image, palette, f, rng, style)
    image = _chroma_wheel(image, f, palette)
    image = _rhythm_strip(image, f, palette)
    image = _finish(image, plan, f, palette, rng)

    cover = image.resize((SIZE, SIZE), Image.LANCZOS)
    thumb = cover.resize((THUMB, THUMB), Image.LANCZOS)
    return _png(cover), _png(thumb)


# ---------------------------------------------------------------------------------------------------
# Inputs


def _clean_features(features: dict) -> dict:
    """Features with every key present, lists resampled to their documented length and clipped to 0..1."""

    def series(name: str, length: int, default: float) -> np.ndarray:
        raw = features.get(name)
        try:
            values = np.asarray([float(x) for x in raw], dtype=float) if raw is not None else np.array([])
        except (TypeError, ValueError):
            values = np.array([])
        values = values[np.isfinite(values)] if values.size else values
        if values.size == 0:
            return np.full(length, default)
        if values.size != length:
            values = np.interp(np.linspace(0, values.size - 1, length), np.arange(values.size), values)
        return np.clip(values, 0.0, 1.0)

    try:
        tempo = float(features.get("tempo") or 110.0)
    except (TypeError, ValueError):
        tempo = 110.0
    tempo = float(np.clip(tempo if math.isfinite(tempo) else 110.0, 40.0, 240.0))
    title = features.get("title")
    return {
        "tempo": tempo,
        "key": str(features.get("key") or ""),
        "mode": str(features.get("mode") or ""),
        "chroma": series("chroma", 12, 0.5),
        "spectrum": series("spectrum", 32, 0.5),
        "onset_curve": series("onset_curve", 64, 0.5),
        "title": str(title).strip() if title else "",
        "instruments": list(dict.fromkeys(str(x) for x in (features.get("instruments") or []) if str(x).strip()))[:4],
    }


def _fingerprint(style: str, f: dict) -> int:
    data = json.dumps([style, f["tempo"], f["key"], f["mode"], [round(float(x), 4) for x in
                       np.concatenate([f["chroma"], f["spectrum"], f["onset_curve"]])]])
    return zlib.crc32(data.encode())


def _tune_palette(palette, f: dict) -> list:
    """Turn the style's palette toward the song: its hue leans with the strongest pitch class, minor is dimmer."""
    strongest = int(np.argmax(f["chroma"])) if np.ptp(f["chroma"]) > 0.05 else 0
    lean = (((strongest * 7) % 12) - 5.5) / 5.5 * 0.07  # up to a quarter turn of the colour wheel, either way
    dim = -0.04 if f["mode"] == "minor" else 0.02 if f["mode"] == "major" else 0.0
    tuned = []
    for colour in palette:
        h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in colour))
        r, g, b = colorsys.hls_to_rgb((h + lean) % 1.0, min(max(l + dim, 0.0), 1.0), s)
        tuned.append((round(r * 255), round(g * 255), round(b * 255)))
    return tuned


def _rgb(colour: str) -> tuple[int, int, int]:
    try:
        colour = colour.lstrip("#")
        return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
    except (AttributeError, ValueError):
        return (128, 128, 128)


def _shade(rgb, amount: float) -> tuple[int, int, int]:
    """Lighten (amount > 0) or darken (< 0) a colour in HLS space."""
    h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    l = min(max(l + amount, 0.0), 1.0)
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, l, s))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _luma(rgb) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _by_luma(palette):
    return sorted(palette, key=_luma)


def _pitch_colour(pc: int, value: float) -> tuple[int, int, int]:
    # hue around the circle of fifths, so related keys get neighbouring colours
    hue = ((pc * 7) % 12) / 12
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55 + 0.4 * value, 0.55 + 0.45 * value)
    return round(r * 255), round(g * 255), round(b * 255)


# ---------------------------------------------------------------------------------------------------
# Layers shared by every cover


def _background(palette, f: dict, paper: bool = False) -> Image.Image:
    """A soft two-colour gradient from the palette: its darkest colours, or its lightest for a paper look."""
    dark, mid = (_by_luma(palette)[-1], _by_luma(palette)[-2]) if paper else _by_luma(palette)[:2]
    n = _LOW
    y = np.linspace(0, 1, n)[:, None]
    x = np.linspace(0, 1, n)[None, :]
    # a gradient lit from one side; where the light comes from depends on the song's brightest band
    tilt = float(np.argmax(f["spectrum"])) / 31
    t = np.clip(0.65 * y + 0.35 * np.abs(x - tilt), 0, 1) ** 1.2
    top, bottom = np.array(_shade(mid, -0.05), float), np.array(_shade(dark, -0.08), float)
    rgb = top[None, None, :] * (1 - t[..., None]) + bottom[None, None, :] * t[..., None]
    small = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    return small.resize((_W, _W), Image.BICUBIC)


def _over(image: Image.Image, layer: Image.Image) -> Image.Image:
    """`layer` (RGBA) laid over `image` (RGB) through its alpha."""
    image.paste(layer, (0, 0), layer)
    return image


def _pen(image: Image.Image) -> ImageDraw.ImageDraw:
    """A drawing context that blends translucent fills into the RGB image."""
    return ImageDraw.Draw(image, "RGBA")


def _layer() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    layer = Image.new("RGBA", (_W, _W), (0, 0, 0, 0))
    return layer, ImageDraw.Draw(layer)


def _blur(layer: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur; wide ones on a scaled-down copy, which looks the same and costs a fraction."""
    factor = int(min(8, max(1, radius // 3)))
    if factor == 1:
        return layer.filter(ImageFilter.GaussianBlur(radius))
    small = layer.resize((_W // factor, _W // factor), Image.BILINEAR)
    return small.filter(ImageFilter.GaussianBlur(radius / factor)).resize((_W, _W), Image.BILINEAR)


def _glow(image: Image.Image, layer: Image.Image, radius: float = 18) -> Image.Image:
    image = _over(image, _blur(layer, radius * _SS))
    return _over(image, layer)


def _chroma_wheel(image: Image.Image, f: dict, palette) -> Image.Image:
    """Twelve arcs, one per pitch class, in the top-right corner: the song's harmony as colour."""
    draw = _pen(image)
    cx, cy, r = _W * 0.86, _W * 0.14, _W * 0.07
    chroma = f["chroma"] / max(float(f["chroma"].max()), 1e-6)
    for pc in range(12):
        start = pc * 30 - 90 + 2
        width = int(r * (0.25 + 0.45 * chroma[pc]))
        colour = _pitch_colour(pc, float(chroma[pc]))
        draw.arc((cx - r, cy - r, cx + r, cy + r), start, start + 26, fill=colour + (220,), width=width)
    return image


def _rhythm_strip(image: Image.Image, f: dict, palette) -> Image.Image:
    """The song's energy over time as a row of bars along the bottom edge."""
    draw = _pen(image)
    light = _by_luma(palette)[-1]
    n = len(f["onset_curve"])
    left, right, base = _W * 0.08, _W * 0.92, _W * 0.955
    step = (right - left) / n
    for i, v in enumerate(f["onset_curve"]):
        h = _W * (0.004 + 0.028 * v)
        x = left + i * step
        draw.rounded_rectangle((x + step * 0.2, base - h, x + step * 0.8, base), radius=step * 0.3,
                               fill=light + (150 + int(90 * v),))
    return image


def _font(size: int):
    for path in _FONT_PATHS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size)
    except (TypeError, OSError):
        return None


def _finish(image: Image.Image, plan: StylePlan, f: dict, palette, rng) -> Image.Image:
    """Vignette, grain and the caption (title and style), when a font is available."""
    yy, xx = np.mgrid[0:_LOW, 0:_LOW].astype(np.float32) / _LOW - 0.5
    # darker toward the edges, and along the bottom where the caption sits
    caption_band = 1.0 - 0.4 * np.clip((yy - 0.22) / 0.25, 0, 1) ** 2
    vignette = np.clip(1.0 - 0.9 * (xx**2 + yy**2), 0.55, 1.0) * caption_band * 255
    shade = Image.fromarray(vignette.astype(np.uint8), "L").resize((_W, _W), Image.BICUBIC)
    grain = rng.normal(128, 4.0, (_LOW * 2, _LOW * 2)).clip(0, 255).astype(np.uint8)
    grain_image = Image.fromarray(grain, "L").resize((_W, _W), Image.NEAREST)
    rgb = ImageChops.multiply(image, Image.merge("RGB", (shade, shade, shade)))
    rgb = ImageChops.add(rgb, Image.merge("RGB", (grain_image,) * 3), scale=1.0, offset=-128)
    image = rgb

    caption = f["title"] or plan.style_name
    subtitle = plan.style_name if f["title"] else _key_label(f)
    big, small = _font(int(_W * 0.045)), _font(int(_W * 0.024))
    if big is None or small is None or not caption:
        return image
    layer, draw = _layer()
    x, y = _W * 0.08, _W * 0.845
    light = _mix(_by_luma(palette)[-1], (255, 255, 255), 0.45)
    shadow = (0, 0, 0, 120)
    behind = np.asarray(image.crop((int(x), int(_W * 0.8), int(_W * 0.6), int(_W * 0.9))).convert("L")).mean()
    if behind > 150:  # a light cover gets dark lettering
        light, shadow = _shade(_by_luma(palette)[0], -0.1), (255, 255, 255, 90)
    while len(caption) > 2 and draw.textlength(caption, font=big) > _W * 0.84:  # ellipsize to the cover's width
        caption = caption[:-2].rstrip() + "\u2026"
    draw.text((x + 3 * _SS, y + 3 * _SS), caption, font=big, fill=shadow)
    draw.text((x, y), caption, font=big, fill=light + (240,))
    if subtitle:
        draw.text((x, y - _W * 0.035), subtitle, font=small, fill=light + (190,))
    played = " \u00b7 ".join(name.lower() for name in f.get("instruments", []))
    if played:  # what the band actually played, under the title
        while len(played) > 2 and draw.textlength(played, font=small) > _W * 0.84:
            played = played[:-2].rstrip() + "\u2026"
        draw.text((x, y + _W * 0.06), played, font=small, fill=light + (170,))
    return _over(image, layer)


def _key_label(f: dict) -> str:
    if f["key"] and f["mode"] in ("major", "minor"):
        return f"{f['key']} {f['mode']} \u00b7 {f['tempo']:.0f} bpm"
    return f"{f['tempo']:.0f} bpm"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=4)
    return buffer.getvalue()


def _density(f: dict, low: int, high: int) -> int:
    """A count that grows with the tempo: faster songs draw busier covers."""
    return int(round(low + (high - low) * (f["tempo"] - 40.0) / 200.0))


# ---------------------------------------------------------------------------------------------------
# Style motifs: each takes the image and returns it with its motif drawn


def _vinyl(image, palette, f, rng, style):
    """A record whose grooves are the song's energy over time; rain for lo-fi, smoke for jazz."""
    pal = _by_luma(palette)
    draw = _pen(image)
    if style == "lofi":
        for _ in range(_density(f, 80, 260)):
            x, y = rng.uniform(-0.1, 1.0) * _W, rng.uniform(-0.1, 1.0) * _W
            length = rng.uniform(0.03, 0.08) * _W
            draw.line((x, y, x + length * 0.25, y + length), fill=pal[-1] + (int(rng.uniform(30, 90)),),
                      width=_SS)
    if style in ("jazz", "blues", "hiphop"):
        image = _smoke(image, pal, rng)
        draw = _pen(image)
    cx, cy, r = _W * 0.5, _W * 0.47, _W * 0.33
    draw.ellipse((cx - r * 1.03, cy - r * 1.01, cx + r * 1.03, cy + r * 1.05), fill=(0, 0, 0, 110))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(16, 16, 18, 255))
    onsets = f["onset_curve"]
    for i, v in enumerate(onsets):
        rr = r * (0.97 - 0.6 * i / len(onsets))
        shade = int(28 + 60 * v)
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=(shade, shade, shade + 4), width=_SS)
    label_r = r * 0.32
    draw.ellipse((cx - label_r, cy - label_r, cx + label_r, cy + label_r), fill=palette[3])
    draw.ellipse((cx - label_r * 0.8, cy - label_r * 0.8, cx + label_r * 0.8, cy + label_r * 0.8),
                 outline=palette[2], width=3 * _SS)
    hole = r * 0.025
    draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=pal[0])
    sheen, sdraw = _layer()
    sdraw.pieslice((cx - r, cy - r, cx + r, cy + r), 200, 235, fill=(255, 255, 255, 38))
    sdraw.pieslice((cx - r, cy - r, cx + r, cy + r), 20, 55, fill=(255, 255, 255, 26))
    return _over(image, _blur(sheen, 6 * _SS))


def _smoke(image, pal, rng):
    layer, draw = _layer()
    for k in range(5):
        x0 = rng.uniform(0.1, 0.9) * _W
        points = [(x0 + math.sin(t * 6 + k) * _W * 0.05 * (1 + t), _W * (1.0 - t * 0.9))
                  for t in np.linspace(0, 1, 40)]
        draw.line(points, fill=pal[-1] + (40,), width=int(_W * 0.012), joint="curve")
    return _over(image, _blur(layer, 10 * _SS))


def _grid_sun(image, palette, f, rng, style):
    """Synthwave: a striped sun on the horizon, mountains from the spectrum, a neon perspective grid."""
    horizon = _W * 0.62
    draw = _pen(image)
    for _ in range(_density(f, 40, 160)):
        x, y = rng.uniform(0, _W), rng.uniform(0, horizon * 0.8)
        s = rng.uniform(0.6, 2.2) * _SS
        draw.ellipse((x - s, y - s, x + s, y + s), fill=(255, 255, 255, int(rng.uniform(90, 220))))

    sun_r = _W * 0.24
    cx, cy = _W * 0.5, horizon - sun_r * 0.35
    ramp = np.linspace(0, 1, _LOW)[:, None, None]
    top, bottom = np.array(palette[3], float), np.array(palette[2], float)
    gradient = (top * (1 - ramp) + bottom * ramp).repeat(4, axis=1).astype(np.uint8)
    box = (int(cx - sun_r), int(cy - sun_r), int(cx + sun_r), int(cy + sun_r))
    fill = Image.fromarray(gradient, "RGB").resize((box[2] - box[0], box[3] - box[1]), Image.BICUBIC)
    mask = Image.new("L", (_W, _W), 0)
    mdraw = ImageDraw.Draw(mask)
    mdraw.ellipse(box, fill=255)
    # stripes widen toward the horizon, as on an 80s record sleeve
    for k in range(7):
        y0 = cy + sun_r * (0.05 + 0.14 * k)
        mdraw.rectangle((0, y0, _W, y0 + sun_r * 0.018 * (k + 1)), fill=0)
    mdraw.rectangle((0, horizon, _W, _W), fill=0)
    sun_layer = Image.new("RGBA", (_W, _W), (0, 0, 0, 0))
    sun_layer.paste(fill, box[:2])
    sun_layer.putalpha(mask)
    image = _glow(image, sun_layer, 30)

    draw = _pen(image)
    spectrum = f["spectrum"]
    ridge = [(0, horizon)]
    for i, v in enumerate(np.concatenate([spectrum[::-1], spectrum])):
        ridge.append((i / 63 * _W, horizon - _W * (0.02 + 0.08 * v) * (0.6 + 0.4 * math.sin(i * 0.7) ** 2)))
    ridge.append((_W, horizon))
    draw.polygon(ridge, fill=_shade(_by_luma(palette)[0], -0.05))
    draw.rectangle((0, horizon, _W, _W), fill=_shade(_by_luma(palette)[0], -0.1))

    grid, gdraw = _layer()
    neon = palette[4]
    lines = _density(f, 10, 22)
    for i in range(-lines, lines + 1):
        gdraw.line((cx, horizon, cx + i * _W / lines * 1.6, _W), fill=neon + (200,), width=2 * _SS)
    for j in range(1, 14):
        y = horizon + (_W - horizon) * (j / 13) ** 2.2
        gdraw.line((0, y, _W, y), fill=neon + (200,), width=2 * _SS)
    return _glow(image, grid, 8)


def _pixels(image, palette, f, rng, style):
    """Chiptune: an 8-bit skyline whose columns are the spectrum, pixel stars, a heart, scanlines."""
    cells = 32
    cell = _W // cells
    gap = _SS * 2
    draw = _pen(image)
    for _ in range(_density(f, 15, 45)):
        x, y = int(rng.integers(0, cells)), int(rng.integers(0, cells // 2))
        draw.rectangle((x * cell, y * cell, x * cell + cell // 3, y * cell + cell // 3), fill=(255, 255, 255, 230))
    spectrum, onsets = f["spectrum"], f["onset_curve"]
    for col in range(cells):
        height = 2 + int(round(spectrum[col] * 10))
        colour = palette[2 + col % 3]
        for row in range(height):
            y = _W - (row + 9) * cell  # the bottom rows stay clear for the caption
            draw.rectangle((col * cell, y, col * cell + cell - gap, y + cell - gap),
                           fill=_shade(colour, -0.12 * (row % 2)))
        if onsets[col * 2] > 0.6:
            y = _W - (height + 10) * cell
            draw.rectangle((col * cell, y, col * cell + cell - gap, y + cell - gap), fill=(255, 255, 255))
    heart = ("01100110", "11111111", "11111111", "01111110", "00111100", "00011000")
    hx, hy = _W * 0.5 - 4 * cell, _W * 0.2
    for r, row in enumerate(heart):
        for c, bit in enumerate(row):
            if bit == "1":
                draw.rectangle((hx + c * cell, hy + r * cell, hx + (c + 1) * cell - gap, hy + (r + 1) * cell - gap),
                               fill=palette[-2])
    for y in range(0, _W, 4 * _SS):
        draw.line((0, y, _W, y), fill=(0, 0, 0, 40), width=_SS)
    return image


def _waves(image, palette, f, rng, style):
    """Ambient: a moon and layered soft waves, their swell from the spectrum, their motion from the key."""
    pal = _by_luma(palette)
    layer, ldraw = _layer()
    mx, my, mr = _W * 0.68, _W * 0.28, _W * 0.09
    ldraw.ellipse((mx - mr, my - mr, mx + mr, my + mr), fill=pal[-1] + (230,))
    image = _glow(image, layer, 40)
    draw = _pen(image)
    for _ in range(_density(f, 30, 90)):
        x, y = rng.uniform(0, _W), rng.uniform(0, _W * 0.5)
        s = rng.uniform(0.5, 1.8) * _SS
        draw.ellipse((x - s, y - s, x + s, y + s), fill=pal[-1] + (int(rng.uniform(80, 200)),))
    layers = 7
    freq = 1.0 + f["tempo"] / 60.0
    for k in range(layers):
        band = f["spectrum"][int(k * 31 / (layers - 1))]
        base = _W * (0.45 + 0.07 * k)
        amp = _W * (0.015 + 0.05 * band)
        phase = float(np.argmax(np.roll(f["chroma"], k))) * 0.5 + rng.uniform(0, 6.28)
        pts = [(x, base + amp * math.sin(freq * 2 * math.pi * x / _W + phase)
                + amp * 0.4 * math.sin(3.1 * freq * 2 * math.pi * x / _W + phase * 1.7))
               for x in np.linspace(0, _W, 160)]
        colour = _mix(pal[min(1 + k % 3, len(pal) - 1)], pal[0], k / layers)
        draw.polygon(pts + [(_W, _W), (0, _W)], fill=colour + (150 + 12 * k,))
        draw.line(pts, fill=_shade(colour, 0.25) + (120,), width=_SS * 2)
    return image


def _staff(image, palette, f, rng, style):
    """Classical: three staves of notes placed by the song's rhythm, pitched by its harmony, in a gold frame."""
    pal = _by_luma(palette)
    ink = _shade(pal[0], -0.05)  # drawn on paper (see draw_cover)
    draw = _pen(image)
    gap = _W * 0.018
    chroma = f["chroma"] / max(float(f["chroma"].sum()), 1e-6)
    onsets = f["onset_curve"]
    for s in range(3):
        top = _W * (0.2 + 0.2 * s)
        for line in range(5):
            y = top + line * gap
            draw.line((_W * 0.1, y, _W * 0.9, y), fill=ink + (200,), width=2 * _SS)
        draw.line((_W * 0.1, top, _W * 0.1, top + 4 * gap), fill=ink + (200,), width=3 * _SS)
        segment = onsets[s * 21 : s * 21 + 21]
        for i, v in enumerate(segment):
            if v < 0.35 and i % 3:
                continue
            x = _W * (0.16 + 0.72 * i / len(segment))
            pc = int(rng.choice(12, p=chroma))
            step = (pc * 7) % 9 - 2  # a staff position from the pitch class
            y = top + 4 * gap - step * gap / 2
            colour = _pitch_colour(pc, 0.8) if v > 0.75 else ink
            draw.ellipse((x - gap * 0.65, y - gap * 0.48, x + gap * 0.65, y + gap * 0.48), fill=colour)
            draw.line((x + gap * 0.6, y, x + gap * 0.6, y - gap * 3.2), fill=ink, width=2 * _SS)
    gold = palette[1] if _luma(palette[1]) > 100 else _shade(palette[1], 0.3)
    margin = _W * 0.05
    draw.rectangle((margin, margin, _W - margin, _W - margin), outline=gold + (230,), width=4 * _SS)
    draw.rectangle((margin * 1.3, margin * 1.3, _W - margin * 1.3, _W - margin * 1.3), outline=gold + (160,),
                   width=_SS)
    return image


def _rings(image, palette, f, rng, style):
    """Electronic: glowing rings pulsing with the rhythm and a radial spectrum around the centre."""
    layer, draw = _layer()
    cx, cy = _W * 0.5, _W * 0.46
    neon = [c for c in palette if _luma(c) > 60] or palette
    rings = _density(f, 4, 12)
    for k in range(rings):
        r = _W * (0.1 + 0.3 * (k + 1) / rings)
        v = f["onset_curve"][int(k * 63 / max(rings - 1, 1))]
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=neon[k % len(neon)] + (80 + int(150 * v),),
                     width=int(_SS * (1 + 5 * v)))
    spectrum = np.concatenate([f["spectrum"], f["spectrum"][::-1]])
    inner = _W * 0.12
    for i, v in enumerate(spectrum):
        angle = 2 * math.pi * i / len(spectrum) - math.pi / 2
        length = _W * (0.03 + 0.22 * v)
        x0, y0 = cx + inner * math.cos(angle), cy + inner * math.sin(angle)
        x1, y1 = cx + (inner + length) * math.cos(angle), cy + (inner + length) * math.sin(angle)
        draw.line((x0, y0, x1, y1), fill=neon[i % len(neon)] + (235,), width=int(_W * 0.008))
    image = _glow(image, layer, 14)
    draw = _pen(image)
    for _ in range(_density(f, 40, 200)):
        angle, dist = rng.uniform(0, 2 * math.pi), _W * rng.uniform(0.38, 0.7)
        x, y = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
        s = rng.uniform(0.5, 2.0) * _SS
        draw.ellipse((x - s, y - s, x + s, y + s), fill=neon[-1] + (int(rng.uniform(60, 200)),))
    return image


def _blobs(image, palette, f, rng, style):
    """Pop and soul: glossy overlapping orbs, their sizes from the spectrum, over soft shadows."""
    count = _density(f, 5, 11)
    orbs = []
    for k in range(count):
        band = f["spectrum"][int(k * 31 / max(count - 1, 1))]
        r = _W * (0.08 + 0.16 * band)
        orbs.append((rng.uniform(0.18, 0.82) * _W, rng.uniform(0.15, 0.72) * _W, r, palette[(k + 1) % len(palette)]))
    shadows, sdraw = _layer()
    for x, y, r, _ in orbs:
        sdraw.ellipse((x - r, y - r + r * 0.15, x + r, y + r + r * 0.15), fill=(0, 0, 0, 90))
    image = _over(image, _blur(shadows, 16 * _SS))
    draw = _pen(image)
    for x, y, r, colour in orbs:
        # concentric discs from rim to centre fake a lit sphere
        for step in range(28):
            t = step / 27
            rr = r * (1 - 0.55 * t)
            ox, oy = -r * 0.28 * t, -r * 0.32 * t
            draw.ellipse((x + ox - rr, y + oy - rr, x + ox + rr, y + oy + rr),
                         fill=_mix(_shade(colour, -0.12), _shade(colour, 0.22), t) + (255,))
        hr = r * 0.16
        draw.ellipse((x - r * 0.45 - hr, y - r * 0.5 - hr * 0.7, x - r * 0.45 + hr, y - r * 0.5 + hr * 0.7),
                     fill=(255, 255, 255, 150))
    return image


def _shards(image, palette, f, rng, style):
    """Rock and metal: a torn silhouette from the spectrum, a lightning bolt, scratches; halftone for punk."""
    pal = _by_luma(palette)
    accent = max(palette, key=lambda c: colorsys.rgb_to_hsv(*(x / 255 for x in c))[1] * (_luma(c) + 40))
    draw = _pen(image)
    if style == "punk":
        step = int(_W * 0.03)
        for gx in range(0, _W, step):
            for gy in range(0, _W, step):
                v = f["onset_curve"][int(gx / _W * 63)]
                s = step * 0.45 * v * (gy / _W)
                draw.ellipse((gx - s, gy - s, gx + s, gy + s), fill=accent + (70,))
    cx = _W * rng.uniform(0.4, 0.6)
    bolt = [(cx - 0.02 * _W, 0.12 * _W), (cx + 0.12 * _W, 0.12 * _W), (cx + 0.03 * _W, 0.4 * _W),
            (cx + 0.13 * _W, 0.4 * _W), (cx - 0.09 * _W, 0.78 * _W), (cx - 0.01 * _W, 0.48 * _W),
            (cx - 0.1 * _W, 0.48 * _W)]
    glow, gdraw = _layer()
    gdraw.polygon(bolt, fill=_shade(accent, 0.08) + (255,))
    image = _glow(image, glow, 25)
    draw = _pen(image)
    pts = [(0, _W)]
    for i, v in enumerate(f["spectrum"]):
        pts.append((i / 31 * _W, _W * (0.8 - 0.3 * v) + rng.uniform(-0.03, 0.03) * _W))
    pts.append((_W, _W))
    draw.polygon(pts, fill=_shade(pal[0], -0.05))
    for _ in range(_density(f, 40, 140)):
        x, y = rng.uniform(0, _W), rng.uniform(0, _W)
        angle, length = rng.uniform(0, math.pi), rng.uniform(0.02, 0.12) * _W
        draw.line((x, y, x + length * math.cos(angle), y + length * math.sin(angle)),
                  fill=pal[-1] + (int(rng.uniform(20, 70)),), width=_SS)
    return image


def _sunburst(image, palette, f, rng, style):
    """Warm grooves: rays from a sun (count from the tempo) or 70s wavy bands for funk; a mirror ball for disco,
    palm fronds for Latin and bossa."""
    draw = _pen(image)
    cx, cy = _W * 0.5, _W * 0.55
    colours = [c for c in palette if _luma(c) > 50] or palette
    if style in ("funk", "afrobeats"):
        bands = _density(f, 6, 12)
        for i in range(bands + 1):  # from the top down, each band overlapping the one above
            amp = _W * (0.02 + 0.05 * f["spectrum"][int(i * 31 / bands)])
            base = _W * (0.35 + 0.65 * i / bands)
            pts = [(x, base + amp * math.sin(2 * math.pi * x / _W * 1.5 + i * 0.6)) for x in np.linspace(0, _W, 120)]
            draw.polygon(pts + [(_W, _W), (0, _W)], fill=colours[i % len(colours)] + (235,))
    else:
        rays = _density(f, 14, 40)
        for i in range(rays):
            a0, a1 = 360 * i / rays, 360 * (i + 0.5) / rays
            draw.pieslice((cx - _W, cy - _W, cx + _W, cy + _W), a0, a1, fill=colours[i % len(colours)] + (70,))
    sun, sdraw = _layer()
    r = _W * 0.2
    if style == "disco":
        sdraw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(200, 200, 210, 255))
        tile = r / 7
        for gx in np.arange(cx - r, cx + r, tile):
            for gy in np.arange(cy - r, cy + r, tile):
                if (gx + tile / 2 - cx) ** 2 + (gy + tile / 2 - cy) ** 2 < r**2:
                    lum = int(rng.uniform(90, 255))
                    tint = _mix((lum, lum, lum), colours[int(rng.integers(len(colours)))], 0.3)
                    sdraw.rectangle((gx + _SS, gy + _SS, gx + tile - _SS, gy + tile - _SS), fill=tint + (255,))
    else:
        saturation = lambda c: colorsys.rgb_to_hsv(*(x / 255 for x in c))[1]  # noqa: E731
        warm = max(colours, key=lambda c: saturation(c) * _luma(c))
        sdraw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=warm + (255,))
        for k, v in enumerate(f["spectrum"][::4]):
            rr = r * (1.08 + 0.09 * k)
            sdraw.arc((cx - rr, cy - rr, cx + rr, cy + rr), 180 + 20 * v, 360 - 20 * v,
                      fill=colours[k % len(colours)] + (170,), width=int(_SS * (2 + 6 * v)))
    image = _glow(image, sun, 20)
    if style in ("latin", "bossa", "reggaeton"):
        image = _palm_fronds(image, _mix(_by_luma(palette)[0], (8, 30, 18), 0.7), f, rng)
    return image


def _palm_fronds(image, colour, f, rng):
    """Dark palm leaves reaching in from the top corners, one leaflet per beat of a bar at the song's tempo."""
    draw = _pen(image)
    leaflets = _density(f, 10, 18)
    for corner_x, direction in ((0.0, 1), (1.0, -1)):
        for frond in range(3):
            x0, y0 = corner_x * _W, _W * (0.02 + 0.12 * frond)
            angle0 = math.radians(15 + 18 * frond + rng.uniform(-5, 5))
            length = _W * rng.uniform(0.42, 0.55)
            spine = [(x0 + direction * length * t * math.cos(angle0), y0 + length * t * math.sin(angle0)
                      + _W * 0.12 * t * t) for t in np.linspace(0, 1, leaflets)]
            draw.line(spine, fill=colour + (255,), width=_SS * 4)
            for i, (x, y) in enumerate(spine[1:], 1):
                size = _W * 0.1 * math.sin(math.pi * (i + 1) / (leaflets + 1))
                for side in (-1, 1):
                    tip = (x + direction * size * 0.45, y + side * size)
                    draw.polygon([(x, y), (x + direction * size * 0.08 - side * size * 0.06, y + side * size * 0.5),
                                  tip, (x + direction * size * 0.3, y + side * size * 0.3)], fill=colour + (255,))
    return image


def _landscape(image, palette, f, rng, style):
    """Acoustic and cinematic: ridgelines from the spectrum and the rhythm, under a low sun and its beams."""
    pal = _by_luma(palette)
    light = pal[-1]
    layer, ldraw = _layer()
    sx, sy, sr = _W * rng.uniform(0.3, 0.7), _W * 0.42, _W * 0.1
    ldraw.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=light + (240,))
    if style == "cinematic":
        for k in range(9):
            angle = math.radians(200 + k * 16)
            ldraw.polygon([(sx, sy), (sx + 2 * _W * math.cos(angle - 0.03), sy + 2 * _W * math.sin(angle - 0.03)),
                           (sx + 2 * _W * math.cos(angle + 0.03), sy + 2 * _W * math.sin(angle + 0.03))],
                          fill=light + (28,))
    image = _glow(image, layer, 35)
    draw = _pen(image)
    if style != "cinematic":
        for _ in range(_density(f, 3, 9)):
            bx, by, bs = rng.uniform(0.15, 0.85) * _W, rng.uniform(0.15, 0.35) * _W, rng.uniform(0.01, 0.02) * _W
            draw.line([(bx - bs, by - bs * 0.4), (bx, by), (bx + bs, by - bs * 0.4)], fill=pal[0], width=_SS * 2)
    for k, values in enumerate((f["spectrum"], f["onset_curve"][::2], f["spectrum"][::-1])):
        base = _W * (0.55 + 0.11 * k)
        smooth = np.convolve(values, np.ones(3) / 3, mode="same")
        pts = [(0, _W)] + [(i / (len(smooth) - 1) * _W, base - _W * 0.16 * v) for i, v in enumerate(smooth)]
        pts.append((_W, _W))
        draw.polygon(pts, fill=_mix(pal[min(k + 1, len(pal) - 1)], pal[0], 0.35 + 0.25 * k))
    return image


_MOTIF_DRAWERS = {
    "vinyl": _vinyl, "grid_sun": _grid_sun, "pixels": _pixels, "waves": _waves, "staff": _staff,
    "rings": _rings, "blobs": _blobs, "shards": _shards, "sunburst": _sunburst, "landscape": _landscape,
}
