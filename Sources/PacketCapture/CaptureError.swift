/// Why a capture could not be opened, read, written, or started.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let cannotOpen = Code(rawValue: "cannot open")
        public static let notACapture = Code(rawValue: "not a capture file")
        public static let readError = Code(rawValue: "read error")
        /// A capture libpcap cannot read, such as a pcapng file whose interfaces have different link types.
        public static let unsupported = Code(rawValue: "unsupported capture")
        public static let permissionDenied = Code(rawValue: "permission denied")
        public static let noSuchInterface = Code(rawValue: "no such interface")
        public static let interfaceDown = Code(rawValue: "interface down")
        public static let invalidFilter = Code(rawValue: "invalid filter")
        public static let writeError = Code(rawValue: "write error")
        public static let privilegeDrop = Code(rawValue: "privilege drop")
    }
    public var code: Code
    /// One line for stderr (`incident.pcap: not a pcap or pcapng file`).
    public var message: String
    public init(code: Code, message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
