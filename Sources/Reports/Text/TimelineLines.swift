import Diagnosis

/// A connection's timeline as `C ClientHello (TLS 1.3, 1.2; 31 suites)   frame 44` lines, TCP events
/// included. Runs of the same event (a burst of encrypted records) become one line with a count and a frame
/// range, so a long connection cannot flood the report. Strings are escaped with `escape`.
enum TimelineLines {
    struct Line {
        var left: String
        var frames: String
    }

    static func lines(_ timeline: [TimelineEntry], escape: (String) -> String) -> [Line] {
        var lines: [Line] = []
        var index = timeline.startIndex
        while index < timeline.endIndex {
            let entry = timeline[index]
            var end = index + 1
            while end < timeline.endIndex, sameEvent(timeline[end], entry) { end += 1 }
            let repeats = end - index
            var left = (entry.from == .client ? "C " : "S ") + escape(entry.message)
            if repeats > 1 { left += " ×\(repeats)" }
            if let detail = entry.detail, !detail.isEmpty { left += " (\(escape(detail)))" }
            lines.append(Line(left: left, frames: Wording.frames(entry.frame, timeline[end - 1].frame)))
            index = end
        }
        return lines
    }

    private static func sameEvent(_ a: TimelineEntry, _ b: TimelineEntry) -> Bool {
        a.from == b.from && a.kind == b.kind && a.message == b.message && a.detail == b.detail
    }

    /// Lines with the frame column aligned, as far as the width allows.
    static func aligned(_ lines: [Line], firstPrefix: String, restPrefix: String,
                        width: Int = TextLayout.width) -> [String] {
        let longestFrames = lines.map { TextLayout.columns($0.frames) }.max() ?? 0
        let room = max(20, width - TextLayout.columns(firstPrefix) - 2 - longestFrames)
        let column = min(room, lines.map { TextLayout.columns($0.left) }.max() ?? 0)
        return lines.enumerated().map { index, line in
            (index == 0 ? firstPrefix : restPrefix) + TextLayout.pad(line.left, to: column) + "  " + line.frames
        }
    }
}
