import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// Registers the feature-contract and PIT-violation routes.
    func registerPIT(on api: RouterGroup<BasicRequestContext>) {
        api.get("contracts") { _, _ in APIResponse.json(.ok, try await withDatabase { try FeatureContractRepository().list(on: $0) }) }
        api.get("contracts/:feature") { _, context in try await getContract(try Self.feature(context)) }
        api.put("contracts/:feature") { request, context in try await putContract(try Self.feature(context), request) }
        api.delete("contracts/:feature") { request, context in try await deleteContract(try Self.feature(context), request) }
        api.get("pit/violations") { request, _ in
            let filter = try Self.pitFilter(request.uri.queryParameters)
            return APIResponse.json(.ok, try await withDatabase { try PITViolationQueries().page(filter, on: $0) })
        }
    }

    /// GET /api/v1/contracts/{feature}.
    func getContract(_ feature: String) async throws -> Response {
        guard let contract = try await withDatabase({ try FeatureContractRepository().get(feature, on: $0) }) else {
            throw Self.contractNotFound(feature)
        }
        return APIResponse.json(.ok, contract)
    }

    /// PUT /api/v1/contracts/{feature} (admin): validates, then stores; 201 when new. The body's
    /// `feature_name` may be left out; when given it must match the path.
    func putContract(_ feature: String, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        guard case .object(var fields)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError(.badRequest, code: "malformed_json", "the body is not a JSON object")
        }
        if let named = fields["feature_name"], named != .string(feature) {
            throw APIError(.badRequest, code: "invalid_value", field: "feature_name", "must match the path ('\(feature.prefix(100))')")
        }
        fields["feature_name"] = .string(feature)
        let contract: FeatureContract
        do {
            contract = try InputDecoder().decode(FeatureContract.self, from: try OutputEncoder().encode(JSONValue.object(fields)))
        } catch let error as InputError {
            throw APIError(.badRequest, error)
        }
        let stored = try await withDatabase { connection in
            let created = try FeatureContractRepository().upsert([contract], on: connection)[feature] ?? false
            return (created, try FeatureContractRepository().get(feature, on: connection))
        }
        guard let saved = stored.1 else { throw APIError.unavailable("the contract database") }
        return APIResponse.json(stored.0 ? .created : .ok, saved)
    }

    /// DELETE /api/v1/contracts/{feature} (admin): 204, or 404 when there was none.
    func deleteContract(_ feature: String, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        guard try await withDatabase({ try FeatureContractRepository().delete(feature, on: $0) }) else {
            throw Self.contractNotFound(feature)
        }
        return APIResponse.empty(.noContent)
    }

    static func contractNotFound(_ feature: String) -> APIError {
        APIError(.notFound, code: "not_found", field: "feature", "no contract for feature '\(feature.prefix(100))'")
    }

    private static func feature(_ context: BasicRequestContext) throws(APIError) -> String {
        try PathParameter.value(context, "feature", maxLength: 100)
    }

    static let pitParameters: Set<String> = ["service_name", "feature_name", "entity_id", "violation_type", "severity", "since",
                                             "until", "limit", "cursor"]

    static func pitFilter(_ query: Parameters) throws(APIError) -> PITViolationFilter {
        let reader = try FilterQuery(query, allowed: pitParameters)
        var filter = PITViolationFilter()
        filter.serviceName = try reader.text("service_name")
        filter.featureName = try reader.text("feature_name")
        filter.entityID = try reader.text("entity_id")
        filter.violationType = try reader.text("violation_type")
        filter.severity = try reader.severity()
        (filter.since, filter.until) = try reader.timeRange()
        if let limit = try reader.limit() { filter.limit = limit }
        filter.cursor = try reader.cursor()
        return filter
    }
}
