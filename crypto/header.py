"""The vault header: a fixed-size binary record, the only plaintext in a vault.

Layout of version 1 (all integers big-endian), 306 bytes; docs/vault-format.md is the
specification and tests/test_vectors.py holds its known-answer vectors.

  offset size  field
       0    8  magic "CARNETVH"
       8    2  format version = 1
      10    2  flags: bit 0 = a device share (OS keyring) is part of the passphrase KEK
      12   16  vault id (random)
      28    1  KDF algorithm: 1 = Argon2id v1.3
      29    1  KDF profile: 1 interactive, 2 moderate, 3 sensitive
      30    4  Argon2id opslimit (must equal the profile's)
      34    8  Argon2id memlimit in bytes (must equal the profile's)
      42   16  salt
      58   72  passphrase slot
     130   72  recovery slot
     202   72  duress slot (random bytes when no duress passphrase is set)
     274   32  header MAC: BLAKE2b-256 keyed with BLAKE2b(key=MK, person="carnet-hdr-mac")
               over bytes 0..273

Each slot's associated data is the preamble without its flags (bytes 0..9 and 12..57)
followed by the slot index. The flags are left out so that the device share can be
turned on or off without the duress passphrase (whose slot cannot be rewrapped without
it); they are covered by the MAC, and the device-share flag changes the passphrase KEK
anyway. The MAC binds every byte, so changing any byte makes unlock fail.

Version 2 (310 bytes) is version 1 with the wipe-after-failed-unlocks setting, written
only once the user turns that setting on (`carnet lockout set N`):

     274    2  wipe after N failed unlocks (0 = off), covered by the MAC
     276   32  header MAC over bytes 0..275
     308    2  failed unlocks so far: NOT authenticated, because a failed attempt has no
               key to authenticate with; it is reset at the next successful unlock

The slots' associated data is the same in every version: its version field is the slot
format's, always 1, so that a version change rewraps nothing (the duress slot could not
be rewrapped without the duress passphrase).

Version 3 (348 bytes, one "copy") is what Carnet writes now. The header file holds two
copies of it, updated in place (crypto/header_file.py), so that no update ever needs a
rename, which would leave the previous key slots in free blocks for a forensic carver:

     274    2  wipe after N failed unlocks (0 = off), covered by the MAC
     276    8  sequence number, covered by the MAC: the newest intact copy wins
     284   32  header MAC over bytes 0..283
     316   32  copy checksum: BLAKE2b-256, unkeyed, person "carnet-hdr-copy", over bytes
               0..315. It finds a copy torn by a crash without needing any key; it proves
               nothing against tampering, which is the MAC's job.

The failed-unlock counter is no longer in the copies: it has its own small records in
the header file, so counting a failed attempt rewrites no key slot.

Versions 1 and 2 are read only to migrate them (the file is rewritten in place as
version 3 at the first unlock).
"""

from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass, replace

import nacl.bindings
import nacl.utils

from crypto.errors import AuthenticationError, MalformedError
from crypto.kdf import KEY_BYTES, SALT_BYTES, KdfProfile, derive_key
from crypto.keyslots import SLOT_BYTES, Random

MAGIC = b"CARNETVH"
VERSION_1 = 1
VERSION_WITH_LOCKOUT = 2
VERSION = 3  # what Carnet writes
LEGACY_VERSIONS = (VERSION_1, VERSION_WITH_LOCKOUT)
SLOT_FORMAT_VERSION = 1
KDF_ARGON2ID13 = 1
FLAG_DEVICE_SHARE = 0x0001
VAULT_ID_BYTES = 16
MAC_BYTES = 32
PURPOSE_HEADER_MAC = b"carnet-hdr-mac"
PERSON_COPY_CHECKSUM = b"carnet-hdr-copy"
CHECKSUM_BYTES = 32

