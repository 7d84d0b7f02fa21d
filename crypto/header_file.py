"""The header file: two copies of the header and two failed-unlock records, fixed places.

Why this shape: the header holds the only wrapped copies of the master key, and the wipe
destroys them by overwriting the file where it lies. That only works if no other copy
was ever written: replacing the file by write-then-rename leaves the old slots in free
blocks, where a forensic carver finds them, and the old passphrase opens them. So the
file has a fixed size and every update rewrites bytes in place. Two copies make that
crash-safe without a rename: an update writes the copy that is not the current one,
fsyncs, then the other; a crash in between leaves one intact copy (found by its
checksum), and the newest intact copy, by sequence number, is the header.

The failed-unlock counter changes at every attempt and has no key to authenticate it,
so it lives apart, in two small records of its own: counting a wrong guess rewrites no
key slot. Layout (docs/vault-format.md), 12,288 bytes:

  offset  size
       0  4096  copy A: a version 3 header (348 bytes), then zeros
    4096  4096  copy B: the same
    8192  2048  counter record 0: sequence (8), count (4), BLAKE2b-128 checksum
                (person "carnet-hdr-count") over those 12 bytes, then zeros
   10240  2048  counter record 1: the same

Each region sits in its own 4 KiB block (the copies) or 2 KiB half-block, so a torn
sector write spoils at most one of a pair. A file that starts with a version 1 or 2
header (306 or 310 bytes) is from before this layout; it is read so that it can be
migrated, in place: copy B and the counter records are written after the old header
first, then copy A over it, so every moment of the migration leaves a readable file.
"""

from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass

import nacl.bindings

from crypto.errors import MalformedError
from crypto.header import (
    COPY_BYTES,
    HEADER_BYTES,
    LOCKOUT_HEADER_BYTES,
    MAX_COUNTER,
    VERSION,
    VERSION_1,
    VERSION_WITH_LOCKOUT,
    VaultHeader,
    parse_header,
)

FILE_BYTES = 12288
COPY_REGION = 4096
COPY_OFFSETS = (0, COPY_REGION)
COUNTER_REGION = 2048
COUNTER_OFFSETS = (2 * COPY_REGION, 2 * COPY_REGION + COUNTER_REGION)
MAX_FILE_BYTES = FILE_BYTES
PERSON_COUNTER_CHECKSUM = b"carnet-hdr-count"
_COUNTER = struct.Struct(">QI")
_COUNTER_CHECKSUM_BYTES = 16
COUNTER_RECORD_BYTES = _COUNTER.size + _COUNTER_CHECKSUM_BYTES  # 28
# One update adds one to a sequence: no honest file comes near this. A copy or a record
# claiming more was forged to win (or to overflow the next write), and is not intact.
MAX_HONEST_SEQUENCE = 2**62


@dataclass(frozen=True)
class CounterRecord:
    sequence: int
    count: int


@dataclass(frozen=True)
class HeaderFile:
    """What a header file holds. Only public values and ciphertext: safe to repr.

    `copies` are the two copies in file order, None where a copy is torn or absent;
    a legacy file has its one header as copy A and nothing as copy B.
    """

    copies: tuple[VaultHeader | None, VaultHeader | None]
    counters: tuple[CounterRecord | None, CounterRecord | None]
    legacy: bool = False

    @property
    def newest_index(self) -> int:
        """The copy to use: the intact one with the highest sequence (A on a tie)."""
        a, b = self.copies
        if a is None and b is None:
            raise MalformedError("the vault header has no intact copy")
        if b is None:
            return 0
        if a is None:
            return 1
        return 1 if b.sequence > a.sequence else 0

    @property
    def newest(self) -> VaultHeader:
        header = self.copies[self.newest_index]
        if header is None:  # newest_index has already refused this
            raise MalformedError("the vault header has no intact copy")
        return header

    @property
    def other(self) -> VaultHeader | None:
        """The other intact copy when it differs from the newest: an update that a crash
        interrupted (or the previous header during a rekey), to settle at the next unlock."""
        other = self.copies[1 - self.newest_index]
        return other if other is not None and other != self.newest else None

    @property
    def consistent(self) -> bool:
        """Both copies intact and equal, and a version 3 file: nothing to repair."""
        a, b = self.copies
        return not self.legacy and a is not None and a == b

    @property
    def failed_unlocks(self) -> int:
        if self.legacy:
            return self.newest.failed_unlocks
        intact = [c for c in self.counters if c is not None]
        return max(intact, key=lambda c: c.sequence).count if intact else 0

    @property
    def counter_sequence(self) -> int:
        return max((c.sequence for c in self.counters if c is not None), default=0)

    def agreed_kdf_inputs(self) -> bool:
        """Whether the intact copies agree on the salt and KDF profile (and so on the one
        Argon2id to run). No update changes them, so copies that differ were forged."""
        intact = [c for c in self.copies if c is not None]
        return len({(c.salt, c.profile) for c in intact}) <= 1

    @property
    def wipe_after(self) -> int:
        """The failed-unlock limit in force before any copy is authenticated: the highest
        among the intact copies (so a forged copy cannot bring the wipe sooner) ..."""
        return max((c.wipe_after for c in self.copies if c is not None), default=0)

    @property
    def wipe_on_limit(self) -> bool:
        """... and a wipe only when every intact copy has the setting on, so a forged copy
        alone cannot turn it on for a vault whose owner never did."""
        return all(c.wipe_after for c in self.copies if c is not None)

    @property
    def counter_slot_to_write(self) -> int:
        """The record a new count goes into: never the current one."""
        a, b = self.counters
        if a is None:
            return 0
        if b is None:
            return 1
        return 0 if a.sequence < b.sequence else 1

    @property
    def sequence(self) -> int:
        """The highest sequence number in the file: the next write uses one more."""
        return max((c.sequence for c in self.copies if c is not None), default=0)


