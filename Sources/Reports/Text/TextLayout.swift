// Line building for the text report: word wrap and "fit these parts on a line, else continue below".
// Widths count Characters; every string here has already gone through TerminalText.escape.

enum TextLayout {
    static let width = 100

    /// Greedy word wrap. The first line starts with `firstPrefix`, later lines with `restPrefix` (so wrapped
    /// text from the capture is indented deeper than any line the report starts itself). A word longer than
    /// the width gets a line of its own rather than being cut.
    /// A `` `backticked` `` command is kept on one line, so it pastes into a shell whole.
    static func wrap(_ text: String, firstPrefix: String, restPrefix: String, width: Int = width) -> [String] {
        asciiWrap(text, firstPrefix: firstPrefix, restPrefix: restPrefix, width: width)
            ?? characterWrap(text, firstPrefix: firstPrefix, restPrefix: restPrefix, width: width)
    }

    /// `wrap` for any text, counting Characters.
    static func characterWrap(_ text: String, firstPrefix: String, restPrefix: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = firstPrefix
        var lineWidth = columns(firstPrefix)
        let restWidth = columns(restPrefix)
        var lineHasWord = false
        for word in words(text) {
            let wordWidth = columns(word)
            if lineHasWord && lineWidth + 1 + wordWidth > width {
                lines.append(line)
                line = restPrefix
                lineWidth = restWidth
                lineHasWord = false
            }
            if lineHasWord {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += wordWidth
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }

    /// Words split on spaces, except inside balanced backticks.
    static func words(_ text: String) -> [Substring] {
        let pieces = text.split(separator: " ", omittingEmptySubsequences: true)
        let backtick = UInt8(ascii: "`")
        guard text.utf8.count(where: { $0 == backtick }) % 2 == 0 else { return pieces }
        var words: [Substring] = []
        var openCode: Substring.Index?          // start of an unclosed `code span` in `text`
        for piece in pieces {
            let toggles = piece.utf8.count(where: { $0 == backtick }) % 2 == 1
            if let start = openCode {
                if toggles {
                    words.append(text[start..<piece.endIndex])
                    openCode = nil
                }
            } else if toggles {
                openCode = piece.startIndex
            } else {
                words.append(piece)
            }
        }
        if let start = openCode { words.append(text[start...]) }
        return words
    }

    /// `wrap` for ASCII without CR, where every byte is one Character: the same words and lines, found in the
    /// bytes instead of through Substrings (several times faster). nil for any other text.
    static func asciiWrap(_ text: String, firstPrefix: String, restPrefix: String, width: Int) -> [String]? {
        guard columns(firstPrefix) == firstPrefix.utf8.count, columns(restPrefix) == restPrefix.utf8.count else {
            return nil
        }
        let lines = text.utf8.withContiguousStorageIfAvailable { utf8 -> [String]? in
            guard var words = ASCIIWords(utf8) else { return nil }
            var lines: [String] = []
            var line = Array(firstPrefix.utf8)
            var lineHasWord = false
            while let word = words.next() {
                if lineHasWord && line.count + 1 + word.count > width {
                    lines.append(String(decoding: line, as: UTF8.self))
                    line = Array(restPrefix.utf8)
                    lineHasWord = false
                }
                if lineHasWord { line.append(UInt8(ascii: " ")) }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[word]))
                lineHasWord = true
            }
            lines.append(String(decoding: line, as: UTF8.self))
            return lines
        }
        return lines ?? nil
    }

    /// `wrap`, its lines written into `stream`, each begun with `startLine`. ASCII text without CR is laid out
    /// from its bytes as it is read, with no array of words or lines (a report can print a warning under each of
    /// thousands of connections); other text goes through `wrap`.
    static func writeWrapped(_ text: String, firstPrefix: StaticString, restPrefix: StaticString, width: Int = width,
                             to stream: inout ReportStream) {
        let written = firstPrefix.isASCII && restPrefix.isASCII && text.utf8.withContiguousStorageIfAvailable { utf8 in
            writeASCIIWrapped(utf8, firstPrefix: firstPrefix, restPrefix: restPrefix, width: width, to: &stream)
        } == true
        if !written {
            stream.lines(wrap(text, firstPrefix: firstPrefix.description, restPrefix: restPrefix.description, width: width))
        }
    }

