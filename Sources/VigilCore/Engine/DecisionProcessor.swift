public import Foundation

/// A raw input as it arrived.
public struct InboundMessage: Sendable {
    /// The subject it arrived on.
    public var subject: String
    /// The bytes.
    public var payload: Data
    /// Its sequence in the JetStream stream, when it came from one; used for stable DLQ ids.
    public var streamSequence: UInt64?

    /// Creates an input.
    public init(subject: String, payload: Data, streamSequence: UInt64? = nil) {
        self.subject = subject
        self.payload = payload
        self.streamSequence = streamSequence
    }
}

/// A validated decision and the effects to make durable before the input is acknowledged.
public struct DecisionResult: Sendable {
    /// The decoded request.
    public var request: PolicyValidationRequest
    /// The verdict.
    public var verdict: PolicyEvaluator.Verdict
    /// Events to publish: the completion event and one per violation.
    public var events: [OutboundEvent]
    /// Rows to write to `policy_violations`.
    public var violations: [ViolationRecord]
}

/// What became of one input.
public enum DecisionOutcome: Sendable {
    /// Validated; publish `events`, write `violations`, then acknowledge.
    case validated(DecisionResult)
    /// Refused; publish the DLQ event, then acknowledge.
    case deadLettered(OutboundEvent, InputError)
}

/// Turns trading-decision inputs into verdicts and effects. Pure apart from the injected stores and
/// clock: no network, no database, no system time.
public struct DecisionProcessor: Sendable {
    /// Subjects and limits.
    public struct Configuration: Sendable {
        /// CloudEvents `source` of every output.
        public var source = "/vigil"
        /// Prefix of output event subjects.
        public var eventsPrefix = "vigil.events"
        /// Prefix of DLQ subjects; the input subject follows it.
        public var deadLetterPrefix = "vigil.dlq"
        /// At most this many bytes of a refused input are carried in its DLQ event.
        public var deadLetterOriginalLimit = 256 * 1024
        /// Input limits.
        public var limits = InputLimits()

        /// The defaults.
        public init() {}
    }

    private let policies: PolicyRegistry
    private let portfolios: any PortfolioStateStore
    private let clock: any WallClock
    private let configuration: Configuration
    private let decoder: InputDecoder
    private let encoder = OutputEncoder()
    private let evaluator = PolicyEvaluator()

    /// Creates a processor.
    public init(policies: PolicyRegistry, portfolios: any PortfolioStateStore, clock: any WallClock,
                configuration: Configuration = Configuration()) {
        self.policies = policies
        self.portfolios = portfolios
        self.clock = clock
        self.configuration = configuration
        self.decoder = InputDecoder(limits: configuration.limits)
    }

    /// Processes a batch. Input errors become DLQ outcomes; a store failure throws, and the caller
    /// must not acknowledge any message of the batch (they will be redelivered).
    public func process(_ batch: [InboundMessage]) throws -> [DecisionOutcome] {
        var decoded: [Result<PolicyValidationRequest, InputError>] = []
        decoded.reserveCapacity(batch.count)
        var missing = Set<String>()
        for message in batch {
            let result = Result { () throws(InputError) in
                try decoder.decode(PolicyValidationRequest.self, from: message.payload)
            }
            if case .success(let request) = result, request.portfolioState == nil {
                missing.insert(request.decision.portfolioID)
            }
            decoded.append(result)
        }
        let stored = missing.isEmpty ? [:] : try portfolios.latestStates(for: missing)
        let set = policies.current
        return try zip(batch, decoded).map { message, result in
            switch result {
            case .failure(let error):
                return .deadLettered(try deadLetter(message, error), error)
            case .success(let request):
                guard let state = request.portfolioState ?? stored[request.decision.portfolioID] else {
                    let error = InputError(.missingPortfolioState, field: "portfolio_state",
                                           "is absent and no snapshot of portfolio '\(request.decision.portfolioID.prefix(100))' is stored")
                    return .deadLettered(try deadLetter(message, error), error)
                }
                return .validated(try evaluate(request, state: state, policies: set))
            }
        }
    }

    /// Validates one request (request-reply and REST). Throws ``InputError`` for bad input.
    public func validate(_ payload: Data) throws -> DecisionResult {
        let request = try decoder.decode(PolicyValidationRequest.self, from: payload)
        return try validate(request)
    }