_PREAMBLE = struct.Struct(">8sHH16sBBIQ16s")
PREAMBLE_BYTES = _PREAMBLE.size  # 58
HEADER_BYTES = PREAMBLE_BYTES + 3 * SLOT_BYTES + MAC_BYTES  # 306 (version 1)
_COUNTER = struct.Struct(">H")
_SEQUENCE = struct.Struct(">Q")
LOCKOUT_HEADER_BYTES = HEADER_BYTES + 2 * _COUNTER.size  # 310 (version 2)
COPY_BYTES = HEADER_BYTES + _COUNTER.size + _SEQUENCE.size + CHECKSUM_BYTES  # 348 (version 3)
MAX_COUNTER = 0xFFFF
MAX_SEQUENCE = 2**64 - 1
_SIZES = {VERSION_1: HEADER_BYTES, VERSION_WITH_LOCKOUT: LOCKOUT_HEADER_BYTES, VERSION: COPY_BYTES}


class HeaderIntegrityError(AuthenticationError):
    """A slot opened, but the header MAC does not verify: the header was changed."""


@dataclass(frozen=True)
class VaultHeader:
    """A parsed header. Holds only public values and ciphertext; safe to repr."""

    device_share_required: bool
    vault_id: bytes
    profile: KdfProfile
    salt: bytes
    passphrase_slot: bytes
    recovery_slot: bytes
    duress_slot: bytes
    mac: bytes = b"\x00" * MAC_BYTES
    version: int = VERSION
    wipe_after: int = 0  # failed unlocks before a wipe; 0 = off (versions 2 and 3)
    sequence: int = 0  # which copy is newest (version 3 only)
    failed_unlocks: int = 0  # unauthenticated counter kept inside a version 2 header only

    def __post_init__(self) -> None:
        if self.version not in _SIZES:
            raise ValueError("unknown header version")
        if self.version == VERSION_1 and (self.wipe_after or self.failed_unlocks):
            raise ValueError("a version 1 header has no failed-unlock setting")
        if self.version != VERSION_WITH_LOCKOUT and self.failed_unlocks:
            raise ValueError("only a version 2 header holds the failed-unlock counter")
        if self.version != VERSION and self.sequence:
            raise ValueError("only a version 3 header has a sequence number")
        if not (0 <= self.wipe_after <= MAX_COUNTER and 0 <= self.failed_unlocks <= MAX_COUNTER):
            raise ValueError("failed-unlock numbers are 16-bit")
        if not 0 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError("the sequence number is 64-bit")

    def preamble(self) -> bytes:
        params = self.profile.params
        return _PREAMBLE.pack(
            MAGIC,
            self.version,
            FLAG_DEVICE_SHARE if self.device_share_required else 0,
            self.vault_id,
            KDF_ARGON2ID13,
            self.profile.code,
            params.opslimit,
            params.memlimit,
            self.salt,
        )

    def slot_context(self) -> bytes:
        """The associated data prefix shared by all slots: the preamble less its flags."""
        preamble = self.preamble()
        return MAGIC + _COUNTER.pack(SLOT_FORMAT_VERSION) + preamble[12:]

    def authenticated_body(self) -> bytes:
        """Every byte the MAC covers: the preamble, the three slots, the setting and (in
        version 3) the sequence number."""
        body = self.preamble() + self.passphrase_slot + self.recovery_slot + self.duress_slot
        if self.version in (VERSION_WITH_LOCKOUT, VERSION):
            body += _COUNTER.pack(self.wipe_after)
        if self.version == VERSION:
            body += _SEQUENCE.pack(self.sequence)
        return body

    def to_bytes(self) -> bytes:
        data = self.authenticated_body() + self.mac
        if self.version == VERSION_WITH_LOCKOUT:
            data += _COUNTER.pack(self.failed_unlocks)
        if self.version == VERSION:
            data += copy_checksum(data)
        return data

    def with_wipe_after(self, wipe_after: int, master_key: bytes) -> VaultHeader:
        """The same header with the setting (0 turns it off), MAC recomputed."""
        return replace(self, wipe_after=wipe_after).sealed_with(master_key)

    def upgraded(self, sequence: int, master_key: bytes) -> VaultHeader:
        """This header as version 3 with `sequence`, MAC recomputed: what every write of
        the header file stores. A version 1 or 2 header keeps its slots as they are."""
        changed = replace(self, version=VERSION, sequence=sequence, failed_unlocks=0)
        return changed.sealed_with(master_key)

    def sealed_with(self, master_key: bytes) -> VaultHeader:
        """The same header with its MAC computed under the master key."""
        return replace(self, mac=compute_mac(master_key, self.authenticated_body()))

    def verify(self, master_key: bytes) -> None:
        expected = compute_mac(master_key, self.authenticated_body())
        if not hmac.compare_digest(expected, self.mac):
            raise HeaderIntegrityError("the vault header has been changed or damaged")


