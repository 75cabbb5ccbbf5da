import Testing
@testable import WireFormat

@Suite struct ByteCursorTests {
    @Test func readsBigEndianIntegers() {
        var cursor = ByteCursor([0x01, 0x02, 0x03, 0x04, 0x05])
        #expect(cursor.readInteger(as: UInt16.self) == 0x0102)
        #expect(cursor.readUInt24() == 0x030405)
        #expect(cursor.readInteger(as: UInt8.self) == nil)
    }

    @Test func shortReadsReturnNilAndDoNotConsume() {
        var cursor = ByteCursor([0x00, 0x05, 0xaa])
        #expect(cursor.readLengthPrefixedSlice(as: UInt16.self) == nil)
        #expect(cursor.readableBytes == 3)
        #expect(cursor.readSlice(length: -1) == nil)
        let moved = cursor.moveReaderIndex(forwardBy: 4)
        #expect(!moved)
    }

    @Test func slicesAreIndexedFromTheirOwnStart() {
        let bytes: [UInt8] = [9, 9, 0x00, 0x02, 0xab, 0xcd, 0xef]
        var cursor = ByteCursor(bytes[2...])
        let inner = cursor.readLengthPrefixedSlice(as: UInt16.self)
        #expect(inner.map(Array.init) == [0xab, 0xcd])
        #expect(inner?.startIndex == 4)
        #expect(cursor.readRemaining().map { $0 } == [0xef])
        #expect(cursor.isEmpty)
    }
}

@Suite struct TimestampTests {
    @Test func formatsRFC3339InUTC() {
        #expect(Timestamp(seconds: 0, nanoseconds: 0).rfc3339 == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp(seconds: 1_795_921_924, nanoseconds: 118_000_000).rfc3339 == "2026-11-29T03:12:04.118000Z")
        #expect(Timestamp(seconds: 951_782_400, nanoseconds: 5_000).rfc3339 == "2000-02-29T00:00:00.000005Z")
    }

    @Test func normalizesNanosecondOverflowAndMeasuresMilliseconds() {
        let a = Timestamp(seconds: 10, nanoseconds: 1_500_000_000)
        #expect(a.seconds == 11 && a.nanoseconds == 500_000_000)
        #expect(Timestamp(seconds: 10, nanoseconds: 0).milliseconds(until: a) == 1500)
    }
}
