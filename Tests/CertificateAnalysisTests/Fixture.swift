import CertificateAnalysis
import Foundation
import WireFormat

/// One generated certificate (see Fixtures/make-fixtures.sh) and the values Python `cryptography` computed for it.
struct Fixture: Sendable {
    let sha256: String
    let subjectKeyIdentifier: String
    let notBefore: Int64
    let notAfter: Int64
    let pem: String

    var der: [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Data(base64Encoded: body).map { Array($0) } ?? []
    }

    func summary() throws -> CertificateSummary { try CertificateSummary(derEncoded: der) }
}

/// UTC midnight (or the given hour) of a calendar day, computed with Foundation independently of the module.
func utc(_ year: Int, _ month: Int = 1, _ day: Int = 1, _ hour: Int = 0) -> Timestamp {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)) ?? Date(timeIntervalSince1970: 0)
    return Timestamp(seconds: Int64(date.timeIntervalSince1970), nanoseconds: 0)
}

typealias F = CertificateFixtures

/// Summaries of the fixtures, parsed once.
enum Certs {
    static func of(_ fixture: Fixture) -> CertificateSummary {
        // Parse failures surface in CertificateSummaryTests; here an empty summary makes dependent tests fail loudly.
        (try? fixture.summary()) ?? CertificateSummary(
            subject: "unparsable fixture", issuer: "", subjectCommonName: nil, issuerCommonName: nil,
            notBefore: Timestamp(seconds: 0, nanoseconds: 0), notAfter: Timestamp(seconds: 0, nanoseconds: 0),
            dnsNames: [], ipAddresses: [], isSelfSigned: false, isCA: false, subjectKeyIdentifier: nil,
            authorityKeyIdentifier: nil, sha256: "", der: [])
    }
    static let root = of(F.root)
    static let intermediate = of(F.intermediate)
    static let leaf = of(F.leaf)
    static let wildcard = of(F.wildcard)
    static let commonNameOnly = of(F.commonNameOnly)
    static let expired = of(F.expired)
    static let notYetValid = of(F.notYetValid)
    static let ipAddresses = of(F.ipAddresses)
    static let subIntermediate = of(F.subIntermediate)
    static let deepLeaf = of(F.deepLeaf)
    static let imposterIntermediate = of(F.imposterIntermediate)
    static let selfSigned = of(F.selfSigned)
    static let otherRoot = of(F.otherRoot)
    static let otherLeaf = of(F.otherLeaf)
    static let wideDates = of(F.wideDates)
    static let pssRoot = of(F.pssRoot)
    static let pssLeaf = of(F.pssLeaf)
}

/// A summary built by hand, for matcher and product-table cases that need no real signature.
func summary(subject: String = "CN=test", issuer: String = "CN=test CA", commonName: String? = nil,
             dnsNames: [String] = [], ipAddresses: [String] = []) -> CertificateSummary {
    CertificateSummary(
        subject: subject, issuer: issuer, subjectCommonName: commonName, issuerCommonName: nil,
        notBefore: Timestamp(seconds: 0, nanoseconds: 0), notAfter: Timestamp(seconds: 0, nanoseconds: 0),
        dnsNames: dnsNames, ipAddresses: ipAddresses, isSelfSigned: false, isCA: false,
        subjectKeyIdentifier: nil, authorityKeyIdentifier: nil, sha256: "", der: [])
}
