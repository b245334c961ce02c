import ArgumentParser
import Foundation
import VigilCore

/// `vigil-bench eval`: in-process throughput on the calling thread, no servers. Two figures:
/// `PolicyEvaluator.evaluate` alone (decoded decision, compiled policies), and the whole engine
/// path `DecisionProcessor.process` (JSON decode, validate, evaluate, encode the CloudEvents).
/// With `--only pit`, the feature-write path `PITProcessor.process` instead (see EvalCommand+PIT).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "In-process evaluation benchmark on one thread (no servers needed).")

    @Option(help: "JSON file with an array of policy definitions (default: 10 POSITION_LIMIT policies).")
    var policies: String?

    @Option(help: "Orders per decision.")
    var orders = 3

    @Option(help: "Percentage of decisions that break a strict limit.")
    var violatingPercent = 10.0

    @Option(help: "Timed iterations per run of PolicyEvaluator.evaluate (decisions).")
    var iterations = 200_000

    @Option(help: "Timed iterations per run of DecisionProcessor.process (decisions; it is ~20x slower).")
    var processIterations = 20_000

    @Option(help: "Untimed iterations before the runs.")
    var warmup = 20_000

    @Option(help: "Runs; the median is reported.")
    var runs = 5

    @Option(help: "Decisions per DecisionProcessor.process call (the service's fetch batch).")
    var batch = 64

    @Flag(help: "Process path: decisions without portfolio_state, read from an in-memory snapshot store instead.")
    var storedState = false

    @Option(help: "Run only one path: evaluate or process (for profiling with perf), or pit: PITProcessor.process on feature writes shaped like `vigil-bench pit`'s (not run by default).")
    var only: Path?

    /// The measured paths.
    enum Path: String, ExpressibleByArgument {
        case evaluate, process, pit
    }

    func validate() throws {
        guard orders >= 1, iterations >= 1, processIterations >= 1, runs >= 1, warmup >= 0, batch >= 1 else {
            throw ValidationError("--orders, --iterations, --process-iterations, --runs and --batch must be at least 1; --warmup at least 0")
        }
    }

    func run() throws {
        if only == .pit { return try runPIT() }
        let workload = try BenchWorkload.load(policyFile: policies, ordersPerDecision: orders)
        let set = workload.policySet
        let portfolio = "bench-eval"
        let state = workload.state(portfolioID: portfolio)
        let applicable = set.applicable(to: portfolio, names: nil)
        let decisions = (0..<64).map { index in
            workload.decision(id: "bench-eval-\(index)", portfolioID: portfolio, variant: index,
                              violating: violatingPercent > 0 && index % max(1, Int((100 / violatingPercent).rounded())) == 0)
        }
        let evaluator = PolicyEvaluator()
        let sample = decisions.map { evaluator.evaluate($0, state: state, policies: applicable) }
        let violations = sample.reduce(0) { $0 + $1.response.violations.count }
        print("eval: \(applicable.count) policies, \(orders) orders per decision, \(state.positions.count) positions, "
              + "\(sample.filter { !$0.response.isCompliant }.count)/\(sample.count) decisions non-compliant (\(violations) violations)")

        // 1. Evaluation alone. The checksum keeps the optimizer from dropping the work.
        var checksum = 0.0
        let evaluate = only == .process ? [] : measure(label: "PolicyEvaluator.evaluate") { count in
            for index in 0..<count {
                checksum += evaluator.evaluate(decisions[index & 63], state: state, policies: applicable).response.complianceScore
            }
        }

        // 2. The engine path, as a decision worker runs it, with in-memory stores.
        let factory = try PayloadFactory(workload: workload, runID: "bench-eval", portfolios: 8,
                                         violatingPercent: violatingPercent, includeState: !storedState)
        let messages = (0..<1024).map { index in
            InboundMessage(subject: "trading.decisions.\(factory.template(index).portfolioID)", payload: Data(factory.payload(index)),
                           streamSequence: UInt64(index + 1))
        }
        let store = InMemoryPortfolioStateStore()
        for template in factory.templates { try store.save(workload.state(portfolioID: template.portfolioID)) }
        let processor = DecisionProcessor(policies: PolicyRegistry(set), portfolios: store, windows: InMemoryDecisionWindowStore(),
                                          enforcement: InMemoryEnforcementState(), clock: SystemClock())
        var failures = 0
        let process = only == .evaluate ? [] : measure(label: "DecisionProcessor.process (decode+evaluate+encode)", iterations: processIterations) { count in
            var done = 0
            while done < count {
                let size = min(batch, count - done)
                let start = (done & 1023) <= 1024 - size ? done & 1023 : 0
                do {
                    for outcome in try processor.process(Array(messages[start..<start + size])) {
                        if case .deadLettered = outcome { failures += 1 }
                    }
                } catch {
                    failures += size
                }
                done += size
            }
        }
        if failures > 0 { throw BenchError("\(failures) decisions were refused by DecisionProcessor; the workload is broken") }
        print("")
        print("| path | median (per CPU-second) | CPU per decision | runs |")
        print("|---|---|---|---|")
        let processLabel = "DecisionProcessor.process (\(storedState ? "stored" : "inline") state)"
        for (label, rates) in [("PolicyEvaluator.evaluate", evaluate), (processLabel, process)] where !rates.isEmpty {
            let median = Stats.median(rates)
            print("| \(label) | \(Stats.rate(median)) | \(String(format: "%.2f", 1e6 / median)) µs | "
                  + rates.map { Stats.grouped(Int($0)) }.joined(separator: ", ") + " |")
        }
        let target = 500_000.0
        guard !evaluate.isEmpty else { return }
        print("target: evaluate >= \(Stats.rate(target)) on one core: \(Stats.median(evaluate) >= target ? "met" : "MISSED")"
              + " (checksum \(Int(checksum) % 10))")
    }

    /// Warm up, then time `runs` runs of `iterations` (default: --iterations); returns decisions per CPU-second of this
    /// thread for each run (wall-clock rates are printed too; they differ when the machine is busy).
    func measure(label: String, iterations: Int? = nil, _ body: (Int) -> Void) -> [Double] {
        let iterations = iterations ?? self.iterations
        body(min(warmup, iterations))
        var rates: [Double] = []
        for run in 1...runs {
            let start = Monotonic.nanos()
            let cpuStart = Monotonic.threadCPUNanos()
            body(iterations)
            let cpu = Double(Monotonic.threadCPUNanos() - cpuStart) / 1e9
            let wall = Double(Monotonic.nanos() - start) / 1e9
            rates.append(Double(iterations) / cpu)
            print("  \(label) run \(run): \(Stats.rate(Double(iterations) / cpu)) per CPU-second, "
                  + "\(Stats.rate(Double(iterations) / wall)) wall (\(Int(100 * cpu / wall))% of a core)")
        }
        return rates
    }
}
