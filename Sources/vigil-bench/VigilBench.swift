import ArgumentParser

/// Benchmarks for Vigil: in-process evaluation, end-to-end over NATS, and request-reply latency.
/// See docs/performance.md for how to run them and what they measured.
@main
struct VigilBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Vigil benchmarks: eval (in-process), e2e (NATS load generator), validate-rr (request-reply), pit (feature writes).",
        subcommands: [EvalCommand.self, E2ECommand.self, RequestReplyCommand.self, PoliciesCommand.self,
                      PitCommand.self, EchoCommand.self])
}
