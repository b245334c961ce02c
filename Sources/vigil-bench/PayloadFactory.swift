import Foundation
import VigilCore

/// Builds PolicyValidationRequest payloads fast enough for a load generator: each template is
/// encoded once with a placeholder decision id, and a payload is the template with the id spliced
/// in. Encoding every request with JSONEncoder would cost the generator a core at 50,000/s.
struct PayloadFactory: Sendable {
    /// One encoded request split around its decision id.
    struct Template: Sendable {
        /// Portfolio of the template; the decision goes to `trading.decisions.<portfolio>`.
        var portfolioID: String
        /// Whether the template breaks a strict limit.
        var violating: Bool
        var head: [UInt8]
        var tail: [UInt8]
    }

    /// Prefix of every decision id, unique per run, so events of other runs are ignored.
    let runID: String
    /// Templates, used round-robin.
    let templates: [Template]
    /// Every `violatingEvery`-th decision breaks a limit (0: none).
    let violatingEvery: Int

    private static let placeholder = "@@DECISION_ID@@"

    /// Templates for `portfolios` portfolios; `violatingPercent` of decisions break a limit.
    init(workload: BenchWorkload, runID: String, portfolios: Int, violatingPercent: Double, includeState: Bool) throws {
        self.runID = runID
        violatingEvery = violatingPercent <= 0 ? 0 : max(1, Int((100 / violatingPercent).rounded()))
        let encoder = OutputEncoder()
        var templates: [Template] = []
        for index in 0..<max(1, portfolios) {
            let portfolio = "\(runID)-pf\(index)"
            for violating in [false, true] {
                let decision = workload.decision(id: Self.placeholder, portfolioID: portfolio, variant: index, violating: violating)
                let request = PolicyValidationRequest(decision: decision,
                                                      portfolioState: includeState ? workload.state(portfolioID: portfolio) : nil)
                let bytes = Array(try encoder.encode(request))
                let marker = Array(Self.placeholder.utf8)
                guard let at = bytes.firstRange(of: marker) else { throw BenchError("payload template lost its decision id") }
                templates.append(Template(portfolioID: portfolio, violating: violating,
                                          head: Array(bytes[..<at.lowerBound]), tail: Array(bytes[at.upperBound...])))
            }
        }
        self.templates = templates
    }

    /// The decision id of sequence number `sequence`.
    func decisionID(_ sequence: Int) -> String { "\(runID)-\(sequence)" }

    /// The template used for `sequence`: portfolios round-robin, violating every n-th.
    func template(_ sequence: Int) -> Template {
        let portfolio = sequence % (templates.count / 2)
        let violating = violatingEvery > 0 && sequence % violatingEvery == violatingEvery - 1
        return templates[portfolio * 2 + (violating ? 1 : 0)]
    }

    /// The request bytes of `sequence`.
    func payload(_ sequence: Int) -> [UInt8] {
        let template = template(sequence)
        return template.head + Array(decisionID(sequence).utf8) + template.tail
    }
}
