#!/bin/sh
# Regenerates CertificateFixtures.swift: real certificates (fresh keys each run) made with Python `cryptography`,
# plus one made with the openssl CLI. Run from anywhere: sh Tests/CertificateAnalysisTests/Fixtures/make-fixtures.sh
# Dates are fixed so the tests can evaluate "before / within / after" without depending on today's date.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One certificate from the openssl CLI as well: an RSA-PSS self-signed root (an algorithm swift-certificates
# cannot verify), and a leaf it signs, to exercise the "unsupported algorithm" paths.
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout pss-root.key -out pss-root.pem -days 7300 \
    -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
    -subj "/C=US/O=tlsdiag tests/CN=PSS Root CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "subjectKeyIdentifier=hash" \
    -addext "authorityKeyIdentifier=keyid:always" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout pss-leaf.key -out pss-leaf.csr \
    -subj "/CN=pss.example.test" -addext "subjectAltName=DNS:pss.example.test" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:pss.example.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > leaf.ext
openssl x509 -req -in pss-leaf.csr -CA pss-root.pem -CAkey pss-root.key -CAcreateserial -days 3650 \
    -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -extfile leaf.ext -out pss-leaf.pem 2>/dev/null

python3 - "$work" "$here/CertificateFixtures.swift" <<'PY'
import datetime as dt, hashlib, ipaddress, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519

work, out = sys.argv[1], sys.argv[2]
UTC = dt.timezone.utc
def d(y, m=1, day=1, h=0): return dt.datetime(y, m, day, h, tzinfo=UTC)

def name(cn, o=None, c="US"):
    attrs = []
    if c: attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if o: attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if cn: attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)

def rsa_key(): return rsa.generate_private_key(public_exponent=65537, key_size=2048)
def p256(): return ec.generate_private_key(ec.SECP256R1())
def p384(): return ec.generate_private_key(ec.SECP384R1())

def make(subject, key, issuer=None, issuer_key=None, nb=d(2024), na=d(2027), ca=False, pathlen=None,
         dns=(), ips=(), algo=hashes.SHA256()):
    issuer = issuer or subject
    issuer_key = issuer_key or key
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    sans = [x509.DNSName(n) for n in dns] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if isinstance(issuer_key, ed25519.Ed25519PrivateKey):
        algo = None
    return b.sign(issuer_key, algo)

certs = []  # (swift name, doc line, certificate)
def add(n, doc, c): certs.append((n, doc, c)); return c

root_k, inter_k, sub_k = rsa_key(), p256(), p256()
root_n = name("Test Root CA", "tlsdiag tests")
inter_n = name("Test Intermediate CA", "tlsdiag tests")
sub_n = name("Test Issuing CA 2", "tlsdiag tests")
root = add("root", "RSA-2048 self-signed root, 2020-2045.", make(root_n, root_k, nb=d(2020), na=d(2045), ca=True))
inter = add("intermediate", "P-256 intermediate signed by root (sha256WithRSA), 2020-2035, pathlen 1.",
    make(inter_n, inter_k, root_n, root_k, nb=d(2020), na=d(2035), ca=True, pathlen=1))
add("leaf", "P-256 leaf api.example.test + www.example.test from intermediate (ecdsa-with-SHA256), 2024-2027.",
    make(name("api.example.test", "Example Ltd"), p256(), inter_n, inter_k, dns=["api.example.test", "www.example.test"]))
add("wildcard", "RSA leaf *.example.test from intermediate, 2024-2040 (outlives its issuer, which ends 2035).",
    make(name("*.example.test", "Example Ltd"), rsa_key(), inter_n, inter_k, na=d(2040), dns=["*.example.test"]))
add("commonNameOnly", "P-256 leaf legacy.example.test with no subjectAltName, from intermediate, 2024-2027.",
    make(name("legacy.example.test", "Example Ltd"), p256(), inter_n, inter_k))
add("expired", "leaf old.example.test from intermediate, valid only 2021-2022.",
    make(name("old.example.test", "Example Ltd"), p256(), inter_n, inter_k, nb=d(2021), na=d(2022), dns=["old.example.test"]))
add("notYetValid", "leaf future.example.test from intermediate, valid 2030-2031 (after the capture times used).",
    make(name("future.example.test", "Example Ltd"), p256(), inter_n, inter_k, nb=d(2030), na=d(2031), dns=["future.example.test"]))
add("ipAddresses", "leaf with only iPAddress SANs (192.0.2.10, 2001:db8::1), CN ip.example.test, O with RFC 4514 specials.",
    make(name("ip.example.test", 'Example, Inc. "Quoted"'), p256(), inter_n, inter_k, ips=["192.0.2.10", "2001:db8::1"]))
add("hostileName", "leaf whose O holds an ESC sequence and a right-to-left override (escaped in text forms).",
    make(name("evil.example.test", "Evil\x1b[31m\u202eCorp"), p256(), inter_n, inter_k, dns=["evil.example.test"]))
from cryptography.x509.name import _ASN1Type
legacy_n = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "CH"),
    x509.NameAttribute(NameOID.LOCALITY_NAME, "Zürich", _type=_ASN1Type.UniversalString),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bücher ☃ GmbH", _type=_ASN1Type.BMPString),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Cafe Ops", _type=_ASN1Type.T61String),
    x509.NameAttribute(NameOID.POSTAL_CODE, "8001", _type=_ASN1Type.NumericString),
    x509.NameAttribute(NameOID.COMMON_NAME, "legacy-strings.example.test")])
add("legacyStrings", "leaf whose name uses UniversalString, BMPString, T61String and NumericString values.",
    make(legacy_n, p256(), inter_n, inter_k, dns=["legacy-strings.example.test"]))
