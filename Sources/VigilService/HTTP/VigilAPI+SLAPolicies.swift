import Foundation
import Hummingbird
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// Registers `GET /sla/policies`, `GET /sla/policies/{severity}` and `PUT /sla/policies/{severity}`.
    func registerSLAPolicies(on api: RouterGroup<BasicRequestContext>) {
        api.get("sla/policies") { _, _ in
            APIResponse.json(.ok, SLAPolicyView.all(try await withDatabase { try SLAPolicyRepository().load(on: $0) }))
        }
        api.get("sla/policies/:severity") { _, context in try await getSLAPolicy(try Self.severity(context)) }
        api.put("sla/policies/:severity") { request, context in try await putSLAPolicy(try Self.severity(context), request) }
    }

    /// GET /api/v1/sla/policies/{severity}: the policy in force (the stored row, else the default).
    func getSLAPolicy(_ severity: Severity) async throws -> Response {
        let policies = try await withDatabase { try SLAPolicyRepository().load(on: $0) }
        guard let policy = policies[severity] ?? SLAPolicy.defaults[severity] else { throw APIError.unavailable("the policy database") }
        return APIResponse.json(.ok, SLAPolicyView(policy))
    }

    /// PUT /api/v1/sla/policies/{severity} (admin): validates the whole body first, then stores it;
    /// the table's trigger makes every running instance reload. Always 200: every severity has a
    /// policy (the default until one is stored), so a PUT replaces rather than creates.
    func putSLAPolicy(_ severity: Severity, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError(.badRequest, code: "malformed_json", "the body is not JSON")
        }
        let policy: SLAPolicy
        do {
            policy = try SLAPolicyInput.policy(value, severity: severity)
        } catch {
            throw APIError(.badRequest, code: "invalid_sla_policy", field: error.field.isEmpty ? nil : error.field, error.description)
        }
        let stored = try await withDatabase { connection in
            try SLAPolicyRepository().upsert([policy], on: connection)
            return try SLAPolicyRepository().load(on: connection)[severity]
        }
        guard let stored else { throw APIError.unavailable("the policy database") }
        return APIResponse.json(.ok, SLAPolicyView(stored))
    }

    /// The `{severity}` path value: P0…P3 or CRITICAL, HIGH, MEDIUM, LOW in any case; else 404.
    private static func severity(_ context: BasicRequestContext) throws(APIError) -> Severity {
        let raw = context.parameters.get("severity") ?? ""
        guard let severity = Severity(text: raw.removingPercentEncoding ?? raw) else {
            throw APIError(.notFound, code: "not_found", field: "severity",
                           "no severity '\(raw.prefix(40))': use P0..P3 or CRITICAL, HIGH, MEDIUM, LOW")
        }
        return severity
    }
}
