/// The fast reader met something it does not handle; the caller decodes with Foundation instead,
/// which then accepts the input or names the error. Carries nothing, so bailing out is cheap.
struct FastPathBail: Error {}

/// A strict JSON scanner over UTF-8 bytes for the fast input path. It accepts only plain RFC 8259
/// JSON and bails out (``FastPathBail``) on anything unusual — escapes, non-ASCII outside valid
/// UTF-8, deep nesting, numbers that are not finite — so that whatever it does accept, Foundation's
/// `JSONDecoder` accepts too with the same value. It never decides an error itself.
struct JSONByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    /// Unknown values nested deeper than this are left to Foundation (which limits depth itself).
    static let maxSkipDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-whitespace byte, not consumed.
    @inline(__always) mutating func peek() throws(FastPathBail) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw FastPathBail() }
        return bytes[position]
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(FastPathBail) {
        guard try peek() == byte else { throw FastPathBail() }
        position += 1
    }

    /// Consumes `null` if it comes next.
    mutating func consumeNull() throws(FastPathBail) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ text: StaticString) throws(FastPathBail) {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw FastPathBail() }
        let expected = text.utf8Start
        for offset in 0..<count where bytes[position + offset] != expected[offset] { throw FastPathBail() }
        position += count
    }

    /// Walks an object: calls `body` with each key's bytes, positioned at its value, which `body`
    /// must consume (read or ``skipValue()``).
    mutating func forEachMember(_ body: (inout JSONByteReader, UnsafeBufferPointer<UInt8>) throws(FastPathBail) -> Void) throws(FastPathBail) {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            let key = try rawString(allowNonASCII: false)
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw FastPathBail() }
        }
    }

    /// Walks an array, calling `body` positioned at each element, which it must consume.
    mutating func forEachElement(_ body: (inout JSONByteReader) throws(FastPathBail) -> Void) throws(FastPathBail) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") { position += 1; return }
        while true {
            try body(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw FastPathBail() }
        }
    }

    /// The bytes of a string without escapes or control characters (bails otherwise). Non-ASCII
    /// bytes are allowed only when asked; the caller then validates them as UTF-8.
    mutating func rawString(allowNonASCII: Bool) throws(FastPathBail) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\"), byte < 0x80 || allowNonASCII else { throw FastPathBail() }
            position += 1
        }
        throw FastPathBail()
    }

    /// A string value (valid UTF-8, no escapes).
    mutating func string() throws(FastPathBail) -> String {
        let raw = try rawString(allowNonASCII: true)
        var ascii = true
        for byte in raw where byte >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else { throw FastPathBail() }
        return text
    }

    /// A string value or null.
    mutating func optionalString() throws(FastPathBail) -> String? {
        try consumeNull() ? nil : try string()
    }

    /// An array of strings, or null.
    mutating func optionalStrings() throws(FastPathBail) -> [String]? {
        if try consumeNull() { return nil }
        var values: [String] = []
        try forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in values.append(try reader.string()) }
        return values
    }
}
