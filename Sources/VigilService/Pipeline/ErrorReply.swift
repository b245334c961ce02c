import VigilCore

/// The body of an error reply (request-reply and REST): `{"error":{"code","field","message"}}`.
struct ErrorReply: Encodable, Sendable {
    struct Body: Encodable, Sendable {
        var code: String
        var field: String?
        var message: String
    }

    var error: Body

    init(_ input: InputError) {
        error = Body(code: input.code.rawValue, field: input.field.isEmpty ? nil : input.field, message: input.message)
    }

    init(code: String, message: String) {
        error = Body(code: code, field: nil, message: message)
    }
}
