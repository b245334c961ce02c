// Numbers and skipped values for the fast reader.

/// 10^0 … 10^22: every one is exact in a Double, which makes Clinger's fast path exact.
private let exactPowersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
}

extension JSONByteReader {
    /// A finite JSON number as a Double, correctly rounded like Foundation's. Short numbers are
    /// converted exactly from their digits (Clinger's fast path); longer ones go through the
    /// standard library's correctly rounded parser. Bails on anything out of the JSON grammar, on
    /// overflow and on underflow to zero.
    mutating func number() throws(FastPathBail) -> Double {
        _ = try peek()
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        let integerStart = position
        while position < bytes.count, bytes[position] &- 48 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- 48); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            position += 1
        }
        let integerDigits = position - integerStart
        // JSON: at least one digit, and no leading zero before another digit.
        guard integerDigits > 0, !(integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")) else { throw FastPathBail() }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, bytes[position] &- 48 < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- 48); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                position += 1
            }
            guard position > fractionStart else { throw FastPathBail() }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            var exponentNegative = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            var explicit = 0
            while position < bytes.count, bytes[position] &- 48 < 10 {
                if explicit < 100_000 { explicit = explicit * 10 + Int(bytes[position] &- 48) }
                position += 1
            }
            guard position > exponentStart else { throw FastPathBail() }
            exponent += exponentNegative ? -explicit : explicit
        }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if digits <= 15, exponent >= -22, exponent <= 22 {
            value = exponent >= 0 ? Double(mantissa) * exactPowersOfTen[exponent] : Double(mantissa) / exactPowersOfTen[-exponent]
        } else {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let parsed = Double(text) else { throw FastPathBail() }
            value = parsed.magnitude
            // Underflow to zero and overflow are left to Foundation to judge.
            guard value.isFinite, value != 0 else { throw FastPathBail() }
        }
        return negative ? -value : value
    }

    /// A JSON integer that fits an `Int` for sure (at most 18 digits). A fraction or exponent, even
    /// `1.0`, and `-0` are left to Foundation, whose rules for them are its own.
    mutating func integer() throws(FastPathBail) -> Int {
        _ = try peek()
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        var value = 0
        while position < bytes.count, bytes[position] &- 48 < 10, position - start < 18 {
            value = value * 10 + Int(bytes[position] &- 48)
            position += 1
        }
        let count = position - start
        guard count > 0, !(count > 1 && bytes[start] == UInt8(ascii: "0")), !(negative && value == 0) else { throw FastPathBail() }
        if position < bytes.count {
            let next = bytes[position]
            guard next &- 48 >= 10, next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { throw FastPathBail() }
        }
        return negative ? -value : value
    }

    /// `true` or `false`; anything else (a number, a string) bails.
    mutating func bool() throws(FastPathBail) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw FastPathBail()
        }
    }

    /// Any JSON value as ``JSONValue``'s decoder builds it. Objects with a repeated key bail, so how
    /// Foundation resolves duplicates inside a dictionary is not assumed; so does nesting deeper
    /// than ``maxSkipDepth``.
    mutating func jsonValue(depth: Int = 0) throws(FastPathBail) -> JSONValue {
        guard depth < Self.maxSkipDepth else { throw FastPathBail() }
        switch try peek() {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            try forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
                // Keys are ASCII without escapes here, so equal Strings are equal bytes.
                let value = try reader.jsonValue(depth: depth + 1)
                guard members.updateValue(value, forKey: String(decoding: key, as: UTF8.self)) == nil else { throw FastPathBail() }
            }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            try forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in items.append(try reader.jsonValue(depth: depth + 1)) }
            return .array(items)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return .bool(try bool())
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return .number(try number())
        }
    }

    /// Consumes any JSON value, checking its grammar; bails on escapes, non-ASCII text, depth and
    /// a key repeated in one object.
    mutating func skipValue(depth: Int = 0) throws(FastPathBail) {
        guard depth < Self.maxSkipDepth else { throw FastPathBail() }
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try rawString(allowNonASCII: false)
        case UInt8(ascii: "{"):
            var seen = SeenKeys()
            try forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
                try seen.markUnknown(key)
                try reader.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"):
            try literal("true")
        case UInt8(ascii: "f"):
            try literal("false")
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            _ = try number()
        }
    }

}
