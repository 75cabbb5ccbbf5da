import ArgumentParser

@main
struct TLSDiag: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "tlsdiag",
        abstract: "Says, for every TLS connection in a capture, where the handshake stopped and why.",
        discussion: """
            Exit status: 0 = read to the end and no handshake failed; 1 = at least one connection failed;
            2 = the input could not be read at all.
            """,
        version: version,
        subcommands: [AnalyzeCommand.self, LiveCommand.self]
    )
}
