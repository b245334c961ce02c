import Foundation

/// Turns `vigil.report.violations` inputs into detected violations (domain `reported`) with their
/// `vigil.events.violation.reported.<severity>` events, or DLQ events for bad input. Pure.
public struct ReportedViolationProcessor: Sendable {
    /// What became of one input.
    public enum Outcome: Sendable {
        /// A violation and its event.
        case detected(DetectedViolation, OutboundEvent)
        /// A DLQ event and why.
        case deadLettered(OutboundEvent, InputError)
    }

    private let decoder: InputDecoder
    private let encoder = OutputEncoder()
    private let clock: any WallClock
    private let configuration: DecisionProcessor.Configuration

    /// Creates a processor using the decision slice's source, prefixes and limits.
    public init(clock: any WallClock, configuration: DecisionProcessor.Configuration = DecisionProcessor.Configuration()) {
        self.clock = clock
        self.configuration = configuration
        self.decoder = InputDecoder(limits: configuration.limits)
    }

    /// Processes a batch in order.
    public func process(_ inputs: [InboundMessage]) throws -> [Outcome] {
        let now = clock.now()
        return try inputs.map { input in
            let report: ReportedViolation
            do throws(InputError) {
                report = try decoder.decode(ReportedViolation.self, from: input.payload)
            } catch {
                return .deadLettered(try deadLetter(input, error, at: now), error)
            }
            let violation = report.detected(at: now)
            let subject = "\(configuration.eventsPrefix).violation.reported.\(violation.severity.subjectToken)"
            let event = CloudEvent(id: violation.id, source: configuration.source, type: "io.vigil.violation.reported",
                                   subject: violation.violationType, time: now, data: violation)
            return .detected(violation, OutboundEvent(subject: subject, id: violation.id, payload: try encoder.encode(event)))
        }
    }

    /// The DLQ event for a refused report, in the shape ``DecisionProcessor/deadLetter(_:_:)`` uses.
    public func deadLetter(_ message: InboundMessage, _ error: InputError, at now: Date) throws -> OutboundEvent {
        let limit = configuration.deadLetterOriginalLimit
        let data = DeadLetterData(
            subject: message.subject,
            error: .init(code: error.code.rawValue, field: error.field.isEmpty ? nil : error.field, message: error.message),
            receivedAt: now, streamSequence: message.streamSequence, originalSize: message.payload.count,
            originalTruncated: message.payload.count > limit, originalBase64: Data(message.payload.prefix(limit)).base64EncodedString())
        let id = message.streamSequence.map { DeterministicID.uuid("dlq", message.subject, String($0)).uuidString.lowercased() }
            ?? DeterministicID.uuid("dlq", message.subject, Data(message.payload.prefix(4096)).base64EncodedString()).uuidString.lowercased()
        let subject = "\(configuration.deadLetterPrefix).\(message.subject)"
        let event = CloudEvent(id: id, source: configuration.source, type: "io.vigil.dead_letter", subject: message.subject, time: now, data: data)
        return OutboundEvent(subject: subject, id: id, payload: try encoder.encode(event))
    }
}
