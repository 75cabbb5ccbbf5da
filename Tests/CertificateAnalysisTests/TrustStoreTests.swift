import CertificateAnalysis
import Foundation
import Testing
import WireFormat

@Suite("TrustStore.evaluate")
struct TrustEvaluationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var served: [CertificateSummary]
        var roots: [CertificateSummary] = [Certs.root]
        var time: Timestamp = utc(2025, 6, 1)
        var expected: TrustVerdict
        var testDescription: String { name }
    }

    static let leaf = Certs.leaf, inter = Certs.intermediate, root = Certs.root
    static let interSubject = "CN=Test Intermediate CA, O=tlsdiag tests, C=US"
    static let rootSubject = "CN=Test Root CA, O=tlsdiag tests, C=US"

    static let cases: [Case] = [
        // Trusted, any intermediate order, root sent or not.
        Case(name: "leaf + intermediate", served: [leaf, inter], expected: .trusted(root: rootSubject)),
        Case(name: "root sent, out of order", served: [leaf, root, inter], expected: .trusted(root: rootSubject)),
        Case(name: "deep chain shuffled", served: [Certs.deepLeaf, inter, Certs.subIntermediate],
             expected: .trusted(root: rootSubject)),
        Case(name: "intermediate itself trusted", served: [leaf, inter], roots: [root, inter],
             expected: .trusted(root: interSubject)),
        Case(name: "ECDSA P-384 self-signed leaf that is in the store", served: [Certs.selfSigned],
             roots: [Certs.selfSigned], expected: .trusted(root: Certs.selfSigned.subject)),
        Case(name: "Ed25519 chain", served: [Certs.otherLeaf], roots: [Certs.otherRoot],
             expected: .trusted(root: Certs.otherRoot.subject)),
        // Dates: before, at the edges of and after the leaf's validity (2024-01-01 ... 2027-01-01).
        Case(name: "before the leaf's notBefore", served: [leaf, inter], time: utc(2023, 12, 31, 23),
             expected: .notYetValid(subject: leaf.subject, notBefore: utc(2024))),
        Case(name: "at notBefore", served: [leaf, inter], time: utc(2024), expected: .trusted(root: rootSubject)),
        Case(name: "at notAfter (inclusive)", served: [leaf, inter], time: utc(2027), expected: .trusted(root: rootSubject)),
        Case(name: "one second after notAfter", served: [leaf, inter],
             time: Timestamp(seconds: utc(2027).seconds + 1, nanoseconds: 0),
             expected: .expired(subject: leaf.subject, notAfter: utc(2027))),
        Case(name: "expired leaf", served: [Certs.expired, inter],
             expected: .expired(subject: Certs.expired.subject, notAfter: utc(2022))),
        Case(name: "not-yet-valid leaf", served: [Certs.notYetValid, inter],
             expected: .notYetValid(subject: Certs.notYetValid.subject, notBefore: utc(2030))),
        Case(name: "leaf valid, intermediate expired", served: [Certs.wildcard, inter], time: utc(2036),
             expected: .expired(subject: interSubject, notAfter: utc(2035))),
        Case(name: "everything expired: the leaf is named", served: [leaf, inter], time: utc(2050),
             expected: .expired(subject: leaf.subject, notAfter: utc(2027))),
        // Where the chain ends.
        Case(name: "intermediate not sent", served: [leaf], expected: .incompleteChain(missing: interSubject)),
        Case(name: "same-name intermediate with another key", served: [leaf, Certs.imposterIntermediate],
             expected: .incompleteChain(missing: interSubject)),
        Case(name: "self-signed leaf", served: [Certs.selfSigned], expected: .unknownCA(root: Certs.selfSigned.subject)),
        Case(name: "expired self-signed: chain problems win", served: [Certs.selfSigned], time: utc(2030),
             expected: .unknownCA(root: Certs.selfSigned.subject)),
        Case(name: "unknown root sent", served: [Certs.otherLeaf, Certs.otherRoot],
             expected: .unknownCA(root: Certs.otherRoot.subject)),
        Case(name: "leaf of an unknown root, root not sent", served: [Certs.otherLeaf],
             expected: .incompleteChain(missing: Certs.otherRoot.subject)),
        // Heuristic: after a sent intermediate, the missing piece is taken to be the (untrusted) root.
        Case(name: "upper intermediate missing", served: [Certs.deepLeaf, Certs.subIntermediate],
             expected: .unknownCA(root: Certs.subIntermediate.subject)),
        Case(name: "empty store", served: [leaf, inter, root], roots: [], expected: .unknownCA(root: rootSubject)),
        // Algorithms swift-certificates cannot verify.
        Case(name: "RSA-PSS leaf under a trusted RSA-PSS root", served: [Certs.pssLeaf], roots: [Certs.pssRoot],
             time: Timestamp(seconds: F.pssLeaf.notBefore + 86_400, nanoseconds: 0),
             expected: .undetermined(reason: "cannot check the signature on CN=pss.example.test (issuer CN=PSS Root CA, O=tlsdiag tests, C=US): signature algorithm RSA-PSS is not supported")),
        Case(name: "RSA-PSS chain to an untrusted root: untrusted either way, root named", served: [Certs.pssLeaf, Certs.pssRoot],
             time: Timestamp(seconds: F.pssLeaf.notBefore + 86_400, nanoseconds: 0),
             expected: .unknownCA(root: Certs.pssRoot.subject)),
        Case(name: "RSA-PSS root itself trusted", served: [Certs.pssRoot], roots: [Certs.pssRoot],
             time: Timestamp(seconds: F.pssRoot.notBefore + 86_400, nanoseconds: 0),
             expected: .trusted(root: Certs.pssRoot.subject)),
        Case(name: "nothing served", served: [], expected: .undetermined(reason: "no certificate was sent")),
    ]

    @Test("verdicts", arguments: cases)
    func verdict(_ c: Case) {
        let store = TrustStore(roots: c.roots, source: "test")
        #expect(store.evaluate(served: c.served, at: c.time) == c.expected)
    }

    /// The cache answers exactly like the store, at every time, for every chain above, and stays bounded.
    @Test func cacheAgreesWithTheStore() {
        let store = TrustStore(roots: [Certs.root, Certs.pssRoot], source: "test")
        var cache = TrustEvaluationCache(store: store, capacity: 8)
        let times = [utc(2019), utc(2023), utc(2025, 6, 1), utc(2028), utc(2036), utc(2050)]
        for c in Self.cases {
            for time in times {
                #expect(cache.evaluate(served: c.served, at: time) == store.evaluate(served: c.served, at: time),
                        "\(c.name) at \(time.date)")
                #expect(cache.count <= 8)
            }
        }
        var fresh = TrustEvaluationCache(store: store)
        _ = fresh.evaluate(served: [Self.leaf, Self.inter], at: utc(2025))
        _ = fresh.evaluate(served: [Self.leaf, Self.inter], at: utc(2028))
        #expect(fresh.count == 1)
        #expect(fresh.evaluate(served: [Self.leaf, Self.inter], at: utc(2028)) == .expired(subject: Self.leaf.subject, notAfter: utc(2027)))
    }

    @Test func unparsableLeafIsUndetermined() {
        let store = TrustStore(roots: [Certs.root], source: "test")
        #expect(store.evaluate(served: [summary()], at: utc(2025))
            == .undetermined(reason: "the server's certificate could not be parsed"))
    }
}