    /// Validates one decoded request.
    public func validate(_ request: PolicyValidationRequest) throws -> DecisionResult {
        try request.validate(limits: configuration.limits)
        var state = request.portfolioState
        if state == nil {
            state = try portfolios.latestStates(for: [request.decision.portfolioID])[request.decision.portfolioID]
        }
        guard let state else {
            throw InputError(.missingPortfolioState, field: "portfolio_state",
                             "is absent and no snapshot of portfolio '\(request.decision.portfolioID.prefix(100))' is stored")
        }
        return try evaluate(request, state: state, policies: policies.current)
    }

    private func evaluate(_ request: PolicyValidationRequest, state: PortfolioState, policies set: PolicySet) throws -> DecisionResult {
        let decision = request.decision
        let now = clock.now()
        let applicable = set.applicable(to: decision.portfolioID, names: request.applicablePolicies)
        let verdict = evaluator.evaluate(decision, state: state, policies: applicable)
        let portfolioToken = SubjectToken.sanitize(decision.portfolioID)
        var events: [OutboundEvent] = []
        var records: [ViolationRecord] = []
        var violatedNames: [String] = []
        for (position, violation) in verdict.response.violations.enumerated() {
            if violatedNames.last != violation.policyName { violatedNames.append(violation.policyName) }
            // The order the violation blames tells apart two orders on one symbol breaking one limit;
            // violations that blame no order are told apart by their place in the verdict.
            let adjustment = violation.suggestedAdjustment?.objectValue
            let subject = adjustment?["order_index"]?.numberValue.map { "order:\(Int($0))" } ?? "at:\(position)"
            let id = DeterministicID.uuid("violation", "policy", decision.portfolioID, decision.decisionID,
                                          violation.policyName, violation.violationType, subject)
            let eventID = id.uuidString.lowercased()
            let data = PolicyViolationEventData(decisionID: decision.decisionID, portfolioID: decision.portfolioID, violation: violation)
            events.append(try event(id: eventID, type: "violation", subject: decision.decisionID, data: data,
                                    on: "\(configuration.eventsPrefix).violation.policy.\(violation.severity.subjectToken)", at: now))
            records.append(ViolationRecord(id: id, decisionID: decision.decisionID, portfolioID: decision.portfolioID,
                                           violation: violation, eventID: eventID, createdAt: now))
        }
        let data = PolicyValidationData(
            decisionID: decision.decisionID, portfolioID: decision.portfolioID, isCompliant: verdict.response.isCompliant,
            complianceScore: verdict.response.complianceScore, violations: violatedNames, policiesChecked: verdict.policiesChecked)
        let completedID = DeterministicID.uuid("policy_validation_completed", decision.portfolioID, decision.decisionID)
            .uuidString.lowercased()
        events.insert(try event(id: completedID, type: "policy_validation_completed", subject: decision.decisionID, data: data,
                                on: "\(configuration.eventsPrefix).policy_validation_completed.\(portfolioToken)", at: now), at: 0)
        return DecisionResult(request: request, verdict: verdict, events: events, violations: records)
    }

    private func event(id: String, type: String, subject: String?, data: some Encodable & Sendable,
                       on natsSubject: String, at time: Date) throws -> OutboundEvent {
        let cloudEvent = CloudEvent(id: id, source: configuration.source, type: "io.vigil.\(type)", subject: subject, time: time, data: data)
        return OutboundEvent(subject: natsSubject, id: id, payload: try encoder.encode(cloudEvent))
    }

    /// The DLQ event for a refused input. Its id is stable for a stream message, so a redelivered
    /// bad input is dead-lettered once.
    public func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        let limit = configuration.deadLetterOriginalLimit
        let original = message.payload.prefix(limit)
        let data = DeadLetterData(
            subject: message.subject,
            error: .init(code: error.code.rawValue, field: error.field.isEmpty ? nil : error.field, message: error.message),
            receivedAt: clock.now(), streamSequence: message.streamSequence, originalSize: message.payload.count,
            originalTruncated: message.payload.count > limit, originalBase64: Data(original).base64EncodedString())
        let id = message.streamSequence.map { DeterministicID.uuid("dlq", message.subject, String($0)).uuidString.lowercased() }
            ?? UUID().uuidString.lowercased()
        return try event(id: id, type: "dead_letter", subject: message.subject, data: data,
                         on: "\(configuration.deadLetterPrefix).\(message.subject)", at: clock.now())
    }
}
