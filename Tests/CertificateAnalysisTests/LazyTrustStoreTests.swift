import Foundation
import Testing
import WireFormat
@testable import CertificateAnalysis

/// A PEM bundle loads each root as DER plus its subject name and parses the rest when a lookup reaches it:
/// it must answer exactly like a store whose roots were parsed up front.
@Suite("TrustStore lazy roots")
struct LazyTrustStoreTests {
    static func pem(_ der: [UInt8]) -> String {
        "-----BEGIN CERTIFICATE-----\n"
            + Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END CERTIFICATE-----\n"
    }

    static func bundle(_ ders: [[UInt8]]) -> [UInt8] { Array(ders.map(pem).joined().utf8) }

    static let times = [utc(2019), utc(2023), utc(2025, 6, 1), utc(2028), utc(2036), utc(2050)]

    @Test("same verdicts as roots parsed up front", arguments: TrustEvaluationTests.cases.filter { !$0.roots.isEmpty })
    func sameVerdicts(_ c: TrustEvaluationTests.Case) throws {
        let lazy = try TrustStore(pemBundle: Self.bundle(c.roots.map(\.der)), source: "bundle")
        let eager = TrustStore(roots: c.roots, source: "summaries")
        #expect(lazy.rootCount == eager.rootCount)
        #expect(lazy.evaluate(served: c.served, at: c.time) == c.expected)
        var cache = TrustEvaluationCache(store: lazy)
        for time in Self.times + [c.time] {
            let expected = eager.evaluate(served: c.served, at: time)
            #expect(lazy.evaluate(served: c.served, at: time) == expected, "at \(time.date)")
            #expect(cache.evaluate(served: c.served, at: time) == expected, "cached, at \(time.date)")
        }
        #expect(ChainAnalysis(served: c.served, trustStore: lazy) == ChainAnalysis(served: c.served, trustStore: eager))
    }

    /// Real chains (RSA-1024 and SHA-1 roots included) against a bundle of their roots.
    @Test func realWorldChainsAgree() throws {
        let starfield = try RealWorldChainTests.chain(RealWorldFixtures.starfieldChain)
        let lone = try RealWorldChainTests.chain(RealWorldFixtures.missingIntermediate)
        let goDaddy = try RealWorldChainTests.chain(RealWorldFixtures.goDaddyChain)
        let roots = [starfield[2], goDaddy[2], goDaddy[3]]
        let lazy = try TrustStore(pemBundle: Self.bundle(roots.map(\.der)), source: "bundle")
        let eager = TrustStore(roots: roots, source: "summaries")
        #expect(lazy.rootCount == 3 && lazy.skippedCount == 0)
        #expect(lazy.roots.map(\.sha256) == eager.roots.map(\.sha256))
        let times = [RealWorldFixtures.starfieldChainTime, RealWorldFixtures.goDaddyChainTime].map {
            Timestamp(seconds: $0, nanoseconds: 0)
        } + [utc(2010, 6, 1)]
        for chain in [starfield, lone, goDaddy, Array(goDaddy.prefix(2)), [goDaddy[3]]] {
            for time in times {
                #expect(lazy.evaluate(served: chain, at: time) == eager.evaluate(served: chain, at: time))
            }
            #expect(ChainAnalysis(served: chain, trustStore: lazy) == ChainAnalysis(served: chain, trustStore: eager))
        }
        #expect(lazy.evaluate(served: starfield, at: times[0]) == .trusted(root: RealWorldChainTests.starfieldRoot))
    }

