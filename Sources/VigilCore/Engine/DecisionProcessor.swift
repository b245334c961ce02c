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
    private let windows: any DecisionWindowStore
    private let reads: any DecisionStateReader
    private let clock: any WallClock
    private let configuration: Configuration
    private let decoder: InputDecoder
    private let encoder = OutputEncoder()
    private let evaluator = PolicyEvaluator()
    /// Where a policy's windowed limits come from; tests substitute it to exercise windows
    /// without depending on a particular policy type's rules.
    private let windowLimits: @Sendable (CompiledPolicy) -> [WindowLimit]

    /// Creates a processor. `windows` holds the sliding windows and `enforcement` the breaker and
    /// quarantine state; both are shared by every instance in service (Redis). `stateReads` reads
    /// stored snapshots and enforcement state together (one round trip); by default `portfolios`
    /// and `enforcement` are asked in turn.
    public init(policies: PolicyRegistry, portfolios: any PortfolioStateStore, windows: any DecisionWindowStore,
                enforcement: any EnforcementStateReader, clock: any WallClock, configuration: Configuration = Configuration(),
                stateReads: (any DecisionStateReader)? = nil) {
        self.init(policies: policies, portfolios: portfolios, windows: windows, enforcement: enforcement, clock: clock,
                  configuration: configuration, stateReads: stateReads, windowLimits: { $0.windowLimits })
    }

    init(policies: PolicyRegistry, portfolios: any PortfolioStateStore, windows: any DecisionWindowStore,
         enforcement: any EnforcementStateReader, clock: any WallClock, configuration: Configuration = Configuration(),
         stateReads: (any DecisionStateReader)? = nil, windowLimits: @escaping @Sendable (CompiledPolicy) -> [WindowLimit]) {
        self.policies = policies
        self.windows = windows
        self.reads = stateReads ?? SeparateDecisionStateReads(portfolios: portfolios, enforcement: enforcement)
        self.clock = clock
        self.configuration = configuration
        self.decoder = InputDecoder(limits: configuration.limits)
        self.windowLimits = windowLimits
    }

    /// Processes a batch: breaker and quarantine state, stored portfolio states and the windowed
    /// limits are each read in one call for the whole batch; windows are checked and recorded in
    /// batch order. Input errors become DLQ outcomes; a store failure throws, and the caller must
    /// not acknowledge any message of the batch (they will be redelivered).
    public func process(_ batch: [InboundMessage]) throws -> [DecisionOutcome] {
        var decoded: [Result<PolicyValidationRequest, InputError>] = []
        decoded.reserveCapacity(batch.count)
        var missing = Set<String>()
        var scopes = Set<String>()
        var features = Set<String>()
        for message in batch {
            let result = Result { () throws(InputError) in
                try decoder.decode(PolicyValidationRequest.self, from: message.payload)
            }
            if case .success(let request) = result {
                if request.portfolioState == nil { missing.insert(request.decision.portfolioID) }
                scopes.formUnion(EnforcementGate.scopes(of: request.decision))
                features.formUnion(request.decision.featuresUsed ?? [])
            }
            decoded.append(result)
        }
        let inputs = try reads.read(statesOf: missing, scopes: scopes, features: features)
        let (stored, snapshot) = (inputs.states, inputs.enforcement)
        let set = policies.current
        let now = clock.now()
        var pending: [Pending] = []
        var checks: [WindowCheck] = []
        var checkOf: [Int: Int] = [:]
        for (index, result) in decoded.enumerated() {
            let request: PolicyValidationRequest
            switch result {
            case .failure(let error):
                pending.append(.refused(error))
                continue
            case .success(let value):
                request = value
            }
            guard let state = request.portfolioState ?? stored[request.decision.portfolioID] else {
                pending.append(.refused(Self.missingState(request)))
                continue
            }
            let judged = assess(request, state: state, policies: set, snapshot: snapshot)
            if let check = judged.windowCheck(at: now) {
                checkOf[index] = checks.count
                checks.append(check)
            }
            pending.append(.judged(request, judged))
        }
        let breaches = checks.isEmpty ? [] : try windows.check(checks, record: true)
        guard breaches.count == checks.count else {
            throw WindowStoreError("the window store answered \(breaches.count) of \(checks.count) checks")
        }
        return try zip(batch, pending).enumerated().map { index, item in
            switch item.1 {
            case .refused(let error):
                return .deadLettered(try deadLetter(item.0, error), error)
            case .judged(let request, let judged):
                let found = checkOf[index].map { breaches[$0] } ?? []
                return .validated(try effects(of: request, verdict: judged.finish(with: found), at: now))
            }
        }
    }

    /// Validates one request (request-reply and REST). Throws ``InputError`` for bad input.
    public func validate(_ payload: Data) throws -> DecisionResult {
        let request = try decoder.decode(PolicyValidationRequest.self, from: payload)
        return try validate(request)
    }

    /// Validates one decoded request as a pre-trade check: windowed limits are checked against
    /// what is recorded, but the decision itself is not recorded (only decisions consumed from the
    /// decision stream are).
    public func validate(_ request: PolicyValidationRequest) throws -> DecisionResult {
        try request.validate(limits: configuration.limits)
        let portfolioID = request.decision.portfolioID
        let inputs = try reads.read(statesOf: request.portfolioState == nil ? [portfolioID] : [],
                                    scopes: Set(EnforcementGate.scopes(of: request.decision)), features: Set(request.decision.featuresUsed ?? []))
        guard let state = request.portfolioState ?? inputs.states[portfolioID] else { throw Self.missingState(request) }
        let judged = assess(request, state: state, policies: policies.current, snapshot: inputs.enforcement)
        let now = clock.now()
        let breaches = try judged.windowCheck(at: now).map { try windows.check([$0], record: false).first ?? [] } ?? []
        return try effects(of: request, verdict: judged.finish(with: breaches), at: now)
    }

    /// A decision refused as input, or judged up to its windowed limits.
    private enum Pending {
        case refused(InputError)
        case judged(PolicyValidationRequest, StatefulVerdict)
    }

    private static func missingState(_ request: PolicyValidationRequest) -> InputError {
        InputError(.missingPortfolioState, field: "portfolio_state",
                   "is absent and no snapshot of portfolio '\(request.decision.portfolioID.prefix(100))' is stored")
    }

    /// Phases one and two: the gate and the stateless rules.
    private func assess(_ request: PolicyValidationRequest, state: PortfolioState, policies set: PolicySet,
                        snapshot: EnforcementSnapshot) -> StatefulVerdict {
        let applicable = set.applicable(to: request.decision.portfolioID, names: request.applicablePolicies)
        let rules = evaluator.evaluate(request.decision, state: state, policies: applicable)
        return StatefulVerdict(decision: request.decision, snapshot: snapshot, rules: rules, policies: applicable,
                               windowLimits: windowLimits)
    }

    private func effects(of request: PolicyValidationRequest, verdict: PolicyEvaluator.Verdict, at now: Date) throws -> DecisionResult {
        let decision = request.decision
        let portfolioToken = SubjectToken.sanitize(decision.portfolioID)
        var events: [OutboundEvent] = []
        var records: [ViolationRecord] = []
        var violatedNames: [String] = []
        for (position, violation) in verdict.response.violations.enumerated() {
            if violatedNames.last != violation.policyName { violatedNames.append(violation.policyName) }
            // The order the violation blames tells apart two orders on one symbol breaking one limit,
            // the feature tells apart quarantine violations; others are told apart by their place.
            let details = violation.suggestedAdjustment?.objectValue
            let subject = details?["order_index"]?.numberValue.map { "order:\(Int($0))" }
                ?? details?["feature"]?.stringValue.map { "feature:\($0)" } ?? "at:\(position)"
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
