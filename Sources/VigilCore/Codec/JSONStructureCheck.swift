public import Foundation

/// What Foundation's `JSONDecoder` cannot say about well-formed JSON: a key given twice in one
/// object (it silently keeps one of them, while the upstream system may have meant the other), a
/// number outside a 64-bit float (`1e400`, `1e-400`), and nesting deeper than the 512 levels it
/// reads, both of which it reports only as "not valid JSON". Both come back as ``InputError``s naming the field. Run on the decoder's slow path only
/// (the fast reader refuses both itself); malformed JSON is left for the decoder to report.
public enum JSONStructureCheck {
    /// The first duplicate key or unrepresentable number in `payload`, or nil.
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
                        return problem.isEmpty ? nil : duplicate(problem)
                    case UInt8(ascii: "\""):
                        guard skipString() != nil else { return nil }
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
                    return problem.isEmpty ? nil : duplicate(problem)
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

        /// Reads `"key":` into the object on top of the stack. Nil when read; the key's text when it
        /// is a duplicate; an empty string when the JSON is malformed.
        private mutating func readKey() -> String? {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = skipString() else { return "" }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":"), case .object(var keys, _) = stack.removeLast() else { return "" }
            position += 1
            let name = Self.text(ofKey: key)
            let fresh = keys.insert(Array(name.utf8)).inserted
            stack.append(.object(keys: keys, current: name))
            return fresh ? nil : (name.isEmpty ? "\"\"" : name)
        }

        private func duplicate(_ key: String) -> InputError {
            InputError(.invalidValue, field: path(), "is given twice in the same object; a key may appear once")
        }

        /// The raw bytes inside a string's quotes, moving past its closing quote; nil if unterminated.
        private mutating func skipString() -> ArraySlice<UInt8>? {
            let start = position + 1
            position += 1
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\\"): position += 2
                case UInt8(ascii: "\""):
                    defer { position += 1 }
                    return Array(bytes[start..<position])[...]
                default: position += 1
                }
            }
            return nil
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
