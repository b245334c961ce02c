/// Why an input could not be processed. The message names the field and is safe to log: it never
/// contains the payload itself beyond short excerpts of offending values.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Machine-readable reasons, used as metric labels and in DLQ events.
    public enum Code: String, Sendable, Codable {
        /// The bytes are not JSON.
        case malformedJSON = "malformed_json"
        /// A field is missing.
        case missingField = "missing_field"
        /// A field has the wrong JSON type.
        case wrongType = "wrong_type"
        /// A field has a value outside what is allowed.
        case invalidValue = "invalid_value"
        /// The payload exceeds the configured size limit.
        case tooLarge = "too_large"
        /// A CloudEvents envelope that Vigil cannot unwrap.
        case unsupportedEnvelope = "unsupported_envelope"
        /// The decision names no portfolio state and none is stored.
        case missingPortfolioState = "missing_portfolio_state"
        /// The input was read, but PostgreSQL refuses to store its effects for a reason in the data
        /// (a value too long or out of range, a NOT NULL or CHECK constraint), on its own as well
        /// as in its batch: it is set aside so the inputs batched with it are not held back.
        case rejectedByDatabase = "rejected_by_database"
    }

    /// The reason.
    public var code: Code
    /// Dotted path of the offending field (`decision.orders[0].quantity`), empty for the whole input.
    public var field: String
    /// What is wrong, in words.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, field: String = "", _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(code.rawValue): \(message)" : "\(code.rawValue): field `\(field)`: \(message)"
    }
}