def parse_header_file(data: bytes) -> HeaderFile:
    """Parse a header file of either layout. Raises MalformedError, never anything else.

    A version 1 or 2 header is recognised by its own version field at the start of the
    file, and accepted with zero bytes after it, then anything: that is the state of a
    migration that a crash interrupted after extending the file (section 3a of
    docs/vault-format.md), before or while copy B was written.
    """
    if len(data) == FILE_BYTES:
        copies = (_copy_at(data, COPY_OFFSETS[0]), _copy_at(data, COPY_OFFSETS[1]))
        counters = (_counter_at(data, COUNTER_OFFSETS[0]), _counter_at(data, COUNTER_OFFSETS[1]))
        if copies != (None, None):
            return HeaderFile(copies, counters)
    legacy = legacy_header_at_start(data)
    if legacy is not None:
        return HeaderFile((legacy, None), (None, None), legacy=True)
    if len(data) == FILE_BYTES:
        raise MalformedError("the vault header has no intact copy")
    raise MalformedError("the vault header has the wrong size")


def legacy_header_at_start(data: bytes) -> VaultHeader | None:
    """The version 1 or 2 header at the start of `data`, or None."""
    if len(data) < HEADER_BYTES:
        return None
    size = {VERSION_1: HEADER_BYTES, VERSION_WITH_LOCKOUT: LOCKOUT_HEADER_BYTES}.get(
        int.from_bytes(data[8:10], "big")
    )
    if size is None or len(data) < size or any(data[size:COPY_REGION]):
        return None
    try:
        return parse_header(data[:size])
    except MalformedError:
        return None


def is_torn_creation(data: bytes) -> bool:
    """A header file shorter than the layout that is no version 1 or 2 header either: only
    a creation killed while writing it leaves one (nothing else writes a short file)."""
    return len(data) < FILE_BYTES and legacy_header_at_start(data) is None


def encode_copy(header: VaultHeader) -> bytes:
    """A version 3 header as it fills its 4 KiB region."""
    if header.version != VERSION:
        raise ValueError("only version 3 headers go into the header file")
    return header.to_bytes().ljust(COPY_REGION, b"\x00")


def encode_counter(record: CounterRecord) -> bytes:
    if not 0 <= record.count <= MAX_COUNTER:
        raise ValueError("the failed-unlock count is at most 65535")
    body = _COUNTER.pack(record.sequence, record.count)
    return (body + _counter_checksum(body)).ljust(COUNTER_REGION, b"\x00")


def encode_file(header: VaultHeader, failed_unlocks: int = 0) -> bytes:
    """A whole new header file: both copies equal, the counter in record 0."""
    copy = encode_copy(header)
    counter = encode_counter(CounterRecord(1, failed_unlocks))
    return copy + copy + counter + bytes(COUNTER_REGION)


def _copy_at(data: bytes, offset: int) -> VaultHeader | None:
    region = data[offset : offset + COPY_REGION]
    if any(region[COPY_BYTES:]):
        return None  # bytes after the copy: not what Carnet writes
    try:
        header = parse_header(region[:COPY_BYTES])
    except MalformedError:
        return None
    if header.version != VERSION or header.sequence >= MAX_HONEST_SEQUENCE:
        return None
    return header


def _counter_at(data: bytes, offset: int) -> CounterRecord | None:
    region = data[offset : offset + COUNTER_REGION]
    body = region[: _COUNTER.size]
    checksum = region[_COUNTER.size : COUNTER_RECORD_BYTES]
    if any(region[COUNTER_RECORD_BYTES:]):
        return None
    if not hmac.compare_digest(_counter_checksum(body), checksum):
        return None
    sequence, count = _COUNTER.unpack(body)
    if count > MAX_COUNTER or sequence == 0 or sequence >= MAX_HONEST_SEQUENCE:
        return None
    return CounterRecord(sequence, count)


def _counter_checksum(body: bytes) -> bytes:
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            body, digest_size=_COUNTER_CHECKSUM_BYTES, person=PERSON_COUNTER_CHECKSUM
        )
    )
