public import Foundation

/// U+0000 in input text. JSON can carry it only as the escape `\u0000`, and neither PostgreSQL's
/// `text` nor its `jsonb` can store it: an input holding one would decode, be judged, and then
/// fail its whole batch at the commit. Inputs are refused with it instead, naming the field.
public enum NULCharacter {
    /// Whether `payload` holds the escape `\u0000` (and not an escaped backslash before `u0000`).
    public static func isEscaped(in payload: Data) -> Bool {
        payload.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= 6 else { return false }
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                // An escape: `\\` is a backslash, whatever follows; `\u0000` is the NUL.
                guard index + 1 < bytes.count else { return false }
                if bytes[index + 1] == UInt8(ascii: "u"), index + 5 < bytes.count,
                   bytes[(index + 2)...(index + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return true
                }
                index += 2
            }
            return false
        }
    }

    /// The error for a payload that holds the escape: the path of the first key or string with
    /// U+0000 (`decision.strategy`, `orders[2].symbol`), found by decoding it as plain JSON.
    public static func inputError(for payload: Data) -> InputError {
        let path = (try? JSONDecoder().decode(JSONValue.self, from: payload)).flatMap { self.path(in: $0, at: "") }
        return InputError(.invalidValue, field: path ?? "",
                          "must not contain a NUL character (\\u0000): it cannot be stored")
    }

    /// The path of the first key or string in `value` that holds U+0000.
    static func path(in value: JSONValue, at prefix: String) -> String? {
        switch value {
        case .string(let text):
            return text.utf8.contains(0) ? prefix : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = path(in: item, at: "\(prefix)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let field = prefix.isEmpty ? key : "\(prefix).\(key)"
                if key.utf8.contains(0) { return field }
                if let found = path(in: member, at: field) { return found }
            }
            return nil
        case .null, .bool, .number:
            return nil
        }
    }
}
