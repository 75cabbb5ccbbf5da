/// A packet time: seconds and nanoseconds since the Unix epoch, UTC.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds + Int64(nanoseconds / 1_000_000_000)
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Seconds since the epoch as a floating-point value.
    public var timeIntervalSince1970: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    /// `later - self` in milliseconds (negative when `later` is earlier).
    public func milliseconds(until later: Timestamp) -> Double {
        Double(later.seconds - seconds) * 1000 + (Double(later.nanoseconds) - Double(nanoseconds)) / 1e6
    }

    /// RFC 3339, UTC, microsecond precision: `2026-11-29T03:12:04.118000Z`.
    public var rfc3339: String {
        let (date, time) = civil
        return "\(date)T\(time).\(pad(Int(nanoseconds / 1000), 6))Z"
    }

    /// `03:12:04.118` (UTC), for reports.
    public var timeOfDay: String {
        "\(civil.time).\(pad(Int(nanoseconds / 1_000_000), 3))"
    }

    /// `2026-11-29` (UTC).
    public var date: String { civil.date }

    /// Days-from-civil inverse (Howard Hinnant's algorithm), so the core needs no Foundation.
    private var civil: (date: String, time: String) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondsOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let h = secondsOfDay / 3600, m = (secondsOfDay % 3600) / 60, s = secondsOfDay % 60
        return ("\(pad(Int(year), 4))-\(pad(Int(month), 2))-\(pad(Int(day), 2))",
                "\(pad(Int(h), 2)):\(pad(Int(m), 2)):\(pad(Int(s), 2))")
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