@Suite("TrustStore PEM bundles")
struct TrustStoreBundleTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsBlocksAndCountsBadOnes() throws {
        let garbageBase64 = "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n"
        let notACertificate = "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n"  // SEQUENCE { 5 }
        let privateKey = "-----BEGIN PRIVATE KEY-----\nMAMCAQU=\n-----END PRIVATE KEY-----\n"
        let bundle = "# Test bundle\r\nTest Root CA\r\n=====\r\n" + F.root.pem.replacingOccurrences(of: "\n", with: "\r\n")
            + "\r\n\n" + garbageBase64 + privateKey + notACertificate + F.intermediate.pem + "\n" + F.root.pem
        let store = try TrustStore(pemBundle: Self.bytes(bundle), source: "bundle.pem")
        #expect(store.rootCount == 2)  // root twice counts once
        #expect(store.skippedCount == 2)
        #expect(store.source == "bundle.pem")
        #expect(store.roots.map(\.subject) == [Certs.root.subject, Certs.intermediate.subject])
    }

    @Test func toleratesOtherLineLengths() throws {
        let body = F.leaf.pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var lines: [String] = []
        var rest = Substring(body)
        while !rest.isEmpty { lines.append(String(rest.prefix(76))); rest = rest.dropFirst(76) }
        let pem = "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----"
        let store = try TrustStore(pemBundle: Self.bytes(pem), source: "76.pem")
        #expect(store.roots.first?.sha256 == F.leaf.sha256)
    }

    @Test func aBlockWithoutEndIsSkipped() throws {
        let cut = String(F.intermediate.pem.prefix(200))
        let store = try TrustStore(pemBundle: Self.bytes(F.root.pem + "\n" + cut), source: "cut.pem")
        #expect(store.rootCount == 1)
        #expect(store.skippedCount == 1)
    }

    @Test func aDERFileIsOneRoot() throws {
        let store = try TrustStore(pemBundle: F.root.der, source: "root.der")
        #expect(store.rootCount == 1)
        #expect(store.evaluate(served: [Certs.leaf, Certs.intermediate], at: utc(2025)) == .trusted(root: Certs.root.subject))
    }

    @Test("unreadable bundles", arguments: [
        ("", "empty: no PEM CERTIFICATE block in 0 bytes"),
        ("just text\n", "text: no PEM CERTIFICATE block in 10 bytes"),
        ("-----BEGIN CERTIFICATE-----\n@@\n-----END CERTIFICATE-----\n",
         "bad: none of the 1 CERTIFICATE blocks could be read"),
    ])
    func unreadable(text: String, detail: String) throws {
        let source = String(detail.prefix { $0 != ":" })
        let error = try #require(throws: CertificateAnalysisError.self) {
            try TrustStore(pemBundle: Self.bytes(text), source: source)
        }
        #expect(error.code == .unreadableBundle)
        #expect(error.detail == detail)
    }

    /// Damaged bundles never crash: random bytes, and a real bundle cut at every 97th byte or with bytes flipped.
    @Test func garbageBundlesNeverCrash() {
        var rng = GarbageTests.SplitMix(state: 42)
        let real = Self.bytes(F.root.pem + "\n" + F.intermediate.pem + "\n")
        var inputs: [[UInt8]] = (0..<200).map { n in (0..<n * 7).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        inputs += stride(from: 0, to: real.count, by: 97).map { Array(real[..<$0]) }
        inputs += (0..<200).map { _ in
            var damaged = real
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            return damaged
        }
        for input in inputs {
            do {
                let store = try TrustStore(pemBundle: input, source: "garbage")
                #expect(store.rootCount >= 1 && store.rootCount <= 2)
            } catch let error as CertificateAnalysisError {
                #expect(error.code == .unreadableBundle)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: systemBundle),
                   "needs the Debian/Ubuntu system bundle at /etc/ssl/certs/ca-certificates.crt"))
    func systemBundleParses() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.systemBundle))
        let text = String(decoding: data, as: UTF8.self)
        let blocks = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
        let store = try TrustStore(pemBundle: Array(data), source: Self.systemBundle)
        #expect(blocks > 50)
        #expect(store.rootCount + store.skippedCount <= blocks)
        #expect(store.rootCount >= blocks - 5, "most system roots should parse; skipped \(store.skippedCount)")
        // Every root verifies as trusted on its own at a time within its validity.
        for root in store.roots.prefix(200) where root.isSelfSigned {
            let time = Timestamp(seconds: root.notBefore.seconds + 1, nanoseconds: 0)
            #expect(store.evaluate(served: [root], at: time) == .trusted(root: root.subject))
        }
        #expect(store.roots.filter(\.isSelfSigned).count > store.rootCount / 2)
    }
}
