import Foundation
import Hummingbird
import VigilCore

/// Reads the query parameters of a violation-log listing: refuses unknown keys, and turns each
/// value into text (1–100 characters), an RFC 3339 time with a zone, a severity, a limit (1–1000)
/// or a keyset cursor, with an error naming the parameter.
struct FilterQuery {
    let query: Parameters

    /// Throws for the first key that is not in `allowed`.
    init(_ query: Parameters, allowed: Set<String>) throws(APIError) {
        for (key, _) in query where !allowed.contains(String(key)) {
            throw APIError.badParameter(String(key), "is not a filter; filters: \(allowed.sorted().joined(separator: ", "))")
        }
        self.query = query
    }

    func text(_ name: String) throws(APIError) -> String? {
        // Hummingbird has already percent-decoded query values.
        guard let value = query.get(name) else { return nil }
        guard !value.isEmpty, value.count <= 100 else { throw APIError.badParameter(name, "must be 1 to 100 characters") }
        try PathParameter.refuseControlCharacters(value, name)
        return value
    }

    func time(_ name: String) throws(APIError) -> Date? {
        guard let value = try text(name) else { return nil }
        // RFC3339.parse requires the zone: a bare local time would mean different instants on different hosts.
        guard let date = RFC3339.parse(value) else {
            throw APIError.badParameter(name, "must be \(RFC3339.expectation)")
        }
        return date
    }

    /// `since` and `until`; `until` must be later than `since` when both are given (an empty range
    /// is a mistake in the request, not an empty answer).
    func timeRange() throws(APIError) -> (since: Date?, until: Date?) {
        let since = try time("since"), until = try time("until")
        if let since, let until, until <= since {
            throw APIError.badParameter("until", "must be later than since (\(RFC3339.format(since)))")
        }
        return (since, until)
    }

    func severity(_ name: String = "severity") throws(APIError) -> Severity? {
        guard let value = try text(name) else { return nil }
        guard let severity = Severity(text: value) else { throw APIError.badParameter(name, "must be one of CRITICAL, HIGH, MEDIUM, LOW") }
        return severity
    }

    func limit(_ name: String = "limit") throws(APIError) -> Int? {
        guard let value = try text(name) else { return nil }
        guard let limit = Int(value), (1...1000).contains(limit) else { throw APIError.badParameter(name, "must be an integer from 1 to 1000") }
        return limit
    }

    func cursor(_ name: String = "cursor") throws(APIError) -> ViolationCursor? {
        guard let value = try text(name) else { return nil }
        guard let cursor = ViolationCursor(token: value) else { throw APIError.badParameter(name, "is not a cursor returned as next_cursor") }
        return cursor
    }
}

/// A value from the request path (`/policies/{name}`): percent-decoded, 1 to `maxLength`
/// characters, without control characters (a NUL could not even be looked up in PostgreSQL).
enum PathParameter {
    static func value(_ context: BasicRequestContext, _ name: String, maxLength: Int) throws(APIError) -> String {
        guard let raw = context.parameters.get(name) else { throw APIError.badParameter(name, "is required") }
        // The router hands over the raw segment; `%FF` and other escapes that are not UTF-8 are
        // refused rather than kept as literal text (a policy named "%FF" was stored that way).
        guard let value = raw.removingPercentEncoding else { throw APIError.badParameter(name, "is not valid percent-encoded UTF-8") }
        guard !value.isEmpty, value.count <= maxLength else { throw APIError.badParameter(name, "must be 1 to \(maxLength) characters") }
        try refuseControlCharacters(value, name)
        return value
    }

    static func refuseControlCharacters(_ value: String, _ name: String) throws(APIError) {
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw APIError.badParameter(name, "must not contain control characters")
        }
    }
}
