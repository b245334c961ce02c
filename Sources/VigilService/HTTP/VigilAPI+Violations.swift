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
        let reader = try FilterQuery(query, allowed: violationParameters)
        var filter = ViolationFilter()
        filter.decisionID = try reader.text("decision_id")
        filter.policyName = try reader.text("policy_name")
        filter.severity = try reader.severity()
        (filter.since, filter.until) = try reader.timeRange()
        if let limit = try reader.limit() { filter.limit = limit }
        filter.cursor = try reader.cursor()
        return filter
    }
}
