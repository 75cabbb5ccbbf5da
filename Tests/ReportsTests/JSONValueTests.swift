import Foundation
import Testing
@testable import Reports

@Suite struct JSONValueTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" and back\\slash", #""quote \" and back\\slash""#),
        ("line\nbreak\r\ttab", #""line\u000abreak\u000d\u0009tab""#),
        ("nul\u{0}esc\u{1b}[31mdel\u{7f}", #""nul\u0000esc\u001b[31mdel\u007f""#),
        ("c1 \u{9b}2J", #""c1 \u009b2J""#),
        ("bidi \u{202e}txt.exe\u{2066}", #""bidi \u202etxt.exe\u2066""#),
        ("zero\u{200b}width\u{feff}", #""zero\u200bwidth\ufeff""#),
        ("sep\u{2028}\u{2029}", #""sep\u2028\u2029""#),
        ("non-ASCII stays: bücher.例え.jp 🔒", "\"non-ASCII stays: bücher.例え.jp 🔒\""),
        ("private use \u{F0000}", #""private use \udb80\udc00""#),
    ])
    func stringsAreEscapedOnlyWhereNeeded(input: String, expected: String) throws {
        let text = JSONValue.string(input).serialized()
        #expect(text == expected)
        // Whatever was escaped decodes back to the exact input.
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
        #expect(decoded == [input])
    }

    /// A character to escape at every place of texts shorter than eight bytes (checked byte by byte), of eight,
    /// and of longer ones (checked eight bytes at a time, the last eight overlapping those before).
    @Test func escapesAreFoundAtEveryPlace() {
        for length in 1...19 { for position in 0..<length {
            for (character, escaped) in [("\"", #"\""#), ("\\", #"\\"#), ("\u{1}", #"\u0001"#), ("\u{7f}", #"\u007f"#)] {
                var text = Array("abcdefghijklmnopqrs".prefix(length)).map(String.init)
                text[position] = character
                var expected = text
                expected[position] = escaped
                #expect(JSONValue.string(text.joined()).serialized() == "\"" + expected.joined() + "\"", "\(length) \(position)")
            }
        } }
    }

    @Test func numbersBooleansAndNull() {
        let value: JSONValue = [1, -7, .double(12.5), .double(0.001), .double(3), true, false, nil]
        #expect(value.serialized() == "[1,-7,12.5,0.001,3.0,true,false,null]")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteDoublesBecomeNull(value: Double) {
        #expect(JSONValue.double(value).serialized() == "null")
    }

    @Test func objectsKeepInsertionOrderAndDuplicatesAreNotMerged() {
        var object: JSONObject = ["z": 1, "a": 2]
        object.append("m", "x")
        #expect(JSONValue.object(object).serialized() == #"{"z":1,"a":2,"m":"x"}"#)
        #expect(object["a"] == .int(2))
        #expect(object["missing"] == nil)
    }

    @Test func prettyPrintingIndentsTwoSpacesAndKeepsShortScalarContainersInline() {
        let long = String(repeating: "y", count: 80)
        let value: JSONValue = [
            "a": ["h2", "http/1.1"],
            "b": [["x": 1]],
            "c": [],
            "d": [:],
            "e": ["text": .string(long), "n": nil],
        ]
        let expected = """
        {
          "a": ["h2", "http/1.1"],
          "b": [
            {"x": 1}
          ],
          "c": [],
          "d": {},
          "e": {
            "text": "\(long)",
            "n": null
          }
        }
        """
        #expect(value.serialized(pretty: true) == expected)
        #expect(value.serialized() == #"{"a":["h2","http/1.1"],"b":[{"x":1}],"c":[],"d":{},"e":{"text":"\#(long)","n":null}}"#)
    }

    @Test func arraysOfFlatObjectsArePrintedOneRowPerLine() {
        let long = String(repeating: "d", count: 90)
        let value: JSONValue = [
            ["from": "client", "message": "ClientHello", "frame": 4, "detail": .string(long)],
            ["from": "server", "message": "ServerHello", "frame": 6, "detail": nil],
        ]
        #expect(value.serialized(pretty: true) == """
        [
          {"from": "client", "message": "ClientHello", "frame": 4, "detail": "\(long)"},
          {"from": "server", "message": "ServerHello", "frame": 6, "detail": null}
        ]
        """)
    }

    @Test func longScalarArraysGoOnePerLine() {
        let long = String(repeating: "x", count: 50)
        let text = JSONValue.array([.string(long), .string(long)]).serialized(pretty: true)
        #expect(text == "[\n  \"\(long)\",\n  \"\(long)\"\n]")
    }

    @Test func optionalsBecomeNull() {
        #expect(JSONValue(nil as String?) == .null)
        #expect(JSONValue(nil as Int?) == .null)
        #expect(JSONValue("x" as String?) == .string("x"))
        #expect(JSONValue(5 as Int?) == .int(5))
    }
}
