import Testing
@testable import VigilService

@Suite("How stream pipelines fetch")
struct FetchPlanTests {
    @Test("after a fetch that found messages: a full batch, waiting at most 1 ms for more")
    func busy() {
        #expect(FetchPlan(lastCount: 3, inFlight: 1, batchSize: 256, idleWait: 0.25) == FetchPlan(batch: 256, wait: 0.001))
        #expect(FetchPlan(lastCount: 256, inFlight: 0, batchSize: 256, idleWait: 0.0005).wait == 0.0005)
    }

    @Test("after an empty fetch: one message, handed over when stored; short waits while a batch awaits its acks")
    func idle() {
        #expect(FetchPlan(lastCount: 0, inFlight: 0, batchSize: 256, idleWait: 0.25) == FetchPlan(batch: 1, wait: 0.25))
        #expect(FetchPlan(lastCount: 0, inFlight: 2, batchSize: 256, idleWait: 0.25) == FetchPlan(batch: 1, wait: 0.002))
        #expect(FetchPlan(lastCount: 0, inFlight: 2, batchSize: 256, idleWait: 0.001) == FetchPlan(batch: 1, wait: 0.001))
    }
}
