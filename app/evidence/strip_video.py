"""Stripped copies of video and audio: the same streams, remuxed, with no metadata.

Containers: MP4, QuickTime (MOV), 3GP/3G2, M4A, WebM, Matroska (MKV), Ogg (a WhatsApp
voice note is Ogg Opus), MP3, WAV and FLAC.

A phone video names the place it was filmed (QuickTime `©xyz`, the `Keys` location,
3GPP `loci`), the phone's make and model, its software, the owner and the creation
time; an iPhone also adds timed metadata tracks. The copy is made with FFmpeg's
libraries (PyAV): every audio and video packet is copied as it is (no re-encoding, so
no quality is lost and the pictures and sound are bit for bit the evidence), into a new
container that is given no metadata at all. Dropped:

- every container and stream tag (title, artist, comment, make/model, location,
  creation_time, encoder, handler names the camera chose);
- every stream that is not audio or video: timed metadata, timecode, subtitles, chapters,
  attached files, and cover art (an attached picture is a photo with its own EXIF);
- FFmpeg's own version string (the "bitexact" flag) and, for MP4-family files, the
  empty `udta/meta` boxes its muxer adds anyway (see app.evidence.bmff_boxes).

Kept: the streams, their timing, and the display rotation (without it a portrait video
plays sideways; it says nothing about where or by whom). Encoder notes written inside a
video bitstream itself (x264's settings SEI, for one) are part of the compressed
pictures and are not touched; phones' hardware encoders do not write them.

Everything happens in memory, input and output alike (io.BytesIO): a temporary file
would be plaintext evidence on disk. That is why there is a size cap; see
MAX_STRIP_MEDIA_BYTES. The output is opened again and checked before it is returned.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import av

from app.errors import RefusedFileError
from app.evidence.bmff_boxes import drop_metadata_boxes, metadata_boxes

MAX_STRIP_MEDIA_BYTES = 1024 * 1024 * 1024
"""The largest video or audio file Carnet remuxes.

