import ArgumentParser
import Reports

extension ReportFormat: ExpressibleByArgument {}

/// Options shared by `analyze` and `live`.
struct PortOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A server port to analyze (repeatable; replaces the default 443). Flows on other ports are analyzed when the client's first bytes are a ClientHello.", valueName: "N"))
    var port: [UInt16] = []

    var ports: Set<UInt16> { port.isEmpty ? [443] : Set(port) }
}

