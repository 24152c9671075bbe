"""Passphrase sealing (scrypt + AES-256-GCM), shared by key export files and the workstation
key file: one scheme to review, one set of parameters to raise when machines get faster."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

KEY_BYTES, NONCE_BYTES, SALT_BYTES = 32, 12, 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class SealError(ValueError):
    """The document is not a sealed one (malformed), or the passphrase does not open it."""

    def __init__(self, message: str, wrong_passphrase: bool = False) -> None:
        super().__init__(message)
        self.wrong_passphrase = wrong_passphrase


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class Sealer:
    """A passphrase stretched once; seals any number of times (a new nonce each time)."""

    salt: bytes
    n: int
    r: int
    p: int
    _wrap: bytes = field(repr=False)

    @classmethod
    def new(cls, passphrase: str) -> Sealer:
        salt = os.urandom(SALT_BYTES)
        wrap = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return cls(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, wrap)

    def seal(self, plain: bytes, aad: bytes) -> dict[str, Any]:
        """kdf, cipher, nonce and sealed bytes as JSON-ready fields."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._wrap).encrypt(nonce, plain, aad)
        b64 = base64.b64encode
        return {
            "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                    "salt": b64(self.salt).decode()},
            "cipher": "AES-256-GCM",
            "nonce": b64(nonce).decode(),
            "sealed": b64(sealed).decode(),
        }  # fmt: skip

    @classmethod
    def open(cls, doc: dict[str, Any], passphrase: str, aad: bytes) -> tuple[Sealer, bytes]:
        """The sealer (to seal again with the same passphrase) and the plain bytes."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            kdf = doc["kdf"]
            salt, n, r, p = (
                base64.b64decode(kdf["salt"]),
                int(kdf["n"]),
                int(kdf["r"]),
                int(kdf["p"]),
            )
            nonce, sealed = base64.b64decode(doc["nonce"]), base64.b64decode(doc["sealed"])
            wrap = _scrypt(passphrase, salt, n, r, p)
        except (ValueError, KeyError, TypeError) as exc:
            raise SealError("not a sealed document") from exc
        try:
            plain = AESGCM(wrap).decrypt(nonce, sealed, aad)
        except InvalidTag as exc:
            raise SealError("wrong passphrase", wrong_passphrase=True) from exc
        return cls(salt, n, r, p, wrap), plain

    def reopen(self, doc: dict[str, Any], aad: bytes) -> bytes:
        """Plain bytes of a document this sealer's passphrase sealed (no stretching again)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            kdf = doc["kdf"]
            same = base64.b64decode(kdf["salt"]) == self.salt and int(kdf["n"]) == self.n
            nonce, sealed = base64.b64decode(doc["nonce"]), base64.b64decode(doc["sealed"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SealError("not a sealed document") from exc
        if not same:
            raise SealError("sealed with another passphrase", wrong_passphrase=True)
        try:
            return bytes(AESGCM(self._wrap).decrypt(nonce, sealed, aad))
        except InvalidTag as exc:
            raise SealError("wrong passphrase", wrong_passphrase=True) from exc