def compute_mac(master_key: bytes, body: bytes) -> bytes:
    mac_key = derive_key(master_key, PURPOSE_HEADER_MAC)
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            body, digest_size=MAC_BYTES, key=mac_key
        )
    )


def copy_checksum(data: bytes) -> bytes:
    """The keyless checksum that tells an intact version 3 copy from a torn one."""
    return bytes(
        nacl.bindings.crypto_generichash_blake2b_salt_personal(
            data, digest_size=CHECKSUM_BYTES, person=PERSON_COPY_CHECKSUM.ljust(16, b"\x00")
        )
    )


def parse_header(data: bytes) -> VaultHeader:
    """Parse and range-check one header (a version 3 copy, or a version 1 or 2 header).
    Raises MalformedError, never anything else."""
    if len(data) not in _SIZES.values():
        raise MalformedError("the vault header has the wrong size")
    magic, version, flags, vault_id, kdf_alg, profile_code, ops, mem, salt = _PREAMBLE.unpack_from(
        data, 0
    )
    if magic != MAGIC:
        raise MalformedError("this is not a Carnet vault header")
    if version not in _SIZES:
        raise MalformedError("this vault header version is not supported")
    if len(data) != _SIZES[version]:
        raise MalformedError("the vault header has the wrong size")
    if version == VERSION and not hmac.compare_digest(
        copy_checksum(data[:-CHECKSUM_BYTES]), data[-CHECKSUM_BYTES:]
    ):
        raise MalformedError("the vault header copy is torn or damaged")
    if flags & ~FLAG_DEVICE_SHARE:
        raise MalformedError("the vault header has unknown flags")
    if kdf_alg != KDF_ARGON2ID13:
        raise MalformedError("the vault header names an unknown KDF")
    try:
        profile = KdfProfile.from_code(profile_code)
    except ValueError:
        raise MalformedError("the vault header names an unknown KDF profile") from None
    if (ops, mem) != (profile.params.opslimit, profile.params.memlimit):
        raise MalformedError("the vault header's KDF parameters do not match its profile")
    offset = PREAMBLE_BYTES
    slots = []
    for _ in range(3):
        slots.append(data[offset : offset + SLOT_BYTES])
        offset += SLOT_BYTES
    wipe_after = failed_unlocks = sequence = 0
    if version in (VERSION_WITH_LOCKOUT, VERSION):
        (wipe_after,) = _COUNTER.unpack_from(data, offset)
        offset += _COUNTER.size
    if version == VERSION:
        (sequence,) = _SEQUENCE.unpack_from(data, offset)
        offset += _SEQUENCE.size
    if version == VERSION_WITH_LOCKOUT:
        (failed_unlocks,) = _COUNTER.unpack_from(data, offset + MAC_BYTES)
    header = VaultHeader(
        device_share_required=bool(flags & FLAG_DEVICE_SHARE),
        vault_id=vault_id,
        profile=profile,
        salt=salt,
        passphrase_slot=slots[0],
        recovery_slot=slots[1],
        duress_slot=slots[2],
        mac=data[offset : offset + MAC_BYTES],
        version=version,
        wipe_after=wipe_after,
        sequence=sequence,
        failed_unlocks=failed_unlocks,
    )
    # The MAC is computed over the header rebuilt from its fields: it covers the bytes on
    # disk only if they are the one canonical encoding of those fields.
    if header.to_bytes() != data:
        raise MalformedError("the vault header is not in canonical form")
    return header


def new_vault_id(rng: Random = nacl.utils.random) -> bytes:
    return rng(VAULT_ID_BYTES)


def new_salt(rng: Random = nacl.utils.random) -> bytes:
    return rng(SALT_BYTES)


def new_master_key(rng: Random = nacl.utils.random) -> bytes:
    return rng(KEY_BYTES)
