/* Remix's own front-end behaviour (no inline scripts: the CSP forbids them).
   - the remix form: source tabs, drag-and-drop, upload progress, example chips, lyrics counter,
     credit estimate (the browser reads the chosen file's length; the server prices it);
   - waveform players drawn from precomputed peaks, seekable by click and keyboard; the original
     song's player, and an A/B switch on each version that hears the original at the same point;
   - karaoke lyrics: the current line and word follow the audio, a click on a line seeks to it.
   Everything is (re)initialised through htmx.onLoad, so content swapped in by htmx works too. */
(function () {
  "use strict";

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var rest = total % 60;
    return Math.floor(total / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // --- the remix form ------------------------------------------------------------------------

  function initForm(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    var estimateUrl = form.dataset.estimateUrl;
    var fileInput = document.getElementById("id_audio_file");
    var dropzone = document.getElementById("dropzone");
    var progress = form.querySelector("#upload-progress");

    function currentSource() {
      var checked = form.querySelector("input[name=source]:checked");
      return checked ? checked.value : "file";
    }

    function estimate(params) {
      htmx.ajax("GET", estimateUrl + "?" + new URLSearchParams(params).toString(), { target: "#estimate", swap: "innerHTML" });
    }

    function estimateFile() {
      var file = fileInput && fileInput.files[0];
      if (!file) return;
      // The browser decodes the file's header to read its length; the server does the pricing.
      var audio = new Audio();
      var url = URL.createObjectURL(file);
      audio.preload = "metadata";
      audio.addEventListener("loadedmetadata", function () {
        URL.revokeObjectURL(url);
        if (isFinite(audio.duration) && audio.duration > 0) estimate({ seconds: audio.duration.toFixed(2) });
      });
      audio.addEventListener("error", function () {
        URL.revokeObjectURL(url);
        document.getElementById("estimate").textContent = "The cost is worked out once the file is uploaded.";
      });
      audio.src = url;
    }

    function showSource() {
      var source = currentSource();
      form.querySelectorAll(".source-panel").forEach(function (panel) {
        var active = panel.dataset.source === source;
        panel.hidden = !active;
        // Inactive sources are disabled so that only one of them is submitted.
        panel.querySelectorAll("input, select").forEach(function (el) { el.disabled = !active; });
      });
      if (source === "url") estimate({ source: "url" });
      else if (source === "upload") {
        var select = form.querySelector("#id_upload");
        if (select && select.value) estimate({ upload: select.value });
      } else estimateFile();
    }

    form.querySelectorAll("input[name=source]").forEach(function (radio) {
      radio.addEventListener("change", showSource);
    });
    var select = form.querySelector("#id_upload");
    if (select) select.addEventListener("change", function () { if (select.value) estimate({ upload: select.value }); });

    if (fileInput && !fileInput.dataset.ready) {
      fileInput.dataset.ready = "1";
      fileInput.addEventListener("change", function () {
        var name = dropzone.querySelector("[data-file-name]");
        name.textContent = fileInput.files[0] ? fileInput.files[0].name : "";
        estimateFile();
      });
      ["dragenter", "dragover"].forEach(function (type) {
        dropzone.addEventListener(type, function (event) { event.preventDefault(); dropzone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (type) {
        dropzone.addEventListener(type, function () { dropzone.classList.remove("over"); });
      });
      dropzone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          fileInput.files = event.dataTransfer.files;
          fileInput.dispatchEvent(new Event("change"));
        }
      });
    }

    form.querySelectorAll("button[data-prompt]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        var prompt = form.querySelector("#id_prompt");
        prompt.value = chip.dataset.prompt;
        prompt.focus();
      });
    });

    var lyrics = form.querySelector("#id_lyrics");
    if (lyrics) {
      var counter = document.getElementById(lyrics.dataset.counter);
      var update = function () {
        counter.textContent = lyrics.value.length;
        counter.parentNode.classList.toggle("full", lyrics.value.length >= Number(lyrics.maxLength));
      };
      lyrics.addEventListener("input", update);
      update();
    }

    form.addEventListener("htmx:xhr:loadstart", function () {
      if (currentSource() === "file" && fileInput && fileInput.files.length) {
        progress.hidden = false;
        progress.value = 0;
      }
    });
    form.addEventListener("htmx:xhr:progress", function (event) {
      if (event.detail.lengthComputable && event.detail.total) {
        progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
      }
    });
    showSource();
  }

  // --- players -------------------------------------------------------------------------------

  var players = [];

  function normalisePeaks(raw) {
    // Peaks arrive as amplitudes in [0, 1] or as [min, max] pairs; both become heights in [0, 1].
    var out = (raw || []).map(function (p) {
      if (Array.isArray(p)) return Math.max(Math.abs(p[0] || 0), Math.abs(p[1] || 0));
      return Math.abs(Number(p) || 0);
    });
    var top = Math.max.apply(null, out.concat([1e-6]));
    return out.map(function (p) { return p / top; });
  }

  function initPlayer(card) {
    if (card.dataset.ready) return;
    card.dataset.ready = "1";
    var own = card.querySelector("audio");
    // A/B: a version card can hear the original song (an <audio> shared with the original's own
    // player) at the same point of the song instead of itself. The card keeps its own time axis:
    // source time = (version time + offset) x stretch (the tempo change of the remix; the seconds of it cut
    // off before the version's start, as "skip the intro" asks).
    var original = card.dataset.ab ? document.getElementById(card.dataset.ab) : null;
    var stretch = Number(card.dataset.stretch) > 0 ? Number(card.dataset.stretch) : 1;
    var offset = Number(card.dataset.offset) > 0 ? Number(card.dataset.offset) : 0;
    // A part played again ("loop the chorus"): the version's a..b, then `count` copies of it, then the rest.
    var repeat = (card.dataset.repeat || "").split(",").map(Number);
    var repeatLength = repeat.length === 3 && repeat[2] > 0 && repeat[1] > repeat[0] ? repeat[1] - repeat[0] : 0;

    function remixTime(seconds) {  // a version's time on the remix as played once through
      if (!repeatLength || seconds < repeat[1]) return seconds;
      var copies = repeat[2] * repeatLength;
      if (seconds < repeat[1] + copies) return repeat[0] + (seconds - repeat[1]) % repeatLength;
      return seconds - copies;
    }

    function versionTime(seconds) {  // ... and back (the part's first time through)
      return !repeatLength || seconds < repeat[1] ? seconds : seconds + repeat[2] * repeatLength;
    }
    // "play it backwards": the version's t is the remix's (length - t)
    var reversed = card.dataset.reversed === "1";

    function unreversed(seconds) { return reversed ? Math.max(0, duration() - seconds) : seconds; }
    var abButton = original ? card.querySelector("button.ab") : null;
    var hearingOriginal = false;
    var canvas = card.querySelector("canvas.wave");
    var button = card.querySelector("button.play");
    var current = card.querySelector("[data-current]");
    var lyricsBox = card.querySelector(".lyrics");
    var lines = Array.prototype.slice.call(card.querySelectorAll(".lyric-line"));
    var peaksEl = card.dataset.peaks ? document.getElementById(card.dataset.peaks) : null;
    var peaks = normalisePeaks(peaksEl ? JSON.parse(peaksEl.textContent) : []);
    var fallbackDuration = Number(card.dataset.duration) || 0;
    var lineTimes = lines.map(function (line) {
      return {
        el: line, start: Number(line.dataset.start), end: Number(line.dataset.end),
        words: Array.prototype.slice.call(line.querySelectorAll(".word")).map(function (w) {
          return { el: w, start: Number(w.dataset.start), end: Number(w.dataset.end) };
        }),
      };
    });
    var activeLine = null;
    var activeWord = null;
    var frame = null;

    function known(seconds) { return isFinite(seconds) && seconds > 0; }

    function active() { return hearingOriginal ? original : own; }

    function duration() {
      return known(own.duration) ? own.duration : fallbackDuration;
    }

    function position() {
      return hearingOriginal ? unreversed(versionTime(Math.max(0, original.currentTime / stretch - offset)))
        : own.currentTime;
    }

    function setPosition(seconds) {
      if (hearingOriginal) {
        var target = (remixTime(unreversed(seconds)) + offset) * stretch;
        if (known(original.duration)) target = Math.min(target, original.duration - 0.01);
        original.currentTime = Math.max(0, target);
      } else {
        own.currentTime = seconds;
      }
    }

    function draw() {
      var width = canvas.clientWidth;
      var height = canvas.clientHeight;
      if (!width || !height) return;
      var ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
      if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      var style = getComputedStyle(document.documentElement);
      var played = duration() ? Math.min(1, position() / duration()) : 0;
      if (!peaks.length) {
        // No waveform (an original song whose waveform is not drawn yet): a plain track with its played part.
        var bar = Math.min(6, height);
        ctx.fillStyle = style.getPropertyValue("--wave");
        ctx.fillRect(0, (height - bar) / 2, width, bar);
        ctx.fillStyle = style.getPropertyValue("--wave-played");
        ctx.fillRect(0, (height - bar) / 2, width * played, bar);
        ctx.beginPath();
        ctx.arc(Math.max(bar, Math.min(width - bar, width * played)), height / 2, Math.min(height / 2, 8), 0, 2 * Math.PI);
        ctx.fill();
        return;
      }
      var bars = Math.max(1, Math.floor(width / 3));
      for (var i = 0; i < bars; i++) {
        var value = peaks[Math.floor((i / bars) * peaks.length)];
        var h = Math.max(2, value * (height - 4));
        ctx.fillStyle = (i / bars) < played ? style.getPropertyValue("--wave-played") : style.getPropertyValue("--wave");
        ctx.fillRect(i * 3, (height - h) / 2, 2, h);
      }
    }

    function highlight() {
      if (!lineTimes.length) return;
      var t = position();
      var line = null;
      for (var i = 0; i < lineTimes.length; i++) {
        if (t >= lineTimes[i].start && t < lineTimes[i].end) { line = lineTimes[i]; break; }
      }
      if (line !== activeLine) {
        if (activeLine) { activeLine.el.classList.remove("current"); activeLine.el.removeAttribute("aria-current"); }
        if (line) {
          line.el.classList.add("current");
          line.el.setAttribute("aria-current", "true");
          // Scroll only the lyrics box, never the page.
          var li = line.el.parentNode;
          lyricsBox.scrollTop = li.offsetTop - lyricsBox.offsetTop - lyricsBox.clientHeight / 3;
        }
        activeLine = line;
      }
      var word = null;
      if (line) {
        for (var j = 0; j < line.words.length; j++) {
          if (t >= line.words[j].start && t < line.words[j].end) { word = line.words[j]; break; }
        }
      }
      if (word !== activeWord) {
        if (activeWord) activeWord.el.classList.remove("current");
        if (word) word.el.classList.add("current");
        activeWord = word;
      }
    }

    function refresh() {
      var t = position();
      draw();
      highlight();
      current.textContent = clock(t);
      if (canvas) {
        canvas.setAttribute("aria-valuenow", Math.floor(t));
        canvas.setAttribute("aria-valuetext", clock(t) + " of " + clock(duration()) + (hearingOriginal ? ", hearing the original" : ""));
      }
    }

    function tick() {
      refresh();
      frame = active().paused ? null : requestAnimationFrame(tick);
    }

    function seek(seconds) {
      var d = duration();
      setPosition(Math.max(0, Math.min(d ? d - 0.01 : 0, seconds)));
      refresh();
    }

    function play(audio) {
      players.forEach(function (other) { if (other !== audio) other.pause(); });
      var started = audio.play();
      // A play() cut short by a pause() (a quick A/B switch) rejects: that is not an error here.
      if (started && started.catch) started.catch(function () {});
    }

    function toggle() {
      var audio = active();
      if (audio.paused) play(audio);
      else audio.pause();
    }

    function showPlaying(playing) {
      button.textContent = playing ? "Pause" : "Play";
      card.classList.toggle("playing", playing);
    }

    function switchSource() {
      if (!abButton) return;
      var wasPlaying = !active().paused;
      var t = position();
      active().pause();
      hearingOriginal = !hearingOriginal;
      setPosition(t);
      abButton.setAttribute("aria-pressed", hearingOriginal ? "true" : "false");
      card.classList.toggle("hearing-original", hearingOriginal);
      if (wasPlaying) play(active());
      else showPlaying(false);
      refresh();
    }

    [own, original].forEach(function (audio) {
      if (!audio) return;
      // The shared original also sends events while another card plays it: only the source this
      // card is hearing moves its display.
      var mine = function (handler) { return function () { if (audio === active()) handler(); }; };
      audio.addEventListener("play", mine(function () {
        showPlaying(true);
        if (!frame) frame = requestAnimationFrame(tick);
      }));
      audio.addEventListener("pause", mine(function () { showPlaying(false); refresh(); }));
      audio.addEventListener("ended", mine(function () { showPlaying(false); refresh(); }));
      audio.addEventListener("timeupdate", mine(refresh));
      audio.addEventListener("seeked", mine(refresh));
      audio.addEventListener("loadedmetadata", mine(refresh));
    });

    button.addEventListener("click", toggle);
    if (abButton) abButton.addEventListener("click", switchSource);
    card.addEventListener("keydown", function (event) {
      // "A" anywhere in the card switches between the version and the original.
      if (abButton && (event.key === "a" || event.key === "A") && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        switchSource();
      }
    });
    if (canvas) {
      canvas.addEventListener("click", function (event) {
        var rect = canvas.getBoundingClientRect();
        seek(((event.clientX - rect.left) / rect.width) * duration());
      });
      canvas.addEventListener("keydown", function (event) {
        var step = event.shiftKey ? 15 : 5;
        var handled = true;
        if (event.key === "ArrowRight" || event.key === "ArrowUp") seek(position() + step);
        else if (event.key === "ArrowLeft" || event.key === "ArrowDown") seek(position() - step);
        else if (event.key === "Home") seek(0);
        else if (event.key === "End") seek(duration());
        else if (event.key === " " || event.key === "Enter") toggle();
        else handled = false;
        if (handled) event.preventDefault();
      });
    }
    lineTimes.forEach(function (line) {
      line.el.addEventListener("click", function () {
        seek(line.start);
        if (active().paused) toggle();
      });
    });
    window.addEventListener("resize", draw);
    if (players.indexOf(own) < 0) players.push(own);
    refresh();
  }

  // --- small helpers -------------------------------------------------------------------------

  function initCopyButtons(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(button.dataset.copy).then(function () { button.textContent = "Copied"; });
      });
    });
  }

  function init(root) {
    var scope = root.querySelectorAll ? root : document;
    if (scope.id === "remix-form") initForm(scope);
    scope.querySelectorAll("#remix-form").forEach(initForm);
    if (scope.matches && scope.matches("[data-player]")) initPlayer(scope);
    scope.querySelectorAll("[data-player]").forEach(initPlayer);
    initCopyButtons(scope);
  }

  // Registered at once (this deferred script runs before htmx's first htmx:load on <body>).
  htmx.onLoad(init);
  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("htmx:responseError", function (event) {
      var box = document.getElementById("request-error");
      var xhr = event.detail.xhr;
      box.textContent = (xhr && xhr.status === 409 && xhr.responseText) ? xhr.responseText
        : "Something went wrong (HTTP " + (xhr ? xhr.status : "?") + "). Please try again.";
      box.hidden = false;
    });
    document.body.addEventListener("htmx:sendError", function () {
      var box = document.getElementById("request-error");
      box.textContent = "The server could not be reached. Check your connection and try again.";
      box.hidden = false;
    });
  });
})();
