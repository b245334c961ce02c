import Foundation

/// How a matcher compares a field with its value (Alertmanager's four operators).
public enum MatchOperator: String, Sendable, Codable, CaseIterable {
    /// Equal.
    case equal = "="
    /// Not equal.
    case notEqual = "!="
    /// The whole field matches the regular expression.
    case regex = "=~"
    /// The whole field does not match the regular expression.
    case notRegex = "!~"
}

/// One condition of a suppression window on an alert field. As in Alertmanager, a missing field
/// reads as the empty string and regular expressions are anchored at both ends (full match), so
/// `feature=~"price"` does not match `price_lag`.
public struct AlertMatcher: Sendable, Codable, Equatable {
    /// The field (`severity`, `source`, `dedup_key`, `title` or a label).
    public let name: String
    /// The comparison.
    public let op: MatchOperator
    /// The value or regular expression.
    public let value: String
    // NSRegularExpression is immutable and documented thread-safe.
    private let compiled: NSRegularExpression?

    /// Creates a matcher; a regular expression that does not compile is refused here, at
    /// creation, with an error naming `value`.
    public init(name: String, op: MatchOperator, value: String) throws(AlertingError) {
        guard !name.isEmpty else { throw AlertingError(field: "name", "must not be empty") }
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual:
            compiled = nil
        case .regex, .notRegex:
            do {
                compiled = try NSRegularExpression(pattern: "\\A(?:\(value))\\z")
            } catch {
                throw AlertingError(field: "value", "invalid regular expression '\(value.prefix(80))' for \(name)\(op.rawValue)")
            }
        }
    }

    /// Whether `fields` satisfy the matcher (a missing field is `""`).
    public func matches(_ fields: [String: String]) -> Bool {
        let field = fields[name] ?? ""
        switch op {
        case .equal: return field == value
        case .notEqual: return field != value
        case .regex: return fullMatch(field)
        case .notRegex: return !fullMatch(field)
        }
    }

    private func fullMatch(_ text: String) -> Bool {
        guard let compiled else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return compiled.firstMatch(in: text, options: [], range: range) != nil
    }

    /// Parses `name=value`, `name!=value`, `name=~regex` or `name!~regex` (CLI form).
    public init(parsing text: String) throws(AlertingError) {
        for op in [MatchOperator.notRegex, .regex, .notEqual, .equal] {
            if let range = text.range(of: op.rawValue) {
                let name = String(text[..<range.lowerBound])
                // `!=` also contains `=`: take the operator that starts earliest, longest first.
                if op == .equal, name.hasSuffix("!") { continue }
                try self.init(name: name, op: op, value: String(text[range.upperBound...]))
                return
            }
        }
        throw AlertingError(field: "matcher", "'\(text.prefix(80))' has no operator (=, !=, =~, !~)")
    }

    enum CodingKeys: String, CodingKey { case name, op, value }

    /// Decodes and compiles; a bad regular expression fails decoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(name: container.decode(String.self, forKey: .name),
                      op: container.decode(MatchOperator.self, forKey: .op),
                      value: container.decode(String.self, forKey: .value))
    }

    /// Encodes name, op and value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(op, forKey: .op)
        try container.encode(value, forKey: .value)
    }

    public static func == (lhs: AlertMatcher, rhs: AlertMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }
}
