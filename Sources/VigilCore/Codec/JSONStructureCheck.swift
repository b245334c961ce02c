public import Foundation

/// What Foundation's `JSONDecoder` cannot say about JSON, as ``InputError``s naming the field:
/// - a key given twice in one object (it silently keeps one of them, while the upstream system may
///   have meant the other);
/// - a number outside a 64-bit float (`1e400`, `1e-400`) and nesting deeper than the 512 levels it
///   reads, which it reports only as "not valid JSON";
/// - a string that breaks RFC 8259 (an invalid escape such as `\q`, a lone surrogate escape, a raw
///   control character), which it accepts in fields it ignores and reports without a field in
///   the others.
/// Run on the decoder's slow path only (the fast reader bails on all of these); other malformed
/// JSON is left for the decoder to report.
public enum JSONStructureCheck {
    /// The first problem of those above in `payload`, or nil (also for JSON malformed otherwise).
    public static func firstProblem(in payload: Data) -> InputError? {
        payload.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.run()
        }
    }

    private enum Container {
        case object(keys: Set<[UInt8]>, current: String)
        case array(index: Int)
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var stack: [Container] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// Nil when the JSON is fine or malformed (the decoder reports that); the problem otherwise.
        mutating func run() -> InputError? {
            // The value expected next; after a value, a separator or a closing bracket.
            var expectingValue = true
            while true {
                skipWhitespace()
                guard position < bytes.count else { return nil }
                let byte = bytes[position]
                if expectingValue {
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        // Foundation's decoder stops at 512 levels and calls the input "not valid JSON".
                        guard stack.count < Self.maxDepth else {
                            return InputError(.tooLarge, field: path(), "nests arrays and objects more than \(Self.maxDepth) levels deep")
                        }
                        position += 1
                        skipWhitespace()
                        let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                        if position < bytes.count, bytes[position] == closing {
                            position += 1
                            expectingValue = false
                            continue
                        }
                        guard byte == UInt8(ascii: "{") else {
                            stack.append(.array(index: 0))
                            continue
                        }
                        stack.append(.object(keys: [], current: ""))
                        guard let problem = readKey() else { continue }
                        return problem.inputError
                    case UInt8(ascii: "\""):
                        guard skipString() != nil else { return stringProblem.map { malformed($0, field: path()) } }
                        expectingValue = false
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        let start = position
                        while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
                        if !Self.representable(bytes[start..<position]) {
                            return InputError(.invalidValue, field: path(),
                                              "is \(String(decoding: bytes[start..<min(position, start + 40)], as: UTF8.self)), outside the range of a 64-bit float")
                        }
                        expectingValue = false
                    default:
                        // true, false, null (or garbage, which the decoder reports).
                        while position < bytes.count, bytes[position] >= UInt8(ascii: "a"), bytes[position] <= UInt8(ascii: "z") { position += 1 }
                        expectingValue = false
                    }
                    continue
                }
                // After a value.
                guard var top = stack.popLast() else { return nil }
                switch (byte, top) {
                case (UInt8(ascii: ","), .object):
                    position += 1
                    stack.append(top)
                    guard let problem = readKey() else {
                        expectingValue = true
                        continue
                    }
                    return problem.inputError
                case (UInt8(ascii: ","), .array(let index)):
                    position += 1
                    top = .array(index: index + 1)
                    stack.append(top)
                    expectingValue = true
                case (UInt8(ascii: "}"), .object), (UInt8(ascii: "]"), .array):
                    position += 1
                default:
                    return nil
                }
            }
        }

        /// Reads `"key":` into the object on top of the stack. Nil when read; otherwise whether the
        /// JSON is malformed (left to the decoder) or the key is a problem to name (a duplicate, or
        /// a string that breaks RFC 8259).
        private mutating func readKey() -> KeyProblem? {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return .malformed }
            guard let key = skipString() else {
                guard let problem = stringProblem else { return .malformed }
                // Named by the object that holds the key, not by the key before it.
                if case .object(let keys, _) = stack.popLast() { stack.append(.object(keys: keys, current: "")) }
                var field = path()
                if field.hasSuffix(".") { field.removeLast() }
                return .error(malformed("a key " + problem, field: field))
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":"), case .object(var keys, _) = stack.removeLast() else { return .malformed }
            position += 1
            let name = Self.text(ofKey: key)
            let fresh = keys.insert(Array(name.utf8)).inserted
            stack.append(.object(keys: keys, current: name))
            return fresh ? nil : .error(InputError(.invalidValue, field: path(), "is given twice in the same object; a key may appear once"))
        }

        /// Why a key could not be read: JSON the decoder reports itself, or a problem to name.
        private enum KeyProblem {
            case malformed
            case error(InputError)

            var inputError: InputError? {
                if case .error(let error) = self { return error }
                return nil
            }
        }

        private func malformed(_ problem: String, field: String) -> InputError {
            InputError(.malformedJSON, field: field, problem)
        }

        static let loneSurrogate = "has a lone UTF-16 surrogate escape (\\uD800–\\uDBFF must be followed by \\uDC00–\\uDFFF)"

        /// Set when ``skipString()`` stops at something RFC 8259 does not allow in a string.
        private var stringProblem: String?

        /// The raw bytes inside a string's quotes, moving past its closing quote; nil if it is
        /// unterminated or breaks the string grammar (then ``stringProblem`` says how). Foundation
        /// checks escapes only in the strings it decodes, so without this an invalid escape in an
        /// ignored field would be accepted, or refused without a field name when it is in a read one.
        private mutating func skipString() -> ArraySlice<UInt8>? {
            stringProblem = nil
            let start = position + 1
            position += 1
            var pendingHighSurrogate = false
            while position < bytes.count {
                let byte = bytes[position]
                if pendingHighSurrogate, byte != UInt8(ascii: "\\") {
                    stringProblem = Self.loneSurrogate
                    return nil
                }
                switch byte {
                case UInt8(ascii: "\\"):
                    guard position + 1 < bytes.count else { return nil }
                    let escaped = bytes[position + 1]
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        if pendingHighSurrogate {
                            stringProblem = Self.loneSurrogate
                            return nil
                        }
                        position += 2
                    case UInt8(ascii: "u"):
                        guard let unit = hexUnit(at: position + 2) else {
                            stringProblem = "has a \\u escape without four hexadecimal digits"
                            return nil
                        }
                        let isLow = (0xDC00...0xDFFF).contains(unit)
                        guard pendingHighSurrogate == isLow else {
                            stringProblem = Self.loneSurrogate
                            return nil
                        }
                        pendingHighSurrogate = (0xD800...0xDBFF).contains(unit)
                        position += 6
                    default:
                        let shown = escaped >= 0x21 && escaped < 0x7F ? String(UnicodeScalar(escaped)) : String(format: "0x%02X", escaped)
                        stringProblem = "has an invalid escape \\\(shown) (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
                        return nil
                    }
                case UInt8(ascii: "\""):
                    defer { position += 1 }
                    return Array(bytes[start..<position])[...]
                case 0..<0x20:
                    stringProblem = String(format: "has an unescaped control character 0x%02X in a string (write it as \\u%04X)", byte, byte)
                    return nil
                default: position += 1
                }
            }
            return nil
        }

        /// The UTF-16 unit of four hexadecimal digits at `offset`, or nil.
        private func hexUnit(at offset: Int) -> UInt16? {
            guard offset + 4 <= bytes.count else { return nil }
            var unit: UInt16 = 0
            for byte in bytes[offset..<offset + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                unit = unit << 4 | UInt16(digit)
            }
            return unit
        }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        /// The path of the value being read, in the decoder's form (`decision.orders[0].quantity`).
        private func path() -> String {
            var out = ""
            for container in stack {
                switch container {
                case .object(_, let current):
                    if !out.isEmpty { out += "." }
                    out += current
                case .array(let index):
                    out += "[\(index)]"
                }
            }
            return out
        }

        /// The deepest nesting Foundation's JSON decoder reads.
        static let maxDepth = 512

        static func isNumberByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }

        /// Whether a number literal fits a Double: finite, and not a non-zero value that underflows to 0.
        static func representable(_ literal: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
            guard let value = Double(String(decoding: literal, as: UTF8.self)) else { return true }  // malformed: the decoder reports it
            guard value.isFinite else { return false }
            if value == 0 {
                let mantissa = literal.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
                return !mantissa.contains { (UInt8(ascii: "1")...UInt8(ascii: "9")).contains($0) }
            }
            return true
        }

        /// A key's text: its bytes, with escapes resolved through Foundation when it has any.
        static func text(ofKey raw: ArraySlice<UInt8>) -> String {
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
            let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
            return (try? JSONDecoder().decode(String.self, from: quoted)) ?? String(decoding: raw, as: UTF8.self)
        }
    }
}
