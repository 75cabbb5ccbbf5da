// JSON written member by member, with the layout `JSONWriter.write` gives the same value as a tree: for the
// report's root, whose connections are written one at a time, and for each connection, whose tree would cost
// more to build and free than its text costs to write.

extension JSONWriter {
    /// An object laid out one member per line (pretty) or inline (compact): `{`, then `member` for each,
    /// then `closeObject`. Only for objects that hold an array or object (those never fit on one line).
    mutating func openObject() {
        stream.append(byte: UInt8(ascii: "{"))
    }

    /// A member's key; `indent` is the member's level (the object's plus one). Inlined, as `key` is: a
    /// connection writes some forty keys and each of its rows five.
    @inline(__always)
    mutating func member(_ key: StaticString, indent: Int, first: Bool = false) {
        if pretty {
            newline(indent, comma: !first)
        } else if !first {
            self.key(key, after: ",")
            return
        }
        self.key(key, after: "")
    }

    mutating func closeObject(indent: Int) {
        if pretty { newline(indent, comma: false) }
        stream.append(byte: UInt8(ascii: "}"))
    }

    /// `object`'s members, at `indent`, in an object opened with `openObject`.
    mutating func members(_ object: JSONObject, indent: Int, first: Bool) {
        for (index, member) in object.members.enumerated() {
            if pretty {
                newline(indent, comma: !first || index > 0)
            } else if !first || index > 0 {
                stream.append(byte: UInt8(ascii: ","))
            }
            writeString(member.key)
            colon()
            write(member.value, indent: indent)
        }
    }

    /// An array of `count` objects that hold arrays or objects (connections, certificates), or of flat objects
    /// written inline (handshake rows): one per line when pretty. `element` writes the one at an index and
    /// returns false to stop early (the output went away).
    mutating func array(count: Int, indent: Int, element: (inout JSONWriter, Int) -> Bool) {
        guard count > 0 else { ascii("[]"); return }
        stream.append(byte: UInt8(ascii: "["))
        for index in 0..<count {
            if pretty {
                newline(indent + 1, comma: index > 0)
            } else if index > 0 {
                stream.append(byte: UInt8(ascii: ","))
            }
            guard element(&self, index) else { return }
        }
        if pretty { newline(indent, comma: false) }
        stream.append(byte: UInt8(ascii: "]"))
    }

    /// An array of strings: on one line when short, else one per line.
    mutating func stringArray(_ strings: some Collection<String>, indent: Int) {
        guard !strings.isEmpty else { ascii("[]"); return }
        if !pretty || Self.fitsOnOneLine(strings.lazy.map(JSONValue.string), keyBytes: 0, budget: 72) {
            stream.append(byte: UInt8(ascii: "["))
            for (index, text) in strings.enumerated() {
                if index > 0 { comma() }
                writeString(text)
            }
            stream.append(byte: UInt8(ascii: "]"))
            return
        }
        stream.append(byte: UInt8(ascii: "["))
        for (index, text) in strings.enumerated() {
            newline(indent + 1, comma: index > 0)
            writeString(text)
        }
        newline(indent, comma: false)
        stream.append(byte: UInt8(ascii: "]"))
    }

    /// An object of scalars: on one line when short, else one member per line.
    mutating func scalarObject(_ members: KeyValuePairs<StaticString, JSONValue>, indent: Int) {
        let keyBytes = members.reduce(0) { $0 + $1.key.utf8CodeUnitCount + 4 }
        let inline = !pretty || Self.fitsOnOneLine(members.lazy.map(\.value), keyBytes: keyBytes, budget: 72)
        stream.append(byte: UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if inline {
                if index > 0 { comma() }
            } else {
                newline(indent + 1, comma: index > 0)
            }
            key(member.key, after: "")
            write(member.value, indent: indent + 1)
        }
        if !inline { newline(indent, comma: false) }
        stream.append(byte: UInt8(ascii: "}"))
    }

    /// A member of an object written on one line (a row of an array), with `openObject` and `closeRow`.
    @inline(__always)
    mutating func rowMember(_ key: StaticString, first: Bool = false) {
        // Each branch a literal, so that the separator's length is known where it is stored.
        if first {
            self.key(key, after: "")
        } else if pretty {
            self.key(key, after: ", ")
        } else {
            self.key(key, after: ",")
        }
    }

    mutating func closeRow() {
        stream.append(byte: UInt8(ascii: "}"))
    }

    /// `separator` then `"key": ` (pretty) or `"key":`, in room reserved once; the key is ASCII that JSON needs
    /// no escape for. Inlined: the key and separator are then literals where they are written, and their bytes
    /// are stored in place (a connection writes some forty keys and each of its rows five).
    @inline(__always)
    private mutating func key(_ key: StaticString, after separator: StaticString) {
        let pretty = pretty
        stream.append(upTo: separator.utf8CodeUnitCount + key.utf8CodeUnitCount + 4) { room in
            var bytes = ByteText.Digits(buffer: room)
            bytes.put(separator)
            bytes.put(UInt8(ascii: "\""))
            bytes.put(key)
            if pretty { bytes.put("\": ") } else { bytes.put("\":") }
            return bytes.count
        }
    }
}
