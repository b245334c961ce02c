import Foundation
import Testing
@testable import VigilCore

@Suite("SECTOR_LIMIT")
struct SectorLimitTests {
    /// NAV 1,000,000: Technology holds MSFT 100,000; Financials holds JPM 50,000; CASH-LIKE has no sector.
    let state = Fixtures.state(positions: [
        Position(symbol: "MSFT", quantity: 500, price: 200, sector: "Technology"),
        Position(symbol: "JPM", quantity: 500, price: 100, sector: "Financials"),
        Position(symbol: "TBILL", quantity: 1000, price: 100),
    ])
    let twentyPercent = RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.2)])

    private func buy(_ symbol: String, _ quantity: Double, at price: Double = 100, sector: String? = "Technology") -> Order {
        RuleChecks.order(.buy, symbol, quantity, at: price, sector: sector)
    }

    @Test func exactlyAtTheSectorLimitIsCompliant() {
        // 100,000 held + 1000 × 100 = 200,000 = 20% of NAV.
        let verdict = RuleChecks.evaluate([buy("AAPL", 1000)], state: state, twentyPercent)
        #expect(verdict.response.isCompliant)
        #expect(verdict.response.violations.isEmpty)
    }

    @Test func oneUnitOverIsAViolationNamingTheNumbers() throws {
        let verdict = RuleChecks.evaluate([buy("AAPL", 1001)], state: state, twentyPercent)
        #expect(!verdict.response.isCompliant)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "SECTOR_LIMIT")
        #expect(violation.severity == .high)
        #expect(violation.description.contains("Technology"))
        #expect(violation.description.contains("200100"))
        #expect(violation.description.contains("20%"))
        #expect(violation.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(1000))
    }

    @Test func suggestedQuantityIsTheLargestCompliantOne() {
        RuleChecks.expectAdjustmentIsLargestCompliant([buy("AAPL", 1500, at: 73)], state: state, twentyPercent, order: 0)
    }

    @Test func perSectorOverrideReplacesTheDefault() {
        let policy = RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.2), "sector_limits": .object(["Financials": .number(0.06)])])
        // Financials: 50,000 + 100 × 100 = 60,000 = 6%: at the limit; one more unit is over.
        #expect(RuleChecks.evaluate([buy("JPM", 100, sector: "Financials")], state: state, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([buy("JPM", 101, sector: "Financials")], state: state, policy).response.isCompliant)
        // Technology still uses the 20% default.
        #expect(RuleChecks.evaluate([buy("AAPL", 1000)], state: state, policy).response.isCompliant)
    }

    @Test func sectorFilterLimitsTheRuleToThoseSectors() {
        let policy = RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.06), "sectors": .array([.string("Financials")])])
        #expect(RuleChecks.evaluate([buy("AAPL", 5000)], state: state, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([buy("JPM", 101, sector: "Financials")], state: state, policy).response.isCompliant)
    }

    @Test func orderWithoutASectorIsRejectedClearlyNotCrashed() throws {
        let verdict = RuleChecks.evaluate([buy("XYZ", 1, sector: nil)], state: state, twentyPercent)
        #expect(!verdict.response.isCompliant)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "SECTOR_UNKNOWN")
        #expect(violation.description.contains("XYZ"))
        #expect(violation.description.contains("`sector`"))
        #expect(violation.suggestedAdjustment?.objectValue?["max_compliant_quantity"] == .number(0))
    }

    @Test func saleThatOnlyReducesAHoldingNeedsNoSector() {
        let sale = RuleChecks.order(.sell, "MSFT", 100, at: 200, sector: nil)
        #expect(RuleChecks.evaluate([sale], state: state, twentyPercent).response.isCompliant)
    }

    @Test func positionsWithoutSectorCountInNoSector() {
        // TBILL (100,000, no sector) would push any sector it joined over 20%; it joins none.
        #expect(RuleChecks.evaluate([buy("AAPL", 1000)], state: state, twentyPercent).response.isCompliant)
    }

    @Test func shortPositionsCountByAbsoluteValue() {
        let short = RuleChecks.order(.sell, "NVDA", 1001, at: 100)
        let verdict = RuleChecks.evaluate([short], state: state, twentyPercent)
        #expect(!verdict.response.isCompliant)
        #expect(RuleChecks.suggested(verdict)[0] == 1000)
    }

    @Test func sectorAboveItsLimitMayStillBeReduced() {
        let over = Fixtures.state(positions: [Position(symbol: "MSFT", quantity: 1500, price: 200, sector: "Technology")])
        #expect(RuleChecks.evaluate([RuleChecks.order(.sell, "MSFT", 100, at: 200)], state: over, twentyPercent).response.isCompliant)
        let more = RuleChecks.evaluate([buy("AAPL", 1)], state: over, twentyPercent)
        #expect(!more.response.isCompliant)
        #expect(RuleChecks.suggested(more)[0] == 0)
    }

    @Test func blameFallsOnTheLastOrderRaisingTheSectorAndScaleFixesAll() throws {
        let orders = [buy("AAPL", 600), buy("JPM", 10, sector: "Financials"), buy("NVDA", 600, at: 50)]
        // Technology: 100,000 + 60,000 + 30,000 = 190,000: compliant. Push AAPL to 800: 210,000.
        var heavy = orders
        heavy[0].quantity = 800
        let verdict = RuleChecks.evaluate(heavy, state: state, twentyPercent)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.suggestedAdjustment?.objectValue?["order_index"] == .number(2))
        // NVDA may add 200,000 − 180,000 = 20,000 at 50: 400 units.
        #expect(RuleChecks.suggested(verdict)[2] == 400)
        RuleChecks.expectAdjustmentIsLargestCompliant(heavy, state: state, twentyPercent, order: 2)
        RuleChecks.expectScaleIsLargestCompliant(heavy, state: state, twentyPercent)
    }

    @Test func advisoryViolationIsRecordedButDoesNotBlock() {
        let advisory = RuleChecks.policy(.sectorLimit, ["max_sector_weight": .number(0.2)], advisory: true)
        let verdict = RuleChecks.evaluate([buy("AAPL", 5000)], state: state, advisory)
        #expect(verdict.response.isCompliant)
        #expect(verdict.response.violations.map(\.advisory) == [true])
        #expect(verdict.response.complianceScore == 0.25)
    }
}
