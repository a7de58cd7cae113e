#!/usr/bin/env bash
# Installs the Debian packages Remix needs when they are missing: ffmpeg, espeak-ng, General MIDI
# soundfonts (FluidR3, the band's instruments; TimGM6mb, its small fallback), an English word list (the
# prompt reader guesses a misspelling only for a word that is not English), redis-server, and
# chromium for the browser tests. Fast when everything is present.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
ls /usr/lib/*/libespeak-ng.so.1 >/dev/null 2>&1 || need+=(libespeak-ng1)
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || need+=(timgm6mb-soundfont)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need+=(fluid-soundfont-gm)
[ -f /usr/share/dict/american-english ] || need+=(wamerican)
command -v redis-server >/dev/null || need+=(redis-server)
if [ "${SKIP_BROWSER_PACKAGES:-0}" != "1" ]; then
  command -v chromium >/dev/null || need+=(chromium)
fi
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
