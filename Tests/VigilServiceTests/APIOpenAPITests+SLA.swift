import Foundation

extension APIOpenAPITests {
    /// The SLA policy routes. The PUT stores MEDIUM's default values, which the migration seeds
    /// and no other test changes, so suites running at the same time see no difference.
    static func slaPolicyScenarios() -> [Scenario] {
        let token = APITestServer.adminToken
        let path = "/api/v1/sla/policies/P2"
        func data(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        let policy = data(["acknowledge_within_seconds": 3600, "resolve_within_seconds": 86400, "warning_fraction": 0.8] as [String: Any])
        let bad = data(["acknowledge_within_seconds": 3600, "resolve_within_seconds": -1] as [String: Any])
        return [
            ("GET /api/v1/sla/policies 200", { try await $0.ok.send("GET", "/api/v1/sla/policies") }),
            ("GET /api/v1/sla/policies 503", { try await $0.broken.send("GET", "/api/v1/sla/policies") }),
            ("PUT /api/v1/sla/policies/{severity} 200", { try await $0.ok.send("PUT", path, body: policy, token: token) }),
            ("PUT /api/v1/sla/policies/{severity} 400", { try await $0.ok.send("PUT", path, body: bad, token: token) }),
            ("PUT /api/v1/sla/policies/{severity} 401", { try await $0.ok.send("PUT", path, body: policy, token: "wrong") }),
            ("PUT /api/v1/sla/policies/{severity} 403", { try await $0.noAdmin.send("PUT", path, body: policy, token: token) }),
            ("PUT /api/v1/sla/policies/{severity} 404", { try await $0.ok.send("PUT", "/api/v1/sla/policies/P9", body: policy, token: token) }),
            ("PUT /api/v1/sla/policies/{severity} 503", { try await $0.broken.send("PUT", path, body: policy, token: token) }),
            ("GET /api/v1/sla/policies/{severity} 200", { try await $0.ok.send("GET", path) }),
            ("GET /api/v1/sla/policies/{severity} 404", { try await $0.ok.send("GET", "/api/v1/sla/policies/urgent") }),
            ("GET /api/v1/sla/policies/{severity} 503", { try await $0.broken.send("GET", path) }),
        ]
    }
}
