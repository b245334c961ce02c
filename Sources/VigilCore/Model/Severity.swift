/// How serious a violation is. Seed 002 maps CRITICAL/HIGH/MEDIUM/LOW to P0/P1/P2/P3.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"
    case critical = "CRITICAL"

    /// The incident priority of this severity (`P0` is the most urgent).
    public var priority: String {
        switch self {
        case .critical: "P0"
        case .high: "P1"
        case .medium: "P2"
        case .low: "P3"
        }
    }

    /// Accepts the severity name in any case, or its priority (`P0`…`P3`).
    public init?(text: String) {
        switch text.uppercased() {
        case "CRITICAL", "P0": self = .critical
        case "HIGH", "P1": self = .high
        case "MEDIUM", "P2": self = .medium
        case "LOW", "P3": self = .low
        default: return nil
        }
    }

    /// Lower-case name, used in NATS subjects (`vigil.events.violation.policy.high`).
    public var subjectToken: String { rawValue.lowercased() }

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Severity(text: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown severity '\(text.prefix(40))' (expected CRITICAL, HIGH, MEDIUM, LOW or P0..P3)")
        }
        self = value
    }
}
