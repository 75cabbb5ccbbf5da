import CertificateAnalysis

/// A trust verdict as a machine word (JSON `trust`) and a sentence fragment (`trust_detail`, text).
enum TrustWording {
    static func word(_ verdict: TrustVerdict) -> String {
        switch verdict {
        case .trusted: "trusted"
        case .unknownCA: "unknown_ca"
        case .incompleteChain: "incomplete_chain"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .undetermined: "undetermined"
        }
    }

    static func detail(_ verdict: TrustVerdict) -> String {
        switch verdict {
        case .trusted(let root): "chain verifies to trusted root \(root)"
        case .unknownCA(let root): "chain ends at \(root), which is not a trusted root"
        case .incompleteChain(let missing): "chain would verify with intermediate \(missing), which the server did not send"
        case .expired(let subject, let notAfter): "\(subject) expired on \(notAfter.rfc3339)"
        case .notYetValid(let subject, let notBefore): "\(subject) is not valid before \(notBefore.rfc3339)"
        case .undetermined(let reason): "not decided: \(reason)"
        }
    }
}