add("subIntermediate", "P-256 second-level CA from intermediate, 2020-2035, pathlen 0.",
    make(sub_n, sub_k, inter_n, inter_k, nb=d(2020), na=d(2035), ca=True, pathlen=0))
add("deepLeaf", "leaf deep.example.test from subIntermediate, 2024-2027.",
    make(name("deep.example.test", "Example Ltd"), p256(), sub_n, sub_k, dns=["deep.example.test"]))
add("imposterIntermediate", "same subject as intermediate but another key (signed by root): not the leaf's issuer.",
    make(inter_n, p256(), root_n, root_k, nb=d(2020), na=d(2035), ca=True, pathlen=1))
add("selfSigned", "P-384 self-signed end-entity self.example.test (ecdsa-with-SHA384), 2024-2027.",
    make(name("self.example.test", "Example Ltd"), p384(), dns=["self.example.test"], algo=hashes.SHA384()))
other_k = ed25519.Ed25519PrivateKey.generate()
other_n = name("Other Root CA", "Elsewhere Ltd")
add("otherRoot", "Ed25519 self-signed root not in the test trust store, 2020-2045.",
    make(other_n, other_k, nb=d(2020), na=d(2045), ca=True))
add("otherLeaf", "Ed25519 leaf api.example.test signed by otherRoot, 2024-2027.",
    make(name("api.example.test", "Example Ltd"), ed25519.Ed25519PrivateKey.generate(), other_n, other_k, dns=["api.example.test"]))
add("wideDates", "self-signed, notBefore 1960-06-15 12:00 UTC (UTCTime, before 1970), notAfter 2150-01-01 (GeneralizedTime).",
    make(name("timeless.example.test"), p256(), nb=d(1960, 6, 15, 12), na=d(2150), dns=["timeless.example.test"]))
for n, doc in [("pssRoot", "openssl CLI: RSA-PSS self-signed root (unsupported signature algorithm), CA:TRUE."),
               ("pssLeaf", "openssl CLI: leaf pss.example.test signed by pssRoot with RSA-PSS.")]:
    fn = "pss-root.pem" if n == "pssRoot" else "pss-leaf.pem"
    add(n, doc, x509.load_pem_x509_certificate(open(f"{work}/{fn}", "rb").read()))

def hexs(b): return b.hex()
lines = ["// Generated by make-fixtures.sh: do not edit. Real certificates, fresh keys on each run.",
         "// Expected values (sha256, key identifiers, validity in epoch seconds) come from Python `cryptography`.",
         "", "enum CertificateFixtures {"]
for n, doc, c in certs:
    pem = c.public_bytes(serialization.Encoding.PEM).decode().strip()
    der = c.public_bytes(serialization.Encoding.DER)
    ski = c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    lines.append(f"    /// {doc}")
    lines.append(f"    static let {n} = Fixture(")
    lines.append(f'        sha256: "{hashlib.sha256(der).hexdigest()}",')
    lines.append(f'        subjectKeyIdentifier: "{hexs(ski)}",')
    lines.append(f"        notBefore: {int(c.not_valid_before_utc.timestamp())}, notAfter: {int(c.not_valid_after_utc.timestamp())},")
    lines.append('        pem: """')
    lines += ["        " + l for l in pem.splitlines()]
    lines.append('        """)')
    lines.append("")
lines[-1:] = ["}", ""]
open(out, "w").write("\n".join(lines))
PY
echo "wrote $here/CertificateFixtures.swift"

# Real certificates from public captures (zeek/zeek test traces, BSD-3-Clause), when the corpus is at hand:
# the chains exactly as the servers sent them, extracted with tshark.
corpus=${CORPUS:-/work/shared/corpus/real}
[ -d "$corpus" ] || { echo "no corpus at $corpus: RealWorldFixtures.swift left as is"; exit 0; }
out="$here/RealWorldFixtures.swift"
{
    echo "// Generated by make-fixtures.sh from zeek/zeek testing/btest/Traces/tls (BSD-3-Clause): do not edit."
    echo "// Each chain is the Certificate message of one frame, leaf first, as the server sent it:"
    echo "//   tshark -r FILE -Y 'frame.number == N' -T fields -e tls.handshake.certificate"
    echo ""
    echo "enum RealWorldFixtures {"
    for spec in "missingIntermediate:missing-intermediate:6:leaf www.cviis.org sent alone (its Starfield intermediate missing)" \
                "starfieldChain:missing-intermediate:23:Starfield leaf, intermediate and root, all sent" \
                "goDaddyChain:tls-early-alert:10:GoDaddy leaf (explicit cA FALSE, expired 2011) up to the ValiCert root"; do
        name=${spec%%:*}; rest=${spec#*:}; file=${rest%%:*}; rest=${rest#*:}; frame=${rest%%:*}; doc=${rest#*:}
        echo "    /// $doc (zeek__$file.pcap, frame $frame)."
        echo "    static let $name: [String] = ["
        tshark -r "$corpus/zeek__$file.pcap" -Y "frame.number == $frame" -T fields -e tls.handshake.certificate 2>/dev/null \
            | tr ',' '\n' | while read -r hexder; do
                [ -n "$hexder" ] || continue
                echo '        """'
                echo "$hexder" | xxd -r -p | openssl x509 -inform der -outform pem | sed 's/^/        /'
                echo '        """,'
            done
        echo "    ]"
        echo "    static let ${name}Time: Int64 = $(tshark -r "$corpus/zeek__$file.pcap" -Y "frame.number == $frame" -T fields -e frame.time_epoch 2>/dev/null | cut -d. -f1)"
        echo ""
    done
    echo "}"
} > "$out"
echo "wrote $out"
