"""Evidence files for the strip tests, made by the tests themselves, then tagged by exiftool.

Pictures come from Pillow (HEIC through pillow-heif), video and audio from PyAV's own
encoders (H.264/AAC, MPEG-4, VP9/Opus), PDFs from pikepdf. Each is written to a test's
folder and tagged with exiftool with everything a phone, a camera or an editor leaves
behind: GPS position, make, model, serial number, artist/owner, XMP creator, IPTC
keywords, a comment. The tests first check that exiftool really sees those in the
fixture, so a fixture that silently lost its tags cannot make a test pass.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import pikepdf
import pillow_heif
from PIL import Image

from tests.exiftool_judge import CANARIES, LATITUDE, LONGITUDE, write_tags

SIZE = (64, 48)
FRAMES = 12
RATE = 12
SAMPLE_RATE = 8000

_GPS = (
    f"-GPSLatitude={LATITUDE}",
    "-GPSLatitudeRef=N",
    f"-GPSLongitude={LONGITUDE}",
    "-GPSLongitudeRef=W",
    "-GPSAltitude=12",
)
_DEVICE = (
    f"-Make={CANARIES['make']}",
    f"-Model={CANARIES['model']}",
    f"-SerialNumber={CANARIES['serial']}",
    f"-Artist={CANARIES['artist']}",
    f"-OwnerName={CANARIES['owner']}",
)
_XMP = (f"-XMP:Creator={CANARIES['creator']}", f"-XMP:Title={CANARIES['title']}")
_IPTC = (f"-IPTC:Keywords={CANARIES['keyword']}",)

# Per image format: what exiftool can write into it.
IMAGE_TAGS = {
    "JPEG": (*_GPS, *_DEVICE, *_XMP, *_IPTC, f"-Comment={CANARIES['comment']}"),
    "PNG": (*_GPS, *_DEVICE, *_XMP, f"-PNG:Comment={CANARIES['comment']}"),
    "WEBP": (*_GPS, *_DEVICE, *_XMP),
    "TIFF": (*_GPS, *_DEVICE, *_XMP, *_IPTC, f"-ImageDescription={CANARIES['comment']}"),
    "HEIF": (*_GPS, *_DEVICE, *_XMP),
}
_LOCATION = f"{LATITUDE}, -{LONGITUDE}, 12"
VIDEO_TAGS = (
    f"-Keys:GPSCoordinates={_LOCATION}",
    f"-UserData:GPSCoordinates={_LOCATION}",
    f"-UserData:Make={CANARIES['make']}",
    f"-UserData:Model={CANARIES['model']}",
    f"-Keys:Make={CANARIES['make']}",
    f"-Keys:Model={CANARIES['model']}",
    f"-ItemList:Artist={CANARIES['artist']}",
    f"-UserData:Comment={CANARIES['comment']}",
    f"-XMP:Creator={CANARIES['creator']}",
    "-QuickTime:CreateDate=2024:03:05 14:22:10",
    "-QuickTime:TrackCreateDate=2024:03:05 14:22:10",
)
PDF_TAGS = (
    f"-PDF:Author={CANARIES['artist']}",
    f"-PDF:Keywords={CANARIES['keyword']}",
    f"-PDF:Subject={CANARIES['comment']}",
    f"-PDF:Creator={CANARIES['make']}",
    f"-XMP:Creator={CANARIES['creator']}",
    f"-XMP-pdf:Producer={CANARIES['model']}",
)

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif", "HEIF": "heic"}


def picture() -> Image.Image:
    """Top-left quarter red, the rest blue: orientation and size are visible in pixels."""
    image = Image.new("RGB", SIZE, "blue")
    image.paste("red", (0, 0, SIZE[0] // 2, SIZE[1] // 2))
    return image


def tagged_image(folder: Path, pillow_format: str) -> Path:
    """A picture in this format, tagged by exiftool with GPS, device, owner, XMP..."""
    path = folder / f"photo.{EXTENSIONS[pillow_format]}"
    if pillow_format == "HEIF":
        heif = pillow_heif.from_pillow(picture())
        out = io.BytesIO()
        heif.save(out, quality=90)
        path.write_bytes(out.getvalue())
    else:
        picture().save(path, format=pillow_format)
    write_tags(path, *IMAGE_TAGS[pillow_format])
    return path


def encoded_media(
    muxer: str,
    video_codec: str | None,
    audio_codec: str | None,
    title: str = "",
    stream_tags: bool = True,
) -> bytes:
    """A short clip: FRAMES pictures and/or ~1 s of silence, encoded by PyAV.

    With a title, the container also gets a location and a comment and (unless
    `stream_tags` is false) the video stream a handler name naming the phone model.
    """
    out = io.BytesIO()
    with av.open(out, mode="w", format=muxer) as container:
        if title:
            container.metadata["title"] = title
            container.metadata["location"] = f"+{LATITUDE}-{LONGITUDE}/"
            container.metadata["comment"] = CANARIES["comment"]
        video = audio = None
        if video_codec is not None:
            video = container.add_stream(video_codec, rate=RATE)
            video.width, video.height = SIZE
            video.pix_fmt = "yuv420p"
            if title and stream_tags:
                video.metadata["handler_name"] = CANARIES["model"]
        if audio_codec is not None:
            rate = 48000 if audio_codec == "libopus" else SAMPLE_RATE
            audio = container.add_stream(audio_codec, rate=rate, layout="mono")
        if video is not None:
            for n in range(FRAMES):
                image = Image.new("RGB", SIZE, (n * 20, 40, 200 - n * 10))
                for packet in video.encode(av.VideoFrame.from_image(image)):
                    container.mux(packet)
            for packet in video.encode():
                container.mux(packet)
        if audio is not None:
            _silence(container, audio)
    return out.getvalue()


def _silence(container: av.container.OutputContainer, audio: av.audio.AudioStream) -> None:
    context = audio.codec_context
    samples = context.frame_size or 1024
    for n in range(max(1, context.sample_rate // samples)):
        frame = av.AudioFrame(format=context.format.name, layout="mono", samples=samples)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = context.sample_rate
        frame.pts = n * samples
        for packet in audio.encode(frame):
            container.mux(packet)
    for packet in audio.encode():
        container.mux(packet)


# name -> (muxer, video codec, audio codec, media type, extension)
MEDIA = {
    "mp4": ("mp4", "libx264", "aac", "video/mp4", "mp4"),
    "mov": ("mov", "libx264", "aac", "video/quicktime", "mov"),
    "3gp": ("3gp", "mpeg4", "aac", "video/3gpp", "3gp"),
    "m4a": ("ipod", None, "aac", "audio/mp4", "m4a"),
    "webm": ("webm", "libvpx-vp9", "libopus", "video/webm", "webm"),
    "mkv": ("matroska", "mpeg4", "aac", "video/matroska", "mkv"),
    "ogg": ("ogg", None, "libopus", "audio/ogg", "opus"),
    "mp3": ("mp3", None, "libmp3lame", "audio/mpeg", "mp3"),
    "wav": ("wav", None, "pcm_s16le", "audio/wav", "wav"),
    "flac": ("flac", None, "flac", "audio/flac", "flac"),
}
# exiftool cannot write Matroska, Ogg, ID3, RIFF or FLAC tags: PyAV tags those.
EXIFTOOL_WRITABLE = frozenset({"mp4", "mov", "3gp", "m4a"})


def tagged_media(folder: Path, name: str) -> Path:
    """A clip of this kind, tagged with location, device, artist, XMP and dates."""
    muxer, video_codec, audio_codec, _, extension = MEDIA[name]
    path = folder / f"clip.{extension}"
    path.write_bytes(encoded_media(muxer, video_codec, audio_codec, title=CANARIES["title"]))
    if name in EXIFTOOL_WRITABLE:
        tags = VIDEO_TAGS if video_codec is not None else VIDEO_TAGS[:-1]
        write_tags(path, *tags)
    return path


def tagged_pdf(folder: Path, pages: int = 2) -> Path:
    """A PDF with an Info dictionary, XMP and a page-level /PieceInfo, then tagged by
    exiftool (which appends an incremental update: the old revision stays in the file)."""
    path = folder / "report.pdf"
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo[pikepdf.Name.Author] = CANARIES["owner"]
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [CANARIES["owner"]]
    pdf.pages[0].obj[pikepdf.Name.PieceInfo] = pikepdf.Dictionary(
        App=pikepdf.Dictionary(Private=pikepdf.String(CANARIES["serial"]))
    )
    pdf.pages[0].obj[pikepdf.Name.Metadata] = pdf.make_stream(
        f"<x:xmpmeta>{CANARIES['serial']}</x:xmpmeta>".encode()
    )
    pdf.save(path)
    write_tags(path, *PDF_TAGS)
    return path
