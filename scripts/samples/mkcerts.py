#!/usr/bin/env python3
"""Generate the private PKI used by scripts/record-samples into DIR.

Root CA -> intermediate CA -> leaves (RSA 2048 so certificate flights span several
TCP segments at MTU 1500), plus an unrelated root, a self-signed leaf, an expired
leaf, a leaf expiring in 5 days, an older second leaf for api.example.test, a CN-only leaf,
a leaf with an iPAddress SAN, a leaf whose extendedKeyUsage is clientAuth only, a client
certificate, a client certificate with a 1024-bit key, and a stand-in TLS-inspection CA
(named like Zscaler's, generated here) with its own leaf for api.example.test.
Files: NAME.key (PKCS#8 PEM), NAME.pem (the certificate alone) and, for leaves issued by
an intermediate, NAME-chain.pem (leaf + intermediate).
"""
import datetime
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OUT = Path(sys.argv[1])
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)


def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(cn, org="Example Corp"):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def save(stem, k, cert, issuer_pem=None):
    (OUT / f"{stem}.key").write_bytes(k.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (OUT / f"{stem}.pem").write_bytes(pem)
    if issuer_pem is not None:
        (OUT / f"{stem}-chain.pem").write_bytes(pem + issuer_pem)


def san(s):
    try:
        return x509.IPAddress(ipaddress.ip_address(s))
    except ValueError:
        return x509.DNSName(s)


def build(subject, subject_key, issuer, signing_key, *, ca, not_before, not_after,
          sans=None, eku=None, path_len=None):
    b = (x509.CertificateBuilder()
         .subject_name(subject).issuer_name(issuer)
         .public_key(subject_key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()),
                        critical=False))
    b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                        critical=False)
    if ca:
        b = b.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage(eku or [ExtendedKeyUsageOID.SERVER_AUTH]),
                            critical=False)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName([san(s) for s in sans]), critical=False)
    return b.sign(signing_key, hashes.SHA256())


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)

    root_k = key()
    root = build(name("Example Root CA"), root_k, name("Example Root CA"), root_k, ca=True,
                 not_before=NOW - 400 * DAY, not_after=NOW + 3650 * DAY)
    save("root", root_k, root)

    inter_k = key()
    inter = build(name("Example Intermediate CA"), inter_k, root.subject, root_k, ca=True,
                  path_len=0, not_before=NOW - 400 * DAY, not_after=NOW + 1825 * DAY)
    save("inter", inter_k, inter)
    inter_pem = pem(inter)

    other_k = key()
    other = build(name("Other Root CA", "Other Org"), other_k, name("Other Root CA", "Other Org"),
                  other_k, ca=True, not_before=NOW - 400 * DAY, not_after=NOW + 3650 * DAY)
    save("other-root", other_k, other)

    valid = dict(not_before=NOW - 30 * DAY, not_after=NOW + 335 * DAY)
    leaves = {
        "api": (name("api.example.test"), ["api.example.test"]),
        "other": (name("other.example.test"), ["other.example.test"]),
        "wildcard": (name("*.example.test"), ["*.example.test"]),
        "cn-only": (name("api.example.test"), None),
        "default": (name("default.example.test"), ["default.example.test"]),
    }
    for stem, (subj, sans) in leaves.items():
        k = key()
        save(stem, k, build(subj, k, inter.subject, inter_k, ca=False, sans=sans, **valid), inter_pem)

    k = key()
    save("expired", k, build(name("api.example.test"), k, inter.subject, inter_k, ca=False,
                             sans=["api.example.test"], not_before=NOW - 400 * DAY,
                             not_after=NOW - 35 * DAY), inter_pem)

    # Still valid, but only for 5 more days (clients accept it; a diagnosis should warn).
    k = key()
    save("expiring", k, build(name("api.example.test"), k, inter.subject, inter_k, ca=False,
                              sans=["api.example.test"], not_before=NOW - 360 * DAY,
                              not_after=NOW + 5 * DAY), inter_pem)

    # The certificate a stale backend still serves: same name and CA, older, another key.
    k = key()
    save("api-old", k, build(name("api.example.test"), k, inter.subject, inter_k, ca=False,
                             sans=["api.example.test"], not_before=NOW - 300 * DAY,
                             not_after=NOW + 65 * DAY), inter_pem)

    # For https://10.99.0.10/: the address as an iPAddress subjectAltName (no DNS name).
    k = key()
    save("ip", k, build(name("10.99.0.10"), k, inter.subject, inter_k, ca=False,
                        sans=["10.99.0.10"], **valid), inter_pem)

    # Right name, trusted chain, valid dates, but extendedKeyUsage clientAuth only: an
    # OpenSSL client refuses it for a server (X509_V_ERR_INVALID_PURPOSE).
    k = key()
    save("api-clientauth", k, build(name("api.example.test"), k, inter.subject, inter_k,
                                    ca=False, sans=["api.example.test"],
                                    eku=[ExtendedKeyUsageOID.CLIENT_AUTH], **valid), inter_pem)

    # A stand-in for a TLS-inspection proxy's CA (named like Zscaler's, generated here, not
    # the real one): root -> "Zscaler Intermediate Root CA (zscaler.net)" -> a leaf it mints
    # for api.example.test on the fly, as an intercepting proxy does.
    zorg = "Zscaler Inc."
    zroot_k = key()
    zroot = build(name("Zscaler Root CA", zorg), zroot_k, name("Zscaler Root CA", zorg), zroot_k,
                  ca=True, not_before=NOW - 400 * DAY, not_after=NOW + 3650 * DAY)
    save("zscaler-root", zroot_k, zroot)
    zint_k = key()
    zint = build(name("Zscaler Intermediate Root CA (zscaler.net)", zorg), zint_k, zroot.subject,
                 zroot_k, ca=True, path_len=0, not_before=NOW - 400 * DAY,
                 not_after=NOW + 1825 * DAY)
    save("zscaler-inter", zint_k, zint)
    k = key()
    save("intercepted", k, build(name("api.example.test"), k, zint.subject, zint_k, ca=False,
                                 sans=["api.example.test"], **valid), pem(zint))

    k = key()
    save("selfsigned", k, build(name("api.example.test"), k, name("api.example.test"), k,
                                ca=False, sans=["api.example.test"], **valid))

    k = key()
    save("client", k, build(name("client.example.test"), k, inter.subject, inter_k, ca=False,
                            eku=[ExtendedKeyUsageOID.CLIENT_AUTH], **valid), inter_pem)

    # A legacy client certificate with a 1024-bit RSA key: a server at OpenSSL security
    # level 2 rejects it (X509_V_ERR_EE_KEY_TOO_SMALL) with alert 42 bad_certificate.
    k = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    save("weak-client", k, build(name("legacy-client.example.test"), k, inter.subject, inter_k,
                                 ca=False, eku=[ExtendedKeyUsageOID.CLIENT_AUTH], **valid), inter_pem)


if __name__ == "__main__":
    main()
