import SwiftASN1
import WireFormat
import X509

/// Trusted roots, from a PEM bundle (the caller reads the file: this module does no I/O).
/// Every certificate in the bundle is a trust anchor, self-signed or not (like a partial-chain CAfile).
///
/// Loading is cheap: each entry is only decoded from base64 and indexed by its subject name; a root is parsed
/// in full (key, extensions, dates) when a name lookup during an evaluation reaches it. A system bundle holds
/// ~140 roots and a chain needs one or two of them.
public struct TrustStore: Sendable {
    /// Where the roots came from, for the report (`/etc/ssl/certs/ca-certificates.crt`).
    public var source: String
    /// Entries whose subject name could be read, duplicates removed. An entry whose other fields turn out to be
    /// unreadable when it is first needed still counts here but never anchors a chain.
    public var rootCount: Int { entries.count }
    /// CERTIFICATE blocks that could not be decoded (bad base64, not a certificate); duplicates are not counted.
    public private(set) var skippedCount: Int
    /// The trusted certificates, in bundle order, duplicates removed. Parses every root (unreadable ones are
    /// left out): the evaluation itself never needs this.
    public var roots: [CertificateSummary] { entries.indices.compactMap { parsedAnchor(at: $0)?.summary } }

    /// Bundle entries in bundle order, duplicates removed.
    var entries: [Entry]
    /// Entry indexes by `NameText.comparisonKey` of the subject.
    var entriesBySubject: [String: [Int]]

    /// One trusted certificate as read from the bundle: its DER, and the parsed anchor when it was parsed at
    /// load (`init(roots:)`, or a certificate only the full parser can read).
    struct Entry: Sendable {
        var der: [UInt8]
        var anchor: Anchor?
    }

    /// A trusted certificate with what signature checks need.
    struct Anchor: Sendable {
        var summary: CertificateSummary
        var parsed: ParsedCertificate
    }

    /// Reads every `-----BEGIN CERTIFICATE-----` block (other PEM blocks are ignored); a bundle without any PEM
    /// block is tried as one DER certificate. Throws `.unreadableBundle` when no certificate at all can be read.
    public init(pemBundle: [UInt8], source: String) throws {
        let blocks = PEMBundle.certificateBlocks(in: pemBundle)
        var ders = blocks.ders
        if blocks.markerCount == 0, (try? ParsedCertificate(der: pemBundle)) != nil { ders = [pemBundle] }
        var read: [(Entry, subjectKey: String)] = []
        var skipped = blocks.undecodable
        for der in ders {
            if let entry = Self.indexed(der) { read.append(entry) } else { skipped += 1 }
        }
        guard !read.isEmpty else {
            throw CertificateAnalysisError(
                code: .unreadableBundle,
                detail: blocks.markerCount == 0
                    ? "\(source): no PEM CERTIFICATE block in \(pemBundle.count) bytes"
                    : "\(source): none of the \(blocks.markerCount) CERTIFICATE blocks could be read")
        }
        self.init(entries: read, source: source, skipped: skipped)
    }

    /// A store of already-parsed certificates (tests, or roots gathered elsewhere); unparsable ones are skipped.
    public init(roots: [CertificateSummary], source: String) {
        var read: [(Entry, subjectKey: String)] = []
        var skipped = 0
        for root in roots {
            if let parsed = try? ParsedCertificate(der: root.der) {
                read.append((Entry(der: root.der, anchor: Anchor(summary: root, parsed: parsed)),
                             NameText.comparisonKey(root.subject)))
            } else {
                skipped += 1
            }
        }
        self.init(entries: read, source: source, skipped: skipped)
    }

    private init(entries read: [(Entry, subjectKey: String)], source: String, skipped: Int) {
        self.source = source
        self.skippedCount = skipped
        self.entries = []
        self.entriesBySubject = [:]
        for (entry, key) in read {
            // The same DER twice has the same subject: only that name's entries need comparing.
            let sameName = entriesBySubject[key] ?? []
            guard !sameName.contains(where: { entries[$0].der == entry.der }) else { continue }
            entriesBySubject[key, default: []].append(entries.count)
            entries.append(entry)
        }
    }

    /// An entry and its subject's comparison key, from the subject name alone when the certificate has the plain
    /// DER outline; otherwise (BER from an old CA, damage) the full parser decides, as it would have at lookup.
    private static func indexed(_ der: [UInt8]) -> (Entry, subjectKey: String)? {
        if let key = subjectKey(outlineOf: der) { return (Entry(der: der, anchor: nil), key) }
        guard let parsed = try? ParsedCertificate(der: der) else { return nil }
        let summary = CertificateSummary(parsed: parsed, der: der, verifyingSelfSignature: false)
        let anchor = Anchor(summary: summary, parsed: parsed)
        return (Entry(der: der, anchor: anchor), NameText.comparisonKey(summary.subject))
    }

    /// `NameText.comparisonKey` of the subject, the same text a full parse gives, read from the subject name
    /// alone; nil when the certificate is not plain DER in the expected outline.
    static func subjectKey(outlineOf der: [UInt8]) -> String? {
        guard let subject = CertificateOutline.subject(of: der) else { return nil }
        return PlainNameKey.key(subject) ?? libraryKey(subject)
    }

    /// The comparison key through swift-certificates' `DistinguishedName`, for any name.
    static func libraryKey(_ name: ArraySlice<UInt8>) -> String? {
        guard let name = try? DistinguishedName(derEncoded: DER.parse(name)) else { return nil }
        return NameText.comparisonKey(NameText.rfc4514(name))
    }

    /// The entry at `index` parsed, or nil when it cannot be. Not remembered: see `ParsedAnchors`.
    func parsedAnchor(at index: Int) -> Anchor? {
        let entry = entries[index]
        if let anchor = entry.anchor { return anchor }
        guard let parsed = try? ParsedCertificate(der: entry.der) else { return nil }
        // Trusted by configuration: `isSelfSigned` by names alone (checking ~140 self-signatures cost more than
        // analyzing most captures, and the evaluation does not look at it for a trusted certificate).
        return Anchor(summary: CertificateSummary(parsed: parsed, der: entry.der, verifyingSelfSignature: false),
                      parsed: parsed)
    }

    /// Verifies `served` (leaf first, as sent) at `time`. Synchronous.
    /// The rules (path building, which verdict wins) are documented on `TrustStore.evaluateChain`.
    /// To verify many connections, `TrustEvaluationCache` avoids repeating the signature checks.
    public func evaluate(served: [CertificateSummary], at time: Timestamp) -> TrustVerdict {
        evaluateChain(served: served, at: time)
    }
}

/// Roots parsed so far, each at most once, owned by whoever evaluates (one evaluation, or a
/// `TrustEvaluationCache` across many): the store itself stays an immutable value shared by every thread.
struct ParsedAnchors: Sendable {
    private var byIndex: [Int: TrustStore.Anchor?] = [:]

    /// The trusted certificates whose subject has comparison key `key`, in bundle order; entries that do not
    /// parse are left out, as if they were not in the bundle.
    mutating func anchors(subjectKey key: String, in store: TrustStore) -> [TrustStore.Anchor] {
        guard let indexes = store.entriesBySubject[key] else { return [] }
        return indexes.compactMap { index in
            if let known = byIndex[index] { return known }
            let anchor = store.parsedAnchor(at: index)
            byIndex[index] = anchor
            return anchor
        }
    }
}
