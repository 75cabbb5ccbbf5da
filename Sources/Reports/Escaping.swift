// Everything a report prints from a capture is attacker-controlled: an SNI, a certificate subject or an ALPN
// string can carry ESC sequences, CR/LF that start a fake report line, bidi overrides that reorder what the
// reader sees, C1 controls (U+009B is a one-character CSI on some terminals) or zero-width characters.
// Text and markdown print every report string through `TerminalText.escape`, which makes such characters
// visible instead of active. JSON keeps the exact string (see JSONSerializer).

/// Visible escapes for text output.
public enum TerminalText {
    /// `\x1b`, `\n`, `\r`, `\t`, `\\`, `\u{202e}`: nothing in the result moves the cursor, colours the terminal,
    /// starts a line or reorders text. Longer than `limit` characters: cut, with the count of what was cut.
    public static func escape(_ text: String, limit: Int? = nil) -> String {
        var result: String
        if text.unicodeScalars.contains(where: needsEscape) {
            result = ""
            result.reserveCapacity(text.utf8.count + 16)
            for scalar in text.unicodeScalars {
                if needsEscape(scalar) {
                    result += visibleEscape(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        } else {
            result = text
        }
        if let limit, limit > 0, result.count > limit {
            let cut = result.count - limit
            result = String(result.prefix(limit)) + "…[\(cut) more]"
        }
        return result
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x5C: return true                          // backslash, so escapes are unambiguous
        case 0x00...0x1F, 0x7F...0x9F: return true      // C0 (ESC, CR, LF, NUL, TAB), DEL, C1
        case 0x20...0x7E: return false
        default: return isInvisibleOrReordering(scalar)
        }
    }

    /// Format characters (bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, marks,
    /// zero-width U+200B–U+200D, U+2060, U+FEFF, soft hyphen), line and paragraph separators, other controls,
    /// and unassigned or private-use code points.
    static func isInvisibleOrReordering(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    private static func visibleEscape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x5C: return "\\\\"
        case 0x00...0x1F, 0x7F: return "\\x" + hex(scalar.value, width: 2)
        default: return "\\u{" + hex(scalar.value, width: 1) + "}"
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Markdown output: the visible escapes of `TerminalText`, then neutralized markdown syntax, so a capture's
/// strings cannot fake a heading, a table row, a code fence, a link or an HTML entity in a ticket.
public enum MarkdownText {
    /// Prose (explanations, next steps, warnings): backslash-escapes the characters that start markdown
    /// structure (`` ` * _ [ ] < > # | ~ & $ ``, and a leading `-`, `+` or `1.`), and the visible escapes'
    /// own backslashes.
    /// `lineStart: false` where the text follows other text on its line (then `1.` or `-` cannot start a list).
    public static func prose(_ text: String, limit: Int? = nil, lineStart: Bool = true) -> String {
        let visible = TerminalText.escape(text, limit: limit)
        var out = ""
        out.reserveCapacity(visible.utf8.count + 8)
        var atStart = lineStart
        var leadingDigits = false
        for scalar in visible.unicodeScalars {
            if atStart && scalar == " " { continue }    // leading spaces would make an indented code block
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~", "&", "$":
                out += "\\"
            case "-" where atStart, "+" where atStart:
                out += "\\"
            case "." where leadingDigits, ")" where leadingDigits:
                out += "\\"                             // `1.` or `1)` would start an ordered list
            default:
                break
            }
            leadingDigits = (atStart || leadingDigits) && lineStart && ("0"..."9").contains(scalar)
            atStart = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// An identifier from the capture (SNI, subject, address) as an inline code span, whose content markdown
    /// does not interpret; the fence is longer than any backtick run inside. In a table cell, `|` is escaped
    /// too (GFM splits cells on `|` even inside code spans).
    public static func code(_ text: String, inTable: Bool = false, limit: Int? = nil) -> String {
        let visible = TerminalText.escape(text, limit: limit)
        guard !visible.isEmpty else { return "(empty)" }
        var longestRun = 0, run = 0
        for scalar in visible.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let content = inTable ? visible.replacingAll("|", with: "\\|") : visible
        let needsPadding = content.first == "`" || content.last == "`" || content.first == " " || content.last == " "
        return needsPadding ? "\(fence) \(content) \(fence)" : "\(fence)\(content)\(fence)"
    }

    /// A table cell of prose.
    public static func cell(_ text: String, limit: Int? = nil) -> String {
        prose(text, limit: limit, lineStart: false)     // `|` is among prose's escapes
    }

    /// Prose whose `` `backticked` `` parts (commands in next steps) become code spans. Each part goes through
    /// `prose` or `code`, so a backtick from the capture can at worst misplace a code span, never inject
    /// markdown. Unbalanced backticks: all prose.
    public static func proseWithCode(_ text: String, lineStart: Bool = true, inTable: Bool = false) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 1, parts.count % 2 == 1 else { return prose(text, lineStart: lineStart) }
        var out = ""
        for (index, part) in parts.enumerated() {
            if index % 2 == 1 {
                out += code(String(part), inTable: inTable)
            } else if !part.isEmpty {
                out += prose(String(part), lineStart: lineStart && index == 0)
            }
        }
        return out
    }
}

extension String {
    /// Replaces every `target` character (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
