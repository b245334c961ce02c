import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// GET /api/v1/violations: filters `decision_id`, `policy_name`, `severity`, `since`, `until`
    /// (RFC 3339 with a zone), `limit` (1-1000, default 100) and `cursor` (from `next_cursor`).
    func listViolations(_ request: Request) async throws -> Response {
        let filter = try Self.violationFilter(request.uri.queryParameters)
        return APIResponse.json(.ok, try await withDatabase { try ViolationQueries().page(filter, on: $0) })
    }

    static let violationParameters: Set<String> = ["decision_id", "policy_name", "severity", "since", "until", "limit", "cursor"]

    static func violationFilter(_ query: Parameters) throws(APIError) -> ViolationFilter {
        var filter = ViolationFilter()
        for (key, _) in query where !violationParameters.contains(String(key)) {
            throw APIError.badParameter(String(key), "is not a filter; filters: \(violationParameters.sorted().joined(separator: ", "))")
        }
        func text(_ name: String) throws(APIError) -> String? {
            // Hummingbird has already percent-decoded query values.
            guard let value = query.get(name) else { return nil }
            guard !value.isEmpty, value.count <= 100 else { throw APIError.badParameter(name, "must be 1 to 100 characters") }
            return value
        }
        func time(_ name: String) throws(APIError) -> Date? {
            guard let value = try text(name) else { return nil }
            // RFC3339.parse requires the zone: a bare local time would mean different instants on different hosts.
            guard let date = RFC3339.parse(value) else {
                throw APIError.badParameter(name, "must be an RFC 3339 time with a zone, e.g. 2025-06-21T10:00:00Z")
            }
            return date
        }
        filter.decisionID = try text("decision_id")
        filter.policyName = try text("policy_name")
        if let value = try text("severity") {
            guard let severity = Severity(text: value) else { throw APIError.badParameter("severity", "must be one of CRITICAL, HIGH, MEDIUM, LOW") }
            filter.severity = severity
        }
        filter.since = try time("since")
        filter.until = try time("until")
        if let value = try text("limit") {
            guard let limit = Int(value), (1...1000).contains(limit) else { throw APIError.badParameter("limit", "must be an integer from 1 to 1000") }
            filter.limit = limit
        }
        if let value = try text("cursor") {
            guard let cursor = ViolationCursor(token: value) else { throw APIError.badParameter("cursor", "is not a cursor returned as next_cursor") }
            filter.cursor = cursor
        }
        return filter
    }
}
