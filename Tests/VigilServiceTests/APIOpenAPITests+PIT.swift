import Foundation

extension APIOpenAPITests {
    /// The feature-contract and PIT-violation routes, in the order they must run (create before
    /// read, delete last).
    static func pitScenarios(name: String) -> [Scenario] {
        let token = APITestServer.adminToken
        let path = "/api/v1/contracts/\(name)"
        func data(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        let contract = data(["value_type": "number", "minimum": 0, "maximum": 1, "expected_latency_seconds": 30] as [String: Any])
        let bad = data(["value_type": "number", "minimum": 2, "maximum": 1] as [String: Any])
        return [
            ("PUT /api/v1/contracts/{feature} 201", { try await $0.ok.send("PUT", path, body: contract, token: token) }),
            ("PUT /api/v1/contracts/{feature} 200", { try await $0.ok.send("PUT", path, body: contract, token: token) }),
            ("PUT /api/v1/contracts/{feature} 400", { try await $0.ok.send("PUT", path, body: bad, token: token) }),
            ("PUT /api/v1/contracts/{feature} 401", { try await $0.ok.send("PUT", path, body: contract, token: "wrong") }),
            ("PUT /api/v1/contracts/{feature} 403", { try await $0.noAdmin.send("PUT", path, body: contract, token: token) }),
            ("PUT /api/v1/contracts/{feature} 503", { try await $0.broken.send("PUT", path, body: contract, token: token) }),
            ("GET /api/v1/contracts 200", { try await $0.ok.send("GET", "/api/v1/contracts") }),
            ("GET /api/v1/contracts 503", { try await $0.broken.send("GET", "/api/v1/contracts") }),
            ("GET /api/v1/contracts/{feature} 200", { try await $0.ok.send("GET", path) }),
            ("GET /api/v1/contracts/{feature} 503", { try await $0.broken.send("GET", path) }),
            ("DELETE /api/v1/contracts/{feature} 401", { try await $0.ok.send("DELETE", path) }),
            ("DELETE /api/v1/contracts/{feature} 503", { try await $0.broken.send("DELETE", path, token: token) }),
            ("DELETE /api/v1/contracts/{feature} 204", { try await $0.ok.send("DELETE", path, token: token) }),
            ("DELETE /api/v1/contracts/{feature} 404", { try await $0.ok.send("DELETE", path, token: token) }),
            ("GET /api/v1/contracts/{feature} 404", { try await $0.ok.send("GET", path) }),
            ("GET /api/v1/pit/violations 200", { try await $0.ok.send("GET", "/api/v1/pit/violations?limit=5&severity=HIGH") }),
            ("GET /api/v1/pit/violations 400", { try await $0.ok.send("GET", "/api/v1/pit/violations?feature=x") }),
            ("GET /api/v1/pit/violations 503", { try await $0.broken.send("GET", "/api/v1/pit/violations") }),
        ]
    }
}
