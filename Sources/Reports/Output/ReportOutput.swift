/// Where `ReportRenderer.write` sends a report: its bytes in order, in chunks of about 64 kB, so a report of
/// a hundred thousand connections never sits in memory whole. The executable writes them to standard output.
public protocol ReportOutput {
    /// Writes the next bytes of the report. False when they could not all be written (the reader went away):
    /// the renderer then stops.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
}

/// A report's bytes as they are rendered, handed to the output a chunk at a time. Without an output it keeps
/// everything (what `ReportRenderer.render` returns as one String).
///
/// The bytes live in one allocation with their count in its header, and appends write through pointers: an
/// Array append checks that its buffer is unique each time, which costs more than the byte itself, and a
/// report makes millions of small appends. So a copy of a stream shares its bytes: streams are moved
/// (`take`), never copied.
struct ReportStream {
    static let chunkSize = 64 * 1024

    private struct Header {
        var count: Int
        var capacity: Int
    }

    private var storage: ManagedBuffer<Header, UInt8>
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
        storage = Self.allocate(capacity: capacity)
    }

    private static func allocate(capacity: Int) -> ManagedBuffer<Header, UInt8> {
        let capacity = max(capacity, 64)
        return .create(minimumCapacity: capacity) { _ in Header(count: 0, capacity: capacity) }
    }

    /// Moves the stream out, leaving an empty one, so that a writer can hold it.
    mutating func take() -> ReportStream {
        let taken = self
        self = ReportStream(output: nil, reserving: 0)
        return taken
    }

    var count: Int {
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count }
    }

    /// The bytes gathered so far (all of them when there is no output).
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        storage.withUnsafeMutablePointers { header, elements in
            body(UnsafeBufferPointer(start: elements, count: header.pointee.count))
        }
    }

    var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Forgets the bytes gathered so far, keeping the allocation.
    mutating func removeAll() {
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count = 0 }
    }

    /// Forgets the bytes past the first `count` (a part written one way, to be written another).
    mutating func truncate(to count: Int) {
        storage.withUnsafeMutablePointerToHeader { header in
            if count >= 0, count < header.pointee.count { header.pointee.count = count }
        }
    }

    /// Hands the bytes gathered so far to the output once a chunk is full; called between connections.
    mutating func flushIfFull() {
        if count >= Self.chunkSize { flush() }
    }

    /// Hands every byte gathered so far to the output (the end of the report).
    mutating func flush() {
        guard let output else { return }
        if !isClosed, count > 0 {
            isClosed = !withBytes { output.write(UnsafeRawBufferPointer($0)) }
        }
        removeAll()
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1)
        storage.withUnsafeMutablePointers { header, elements in
            elements[header.pointee.count] = byte
            header.pointee.count += 1
        }
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        storage.withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.count).initialize(from: source, count: bytes.count)
            header.pointee.count += bytes.count
        }
    }

    /// Lets `write` put up to `maximum` bytes at the end, in place, and keeps the count it returns (at most
    /// `maximum`): numbers written there need no buffer of their own and no copy.
    @inline(__always)
    mutating func append(upTo maximum: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        reserve(maximum)
        storage.withUnsafeMutablePointers { header, elements in
            let written = write(UnsafeMutableBufferPointer(start: elements + header.pointee.count, count: maximum))
            header.pointee.count += min(max(written, 0), maximum)
        }
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func append(_ text: some StringProtocol) {
        guard text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil else { return }
        for byte in text.utf8 { append(byte: byte) }
    }

    /// Puts `text` at byte `offset` (at most `count`), moving the bytes after it along: `LineFitter` places a
    /// separator or a line break before a part it has already written, once it knows the part's width.
    mutating func insert(_ text: StaticString, at offset: Int) {
        let length = text.utf8CodeUnitCount
        guard length > 0, offset >= 0, offset <= count else { return }
        reserve(length)
        storage.withUnsafeMutablePointers { header, elements in
            let position = elements + offset
            (position + length).moveInitialize(from: position, count: header.pointee.count - offset)
            text.withUTF8Buffer { utf8 in
                if let source = utf8.baseAddress { position.initialize(from: source, count: length) }
            }
            header.pointee.count += length
        }
    }

    /// Starts a line of text or markdown: a newline unless it is the first.
    mutating func startLine() {
        if hasLine { append(byte: UInt8(ascii: "\n")) }
        hasLine = true
    }

    mutating func line(_ text: String) {
        startLine()
        append(text)
    }

    mutating func lines(_ lines: [String]) {
        for text in lines { line(text) }
    }

    @inline(__always)
    private mutating func reserve(_ needed: Int) {
        let room = storage.withUnsafeMutablePointerToHeader { $0.pointee.capacity - $0.pointee.count }
        if room < needed { grow(needed) }
    }

    private mutating func grow(_ needed: Int) {
        let (count, capacity) = storage.withUnsafeMutablePointerToHeader { ($0.pointee.count, $0.pointee.capacity) }
        let larger = Self.allocate(capacity: max(2 * capacity, count + needed))
        storage.withUnsafeMutablePointerToElements { old in
            larger.withUnsafeMutablePointers { header, elements in
                elements.initialize(from: old, count: count)
                header.pointee.count = count
            }
        }
        storage = larger
    }
}