    /// Issuer lookups that find a root and that find none, with and without a served intermediate.
    @Test func lookupsHitAndMiss() throws {
        let store = try TrustStore(pemBundle: Self.bundle([Certs.root.der, Certs.otherRoot.der]), source: "bundle")
        let time = utc(2025, 6, 1)
        #expect(store.evaluate(served: [Certs.leaf, Certs.intermediate], at: time) == .trusted(root: Certs.root.subject))
        #expect(store.evaluate(served: [Certs.otherLeaf], at: time) == .trusted(root: Certs.otherRoot.subject))
        #expect(store.evaluate(served: [Certs.leaf], at: time) == .incompleteChain(missing: Certs.intermediate.subject))
        #expect(store.evaluate(served: [Certs.selfSigned], at: time) == .unknownCA(root: Certs.selfSigned.subject))
        #expect(ChainAnalysis(served: [Certs.leaf, Certs.intermediate], trustStore: store).problems == [])
        #expect(ChainAnalysis(served: [Certs.deepLeaf, Certs.subIntermediate], trustStore: store).problems
            == [.missingIssuer(issuer: Certs.intermediate.subject, issuedTo: Certs.subIntermediate.subject)])
    }

    /// An entry whose outline and subject read but whose dates do not: counted (the cheap load cannot tell),
    /// never trusted, left out of `roots`; one cut short is skipped at load as before.
    @Test func aMalformedEntryCostsOnlyItself() throws {
        let badDates = try Self.withBrokenValidity(Certs.intermediate.der)
        #expect(throws: (any Error).self) { try CertificateSummary(derEncoded: badDates) }
        let cut = Array(Certs.subIntermediate.der.prefix(300))
        let store = try TrustStore(pemBundle: Self.bundle([badDates, Certs.root.der, cut]), source: "bundle")
        #expect(store.rootCount == 2)
        #expect(store.skippedCount == 1)
        #expect(store.roots.map(\.subject) == [Certs.root.subject])
        let time = utc(2025, 6, 1)
        let rootOnly = TrustStore(roots: [Certs.root], source: "root")
        for served in [[Certs.leaf], [Certs.leaf, Certs.intermediate], [Certs.intermediate], [Certs.deepLeaf, Certs.subIntermediate]] {
            #expect(store.evaluate(served: served, at: time) == rootOnly.evaluate(served: served, at: time))
            #expect(ChainAnalysis(served: served, trustStore: store) == ChainAnalysis(served: served, trustStore: rootOnly))
        }
        #expect(store.evaluate(served: [Certs.leaf], at: time) == .incompleteChain(missing: Certs.intermediate.subject))

        let error = try #require(throws: CertificateAnalysisError.self) {
            try TrustStore(pemBundle: Self.bundle([cut]), source: "cut")
        }
        #expect(error.detail == "cut: none of the 1 CERTIFICATE blocks could be read")
    }

    /// BER lengths (non-minimal, indefinite) are not the outline's plain DER: the full parser reads them at load.
    @Test("BER-encoded roots", arguments: [false, true])
    func berRoot(indefinite: Bool) throws {
        let der = Certs.root.der
        try #require(der.count > 260 && der[0] == 0x30 && der[1] == 0x82)
        let body = Array(der[4...])
        let ber: [UInt8] = indefinite
            ? [0x30, 0x80] + body + [0x00, 0x00]
            : [0x30, 0x83, 0x00, der[2], der[3]] + body
        #expect(CertificateOutline.subject(of: ber) == nil)
        let store = try TrustStore(pemBundle: Self.bundle([ber]), source: "ber")
        #expect(store.rootCount == 1 && store.skippedCount == 0)
        #expect(store.evaluate(served: [Certs.leaf, Certs.intermediate], at: utc(2025, 6, 1)) == .trusted(root: Certs.root.subject))
    }

    static let fixtures: [Fixture] = [F.root, F.intermediate, F.leaf, F.selfSigned, F.otherRoot, F.pssRoot, F.wideDates]

    @Test("the outline finds the subject", arguments: fixtures.indices)
    func outlineSubject(_ index: Int) throws {
        let der = Self.fixtures[index].der
        let key = try #require(TrustStore.subjectKey(outlineOf: der))
        #expect(key == NameText.comparisonKey(try CertificateSummary(derEncoded: der).subject))
        // Cut anywhere, or followed by a byte: nil, never a trap.
        for length in 0..<der.count { #expect(CertificateOutline.subject(of: Array(der.prefix(length))) == nil) }
        #expect(CertificateOutline.subject(of: der + [0]) == nil)
    }

    /// Real names (escaped commas, BMPStrings, multi-valued RDNs in some system roots): the key read at load is
    /// the one a full parse gives.
    @Test func outlineKeysOfRealCertificates() throws {
        var ders = try [RealWorldFixtures.starfieldChain, RealWorldFixtures.missingIntermediate, RealWorldFixtures.goDaddyChain]
            .flatMap(RealWorldChainTests.chain).map(\.der)
        if let system = FileManager.default.contents(atPath: TrustStoreBundleTests.systemBundle) {
            ders += PEMBundle.certificateBlocks(in: Array(system)).ders
        }
        for der in ders {
            let summary = try CertificateSummary(derEncoded: der)
            #expect(TrustStore.subjectKey(outlineOf: der) == NameText.comparisonKey(summary.subject), "\(summary.subject)")
        }
    }

    @Test("outline lengths", arguments: [
        ([0x02, 0x01, 0x05], true),                     // short form
        ([0x02, 0x81, 0x01, 0x05], false),              // long form for a length under 128
        ([0x02, 0x82, 0x00, 0x80] + [UInt8](repeating: 1, count: 128), false),  // leading zero length byte
        ([0x02, 0x81, 0x80] + [UInt8](repeating: 1, count: 128), true),
        ([0x02, 0x80, 0x05, 0x00, 0x00], false),        // indefinite
        ([0x02, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00], false),  // five length bytes
        ([0x02, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], false),  // longer than the input
        ([0x03, 0x01, 0x05], false),                    // another tag
        ([0x02], false),
    ] as [([UInt8], Bool)])
    func outlineLengths(bytes: [UInt8], accepted: Bool) {
        var cursor = ByteCursor(bytes)
        let contents = CertificateOutline.contents(0x02, from: &cursor)
        #expect((contents != nil) == accepted)
        if let contents {
            #expect(contents == bytes.suffix(contents.count) && cursor.isEmpty)
        } else {
            #expect(cursor.readableBytes == bytes.count)
        }
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        let length: [UInt8] = count < 128 ? [UInt8(count)]
            : count < 256 ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        return [tag] + length + content
    }

    /// A Name of RDNs, each a list of (OID content octets, string tag, value).
    static func name(_ rdns: [[([UInt8], UInt8, String)]]) -> [UInt8] {
        tlv(0x30, rdns.flatMap { rdn in
            tlv(0x31, rdn.flatMap { oid, tag, value in tlv(0x30, tlv(0x06, oid) + tlv(tag, Array(value.utf8))) })
        })
    }

    static let cn: [UInt8] = [0x55, 0x04, 0x03], o: [UInt8] = [0x55, 0x04, 0x0A], c: [UInt8] = [0x55, 0x04, 0x06]
    static let email: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]
    static let dc: [UInt8] = [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19]
    static let printable: UInt8 = 0x13, utf8: UInt8 = 0x0C, ia5: UInt8 = 0x16, bmp: UInt8 = 0x1E

    /// The key read straight from plain names is the library's, and every other name is left to the library.
    @Test("plain name keys", arguments: [
        ("printable", name([[(c, printable, "US")], [(o, printable, "Acme Corp")], [(cn, printable, "Acme Root CA")]]), true),
        ("comma in PrintableString", name([[(o, printable, "Starfield Technologies, Inc.")], [(cn, utf8, "Root")]]), true),
        ("specials", name([[(cn, utf8, #"a+b"c<d>e;f\g,h"#)]]), true),
        ("leading space", name([[(cn, utf8, " lead")]]), true),
        ("leading #", name([[(cn, utf8, "#hash")]]), true),
        ("trailing space", name([[(cn, utf8, "trail ")]]), true),
        ("one space", name([[(cn, utf8, " ")]]), true),
        ("e-mail in IA5String", name([[(cn, printable, "CA")], [(email, ia5, "Ca@Example.COM")]]), true),
        ("domain components", name([[(dc, ia5, "com")], [(dc, ia5, "example")], [(cn, utf8, "Issuing CA")]]), true),
        ("empty value", name([[(cn, utf8, "")]]), true),
        ("@ is not PrintableString", name([[(cn, printable, "ca@example")]]), false),
        ("multi-valued RDN", name([[(cn, utf8, "a"), (o, utf8, "b")]]), false),
        ("BMPString", name([[(cn, bmp, "\0A")]]), false),
        ("unknown type", name([[([0x55, 0x04, 0x63], utf8, "x")]]), false),
        ("non-ASCII", name([[(cn, utf8, "Zürich")]]), false),
        ("control character", name([[(cn, ia5, "a\u{7F}")]]), false),
        ("no RDN", name([]), false),
    ] as [(String, [UInt8], Bool)])
    func plainNameKeys(label: String, der: [UInt8], fast: Bool) throws {
        let library = try #require(TrustStore.libraryKey(der[...]))
        let plain = PlainNameKey.key(der[...])
        #expect((plain != nil) == fast)
        if let plain { #expect(plain == library) }
        for length in 0..<der.count { #expect(PlainNameKey.key(der.prefix(length)) == nil) }
    }

    /// Replaces a digit of the first UTCTime or GeneralizedTime (notBefore) with a letter.
    static func withBrokenValidity(_ der: [UInt8]) throws -> [UInt8] {
        var bytes = der
        let start = try #require(bytes.indices.dropLast().first {
            (bytes[$0] == 0x17 && bytes[$0 + 1] == 13) || (bytes[$0] == 0x18 && bytes[$0 + 1] == 15)
        })
        bytes[start + 3] = UInt8(ascii: "X")
        return bytes
    }
}