    /// `writeWrapped` for ASCII: the words `ASCIIWords` finds. False (nothing written) for text with a byte that
    /// is not ASCII, or CR.
    private static func writeASCIIWrapped(_ utf8: UnsafeBufferPointer<UInt8>, firstPrefix: StaticString,
                                          restPrefix: StaticString, width: Int, to stream: inout ReportStream) -> Bool {
        guard var words = ASCIIWords(utf8) else { return false }
        stream.startLine()
        stream.append(firstPrefix)
        var lineWidth = firstPrefix.utf8CodeUnitCount
        var lineHasWord = false
        while let word = words.next() {
            if lineHasWord && lineWidth + 1 + word.count > width {
                stream.startLine()
                stream.append(restPrefix)
                lineWidth = restPrefix.utf8CodeUnitCount
                lineHasWord = false
            }
            if lineHasWord {
                stream.append(byte: UInt8(ascii: " "))
                lineWidth += 1
            }
            stream.append(UnsafeBufferPointer(rebasing: utf8[word]))
            lineWidth += word.count
            lineHasWord = true
        }
        return true
    }

    /// `words`, as byte ranges of ASCII text without CR, found one at a time (no array of words): split on
    /// spaces, except that when the text's backticks are balanced, a piece with an odd count opens a code span
    /// that runs to the end of the next such piece (or of the text).
    struct ASCIIWords: IteratorProtocol {
        private let utf8: UnsafeBufferPointer<UInt8>
        private let keepsCode: Bool
        private var position = 0
        private static let space = UInt8(ascii: " "), backtick = UInt8(ascii: "`")

        /// nil when the text holds a byte that is not ASCII, or CR.
        init?(_ utf8: UnsafeBufferPointer<UInt8>) {
            var backticks = 0
            for byte in utf8 {
                if byte >= 0x80 || byte == 0x0D { return nil }
                if byte == Self.backtick { backticks += 1 }
            }
            self.utf8 = utf8
            self.keepsCode = backticks % 2 == 0
        }

        mutating func next() -> Range<Int>? {
            while position < utf8.count, utf8[position] == Self.space { position += 1 }
            guard position < utf8.count else { return nil }
            let start = position
            var (end, toggles) = piece(from: start)
            if keepsCode && toggles {
                var closed = false
                var next = end
                while next < utf8.count, !closed {
                    if utf8[next] == Self.space {
                        next += 1
                        continue
                    }
                    (next, toggles) = piece(from: next)
                    closed = toggles
                }
                end = closed ? next : utf8.count
            }
            position = end
            return start..<end
        }

        /// The piece (bytes between spaces) starting at `start`: its end, and whether its backticks are odd.
        private func piece(from start: Int) -> (end: Int, toggles: Bool) {
            var end = start, backticks = 0
            while end < utf8.count, utf8[end] != Self.space {
                if utf8[end] == Self.backtick { backticks += 1 }
                end += 1
            }
            return (end, backticks % 2 == 1)
        }
    }

    /// Joins `parts` with `separator`, starting a continuation line (`restPrefix`) before a part that would
    /// pass the width.
    static func fit(_ parts: [String], separator: String = "  ", firstPrefix: String = "", restPrefix: String,
                    width: Int = width) -> [String] {
        var lines: [String] = []
        var line = firstPrefix
        var lineWidth = columns(firstPrefix)
        let separatorWidth = columns(separator)
        var lineHasPart = false
        for part in parts where !part.isEmpty {
            let partWidth = columns(part)
            if lineHasPart && lineWidth + separatorWidth + partWidth > width {
                lines.append(line)
                line = restPrefix
                lineWidth = columns(restPrefix)
                lineHasPart = false
            }
            if lineHasPart {
                line += separator
                lineWidth += separatorWidth
            }
            line += part
            lineWidth += partWidth
            lineHasPart = true
        }
        lines.append(line)
        return lines
    }

    /// The width of `text` in columns: its Characters, as `count` counts them, but one per byte without counting
    /// for ASCII (where only CR LF would make two bytes one Character).
    static func columns(_ text: some StringProtocol) -> Int {
        let ascii = text.utf8.withContiguousStorageIfAvailable { utf8 in
            for byte in utf8 where byte >= 0x80 || byte == 0x0D { return false }
            return true
        }
        return ascii == true ? text.utf8.count : text.count
    }

    static func pad(_ text: String, to width: Int) -> String {
        let count = columns(text)
        guard count < width else { return text }
        // Written as bytes: `String(repeating: " ", count:)` costs thousands of instructions for a few spaces.
        let padding = width - count
        return text + String(unsafeUninitializedCapacity: padding) { buffer in
            UnsafeMutableBufferPointer(rebasing: buffer[..<padding]).initialize(repeating: UInt8(ascii: " "))
            return padding
        }
    }
}
