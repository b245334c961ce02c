import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// GET /api/v1/policies: every stored policy, with `error` set on rows that are rejected.
    func listPolicies() async throws -> Response {
        APIResponse.json(.ok, try await withDatabase { try PolicyRepository().list(on: $0) })
    }

    /// GET /api/v1/policies/{name}.
    func getPolicy(_ name: String) async throws -> Response {
        guard let policy = try await withDatabase({ try PolicyRepository().get(name, on: $0) }) else {
            throw Self.policyNotFound(name)
        }
        return APIResponse.json(.ok, policy)
    }

    /// PUT /api/v1/policies/{name} (admin): compiles the policy exactly as the engine will, and
    /// stores it only if that succeeds, so an invalid policy is never half-loaded. 201 when new.
    func putPolicy(_ name: String, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError(.badRequest, code: "malformed_json", "the body is not JSON")
        }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(value, name: name)
            try document.check()
        } catch {
            throw APIError(.badRequest, error)
        }
        let stored = try await withDatabase { connection in
            let created = try PolicyRepository().upsert([document], on: connection)[name] ?? false
            return (created, try PolicyRepository().get(name, on: connection))
        }
        guard let policy = stored.1 else { throw APIError.unavailable("the policy database") }
        return APIResponse.json(stored.0 ? .created : .ok, policy)
    }

    /// DELETE /api/v1/policies/{name} (admin): 204, or 404 when there was no such policy.
    func deletePolicy(_ name: String, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        guard try await withDatabase({ try PolicyRepository().delete(name, on: $0) }) else { throw Self.policyNotFound(name) }
        return APIResponse.empty(.noContent)
    }

    static func policyNotFound(_ name: String) -> APIError {
        APIError(.notFound, code: "not_found", field: "name", "no policy named '\(name.prefix(100))'")
    }
}
