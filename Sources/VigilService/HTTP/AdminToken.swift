import Hummingbird

/// Guards admin endpoints with `Authorization: Bearer <token>` (`http.admin_token`). Without a
/// configured token admin endpoints are disabled (403), rather than open.
struct AdminToken: Sendable {
    private let expected: [UInt8]?

    init(_ token: String?) {
        expected = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// Throws 403 when admin is disabled, 401 when the header is missing or the token is wrong.
    func authorize(_ request: Request) throws(APIError) {
        guard let expected else {
            throw APIError(.forbidden, code: "admin_disabled", field: "http.admin_token",
                           "admin endpoints are disabled: set http.admin_token (VIGIL_ADMIN_TOKEN) to enable them")
        }
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, code: "unauthorized", field: "Authorization", "an admin token is required: Authorization: Bearer <token>")
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix.lowercased(),
              Self.equalInConstantTime(Array(header.utf8.dropFirst(prefix.utf8.count)), expected) else {
            throw APIError(.unauthorized, code: "unauthorized", field: "Authorization", "the admin token is not valid")
        }
    }

    /// Compares without an early exit, so response timing does not reveal how much of a guess
    /// matched. Only the length can leak, which a fixed-length random token makes useless.
    static func equalInConstantTime(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            let byte = index < given.count ? given[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
