/// Counts as reports word them: digits grouped by thousands, the noun agreeing with the count, sizes in decimal units.
public enum CountText {
    /// `2,114`
    public static func grouped(_ value: Int) -> String {
        // Most counts need no comma: no walk over the digits.
        if value > -1000, value < 1000 { return String(value) }
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `1 packet`, `1,640 packets`; `plural` for nouns that do not just take an s.
    public static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(count)) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// The word agreeing with `count`: `agreeing(n, "was", "were")`, `agreeing(n, "it", "they")`.
    public static func agreeing(_ count: Int, _ singular: String, _ plural: String) -> String {
        count == 1 ? singular : plural
    }

    /// `a, b, c` or, past `shown` items, `a, b, c, d, e, f and 57 more`: a certificate may list hundreds of
    /// names, and a report line should not become a page.
    public static func list(_ items: [String], shown: Int = 6) -> String {
        guard items.count > shown else { return items.joined(separator: ", ") }
        return items.prefix(shown).joined(separator: ", ") + " and \(grouped(items.count - shown)) more"
    }

    /// `812 bytes`, `1.2 MB` (decimal units, as `ls -h --si` and most dashboards).
    public static func byteCount(_ bytes: Int) -> String {
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
}
