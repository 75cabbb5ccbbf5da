import ArgumentParser

@main
struct TLSDiag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsdiag",
        abstract: "Says, for every TLS connection in a capture, where the handshake stopped and why.",
        version: "0.1.0"
    )
}
