/// Where `ReportRenderer.write` sends a report: its bytes in order, in chunks of about 64 kB, so a report of
/// a hundred thousand connections never sits in memory whole. The executable writes them to standard output.
public protocol ReportOutput {
    /// Writes the next bytes of the report. False when they could not all be written (the reader went away):
    /// the renderer then stops.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
}

/// A report's bytes as they are rendered, handed to the output a chunk at a time. Without an output it keeps
/// everything (what `ReportRenderer.render` returns as one String).
struct ReportStream {
    static let chunkSize = 64 * 1024

    var bytes: [UInt8] = []
    private let output: (any ReportOutput)?
    /// The output refused bytes: later ones are dropped, and renderers stop at the next connection.
    private(set) var isClosed = false
    /// Text and markdown put a newline between lines, none after the last (callers print the report as a block).
    private var hasLine = false

    init(output: (any ReportOutput)?) {
        self.init(output: output, reserving: output == nil ? 4096 : Self.chunkSize + 16 * 1024)
    }

    private init(output: (any ReportOutput)?, reserving capacity: Int) {
        self.output = output
        bytes.reserveCapacity(capacity)
    }

    /// Moves the stream out, leaving an empty one, so that a writer can hold it without copying its buffer.
    mutating func take() -> ReportStream {
        let taken = self
        self = ReportStream(output: nil, reserving: 0)
        return taken
    }

    /// Hands the bytes gathered so far to the output once a chunk is full; called between connections.
    mutating func flushIfFull() {
        if bytes.count >= Self.chunkSize { flush() }
    }

    /// Hands every byte gathered so far to the output (the end of the report).
    mutating func flush() {
        guard let output else { return }
        if !isClosed, !bytes.isEmpty {
            isClosed = !bytes.withUnsafeBytes { output.write($0) }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ text: Substring) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A literal; one of a few bytes byte by byte, which costs less than copying a buffer.
    @inline(__always)
    mutating func append(_ text: StaticString) {
        guard text.hasPointerRepresentation else {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
            return
        }
        let start = text.utf8Start
        let count = text.utf8CodeUnitCount
        if count <= 4 {
            for offset in 0..<count { bytes.append(start[offset]) }
        } else {
            bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
        }
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Starts a line of text or markdown: a newline unless it is the first.
    mutating func startLine() {
        if hasLine { bytes.append(UInt8(ascii: "\n")) }
        hasLine = true
    }

    mutating func line(_ text: String) {
        startLine()
        append(text)
    }

    mutating func lines(_ lines: [String]) {
        for text in lines { line(text) }
    }
}
