import CertificateAnalysis
import Foundation
import Testing

/// Inputs that crashed a fuzz target (scripts/fuzz), kept so that the crash stays fixed.
@Suite struct FuzzRegressionTests {
    /// fuzz-certificate, crash-277cbe68: a self-signed RSA certificate whose modulus is even (its last byte is 0xb8).
    /// BoringSSL rejects the key, and swift-crypto 3.12.3 then freed the EVP_PKEY twice and aborted, in
    /// `_RSA.Signing.PublicKey(derRepresentation:)` under X509's `Certificate.PublicKey`. Fixed by swift-crypto 4.
    static let evenRSAModulus = """
        MIIDoDCCAoigAwIBAgIUROf4UYXH749YdalUBo9cDRkxdfYwDQYJKoZIhvcNAQELBQAwPzELMAkGA1UEBhMCVVMxFTATBgNV
        BAoMDEV4YW1wbGUgQ29ycDEZMBcGA1UEAwwQYXBpLmV4YW1wbGUudGVzdDAeFw0yNjEwMzAxODQ2MjJaFw0yNzEwMzAxODQ2
        MjJaMD8xCzAJBgNVBAYTAlVTMRUwEwYDVQQKDAxFeGFtcGxlIENvcnAxGTAXBgNVBAMMEGFwaS5leGFtcGxlLnRlc3QwggEi
        MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC1ZEYIn1vogDXqR5s2eSVlj3ojJ6sf+Zre/nupzE3P41T71QF9nzb+MHc7
        7hIU9oMqEJX+PMGodGIqZi0G0TnZfftXOCFFYXTqf94aJrzISkQNMlM5Rz33F5qXZcF902s9emPEeKU8UV4LYkfKJq0GcDtG
        4uLcC+IhDI6FQsFjF0NTt7E2LjZD87tGJ9iqg99btf5GU5SE95SMOiYESb4rZLmdPZhoeku20m+dLossTTk29Uc2rd6asEVc
        4vpQJRcyZ3UFlC+G4xVs/ZHHXdz9uJyGpcApx/MQrqTLIi3VBINhwq+gFudW6yq9QH72f0moMLQInY54XwgO0QW4xf+4AgMB
        AAGjgZMwgZAwDAYDVR0TAQH/BAIwADAdBgNVHQ4EFgQUJRPz0SGGo0myKhRZGpDtQ5oGCVkwHwYDVR0jBBgwFoAUJRPz0SGG
        o0myKlkUGpDtQ5oGCVkwDgYDVR0PAQH/BAQDAgWgMBMGA1UdJQQMMAoGCCsGAQUFBwMBMBsGA1UdEQQUMBKCEGFwaS5leGVt
        cGxlLnRlc3QwDQYJKoZIhvcNAQELBQADggEBAFhIf9OAnjL6dnEEfCfK7kA/66r4hPbSVNClAGuya6o/Db+3eh4XCnyflWK8
        YNdiRlvrcOdrdV3/Tb+i96+lsuJvcQBUjEf3tIYMj7QAdPAaM12/EudjudKkYycn6C2gDrA6FRF3kN3tCMWcty/OEWO2GmvH
        Wmjj621LImWW3OOAUyBzhnlpOrKzpVyMIX5yph4awIjqKjikMRgffz/n5Ov4/OETah+UKNhr4xcs+nvcDqgthvKWqoMkCuos
        BBe7UKPHQEsNIAXQPa0a877phfznoEoYrfPvs0k9RpXzKp7uFhmJhA3LHRQVMqRFATgIJtGzZCR7FmfIjl4tulqs3DQ=
        """

    static var evenRSAModulusDER: [UInt8] {
        Data(base64Encoded: evenRSAModulus.split(whereSeparator: \.isWhitespace).joined()).map { Array($0) } ?? []
    }

    @Test func certificateWithAnRSAKeyBoringSSLRejectsIsSummarized() throws {
        let der = Self.evenRSAModulusDER
        #expect(der.count == 932)
        let summary = try CertificateSummary(derEncoded: der)
        #expect(summary.subjectCommonName == "api.example.test")
        #expect(summary.subject == summary.issuer)
    }

    @Test func trustStoreWithThatCertificateDoesNotCrash() {
        let pem = "-----BEGIN CERTIFICATE-----\n" + Self.evenRSAModulus.split(whereSeparator: \.isWhitespace).joined()
            + "\n-----END CERTIFICATE-----\n"
        // Whether the root is kept or skipped, loading must end normally.
        let store = try? TrustStore(pemBundle: Array(pem.utf8), source: "fuzz.pem")
        #expect((store?.rootCount ?? 0) <= 1)
    }
}
