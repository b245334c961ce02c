import Hummingbird
import VigilCore
import VigilPostgres

/// A failure answered with a status and the JSON error body shared with request-reply:
/// `{"error":{"code","field","message"}}`. `field` names the offending body field, query
/// parameter or header so a client can fix its request without reading logs.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var reply: ErrorReply

    init(_ status: HTTPResponse.Status, code: String, field: String? = nil, _ message: String) {
        self.status = status
        self.reply = ErrorReply(code: code, message: message)
        self.reply.error.field = field
    }

    init(_ status: HTTPResponse.Status, _ input: InputError) {
        self.status = status
        self.reply = ErrorReply(input)
    }

    init(_ status: HTTPResponse.Status, _ policy: PolicyError) {
        self.init(status, code: "invalid_policy", field: policy.field.isEmpty ? nil : policy.field, policy.description)
    }

    /// A query parameter or path value that cannot be used.
    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", field: name, message)
    }

    /// A value of the request the database refuses to store (a NUL character, a year it has no
    /// room for): the client's error, which retrying will not mend.
    static func refusedValue(_ error: PostgresError) -> APIError {
        APIError(.badRequest, code: "invalid_value", "the database cannot store a value of this request: \(error.messageWithState)")
    }

    /// A server the request needs did not answer; the client may retry.
    static func unavailable(_ what: String) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", "\(what) is unavailable; retry")
    }

    var response: Response { APIResponse.json(status, reply) }
}
