// Line building for the text report: word wrap and "fit these parts on a line, else continue below".
// Widths count Characters; every string here has already gone through TerminalText.escape.

enum TextLayout {
    static let width = 100

    /// Greedy word wrap. The first line starts with `firstPrefix`, later lines with `restPrefix` (so wrapped
    /// text from the capture is indented deeper than any line the report starts itself). A word longer than
    /// the width gets a line of its own rather than being cut.
    /// A `` `backticked` `` command is kept on one line, so it pastes into a shell whole.
    static func wrap(_ text: String, firstPrefix: String, restPrefix: String, width: Int = width) -> [String] {
        var lines: [String] = []
        var line = firstPrefix
        var lineWidth = firstPrefix.count
        let restWidth = restPrefix.count
        var lineHasWord = false
        for word in words(text) {
            let wordWidth = word.count
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

    /// Joins `parts` with `separator`, starting a continuation line (`restPrefix`) before a part that would
    /// pass the width.
    static func fit(_ parts: [String], separator: String = "  ", firstPrefix: String = "", restPrefix: String,
                    width: Int = width) -> [String] {
        var lines: [String] = []
        var line = firstPrefix
        var lineWidth = firstPrefix.count
        var lineHasPart = false
        for part in parts where !part.isEmpty {
            let partWidth = part.count
            if lineHasPart && lineWidth + separator.count + partWidth > width {
                lines.append(line)
                line = restPrefix
                lineWidth = restPrefix.count
                lineHasPart = false
            }
            if lineHasPart {
                line += separator
                lineWidth += separator.count
            }
            line += part
            lineWidth += partWidth
            lineHasPart = true
        }
        lines.append(line)
        return lines
    }

    static func pad(_ text: String, to width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// `2,114`
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `812 bytes`, `1.2 MB` (decimal units, as `ls -h --si` and most dashboards).
    static func byteCount(_ bytes: Int) -> String {
        guard bytes >= 1000 else { return "\(bytes) bytes" }
        let units = ["kB", "MB", "GB", "TB", "PB"]
        var scaled = Double(bytes) / 1000
        var unit = 0
        while scaled >= 999.95 && unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        let tenths = Int((scaled * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(count)) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