The remux holds the decrypted original and the new copy in memory at once (about twice
the file's size at the peak): MP4 files keep their index at the end and the muxer goes
back to patch sizes, so neither side can be a plain stream, and a temporary file is not
allowed. 1 GiB (about eight minutes of 1080p phone video) keeps the peak near 2 GiB,
which an ordinary laptop has; a larger file is refused with a message, never half done.
"""

# Media type -> FFmpeg muxer that writes the same kind of file.
MUXERS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
    "video/3gpp2": "3g2",
    "audio/mp4": "ipod",
    "video/webm": "webm",
    "video/matroska": "matroska",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}
# Muxer options beyond "bitexact": MP3 gets neither an (empty) ID3v2 header nor an
# ID3v1 trailer; WAV gets no broadcast-wave (bext) chunk, where recorders put their
# name, a date and a place (it is off by default; said here so it stays off).
_MUXER_OPTIONS = {
    "mp3": {"id3v2_version": "0", "write_id3v1": "0"},
    "wav": {"write_bext": "0"},
}
_ID3V2 = b"ID3"
_ID3V1 = b"TAG"
_ID3V1_SIZE = 128
_BMFF_MUXERS = frozenset({"mp4", "mov", "3gp", "3g2", "ipod"})
# Muxer -> the one FFmpeg demuxer allowed to read the original. Probing would let any of
# FFmpeg's ~400 demuxers (playlists that open other files among them) take a file that
# only claims to be this type; like images.PILLOW_FORMATS, one reader per type.
_DEMUXERS = {
    **dict.fromkeys(_BMFF_MUXERS, "mov"),
    "webm": "matroska",
    "matroska": "matroska",
    "ogg": "ogg",
    "mp3": "mp3",
    "wav": "wav",
    "flac": "flac",
}
_KEPT_STREAM_TYPES = frozenset({"video", "audio"})

# What FFmpeg itself writes into a stripped copy, as full-match patterns: the MP4 brands;
# per stream the language ("und"), its default handler names, its own (or a zero) vendor
# id, and Matroska's track duration. Nothing else may be there when the copy is read
# back, and these only with FFmpeg's own values, never free text.
_CONTAINER_TAGS_ALLOWED = {
    "major_brand": re.compile(r"[ -~]{4}"),
    "minor_version": re.compile(r"\d{1,10}"),
    "compatible_brands": re.compile(r"(?:[ -~]{4}){0,16}"),
    # Matroska's muxing and writing application, without a version ("bitexact").
    "encoder": re.compile(r"Lavf"),
}
_STREAM_TAGS_ALLOWED = {
    "language": re.compile(r"und"),
    "handler_name": re.compile(r"VideoHandler|SoundHandler"),
    "vendor_id": re.compile(r"\[0\]\[0\]\[0\]\[0\]|FFMP"),
    "DURATION": re.compile(r"\d{2,}:\d{2}:\d{2}\.\d{9}"),
}
_ATTACHED_PIC = int(av.stream.Disposition.attached_pic)


@dataclass(frozen=True)
class StrippedMedia:
    """A remuxed file holding streams only; `data` is kept out of the repr."""

    data: bytes = field(repr=False)
    media_type: str
    duration_seconds: float | None
    streams: int


def strip_media(data: bytes, media_type: str) -> StrippedMedia:
    """Remux `data` without any metadata; the streams are copied, not re-encoded.

    Raises RefusedFileError for a file that is too large, a type Carnet cannot remux,
    data FFmpeg cannot read (damaged, truncated, not really this type), no audio or
    video stream, or a copy that still holds metadata.
    """
    if len(data) > MAX_STRIP_MEDIA_BYTES:
        raise RefusedFileError(
            f"the file is larger than {MAX_STRIP_MEDIA_BYTES // (1024 * 1024)} MiB; "
            "Carnet strips video and audio in memory and will not remux it"
        )
    muxer = MUXERS.get(media_type)
    if muxer is None:
        raise RefusedFileError(f"Carnet cannot strip {media_type} files")
    try:
        buffer, streams = _remux(data, muxer)
        if muxer in _BMFF_MUXERS:
            drop_metadata_boxes(buffer)
        remuxed = buffer.getvalue()  # shares the buffer's memory: no copy
        del buffer
        duration = _require_clean(remuxed, muxer)
    except RefusedFileError:
        raise
    except Exception as exc:
        # FFmpeg's messages can quote the file; they are not shown.
        raise RefusedFileError(
            f"the file could not be remuxed: it is damaged, truncated, or not really "
            f"{media_type}; the original is kept unchanged"
        ) from exc
    return StrippedMedia(remuxed, media_type, duration, streams)


def _remux(data: bytes, muxer: str) -> tuple[io.BytesIO, int]:
    """Copy every audio and video packet into a new container given no metadata."""
    out = io.BytesIO()
    with av.open(io.BytesIO(data), mode="r", format=_DEMUXERS[muxer]) as source:
        kept = [s for s in source.streams if _kept(s)]
        if not kept:
            raise RefusedFileError("the file holds no audio or video stream to keep")
        options = {"fflags": "+bitexact", **_MUXER_OPTIONS.get(muxer, {})}
        with av.open(out, mode="w", format=muxer, options=options) as target:
            mapping: dict[int, Any] = {}
            for stream in kept:
                copy = target.add_stream_from_template(stream)
                copy.metadata.clear()
                copy.disposition = stream.disposition  # default, forced, ...: no data
                mapping[stream.index] = copy
            target.metadata.clear()
            for packet in source.demux(kept):
                if packet.dts is None:  # the demuxer's end-of-stream marker
                    continue
                packet.stream = mapping[packet.stream.index]
                target.mux(packet)
    return out, len(kept)


def _kept(stream: Any) -> bool:
    if stream.type not in _KEPT_STREAM_TYPES:
        return False
    return not (int(stream.disposition) & _ATTACHED_PIC)


def _require_clean(remuxed: bytes, muxer: str) -> float | None:
    """Read the copy back: only FFmpeg's neutral tags, only audio and video streams (no
    cover art), and for MP4-family files no metadata box at all."""
    leaks: list[str] = []
    with av.open(io.BytesIO(remuxed), mode="r", format=_DEMUXERS[muxer]) as check:
        leaks += _unexpected_tags(check.metadata, _CONTAINER_TAGS_ALLOWED)
        for stream in check.streams:
            # Not _kept(): the check stays independent of the filter it checks.
            cover = int(stream.disposition) & _ATTACHED_PIC
            if stream.type not in _KEPT_STREAM_TYPES or cover:
                leaks.append(f"a {stream.type} stream")
            leaks += _unexpected_tags(stream.metadata, _STREAM_TAGS_ALLOWED)
        duration = check.duration / av.time_base if check.duration is not None else None
    if muxer in _BMFF_MUXERS:
        leaks += metadata_boxes(remuxed)
    if muxer == "mp3" and (remuxed.startswith(_ID3V2) or remuxed[-_ID3V1_SIZE:].startswith(_ID3V1)):
        leaks.append("ID3")
    if leaks:
        raise RefusedFileError("the stripped copy still held metadata; it was not kept")
    return duration


def _unexpected_tags(tags: Any, allowed: dict[str, re.Pattern[str]]) -> list[str]:
    """Tag names not allowed, or allowed but holding a value FFmpeg would not write."""
    unexpected: list[str] = []
    for key, value in dict(tags).items():
        pattern = allowed.get(key)
        if pattern is None or not pattern.fullmatch(str(value)):
            unexpected.append(key)
    return unexpected
