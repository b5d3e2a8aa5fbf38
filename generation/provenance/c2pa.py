"""Sign stored videos and posters with a C2PA manifest, and read one back.

The manifest says: created (`c2pa.created`) by a trained algorithm
(`trainedAlgorithmicMedia`), by this site, with this model, at this time, as job
<opaque public id>. Never an email: the file travels.

Signing needs a certificate chain that c2pa accepts: an ES256 leaf (CA:false,
digitalSignature, emailProtection) signed by a CA; c2pa refuses a bare self-signed
leaf. Production gives its own (`C2PA_SIGN_CERT`: leaf PEM followed by its chain,
`C2PA_SIGN_KEY`: PKCS#8 PEM). Otherwise the first signature creates a local CA and
leaf under `$SORA_DATA_DIR/c2pa/`; the local CA is then the trust anchor `trace`
reads with.

`c2pa` (a native library, about 0.2 s to load) is imported inside the two functions
that sign or read, so web processes that never do either do not load it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
JOB_ASSERTION = "org.studio.job"  # our own assertion label: job, site, model, time
LOCAL_DIR = "c2pa"
CA_FILE, LEAF_FILE, KEY_FILE = "ca.pem", "leaf.pem", "leaf.key"
LOCAL_DAYS = 3650


class ProvenanceError(RuntimeError):
    """Signing could not be done; the message says what to fix."""


@dataclass(frozen=True)
class SigningMaterial:
    chain_pem: bytes  # leaf first, then its CA(s)
    key_pem: bytes
    trust_pem: bytes  # anchors a reader trusts


@dataclass(frozen=True)
class ManifestFacts:
    job_public_id: str
    site: str
    model: str
    created_at: str
    validation_state: str  # "Trusted" when the chain leads to our trust anchor
    validation_errors: list[str]


def c2pa_enabled() -> bool:
    return bool(settings.C2PA_ENABLED)


# --- signing material ---------------------------------------------------------------


def _name(common_name: str) -> Any:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.SITE_NAME[:64] or "Studio"),
        ]
    )


def _pem(cert: Any) -> bytes:
    return bytes(cert.public_bytes(serialization.Encoding.PEM))


def local_chain_create(folder: Path) -> None:
    """A local CA and an ES256 leaf it signed, written to `folder` (0700)."""
    now = dt.datetime.now(dt.UTC)
    until = now + dt.timedelta(days=LOCAL_DAYS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{settings.SITE_NAME} local C2PA CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{settings.SITE_NAME} C2PA signer"))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / CA_FILE).write_bytes(_pem(ca))
    (folder / LEAF_FILE).write_bytes(_pem(leaf) + _pem(ca))
    key_path = folder / KEY_FILE
    key_path.write_bytes(key_pem)
    key_path.chmod(0o600)


def _local_folder() -> Path:
    """The local chain's folder, created once. Workers may race on a first start: each
    builds in a private folder and renames it into place; the first rename wins."""
    folder = Path(settings.DATA_DIR) / LOCAL_DIR
    if (folder / KEY_FILE).exists():
        return folder
    staging = Path(tempfile.mkdtemp(prefix=".c2pa-", dir=settings.DATA_DIR))
    local_chain_create(staging)
    try:
        os.rename(staging, folder)
    except OSError:  # another process won; use its chain
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()
    return folder


def signing_material() -> SigningMaterial:
    cert_path, key_path = settings.C2PA_SIGN_CERT, settings.C2PA_SIGN_KEY
    if cert_path and key_path:
        try:
            chain = Path(cert_path).read_bytes()
            key = Path(key_path).read_bytes()
        except OSError as exc:
            raise ProvenanceError(
                f"C2PA_SIGN_CERT/C2PA_SIGN_KEY cannot be read ({exc}); fix the paths "
                "or set C2PA_ENABLED=0."
            ) from exc
        anchors = chain.split(b"-----END CERTIFICATE-----")
        last = anchors[-2] + b"-----END CERTIFICATE-----\n" if len(anchors) > 1 else chain
        return SigningMaterial(chain, key, last.strip() + b"\n")
    folder = _local_folder()
    return SigningMaterial(
        (folder / LEAF_FILE).read_bytes(),
        (folder / KEY_FILE).read_bytes(),
        (folder / CA_FILE).read_bytes(),
    )


# --- signing ------------------------------------------------------------------------


def manifest_definition(
    *, job_public_id: str, model: str, created_at: dt.datetime, title: str, mime: str
) -> dict[str, Any]:
    when = created_at.astimezone(dt.UTC).isoformat()
    return {
        "claim_generator_info": [{"name": settings.SITE_NAME, "version": "1"}],
        "title": title,
        "format": mime,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": DIGITAL_SOURCE_TYPE,
                            "softwareAgent": {"name": f"{settings.SITE_NAME} ({model})"},
                            "when": when,
                        }
                    ]
                },
            },
            {
                "label": JOB_ASSERTION,
                "data": {
                    "job": job_public_id,
                    "site": settings.SITE_NAME,
                    "model": model,
                    "created_at": when,
                },
            },
        ],
    }


def c2pa_sign(
    *,
    data: bytes,
    mime: str,
    job_public_id: str,
    model: str,
    created_at: dt.datetime,
    title: str,
) -> bytes:
    """The same media with a signed manifest embedded."""
    import c2pa

    material = signing_material()
    definition = manifest_definition(
        job_public_id=job_public_id, model=model, created_at=created_at, title=title, mime=mime
    )
    info = c2pa.C2paSignerInfo(
        alg=b"es256", sign_cert=material.chain_pem, private_key=material.key_pem, ta_url=None
    )
    source, target = io.BytesIO(data), io.BytesIO()
    try:
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(json.dumps(definition)) as b:
            b.sign(signer, mime, source, target)
    except c2pa.C2paError as exc:
        raise ProvenanceError(
            f"The C2PA manifest could not be signed ({exc}). Check C2PA_SIGN_CERT and "
            "C2PA_SIGN_KEY (an ES256 leaf and its chain, PKCS#8 key), or set C2PA_ENABLED=0."
        ) from exc
    return target.getvalue()


# --- reading ------------------------------------------------------------------------


def _reader_settings(trust_pem: bytes) -> str:
    return json.dumps(
        {"verify": {"verify_trust": True}, "trust": {"trust_anchors": trust_pem.decode()}}
    )


def c2pa_read(*, data: bytes, mime: str) -> ManifestFacts | None:
    """Our job facts from the active manifest, or None when there is none of ours."""
    import c2pa

    material = signing_material()
    try:
        context = c2pa.Context(
            settings=c2pa.Settings.from_json(_reader_settings(material.trust_pem))
        )
        with c2pa.Reader(mime, io.BytesIO(data), context=context) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except c2pa.C2paError:
        return None  # no manifest, or one so damaged it cannot be parsed
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    ours = [a["data"] for a in active.get("assertions", []) if a.get("label") == JOB_ASSERTION]
    if not ours:
        return None
    results = store.get("validation_results", {}).get("activeManifest", {})
    problems = [*store.get("validation_status", []), *results.get("failure", [])]
    errors = [f"{p.get('code')}: {p.get('explanation', '')}" for p in problems]
    facts = ours[0]
    return ManifestFacts(
        job_public_id=str(facts.get("job", "")),
        site=str(facts.get("site", "")),
        model=str(facts.get("model", "")),
        created_at=str(facts.get("created_at", "")),
        validation_state=str(state),
        validation_errors=errors,
    )
