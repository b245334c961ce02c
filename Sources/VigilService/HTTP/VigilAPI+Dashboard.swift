import Foundation
import Hummingbird
import Logging
import VigilCore

extension VigilAPI {
    /// GET /api/v1/dashboard: the dispatch dashboard (docs/sla.md), computed from the shared
    /// Redis counters, so every instance answers the same.
    func getDashboard() async throws -> Response {
        APIResponse.json(.ok, try await currentDashboard())
    }

    /// GET /api/v1/dashboard/regions: the per-region heatmap cells of the last hour.
    func getDashboardRegions() async throws -> Response {
        let snapshot = try await currentDashboard()
        return APIResponse.json(.ok, DashboardRegions(generatedAt: snapshot.generatedAt, regions: snapshot.regions))
    }

    private func currentDashboard() async throws -> DashboardSnapshot {
        guard let dashboard else { throw APIError.unavailable("the dispatch dashboard") }
        do {
            // hiredis blocks: off the cooperative pool.
            return try await onDedicatedThread("vigil-http-dashboard") { try dashboard() }
        } catch {
            logger.warning("dashboard not computed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the dispatch dashboard")
        }
    }
}

/// The body of `GET /api/v1/dashboard/regions`.
struct DashboardRegions: Encodable {
    var generatedAt: Date
    var regions: [RegionSummary]

    enum CodingKeys: String, CodingKey {
        case regions
        case generatedAt = "generated_at"
    }
}
